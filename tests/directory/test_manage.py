"""Organisers keep their municipality's entries current; every change is audited; another
municipality's organiser reaches nothing and writes nothing; residents report wrong entries."""

import sqlalchemy as sa

from app.core.models import AuditEntry
from app.directory.models import Service, ServiceReport
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_organiser, make_service, make_user
from tests.factories.directory import make_report

FORM = {
    "name_fr": "Cours de darija",
    "name_en": "Darija classes",
    "provider_name": "Maison des langues",
    "provider_kind": "ngo",
    "needs": ["language"],
    "languages": "ary, fr",
    "walk_in": "y",
    "is_free": "y",
    "sensitivity": "public",
    "hours_1": "18:00-20:00",
    "latitude": "34,68",
    "longitude": "-1.90",
}

TEXTS = {
    "name_fr": "Cours de darija",
    "name_ar": "دروس الدارجة",
    "name_en": "Darija classes",
    "description_fr": "Deux soirs par semaine, pour débutants.",
    "description_ar": "مساءان في الأسبوع للمبتدئين.",
    "description_en": "Two evenings a week, for beginners.",
    "eligibility_fr": "Toute personne de plus de 16 ans.",
    "eligibility_ar": "كل شخص يزيد عمره عن 16 سنة.",
    "eligibility_en": "Anyone over 16.",
}


def audits(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == action))


def test_an_organiser_adds_an_entry_that_is_public_and_verified_by_them(client, oujda):
    organiser = make_organiser(oujda)
    sign_in_as(client, organiser)
    response = client.post("/manage/directory/new", data={**FORM, "municipality_id": oujda.id})
    assert response.status_code == 303
    service = db.session.scalar(sa.select(Service))
    assert service.language_codes == ["ary", "fr"] and service.latitude == 34.68
    assert service.verified_by_id == organiser.id
    assert audits("directory.service_created") == 1
    assert "Darija classes" in client.get("/directory/").get_data(as_text=True)


def test_bad_input_is_refused_with_every_reason_and_what_was_typed_kept(client, oujda):
    sign_in_as(client, make_organiser(oujda))
    data = {
        **FORM,
        "municipality_id": oujda.id,
        "languages": "ary, klingon",
        "latitude": "134",
        "hours_1": "20:00-18:00",
        "hours_3": "09:00-12:00, 11:00-13:00",
    }
    response = client.post("/manage/directory/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "klingon is not a language code" in html
    assert "The latitude lies between -90 and 90." in html
    assert "ends before it starts" in html and "overlap" in html
    assert 'value="Cours de darija"' in html and 'value="ary, klingon"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 0


def test_an_organiser_of_another_municipality_reaches_nothing_and_writes_nothing(client, oujda, la_marsa):
    service = make_service(oujda)
    before = (service.name_fr, service.name_ar, service.description_en, service.eligibility_ar,
              service.verified_at, service.retired_at)
    sign_in_as(client, make_organiser(la_marsa))
    base = f"/manage/directory/{service.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/edit").status_code == 404
    refused = client.post(f"{base}/edit", data={**FORM, **TEXTS, "municipality_id": la_marsa.id})
    assert refused.status_code == 404 and service.name_fr not in refused.get_data(as_text=True)
    assert client.post(f"{base}/verify").status_code == 404
    assert client.post(f"{base}/retire").status_code == 404
    # Nor can they move an entry into, or create one in, a municipality they do not serve.
    response = client.post("/manage/directory/new", data={**FORM, **TEXTS, "municipality_id": oujda.id})
    assert response.status_code == 422
    db.session.expire_all()
    assert (service.name_fr, service.name_ar, service.description_en, service.eligibility_ar,
            service.verified_at, service.retired_at) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action.like("directory.%"))) == 1


def test_an_organiser_of_another_municipality_cannot_see_or_resolve_its_reports(client, oujda, la_marsa):
    service = make_service(oujda)
    report = make_report(service, make_user("Aminata"), "They moved to Bd Allal")
    sign_in_as(client, make_organiser(la_marsa))
    assert "They moved to Bd Allal" not in client.get("/manage/directory/").get_data(as_text=True)
    refused = client.post(f"/manage/directory/reports/{report.id}/resolve")
    assert refused.status_code == 404 and service.name_fr not in refused.get_data(as_text=True)
    db.session.expire_all()
    assert report.resolved_at is None
    assert audits("directory.report_resolved") == 0


def test_edit_verify_and_retire_after_asking_once_more(client, oujda):
    organiser = make_organiser(oujda)
    service = make_service(oujda, verified_days_ago=200)
    sign_in_as(client, organiser)
    edit = client.get(f"/manage/directory/{service.id}/edit").get_data(as_text=True)
    assert "09:00-12:00, 14:00-17:00" in edit  # the hours as they were typed
    response = client.post(
        f"/manage/directory/{service.id}/edit",
        data={**FORM, **TEXTS, "municipality_id": oujda.id, "exceptions": "2026-12-25: closed"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert {column: getattr(service, column) for column in TEXTS} == TEXTS
    assert len(service.exceptions) == 1
    assert "May be out of date" in client.get(f"/directory/{service.id}").get_data(as_text=True)

    assert client.post(f"/manage/directory/{service.id}/verify").status_code == 303
    staff_page = client.get(f"/manage/directory/{service.id}").get_data(as_text=True)
    assert "by Organiser" in staff_page or organiser.display_name in staff_page
    assert "May be out of date" not in client.get(f"/directory/{service.id}").get_data(as_text=True)

    asked = client.get(f"/manage/directory/{service.id}/retire")
    assert asked.headers["Cache-Control"] == "no-store"  # a signed-in page: never kept
    confirm = asked.get_data(as_text=True)
    assert "This cannot be undone." in confirm
    assert client.post(f"/manage/directory/{service.id}/retire").status_code == 303
    assert client.get(f"/directory/{service.id}").status_code == 404
    assert [audits(f"directory.service_{a}") for a in ("updated", "verified", "retired")] == [1, 1, 1]


def test_a_resident_reports_a_wrong_entry_and_the_organiser_deals_with_it(client, oujda):
    service = make_service(oujda)
    resident = make_user("Aminata")
    sign_in_as(client, resident)
    assert client.post(f"/directory/{service.id}/report", data={"reason": "no"}).status_code == 422
    response = client.post(f"/directory/{service.id}/report", data={"reason": "They moved to Bd Allal"})
    assert response.status_code == 303
    thanked = client.get(response.location).get_data(as_text=True)  # the entry's page says so
    assert "the municipality&#39;s team will check the entry" in thanked
    report = db.session.scalar(sa.select(ServiceReport))
    assert report.reporter_id == resident.id

    sign_in_as(client, make_organiser(oujda))
    assert "They moved to Bd Allal" in client.get("/manage/directory/").get_data(as_text=True)
    assert client.post(f"/manage/directory/reports/{report.id}/resolve").status_code == 303
    db.session.expire_all()
    assert report.resolved_at is not None
    assert "They moved to Bd Allal" not in client.get("/manage/directory/").get_data(as_text=True)


def test_reports_are_rate_limited_like_other_reports(limited_client, oujda):
    service = make_service(oujda)
    sign_in_as(limited_client, make_user("Busy"))
    statuses = [
        limited_client.post(
            f"/directory/{service.id}/report", data={"reason": f"Wrong phone {n}"}
        ).status_code
        for n in range(4)
    ]
    assert statuses[-1] == 429


def test_the_form_says_which_languages_address_and_cost_miss_and_keeps_them_when_refused(client, oujda):
    service = make_service(oujda, address={"ar": "12 زنقة السلام"}, is_free=False,
                           cost_note={"fr": "10 dirhams", "en": "10 dirhams"})
    sign_in_as(client, make_organiser(oujda))
    html = client.get(f"/en/manage/directory/{service.id}/edit").get_data(as_text=True)
    address = html.split('id="address-languages"')[1].split("</fieldset>")[0]
    assert "Not written yet in: French and English" in address
    assert 'value="12 زنقة السلام"' in address and 'dir="rtl"' in address
    cost = html.split('id="cost_note-languages"')[1].split("</fieldset>")[0]
    assert "Not written yet in: Arabic" in cost

    data = {**FORM, "municipality_id": oujda.id, "address_ar": "12 زنقة السلام", "address_fr": "x" * 301,
            "cost_note_ar": "10 دراهم", "latitude": "134"}
    response = client.post(f"/en/manage/directory/{service.id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Field cannot be longer than 300 characters." in html
    assert 'value="12 زنقة السلام"' in html and 'value="10 دراهم"' in html
    db.session.refresh(service)
    assert (service.address_fr, service.cost_note_ar, service.name_fr) == ("", "", "Permanence juridique")

    response = client.post(f"/en/manage/directory/{service.id}/edit",
                           data={**data, "address_fr": "12 rue de la Paix", "latitude": "34.68"})
    assert response.status_code == 303
    db.session.refresh(service)
    assert (service.address_fr, service.address_ar, service.address_en) == ("12 rue de la Paix",
                                                                            "12 زنقة السلام", "")
    assert (service.cost_note_fr, service.cost_note_ar) == ("", "10 دراهم")


def group(html: str, name: str) -> str:
    """One translated text's fieldset in a form page."""
    return html.split(f'id="{name}-languages"')[1].split("</fieldset>")[0]


def test_the_form_names_the_languages_name_description_and_eligibility_miss(client, oujda):
    service = make_service(oujda, name={"fr": "Permanence juridique", "ar": "مداومة قانونية"},
                           description={"en": "Free legal advice."}, eligibility={"ar": "للجميع"})
    sign_in_as(client, make_organiser(oujda))
    html = client.get(f"/en/manage/directory/{service.id}/edit").get_data(as_text=True)
    name = group(html, "name")
    assert "Not written yet in: English" in name and "(in at least one language)" in name
    assert 'value="مداومة قانونية"' in name and 'lang="ar"' in name and 'dir="rtl"' in name
    assert "Not written yet in: French and Arabic" in group(html, "description")
    assert "Not written yet in: French and English" in group(html, "eligibility")
    assert "Name in French" not in html and "Who may use it, in" not in html

    french = client.get(f"/fr/manage/directory/{service.id}/edit").get_data(as_text=True)
    assert "Pas encore écrit en : anglais" in group(french, "name")
    assert ">Arabe</label>" in group(french, "eligibility")

    # A new entry refused for another reason says the same of what was typed, and writes nothing.
    typed = {**FORM, "municipality_id": oujda.id, "name_en": "", "name_ar": TEXTS["name_ar"],
             "description_ar": TEXTS["description_ar"], "eligibility_en": TEXTS["eligibility_en"],
             "latitude": "134"}
    response = client.post("/en/manage/directory/new", data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not written yet in: English" in group(html, "name")
    assert "Not written yet in: French and English" in group(html, "description")
    assert "Not written yet in: French and Arabic" in group(html, "eligibility")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 1


def test_a_refused_form_keeps_the_three_languages_typed_and_writes_nothing(client, oujda):
    service = make_service(oujda)
    before = {column: getattr(service, column) for column in TEXTS}
    sign_in_as(client, make_organiser(oujda))
    too_long = {**FORM, **TEXTS, "municipality_id": oujda.id, "name_ar": "د" * 201}
    response = client.post(f"/fr/manage/directory/{service.id}/edit", data=too_long)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    name = group(html, "name")
    assert "Le champ ne peut pas contenir plus de 200 caractères." in name
    assert 'value="' + "د" * 201 + '"' in name and 'value="Cours de darija"' in name
    for column in ("description", "eligibility"):
        for code in ("fr", "ar", "en"):
            assert f"\n{TEXTS[f'{column}_{code}']}</textarea>" in group(html, column)
    db.session.expire_all()
    assert {column: getattr(service, column) for column in TEXTS} == before

    # No name in any language: the service's rule, in the reader's language, the rest kept.
    nameless = {**too_long, "name_fr": "", "name_ar": "", "name_en": ""}
    response = client.post("/ar/manage/directory/new", data=nameless)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "أعطِ الخدمة اسمًا بلغة واحدة على الأقل." in group(html, "name")
    assert f"\n{TEXTS['eligibility_ar']}</textarea>" in group(html, "eligibility")
    assert f"\n{TEXTS['description_fr']}</textarea>" in group(html, "description")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 1
    assert audits("directory.service_updated") == 0


def test_an_entry_saved_by_someone_else_meanwhile_is_not_overwritten(client, oujda):
    """Two organisers open the same entry; the second to save is told, keeps what they typed, writes
    nothing, and saves on purpose the next time."""
    import re

    service = make_service(oujda, name={"fr": "Permanence juridique"})
    first, second = make_organiser(oujda, display_name="Youssef"), make_organiser(oujda, display_name="Salma")
    sign_in_as(client, second)
    opened = client.get(f"/manage/directory/{service.id}/edit").get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', opened).group(1)

    sign_in_as(client, first)  # saves while the second still has the form open
    page = client.get(f"/manage/directory/{service.id}/edit").get_data(as_text=True)
    first_seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', page).group(1)
    form = {**FORM, "municipality_id": oujda.id}
    assert client.post(f"/manage/directory/{service.id}/edit",
                       data={**form, "name_fr": "Aide juridique", "seen": first_seen}).status_code == 303

    sign_in_as(client, second)
    refused = client.post(f"/manage/directory/{service.id}/edit",
                          data={**form, "name_fr": "Permanence du mardi", "seen": seen})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Someone else saved this entry while you were editing it." in text
    assert 'value="Permanence du mardi"' in text  # what was typed, kept
    db.session.expire_all()
    assert db.session.get(Service, service.id).name_fr == "Aide juridique"
    assert audits("directory.service_updated") == 1
    again = re.search(r'name="seen" type="hidden" value="([^"]+)"', text).group(1)
    assert client.post(f"/manage/directory/{service.id}/edit",
                       data={**form, "name_fr": "Permanence du mardi", "seen": again}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Service, service.id).name_fr == "Permanence du mardi"
