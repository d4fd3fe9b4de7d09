"""The int64 tier of exact values: reduced fractions in machine integers, certified per row.

Input: exact rationals as ``Small`` triples of numpy columns: numerators (int64),
denominators (int64, positive) and ``ok`` (bool). Output: the exact stage's operations
(``+ − × ÷``, ``|x|``, rowwise choice, row selection) on such triples, with a positive
denominator: products and quotients cross-cancelled (in lowest terms when their operands
are), sums over the lcm of the denominators and not reduced (most would not shrink, and a
gcd is the costliest step); :func:`reduced` gives lowest terms.

Guarantees: on every row where ``ok`` holds, ``num/den`` is exactly the rational the
Python-integer path (:mod:`.arith`'s builders) gives (as a rational); where ``ok`` is False the
row's integers mean nothing and the caller takes the Python-integer path for that row. The
overflow certificate is per row and static in form: a product ``x·y`` is formed only where
``fl(|x|)·fl(|y|) < 2⁶¹``; the three roundings (two conversions, one product) are each
within a factor ``1 ± 2⁻⁵³``, so the true ``|x·y|`` is below ``2⁶¹(1 + 2⁻⁵⁰)`` and a sum
of two such products below ``2⁶³``: no int64 operation of an ``ok`` row wraps. Quotients
and gcds of int64 values never overflow (no value is ``−2⁶³``: every magnitude stays below
``2⁶³``, inputs included, see :func:`ints`).

>>> half, third = ints(np.array([1]), np.array([2])), ints(np.array([-2]), np.array([-6]))
>>> [int(x[0]) for x in add(half, third)]  # 1/2 + 1/3 = 5/6, ok
[5, 6, 1]
>>> [int(x[0]) for x in multiply(ints(np.array([2**40]), np.array([3])), half)][:2]
[549755813888, 3]
>>> big = ints(np.array([2**40]), np.array([1]))
>>> bool(multiply(big, ints(np.array([2**30]), np.array([1])))[2][0])  # 2⁷⁰: not ok
False
"""

from __future__ import annotations

from math import gcd
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "LIMIT",
    "Small",
    "absolute",
    "add",
    "divide",
    "full",
    "ints",
    "multiply",
    "negate",
    "nothing",
    "python_ints",
    "reduced",
    "where",
]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
#: Numerators, positive denominators, and the rows on which they are the exact value.
Small = tuple[Ints, Ints, Bools]

#: Bound on the float estimate of every product (see the module's certificate).
LIMIT = 2.0**61
#: Inputs must be below this in magnitude (so that |x| and −x never wrap).
_INPUT = 2**62
# What ints() certifies: numerators and denominators of magnitude below 2⁶¹.
_BOUND = np.int64(2**61)


def _fits(x: Ints, y: Ints) -> Bools:
    """Rows where ``|x·y|`` is certainly below 2⁶¹ (with the margin of the module)."""
    return np.abs(x.astype(np.float64)) * np.abs(y.astype(np.float64)) < LIMIT


def _reduce(num: Ints, den: Ints, ok: Bools) -> Small:
    """``num/den`` in lowest terms (``den > 0`` on ``ok`` rows; other rows set to 0/1)."""
    num = np.where(ok, num, 0)
    den = np.where(ok, den, 1)
    g = np.gcd(num, den)  # ≥ 1: den ≥ 1 on every row now
    return num // g, den // g, ok


def reduced(a: Small) -> Small:
    """``a`` in lowest terms (sums are left unreduced: most of them would not shrink)."""
    return _reduce(*a)


def nothing(n: int) -> Small:
    """No exact value on any of ``n`` rows (the caller takes the Python-integer path)."""
    return np.zeros(n, np.int64), np.ones(n, np.int64), np.zeros(n, bool)


def full(num: int, den: int, n: int) -> Small:
    """A constant rational on ``n`` rows (not ok if it does not fit)."""
    if den < 0:
        num, den = -num, -den
    if den == 0 or abs(num) >= _INPUT or den >= _INPUT:
        return nothing(n)
    g = gcd(num, den)
    return np.full(n, num // g, np.int64), np.full(n, den // g, np.int64), np.ones(n, bool)


def ints(num: npt.NDArray[Any], den: npt.NDArray[Any], reduce: bool = True) -> Small:
    """int64 columns ``num/den`` (any signs; rows with ``den == 0`` or a magnitude from 2⁶¹
    on are not ok), in lowest terms unless ``reduce`` is False."""
    num = np.asarray(num, dtype=np.int64)
    den = np.asarray(den, dtype=np.int64)
    # Compared as integers: through float64, 2⁶¹ − 128 rounds up to 2⁶¹ and a row the bound
    # admits was refused (np.abs is avoided too: it overflows on −2⁶³).
    ok = (den != 0) & (num < _BOUND) & (num > -_BOUND) & (den < _BOUND) & (den > -_BOUND)
    if (den == 1).all():  # whole numbers: reduced already
        return np.where(ok, num, 0), den, ok
    flip = den < 0
    num, den = np.where(flip, -num, num), np.where(flip, -den, den)
    if reduce:
        return _reduce(num, den, ok)
    return np.where(ok, num, 0), np.where(ok, den, 1), ok


def python_ints(nums: list[int], dens: list[int]) -> Small:
    """Python ints (from the exact stage) as a triple: rows that do not fit are not ok."""
    fit = [abs(a) < _INPUT and 0 < abs(b) < _INPUT for a, b in zip(nums, dens, strict=True)]
    num = np.array([a if f else 0 for a, f in zip(nums, fit, strict=True)], dtype=np.int64)
    den = np.array([b if f else 1 for b, f in zip(dens, fit, strict=True)], dtype=np.int64)
    ok = np.array(fit, dtype=bool)
    flip = den < 0
    return _reduce(np.where(flip, -num, num), np.where(flip, -den, den), ok)


def negate(a: Small) -> Small:
    """``−a`` (exact: magnitudes stay below 2⁶³)."""
    return -a[0], a[1], a[2]


def absolute(a: Small) -> Small:
    """``|a|``."""
    return np.abs(a[0]), a[1], a[2]


def add(a: Small, b: Small) -> Small:
    """``a + b`` over the lcm of the denominators: ``(an·(bd/g) + bn·(ad/g)) / (ad/g·bd)``."""
    an, ad, aok = a
    bn, bd, bok = b
    if (ad == 1).all() and (bd == 1).all():  # whole numbers (weights): no gcd to take
        ok = aok & bok & (np.abs(an) < 2**61) & (np.abs(bn) < 2**61)
        return np.where(ok, an + bn, 0), ad, ok
    g = np.gcd(ad, bd)
    ad_g, bd_g = ad // g, bd // g
    ok = aok & bok & _fits(an, bd_g) & _fits(bn, ad_g) & _fits(ad_g, bd)
    with np.errstate(over="ignore"):
        num, den = an * bd_g + bn * ad_g, ad_g * bd
    return np.where(ok, num, 0), np.where(ok, den, 1), ok


def multiply(a: Small, b: Small) -> Small:
    """``a × b`` with cross-cancellation (in lowest terms when ``a`` and ``b`` are)."""
    an, ad, aok = a
    bn, bd, bok = b
    # Whole-number sides (weights, constants) have nothing to cancel against.
    if (bd == 1).all():
        x, q = an, bd
    else:
        g1 = np.gcd(an, bd)  # ≥ 1: bd ≥ 1 on every row
        x, q = an // g1, bd // g1
    if (ad == 1).all():
        y, p = bn, ad
    else:
        g2 = np.gcd(bn, ad)
        y, p = bn // g2, ad // g2
    ok = aok & bok & _fits(x, y) & _fits(p, q)
    with np.errstate(over="ignore"):
        num, den = x * y, p * q
    return np.where(ok, num, 0), np.where(ok, den, 1), ok


def divide(a: Small, b: Small) -> Small:
    """``a ÷ b`` (rows where ``b`` is 0 are not ok: the exact stage reports them)."""
    bn, bd, bok = b
    ok = bok & (bn != 0)
    flip = bn < 0
    inverse = (np.where(flip, -bd, bd), np.where(ok, np.abs(bn), 1), ok)
    return multiply(a, inverse)


def where(mask: Bools, yes: Small, no: Small) -> Small:
    """Rowwise ``yes if mask else no``."""
    return (
        np.where(mask, yes[0], no[0]),
        np.where(mask, yes[1], no[1]),
        np.where(mask, yes[2], no[2]),
    )
