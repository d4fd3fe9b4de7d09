"""How the pipeline carries numbers between stages: exactly, with both paths at hand.

Input: the model's Decimals and the rulebook's results (Decimal, Fraction, labels, tuples).
Output: the internal carry (:func:`to_exact`: numbers as Fractions, everything else as it is),
the public form (:func:`to_public`: a normalised Decimal), and the fast path's arguments
(:func:`fast_args`: Fractions as exact Decimals, or None when one does not terminate).
Guarantees: no conversion rounds (a result's :class:`~.number.Number` is carried as its exact
value, never as its rounded Decimal); every cache here is keyed by the exact value, bounded, and
emptied by :func:`clear_number_caches`, so a cached answer is the answer recomputed.

Internal to :mod:`kinerja_engine.scoring`; not part of the public API.

>>> from decimal import Decimal
>>> to_exact((Decimal("0.5"), 3)), to_public(Fraction(1, 4))
((Fraction(1, 2), 3), Decimal('0.25'))
>>> fast_args([Fraction(1, 4), Fraction(100, 3)]) is None, decimal_of(Fraction(1, 8))
(True, Decimal('0.125'))
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..values import Label, fraction_to_decimal, normalize
from .number import Number, clear_number_cache, terminating_decimal, to_number

__all__ = [
    "clear_number_caches",
    "decimal_of",
    "decimals_of",
    "equal_weights",
    "fast_args",
    "fraction_of",
    "to_exact",
    "to_public",
]

# Fractions of the Decimals that recur from plan to plan (targets, realisasi, capaian):
# a Fraction costs ~1 µs to build, a look-up ~0.1 µs. Equal Decimals give equal Fractions.
_FRACTIONS: dict[Decimal, Fraction] = {}


def fraction_of(value: Decimal) -> Fraction:
    """``Fraction(value)``, remembered for the values that recur."""
    found = _FRACTIONS.get(value)
    if found is None:
        if len(_FRACTIONS) > 50_000:  # bounded: memory stays flat over any number of plans
            _FRACTIONS.clear()
        found = _FRACTIONS[value] = Fraction(value)
    return found


def to_exact(value: Any) -> Any:
    """Internal carry: numbers as Fractions (exact), everything else unchanged."""
    kind = type(value)
    if kind is Number:  # a result's number: its exact value, not its rounded Decimal
        return value.exact
    if kind is Fraction or kind is Label or kind is bool:
        return value
    if kind is Decimal:
        return fraction_of(value)
    if kind is tuple:  # the arguments of a call, a list of capaian or weights
        return tuple([to_exact(v) for v in value])
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, tuple):
        return tuple(to_exact(v) for v in value)
    return value


def to_public(value: Fraction) -> Decimal:
    """A carried number as the Decimal a caller sees (exact, trailing zeros dropped)."""
    return normalize(fraction_to_decimal(value))


def decimal_of(value: Any) -> Decimal | None:
    """The exact Decimal of a number (Fraction, Number or Decimal), or None if it does not
    terminate (or is not a number). No cache and no division tried: the cost is the same
    whether values recur or not.

    >>> decimal_of(Number.of(Fraction(5, 2))), decimal_of(Number.of(Fraction(1, 3)))
    (Decimal('2.5'), None)
    """
    kind = type(value)
    if kind is Fraction:
        return terminating_decimal(value)
    if kind is Number:
        # A Number that is exact is its Decimal; a rounded one does not terminate.
        return Decimal(value) if value.is_exact else None
    return value if kind is Decimal else None


def fast_args(args: Sequence[Any]) -> list[Any] | None:
    """Arguments for the fast path (Fractions as exact Decimals, tuples element-wise, labels
    as they are), or None when a Fraction does not terminate (found from its denominator,
    see :func:`decimal_of`: nothing is raised and caught)."""
    out: list[Any] = []
    for value in args:
        kind = type(value)
        converted: Any
        if kind is Fraction or kind is Number:
            converted = decimal_of(value)
        elif kind is tuple:
            inner = fast_args(value)
            converted = None if inner is None else tuple(inner)
        else:
            converted = value
        if converted is None:
            return None
        out.append(converted)
    return out


def decimals_of(values: Sequence[Any]) -> tuple[Decimal, ...] | None:
    """Every value as an exact Decimal, or None if one does not terminate."""
    out = []
    for value in values:
        dec = decimal_of(value)
        if dec is None:
            return None
        out.append(dec)
    return tuple(out)


# Equal weights by count (100, 50, 100/3, …): the same few in every plan, made once as the
# Numbers the result records hold.
_EQUAL_WEIGHTS: dict[int, tuple[Number, ...]] = {}


def equal_weights(count: int) -> tuple[Number, ...]:
    """``count`` equal weights adding up to exactly 100, as result Numbers.

    >>> equal_weights(3)
    (Number('33.3333333333', exact='100/3'), Number('33.3333333333', exact='100/3'), Number('33.3333333333', exact='100/3'))
    >>> sum(w.exact for w in equal_weights(3))
    Fraction(100, 1)
    """  # noqa: E501
    equal = _EQUAL_WEIGHTS.get(count)
    if equal is None:
        equal = (to_number(Fraction(100, count)),) * count if count else ()
        if count <= 100:  # bounded: plans have a handful of indicators
            _EQUAL_WEIGHTS[count] = equal
    return equal


def clear_number_caches() -> None:
    """Forget every converted number and equal-weight list (a cold start)."""
    _FRACTIONS.clear()
    _EQUAL_WEIGHTS.clear()
    clear_number_cache()
