"""Reading one spreadsheet cell: numbers, targets, weights, directions and yes/no.

Input: a cell as a reader gives it (text from CSV; int, float, Decimal, bool or text from
Excel, Parquet or JSON; ``None`` or ``""`` for an empty cell). Output: canonical values the
models accept (a :class:`~decimal.Decimal`, ``"100/3"`` for a weight, ``"80-90"`` for a range,
a direction's canonical name, a bool) or :class:`CellError` with a hint. Guarantees: what is
unambiguous is accepted, the rest refused, never guessed:

- **decimal comma or point**: ``"90,5"`` and ``"90.5"`` are both 90.5;
- **thousands separators**: ``"1.250.000"`` and ``"1,250,000"`` (two or more separators of one
  kind, groups of three) and ``"1.250,5"`` / ``"1,250.5"`` (both kinds: the last one is the
  decimal separator) are accepted; a *single* separator followed by exactly three digits after
  one to three leading digits (``"1.250"``, ``"12,500"``) could be either and is refused, unless
  the reader is told the decimal separator (``decimal=","`` or ``decimal="."``);
- **percent**: a trailing ``%`` is dropped and the number kept as written (``"95%"`` is 95: the
  table's percent columns hold percentages);
- **directions**: ``naik``/``meningkat``/``maksimal`` mean ``higher``, ``turun``/``menurun``/
  ``minimal`` mean ``lower``; the models' own spellings are passed on as they are;
- **yes/no**: ``ya``/``tidak``, ``yes``/``no``, ``true``/``false``, ``y``/``n``, ``1``/``0``;
- **empty**: ``None``, blank text and a float NaN (a DataFrame's empty cell) are empty cells;
  :func:`parse_number` itself refuses NaN (a number that is not one).

>>> parse_number("90,5"), parse_number("95%"), parse_number("1.250.000"), parse_number(" 3 ")
(Decimal('90.5'), Decimal('95'), Decimal('1250000'), Decimal('3'))
>>> parse_number("1.250")
Traceback (most recent call last):
...
kinerja_engine.io.cells.CellError: '1.250' is ambiguous: 1250 with a thousands dot, or 1.25 with a decimal point
>>> parse_number("1.250", decimal=",")
Decimal('1250')
>>> parse_direction("Naik"), parse_target("80 s.d. 90,5"), parse_weight("33,5")
('higher', '80-90.5', '33.5')
"""  # noqa: E501

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from math import isfinite, isnan
from typing import Final

from ..errors import KinerjaError
from ..values import plain_scalar
from .guards import require_decimal, shown

__all__ = [
    "CellError",
    "is_empty",
    "parse_bool",
    "parse_direction",
    "parse_number",
    "parse_target",
    "parse_weight",
]


class CellError(KinerjaError, ValueError):
    """One cell that cannot be read; ``hint`` says how to write it (already in the text).

    The readers turn it into a :class:`~kinerja_engine.io.errors.TableError` naming file,
    row and column; called directly, the public parsers raise it, a ``KinerjaError`` (and,
    as before, a ``ValueError``).
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message if not hint else f"{message} ({hint})")
        self.hint = hint

    def __str__(self) -> str:
        return self.message  # the hint is in the message already, in parentheses


_PANDAS_MISSING: Final = ("NAType", "NaTType")


def is_empty(value: object) -> bool:
    """Whether a cell is empty: ``None``, text of only spaces, a float NaN, ``pandas.NA``/``NaT``.

    A DataFrame marks an empty cell NaN (``pandas.read_csv`` and ``read_excel`` do, in
    text columns too), or ``pandas.NA`` in a nullable column, so a NaN *cell* is "not given",
    as ``None`` is.

    >>> is_empty(None), is_empty("  "), is_empty(0), is_empty(float("nan"))
    (True, True, False, True)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    kind = type(value)
    if kind.__name__ in _PANDAS_MISSING and kind.__module__.startswith("pandas."):
        return True  # pandas.NA and pandas.NaT: a nullable column's empty cell
    value = plain_scalar(value)  # numpy.float32 NaN is not a float: its float is
    return isinstance(value, float) and isnan(value)


_PLAIN: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED: Final = re.compile(r"[+-]?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?")
_SPACES: Final = re.compile(r"[\s\u00a0\u202f]+")


def _number_text(text: str, decimal: str | None) -> str:
    """Canonical ``123.45`` text of a number written with the separators described above."""
    raw = text
    text = _SPACES.sub("", text)
    text = text.removesuffix("%")
    if not text:
        raise CellError(f"{shown(raw)} is not a number")
    dots, commas = text.count("."), text.count(",")
    if decimal is not None:
        require_decimal(decimal)
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif dots and commas:
        point = "." if text.rfind(".") > text.rfind(",") else ","
        other = "," if point == "." else "."
        if text.count(point) != 1 or not _GROUPED.fullmatch(text):
            raise CellError(f"{shown(raw)} is not a number", "write it like 1.250,5 or 1250.5")
        text = text.replace(other, "").replace(point, ".")
    elif dots + commas > 1:
        sep = "." if dots else ","
        if not _GROUPED.fullmatch(text) or text.rsplit(sep, 1)[1].__len__() != 3:
            raise CellError(f"{shown(raw)} is not a number", "write it like 1.250.000 or 1250000")
        text = text.replace(sep, "")
    elif dots + commas == 1:
        sep = "." if dots else ","
        head, tail = text.split(sep)
        digits = head.lstrip("+-")
        if len(tail) == 3 and 1 <= len(digits) <= 3 and digits.isdigit() and digits[0] != "0":
            other = "decimal comma" if sep == "," else "decimal point"
            grouped = head + tail
            small = f"{head}.{tail}".rstrip("0").rstrip(".")
            raise CellError(
                f"{shown(raw)} is ambiguous: {grouped} with a thousands "
                f"{'dot' if sep == '.' else 'comma'}, or {small} with a {other}"
            )
        text = f"{head}.{tail}"
    if not _PLAIN.fullmatch(text):
        raise CellError(f"{shown(raw)} is not a number", "write it like 90,5 or 90.5")
    return text


def parse_number(value: object, *, decimal: str | None = None) -> Decimal:
    """The exact number in a cell (see the module's rules); ``decimal`` fixes the separator.

    >>> parse_number(Decimal("2.5")), parse_number(7), parse_number("1.250,5")
    (Decimal('2.5'), Decimal('7'), Decimal('1250.5'))
    >>> parse_number("sembilan")
    Traceback (most recent call last):
    ...
    kinerja_engine.io.cells.CellError: 'sembilan' is not a number (write it like 90,5 or 90.5)
    """
    value = plain_scalar(value)  # a DataFrame's NumPy scalars: the int or float they stand for
    if isinstance(value, bool):
        raise CellError(f"{shown(value)} is not a number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise CellError(f"{shown(value)} is not a finite number")
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel and Parquet hand out binary floats: their shortest repr is what was typed.
        if not isfinite(value):
            raise CellError(f"{shown(value)} is not a finite number")
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise CellError(f"{shown(value)} is not a number")
    try:
        return Decimal(_number_text(value, decimal))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
        raise CellError(f"{shown(value)} is not a number") from None


def parse_weight(value: object, *, decimal: str | None = None) -> str:
    """A weight as the models read it: a number, or an exact fraction like ``"100/3"``.

    >>> parse_weight("100/3"), parse_weight(40), parse_weight("12,5%")
    ('100/3', '40', '12.5')
    """
    if isinstance(value, str) and "/" in value:
        return value.strip()
    return format(parse_number(value, decimal=decimal), "f")


_RANGE: Final = re.compile(
    r"\s*(?P<lo>.+?)\s*(?:–|—|\.\.|s/d|s\.d\.?|sd|sampai|to|-)\s*(?P<hi>[+-]?[\d.,]+%?)\s*",
    re.IGNORECASE,
)


def parse_target(value: object, *, decimal: str | None = None) -> str:
    """A target: one number, or a range ``lo-hi`` (``"80-90"``, ``"80 s.d. 90"``).

    >>> parse_target("1.250.000"), parse_target("-5 - -3"), parse_target("80%–90%")
    ('1250000', '-5--3', '80-90')
    """
    if isinstance(value, str):
        match = _RANGE.fullmatch(value)
        if match is not None and match["lo"].strip("+-"):
            lo = parse_number(match["lo"], decimal=decimal)
            hi = parse_number(match["hi"], decimal=decimal)
            return f"{lo:f}-{hi:f}"
    return format(parse_number(value, decimal=decimal), "f")


_DIRECTIONS: Final = {
    "naik": "higher",
    "meningkat": "higher",
    "maksimal": "higher",
    "makin tinggi makin baik": "higher",
    "semakin tinggi semakin baik": "higher",
    "turun": "lower",
    "menurun": "lower",
    "minimal": "lower",
    "makin rendah makin baik": "lower",
    "semakin rendah semakin baik": "lower",
}
_AMBIGUOUS_DIRECTIONS: Final = frozenset({"rentang", "range target", "stabil", "tetap"})


def parse_direction(value: object) -> str:
    """A direction's canonical name; Indonesian words for up and down are accepted.

    >>> parse_direction("turun"), parse_direction("lower")
    ('lower', 'lower')
    >>> parse_direction("rentang")
    Traceback (most recent call last):
    ...
    kinerja_engine.io.cells.CellError: 'rentang' is ambiguous (write 'tolerance' for a band where both sides are worse, or 'higher'/'lower' for the better side of a range)
    """  # noqa: E501
    if not isinstance(value, str):
        raise CellError(f"{shown(value)} is not a direction", "write naik/turun or higher/lower")
    key = " ".join(value.split()).casefold()
    if key in _AMBIGUOUS_DIRECTIONS:
        raise CellError(
            f"{shown(value)} is ambiguous",
            "write 'tolerance' for a band where both sides are worse, "
            "or 'higher'/'lower' for the better side of a range",
        )
    return _DIRECTIONS.get(key, value.strip())


_TRUE: Final = frozenset({"ya", "yes", "true", "y", "1", "benar"})
_FALSE: Final = frozenset({"tidak", "no", "false", "n", "0", "salah"})


def parse_bool(value: object) -> bool:
    """A yes/no cell; an empty cell is False.

    >>> parse_bool("Ya"), parse_bool(None), parse_bool(0)
    (True, False, False)
    >>> parse_bool("t")
    Traceback (most recent call last):
    ...
    kinerja_engine.io.cells.CellError: 't' is not yes or no (write ya/tidak or true/false)
    """
    if is_empty(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    key = str(value).strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"{shown(value)} is not yes or no", "write ya/tidak or true/false")
