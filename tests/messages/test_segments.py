"""SMS segments: GSM-7 160/153 (extension characters count twice), UCS-2 70/67, and every text the
app writes stays within two, whatever the names and titles it carries."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.messages.segments import fit_sms, fold_to_gsm, is_gsm, segment_count


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # the extension table: two septets each
        ("€" * 81, 2),
        ("ب" * 70, 1),
        ("ب" * 71, 2),
        ("ب" * 134, 2),
        ("ب" * 135, 3),
        ("a" * 69 + "😀", 2),  # outside the BMP: two UTF-16 units
    ],
)
def test_segments_are_counted_as_phones_count_them(text, segments):
    assert segment_count(text) == segments


def test_french_accents_gsm_lacks_are_folded_and_arabic_is_left_alone():
    assert fold_to_gsm("Fête à l’école, ça va «bien»…") == 'Fete à l\'école, ca va "bien"...'
    assert is_gsm(fold_to_gsm("Fête à l’école"))
    assert fold_to_gsm("ورشة طبخ") == "ورشة طبخ"


TEMPLATE = "Jiwar: place confirmed, %(title)s, %(when)s. Ticket %(code)s %(link)s"
LINK = "https://jiwar.example.org/fr/events/123456/ticket"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=400), name=st.text(max_size=200))
def test_any_title_or_name_fits_two_segments_and_the_link_is_never_cut(title, name):
    text = fit_sms("%(name)s, " + TEMPLATE, {"title": title, "name": name, "when": "dim. 13 déc. 15:00",
                                             "code": "JQQ-8UA", "link": LINK}, ("title", "name"))
    assert segment_count(text) <= 2
    assert text.endswith(LINK) and "JQQ-8UA" in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(title=st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=300),
       language=st.sampled_from(["fr", "ar", "en"]))
def test_every_sms_the_app_writes_fits_two_segments(app, title, language):
    """Through compose(), with the catalogs' real templates, for an event title of any length."""
    import sqlalchemy as sa

    from app.core.models import OutboxMessage
    from app.events.models import Event
    from app.extensions import db
    from app.messages.compose import compose
    from app.messages.kinds import TOPICS_OF_KINDS
    from tests.conftest import empty_all_tables
    from tests.factories import make_event, make_municipality, make_registration, make_user

    db.session.remove()
    empty_all_tables()
    oujda = make_municipality("oujda")
    person = make_user("Amina " + title[:70], phone="+212612345678", municipality=oujda)
    person.preferred_locale = language
    event = make_event(oujda, title=title or "x", title_ar=title or "x", title_en=title or "x",
                       venue=(title or "salle")[:200], starts_in=timedelta(days=3))
    registration = make_registration(event, person.participant)
    for kind in TOPICS_OF_KINDS:
        db.session.add(OutboxMessage(participant_id=person.participant_id, kind=kind, payload={
            "event_id": event.id, "registration_id": registration.id, "text": title[:300],
            "code": "123456", "link": "https://jiwar.example.org/fr/reset/" + "x" * 43, "hours": 48,
            "municipality": title[:120], "forgot_password_link": "https://jiwar.example.org/forgot-password",
        }))
    db.session.commit()
    for message in db.session.scalars(sa.select(OutboxMessage)):
        composed = compose(message)
        if composed is None:
            continue
        assert segment_count(composed.text) <= 2, (message.kind, composed.text)
    assert db.session.get(Event, event.id) is not None
