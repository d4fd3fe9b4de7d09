"""Parse callbacks: each grammar rule's reduction builds our AST (:mod:`.nodes`) directly.

Input: the rules of the automaton :mod:`.lalr` runs (read from the shipped tables), and during
a parse the rule's symbols as the driver hands them over (a terminal as its token index in a
:class:`~.lalr.Tokens`). Output: frozen AST nodes with source spans; no parse tree is built.
Guarantees: a node's span runs from the first to the last token its rule covered, which is what
Lark's ``propagate_positions`` gave the tree this module used to convert (``( a + b ) * c``:
the product starts at the bracket, the sum inside at ``a``); each expression's depth and the
total node count are bounded (:class:`~kinerja_engine.errors.LimitError` as soon as one is
crossed); reserved words used as names are refused; operator rules and tokens map to the
operator table (:data:`~.operators.OPS`, :data:`~.operators.BY_RULE`).

>>> from kinerja_engine.language.parser import parse_formula
>>> parse_formula("not a or b").op
'or'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Context, Decimal
from functools import cache
from typing import Any, Final

from ..errors import KinerjaSyntaxError, LimitError, Span
from ..values import PLAIN_TRAPS
from .lalr import Callback, Rule, Tokens
from .limits import DEEP_CHAIN_HINT, DEEP_HINT, KEYWORDS, MAX_DEPTH, MAX_LITERAL_DIGITS
from .nodes import (
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
    Node,
    Num,
    Param,
    RulebookNode,
    Unary,
)
from .operators import BY_RULE, OPS, Operator

__all__ = ["SPAN_FIELDS", "Builder", "callbacks"]


Handler = Callable[["Builder", list[Any], Span | None], Any]

# Span's slots, set directly by Builder.span (test_parser_driver checks they are all of its
# fields and that the result equals Span's own constructor's).
SPAN_FIELDS: Final = ("start", "end", "line", "column", "end_line", "end_column")
_new_span = object.__new__
_set_start, _set_end, _set_line, _set_column, _set_end_line, _set_end_column = (
    vars(Span)[name].__set__ for name in SPAN_FIELDS
)


class Builder:
    """The state of one parse: its tokens, and the node count and depths seen so far.

    Raises LimitError as soon as the node count or an expression's depth crosses its bound.
    """

    __slots__ = ("columns", "count", "depth", "ends", "lines", "max_nodes", "starts", "text")

    def __init__(self, tokens: Tokens, max_nodes: int) -> None:
        """``tokens``: what the driver fills as it lexes (the builder reads them)."""
        self.text = tokens.text
        self.starts, self.ends = tokens.starts, tokens.ends
        self.lines, self.columns = tokens.lines, tokens.columns
        self.max_nodes = max_nodes
        self.count = 0
        self.depth: dict[int, int] = {}

    def span(self, first: int, last: int) -> Span:
        """The span from the start of token ``first`` to the end of token ``last``.

        Equal to ``Span(start, end, line, column, end_line, end_column)``; made by setting its
        six slots directly, which takes half the time of a frozen dataclass's ``__init__`` (a
        parse makes one per node).
        """
        starts, ends, lines, columns = self.starts, self.ends, self.lines, self.columns
        end = ends[last]
        span = _new_span(Span)
        _set_start(span, starts[first])
        _set_end(span, end)
        _set_line(span, lines[first])
        _set_column(span, columns[first])
        # Tokens that are kept never hold a line break, so a token ends on its own line.
        _set_end_line(span, lines[last])
        _set_end_column(span, columns[last] + end - starts[last])
        return span

    def bound(self, result: Expr, first: int, last: int) -> None:
        """Refuse ``result`` (an expression just counted, from token ``first`` to ``last``) if
        it is one node too many or nested too deep.

        The callbacks count each expression and call this only when the count is over the
        bound or the expression spans more than MAX_DEPTH tokens: each level of nesting adds a
        token (an operator, a bracket, a keyword), so a narrower one cannot be too deep. Only
        wider ones are measured (their parts on demand, once each), not every node of the text.
        """
        if self.count > self.max_nodes:
            raise LimitError(
                f"too many parts: more than {self.max_nodes:,} nodes",
                self.span(first, last),
                source=self.text,
                hint="split the formula into named definitions",
            )
        if last - first >= MAX_DEPTH and self.depth_of(result) > MAX_DEPTH:
            raise LimitError(
                f"the expression is nested more than {MAX_DEPTH} levels deep",
                self.span(first, last),
                source=self.text,
                hint=DEEP_CHAIN_HINT if isinstance(result, Binary) else DEEP_HINT,
            )

    def depth_of(self, node: Expr) -> int:
        """The depth of ``node``: 1 for a leaf (memoised by node; no recursion)."""
        depths = self.depth
        stack: list[tuple[Node, bool]] = [(node, False)]
        while stack:
            item, ready = stack.pop()
            if id(item) in depths:
                continue
            if ready:
                depths[id(item)] = 1 + max((depths[id(c)] for c in item.children()), default=0)
            else:
                stack.append((item, True))
                stack.extend((c, False) for c in item.children() if id(c) not in depths)
        return depths[id(node)]

    # -- helpers ------------------------------------------------------------------------

    def word(self, token: int) -> str:
        """The text of token number ``token``."""
        return self.text[self.starts[token] : self.ends[token]]

    def token_span(self, token: int) -> Span:
        """The span of token number ``token``."""
        return self.span(token, token)

    def check_date(self, token: int) -> date:
        """The calendar date of a ``DATE`` token; an impossible one (2022-02-30) is refused here."""
        text = self.word(token)
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise KinerjaSyntaxError(
                f"'{text}' is not a calendar date",
                self.token_span(token),
                source=self.text,
                hint="write dates as YYYY-MM-DD, e.g. 2023-01-01",
            ) from None

    def check_name(self, token: int) -> str:
        """The text of a ``NAME`` token, refused if it is a reserved word."""
        name = self.word(token)
        if name in KEYWORDS:
            raise KinerjaSyntaxError(
                f"'{name}' is a reserved word and cannot be used as a name",
                self.token_span(token),
                source=self.text,
                hint="reserved words: " + ", ".join(sorted(KEYWORDS)),
            )
        return name


def callbacks(rules: Sequence[Rule]) -> list[Callback | None]:
    """One callback per rule of the automaton (``None`` for a chain rule, which the driver
    handles by itself), in the rules' order.

    >>> from kinerja_engine.language.lalr import Rule
    >>> callbacks([Rule("sum", None, ("product",), (True,), (0, 0), True, True)])
    [None]
    """
    return [None if rule.chain else _callback(rule) for rule in rules]


def _callback(rule: Rule) -> Callback:
    # Which of the rule's symbols reach the handler, how many placeholders (None, for an
    # absent `[x]`) go before each, and which are `_rule` helpers whose items are spliced in.
    kept = [(i, s) for i, (s, keep) in enumerate(zip(rule.symbols, rule.kept, strict=True)) if keep]
    plan = [
        (index, symbol.startswith("_"), nones)
        for (index, symbol), nones in zip(kept, rule.nones, strict=False)
    ]
    trailing = rule.nones[-1]
    if rule.inline:  # `?rule` with one part left: the part is the value (`( expr )`)
        if len(plan) != 1 or any(n for _, _, n in plan) or trailing or plan[0][1]:
            raise LookupError(f"an inlined rule with more than one part: {rule.origin}")
        offset = plan[0][0]

        def inline(b: Builder, values: list[Any], firsts: list[int], base: int, last: int) -> Any:
            return values[base + offset]

        return inline
    children = _children(plan, trailing)
    if rule.origin.startswith("_"):  # a repetition helper: its items, spliced by the parent

        def items(b: Builder, values: list[Any], firsts: list[int], base: int, last: int) -> Any:
            return children(values, base)

        return items
    handler = _HANDLERS[rule.name]
    spanless = rule.name in _SPANLESS
    if rule.name not in _EXPRESSION_RULES:

        def build(b: Builder, values: list[Any], firsts: list[int], base: int, last: int) -> Any:
            span = None if spanless else b.span(firsts[base], last)
            return handler(b, children(values, base), span)

        return build

    def build_counted(
        b: Builder, values: list[Any], firsts: list[int], base: int, last: int
    ) -> Any:
        first = firsts[base]
        result = handler(b, children(values, base), None if spanless else b.span(first, last))
        b.count += 1  # an expression (each rule of _EXPRESSION_RULES gives one)
        if b.count > b.max_nodes or last - first >= MAX_DEPTH:
            b.bound(result, first, last)
        return result

    return build_counted


#: The rules whose handler does not use the rule's span (a part of a node, or a token's own
#: span): it is not made.
# fmt: off
_SPANLESS = frozenset({
    "formula", "bound", "pos_inf", "neg_inf", "arguments", "kwarg", "let_binding", "in_force",
    "version", "cites", "extends", "aliases", "domain", "lo_bracket", "hi_bracket", "matrix_key",
})

#: The rules whose value may be an expression, counted towards the node and depth bounds
#: (``formula`` and ``bound`` hand their expression on, and count it once more, as the tree
#: converter this module replaces did: the bounds stay where they were).
_EXPRESSION_RULES = frozenset({
    "number", "percent", "true", "false", "name", "label", "binary", "compare", "if_expr",
    "let_expr", "call", "list", "formula", "bound", *BY_RULE,
})
# fmt: on


def _children(
    plan: list[tuple[int, bool, int]], trailing: int
) -> Callable[[list[Any], int], list[Any]]:
    """The function that gathers a rule's children from the value stack (Lark's child filter:
    anonymous tokens dropped, a placeholder for each absent optional part, helpers spliced)."""
    offsets = tuple(index for index, _, _ in plan)
    if trailing or any(splice or nones for _, splice, nones in plan):

        def general(values: list[Any], base: int) -> list[Any]:
            children: list[Any] = []
            for index, splice, nones in plan:
                if nones:
                    children += [None] * nones
                if splice:
                    if children:
                        children += values[base + index]
                    else:  # left recursion: extend the helper's own list (no copy)
                        children = values[base + index]
                else:
                    children.append(values[base + index])
            if trailing:
                children += [None] * trailing
            return children

        return general
    if len(offsets) == 1:
        (offset,) = offsets
        return lambda values, base: [values[base + offset]]
    return lambda values, base: [values[base + offset] for offset in offsets]


def _h_items(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ch


def _unquote(c: Builder, token: int) -> str:
    return c.word(token)[1:-1]


def _expr_children(children: Sequence[Any]) -> list[Expr]:
    return [c for c in children if isinstance(c, Expr)]


def _h_formula(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _literal(c: Builder, token: int) -> Decimal:
    text = c.word(token)
    if len(text) > MAX_LITERAL_DIGITS:
        raise LimitError(
            f"a number is written with {len(text)} characters; the limit is {MAX_LITERAL_DIGITS}",
            c.token_span(token),
            source=c.text,
        )
    return Decimal(text)


def _h_number(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return Num(_literal(c, ch[0]), span=span)


def _h_percent(c: Builder, ch: list[Any], span: Span | None) -> Any:
    # scaleb is exact: 120% is Decimal('1.20'), never a rounded quotient.
    literal = _literal(c, ch[0])
    # scaleb under an explicit context wide enough for every digit: never the caller's.
    return Num(
        literal.scaleb(-2, context=_wide(len(literal.as_tuple().digits))), percent=True, span=span
    )


@cache
def _wide(digits: int) -> Context:
    # One context per literal width (at most MAX_LITERAL_DIGITS of them), made once; scaleb by
    # a power of ten is exact within it, so its flags never matter.
    return Context(prec=digits + 2, traps=list(PLAIN_TRAPS))


def _h_true(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return BoolLit(True, span=span)


def _h_false(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return BoolLit(False, span=span)


def _h_name(c: Builder, ch: list[Any], span: Span | None) -> Any:
    # The contextual lexer may hand over a keyword as a NAME where only a value fits.
    return Name(c.check_name(ch[0]), span=span)


def _h_label(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return LabelRef(c.check_name(ch[0]), c.check_name(ch[1]), span=span)


def _prefix_handler(op: Operator) -> Handler:
    def handle(c: Builder, ch: list[Any], span: Span | None) -> Any:
        return Unary(op.symbol, _expr_children(ch)[0], span=span)

    return handle


def _keyword_handler(op: Operator) -> Handler:
    # Keyword operators (and, or) are anonymous in the tree: the rule names the operator.
    def handle(c: Builder, ch: list[Any], span: Span | None) -> Any:
        left, right = _expr_children(ch)
        return Binary(op.symbol, left, right, span=span)

    return handle


def _h_binary(c: Builder, ch: list[Any], span: Span | None) -> Any:
    # Symbol operators arrive as a token (ADD_OP, MUL_OP, COMP_OP) naming the operator.
    left, op, right = ch
    return Binary(OPS[c.word(op)].symbol, left, right, span=span)


def _h_if(c: Builder, ch: list[Any], span: Span | None) -> Any:
    cond, then, orelse = _expr_children(ch)
    return If(cond, then, orelse, span=span)


def _h_let_binding(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return (c.check_name(ch[0]), ch[1], c.token_span(ch[0]))


def _h_let(c: Builder, ch: list[Any], span: Span | None) -> Any:
    *bindings, body = ch
    return Let(
        tuple((name, value) for name, value, _ in bindings),
        body,
        span=span,
        name_spans=tuple(s for _, _, s in bindings),
    )


def _h_call(c: Builder, ch: list[Any], span: Span | None) -> Any:
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


def _h_arguments(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ch


def _h_kwarg(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return (c.check_name(ch[0]), ch[1])


def _h_list(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ListExpr(tuple(x for x in ch if x is not None), span=span)


# -- rulebook parts ---------------------------------------------------------------------


def _h_rulebook(c: Builder, ch: list[Any], span: Span | None) -> Any:
    header, *definitions = ch
    return RulebookNode(header, tuple(definitions), span=span)


def _h_header(c: Builder, ch: list[Any], span: Span | None) -> Any:
    name, version, extends, cites, in_force = ch
    return Header(
        _unquote(c, name),
        version or "",
        tuple(cites or ()),
        tuple(extends or ()),
        in_force,
        span=span,
    )


def _h_in_force(c: Builder, ch: list[Any], span: Span | None) -> Any:
    start, end = ch
    return (c.check_date(start), None if end is None else c.check_date(end))


def _h_version(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return _unquote(c, ch[0])


def _h_cites(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return [_unquote(c, t) for t in ch]


def _h_const(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ConstDef(c.check_name(ch[0]), ch[1], span=span)


def _h_param_def(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ConstDef(c.check_name(ch[0]), ch[1], is_param=True, span=span)


def _h_param(c: Builder, ch: list[Any], span: Span | None) -> Any:
    name, type_ = ch
    return Param(c.check_name(name), None if type_ is None else c.word(type_), span=span)


def _h_func(c: Builder, ch: list[Any], span: Span | None) -> Any:
    name, *params, body = ch
    return FuncDef(c.check_name(name), tuple(p for p in params if p is not None), body, span=span)


def _h_enum(c: Builder, ch: list[Any], span: Span | None) -> Any:
    name, *members = ch
    return EnumDef(c.check_name(name), tuple(m for m in members if m is not None), span=span)


def _h_member(c: Builder, ch: list[Any], span: Span | None) -> Any:
    name, text, aliases = ch
    return EnumMember(
        c.check_name(name),
        "" if text is None else _unquote(c, text),
        tuple(aliases or ()),
        span=span,
    )


def _h_aliases(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return [_unquote(c, t) for t in ch]


def _h_band(c: Builder, ch: list[Any], span: Span | None) -> Any:
    name, param, domain, *rows = ch
    return BandDef(
        c.check_name(name), param, domain, tuple(r for r in rows if r is not None), span=span
    )


def _h_domain(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _h_band_row(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return BandRow(ch[0], ch[1], span=span)


def _h_interval(c: Builder, ch: list[Any], span: Span | None) -> Any:
    lo_bracket, lo, hi, hi_bracket = ch
    return Interval(lo, lo_bracket == "[", hi, hi_bracket == "]", span=span)


def _h_bracket(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return c.word(ch[0])


def _h_bound(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _h_inf(c: Builder, ch: list[Any], span: Span | None) -> Any:
    return None


def _h_matrix(c: Builder, ch: list[Any], span: Span | None) -> Any:
    name = ch[0]
    params = tuple(x for x in ch[1:] if isinstance(x, Param))
    rows = tuple(x for x in ch[1:] if isinstance(x, MatrixRow))
    return MatrixDef(c.check_name(name), params, rows, span=span)


def _h_matrix_row(c: Builder, ch: list[Any], span: Span | None) -> Any:
    *keys, expr = ch
    return MatrixRow(
        tuple(k for k, _ in keys),
        expr,
        span=span,
        key_spans=tuple(s for _, s in keys),
    )


def _h_matrix_key(c: Builder, ch: list[Any], span: Span | None) -> Any:
    token = ch[0]
    word = c.word(token)
    # A NAME starts with a letter, so the one-character "_" is the WILDCARD token.
    return (None if word == "_" else word, c.token_span(token))


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
