"""EXPLAIN (ANALYZE) of every statement each benchmarked page runs, on the generated PostgreSQL data
set; writes bench/INDEXES.md. Which index each filter and sort uses, and which statements scan a
whole table (fine for tables of a few rows, such as the municipalities).

    .venv/bin/python -m bench.explain postgresql://postgres@127.0.0.1:5432/jiwar_bench_large
"""

import re
import sys
from pathlib import Path

import sqlalchemy as sa

from bench.pages import PAGES, _app, session_cookie

OUT = Path(__file__).resolve().parent / "INDEXES.md"


def main(url: str) -> None:
    app = _app(url)
    with app.app_context():
        from app.extensions import db

        engine = db.engine
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    cookies = {user: session_cookie(url, user).split("=", 1)[1] for user in {p.user for p in PAGES}}
    lines = ["# Indexes behind every benchmarked page", "",
             f"`.venv/bin/python -m bench.explain {url}` (the large generated data set). Each page's "
             "statements with PostgreSQL's EXPLAIN (ANALYZE) plan; **Seq Scan** lines name a whole-table "
             "read, expected only for small or empty tables (municipality, programme, target, categories, "
             "status changes, roles) and for the whole-programme figures, which read every person's row "
             "of the programme (programme_person, participant, event). ", ""]
    scans = []
    for page in PAGES:
        client = app.test_client()
        if page.signed_in:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[page.user])
        path = page.path(url)
        client.get(path, headers={"Accept-Language": page.language})
        captured.clear()
        sa.event.listen(engine, "before_cursor_execute", capture)
        client.get(path, headers={"Accept-Language": page.language})
        sa.event.remove(engine, "before_cursor_execute", capture)
        lines += [f"## {page.name} `{path}`", ""]
        with engine.connect() as connection:
            for statement, parameters in captured:
                plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, COSTS off) " + statement, parameters)
                text = "\n".join(row[0] for row in plan)
                for table in re.findall(r"Seq Scan on (\w+)", text):
                    scans.append((page.name, table))
                short = re.sub(r"\s+", " ", statement)[:300] + (" ..." if len(statement) > 300 else "")
                lines += ["```sql", short, "```", "```", text, "```", ""]
            connection.rollback()
    summary = ["## Whole-table reads (Seq Scan) by page", ""]
    summary += [f"- {name}: {', '.join(sorted({t for n, t in scans if n == name}))}"
                for name in dict.fromkeys(n for n, _t in scans)] or ["- none"]
    OUT.write_text("\n".join(lines[:5] + summary + [""] + lines[5:]) + "\n", encoding="utf-8")
    engine.dispose()
    print("\n".join(summary))


if __name__ == "__main__":
    main(sys.argv[1])
