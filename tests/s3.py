"""A real S3 endpoint on 127.0.0.1 for the tests and `make bench-cluster`: moto's server mode
(`moto_server`, from the dev extras), a subprocess speaking the S3 HTTP API. Nothing leaves the machine."""

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from requests_aws4auth import AWS4Auth

ACCESS, SECRET = "jiwar-test", "jiwar-test-secret"  # moto takes any key; the requests are signed all the same


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class S3Server:
    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        moto = Path(sys.executable).parent / "moto_server"
        self.process = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                requests.get(self.endpoint + "/moto-api/", timeout=1).close()
                return
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("moto_server did not start")

    def new_bucket(self) -> str:
        """A fresh empty bucket; the JIWAR_STORAGE_URL that names it."""
        bucket = f"jiwar-{uuid.uuid4().hex[:12]}"
        auth = AWS4Auth(ACCESS, SECRET, "us-east-1", "s3")
        response = requests.put(f"{self.endpoint}/{bucket}", auth=auth, timeout=10)
        response.raise_for_status()
        return f"s3://{ACCESS}:{SECRET}@{bucket}?endpoint={self.endpoint}&region=us-east-1"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
