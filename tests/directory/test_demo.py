import sqlalchemy as sa

from app.demo import seed_demo
from app.directory.models import Service
from app.extensions import db


def test_the_demo_directory_has_thirty_services_in_three_municipalities_and_is_idempotent(client):
    seed_demo()
    seed_demo()
    services = db.session.scalars(sa.select(Service)).all()
    assert len(services) == 30
    assert {s.municipality.slug for s in services} == {"oujda", "raoued", "la-marsa"}
    assert sum(s.sensitivity == "staff" for s in services) == 3
    html = client.get("/directory/").get_data(as_text=True)
    assert "May be out of date" in client.get("/directory/?need=employment").get_data(as_text=True)
    assert "27 services" in html
    for language in ("fr", "ar", "en"):
        for service in services[:10]:
            url = f"/directory/{service.id}"
            status = client.get(url, headers={"Accept-Language": language}).status_code
            assert status == (404 if service.sensitivity == "staff" else 200)
