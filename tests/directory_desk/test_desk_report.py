"""The desk's report and targets: visits and referrals by gender x origin x age band under the same
disclosure control as attendances; people referred and referrals completed, with share targets."""

import sqlalchemy as sa

from app.core.time import utcnow
from app.directory.visit_services import VisitData, record_visit, set_referral_outcome
from app.directory.visits import DeskVisit, Referral
from app.extensions import db
from app.reports.cellkey import Figure
from app.reports.desk_visits import desk_tables
from app.reports.models import Measure
from app.reports.progress import target_progress
from tests.conftest import sign_in_as
from tests.directory_desk.test_visits import make_service
from tests.factories.events import make_card_holder
from tests.factories.reports import make_programme, make_target

THRESHOLD = 5


def _visits(app, organiser, municipality, services, count, **answers):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        return [
            record_visit(
                organiser,
                VisitData(municipality.id, ["health"], [s.id for s in services], **answers),
            )
            for _ in range(count)
        ]


def _row(table, label):
    """(label, one figure per age band, row total) of a table's row."""
    key = next(key for key, text in table.row_labels if text == label)
    return label, [table.cells[(key, band)] for band, _text in table.column_labels], table.row_totals[key]


def test_small_groups_are_hidden_and_others_perturbed_like_attendances(app, client, oujda, organiser):
    health = make_service(oujda)
    _visits(app, organiser, oujda, [health], 2, gender="man", age_band="15-24", origin="migrant")
    _visits(app, organiser, oujda, [health], 12, gender="woman", age_band="25-59", origin="migrant")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        visits, referrals = desk_tables(None, THRESHOLD, False, "en")
        women = _row(visits, "Woman, Migrant")
        men = _row(visits, "Man, Migrant")
    assert men[2].hidden  # 2 young men: "< 5", never a number
    assert men[1][1].hidden
    assert not women[1][2].hidden and abs(women[1][2].value - 12) <= 2
    # The same people give the same figure in both tables (one referral each) and on every reading.
    keys = db.session.scalar(
        sa.select(sa.func.sum(DeskVisit.record_key)).where(DeskVisit.anonymous_gender == "woman")
    )
    assert women[2] == Figure.of(12, keys, THRESHOLD, False) == _row(referrals, "Woman, Migrant")[2]
    sign_in_as(client, organiser)
    page = client.get("/reports/desk").get_data(as_text=True)
    assert "&lt; 5" in page and "Desk visits: gender and origin × age band" in page


def test_a_linked_visit_counts_with_the_card_holders_answers_only_with_consent(app, oujda, organiser):
    health = make_service(oujda)
    consenting = [
        make_card_holder(
            f"P{n}",
            municipality=oujda,
            gender="woman",
            origin="refugee",
            birth_year=1990,
            consent_at=utcnow(),
        )
        for n in range(6)
    ]
    silent = [
        make_card_holder(f"S{n}", municipality=oujda, gender="woman", origin="refugee", birth_year=1990)
        for n in range(6)
    ]
    for person in consenting + silent:
        _visits(app, organiser, oujda, [health], 1, card_code=person.cards[0].code)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        visits, _referrals = desk_tables(None, THRESHOLD, True, "en")
    assert _row(visits, "Woman, Refugee or asylum seeker")[1][2] == Figure(6)  # 25 to 59 in the visit's year
    assert _row(visits, "Not recorded, Not recorded")[2] == Figure(6)


def test_targets_people_referred_and_referrals_completed_with_a_share_of_women(
    app, oujda, la_marsa, organiser
):
    health, lawyer = make_service(oujda), make_service(oujda, "Permanence juridique")
    women = _visits(app, organiser, oujda, [health, lawyer], 6, gender="woman")
    _visits(app, organiser, oujda, [health], 4, gender="man")
    programme = make_programme([oujda])
    referred = make_target(
        programme,
        measure=Measure.PEOPLE_REFERRED,
        goal=20,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    completed = make_target(
        programme,
        measure=Measure.REFERRALS_COMPLETED,
        goal=10,
        share_dimension="gender",
        share_value="woman",
        share_min_percent=50,
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        for visit in women[:5]:
            set_referral_outcome(organiser, visit.referrals[0].id, "reached")
        set_referral_outcome(organiser, women[5].referrals[0].id, "refused")
        other_programme = make_programme([la_marsa], name="I-MIGR")
        elsewhere = make_target(other_programme, measure=Measure.PEOPLE_REFERRED, goal=5)
        exact = {item.target.id: item for item in target_progress(programme, True, THRESHOLD)}
        assert target_progress(other_programme, True, THRESHOLD)[0].reached == Figure(0)
        protected = {item.target.id: item for item in target_progress(programme, False, THRESHOLD)}
    assert exact[referred.id].reached == Figure(10) and exact[referred.id].share == Figure(6)
    assert exact[referred.id].share_percent == 60 and exact[referred.id].share_holds
    assert exact[completed.id].reached == Figure(5) and exact[completed.id].share == Figure(5)
    assert abs(protected[referred.id].reached.value - 10) <= 2
    assert elsewhere.goal == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 16
