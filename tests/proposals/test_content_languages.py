"""Calls, their categories and the municipality's answers in French, Arabic and English: the reader's
language, else a fallback marked with its lang, dir and "(in French)"; forms per language."""

import sqlalchemy as sa

from app.extensions import db
from app.proposals.models import Proposal, ProposalCall, ProposalStatus, ProposalStatusChange
from tests.conftest import sign_in_as
from tests.factories import make_call, make_proposal, make_reviewer, make_user

CALL_FORM = {
    "programme_id": 0,
    "submission_opens_at": "2027-01-01T09:00",
    "submission_closes_at": "2027-02-01T09:00",
    "support_opens_at": "2027-02-01T09:00",
    "support_closes_at": "2027-03-01T09:00",
    "review_opens_at": "2027-03-01T09:00",
    "results_at": "2027-04-01T09:00",
}


def _call_in_french_and_arabic(municipality, **fields):
    call = make_call(
        municipality, title="Vivre ensemble à Oujda", description="Proposez vos projets.", **fields
    )
    call.title_ar = "العيش معاً في وجدة"
    call.categories[0].name_ar = "ثقافة"
    db.session.commit()
    return call


def test_a_call_is_read_in_arabic_where_written_and_its_french_is_marked_elsewhere(client, oujda):
    call = _call_in_french_and_arabic(oujda)
    make_proposal(call, make_user(), category=call.categories[0])
    arabic = client.get(f"/ar/calls/{call.id}").get_data(as_text=True)
    assert '<h1 lang="ar" dir="rtl">العيش معاً في وجدة</h1>' in arabic
    # The description exists in French only: shown in French, under its own lang, and said so.
    assert '<p lang="fr" dir="ltr" class="call-description">Proposez vos projets.</p>' in arabic
    assert '<small class="fallback">(بالفرنسية)</small>' in arabic
    assert '<span lang="ar" dir="rtl">ثقافة</span>' in arabic
    english = client.get(f"/en/calls/{call.id}").get_data(as_text=True)
    marked = '<h1 lang="fr" dir="ltr">Vivre ensemble à Oujda</h1> <small class="fallback">(in French)</small>'
    assert marked in english
    french = client.get(f"/fr/calls/{call.id}").get_data(as_text=True)
    assert '<h1 lang="fr" dir="ltr">Vivre ensemble à Oujda</h1>' in french
    assert "(en français)" not in french
    listing = client.get("/ar/calls").get_data(as_text=True)
    assert '<span lang="ar" dir="rtl">العيش معاً في وجدة</span>' in listing


def test_an_answer_written_in_arabic_and_french_is_read_in_each_and_in_the_history(client, oujda):
    reviewer = make_reviewer(oujda)
    proposal = make_proposal(make_call(oujda, phase="review"), make_user())
    sign_in_as(client, reviewer)
    response = client.post(
        f"/fr/manage/proposals/{proposal.id}/answer",
        data={
            "status": "accepted",
            "answer_text_fr": "Le jardin sera créé au printemps.",
            "answer_text_ar": "ستُنشأ الحديقة في الربيع.",
        },
    )
    assert response.status_code == 303
    saved = db.session.get(Proposal, proposal.id)
    assert (saved.answer_text_fr, saved.answer_text_ar, saved.answer_text_en) == (
        "Le jardin sera créé au printemps.",
        "ستُنشأ الحديقة في الربيع.",
        None,
    )
    change = db.session.scalar(sa.select(ProposalStatusChange))
    assert change.answer_text_ar == "ستُنشأ الحديقة في الربيع."
    arabic = client.get(f"/ar/proposals/{proposal.id}").get_data(as_text=True)
    assert arabic.count('<div lang="ar" dir="rtl" class="user-text">ستُنشأ الحديقة في الربيع.</div>') == 2
    assert "Le jardin sera créé" not in arabic
    english = client.get(f"/en/proposals/{proposal.id}").get_data(as_text=True)
    assert '<div lang="fr" dir="ltr" class="user-text">Le jardin sera créé au printemps.</div>' in english
    assert "(in French)" in english
    # The form shows the answer again per language and says which one is missing.
    form = client.get(f"/en/manage/proposals/{proposal.id}/answer").get_data(as_text=True)
    assert "Not written yet in: English" in form
    assert 'dir="rtl" id="answer_text_ar" lang="ar"' in form and "ستُنشأ الحديقة في الربيع.</textarea>" in form


def test_a_call_form_lists_missing_languages_and_keeps_what_was_typed(client, oujda):
    sign_in_as(client, make_reviewer(oujda))
    data = {
        **CALL_FORM,
        "municipality_id": oujda.id,
        "title_ar": "العيش معاً",
        "description_ar": "اقترحوا مشاريعكم للحي.",
        "categories_fr": "Culture\nSport",
        "categories_ar": "ثقافة",
    }
    response = client.post("/en/manage/calls/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the same categories, one a line and in the same order, in each language you fill." in page
    assert ">العيش معاً</" not in page  # an input keeps its value in the attribute
    assert 'value="العيش معاً"' in page and "اقترحوا مشاريعكم للحي." in page
    assert "Not written yet in: French and English" in page
    assert db.session.scalar(sa.select(sa.func.count(ProposalCall.id))) == 0

    response = client.post("/en/manage/calls/new", data={**data, "categories_ar": "ثقافة\nرياضة"})
    assert response.status_code == 303
    call = db.session.scalar(sa.select(ProposalCall))
    assert (call.title_fr, call.title_ar) == (None, "العيش معاً")
    assert [(c.name_fr, c.name_ar, c.name_en) for c in call.categories] == [
        ("Culture", "ثقافة", None),
        ("Sport", "رياضة", None),
    ]


def test_a_call_with_no_title_in_any_language_is_refused_with_what_was_typed(client, oujda):
    sign_in_as(client, make_reviewer(oujda))
    response = client.post(
        "/en/manage/calls/new",
        data={
            **CALL_FORM,
            "municipality_id": oujda.id,
            "description_en": "Ideas for the area",
            "categories_en": "Art",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the call a title in at least one language." in page
    assert "Ideas for the area" in page
    assert db.session.scalar(sa.select(sa.func.count(ProposalCall.id))) == 0


def test_translating_a_category_keeps_the_proposals_filed_under_it(client, oujda):
    call = make_call(oujda)
    proposal = make_proposal(call, make_user(), category=call.categories[1])
    sign_in_as(client, make_reviewer(oujda))
    names = [c.name_fr for c in call.categories]
    response = client.post(
        f"/en/manage/calls/{call.id}/edit",
        data={
            **CALL_FORM,
            "municipality_id": oujda.id,
            "title_fr": call.title_fr,
            "description_fr": call.description_fr,
            "categories_fr": "\n".join(names),
            "categories_en": "Culture\nEducation\nPublic space\nHealth\nYouth",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert (saved.category.name_fr, saved.category.name_en) == ("Éducation", "Education")


def test_a_reviewer_of_another_municipality_cannot_answer_in_any_language(client, oujda, la_marsa):
    proposal = make_proposal(make_call(oujda, phase="review"), make_user())
    sign_in_as(client, make_reviewer(la_marsa))
    response = client.post(
        f"/ar/manage/proposals/{proposal.id}/answer", data={"status": "accepted", "answer_text_ar": "نعم"}
    )
    # The proposal is public, so it is no secret: refused as before (the route matrix's rule).
    assert response.status_code == 403
    saved = db.session.get(Proposal, proposal.id)
    assert saved.status == ProposalStatus.SUBMITTED and saved.answer_text_ar is None
    assert db.session.scalar(sa.select(sa.func.count(ProposalStatusChange.id))) == 0
