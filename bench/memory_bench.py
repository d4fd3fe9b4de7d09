"""Peak memory of streaming batch scoring as the count grows (design.md §7: flat).

    python bench/memory_bench.py                  # 100,000 and 1,000,000 employees
    python bench/memory_bench.py --counts 10000 100000

Each count runs in a fresh process (``batch.score_partition``: generate, appraise, check each
unit's distribution, keep only the summary); the figure is that process's peak resident set
size (``ru_maxrss``), next to the same process after imports and rulebook loading only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = """
import resource, sys, time
sys.path.insert(0, {src!r})
from kinerja_engine.batch import load_rulebook, score_partition
load_rulebook("gajahmungkur")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
summary = score_partition(0, {count}, seed=1)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(base, peak, wall, summary.count, summary.units)
"""


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--counts", type=int, nargs="+", default=[100_000, 1_000_000])
    args = ap.parse_args(argv)
    print("| employees | units | peak RSS (MB) | after imports (MB) | growth (MB) | time (s) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for count in args.counts:
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(src=str(SRC), count=count)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        base, peak, wall, n, units = out.split()
        b, p = int(base) / 1024, int(peak) / 1024
        print(
            f"| {int(n):,} | {int(units):,} | {p:.0f} | {b:.0f} | {p - b:.0f} | "
            f"{float(wall):.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
