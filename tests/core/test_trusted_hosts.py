"""Only the site's own host names are served (TRUSTED_HOSTS): a request naming another host is a 400,
so a page never builds its links from a Host header someone else chose."""

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from config import ProductionConfig


@pytest.fixture
def production(app, another_app):
    """The production settings as a deployment following the README sets them."""
    settings = {"SECRET_KEY": "a-long-enough-secret-for-tests", "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                "JIWAR_CHECK_MIGRATIONS": False,  # the test schema comes from the models
                "JIWAR_CANONICAL_URL": "https://jiwar.example.org",
                "JIWAR_TRUSTED_HOSTS": ["www.jiwar.example.org"]}
    return another_app(type("Production", (ProductionConfig,), settings)).test_client()


def test_production_serves_the_canonical_host_and_the_extra_ones(production):
    assert production.get("/fr/", base_url="https://jiwar.example.org").status_code == 200
    assert production.get("/fr/", base_url="https://www.jiwar.example.org").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "jiwar.example.org.evil.example", "localhost", "127.0.0.1"])
def test_production_refuses_any_other_host_with_a_translated_page(production, host):
    response = production.get("/", base_url=f"https://{host}", headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "La demande n'a pas pu être comprise." in page and host not in page


def test_a_post_to_another_host_writes_nothing(production):
    data = {"display_name": "Awa", "email": "awa@example.org", "password": "un jardin au printemps",
            "confirm": "un jardin au printemps"}
    response = production.post("/sign-up", base_url="https://evil.example", data=data)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_the_test_client_and_local_servers_keep_working(client):
    assert client.get("/").status_code == 200
    assert client.get("/", base_url="http://127.0.0.1:5000").status_code == 200
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
