"""A kept page's body, compressed once, with each visitor's CSRF token put in the compressed bytes.

Compressing a page afresh for every answer costs more than everything else a kept page does (a
report, 65 KB: half a millisecond with brotli). A kept page differs from one visitor to the next only
by the CSRF token, so it is deflated once in pieces, cut where the token goes; each piece ends with a
full flush, so it refers to nothing before it, and the pieces with the visitor's token deflated
between them are one valid gzip stream. Clients that do not take gzip get the plain HTML.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Callable

from flask import Response, current_app, request

# Magic, deflate, no flags, no modification time, no extra flags, unknown system (RFC 1952).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LEVEL = 6


def _deflate(data: bytes, last: bool) -> bytes:
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


class KeptBody:
    """HTML that holds `placeholder` where each answer puts the visitor's CSRF token."""

    def __init__(self, html: str, placeholder: str):
        self._pieces = html.encode().split(placeholder.encode())
        self._length = sum(map(len, self._pieces))  # without the tokens
        self._deflated: list[bytes] | None = None  # on the first answer that asks for gzip
        self._lock = threading.Lock()

    def plain(self, token: str) -> bytes:
        return token.encode().join(self._pieces)

    def gzip(self, token: str) -> bytes:
        with self._lock:
            if self._deflated is None:
                last = len(self._pieces) - 1
                self._deflated = [_deflate(piece, i == last) for i, piece in enumerate(self._pieces)]
        token_bytes = token.encode()
        token_deflated = _deflate(token_bytes, last=False)
        parts, crc = [_GZIP_HEADER], 0
        for i, (piece, deflated) in enumerate(zip(self._pieces, self._deflated, strict=True)):
            if i:
                parts.append(token_deflated)
                crc = zlib.crc32(token_bytes, crc)
            parts.append(deflated)
            crc = zlib.crc32(piece, crc)
        size = self._length + len(token_bytes) * (len(self._pieces) - 1)
        parts.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(parts)

    def response(self, csrf_token: Callable[[], str], status: int = 200, headers=None) -> Response:
        """The answer for this request: gzip when the client takes it and the page is worth it.
        `csrf_token()` is asked only when the page holds a form (it may start the session)."""
        token = csrf_token() if len(self._pieces) > 1 else ""
        worth_it = self._length >= current_app.config.get("COMPRESS_MIN_SIZE", 500)
        if not (worth_it and request.accept_encodings["gzip"]):
            return Response(self.plain(token), status, headers, mimetype="text/html")
        response = Response(self.gzip(token), status, headers, mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"  # compression (Flask-Compress) leaves it be
        response.vary.add("Accept-Encoding")
        return response
