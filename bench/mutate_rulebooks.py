"""Mutation testing of the bundled rulebooks, through the language's own AST.

    python bench/mutate_rulebooks.py [--rulebook NAME] [--limit N] [--seed S] [--jobs J]

Each bundled rulebook (``src/kinerja_engine/rulebooks/*.kinerja``) is parsed with
:func:`kinerja_engine.language.parser.parse_rulebook`; every mutation below yields one mutant tree
(nodes are frozen dataclasses, so a mutant is built with :func:`dataclasses.replace`):

* number literals: ``x → x+1``, ``x → 0``, ``x → x*10`` (percentages in written units:
  ``60% → 61%``);
* comparisons ``< ↔ <=``, ``> ↔ >=``, ``== ↔ !=``; arithmetic ``+ ↔ -``, ``* ↔ /``;
  ``and ↔ or``; boolean literals ``true ↔ false``;
* ``if`` branch swap (``if c then a else b → if c then b else a``);
* band interval closedness, each finite bound: ``[ ↔ (`` and ``] ↔ )``;
* table outputs: a matrix cell or band row that yields an enumeration member is swapped to the
  next member of that enumeration; so is a ``param`` whose value is a member.

The mutant's text is the original text with only the mutated node's span replaced (comments
and layout kept; the splice is verified to parse back to the mutant tree, else the canonical
:func:`kinerja_engine.language.printer.print_rulebook` text is used). A mutant the checker rejects
(``kinerja_engine.rulebooks.load`` raises) counts as killed *by the checker*; every other
mutant is written into a private copy of the repository (``src``, ``tests``, ``docs``,
``pyproject.toml``) and the tests relevant to that rulebook run against it in a subprocess
(``pytest -x``, per-mutant timeout). The library itself reads no environment variable: the
copy is found through pytest's ``pythonpath = ["src"]`` of the copied ``pyproject.toml``.

Output: per rulebook, mutants generated, rejected by the checker, killed by tests, survived
(each with its line and ``original → mutated``), and the mutation score
``(rejected + killed) / generated``. The exit status is 0; this is a measurement, not a gate.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kinerja_engine import rulebooks  # noqa: E402
from kinerja_engine.errors import KinerjaError  # noqa: E402
from kinerja_engine.language.nodes import (  # noqa: E402
    BandRow,
    Binary,
    BoolLit,
    ConstDef,
    EnumDef,
    Expr,
    If,
    Interval,
    LabelRef,
    MatrixRow,
    Node,
    Num,
    RulebookNode,
)
from kinerja_engine.language.parser import parse_rulebook  # noqa: E402
from kinerja_engine.language.printer import print_expr, print_rulebook  # noqa: E402

# Tests that exercise each bundled rulebook (a rulebook's dependents' tests included: a mutant
# of permenpanrb-6-2022 or angka-kredit-2023 also changes gajahmungkur, which extends both).
# test_rulebook_policies.py, small and aimed at past survivors, runs first so that -x stops early.
TESTS: dict[str, tuple[str, ...]] = {
    "pp-46-2011": (
        "test_rulebook_policies.py",
        "test_regulations.py",
        "test_capaian.py",
        "test_bands.py",
        "test_aggregation.py",
        "test_golden.py",
    ),
    "ikm-2004": (
        "test_rulebook_policies.py",
        "test_regulations.py",
        "test_capaian.py",
        "test_bands.py",
        "test_aggregation.py",
    ),
    "ikm-2017": (
        "test_rulebook_policies.py",
        "test_regulations.py",
        "test_capaian.py",
        "test_bands.py",
        "test_aggregation.py",
    ),
    "permenpanrb-8-2021": (
        "test_rulebook_policies.py",
        "test_regulations.py",
        "test_capaian.py",
        "test_bands.py",
        "test_aggregation.py",
    ),
    "permenpanrb-6-2022": (
        "test_rulebook_policies.py",
        "test_regulations.py",
        "test_scoring.py",
        "test_capaian.py",
        "test_bands.py",
        "test_aggregation.py",
        "test_feedback.py",
        "test_gajahmungkur.py",
    ),
    "angka-kredit-2023": (
        "test_rulebook_policies.py",
        "test_regulations.py",
        "test_capaian.py",
        "test_bands.py",
        "test_aggregation.py",
        "test_gajahmungkur.py",
    ),
    "gajahmungkur": (
        "test_rulebook_policies.py",
        "test_gajahmungkur.py",
        "test_capaian.py",
        "test_bands.py",
        "test_aggregation.py",
        "test_feedback.py",
    ),
}
DEFAULT_TESTS = (
    "test_rulebook_policies.py",
    "test_regulations.py",
    "test_capaian.py",
    "test_bands.py",
    "test_aggregation.py",
)

SWAP = {
    "<": "<=",
    "<=": "<",
    ">": ">=",
    ">=": ">",
    "==": "!=",
    "!=": "==",
    "+": "-",
    "-": "+",
    "*": "/",
    "/": "*",
    "and": "or",
    "or": "and",
}

# --------------------------------------------------------------------------- mutant generation


@dataclass(frozen=True)
class Mutation:
    """One mutation: where it is and what it does, plus the mutated node (same span)."""

    line: int
    kind: str
    original: str
    mutated: str
    old: Node
    new: Node

    def describe(self, width: int = 90) -> str:
        def short(text: str) -> str:
            return text if len(text) <= width else text[: width - 1] + "…"

        return f"line {self.line}: {self.kind}: {short(self.original)} → {short(self.mutated)}"


def _interval_text(i: Interval) -> str:
    lo = "-inf" if i.lo is None else print_expr(i.lo)
    hi = "inf" if i.hi is None else print_expr(i.hi)
    return f"{'[' if i.lo_closed else '('}{lo}, {hi}{']' if i.hi_closed else ')'}"


def _text(node: Node) -> str:
    if isinstance(node, Interval):
        return _interval_text(node)
    assert isinstance(node, Expr)
    return print_expr(node)


def _number_mutants(num: Num) -> list[Num]:
    written = num.value * 100 if num.percent else num.value
    out: list[Num] = []
    for value in (written + 1, Decimal(0), written * 10):
        if value == written or value < 0:
            continue
        stored = value / 100 if num.percent else value
        candidate = dataclasses.replace(num, value=stored)
        if candidate not in out:
            out.append(candidate)
    return out


def _next_member(ref: LabelRef, enums: dict[str, tuple[str, ...]]) -> LabelRef | None:
    members = enums.get(ref.enum)
    if not members or ref.member not in members or len(members) < 2:
        return None
    index = members.index(ref.member)
    return dataclasses.replace(ref, member=members[(index + 1) % len(members)])


def _local(
    node: Node, enums: dict[str, tuple[str, ...]], table_output: bool
) -> Iterator[tuple[str, Node]]:
    """Mutations of ``node`` itself (not of its children): (kind, mutated node)."""
    if isinstance(node, Num):
        for new in _number_mutants(node):
            yield "number", new
    elif isinstance(node, BoolLit):
        yield "boolean", dataclasses.replace(node, value=not node.value)
    elif isinstance(node, Binary) and node.op in SWAP:
        yield "operator", dataclasses.replace(node, op=SWAP[node.op])
    elif isinstance(node, If):
        yield "if-branches", dataclasses.replace(node, then=node.orelse, orelse=node.then)
    elif isinstance(node, Interval):
        if node.lo is not None:
            yield "interval", dataclasses.replace(node, lo_closed=not node.lo_closed)
        if node.hi is not None:
            yield "interval", dataclasses.replace(node, hi_closed=not node.hi_closed)
    elif isinstance(node, LabelRef) and table_output:
        new = _next_member(node, enums)
        if new is not None:
            yield "member", new


def _mutations(
    node: Node, enums: dict[str, tuple[str, ...]], table_output: bool = False
) -> Iterator[tuple[Node, Mutation]]:
    """Every single-point mutant of the subtree ``node``: (mutated subtree, mutation)."""
    for kind, new in _local(node, enums, table_output):
        span = node.span
        yield new, Mutation(span.line if span else 0, kind, _text(node), _text(new), node, new)
    if not dataclasses.is_dataclass(node):
        return
    for f in dataclasses.fields(node):
        if not f.compare:
            continue
        value = getattr(node, f.name)
        # Table outputs and parameter values are where an enumeration member is a policy choice.
        child_table = (isinstance(node, (BandRow, MatrixRow)) and f.name == "expr") or (
            isinstance(node, ConstDef) and node.is_param and f.name == "expr"
        )
        if isinstance(value, Node):
            for sub, mutation in _mutations(value, enums, child_table):
                yield dataclasses.replace(node, **{f.name: sub}), mutation
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, Node):
                    for sub, mutation in _mutations(item, enums):
                        items = (*value[:index], sub, *value[index + 1 :])
                        yield dataclasses.replace(node, **{f.name: items}), mutation
                elif (
                    isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Node)
                ):  # let bindings and keyword arguments: (name, expr)
                    for sub, mutation in _mutations(item[1], enums):
                        items = (*value[:index], (item[0], sub), *value[index + 1 :])
                        yield dataclasses.replace(node, **{f.name: items}), mutation


def _enums(tree: RulebookNode) -> dict[str, tuple[str, ...]]:
    """Enumerations visible in ``tree``: its own and those of the rulebooks it extends."""
    out: dict[str, tuple[str, ...]] = {}
    for parent in tree.header.extends:
        out.update(_enums(parse_rulebook(rulebooks.source(parent))))
    for d in tree.definitions:
        if isinstance(d, EnumDef):
            out[d.name] = tuple(m.name for m in d.members)
    return out


def mutant_text(source: str, tree: RulebookNode, mutant: RulebookNode, m: Mutation) -> str:
    """The source with only the mutated node's text replaced, or the canonical text."""
    span = m.old.span
    if span is not None:
        replacement = _text(m.new)
        if isinstance(m.new, (Binary, If)):
            replacement = f"({replacement})"
        text = source[: span.start] + replacement + source[span.end :]
        try:
            if parse_rulebook(text) == mutant:
                return text
        except KinerjaError:
            pass
    return print_rulebook(mutant)


@dataclass
class Mutant:
    rulebook: str
    mutation: Mutation
    text: str
    outcome: str = "pending"  # rejected | killed | timeout | survived
    detail: str = ""


def generate(name: str) -> list[Mutant]:
    source = rulebooks.source(name)
    tree = parse_rulebook(source)
    enums = _enums(tree)
    out: list[Mutant] = []
    seen: set[str] = set()
    for mutant_tree, mutation in _mutations(tree, enums):
        assert isinstance(mutant_tree, RulebookNode)
        if mutant_tree == tree:
            continue
        text = mutant_text(source, tree, mutant_tree, mutation)
        if text in seen:
            continue
        seen.add(text)
        out.append(Mutant(name, mutation, text))
    return out


def check(mutant: Mutant) -> bool:
    """True when the checker accepts the mutant; otherwise records the rejection."""
    try:
        rulebooks.load(mutant.text)
    except KinerjaError as exc:
        mutant.outcome = "rejected"
        mutant.detail = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        return False
    return True


# --------------------------------------------------------------------------- running the tests


class Workspace:
    """A private copy of the repository whose bundled rulebook files a mutant replaces."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kinerja-mutant-"))
        ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")
        for part in ("src", "tests", "docs"):
            shutil.copytree(ROOT / part, self.dir / part, ignore=ignore)
        for part in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / part, self.dir / part)
        self.books = self.dir / "src" / "kinerja_engine" / "rulebooks"

    def run(self, name: str, text: str | None, timeout: float) -> tuple[str, str]:
        """Run ``name``'s tests with ``text`` as its rulebook; (killed|timeout|survived, why)."""
        path = self.books / f"{name}.kinerja"
        original = (ROOT / "src" / "kinerja_engine" / "rulebooks" / f"{name}.kinerja").read_text(
            encoding="utf-8"
        )
        path.write_text(original if text is None else text, encoding="utf-8")
        tests = [
            f"tests/{t}" for t in TESTS.get(name, DEFAULT_TESTS) if (ROOT / "tests" / t).exists()
        ]
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(self.dir / "src"),
            PYTHONDONTWRITEBYTECODE="1",
            # A fixed hash seed: a verdict must not depend on set iteration order.
            PYTHONHASHSEED=env.get("PYTHONHASHSEED", "0"),
            HYPOTHESIS_PROFILE=env.get("HYPOTHESIS_PROFILE", "ci"),
        )
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=--strict-markers",
            "-m",
            "not slow",
            "--tb=line",
            "-rfE",
            *tests,
        ]
        try:
            proc = subprocess.run(
                command,
                cwd=self.dir,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "timeout", f"tests exceeded {timeout:g} s"
        finally:
            path.write_text(original, encoding="utf-8")
        if proc.returncode == 0:
            return "survived", ""
        failed = [ln for ln in proc.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))]
        last = proc.stdout.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        return "killed", (failed or last)[0][:160]

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def run_tests(mutants: list[Mutant], jobs: int, timeout: float, verbose: bool) -> None:
    todo: queue.Queue[Mutant] = queue.Queue()
    for m in mutants:
        todo.put(m)
    lock = threading.Lock()
    done = [0]

    def worker() -> None:
        space = Workspace()
        try:
            while True:
                try:
                    m = todo.get_nowait()
                except queue.Empty:
                    return
                m.outcome, m.detail = space.run(m.rulebook, m.text, timeout)
                with lock:
                    done[0] += 1
                    if verbose:
                        print(
                            f"  [{done[0]}/{len(mutants)}] {m.outcome:8} {m.rulebook} "
                            f"{m.mutation.describe()}" + (f"  [{m.detail}]" if m.detail else ""),
                            flush=True,
                        )
        finally:
            space.close()

    threads = [threading.Thread(target=worker) for _ in range(max(1, jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# --------------------------------------------------------------------------- command


@dataclass
class Tally:
    generated: int = 0
    rejected: int = 0
    killed: int = 0
    survivors: list[Mutant] = field(default_factory=list)

    @property
    def score(self) -> float:
        return 100.0 * (self.rejected + self.killed) / self.generated if self.generated else 100.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rulebook", action="append", choices=rulebooks.names(), default=None)
    parser.add_argument(
        "--limit", type=int, default=None, help="at most N mutants per rulebook (a random sample)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the --limit sample")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested in parallel")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-mutant test timeout (s)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per mutant")
    args = parser.parse_args(argv)

    names = args.rulebook or list(rulebooks.names())
    rng = random.Random(args.seed)
    started = time.monotonic()

    # The unmutated copy must pass, or every mutant would look killed.
    space = Workspace()
    try:
        for name in names:
            outcome, why = space.run(name, None, args.timeout * 2)
            if outcome != "survived":
                print(f"baseline: the tests of {name} fail unmutated ({why}); aborting")
                return 2
    finally:
        space.close()

    tallies: dict[str, Tally] = {}
    to_test: list[Mutant] = []
    per_book: dict[str, list[Mutant]] = {}
    for name in names:
        mutants = generate(name)
        if args.limit is not None and len(mutants) > args.limit:
            mutants = sorted(rng.sample(mutants, args.limit), key=lambda m: m.mutation.line)
        per_book[name] = mutants
        if args.list:
            for m in mutants:
                print(f"{name} {m.mutation.describe()}")
            continue
        to_test.extend(m for m in mutants if check(m))
    if args.list:
        return 0

    run_tests(to_test, args.jobs, args.timeout, args.verbose)

    total = Tally()
    print()
    print(
        f"{'rulebook':22} {'mutants':>7} {'checker':>7} {'tests':>6} {'survived':>8} {'score':>7}"
    )
    for name in names:
        t = Tally(generated=len(per_book[name]))
        for m in per_book[name]:
            if m.outcome == "rejected":
                t.rejected += 1
            elif m.outcome in ("killed", "timeout"):
                t.killed += 1
            else:
                t.survivors.append(m)
        tallies[name] = t
        total.generated += t.generated
        total.rejected += t.rejected
        total.killed += t.killed
        total.survivors.extend(t.survivors)
        print(
            f"{name:22} {t.generated:7} {t.rejected:7} {t.killed:6} {len(t.survivors):8} "
            f"{t.score:6.1f}%"
        )
    print(
        f"{'TOTAL':22} {total.generated:7} {total.rejected:7} {total.killed:6} "
        f"{len(total.survivors):8} {total.score:6.1f}%"
    )
    if total.survivors:
        print("\nsurviving mutants:")
        for m in total.survivors:
            print(f"  {m.rulebook} {m.mutation.describe()}")
    print(
        f"\nmutation score {total.score:.1f}% "
        f"({total.rejected} rejected by the checker + {total.killed} killed by tests "
        f"of {total.generated}; {time.monotonic() - started:.0f} s"
        + (f", sample of {args.limit} per rulebook, seed {args.seed}" if args.limit else "")
        + ")"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
