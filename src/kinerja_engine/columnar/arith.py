"""Column values with a certified error bound, and their exact values on demand.

Input: numpy float64 columns (one value per row) and the exact rationals they stand for.
Output: :class:`Num` (a float column ``v``, a column ``e`` of absolute error bounds, and the
exact value as numerator/denominator columns of Python ints, built only when asked for),
:class:`Cond` (a boolean column and a column saying where it is *certain*) and :class:`Lab`
(enum member indices, always exact). Guarantees, for every row not marked bad:

- ``|exact − v| ≤ e`` (the standard model of IEEE binary64, ``|fl(a∘b) − a∘b| ≤ u|a∘b| + η``
  with ``u = 2⁻⁵³`` and ``η = 2⁻¹⁰⁷⁴``, every bound inflated by ``UP`` so that the rounding
  of the bound's own computation is covered; see docs/columnar.md);
- a comparison is ``sure`` only where its margin exceeds the bound, so a sure answer is the
  exact answer; callers mark the other rows for the exact per-object path;
- the exact value (:meth:`Num.exact`) is computed from the exact inputs by the same operations
  with Python integers, following the branches the float columns decided; it is never rounded.

>>> import numpy as np
>>> from fractions import Fraction
>>> third = constant(Fraction(1, 3), 2)
>>> total = add(add(third, third), third)
>>> bool((abs(total.v - 1.0) <= total.e).all()), exact_values(total)
(True, [Fraction(1, 1), Fraction(1, 1)])
>>> compare(total, constant(Fraction(1), 2), "==").bad.tolist()
[True, True]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "ETA",
    "U",
    "UP",
    "Cond",
    "Lab",
    "Num",
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
    "select",
    "subtract",
    "take",
]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]
#: An exact column: numerators and denominators (Python ints; a denominator may be negative,
#: never zero on a row that is not bad), as object arrays or plain ints for constants.
Exact = tuple[Any, Any]

#: Unit roundoff of binary64 (round to nearest).
U = 2.0**-53
#: Smallest subnormal: the absolute error a product or quotient may have on underflow.
ETA = 2.0**-1074
#: Inflation of every computed bound: the bound's own few float operations round too, each by
#: at most a factor (1 + u); 2⁻⁴⁸ covers far more than the handful of them per bound.
UP = 1.0 + 2.0**-48


@dataclass(slots=True)
class Num:
    """A number column: value ``v``, error bound ``e`` and the exact value, built lazily."""

    v: Floats
    e: Floats
    #: Rows whose value is not certified (an undecided branch, a divisor that may be 0):
    #: their ``v``, ``e`` and exact value mean nothing, and the row goes to the exact path.
    bad: Bools
    build: Callable[[], Exact]
    cache: list[Exact] = field(default_factory=list)

    def exact(self) -> Exact:
        """The exact column (numerators, denominators), computed once."""
        if not self.cache:
            self.cache.append(self.build())
        return self.cache[0]


@dataclass(frozen=True, slots=True)
class Cond:
    """A boolean column; ``bad`` marks the rows where it is not certain (a guess)."""

    value: Bools
    bad: Bools


@dataclass(frozen=True, slots=True)
class Lab:
    """Enum members by index into the enum's member list (exact)."""

    enum: str
    #: Member index per row; -1 where there is no value.
    index: npt.NDArray[np.int64]
    bad: Bools


def constant(value: Fraction, n: int) -> Num:
    """An exact rational constant broadcast to ``n`` rows (bound 0 if the float is exact)."""
    v = float(value)
    err = 0.0 if Fraction(v) == value else (U * abs(v) + ETA) * UP
    num, den = value.numerator, value.denominator
    return Num(np.full(n, v), np.full(n, err), np.zeros(n, bool), lambda: (num, den))


def from_decimal(digits: npt.NDArray[np.int64], scale: npt.NDArray[np.int64]) -> Num:
    """Decimals ``digits / 10**scale`` (|digits| < 2⁵³, 0 ≤ scale ≤ 22) as a column.

    Both conversions are exact in float and the quotient is correctly rounded, so the bound
    is ``u|v|``, and 0 where the scale is 0 (an integer below 2⁵³ is a float exactly).
    """
    powers = 10.0 ** scale.astype(np.float64)
    v = digits.astype(np.float64) / powers
    e = np.where(scale == 0, 0.0, U * np.abs(v) * UP)

    def build() -> Exact:
        num = np.array(digits.tolist(), dtype=object)
        den = np.array([10**k for k in scale.tolist()], dtype=object)
        return num, den

    return Num(v, e, np.zeros(len(v), bool), build)


def add(a: Num, b: Num) -> Num:
    """``a + b``: bound ``(ea + eb + u|v|)·UP``."""
    v = a.v + b.v
    e = (a.e + b.e + U * np.abs(v)) * UP

    def build() -> Exact:
        (an, ad), (bn, bd) = a.exact(), b.exact()
        return an * bd + bn * ad, ad * bd

    return Num(v, e, a.bad | b.bad, build)


def negate(a: Num) -> Num:
    """``-a``: exact in float."""

    def build() -> Exact:
        n, d = a.exact()
        return -n, d

    return Num(-a.v, a.e, a.bad, build)


def subtract(a: Num, b: Num) -> Num:
    """``a - b``, as ``a + (-b)``."""
    return add(a, negate(b))


def multiply(a: Num, b: Num) -> Num:
    """``a × b``: bound ``(|a|eb + |b|ea + ea·eb + u|v| + η)·UP``."""
    v = a.v * b.v
    e = (np.abs(a.v) * b.e + np.abs(b.v) * a.e + a.e * b.e + U * np.abs(v) + ETA) * UP

    def build() -> Exact:
        (an, ad), (bn, bd) = a.exact(), b.exact()
        return an * bn, ad * bd

    return Num(v, e, a.bad | b.bad, build)


def divide(a: Num, b: Num) -> Num:
    """``a ÷ b``; rows where ``|b| ≤ eb`` (the divisor may be 0) are bad.

    Bound ``((ea + (|v| + η)·eb) / ((|b| − eb)(1 − 2⁻⁵⁰)) + u|v| + η)·UP``: the exact
    ``|A/B − a/b| ≤ (ea + |a/b|·eb)/(|b| − eb)`` with the divisor's lower bound rounded down.
    """
    margin = np.abs(b.v) - b.e
    bad = ~(margin > 0)
    safe = np.where(bad, 1.0, b.v)
    v = a.v / safe
    low = np.where(bad, 1.0, margin) * (1.0 - 2.0**-50)
    e = ((a.e + (np.abs(v) + ETA) * b.e) / low + U * np.abs(v) + ETA) * UP
    e = np.where(bad, np.inf, e)

    def build() -> Exact:
        (an, ad), (bn, bd) = a.exact(), b.exact()
        return an * bd, ad * bn

    return Num(v, e, a.bad | b.bad | bad, build)


def abs_(a: Num) -> Num:
    """``|a|``; rows where the sign is not certified are bad (the exact value follows it)."""
    sign = compare(a, constant(Fraction(0), len(a.v)), "<")
    negative = sign.value

    def build() -> Exact:
        n, d = a.exact()
        return select(negative, -n, n), d

    return Num(np.abs(a.v), a.e, sign.bad, build)


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
    out = np.empty(n, dtype=object)
    out[:] = [part] * n
    return out


_SIGNS: dict[str, Callable[[Any], Any]] = {
    "<": lambda s: s < 0,
    "<=": lambda s: s <= 0,
    ">": lambda s: s > 0,
    ">=": lambda s: s >= 0,
    "==": lambda s: s == 0,
    "!=": lambda s: s != 0,
}


def compare(a: Num, b: Num, op: str) -> Cond:
    """``a op b`` decided from the sign of ``a − b`` where that sign is certain.

    The difference ``d`` has bound ``ed``; its sign is certain where ``|d| > ed``, and where
    ``ed == 0`` (both sides exact and equal floats: the difference is exactly 0).
    """
    d = subtract(a, b)
    sure = ((np.abs(d.v) > d.e) | (d.e == 0)) & np.isfinite(d.e) & np.isfinite(d.v)
    sign = np.sign(d.v)
    return Cond(_SIGNS[op](sign), d.bad | ~sure)


def exact_values(a: Num) -> list[Fraction]:
    """The exact column as Fractions (for tests and doctests; the writer avoids them)."""
    n, d = a.exact()
    rows = len(a.v)
    ns = n.tolist() if isinstance(n, np.ndarray) else [n] * rows
    ds = d.tolist() if isinstance(d, np.ndarray) else [d] * rows
    return [Fraction(x, y) for x, y in zip(ns, ds, strict=True)]


def _take_part(part: Any, index: npt.NDArray[np.int64]) -> Any:
    return part[index] if isinstance(part, np.ndarray) else part


def take(a: Num, index: npt.NDArray[np.int64]) -> Num:
    """The rows ``index`` of ``a`` (in that order)."""

    def build() -> Exact:
        n, d = a.exact()
        return _take_part(n, index), _take_part(d, index)

    return Num(a.v[index], a.e[index], a.bad[index], build)


def choose(mask: Bools, yes: Num, no: Num) -> Num:
    """Rowwise ``yes if mask else no``; a row is bad where the chosen side is."""

    def build() -> Exact:
        (yn, yd), (nn, nd) = yes.exact(), no.exact()
        return select(mask, yn, nn), select(mask, yd, nd)

    return Num(
        np.where(mask, yes.v, no.v),
        np.where(mask, yes.e, no.e),
        np.where(mask, yes.bad, no.bad),
        build,
    )
