"""The columnar engine over a Parquet dataset, on dask.dataframe: files in, files out.

Input: a Parquet *dataset* (a folder of Parquet files, found recursively; names beginning
with ``_`` or ``.`` and other suffixes left out, as Dask leaves them out), a rulebook *name,
file or text* (compiled rulebooks do not pickle: each worker loads and compiles it once), an
output folder, optionally each unit's own predikat (the distribution check), and a Dask
scheduler (a ``distributed.Client``, or a scheduler name such as ``"sync"``) or None.

Output: one records file per plan file, ``part-00000.parquet`` … in the dataset's order (the
natural order of the paths, the order Dask reads them), each holding the records
:func:`.engine.score_parquet` writes for that file; and a :class:`DatasetRun`: the merged
:class:`~.engine.Stats` and, per unit, the :class:`~kinerja_engine.batch.UnitSummary` of its
distribution check.

With a scheduler the run is ``dask.dataframe.read_parquet`` (one partition per file) →
``map_partitions`` (the columnar program on the partition, on a worker) → ``to_parquet``
(every worker writes its partitions' files), and the distribution check is a reduction across
partitions: each partition counts its records per unit and predikat, a groupby-sum adds the
counts up, and the driver checks each unit's curve from its counts
(:func:`~kinerja_engine.scoring.distribution.check_counts`). The scoring runs once per
partition: the files, the counts and the statistics are computed together. Without a
scheduler, each file is scored in this process by :func:`.engine.score_parquet`.

Guarantees: each file of a dataset is a plan table on its own (a plan does not go on from one
file into the next; errors name the file and its own row numbers), so both runs write the
same cells, file by file, as :func:`.engine.score_parquet` of that file, and their unit
summaries equal those of :func:`~kinerja_engine.batch.score_batch` over the per-object
appraisals (units without an id left out, as there). A rulebook outside the columnar forms,
a dataset whose files have different columns, a missing source, and an output folder that
already holds Parquet files or lies in the dataset are refused with a
:class:`~kinerja_engine.errors.UsageError` before anything is scored. Dask and pandas are
optional (the ``[dask]`` extra) and imported only when a scheduler is given.

>>> natural_key("plans-10.parquet") > natural_key("plans-9.parquet")
True
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..arguments import require
from ..batch.stream import (
    UnitPredikat,
    UnitSummary,
    check_unit_predikat,
    load_rulebook,
    unit_predikat_of,
)
from ..errors import UsageError
from ..io.optional import need
from ..io.records import record_schema
from ..language.formula import Rulebook
from ..scoring.contract import KindIndex
from ..scoring.distribution import check_counts
from .engine import (
    Stats,
    dictionary_texts,
    record_columns,
    repeating_columns,
    score_arrow,
    score_parquet,
    unreadable,
    whole_plan_tables,
)
from .program import ColumnarProgram, Unsupported

__all__ = [
    "QUIET_WORKERS",
    "DatasetRun",
    "dataset_files",
    "natural_key",
    "score_dataset",
    "unit_summaries",
]

#: The suffixes of the files of a dataset (Dask's ``parquet_file_extension``).
SUFFIXES = (".parq", ".parquet", ".pq")
#: The counts of :class:`~.engine.Stats` that add up across files.
_COUNTS = tuple(f.name for f in fields(Stats) if f.name != "reason")
#: Where a scored partition carries its counts to the tasks that read it (pandas ``attrs``,
#: kept by the worker and by pickling).
_STATS = "kinerja_stats"


#: Dask settings for a local cluster that only scores: a worker's statistical profiler
#: samples its stack every few milliseconds, its system monitor polls twice a second, its
#: memory monitor ten times a second and every event loop checks its own health fifty times a
#: second, CPU a scoring worker on a shared core gives up (measured idle: 0.013 s of CPU per
#: second per worker and 0.026 s for the client and scheduler with the first two settings
#: only, 0.002 s and 0.006 s with all four). The memory limits are checked once a second.
QUIET_WORKERS: Mapping[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.tick.interval": "500ms",
}


@dataclass(frozen=True, slots=True)
class DatasetRun:
    """What a dataset run did: the merged counts, the files written (one per plan file, in
    order), and the distribution check of each unit (sorted by unit id; empty without unit
    predikat or a curve in the rulebook)."""

    stats: Stats
    files: tuple[str, ...]
    units: tuple[UnitSummary, ...]


def natural_key(text: str) -> list[Any]:
    """The sort key of a path in natural order (``p9`` before ``p10``), Dask's order."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def dataset_files(source: str | Path) -> list[str]:
    """The plan files of the dataset ``source`` in the order they are scored (a single
    Parquet file is a dataset of one)."""
    require(source, (str, Path), "dataset_files", "source")
    root = Path(source)
    if root.is_file():
        return [str(root)]
    if not root.is_dir():
        raise UsageError(f"{source}: no such file or folder")
    found = [
        str(path)
        for path in root.rglob("*")
        if path.suffix.lower() in SUFFIXES
        and not any(part.startswith(("_", ".")) for part in path.relative_to(root).parts)
        and path.is_file()
    ]
    if not found:
        raise UsageError(f"{source}: no Parquet files (*.parquet, *.parq, *.pq) in the folder")
    return sorted(found, key=natural_key)


@functools.lru_cache(maxsize=4)
def _compiled(rulebook: str) -> tuple[Rulebook, ColumnarProgram, KindIndex]:
    """The rulebook, its columnar program and kind index, built once per process."""
    book = load_rulebook(rulebook)
    return book, ColumnarProgram(book), KindIndex(book)


def _schemas(files: list[str]) -> None:
    """Refuse a dataset whose files have different columns (Dask reads every file with the
    first file's columns: another file's own would be lost)."""
    pa, pq = need("pyarrow", "columnar"), need("pyarrow.parquet", "columnar")
    first: list[str] | None = None
    for path in files:
        try:
            names = pq.read_schema(path).names
        except (OSError, pa.ArrowException) as exc:
            raise unreadable(path, exc) from None
        if first is None:
            first = names
        elif names != first:
            raise UsageError(
                f"{path}: its columns differ from those of {files[0]}; the files of a dataset "
                "share one set of columns (score this file on its own)"
            )


def _check_out(out: Path, files: list[str], source: str | Path) -> None:
    root = Path(source).resolve()
    target = out.resolve()
    if target == root or root in target.parents:
        raise UsageError(f"{out}: lies in the dataset {source}; write results elsewhere")
    if any(Path(f).resolve() == target for f in files):
        raise UsageError(f"{out}: is a plan file itself; write results elsewhere")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: is a file; the results of a dataset go to a folder")
    if out.is_dir() and any(p.suffix.lower() in SUFFIXES for p in out.iterdir()):
        raise UsageError(f"{out}: already holds Parquet files; give an empty or a new folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unreadable(out, exc, "write") from None


def part_name(number: int) -> str:
    """The name of the records file of the ``number``-th plan file (from 0)."""
    return f"part-{number:05d}.parquet"


def score_dataset(source: str | Path, rulebook: str, out: str | Path, *,
                  unit_predikat: UnitPredikat = None, scheduler: Any = None,
                  batch_rows: int = 65_536) -> DatasetRun:  # fmt: skip
    """Score every plan file of the dataset ``source`` into the folder ``out``: one process
    (``scheduler`` None) or dask.dataframe on ``scheduler`` (see the module).

    ``rulebook`` is a bundled rulebook's name, a ``.kinerja`` file or rulebook text; it must
    be columnar. ``unit_predikat`` gives each unit's own predikat (one text for all, a
    mapping or a function of the unit id, as :func:`~kinerja_engine.batch.score_batch`
    takes it) for the distribution check; ``batch_rows`` bounds the rows scored at once.
    """
    func = "score_dataset"
    require(source, (str, Path), func, "source")
    require(rulebook, str, func, "rulebook")
    require(out, (str, Path), func, "out")
    if require(batch_rows, int, func, "batch_rows") < 1:
        raise UsageError(f"{func}(): parameter 'batch_rows' must be at least 1, got {batch_rows}")
    check_unit_predikat(unit_predikat, "score_dataset")
    try:
        book = _compiled(rulebook)[0]
    except Unsupported as exc:
        name = load_rulebook(rulebook).name
        raise UsageError(f"rulebook '{name}' is not columnar: {exc}") from None
    files = dataset_files(source)
    _schemas(files)
    folder = Path(out)
    _check_out(folder, files, source)
    written = tuple(str(folder / part_name(k)) for k in range(len(files)))
    stats = Stats()
    # Counted only when a unit is to be checked: the curve needs them, nothing else does.
    units = unit_predikat is not None and "kelompok" in book.checked.enums
    if scheduler is None:
        counts: dict[tuple[str, str], int] = {}
        for path, target in zip(files, written, strict=True):
            part = score_parquet(path, book, target, batch_rows=batch_rows, engine="columnar")
            for name in _COUNTS:
                setattr(stats, name, getattr(stats, name) + getattr(part, name))
            if units:
                pq = need("pyarrow.parquet", "columnar")
                for key, n in _tally(pq.read_table(target, columns=list(_TALLIED))).items():
                    counts[key] = counts.get(key, 0) + n
    else:
        counts = _on_dask(files, rulebook, folder, stats, scheduler, batch_rows, units)
    return DatasetRun(stats, written, unit_summaries(counts, book, unit_predikat))


#: The record columns the distribution counts read.
_TALLIED = ("unit", "predikat", "error_row")


def _tally(table: Any) -> dict[tuple[str, str], int]:
    """Records per (unit, predikat text, "" when none) of the appraisals in ``table`` (a
    reader's error, with ``error_row``, is no appraisal of a unit)."""
    pc = need("pyarrow.compute", "columnar")
    table = table.filter(pc.is_null(table.column("error_row")))
    table = table.select(["unit", "predikat"])
    table = table.set_column(0, "unit", pc.fill_null(table.column("unit"), ""))
    table = table.set_column(1, "predikat", pc.fill_null(table.column("predikat"), ""))
    grouped = table.group_by(["unit", "predikat"]).aggregate([([], "count_all")])
    return {
        (unit, predikat): n
        for unit, predikat, n in zip(
            grouped.column("unit").to_pylist(),
            grouped.column("predikat").to_pylist(),
            grouped.column("count_all").to_pylist(),
            strict=True,
        )
    }


def unit_summaries(counts: Mapping[tuple[str, str], int], book: Rulebook,
                   unit_predikat: UnitPredikat) -> tuple[UnitSummary, ...]:  # fmt: skip
    """The distribution check of each unit from ``counts`` (records per unit id and predikat
    text, ``""`` for an appraisal without a predikat), sorted by unit id: what
    :func:`~kinerja_engine.batch.score_batch` reports for the same appraisals."""
    check_unit_predikat(unit_predikat, "score_dataset")
    if unit_predikat is None or "kelompok" not in book.checked.enums:
        return ()
    units: dict[str, dict[str, int]] = {}
    for (unit, predikat), n in counts.items():
        if unit:  # an appraisal without a unit belongs to none (score_batch's rule)
            per = units.setdefault(unit, {})
            per[predikat] = per.get(predikat, 0) + n
    found = []
    for unit, per in sorted(units.items()):
        own = unit_predikat_of(unit_predikat, unit, "score_dataset")
        if own is None:
            continue
        rated = {text: n for text, n in per.items() if text}
        report = check_counts(own, rated, book)
        found.append(UnitSummary(
            unit, str(report.unit_predikat), report.total,
            tuple((k, v) for k, v in report.counts.items() if v),
            tuple(v.rule for v in report.violations), per.get("", 0),
        ))  # fmt: skip
    return tuple(found)


# ----------------------------------------------------------------------------- on Dask


def score_partition_frame(frame: Any, files: list[tuple[str, str]], rulebook: str,
                          batch_rows: int,
                          partition_info: dict[str, Any] | None = None) -> Any:  # fmt: skip
    """One partition (one plan file, as a pandas frame): its record cells as a pandas frame
    (Arrow-backed columns), its counts in ``attrs`` (a worker's task). ``files`` holds each
    file's path as errors name it and as the worker opens it (absolute)."""
    pa, pq = need("pyarrow", "columnar"), need("pyarrow.parquet", "columnar")
    pd = need("pandas", "dask")
    if partition_info is None:
        raise UsageError("score_partition_frame(): Dask gives the partition's number")
    path, where = files[partition_info["number"]]
    parquet = pq.ParquetFile(where)  # the footer: the file's own types and its row count
    if len(frame) != parquet.metadata.num_rows:
        raise UsageError(
            f"{path}: Dask gave {len(frame)} rows for the file of {parquet.metadata.num_rows}"
        )
    # The types one process reads the file with (score_parquet): the file's own, with its
    # low-cardinality text as dictionaries. Dask gives those as dictionaries already (as
    # _on_dask asks it), the other text as pandas' large strings; a cast to the type a
    # column has already is free.
    schema = reading_schema(parquet.schema_arrow)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    try:
        table = pa.table([_as_type(table.column(f.name), f.type) for f in schema], schema=schema)
    except (pa.ArrowException, ValueError) as exc:
        raise unreadable(path, exc) from None
    book, program, kinds = _compiled(rulebook)
    stats = Stats()
    pieces = (pa.Table.from_batches([b]) for b in table.to_batches(max_chunksize=batch_rows))
    # Arrow tables all the way (score_arrow): no Python object per cell.
    scored = [
        score_arrow(part, book, first_row=at, source=path, program=program, stats=stats,
                    kinds=kinds)
        for at, part in whole_plan_tables(pieces, 1)
    ]  # fmt: skip
    result = (
        pa.concat_tables(scored) if scored else record_schema(record_columns(book)).empty_table()
    )
    records = result.to_pandas(types_mapper=pd.ArrowDtype)
    records.attrs[_STATS] = {name: getattr(stats, name) for name in _COUNTS}
    return records


def reading_schema(schema: Any) -> Any:
    """The Arrow ``schema`` of a plan file as :func:`.engine.score_parquet` reads it: its
    low-cardinality text columns (:func:`.engine.dictionary_texts`) as dictionaries.

    >>> import pyarrow as pa
    >>> reading_schema(pa.schema([("nip", pa.string()), ("period", pa.string())])).types
    [DataType(string), DictionaryType(dictionary<values=string, indices=int32, ordered=0>)]
    """
    pa = need("pyarrow", "columnar")
    texts = set(dictionary_texts(schema))
    code = pa.dictionary(pa.int32(), pa.string())
    return pa.schema([f.with_type(code) if f.name in texts else f for f in schema])


def _as_type(column: Any, kind: Any) -> Any:
    """``column`` as the file's own type ``kind``: Dask reads a column that is all empty in
    this file (Arrow's null type) with the first file's type."""
    pa = need("pyarrow", "columnar")
    if pa.types.is_null(kind) and column.null_count == len(column):
        return pa.nulls(len(column))
    return column.cast(kind)


def tally_frame(records: Any) -> Any:
    """A scored partition's records per unit and predikat (the chunk of the reduction)."""
    pa, pd = need("pyarrow", "columnar"), need("pandas", "dask")
    counts = _tally(pa.Table.from_pandas(records[list(_TALLIED)], preserve_index=False))
    return pd.DataFrame(
        {
            "unit": pd.Series([u for u, _ in counts], dtype=pd.ArrowDtype(pa.string())),
            "predikat": pd.Series([p for _, p in counts], dtype=pd.ArrowDtype(pa.string())),
            "n": pd.Series(list(counts.values()), dtype="int64"),
        }
    )


def stats_frame(records: Any) -> Any:
    """A scored partition's counts (:class:`~.engine.Stats`) as a one-row frame."""
    pd = need("pandas", "dask")
    counts = records.attrs.get(_STATS)
    if counts is None:  # an empty frame of Dask's own, never scored: nothing counted
        counts = dict.fromkeys(_COUNTS, 0)
    return pd.DataFrame({name: [int(counts[name])] for name in _COUNTS}, dtype="int64")


def _on_dask(files: list[str], rulebook: str, out: Path, stats: Stats, scheduler: Any,
             batch_rows: int, units: bool) -> dict[tuple[str, str], int]:  # fmt: skip
    """read_parquet → map_partitions → to_parquet, with the counts reduced across
    partitions; adds the run's counts to ``stats`` and returns the unit counts."""
    dask = need("dask", "dask")
    dd = need("dask.dataframe", "dask")
    pa, pd = need("pyarrow", "columnar"), need("pandas", "dask")
    book = _compiled(rulebook)[0]
    out_schema = record_schema(record_columns(book))
    # One partition per file: a file holds whole plans, and its rows keep their numbers.
    where = [os.path.abspath(f) for f in files]  # a worker's folder may be another
    # The low-cardinality text read as dictionaries, as one process reads it: decoding them
    # to one string per row costs more than the rest of the reading, and acceptance compares
    # them by code. A partitioning object with no fields (not a name) makes Dask read each
    # file as a fragment of a dataset in this format, and adds no hive columns for folder
    # names; pandas keeps the Arrow types (ArrowDtype) so the worker gets them back as read.
    pa_ds = need("pyarrow.dataset", "columnar")
    pq = need("pyarrow.parquet", "columnar")
    texts = dictionary_texts(pq.read_schema(where[0]))  # Dask reads each file with these
    options = pa_ds.ParquetReadOptions(dictionary_columns=texts)
    dataset = {"partitioning": pa_ds.DirectoryPartitioning(pa.schema([])),
               "format": pa_ds.ParquetFileFormat(read_options=options)}  # fmt: skip
    plans = dd.read_parquet(where, dtype_backend="pyarrow", split_row_groups=False,
                            aggregate_files=False, calculate_divisions=False,
                            dataset=dataset,
                            arrow_to_pandas={"types_mapper": pd.ArrowDtype})  # fmt: skip
    if plans.npartitions != len(files):
        raise UsageError(f"Dask made {plans.npartitions} partitions of {len(files)} files")
    meta = out_schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    pairs = list(zip(files, where, strict=True))
    scored = plans.map_partitions(score_partition_frame, pairs, rulebook, batch_rows,
                                  meta=meta, enforce_metadata=False)  # fmt: skip
    # Written as one process writes: dictionary pages only where values repeat.
    write = scored.to_parquet(os.path.abspath(out), write_index=False, schema=out_schema,
                              name_function=part_name, write_metadata_file=False,
                              use_dictionary=repeating_columns(record_columns(book)),
                              compute=False)  # fmt: skip
    text = pd.ArrowDtype(pa.string())
    tally_meta = pd.DataFrame({"unit": pd.Series([], dtype=text),
                               "predikat": pd.Series([], dtype=text),
                               "n": pd.Series([], dtype="int64")})  # fmt: skip
    stats_meta = pd.DataFrame({name: pd.Series([], dtype="int64") for name in _COUNTS})
    totals = scored.map_partitions(stats_frame, meta=stats_meta).sum()
    if not units:
        _, totals = dask.compute(write, totals, scheduler=scheduler)
        reduced = pd.Series([], dtype="int64")
    else:
        counts = scored.map_partitions(tally_frame, meta=tally_meta)
        reduced = counts.groupby(["unit", "predikat"]).n.sum()
        _, reduced, totals = dask.compute(write, reduced, totals, scheduler=scheduler)
    for name in _COUNTS:
        setattr(stats, name, int(totals[name]))
    return {(str(u), str(p)): int(n) for (u, p), n in reduced.items()}
