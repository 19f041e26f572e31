"""Benchmark of the proposals list (sorted by supports) and a proposal page at scale.

    python -m bench.proposals                      # SQLite file in instance/bench-proposals.sqlite3
    BENCH_DB=postgresql://... python -m bench.proposals

Builds 20,000 proposals and 1,000,000 supports (from 5,000 people) with bulk inserts, then times the
pages through the test client and counts their queries: the list reads the maintained support_count
through ix_proposal_by_supports and never counts rows.
"""

import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "20000"))
SUPPORTS = int(os.environ.get("BENCH_SUPPORTS", "1000000"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "5000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def _app():
    from config import TestConfig, database_url

    url = os.environ.get("BENCH_DB")
    if not url:
        path = Path(__file__).resolve().parent.parent / "instance" / "bench-proposals.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url(url)

    from app import create_app

    return create_app(BenchConfig)


def _build(db):
    import app.models as m
    from app.core.time import utcnow

    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=31)
    db.session.add(
        m.Municipality(
            slug="oujda",
            name_fr="Oujda",
            name_ar="وجدة",
            name_en="Oujda",
            country_code="MA",
            timezone="Africa/Casablanca",
        )
    )
    db.session.flush()
    call = m.ProposalCall(
        municipality_id=1,
        title="Bench",
        description="",
        submission_opens_at=start,
        submission_closes_at=start + timedelta(days=30),
        support_opens_at=start + timedelta(days=30),
        support_closes_at=start + timedelta(days=60),
        review_opens_at=start + timedelta(days=60),
        results_at=start + timedelta(days=90),
    )
    call.categories = [
        m.ProposalCategory(name=n, position=i) for i, n in enumerate(["A", "B", "C", "D", "E"])
    ]
    db.session.add(call)
    db.session.commit()
    conn = db.session.connection()
    naive = now  # the UTCDateTime columns take aware datetimes
    conn.execute(
        sa.insert(m.Participant), [{"display_name": f"P{i}", "created_at": naive} for i in range(PEOPLE)]
    )
    conn.execute(
        sa.insert(m.User),
        [
            {
                "email": f"p{i}@bench.example",
                "display_name": f"P{i}",
                "password_hash": "x",
                "is_admin": False,
                "is_disabled": False,
                "session_version": 1,
                "participant_id": i + 1,
                "created_at": naive,
            }
            for i in range(PEOPLE)
        ],
    )
    per = SUPPORTS // PROPOSALS
    conn.execute(
        sa.insert(m.Proposal),
        [
            {
                "call_id": call.id,
                "category_id": 1 + i % 5,
                "author_id": 1 + i % PEOPLE,
                "channel": "online",
                "title": f"Proposal {i}",
                "description": "x" * 200,
                "place": "",
                "status": "submitted",
                "answer_text": "",
                "support_count": per,
                "comment_count": 0,
                "is_hidden": False,
                "created_at": naive,
                "updated_at": naive,
            }
            for i in range(PROPOSALS)
        ],
    )
    batch = []
    for proposal_id in range(1, PROPOSALS + 1):
        for k in range(per):
            batch.append(
                {
                    "proposal_id": proposal_id,
                    "user_id": 1 + (proposal_id + k) % PEOPLE,
                    "call_id": call.id,
                    "created_at": naive,
                }
            )
        if len(batch) >= 50_000:
            conn.execute(sa.insert(m.Support), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(m.Support), batch)
    db.session.commit()
    return call.id


def _time(client, db, url):
    queries = []

    def listener(*args):
        queries.append(1)

    timings = []
    for i in range(RUNS):
        if i == RUNS - 1:
            sa.event.listen(db.engine, "before_cursor_execute", listener)
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    sa.event.remove(db.engine, "before_cursor_execute", listener)
    return statistics.median(timings), max(timings), len(queries)


def main():
    flask_app = _app()
    import app.models  # noqa: F401 - the whole metadata
    from app.extensions import db

    with flask_app.app_context():
        db.drop_all()
        db.create_all()
        began = time.perf_counter()
        call_id = _build(db)
        print(
            f"built {PROPOSALS} proposals, {SUPPORTS} supports in {time.perf_counter() - began:.1f}s "
            f"({db.engine.dialect.name})"
        )
        client = flask_app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
        for label, url in [
            ("list sorted by supports", f"/calls/{call_id}?sort=supports"),
            ("list page 400", f"/calls/{call_id}?sort=supports&page=400"),
            ("list newest", f"/calls/{call_id}?sort=newest"),
            ("proposal page", f"/proposals/{PROPOSALS // 2}"),
        ]:
            median, worst, queries = _time(client, db, url)
            print(f"{label:28} median {median:7.1f} ms  max {worst:7.1f} ms  {queries} queries")


if __name__ == "__main__":
    main()
