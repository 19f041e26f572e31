"""The programme page and a report in a real browser: right to left in Arabic, charts drawn by the
server, no serious accessibility violation."""

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant
from app.events.models import Attendance, Event, EventType
from app.extensions import db
from app.reports import queries
from app.reports.models import Measure
from tests.browser.accessibility import serious_violations
from tests.conftest import sign_in_as
from tests.factories import make_admin, make_attendance, make_event, make_target, make_user
from tests.reports.dataset import CONSENT, build_dataset, published


def _attendances(programme, *conditions):
    """(count, key sum) of the programme's attendances: a person's key once per session, a
    walk-in's attendance its own key, as the reports sum them."""
    return db.session.execute(
        sa.select(
            sa.func.count(), sa.func.sum(sa.func.coalesce(Participant.record_key, Attendance.record_key))
        )
        .select_from(Attendance)
        .join(Event, Event.id == Attendance.event_id)
        .outerjoin(Participant, Participant.id == Attendance.participant_id)
        .where(Event.programme_id == programme.id, *conditions)
    ).one()


def published_attendances(programme, *conditions) -> str:
    return str(published(*_attendances(programme, *conditions)))


def published_people(programme, *conditions) -> str:
    """Distinct people who attended, as the programme page publishes them."""
    keys = db.session.execute(
        sa.select(Participant.id, Participant.record_key)
        .join(Attendance, Attendance.participant_id == Participant.id)
        .join(Event, Event.id == Attendance.event_id)
        .where(Event.programme_id == programme.id, *conditions)
        .distinct()
    ).all()
    return str(published(len(keys), sum(key for _, key in keys)))


def grown_dataset():
    """The fixed data set plus enough people at the awareness event that some figures show."""
    data = build_dataset()
    awareness = make_event(data.oujda, event_type=EventType.AWARENESS, programme_id=data.programme.id)
    for i in range(24):
        person = make_user(
            gender=("woman", "man")[i % 2],
            origin=("migrant", "host", "refugee")[i % 3],
            birth_year=1980 + i,
            country_code=("CI", "MA", "SN")[i % 3],
            consent_at=CONSENT,
        )
        make_attendance(awareness.sessions[0], person.participant)
    make_target(
        data.programme,
        title="800 personnes sensibilisées (50 % de femmes)",
        measure=Measure.PEOPLE,
        event_types="awareness",
        goal=800,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    make_target(
        data.programme,
        title="30 enfants (35 % de filles)",
        measure=Measure.PEOPLE,
        age_max=17,
        goal=30,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=35,
    )
    make_target(data.programme, title="Participations", measure=Measure.ATTENDANCES, goal=100)
    return data


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_programme_page(page, live_server, screenshot, language):
    data = grown_dataset()
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server}/programmes/{data.programme.id}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("progress").count() == 3
    expected = published_people(data.programme, Event.event_type == EventType.AWARENESS)  # 28 people
    assert page.locator(".target").first.locator(".target-figures").inner_text().strip().startswith(expected)
    if language == "ar":
        # Laid out right to left: the heading starts at the right edge of the page.
        box = page.locator("h1").bounding_box()
        width = page.viewport_size["width"]
        assert box["x"] + box["width"] > width * 0.6
    screenshot(f"reports-programme-{language}")
    assert serious_violations(page) == []


def signed_in(page, app, live_server, user):
    client = app.test_client()
    sign_in_as(client, user)
    cookie = client.get_cookie("session")
    page.context.add_cookies([{"name": "session", "value": cookie.value, "url": live_server}])


@pytest.mark.parametrize("language", ["ar", "en"])
def test_report_page_with_charts(page, app, live_server, screenshot, language):
    data = grown_dataset()
    signed_in(page, app, live_server, data.organiser)
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server}/reports?programme={data.programme.id}")
    assert page.locator("svg.bar-chart").count() == 4  # the four breakdowns
    # Grouped bars: the two gender x origin tables and sex x age.
    assert page.locator("figure.grouped-chart").count() == 3
    labels = page.locator("#chart-gender-title")
    assert labels.count() == 1
    chart = page.locator("section[aria-labelledby=gender-title] svg").bounding_box()
    first_label = page.locator("section[aria-labelledby=gender-title] svg text.label").first.bounding_box()
    if language == "ar":  # mirrored on purpose: labels on the right
        assert first_label["x"] > chart["x"] + chart["width"] / 2
    else:
        assert first_label["x"] < chart["x"] + chart["width"] / 2
    screenshot(f"reports-report-{language}")
    assert serious_violations(page) == []


def test_admin_sees_exact_figures_on_purpose(page, app, live_server, screenshot):
    data = grown_dataset()
    signed_in(page, app, live_server, make_admin())
    page.goto(f"{live_server}/programmes/{data.programme.id}")
    page.get_by_role("link", name="Show exact figures (recorded)").click()
    assert page.locator(".exact-notice").is_visible()
    screenshot("reports-programme-exact-en")


def test_changing_a_filter_updates_the_report_in_place(page, app, live_server):
    data = grown_dataset()
    signed_in(page, app, live_server, data.organiser)
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{live_server}/reports?programme={data.programme.id}")
    total = page.locator("#table-summary td[data-column=attendances]")
    assert total.inner_text() == published_attendances(data.programme)  # 37 attendances
    page.select_option("#event_type", "awareness")
    page.wait_for_url("**event_type=awareness**")
    # E1: 7 (3 of them walk-ins), and 24 at the other awareness event: 31 attendances
    awareness = Event.event_type == EventType.AWARENESS
    assert total.inner_text() == published_attendances(data.programme, awareness)


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_sex_and_age_on_a_phone(page, app, live_server, screenshot, language, monkeypatch):
    """At 360 px: girls, boys, women and men first; the crossed charts draw one bar per cell, from
    the right in Arabic, and nothing is wider than the screen. On the report, the event list says
    when it leaves older events out; choosing a kind of event leaves only that kind's events in it
    (htmx brings the whole form back), and the list says so in its hint."""
    monkeypatch.setattr(queries, "REPORT_EVENT_CHOICES", 2)  # of the 3 events, the 2 latest listed
    data = grown_dataset()
    page.set_viewport_size({"width": 360, "height": 780})
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server}/programmes/{data.programme.id}")
    headline = page.locator("#sex-age-headline dd")
    assert headline.count() == 4
    # 24 adults came to the awareness event, 12 women and 12 men, with A and C: figures, not "< 5".
    assert all(text.strip().isdigit() for text in headline.all_inner_texts()[2:])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    screenshot(f"reports-programme-sex-age-360-{language}")
    assert serious_violations(page) == []

    signed_in(page, app, live_server, data.organiser)
    page.goto(f"{live_server}/reports?programme={data.programme.id}")
    chart = page.locator("#chart-sex-age")
    bars = chart.locator("svg.chart-bar rect")
    assert bars.count() == 3 * 4  # under 18, adults, age not recorded x four genders
    widest = max(float(bar.get_attribute("width")) for bar in bars.all())
    assert widest == 100
    adults_women = chart.locator(".chart-group").nth(1).locator("svg.chart-bar").first
    box, rect = adults_women.bounding_box(), adults_women.locator("rect").bounding_box()
    if language == "ar":  # the bar grows from the right edge, as the text runs
        assert abs((rect["x"] + rect["width"]) - (box["x"] + box["width"])) < 1
    else:
        assert abs(rect["x"] - box["x"]) < 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#sex-age-title").scroll_into_view_if_needed()
    screenshot(f"reports-report-360-{language}")

    events = page.locator("#event option:not([value=''])")
    assert events.count() == 2  # the awareness day and E1; E2, older, is left out
    cut_hint = page.locator(f"#{page.locator('#event').get_attribute('aria-describedby')}").inner_text()
    assert "2" in cut_hint
    page.locator("#event").scroll_into_view_if_needed()
    screenshot(f"reports-report-events-cut-360-{language}")
    page.select_option("#event_type", "awareness")
    page.wait_for_url("**event_type=awareness**")
    awareness = db.session.scalars(sa.select(Event.id).where(Event.event_type == EventType.AWARENESS)
                                   .order_by(Event.starts_at.desc())).all()
    assert [int(value) for value in events.evaluate_all("options => options.map(o => o.value)")] == awareness
    hint = page.locator("#event").get_attribute("aria-describedby")
    assert hint and page.locator(f"#{hint}").inner_text().strip()
    assert page.locator(f"#{hint}").inner_text() != cut_hint  # both awareness events listed: not cut
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#event").scroll_into_view_if_needed()
    screenshot(f"reports-report-filters-360-{language}")
    assert serious_violations(page) == []


SUMMARY = {"fr": "Certains champs demandent votre attention.", "ar": "بعض الحقول تحتاج إلى انتباهك.",
           "en": "Some fields need your attention."}


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_a_refused_target_says_so_above_the_form_and_keeps_what_was_typed(
        page, app, live_server, screenshot, language):
    """The organisers' forms share one error summary (templates/_macros/field.html); on a phone."""
    from app.reports.models import Target

    data = build_dataset()
    signed_in(page, app, live_server, make_admin())
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server}/{language}/programmes/{data.programme.id}/targets/new")
    page.fill("#title_ar", "٨٠٠ شخص")
    page.fill("#goal", "0")
    page.locator("form button[type=submit]").last.click()
    assert page.locator(".errors[role=alert]").inner_text().strip() == SUMMARY[language]
    assert page.locator("#goal-error").is_visible()
    assert page.get_attribute("#goal", "aria-describedby") == "goal-error"  # read with the field
    assert page.input_value("#title_ar") == "٨٠٠ شخص" and page.input_value("#goal") == "0"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Target)) == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(f"reports-target-refused-360-{language}")
    assert serious_violations(page) == []
    # The walk-ins' checkbox and its hint, read together, as every form's checkboxes are.
    assert page.get_attribute("#walk_ins_as_people", "aria-describedby") == "walk_ins_as_people-hint"
    page.goto(f"{live_server}/{language}/programmes/{data.programme.id}/edit")
    assert page.locator("label.check[for=is_public] #is_public").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(f"reports-programme-form-360-{language}")
    assert serious_violations(page) == []
