"""Dask with 2 worker processes against one process, on the same synthetic workforce.

    pip install -e ".[dask]"
    python bench/dask_bench.py                 # 200,000 employees
    python bench/dask_bench.py --count 50000

Both sides run the same pure function (``batch.score_partition``: generate, appraise, check
each unit's distribution) and must return equal summaries; the speed-up is one-process time
over Dask time (aim on 2 cores: ≥ 1.7×). Workers are warmed (imports, rulebook) first.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

try:
    import kinerja_engine  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kinerja_engine.batch import score_partition, score_workforce_dask


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=16)
    args = ap.parse_args(argv)
    import distributed  # noqa: PLC0415 - optional: only this benchmark needs it

    score_partition(0, 1000, seed=99)  # warm this process like the workers
    t = time.perf_counter()
    local = score_partition(0, args.count, seed=1)
    t_local = time.perf_counter() - t
    cluster = distributed.LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster):
        score_workforce_dask(args.workers * 1000, seed=99, partitions=args.workers)  # warm
        t = time.perf_counter()
        on_dask = score_workforce_dask(args.count, seed=1, partitions=args.partitions)
        t_dask = time.perf_counter() - t
    cluster.close()
    same = on_dask == local
    print("| run | employees | seconds | employees/s | speed-up |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| one process | {local.count:,} | {t_local:.1f} | {local.count / t_local:,.0f} | 1.00× |"
    )
    print(
        f"| Dask, {args.workers} worker processes × 1 thread, {args.partitions} partitions | "
        f"{on_dask.count:,} | {t_dask:.1f} | {on_dask.count / t_dask:,.0f} | "
        f"{t_local / t_dask:.2f}× |"
    )
    print(f"\nsummaries identical: {same} ({local.errors} error results, {local.units:,} units)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
