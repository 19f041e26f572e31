"""Reports with their filters, the CSV and XLSX exports of each table, and the donor report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from flask import abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.core.htmx import is_htmx_fragment_request, render_page_or_fragment
from app.core.i18n import current_language, text_direction
from app.events.models import EventType
from app.reports import exports, permissions, queries, services
from app.reports.breakdowns import (
    DEFAULT_CROSS,
    DIMENSION_TITLES,
    DIMENSIONS,
    TABLES,
    cross_rows,
    hidden_text,
    table_rows,
)
from app.reports.forms import PeriodForm, ReportFilterForm, options
from app.reports.progress import target_progress, targets_sheet
from app.reports.protected import disclosure_threshold, protected_report, protected_sex_age
from app.reports.views import bp, get_programme_or_404, no_store, wants_exact_figures

# -- reports ----------------------------------------------------------------------------------------


def _report_form() -> tuple[ReportFilterForm, queries.ReportFilters | None, int | None]:
    """The filters' form with its choices, the filters if they are valid, and how many events the
    event list shows if it leaves older ones out (its hint then says how to reach them)."""
    form = ReportFilterForm(request.args)
    language = current_language()
    everything = [("", _("All"))]
    form.programme.choices = options(
        everything + [(str(i), name) for i, name in queries.programme_choices(current_user)]
    )
    form.municipality.choices = options(
        everything + [(str(m.id), m.name(language)) for m in queries.municipality_choices(current_user)]
    )
    form.event_type.choices = options(
        everything + [(value, str(label)) for value, label in EventType.choices()]
    )
    narrowing = _narrowing(form)
    events = queries.event_choices(narrowing, language, chosen=_listed_number(form.event))
    form.event.choices = options(everything + [(str(i), label) for i, label in events.choices])
    event_list_cut_at = queries.REPORT_EVENT_CHOICES if events.more else None
    dimensions = [(d, str(DIMENSION_TITLES[d])) for d in DIMENSIONS]
    form.rows.choices = options(dimensions)
    form.columns.choices = options(dimensions)
    if not form.validate():
        return form, None, event_list_cut_at
    return form, replace(narrowing, event_id=_listed_number(form.event)), event_list_cut_at


def _listed(field) -> str | None:
    """The field's value if it is one of its choices (or, with no choices set yet, whatever it is):
    the form itself says what is wrong with the rest."""
    value = field.data or ""
    if not value or (field.choices is not None and value not in {str(c.value) for c in field.choices}):
        return None
    return value


def _listed_number(field) -> int | None:
    value = _listed(field)
    return int(value) if value is not None and value.isdigit() and len(value) <= 18 else None


def _narrowing(form: ReportFilterForm) -> queries.ReportFilters:
    """The filters above the event's, as far as they are valid: the event list shows the events they
    leave (with htmx the whole form comes back at each change, so it follows them), and once the
    whole form is valid the report counts them with the chosen event."""
    return queries.ReportFilters(
        scope=queries.organiser_scope(current_user),
        programme_id=_listed_number(form.programme),
        municipality_id=_listed_number(form.municipality),
        event_type=_listed(form.event_type),
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def _cross(form: ReportFilterForm | None) -> tuple[str, str]:
    if form is None:
        return DEFAULT_CROSS
    return (form.rows.data or DEFAULT_CROSS[0], form.columns.data or DEFAULT_CROSS[1])


def _filter_details(filters: queries.ReportFilters) -> dict:
    return {
        "programme_id": filters.programme_id,
        "municipality_id": filters.municipality_id,
        "event_type": filters.event_type,
        "event_id": filters.event_id,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }


@bp.get("/reports")
@login_required
def show_report():
    if not permissions.can_view_reports(current_user):
        abort(403)
    form, filters, event_list_cut_at = _report_form()
    exact = wants_exact_figures()
    can_see_exact = permissions.can_see_exact_figures(current_user)
    query = {key: value for key, value in request.args.items() if key != "exact" and value}
    report = figures_html = None
    if filters is not None:
        if exact:
            services.record_exact_view(current_user, "report", **_filter_details(filters))
        cross = _cross(form)
        report = protected_report(filters, exact, cross)
        figures_html = Markup(  # noqa: S704 - our own rendered template
            render_template(
                "reports/_figures.html",
                report=report,
                sex_age=protected_sex_age(filters, exact),
                exact=exact,
                query=query,
                hidden_text=hidden_text(disclosure_threshold()),
                can_see_exact=can_see_exact,
            )
        )
    # htmx swaps only 2xx answers: the fragment with the filters' errors comes back as 200, the
    # page without JavaScript as 422.
    status = 200 if report is not None or is_htmx_fragment_request() else 422
    response = render_page_or_fragment(
        "reports/report.html", "reports/_report.html", status=status, form=form, report=report,
        figures_html=figures_html, exact=exact, event_list_cut_at=event_list_cut_at,
    )
    return no_store(response)


EXPORT_TABLES = (*TABLES, "sex_age")


def _sex_age_rows(filters: queries.ReportFilters, exact: bool, age_bands: str | None = None) -> list[list]:
    rows: list[list] = []
    for crossed in protected_sex_age(filters, exact, age_bands).tables:
        rows += [*cross_rows(crossed), []]
    return rows[:-1]


def _export_table(filters: queries.ReportFilters, exact: bool, cross, table: str) -> tuple[str, list[list]]:
    if table == "sex_age":
        return _("Sex and age"), _sex_age_rows(filters, exact)
    return table_rows(protected_report(filters, exact, cross), table)


def _preamble(title: str, asked: list[str], exact: bool) -> list[str]:
    """The lines on top of each sheet: what the file is, what was asked, when, what marks mean."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    return [
        title,
        *asked,
        _("Generated on %(moment)s (UTC)", moment=generated),
        *exports.legend(disclosure_threshold(), exact),
    ]


def _asked(form: ReportFilterForm) -> list[str]:
    """The report's filters as a reader of the file reads them ("Programme: Initiative 3H")."""
    lines = []
    for field in (form.programme, form.municipality, form.event_type, form.event):
        labels = {str(choice.value): choice.label for choice in field.choices}
        if field.data:
            lines.append(f"{field.label.text}: {labels.get(field.data, field.data)}")
    for field in (form.date_from, form.date_to):
        if field.data:
            lines.append(f"{field.label.text}: {field.data.isoformat()}")
    return lines or [_("All the programmes and municipalities you can see")]


def _download(content: bytes, filename: str, mimetype: str):
    response = make_response(content)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


@bp.get("/reports/export/<table>.<fmt>")
@login_required
def export_report(table: str, fmt: str):
    if not permissions.can_view_reports(current_user):
        abort(403)
    if table not in EXPORT_TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    form, filters, event_list_cut_at = _report_form()
    if filters is None:  # the report's own page says what is wrong with the filters
        return no_store(render_page_or_fragment(
            "reports/report.html", "reports/_report.html", status=422, form=form, report=None,
            figures_html=None, exact=wants_exact_figures(), event_list_cut_at=event_list_cut_at,
        ))
    exact = wants_exact_figures()
    if exact:
        services.record_exact_view(current_user, f"export:{table}.{fmt}", **_filter_details(filters))
    title, rows = _export_table(filters, exact, _cross(form), table)
    name = f"jiwar-{table}{'-exact' if exact else ''}-{date.today().isoformat()}.{fmt}"
    hidden = hidden_text(disclosure_threshold())
    if fmt == "csv":
        return _download(exports.to_csv(rows, hidden), name, "text/csv; charset=utf-8")
    rtl = text_direction(current_language()) == "rtl"
    preamble = _preamble(_("Jiwar participation report"), _asked(form), exact)
    content = exports.to_xlsx([(title, rows)], rtl=rtl, preamble=preamble, hidden=hidden)
    return _download(content, name, exports.XLSX_TYPE)


@bp.get("/programmes/<int:programme_id>/donor-report.xlsx")
@login_required
def donor_report(programme_id: int):
    programme = get_programme_or_404(programme_id)
    if not permissions.can_download_donor_report(current_user, programme):
        abort(403)
    period = PeriodForm(request.args)
    if not period.validate():
        return no_store(make_response(
            render_template("reports/donor_report_refused.html", programme=programme, period_form=period,
                            exact=wants_exact_figures()),
            422,
        ))
    date_from = period.date_from.data or programme.starts_on
    date_to = period.date_to.data or programme.ends_on
    exact = wants_exact_figures()
    if exact:
        services.record_exact_view(
            current_user, "donor_report", programme, date_from=date_from, date_to=date_to
        )
    threshold = disclosure_threshold()
    # The whole programme, as the funder reads it: a donor report is for a programme, not a town.
    filters = queries.ReportFilters(programme_id=programme.id, date_from=date_from, date_to=date_to)
    report = protected_report(filters, exact)
    asked = [
        programme.name,
        _("From %(start)s to %(end)s", start=date_from.isoformat(), end=date_to.isoformat()),
    ]
    sheets = [(_("Targets"), targets_sheet(target_progress(programme, exact, threshold, date_from, date_to)))]
    sheets += [table_rows(report, table) for table in TABLES]
    sheets.append((_("Sex and age"), _sex_age_rows(filters, exact, programme.age_bands)))
    name = f"jiwar-donor-report-{programme.id}-{date_from.isoformat()}-{date_to.isoformat()}.xlsx"
    rtl = text_direction(current_language()) == "rtl"
    preamble = _preamble(_("Donor report"), asked, exact)
    content = exports.to_xlsx(sheets, rtl=rtl, preamble=preamble, hidden=hidden_text(threshold))
    return _download(content, name, exports.XLSX_TYPE)
