"""``Formula.evaluate``'s generated keyword entry against the general evaluation it short-cuts.

An instance's ``evaluate`` is one generated function (``Program.keywords``) whose keyword-only
parameters are the formula's inputs and which runs the formula's fast code inline. It must give
what ``Program.call("", ·)`` gives, value for value (same digits and exponent) and error for
error (same class and message), on every input a caller can pass, under any name a caller can
pass it; its input check (``binder.check_input``) must take only what ``values.to_decimal``
takes unchanged. Its cheapness is pinned by counted calls (``workmeter``), never by time.
"""

from __future__ import annotations

import inspect
import pickle
import random
from decimal import Decimal
from typing import Any

import pytest

from kinerja_engine import Formula, KinerjaError, Rulebook
from kinerja_engine.language.binder import check_input, normalize_result
from kinerja_engine.language.checker import check_formula
from kinerja_engine.language.compiler import compile_formula
from kinerja_engine.language.parser import parse_formula
from kinerja_engine.values import MAX_INPUT_DIGITS, normalize, to_decimal
from test_binder import FORMULAS, SUM5, outcome, program_of, sum5_inputs, values_pool
from workmeter import count_calls

# Names a caller may pass that the generated code uses for itself, or that Python reserves.
ODD_NAMES = ["_args", "_extra", "result", "exc", "a0", "a1", "v0", "_kM", "type", "self"]


@pytest.mark.parametrize("text", FORMULAS)
def test_evaluate_agrees_with_the_general_path(text: str) -> None:
    formula = Formula.parse(text)
    program = program_of(text)
    names = list(formula.inputs)
    rng = random.Random(f"keywords {text}")
    for _ in range(80):
        pool = values_pool(rng)
        kw = {n: rng.choice(pool) for n in names}
        roll = rng.random()
        if roll < 0.1 and kw:
            kw.pop(rng.choice(names))
        elif roll < 0.25:
            kw[rng.choice(ODD_NAMES)] = Decimal(1)
        assert outcome(formula.evaluate, **kw) == outcome(program.call, "", kw), kw


def test_positional_inputs_are_refused_as_before() -> None:
    formula = Formula.parse("r / t")
    for args in ((1,), (1, 2), (Decimal(1), Decimal(2), 3)):
        with pytest.raises(KinerjaError, match="takes its inputs by name"):
            formula.evaluate(*args)
        with pytest.raises(KinerjaError, match="takes its inputs by name"):
            formula.evaluate(*args, r=1, t=2)


def test_inputs_named_like_python_keywords_or_the_generated_code() -> None:
    """Input names are data in the code object, not source: any name the language allows."""
    for name in ("class", "lambda", "None", "return", "result", "exc", "a0", "a1", "type"):
        formula = Formula.parse(f"{name} * 2 + other")
        program = program_of(f"{name} * 2 + other")
        for kw in ({name: 3, "other": 1}, {name: Decimal("1.50"), "other": 0}, {name: 1}):
            assert outcome(formula.evaluate, **kw) == outcome(program.call, "", kw), kw
        assert formula.evaluate(**{name: 3, "other": 1}) == Decimal(7)


def test_every_path_of_the_entry_agrees() -> None:
    """Fast, mixed (a repeating quotient), exact (a division by zero) and error paths."""
    text = "if t == 0 then r / (t - t) else min(r / t, 1.2) * 100 + r / 3"
    formula = Formula.parse(text)
    program = program_of(text)
    for t, r in ((100, 95), (90, 95), (Decimal("0.00"), 1), (3, Decimal("1E+120")), (7, "2")):
        kw = {"t": t, "r": r}
        assert outcome(formula.evaluate, **kw) == outcome(program.call, "", kw), kw


def test_bool_label_and_list_inputs() -> None:
    book = Rulebook.parse('rulebook "r" enum kategori { tinggi, rendah }')
    cases = [
        ("if b then x else x / 3", None, [{"b": True, "x": 2}, {"b": 1, "x": 2}, {"x": 1}]),
        ("if k == kategori.tinggi then x else 0", book, [{"k": "tinggi", "x": 2}, {"k": 3}]),
        ("sum(xs) / 3", None, [{"xs": [1, 2]}, {"xs": "12"}, {"xs": [1], "y": 2}]),
    ]
    for text, rulebook, inputs in cases:
        formula = Formula.parse(text, rulebook=rulebook)
        checked = check_formula(parse_formula(text), text, book=rulebook and rulebook.checked)
        program = compile_formula(checked)
        for kw in inputs:
            expected = outcome(program.call, "", kw)
            assert outcome(formula.evaluate, **kw) == expected, (text, kw)


def test_the_entry_is_introspectable_and_the_class_method_still_works() -> None:
    formula = Formula.parse("cap(r / t, 120%) * 100")
    assert str(inspect.signature(formula.evaluate)) == "(*args, **inputs)"
    assert Formula.evaluate(formula, r=95, t=100) == formula.evaluate(r=95, t=100)
    assert Formula.evaluate.__doc__ and "keyword inputs" in Formula.evaluate.__doc__
    again = pickle.loads(pickle.dumps(formula))
    assert again == formula and again.evaluate(r=130, t=100) == Decimal(120)


def test_check_input_takes_only_what_to_decimal_takes_unchanged() -> None:
    rng = random.Random(29)
    taken = 0
    edges = [MAX_INPUT_DIGITS - 1, MAX_INPUT_DIGITS, MAX_INPUT_DIGITS + 1]
    for _ in range(4000):
        length = rng.choice([1, 2, 3, 12, rng.randint(1, 80), *edges])
        digits = "".join(rng.choice("0000123456789") for _ in range(length))
        exponent = rng.choice([0, -2, rng.randint(-190, 190), rng.randint(-125, -55)])
        value = Decimal(f"{rng.choice('+-')}{digits}E{exponent}")
        try:
            check_input(value)
        except ArithmeticError:
            continue
        taken += 1
        assert str(to_decimal(value)) == str(value), value
    assert taken > 2000  # the fast path is the usual one, not an accident
    for text in ("1" * MAX_INPUT_DIGITS, "0E-120", "1E+120", "1E-61", "-0.00"):
        check_input(Decimal(text))  # takes these
    for text in ("1" * (MAX_INPUT_DIGITS + 1), "0E-121", "1E+121", "0E+121", "sNaN"):
        with pytest.raises(ArithmeticError):
            check_input(Decimal(text))


def test_normalize_result_agrees_on_values_of_fast_path_sizes() -> None:
    rng = random.Random(31)
    for _ in range(3000):
        digits = "".join(rng.choice("0000123456789") for _ in range(rng.randint(1, 80)))
        value = Decimal(f"{rng.choice('+-')}{digits}E{rng.randint(-260, 260)}")
        assert str(normalize_result(value)) == str(normalize(value)), value


ISSUE_FORMULAS = [
    ("min(r / t, 1.2) * 100", {"r": Decimal(95), "t": Decimal(100)}),
    (SUM5, sum5_inputs(100)),
    (SUM5, sum5_inputs(90)),
    ("if t == 0 then 0 else (2 - r / t) * 100", {"t": Decimal(100), "r": Decimal(90)}),
]


@pytest.mark.parametrize(
    ("text", "kw", "most"),
    [(text, kw, most) for (text, kw), most in zip(ISSUE_FORMULAS, (10, 34, 69, 10), strict=True)],
)
def test_calls_per_evaluate_of_issue_18s_formulas(text: str, kw: dict[str, Any], most: int) -> None:
    """Counted calls per ``evaluate(**kw)``, pinned (measured: 10, 34, 69, 10; before fused
    multiply-adds and the inline-typed mixed code: 10, 38, 95, 11).

    Beyond the formula's own (``function``'s count, less its frame), the entry adds per
    number input ``type``, ``is_finite`` and ``check_input``, and the result's normalisation.
    """
    formula = Formula.parse(text)
    formula.evaluate(**kw)  # the mixed path is compiled on first use
    counted = count_calls(lambda: formula.evaluate(**kw))
    assert counted.error is None
    assert counted.calls <= most + 1, counted.calls
    own = count_calls(lambda: formula.function(*kw.values())).calls
    assert counted.calls <= own + 3 * len(kw) + 2, (counted.calls, own)
