"""The abstract syntax tree: what the parser produces and every later phase consumes.

Input: built by :mod:`.convert` (or by hand, e.g. by the testing strategies). Output: the node
classes and :func:`walk`. Guarantees: nodes are frozen, slotted dataclasses. Source positions
(:class:`~kinerja_engine.errors.Span`) are kept on every node but excluded from equality and
hashing, so two trees that differ only in layout compare equal: ``parse(print(tree)) == tree``.

>>> Num(Decimal("1.2"), percent=True) == Num(Decimal("1.20"), percent=True)
True
>>> Binary("+", Name("a"), Num(Decimal(1))).children()
(Name(id='a'), Num(value=Decimal('1'), percent=False))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..errors import Span

# The operator sets are declared by the operator table; re-exported here for older imports.
from .operators import ARITHMETIC_OPS, COMPARISON_OPS, LOGICAL_OPS

__all__ = [
    "ARITHMETIC_OPS",
    "COMPARISON_OPS",
    "LOGICAL_OPS",
    "BandDef",
    "BandRow",
    "Binary",
    "BoolLit",
    "Call",
    "ConstDef",
    "Definition",
    "EnumDef",
    "EnumMember",
    "Expr",
    "FuncDef",
    "Header",
    "If",
    "Interval",
    "LabelRef",
    "Let",
    "ListExpr",
    "MatrixDef",
    "MatrixRow",
    "Name",
    "Node",
    "Num",
    "Param",
    "RulebookNode",
    "Unary",
    "walk",
]


class Node:
    """Base of every AST node; ``children()`` lists sub-expressions in source order."""

    __slots__ = ()

    span: Span | None

    def children(self) -> tuple[Node, ...]:
        """Direct sub-nodes, in source order (leaves return ``()``)."""
        return ()


# --------------------------------------------------------------------------- expressions


class Expr(Node):
    """Base of expression nodes."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Num(Expr):
    """A non-negative decimal literal; ``percent`` remembers it was written ``120%`` (value 1.2)."""

    value: Decimal
    percent: bool = False
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class BoolLit(Expr):
    """``true`` or ``false``."""

    value: bool
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Name(Expr):
    """A reference to an input, a parameter, a ``let`` variable or a rulebook definition."""

    id: str
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class LabelRef(Expr):
    """An enumeration member written ``enum.member``, e.g. ``rating.di_atas``."""

    enum: str
    member: str
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    """``-x`` or ``not x`` (``op`` is a key of ``PREFIX_OPS``)."""

    op: str
    operand: Expr
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    """Arithmetic, comparison or logical operator with two operands (``op`` is a key of ``OPS``)."""

    op: str
    left: Expr
    right: Expr
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class If(Expr):
    """``if cond then a else b``; only the chosen branch is evaluated."""

    cond: Expr
    then: Expr
    orelse: Expr
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (self.cond, self.then, self.orelse)


@dataclass(frozen=True, slots=True)
class Let(Expr):
    """``let a = 1, b = a + 1 in body``; each binding sees the ones before it."""

    bindings: tuple[tuple[str, Expr], ...]
    body: Expr
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)
    name_spans: tuple[Span | None, ...] = field(default=(), compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (*(value for _, value in self.bindings), self.body)


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """A call of a builtin or a rulebook function, positional then keyword arguments."""

    func: str
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (*self.args, *(value for _, value in self.kwargs))


@dataclass(frozen=True, slots=True)
class ListExpr(Expr):
    """A list literal ``[a, b, c]`` for the aggregates."""

    items: tuple[Expr, ...]
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return self.items


# --------------------------------------------------------------------------- rulebooks


@dataclass(frozen=True, slots=True)
class Param(Node):
    """A named parameter with an optional type (``number``, ``bool``, ``list`` or an enum)."""

    name: str
    type: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Header(Node):
    """``rulebook "name" version "v" extends "base" cites "a", "b"``.

    ``extends`` names bundled rulebooks whose definitions this one builds on (in order); the
    library resolves them in :func:`kinerja_engine.rulebooks.load`, never from files.
    ``in_force`` is ``in force from 2023-01-01 [until 2023-12-31]``: the first and last day the
    regulation governs (both inclusive; ``None`` as the end means still in force).
    """

    name: str
    version: str = ""
    cites: tuple[str, ...] = ()
    extends: tuple[str, ...] = ()
    in_force: tuple[date, date | None] | None = None
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


class Definition(Node):
    """Base of top-level rulebook definitions; each has a ``name``."""

    __slots__ = ()
    name: str


@dataclass(frozen=True, slots=True)
class ConstDef(Definition):
    """``const name = expr`` or ``param name = expr`` (a policy parameter callers may override)."""

    name: str
    expr: Expr
    is_param: bool = False
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (self.expr,)


@dataclass(frozen=True, slots=True)
class FuncDef(Definition):
    """``def name(a, b: rating) = expr``: a pure function; recursion is rejected by the checker."""

    name: str
    params: tuple[Param, ...]
    body: Expr
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (*self.params, self.body)


@dataclass(frozen=True, slots=True)
class EnumMember(Node):
    """One member: identifier, display text and accepted alternative spellings."""

    name: str
    text: str = ""
    aliases: tuple[str, ...] = ()
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class EnumDef(Definition):
    """``enum rating { di_atas "Di Atas Ekspektasi" alias "diatas", … }``; members are ordered."""

    name: str
    members: tuple[EnumMember, ...]
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return self.members


@dataclass(frozen=True, slots=True)
class Interval(Node):
    """An interval such as ``[76, 91)``; a ``None`` bound is infinite."""

    lo: Expr | None
    lo_closed: bool
    hi: Expr | None
    hi_closed: bool
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return tuple(b for b in (self.lo, self.hi) if b is not None)


@dataclass(frozen=True, slots=True)
class BandRow(Node):
    """``interval -> expr``; the expression may use the band's parameter (piecewise functions)."""

    interval: Interval
    expr: Expr
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (self.interval, self.expr)


@dataclass(frozen=True, slots=True)
class BandDef(Definition):
    """A band table over one number; the checker proves rows gap- and overlap-free on ``domain``."""

    name: str
    param: Param
    domain: Interval | None
    rows: tuple[BandRow, ...]
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        head: tuple[Node, ...] = (self.param,) if self.domain is None else (self.param, self.domain)
        return (*head, *self.rows)


@dataclass(frozen=True, slots=True)
class MatrixRow(Node):
    """``key, key -> expr``; a key is a member name or ``None`` for the wildcard ``_``."""

    keys: tuple[str | None, ...]
    expr: Expr
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)
    key_spans: tuple[Span | None, ...] = field(default=(), compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (self.expr,)


@dataclass(frozen=True, slots=True)
class MatrixDef(Definition):
    """A table over enumeration parameters; the checker proves it complete and unambiguous."""

    name: str
    params: tuple[Param, ...]
    rows: tuple[MatrixRow, ...]
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (*self.params, *self.rows)


@dataclass(frozen=True, slots=True)
class RulebookNode(Node):
    """A whole rulebook: its header and its definitions, in source order."""

    header: Header
    definitions: tuple[Definition, ...]
    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return (self.header, *self.definitions)


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children, without recursion.

    >>> [type(n).__name__ for n in walk(Unary("-", Name("x")))]
    ['Unary', 'Name']
    """
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))
