"""Deflate blocks that can be joined into one stream (RFC 1951), for app/core/kept_body.py.

Each block ends on a byte (a sync flush, or the stream's last block), so blocks made apart join
by plain concatenation, and a block may refer back into the bytes the blocks before it produced.
"""

from __future__ import annotations

import zlib

WINDOW = 1 << zlib.MAX_WBITS  # how far back deflate may refer
_LEVEL = 6
_SYNC = b"\x00\x00\xff\xff"  # an empty stored block's length and its complement

_LENGTH_BASES = (3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
                 115, 131, 163, 195, 227, 258)
_LENGTH_EXTRA = (0,) * 8 + (1,) * 4 + (2,) * 4 + (3,) * 4 + (4,) * 4 + (5,) * 4 + (0,)
_DISTANCE_BASES = (1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
                   1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577)
_DISTANCE_EXTRA = (0, 0, 0, 0) + tuple(n for n in range(1, 14) for _ in (0, 1))


def deflate(data: bytes, last: bool, history: bytes = b"") -> bytes:
    """`data` compressed; it may refer back into `history`, the bytes the stream holds before it."""
    options = {"zdict": history[-WINDOW:]} if history else {}
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, **options)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


class _Bits:
    """Deflate's bit order: values from their lowest bit, Huffman codes from their highest."""

    def __init__(self):
        self.value = self.count = 0

    def put(self, value: int, count: int) -> None:
        self.value |= value << self.count
        self.count += count

    def code(self, code: int, count: int) -> None:
        self.put(int(f"{code:0{count}b}"[::-1], 2), count)

    def bytes(self) -> bytes:
        return self.value.to_bytes((self.count + 7) // 8, "little")


def repeat(length: int, distance: int) -> bytes | None:
    """A block that repeats the `length` bytes found `distance` back, then ends on a byte; None
    when one copy cannot say it."""
    if not (3 <= length <= 258 and 1 <= distance <= WINDOW):
        return None
    bits = _Bits()
    bits.put(0b010, 3)  # not the last block; fixed Huffman codes (BTYPE 01, from its lowest bit)
    index = max(i for i, base in enumerate(_LENGTH_BASES) if base <= length)
    symbol = 257 + index
    if symbol <= 279:
        bits.code(symbol - 256, 7)
    else:
        bits.code(0xC0 + symbol - 280, 8)
    bits.put(length - _LENGTH_BASES[index], _LENGTH_EXTRA[index])
    index = max(i for i, base in enumerate(_DISTANCE_BASES) if base <= distance)
    bits.code(index, 5)
    bits.put(distance - _DISTANCE_BASES[index], _DISTANCE_EXTRA[index])
    bits.code(0, 7)  # end of block (256)
    bits.put(0b000, 3)  # then an empty stored block, padded to the byte
    return bits.bytes() + _SYNC
