"""Runtime values of the language and the one place where caller inputs become exact numbers.

Numbers are :class:`decimal.Decimal` (or, inside an evaluation that met a
non-terminating division, :class:`fractions.Fraction`); booleans are ``bool``;
enumeration members are :class:`Label`. Every number a caller hands to the
library passes through :func:`to_decimal`, which accepts ``int``, ``str`` and
``Decimal`` and converts ``float`` through its shortest ``repr`` (so ``0.1``
becomes ``Decimal('0.1')``, never ``0.1000000000000000055…``).

>>> to_decimal("95.5")
Decimal('95.5')
>>> to_decimal(0.1)
Decimal('0.1')
>>> to_decimal("NaN")
Traceback (most recent call last):
...
kinerja_engine.errors.BindingError: value: 'NaN' is not a finite decimal number
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_EMAX as _MAX_EMAX
from decimal import MIN_EMIN as _MIN_EMIN
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from functools import lru_cache
from numbers import Integral, Real
from operator import index
from typing import Final

from .errors import BindingError, LimitError

__all__ = [
    "MAX_EXACT_BITS",
    "MAX_INPUT_DIGITS",
    "PLAIN_TRAPS",
    "Label",
    "Number",
    "Value",
    "check_size",
    "display_decimal",
    "fraction_to_decimal",
    "is_terminating",
    "normalize",
    "normalize_precision",
    "plain_scalar",
    "round_half_up",
    "size_error",
    "to_decimal",
    "to_number",
]

#: Inputs with more significant digits than this are rejected (a size bomb, not a measurement).
MAX_INPUT_DIGITS = 60

Number = Decimal | Fraction

#: The traps of Python's own default context, named in every context the library makes: a
#: ``Context(...)`` left to inherit them would take the user's ``decimal.DefaultContext``
#: instead (a program that traps ``Inexact`` there must not break exact rounding here).
PLAIN_TRAPS: Final = (InvalidOperation, DivisionByZero, Overflow)


@lru_cache(maxsize=256)
def _context(prec: int, rounding: str = ROUND_HALF_EVEN) -> Context:
    """A context of ``prec`` digits that inherits nothing from ``decimal.DefaultContext``.

    Cached: building one with every field named costs about twice a bare ``Context(prec=…)``,
    and it is only passed as ``context=`` or copied by ``localcontext``, never changed (its
    flags may be set, which no result reads)."""
    return Context(prec=prec, rounding=rounding, Emax=MAX_EMAX, Emin=-MAX_EMAX,
                   capitals=1, clamp=0, flags=[], traps=list(PLAIN_TRAPS))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Label:
    """A member of an enumeration declared in a rulebook, e.g. a rating.

    ``enum`` and ``name`` identify it; ``text`` is how people write it.

    >>> lab = Label("rating", "di_atas", "Di Atas Ekspektasi")
    >>> str(lab)
    'Di Atas Ekspektasi'
    >>> lab == Label("rating", "di_atas", "other text")
    True

    A label also equals its text and its member name as written in the rulebook, so
    ``predikat == "Baik"`` and ``predikat == "baik"`` both hold:

    >>> lab == "Di Atas Ekspektasi", lab == "di_atas", lab == "Baik"
    (True, True, False)

    Hashing stays that of ``(enum, name)``: labels that are equal hash equal, but a label is
    not a stand-in for its text as a dict key or set member (it equals two different
    strings, which no single hash can match).
    """

    enum: str
    name: str
    text: str = ""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other == self.name or (bool(self.text) and other == self.text)
        if not isinstance(other, Label):
            return NotImplemented
        return self.enum == other.enum and self.name == other.name

    def __hash__(self) -> int:
        return hash((self.enum, self.name))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> object:
        """Pydantic hooks: a Label as is, or from ``{"enum", "name", "text"}``; JSON as that."""
        # Imported here: only a typed result's edge needs pydantic, never the language.
        from pydantic_core import core_schema  # noqa: PLC0415

        def parse(value: object) -> Label:
            if isinstance(value, Label):
                return value
            if isinstance(value, dict) and set(value) == {"enum", "name", "text"}:
                enum, name, text = (value[k] for k in ("enum", "name", "text"))
                if isinstance(enum, str) and isinstance(name, str) and isinstance(text, str):
                    return Label(enum, name, text)
            raise ValueError(f"not a label: {value!r} (write {{enum, name, text}})")

        def dump(value: Label) -> dict[str, str]:
            return {"enum": value.enum, "name": value.name, "text": value.text}

        return core_schema.no_info_after_validator_function(
            parse,
            core_schema.json_or_python_schema(
                json_schema=core_schema.typed_dict_schema(
                    {
                        k: core_schema.typed_dict_field(core_schema.str_schema())
                        for k in ("enum", "name", "text")
                    },
                    extra_behavior="forbid",
                ),
                python_schema=core_schema.any_schema(),
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(dump, when_used="json"),
        )

    def __str__(self) -> str:
        return self.text or self.name

    def __repr__(self) -> str:
        return f"Label({self.enum}.{self.name})"


Value = Decimal | Fraction | bool | Label | tuple[Decimal | Fraction, ...]

# ASCII digits only: str.isdigit-style \d would accept "١٢٣" or full-width "１００".
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def plain_scalar(value: object) -> object:
    """The ``int`` or ``float`` a foreign number scalar stands for; anything else unchanged.

    DataFrames hand out NumPy scalars (``numpy.int64``, ``numpy.float64``, ``numpy.float32``):
    an integer registered as :class:`numbers.Integral` becomes its ``int``; a ``float``
    subclass becomes a plain ``float`` (its ``repr`` may be ``np.float64(0.1)``); another real
    registered as :class:`numbers.Real` (``numpy.float32``) becomes the ``float`` of its own
    shortest text (``str``), so ``float32(0.1)`` is ``0.1`` and not ``0.10000000149…``. Booleans
    (``bool``, ``numpy.bool_``), ``Decimal``, ``Fraction`` and text are returned as they are, and
    so is a scalar whose conversion fails (``numpy.timedelta64``), for the caller to refuse.

    >>> from fractions import Fraction
    >>> plain_scalar(7), plain_scalar("7"), plain_scalar(True), plain_scalar(Fraction(1, 3))
    (7, '7', True, Fraction(1, 3))
    """
    kind = type(value)
    if kind is int or kind is float or kind is str or kind is Decimal or kind is bool:
        return value
    if isinstance(value, bool | Decimal | Fraction | str):
        return value
    # A registered number's own conversion may fail (numpy.timedelta64 is an Integral without
    # an int; a caller's class may raise anything): it is then refused as what it is.
    try:
        if isinstance(value, Integral):
            return index(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, Real):
            return float(str(value))
    except Exception:  # any failure of a foreign class means "not a number"
        return value
    return value


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Convert a caller's number to an exact, finite :class:`Decimal`.

    Accepts ``int``, ``Decimal``, decimal strings (``"95.5"``, ``" 12 "``) and
    ``float`` (through its shortest repr), and NumPy-like scalars as the ``int`` or ``float``
    they stand for (:func:`plain_scalar`). Rejects ``bool``, NaN, infinities,
    exponent notation in strings and absurdly long numbers, raising
    :class:`BindingError` that names ``what``.

    >>> to_decimal(12), to_decimal(Decimal("9.12")), to_decimal(" -3.50 ")
    (Decimal('12'), Decimal('9.12'), Decimal('-3.50'))
    >>> to_decimal(True, "target")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.BindingError: target: expected a number, got a boolean (True)
    """
    value = plain_scalar(value)
    if isinstance(value, bool):
        raise BindingError(f"{what}: expected a number, got a boolean ({value})")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if abs(value) >= 10**MAX_INPUT_DIGITS:
            raise BindingError(f"{what}: number has more than {MAX_INPUT_DIGITS} digits")
        return Decimal(value)
    elif isinstance(value, float):
        # The shortest repr is what the caller typed; the binary value never decides anything.
        text = float.__repr__(value)
        if text in ("nan", "inf", "-inf"):
            raise BindingError(f"{what}: {value!r} is not a finite decimal number")
        result = Decimal(text)
    elif isinstance(value, Fraction):
        return fraction_to_decimal(_check_fraction(value, what), what)
    elif isinstance(value, str):
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            raise BindingError(f"{what}: {value!r} is not a finite decimal number")
        if len(text) > MAX_INPUT_DIGITS + 2:
            raise BindingError(f"{what}: number has more than {MAX_INPUT_DIGITS} digits")
        result = Decimal(text)
    else:
        raise BindingError(f"{what}: expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise BindingError(f"{what}: {value!r} is not a finite decimal number")
    if len(result.as_tuple().digits) > MAX_INPUT_DIGITS or abs(result.adjusted()) > 2 * (
        MAX_INPUT_DIGITS
    ):
        raise BindingError(f"{what}: number is too large or too precise ({value!r})")
    return result


def _check_fraction(value: Fraction, what: str) -> Fraction:
    # Like a Decimal input: numerator and denominator of at most MAX_INPUT_DIGITS digits each,
    # checked on the integers (never by converting: Fraction(1, 2**200000) would take minutes).
    limit = 10**MAX_INPUT_DIGITS
    if abs(value.numerator) >= limit or value.denominator >= limit:
        raise BindingError(
            f"{what}: fraction has a numerator or denominator of more than "
            f"{MAX_INPUT_DIGITS} digits"
        )
    return value


def to_number(value: object, what: str = "value") -> Decimal | Fraction:
    """Like :func:`to_decimal`, but a ``Fraction`` that is not a finite decimal stays exact.

    This is how the language binds numeric inputs: ``Fraction(1, 3)`` is one third, not 34
    digits of it. Fractions are size-limited like decimals (:data:`MAX_INPUT_DIGITS` digits of
    numerator and denominator).

    >>> to_number(Fraction(1, 3)), to_number(Fraction(3, 8)), to_number("2")
    (Fraction(1, 3), Decimal('0.375'), Decimal('2'))
    >>> to_number(Fraction(1, 2**300), "x")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.BindingError: x: fraction has a numerator or denominator of more ...
    """
    if isinstance(value, Decimal) and type(value) is not Decimal:
        # A Decimal that knows its exact value (a result number, ``scoring.Number``) binds as
        # that value, never as its rounded digits; any other subclass as a plain Decimal.
        exact = getattr(value, "exact", None)
        value = exact if isinstance(exact, Fraction) else Decimal(value)
    if isinstance(value, Fraction):
        exact = _check_fraction(value, what)
        return fraction_to_decimal(exact, what) if is_terminating(exact) else exact
    return to_decimal(value, what)


def is_terminating(value: Fraction) -> bool:
    """Whether ``value`` is a finite decimal (its denominator is 2^a·5^b).

    >>> is_terminating(Fraction(3, 8)), is_terminating(Fraction(1, 3))
    (True, False)
    """
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def fraction_to_decimal(value: Fraction, what: str = "value", digits: int = 34) -> Decimal:
    """Exact decimal if the denominator is 2^a·5^b; else ``digits`` significant digits, half up.

    >>> fraction_to_decimal(Fraction(3, 8))
    Decimal('0.375')
    >>> fraction_to_decimal(Fraction(1, 3))
    Decimal('0.3333333333333333333333333333333333')
    """
    den = value.denominator
    if den == 1:  # a whole number (most constants): Decimal(int) is exact in any context
        return Decimal(value.numerator)
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den == 1:
        scale = max(twos, fives)
        # An integer, because the denominator divides 10**scale (integer arithmetic: no
        # Fraction is built); the context is wide enough for every digit, so scaleb only
        # moves the point and never rounds.
        scaled = value.numerator * (10**scale // value.denominator)
        # From the bit length, not str(): huge integers exceed Python's int-to-str limit.
        digits = scaled.bit_length() * 30103 // 100000 + 2
        return Decimal(scaled).scaleb(-scale, context=_context(digits))
    with localcontext(_context(digits, ROUND_HALF_UP)):
        try:
            return Decimal(value.numerator) / Decimal(value.denominator)
        except InvalidOperation as exc:  # pragma: no cover - finite inputs cannot get here
            raise BindingError(f"{what}: cannot represent {value}") from exc


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation.

    >>> normalize(Decimal("95.00")), normalize(Decimal("100")), normalize(Decimal("0.50"))
    (Decimal('95'), Decimal('100'), Decimal('0.5'))
    """
    if not value:
        return Decimal(0)
    # An explicit context wide enough for every digit (a positive exponent adds digits when
    # written out): the caller's context must never round.
    context = _context(normalize_precision(value))
    if value == value.to_integral_value(context=context):
        return value.quantize(Decimal(1), context=context)
    return value.normalize(context=context)


def normalize_precision(value: Decimal) -> int:
    """Digits needed to write ``value`` out in plain notation, plus a margin of 2.

    >>> normalize_precision(Decimal("1E+3")), normalize_precision(Decimal("0.0001"))
    (6, 3)
    """
    exponent = value.as_tuple().exponent
    shift = exponent if isinstance(exponent, int) and exponent > 0 else 0
    return max(len(value.as_tuple().digits), 1) + shift + 2


#: Largest exact value, in bits of numerator or denominator, that evaluation may build (about
#: 6,000 decimal digits). Scores never need more; past it a formula is a size bomb.
MAX_EXACT_BITS = 20_000
MAX_EMAX = 999_999


def check_size(value: Fraction) -> Fraction:
    """Return ``value``, or raise :class:`~kinerja_engine.errors.LimitError` if it is too large.

    >>> check_size(Fraction(10) ** 7000)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.LimitError: a number grew beyond 20,000 bits (about 6,000 digits) ...
    """
    if (
        value.numerator.bit_length() > MAX_EXACT_BITS
        or value.denominator.bit_length() > MAX_EXACT_BITS
    ):
        raise size_error()
    return value


def size_error() -> LimitError:
    """The error of a value past :data:`MAX_EXACT_BITS` (:func:`check_size`'s).

    >>> size_error().message
    'a number grew beyond 20,000 bits (about 6,000 digits) during evaluation'
    """
    return LimitError(
        f"a number grew beyond {MAX_EXACT_BITS:,} bits (about 6,000 digits) during evaluation",
        hint="a formula that squares repeatedly is a size bomb; rewrite it",
    )


def round_half_up(value: Number, places: int) -> Decimal:
    """Round exactly, half away from zero, to ``places`` decimals (never banker's rounding).

    >>> round_half_up(Decimal("2.675"), 2), round_half_up(Fraction(1, 3), 2)
    (Decimal('2.68'), Decimal('0.33'))
    >>> round_half_up(Decimal("-2.5"), 0)
    Decimal('-3')
    >>> round_half_up(Fraction(12345678901234567891, 3), 10)  # every digit, past 28
    Decimal('4115226300411522630.3333333333')
    >>> round_half_up(Decimal(10) ** 5000 + Decimal(-2), 2).adjusted()  # past int's 4,300 digits
    5000
    """
    exact = Fraction(value) if isinstance(value, Decimal) else value
    scale = Fraction(10) ** places
    scaled = abs(exact) * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    signed = Decimal(-whole if exact < 0 else whole)
    # scaleb in a context of the value's own digits, which cannot round: the default
    # context's 28 digits would, and text of a 4,300-digit int is refused by Python.
    digits = max(len(signed.as_tuple().digits), 1)
    return signed.scaleb(-places, Context(prec=digits, Emax=_MAX_EMAX, Emin=_MIN_EMIN))


def display_decimal(value: Decimal) -> str:
    """Plain (never scientific) text for a decimal.

    >>> display_decimal(Decimal("1E+2")), display_decimal(Decimal("0.0000001"))
    ('100', '0.0000001')
    """
    return format(value, "f")
