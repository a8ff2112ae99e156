"""Chance-corrected coefficients: Cohen's and Fleiss' kappa, Krippendorff's alpha (nominal),
from counts that add up over documents."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping, Sequence


from .common import add_counts

# -- chance-corrected coefficients --------------------------------------------------------------

def cohen_kappa(confusion: Mapping[tuple[Any, Any], int]) -> float | None:
    """Cohen's kappa from a confusion table {(a's category, b's category): count}.

    None when undefined: no items, or both labelers used one and the same category throughout
    (expected agreement 1; scikit-learn returns NaN there)."""
    n = sum(confusion.values())
    if n == 0:
        return None
    agree = 0
    first: dict = {}
    second: dict = {}
    for (x, y), count in confusion.items():
        first[x] = first.get(x, 0) + count
        second[y] = second.get(y, 0) + count
        if x == y:
            agree += count
    chance = sum(count * second.get(c, 0) for c, count in first.items())
    if chance == n * n:
        return None
    return (n * agree - chance) / (n * n - chance)


def cohen_kappa_of(first: Sequence, second: Sequence) -> float | None:
    if len(first) != len(second):
        raise ValueError("both labelers must rate the same items")
    return cohen_kappa(Counter(zip(first, second)))


class FleissTally:
    """Fleiss' kappa, one unit at a time: each unit is {category: number of raters}, the same
    number of raters (≥ 2) for every unit. Integer sums only, so units can also be taken
    away again exactly (`sign=-1`)."""

    def __init__(self) -> None:
        self.units = 0
        self.raters: int | None = None
        self.agreeing = 0            # Σ_units (Σ_c n_c² − m)
        self.totals: dict = {}       # raters per category over all units

    def add(self, counts: Mapping[Any, int], sign: int = 1) -> None:
        m = sum(counts.values())
        if self.raters is None:
            if m < 2:
                raise ValueError("Fleiss' kappa needs at least two raters per unit")
            self.raters = m
        elif m != self.raters:
            raise ValueError(f"every unit needs {self.raters} ratings, this one has {m}")
        self.units += sign
        self.agreeing += sign * (sum(c * c for c in counts.values()) - m)
        add_counts(self.totals, counts, sign)
        if not self.units:
            self.raters = None

    def to_json(self) -> list:
        return [self.units, self.raters, self.agreeing, list(self.totals.items())]

    def load(self, data: list) -> None:
        self.units, self.raters, self.agreeing, totals = data
        self.totals = dict(totals)

    def merge(self, other: "FleissTally") -> None:
        """Add the units another tally counted (over other documents)."""
        if not other.units:
            return
        if self.raters is not None and other.raters != self.raters:
            raise ValueError(f"every unit needs {self.raters} ratings, these have {other.raters}")
        self.raters = other.raters
        self.units += other.units
        self.agreeing += other.agreeing
        add_counts(self.totals, other.totals)

    def kappa(self) -> float | None:
        if not self.units:
            return None
        m = self.raters
        ratings = self.units * m
        # Integers up to the one division: the same figure whatever order the totals were
        # added in (tallies summed by several processes, or kept from earlier runs).
        squares = sum(t * t for t in self.totals.values())
        if squares == ratings * ratings:
            return None
        expected = squares / (ratings * ratings)
        observed = self.agreeing / (self.units * m * (m - 1))
        return (observed - expected) / (1 - expected)


def fleiss_kappa(table: Iterable[Mapping[Any, int] | Sequence[int]]) -> float | None:
    """Fleiss' kappa of a table: one row per unit, {category: raters} or a list of counts."""
    tally = FleissTally()
    for row in table:
        tally.add(row if isinstance(row, Mapping) else dict(enumerate(row)))
    return tally.kappa()


class AlphaTally:
    """Krippendorff's alpha for nominal data, one unit at a time (missing values allowed: a
    unit is the values of the raters who rated it; units with fewer than two are not pairable
    and do not count). Integer sums only, as FleissTally."""

    def __init__(self) -> None:
        self.values: dict = {}        # n_c over pairable values
        self.disagreeing: dict = {}   # m → Σ over units of m values of (m² − Σ_c n_uc²)
        self.units = 0

    def add(self, values: Iterable[Any]) -> None:
        counts: dict = {}
        for v in values:
            if v is not None:
                counts[v] = counts.get(v, 0) + 1
        m = sum(counts.values())
        if m < 2:
            return
        self.units += 1
        add_counts(self.values, counts)
        add_counts(self.disagreeing, {m: m * m - sum(c * c for c in counts.values())})

    def merge(self, other: "AlphaTally", sign: int = 1) -> None:
        add_counts(self.values, other.values, sign)
        add_counts(self.disagreeing, other.disagreeing, sign)
        self.units += sign * other.units

    def to_json(self) -> list:
        return [list(self.values.items()), list(self.disagreeing.items()), self.units]

    @classmethod
    def from_json(cls, data: list) -> "AlphaTally":
        tally = cls()
        tally.values, tally.disagreeing, tally.units = dict(data[0]), dict(data[1]), data[2]
        return tally

    def alpha(self) -> float | None:
        n = sum(self.values.values())
        expected = n * n - sum(c * c for c in self.values.values())
        if n < 2 or expected == 0:
            return None  # no pairable values, or one value throughout: undefined
        observed = sum(d / (m - 1) for m, d in sorted(self.disagreeing.items()))
        return 1 - (n - 1) * observed / expected


def krippendorff_alpha(units: Iterable[Iterable[Any]]) -> float | None:
    """Nominal alpha of units given as the raters' values (None = missing)."""
    tally = AlphaTally()
    for unit in units:
        tally.add(unit)
    return tally.alpha()


