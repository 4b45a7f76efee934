"""config/settings.py reads the object store from S3_* variables alone, keeps local disk without them, and refuses
to start when public and private files would share one place."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'storages': settings.STORAGES, 'img_src': settings.SECURE_CSP['img-src']}, default=str))"
)


def _settings(**env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("S3_")}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", ENV_FILE="", SECRET_KEY="x" * 50, **env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_s3_bucket_files_stay_on_local_disk():
    answer = _settings()

    storages = json.loads(answer.stdout)["storages"]
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_variables_put_media_and_private_files_on_the_store_apart():
    answer = _settings(
        S3_BUCKET="site-files",
        S3_ENDPOINT_URL="https://store.example.net",
        S3_REGION="eu-west-1",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
        S3_ADDRESSING_STYLE="path",
    )

    facts = json.loads(answer.stdout)
    public = facts["storages"]["default"]["OPTIONS"]["public"]
    private = facts["storages"]["private"]["OPTIONS"]
    assert facts["storages"]["default"]["BACKEND"] == "core.storage.MediaStorage"
    assert (public["bucket_name"], public["location"]) == ("site-files", "media")
    assert (private["bucket_name"], private["location"]) == ("site-files", "private")
    assert private["default_acl"] is None
    assert private["querystring_expire"] <= 60
    assert public["file_overwrite"] is private["file_overwrite"] is False
    assert public["endpoint_url"] == "https://store.example.net"
    assert "https://store.example.net" in facts["img_src"]


def test_public_and_private_files_in_one_place_refuse_to_start():
    answer = _settings(S3_BUCKET="site-files", S3_MEDIA_PREFIX="files", S3_PRIVATE_PREFIX="files")

    assert answer.returncode != 0
    assert "S3_MEDIA_PREFIX and S3_PRIVATE_PREFIX" in answer.stderr
