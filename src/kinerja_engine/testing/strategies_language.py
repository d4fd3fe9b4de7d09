"""Hypothesis strategies for syntax trees of the rules language: formulas and rulebooks.

Input: Hypothesis' choices and size bounds (depth, digits, input names). Output: strategies
for identifiers, expression trees and whole rulebook trees. Guarantees:

* :func:`formula_asts` and :func:`rulebook_asts` only build trees the parser can produce, so
  ``parse_formula(print_expr(ast)) == ast`` is a fair property to test;
* :func:`numeric_formulas` builds trees that type-check as numbers over the given input names;
* :func:`rulebook_asts` builds rulebooks with unique names, gap-free bands and complete
  matrices, so most of them pass the checker;
* every strategy is deterministic given Hypothesis' choices (no clock, no global random),
  and strategy objects are built once per argument set (cached), not on every draw.

>>> isinstance(formula_asts(max_depth=3), st.SearchStrategy)
True
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from decimal import Decimal
from functools import cache, lru_cache
from typing import Final

from hypothesis import strategies as st

from ..language.builtins import BUILTINS
from ..language.nodes import (
    ARITHMETIC_OPS,
    COMPARISON_OPS,
    LOGICAL_OPS,
    BandDef,
    BandRow,
    Binary,
    BoolLit,
    Call,
    ConstDef,
    Definition,
    EnumDef,
    EnumMember,
    Expr,
    FuncDef,
    Header,
    If,
    Interval,
    LabelRef,
    Let,
    ListExpr,
    MatrixDef,
    MatrixRow,
    Name,
    Num,
    Param,
    RulebookNode,
    Unary,
)
from ..language.parser import KEYWORDS, MAX_LITERAL_DIGITS
from .values import COIN, WIDE

__all__ = [
    "formula_asts",
    "identifiers",
    "numeric_formulas",
    "rulebook_asts",
]

_LETTERS: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALL_OPS: Final = tuple(sorted(ARITHMETIC_OPS | COMPARISON_OPS | LOGICAL_OPS))
_BUILTIN_NAMES: Final = tuple(sorted(BUILTINS))
# Names that look like keywords, builtins or Python internals: the lexer must treat them as
# plain names, and the checker as plain unknown names or inputs.
_TRICKY_NAMES: Final = (
    "x",
    "target",
    "realisasi",
    "iff",
    "notx",
    "inf1",
    "infinity",
    "true_",
    "falsey",
    "letter",
    "android",
    "order",
    "exec",
    "eval",
    "import",
    "self",
    "None",
    "a__b",
    "number",
)
_TYPE_NAMES: Final = ("number", "bool", "list")


def identifiers(*, exclude: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """Names the lexer accepts: ``[A-Za-z][A-Za-z0-9_]*`` and not a keyword.

    >>> isinstance(identifiers(exclude=["x"]), st.SearchStrategy)
    True
    """
    return _identifiers(frozenset(exclude))


@cache
def _identifiers(exclude: frozenset[str]) -> st.SearchStrategy[str]:
    excluded = frozenset(KEYWORDS) | exclude
    # Built from two text draws rather than from_regex, which is several times slower.
    pattern = st.builds(
        operator.add,
        st.sampled_from(_LETTERS),
        st.text(_LETTERS + "0123456789_", max_size=11),
    )
    return st.one_of(st.sampled_from(_TRICKY_NAMES), pattern).filter(lambda s: s not in excluded)


@st.composite
def _digit_text(draw: st.DrawFn, max_digits: int) -> str:
    """A decimal literal as written: digits, optionally a dot and more digits."""
    max_digits = max(1, min(max_digits, MAX_LITERAL_DIGITS - 1))
    whole = draw(st.text("0123456789", min_size=1, max_size=max_digits))
    room = max_digits - len(whole)
    if room <= 0 or draw(st.booleans()):
        return whole
    return whole + "." + draw(st.text("0123456789", min_size=1, max_size=room))


@cache
def _numbers(max_digits: int) -> st.SearchStrategy[Expr]:
    plain = _digit_text(max_digits).map(lambda t: Num(Decimal(t)))
    # 120% is Num(1.2, percent=True): the value is the written number scaled exactly by 1/100.
    percent = _digit_text(max_digits).map(
        lambda t: Num(Decimal(t).scaleb(-2, context=WIDE), percent=True)
    )
    small = st.integers(0, 1000).map(lambda i: Num(Decimal(i)))
    return st.one_of(small, plain, percent)


@cache
def _leaves(max_digits: int) -> st.SearchStrategy[Expr]:
    return st.one_of(
        _numbers(max_digits),
        st.booleans().map(BoolLit),
        identifiers().map(Name),
        st.builds(LabelRef, identifiers(), identifiers()),
    )


# Strategy objects are built once: building them inside every draw dominated generation time.

_STOP: Final = st.integers(0, 3)
_EXPR_KINDS: Final = st.sampled_from(("unary", "binary", "binary", "if", "let", "call", "list"))
_UNARY_OPS: Final = st.sampled_from(("-", "not"))
_BINARY_OPS: Final = st.sampled_from(_ALL_OPS)


@st.composite
def _expr_draw(draw: st.DrawFn, depth: int, max_digits: int) -> Expr:
    if depth <= 0 or draw(_STOP) == 0:
        return draw(_leaves(max_digits))
    sub = _expr(depth - 1, max_digits)
    kind = draw(_EXPR_KINDS)
    if kind == "unary":
        return Unary(draw(_UNARY_OPS), draw(sub))
    if kind == "binary":
        return Binary(draw(_BINARY_OPS), draw(sub), draw(sub))
    if kind == "if":
        return If(draw(sub), draw(sub), draw(sub))
    if kind == "let":
        names = draw(st.lists(identifiers(), min_size=1, max_size=3))
        return Let(tuple((name, draw(sub)) for name in names), draw(sub))
    if kind == "list":
        return ListExpr(tuple(draw(st.lists(sub, max_size=4))))
    # Builtins with the right and the wrong number of arguments, and unknown functions.
    func = draw(_FUNC_NAMES)
    args = tuple(draw(st.lists(sub, max_size=4)))
    kwargs = draw(st.lists(st.tuples(_KEYWORD_NAMES.get(func, identifiers()), sub), max_size=2))
    return Call(func, args, tuple(kwargs))


@cache
def _expr(depth: int, max_digits: int) -> st.SearchStrategy[Expr]:
    return _expr_draw(depth, max_digits)


_FUNC_NAMES: Final = st.one_of(st.sampled_from(_BUILTIN_NAMES), identifiers())
# Keyword argument names: the builtin's own parameter names, or any name (an error).
_KEYWORD_NAMES: Final = {
    name: st.sampled_from([p for p, _ in b.params]) | identifiers()
    for name, b in BUILTINS.items()
    if b.params
}


def formula_asts(
    max_depth: int = 4, *, max_digits: int = MAX_LITERAL_DIGITS - 1
) -> st.SearchStrategy[Expr]:
    """Expression trees the parser can produce; well-typed or not, known names or not.

    Covers every expression node: non-negative numbers and exact percents (``Num``), booleans,
    names (including look-alikes of keywords and Python builtins), ``enum.member`` labels,
    ``-``/``not``, every binary operator, ``if``, ``let``, lists, and calls of builtins with
    right and wrong arities, keyword arguments and unknown functions. ``max_digits`` bounds
    the digits of number literals (the parser accepts up to ``MAX_LITERAL_DIGITS`` characters).

    >>> strategy = formula_asts(max_depth=2)
    >>> isinstance(strategy, st.SearchStrategy)
    True
    """
    return _expr(max_depth, max_digits)


# --------------------------------------------------------------------------- typed formulas


_LOCAL_NAMES: Final = identifiers(exclude=_BUILTIN_NAMES)
_NUMBER_CALLS: Final = ("min", "max", "sum", "mean", "count", "clamp", "cap", "at_least", "round")


_NUM_KINDS: Final = st.sampled_from(("neg", "arith", "arith", "arith", "if", "let", "call", "abs"))
_BOOL_KINDS: Final = st.sampled_from(("lit", "cmp", "cmp", "logic", "not", "between", "if"))
_ARITH_OPS: Final = st.sampled_from(sorted(ARITHMETIC_OPS))
_COMPARISONS: Final = st.sampled_from(sorted(COMPARISON_OPS))
_LOGIC_OPS: Final = st.sampled_from(sorted(LOGICAL_OPS))
_CALLS: Final = st.sampled_from(_NUMBER_CALLS)
_PLACES: Final = st.integers(0, 20).map(lambda i: Num(Decimal(i)))


@lru_cache(maxsize=4096)  # scopes vary with let names: bounded
def _num(depth: int, scope: tuple[str, ...], max_digits: int) -> st.SearchStrategy[Expr]:
    return _num_draw(depth, scope, max_digits)


@lru_cache(maxsize=4096)  # scopes vary with let names: bounded
def _bool(depth: int, scope: tuple[str, ...], max_digits: int) -> st.SearchStrategy[Expr]:
    return _bool_draw(depth, scope, max_digits)


@lru_cache(maxsize=4096)  # scopes vary with let names: bounded
def _num_leaf(scope: tuple[str, ...], max_digits: int) -> st.SearchStrategy[Expr]:
    if not scope:
        return _numbers(max_digits)
    return st.one_of(_numbers(max_digits), st.sampled_from(scope).map(Name))


@st.composite
def _num_draw(draw: st.DrawFn, depth: int, scope: tuple[str, ...], max_digits: int) -> Expr:
    if depth <= 0 or draw(_STOP) == 0:
        return draw(_num_leaf(scope, max_digits))
    sub = _num(depth - 1, scope, max_digits)
    kind = draw(_NUM_KINDS)
    if kind == "neg":
        return Unary("-", draw(sub))
    if kind == "arith":
        return Binary(draw(_ARITH_OPS), draw(sub), draw(sub))
    if kind == "if":
        return If(draw(_bool(depth - 1, scope, max_digits)), draw(sub), draw(sub))
    if kind == "let":
        inner = scope
        bindings = []
        for name in draw(st.lists(_LOCAL_NAMES, min_size=1, max_size=3)):
            bindings.append((name, draw(_num(depth - 1, inner, max_digits))))
            inner = tuple(dict.fromkeys((*inner, name)))
        return Let(tuple(bindings), draw(_num(depth - 1, inner, max_digits)))
    if kind == "abs":
        return Call("abs", (draw(sub),))
    func = draw(_CALLS)
    if func == "round":
        return Call("round", (draw(sub), draw(_PLACES)))
    if func in ("cap", "at_least"):
        return Call(func, (draw(sub), draw(sub)))
    if func == "clamp":
        return Call(func, (draw(sub), draw(sub), draw(sub)))
    # Aggregates: a single argument is always a list literal, so that no input is inferred
    # to be a list; several arguments are numbers. mean/min/max of [] fail at run time only.
    if draw(COIN):
        return Call(func, (ListExpr(tuple(draw(st.lists(sub, max_size=4)))),))
    return Call(func, tuple(draw(st.lists(sub, min_size=2, max_size=4))))


@st.composite
def _bool_draw(draw: st.DrawFn, depth: int, scope: tuple[str, ...], max_digits: int) -> Expr:
    num = _num(max(depth - 1, 0), scope, max_digits)
    if depth <= 0:
        if draw(COIN):
            return BoolLit(draw(COIN))
        return Binary("<", draw(num), draw(num))
    sub = _bool(depth - 1, scope, max_digits)
    kind = draw(_BOOL_KINDS)
    if kind == "lit":
        return BoolLit(draw(COIN))
    if kind == "cmp":
        return Binary(draw(_COMPARISONS), draw(num), draw(num))
    if kind == "logic":
        return Binary(draw(_LOGIC_OPS), draw(sub), draw(sub))
    if kind == "not":
        return Unary("not", draw(sub))
    if kind == "between":
        return Call("between", (draw(num), draw(num), draw(num)))
    return If(draw(sub), draw(sub), draw(sub))


def numeric_formulas(
    names: Sequence[str] = ("x", "y", "z"),
    *,
    max_depth: int = 4,
    max_digits: int = 12,
) -> st.SearchStrategy[Expr]:
    """Expression trees that type-check as numbers when ``names`` are number inputs.

    They may still fail at run time (a division by zero, the mean of an empty list), which is
    exactly what a property test wants to exercise. Every name must be a valid identifier that
    is neither a keyword nor a builtin function.

    >>> isinstance(numeric_formulas(["realisasi", "target"]), st.SearchStrategy)
    True
    >>> numeric_formulas(["if"])
    Traceback (most recent call last):
    ...
    ValueError: not a usable input name: 'if'
    """
    for name in names:
        if name in KEYWORDS or name in BUILTINS or not _is_identifier(name):
            raise ValueError(f"not a usable input name: {name!r}")
    return _num(max_depth, tuple(names), max_digits)


def _is_identifier(text: str) -> bool:
    return (
        bool(text)
        and text[0].isascii()
        and text[0].isalpha()
        and all(c.isascii() and (c.isalnum() or c == "_") for c in text)
    )


# --------------------------------------------------------------------------- rulebooks


_STRING: Final = st.text(
    st.characters(exclude_characters='"\\\n', exclude_categories=["Cs"]), max_size=20
)


def _bound(value: int) -> Expr:
    return Num(Decimal(value)) if value >= 0 else Unary("-", Num(Decimal(-value)))


@st.composite
def _band(draw: st.DrawFn, name: str, param: str, max_depth: int) -> BandDef:
    # Gap-free, overlap-free rows: consecutive cuts, each shared by two neighbouring rows with
    # opposite closedness, so the checker's coverage proof succeeds.
    cuts = sorted(draw(st.sets(st.integers(-1000, 1000), min_size=1, max_size=6)))
    closed_left = draw(st.lists(st.booleans(), min_size=len(cuts), max_size=len(cuts)))
    bounded = draw(st.booleans()) and len(cuts) >= 2
    lows: list[tuple[int | None, bool]] = [] if bounded else [(None, False)]
    lows += [(c, closed) for c, closed in zip(cuts, closed_left, strict=True)]
    if bounded:
        lows.pop()  # the last cut closes the domain instead of opening a row
    rows = []
    row_expr = st.one_of(_numbers(6), _num(max_depth, (param,), 6))
    for index, (lo, lo_closed) in enumerate(lows):
        if index + 1 < len(lows):
            hi, hi_closed = lows[index + 1][0], not lows[index + 1][1]
        elif bounded:
            hi, hi_closed = cuts[-1], closed_left[-1]
        else:
            hi, hi_closed = None, False
        if lo is not None and lo == hi and not (lo_closed and hi_closed):
            continue  # an empty row; the neighbours already meet here
        interval = Interval(
            None if lo is None else _bound(lo),
            lo_closed,
            None if hi is None else _bound(hi),
            hi_closed,
        )
        rows.append(BandRow(interval, draw(row_expr)))
    domain = None
    if bounded:
        domain = Interval(_bound(cuts[0]), closed_left[0], _bound(cuts[-1]), closed_left[-1])
    rows_tuple = tuple(draw(st.permutations(rows)))
    return BandDef(name, Param(param, draw(st.sampled_from((None, "number")))), domain, rows_tuple)


@st.composite
def _matrix(draw: st.DrawFn, name: str, enums: Sequence[EnumDef], max_depth: int) -> MatrixDef:
    chosen = draw(st.lists(st.sampled_from(enums), min_size=1, max_size=2))
    params = tuple(Param(f"p{i}", enum.name) for i, enum in enumerate(chosen))
    value = st.one_of(_numbers(6), _num(max_depth, (), 6))
    if draw(st.booleans()):
        rows = [MatrixRow(tuple(None for _ in params), draw(value))]
    else:
        # One row per member of the first parameter, wildcards elsewhere: complete and exact.
        rest = tuple(None for _ in params[1:])
        rows = [MatrixRow((m.name, *rest), draw(value)) for m in chosen[0].members]
    return MatrixDef(name, params, tuple(rows))


@st.composite
def _rulebook(draw: st.DrawFn, max_depth: int) -> RulebookNode:
    reserved = (*_BUILTIN_NAMES, *_TYPE_NAMES)
    names = iter(
        draw(st.lists(identifiers(exclude=reserved), min_size=12, max_size=12, unique=True))
    )
    header = Header(
        draw(_STRING),
        draw(st.one_of(st.just(""), _STRING)),
        tuple(draw(st.lists(_STRING, max_size=3))),
    )
    enums = []
    for _ in range(draw(st.integers(0, 2))):
        member_names = draw(st.lists(identifiers(), min_size=1, max_size=4, unique=True))
        members = tuple(
            EnumMember(m, f"{m} text" if draw(st.booleans()) else "",
                       (f"{m} alias",) if draw(st.booleans()) else ())
            for m in member_names
        )  # fmt: skip
        enums.append(EnumDef(next(names), members))
    definitions: list[Definition] = list(enums)
    consts: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        name = next(names)
        expr = draw(_num(max_depth, tuple(consts), 6))
        definitions.append(ConstDef(name, expr, is_param=draw(st.booleans())))
        consts.append(name)
    for _ in range(draw(st.integers(0, 2))):
        params = draw(st.lists(identifiers(exclude=reserved), min_size=1, max_size=3, unique=True))
        body = draw(_num(max_depth, tuple(params), 6))
        typed = tuple(Param(p, draw(st.sampled_from((None, "number")))) for p in params)
        definitions.append(FuncDef(next(names), typed, body))
    for _ in range(draw(st.integers(0, 2))):
        definitions.append(draw(_band(next(names), "nilai", max_depth)))
    if enums:
        for _ in range(draw(st.integers(0, 2))):
            definitions.append(draw(_matrix(next(names), enums, max_depth)))
    # Definitions may appear in any order; constants are placed before their users only
    # sometimes, to exercise the checker's ordering.
    ordered = tuple(draw(st.permutations(definitions))) if draw(st.booleans()) else definitions
    return RulebookNode(header, tuple(ordered))


def rulebook_asts(max_depth: int = 3) -> st.SearchStrategy[RulebookNode]:
    """Whole rulebook trees: header, enums, consts, params, defs, gap-free bands, matrices.

    Names are unique and tables are complete, so most of them also pass the checker (not
    all: a constant may divide by zero, and a band row expression may fail at run time).

    >>> isinstance(rulebook_asts(), st.SearchStrategy)
    True
    """
    return _rulebook(max_depth)
