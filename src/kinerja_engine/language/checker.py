"""Phase 2, check: AST in, checked program out, or every problem at once.

Input: a parsed formula or rulebook. Output: :class:`CheckedFormula` / :class:`CheckedRulebook`,
plain frozen records with every name resolved and every expression typed. Guarantees: a program
that reaches the compiler has no unknown names, no type errors (a label is never compared with a
number), correct arities, no recursion (direct or indirect), band tables that cover their domain
exactly once and matrix tables that are complete and unambiguous. All diagnostics of one text are
collected, with positions and hints, and raised once as a
:class:`~kinerja_engine.errors.CheckError`.

>>> from kinerja_engine.language.parser import parse_formula
>>> check_formula(parse_formula("cap(r / t, 120%)"), "cap(r / t, 120%)").inputs
{'r': Type(kind='number', enum=None), 't': Type(kind='number', enum=None)}
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final

from ..errors import BindingError, CheckError, Diagnostic, EvaluationError, LimitError, Span
from ..formatting import format_interval, format_number
from ..values import Label, check_size
from .builtins import ANY, BOOL, BUILTINS, LIST, NUMBER, Type, label_type
from .nodes import (
    ARITHMETIC_OPS,
    COMPARISON_OPS,
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
    Node,
    Num,
    Param,
    RulebookNode,
    Unary,
)

__all__ = [
    "MAX_CALL_DEPTH",
    "BandInfo",
    "CheckedFormula",
    "CheckedRulebook",
    "ConstInfo",
    "EnumInfo",
    "FuncInfo",
    "MatrixInfo",
    "check_formula",
    "check_rulebook",
    "spelling_key",
]

#: Most combinations a matrix table may have (product of its enums' sizes).
MAX_MATRIX_CELLS: Final = 10_000
_TYPE_NAMES: Final = {"number": NUMBER, "bool": BOOL, "list": LIST}


def spelling_key(text: str) -> str:
    """How label spellings are compared: case, spaces, '_' and '-' do not matter.

    >>> spelling_key("DIBAWAH_EKSPEKTASI") == spelling_key("di bawah ekspektasi")
    True
    """
    return re.sub(r"[\s_\-]+", "", text).casefold()


# --------------------------------------------------------------------------- checked records


@dataclass(frozen=True, slots=True)
class EnumInfo:
    """An enumeration: its ordered members and every accepted spelling.

    >>> info = EnumInfo("r", (Label("r", "di_atas", "Di Atas Ekspektasi"),), {"diatas": "di_atas"})
    >>> info.resolve("DI ATAS")
    Label(r.di_atas)
    """

    name: str
    members: tuple[Label, ...]
    spellings: Mapping[str, str] = field(default_factory=dict)

    def member(self, name: str) -> Label | None:
        """The member called ``name`` exactly, if any."""
        for label in self.members:
            if label.name == name:
                return label
        return None

    def resolve(self, text: object, what: str = "value") -> Label:
        """The member written as ``text`` (its name, display text or an alias, in any case).

        Unknown spellings raise :class:`~kinerja_engine.errors.BindingError` with a suggestion.
        """
        if isinstance(text, Label):
            if text.enum == self.name and self.member(text.name) is not None:
                return self.member(text.name)  # type: ignore[return-value]
            raise BindingError(f"{what}: {text!r} is not a member of {self.name}")
        if not isinstance(text, str):
            raise BindingError(f"{what}: expected a {self.name} label, got {type(text).__name__}")
        key = spelling_key(text)
        name = self.spellings.get(key)
        if name is None:
            name = key if self.member(key) else None
        if name is None:
            for label in self.members:
                if spelling_key(label.name) == key or spelling_key(label.text) == key:
                    name = label.name
        if name is None:
            choices = ", ".join(repr(m.text or m.name) for m in self.members)
            close = difflib.get_close_matches(key, list(self.spellings), n=1)
            hint = f"; did you mean {self.member(self.spellings[close[0]])!s}?" if close else ""
            raise BindingError(
                f"{what}: {text!r} is not a {self.name}; expected one of {choices}{hint}"
            )
        return self.member(name)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class ConstInfo:
    """A constant or policy parameter: its type and, when foldable, its exact value."""

    name: str
    type: Type
    node: ConstDef
    value: Any = None


@dataclass(frozen=True, slots=True)
class FuncInfo:
    """A callable definition (``def``, ``band`` or ``matrix``) and its signature."""

    name: str
    params: tuple[str, ...]
    param_types: tuple[Type, ...]
    returns: Type
    node: Definition


@dataclass(frozen=True, slots=True)
class BandInfo(FuncInfo):
    """A band table with its proven-disjoint rows, sorted by lower bound.

    Each row is ``(lo, lo_closed, hi, hi_closed, row_index)``; ``None`` is infinite.
    """

    domain: tuple[Fraction | None, bool, Fraction | None, bool] = (None, False, None, False)
    rows: tuple[tuple[Fraction | None, bool, Fraction | None, bool, int], ...] = ()


@dataclass(frozen=True, slots=True)
class MatrixInfo(FuncInfo):
    """A matrix table: every combination of its parameters' labels maps to exactly one row."""

    table: Mapping[tuple[Label, ...], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckedRulebook:
    """A rulebook that passed the checker; the compiler's input."""

    node: RulebookNode
    source: str
    enums: Mapping[str, EnumInfo]
    consts: Mapping[str, ConstInfo]
    funcs: Mapping[str, FuncInfo]
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckedFormula:
    """A formula that passed the checker: its inputs (in order of first use) and result type."""

    expr: Expr
    source: str
    inputs: dict[str, Type]
    result: Type
    book: CheckedRulebook | None = None


# --------------------------------------------------------------------------- type variables


class _Var:
    """A type being inferred; unification joins variables (union-find)."""

    __slots__ = ("parent", "type")

    def __init__(self, type_: Type | None = None) -> None:
        self.parent: _Var | None = None
        self.type = type_

    def find(self) -> _Var:
        root = self
        while root.parent is not None:
            root = root.parent
        return root

    @property
    def resolved(self) -> Type | None:
        return self.find().type


def _unify(a: _Var, b: _Var) -> bool:
    ra, rb = a.find(), b.find()
    if ra is rb:
        return True
    if ra.type is None:
        ra.parent = rb
        return True
    if rb.type is None:
        rb.parent = ra
        return True
    if ANY in (ra.type, rb.type):
        return True
    return ra.type == rb.type


def _known(type_: Type) -> _Var:
    return _Var(type_)


# --------------------------------------------------------------------------- the checker


class _Checker:
    def __init__(self, source: str, book: CheckedRulebook | None = None) -> None:
        self.source = source
        self.diags: list[Diagnostic] = []
        self.enums: dict[str, EnumInfo] = dict(book.enums) if book else {}
        self.consts: dict[str, ConstInfo] = dict(book.consts) if book else {}
        self.funcs: dict[str, FuncInfo] = dict(book.funcs) if book else {}
        # Names of definitions of the text being checked, including failed ones.
        self.defined: set[str] = set()
        # Formula mode: free names become inputs (None means free names are errors).
        self.inputs: dict[str, _Var] | None = None
        self.declared_inputs: bool = False

    # -- reporting ----------------------------------------------------------------------

    def error(self, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diags.append(Diagnostic(message, span, hint))

    def did_you_mean(self, name: str, candidates: Iterable[str]) -> str | None:
        close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
        return f"did you mean '{close[0]}'?" if close else None

    # -- expressions --------------------------------------------------------------------

    def expect(self, expr: Expr, scope: dict[str, _Var], want: Type) -> _Var:
        var = self.infer(expr, scope)
        if not _unify(var, _known(want)):
            got = var.resolved or ANY
            self.error(f"expected {want.describe()}, but this is {got.describe()}", expr.span)
            return _known(ANY)
        return var

    def infer(self, expr: Expr, scope: dict[str, _Var]) -> _Var:
        method = getattr(self, f"_infer_{type(expr).__name__}")
        result: _Var = method(expr, scope)
        return result

    def _infer_Num(self, expr: Num, scope: dict[str, _Var]) -> _Var:
        return _known(NUMBER)

    def _infer_BoolLit(self, expr: BoolLit, scope: dict[str, _Var]) -> _Var:
        return _known(BOOL)

    def _infer_LabelRef(self, expr: LabelRef, scope: dict[str, _Var]) -> _Var:
        info = self.enums.get(expr.enum)
        if info is None:
            self.error(
                f"unknown enumeration '{expr.enum}'",
                expr.span,
                self.did_you_mean(expr.enum, self.enums),
            )
            return _known(ANY)
        if info.member(expr.member) is None:
            names = [m.name for m in info.members]
            hint = self.did_you_mean(expr.member, names) or f"members: {', '.join(names)}"
            self.error(f"'{expr.member}' is not a member of {expr.enum}", expr.span, hint)
            return _known(ANY)
        return _known(label_type(expr.enum))

    def _infer_Name(self, expr: Name, scope: dict[str, _Var]) -> _Var:
        name = expr.id
        if name in scope:
            return scope[name]
        if name in self.consts:
            return _known(self.consts[name].type)
        if name in self.funcs or name in BUILTINS:
            self.error(f"'{name}' is a function; call it with arguments, e.g. {name}(…)", expr.span)
            return _known(ANY)
        if name in self.enums:
            first = self.enums[name].members[0].name
            self.error(
                f"'{name}' is an enumeration, not a value",
                expr.span,
                f"write one of its members, e.g. {name}.{first}",
            )
            return _known(ANY)
        if name in self.defined:
            return _known(ANY)  # a definition that failed its own check: reported there
        if self.inputs is not None and not self.declared_inputs:
            return self.inputs.setdefault(name, _Var())
        if self.inputs is not None and name in self.inputs:
            return self.inputs[name]
        candidates = [*scope, *self.consts, *(self.inputs or {})]
        self.error(f"unknown name '{name}'", expr.span, self.did_you_mean(name, candidates))
        return _known(ANY)

    def _infer_Unary(self, expr: Unary, scope: dict[str, _Var]) -> _Var:
        if expr.op == "not":
            self.expect(expr.operand, scope, BOOL)
            return _known(BOOL)
        self.expect(expr.operand, scope, NUMBER)
        return _known(NUMBER)

    def _infer_Binary(self, expr: Binary, scope: dict[str, _Var]) -> _Var:
        op = expr.op
        if op in ARITHMETIC_OPS:
            self.expect(expr.left, scope, NUMBER)
            self.expect(expr.right, scope, NUMBER)
            return _known(NUMBER)
        if op in ("and", "or"):
            self.expect(expr.left, scope, BOOL)
            self.expect(expr.right, scope, BOOL)
            return _known(BOOL)
        assert op in COMPARISON_OPS
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        lt, rt = left.resolved, right.resolved
        if lt is not None and rt is not None and ANY not in (lt, rt) and lt != rt:
            hint = None
            if "label" in (lt.kind, rt.kind) and NUMBER in (lt, rt):
                hint = "labels and numbers are different kinds of value; compare like with like"
            self.error(f"cannot compare {lt.describe()} with {rt.describe()}", expr.span, hint)
            return _known(BOOL)
        _unify(left, right)
        joined = left.resolved
        if joined is not None and joined.kind == "list":
            self.error("lists cannot be compared; compare their sum, mean or count", expr.span)
        elif op not in ("==", "!="):
            if joined is not None and joined.kind == "label":
                self.error(
                    f"labels of {joined.enum} have no order; use == or !=",
                    expr.span,
                )
            elif joined is not None and joined.kind == "bool":
                self.error("true and false have no order; use == or !=", expr.span)
            else:
                _unify(left, _known(NUMBER))
        return _known(BOOL)

    def _infer_If(self, expr: If, scope: dict[str, _Var]) -> _Var:
        self.expect(expr.cond, scope, BOOL)
        then = self.infer(expr.then, scope)
        orelse = self.infer(expr.orelse, scope)
        if not _unify(then, orelse):
            a, b = then.resolved or ANY, orelse.resolved or ANY
            self.error(
                "both branches of 'if' must give the same kind of value: "
                f"'then' gives {a.describe()}, 'else' gives {b.describe()}",
                expr.span,
            )
            return _known(ANY)
        return then

    def _infer_Let(self, expr: Let, scope: dict[str, _Var]) -> _Var:
        inner = dict(scope)
        for name, value in expr.bindings:
            inner[name] = self.infer(value, inner)
        return self.infer(expr.body, inner)

    def _infer_ListExpr(self, expr: ListExpr, scope: dict[str, _Var]) -> _Var:
        for item in expr.items:
            self.expect(item, scope, NUMBER)
        return _known(LIST)

    def _infer_Call(self, expr: Call, scope: dict[str, _Var]) -> _Var:
        name = expr.func
        builtin = BUILTINS.get(name)
        if builtin is not None and builtin.aggregate:
            return self._aggregate(expr, scope)
        if builtin is not None:
            params = tuple(p for p, _ in builtin.params)
            types = tuple(t for _, t in builtin.params)
            returns = builtin.returns
            signature = builtin.signature
        elif name in self.funcs:
            info = self.funcs[name]
            params, types, returns = info.params, info.param_types, info.returns
            signature = f"{name}({', '.join(params)})"
        elif name in self.defined and name not in self.consts:
            for arg in (*expr.args, *(v for _, v in expr.kwargs)):
                self.infer(arg, scope)
            return _known(ANY)
        else:
            if name in self.consts:
                self.error(f"'{name}' is a constant, not a function; drop the ( )", expr.span)
            else:
                self.error(
                    f"unknown function '{name}'",
                    expr.span,
                    self.did_you_mean(name, [*BUILTINS, *self.funcs]),
                )
            for arg in (*expr.args, *(v for _, v in expr.kwargs)):
                self.infer(arg, scope)
            return _known(ANY)
        bound = self._bind_args(expr, params, signature)
        for param, type_ in zip(params, types, strict=True):
            given = bound.get(param)
            if given is None:
                continue
            before = len(self.diags)
            self.expect(given, scope, type_)
            # Fold only a well-typed argument: folding an ill-typed one would run builtins on
            # nonsense (e.g. abs() with no argument); its own error is already reported.
            if builtin is not None and param in builtin.constant and len(self.diags) == before:
                self._constant_places(given, name, param)
        return _known(returns)

    def _bind_args(self, expr: Call, params: tuple[str, ...], signature: str) -> dict[str, Expr]:
        bound: dict[str, Expr] = {}
        if len(expr.args) > len(params):
            self.error(
                f"{expr.func}() takes {len(params)} argument{'s' * (len(params) != 1)}, "
                f"got {len(expr.args) + len(expr.kwargs)}",
                expr.span,
                f"signature: {signature}",
            )
        for param, arg in zip(params, expr.args, strict=False):
            bound[param] = arg
        for key, arg in expr.kwargs:
            if key not in params:
                self.error(
                    f"{expr.func}() has no parameter '{key}'",
                    arg.span,
                    self.did_you_mean(key, params) or f"signature: {signature}",
                )
            elif key in bound:
                self.error(f"argument '{key}' of {expr.func}() is given twice", arg.span)
            else:
                bound[key] = arg
        missing = [p for p in params if p not in bound]
        if missing and len(expr.args) <= len(params):
            self.error(
                f"{expr.func}() is missing argument{'s' * (len(missing) > 1)} "
                + ", ".join(f"'{m}'" for m in missing),
                expr.span,
                f"signature: {signature}",
            )
        return bound

    def _constant_places(self, arg: Expr, func: str, param: str) -> None:
        # Places must be known when the rules are checked (a literal, a const or a policy
        # param), so a formula can never round to a number of places that depends on input.
        try:
            value = self.fold(arg)
        except EvaluationError:
            value = None
        if not (isinstance(value, Fraction) and value.denominator == 1 and 0 <= value <= 20):
            self.error(
                f"'{param}' of {func}() must be a whole number from 0 to 20 known before "
                "evaluation (a literal, const or param)",
                arg.span,
            )

    def _aggregate(self, expr: Call, scope: dict[str, _Var]) -> _Var:
        if expr.kwargs:
            self.error(f"{expr.func}() takes no named arguments", expr.kwargs[0][1].span)
        if not expr.args:
            self.error(
                f"{expr.func}() needs a list or at least one value",
                expr.span,
                f"e.g. {expr.func}([a, b, c])",
            )
        elif len(expr.args) == 1:
            var = self.infer(expr.args[0], scope)
            type_ = var.resolved
            if type_ is None:
                _unify(var, _known(LIST))
            elif type_ not in (LIST, NUMBER, ANY):
                self.error(
                    f"{expr.func}() works on numbers, not {type_.describe()}", expr.args[0].span
                )
        else:
            for arg in expr.args:
                self.expect(arg, scope, NUMBER)
        return _known(BUILTINS[expr.func].returns)

    # -- constant folding (exact) -------------------------------------------------------

    def fold(self, expr: Expr, env: dict[str, Any] | None = None) -> Any:
        """The exact value of a constant expression, or None if it depends on inputs/calls."""
        env = env or {}
        if isinstance(expr, Num):
            return Fraction(expr.value)
        if isinstance(expr, BoolLit):
            return expr.value
        if isinstance(expr, LabelRef):
            info = self.enums.get(expr.enum)
            return info.member(expr.member) if info else None
        if isinstance(expr, Name):
            if expr.id in env:
                return env[expr.id]
            const = self.consts.get(expr.id)
            return None if const is None else const.value
        if isinstance(expr, Unary):
            inner = self.fold(expr.operand, env)
            if inner is None:
                return None
            return (not inner) if expr.op == "not" else -inner
        if isinstance(expr, Binary):
            return self._fold_binary(expr, env)
        if isinstance(expr, If):
            cond = self.fold(expr.cond, env)
            if cond is None:
                return None
            return self.fold(expr.then if cond else expr.orelse, env)
        if isinstance(expr, Let):
            inner = dict(env)
            for name, value in expr.bindings:
                folded = self.fold(value, inner)
                if folded is None:
                    return None
                inner[name] = folded
            return self.fold(expr.body, inner)
        if isinstance(expr, ListExpr):
            items = [self.fold(item, env) for item in expr.items]
            return None if any(i is None for i in items) else tuple(items)
        if isinstance(expr, Call) and expr.func in BUILTINS and not expr.kwargs:
            args = [self.fold(arg, env) for arg in expr.args]
            if any(a is None for a in args):
                return None
            return BUILTINS[expr.func].exact(*args)
        return None

    def _fold_binary(self, expr: Binary, env: dict[str, Any]) -> Any:
        left = self.fold(expr.left, env)
        if left is None:
            return None
        if expr.op == "and" and left is False:
            return False
        if expr.op == "or" and left is True:
            return True
        right = self.fold(expr.right, env)
        if right is None:
            return None
        op = expr.op
        if op in ("and", "or"):
            return right
        if op == "/":
            if right == 0:
                raise EvaluationError("division by zero", expr.span, source=self.source)
            return left / right
        table: dict[str, Any] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "==": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        result = table[op](left, right)
        return check_size(result) if isinstance(result, Fraction) else result

    def fold_number(self, expr: Expr, what: str) -> Fraction | None:
        """Fold a bound that must be a constant number; report otherwise."""
        before = len(self.diags)
        self.expect(expr, {}, NUMBER)
        if len(self.diags) > before:
            return None
        try:
            value = self.fold(expr)
        except (EvaluationError, LimitError) as exc:
            self.error(f"{what}: {exc.message}", exc.span or expr.span)
            return None
        if not isinstance(value, Fraction):
            self.error(
                f"{what} must be a constant number (a literal, a percent or a const)",
                expr.span,
            )
            return None
        return value

    # -- type names ---------------------------------------------------------------------

    def param_type(self, param: Param) -> Type | None:
        if param.type is None:
            return None
        if param.type in _TYPE_NAMES:
            return _TYPE_NAMES[param.type]
        if param.type in self.enums:
            return label_type(param.type)
        self.error(
            f"unknown type '{param.type}' for parameter '{param.name}'",
            param.span,
            self.did_you_mean(param.type, [*_TYPE_NAMES, *self.enums])
            or "types are number, bool, list or the name of an enum",
        )
        return ANY


# --------------------------------------------------------------------------- formulas


def check_formula(
    expr: Expr,
    source: str,
    *,
    book: CheckedRulebook | None = None,
    inputs: Mapping[str, str] | None = None,
) -> CheckedFormula:
    """Check one formula; free names are its inputs (or must be among ``inputs`` if given).

    ``inputs`` maps input names to type names (``number``, ``bool``, ``list`` or an enum of
    ``book``). Raises :class:`~kinerja_engine.errors.CheckError` with every problem.

    >>> from kinerja_engine.language.parser import parse_formula
    >>> check_formula(parse_formula("targt * 2"), "targt * 2", inputs={"target": "number"})
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.CheckError: <formula>:1:1: error: unknown name 'targt'
      targt * 2
      ^^^^^
      hint: did you mean 'target'?
    """
    checker = _Checker(source, book)
    checker.inputs = {}
    if inputs is not None:
        checker.declared_inputs = True
        for name, type_name in inputs.items():
            declared = checker.param_type(Param(name, type_name))
            checker.inputs[name] = _Var(declared or NUMBER)
    result = checker.infer(expr, {})
    if checker.diags:
        raise CheckError(checker.diags, source=source)
    used = _free_names(expr)
    resolved = {
        name: checker.inputs[name].resolved or NUMBER for name in used if name in checker.inputs
    }
    return CheckedFormula(expr, source, resolved, result.resolved or NUMBER, book)


def _free_names(expr: Expr) -> list[str]:
    """Names a formula reads from outside, in order of first use (let-locals excluded)."""
    seen: dict[str, None] = {}

    def visit(node: Node, bound: frozenset[str]) -> None:
        if isinstance(node, Name):
            if node.id not in bound:
                seen.setdefault(node.id, None)
        elif isinstance(node, Let):
            inner = bound
            for name, value in node.bindings:
                visit(value, inner)
                inner = inner | {name}
            visit(node.body, inner)
        else:
            for child in node.children():
                visit(child, bound)

    visit(expr, frozenset())
    return list(seen)


# --------------------------------------------------------------------------- rulebooks


def check_rulebook(node: RulebookNode, source: str) -> CheckedRulebook:
    """Check a whole rulebook; definitions may use each other in any order.

    >>> from kinerja_engine.language.parser import parse_rulebook
    >>> text = 'rulebook "r"  def f(x) = g(x)  def g(y) = f(y)'
    >>> check_rulebook(parse_rulebook(text), text)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.CheckError: <formula>:1:15: error: recursive definition: f → g → f
      rulebook "r"  def f(x) = g(x)  def g(y) = f(y)
                    ^^^^^^^^^^^^^^^
      hint: a definition may not use itself, directly or through others
    """
    checker = _Checker(source)
    definitions = _collect(checker, node)
    for definition in definitions.values():
        if isinstance(definition, EnumDef):
            checker.enums[definition.name] = _check_enum(checker, definition)
    checker.defined = {n for n, d in definitions.items() if not isinstance(d, EnumDef)}
    order, cyclic = _order(checker, definitions)
    _call_depth(checker, definitions, order, cyclic)
    for name in order:
        if name in cyclic:
            continue
        definition = definitions[name]
        if isinstance(definition, ConstDef):
            _check_const(checker, definition)
        elif isinstance(definition, FuncDef):
            _check_func(checker, definition)
        elif isinstance(definition, BandDef):
            _check_band(checker, definition)
        elif isinstance(definition, MatrixDef):
            _check_matrix(checker, definition)
    if checker.diags:
        raise CheckError(checker.diags, source=source)
    return CheckedRulebook(
        node,
        source,
        dict(checker.enums),
        dict(checker.consts),
        dict(checker.funcs),
        tuple(n for n in order if n in checker.consts or n in checker.funcs),
    )


def _collect(checker: _Checker, node: RulebookNode) -> dict[str, Definition]:
    definitions: dict[str, Definition] = {}
    for definition in node.definitions:
        name = definition.name
        if name in definitions:
            first = definitions[name].span
            where = f" (first at line {first.line})" if first else ""
            checker.error(f"'{name}' is defined twice{where}", definition.span)
            continue
        if name in BUILTINS:
            checker.error(
                f"'{name}' is a builtin function and cannot be redefined",
                definition.span,
                "choose another name",
            )
            continue
        if name in _TYPE_NAMES:
            checker.error(f"'{name}' is a type name and cannot be defined", definition.span)
            continue
        definitions[name] = definition
    return definitions


def _check_enum(checker: _Checker, node: EnumDef) -> EnumInfo:
    members: list[Label] = []
    spellings: dict[str, str] = {}
    for member in node.members:
        if any(m.name == member.name for m in members):
            checker.error(f"'{member.name}' appears twice in enum {node.name}", member.span)
            continue
        members.append(Label(node.name, member.name, member.text or member.name))
        for spelling in (member.name, member.text, *member.aliases):
            if not spelling:
                continue
            key = spelling_key(spelling)
            other = spellings.get(key)
            if other is not None and other != member.name:
                checker.error(
                    f"the spelling {spelling!r} would name both {other} and {member.name}",
                    member.span,
                    "each spelling must identify one member",
                )
            spellings[key] = member.name
    return EnumInfo(node.name, tuple(members), spellings)


def _references(definition: Definition) -> set[str]:
    """Names a definition refers to, outside its own parameters and let-locals."""
    found: set[str] = set()

    def visit(node: Node, bound: frozenset[str]) -> None:
        if isinstance(node, Name) and node.id not in bound:
            found.add(node.id)
        elif isinstance(node, Call):
            found.add(node.func)
        if isinstance(node, Let):
            inner = bound
            for name, value in node.bindings:
                visit(value, inner)
                inner = inner | {name}
            visit(node.body, inner)
            return
        for child in node.children():
            visit(child, bound)

    params: frozenset[str] = frozenset()
    if isinstance(definition, FuncDef | MatrixDef):
        params = frozenset(p.name for p in definition.params)
    elif isinstance(definition, BandDef):
        params = frozenset({definition.param.name})
    for child in definition.children():
        visit(child, params)
    return found


def _order(checker: _Checker, definitions: dict[str, Definition]) -> tuple[list[str], set[str]]:
    """Callees before callers (Tarjan's algorithm, iterative); report every cycle."""
    graph = {
        name: sorted(r for r in _references(d) if r in definitions and r != "")
        for name, d in definitions.items()
        if not isinstance(d, EnumDef)
    }
    graph = {name: [r for r in refs if r in graph] for name, refs in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    order: list[str] = []
    cyclic: set[str] = set()
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            name, i = work.pop()
            if i == 0:
                index[name] = low[name] = counter
                counter += 1
                stack.append(name)
                on_stack.add(name)
            refs = graph[name]
            if i < len(refs):
                work.append((name, i + 1))
                ref = refs[i]
                if ref not in index:
                    work.append((ref, 0))
                elif ref in on_stack:
                    low[name] = min(low[name], index[ref])
                continue
            if low[name] == index[name]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == name:
                        break
                if len(component) > 1 or name in graph[name]:
                    _report_cycle(checker, definitions, graph, component)
                    cyclic.update(component)
                order.extend(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
    return order, cyclic


def _start(node: Node) -> int:
    return node.span.start if node.span is not None else 0


#: Deepest chain of definitions using one another (f uses g uses h …). Each link is a Python
#: call at evaluation time, so the chain is bounded well below the interpreter's recursion limit.
MAX_CALL_DEPTH: Final = 200


def _call_depth(
    checker: _Checker, definitions: dict[str, Definition], order: list[str], cyclic: set[str]
) -> None:
    depth: dict[str, int] = {}
    for name in order:  # callees come first
        if name in cyclic:
            continue
        refs = [r for r in _references(definitions[name]) if r in depth]
        deepest = max((depth[r] for r in refs), default=0)
        # Constants are computed once, when the rulebook is compiled: a chain of constants
        # adds no calls at evaluation; only functions, bands and matrices do.
        depth[name] = 0 if isinstance(definitions[name], ConstDef) else 1 + deepest
        if depth[name] == MAX_CALL_DEPTH + 1:
            checker.error(
                f"'{name}' sits on a chain of more than {MAX_CALL_DEPTH} definitions using "
                "one another",
                definitions[name].span,
                "flatten the chain; rules this deep cannot be read or checked by people",
            )


def _report_cycle(
    checker: _Checker,
    definitions: dict[str, Definition],
    graph: dict[str, list[str]],
    component: list[str],
) -> None:
    members = set(component)
    first = min(component, key=lambda n: _start(definitions[n]))
    path = [first]
    current = first
    while True:
        nxt = next(r for r in graph[current] if r in members)
        path.append(nxt)
        if nxt == first or len(path) > len(members) + 1:
            break
        current = nxt
    checker.error(
        f"recursive definition: {' → '.join(path)}",
        definitions[first].span,
        "a definition may not use itself, directly or through others",
    )


def _check_const(checker: _Checker, node: ConstDef) -> None:
    before = len(checker.diags)
    var = checker.infer(node.expr, {})
    type_ = var.resolved or NUMBER
    value = None
    # Folding is only meaningful on a well-typed expression.
    if len(checker.diags) == before:
        try:
            value = checker.fold(node.expr)
        except (EvaluationError, LimitError) as exc:
            checker.error(f"constant '{node.name}': {exc.message}", exc.span or node.span)
    checker.consts[node.name] = ConstInfo(node.name, type_, node, value)


def _scope_for(checker: _Checker, params: tuple[Param, ...]) -> dict[str, _Var]:
    scope: dict[str, _Var] = {}
    for param in params:
        if param.name in scope:
            checker.error(f"parameter '{param.name}' is listed twice", param.span)
        scope[param.name] = _Var(checker.param_type(param))
    return scope


def _check_func(checker: _Checker, node: FuncDef) -> None:
    scope = _scope_for(checker, node.params)
    result = checker.infer(node.body, scope)
    checker.funcs[node.name] = FuncInfo(
        node.name,
        tuple(p.name for p in node.params),
        tuple(scope[p.name].resolved or NUMBER for p in node.params),
        result.resolved or NUMBER,
        node,
    )


def _interval(
    checker: _Checker, interval: Interval, what: str
) -> tuple[Fraction | None, bool, Fraction | None, bool] | None:
    lo = None if interval.lo is None else checker.fold_number(interval.lo, f"{what} lower bound")
    hi = None if interval.hi is None else checker.fold_number(interval.hi, f"{what} upper bound")
    if (interval.lo is not None and lo is None) or (interval.hi is not None and hi is None):
        return None
    if interval.lo is None and interval.lo_closed:
        checker.error("-inf cannot be included; write '(' before it", interval.span)
        return None
    if interval.hi is None and interval.hi_closed:
        checker.error("inf cannot be included; write ')' after it", interval.span)
        return None
    if (
        lo is not None
        and hi is not None
        and (lo > hi or (lo == hi and not (interval.lo_closed and interval.hi_closed)))
    ):
        checker.error(f"the interval {_show(interval, lo, hi)} is empty", interval.span)
        return None
    return lo, interval.lo_closed, hi, interval.hi_closed


def _show(interval: Interval | None, lo: Fraction | None, hi: Fraction | None,
          lo_closed: bool = False, hi_closed: bool = False) -> str:  # fmt: skip
    if interval is not None:
        lo_closed, hi_closed = interval.lo_closed, interval.hi_closed
    return format_interval(lo, lo_closed, hi, hi_closed)


def _lo_key(lo: Fraction | None, closed: bool) -> tuple[int, Fraction, int]:
    # Sort key of a lower bound: -inf first; at equal value a closed bound starts earlier.
    if lo is None:
        return (0, Fraction(0), 0)
    return (1, lo, 0 if closed else 1)


def _check_band(checker: _Checker, node: BandDef) -> None:
    param_type = checker.param_type(node.param)
    if param_type not in (None, NUMBER, ANY):
        checker.error(
            f"a band table ranges over a number; '{node.param.name}' is declared {param_type}",
            node.param.span,
        )
    domain: tuple[Fraction | None, bool, Fraction | None, bool] | None = (None, False, None, False)
    if node.domain is not None:
        domain = _interval(checker, node.domain, "domain")
    rows: list[tuple[Fraction | None, bool, Fraction | None, bool, int]] = []
    for i, row in enumerate(node.rows):
        parsed = _interval(checker, row.interval, "row")
        if parsed is not None:
            rows.append((*parsed, i))
    scope = {node.param.name: _known(NUMBER)}
    result = _Var()
    for row in node.rows:
        var = checker.infer(row.expr, scope)
        if not _unify(result, var):
            checker.error(
                "every row of a band table must give the same kind of value: "
                f"this row gives {(var.resolved or ANY).describe()}, earlier rows give "
                f"{(result.resolved or ANY).describe()}",
                row.expr.span,
            )
    rows.sort(key=lambda r: _lo_key(r[0], r[1]))
    if domain is not None and len(rows) == len(node.rows):
        _coverage(checker, node, domain, rows)
    checker.funcs[node.name] = BandInfo(
        node.name,
        (node.param.name,),
        (NUMBER,),
        result.resolved or NUMBER,
        node,
        domain=domain or (None, False, None, False),
        rows=tuple(rows),
    )


Cut = tuple[int, Fraction, int]


def _start_cut(lo: Fraction | None, closed: bool) -> Cut:
    # A "cut" is a point between numbers: (rank, value, side); side 0 is just before the value,
    # 1 just after it. Rank 0 is -inf and 2 is +inf, so plain tuple order is the number line.
    return (0, Fraction(0), 0) if lo is None else (1, lo, 0 if closed else 1)


def _end_cut(hi: Fraction | None, closed: bool) -> Cut:
    return (2, Fraction(0), 0) if hi is None else (1, hi, 1 if closed else 0)


def _show_cuts(start: Cut, end: Cut) -> str:
    lo = None if start[0] != 1 else start[1]
    hi = None if end[0] != 1 else end[1]
    if lo is not None and lo == hi:
        return f"{{{format_number(lo)}}} (that single value)"
    return _show(None, lo, hi, start[2] == 0 and lo is not None, end[2] == 1 and hi is not None)


def _coverage(
    checker: _Checker,
    node: BandDef,
    domain: tuple[Fraction | None, bool, Fraction | None, bool],
    rows: list[tuple[Fraction | None, bool, Fraction | None, bool, int]],
) -> None:
    """Prove that the rows cover the domain exactly once, reporting each gap and overlap.

    Each interval becomes a pair of cuts [start, end); with rows sorted by start, the domain is
    covered exactly once iff every row starts where the covered part ends.
    """
    d_start, d_end = _start_cut(domain[0], domain[1]), _end_cut(domain[2], domain[3])
    domain_text = _show_cuts(d_start, d_end)
    front = d_start
    previous = None
    for lo, lo_closed, hi, hi_closed, index in rows:
        interval = node.rows[index].interval
        start, end = _start_cut(lo, lo_closed), _end_cut(hi, hi_closed)
        text = _show(interval, lo, hi)
        if start < d_start or end > d_end:
            checker.error(
                f"row {text} of band table '{node.name}' reaches outside its domain {domain_text}",
                interval.span,
                "declare the domain with 'in', e.g. band b(x in [0, 120])",
            )
        elif start > front:
            checker.error(
                f"gap in band table '{node.name}': values in {_show_cuts(front, start)} "
                "are not covered",
                interval.span,
                "make each row start exactly where the previous one ends",
            )
        elif start < front:
            checker.error(
                f"overlap in band table '{node.name}': rows {previous} and {text} "
                "both contain some values",
                interval.span,
                "use half-open intervals such as [76, 91) and [91, inf)",
            )
        front = max(front, end)
        previous = text
    if front < d_end:
        checker.error(
            f"gap in band table '{node.name}': values in {_show_cuts(front, d_end)} "
            "are not covered",
            node.span,
            "end the last row where the domain ends (or at inf)",
        )


def _check_matrix(checker: _Checker, node: MatrixDef) -> None:
    enums: list[EnumInfo | None] = []
    for param in node.params:
        type_ = checker.param_type(param)
        if type_ is None or type_.kind != "label":
            if type_ is None:
                checker.error(
                    f"parameter '{param.name}' of matrix '{node.name}' needs an enum type",
                    param.span,
                    f"write it as {param.name}: <enum name>",
                )
            elif type_ != ANY:
                checker.error(
                    f"matrix parameters must be enums; '{param.name}' is {type_}", param.span
                )
            enums.append(None)
        else:
            enums.append(checker.enums[type_.enum])  # type: ignore[index]
    scope = {
        p.name: _known(label_type(e.name) if e else ANY)
        for p, e in zip(node.params, enums, strict=True)
    }
    result = _Var()
    rows_ok = True
    for row in node.rows:
        if len(row.keys) != len(node.params):
            checker.error(
                f"this row has {len(row.keys)} keys; matrix '{node.name}' has "
                f"{len(node.params)} parameters",
                row.span,
            )
            rows_ok = False
            continue
        for key, enum, key_span in itertools.zip_longest(row.keys, enums, row.key_spans):
            if key is None or enum is None:
                continue
            if enum.member(key) is None:
                names = [m.name for m in enum.members]
                checker.error(
                    f"'{key}' is not a member of {enum.name}",
                    key_span or row.span,
                    checker.did_you_mean(key, names) or f"members: {', '.join(names)}",
                )
                rows_ok = False
        var = checker.infer(row.expr, scope)
        if not _unify(result, var):
            checker.error(
                "every cell of a matrix must give the same kind of value: this one gives "
                f"{(var.resolved or ANY).describe()}",
                row.expr.span,
            )
    table: dict[tuple[Label, ...], int] = {}
    if rows_ok and all(e is not None for e in enums):
        table = _matrix_table(checker, node, [e for e in enums if e is not None])
    checker.funcs[node.name] = MatrixInfo(
        node.name,
        tuple(p.name for p in node.params),
        tuple(label_type(e.name) if e else ANY for e in enums),
        result.resolved or NUMBER,
        node,
        table=table,
    )


def _matrix_table(
    checker: _Checker, node: MatrixDef, enums: list[EnumInfo]
) -> dict[tuple[Label, ...], int]:
    size = 1
    for enum in enums:
        size *= len(enum.members)
    if size > MAX_MATRIX_CELLS:
        checker.error(
            f"matrix '{node.name}' has {size:,} combinations; the limit is {MAX_MATRIX_CELLS:,}",
            node.span,
        )
        return {}
    table: dict[tuple[Label, ...], int] = {}
    missing: list[str] = []
    for combo in itertools.product(*(e.members for e in enums)):
        matches = [
            i
            for i, row in enumerate(node.rows)
            if all(k is None or k == label.name for k, label in zip(row.keys, combo, strict=True))
        ]
        names = ", ".join(label.name for label in combo)
        if not matches:
            missing.append(f"({names})")
        elif len(matches) > 1:
            lines = " and ".join(
                "(" + ", ".join(k or "_" for k in node.rows[i].keys) + ")" for i in matches
            )
            checker.error(
                f"matrix '{node.name}' is ambiguous: ({names}) is matched by rows {lines}",
                node.rows[matches[1]].span,
                "each combination must be matched by exactly one row",
            )
        else:
            table[combo] = matches[0]
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        checker.error(
            f"matrix '{node.name}' is incomplete: no row for {shown}",
            node.span,
            "add the missing rows, or a row with '_' as a wildcard",
        )
    return table
