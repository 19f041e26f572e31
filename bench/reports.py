"""Timing of the report queries on a generated data set (`python -m bench.generate`).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jiwar_bench_large \
        .venv/bin/python -m bench.reports

Times, in-process and without HTTP, each query behind the programme dashboard (one per target) and the
gender x origin report (the attendance and people cubes), then the whole report with disclosure
control, as the median of several runs. The query count is the same whatever the data size (see
tests/reports/test_query_counts.py); this measures how long each of those queries takes.
"""

import os
import statistics
import sys
import time

import sqlalchemy as sa

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def timed(function, runs: int = RUNS) -> tuple[float, object]:
    durations, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), result


def measure(url: str) -> list[str]:
    """The report queries' median times on the database at `url`, as Markdown lines."""
    from app import create_app
    from config import TestConfig, database_url

    config = type(
        "BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url(url), "TESTING": False}
    )
    app = create_app(config)
    lines = []
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from app.extensions import db
        from app.programmes.models import Programme
        from app.reports import queries
        from app.reports.breakdowns import build_report

        queries.tune_for_aggregates()  # as the views do, once per request
        programme = db.session.scalars(sa.select(Programme).order_by(Programme.id)).first()
        attendances = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("attendance")))
        lines.append(f"{db.engine.dialect.name}: {attendances} attendances, programme {programme.id}, "
                     f"median of {RUNS} runs")
        lines += ["", "| query | median ms |", "|---|---|"]
        for target in programme.targets:
            ms, progress = timed(lambda target=target: queries.target_progress(target))
            name = f"dashboard target {target.measure} ({target.title}) -> {progress.reached}"
            lines.append(f"| {name} | {ms:.0f} |")
        filters = queries.ReportFilters(programme_id=programme.id)
        ms_a, (people_rows, attendance_rows) = timed(lambda: queries.report_cubes(filters))
        groups = f"{len(attendance_rows)} + {len(people_rows)} groups"
        lines.append(
            f"| report: attendances and distinct people, every breakdown and cross ({groups}) | {ms_a:.0f} |"
        )
        ms_b, _report = timed(lambda: build_report(people_rows, attendance_rows, 5, False, "fr"))
        lines.append(f"| report: tables and disclosure control in Python | {ms_b:.0f} |")
        town = queries.ReportFilters(programme_id=programme.id, municipality_id=1)
        ms_t, _rows = timed(lambda: queries.report_cubes(town))
        lines.append(f"| report for one municipality | {ms_t:.0f} |")
        db.engine.dispose()
    return lines


def main(url: str) -> None:
    print("\n".join(measure(url)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.environ["BENCH_DATABASE_URL"])
