"""The error of one bad row of a table: which file, row, sheet and column, and what is wrong.

Input: where a reader found a problem and the problem itself. Output: :class:`TableError`, a
:class:`~kinerja_engine.errors.ModelError` (so every ``except KinerjaError`` still catches it)
whose text starts with the place. Readers *yield* these instead of raising them, so that one
bad row never stops a file: nothing is dropped silently.

>>> err = TableError("'abc' is not a number", file="plans.csv", row=12, column="realisasi",
...                  field="realisations.0.value", employee="198703122012122002")
>>> print(err)
plans.csv, row 12, column 'realisasi': employee 198703122012122002: 'abc' is not a number
>>> err.row, err.table_column, err.field
(12, 'realisasi', 'realisations.0.value')
"""

from __future__ import annotations

from ..errors import ModelError

__all__ = ["TableError"]


class TableError(ModelError):
    """A row of a plan table (or a file) that could not be read or validated.

    ``file`` is the path as given, ``row`` the 1-based row number in the file (the header is
    row 1 of a CSV or sheet; the first line is row 1 of JSON Lines; the first element is row
    1 of a JSON array; the first data row is row 1 of Parquet), ``sheet`` the Excel sheet,
    ``column`` the table column (kept as :attr:`table_column`: the inherited ``column`` is a
    position in rule text, and stays None here), ``field`` the model's dotted field path,
    ``plan_id`` the plan the row belongs to, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        sheet: str | None = None,
        column: str | None = None,
        field: str | None = None,
        employee: str | None = None,
        plan_id: str | None = None,
    ) -> None:
        where = [file] if file else []
        if sheet:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column {column!r}")
        detail = f"employee {employee}: {message}" if employee else message
        text = f"{', '.join(where)}: {detail}" if where else detail
        super().__init__(message, field=field, employee=employee, errors=(text,))
        # ModelError composes its own text; a table error leads with the place instead.
        self.args = (text,)
        self.message = text
        self.reason = message
        self.file = file
        self.row = row
        self.sheet = sheet
        self.table_column = column
        self.plan_id = plan_id

    def __str__(self) -> str:
        return self.message
