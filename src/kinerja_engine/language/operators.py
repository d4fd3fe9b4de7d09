"""The language's one table of operators: every phase reads its operators from here.

Input: nothing (a leaf next to :mod:`.builtins`). Output: :data:`OPERATORS`, one
:class:`Operator` row per operator, and the lookups derived from it: :data:`OPS` (binary, by
symbol), :data:`PREFIX_OPS` (unary, by symbol) and :data:`BY_RULE` (by grammar rule name).
Guarantees: each operator is declared once, with everything the phases need:

* the **parser's converter** maps grammar rules and tokens to operators through ``rule`` and
  ``symbol``;
* the **printer** reads ``precedence`` and ``assoc``;
* the **checker** reads ``kind``, ``operand`` and ``result`` (the operand and result types);
* the **evaluator** (constant folding, :mod:`.evaluate`) calls ``exact``;
* the **compiler** writes ``exact_code`` and ``fast_code`` (Python templates over ``{a}``,
  ``{b}`` and, for a site that can fail, ``{site}``);
* the **monotonicity analysis** (:mod:`.monotone`) reads ``monotone``.

``exact`` is exactly what the compiler's exact path runs: ``*`` and ``/`` bound the size of the
result (:func:`~kinerja_engine.values.check_size`), ``+`` and ``-`` do not, and ``/`` by zero
raises ``ZeroDivisionError`` (the evaluator turns it into its policy: report or leave unfolded).

>>> OPS["<="].precedence, OPS["<="].kind, PREFIX_OPS["-"].exact(Fraction(2))
(4, 'comparison', Fraction(-2, 1))
>>> [op.symbol for op in OPERATORS if op.kind == "logical"]
['or', 'and', 'not']
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from ..values import check_size
from .builtins import BOOL, NUMBER, Type

__all__ = [
    "ARITHMETIC_OPS",
    "BY_RULE",
    "COMPARISON_OPS",
    "LOGICAL_OPS",
    "OPERATORS",
    "OPS",
    "PREFIX_OPS",
    "SCALED",
    "Operator",
]

#: A ``monotone`` entry: the result moves with this operand times the sign of the other
#: operand, which must be a known constant (``x * 2`` rises with ``x``, ``x * -2`` falls).
SCALED: Final = 2


@dataclass(frozen=True, slots=True)
class Operator:
    """One row of the operator table.

    ``assoc`` is ``"left"``, ``"none"`` (comparisons do not chain) or ``"prefix"`` (unary).
    ``operand`` is the type every operand must have, or ``None`` for comparisons (both sides of
    one type; the checker adds the ordering rules). ``monotone`` has one entry per operand:
    ``1`` (the result rises with it), ``-1`` (falls), :data:`SCALED`, or ``None`` (no proven
    direction). ``shortcut`` is the left value that decides a logical operator without its
    right operand (``false and …``, ``true or …``). ``needs_order`` marks comparisons that
    only ordered values (numbers) accept; ``==`` and ``!=`` take any type.
    """

    symbol: str
    arity: int
    rule: str
    precedence: int
    assoc: str
    kind: str
    operand: Type | None
    result: Type
    exact: Callable[..., Any]
    exact_code: str
    fast_code: str
    monotone: tuple[int | None, ...]
    shortcut: bool | None = None
    needs_order: bool = False


def _div(a: Fraction, b: Fraction) -> Fraction:
    if b == 0:
        raise ZeroDivisionError("division by zero")
    return check_size(a / b)


def _and(a: bool, b: bool) -> bool:
    return a and b


def _or(a: bool, b: bool) -> bool:
    return a or b


def _cmp(symbol: str, func: Callable[[Any, Any], bool], *, needs_order: bool) -> Operator:
    code = "({a} " + symbol + " {b})"
    return Operator(symbol, 2, "compare", 4, "none", "comparison", None, BOOL, func, code, code,
                    (None, None), needs_order=needs_order)  # fmt: skip


#: The operators, loosest-binding first. Precedence 3 is ``not``, 7 unary minus; ``if`` and
#: ``let`` (0) and atoms (8) are not operators.
OPERATORS: Final[tuple[Operator, ...]] = (
    Operator("or", 2, "or_", 1, "left", "logical", BOOL, BOOL, _or,
             "({a} or {b})", "({a} or {b})", (None, None), shortcut=True),
    Operator("and", 2, "and_", 2, "left", "logical", BOOL, BOOL, _and,
             "({a} and {b})", "({a} and {b})", (None, None), shortcut=False),
    Operator("not", 1, "not_", 3, "prefix", "logical", BOOL, BOOL, operator.not_,
             "(not {a})", "(not {a})", (None,)),
    _cmp("==", operator.eq, needs_order=False),
    _cmp("!=", operator.ne, needs_order=False),
    _cmp("<", operator.lt, needs_order=True),
    _cmp("<=", operator.le, needs_order=True),
    _cmp(">", operator.gt, needs_order=True),
    _cmp(">=", operator.ge, needs_order=True),
    Operator("+", 2, "binary", 5, "left", "arithmetic", NUMBER, NUMBER, operator.add,
             "({a} + {b})", "_add({a}, {b})", (1, 1)),
    Operator("-", 2, "binary", 5, "left", "arithmetic", NUMBER, NUMBER, operator.sub,
             "({a} - {b})", "_sub({a}, {b})", (1, -1)),
    # Products can double a number's size each time: bounded, so no size bomb runs long.
    Operator("*", 2, "binary", 6, "left", "arithmetic", NUMBER, NUMBER,
             lambda a, b: check_size(a * b), "_xsize({a} * {b})", "_mul({a}, {b})",
             (SCALED, SCALED)),
    # The exact division names its site, so a division by zero reports where it happened.
    Operator("/", 2, "binary", 6, "left", "arithmetic", NUMBER, NUMBER, _div,
             "_xdiv({a}, {b}, {site})", "_div({a}, {b})", (SCALED, None)),
    Operator("-", 1, "neg", 7, "prefix", "arithmetic", NUMBER, NUMBER, operator.neg,
             "(-{a})", "_neg({a})", (-1,)),
)  # fmt: skip

#: Binary operators by symbol.
OPS: Final[dict[str, Operator]] = {op.symbol: op for op in OPERATORS if op.arity == 2}
#: Prefix (unary) operators by symbol.
PREFIX_OPS: Final[dict[str, Operator]] = {op.symbol: op for op in OPERATORS if op.arity == 1}
#: Operators by the grammar rule that produces them (``binary`` and ``compare`` carry the
#: symbol as a token and are looked up in :data:`OPS`).
BY_RULE: Final[dict[str, Operator]] = {
    op.rule: op for op in OPERATORS if op.rule not in ("binary", "compare")
}

ARITHMETIC_OPS: Final = frozenset(s for s, op in OPS.items() if op.kind == "arithmetic")
COMPARISON_OPS: Final = frozenset(s for s, op in OPS.items() if op.kind == "comparison")
LOGICAL_OPS: Final = frozenset(s for s, op in OPS.items() if op.kind == "logical")
