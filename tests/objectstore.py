"""An S3-compatible server on loopback for tests: moto's server on a free port, stopped by its pid.

`start_moto(log_dir)` starts one; `new_store(server)` makes a public and a private bucket of its own (public read by
bucket policy, as a deployment would set it) and returns the ObjectStore settings an install would be given,
`store_env(store)` the same as environment variables for a server process.
"""

import json
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests

from config.object_storage import ObjectStore
from tests import processes

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"


@dataclass
class MotoServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def stop(self) -> None:
        processes.stop([self.process], timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto(log_dir: Path) -> MotoServer:
    port = _free_port()
    log_path = log_dir / f"moto-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = MotoServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited at start:\n{log_path.read_text(errors='replace')}")
        try:
            requests.get(server.url + "/moto-api/", timeout=5)
            return server
        except requests.RequestException:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError("moto_server did not answer within a minute") from None
            time.sleep(0.1)


def new_store(server: MotoServer) -> ObjectStore:
    """Two fresh buckets: public media readable by anyone (bucket policy), private files readable by nobody."""
    suffix = secrets.token_hex(4)
    public, private = f"media-{suffix}", f"private-{suffix}"
    client = server.client()
    client.create_bucket(Bucket=public)
    client.create_bucket(Bucket=private)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{public}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=public, Policy=json.dumps(policy))
    return ObjectStore(
        bucket=public,
        private_bucket=private,
        media_prefix="",
        private_prefix="",
        endpoint_url=server.url,
        region=REGION,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        addressing_style="path",
    )


def store_env(store: ObjectStore) -> dict[str, str]:
    """The environment variables that give a server process this object store (README's S3_* table)."""
    return {
        "S3_BUCKET": store.bucket,
        "S3_PRIVATE_BUCKET": store.private_bucket,
        "S3_MEDIA_PREFIX": store.media_prefix,
        "S3_PRIVATE_PREFIX": store.private_prefix,
        "S3_ENDPOINT_URL": store.endpoint_url,
        "S3_REGION": store.region,
        "S3_ACCESS_KEY_ID": store.access_key_id,
        "S3_SECRET_ACCESS_KEY": store.secret_access_key,
        "S3_ADDRESSING_STYLE": store.addressing_style,
    }


def keys(server: MotoServer, bucket: str) -> list[str]:
    pages = server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))
