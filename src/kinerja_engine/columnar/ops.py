"""The operations of the columnar evaluator that are not bare arithmetic.

Input: column values of :mod:`.arith`. Output: rowwise choice between values (``if``,
``min``/``max``/``cap``), interval membership (bands), half-up ``round``, weighted means over
ragged groups (segment sums), exact constants per row, the distinct rows of a small-integer
matrix. Guarantees: each is built from the
certified comparisons and operations of :mod:`.arith` only, so every decision is the exact
decision and every bad row is a row on which the exact path raises.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import UsageError
from . import arith, exact64
from .arith import Cond, Lab
from .exact64 import Small

__all__ = [
    "Scope",
    "Unsupported",
    "Value",
    "choose",
    "distinct_rows",
    "fraction_column",
    "group_weights",
    "interval",
    "mark",
    "pick",
    "ratio",
    "round_half_up",
    "weighted_mean",
]

Value = arith.Num | Cond | Lab
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


class Unsupported(UsageError):
    """A construct outside the supported forms (the message says which and where): a
    :class:`~kinerja_engine.errors.UsageError`, as asking for the columns for such a rulebook
    is."""


class Scope:
    """One evaluation: ``n`` rows and the names bound so far."""

    def __init__(self, program: object, n: int) -> None:
        self.program = program
        self.n = n
        self.depth = 0
        #: Rows with a decision taken by the exact stage (the float margin was too small).
        self.slow = np.zeros(n, bool)
        #: The dry run at compile time evaluates every branch (to refuse what is unsupported).
        self.dry = False

    def fail(self) -> Bools:
        return np.zeros(self.n, bool)

    def cmp(self, a: arith.Num, b: arith.Num, op: str) -> Cond:
        """:func:`arith.compare`, counting the rows the exact stage decided."""
        cond = arith.compare(a, b, op)
        if cond.slow is not None:
            self.slow |= cond.slow
        return cond


def ratio(num: Ints, den: Ints) -> arith.Num:
    """Exact ratios of small integers (|x| < 2⁵³) as a column (bound 0 when den is 1)."""
    v = num.astype(np.float64) / den.astype(np.float64)
    e = np.where(den == 1, 0.0, arith.U * np.abs(v) * arith.UP)

    whole = bool((den == 1).all())

    def build(rows: Ints | None) -> arith.Exact:
        n, d = (num, den) if rows is None else (num[rows], den[rows])
        # Whole numbers keep the plain int 1 as denominator: products and sums skip it.
        return n.astype(object), (1 if whole else d.astype(object))

    def small(rows: Ints | None) -> Small:
        n, d = (num, den) if rows is None else (num[rows], den[rows])
        return exact64.ints(n, d)

    return arith.Num(v, e, np.zeros(len(v), bool), build, small=small)


def fraction_column(values: list[Fraction], bad: Bools) -> arith.Num:
    """Exact Fractions as a column (bound 0 where the float is the Fraction)."""
    v = np.array([float(x) for x in values])
    exact = np.array([Fraction(f) == x for f, x in zip(v.tolist(), values, strict=True)], bool)
    e = np.where(exact, 0.0, (arith.U * np.abs(v) + arith.ETA) * arith.UP)
    nums = arith.objects([x.numerator for x in values])
    dens = arith.objects([x.denominator for x in values])
    fast = exact64.python_ints(nums.tolist(), dens.tolist())

    def build(rows: Ints | None) -> arith.Exact:
        return (nums, dens) if rows is None else (nums[rows], dens[rows])

    def small(rows: Ints | None) -> Small:
        return fast if rows is None else (fast[0][rows], fast[1][rows], fast[2][rows])

    return arith.Num(v, e, bad, build, small=small)


def mark(value: Value, bad: Bools) -> Value:
    if isinstance(value, arith.Num):
        return arith.Num(value.v, value.e, value.bad | bad, value.build, value.cache,
                         value.small, value.memo)  # fmt: skip
    if isinstance(value, Cond):
        return Cond(value.value, value.bad | bad)
    return Lab(value.enum, value.index, value.bad | bad)


def choose(cond: Cond, yes: Value, no: Value) -> Value:
    """Rowwise ``yes if cond else no``; rows where ``cond`` is uncertain are bad."""
    mask = cond.value
    if isinstance(yes, arith.Num) and isinstance(no, arith.Num):
        return mark(arith.choose(mask, yes, no), cond.bad)
    if isinstance(yes, Cond) and isinstance(no, Cond):
        return Cond(np.where(mask, yes.value, no.value), cond.bad | np.where(mask, yes.bad, no.bad))
    if isinstance(yes, Lab) and isinstance(no, Lab) and yes.enum == no.enum:
        index = np.where(mask, yes.index, no.index)
        return Lab(yes.enum, index, cond.bad | np.where(mask, yes.bad, no.bad))
    raise Unsupported("an if whose branches differ in type")


def round_half_up(scope: Scope, x: arith.Num, places: arith.Num) -> arith.Num:
    """``round(x, places)``, half away from zero: ``sign(x)·⌊|x|·10^p + ½⌋ / 10^p``.

    The candidate ``f = floor(y + ½)`` of ``y = |x|·10^p`` is accepted where both
    ``f − ½ ≤ y`` and ``y < f + ½`` hold (each decided as any comparison is); on the other
    rows, and where ``f`` is not below 2⁵², ``f`` is computed from the exact ``y``.
    """
    if places.e.any() or np.unique(places.v).size > 1:
        raise Unsupported("round() with places that are not one whole constant")
    p = float(places.v[0]) if scope.n else 0.0
    if p != int(p) or not 0 <= p <= 20:
        raise Unsupported("round() with places outside 0-20")
    k = int(p)
    magnitude, slow = arith.abs_(x)
    scope.slow |= slow
    y = arith.multiply(magnitude, arith.constant(Fraction(10**k), scope.n))
    with np.errstate(all="ignore"):
        f = np.floor(y.v + 0.5)
        usable = np.isfinite(f) & (f < 2.0**52)
    f = np.where(usable, f, 0.0)
    low = scope.cmp(y, _floats(f - 0.5), ">=")
    high = scope.cmp(y, _floats(f + 0.5), "<")
    wrong = ~(low.value & high.value & usable) & ~y.bad
    whole = arith.objects([int(w) for w in f.tolist()])
    rows = np.flatnonzero(wrong)
    if len(rows):
        scope.slow[rows] = True
        yn, yd = y.exact_at(rows)
        count = len(rows)
        pairs = zip(_as_list(yn, count), _as_list(yd, count), strict=True)
        whole[rows] = [(2 * abs(n) + abs(d)) // (2 * abs(d)) for n, d in pairs]
    negative = x.v < 0
    signed = np.where(negative, -whole, whole)
    shown = np.array([float(w) for w in signed.tolist()]) / 10.0**k
    exact_float = np.abs(shown) < 2.0**52 if k == 0 else np.zeros(scope.n, bool)
    e = np.where(exact_float, 0.0, arith.U * np.abs(shown) * arith.UP)

    def build(rows: Ints | None) -> arith.Exact:
        return (signed if rows is None else signed[rows]), 10**k

    fast = exact64.python_ints(signed.tolist(), [10**k] * scope.n)

    def small(rows: Ints | None) -> Small:
        return fast if rows is None else (fast[0][rows], fast[1][rows], fast[2][rows])

    return arith.Num(shown, e, y.bad | x.bad, build, small=small)


def _as_list(part: Any, n: int) -> list[Any]:
    return part.tolist() if isinstance(part, np.ndarray) else [part] * n


def _floats(values: npt.NDArray[np.float64]) -> arith.Num:
    """Float columns taken as exact values (``f ± ½`` of integers below 2⁵², exact)."""
    zero = np.zeros(len(values))

    def build(rows: Ints | None) -> arith.Exact:
        chosen = values if rows is None else values[rows]
        fr = [Fraction(v) for v in chosen.tolist()]
        return arith.objects([q.numerator for q in fr]), arith.objects([q.denominator for q in fr])

    def small(rows: Ints | None) -> Small:
        chosen = values if rows is None else values[rows]
        # f ± ½ with |f| < 2⁵²: 2·value is an integer below 2⁵³, exact in int64.
        fit = np.isfinite(chosen) & (np.abs(chosen) < 2.0**52)
        twice = np.where(fit, 2.0 * chosen, 0.0).astype(np.int64)
        return exact64.ints(twice, np.where(fit, 2, 0))

    return arith.Num(values, zero, np.zeros(len(values), bool), build, small=small)


def pick(scope: Scope, a: arith.Num, b: arith.Num, keep_a: str) -> arith.Num:
    """``a if a keep_a b else b`` (min, max, cap, at_least: ties give equal values)."""
    cond = scope.cmp(a, b, keep_a)
    out = arith.choose(cond.value, a, b)
    return arith.Num(out.v, out.e, out.bad | cond.bad, out.build, out.cache, out.small, out.memo)


def interval(
    scope: Scope, x: arith.Num, bounds: tuple[Fraction | None, bool, Fraction | None, bool]
) -> Cond:
    lo, lo_closed, hi, hi_closed = bounds
    value = np.ones(scope.n, bool)
    bad = np.zeros(scope.n, bool)
    if lo is not None:
        c = scope.cmp(x, arith.constant(lo, scope.n), ">=" if lo_closed else ">")
        value, bad = value & c.value, bad | c.bad
    if hi is not None:
        c = scope.cmp(x, arith.constant(hi, scope.n), "<=" if hi_closed else "<")
        value, bad = value & c.value, bad | c.bad
    return Cond(value, bad)


def weighted_mean(values: arith.Num, weights: arith.Num, group: Ints, groups: int) -> arith.Num:
    """Σ value×weight / Σ weight per group (``group`` non-decreasing), as sequential sums.

    Each group's items are added one position at a time (the k-th item of every group at
    step k), so the bound of every addition is the one of :func:`arith.add`.
    """
    products = arith.multiply(values, weights)
    starts = np.searchsorted(group, np.arange(groups))
    counts = np.bincount(group, minlength=groups)
    present = counts > 0
    first = np.where(present, starts, 0)
    zero = arith.constant(Fraction(0), groups)
    top = arith.choose(present, arith.take(products, first), zero)
    bottom = arith.choose(present, arith.take(weights, first), zero)
    for k in range(1, int(counts.max()) if groups else 0):
        has = counts > k
        index = np.where(has, starts + k, 0)
        top = arith.choose(has, arith.add(top, arith.take(products, index)), top)
        bottom = arith.choose(has, arith.add(bottom, arith.take(weights, index)), bottom)
    return arith.divide(top, bottom)


def group_weights(num: Ints, den: Ints, group: Ints, groups: int) -> arith.Num:
    """Weights ``num/den`` for :func:`weighted_mean`, as whole numbers where a group's weights
    share one denominator: Σ v·(n/d) / Σ (n/d) = Σ v·n / Σ n, the same exact value with
    fewer and smaller integer operations (equal weights 100/3 weigh as 100)."""
    starts = np.searchsorted(group, np.arange(groups))
    if groups and len(den) and (den == den[starts[group]]).all():
        return ratio(num, np.ones(len(num), np.int64))
    return ratio(num, den)


def distinct_rows(matrix: Ints) -> tuple[Ints, Ints]:
    """The distinct rows of a small-integer matrix and, per row, which one it is (what
    ``np.unique(matrix, axis=0, return_inverse=True)`` gives, in another order): one
    mixed-radix key per row, so a 1-D unique instead of a sort of whole rows.

    >>> combos, inverse = distinct_rows(np.array([[1, -1], [0, 2], [1, -1]]))
    >>> combos.tolist(), inverse.tolist()
    ([[0, 2], [1, -1]], [1, 0, 1])
    """
    key = np.zeros(len(matrix), np.int64)
    size = 1
    for column in matrix.T:
        low = int(column.min(initial=0))
        radix = int(column.max(initial=0)) - low + 1
        size *= radix
        if size >= 2**62:
            combos, inverse = np.unique(matrix, axis=0, return_inverse=True)
            return combos, inverse.reshape(-1)
        key = key * radix + (column - low)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return matrix[first], inverse.reshape(-1)
