"""Cell key perturbation: the same people always give the same figure, and two nearly equal groups of
people give figures that differ by noise, so subtracting two reports does not single anyone out.

The method of the statistical offices' flexible table builders (Australian Bureau of Statistics
TableBuilder, the UK's 2021 census; ONS's `cell-key-perturbation` package has the same table layout):

- every participant holds a random record key, 0 to 255, drawn once when the row is created and
  never changed; every anonymous walk-in's attendance holds one of its own;
- a figure's cell key is the sum of its records' keys modulo 256, computed by SQL beside the COUNT
  in the same GROUP BY. A registered person's attendances count as `sessions x their key` (the
  roll-ups keep sessions per person, not one row per attendance); a walk-in's attendance as its key;
- the published figure is the count plus `PTABLE[row][cell key]`, where the row is the count itself
  up to `threshold + MAX_NOISE`, and that last row for every count above.

The table (`ptable(threshold)`) is public and built here by a fixed rule, not drawn at random: each
row gives each perturbation a share of the 256 keys (out of 256, below), in ascending order of the
perturbation, as ONS lays its ptables out. Far from the threshold the noise is -2..+2 with mean 0
and variance 1.21; near it the downward steps that would go below the threshold are dropped, so a
published number is never smaller than k (a reader never sees a group under k as a number) and the
figures there lean up by at most half a person on average.

Counts 1..k-1 are never published as numbers ("< k"); zero is published as zero: an empty cell has
no records and no key. Every count of k or more can be published as any value within two of it
(never below k), so each published number stands for at least three possible true counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

KEYS = 256
MAX_NOISE = 2
# Keys out of 256 given to each perturbation, by how far the count is above the threshold k.
_SHARES = {
    0: {0: 154, 1: 76, 2: 26},  # count = k: nothing below k
    1: {-1: 77, 0: 102, 1: 51, 2: 26},  # count = k + 1
    2: {-2: 26, -1: 51, 0: 102, 1: 51, 2: 26},  # count >= k + 2
}


def cell_key(key_sum) -> int:
    """The cell key of a figure from the sum of its records' keys (SQL returns the plain sum)."""
    return int(key_sum or 0) % KEYS


@cache
def ptable(threshold: int) -> dict[int, tuple[int, ...]]:
    """{row: the perturbation for each cell key 0..255}, rows k, k+1 and k+2 (used for every
    count of k+2 or more)."""
    table = {}
    for above, shares in _SHARES.items():
        assert sum(shares.values()) == KEYS
        row: list[int] = []
        for perturbation in sorted(shares):
            row += [perturbation] * shares[perturbation]
        table[threshold + above] = tuple(row)
    return table


def ptable_row(count: int, threshold: int) -> int:
    return min(count, threshold + MAX_NOISE)


def perturbed(count: int, key: int, threshold: int) -> int:
    """The published value of a count of `threshold` or more with this cell key."""
    return count + ptable(threshold)[ptable_row(count, threshold)][key % KEYS]


@dataclass(frozen=True)
class Figure:
    """One published number: `value` is what a reader sees (perturbed, or exact for an administrator
    who asked), `hidden` when it counts 1..k-1 people and shows as "< k". The true count of a
    perturbed figure is not kept here, so no template, chart or export can show it by mistake."""

    value: int
    hidden: bool = False

    @classmethod
    def of(cls, count: int, key_sum, threshold: int, exact: bool) -> Figure:
        count = int(count or 0)
        if exact or count == 0:
            return cls(count)
        if count < threshold:
            return cls(0, hidden=True)
        return cls(perturbed(count, cell_key(key_sum), threshold))
