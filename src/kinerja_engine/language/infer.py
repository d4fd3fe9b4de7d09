"""Type inference of expressions: the half of the checker that reads one expression at a time.

Input: an expression, a scope of typed names, and the definitions checked so far (enums,
constants, functions). Output: the expression's type (a :class:`Var`, resolved by unification)
and diagnostics appended to :attr:`Inferrer.diags`; nothing is raised. Guarantees: every name
is resolved or reported (with a suggestion), operands have the types the operator table
declares (:data:`~.operators.OPS`), calls match their builtin's or definition's signature,
and constants are folded by the one exact evaluator (:mod:`.evaluate`) under the checker's
policy (a division by zero in a constant is a diagnostic).

>>> from kinerja_engine.language.parser import parse_formula
>>> inferrer = Inferrer("a < true")
>>> inferrer.inputs = {}
>>> inferrer.infer(parse_formula("a < true"), {}).resolved, [d.message for d in inferrer.diags]
(Type(kind='bool', enum=None), ['true and false have no order; use == or !='])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any, Final

from ..errors import Diagnostic, EvaluationError, LimitError, Span
from .builtins import ANY, BOOL, BUILTINS, LIST, NUMBER, Type, label_type
from .checked import CheckedRulebook, ConstInfo, EnumInfo, FuncInfo
from .evaluate import CHECK, Evaluator
from .nodes import (
    Binary,
    BoolLit,
    Call,
    Expr,
    If,
    LabelRef,
    Let,
    ListExpr,
    Name,
    Num,
    Param,
    Unary,
)
from .operators import OPS, PREFIX_OPS
from .suggest import NameIndex

__all__ = ["TYPE_NAMES", "Inferrer", "Var", "known", "unify"]

#: The names of the built-in types, as written in parameter declarations.
TYPE_NAMES: Final = {"number": NUMBER, "bool": BOOL, "list": LIST}

#: Most "did you mean" searches one text gets. Each search indexes every candidate in scope
#: (a :class:`~.suggest.NameIndex`); past this many mistakes the remaining ones are still
#: reported, without a hint, so a text with n misspellings costs n lookups, not n scans.
MAX_SUGGESTIONS: Final = 50


class Var:
    """A type being inferred; unification joins variables (union-find)."""

    __slots__ = ("parent", "type")

    def __init__(self, type_: Type | None = None) -> None:
        self.parent: Var | None = None
        self.type = type_

    def find(self) -> Var:
        root = self
        while root.parent is not None:
            root = root.parent
        return root

    @property
    def resolved(self) -> Type | None:
        return self.find().type


def unify(a: Var, b: Var) -> bool:
    ra, rb = a.find(), b.find()
    if ra is rb:
        return True
    if ra.type is None:
        ra.parent = rb
        return True
    if rb.type is None:
        rb.parent = ra
        return True
    if ra.type is rb.type:  # the same type object (most joins): equal without comparing
        return True
    if ANY in (ra.type, rb.type):
        return True
    return ra.type == rb.type


def known(type_: Type) -> Var:
    return Var(type_)


# --------------------------------------------------------------------------- the checker


#: The inference method of each node class, by class (filled as classes are met).
_INFER: dict[type, Callable[..., Var]] = {}


class Inferrer:
    def __init__(self, source: str, book: CheckedRulebook | None = None) -> None:
        self.source = source
        self.diags: list[Diagnostic] = []
        self.enums: dict[str, EnumInfo] = dict(book.enums) if book else {}
        self.consts: dict[str, ConstInfo] = dict(book.consts) if book else {}
        self.funcs: dict[str, FuncInfo] = dict(book.funcs) if book else {}
        # Names of definitions of the text being checked, including failed ones.
        self.defined: set[str] = set()
        # Formula mode: free names become inputs (None means free names are errors).
        self.inputs: dict[str, Var] | None = None
        self.declared_inputs: bool = False
        self.suggestions = 0

    # -- reporting ----------------------------------------------------------------------

    def error(self, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diags.append(Diagnostic(message, span, hint))

    def did_you_mean(self, name: str, candidates: Iterable[str]) -> str | None:
        """A suggestion for a misspelt ``name`` (bounded: see :data:`MAX_SUGGESTIONS`)."""
        if self.suggestions >= MAX_SUGGESTIONS:
            return None
        self.suggestions += 1
        # The package's one did-you-mean index; the candidates depend on the scope, so each
        # search builds its own (linear in them), which is what the budget above bounds.
        close = NameIndex(sorted(set(candidates))).closest(name, cutoff=0.6)
        return f"did you mean '{close}'?" if close else None

    # -- expressions --------------------------------------------------------------------

    def expect(self, expr: Expr, scope: dict[str, Var], want: Type) -> Var:
        var = self.infer(expr, scope)
        if not unify(var, known(want)):
            got = var.resolved or ANY
            self.error(f"expected {want.describe()}, but this is {got.describe()}", expr.span)
            return known(ANY)
        return var

    def infer(self, expr: Expr, scope: dict[str, Var]) -> Var:
        kind = type(expr)
        method = _INFER.get(kind)
        if method is None:  # each node class's method, found once per process
            method = _INFER[kind] = getattr(Inferrer, f"_infer_{kind.__name__}")
        result: Var = method(self, expr, scope)
        return result

    def _infer_Num(self, expr: Num, scope: dict[str, Var]) -> Var:
        return known(NUMBER)

    def _infer_BoolLit(self, expr: BoolLit, scope: dict[str, Var]) -> Var:
        return known(BOOL)

    def _infer_LabelRef(self, expr: LabelRef, scope: dict[str, Var]) -> Var:
        info = self.enums.get(expr.enum)
        if info is None:
            self.error(
                f"unknown enumeration '{expr.enum}'",
                expr.span,
                self.did_you_mean(expr.enum, self.enums),
            )
            return known(ANY)
        if info.member(expr.member) is None:
            names = [m.name for m in info.members]
            hint = self.did_you_mean(expr.member, names) or f"members: {', '.join(names)}"
            self.error(f"'{expr.member}' is not a member of {expr.enum}", expr.span, hint)
            return known(ANY)
        return known(label_type(expr.enum))

    def _infer_Name(self, expr: Name, scope: dict[str, Var]) -> Var:
        name = expr.id
        if name in scope:
            return scope[name]
        if name in self.consts:
            return known(self.consts[name].type)
        if name in self.funcs or name in BUILTINS:
            self.error(f"'{name}' is a function; call it with arguments, e.g. {name}(…)", expr.span)
            return known(ANY)
        if name in self.enums:
            first = self.enums[name].members[0].name
            self.error(
                f"'{name}' is an enumeration, not a value",
                expr.span,
                f"write one of its members, e.g. {name}.{first}",
            )
            return known(ANY)
        if name in self.defined:
            return known(ANY)  # a definition that failed its own check: reported there
        if self.inputs is not None and not self.declared_inputs:
            return self.inputs.setdefault(name, Var())
        if self.inputs is not None and name in self.inputs:
            return self.inputs[name]
        candidates = [*scope, *self.consts, *(self.inputs or {})]
        self.error(f"unknown name '{name}'", expr.span, self.did_you_mean(name, candidates))
        return known(ANY)

    def _infer_Unary(self, expr: Unary, scope: dict[str, Var]) -> Var:
        op = PREFIX_OPS[expr.op]
        assert op.operand is not None  # prefix operators take one fixed type
        self.expect(expr.operand, scope, op.operand)
        return known(op.result)

    def _infer_Binary(self, expr: Binary, scope: dict[str, Var]) -> Var:
        operator = OPS[expr.op]
        if operator.operand is not None:  # arithmetic and logical: both operands one type
            self.expect(expr.left, scope, operator.operand)
            self.expect(expr.right, scope, operator.operand)
            return known(operator.result)
        # Comparisons: two operands of one type; only numbers are ordered.
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        lt, rt = left.resolved, right.resolved
        if lt is not None and rt is not None and ANY not in (lt, rt) and lt != rt:
            hint = None
            if "label" in (lt.kind, rt.kind) and NUMBER in (lt, rt):
                hint = "labels and numbers are different kinds of value; compare like with like"
            self.error(f"cannot compare {lt.describe()} with {rt.describe()}", expr.span, hint)
            return known(operator.result)
        unify(left, right)
        joined = left.resolved
        if joined is not None and joined.kind == "list":
            self.error("lists cannot be compared; compare their sum, mean or count", expr.span)
        elif operator.needs_order:
            if joined is not None and joined.kind == "label":
                self.error(
                    f"labels of {joined.enum} have no order; use == or !=",
                    expr.span,
                )
            elif joined is not None and joined.kind == "bool":
                self.error("true and false have no order; use == or !=", expr.span)
            else:
                unify(left, known(NUMBER))
        return known(operator.result)

    def _infer_If(self, expr: If, scope: dict[str, Var]) -> Var:
        self.expect(expr.cond, scope, BOOL)
        then = self.infer(expr.then, scope)
        orelse = self.infer(expr.orelse, scope)
        if not unify(then, orelse):
            a, b = then.resolved or ANY, orelse.resolved or ANY
            self.error(
                "both branches of 'if' must give the same kind of value: "
                f"'then' gives {a.describe()}, 'else' gives {b.describe()}",
                expr.span,
            )
            return known(ANY)
        return then

    def _infer_Let(self, expr: Let, scope: dict[str, Var]) -> Var:
        inner = dict(scope)
        for name, value in expr.bindings:
            inner[name] = self.infer(value, inner)
        return self.infer(expr.body, inner)

    def _infer_ListExpr(self, expr: ListExpr, scope: dict[str, Var]) -> Var:
        for item in expr.items:
            self.expect(item, scope, NUMBER)
        return known(LIST)

    def _infer_Call(self, expr: Call, scope: dict[str, Var]) -> Var:
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
            return known(ANY)
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
            return known(ANY)
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
        return known(returns)

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

    def _aggregate(self, expr: Call, scope: dict[str, Var]) -> Var:
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
                unify(var, known(LIST))
            elif type_ not in (LIST, NUMBER, ANY):
                self.error(
                    f"{expr.func}() works on numbers, not {type_.describe()}", expr.args[0].span
                )
        else:
            for arg in expr.args:
                self.expect(arg, scope, NUMBER)
        return known(BUILTINS[expr.func].returns)

    # -- constant folding (exact) -------------------------------------------------------

    def fold(self, expr: Expr) -> Any:
        """The exact value of a constant expression, or None if it depends on inputs/calls.

        The one evaluator under the checker's policy: a division by zero or a failing builtin
        raises :class:`~kinerja_engine.errors.EvaluationError`, to be reported.
        """
        return Evaluator(
            CHECK, constant=self._constant, label=self._label, source=self.source
        ).fold(expr)

    def _constant(self, name: str) -> Any:
        const = self.consts.get(name)
        return None if const is None else const.value

    def _label(self, enum: str, member: str) -> Any:
        info = self.enums.get(enum)
        return info.member(member) if info else None

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
        if param.type in TYPE_NAMES:
            return TYPE_NAMES[param.type]
        if param.type in self.enums:
            return label_type(param.type)
        self.error(
            f"unknown type '{param.type}' for parameter '{param.name}'",
            param.span,
            self.did_you_mean(param.type, [*TYPE_NAMES, *self.enums])
            or "types are number, bool, list or the name of an enum",
        )
        return ANY
