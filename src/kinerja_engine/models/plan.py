"""Typed input models: who is appraised, for which period, against which indicators.

Input: plain Python data or JSON from callers (ints, strings like ``"95.5"``,
Decimals; floats through their shortest repr). Output: frozen pydantic v2 models
that the pipeline reads. Guarantees:

- every model is frozen and forbids unknown fields;
- numbers are exact (:class:`~decimal.Decimal`; weights are
  :class:`~fractions.Fraction` so ``"100/3"`` is a third, exactly); NaN,
  infinities, booleans and text that is not a number are rejected;
- every failure is a :class:`~kinerja_engine.errors.ModelError` whose message lists
  each problem with its dotted field path (``rhk.0.indicators.1.target``) and names
  the employee (NIP, else name) when the input shows one; no pydantic exception
  escapes construction, ``model_validate``, ``model_validate_json`` or assignment;
- ``model_dump_json`` / ``model_validate_json`` round-trip exactly: decimals are
  written as strings (``"95.5"``), weights as ``"33.5"`` or ``"100/3"``, periods
  as ``"2026-Q1"``. ``model_dump()`` in Python mode keeps the exact objects.

>>> plan = Plan.model_validate(
...     {
...         "id": "skp-1",
...         "employee": {
...             "nip": "198609262015051001",
...             "name": "Budi",
...             "position": {"name": "Analis", "category": "fungsional", "jenjang": "ahli muda"},
...             "unit": "dinkes",
...         },
...         "period": "2026-Q1",
...         "rhk": [
...             {
...                 "id": "r1",
...                 "description": "Cakupan imunisasi",
...                 "indicators": [
...                     {
...                         "id": "i1",
...                         "name": "Vaksinasi",
...                         "unit_of_measure": "dosis",
...                         "target": "1200",
...                         "direction": "higher",
...                         "weight": "100/3",
...                     }
...                 ],
...             }
...         ],
...         "realisations": [{"indicator": "i1", "value": 1250.5}],
...     }
... )
>>> plan.realisation_for("i1").value, plan.rhk[0].indicators[0].weight
(Decimal('1250.5'), Fraction(100, 3))
>>> Plan.model_validate_json(plan.model_dump_json()) == plan
True

A JSON number with more than about 15 significant digits passes through a binary
float on the way in; write such numbers as strings (the output always does).
"""

from __future__ import annotations

import calendar
import contextvars
import difflib
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Self, TypeVar, overload

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from ..errors import BindingError, ModelError, UsageError
from ..values import MAX_INPUT_DIGITS, display_decimal, fraction_to_decimal, to_decimal

__all__ = [
    "RHK",
    "BehaviourAssessment",
    "CoreValue",
    "Dec",
    "Direction",
    "Employee",
    "EmployeeKind",
    "Indicator",
    "Jenjang",
    "JptLevel",
    "Nip",
    "NipInfo",
    "Override",
    "OverrideTarget",
    "Period",
    "PeriodKind",
    "Plan",
    "Position",
    "PositionCategory",
    "Realisation",
    "RhkKind",
    "TargetRange",
    "Unit",
    "Weight",
    "decode_nip",
    "example_plan",
]


# --------------------------------------------------------------------------- problems


class _InputError(Exception):
    """Internal: one or more problems with a value, before we know where it sits.

    Public entry points turn it into :class:`ModelError`; validators turn it into
    pydantic errors so that pydantic can attach the field path.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _custom(message: str) -> PydanticCustomError:
    # The message goes in the context, never in the template: inputs echoed in it
    # may contain braces.
    return PydanticCustomError("kinerja", "{reason}", {"reason": message})


def _errors(
    title: str, problems: Sequence[tuple[tuple[str | int, ...], str]], value: Any
) -> ValidationError:
    """A ValidationError with one entry per (location, message); pydantic prefixes the
    location of the enclosing field when it propagates out of a validator."""
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(type=_custom(message), loc=loc, input=value)
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
    """The position families of domain.md §8.

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
    """Which way is better for an indicator; ``range`` means inside a target range.

    >>> Direction("Lower is better")
    <Direction.LOWER: 'lower'>
    """

    HIGHER = "higher"
    LOWER = "lower"
    RANGE = "range"


class RhkKind(_LenientEnum):
    """A main (utama) or additional (tambahan) planned result.

    >>> RhkKind("main"), RhkKind("Tambahan")
    (<RhkKind.UTAMA: 'utama'>, <RhkKind.TAMBAHAN: 'tambahan'>)
    """

    UTAMA = "utama"
    TAMBAHAN = "tambahan"


class CoreValue(_LenientEnum):
    """The 7 BerAKHLAK core values (domain.md §1.2).

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

_DECIMAL_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"


def _check_decimal(value: Any) -> Decimal:
    try:
        result = to_decimal(value, "value")
    except BindingError as exc:
        raise _custom(exc.message.removeprefix("value: ")) from None
    # The JSON form is plain digits; refuse what could not be read back from it.
    if len(display_decimal(result)) > MAX_INPUT_DIGITS + 2:
        raise _custom(f"number is too large or too precise ({value!r})")
    return result


def _decimal_text(value: Decimal) -> str:
    return display_decimal(value)


#: An exact decimal field: accepts int, decimal text, Decimal, float (shortest repr);
#: written to JSON as a string so that it reads back identically.
Dec = Annotated[
    Decimal,
    PlainValidator(_check_decimal),
    PlainSerializer(_decimal_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _DECIMAL_PATTERN}]},
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": _DECIMAL_PATTERN}, mode="serialization"),
]

_FRACTION_TEXT = re.compile(r"\s*\+?(\d{1,60})\s*/\s*(\d{1,60})\s*")
_WEIGHT_PATTERN = r"^\s*\+?(\d+(\.\d*)?|\.\d+)\s*(/\s*\d+\s*)?$"


def _check_weight(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        result = value
        if max(abs(result.numerator), result.denominator) >= 10**MAX_INPUT_DIGITS:
            raise _custom("weight is too large or too precise")
    elif isinstance(value, str) and "/" in value:
        match = _FRACTION_TEXT.fullmatch(value)
        if match is None:
            raise _custom(
                f"{value!r} is not a weight; write a decimal like '33.5' "
                "or an exact fraction of whole numbers like '100/3'"
            )
        denominator = int(match[2])
        if denominator == 0:
            raise _custom(f"{value!r}: a weight's denominator cannot be zero")
        result = Fraction(int(match[1]), denominator)
    else:
        result = Fraction(_check_decimal(value))
    if result < 0:
        raise _custom(f"a weight cannot be negative ({value!r})")
    return result


def _weight_text(value: Fraction) -> str:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
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

_T = TypeVar("_T")
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _non_empty(items: tuple[_T, ...]) -> tuple[_T, ...]:
    # An after-validator rather than min_length: it stays silent when items failed,
    # so a list with one bad item is not also reported as empty.
    if not items:
        raise _custom("needs at least one item")
    return items


# --------------------------------------------------------------------------- NIP

_NIP_DIGITS = re.compile(r"[0-9]{18}")

# Leniency for the appointment age in a PNS NIP: the legal minimum is 18, but a
# month-granular NIP and early appointments are real, so only the absurd is refused.
_MIN_APPOINTMENT_AGE = 17
_MAX_APPOINTMENT_AGE = 60


def _normalise_nip(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _InputError(f"a NIP is text of 18 digits, got {type(value).__name__}")
    text = "".join(value.split())
    if not _NIP_DIGITS.fullmatch(text):
        if not text.isascii() or not text.isdigit():
            raise _InputError(f"a NIP has only digits, got {value!r}")
        raise _InputError(f"a NIP has 18 digits, got {len(text)} ({value!r})")
    return text


def _check_nip_format(value: Any) -> str:
    try:
        return _normalise_nip(value)
    except _InputError as exc:
        raise _custom(str(exc)) from None


#: An NIP as text: spaces removed, exactly 18 ASCII digits. Only the format is checked
#: here; :class:`Employee` decodes and cross-checks the parts (see :func:`decode_nip`).
Nip = Annotated[
    str,
    BeforeValidator(_check_nip_format),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{18}$"}),
]


@dataclass(frozen=True, slots=True)
class NipInfo:
    """What an NIP says about its holder.

    For PNS, ``cpns_year``/``cpns_month`` are the CPNS appointment; for PPPK,
    ``cpns_year`` is the 4-digit year in the number and ``cpns_month`` is ``None``
    (the 2-digit field after it has no agreed meaning). ``gender`` is ``'L'``
    (laki-laki, male) or ``'P'`` (perempuan, female).

    >>> NipInfo(date(1986, 9, 26), 2015, 5, "L", 1).cpns_year
    2015
    """

    birth_date: date
    cpns_year: int
    cpns_month: int | None
    gender: str
    sequence: int
    kind: EmployeeKind = EmployeeKind.PNS


def _decode_nip(nip: str, kind: EmployeeKind) -> NipInfo:
    text = _normalise_nip(nip)
    problems: list[str] = []
    year, month, day = int(text[0:4]), int(text[4:6]), int(text[6:8])
    birth: date | None = None
    try:
        birth = date(year, month, day)
    except ValueError:
        problems.append(f"birth date {text[0:8]} is not a real date (YYYYMMDD)")
    if birth is not None and year < 1900:
        problems.append(f"birth year {year} is not plausible")
        birth = None
    appointed_year = int(text[8:12])
    appointed_month: int | None = None
    if kind is EmployeeKind.PNS:
        appointed_month = int(text[12:14])
        if not 1 <= appointed_month <= 12:
            problems.append(f"CPNS month {text[12:14]} is not a month (01-12)")
        elif birth is not None:
            age = (appointed_year * 12 + appointed_month) - (birth.year * 12 + birth.month)
            when = f"CPNS {appointed_year:04d}-{appointed_month:02d}"
            if age <= 0:
                problems.append(f"{when} is not after the birth date {birth}")
            elif age < _MIN_APPOINTMENT_AGE * 12:
                problems.append(
                    f"{when} means appointment at {age // 12} years old "
                    f"(at least {_MIN_APPOINTMENT_AGE} expected)"
                )
            elif age > _MAX_APPOINTMENT_AGE * 12:
                problems.append(
                    f"{when} means appointment at {age // 12} years old "
                    f"(at most {_MAX_APPOINTMENT_AGE} expected)"
                )
    elif birth is not None and appointed_year - birth.year < _MIN_APPOINTMENT_AGE:
        problems.append(
            f"year {appointed_year} is less than {_MIN_APPOINTMENT_AGE} years "
            f"after the birth date {birth}"
        )
    gender = {"1": "L", "2": "P"}.get(text[14])
    if gender is None:
        problems.append(f"gender digit {text[14]} must be 1 (male) or 2 (female)")
    sequence = int(text[15:18])
    if sequence == 0:
        problems.append("sequence number 000 does not exist (it starts at 001)")
    if problems or birth is None or gender is None:
        raise _InputError(*problems)
    return NipInfo(birth, appointed_year, appointed_month, gender, sequence, kind)


def decode_nip(nip: str, kind: EmployeeKind | str = "PNS") -> NipInfo:
    """Decode and cross-check an 18-digit NIP (spaces are ignored).

    PNS (``YYYYMMDD YYYYMM G NNN``): the birth date must be a real date (year 1900 or
    later), the CPNS month 01-12, the appointment between 17 and 60 years after the
    birth month (month granularity, lenient on purpose), gender 1 or 2 and the
    sequence 001-999. PPPK: birth date, gender and sequence as for PNS, and the
    4-digit year at least 17 years after the birth year; the 2-digit field is not
    checked because sources disagree on its meaning. Nothing is compared with
    today's date, so the result never depends on when it runs.

    Raises :class:`ModelError` with ``field='nip'`` listing every problem.

    >>> decode_nip("19860926 201505 1 001")
    NipInfo(birth_date=datetime.date(1986, 9, 26), cpns_year=2015, cpns_month=5, gender='L', sequence=1, kind=<EmployeeKind.PNS: 'PNS'>)
    >>> decode_nip("198609262015131001")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: employee 198609262015131001, field 'nip': CPNS month 13 is not a month (01-12)
    """  # noqa: E501
    try:
        employee_kind = EmployeeKind(kind)
    except ValueError:
        raise ModelError(f"unknown employee kind {kind!r}", field="kind") from None
    try:
        return _decode_nip(nip, employee_kind)
    except _InputError as exc:
        employee = nip if isinstance(nip, str) else None
        raise ModelError(
            "; ".join(exc.problems),
            field="nip",
            employee="".join(employee.split()) if employee else None,
            errors=exc.problems,
        ) from None


# --------------------------------------------------------------------------- Period

_PERIOD_MONTHS = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.SEMESTER: 6,
    PeriodKind.YEAR: 12,
}
_PERIOD_TEXT = re.compile(
    r"\s*(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>\d)|[Tt][Ww](?P<tw>\d)"
    r"|[Ss](?P<semester>\d)))?\s*"
)
_PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$"
_MIN_YEAR, _MAX_YEAR = 1900, 2999


def _period_parts(kind: object, year: object, index: object) -> tuple[PeriodKind, int, int]:
    try:
        period_kind = PeriodKind(kind) if isinstance(kind, str) else None
    except ValueError:
        period_kind = None
    if period_kind is None:
        raise _InputError(
            f"unknown period kind {kind!r}; use one of month, quarter, semester, year"
        )
    if not isinstance(year, int) or isinstance(year, bool):
        raise _InputError(f"a period's year is a whole number, got {year!r}")
    if not isinstance(index, int) or isinstance(index, bool):
        raise _InputError(f"a period's index is a whole number, got {index!r}")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _InputError(f"year {year} is outside {_MIN_YEAR}-{_MAX_YEAR}")
    count = 12 // _PERIOD_MONTHS[period_kind]
    if not 1 <= index <= count:
        raise _InputError(
            f"a {period_kind.value} index is 1 to {count}, got {index}"
            if count > 1
            else f"a year period has index 1, got {index}"
        )
    return period_kind, year, index


def _parse_period(text: str) -> tuple[PeriodKind, int, int]:
    match = _PERIOD_TEXT.fullmatch(text)
    if match is None:
        raise _InputError(
            f"{text!r} is not a period; write '2026-03' (month), '2026-Q1' (quarter), "
            "'2026-S2' (semester) or '2026' (year)"
        )
    year = int(match["year"])
    if match["month"]:
        return _period_parts(PeriodKind.MONTH, year, int(match["month"]))
    if match["quarter"] or match["tw"]:
        return _period_parts(PeriodKind.QUARTER, year, int(match["quarter"] or match["tw"]))
    if match["semester"]:
        return _period_parts(PeriodKind.SEMESTER, year, int(match["semester"]))
    return _period_parts(PeriodKind.YEAR, year, 1)


class _YearAttribute:
    """``Period.year(2026)`` builds a year period; ``period.year`` is its calendar year.

    One name serves both because both readings are what callers write.
    """

    @overload
    def __get__(self, instance: None, owner: type[Period]) -> Callable[[int], Period]: ...

    @overload
    def __get__(self, instance: Period, owner: type[Period]) -> int: ...

    def __get__(
        self, instance: Period | None, owner: type[Period]
    ) -> Callable[[int], Period] | int:
        if instance is None:
            return owner._whole_year
        return instance._year


class Period:
    """A typed appraisal period: a month, quarter, semester or year.

    Two periods are equal only if kind, year and index are equal: a quarter is never
    a month, even one that covers the same days. Periods sort by start date, longer
    first when they start together. ``start`` is the first day; ``end`` is the first
    day *after* the period (exclusive), ``last_day`` the last day in it. Years run
    from 1900 to 2999.

    >>> q1 = Period.parse("2026-Q1")
    >>> str(q1), q1.start, q1.end, q1.months
    ('2026-Q1', datetime.date(2026, 1, 1), datetime.date(2026, 4, 1), (1, 2, 3))
    >>> Period.month(2026, 3) in q1, q1 == Period.month(2026, 1), q1.year
    (True, False, 2026)
    >>> sorted([Period.month(2026, 1), q1, Period.year(2026)])
    [Period.year(2026), Period.quarter(2026, 1), Period.month(2026, 1)]
    >>> [str(p) for p in Period.year(2026).children("semester")]
    ['2026-S1', '2026-S2']
    """

    __slots__ = ("_index", "_kind", "_year")

    year = _YearAttribute()

    _kind: PeriodKind
    _year: int
    _index: int

    def __init__(self, kind: PeriodKind | str, year: int, index: int = 1) -> None:
        try:
            parts = _period_parts(kind, year, index)
        except _InputError as exc:
            raise ModelError(str(exc), field="period", errors=exc.problems) from None
        object.__setattr__(self, "_kind", parts[0])
        object.__setattr__(self, "_year", parts[1])
        object.__setattr__(self, "_index", parts[2])

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month ``month`` (1-12) of ``year``.

        >>> str(Period.month(2026, 3))
        '2026-03'
        """
        return cls(PeriodKind.MONTH, year, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Quarter (triwulan) 1-4 of ``year``.

        >>> str(Period.quarter(2026, 4))
        '2026-Q4'
        """
        return cls(PeriodKind.QUARTER, year, quarter)

    @classmethod
    def semester(cls, year: int, semester: int) -> Period:
        """Semester 1-2 of ``year``.

        >>> str(Period.semester(2026, 2))
        '2026-S2'
        """
        return cls(PeriodKind.SEMESTER, year, semester)

    @classmethod
    def _whole_year(cls, year: int) -> Period:
        return cls(PeriodKind.YEAR, year, 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``'2026-03'``, ``'2026-Q1'`` (or ``'2026-TW1'``), ``'2026-S2'`` or ``'2026'``.

        >>> Period.parse("2026-tw2"), Period.parse("2026-3")
        (Period.quarter(2026, 2), Period.month(2026, 3))
        >>> Period.parse("2026-Q5")
        Traceback (most recent call last):
        ...
        kinerja_engine.errors.ModelError: field 'period': a quarter index is 1 to 4, got 5
        """
        if not isinstance(text, str):
            raise ModelError(f"a period is text like '2026-Q1', got {text!r}", field="period")
        try:
            return cls(*_parse_period(text))
        except _InputError as exc:
            raise ModelError(str(exc), field="period", errors=exc.problems) from None

    @property
    def kind(self) -> PeriodKind:
        """Month, quarter, semester or year."""
        return self._kind

    @property
    def index(self) -> int:
        """Position within the year: month 1-12, quarter 1-4, semester 1-2, year 1."""
        return self._index

    @property
    def months(self) -> tuple[int, ...]:
        """The calendar months covered, e.g. ``(4, 5, 6)`` for Q2."""
        size = _PERIOD_MONTHS[self._kind]
        first = (self._index - 1) * size + 1
        return tuple(range(first, first + size))

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self._year, self.months[0], 1)

    @property
    def end(self) -> date:
        """The first day after the period (exclusive end)."""
        last = self.months[-1]
        return date(self._year + 1, 1, 1) if last == 12 else date(self._year, last + 1, 1)

    @property
    def last_day(self) -> date:
        """The last day in the period (inclusive end)."""
        last = self.months[-1]
        return date(self._year, last, calendar.monthrange(self._year, last)[1])

    def contains(self, other: Period | date) -> bool:
        """Whether ``other`` (a period or a day) lies wholly inside this period.

        >>> Period.year(2026).contains(Period.semester(2026, 2))
        True
        >>> Period.month(2026, 3).contains(Period.quarter(2026, 1))
        False
        """
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        if isinstance(other, date):
            return self.start <= other < self.end
        raise UsageError(f"a period can contain a Period or a date, not {type(other).__name__}")

    def __contains__(self, other: object) -> bool:
        if not isinstance(other, Period | date):
            return False
        return self.contains(other)

    def children(self, kind: PeriodKind | str) -> tuple[Period, ...]:
        """The periods of ``kind`` that make up this one, in order.

        >>> [str(p) for p in Period.semester(2026, 2).children("quarter")]
        ['2026-Q3', '2026-Q4']
        """
        child_kind = PeriodKind(kind)
        size = _PERIOD_MONTHS[child_kind]
        if size > _PERIOD_MONTHS[self._kind]:
            raise UsageError(f"a {self._kind.value} has no {child_kind.value} inside it")
        first = self.months[0]
        return tuple(
            Period(child_kind, self._year, (month - 1) // size + 1)
            for month in range(first, first + len(self.months), size)
        )

    def enclosing(self, kind: PeriodKind | str) -> Period:
        """The period of ``kind`` that contains this one.

        >>> Period.month(2026, 5).enclosing("quarter")
        Period.quarter(2026, 2)
        """
        outer = PeriodKind(kind)
        size = _PERIOD_MONTHS[outer]
        if size < _PERIOD_MONTHS[self._kind]:
            raise UsageError(f"a {outer.value} cannot contain a {self._kind.value}")
        return Period(outer, self._year, (self.months[0] - 1) // size + 1)

    def _order(self) -> tuple[date, int]:
        return self.start, -len(self.months)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self._kind, self._year, self._index) == (other._kind, other._year, other._index)

    def __hash__(self) -> int:
        return hash((self._kind, self._year, self._index))

    def __lt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._order() < other._order()

    def __le__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._order() <= other._order()

    def __gt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._order() > other._order()

    def __ge__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._order() >= other._order()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Period cannot be changed")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Period cannot be changed")

    def __reduce__(self) -> tuple[type[Period], tuple[str, int, int]]:
        # Pickling (e.g. for Dask workers) must go through __init__, since slots are read-only.
        return Period, (self._kind.value, self._year, self._index)

    def __str__(self) -> str:
        if self._kind is PeriodKind.MONTH:
            return f"{self._year:04d}-{self._index:02d}"
        if self._kind is PeriodKind.QUARTER:
            return f"{self._year:04d}-Q{self._index}"
        if self._kind is PeriodKind.SEMESTER:
            return f"{self._year:04d}-S{self._index}"
        return f"{self._year:04d}"

    def __repr__(self) -> str:
        if self._kind is PeriodKind.YEAR:
            return f"Period.year({self._year})"
        return f"Period.{self._kind.value}({self._year}, {self._index})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_period,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _PERIOD_PATTERN,
            "description": "month '2026-03', quarter '2026-Q1', semester '2026-S2' or year '2026'",
        }


def _validate_period(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    try:
        if isinstance(value, str):
            return Period(*_parse_period(value))
        if isinstance(value, Mapping) and set(value) <= {"kind", "year", "index"}:
            return Period(
                *_period_parts(value.get("kind"), value.get("year"), value.get("index", 1))
            )
    except _InputError as exc:
        raise _custom(str(exc)) from None
    raise _custom(f"a period is text like '2026-Q1', got {value!r}")


# --------------------------------------------------------------------------- base model

# True while a public entry point is validating: nested models then let pydantic's own
# errors through so that the outermost call reports them with full paths.
_VALIDATING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kinerja_models_validating", default=False
)


def _model_error(cls: type[_Model], exc: ValidationError, employee: str | None) -> ModelError:
    lines: list[str] = []
    paths: list[str] = []
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in error["loc"])
        paths.append(path)
        lines.append(f"{path}: {error['msg']}" if path else error["msg"])
    if len(lines) == 1:
        message = exc.errors(include_url=False)[0]["msg"]
    else:
        message = f"{len(lines)} problems in {cls.__name__}: " + "; ".join(lines)
    field = paths[0] if paths and paths[0] else None
    return ModelError(message, field=field, employee=employee, errors=tuple(lines))


def _employee_of(data: object) -> str | None:
    """The NIP, else the name, of an employee given as a model or raw input."""
    if isinstance(data, Employee):
        return data.nip
    if not isinstance(data, Mapping):
        return None
    nip = data.get("nip")
    if isinstance(nip, int) and not isinstance(nip, bool):
        nip = str(nip)
    if isinstance(nip, str) and nip.strip():
        return "".join(nip.split())
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return None


def _field_of(data: object, name: str) -> object:
    if isinstance(data, Mapping):
        return data.get(name)
    return getattr(data, name, None)


class _Model(BaseModel):
    """Frozen, closed pydantic model whose every failure is a :class:`ModelError`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, /, **data: Any) -> None:
        if _VALIDATING.get():
            super().__init__(**data)
            return
        token = _VALIDATING.set(True)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _model_error(type(self), exc, type(self)._employee_hint(data)) from None
        finally:
            _VALIDATING.reset(token)

    # Tell pydantic this is its own __init__, so nested models are built directly by
    # pydantic-core (fast, and their errors keep their paths) instead of through here.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def _employee_hint(cls, data: object) -> str | None:
        """The NIP or name of the employee concerned, if the input shows one."""
        return None

    @classmethod
    def _run(cls, validate: Callable[[], Self], data: Callable[[], object]) -> Self:
        if _VALIDATING.get():
            return validate()
        token = _VALIDATING.set(True)
        try:
            return validate()
        except ValidationError as exc:
            # The input is only inspected for the employee on this (rare) failure path.
            raise _model_error(cls, exc, cls._employee_hint(data())) from None
        finally:
            _VALIDATING.reset(token)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate Python data; failures raise :class:`ModelError`."""
        return cls._run(functools.partial(super().model_validate, obj, **kwargs), lambda: obj)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate JSON text; failures raise :class:`ModelError`."""

        def data() -> object:
            try:
                return json.loads(json_data)
            except (ValueError, RecursionError):
                return None

        return cls._run(functools.partial(super().model_validate_json, json_data, **kwargs), data)

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate string-only data; failures raise :class:`ModelError`."""
        return cls._run(
            functools.partial(super().model_validate_strings, obj, **kwargs), lambda: obj
        )

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except (ValidationError, AttributeError, ValueError):
            raise ModelError(
                f"{type(self).__name__} is frozen; build a new one instead of assigning",
                field=name,
                employee=type(self)._employee_hint(self),
                errors=(f"{name}: {type(self).__name__} is frozen",),
            ) from None

    def __delattr__(self, name: str) -> None:
        try:
            super().__delattr__(name)
        except (ValidationError, AttributeError, ValueError):
            raise ModelError(
                f"{type(self).__name__} is frozen; fields cannot be deleted",
                field=name,
                employee=type(self)._employee_hint(self),
                errors=(f"{name}: {type(self).__name__} is frozen",),
            ) from None


# --------------------------------------------------------------------------- people


class Position(_Model):
    """A position (jabatan): its name, category and, for Fungsional, its jenjang.

    ``jenjang`` is required for Fungsional and refused otherwise; ``level``
    (Utama/Madya/Pratama) is optional and only for JPT.

    >>> Position(name="Pranata Komputer", category="fungsional", jenjang="ahli pertama").jenjang
    <Jenjang.AHLI_PERTAMA: 'Ahli Pertama'>
    >>> Position(name="Kepala Seksi", category="Pelaksana", jenjang="Mahir")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'jenjang': only a Fungsional position has a jenjang, not Pelaksana
    """  # noqa: E501

    name: _Text
    category: PositionCategory
    jenjang: Jenjang | None = None
    level: JptLevel | None = None

    @model_validator(mode="after")
    def _check_category(self) -> Self:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.category is PositionCategory.FUNGSIONAL and self.jenjang is None:
            problems.append((("jenjang",), "a Fungsional position needs a jenjang"))
        if self.category is not PositionCategory.FUNGSIONAL and self.jenjang is not None:
            problems.append(
                (
                    ("jenjang",),
                    f"only a Fungsional position has a jenjang, not {self.category.value}",
                )
            )
        if self.category is not PositionCategory.JPT and self.level is not None:
            problems.append(
                (("level",), f"only a JPT position has a level, not {self.category.value}")
            )
        if problems:
            raise _errors("Position", problems, self)
        return self


class Unit(_Model):
    """An organisation unit; ``parent`` is the id of the unit above it, if any.

    >>> Unit(id="dinkes", name="Dinas Kesehatan").parent is None
    True
    """

    id: _Text
    name: _Text
    parent: _Text | None = None


class Employee(_Model):
    """An ASN employee with a validated NIP.

    The NIP may be written with spaces (they are removed); it is decoded and
    cross-checked according to ``kind`` (see :func:`decode_nip`). ``unit`` is the
    id of the employee's :class:`Unit`.

    >>> e = Employee(
    ...     nip="19860926 201505 1 001",
    ...     name="Budi",
    ...     position={"name": "Kepala Dinas", "category": "JPT", "level": "Pratama"},
    ...     unit="dinkes",
    ...     is_unit_head=True,
    ... )
    >>> e.nip, e.nip_info.birth_date, e.nip_info.gender
    ('198609262015051001', datetime.date(1986, 9, 26), 'L')
    """

    nip: Nip
    name: _Text
    kind: EmployeeKind = EmployeeKind.PNS
    position: Position
    unit: _Text
    is_unit_head: bool = False

    @model_validator(mode="after")
    def _check_nip(self) -> Self:
        try:
            _decode_nip(self.nip, self.kind)
        except _InputError as exc:
            raise _errors("Employee", [(("nip",), p) for p in exc.problems], self.nip) from None
        return self

    @property
    def nip_info(self) -> NipInfo:
        """What the NIP says: birth date, appointment, gender, sequence."""
        return _decode_nip(self.nip, self.kind)

    @classmethod
    def _employee_hint(cls, data: object) -> str | None:
        return _employee_of(data)


# --------------------------------------------------------------------------- indicators

_RANGE_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_RANGE_TEXT = re.compile(
    rf"\s*(?P<lo>{_RANGE_NUMBER})\s*(?:-|–|—|\.\.|s/d|s\.d\.?|sd|to|sampai)\s*"
    rf"(?P<hi>{_RANGE_NUMBER})\s*",
    re.IGNORECASE,
)


class TargetRange(_Model):
    """A target range ``lo``-``hi`` (inclusive, ``lo <= hi``).

    Also accepts the text ``"80-90"`` (or ``"80 s.d. 90"``) and a pair ``[80, 90]``.

    >>> TargetRange.model_validate("80 - 90.5")
    TargetRange(lo=Decimal('80'), hi=Decimal('90.5'))
    >>> TargetRange(lo=9, hi=8)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: a range needs lo <= hi, got 9 > 8
    """

    lo: Dec
    hi: Dec

    @model_validator(mode="before")
    @classmethod
    def _from_text_or_pair(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = _RANGE_TEXT.fullmatch(data)
            if match is None:
                raise _custom(f"{data!r} is not a range; write it like '80-90'")
            return {"lo": match["lo"], "hi": match["hi"]}
        if isinstance(data, list | tuple):
            if len(data) != 2:
                raise _custom(f"a range is a pair [lo, hi], got {len(data)} items")
            return {"lo": data[0], "hi": data[1]}
        return data

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        if self.lo > self.hi:
            raise _custom(f"a range needs lo <= hi, got {self.lo} > {self.hi}")
        return self


def _check_target(value: Any) -> Decimal | TargetRange:
    if isinstance(value, TargetRange):
        return value
    if isinstance(value, Mapping | list | tuple) or (
        isinstance(value, str) and _RANGE_TEXT.fullmatch(value)
    ):
        # A ValidationError raised here keeps its inner path (target.lo, …).
        result: TargetRange = TargetRange.__pydantic_validator__.validate_python(value)
        return result
    try:
        return _check_decimal(value)
    except PydanticCustomError as exc:
        raise _custom(f"{exc.message()}; a range is written '80-90'") from None


def _target_json(value: Decimal | TargetRange) -> object:
    if isinstance(value, TargetRange):
        return {"lo": display_decimal(value.lo), "hi": display_decimal(value.hi)}
    return display_decimal(value)


_Target = Annotated[
    Decimal | TargetRange,
    PlainValidator(_check_target),
    PlainSerializer(_target_json, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": _DECIMAL_PATTERN},
                {"type": "string", "description": "a range like '80-90'"},
                {
                    "type": "object",
                    "properties": {
                        "lo": {"type": ["number", "string"]},
                        "hi": {"type": ["number", "string"]},
                    },
                    "required": ["lo", "hi"],
                    "additionalProperties": False,
                },
            ]
        },
        mode="validation",
    ),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _DECIMAL_PATTERN},
                {
                    "type": "object",
                    "properties": {
                        "lo": {"type": "string", "pattern": _DECIMAL_PATTERN},
                        "hi": {"type": "string", "pattern": _DECIMAL_PATTERN},
                    },
                    "required": ["lo", "hi"],
                    "additionalProperties": False,
                },
            ]
        },
        mode="serialization",
    ),
]


class Indicator(_Model):
    """An IKI: a measurable indicator of an RHK.

    ``target`` is a number or a :class:`TargetRange`; ``direction`` ``range`` goes with
    a range target and only with one. Targets may be zero or negative (what a zero
    target means is a rulebook decision) but are always finite. ``weight`` is the
    bobot within the RHK, in percent. Give a ``formula`` in the rules language or
    the ``kind`` of an indicator declared in the rulebook, not both; with neither the
    rulebook's default for the direction applies. ``cap`` (percent, > 0) limits the
    capaian.

    >>> iki = Indicator(
    ...     id="waktu",
    ...     name="Rata-rata waktu layanan",
    ...     unit_of_measure="hari",
    ...     target="3",
    ...     direction="lower",
    ...     weight="100/3",
    ... )
    >>> iki.target, iki.direction, iki.weight
    (Decimal('3'), <Direction.LOWER: 'lower'>, Fraction(100, 3))
    >>> Indicator(id="x", name="x", unit_of_measure="%", target="80-90", direction="higher")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'direction': a range target needs direction 'range'
    """

    id: _Text
    name: _Text
    unit_of_measure: _Text
    target: _Target
    direction: Direction
    weight: Weight | None = None
    formula: _Text | None = None
    kind: _Text | None = None
    cap: Dec | None = None

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        is_range = isinstance(self.target, TargetRange)
        if is_range and self.direction is not Direction.RANGE:
            problems.append((("direction",), "a range target needs direction 'range'"))
        if not is_range and self.direction is Direction.RANGE:
            problems.append((("target",), "direction 'range' needs a range target like '80-90'"))
        if self.formula is not None and self.kind is not None:
            problems.append((("kind",), "give either a formula or an indicator kind, not both"))
        if self.cap is not None and self.cap <= 0:
            problems.append((("cap",), f"a cap is a positive percentage, got {self.cap}"))
        if problems:
            raise _errors("Indicator", problems, self)
        return self


class RHK(_Model):
    """A planned result (Rencana Hasil Kerja) with its indicators (at least one).

    ``intervenes`` is the id of the superior's RHK that this one supports.

    >>> r = RHK(
    ...     id="r1",
    ...     description="Layanan perizinan tepat waktu",
    ...     kind="utama",
    ...     indicators=[
    ...         {"id": "i1", "name": "IKM", "unit_of_measure": "indeks", "target": 85,
    ...          "direction": "higher"},
    ...     ],
    ... )
    >>> r.kind, len(r.indicators)
    (<RhkKind.UTAMA: 'utama'>, 1)
    """

    id: _Text
    description: _Text
    kind: RhkKind = RhkKind.UTAMA
    weight: Weight | None = None
    indicators: Annotated[tuple[Indicator, ...], AfterValidator(_non_empty)]
    intervenes: _Text | None = None

    @model_validator(mode="after")
    def _check_indicator_ids(self) -> Self:
        problems = _duplicates(
            [((("indicators", i, "id")), ind.id) for i, ind in enumerate(self.indicators)],
            "indicator",
        )
        if problems:
            raise _errors("RHK", problems, self)
        return self


def _duplicates(
    entries: Sequence[tuple[tuple[str | int, ...], str]], what: str
) -> list[tuple[tuple[str | int, ...], str]]:
    """Report each repeated id at the later places, naming the first place."""
    first: dict[str, tuple[str | int, ...]] = {}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for loc, key in entries:
        if key in first:
            where = ".".join(str(part) for part in first[key])
            problems.append((loc, f"duplicate {what} {key!r} (first at {where})"))
        else:
            first[key] = loc
    return problems


# --------------------------------------------------------------------------- evaluation


class Realisation(_Model):
    """The achieved value (realisasi) of one indicator, or that it does not apply.

    To mean "not yet reported", leave the realisation out; a realisation has either
    a ``value`` or ``not_applicable=True``.

    >>> Realisation(indicator="i1", value="95.5").value
    Decimal('95.5')
    >>> Realisation(indicator="i1")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'value': a realisation needs a value or not_applicable=True (leave it out if not yet reported)
    """  # noqa: E501

    indicator: _Text
    value: Dec | None = None
    not_applicable: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _check_value(self) -> Self:
        if self.value is None and not self.not_applicable:
            raise _errors(
                "Realisation",
                [
                    (
                        ("value",),
                        "a realisation needs a value or not_applicable=True "
                        "(leave it out if not yet reported)",
                    )
                ],
                None,
            )
        if self.value is not None and self.not_applicable:
            raise _errors(
                "Realisation",
                [(("not_applicable",), "a realisation with a value cannot be not applicable")],
                True,
            )
        return self


class BehaviourAssessment(_Model):
    """The evaluator's assessment of work behaviour on the 7 BerAKHLAK values.

    ``rating`` is the Rating Perilaku Kerja as written (resolved against the
    rulebook's rating enum later); ``per_value`` holds optional ratings or notes per
    core value.

    >>> b = BehaviourAssessment(rating="Sesuai Ekspektasi", per_value={"akuntabel": "baik"})
    >>> b.per_value
    {<CoreValue.AKUNTABEL: 'Akuntabel'>: 'baik'}
    """

    rating: _Text
    per_value: dict[CoreValue, _Text] = Field(default_factory=dict)
    notes: str = ""


class Override(_Model):
    """An evaluator's override of a computed rating or predikat; the reason is mandatory.

    ``by`` is the NIP of whoever overrode (format checked only).

    >>> Override(what="predikat", value="Baik", reason="  ").reason
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'reason': an override needs a reason
    """

    what: OverrideTarget
    value: _Text
    reason: str
    by: Nip | None = None

    @field_validator("reason")
    @classmethod
    def _check_reason(cls, reason: str) -> str:
        if not reason.strip():
            raise _custom("an override needs a reason")
        return reason.strip()


class Plan(_Model):
    """An SKP: one employee's plan for a period and, as it arrives, its evaluation.

    Checked across the document: RHK ids and indicator ids are unique in the plan,
    every realisation names an indicator of the plan (at most one each), there is
    at most one override per target, and the evaluator is not the employee.
    Errors name ``employee.nip``.

    >>> plan = Plan(
    ...     id="skp-2026-budi",
    ...     employee={
    ...         "nip": "198609262015051001",
    ...         "name": "Budi",
    ...         "position": {"name": "Pengadministrasi", "category": "Pelaksana"},
    ...         "unit": "kec-1",
    ...     },
    ...     period="2026",
    ...     rhk=[
    ...         {
    ...             "id": "r1",
    ...             "description": "Pelayanan KTP",
    ...             "indicators": [
    ...                 {"id": "i1", "name": "Berkas", "unit_of_measure": "berkas",
    ...                  "target": 500, "direction": "higher"},
    ...             ],
    ...         }
    ...     ],
    ...     realisations=[{"indicator": "i2", "value": 10}],
    ... )
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: employee 198609262015051001, field 'realisations.0.indicator': unknown indicator 'i2' (did you mean 'i1'?)
    """  # noqa: E501

    id: _Text
    employee: Employee
    evaluator: Employee | None = None
    period: Period
    rhk: Annotated[tuple[RHK, ...], AfterValidator(_non_empty)]
    expectations: dict[CoreValue, _Text] = Field(default_factory=dict)
    realisations: tuple[Realisation, ...] = ()
    behaviour: BehaviourAssessment | None = None
    overrides: tuple[Override, ...] = ()

    @model_validator(mode="after")
    def _check_document(self) -> Self:
        problems = _duplicates([(("rhk", i, "id"), r.id) for i, r in enumerate(self.rhk)], "RHK")
        problems += _duplicates(
            [
                (("rhk", i, "indicators", j, "id"), ind.id)
                for i, r in enumerate(self.rhk)
                for j, ind in enumerate(r.indicators)
            ],
            "indicator",
        )
        known = [ind.id for _, ind in self.indicators()]
        seen: dict[str, int] = {}
        for i, realisation in enumerate(self.realisations):
            loc: tuple[str | int, ...] = ("realisations", i, "indicator")
            name = realisation.indicator
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append((loc, f"unknown indicator {name!r}{hint}"))
            elif name in seen:
                problems.append(
                    (loc, f"a second realisation for {name!r} (first at realisations.{seen[name]})")
                )
            else:
                seen[name] = i
        problems += _duplicates(
            [(("overrides", i, "what"), o.what.value) for i, o in enumerate(self.overrides)],
            "override of",
        )
        if self.evaluator is not None and self.evaluator.nip == self.employee.nip:
            problems.append((("evaluator", "nip"), "an employee cannot be their own evaluator"))
        if problems:
            raise _errors("Plan", problems, None)
        return self

    def indicators(self) -> Iterator[tuple[RHK, Indicator]]:
        """Every (RHK, indicator) pair, in document order.

        >>> [ind.id for _, ind in example_plan().indicators()]
        ['i1', 'i2']
        """
        for rhk in self.rhk:
            for indicator in rhk.indicators:
                yield rhk, indicator

    def realisation_for(self, indicator_id: str) -> Realisation | None:
        """The realisation of ``indicator_id``, or ``None`` if not (yet) reported.

        >>> plan = example_plan()
        >>> plan.realisation_for("i1").value, plan.realisation_for("i2")
        (Decimal('3.5'), None)
        """
        for realisation in self.realisations:
            if realisation.indicator == indicator_id:
                return realisation
        return None

    @classmethod
    def _employee_hint(cls, data: object) -> str | None:
        return _employee_of(_field_of(data, "employee"))


def example_plan() -> Plan:
    """A tiny plan for examples and tests: one RHK with a lower-is-better and a range indicator.

    Only the first indicator is realised, so the plan exercises a missing realisation too.

    >>> plan = example_plan()
    >>> plan.employee.name, [ind.id for _, ind in plan.indicators()]
    ('Budi', ['i1', 'i2'])
    """
    return Plan.model_validate(
        {
            "id": "p",
            "employee": {
                "nip": "198609262015051001",
                "name": "Budi",
                "position": {"name": "Staf", "category": "Pelaksana"},
                "unit": "u",
            },
            "period": "2026-01",
            "rhk": [
                {
                    "id": "r1",
                    "description": "Layanan",
                    "indicators": [
                        {
                            "id": "i1",
                            "name": "Waktu",
                            "unit_of_measure": "hari",
                            "target": 3,
                            "direction": "lower",
                        },
                        {
                            "id": "i2",
                            "name": "IKM",
                            "unit_of_measure": "indeks",
                            "target": "80-90",
                            "direction": "range",
                        },
                    ],
                }
            ],
            "realisations": [{"indicator": "i1", "value": "3.5"}],
        }
    )
