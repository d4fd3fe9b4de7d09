"""Column values with a certified error bound, an exact stage, and exact values on demand.

Input: numpy float64 columns (one value per row) and the exact rationals they stand for.
Output: :class:`Num` (a float column ``v``, a column ``e`` of absolute error bounds, and the
exact value as numerator/denominator columns of Python ints, built only for the rows asked
for), :class:`Cond` (a boolean column) and :class:`Lab` (enum member indices, exact).
Guarantees, for every row not marked ``bad``:

- ``|exact − v| ≤ e`` whenever ``e`` is finite (the standard model of IEEE binary64,
  ``|fl(a∘b) − a∘b| ≤ u|a∘b| + η`` with ``u = 2⁻⁵³`` and ``η = 2⁻¹⁰⁷⁴``, every bound inflated
  by ``UP`` so that the rounding of the bound's own computation is covered; an infinite or
  NaN bound means "unknown", see docs/columnar.md);
- a comparison is taken from the floats only where the margin exceeds the bound; on the
  other rows (the *undecided* ones) it is taken from the exact values of those rows alone
  (the exact stage), so every answer is the exact answer; :attr:`Cond.slow` marks them;
- ``bad`` marks the rows where the exact path itself would raise (a division by exactly 0):
  callers send them to the per-object path, which reports the error;
- exact values (:meth:`Num.exact`, :meth:`Num.exact_at`) follow the same operations with
  Python integers along the branches decided; they are never rounded.

>>> from fractions import Fraction
>>> third = constant(Fraction(1, 3), 2)
>>> total = add(add(third, third), third)
>>> bool((abs(total.v - 1.0) <= total.e).all()), exact_values(total)
(True, [Fraction(1, 1), Fraction(1, 1)])
>>> same = compare(total, constant(Fraction(1), 2), "==")
>>> same.value.tolist(), same.slow.tolist()
([True, True], [True, True])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from . import exact64
from .exact64 import Small

__all__ = [
    "ETA",
    "UP",
    "Cond",
    "Lab",
    "Num",
    "U",
    "abs_",
    "add",
    "choose",
    "compare",
    "constant",
    "divide",
    "exact_values",
    "from_decimal",
    "multiply",
    "negate",
    "objects",
    "select",
    "subtract",
    "take",
]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Objects = npt.NDArray[np.object_]
#: An exact column: numerators and denominators (Python ints; a denominator may be negative,
#: and is 0 only on rows that are bad), as object arrays or plain ints for constants.
Exact = tuple[Any, Any]
#: Builds the exact column of the rows given (all rows for None).
Builder = Callable[[Ints | None], Exact]
#: Builds the int64 tier of the exact column of the rows given (:mod:`.exact64`).
SmallBuilder = Callable[[Ints | None], Small]

#: Unit roundoff of binary64 (round to nearest).
U = 2.0**-53
#: Smallest subnormal: the absolute error a product or quotient may have on underflow.
ETA = 2.0**-1074
#: Inflation of every computed bound: the bound's own few float operations round too, each by
#: at most a factor (1 + u); 2⁻⁴⁸ covers far more than the handful of them per bound.
UP = 1.0 + 2.0**-48


@dataclass(slots=True)
class Num:
    """A number column: value ``v``, error bound ``e``, bad rows, the exact value lazily."""

    v: Floats
    e: Floats
    #: Rows on which the exact path raises (their other fields mean nothing).
    bad: Bools
    build: Builder
    cache: list[Exact] = field(default_factory=list)
    #: The int64 tier (None: every row takes the Python-integer builder).
    small: SmallBuilder | None = None
    #: The last int64 answer with the rows it was for (a value feeding two operations of
    #: one expression is asked twice for the same rows).
    memo: list[tuple[Ints | None, Small]] = field(default_factory=list)

    def exact(self) -> Exact:
        """The exact column of every row, computed once."""
        if not self.cache:
            self.cache.append(self.build(None))
        return self.cache[0]

    def exact_at(self, rows: Ints | None) -> Exact:
        """The exact column of ``rows`` only (all of it, from the cache, once built)."""
        if rows is None:
            return self.exact()
        if self.cache:
            n, d = self.cache[0]
            return _at(n, rows), _at(d, rows)
        return self.build(rows)

    def small_at(self, rows: Ints | None) -> Small:
        """The int64 tier of the exact column at ``rows`` (:mod:`.exact64`): reduced
        fractions, ``ok`` False on the rows that need the Python-integer builder."""
        if self.memo and self.memo[0][0] is rows:
            return self.memo[0][1]
        if self.small is None:
            result = exact64.nothing(len(self.v) if rows is None else len(rows))
        else:
            result = self.small(rows)
        self.memo[:] = [(rows, result)]
        return result


@dataclass(frozen=True, slots=True)
class Cond:
    """A boolean column; ``bad`` rows raise on the exact path; ``slow`` rows were decided by
    the exact stage."""

    value: Bools
    bad: Bools
    slow: Bools | None = None


@dataclass(frozen=True, slots=True)
class Lab:
    """Enum members by index into the enum's member list (exact)."""

    enum: str
    #: Member index per row; -1 where there is no value.
    index: Ints
    bad: Bools


def _at(part: Any, rows: Ints) -> Any:
    return part[rows] if isinstance(part, np.ndarray) else part


def objects(values: list[int]) -> Objects:
    """Python ints as an object array (never int64: products must not overflow)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@lru_cache(maxsize=4096)
def _constant(value: Fraction) -> tuple[float, float, int, int]:
    """A constant's float, bound, numerator and denominator (rulebooks reuse a few)."""
    v = float(value)
    err = 0.0 if Fraction(v) == value else (U * abs(v) + ETA) * UP
    return v, err, value.numerator, value.denominator


def constant(value: Fraction, n: int) -> Num:
    """An exact rational constant broadcast to ``n`` rows (bound 0 if the float is exact)."""
    v, err, num, den = _constant(value)

    def small(rows: Ints | None) -> Small:
        return exact64.full(num, den, n if rows is None else len(rows))

    return Num(np.full(n, v), np.full(n, err), np.zeros(n, bool), lambda rows: (num, den),
               small=small)  # fmt: skip


_POWERS = np.array([10**k for k in range(23)], dtype=object)
_POWERS64 = np.array([10**k for k in range(19)], dtype=np.int64)


def from_decimal(digits: Ints, scale: Ints) -> Num:
    """Decimals ``digits / 10**scale`` (|digits| < 2⁵³, 0 ≤ scale ≤ 22) as a column.

    Both conversions are exact in float and the quotient is correctly rounded, so the bound
    is ``u|v|``, and 0 where the scale is 0 (an integer below 2⁵³ is a float exactly).
    """
    powers = 10.0 ** scale.astype(np.float64)
    v = digits.astype(np.float64) / powers
    e = np.where(scale == 0, 0.0, U * np.abs(v) * UP)

    def build(rows: Ints | None) -> Exact:
        d = digits if rows is None else digits[rows]
        k = scale if rows is None else scale[rows]
        # astype(object) makes Python ints in C; the powers come from a table.
        return d.astype(object), _POWERS[k]

    def small(rows: Ints | None) -> Small:
        d = digits if rows is None else digits[rows]
        k = scale if rows is None else scale[rows]
        fit = k <= 18
        # Not reduced: a decimal shares at most powers of 2 and 5 with 10ᵏ, and the products
        # it enters cancel them anyway (a gcd per input would cost more than it saves).
        power = np.where(fit, _POWERS64[np.minimum(k, 18)], 0)
        return exact64.ints(np.where(fit, d, 0), power, reduce=False)

    return Num(v, e, np.zeros(len(v), bool), build, small=small)


def add(a: Num, b: Num) -> Num:
    """``a + b``: bound ``(ea + eb + u|v|)·UP``."""
    v = a.v + b.v
    e = (a.e + b.e + U * np.abs(v)) * UP

    def build(rows: Ints | None) -> Exact:
        (an, ad), (bn, bd) = a.exact_at(rows), b.exact_at(rows)
        if isinstance(ad, int) and isinstance(bd, int) and ad == bd:
            return an + bn, ad
        return _mul(an, bd) + _mul(bn, ad), _mul(ad, bd)

    def small(rows: Ints | None) -> Small:
        return exact64.add(a.small_at(rows), b.small_at(rows))

    return Num(v, e, a.bad | b.bad, build, small=small)


def negate(a: Num) -> Num:
    """``-a``: exact in float."""

    def build(rows: Ints | None) -> Exact:
        n, d = a.exact_at(rows)
        return -n, d

    def small(rows: Ints | None) -> Small:
        return exact64.negate(a.small_at(rows))

    return Num(-a.v, a.e, a.bad, build, small=small)


def subtract(a: Num, b: Num) -> Num:
    """``a - b``, as ``a + (-b)``."""
    return add(a, negate(b))


def multiply(a: Num, b: Num) -> Num:
    """``a × b``: bound ``(|a|eb + |b|ea + ea·eb + u|v| + η)·UP``."""
    v = a.v * b.v
    e = (np.abs(a.v) * b.e + np.abs(b.v) * a.e + a.e * b.e + U * np.abs(v) + ETA) * UP

    def build(rows: Ints | None) -> Exact:
        (an, ad), (bn, bd) = a.exact_at(rows), b.exact_at(rows)
        return _mul(an, bn), _mul(ad, bd)

    def small(rows: Ints | None) -> Small:
        return exact64.multiply(a.small_at(rows), b.small_at(rows))

    return Num(v, e, a.bad | b.bad, build, small=small)


def divide(a: Num, b: Num) -> Num:
    """``a ÷ b``. Where ``|b| > eb`` the bound is
    ``((ea + (|v| + η)·eb) / ((|b| − eb)(1 − 2⁻⁵⁰)) + u|v| + η)·UP`` (the exact
    ``|A/B − a/b| ≤ (ea + |a/b|·eb)/(|b| − eb)``, the divisor's lower bound rounded down).
    Elsewhere the exact stage looks at the divisor: exactly 0 is bad (the exact path raises),
    otherwise the bound is infinite (every later decision on the row goes to the exact stage).
    """
    margin = np.abs(b.v) - b.e
    unsure = ~(margin > 0) & ~b.bad
    safe = np.where(unsure, 1.0, b.v)
    v = a.v / safe
    low = np.where(unsure, 1.0, margin) * (1.0 - 2.0**-50)
    e = ((a.e + (np.abs(v) + ETA) * b.e) / low + U * np.abs(v) + ETA) * UP
    e = np.where(unsure, np.inf, e)
    bad = a.bad | b.bad
    rows = np.flatnonzero(unsure)
    if len(rows):
        num, _ = b.exact_at(rows)
        zero = np.array([x == 0 for x in _listed(num, len(rows))], dtype=bool)
        bad = bad.copy()
        bad[rows[zero]] = True

    def build(rows: Ints | None) -> Exact:
        (an, ad), (bn, bd) = a.exact_at(rows), b.exact_at(rows)
        return _mul(an, bd), _mul(ad, bn)

    def small(rows: Ints | None) -> Small:
        return exact64.divide(a.small_at(rows), b.small_at(rows))

    return Num(v, e, bad, build, small=small)


def _mul(x: Any, y: Any) -> Any:
    """``x * y`` for exact parts, skipping a factor that is the plain int 1 (no row work)."""
    if isinstance(y, int) and y == 1:
        return x
    if isinstance(x, int) and x == 1:
        return y
    return x * y


def _listed(part: Any, n: int) -> list[Any]:
    return part.tolist() if isinstance(part, np.ndarray) else [part] * n


def abs_(a: Num) -> tuple[Num, Bools]:
    """``|a|`` (the sign decided as any comparison is), and the rows decided exactly."""
    sign = compare(a, constant(Fraction(0), len(a.v)), "<")
    negative = sign.value

    def build(rows: Ints | None) -> Exact:
        n, d = a.exact_at(rows)
        return select(negative if rows is None else negative[rows], -n, n), d

    def small(rows: Ints | None) -> Small:
        return exact64.absolute(a.small_at(rows))

    slow = np.zeros(len(a.v), bool) if sign.slow is None else sign.slow
    return Num(np.abs(a.v), a.e, a.bad | sign.bad, build, small=small), slow


def select(mask: Bools, yes: Any, no: Any) -> Any:
    """Rowwise ``yes if mask else no`` for exact parts (object arrays or plain ints)."""
    if isinstance(yes, int) and isinstance(no, int) and yes == no:
        return yes
    if mask.all():
        return yes
    if not mask.any():
        return no
    # Object arrays on both sides: np.where would make an int64 array of two plain ints,
    # and int64 products overflow silently.
    return np.where(mask, _objects(yes, len(mask)), _objects(no, len(mask)))


def _objects(part: Any, n: int) -> Objects:
    if isinstance(part, np.ndarray):
        return part if part.dtype == object else part.astype(object)
    return np.full(n, part, dtype=object)


_SIGNS: dict[str, Callable[[Any], Any]] = {
    "<": lambda s: s < 0,
    "<=": lambda s: s <= 0,
    ">": lambda s: s > 0,
    ">=": lambda s: s >= 0,
    "==": lambda s: s == 0,
    "!=": lambda s: s != 0,
}


def compare(a: Num, b: Num, op: str) -> Cond:
    """``a op b``, exactly: from the sign of ``d = a − b`` where ``|d| > ed`` (or ``ed == 0``:
    both sides exact and equal floats), from the exact ``d`` on the other rows."""
    d = subtract(a, b)
    sure = ((np.abs(d.v) > d.e) | (d.e == 0)) & np.isfinite(d.e) & np.isfinite(d.v)
    sign = np.sign(np.where(sure, d.v, 0.0))
    slow = ~sure & ~d.bad
    rows = np.flatnonzero(slow)
    if len(rows):
        num, den = d.exact_at(rows)
        signs = [
            ((n > 0) - (n < 0)) * ((q > 0) - (q < 0))
            for n, q in zip(_listed(num, len(rows)), _listed(den, len(rows)), strict=True)
        ]
        sign[rows] = signs
    return Cond(_SIGNS[op](sign), d.bad, slow)


def exact_values(a: Num) -> list[Fraction]:
    """The exact column as Fractions (for tests and doctests; the writer avoids them)."""
    n, d = a.exact()
    rows = len(a.v)
    return [Fraction(x, y) for x, y in zip(_listed(n, rows), _listed(d, rows), strict=True)]


def take(a: Num, index: Ints) -> Num:
    """The rows ``index`` of ``a`` (in that order)."""

    def build(rows: Ints | None) -> Exact:
        return a.exact_at(index if rows is None else index[rows])

    def small(rows: Ints | None) -> Small:
        return a.small_at(index if rows is None else index[rows])

    return Num(a.v[index], a.e[index], a.bad[index], build, small=small)


def choose(mask: Bools, yes: Num, no: Num) -> Num:
    """Rowwise ``yes if mask else no``; a row is bad where the chosen side is."""

    def build(rows: Ints | None) -> Exact:
        m = mask if rows is None else mask[rows]
        if m.all():
            return yes.exact_at(rows)
        if not m.any():
            return no.exact_at(rows)
        (yn, yd), (nn, nd) = yes.exact_at(rows), no.exact_at(rows)
        return select(m, yn, nn), select(m, yd, nd)

    def small(rows: Ints | None) -> Small:
        m = mask if rows is None else mask[rows]
        if m.all():
            return yes.small_at(rows)
        if not m.any():
            return no.small_at(rows)
        return exact64.where(m, yes.small_at(rows), no.small_at(rows))

    return Num(
        np.where(mask, yes.v, no.v),
        np.where(mask, yes.e, no.e),
        np.where(mask, yes.bad, no.bad),
        build,
        small=small,
    )
