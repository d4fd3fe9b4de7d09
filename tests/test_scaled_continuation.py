"""Differential property: a repeating quotient's continuation (language/scaled.py) is exact.

A formula's always-evaluated divisions of inputs are hoisted into statements; where one raises
``Inexact`` (``95 / 90`` repeats) the entry goes on with that quotient ``n / d`` carried scaled
(every value that depends on it is ``x · d^k``) instead of starting over on the mixed path.
Hypothesis draws formulas made of the shapes this touches: caps and weights on quotients
(``min(x / z, 1.2) * 30``), several quotients (of one divisor or of several), products of two
quotients (degree 2), a quotient divided again, compared on exact boundaries (``x / z * z ==
x``, ``x / z == 1.2`` with ``108 / 90``), selected by ``clamp``/``max``/``abs``/``between``,
bound by ``let``, next to zero guards and under branches (never hoisted out of them); inputs
include 0, negative divisors and numbers long enough to take the finisher's exact way out. Every
entry must give the value and the error of the exact (``Fraction``) path. The finisher is
checked on its own against ``values.fraction_to_decimal``, on values whose exact result is a
finite decimal of more than 34 digits. Counts, never time (``tests/test_binder.py``).
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kinerja_engine import Formula, KinerjaError, UsageError
from kinerja_engine.language.checker import check_formula
from kinerja_engine.language.compiler import Program, compile_formula, to_result
from kinerja_engine.language.parser import parse_formula
from kinerja_engine.language.scaled import finish_result, finish_value
from kinerja_engine.values import fraction_to_decimal, normalize

VALUES = (
    "90", "108", "95", "7", "-9", "0", "1", "3", "12", "0.3", "1.2", "-0.7", "2.5",
    "1E+3", "1234567", "98765432109876543210.5", "0.000001",
)  # fmt: skip

_quotient = st.tuples(st.sampled_from("xyw"), st.sampled_from(("z", "w", "y", "3", "-7", "0.9")))
_q = _quotient.map(lambda t: f"{t[0]} / {t[1]}")
_number = st.sampled_from(("x", "y", "z", "w", "1.2", "30", "0", "1 / 3", "120%"))


def _shapes(q: str, other: str, r: str) -> list[str]:
    return [
        f"min({q}, 1.2) * 30",
        f"cap({q}, {other})",
        f"{q}",
        f"({q}) * ({r})",
        f"{q} / {other}",
        f"if z == 0 then 0 else {q}",
        f"if {q} > 1 then 1 else {r}",
        f"let p = {q} in p * 3 - p + {other}",
        f"clamp({q}, 0, {other})",
        f"(if between({q}, 0.5, {other}) then 2 else -2)",
        f"abs({r} - {q})",
        f"max({q}, {r}, 0.9)",
        f"({q}) * z - x",
        f"(if {q} * z == x then 1 else 0)",
        f"(if {q} * z - x == 0 then {r} else 2)",
        f"(if {q} == 1.2 then {other} else -{q})",
        f"(if {q} >= {r} and {q} * 2 != {other} or not {q} < 0 then {q} else 0)",
        f"-({q}) + {other} - {r}",
    ]


@st.composite
def _term(draw: st.DrawFn) -> str:
    q, r, other = draw(_q), draw(_q), draw(_number)
    return f"({draw(st.sampled_from(_shapes(q, other, r)))})"


FORMULAS = st.lists(_term(), min_size=1, max_size=4).map(" + ".join) | _term()
BINDINGS = st.fixed_dictionaries({n: st.sampled_from(VALUES).map(Decimal) for n in "xyzw"})


def _outcome(action: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    try:
        value = action(*args, **kwargs)
    except KinerjaError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    return ("value", repr(value))


def _program(text: str) -> Program:
    return compile_formula(check_formula(parse_formula(text), text))


_SUM = "min(x / z, 1.2) * 30 + min(y / w, 1.2) * 25 + y / 8"
_AT = {"x": Decimal(95), "y": Decimal(88), "z": Decimal(90), "w": Decimal(80)}


@settings(max_examples=3 * settings().max_examples)  # the profile's, three times
@given(FORMULAS, BINDINGS)
@example(_SUM, _AT)
@example(_SUM, {**_AT, "y": Decimal(7)})  # two repeating quotients: the mixed path
@example(_SUM, {**_AT, "x": Decimal(108)})  # 108 / 90 == 1.2: the cap's exact boundary
@example("min(x / z, 1.2) * 30 + (x / z) * (y / z)", _AT)  # degree 2
@example("(x / z) + (y / w)", {**_AT, "w": Decimal(0)})  # a quotient, then a zero divisor
@example("if z == 0 then 0 else x / z", {**_AT, "z": Decimal(0)})  # the guard guards
@example("x / z * 3 + y", {**_AT, "z": Decimal(-9)})  # a negative divisor
@example("y / w + x / z", _AT)  # the quotient's degree above its left operand's
@example("y / w - (x / z) * 3", _AT)
@example("x / z - y / w", _AT)
@example("x / z + y / z", {**_AT, "z": Decimal(1234567)})  # a long divisor: the exact end
@example("x / z", {**_AT, "x": Decimal("98765432109876543210.5"), "z": Decimal(3)})
def test_every_entry_agrees_with_the_exact_path(text: str, bindings: dict[str, Decimal]) -> None:
    formula = Formula.parse(text)
    kw = {name: bindings[name] for name in formula.inputs}
    program = _program(text)
    exact = _outcome(lambda: to_result(program.call("", kw, exact=True)))
    assert _outcome(formula.evaluate, **kw) == exact, (text, kw)
    assert _outcome(formula.evaluate, **kw) == exact, (text, kw)
    assert _outcome(program.bound(), kw) == exact, (text, kw)
    assert _outcome(program.call, "", kw) == exact, (text, kw)
    if exact[0] == "value":
        reference = program.call("", kw, exact=True)
        got = formula.function(*kw.values())
        assert got == reference, (text, kw, got, reference)
        assert type(got) in (Decimal, Fraction, bool), (text, type(got))


def _carried(text: str) -> str:
    """The entries with continuations, compiled at the first repeating quotient (inputs 1,
    3, 7, 9… make every division of inputs repeat)."""
    formula = Formula.parse(text)
    formula.evaluate(**{name: (1, 3, 7, 9)[i % 4] for i, name in enumerate(formula.inputs)})
    return formula._program.source.partition("at the first repeating quotient:")[2]


def test_the_generated_shape() -> None:
    """Each hoisted division has its continuation; a guarded one stays in its branch."""
    source = _carried(_SUM)
    keyword = source.split("def formula_k")[1].split("\ndef ")[0]
    assert keyword.count("except _Inexact:") == 3 + 1  # three hoisted divisions, the fallback
    assert keyword.count("_sround(") == 3
    function = source.split("def formula_f")[1].split("\ndef ")[0]
    assert function.count("_sval(") == 3
    guarded = Formula.parse("if t == 0 then 0 else min(r / t, 1.2) * 100")._program.source
    assert not re.search(r"^ +t\d+ = _div\(", guarded, re.MULTILINE), guarded
    assert "_sval(" not in guarded and not _carried("if t == 0 then 0 else r / t")
    assert Formula.parse("if t == 0 then 0 else r / t").evaluate(r=1, t=0) == 0
    # A quotient divided by another, or passed to a builtin that computes: no continuation.
    for text in ("x / (y / z)", "round(x / z, 2)", "sum([x / z, y])"):
        assert not _carried(text), text


def _entered(action: Any) -> tuple[Any, list[str]]:
    """``action()`` and the functions of fractions.py and mixed.py it called."""
    entered: list[str] = []

    def profile(frame: Any, event: str, arg: object) -> None:
        name = frame.f_code.co_filename
        if event == "call" and name.endswith(("fractions.py", "mixed.py")):
            entered.append(frame.f_code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        return action(), entered
    finally:
        sys.setprofile(previous)


def test_a_repeating_quotient_is_evaluated_once() -> None:
    """The first repeating quotient compiles the continuations into the entries in use; from
    then on the rest of the evaluation is the continuation: the mixed path (which computes
    every division again) is not run, and a terminating evaluation is unchanged."""
    formula = Formula.parse(_SUM)
    evaluate, function = formula.evaluate, formula.function
    args = [_AT[name] for name in formula.inputs]
    before = evaluate.__code__
    assert formula.evaluate(**_AT) == Decimal("70.16666666666666666666666666666667")
    assert evaluate.__code__ is not before  # the same function object, its code carried
    for _ in range(2):
        result, entered = _entered(lambda: evaluate(**_AT))
        assert (result, entered) == (Decimal("70.16666666666666666666666666666667"), [])
        value, entered = _entered(lambda: function(*args))
        assert value == Fraction(95, 90) * 30 + Fraction(55, 2) + 11
        assert entered == ["__new__"]  # the Fraction it returns, and nothing else
    assert evaluate(x=1, y=2, z=4, w=8) == Decimal(14)


_DIGITS = st.integers(min_value=1, max_value=10**40)


@given(
    _DIGITS.map(Decimal) | st.sampled_from(("9172.50", "-0.3", "0", "1E-30")).map(Decimal),
    st.sampled_from((3, 7, 90, 1024, 3125, 6250, 999999, 1048576, 1234567, 2**60)).map(Decimal)
    | st.sampled_from(("0.9", "0.0016", "1.25", "0.000003")).map(Decimal),
    st.sampled_from((1, 2, 3)),
    st.integers(min_value=-30, max_value=30),
)
@example(Decimal(1), Decimal(1048576), 2, 0)  # 1 / 2^40: 28 digits, exactly
@example(Decimal(3), Decimal(1048576), 2, 0)
@example(Decimal(1), Decimal(2**60), 1, 0)  # 1 / 2^60: a finite decimal of 42 digits
@example(Decimal(12345678901), Decimal(2**40), 1, 0)  # a divisor of 13 digits: 39 digits
@example(Decimal(123456789012345678901234567891), Decimal(1024), 1, 0)  # 30 digits / 2^10
@example(Decimal(10**25 + 1), Decimal(1024), 2, 0)  # degree 2: 40 digits
@example(Decimal(7), Decimal("0.0016"), 2, 0)
def test_finish_gives_what_the_exact_path_writes(
    value: Decimal, d: Decimal, degree: int, shift: int
) -> None:
    value = value.scaleb(shift)
    exact = Fraction(value) / Fraction(d) ** degree
    assert finish_value(value, d, degree) == exact
    assert repr(finish_result(value, d, degree)) == repr(normalize(fraction_to_decimal(exact)))


@pytest.mark.parametrize(
    ("text", "kw"),
    [
        ("x / z * 2", {"x": 1, "z": 3}),
        ("min(x / z, 1.2) * 30 + y", {"x": 95, "z": 90, "y": 1}),
        ("(x / z) * (x / z) + 1", {"x": 1, "z": 3}),
    ],
)
def test_continuations_make_no_fraction(text: str, kw: dict[str, int]) -> None:
    """``evaluate`` on a repeating quotient builds no ``Fraction`` and no ``Quotient``
    (once the first one compiled the continuations)."""
    formula = Formula.parse(text)
    formula.evaluate(**kw)  # the first repeating quotient compiles the continuations
    result, entered = _entered(lambda: formula.evaluate(**kw))
    assert entered == [], entered
    assert repr(result) == repr(to_result(_program(text).call("", kw, exact=True)))


@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_function_names_a_non_finite_input(bad: str) -> None:
    """``Formula.function`` checks nothing on its way; a non-finite ``Decimal`` that makes an
    evaluation fail is named as an input it does not take (a ``UsageError``), not reported as
    an internal error: the continuation's exact end (``finish_value``) cannot write ``NaN``
    or ``Infinity`` as a ``Fraction``, and neither can the exact path."""
    formula = Formula.parse("min(r / t, 1.2) + s")
    formula.function(Decimal(95), Decimal(90), Decimal(0))  # compiles the continuations
    for _ in range(2):
        with pytest.raises(UsageError, match=r"input 's' \(argument 3\) must be a finite "):
            formula.function(Decimal(95), Decimal(7), Decimal(bad))
    with pytest.raises(UsageError, match=r"input 's' \(argument 3\) must be a finite "):
        Formula.parse("r / t + s").function(Decimal(95), Decimal(7), Decimal(bad))
