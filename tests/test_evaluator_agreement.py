"""Differential test: every way the library computes a value gives the same value.

Five computations of one expression must agree, value for value, or all fail:

* the compiled program's **fast** path (Decimal, trapping) and its **exact** path (Fraction);
* the one exact **evaluator** (:mod:`kinerja_engine.language.evaluate`, compiler policy) with
  the inputs given as constants;
* the **checker's folding** (:class:`~kinerja_engine.language.infer.Inferrer`, checker policy)
  and the **compiler's folding** (:class:`~kinerja_engine.language.codegen.CodeGen`) of the
  *closed* expression, where every input is replaced by its value as a literal.

They run over every ``grammar/cases/*.toml`` formula case that evaluates, and over 10,000
formulas generated deterministically (``random.Random`` with a fixed seed) from the operator
and builtin tables, so a new operator or builtin row is exercised without touching this file.
Counts are asserted, never time.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from kinerja_engine import Formula, KinerjaError, Label, Rulebook
from kinerja_engine.errors import EvaluationError
from kinerja_engine.language.builtins import BOOL, BUILTINS, LIST, NUMBER, Builtin
from kinerja_engine.language.checker import CheckedRulebook, check_formula
from kinerja_engine.language.codegen import CodeGen
from kinerja_engine.language.compiler import compile_formula, to_fraction, to_result
from kinerja_engine.language.evaluate import COMPILE, Evaluator, Policy, fold
from kinerja_engine.language.infer import Inferrer
from kinerja_engine.language.nodes import (
    Binary,
    BoolLit,
    Call,
    Expr,
    If,
    LabelRef,
    Let,
    ListExpr,
    Name,
    Num,
    Unary,
)
from kinerja_engine.language.operators import OPS, PREFIX_OPS
from kinerja_engine.language.parser import parse_formula
from kinerja_engine.language.printer import print_expr
from kinerja_engine.values import fraction_to_decimal

CASES_DIR = Path(__file__).resolve().parent.parent / "grammar" / "cases"

# --------------------------------------------------------------------------- closing over inputs


def _literal(value: Any) -> Expr:
    """An expression whose value is exactly ``value`` (a runtime value of an input)."""
    if isinstance(value, bool):
        return BoolLit(value)
    if isinstance(value, Label):
        return LabelRef(value.enum, value.name)
    if isinstance(value, tuple):
        return ListExpr(tuple(_literal(v) for v in value))
    number = fraction_to_decimal(value)  # inputs are decimals: their fractions terminate
    literal = Num(abs(number))
    return Unary("-", literal) if number < 0 else literal


def _close(e: Expr, values: dict[str, Any], shadowed: frozenset[str] = frozenset()) -> Expr:
    """``e`` with every free input replaced by its value (``let`` names shadow inputs)."""
    if isinstance(e, Name):
        return _literal(values[e.id]) if e.id in values and e.id not in shadowed else e
    if isinstance(e, Unary):
        return Unary(e.op, _close(e.operand, values, shadowed))
    if isinstance(e, Binary):
        return Binary(e.op, _close(e.left, values, shadowed), _close(e.right, values, shadowed))
    if isinstance(e, If):
        return If(*(_close(x, values, shadowed) for x in (e.cond, e.then, e.orelse)))
    if isinstance(e, Let):
        inner = shadowed
        bindings = []
        for name, value in e.bindings:
            bindings.append((name, _close(value, values, inner)))
            inner = inner | {name}
        return Let(tuple(bindings), _close(e.body, values, inner))
    if isinstance(e, ListExpr):
        return ListExpr(tuple(_close(x, values, shadowed) for x in e.items))
    if isinstance(e, Call):
        return Call(
            e.func,
            tuple(_close(a, values, shadowed) for a in e.args),
            tuple((k, _close(v, values, shadowed)) for k, v in e.kwargs),
        )
    return e


# --------------------------------------------------------------------------- the agreement


def _outcomes(
    expr: Expr,
    text: str,
    bindings: dict[str, Any],
    book: CheckedRulebook | None = None,
    inputs: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The value (or ``"error"``) of each of the five computations; ``None`` = not foldable."""
    program = compile_formula(check_formula(expr, text, book=book, inputs=inputs))
    exact_inputs = {
        name: to_fraction(value)
        for (name, _), value in zip(program.signature(), program.bind("", bindings), strict=True)
    }
    consts = dict(exact_inputs)
    if book is not None:
        consts.update({n: c.value for n, c in book.consts.items() if n not in consts})

    def label(enum: str, member: str) -> Any:
        return None if book is None else book.enums[enum].member(member)

    outcome: dict[str, Any] = {}

    def attempt(key: str, run: Callable[[], Any]) -> None:
        try:
            outcome[key] = run()
        except EvaluationError:
            outcome[key] = "error"

    attempt("fast", lambda: program.run(bindings))
    attempt("bound", lambda: program.bound()(bindings))
    attempt("keywords", lambda: program.keywords()(**bindings))
    args = program.bind("", bindings)
    if not any(isinstance(a, Fraction) for a in args):  # the raw function takes no Fraction
        attempt("function", lambda: program.raw("")(*args))
    attempt("exact", lambda: program.call("", bindings, exact=True))
    outcome["evaluator"] = Evaluator(COMPILE, constant=consts.get, label=label).fold(expr)
    closed = _close(expr, exact_inputs)
    attempt("checker", lambda: Inferrer(print_expr(closed), book).fold(closed))
    gen = CodeGen(book, print_expr(closed))
    if book is not None:
        # The compiler folds a rulebook's constants from its namespace; give it their values.
        for ident, name in enumerate(book.order):
            gen.def_ids[name] = ident
            if name in book.consts:
                gen.namespace[f"xc{ident}"] = book.consts[name].value
    outcome["compiler"] = gen.fold(closed, {})
    return outcome


def _assert_agree(outcome: dict[str, Any], where: str) -> bool:
    """Assert the five agree; True if a value (not an error) was agreed on."""
    if outcome["exact"] == "error":
        assert outcome["fast"] == "error", where
        assert outcome["bound"] == "error", where
        assert outcome["keywords"] == "error", where
        assert outcome["evaluator"] is None, where
        assert outcome["compiler"] is None, where
        # The checker reports what fails (unless the failing part calls a rulebook function).
        assert outcome["checker"] in ("error", None), where
        return False
    exact = outcome["exact"]
    assert outcome["fast"] == to_result(exact), where
    assert type(outcome["fast"]) is type(to_result(exact)), where
    # The generated binder (with the mixed path's quotients) gives the same digits.
    assert repr(outcome["bound"]) == repr(outcome["fast"]), where
    # So does Formula.evaluate's keyword entry (its fast code inline, then mixed, then exact),
    assert repr(outcome["keywords"]) == repr(outcome["fast"]), where
    # and the raw function (Formula.function) gives the exact value, as a Decimal or Fraction.
    if "function" in outcome:
        assert outcome["function"] == exact, (where, outcome["function"], exact)
    for key in ("evaluator", "checker", "compiler"):
        # None only where a rulebook function is called: its value is known at run time only.
        if outcome[key] is not None:
            assert outcome[key] == exact, (where, key, outcome[key], exact)
            assert type(outcome[key]) is type(exact), (where, key)
    return True


# --------------------------------------------------------------------------- conformance cases


def _formula_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        contexts = data.get("contexts", {})
        for case in data.get("case", []):
            if "formula" in case and "error" not in case and "xfail" not in case:
                params.append(pytest.param(case, contexts, id=case["name"]))
    return params


FORMULA_CASES = _formula_cases()


def test_there_are_formula_cases_to_compare() -> None:
    assert len(FORMULA_CASES) >= 100
    assert len(_definition_cases()) >= 10


@pytest.mark.parametrize(("case", "contexts"), FORMULA_CASES)
def test_case_agrees(case: dict[str, Any], contexts: dict[str, str]) -> None:
    book = None
    if "context" in case:
        book = Rulebook.parse(contexts[case["context"]]).checked
    elif "rulebook" in case:
        book = Rulebook.parse(case["rulebook"]).checked
    text = case["formula"]
    outcome = _outcomes(
        parse_formula(text), text, case.get("bindings", {}), book, case.get("inputs")
    )
    assert _assert_agree(outcome, case["name"]), "a case with an expected value evaluates"
    if book is None:  # no rulebook functions: every computation folds the closed formula
        assert None not in (outcome["evaluator"], outcome["checker"], outcome["compiler"])


def _definition_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for case in data.get("case", []):
            if "definition" in case and "error" not in case and "xfail" not in case:
                params.append(pytest.param(case, id=case["name"]))
    return params


DEFINITION_CASES = _definition_cases()


@pytest.mark.parametrize("case", DEFINITION_CASES)
def test_definition_case_agrees(case: dict[str, Any]) -> None:
    # A definition evaluated as the formula that calls it, inside its rulebook.
    book = Rulebook.parse(case["rulebook"]).checked
    name = case["definition"]
    bindings = case.get("bindings", {})
    if name in book.consts:
        text, inputs, given = name, None, {}
    else:
        info = book.funcs[name]
        args = [f"arg{i}" for i in range(len(info.params))]
        text = f"{name}({', '.join(args)})"
        inputs = {a: str(t) for a, t in zip(args, info.param_types, strict=True)}
        given = {a: bindings[p] for a, p in zip(args, info.params, strict=True)}
    outcome = _outcomes(parse_formula(text), text, given, book, inputs)
    assert _assert_agree(outcome, case["name"])


# --------------------------------------------------------------------------- generated formulas

INPUTS = ("x", "y", "z")
LOCALS = ("p", "q")
VALUES = tuple(Decimal(v) for v in ("0", "1", "-2", "0.1", "3.75", "100", "-0.3", "7"))
LITERALS = ("0", "1", "2", "3", "0.5", "10", "1.2", "100")
NUMBER_OPS = sorted(s for s, op in OPS.items() if op.result == NUMBER)
COMPARISONS = sorted(s for s, op in OPS.items() if op.kind == "comparison")
BOOL_OPS = sorted(s for s, op in OPS.items() if op.operand == BOOL)
NUMBER_PREFIX = sorted(s for s, op in PREFIX_OPS.items() if op.result == NUMBER)
BOOL_PREFIX = sorted(s for s, op in PREFIX_OPS.items() if op.result == BOOL)
NUMBER_BUILTINS = [b for b in BUILTINS.values() if b.returns == NUMBER]
BOOL_BUILTINS = [b for b in BUILTINS.values() if b.returns == BOOL]


class _Generator:
    """Well-typed formulas over x, y, z, drawn with a seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def literal(self) -> Expr:
        text = self.rng.choice(LITERALS)
        if self.rng.random() < 0.15:  # a percent: 120% is 1.2
            return Num(Decimal(text).scaleb(-2), percent=True)
        return Num(Decimal(text))

    def number(self, depth: int, scope: tuple[str, ...]) -> Expr:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.25:
            return Name(rng.choice(scope)) if rng.random() < 0.6 else self.literal()
        kind = rng.choice(("op", "op", "op", "prefix", "if", "let", "call", "call"))
        sub = depth - 1
        if kind == "op":
            return Binary(rng.choice(NUMBER_OPS), self.number(sub, scope), self.number(sub, scope))
        if kind == "prefix":
            return Unary(rng.choice(NUMBER_PREFIX), self.number(sub, scope))
        if kind == "if":
            return If(self.boolean(sub, scope), self.number(sub, scope), self.number(sub, scope))
        if kind == "let":
            name = rng.choice(LOCALS)
            value = self.number(sub, scope)
            return Let(((name, value),), self.number(sub, (*scope, name)))
        return self.call(rng.choice(NUMBER_BUILTINS), sub, scope)

    def boolean(self, depth: int, scope: tuple[str, ...]) -> Expr:
        rng = self.rng
        if depth <= 0:
            return Binary(rng.choice(COMPARISONS), self.number(0, scope), self.number(0, scope))
        kind = rng.choice(("cmp", "cmp", "logic", "prefix", "lit", "call"))
        sub = depth - 1
        if kind == "cmp":
            return Binary(rng.choice(COMPARISONS), self.number(sub, scope), self.number(sub, scope))
        if kind == "logic":
            return Binary(rng.choice(BOOL_OPS), self.boolean(sub, scope), self.boolean(sub, scope))
        if kind == "prefix":
            return Unary(rng.choice(BOOL_PREFIX), self.boolean(sub, scope))
        if kind == "lit":
            return BoolLit(rng.random() < 0.5)
        return self.call(rng.choice(BOOL_BUILTINS), sub, scope)

    def numbers(self, depth: int, scope: tuple[str, ...], count: int) -> tuple[Expr, ...]:
        return tuple(self.number(depth, scope) for _ in range(count))

    def call(self, builtin: Builtin, depth: int, scope: tuple[str, ...]) -> Expr:
        rng = self.rng
        if builtin.aggregate:
            if rng.random() < 0.5:  # one literal list, possibly empty
                return Call(
                    builtin.name, (ListExpr(self.numbers(depth, scope, rng.randint(0, 3))),)
                )
            # Several numbers: one lone argument would make its input a list (checker rule).
            return Call(builtin.name, self.numbers(depth, scope, rng.randint(2, 3)))
        length = rng.randint(1, 3)
        args: list[Expr] = []
        for param, type_ in builtin.params:
            if param in builtin.constant:  # e.g. round's places: a literal whole number
                args.append(Num(Decimal(rng.randint(0, 3))))
            elif type_ == LIST:  # lists of one length, sometimes not (an evaluation error)
                size = length if rng.random() < 0.9 else length + 1
                args.append(ListExpr(self.numbers(depth, scope, size)))
            else:
                args.append(self.number(depth, scope))
        if rng.random() < 0.2 and builtin.params:  # the same call with named arguments
            names = [p for p, _ in builtin.params]
            return Call(builtin.name, (), tuple(zip(names, args, strict=True)))
        return Call(builtin.name, tuple(args))

    def formula(self) -> Expr:
        if self.rng.random() < 0.2:
            return self.boolean(3, INPUTS)
        return self.number(4, INPUTS)

    def bindings(self) -> dict[str, Decimal]:
        return {name: self.rng.choice(VALUES) for name in INPUTS}


GENERATED = 10_000
#: The slow run (``-m slow``): ten times as many, from another seed.
GENERATED_SLOW = 100_000


def test_generated_formulas_agree() -> None:
    _agree_on_generated(GENERATED, seed=20_240_612)


@pytest.mark.slow
def test_many_generated_formulas_agree() -> None:
    _agree_on_generated(GENERATED_SLOW, seed=20_261_129)


def _agree_on_generated(count: int, seed: int) -> None:
    generator = _Generator(seed=seed)
    agreed = failed = 0
    for index in range(count):
        expr = generator.formula()
        text = print_expr(expr)
        bindings = generator.bindings()
        used = {n: bindings[n] for n in INPUTS if n in _names(expr)}
        try:
            outcome = _outcomes(expr, text, used)
        except KinerjaError as exc:  # pragma: no cover - the generator writes checked formulas
            raise AssertionError(f"#{index} {text}: {exc}") from exc
        if _assert_agree(outcome, f"#{index} {text} with {used}"):
            agreed += 1
            assert None not in (outcome["evaluator"], outcome["checker"], outcome["compiler"])
        else:
            failed += 1
    assert agreed + failed == count
    # Both outcomes are exercised in earnest: values, and errors every path agrees on.
    assert agreed >= count // 2
    assert failed >= count // 50


def _names(expr: Expr) -> set[str]:
    from kinerja_engine.language.nodes import walk

    return {n.id for n in walk(expr) if isinstance(n, Name)}


# --------------------------------------------------------------------------- the policies


def test_policy_fold_let_is_a_parameter() -> None:
    expr = parse_formula("let a = 2 in a * 3")
    assert fold(expr) == 6
    assert fold(expr, policy=Policy(report_errors=True, fold_let=False)) is None


def test_the_compiler_folds_let_like_the_checker() -> None:
    # The compiler used not to fold let; one evaluator folds it everywhere.
    text = "x + (let a = 2, b = a * 3 in b)"
    program = compile_formula(check_formula(parse_formula(text), text))
    assert "return _add(a0, k0)" in program.source  # the let is one constant: no temporaries
    assert ":=" not in program.source
    gen = CodeGen(None, text)
    assert gen.fold(parse_formula("let a = 2, b = a * 3 in b + 1"), {}) == 7


def test_division_by_zero_policy_differs_only_where_declared() -> None:
    expr = parse_formula("1 / (2 - 2)")
    assert CodeGen(None, "").fold(expr, {}) is None  # left to fail at run time, with its text
    with pytest.raises(EvaluationError, match="division by zero"):
        Inferrer("1 / (2 - 2)").fold(expr)  # a constant's error is a diagnostic


# --------------------------------------------------------------------------- many digits


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # A repeating quotient: evaluate goes to the exact path, which rounds.
        ("round(r / 3, 10)", "12345678901234567891", "4115226300411522630.3333333333"),
        ("round(r / 7, 12)", "1234567890123456789", "176366841446208112.714285714286"),
        # The fast path rounds itself; evaluate_exact is the exact path's.
        ("round(round(12 + 76 * r, 3), 2)", "1" + "0" * 30, "76" + "0" * 28 + "12"),
    ],
)
def test_round_keeps_digits_past_28_on_every_path(text: str, value: str, expected: str) -> None:
    # round() on the exact path rebuilt its result with Decimal.scaleb in the default 28-digit
    # context, so the exact path dropped digits the fast path kept (review rv2).
    formula = Formula.parse(text)
    want = Decimal(expected)
    assert len(want.as_tuple().digits) > 28
    assert formula.evaluate(r=value) == want
    assert formula.evaluate_exact(r=value) == Fraction(want)
    assert formula.function(Decimal(value)) == want


@pytest.mark.parametrize("s", ["1E-50", "1E+50", "1E-19", "1E+19", "-3E+19", "7E-20"])
def test_fast_and_exact_paths_agree_on_the_size_limit(s: str) -> None:
    # Found by review rv4: the fast path's exponent range (±999,999) let evaluate return
    # 9.5E-14999 where the exact path raised LimitError (20,000 bits). FAST's range now keeps
    # every fast value within the limit; past it the exact path decides, for every entry.
    from kinerja_engine.errors import LimitError

    text = "let a = s*s*s*s*s*s*s*s*s*s in let b = a*a*a*a*a*a*a*a*a*a in let c = b*b*b in r * c"
    formula = Formula.parse(text)
    order = list(formula.inputs)
    values = {"s": Decimal(s), "r": Decimal(95)}

    def outcome(call: Callable[[], object]) -> object:
        try:
            return Fraction(call())  # type: ignore[arg-type]
        except LimitError:
            return LimitError

    exact = outcome(lambda: formula.evaluate_exact(**values))
    assert outcome(lambda: formula.function(*(values[n] for n in order))) == exact
    assert outcome(lambda: formula.evaluate(**values)) == exact
    if Decimal(s).adjusted() in (-50, 50):
        assert exact is LimitError
