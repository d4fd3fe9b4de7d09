"""Exact numbers as the cells of a records file, from integer numerators and denominators.

Input: a numerator and a non-zero denominator (Python ints, any signs), or whole columns of
reduced int64 fractions. Output: :func:`number_cells` gives the two cells a records file
holds for that number, the value and its ``_exact`` text, exactly as ``write_rows`` writes
what :func:`~kinerja_engine.io.records.record_number` gives (``format(value, "f")``): the
whole decimal when it is finite, else rounded half up to ``RECORD_PLACES`` places with
``"p/q"`` beside it. :func:`number_columns` writes the same cells for int64 columns with
numpy and Arrow string kernels (no Python object per row), leaving the few rows whose
digits would leave int64 to :func:`number_cells`; :func:`scatter` puts parts of a column
together. Guarantees: integer arithmetic only (no Fraction, no Decimal, no float); equal to
the records path for every input (tests compare both functions with it on generated
values); numbers of 28 digits and more, which never come out of a score, take the records
path itself.

>>> number_cells(833, 10), number_cells(-1, 3), number_cells(250, 3)
(('83.3', None), ('-0.333333', '-1/3'), ('83.333333', '250/3'))
>>> number_cells(1, 2**10)[0], number_cells(-1, 3 * 10**7), number_cells(0, -7)
('0.0009765625', ('0.000000', '-1/30000000'), ('0', None))
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import gcd
from typing import Any

import numpy as np
import numpy.typing as npt

from ..io.records import RECORD_PLACES, record_number
from .lazy import arrow, compute

__all__ = ["number_cells", "number_columns", "scatter"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
#: Rows of a column (positions) and their cells (an Arrow string array).
Part = tuple[Ints, Any]

_SCALE = 10**RECORD_PLACES
# From 28 significant digits on, record_number goes through the default decimal context
# (28 digits): such numbers take its own path, so that the cells stay the same.
_WIDE = 10**27


def _slow(num: int, den: int) -> tuple[str, str | None]:
    value, exact = record_number(Fraction(num, den))
    assert value is not None
    return format(value, "f"), exact


def _twos_fives(d: int) -> tuple[int, int, int]:
    """``d`` as ``2^a · 5^b · rest``: (a, b, rest)."""
    twos = (d & -d).bit_length() - 1
    d >>= twos
    fives = 0
    while d % 5 == 0:
        d //= 5
        fives += 1
    return twos, fives, d


def _point(digits: int, places: int) -> str:
    """``digits / 10^places`` written out (``digits`` ≥ 0)."""
    if places == 0:
        return str(digits)
    text = str(digits).rjust(places + 1, "0")
    return f"{text[:-places]}.{text[-places:]}"


def number_cells(num: int, den: int) -> tuple[str, str | None]:
    """The value cell and the ``_exact`` cell of ``num / den`` in a records file."""
    if den < 0:
        num, den = -num, -den
    g = gcd(num, den)
    if g > 1:
        num, den = num // g, den // g
    twos, fives, rest = _twos_fives(den)
    sign = "-" if num < 0 else ""
    if rest == 1:
        # A finite decimal: num/den = num·(10^k/den) / 10^k, written out whole (no trailing
        # zeros: the fraction is reduced, so the last digit is not 0).
        places = max(twos, fives)
        digits = abs(num) * (10**places // den)
        if digits >= _WIDE:
            return _slow(num, den)
        return sign + _point(digits, places), None
    scaled = abs(num) * _SCALE
    whole, remainder = divmod(scaled, den)
    if 2 * remainder >= den:
        whole += 1
    if whole >= _WIDE:
        return _slow(num, den)
    text = _point(whole, RECORD_PLACES)
    return ("-" if whole and num < 0 else "") + text, f"{num}/{den}"


def scatter(n: int, parts: Sequence[Part], kind: Any = None) -> Any:
    """An Arrow column of ``n`` rows made of ``parts`` (positions, Arrow array of cells);
    rows no part names are null. ``kind``: the Arrow type (strings when None)."""
    pa = arrow()
    kind = pa.string() if kind is None else kind
    filled = [(rows, array) for rows, array in parts if len(array)]
    if not filled:
        return pa.nulls(n, kind)
    if len(filled) == 1 and len(filled[0][0]) == n and (filled[0][0] == np.arange(n)).all():
        return filled[0][1].cast(kind)  # one part, every row in order: as it is
    arrays = [array for _, array in filled]
    arrays.append(pa.nulls(1, kind))
    index = np.full(n, sum(len(a) for a in arrays) - 1, np.int64)
    offset = 0
    for rows, array in filled:
        index[rows] = np.arange(offset, offset + len(array))
        offset += len(array)
    whole = pa.concat_arrays([a.cast(kind) for a in arrays])
    return whole.take(pa.array(index))


def _texts(values: Ints) -> Any:
    pa, pc = arrow(), compute()
    return pc.cast(pa.array(values), pa.string())


def _points(digits: Ints, places: int, negative: Bools) -> Any:
    """``digits / 10^places`` written out (``digits`` ≥ 0), ``-`` before the ``negative``."""
    pc = compute()
    if places == 0:
        text = _texts(digits)
    else:
        power = np.int64(10**places)
        fraction = pc.utf8_lpad(_texts(digits % power), places, "0")
        text = pc.binary_join_element_wise(_texts(digits // power), fraction, ".")
    if negative.any():
        signed = pc.binary_join_element_wise("-", text, "")
        text = pc.if_else(negative, signed, text)
    return text


def _fits(x: Ints, y: Ints) -> Bools:
    """``|x·y| < 2⁶¹`` certainly (as in :mod:`.exact64`)."""
    return np.abs(x.astype(np.float64)) * np.abs(y.astype(np.float64)) < 2.0**61


def number_columns(num: Ints, den: Ints, ok: Bools) -> tuple[list[Part], list[Part], Bools]:
    """The cells :func:`number_cells` gives, for the ``ok`` rows of reduced int64 fractions
    (``den > 0``, magnitudes below 2⁶²): parts of the value column and of the ``_exact``
    column (rows of a finite decimal have no ``_exact`` part: null), and the rows done.

    The rows not done (not ok, or whose digits would leave int64) are the caller's, for
    :func:`number_cells`. The same steps as :func:`number_cells`: the powers of 2 and 5 of
    the denominator decide a finite decimal; otherwise six digits of long division (each
    step's remainder times 10 stays below 2⁶³ since the denominator is below 2⁵⁹), then half
    up on the last remainder.

    >>> import numpy as np
    >>> shown, exact, done = number_columns(np.array([833, -1, 0]), np.array([10, 3, 1]),
    ...                                     np.ones(3, bool))  # fmt: skip
    >>> scatter(3, shown).to_pylist(), scatter(3, exact).to_pylist(), done.tolist()
    (['83.3', '-0.333333', '0'], [None, '-1/3', None], [True, True, True])
    """
    pc = compute()
    num, den = np.where(ok, num, 0), np.where(ok, den, 1)
    magnitude = np.abs(num)
    negative = num < 0
    low = den & -den
    twos = np.frexp(low.astype(np.float64))[1].astype(np.int64) - 1  # low is 2^twos, exact
    rest = den >> twos
    fives = np.zeros(len(den), np.int64)
    divisible = rest % 5 == 0
    while divisible.any():
        rest = np.where(divisible, rest // 5, rest)
        fives += divisible
        divisible = rest % 5 == 0
    finite = ok & (rest == 1)
    places = np.maximum(twos, fives)
    done = np.zeros(len(num), bool)
    shown: list[Part] = []
    exact: list[Part] = []
    for p in np.unique(places[finite]).tolist():
        if p > 18:
            continue
        rows = np.flatnonzero(finite & (places == p))
        scale = np.int64(10**p) // den[rows]
        fit = _fits(magnitude[rows], scale)
        rows, scale = rows[fit], scale[fit]
        digits = magnitude[rows] * scale
        shown.append((rows, _points(digits, p, negative[rows])))
        done[rows] = True
    rows = np.flatnonzero(ok & ~finite & (den < 2**59) & (magnitude // den < 9 * 10**12))
    d = den[rows]
    whole, remainder = np.divmod(magnitude[rows], d)
    for _ in range(RECORD_PLACES):
        digit, remainder = np.divmod(remainder * 10, d)
        whole = whole * 10 + digit
    whole += 2 * remainder >= d
    shown.append((rows, _points(whole, RECORD_PLACES, negative[rows] & (whole != 0))))
    exact.append((rows, pc.binary_join_element_wise(_texts(num[rows]), _texts(d), "/")))
    done[rows] = True
    return shown, exact, done
