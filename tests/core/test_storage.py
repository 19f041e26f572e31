"""The storage every file Jiwar writes goes through: a folder, or an S3-compatible bucket."""

import io

import pytest
import sqlalchemy as sa

from app.core.storage import LocalStorage, S3Storage, StorageError, make_storage
from app.extensions import db
from app.proposals.models import Proposal
from tests.conftest import sign_in_as
from tests.factories import make_call, make_user
from tests.proposals.conftest import image_bytes
from tests.s3 import free_port


def test_a_folder_keeps_keys_inside_itself(tmp_path):
    store = LocalStorage(tmp_path)
    store.put("proposals/a.jpg", b"jpeg", "image/jpeg")
    assert store.get("proposals/a.jpg") == b"jpeg" and store.keys("") == {"proposals/a.jpg"}
    with pytest.raises(ValueError):
        store.put("../outside.jpg", b"x", "image/jpeg")
    store.delete("proposals/a.jpg")
    store.delete("proposals/a.jpg")  # twice: nothing to say
    assert store.get("proposals/a.jpg") is None and store.keys("") == set()


def test_a_bucket_stores_reads_lists_and_deletes(s3_server):
    store = S3Storage(s3_server.new_bucket())
    for index in range(3):
        store.put(f"proposals/{index}.jpg", bytes([index]) * 10, "image/jpeg")
    assert store.get("proposals/1.jpg") == b"\x01" * 10
    assert store.keys("proposals/") == {"proposals/0.jpg", "proposals/1.jpg", "proposals/2.jpg"}
    store.delete("proposals/1.jpg")
    store.delete("proposals/1.jpg")
    assert store.get("proposals/1.jpg") is None and len(store.keys("")) == 2


@pytest.mark.parametrize("url", ["s3://bucket", "http://bucket?endpoint=http://x", "s3://?endpoint=http://x"])
def test_a_wrong_storage_url_stops_the_start_with_its_form(url):
    with pytest.raises(ValueError, match="s3://bucket"):
        make_storage({"JIWAR_STORAGE_URL": url, "JIWAR_UPLOAD_DIR": "unused"})


def test_a_bucket_without_keys_is_refused(monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    with pytest.raises(ValueError, match="needs a key"):
        S3Storage("s3://bucket?endpoint=http://127.0.0.1:9")


def test_an_unreachable_bucket_is_a_clear_message_and_writes_nothing(app, client, oujda):
    """The bucket's server is down: the form comes back with what was typed, no proposal is written."""
    down = S3Storage(f"s3://k:s@bucket?endpoint=http://127.0.0.1:{free_port()}")
    with pytest.raises(StorageError):
        down.get("proposals/x.jpg")
    kept, app.extensions["jiwar_storage"] = app.extensions["jiwar_storage"], down
    try:
        call = make_call(oujda)
        sign_in_as(client, make_user("Fatou"))
        response = client.post(f"/calls/{call.id}/propose", content_type="multipart/form-data", data={
            "title": "Un jardin partagé",
            "description": "Un jardin où voisins et nouveaux arrivants cultivent ensemble le samedi.",
            "category_id": str(call.categories[0].id), "place": "Quartier Al Qods",
            "photo": (io.BytesIO(image_bytes()), "jardin.jpg"),
        })
    finally:
        app.extensions["jiwar_storage"] = kept
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The photo could not be saved just now. Please send the form again." in page
    assert 'value="Un jardin partagé"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 0
