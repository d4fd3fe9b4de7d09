"""Parquet plans in, appraisal records out: the columnar engine with the exact path beside it.

Input: a plan table (a ``pyarrow.Table`` or a Parquet file read batch by batch) and a
rulebook. Output: appraisal records (:data:`~kinerja_engine.io.APPRAISAL_COLUMNS` plus one
``conversion_<name>`` column, and ``_exact`` for numbers, per conversion), in input order,
as lists of dicts (:func:`score_table`) or a Parquet file written batch by batch
(:func:`score_parquet`). Guarantees: every record equals the one the per-object path
(``read_plans`` → ``appraise_many`` → ``appraisal_records``) gives for that plan: accepted
plans whose every decision is certified come from the columns, every other plan (not
accepted, or with a row the filter could not decide) from the per-object path itself;
memory is bounded by the batch (plus one plan carried across a batch boundary).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UsageError
from ..io import APPRAISAL_COLUMNS, appraisal_records
from ..io.errors import TableError
from ..io.optional import need
from ..io.records import record_number
from ..io.table import numbered_plans
from ..language.formula import Rulebook
from ..models import Plan
from ..scoring import appraise_many
from ..values import Label
from . import arith
from .arith import Lab
from .program import ColumnarProgram, Outcome, Unsupported
from .table import accept

__all__ = ["Stats", "object_records", "records_equal", "score_parquet", "score_table"]

Record = dict[str, Any]


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


def _label_text(members: tuple[Label, ...], index: int) -> str | None:
    if index < 0:
        return None
    label = members[index]
    return label.text or str(label)


def object_records(rows: list[dict[str, Any]], first: int, source: str | None,
                    book: Rulebook) -> list[Record]:  # fmt: skip
    """The per-object path for some whole plans (rows numbered from ``first``)."""
    out: list[Record] = []
    for item in numbered_plans(enumerate(rows, first), source):
        if isinstance(item, TableError):
            out.extend(appraisal_records([item]))
            continue
        out.extend(appraisal_records(_appraise_one(item, book)))
    return out


def _appraise_one(plan: Plan, book: Rulebook) -> list[Any]:
    return list(appraise_many([plan], book, trace=False))


def _numbers(value: arith.Num, rows: list[int]) -> tuple[list[Any], list[Any]]:
    num, den = value.exact()
    shown: list[Any] = []
    exact: list[Any] = []
    for i in rows:
        n = num[i] if isinstance(num, np.ndarray) else num
        d = den[i] if isinstance(den, np.ndarray) else den
        a, b = record_number(Fraction(n, d))
        shown.append(a)
        exact.append(b)
    return shown, exact


def _columnar_records(program: ColumnarProgram, outcome: Outcome, texts: dict[str, list[Any]],
                      perilakus: Any, rows: list[int]) -> list[Record]:  # fmt: skip
    """Records of the accepted plans ``rows`` (positions in the batch) from the outcome."""
    label = f"{program.book.name} {program.book.version}".strip()
    enums = program.labels
    nilai, nilai_exact = _numbers(outcome.nilai, rows)
    converted: dict[str, tuple[list[Any], list[Any] | None, list[bool]]] = {}
    for name, (value, given) in outcome.conversions.items():
        if isinstance(value, arith.Num):
            shown, exact = _numbers(value, rows)
            converted[name] = (shown, exact, [bool(given[i]) for i in rows])
        elif isinstance(value, Lab):
            members = enums[value.enum]
            shown = [_label_text(members, int(value.index[i])) for i in rows]
            converted[name] = (shown, None, [bool(given[i]) for i in rows])
        else:
            shown = [str(bool(value.value[i])) for i in rows]
            converted[name] = (shown, None, [bool(given[i]) for i in rows])
    out: list[Record] = []
    rating = enums["rating"]
    for k, i in enumerate(rows):
        hasil = -1 if outcome.rating is None else int(outcome.rating.index[i])
        predikat = -1 if outcome.predikat is None else int(outcome.predikat.index[i])
        perilaku = int(perilakus[i])
        record: Record = dict.fromkeys(APPRAISAL_COLUMNS)
        record |= {
            "plan_id": texts["plan_id"][i],
            "employee": texts["nip"][i],
            "employee_name": texts["name"][i],
            "unit": texts["unit"][i],
            "period": texts["period"][i],
            "status": "complete" if predikat >= 0 else "incomplete",
            "rulebook": label or None,
            "nilai_hasil_kerja": nilai[k],
            "nilai_hasil_kerja_exact": nilai_exact[k],
            "rating_hasil_kerja_rekomendasi": _label_text(rating, hasil),
            "rating_hasil_kerja": _label_text(rating, hasil),
            "rating_perilaku": _label_text(rating, perilaku),
            "predikat_rekomendasi": _label_text(enums.get("predikat", ()), predikat),
            "predikat": _label_text(enums.get("predikat", ()), predikat),
        }
        if hasil < 0:
            record["notes"] = "rating hasil kerja menunggu keputusan pejabat penilai"
        for name, (values, exacts, present) in converted.items():
            if not present[k]:
                continue
            key = f"conversion_{name.removeprefix('konversi_')}"
            record[key] = values[k]
            if exacts is not None:
                record[f"{key}_exact"] = exacts[k]
        out.append(record)
    return out


def score_table(table: Any, book: Rulebook, *, first_row: int = 1, source: str | None = None,
                program: ColumnarProgram | None = None,
                stats: Stats | None = None) -> list[Record]:  # fmt: skip
    """Records of the whole plans in ``table`` (rows numbered from ``first_row``), in order.

    ``program`` None compiles the rulebook; a rulebook outside the supported forms raises
    :class:`~.program.Unsupported` (:func:`score_parquet` falls back instead).
    """
    program = program or ColumnarProgram(book)
    stats = stats if stats is not None else Stats()
    found = accept(table, program)
    # Rows the filter marks bad may overflow or divide by zero in floats: their values are
    # never used, so the warnings say nothing.
    with np.errstate(all="ignore"):
        outcome = program.run(found.batch)
    bad = outcome.bad | ~np.isfinite(outcome.nilai.v)
    starts = found.starts.tolist()
    ends = [*starts[1:], table.num_rows]
    accepted_at = {int(row): k for k, row in enumerate(found.first.tolist())}
    good_rows = [k for k in range(len(found.first)) if not bad[k]]
    records = iter(
        _columnar_records(program, outcome, found.texts, found.batch.perilaku, good_rows)
    )
    good = set(good_rows)
    out: list[Record] = []
    pending: list[tuple[int, int]] = []

    def flush() -> None:
        if pending:
            lo, hi = pending[0][0], pending[-1][1]
            rows = table.slice(lo, hi - lo).to_pylist()
            out.extend(object_records(rows, first_row + lo, source, book))
            pending.clear()

    for start, end in zip(starts, ends, strict=True):
        k = accepted_at.get(start)
        stats.plans += 1
        if k is not None and k in good:
            flush()
            out.append(next(records))
            stats.columnar += 1
            stats.exact_stage += int(outcome.slow[k])
        else:
            if k is None:
                stats.not_accepted += 1
            else:
                stats.raised += 1
            pending.append((start, end))
    flush()
    stats.rows += table.num_rows
    return out


def _batches(path: Path, batch_rows: int) -> Iterator[tuple[int, Any]]:
    """Tables of whole plans from a Parquet file, with the row number of their first row."""
    pa = need("pyarrow", "columnar")
    pq = need("pyarrow.parquet", "columnar")
    carried = None
    first = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
        table = pa.Table.from_batches([batch])
        if carried is not None:
            table = pa.concat_tables([carried, table], promote_options="permissive")
        ids = table.column("plan_id") if "plan_id" in table.column_names else None
        if ids is None or table.num_rows == 0:
            yield first, table
            first += table.num_rows
            carried = None
            continue
        last = ids[table.num_rows - 1]
        values = ids.to_pylist()
        cut = table.num_rows
        while cut > 0 and values[cut - 1] == last.as_py():
            cut -= 1
        if cut == 0:
            carried = table
            continue
        yield first, table.slice(0, cut)
        first += cut
        carried = table.slice(cut)
    if carried is not None and carried.num_rows:
        yield first, carried


def score_parquet(source: str | Path, book: Rulebook, out: str | Path, *,
                  batch_rows: int = 65_536, engine: str = "auto") -> Stats:  # fmt: skip
    """Score a Parquet plan table into a Parquet file of appraisal records, batch by batch.

    Every column is text (numbers as exact decimal text, as ``write_rows`` writes them)
    except ``error_row`` (int64); conversion columns follow the rulebook's conversions.
    ``engine``: ``"auto"`` takes the columns when the rulebook allows it and says why not in
    ``Stats.reason`` otherwise; ``"object"`` always the per-object path; ``"columnar"``
    refuses a rulebook outside the supported forms with a UsageError saying why.
    """
    if engine not in ("auto", "columnar", "object"):
        raise UsageError(f"engine must be 'auto', 'columnar' or 'object', got {engine!r}")
    pa = need("pyarrow", "columnar")
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
    names = [*APPRAISAL_COLUMNS]
    for name in book:
        if not name.startswith("konversi_") or name not in book.checked.funcs:
            continue
        key = f"conversion_{name.removeprefix('konversi_')}"
        names += [key, f"{key}_exact"]
    schema = pa.schema(
        [pa.field(n, pa.int64() if n == "error_row" else pa.string()) for n in names]
    )
    path = Path(source)
    with pq.ParquetWriter(out, schema) as writer:
        for first, table in _batches(path, batch_rows):
            if program is None:
                records = object_records(table.to_pylist(), first, str(path), book)
                count = _plan_count(table)
                stats.plans += count
                stats.not_accepted += count
                stats.rows += table.num_rows
            else:
                records = score_table(table, book, first_row=first, source=str(path),
                                      program=program, stats=stats)  # fmt: skip
            columns = {n: [_cell(r.get(n), n) for r in records] for n in names}
            writer.write_table(pa.table(columns, schema=schema))
    return stats


def _plan_count(table: Any) -> int:
    """Plans in a table of whole plans (groups of consecutive equal plan_id)."""
    if "plan_id" not in table.column_names:
        return table.num_rows  # type: ignore[no-any-return]
    ids = table.column("plan_id").to_pylist()
    return sum(1 for i, x in enumerate(ids) if i == 0 or x != ids[i - 1])


def _cell(value: Any, name: str) -> Any:
    if value is None or name == "error_row":
        return value
    return format(value, "f") if not isinstance(value, str) else value


def records_equal(a: Record, b: Record) -> bool:
    """Whether two records hold the same values (a missing key reads as None)."""
    keys = set(a) | set(b)
    return all(a.get(k) == b.get(k) for k in keys)
