"""What a queued notification says, to whom, on which channel, in which language.

`compose(message)` is what the worker calls for each message it claims: a `Composed` (channel,
address, subject, text, HTML, language, unsubscribe link) or None when nothing is to be sent (no
channel, the person turned this kind off, the account is erased or the object is gone). It reads the
objects as they are now; everything a person reads comes from the catalogs, in their language.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from app.accounts.models import Participant, User
from app.core.i18n import speaking, text_direction
from app.core.languages import language_name
from app.core.models import OutboxMessage
from app.core.notifications import REMINDER_KIND
from app.core.translated import Localized, as_texts, pick
from app.events.models import Event, Registration
from app.extensions import db
from app.messages.kinds import ALWAYS_SENT, TOPICS_OF_KINDS
from app.messages.models import Channel, MessagePreference
from app.messages.segments import fit_sms
from app.messages.tokens import unsubscribe_token
from app.proposals.models import Comment, Proposal, ProposalStatus


@dataclass(frozen=True)
class Composed:
    channel: str                 # "email" | "sms": the worker sends through the log when it is not configured
    address: str                 # email address or phone number in E.164 (+212...)
    subject: str                 # email subject ("" for SMS)
    text: str                    # plain text body (email text part, or the SMS text)
    html: str | None = None      # email HTML part (with <html lang dir>)
    language: str = "fr"
    unsubscribe_url: str | None = None   # absolute URL; None for passwords and codes


@dataclass
class Draft:
    """A message before its channel is known: email paragraphs and an SMS template whose values
    in `shrinkable` may be cut to fit two segments (never the link or the code)."""

    subject: str
    paragraphs: list[str]
    sms: str
    values: dict = field(default_factory=dict)
    shrinkable: tuple[str, ...] = ()
    link: str | None = None
    link_label: str | None = None
    # The SMS for a shared phone: no title, no name, no proposal text (values: when, link only).
    shared_sms: str | None = None
    # Words someone wrote, after the paragraphs, marked with their own language and direction (an
    # organiser's French text inside an Arabic email).
    quote: Localized | None = None


@dataclass(frozen=True)
class Route:
    channel: str
    address: str
    shared: bool = False


@dataclass(frozen=True)
class Recipient:
    participant: Participant
    user: User | None
    preference: MessagePreference | None
    topic: str | None  # None for the kinds always sent
    route: Route


def recipient(message: OutboxMessage) -> Recipient | None:
    """Who a queued message goes to, and where, as things are now; None when it is not to be sent (no
    channel, the person turned this kind off or answered STOP, the account is erased)."""
    kind = message.kind
    if kind not in TOPICS_OF_KINDS or message.participant_id is None:
        return None
    participant = db.session.get(Participant, message.participant_id)
    if participant is None or participant.erased_at is not None:
        return None
    user = participant.user
    preference = db.session.get(MessagePreference, participant.id)
    topic = TOPICS_OF_KINDS[kind]
    if topic is not None and preference is not None and topic in (preference.muted_topics or []):
        return None
    route = _route(kind, message.payload or {}, participant, user, preference)
    if route is None:
        return None
    return Recipient(participant, user, preference, topic, route)


def compose(message: OutboxMessage) -> Composed | None:
    found = recipient(message)
    if found is None:
        return None
    kind, participant, user, preference, topic, route = (
        message.kind, found.participant, found.user, found.preference, found.topic, found.route
    )
    language = _language(user, preference)
    with _message_context(language):
        draft = BUILDERS[kind](message.payload or {}, user, language)
        if draft is None:
            return None
        unsubscribe_url = (
            None if topic is None
            else _absolute("messages.unsubscribe", token=unsubscribe_token(participant.id, topic))
        )
        if route.channel == Channel.SMS:
            if route.shared and draft.shared_sms:
                text = fit_sms(draft.shared_sms, {**_shared_values(draft.values)}, ())
            else:
                text = fit_sms(draft.sms, draft.values, draft.shrinkable)
            return Composed(route.channel, route.address, "", text, None, language, unsubscribe_url)
        context = {
            "language": language,
            "direction": text_direction(language),
            "draft": draft,
            "quote_note": _quote_note(draft.quote, language),
            "greeting": _("Hello %(name)s,", name=user.display_name if user else participant.display_name),
            "signature": _("Jiwar — events and community projects for living together."),
            "settings_label": _("Your message settings"),
            "stop_label": _("Stop these messages"),
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": _absolute("messages.preferences_page") if user else None,
        }
        text = render_template("messages/email.txt", **context)
        html = render_template("messages/email.html", **context)
        return Composed(route.channel, route.address, draft.subject, text, html, language, unsubscribe_url)


# -- Who, where, in which language ------------------------------------------------------------------


def _route(kind, payload, participant: Participant, user: User | None, preference) -> Route | None:
    shared = bool(participant.phone_shared)
    stopped = preference is not None and preference.sms_stopped_at is not None
    if user is None:  # a card holder: their phone, if the desk recorded one
        if participant.phone and not stopped and kind not in ALWAYS_SENT:
            return Route(Channel.SMS, participant.phone, shared)
        return None
    if user.is_deleted:
        return None
    if kind in ALWAYS_SENT and payload.get("channel"):  # a code: to the identifier it confirms
        if payload["channel"] == Channel.SMS and user.phone:
            return Route(Channel.SMS, user.phone, shared)
        if payload["channel"] == Channel.EMAIL and user.email:
            return Route(Channel.EMAIL, user.email)
    if kind not in ALWAYS_SENT and (user.is_disabled or not user.is_confirmed):
        return None
    email = Route(Channel.EMAIL, user.email) if user.email else None
    sms = Route(Channel.SMS, user.phone, shared) if user.phone and not stopped else None
    chosen = preference.channel if preference else None
    if chosen == Channel.NONE and kind not in ALWAYS_SENT:
        return None
    if chosen == Channel.SMS and sms:
        return sms
    if chosen == Channel.EMAIL and email:
        return email
    if kind in ALWAYS_SENT and user.phone and not email:
        return Route(Channel.SMS, user.phone, shared)  # a password link goes even after a STOP
    return email or sms


def _language(user: User | None, preference) -> str:
    languages = current_app.config["LANGUAGES"]
    for language in (
        preference.language if preference else None,
        user.preferred_locale if user else None,
    ):
        if language in languages:
            return language
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "fr")


@contextmanager
def _message_context(language: str):
    """A request on the canonical address (so url_for builds its links, not the web request's Host)
    in the person's language, whatever the caller's request or language."""
    canonical = current_app.config["JIWAR_CANONICAL_URL"].rstrip("/")
    with current_app.test_request_context("/", base_url=canonical), speaking(language):
        yield


def _quote_note(quote: Localized | None, language: str) -> str | None:
    """"(in French)" after words written in another language than the reader's, as pages say it."""
    if quote is None or not quote.is_fallback:
        return None
    return _("(in %(language)s)", language=language_name(quote.language, language))


def _absolute(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _shared_values(values: dict) -> dict:
    return {name: values[name] for name in ("when", "link") if name in values}


def _moment(moment, zone: str, language: str) -> str:
    return format_datetime(moment, "EEE d MMM HH:mm", tzinfo=ZoneInfo(zone), locale=language)


# -- What each kind says ---------------------------------------------------------------------------


def _event_facts(payload: dict, language: str):
    event = db.session.get(Event, payload.get("event_id")) if payload.get("event_id") else None
    if event is None:
        return None
    return {
        "event": event,
        "title": event.title(language),
        "when": _moment(event.starts_at, event.municipality.timezone, language),
        "venue": event.venue(language),
        "link": _absolute("events.event_detail", event_id=event.id),
    }


def _registration_confirmed(payload, user, language):
    facts = _event_facts(payload, language)
    registration = db.session.get(Registration, payload.get("registration_id") or 0)
    if facts is None or registration is None:
        return None
    link = _absolute("events.ticket", registration_id=registration.id) if user else facts["link"]
    return Draft(
        subject=_("Registration confirmed: %(title)s", title=facts["title"]),
        paragraphs=[
            _("Your place at %(title)s is confirmed.", title=facts["title"]),
            _("When: %(when)s. Where: %(venue)s.", when=facts["when"], venue=facts["venue"]),
            _("Your ticket code is %(code)s: show it at the door.", code=registration.ticket_code),
        ],
        link=link,
        link_label=_("See my ticket"),
        sms=_("Jiwar: place confirmed, %(title)s, %(when)s. Ticket %(code)s %(link)s"),
        values={"title": facts["title"], "when": facts["when"], "code": registration.ticket_code,
                "link": link},
        shrinkable=("title",),
        shared_sms=_("Jiwar: your registration for %(when)s is confirmed. Bring your card."),
    )


def _registration_waiting(payload, user, language):
    facts = _event_facts(payload, language)
    if facts is None:
        return None
    return Draft(
        subject=_("Waiting list: %(title)s", title=facts["title"]),
        paragraphs=[
            _("%(title)s is full: you are on the waiting list.", title=facts["title"]),
            _("If a seat frees up before %(when)s, it is yours and you will be told.", when=facts["when"]),
        ],
        link=facts["link"],
        link_label=_("See the event"),
        sms=_("Jiwar: %(title)s (%(when)s) is full, you are on the waiting list. %(link)s"),
        values={"title": facts["title"], "when": facts["when"], "link": facts["link"]},
        shrinkable=("title",),
        shared_sms=_("Jiwar: the event of %(when)s is full, you are on the waiting list."),
    )


def _registration_promoted(payload, user, language):
    facts = _event_facts(payload, language)
    if facts is None:
        return None
    return Draft(
        subject=_("A seat for you: %(title)s", title=facts["title"]),
        paragraphs=[
            _("A seat freed up: your place at %(title)s is confirmed.", title=facts["title"]),
            _("When: %(when)s. Where: %(venue)s.", when=facts["when"], venue=facts["venue"]),
            _("If you cannot come, cancel so that the next person gets the seat."),
        ],
        link=facts["link"],
        link_label=_("See the event"),
        sms=_("Jiwar: a seat freed up, your place is confirmed: %(title)s, %(when)s. %(link)s"),
        values={"title": facts["title"], "when": facts["when"], "link": facts["link"]},
        shrinkable=("title",),
        shared_sms=_("Jiwar: a seat freed up, your place for %(when)s is confirmed. Bring your card."),
    )


def _event_reminder(payload, user, language):
    facts = _event_facts(payload, language)
    if facts is None or facts["event"].is_cancelled:
        return None
    return Draft(
        subject=_("Reminder: %(title)s, %(when)s", title=facts["title"], when=facts["when"]),
        paragraphs=[
            _("A reminder: %(title)s starts %(when)s.", title=facts["title"], when=facts["when"]),
            _("Where: %(venue)s.", venue=facts["venue"]),
            _("If you cannot come, cancel so that someone else gets the seat."),
        ],
        link=facts["link"],
        link_label=_("See the event"),
        sms=_("Jiwar reminder: %(title)s, %(when)s, %(venue)s. %(link)s"),
        values={"title": facts["title"], "when": facts["when"], "venue": facts["venue"],
                "link": facts["link"]},
        shrinkable=("title", "venue"),
        shared_sms=_("Jiwar reminder: your event starts %(when)s. Bring your card."),
    )


def _event_changed(payload, user, language):
    facts = _event_facts(payload, language)
    if facts is None:
        return None
    return Draft(
        subject=_("Changed: %(title)s", title=facts["title"]),
        paragraphs=[
            _("%(title)s has changed.", title=facts["title"]),
            _("Now: %(when)s, %(venue)s.", when=facts["when"], venue=facts["venue"]),
            _("Your registration stays. If you cannot come any more, cancel it."),
        ],
        link=facts["link"],
        link_label=_("See the event"),
        sms=_("Jiwar: %(title)s has changed. Now %(when)s, %(venue)s. %(link)s"),
        values={"title": facts["title"], "when": facts["when"], "venue": facts["venue"],
                "link": facts["link"]},
        shrinkable=("title", "venue"),
        shared_sms=_("Jiwar: your event has changed, it is now %(when)s. Ask at the desk."),
    )


def _event_cancelled(payload, user, language):
    facts = _event_facts(payload, language)
    if facts is None:
        return None
    return Draft(
        subject=_("Cancelled: %(title)s", title=facts["title"]),
        paragraphs=[
            _("%(title)s, planned %(when)s, is cancelled.", title=facts["title"], when=facts["when"]),
            _("We are sorry. Other events are on Jiwar."),
        ],
        link=_absolute("events.list_events"),
        link_label=_("See the events"),
        sms=_("Jiwar: %(title)s (%(when)s) is cancelled. %(link)s"),
        values={"title": facts["title"], "when": facts["when"], "link": _absolute("events.list_events")},
        shrinkable=("title",),
        shared_sms=_("Jiwar: the event of %(when)s is cancelled."),
    )


def _organiser_message(payload, user, language):
    facts = _event_facts(payload, language)
    if facts is None:
        return None
    # `texts` by language; a message queued before it had three languages carries one `text`.
    message = pick(payload.get("texts") or as_texts(payload.get("text")), language)
    return Draft(
        subject=_("Message from the organisers: %(title)s", title=facts["title"]),
        paragraphs=[_("The organisers of %(title)s (%(when)s) write:", title=facts["title"],
                      when=facts["when"])],
        quote=message,
        link=facts["link"],
        link_label=_("See the event"),
        # No "(in French)" in the SMS: its two segments are the organisers' words (the text is what
        # gets cut to fit), a reader sees at a glance which language a short text is in, and the
        # email, which has room, says it.
        sms=_("Jiwar, %(title)s: %(text)s %(link)s"),
        values={"title": facts["title"], "text": message.text, "link": facts["link"], "when": facts["when"]},
        shrinkable=("text", "title"),
        shared_sms=_("Jiwar: the organisers of your event of %(when)s sent a message. Ask at the desk."),
    )


def _proposal_answered(payload, user, language):
    proposal = db.session.get(Proposal, payload.get("proposal_id") or 0)
    if proposal is None:
        return None
    link = _absolute("proposals.show_proposal", proposal_id=proposal.id)
    status = ProposalStatus(proposal.status).label
    return Draft(
        subject=_("Your proposal has an answer: %(status)s", status=status),
        paragraphs=[
            _("The municipality answered your proposal \"%(title)s\": %(status)s.",
              title=proposal.title, status=status),
            proposal.answer_text or "",
        ],
        link=link,
        link_label=_("Read the answer"),
        sms=_("Jiwar: your proposal \"%(title)s\" has an answer: %(status)s. %(link)s"),
        values={"title": proposal.title, "status": status, "link": link},
        shrinkable=("title",),
        shared_sms=_("Jiwar: your proposal has an answer. Sign in or ask at the desk to read it."),
    )


def _comment_reply(payload, user, language):
    proposal = db.session.get(Proposal, payload.get("proposal_id") or 0)
    comment = db.session.get(Comment, payload.get("comment_id") or 0)
    if proposal is None or comment is None or comment.is_hidden:
        return None
    link = _absolute("proposals.show_proposal", proposal_id=proposal.id)
    author = comment.author.display_name if comment.author and not comment.author.is_deleted else _("Someone")
    return Draft(
        subject=_("A reply to your comment on \"%(title)s\"", title=proposal.title),
        paragraphs=[
            _("%(name)s replied to your comment on \"%(title)s\".", name=author, title=proposal.title),
        ],
        link=link,
        link_label=_("Read the reply"),
        sms=_("Jiwar: %(name)s replied to your comment on \"%(title)s\". %(link)s"),
        values={"name": author, "title": proposal.title, "link": link},
        shrinkable=("title", "name"),
        shared_sms=_("Jiwar: someone replied to your comment. Sign in to read it."),
    )


def _card_link_requested(payload, user, language):
    link = _absolute("events.my_events")
    return Draft(
        subject=_("A participant card to link to your account"),
        paragraphs=[_("The information desk asked to link a participant card to your account. "
                      "Sign in to accept or refuse.")],
        link=link,
        link_label=_("Sign in"),
        sms=_("Jiwar: the desk asked to link a participant card to your account. Sign in: %(link)s"),
        values={"link": link},
    )


def _sign_up_code(payload, user, language):
    code = payload.get("code", "")
    link = payload.get("link", "")
    hours = payload.get("hours", 48)
    return Draft(
        subject=_("Confirm your Jiwar account"),
        paragraphs=[
            _("Welcome to Jiwar. Open the link below to confirm your account, or type this code on the "
              "confirmation page: %(code)s", code=code),
            _("Without confirmation the account is erased after %(hours)s hours.", hours=hours),
            _("If you did not create an account, ignore this message."),
        ],
        link=link,
        link_label=_("Confirm my account"),
        sms=_("Jiwar: your code is %(code)s. It confirms your new account."),
        values={"code": code},
    )


def _sign_up_attempt(payload, user, language):
    link = payload.get("forgot_password_link") or _absolute("accounts.forgot_password")
    return Draft(
        subject=_("Someone tried to create an account with your address"),
        paragraphs=[
            _("Someone tried to create a Jiwar account with your email address or phone number. "
              "You already have one: nothing was created."),
            _("If it was you and you forgot your password, ask for a new one."),
        ],
        link=link,
        link_label=_("Forgot your password?"),
        sms=_("Jiwar: someone tried to sign up with your number. You already have an account. "
              "Password forgotten? %(link)s"),
        values={"link": link},
    )


def _password_reset(payload, user, language):
    link = payload.get("link", "")
    hours = payload.get("hours", 48)
    return Draft(
        subject=_("Your link to choose a new password"),
        paragraphs=[
            _("Open this link to choose a new Jiwar password. It works once, for %(hours)s hours.",
              hours=hours),
            _("If you did not ask for it, ignore this message: your password stays."),
        ],
        link=link,
        link_label=_("Choose a new password"),
        sms=_("Jiwar: your link for a new password (once, %(hours)s h): %(link)s"),
        values={"link": link, "hours": str(hours)},
    )


def _desk_reset_link_given(payload, user, language):
    desk = payload.get("municipality") or ""
    return Draft(
        subject=_("A password link was given at the information desk"),
        paragraphs=[
            _("A link to choose a new password for your account was given at the information desk "
              "%(desk)s.", desk=desk),
            _("If it was not you, tell the desk or an administrator at once."),
        ],
        sms=_("Jiwar: a password link for your account was given at the desk %(desk)s. "
              "Not you? Tell the desk."),
        values={"desk": desk},
        shrinkable=("desk",),
    )


BUILDERS = {
    "registration_confirmed": _registration_confirmed,
    "registration_waiting": _registration_waiting,
    "registration_promoted": _registration_promoted,
    REMINDER_KIND: _event_reminder,
    "event_changed": _event_changed,
    "event_cancelled": _event_cancelled,
    "organiser_message": _organiser_message,
    "proposal_answered": _proposal_answered,
    "comment_reply": _comment_reply,
    "card_link_requested": _card_link_requested,
    "sign_up_code": _sign_up_code,
    "sign_up_attempt": _sign_up_attempt,
    "password_reset": _password_reset,
    "desk_reset_link_given": _desk_reset_link_given,
}
