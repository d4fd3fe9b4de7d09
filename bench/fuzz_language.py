"""Fuzz the rules language: feed N generated inputs through parse, check and evaluate.

Usage::

    python bench/fuzz_language.py --count 100000 [--seed N] [--workers W] [--state DIR]

The count is cut into shards of ``--shard-size`` inputs (10,000 by default), each one
Hypothesis run in a fresh process (Hypothesis' own memory grows with every example, and a full
garbage collection over it took up to 15 s in a 1,000,000 run), shard i with seed
``N * 100000 + i`` (a single shard keeps the seed as given); ``--workers W`` runs W shards at a
time, and the tallies are added up. With ``--state DIR`` each finished shard is kept in DIR, and
the same command started again skips them: a run cut off goes on where it stopped. After each
shard the running total (inputs, escapes, internal errors, slow inputs, max time) goes to
stderr, so a run that is cut off still says how far it got and what it found.

Inputs come from the strategies of :mod:`kinerja_engine.testing`, driven by one Hypothesis
``@given`` function run with ``max_examples=N`` (no database, no deadline, no shrinking) that
never fails: every outcome is recorded instead. The mix is formula texts (valid, token soups,
mutated), arbitrary unicode, rulebook texts, formula ASTs and well-typed numeric formulas that
are evaluated with exact random inputs, also as ``Fraction`` inputs (some far over the size
limit) and as texts written with locale habits (non-ASCII digits, decimal commas, a byte-order
mark, ``\r``); rulebooks with call fan-out (definitions calling the previous one several times,
with and without ``let``, with constants at the end) and large matrix tables (complete,
incomplete, with wildcards and duplicated rows). Every rulebook text that is accepted is also
handed to the scoring pipeline with a generated plan (``appraise``, and ``appraise_many`` on
the plan as a model and as raw data, which must never raise).

Printed: inputs tried, exceptions that are not KinerjaError (must be 0), internal errors (a
bare KinerjaError wrapping another exception: a bug reported politely), the maximum and 99th
percentile CPU time per input, the inputs over 1 s (CPU time of the process, so that other
processes on a shared machine do not count; timed with the garbage collector off; an input over
1 s is run again, and only one over 1 s both times counts; one fast the second time is listed as
a pause) and the longest wall time of a call. Exit status 1 if any input escaped with a
non-KinerjaError or took over 1 s twice.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

try:
    import kinerja_engine
except ImportError:  # run from a checkout without installing: use ../src
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import kinerja_engine

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from kinerja_engine import Formula, KinerjaError, Rulebook
from kinerja_engine.batch.synthetic import generate_plans
from kinerja_engine.language.printer import print_expr
from kinerja_engine.models import Plan
from kinerja_engine.scoring import appraise, appraise_many
from kinerja_engine.testing import (
    decimals_for_inputs,
    formula_asts,
    formula_texts,
    numeric_formulas,
    rulebook_texts,
)

BUDGET = 1.0
NAMES = ("x", "y", "z")
# A realistic plan (5 indicators of several kinds), as a model and as raw data.
PLAN = next(generate_plans(1, seed=7))
PLAN_DATA = PLAN.model_dump(mode="json")


class Tally:
    """Outcomes and timings of every input."""

    def __init__(self) -> None:
        self.tried = 0
        self.times: list[float] = []
        self.outcomes: Counter[str] = Counter()
        self.escaped: list[tuple[str, str]] = []  # non-KinerjaError: (input, exception)
        self.internal: Counter[str] = Counter()  # bare KinerjaError wrapping a Python error
        self.internal_examples: dict[str, str] = {}
        self.slow: list[tuple[float, str]] = []  # over budget twice: (seconds, input)
        self.paused: list[tuple[float, float, str]] = []  # over budget once: (first, again, input)
        self.wall = 0.0  # the longest wall time of a call, for the report only

    def run(self, label: str, shown: str, action: Callable[[], Any]) -> Any:
        result = None
        # The collector is off while an input is timed: a full collection walks the whole heap,
        # most of it Hypothesis' own data after hundreds of thousands of examples (several GB),
        # and took up to 15 s in the 1,000,000 run; it runs between inputs instead.
        gc.disable()
        start, wall_start = time.process_time(), time.perf_counter()
        try:
            result = action()
            self.outcomes[f"{label}: ok"] += 1
        except KinerjaError as exc:
            if type(exc) is KinerjaError and exc.__cause__ is not None:
                key = f"{type(exc.__cause__).__name__}: {str(exc.__cause__)[:60]}"
                self.internal[key] += 1
                self.internal_examples.setdefault(key, shown[:200])
            self.outcomes[f"{label}: {type(exc).__name__}"] += 1
        except Exception as exc:  # the whole point: nothing but KinerjaError may escape
            self.escaped.append((shown[:200], f"{type(exc).__name__}: {exc}"[:200]))
            self.outcomes[f"{label}: ESCAPED {type(exc).__name__}"] += 1
        # The budget is CPU time, the work the input costs this process: on a shared 2-core
        # machine wall time also counts the time other processes held the cores (a 50 KB
        # matrix rulebook parsed in 0.3 s idle took 1.5 s of wall time at load 6).
        elapsed = time.process_time() - start
        self.wall = max(self.wall, time.perf_counter() - wall_start)
        gc.enable()
        self.times.append(elapsed)
        if elapsed > BUDGET:
            # Run it again: a pause of the machine (another process) does not repeat, a slow
            # input does. Both times are reported, with the whole input; only an input over
            # the budget both times is a slow input.
            gc.disable()
            again = time.process_time()
            with contextlib.suppress(Exception):  # the outcome is already recorded above
                action()
            retry = time.process_time() - again
            gc.enable()
            if retry > BUDGET:
                self.slow.append((elapsed, f"(again: {retry:.2f} s) {shown[:2000]}"))
                # At once, too: a run that is cut off still names its slow inputs.
                print(f"SLOW {label} {elapsed:.2f} s, again {retry:.2f} s: {shown[:2000]!r}",
                      file=sys.stderr, flush=True)  # fmt: skip
            else:
                self.paused.append((elapsed, retry, shown[:2000]))
        return result

    def progress(self) -> str:
        """One line: how far this tally got and what it found so far."""
        return (
            f"{self.tried:,} inputs, {len(self.escaped)} non-KinerjaError, "
            f"{sum(self.internal.values())} internal, {len(self.slow)} over {BUDGET:.0f} s "
            f"twice, max {max(self.times, default=0.0) * 1000:.0f} ms CPU "
            f"({self.wall * 1000:.0f} ms wall)"
        )

    def add(self, other: Tally) -> None:
        """Add another worker's tally to this one."""
        self.tried += other.tried
        self.times += other.times
        self.outcomes += other.outcomes
        self.escaped += other.escaped
        self.internal += other.internal
        for key, shown in other.internal_examples.items():
            self.internal_examples.setdefault(key, shown)
        self.slow += other.slow
        self.paused += other.paused
        self.wall = max(self.wall, other.wall)

    def report(self, wall: float) -> None:
        ordered = sorted(self.times)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
        print(f"inputs tried:                 {self.tried:,} ({len(self.times):,} calls)")
        print(f"non-KinerjaError exceptions:  {len(self.escaped)}")
        print(f"internal errors (wrapped):    {sum(self.internal.values())}")
        print(f"max CPU time per call:        {max(ordered, default=0.0) * 1000:.1f} ms")
        print(f"p99 CPU time per call:        {p99 * 1000:.2f} ms")
        print(f"max wall time per call:       {self.wall * 1000:.1f} ms")
        print(f"inputs over {BUDGET:.0f} s (twice):      {len(self.slow)}")
        print(f"pauses (over {BUDGET:.0f} s once only):  {len(self.paused)}")
        print(f"wall time:                    {wall:.0f} s")
        print("outcomes:")
        for key, count in sorted(self.outcomes.items()):
            print(f"  {key:40s} {count:,}")
        for shown, error in self.escaped[:10]:
            print(f"ESCAPED {error}\n  input: {shown!r}")
        for key, count in self.internal.most_common(10):
            print(f"INTERNAL x{count} {key}\n  e.g. {self.internal_examples[key]!r}")
        for elapsed, shown in sorted(self.slow, reverse=True)[:10]:
            print(f"SLOW {elapsed:.2f} s: {shown!r}")
        for elapsed, retry, shown in sorted(self.paused, reverse=True)[:10]:
            print(f"PAUSE {elapsed:.2f} s, again {retry:.3f} s: {shown[:300]!r}")


@st.composite
def fan_out_rulebooks(draw: st.DrawFn) -> tuple[str, str]:
    """A chain of definitions each calling the previous one ``fan`` times; returns (text, top)."""
    levels = draw(st.integers(1, 60))
    fan = draw(st.integers(1, 4))
    use_let = draw(st.booleans())
    lines = ['rulebook "fan"', "def f0(x) = x + 1"]
    for i in range(1, levels + 1):
        if use_let:
            body = f"let a = f{i - 1}(x) in " + " + ".join(["a"] * fan)
        else:
            body = " + ".join([f"f{i - 1}(x)"] * fan)
        lines.append(f"def f{i}(x) = {body}")
    for j in range(draw(st.integers(0, 3))):
        lines.append(f"const c{j} = f{levels}({j})")
    return "\n".join(lines), f"f{levels}"


@st.composite
def matrix_rulebooks(draw: st.DrawFn) -> tuple[str, str]:
    """A matrix over one or two enums of up to 60 members; returns (text, a key to look up)."""
    size = draw(st.integers(1, 60))
    two = draw(st.booleans())
    members = ", ".join(f"m{i}" for i in range(size))
    keys = (
        [(i, j) for i in range(size) for j in range(size)]
        if two
        else [(i, -1) for i in range(size)]
    )
    style = draw(st.sampled_from(["complete", "missing", "wildcards", "duplicates"]))
    if style == "missing" and keys:
        keys = keys[: draw(st.integers(0, len(keys) - 1))]
    rows = [(f"m{i}, m{j}" if two else f"m{i}") + f" -> {n}" for n, (i, j) in enumerate(keys)]
    if style == "wildcards":
        rows.extend(("_, _" if two else "_") + f" -> {n}" for n in range(draw(st.integers(1, 50))))
    elif style == "duplicates":
        rows.extend(rows[: draw(st.integers(1, max(1, len(rows))))])
    params = "a: e, b: e" if two else "a: e"
    text = f'rulebook "m"\nenum e {{ {members} }}\nmatrix t({params}) {{ {", ".join(rows)} }}'
    return text, f"m{size - 1}"


def fractions_for_inputs() -> st.SearchStrategy[Fraction]:
    small = st.builds(Fraction, st.integers(-(10**6), 10**6), st.integers(1, 10**6))
    # Over the size limit (refused without arithmetic), built once: 2**20000 has 6,000 digits.
    huge = st.sampled_from(
        [Fraction(1, 2**20_000), Fraction(3**300, 7), Fraction(-(10**61), 3), Fraction(1, 10**60)]
    )
    return st.one_of(small, small, huge)


LOCALE_TEXTS = st.one_of(
    st.sampled_from(
        [
            "١٢٣",
            "１００",
            "1,5",
            "1 000",
            "1\u00a0000",
            "٣٫٥",
            "\ufeff12",
            "12\r",
            "1e3",
            "0x10",
            "Infinity",
            "-0",
            "+.5",
            "5.",
            "１.５",
            "๑๒",
            "²",
            "⅕",
            "12\u200b",
        ]
    ),
    st.text(alphabet="0123456789.,-+ ١٢３\u00a0\ufeff\r", max_size=20),
)


def fuzz(count: int, seed_value: int) -> Tally:
    tally = Tally()
    values = st.fixed_dictionaries({n: decimals_for_inputs() for n in NAMES})
    junk = st.one_of(
        st.text(max_size=300),
        st.binary(max_size=300).map(lambda b: b.decode("utf-8", errors="replace")),
    )
    case = st.one_of(
        st.tuples(st.just("formula text"), formula_texts()),
        st.tuples(st.just("unicode"), junk),
        st.tuples(st.just("rulebook text"), rulebook_texts()),
        st.tuples(st.just("formula ast"), formula_asts().map(print_expr)),
        st.tuples(st.just("numeric ast"), numeric_formulas(NAMES).map(print_expr)),
        st.tuples(st.just("fraction input"), numeric_formulas(NAMES).map(print_expr)),
        st.tuples(st.just("locale input"), numeric_formulas(NAMES).map(print_expr)),
        st.tuples(st.just("fan-out"), fan_out_rulebooks()),
        st.tuples(st.just("matrix"), matrix_rulebooks()),
        st.tuples(st.just("bom/cr text"), formula_texts().map(lambda t: "\ufeff" + t + "\r")),
    )
    fractions = st.fixed_dictionaries({n: fractions_for_inputs() for n in NAMES})
    locales = st.fixed_dictionaries(dict.fromkeys(NAMES, LOCALE_TEXTS))

    @seed(seed_value)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case, values, fractions, locales)
    def one(
        item: tuple[str, Any],
        bindings: dict[str, Decimal],
        exact: dict[str, Fraction],
        written: dict[str, str],
    ) -> None:
        kind, text = item
        tally.tried += 1
        if kind in ("fan-out", "matrix"):
            source, top = text
            book = tally.run(f"{kind} parse", source, lambda: Rulebook.parse(source))
            if isinstance(book, Rulebook):
                if kind == "fan-out":
                    tally.run(f"{kind} evaluate", source, lambda: book.evaluate(top, x=1))
                else:
                    keys = dict.fromkeys(book.signature("t"), top)
                    tally.run(f"{kind} evaluate", source, lambda: book.evaluate("t", **keys))
            return
        if kind == "fraction input":
            bindings = exact  # type: ignore[assignment]
        elif kind == "locale input":
            bindings = written  # type: ignore[assignment]
        if kind == "rulebook text":
            book = tally.run("rulebook parse", text, lambda: Rulebook.parse(text))
            if isinstance(book, Rulebook):
                # Any accepted rulebook may be handed to the pipeline: it must score the plan
                # or refuse it with a KinerjaError, and a batch must never stop.
                tally.run("rulebook appraise", text, lambda: appraise(PLAN, book))
                batch: list[Plan | dict[str, Any]] = [PLAN, PLAN_DATA]
                tally.run("rulebook appraise_many", text, lambda: list(appraise_many(batch, book)))
            return
        formula = tally.run(f"{kind} parse", text, lambda: Formula.parse(text))
        if not isinstance(formula, Formula):
            return
        if any(t != "number" for t in formula.inputs.values()):
            return
        given_values: dict[str, Any] = {n: bindings.get(n, Decimal(1)) for n in formula.names}
        tally.run(f"{kind} evaluate", text, lambda: formula.evaluate(**given_values))
        if tally.tried % 10_000 == 0:
            print(f"... {tally.progress()}", file=sys.stderr, flush=True)

    one()
    return tally


def shard_seed(seed_value: int, shard: int, shards: int) -> int:
    """The Hypothesis seed of one shard: the seed as given when there is one shard only."""
    return seed_value if shards == 1 else seed_value * 100_000 + shard


def run_shard(job: tuple[int, int, int]) -> tuple[int, Tally]:
    """Fuzz one shard (run in a fresh worker process, so Hypothesis' memory stays small)."""
    shard, count, seed_value = job
    return shard, fuzz(count, seed_value)


def tally_to_json(tally: Tally) -> dict[str, Any]:
    """A tally as JSON data (a shard's state file)."""
    return {**vars(tally), "outcomes": dict(tally.outcomes), "internal": dict(tally.internal)}


def tally_from_json(data: dict[str, Any]) -> Tally:
    """The tally a state file holds."""
    tally = Tally()
    tally.tried, tally.times, tally.wall = data["tried"], data["times"], data["wall"]
    tally.outcomes, tally.internal = Counter(data["outcomes"]), Counter(data["internal"])
    tally.internal_examples = data["internal_examples"]
    tally.escaped = [tuple(e) for e in data["escaped"]]  # type: ignore[misc]
    tally.slow = [tuple(e) for e in data["slow"]]  # type: ignore[misc]
    tally.paused = [tuple(e) for e in data["paused"]]  # type: ignore[misc]
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="how many inputs to try")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed (reproducible)")
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the shards")
    parser.add_argument(
        "--shard-size",
        type=int,
        default=10_000,
        help="inputs per shard (one Hypothesis run in a fresh process)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="folder keeping each finished shard: a run started again with the "
        "same folder, count, seed and shard size skips the shards it holds",
    )
    args = parser.parse_args(argv)  # fmt: skip
    size = max(1, args.shard_size)
    shards = max(1, -(-args.count // size))
    jobs = [(i, min(size, args.count - i * size), shard_seed(args.seed, i, shards))
            for i in range(shards)]  # fmt: skip
    print(f"kinerja_engine {kinerja_engine.__version__}: fuzzing {args.count:,} inputs, "
          f"seed {args.seed}, {shards} shard(s) of up to {size:,}")  # fmt: skip
    header = {"count": args.count, "seed": args.seed, "shard_size": size}
    tally, done = Tally(), 0
    if args.state is not None:
        args.state.mkdir(parents=True, exist_ok=True)
        for path in sorted(args.state.glob("shard-*.json")):
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved["header"] == header:
                tally.add(tally_from_json(saved["tally"]))
                jobs = [job for job in jobs if job[0] != saved["shard"]]
                done += 1
        if done:
            print(f"resumed: {done} shard(s) already done in {args.state}: {tally.progress()}")

    def finished(shard: int, part: Tally) -> None:
        nonlocal done
        tally.add(part)
        done += 1
        if args.state is not None:
            data = {"header": header, "shard": shard, "tally": tally_to_json(part)}
            path = args.state / f"shard-{shard:05d}.json"
            path.with_suffix(".tmp").write_text(json.dumps(data), encoding="utf-8")
            path.with_suffix(".tmp").replace(path)  # whole or absent, if the run is cut off
        print(f"... shard {shard} done ({done}/{shards}): {tally.progress()}",
              file=sys.stderr, flush=True)  # fmt: skip

    start = time.perf_counter()
    if args.workers <= 1:
        for job in jobs:
            finished(*run_shard(job))
    else:
        context = multiprocessing.get_context("fork")
        with context.Pool(args.workers, maxtasksperchild=1) as pool:
            for shard, part in pool.imap_unordered(run_shard, jobs):
                finished(shard, part)
    tally.report(time.perf_counter() - start)
    return 1 if tally.escaped or tally.slow else 0


if __name__ == "__main__":
    sys.exit(main())
