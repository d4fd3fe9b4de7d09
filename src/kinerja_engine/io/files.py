"""Files in and out: plan tables from JSON, JSON Lines, CSV, Excel and Parquet; records out.

Input: a path whose suffix names the format (``.json``, ``.jsonl``/``.ndjson``, ``.csv``,
``.xlsx``, ``.parquet``). Output: :func:`read_plans` yields ``Plan`` or
:class:`~kinerja_engine.io.errors.TableError` items (see :mod:`.table`); :func:`write_rows`
writes flat rows (records or plan-table rows) and :func:`read_records` reads records back
with their types. Guarantees:

- streaming: JSON Lines and CSV are read line by line, Parquet by record batch, Excel in
  openpyxl's read-only mode; writers of CSV, Excel and Parquet spool rows to a temporary
  file (to learn every column first) and never hold them all in memory; a JSON array is
  read whole (use JSON Lines for large inputs);
- a line that is not JSON, or a row that is not an object, is a ``TableError`` naming file
  and row, and reading goes on; so is a CSV row with more cells than the header has columns
  or a cell over the CSV module's size limit (128 KiB), each naming its plan when it can;
- a header that names one column twice, or (Excel) a value under a header cell left empty,
  is an error, never a column silently dropped or overwritten; a missing file, an unknown
  sheet or a file that cannot be opened is a :class:`~kinerja_engine.errors.UsageError`;
- a UTF-8 byte-order mark (as Windows editors write it) is skipped in every text format;
  Parquet ``float32`` cells are read through their own shortest text (``3.3``, not
  ``3.299999952316284``), as Excel's doubles are;
- openpyxl and pyarrow are imported only when an Excel or Parquet file is used; when missing,
  a :class:`~kinerja_engine.errors.UsageError` names the extra to install;
- numbers are written exactly (CSV and JSON as decimal text; Excel as numbers, or as text
  when a double cannot hold every digit; Parquet as decimal text), and :func:`read_records`
  gives back what :mod:`.records` made.
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from math import isfinite
from pathlib import Path
from typing import Any, Final

from ..arguments import require, require_optional
from ..errors import UsageError
from ..models import Plan
from .cells import CellError
from .errors import TableError
from .guards import require_rows, shown
from .kinds import KindCheck, require_kinds
from .optional import need
from .records import INT_COLUMNS, NUMBER_COLUMNS
from .table import numbered_plans

__all__ = ["FORMATS", "read_plans", "read_records", "write_rows"]

#: Suffix to format name.
FORMATS: Final = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
}
_BATCH: Final = 4096
#: The optional module each format needs, and the extra that installs it.
_EXTRAS: Final = {"xlsx": ("openpyxl", "excel"), "parquet": ("pyarrow.parquet", "parquet")}


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"{path}: unknown file type {path.suffix!r}", hint=f"use one of {known}")
    return fmt


# --------------------------------------------------------------------------- reading rows

Numbered = Iterator[tuple[int, Mapping[str, Any] | TableError]]


def _not_object(source: str, number: int, what: str) -> TableError:
    return TableError(f"a row must be an object of columns, got {what}", file=source, row=number)


#: What the text readers put in place of bytes that are not UTF-8 (``errors="replace"``).
_NOT_UTF8: Final = "\ufffd"


def _not_utf8(source: str, number: int, plan_id: str | None) -> TableError:
    """A row with bytes that are not UTF-8 (a spreadsheet's "CSV" in a Windows code page):
    a name like "Sití" would be altered, so the row is refused with how to save the file."""
    return TableError(
        "this row is not UTF-8 text (a letter such as 'í' was saved in another encoding); "
        "save the file as 'CSV UTF-8'",
        file=source,
        row=number,
        plan_id=(plan_id or "").strip() or None,
    )


def _path(path: object, func: str) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise UsageError(
            f"{func}(): parameter 'path' must be str or a path, got {type(path).__name__}"
        )
    try:
        return Path(path)
    except TypeError as exc:  # a PathLike whose __fspath__ gives bytes
        raise UsageError(f"{func}(): parameter 'path': {exc}") from None


def _exists(path: Path) -> None:
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "no such file"
        raise UsageError(f"{path}: {what}")


def _open(path: Path, source: str, **options: Any) -> Any:
    try:
        return path.open(**options)
    except OSError as exc:  # removed, or not readable, after read_plans was called
        raise UsageError(f"{source}: cannot open the file: {exc.strerror or exc}") from exc


def _duplicate(names: Sequence[str], source: str, sheet: str | None = None) -> TableError | None:
    """The error of a header that names one column twice (the later one would win)."""
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            return TableError(
                f"the header names column {name!r} twice; rename or remove one of them",
                file=source,
                row=1,
                sheet=sheet,
                column=name,
            )
        seen.add(name)
    return None


def _json_rows(path: Path, source: str) -> Numbered:
    with _open(path, source, mode="rb") as handle:
        raw = handle.read()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
        yield 1, TableError(f"not JSON: {exc}", file=source, row=None)
        return
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        yield 1, _not_object(source, 1, type(data).__name__)
        return
    for number, item in enumerate(data, 1):
        yield (
            number,
            item if isinstance(item, Mapping) else _not_object(source, number, type(item).__name__),
        )


def _jsonl_rows(path: Path, source: str) -> Numbered:
    with _open(path, source, encoding="utf-8-sig", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            if _NOT_UTF8 in line:
                yield number, _not_utf8(source, number, None)
                continue
            try:
                item = json.loads(line)
            except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
                yield number, TableError(f"not JSON: {exc}", file=source, row=number)
                continue
            yield (
                number,
                item
                if isinstance(item, Mapping)
                else _not_object(source, number, type(item).__name__),
            )


def _csv_rows(path: Path, source: str) -> Numbered:
    with _open(path, source, encoding="utf-8-sig", errors="replace", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        # Indonesian spreadsheets often save with ';' (the comma is the decimal separator).
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            yield 1, TableError(f"the header cannot be read: {exc}", file=source, row=1)
            return
        if header is None:
            return
        names = [h.strip() for h in header]
        twice = _duplicate(names, source)
        if twice is not None:
            yield 1, twice
            return
        place = names.index("plan_id") if "plan_id" in names else None
        number, stuck = 1, -1
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as exc:  # a cell over the size limit: the reader goes on after it
                number += 1
                yield number, TableError(f"cannot read this row: {exc}", file=source, row=number)
                if reader.line_num == stuck:  # nothing consumed: reading on would not end
                    return
                stuck = reader.line_num
                continue
            number += 1
            if cells is None:
                return
            if not any(c.strip() for c in cells):
                continue
            if _NOT_UTF8 in "".join(cells):  # bytes that are not UTF-8: never guessed
                plan_id = cells[place] if place is not None and place < len(cells) else None
                yield number, _not_utf8(source, number, plan_id)
                continue
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                plan_id = None if place is None else cells[place].strip() or None
                yield (
                    number,
                    TableError(
                        f"{len(cells)} cells but {len(names)} columns",
                        file=source,
                        row=number,
                        plan_id=plan_id,
                    ),
                )
                continue
            yield number, dict(zip(names, cells, strict=False))


def _xlsx_rows(path: Path, source: str, sheet: str | None) -> Numbered:
    openpyxl = need("openpyxl", "excel")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{source}: cannot read the Excel file: {exc}") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            known = ", ".join(repr(n) for n in book.sheetnames)
            raise UsageError(f"{source}: no sheet {shown(sheet)}", hint=f"its sheets: {known}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = ["" if h is None else str(h).strip() for h in header]
        twice = _duplicate(names, source, sheet)
        if twice is not None:
            yield 1, twice
            return
        for number, cells in enumerate(rows, 2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            row = {n: c for n, c in zip(names, cells, strict=False) if n}
            # A value under an empty header cell (or past the header) would be lost unseen.
            lost = [i for i, c in enumerate(cells) if (i >= len(names) or not names[i])
                    and not (c is None or (isinstance(c, str) and not c.strip()))]  # fmt: skip
            if lost:
                letter = need("openpyxl.utils", "excel").get_column_letter(lost[0] + 1)
                yield (
                    number,
                    TableError(
                        f"column {letter} has a value but no header: name the column",
                        file=source,
                        row=number,
                        sheet=sheet,
                        plan_id=_plan_of(row),
                    ),
                )
                continue
            yield number, row
    finally:
        book.close()


def _plan_of(row: Mapping[str, Any]) -> str | None:
    value = row.get("plan_id")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()


def _parquet_rows(path: Path, source: str) -> Numbered:
    pa = need("pyarrow", "parquet")
    pc = need("pyarrow.compute", "parquet")
    pq = need("pyarrow.parquet", "parquet")
    number = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH):
            rows = batch.to_pylist()
            for field in batch.schema:
                if field.type in (pa.float32(), pa.float16()):
                    # A narrow float's own shortest text is what was typed (3.3), not the
                    # double it widens to (3.299999952316284).
                    texts = pc.cast(batch.column(field.name), pa.string()).to_pylist()
                    for row, text in zip(rows, texts, strict=True):
                        row[field.name] = _narrow(text)
            for row in rows:
                number += 1
                yield number, row
    except (OSError, ValueError, NotImplementedError) as exc:
        # pyarrow's errors (ArrowInvalid is a ValueError, ArrowIOError an OSError): a file
        # that is not Parquet, or breaks partway, after the rows already given.
        raise UsageError(f"{source}: cannot read the Parquet file: {exc}") from exc


def _narrow(text: str | None) -> Decimal | float | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - Arrow writes numbers
        return float(text)
    return value if value.is_finite() else float(text)  # NaN: an empty cell; inf: refused


def _rows(path: Path, source: str, sheet: str | None) -> Numbered:
    fmt = _format(path)
    if fmt == "json":
        return _json_rows(path, source)
    if fmt == "jsonl":
        return _jsonl_rows(path, source)
    if fmt == "csv":
        return _csv_rows(path, source)
    if fmt == "xlsx":
        return _xlsx_rows(path, source, sheet)
    return _parquet_rows(path, source)


def read_plans(
    path: str | Path,
    *,
    sheet: str | None = None,
    decimal: str | None = None,
    kinds: KindCheck | None = None,
) -> Iterator[Plan | TableError]:
    """Plans from a plan table file (or plan objects in JSON/JSON Lines), lazily.

    Each item is a :class:`~kinerja_engine.models.Plan` or a
    :class:`~kinerja_engine.io.errors.TableError` naming the file, row (sheet, column) and
    problem; an error never stops the reading. An object with an ``rhk`` key in a JSON or
    JSON Lines file is a whole plan as :meth:`Plan.model_validate` reads it. ``sheet``
    picks an Excel sheet (default: the first); ``decimal`` as in
    :func:`~kinerja_engine.io.table.plans_from_rows`; ``kinds`` (e.g.
    ``kinerja_engine.scoring.contract.KindIndex(rulebook)``) makes a plan with an indicator
    kind the rulebook cannot score a ``TableError`` naming the row and column, with a
    did-you-mean.
    """
    require_kinds(kinds, "read_plans")
    path = _path(path, "read_plans")
    require_optional(sheet, str, "read_plans", "sheet")
    fmt = _format(path)  # an unknown suffix or a missing extra is refused now, not later
    if fmt in _EXTRAS:
        need(*_EXTRAS[fmt])
    _exists(path)
    sheet_name = sheet if fmt == "xlsx" else None
    return numbered_plans(
        _rows(path, str(path), sheet), str(path), sheet=sheet_name, decimal=decimal, kinds=kinds
    )


# --------------------------------------------------------------------------- writing rows


def _mappings(rows: object, func: str) -> Iterator[Mapping[str, Any]]:
    """``rows`` one by one, each checked to be a mapping (a UsageError naming it if not)."""
    return _checked(require_rows(rows, func), func)


#: Above this many bits an int has more digits than Python turns into text (4,300).
_INT_BITS: Final = 14_000


def _bad_cell(value: object) -> str | None:
    """Why a cell cannot be written (every format holds text, numbers and empty cells)."""
    if value is None or isinstance(value, str | bool):
        return None
    if isinstance(value, int):
        return "an int too long to write" if value.bit_length() > _INT_BITS else None
    if isinstance(value, float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else isfinite(value)
        return None if finite else f"{value} is not finite"
    return f"a cell must be text, a number or empty, got {type(value).__name__}"


def _checked(rows: Iterable[object], func: str) -> Iterator[Mapping[str, Any]]:
    for number, row in enumerate(rows, 1):
        if not isinstance(row, Mapping):
            raise UsageError(
                f"{func}(): row {number} must be a mapping of columns, got {type(row).__name__}"
            )
        for key, value in row.items():
            problem = (
                f"a column name must be text, got {type(key).__name__}"
                if not isinstance(key, str)
                else _bad_cell(value)
            )
            if problem is not None:
                where = f"column {key!r}" if isinstance(key, str) else "a column"
                raise UsageError(f"{func}(): row {number}, {where}: {problem}")
        yield row


def _json_cell(value: object) -> object:
    return format(value, "f") if isinstance(value, Decimal) else value


class _Spool:
    """Rows pickled to a temporary file while their columns and kinds are learnt."""

    def __init__(self, rows: Iterable[Mapping[str, Any]], columns: Iterable[str] = ()) -> None:
        # Closed by close(), which write_rows calls in a finally block.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.columns: dict[str, set[type]] = {name: set() for name in columns}
        for row in rows:
            for key, value in row.items():
                kinds = self.columns.setdefault(key, set())
                if value is not None:
                    kinds.add(type(value))
            pickle.dump(dict(row), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


def write_rows(
    rows: Iterable[Mapping[str, Any]], path: str | Path, *, columns: Sequence[str] = ()
) -> int:
    """Write flat rows (records or plan-table rows) to ``path``; returns the count written.

    The format follows the suffix. Columns are the union of the rows' keys, in order of
    first appearance; a missing cell is empty (``null`` in JSON). ``columns`` (e.g.
    :func:`~kinerja_engine.io.records.appraisal_columns`) come first in a table file (CSV,
    Excel, Parquet) even when no row fills them, so its header or schema does not depend on
    which rows the file holds.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from kinerja_engine.models import example_plan
    >>> from kinerja_engine.io import plan_rows
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_rows(plan_rows(example_plan()), folder / "plans.csv")
    2
    >>> list(read_plans(folder / "plans.csv")) == [example_plan()]
    True
    >>> write_rows([{"plan_id": "p", "capaian": Decimal("83.333333")}], folder / "out.jsonl")
    1
    >>> list(read_records(folder / "out.jsonl"))
    [{'plan_id': 'p', 'capaian': Decimal('83.333333')}]
    """
    require(columns, (list, tuple), "write_rows", "columns")
    if not all(isinstance(name, str) for name in columns):
        raise UsageError("write_rows(): parameter 'columns' must hold column names (str)")
    path = _path(path, "write_rows")
    rows = _mappings(rows, "write_rows")
    fmt = _format(path)
    if fmt in _EXTRAS:
        need(*_EXTRAS[fmt])
    try:
        return _write(rows, path, fmt, columns)
    except OSError as exc:  # a folder that does not exist, a directory, no permission
        raise UsageError(f"{path}: cannot write the file: {exc.strerror or exc}") from exc


def _write(rows: Iterable[Mapping[str, Any]], path: Path, fmt: str, columns: Sequence[str]) -> int:
    count = 0
    if fmt in ("json", "jsonl"):
        with path.open("w", encoding="utf-8") as out:
            if fmt == "json":
                out.write("[")
            for count, row in enumerate(rows, 1):
                text = json.dumps({k: _json_cell(v) for k, v in row.items()}, ensure_ascii=False)
                if fmt == "json":
                    out.write(("\n" if count == 1 else ",\n") + text)
                else:
                    out.write(text + "\n")
            if fmt == "json":
                out.write("\n]\n")
        return count
    spool = _Spool(rows, columns)
    try:
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=list(spool.columns))
                writer.writeheader()
                for row in spool:
                    count += 1
                    writer.writerow({k: "" if v is None else _json_cell(v) for k, v in row.items()})
        elif fmt == "xlsx":
            count = _write_xlsx(spool, path)
        else:
            count = _write_parquet(spool, path)
    finally:
        spool.close()
    return count


def _write_xlsx(spool: _Spool, path: Path) -> int:
    openpyxl = need("openpyxl", "excel")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    names = list(spool.columns)
    sheet.append(names)
    count = 0
    illegal = need("openpyxl.utils.exceptions", "excel").IllegalCharacterError
    for row in spool:
        count += 1
        try:
            sheet.append([_xlsx_cell(row.get(n)) for n in names])
        except illegal as exc:  # control characters, which an .xlsx cannot hold
            raise UsageError(f"{path}: row {count} cannot be written to Excel: {exc}") from None
    book.save(path)
    return count


def _xlsx_cell(value: object) -> object:
    """A number Excel's binary double cannot hold exactly is written as its text, so that it
    reads back digit for digit (99999999999999.99 was 99999999999999.98)."""
    if isinstance(value, Decimal) and Decimal(repr(float(value))) != value:
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


def _write_parquet(spool: _Spool, path: Path) -> int:
    pa = need("pyarrow", "parquet")
    pq = need("pyarrow.parquet", "parquet")
    fields = []
    for name, kinds in spool.columns.items():
        if kinds <= {int}:
            # A declared int column (error_row) stays int64 with no values: the schema of a
            # records file does not depend on whether it holds an error.
            kind = pa.int64() if kinds or name in INT_COLUMNS else pa.string()
        elif kinds == {bool}:
            kind = pa.bool_()
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    schema = pa.schema(fields)
    text = {f.name for f in fields if f.type == pa.string()}
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in spool:
            count += 1
            batch.append({k: _parquet_cell(v) if k in text else v for k, v in row.items()})
            if len(batch) == _BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return count


def _parquet_cell(value: object) -> str | None:
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


# --------------------------------------------------------------------------- records back


def _typed(name: str, value: object) -> object:
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if name == "error_row":
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
            return value
        raise CellError(f"{shown(value)} is not a row number")
    numeric = name in NUMBER_COLUMNS or (
        name.startswith("conversion_") and not name.endswith("_exact")
    )
    if numeric and not isinstance(value, bool):
        try:
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
        except InvalidOperation:
            return str(value)
    return value if isinstance(value, str) else str(value)


def read_records(path: str | Path) -> Iterator[dict[str, object]]:
    """Records written by :func:`write_rows`, with their types back (numbers as Decimal).

    A cell left empty reads as ``None``.
    """
    path = _path(path, "read_records")
    fmt = _format(path)
    if fmt in _EXTRAS:
        need(*_EXTRAS[fmt])
    _exists(path)
    return _read_records(path)


def _read_records(path: Path) -> Iterator[dict[str, object]]:
    for number, row in _rows(path, str(path), None):
        if isinstance(row, TableError):
            raise row
        out: dict[str, object] = {}
        for key, value in row.items():
            try:
                out[key] = _typed(key, value)
            except CellError as exc:  # a records file edited by hand
                raise TableError(exc.message, file=str(path), row=number, column=key) from None
        yield out
