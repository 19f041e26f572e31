"""Comments with one level of replies, safe links, abuse reports, and moderation."""

import sqlalchemy as sa

from app.core.models import AuditEntry
from app.extensions import db
from app.proposals.models import AbuseReport, Comment, Proposal
from tests.conftest import sign_in_as
from tests.factories import make_call, make_comment, make_proposal, make_reviewer, make_user
from tests.factories.proposals import make_abuse_report


def test_comment_and_reply_to_a_reply_stays_one_level(client, oujda, resident):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    top = make_comment(proposal, make_user())
    reply = make_comment(proposal, make_user(), parent=top)
    sign_in_as(client, resident)
    response = client.post(
        f"/proposals/{proposal.id}/comments", data={"body": "Moi aussi", "parent_id": reply.id}
    )
    assert response.status_code == 303
    new = db.session.scalar(sa.select(Comment).where(Comment.body == "Moi aussi"))
    assert new.parent_id == top.id
    assert db.session.get(Proposal, proposal.id).comment_count == 3


def test_empty_comment_is_refused(client, oujda, resident):
    proposal = make_proposal(make_call(oujda), make_user())
    sign_in_as(client, resident)
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "   "})
    assert response.status_code == 422
    assert "Write a comment first." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Comment.id))) == 0


def test_only_safe_links_are_clickable_and_html_is_text(client, oujda, resident):
    proposal = make_proposal(make_call(oujda), make_user())
    sign_in_as(client, resident)
    body = (
        "Voir https://oujda.ma/projets. Pas javascript:alert(1) ni "
        '<a href="javascript:alert(2)">clic</a> <script>alert(3)</script>'
    )
    client.post(f"/proposals/{proposal.id}/comments", data={"body": body})
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert '<a href="https://oujda.ma/projets" rel="nofollow ugc noopener noreferrer">' in page
    assert 'href="javascript' not in page and "<script>alert(3)" not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page


def test_anyone_signed_in_reports_a_comment_with_a_reason(client, oujda, resident):
    proposal = make_proposal(make_call(oujda), make_user())
    comment = make_comment(proposal, make_user())
    sign_in_as(client, resident)
    response = client.post(f"/comments/{comment.id}/report", data={"reason": ""})
    assert response.status_code == 422 and "Say why this is abusive." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AbuseReport.id))) == 0
    assert client.post(f"/comments/{comment.id}/report", data={"reason": "Insulte"}).status_code == 303
    report = db.session.scalar(sa.select(AbuseReport))
    assert report.comment_id == comment.id and report.reason == "Insulte"


def test_reviewer_hides_a_comment_it_disappears_and_the_count_drops(client, oujda, reviewer):
    proposal = make_proposal(make_call(oujda), make_user())
    comment = make_comment(proposal, make_user(), body="Message injurieux")
    make_comment(proposal, make_user(), body="Réponse au message", parent=comment)
    make_abuse_report(make_user(), comment=comment)
    sign_in_as(client, reviewer)
    queue = client.get("/manage/moderation").get_data(as_text=True)
    assert "Message injurieux" in queue
    response = client.post(
        f"/manage/moderation/comments/{comment.id}", data={"action": "hide", "reason": "Injure"}
    )
    assert response.status_code == 303
    assert db.session.get(Proposal, proposal.id).comment_count == 0
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Message injurieux" not in page and "Réponse au message" not in page
    report = db.session.scalar(sa.select(AbuseReport))
    assert report.resolution == "hidden" and report.resolved_by_id == reviewer.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "comment.hidden"))
    assert entry.details == {"reason": "Injure"}
    client.post(f"/manage/moderation/comments/{comment.id}", data={"action": "restore", "reason": "Erreur"})
    assert db.session.get(Proposal, proposal.id).comment_count == 2
    assert db.session.get(Comment, comment.id).hidden_reason == "Erreur"


def test_hidden_proposal_leaves_public_pages_and_counts(client, oujda, reviewer):
    call = make_call(oujda, phase="results")
    proposal = make_proposal(call, make_user(), title="Contenu abusif")
    make_proposal(call, make_user(), title="Projet correct")
    sign_in_as(client, reviewer)
    client.post(f"/manage/moderation/proposals/{proposal.id}", data={"action": "hide", "reason": "Spam"})
    client.post("/sign-out")
    anonymous = client
    with anonymous.session_transaction() as session:
        session.clear()
    assert anonymous.get(f"/proposals/{proposal.id}").status_code == 404
    listing = anonymous.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "Contenu abusif" not in listing and "1 proposal" in listing
    results = anonymous.get(f"/calls/{call.id}/results").get_data(as_text=True)
    assert "Contenu abusif" not in results


def test_moderation_needs_a_reason_and_the_right_municipality(client, oujda, la_marsa, reviewer):
    proposal = make_proposal(make_call(oujda), make_user())
    sign_in_as(client, reviewer)
    client.post(f"/manage/moderation/proposals/{proposal.id}", data={"action": "hide", "reason": ""})
    assert not db.session.get(Proposal, proposal.id).is_hidden
    other = make_reviewer(la_marsa)
    sign_in_as(client, other)
    response = client.post(
        f"/manage/moderation/proposals/{proposal.id}", data={"action": "hide", "reason": "x"}
    )
    assert response.status_code == 403 and not db.session.get(Proposal, proposal.id).is_hidden
    assert "Injure" not in client.get("/manage/moderation").get_data(as_text=True)


def test_dismissing_a_report_keeps_the_content(client, oujda, reviewer):
    proposal = make_proposal(make_call(oujda), make_user())
    report = make_abuse_report(make_user(), proposal=proposal)
    sign_in_as(client, reviewer)
    assert client.post(f"/manage/reports/{report.id}/dismiss").status_code == 303
    assert db.session.get(AbuseReport, report.id).resolution == "dismissed"
    assert not db.session.get(Proposal, proposal.id).is_hidden


def test_html_in_call_report_group_and_reason_fields_is_shown_as_text(client, oujda, reviewer):
    evil = "<script>alert('x')</script>"
    call = make_call(oujda, phase="review", title=evil + "Appel", description=evil)
    category = call.categories[0]
    category.name = evil
    db.session.commit()
    proposal = make_proposal(call, make_user(), group_name=evil, channel="group", answer_text=evil)
    comment = make_comment(proposal, make_user(display_name=evil), body=evil)
    make_abuse_report(make_user(), proposal=proposal, reason=evil)
    hidden = make_comment(proposal, make_user(), body="caché", is_hidden=True, hidden_reason=evil)
    assert hidden.id != comment.id
    sign_in_as(client, reviewer)
    for url in ("/calls", f"/calls/{call.id}", f"/proposals/{proposal.id}", "/manage/calls",
                f"/manage/calls/{call.id}/review", "/manage/moderation", f"/calls/{call.id}/results",
                f"/manage/proposals/{proposal.id}/answer", f"/manage/calls/{call.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;" in page or "&#39;" in page, url


def test_a_long_discussion_is_paged_and_a_new_comment_lands_on_the_page_that_shows_it(
    client, oujda, resident, monkeypatch
):
    """Oldest first, a few threads a page, each with its replies; nothing is ever left off."""
    from app.proposals import queries

    monkeypatch.setattr(queries, "COMMENT_THREADS_PER_PAGE", 3)
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    tops = [make_comment(proposal, make_user(), body=f"Avis {n}") for n in range(4)]
    make_comment(proposal, make_user(), body="Réponse au premier", parent=tops[0])
    first = client.get(f"/proposals/{proposal.id}").text
    assert all(f"Avis {n}" in first for n in range(3)) and "Avis 3" not in first
    assert "Réponse au premier" in first and "Page 1 of 2" in first
    second = client.get(f"/proposals/{proposal.id}?page=2").text
    assert "Avis 3" in second and "Avis 0" not in second
    sign_in_as(client, resident)
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Le dernier mot"})
    new = db.session.scalar(sa.select(Comment).where(Comment.body == "Le dernier mot"))
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}?page=2#comment-{new.id}")
    assert "Le dernier mot" in client.get(response.headers["Location"]).text
    url = f"/proposals/{proposal.id}/comments"
    response = client.post(url, data={"body": "Oui", "parent_id": tops[1].id})
    reply = db.session.scalar(sa.select(Comment).where(Comment.body == "Oui"))
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}#comment-{reply.id}")  # page 1
