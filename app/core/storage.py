"""Where Jiwar keeps the files it writes (proposal photos): a folder on this server's disk by default,
or an S3-compatible bucket shared by every app server when `JIWAR_STORAGE_URL` is set.

Files are named by keys such as `proposals/3f9c….jpg`, always made by the app, never typed by anyone.
Reads go through the app (the view checks who may see the file first), so the bucket stays private
and a hidden proposal's photo stops being served at once: a signed URL handed out earlier would
keep working until it expired.

    JIWAR_STORAGE_URL=s3://bucket?endpoint=https://s3.example.org&region=eu-west-3
    JIWAR_STORAGE_URL=s3://KEY:SECRET@bucket?endpoint=http://127.0.0.1:9000

Without a key in the URL the keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Requests
use path-style addresses (`endpoint/bucket/key`), which MinIO, Garage, Ceph and AWS all answer, and
are signed with AWS Signature 4 by requests-aws4auth (a small signer over `requests`, which Jiwar
already uses for the SMS gateways; boto3 would add 15 MB and a slower start to every worker for
three calls).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

from flask import current_app

if TYPE_CHECKING:
    import requests

TIMEOUT = (3, 15)  # seconds to connect, to read: a stuck bucket must not hold a worker for long


class StorageError(Exception):
    """The storage did not answer or refused: nothing is known to be written."""


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str) -> set[str]: ...


class LocalStorage:
    """A folder on this server (`JIWAR_UPLOAD_DIR`): the embedded default, for one server."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key outside the storage: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)  # a reader never sees half a file

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str) -> set[str]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return set()
        return {str(path.relative_to(self.root)) for path in folder.rglob("*") if path.is_file()}


class S3Storage:
    """A bucket of an S3-compatible service, shared by every app server."""

    def __init__(self, url: str):
        import requests  # here, with the bucket: a server keeping photos on disk never loads it
        from requests_aws4auth import AWS4Auth

        parts = urlsplit(url)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        if parts.scheme != "s3" or not parts.hostname or "endpoint" not in query:
            raise ValueError("JIWAR_STORAGE_URL must look like s3://bucket?endpoint=https://host")
        self.bucket = parts.hostname
        self.endpoint = query["endpoint"].rstrip("/")
        access = unquote(parts.username or "") or os.environ.get("AWS_ACCESS_KEY_ID", "")
        secret = unquote(parts.password or "") or os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        if not access or not secret:
            raise ValueError("JIWAR_STORAGE_URL needs a key: s3://KEY:SECRET@bucket or AWS_ACCESS_KEY_ID")
        self.auth = AWS4Auth(access, secret, query.get("region", "us-east-1"), "s3")
        self.http = requests.Session()  # keep-alive to the bucket

    def _url(self, key: str = "") -> str:
        return f"{self.endpoint}/{self.bucket}/{quote(key)}"

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        import requests

        try:
            return self.http.request(method, url, auth=self.auth, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            raise StorageError(f"{method} {url}: {type(error).__name__}") from error

    def put(self, key: str, data: bytes, content_type: str) -> None:
        response = self._send("PUT", self._url(key), data=data, headers={"Content-Type": content_type})
        if response.status_code != 200:
            raise StorageError(f"PUT {key}: {response.status_code}")

    def get(self, key: str) -> bytes | None:
        response = self._send("GET", self._url(key))
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise StorageError(f"GET {key}: {response.status_code}")
        return response.content

    def delete(self, key: str) -> None:
        response = self._send("DELETE", self._url(key))
        if response.status_code not in (200, 204, 404):
            raise StorageError(f"DELETE {key}: {response.status_code}")

    def keys(self, prefix: str) -> set[str]:
        """Every key under the prefix (ListObjectsV2, page after page)."""
        import xml.etree.ElementTree as ElementTree  # noqa: S405 - the bucket's own answer

        found, token = set(), None
        while True:
            params = {"list-type": "2", "prefix": prefix, **({"continuation-token": token} if token else {})}
            response = self._send("GET", self._url(), params=params)
            if response.status_code != 200:
                raise StorageError(f"LIST {prefix}: {response.status_code}")
            root = ElementTree.fromstring(response.content)  # noqa: S314
            space = root.tag.partition("}")[0] + "}" if root.tag.startswith("{") else ""
            found |= {node.text for node in root.iter(f"{space}Key")}
            token = root.findtext(f"{space}NextContinuationToken")
            if not token:
                return found


def make_storage(config) -> Storage:
    url = config.get("JIWAR_STORAGE_URL")
    return S3Storage(url) if url else LocalStorage(config["JIWAR_UPLOAD_DIR"])


def init_storage(app) -> None:
    """Called by create_app: a wrong JIWAR_STORAGE_URL stops the start with the reason."""
    app.extensions["jiwar_storage"] = make_storage(app.config)


def storage() -> Storage:
    return current_app.extensions["jiwar_storage"]
