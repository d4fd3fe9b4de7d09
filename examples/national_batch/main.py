"""Score a synthetic national workforce: in a stream, then (if installed) on Dask.

What it shows:

* ``kinerja_engine.batch.synthetic.generate_plans``: a seeded synthetic workforce of civil
  servants in units of three sectors (schools, kecamatan offices, puskesmas), made lazily;
* ``kinerja_engine.batch.score_batch``: the plans scored one at a time under the bundled
  ``gajahmungkur`` rulebook, memory flat, each unit checked against the SE MenPANRB 3/2023
  distribution curve as soon as it is complete; only a summary is kept;
* ``kinerja_engine.batch.score_workforce_dask``: the same workforce scored in partitions on
  Dask (the ``dask`` extra), each worker generating and scoring its own share; the merged
  summary equals the stream's, which the script checks;
* the throughput of each run (wall-clock, so it varies from machine to machine and run to
  run) and the per-unit distribution summary: predikat counts, units checked, which rules of
  the curve units break most often.

Run from the repository root, after ``pip install -e .`` (``pip install -e ".[dask]"`` for
the Dask part)::

    python examples/national_batch/main.py --count 20000
    python examples/national_batch/main.py --count 20000 --no-dask
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Callable
from fractions import Fraction

from kinerja_engine.batch import (
    BatchSummary,
    load_rulebook,
    score_batch,
    score_workforce_dask,
    workforce_partitions,
)
from kinerja_engine.batch.synthetic import generate_plans, unit_predikat
from kinerja_engine.formatting import format_number

RULEBOOK = "gajahmungkur"


def score_stream(count: int, seed: int) -> BatchSummary:
    """The workforce scored in one process, as a stream."""
    book = load_rulebook(RULEBOOK)
    return score_batch(generate_plans(count, seed=seed), book, unit_predikat=unit_predikat)


def score_dask(count: int, seed: int, partitions: int) -> BatchSummary:
    """The same workforce scored on Dask, ``partitions`` shares generated on the workers."""
    return score_workforce_dask(count, seed=seed, rulebook=RULEBOOK, partitions=partitions)


def timed(label: str, count: int, run: Callable[[], BatchSummary]) -> BatchSummary:
    """Run ``run()`` and print its throughput (appraisals per second, wall-clock)."""
    began = time.perf_counter_ns()
    summary = run()
    elapsed = Fraction(max(time.perf_counter_ns() - began, 1), 10**9)  # seconds, exact
    seconds = format_number(elapsed, "en", 2, fixed=True)
    rate = format_number(count / elapsed, "en", 0)
    print(f"{label}: {summary.count} appraisals in {seconds} s ({rate} per second)")
    return summary


def report(summary: BatchSummary) -> None:
    """Print the summary: statuses, predikat and the per-unit distribution checks."""
    print(f"\nAppraisals: {summary.count}")
    print("  by status: " + ", ".join(f"{name} {n}" for name, n in summary.status))
    print("  by predikat: " + ", ".join(f"{name} {n}" for name, n in summary.predikat))
    if summary.first_errors:
        plan_id, error = summary.first_errors[0]
        print(f"  {summary.errors} error result(s); the first, {plan_id}: {error}")
    print(f"\nDistribution curve (SE MenPANRB 3/2023): {summary.units} units checked, "
          f"{summary.units_violating} break at least one rule")  # fmt: skip
    for rule, units in summary.violation_counts().items():
        print(f"  {units} unit(s): {rule}")
    by_predikat: dict[str, tuple[int, int]] = {}
    for unit in summary.unit_reports:
        total, failing = by_predikat.get(unit.unit_predikat, (0, 0))
        by_predikat[unit.unit_predikat] = (total + 1, failing + (not unit.ok))
    print("  by the unit's own predikat (units, of which breaking the curve):")
    for name, (total, failing) in sorted(by_predikat.items()):
        print(f"    {name}: {total}, {failing}")
    if summary.unit_reports:
        first = summary.unit_reports[0]
        counts = ", ".join(f"{name} {n}" for name, n in first.counts)
        verdict = "meets the curve" if first.ok else "breaks: " + "; ".join(first.violations)
        print(f"  first unit {first.unit} ({first.unit_predikat}, {first.total} employees: "
              f"{counts}): {verdict}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Score ``--count`` synthetic employees in a stream and on Dask; print the summaries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="employees (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="workforce seed (default 0)")
    parser.add_argument("--partitions", type=int, default=2, help="Dask partitions (default 2)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask run")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be at least 0")

    print(f"Synthetic workforce: {args.count} employees, seed {args.seed}, "
          f"rulebook {RULEBOOK}\n")  # fmt: skip
    load_rulebook(RULEBOOK)  # built once before timing: start-up is not throughput
    stream = timed("stream (one process)", args.count,
                   lambda: score_stream(args.count, args.seed))  # fmt: skip
    if args.no_dask:
        print("Dask: skipped (--no-dask)")
    elif importlib.util.find_spec("dask") is None:
        print('Dask: not installed (pip install "kinerja_engine[dask]")')
    else:
        parts = len(workforce_partitions(args.count, args.partitions))
        on_dask = timed(f"Dask ({parts} partition(s) of whole units)", args.count,
                        lambda: score_dask(args.count, args.seed, args.partitions))  # fmt: skip
        print(f"Dask summary equals the stream's: {on_dask == stream}")
        if on_dask != stream:
            return 1
    report(stream)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
