"""Exact numbers as the cells of a records file, from integer numerators and denominators.

Input: a numerator and a non-zero denominator (Python ints, any signs). Output:
:func:`number_cells` gives the two cells a records file holds for that number, the value and
its ``_exact`` text, exactly as ``write_rows`` writes what
:func:`~kinerja_engine.io.records.record_number` gives (``format(value, "f")``): the whole
decimal when it is finite, else rounded half up to ``RECORD_PLACES`` places with ``"p/q"``
beside it. Guarantees: integer arithmetic only (no Fraction, no Decimal), so a column of
numbers costs a few integer operations per row; equal to the records path for every input
(a test compares them on generated values); numbers of 28 digits and more, which never
come out of a score, take the records path itself.

>>> number_cells(833, 10), number_cells(-1, 3), number_cells(250, 3)
(('83.3', None), ('-0.333333', '-1/3'), ('83.333333', '250/3'))
>>> number_cells(1, 2**10)[0], number_cells(-1, 3 * 10**7), number_cells(0, -7)
('0.0009765625', ('0.000000', '-1/30000000'), ('0', None))
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd

from ..io.records import RECORD_PLACES, record_number

__all__ = ["number_cells"]

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
