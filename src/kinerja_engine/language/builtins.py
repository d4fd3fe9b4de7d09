"""The language's types and its one table of builtin functions.

Each builtin is declared once: name, typed parameters, result type, documentation, and two
implementations of the same meaning:

* ``exact`` works on :class:`~fractions.Fraction` and is the authority: it is used for constant
  folding by the checker, and on the exact path of the evaluator, which reports errors;
* ``fast`` works on :class:`~decimal.Decimal` under :data:`FAST`, a context that *traps* any
  rounding, so a fast result is either exact or an ``ArithmeticError`` that sends the evaluation
  to the exact path.

Input: nothing (a leaf: types, the :data:`FAST` context and the table). Output: :data:`BUILTINS`,
name → :class:`Builtin`. Guarantees: each builtin is one row, read by the checker (signature,
constant parameters), the evaluator and the compiler (``exact``, ``fast``, ``inline``), the
monotonicity analysis (``monotone``) and the language reference in ``docs/language.md`` (a test
keeps that table equal to this one). Adding a builtin is one row here, its row in the docs and a
conformance case in ``grammar/cases``.

>>> BUILTINS["cap"].signature
'cap(x: number, hi: number) -> number'
>>> BUILTINS["round"].exact(Fraction(2675, 1000), Fraction(2))
Fraction(67, 25)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Underflow,
)
from fractions import Fraction
from functools import reduce
from math import gcd
from typing import Any, Final

from ..errors import EvaluationError
from ..values import round_half_up

__all__ = [
    "ANY",
    "BOOL",
    "BUILTINS",
    "FAST",
    "INLINE_FORMS",
    "LIST",
    "NUMBER",
    "Builtin",
    "Type",
    "label_type",
]


@dataclass(frozen=True, slots=True)
class Type:
    """A type of the language: ``number``, ``bool``, ``list`` (of numbers) or a label of an enum.

    >>> str(NUMBER), str(label_type("rating"))
    ('number', 'rating')
    """

    kind: str
    enum: str | None = None

    def __str__(self) -> str:
        return self.enum if self.kind == "label" and self.enum else self.kind

    def describe(self) -> str:
        """The type in words, for messages: ``a number``, ``a label of rating`` …"""
        if self.kind == "label":
            return f"a label of {self.enum}"
        return {
            "number": "a number",
            "bool": "a boolean (true/false)",
            "list": "a list of numbers",
        }.get(self.kind, "a value")


NUMBER: Final = Type("number")
BOOL: Final = Type("bool")
LIST: Final = Type("list")
#: Stands for an expression that already failed to check, so one mistake gives one message.
ANY: Final = Type("any")


def label_type(enum: str) -> Type:
    """The type of labels of ``enum``."""
    return Type("label", enum)


#: Decimal context of the fast path. Every signal that would change a value is trapped, so a
#: fast result is always exact; a trapped signal re-runs the evaluation on exact fractions.
#: Its exponent range keeps every fast value within the exact path's size limit
#: (``values.MAX_EXACT_BITS``, 20,000 bits): below 10**6001 and, with 80 digits, a multiple of
#: 10**-5979 (Etiny), at most 19,940 bits either way. A value past it overflows here and the
#: exact path decides (a LimitError, as it always did there), so the paths agree on it.
FAST: Final = Context(
    prec=80,
    rounding=ROUND_HALF_UP,
    Emax=6_000,
    Emin=-5_900,
    traps=[Inexact, DivisionByZero, InvalidOperation, Overflow, Underflow],
)
# quantize() must be allowed to round (that is its job); only nonsense is trapped.
_ROUND_CTX: Final = Context(
    prec=200,
    rounding=ROUND_HALF_UP,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, Overflow],
)


class _Fallback(ArithmeticError):
    """Raised by a fast implementation to hand the case to the exact path, which reports it."""


@dataclass(frozen=True, slots=True)
class Builtin:
    """One row of the builtins table.

    ``aggregate`` builtins take either one list or one or more numbers. ``constant`` names the
    parameters that must be written as literal whole numbers (e.g. ``round``'s places).

    ``monotone`` gives, per parameter, the direction in which the result moves with that
    argument when the others stay fixed: ``1`` (rises), ``-1`` (falls), ``0`` (the argument is a
    known constant and does not count), ``None`` (no proven direction); an aggregate has one
    entry, for every argument. ``()`` means no proven direction at all. The monotonicity
    analysis (:mod:`.monotone`) reads it.

    ``inline`` names a form the compiler's fast path may generate instead of a call
    (one of :data:`INLINE_FORMS`; ``""`` for none):

    * ``"pick>"``: exactly two arguments ``a, b`` give ``b if a > b else a`` (``"pick<"``: ``<``);
    * ``"sum"``: one literal list or several numbers give a left fold of additions from 0;
    * ``"mean"``: the same fold, divided by the count;
    * ``"weighted_mean"``: a literal list of values and constant weights give a fold of
      products divided by the (constant) total weight.
    """

    name: str
    params: tuple[tuple[str, Type], ...]
    returns: Type
    doc: str
    exact: Callable[..., Any]
    fast: Callable[..., Any]
    aggregate: bool = False
    constant: tuple[str, ...] = ()
    example: str = ""
    monotone: tuple[int | None, ...] = ()
    inline: str = ""

    @property
    def signature(self) -> str:
        """The signature as shown in docs and messages."""
        if self.aggregate:
            args = "values: list | number, …"
        else:
            args = ", ".join(f"{name}: {type_}" for name, type_ in self.params)
        return f"{self.name}({args}) -> {self.returns}"


# --------------------------------------------------------------------------- implementations


def _items(args: Sequence[Any]) -> Sequence[Any]:
    if len(args) == 1 and isinstance(args[0], tuple):
        return args[0]
    return args


def _x_min(*args: Any) -> Any:
    items = _items(args)
    if not items:
        raise EvaluationError("min() of an empty list")
    return min(items)


def _x_max(*args: Any) -> Any:
    items = _items(args)
    if not items:
        raise EvaluationError("max() of an empty list")
    return max(items)


def _f_min(*args: Any) -> Any:
    items = _items(args)
    if not items:
        raise _Fallback
    return min(items)


def _f_max(*args: Any) -> Any:
    items = _items(args)
    if not items:
        raise _Fallback
    return max(items)


def _x_sum(*args: Any) -> Fraction:
    return sum(_items(args), Fraction(0))


def _f_sum(*args: Any) -> Decimal:
    return reduce(FAST.add, _items(args), Decimal(0))


def _x_mean(*args: Any) -> Fraction:
    items = _items(args)
    if not items:
        raise EvaluationError("mean() of an empty list: there is nothing to average")
    return sum(items, Fraction(0)) / len(items)


def _f_mean(*args: Any) -> Decimal:
    items = _items(args)
    return FAST.divide(reduce(FAST.add, items, Decimal(0)), Decimal(len(items)))


def _x_count(*args: Any) -> Fraction:
    return Fraction(len(_items(args)))


def _f_count(*args: Any) -> Decimal:
    return Decimal(len(_items(args)))


def _x_weighted_mean(values: tuple[Fraction, ...], weights: tuple[Fraction, ...]) -> Fraction:
    if len(values) != len(weights):
        raise EvaluationError(
            f"weighted_mean(): {len(values)} values but {len(weights)} weights; "
            "each value needs exactly one weight"
        )
    for w in weights:
        if w.numerator < 0:  # a Fraction's sign is its numerator's (cheaper than w < 0)
            raise EvaluationError("weighted_mean(): a weight is negative")
    # Sums on numerators over a common denominator: one normalisation at the end instead of
    # one per addition (Fraction arithmetic normalises every step); the same exact value.
    total_num, total_den = _sum_ratios((w.numerator, w.denominator) for w in weights)
    if total_num == 0:
        raise EvaluationError("weighted_mean(): the weights add up to zero")
    num, den = _sum_ratios(
        (v.numerator * w.numerator, v.denominator * w.denominator)
        for v, w in zip(values, weights, strict=True)
    )
    return Fraction(num * total_den, den * total_num)


def _sum_ratios(ratios: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """Sum of n/d (d > 0) as (numerator, denominator) over the least common denominator."""
    num, den = 0, 1
    for n, d in ratios:
        if d == den:
            num += n
        elif den % d == 0:
            num += n * (den // d)
        else:
            g = gcd(den, d)
            num = num * (d // g) + n * (den // g)
            den = den // g * d
    return num, den


def _f_weighted_mean(values: tuple[Decimal, ...], weights: tuple[Decimal, ...]) -> Decimal:
    # min() instead of any(<generator>): same test, no generator frame per weight.
    if len(values) != len(weights) or (weights and min(weights) < 0):
        raise _Fallback
    total = reduce(FAST.add, weights, Decimal(0))
    products = map(FAST.multiply, values, weights)
    return FAST.divide(reduce(FAST.add, products, Decimal(0)), total)


def _x_clamp(x: Fraction, lo: Fraction, hi: Fraction) -> Fraction:
    if lo > hi:
        raise EvaluationError(f"clamp(): the lower bound {lo} is above the upper bound {hi}")
    return min(max(x, lo), hi)


def _f_clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    if lo > hi:
        raise _Fallback
    return min(max(x, lo), hi)


def _cap(x: Any, hi: Any) -> Any:
    return hi if x > hi else x


def _at_least(x: Any, lo: Any) -> Any:
    return lo if x < lo else x


def _x_round(x: Fraction, places: Fraction) -> Fraction:
    return Fraction(round_half_up(x, int(places)))


def _f_round(x: Decimal, places: Decimal) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-int(places)), context=_ROUND_CTX)


def _x_abs(x: Fraction) -> Fraction:
    return abs(x)


def _f_abs(x: Decimal) -> Decimal:
    return FAST.abs(x)


def _between(x: Any, lo: Any, hi: Any) -> bool:
    return bool(lo <= x <= hi)


_X = (("x", NUMBER),)

#: The inline forms a builtin row may name (see :class:`Builtin`); the compiler implements each.
INLINE_FORMS: Final = frozenset({"pick>", "pick<", "sum", "mean", "weighted_mean"})

#: The builtins table: the single source of truth for checker, compiler and docs.
BUILTINS: Final[dict[str, Builtin]] = {
    b.name: b
    for b in (
        Builtin("min", (), NUMBER, "The smallest value.", _x_min, _f_min, True,
                example="min(3, 1, 2) == 1", monotone=(1,), inline="pick>"),
        Builtin("max", (), NUMBER, "The largest value.", _x_max, _f_max, True,
                example="max([3, 1, 2]) == 3", monotone=(1,), inline="pick<"),
        Builtin("sum", (), NUMBER, "The total; the sum of an empty list is 0.", _x_sum, _f_sum,
                True, example="sum([0.1, 0.2]) == 0.3", inline="sum"),
        Builtin("mean", (), NUMBER, "The arithmetic mean; an empty list is an error.",
                _x_mean, _f_mean, True, example="mean([100, 90, 76, 76]) == 85.5",
                inline="mean"),
        Builtin("count", (), NUMBER, "How many values there are.", _x_count, _f_count, True,
                example="count([4, 4, 3]) == 3"),
        Builtin("weighted_mean", (("values", LIST), ("weights", LIST)), NUMBER,
                "Σ value×weight / Σ weight. Lengths must match; weights must be non-negative "
                "and not all zero.",
                _x_weighted_mean, _f_weighted_mean,
                example="weighted_mean([100, 80], [30%, 70%]) == 86", inline="weighted_mean"),
        Builtin("clamp", (("x", NUMBER), ("lo", NUMBER), ("hi", NUMBER)), NUMBER,
                "x limited to [lo, hi]; lo above hi is an error.", _x_clamp, _f_clamp,
                example="clamp(130, 0, 120) == 120", monotone=(1, 1, 1)),
        Builtin("cap", (("x", NUMBER), ("hi", NUMBER)), NUMBER,
                "x, but never more than hi (an upper bound).", _cap, _cap,
                example="cap(1.5, 120%) == 1.2", monotone=(1, 1), inline="pick>"),
        Builtin("at_least", (("x", NUMBER), ("lo", NUMBER)), NUMBER,
                "x, but never less than lo (a lower bound).", _at_least, _at_least,
                example="at_least(-5, 0) == 0", monotone=(1, 1), inline="pick<"),
        Builtin("round", (("x", NUMBER), ("places", NUMBER)), NUMBER,
                "x rounded to `places` decimals, half away from zero (2.675 → 2.68); "
                "places is a whole number 0–20 known before evaluation (a literal, const or "
                "param).",
                _x_round, _f_round, constant=("places",),
                example="round(2.675, 2) == 2.68", monotone=(1, 0)),
        Builtin("abs", _X, NUMBER, "The absolute value.", _x_abs, _f_abs,
                example="abs(-3) == 3"),
        Builtin("between", (("x", NUMBER), ("lo", NUMBER), ("hi", NUMBER)), BOOL,
                "Whether lo ≤ x ≤ hi (both ends included).", _between, _between,
                example="between(85, 80, 90)"),
    )
}  # fmt: skip
