"""Shared field types of the input models: problems, lenient enums and exact numbers.

Input: raw values from callers (text, ints, Decimals, floats, Fractions). Output: the
annotated types :data:`Dec`, :data:`Weight` and :data:`Text`, the string enums of the
domain (:class:`Direction`, :class:`RhkKind`, :class:`PositionCategory`, :class:`Jenjang`,
…) and the plumbing every model module uses to report problems. Guarantees:

- an enum accepts its values and member names in any case, with or without spaces,
  underscores or hyphens, plus the documented aliases in one table (``_ENUM_ALIASES``);
- :data:`Dec` and :data:`Weight` are exact, refuse NaN, infinities, booleans and text that
  is not a number, and are written to JSON as strings that read back identically;
- a problem found before its place is known is an :class:`InputError`; a validator turns it
  into a pydantic error with :func:`custom_error` (or several with
  :func:`validation_errors`) so that pydantic attaches the field path, and the models'
  base class turns those into one :class:`~kinerja_engine.errors.ModelError`.

This module imports nothing else of :mod:`kinerja_engine.models`.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(Weight).validate_python("100/3"), TypeAdapter(Dec).validate_python(0.1)
(Fraction(100, 3), Decimal('0.1'))
>>> Direction("Lower is better"), RhkKind("main")
(<Direction.LOWER: 'lower'>, <RhkKind.UTAMA: 'utama'>)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any

from pydantic import (
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from ..errors import BindingError
from ..values import (
    MAX_INPUT_DIGITS,
    display_decimal,
    fraction_to_decimal,
    is_terminating,
    to_decimal,
)
from .base import prose_only

__all__ = [
    "DECIMAL_PATTERN",
    "LABEL_PATTERN",
    "CoreValue",
    "Dec",
    "DecOrLabel",
    "Direction",
    "EmployeeKind",
    "InputError",
    "Jenjang",
    "JptLevel",
    "OverrideTarget",
    "PeriodKind",
    "PositionCategory",
    "RhkKind",
    "Text",
    "Weight",
    "check_decimal",
    "check_decimal_or_label",
    "custom_error",
    "is_label_text",
    "plain_decimal",
    "validation_errors",
]


# --------------------------------------------------------------------------- problems


class InputError(Exception):
    """One or more problems with a value, found before we know where it sits.

    For the model modules only (not exported by :mod:`kinerja_engine.models`): public entry
    points turn it into :class:`~kinerja_engine.errors.ModelError`; validators turn it into
    pydantic errors (:func:`custom_error`) so that pydantic can attach the field path.

    >>> InputError("too short", "not digits").problems
    ('too short', 'not digits')
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def custom_error(message: str) -> PydanticCustomError:
    """A pydantic error carrying ``message`` as is, for a validator to raise.

    >>> custom_error("a {brace} is fine").message()
    'a {brace} is fine'
    """
    # The message goes in the context, never in the template: inputs echoed in it
    # may contain braces.
    return PydanticCustomError("kinerja", "{reason}", {"reason": message})


def validation_errors(
    title: str, problems: Sequence[tuple[tuple[str | int, ...], str]], value: Any
) -> ValidationError:
    """A ValidationError with one entry per (location, message); pydantic prefixes the
    location of the enclosing field when it propagates out of a validator.

    >>> validation_errors("Plan", [(("rhk", 0, "id"), "duplicate")], None).error_count()
    1
    """
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(type=custom_error(message), loc=loc, input=value)
            for loc, message in problems
        ],
    )


# --------------------------------------------------------------------------- enums


def _enum_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


# Extra spellings seen in practice, keyed by normalised text; canonical values and
# member names are always accepted, in any case and with any spaces/underscores.
_ENUM_ALIASES: dict[str, dict[str, str]] = {
    "PeriodKind": {
        "bulanan": "month",
        "bulan": "month",
        "monthly": "month",
        "triwulan": "quarter",
        "triwulanan": "quarter",
        "quarterly": "quarter",
        "semesteran": "semester",
        "tahunan": "year",
        "tahun": "year",
        "annual": "year",
        "yearly": "year",
    },
    "Direction": {
        "higherisbetter": "higher",
        "lowerisbetter": "lower",
        "maximise": "higher",
        "maximize": "higher",
        "minimise": "lower",
        "minimize": "lower",
        "toleransi": "tolerance",
        "normal": "higher",
        "khusus": "lower",
    },
    "RhkKind": {"main": "utama", "additional": "tambahan"},
    "PositionCategory": {"jabatanpimpinantinggi": "JPT"},
    "JptLevel": {"jptutama": "Utama", "jptmadya": "Madya", "jptpratama": "Pratama"},
    "OverrideTarget": {
        "hasilkerja": "rating_hasil_kerja",
        "ratinghasil": "rating_hasil_kerja",
        "perilaku": "rating_perilaku",
        "perilakukerja": "rating_perilaku",
        "ratingperilakukerja": "rating_perilaku",
        "predikatkinerja": "predikat",
    },
}


class _LenientEnum(StrEnum):
    """A string enum that accepts its values and member names in any case, with or
    without spaces, underscores or hyphens, plus a few documented aliases."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core)
        prose_only(handler.resolve_ref_schema(schema))
        return schema

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        key = _enum_key(value)
        for member in cls:
            if key in (_enum_key(member.value), _enum_key(member.name)):
                return member
        alias = _ENUM_ALIASES.get(cls.__name__, {}).get(key)
        return None if alias is None else cls(alias)


class EmployeeKind(_LenientEnum):
    """PNS (permanent civil servant) or PPPK (contract civil servant).

    >>> EmployeeKind("pppk")
    <EmployeeKind.PPPK: 'PPPK'>
    """

    PNS = "PNS"
    PPPK = "PPPK"


class PositionCategory(_LenientEnum):
    """The position families (jabatan) of the ASN law and PP 11/2017: JPT, administrator,
    pengawas, pelaksana, fungsional.

    >>> PositionCategory("fungsional"), PositionCategory("JPT")
    (<PositionCategory.FUNGSIONAL: 'Fungsional'>, <PositionCategory.JPT: 'JPT'>)
    """

    JPT = "JPT"
    ADMINISTRATOR = "Administrator"
    PENGAWAS = "Pengawas"
    PELAKSANA = "Pelaksana"
    FUNGSIONAL = "Fungsional"


class Jenjang(_LenientEnum):
    """The level of a functional position (skill track first, then expert track).

    >>> Jenjang("AHLI_PERTAMA"), Jenjang("ahli pertama") is Jenjang.AHLI_PERTAMA
    (<Jenjang.AHLI_PERTAMA: 'Ahli Pertama'>, True)
    """

    PEMULA = "Pemula"
    TERAMPIL = "Terampil"
    MAHIR = "Mahir"
    PENYELIA = "Penyelia"
    AHLI_PERTAMA = "Ahli Pertama"
    AHLI_MUDA = "Ahli Muda"
    AHLI_MADYA = "Ahli Madya"
    AHLI_UTAMA = "Ahli Utama"


class JptLevel(_LenientEnum):
    """The level of a JPT (high leadership) position.

    >>> JptLevel("jpt pratama")
    <JptLevel.PRATAMA: 'Pratama'>
    """

    UTAMA = "Utama"
    MADYA = "Madya"
    PRATAMA = "Pratama"


class PeriodKind(_LenientEnum):
    """How long a :class:`Period` is; Indonesian names are accepted too.

    >>> PeriodKind("triwulan"), PeriodKind("Bulanan")
    (<PeriodKind.QUARTER: 'quarter'>, <PeriodKind.MONTH: 'month'>)
    """

    MONTH = "month"
    QUARTER = "quarter"
    SEMESTER = "semester"
    YEAR = "year"


class Direction(_LenientEnum):
    """Which way is better for an indicator.

    With a number target: ``higher`` or ``lower``. With a range target ``lo``-``hi`` (inside
    is always 100 %): ``higher`` or ``lower`` score outside the range by the indicator's own
    condition, against the nearer end (the PermenPANRB 8/2021 annex's *normal* and *khusus*
    range: above the range is better for ``higher``, below it for ``lower``); ``tolerance``
    is a declared band where both sides are worse (e.g. budget absorption); ``range`` is the
    pre-0.3 spelling, kept for old plans: the rulebook's ``capaian_range``, which the national
    rulebooks define as a tolerance band unless their ``di_atas_rentang`` param says otherwise.

    >>> Direction("Lower is better"), Direction("toleransi")
    (<Direction.LOWER: 'lower'>, <Direction.TOLERANCE: 'tolerance'>)
    """

    HIGHER = "higher"
    LOWER = "lower"
    RANGE = "range"
    TOLERANCE = "tolerance"


class RhkKind(_LenientEnum):
    """A main (utama) or additional (tambahan) planned result.

    >>> RhkKind("main"), RhkKind("Tambahan")
    (<RhkKind.UTAMA: 'utama'>, <RhkKind.TAMBAHAN: 'tambahan'>)
    """

    UTAMA = "utama"
    TAMBAHAN = "tambahan"


class CoreValue(_LenientEnum):
    """The 7 BerAKHLAK core values (SE MenPANRB 20/2021; PermenPANRB 6/2022).

    >>> CoreValue("berorientasi_pelayanan"), len(CoreValue)
    (<CoreValue.BERORIENTASI_PELAYANAN: 'Berorientasi Pelayanan'>, 7)
    """

    BERORIENTASI_PELAYANAN = "Berorientasi Pelayanan"
    AKUNTABEL = "Akuntabel"
    KOMPETEN = "Kompeten"
    HARMONIS = "Harmonis"
    LOYAL = "Loyal"
    ADAPTIF = "Adaptif"
    KOLABORATIF = "Kolaboratif"


class OverrideTarget(_LenientEnum):
    """What an evaluator override replaces.

    >>> OverrideTarget("Rating Perilaku Kerja")
    <OverrideTarget.RATING_PERILAKU: 'rating_perilaku'>
    """

    RATING_HASIL_KERJA = "rating_hasil_kerja"
    RATING_PERILAKU = "rating_perilaku"
    PREDIKAT = "predikat"


# --------------------------------------------------------------------------- numbers

#: The JSON-schema pattern of a decimal written as text (``"95.5"``, ``"-3"``, ``".5"``).
DECIMAL_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"


# Decimal text as JSON holds it ("95.50", "-3", ".5"): ASCII digits, no spaces, no exponent.
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def plain_decimal(value: object) -> Decimal | None:
    """The Decimal of plain decimal text of at most MAX_INPUT_DIGITS characters (what JSON
    records hold), or None for anything else: such text is finite and within every size
    limit of :func:`check_decimal` by its length alone, so no other check is needed (the
    validators' fast path; None sends the value to the full checks).

    >>> plain_decimal("95.50"), plain_decimal(" 95"), plain_decimal("1e3"), plain_decimal(95)
    (Decimal('95.50'), None, None, None)
    """
    if type(value) is str and len(value) <= MAX_INPUT_DIGITS:
        # Unsigned ASCII digits with at most one point ("95.50", ".5", "7."): the pattern's
        # common case, tested without the regular expression.
        if value.isascii() and value.replace(".", "", 1).isdigit():
            return Decimal(value)
        if _PLAIN_DECIMAL.fullmatch(value):
            return Decimal(value)
    return None


def check_decimal(value: Any) -> Decimal:
    """The exact Decimal of ``value``, as :data:`Dec` validates it; raises a pydantic error.

    >>> check_decimal("95.50"), check_decimal(0.1)
    (Decimal('95.50'), Decimal('0.1'))
    """
    plain = plain_decimal(value)
    if plain is not None:
        return plain
    try:
        result = to_decimal(value, "value")
    except BindingError as exc:
        raise custom_error(exc.message.removeprefix("value: ")) from None
    # The JSON form is plain digits; refuse what could not be read back from it.
    if len(display_decimal(result)) > MAX_INPUT_DIGITS + 2:
        raise custom_error(f"number is too large or too precise ({value!r})")
    return result


def _decimal_text(value: Decimal) -> str:
    return display_decimal(value)


#: An exact decimal field: accepts int, decimal text, Decimal, float (shortest repr);
#: written to JSON as a string so that it reads back identically.
Dec = Annotated[
    Decimal,
    PlainValidator(check_decimal),
    PlainSerializer(_decimal_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": DECIMAL_PATTERN}]},
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN}, mode="serialization"),
]

_FRACTION_TEXT = re.compile(r"\s*\+?(\d{1,60})\s*/\s*(\d{1,60})\s*")
_WEIGHT_PATTERN = r"^\s*\+?(\d+(\.\d*)?|\.\d+)\s*(/\s*\d+\s*)?$"


_SMALL_WEIGHT = 10**MAX_INPUT_DIGITS


def _check_weight(value: Any) -> Fraction:
    # A whole percentage as JSON holds it ("50", 50): the Fraction of its integer, the value
    # the general path below gives (plain ASCII digits or a small int: never negative, never
    # too large), without a Decimal made and converted.
    kind = type(value)
    if kind is str and len(value) <= MAX_INPUT_DIGITS and value.isascii() and value.isdigit():
        return Fraction(int(value))
    if kind is int and 0 <= value < _SMALL_WEIGHT:
        return Fraction(value)
    if isinstance(value, Fraction):
        result = value
        if max(abs(result.numerator), result.denominator) >= 10**MAX_INPUT_DIGITS:
            raise custom_error("weight is too large or too precise")
    elif isinstance(value, str) and "/" in value:
        match = _FRACTION_TEXT.fullmatch(value)
        if match is None:
            raise custom_error(
                f"{value!r} is not a weight; write a decimal like '33.5' "
                "or an exact fraction of whole numbers like '100/3'"
            )
        denominator = int(match[2])
        if denominator == 0:
            raise custom_error(f"{value!r}: a weight's denominator cannot be zero")
        result = Fraction(int(match[1]), denominator)
    else:
        result = Fraction(check_decimal(value))
    if result < 0:
        raise custom_error(f"a weight cannot be negative ({value!r})")
    return result


def _weight_text(value: Fraction) -> str:
    if is_terminating(value):
        return display_decimal(fraction_to_decimal(value))
    return f"{value.numerator}/{value.denominator}"


#: A weight (bobot, in percent): exact :class:`~fractions.Fraction`, never negative.
#: Accepts what :data:`Dec` accepts plus exact fractions like ``"100/3"``; written
#: to JSON as ``"33.5"`` when that is exact, else as ``"100/3"``.
Weight = Annotated[
    Fraction,
    PlainValidator(_check_weight),
    PlainSerializer(_weight_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": _WEIGHT_PATTERN},
            ]
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": _WEIGHT_PATTERN}, mode="serialization"),
]

# --------------------------------------------------------------------------- labels

#: The JSON-schema pattern of a label written as text: it starts with a letter (``"Baik"``,
#: ``"sangat_baik"``, ``"Ya"``), so it can never be mistaken for a number; one line.
LABEL_PATTERN = r"^\s*[A-Za-z\u00C0-\uFFFF][^\n\r]*$"
_LABEL_TEXT = re.compile(r"[^\W\d_][^\n\r]*")
# Words that Decimal reads as numbers: never a label (they are refused as numbers).
_NUMBER_WORDS = frozenset({"nan", "snan", "inf", "infinity", "+inf", "-inf"})


def is_label_text(value: object) -> bool:
    """Whether ``value`` is a label of a scale written as text (a qualitative realisasi or
    target): a string starting with a letter that is not a number word like ``"NaN"``.

    >>> is_label_text("Baik"), is_label_text("sangat_baik"), is_label_text("12,5")
    (True, True, False)
    >>> is_label_text("NaN"), is_label_text("1e3"), is_label_text(95)
    (False, False, False)
    """
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(_LABEL_TEXT.fullmatch(text)) and text.lower() not in _NUMBER_WORDS


def check_decimal_or_label(value: Any) -> Decimal | str:
    """A number as :data:`Dec` validates it, or a label written as text (stripped).

    Which enum the label belongs to is the rulebook's business (the indicator kind declares
    it); here a label is only text that starts with a letter.

    >>> check_decimal_or_label(" Baik "), check_decimal_or_label("95.5")
    ('Baik', Decimal('95.5'))
    """
    plain = plain_decimal(value)  # the common case, decided first
    if plain is not None:
        return plain
    if is_label_text(value):
        text: str = value.strip()
        return text
    return check_decimal(value)


def _decimal_or_label_text(value: Decimal | str) -> str:
    return value if isinstance(value, str) else display_decimal(value)


#: A realisasi: an exact decimal (as :data:`Dec`) or, for a qualitative indicator, a label of
#: the scale its kind declares, written as text (``"Baik"``); JSON keeps numbers as decimal
#: strings and labels as their text.
DecOrLabel = Annotated[
    Decimal | str,
    PlainValidator(check_decimal_or_label),
    PlainSerializer(_decimal_or_label_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": DECIMAL_PATTERN},
                {"type": "string", "pattern": LABEL_PATTERN, "description": "a label"},
            ]
        },
        mode="validation",
    ),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DECIMAL_PATTERN},
                {"type": "string", "pattern": LABEL_PATTERN, "description": "a label"},
            ]
        },
        mode="serialization",
    ),
]

#: Text that is stripped of surrounding whitespace and must not be empty then.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
