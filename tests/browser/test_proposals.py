"""A proposal's life in the browser: submitted, supported, answered, read by the public — in French
and in Arabic; and an axe check of the main proposals pages."""

from datetime import timedelta

import pytest

from app.core.time import utcnow
from app.extensions import db
from app.proposals.models import Proposal, ProposalCall
from tests.browser.accessibility import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.factories import (
    make_call,
    make_municipality,
    make_proposal,
    make_reviewer,
    make_support,
    make_user,
)
from tests.factories.proposals import PHASES


def _sign_in(app, context, base_url, user):
    """The session cookie Flask-Login sets after a sign-in (the sign-in page belongs to accounts)."""
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": user.get_id(), "_fresh": True}
    )
    context.add_cookies([{"name": "session", "value": value, "url": base_url}])


def _move_to(call_id: int, phase: str) -> None:
    db.session.rollback()  # a fresh transaction: the server has written since this session last read
    call = db.session.get(ProposalCall, call_id)
    start = utcnow().replace(microsecond=0) - timedelta(days=1) - timedelta(days=30) * PHASES.index(phase)
    call.submission_opens_at, call.submission_closes_at = start, start + timedelta(days=30)
    call.support_opens_at, call.support_closes_at = start + timedelta(days=30), start + timedelta(days=60)
    call.review_opens_at, call.results_at = start + timedelta(days=60), start + timedelta(days=90)
    db.session.commit()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _new_page(browser, lang):
    context = browser.new_context(
        locale=lang, extra_http_headers={"Accept-Language": lang}, viewport={"width": 412, "height": 900}
    )
    return context, context.new_page()


TEXT = {
    "fr": ("Jardin partagé des voisins", "Accepté : la commune prête le terrain au printemps."),
    "ar": ("حديقة مشتركة للجيران", "مقبول: ستوفر البلدية الأرض في الربيع."),
}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_submit_support_review_public_answer(app, browser, live_server, lang):
    title, answer = TEXT[lang]
    oujda = make_municipality("oujda")
    author, supporter, reviewer = make_user("Fatou"), make_user("Moussa"), make_reviewer(oujda)
    call = make_call(oujda, phase="submission", title="Vivre ensemble à Oujda")
    call_id = call.id

    context, page = _new_page(browser, lang)
    _sign_in(app, context, live_server, author)
    page.goto(f"{live_server}/calls/{call_id}/propose")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.fill("input[name=title]", title)
    page.fill(
        "textarea[name=description]", "<b>" + title + "</b> — " + "un lieu pour cultiver ensemble. " * 3
    )
    page.select_option("select[name=category_id]", index=2)
    page.fill("input[name=place]", "Al Qods")
    _shot(page, f"proposals-submit-{lang}")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/proposals/*")
    assert page.locator("h1").inner_text() == title
    assert "<b>" in page.locator(".user-text").first.inner_text()  # shown as text, never as markup
    proposal_id = int(page.url.rsplit("/", 1)[1])
    context.close()

    _move_to(call_id, "support")
    context, page = _new_page(browser, lang)
    _sign_in(app, context, live_server, supporter)
    page.goto(f"{live_server}/calls/{call_id}")
    count = page.locator(f"#support-{proposal_id} .support-count strong")
    assert count.inner_text() == "0"
    page.click(f"#support-{proposal_id} button")
    page.locator(f"#support-{proposal_id} button[aria-pressed=true]").wait_for()
    assert count.inner_text() == "1"
    assert page.url.endswith(f"/calls/{call_id}")  # htmx swapped in place, no navigation
    _shot(page, f"proposals-supported-{lang}")
    context.close()

    _move_to(call_id, "review")
    context, page = _new_page(browser, lang)
    _sign_in(app, context, live_server, reviewer)
    page.goto(f"{live_server}/manage/calls/{call_id}/review")
    _shot(page, f"proposals-review-queue-{lang}")
    page.goto(f"{live_server}/manage/proposals/{proposal_id}/answer")
    page.check("input[name=status][value=accepted]")
    page.fill(f"textarea[name=answer_text_{lang}]", answer)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/manage/calls/{call_id}/review")
    context.close()

    context, page = _new_page(browser, lang)
    page.goto(f"{live_server}/proposals/{proposal_id}")
    assert answer in page.locator(".answer").inner_text()
    assert reviewer.display_name not in page.content()
    _shot(page, f"proposals-answered-{lang}")
    page.goto(f"{live_server}/calls/{call_id}/results")
    _shot(page, f"proposals-results-{lang}")
    context.close()
    db.session.rollback()
    assert db.session.get(Proposal, proposal_id).support_count == 1


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_main_proposals_pages_pass_axe(app, browser, live_server, lang):
    oujda = make_municipality("oujda")
    reviewer = make_reviewer(oujda)
    call = make_call(oujda, phase="review", title="Vivre ensemble à Oujda", support_cap=3)
    proposal = make_proposal(call, make_user(), title="Fresque murale")
    make_support(proposal, make_user())
    make_proposal(call, None, title="Cours de darija", channel="paper")
    context, page = _new_page(browser, lang)
    _sign_in(app, context, live_server, reviewer)
    found = {}
    for name, path in [
        ("calls", "/calls"),
        ("call", f"/calls/{call.id}"),
        ("proposal", f"/proposals/{proposal.id}"),
        ("queue", f"/manage/calls/{call.id}/review"),
    ]:
        page.goto(live_server + path)
        found[name] = serious_violations(page)
        if lang != "ar" or name in ("call", "proposal"):
            _shot(page, f"proposals-{name}-{lang}")
    context.close()
    assert found == {name: [] for name in found}
