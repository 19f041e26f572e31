"""Reports resist differencing (cell key perturbation, app/reports/cellkey.py).

A reader who knows the public ptable reads each published figure as the set of true counts it may
stand for (`possible_counts`). A group of people is *pinned* when some published figures, read that
way, leave exactly one possible size for it, and that size is 1..k-1: the group is what one
selection counts beyond one or two others inside it (a pair: S1 ⊇ S2, the group S1 - S2; a
triple: S1 ⊇ S2 ∪ S3 with S2 and S3 apart, the group S1 - S2 - S3), so its size is at least 0.
With exact figures, any two reports whose selections differ by a few people pin them.
Not covered, and said in the README: a group whose own "< k" is shown as well can be narrowed to
exactly 1 or k-1 when two figures' noise falls at opposite ends (about one pair in a hundred).
"""

import re
from datetime import UTC, date, datetime
from itertools import permutations, product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts.models import Participant
from app.events.models import Attendance, EventType
from app.events.services import desk, door
from app.extensions import db
from app.reports import queries
from app.reports.breakdowns import build_report, hidden_text, shown
from app.reports.cellkey import KEYS, MAX_NOISE, ptable, ptable_row
from app.reports.models import Measure
from tests.conftest import empty_all_tables, sign_in_as
from tests.factories import (
    make_attendance,
    make_event,
    make_municipality,
    make_organiser,
    make_programme,
    make_target,
    make_user,
)
from tests.reports.dataset import CONSENT, build_dataset, on
from tests.reports.html import report_cells
from tests.reports.sheets import shown as sheet_shown
from tests.reports.test_exports import read_csv, workbook

K = 5
HIDDEN = "< 5"


def possible_counts(text) -> set[int]:
    """The true counts behind a published figure, for a reader who knows the ptable."""
    if text in ("0", 0):
        return {0}
    if text == HIDDEN:
        return set(range(1, K))
    value, table = int(text), ptable(K)
    return {
        count
        for count in range(K, value + 2 * MAX_NOISE + 1)
        if value - count in table[ptable_row(count, K)]
    }


def possible_sizes(whole, parts) -> set[int]:
    """The sizes of what `whole` counts beyond `parts` (inside it, apart from one another)."""
    sizes = set()
    for total in possible_counts(whole):
        for counts in product(*(possible_counts(part) for part in parts)):
            if total - sum(counts) >= 0:
                sizes.add(total - sum(counts))
    return sizes


def pinned(whole, parts) -> bool:
    sizes = possible_sizes(whole, parts)
    return len(sizes) == 1 and 1 <= min(sizes) < K


# -- the ptable -------------------------------------------------------------------------------------


def test_the_ptable_never_publishes_a_number_below_k_and_always_leaves_several_counts():
    table = ptable(K)
    assert set(table) == {K, K + 1, K + 2} and all(len(row) == KEYS for row in table.values())
    for count in range(K, 60):
        row = table[ptable_row(count, K)]
        assert min(count + p for p in row) >= K
        assert {max(-MAX_NOISE, K - count), MAX_NOISE} <= set(row)  # down to k, and up by 2
        assert len(possible_counts(count)) >= 3  # whatever is published, three counts or more
    assert sum(table[K + 2]) == 0  # far from k the noise has mean 0


def test_every_new_person_and_walk_in_gets_a_record_key(data):
    card = desk.create_card_holder(data.organiser, data.e1.municipality_id, "Awa")
    named = door.record_walk_in(data.organiser, data.e1.sessions[0], display_name="Moussa")
    anonymous = door.record_walk_in(
        data.organiser, data.e1.sessions[0], gender="woman", age_band="25-59", origin="migrant"
    )
    account = make_user("Sara")
    keys = [
        db.session.get(Participant, card.participant_id).record_key,
        db.session.get(Attendance, named.id).participant.record_key,
        db.session.get(Attendance, anonymous.id).record_key,
        account.participant.record_key,
    ]
    assert all(0 <= key < KEYS for key in keys)


# -- the two attacks ------------------------------------------------------------------------


@pytest.fixture
def data():
    return build_dataset()


def march(day: int) -> datetime:
    return datetime(2026, 3, day, 9, tzinfo=UTC)


def test_two_date_ranges_around_the_info_desk_day_do_not_single_out_three_women(client):
    """Twelve people at a workshop on 5 March, and on 20 March three migrant women at the
    information desk: 1-15 March and 1-25 March differ by exactly those three."""
    town = make_municipality("oujda")
    programme = make_programme([town])
    workshop = make_event(town, event_type=EventType.WORKSHOP, programme_id=programme.id,
                          starts_in=on(march(5)))
    desk_day = make_event(town, event_type=EventType.INFO_DESK, programme_id=programme.id,
                          starts_in=on(march(20)))
    for i in range(12):
        person = make_user(gender="woman" if i % 2 else "man", origin="migrant" if i % 3 else "host",
                           consent_at=CONSENT)
        make_attendance(workshop.sessions[0], person.participant)
    for _i in range(3):
        person = make_user(gender="woman", origin="migrant", consent_at=CONSENT)
        make_attendance(desk_day.sessions[0], person.participant)
    sign_in_as(client, make_organiser(town))

    def read(date_to: str) -> dict:
        query = f"programme={programme.id}&date_from=2026-03-01&date_to={date_to}"
        figures = {}
        for table in ("summary", "gender", "origin"):
            for row in read_csv(client.get(f"/reports/export/{table}.csv?{query}"))[1:]:
                figures[(table, row[0])] = row[1]  # distinct people
        return figures

    before, after = read("2026-03-15"), read("2026-03-25")
    for cell in (("summary", "Distinct people"), ("gender", "Woman"), ("origin", "Migrant"),
                 ("gender", "Total")):
        assert not pinned(after[cell], [before[cell]]), (cell, before[cell], after[cell])
        assert 3 in possible_sizes(after[cell], [before[cell]])  # the truth is among them
    assert after[("gender", "Man")] == before[("gender", "Man")]  # the same men: the same figure


def test_the_programme_and_the_programme_over_its_own_dates_do_not_give_the_women_away(client):
    """19 men and 3 women at the programme's March workshop; 6 women at an event of June 2025,
    attached to the programme but before its dates. Over its own dates the programme counts the
    3 women: the same 19 men must not be hidden in one view and shown in the other."""
    town = make_municipality("oujda")
    programme = make_programme([town], starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    workshop = make_event(town, programme_id=programme.id, starts_in=on(march(10)))
    earlier = make_event(town, programme_id=programme.id,
                         starts_in=on(datetime(2025, 6, 2, 9, tzinfo=UTC)))
    for gender, origin, event, count in (("man", "host", workshop, 19), ("woman", "migrant", workshop, 3),
                                         ("woman", "host", earlier, 6)):
        for _i in range(count):
            person = make_user(gender=gender, origin=origin, birth_year=1990, consent_at=CONSENT)
            make_attendance(event.sessions[0], person.participant)
    sign_in_as(client, make_organiser(town))

    def people_by_gender(query: str) -> dict:
        rows = read_csv(client.get(f"/reports/export/gender.csv?programme={programme.id}{query}"))
        return {row[0]: row[1] for row in rows[1:]}

    whole, own_dates = people_by_gender(""), people_by_gender("&date_from=2026-01-01&date_to=2026-12-31")
    assert own_dates["Woman"] == HIDDEN
    assert whole["Man"] == own_dates["Man"]  # the same 19 men
    # The women over the programme's dates are its total less its men, whichever view gives them.
    for men in (whole["Man"], own_dates["Man"]):
        assert not pinned(own_dates["Total"], [men])
        assert 3 in possible_sizes(own_dates["Total"], [men])


def test_equivalent_selections_show_the_same_figures(client):
    """Equivalent selections count the same people (the whole programme is read from its roll-ups,
    a period from the attendance tally): every table of every export is the same."""
    town = make_municipality("oujda")
    programme = make_programme([town], starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    events = [
        make_event(town, event_type=kind, programme_id=programme.id, starts_in=on(march(day)))
        for kind, day in ((EventType.AWARENESS, 3), (EventType.TRAINING, 10), (EventType.INFO_DESK, 17))
    ]
    specs = [("man", "host")] * 19 + [("woman", "migrant")] * 3 + [("woman", "host")] * 6
    specs += [("man", "refugee")] * 2 + [("woman", "refugee")] * 1
    for i, (gender, origin) in enumerate(specs):
        person = make_user(gender=gender, origin=origin, birth_year=1970 + i, consent_at=CONSENT)
        for event in events[: 1 + i % 3]:
            make_attendance(event.sessions[0], person.participant)
    make_attendance(events[2].sessions[0], anonymous_gender="man", anonymous_age_band="25-59",
                    anonymous_origin="host")
    sign_in_as(client, make_organiser(town))
    whole = f"programme={programme.id}"
    equivalents = [
        f"{whole}&date_from=2026-01-01&date_to=2026-12-31",
        f"{whole}&municipality={town.id}",
        f"{whole}&date_from=2026-03-01&date_to=2026-03-31",
    ]
    for table in ("summary", "gender", "origin", "age_band", "country", "crossed"):
        expected = read_csv(client.get(f"/reports/export/{table}.csv?{whole}"))
        for query in equivalents:
            assert read_csv(client.get(f"/reports/export/{table}.csv?{query}")) == expected, (table, query)
    men = {row[0]: row[1] for row in read_csv(client.get(f"/reports/export/gender.csv?{whole}"))}["Man"]
    assert men != HIDDEN and 19 + 2 in possible_counts(men)


# -- one group of people, one figure, wherever it is published --------------------------------------


def test_report_programme_page_csv_xlsx_and_donor_report_show_one_figure_per_group(client, data):
    """The programme over its own period counts E1 only: its people and attendances, and its women,
    are the same figures on the report page, its charts, its CSV and XLSX and in the donor report's
    sheets; the whole programme's are the same on the report page and on the public programme page."""
    make_target(data.programme, title="People", measure=Measure.PEOPLE, goal=100)
    make_target(data.programme, title="Attendances", measure=Measure.ATTENDANCES, goal=100,
                              share_dimension="gender", share_value="woman", share_min_percent=10)
    sign_in_as(client, data.organiser)
    query = f"programme={data.programme.id}&date_from=2026-01-01&date_to=2027-12-31"
    page = report_cells(client.get(f"/reports?{query}").get_data(as_text=True))
    csv_rows = {row[0]: row[1:] for row in read_csv(client.get(f"/reports/export/summary.csv?{query}"))}
    book = workbook(client.get(f"/reports/export/summary.xlsx?{query}"))
    xlsx_rows = sheet_shown(book.active)
    donor = workbook(client.get(f"/programmes/{data.programme.id}/donor-report.xlsx"))
    donor_rows = sheet_shown(donor["Summary"])
    targets = sheet_shown(donor["Targets"])
    programme_page = " ".join(client.get(f"/programmes/{data.programme.id}").text.split())
    html = client.get(f"/reports?programme={data.programme.id}").get_data(as_text=True)
    whole = report_cells(html)
    chart = html[html.index('id="chart-gender-title"'):]
    chart_texts = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', chart[: chart.index("</svg>")])

    shown_people = page[("table-summary", "summary", "people")]
    shown_attendances = page[("table-summary", "summary", "attendances")]
    assert shown_people == HIDDEN  # A, B, C and P at E1: four people
    assert shown_attendances != HIDDEN and 7 in possible_counts(shown_attendances)
    assert csv_rows["Distinct people"][0] == shown_people
    assert csv_rows["All attendances"][0] == shown_attendances
    assert xlsx_rows["Distinct people"][0] == shown_people
    assert str(xlsx_rows["All attendances"][0]) == shown_attendances
    assert str(donor_rows["All attendances"][0]) == shown_attendances
    assert targets["People"][2] == HIDDEN and str(targets["Attendances"][2]) == shown_attendances
    table = [whole[("table-gender", key, column)] for key in ("woman", "man", "undisclosed", "")
             for column in ("people", "attendances")]
    assert [text.replace("&lt;", "<") for text in chart_texts] == table
    assert 8 in possible_counts(table[1])  # the women's 8 attendances, perturbed alike in both
    assert f"{whole[('table-summary', 'summary', 'people')]} of 100" in programme_page
    assert f"{whole[('table-summary', 'summary', 'attendances')]} of 100" in programme_page
    assert targets["Attendances"][6] == HIDDEN  # the women's 3 attendances


# -- any data, any two or three selections ----------------------------------------------------------

# Groups of alike people: gender, origin, consent, the events they attended (a bit mask), how many.
people_specs = st.lists(
    st.tuples(st.sampled_from(["woman", "man"]), st.sampled_from(["migrant", "host"]), st.booleans(),
              st.integers(1, 15), st.integers(1, 8)),
    min_size=2, max_size=6,
)
event_specs = st.lists(
    st.tuples(st.integers(0, 1), st.sampled_from([EventType.AWARENESS, EventType.INFO_DESK]),
              st.integers(1, 28), st.booleans()),
    min_size=2, max_size=4,
)
filter_specs = st.fixed_dictionaries({
    "programme": st.booleans(),
    "event": st.one_of(st.none(), st.integers(0, 3)),
    "event_type": st.one_of(st.none(), st.sampled_from([EventType.AWARENESS, EventType.INFO_DESK])),
    "town": st.one_of(st.none(), st.integers(0, 1)),
    "days": st.one_of(st.none(), st.tuples(st.integers(1, 28), st.integers(1, 28)).map(sorted)),
})


def _selected(spec, events) -> list[int]:
    """The events a selection takes, worked out in Python from what the data set was made of."""
    chosen = []
    for index, (town, kind, day, inside) in enumerate(events):
        if spec["programme"] and not inside:
            continue
        if spec["event"] is not None and spec["event"] != index:
            continue
        if spec["event_type"] and spec["event_type"] != kind:
            continue
        if spec["town"] is not None and spec["town"] != town:
            continue
        if spec["days"] and not spec["days"][0] <= day <= spec["days"][1]:
            continue
        chosen.append(index)
    return chosen


def _filters(spec, made, towns, programme) -> queries.ReportFilters:
    event, days = spec["event"], spec["days"]
    event_id = None
    if event is not None:
        event_id = made[event].id if event < len(made) else -1  # an event that does not exist: nothing
    return queries.ReportFilters(
        programme_id=programme.id if spec["programme"] else None,
        event_id=event_id,
        event_type=spec["event_type"],
        municipality_id=towns[spec["town"]].id if spec["town"] is not None else None,
        date_from=date(2026, 3, days[0]) if days else None,
        date_to=date(2026, 3, days[1]) if days else None,
    )


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(groups=people_specs, events=event_specs,
       walk_ins=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["woman", "man"])), max_size=8),
       seed=st.integers(0, 255), selections=st.lists(filter_specs, min_size=3, max_size=5))
def test_no_two_or_three_reports_pin_a_small_group(app, groups, events, walk_ins, seed, selections):
    """Random people, events, attendances and walk-ins; random selections by programme, event, kind
    of event, municipality and dates. For every cell (distinct people, all attendances, and both by
    gender and by origin): no pair or triple of selections pins the people (or attendances) one
    counts beyond the others, and two selections that count the same records publish the same."""
    db.session.remove()
    empty_all_tables()
    towns = [make_municipality("oujda"), make_municipality("la-marsa")]
    programme = make_programme(towns)
    people = [(gender, origin, consent, mask)
              for gender, origin, consent, mask, count in groups for _i in range(count)]
    keys = [(seed + 89 * i) % KEYS for i in range(len(people) + len(walk_ins))]  # any keys will do
    users = [
        make_user(f"P{i}", email=f"p{i}@example.org", gender=gender, origin=origin,
                  consent_at=CONSENT if consent else None, record_key=keys[i])
        for i, (gender, origin, consent, _mask) in enumerate(people)
    ]
    made = [
        make_event(towns[town], event_type=kind, programme_id=programme.id if inside else None,
                   starts_in=on(march(day)))
        for town, kind, day, inside in events
    ]
    records = []  # (event index, attendance id, person index or None, gender, origin)
    for person, (gender, origin, consent, mask) in enumerate(people):
        for event in range(len(made)):
            if mask & (1 << event):
                attendance = make_attendance(made[event].sessions[0], users[person].participant)
                shown_as = (gender, origin) if consent else (None, None)
                records.append((event, attendance.id, person, *shown_as))
    for (event, gender), key in zip(walk_ins, keys[len(people):], strict=True):
        if event < len(made):
            attendance = make_attendance(made[event].sessions[0], anonymous_gender=gender,
                                         anonymous_age_band="25-59", anonymous_origin="host", record_key=key)
            records.append((event, attendance.id, None, gender, "host"))

    with app.test_request_context():
        published, populations = [], []
        for spec in selections:
            people_rows, attendance_rows = queries.report_cubes(_filters(spec, made, towns, programme))
            report = build_report(people_rows, attendance_rows, K, exact=False, locale="en")
            chosen = set(_selected(spec, events))
            mine = [record for record in records if record[0] in chosen]
            published.append(_published_cells(report))
            populations.append(_populations(mine))

    for cell in published[0]:
        for first, second in permutations(range(len(selections)), 2):
            whole, part = populations[first][cell], populations[second][cell]
            if whole == part:
                assert published[first][cell] == published[second][cell], cell
            elif part <= whole:
                assert not pinned(published[first][cell], [published[second][cell]]), cell
        for first, second, third in permutations(range(len(selections)), 3):
            whole = populations[first][cell]
            parts = [populations[second][cell], populations[third][cell]]
            if second < third and parts[0] <= whole and parts[1] <= whole and not parts[0] & parts[1]:
                figures = [published[second][cell], published[third][cell]]
                assert not pinned(published[first][cell], figures), cell


CELLS = [("people", None, None), ("attendances", None, None)] + [
    (measure, dimension, value)
    for measure in ("people", "attendances")
    for dimension, values in (("gender", ("woman", "man")), ("origin", ("migrant", "host")))
    for value in values
]


def _published_cells(report) -> dict:
    hide = hidden_text(K)
    cells = {}
    for measure, dimension, value in CELLS:
        if dimension is None:
            figure = report.summary[measure]
        else:
            rows = report.breakdown(dimension).rows
            figure = next(row.figures[measure] for row in rows if row.key == value)
        cells[(measure, dimension, value)] = str(shown(figure, hide))
    return cells


def _populations(records) -> dict:
    """The records each cell counts: people (by index) or attendances (by id)."""
    cells = {}
    for measure, dimension, value in CELLS:
        column = {"gender": 3, "origin": 4}.get(dimension)
        kept = [record for record in records if column is None or record[column] == value]
        if measure == "people":
            cells[(measure, dimension, value)] = frozenset(r[2] for r in kept if r[2] is not None)
        else:
            cells[(measure, dimension, value)] = frozenset(r[1] for r in kept)
    return cells
