"""Stream a large plan table through the reader (and scorer) and report peak memory and speed.

Not run in CI. Writes N one-indicator plans (default 1,000,000) as plan-table rows to a
temporary JSON Lines or Parquet file (``--format``), reads them back with
``kinerja_engine.io.read_plans`` (and, with ``--score``, scores them with ``appraise_many``
into records that are written to a file of the same format), and prints the counts, the
rows per second of the read (and score, and write) phase and its peak resident set size
(``resource.getrusage``). The input is written by a child process, so the peak is that of
reading, scoring and writing alone (pyarrow's writer would otherwise set it):

    PYTHONPATH=src python bench/io_bench.py [--rows N] [--format jsonl|parquet] [--score]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from kinerja_engine import rulebooks
from kinerja_engine.io import TableError, iter_appraisal_records, plan_rows, read_plans, write_rows
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.scoring import appraise_many


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rows(template: dict[str, Any], count: int) -> Any:
    for i in range(count):
        yield {**template, "plan_id": f"p{i}", "realisasi": str(Decimal(i % 9) / 2)}


def _write_input(path: Path, template: dict[str, Any], count: int, fmt: str) -> None:
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as out:
            for row in _rows(template, count):
                out.write(json.dumps(row) + "\n")
        return
    import pyarrow as pa  # noqa: PLC0415 - optional, only for this format
    import pyarrow.parquet as pq  # noqa: PLC0415

    schema = pa.schema([(name, pa.string()) for name in template])
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(path, schema) as writer:
        for row in _rows(template, count):
            batch.append(row)
            if len(batch) == 65536:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch.clear()
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument("--score", action="store_true", help="score the plans and write results")
    parser.add_argument("--write-input", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    template = {k: (None if v is None else str(v)) for k, v in plan_rows(example_plan())[0].items()}
    if args.write_input:  # the child process: write the input file only
        _write_input(Path(args.write_input), template, args.rows, args.format)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"plans.{args.format}"
        child = [sys.executable, __file__, "--rows", str(args.rows), "--format", args.format]
        subprocess.run([*child, "--write-input", str(path)], check=True)
        print(f"written {args.rows:,} {args.format} rows (child process)")
        plans = errors = 0
        start = time.perf_counter()
        items = read_plans(path)
        if args.score:
            book = rulebooks.load("gajahmungkur")
            scored = appraise_many((p for p in items if isinstance(p, Plan)), book, trace=False)
            out = Path(tmp) / f"results.{args.format}"
            plans = write_rows(iter_appraisal_records(scored), out)
        else:
            for item in items:
                if isinstance(item, TableError):
                    errors += 1
                else:
                    plans += 1
        seconds = time.perf_counter() - start
        what = "read, scored and wrote" if args.score else "read"
        print(
            f"{what} {plans:,} plans, {errors:,} errors in {seconds:.0f} s "
            f"({plans / seconds:,.0f} rows/s); peak RSS {_peak_mb():.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
