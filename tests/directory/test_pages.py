"""The public directory as a visitor sees it: filters, the reader's language or a marked fallback,
freshness, links a phone opens, and no trace of staff-only entries or of the visitor."""

import io
import json
import zipfile

import pytest

from tests.conftest import sign_in_as
from tests.factories import make_municipality, make_service, make_user


@pytest.fixture
def entries(oujda, la_marsa):
    return {
        "legal": make_service(oujda),
        "clinic": make_service(
            oujda,
            name={"fr": "Centre de santé Al Amal", "ar": "", "en": ""},
            description={"fr": "Soins de base.", "ar": "", "en": ""},
            needs=["health"],
            languages=["ary", "bm"],
            walk_in=False,
            no_documents_needed=False,
            verified_days_ago=120,
        ),
        "marsa": make_service(la_marsa, name={"en": "La Marsa shelter"}, needs=["housing"], languages=["ha"]),
        "shelter": make_service(
            oujda, sensitivity="staff", name={"en": "Women's safe house"}, needs=["protection", "legal_aid"]
        ),
    }


def listed(client, query=""):
    return client.get("/directory/" + query).get_data(as_text=True)


def test_the_list_carries_nothing_of_the_visitor_and_may_be_cached(client, entries):
    response = client.get("/directory/")
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"].startswith("public")
    assert "csrf" not in html.lower()
    assert "Set-Cookie" not in response.headers
    assert "<script" in html and "offline.js" in html  # only the offline helper, deferred
    # The public pages' HTTP caching: a returning browser is told nothing changed.
    again = client.get(response.request.path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    entry = client.get(f"/directory/{entries['legal'].id}")
    assert "s-maxage" in entry.headers["Cache-Control"] and entry.headers["ETag"]
    sign_in_as(client, make_user())  # signed in, the same address is never stored by a shared cache
    assert client.get(f"/directory/{entries['legal'].id}").headers["Cache-Control"] == "no-store"


def test_public_pages_switch_language_by_links(client, entries):
    html = client.get(f"/directory/{entries['legal'].id}?x=1").get_data(as_text=True)
    for code in ("fr", "ar", "en"):  # the standard switch: links to the same page in each language
        assert f'href="/{code}/directory/{entries["legal"].id}?x=1" lang="{code}"' in html
        assert f'hreflang="{code}"' in html
    assert "<form" not in html


def test_filters_narrow_the_list(client, entries):
    assert "Legal aid desk" in listed(client, "?need=legal_aid")
    assert "Al Amal" not in listed(client, "?need=legal_aid")
    assert "La Marsa shelter" in listed(client, "?municipality=la-marsa")
    assert "Legal aid desk" not in listed(client, "?municipality=la-marsa")
    assert "Al Amal" in listed(client, "?language=bm")
    assert "Legal aid desk" not in listed(client, "?language=bm")
    assert "Al Amal" not in listed(client, "?walk_in=1")
    assert "Al Amal" not in listed(client, "?no_documents=1")
    assert "Legal aid desk" in listed(client, "?no_documents=1")
    assert "Al Amal" in listed(client, "?q=amal")
    assert "Legal aid desk" not in listed(client, "?q=amal")
    assert "Legal aid desk" in listed(client, "?q=legal+advice")  # the description is searched too
    # % and _ are letters typed, not wildcards: they find no entry that does not hold them.
    assert "Al Amal" not in listed(client, "?q=%25") and "Al Amal" not in listed(client, "?q=_")


def test_a_staff_only_entry_is_on_no_public_page_search_brochure_or_export(client, entries):
    shelter = entries["shelter"]
    for query in ("", "?q=safe", "?need=protection", "?municipality=oujda"):
        assert "safe house" not in listed(client, query)
    assert client.get(f"/directory/{shelter.id}").status_code == 404
    assert "safe house" not in client.get("/directory/brochure?municipality=oujda&need=protection").get_data(
        as_text=True
    )
    assert "safe house" not in client.get("/directory/hsds.json").get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/directory/hsds-csv.zip").data))
    assert all("safe house" not in archive.read(name).decode() for name in archive.namelist())


def test_an_untranslated_entry_shows_its_french_marked_and_under_its_own_lang(client, entries):
    html = client.get(f"/directory/{entries['clinic'].id}").get_data(as_text=True)
    assert '<span lang="fr" dir="ltr">Centre de santé Al Amal</span>' in html
    assert "(in French)" in html
    arabic = client.get(f"/directory/{entries['legal'].id}", headers={"Accept-Language": "ar"})
    assert 'lang="ar" dir="rtl">مداومة قانونية' in arabic.get_data(as_text=True)


def test_an_entry_not_verified_for_90_days_is_marked_on_every_page_showing_it(client, entries, oujda):
    clinic = entries["clinic"]
    for url in (
        "/directory/",
        f"/directory/{clinic.id}",
        "/directory/brochure?municipality=oujda&need=health",
    ):
        assert "May be out of date" in client.get(url).get_data(as_text=True), url
    fresh = client.get(f"/directory/{entries['legal'].id}").get_data(as_text=True)
    assert "May be out of date" not in fresh
    assert "Verified on" in fresh and "by the team of Oujda" in fresh


def test_the_stale_delay_is_configurable(app, client, entries):
    app.config["JIWAR_DIRECTORY_STALE_DAYS"] = 200
    try:
        assert "May be out of date" not in client.get(f"/directory/{entries['clinic'].id}").get_data(
            as_text=True
        )
    finally:
        app.config["JIWAR_DIRECTORY_STALE_DAYS"] = 90


def test_a_phone_opens_its_dialer_whatsapp_and_its_own_map_with_nothing_loaded_from_outside(client, entries):
    html = client.get(f"/directory/{entries['legal'].id}").get_data(as_text=True)
    assert 'href="tel:+212536000000"' in html
    assert 'href="https://wa.me/212600000000"' in html
    assert 'href="geo:34.68,-1.91"' in html
    assert "openstreetmap.org/?mlat=34.68&amp;mlon=-1.91" in html
    assert 'src="http' not in html and "<iframe" not in html


def test_languages_spoken_are_named_in_the_readers_language(client, entries):
    url = f"/directory/{entries['clinic'].id}"
    assert "Bambara" in client.get(url).get_data(as_text=True)
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "arabe marocain" in french and "bambara" in french
    arabic = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "الدارجة المغربية" in arabic and "البامبارا" in arabic


def test_the_brochure_has_a_qr_code_per_entry_and_a_folded_a5_option(client, entries):
    html = client.get("/directory/brochure?municipality=oujda&paper=a5").get_data(as_text=True)
    assert html.count('class="qr"><title>') == 2  # the two public Oujda entries
    assert "paper-a5" in html
    french = client.get("/directory/brochure?municipality=oujda", headers={"Accept-Language": "fr"})
    assert "Permanence juridique" in french.get_data(as_text=True)


def test_odd_filters_never_fail(client, entries):
    for query in ("?need=nope", "?language=klingon", "?page=-4", "?municipality=" + "x" * 500, "?q=%00%25_"):
        assert client.get("/directory/" + query).status_code == 200


def test_the_service_worker_is_served_under_the_directory_so_it_covers_only_those_pages(client):
    response = client.get("/directory/offline.js")
    assert response.mimetype == "text/javascript"
    assert "offline-pages.js" in response.get_data(as_text=True)


def test_the_json_export_is_hsds(client, entries):
    document = json.loads(client.get("/directory/hsds.json").data)
    assert document["hsds_version"] == "3.0"
    record = next(s for s in document["services"] if s["name"] == "Permanence juridique")
    assert record["organization"]["name"] == "Association Les Amis"
    assert {s["byday"] for s in record["schedules"]} == {"MO", "WE"}
    assert {g["code"] for g in record["languages"]} == {"fr", "ar", "wo"}
    assert record["service_at_locations"][0]["location"]["latitude"] == 34.68


def test_a_municipality_in_another_zone_lists_fine(client, entries):
    make_service(make_municipality("dakar", timezone="Africa/Dakar"), name={"en": "Dakar desk"})
    assert "Dakar desk" in listed(client, "?open_now=1") or "Dakar desk" in listed(client)


def test_address_and_cost_are_in_the_readers_language_or_french_marked(client, oujda):
    entry = make_service(
        oujda,
        address={"fr": "12 rue de la Paix", "ar": "12 زنقة السلام"},
        is_free=False,
        cost_note={"fr": "50 dirhams par trimestre", "ar": "50 درهما في الفصل"},
    )
    for url in (f"/ar/directory/{entry.id}", "/ar/directory/brochure?municipality=oujda"):
        arabic = client.get(url).get_data(as_text=True)
        assert '<span lang="ar" dir="rtl">12 زنقة السلام</span>' in arabic, url
        assert "rue de la Paix" not in arabic and 'class="fallback"' not in arabic, url
    arabic = client.get(f"/ar/directory/{entry.id}").get_data(as_text=True)
    assert '<p><span lang="ar" dir="rtl">50 درهما في الفصل</span></p>' in arabic
    for url in (f"/en/directory/{entry.id}", "/en/directory/brochure?municipality=oujda"):
        english = client.get(url).get_data(as_text=True)
        marked = '<span lang="fr" dir="ltr">12 rue de la Paix</span> <small class="fallback">(in French)'
        assert marked in english, url
    english = client.get(f"/en/directory/{entry.id}").get_data(as_text=True)
    assert ('<span lang="fr" dir="ltr">50 dirhams par trimestre</span> <small class="fallback">(in French)'
            in english)


def test_a_paid_entry_without_a_cost_written_says_to_ask(client, oujda):
    entry = make_service(oujda, is_free=False, address={})
    html = client.get(f"/en/directory/{entry.id}").get_data(as_text=True)
    assert "Not free: ask the provider." in html
    assert "Address:" not in html
