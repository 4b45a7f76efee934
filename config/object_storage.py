"""STORAGES for an install whose files live on an S3-compatible object store (settings.py, when S3_BUCKET is set).

Public media (pictures, their renditions, avatars) and private files (guides, lesson files, Wagtail documents,
which may sit in restricted collections) are kept apart: two buckets, or two prefixes of one bucket that do not
nest. Private objects are written without an ACL (private, as every new object is) and reached only through the
app. Plain data in, plain data out: this runs while settings load, before any app is ready.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

MIB = 1024 * 1024
# Reads of private files through django-storages' file object spool to a temporary file past this size.
SPOOL_IN_MEMORY = 16 * MIB
# The longest a signed address of a private object may live (django-storages signs only when asked).
PRIVATE_URL_MAX_AGE = 60


class ObjectStorageConfigError(ValueError):
    """The S3_* settings do not describe two separate places for public and private files."""


@dataclass(frozen=True)
class ObjectStore:
    bucket: str
    private_bucket: str = ""
    media_prefix: str = "media"
    private_prefix: str = "private"
    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    addressing_style: str = ""
    media_acl: str = ""
    custom_domain: str = ""

    @property
    def private_bucket_name(self) -> str:
        return self.private_bucket or self.bucket

    def _common(self) -> dict:
        return {
            "endpoint_url": self.endpoint_url or None,
            "region_name": self.region or None,
            # Empty keys leave boto3 its usual sources (instance role, AWS_* variables, its config files).
            "access_key": self.access_key_id or None,
            "secret_key": self.secret_access_key or None,
            "addressing_style": self.addressing_style or None,
            "signature_version": "s3v4",
            "file_overwrite": False,
            "max_memory_size": SPOOL_IN_MEMORY,
        }

    def public_options(self) -> dict:
        return {
            **self._common(),
            "bucket_name": self.bucket,
            "location": self.media_prefix.strip("/"),
            "querystring_auth": False,
            "default_acl": self.media_acl or None,
            "custom_domain": self.custom_domain or None,
        }

    def private_options(self) -> dict:
        return {
            **self._common(),
            "bucket_name": self.private_bucket_name,
            "location": self.private_prefix.strip("/"),
            "querystring_auth": True,
            "querystring_expire": PRIVATE_URL_MAX_AGE,
            "default_acl": None,
        }

    def check(self) -> None:
        if self.private_bucket_name != self.bucket:
            return
        public, private = self.media_prefix.strip("/"), self.private_prefix.strip("/")
        if (
            not public
            or not private
            or public == private
            or f"{public}/".startswith(f"{private}/")
            or (f"{private}/".startswith(f"{public}/"))
        ):
            raise ObjectStorageConfigError(
                "S3_MEDIA_PREFIX and S3_PRIVATE_PREFIX must be two separate, non-empty prefixes when public and "
                "private files share S3_BUCKET (or name another bucket in S3_PRIVATE_BUCKET)."
            )

    def storages(self) -> dict:
        """The "default" (public media; documents go to the private place) and "private" entries of STORAGES."""
        self.check()
        return {
            "default": {
                "BACKEND": "core.storage.MediaStorage",
                "OPTIONS": {"public": self.public_options(), "private": self.private_options()},
            },
            "private": {"BACKEND": "core.storage.S3Storage", "OPTIONS": self.private_options()},
        }

    def media_origins(self) -> list[str]:
        """Where browsers fetch public pictures from, for the Content-Security-Policy's img-src."""
        if self.custom_domain:
            return [f"https://{self.custom_domain}"]
        if self.endpoint_url:
            parts = urlsplit(self.endpoint_url)
            origins = [f"{parts.scheme}://{parts.netloc}"]
            if self.addressing_style != "path":
                origins.append(f"{parts.scheme}://{self.bucket}.{parts.netloc}")
            return origins
        origins = [f"https://{self.bucket}.s3.amazonaws.com"]
        if self.region:
            origins.append(f"https://{self.bucket}.s3.{self.region}.amazonaws.com")
        return origins
