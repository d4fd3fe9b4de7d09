"""The national batch, Parquet in → Parquet out: the columnar engine against the object path.

Not run in CI. Generates a synthetic national plan table (``--employees N``, five indicators
in two RHK each, all-distinct realisasi and targets, a mix of the gajahmungkur indicator kinds,
equal weights (thirds) and whole-number weights, plus adversarial plans placed on every band
edge, cap, zero target, incentive threshold and rounding tie of the rulebook), then:

1. times ``kinerja_engine.columnar.score_parquet`` on the whole table (one process);
2. times the per-object path (``read_plans`` → ``appraise_many`` → ``write_rows``, Parquet to
   Parquet) on a sample of ``--sample`` plans plus every adversarial plan;
3. compares every record of the sample, cell by cell, with the columnar output.

    PYTHONPATH=src python bench/national_bench.py --employees 200000 [--sample 20000]

The last line reads ``employees N, columnar X/s, object Y/s, ratio R, differences D, exact
fallback F %`` (R: the object path's time per employee over the columnar one's).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kinerja_engine import rulebooks
from kinerja_engine.columnar import score_parquet
from kinerja_engine.io import iter_appraisal_records, read_plans, write_rows
from kinerja_engine.models import Plan
from kinerja_engine.scoring import appraise_many

RULEBOOK = "gajahmungkur"
# (kind or None, direction) of the five indicators: three in RHK 1, two in RHK 2.
SLOTS = (
    ("vaksinasi", "higher"),
    (None, "higher"),
    ("waktu_layanan", "lower"),
    ("prestasi_siswa", "higher"),
    (None, "lower"),
)
RHK_OF_SLOT = (0, 0, 0, 1, 1)
RATINGS = ("sesuai", "di atas", "di bawah")
JENJANG = ("ahli_pertama", "ahli_muda", "terampil", "mahir")


def _nips(rng: np.random.Generator, n: int) -> list[str]:
    year = rng.integers(1965, 2000, n)
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    cpns = year + rng.integers(20, 35, n)
    cmonth = rng.integers(1, 13, n)
    gender = rng.integers(1, 3, n)
    seq = rng.integers(1, 1000, n)
    return [
        f"{a:04d}{b:02d}{c:02d}{d:04d}{e:02d}{f}{g:03d}"
        for a, b, c, d, e, f, g in zip(
            year.tolist(), month.tolist(), day.tolist(), cpns.tolist(), cmonth.tolist(),
            gender.tolist(), seq.tolist(), strict=True,
        )
    ]  # fmt: skip


def _adversarial() -> list[tuple[list[float], list[float]]]:
    """(realisasi, target) per slot for plans on the rulebook's edges.

    Equal thirds in RHK 1 and halves overall: the overall value is
    (c1 + c2 + c3)/6 + (c4 + c5)/4. Each case puts it, or a capaian, on an edge.
    """
    cases: list[tuple[list[float], list[float]]] = []
    for value in (90.0, 110.0, 100.0, 120.0, 110.5, 89.995, 100.005):
        # Every capaian equal to `value` (lower-is-better: 2 - r/t = value/100).
        low = round(2 - value / 100, 10)
        cases.append(
            ([value, value, round(low * 50, 10), round(value / 10, 10), round(low * 7, 10)],
             [100, 100, 50, 10, 7])
        )  # fmt: skip
    # Thirds: 100/3 + 110/3 + 120/3 = 110 in RHK 1; RHK 2 exactly 110 too.
    cases.append(([100, 110, 27, 11, 2.7], [100, 100, 30, 10, 3]))
    # Caps exactly at 120 and 110 (survey), zero and negative targets met exactly.
    cases.append(([36, 33, 0.8 * 20, 0, 0], [30, 30, 20, 0, 0]))
    cases.append(([1.2, 1.1, 0.0, -2, 0.1], [1, 1, 2, -2, 0.1]))
    return cases


def _chunk(rng: np.random.Generator, first: int, n: int, special: Any) -> Any:
    """The rows of employees ``first`` … ``first + n - 1`` as an Arrow table."""
    adversarial = _adversarial()
    scale = 10.0 ** rng.integers(0, 3, (n, 1))
    real = np.rint(rng.uniform(40, 140, (n, 5)) * scale) / scale
    target = np.round(rng.uniform(50, 150, (n, 5)), 1)
    # Some zero and negative targets on the education indicator (slot 3).
    neg = rng.random(n) < 0.02
    target[neg, 3] = np.where(rng.random(int(neg.sum())) < 0.5, 0.0, -2.5)
    for k, (r, t) in enumerate(adversarial):
        rows = special == k
        real[rows] = r
        target[rows] = t
    weights = rng.random(n) < 0.3  # whole-number weights 40/30/30, 60/40
    ids = range(first, first + n)
    rating = np.array(RATINGS, dtype=object)[rng.integers(0, 3, n)]
    jenjang = np.array(JENJANG, dtype=object)[rng.integers(0, len(JENJANG), n)]

    def per_row(values: Any) -> Any:
        return np.repeat(np.asarray(values, dtype=object), 5)

    slot = np.tile(np.arange(5), n)
    rhk = np.array(RHK_OF_SLOT)[slot]
    ind_w = np.where(np.repeat(weights, 5), np.tile([40.0, 30, 30, 50, 50], n), np.nan)
    rhk_w = np.where(np.repeat(weights, 5), np.tile([60.0, 60, 60, 40, 40], n), np.nan)
    return pa.table(
        {
            "plan_id": per_row([f"p{i:07d}" for i in ids]),
            "period": np.full(5 * n, "2026", dtype=object),
            "nip": per_row(_nips(rng, n)),
            "name": per_row([f"Pegawai {i}" for i in ids]),
            "position": np.full(5 * n, "Analis Kebijakan", dtype=object),
            "category": np.full(5 * n, "Fungsional", dtype=object),
            "jenjang": per_row(jenjang),
            "unit": per_row([f"unit-{i % 5000}" for i in ids]),
            "behaviour_rating": per_row(rating),
            "rhk_id": np.array(["r1", "r2"], dtype=object)[rhk],
            "rhk_description": np.array(["Layanan", "Mutu"], dtype=object)[rhk],
            "rhk_weight": pa.array(rhk_w, from_pandas=True),
            "indicator_id": np.array([f"i{k}" for k in range(5)], dtype=object)[slot],
            "indicator_name": np.full(5 * n, "Indikator", dtype=object),
            "unit_of_measure": np.full(5 * n, "%", dtype=object),
            "target": target.reshape(-1),
            "direction": np.array([d for _, d in SLOTS], dtype=object)[slot],
            "indicator_kind": pa.array(
                np.array([k for k, _ in SLOTS], dtype=object)[slot], type=pa.string()
            ),
            "indicator_weight": pa.array(ind_w, from_pandas=True),
            "realisasi": real.reshape(-1),
        }
    )


def generate(path: Path, employees: int, seed: int = 17, chunk: int = 65_536) -> list[str]:
    """Write the table, ``chunk`` employees per row group (memory bounded by the chunk);
    returns the plan ids of the adversarial plans."""
    rng = np.random.default_rng(seed)
    n = employees
    cases = len(_adversarial())
    # About 0.1 % of the employees (4,300 of 4.3 million), at least one plan per case.
    reps = max(1, n // 10_000)
    special = np.zeros(n, dtype=np.int64) - 1
    chosen = rng.choice(n, size=min(n, reps * cases), replace=False)
    special[chosen] = np.arange(len(chosen)) % cases
    writer = None
    for first in range(0, n, chunk):
        size = min(chunk, n - first)
        table = _chunk(rng, first, size, special[first : first + size])
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    return [f"p{i:07d}" for i in np.flatnonzero(special >= 0).tolist()]


def _score_in_child(plans: Path, out: Path, batch_rows: int) -> tuple[float, Any, float, float]:
    """The columnar run in a fresh process: (seconds, stats, that process's peak RSS MB, its
    CPU seconds)."""
    book = rulebooks.load(RULEBOOK)
    start, cpu = time.perf_counter(), time.process_time()
    stats = score_parquet(plans, book, out, batch_rows=batch_rows)
    return time.perf_counter() - start, stats, _peak_mb(), time.process_time() - cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _records_by_plan(path: Path, ids: list[str]) -> dict[str, dict[str, Any]]:
    table = pq.read_table(path)
    table = table.filter(pc.is_in(table.column("plan_id"), pa.array(ids)))
    out = {}
    for row in table.to_pylist():
        out[row["plan_id"]] = {k: (None if v in (None, "") else str(v)) for k, v in row.items()}
    return out


def _dask_run(plans: Path, out: Path, workers: int) -> float:
    """Seconds of :func:`score_parts` on a LocalCluster of ``workers`` processes (the cluster
    started and warmed up before the clock starts)."""
    import distributed  # noqa: PLC0415 - optional: only --dask needs it

    from kinerja_engine.columnar.parts import score_parts  # noqa: PLC0415

    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as client:
        client.run(lambda: rulebooks.load(RULEBOOK) and None)
        # One Arrow thread per worker: the workers share the cores already.
        client.run(pa.set_cpu_count, 1)
        client.run(pa.set_io_thread_count, 1)
        start = time.perf_counter()
        score_parts(plans, RULEBOOK, out, client=client)
        seconds = time.perf_counter() - start
    cluster.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=20_000, help="0: no comparison")
    parser.add_argument("--batch-rows", type=int, default=65_536 * 5)
    parser.add_argument(
        "--dask",
        type=int,
        default=0,
        metavar="WORKERS",
        help="also time the parts on a LocalCluster of WORKERS processes",
    )
    args = parser.parse_args()
    book = rulebooks.load(RULEBOOK)
    with tempfile.TemporaryDirectory() as tmp:
        plans = Path(tmp) / "plans.parquet"
        adversarial = generate(plans, args.employees)
        print(f"generated {args.employees:,} employees ({len(adversarial):,} adversarial), "
              f"{plans.stat().st_size / 1e6:.0f} MB")  # fmt: skip
        out = Path(tmp) / "results.parquet"
        # A fresh process, so that its peak RSS is the scoring's alone (not the generator's).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            columnar_s, stats, peak, cpu_s = pool.submit(
                _score_in_child, plans, out, args.batch_rows
            ).result()
        print(f"columnar: {columnar_s:.1f} s ({cpu_s:.1f} s CPU, "
              f"{1e6 * cpu_s / args.employees:.1f} µs CPU per employee), {stats}, "
              f"peak RSS {peak:.0f} MB")  # fmt: skip
        dask_line = ""
        if args.dask:
            dask_s = _dask_run(plans, Path(tmp) / "parts", args.dask)
            dask_line = f", dask {args.dask} workers {args.employees / dask_s:,.0f}/s"
            print(f"dask, {args.dask} workers: {dask_s:.1f} s, "
                  f"{columnar_s / dask_s:.2f}x one process")  # fmt: skip
        if args.sample == 0:  # timing and memory only
            print(f"employees {args.employees}, columnar {args.employees / columnar_s:,.0f}/s"
                  f"{dask_line}; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
            return 0
        # The sample: every adversarial plan and the first plans of the table.
        first = [f"p{i:07d}" for i in range(min(args.sample, args.employees))]
        sample_ids = sorted(set(first) | set(adversarial))
        source = pq.read_table(plans, filters=[("plan_id", "in", sample_ids)])
        sample_path = Path(tmp) / "sample.parquet"
        pq.write_table(source, sample_path)
        del source
        reference = Path(tmp) / "reference.parquet"
        start = time.perf_counter()
        scored = appraise_many(
            (p for p in read_plans(sample_path) if isinstance(p, Plan)), book, trace=False
        )
        write_rows(iter_appraisal_records(scored), reference)
        object_s = time.perf_counter() - start
        ref = _records_by_plan(reference, sample_ids)
        got = _records_by_plan(out, sample_ids)
        differences = 0
        for plan_id in sample_ids:
            a, b = ref.get(plan_id), got.get(plan_id)
            if a is None or b is None:
                differences += 1
                continue
            keys = (set(a) | set(b)) - {"error_row"}
            if any(a.get(k) != b.get(k) for k in keys):
                differences += 1
                if differences <= 3:
                    print("difference:", plan_id, {k: (a.get(k), b.get(k)) for k in keys
                                                   if a.get(k) != b.get(k)})  # fmt: skip
        load = os.getloadavg()
        columnar_rate = args.employees / columnar_s
        object_rate = len(sample_ids) / object_s
        print(f"sample {len(sample_ids):,} plans compared; load average {load[0]:.2f}")
        print(
            f"employees {args.employees}, columnar {columnar_rate:,.0f}/s, "
            f"object {object_rate:,.0f}/s, ratio {columnar_rate / object_rate:.1f}, "
            f"differences {differences}, exact fallback {100 * stats.fallback / stats.plans:.2f} %"
            f"{dask_line}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
