"""The columnar engine over parts of a Parquet file: row groups as partitions, on Dask.

Input: a Parquet plan table, a rulebook *name or text* (compiled rulebooks do not pickle:
each worker loads it once with :func:`~kinerja_engine.batch.stream.load_rulebook`), an output
folder, and a Dask client (or none: one process). Output: one records file per part
(``part-00000.parquet`` …, in order; together the records :func:`.engine.score_parquet`
writes) and the merged :class:`~.engine.Stats`. Guarantees: a part is a run of whole row
groups, adjusted to whole plans: it leaves out the leading rows of a plan begun in the
previous row group and reads on into the next row groups to finish its last plan, so every
plan is scored by exactly one part, with its file's row numbers in errors; each part runs the
same pure function as one process (:func:`.engine.score_table`), so the parts together equal a
one-process run, cell for cell. Dask is optional (``[dask]``) and imported only here, when a
client is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..arguments import require
from ..batch.stream import load_rulebook
from ..errors import UsageError
from ..io.optional import need
from ..io.records import record_schema
from ..scoring.contract import KindIndex
from .engine import Stats, record_columns, score_table, unreadable, whole_plan_tables
from .program import ColumnarProgram

__all__ = ["score_parts", "whole_plans"]


def _ids(pf: Any, group: int) -> list[Any]:
    ids: list[Any] = pf.read_row_group(group, columns=["plan_id"]).column(0).to_pylist()
    return ids


def whole_plans(pf: Any, first: int, last: int) -> tuple[Any, int]:
    """Row groups ``first`` … ``last - 1`` of ``pf`` cut to whole plans, and the file's row
    number of the first row kept (see the module)."""
    pa = need("pyarrow", "columnar")
    table = pf.read_row_groups(list(range(first, last)))
    offset = sum(pf.metadata.row_group(g).num_rows for g in range(first))
    skip = 0
    if first > 0 and "plan_id" in table.column_names:
        # The plan going on from the previous row group belongs to the part before.
        begun = _ids(pf, first - 1)[-1]
        ids = table.column("plan_id").to_pylist()
        while skip < len(ids) and ids[skip] == begun:
            skip += 1
        table = table.slice(skip)
    if table.num_rows and "plan_id" in table.column_names:
        last_id = table.column("plan_id")[table.num_rows - 1].as_py()
        more = []
        for group in range(last, pf.metadata.num_row_groups):
            ids = _ids(pf, group)
            run = 0
            while run < len(ids) and ids[run] == last_id:
                run += 1
            if run:
                more.append(pf.read_row_group(group).slice(0, run))
            if run < len(ids):
                break
        if more:
            table = pa.concat_tables([table, *more], promote_options="permissive")
    return table, offset + skip + 1


def _score_part(source: str, first: int, last: int, rulebook: str, out: str,
                batch_rows: int = 65_536) -> Stats:  # fmt: skip
    """One part: its whole plans scored batch by batch and written to ``out`` (a worker's
    task)."""
    pa, pq = need("pyarrow", "columnar"), need("pyarrow.parquet", "columnar")
    book = load_rulebook(rulebook)
    program = ColumnarProgram(book)
    table, first_row = whole_plans(pq.ParquetFile(source), first, last)
    names = record_columns(book)
    schema = record_schema(names)
    stats = Stats()
    kinds = KindIndex(book)
    pieces = (pa.Table.from_batches([b]) for b in table.to_batches(max_chunksize=batch_rows))
    with pq.ParquetWriter(out, schema) as writer:
        for at, part in whole_plan_tables(pieces, first_row):
            columns = score_table(part, book, first_row=at, source=source, program=program,
                                  stats=stats, kinds=kinds)  # fmt: skip
            writer.write_table(pa.table(columns, schema=schema))
    return stats


def score_parts(source: str | Path, rulebook: str, out: str | Path, *, groups_per_part: int = 1,
                client: Any = None) -> Stats:  # fmt: skip
    """Score ``source`` into the folder ``out``, one part per ``groups_per_part`` row groups,
    on ``client`` (a ``dask.distributed.Client``) or in this process; the merged counts.

    ``rulebook`` is a bundled rulebook's name or rulebook text (it must be columnar: a
    :class:`~.program.Unsupported` otherwise). Wrong arguments and a file that cannot be
    read are a :class:`~kinerja_engine.errors.UsageError` naming them.
    """
    func = "score_parts"
    require(source, (str, Path), func, "source")
    require(rulebook, str, func, "rulebook")
    require(out, (str, Path), func, "out")
    if require(groups_per_part, int, func, "groups_per_part") < 1:
        raise UsageError(
            f"{func}(): parameter 'groups_per_part' must be at least 1, got {groups_per_part}"
        )
    pa, pq = need("pyarrow", "columnar"), need("pyarrow.parquet", "columnar")
    ColumnarProgram(load_rulebook(rulebook))  # refuse an unsupported rulebook before any work
    try:
        groups = pq.ParquetFile(source).metadata.num_row_groups
    except (OSError, pa.ArrowException) as exc:
        raise unreadable(source, exc) from None
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unreadable(folder, exc, "write") from None
    tasks = [
        (str(source), g, min(g + groups_per_part, groups), rulebook,
         str(folder / f"part-{k:05d}.parquet"))
        for k, g in enumerate(range(0, groups, groups_per_part))
    ]  # fmt: skip
    if client is None:
        results = [_score_part(*task) for task in tasks]
    else:
        futures = client.map(_score_part, *zip(*tasks, strict=True), pure=False)
        results = client.gather(futures)
    total = Stats()
    for part in results:
        for name in ("plans", "columnar", "exact_stage", "not_accepted", "raised", "rows"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total
