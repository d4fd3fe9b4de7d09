"""The exact floor of issue 18's four formulas: the cheapest exact hand-written code.

Imported by ``formula_bench.py`` (its "exact floor" columns). Issue 18 measures kinerja
against hand-written functions on plain ``Decimal`` operators under the default context, which
round silently (a 28-digit ``95 / 90``) and trust the caller's thread context (a caller may set
it to 5 digits). An exact result cannot use them: here is what the *fewest* exact steps cost on
CPython's ``decimal``, written by hand, so the gap between kinerja and plain Decimal splits into
what exactness costs (hand → floor) and what kinerja adds on top (floor → kinerja).

For each formula:

* a **function floor** (the counterpart of ``Formula.function``, positional Decimals): the
  formula on trapping-context methods (``Context`` calls, each ~40–50 ns more than an operator
  in CPython 3.11: ``METH_VARARGS``), the fewest calls (a 60-digit division, ``fma`` where a
  product is added or scaled, ``not t`` for ``t == 0``), with the fallback an exact result
  needs when a trap fires (a repeating quotient carried as an integer fraction, the same idea
  as kinerja's mixed path; any other signal: ``Fraction`` arithmetic);
* an **evaluate floor** (the counterpart of ``Formula.evaluate(**kw)``): a keyword-only
  function with the same code inline, plus the minimum that ``evaluate`` must do on top: per
  input the three checks ``values.to_decimal`` requires of a ``Decimal`` (exact type, finite,
  at most 60 digits and a bounded exponent: ``type``, ``is_finite()``, one ``Context.plus``;
  see ``binder.py`` for why no single C call does all three), and the result written as the
  API writes it (``values.normalize``: one ``Context.normalize``, and ``-0`` as ``0``).
  Anything else (an int, a string) is handed to ``Formula.evaluate``. Unlike kinerja's entry
  it takes no ``*args, **extra``: an unknown name is Python's ``TypeError``, not a
  ``BindingError`` (that costs kinerja one empty dict per call, ~15–25 ns).

The bodies are written once as text and compiled into these functions (the code a programmer
would write, without 40 lines of copied input checks); ``floors()`` returns them, with a third:
the evaluate floor with kinerja's signature (``*args, **extra``, what its entry pays so that a
positional input is a ``UsageError`` and an unknown name a ``BindingError``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Clamped,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    Subnormal,
)
from fractions import Fraction
from math import gcd
from typing import Any

from kinerja_engine.language.builtins import FAST
from kinerja_engine.values import MAX_EMAX, MAX_INPUT_DIGITS, fraction_to_decimal

D = Decimal
K0, K100, K1_2, KM100, K200 = D(0), D(100), D("1.2"), D(-100), D(200)
W5 = (D(30), D(25), D(20), D(15), D(10))

_TRAPS = [signal for signal, on in FAST.traps.items() if on]
# A quotient of inputs of at most 60 digits, on 60 digits: exact or Inexact (a quotient that is
# exact but longer is sent to the fallback too). Fewer digits than FAST's 80: the coefficient
# stays in the Decimal's static storage (~40 ns less per division).
_DIV60 = Context(prec=60, rounding=FAST.rounding, Emax=FAST.Emax, Emin=FAST.Emin - 20, traps=_TRAPS)
_div, _fma, _mul, _neg = _DIV60.divide, FAST.fma, FAST.multiply, FAST.minus
# What values.to_decimal takes unchanged: at most 60 digits, |adjusted exponent| bounded.
_check = Context(
    prec=MAX_INPUT_DIGITS,
    Emax=2 * MAX_INPUT_DIGITS,
    Emin=-(MAX_INPUT_DIGITS + 1),
    traps=[Rounded, Overflow, Subnormal, Clamped, InvalidOperation],
).plus
# values.normalize in one call: trailing zeros dropped, a whole number without exponent.
_reduce = Context(
    prec=200, Emax=199, Emin=-MAX_EMAX, clamp=1, traps=[Rounded, Overflow, InvalidOperation]
).normalize
# The API's digits of a value that is not a finite decimal: 34 significant digits, half up.
_ROUND34 = Context(prec=34, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=-MAX_EMAX)


def _api_result(num: Decimal, den: int) -> Decimal:
    """``num / den`` (``den > 0``) as ``Formula.evaluate`` returns it."""
    p, q = num.as_integer_ratio()
    q *= den
    common = gcd(p, q)
    p, q = p // common, q // common
    rest = q
    while not rest % 2:
        rest //= 2
    while not rest % 5:
        rest //= 5
    # A finite decimal after all (written out exactly), else correctly rounded.
    value = fraction_to_decimal(Fraction(p, q)) if rest == 1 else _ROUND34.divide(D(p), D(q))
    return _reduce(value) if value else K0


def _carry(
    r: Decimal, t: Decimal, weight: Decimal, total: Decimal, num: Decimal, den: int
) -> tuple[Decimal, Decimal, int]:
    """``total + num / den + min(r / t, 1.2) · weight`` for a repeating ``r / t``, as the same
    triple: ``t = p / s`` with ``s`` a power of 2 and 5, so ``r / t = r·s / p`` exactly; the
    fraction's steps are exact on FAST or raise ``Inexact`` (then ``Fraction`` arithmetic)."""
    p, s = t.as_integer_ratio()
    if p < 0:
        r, p = _neg(r), -p
    n = _mul(r, s)
    if n > _mul(K1_2, p):  # r / t > 1.2, cross-multiplied by p > 0
        return _fma(K1_2, weight, total), num, den
    return total, _fma(num, p, _mul(_mul(n, weight), den)), den * p


def _sum5_fraction(values: Sequence[Decimal]) -> Fraction:
    """The sum in ``Fraction`` arithmetic: a zero target, or a carry past 80 digits."""
    cap = Fraction(6, 5)
    pairs = zip(values[::2], values[1::2], strict=True)
    return sum(
        (
            min(Fraction(r) / Fraction(t), cap) * Fraction(w)
            for (r, t), w in zip(pairs, W5, strict=True)
        ),
        Fraction(0),
    )


def _finish_function(total: Decimal, num: Decimal, den: int) -> Fraction:
    """``total + num / den`` as ``Formula.function`` returns a repeating value."""
    p, q = _fma(total, den, num).as_integer_ratio()
    return Fraction(p, q * den)


def _finish_evaluate(total: Decimal, num: Decimal, den: int) -> Decimal:
    """``total + num / den`` as ``Formula.evaluate`` returns it."""
    return _api_result(_fma(total, den, num), den)


def _sum5_function(*values: Decimal) -> Decimal | Fraction:
    value = _sum5_fraction(values)
    return D(value.numerator) if value.denominator == 1 else value


def _sum5_evaluate(*values: Decimal) -> Decimal:
    value = _sum5_fraction(values)
    return _api_result(D(value.numerator), value.denominator)


def _exact(function: Callable[..., Fraction]) -> Callable[..., Any]:
    """The fallback of a formula whose only trap can be a zero or repeating division."""

    def fallback(*values: Decimal) -> Any:
        value = function(*map(Fraction, values))
        if value.denominator == 1:
            return D(value.numerator)
        return value

    return fallback


def _evaluate_fallback(function: Callable[..., Any]) -> Callable[..., Decimal]:
    def fallback(*values: Decimal) -> Decimal:
        value = function(*values)
        if isinstance(value, Fraction):
            return _api_result(D(value.numerator), value.denominator)
        return _reduce(value) if value else K0

    return fallback


# The four bodies: statements leaving ``result`` bound, over the inputs by name.
# Each division traps in place (a try costs nothing until it raises): a repeating quotient is
# carried as an integer fraction from there on, and the sum finished apart (``FINISH``).
_SUM5_BODY = "\n".join(
    [
        "num, den = K0, 1",
        *(
            f"try:\n    q = _div(r{i}, t{i})\nexcept Inexact:\n"
            f"    acc, num, den = _carry(r{i}, t{i}, W{w}, {'K0' if i == 1 else 'acc'}, num, den)"
            "\nelse:\n"
            + (
                f"    acc = _mul(K1_2 if q > K1_2 else q, W{w})"
                if i == 1
                else f"    acc = _fma(K1_2 if q > K1_2 else q, W{w}, acc)"
            )
            for i, w in ((1, 30), (2, 25), (3, 20), (4, 15), (5, 10))
        ),
        "if den != 1:",
        "    return FINISH(acc, num, den)",
        "result = acc",
    ]
)
BODIES: dict[str, tuple[str, Callable[..., Any]]] = {
    "min(r / t, 1.2) * 100": (
        "q = _div(r, t)\nresult = _mul(K1_2 if q > K1_2 else q, K100)",
        _exact(lambda r, t: min(r / t, Fraction(6, 5)) * 100),
    ),
    "if t == 0 then 0 else (2 - r / t) * 100": (
        "result = K0 if not t else _fma(_div(r, t), KM100, K200)",
        _exact(lambda t, r: Fraction(0) if not t else (2 - r / t) * 100),
    ),
    "sum5": (_SUM5_BODY, _sum5_function),
}


def _evaluate_source(name: str, header: str, names: Sequence[str], body: str) -> list[str]:
    keywords = ", ".join(f"{n}={n}" for n in names)
    lines = [f"def {name}({header}):"]
    if "**_extra" in header:  # kinerja's signature: positional or unknown inputs refused
        given = ", ".join(f"({n!r}, {n})" for n in names)
        lines += [
            "    if _args or _extra:",
            f"        return slow(*_args, **{{k: v for k, v in ({given},) if v is not _M}}, "
            "**_extra)",
        ]
    for n in names:
        lines += [
            f"    if type({n}) is not D or not {n}.is_finite():",
            f"        return slow({keywords})",
        ]
    lines += ["    try:", *(f"        _check({n})" for n in names)]
    return [
        *lines,
        "    except ArithmeticError:",
        f"        return slow({keywords})",
        "    try:",
        textwrap.indent(body.replace("FINISH", "_finish_evaluate"), " " * 8),
        "    except ArithmeticError:",
        f"        return evaluate_fallback({', '.join(names)})",
        "    return _reduce(result) if result else K0",
        "",
    ]


def _source(names: Sequence[str], body: str) -> str:
    """The function floor ``floor``, the evaluate floor ``floor_evaluate`` and the same with
    kinerja's signature, ``floor_entry``."""
    args = ", ".join(names)
    lines = [
        f"def floor({args}):",
        "    try:",
        textwrap.indent(body.replace("FINISH", "_finish_function"), " " * 8),
        "    except ArithmeticError:",
        f"        return fallback({args})",
        "    return result",
        "",
        *_evaluate_source("floor_evaluate", f"*, {args}", names, body),
        *_evaluate_source(
            "floor_entry",
            f"*_args, {', '.join(f'{n}=_M' for n in names)}, **_extra",
            names,
            body,
        ),
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Floors:
    """The exact floor of one formula (see the module docstring)."""

    function: Callable[..., Any]  # positional Decimals, like Formula.function
    evaluate: Callable[..., Any]  # keyword-only, the minimum checks and normalisation
    entry: Callable[..., Any]  # evaluate with kinerja's signature (*args, **extra)
    source: str


def floors(key: str, names: Sequence[str], slow: Callable[..., Any]) -> Floors:
    """The floors of the formula ``key`` of :data:`BODIES` over inputs ``names``; ``slow``
    takes any input the floor does not (``Formula.evaluate``)."""
    body, fallback = BODIES[key]
    source = _source(names, body)
    namespace: dict[str, Any] = {
        "D": D,
        "K0": K0,
        "K100": K100,
        "K1_2": K1_2,
        "KM100": KM100,
        "K200": K200,
        **{f"W{int(w)}": w for w in W5},
        "_div": _div,
        "_mul": _mul,
        "_fma": _fma,
        "_check": _check,
        "_reduce": _reduce,
        "_M": object(),
        "Inexact": Inexact,
        "_carry": _carry,
        "_finish_function": _finish_function,
        "_finish_evaluate": _finish_evaluate,
        "fallback": fallback,
        "evaluate_fallback": _sum5_evaluate if key == "sum5" else _evaluate_fallback(fallback),
        "slow": slow,
    }
    exec(compile(source, f"<exact floor: {key}>", "exec"), namespace)
    return Floors(namespace["floor"], namespace["floor_evaluate"], namespace["floor_entry"], source)
