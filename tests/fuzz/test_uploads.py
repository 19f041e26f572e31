"""Fuzzing the multipart routes (issue: hardening): every route with a file field gets photos that
are truncated, bit-flipped, of the wrong type, random bytes, empty, decompression bombs or over the
size limit, under hostile file names and content types. Never a 500; a refused upload writes no
row and no file; an accepted one is stored as a re-encoded JPEG under a random name, inside the
upload folder. Every other POST route is sent files it does not expect, and writes none."""

import io
import random
import re
import struct
import zlib

import pytest
from flask_wtf.file import FileField
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.access.rules import filled
from tests.fuzz import checks
from tests.fuzz.test_forms import FUZZ, POSTS, prepared
from tests.fuzz.values import _unbound_fields, form_classes

pytestmark = pytest.mark.fuzz

STORED_NAME = re.compile(r"[0-9a-f]{32}\.jpg")


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims this size, with almost no pixel data (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + \
        chunk(b"IEND", b"")


IMAGES = [_image(fmt) for fmt in ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")]
EDGE_CASES = {
    "empty": b"",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "html": b"<html><script>alert(1)</script></html>",
    "bomb 10000x10000": _png_claiming(10_000, 10_000),
    "bomb 60000x60000": _png_claiming(60_000, 60_000),
    "over 40 megapixels": _png_claiming(8_000, 6_000),
    "over 5 MB": b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024 + 10),
    "jpeg magic then garbage": b"\xff\xd8\xff\xdb" + bytes(range(256)) * 8,
}
# Accepted, because the image before them is whole: what follows it is dropped by the re-encoding.
TRAILING = {"png then a script": IMAGES[1] + b"<script>alert(1)</script>",
            "jpeg then a zip": IMAGES[0] + b"PK\x03\x04" + b"\0" * 64}


def _mutated(data: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    data = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data[: rng.randint(8, len(data))])


photos = st.one_of(
    st.sampled_from(IMAGES),
    st.builds(_mutated, st.sampled_from(IMAGES), st.integers(0, 2**32)),
    st.builds(lambda image, cut: image[:cut], st.sampled_from(IMAGES), st.integers(0, 400)),
    st.binary(max_size=4096),
    st.sampled_from(sorted(EDGE_CASES.values(), key=len)[:-1]),  # the 5 MB case runs once, below
)
file_names = st.one_of(
    st.sampled_from(["photo.jpg", "../../../etc/passwd", "..\\..\\x.jpg", "a.jpg\x00.html", "photo.svg",
                     "صورة.png", "\u202egpj.exe", "x" * 300, " "]),
    st.text(max_size=60),
)
content_types = st.sampled_from(
    ["image/jpeg", "image/png", "text/html", "image/svg+xml", "application/octet-stream", ""]
)


def _file_fields(app, endpoint) -> list[str]:
    return [name for form_class in form_classes(app.view_functions[endpoint])
            for name, field in _unbound_fields(form_class) if issubclass(field.field_class, FileField)]


def _stored_files(app) -> set[str]:
    """Every file in the app's storage (the folder, or the bucket of the `photo_storage` fixture)."""
    return app.extensions["jiwar_storage"].keys("")


def _plausible_form(world) -> dict:
    return {
        "title": "Un jardin partagé",
        "description": "Un jardin où voisins et nouveaux arrivants cultivent ensemble le samedi.",
        "category_id": str(world["sub_call"].categories[0].id),
        "channel": "paper",
    }


def post_multipart(client, url, data):
    """The body encoded in memory: the test client would spool a large one to a temporary file
    that it never closes (a ResourceWarning, an error under the suite's warning rules)."""
    boundary, body = encode_multipart(MultiDict(data))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _check_upload(app, client, url, form, photo, name, content_type, field):
    rows_before, files_before = checks.row_counts(), _stored_files(app)
    response = post_multipart(client, url, {**form, field: FileStorage(io.BytesIO(photo), name,
                                                                       content_type=content_type)})
    checks.assert_proper(response)
    new_files = _stored_files(app) - files_before
    if response.status_code != 303:
        assert checks.row_counts() == rows_before, f"refused with {response.status_code} yet wrote rows"
        assert new_files == set(), "a refused upload left a file"
    assert len(new_files) <= 1
    for path in new_files:
        folder, _sep, stored = path.partition("/")
        assert folder == "proposals" and STORED_NAME.fullmatch(stored), path
        stored_bytes = app.extensions["jiwar_storage"].get(path)
        with Image.open(io.BytesIO(stored_bytes)) as image:
            assert image.format == "JPEG" and not image.getexif()
    return response


UPLOADS = ["proposals.submit_proposal", "proposals.submit_assisted", "proposals.edit_proposal"]
DATA_FILES = ["directory.exchange"]  # an HSDS file to import: JSON or a zip of CSV files


def test_the_upload_routes_are_the_proposal_forms_and_the_directory_import(app):
    """A new form with a file field must join UPLOADS (a photo) or DATA_FILES, and so be fuzzed here."""
    with_files = [route.endpoint for route in POSTS if _file_fields(app, route.endpoint)]
    assert sorted(with_files) == sorted(UPLOADS + DATA_FILES)
    assert {name for endpoint in UPLOADS for name in _file_fields(app, endpoint)} == {"photo"}
    assert {name for endpoint in DATA_FILES for name in _file_fields(app, endpoint)} == {"file"}


data_files = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from([b"", b"[]", b"{}", b'{"services": [{}]}', b"PK\x03\x04broken zip", b"\xef\xbb\xbf[",
                     b'[{"name": 1, "locations": "x"}]', b"null", b"9" * 400]),
)


@pytest.mark.parametrize("endpoint", DATA_FILES)
def test_fuzzed_import_files_are_never_a_500_and_write_nothing_when_refused(app, endpoint):
    route = _route(endpoint)
    world, client = prepared(app, route)
    url = route.url.format(**world)

    @FUZZ
    @given(content=data_files, name=file_names, content_type=content_types)
    def upload(content, name, content_type):
        rows_before = checks.row_counts()
        response = post_multipart(client, url, {
            "municipality_id": str(world["oujda"].id),
            "file": FileStorage(io.BytesIO(content), name, content_type=content_type),
        })
        checks.assert_proper(response)
        if response.status_code != 303:
            assert checks.row_counts() == rows_before, f"refused with {response.status_code} yet wrote rows"

    upload()


def _route(endpoint):
    return next(route for route in POSTS if route.endpoint == endpoint)


@pytest.mark.parametrize("endpoint", UPLOADS)
def test_fuzzed_photos_are_never_a_500_and_never_a_stray_file(app, endpoint, photo_storage):
    route = _route(endpoint)
    world, client = prepared(app, route)
    url, form = route.url.format(**world), _plausible_form(world)

    @FUZZ
    @given(photo=photos, name=file_names, content_type=content_types)
    def upload(photo, name, content_type):
        _check_upload(app, client, url, form, photo, name, content_type, "photo")
        checks.assert_counters_hold()

    upload()


@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_each_hostile_photo_is_refused_with_a_message(app, case, photo_storage):
    route = _route("proposals.submit_proposal")
    world, client = prepared(app, route)
    response = _check_upload(app, client, route.url.format(**world), _plausible_form(world),
                             EDGE_CASES[case], "photo.jpg", "image/jpeg", "photo")
    assert response.status_code == 422, case
    body = response.get_data(as_text=True)
    assert "The photo must be a JPEG, PNG or WebP image." in body or "The photo is too large" in body


def test_several_files_in_one_field_are_never_a_500(app):
    route = _route("proposals.submit_proposal")
    world, client = prepared(app, route)
    data = {**_plausible_form(world),
            "photo": [(io.BytesIO(IMAGES[0]), "a.jpg"), (io.BytesIO(b"junk"), "b.jpg")]}
    response = client.post(route.url.format(**world), data=data, content_type="multipart/form-data")
    checks.assert_proper(response)


WITHOUT_FILES = [route for route in POSTS if route.endpoint not in UPLOADS + DATA_FILES]


@pytest.mark.parametrize("route", WITHOUT_FILES, ids=[route.id for route in WITHOUT_FILES])
def test_files_sent_to_any_form_are_never_a_500_nor_stored(app, route):
    """Routes without a file field ignore files: no 500, no file kept."""
    world, client = prepared(app, route)
    files_before = _stored_files(app)
    _url, given_data = filled(route, world)
    names = {*given_data, "photo", "file", "upload"}
    data = {**given_data, **{name: (io.BytesIO(IMAGES[0]), "../x.jpg", "image/jpeg") for name in names}}
    response = client.post(route.url.format(**world), data=data, content_type="multipart/form-data")
    checks.assert_proper(response)
    assert _stored_files(app) == files_before


@pytest.mark.parametrize("case", sorted(TRAILING))
def test_data_after_the_image_is_not_kept(app, case, photo_storage):
    route = _route("proposals.submit_proposal")
    world, client = prepared(app, route)
    before = _stored_files(app)
    response = _check_upload(app, client, route.url.format(**world), _plausible_form(world),
                             TRAILING[case], "photo.jpg", "image/jpeg", "photo")
    assert response.status_code == 303
    (stored,) = _stored_files(app) - before
    kept = app.extensions["jiwar_storage"].get(stored)
    assert b"<script" not in kept and b"PK\x03\x04" not in kept
