"""Whole-appraisal throughput at national scale (design.md §7), printed side by side.

Run from a checkout or after ``pip install -e ".[test,dask]"``::

    python bench/appraisal_bench.py                 # full run (a few minutes)
    python bench/appraisal_bench.py --quick         # smoke test, ~30 s
    python bench/appraisal_bench.py --quick --one-core   # section 1 only (a shared machine)

It prints, in one run:

1. employees appraised per second on one core with the bundled ``gajahmungkur`` rulebook
   (plans pre-generated, ``appraise`` only; and generate + appraise end to end), next to a
   hand-written Python function computing the same appraisal with the same exact arithmetic
   (capaian, RHK values, nilai hasil kerja, rating, predikat, TPP and angka kredit; its
   results are compared with the engine's before anything is timed), and the ratio. Two data
   sets, timed side by side: the generator's plans (realisasi and targets from small grids,
   so values recur and per-value caches hit) and the same plans with **every realisasi and
   every target distinct** (``distinct_records``: the bar's data, where no cache can help),
   the batch path also without its lane (``scoring/lane.py``: the stages, ``score_run``),
   each scored from built models (batch path and traced) and from JSON text (validation
   included), each result consumed as a stream (made, then dropped: the batch path's use; one
   row keeps every result in a list instead); then the cProfile of the batch path and of
   the slowest case on distinct data, with the share of time inside the rulebook's
   definitions;
2. the extrapolation to the national workforce (4.3 million) from a real run on all cores
   (one process per core, each generating and scoring its share: ``batch.score_partition``);
3. the fast path against the reference path (``batch.appraise_reference``: full validation
   from JSON-ready data, exact-only evaluation, no caches) on ``--identity`` employees:
   every result must be identical;
4. import time, parser build time, and parse + check + compile of each bundled rulebook.

Peak memory is measured by ``bench/memory_bench.py``, Dask by ``bench/dask_bench.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

try:
    import kinerja_engine
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import kinerja_engine

from kinerja_engine import rulebooks
from kinerja_engine.batch import appraise_reference, score_partition, workforce_partitions
from kinerja_engine.batch.distinct import distinct_records
from kinerja_engine.batch.synthetic import NATIONAL_WORKFORCE, generate_plans, generate_records
from kinerja_engine.language import parser
from kinerja_engine.models import Direction, Plan, PositionCategory, TargetRange
from kinerja_engine.scoring import Appraisal, appraise_many
from kinerja_engine.scoring.context import Run
from kinerja_engine.scoring.stages import score_run
from kinerja_engine.values import round_half_up

F = Fraction

# --------------------------------------------------------------------------- hand-written
# The gajahmungkur policy (extending permenpanrb-6-2022 and angka-kredit-2023) written
# directly in Python, exactly (Fractions), as a programmer would without a rules engine.

_CAP, _CAP_SURVEY = F(120), F(110)
_KOEF = {
    "Pemula": F("3.75"),
    "Terampil": F(5),
    "Mahir": F("12.5"),
    "Penyelia": F(25),
    "Ahli Pertama": F("12.5"),
    "Ahli Muda": F(25),
    "Ahli Madya": F("37.5"),
    "Ahli Utama": F(50),
}
_PERSEN_AK = {
    "sangat_baik": F(3, 2),
    "baik": F(1),
    "butuh_perbaikan": F(3, 4),
    "kurang": F(1, 2),
    "sangat_kurang": F(1, 4),
}
_PERSEN_TPP = {"sangat_baik": F(1), "baik": F(1), "butuh_perbaikan": F(9, 10), "kurang": F(85, 100)}
_MATRIX = {
    ("di_atas", "di_atas"): "sangat_baik",
    ("di_atas", "sesuai"): "baik",
    ("di_atas", "di_bawah"): "kurang",
    ("sesuai", "di_atas"): "baik",
    ("sesuai", "sesuai"): "baik",
    ("sesuai", "di_bawah"): "kurang",
    ("di_bawah", "di_atas"): "butuh_perbaikan",
    ("di_bawah", "sesuai"): "butuh_perbaikan",
    ("di_bawah", "di_bawah"): "sangat_kurang",
}
_RATING = {
    "Di Atas Ekspektasi": "di_atas",
    "Sesuai Ekspektasi": "sesuai",
    "Di Bawah Ekspektasi": "di_bawah",
}


def _higher(r: Fraction, t: Fraction) -> Fraction:
    if t == 0:
        return F(100) if r >= 0 else F(0)
    return r / t * 100


def _lower(r: Fraction, t: Fraction) -> Fraction:
    if t == 0:
        return F(100) if r <= 0 else F(0)
    return (2 - r / t) * 100


def _capaian(kind: str | None, direction: Direction, r: Fraction, target: Any) -> Fraction:
    if isinstance(target, TargetRange):
        lo, hi = F(target.lo), F(target.hi)
        return _higher(r, lo) if r < lo else _lower(r, hi) if r > hi else F(100)
    t = F(target)
    if kind in ("vaksinasi", "kolaborasi", "kasus"):
        return min(_higher(r, t), _CAP)
    if kind in ("sosialisasi", "ikm", "kehadiran_siswa"):
        return min(_higher(r, t), _CAP_SURVEY)
    if kind == "waktu_layanan":
        return min(max(_lower(r, t), F(0)), _CAP)
    if kind == "prestasi_siswa":
        return _higher(r, F(0)) if t <= 0 else min(max(_higher(r, t), F(0)), _CAP)
    return _higher(r, t) if direction is Direction.HIGHER else _lower(r, t)


def _wmean(values: Sequence[Fraction], weights: Sequence[Fraction]) -> Fraction:
    return sum((v * w for v, w in zip(values, weights, strict=True)), F(0)) / sum(weights, F(0))


def _weights(given: Sequence[Fraction | None]) -> list[Fraction]:
    if all(w is None for w in given):
        return [F(100, len(given))] * len(given)
    weights = [w for w in given if w is not None]
    if len(weights) != len(given) or sum(weights, F(0)) != 100:
        raise ValueError("weights")
    return weights


def hand_appraise(plan: Plan) -> tuple[Any, ...]:
    """(status, nilai hasil kerja, predikat, tpp %, angka kredit) of one plan."""
    try:
        reported = {r.indicator: r for r in plan.realisations}
        missing = False
        rhk_values, rhk_weights = [], []
        for rhk, rhk_w in zip(plan.rhk, _weights([r.weight for r in plan.rhk]), strict=True):
            caps, ws = [], []
            for ind, w in zip(
                rhk.indicators, _weights([i.weight for i in rhk.indicators]), strict=True
            ):
                real = reported.get(ind.id)
                if real is None:
                    missing = True
                    continue
                if real.value is None:
                    continue
                caps.append(_capaian(ind.kind, ind.direction, F(real.value), ind.target))
                ws.append(w)
            if caps:
                rhk_values.append(_wmean(caps, ws))
                rhk_weights.append(rhk_w)
    except ValueError:
        return ("error", None, None, None, None)
    if missing or not rhk_values:
        return ("incomplete", None, None, None, None)
    nilai = _wmean(rhk_values, rhk_weights)
    hasil = "di_atas" if nilai >= 110 else "sesuai" if nilai >= 90 else "di_bawah"
    assert plan.behaviour is not None
    predikat = _MATRIX[hasil, _RATING[plan.behaviour.rating]]
    tpp = (
        F(6, 10) * _PERSEN_TPP.get(predikat, F(8, 10)) + (F(5, 100) if nilai >= 100 else 0)
    ) * 100
    ak = None
    position = plan.employee.position
    if position.category is PositionCategory.FUNGSIONAL and position.jenjang is not None:
        raw = F(len(plan.period.months), 12) * _PERSEN_AK[predikat] * _KOEF[position.jenjang]
        ak = F(round_half_up(raw * 100, 0)) / 100
    return ("complete", nilai, predikat, tpp, ak)


def engine_summary(a: Appraisal) -> tuple[Any, ...]:
    if a.status != "complete":
        return (a.status, None, None, None, None)
    assert a.predikat is not None
    return (
        "complete",
        a.nilai_hasil_kerja,
        a.predikat.name,
        a.conversions.get("tpp_persen"),
        a.conversions.get("angka_kredit"),
    )


# --------------------------------------------------------------------------- helpers


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def best_interleaved(
    fns: Sequence[Callable[[], Any]], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    """The minimum time of each function over ``repeat`` rounds, the functions taking turns
    within a round: on a shared machine a busy moment then hits every side, not one, so the
    ratios stay fair. ``clock`` is wall time by default; ``time.process_time`` counts only
    this process's CPU time (other jobs on the machine then do not count, only the caches and
    memory bandwidth they share)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, bucket in zip(fns, times, strict=True):
            gc.collect()
            t = clock()
            fn()
            bucket.append(clock() - t)
    return [min(bucket) for bucket in times]


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
        f"CPython {platform.python_version()}, kinerja_engine {kinerja_engine.__version__}"
    )


def _part(args: tuple[int, int, int]) -> int:
    start, stop, seed = args
    return score_partition(start, stop, seed=seed).count


def fresh(code: str) -> float:
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    return time.perf_counter() - t


# --------------------------------------------------------------------------- main


def profile(run: Callable[[], Any], label: str, count: int, top: int = 14) -> None:
    """Where the time of ``run`` (``count`` plans) goes: cProfile's own time per function,
    largest first, and per module."""
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())
    print(f"\n### Where the time goes: {label}, cProfile, {count:,} plans\n")
    print("| function | calls per employee | own time share |")
    print("|---|---:|---:|")
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)
    for (file, line, name), (_, calls, own, *_rest) in ranked[:top]:
        where = (
            f"{file if file.startswith('<') else Path(file).name}:{line} {name}" if line else name
        )
        print(f"| `{where}` | {calls / count:.1f} | {own / total:.1%} |")
    by_module: dict[str, float] = {}
    for (file, line, _name), row in stats.items():
        if not line:
            module = "built-in (C: dict, Decimal, isinstance, …)"
        elif file.startswith("<kinerja"):
            module = "compiled rulebook code"
        else:
            module = Path(file).name
        by_module[module] = by_module.get(module, 0.0) + row[2]
    shares = sorted(by_module.items(), key=lambda item: item[1], reverse=True)
    print("\nOwn time by module: " + ", ".join(f"{m} {t / total:.0%}" for m, t in shares[:7]))
    # The rulebook's definitions as the pipeline calls them (entry points and exact
    # implementations, with the Fraction arithmetic and builtins they run): the part a
    # faster pipeline cannot remove, only a faster compiled rulebook.
    inside = 0.0
    for (file, _line, _name), row in stats.items():
        if file.startswith("<kinerja"):
            for (caller, _l, _n), edge in row[4].items():
                if not caller.startswith("<kinerja"):
                    inside += edge[3]
    print(
        f"Time inside the rulebook's definitions (cumulative, called from the pipeline): "
        f"{inside / total:.0%}; the pipeline's own work (records, Numbers, checks, "
        f"validation): {1 - inside / total:.0%}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small counts, for a smoke test")
    ap.add_argument("--count", type=int, default=20_000, help="plans timed on one core")
    ap.add_argument("--parallel", type=int, default=200_000, help="plans of the all-core run")
    ap.add_argument("--identity", type=int, default=100_000, help="fast vs reference plans")
    ap.add_argument("--repeat", type=int, default=5, help="rounds of the one-core timings")
    ap.add_argument("--one-core", action="store_true", help="only the one-core section")
    ap.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="one-core timings in this process's CPU time (default: robust on a shared "
        "machine) or wall time",
    )
    args = ap.parse_args(argv)
    if args.quick:
        args.count, args.parallel, args.identity, args.repeat = 3000, 20_000, 2000, 2
    book = rulebooks.load("gajahmungkur")
    print(f"# Appraisal benchmark\n\nMachine: {machine()}")
    print(f"Command: python bench/appraisal_bench.py {' '.join(argv or sys.argv[1:])}\n")

    generated = list(generate_plans(args.count, seed=1))
    records = distinct_records(generated)
    plans = [Plan.model_validate(r) for r in records]
    texts = [json.dumps(r) for r in records]
    generated_texts = [p.model_dump_json() for p in generated]
    n_ind = sum(len(list(p.indicators())) for p in plans) / len(plans)
    numbers = [
        v for r in records for v in [x["value"] for x in r["realisations"]]
        + [str(i["target"]) for rhk in r["rhk"] for i in rhk["indicators"]] if v is not None
    ]  # fmt: skip
    for data in (generated, plans):
        engine = appraise_many(data, book)
        mismatches = [
            p.id for p, a in zip(data, engine, strict=True) if hand_appraise(p) != engine_summary(a)
        ]
        if mismatches:
            print(f"hand-written and engine disagree on {len(mismatches)} plans: {mismatches[:5]}")
            return 1
    sample_size = min(len(plans), 300)
    differences = sum(
        appraise_reference(record, book).model_copy(update={"trace": ()}) != result
        for record, result in zip(
            records[:sample_size], appraise_many(plans[:sample_size], book, trace=False),
            strict=True,
        )
    )  # fmt: skip
    gc.freeze()  # the plans are long-lived: keep the collector from rescanning them

    # Results are consumed as a stream (each dropped once made), the batch path's use (score,
    # write, forget); the row "kept in a list" shows what holding every result adds (the
    # collector then rescans a growing heap of result objects).
    drain = deque(maxlen=0).extend

    def from_json(texts: Sequence[str]) -> Callable[[], Any]:
        return lambda: drain(
            appraise_many((Plan.model_validate_json(t) for t in texts), book, trace=False)
        )

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("hand-written Python (exact Fractions, same results)",
         lambda: drain(hand_appraise(p) for p in plans)),
        ("kinerja `appraise_many(trace=False)` (batch path, same results)",
         lambda: drain(appraise_many(plans, book, trace=False))),
        ("kinerja `appraise_many` (full Appraisal with trace)",
         lambda: drain(appraise_many(plans, book))),
        ("from JSON text: `Plan.model_validate_json` + batch path", from_json(texts)),
        ("batch path, every result kept in a list",
         lambda: list(appraise_many(plans, book, trace=False))),
        ("generator data: hand-written", lambda: drain(hand_appraise(p) for p in generated)),
        ("generator data: batch path",
         lambda: drain(appraise_many(generated, book, trace=False))),
        ("generator data: from JSON text + batch path", from_json(generated_texts)),
        ("synthetic generator (plan construction)",
         lambda: drain(generate_plans(args.count, seed=1))),
        ("batch path without the lane (the stages, `score_run`; internal)",
         lambda: drain(score_run(Run(p, book, tracing=False)) for p in plans)),
    ]  # fmt: skip
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    times = best_interleaved([fn for _, fn in cases], args.repeat, clock)
    n = len(plans)
    print(
        f"## One core ({n:,} employees, {n_ind:.2f} indicators each; "
        f"{len(set(numbers)):,} distinct realisasi and target values of {len(numbers):,}; "
        f"{'CPU' if args.clock == 'cpu' else 'wall'} time, best of {args.repeat} "
        f"interleaved rounds; load average {os.getloadavg()[0]:.2f})\n"
    )
    print(
        f"Distinct data, batch path against the reference path (exact only, cold caches) on "
        f"the first {sample_size} employees: {differences} differences.\n"
    )
    print("| what | µs per employee | employees/s per core | ratio |")
    print("|---|---:|---:|---:|")
    (t_hand, t_bare, t_traced, t_json, t_kept, t_hand_gen, t_bare_gen, t_json_gen, t_gen,
     t_stages) = times  # fmt: skip
    ratios = [1.0, t_bare / t_hand, t_traced / t_hand, t_json / t_bare, t_kept / t_hand,
              1.0, t_bare_gen / t_hand_gen, t_json_gen / t_bare_gen, 0.0,
              t_stages / t_hand]  # fmt: skip
    against = ["", " hand", " hand", " batch", " hand", "", " hand", " batch", "", " hand"]
    for (label, _fn), t, ratio, what in zip(cases, times, ratios, against, strict=True):
        shown = f"{ratio:.2f}×{what}" if ratio else "–"
        print(f"| {label} | {t / n * 1e6:,.1f} | {n / t:,.0f} | {shown} |")
    print(f"| generate + appraise (batch path), end to end | {(t_gen + t_bare_gen) / n * 1e6:,.1f} "
          f"| {n / (t_gen + t_bare_gen):,.0f} | – |")  # fmt: skip
    print(
        f"\nBars (distinct data): batch path ≤ 1.20× hand-written: **{t_bare / t_hand:.2f}×**; "
        f"from JSON ≤ 2× from built models: **{t_json / t_bare:.2f}×**."
    )

    sample = plans[:5000]
    profile(lambda: drain(appraise_many(sample, book, trace=False)),
            "`appraise_many(trace=False)` on distinct data", len(sample))  # fmt: skip
    slowest = max(range(1, 4), key=lambda i: times[i])
    if slowest != 1:
        label, _fn = cases[slowest]
        if slowest == 3:
            sample_texts = texts[:5000]
            run = from_json(sample_texts)
        else:
            run = lambda: drain(appraise_many(sample, book))  # noqa: E731
        profile(run, f"the slowest case ({label}), distinct data", len(sample))
    if args.one_core:
        return 0

    cores = os.cpu_count() or 1
    parts = workforce_partitions(args.parallel, cores * 4)
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_part, [(0, 1000, 99)] * cores))  # warm the workers (imports, rulebook)
        t = time.perf_counter()
        done = sum(pool.map(_part, [(a, b, 1) for a, b in parts]))
        wall = time.perf_counter() - t
    national = wall / done * NATIONAL_WORKFORCE
    print(f"\n## All {cores} cores: generate + score + per-unit distribution checks\n")
    print(
        f"{done:,} employees in {wall:.1f} s on {cores} processes = {done / wall:,.0f}/s; "
        f"extrapolated to {NATIONAL_WORKFORCE:,} ASN: **{national:,.0f} s** "
        f"({national / 60:.1f} min; aim < 60 s → {national / 60:.1f}× the aim)"
    )

    t = time.perf_counter()
    bad = 0
    fast = appraise_many(generate_plans(args.identity, seed=2, fault_rate=0.002), book)
    bare = appraise_many(generate_plans(args.identity, seed=2, fault_rate=0.002), book, trace=False)
    recs = generate_records(args.identity, seed=2, fault_rate=0.002)
    statuses: dict[str, int] = {}
    bad_bare = 0
    for record, result, result_bare in zip(recs, fast, bare, strict=True):
        statuses[result.status] = statuses.get(result.status, 0) + 1
        reference = appraise_reference(record, book)
        bad += reference != result
        bad_bare += reference.model_copy(update={"trace": ()}) != result_bare
    print(
        f"\n## Fast path vs reference path\n\n{args.identity:,} employees "
        f"({', '.join(f'{k} {v:,}' for k, v in sorted(statuses.items()))}): "
        f"{bad} differences with the trace, {bad_bare} on the batch path (trace=False) "
        f"({time.perf_counter() - t:.0f} s)"
    )

    print("\n## Start-up\n")
    start = min(fresh("pass") for _ in range(3))
    imp = min(fresh("import kinerja_engine") for _ in range(3))
    print(
        f"import kinerja_engine: {(imp - start) * 1000:.0f} ms (fresh interpreter, minus start-up)"
    )
    parser._lark.cache_clear()
    t = time.perf_counter()
    parser._lark()
    print(f"parser build (Lark LALR): {(time.perf_counter() - t) * 1000:.1f} ms\n")
    print("| bundled rulebook | lines | parse + check + compile (ms) |")
    print("|---|---:|---:|")
    for name in rulebooks.names():
        text = rulebooks.source(name)
        t_book = best(lambda text=text: rulebooks.load(text), 5)  # type: ignore[misc]
        print(f"| {name} | {len(text.splitlines())} | {t_book * 1000:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
