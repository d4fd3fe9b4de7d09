"""Monotonicity analysis: in which direction does an expression move with one input?

Input: a checked rulebook and an expression of it, with each input either an exact constant or a
symbol with a known direction. Output: +1 (nondecreasing), -1 (nonincreasing), 0 (constant) or
``None`` (not proven). Anything it cannot prove is ``None``, never a guess; feedback uses it to
know whether raising a realisasi can only help.

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

from ..errors import KinerjaError
from .builtins import BUILTINS
from .checker import CheckedRulebook
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

__all__ = ["UNKNOWN", "Monotone", "Sym", "apply_op", "combine"]

UNKNOWN = None  # monotonicity that cannot be proven


class Sym:
    """Abstract value: an exact constant, or a function of r with a proven direction."""

    __slots__ = ("const", "sign")

    def __init__(self, const: Any = None, sign: int | None = 0) -> None:
        self.const = const  # the exact value when it does not depend on r
        self.sign = sign  # +1 nondecreasing, -1 nonincreasing, 0 constant, None unknown


def combine(*signs: int | None) -> int | None:
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


class Monotone:
    """Proves the direction in which an expression moves with one input (realisasi).

    Works on the rulebook's checked AST with every other input known exactly: branches whose
    condition is known are followed, rulebook functions are analysed through their bodies.
    Anything it cannot prove is ``None`` ("not proven monotone"), never a guess.
    """

    def __init__(self, checked: CheckedRulebook) -> None:
        self.checked = checked

    def value(self, e: Expr, env: dict[str, Sym]) -> Sym:
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
            inner = self.value(e.operand, env)
            if inner.sign == 0:
                return Sym((not inner.const) if e.op == "not" else -inner.const)
            return Sym(None, None if e.op == "not" or inner.sign is None else -inner.sign)
        if isinstance(e, Binary):
            return self._binary(e, env)
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

    def _binary(self, e: Binary, env: dict[str, Sym]) -> Sym:
        a, b = self.value(e.left, env), self.value(e.right, env)
        if a.sign == 0 and b.sign == 0 and a.const is not None and b.const is not None:
            try:
                return Sym(apply_op(e.op, a.const, b.const))
            except ZeroDivisionError:
                return Sym(None, UNKNOWN)
        if e.op == "+":
            return Sym(None, combine(a.sign, b.sign))
        if e.op == "-":
            return Sym(None, combine(a.sign, None if b.sign is None else -b.sign))
        if e.op in ("*", "/"):
            # Only scaling by a known constant keeps a proven direction.
            if b.sign == 0 and isinstance(b.const, Fraction) and b.const != 0:
                factor = 1 if b.const > 0 else -1
                return Sym(None, None if a.sign is None else a.sign * factor)
            if e.op == "*" and a.sign == 0 and isinstance(a.const, Fraction):
                factor = 1 if a.const > 0 else -1 if a.const < 0 else 0
                return Sym(None, None if b.sign is None else b.sign * factor)
        return Sym(None, UNKNOWN)

    def _call(self, e: Call, env: dict[str, Sym]) -> Sym:
        builtin = BUILTINS.get(e.func)
        args = [self.value(a, env) for a in e.args]
        if builtin is not None:
            if e.kwargs:
                return Sym(None, UNKNOWN)
            if all(a.sign == 0 and a.const is not None for a in args):
                try:
                    return Sym(builtin.exact(*(a.const for a in args)))
                except (KinerjaError, ArithmeticError):
                    return Sym(None, UNKNOWN)
            if e.func in ("min", "max", "cap", "at_least", "clamp", "round"):
                considered = args[:1] if e.func == "round" else args
                return Sym(None, combine(*(a.sign for a in considered)))
            return Sym(None, UNKNOWN)
        info = self.checked.funcs.get(e.func)
        if info is None or not isinstance(info.node, FuncDef):
            return Sym(None, UNKNOWN)
        bound = dict(zip(info.params, args, strict=False))
        bound.update({k: self.value(v, env) for k, v in e.kwargs})
        return self.value(info.node.body, bound)


def apply_op(op: str, a: Any, b: Any) -> Any:
    table = {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
        "==": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b, "<=": lambda: a <= b,
        ">": lambda: a > b, ">=": lambda: a >= b,
        "and": lambda: a and b, "or": lambda: a or b,
    }  # fmt: skip
    return table[op]()
