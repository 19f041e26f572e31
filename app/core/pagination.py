"""Pagination that runs two queries (the page and its count) whatever the table size."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def parse_page(value) -> int:
    """A page number from the query string: anything odd becomes page 1."""
    try:
        return max(1, min(int(value), 100_000))
    except (TypeError, ValueError):
        return 1


def paginate(statement: sa.Select, page: int, per_page: int = 20, scalars: bool = True,
             params: dict | None = None) -> Page:
    """The page's rows and the count of all; `params` binds the statement's bound parameters."""
    count_statement = sa.select(sa.func.count()).select_from(
        statement.order_by(None).options().subquery()
    )
    total = db.session.scalar(count_statement, params) or 0
    result = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page), params)
    items = list(result.scalars().unique() if scalars else result.all())
    return Page(items=items, page=page, per_page=per_page, total=total)
