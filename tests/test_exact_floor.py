"""The exact floor of ``bench/formula_bench.py`` (``bench/exact_floor.py``) is exact, and
kinerja's entries make no more calls than it does.

docs/performance.md reports issue 18's formulas against that floor (the cheapest exact
hand-written code, and for ``evaluate`` that plus the input checks and normalisation it must
do). Two claims make those figures mean something, and both are checked here without a clock:

* the floor computes what kinerja computes: the same value from ``Formula.function``, the
  same digits from ``Formula.evaluate`` (or an error where kinerja reports one), on generated
  inputs with zero, negative, repeating and oversized values;
* on the formulas whose bars sit at the floor (``min(r / t, 1.2) * 100`` and lower-is-better),
  ``Formula.function`` and ``Formula.evaluate`` make at most the floor's counted calls
  (``workmeter``): any step added to the generated entry fails this test.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kinerja_engine import Formula
from workmeter import count_calls

BENCH = Path(__file__).resolve().parents[1] / "bench"
SUM5 = " + ".join(f"min(r{i} / t{i}, 1.2) * {w}" for i, w in enumerate((30, 25, 20, 15, 10), 1))
# (text, key in exact_floor.BODIES)
CASES = [
    ("min(r / t, 1.2) * 100", "min(r / t, 1.2) * 100"),
    ("if t == 0 then 0 else (2 - r / t) * 100", "if t == 0 then 0 else (2 - r / t) * 100"),
    (SUM5, "sum5"),
]
VALUES = ["95", "100", "90", "0", "-0", "7", "-3", "0.30", "1.2", "120.50", "1E+3", "2.5E-7"]


def _floor_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("exact_floor", BENCH / "exact_floor.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("exact_floor", module)
    spec.loader.exec_module(module)
    return module


FLOOR = _floor_module()


def _outcome(action: Any, *args: Any, **kwargs: Any) -> tuple[str, Any]:
    try:
        return "value", action(*args, **kwargs)
    except Exception as exc:  # the floor raises Python's errors, kinerja its own
        return "error", type(exc).__name__


def _draw(rng: random.Random) -> Decimal:
    roll = rng.random()
    if roll < 0.7:
        return Decimal(rng.choice(VALUES))
    if roll < 0.9:
        return Decimal(rng.randint(-(10**6), 10**6)).scaleb(-rng.randint(0, 4))
    digits = "".join(rng.choice("123456789") for _ in range(rng.choice([59, 60, 61, 70])))
    return Decimal(f"{digits}E{rng.randint(-130, 130)}")  # near and past the input limits


@pytest.mark.parametrize(("text", "key"), CASES)
def test_the_floor_computes_what_kinerja_computes(text: str, key: str) -> None:
    formula = Formula.parse(text)
    names = list(formula.inputs)
    floors = FLOOR.floors(key, names, formula.evaluate)
    floor, floor_evaluate = floors.function, floors.evaluate
    rng = random.Random(f"floor {text}")
    compared = 0
    for _ in range(300):
        values = [_draw(rng) for _ in names]
        kw = dict(zip(names, values, strict=True))
        expected = _outcome(formula.evaluate, **kw)
        for entry in (floor_evaluate, floors.entry):
            got = _outcome(entry, **kw)
            assert got[0] == expected[0], (kw, got, expected)
            if expected[0] == "value":
                assert repr(got[1]) == repr(expected[1]), kw
        if all(len(v.as_tuple().digits) <= 60 and abs(v.adjusted()) <= 120 for v in values):
            expected = _outcome(formula.function, *values)
            got = _outcome(floor, *values)
            assert got[0] == expected[0], (values, got, expected)
            if expected[0] == "value":
                assert Fraction(got[1]) == Fraction(expected[1]), values
                compared += 1
    # With kinerja's signature, positional inputs and unknown names are kinerja's errors.
    assert _outcome(floors.entry, 1) == _outcome(formula.evaluate, 1)
    assert _outcome(floors.entry, nama=1) == _outcome(formula.evaluate, nama=1)
    assert compared > 50  # many draws are inputs both take (a zero target is an error)


# Inputs on the fast path (no trap): a cap that binds and one that does not, a zero, a sign.
FAST_INPUTS = {
    CASES[0][0]: [("95", "100"), ("130", "100"), ("0", "100"), ("-5", "4")],
    CASES[1][0]: [("100", "90"), ("0", "5"), ("8", "-3"), ("0.5", "1.25")],
}


@pytest.mark.parametrize(("text", "key"), CASES[:2])
def test_kinerja_makes_no_more_calls_than_the_floor(text: str, key: str) -> None:
    formula = Formula.parse(text)
    names = list(formula.inputs)
    floors = FLOOR.floors(key, names, formula.evaluate)
    floor, floor_evaluate = floors.function, floors.evaluate
    run = formula.function  # a property: its getter is a counted call
    for pair in FAST_INPUTS[text]:
        values = [Decimal(v) for v in pair]
        kw = dict(zip(names, values, strict=True))
        kinerja = count_calls(lambda kw=kw: formula.evaluate(**kw))
        hand = count_calls(lambda kw=kw: floor_evaluate(**kw))
        assert kinerja.result == hand.result and kinerja.error is None
        assert kinerja.calls <= hand.calls, (kw, kinerja.calls, hand.calls)
        function = count_calls(lambda values=values: run(*values))
        by_hand = count_calls(lambda values=values: floor(*values))
        assert function.result == by_hand.result
        assert function.calls <= by_hand.calls, (values, function.calls, by_hand.calls)
