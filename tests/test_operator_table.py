"""The operator table (``language.operators.OPERATORS``) is the one the phases use.

For every row: the parser produces it from its text, the printer prints it back with the
row's precedence, the checker types it with the row's operand and result types, the compiler
generates the row's fast and exact code, folding applies the row's exact function, and the
monotonicity analysis reads its monotone column. A row added to the table and missed by a phase
fails here.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from importlib.resources import files
from typing import Any

import pytest

from kinerja_engine import Formula, Rulebook
from kinerja_engine.language import nodes
from kinerja_engine.language.builtins import BOOL, BUILTINS, INLINE_FORMS, NUMBER
from kinerja_engine.language.checker import check_formula
from kinerja_engine.language.compiler import compile_formula
from kinerja_engine.language.evaluate import fold
from kinerja_engine.language.monotone import Monotone, Sym
from kinerja_engine.language.nodes import Binary, Name, Unary
from kinerja_engine.language.operators import (
    ARITHMETIC_OPS,
    COMPARISON_OPS,
    LOGICAL_OPS,
    OPERATORS,
    OPS,
    PREFIX_OPS,
    SCALED,
    Operator,
)
from kinerja_engine.language.parser import parse_formula
from kinerja_engine.language.printer import print_expr

GRAMMAR = files("kinerja_engine.language").joinpath("kinerja.lark").read_text(encoding="utf-8")
SAMPLE = {NUMBER: (Fraction(6), Fraction(4)), BOOL: (True, False)}


def _operand_type(op: Operator) -> Any:
    return op.operand or NUMBER  # comparisons: numbers are the ordered type


def _text(op: Operator) -> str:
    return (
        f"{op.symbol} a"
        if op.arity == 1 and op.symbol.isalpha()
        else (f"{op.symbol}a" if op.arity == 1 else f"a {op.symbol} b")
    )


IDS = [f"{op.symbol}/{op.arity}" for op in OPERATORS]


def test_the_table_is_the_only_declaration() -> None:
    assert len(OPS) + len(PREFIX_OPS) == len(OPERATORS)
    assert set(OPS) == ARITHMETIC_OPS | COMPARISON_OPS | LOGICAL_OPS
    assert nodes.ARITHMETIC_OPS is ARITHMETIC_OPS  # nodes re-exports, declares nothing


@pytest.mark.parametrize("op", OPERATORS, ids=IDS)
def test_parser_and_printer_use_the_row(op: Operator) -> None:
    text = _text(op)
    tree = parse_formula(text)
    node_type = Unary if op.arity == 1 else Binary
    assert isinstance(tree, node_type) and tree.op == op.symbol
    assert print_expr(tree) == text
    assert f'"{op.symbol}"' in GRAMMAR  # the grammar spells it (as a token or a keyword)


@pytest.mark.parametrize("op", OPERATORS, ids=IDS)
def test_printer_reads_precedence_and_associativity(op: Operator) -> None:
    looser = [o for o in OPS.values() if o.precedence < op.precedence]
    if op.arity == 2:
        # The same operator on the right needs parentheses (left-associative or none).
        nested = Binary(op.symbol, Name("a"), Binary(op.symbol, Name("b"), Name("c")))
        assert "(" in print_expr(nested)
        assert parse_formula(print_expr(nested)) == nested
        if op.assoc == "left":
            chained = Binary(op.symbol, Binary(op.symbol, Name("a"), Name("b")), Name("c"))
            assert print_expr(chained) == f"a {op.symbol} b {op.symbol} c"
    for other in looser:
        inner = Binary(other.symbol, Name("a"), Name("b"))
        outer: Any = (
            Unary(op.symbol, inner) if op.arity == 1 else Binary(op.symbol, inner, Name("c"))
        )
        assert print_expr(outer).count("(") == 1, (op.symbol, other.symbol)
        assert parse_formula(print_expr(outer)) == outer


@pytest.mark.parametrize("op", OPERATORS, ids=IDS)
def test_checker_compiler_and_evaluator_use_the_row(op: Operator) -> None:
    text = _text(op)
    type_ = _operand_type(op)
    type_name = "number" if type_ == NUMBER else "bool"
    names = ["a"] if op.arity == 1 else ["a", "b"]
    checked = check_formula(parse_formula(text), text, inputs=dict.fromkeys(names, type_name))
    assert checked.result == op.result
    program = compile_formula(checked)
    fast_head = op.fast_code.split("{")[0]
    exact_head = op.exact_code.split("{")[0]
    assert fast_head in program.source and exact_head in program.source
    values = SAMPLE[type_][: op.arity]
    expected = op.exact(*values)
    bindings = {n: (Decimal(v.numerator) / v.denominator if type_ == NUMBER else v)
                for n, v in zip(names, values, strict=True)}  # fmt: skip
    assert (
        Formula.parse(text, inputs=dict.fromkeys(names, type_name)).evaluate_exact(**bindings)
        == expected
    )
    assert fold(parse_formula(text), constant=dict(zip(names, values, strict=True)).get) == (
        expected
    )


@pytest.mark.parametrize("op", [o for o in OPERATORS if o.result == NUMBER], ids=str)
def test_monotonicity_reads_the_row(op: Operator) -> None:
    book = Rulebook.parse('rulebook "m" version "1"\nconst two = 2')
    analyser = Monotone(book.checked)
    expr = parse_formula(f"{op.symbol}r" if op.arity == 1 else f"r {op.symbol} 2")
    sign = analyser.value(expr, {"r": Sym(None, 1)}).sign
    rule = op.monotone[0]
    assert sign == (1 if rule == SCALED else rule)


def test_builtin_columns_are_read() -> None:
    assert {b.inline for b in BUILTINS.values()} <= INLINE_FORMS | {""}
    for builtin in BUILTINS.values():
        assert (
            builtin.aggregate
            or not builtin.monotone
            or (len(builtin.monotone) == len(builtin.params))
        ), builtin.name
    book = Rulebook.parse('rulebook "m" version "1"\nconst two = 2')
    analyser = Monotone(book.checked)
    for name in ("cap", "at_least", "min", "max"):
        expr = parse_formula(f"{name}(r, 2)")
        assert analyser.value(expr, {"r": Sym(None, 1)}).sign == 1, name
        text = f"{name}(r, 2)"
        source = compile_formula(check_formula(parse_formula(text), text)).source
        assert f"{BUILTINS[name].inline[-1]} " in source and f"b_{name}" not in source
    assert analyser.value(parse_formula("abs(r)"), {"r": Sym(None, 1)}).sign is None


def _precedence_rows() -> list[list[str]]:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text("utf-8")
    section = text.split("## 3. Precedence", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines()]
    return [[c.strip() for c in row] for row in rows if len(row) == 3 and row[0].strip().isdigit()]


def test_the_documented_precedence_table_is_the_operator_table() -> None:
    documented: dict[tuple[str, int], tuple[int, str]] = {}
    for level, construct, assoc in _precedence_rows():
        if not assoc:  # the atoms' row ("`true`/`false`" is not a division)
            continue
        arity = 1 if assoc == "prefix" else 2
        for symbol in construct.replace("unary", "").replace("`", " ").split():
            if symbol in OPS or symbol in PREFIX_OPS:
                documented[(symbol, arity)] = (int(level), assoc)
    words = {"left": "left", "prefix": "prefix", "none": "**non-associative** (no chaining)"}
    # The docs count `if`/`let` as level 1, so an operator's level is its precedence + 1.
    expected = {(op.symbol, op.arity): (op.precedence + 1, words[op.assoc]) for op in OPERATORS}
    assert documented == expected
