"""Disclosure control: small cells are hidden, and no hidden cell can be worked out from the totals.

The property tests check the protected tables with an independent exact solver (fractions): a
hidden value is recoverable by adding and subtracting published figures exactly when its unit vector
lies in the row space of the table's relations restricted to the hidden cells.
"""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.reports.disclosure import determined, grid_relations, is_small, protect

K = 5


def recoverable(relations, hidden) -> set:
    """Exact rational elimination, written independently of the module under test."""
    columns = sorted(hidden, key=repr)
    rows = []
    for total, parts in relations:
        row = [Fraction(0)] * len(columns)
        for i, key in enumerate(columns):
            row[i] += (key == total) - sum(1 for part in parts if part == key)
        if any(row):
            rows.append(row)
    pivot_rows, r = [], 0
    for c in range(len(columns)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][c] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivot_rows.append(r)
        r += 1
    return {
        columns[next(c for c, v in enumerate(row) if v)] for row in rows[:r] if sum(1 for v in row if v) == 1
    }


def table(cells: list[list[int]]):
    """Values and relations of a table with row totals, column totals and a grand total."""
    rows, columns = range(len(cells)), range(len(cells[0]))
    values = {("c", r, c): cells[r][c] for r in rows for c in columns}
    values.update({("r", r): sum(cells[r]) for r in rows})
    values.update({("k", c): sum(cells[r][c] for r in rows) for c in columns})
    values["g"] = sum(map(sum, cells))
    relations = grid_relations(
        list(rows),
        list(columns),
        cell=lambda r, c: ("c", r, c),
        row_total=lambda r: ("r", r),
        column_total=lambda c: ("k", c),
        grand="g",
    )
    return values, relations


small_counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
tables = st.integers(1, 5).flatmap(
    lambda n_rows: st.integers(1, 5).flatmap(
        lambda n_cols: st.lists(
            st.lists(small_counts, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_hidden_cell_of_a_table_can_be_worked_out_from_the_rest(cells):
    values, relations = table(cells)
    hidden = protect(values, relations, K)
    assert {key for key, value in values.items() if is_small(value, K)} <= hidden
    assert recoverable(relations, hidden) == set()


@settings(max_examples=300, deadline=None)
@given(tables)
def test_every_line_with_a_hidden_figure_hides_at_least_two(cells):
    """The row/column view of the same guarantee: a line (its cells and its total) never has exactly
    one hidden figure, or subtraction would give it away."""
    values, relations = table(cells)
    hidden = protect(values, relations, K)
    for total, parts in relations:
        members = [total, *parts]
        assert sum(1 for key in members if key in hidden) != 1


@settings(max_examples=200, deadline=None)
@given(st.lists(small_counts, min_size=1, max_size=8))
def test_a_single_column_with_its_total(counts):
    values = dict(enumerate(counts)) | {"total": sum(counts)}
    relations = [("total", list(range(len(counts))))]
    hidden = protect(values, relations, K)
    assert recoverable(relations, hidden) == set()
    assert all(key in hidden for key, value in values.items() if 1 <= value < K)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(small_counts, min_size=3, max_size=3), min_size=2, max_size=4))
def test_linked_tables_sharing_margins_are_protected_together(cells):
    """The gender table and the gender x origin table share their totals: protected together, no
    hidden figure of either can be worked out even with both in hand."""
    values, relations = table(cells)
    # A second, one-dimensional table of the same row totals, split in two columns of its own.
    for r, row in enumerate(cells):
        values[("x", r, 0)] = row[0]
        values[("x", r, 1)] = sum(row[1:])
        relations.append((("r", r), [("x", r, 0), ("x", r, 1)]))
    hidden = protect(values, relations, K)
    assert recoverable(relations, hidden) == set()


def test_a_known_table_hides_the_small_cell_and_its_complements():
    # women / men by host / migrant: 2 migrant women is small.
    values, relations = table([[12, 2], [9, 7]])
    hidden = protect(values, relations, K)
    assert ("c", 0, 1) in hidden  # the 2
    # Its row and column each hide another figure, the smallest non-zero parts first: 7 and 12 or 9.
    assert ("c", 1, 1) in hidden
    assert ("c", 0, 0) in hidden or ("r", 0) in hidden
    assert recoverable(relations, hidden) == set()
    assert ("g",) not in hidden and "g" not in hidden  # the grand total stays published


def test_zero_is_not_a_small_group_and_large_tables_hide_nothing():
    values, relations = table([[0, 10], [8, 30]])
    assert protect(values, relations, K) == set()


def test_a_total_below_the_threshold_is_hidden_too():
    values, relations = table([[1, 2]])
    hidden = protect(values, relations, K)
    assert {("c", 0, 0), ("c", 0, 1), ("r", 0)} <= hidden
    assert recoverable(relations, hidden) == set()


def test_share_behind_a_target_hides_the_share_when_the_rest_is_small():
    """40 people of whom 38 women: the 2 others are never shown, but 40 - 38 would give them away."""
    values = {"reached": 40, "share": 38, "rest": 2}
    hidden = protect(values, [("reached", ["share", "rest"])], K, unpublished={"rest"})
    assert hidden == {"share"}


def test_determined_finds_what_subtraction_gives():
    relations = [("t", ["a", "b", "c"])]
    assert determined(relations, {"a"}) == {"a"}
    assert determined(relations, {"a", "b"}) == set()


def test_the_threshold_is_configurable():
    values, relations = table([[7, 8], [9, 30]])
    assert protect(values, relations, 5) == set()
    assert ("c", 0, 0) in protect(values, relations, 10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_the_two_marks_never_narrow_a_small_figure_to_one_value(cells):
    """A reader knows "< k" is 1..k-1 and "×" is k or more: along any line with a visible total, a
    hidden small figure must still have at least two possible values once the others take their least."""
    values, relations = table(cells)
    hidden = protect(values, relations, K)
    for total, parts in relations:
        if total in hidden:
            continue
        left = sum(values[part] for part in parts if part in hidden)
        for part in parts:
            if part in hidden and is_small(values[part], K):
                others = sum(1 if is_small(values[o], K) else K for o in parts if o in hidden and o != part)
                assert min(K - 1, left - others) >= 2, (part, total)


def test_a_figure_hidden_only_to_protect_another_is_marked_as_such():
    from app.reports.disclosure import Figure

    assert Figure.of(70, True, K).protective and not Figure.of(3, True, K).protective
    assert not Figure.of(70, False, K).protective
