"""Dask with 2 worker processes against one process, on the same synthetic workforce.

    pip install -e ".[dask,columnar]"
    python bench/dask_bench.py                 # 200,000 employees, the per-object path
    python bench/dask_bench.py --count 50000
    python bench/dask_bench.py --columnar --count 500000 --files 16

Per-object (default): both sides run the same pure function (``batch.score_partition``:
generate, appraise, check each unit's distribution) and must return equal summaries.

``--columnar``: a synthetic national Parquet *dataset* (``bench/national_bench.py``'s table,
cut into ``--files`` files of whole plans) scored Parquet to Parquet by
``columnar.distributed.score_dataset``: in one process (file by file, ``score_parquet``), then
with dask.dataframe on a ``LocalCluster`` (read_parquet → map_partitions → to_parquet, each
worker writing its own files); every output file must be equal, cell for cell.

The speed-up is one-process time over Dask time (aim on 2 cores: ≥ 1.7×), printed with the
load average before and after. Workers are warmed (imports, rulebook) first.
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
    """The national bench's table, one file per row group (each holds whole plans)."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - optional: only --columnar needs it

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from national_bench import generate  # noqa: PLC0415 - a sibling script

    whole = folder.parent / "whole.parquet"
    generate(whole, employees, chunk=-(-employees // files))
    source = pq.ParquetFile(whole)
    folder.mkdir()
    for group in range(source.metadata.num_row_groups):
        pq.write_table(source.read_row_group(group), folder / f"plans-{group}.parquet")
    whole.unlink()


def _columnar(args: argparse.Namespace) -> int:
    import tempfile  # noqa: PLC0415

    import dask  # noqa: PLC0415 - optional: only this benchmark needs it
    import distributed  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from kinerja_engine.columnar.distributed import (  # noqa: PLC0415
        QUIET_WORKERS,
        score_dataset,
    )

    with tempfile.TemporaryDirectory() as tmp:
        plans = Path(tmp) / "plans"
        _dataset(plans, args.count, args.files)
        size = sum(p.stat().st_size for p in plans.iterdir()) / 1e6
        print(f"dataset: {args.count:,} employees in {args.files} files, {size:.0f} MB")
        score_dataset(plans, "gajahmungkur", Path(tmp) / "warm")  # imports, compiled program
        load_before = os.getloadavg()[0]
        t, cpu = time.perf_counter(), time.process_time()
        local = score_dataset(plans, "gajahmungkur", Path(tmp) / "one")
        t_local, cpu_local = time.perf_counter() - t, time.process_time() - cpu
        with dask.config.set(dict(QUIET_WORKERS)):  # as `kinerja score FOLDER` starts it
            cluster = distributed.LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        with distributed.Client(cluster) as client:
            # One Arrow thread per worker: the workers share the cores already.
            client.run(pa.set_cpu_count, 1)
            client.run(pa.set_io_thread_count, 1)
            score_dataset(plans, "gajahmungkur", Path(tmp) / "warm-dask", scheduler=client)
            workers_cpu = client.run(time.process_time)
            t, cpu = time.perf_counter(), time.process_time()
            on_dask = score_dataset(plans, "gajahmungkur", Path(tmp) / "dask", scheduler=client)
            t_dask, cpu_driver = time.perf_counter() - t, time.process_time() - cpu
            spent = client.run(time.process_time)
            worker_cpu = sorted(spent[w] - workers_cpu[w] for w in spent)
        cluster.close()
        load_after = os.getloadavg()[0]
        same = local.stats == on_dask.stats and all(
            pq.read_table(a).equals(pq.read_table(b).replace_schema_metadata())
            for a, b in zip(local.files, on_dask.files, strict=True)
        )
    print(f"one process: {t_local:.1f} s, {args.count / t_local:,.0f} employees/s, {local.stats}")
    print(f"dask, {args.workers} workers: {t_dask:.1f} s, {args.count / t_dask:,.0f} employees/s")
    print(f"outputs identical: {same}")
    # CPU seconds, which a busy machine does not change much: the work of one process against
    # the busiest worker's (the bound on the speed-up when every worker has a core of its own)
    # and what the driver (client and scheduler) spent.
    print(
        f"CPU: one process {cpu_local:.1f} s; workers {', '.join(f'{c:.1f}' for c in worker_cpu)}"
        f" s (sum {sum(worker_cpu):.1f}); driver {cpu_driver:.1f} s; one process / busiest "
        f"worker {cpu_local / worker_cpu[-1]:.2f}"
    )
    print(
        f"employees {args.count}, files {args.files}, one process {t_local:.1f} s, "
        f"dask {args.workers} workers {t_dask:.1f} s, ratio {t_local / t_dask:.2f}; "
        f"load average {load_before:.2f} -> {load_after:.2f}"
    )
    return 0 if same else 1


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--columnar", action="store_true", help="the columnar engine on a dataset")
    ap.add_argument("--files", type=int, default=16, help="files of the --columnar dataset")
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
