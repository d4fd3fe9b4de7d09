"""Seconds and calls of the hostile inputs of tests/test_safety.py (asserts nothing).

    python bench/safety_bench.py

The tests assert counted work (function calls within a linear budget, four times the input at
most five times the calls), never time, so that a loaded machine cannot fail them. This script
prints what those probes cost in seconds on the machine at hand, next to the calls the tests
count, for a reader who wants the wall-clock picture. Each probe runs three times after one warm
parse; the best time is printed.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from kinerja_engine import Formula, KinerjaError, Rulebook  # noqa: E402
from workmeter import count_calls  # noqa: E402


def _band(rows: int) -> str:
    body = ",\n".join(f"    [{i}, {i + 1}) -> {i}" for i in range(rows))
    return f'rulebook "r"\nband b(x in [0, {rows})) {{\n{body}\n}}'


def _function_chain(length: int) -> str:
    lines = [f"def f{i}(x) = f{i - 1}(x) + 1" for i in range(1, length)]
    return 'rulebook "r"\ndef f0(x) = x\n' + "\n".join(lines)


def _consts(length: int) -> str:
    lines = [f"const c{i} = c{i - 1} + 1" for i in range(1, length)]
    return 'rulebook "r"\n' + "\n".join(reversed(lines)) + "\nconst c0 = 0"


def _enum(members: int) -> str:
    return 'rulebook "r"\nenum e { ' + ", ".join(f"m{i}" for i in range(members)) + " }"


PROBES: dict[str, Callable[[], Any]] = {
    "formula of 1 MB": lambda: Formula.parse("1 + " * 250_000 + "1"),
    "minus chain of 5,000": lambda: Formula.parse("-" * 5_000 + "1"),
    "plus chain of 2,500": lambda: Formula.parse("+".join(["1"] * 2_500)),
    "if chain of 400": lambda: Formula.parse("if true then 1 else " * 400 + "0"),
    "band of 1,000 rows": lambda: Rulebook.parse(_band(1_000)),
    "band of 5,000 rows (refused)": lambda: Rulebook.parse(_band(5_000)),
    "2,500 constants": lambda: Rulebook.parse(_consts(2_500)),
    "2,000 functions (refused)": lambda: Rulebook.parse(_function_chain(2_000)),
    "enum of 1,000 members": lambda: Rulebook.parse(_enum(1_000)),
    "enum of 4,000 members": lambda: Rulebook.parse(_enum(4_000)),
    "x * x, x = 10**59": lambda: Formula.parse("x * x").evaluate(x=10**59),
}


def _seconds(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    with contextlib.suppress(KinerjaError):
        action()
    return time.perf_counter() - start


def main() -> None:
    Formula.parse("1")
    print(f"{'probe':32} {'best s':>8} {'calls':>10}")
    for name, action in PROBES.items():
        best = min(_seconds(action) for _ in range(3))
        print(f"{name:32} {best:8.3f} {count_calls(action).calls:10,}")


if __name__ == "__main__":
    main()
