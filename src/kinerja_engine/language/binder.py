"""Generated binders: a caller's keyword inputs in, an API result out, at hand-written cost.

Input: a definition's parameters (names and types), its compiled entry function (the fast path
with the exact fallback built in) and the *slow* evaluation (``Program.call``: full conversion
of every input, every error). Output: one function ``bound(bindings) -> result`` per
definition, generated for that definition's exact names and types.

Guarantees: the result and every error are those of the slow evaluation, because the binder
takes only the inputs whose conversion is the identity (or ``Decimal(int)``) and hands anything
else (a missing or extra name, a ``str``, ``float``, ``Fraction``, ``bool`` for a number, a
Decimal subclass, NaN, a number near the size limits, a label or a list) to the slow
evaluation unchanged; results are normalised by :func:`normalize_result`, which returns what
:func:`~kinerja_engine.values.normalize` returns (``tests/test_binder.py`` checks both on
generated inputs). Generated source is built only from generated identifiers: the input names
are values in the closure, never text in the code.

The fast checks of a ``Decimal`` input use ``is_finite()``, ``adjusted()`` and the length of its
text, never ``as_tuple()``: a number whose text is at most :data:`~kinerja_engine.values.
MAX_INPUT_DIGITS` characters long cannot have more digits than that.

>>> from decimal import Decimal
>>> bound = make_binder(("x",), ("number",), lambda x: x * 2, lambda kw: "slow")
>>> bound({"x": Decimal("1.50")}), bound({"x": 3}), bound({"x": "3"}), bound({"y": 1})
(Decimal('3'), Decimal('6'), 'slow', 'slow')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, Rounded
from functools import cache
from typing import Any, Final

from ..values import MAX_EMAX, MAX_INPUT_DIGITS, normalize

__all__ = ["make_binder", "normalize_result"]

_ZERO: Final = Decimal(0)
# Wide enough for any result a score needs; Rounded is trapped, so a value with more digits
# than this goes to values.normalize (which sizes its context by the digits) instead. Rounding
# half up: a negative zero plus zero is zero (values.normalize returns Decimal(0) for it).
_NORMALIZE: Final = Context(
    prec=200, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=-MAX_EMAX, traps=[Rounded]
)


def normalize_result(value: Decimal) -> Decimal:
    """:func:`~kinerja_engine.values.normalize` for a ``Decimal``, without its ``as_tuple``.

    A whole number is its ``to_integral_value()``; any other drops its trailing zeros with
    ``normalize``; a positive exponent or more than 200 digits takes the general path.

    >>> normalize_result(Decimal("95.00")), normalize_result(Decimal("0.50"))
    (Decimal('95'), Decimal('0.5'))
    >>> normalize_result(Decimal("1E+2")), normalize_result(Decimal("-0.0"))
    (Decimal('100'), Decimal('0'))
    """
    if not value:
        return _ZERO  # also for -0 and 0E+3, as values.normalize
    # to_integral_value (on the caller's context: it neither signals nor rounds what it keeps)
    # is the value at exponent 0 when the value is a whole number with exponent <= 0.
    whole = value.to_integral_value()
    if whole == value:
        # A positive exponent (1E+2) stays in the text as 'E+': written out by the general path.
        return whole if "E" not in str(whole) else normalize(value)
    try:  # not whole: dropping trailing zeros leaves a negative exponent
        return value.normalize(_NORMALIZE)
    except Rounded:  # more than 200 digits: the general path sizes its context
        return normalize(value)


def _number_check(index: int) -> list[str]:
    v = f"v{index}"
    return [
        f"    if type({v}) is not D or not ({v}.is_finite() and -{2 * MAX_INPUT_DIGITS} <= "
        f"{v}.adjusted() <= {2 * MAX_INPUT_DIGITS} and len(str({v})) <= {MAX_INPUT_DIGITS}):",
        f"        if type({v}) is int and -LIMIT < {v} < LIMIT:",
        f"            {v} = D({v})",
        "        else:",
        "            return slow(kw)",
    ]


@cache
def _factory(kinds: tuple[str, ...]) -> Callable[..., Callable[[Mapping[str, Any]], Any]]:
    """A maker of binders for parameters of these kinds (``number`` or ``bool``)."""
    count = len(kinds)
    names = ", ".join(f"n{i}" for i in range(count))
    values = ", ".join(f"v{i}" for i in range(count))
    lines = [
        f"def make({names}{', ' if count else ''}run, slow, D, LIMIT, norm, to_result):",
        "  def bound(kw):",
        f"    if len(kw) != {count}:",
        "        return slow(kw)",
    ]
    if count:
        lines += ["    try:"]
        lines += [f"        v{i} = kw[n{i}]" for i in range(count)]
        lines += ["    except KeyError:", "        return slow(kw)"]
    for index, kind in enumerate(kinds):
        if kind == "number":
            lines += _number_check(index)
        else:
            lines += [f"    if type(v{index}) is not bool:", "        return slow(kw)"]
    lines += [
        f"    result = run({values})",
        "    if type(result) is D:",
        "        return norm(result)",
        "    return to_result(result)",
        "  return bound",
    ]
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<kinerja binder/{'-'.join(kinds)}>", "exec"), namespace)
    make: Callable[..., Callable[[Mapping[str, Any]], Any]] = namespace["make"]
    return make


def make_binder(
    names: Sequence[str],
    kinds: Sequence[str],
    run: Callable[..., Any],
    slow: Callable[[Mapping[str, Any]], Any],
    to_result: Callable[[Any], Any] = lambda value: value,
) -> Callable[[Mapping[str, Any]], Any]:
    """The binder of a definition with parameters ``names`` of types ``kinds``.

    ``run`` takes the converted inputs positionally; ``slow`` takes the caller's mapping and
    does everything the general way; ``to_result`` turns a non-``Decimal`` result into what the
    API returns. A definition with a parameter that is neither a number nor a bool (a label,
    a list) is always bound by ``slow``.
    """
    if any(kind not in ("number", "bool") for kind in kinds):
        return slow
    make = _factory(tuple(kinds))
    return make(*names, run, slow, Decimal, 10**MAX_INPUT_DIGITS, normalize_result, to_result)
