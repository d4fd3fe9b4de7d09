"""Side-by-side benchmark of kinerja_engine formulas (design.md §7).

Run from a checkout or after ``pip install -e ".[test,bench]"``::

    python bench/formula_bench.py            # full run, about a minute
    python bench/formula_bench.py --quick    # fewer repeats, for a smoke test
    python bench/formula_bench.py --formulas-only   # section 1 (and its profile) only

It prints, in one run:

1. per-evaluation time of representative formulas: kinerja ``evaluate(**kw)`` (the API, with
   input conversion and result normalisation), kinerja ``function(*decimals)`` (the raw compiled
   function), a hand-written Python function doing the same Decimal arithmetic with operators
   (default context: the fastest thing a programmer would write, but it rounds silently), the
   same hand-written function on the exact trapping context ``FAST`` (the same *exact*
   arithmetic kinerja does), and simpleeval / rule-engine when installed (the ``bench`` extra);
   all results are compared before anything is timed;
   the first four cases are the formulas of issue 18's table (ratios against the hand-written
   plain-Decimal function, design.md §7: ``evaluate`` ≤ 2×, ``function`` ≤ 1.2×), also timed
   against their exact floor (``exact_floor.py``: the cheapest exact hand-written function and
   evaluate), with a line per formula saying which bars are met and which are below the floor;
2. parse, check and compile time of each formula, of ``bench/data/rulebook_72defs.kinerja``,
   of every bundled rulebook (loaded with the rulebooks it extends) and of generated
   10/50/200/1,000-definition rulebooks next to Lark alone on the same text (lexing only,
   parsing without and with ``propagate_positions``); the 1,000-definition text is above
   ``MAX_RULEBOOK_LENGTH``, which this script (only) raises;
3. the import time of the package and of the first parse, measured in fresh interpreters;
4. the profile (``cProfile``, top functions by own time) of the slowest case of 1 and of 2.

Times are the minimum over several ``timeit`` repeats (the least disturbed run).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import Any

try:
    import kinerja_engine
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import kinerja_engine

from lark import Lark

from kinerja_engine import Formula, Rulebook, rulebooks
from kinerja_engine.language import parser
from kinerja_engine.language.builtins import FAST
from kinerja_engine.language.checker import check_formula, check_rulebook
from kinerja_engine.language.compiler import compile_formula, compile_rulebook
from kinerja_engine.language.parser import parse_formula, parse_rulebook

try:
    import exact_floor
except ImportError:  # imported as a module (bench.formula_bench), not run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import exact_floor

try:
    import simpleeval
except ImportError:  # optional: pip install -e ".[bench]"
    simpleeval = None
try:
    import rule_engine
except ImportError:  # optional: pip install -e ".[bench]"
    rule_engine = None

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
RULEBOOK_72 = HERE / "data" / "rulebook_72defs.kinerja"
D = Decimal

# --------------------------------------------------------------------------- the cases

# Constants of the hand-written functions, built once (as a programmer would).
K0, K2, K100, K1_2 = D(0), D(2), D(100), D("1.2")
K176, K24, K76 = D("1.76"), D(24), D(76)
W1, W2, W3 = D("0.50"), D("0.30"), D("0.20")
WT = W1 + W2 + W3
B91, B76, B61, B51 = D(91), D(76), D(61), D(51)

_div, _mul, _add, _sub = FAST.divide, FAST.multiply, FAST.add, FAST.subtract


def hand_cap(realisasi: Decimal, target: Decimal) -> Decimal:
    x = realisasi / target
    return (K1_2 if x > K1_2 else x) * K100


def exact_cap(realisasi: Decimal, target: Decimal) -> Decimal:
    x = _div(realisasi, target)
    return _mul(K1_2 if x > K1_2 else x, K100)


def hand_lower(realisasi: Decimal, target: Decimal) -> Decimal:
    return (K2 - realisasi / target) * K100


def exact_lower(realisasi: Decimal, target: Decimal) -> Decimal:
    return _mul(_sub(K2, _div(realisasi, target)), K100)


def hand_pp46(t: Decimal, r: Decimal) -> Decimal:
    if K100 - r / t * K100 <= K24:
        return (K176 * t - r) / t * K100
    return K76 - ((K176 * t - r) / t * K100 - K100)


def exact_pp46(t: Decimal, r: Decimal) -> Decimal:
    if _sub(K100, _mul(_div(r, t), K100)) <= K24:
        return _mul(_div(_sub(_mul(K176, t), r), t), K100)
    return _sub(K76, _sub(_mul(_div(_sub(_mul(K176, t), r), t), K100), K100))


def hand_wmean(a: Decimal, b: Decimal, c: Decimal) -> Decimal:
    return (a * W1 + b * W2 + c * W3) / WT


def exact_wmean(a: Decimal, b: Decimal, c: Decimal) -> Decimal:
    return _div(_add(_add(_mul(a, W1), _mul(b, W2)), _mul(c, W3)), WT)


def _labels() -> dict[str, Any]:
    book = rulebooks.load("pp-46-2011")
    return {m.name: m for m in book.enum("sebutan").members}


LABELS = _labels()
L_SB, L_B, L_C, L_K, L_BR = (LABELS[n] for n in ("sangat_baik", "baik", "cukup", "kurang", "buruk"))


def hand_band(nilai: Decimal) -> Any:
    if nilai >= B91:
        return L_SB
    if nilai >= B76:
        return L_B
    if nilai >= B61:
        return L_C
    if nilai >= B51:
        return L_K
    if nilai >= K0:
        return L_BR
    raise ValueError("nilai below 0")


def hand_guard(target: Decimal, realisasi: Decimal) -> Decimal:
    if target == K0:
        return K0
    x = realisasi / target
    return (K1_2 if x > K1_2 else x) * K100


def exact_guard(target: Decimal, realisasi: Decimal) -> Decimal:
    if target == K0:
        return K0
    x = _div(realisasi, target)
    return _mul(K1_2 if x > K1_2 else x, K100)


# The four formulas of issue 18's table, hand-written with plain Decimal operators.
W5 = (D(30), D(25), D(20), D(15), D(10))


# Written as the formulas read (``min`` for min), as issue 18 measured them.
def hand_min(r: Decimal, t: Decimal) -> Decimal:
    return min(r / t, K1_2) * K100


def hand_sum5(
    r1: Decimal,
    t1: Decimal,
    r2: Decimal,
    t2: Decimal,
    r3: Decimal,
    t3: Decimal,
    r4: Decimal,
    t4: Decimal,
    r5: Decimal,
    t5: Decimal,
) -> Decimal:
    return (
        min(r1 / t1, K1_2) * W5[0]
        + min(r2 / t2, K1_2) * W5[1]
        + min(r3 / t3, K1_2) * W5[2]
        + min(r4 / t4, K1_2) * W5[3]
        + min(r5 / t5, K1_2) * W5[4]
    )


def hand_guarded_lower(t: Decimal, r: Decimal) -> Decimal:
    if t == K0:
        return K0
    return (K2 - r / t) * K100


SUM5 = " + ".join(
    f"min(r{i} / t{i}, 1.2) * {w}" for i, w in enumerate(("30", "25", "20", "15", "10"), 1)
)
SUM5_INPUTS = {
    k: D(v)
    for i, (r, t) in enumerate(((95, 100), (88, 80), (40, 50), (12, 10), (7, 8)), 1)
    for k, v in ((f"r{i}", r), (f"t{i}", t))
}


@dataclass
class Case:
    """One representative formula and its equivalents in the other engines."""

    label: str
    text: str  # kinerja formula (or rulebook definition, if `definition` is set)
    inputs: dict[str, Decimal]  # in the order of the compiled function's parameters
    hand: Callable[..., Any]
    exact: Callable[..., Any] | None
    simpleeval: str | None = None  # evaluated on floats
    simpleeval_functions: dict[str, Callable[..., Any]] = field(default_factory=dict)
    rule_engine: str | None = None  # rule-engine computes on Decimal
    rulebook: str | None = None  # bundled rulebook providing the definition
    definition: str | None = None  # evaluate this rulebook definition instead of a formula
    floor: str | None = None  # key of its exact floor in exact_floor.BODIES


ISSUE_CASES = [
    Case(
        "issue: min(r/t, 1.2) * 100",
        "min(r / t, 1.2) * 100",
        {"r": D(95), "t": D(100)},
        hand_min,
        None,
        floor="min(r / t, 1.2) * 100",
    ),
    Case(
        "issue: 5-indicator weighted sum with caps",
        SUM5,
        SUM5_INPUTS,
        hand_sum5,
        None,
        floor="sum5",
    ),
    Case(
        "issue: same, one target 90 (repeating quotient)",
        SUM5,
        {**SUM5_INPUTS, "t1": D(90)},
        hand_sum5,
        None,
        floor="sum5",
    ),
    Case(
        "issue: lower-is-better with a zero guard",
        "if t == 0 then 0 else (2 - r / t) * 100",
        {"t": D(100), "r": D(90)},
        hand_guarded_lower,
        None,
        floor="if t == 0 then 0 else (2 - r / t) * 100",
    ),
]

CASES = [
    *ISSUE_CASES,
    Case(
        "capped ratio",
        "cap(realisasi / target, 120%) * 100",
        {"realisasi": D(95), "target": D(100)},
        hand_cap,
        exact_cap,
        "min(realisasi / target, 1.2) * 100",
        {"min": min},
        "(realisasi / target > 1.2 ? 1.2 : realisasi / target) * 100",
    ),
    Case(
        "lower is better",
        "(2 - realisasi / target) * 100",
        {"realisasi": D(90), "target": D(100)},
        hand_lower,
        exact_lower,
        "(2 - realisasi / target) * 100",
        {},
        "(2 - realisasi / target) * 100",
    ),
    Case(
        "PP 46 efficiency (2 branches)",
        "nilai_efisiensi(t, r)",
        {"t": D(5), "r": D(4)},
        hand_pp46,
        exact_pp46,
        "((1.76 * t - r) / t * 100) if 100 - r / t * 100 <= 24 "
        "else 76 - ((1.76 * t - r) / t * 100 - 100)",
        {},
        "100 - r / t * 100 <= 24 ? (1.76 * t - r) / t * 100 "
        ": 76 - ((1.76 * t - r) / t * 100 - 100)",
        rulebook="pp-46-2011",
        definition="nilai_efisiensi",
    ),
    Case(
        "weighted mean of 3",
        "weighted_mean([a, b, c], [50%, 30%, 20%])",
        {"a": D(100), "b": D(90), "c": D(80)},
        hand_wmean,
        exact_wmean,
        "(a * 0.5 + b * 0.3 + c * 0.2) / 1.0",
        {},
        "(a * 0.5 + b * 0.3 + c * 0.2) / 1.0",
    ),
    Case(
        "band lookup (PP 46 predikat)",
        "predikat(nilai)",
        {"nilai": D(80)},
        hand_band,
        None,  # comparisons only: no arithmetic, so no separate exact variant
        "'sangat_baik' if nilai >= 91 else 'baik' if nilai >= 76 else 'cukup' "
        "if nilai >= 61 else 'kurang' if nilai >= 51 else 'buruk'",
        {},
        "nilai >= 91 ? 'sangat_baik' : (nilai >= 76 ? 'baik' : (nilai >= 61 ? 'cukup' "
        ": (nilai >= 51 ? 'kurang' : 'buruk')))",
        rulebook="pp-46-2011",
        definition="predikat",
    ),
    Case(
        "if-guarded zero target (t=100)",
        "if target == 0 then 0 else cap(realisasi / target, 120%) * 100",
        {"target": D(100), "realisasi": D(130)},
        hand_guard,
        exact_guard,
        "0 if target == 0 else min(realisasi / target, 1.2) * 100",
        {"min": min},
        "target == 0 ? 0 : ((realisasi / target > 1.2 ? 1.2 : realisasi / target) * 100)",
    ),
    Case(
        "if-guarded zero target (t=0)",
        "if target == 0 then 0 else cap(realisasi / target, 120%) * 100",
        {"target": D(0), "realisasi": D(130)},
        hand_guard,
        exact_guard,
        "0 if target == 0 else min(realisasi / target, 1.2) * 100",
        {"min": min},
        "target == 0 ? 0 : ((realisasi / target > 1.2 ? 1.2 : realisasi / target) * 100)",
    ),
]

# --------------------------------------------------------------------------- timing


def best_ns(stmt: str, namespace: dict[str, Any], repeat: int, min_time: float) -> float:
    """Minimum time of one execution of ``stmt``, in nanoseconds."""
    timer = timeit.Timer(stmt, globals=namespace)
    number = 1
    while True:  # like Timer.autorange, but to a chosen duration per repeat
        elapsed = timer.timeit(number)
        if elapsed >= min_time:
            break
        number = max(number * 2, int(number * min_time / max(elapsed, 1e-9) * 1.1))
    times = [elapsed, *timer.repeat(repeat=repeat - 1, number=number)]
    return min(times) / number * 1e9


def best_interleaved(
    stmts: Sequence[str], namespace: dict[str, Any], repeat: int, min_time: float
) -> list[float]:
    """Minimum time of one execution of each of ``stmts`` (ns), measured in turns.

    Each round times every statement once, so all of them see the same load (the machine is
    shared); the minimum over rounds is kept for each. Compared side by side, the ratios are
    far steadier than those of statements timed one after the other.
    """
    timers = [timeit.Timer(stmt, globals=namespace) for stmt in stmts]
    return _in_turns(timers, repeat, min_time, 1e-9)


def _in_turns(
    timers: list[timeit.Timer], repeat: int, min_time: float, floor: float
) -> list[float]:
    """Each timer's loop count sized to ``min_time / 2`` (``floor``: the clock's resolution),
    then ``2 * repeat`` rounds timing every timer once; the minimum per timer, in ns."""
    numbers = []
    for timer in timers:
        number = 1
        while (elapsed := timer.timeit(number)) < min_time / 2:
            number = max(number * 2, int(number * min_time / 2 / max(elapsed, floor) * 1.1))
        numbers.append(number)
    best = [float("inf")] * len(timers)
    for _ in range(repeat * 2):
        for index, (timer, number) in enumerate(zip(timers, numbers, strict=True)):
            best[index] = min(best[index], timer.timeit(number) / number)
    return [b * 1e9 for b in best]


def best_in_short_turns(
    stmts: Sequence[str], namespace: dict[str, Any], rounds: int, chunk: float = 0.001
) -> list[float]:
    """Minimum time of one execution of each of ``stmts`` (ns), in many short turns.

    Like :func:`best_interleaved`, but each timing lasts about ``chunk`` seconds (a
    millisecond), far less than a scheduler's time slice: on a loaded machine a long timing is
    likely to include time the process spent descheduled, and that likelihood grows with the
    statement's cost, which biases ratios against the slower statement. With short turns the
    minimum over ``rounds`` finds undisturbed runs of each statement alike.
    """
    timers = [timeit.Timer(stmt, globals=namespace) for stmt in stmts]
    numbers = []
    for timer in timers:
        number = 1
        while min(timer.timeit(number) for _ in range(3)) < chunk:
            number *= 2
        numbers.append(number)
    best = [float("inf")] * len(timers)
    for _ in range(rounds):
        for index, (timer, number) in enumerate(zip(timers, numbers, strict=True)):
            best[index] = min(best[index], timer.timeit(number) / number)
    return [b * 1e9 for b in best]


def call_stmt(fn: str, count: int, kwargs: Sequence[str] = (), prefix: str = "") -> str:
    args = [*([prefix] if prefix else []), *(f"a{i}" for i in range(count))]
    if kwargs:
        args = [*([prefix] if prefix else []), *(f"{k}=a{i}" for i, k in enumerate(kwargs))]
    return f"{fn}({', '.join(args)})"


@dataclass
class Engines:
    """The callables of one case, each taking the case's inputs."""

    evaluate: Callable[..., Any]
    function: Callable[..., Any]
    simple: Callable[[], Any] | None
    simple_set: Callable[[Sequence[Any]], None] | None
    rule: Callable[[dict[str, Any]], Any] | None


def build(case: Case) -> Engines:
    names = list(case.inputs)
    if case.definition is not None:
        assert case.rulebook is not None
        book = rulebooks.load(case.rulebook)
        assert list(book.signature(case.definition)) == names
        evaluate = functools.partial(book.evaluate, case.definition)
        function = book.function(case.definition)
    else:
        formula = Formula.parse(case.text)
        assert list(formula.inputs) == names, (formula.inputs, names)
        evaluate = formula.evaluate
        function = formula.function
    simple = simple_set = None
    if simpleeval is not None and case.simpleeval is not None:
        evaluator = simpleeval.SimpleEval(functions=case.simpleeval_functions)
        parsed = evaluator.parse(case.simpleeval)
        text = case.simpleeval

        def simple() -> Any:
            return evaluator.eval(text, previously_parsed=parsed)

        def simple_set(values: Sequence[Any]) -> None:
            evaluator.names = {n: float(v) for n, v in zip(names, values, strict=True)}

    rule = None
    if rule_engine is not None and case.rule_engine is not None:
        rule = rule_engine.Rule(case.rule_engine).evaluate
    return Engines(evaluate, function, simple, simple_set, rule)


def same(a: Any, b: Any) -> bool:
    """Equal results across engines: labels compare by member name, floats approximately."""
    if hasattr(a, "enum") and hasattr(a, "name"):
        a = a.name
    if hasattr(b, "enum") and hasattr(b, "name"):
        b = b.name
    if isinstance(a, Fraction):  # the raw function keeps a repeating quotient exact
        a = D(a.numerator) / D(a.denominator)
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    if isinstance(a, Decimal) and isinstance(b, Decimal) and a != b:
        # A repeating quotient: the hand-written code rounds at 28 digits, kinerja at 34.
        return abs(a - b) <= D("1e-24") * max(D(1), abs(a))
    return bool(a == b)


@dataclass
class EvalRow:
    label: str
    evaluate: float
    function: float
    hand: float
    exact: float | None
    simple: float | None
    rule: float | None
    floor: float | None = None  # exact floor of function(*dec) (exact_floor.py)
    floor_evaluate: float | None = None  # exact floor of evaluate(**kw)
    floor_entry: float | None = None  # the same with evaluate's signature (*args, **extra)


def time_case(case: Case, repeat: int, min_time: float) -> EvalRow:
    engines = build(case)
    names = list(case.inputs)
    values = list(case.inputs.values())
    kw = dict(case.inputs)
    expected = case.hand(*values)
    results = {
        "evaluate": engines.evaluate(**kw),
        "function": engines.function(*values),
    }
    if case.exact is not None:
        results["hand exact"] = case.exact(*values)
    if engines.simple is not None and engines.simple_set is not None:
        engines.simple_set(values)
        results["simpleeval"] = engines.simple()
    if engines.rule is not None:
        results["rule-engine"] = engines.rule(kw)
    floor = floor_evaluate = floor_entry = None
    if case.floor is not None:
        floors = exact_floor.floors(case.floor, names, engines.evaluate)
        floor, floor_evaluate, floor_entry = floors.function, floors.evaluate, floors.entry
        results["exact floor"] = floor(*values)
        results["exact floor, evaluate"] = floor_evaluate(**kw)
        results["exact floor, evaluate with *args, **extra"] = floor_entry(**kw)
    for engine, value in results.items():
        if not same(value, expected):
            raise SystemExit(
                f"{case.label}: {engine} gave {value!r}, hand-written gave {expected!r}"
            )
    ns: dict[str, Any] = {f"a{i}": v for i, v in enumerate(values)}
    ns.update(
        evaluate=engines.evaluate,
        function=engines.function,
        hand=case.hand,
        exact=case.exact,
        simple=engines.simple,
        rule=engines.rule,
        thing=kw,
        floor=floor,
        floor_evaluate=floor_evaluate,
        floor_entry=floor_entry,
    )
    count = len(values)
    stmts = [
        call_stmt("evaluate", count, names),
        call_stmt("function", count),
        call_stmt("hand", count),
        *([call_stmt("exact", count)] if case.exact is not None else []),
        *(["simple()"] if engines.simple is not None else []),
        *(["rule(thing)"] if engines.rule is not None else []),
        *(
            [
                call_stmt("floor", count),
                call_stmt("floor_evaluate", count, names),
                call_stmt("floor_entry", count, names),
            ]
            if floor
            else []
        ),
    ]
    rounds = max(20, int(repeat * min_time * 300))  # --quick: 20 rounds; default: 210
    times = dict(zip(stmts, best_in_short_turns(stmts, ns, rounds), strict=True))
    return EvalRow(
        case.label,
        evaluate=times[stmts[0]],
        function=times[stmts[1]],
        hand=times[stmts[2]],
        exact=times.get(call_stmt("exact", count)),
        simple=times.get("simple()"),
        rule=times.get("rule(thing)"),
        floor=times.get(call_stmt("floor", count)),
        floor_evaluate=times.get(call_stmt("floor_evaluate", count, names)),
        floor_entry=times.get(call_stmt("floor_entry", count, names)),
    )


# --------------------------------------------------------------------------- output


def fmt_ns(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}"


def fmt_ratio(value: float | None, base: float | None) -> str:
    if value is None or base is None:
        return "–"
    return f"{value / base:.2f}×"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return (
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    sep = (
        "|"
        + "|".join(
            ("-" * (w + 2)) if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def machine() -> str:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for text in info:
                if text.startswith("model name"):
                    cpu = text.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor() or "unknown"
    versions = [f"kinerja_engine {kinerja_engine.__version__}"]
    for mod, name in ((simpleeval, "simpleeval"), (rule_engine, "rule-engine")):
        try:
            version = metadata.version(name) if mod is not None else "not installed"
        except metadata.PackageNotFoundError:
            version = "(version unknown)"
        versions.append(f"{name} {version}")
    return (
        f"machine: {os.cpu_count()} CPUs, {cpu}; {platform.system()} {platform.release()}\n"
        f"python: {platform.python_implementation()} {platform.python_version()}\n"
        f"versions: {', '.join(versions)}"
    )


# --------------------------------------------------------------------------- parse / import


def generated_rulebook(count: int) -> str:
    """A rulebook of ``count`` definitions of every kind, each using earlier ones (~70 B each)."""
    lines = [
        f'rulebook "generated-{count}" version "1"',
        'enum kategori { tinggi "Tinggi", sedang "Sedang", rendah "Rendah" }',
        "param p2 = 120%",
        "const c3 = 100",
        "def f4(r, t) = r / t",
    ]
    last = {"p": "p2", "c": "c3", "f": "f4"}
    for i in range(len(lines), count + 1):
        p, c, f = last["p"], last["c"], last["f"]
        kind = i % 6
        if kind == 0:
            lines.append(f"param p{i} = {i % 97 + 3}%")
            last["p"] = f"p{i}"
        elif kind == 1:
            lines.append(f"const c{i} = {p} * 100 + {i}")
            last["c"] = f"c{i}"
        elif kind == 2:
            lines.append(f"def f{i}(r, t) = if t == 0 then 0 else min(r / t, {p}) * {c}")
            last["f"] = f"f{i}"
        elif kind == 3:
            lines.append(
                f"def g{i}(a, b, c) = weighted_mean([a, b, c], [50%, 30%, 20%]) + {f}(a, b)"
            )
        elif kind == 4:
            lines.append(
                f"band b{i}(n in (-inf, inf)) {{ [{c}, inf) -> kategori.tinggi, "
                f"[{c} - {i}, {c}) -> kategori.sedang, (-inf, {c} - {i}) -> kategori.rendah }}"
            )
        else:
            lines.append(
                f"matrix m{i}(x: kategori, y: kategori) {{ tinggi, _ -> {i}, "
                f"sedang, _ -> {p}, rendah, _ -> 0 }}"
            )
    return "\n".join(lines) + "\n"


def definitions(text: str) -> int:
    return len(parse_rulebook(text).definitions)


def lark_alone(propagate_positions: bool) -> Lark:
    """The package's grammar in a Lark of our own: the floor of the parser we chose."""
    grammar = (SRC / "kinerja_engine" / "language" / "kinerja.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        start=["formula", "rulebook"],
        propagate_positions=propagate_positions,
        maybe_placeholders=True,
    )


def parse_rows(repeat: int, min_time: float) -> list[list[str]]:
    rows: list[list[str]] = []
    seen: set[str] = set()
    for case in CASES:
        if case.definition is not None or case.text in seen:
            continue
        seen.add(case.text)
        text = case.text
        expr = parse_formula(text)
        checked = check_formula(expr, text)
        ns = {
            "parse_formula": parse_formula,
            "check_formula": check_formula,
            "compile_formula": compile_formula,
            "Formula": Formula,
            "text": text,
            "expr": expr,
            "checked": checked,
        }
        rows.append(
            _stage_row(
                f"formula: {case.label}",
                [
                    best_ns("parse_formula(text)", ns, repeat, min_time),
                    best_ns("check_formula(expr, text)", ns, repeat, min_time),
                    best_ns("compile_formula(checked)", ns, repeat, min_time),
                    best_ns("Formula.parse(text)", ns, repeat, min_time),
                ],
                1e6,
            )
        )
    books = [(f"rulebook: {RULEBOOK_72.name}", RULEBOOK_72.read_text(encoding="utf-8"))]
    books += [(f"rulebook: {name} (bundled)", rulebooks.source(name)) for name in rulebooks.names()]
    for what, text in books:
        node = parse_rulebook(text)
        lines = text.count("\n") + 1
        label = f"{what}, {len(node.definitions)} definitions, {lines} lines"
        if node.header.extends:
            # Loaded with what it extends (the bases are built once per process and reused).
            ns = {"load": rulebooks.load, "text": text, "parse_rulebook": parse_rulebook}
            parse = best_ns("parse_rulebook(text)", ns, repeat, min_time)
            total = best_ns("load(text)", ns, repeat, min_time)
            rows.append(
                [
                    label + " (extends: rulebooks.load)",
                    f"{parse / 1e6:.3f}",
                    "–",
                    "–",
                    f"{total / 1e6:.3f}",
                ]
            )
            continue
        checked_book = check_rulebook(node, text)
        ns = {
            "parse_rulebook": parse_rulebook,
            "check_rulebook": check_rulebook,
            "compile_rulebook": compile_rulebook,
            "Rulebook": Rulebook,
            "text": text,
            "node": node,
            "checked": checked_book,
        }
        rows.append(
            _stage_row(
                label,
                [
                    best_ns("parse_rulebook(text)", ns, repeat, min_time),
                    best_ns("check_rulebook(node, text)", ns, repeat, min_time),
                    best_ns("compile_rulebook(checked)", ns, repeat, min_time),
                    best_ns("Rulebook.parse(text)", ns, repeat, min_time),
                ],
                1e6,
            )
        )
    return rows


@dataclass
class ParseRow:
    count: int
    size: int
    lex: float
    bare: float
    positions: float
    parse: float
    check: float
    compile: float
    total: float


GENERATED_COUNTS = (10, 50, 200, 1000)


def best_cpu_interleaved(
    stmts: Sequence[str], namespace: dict[str, Any], repeat: int, min_time: float
) -> list[float]:
    """Like :func:`best_interleaved` (ns, in turns, minimum kept), timed on this process's CPU
    time (``time.process_time``): time spent waiting for a core of a shared machine is not
    counted, so statements of tens of milliseconds compare as on an idle machine."""
    timers = [timeit.Timer(stmt, timer=time.process_time, globals=namespace) for stmt in stmts]
    return _in_turns(timers, repeat, min_time, 1e-6)


def generated_rows(repeat: int, min_time: float) -> list[ParseRow]:
    """Lark alone against each phase and ``Rulebook.parse`` on the generated rulebooks."""
    bare, positioned = lark_alone(False), lark_alone(True)
    # Lark.lex builds a new lexer on each call unless the object has one: give it one.
    bare.lexer = bare._build_lexer()
    limit = parser.MAX_RULEBOOK_LENGTH
    parser.MAX_RULEBOOK_LENGTH = 1_000_000  # this benchmark only: the 1,000-definition text
    try:
        rows = []
        for count in GENERATED_COUNTS:
            text = generated_rulebook(count)
            assert definitions(text) == count, (definitions(text), count)
            node = parse_rulebook(text)
            checked_book = check_rulebook(node, text)
            ns = {
                "bare": bare,
                "positioned": positioned,
                "parse_rulebook": parse_rulebook,
                "check_rulebook": check_rulebook,
                "compile_rulebook": compile_rulebook,
                "Rulebook": Rulebook,
                "text": text,
                "node": node,
                "checked": checked_book,
            }
            # Fewer repeats for the large texts: each run is tens of milliseconds already.
            rep = max(3, repeat // 2) if count >= 200 else repeat
            stmts = [
                "list(bare.lex(text))",
                "bare.parse(text, start='rulebook')",
                "positioned.parse(text, start='rulebook')",
                "parse_rulebook(text)",
                "check_rulebook(node, text)",
                "compile_rulebook(checked)",
                "Rulebook.parse(text)",
            ]
            ms = [t / 1e6 for t in best_cpu_interleaved(stmts, ns, rep, min_time)]
            rows.append(ParseRow(count, len(text), *ms))
        return rows
    finally:
        parser.MAX_RULEBOOK_LENGTH = limit


def profile(stmt: str, namespace: dict[str, Any], runs: int, top: int = 14) -> str:
    """``cProfile`` of ``runs`` executions of ``stmt``: the functions with the most own time."""
    code = compile(f"for _ in range({runs}):\n    {stmt}", "<bench>", "exec")
    profiler = cProfile.Profile()
    profiler.enable()
    exec(code, namespace)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    start = text.find("   ncalls")
    return text[start:].rstrip() if start >= 0 else text.rstrip()


def _stage_row(label: str, values_ns: Sequence[float], unit: float) -> list[str]:
    return [label, *(f"{v / unit:.3f}" for v in values_ns)]


def parser_build_ms(repeat: int, load: Callable[[], Any] | None = None) -> float:
    """Loading a cached parser part once more (default: the driver's automaton and callbacks,
    what the first parse in a process builds; ``parser._lark`` is Lark, for syntax errors)."""
    load = load or parser.automaton
    times = []
    for _ in range(max(repeat, 3)):
        load.cache_clear()  # type: ignore[attr-defined]
        start = timeit.default_timer()
        load()
        times.append(timeit.default_timer() - start)
    load()  # leave a built parser behind
    return min(times) * 1e3


def parser_from_grammar_ms(repeat: int) -> float:
    """Building the same parser from the grammar, as every first parse did before the tables."""
    times = []
    for _ in range(max(repeat, 3)):
        start = timeit.default_timer()
        lark_alone(True)
        times.append(timeit.default_timer() - start)
    return min(times) * 1e3


_PYCACHE = Path(tempfile.gettempdir()) / "kinerja-bench-pycache"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # As an installed package runs: from bytecode (written once, outside the source tree), not
    # compiled from source on every start when the environment says not to write bytecode.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    if str(SRC) in sys.path:  # we run from a checkout: let the child find the package too
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return env


def _run_ms(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = timeit.default_timer()
        subprocess.run([sys.executable, "-c", code], check=True, env=_env())
        times.append(timeit.default_timer() - start)
    return min(times) * 1e3


def import_times(runs: int) -> list[list[str]]:
    _run_ms("import kinerja_engine; kinerja_engine.Formula.parse('1')", 1)  # write bytecode
    bare = _run_ms("pass", runs)
    imported = _run_ms("import kinerja_engine", runs)
    first = _run_ms(
        "import kinerja_engine; kinerja_engine.Formula.parse('cap(r / t, 120%) * 100')", runs
    )
    # Timed inside the fresh process, right after the import: not a difference of two minima.
    # Wall-clock and CPU time (the process's own: on a loaded machine, without its waits).
    code = (
        "import time, kinerja_engine; t, c = time.perf_counter(), time.process_time(); "
        "kinerja_engine.Formula.parse('cap(r / t, 120%) * 100'); "
        "print((time.perf_counter() - t) * 1e3, (time.process_time() - c) * 1e3)"
    )
    timed = [
        [
            float(x)
            for x in subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_env()
            ).stdout.split()
        ]
        for _ in range(runs)
    ]
    inside, inside_cpu = min(t[0] for t in timed), min(t[1] for t in timed)
    # -X importtime: the package's own cumulative line (microseconds), minimum over runs.
    self_us = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import kinerja_engine"],
            check=True,
            capture_output=True,
            text=True,
            env=_env(),
        )
        for text in done.stderr.splitlines():
            match = re.match(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|\s*kinerja_engine$", text)
            if match:
                self_us.append(int(match.group(1)))
    return [
        ["python -c pass (interpreter start-up)", f"{bare:.1f}"],
        ["python -c 'import kinerja_engine'", f"{imported:.1f}"],
        ["  → import cost (difference)", f"{imported - bare:.1f}"],
        ["  → -X importtime, cumulative for kinerja_engine", f"{min(self_us) / 1e3:.1f}"]
        if self_us
        else ["  → -X importtime", "not found"],
        ["import + first Formula.parse (loads the shipped parser tables)", f"{first:.1f}"],
        ["  → first parse after import (difference)", f"{first - imported:.1f}"],
        ["  → first Formula.parse, timed in the fresh process after import", f"{inside:.1f}"],
        ["  → the same, CPU time of the fresh process", f"{inside_cpu:.1f}"],
    ]


# --------------------------------------------------------------------------- main


def print_slowest_profile(rows: Sequence[EvalRow]) -> None:
    """The profile of ``evaluate(**kw)`` of the case with the highest evaluate/hand ratio."""
    slowest = max(zip(CASES, rows, strict=True), key=lambda cr: cr[1].evaluate / cr[1].hand)
    engines = build(slowest[0])
    print(f"\n## Profile: evaluate(**kw) of the slowest case ({slowest[0].label})\n")
    print(
        profile("evaluate(**kw)", {"evaluate": engines.evaluate, "kw": slowest[0].inputs}, 20_000)
    )


def main(argv: Sequence[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    options.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    options.add_argument("--repeat", type=int, default=7, help="timeit repeats (min is kept)")
    options.add_argument("--min-time", type=float, default=0.1, help="seconds per repeat")
    options.add_argument(
        "--formulas-only",
        action="store_true",
        help="only the per-evaluation times (section 1) and the slowest case's profile",
    )
    args = options.parse_args(argv)
    repeat, min_time, runs = args.repeat, args.min_time, 7
    if args.quick:
        repeat, min_time, runs = 3, 0.02, 3

    print(machine())
    print(
        f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
        "(1, 5, 15 min; 2 cores shared)"
    )
    print(f"command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    print(
        f"timing: per case, statements timed in turns "
        f"({max(20, int(repeat * min_time * 300))} rounds of ~1 ms each), min kept\n"
    )

    print("## Per-evaluation time (ns per call; ratio = time / hand-written time)\n")
    rows = [time_case(case, repeat, min_time) for case in CASES]
    issue = rows[: len(ISSUE_CASES)]
    print("### The formulas of issue 18 (bar: function ≤ 1.2×, evaluate ≤ 2.0×)\n")
    print(
        table(
            [
                "formula",
                "hand Decimal",
                "function(*dec)",
                "evaluate(**kw)",
                "function/hand",
                "evaluate/hand",
            ],
            [
                [
                    r.label.removeprefix("issue: "),
                    fmt_ns(r.hand),
                    fmt_ns(r.function),
                    fmt_ns(r.evaluate),
                    fmt_ratio(r.function, r.hand),
                    fmt_ratio(r.evaluate, r.hand),
                ]
                for r in issue
            ],
        )
    )
    print("\n### The same against the exact floor (bench/exact_floor.py)\n")
    print(
        table(
            [
                "formula",
                "hand Decimal",
                "floor: function",
                "floor: evaluate",
                "floor fn/hand",
                "floor ev/hand",
                "function/floor",
                "evaluate/floor",
                "+ *args, **extra",
                "evaluate/that",
            ],
            [
                [
                    r.label.removeprefix("issue: "),
                    fmt_ns(r.hand),
                    fmt_ns(r.floor),
                    fmt_ns(r.floor_evaluate),
                    fmt_ratio(r.floor, r.hand),
                    fmt_ratio(r.floor_evaluate, r.hand),
                    fmt_ratio(r.function, r.floor),
                    fmt_ratio(r.evaluate, r.floor_evaluate),
                    fmt_ns(r.floor_entry),
                    fmt_ratio(r.evaluate, r.floor_entry),
                ]
                for r in issue
            ],
        )
    )
    print(
        "\nfloor: the cheapest exact hand-written code (trapping-context methods, fewest calls,"
        "\nthe fallback a trap needs); floor: evaluate adds the input checks values.to_decimal"
        "\nrequires (type, is_finite(), one Context.plus each) and the result's normalisation;"
        "\n+ *args, **extra: that floor with evaluate's signature (a positional input is a"
        "\nUsageError, an unknown name a BindingError: one empty dict per call)."
        "\nA bar is below the floor when floor/hand exceeds it (1.2× function, 2.0× evaluate):"
    )
    for r in issue:
        verdicts = []
        for what, value, bound, bar in (
            ("function", r.function, r.floor, 1.2),
            ("evaluate", r.evaluate, r.floor_evaluate, 2.0),
            ("evaluate's signature", None, r.floor_entry, 2.0),
        ):
            if bound is None:
                continue
            met = "" if value is None else "met " if value <= bar * r.hand else "not met "
            reach = (
                f"the floor is {bound / r.hand:.2f}×, the bar {bound / (bar * r.hand) - 1:.0%} "
                "under it"
                if bound > bar * r.hand
                else f"the floor is {bound / r.hand:.2f}×, under the bar"
            )
            if value is not None and value < 0.9 * bound:
                # kinerja beats this hand-written code: it bounds the floor from above only.
                reach += "; kinerja is faster than this floor code, so it is an upper bound"
            verdicts.append(f"{what} {met}({reach})")
        print(f"* {r.label.removeprefix('issue: ')}: " + "; ".join(verdicts))
    print("\n### Every case, with the other engines\n")
    headers = [
        "formula",
        "evaluate(**kw)",
        "function(*dec)",
        "hand Decimal",
        "hand exact",
        "simpleeval (float)",
        "rule-engine",
        "function/hand",
        "function/exact",
        "evaluate/hand",
        "simpleeval/hand",
        "rule-engine/hand",
    ]
    print(
        table(
            headers,
            [
                [
                    r.label,
                    fmt_ns(r.evaluate),
                    fmt_ns(r.function),
                    fmt_ns(r.hand),
                    fmt_ns(r.exact),
                    fmt_ns(r.simple),
                    fmt_ns(r.rule),
                    fmt_ratio(r.function, r.hand),
                    fmt_ratio(r.function, r.exact),
                    fmt_ratio(r.evaluate, r.hand),
                    fmt_ratio(r.simple, r.hand),
                    fmt_ratio(r.rule, r.hand),
                ]
                for r in rows
            ],
        )
    )
    print(
        "\nhand Decimal: Decimal operators under the default context (rounds silently);"
        "\nhand exact: the same operations on the FAST context methods (traps rounding),"
        "\nwhich is the arithmetic kinerja's fast path does. simpleeval runs on floats;"
        "\nrule-engine on its own Decimal type. All results were checked equal before timing"
        "\n(a repeating quotient to 24 digits: the hand-written code rounds at 28).\n"
    )

    if args.formulas_only:
        print_slowest_profile(rows)
        return

    print("## Parse, check and compile (ms)\n")
    print(
        table(
            ["text", "parse", "check", "compile", "total (.parse)"],
            parse_rows(repeat, min_time),
        )
    )
    print(
        f"\nreading the parser from the shipped tables (parser.automaton(), what a first "
        f"parse builds): {parser_build_ms(repeat):.1f} ms; Lark from the same tables "
        f"(parser._lark(), only for a syntax error): {parser_build_ms(repeat, parser._lark):.1f}"
        f" ms; Lark built from the grammar: {parser_from_grammar_ms(repeat):.1f} ms\n"
    )

    print("## Generated rulebooks: kinerja against Lark alone on the same text (ms)\n")
    generated = generated_rows(repeat, min_time)
    print(
        table(
            [
                "definitions",
                "KB",
                "Lark lex",
                "Lark parse",
                "Lark + positions",
                "parse_rulebook",
                "check",
                "compile",
                "Rulebook.parse",
                "µs per definition",
                "total / Lark parse",
            ],
            [
                [
                    f"{g.count:,}",
                    f"{g.size / 1000:.1f}",
                    f"{g.lex:.2f}",
                    f"{g.bare:.2f}",
                    f"{g.positions:.2f}",
                    f"{g.parse:.2f}",
                    f"{g.check:.2f}",
                    f"{g.compile:.2f}",
                    f"{g.total:.2f}",
                    f"{g.total / g.count * 1000:.0f}",
                    f"{g.total / g.bare:.2f}×",
                ]
                for g in generated
            ],
        )
    )
    print(
        "\nLark parse: the package's grammar, LALR, no propagate_positions (the bar's floor: "
        "Rulebook.parse ≤ 1.3× of it);\nthe 1,000-definition text is parsed with "
        "MAX_RULEBOOK_LENGTH raised in this script only;\ntimes are this process's CPU time "
        "(time.process_time), garbage collector off while timing (timeit's default).\n"
    )

    print(f"## Import time (ms, min of {runs} fresh interpreters)\n")
    print(table(["what", "ms"], import_times(runs)))

    print_slowest_profile(rows)
    worst = generated[-1]  # the largest: the per-definition cost dominates the fixed one
    limit = parser.MAX_RULEBOOK_LENGTH
    parser.MAX_RULEBOOK_LENGTH = 1_000_000
    try:
        print(
            f"\n## Profile: Rulebook.parse of the generated {worst.count:,}-definition rulebook\n"
        )
        text = generated_rulebook(worst.count)
        print(profile("Rulebook.parse(text)", {"Rulebook": Rulebook, "text": text}, 3))
    finally:
        parser.MAX_RULEBOOK_LENGTH = limit


if __name__ == "__main__":
    main()
