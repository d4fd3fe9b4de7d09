"""The generated binder (language/binder.py) against the general evaluation it short-cuts.

``Program.bound(name)`` must give what ``Program.call(name, ·)`` gives, value for value (same
digits and exponent) and error for error (same class and message), on every input a caller can
pass: Decimals of every size and shape, ints at the size limit, bools, strings, floats,
Fractions, NaN and infinities, Decimal subclasses, labels, lists, missing and extra names. Its
cheapness is pinned by counted calls (``workmeter``), never by time.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from kinerja_engine import Formula, KinerjaError, Rulebook
from kinerja_engine.language.binder import normalize_result
from kinerja_engine.language.checker import check_formula
from kinerja_engine.language.compiler import Program, compile_formula
from kinerja_engine.language.parser import parse_formula
from kinerja_engine.values import Label, normalize
from workmeter import count_calls

FORMULAS = [
    "min(r / t, 1.2) * 100",
    "if t == 0 then 0 else (2 - r / t) * 100",
    "r / t",
    "r * t",
    "r - t",
    "if b then r else t",
    "r / t * 3 == 1",
    "[r, t]",
    "mean([r, t])",
]


class Sub(Decimal):
    """A Decimal subclass: not the fast path's exact type."""


def values_pool(rng: random.Random) -> list[Any]:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 70)))
    exponent = rng.randint(-130, 130)
    return [
        Decimal(rng.randint(-(10**6), 10**6)),
        Decimal(f"{digits}E{exponent}"),
        Decimal(f"-{digits[: rng.randint(1, 62)]}.{'0' * rng.randint(0, 4)}"),
        Decimal("0.00"),
        Decimal("-0"),
        Decimal("0E+5"),
        Decimal(f"1E{rng.randint(-125, 125)}"),
        Decimal("NaN"),
        Decimal("-Infinity"),
        Decimal("sNaN"),
        Sub("3.5"),
        rng.randint(-(10**6), 10**6),
        10**60 - 1,
        -(10**60),
        10**60,
        True,
        False,
        str(rng.randint(-999, 999)) + ".50",
        "1e5",
        rng.random() * 100,
        float("nan"),
        Fraction(rng.randint(-50, 50), rng.randint(1, 12)),
        Fraction(1, 2**300),
        None,
        [Decimal(1), 2],
        (Decimal(3),),
        Label("kategori", "tinggi"),
    ]


def outcome(action: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    try:
        value = action(*args, **kwargs)
    except KinerjaError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    return ("value", repr(value))


def program_of(text: str) -> Program:
    return compile_formula(check_formula(parse_formula(text), text))


@pytest.mark.parametrize("text", FORMULAS)
def test_binder_agrees_with_the_general_path(text: str) -> None:
    program = program_of(text)
    names = [n for n, _ in program.signature()]
    bound = program.bound()
    rng = random.Random(text)
    for _ in range(60):
        pool = values_pool(rng)
        kw = {n: rng.choice(pool) for n in names}
        # Sometimes a missing or an extra name.
        roll = rng.random()
        if roll < 0.1 and kw:
            kw.pop(rng.choice(names))
        elif roll < 0.2:
            kw["extra"] = Decimal(1)
        assert outcome(bound, kw) == outcome(program.call, "", kw), kw


def test_every_pair_of_special_inputs_agrees() -> None:
    program = program_of("min(r / t, 1.2) * 100")
    pool = values_pool(random.Random(7))
    bound = program.bound()
    for r in pool:
        for t in pool:
            kw = {"r": r, "t": t}
            assert outcome(bound, kw) == outcome(program.call, "", kw), kw


def test_rulebook_definitions_with_labels_and_bools_agree() -> None:
    book = Rulebook.parse(
        'rulebook "r" enum kategori { tinggi, rendah }\n'
        "def f(x, k: kategori, b: bool) = if b and k == kategori.tinggi then x / 3 else x\n"
        "def g(x, b: bool) = if b then x * 2 else x / 4\n"
    )
    rng = random.Random(3)
    for name, params in (("f", ("x", "k", "b")), ("g", ("x", "b"))):
        bound = book.program.bound(name)
        for _ in range(200):
            pool = [*values_pool(rng), "tinggi", "Rendah", "nope"]
            kw = {p: rng.choice(pool) for p in params}
            expected = outcome(book.program.call, name, kw)
            assert outcome(bound, kw) == expected, kw


def test_formula_evaluate_uses_the_same_semantics() -> None:
    formula = Formula.parse("if t == 0 then 0 else (2 - r / t) * 100")
    program = program_of("if t == 0 then 0 else (2 - r / t) * 100")
    for t, r in ((100, Decimal("90.0")), (0, 5), ("3", Fraction(1, 3)), (Decimal("1E+2"), 1)):
        kw = {"t": t, "r": r}
        assert outcome(formula.evaluate, **kw) == outcome(program.call, "", kw)


def test_normalize_result_is_values_normalize() -> None:
    rng = random.Random(11)
    samples = ["0", "-0.00", "0E+9", "1E+2", "95.00", "-1.50E+3", "1" * 250, "1" * 250 + "E-300"]
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 90)))
        samples.append(f"{rng.choice('+-')}{digits}E{rng.randint(-300, 300)}")
    for text in samples:
        value = Decimal(text)
        assert str(normalize_result(value)) == str(normalize(value)), text


def test_evaluate_costs_a_handful_of_calls() -> None:
    """Bound inputs cost no conversion call: evaluate, the binder, the formula, normalising."""
    formula = Formula.parse("min(r / t, 1.2) * 100")
    kw = {"r": Decimal(95), "t": Decimal(100)}
    counted = count_calls(lambda: formula.evaluate(**kw))
    assert counted.result == Decimal(95)
    # 10 counted calls with Decimals, 8 with ints (one Python frame, the generated keyword
    # entry; the rest are type() and Decimal methods); the general path made 74 and 57, the
    # previous binder 16 and 10.
    assert counted.calls <= 12, counted.calls
    ints = count_calls(lambda: formula.evaluate(r=95, t=100))
    assert ints.calls <= 10, ints.calls


SUM5 = " + ".join(f"min(r{i} / t{i}, 1.2) * {w}" for i, w in enumerate((30, 25, 20, 15, 10), 1))


def sum5_inputs(first_target: int) -> dict[str, Decimal]:
    pairs = ((95, first_target), (88, 80), (40, 50), (12, 10), (7, 8))
    return {
        k: Decimal(v) for i, (r, t) in enumerate(pairs, 1) for k, v in ((f"r{i}", r), (f"t{i}", t))
    }


def test_a_repeating_quotient_stays_off_fractions() -> None:
    """One target of 90 (95 / 90 repeats) costs a few more calls, and no Fraction arithmetic."""

    formula = Formula.parse(SUM5)
    terminating, repeating = sum5_inputs(100), sum5_inputs(90)
    entered: list[str] = []

    def profile(frame: Any, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_filename.endswith("fractions.py"):
            entered.append(frame.f_code.co_name)

    # The first repeating quotient generates and compiles the formula's continuations
    # (language/scaled.py, folding constants with Fractions as any compilation does); the
    # evaluations from then on are the ones counted.
    first = formula.evaluate(**repeating)
    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = formula.evaluate(**repeating)
    finally:
        sys.setprofile(previous)
    assert entered == [] and result == first
    assert repr(result) == repr(program_of(SUM5).call("", repeating, exact=False))
    # Counted: 41 calls, a terminating evaluation 36 (the repeating quotient's continuation,
    # language/scaled.py: five more C calls, no Python frame). Before it, 71 (re-running the
    # mixed path) and 104 before the mixed code tested types inline; the exact path made 571.
    cheap = count_calls(lambda: formula.evaluate(**terminating)).calls
    mixed = count_calls(lambda: formula.evaluate(**repeating)).calls
    assert mixed <= cheap + 8, (mixed, cheap)
    assert mixed <= 48, mixed


def test_the_mixed_path_keeps_comparisons_exact() -> None:
    for text, kw, expected in (
        ("x / 3 * 3 == 1", {"x": 1}, True),
        ("x / 3 > 0.3333333333333333333333333333333333", {"x": 1}, True),
        ("if x / 7 * 7 == x then 1 else 0", {"x": Decimal("2.5")}, Decimal(1)),
        ("min(x / 9, 1) * 9 + 1 / 3", {"x": 1}, Decimal("1.333333333333333333333333333333333")),
        ("(x / 3 + y / 6) * 2", {"x": 1, "y": 1}, Decimal(1)),
        ("x / 3 / (y / 7)", {"x": 1, "y": 1}, Decimal("2.333333333333333333333333333333333")),
    ):
        formula = Formula.parse(text)
        assert formula.evaluate(**kw) == expected, text
        assert outcome(formula.evaluate, **kw) == outcome(program_of(text).call, "", kw), text


def test_rulebook_membership_is_by_name_lookup() -> None:
    """``name in book`` holds exactly for the definitions' names, at a constant count of calls."""
    from kinerja_engine import rulebooks

    for bundled in rulebooks.names():
        book = rulebooks.load(bundled)
        names = [d.name for d in book.ast.definitions]
        assert all(name in book for name in names)
        assert not any(f"{name}_x" in book for name in names)
        assert 1 not in book and None not in book and ["a"] not in book
        last = count_calls(lambda book=book, names=names: names[-1] in book).calls
        assert last <= 5, (bundled, last)


def test_the_callers_decimal_context_changes_nothing() -> None:
    """Results and errors are the same under a tiny, trapping context of the caller's."""
    from decimal import Inexact, Rounded, localcontext

    cases = [
        ("(2 - r / t) * 100", {"r": Decimal(90), "t": Decimal(100)}),
        ("r / t", {"r": Decimal("1.2345678"), "t": Decimal(7)}),
        ("r * t", {"r": Decimal("123456.789"), "t": Decimal("1E+5")}),
        ("r - t", {"r": Decimal("0.50"), "t": Decimal("0.25")}),
    ]
    formulas = [Formula.parse(text) for text, _ in cases]
    expected = [outcome(f.evaluate, **kw) for f, (_, kw) in zip(formulas, cases, strict=True)]
    with localcontext() as context:
        context.prec = 3
        context.clear_flags()  # a copy of the thread's context: flags earlier code raised
        context.traps[Inexact] = context.traps[Rounded] = True
        got = [outcome(f.evaluate, **kw) for f, (_, kw) in zip(formulas, cases, strict=True)]
        assert not context.flags[Inexact] and not context.flags[Rounded]
    assert got == expected
