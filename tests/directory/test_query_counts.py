"""The directory's pages run the same number of queries with one entry or many (the benchmark has
10,000): the list (filtered, open now), an entry, the brochure and the staff list."""

from tests.conftest import sign_in_as
from tests.events.test_query_counts import queries_for
from tests.factories import make_organiser, make_service

PAGES = (
    "/directory/",
    "/directory/?need=legal_aid&language=wo&open_now=1&walk_in=1&no_documents=1&q=desk",
    "/directory/brochure?municipality=oujda",
)


def test_directory_pages_do_not_grow_with_the_directory(client, oujda, la_marsa):
    first = make_service(oujda)
    single = [queries_for(client, url) for url in (*PAGES, f"/directory/{first.id}")]
    for n in range(24):
        make_service(oujda if n % 2 else la_marsa, name={"en": f"Desk {n}"}, exceptions="2026-12-25: closed")
    many = [queries_for(client, url) for url in (*PAGES, f"/directory/{first.id}")]
    assert many == single
    assert max(many) <= 8


def test_the_staff_list_does_not_grow(client, oujda):
    sign_in_as(client, make_organiser(oujda))
    make_service(oujda)
    one = queries_for(client, "/manage/directory/")
    for n in range(24):
        make_service(oujda, name={"en": f"Desk {n}"}, sensitivity="staff" if n % 3 else "public")
    assert queries_for(client, "/manage/directory/") == one


def test_the_list_reads_its_first_page_through_the_name_index_of_each_language(app, oujda):
    """The public list's ORDER BY is the indexed expression (app/directory/models.py, name_sort_key):
    the database walks the index instead of sorting every entry on each visit."""
    import sqlalchemy as sa

    from app.directory.models import Service
    from app.directory.queries import Filters, filtered, name_order
    from app.extensions import db

    for n in range(3):
        make_service(oujda, name={"fr": f"Guichet {n}", "ar": f"شباك {n}"})
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # a few rows: without this the planner would rather sort them
        db.session.execute(sa.text("SET LOCAL enable_sort = off"))
    for language in ("fr", "ar", "en"):
        statement = filtered(Filters(), [oujda]).order_by(name_order(language), Service.id).limit(20)
        sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
        if not postgres:  # the same for SQLite: this index or an error
            sql = sql.replace("FROM service", f"FROM service INDEXED BY ix_service_name_{language}", 1)
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = " ".join(str(row) for row in db.session.execute(sa.text(explain + sql)))
        assert f"ix_service_name_{language}" in plan, plan
        assert "Sort" not in plan and "B-TREE FOR ORDER BY" not in plan, plan  # read in index order
