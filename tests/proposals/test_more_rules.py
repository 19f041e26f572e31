"""Editing calls, replacing photos, moderation scoped by municipality, the author's view of hidden
content, and pages in Arabic and French."""

import io

import sqlalchemy as sa

from app.extensions import db
from app.proposals.models import AbuseReport, Comment, Proposal, ProposalCall
from app.proposals.photos import photo_key
from tests.conftest import sign_in_as
from tests.factories import make_call, make_comment, make_proposal, make_reviewer, make_user
from tests.factories.proposals import make_abuse_report
from tests.proposals.conftest import image_bytes


def _call_form(call, **overrides):
    data = {
        "municipality_id": call.municipality_id,
        "programme_id": 0,
        "title_fr": call.title,
        "description_fr": call.description,
        "categories_fr": "\n".join(c.name for c in call.categories),
        "submission_opens_at": "2027-01-01T09:00",
        "submission_closes_at": "2027-02-01T09:00",
        "support_opens_at": "2027-02-01T09:00",
        "support_closes_at": "2027-03-01T09:00",
        "review_opens_at": "2027-03-01T09:00",
        "results_at": "2027-04-01T09:00",
    }
    data.update(overrides)
    return data


def test_editing_a_call_keeps_used_categories(client, oujda, reviewer):
    call = make_call(oujda)
    make_proposal(call, make_user(), category=call.categories[0])
    sign_in_as(client, reviewer)
    edit = client.get(f"/manage/calls/{call.id}/edit").get_data(as_text=True)
    assert "Culture" in edit
    response = client.post(
        f"/manage/calls/{call.id}/edit", data=_call_form(call, categories_fr="Santé\nJeunesse")
    )
    assert response.status_code == 422
    assert "A category that proposals use cannot be removed." in response.get_data(as_text=True)
    response = client.post(
        f"/manage/calls/{call.id}/edit",
        data=_call_form(call, title_fr="Nouveau titre", categories_fr="Culture\nSport"),
    )
    assert response.status_code == 303
    saved = db.session.get(ProposalCall, call.id)
    assert saved.title == "Nouveau titre" and [c.name for c in saved.categories] == ["Culture", "Sport"]


def test_replacing_and_removing_a_photo_deletes_the_old_file(client, oujda, resident, photo_storage):
    call = make_call(oujda)
    proposal = make_proposal(call, resident)
    sign_in_as(client, resident)
    form = {
        "title": proposal.title,
        "description": proposal.description,
        "category_id": call.categories[0].id,
        "place": "Lazaret",
    }
    client.post(
        f"/proposals/{proposal.id}/edit",
        content_type="multipart/form-data",
        data={**form, "photo": (io.BytesIO(image_bytes("WEBP")), "a.webp")},
    )
    first = db.session.get(Proposal, proposal.id).photo_name
    assert photo_storage.keys("") == {photo_key(first)}
    client.post(
        f"/proposals/{proposal.id}/edit",
        content_type="multipart/form-data",
        data={**form, "photo": (io.BytesIO(image_bytes()), "b.jpg")},
    )
    second = db.session.get(Proposal, proposal.id).photo_name
    assert second != first and photo_storage.keys("") == {photo_key(second)}
    client.post(f"/proposals/{proposal.id}/edit", data={**form, "remove_photo": "y"})
    assert db.session.get(Proposal, proposal.id).photo_name is None and photo_storage.keys("") == set()
    assert client.get(f"/proposals/{proposal.id}/photo").status_code == 404


def test_reports_queue_shows_only_the_reviewers_municipalities(client, oujda, la_marsa, reviewer):
    ours = make_proposal(make_call(oujda), make_user(), title="Chez nous")
    theirs = make_proposal(make_call(la_marsa), make_user(), title="Chez eux")
    make_abuse_report(make_user(), proposal=ours, reason="Raison Oujda")
    make_abuse_report(make_user(), comment=make_comment(theirs, make_user()), reason="Raison Marsa")
    sign_in_as(client, reviewer)
    page = client.get("/manage/moderation").get_data(as_text=True)
    assert "Raison Oujda" in page and "Raison Marsa" not in page
    sign_in_as(client, make_reviewer(la_marsa))
    page = client.get("/manage/moderation").get_data(as_text=True)
    assert "Raison Marsa" in page and "Raison Oujda" not in page
    report = db.session.scalar(sa.select(AbuseReport).where(AbuseReport.proposal_id == ours.id))
    assert client.post(f"/manage/reports/{report.id}/dismiss").status_code == 403
    assert db.session.get(AbuseReport, report.id).resolved_at is None


def test_the_author_still_sees_a_hidden_proposal_with_the_reason(client, oujda, resident, reviewer):
    proposal = make_proposal(make_call(oujda), resident, title="Mon projet")
    sign_in_as(client, reviewer)
    client.post(f"/manage/moderation/proposals/{proposal.id}", data={"action": "hide", "reason": "Doublon"})
    sign_in_as(client, resident)
    assert "Doublon" in client.get("/me/proposals").get_data(as_text=True)
    assert "Doublon" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    sign_in_as(client, make_user())
    assert client.get(f"/proposals/{proposal.id}").status_code == 404


def test_a_hidden_comment_cannot_be_answered(client, oujda, resident):
    proposal = make_proposal(make_call(oujda), make_user())
    hidden = make_comment(proposal, make_user(), is_hidden=True, hidden_reason="Spam")
    sign_in_as(client, resident)
    response = client.post(
        f"/proposals/{proposal.id}/comments", data={"body": "Réponse", "parent_id": hidden.id}
    )
    assert response.status_code == 422
    assert "This comment cannot be answered." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 1


def test_call_and_proposal_pages_in_arabic_are_right_to_left(client, oujda):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    for url in (f"/calls/{call.id}", f"/proposals/{proposal.id}", f"/calls/{call.id}/results", "/calls"):
        page = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in page and "وجدة" in page


def test_dates_are_shown_in_the_municipalitys_time_zone_in_french(client, oujda):
    call = make_call(oujda, phase="support")
    page = client.get(f"/fr/calls/{call.id}").get_data(as_text=True)
    from babel.dates import format_datetime

    from app.core.time import to_zone

    expected = format_datetime(
        to_zone(call.support_closes_at, "Africa/Casablanca"), "d MMMM y, HH:mm", locale="fr"
    )
    assert expected in page


def test_a_call_may_belong_to_a_programme_covering_its_municipality(client, oujda, la_marsa, reviewer):
    from tests.factories import make_programme

    ours, theirs = make_programme([oujda], name="Initiative 3H"), make_programme([la_marsa], name="IMIGR")
    call = make_call(oujda)
    sign_in_as(client, reviewer)
    refused = client.post(f"/manage/calls/{call.id}/edit", data=_call_form(call, programme_id=theirs.id))
    assert refused.status_code == 422
    assert "This programme does not cover the call&#39;s municipality." in refused.get_data(as_text=True)
    assert db.session.get(ProposalCall, call.id).programme_id is None
    assert (
        client.post(f"/manage/calls/{call.id}/edit", data=_call_form(call, programme_id=ours.id)).status_code
        == 303
    )
    assert "Initiative 3H" in client.get(f"/calls/{call.id}").get_data(as_text=True)
