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

from ..values import MAX_EMAX, PLAIN_TRAPS, fraction_to_decimal, is_terminating
from .builtins import FAST
from .codegen import NotExact, Unexact

__all__ = [
    "HELPERS",
    "MAX_DENOMINATOR_BITS",
    "SELECTING",
    "Quotient",
    "absolute",
    "add",
    "divide",
    "exit_value",
    "guard",
    "lazy_functions",
    "mean_of",
    "mixed_namespace",
    "multiply",
    "negate",
    "quotient_of",
    "repeating",
    "subtract",
    "sum_of",
    "total",
    "weighted_mean_of",
]

#: Largest denominator a quotient may carry; past it the exact path takes over.
MAX_DENOMINATOR_BITS: Final = 256

_D: Final = Decimal
_fadd, _fsub, _fmul, _fdiv = FAST.add, FAST.subtract, FAST.multiply, FAST.divide
_fneg, _fabs = FAST.minus, FAST.abs
_ZERO: Final = Decimal(0)
# fraction_to_decimal's context for a value that is not a finite decimal: 34 digits, half up.
_RESULT: Final = Context(
    prec=34, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=-MAX_EMAX, traps=list(PLAIN_TRAPS)
)


class Quotient:
    """``num / den``: an exact value that is not (known to be) a finite decimal; ``den > 1``.

    Built only by this module's helpers, which keep ``den`` positive and at most
    :data:`MAX_DENOMINATOR_BITS` bits (a constructor without checks: quotients are made on
    the hot path).
    """

    __slots__ = ("den", "num")

    def __init__(self, num: Decimal, den: int) -> None:
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

    # Comparisons cross-multiply by the positive denominators: exact, and a value that is
    # neither a Decimal nor a Quotient (a Fraction bound) raises, sending the caller to the
    # exact path. The reflected forms serve ``Decimal < Quotient`` (Decimal declines it).
    def __eq__(self, other: Any) -> bool:
        if type(other) is Quotient:
            return _fmul(self.num, other.den) == _fmul(other.num, self.den)
        return self.num == _fmul(other, self.den)

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __lt__(self, other: Any) -> bool:
        if type(other) is Quotient:
            return _fmul(self.num, other.den) < _fmul(other.num, self.den)
        return self.num < _fmul(other, self.den)

    def __le__(self, other: Any) -> bool:
        if type(other) is Quotient:
            return _fmul(self.num, other.den) <= _fmul(other.num, self.den)
        return self.num <= _fmul(other, self.den)

    def __gt__(self, other: Any) -> bool:
        if type(other) is Quotient:
            return _fmul(self.num, other.den) > _fmul(other.num, self.den)
        return self.num > _fmul(other, self.den)

    def __ge__(self, other: Any) -> bool:
        if type(other) is Quotient:
            return _fmul(self.num, other.den) >= _fmul(other.num, self.den)
        return self.num >= _fmul(other, self.den)

    __hash__ = None  # type: ignore[assignment]


def quotient_of(value: Fraction) -> Quotient | Decimal | Unexact:
    """A constant's exact value on the mixed path: a ``Decimal`` if it terminates.

    >>> quotient_of(Fraction(1, 3)), quotient_of(Fraction(1, 4))
    (Quotient(Decimal('1'), 3), Decimal('0.25'))
    """
    if is_terminating(value):
        return fraction_to_decimal(value)
    if value.denominator.bit_length() > MAX_DENOMINATOR_BITS:
        return Unexact()
    return Quotient(_D(value.numerator), value.denominator)


def _quotient(num: Decimal, den: int) -> Decimal | Quotient:
    """``num / den`` for an integer ``den`` that is not 0, kept in bounds."""
    if den < 0:
        num, den = _fneg(num), -den  # FAST: the caller's context must not round it
    if den == 1:
        return num
    if den.bit_length() > MAX_DENOMINATOR_BITS:
        raise NotExact
    return Quotient(num, den)


def _ratio(b: Decimal) -> tuple[int, int]:
    # A raw input past every exponent the package computes with (Decimal("1E+999999999")
    # given to Formula.function) would be a billion-digit integer here: the exact path
    # refuses it at once (codegen.to_fraction).
    if abs(b.adjusted()) > MAX_EMAX:
        raise NotExact
    return b.as_integer_ratio()


def repeating(a: Decimal, b: Decimal) -> Quotient:
    """``a / b`` for Decimals whose trapping division raised ``Inexact``: the quotient."""
    # b = p / q with q a power of 2 and 5: a / b = a * q / p, |p| > 1 (else exact).
    p, q = _ratio(b)
    if p < 0:
        a, p = _fneg(a), -p
    if p.bit_length() > MAX_DENOMINATOR_BITS:
        raise NotExact
    return Quotient(_fmul(a, q), p)


def divide(a: Any, b: Any) -> Decimal | Quotient:
    """``a / b``: a ``Decimal`` when it is a finite decimal, else a :class:`Quotient`."""
    if type(a) is _D and type(b) is _D:
        try:
            return _fdiv(a, b)
        except Inexact:
            return repeating(a, b)
    if type(b) is Quotient:  # a / (n / d) = a * d / n
        return divide(multiply(a, _D(b.den)), b.num)
    if type(b) is not _D or type(a) is not Quotient:
        raise NotExact
    try:  # (n / d) / b: the numerator over b if that is exact
        return _quotient(_fdiv(a.num, b), a.den)
    except Inexact:
        p, q = _ratio(b)
        return _quotient(_fmul(a.num, q), a.den * p)


def multiply(a: Any, b: Any) -> Decimal | Quotient:
    """``a * b`` on decimals and quotients."""
    ta, tb = type(a), type(b)
    if ta is _D:
        if tb is _D:
            return _fmul(a, b)
        if tb is Quotient:
            return Quotient(_fmul(a, b.num), b.den)
    elif ta is Quotient:
        if tb is _D:
            return Quotient(_fmul(a.num, b), a.den)
        if tb is Quotient:
            return _quotient(_fmul(a.num, b.num), a.den * b.den)
    raise NotExact


def add(a: Any, b: Any) -> Decimal | Quotient:
    """``a + b`` on decimals and quotients."""
    ta, tb = type(a), type(b)
    if ta is _D:
        if tb is _D:
            return _fadd(a, b)
        if tb is Quotient:
            return Quotient(_fadd(_fmul(a, b.den), b.num), b.den)
    elif ta is Quotient:
        if tb is _D:
            return Quotient(_fadd(a.num, _fmul(b, a.den)), a.den)
        if tb is Quotient:
            if a.den == b.den:
                return Quotient(_fadd(a.num, b.num), a.den)
            num = _fadd(_fmul(a.num, b.den), _fmul(b.num, a.den))
            return _quotient(num, a.den * b.den)
    raise NotExact


def subtract(a: Any, b: Any) -> Decimal | Quotient:
    """``a - b`` on decimals and quotients."""
    ta, tb = type(a), type(b)
    if ta is _D:
        if tb is _D:
            return _fsub(a, b)
        if tb is Quotient:
            return Quotient(_fsub(_fmul(a, b.den), b.num), b.den)
    elif ta is Quotient:
        if tb is _D:
            return Quotient(_fsub(a.num, _fmul(b, a.den)), a.den)
        if tb is Quotient:
            if a.den == b.den:
                return Quotient(_fsub(a.num, b.num), a.den)
            num = _fsub(_fmul(a.num, b.den), _fmul(b.num, a.den))
            return _quotient(num, a.den * b.den)
    raise NotExact


def total(*terms: Any) -> Decimal | Quotient:
    """``terms[0] + terms[1] + …`` on decimals and quotients.

    The decimals are summed in order (one trapping add each, as the chain of ``+`` does), the
    quotients apart, and the two sums last: one quotient step, however many terms follow a
    quotient. Exact sums do not depend on the order, so the value is the chain's.
    """
    decimal: Any = None
    quotient: Any = None
    for term in terms:
        if type(term) is _D:
            decimal = term if decimal is None else _fadd(decimal, term)
        elif type(term) is not Quotient:
            raise NotExact
        else:
            quotient = term if quotient is None else add(quotient, term)
    if quotient is None:
        return decimal  # type: ignore[no-any-return]
    if decimal is None:
        return quotient  # type: ignore[no-any-return]
    return add(quotient, decimal)


def negate(a: Any) -> Decimal | Quotient:
    """``-a`` on decimals and quotients."""
    if type(a) is Quotient:
        return Quotient(_fneg(a.num), a.den)
    return _fneg(a)


def absolute(a: Any) -> Decimal | Quotient:
    """``abs(a)`` on decimals and quotients."""
    if type(a) is Quotient:
        return Quotient(_fabs(a.num), a.den)
    return _fabs(a)


def _items(args: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(args) == 1 and type(args[0]) is tuple:
        return args[0]
    return args


def sum_of(*args: Any) -> Decimal | Quotient:
    """The builtin ``sum`` on decimals and quotients (0 for no values)."""
    items = _items(args)
    return total(_ZERO, *items)


def mean_of(*args: Any) -> Decimal | Quotient:
    """The builtin ``mean`` on decimals and quotients (no values: the exact path reports)."""
    items = _items(args)
    if not items:
        raise NotExact
    return divide(total(_ZERO, *items), _D(len(items)))


def weighted_mean_of(values: Any, weights: Any) -> Decimal | Quotient:
    """The builtin ``weighted_mean`` on decimals and quotients; anything the exact path
    reports (lengths that differ, a negative weight, weights adding up to 0) raises here."""
    if type(values) is not tuple or type(weights) is not tuple or len(values) != len(weights):
        raise NotExact
    weight = total(_ZERO, *weights)
    if not weight or any(w < _ZERO for w in weights):
        raise NotExact
    return divide(total(_ZERO, *map(multiply, values, weights)), weight)


#: Builtins whose fast implementation only compares and selects its arguments (``min``,
#: ``cap``, ``clamp`` …): exact on quotients as they are (comparisons cross-multiply).
SELECTING: Final = frozenset(("min", "max", "clamp", "cap", "at_least", "between"))


def _has_quotient(args: tuple[Any, ...]) -> bool:
    for arg in args:
        if type(arg) is Quotient:
            return True
        if type(arg) is tuple and any(type(item) is Quotient for item in arg):
            return True
    return False


def guard(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, refusing quotients: builtins take decimals only."""

    def guarded(*args: Any) -> Any:
        if _has_quotient(args):
            raise NotExact
        return function(*args)

    return guarded


def mixed_namespace(namespace: dict[str, Any]) -> dict[str, Any]:
    """The fast namespace with mixed arithmetic (:data:`HELPERS`), ``abs`` on quotients, the
    :data:`SELECTING` builtins as they are and every other builtin refusing quotients
    (rulebook functions are called by their mixed variants ``q{n}``)."""
    mixed = dict(namespace)
    for key, value in namespace.items():
        if key.startswith("b_") and key.endswith("_f"):
            name = key[2:-2]
            if name in _ON_QUOTIENTS:
                mixed[key] = _ON_QUOTIENTS[name]
            elif name not in SELECTING:
                mixed[key] = guard(value)
        elif key.startswith("kq") and type(value) is Fraction:
            mixed[key] = quotient_of(value)  # a constant that is not a finite decimal
    mixed.update(HELPERS)
    return mixed


def lazy_functions(namespace: dict[str, Any], sources: dict[str, str]) -> None:
    """Bind in ``namespace`` a stand-in for each mixed function of ``sources`` (name to
    source text over :data:`HELPERS`): compiled on its first call into one mixed namespace
    (built on the first call of any of them); the compiled function then replaces its
    stand-in in both namespaces, and holders of the stand-in are forwarded. Most programs
    never meet a repeating quotient, so most never compile any."""
    shared: list[dict[str, Any]] = []

    def stand_in(name: str, source: str) -> Callable[..., Any]:
        compiled: list[Callable[..., Any]] = []

        def call(*args: Any) -> Any:
            if not compiled:
                if not shared:
                    shared.append(mixed_namespace(namespace))
                mixed = shared[0]
                exec(compile(source, "<kinerja mixed>", "exec"), mixed)
                compiled.append(mixed[name])
                namespace[name] = mixed[name]
            return compiled[0](*args)

        return call

    for name, source in sources.items():
        namespace[name] = stand_in(name, source)


def exit_value(value: Any) -> Any:
    """A mixed-path result as the raw functions return it: quotients become ``Fraction``."""
    if type(value) is Quotient:
        return value.fraction()
    if type(value) is tuple and any(type(v) is Quotient for v in value):
        # One kind of number per list, as the exact path gives it.
        return tuple(v.fraction() if type(v) is Quotient else Fraction(v) for v in value)
    return value


# Builtins that compute: their versions on decimals and quotients.
_ON_QUOTIENTS: Final[dict[str, Callable[..., Any]]] = {
    "abs": absolute,
    "sum": sum_of,
    "mean": mean_of,
    "weighted_mean": weighted_mean_of,
}


#: What mixed code runs over: ``_add _sub _mul _div _neg`` take decimals and quotients;
#: ``_fadd _fsub _fmul`` are the trapping decimal steps generated code calls inline when both
#: operands are Decimals (``type(x) is type(y) is _D``), ``_Q`` the quotient type.
HELPERS: Final[dict[str, Any]] = {
    "_add": add,
    "_sub": subtract,
    "_mul": multiply,
    "_div": divide,
    "_neg": negate,
    "_total": total,
    "_repeating": repeating,
    "_fdiv": _fdiv,
    "_Inexact": Inexact,
    "_fadd": _fadd,
    "_fsub": _fsub,
    "_fmul": _fmul,
    "_D": _D,
    "_Q": Quotient,
}
