"""The numbers of the result records: a ``Decimal`` that remembers its exact value.

Input: an exact number the pipeline computed (``Fraction``, ``Decimal`` or ``int``). Output:
:class:`Number`, a ``Decimal`` subclass, made by :func:`to_number` (also ``Number.of``).
Guarantees:

- A value that terminates is that exact Decimal, written without trailing zeros
  (``Fraction(189, 2)`` → ``94.5``); any other is rounded half up to :data:`DECIMAL_PLACES`
  places (``Fraction(350, 3)`` → ``116.6666666667``) and keeps its exact value.
- ``number.exact`` is always the exact ``Fraction``; ``number.is_exact`` says whether the
  Decimal is exact. Equality, hashing, ordering and the conversions that are exact by nature
  (``Fraction(n)``, ``as_integer_ratio``, ``float``, ``int``, ``math.floor``/``ceil``/``trunc``,
  truth) use the exact value, so ``Number.of(Fraction(1, 3)) == Fraction(1, 3)`` and equal
  values hash alike whatever their type. Arithmetic with a ``Fraction`` is exact and gives a
  Fraction; Decimal arithmetic (with a Decimal, an int or another Number), ``str``, ``format``
  and ``quantize`` work on the Decimal shown, as for any Decimal: use ``.exact`` for exact
  arithmetic.
- Numbers are immutable and shared: :func:`to_number` remembers whole numbers and Decimals
  (bounded, emptied by :func:`clear_number_cache`), not Fractions; :func:`decimal_number`
  makes the Number of a computed Decimal without a cache or a Fraction (the batch path's
  cost does not depend on values recurring); a pickled Number comes back exact.

>>> from fractions import Fraction
>>> third = Number.of(Fraction(350, 3))
>>> third, third.exact, third.is_exact, third == Fraction(350, 3)
(Number('116.6666666667', exact='350/3'), Fraction(350, 3), False, True)
>>> half = Number.of(Fraction(189, 2))
>>> half, half == Decimal("94.5") == 94.5, isinstance(half, Decimal), half.is_exact
(Number('94.5'), True, True, True)
>>> half + 1, third.exact * 3, third * Fraction(3)
(Decimal('95.5'), Fraction(350, 1), Fraction(350, 1))
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Context, Decimal
from fractions import Fraction
from typing import Any, Final

from ..arguments import require
from ..errors import LimitError, UsageError
from ..language.builtins import FAST
from ..values import PLAIN_TRAPS, fraction_to_decimal, is_terminating, normalize

__all__ = [
    "DECIMAL_PLACES",
    "EXACT_TEXT",
    "Number",
    "clear_number_cache",
    "decimal_number",
    "decimal_view",
    "exact_decimals",
    "exact_text",
    "exact_values",
    "number_text",
    "parse_exact",
    "parse_number",
    "terminating_decimal",
    "to_number",
    "whole_number",
]

#: Places a number that does not terminate is rounded to (half up) in its Decimal.
DECIMAL_PLACES: Final = 10
#: Exact number text: a decimal (``"94.75"``) or a fraction (``"350/3"``).
EXACT_TEXT: Final = re.compile(r"-?[0-9]+(\.[0-9]+)?|-?[0-9]+/[0-9]+")  # ASCII digits only

_new = Decimal.__new__
_ratio = Decimal.as_integer_ratio
_decimal_eq = Decimal.__eq__
_decimal_hash = Decimal.__hash__
_decimal_lt, _decimal_le = Decimal.__lt__, Decimal.__le__
_decimal_gt, _decimal_ge = Decimal.__gt__, Decimal.__ge__
_decimal_add, _decimal_radd = Decimal.__add__, Decimal.__radd__
_decimal_sub, _decimal_rsub = Decimal.__sub__, Decimal.__rsub__
_decimal_mul, _decimal_rmul = Decimal.__mul__, Decimal.__rmul__
_decimal_div, _decimal_rdiv = Decimal.__truediv__, Decimal.__rtruediv__
_FAST_DIVIDE = FAST.divide
#: Values remembered per cache (they recur: weights, capaian, realisasi of a grid).
_MAX_CACHED: Final = 20_000


class Number(Decimal):
    """A result number: a Decimal (exact, or half up to :data:`DECIMAL_PLACES` places) that
    equals, hashes and orders as its exact value (:attr:`exact`).

    ``Number(x)`` takes what :func:`to_number` takes plus exact text (``"94.75"``,
    ``"350/3"``); ``Number.of`` is the fast constructor.

    >>> Number("350/3") == Number.of(Fraction(700, 6)), Number("0.50")
    (True, Number('0.5'))
    >>> Number.of(Fraction(1, 3)) == Decimal("0.3333333333")  # the exact value compares
    False
    >>> Fraction(Number("2/3")), float(Number("1/4")), hash(Number("1/3")) == hash(Fraction(1, 3))
    (Fraction(2, 3), 0.25, True)
    """

    __slots__ = ("_exact", "_rounded")

    _exact: Fraction | None  # None until asked for, when made from a Decimal or an int
    _rounded: bool

    def __new__(cls, value: object = 0) -> Number:
        if isinstance(value, str):
            try:
                exact = parse_exact(value)
            except ValueError:
                raise UsageError(
                    f'Number(): not an exact number: {value!r} (write "94.75" or "350/3")'
                ) from None
            return to_number(exact)
        return to_number(value)  # type: ignore[arg-type]

    @staticmethod
    def of(value: Fraction | Decimal | int) -> Number:
        """The Number of an exact value (see :func:`to_number`)."""
        return to_number(value)

    @property
    def exact(self) -> Fraction:
        """The exact value, always (use it for exact arithmetic)."""
        found = self._exact
        if found is None:
            num, den = Decimal.as_integer_ratio(self)
            found = self._exact = Fraction(num, den)
        return found

    @property
    def is_exact(self) -> bool:
        """Whether the Decimal is the exact value (it terminates)."""
        return not self._rounded

    def __eq__(self, other: object) -> bool:
        if type(other) is Number and other._rounded:
            other = other._exact
        if self._rounded:
            return self._exact == other
        return _decimal_eq(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        # Equal values hash alike across Fraction, Decimal, int and Number.
        return hash(self._exact) if self._rounded else _decimal_hash(self)

    # Ordering by exact value: a rounded side compares as its Fraction (Fraction and Decimal
    # compare with each other exactly).
    def __lt__(self, other: Any) -> bool:
        if type(other) is Number and other._rounded:
            other = other._exact
        return self._exact < other if self._rounded else _decimal_lt(self, other)

    def __le__(self, other: Any) -> bool:
        if type(other) is Number and other._rounded:
            other = other._exact
        return self._exact <= other if self._rounded else _decimal_le(self, other)

    def __gt__(self, other: Any) -> bool:
        if type(other) is Number and other._rounded:
            other = other._exact
        return self._exact > other if self._rounded else _decimal_gt(self, other)

    def __ge__(self, other: Any) -> bool:
        if type(other) is Number and other._rounded:
            other = other._exact
        return self._exact >= other if self._rounded else _decimal_ge(self, other)

    # With a Fraction, arithmetic is exact and gives a Fraction (as an int would with a
    # Fraction); with anything else it is the Decimal's.
    def __add__(self, other: Any) -> Any:
        return self.exact + other if isinstance(other, Fraction) else _decimal_add(self, other)

    def __radd__(self, other: Any) -> Any:
        return other + self.exact if isinstance(other, Fraction) else _decimal_radd(self, other)

    def __sub__(self, other: Any) -> Any:
        return self.exact - other if isinstance(other, Fraction) else _decimal_sub(self, other)

    def __rsub__(self, other: Any) -> Any:
        return other - self.exact if isinstance(other, Fraction) else _decimal_rsub(self, other)

    def __mul__(self, other: Any) -> Any:
        return self.exact * other if isinstance(other, Fraction) else _decimal_mul(self, other)

    def __rmul__(self, other: Any) -> Any:
        return other * self.exact if isinstance(other, Fraction) else _decimal_rmul(self, other)

    def __truediv__(self, other: Any) -> Any:
        return self.exact / other if isinstance(other, Fraction) else _decimal_div(self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return other / self.exact if isinstance(other, Fraction) else _decimal_rdiv(self, other)

    def as_integer_ratio(self) -> tuple[int, int]:
        """The exact value as (numerator, denominator): ``Fraction(number)`` is exact."""
        exact = self.exact
        return exact.numerator, exact.denominator

    def __float__(self) -> float:
        return float(self.exact) if self._rounded else Decimal.__float__(self)

    def __int__(self) -> int:
        return int(self.exact) if self._rounded else Decimal.__int__(self)

    def __trunc__(self) -> int:
        return math.trunc(self._exact) if self._rounded else Decimal.__trunc__(self)  # type: ignore[arg-type]

    def __floor__(self) -> int:
        return math.floor(self._exact) if self._rounded else Decimal.__floor__(self)  # type: ignore[arg-type]

    def __ceil__(self) -> int:
        return math.ceil(self._exact) if self._rounded else Decimal.__ceil__(self)  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self._exact) if self._rounded else Decimal.__bool__(self)

    def __round__(self, places: int | None = None) -> Any:
        # Rounding decides on the exact value (half to even, as round() does for any number).
        if not self._rounded:
            return Decimal.__round__(self) if places is None else Decimal.__round__(self, places)
        exact = self.exact
        return round(exact) if places is None else to_number(round(exact, places))

    def __repr__(self) -> str:
        if self._rounded:
            return f"Number('{self}', exact='{number_text(self)}')"
        return f"Number('{self}')"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Number, (number_text(self),))


def _make(value: Decimal | int, exact: Fraction | None, rounded: bool) -> Number:
    number: Number = _new(Number, value)
    number._exact = exact
    number._rounded = rounded
    return number


# Whole numbers (100, 0, 120) recur as new objects: shared by value. Fractions are not
# remembered: the pipeline makes the Numbers it reuses (equal weights) once, and any other
# Fraction is a value of one plan (a cache of them would only churn on distinct data).
_BY_INT: dict[int, Number] = {}
_BY_DECIMAL: dict[Decimal, Number] = {}
#: Exact scaling by a power of ten (``scaleb`` never rounds under it).
_SCALE: Final = Context(prec=999_999, Emax=999_999, Emin=-999_999, traps=list(PLAIN_TRAPS))
_TEN_PLACES: Final = 10**DECIMAL_PLACES


def terminating_decimal(value: Fraction) -> Decimal | None:
    """The exact Decimal of ``value`` when it terminates, else None: integer arithmetic and
    one exact scaling, no division tried and caught (the cost is the same for any value).

    >>> terminating_decimal(Fraction(3, 8)), terminating_decimal(Fraction(1, 3))
    (Decimal('0.375'), None)
    """
    num, den = value.numerator, value.denominator
    if den == 1:
        return Decimal(num)
    places = _places(den)
    if places < 0:
        return None
    return Decimal(num * (10**places // den)).scaleb(-places, _SCALE)


def _places(den: int) -> int:
    """The k for which ``den`` divides 10**k, or -1 when no power of ten is a multiple."""
    found = _PLACES_OF.get(den)
    if found is None:
        found = _count_places(den)
        if len(_PLACES_OF) < 1024:  # bounded: past 1,024 denominators, count each time
            _PLACES_OF[den] = found
    return found


#: Places by denominator: denominators recur (thirds, sevenths, halves).
_PLACES_OF: dict[int, int] = {}


def _count_places(den: int) -> int:
    twos = (den & -den).bit_length() - 1
    rest, fives = den >> twos, 0
    while not rest % 5:
        rest //= 5
        fives += 1
    return -1 if rest != 1 else max(twos, fives)


#: The largest number a result may hold, in bits (about 4,000 digits): its exact text must
#: stay within Python's int-to-text limit (4,300 digits), or JSON and repr could not be written.
MAX_NUMBER_BITS: Final = 13_300


def _refuse_size(bits: int) -> None:
    if bits > MAX_NUMBER_BITS:
        raise LimitError(
            f"Number.of(): a number of {bits:,} bits is over the {MAX_NUMBER_BITS:,}-bit "
            "(about 4,000-digit) limit of a result number"
        )


def _of_fraction(value: Fraction) -> Number:
    # Integer arithmetic, then one exact scaling: faster than Decimal division and exact for
    # any size. A terminating num/den in lowest terms is num * (10**k / den) / 10**k, whose
    # digits never end in 0 (den does not divide 10**(k-1)): the Decimal needs no normalising.
    num, den = value.as_integer_ratio()  # one call, where two properties are two
    if den == 1:  # whole numbers (100, 0, 120) recur as new objects: shared by value
        found = _BY_INT.get(num)
        return _of_int(num) if found is None else found
    bits = num.bit_length()
    if bits > MAX_NUMBER_BITS or den.bit_length() > MAX_NUMBER_BITS:
        _refuse_size(max(bits, den.bit_length()))
    places = _PLACES_OF.get(den)
    if places is None:
        places = _places(den)
    if places > 0:
        made = _new(Number, Decimal(num * (10**places // den)).scaleb(-places, _SCALE))
        made._rounded = False
    else:
        # Half up, away from zero (a non-terminating value is never exactly halfway).
        whole, rest = divmod(abs(num) * _TEN_PLACES, den)
        if rest + rest >= den:
            whole += 1
        shown = Decimal(whole if num > 0 else -whole).scaleb(-DECIMAL_PLACES, _SCALE)
        made = _new(Number, shown)
        made._rounded = True
    made._exact = value
    return made


def _of_int(value: int) -> Number:
    _refuse_size(value.bit_length())
    made = _make(value, None, False)  # the Fraction is made if .exact is asked for
    if len(_BY_INT) >= _MAX_CACHED:
        _BY_INT.clear()
    _BY_INT[value] = made
    return made


def _of_decimal(value: Decimal) -> Number:
    if not value.is_finite():
        raise UsageError(f"Number.of(): {value} is not a finite number")
    # Digits and exponent, checked before any integer is made of them (1E+999999 would take
    # seconds to expand).
    _refuse_size(max(len(value.as_tuple().digits), abs(value.adjusted()) + 1) * 10 // 3)
    made = _make(normalize(value), None, False)
    if len(_BY_DECIMAL) >= _MAX_CACHED:
        _BY_DECIMAL.clear()
    _BY_DECIMAL[value] = made
    return made


#: The adjusted exponents :func:`decimal_number` takes on its fast path: beyond them a value
#: could be a size bomb (``1E+999999``), which the checked path refuses before expanding it.
_FAST_ADJUSTED: Final = 1_000


def decimal_number(value: Decimal) -> Number:
    """The Number of a finite Decimal the pipeline computed or validated, made without a
    ``Fraction`` (the exact value is made only if ``.exact`` is asked for) and without a
    cache: the cost is the same whether values recur or not.

    Same Number as :func:`to_number` gives (the Decimal written without trailing zeros, an
    integer without exponent, zero without sign); a value of more than about 4,000 digits is
    refused as there.

    >>> decimal_number(Decimal("94.7500")), decimal_number(Decimal("1E+2")), decimal_number(Decimal("-0.0"))
    (Number('94.75'), Number('100'), Number('0'))
    >>> decimal_number(Decimal("1.5")) == to_number(Fraction(3, 2)), decimal_number(Decimal("0.125")).exact
    (True, Fraction(1, 8))
    """  # noqa: E501
    if not -_FAST_ADJUSTED < value.adjusted() < _FAST_ADJUSTED:
        return to_number(value)  # the checked path: refuses size bombs (and NaN, infinities)
    try:
        num, den = _ratio(value)
    except (OverflowError, ValueError):  # an infinity or a NaN (adjusted() reads 0)
        return to_number(value)
    if den == 1:
        found = _BY_INT.get(num)
        return _of_int(num) if found is None else found
    if num.bit_length() > MAX_NUMBER_BITS or den.bit_length() > MAX_NUMBER_BITS:
        _refuse_size(max(num.bit_length(), den.bit_length()))
    made: Number = _new(Number, value.normalize(_SCALE))
    made._exact = None
    made._rounded = False
    return made


def whole_number(value: int) -> Number:
    """The Number of a whole number (an ``int``), shared by value as :func:`to_number` shares
    it: the batch path's weights (50, 25, 100) without a Fraction's detour.

    >>> whole_number(50), whole_number(50) is to_number(Fraction(50))
    (Number('50'), True)
    """
    found = _BY_INT.get(value)
    return _of_int(value) if found is None else found


def exact_decimals(numbers: Sequence[Number]) -> tuple[Decimal, ...] | None:
    """The plain Decimals of ``numbers`` when every one is exact, else None (one is rounded:
    its exact value does not terminate). The batch lane's fast-path arguments.

    >>> exact_decimals([Number.of(Fraction(1, 2)), Number.of(3)])
    (Decimal('0.5'), Decimal('3'))
    >>> exact_decimals([Number.of(Fraction(1, 3))]) is None
    True
    """
    for number in numbers:
        if number._rounded:
            return None
    return tuple([Decimal(number) for number in numbers])


def exact_values(numbers: Sequence[Number]) -> tuple[Fraction, ...]:
    """The exact values (Fractions) of ``numbers``, the exact path's arguments.

    >>> exact_values([Number.of(Fraction(1, 3)), Number.of(Decimal("0.5"))])
    (Fraction(1, 3), Fraction(1, 2))
    """
    return tuple([n.exact if n._exact is None else n._exact for n in numbers])


def to_number(value: Fraction | Decimal | int) -> Number:
    """``value`` as a :class:`Number`: the exact Decimal if it terminates, else rounded half
    up to :data:`DECIMAL_PLACES` places with the exact Fraction kept.

    >>> to_number(Fraction(-1, 6)), to_number(Decimal("94.750")), to_number(7)
    (Number('-0.1666666667', exact='-1/6'), Number('94.75'), Number('7'))
    >>> to_number(True)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: Number.of(): expected a Fraction, Decimal or int, got bool
    """
    kind = type(value)
    if kind is Number:
        return value  # type: ignore[return-value]
    if kind is Fraction:
        return _of_fraction(value)  # type: ignore[arg-type]
    if kind is Decimal:
        try:
            found = _BY_DECIMAL.get(value)  # type: ignore[arg-type]
        except TypeError:  # a signalling NaN is not hashable
            found = None
        return _of_decimal(value) if found is None else found  # type: ignore[arg-type]
    if kind is int:
        found = _BY_INT.get(value)  # type: ignore[arg-type]
        return _of_int(value) if found is None else found  # type: ignore[arg-type]
    if isinstance(value, Number):
        return value
    if isinstance(value, Fraction):
        return to_number(Fraction(value.numerator, value.denominator))
    if isinstance(value, Decimal):
        return to_number(Decimal(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return to_number(int(value))
    raise UsageError(
        f"Number.of(): expected a Fraction, Decimal or int, got {type(value).__name__}"
    )


def number_text(value: Number) -> str:
    """The exact text of a number (its JSON form): the decimal, or ``p/q``.

    >>> number_text(Number.of(Fraction(350, 3))), number_text(Number.of(Fraction(379, 4)))
    ('350/3', '94.75')
    """
    if value._rounded:
        exact = value.exact
        return f"{exact.numerator}/{exact.denominator}"
    # Plain notation: str() writes 1E-7 for 0.0000001, which the exact-text pattern refuses.
    return Decimal.__format__(value, "f")


def decimal_view(value: Fraction | Decimal | int) -> Decimal:
    """``value`` as a plain Decimal: exact if it terminates, else half up to DECIMAL_PLACES
    places (the Decimal of its :class:`Number`).

    >>> decimal_view(Fraction(-1, 6)), decimal_view(Decimal("94.750"))
    (Decimal('-0.1666666667'), Decimal('94.75'))
    """
    given: Fraction | Decimal | int = require(
        value, (Fraction, Decimal, int), "decimal_view", "value"
    )
    if isinstance(given, Decimal) and not given.is_finite():
        raise UsageError(f"decimal_view(): {given} is not a finite number")
    return Decimal(to_number(given))


def exact_text(value: Fraction | Number) -> str:
    """The JSON text of a number: its exact decimal, or ``"p/q"`` when it does not terminate."""
    if type(value) is Number:
        return number_text(value)
    value = Fraction(value)
    if is_terminating(value):
        return format(normalize(fraction_to_decimal(value)), "f")
    return f"{value.numerator}/{value.denominator}"


def parse_exact(value: object) -> Fraction:
    """A number from JSON or Python (``"94.75"``, ``"350/3"``, an int, Decimal or Fraction).

    >>> parse_exact("x")
    Traceback (most recent call last):
    ...
    ValueError: not an exact number: 'x' (write "94.75" or "350/3")
    """
    if isinstance(value, bool):
        raise ValueError(f"not an exact number: {value!r}")
    if isinstance(value, Fraction | int | Decimal):
        return Fraction(value)
    if isinstance(value, str) and EXACT_TEXT.fullmatch(value.strip()):
        try:
            return Fraction(value.strip())
        except ZeroDivisionError:  # "1/0": a ValueError, so validation reports it
            raise ValueError(f"not an exact number: {value!r} (zero denominator)") from None
    raise ValueError(f'not an exact number: {value!r} (write "94.75" or "350/3")')


def parse_number(value: object) -> Number:
    """:func:`parse_exact` as a :class:`Number` (the validator of result number fields).

    >>> parse_number("350/3"), parse_number(Fraction(1, 2))
    (Number('116.6666666667', exact='350/3'), Number('0.5'))
    """
    if type(value) is Number:
        return value
    return to_number(parse_exact(value))


def clear_number_cache() -> None:
    """Forget every remembered Number (a cold start)."""
    _BY_INT.clear()
    _BY_DECIMAL.clear()
    _PLACES_OF.clear()
