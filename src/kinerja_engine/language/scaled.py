"""A repeating quotient on a formula's fast path: the evaluation goes on instead of starting over.

Input: a :class:`~.codegen.CodeGen` about to generate a formula's fast code, the checked
expression and its scope (:func:`fast_code`). Output: the fast code, whose always-evaluated
divisions of inputs and constants are hoisted into statements (one per distinct pair of
operands, :meth:`~.steps.Steps.fast_division`), and those statements for each entry
(:func:`prelude`). Where a hoisted division raises ``Inexact`` (``95 / 90`` repeats), the entry
runs that division's *continuation*: the rest of the formula with the quotient ``n / d`` carried
*scaled*. A value ``x`` that depends on the quotient is the Decimal ``V = x · d^k`` (``d > 0`` the
divisor, ``k`` the value's degree, known when the code is generated: the quotient has degree 1,
a product adds degrees, a sum raises the lower degree inside one ``FAST.fma`` and a
comparison with one ``FAST.multiply``), every other value is what the fast code computes.
The continuation ends in :func:`finish_result` (``evaluate``'s result: ``V / d^k`` rounded
once, 34 digits half up) or :func:`finish_value` (``Formula.function``'s: the exact
``Fraction``).

Guarantees: results and errors are those of the exact path. Every scaled step is a trapping
``FAST`` operation, so ``V`` is exact or the step raises; ``d^k > 0``, so comparisons, ``min``
and the other selecting builtins decide as on the exact values; a continuation raises only
arithmetic errors, which send the entry to the mixed and exact paths as a repeating quotient
did before (:mod:`.mixed`). A division that is evaluated only in some branch (under ``if``,
``and``, ``or``) is never hoisted, so a zero guard keeps guarding. What a continuation cannot
carry (a quotient divided by, passed to a list, to a rulebook function or to a builtin that
computes) is not generated: that division's ``Inexact`` starts over on the mixed path, as before.
:func:`finish_result` divides once when the result cannot be a finite decimal of more than 34
digits (a bound on the digits of ``V`` and ``d``, below), else it writes the exact value as
``values.fraction_to_decimal`` does.

The continuations are generated and compiled when the formula first meets a repeating
quotient (:func:`carry_later`); until then the entries compute the hoisted divisions and start
over on ``Inexact``.

>>> from decimal import Decimal
>>> from kinerja_engine import Formula
>>> formula = Formula.parse("min(r / t, 1.2) + s")
>>> formula.evaluate(r=95, t=90, s=Decimal("0.5")), formula.function(95, 90, 0)
(Decimal('1.555555555555555555555555555555556'), Fraction(19, 18))
>>> carried = formula._program.source.split("at the first repeating quotient:")[1]
>>> print(carried.split("def formula_k")[0].strip())
def formula_f(a0=_kM, a1=_kM, a2=_kM):
    try:
        try:
            try:
                t0 = _div(a0, a1)
                return _add((k0 if t0 > k0 else t0), a2)
            except _Inexact:
                _n = a0
                _d = a1
                if _d < _sZ:
                    _n, _d = _neg(_n), _neg(_d)
                return _sval(_fma(a2, _d, (t4 if _n > (t4 := _mul(k0, _d)) else _n)), _d, 1)
        except _Inexact:
            try:
                result = formula_m(a0, a1, a2)
            except Exception:
                return formula_x(_F(a0), _F(a1), _F(a2))
            return _exit(result)
        except ArithmeticError:
            return formula_x(_F(a0), _F(a1), _F(a2))
    except _KinerjaError:
        raise
    except Exception as exc:
        raise _rawerr(exc, (a0, a1, a2)) from exc
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, Rounded
from fractions import Fraction
from typing import Any, Final

from ..values import MAX_EMAX, PLAIN_TRAPS, fraction_to_decimal, normalize, size_error
from .binder import normalize_result, rename_inputs
from .builtins import BUILTINS, FAST
from .codegen import CodeGen
from .evaluate import ordered_args
from .nodes import Binary, Call, Expr, If, Let, ListExpr, Name, Unary, walk
from .operators import OPS, PREFIX_OPS

__all__ = [
    "MAX_CONTINUATIONS",
    "Division",
    "Where",
    "carry_later",
    "continuations",
    "entry_source",
    "fast_code",
    "finish_result",
    "finish_value",
    "prelude",
]

#: Most hoisted divisions that get a continuation (each is the rest of the formula again).
MAX_CONTINUATIONS: Final = 6
# Past these sizes a division gets no continuation (generated code stays small).
_MAX_CODE: Final = 3_000
_MAX_DEGREE: Final = 4
# Python's parser refuses 200 nested parentheses; the fast code alone may come close.
_MAX_NESTING: Final = 90
# Builtins that only compare and select (or take the absolute value): exact on scaled values.
_SELECTING: Final = frozenset(("min", "max", "clamp", "cap", "at_least", "between", "abs"))


@dataclass(frozen=True, slots=True)
class Division:
    """One hoisted division: ``var = _div(left, right)``; ``body`` and ``value`` (of degree
    ``degree``) are its continuation, or ``body`` is None when it has none."""

    var: str
    left: str
    right: str
    body: tuple[str, ...] | None = None
    value: str = ""
    degree: int = 0
    short_divisor: bool = False  # a constant of at most 6 digits: no digit check at the end


class _Unsupported(Exception):
    """The continuation cannot carry the quotient through this node."""


def fast_code(
    gen: CodeGen, expr: Expr, scope: Mapping[str, str]
) -> tuple[str, tuple[Division, ...]]:
    """The fast code of a formula and its hoisted divisions (without continuations)."""
    gen.fast_hoist = {}
    code = gen.expr(expr, scope, True)
    pairs, gen.fast_hoist = gen.fast_hoist, None
    gen.namespace.update(_HELPERS)
    return code, tuple(Division(var, left, right) for (left, right), var in pairs.items())


def continuations(
    gen: CodeGen, expr: Expr, scope: Mapping[str, str], divisions: tuple[Division, ...]
) -> tuple[Division, ...]:
    """``divisions`` with the continuations that can be generated (see the module docstring);
    ``gen`` is the formula's, after its fast code (its namespace is the formula's)."""
    pairs = {(d.left, d.right): d.var for d in divisions}
    if len(pairs) > MAX_CONTINUATIONS:
        return divisions
    carried = []
    for plain in divisions:
        division = plain
        with suppress(_Unsupported):  # no continuation: Inexact starts over, as before
            division = _Scaled(gen, plain.var, pairs).continuation(
                expr, scope, plain.left, plain.right
            )
        if len(division.value) > _MAX_CODE or _nesting(division.value) > _MAX_NESTING:
            division = plain  # what compiled before must compile
        carried.append(division)
    return tuple(carried)


def _nesting(code: str) -> int:
    """The deepest nesting of parentheses in ``code``."""
    depth = deepest = 0
    for char in code:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def prelude(divisions: tuple[Division, ...], entry: str, fast: str, carry: bool) -> list[str]:
    """The body (8-space indent) of an entry's ``try``: the hoisted divisions, then ``fast``.

    ``entry``: ``"f"`` (``return fast``; a continuation returns the exact value) or ``"k"``
    (the keyword entry: the body ends with ``result`` bound, which the entry then normalises,
    so each continuation is the ``except`` of its division and the rest its ``else``).
    Without ``carry``, no continuations: ``Inexact`` starts over on the mixed path. The last
    continuation's ``try`` also holds what follows its division (no jump over its handler on
    the fast path): an ``Inexact`` from there runs it too, which is still exact (it raises
    again where the fast code did, or carries that division's value scaled)."""
    final = f"{'result =' if entry == 'k' else 'return'} {fast}"
    carried = [i for i, d in enumerate(divisions) if d.body is not None and carry]
    lines, indent = [], "        "
    for index, d in enumerate(divisions):
        compute = f"{d.var} = _div({d.left}, {d.right})"
        if index not in carried:
            lines.append(indent + compute)
            continue
        lines += [f"{indent}try:", f"{indent}    {compute}"]
        if index == carried[-1]:
            rest = [f"{e.var} = _div({e.left}, {e.right})" for e in divisions[index + 1 :]]
            lines += [f"{indent}    {line}" for line in (*rest, final)]
        lines.append(f"{indent}except _Inexact:")
        lines += [f"{indent}    {line}" for line in (*(d.body or ()), *_finish(d, entry))]
        if index == carried[-1]:
            return lines
        if entry == "k":
            lines.append(f"{indent}else:")
            indent += "    "
    lines.append(f"{indent}{final}")
    return lines


def entry_source(name: str, exit_: str, params: list[str], body: list[str]) -> list[str]:
    """A formula's positional entry ``name`` (``formula_f``, ``formula_q``): ``body`` (see
    :func:`prelude`) with the fallbacks built in, the mixed path (``formula_m``) on ``Inexact``
    (its result through ``exit_``) and the exact one (``formula_x``) on any other arithmetic
    error; any other failure is ``_rawerr`` (:func:`.binder.raw_call_error` of the formula's
    inputs): an input the entry does not take, named, or a bug. A left-out argument binds
    ``_kM`` (``binder.MISSING``), so that it is named too."""
    args, exact_args = ", ".join(params), ", ".join(f"_F({p})" for p in params)
    defaults = ", ".join(f"{p}=_kM" for p in params)
    # The outer try also holds the fallbacks: a wrong input can fail in the exact path too.
    return [
        f"def {name}({defaults}):",
        "    try:",
        "        try:",
        *(f"    {line}" for line in body),
        "        except _Inexact:",
        "            try:",
        f"                result = formula_m({args})",
        "            except Exception:",
        f"                return formula_x({exact_args})",
        f"            return {exit_}(result)",
        "        except ArithmeticError:",
        f"            return formula_x({exact_args})",
        "    except _KinerjaError:",
        "        raise",
        "    except Exception as exc:",
        f"        raise _rawerr(exc, ({args}{',' if len(params) == 1 else ''})) from exc",
        "",
    ]


#: What a formula's continuations are generated from: its code generator (after its fast
#: code), expression, scope, hoisted divisions and fast code.
Where = tuple[CodeGen, Expr, Mapping[str, str], tuple[Division, ...], str]


def carry_later(
    namespace: dict[str, Any],
    program: Any,
    where: Where,
    keyword_source: Callable[[list[str]], str] | None,
) -> None:
    """When a formula first meets a repeating quotient (its first call of ``formula_m``),
    generate its continuations, compile ``formula_f`` and, given ``keyword_source`` (the
    keyword entry's source for a body, :func:`.binder.keyword_source`), ``formula_k`` with
    them, and give the compiled code to ``program``'s entries (``__code__``: whoever holds
    ``Formula.function`` or ``Formula.evaluate`` gets it); that first call starts over on the
    mixed path. Most formulas never meet a repeating quotient: parsing generates none."""
    start_over = namespace["formula_m"]
    where[0].lines, where[0].generated = [], []  # held until then: not the source's texts

    def first(*args: Any) -> Any:
        namespace["formula_m"] = start_over
        # Anything unexpected leaves the entries as they are: they are exact without it.
        with suppress(Exception):
            _carry(namespace, program, where, keyword_source)
        return start_over(*args)

    namespace["formula_m"] = first


def _carry(
    namespace: dict[str, Any],
    program: Any,
    where: Where,
    keyword_source: Callable[[list[str]], str] | None,
) -> None:
    gen, expr, scope, divisions, fast = where
    done = continuations(gen, expr, scope, divisions)
    if all(d.body is None for d in done):
        return
    params = list(scope.values())
    lines = entry_source("formula_f", "_exit", params, prelude(done, "f", fast, True))
    if keyword_source is not None:
        lines += keyword_source(prelude(done, "k", fast, True)).splitlines()
    source = "\n".join(lines)
    entry, keywords = namespace["formula_f"], namespace.get("formula_k")
    exec(compile(source, "<kinerja formula>", "exec"), namespace)
    entry.__code__, namespace["formula_f"] = namespace["formula_f"].__code__, entry
    if keyword_source is not None:
        names = program.keywords().__code__.co_varnames[: len(params)]
        renamed = rename_inputs(namespace["formula_k"], names).__code__
        program.keywords().__code__, namespace["formula_k"] = renamed, keywords
    program.source += "\n# with continuations, at the first repeating quotient:\n" + source


def _finish(d: Division, entry: str) -> list[str]:
    """The last statements of a continuation: its value as the entry gives it."""
    if entry == "f":
        return [f"return {d.value}" if not d.degree else f"return _sval({d.value}, _d, {d.degree})"]
    if not d.degree:
        return [f"result = {d.value}"]
    if d.degree not in _SCALED_FITS:
        return [f"result = _sfin({d.value}, _d, {d.degree})"]
    divisor = "_d" if d.degree == 1 else "_mul(_d, _d)"
    # One rounding when the digits allow it (see finish_result), inline: no call.
    return [
        f"_v = {d.value}",
        "try:",
        *([] if d.short_divisor else ["    _sfits(_d)"]),
        f"    _sfits{d.degree}(_v)",
        "except ArithmeticError:",
        f"    result = _sfin(_v, _d, {d.degree})",
        "else:",
        f"    result = _sround(_v, {divisor})",
    ]


class _Scaled:
    """Generates one division's continuation (see the module docstring)."""

    def __init__(self, gen: CodeGen, var: str, pairs: dict[tuple[str, str], str]) -> None:
        self.gen = gen
        self.var = var
        self.pairs = pairs
        self.powers = 1
        self.marked: dict[int, bool] = {}
        self.keep: list[Expr] = []

    def continuation(self, expr: Expr, scope: Mapping[str, str], left: str, right: str) -> Division:
        value, degree = self.code(expr, scope, {})
        body = [f"_n = {left}"]
        divisor = self.gen.namespace.get(right)
        if type(divisor) is not Decimal:
            body += [f"_d = {right}", "if _d < _sZ:", "    _n, _d = _neg(_n), _neg(_d)"]
        elif divisor < 0:
            body += ["_n = _neg(_n)", f"_d = {self.gen.decimal_constant(FAST.minus(divisor))}"]
        else:
            body.append(f"_d = {right}")
        # The divisions after this one; those before it are computed already.
        later = list(self.pairs.items())
        later = later[[v for _, v in later].index(self.var) + 1 :]
        body += [f"{v} = _div({a}, {b})" for (a, b), v in later]
        body += [f"_d{j} = _mul(_d{j - 1 if j > 2 else ''}, _d)" for j in range(2, self.powers + 1)]
        short = type(divisor) is Decimal and len(divisor.as_tuple().digits) <= _DIVISOR_DIGITS
        return Division(self.var, left, right, tuple(body), value, degree, short)

    # -- which nodes carry the quotient ----------------------------------------------------

    def _quotient(self, e: Expr) -> bool:
        known = self.gen.hoisted_nodes.get(id(e))
        return known is not None and known[1] == self.var

    def _contains(self, e: Expr) -> bool:
        found = self.marked.get(id(e))
        if found is None:
            found = self._quotient(e) or any(
                self._contains(c) for c in e.children() if isinstance(c, Expr)
            )
            self.marked[id(e)] = found
        return found

    def _depends(self, e: Expr, degrees: Mapping[str, int]) -> bool:
        if self._contains(e):
            return True
        scaled = {name for name, degree in degrees.items() if degree}
        return bool(scaled) and any(isinstance(n, Name) and n.id in scaled for n in walk(e))

    # -- code ------------------------------------------------------------------------------

    def code(
        self, e: Expr, scope: Mapping[str, str], degrees: Mapping[str, int]
    ) -> tuple[str, int]:
        """``e``'s code and degree: a value of degree ``k`` is the Decimal ``x · d^k``."""
        if not self._depends(e, degrees):
            return self.gen.expr(e, scope, True), 0
        if isinstance(e, Name):
            return scope[e.id], degrees.get(e.id, 0)
        if isinstance(e, Binary):
            code, degree = self._binary(e, scope, degrees)
        elif isinstance(e, Unary):
            code, degree = self.code(e.operand, scope, degrees)
            code = PREFIX_OPS[e.op].fast_code.format(a=code)
        elif isinstance(e, If):
            cond, _ = self.code(e.cond, scope, degrees)
            then, orelse, degree = self._aligned(e.then, e.orelse, scope, degrees)
            code = f"({then} if {cond} else {orelse})"
        elif isinstance(e, Let):
            code, degree = self._let(e, scope, degrees)
        elif isinstance(e, Call):
            code, degree = self._call(e, scope, degrees)
        else:  # a list
            raise _Unsupported
        if degree > _MAX_DEGREE:
            raise _Unsupported
        return code, degree

    def _binary(
        self, e: Binary, scope: Mapping[str, str], degrees: Mapping[str, int]
    ) -> tuple[str, int]:
        if e.op == "/" and self._quotient(e):
            return "_n", 1
        op = OPS[e.op]
        if op.kind == "logical":
            left, _ = self.code(e.left, scope, degrees)
            right, _ = self.code(e.right, scope, degrees)
            return op.fast_code.format(a=left, b=right), 0
        if e.op == "==":  # ``x == 0`` is ``not x`` at any degree, as on the fast path
            for zero, other in ((e.right, e.left), (e.left, e.right)):
                value = self.gen.fold(zero, scope)
                if type(value) is Fraction and not value:
                    return f"(not {self.code(other, scope, degrees)[0]})", 0
        if op.kind == "comparison":
            left, right, _ = self._aligned(e.left, e.right, scope, degrees)
            return f"({left} {e.op} {right})", 0
        if e.op == "/":
            if self._depends(e.right, degrees):
                raise _Unsupported  # a quotient divided by: the mixed path
            left, degree = self.code(e.left, scope, degrees)
            return f"_sdiv({left}, {self.gen.expr(e.right, scope, True)})", degree
        if e.op == "+":
            summed = self._sum(e, scope, degrees)
            if summed is not None:
                return summed
        left, a = self.code(e.left, scope, degrees)
        right, b = self.code(e.right, scope, degrees)
        if e.op == "*":
            return f"_mul({left}, {right})", a + b
        if a == b:
            return f"{'_add' if e.op == '+' else '_sub'}({left}, {right})", a
        # Raising the lower degree and adding: one fma (the exact product, then the sum).
        if a < b:
            right = right if e.op == "+" else f"_neg({right})"
            return f"_fma({left}, {self._power(b - a)}, {right})", b
        lowered = right if e.op == "+" else f"_neg({right})"
        return f"_fma({lowered}, {self._power(a - b)}, {left})", a

    def _sum(
        self, e: Binary, scope: Mapping[str, str], degrees: Mapping[str, int]
    ) -> tuple[str, int] | None:
        """A sum of terms of which two or more do not carry the quotient: those first, as the
        fast code sums them, then the others, and the two sums raised and added in one fma.
        Exact sums do not depend on the order (and any step that is not exact raises)."""
        terms = self.gen.sum_terms(e, scope)
        plain = [t for t in terms if not self._depends(t, degrees)]
        if len(plain) < 2:
            return None
        plain_sum = plain[0]
        for term in plain[1:]:
            plain_sum = Binary("+", plain_sum, term)
        self.keep.append(plain_sum)  # the compiler's memo holds nodes by id while it lives
        scaled = [self.code(t, scope, degrees) for t in terms if self._depends(t, degrees)]
        code, degree = scaled[0]
        for other, other_degree in scaled[1:]:
            if other_degree == degree:
                code = f"_add({code}, {other})"
            elif other_degree < degree:
                code = f"_fma({other}, {self._power(degree - other_degree)}, {code})"
            else:
                code = f"_fma({code}, {self._power(other_degree - degree)}, {other})"
                degree = other_degree
        rest = self.gen.expr(plain_sum, scope, True)
        if degree == 0:
            return f"_add({rest}, {code})", 0
        return f"_fma({rest}, {self._power(degree)}, {code})", degree

    def _let(self, e: Let, scope: Mapping[str, str], degrees: Mapping[str, int]) -> tuple[str, int]:
        inner, inner_degrees = dict(scope), dict(degrees)
        parts = []
        for name, value in e.bindings:
            code, degree = self.code(value, inner, inner_degrees)
            var = f"t{next(self.gen.temp)}"
            parts.append(f"({var} := {code})")
            inner[name], inner_degrees[name] = var, degree
        body, degree = self.code(e.body, inner, inner_degrees)
        return f"({', '.join([*parts, body])})[-1]", degree

    def _call(
        self, e: Call, scope: Mapping[str, str], degrees: Mapping[str, int]
    ) -> tuple[str, int]:
        builtin = BUILTINS.get(e.func)
        if builtin is None or e.func not in _SELECTING:
            raise _Unsupported  # a rulebook function or a builtin that computes
        args = ordered_args(e, [p for p, _ in builtin.params])
        if args is None or any(isinstance(a, ListExpr) for a in args):
            raise _Unsupported
        if builtin.inline in ("pick>", "pick<") and len(args) == 2:
            a, b, degree = self._aligned(args[0], args[1], scope, degrees)
            return self.gen.pick(a, b, builtin.inline[-1]), degree
        codes = [self.code(a, scope, degrees) for a in args]
        degree = max(d for _, d in codes)
        raised = [c if d == degree else f"_mul({c}, {self._power(degree - d)})" for c, d in codes]
        impl = f"b_{e.func}_f"
        self.gen.namespace[impl] = builtin.fast
        return f"{impl}({', '.join(raised)})", 0 if e.func == "between" else degree

    def _aligned(
        self, left: Expr, right: Expr, scope: Mapping[str, str], degrees: Mapping[str, int]
    ) -> tuple[str, str, int]:
        """Both operands' code at the same degree (the lower one multiplied up)."""
        a_code, a = self.code(left, scope, degrees)
        b_code, b = self.code(right, scope, degrees)
        if a < b:
            a_code = f"_mul({a_code}, {self._power(b - a)})"
        elif b < a:
            b_code = f"_mul({b_code}, {self._power(a - b)})"
        return a_code, b_code, max(a, b)

    def _power(self, degree: int) -> str:
        """The name of ``d ** degree`` (the continuation computes the powers it uses)."""
        if degree > _MAX_DEGREE:
            raise _Unsupported
        self.powers = max(self.powers, degree)
        return "_d" if degree == 1 else f"_d{degree}"


# --------------------------------------------------------------------------- the ends


def _fits(digits: int) -> Any:
    """``plus`` on a context of ``digits`` digits that traps ``Rounded``: it raises for a
    Decimal with more digits and returns any other unchanged."""
    return Context(prec=digits, Emax=MAX_EMAX, Emin=-MAX_EMAX, traps=[Rounded]).plus


_RESULT: Final = Context(
    prec=34, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=-MAX_EMAX, traps=list(PLAIN_TRAPS)
)
# When x = V / d^k is a finite decimal, its digits are at most those of V plus
# floor(2.322 · k · digits(d)) + 1 (d = 2^a 5^b s: dividing by 2^a 5^b multiplies by at most
# 5^a, and a < 3.322 · digits(d)). With d of at most 6 digits, V of at most 20 digits (k = 1)
# or 6 (k = 2) leaves x at most 34 digits: one correctly rounded division is then its value
# written out, or fraction_to_decimal's 34 digits of a value that is not a finite decimal.
_DIVISOR_DIGITS: Final = 6
_DIVISOR_FITS: Final = _fits(_DIVISOR_DIGITS)
_SCALED_FITS: Final = {1: _fits(20), 2: _fits(6)}


def finish_result(value: Decimal, d: Decimal, degree: int) -> Decimal:
    """``evaluate``'s result for ``value / d ** degree``: what ``to_result`` gives the exact
    ``Fraction`` (``normalize(fraction_to_decimal(x))``), from one division when it can.

    >>> finish_result(Decimal(95), Decimal(90), 1), finish_result(Decimal(3), Decimal(2), 2)
    (Decimal('1.055555555555555555555555555555556'), Decimal('0.75'))
    """
    fits = _SCALED_FITS.get(degree)
    if fits is not None:
        try:
            _DIVISOR_FITS(d)
            fits(value)
            rounded = _RESULT.divide(value, d if degree == 1 else FAST.multiply(d, d))
        except ArithmeticError:
            pass
        else:
            return normalize_result(rounded)
    return normalize(fraction_to_decimal(finish_value(value, d, degree)))


def finish_value(value: Decimal, d: Decimal, degree: int) -> Fraction:
    """``value / d ** degree`` (``d > 0``) as the exact ``Fraction`` the exact path returns.

    >>> finish_value(Decimal("9.5"), Decimal(9), 1)
    Fraction(19, 18)
    """
    # Two plain tests, not any() over a generator: this runs on every repeating result.
    if (type(value) is Decimal and not -MAX_EMAX <= value.adjusted() <= MAX_EMAX) or (
        type(d) is Decimal and not -MAX_EMAX <= d.adjusted() <= MAX_EMAX
    ):
        # Only a raw input gets here (Decimal("1E+999999999") given to Formula.function):
        # the exact path refuses it at once (codegen.to_fraction); its integer would not end.
        raise size_error()
    num, den = value.as_integer_ratio()
    p, q = d.as_integer_ratio()
    if degree != 1:
        p, q = p**degree, q**degree
    return Fraction(num * q, den * p)


# Names the continuations use besides the fast code's own (see codegen.CodeGen.namespace).
_HELPERS: Final[dict[str, Any]] = {
    "_sdiv": FAST.divide,
    "_sfin": finish_result,
    "_sval": finish_value,
    "_sZ": Decimal(0),
    "_sfits": _DIVISOR_FITS,
    "_sfits1": _SCALED_FITS[1],
    "_sfits2": _SCALED_FITS[2],
    "_sround": _RESULT.divide,
}
