"""Generated binders: a caller's keyword inputs in, an API result out, at hand-written cost.

Input: a definition's parameters (names and types), its compiled entry function (the fast path
with the exact fallback built in) and the *slow* evaluation (``Program.call``: full conversion
of every input, every error). Output: one function ``bound(bindings) -> result`` per
definition (:func:`make_binder`), generated for that definition's exact names and types, and,
for a formula, the source of a keyword entry (:func:`keyword_source`): ``evaluate(**kw)`` as one
generated function whose keyword-only parameters *are* the inputs, so that a call binds them
without building a dictionary and runs the formula's fast code inline; and the positional
entry of a definition (:func:`entry_factory`: its fast function with the mixed and exact
fallbacks built in).

Guarantees: the result and every error are those of the slow evaluation, because the binder
takes only the inputs whose conversion is the identity (or ``Decimal(int)``) and hands anything
else (a missing or extra name, a ``str``, ``float``, ``Fraction``, ``bool`` for a number, a
Decimal subclass, NaN, a number near the size limits, a label or a list) to the slow
evaluation unchanged; results are normalised by :func:`normalize_result`, which returns what
:func:`~kinerja_engine.values.normalize` returns (``tests/test_binder.py`` checks both on
generated inputs). Generated source is built only from generated identifiers: the input names
are values in the closure (or the names of a code object's parameters, set with
``CodeType.replace``), never text in the code.

A ``Decimal`` input is checked in two C calls, never with ``as_tuple()`` or ``str()``:
``is_finite()``, then :data:`check_input` (``plus`` on a context of :data:`~kinerja_engine.
values.MAX_INPUT_DIGITS` digits whose exponent range is that of ``values.to_decimal`` and which
traps every sign of a number it would not take as it is); a refused number goes to the slow
evaluation, which accepts it or reports it.

>>> from decimal import Decimal
>>> bound = make_binder(("x",), ("number",), lambda x: x * 2, lambda kw: "slow")
>>> bound({"x": Decimal("1.50")}), bound({"x": 3}), bound({"x": "3"}), bound({"y": 1})
(Decimal('3'), Decimal('6'), 'slow', 'slow')
>>> bound({"x": Decimal("1E+121")}), bound({"x": Decimal("NaN")})
('slow', 'slow')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import (
    Clamped,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    Subnormal,
)
from functools import cache
from inspect import Parameter, Signature
from types import FunctionType
from typing import Any, Final

from ..errors import KinerjaError, UsageError, shown
from ..values import MAX_EMAX, MAX_INPUT_DIGITS, Label, normalize
from .guards import guard, internal_error, keywords_only

__all__ = [
    "MISSING",
    "check_input",
    "entry_factory",
    "keyword_helpers",
    "keyword_source",
    "make_binder",
    "normalize_result",
    "raw_call_error",
    "raw_call_names",
    "rename_inputs",
]

_ZERO: Final = Decimal(0)
# Normalising a result in one C call: ``normalize`` drops trailing zeros, and clamp=1 with
# Emax = prec - 1 caps the exponent at 0, so a whole number keeps its zeros (110, not 1.1E+2),
# exactly as values.normalize writes it. Rounded and Overflow are trapped: a value of more than
# 200 digits written out goes to values.normalize, which sizes its context by the digits.
_NORMALIZE: Final = Context(
    prec=200, Emax=199, Emin=-MAX_EMAX, clamp=1, traps=[Rounded, Overflow, InvalidOperation]
)
_reduce: Final = _NORMALIZE.normalize

# values.to_decimal takes a finite Decimal of at most MAX_INPUT_DIGITS digits whose adjusted
# exponent is within ±2·MAX_INPUT_DIGITS. ``plus`` on this context signals Rounded for more
# digits, Overflow (Clamped for a zero) above Emax, Subnormal below Emin and Clamped for a zero
# below Etiny = Emin - prec + 1 = -2·MAX_INPUT_DIGITS; all are trapped, so a number it passes is
# one to_decimal takes unchanged (a tiny non-zero one in [-120, -62] is refused here and goes to
# the slow path, which takes it: refusing is always safe).
_CHECK: Final = Context(
    prec=MAX_INPUT_DIGITS,
    Emax=2 * MAX_INPUT_DIGITS,
    Emin=-(MAX_INPUT_DIGITS + 1),
    traps=[Rounded, Overflow, Subnormal, Clamped, InvalidOperation],
)
#: Raises an ``ArithmeticError`` unless a finite ``Decimal`` binds as it is (see above).
check_input: Final = _CHECK.plus
#: The default of a keyword entry's parameters: the input was not given.
MISSING: Final = object()


def normalize_result(value: Decimal) -> Decimal:
    """:func:`~kinerja_engine.values.normalize` for a finite ``Decimal``, in one C call.

    >>> normalize_result(Decimal("95.00")), normalize_result(Decimal("0.50"))
    (Decimal('95'), Decimal('0.5'))
    >>> normalize_result(Decimal("1E+2")), normalize_result(Decimal("-0.0"))
    (Decimal('100'), Decimal('0'))
    """
    if not value:
        return _ZERO  # also for -0 and 0E+3, as values.normalize
    try:
        return _reduce(value)
    except ArithmeticError:  # more than 200 digits written out: the general path
        return normalize(value)


def _input_checks(kinds: Sequence[str], slow: str, var: str = "v") -> list[str]:
    """Statements (4-space indent) that leave ``{var}{i}`` bound as the fast path takes them."""
    lines = []
    for index, kind in enumerate(kinds):
        v = f"{var}{index}"
        if kind == "number":
            lines += [
                f"    if type({v}) is not _D or not {v}.is_finite():",
                f"        if type({v}) is int and -_LIMIT < {v} < _LIMIT:",
                f"            {v} = _D({v})",
                "        else:",
                f"            return {slow}",
            ]
        else:
            lines += [f"    if type({v}) is not bool:", f"        return {slow}"]
    numbers = [f"        _check({var}{i})" for i, kind in enumerate(kinds) if kind == "number"]
    if numbers:
        lines += ["    try:", *numbers, "    except ArithmeticError:", f"        return {slow}"]
    return lines


# The result of a fast path, as the API returns it: a Decimal normalised in one C call.
_RESULT_LINES: Final = (
    "    if type(result) is _D:",
    "        if not result:",
    "            return _ZERO",
    "        try:",
    "            return _reduce(result)",
    "        except ArithmeticError:",
    "            pass",
    "    return to_result(result)",
)


@cache
def _factory(kinds: tuple[str, ...]) -> Callable[..., Callable[[Mapping[str, Any]], Any]]:
    """A maker of binders for parameters of these kinds (``number`` or ``bool``)."""
    count = len(kinds)
    names = "".join(f"n{i}, " for i in range(count))
    values = ", ".join(f"v{i}" for i in range(count))
    lines = [
        f"def make({names}run, slow, to_result):",
        "  def bound(kw):",
        f"    if len(kw) != {count}:",
        "        return slow(kw)",
    ]
    if count:
        lines += ["    try:"]
        lines += [f"        v{i} = kw[n{i}]" for i in range(count)]
        lines += ["    except KeyError:", "        return slow(kw)"]
    lines += _input_checks(kinds, "slow(kw)")
    lines += [f"    result = run({values})", *_RESULT_LINES, "  return bound"]
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = dict(_HELPERS)
    exec(compile(source, f"<kinerja binder/{'-'.join(kinds)}>", "exec"), namespace)
    make: Callable[..., Callable[[Mapping[str, Any]], Any]] = namespace["make"]
    return make


_HELPERS: Final[dict[str, Any]] = {
    "_D": Decimal,
    "_LIMIT": 10**MAX_INPUT_DIGITS,
    "_ZERO": _ZERO,
    "_check": check_input,
    "_reduce": _reduce,
}


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
    return make(*names, run, slow, to_result)


# The result of a fast path whose type is ``number``: a Decimal (inputs, constants and every
# fast step are), normalised without testing its type; anything else goes to to_result.
_NUMBER_RESULT_LINES: Final = (
    "    if not result:",
    "        return _ZERO",
    "    try:",
    "        return _reduce(result)",
    "    except Exception:",
    "        return to_result(result)",
)


def keyword_source(
    kinds: Sequence[str], fast_code: str, number_result: bool = False, body: Sequence[str] = ()
) -> tuple[str, dict[str, Any]]:
    """Source of ``formula_k``, a formula's keyword entry, and the helpers it needs.

    ``formula_k(*_args, a0=MISSING, …, **_extra)``: its keyword-only parameters ``a0 …`` are
    renamed to the input names afterwards (``CodeType.replace``), so a call binds them directly.
    It runs ``fast_code`` (over ``a0 …``) inline; names the caller's namespace must bind:
    ``_kslow(args, extra, values)`` (anything the fast path does not take), ``_kmixed(*values)``
    (after a repeating quotient) and ``_kexact(*values)`` (after any other arithmetic
    exception), ``_Inexact``, ``to_result`` and ``_kbug(exc)`` (a bug, reported as one).
    ``number_result``: the formula's type is ``number``, so its fast result is a Decimal.
    ``body``: if given, the statements (8-space indent) of that ``try`` instead of
    ``result = fast_code``, ending with ``result`` bound (:func:`.scaled.prelude`).

    >>> source, helpers = keyword_source(["number"], "_mul(a0, a0)")
    >>> source.splitlines()[0], sorted(helpers)[:2]
    ('def formula_k(*_args, a0=_kM, **_extra):', ['_D', '_KinerjaError'])
    """
    count = len(kinds)
    params = "".join(f"a{i}=_kM, " for i in range(count))
    values = "(" + "".join(f"a{i}, " for i in range(count)) + ")"
    args = ", ".join(f"a{i}" for i in range(count))
    slow = f"_kslow(_args, _extra, {values})"
    lines = [
        f"def formula_k(*_args, {params}**_extra):",
        "    if _args or _extra:",
        f"        return {slow}",
        *_input_checks(kinds, slow, "a"),
        "    try:",
        *(body or [f"        result = {fast_code}"]),
        "    except _Inexact:",
        f"        return _kmixed({args})",
        "    except ArithmeticError:",
        f"        return _kexact({args})",
        "    except _KinerjaError:",
        "        raise",
        "    except Exception as exc:",
        "        raise _kbug(exc) from exc",
        *(_NUMBER_RESULT_LINES if number_result else _RESULT_LINES),
        "",
    ]
    return "\n".join(lines) + "\n", {**_HELPERS, "_kM": MISSING, "_KinerjaError": KinerjaError}


# What ``inspect.signature`` shows for a keyword entry (its parameter names may be keywords).
_ENTRY_SIGNATURE: Final = Signature(
    [Parameter("args", Parameter.VAR_POSITIONAL), Parameter("inputs", Parameter.VAR_KEYWORD)]
)


def rename_inputs(function: Any, names: Sequence[str]) -> Callable[..., Any]:
    """``function`` with its keyword-only parameters ``a0 …`` renamed to the input ``names``.

    Only the code object's table of local names changes (``CodeType.replace``): the input
    names are never text in generated source, and may be Python keywords (``**{"class": 1}``).
    """
    code = function.__code__
    count = len(names)
    assert code.co_varnames[:count] == tuple(f"a{i}" for i in range(count))
    assert code.co_kwonlyargcount == count and not code.co_cellvars
    renamed = code.replace(co_varnames=(*names, *code.co_varnames[count:]))
    entry = FunctionType(renamed, function.__globals__, "evaluate")
    entry.__kwdefaults__ = dict.fromkeys(names, MISSING)
    entry.__signature__ = _ENTRY_SIGNATURE  # type: ignore[attr-defined]
    return entry


def keyword_helpers(
    call: Callable[[Mapping[str, Any]], Any],
    exact: Callable[..., Any],
    mixed: Callable[..., Any],
    to_result: Callable[[Any], Any],
    names: Sequence[str],
) -> dict[str, Any]:
    """What a keyword entry calls off its fast path (see :func:`keyword_source`).

    ``call(bindings)`` is the general evaluation; ``exact(*values)`` and ``mixed(*values)`` the
    formula's exact and mixed functions (internal values); ``to_result`` makes API results.
    Whatever escapes that is not a ``KinerjaError`` is a bug, reported as one.
    """
    inputs = dict.fromkeys(names, "")
    what = "evaluating a formula"

    def slow(args: tuple[Any, ...], extra: dict[str, Any], values: tuple[Any, ...]) -> Any:
        if args:
            keywords_only(args, inputs, "Formula.evaluate")
        bindings = {n: v for n, v in zip(names, values, strict=False) if v is not MISSING}
        bindings.update(extra)
        return guard(lambda: call(bindings), what)

    def exact_result(*args: Any) -> Any:
        return guard(lambda: to_result(exact(*args)), what)

    def mixed_result(*args: Any) -> Any:
        try:
            result = mixed(*args)
        except Exception:  # anything the mixed path does not take: the exact path decides
            return exact_result(*args)
        try:
            return to_result(result)
        except KinerjaError:
            raise
        except Exception as exc:  # pragma: no cover - a bug; never let it escape unexplained
            raise internal_error(exc, what) from exc

    def bug(exc: Exception) -> Exception:
        return internal_error(exc, what)

    return {
        "_kslow": slow,
        "_kexact": exact_result,
        "_kmixed": mixed_result,
        "_kbug": bug,
        "to_result": to_result,
    }


@cache
def entry_factory(arity: int, mixed: bool = False) -> Callable[..., Callable[..., Any]]:
    """A maker of entry points of ``arity`` positional parameters (no ``*args`` packing).

    The entry runs the fast function and, if it raised an ``ArithmeticError``, the exact one on
    the same inputs as fractions; with ``mixed``, a repeating quotient (``Inexact``) runs the
    definition's mixed variant first (:mod:`.mixed`), and only what that does not take goes
    to the exact one. Any other failure is ``_rawerr(exc, values)`` (``make``'s last argument,
    from :func:`raw_call_names`): an input it does not take, named, or a bug. The source is
    built only from generated identifiers.
    """
    params = ", ".join(f"a{i}" for i in range(arity))
    converted = ", ".join(f"_F(a{i})" for i in range(arity))
    # A left-out argument binds MISSING, so that raw_call_error names it (no TypeError).
    defaults = ", ".join(f"a{i}=_kM" for i in range(arity))
    lines = [
        # The mixed variant is looked up by name: its stand-in is replaced once compiled.
        "def make(fast, exact, _F, _ns, _mixed, _exit, _rawerr):",
        f"    def run({defaults}):",
        # The outer try also holds the fallbacks: a wrong input can fail in the exact path too.
        "      try:",
        "        try:",
        f"            return fast({params})",
    ]
    if mixed:
        lines += [
            "        except _Inexact:",
            "            try:",
            f"                result = _ns[_mixed]({params})",
            "            except Exception:",
            f"                return exact({converted})",
            "            return _exit(result)",
        ]
    lines += [
        "        except ArithmeticError:",
        f"            return exact({converted})",
        "      except _KinerjaError:",
        "          raise",
        "      except Exception as exc:",
        f"          raise _rawerr(exc, ({params}{',' if arity == 1 else ''})) from exc",
        "    return run",
    ]
    source = "\n".join(lines) + "\n"
    namespace: dict[str, Any] = {"_Inexact": Inexact, "_KinerjaError": KinerjaError, "_kM": MISSING}
    exec(compile(source, f"<kinerja entry/{arity}>", "exec"), namespace)
    make: Callable[..., Callable[..., Any]] = namespace["make"]
    return make


# What a raw compiled function takes for an input of each kind (Formula.function's contract;
# an int works as a number, and True as 1, so neither is refused here).
_RAW_KINDS: Final[dict[str, tuple[tuple[type, ...], str]]] = {
    "number": ((Decimal, int), "a Decimal"),
    "bool": ((bool,), "a bool"),
    "label": ((Label,), "a Label"),
    "list": ((tuple, list), "a tuple of Decimals"),
}


def raw_call_error(
    exc: Exception, params: Sequence[tuple[str, str]], values: Sequence[Any], what: str
) -> KinerjaError:
    """The error of a raw compiled function whose evaluation failed on ``exc``.

    ``Formula.function`` and ``Rulebook.function(name)`` check nothing on their way (trusted
    inputs, for hot loops); when an evaluation fails on an input they do not take (a ``str``,
    a ``float``, ``None``, a ``Decimal`` NaN or infinity, an argument left out), this is the
    :class:`UsageError` naming the first such input of ``params`` (names and kinds); anything
    else is a bug, reported as one.
    Built only after a failure: the success path pays nothing.

    >>> raw_call_error(TypeError(), [("r", "number"), ("t", "number")], [1, "9"], "f").message
    "f: input 't' (argument 2) must be a Decimal, got str"
    >>> raw_call_error(TypeError(), [("r", "number")], [MISSING], "f").message
    "f: input 'r' (argument 1) is missing"
    >>> raw_call_error(ValueError(), [("r", "number")], [Decimal("NaN")], "f").message
    "f: input 'r' (argument 1) must be a finite Decimal, got Decimal('NaN')"
    >>> raw_call_error(TypeError(), [("xs", "list")], [(Decimal(1), "x")], "f").message
    "f: input 'xs' (argument 1) must be a tuple of Decimals, got 'x' at item 1"
    """
    for position, ((name, kind), value) in enumerate(zip(params, values, strict=False), 1):
        where = f"{what}: input {name!r} (argument {position})"
        if value is MISSING:
            return UsageError(f"{where} is missing")
        types, wanted = _RAW_KINDS.get(kind, ((object,), "a value"))
        # A bool passes for 1 where an evaluation succeeds; where one failed (True / True is a
        # float on the exact path), it is an input the function does not take.
        if not isinstance(value, types) or (kind == "number" and isinstance(value, bool)):
            got = type(value).__name__
            return UsageError(f"{where} must be {wanted}, got {got}")
        if isinstance(value, Decimal) and not value.is_finite():
            # NaN and infinities have no exact value: the exact path cannot take them either.
            return UsageError(f"{where} must be a finite Decimal, got {value!r}")
        if kind == "list" and type(value) is not tuple:
            return UsageError(f"{where} must be {wanted}, got {type(value).__name__}")
        items = value if kind == "list" and isinstance(value, tuple) else ()
        for index, item in enumerate(items):
            if not (type(item) is int or (type(item) is Decimal and item.is_finite())):
                return UsageError(f"{where} must be {wanted}, got {shown(item)} at item {index}")
    return internal_error(exc, f"evaluating with {what}")


def raw_call_names(params: Sequence[tuple[str, str]], what: str) -> dict[str, Any]:
    """The names a generated raw entry's failure clause reads (:func:`raw_call_error` of
    ``params`` and ``what``, :data:`MISSING` as ``_kM``, ``KinerjaError``).

    >>> error = raw_call_names([("x", "bool")], "f")["_rawerr"]
    >>> error(TypeError(), (1,)).message
    "f: input 'x' (argument 1) must be a bool, got int"
    """

    def error(exc: Exception, values: Sequence[Any]) -> KinerjaError:
        return raw_call_error(exc, params, values, what)

    return {"_rawerr": error, "_kM": MISSING, "_KinerjaError": KinerjaError}
