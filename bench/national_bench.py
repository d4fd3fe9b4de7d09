"""The national batch, Parquet in → Parquet out: the columnar engine against the exact paths.

Not run in CI. Generates a synthetic national plan table (``--employees N``, five indicators
in two RHK each, all-distinct realisasi and targets, a mix of the gajahmungkur indicator kinds,
equal weights (thirds) and whole-number weights, plus adversarial plans placed on every band
edge, cap, zero target, incentive threshold and rounding tie of the rulebook), then, side by
side in one run:

1. times ``kinerja_engine.columnar.score_parquet`` on the whole table in a fresh process
   (wall and CPU seconds, that process's peak RSS);
2. times the hand-written exact per-object function of ``bench/appraisal_bench.py``
   (``hand_appraise``: exact Fractions on validated ``Plan`` objects, no I/O) on
   ``--hand`` plans of the table, CPU per employee, and prints columnar CPU / hand-written CPU
   per employee (the issue's bar: at most 0.1);
3. runs the exact per-object reference (``read_plans`` → ``appraise_many`` → ``write_rows``,
   Parquet to Parquet) on ``--processes`` processes over a sample of the first plans of the
   table up to ``--sample-rows`` indicator rows (plan-table rows), plus every adversarial plan;
4. compares every cell of every sampled plan's record with the columnar output (Arrow
   columns, so a sample of a million rows fits in memory).

    PYTHONPATH=src python bench/national_bench.py --employees 200000 [--sample-rows 1000000]

The last line reads ``employees N, columnar X/s, object Y/s, ratio R, differences D, exact
fallback F %``: X employees per second of the one columnar process (wall), Y plans per
second of one reference process (its wall time), R = X / Y, D the sampled plans whose record
differs in any cell, F the share of plans the columnar engine sent to the per-object path.
``--data DIR`` keeps the generated table there and reuses it on the next run.

``--dask WORKERS`` also times Parquet → Parquet on Dask, the dataset engine
(``columnar.distributed.score_dataset``) over the same table cut into ``--files`` files of
whole plans (:func:`cut_plans`, kept beside the table with ``--data``), on a LocalCluster of
WORKERS processes (``columnar.workers.local_cluster``: 1 thread and 1 Arrow thread per
worker, ``QUIET_WORKERS``) started and warmed before the clock; its records must equal the
one process's, cell for cell, in order. The line before the last then reads ``dask W
workers Z/s, one process X/s, ratio T, records differing E`` (T = one process's seconds /
Dask's seconds; the exit status is 1 when E is not 0).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))  # appraisal_bench, beside this file

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
RATINGS = ("Sesuai Ekspektasi", "Di Atas Ekspektasi", "Di Bawah Ekspektasi")
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


def _special(employees: int, rng: np.random.Generator) -> Any:
    """Per employee, the adversarial case it is built on (-1: none): about 0.1 % of the
    employees (4,300 of 4.3 million), at least one plan per case."""
    cases = len(_adversarial())
    reps = max(1, employees // 10_000)
    special = np.zeros(employees, dtype=np.int64) - 1
    chosen = rng.choice(employees, size=min(employees, reps * cases), replace=False)
    special[chosen] = np.arange(len(chosen)) % cases
    return special


def adversarial_ids(employees: int, seed: int = 17) -> list[str]:
    """The plan ids of the adversarial plans :func:`generate` writes for that size."""
    special = _special(employees, np.random.default_rng(seed))
    return [f"p{i:07d}" for i in np.flatnonzero(special >= 0).tolist()]


def generate(path: Path, employees: int, seed: int = 17, chunk: int = 65_536) -> list[str]:
    """Write the table, ``chunk`` employees per row group (memory bounded by the chunk);
    returns the plan ids of the adversarial plans."""
    rng = np.random.default_rng(seed)
    n = employees
    special = _special(n, rng)
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


def cut_plans(source: Path, folder: Path, files: int) -> list[Path]:
    """Write the plan table ``source`` into the new folder ``folder`` as ``files`` Parquet
    files of whole consecutive plans (equal plan counts, give or take one): a dataset
    (``plans-0.parquet`` …, in order); returns their paths."""
    ids = pq.read_table(source, columns=["plan_id"]).column("plan_id").combine_chunks()
    rows = len(ids)
    # A plan starts where its id differs from the row before (a plan's rows are adjacent).
    change = pc.not_equal(ids.slice(1), ids.slice(0, rows - 1)).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], 1 + np.flatnonzero(change)]) if rows else np.zeros(0, int)
    del ids, change
    plans = len(starts)
    if not 1 <= files <= max(plans, 1):
        raise SystemExit(f"--files must be 1 … {plans:,} (the plans), got {files}")
    bounds = [int(starts[k * plans // files]) if k < files else rows for k in range(files + 1)]
    folder.mkdir(parents=True)
    paths = [folder / f"plans-{k}.parquet" for k in range(files)]
    batches = pq.ParquetFile(source).iter_batches(batch_size=1 << 18)
    pending: Any = None  # the part of the last batch read that belongs to the next files
    for k, path in enumerate(paths):
        want, parts = bounds[k + 1] - bounds[k], []
        while want:
            if pending is None or pending.num_rows == 0:
                pending = next(batches)
            take = min(want, pending.num_rows)
            parts.append(pending.slice(0, take))
            pending, want = pending.slice(take), want - take
        pq.write_table(pa.Table.from_batches(parts), path)
    return paths


def _score_in_child(plans: Path, out: Path, batch_rows: int) -> tuple[float, Any, float, float]:
    """The columnar run in a fresh process: (seconds, stats, that process's peak RSS MB, its
    CPU seconds, every thread)."""
    import pyarrow.parquet  # noqa: F401, PLC0415 - the hand-written function is timed

    import kinerja_engine.columnar.engine  # noqa: F401, PLC0415 - imports off the clock, as

    book = rulebooks.load(RULEBOOK)
    # A warm-up on the first plans: the first calls of some Arrow and numpy functions cost
    # tenths of a second once per process (lazy imports), as the hand-written function is
    # timed warm too.
    warm = out.with_suffix(".warm.parquet")
    first = next(pq.ParquetFile(plans).iter_batches(batch_size=1_000))
    pq.write_table(pa.Table.from_batches([first]), warm)
    score_parquet(warm, book, out, batch_rows=batch_rows)
    start, cpu = time.perf_counter(), time.process_time()
    stats = score_parquet(plans, book, out, batch_rows=batch_rows)
    return time.perf_counter() - start, stats, _peak_mb(), time.process_time() - cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reference_part(sample: Path, out: Path) -> tuple[float, float]:
    """The exact per-object path, Parquet to Parquet, on one sample file: (seconds, CPU)."""
    book = rulebooks.load(RULEBOOK)
    start, cpu = time.perf_counter(), time.process_time()
    scored = appraise_many(
        (p for p in read_plans(sample) if isinstance(p, Plan)), book, trace=False
    )
    write_rows(iter_appraisal_records(scored), out)
    return time.perf_counter() - start, time.process_time() - cpu


def _hand_cost(sample: Path, count: int) -> tuple[float, int]:
    """CPU µs per employee of the hand-written exact function on the first ``count`` plans
    of ``sample`` (validated ``Plan`` objects, as appraisal_bench times it), best of 3."""
    from appraisal_bench import hand_appraise  # noqa: PLC0415 - a script beside this one

    table = pq.read_table(sample)
    ids = table.column("plan_id")
    keep = pc.is_in(ids, pc.unique(ids).slice(0, count))
    part = Path(str(sample) + ".hand.parquet")
    pq.write_table(table.filter(keep), part)
    del table
    plans = [p for p in read_plans(part) if isinstance(p, Plan)]
    best = float("inf")
    for _ in range(3):
        cpu = time.process_time()
        for plan in plans:
            hand_appraise(plan)
        best = min(best, time.process_time() - cpu)
    return 1e6 * best / len(plans), len(plans)


def _normalised(path: Path, ids: Any, names: list[str]) -> Any:
    """The records of the plans ``ids`` as text columns (empty text as null), by plan id."""
    table = pq.read_table(path, columns=names)
    table = table.filter(pc.is_in(table.column("plan_id"), ids)).sort_by("plan_id")
    columns = []
    for name in names:
        column = pc.cast(table.column(name), pa.string())
        columns.append(pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column))
    return pa.table(columns, names=names)


def _differences(reference: list[Path], out: Path, ids: list[str]) -> int:
    """Sampled plans whose record differs in any cell (``error_row`` aside), or is missing
    on either side; the first three are printed."""
    names = [n for n in pq.read_schema(out).names if n != "error_row"]
    wanted = pa.array(ids)
    ref = pa.concat_tables([_normalised(p, wanted, names) for p in reference]).sort_by("plan_id")
    got = _normalised(out, wanted, names)
    if ref.column("plan_id").to_pylist() != got.column("plan_id").to_pylist():
        found = set(ref.column("plan_id").to_pylist()) & set(got.column("plan_id").to_pylist())
        print(f"plans missing: {len(ids) - len(found):,}")
        keep = pa.array(sorted(found))
        ref = ref.filter(pc.is_in(ref.column("plan_id"), keep))
        got = got.filter(pc.is_in(got.column("plan_id"), keep))
        missing = len(ids) - len(found)
    else:
        missing = 0
    differs = np.zeros(ref.num_rows, bool)
    for name in names:
        a, b = ref.column(name), got.column(name)
        same = pc.or_kleene(pc.equal(a, b), pc.and_(a.is_null(), b.is_null()))
        differs |= ~np.asarray(pc.fill_null(same, False).to_numpy(zero_copy_only=False), bool)
    for row in np.flatnonzero(differs)[:3].tolist():
        cells = {n: (ref.column(n)[row].as_py(), got.column(n)[row].as_py()) for n in names}
        print("difference:", {n: pair for n, pair in cells.items() if pair[0] != pair[1]})
    return int(differs.sum()) + missing


def _dask_run(plans: Path, folder: Path, workers: int, files: int,
              tmp: Path) -> tuple[float, float, list[str], Any]:  # fmt: skip
    """The dataset engine (``columnar.distributed.score_dataset``) on a LocalCluster of
    ``workers`` processes (``columnar.workers.local_cluster``: 1 thread and 1 Arrow thread per
    worker, ``QUIET_WORKERS``), over ``plans`` cut into ``files`` files of whole plans (kept
    in ``folder``, as ``--data`` keeps the table): (seconds, load average at the end, the
    records files, the run's stats). The cluster is started and warmed (imports, compiled
    rulebook, one small file per worker and one more) before the clock starts."""
    import distributed  # noqa: PLC0415 - optional: only --dask needs it

    from kinerja_engine.columnar.distributed import score_dataset  # noqa: PLC0415
    from kinerja_engine.columnar.workers import local_cluster  # noqa: PLC0415

    dataset = folder / f"{plans.stem}-{files}-files"
    if not dataset.exists():
        made = dataset.with_name(dataset.name + ".tmp")
        if made.exists():  # an earlier cut stopped half-way
            for path in made.iterdir():
                path.unlink()
            made.rmdir()
        cut_plans(plans, made, files)
        made.rename(dataset)
    first = next(pq.ParquetFile(plans).iter_batches(batch_size=5_000))
    warm = tmp / "warm.parquet"
    pq.write_table(pa.Table.from_batches([first]), warm)
    with local_cluster(workers) as cluster, distributed.Client(cluster) as client:
        cut_plans(warm, tmp / "warm", workers + 1)
        score_dataset(tmp / "warm", RULEBOOK, tmp / "warm-out", scheduler=client)
        start = time.perf_counter()
        run = score_dataset(dataset, RULEBOOK, tmp / "dask-out", scheduler=client)
        seconds = time.perf_counter() - start
        load = os.getloadavg()[0]
    return seconds, load, list(run.files), run.stats


def _cells_differ(single: Path, parts: list[str]) -> int:
    """Records of the files ``parts`` (in order) that differ in any cell from the same rows
    of ``single``, or that one side lacks (read part by part: memory bounded by a part)."""
    batches = pq.ParquetFile(single).iter_batches(batch_size=1 << 16)
    pending: Any = None
    differs = 0
    for path in parts:
        got = pq.read_table(path)
        want, pieces = got.num_rows, []
        while want:
            if pending is None or pending.num_rows == 0:
                pending = next(batches, None)
                if pending is None:
                    return differs + want  # the single output ends first
            take = min(want, pending.num_rows)
            pieces.append(pending.slice(0, take))
            pending, want = pending.slice(take), want - take
        ref = pa.Table.from_batches(pieces, schema=pq.read_schema(single))
        if ref.column_names != got.column_names:
            return differs + got.num_rows + sum(b.num_rows for b in batches)
        same = np.ones(got.num_rows, bool)
        for name in got.column_names:
            a, b = ref.column(name), got.column(name)
            equal = pc.or_kleene(pc.equal(a, b), pc.and_(a.is_null(), b.is_null()))
            same &= np.asarray(pc.fill_null(equal, False).to_numpy(zero_copy_only=False), bool)
        differs += int((~same).sum())
    rest = (pending.num_rows if pending is not None else 0) + sum(b.num_rows for b in batches)
    return differs + rest  # records only the single output has


def _sample(plans: Path, rows: int, adversarial: list[str], parts: int,
            folder: Path) -> tuple[list[str], list[Path], int]:  # fmt: skip
    """The sampled plan ids (the first plans up to ``rows`` indicator rows, and every
    adversarial plan), written as ``parts`` Parquet files of consecutive plans; the sample's
    indicator rows."""
    ids = pq.read_table(plans, columns=["plan_id"]).column("plan_id").combine_chunks()
    head = pc.unique(ids.slice(0, min(rows, len(ids)))).to_pylist()
    sample_ids = sorted(set(head) | set(adversarial))
    source = pq.read_table(plans, filters=[("plan_id", "in", sample_ids)])
    count = source.num_rows
    plan_ids = source.column("plan_id").combine_chunks()
    cuts = np.linspace(0, len(sample_ids), parts + 1).astype(int).tolist()
    files = []
    for k in range(parts):
        chunk = pa.array(sample_ids[cuts[k] : cuts[k + 1]])
        path = folder / f"sample-{k}.parquet"
        pq.write_table(source.filter(pc.is_in(plan_ids, chunk)), path)
        files.append(path)
    return sample_ids, files, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument(
        "--sample-rows",
        type=int,
        default=1_000_000,
        help="indicator rows of the reference sample (the first plans; every adversarial "
        "plan is added); 0: no comparison",
    )
    parser.add_argument("--processes", type=int, default=2, help="reference processes")
    parser.add_argument("--hand", type=int, default=3_000, help="plans for hand_appraise")
    parser.add_argument("--batch-rows", type=int, default=65_536)
    parser.add_argument("--data", type=Path, help="keep (and reuse) the generated table here")
    parser.add_argument(
        "--dask",
        type=int,
        default=0,
        metavar="WORKERS",
        help="also time the dataset engine on a LocalCluster of WORKERS processes",
    )
    parser.add_argument(
        "--files",
        type=int,
        default=32,
        help="--dask: the files of whole plans the table is cut into (kept with --data)",
    )
    args = parser.parse_args()
    n = args.employees
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        plans = folder / f"plans-{n}.parquet"
        adversarial = adversarial_ids(n) if plans.exists() else generate(plans, n)
        size = plans.stat().st_size / 1e6
        print(f"{n:,} employees ({len(adversarial):,} adversarial), {size:.0f} MB; "
              f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
        out = Path(tmp) / "results.parquet"
        # A fresh process, so that its peak RSS is the scoring's alone (not the generator's).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            columnar_s, stats, peak, cpu_s = pool.submit(
                _score_in_child, plans, out, args.batch_rows
            ).result()
        columnar_us = 1e6 * cpu_s / n
        print(f"columnar: {columnar_s:.1f} s ({cpu_s:.1f} s CPU, {columnar_us:.2f} µs CPU per "
              f"employee), {stats}, peak RSS {peak:.0f} MB; "
              f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
        dask_line, dask_differs = "", 0
        if args.dask:
            dask_s, dask_load, parts, dask_stats = _dask_run(
                plans, folder, args.dask, args.files, Path(tmp)
            )
            # The same records as the one process's, cell for cell, in the same order.
            dask_differs = _cells_differ(out, parts)
            # The summary line before the last: the Dask figure, its ratio and its check.
            dask_line = (f"dask {args.dask} workers {n / dask_s:,.0f}/s, one process "
                         f"{n / columnar_s:,.0f}/s, ratio {columnar_s / dask_s:.2f}, "
                         f"records differing {dask_differs}\n")  # fmt: skip
            print(f"dask: {args.dask} workers, {len(parts)} files, {dask_s:.1f} s, "
                  f"{columnar_s / dask_s:.2f}x one process ({columnar_s:.1f} s); records "
                  f"differing from one process's {dask_differs:,}; same counts "
                  f"{dask_stats == stats}; load average {dask_load:.2f}")  # fmt: skip
        if args.sample_rows == 0:  # timing and memory only
            print(f"{dask_line}employees {n}, columnar {n / columnar_s:,.0f}/s; "
                  f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
            return 1 if dask_differs else 0
        sample_ids, files, sample_rows = _sample(
            plans, args.sample_rows, adversarial, args.processes, Path(tmp)
        )
        hand_us, hand_plans = _hand_cost(files[0], args.hand)
        print(f"hand-written exact function: {hand_us:.1f} µs CPU per employee "
              f"({hand_plans:,} plans); columnar / hand-written = "
              f"{columnar_us / hand_us:.3f}")  # fmt: skip
        references = [Path(tmp) / f"reference-{k}.parquet" for k in range(len(files))]
        with ProcessPoolExecutor(max_workers=args.processes, mp_context=context) as pool:
            timings = list(pool.map(_reference_part, files, references))
        object_s = sum(t for t, _ in timings)  # one process's seconds for the whole sample
        differences = _differences(references, out, sample_ids)
        columnar_rate = n / columnar_s
        object_rate = len(sample_ids) / object_s
        print(f"sample: {len(sample_ids):,} plans, {sample_rows:,} indicator rows "
              f"({len(adversarial):,} adversarial plans among them), compared cell by cell "
              f"on {len(files)} reference processes ({sum(c for _, c in timings):.0f} s CPU); "
              f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
        # The exact fallback is every plan the float stage could not decide alone: the rows
        # recomputed exactly in the columns (exact stage) and the plans sent whole to the
        # per-object path.
        exact = stats.exact_stage + stats.fallback
        print(
            f"{dask_line}employees {n}, columnar {columnar_rate:,.0f}/s, "
            f"object {object_rate:,.0f}/s, ratio {columnar_rate / object_rate:.1f}, "
            f"differences {differences}, exact fallback {100 * exact / stats.plans:.2f} % "
            f"(exact stage {stats.exact_stage:,}, per-object {stats.fallback:,})"
        )
    return 1 if dask_differs else 0


if __name__ == "__main__":
    raise SystemExit(main())
