"""The mixed path: exact arithmetic that keeps a repeating quotient off ``Fraction``.

Input: the fast variant of a compiled formula (:mod:`.compiler`) run again in a namespace where
``_add _sub _mul _div _neg`` are this module's helpers. Output: the formula's value, where a
number that is not a finite decimal (``95 / 90``) is a :class:`Quotient`: a ``Decimal``
numerator over a positive ``int`` denominator. Every other value stays a ``Decimal`` and is
computed on the trapping context :data:`~.builtins.FAST`, as on the fast path.

Guarantees: the value is exact (numerators are computed on ``FAST``, which traps every
rounding; denominators are integers); comparisons are exact (cross-multiplied); a quotient
becomes a ``Fraction`` (:meth:`Quotient.fraction`) or the API's 34-digit half-up ``Decimal``
(:meth:`Quotient.result`, the digits ``values.fraction_to_decimal`` gives) only at the end.
Anything this path does not handle (a quotient passed to a builtin or a rulebook function, a
denominator past :data:`MAX_DENOMINATOR_BITS`, a division by zero, a numerator past ``FAST``'s
precision) raises, and the caller runs the exact ``Fraction`` path instead, which reports
errors; so results and errors are those of the exact path (``tests/test_evaluator_agreement.py``).

>>> q = divide(Decimal(95), Decimal(90))
>>> q, q.fraction(), q.result()
(Quotient(Decimal('95'), 90), Fraction(19, 18), Decimal('1.055555555555555555555555555555556'))
>>> add(multiply(q, Decimal(18)), Decimal(1)) == Decimal(20)
True
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact
from fractions import Fraction
from math import gcd
from typing import Any, Final

from ..values import MAX_EMAX, fraction_to_decimal
from .builtins import FAST
from .codegen import NotExact

__all__ = [
    "MAX_DENOMINATOR_BITS",
    "Quotient",
    "add",
    "divide",
    "exit_value",
    "guard",
    "lazy_mixed",
    "multiply",
    "negate",
    "subtract",
]

#: Largest denominator a quotient may carry; past it the exact path takes over.
MAX_DENOMINATOR_BITS: Final = 256

_D: Final = Decimal
_fadd, _fsub, _fmul, _fdiv = FAST.add, FAST.subtract, FAST.multiply, FAST.divide
# fraction_to_decimal's context for a value that is not a finite decimal: 34 digits, half up.
_RESULT: Final = Context(prec=34, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=-MAX_EMAX)


class Quotient:
    """``num / den``: an exact value that is not (known to be) a finite decimal; ``den > 1``."""

    __slots__ = ("den", "num")

    def __init__(self, num: Decimal, den: int) -> None:
        if den.bit_length() > MAX_DENOMINATOR_BITS:
            raise NotExact
        self.num = num
        self.den = den

    def __repr__(self) -> str:
        return f"Quotient({self.num!r}, {self.den})"

    def __bool__(self) -> bool:
        return bool(self.num)

    def fraction(self) -> Fraction:
        """The exact value as a ``Fraction``."""
        p, q = self.num.as_integer_ratio()
        return Fraction(p, q * self.den)

    def result(self) -> Decimal:
        """What the API returns for this value: ``values.fraction_to_decimal`` of it."""
        p, q = self.num.as_integer_ratio()
        den = q * self.den
        common = gcd(p, den)
        if common != 1:
            p, den = p // common, den // common
        rest = den
        while not rest % 2:
            rest //= 2
        while not rest % 5:
            rest //= 5
        if rest == 1:  # a finite decimal after all (1/3 * 3): written out exactly
            return fraction_to_decimal(Fraction(p, den))
        # Correctly rounded division of the same value: the digits of fraction_to_decimal.
        return _RESULT.divide(_D(p), _D(den))

    def _scaled(self, other: Any) -> tuple[Decimal, Decimal]:
        """Both sides over one positive denominator: numerators to compare."""
        if type(other) is Quotient:
            return _fmul(self.num, other.den), _fmul(other.num, self.den)
        return self.num, _fmul(other, self.den)

    def __eq__(self, other: object) -> bool:
        a, b = self._scaled(other)
        return a == b

    def __ne__(self, other: object) -> bool:
        a, b = self._scaled(other)
        return a != b

    def __lt__(self, other: Any) -> bool:
        a, b = self._scaled(other)
        return a < b

    def __le__(self, other: Any) -> bool:
        a, b = self._scaled(other)
        return a <= b

    def __gt__(self, other: Any) -> bool:
        a, b = self._scaled(other)
        return a > b

    def __ge__(self, other: Any) -> bool:
        a, b = self._scaled(other)
        return a >= b

    __hash__ = None  # type: ignore[assignment]


def _quotient(num: Decimal, den: int) -> Decimal | Quotient:
    if den < 0:
        num, den = FAST.minus(num), -den  # FAST: the caller's context must not round it
    if den == 1:
        return num
    return Quotient(num, den)


def divide(a: Any, b: Any) -> Decimal | Quotient:
    """``a / b``: a ``Decimal`` when it is a finite decimal, else a :class:`Quotient`."""
    if type(a) is _D and type(b) is _D:
        try:
            return _fdiv(a, b)
        except Inexact:
            # b = p / q with q a power of 2 and 5: a / b = a * q / p.
            p, q = b.as_integer_ratio()
            return _quotient(_fmul(a, q), p)
    if type(b) is Quotient:  # a / (n / d) = a * d / n
        return divide(multiply(a, b.den), b.num)
    if type(b) is not _D or type(a) is not Quotient:
        raise NotExact
    try:  # (n / d) / b: the numerator over b if that is exact
        return _quotient(_fdiv(a.num, b), a.den)
    except Inexact:
        p, q = b.as_integer_ratio()
        return _quotient(_fmul(a.num, q), a.den * p)


def multiply(a: Any, b: Any) -> Decimal | Quotient:
    """``a * b`` on decimals and quotients."""
    if type(a) is _D and type(b) is _D:
        return _fmul(a, b)
    if type(a) is Quotient:
        if type(b) is Quotient:
            return _quotient(_fmul(a.num, b.num), a.den * b.den)
        return _quotient(_fmul(a.num, b), a.den)
    if type(b) is Quotient:
        return _quotient(_fmul(a, b.num), b.den)
    raise NotExact


def _sum(a: Any, b: Any, op: Callable[[Decimal, Decimal], Decimal]) -> Decimal | Quotient:
    if type(a) is Quotient:
        if type(b) is Quotient:
            if a.den == b.den:
                return _quotient(op(a.num, b.num), a.den)
            return _quotient(op(_fmul(a.num, b.den), _fmul(b.num, a.den)), a.den * b.den)
        return _quotient(op(a.num, _fmul(b, a.den)), a.den)
    if type(b) is Quotient:
        return _quotient(op(_fmul(a, b.den), b.num), b.den)
    raise NotExact


def add(a: Any, b: Any) -> Decimal | Quotient:
    """``a + b`` on decimals and quotients."""
    if type(a) is _D and type(b) is _D:
        return _fadd(a, b)
    return _sum(a, b, _fadd)


def subtract(a: Any, b: Any) -> Decimal | Quotient:
    """``a - b`` on decimals and quotients."""
    if type(a) is _D and type(b) is _D:
        return _fsub(a, b)
    return _sum(a, b, _fsub)


def negate(a: Any) -> Decimal | Quotient:
    """``-a`` on decimals and quotients."""
    if type(a) is Quotient:
        return Quotient(FAST.minus(a.num), a.den)
    return FAST.minus(a)


def _has_quotient(args: tuple[Any, ...]) -> bool:
    for arg in args:
        if type(arg) is Quotient:
            return True
        if type(arg) is tuple and any(type(item) is Quotient for item in arg):
            return True
    return False


def guard(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, refusing quotients: builtins and rulebook functions take decimals only."""

    def guarded(*args: Any) -> Any:
        if _has_quotient(args):
            raise NotExact
        return function(*args)

    return guarded


def lazy_mixed(namespace: dict[str, Any], source: str) -> Callable[..., Any]:
    """A stand-in for ``formula_m`` (``source``, the fast code over ``_add`` & co.) that
    compiles it on the mixed path on the first call and replaces itself in ``namespace``."""

    def first(*args: Any) -> Any:
        mixed = _mixed_namespace(namespace)
        exec(compile(source, "<kinerja formula/mixed>", "exec"), mixed)
        namespace["formula_m"] = mixed["formula_m"]
        return mixed["formula_m"](*args)

    return first


def _mixed_namespace(namespace: dict[str, Any]) -> dict[str, Any]:
    """The fast namespace with mixed arithmetic, and quotients refused by callees."""
    mixed = dict(namespace)
    for key, value in namespace.items():
        if (key.startswith("b_") and key.endswith("_f")) or (key[:1] == "f" and key[1:].isdigit()):
            mixed[key] = guard(value)
    mixed.update(_add=add, _sub=subtract, _mul=multiply, _div=divide, _neg=negate)
    return mixed


def exit_value(value: Any) -> Any:
    """A mixed-path result as the raw functions return it: quotients become ``Fraction``."""
    if type(value) is Quotient:
        return value.fraction()
    if type(value) is tuple and any(type(v) is Quotient for v in value):
        # One kind of number per list, as the exact path gives it.
        return tuple(v.fraction() if type(v) is Quotient else Fraction(v) for v in value)
    return value
