"""Disclosure control for aggregated figures: small groups are hidden, and so is whatever would let
someone work a hidden figure out again from the totals.

Pure functions, no Flask and no database: a set of figures is a dict {key: count} plus the additive
relations between them (`total = part + part + ...`: a row and its row total, a column and its
column total, the share of women inside a target). `protect()` returns the keys to hide:

1. primary suppression: every figure counting between 1 and k-1 people;
2. secondary suppression: while some hidden figure is still determined by the visible figures and
   the relations (it is a linear combination of them, i.e. it can be recovered by adding and
   subtracting), hide one more figure next to it: the smallest non-zero part of a relation that
   holds it, totals last.

"Determined" is decided exactly by Gaussian elimination over the hidden figures (a hidden figure
can be worked out iff its unit vector lies in the row space of the relations restricted to the
hidden figures), so the guarantee does not depend on the shape of the table: rows, columns, margins
and tables linked through shared totals are all handled the same way. Zero is shown: it is no group.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Key = Hashable
Relation = tuple[Key, Sequence[Key]]  # (total, parts): value[total] == sum(value[part] for part in parts)

_PRIME = (1 << 61) - 1  # exact arithmetic modulo a large prime keeps elimination fast and exact enough


def is_small(value: int, threshold: int) -> bool:
    return 1 <= value < threshold


def protect(
    values: Mapping[Key, int],
    relations: Iterable[Relation],
    threshold: int,
    unpublished: Iterable[Key] = (),
) -> set[Key]:
    """The keys to show as hidden. `unpublished` figures are never shown (e.g. "people who are not
    women" behind a share): they are unknowns, and when small they must not be recoverable either."""
    relations = [(total, tuple(parts)) for total, parts in relations]
    unpublished = set(unpublished)
    totals = {total for total, _ in relations}
    hidden = {key for key, value in values.items() if is_small(value, threshold)} - unpublished
    order = {key: index for index, key in enumerate(values)}  # deterministic choices

    def must_stay_unknown(key) -> bool:
        return key not in unpublished or is_small(values[key], threshold)

    while True:
        unknown = hidden | unpublished
        exposed = sorted(
            (key for key in determined(relations, unknown) if must_stay_unknown(key)), key=order.get
        )
        if exposed:
            complement = _complement(exposed[0], relations, unknown, values, totals, order)
        else:
            complement = _widening(relations, unknown, unpublished, values, threshold, order)
        if complement is None:
            return hidden  # nothing is exposed, or everything around it is already hidden
        hidden.add(complement)


def _widening(relations, unknown, unpublished, values, threshold, order):
    """A figure to hide so that the marks cannot narrow a small figure down to one value.

    Small figures show "< k" and protective ones "×" (so a reader is never told that 70 is "< 5"),
    so a reader knows each "< k" is 1 to k-1 and each "×" is k or more. Where a total is visible,
    a small part's largest possible value is what the total leaves once every other hidden part
    takes its least; below 2 it is pinned (6 = "< 5" + "×" gives 1). One more part is then hidden
    there: the smallest visible non-zero one, else the total itself."""

    def least(key) -> int:
        if key in unpublished:
            return 0
        return 1 if is_small(values[key], threshold) else threshold

    for total, parts in relations:
        if total in unknown:
            continue
        hidden_parts = [part for part in parts if part in unknown]
        left = sum(values[part] for part in hidden_parts)  # what the visible figures leave to share
        for part in hidden_parts:
            if part in unpublished or not is_small(values[part], threshold):
                continue
            others = sum(least(other) for other in hidden_parts if other != part)
            if min(threshold - 1, left - others) >= 2:
                continue
            visible = [other for other in parts if other not in unknown and values[other]]
            return min(visible, key=lambda other: (values[other], order[other])) if visible else total
    return None


def _complement(key, relations, unknown, values, totals, order):
    """The figure to hide next to `key`: from the relations that hold it, else from any relation
    touching a hidden figure; the smallest non-zero part first, totals and zeros last."""

    def candidates(selected):
        for total, parts in selected:
            for member in (total, *parts):
                if member not in unknown:
                    yield member

    holding = [rel for rel in relations if key == rel[0] or key in rel[1]]
    pool = set(candidates(holding))
    if not pool:
        touching = [rel for rel in relations if rel[0] in unknown or unknown.intersection(rel[1])]
        pool = set(candidates(touching))
    if not pool:
        return None
    return min(
        pool, key=lambda member: (member in totals, values[member] == 0, values[member], order[member])
    )


def determined(relations: Sequence[Relation], unknown: set[Key]) -> set[Key]:
    """The unknown figures that the relations pin down once every other figure is known."""
    columns = sorted(unknown, key=repr)
    index = {key: i for i, key in enumerate(columns)}
    rows = []
    for total, parts in relations:
        row = {}
        if total in index:
            row[index[total]] = 1
        for part in parts:
            if part in index:
                row[index[part]] = (row.get(index[part], 0) - 1) % _PRIME
        row = {col: coef for col, coef in row.items() if coef}
        if row:
            rows.append(row)
    return {columns[col] for col in _unit_rows(rows)}


def _unit_rows(rows: list[dict[int, int]]) -> set[int]:
    """Reduced row echelon form (sparse, modulo a prime); returns the columns of rows that end with a
    single non-zero entry: exactly the unknowns that can be worked out."""
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> normalised row
    for row in rows:
        row = dict(row)
        for col, pivot_row in pivots.items():
            factor = row.get(col)
            if factor:
                for c, v in pivot_row.items():
                    row[c] = (row.get(c, 0) - factor * v) % _PRIME
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {c: v * inverse % _PRIME for c, v in row.items()}
        for other_col, other in pivots.items():
            factor = other.get(col)
            if factor:
                for c, v in row.items():
                    other[c] = (other.get(c, 0) - factor * v) % _PRIME
                pivots[other_col] = {c: v for c, v in other.items() if v}
        pivots[col] = row
    return {col for col, row in pivots.items() if len(row) == 1}


# -- tables ---------------------------------------------------------------------------------------


def grid_relations(rows: Sequence[Key], columns: Sequence[Key], cell, row_total, column_total, grand):
    """The relations of a table with margins: each row sums to its row total, each column to its
    column total, and both margins to the grand total. `cell(r, c)`, `row_total(r)`,
    `column_total(c)` return keys; `grand` is the key of the grand total."""
    relations = [(row_total(r), [cell(r, c) for c in columns]) for r in rows]
    relations += [(column_total(c), [cell(r, c) for r in rows]) for c in columns]
    relations.append((grand, [row_total(r) for r in rows]))
    relations.append((grand, [column_total(c) for c in columns]))
    return relations


@dataclass(frozen=True)
class Figure:
    """One published number: exact, or hidden — as "< k" when it is small itself, as "×" when it is
    hidden only to protect a small one (`protective`), so no hidden 70 ever reads "< 5"."""

    value: int
    hidden: bool = False
    protective: bool = False

    @classmethod
    def of(cls, value: int, hidden: bool, threshold: int) -> Figure:
        return cls(value, hidden, hidden and not is_small(value, threshold))

    @property
    def published(self) -> int | None:
        return None if self.hidden else self.value
