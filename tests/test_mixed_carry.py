"""Differential property: the mixed carry (:mod:`kinerja_engine.language.mixed`) is exact.

A repeating quotient (``95 / 90``) makes the fast (Decimal) path raise; the mixed path then
carries it as a ``Decimal`` numerator over an integer denominator instead of redoing the whole
evaluation in ``Fraction``. Hypothesis draws formulas built to make such quotients (divisors
3, 7, 9, 90, 0.3, …), to carry them through sums, products, caps and ``let``, and to compare
them on exact boundaries (``x / 3 * 3 == x``, ``x / 9 <= 1 / 9``); every entry must give the
value and the error of the exact (``Fraction``) path:

* ``Formula.evaluate`` (its keyword entry), ``Program.bound`` and ``Program.call``: the same
  result, digit for digit (``repr``), or the same error;
* ``Formula.function``: the exact value (a ``Decimal`` or a ``Fraction``);
* a rulebook's definitions (``Rulebook.function``, whose entry runs each function's mixed
  variant ``q{n}``, calling the mixed variants of its callees): the exact value.

Counts, never time, are asserted elsewhere (``tests/test_binder.py``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from kinerja_engine import Formula, KinerjaError, Rulebook
from kinerja_engine.language.checker import check_formula
from kinerja_engine.language.compiler import Program, compile_formula, to_fraction, to_result
from kinerja_engine.language.mixed import Quotient, add, divide, multiply, subtract
from kinerja_engine.language.parser import parse_formula

INPUTS = ("x", "y", "z")
# Divisors whose quotients repeat, and values on the boundaries they make.
VALUES = ("3", "7", "9", "90", "0.3", "95", "1", "0", "-6", "2.5", "12", "1.2", "100", "1E+3")
LITERALS = ("3", "7", "9", "90", "0.3", "1.2", "100", "1", "0", "2", "1 / 3", "2 / 7", "120%")

_leaf = st.sampled_from(INPUTS) | st.sampled_from(LITERALS).map(lambda t: f"({t})")


def _branches(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        st.tuples(children, st.sampled_from("+-*/"), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        # A division by a divisor that repeats (or by an input, which may be 0 or 90).
        st.tuples(children, st.sampled_from(("3", "7", "9", "90", "0.3", "y", "z"))).map(
            lambda t: f"({t[0]} / {t[1]})"
        ),
        children.map(lambda a: f"(-{a})"),
        st.tuples(st.sampled_from(("min", "max", "cap", "at_least")), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        st.tuples(children, children, children).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
        children.map(lambda a: f"abs({a})"),
        st.tuples(children, children, children, pair).map(
            lambda t: f"(if between({t[0]}, {t[1]}, {t[2]}) then {t[3][0]} else {t[3][1]})"
        ),
        st.tuples(
            children, st.sampled_from(("<", "<=", ">", ">=", "==", "!=")), children, pair
        ).map(lambda t: f"(if {t[0]} {t[1]} {t[2]} then {t[3][0]} else {t[3][1]})"),
        pair.map(lambda t: f"(let p = {t[0]} in p * 3 + {t[1]})"),
        st.lists(children, min_size=3, max_size=5).map(lambda items: f"({' + '.join(items)})"),
    )


FORMULAS = st.recursive(_leaf, _branches, max_leaves=10)
BINDINGS = st.fixed_dictionaries({name: st.sampled_from(VALUES).map(Decimal) for name in INPUTS})


def _outcome(action: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    try:
        value = action(*args, **kwargs)
    except KinerjaError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    return ("value", repr(value))


def _program(text: str) -> Program:
    return compile_formula(check_formula(parse_formula(text), text))


def _used(text: str, bindings: dict[str, Decimal]) -> dict[str, Decimal]:
    formula = Formula.parse(text)
    return {name: bindings[name] for name in formula.inputs}


_ZERO_Y = {"x": Decimal(95), "y": Decimal(0), "z": Decimal(90)}


@given(FORMULAS, BINDINGS)
@example("cap(x / z, 1.2) * 30 + min(x / 100, 1.2) * 25 + y / 7", _ZERO_Y)
@example("(x / z) + (x / y)", _ZERO_Y)  # a quotient, then a division by zero: the error
@example("if x / z * 9 == 9.5 then (1 / 3) * z else x / (z - 90)", _ZERO_Y)
def test_every_entry_agrees_with_the_exact_path(text: str, bindings: dict[str, Decimal]) -> None:
    kw = _used(text, bindings)
    program = _program(text)
    exact = _outcome(lambda: to_result(program.call("", kw, exact=True)))
    formula = Formula.parse(text)
    assert _outcome(formula.evaluate, **kw) == exact, (text, kw)
    assert _outcome(formula.evaluate, **kw) == exact, (text, kw)  # the mixed path compiled
    assert _outcome(program.bound(), kw) == exact, (text, kw)
    assert _outcome(program.call, "", kw) == exact, (text, kw)
    if exact[0] == "value":
        reference = program.call("", kw, exact=True)
        got = formula.function(*kw.values())
        assert got == reference, (text, kw, got, reference)
        assert type(got) in (Decimal, Fraction, bool), (text, type(got))


@given(FORMULAS, BINDINGS)
@example("x / z * 100", _ZERO_Y)
@example("(x / z) + (x / y)", _ZERO_Y)
def test_rulebook_functions_carry_quotients_through_calls(
    text: str, bindings: dict[str, Decimal]
) -> None:
    # The formula as a rulebook function, called (with a quotient when the divisor repeats)
    # by another function that caps and compares it: both run on their mixed variants.
    book = Rulebook.parse(
        'rulebook "r" version "1"\n'
        f"def inner(x, y, z) = {text}\n"
        "def outer(x, y, z) = if inner(x, y, z) / 3 >= x / 9 then cap(inner(x, y, z) / 7, 2)"
        " else inner(x, y, z) * 3 - y / 3\n"
    )
    args = [bindings[name] for name in INPUTS]
    for name in ("inner", "outer"):
        exact = _outcome(lambda n=name: book.program.exact(n)(*map(to_fraction, args)))
        if exact[0] == "error":
            continue  # which error is reported is the evaluate entries' business (above)
        reference = book.program.exact(name)(*map(to_fraction, args))
        assert book.function(name)(*args) == reference, (name, text, args)
        assert _outcome(book.evaluate, name, **bindings) == _outcome(
            lambda value=reference: to_result(value)
        ), (name, text)


@given(
    st.sampled_from(VALUES).map(Decimal),
    st.sampled_from(VALUES).map(Decimal),
    st.sampled_from(VALUES).map(Decimal),
)
def test_quotient_arithmetic_is_fraction_arithmetic(a: Decimal, b: Decimal, c: Decimal) -> None:
    """The helpers against ``Fraction`` on the same values, comparisons included."""
    if not b or not c:
        return
    q, r = divide(a, b), divide(c, b * 3)
    exact_q, exact_r = Fraction(a) / Fraction(b), Fraction(c) / (Fraction(b) * 3)

    def value(v: Any) -> Fraction:
        return v.fraction() if type(v) is Quotient else Fraction(v)

    assert value(q) == exact_q and value(r) == exact_r
    for got, want in (
        (add(q, r), exact_q + exact_r),
        (subtract(q, c), exact_q - Fraction(c)),
        (multiply(q, r), exact_q * exact_r),
        (divide(q, c), exact_q / Fraction(c)),
    ):
        assert value(got) == want
    assert (q < r, q <= r, q == r, q != r, q > r, q >= r) == (
        exact_q < exact_r,
        exact_q <= exact_r,
        exact_q == exact_r,
        exact_q != exact_r,
        exact_q > exact_r,
        exact_q >= exact_r,
    )
    assert (a < q, a == q, a > q) == (a < exact_q, a == exact_q, a > exact_q)


AGGREGATES = Rulebook.parse(
    'rulebook "agg" version "1"\n'
    "def wm(x, y, w: list) = weighted_mean([x / 3, y / 7, x], w) * 3\n"
    "def capped(x, y) = clamp(x / 3 + y, 0, 1 / 3) + abs(x / 9 - y) + max(x / 7, y, 1 / 7)\n"
)


@given(
    st.sampled_from(VALUES).map(Decimal),
    st.sampled_from(VALUES).map(Decimal),
    st.lists(st.sampled_from(("0", "1", "2.5", "30", "-1", "0.3")).map(Decimal), max_size=4),
)
def test_builtins_take_quotients_as_the_exact_path_does(
    x: Decimal, y: Decimal, weights: list[Decimal]
) -> None:
    """Quotients through the builtins that compute (weighted_mean, abs) and those that only
    select (clamp, max): the raw entries give the exact value, or the exact path's error."""
    program = AGGREGATES.program
    for name, args in (("wm", (x, y, tuple(weights))), ("capped", (x, y))):
        exact = _outcome(lambda n=name, a=args: program.exact(n)(*map(to_fraction, a)))
        if exact[0] == "value":
            want = program.exact(name)(*map(to_fraction, args))
            assert AGGREGATES.function(name)(*args) == want, (name, args)
        else:
            assert _outcome(lambda n=name, a=args: AGGREGATES.function(n)(*a)) == exact
