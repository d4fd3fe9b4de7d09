"""Generated steps that are more than an operator template: fused, mixed and hoisted code.

Input: the expressions :class:`~.codegen.CodeGen` is generating (a mixin of it: ``expr``,
``fold``, ``decimal_constant``, ``namespace``, ``temp`` and the mixed-variant state are its).
Output: Python source text for

* ``a + x * y`` and ``(c - x) * k`` on the fast path as one ``FAST.fma`` (:meth:`Steps.fused`);
* a step of the mixed variant (:mod:`.mixed`) with the decimal step inline when both operands
  are Decimals (:meth:`Steps.mixed_step`), a sum of three terms or more as one ``_total`` call
  (:meth:`Steps.sum_terms`), and a division of two Decimals hoisted into a statement that
  traps ``Inexact`` in place (:meth:`Steps.hoisted_division`).

Guarantees: the code computes the same exact values as the plain templates (the fma's exact
product then sum is the two steps' Decimal; quotients are exact), built only from generated
identifiers and constants bound in the namespace.

>>> from kinerja_engine.language.codegen import CodeGen
>>> from kinerja_engine.language.parser import parse_formula
>>> gen = CodeGen(None, "")
>>> sum_of_product, scaled = parse_formula("s + r * 30"), parse_formula("(2 - r) * 100")
>>> gen.expr(sum_of_product, {"s": "a0", "r": "a1"}, True)
'_fma(a1, k0, a0)'
>>> gen.expr(scaled, {"r": "a1"}, True), gen.namespace["k2"]
('_fma(a1, k1, k2)', Decimal('200'))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..values import fraction_to_decimal, is_terminating
from .builtins import FAST
from .nodes import Binary, Expr

__all__ = ["Steps"]


class Steps:
    """Mixin of :class:`~.codegen.CodeGen`: the generated steps described above."""

    namespace: dict[str, Any]
    temp: Iterator[int]
    decimals: set[str]
    hoisted: list[str] | None
    conditional: int
    fast_hoist: dict[tuple[str, str], str] | None
    hoisted_nodes: dict[int, tuple[Expr, str]]

    def expr(self, e: Expr, scope: Mapping[str, str], fast: bool) -> str:
        raise NotImplementedError  # pragma: no cover - CodeGen's

    def fold(self, e: Expr, scope: Mapping[str, str]) -> Any:
        raise NotImplementedError  # pragma: no cover - CodeGen's

    def decimal_constant(self, value: Decimal) -> str:
        raise NotImplementedError  # pragma: no cover - CodeGen's

    def fused(self, e: Binary, scope: Mapping[str, str]) -> str | None:
        """``a + x * y`` and ``(c - x) * k`` (``c``, ``k > 0`` constants) as one ``FAST.fma``
        call instead of two steps, or None.

        Where both steps are exact, fma (the exact product, then the addition) gives the same
        Decimal, exponent and sign of zero included (``k > 0`` keeps the sign of a zero
        ``c - x``); where a step is not, it raises or gives the exact value the exact path
        would. The operands' evaluation order may change: only arithmetic errors can arise,
        and each sends the evaluation to the exact path, which reports in the text's order.
        """
        if e.op == "+":
            for product, other in ((e.right, e.left), (e.left, e.right)):
                if isinstance(product, Binary) and product.op == "*":
                    if self.fold(product, scope) is not None:
                        continue
                    x_code = self.expr(product.left, scope, True)
                    y_code = self.expr(product.right, scope, True)
                    return f"_fma({x_code}, {y_code}, {self.expr(other, scope, True)})"
            return None
        for inner, scale in ((e.left, e.right), (e.right, e.left)):
            k = self.fold(scale, scope)
            if not (isinstance(inner, Binary) and inner.op in ("+", "-")):
                continue
            if not (isinstance(k, Fraction) and k > 0 and is_terminating(k)):
                continue
            c, x, sign = self.fold(inner.left, scope), inner.right, -1 if inner.op == "-" else 1
            if c is None:  # x ± c
                c, x = self.fold(inner.right, scope), inner.left
                sign = 1
                if inner.op == "-" and isinstance(c, Fraction):
                    c = -c
            if not isinstance(c, Fraction) or not is_terminating(c) or self.fold(x, scope):
                continue
            try:
                kd = fraction_to_decimal(k)
                ck = FAST.multiply(fraction_to_decimal(c), kd)
                factor = kd if sign > 0 else FAST.minus(kd)
            except ArithmeticError:  # pragma: no cover - literal constants are small
                continue
            code = self.expr(x, scope, True)
            return f"_fma({code}, {self.decimal_constant(factor)}, {self.decimal_constant(ck)})"
        return None

    def sum_terms(self, e: Binary, scope: Mapping[str, str]) -> list[Expr]:
        """The terms of the left-nested sum ``e`` (``a + b + c``), in order."""
        terms: list[Expr] = []
        node: Expr = e
        while isinstance(node, Binary) and node.op == "+":
            if node is not e and self.fold(node, scope) is not None:
                break  # a constant sub-sum is one term
            terms.append(node.right)
            node = node.left
        terms.append(node)
        return terms[::-1]

    def mixed_step(self, symbol: str, left: str, right: str) -> str:
        """``left symbol right`` on the mixed path: the trapping decimal step inline when both
        operands are Decimals (one ``type`` test each), else the helper for quotients."""
        step = {"+": "_add", "-": "_sub", "*": "_mul"}[symbol]
        tests = []
        operands = []
        for code in (left, right):
            if code in self.decimals or type(self.namespace.get(code)) is Decimal:
                operands.append(code)  # an input or a decimal constant: no test
                continue
            if code.isidentifier():
                tests.append(f"type({code})")
                operands.append(code)
            else:
                var = f"t{next(self.temp)}"
                tests.append(f"type({var} := {code})")
                operands.append(var)
        a, b = operands
        if not tests:
            return f"_f{step[1:]}({a}, {b})"
        # Both operands are evaluated (and named) before the test: ``type(x) is type(y) is _D``.
        test = " is ".join([*tests, "_D"])
        return f"(_f{step[1:]}({a}, {b}) if {test} else {step}({a}, {b}))"

    def hoisted_division(self, left: str, right: str) -> str | None:
        """A division of two Decimals (inputs, constants) that is always evaluated, as a
        statement before the mixed expression: the trapping division inline and, where it
        raises ``Inexact``, the quotient made in place (no helper call, no second trap)."""
        if self.hoisted is None or self.conditional:
            return None
        for code in (left, right):
            if code not in self.decimals and type(self.namespace.get(code)) is not Decimal:
                return None
        var = f"t{next(self.temp)}"
        self.hoisted += [
            "    try:",
            f"        {var} = _fdiv({left}, {right})",
            "    except _Inexact:",
            f"        {var} = _repeating({left}, {right})",
        ]
        return var

    def fast_division(self, e: Binary, left: str, right: str) -> str | None:
        """On the fast path, a division of two Decimals (inputs, constants) that is always
        evaluated, as the temporary a statement before the expression computes (one per
        distinct pair of operands), or None. Once :attr:`fast_hoist` is None again, only the
        divisions already hoisted are looked up (by node): code generated later for a part of
        the expression (:mod:`.scaled`) reads the same temporaries."""
        known = self.hoisted_nodes.get(id(e))
        if known is not None:
            return known[1]
        if self.fast_hoist is None or self.conditional:
            return None
        for code in (left, right):
            if code not in self.decimals and type(self.namespace.get(code)) is not Decimal:
                return None
        var = self.fast_hoist.get((left, right))
        if var is None:
            var = self.fast_hoist[left, right] = f"t{next(self.temp)}"
        # The node is kept with its temporary: its id stays its own while the table lives.
        self.hoisted_nodes[id(e)] = (e, var)
        return var
