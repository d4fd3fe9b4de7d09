"""Hypothesis strategies for the rules language, for engineers who property-test their rules.

Input: nothing but Hypothesis (an optional dependency: ``pip install hypothesis``; the package
itself never imports this module). Output: strategies for syntax trees, texts, rulebooks and
exact input numbers. Guarantees:

* :func:`formula_asts` and :func:`rulebook_asts` only build trees the parser can produce, so
  ``parse_formula(print_expr(ast)) == ast`` is a fair property to test;
* :func:`numeric_formulas` builds trees that type-check as numbers over the given input names;
* :func:`formula_texts` and :func:`rulebook_texts` build both valid texts and broken ones
  (tokens deleted, duplicated, swapped or inserted), for "never crashes" properties;
* :func:`decimals_for_inputs` builds finite Decimals that callers may bind to inputs;
* :func:`nips`, :func:`employees`, :func:`positions`, :func:`periods`, :func:`indicators`,
  :func:`rhks`, :func:`realisations`, :func:`behaviour_ratings`, :func:`behaviour_assessments`
  and :func:`plans` build *valid* input models (``plans(rulebook)`` builds plans that rulebook
  can score, with weights summing to exactly 100);
* the ``assert_*`` invariant checkers (monotone in realisasi, bounded by caps, weights summing
  to 100, deterministic, insensitive to input order, rating consistent with the matrix) raise
  ``AssertionError`` with a clear message, inside a caller's ``@given`` test or outside one.
  docs/testing.md shows them property-testing a local rulebook.

Every strategy is deterministic given Hypothesis' choices (no clock, no global random).

>>> from hypothesis.strategies import SearchStrategy
>>> isinstance(formula_asts(max_depth=3), SearchStrategy)
True
>>> isinstance(rulebook_texts(), SearchStrategy)
True
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Context, Decimal
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any, Final, TypeVar

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "kinerja_engine.testing needs Hypothesis: pip install 'kinerja_engine[test]'"
    ) from exc

from ..errors import KinerjaError, UsageError
from ..formatting import format_number
from ..language.builtins import BUILTINS
from ..language.formula import Rulebook
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
from ..language.printer import print_expr, print_rulebook
from ..models.plan import (
    RHK,
    BehaviourAssessment,
    CoreValue,
    Direction,
    Employee,
    EmployeeKind,
    Indicator,
    Jenjang,
    JptLevel,
    Period,
    PeriodKind,
    Plan,
    Position,
    PositionCategory,
    Realisation,
    TargetRange,
)
from ..scoring import Appraisal, appraise, appraise_many
from ..values import display_decimal, round_half_up, to_decimal

__all__ = [
    "assert_bounded_by_caps",
    "assert_deterministic",
    "assert_monotone_in_realisasi",
    "assert_order_insensitive",
    "assert_rating_consistent_with_matrix",
    "assert_weights_sum_to_100",
    "behaviour_assessments",
    "behaviour_ratings",
    "decimals_for_inputs",
    "employees",
    "formula_asts",
    "formula_texts",
    "identifiers",
    "indicators",
    "mutate_text",
    "nips",
    "numeric_formulas",
    "periods",
    "plans",
    "positions",
    "realisations",
    "rhks",
    "rulebook_asts",
    "rulebook_texts",
    "tokenize",
]

# Wide enough for every literal the parser accepts: scaling a percent must never round.
_WIDE: Final = Context(prec=4 * MAX_LITERAL_DIGITS)
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
# Tokens of the language, for texts that look plausible but need not parse.
_TOKENS: Final = (
    *("+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "%", ".", ",", "=", ":", "->"),
    *("(", ")", "[", "]", "{", "}", "_", "#", '"', "^", "'", "\\", "**", ";"),
    *sorted(KEYWORDS),
    *("0", "1", "100", "0.5", "120%", "9" * MAX_LITERAL_DIGITS, "1.", ".5", "1e5"),
    *("x", "target", "rating.baik", "min", "max", "round", "cap", "__import__", "tаrget"),
)


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
        lambda t: Num(Decimal(t).scaleb(-2, context=_WIDE), percent=True)
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
_COIN: Final = st.booleans()
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
    if draw(_COIN):
        return Call(func, (ListExpr(tuple(draw(st.lists(sub, max_size=4)))),))
    return Call(func, tuple(draw(st.lists(sub, min_size=2, max_size=4))))


@st.composite
def _bool_draw(draw: st.DrawFn, depth: int, scope: tuple[str, ...], max_digits: int) -> Expr:
    num = _num(max(depth - 1, 0), scope, max_digits)
    if depth <= 0:
        if draw(_COIN):
            return BoolLit(draw(_COIN))
        return Binary("<", draw(num), draw(num))
    sub = _bool(depth - 1, scope, max_digits)
    kind = draw(_BOOL_KINDS)
    if kind == "lit":
        return BoolLit(draw(_COIN))
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


# --------------------------------------------------------------------------- texts


def tokenize(text: str) -> list[str]:
    """Split text into the language's tokens (strings and comments kept whole).

    >>> tokenize('cap(x, 120%) # note')
    ['cap', '(', 'x', ',', '120', '%', ')', '# note']
    """
    import re  # noqa: PLC0415 - only this helper needs it

    pattern = r'"[^"\n]*"|#[^\n]*|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|==|!=|<=|>=|->|\S'
    return re.findall(pattern, text)


def mutate_text(text: str, edits: Sequence[tuple[str, int, int, str]]) -> str:
    """Apply token edits to ``text``: ``(kind, i, j, token)`` with kind delete, dup, swap, insert.

    Indexes wrap around the token list, so any integers are valid. Tokens are joined with
    spaces, except that a comment keeps its line end.

    >>> mutate_text("a + b", [("swap", 0, 1, ""), ("insert", 6, 0, "*")])
    '+ a * b'
    """
    tokens = tokenize(text)
    for kind, first, second, token in edits:
        if kind == "insert":
            tokens.insert(first % (len(tokens) + 1), token)
            continue
        if not tokens:
            continue
        i = first % len(tokens)
        if kind == "delete":
            del tokens[i]
        elif kind == "dup":
            tokens.insert(i, tokens[i])
        elif kind == "swap":
            j = second % len(tokens)
            tokens[i], tokens[j] = tokens[j], tokens[i]
    return " ".join(t + "\n" if t.startswith("#") else t for t in tokens)


_EDITS: Final = st.lists(
    st.tuples(
        st.sampled_from(("delete", "dup", "swap", "insert")),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.sampled_from(_TOKENS),
    ),
    min_size=1,
    max_size=3,
)


def _mutated(texts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(mutate_text, texts, _EDITS)


def formula_texts(max_depth: int = 4) -> st.SearchStrategy[str]:
    """Formula texts: canonical prints of :func:`formula_asts`, token soups, and mutations.

    Many of them are not valid formulas; all of them are the kind of text an admin form sees.

    >>> isinstance(formula_texts(), st.SearchStrategy)
    True
    """
    printed = formula_asts(max_depth).map(print_expr)
    soup = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=20).map(" ".join)
    return st.one_of(printed, soup, _mutated(printed))


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


def rulebook_texts(max_depth: int = 3) -> st.SearchStrategy[str]:
    """Rulebook texts: canonical prints of :func:`rulebook_asts` and mutated versions.

    >>> isinstance(rulebook_texts(), st.SearchStrategy)
    True
    """
    printed = rulebook_asts(max_depth).map(print_rulebook)
    return st.one_of(printed, _mutated(printed))


# --------------------------------------------------------------------------- inputs


@st.composite
def _long_decimal(draw: st.DrawFn, max_digits: int) -> Decimal:
    digits = draw(st.text("0123456789", min_size=1, max_size=max_digits))
    point = draw(st.integers(0, len(digits)))
    sign = draw(st.sampled_from(("", "-")))
    text = digits[:point] + "." + digits[point:] if point < len(digits) else digits
    return Decimal(sign + (text if not text.startswith(".") else "0" + text))


def decimals_for_inputs(
    *, max_digits: int = 60, scientific: bool = True
) -> st.SearchStrategy[Decimal]:
    """Exact, finite Decimals a caller may bind to number inputs.

    Includes 0 and -0, negatives, values near 100 (percent scores), long fractions up to
    ``max_digits`` significant digits and, when ``scientific``, values written with an exponent
    (``Decimal("1E+3")``), which a caller can pass and the library must accept.

    >>> isinstance(decimals_for_inputs(max_digits=20), st.SearchStrategy)
    True
    """
    edges = st.sampled_from(
        [Decimal(v) for v in ("0", "-0", "1", "-1", "0.1", "100", "120", "76", "0.0001", "-0.5")]
    )
    plain = st.decimals(
        min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
    )
    choices = [edges, plain, _long_decimal(max_digits)]
    if scientific:
        choices.append(st.builds(lambda c, e: Decimal(c).scaleb(e, context=_WIDE),
                                 st.integers(-999, 999), st.integers(-30, 30)))  # fmt: skip
    return st.one_of(*choices)


# =========================================================================== input models
#
# Strategies for every input model of the scoring pipeline, and invariant checkers that a
# caller's own property tests assert (plain functions raising AssertionError).

_T = TypeVar("_T")


@cache
def _indexes(size: int) -> st.SearchStrategy[int]:
    return st.integers(0, size - 1)


def _pick(draw: st.DrawFn, options: Sequence[_T]) -> _T:
    """``draw(st.sampled_from(options))`` without building a strategy on every draw."""
    return options[draw(_indexes(len(options)))]


_CORE_VALUES: Final = tuple(CoreValue)
_ONE_IN_FOUR: Final = st.integers(0, 3).map(lambda i: i == 0)


_NIP_FIRST_BIRTH: Final = date(1900, 1, 1)
_NIP_LAST_BIRTH: Final = date(2010, 12, 31)
_MIN_AGE_MONTHS: Final = 17 * 12
_MAX_AGE_MONTHS: Final = 60 * 12


def _draw_nip(draw: st.DrawFn, kind: EmployeeKind) -> str:
    birth = draw(st.dates(_NIP_FIRST_BIRTH, _NIP_LAST_BIRTH))
    if kind is EmployeeKind.PNS:
        # Month arithmetic as decode_nip does it: 17 to 60 years after the birth month.
        age = draw(st.integers(_MIN_AGE_MONTHS, _MAX_AGE_MONTHS))
        months = birth.year * 12 + birth.month - 1 + age
        middle = f"{months // 12:04d}{months % 12 + 1:02d}"
    else:
        # PPPK: a 4-digit year at least 17 years after the birth year; the 2-digit field after
        # it has no agreed meaning and is not checked.
        year = draw(st.integers(birth.year + 17, birth.year + 60))
        middle = f"{year:04d}{draw(st.integers(0, 99)):02d}"
    gender = _pick(draw, "12")
    sequence = draw(st.integers(1, 999))
    return f"{birth:%Y%m%d}{middle}{gender}{sequence:03d}"


def nips(kind: EmployeeKind | str = "PNS") -> st.SearchStrategy[str]:
    """Valid, decodable 18-digit NIPs (no spaces) of ``kind`` (``"PNS"`` or ``"PPPK"``).

    PNS: a real birth date from 1900 to 2010, the CPNS year-month 17 to 60 years after the
    birth month, gender 1 or 2, sequence 001-999. PPPK: the same birth date, gender and
    sequence, a 4-digit year 17 to 60 years after the birth year and any 2-digit field.

    >>> from hypothesis import given, settings
    >>> from kinerja_engine.models import decode_nip
    >>> @settings(max_examples=20, database=None)
    ... @given(nips(), nips("PPPK"))
    ... def check(pns, pppk):
    ...     assert decode_nip(pns).sequence >= 1 and decode_nip(pppk, "PPPK").gender in "LP"
    >>> check()
    """
    return st.composite(_draw_nip)(EmployeeKind(kind))


_FIRST_NAMES: Final = ("Siti", "Budi", "Rina", "Slamet", "Dwi", "Agus", "Nur", "Wahyu", "Ayu")
_LAST_NAMES: Final = ("Rahma", "Santoso", "Lestari", "Hidayat", "Purnomo", "Wulandari")
_TITLES: Final = ("", "", "Drs. ", "dr. ", "Ir. ")
_UNITS: Final = ("kec-gajahmungkur", "dinkes", "puskesmas-pegandan", "sdn-1", "bkpsdm")
_POSITION_NAMES: Final = (
    "Pengelola Layanan",
    "Analis Kebijakan",
    "Perawat",
    "Guru",
    "Kepala Seksi",
)


def _draw_name(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        # Any text that is not blank: names come from forms, in every script.
        return draw(
            st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30).filter(
                str.strip
            )
        )
    first = _pick(draw, _FIRST_NAMES)
    last = _pick(draw, ("", *_LAST_NAMES))
    return f"{_pick(draw, _TITLES)}{first} {last}".strip()


def _draw_position(draw: st.DrawFn) -> Position:
    category = _pick(draw, list(PositionCategory))
    jenjang = _pick(draw, list(Jenjang)) if category is PositionCategory.FUNGSIONAL else None
    level = None
    if category is PositionCategory.JPT:
        level = _pick(draw, (None, *JptLevel))
    return Position(
        name=_pick(draw, _POSITION_NAMES), category=category, jenjang=jenjang, level=level
    )


def positions() -> st.SearchStrategy[Position]:
    """Valid positions: every category; a jenjang exactly for Fungsional, a level only for JPT.

    >>> isinstance(positions(), st.SearchStrategy)
    True
    """
    return st.composite(_draw_position)()


def _draw_employee(
    draw: st.DrawFn, kind: EmployeeKind | None, is_unit_head: bool | None
) -> Employee:
    chosen = _pick(draw, list(EmployeeKind)) if kind is None else kind
    head = draw(st.booleans()) if is_unit_head is None else is_unit_head
    return Employee(
        nip=_draw_nip(draw, chosen),
        name=_draw_name(draw),
        kind=chosen,
        position=_draw_position(draw),
        unit=_pick(draw, _UNITS),
        is_unit_head=head,
    )


def employees(
    kind: EmployeeKind | str | None = None, *, is_unit_head: bool | None = False
) -> st.SearchStrategy[Employee]:
    """Valid :class:`~kinerja_engine.models.Employee` models with decodable NIPs.

    ``kind`` fixes PNS or PPPK (both by default); ``is_unit_head=None`` draws it too.

    >>> isinstance(employees("PPPK"), st.SearchStrategy)
    True
    """
    return st.composite(_draw_employee)(None if kind is None else EmployeeKind(kind), is_unit_head)


_ALL_PERIOD_KINDS: Final = tuple(PeriodKind)


def _draw_period(draw: st.DrawFn, kinds: tuple[PeriodKind, ...], years: tuple[int, int]) -> Period:
    kind = _pick(draw, kinds)
    count = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.SEMESTER: 2}.get(kind, 1)
    return Period(kind, draw(st.integers(*years)), draw(st.integers(1, count)))


def periods(
    kinds: Sequence[PeriodKind | str] = _ALL_PERIOD_KINDS, *, years: tuple[int, int] = (1900, 2999)
) -> st.SearchStrategy[Period]:
    """Periods of the given kinds (month, quarter, semester, year; Indonesian names too).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(periods(["triwulan"], years=(2026, 2026)))
    ... def check(period):
    ...     assert str(period).startswith("2026-Q")
    >>> check()
    """
    chosen = tuple(dict.fromkeys(PeriodKind(k) for k in kinds))
    if not chosen:
        raise ValueError("periods() needs at least one period kind")
    if not 1900 <= years[0] <= years[1] <= 2999:
        raise ValueError(f"years must be an interval within 1900-2999, got {years}")
    return st.composite(_draw_period)(chosen, years)


# --------------------------------------------------------------------------- indicators

_DIRECTIONS: Final = ("higher", "lower", "range")
#: A kind (or a formula text) with the direction its capaian improves in; None: the direction's
#: default formula (``capaian_higher`` / ``capaian_lower`` / ``capaian_range``).
_KindSpec = tuple[str | None, Direction | None]


def _kind_specs(
    kinds: Sequence[str | None] | Mapping[str, Direction | str] | None,
) -> tuple[_KindSpec, ...]:
    if kinds is None:
        return ((None, None),)
    if isinstance(kinds, Mapping):
        return tuple((k, Direction(d)) for k, d in kinds.items())
    return tuple((k, None) for k in dict.fromkeys(kinds))


_POSITIVE: Final = st.one_of(
    st.integers(1, 2000).map(Decimal),
    st.decimals(Decimal("0.01"), Decimal(10_000), places=2),
    st.sampled_from([Decimal(v) for v in ("1", "3", "80", "85", "100", "120", "1000")]),
)
_NONPOSITIVE: Final = st.one_of(
    st.just(Decimal(0)), st.decimals(Decimal(-100), Decimal(0), places=2)
)
_FACTORS: Final = st.one_of(
    st.sampled_from(
        [Decimal(v) for v in ("0", "0.5", "0.8", "0.9", "0.99", "1", "1.01", "1.1", "1.2", "2")]
    ),
    st.decimals(Decimal(0), Decimal(3), places=2),
)
_CAPS: Final = st.one_of(
    st.sampled_from([Decimal(v) for v in ("100", "110", "120", "150")]),
    st.decimals(Decimal(50), Decimal(200), places=1),
)


def _weights_strategy(count: int) -> st.SearchStrategy[tuple[Fraction, ...]]:
    """``count`` non-negative weights summing to exactly 100: integers or exact fractions."""
    parts = st.lists(st.integers(0, 10), min_size=count, max_size=count).filter(any)

    def scale(values: list[int]) -> tuple[Fraction, ...]:
        total = sum(values)
        return tuple(Fraction(100 * v, total) for v in values)

    def whole(values: list[int]) -> tuple[Fraction, ...]:
        # Integer percentages: the parts rounded down, the remainder on the first positive one.
        raw = [Fraction(100 * v // sum(values)) for v in values]
        first = next(i for i, v in enumerate(values) if v)
        raw[first] += 100 - sum(raw)
        return tuple(raw)

    return st.one_of(parts.map(scale), parts.map(whole))


def _weight_text(value: Fraction) -> str:
    return str(value)  # "50" or an exact fraction such as "100/3"


def _draw_target(draw: st.DrawFn, direction: Direction, nonpositive: bool) -> Decimal | TargetRange:
    if direction is Direction.RANGE:
        lo = draw(_POSITIVE)
        hi = lo + draw(st.sampled_from([Decimal(0), Decimal(5), Decimal(10)]) | _POSITIVE)
        return TargetRange(lo=lo, hi=hi)
    if nonpositive and draw(st.integers(0, 3)) == 0:
        return draw(_NONPOSITIVE)
    return draw(_POSITIVE)


def _draw_realisasi(draw: st.DrawFn, target: Decimal | TargetRange) -> Decimal:
    """A realisasi near the interesting points of ``target`` (the target, the range ends)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.decimals(Decimal(0), Decimal(100_000), places=2))
    base = _pick(draw, (target.lo, target.hi)) if isinstance(target, TargetRange) else target
    if base <= 0:
        return draw(st.decimals(Decimal(-200), Decimal(200), places=2))
    return base * draw(_FACTORS)


def _draw_indicator_data(
    draw: st.DrawFn,
    ident: str,
    specs: tuple[_KindSpec, ...],
    directions: tuple[Direction, ...],
    weight: Fraction | None,
    caps: bool,
    nonpositive: bool,
    formulas: tuple[_KindSpec, ...],
) -> dict[str, Any]:
    choices = [("kind", s) for s in specs] + [("formula", s) for s in formulas]
    source, (name, direction) = _pick(draw, choices)
    if direction is None:
        usable = directions
        if name is not None and source == "kind":
            # A rulebook kind reads (realisasi, target): a number, never a range.
            usable = tuple(d for d in directions if d is not Direction.RANGE) or (Direction.HIGHER,)
        direction = _pick(draw, usable)
    target = _draw_target(draw, direction, nonpositive)
    data: dict[str, Any] = {
        "id": ident,
        "name": f"Indikator {ident}",
        "unit_of_measure": _pick(draw, ("dokumen", "hari", "%", "orang", "indeks")),
        "direction": _pick(draw, _direction_spellings(direction)),
    }
    if isinstance(target, TargetRange):
        lo, hi = display_decimal(target.lo), display_decimal(target.hi)
        data["target"] = _pick(draw, (f"{lo}-{hi}", {"lo": lo, "hi": hi}, [lo, hi]))
    else:
        data["target"] = _pick(draw, (target, display_decimal(target)))
    if name is not None:
        data[source] = name
    if weight is not None:
        data["weight"] = _weight_text(weight)
    if caps and draw(st.integers(0, 3)) == 0:
        data["cap"] = draw(_CAPS)
    return data


def _direction_spellings(direction: Direction) -> tuple[str, ...]:
    extra = {
        Direction.HIGHER: ("Higher is better", "maximise"),
        Direction.LOWER: ("lower is better", "MINIMIZE"),
        Direction.RANGE: ("Range",),
    }
    return (direction.value, *extra[direction])


def _directions(directions: Sequence[Direction | str]) -> tuple[Direction, ...]:
    chosen = tuple(dict.fromkeys(Direction(d) for d in directions))
    if not chosen:
        raise ValueError("needs at least one direction (higher, lower, range)")
    return chosen


def indicators(
    kinds: Sequence[str | None] | Mapping[str, Direction | str] | None = None,
    directions: Sequence[Direction | str] = _DIRECTIONS,
    *,
    weights: bool | None = None,
    caps: bool = True,
    nonpositive_targets: bool = False,
    formulas: Sequence[str] | Mapping[str, Direction | str] = (),
    id: str = "i1",
) -> st.SearchStrategy[Indicator]:
    """Valid :class:`~kinerja_engine.models.Indicator` models (an IKI).

    ``kinds`` are indicator kinds of a rulebook (``capaian_<kind>``); ``None`` in the list
    means "no kind" (the direction's default formula). A mapping gives each kind the direction
    its capaian improves in; otherwise a kind's direction is drawn from ``directions`` (never
    ``range``: a kind reads one target). Targets are positive numbers, and ranges written
    ``"80-90"``, ``{"lo": .., "hi": ..}`` or ``[lo, hi]``; ``nonpositive_targets`` adds zero and
    negative targets. ``weights``: True always, False never, None sometimes (any 0-100).
    ``caps`` sometimes sets the indicator's own cap. ``formulas`` are formula texts an
    indicator may carry instead of a kind.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(indicators(directions=["range"], weights=False))
    ... def check(ind):
    ...     assert ind.target.lo <= ind.target.hi and ind.weight is None
    >>> check()
    """
    specs = _kind_specs(kinds)
    formula_specs = _kind_specs(formulas) if formulas else ()
    dirs = _directions(directions)

    @st.composite
    def build(draw: st.DrawFn) -> Indicator:
        weight = None
        if weights or (weights is None and draw(st.booleans())):
            weight = draw(st.fractions(0, 100, max_denominator=12))
        data = _draw_indicator_data(
            draw, id, specs, dirs, weight, caps, nonpositive_targets, formula_specs
        )
        return Indicator.model_validate(data)

    return build()


def _draw_rhk_data(
    draw: st.DrawFn,
    ident: str,
    specs: tuple[_KindSpec, ...],
    directions: tuple[Direction, ...],
    caps: bool,
    nonpositive: bool,
    formulas: tuple[_KindSpec, ...],
    max_indicators: int,
    weight: Fraction | None,
) -> dict[str, Any]:
    count = draw(st.integers(1, max_indicators))
    weighted = draw(st.booleans())
    weights: tuple[Fraction | None, ...] = (
        draw(_weights_strategy(count)) if weighted else (None,) * count
    )
    data: dict[str, Any] = {
        "id": ident,
        "description": f"Rencana hasil kerja {ident}",
        "kind": _pick(draw, ("utama", "tambahan", "main")),
        "indicators": [
            _draw_indicator_data(
                draw, f"{ident}i{n}", specs, directions, w, caps, nonpositive, formulas
            )
            for n, w in enumerate(weights, 1)
        ],
    }
    if weight is not None:
        data["weight"] = _weight_text(weight)
    return data


def rhks(
    kinds: Sequence[str | None] | Mapping[str, Direction | str] | None = None,
    directions: Sequence[Direction | str] = _DIRECTIONS,
    *,
    max_indicators: int = 4,
    caps: bool = True,
    nonpositive_targets: bool = False,
    id: str = "r1",
) -> st.SearchStrategy[RHK]:
    """Valid :class:`~kinerja_engine.models.RHK` models with 1 to ``max_indicators`` indicators.

    The indicators' weights are either all absent (equal weights) or sum to exactly 100, as
    integers or exact fractions (``"100/3"``); indicator ids are ``<id>i1``, ``<id>i2``, ...
    Other arguments as for :func:`indicators`.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(rhks(id="r7"))
    ... def check(rhk):
    ...     assert_weights_sum_to_100(rhk)
    ...     assert rhk.indicators[0].id == "r7i1"
    >>> check()
    """
    if max_indicators < 1:
        raise ValueError("max_indicators must be at least 1")
    specs, dirs = _kind_specs(kinds), _directions(directions)
    return st.composite(_draw_rhk_data)(
        id, specs, dirs, caps, nonpositive_targets, (), max_indicators, None
    ).map(RHK.model_validate)


def _draw_realisation(
    draw: st.DrawFn, indicator: Indicator | str | None, not_applicable: bool
) -> Realisation:
    if isinstance(indicator, Indicator):
        ident, value = indicator.id, _draw_realisasi(draw, indicator.target)
    else:
        ident = indicator or _pick(draw, ("i1", "i2", "waktu", "vaksin"))
        value = draw(st.decimals(Decimal(0), Decimal(100_000), places=2))
    if not_applicable and draw(st.integers(0, 4)) == 0:
        return Realisation(indicator=ident, not_applicable=True, note="tidak berlaku")
    return Realisation(indicator=ident, value=_pick(draw, (value, display_decimal(value))))


def realisations(
    indicator: Indicator | str | None = None, *, not_applicable: bool = False
) -> st.SearchStrategy[Realisation]:
    """Valid :class:`~kinerja_engine.models.Realisation` models.

    For an :class:`~kinerja_engine.models.Indicator`, values cluster around its target (or the
    ends of its range): 0, 50 %, 90 %, 100 %, 110 %, 120 %, twice ... ; for an id, any value from 0
    to 100000. ``not_applicable`` sometimes marks the indicator not applicable instead.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(realisations("waktu"))
    ... def check(real):
    ...     assert real.indicator == "waktu" and real.value >= 0
    >>> check()
    """
    return st.composite(_draw_realisation)(indicator, not_applicable)


# --------------------------------------------------------------------------- behaviour


def _default_rulebook() -> Rulebook:
    from .. import rulebooks  # noqa: PLC0415 - loaded on first use only

    return rulebooks.load("permenpanrb-6-2022")


# Spellings per (rulebook object, enum); the entry keeps its rulebook alive, so ids are not reused.
_SPELLINGS: dict[tuple[int, str], tuple[Rulebook, tuple[str, ...]]] = {}


def _spellings(rulebook: Rulebook, enum: str) -> tuple[str, ...]:
    found = _SPELLINGS.get((id(rulebook), enum))
    if found is None:
        if len(_SPELLINGS) > 256:
            _SPELLINGS.clear()
        found = _SPELLINGS[(id(rulebook), enum)] = (rulebook, _enum_spellings(rulebook, enum))
    return found[1]


def _enum_spellings(rulebook: Rulebook, enum: str) -> tuple[str, ...]:
    info = rulebook.enum(enum)
    written: list[str] = []
    for label in info.members:
        written += [label.name, label.text or label.name]
    written += list(info.spellings)  # aliases, as normalised keys ("diatas", "above")
    variants: list[str] = []
    for text in dict.fromkeys(written):
        variants += [
            text,
            text.upper(),
            text.lower(),
            text.title(),
            text.replace(" ", "_"),
            text.replace(" ", "-"),
            f"  {text.replace(' ', '  ')} ",
        ]
    return tuple(dict.fromkeys(variants))


def behaviour_ratings(rulebook: Rulebook | None = None) -> st.SearchStrategy[str]:
    """Spellings of the rulebook's ``rating`` members that resolve: names, texts and aliases,
    in any case, with spaces, underscores or hyphens (default rulebook: permenpanrb-6-2022).

    >>> from hypothesis import given, settings
    >>> from kinerja_engine import rulebooks
    >>> book = rulebooks.load("permenpanrb-6-2022")
    >>> @settings(max_examples=30, database=None)
    ... @given(behaviour_ratings(book))
    ... def check(text):
    ...     assert book.label("rating", text).enum == "rating"
    >>> check()
    """
    return st.sampled_from(_spellings(rulebook or _default_rulebook(), "rating"))


def behaviour_assessments(rulebook: Rulebook | None = None) -> st.SearchStrategy[
    BehaviourAssessment
]:  # fmt: skip
    """:class:`~kinerja_engine.models.BehaviourAssessment` models whose rating is one of
    :func:`behaviour_ratings`, sometimes with notes per BerAKHLAK core value.

    >>> isinstance(behaviour_assessments(), st.SearchStrategy)
    True
    """
    return st.builds(
        BehaviourAssessment,
        rating=behaviour_ratings(rulebook),
        per_value=st.dictionaries(
            st.sampled_from(list(CoreValue)), st.sampled_from(("baik", "perlu ditingkatkan"))
        ),
    )


# --------------------------------------------------------------------------- plans


def _rulebook_kinds(book: Rulebook) -> dict[str, Direction]:
    """Indicator kinds of ``book`` (``capaian_<kind>(realisasi, target)``), each with the
    direction found by probing: whether the capaian at realisasi 150 is below that at 50
    (target 100). A kind that fails the probe counts as ``higher``."""
    found: dict[str, Direction] = {}
    for name in book:
        if not name.startswith("capaian_") or name in ("capaian_higher", "capaian_lower"):
            continue
        if name not in book.checked.funcs or tuple(book.signature(name)) != (
            "realisasi",
            "target",
        ):
            continue
        direction = Direction.HIGHER
        try:
            low = book.evaluate(name, realisasi=50, target=100)
            high = book.evaluate(name, realisasi=150, target=100)
            if isinstance(low, Decimal) and isinstance(high, Decimal) and high < low:
                direction = Direction.LOWER
        except KinerjaError:
            pass
        found[name.removeprefix("capaian_")] = direction
    return found


def _rulebook_directions(book: Rulebook) -> tuple[Direction, ...]:
    funcs = book.checked.funcs
    found = []
    for direction, params in (
        (Direction.HIGHER, ("realisasi", "target")),
        (Direction.LOWER, ("realisasi", "target")),
        (Direction.RANGE, ("realisasi", "lo", "hi")),
    ):
        name = f"capaian_{direction.value}"
        if name in funcs and tuple(book.signature(name)) == params:
            found.append(direction)
    return tuple(found)


def _draw_override(draw: st.DrawFn, book: Rulebook) -> dict[str, str] | None:
    enums = book.checked.enums
    targets = [w for w, e in (("rating_hasil_kerja", "rating"), ("rating_perilaku", "rating"),
                              ("predikat", "predikat")) if e in enums]  # fmt: skip
    if not targets:
        return None
    what = _pick(draw, targets)
    enum = "predikat" if what == "predikat" else "rating"
    return {
        "what": what,
        "value": _pick(draw, _spellings(book, enum)),
        "reason": _pick(draw, ("bukti tambahan dari atasan", "keberatan diterima")),
    }


def _draw_plan(
    draw: st.DrawFn,
    book: Rulebook | None,
    specs: tuple[_KindSpec, ...],
    directions: tuple[Direction, ...],
    complete: bool,
    caps: bool,
    overrides: bool,
    nonpositive: bool,
    period_kinds: tuple[PeriodKind, ...],
    max_rhk: int,
    max_indicators: int,
) -> Plan:
    count = draw(st.integers(1, max_rhk))
    rhk_weights: tuple[Fraction | None, ...] = (
        draw(_weights_strategy(count)) if draw(st.booleans()) else (None,) * count
    )
    rhk = [
        _draw_rhk_data(draw, f"r{n}", specs, directions, caps, nonpositive, (), max_indicators, w)
        for n, w in enumerate(rhk_weights, 1)
    ]
    reals: list[Realisation] = []
    for item in rhk:
        for ind in item["indicators"]:
            target = Indicator.model_validate(ind).target
            if not complete and draw(st.integers(0, 4)) == 0:
                continue  # not yet reported
            reals.append(Realisation(indicator=ind["id"], value=_draw_realisasi(draw, target)))
            if not complete and draw(st.integers(0, 6)) == 0:
                reals[-1] = Realisation(indicator=ind["id"], not_applicable=True)
    rating_book = book if book is not None else _default_rulebook()
    behaviour = None
    if "rating" in rating_book.checked.enums and (complete or draw(st.booleans())):
        behaviour = BehaviourAssessment(
            rating=_pick(draw, _spellings(rating_book, "rating")),
            per_value={v: "baik" for v in _CORE_VALUES if draw(_ONE_IN_FOUR)},
        )
    employee = _draw_employee(draw, None, None)
    evaluator = _draw_employee(draw, EmployeeKind.PNS, True) if draw(_COIN) else None
    if evaluator is not None and evaluator.nip == employee.nip:
        evaluator = None
    data: dict[str, Any] = {
        "id": f"skp-{draw(st.integers(1, 9999)):04d}",
        "employee": employee,
        "evaluator": evaluator,
        "period": _draw_period(draw, period_kinds, (2020, 2030)),
        "rhk": rhk,
        "realisations": draw(st.permutations(reals)),
        "behaviour": behaviour,
    }
    if overrides:
        chosen: dict[str, dict[str, str]] = {}
        for _ in range(draw(st.integers(0, 2))):
            override = _draw_override(draw, rating_book)
            if override is not None:
                chosen.setdefault(override["what"], override)
        data["overrides"] = list(chosen.values())
    return Plan.model_validate(data)


def plans(
    rulebook: Rulebook | None = None,
    indicator_kinds: Sequence[str | None] | Mapping[str, Direction | str] | None = None,
    complete: bool = True,
    *,
    directions: Sequence[Direction | str] | None = None,
    caps: bool = True,
    overrides: bool = False,
    nonpositive_targets: bool = False,
    period_kinds: Sequence[PeriodKind | str] = _ALL_PERIOD_KINDS,
    max_rhk: int = 3,
    max_indicators: int = 3,
) -> st.SearchStrategy[Plan]:
    """Valid :class:`~kinerja_engine.models.Plan` models (SKP) that ``rulebook`` can score.

    Every plan has 1 to ``max_rhk`` RHK of 1 to ``max_indicators`` indicators; at each level the
    weights are either all absent or sum to exactly 100 (integers or fractions such as
    ``"100/3"``). With a rulebook, indicator kinds are its ``capaian_<kind>(realisasi, target)``
    definitions (``indicator_kinds`` picks some of them; ``None`` in the list means "no kind")
    and directions are those it has ``capaian_higher``/``lower``/``range`` for; a kind's
    direction is found by probing its capaian (or given, with a mapping). ``complete`` plans
    report every indicator and carry a behaviour rating (when the rulebook has a ``rating``
    enum); otherwise realisations may be missing or not applicable and the rating absent.
    ``overrides`` adds evaluator overrides (rating or predikat, with a reason). Realisations
    come in any order. The employee is PNS or PPPK, sometimes a unit head; an evaluator is
    sometimes present.

    Raises ``ValueError`` at once when the rulebook cannot score any indicator, or when a
    requested kind is not in it.

    >>> from hypothesis import given, settings
    >>> from kinerja_engine import rulebooks
    >>> book = rulebooks.load("gajahmungkur")
    >>> @settings(max_examples=10, database=None)
    ... @given(plans(book, ["waktu_layanan", "vaksinasi"]))
    ... def check(plan):
    ...     assert_weights_sum_to_100(plan)
    ...     assert {ind.kind for _, ind in plan.indicators()} <= {"waktu_layanan", "vaksinasi"}
    >>> check()
    >>> plans(book, ["vaksin"])
    Traceback (most recent call last):
    ...
    ValueError: rulebook 'gajahmungkur' has no indicator kind 'vaksin' (no capaian_vaksin(realisasi, target)); its kinds: vaksinasi, sosialisasi, kolaborasi, ikm, waktu_layanan, kasus, prestasi_siswa, kehadiran_siswa
    """  # noqa: E501
    if max_rhk < 1 or max_indicators < 1:
        raise ValueError("max_rhk and max_indicators must be at least 1")
    if rulebook is None:
        dirs = _directions(directions or _DIRECTIONS)
        specs = _kind_specs(indicator_kinds)
    else:
        available = _rulebook_kinds(rulebook)
        book_dirs = _rulebook_directions(rulebook)
        wanted = _directions(directions or _DIRECTIONS)
        dirs = tuple(d for d in wanted if d in book_dirs)
        if indicator_kinds is None:
            specs = tuple((k, d) for k, d in available.items())
            if dirs:
                specs = ((None, None), *specs)
        else:
            specs = _kind_specs(indicator_kinds)
            for kind, _ in specs:
                if kind is not None and kind not in available:
                    raise ValueError(
                        f"rulebook '{rulebook.name}' has no indicator kind '{kind}' (no "
                        f"capaian_{kind}(realisasi, target)); its kinds: "
                        + (", ".join(available) or "none")
                    )
            if not isinstance(indicator_kinds, Mapping):
                specs = tuple((k, None if k is None else available[k]) for k, _ in specs)
        if not dirs:
            if any(k is None for k, _ in specs) or not specs:
                raise ValueError(
                    f"rulebook '{rulebook.name}' has no capaian_higher, capaian_lower or "
                    "capaian_range (nor indicator kinds) for the wanted directions: the "
                    "scoring pipeline cannot score a plan with it"
                )
            dirs = (Direction.HIGHER,)
    if not specs:
        raise ValueError("plans() needs at least one indicator kind")
    kinds = tuple(dict.fromkeys(PeriodKind(k) for k in period_kinds))
    return st.composite(_draw_plan)(
        rulebook, specs, dirs, complete, caps, overrides, nonpositive_targets, kinds, max_rhk,
        max_indicators,
    )  # fmt: skip


# =========================================================================== invariant checkers
#
# Plain functions for a caller's own tests (inside @given or not): each raises AssertionError
# with a message naming the plan, the indicator and the numbers when the invariant fails.

Number = int | str | Decimal | Fraction


def _show(value: object) -> str:
    if isinstance(value, Fraction):
        return format_number(value)
    if isinstance(value, Decimal):
        return display_decimal(value)
    return str(value)


def _with_realisasi(plan: Plan, indicator_id: str, value: Decimal) -> Plan:
    new = Realisation(indicator=indicator_id, value=value)
    reals = list(plan.realisations)
    for i, real in enumerate(reals):
        if real.indicator == indicator_id:
            reals[i] = new
            break
    else:
        reals.append(new)
    return plan.model_copy(update={"realisations": tuple(reals)})


def _find_indicator(plan: Plan, indicator_id: str) -> tuple[RHK, Indicator]:
    for rhk, ind in plan.indicators():
        if ind.id == indicator_id:
            return rhk, ind
    known = ", ".join(ind.id for _, ind in plan.indicators())
    raise UsageError(f"plan {plan.id} has no indicator '{indicator_id}' (it has: {known})")


def _check_order(
    series: Sequence[tuple[Decimal, Fraction | None]],
    increasing: bool,
    what: str,
    context: str,
) -> None:
    known = [(v, x) for v, x in series if x is not None]
    for (v1, x1), (v2, x2) in itertools.pairwise(known):
        if (x2 < x1) if increasing else (x2 > x1):
            verb = "fell" if increasing else "rose"
            raise AssertionError(
                f"{context}: {what} {verb} from {_rounded(x1)} to {_rounded(x2)} when "
                f"realisasi went from {_show(v1)} to {_show(v2)}"
            )


def assert_monotone_in_realisasi(
    plan: Plan, rulebook: Rulebook, indicator_id: str, values: Iterable[Number]
) -> list[Appraisal]:
    """Capaian and nilai never move against the indicator's direction as realisasi grows.

    The plan is appraised once per value of ``values`` (in increasing order) with that
    realisasi for ``indicator_id`` (replacing or adding its realisation). For direction
    ``higher`` the indicator's capaian, its RHK's nilai and the nilai hasil kerja must never
    decrease; for ``lower`` never increase; for ``range`` each side is checked: up to the
    range's low end as ``higher``, from its high end as ``lower``. Values that leave a number
    undefined (an incomplete result) are skipped for that number. Returns the appraisals.
    Raises :class:`~kinerja_engine.errors.KinerjaError` if a plan cannot be scored.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> book = rulebooks.load("gajahmungkur")
    >>> _ = assert_monotone_in_realisasi(example_plan(), book, "i1", ["0", "2.5", 3, 7])
    >>> broken = book.extend('rulebook "b" def capaian_lower(realisasi, target) = realisasi / target * 100')
    >>> assert_monotone_in_realisasi(example_plan(), broken, "i1", [1, 2])
    Traceback (most recent call last):
    ...
    AssertionError: plan p, indicator 'i1' (direction lower): capaian rose from 33.33 (exactly 100/3) to 66.67 (exactly 200/3) when realisasi went from 1 to 2
    """  # noqa: E501
    rhk, ind = _find_indicator(plan, indicator_id)
    ordered = sorted(dict.fromkeys(to_decimal(v, "realisasi") for v in values))
    results: list[Appraisal] = []
    rows: list[tuple[Decimal, Fraction | None, Fraction | None, Fraction | None]] = []
    for value in ordered:
        appraisal = appraise(_with_realisasi(plan, indicator_id, value), rulebook)
        results.append(appraisal)
        nilai_rhk = next(r.nilai for r in appraisal.rhk if r.id == rhk.id)
        rows.append(
            (
                value,
                appraisal.indicator(indicator_id).capaian,
                nilai_rhk,
                appraisal.nilai_hasil_kerja,
            )
        )
    context = f"plan {plan.id}, indicator '{indicator_id}' (direction {ind.direction.value})"
    if isinstance(ind.target, TargetRange):
        lo, hi = ind.target.lo, ind.target.hi
        sides = [([r for r in rows if r[0] <= lo], True), ([r for r in rows if r[0] >= hi], False)]
    else:
        sides = [(rows, ind.direction is not Direction.LOWER)]
    for side, increasing in sides:
        _check_order([(r[0], r[1]) for r in side], increasing, "capaian", context)
        _check_order([(r[0], r[2]) for r in side], increasing, f"nilai of RHK '{rhk.id}'", context)
        _check_order([(r[0], r[3]) for r in side], increasing, "nilai hasil kerja", context)
    return results


def _bound_for(
    bounds: Number | Mapping[str, Number] | None, ind_id: str, kind: str | None
) -> Fraction | None:
    if bounds is None:
        return None
    if isinstance(bounds, Mapping):
        for key in (ind_id, kind):
            if key is not None and key in bounds:
                return Fraction(to_decimal(bounds[key], key))
        return None
    return Fraction(to_decimal(bounds, "bound"))


def assert_bounded_by_caps(
    appraisal: Appraisal,
    caps: Number | Mapping[str, Number] | None = None,
    *,
    floors: Number | Mapping[str, Number] | None = None,
    plan: Plan | None = None,
    aggregates: bool = True,
) -> None:
    """Every capaian stays within its cap (and floor); so do the values built from them.

    ``caps`` is one bound for every indicator, or a mapping from indicator id, or from
    indicator kind when ``plan`` is given, to its bound (percent); ``floors`` likewise from
    below. With ``plan``, each indicator's own ``cap`` is checked too, and a capped indicator
    must sit exactly at its cap. With ``aggregates`` (for weighted-mean rulebooks), an RHK's
    nilai lies within the bounds of its counted indicators when they all have one, and the
    nilai hasil kerja within those of the RHKs.

    >>> from kinerja_engine import appraise, rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> book = rulebooks.load("gajahmungkur")
    >>> plan = example_plan().model_copy(update={"realisations": ()})
    >>> plan = _with_realisasi(_with_realisasi(plan, "i1", Decimal(1)), "i2", Decimal(85))
    >>> result = appraise(plan, book)
    >>> assert_bounded_by_caps(result, 200)
    >>> assert_bounded_by_caps(result, {"i1": 150})
    Traceback (most recent call last):
    ...
    AssertionError: plan p, indicator 'i1': capaian 166.67 (exactly 500/3) is above its cap 150
    """
    kinds: dict[str, str | None] = {}
    own: dict[str, Decimal | None] = {}
    if plan is not None:
        for _, planned in plan.indicators():
            kinds[planned.id] = planned.kind
            own[planned.id] = planned.cap
    who = f"plan {appraisal.plan_id}"
    rhk_caps: list[Fraction | None] = []
    rhk_floors: list[Fraction | None] = []
    for rhk in appraisal.rhk:
        counted_caps: list[Fraction | None] = []
        counted_floors: list[Fraction | None] = []
        for ind in rhk.indicators:
            if ind.capaian is None:
                continue
            kind = kinds.get(ind.id)
            cap = _bound_for(caps, ind.id, kind)
            floor = _bound_for(floors, ind.id, kind)
            cap_own = own.get(ind.id)
            if cap_own is not None:
                cap = Fraction(cap_own) if cap is None else min(cap, Fraction(cap_own))
            if cap is not None and ind.capaian > cap:
                raise AssertionError(
                    f"{who}, indicator '{ind.id}': capaian {_rounded(ind.capaian)} is above its "
                    f"cap {_show(cap)}"
                )
            if floor is not None and ind.capaian < floor:
                raise AssertionError(
                    f"{who}, indicator '{ind.id}': capaian {_rounded(ind.capaian)} is below its "
                    f"floor {_show(floor)}"
                )
            if ind.capped_from is not None:
                if not ind.capped_from > ind.capaian:
                    raise AssertionError(
                        f"{who}, indicator '{ind.id}': capped from {_show(ind.capped_from)} to "
                        f"{_show(ind.capaian)}, which is not lower"
                    )
                if cap_own is not None and ind.capaian != Fraction(cap_own):
                    raise AssertionError(
                        f"{who}, indicator '{ind.id}': capped to {_show(ind.capaian)}, not to its "
                        f"cap {_show(cap_own)}"
                    )
            counted_caps.append(cap)
            counted_floors.append(floor)
        rhk_cap = _widest(counted_caps, max)
        rhk_floor = _widest(counted_floors, min)
        if aggregates and rhk.nilai is not None:
            _within(rhk.nilai, rhk_cap, rhk_floor, f"{who}, RHK '{rhk.id}': nilai")
        if rhk.nilai is not None:
            rhk_caps.append(rhk_cap)
            rhk_floors.append(rhk_floor)
    if aggregates and appraisal.nilai_hasil_kerja is not None:
        _within(appraisal.nilai_hasil_kerja, _widest(rhk_caps, max), _widest(rhk_floors, min),
                f"{who}: nilai hasil kerja")  # fmt: skip


def _rounded(value: Fraction) -> str:
    """A number as written, or rounded to 2 places with its exact fraction when it recurs."""
    shown = format_number(value)
    if "/" not in shown:
        return shown
    return f"{display_decimal(round_half_up(value, 2))} (exactly {shown})"


def _widest(
    bounds: Sequence[Fraction | None], pick: Callable[[Iterable[Fraction]], Fraction]
) -> Fraction | None:
    if not bounds or any(b is None for b in bounds):
        return None
    return pick(b for b in bounds if b is not None)


def _within(value: Fraction, cap: Fraction | None, floor: Fraction | None, what: str) -> None:
    if cap is not None and value > cap:
        raise AssertionError(f"{what} {_rounded(value)} is above the largest cap {_show(cap)}")
    if floor is not None and value < floor:
        raise AssertionError(f"{what} {_rounded(value)} is below the smallest floor {_show(floor)}")


def _weights_check(weights: Sequence[Fraction | None], what: str) -> None:
    if all(w is None for w in weights):
        return
    if any(w is None for w in weights):
        raise AssertionError(f"{what}: some weights are given and some are not")
    total = sum((w for w in weights if w is not None), Fraction(0))
    if total != 100:
        raise AssertionError(f"{what}: weights add up to {format_number(total)} %, not 100 %")


def assert_weights_sum_to_100(item: Plan | RHK | Appraisal) -> None:
    """Weights sum to exactly 100 % at every level, or are all absent (equal weights).

    For a :class:`~kinerja_engine.models.Plan`: the RHK weights, and each RHK's indicator
    weights; for an :class:`~kinerja_engine.models.RHK`: its indicators; for an
    :class:`~kinerja_engine.scoring.Appraisal`: the weights the pipeline used (equal weights
    filled in), which must then be present and sum to 100. Sums are exact: three times
    ``"33.33"`` is 99.99, not 100 (write ``"100/3"``).

    >>> from kinerja_engine.models import RHK
    >>> ind = {"name": "x", "unit_of_measure": "%", "target": 1, "direction": "higher"}
    >>> rhk = RHK(id="r1", description="d", indicators=[
    ...     {**ind, "id": f"i{n}", "weight": "33.33"} for n in (1, 2, 3)])
    >>> assert_weights_sum_to_100(rhk)
    Traceback (most recent call last):
    ...
    AssertionError: RHK 'r1', indicator weights: weights add up to 99.99 %, not 100 %
    """
    if isinstance(item, RHK):
        _weights_check([i.weight for i in item.indicators], f"RHK '{item.id}', indicator weights")
        return
    if isinstance(item, Plan):
        _weights_check([r.weight for r in item.rhk], f"plan {item.id}, RHK weights")
        for rhk in item.rhk:
            _weights_check(
                [i.weight for i in rhk.indicators],
                f"plan {item.id}, RHK '{rhk.id}', indicator weights",
            )
        return
    if isinstance(item, Appraisal):
        if not item.ok:
            return
        who = f"appraisal of plan {item.plan_id}"
        _weights_check([r.weight for r in item.rhk] or [Fraction(0)], f"{who}, RHK weights")
        for scored in item.rhk:
            _weights_check([i.weight for i in scored.indicators] or [Fraction(0)],
                           f"{who}, RHK '{scored.id}', indicator weights")  # fmt: skip
        return
    raise UsageError(f"expected a Plan, an RHK or an Appraisal, got {type(item).__name__}")


def _outcome(action: Callable[[], Appraisal]) -> tuple[str, Any]:
    try:
        return "result", action().to_dict()
    except KinerjaError as exc:
        return "error", exc.message


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in dict.fromkeys([*a, *b]):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else key)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or 'value'}: {a!r} vs {b!r}"


def assert_deterministic(plan: Plan, rulebook: Rulebook) -> Appraisal | None:
    """The same plan always gives the same appraisal, trace included.

    Appraises the plan twice, a copy read back from its own JSON, and through
    ``appraise_many``; all four must be equal (``to_dict``), or all must fail with the same
    message. Returns the appraisal, or None when the plan cannot be scored.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> assert_deterministic(example_plan(), rulebooks.load("gajahmungkur")).status
    'incomplete'
    """
    outcomes = [
        ("appraise", _outcome(lambda: appraise(plan, rulebook))),
        ("appraise again", _outcome(lambda: appraise(plan, rulebook))),
        (
            "appraise of the plan read back from JSON",
            _outcome(lambda: appraise(Plan.model_validate_json(plan.model_dump_json()), rulebook)),
        ),
        ("appraise_many", _many_outcome([plan], rulebook)[0]),
    ]
    first_name, first = outcomes[0]
    for name, outcome in outcomes[1:]:
        if outcome != first:
            raise AssertionError(
                f"plan {plan.id}: {name} differs from {first_name}: "
                + _first_difference(first, outcome)
            )
    if first[0] == "error":
        return None
    return appraise(plan, rulebook)


def _many_outcome(plans: Sequence[Plan], rulebook: Rulebook) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for result in appraise_many(plans, rulebook):
        if result.status == "error":
            out.append(("error", result.error))
        else:
            out.append(("result", result.to_dict()))
    return out


def _summary(appraisal: Appraisal) -> dict[str, Any]:
    """What must not depend on the order of RHKs and indicators (the trace does)."""
    data = appraisal.to_dict()
    return {
        "status": data["status"],
        "nilai_hasil_kerja": data["nilai_hasil_kerja"],
        "ratings": [data[k] for k in ("rating_hasil_kerja_rekomendasi", "rating_hasil_kerja",
                                      "rating_perilaku", "predikat_rekomendasi", "predikat")],
        "conversions": data["conversions"],
        "notes": sorted(data["notes"]),
        "rhk": {r["id"]: (r["weight"], r["nilai"]) for r in data["rhk"]},
        "indicators": {
            i["id"]: (i["status"], i["capaian"], i["weight"], i["capped_from"])
            for r in data["rhk"] for i in r["indicators"]
        },
    }  # fmt: skip


def assert_order_insensitive(plans: Plan | Sequence[Plan], rulebook: Rulebook) -> None:
    """Scores do not depend on the order of the input.

    For each plan: its realisations reversed and rotated give the identical appraisal, and
    its RHKs and their indicators in reverse order give the same numbers, ratings and
    conversions (only the order of the breakdown and trace may change). For several plans:
    ``appraise_many`` over them reversed gives each plan the same result as in order.
    A plan that cannot be scored must fail the same way in every order.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> assert_order_insensitive([example_plan()] * 2, rulebooks.load("gajahmungkur"))
    """
    items = [plans] if isinstance(plans, Plan) else list(plans)
    for plan in items:
        base = _outcome(lambda plan=plan: appraise(plan, rulebook))  # type: ignore[misc]
        reals = plan.realisations
        for name, order in (("reversed", reals[::-1]), ("rotated", reals[1:] + reals[:1])):
            variant = plan.model_copy(update={"realisations": order})
            outcome = _outcome(lambda v=variant: appraise(v, rulebook))  # type: ignore[misc]
            if outcome != base:
                raise AssertionError(
                    f"plan {plan.id}: realisations {name} change the appraisal: "
                    + _first_difference(base, outcome)
                )
        flipped = Plan.model_validate(
            {
                **plan.model_dump(),
                "rhk": [
                    {**r.model_dump(), "indicators": [i.model_dump() for i in r.indicators[::-1]]}
                    for r in plan.rhk[::-1]
                ],
            }
        )
        # A failure may name another indicator first in another order: only its kind counts.
        base_summary = _summary_outcome(plan, rulebook)
        flip_summary = _summary_outcome(flipped, rulebook)
        if flip_summary != base_summary:
            raise AssertionError(
                f"plan {plan.id}: RHKs and indicators in reverse order change the result: "
                + _first_difference(base_summary, flip_summary)
            )
    if len(items) > 1:
        forward = _many_outcome(items, rulebook)
        backward = _many_outcome(items[::-1], rulebook)[::-1]
        for index, (a, b) in enumerate(zip(forward, backward, strict=True)):
            if a != b:
                raise AssertionError(
                    f"appraise_many: plan {items[index].id} (position {index}) scores differently "
                    "when the plans come in reverse order: " + _first_difference(a, b)
                )


def _summary_outcome(plan: Plan, rulebook: Rulebook) -> tuple[str, Any]:
    try:
        return "result", _summary(appraise(plan, rulebook))
    except KinerjaError as exc:
        return "error", type(exc).__name__


def assert_rating_consistent_with_matrix(
    appraisal: Appraisal, rulebook: Rulebook, *, plan: Plan | None = None
) -> None:
    """Ratings and predikat follow the rulebook's band and matrix, except recorded overrides.

    * the recommended Rating Hasil Kerja is ``rating_hasil_kerja(nilai_hasil_kerja)`` when the
      rulebook has that band and the nilai is known, else absent;
    * the final Rating Hasil Kerja is the recommendation, unless an override of it is recorded
      (then it is the override's value) or the employee heads the unit (the unit's rating);
    * with ``plan``, the Rating Perilaku is the plan's behaviour rating unless overridden;
    * the recommended predikat is ``predikat_kinerja(hasil, perilaku)`` when both ratings are
      known, else absent; the final predikat is the recommendation unless a predikat override
      is recorded.

    Error appraisals have nothing to check.

    >>> from kinerja_engine import appraise, rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> book = rulebooks.load("gajahmungkur")
    >>> plan = example_plan().model_copy(update={"behaviour": BehaviourAssessment(rating="above")})
    >>> result = appraise(_with_realisasi(plan, "i2", Decimal(85)), book)
    >>> assert_rating_consistent_with_matrix(result, book, plan=plan)
    >>> str(result.predikat)
    'Baik'
    >>> other = book.extend('rulebook "x" matrix predikat_kinerja(hasil: rating, perilaku: rating) { _, _ -> predikat.kurang }')
    >>> assert_rating_consistent_with_matrix(result, other)
    Traceback (most recent call last):
    ...
    AssertionError: plan p: predikat_rekomendasi is Baik, but predikat_kinerja(Sesuai Ekspektasi, Di Atas Ekspektasi) is Kurang/Misconduct
    """  # noqa: E501
    if not appraisal.ok:
        return
    who = f"plan {appraisal.plan_id}"
    overrides = {what: (before, value) for what, before, value, _ in appraisal.overrides}
    nilai = appraisal.nilai_hasil_kerja
    expected_rec: Any = None
    if nilai is not None and "rating_hasil_kerja" in rulebook.checked.funcs:
        expected_rec = rulebook.evaluate("rating_hasil_kerja", nilai=nilai)
    _expect(appraisal.rating_hasil_kerja_rekomendasi, expected_rec,
            f"{who}: rating_hasil_kerja_rekomendasi",
            f"rating_hasil_kerja({_show(nilai)})")  # fmt: skip
    unit_head = any(step.rule == "kepala unit" for step in appraisal.trace)
    if "rating_hasil_kerja" in overrides:
        value = overrides["rating_hasil_kerja"][1]
        _expect(appraisal.rating_hasil_kerja, value, f"{who}: rating_hasil_kerja",
                "the recorded override")  # fmt: skip
    elif not unit_head:
        _expect(appraisal.rating_hasil_kerja, appraisal.rating_hasil_kerja_rekomendasi,
                f"{who}: rating_hasil_kerja",
                "the recommendation (no override recorded)")  # fmt: skip
    if plan is not None:
        if "rating_perilaku" in overrides:
            _expect(appraisal.rating_perilaku, overrides["rating_perilaku"][1],
                    f"{who}: rating_perilaku", "the recorded override")  # fmt: skip
        else:
            written = (
                None if plan.behaviour is None else rulebook.label("rating", plan.behaviour.rating)
            )
            _expect(appraisal.rating_perilaku, written, f"{who}: rating_perilaku",
                    "the plan's behaviour rating")  # fmt: skip
    hasil, perilaku = appraisal.rating_hasil_kerja, appraisal.rating_perilaku
    expected_predikat: Any = None
    if hasil is not None and perilaku is not None and "predikat_kinerja" in rulebook.checked.funcs:
        expected_predikat = rulebook.evaluate("predikat_kinerja", hasil=hasil, perilaku=perilaku)
    _expect(appraisal.predikat_rekomendasi, expected_predikat, f"{who}: predikat_rekomendasi",
            f"predikat_kinerja({hasil}, {perilaku})")  # fmt: skip
    if "predikat" in overrides:
        _expect(appraisal.predikat, overrides["predikat"][1], f"{who}: predikat",
                "the recorded override")  # fmt: skip
    else:
        _expect(appraisal.predikat, appraisal.predikat_rekomendasi, f"{who}: predikat",
                "the recommendation (no override recorded)")  # fmt: skip


def _expect(actual: Any, expected: Any, what: str, rule: str) -> None:
    if actual != expected:
        raise AssertionError(f"{what} is {actual}, but {rule} is {expected}")
