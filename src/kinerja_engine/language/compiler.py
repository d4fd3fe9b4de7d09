"""Phase 3, compile: checked program in, fast Python functions out.

Input: a :class:`~kinerja_engine.language.checker.CheckedFormula` or
:class:`~kinerja_engine.language.checker.CheckedRulebook`. Output: a :class:`Program` whose
functions evaluate the rules many times without re-parsing or re-checking.

How exactness and speed are both kept: every expression is generated twice from the checked AST.

* The **fast** variant computes on :class:`~decimal.Decimal` under a context that traps every
  rounding (:data:`~kinerja_engine.language.builtins.FAST`), so what it returns is exact.
* The **exact** variant computes on :class:`~fractions.Fraction`. It runs only when the fast one
  raised (``1 / 3`` is not a finite decimal, a division by zero, …), and it is the one that
  reports errors, naming the sub-expression that failed.

Generated source is built only from our own checked AST: every name becomes a generated
identifier and every constant (numbers, labels) is passed in a table, so user text never
becomes code. Constants are folded at compile time; ``if``, ``and`` and ``or`` are lazy.

>>> from kinerja_engine.language.parser import parse_formula
>>> from kinerja_engine.language.checker import check_formula
>>> program = compile_formula(check_formula(parse_formula("1 / 3 * 3 == 1"), "1 / 3 * 3 == 1"))
>>> program.run({})
True
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from fractions import Fraction
from functools import cache, reduce
from typing import Any, Final

from ..errors import BindingError, EvaluationError, KinerjaError, Span, UsageError
from ..formatting import format_interval, format_number
from ..values import (
    MAX_EMAX,
    Label,
    check_size,
    fraction_to_decimal,
    is_terminating,
    normalize,
    normalize_precision,
    to_decimal,
)
from .builtins import BUILTINS, FAST, Type
from .checker import (
    BandInfo,
    CheckedFormula,
    CheckedRulebook,
    FuncInfo,
    MatrixInfo,
)
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

__all__ = ["MAX_LIST_LENGTH", "Program", "compile_formula", "compile_rulebook", "to_result"]

#: Longest list a caller may bind to a list input.
MAX_LIST_LENGTH: Final = 100_000

#: Longest literal list whose sum/mean/weighted_mean is inlined (nesting stays shallow).
_MAX_INLINE_ITEMS: Final = 16
_FAST_OPS: Final = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div"}
_CMP_OPS: Final = {"==", "!=", "<", "<=", ">", ">="}
# Exact operators for constant folding; a division by zero is left unfolded (None).
_FOLD_OPS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "and": lambda a, b: b,
    "or": lambda a, b: b,
    "+": operator.add,
    "-": operator.sub,
    "*": lambda a, b: check_size(a * b),
    "/": lambda a, b: None if b == 0 else check_size(a / b),
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class _NotExact(ArithmeticError):
    """The fast path met a constant that is not a finite decimal; use the exact path."""


def _not_exact() -> Any:
    raise _NotExact


def _to_fraction(value: Any) -> Any:
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, tuple):
        return tuple(Fraction(v) for v in value)
    return value


_ONE: Final = Decimal(1)
# Contexts of values.normalize, one per precision, built once instead of on every result.
_NORMALIZE_CONTEXTS: dict[int, Context] = {}
_MAX_CACHED_PREC: Final = 200


def _normalize(value: Decimal) -> Decimal:
    """:func:`~kinerja_engine.values.normalize`, without building a Context on every call.

    Same steps, same context precision (digits + 2), same results and errors.
    """
    if not value:
        return Decimal(0)
    if value.same_quantum(_ONE):
        # Exponent 0: normalize would return the same coefficient at exponent 0, i.e. value.
        return value
    prec = normalize_precision(value)
    if prec > _MAX_CACHED_PREC:
        return normalize(value)
    context = _NORMALIZE_CONTEXTS.get(prec)
    if context is None:
        context = _NORMALIZE_CONTEXTS.setdefault(
            prec, Context(prec=prec, Emax=MAX_EMAX, Emin=-MAX_EMAX)
        )
    if value == value.to_integral_value(context=context):
        return value.quantize(_ONE, context=context)
    return value.normalize(context=context)


def to_result(value: Any) -> Any:
    """Turn an internal value into what the API returns: Decimal, bool, Label or tuple.

    >>> to_result(Fraction(1, 4)), to_result(Decimal("95.00")), to_result(True)
    (Decimal('0.25'), Decimal('95'), True)
    """
    if type(value) is Decimal:
        return _normalize(value)
    if isinstance(value, Fraction):
        return normalize(fraction_to_decimal(value))
    if isinstance(value, Decimal):
        return normalize(value)
    if isinstance(value, tuple):
        return tuple(to_result(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class _Site:
    """Where a runtime error can happen: the sub-expression's text and span."""

    text: str
    span: Span | None


class _Gen:
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
            "_F": _to_fraction,
            "_not_exact": _not_exact,
            "_xdiv": self._xdiv,
            "_xsize": check_size,
            "_xcall": self._xcall,
            "_outside": self._outside,
        }
        self.sites: list[_Site] = []
        self.temp = itertools.count()
        self.def_ids: dict[str, int] = {}
        self.lines: list[str] = []
        self.memo: dict[int, Any] = {}

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
        name = self.consts.get(key)
        if name is None:
            name = f"k{len(self.consts)}"
            self.consts[key] = name
            self.namespace[name] = value
        return name

    # -- expressions --------------------------------------------------------------------

    def expr(self, e: Expr, scope: Mapping[str, str], fast: bool) -> str:
        folded = self.fold(e, scope)
        if folded is not None:
            return self.constant(folded, fast)
        method: Callable[[Any, Mapping[str, str], bool], str] = getattr(
            self, f"_e_{type(e).__name__}"
        )
        return method(e, scope, fast)

    def fold(self, e: Expr, scope: Mapping[str, str]) -> Any:
        """Constant folding, bottom-up and memoised: the exact value, or None if not constant.

        Anything that would fail (a division by zero, the mean of an empty list) is left
        unfolded, so that it fails at run time naming its sub-expression.
        """
        key = id(e)
        if key in self.memo:
            return self.memo[key]
        value: Any = None
        if isinstance(e, Num):
            value = Fraction(e.value)
        elif isinstance(e, BoolLit):
            value = e.value
        elif isinstance(e, LabelRef) and self.book is not None:
            value = self.book.enums[e.enum].member(e.member)
        elif isinstance(e, Name):
            if e.id not in scope and self.book is not None and e.id in self.book.consts:
                value = self.namespace.get(f"xc{self.def_ids[e.id]}")
        elif isinstance(e, Unary):
            inner = self.fold(e.operand, scope)
            if inner is not None:
                value = (not inner) if e.op == "not" else -inner
        elif isinstance(e, Binary):
            value = self._fold_binary(e, scope)
        elif isinstance(e, If):
            cond = self.fold(e.cond, scope)
            if cond is not None:
                value = self.fold(e.then if cond else e.orelse, scope)
        elif isinstance(e, ListExpr):
            items = [self.fold(item, scope) for item in e.items]
            if all(item is not None for item in items):
                value = tuple(items)
        elif isinstance(e, Call) and e.func in BUILTINS:
            builtin = BUILTINS[e.func]
            params = [p for p, _ in builtin.params]
            args = [self.fold(a, scope) for a in (self._ordered(e, params) if params else e.args)]
            if all(a is not None for a in args):
                try:
                    value = builtin.exact(*args)
                except (KinerjaError, ArithmeticError):
                    value = None
        self.memo[key] = value
        return value

    def _fold_binary(self, e: Binary, scope: Mapping[str, str]) -> Any:
        left = self.fold(e.left, scope)
        right = self.fold(e.right, scope)
        if e.op == "and" and left is False:
            return False
        if e.op == "or" and left is True:
            return True
        if left is None or right is None:
            return None
        return _FOLD_OPS[e.op](left, right)

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
        if fast and isinstance(self.namespace.get(f"fc{ident}"), _Unexact):
            return "_not_exact()"
        return f"{'f' if fast else 'x'}c{ident}"

    def _e_Unary(self, e: Unary, scope: Mapping[str, str], fast: bool) -> str:
        inner = self.expr(e.operand, scope, fast)
        if e.op == "not":
            return f"(not {inner})"
        return f"_neg({inner})" if fast else f"(-{inner})"

    def _e_Binary(self, e: Binary, scope: Mapping[str, str], fast: bool) -> str:
        left = self.expr(e.left, scope, fast)
        right = self.expr(e.right, scope, fast)
        if e.op in ("and", "or") or e.op in _CMP_OPS:
            return f"({left} {e.op} {right})"
        if fast:
            return f"{_FAST_OPS[e.op]}({left}, {right})"
        if e.op == "/":
            self.sites.append(_Site(_print(e), e.span))
            return f"_xdiv({left}, {right}, {len(self.sites) - 1})"
        if e.op == "*":
            # Products can double a number's size each time: bounded, so no size bomb runs long.
            return f"_xsize({left} * {right})"
        return f"({left} {e.op} {right})"

    def _e_If(self, e: If, scope: Mapping[str, str], fast: bool) -> str:
        cond = self.expr(e.cond, scope, fast)
        then = self.expr(e.then, scope, fast)
        orelse = self.expr(e.orelse, scope, fast)
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
            params = [p for p, _ in builtin.params]
            args = self._ordered(e, params) if params else list(e.args)
            if fast:
                inlined = self._inline_aggregate(e, args, scope)
                if inlined is not None:
                    return inlined
            codes = [self.expr(a, scope, fast) for a in args]
            if e.func in ("cap", "at_least") or (e.func in ("min", "max") and len(codes) == 2):
                # Inlined: a conditional expression costs far less than a Python call. Operands
                # that are plain names (inputs, constants, temporaries) need no temporary.
                a, b = codes
                first, second = a, b
                if not a.isidentifier():
                    a = f"t{next(self.temp)}"
                    first = f"({a} := {codes[0]})"
                if not b.isidentifier():
                    b = f"t{next(self.temp)}"
                    second = f"({b} := {codes[1]})"
                op = ">" if e.func in ("cap", "min") else "<"
                return f"({b} if {first} {op} {second} else {a})"
            impl = f"b_{e.func}_{'f' if fast else 'x'}"
            self.namespace[impl] = builtin.fast if fast else builtin.exact
            if fast:
                return f"{impl}({', '.join(codes)})"
            # On the exact path a builtin's error is given the call's position and text.
            self.sites.append(_Site(_print(e), e.span))
            return f"_xcall({impl}, {len(self.sites) - 1}, {', '.join(codes)})"
        assert self.book is not None
        info = self.book.funcs[e.func]
        codes = [self.expr(a, scope, fast) for a in self._ordered(e, list(info.params))]
        return f"{'f' if fast else 'x'}{self.def_ids[e.func]}({', '.join(codes)})"

    def decimal_constant(self, value: Decimal) -> str:
        """A generated name bound to exactly this Decimal (same digits and exponent)."""
        key = ("D", str(value))
        name = self.consts.get(key)
        if name is None:
            name = f"k{len(self.consts)}"
            self.consts[key] = name
            self.namespace[name] = value
        return name

    def _inline_aggregate(
        self, e: Call, args: Sequence[Expr], scope: Mapping[str, str]
    ) -> str | None:
        """Fast-path code for sum/mean/weighted_mean of a literal list, or None.

        The generated calls are exactly the ones the builtin makes at run time (a left fold of
        ``FAST.add`` from ``Decimal(0)``, then ``FAST.divide``), without building tuples or
        calling the builtin. Anything unusual keeps the generic call.
        """
        if e.func in ("sum", "mean"):
            items: Sequence[Expr] = ()
            if len(args) == 1 and isinstance(args[0], ListExpr):
                items = args[0].items
            elif len(args) >= 2:  # the checker made every argument a number
                items = args
            if not 1 <= len(items) <= _MAX_INLINE_ITEMS:
                return None
            code = self.decimal_constant(Decimal(0))
            for item in items:
                code = f"_add({code}, {self.expr(item, scope, True)})"
            if e.func == "sum":
                return code
            return f"_div({code}, {self.decimal_constant(Decimal(len(items)))})"
        if e.func == "weighted_mean" and isinstance(args[0], ListExpr):
            values = args[0].items
            weights = self.fold(args[1], scope)
            if (
                not isinstance(weights, tuple)
                or len(weights) != len(values)
                or not 1 <= len(values) <= _MAX_INLINE_ITEMS
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
                product = (
                    f"_mul({self.expr(item_expr, scope, True)}, {self.decimal_constant(weight)})"
                )
                code = f"_add({code}, {product})"
            return f"_div({code}, {self.decimal_constant(total)})"
        return None

    @staticmethod
    def _ordered(e: Call, params: Sequence[str]) -> list[Expr]:
        bound = dict(zip(params, e.args, strict=False))
        bound.update(dict(e.kwargs))
        return [bound[p] for p in params]

    # -- definitions --------------------------------------------------------------------

    def function(self, info: FuncInfo, ident: int) -> None:
        params = [f"a{i}" for i in range(len(info.params))]
        scope = dict(zip(info.params, params, strict=True))
        node = info.node
        for fast in (True, False):
            prefix = "f" if fast else "x"
            head = f"def {prefix}{ident}({', '.join(params)}):"
            if isinstance(node, FuncDef):
                body = [f"    return {self.expr(node.body, scope, fast)}"]
            elif isinstance(node, BandDef):
                assert isinstance(info, BandInfo)
                body = self._band(info, node, scope, params[0], fast)
            else:
                assert isinstance(info, MatrixInfo) and isinstance(node, MatrixDef)
                body = self._matrix(info, node, scope, params, fast, ident)
            self.lines.extend([head, *body, ""])

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
        self.namespace["_NotExact"] = _NotExact
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
        try:
            # The rulebook's name is user text: only safe characters reach compile()'s filename.
            safe = "".join(ch if ch.isalnum() or ch in " ._-" else "?" for ch in name)
            code = compile(source, f"<kinerja {safe}>", "exec")
        except (SyntaxError, RecursionError, MemoryError) as exc:  # pragma: no cover
            raise KinerjaError(f"could not compile {name}: the expression is too complex") from exc
        exec(code, self.namespace)
        return self.namespace


def _print(e: Expr) -> str:
    from .printer import print_expr  # noqa: PLC0415 - printer is a leaf; imported lazily

    return print_expr(e)


# --------------------------------------------------------------------------- programs


class Program:
    """Compiled rules: call :meth:`run` (a formula) or :meth:`call` (a named definition).

    Bindings are converted once per call (numbers through
    :func:`~kinerja_engine.values.to_decimal`, labels through their enum's spellings); the
    generated functions then run without any further checks.
    """

    __slots__ = (
        "_binders",
        "_def_ids",
        "_entries",
        "_exact",
        "_fast",
        "_inputs",
        "_namespace",
        "book",
        "source",
    )

    def __init__(
        self,
        source: str,
        book: CheckedRulebook | None,
        fast: dict[str, Callable[..., Any]],
        exact: dict[str, Callable[..., Any]],
        inputs: dict[str, tuple[tuple[str, Type], ...]],
        link: tuple[dict[str, Any], dict[str, int]] = ({}, {}),
        entries: dict[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.source = source
        self.book = book
        self._fast = fast
        self._exact = exact
        self._inputs = inputs
        # The generated namespace and identifiers, so formulas can link to these definitions.
        self._namespace, self._def_ids = link
        # Entry points: the fast function with the exact fallback built in (see raw()).
        self._entries: dict[str, Callable[..., Any]] = dict(entries or {})
        # Per definition: the expected names and one converter per input, in call order.
        self._binders: dict[str, tuple[frozenset[str], tuple[_Converter, ...]]] = {}

    def signature(self, name: str = "") -> tuple[tuple[str, Type], ...]:
        """The inputs of definition ``name`` (``""`` for a formula), in call order."""
        return self._inputs[name]

    def raw(self, name: str = "") -> Callable[..., Any]:
        """The fast function with exact fallback, for trusted positional inputs.

        Arguments must already be ``Decimal`` (numbers), ``bool``, :class:`Label` or tuples of
        ``Decimal``; the result is ``Decimal``/``Fraction``/``bool``/``Label``. This is the hot
        path used by the scoring pipeline and the benchmarks.
        """
        entry = self._entries.get(name)
        if entry is None:
            if name not in self._fast:
                raise UsageError(f"no definition '{name}' to call")
            fast, exact = self._fast[name], self._exact[name]
            make = _entry_factory(len(self._inputs[name]))
            entry = self._entries[name] = make(fast, exact, _to_fraction)
        return entry

    def bind(self, name: str, bindings: Mapping[str, Any]) -> list[Any]:
        """Convert a caller's keyword bindings to positional runtime values, checking each."""
        binder = self._binders.get(name)
        if binder is None:
            binder = self._binders[name] = self._binder(name)
        names, converters = binder
        if bindings.keys() == names:  # the usual case: exactly the expected inputs
            return [convert(bindings) for convert in converters]
        params = self._inputs[name]
        expected = {p for p, _ in params}
        unknown = [k for k in bindings if k not in expected]
        if unknown:
            import difflib  # noqa: PLC0415 - only on the error path

            close = difflib.get_close_matches(unknown[0], sorted(expected), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            listed = ", ".join(sorted(expected)) or "nothing"
            raise BindingError(
                f"unknown input '{unknown[0]}'{hint}; {name or 'the formula'} takes {listed}"
            )
        args = []
        for param, type_ in params:
            if param not in bindings:
                raise BindingError(f"missing input '{param}' ({type_.describe()})")
            args.append(self._convert(bindings[param], param, type_))
        return args

    def _binder(self, name: str) -> tuple[frozenset[str], tuple[_Converter, ...]]:
        converters: list[_Converter] = []
        for param, type_ in self._inputs[name]:
            if type_.kind == "number":
                converters.append(_number_converter(param))
            else:
                converters.append(_value_converter(self, param, type_))
        return frozenset(p for p, _ in self._inputs[name]), tuple(converters)

    def _convert(self, value: Any, param: str, type_: Type) -> Any:
        if type_.kind == "number":
            return to_decimal(value, param)
        if type_.kind == "bool":
            if not isinstance(value, bool):
                raise BindingError(f"{param}: expected true or false, got {value!r}")
            return value
        if type_.kind == "list":
            if isinstance(value, str | bytes) or not isinstance(value, Sequence):
                raise BindingError(f"{param}: expected a list of numbers, got {value!r:.60}")
            if len(value) > MAX_LIST_LENGTH:
                raise BindingError(f"{param}: more than {MAX_LIST_LENGTH:,} values")
            return tuple(to_decimal(v, f"{param}[{i}]") for i, v in enumerate(value))
        enums = self.book.enums if self.book is not None else {}
        if type_.kind == "label" and type_.enum is not None and type_.enum in enums:
            return enums[type_.enum].resolve(value, param)
        raise BindingError(f"{param}: cannot bind a value of type {type_}")  # pragma: no cover

    def call(self, name: str, bindings: Mapping[str, Any], *, exact: bool = False) -> Any:
        """Evaluate definition ``name`` (``""`` for a formula) with keyword ``bindings``."""
        args = self.bind(name, bindings)
        if exact:
            return self._exact[name](*map(_to_fraction, args))
        return to_result(self.raw(name)(*args))

    def run(self, bindings: Mapping[str, Any]) -> Any:
        """Evaluate a compiled formula."""
        return self.call("", bindings)


_Converter = Callable[[Mapping[str, Any]], Any]


def _number_converter(param: str) -> _Converter:
    def convert(bindings: Mapping[str, Any]) -> Any:
        return to_decimal(bindings[param], param)

    return convert


def _value_converter(program: Program, param: str, type_: Type) -> _Converter:
    def convert(bindings: Mapping[str, Any]) -> Any:
        return program._convert(bindings[param], param, type_)

    return convert


@cache
def _entry_factory(arity: int) -> Callable[..., Callable[..., Any]]:
    """A maker of entry points of ``arity`` positional parameters (no ``*args`` packing).

    The entry runs the fast function and, if it raised an ``ArithmeticError``, the exact one on
    the same inputs as fractions. The source is built only from generated identifiers.
    """
    params = ", ".join(f"a{i}" for i in range(arity))
    converted = ", ".join(f"_F(a{i})" for i in range(arity))
    source = (
        "def make(fast, exact, _F):\n"
        f"    def run({params}):\n"
        "        try:\n"
        f"            return fast({params})\n"
        "        except ArithmeticError:\n"
        f"            return exact({converted})\n"
        "    return run\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<kinerja entry/{arity}>", "exec"), namespace)
    make: Callable[..., Callable[..., Any]] = namespace["make"]
    return make


def _gen_helpers(gen: _Gen) -> dict[str, Any]:
    # The runtime helpers must report against the formula's own source, not the rulebook's.
    return {"_xdiv": gen._xdiv, "_xcall": gen._xcall, "_outside": gen._outside}


def _rulebook_gen(book: CheckedRulebook) -> _Gen:
    gen = _Gen(book, book.source)
    for ident, name in enumerate(book.order):
        gen.def_ids[name] = ident
    for ident, name in enumerate(book.order):
        if name in book.consts:
            _compile_const(gen, book, name, ident)
        else:
            # Pending function source is executed together, before the first constant that may
            # call it (see _compile_const) or at the end.
            gen.function(book.funcs[name], ident)
    if gen.lines:
        gen.build(book.node.header.name)
        gen.lines = []
    return gen


def _compile_const(gen: _Gen, book: CheckedRulebook, name: str, ident: int) -> None:
    info = book.consts[name]
    value = info.value
    if value is None:
        # Not foldable by the checker (it calls rulebook functions): evaluate it now, exactly.
        gen.lines.append(f"xc{ident} = {gen.expr(info.node.expr, {}, False)}")
        gen.build(book.node.header.name)
        gen.lines = []
        value = gen.namespace[f"xc{ident}"]
    gen.namespace[f"xc{ident}"] = value
    if isinstance(value, Fraction):
        gen.namespace[f"fc{ident}"] = (
            fraction_to_decimal(value) if is_terminating(value) else _Unexact()
        )
    elif isinstance(value, tuple):
        terminating = all(is_terminating(v) for v in value)
        gen.namespace[f"fc{ident}"] = (
            tuple(fraction_to_decimal(v) for v in value) if terminating else _Unexact()
        )
    else:
        gen.namespace[f"fc{ident}"] = value


class _Unexact:
    """Stands in the fast path for a constant that is not a finite decimal (e.g. 1/3).

    Any arithmetic or comparison with it raises, which sends the evaluation to the exact path.
    """

    def _bail(self, *args: Any) -> Any:
        raise _NotExact

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _bail
    __truediv__ = __rtruediv__ = __lt__ = __le__ = __gt__ = __ge__ = __neg__ = _bail
    __eq__ = __ne__ = _bail
    __hash__ = None  # type: ignore[assignment]


def compile_rulebook(book: CheckedRulebook) -> Program:
    """Compile every definition of a checked rulebook.

    >>> from kinerja_engine.language.parser import parse_rulebook
    >>> from kinerja_engine.language.checker import check_rulebook
    >>> text = 'rulebook "r"  def half(x) = x / 2'
    >>> compile_rulebook(check_rulebook(parse_rulebook(text), text)).call("half", {"x": 5})
    Decimal('2.5')
    """
    gen = _rulebook_gen(book)
    fast: dict[str, Callable[..., Any]] = {}
    exact: dict[str, Callable[..., Any]] = {}
    inputs: dict[str, tuple[tuple[str, Type], ...]] = {}
    for name, ident in gen.def_ids.items():
        if name in book.consts:
            fast[name] = _const_getter(gen.namespace, f"fc{ident}")
            exact[name] = _const_getter(gen.namespace, f"xc{ident}")
            inputs[name] = ()
        else:
            info = book.funcs[name]
            fast[name] = gen.namespace[f"f{ident}"]
            exact[name] = gen.namespace[f"x{ident}"]
            inputs[name] = tuple(zip(info.params, info.param_types, strict=True))
    return Program(book.source, book, fast, exact, inputs, (gen.namespace, gen.def_ids))


def _const_getter(namespace: dict[str, Any], key: str) -> Callable[[], Any]:
    def get() -> Any:
        value = namespace[key]
        if isinstance(value, _Unexact):
            raise _NotExact
        return value

    return get


def compile_formula(checked: CheckedFormula, program: Program | None = None) -> Program:
    """Compile a checked formula (in the context of its rulebook's program, if any)."""
    book = checked.book
    gen = _Gen(book, checked.source)
    if book is not None:
        if program is None:
            program = compile_rulebook(book)
        # Link to the rulebook's compiled definitions; the copy keeps the rulebook's own
        # namespace untouched by this formula's constants.
        gen.namespace.update(program._namespace)
        gen.def_ids = dict(program._def_ids)
        gen.consts = {}
        gen.namespace.update(_gen_helpers(gen))
    names = list(checked.inputs)
    params = [f"a{i}" for i in range(len(names))]
    scope = dict(zip(names, params, strict=True))
    fast_code = gen.expr(checked.expr, scope, True)
    exact_code = gen.expr(checked.expr, scope, False)
    # The fast function carries its own exact fallback: one Python call per evaluation.
    gen.lines += [
        f"def formula_f({', '.join(params)}):",
        "    try:",
        f"        return {fast_code}",
        "    except ArithmeticError:",
        f"        return formula_x({', '.join(f'_F({p})' for p in params)})",
        "",
        f"def formula_x({', '.join(params)}):",
        f"    return {exact_code}",
        "",
    ]
    namespace = gen.build("formula")
    signature = tuple((n, checked.inputs[n]) for n in names)
    return Program(
        checked.source,
        book,
        {"": namespace["formula_f"]},
        {"": namespace["formula_x"]},
        {"": signature},
        entries={"": namespace["formula_f"]},
    )
