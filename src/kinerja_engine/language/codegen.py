"""Code generation: checked expressions and definitions in, Python source and a namespace out.

Input: a :class:`~.checked.CheckedRulebook` (or none, for a lone formula) and the text the rules
were read from. Output: lines of Python source (:attr:`CodeGen.lines`, executed by
:meth:`CodeGen.build` into :attr:`CodeGen.namespace`) defining a fast and an exact function per
definition; every text that was executed is kept in :attr:`CodeGen.generated`. Guarantees:

* the source is built only from generated identifiers (see :mod:`.compiler` for the scheme)
  and our own operator templates (:data:`~.operators.OPS`): user text never becomes code, every
  constant is passed in the namespace;
* constant sub-expressions are folded by the one exact evaluator (:mod:`.evaluate`, policy
  ``COMPILE``: what would fail is left to fail at run time, naming its sub-expression);
* builtins with an ``inline`` form (:data:`~.builtins.INLINE_FORMS`) are generated inline on
  the fast path; ``if``, ``and`` and ``or`` stay lazy;
* the exact variant reports errors with the failing sub-expression's text and position.

>>> from kinerja_engine.language.parser import parse_formula
>>> gen = CodeGen(None, "cap(x, 2) + 1 / 4")
>>> gen.expr(parse_formula("cap(x, 2) + 1 / 4"), {"x": "a0"}, True)
'_add((k0 if a0 > k0 else a0), k1)'
>>> gen.namespace["k0"], gen.namespace["k1"]
(Decimal('2'), Decimal('0.25'))
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, Inexact
from fractions import Fraction
from functools import reduce
from typing import Any, Final

from ..errors import EvaluationError, KinerjaError, Span
from ..formatting import format_interval, format_number
from ..values import MAX_EMAX, Label, check_size, fraction_to_decimal, is_terminating, size_error
from .builtins import BUILTINS, FAST
from .checked import BandInfo, CheckedRulebook, FuncInfo, MatrixInfo
from .evaluate import COMPILE, Evaluator, ordered_args
from .nodes import (
    BandDef,
    Binary,
    BoolLit,
    Call,
    Expr,
    FuncDef,
    If,
    LabelRef,
    Let,
    ListExpr,
    MatrixDef,
    Name,
    Num,
    Unary,
)
from .operators import OPS, PREFIX_OPS
from .printer import print_expr
from .steps import Steps

__all__ = [
    "MAX_INLINE_ITEMS",
    "CodeGen",
    "NotExact",
    "Repeating",
    "Site",
    "Unexact",
    "not_exact",
    "to_fraction",
]

#: Longest literal list whose sum/mean/weighted_mean is inlined (nesting stays shallow).
MAX_INLINE_ITEMS: Final = 16


class NotExact(ArithmeticError):
    """The fast path met a constant that is not a finite decimal; use the exact path."""


class Repeating(NotExact, Inexact):
    """The fast path met a constant that is not a finite decimal (``1 / 3``): an ``Inexact``,
    so that the mixed path (:mod:`.mixed`), which carries it as a quotient, runs first."""


def not_exact() -> Any:
    """Raise :class:`Repeating` (generated code calls it where a constant has no decimal)."""
    raise Repeating


def to_fraction(value: Any) -> Any:
    """A runtime value as the exact path takes it: Decimals and ints (also in tuples) become
    Fractions (an int left an int, ``/`` of two would be a float); a bool stays a bool.

    >>> to_fraction(Decimal("0.5")), to_fraction((Decimal(1),)), to_fraction(True), to_fraction(3)
    (Fraction(1, 2), (Fraction(1, 1),), True, Fraction(3, 1))
    """
    if isinstance(value, Decimal):
        if abs(value.adjusted()) > MAX_EMAX:
            # Past every exponent the package computes with: its Fraction (10**999999999)
            # would take minutes and gigabytes before the size limit could refuse it.
            raise size_error()
        return Fraction(value)
    if type(value) is int:
        return Fraction(value)
    if isinstance(value, tuple):
        return tuple(to_fraction(v) if isinstance(v, Decimal) else Fraction(v) for v in value)
    return value


class Unexact:
    """Stands in the fast path for a constant that is not a finite decimal (e.g. 1/3).

    Any arithmetic or comparison with it raises, which sends the evaluation to the exact path.
    """

    def _bail(self, *args: Any) -> Any:
        raise NotExact

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _bail
    __truediv__ = __rtruediv__ = __lt__ = __le__ = __gt__ = __ge__ = __neg__ = _bail
    __eq__ = __ne__ = _bail
    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Site:
    """Where a runtime error can happen: the sub-expression's text and span."""

    text: str
    span: Span | None


class CodeGen(Steps):
    """Generates Python source for both variants of every definition."""

    def __init__(self, book: CheckedRulebook | None, source: str) -> None:
        self.book = book
        self.source = source
        self.consts: dict[Any, str] = {}
        self.namespace: dict[str, Any] = {
            "_add": FAST.add,
            "_sub": FAST.subtract,
            "_mul": FAST.multiply,
            "_div": FAST.divide,
            "_neg": FAST.minus,
            "_fma": FAST.fma,
            "_F": to_fraction,
            "_not_exact": not_exact,
            "_NotExact": NotExact,
            "_xdiv": self._xdiv,
            "_xsize": check_size,
            "_xcall": self._xcall,
            "_outside": self._outside,
        }
        self.sites: list[Site] = []
        self.temp = itertools.count()
        self.def_ids: dict[str, int] = {}
        self.lines: list[str] = []
        self.memo: dict[int, tuple[Expr, Any]] = {}
        self.evaluator = Evaluator(
            COMPILE, constant=self._constant, label=self._label, memo=self.memo
        )
        #: Every source text executed by :meth:`build`, in order (see ``Program.source``).
        self.generated: list[str] = []
        #: Compile exact functions when first called (a rulebook's: most never run), not with
        #: the fast ones; their source waits in :attr:`deferred`.
        self.lazy_exact = False
        self.deferred: dict[str, str] = {}
        #: Generating the *mixed* variant (:mod:`.mixed`): the fast code, but decimal steps
        #: inline only when both operands are Decimals, rulebook functions called as their
        #: mixed variants ``q{n}``, and constants that are not finite decimals bound as
        #: ``kq{n}`` (Fractions the mixed namespace turns into quotients).
        self.mixed = False
        #: Codes known to be Decimals in the mixed variant (a formula's number inputs).
        self.decimals: set[str] = set()
        #: The mixed variant of every rulebook function, ``q{n}`` to source, compiled lazily.
        self.mixed_sources: dict[str, str] = {}
        #: When a list (a formula's mixed variant): statements computing, before the
        #: expression, each division of two Decimals that is always evaluated, trapping
        #: ``Inexact`` in place (see :meth:`~.steps.Steps.hoisted_division`).
        self.hoisted: list[str] | None = None
        self.conditional = 0  # > 0 inside a branch of ``if``, ``and``, ``or``
        #: When a dict (a formula's fast entries): each always-evaluated division of two
        #: Decimals, (dividend, divisor) code to its temporary, computed by a statement
        #: before the expression (see :meth:`~.steps.Steps.fast_division`, :mod:`.scaled`).
        self.fast_hoist: dict[tuple[str, str], str] | None = None
        self.hoisted_nodes: dict[int, tuple[Expr, str]] = {}

    # -- runtime helpers bound into generated code ---------------------------------------

    def _xdiv(self, a: Fraction, b: Fraction, site: int) -> Fraction:
        if b == 0:
            where = self.sites[site]
            raise EvaluationError(
                f"division by zero in '{where.text}'",
                where.span,
                source=self.source,
                hint="the divisor is 0 here; guard it with if … then … else",
            )
        return check_size(a / b)

    def _xcall(self, impl: Callable[..., Any], site: int, *args: Any) -> Any:
        try:
            return impl(*args)
        except EvaluationError as exc:
            if exc.span is not None:
                raise
            where = self.sites[site]
            raise EvaluationError(
                f"{exc.message} in '{where.text}'", where.span, source=self.source
            ) from None

    def _outside(self, name: str, value: Fraction) -> Any:
        info = self.book.funcs[name] if self.book else None
        assert isinstance(info, BandInfo)
        lo, lo_closed, hi, hi_closed = info.domain
        shown = format_interval(lo, lo_closed, hi, hi_closed)
        raise EvaluationError(
            f"{format_number(value)} is outside the domain {shown} of band table '{name}'",
            info.node.span,
            source=self.source,
        )

    # -- constants ----------------------------------------------------------------------

    def constant(self, value: Any, fast: bool) -> str:
        """A generated name bound to ``value`` in the namespace (numbers per variant)."""
        if isinstance(value, Fraction):
            if fast:
                if not is_terminating(value):
                    if self.mixed:
                        return self._bind(("Q", value.numerator, value.denominator), value, "kq")
                    return "_not_exact()"
                value = fraction_to_decimal(value)
            key: Any = (
                ("F" if not fast else "D", value.numerator, value.denominator)
                if isinstance(value, Fraction)
                else ("D", str(value))
            )
        elif isinstance(value, bool):
            return "True" if value else "False"
        elif isinstance(value, Label):
            key = ("L", value.enum, value.name)
        elif isinstance(value, tuple):
            items = [self.constant(v, fast) for v in value]
            return "(" + "".join(f"{i}, " for i in items) + ")"
        else:  # pragma: no cover - the checker only folds the kinds above
            raise KinerjaError(f"cannot compile constant {value!r}")
        return self._bind(key, value)

    # -- expressions --------------------------------------------------------------------

    def pick(self, a: str, b: str, op: str) -> str:
        """``min``/``max`` of two generated operands, inlined: ``b if a op b else a`` (a
        conditional expression costs far less than a Python call). An operand that is not a
        plain name (input, constant, temporary) is evaluated once, into a new temporary."""
        first, second = a, b
        if not a.isidentifier():
            a = f"t{next(self.temp)}"
            first = f"({a} := {first})"
        if not b.isidentifier():
            b = f"t{next(self.temp)}"
            second = f"({b} := {second})"
        return f"({b} if {first} {op} {second} else {a})"

    def expr(self, e: Expr, scope: Mapping[str, str], fast: bool) -> str:
        folded = self.fold(e, scope)
        if folded is not None:
            return self.constant(folded, fast)
        method: Callable[[Any, Mapping[str, str], bool], str] = getattr(
            self, f"_e_{type(e).__name__}"
        )
        return method(e, scope, fast)

    def fold(self, e: Expr, scope: Mapping[str, str]) -> Any:
        """The exact value of ``e`` if it is constant (names in ``scope`` are not), else None.

        The one evaluator under the compiler's policy, memoised by node: anything that would
        fail (a division by zero, the mean of an empty list) is left unfolded, so that it fails
        at run time naming its sub-expression, and only if it is reached.
        """
        return self.evaluator.fold(e, scope)

    def _constant(self, name: str) -> Any:
        # Constants are compiled (folded or evaluated) in dependency order before any use.
        if self.book is None or name not in self.book.consts or name not in self.def_ids:
            return None
        return self.namespace.get(f"xc{self.def_ids[name]}")

    def _label(self, enum: str, member: str) -> Any:
        return None if self.book is None else self.book.enums[enum].member(member)

    def _e_Num(self, e: Num, scope: Mapping[str, str], fast: bool) -> str:
        return self.constant(Fraction(e.value), fast)

    def _e_BoolLit(self, e: BoolLit, scope: Mapping[str, str], fast: bool) -> str:
        return "True" if e.value else "False"

    def _e_LabelRef(self, e: LabelRef, scope: Mapping[str, str], fast: bool) -> str:
        assert self.book is not None
        label = self.book.enums[e.enum].member(e.member)
        return self.constant(label, fast)

    def _e_Name(self, e: Name, scope: Mapping[str, str], fast: bool) -> str:
        if e.id in scope:
            return scope[e.id]
        assert self.book is not None and e.id in self.book.consts
        ident = self.def_ids[e.id]
        if fast and isinstance(self.namespace.get(f"fc{ident}"), Unexact):
            exact = self.namespace.get(f"xc{ident}")
            if self.mixed and isinstance(exact, Fraction):
                return self.constant(exact, fast)
            return "_not_exact()"
        return f"{'f' if fast else 'x'}c{ident}"

    def _e_Unary(self, e: Unary, scope: Mapping[str, str], fast: bool) -> str:
        op = PREFIX_OPS[e.op]
        return (op.fast_code if fast else op.exact_code).format(a=self.expr(e.operand, scope, fast))

    def _e_Binary(self, e: Binary, scope: Mapping[str, str], fast: bool) -> str:
        if fast and self.mixed and e.op == "+":
            terms = self.sum_terms(e, scope)
            if len(terms) > 2:
                # One call for a sum of three terms or more: a quotient among them is added once.
                return f"_total({', '.join(self.expr(t, scope, True) for t in terms)})"
        if fast and not self.mixed and e.op in ("+", "*"):
            fused = self.fused(e, scope)
            if fused is not None:
                return fused
        if fast and e.op == "==":
            # ``x == 0`` on a number is ``not x`` (true for 0 and -0 alike): one C slot, not a
            # comparison against a constant. The other side is a number: the checker typed it.
            for zero, other in ((e.right, e.left), (e.left, e.right)):
                value = self.fold(zero, scope)
                if type(value) is Fraction and not value and self.fold(other, scope) is None:
                    return f"(not {self.expr(other, scope, fast)})"
        op = OPS[e.op]
        left = self.expr(e.left, scope, fast)
        if op.kind == "logical":  # the right operand is evaluated only sometimes
            self.conditional += 1
            try:
                right = self.expr(e.right, scope, fast)
            finally:
                self.conditional -= 1
        else:
            right = self.expr(e.right, scope, fast)
        if fast and not self.mixed and e.op == "/":
            temporary = self.fast_division(e, left, right)
            if temporary is not None:
                return temporary
        if fast and self.mixed and e.op == "/":
            hoisted = self.hoisted_division(left, right)
            if hoisted is not None:
                return hoisted
        if fast and self.mixed and op.kind == "arithmetic" and e.op != "/":
            return self.mixed_step(e.op, left, right)
        template = op.fast_code if fast else op.exact_code
        site = ""
        if "{site}" in template:
            # A step that can fail on exact values names its sub-expression in the error.
            self.sites.append(Site(print_expr(e), e.span))
            site = str(len(self.sites) - 1)
        return template.format(a=left, b=right, site=site)

    def _e_If(self, e: If, scope: Mapping[str, str], fast: bool) -> str:
        cond = self.expr(e.cond, scope, fast)
        self.conditional += 1
        try:
            then = self.expr(e.then, scope, fast)
            orelse = self.expr(e.orelse, scope, fast)
        finally:
            self.conditional -= 1
        return f"({then} if {cond} else {orelse})"

    def _e_Let(self, e: Let, scope: Mapping[str, str], fast: bool) -> str:
        inner = dict(scope)
        parts = []
        for name, value in e.bindings:
            code = self.expr(value, inner, fast)
            var = f"t{next(self.temp)}"
            parts.append(f"({var} := {code})")
            inner[name] = var
        parts.append(self.expr(e.body, inner, fast))
        return f"({', '.join(parts)})[-1]"

    def _e_ListExpr(self, e: ListExpr, scope: Mapping[str, str], fast: bool) -> str:
        items = [self.expr(item, scope, fast) for item in e.items]
        return "(" + "".join(f"{i}, " for i in items) + ")"

    def _e_Call(self, e: Call, scope: Mapping[str, str], fast: bool) -> str:
        builtin = BUILTINS.get(e.func)
        if builtin is not None:
            args = self._ordered(e, [p for p, _ in builtin.params])
            if fast and builtin.inline:
                inlined = self._inline_aggregate(builtin.inline, args, scope)
                if inlined is not None:
                    return inlined
            codes = [self.expr(a, scope, fast) for a in args]
            if builtin.inline in ("pick>", "pick<") and len(codes) == 2:
                return self.pick(codes[0], codes[1], builtin.inline[-1])
            impl = f"b_{e.func}_{'f' if fast else 'x'}"
            self.namespace[impl] = builtin.fast if fast else builtin.exact
            if fast:
                return f"{impl}({', '.join(codes)})"
            # On the exact path a builtin's error is given the call's position and text.
            self.sites.append(Site(print_expr(e), e.span))
            return f"_xcall({impl}, {len(self.sites) - 1}, {', '.join(codes)})"
        assert self.book is not None
        info = self.book.funcs[e.func]
        codes = [self.expr(a, scope, fast) for a in self._ordered(e, list(info.params))]
        prefix = ("q" if self.mixed else "f") if fast else "x"
        return f"{prefix}{self.def_ids[e.func]}({', '.join(codes)})"

    def decimal_constant(self, value: Decimal) -> str:
        """A generated name bound to exactly this Decimal (same digits and exponent)."""
        return self._bind(("D", str(value)), value)

    def _bind(self, key: Any, value: Any, prefix: str = "k") -> str:
        # One generated name per distinct constant (``key`` tells 1.0 from 1 and variants).
        name = self.consts.get(key)
        if name is None:
            name = f"{prefix}{len(self.consts)}"
            self.consts[key] = name
            self.namespace[name] = value
        return name

    def _inline_aggregate(
        self, form: str, args: Sequence[Expr], scope: Mapping[str, str]
    ) -> str | None:
        """Fast-path code for sum/mean/weighted_mean of a literal list, or None.

        The generated calls are the ones the builtin makes at run time (a left fold of
        ``FAST.add`` from ``Decimal(0)``, then ``FAST.divide``; weighted terms added by one
        ``FAST.fma`` each, the same Decimal), without building tuples or calling the builtin.
        Anything unusual keeps the generic call.
        """
        if form in ("sum", "mean"):
            items: Sequence[Expr] = ()
            if len(args) == 1 and isinstance(args[0], ListExpr):
                items = args[0].items
            elif len(args) >= 2:  # the checker made every argument a number
                items = args
            if not 1 <= len(items) <= MAX_INLINE_ITEMS:
                return None
            code = self.decimal_constant(Decimal(0))
            for item in items:
                code = f"_add({code}, {self.expr(item, scope, True)})"
            if form == "sum":
                return code
            return f"_div({code}, {self.decimal_constant(Decimal(len(items)))})"
        if form == "weighted_mean" and isinstance(args[0], ListExpr):
            values = args[0].items
            weights = self.fold(args[1], scope)
            if (
                not isinstance(weights, tuple)
                or len(weights) != len(values)
                or not 1 <= len(values) <= MAX_INLINE_ITEMS
                or not all(is_terminating(w) and w >= 0 for w in weights)
            ):
                return None
            decimals = [fraction_to_decimal(w) for w in weights]
            try:
                total = reduce(FAST.add, decimals, Decimal(0))
            except ArithmeticError:  # pragma: no cover - a few literal weights cannot overflow
                return None
            if not total:
                return None  # the generic call fails over to the exact path, which reports it
            code = self.decimal_constant(Decimal(0))
            for item_expr, weight in zip(values, decimals, strict=True):
                value, factor = self.expr(item_expr, scope, True), self.decimal_constant(weight)
                if self.mixed:
                    code = f"_add({code}, _mul({value}, {factor}))"
                else:  # one fma instead of a product and a sum (see Steps.fused)
                    code = f"_fma({value}, {factor}, {code})"
            return f"_div({code}, {self.decimal_constant(total)})"
        return None

    @staticmethod
    def _ordered(e: Call, params: Sequence[str]) -> list[Expr]:
        ordered = ordered_args(e, params)
        assert ordered is not None, "the checker matched every call to its signature"
        return ordered

    # -- definitions --------------------------------------------------------------------

    def _body(
        self, info: FuncInfo, scope: dict[str, str], params: list[str], fast: bool, ident: int
    ) -> list[str]:
        """The body lines of definition ``info`` in one variant (fast, exact or mixed)."""
        node = info.node
        if isinstance(node, FuncDef):
            return [f"    return {self.expr(node.body, scope, fast)}"]
        if isinstance(node, BandDef):
            assert isinstance(info, BandInfo)
            return self._band(info, node, scope, params[0], fast)
        assert isinstance(info, MatrixInfo) and isinstance(node, MatrixDef)
        return self._matrix(info, node, scope, params, fast, ident)

    def function(self, info: FuncInfo, ident: int) -> None:
        params = [f"a{i}" for i in range(len(info.params))]
        scope = dict(zip(info.params, params, strict=True))
        for fast in (True, False):
            prefix = "f" if fast else "x"
            head = f"def {prefix}{ident}({', '.join(params)}):"
            body = self._body(info, scope, params, fast, ident)
            if fast or not self.lazy_exact:
                self.lines.extend([head, *body, ""])
            else:
                name = f"x{ident}"
                self.deferred[name] = "\n".join([head, *body, ""])
                self.namespace[name] = self._deferred(name)
        self.mixed = True
        try:
            head = f"def q{ident}({', '.join(params)}):"
            body = self._body(info, scope, params, True, ident)
        finally:
            self.mixed = False
        self.mixed_sources[f"q{ident}"] = "\n".join([head, *body, ""])

    def _deferred(self, name: str) -> Callable[..., Any]:
        """A stand-in for exact function ``name``: compiles it on the first call.

        Compiled into the namespace, the real function replaces the stand-in, so generated
        callers find it directly from then on; holders of the stand-in are forwarded.
        """
        compiled: list[Callable[..., Any]] = []

        def call(*args: Any) -> Any:
            if not compiled:
                source = self.deferred[name]
                exec(compile(source, "<kinerja exact>", "exec"), self.namespace)
                compiled.append(self.namespace[name])
            return compiled[0](*args)

        return call

    def _band(
        self, info: BandInfo, node: BandDef, scope: dict[str, str], arg: str, fast: bool
    ) -> list[str]:
        body = []
        for lo, lo_closed, hi, hi_closed, index in info.rows:
            tests = []
            # Bounds that are not finite decimals stay Fractions; comparisons stay exact.
            if lo is not None:
                bound = self._bound(lo)
                tests.append(f"{bound} {'<=' if lo_closed else '<'} {arg}")
            if hi is not None:
                bound = self._bound(hi)
                tests.append(f"{arg} {'<=' if hi_closed else '<'} {bound}")
            cond = " and ".join(tests) or "True"
            value = self.expr(node.rows[index].expr, scope, fast)
            body.append(f"    if {cond}:\n        return {value}")
        tail = "raise _NotExact()" if fast else f"return _outside({node.name!r}, {arg})"
        body.append(f"    {tail}")
        return body

    def _bound(self, value: Fraction) -> str:
        name = f"bound{len(self.namespace)}"
        self.namespace[name] = fraction_to_decimal(value) if is_terminating(value) else value
        return name

    def _matrix(
        self,
        info: MatrixInfo,
        node: MatrixDef,
        scope: dict[str, str],
        params: list[str],
        fast: bool,
        ident: int,
    ) -> list[str]:
        table = f"m{ident}"
        self.namespace[table] = dict(info.table)
        key = "(" + "".join(f"{p}, " for p in params) + ")"
        body = [f"    row = {table}[{key}]"]
        for index, row in enumerate(node.rows):
            body.append(
                f"    if row == {index}:\n        return {self.expr(row.expr, scope, fast)}"
            )
        body.append(
            "    raise AssertionError('unreachable: the checker proved the table complete')"
        )
        return body

    def build(self, name: str) -> dict[str, Any]:
        source = "\n".join(self.lines)
        self.generated.append(source)
        try:
            # The rulebook's name is user text: only safe characters reach compile()'s filename.
            safe = "".join(ch if ch.isalnum() or ch in " ._-" else "?" for ch in name)
            code = compile(source, f"<kinerja {safe}>", "exec")
        except (SyntaxError, RecursionError, MemoryError) as exc:  # pragma: no cover
            raise KinerjaError(f"could not compile {name}: the expression is too complex") from exc
        exec(code, self.namespace)
        return self.namespace
