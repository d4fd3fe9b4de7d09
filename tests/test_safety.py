"""Safety probes (docs/language.md §8 "Limits"): hostile or oversized input must end
in a clear KinerjaError subclass after bounded work, never a RecursionError, a hang or Python
access.

"Bounded" is counted, never timed (see ``workmeter``): each probe counts the function calls of
the public call and asserts them within ``linear_budget`` of the characters the library may
read, and ``test_work_grows_linearly`` asserts that four times the input costs at most five
times the calls. Known failures are ``xfail(strict=True)`` with the bug in the reason, so a fix
shows up as a strict XPASS.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from kinerja_engine import (
    BindingError,
    CheckError,
    EvaluationError,
    Formula,
    KinerjaError,
    KinerjaSyntaxError,
    LimitError,
    Rulebook,
)
from kinerja_engine.language.checker import MAX_MATRIX_CELLS
from kinerja_engine.language.parser import MAX_DEPTH, MAX_FORMULA_LENGTH, MAX_RULEBOOK_LENGTH
from workmeter import MAX_GROWTH, count_calls, growth, linear_budget


@pytest.fixture(scope="module", autouse=True)
def _warm_parser() -> None:
    # The Lark parser is built once per process; that one-off cost is not the probe's.
    Formula.parse("1")


def _outcome(action: Callable[[], Any]) -> tuple[Any, KinerjaError | None, int]:
    """The result or the KinerjaError of ``action``, and the function calls it made."""
    counted = count_calls(action)
    return counted.result, counted.error, counted.calls


def _rejects(action: Callable[[], Any], *kinds: type[KinerjaError], size: int) -> KinerjaError:
    """``action`` must raise one of ``kinds`` (a proper subclass, never the bare base class that
    wraps internal errors) within the work budget of ``size`` characters read."""
    _, error, calls = _outcome(action)
    assert error is not None, "accepted hostile input"
    assert type(error) is not KinerjaError, f"internal error: {error!r} from {error.__cause__!r}"
    assert isinstance(error, kinds), repr(error)
    assert calls <= linear_budget(size), f"{calls} calls for {size} characters"
    return error


# --------------------------------------------------------------------------- size and depth

HUGE = 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1),  # within the length limit
        "1 + " * (HUGE // 4) + "1",
        "-" * 10_000 + "1",
        "-" * 5_000 + "1",  # within the length limit: the depth bound must catch it
        "not " * 10_000 + "true",
        "not " * 2_000 + "true",
        "if true then 1 else " * 10_000 + "0",
        "if true then 1 else " * 400 + "0",
        "".join(f"let a{i} = 1 in " for i in range(10_000)) + "0",
        "".join(f"let a{i} = 1 in " for i in range(500)) + "0",
        "+".join(["1"] * 2_500),  # a flat but left-deep chain
    ],
    ids=[
        "parens-10000",
        "parens-over-max-depth",
        "formula-1MB",
        "minus-10000",
        "minus-5000",
        "not-10000",
        "not-2000",
        "if-chain-10000",
        "if-chain-400",
        "let-chain-10000",
        "let-chain-500",
        "plus-chain-2500",
    ],
)
def test_oversized_or_deep_formula_is_a_limit_error(text: str) -> None:
    # Over the length limit the text is refused before it is read: the budget of the longest
    # formula accepted bounds the work, whatever the length.
    size = min(len(text), MAX_FORMULA_LENGTH)
    error = _rejects(lambda: Formula.parse(text), LimitError, size=size)
    assert "limit" in error.message or "deep" in error.message


def test_rulebook_of_1mb_is_a_limit_error() -> None:
    text = 'rulebook "r"\n' + "const a = 1\n" * (HUGE // 12)
    _rejects(lambda: Rulebook.parse(text), LimitError, size=MAX_RULEBOOK_LENGTH)


def test_power_operator_does_not_exist() -> None:
    # docs/language.md §8: no exponent bombs; there is no power operator at all.
    error = _rejects(lambda: Formula.parse("9 ^ 9 ^ 9"), KinerjaSyntaxError, size=9)
    assert error.hint is not None and "power" in error.hint


# --------------------------------------------------------------------------- big numbers

SIXTY = "9" * 60


def test_long_literal_product_over_the_limits_is_a_limit_error() -> None:
    # 200 literals of 60 digits: over the length and depth limits, so a LimitError.
    _rejects(lambda: Formula.parse(" * ".join([SIXTY] * 200)), LimitError, size=MAX_FORMULA_LENGTH)


def test_long_literal_product_within_limits_is_exact_in_bounded_work() -> None:
    # 60 digits, multiplied in balanced groups that stay within the depth bound.
    group = "(" + " * ".join(["x"] * 10) + ")"
    text = " * ".join([group] * 9)  # x ** 90, a 5,400-digit integer
    result, error, calls = _outcome(lambda: Formula.parse(text).evaluate_exact(x=SIXTY))
    assert calls <= linear_budget(len(text) + len(SIXTY)), calls
    if error is None:
        assert result == int(SIXTY) ** 90
        assert 10**5_399 <= result < 10**5_400  # 5,400 digits: 90 factors of 60 digits
    else:
        assert isinstance(error, LimitError), repr(error)


def test_squaring_let_chain_is_a_limit_error() -> None:
    text = "let a0 = x, " + ", ".join(f"a{i} = a{i - 1} * a{i - 1}" for i in range(1, 20))
    text += " in a19"
    _rejects(lambda: Formula.parse(text).evaluate(x=3), LimitError, EvaluationError, size=len(text))


def test_squaring_const_chain_is_a_limit_error() -> None:
    lines = [f"const c{i} = c{i - 1} * c{i - 1}" for i in range(1, 20)]
    text = 'rulebook "r"\nconst c0 = 3\n' + "\n".join(lines)
    _rejects(lambda: Rulebook.parse(text), LimitError, CheckError, size=len(text))


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["__import__", "__class__", "_x", "__builtins__"])
def test_dunder_names_are_syntax_errors(name: str) -> None:
    # Names start with a letter: nothing that looks like Python internals can be written.
    _rejects(lambda: Formula.parse(f"{name} + 1"), KinerjaSyntaxError, size=len(name) + 4)
    _rejects(lambda: Formula.parse(f"x.{name}"), KinerjaSyntaxError, size=len(name) + 2)


@pytest.mark.parametrize("name", ["exec", "eval", "open", "compile", "globals", "a__class__"])
def test_python_builtin_names_are_plain_inputs(name: str) -> None:
    formula = Formula.parse(f"{name} + 1")
    assert formula.names == frozenset({name})
    assert formula.evaluate(**{name: 41}) == 42
    # Called as functions they are unknown functions, never Python's.
    error = _rejects(lambda: Formula.parse(f"{name}(1)"), CheckError, size=len(name) + 3)
    assert "unknown function" in error.message


def test_input_named_self_can_be_evaluated() -> None:
    # Found by bench/fuzz_language.py: 'self' is a legal name of the language.
    formula = Formula.parse("self + 1")
    assert formula.evaluate(self=1) == 2
    assert formula.evaluate_exact(self=1) == 2


def test_names_are_checked_against_declared_inputs() -> None:
    error = _rejects(
        lambda: Formula.parse("eval * 2", inputs={"target": "number"}), CheckError, size=8
    )
    assert "unknown name 'eval'" in error.message


@pytest.mark.parametrize(
    "text", ["t\u0430rget + 1", "\u0430", "x + \u0443", "ｘ + 1", "x\u200b + 1", "١ + 1"]
)
def test_unicode_confusables_are_syntax_errors(text: str) -> None:
    # Cyrillic 'а', fullwidth 'ｘ', a zero-width space and an Arabic-Indic digit.
    _rejects(lambda: Formula.parse(text), KinerjaSyntaxError, size=len(text))


# --------------------------------------------------------------------------- bindings


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        "1e999999",
        "NaN",
        "-Infinity",
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        Decimal("1E+999999"),
        10**60,
        -(10**200),
        10**100_000,
        "9" * 100_000,
        True,
        None,
        [1],
    ],
    # repr of 10**100_000 itself is refused by Python (int string conversion limit).
    ids=lambda v: f"{type(v).__name__}-{v.bit_length() if type(v) is int else str(v)[:12]}",
)
def test_non_finite_or_huge_bindings_are_binding_errors(value: object) -> None:
    # Refused before its digits are read: the work is that of the five-character formula.
    _rejects(lambda: Formula.parse("x + 1").evaluate(x=value), BindingError, size=5)


def test_largest_accepted_inputs_multiply_exactly() -> None:
    result, error, calls = _outcome(lambda: Formula.parse("x * x").evaluate(x=10**59))
    assert error is None, repr(error)
    assert result == 10**118
    assert len(str(int(result))) == 119
    assert calls <= linear_budget(5 + 60), calls


# --------------------------------------------------------------------------- rulebook tables


def _band(rows: int) -> str:
    body = ",\n".join(f"    [{i}, {i + 1}) -> {i}" for i in range(rows))
    return f'rulebook "r"\nband b(x in [0, {rows})) {{\n{body}\n}}'


def test_band_table_of_1000_rows_is_read_in_linear_work() -> None:
    text = _band(1_000)
    book, error, calls = _outcome(lambda: Rulebook.parse(text))
    assert error is None and calls <= linear_budget(len(text)), calls
    assert book.evaluate("b", x="999.5") == 999


def test_band_table_of_5000_rows_is_refused_before_it_is_parsed() -> None:
    # 107 KB: over MAX_RULEBOOK_LENGTH, refused before Lark reads it.
    text = _band(5_000)
    _, error, calls = _outcome(lambda: Rulebook.parse(text))
    assert isinstance(error, LimitError), repr(error)
    assert calls <= linear_budget(MAX_RULEBOOK_LENGTH), calls


def _matrix(members: int, params: int) -> str:
    enum = ", ".join(f"m{i}" for i in range(members))
    typed = ", ".join(f"p{i}: e" for i in range(params))
    keys = ", ".join("_" for _ in range(params))
    return f'rulebook "r"\nenum e {{ {enum} }}\nmatrix m({typed}) {{ {keys} -> 1 }}'


def test_matrix_at_the_cell_limit_is_accepted() -> None:
    side = int(MAX_MATRIX_CELLS**0.5)
    text = _matrix(side, 2)
    book, error, calls = _outcome(lambda: Rulebook.parse(text))
    assert error is None and calls <= linear_budget(len(text)), calls
    assert book.evaluate("m", p0="m0", p1=f"m{side - 1}") == 1


@pytest.mark.parametrize(("members", "params"), [(101, 2), (2_000, 5), (10, 50)])
def test_matrix_over_the_cell_limit_is_a_check_error(members: int, params: int) -> None:
    text = _matrix(members, params)
    error = _rejects(lambda: Rulebook.parse(text), CheckError, size=len(text))
    assert "combinations" in error.message


# --------------------------------------------------------------------------- definition chains


def test_chain_of_2500_constants_does_not_recurse() -> None:
    # As long a chain as fits in MAX_RULEBOOK_LENGTH.
    lines = [f"const c{i} = c{i - 1} + 1" for i in range(1, 2_500)]
    # Written callers-first, so the checker must order them without recursing.
    text = 'rulebook "r"\n' + "\n".join(reversed(lines)) + "\nconst c0 = 0"
    book, error, calls = _outcome(lambda: Rulebook.parse(text))
    assert error is None, repr(error)
    assert calls <= linear_budget(len(text)), calls
    assert book.evaluate("c2499") == 2_499


def _function_chain(length: int) -> str:
    lines = [f"def f{i}(x) = f{i - 1}(x) + 1" for i in range(1, length)]
    return 'rulebook "r"\ndef f0(x) = x\n' + "\n".join(lines)


def test_chain_of_200_functions_evaluates() -> None:
    book = Rulebook.parse(_function_chain(200))
    assert book.evaluate("f199", x=1) == 200


def test_chain_of_500_functions_is_a_check_error() -> None:
    # Each link is a Python call at evaluation: the checker bounds the chain (MAX_CALL_DEPTH).
    text = _function_chain(500)
    error = _rejects(lambda: Rulebook.parse(text), CheckError, size=len(text))
    assert "chain of more than 200 definitions" in error.message


def test_chain_of_2000_functions_evaluates_or_is_a_limit_error() -> None:
    text = _function_chain(2_000)

    def read_and_call() -> Any:
        return Rulebook.parse(text).evaluate("f1999", x=1)

    result, error, calls = _outcome(read_and_call)
    assert calls <= linear_budget(len(text)), calls
    if error is None:
        assert result == 2_000
    else:
        assert isinstance(error, LimitError | CheckError), repr(error)


def test_constant_at_the_end_of_a_function_chain() -> None:
    text = _function_chain(2_000) + "\nconst k = f1999(1)"
    book, error, _ = _outcome(lambda: Rulebook.parse(text))
    if error is None:
        assert book.evaluate("k") == 2_000
    else:
        assert isinstance(error, LimitError | CheckError), repr(error)


# --------------------------------------------------------------------------- growth


def _formula(text: str) -> Callable[[], Any]:
    return lambda: Formula.parse(text)


def _rulebook(text: str) -> Callable[[], Any]:
    return lambda: Rulebook.parse(text)


def _call_last(book: Rulebook, length: int) -> Callable[[], Any]:
    return lambda: book.evaluate(f"f{length - 1}", x=1)


def _consts(length: int) -> str:
    lines = [f"const c{i} = c{i - 1} + 1" for i in range(1, length)]
    return 'rulebook "r"\n' + "\n".join(reversed(lines)) + "\nconst c0 = 0"


# Each family at n and 4n, both within the limits (so both go all the way through the phases
# the probes above exercise): what a probe's input grows in, and the n it starts from.
GROWTH: dict[str, tuple[Callable[[int], Callable[[], Any]], int]] = {
    "minus-chain": (lambda n: _formula("-" * n + "1"), 300),
    "not-chain": (lambda n: _formula("not " * n + "true"), 120),
    "if-chain": (lambda n: _formula("if true then 1 else " * n + "0"), 24),
    "let-chain": (lambda n: _formula("".join(f"let a{i} = 1 in " for i in range(n)) + "0"), 24),
    "plus-chain": (lambda n: _formula("+".join(["1"] * n)), 150),
    "band-rows": (lambda n: _rulebook(_band(n)), 60),
    "enum-members": (lambda n: _rulebook(_matrix(n, 1)), 250),
    "matrix-cells": (lambda n: _rulebook(_matrix(math.isqrt(n), 2)), 625),
    "const-chain": (lambda n: _rulebook(_consts(n)), 150),
    "function-chain": (lambda n: _rulebook(_function_chain(n)), 50),
    "function-chain-call": (lambda n: _call_last(Rulebook.parse(_function_chain(n)), n), 50),
}


@pytest.mark.parametrize("family", list(GROWTH))
def test_work_grows_linearly(family: str) -> None:
    # The complexity check behind "limits are checked before any expensive work": four times
    # the input costs at most five times the calls (quadratic work would cost sixteen times).
    make, n = GROWTH[family]
    small, large = growth(make, n)
    assert large <= MAX_GROWTH * small, f"{small} calls at n={n}, {large} at 4n"
