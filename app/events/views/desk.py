"""The information desk: participant cards for people without email, phone or papers."""

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.core.i18n import LANGUAGE_NAMES, current_language, speaking
from app.core.pagination import parse_page
from app.core.qr import qr_svg
from app.core.rate_limits import limit_creations
from app.core.time import utcnow
from app.events import queries, services
from app.events.errors import EventError
from app.events.forms import CardHolderForm, LinkAccountForm, RegisterCardHolderForm, select_choices
from app.events.views import bp
from app.events.views.loaders import get_card_holder_or_404, personal, refused, require_organiser


def _desk_page(form: CardHolderForm, status: int = 200):
    search = (request.args.get("q") or "").strip()[:80]
    page = queries.card_holders(current_user, search, parse_page(request.args.get("page")))
    _offer_municipalities(form)
    return personal(
        make_response(render_template("events/desk/desk.html", form=form, page=page, search=search), status)
    )


def _offer_municipalities(form: CardHolderForm) -> None:
    """The desks the organiser may issue a card for; with only one there is nothing to choose."""
    if form.municipality_id.choices:
        return
    municipalities = queries.managed_municipalities(current_user)
    form.municipality_id.choices = select_choices((m.id, m.name(_lang())) for m in municipalities)
    if form.municipality_id.data is None and len(municipalities) == 1:
        form.municipality_id.data = municipalities[0].id


@bp.get("/desk")
@login_required
def desk():
    require_organiser()
    return _desk_page(CardHolderForm(language=_lang()))


@bp.post("/desk/people")
@login_required
@limit_creations("JIWAR_DESK_LIMIT_PER_ACCOUNT", scope="desk")
def create_card_holder():
    require_organiser()
    form = CardHolderForm(language=_lang())
    _offer_municipalities(form)
    if not form.validate():
        return _desk_page(form, 422)
    try:
        card = services.create_card_holder(
            current_user,
            form.municipality_id.data,
            form.display_name.data,
            form.phone.data,
            consent=form.consent.data,
            gender=form.gender.data or None,
            birth_year=form.birth_year.data,
            origin=form.origin.data or None,
            country_code=form.country_code.data or None,
            phone_shared=form.phone_shared.data,
        )
    except EventError as error:
        form.show_refusal(error)
        return _desk_page(form, 422)
    flash(_("The card is ready: print it and hand it over."), "success")
    return redirect(url_for("events.card_holder", participant_id=card.participant_id), code=303)


def _holder_page(participant, link_form=None, register_form=None, status=200):
    register_form = register_form or RegisterCardHolderForm()
    events = queries.upcoming_managed_events(current_user)
    register_form.event_id.choices = select_choices((e.id, e.title(_lang())) for e in events)
    return personal(
        make_response(
            render_template(
                "events/desk/person.html",
                participant=participant,
                active_card=next((c for c in participant.cards if c.is_active), None),
                registrations=queries.participant_registrations(participant.id),
                link_form=link_form or LinkAccountForm(),
                register_form=register_form,
            ),
            status,
        )
    )


def _lang() -> str:
    return current_language()


@bp.get("/desk/people/<int:participant_id>")
@login_required
def card_holder(participant_id: int):
    return _holder_page(get_card_holder_or_404(participant_id))


@bp.get("/desk/people/<int:participant_id>/card")
@login_required
def print_card(participant_id: int):
    """The card printed in the holder's language (chosen on the page; else their account's, else the
    desk's): its words, and their next events with date and place, are theirs to read. The page
    around it, and its links, stay in the organiser's."""
    participant = get_card_holder_or_404(participant_id)
    language = _holder_language(participant)
    card = next((c for c in participant.cards if c.is_active), None)
    card_html = None
    if card is not None:
        upcoming = queries.upcoming_registrations(participant.id, utcnow())
        with speaking(language):
            qr = qr_svg(card.code, _("QR code of card %(code)s", code=card.code))
            card_html = Markup(  # noqa: S704 - our own rendered template
                render_template("events/desk/_card.html", participant=participant, card=card, qr=qr,
                                upcoming=upcoming, lang=language)
            )
    page = render_template("events/desk/card.html", participant=participant, card=card, card_html=card_html,
                           card_language=language)
    return personal(make_response(page))


def _holder_language(participant) -> str:
    chosen = request.args.get("language", "")
    if chosen in LANGUAGE_NAMES:
        return chosen
    account = participant.user
    if account is not None and account.preferred_locale in LANGUAGE_NAMES:
        return account.preferred_locale
    return current_language()


@bp.post("/desk/people/<int:participant_id>/reissue")
@login_required
def reissue_card(participant_id: int):
    participant = get_card_holder_or_404(participant_id)
    services.reissue_card(current_user, participant.id)
    flash(_("A new card is issued; the old code no longer works."), "success")
    return redirect(url_for("events.print_card", participant_id=participant.id), code=303)


@bp.post("/desk/people/<int:participant_id>/link")
@login_required
@limit_creations("JIWAR_DESK_LIMIT_PER_ACCOUNT", scope="desk")
def link_account(participant_id: int):
    participant = get_card_holder_or_404(participant_id)
    form = LinkAccountForm()
    try:
        services.request_card_link(current_user, participant.id, form.card_code.data, form.account.data)
    except EventError as error:
        getattr(form, error.field or "account").errors = [error.message]
        return _holder_page(get_card_holder_or_404(participant_id), link_form=form, status=422)
    # The same answer whether or not an account has this identifier: the desk learns nothing.
    flash(_("If an account has this email or phone, its holder will be asked to confirm."), "success")
    return redirect(url_for("events.card_holder", participant_id=participant.id), code=303)


@bp.post("/desk/people/<int:participant_id>/register")
@login_required
def register_card_holder(participant_id: int):
    participant = get_card_holder_or_404(participant_id)
    form = RegisterCardHolderForm()
    target = url_for("events.card_holder", participant_id=participant.id)
    try:
        registration = services.register_card_holder(current_user, participant.id, form.event_id.data)
    except EventError as error:
        return refused(error, target)
    if registration.is_confirmed:
        flash(_("Registered: the card is the ticket."), "success")
    else:
        flash(_("The event is full: this person is on the waiting list."), "success")
    return redirect(target, code=303)
