"""The desk's report: visits and referrals by gender x origin x age band, protected like attendances."""

from flask import abort, make_response, render_template
from flask_login import current_user, login_required

from app.core.i18n import current_language
from app.reports import desk_visits, permissions, queries
from app.reports.breakdowns import hidden_text
from app.reports.protected import disclosure_threshold
from app.reports.views import bp, no_store


@bp.get("/reports/desk")
@login_required
def desk_report():
    if not permissions.can_view_reports(current_user):
        abort(403)
    threshold = disclosure_threshold()
    tables = desk_visits.desk_tables(
        queries.organiser_scope(current_user), threshold, False, current_language()
    )
    body = render_template("reports/desk.html", tables=tables, hidden_text=hidden_text(threshold))
    return no_store(make_response(body))
