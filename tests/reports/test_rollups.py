"""The programme roll-ups (app/reports/rollups.py) stay equal to what the attendances say, whatever
the door, an organiser or the person changes, and a whole programme's figures read from them
(app/reports/whole_programme.py) are the figures the attendance tally gives."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.events import services, tally
from app.events.models import Attendance, AttendanceTally, Event, EventType
from app.extensions import db
from app.privacy import personal_data as privacy
from app.reports import queries, rollups
from app.reports.models import (
    Measure,
    ProgrammeCell,
    ProgrammePerson,
)
from tests.concurrency import run_together
from tests.conftest import empty_all_tables
from tests.factories import (
    make_attendance,
    make_event,
    make_municipality,
    make_programme,
    make_registration,
    make_target,
    make_user,
)
from tests.factories.accounts import PASSWORD
from tests.reports.dataset import build_dataset, on

EVER = (date(1900, 1, 1), date(2100, 12, 31))  # a period: the reports then count from the tally


def assert_in_step() -> None:
    assert set(rollups.rows_off_a_rebuild().values()) == {0}


def cubes(filters: queries.ReportFilters) -> tuple[list, list]:
    people, attendances = queries.report_cubes(filters)
    return sorted(map(tuple, people), key=repr), sorted(map(tuple, attendances), key=repr)


def over_ever(filters: queries.ReportFilters) -> queries.ReportFilters:
    return queries.ReportFilters(**{**filters.__dict__, "date_from": EVER[0], "date_to": EVER[1]})


def assert_same_figures(programme, municipalities) -> None:
    everywhere = frozenset(municipality.id for municipality in municipalities)
    selections = [queries.ReportFilters(programme_id=programme.id),
                  queries.ReportFilters(scope=everywhere, programme_id=programme.id)]
    for municipality in municipalities:
        selections += [
            queries.ReportFilters(programme_id=programme.id, municipality_id=municipality.id),
            queries.ReportFilters(scope=frozenset({municipality.id}), programme_id=programme.id),
        ]
    for filters in selections:
        assert cubes(filters) == cubes(over_ever(filters)), filters
        assert sorted(queries.sex_age_rows(filters), key=repr) == sorted(
            queries.sex_age_rows(over_ever(filters)), key=repr), filters
    for target in programme.targets:
        assert queries.target_progress(target) == queries.target_progress(target, *EVER), target.title


TARGETS = [
    {"measure": Measure.PEOPLE},
    {"measure": Measure.PEOPLE, "share_dimension": "gender", "share_value": "woman"},
    {"measure": Measure.PEOPLE, "event_types": "awareness", "share_dimension": "origin",
     "share_value": "migrant"},
    {"measure": Measure.PEOPLE, "event_types": "awareness,training"},
    {"measure": Measure.PEOPLE, "age_max": 17, "share_dimension": "gender", "share_value": "woman"},
    {"measure": Measure.PEOPLE, "age_min": 15},
    {"measure": Measure.PEOPLE, "age_min": 15, "age_max": 24},
    {"measure": Measure.PEOPLE, "event_types": "training", "age_max": 17},
    {"measure": Measure.ATTENDANCES, "share_dimension": "gender", "share_value": "woman"},
    {"measure": Measure.ATTENDANCES, "event_types": "training"},
    {"measure": Measure.ATTENDANCES, "age_max": 14},
    # Read from the totals (ProgrammeCell): one type, whole bands, at least N sessions of one event.
    {"measure": Measure.PEOPLE, "event_types": "training", "age_max": 14, "share_dimension": "gender",
     "share_value": "woman"},
    {"measure": Measure.PEOPLE, "age_max": 24, "share_dimension": "origin", "share_value": "migrant"},
    {"measure": Measure.ATTENDANCES, "age_min": 15, "share_dimension": "gender", "share_value": "woman"},
    {"measure": Measure.ATTENDANCES, "event_types": "awareness", "age_min": 25, "age_max": 59},
    {"measure": Measure.PEOPLE_MIN_SESSIONS, "event_types": "training", "min_sessions": 2,
     "share_dimension": "gender", "share_value": "woman"},
    {"measure": Measure.PEOPLE_MIN_SESSIONS, "event_types": "awareness"},
    {"measure": Measure.PEOPLE_MIN_SESSIONS, "min_sessions": 2},
    # Walk-ins counted as people, and in an attendance target's share by what they told at the door.
    {"measure": Measure.PEOPLE, "walk_ins_as_people": True, "age_max": 24},
    {"measure": Measure.ATTENDANCES, "share_dimension": "origin", "share_value": "host", "age_min": 15},
]


def add_targets(programme) -> None:
    for position, fields in enumerate(TARGETS):
        make_target(programme, title=f"T{position}", position=position, **fields)
    db.session.refresh(programme)


@pytest.fixture
def data():
    dataset = build_dataset()
    add_targets(dataset.programme)
    return dataset


def test_the_hand_computed_data_set_reads_the_same_from_the_roll_ups(data):
    assert_in_step()
    assert_same_figures(data.programme, [data.oujda, data.la_marsa])
    summary = queries.target_progress(data.programme.targets[0])
    assert summary.reached == 5  # A, B, C, D and P: walk-ins are attendances only


def test_check_rollups_names_the_table_out_of_step_and_changes_nothing(app, data):
    def check():
        return app.test_cli_runner().invoke(args=["jiwar", "check-rollups"])

    result = check()
    assert result.exit_code == 0, result.output
    assert "The tally and the roll-ups are in step with the attendances." in result.output
    # One total drifts (as a hand edit or a bulk load that bypassed the app would leave it).
    one = db.session.scalars(sa.select(ProgrammeCell).where(ProgrammeCell.kind == "p")).first()
    one.count += 1
    db.session.commit()
    drifted = one.count
    result = check()
    assert result.exit_code == 1
    assert "programme_cell: 2 rows differ from a rebuild" in result.output  # the kept row, the right one
    assert "programme_person: 0 rows differ from a rebuild" in result.output
    assert "attendance_tally: 0 rows differ from a rebuild" in result.output
    db.session.refresh(one)
    assert one.count == drifted  # the check rebuilt nothing for good: rebuild-rollups is for that
    # The attendance tally the roll-ups follow is checked against the attendances themselves.
    moved = db.session.execute(sa.update(AttendanceTally).where(AttendanceTally.event_id == data.e1.id)
                               .values(sessions=AttendanceTally.sessions + 1)).rowcount
    db.session.commit()
    assert moved > 0
    assert f"attendance_tally: {2 * moved} rows differ from a rebuild" in check().output


def test_the_roll_ups_follow_the_door_organisers_and_people(data):
    programme, people, organiser = data.programme, data.people, data.organiser
    # A check-in undone, a named walk-in, an anonymous one.
    make_registration(data.e1, people["D"].participant)
    attendance = services.check_in(organiser, data.e1.sessions[0], people["D"].participant_id)
    assert_in_step()
    services.undo_check_in(organiser, data.e1.sessions[0], attendance.id)
    services.record_walk_in(organiser, data.e1.sessions[0], display_name="Moussa")
    services.record_walk_in(organiser, data.e1.sessions[0], gender="woman", age_band="0-14", origin="host")
    assert_in_step()
    # An anonymous walk-in recorded then undone.
    walk_in = services.record_walk_in(organiser, data.e1.sessions[0], gender="man", age_band="25-59",
                                      origin="migrant")
    assert_same_figures(programme, [data.oujda, data.la_marsa])
    services.undo_check_in(organiser, data.e1.sessions[0], walk_in.id)
    assert_in_step()
    # The door's tally: two taps, the origin one of them gave afterwards, the other undone.
    girl = services.count_walk_in(organiser, data.e1.sessions[0], "girls")
    man = services.count_walk_in(organiser, data.e1.sessions[0], "men")
    services.note_walk_in_origin(organiser, data.e1.sessions[0], girl.id, "migrant")
    assert_in_step()
    services.undo_counted_walk_in(organiser, data.e1.sessions[0], man.id)
    assert_in_step()
    assert_same_figures(programme, [data.oujda, data.la_marsa])
    # An event joins the programme, changes type and year; another leaves it.
    data.e3.programme_id = programme.id
    db.session.commit()
    assert_in_step()
    data.e2.event_type = EventType.WORKSHOP
    data.e1.starts_at = data.e1.starts_at + timedelta(days=365)
    db.session.commit()
    assert_in_step()
    assert_same_figures(programme, [data.oujda, data.la_marsa])
    # People change what the reports may say of them: an edit, a consent withdrawn, an erasure.
    people["A"].participant.gender = "man"
    people["B"].participant.consent_at = None
    db.session.commit()
    assert_in_step()
    privacy.delete_account(people["C"], PASSWORD)
    db.session.commit()
    assert_in_step()
    assert_same_figures(programme, [data.oujda, data.la_marsa])
    # A bulk re-assignment recounted by hand, as the desk does when a card joins an account.
    holder, account = people["D"].participant_id, make_user("Q", gender="woman").participant_id
    db.session.execute(sa.update(Attendance).where(Attendance.participant_id == holder)
                       .values(participant_id=account))
    tally.recount([holder, account])
    db.session.commit()
    assert_in_step()
    data.e2.programme_id = None
    db.session.commit()
    assert_in_step()
    assert_same_figures(programme, [data.oujda, data.la_marsa])
    db.session.delete(data.e1)
    db.session.commit()
    assert_in_step()


def test_a_change_of_consent_shows_at_once_in_the_whole_programme_report(data):
    before, _ = cubes(queries.ReportFilters(programme_id=data.programme.id))
    data.people["A"].participant.consent_at = None
    db.session.commit()
    after, _ = cubes(queries.ReportFilters(programme_id=data.programme.id))
    assert before != after
    assert sum(row[5] for row in after if row[0] == "woman") == sum(
        row[5] for row in before if row[0] == "woman"
    ) - 1


# -- any data set -----------------------------------------------------------------------------------

GENDERS = st.sampled_from(["woman", "man", None])
ORIGINS = st.sampled_from(["migrant", "host", None])
people_specs = st.lists(
    st.fixed_dictionaries({
        "gender": GENDERS,
        "origin": ORIGINS,
        "birth_year": st.one_of(st.none(), st.integers(1950, 2020)),
        "consent": st.booleans(),
    }),
    min_size=1, max_size=6,
)
event_specs = st.lists(
    st.tuples(
        st.booleans(),  # in the programme
        st.integers(0, 1),  # municipality
        st.sampled_from([EventType.AWARENESS, EventType.TRAINING]),
        st.sampled_from([2024, 2025, 2026]),
        st.integers(1, 2),  # sessions
    ),
    min_size=1, max_size=4,
)


attendance_specs = st.sets(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 1)), max_size=20)
# Anonymous walk-ins: event, session, and what they told at the door.
walk_in_specs = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1), GENDERS, ORIGINS,
              st.sampled_from(["0-14", "15-24", "25-59", "60+", None])),
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people_specs, events=event_specs, attended=attendance_specs, walk_ins=walk_in_specs)
def test_any_data_set_reads_the_same_from_the_roll_ups_and_the_tally(people, events, attended, walk_ins):
    db.session.remove()
    empty_all_tables()
    towns = [make_municipality("oujda"), make_municipality("la-marsa")]
    programme = make_programme(towns)
    consent = datetime(2024, 1, 1, tzinfo=UTC)
    users = [
        make_user(f"P{i}", email=f"p{i}@example.org", gender=spec["gender"], origin=spec["origin"],
                  birth_year=spec["birth_year"], country_code="MA",
                  consent_at=consent if spec["consent"] else None)
        for i, spec in enumerate(people)
    ]
    made = [
        make_event(towns[town], event_type=kind, sessions=sessions,
                   programme_id=programme.id if inside else None,
                   starts_in=on(datetime(year, 5, 1, 9, tzinfo=UTC)))
        for inside, town, kind, year, sessions in events
    ]
    for person, event, session in attended:
        if person < len(users) and event < len(made) and session < len(made[event].sessions):
            make_attendance(made[event].sessions[session], users[person].participant)
    for event, session, gender, origin, band in walk_ins:
        if event < len(made) and session < len(made[event].sessions):
            make_attendance(made[event].sessions[session], anonymous_gender=gender, anonymous_origin=origin,
                            anonymous_age_band=band)
    add_targets(programme)
    assert_in_step()
    assert_same_figures(programme, towns)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == len(made)


@pytest.mark.postgres_only
def test_door_phones_checking_people_in_at_once_keep_the_roll_ups_right(app, data):
    """Two phones per session, each checking the same people into a programme's sessions at once."""
    from app.accounts.models import User
    from app.events.models import EventSession

    event = make_event(data.oujda, sessions=3, programme_id=data.programme.id, starts_in=timedelta(days=-3))
    people = [data.people[name].participant_id for name in ("A", "B", "D")]
    for name in ("A", "B", "D"):
        make_registration(event, data.people[name].participant)
    sessions, actor = [session.id for session in event.sessions], data.organiser.id
    db.session.commit()

    def door(session_id, person):
        def call():
            services.check_in(db.session.get(User, actor), db.session.get(EventSession, session_id), person)
        return call

    calls = [door(session, person) for session in sessions for person in people] * 2
    assert run_together(app, calls) == []
    assert_in_step()
    row = db.session.get(ProgrammePerson, (data.programme.id, people[0]))
    assert row.sessions_adult == 3 + 3 + 1  # E2's three sessions, the new event's three, E1


def test_an_organiser_of_several_towns_sees_only_their_towns_part_of_a_programme(data):
    nador = make_municipality("nador")
    data.e3.programme_id = data.programme.id  # La Marsa's workshop joins the programme
    db.session.commit()

    def seen_by(*towns):
        scope = frozenset(town.id for town in towns)
        return cubes(queries.ReportFilters(scope=scope, programme_id=data.programme.id))

    whole = cubes(queries.ReportFilters(programme_id=data.programme.id))
    assert seen_by(data.oujda, nador) == seen_by(data.oujda) != seen_by(data.oujda, data.la_marsa)
    assert seen_by(data.oujda, data.la_marsa, nador) == whole


@pytest.mark.postgres_only
def test_walk_ins_counted_while_an_event_joins_and_leaves_a_second_programme_keep_the_totals_right(app, data):
    """Door phones tally walk-ins and check registered people in at an event while an administrator
    attaches it to a second programme and detaches it again: nobody is counted in both programmes
    or in neither."""
    from app.accounts.models import User
    from app.events.models import EventSession
    from app.reports import services as programme_services
    from app.reports.models import Programme
    from tests.factories import make_admin

    event = make_event(data.oujda, sessions=1, programme_id=data.programme.id, starts_in=timedelta(hours=1))
    second = make_programme([data.oujda], name="Programme UE")
    admin, organiser, session = make_admin().id, data.organiser.id, event.sessions[0].id
    people = {name: data.people[name].participant_id for name in ("A", "B", "C", "D")}
    for name in people:
        make_registration(event, data.people[name].participant)
    db.session.commit()

    def check_in(name):
        def call():
            door = db.session.get(EventSession, session)
            services.check_in(db.session.get(User, organiser), door, people[name])
        return call

    def tally(group):
        def call():
            door = db.session.get(EventSession, session)
            services.count_walk_in(db.session.get(User, organiser), door, group)
        return call

    def link(action):
        def call():
            change = getattr(programme_services, action)
            change(db.session.get(User, admin), db.session.get(Programme, second.id), "event", event.id)
        return call

    arrivals = {"attach": [check_in("A"), check_in("B")], "detach": [check_in("C"), check_in("D")]}
    for action in ("attach", "detach"):
        taps = [tally(group) for group in ("women", "men", "girls", "boys") * 2]
        assert run_together(app, [*taps, *arrivals[action], link(action)]) == []
        assert_in_step()
