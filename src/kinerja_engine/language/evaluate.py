"""The one exact evaluator: the value of an expression over exact numbers, when it is known.

Input: an expression (:mod:`.nodes`), a :class:`Policy`, and how to look up what the
expression does not define itself (constants of a rulebook, enumeration members). Output: the
exact value (``Fraction``, ``bool``, :class:`~kinerja_engine.values.Label` or a tuple of
``Fraction``), or ``None`` when it depends on something unknown (an input, a parameter, a call
of a rulebook function). Guarantees: operators and builtins are applied exactly as the
compiler's exact path applies them (both read :data:`~.operators.OPS` and
:data:`~.builtins.BUILTINS`), so a folded value is the value the program would compute;
``and``/``or`` short-circuit and ``if`` folds only the branch taken, as at run time.

It is used by the checker (constants, band bounds, ``round`` places), by the compiler (constant
folding) and by the monotonicity analysis (constant sub-expressions). Their needs differ only in
the :class:`Policy`:

* ``report_errors``: a division by zero or a failing builtin (``mean([])``) raises
  :class:`~kinerja_engine.errors.EvaluationError` (the checker reports it against a constant),
  or leaves the expression unfolded (the compiler: it then fails at run time, naming its
  sub-expression, and only if that branch is taken);
* ``report_limits``: a number too large (:func:`~kinerja_engine.values.check_size`) raises
  :class:`~kinerja_engine.errors.LimitError`, or leaves it unfolded (monotonicity analysis,
  which must never fail);
* ``fold_let``: fold ``let`` (every caller does; the compiler used not to, which made it fold
  less than the checker).

>>> from kinerja_engine.language.parser import parse_formula
>>> fold(parse_formula("let a = 1 / 3 in a * 3 + max(2, 5)"))
Fraction(6, 1)
>>> fold(parse_formula("x / 0"), policy=CHECK) is None
True
>>> fold(parse_formula("if true then 1 / 0 else 2"), policy=COMPILE) is None
True
>>> try:
...     fold(parse_formula("if true then 1 / 0 else 2"), policy=CHECK)
... except EvaluationError as exc:
...     print(exc.message, exc.span.column)
division by zero 14
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from ..errors import EvaluationError, KinerjaError, LimitError, Span
from .builtins import BUILTINS, Builtin
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
    Unary,
)
from .operators import OPS, PREFIX_OPS, Operator

__all__ = [
    "CHECK",
    "COMPILE",
    "MONOTONE",
    "Evaluator",
    "Policy",
    "apply_builtin",
    "apply_operator",
    "fold",
    "ordered_args",
]


@dataclass(frozen=True, slots=True)
class Policy:
    """What folding does where the callers' needs differ (see the module docstring)."""

    report_errors: bool
    report_limits: bool = True
    fold_let: bool = True


#: The checker: errors in constants are diagnostics.
CHECK: Final = Policy(report_errors=True)
#: The compiler: what fails is left to fail at run time, where it names its sub-expression.
COMPILE: Final = Policy(report_errors=False)
#: The monotonicity analysis: never raises; whatever fails is "not known".
MONOTONE: Final = Policy(report_errors=False, report_limits=False)


def _no_constant(name: str) -> Any:
    return None


def _no_label(enum: str, member: str) -> Any:
    return None


def apply_operator(
    op: Operator,
    values: Sequence[Any],
    policy: Policy,
    span: Span | None = None,
    source: str = "",
) -> Any:
    """``op`` applied to exact ``values`` under ``policy`` (``None``: left unfolded).

    >>> apply_operator(OPS["/"], (Fraction(1), Fraction(0)), COMPILE) is None
    True
    """
    try:
        return op.exact(*values)
    except ZeroDivisionError:
        if policy.report_errors:
            raise EvaluationError("division by zero", span, source=source) from None
        return None
    except LimitError:
        if policy.report_limits:
            raise
        return None


def apply_builtin(builtin: Builtin, args: Sequence[Any], policy: Policy) -> Any:
    """``builtin`` applied to exact positional ``args`` under ``policy`` (``None``: unfolded).

    >>> apply_builtin(BUILTINS["mean"], [()], MONOTONE) is None
    True
    """
    try:
        return builtin.exact(*args)
    except LimitError:
        if policy.report_limits:
            raise
        return None
    except (KinerjaError, ArithmeticError):
        if policy.report_errors:
            raise
        return None


def ordered_args(call: Call, params: Sequence[str]) -> list[Expr] | None:
    """The arguments of ``call`` in parameter order (keywords placed), or None if they do not fit.

    >>> from kinerja_engine.language.parser import parse_formula
    >>> call = parse_formula("clamp(hi = 3, x = 1, lo = 2)")
    >>> [a.value for a in ordered_args(call, ["x", "lo", "hi"])]
    [Decimal('1'), Decimal('2'), Decimal('3')]
    """
    if not params:
        return None if call.kwargs else list(call.args)
    bound = dict(zip(params, call.args, strict=False))
    bound.update(dict(call.kwargs))
    if len(bound) != len(params) or any(p not in bound for p in params):
        return None
    return [bound[p] for p in params]


class Evaluator:
    """Folds expressions under one policy and one context (constants, labels, source).

    ``constant(name)`` gives the exact value of a free name (``None``: not a known constant);
    ``label(enum, member)`` the member ``enum.member``. ``memo``, if given, keeps the value of
    every node folded outside a ``let`` body, by node identity: a compiler asks for the value of
    each node it visits, and the memo keeps that linear.
    """

    __slots__ = ("constant", "label", "memo", "policy", "source")

    def __init__(
        self,
        policy: Policy = CHECK,
        *,
        constant: Callable[[str], Any] = _no_constant,
        label: Callable[[str, str], Any] = _no_label,
        source: str = "",
        memo: dict[int, tuple[Expr, Any]] | None = None,
    ) -> None:
        self.policy = policy
        self.constant = constant
        self.label = label
        self.source = source
        self.memo = memo

    def fold(self, expr: Expr, bound: Container[str] = ()) -> Any:
        """The exact value of ``expr``, or None; names in ``bound`` are unknown (inputs)."""
        return self._fold(expr, {}, bound)

    def _fold(self, e: Expr, env: dict[str, Any], bound: Container[str]) -> Any:
        memo = self.memo if not env else None
        if memo is not None:
            # Keyed by id, holding the node itself: the id cannot be reused by another node
            # while its entry lives, and a stale entry (its node gone) is never matched.
            hit = memo.get(id(e))
            if hit is not None and hit[0] is e:
                return hit[1]
        value = self._value(e, env, bound)
        if memo is not None:
            memo[id(e)] = (e, value)
        return value

    def _value(self, e: Expr, env: dict[str, Any], bound: Container[str]) -> Any:
        if isinstance(e, Num):
            return Fraction(e.value)
        if isinstance(e, BoolLit):
            return e.value
        if isinstance(e, Name):
            if e.id in env:
                return env[e.id]
            return None if e.id in bound else self.constant(e.id)
        if isinstance(e, LabelRef):
            return self.label(e.enum, e.member)
        if isinstance(e, Unary):
            inner = self._fold(e.operand, env, bound)
            if inner is None:
                return None
            return apply_operator(PREFIX_OPS[e.op], (inner,), self.policy, e.span, self.source)
        if isinstance(e, Binary):
            return self._binary(e, env, bound)
        if isinstance(e, If):
            cond = self._fold(e.cond, env, bound)
            if cond is None:
                return None
            return self._fold(e.then if cond else e.orelse, env, bound)
        if isinstance(e, Let):
            return self._let(e, env, bound)
        if isinstance(e, ListExpr):
            items = [self._fold(item, env, bound) for item in e.items]
            return None if any(i is None for i in items) else tuple(items)
        if isinstance(e, Call):
            return self._call(e, env, bound)
        return None  # pragma: no cover - every expression node is handled above

    def _binary(self, e: Binary, env: dict[str, Any], bound: Container[str]) -> Any:
        op = OPS[e.op]
        left = self._fold(e.left, env, bound)
        if left is None:
            return None
        if op.shortcut is not None and left is op.shortcut:
            return left
        right = self._fold(e.right, env, bound)
        if right is None:
            return None
        return apply_operator(op, (left, right), self.policy, e.span, self.source)

    def _let(self, e: Let, env: dict[str, Any], bound: Container[str]) -> Any:
        if not self.policy.fold_let:
            return None
        inner = dict(env)
        for name, value in e.bindings:
            folded = self._fold(value, inner, bound)
            if folded is None:
                return None
            inner[name] = folded
        return self._fold(e.body, inner, bound)

    def _call(self, e: Call, env: dict[str, Any], bound: Container[str]) -> Any:
        builtin = BUILTINS.get(e.func)
        if builtin is None:
            return None  # a rulebook function: its value is known only at run time
        ordered = ordered_args(e, [p for p, _ in builtin.params])
        if ordered is None:
            return None
        args = [self._fold(a, env, bound) for a in ordered]
        if any(a is None for a in args):
            return None
        return apply_builtin(builtin, args, self.policy)


def fold(
    expr: Expr,
    *,
    policy: Policy = CHECK,
    constant: Callable[[str], Any] = _no_constant,
    label: Callable[[str, str], Any] = _no_label,
    source: str = "",
) -> Any:
    """The exact value of ``expr`` (free names looked up with ``constant``), or None.

    >>> from kinerja_engine.language.parser import parse_formula
    >>> fold(parse_formula("round(target * 2 / 3, 2)"), constant={"target": Fraction(5)}.get)
    Fraction(333, 100)
    """
    return Evaluator(policy, constant=constant, label=label, source=source).fold(expr)
