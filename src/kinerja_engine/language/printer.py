"""The canonical printer: AST in, text out, such that parsing the text gives an equal AST.

Input: an AST (:mod:`.nodes`). Output: text. Guarantees: it is a leaf (it imports only the
AST and the operator table), so every phase may use it for messages and traces.
Parentheses are printed only where precedence needs them; layout is fixed, so the printed text
is a canonical form: ``print(parse(print(x))) == print(x)``.

>>> from kinerja_engine.language.parser import parse_formula
>>> print_expr(parse_formula("((a+b))*  120 %"))
'(a + b) * 120%'
"""

from __future__ import annotations

from decimal import Context

from ..values import PLAIN_TRAPS, display_decimal, normalize
from .nodes import (
    BandDef,
    Binary,
    BoolLit,
    Call,
    ConstDef,
    Definition,
    EnumDef,
    Expr,
    FuncDef,
    If,
    Interval,
    LabelRef,
    Let,
    ListExpr,
    MatrixDef,
    Name,
    Num,
    Param,
    RulebookNode,
    Unary,
)
from .operators import OPS, PREFIX_OPS

__all__ = ["print_definition", "print_expr", "print_rulebook"]

_ATOM = 8


def print_expr(expr: Expr) -> str:
    """Canonical text of an expression.

    >>> from kinerja_engine.language.parser import parse_formula
    >>> print_expr(parse_formula("if x>=1 then -(-y) else not a==b"))
    'if x >= 1 then --y else not a == b'
    """
    return _p(expr)[0]


def _wrap(expr: Expr, min_prec: int) -> str:
    text, prec = _p(expr)
    return f"({text})" if prec < min_prec else text


def _p(e: Expr) -> tuple[str, int]:
    if isinstance(e, Num):
        if e.percent:
            context = Context(prec=len(e.value.as_tuple().digits) + 2, traps=list(PLAIN_TRAPS))
            return f"{display_decimal(normalize(e.value.scaleb(2, context=context)))}%", _ATOM
        return display_decimal(e.value), _ATOM
    if isinstance(e, BoolLit):
        return ("true" if e.value else "false"), _ATOM
    if isinstance(e, Name):
        return e.id, _ATOM
    if isinstance(e, LabelRef):
        return f"{e.enum}.{e.member}", _ATOM
    if isinstance(e, Unary):
        prefix = PREFIX_OPS[e.op]
        # A word operator needs a space before its operand; a symbol does not.
        gap = " " if e.op.isalpha() else ""
        return f"{e.op}{gap}{_wrap(e.operand, prefix.precedence)}", prefix.precedence
    if isinstance(e, Binary):
        op = OPS[e.op]
        prec = op.precedence
        # Left-associative: the left operand may be the same operator; non-associative
        # (comparisons): neither may.
        left = prec if op.assoc == "left" else prec + 1
        return f"{_wrap(e.left, left)} {e.op} {_wrap(e.right, prec + 1)}", prec
    if isinstance(e, If):
        return f"if {_p(e.cond)[0]} then {_p(e.then)[0]} else {_p(e.orelse)[0]}", 0
    if isinstance(e, Let):
        bindings = ", ".join(f"{name} = {_p(value)[0]}" for name, value in e.bindings)
        return f"let {bindings} in {_p(e.body)[0]}", 0
    if isinstance(e, Call):
        args = [_p(a)[0] for a in e.args] + [f"{k} = {_p(v)[0]}" for k, v in e.kwargs]
        return f"{e.func}({', '.join(args)})", _ATOM
    if isinstance(e, ListExpr):
        return "[" + ", ".join(_p(i)[0] for i in e.items) + "]", _ATOM
    raise TypeError(f"not an expression: {e!r}")  # pragma: no cover


def _param(p: Param) -> str:
    return p.name if p.type is None else f"{p.name}: {p.type}"


def _interval(i: Interval) -> str:
    lo = "-inf" if i.lo is None else print_expr(i.lo)
    hi = "inf" if i.hi is None else print_expr(i.hi)
    return f"{'[' if i.lo_closed else '('}{lo}, {hi}{']' if i.hi_closed else ')'}"


def print_definition(d: Definition) -> str:
    """Canonical text of one rulebook definition.

    >>> from kinerja_engine.language.parser import parse_rulebook
    >>> book = parse_rulebook('rulebook "r" band b(x) {[0,inf)->1,(-inf,0)->0}')
    >>> print(print_definition(book.definitions[0]))
    band b(x) {
        [0, inf) -> 1,
        (-inf, 0) -> 0,
    }
    """
    if isinstance(d, ConstDef):
        return f"{'param' if d.is_param else 'const'} {d.name} = {print_expr(d.expr)}"
    if isinstance(d, FuncDef):
        params = ", ".join(_param(p) for p in d.params)
        return f"def {d.name}({params}) =\n    {print_expr(d.body)}"
    if isinstance(d, EnumDef):
        lines = []
        for m in d.members:
            text = f' "{m.text}"' if m.text else ""
            aliases = " alias (" + ", ".join(f'"{a}"' for a in m.aliases) + ")" if m.aliases else ""
            lines.append(f"    {m.name}{text}{aliases},")
        return f"enum {d.name} {{\n" + "\n".join(lines) + "\n}"
    if isinstance(d, BandDef):
        domain = "" if d.domain is None else f" in {_interval(d.domain)}"
        rows = "\n".join(f"    {_interval(r.interval)} -> {print_expr(r.expr)}," for r in d.rows)
        return f"band {d.name}({_param(d.param)}{domain}) {{\n{rows}\n}}"
    if isinstance(d, MatrixDef):
        params = ", ".join(_param(p) for p in d.params)
        rows = "\n".join(
            "    " + ", ".join(k or "_" for k in r.keys) + f" -> {print_expr(r.expr)},"
            for r in d.rows
        )
        return f"matrix {d.name}({params}) {{\n{rows}\n}}"
    raise TypeError(f"not a definition: {d!r}")  # pragma: no cover


def print_rulebook(book: RulebookNode) -> str:
    """Canonical text of a whole rulebook: header, then definitions separated by blank lines.

    >>> from kinerja_engine.language.parser import parse_rulebook
    >>> print(print_rulebook(parse_rulebook('rulebook "r" version "1" const a=1')))
    rulebook "r" version "1"
    <BLANKLINE>
    const a = 1
    <BLANKLINE>
    """
    h = book.header
    head = f'rulebook "{h.name}"'
    if h.version:
        head += f' version "{h.version}"'
    if h.extends:
        head += " extends " + ", ".join(f'"{e}"' for e in h.extends)
    if h.cites:
        head += " cites " + ", ".join(f'"{c}"' for c in h.cites)
    if h.in_force is not None:
        start, end = h.in_force
        head += f" in force from {start.isoformat()}"
        if end is not None:
            head += f" until {end.isoformat()}"
    parts = [head, *(print_definition(d) for d in book.definitions)]
    return "\n\n".join(parts) + "\n"
