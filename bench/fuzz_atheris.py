"""Coverage-guided fuzzing of kinerja_engine with atheris (libFuzzer).

Usage (atheris is optional: ``pip install atheris``, a binary wheel for CPython 3.11 x86_64)::

    python bench/fuzz_atheris.py -runs=1000000 -timeout=1 -max_len=4096 corpus/
    python bench/fuzz_atheris.py -max_total_time=600 -timeout=1 -artifact_prefix=crashes/ corpus/
    python bench/fuzz_atheris.py --seed-corpus seeds/ corpus/   # write seeds/, fuzz into corpus/
    python bench/fuzz_atheris.py crash-0123abcd                 # run one saved input again
    python bench/fuzz_atheris.py --show crash-0123abcd          # each call, its input, outcome

Options with one dash go to libFuzzer through ``atheris.Setup`` (``-help=1`` lists them);
``-timeout=1`` makes any input that runs over one second a failure (saved as ``timeout-*``).
A corpus directory that is missing or empty is created and filled with seeds first: the bundled
rulebooks, the formulas and rulebooks of grammar/cases/*.toml and tests/golden/ (from a
checkout), and example plans as JSON (``models.example_plan`` and the bundled demo unit).
``--seed-corpus DIR`` writes the seeds to DIR and fuzzes with it as a corpus directory too.

This complements ``bench/fuzz_language.py``, whose inputs Hypothesis generates: here libFuzzer
mutates bytes and keeps every input that reaches new branches of the library, which is imported
under ``atheris.instrument_imports()`` (only kinerja_engine is instrumented, not lark or
pydantic). The first byte of an input picks the target, a few control bytes follow (a rulebook
to use, values for inputs …), then the text, decoded as UTF-8 (invalid bytes become U+FFFD):

* ``formula``: ``Formula.parse(text)``, alone or with a bundled rulebook as context; when it
  parses, its printed form must parse to the same formula, and it is evaluated (``evaluate`` or
  ``evaluate_exact``) with numbers, booleans, lists or labels for its declared inputs;
* ``rulebook``: ``Rulebook.parse(text)`` or ``rulebooks.load(text)`` (which resolves
  ``extends``); one definition of a rulebook that loads is evaluated;
* ``model``: ``Plan.model_validate_json(bytes)`` or ``Plan.model_validate(json.loads(bytes))``;
  a valid plan is appraised with a bundled rulebook (and explained);
* ``cli``: ``python -m kinerja_engine check`` run in-process (``__main__.main``) on a temporary
  file holding the raw bytes, or with ``--formula=text``;
* ``bundled``: a bundled rulebook with the text spliced into it, through ``rulebooks.load``.

A crash is what fuzz_language.py counts as a bug: any exception that is not a KinerjaError
(it propagates), and an internal error, a bare KinerjaError caused by another exception
("internal error while …; please report it"), raised as an AssertionError naming the input.
libFuzzer saves the input as ``crash-<sha1>`` and stops; a summary of the inputs run is printed
at exit.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import importlib.util
import io
import json
import shutil
import sys
import tempfile
import tomllib
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypeVar

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("kinerja_engine") is None:  # run from a checkout: use ../src
    sys.path.insert(0, str(ROOT / "src"))

# Coverage feedback comes from the library's own branches. Modules it imports lazily (printer,
# explain) are imported here so that they are instrumented too.
with atheris.instrument_imports(include=["kinerja_engine"]):
    import kinerja_engine
    import kinerja_engine.language.printer
    import kinerja_engine.scoring.explain
    from kinerja_engine import Formula, KinerjaError, Plan, Rulebook, appraise, demo, rulebooks
    from kinerja_engine import __main__ as cli
    from kinerja_engine.models import example_plan

T = TypeVar("T")

SLOTS = 3  # values per input, each 5 bytes: 24-bit signed mantissa, exponent, how it is passed
SHOWN = 2000  # characters of an input quoted in a crash message
# Messages of a bare KinerjaError wrapping another exception (language._guard, compiler.build),
# as the CLI prints them.
INTERNAL_MARKS = (
    "internal error while",
    "the input is nested too deeply",
    "the expression is too complex",
)
# Odd values for an input of any type: each must be accepted or refused with a KinerjaError.
WEIRD: tuple[object, ...] = (
    "NaN", "-inf", "Infinity", "1e999999", "-0", "0.1e-30", " 7 ", "", "1_000", "٣", "½",
    "1/3", "80-90", None, True, [], {}, b"1", Decimal("NaN"), Decimal("-Infinity"),
    Decimal("1e-999999"), float("nan"), float("inf"), 1e308, 10**40, "9" * 60, object(),
)  # fmt: skip
MISSING = object()  # leave this input out of the bindings
# Declared inputs for some formulas (Formula.parse(inputs=...)).
DECLARED = {"realisasi": "number", "target": "number", "x": "number", "b": "bool", "xs": "list"}


class Provider(Protocol):
    """The part of ``atheris.FuzzedDataProvider`` used here (all of it reads from the front)."""

    def ConsumeUInt(self, count: int, /) -> int: ...
    def ConsumeInt(self, count: int, /) -> int: ...
    def ConsumeBytes(self, count: int, /) -> bytes: ...


@dataclass
class Stats:
    """Inputs run per target, outcomes per call, crashes; ``show`` prints every call."""

    runs: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: int = 0
    show: bool = False

    def report(self) -> None:
        total = sum(self.runs.values())
        if not total or self.show:
            return
        per_target = ", ".join(f"{name} {count:,}" for name, count in sorted(self.runs.items()))
        errors = Counter[str]()
        for key, count in self.outcomes.items():
            errors[key.rsplit(": ", 1)[1]] += count
        print(
            f"kinerja fuzz: {total:,} inputs run ({per_target}); "
            f"crashes: {self.crashes}; outcomes: "
            + ", ".join(f"{key} {count:,}" for key, count in errors.most_common()),
            file=sys.stderr,
            flush=True,
        )


STATS = Stats()


# --------------------------------------------------------------------------- running a call


def internal_cause(exc: BaseException) -> BaseException | None:
    """The non-Kinerja exception behind a bare KinerjaError in ``exc``'s chain, if any.

    That is an internal error (``language._guard``): a bug the library reports politely.
    ``appraise`` wraps errors again (``employee …: …``), so the whole chain is searched.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        inner = current.__cause__
        if inner is None and not current.__suppress_context__:
            inner = current.__context__
        # A bare KinerjaError wrapping another KinerjaError only adds context: look further.
        wrapped_bug = inner is not None and not isinstance(inner, KinerjaError)
        if type(current) is KinerjaError and wrapped_bug:
            return inner
        current = inner
    return None


def shorten(shown: object) -> str:
    text = repr(shown)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({len(text):,} characters)"


def call(label: str, shown: object, action: Callable[[], T]) -> T | None:
    """Run ``action``: its result, or None after a KinerjaError that is not internal.

    Anything else escapes: a non-Kinerja exception as it is (with a note naming the input), an
    internal error as an AssertionError.
    """
    try:
        result = action()
    except KinerjaError as exc:
        inner = internal_cause(exc)
        if inner is not None:
            STATS.outcomes[f"{label}: INTERNAL"] += 1
            where = "".join(traceback.format_exception(inner)[-3:])  # atheris shows no chain
            raise AssertionError(
                f"internal error in {label}: {type(inner).__name__}: {inner}\n"
                f"  message: {exc.message[:SHOWN]}\n  input: {shorten(shown)}\n"
                f"  raised at (end of its traceback):\n{where}"
            ) from exc
        outcome = type(exc).__name__
        if STATS.show:
            first = str(exc).splitlines()[0] if str(exc) else ""
            print(f"{label}: {outcome}: {first[:200]}\n  input: {shorten(shown)}")
        STATS.outcomes[f"{label}: {outcome}"] += 1
        return None
    except Exception as exc:
        STATS.outcomes[f"{label}: ESCAPED {type(exc).__name__}"] += 1
        note = f"kinerja fuzz: {type(exc).__name__} escaped from {label}; input: {shorten(shown)}"
        exc.add_note(note)
        print(f"\n{note}", file=sys.stderr, flush=True)  # atheris does not print notes
        raise
    if STATS.show:
        print(f"{label}: ok -> {shorten(result)[:200]}\n  input: {shorten(shown)}")
    STATS.outcomes[f"{label}: ok"] += 1
    return result


# --------------------------------------------------------------------------- inputs


@functools.cache
def books() -> tuple[Rulebook, ...]:
    """Every bundled rulebook, loaded once (in name order)."""
    return tuple(rulebooks.load(name) for name in rulebooks.names())


@functools.cache
def sources() -> tuple[tuple[str, str], ...]:
    """(name, text) of every bundled rulebook."""
    return tuple((name, rulebooks.source(name)) for name in rulebooks.names())


@functools.cache
def scratch() -> Path:
    """The temporary file the cli target checks (one per process, removed at a normal exit)."""
    folder = Path(tempfile.mkdtemp(prefix="kinerja-fuzz-"))
    at_exit(lambda: shutil.rmtree(folder, ignore_errors=True))
    return folder / "input.kinerja"


@dataclass(frozen=True, slots=True)
class Slot:
    """Five control bytes that make one input value."""

    mantissa: int  # signed, 24 bits
    exponent: int  # -8 … 8
    how: int  # 0–255: how the value is passed (see ``number`` and ``binding``)


def slots(fdp: Provider) -> tuple[Slot, ...]:
    out = []
    for _ in range(SLOTS):
        mantissa = fdp.ConsumeInt(3)
        exponent = fdp.ConsumeUInt(1) % 17
        out.append(Slot(mantissa, exponent if exponent <= 8 else 8 - exponent, fdp.ConsumeUInt(1)))
    return tuple(out)


def text_of(fdp: Provider) -> str:
    return fdp.ConsumeBytes(atheris.ALL_REMAINING).decode("utf-8", errors="replace")


def number(slot: Slot) -> object:
    """A number as Decimal, str, int or float (a float goes through its shortest repr)."""
    value = Decimal(slot.mantissa).scaleb(slot.exponent)
    how = slot.how % 8
    if how == 1:
        return str(value)
    if how == 2:
        return int(value) if value == value.to_integral_value() else value
    if how == 3:
        return float(value)
    return value


def binding(type_: str, index: int, given: Sequence[Slot], book: Rulebook | None) -> object:
    """A value for an input of ``type_`` (number, bool, list or an enum of ``book``)."""
    slot = given[index % SLOTS]
    how = slot.how % 8
    if how == 4:
        return WEIRD[slot.mantissa % len(WEIRD)]
    if how == 5:
        return MISSING
    if type_ == "bool":
        return bool(slot.mantissa & 1)
    if type_ == "list":
        return [number(given[(index + 1 + j) % SLOTS]) for j in range(slot.mantissa % 5)]
    if book is not None and type_ in book.checked.enums:
        members = book.checked.enums[type_].members
        label = members[slot.mantissa % len(members)]
        # The label itself, or a spelling of it: its name or its text (any case is accepted).
        spelled = (label, label.name, label.text.upper() or label.name)
        return spelled[slot.exponent % 3]
    return number(slot)


def bindings(
    inputs: Mapping[str, str], given: Sequence[Slot], book: Rulebook | None
) -> dict[str, Any]:
    out = {}
    for index, (name, type_) in enumerate(inputs.items()):
        value = binding(type_, index, given, book)
        if value is not MISSING:
            out[name] = value
    return out


def exercise(label: str, book: Rulebook, pick: int, given: Sequence[Slot]) -> None:
    """Evaluate definition number ``pick`` of ``book`` (a constant or a function)."""
    names = [*book.checked.consts, *book.checked.funcs]
    if not names:
        return
    name = names[pick % len(names)]
    kwargs = bindings(book.signature(name), given, book)
    call(f"{label} evaluate", (book.name, name, kwargs), lambda: book.evaluate(name, **kwargs))


# --------------------------------------------------------------------------- targets


def target_formula(fdp: Provider) -> None:
    context, flags, given, text = fdp.ConsumeUInt(1), fdp.ConsumeUInt(1), slots(fdp), text_of(fdp)
    book = None if context % 2 == 0 else books()[(context // 2) % len(books())]
    declared = DECLARED if flags & 4 else None
    shown = text if book is None else (book.name, text)
    formula = call(
        "formula parse", shown, lambda: Formula.parse(text, rulebook=book, inputs=declared)
    )
    if formula is None:
        return
    printed = str(formula)
    again = call(
        "formula reparse", printed, lambda: Formula.parse(printed, rulebook=book, inputs=declared)
    )
    if again != formula:
        raise AssertionError(
            f"the printed formula does not parse back to the same formula\n"
            f"  input: {shorten(shown)}\n  printed: {shorten(printed)}"
        )
    kwargs = bindings(formula.inputs, given, book)
    if flags & 2:
        kwargs["tidak_ada"] = 1  # an input the formula does not read: a BindingError
    if flags & 1:
        call("formula evaluate_exact", (shown, kwargs), lambda: formula.evaluate_exact(**kwargs))
    else:
        call("formula evaluate", (shown, kwargs), lambda: formula.evaluate(**kwargs))


def target_rulebook(fdp: Provider) -> None:
    mode, pick, given, text = fdp.ConsumeUInt(1), fdp.ConsumeUInt(1), slots(fdp), text_of(fdp)
    if mode % 2 == 0:
        book = call("Rulebook.parse", text, lambda: Rulebook.parse(text))
    else:
        book = call("rulebooks.load", text, lambda: rulebooks.load(text))
    if book is not None:
        exercise("rulebook", book, pick, given)


def target_model(fdp: Provider) -> None:
    mode, pick = fdp.ConsumeUInt(1), fdp.ConsumeUInt(1)
    raw = fdp.ConsumeBytes(atheris.ALL_REMAINING)
    plan: Plan | None
    if mode % 2 == 0:
        plan = call("Plan.model_validate_json", raw, lambda: Plan.model_validate_json(raw))
    else:
        data: object
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON: the text is a (wrong) input too
            data = raw.decode("utf-8", errors="replace")
        plan = call("Plan.model_validate", data, lambda: Plan.model_validate(data))
    if plan is None:
        return
    book = books()[pick % len(books())]
    trace = bool(mode & 2)
    shown = (book.name, raw)
    result = call("appraise", shown, lambda: appraise(plan, book, trace=trace))
    if result is not None and trace:
        lang = "en" if mode & 4 else "id"
        call("Appraisal.explain", shown, lambda: result.explain(lang))


def target_cli(fdp: Provider) -> None:
    mode = fdp.ConsumeUInt(1)
    raw = fdp.ConsumeBytes(atheris.ALL_REMAINING)
    path = scratch()
    if mode % 2 == 0:
        path.write_bytes(raw)
        argv, heads = ["check", str(path)], (f"{path}:",)
    else:
        argv, heads = ["check", "--formula=" + raw.decode("utf-8", errors="replace")], ("<formula",)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        status = call("cli check", raw, lambda: cli.main(argv))
    if STATS.show:
        print(f"cli check printed (status {status}):\n{printed.getvalue()}")
    for line in printed.getvalue().splitlines():
        # A diagnostic's head line starts with the file name; quoted source lines are indented.
        if line.startswith(heads) and any(mark in line for mark in INTERNAL_MARKS):
            raise AssertionError(f"internal error in cli check: {line}\n  input: {shorten(raw)}")
    if status not in (0, 1, 2):
        raise AssertionError(f"cli check returned {status!r}\n  input: {shorten(raw)}")


def target_bundled(fdp: Provider) -> None:
    which, where = fdp.ConsumeUInt(1), fdp.ConsumeUInt(2)
    op, pick = fdp.ConsumeUInt(1), fdp.ConsumeUInt(1)
    given, splice = slots(fdp), text_of(fdp)
    name, source = sources()[which % len(sources())]
    at = where % (len(source) + 1)
    if op % 3 == 0:  # insert
        text, how = source[:at] + splice + source[at:], "inserted"
    elif op % 3 == 1:  # overwrite
        text, how = source[:at] + splice + source[at + len(splice) :], "written over"
    else:  # delete op // 3 characters, then insert
        text, how = source[:at] + splice + source[at + op // 3 :], f"replacing {op // 3} chars"
    shown = f"{name} with {splice!r} {how} at {at}"
    book = call("bundled load", shown, lambda: rulebooks.load(text))
    if book is not None:
        exercise("bundled", book, pick, given)


TARGETS: tuple[tuple[str, Callable[[Provider], None]], ...] = (
    ("formula", target_formula),
    ("rulebook", target_rulebook),
    ("model", target_model),
    ("cli", target_cli),
    ("bundled", target_bundled),
)


def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    name, target = TARGETS[fdp.ConsumeUInt(1) % len(TARGETS)]
    STATS.runs[name] += 1
    try:
        target(fdp)
    except Exception:
        STATS.crashes += 1
        STATS.report()  # libFuzzer stops at the first crash, without running exit handlers
        raise


# --------------------------------------------------------------------------- seeds


def encode(target: str, header: Sequence[int], payload: str | bytes) -> bytes:
    """An input for ``target``: its index, the control bytes, then the text."""
    index = [name for name, _ in TARGETS].index(target)
    body = payload.encode("utf-8") if isinstance(payload, str) else payload
    return bytes([index, *header]) + body


def slot_bytes(*values: tuple[int, int]) -> list[int]:
    """Control bytes of SLOTS values given as (mantissa, exponent 0–8), passed as Decimal."""
    out: list[int] = []
    for mantissa, exponent in (*values, *[(1, 0)] * SLOTS)[:SLOTS]:
        out += [*mantissa.to_bytes(3, "little", signed=True), exponent, 0]
    return out


def case_texts() -> tuple[list[str], list[str]]:
    """Formulas and rulebooks of grammar/cases/*.toml and tests/golden/ (empty if absent)."""
    formulas: list[str] = []
    books_text: list[str] = []
    for path in sorted((ROOT / "grammar" / "cases").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        books_text += [text for text in data.get("contexts", {}).values() if isinstance(text, str)]
        for case in data.get("case", []):
            if isinstance(case.get("formula"), str):
                formulas.append(case["formula"])
            if isinstance(case.get("rulebook"), str):
                books_text.append(case["rulebook"])
    golden = ROOT / "tests" / "golden"
    for path in sorted(golden.glob("formulas*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        formulas += [line for line in lines if line.strip() and not line.startswith("#")]
    books_text += [p.read_text(encoding="utf-8") for p in sorted(golden.glob("*.kinerja"))]
    return formulas, books_text


def plan_jsons() -> list[str]:
    """The docstring example plan and the demo unit's first and last quarter, as JSON."""
    plans = [example_plan()]
    for quarters in demo.load_unit().plans:
        plans += [quarters[0], quarters[-1]]
    return [plan.model_dump_json() for plan in plans]


def seeds() -> Iterator[bytes]:
    formulas, book_texts = case_texts()
    values = slot_bytes((95, 0), (100, 0), (80, 0))
    for text in formulas:
        yield encode("formula", [0, 0, *values], text)
    for index, book in enumerate(books()):
        for name in book.checked.funcs:
            text = f"{name}({', '.join(book.signature(name))})"
            yield encode("formula", [2 * index + 1, 0, *values], text)
            yield encode("formula", [2 * index + 1, 1, *values], text)
    for name, source in sources():
        book_texts.append(source)
        yield encode("cli", [0], source)
        yield encode("rulebook", [1, 0, *values], f'rulebook "lokal" extends "{name}"\n')
    for text in book_texts:
        yield encode("rulebook", [0, 0, *values], text)
        yield encode("rulebook", [1, 3, *values], text)
    for text in formulas[:20]:
        yield encode("cli", [1], text)
    yield encode("cli", [0], b'rulebook "r"\n\xff\xfe param x = 1\n')
    for plan in plan_jsons():
        for index in range(len(books())):
            yield encode("model", [index % 2 + 2 * (index % 3 == 0), index], plan)
    splices = ("", "\nparam zz = 1\n", "}", "def f(x) = x / 0\n", "(", "enum e { a, b }\n", "0")
    for index, (_, source) in enumerate(sources()):
        for step, splice in enumerate(splices):
            at = len(source) * step // len(splices)
            header = [index, *at.to_bytes(2, "little"), step % 3, step, *values]
            yield encode("bundled", header, splice)


def write_seeds(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    written = set()
    for data in seeds():
        digest = hashlib.sha1(data).hexdigest()
        if digest not in written:
            written.add(digest)
            (folder / f"seed-{TARGETS[data[0]][0]}-{digest[:16]}").write_bytes(data)
    return len(written)


# --------------------------------------------------------------------------- main


def own_options(argv: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split off ``--seed-corpus DIR`` and ``--show FILE…``; the rest is for libFuzzer."""
    rest: list[str] = []
    seed_dirs: list[str] = []
    show: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--seed-corpus":
            seed_dirs.append(next(items, ""))
        elif arg.startswith("--seed-corpus="):
            seed_dirs.append(arg.split("=", 1)[1])
        elif arg == "--show":
            show += list(items)
        else:
            rest.append(arg)
    if "" in seed_dirs:
        sys.exit("--seed-corpus needs a directory")
    return rest, seed_dirs, show


def at_exit(report: Callable[[], None]) -> None:
    """Run ``report`` when libFuzzer ends the process with C ``exit()``.

    ``atheris.Fuzz()`` never returns, so Python's ``atexit`` handlers do not run; a C exit
    handler (glibc's ``__cxa_atexit``, else ``atexit``) does. Silently nothing if neither is found.
    """
    libc = ctypes.CDLL(None)
    callback: object
    if hasattr(libc, "__cxa_atexit"):  # glibc
        callback = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda _: report())
        libc.__cxa_atexit(callback, None, None)
    elif hasattr(libc, "atexit"):
        callback = ctypes.CFUNCTYPE(None)(report)
        libc.atexit(callback)
    else:
        return
    _KEEP.append(callback)  # the C library holds a pointer to it: keep it alive


_KEEP: list[object] = []


def show(paths: Sequence[str]) -> None:
    """Run saved inputs once, printing every call with its input and outcome."""
    STATS.show = True
    for path in paths:
        data = Path(path).read_bytes()
        print(f"== {path}: target {TARGETS[data[0] % len(TARGETS)][0] if data else 'formula'}")
        TestOneInput(data)


def main(argv: list[str]) -> None:
    args, seed_dirs, to_show = own_options(argv)
    books()  # load and compile every bundled rulebook and build the parser before timing
    Formula.parse("1 + 1").evaluate()
    if to_show:
        show(to_show)
        return
    corpora = [arg for arg in args[1:] if not arg.startswith("-")]
    for folder in map(Path, corpora):
        if not folder.exists() or (folder.is_dir() and not any(folder.iterdir())):
            count = write_seeds(folder)
            print(f"kinerja fuzz: wrote {count} seeds to {folder}/", file=sys.stderr)
    for name in seed_dirs:
        count = write_seeds(Path(name))
        print(f"kinerja fuzz: wrote {count} seeds to {name}/", file=sys.stderr)
        args.append(name)
    for arg in args:  # libFuzzer does not create the folder of its artifact prefix
        if arg.startswith("-artifact_prefix=") and arg.endswith("/"):
            Path(arg.split("=", 1)[1]).mkdir(parents=True, exist_ok=True)
    print(f"kinerja fuzz: kinerja_engine {kinerja_engine.__version__}", file=sys.stderr)
    at_exit(STATS.report)
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
