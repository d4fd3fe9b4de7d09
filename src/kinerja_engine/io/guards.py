"""Argument and row checks shared by the readers and writers of :mod:`kinerja_engine.io`.

Input: what a caller passed (rows, a decimal separator, any value to show in a message).
Output: the value unchanged, or a :class:`~kinerja_engine.errors.UsageError` (a wrong
argument) / :class:`~kinerja_engine.io.errors.TableError` (one row that is not a row).
Guarantees: a message never raises and never grows with the value (:func:`shown`); a
pandas DataFrame passed where rows are expected is named, with the call that gives its rows.

>>> shown("x" * 100)[-5:], shown(10**5000)
('xx...', '<int>')
>>> require_rows({"plan_id": "p"}, "plans_from_rows")
Traceback (most recent call last):
...
kinerja_engine.errors.UsageError: plans_from_rows(): parameter 'rows' must be an iterable of rows (dicts of columns), got dict
  hint: for a pandas DataFrame pass df.to_dict('records')
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..arguments import require
from ..errors import UsageError, shown
from .errors import TableError

__all__ = ["not_a_row", "require_decimal", "require_rows", "shown"]

_RECORDS = "df.to_dict('records')"


def require_rows(rows: object, func: str, first_row: object = 1) -> Iterable[Any]:
    """``rows`` if it is an iterable of rows (not text, not one mapping, not a DataFrame);
    ``first_row``, the number of its first row, a whole number 0 to 2**63."""
    if not 0 <= require(first_row, int, func, "first_row") <= 2**63:
        raise UsageError(f"{func}(): 'first_row' must be 0 to 2**63, got {shown(first_row)}")
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Iterable):
        raise UsageError(
            f"{func}(): parameter 'rows' must be an iterable of rows (dicts of columns), "
            f"got {type(rows).__name__}",
            hint=f"for a pandas DataFrame pass {_RECORDS}",
        )
    if hasattr(rows, "columns") and hasattr(rows, "to_dict"):  # a DataFrame: its column names
        raise UsageError(
            f"{func}(): a DataFrame iterates over its column names, not its rows",
            hint=f"pass {_RECORDS}",
        )
    return rows


def require_decimal(decimal: object) -> None:
    """Refuse a decimal separator other than ``","``, ``"."`` or ``None``."""
    if not (decimal is None or (isinstance(decimal, str) and decimal in (",", "."))):
        raise UsageError(f"decimal must be ',' or '.' or None, got {shown(decimal)}")


def not_a_row(item: object, number: int, source: str | None, sheet: str | None) -> TableError:
    """The error of an item of a row stream that is not a mapping (a namedtuple, a Series)."""
    return TableError(
        f"a row must be a mapping of column names to cells (a dict), got "
        f"{type(item).__name__}; for a pandas DataFrame pass {_RECORDS}",
        file=source,
        row=number,
        sheet=sheet,
    )
