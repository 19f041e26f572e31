"""Access rules for events, registrations, tickets, the desk and the door."""

from app.events import services
from app.events.models import EventStatus
from tests.access.rules import Route, everyone, only, signed_in
from tests.factories import make_card_holder, make_event, make_registration

ORGANISERS = ("organiser", "admin")  # of Oujda, where the world's event is
ANY_ORGANISER = ("organiser", "organiser_other", "admin")


def build_world(oujda, la_marsa, cast) -> dict:
    event = make_event(oujda, title="Journée portes ouvertes", capacity=10, sessions=2)
    draft = make_event(oujda, title="Brouillon", status=EventStatus.DRAFT)
    registration = make_registration(event, cast["resident"].participant)
    card_holder = make_card_holder("Awa")
    # The resident's own card, of Oujda's desk, which Oujda's organiser asked to link to their account.
    resident_card = make_card_holder("Résidente", municipality=oujda)
    link_request = services.request_card_link(
        cast["organiser"], resident_card.id, resident_card.cards[0].code, cast["resident"].email
    )
    return {
        "link_request": link_request,
        "event": event,
        "draft": draft,
        "session": event.sessions[0],
        "registration": registration,
        "card_holder": card_holder,
        "marsa_event": make_event(la_marsa, title="Atelier La Marsa"),
        "visit": _desk_visit(oujda),
    }


def _desk_visit(oujda):
    """A visit at Oujda's desk with one referral (the directory's models, written directly)."""
    from app.directory.models import Service
    from app.directory.visits import DeskVisit, Referral
    from app.extensions import db

    service = Service(municipality_id=oujda.id, name_fr="Centre de santé", provider_name="Association")
    visit = DeskVisit(municipality_id=oujda.id, topics="health", referrals=[Referral(service=service)])
    db.session.add(visit)
    db.session.commit()
    return visit


def OTHER_DESK(status: int) -> dict[str, int]:  # noqa: N802 - reads as a table column
    return {**only(status, *ANY_ORGANISER), "organiser_other": 404}


def OWN_REQUEST(status: int) -> dict[str, int]:  # noqa: N802 - reads as a table column
    return {**signed_in(404), "resident": status}


DRAFT_SEEN = {**everyone(404), "organiser": 200, "admin": 200}


def door(status: int) -> dict[str, int]:
    """The door of an Oujda session: 404 for whoever does not work in Oujda (La Marsa's staff,
    residents), so it does not even confirm the session exists; 403 for Oujda's reviewers."""
    return {**only(status, *ORGANISERS), "resident": 404, "organiser_other": 404, "reviewer_other": 404}

CANCEL = "/manage/events/{event.id}/cancel"

RULES = [
    Route("GET", "events.list_events", "/events", everyone(200)),
    Route("GET", "events.event_detail", "/events/{event.id}", everyone(200)),
    Route("GET", "events.event_detail", "/events/{draft.id}", DRAFT_SEEN),
    Route("GET", "events.event_ics", "/events/{event.id}/calendar.ics", everyone(200)),
    Route("POST", "events.register", "/events/{event.id}/register", signed_in(303)),
    Route("POST", "events.cancel_registration", "/events/{event.id}/cancel-registration", signed_in(303)),
    Route("GET", "events.my_events", "/me/events", signed_in(200)),
    Route("GET", "events.ticket", "/me/tickets/{registration.id}", only(200, "resident")),
    Route("GET", "events.manage_events", "/manage/events", only(200, *ANY_ORGANISER)),
    Route("GET", "events.message_registered", "/manage/events/{event.id}/message",
          only(200, *ORGANISERS, denied=404)),
    Route("POST", "events.message_registered", "/manage/events/{event.id}/message",
          only(200, *ORGANISERS, denied=404), data={"text_fr": "Apportez vos tabliers."}),
    Route("GET", "events.new_event", "/manage/events/new", only(200, *ANY_ORGANISER)),
    Route("POST", "events.new_event", "/manage/events/new", only(422, *ANY_ORGANISER)),
    Route("GET", "events.manage_event", "/manage/events/{event.id}", only(200, *ORGANISERS)),
    Route("GET", "events.edit_event", "/manage/events/{event.id}/edit", only(200, *ORGANISERS)),
    Route("POST", "events.edit_event", "/manage/events/{event.id}/edit", only(422, *ORGANISERS)),
    Route(
        "POST",
        "events.publish_event",
        "/manage/events/{draft.id}/publish",
        {
            **only(303, *ORGANISERS),
            "resident": 404,
            "organiser_other": 404,
            "reviewer": 404,
            "reviewer_other": 404,
        },
    ),
    # Cancelling asks once more (GET, or POST without "confirmed"); nobody else learns it can be managed.
    Route("GET", "events.cancel_event", CANCEL, only(200, *ORGANISERS, denied=404)),
    Route("POST", "events.cancel_event", CANCEL, only(200, *ORGANISERS, denied=404)),
    Route("POST", "events.cancel_event", CANCEL, only(303, *ORGANISERS, denied=404), data={"confirmed": "1"}),
    Route("POST", "events.duplicate_event", "/manage/events/{event.id}/duplicate", only(303, *ORGANISERS)),
    Route("GET", "events.attendance_csv", "/manage/events/{event.id}/attendance.csv", only(200, *ORGANISERS)),
    Route("GET", "events.desk", "/desk", only(200, *ANY_ORGANISER)),
    Route(
        "POST",
        "events.create_card_holder",
        "/desk/people",
        {**only(303, *ANY_ORGANISER), "organiser_other": 422},  # not at Oujda's desk
        data={"display_name": "Moussa", "municipality_id": "{event.municipality_id}"},
    ),
    # A card holder of Oujda's desk does not exist for La Marsa's organisers.
    Route("GET", "events.card_holder", "/desk/people/{card_holder.id}", OTHER_DESK(200)),
    Route("GET", "events.print_card", "/desk/people/{card_holder.id}/card", OTHER_DESK(200)),
    Route("POST", "events.reissue_card", "/desk/people/{card_holder.id}/reissue", OTHER_DESK(303)),
    Route(
        "POST",
        "events.link_account",
        "/desk/people/{card_holder.id}/link",
        OTHER_DESK(422),  # no code typed from the card
        data={"account": "nobody@example.org"},
    ),
    Route(
        "POST",
        "events.link_account",
        "/desk/people/{card_holder.id}/link",
        OTHER_DESK(303),  # the same answer whether or not an account has this address
        data={"card_code": "{card_holder.cards[0].code}", "account": "nobody@example.org"},
    ),
    # A link request is the account holder's alone: anyone else, organisers included, gets a 404.
    Route("GET", "events.card_link_request", "/me/card-links/{link_request.id}", OWN_REQUEST(200)),
    Route("POST", "events.confirm_card_link", "/me/card-links/{link_request.id}/confirm", OWN_REQUEST(303)),
    Route("POST", "events.decline_card_link", "/me/card-links/{link_request.id}/decline", OWN_REQUEST(303)),
    Route(
        "POST",
        "events.register_card_holder",
        "/desk/people/{card_holder.id}/register",
        OTHER_DESK(303),
        data={"event_id": "{event.id}"},
    ),
    # Repeating sessions: like the door, they do not exist for another municipality's staff.
    Route("GET", "events.repeat_sessions", "/manage/events/{event.id}/repeat", door(200)),
    Route("POST", "events.repeat_sessions", "/manage/events/{event.id}/repeat", door(422)),
    Route(
        "GET", "events.change_session", "/manage/events/{event.id}/sessions/{session.id}/change", door(200)
    ),
    Route(
        "POST", "events.change_session", "/manage/events/{event.id}/sessions/{session.id}/change", door(422)
    ),
    Route("GET", "events.door", "/door/sessions/{session.id}", door(200)),
    # The paper kit: like the door, another municipality's sheet does not exist.
    Route("GET", "events.paper_sheet", "/door/sessions/{session.id}/sheet", door(200)),
    Route("GET", "events.type_in_sheet", "/door/sessions/{session.id}/sheet/type-in", door(200)),
    Route(
        "POST",
        "events.type_in_sheet",
        "/door/sessions/{session.id}/sheet/type-in",
        door(200),  # the totals to check before recording
        data={"ticked": "{registration.participant_id}"},
    ),
    Route(
        "POST",
        "events.type_in_sheet",
        "/door/sessions/{session.id}/sheet/type-in",
        door(422),  # recorded: refused, as the session is a week away
        data={"ticked": "{registration.participant_id}", "confirmed": "1"},
    ),
    # Desk visits (app/directory/visit_views.py): another municipality's visit does not exist.
    Route("GET", "desk_visits.desk_visits", "/desk/visits", only(200, *ANY_ORGANISER)),
    Route("POST", "desk_visits.desk_visits", "/desk/visits", only(422, *ANY_ORGANISER)),
    Route("GET", "desk_visits.visit", "/desk/visits/{visit.id}", OTHER_DESK(200)),
    Route(
        "POST",
        "desk_visits.referral_outcome",
        "/desk/referrals/{visit.referrals[0].id}/outcome",
        OTHER_DESK(303),
        data={"outcome": "reached"},
    ),
    Route(
        "POST",
        "events.check_in",
        "/door/sessions/{session.id}/check-in",
        door(303),
        data={"participant_id": "{registration.participant_id}"},
    ),
    Route(
        "POST",
        "events.undo_check_in",
        "/door/sessions/{session.id}/undo",
        door(303),
        data={"attendance_id": "1"},
    ),
    Route(
        "POST",
        "events.walk_in",
        "/door/sessions/{session.id}/walk-in",
        door(303),
        data={"display_name": "Visiteur"},
    ),
    # The door offline: the worker holds nothing of anyone; the roster and the sync are the door's.
    Route("GET", "events.door_service_worker", "/door/offline.js", everyone(200)),
    Route("GET", "events.door_roster", "/door/sessions/{session.id}/roster", door(200)),
    # A form instead of the JSON queue: refused as unreadable (400), once the door is known to be theirs.
    Route("POST", "events.door_sync", "/door/sessions/{session.id}/sync", door(400), data={"entries": "x"}),
    # The walk-in tally and the headcount-only setting: the door's own rules.
    Route(
        "POST", "events.tally_walk_in", "/door/sessions/{session.id}/tally", door(303), data={"group": "men"}
    ),
    Route(
        "POST",
        "events.tally_origin",
        "/door/sessions/{session.id}/tally/origin",
        door(303),
        data={"attendance_id": "1", "origin": "migrant"},
    ),
    Route(
        "POST",
        "events.tally_undo",
        "/door/sessions/{session.id}/tally/undo",
        door(303),
        data={"attendance_id": "1"},
    ),
    Route(
        "POST",
        "events.headcount_only",
        "/door/sessions/{session.id}/headcount-only",
        door(303),
        data={"headcount_only": "0"},
    ),
    # Card holders' data rights at the desk: the card's code typed, the person served by this desk.
    Route("GET", "privacy.card_holder_data", "/desk/people/{card_holder.id}/data", OTHER_DESK(200)),
    Route(
        "POST",
        "privacy.card_holder_data",
        "/desk/people/{card_holder.id}/data",
        OTHER_DESK(200),
        data={"code": "{card_holder.cards[0].code}", "language": "ar"},
    ),
    Route(
        "GET",
        "privacy.withdraw_card_holder_consent",
        "/desk/people/{card_holder.id}/withdraw-consent",
        OTHER_DESK(200),
    ),
    Route(
        "POST",
        "privacy.withdraw_card_holder_consent",
        "/desk/people/{card_holder.id}/withdraw-consent",
        OTHER_DESK(303),
        data={"code": "{card_holder.cards[0].code}"},
    ),
    Route("GET", "privacy.erase_card_holder", "/desk/people/{card_holder.id}/erase", OTHER_DESK(200)),
    Route(
        "POST",
        "privacy.erase_card_holder",
        "/desk/people/{card_holder.id}/erase",
        OTHER_DESK(303),
        data={"code": "{card_holder.cards[0].code}", "confirm": "y"},
    ),
]
