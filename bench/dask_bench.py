"""Dask with 2 worker processes against one process, on the same synthetic workforce.

    pip install -e ".[dask,columnar]"
    python bench/dask_bench.py                 # 200,000 employees, the per-object path
    python bench/dask_bench.py --count 50000
    python bench/dask_bench.py --columnar --count 500000 --files 16
    python bench/dask_bench.py --columnar --data plans/ --rounds 2

Per-object (default): both sides run the same pure function (``batch.score_partition``:
generate, appraise, check each unit's distribution) and must return equal summaries.

``--columnar``: a synthetic national Parquet *dataset* (``bench/national_bench.py``'s table,
cut into ``--files`` files of whole plans, or the folder ``--data``) scored Parquet to Parquet
by ``columnar.distributed.score_dataset``: in one process (file by file, ``score_parquet``),
then with dask.dataframe on a ``LocalCluster`` (read_parquet → map_partitions → to_parquet,
each worker writing its own files), ``--rounds`` times side by side; every output file must be
equal, cell for cell. The cluster (``columnar.workers.local_cluster``: 1 thread and 1 Arrow
thread per worker, ``QUIET_WORKERS``) is started and warmed (imports, rulebook) before any
clock starts; each round prints wall and CPU seconds of the one process (all its threads),
of each worker and of the driver (client and scheduler).

The speed-up is one-process time over Dask time (aim on 2 cores: ≥ 1.7×), printed with the
load average before and after.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

try:
    import kinerja_engine  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kinerja_engine.batch import score_partition, score_workforce_dask


def _dataset(folder: Path, employees: int, files: int) -> None:
    """The national bench's table cut into ``files`` files of whole plans (its ``cut_plans``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from national_bench import cut_plans, generate  # noqa: PLC0415 - a sibling script

    whole = folder.parent / "whole.parquet"
    generate(whole, employees)
    cut_plans(whole, folder, files)
    whole.unlink()


def _columnar(args: argparse.Namespace) -> int:
    import tempfile  # noqa: PLC0415

    import distributed  # noqa: PLC0415 - optional: only this benchmark needs it
    import pyarrow.parquet as pq  # noqa: PLC0415

    from kinerja_engine.columnar.distributed import score_dataset  # noqa: PLC0415
    from kinerja_engine.columnar.workers import local_cluster  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        plans = Path(tmp) / "plans"
        if args.data is not None:  # a dataset made before (a folder of plan files)
            plans = args.data
        else:
            _dataset(plans, args.count, args.files)
        files = sorted(plans.glob("*.parquet"))
        size = sum(p.stat().st_size for p in files) / 1e6
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
        print(f"dataset: {len(files)} files, {rows:,} plan rows, {size:.0f} MB")
        # The cluster is started (and warmed: imports, the compiled rulebook) before any clock
        # starts; its idle workers cost about 0.02 s of CPU per second while one process runs.
        # As `kinerja score FOLDER` starts it: QUIET_WORKERS, one Arrow thread per worker (the
        # workers share the cores already).
        cluster = local_cluster(args.workers)
        runs = 0

        def fresh() -> Path:
            nonlocal runs
            runs += 1
            return Path(tmp) / f"out-{runs}"

        with distributed.Client(cluster) as client:
            score_dataset(plans, "gajahmungkur", fresh(), scheduler=client)  # warm the workers
            score_dataset(files[0], "gajahmungkur", fresh())  # warm this process (one file)
            load_before = os.getloadavg()[0]
            pairs = []
            for _ in range(args.rounds):
                # Side by side: one process, then the same dataset on the cluster.
                t, cpu = time.perf_counter(), time.process_time()
                local = score_dataset(plans, "gajahmungkur", fresh())
                t_local, cpu_local = time.perf_counter() - t, time.process_time() - cpu
                workers_cpu = client.run(time.process_time)
                t, cpu = time.perf_counter(), time.process_time()
                on_dask = score_dataset(plans, "gajahmungkur", fresh(), scheduler=client)
                t_dask, cpu_driver = time.perf_counter() - t, time.process_time() - cpu
                spent = client.run(time.process_time)
                worker_cpu = sorted(spent[w] - workers_cpu[w] for w in spent)
                same = local.stats == on_dask.stats and all(
                    pq.read_table(a).equals(pq.read_table(b).replace_schema_metadata())
                    for a, b in zip(local.files, on_dask.files, strict=True)
                )
                pairs.append((t_local, t_dask))
                count = local.stats.plans
                # CPU seconds: the one process's (every thread), each worker's, the driver's
                # (client and scheduler).
                print(
                    f"one process {t_local:.2f} s wall, {cpu_local:.2f} s CPU; dask "
                    f"{args.workers} workers {t_dask:.2f} s wall, CPU "
                    f"{' + '.join(f'{c:.2f}' for c in worker_cpu)} s, driver {cpu_driver:.2f}"
                    f" s; ratio {t_local / t_dask:.2f}; outputs identical: {same}; load "
                    f"{os.getloadavg()[0]:.2f}",
                    flush=True,
                )
                if not same:
                    break
        cluster.close()
        load_after = os.getloadavg()[0]
    t_local = sum(a for a, _ in pairs)
    t_dask = sum(b for _, b in pairs)
    print(f"one process: {count / (t_local / len(pairs)):,.0f} employees/s, {local.stats}")
    print(
        f"employees {count}, files {len(files)}, rounds {len(pairs)}, one process "
        f"{t_local / len(pairs):.2f} s, dask {args.workers} workers {t_dask / len(pairs):.2f} s, "
        f"ratio {t_local / t_dask:.2f} (per round {', '.join(f'{a / b:.2f}' for a, b in pairs)})"
        f"; load average {load_before:.2f} -> {load_after:.2f}"
    )
    return 0 if same else 1


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--columnar", action="store_true", help="the columnar engine on a dataset")
    ap.add_argument("--files", type=int, default=16, help="files of the --columnar dataset")
    ap.add_argument("--data", type=Path, help="--columnar: score this dataset folder instead")
    ap.add_argument("--rounds", type=int, default=1, help="--columnar: pairs of runs")
    args = ap.parse_args(argv)
    if args.columnar:
        return _columnar(args)
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
