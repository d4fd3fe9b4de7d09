"""Monotonicity analysis: in which direction does an expression move with one input?

Input: a checked rulebook and an expression of it, with each input either an exact constant or a
symbol with a known direction. Output: +1 (nondecreasing), -1 (nonincreasing), 0 (constant) or
``None`` (not proven). Guarantees: anything it cannot prove is ``None``, never a guess, and it
never raises; feedback uses it to know whether raising a realisasi can only help.

>>> from fractions import Fraction
>>> from kinerja_engine import Rulebook
>>> book = Rulebook.parse('''rulebook "m" version "1"
... def c(r, t) = min(r / t, 1.2) * 100''')
>>> info = book.checked.funcs["c"]
>>> Monotone(book.checked).value(info.node.body, {"r": Sym(None, 1), "t": Sym(Fraction(50))}).sign
1
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .builtins import BUILTINS
from .checked import CheckedRulebook
from .evaluate import MONOTONE, apply_builtin, apply_operator
from .nodes import (
    Binary,
    BoolLit,
    Call,
    Expr,
    FuncDef,
    If,
    LabelRef,
    Let,
    ListExpr,
    Name,
    Num,
    Unary,
)
from .operators import OPS, PREFIX_OPS, SCALED

__all__ = ["UNKNOWN", "Monotone", "Sym", "combine"]

UNKNOWN = None  # monotonicity that cannot be proven


class Sym:
    """Abstract value: an exact constant, or a function of r with a proven direction."""

    __slots__ = ("const", "sign")

    def __init__(self, const: Any = None, sign: int | None = 0) -> None:
        self.const = const  # the exact value when it does not depend on r
        self.sign = sign  # +1 nondecreasing, -1 nonincreasing, 0 constant, None unknown

    @property
    def known(self) -> bool:
        """Whether this is a constant with a known exact value."""
        return self.sign == 0 and self.const is not None


def combine(*signs: int | None) -> int | None:
    """The direction of a sum of terms moving in ``signs`` (None if they disagree or unknown).

    >>> combine(1, 0, 1), combine(1, -1), combine(-1, None)
    (1, None, None)
    """
    result = 0
    for s in signs:
        if s is None:
            return None
        if s == 0:
            continue
        if result == 0:
            result = s
        elif result != s:
            return None
    return result


def _sign(value: Fraction) -> int:
    return (value > 0) - (value < 0)


def _direction(arg: Sym, rule: int | None, other: Sym | None) -> int | None:
    """How the result moves through one operand: ``rule`` is its entry in a monotone column."""
    if arg.sign == 0 or rule == 0:
        return 0  # a constant operand moves nothing
    if arg.sign is None or rule is None:
        return None
    if rule == SCALED:
        # Scaling keeps a direction only by a known nonzero constant (x * 0 is not proven).
        if other is None or not other.known or not isinstance(other.const, Fraction):
            return None
        factor = _sign(other.const)
        return None if factor == 0 else arg.sign * factor
    return arg.sign * rule


class Monotone:
    """Proves the direction in which an expression moves with one input (realisasi).

    Works on the rulebook's checked AST with every other input known exactly: branches whose
    condition is known are followed, rulebook functions are analysed through their bodies.
    Constant parts are folded by the one exact evaluator (:mod:`.evaluate`, policy
    ``MONOTONE``: never raises); the directions come from the ``monotone`` columns of the
    operator and builtin tables. Anything it cannot prove is ``None`` ("not proven
    monotone"), never a guess.
    """

    def __init__(self, checked: CheckedRulebook) -> None:
        self.checked = checked

    def value(self, e: Expr, env: dict[str, Sym]) -> Sym:
        """The abstract value of ``e`` when the names in ``env`` have the given values."""
        if isinstance(e, Num):
            return Sym(Fraction(e.value))
        if isinstance(e, BoolLit):
            return Sym(e.value)
        if isinstance(e, LabelRef):
            return Sym(self.checked.enums[e.enum].member(e.member))
        if isinstance(e, Name):
            if e.id in env:
                return env[e.id]
            const = self.checked.consts.get(e.id)
            if const is not None and const.value is not None:
                return Sym(const.value)
            return Sym(None, UNKNOWN)
        if isinstance(e, Unary):
            return self._operator(PREFIX_OPS[e.op], (self.value(e.operand, env),))
        if isinstance(e, Binary):
            return self._operator(OPS[e.op], (self.value(e.left, env), self.value(e.right, env)))
        if isinstance(e, If):
            cond = self.value(e.cond, env)
            if cond.sign == 0 and isinstance(cond.const, bool):
                return self.value(e.then if cond.const else e.orelse, env)
            return Sym(None, UNKNOWN)
        if isinstance(e, Let):
            scope = dict(env)
            for name, bound in e.bindings:
                scope[name] = self.value(bound, scope)
            return self.value(e.body, scope)
        if isinstance(e, Call):
            return self._call(e, env)
        if isinstance(e, ListExpr):
            return Sym(None, UNKNOWN)
        return Sym(None, UNKNOWN)

    def _operator(self, op: Any, args: tuple[Sym, ...]) -> Sym:
        if all(a.known for a in args):
            value = apply_operator(op, tuple(a.const for a in args), MONOTONE)
            return Sym(None, UNKNOWN) if value is None else Sym(value)
        others: tuple[Sym | None, ...] = (None,) if len(args) == 1 else (args[1], args[0])
        return Sym(
            None,
            combine(
                *(
                    _direction(arg, rule, other)
                    for arg, rule, other in zip(args, op.monotone, others, strict=True)
                )
            ),
        )

    def _call(self, e: Call, env: dict[str, Sym]) -> Sym:
        builtin = BUILTINS.get(e.func)
        args = [self.value(a, env) for a in e.args]
        if builtin is not None:
            if e.kwargs:
                return Sym(None, UNKNOWN)
            if all(a.known for a in args):
                value = apply_builtin(builtin, [a.const for a in args], MONOTONE)
                return Sym(None, UNKNOWN) if value is None else Sym(value)
            if not builtin.monotone:
                return Sym(None, UNKNOWN)
            rules = builtin.monotone * len(args) if builtin.aggregate else builtin.monotone
            return Sym(
                None,
                combine(*(_direction(a, rule, None) for a, rule in zip(args, rules, strict=False))),
            )
        info = self.checked.funcs.get(e.func)
        if info is None or not isinstance(info.node, FuncDef):
            return Sym(None, UNKNOWN)
        bound = dict(zip(info.params, args, strict=False))
        bound.update({k: self.value(v, env) for k, v in e.kwargs})
        return self.value(info.node.body, bound)
