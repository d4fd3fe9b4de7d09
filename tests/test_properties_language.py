"""Hypothesis properties of the rules language (docs/language.md §5 "Numbers", §8 "Limits"):
round trips, robustness on any text, determinism, exactness, and agreement of the fast (Decimal)
and exact (Fraction) paths.

Strategies come from :mod:`kinerja_engine.testing`, the module users property-test their own
rules with, so these tests also keep that module honest.

Library bugs found here were fixed; their tests remain as regression tests. Where a
property would trip over one of them, it tolerates exactly that bug through one named predicate
(``_known_*``); when the bug is fixed the xfail test passes, fails as strict, and the predicate
should be deleted together with the marker.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_engine import Formula, KinerjaError, Rulebook
from kinerja_engine.language.nodes import Expr, Num
from kinerja_engine.language.parser import parse_formula, parse_rulebook
from kinerja_engine.language.printer import print_expr, print_rulebook
from kinerja_engine.testing import (
    decimals_for_inputs,
    formula_asts,
    formula_texts,
    numeric_formulas,
    rulebook_asts,
    rulebook_texts,
)
from kinerja_engine.values import fraction_to_decimal, normalize
from workmeter import count_calls, linear_budget

INPUTS = ("x", "y", "z")
# Wide enough that converting any exact result in the tests themselves never rounds.
WIDE = Context(prec=2_000)

# Strings that are not texts of the language at all: arbitrary unicode and decoded bytes.
junk_texts = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", errors="replace")),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)
inputs = st.fixed_dictionaries({name: decimals_for_inputs() for name in INPUTS})


# --------------------------------------------------------------------------- helpers


def _internal(exc: KinerjaError) -> bool:
    """An "internal error" is a non-KinerjaError that the API's last-resort guard wrapped."""
    return type(exc) is KinerjaError and exc.__cause__ is not None


def _bounded(action: Callable[[], Any], size: int) -> tuple[Any, KinerjaError | None]:
    """Run ``action``; return its result or its KinerjaError, and assert its work was bounded.

    Every public call answers after work linear in its text, whatever the text
    (docs/language.md §8 "Limits"): counted as function calls, at most ``linear_budget(size)``
    for ``size`` characters of text and input digits. Anything that is not a KinerjaError
    propagates and fails the test.
    """
    counted = count_calls(action)
    assert counted.calls <= linear_budget(size), f"{counted.calls} calls for {size} characters"
    return counted.result, counted.error


def _size(text: str, values: dict[str, Decimal]) -> int:
    """Characters read by an evaluation: the formula's text and its inputs' digits."""
    return len(text) + sum(len(str(value)) for value in values.values())


def _exact_decimal(value: Fraction) -> Decimal:
    """The brief's conversion: fraction_to_decimal then normalize, under a context wide enough
    that a terminating fraction is converted without rounding (see bug A)."""
    with localcontext(WIDE):
        return normalize(fraction_to_decimal(value))


def _formula(ast: Expr) -> Formula:
    formula = Formula.parse(print_expr(ast))
    assert formula.result_type == "number"
    return formula


def _bindings(formula: Formula, values: dict[str, Decimal]) -> dict[str, Decimal]:
    return {name: values[name] for name in formula.names}


# --------------------------------------------------------------------------- (a) round trips


@given(formula_asts())
def test_formula_ast_round_trips(ast: Expr) -> None:
    assert parse_formula(print_expr(ast)) == ast


@given(rulebook_asts())
def test_rulebook_ast_round_trips(node: Any) -> None:
    assert parse_rulebook(print_rulebook(node)) == node


# --------------------------------------------------------------------------- (b) robustness


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(formula_texts(), junk_texts))
def test_any_formula_text_parses_or_raises_kinerja_error_after_bounded_work(text: str) -> None:
    _, error = _bounded(lambda: Formula.parse(text), len(text))
    assert error is None or not _internal(error), error


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(rulebook_texts(), junk_texts, junk_texts.map(lambda t: f'rulebook "r" {t}')))
def test_any_rulebook_text_parses_or_raises_kinerja_error_after_bounded_work(text: str) -> None:
    _, error = _bounded(lambda: Rulebook.parse(text), len(text))
    assert error is None or not _internal(error), error


# --------------------------------------------------------------------------- (c), (d) evaluation


@given(numeric_formulas(INPUTS), inputs)
def test_numeric_formula_gives_a_decimal_or_a_kinerja_error(
    ast: Expr, values: dict[str, Decimal]
) -> None:
    formula = _formula(ast)
    bindings = _bindings(formula, values)
    result, error = _bounded(lambda: formula.evaluate(**bindings), _size(print_expr(ast), bindings))
    if error is None:
        assert isinstance(result, Decimal) and result.is_finite()
    else:
        assert not _internal(error), error


@given(numeric_formulas(INPUTS), inputs)
def test_evaluation_is_deterministic(ast: Expr, values: dict[str, Decimal]) -> None:
    def outcome(formula: Formula) -> tuple[str, str]:
        try:
            result = formula.evaluate(**_bindings(formula, values))
        except KinerjaError as exc:
            return type(exc).__name__, exc.message
        # repr, not ==: the same digits and exponent, bit for bit, not merely the same number.
        return "ok", repr(result)

    formula = _formula(ast)
    first = outcome(formula)
    assert outcome(formula) == first
    assert outcome(_formula(ast)) == first  # a fresh parse and compile, too


# --------------------------------------------------------------------------- (e) exactness


@given(decimals_for_inputs(), decimals_for_inputs())
def test_division_then_multiplication_is_exact(a: Decimal, b: Decimal) -> None:
    if b == 0:
        b = Decimal(7)
    assert Formula.parse("a / b * b == a").evaluate(a=a, b=b) is True
    assert Formula.parse("(a + b) - b == a").evaluate(a=a, b=b) is True


# --------------------------------------------------------------------------- (f) fast = exact


@given(numeric_formulas(INPUTS, max_digits=20), inputs)
def test_fast_path_agrees_with_exact_path(ast: Expr, values: dict[str, Decimal]) -> None:
    formula = _formula(ast)
    bindings = _bindings(formula, values)
    try:
        exact = formula.evaluate_exact(**bindings)
    except KinerjaError as exact_error:
        # Both paths report the same problem; the fast path never "succeeds" around an error.
        with pytest.raises(type(exact_error)):
            formula.evaluate(**bindings)
        return
    assert isinstance(exact, Fraction)
    # The compiled hot path (Decimal with Fraction fallback) is exact, with no conversion.
    raw = formula.function(*(Decimal(bindings[name]) for name in formula.inputs))
    assert Fraction(raw) == exact
    fast, error = _bounded(lambda: formula.evaluate(**bindings), _size(print_expr(ast), bindings))
    assert error is None, error
    assert isinstance(fast, Decimal)
    expected = _exact_decimal(exact)
    if exact.denominator == 1 or _terminates(exact):
        assert fast == expected
    else:  # 1/3: the documented 34 significant digits, half up
        assert fast == normalize(fraction_to_decimal(exact))


def _terminates(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


# --------------------------------------------------------------------------- (g) canonical form


@given(formula_asts())
def test_printer_is_idempotent_on_asts(ast: Expr) -> None:
    once = print_expr(ast)
    assert print_expr(parse_formula(once)) == once


@given(formula_texts())
def test_printer_is_idempotent_on_texts(text: str) -> None:
    try:
        ast = parse_formula(text)
    except KinerjaError:
        return
    once = print_expr(ast)
    assert print_expr(parse_formula(once)) == once


@given(rulebook_asts())
def test_printer_is_idempotent_on_rulebooks(node: Any) -> None:
    once = print_rulebook(node)
    assert print_rulebook(parse_rulebook(once)) == once


# --------------------------------------------------------------------------- slow fuzz


@pytest.mark.fuzz
@settings(max_examples=100_000, deadline=None, database=None)
@given(st.one_of(formula_texts(), junk_texts, formula_asts().map(print_expr)), inputs)
def test_fuzz_100k_texts_parse_check_evaluate(text: str, values: dict[str, Decimal]) -> None:
    # Run with: pytest -m fuzz tests/test_properties_language.py (about 10 minutes).
    formula, error = _bounded(lambda: Formula.parse(text), len(text))
    assert error is None or not _internal(error), error
    if formula is None or any(t != "number" for t in formula.inputs.values()):
        return
    if "self" in formula.names:  # bug I: see test_safety.test_input_named_self_can_be_evaluated
        return
    bindings = _bindings(formula, values)
    _, error = _bounded(lambda: formula.evaluate(**bindings), _size(text, bindings))
    assert error is None or not _internal(error), error


# --------------------------------------------------------------------------- known bugs


def test_long_percent_literal_round_trips() -> None:
    # Regression: parser and printer once scaled percents under the caller's decimal context
    # (28 digits by default) and silently rounded long percent literals.
    value = Decimal("100.00000000000000000000000001")  # written 10000.000000000000000000000001%
    text = "10000.000000000000000000000001%"
    assert parse_formula(text) == Num(value, percent=True)
    assert print_expr(Num(value, percent=True)) == text


def test_percent_literal_does_not_depend_on_callers_decimal_context() -> None:
    # Regression: the same formula must give the same result whatever the caller's context.
    with localcontext(Context(prec=3)):
        assert Formula.parse("12.345%").evaluate() == Decimal("0.12345")


def test_exact_path_result_is_not_rounded() -> None:
    # Regression: fraction_to_decimal once rounded terminating results to the caller's
    # context (28 digits), so the exact path returned fewer digits than the fast path.
    x = "1." + "1" * 40
    assert Formula.parse("x / 3 * 3").evaluate(x=x) == Decimal(x)
    with localcontext(Context(prec=3)):
        assert Formula.parse("x / 3 * 3").evaluate(x=x) == Decimal(x)


@pytest.mark.parametrize(
    ("text", "bindings", "expected"),
    [
        ("x / y", {"x": 1, "y": "0.0001"}, Decimal(10_000)),
        ("x", {"x": Decimal("1E+3")}, Decimal(1000)),
        ("x * y", {"x": 10**59, "y": 10**59}, Decimal(10**118)),
    ],
    ids=["divide-by-0.0001", "input-1E+3", "huge-product"],
)
def test_positive_exponent_results_are_returned(
    text: str, bindings: dict[str, Any], expected: Decimal
) -> None:
    assert Formula.parse(text).evaluate(**bindings) == expected


def test_rulebook_name_with_nul_character() -> None:
    # Found by test_any_rulebook_text_parses_or_raises_kinerja_error_after_bounded_work.
    book = Rulebook.parse('rulebook "\x00" def f(x) = x')
    assert book.evaluate("f", x=1) == 1
