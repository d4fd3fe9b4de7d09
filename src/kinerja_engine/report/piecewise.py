"""Monotonicity of a piecewise capaian: branches that compare the realisasi with a constant.

Input: a checked rulebook, an expression (a definition's body), its inputs as abstract values
(:class:`~kinerja_engine.language.monotone.Sym`) and the one symbol that stands for the
realisasi. Output: :func:`piecewise_sign`, +1 / -1 / 0 when the expression is proven to never
fall / never rise / stay constant as the realisasi grows, None when unproven. Guarantees: never a
guess. ``if realisasi < c then A else B`` (any of ``< <= > >=``, either side, ``c`` a known
constant) is proven when A and B are each proven over the whole line and the jump at ``c``,
B(c) − A(c), goes the same way; calls of rulebook functions whose arguments are constants or the
realisasi itself are followed into their bodies; everything else is left to
:class:`~kinerja_engine.language.monotone.Monotone`, which cannot follow a branch on the
realisasi. That is what a range target needs: inside it 100, each side its own formula.

>>> from fractions import Fraction
>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.language.monotone import Sym
>>> book = rulebooks.load("permenpanrb-6-2022")
>>> r = Sym(None, 1)
>>> env = {"realisasi": r, "lo": Sym(Fraction(80)), "hi": Sym(Fraction(90))}
>>> [piecewise_sign(book.checked, book.checked.funcs[name].node.body, env, r)
...  for name in ("capaian_range_higher", "capaian_range_lower", "capaian_tolerance")]
[1, -1, None]
"""

from __future__ import annotations

from fractions import Fraction

from ..language.checker import CheckedRulebook
from ..language.monotone import Monotone, Sym, combine
from ..language.nodes import Binary, Call, Expr, FuncDef, If, Name

__all__ = ["piecewise_sign"]

#: How deep calls and branches are followed (a rulebook's capaian is a few levels deep).
_MAX_DEPTH = 32


def piecewise_sign(checked: CheckedRulebook, e: Expr, env: dict[str, Sym], r: Sym) -> int | None:
    """+1 / -1 / 0 when ``e`` is proven monotone in the symbol ``r``; None when unproven."""
    return _Prover(checked, r).sign(e, env, 0)


class _Prover:
    __slots__ = ("analyser", "checked", "r")

    def __init__(self, checked: CheckedRulebook, r: Sym) -> None:
        self.checked = checked
        self.analyser = Monotone(checked)
        self.r = r

    def sign(self, e: Expr, env: dict[str, Sym], depth: int) -> int | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(e, If):
            cond = self.analyser.value(e.cond, env)
            if cond.sign == 0 and isinstance(cond.const, bool):
                return self.sign(e.then if cond.const else e.orelse, env, depth + 1)
            split = self._split(e.cond, env)
            if split is None:
                return None
            c, then_left = split
            left, right = (e.then, e.orelse) if then_left else (e.orelse, e.then)
            s_left = self.sign(left, env, depth + 1)
            s_right = self.sign(right, env, depth + 1)
            if s_left is None or s_right is None:
                return None
            # Each side never moves against its sign on the whole line, so the left side's
            # limit at c is on the near side of its value there: the jump is right(c) − left(c).
            a, b = self._at(left, env, c), self._at(right, env, c)
            if a is None or b is None:
                return None
            jump = (b > a) - (b < a)
            return combine(s_left, s_right, jump)
        if isinstance(e, Call) and not e.kwargs:
            info = self.checked.funcs.get(e.func)
            if info is not None and isinstance(info.node, FuncDef):
                args = [self.analyser.value(a, env) for a in e.args]
                # Followed only when each argument is a constant or the realisasi itself, so
                # the body can be evaluated at a point by replacing the symbol.
                if all(a is self.r or (a.sign == 0 and a.const is not None) for a in args):
                    bound = dict(zip(info.params, args, strict=False))
                    return self.sign(info.node.body, bound, depth + 1)
        return self.analyser.value(e, env).sign

    def _split(self, cond: Expr, env: dict[str, Sym]) -> tuple[Fraction, bool] | None:
        """``(c, then_is_left)`` for a condition comparing the realisasi with a constant."""
        if not isinstance(cond, Binary) or cond.op not in ("<", "<=", ">", ">="):
            return None
        left, right = self.analyser.value(cond.left, env), self.analyser.value(cond.right, env)
        if isinstance(cond.left, Name) and left is self.r and _constant(right):
            const, below = right.const, cond.op in ("<", "<=")
        elif isinstance(cond.right, Name) and right is self.r and _constant(left):
            const, below = left.const, cond.op in (">", ">=")
        else:
            return None
        assert isinstance(const, Fraction)
        return const, below

    def _at(self, e: Expr, env: dict[str, Sym], c: Fraction) -> Fraction | None:
        """The value of ``e`` with the realisasi at ``c`` (None when not a known number)."""
        point = {k: (Sym(c) if v is self.r else v) for k, v in env.items()}
        value = self.analyser.value(e, point)
        if value.sign == 0 and isinstance(value.const, Fraction):
            return value.const
        return None


def _constant(value: Sym) -> bool:
    return value.sign == 0 and isinstance(value.const, Fraction)
