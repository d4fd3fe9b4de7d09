"""Parts of a Parquet file (row groups cut to whole plans), in one process and on a 2-worker
Dask cluster, give the records of one whole-file run, cell for cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kinerja_engine import Rulebook
from kinerja_engine.columnar import score_parquet
from kinerja_engine.columnar.parts import score_parts
from test_columnar import _plan, _table


def _source(path: Path) -> Path:
    plans = [_plan(k, [90.0 + k, 80.5, 0.9 * k], [100.0, 100.0, 1.0 + k]) for k in range(9)]
    plans[4] = _plan(4, [90.0] * 7, [100.0] * 7)  # seven rows: spans three row groups of 3
    plans[6] = _plan(6, [90.0, 91.0, 92.0], [100.0] * 3, nip="1")  # an error, row numbers kept
    pq.write_table(_table(tuple(plans)), path, row_group_size=3)
    return path


def _rows(paths: list[Path]) -> list[dict[str, Any]]:
    return [row for p in paths for row in pq.read_table(p).to_pylist()]


def _check(source: Path, out: Path, book: Rulebook, tmp_path: Path, client: Any) -> None:
    whole = score_parquet(source, book, tmp_path / "whole.parquet")
    parts = score_parts(source, "gajahmungkur", out, client=client)
    assert pq.ParquetFile(source).metadata.num_row_groups == 11
    assert (parts.plans, parts.columnar, parts.not_accepted, parts.rows) == (
        whole.plans, whole.columnar, whole.not_accepted, whole.rows,
    ) == (9, 8, 1, 31)  # fmt: skip
    files = sorted(out.glob("part-*.parquet"))
    assert len(files) == 11
    assert _rows(files) == _rows([tmp_path / "whole.parquet"])
    assert pa.concat_tables([pq.read_table(f) for f in files]).num_rows == 9


def test_parts_in_one_process_equal_the_whole_file(gajahmungkur: Rulebook, tmp_path: Path) -> None:
    source = _source(tmp_path / "plans.parquet")
    _check(source, tmp_path / "parts", gajahmungkur, tmp_path, None)


@pytest.mark.slow
def test_parts_on_two_dask_workers_equal_the_whole_file(
    gajahmungkur: Rulebook, tmp_path: Path, dask_client: object
) -> None:
    source = _source(tmp_path / "plans.parquet")
    _check(source, tmp_path / "parts", gajahmungkur, tmp_path, dask_client)
