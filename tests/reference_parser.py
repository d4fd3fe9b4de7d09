"""The parse phase as it was before the LALR driver, kept as the oracle of test_parser_driver.

Lark builds a tree with ``propagate_positions=True`` (from the package's grammar, the Lark
options the package used), and a converter (the package's former ``language/convert.py``,
unchanged but for its imports) walks it into the AST. :func:`reference_parse` gives what
``parse_formula`` / ``parse_rulebook`` gave then: the AST, or the same error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Context, Decimal
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from kinerja_engine.errors import KinerjaSyntaxError, LimitError, Span
from kinerja_engine.language.limits import (
    DEEP_CHAIN_HINT,
    DEEP_HINT,
    KEYWORDS,
    MAX_DEPTH,
    MAX_LITERAL_DIGITS,
)
from kinerja_engine.language.nodes import (
    BandDef,
    BandRow,
    Binary,
    BoolLit,
    Call,
    ConstDef,
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
from kinerja_engine.language.operators import BY_RULE, OPS, Operator

__all__ = ["Converter"]


def _token_span(token: Token) -> Span:
    start = token.start_pos or 0
    end = token.end_pos if token.end_pos is not None else start + len(token)
    return Span(
        start,
        end,
        token.line or 1,
        token.column or 1,
        token.end_line or token.line or 1,
        token.end_column or (token.column or 1) + len(token),
    )


def _tree_span(tree: Tree[Token]) -> Span | None:
    meta = tree.meta
    if getattr(meta, "empty", True):
        return None
    return Span(
        meta.start_pos, meta.end_pos, meta.line, meta.column, meta.end_line, meta.end_column
    )


def _unquote(token: Token) -> str:
    return str(token)[1:-1]


def _name(token: Token) -> str:
    return str(token)


Handler = Callable[["Converter", list[Any], Span | None], Any]


class Converter:
    """Converts a Lark tree to our AST bottom-up with an explicit stack (no recursion).

    Tracks each expression's depth and the total node count, raising LimitError as soon as
    either bound is crossed.
    """

    def __init__(self, text: str, max_nodes: int) -> None:
        self.text = text
        self.max_nodes = max_nodes
        self.count = 0
        self.depth: dict[int, int] = {}

    def convert(self, tree: Tree[Token]) -> Any:
        # Each frame: (tree, converted children so far, index of next child).
        stack: list[tuple[Tree[Token], list[Any]]] = [(tree, [])]
        iters = [iter(tree.children)]
        while stack:
            node, done = stack[-1]
            child = next(iters[-1], _SENTINEL)
            if child is _SENTINEL:
                stack.pop()
                iters.pop()
                result = self._build(node, done)
                if not stack:
                    return result
                stack[-1][1].append(result)
            elif isinstance(child, Tree):
                stack.append((child, []))
                iters.append(iter(child.children))
            else:
                done.append(child)
        raise AssertionError("unreachable")  # pragma: no cover

    def _build(self, tree: Tree[Token], children: list[Any]) -> Any:
        rule = str(tree.data)
        span = _tree_span(tree)
        handler = _HANDLERS[rule]
        result = handler(self, children, span)
        if isinstance(result, Expr):
            self.count += 1
            if self.count > self.max_nodes:
                raise LimitError(
                    f"too many parts: more than {self.max_nodes:,} nodes",
                    span,
                    source=self.text,
                    hint="split the formula into named definitions",
                )
            depth = 1 + max(
                (self.depth.get(id(c), 0) for c in result.children()),
                default=0,
            )
            if depth > MAX_DEPTH:
                raise LimitError(
                    f"the expression is nested more than {MAX_DEPTH} levels deep",
                    span,
                    source=self.text,
                    hint=DEEP_CHAIN_HINT if isinstance(result, Binary) else DEEP_HINT,
                )
            self.depth[id(result)] = depth
        return result

    # -- helpers ------------------------------------------------------------------------

    def check_date(self, token: Token) -> date:
        """The calendar date of a ``DATE`` token; an impossible one (2022-02-30) is refused here."""
        try:
            return date.fromisoformat(str(token))
        except ValueError:
            raise KinerjaSyntaxError(
                f"'{token}' is not a calendar date",
                _token_span(token),
                source=self.text,
                hint="write dates as YYYY-MM-DD, e.g. 2023-01-01",
            ) from None

    def check_name(self, token: Token) -> str:
        name = str(token)
        if name in KEYWORDS:
            raise KinerjaSyntaxError(
                f"'{name}' is a reserved word and cannot be used as a name",
                _token_span(token),
                source=self.text,
                hint="reserved words: " + ", ".join(sorted(KEYWORDS)),
            )
        return name


_SENTINEL = object()


def _expr_children(children: Sequence[Any]) -> list[Expr]:
    return [c for c in children if isinstance(c, Expr)]


def _h_formula(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _literal(c: Converter, token: Token) -> Decimal:
    text = str(token)
    if len(text) > MAX_LITERAL_DIGITS:
        raise LimitError(
            f"a number is written with {len(text)} characters; the limit is {MAX_LITERAL_DIGITS}",
            _token_span(token),
            source=c.text,
        )
    return Decimal(text)


def _h_number(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return Num(_literal(c, ch[0]), span=span)


def _h_percent(c: Converter, ch: list[Any], span: Span | None) -> Any:
    # scaleb is exact: 120% is Decimal('1.20'), never a rounded quotient.
    literal = _literal(c, ch[0])
    # scaleb under an explicit context wide enough for every digit: never the caller's.
    context = Context(prec=len(literal.as_tuple().digits) + 2)
    return Num(literal.scaleb(-2, context=context), percent=True, span=span)


def _h_true(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return BoolLit(True, span=span)


def _h_false(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return BoolLit(False, span=span)


def _h_name(c: Converter, ch: list[Any], span: Span | None) -> Any:
    # The contextual lexer may hand over a keyword as a NAME where only a value fits.
    return Name(c.check_name(ch[0]), span=span)


def _h_label(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return LabelRef(c.check_name(ch[0]), c.check_name(ch[1]), span=span)


def _prefix_handler(op: Operator) -> Handler:
    def handle(c: Converter, ch: list[Any], span: Span | None) -> Any:
        return Unary(op.symbol, _expr_children(ch)[0], span=span)

    return handle


def _keyword_handler(op: Operator) -> Handler:
    # Keyword operators (and, or) are anonymous in the tree: the rule names the operator.
    def handle(c: Converter, ch: list[Any], span: Span | None) -> Any:
        left, right = _expr_children(ch)
        return Binary(op.symbol, left, right, span=span)

    return handle


def _h_binary(c: Converter, ch: list[Any], span: Span | None) -> Any:
    # Symbol operators arrive as a token (ADD_OP, MUL_OP, COMP_OP) naming the operator.
    left, op, right = ch
    return Binary(OPS[str(op)].symbol, left, right, span=span)


def _h_if(c: Converter, ch: list[Any], span: Span | None) -> Any:
    cond, then, orelse = _expr_children(ch)
    return If(cond, then, orelse, span=span)


def _h_let_binding(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return (c.check_name(ch[0]), ch[1], _token_span(ch[0]))


def _h_let(c: Converter, ch: list[Any], span: Span | None) -> Any:
    *bindings, body = ch
    return Let(
        tuple((name, value) for name, value, _ in bindings),
        body,
        span=span,
        name_spans=tuple(s for _, _, s in bindings),
    )


def _h_call(c: Converter, ch: list[Any], span: Span | None) -> Any:
    func, arguments = ch[0], ch[1]
    args: list[Expr] = []
    kwargs: list[tuple[str, Expr]] = []
    for arg in arguments or ():
        if isinstance(arg, tuple):
            kwargs.append(arg)
        elif kwargs:
            raise KinerjaSyntaxError(
                "a positional argument cannot follow a named one",
                arg.span,
                source=c.text,
                hint="put the named arguments (name = value) last",
            )
        else:
            args.append(arg)
    return Call(c.check_name(func), tuple(args), tuple(kwargs), span=span)


def _h_arguments(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return ch


def _h_kwarg(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return (c.check_name(ch[0]), ch[1])


def _h_list(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return ListExpr(tuple(x for x in ch if x is not None), span=span)


# -- rulebook parts ---------------------------------------------------------------------


def _h_rulebook(c: Converter, ch: list[Any], span: Span | None) -> Any:
    header, *definitions = ch
    return RulebookNode(header, tuple(definitions), span=span)


def _h_header(c: Converter, ch: list[Any], span: Span | None) -> Any:
    name, version, extends, cites, in_force = ch
    return Header(
        _unquote(name),
        version or "",
        tuple(cites or ()),
        tuple(extends or ()),
        in_force,
        span=span,
    )


def _h_in_force(c: Converter, ch: list[Any], span: Span | None) -> Any:
    start, end = ch
    return (c.check_date(start), None if end is None else c.check_date(end))


def _h_version(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return _unquote(ch[0])


def _h_cites(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return [_unquote(t) for t in ch]


def _h_const(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return ConstDef(c.check_name(ch[0]), ch[1], span=span)


def _h_param_def(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return ConstDef(c.check_name(ch[0]), ch[1], is_param=True, span=span)


def _h_param(c: Converter, ch: list[Any], span: Span | None) -> Any:
    name, type_ = ch
    return Param(c.check_name(name), None if type_ is None else str(type_), span=span)


def _h_func(c: Converter, ch: list[Any], span: Span | None) -> Any:
    name, *params, body = ch
    return FuncDef(c.check_name(name), tuple(p for p in params if p is not None), body, span=span)


def _h_enum(c: Converter, ch: list[Any], span: Span | None) -> Any:
    name, *members = ch
    return EnumDef(c.check_name(name), tuple(m for m in members if m is not None), span=span)


def _h_member(c: Converter, ch: list[Any], span: Span | None) -> Any:
    name, text, aliases = ch
    return EnumMember(
        c.check_name(name),
        "" if text is None else _unquote(text),
        tuple(aliases or ()),
        span=span,
    )


def _h_aliases(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return [_unquote(t) for t in ch]


def _h_band(c: Converter, ch: list[Any], span: Span | None) -> Any:
    name, param, domain, *rows = ch
    return BandDef(
        c.check_name(name), param, domain, tuple(r for r in rows if r is not None), span=span
    )


def _h_domain(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _h_band_row(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return BandRow(ch[0], ch[1], span=span)


def _h_interval(c: Converter, ch: list[Any], span: Span | None) -> Any:
    lo_bracket, lo, hi, hi_bracket = ch
    return Interval(lo, lo_bracket == "[", hi, hi_bracket == "]", span=span)


def _h_bracket(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return str(ch[0])


def _h_bound(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _h_inf(c: Converter, ch: list[Any], span: Span | None) -> Any:
    return None


def _h_matrix(c: Converter, ch: list[Any], span: Span | None) -> Any:
    name = ch[0]
    params = tuple(x for x in ch[1:] if isinstance(x, Param))
    rows = tuple(x for x in ch[1:] if isinstance(x, MatrixRow))
    return MatrixDef(c.check_name(name), params, rows, span=span)


def _h_matrix_row(c: Converter, ch: list[Any], span: Span | None) -> Any:
    *keys, expr = ch
    return MatrixRow(
        tuple(k for k, _ in keys),
        expr,
        span=span,
        key_spans=tuple(s for _, s in keys),
    )


def _h_matrix_key(c: Converter, ch: list[Any], span: Span | None) -> Any:
    token = ch[0]
    return (None if token.type == "WILDCARD" else str(token), _token_span(token))


_HANDLERS: dict[str, Handler] = {
    "formula": _h_formula,
    "number": _h_number,
    "percent": _h_percent,
    "true": _h_true,
    "false": _h_false,
    "name": _h_name,
    "label": _h_label,
    "binary": _h_binary,
    "compare": _h_binary,
    **{
        rule: _prefix_handler(op) if op.arity == 1 else _keyword_handler(op)
        for rule, op in BY_RULE.items()
    },
    "if_expr": _h_if,
    "let_expr": _h_let,
    "let_binding": _h_let_binding,
    "call": _h_call,
    "arguments": _h_arguments,
    "kwarg": _h_kwarg,
    "list": _h_list,
    "rulebook": _h_rulebook,
    "header": _h_header,
    "in_force": _h_in_force,
    "version": _h_version,
    "cites": _h_cites,
    "extends": _h_cites,
    "const_def": _h_const,
    "param_def": _h_param_def,
    "param": _h_param,
    "func_def": _h_func,
    "enum_def": _h_enum,
    "member": _h_member,
    "aliases": _h_aliases,
    "band_def": _h_band,
    "domain": _h_domain,
    "band_row": _h_band_row,
    "interval": _h_interval,
    "lo_bracket": _h_bracket,
    "hi_bracket": _h_bracket,
    "bound": _h_bound,
    "pos_inf": _h_inf,
    "neg_inf": _h_inf,
    "matrix_def": _h_matrix,
    "matrix_row": _h_matrix_row,
    "matrix_key": _h_matrix_key,
}


# --------------------------------------------------------------------------- the whole phase

_GRAMMAR = Path(__file__).resolve().parent.parent / "src" / "kinerja_engine" / "language"


@functools.cache
def _tree_parser() -> Lark:
    return Lark(
        (_GRAMMAR / "kinerja.lark").read_text(encoding="utf-8"),
        parser="lalr",
        start=["formula", "rulebook"],
        propagate_positions=True,
        maybe_placeholders=True,
    )


def reference_parse(text: str, start: str) -> Any:
    """The AST of ``text`` (``start`` is "formula" or "rulebook"), as the converter built it."""
    from kinerja_engine.language import parser  # the checks before and the errors of Lark

    if start == "formula":
        limit, nodes = parser.MAX_FORMULA_LENGTH, parser.MAX_NODES
    else:
        limit, nodes = parser.MAX_RULEBOOK_LENGTH, parser.MAX_RULEBOOK_NODES
    parser._check_text(text, limit, start)
    text = parser.strip_bom(text)
    try:
        tree = _tree_parser().parse(text, start=start)
    except UnexpectedInput as exc:
        raise parser._syntax_error(exc, text, start) from None
    return Converter(text, nodes).convert(tree)
