"""Phase 1, parse: text in, AST (:mod:`kinerja_engine.language.nodes`) out.

Input: formula or rulebook text. Output: frozen AST nodes with source spans.
Guarantees: no Lark object leaves this module; every failure is a
:class:`~kinerja_engine.errors.KinerjaSyntaxError` (with line, column and a message in plain
words) or a :class:`~kinerja_engine.errors.LimitError`; no input recurses out or runs long,
because length is bounded before Lark sees the text and the tree is converted without recursion
while depth and node count are bounded.

>>> parse_formula("cap(realisasi / target, 120%) * 100")
Binary(op='*', left=Call(func='cap', ...), right=Num(value=Decimal('100'), percent=False))
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from decimal import Context, Decimal
from functools import cache
from importlib.resources import files
from typing import Any, Final

from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from ..errors import KinerjaSyntaxError, LimitError, Span
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
    Num,
    Param,
    RulebookNode,
    Unary,
)
from .operators import BY_RULE, OPS, Operator

__all__ = [
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_FORMULA_LENGTH",
    "MAX_LITERAL_DIGITS",
    "MAX_NODES",
    "MAX_RULEBOOK_LENGTH",
    "MAX_RULEBOOK_NODES",
    "parse_formula",
    "parse_rulebook",
]

#: Longest formula text accepted, in characters (an admin-form formula is a line or two).
MAX_FORMULA_LENGTH: Final = 10_000
#: Longest rulebook text accepted; a whole regulation is well under 20 KB, and Lark reads
#: about 100 KB a second, so larger input is refused before parsing (answers stay < 1 s).
MAX_RULEBOOK_LENGTH: Final = 64_000
#: Deepest expression nesting accepted. Checker, compiler and generated Python all stay far
#: from Python's recursion and parser limits (~1000 frames, ~200 nested parentheses).
MAX_DEPTH: Final = 100
#: Most nodes in one expression / in one whole rulebook.
MAX_NODES: Final = 5_000
MAX_RULEBOOK_NODES: Final = 100_000

#: Longest number literal, in characters: a measurement, not a size bomb.
MAX_LITERAL_DIGITS: Final = 60

#: Reserved words: cannot be used as names.
KEYWORDS: Final = frozenset(
    [
        "if",
        "then",
        "else",
        "let",
        "in",
        "and",
        "or",
        "not",
        "true",
        "false",
        "const",
        "param",
        "def",
        "enum",
        "band",
        "matrix",
        "rulebook",
        "version",
        "cites",
        "alias",
        "inf",
    ]
)

_DEFINITION_KEYWORDS = frozenset({"CONST", "PARAM", "DEF", "ENUM", "BAND", "MATRIX"})

# What each terminal means to a person who is not a programmer.
_WORDS: Final = {
    "NUMBER": "a number",
    "NAME": "a name",
    "STRING": 'a text in double quotes ("…")',
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "COMMA": "','",
    "DOT": "'.'",
    "COLON": "':'",
    "EQUAL": "'='",
    "PERCENT": "'%'",
    "MINUS": "'-'",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "COMP_OP": "a comparison (==, !=, <, <=, >, >=)",
    "INF": "'inf'",
    "WILDCARD": "'_'",
    "$END": "the end of the text",
}


@cache
def _lark() -> Lark:
    """Build the LALR parser once per process, from the grammar shipped inside the package."""
    grammar = files("kinerja_engine.language").joinpath("kinerja.lark").read_text(encoding="utf-8")
    # No cache=True: it would write a pickle to a predictable temp path (I/O and a code risk).
    return Lark(
        grammar,
        parser="lalr",
        start=["formula", "rulebook"],
        propagate_positions=True,
        maybe_placeholders=True,
    )


# --------------------------------------------------------------------------- entry points


def parse_formula(text: str) -> Expr:
    """Parse one formula (an expression) into an AST.

    >>> parse_formula("1 +")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.KinerjaSyntaxError: the text ends too early: expected a value ...
      1 +
         ^
    """
    _check_text(text, MAX_FORMULA_LENGTH, "formula")
    tree = _parse(text, "formula")
    node = _Converter(text, MAX_NODES).convert(tree)
    assert isinstance(node, Expr)
    return node


def parse_rulebook(text: str) -> RulebookNode:
    """Parse a whole rulebook (header plus definitions) into an AST.

    >>> book = parse_rulebook('rulebook "demo" version "1"  const batas = 76')
    >>> book.header.name, [d.name for d in book.definitions]
    ('demo', ['batas'])
    """
    _check_text(text, MAX_RULEBOOK_LENGTH, "rulebook")
    tree = _parse(text, "rulebook")
    node = _Converter(text, MAX_RULEBOOK_NODES).convert(tree)
    assert isinstance(node, RulebookNode)
    return node


def _check_text(text: object, limit: int, what: str) -> None:
    if not isinstance(text, str):
        raise KinerjaSyntaxError(f"a {what} must be text, got {type(text).__name__}")
    if len(text) > limit:
        raise LimitError(
            f"the {what} is {len(text):,} characters long; the limit is {limit:,}",
            hint=f"split it into smaller definitions; a {what} this long is not meant to be read",
        )
    # Bracket depth is bounded before parsing so that the error is immediate and points at the
    # bracket that went too deep.
    depth = 0
    line, col = 1, 0
    for index, char in enumerate(text):
        col += 1
        if char == "\n":
            line, col = line + 1, 0
        elif char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitError(
                    f"brackets are nested more than {MAX_DEPTH} deep",
                    Span(index, index + 1, line, col, line, col + 1),
                    source=text,
                    hint="use let or a named definition for inner parts",
                )
        elif char in ")]}":
            depth = max(0, depth - 1)


def _parse(text: str, start: str) -> Tree[Token]:
    try:
        return _lark().parse(text, start=start)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, start) from None
    except LarkError as exc:  # pragma: no cover - defensive: Lark's other errors are bugs
        raise KinerjaSyntaxError(f"could not parse the {start}: {exc}", source=text) from None


# --------------------------------------------------------------------------- syntax errors


def _syntax_error(exc: UnexpectedInput, text: str, start: str) -> KinerjaSyntaxError:
    line, column = max(exc.line, 1), max(exc.column, 1)
    pos = max(exc.pos_in_stream or 0, 0)
    expected: set[str]
    hint = None
    if isinstance(exc, UnexpectedCharacters):
        char = text[pos] if pos < len(text) else ""
        message = f"unexpected character {char!r}"
        expected = set(exc.allowed or ())
        if char == "^":
            hint = "there is no power operator; write the multiplication out"
        elif char == "'":
            hint = 'texts are written in double quotes ("…")'
        elif not char.isascii():
            hint = "names use only ASCII letters, digits and '_'"
        span = Span(pos, pos + 1, line, column, line, column + 1)
    else:
        token = exc.token if isinstance(exc, UnexpectedToken) else None
        expected = _acceptable(exc)
        if token is None or token.type == "$END" or isinstance(exc, UnexpectedEOF):
            message = f"the text ends too early: expected {_describe(expected, start)}"
            # Point just after the last written character, not at trailing blank lines.
            pos = len(text.rstrip())
            lines = text[:pos].split("\n")
            line, column = len(lines), len(lines[-1]) + 1
            span = Span(pos, pos, line, column, line, column + 1)
            return KinerjaSyntaxError(message, span, source=text)
        value = str(token)
        shown = f"'{value}'" if len(value) < 30 else f"'{value[:27]}…'"
        kind = "word" if value in KEYWORDS else "symbol" if not value[:1].isalnum() else "text"
        message = f"unexpected {kind} {shown}: expected {_describe(expected, start)}"
        end = (token.end_pos or pos + len(value)) if token.end_pos is not None else pos + 1
        span = Span(pos, end, line, column, line, column + max(1, end - pos))
        if value == "=" and "COMP_OP" in expected:
            hint = "to compare, write '=='"
        elif value in KEYWORDS:
            hint = f"'{value}' is a reserved word and cannot be used as a name"
        elif token.type == "COMP_OP" and "COMP_OP" not in expected and "$END" in expected:
            hint = "comparisons cannot be chained; join them with 'and'"
        elif token.type == "NAME" and start == "rulebook":
            close = difflib.get_close_matches(value, sorted(KEYWORDS), n=1)
            if close:
                hint = f"did you mean '{close[0]}'?"
    return KinerjaSyntaxError(message, span, source=text, hint=hint)


def _acceptable(exc: UnexpectedInput) -> set[str]:
    """The tokens that could really come next.

    LALR merges states, so ``exc.expected`` over-approximates (it may list '}' inside a plain
    formula); the interactive parser tries each candidate and keeps what actually fits.
    """
    expected = set(getattr(exc, "expected", ()) or ())
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is not None:
        try:
            return set(interactive.accepts())
        except LarkError:  # pragma: no cover - fall back to Lark's approximation
            return expected
    return expected


def _describe(candidates: set[str], start: str) -> str:
    expected = set(candidates)
    if start == "formula":
        expected -= _DEFINITION_KEYWORDS
    words: list[str] = []
    if "NUMBER" in expected and "NAME" in expected:
        words.append("a value (a number, a name, '(' …)")
        expected -= {"NUMBER", "NAME", "LPAR", "LSQB", "MINUS", "TRUE", "FALSE", "NOT", "IF"}
        expected -= {"LET"}
    operators = {"ADD_OP", "MUL_OP", "COMP_OP", "AND", "OR"}
    if len(expected & operators) >= 2:
        words.append("an operator (+ - * / == < and or …)")
        expected -= operators
        expected -= {"PERCENT", "DOT"}
    if expected & _DEFINITION_KEYWORDS and len(expected & _DEFINITION_KEYWORDS) >= 3:
        words.append("a definition (const, param, def, enum, band, matrix)")
        expected -= _DEFINITION_KEYWORDS
    for name in sorted(expected, key=lambda n: (n == "$END", n)):
        words.append(_WORDS.get(name, f"'{name.lower()}'"))
    if not words:
        return "something else"
    if len(words) > 6:
        words = [*words[:6], "…"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# --------------------------------------------------------------------------- tree → AST


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


Handler = Callable[["_Converter", list[Any], Span | None], Any]


class _Converter:
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
                    hint="use let or named definitions to flatten it",
                )
            self.depth[id(result)] = depth
        return result

    # -- helpers ------------------------------------------------------------------------

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


def _h_formula(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _literal(c: _Converter, token: Token) -> Decimal:
    text = str(token)
    if len(text) > MAX_LITERAL_DIGITS:
        raise LimitError(
            f"a number is written with {len(text)} characters; the limit is {MAX_LITERAL_DIGITS}",
            _token_span(token),
            source=c.text,
        )
    return Decimal(text)


def _h_number(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return Num(_literal(c, ch[0]), span=span)


def _h_percent(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    # scaleb is exact: 120% is Decimal('1.20'), never a rounded quotient.
    literal = _literal(c, ch[0])
    # scaleb under an explicit context wide enough for every digit: never the caller's.
    context = Context(prec=len(literal.as_tuple().digits) + 2)
    return Num(literal.scaleb(-2, context=context), percent=True, span=span)


def _h_true(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return BoolLit(True, span=span)


def _h_false(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return BoolLit(False, span=span)


def _h_name(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    # The contextual lexer may hand over a keyword as a NAME where only a value fits.
    return Name(c.check_name(ch[0]), span=span)


def _h_label(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return LabelRef(c.check_name(ch[0]), c.check_name(ch[1]), span=span)


def _prefix_handler(op: Operator) -> Handler:
    def handle(c: _Converter, ch: list[Any], span: Span | None) -> Any:
        return Unary(op.symbol, _expr_children(ch)[0], span=span)

    return handle


def _keyword_handler(op: Operator) -> Handler:
    # Keyword operators (and, or) are anonymous in the tree: the rule names the operator.
    def handle(c: _Converter, ch: list[Any], span: Span | None) -> Any:
        left, right = _expr_children(ch)
        return Binary(op.symbol, left, right, span=span)

    return handle


def _h_binary(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    # Symbol operators arrive as a token (ADD_OP, MUL_OP, COMP_OP) naming the operator.
    left, op, right = ch
    return Binary(OPS[str(op)].symbol, left, right, span=span)


def _h_if(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    cond, then, orelse = _expr_children(ch)
    return If(cond, then, orelse, span=span)


def _h_let_binding(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return (c.check_name(ch[0]), ch[1], _token_span(ch[0]))


def _h_let(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    *bindings, body = ch
    return Let(
        tuple((name, value) for name, value, _ in bindings),
        body,
        span=span,
        name_spans=tuple(s for _, _, s in bindings),
    )


def _h_call(c: _Converter, ch: list[Any], span: Span | None) -> Any:
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


def _h_arguments(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return ch


def _h_kwarg(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return (c.check_name(ch[0]), ch[1])


def _h_list(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return ListExpr(tuple(x for x in ch if x is not None), span=span)


# -- rulebook parts ---------------------------------------------------------------------


def _h_rulebook(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    header, *definitions = ch
    return RulebookNode(header, tuple(definitions), span=span)


def _h_header(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    name, version, extends, cites = ch
    return Header(
        _unquote(name),
        version or "",
        tuple(cites or ()),
        tuple(extends or ()),
        span=span,
    )


def _h_version(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return _unquote(ch[0])


def _h_cites(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return [_unquote(t) for t in ch]


def _h_const(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return ConstDef(c.check_name(ch[0]), ch[1], span=span)


def _h_param_def(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return ConstDef(c.check_name(ch[0]), ch[1], is_param=True, span=span)


def _h_param(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    name, type_ = ch
    return Param(c.check_name(name), None if type_ is None else str(type_), span=span)


def _h_func(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    name, *params, body = ch
    return FuncDef(c.check_name(name), tuple(p for p in params if p is not None), body, span=span)


def _h_enum(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    name, *members = ch
    return EnumDef(c.check_name(name), tuple(m for m in members if m is not None), span=span)


def _h_member(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    name, text, aliases = ch
    return EnumMember(
        c.check_name(name),
        "" if text is None else _unquote(text),
        tuple(aliases or ()),
        span=span,
    )


def _h_aliases(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return [_unquote(t) for t in ch]


def _h_band(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    name, param, domain, *rows = ch
    return BandDef(
        c.check_name(name), param, domain, tuple(r for r in rows if r is not None), span=span
    )


def _h_domain(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _h_band_row(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return BandRow(ch[0], ch[1], span=span)


def _h_interval(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    lo_bracket, lo, hi, hi_bracket = ch
    return Interval(lo, lo_bracket == "[", hi, hi_bracket == "]", span=span)


def _h_bracket(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return str(ch[0])


def _h_bound(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return ch[0]


def _h_inf(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    return None


def _h_matrix(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    name = ch[0]
    params = tuple(x for x in ch[1:] if isinstance(x, Param))
    rows = tuple(x for x in ch[1:] if isinstance(x, MatrixRow))
    return MatrixDef(c.check_name(name), params, rows, span=span)


def _h_matrix_row(c: _Converter, ch: list[Any], span: Span | None) -> Any:
    *keys, expr = ch
    return MatrixRow(
        tuple(k for k, _ in keys),
        expr,
        span=span,
        key_spans=tuple(s for _, s in keys),
    )


def _h_matrix_key(c: _Converter, ch: list[Any], span: Span | None) -> Any:
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
