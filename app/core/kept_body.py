"""A kept page's body, compressed once, with each visitor's CSRF token put in the compressed bytes.

Compressing a page afresh for every answer costs more than everything else a kept page does (a
report, 65 KB: half a millisecond with brotli). A kept page differs from one visitor to the next only
by the CSRF token, so it is deflated once in pieces, cut where the token goes, and each answer
deflates the visitor's token on its own between them: one valid gzip stream. A piece may refer back
to the pieces before it (a door list's rows are alike: compressed apart, the page would be five times
larger), never into a token: it is compressed with the page so far as its preset dictionary, the
tokens there blanked with 0xFF bytes, which UTF-8 text never holds, so nothing can match them; the
distances hold because every token of a length is compressed for that length. Clients that do not
take gzip get the plain HTML."""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Callable

from flask import Response, current_app, request

from app.core import deflate

# Magic, deflate, no flags, no modification time, no extra flags, unknown system (RFC 1952).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _deflate_pieces(pieces: list[bytes], token_length: int) -> tuple[list[bytes], list[bytes | None]]:
    """Each piece deflated, and for the token before each piece (from the second token on) a block
    that repeats the token before it: a door list's 37 forms would otherwise carry 37 tokens' bytes.
    None where the visitor's token must be deflated itself (the first token, or one too far)."""
    blank = b"\xff" * token_length
    deflated, history = [], b""
    for i, piece in enumerate(pieces):
        deflated.append(deflate.deflate(piece, i == len(pieces) - 1, history))
        history = (history + piece + blank)[-deflate.WINDOW:]
    copies = [None, None] + [deflate.repeat(token_length, token_length + len(pieces[i - 1]))
                             for i in range(2, len(pieces))]
    return deflated, copies[: len(pieces)]


class KeptBody:
    """HTML that holds `placeholder` where each answer puts the visitor's CSRF token."""

    def __init__(self, html: str, placeholder: str):
        self._pieces = html.encode().split(placeholder.encode())
        self._length = sum(map(len, self._pieces))  # without the tokens
        # Per token length, on the first answer that asks: (pieces, copies of the token before each).
        self._deflated: dict[int, tuple[list[bytes], list[bytes | None]]] = {}
        self._lock = threading.Lock()
        self._answered = False

    def plain(self, token: str) -> bytes:
        return token.encode().join(self._pieces)

    def gzip(self, token: str) -> bytes:
        token_bytes = token.encode()
        with self._lock:
            blocks = self._deflated.get(len(token_bytes))
            if blocks is None:
                blocks = self._deflated[len(token_bytes)] = _deflate_pieces(self._pieces, len(token_bytes))
        pieces, copies = blocks
        token_deflated = deflate.deflate(token_bytes, last=False)
        parts, crc = [_GZIP_HEADER], 0
        for i, (piece, deflated) in enumerate(zip(self._pieces, pieces, strict=True)):
            if i:
                parts.append(copies[i] or token_deflated)
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
        # Compressing in pieces costs more than compressing once (a door list: 37 pieces, a few ms):
        # worth it for a page answered again, not for one a write replaces at once (a door list
        # while people come in). The first answer goes plain, for the usual compression.
        answered, self._answered = self._answered, True
        worth_it = answered and self._length >= current_app.config.get("COMPRESS_MIN_SIZE", 500)
        if not (worth_it and request.accept_encodings["gzip"]):
            return Response(self.plain(token), status, headers, mimetype="text/html")
        response = Response(self.gzip(token), status, headers, mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"  # compression (Flask-Compress) leaves it be
        response.vary.add("Accept-Encoding")
        return response
