"""The account holder's side of a card link: the desk asked, only they decide."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.events import queries, services
from app.events.errors import EventError
from app.events.forms import ConfirmLinkForm
from app.events.views import bp
from app.events.views.loaders import personal, refused


def get_link_request_or_404(request_id: int):
    """A request waiting for this account holder; anyone else's, decided or expired: 404."""
    link_request = queries.open_link_request(current_user.id, request_id)
    if link_request is None:
        abort(404)
    return link_request


@bp.get("/me/card-links/<int:request_id>")
@login_required
def card_link_request(request_id: int):
    link_request = get_link_request_or_404(request_id)
    return _request_page(link_request, ConfirmLinkForm())


def _request_page(link_request, form, status: int = 200):
    return personal(
        make_response(
            render_template(
                "events/card_link_request.html",
                link_request=link_request,
                moving=services.what_would_move(link_request),
                own_answers=current_user.participant.has_consented,
                answer_labels=_answer_labels(),
                form=form,
            ),
            status,
        )
    )


def _answer_labels() -> dict[str, str]:
    return {
        "gender": _("Gender"),
        "birth_year": _("Year of birth"),
        "origin": _("Origin"),
        "country_code": _("Country of origin"),
    }


@bp.post("/me/card-links/<int:request_id>/confirm")
@login_required
def confirm_card_link(request_id: int):
    link_request = get_link_request_or_404(request_id)
    form = ConfirmLinkForm()
    if not form.validate():
        return _request_page(link_request, form, 400)
    try:
        services.confirm_card_link(current_user._get_current_object(), link_request.id,
                                   move_answers=form.move_answers.data)
    except EventError as error:
        return refused(error, url_for("events.card_link_request", request_id=request_id))
    flash(_("The card is linked to your account: its registrations and attendances are yours."), "success")
    return redirect(url_for("events.my_events"), code=303)


@bp.post("/me/card-links/<int:request_id>/decline")
@login_required
def decline_card_link(request_id: int):
    link_request = get_link_request_or_404(request_id)
    form = ConfirmLinkForm()
    if not form.validate():
        return _request_page(link_request, form, 400)
    services.decline_card_link(current_user._get_current_object(), link_request.id)
    flash(_("Declined: nothing was linked to your account."), "success")
    return redirect(url_for("events.my_events"), code=303)
