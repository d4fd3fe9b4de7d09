"""Appraisal periods: a month, quarter (triwulan), semester or year, as a typed value.

Input: text (``"2026-03"``, ``"2026-Q1"``, ``"2026-TW1"``, ``"2026-S2"``, ``"2026"``), a mapping
``{"kind", "year", "index"}`` or the constructors (:meth:`Period.month`, …). Output:
:class:`Period`, an immutable, hashable, picklable value usable as a pydantic field.
Guarantees: two periods are equal only if kind, year and index are equal; periods sort
by start date, longer first; years run from 1900 to 2999; every failure is a
:class:`~kinerja_engine.errors.ModelError` (``field='period'``) outside a model and a
pydantic error with its field path inside one; JSON holds the text form, which reads back
identically. :class:`PeriodKind` lives in :mod:`.fields` with the other enums.

>>> Period.parse("2026-TW2"), Period.parse("2026-TW2").months
(Period.quarter(2026, 2), (4, 5, 6))
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, overload

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from ..errors import ModelError, UsageError, shown
from .fields import InputError, PeriodKind, custom_error

__all__ = ["Period", "PeriodKind"]

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
        raise InputError(
            f"unknown period kind {shown(kind)}; use one of month, quarter, semester, year"
        )
    if not isinstance(year, int) or isinstance(year, bool):
        raise InputError(f"a period's year is a whole number, got {shown(year)}")
    if not isinstance(index, int) or isinstance(index, bool):
        raise InputError(f"a period's index is a whole number, got {shown(index)}")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise InputError(f"year {shown(year)} is outside {_MIN_YEAR}-{_MAX_YEAR}")
    count = 12 // _PERIOD_MONTHS[period_kind]
    if not 1 <= index <= count:
        raise InputError(
            f"a {period_kind.value} index is 1 to {count}, got {shown(index)}"
            if count > 1
            else f"a year period has index 1, got {shown(index)}"
        )
    return period_kind, year, index


def _parse_period(text: str) -> tuple[PeriodKind, int, int]:
    match = _PERIOD_TEXT.fullmatch(text)
    if match is None:
        raise InputError(
            f"{shown(text)} is not a period; write '2026-03' (month), '2026-Q1' (quarter), "
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


def _kind_argument(kind: object, func: str) -> PeriodKind:
    """A period kind given to a method, or a UsageError naming the parameter."""
    if isinstance(kind, PeriodKind):
        return kind
    if isinstance(kind, str):
        try:
            return PeriodKind(kind)
        except ValueError:
            pass
    raise UsageError(
        f"{func}(): parameter 'kind' must be one of month, quarter, semester, year; "
        f"got {shown(kind)}"
    )


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
        except InputError as exc:
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
            raise ModelError(f"a period is text like '2026-Q1', got {shown(text)}", field="period")
        try:
            return cls(*_parse_period(text))
        except InputError as exc:
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
        child_kind = _kind_argument(kind, "Period.children")
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
        outer = _kind_argument(kind, "Period.enclosing")
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
    except InputError as exc:
        raise custom_error(str(exc)) from None
    raise custom_error(f"a period is text like '2026-Q1', got {shown(value)}")
