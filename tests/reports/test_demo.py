"""The demo programmes: the targets of the programmes' own documents, seeded once."""

import sqlalchemy as sa

from app.accounts.demo import seed_accounts
from app.extensions import db
from app.programmes.models import Programme
from app.reports.demo import seed_programmes
from app.reports.models import Target


def test_demo_programmes_are_seeded_once_with_their_targets():
    accounts = seed_accounts([])
    lines: list[str] = []
    programmes = seed_programmes(accounts, lines)
    db.session.commit()
    assert set(programmes) == {"3h", "imigr"}
    assert programmes["3h"].name == "Initiative 3H — Oujda"
    assert programmes["imigr"].name == "I-MIGR — Raoued et La Marsa"
    assert sorted(m.slug for m in programmes["imigr"].municipalities) == ["la-marsa", "raoued"]
    goals = {(t.goal, t.share_value, t.share_min_percent) for t in programmes["3h"].targets}
    assert {(800, "woman", 50), (30, "woman", 35), (1000, None, None)} <= goals
    trained = next(t for t in programmes["imigr"].targets if t.min_sessions == 8)
    assert (trained.goal, trained.measure, trained.event_types) == (25, "people_min_sessions", "training")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Target))

    again = seed_programmes(seed_accounts([]), [])
    db.session.commit()
    assert again["3h"].id == programmes["3h"].id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Target)) == count
