"""Stream a large JSON Lines plan table through the reader and report peak memory.

Not run in CI. Writes N one-indicator plans (default 1,000,000) as plan-table rows to a
temporary JSON Lines file, reads them back with ``kinerja_engine.io.read_plans`` (and, with
``--score``, scores them with ``appraise_many`` into records that are written to a JSON Lines
file), and prints the count and the peak resident set size (``resource.getrusage``):

    PYTHONPATH=src python bench/io_bench.py [--rows N] [--score]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from kinerja_engine import rulebooks
from kinerja_engine.io import TableError, iter_appraisal_records, plan_rows, read_plans, write_rows
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.scoring import appraise_many


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--score", action="store_true", help="score the plans too")
    args = parser.parse_args()
    template = {k: (None if v is None else str(v)) for k, v in plan_rows(example_plan())[0].items()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plans.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for i in range(args.rows):
                row = {**template, "plan_id": f"p{i}", "realisasi": str(Decimal(i % 9) / 2)}
                out.write(json.dumps(row) + "\n")
        print(f"written {args.rows:,} rows; peak RSS {_peak_mb():.0f} MB")
        plans = errors = 0
        items = read_plans(path)
        if args.score:
            book = rulebooks.load("gajahmungkur")
            scored = appraise_many((p for p in items if isinstance(p, Plan)), book, trace=False)
            plans = write_rows(iter_appraisal_records(scored), Path(tmp) / "results.jsonl")
        else:
            for item in items:
                if isinstance(item, TableError):
                    errors += 1
                else:
                    plans += 1
        print(f"read {plans:,} plans, {errors:,} errors; peak RSS {_peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
