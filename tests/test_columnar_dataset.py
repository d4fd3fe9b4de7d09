"""A Parquet dataset (several files) scored on dask.dataframe (read_parquet → map_partitions →
to_parquet) writes, file by file, the cells of the one-process engine, and the per-unit
distribution check reduced across partitions equals the one-process check.

The dataset holds plans decided in floats, plans that need the exact stage, a plan that fails
validation (a bad NIP: the reader's error, with its file and row) and a plan on which the
exact path raises (a division by zero: an error result), in files of different sizes named
so that the natural order (f2 before f10) is not the alphabetical one, plus a file without
rows, a file whose empty column has Arrow's null type, and a folder named like a hive
partition.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_engine import Rulebook
from kinerja_engine.batch import load_rulebook, score_batch
from kinerja_engine.columnar import distributed, engine, score_parquet
from kinerja_engine.columnar.distributed import dataset_files, score_dataset
from kinerja_engine.errors import KinerjaError, UsageError
from kinerja_engine.io import read_plans
from kinerja_engine.io.errors import TableError
from kinerja_engine.scoring import Appraisal
from kinerja_engine.scoring.contract import KindIndex
from kinerja_engine.scoring.distribution import check_counts, check_distribution
from test_columnar import _plan, _table

#: gajahmungkur with a kind that divides by the target (a zero target raises on the exact path).
RULEBOOK = ('rulebook "rasio" extends "gajahmungkur"\n'
            "def capaian_rasio(realisasi, target) = realisasi / target * 100\n")  # fmt: skip


def _plans() -> list[list[dict[str, Any]]]:
    plans = [
        _plan(k, [90.0 + k, 80.5, 0.9 * k], [100.0, 100.0, 1.0 + k], unit=f"u{k % 3}")
        for k in range(14)
    ]
    # Exact stage: every capaian exactly 90 %, thirds adding up to 110, 0.3/0.3 at 100 %.
    plans[1] = _plan(1, [9.0, 90.0, 0.9], [10.0, 100.0, 1.0], unit="u1")
    plans[5] = _plan(5, [100.0, 11.0, 1.2], [100.0, 10.0, 1.0], unit="u2")
    plans[8] = _plan(8, [0.3, 0.3, 0.3], [0.3, 0.3, 0.3], unit="u2")
    plans[3] = _plan(3, [90.0, 91.0], [100.0] * 2, nip="1", unit="u0")  # the reader's error
    plans[10] = _plan(10, [5.0], [0.0], indicator_kind="rasio", unit="u1")  # raises
    plans[12] = _plan(12, [90.0] * 7, [100.0] * 7, unit="u0")  # seven rows over row groups
    return plans


def _dataset(root: Path) -> Path:
    plans = _plans()
    # A folder named like a hive partition (Dask would add its key as a column), a file with
    # an all-empty column of Arrow's null type (as pandas writes one; double elsewhere) and a
    # file without rows.
    (root / "region=7").mkdir(parents=True)
    pq.write_table(_table(tuple(plans[:5])), root / "f2.parquet", row_group_size=3)
    pq.write_table(_table(tuple(plans[5:11])), root / "f10.parquet", row_group_size=4)
    last = _table(tuple(plans[11:]))
    empty = pa.nulls(last.num_rows)
    last = last.set_column(last.schema.get_field_index("rhk_weight"), "rhk_weight", empty)
    pq.write_table(last, root / "region=7" / "f1.parquet")
    pq.write_table(last.schema.empty_table(), root / "f5-empty.parquet")
    (root / "_SUCCESS").write_text("")  # not a plan file (Dask leaves it out too)
    return root


def _reference(root: Path, tmp: Path, book: Rulebook) -> list[list[dict[str, Any]]]:
    """Each file scored on its own by the one-process engine."""
    out = []
    for k, path in enumerate(dataset_files(root)):
        target = tmp / f"ref-{k}.parquet"
        score_parquet(path, book, target, engine="columnar")
        out.append(pq.read_table(target).to_pylist())
    return out


def _unit_reference(root: Path, book: Rulebook, unit_predikat: Any) -> list[Any]:
    """score_batch over the per-object path's appraisals of every file."""
    kinds = KindIndex(book)
    plans = (p for f in dataset_files(root) for p in read_plans(f, kinds=kinds)
             if not isinstance(p, TableError))  # fmt: skip
    summary = score_batch(plans, book, unit_predikat=unit_predikat, grouped=False)
    return sorted(summary.unit_reports, key=lambda u: u.unit)


UNITS = {"u0": "baik", "u1": "istimewa", "u2": "butuh_perbaikan"}


@dataclass(frozen=True)
class Reference:
    """The dataset and what one process makes of it (built once for the module)."""

    root: Path
    files: list[list[dict[str, Any]]]
    units: list[Any]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    tmp = tmp_path_factory.mktemp("dataset")
    root = _dataset(tmp / "plans")
    book = load_rulebook(RULEBOOK)
    return Reference(root, _reference(root, tmp, book), _unit_reference(root, book, UNITS))


def _check(reference: Reference, tmp_path: Path, scheduler: Any) -> None:
    root = reference.root
    names = ["f2.parquet", "f5-empty.parquet", "f10.parquet", "f1.parquet"]
    assert [Path(f).name for f in dataset_files(root)] == names
    run = score_dataset(root, RULEBOOK, tmp_path / "out", unit_predikat=UNITS,
                        scheduler=scheduler, batch_rows=5)  # fmt: skip
    assert [Path(f).name for f in run.files] == [f"part-0000{k}.parquet" for k in range(4)]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [Path(f).name for f in run.files]
    got = [pq.read_table(f).to_pylist() for f in run.files]
    assert got == reference.files  # every cell, file by file, nothing dropped
    assert [len(rows) for rows in got] == [5, 0, 6, 3]
    errors = [r for rows in got for r in rows if r["status"] == "error"]
    assert [(r["plan_id"], r["error_row"] is not None) for r in errors] == [
        ("p3", True), ("p10", False),
    ]  # fmt: skip
    assert str(root / "f2.parquet") in errors[0]["error"]
    stats = run.stats
    # Not taken by the columns: p3 (bad NIP) and p13 (0.9 * 13 has no short decimal).
    assert (stats.plans, stats.not_accepted, stats.raised, stats.rows) == (14, 2, 1, 43)
    assert stats.columnar == 11 and stats.exact_stage >= 3
    assert list(run.units) == reference.units
    assert [u.unit for u in run.units] == ["u0", "u1", "u2"]
    assert run.units[1].skipped == 1  # p10's error result has no predikat


def test_one_process_scores_each_file_as_score_parquet(
    reference: Reference, tmp_path: Path
) -> None:
    _check(reference, tmp_path, None)


def test_dask_dataframe_equals_one_process(reference: Reference, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    pytest.importorskip("dask.dataframe")
    calls: list[int] = []
    score = distributed.score_partition_frame

    def counted(frame: Any, *args: Any, partition_info: Any = None) -> Any:
        calls.append(partition_info["number"])
        return score(frame, *args, partition_info=partition_info)

    monkeypatch.setattr(distributed, "score_partition_frame", counted)
    _check(reference, tmp_path, "sync")
    # The files, the unit counts and the statistics come from one scoring per file.
    assert sorted(calls) == [0, 1, 2, 3]


def _encodings(path: str) -> dict[str, bool]:
    """Whether each column of a records file's first row group has dictionary pages."""
    meta = pq.ParquetFile(path).metadata
    group = meta.row_group(0)
    return {
        group.column(k).path_in_schema: any("DICTIONARY" in e for e in group.column(k).encodings)
        for k in range(group.num_columns)
    }


def test_a_partition_is_read_scored_and_written_as_one_process_does(
    reference: Reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What made a worker slower than its share of one process, pinned as counted work: the
    low-cardinality text arrives as dictionaries (not one string per row), every row goes
    through score_arrow once (never score_table's Python lists), and the records are written
    with dictionary pages where one process writes them."""
    pytest.importorskip("dask.dataframe")
    book = load_rulebook(RULEBOOK)
    files = dataset_files(reference.root)
    for k, path in enumerate(files):
        score_parquet(path, book, tmp_path / f"one-{k}.parquet", batch_rows=5)

    def no_lists(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a partition's cells went through Python lists (score_table)")

    current: list[int] = []
    scored: dict[int, list[int]] = {}
    seen: dict[int, dict[str, Any]] = {}
    score_arrow, partition = engine.score_arrow, distributed.score_partition_frame

    def counted(table: Any, *args: Any, **kwargs: Any) -> Any:
        scored[current[-1]].append(table.num_rows)
        return score_arrow(table, *args, **kwargs)

    def watched(frame: Any, *args: Any, partition_info: Any = None) -> Any:
        current.append(partition_info["number"])
        seen[current[-1]] = {c: frame[c].dtype.pyarrow_dtype for c in frame}
        scored[current[-1]] = []
        return partition(frame, *args, partition_info=partition_info)

    monkeypatch.setattr(engine, "score_table", no_lists)
    monkeypatch.setattr(distributed, "score_arrow", counted)
    monkeypatch.setattr(distributed, "score_partition_frame", watched)
    run = score_dataset(reference.root, RULEBOOK, tmp_path / "dask", scheduler="sync",
                        batch_rows=5)  # fmt: skip
    assert sorted(current) == [0, 1, 2, 3]  # one scoring per file
    # Every row of a file scored once, in tables of at most a batch plus a plan carried over.
    rows = [pq.ParquetFile(f).metadata.num_rows for f in files]
    assert [sum(scored[k]) for k in range(4)] == rows and rows[1] == 0 < min(rows[::2])
    assert max(n for done in scored.values() for n in done) <= 5 + 7  # p12 has seven rows
    for k, path in enumerate(files):
        texts = engine.dictionary_texts(pq.read_schema(path))
        assert len(texts) >= 5
        for name, kind in seen[k].items():
            assert pa.types.is_dictionary(kind) == (name in texts), (path, name)
        if scored[k]:  # an empty file's records have no row group
            written = _encodings(run.files[k])
            assert written == _encodings(str(tmp_path / f"one-{k}.parquet"))
            assert not written["plan_id"] and written["predikat"]


@pytest.mark.slow
def test_dask_dataframe_on_two_workers_equals_one_process(
    reference: Reference, tmp_path: Path, dask_client: Any
) -> None:
    pytest.importorskip("dask.dataframe")
    _check(reference, tmp_path, dask_client)


def test_refusals(tmp_path: Path) -> None:
    root = _dataset(tmp_path / "plans")  # its own: a file is added to it
    with pytest.raises(UsageError, match="not columnar: a numeric predikat"):
        score_dataset(root, "pp-46-2011", tmp_path / "o")
    with pytest.raises(UsageError, match="lies in the dataset"):
        score_dataset(root, "gajahmungkur", root / "results")
    (tmp_path / "full").mkdir()
    pq.write_table(_table((_plan(0, [1.0], [1.0]),)), tmp_path / "full" / "x.parquet")
    with pytest.raises(UsageError, match="already holds Parquet files"):
        score_dataset(root, "gajahmungkur", tmp_path / "full")
    with pytest.raises(UsageError, match="no such file or folder"):
        score_dataset(tmp_path / "nothing", "gajahmungkur", tmp_path / "o")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no Parquet files"):
        score_dataset(tmp_path / "empty", "gajahmungkur", tmp_path / "o")
    other = _table((_plan(0, [1.0], [1.0]),)).drop_columns(["unit_of_measure"])
    pq.write_table(other, root / "f99.parquet")
    with pytest.raises(UsageError, match=r"f99\.parquet: its columns differ"):
        score_dataset(root, "gajahmungkur", tmp_path / "o")
    with pytest.raises(UsageError, match="'unit_predikat' must be"):
        score_dataset(root, "gajahmungkur", tmp_path / "o", unit_predikat=3)  # type: ignore[arg-type]
    assert not (tmp_path / "o").exists()  # refused before anything was written


def test_unit_predikat_as_a_function_and_a_single_text(
    reference: Reference, tmp_path: Path
) -> None:
    root = reference.root
    book = load_rulebook(RULEBOOK)
    for k, given_ in enumerate(("baik", lambda unit: None if unit == "u1" else "kurang")):
        run = score_dataset(root, RULEBOOK, tmp_path / f"o{k}", unit_predikat=given_)
        assert list(run.units) == _unit_reference(root, book, given_)
    assert [u.unit for u in run.units] == ["u0", "u2"]
    assert score_dataset(root, RULEBOOK, tmp_path / "o9").units == ()


# --------------------------------------------------------------- the check from counts alone

PREDIKAT = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang")


@functools.cache
def _curve_book(rounding: str) -> Rulebook:
    return load_rulebook("permenpanrb-6-2022").with_params(
        pembulatan_kurva=f"pembulatan.{rounding}"
    )


@settings(max_examples=60)
@given(
    counts=st.lists(st.integers(0, 6), min_size=5, max_size=5),
    unit=st.sampled_from(["istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]),
    rounding=st.sampled_from(["tepat", "longgar"]),
)
def test_check_counts_equals_check_distribution(
    counts: list[int], unit: str, rounding: str
) -> None:
    book = _curve_book(rounding)
    appraisals = [
        Appraisal.build(
            f"p{k}-{i}",
            f"nip{k}-{i}",
            "",
            "u",
            "",
            "complete",
            predikat=book.label("predikat", text),
        )
        for k, (text, n) in enumerate(zip(PREDIKAT, counts, strict=True))
        for i in range(n)
    ]
    whole = check_distribution(unit, appraisals, book)
    reduced = check_counts(unit, dict(zip(PREDIKAT, counts, strict=True)), book)
    assert (reduced.unit_predikat, reduced.total, dict(reduced.counts)) == (
        whole.unit_predikat, whole.total, dict(whole.counts),
    )  # fmt: skip
    assert [v.model_copy(update={"employees": ()}) for v in whole.violations] == list(
        reduced.violations
    )
    assert all(v.share == Fraction(v.count, v.total) for v in reduced.violations)


def test_check_counts_refuses_what_is_not_a_count(permenpanrb_6_2022: Rulebook) -> None:
    with pytest.raises(UsageError, match="whole number 0 or more"):
        check_counts("baik", {"Baik": -1}, permenpanrb_6_2022)
    with pytest.raises(UsageError, match="must be a mapping"):
        check_counts("baik", [("Baik", 1)], permenpanrb_6_2022)  # type: ignore[arg-type]
    with pytest.raises(KinerjaError, match="'Amazing' is not a predikat"):
        check_counts("baik", {"Amazing": 1}, permenpanrb_6_2022)


# ------------------------------------------------------------------------- the command line


def test_cli_scores_a_folder(
    reference: Reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kinerja_engine.__main__ import main

    root = reference.root
    rules = tmp_path / "rasio.kinerja"
    rules.write_text(RULEBOOK)  # a rulebook file: the workers get its text
    args = ["score", str(root), "--rulebook", str(rules), "--unit-predikat", "baik"]
    assert main([*args, "--out", str(tmp_path / "out")]) == 1  # two error results
    out = capsys.readouterr().out
    assert f"{root}: 4 plan files, 14 results: " in out
    assert "2 errors; 14 records written to" in out
    assert out.count("error: ") == 2
    assert "curve check, unit u0: " in out and "curve check, unit u2: " in out
    assert out.rstrip().endswith("3 by the per-object path; one process")
    got = [pq.read_table(tmp_path / "out" / f"part-0000{k}.parquet").to_pylist() for k in range(4)]
    assert got == reference.files


def test_cli_refuses_what_a_folder_cannot_do(
    reference: Reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kinerja_engine.__main__ import main

    root = reference.root
    base = ["score", str(root), "--rulebook", "gajahmungkur"]
    cases = [
        ([*base, "--out", str(tmp_path / "o"), "--engine", "object"], "not --engine object"),
        ([*base, "--out", str(tmp_path / "o"), "--year"], "without --year or --explain"),
        (base, "needs --out FOLDER"),
        ([*base, "--out", str(tmp_path / "o"), "--dask-workers", "-1"], "must be 0"),
        ([*base, "--out", str(root)], "lies in the dataset"),  # the folder is not a plan file
        (
            [
                "score",
                str(root / "f2.parquet"),
                "--rulebook",
                "gajahmungkur",
                "--out",
                str(tmp_path / "r.parquet"),
                "--dask-workers",
                "2",
            ],
            "scores a folder",
        ),
    ]
    for argv, message in cases:
        assert main(argv) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_cli_scores_a_folder_on_two_dask_workers(
    reference: Reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    from kinerja_engine.__main__ import main

    root = reference.root
    argv = ["score", str(root), "--rulebook", "gajahmungkur", "--unit-predikat", "baik"]
    assert main([*argv, "--out", str(tmp_path / "one")]) == 1
    one = capsys.readouterr().out
    assert main([*argv, "--out", str(tmp_path / "two"), "--dask-workers", "2"]) == 1
    two = capsys.readouterr().out
    assert two.replace("two", "one").replace("Dask, 2 workers", "one process") == one
    for k in range(4):
        name = f"part-0000{k}.parquet"
        assert pq.read_table(tmp_path / "two" / name).to_pylist() == (
            pq.read_table(tmp_path / "one" / name).to_pylist()
        )


class _Worker:
    """What columnar.workers reads of a Dask worker: its threads and its status."""

    def __init__(self, nthreads: int, status: str) -> None:
        self.state = type("State", (), {"nthreads": nthreads})()
        self.status = status


def test_worker_setup_sizes_arrows_pools_and_filters_only_the_shutdown_noise() -> None:
    import logging

    from kinerja_engine.columnar import workers

    logger = logging.getLogger("distributed.worker")
    before = (pa.cpu_count(), pa.io_thread_count(), list(logger.filters))
    worker = _Worker(3, "running")
    try:
        workers.dask_setup(worker)
        assert (pa.cpu_count(), pa.io_thread_count()) == (3, 3)
        added = [f for f in logger.filters if f not in before[2]]
        assert len(added) == 1
        noise = logging.makeLogRecord({"msg": workers.HEARTBEAT_FAILED})
        other = logging.makeLogRecord({"msg": "Heartbeat to scheduler failed"})
        assert logger.filter(noise) and logger.filter(other)  # a running worker: both logged
        for status in ("Status.closing", "closing_gracefully", "closed"):
            worker.status = status
            assert not logger.filter(noise) and logger.filter(other)
    finally:
        pa.set_cpu_count(before[0])
        pa.set_io_thread_count(before[1])
        logger.filters[:] = before[2]


@pytest.mark.slow
def test_cli_dask_workers_have_one_arrow_thread_each(
    reference: Reference, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    pytest.importorskip("distributed")
    from kinerja_engine.__main__ import main

    seen: list[Any] = []
    real = distributed.score_dataset

    def counting(*args: Any, scheduler: Any = None, **kwargs: Any) -> Any:
        # Read back, on every worker of the CLI's cluster, Arrow's pools and the filter.
        seen.append(scheduler.run(pa.cpu_count))
        seen.append(scheduler.run(pa.io_thread_count))
        seen.append(scheduler.run(_shutdown_filters))
        return real(*args, scheduler=scheduler, **kwargs)

    monkeypatch.setattr(distributed, "score_dataset", counting)
    for workers in (1, 2):
        argv = ["score", str(reference.root), "--rulebook", "gajahmungkur", "--out",
                str(tmp_path / f"w{workers}"), "--dask-workers", str(workers)]  # fmt: skip
        assert main(argv) == 1  # the dataset's two error results
        out, err = capsys.readouterr()
        assert out.rstrip().endswith(f"Dask, {workers} worker{'s' * (workers > 1)}")
        assert "Traceback" not in err and "ERROR" not in err
        cpu, io, filters = seen[-3:]
        assert len(cpu) == len(io) == len(filters) == workers
        assert set(cpu.values()) == set(io.values()) == set(filters.values()) == {1}


def _shutdown_filters() -> int:
    import logging

    from kinerja_engine.columnar.workers import ShutdownNoise

    logger = logging.getLogger("distributed.worker")
    return sum(isinstance(f, ShutdownNoise) for f in logger.filters)
