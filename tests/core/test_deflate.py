"""Deflate blocks made apart join into one stream that zlib reads back exactly."""

import zlib

import pytest

from app.core import deflate


def inflate(blocks: list[bytes]) -> bytes:
    return zlib.decompress(b"".join(blocks), -zlib.MAX_WBITS)


@pytest.mark.parametrize("length", [3, 10, 91, 130, 227, 258])
@pytest.mark.parametrize("distance", [1, 300, 5000, 32768])
def test_a_repeat_block_copies_the_bytes_found_that_far_back(length, distance):
    before = bytes((i * 7 + 13) % 251 for i in range(40_000))
    copy = deflate.repeat(length, distance)
    data = inflate([deflate.deflate(before, last=False), copy, deflate.deflate(b"end", last=True)])
    start = len(before) - distance
    expected = (before + (before[start:] * (length // distance + 1)))[: len(before) + length]
    assert data == expected + b"end"


def test_what_one_copy_cannot_say_is_refused():
    assert deflate.repeat(2, 10) is None and deflate.repeat(259, 10) is None
    assert deflate.repeat(91, deflate.WINDOW + 1) is None


def test_a_block_may_refer_to_the_history_it_was_given():
    history = b"<li>Check in</li>" * 50
    block = deflate.deflate(b"<li>Check in</li>" * 3, last=True, history=history)
    assert len(block) < 12
    assert inflate([deflate.deflate(history, last=False), block]) == history + b"<li>Check in</li>" * 3
