"""Parquet plans in, appraisal records out: the columnar engine with the exact path beside it.

Input: a plan table (a ``pyarrow.Table`` of whole plans, or a Parquet file read batch by
batch) and a rulebook. Output: the cells of appraisal records (the columns of
:func:`record_columns`: :data:`~kinerja_engine.io.APPRAISAL_COLUMNS`, then a value and an
``_exact`` column per conversion), one row per plan in input order, as Parquet holds them:
text (numbers as exact decimal text), ``error_row`` an int. :func:`score_arrow` gives them
as an Arrow table, :func:`score_table` as lists, :func:`score_parquet` writes them batch by
batch (the next batch read, and the last one written, on threads while one is scored).

Guarantees: every row equals, cell for cell, what the per-object path
(``read_plans`` → ``appraise_many`` → ``appraisal_records`` → ``write_rows``) writes for that
plan: accepted plans come from the columns (every decision certified by the float filter or
taken by the exact stage), every other plan (not accepted, or on which the exact path
raises) from the per-object path itself (:func:`object_cells`); memory is bounded by the
batch (plus the rows of one plan carried across a batch boundary).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from ..arguments import require, require_optional
from ..errors import UsageError, shown
from ..io import appraisal_records
from ..io.errors import TableError
from ..io.optional import need
from ..io.records import appraisal_columns, record_schema
from ..io.table import numbered_plans
from ..language.formula import Rulebook
from ..scoring import appraise_many
from ..scoring.contract import KindIndex
from . import arith, exact64
from .arith import Lab
from .cells import Part, number_cells, number_columns, scatter
from .lazy import arrow, compute
from .program import ColumnarProgram, Outcome, Unsupported
from .table import DICTIONARY_COLUMNS, REQUIRED_COLUMNS, accept, is_text

__all__ = [
    "Stats",
    "dictionary_texts",
    "object_cells",
    "record_columns",
    "repeating_columns",
    "score_arrow",
    "score_parquet",
    "score_table",
    "unreadable",
    "whole_plan_tables",
]

Cells = dict[str, Any]
_NOTE_NO_RATING = "rating hasil kerja menunggu keputusan pejabat penilai"
#: Record columns with (nearly) one value per plan.
_DISTINCT = frozenset(
    {"plan_id", "employee", "employee_name"}
    | {f"nilai_{x}{e}" for x in ("hasil_kerja", "perilaku", "kinerja") for e in ("", "_exact")}
)


@dataclass(slots=True)
class Stats:
    """Counts of one run: plans in, scored from the columns (of which some needed the exact
    stage for a decision), and scored by the per-object path (not accepted, or raising)."""

    plans: int = 0
    columnar: int = 0
    #: Plans from the columns with at least one decision taken by the exact stage.
    exact_stage: int = 0
    not_accepted: int = 0
    #: Accepted plans on which the exact path raises (a division by zero …): the per-object
    #: path reports the error.
    raised: int = 0
    rows: int = 0
    #: Why the whole run took the per-object path ("" when the columns could run).
    reason: str = ""

    @property
    def fallback(self) -> int:
        """Plans scored by the per-object path."""
        return self.not_accepted + self.raised


def record_columns(book: Rulebook) -> list[str]:
    """The columns of the records file: the appraisal columns, then each conversion's
    (:func:`~kinerja_engine.io.records.appraisal_columns`, which the per-object writer uses
    too)."""
    return appraisal_columns(book)


def repeating_columns(names: list[str]) -> list[str]:
    """The record columns ``names`` written with dictionary pages: those whose values repeat
    (ratings, units …); for ids, names and exact numbers the pages cost time and save nothing.

    >>> repeating_columns(["plan_id", "predikat", "nilai_kinerja"])
    ['predikat']
    """
    return [n for n in names if n not in _DISTINCT]


def dictionary_texts(schema: Any) -> list[str]:
    """The text columns of a plan table's Arrow ``schema`` read as dictionaries: the
    low-cardinality ones (:data:`~.table.DICTIONARY_COLUMNS`). Parquet stores them so, and
    decoding them to one string per row costs more than the rest of the reading; acceptance
    compares them by code."""
    return [f.name for f in schema if f.name in DICTIONARY_COLUMNS and is_text(f.type)]


def cell(value: Any, name: str = "") -> Any:
    """A record's value as a Parquet records file holds it (as ``write_rows`` writes it)."""
    if value is None or name == "error_row":
        return value
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def object_cells(rows: list[dict[str, Any]], first: int, source: str | None,
                 book: Rulebook, kinds: KindIndex | None = None) -> list[Cells]:  # fmt: skip
    """The per-object path for some whole plans (rows numbered from ``first``), as cells.

    The plans are read as the command line's per-object path reads them: each indicator's
    kind checked against the rulebook (``kinds``, built from ``book`` when None), so a kind
    the rulebook lacks is the same error record, naming the same row and column.
    """
    kinds = kinds if kinds is not None else KindIndex(book)
    out: list[Cells] = []
    for item in numbered_plans(enumerate(rows, first), source, kinds=kinds):
        if isinstance(item, TableError):
            records = appraisal_records([item])
        else:
            records = appraisal_records(appraise_many([item], book, trace=False))
        out.extend({k: cell(v, k) for k, v in r.items()} for r in records)
    return out


def _label_texts(members: tuple[Any, ...], index: Any) -> Any:
    """Texts of enum members by index, -1 as null (an Arrow string array)."""
    pa = arrow()
    texts = pa.array([m.text or str(m) for m in members] + [None], pa.string())
    return texts.take(pa.array(np.where(index < 0, len(members), index)))


def _number_texts(value: arith.Num, rows: Any) -> tuple[Any, Any]:
    """Value and ``_exact`` cells of the exact numbers at ``rows`` (Arrow string arrays):
    the int64 tier written by :func:`number_columns`, the other rows by
    :func:`number_cells` from Python integers."""
    pa = arrow()
    shown, exact, done = number_columns(*exact64.reduced(value.small_at(rows)))
    rest = np.flatnonzero(~done)
    if len(rest):
        num, den = value.exact_at(rows[rest])
        count = len(rest)
        nums = num.tolist() if isinstance(num, np.ndarray) else [num] * count
        dens = den.tolist() if isinstance(den, np.ndarray) else [den] * count
        cache: dict[tuple[int, int], tuple[str, str | None]] = {}
        pairs = []
        for n, d in zip(nums, dens, strict=True):
            pair = cache.get((n, d))
            if pair is None:
                pair = cache[n, d] = number_cells(n, d)
            pairs.append(pair)
        shown.append((rest, pa.array([a for a, _ in pairs], pa.string())))
        exact.append((rest, pa.array([b for _, b in pairs], pa.string())))
    return scatter(len(rows), shown), scatter(len(rows), exact)


def _columnar_cells(program: ColumnarProgram, outcome: Outcome, texts: dict[str, Any],
                    perilaku: Any, rows: Any) -> dict[str, Any]:  # fmt: skip
    """Cells of the accepted plans ``rows`` (positions in the batch), column by column, as
    Arrow arrays (the columns left out are empty)."""
    pa, pc = arrow(), compute()
    count = len(rows)
    label = f"{program.book.name} {program.book.version}".strip() or None
    enums = program.labels
    picked = pa.array(rows, pa.int64())
    everyone = count == len(texts["plan_id"])  # rows: every accepted plan, in order
    out: dict[str, Any] = {}
    for name, key in (("plan_id", "plan_id"), ("employee", "nip"), ("employee_name", "name"),
                      ("unit", "unit"), ("period", "period")):  # fmt: skip
        out[name] = texts[key] if everyone else texts[key].take(picked)
    out["rulebook"] = pa.repeat(pa.scalar(label, pa.string()), count)
    out["nilai_hasil_kerja"], out["nilai_hasil_kerja_exact"] = _number_texts(outcome.nilai, rows)
    rating = enums["rating"]
    hasil = np.full(count, -1) if outcome.rating is None else outcome.rating.index[rows]
    predikat = np.full(count, -1) if outcome.predikat is None else outcome.predikat.index[rows]
    status = pa.array(["incomplete", "complete"], pa.string())
    out["status"] = status.take(pa.array((predikat >= 0).astype(np.int64)))
    out["rating_hasil_kerja_rekomendasi"] = out["rating_hasil_kerja"] = _label_texts(rating, hasil)
    out["rating_perilaku"] = _label_texts(rating, perilaku[rows])
    predikat_texts = _label_texts(enums.get("predikat", ()), predikat)
    out["predikat_rekomendasi"] = out["predikat"] = predikat_texts
    notes = pa.array([None, _NOTE_NO_RATING], pa.string())
    out["notes"] = notes.take(pa.array((hasil < 0).astype(np.int64)))
    empty = pa.scalar(None, pa.string())
    for name, (value, given) in outcome.conversions.items():
        key = f"conversion_{name.removeprefix('konversi_')}"
        present = pa.array(given[rows])
        if isinstance(value, arith.Num):
            shown, exact = _number_texts(value, rows)
            out[f"{key}_exact"] = pc.if_else(present, exact, empty)
        elif isinstance(value, Lab):
            shown = _label_texts(enums[value.enum], value.index[rows])
        else:
            flags = pa.array(["False", "True"], pa.string())
            shown = flags.take(pa.array(value.value[rows].astype(np.int64)))
        out[key] = pc.if_else(present, shown, empty)
    return out


def score_table(table: Any, book: Rulebook, *, first_row: int = 1, source: str | None = None,
                program: ColumnarProgram | None = None, stats: Stats | None = None,
                kinds: KindIndex | None = None) -> dict[str, list[Any]]:  # fmt: skip
    """The record cells of the whole plans in ``table`` (rows numbered from ``first_row``),
    one list per column of :func:`record_columns`, in plan order.

    ``program`` None compiles the rulebook; a rulebook outside the supported forms raises
    :class:`~.program.Unsupported` (:func:`score_parquet` falls back instead). ``kinds``
    (the rulebook's :class:`~kinerja_engine.scoring.contract.KindIndex`, built when a plan
    needs the per-object path and it is None) checks the kinds of the plans read that way.
    The same cells as :func:`score_arrow`, as Python lists.
    """
    records = score_arrow(table, book, first_row=first_row, source=source, program=program,
                          stats=stats, kinds=kinds)  # fmt: skip
    return {name: records.column(name).to_pylist() for name in records.column_names}


def score_arrow(table: Any, book: Rulebook, *, first_row: int = 1, source: str | None = None,
                program: ColumnarProgram | None = None, stats: Stats | None = None,
                kinds: KindIndex | None = None) -> Any:  # fmt: skip
    """The records of the whole plans in ``table`` as a ``pyarrow.Table`` (the columns of
    :func:`record_columns`, the schema of
    :func:`~kinerja_engine.io.records.record_schema`), one row per plan in plan order: the
    cells of :func:`score_table` (same arguments) without a Python object per cell."""
    pa = arrow()
    func = "score_arrow"
    require(table, pa.Table, func, "table")
    require(book, Rulebook, func, "book")
    require(first_row, int, func, "first_row")
    require_optional(source, str, func, "source")
    require_optional(program, ColumnarProgram, func, "program")
    require_optional(stats, Stats, func, "stats")
    require_optional(kinds, KindIndex, func, "kinds")
    program = program or ColumnarProgram(book)
    stats = stats if stats is not None else Stats()
    if program.records is None or program.records[0] is not book:
        names = record_columns(book)
        program.records = (book, names, record_schema(names))
    _, names, schema = program.records
    # A column of Arrow's null type (all cells empty, as pandas may write it) is read as the
    # empty cells it holds: acceptance sees it as absent (Arrow compares no null-typed values).
    is_null = pa.types.is_null
    view = table.drop_columns([f.name for f in table.schema if is_null(f.type)])
    nested = any(pa.types.is_nested(f.type) for f in view.schema)
    if nested or not set(REQUIRED_COLUMNS) <= set(view.column_names):
        # No plan of such a table can be accepted (a required column missing, or cells of
        # lists or structs, which no plan column holds): the per-object path reports it.
        kinds = kinds if kinds is not None else KindIndex(book)
        columns = _object_columns(table, first_row, source, book, kinds, names, stats)
        return pa.table(columns, schema=schema)
    found = accept(view, program)
    # Rows whose floats overflow or divide by a near-zero are decided by the exact stage:
    # the warnings of their float values say nothing.
    with np.errstate(all="ignore"):
        outcome = program.run(found.batch)
    good = np.flatnonzero(~outcome.bad)
    plans = len(found.starts)
    position = np.flatnonzero(found.accepted)  # plan position of each accepted plan
    computed = _columnar_cells(program, outcome, found.texts, found.batch.perilaku, good)
    parts: dict[str, list[Part]] = {name: [] for name in names}
    for name, values in computed.items():
        parts[name].append((position[good], values))
    from_columns = np.zeros(plans, bool)
    from_columns[position[good]] = True
    stats.plans += plans
    stats.columnar += len(good)
    stats.exact_stage += int(outcome.slow[good].sum())
    stats.raised += int(outcome.bad.sum())
    stats.not_accepted += int((~found.accepted).sum())
    stats.rows += table.num_rows
    ends = [*found.starts.tolist()[1:], table.num_rows]
    # Consecutive plans for the per-object path go to it together (one slice of rows).
    todo = np.flatnonzero(~from_columns).tolist()
    at: list[int] = []
    records: list[Cells] = []
    k = 0
    while k < len(todo):
        j = k
        while j + 1 < len(todo) and todo[j + 1] == todo[j] + 1:
            j += 1
        lo, hi = int(found.starts[todo[k]]), ends[todo[j]]
        rows = table.slice(lo, hi - lo).to_pylist()
        kinds = kinds if kinds is not None else KindIndex(book)
        done = object_cells(rows, first_row + lo, source, book, kinds)
        if len(done) != j - k + 1:
            raise AssertionError("the per-object path gave one record per plan")
        at.extend(range(todo[k], todo[j] + 1))
        records.extend(done)
        k = j + 1
    if records:
        where = np.array(at, np.int64)
        for name, field in zip(names, schema, strict=True):
            parts[name].append((where, pa.array([r.get(name) for r in records], field.type)))
    arrays = [
        scatter(plans, parts[name], field.type) for name, field in zip(names, schema, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _object_columns(table: Any, first: int, source: str | None, book: Rulebook,
                    kinds: KindIndex, names: list[str],
                    stats: Stats) -> dict[str, list[Any]]:  # fmt: skip
    """The record cells of the whole plans in ``table``, all by the per-object path."""
    records = object_cells(table.to_pylist(), first, source, book, kinds)
    count = _plan_count(table)
    stats.plans += count
    stats.not_accepted += count
    stats.rows += table.num_rows
    return {n: [r.get(n) for r in records] for n in names}


def unreadable(path: str | Path, exc: BaseException, what: str = "read") -> UsageError:
    """The error of a file the engine cannot read (or write): a UsageError naming the path,
    as :func:`~kinerja_engine.io.read_plans` reports a file it cannot open."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return UsageError(f"{path}: cannot {what} the Parquet file: {reason}")


def _batches(path: Path, batch_rows: int) -> Iterator[tuple[int, Any]]:
    """Tables of whole plans from a Parquet file, with the row number of their first row.

    The file is opened at once (a file that is missing or not Parquet raises here, before
    anything is written); a read error later (a corrupt row group) is a UsageError too.
    """
    pa, pq = arrow(), need("pyarrow.parquet", "columnar")
    try:
        parquet = pq.ParquetFile(path, read_dictionary=dictionary_texts(pq.read_schema(path)))
    except (OSError, pa.ArrowException) as exc:
        raise unreadable(path, exc) from None

    def tables() -> Iterator[Any]:
        try:
            for batch in parquet.iter_batches(batch_size=batch_rows):
                yield pa.Table.from_batches([batch])
        except (OSError, pa.ArrowException) as exc:
            raise unreadable(path, exc) from None

    return whole_plan_tables(_read_ahead(tables()), 1)


_END = object()


def _read_ahead(items: Iterator[Any]) -> Iterator[Any]:
    """``items``, the next one read on a thread while the caller works on this one (Arrow
    decodes Parquet without the GIL, so reading overlaps scoring); errors are raised here,
    in order. At most one item is read ahead."""
    with ThreadPoolExecutor(1, thread_name_prefix="kinerja-read") as pool:
        future = pool.submit(next, items, _END)
        while True:
            item = future.result()
            if item is _END:
                return
            future = pool.submit(next, items, _END)
            yield item


def whole_plan_tables(tables: Iterable[Any], first: int) -> Iterator[tuple[int, Any]]:
    """Consecutive tables regrouped so that each holds whole plans (the rows of a plan that
    goes on in the next table are carried over), with the row number of each one's first row
    (the first table's first row is ``first``)."""
    pa, pc = arrow(), compute()
    carried = None
    for piece in tables:
        table = piece
        if carried is not None:
            table = pa.concat_tables([carried, table], promote_options="permissive")
        if "plan_id" not in table.column_names or table.num_rows == 0:
            yield first, table
            first += table.num_rows
            carried = None
            continue
        ids = table.column("plan_id")
        last = ids[table.num_rows - 1]
        same = pc.equal(ids, last) if last.is_valid else ids.is_null()
        differs = np.flatnonzero(~np.asarray(pc.fill_null(same, False).to_numpy(), bool))
        # The last plan may go on in the next table: carry its rows over.
        cut = int(differs[-1]) + 1 if len(differs) else 0
        if cut == 0:
            carried = table
            continue
        yield first, table.slice(0, cut)
        first += cut
        carried = table.slice(cut)
    if carried is not None and carried.num_rows:
        yield first, carried


def _plan_count(table: Any) -> int:
    """Plans in a table of whole plans (groups of consecutive equal plan_id, and each row
    without one)."""
    if "plan_id" not in table.column_names:
        return int(table.num_rows)
    ids = table.column("plan_id").to_pylist()
    # A row without a plan_id is an error of its own (the readers' rule).
    return sum(1 for i, x in enumerate(ids) if i == 0 or x is None or x != ids[i - 1])


def score_parquet(source: str | Path, book: Rulebook, out: str | Path, *,
                  batch_rows: int = 65_536, engine: str = "auto") -> Stats:  # fmt: skip
    """Score a Parquet plan table into a Parquet file of appraisal records, batch by batch.

    Every column is text (numbers as exact decimal text, as ``write_rows`` writes them)
    except ``error_row`` (int64); the columns are :func:`record_columns`. ``engine``:
    ``"auto"`` takes the columns when the rulebook allows it and says why not in
    ``Stats.reason`` otherwise; ``"object"`` always the per-object path; ``"columnar"``
    refuses a rulebook outside the supported forms with a UsageError saying why.
    """
    func = "score_parquet"
    require(source, (str, Path), func, "source")
    require(book, Rulebook, func, "book")
    require(out, (str, Path), func, "out")
    if not 1 <= require(batch_rows, int, func, "batch_rows") <= 2**31:
        raise UsageError(
            f"{func}(): parameter 'batch_rows' must be 1 to 2**31, got {shown(batch_rows)}"
        )
    if require(engine, str, func, "engine") not in ("auto", "columnar", "object"):
        raise UsageError(
            f"{func}(): parameter 'engine' must be 'auto', 'columnar' or 'object', got {engine!r}"
        )
    pa = arrow()
    pq = need("pyarrow.parquet", "columnar")
    stats = Stats()
    program: ColumnarProgram | None = None
    if engine == "object":
        stats.reason = "the per-object engine was asked for"
    else:
        try:
            program = ColumnarProgram(book)
        except Unsupported as exc:
            if engine == "columnar":
                raise UsageError(f"rulebook '{book.name}' is not columnar: {exc}") from None
            stats.reason = str(exc)
    names = record_columns(book)
    schema = record_schema(names)
    path = Path(source)
    kinds = KindIndex(book)
    batches = _batches(path, batch_rows)
    try:
        writer = pq.ParquetWriter(out, schema, use_dictionary=repeating_columns(names))
    except (OSError, pa.ArrowException) as exc:
        raise unreadable(out, exc, "write") from None

    def written(pending: Future[None] | None) -> None:
        # A write that fails (a full disk, a vanished folder) is the caller's file problem:
        # a UsageError naming the output, like one that cannot be opened.
        try:
            if pending is not None:
                pending.result()
        except (OSError, pa.ArrowException) as exc:
            raise unreadable(out, exc, "write") from None

    # The records of a batch are written on a thread while the next batch is scored (Arrow
    # encodes without the GIL); one write at a time, in order, its error raised here.
    with ThreadPoolExecutor(1, thread_name_prefix="kinerja-write") as pool:
        pending: Future[None] | None = None
        try:
            for first, table in batches:
                if program is None:
                    columns = _object_columns(table, first, str(path), book, kinds, names, stats)
                    records = pa.table(columns, schema=schema)
                else:
                    records = score_arrow(table, book, first_row=first, source=str(path),
                                          program=program, stats=stats, kinds=kinds)  # fmt: skip
                written(pending)
                pending = pool.submit(writer.write_table, records)
            written(pending)
        except BaseException:
            # The error in flight is the one to report; a close that fails after it is noise.
            with contextlib.suppress(OSError, pa.ArrowException):
                writer.close()
            raise
    try:
        writer.close()
    except (OSError, pa.ArrowException) as exc:
        raise unreadable(out, exc, "write") from None
    return stats
