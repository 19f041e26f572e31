"""HSDS exchange: what leaves comes back the same (JSON and CSV), a file with errors is refused whole
with every error's row, field and reason, and the admin page says so."""

import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from app.directory import hsds
from app.directory.models import Service
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_organiser, make_service


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def comparable(service: Service) -> dict:
    record = hsds.service_record(service)
    for key in ("id", "assured_date"):
        record.pop(key)
    text = json.dumps(record, sort_keys=True)
    return json.loads(text.replace(f"jiwar-service-{service.id}", "S"))


def strip_row_ids(record):
    if isinstance(record, dict):
        return {
            k: strip_row_ids(v) for k, v in record.items() if k not in ("id", "service_id", "location_id")
        }
    if isinstance(record, list):
        return [strip_row_ids(v) for v in record]
    return record


def entries(oujda):
    return [
        make_service(oujda),
        make_service(
            oujda,
            name={"fr": "Écoute de nuit", "ar": "استماع ليلي", "en": "Night hotline"},
            needs=["psychosocial", "protection"],
            languages=["ary", "zgh", "dje"],
            hotline=True,
            walk_in=False,
            is_free=False,
            cost_note={"fr": "10 dirhams l'appel", "ar": "10 دراهم للمكالمة"},
            latitude=None,
            longitude=None,
            weekly_hours={4: "20:00-02:00+1", 5: "20:00-02:00+1"},
            exceptions="2026-12-25: closed\n2027-02-18..2027-03-19: 21:00-03:00+1",
        ),
    ]


@pytest.mark.parametrize("form", ["json", "csv"])
def test_an_export_imported_elsewhere_gives_the_same_entries(oujda, form):
    originals = entries(oujda)
    make_service(oujda, sensitivity="staff", name={"en": "Safe house"})
    public = hsds.public_entries()
    raw = hsds.export_json(public) if form == "json" else hsds.export_csv_zip(public)
    elsewhere = make_municipality("raoued")
    count = hsds.import_services(
        make_admin(), raw, f"export.{'json' if form == 'json' else 'zip'}", elsewhere.id
    )
    assert count == 2
    imported = db.session.scalars(
        sa.select(Service).where(Service.municipality_id == elsewhere.id).order_by(Service.id)
    ).all()
    for original, copy in zip(originals, imported, strict=True):
        before, after = strip_row_ids(comparable(original)), strip_row_ids(comparable(copy))
        for record in (before, after):
            record["service_at_locations"][0]["location"]["addresses"][0].pop("city")
            record["service_at_locations"][0]["location"]["addresses"][0].pop("country")
        assert after == before


def five_thousand_with_errors(oujda, size: int = 5000) -> bytes:
    service = entries(oujda)[0]
    record = hsds.service_record(service)
    services = []
    for n in range(size):
        copy = json.loads(json.dumps(record))
        copy["id"] = f"s{n}"
        copy["x_jiwar_name"] = {"fr": f"Service {n}", "ar": "", "en": ""}
        services.append(copy)
    services[10]["languages"].append({"code": "klingon"})
    services[size // 2]["service_at_locations"][0]["location"]["latitude"] = 123.0
    services[size - 1]["schedules"][0]["closes_at"] = "25:99"
    services[size * 4 // 5]["schedules"].append(
        {"freq": "WEEKLY", "byday": "MO", "opens_at": "10:00", "closes_at": "11:00"}
    )
    return json.dumps({"hsds_version": "3.0", "services": services}).encode()


def test_a_5000_entry_file_with_errors_is_refused_whole_with_every_error_named(oujda):
    raw = five_thousand_with_errors(oujda)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Service))
    with pytest.raises(hsds.ImportRefused) as refused:
        hsds.import_services(make_admin(), raw, "big.json", oujda.id)
    found = {(e.row.split(" ")[0], e.field) for e in refused.value.errors}
    assert found == {
        ("services[10]", "languages"),
        ("services[2500]", "latitude"),
        ("services[4999]", "closes_at"),
        ("services[4000]", "hours_0"),
    }
    assert all(e.reason for e in refused.value.errors)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == before


def test_the_admin_page_lists_the_errors_and_imports_nothing(app, oujda):
    raw = five_thousand_with_errors(oujda, size=100)  # small enough for the test client's memory
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in_as(client, make_organiser(oujda))
    response = client.post(
        "/manage/directory/exchange",
        data={"municipality_id": oujda.id, "file": (io.BytesIO(raw), "big.json")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "4 errors: nothing was imported." in html
    assert "klingon is not a language code" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 2  # the exported ones


def test_a_csv_zip_missing_a_table_or_not_a_zip_is_refused_clearly(oujda):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("phones.csv", "id,service_id,number\n")
    for raw, name in ((buffer.getvalue(), "x.zip"), (b"not json", "x.json")):
        with pytest.raises(hsds.ImportRefused) as refused:
            hsds.import_services(make_admin(), raw, name, oujda.id)
        assert refused.value.errors[0].reason


def test_an_organiser_cannot_import_into_another_municipality(oujda, la_marsa):
    raw = hsds.export_json(entries(oujda))
    with pytest.raises(hsds.ImportRefused):
        hsds.import_services(make_organiser(la_marsa), raw, "x.json", oujda.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 2


def test_the_commands_export_and_import(app, oujda, tmp_path):
    entries(oujda)
    runner = app.test_cli_runner()
    target = tmp_path / "directory.zip"
    assert "2 public entries" in runner.invoke(args=["jiwar", "directory-export", str(target)]).output
    admin = make_admin(email="admin@example.org")
    make_municipality("raoued")
    result = runner.invoke(
        args=["jiwar", "directory-import", str(target), "--municipality", "raoued", "--admin", admin.email]
    )
    assert "2 entries imported" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 4


def test_hsds_fields_carry_french_and_a_plain_hsds_file_is_read_in_each_texts_language(oujda):
    service = entries(oujda)[1]
    record = hsds.service_record(service)
    address = record["service_at_locations"][0]["location"]["addresses"][0]
    assert address["address_1"] == "12 rue de la Paix"
    assert address["x_jiwar_address"] == {"fr": "12 rue de la Paix", "ar": "12 زنقة السلام", "en": ""}
    assert record["fees_description"] == "10 dirhams l'appel"
    # A file from another directory, HSDS's fields only: an Arabic address stays Arabic.
    plain = {
        "name": "Écoute de nuit",
        "organization": {"name": "Association Les Amis"},
        "fees_description": "5 دراهم",
        "attributes": [{"taxonomy_term": {"code": "psychosocial"}}],
        "service_at_locations": [{"location": {"addresses": [{"address_1": "شارع محمد الخامس"}]}}],
    }
    raw = json.dumps({"hsds_version": "3.0", "services": [plain]}).encode()
    assert hsds.import_services(make_admin(), raw, "plain.json", oujda.id) == 1
    imported = db.session.scalars(sa.select(Service).order_by(Service.id.desc())).first()
    assert (imported.address_fr, imported.address_ar) == ("", "شارع محمد الخامس")
    assert (imported.cost_note_fr, imported.cost_note_ar, imported.is_free) == ("", "5 دراهم", False)
