"""A whole report's figures, one by one: each is published from its own count and cell key
(app/reports/cellkey.py), so a figure that appears in two tables (the women of the gender table are
the first row total of the gender x origin table) is the same in both, small ones show as "< k",
zero as zero, and every other figure is its count moved by at most 2, never below k."""

from collections import namedtuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.reports.breakdowns import DIMENSIONS, build_report
from app.reports.cellkey import Figure

PeopleRow = namedtuple("PeopleRow", "gender origin age_band country count key_sum")
AttendanceRow = namedtuple("AttendanceRow", "gender origin age_band country walk_in count key_sum")

genders = st.sampled_from(["woman", "man", None])
origins = st.sampled_from(["host", "migrant", "refugee", None])
bands = st.sampled_from(["0-14", "25-59", None])
countries = st.sampled_from(["MA", "CI", None])
counts = st.integers(1, 12)
key_sums = st.integers(0, 3000)
people_rows = st.lists(
    st.builds(PeopleRow, genders, origins, bands, countries, counts, key_sums), max_size=12
)
attendance_rows = st.lists(
    st.builds(AttendanceRow, genders, origins, bands, countries, st.booleans(), counts, key_sums), max_size=12
)
crosses = st.sampled_from([("gender", "origin"), ("age_band", "country"), ("origin", "age_band")])


def figures_and_relations(report):
    """Every published figure of the report under a key saying what it counts, and the sums that
    hold between them, read back from the tables as a reader would."""
    figures, relations = {}, []

    def put(key, figure):
        if key in figures:
            assert figures[key] == figure, f"{key} differs between two tables"
        figures[key] = figure

    for breakdown in report.breakdowns:
        d = breakdown.dimension
        for row in breakdown.rows:
            for column, figure in row.figures.items():
                put(("p", d, row.key) if column == "people" else ("a", d, row.key, column), figure)
        for column, figure in breakdown.total.figures.items():
            put(("p",) if column == "people" else ("a", column), figure)
        keys = [row.key for row in breakdown.rows]
        relations.append((("p",), [("p", d, k) for k in keys]))
        for column in ("registered", "walk_ins", "attendances"):
            relations.append((("a", column), [("a", d, k, column) for k in keys]))
        for k in keys:
            relations.append(
                (("a", d, k, "attendances"), [("a", d, k, "registered"), ("a", d, k, "walk_ins")])
            )
    relations.append((("a", "attendances"), [("a", "registered"), ("a", "walk_ins")]))
    across, down = report.cross
    for cross in report.crossed:
        m = "p" if cross.measure == "people" else "a"

        def margin(dimension, value, m=m):
            return ("p", dimension, value) if m == "p" else ("a", dimension, value, "attendances")

        rows = [key for key, _label in cross.row_labels]
        columns = [key for key, _label in cross.column_labels]
        for (r, c), figure in cross.cells.items():
            put((m, "x", r, c), figure)
        for r, figure in cross.row_totals.items():
            put(margin(across, r), figure)
        for c, figure in cross.column_totals.items():
            put(margin(down, c), figure)
        put(("p",) if m == "p" else ("a", "attendances"), cross.total)
        relations += [(margin(across, r), [(m, "x", r, c) for c in columns]) for r in rows]
        relations += [(margin(down, c), [(m, "x", r, c) for r in rows]) for c in columns]
    for key, figure in report.summary.items():
        put(("p",) if key == "people" else ("a", key), figure)
    return figures, relations


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people_rows, attendance_rows, crosses)
def test_every_figure_is_its_count_moved_by_its_own_cell_key(app, people, attendances, cross):
    with app.test_request_context():
        report = build_report(people, attendances, 5, exact=False, locale="en", cross=cross)
        exact = build_report(people, attendances, 5, exact=True, locale="en", cross=cross)
    figures, _relations = figures_and_relations(report)  # the same key gives the same figure
    counts, _relations = figures_and_relations(exact)
    for key, figure in figures.items():
        count = counts[key].value
        if count == 0:
            assert figure == Figure(0), key
        elif count < 5:
            assert figure == Figure(0, hidden=True), key
        else:
            assert not figure.hidden and figure.value >= 5 and abs(figure.value - count) <= 2, key


@settings(max_examples=50, deadline=None)
@given(people_rows, attendance_rows)
def test_exact_reports_hide_nothing(app, people, attendances):
    with app.test_request_context():
        report = build_report(people, attendances, 5, exact=True, locale="en")
    figures, _relations = figures_and_relations(report)
    assert not any(figure.hidden for figure in figures.values())
    assert set(DIMENSIONS) == {b.dimension for b in report.breakdowns}
