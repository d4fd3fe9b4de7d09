"""Phase 3, compile: checked program in, fast Python functions out.

Input: a :class:`~kinerja_engine.language.checker.CheckedFormula` or
:class:`~kinerja_engine.language.checker.CheckedRulebook`. Output: a :class:`Program` whose
functions evaluate the rules many times without re-parsing or re-checking.

How exactness and speed are both kept: every expression is generated twice from the checked AST
(by :class:`~.codegen.CodeGen`).

* The **fast** variant computes on :class:`~decimal.Decimal` under a context that traps every
  rounding (:data:`~kinerja_engine.language.builtins.FAST`), so what it returns is exact.
* The **exact** variant computes on :class:`~fractions.Fraction`. It runs only when the fast one
  raised (``1 / 3`` is not a finite decimal, a division by zero, …), and it is the one that
  reports errors, naming the sub-expression that failed.

Generated source is built only from our own checked AST: every name becomes a generated
identifier and every constant (numbers, labels) is passed in a table, so user text never
becomes code. Constants are folded at compile time by the one exact evaluator
(:mod:`.evaluate`); ``if``, ``and`` and ``or`` are lazy. Guarantees: a result is exact (the fast
path traps every rounding), errors name the failing sub-expression, and compiling is done once
per rulebook or formula.

Identifier scheme of the generated code (all of it is in :attr:`Program.source`):

* ``f{n}`` / ``x{n}``: the fast / exact function of definition number ``n`` (its index in the
  checked rulebook's ``order``: callees before callers); ``fc{n}`` / ``xc{n}``: the fast /
  exact value of constant number ``n`` (an ``Unexact`` stand-in when the value is not a finite
  decimal); ``m{n}``: the matrix table of definition ``n``; ``q{n}``: the mixed variant of
  function ``n`` (:mod:`.mixed`: decimals and quotients), compiled on its first call, which
  a rulebook entry (:meth:`Program.raw`) runs when the fast one met a repeating quotient
  (``_Inexact``), before the exact one;
* ``formula_f`` / ``formula_x``: a formula's fast entry (with the fallbacks built in) and
  its exact function; ``formula_m``: the formula's mixed variant, run when the fast path met
  a repeating quotient (``_Inexact``) and before the exact path; ``formula_q``: ``formula_f``
  whose result may be
  a mixed-path ``Quotient`` (the binder's entry; ``_exit`` turns one into a ``Fraction``);
  ``formula_k``: the keyword entry, ``Formula.evaluate`` itself (:func:`.binder.keyword_source`:
  input checks, the fast code inline, its ``_k…`` helpers off the fast path); a formula's own
  ``_div`` divides on a 60-digit copy of the fast context (see ``_DIVIDE``); the entries
  compute its always-evaluated divisions of inputs first, each with a continuation after
  ``Inexact`` once one repeated (:mod:`.scaled`: ``_n``/``_d`` the quotient, ``_s…`` helpers);
* ``a{i}``: the ``i``-th parameter of a generated function (inputs in call order);
* ``t{i}``: a temporary (a ``let`` binding, an operand of an inlined ``cap``/``min``…);
* ``k{i}``: a literal constant (a Decimal on the fast path, a Fraction on the exact one, a
  label); ``kq{i}``: a constant that is not a finite decimal, on the mixed path (a quotient
  there); ``bound{i}``: a band-row bound; ``b_{builtin}_f`` / ``b_{builtin}_x``: a builtin's
  fast / exact implementation;
* helpers, all starting with ``_``: ``_add _sub _mul _div _neg _fma`` (the trapping decimal
  context; in mixed code ``_add`` & co. take quotients, ``_fadd _fsub _fmul _fdiv`` are the
  decimal steps, ``_total`` a sum, ``_repeating`` a division that raised ``Inexact``),
  ``_xdiv _xsize _xcall _outside`` (exact steps that report errors; the integer argument of
  ``_xdiv``/``_xcall`` is a *site*, the index of the sub-expression's text and position),
  ``_F`` (Decimal to Fraction), ``_not_exact``/``_NotExact`` (hand over to the exact path).

>>> from kinerja_engine.language.parser import parse_formula
>>> from kinerja_engine.language.checker import check_formula
>>> program = compile_formula(check_formula(parse_formula("1 / 3 * 3 == 1"), "1 / 3 * 3 == 1"))
>>> program.run({})
True
>>> text = "if t == 0 then 0 else cap(r / t, 120%)"  # a guarded division is not hoisted
>>> program = compile_formula(check_formula(parse_formula(text), text))
>>> print(program.source.split("def formula_q")[0].strip())  # doctest: +ELLIPSIS
def formula_f(a0=_kM, a1=_kM):
    try:
        try:
            return (k0 if (not a0) else (k1 if (t0 := _div(a1, a0)) > k1 else t0))
        except _Inexact:
            ...
        except ArithmeticError:
            return formula_x(_F(a0), _F(a1))
    except _KinerjaError:
        raise
    except Exception as exc:
        raise _rawerr(exc, (a0, a1)) from exc
>>> [line.split("(")[0] for line in program.source.splitlines() if line.startswith("def ")]
['def formula_f', 'def formula_q', 'def formula_x', 'def formula_k', 'def formula_m']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Context, Decimal, Inexact
from fractions import Fraction
from typing import Any, Final

from ..errors import BindingError, UsageError
from ..values import (
    Label,
    fraction_to_decimal,
    is_terminating,
    normalize,
    to_number,
)
from .binder import (
    entry_factory,
    keyword_helpers,
    keyword_source,
    make_binder,
    normalize_result,
    raw_call_names,
    rename_inputs,
)
from .builtins import FAST, Type
from .checked import CheckedFormula, CheckedRulebook
from .codegen import CodeGen, NotExact, Unexact, to_fraction
from .mixed import Quotient, exit_value, lazy_functions
from .parser import without_gc_pauses
from .scaled import carry_later, entry_source, prelude
from .scaled import fast_code as hoisted_fast_code

__all__ = [
    "MAX_LIST_LENGTH",
    "Program",
    "compile_formula",
    "compile_rulebook",
    "to_fraction",
    "to_result",
]

#: Longest list a caller may bind to a list input.
MAX_LIST_LENGTH: Final = 100_000

# A formula's own divisions: FAST with fewer digits. A quotient of up to 60 digits (an input's
# worth) is computed in libmpdec's static storage, ~1/3 cheaper than at FAST's 80; a longer
# exact one raises Inexact and is computed by the mixed path on FAST, which gives the same
# Decimal. Emin keeps FAST's Etiny, so nothing underflows here that does not there. (Only a
# dividend of more than 60 digits, an intermediate, can give an exact quotient whose
# coefficient ends in zeros past 60 digits: Rounded is not trapped, as on FAST, so it keeps 60
# of them; the same value, and the same result once normalised. 38 or 19 digits were measured:
# 5-13 ns less per division, for the mixed path on every exact quotient longer than that.)
_DIVIDE_DIGITS: Final = 60
_DIVIDE: Final = Context(
    prec=_DIVIDE_DIGITS,
    rounding=FAST.rounding,
    Emax=FAST.Emax,
    Emin=FAST.Emin - (FAST.prec - _DIVIDE_DIGITS),
    traps=[signal for signal, on in FAST.traps.items() if on],
)


def to_result(value: Any) -> Any:
    """Turn an internal value into what the API returns: Decimal, bool, Label or tuple.

    >>> to_result(Fraction(1, 4)), to_result(Decimal("95.00")), to_result(True)
    (Decimal('0.25'), Decimal('95'), True)
    """
    kind = type(value)
    if kind is Decimal:
        return normalize_result(value)
    if kind is bool or kind is Label:  # before isinstance(·, Fraction), an ABC check
        return value
    if kind is Quotient:
        return normalize_result(value.result())
    if isinstance(value, Fraction):
        return normalize(fraction_to_decimal(value))
    if isinstance(value, Decimal):
        return normalize(value)
    if isinstance(value, tuple):
        return tuple(to_result(v) for v in value)
    return value


# --------------------------------------------------------------------------- programs


class Program:
    """Compiled rules: call :meth:`run` (a formula) or :meth:`call` (a named definition).

    Bindings are converted once per call (numbers through
    :func:`~kinerja_engine.values.to_decimal`, labels through their enum's spellings); the
    generated functions then run without any further checks.

    ``text`` is the rules text the program was compiled from; ``source`` is the generated
    Python text (every piece that was executed, in order), for debugging: its identifiers
    follow the scheme in this module's docstring.

    >>> from kinerja_engine.language.parser import parse_formula
    >>> from kinerja_engine.language.checker import check_formula
    >>> program = compile_formula(check_formula(parse_formula("x * 2"), "x * 2"))
    >>> program.text, program.source.splitlines()[3]
    ('x * 2', '            return _mul(a0, k0)')
    """

    __slots__ = (
        "_binders",
        "_bound",
        "_def_ids",
        "_entries",
        "_exact",
        "_fast",
        "_inputs",
        "_keywords",
        "_namespace",
        "_results",
        "book",
        "source",
        "text",
    )

    def __init__(
        self,
        text: str,
        book: CheckedRulebook | None,
        fast: dict[str, Callable[..., Any]],
        exact: dict[str, Callable[..., Any]],
        inputs: dict[str, tuple[tuple[str, Type], ...]],
        link: tuple[dict[str, Any], dict[str, int]] = ({}, {}),
        entries: dict[str, Callable[..., Any]] | None = None,
        source: str = "",
        results: dict[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.text = text
        self.source = source
        self.book = book
        self._fast = fast
        self._exact = exact
        self._inputs = inputs
        # The generated namespace and identifiers, so formulas can link to these definitions.
        self._namespace, self._def_ids = link
        # Entry points: the fast function with the exact fallback built in (see raw()).
        self._entries: dict[str, Callable[..., Any]] = dict(entries or {})
        # Per definition: the expected names and one converter per input, in call order.
        self._binders: dict[str, tuple[frozenset[str], tuple[_Converter, ...]]] = {}
        # Per definition: the generated binder (see bound()).
        self._bound: dict[str, Callable[[Mapping[str, Any]], Any]] = {}
        # Entries whose result may be a mixed-path Quotient (the binder turns it into a result).
        self._results = dict(results or {})
        # A formula's keyword entry (see keywords()), set by compile_formula.
        self._keywords: Callable[..., Any] | None = None

    def signature(self, name: str = "") -> tuple[tuple[str, Type], ...]:
        """The inputs of definition ``name`` (``""`` for a formula), in call order."""
        return self._inputs[name]

    def exact(self, name: str = "") -> Callable[..., Any]:
        """The exact-only function of definition ``name``: ``Fraction`` arguments, no fast path.

        The reference the fast path is checked against (``appraise(..., exact_only=True)``).

        >>> from fractions import Fraction
        >>> from kinerja_engine import Rulebook
        >>> Rulebook.parse('rulebook "r" version "1" def third(x) = x / 3').program.exact("third")(
        ...     Fraction(1))
        Fraction(1, 3)
        """
        if name not in self._exact:
            raise UsageError(f"no definition '{name}' to call")
        return self._exact[name]

    def raw(self, name: str = "") -> Callable[..., Any]:
        """The fast function with exact fallback, for trusted positional inputs.

        Arguments must already be ``Decimal`` (numbers), ``bool``, :class:`Label` or tuples of
        ``Decimal``; the result is ``Decimal``/``Fraction``/``bool``/``Label``. This is the hot
        path used by the scoring pipeline and the benchmarks.
        """
        entry = self._entries.get(name)
        if entry is None:
            if name not in self._fast:
                raise UsageError(f"no definition '{name}' to call")
            fast, exact = self._fast[name], self._exact[name]
            mixed = self._mixed_name(name)
            make = entry_factory(len(self._inputs[name]), mixed is not None)
            spec = [(p, t.kind) for p, t in self._inputs[name]]
            error = raw_call_names(spec, f"Rulebook.function({name!r})")["_rawerr"]
            entry = make(fast, exact, to_fraction, self._namespace, mixed, exit_value, error)
            self._entries[name] = entry
        return entry

    def _mixed_name(self, name: str) -> str | None:
        """The generated name of definition ``name``'s mixed variant, if it has one."""
        ident = self._def_ids.get(name)
        key = None if ident is None else f"q{ident}"
        return key if key is not None and key in self._namespace else None

    def bound(self, name: str = "") -> Callable[[Mapping[str, Any]], Any]:
        """``call(name, ·)`` as one generated function of the caller's keyword bindings.

        Same results and errors as :meth:`call`; inputs that are already ``Decimal``, ``int``
        or ``bool`` (the usual case) are bound without a conversion call (:mod:`.binder`).

        >>> from kinerja_engine.language.parser import parse_formula
        >>> from kinerja_engine.language.checker import check_formula
        >>> program = compile_formula(check_formula(parse_formula("x * 2"), "x * 2"))
        >>> program.bound()({"x": 4}), program.bound()({"x": "0.25"})
        (Decimal('8'), Decimal('0.5'))
        """
        binder = self._bound.get(name)
        if binder is None:
            raw = self._results.get(name) or self.raw(name)
            params = self._inputs[name]

            def slow(bindings: Mapping[str, Any]) -> Any:
                return self.call(name, bindings)

            binder = self._bound[name] = make_binder(
                [p for p, _ in params], [t.kind for _, t in params], raw, slow, to_result
            )
        return binder

    def keywords(self) -> Callable[..., Any]:
        """A formula's ``evaluate(**inputs)``: ``call("", inputs)`` as one generated function.

        Its keyword-only parameters are the formula's inputs, so a call binds them without a
        dictionary, and the formula's fast code runs inline; results and errors are those of
        :meth:`call` (positional arguments are refused as ``Formula.evaluate`` refuses them).

        >>> from kinerja_engine.language.parser import parse_formula
        >>> from kinerja_engine.language.checker import check_formula
        >>> evaluate = compile_formula(check_formula(parse_formula("x * 2"), "x * 2")).keywords()
        >>> evaluate(x=4), evaluate(x="0.25"), evaluate(**{"x": 1})
        (Decimal('8'), Decimal('0.5'), Decimal('2'))
        """
        if self._keywords is None:
            raise UsageError("only a formula has a keyword entry")
        return self._keywords

    def bind(self, name: str, bindings: Mapping[str, Any]) -> list[Any]:
        """Convert a caller's keyword bindings to positional runtime values, checking each."""
        binder = self._binders.get(name)
        if binder is None:
            binder = self._binders[name] = self._binder(name)
        names, converters = binder
        if bindings.keys() == names:  # the usual case: exactly the expected inputs
            return [convert(bindings) for convert in converters]
        params = self._inputs[name]
        expected = {p for p, _ in params}
        unknown = [k for k in bindings if k not in expected]
        if unknown:
            import difflib  # noqa: PLC0415 - only on the error path

            close = difflib.get_close_matches(unknown[0], sorted(expected), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            listed = ", ".join(sorted(expected)) or "nothing"
            # repr: a name from **kwargs may hold control characters or be huge.
            shown = repr(unknown[0][:60]) + ("…" if len(unknown[0]) > 60 else "")
            raise BindingError(
                f"unknown input {shown}{hint}; {name or 'the formula'} takes {listed}"
            )
        args = []
        for param, type_ in params:
            if param not in bindings:
                raise BindingError(f"missing input '{param}' ({type_.describe()})")
            args.append(self._convert(bindings[param], param, type_))
        return args

    def _binder(self, name: str) -> tuple[frozenset[str], tuple[_Converter, ...]]:
        converters: list[_Converter] = []
        for param, type_ in self._inputs[name]:
            if type_.kind == "number":
                converters.append(_number_converter(param))
            else:
                converters.append(_value_converter(self, param, type_))
        return frozenset(p for p, _ in self._inputs[name]), tuple(converters)

    def _convert(self, value: Any, param: str, type_: Type) -> Any:
        if type_.kind == "number":
            return to_number(value, param)
        if type_.kind == "bool":
            if not isinstance(value, bool):
                raise BindingError(f"{param}: expected true or false, got {value!r}")
            return value
        if type_.kind == "list":
            if isinstance(value, str | bytes) or not isinstance(value, Sequence):
                raise BindingError(f"{param}: expected a list of numbers, got {value!r:.60}")
            if len(value) > MAX_LIST_LENGTH:
                raise BindingError(f"{param}: more than {MAX_LIST_LENGTH:,} values")
            return tuple(to_number(v, f"{param}[{i}]") for i, v in enumerate(value))
        enums = self.book.enums if self.book is not None else {}
        if type_.kind == "label" and type_.enum is not None and type_.enum in enums:
            return enums[type_.enum].resolve(value, param)
        raise BindingError(f"{param}: cannot bind a value of type {type_}")  # pragma: no cover

    def call(self, name: str, bindings: Mapping[str, Any], *, exact: bool = False) -> Any:
        """Evaluate definition ``name`` (``""`` for a formula) with keyword ``bindings``."""
        args = self.bind(name, bindings)
        if exact or any(map(_is_fraction, args)):
            # A Fraction input (1/3) has no decimal: only the exact path can take it as is.
            result = self._exact[name](*map(to_fraction, args))
            return result if exact else to_result(result)
        return to_result(self.raw(name)(*args))

    def run(self, bindings: Mapping[str, Any]) -> Any:
        """Evaluate a compiled formula."""
        return self.call("", bindings)


_Converter = Callable[[Mapping[str, Any]], Any]


def _is_fraction(value: Any) -> bool:
    if type(value) is tuple:
        return any(type(v) is Fraction for v in value)
    return type(value) is Fraction


def _number_converter(param: str) -> _Converter:
    def convert(bindings: Mapping[str, Any]) -> Any:
        return to_number(bindings[param], param)

    return convert


def _value_converter(program: Program, param: str, type_: Type) -> _Converter:
    def convert(bindings: Mapping[str, Any]) -> Any:
        return program._convert(bindings[param], param, type_)

    return convert


def _gen_helpers(gen: CodeGen) -> dict[str, Any]:
    # The runtime helpers must report against the formula's own source, not the rulebook's.
    return {"_xdiv": gen._xdiv, "_xcall": gen._xcall, "_outside": gen._outside}


def _rulebook_gen(book: CheckedRulebook) -> CodeGen:
    gen = CodeGen(book, book.source)
    # A rulebook's exact functions run only when a fast one fails: compiled then, which
    # roughly halves the Python compile() work of Rulebook.parse.
    gen.lazy_exact = True
    for ident, name in enumerate(book.order):
        gen.def_ids[name] = ident
    for ident, name in enumerate(book.order):
        if name in book.consts:
            _compile_const(gen, book, name, ident)
        else:
            # Pending function source is executed together, before the first constant that may
            # call it (see _compile_const) or at the end.
            gen.function(book.funcs[name], ident)
    if gen.lines:
        gen.build(book.node.header.name)
        gen.lines = []
    # Each function's mixed variant, compiled when a repeating quotient first needs it.
    lazy_functions(gen.namespace, gen.mixed_sources)
    return gen


def _compile_const(gen: CodeGen, book: CheckedRulebook, name: str, ident: int) -> None:
    info = book.consts[name]
    value = info.value
    if value is None:
        # Not foldable by the checker (it calls rulebook functions): evaluate it now, exactly.
        gen.lines.append(f"xc{ident} = {gen.expr(info.node.expr, {}, False)}")
        gen.build(book.node.header.name)
        gen.lines = []
        value = gen.namespace[f"xc{ident}"]
    gen.namespace[f"xc{ident}"] = value
    if isinstance(value, Fraction):
        gen.namespace[f"fc{ident}"] = (
            fraction_to_decimal(value) if is_terminating(value) else Unexact()
        )
    elif isinstance(value, tuple):
        terminating = all(is_terminating(v) for v in value)
        gen.namespace[f"fc{ident}"] = (
            tuple(fraction_to_decimal(v) for v in value) if terminating else Unexact()
        )
    else:
        gen.namespace[f"fc{ident}"] = value


def compile_rulebook(book: CheckedRulebook) -> Program:
    """Compile every definition of a checked rulebook.

    >>> from kinerja_engine.language.parser import parse_rulebook
    >>> from kinerja_engine.language.checker import check_rulebook
    >>> text = 'rulebook "r"  def half(x) = x / 2'
    >>> compile_rulebook(check_rulebook(parse_rulebook(text), text)).call("half", {"x": 5})
    Decimal('2.5')
    """
    with without_gc_pauses():  # thousands of code objects and constants, none cyclic garbage
        gen = _rulebook_gen(book)
    fast: dict[str, Callable[..., Any]] = {}
    exact: dict[str, Callable[..., Any]] = {}
    inputs: dict[str, tuple[tuple[str, Type], ...]] = {}
    for name, ident in gen.def_ids.items():
        if name in book.consts:
            fast[name] = _const_getter(gen.namespace, f"fc{ident}")
            exact[name] = _const_getter(gen.namespace, f"xc{ident}")
            inputs[name] = ()
        else:
            info = book.funcs[name]
            fast[name] = gen.namespace[f"f{ident}"]
            exact[name] = gen.namespace[f"x{ident}"]
            inputs[name] = tuple(zip(info.params, info.param_types, strict=True))
    return Program(
        book.source,
        book,
        fast,
        exact,
        inputs,
        (gen.namespace, gen.def_ids),
        source="\n".join([*gen.generated, *gen.deferred.values(), *gen.mixed_sources.values()]),
    )


def _const_getter(namespace: dict[str, Any], key: str) -> Callable[[], Any]:
    def get() -> Any:
        value = namespace[key]
        if isinstance(value, Unexact):
            raise NotExact
        return value

    return get


def compile_formula(checked: CheckedFormula, program: Program | None = None) -> Program:
    """Compile a checked formula (in the context of its rulebook's program, if any)."""
    book = checked.book
    gen = CodeGen(book, checked.source)
    if book is not None:
        if program is None:
            program = compile_rulebook(book)
        # Link to the rulebook's compiled definitions; the copy keeps the rulebook's own
        # namespace untouched by this formula's constants.
        gen.namespace.update(program._namespace)
        gen.def_ids = dict(program._def_ids)
        gen.consts = {}
        gen.namespace.update(_gen_helpers(gen))
    names = list(checked.inputs)
    params = [f"a{i}" for i in range(len(names))]
    scope = dict(zip(names, params, strict=True))
    # Number inputs are Decimals (the binder and Formula.function's contract): divisions of
    # them are hoisted (scaled.py), and the mixed variant's steps on them need no type test.
    gen.decimals = {
        p for p, t in zip(params, checked.inputs.values(), strict=True) if t.kind == "number"
    }
    fast_code, divisions = hoisted_fast_code(gen, checked.expr, scope)
    exact_code = gen.expr(checked.expr, scope, False)
    gen.mixed, gen.hoisted = True, []
    mixed_code = gen.expr(checked.expr, scope, True)
    hoisted, gen.mixed, gen.hoisted = gen.hoisted, False, None
    args = ", ".join(params)
    # The fast function carries its own fallbacks: one Python call per evaluation. A repeating
    # quotient (Inexact) runs the mixed path (formula_m, see mixed.py) before the exact one;
    # from then on, the entries carry it instead (scaled.carry_later).
    gen.lines += entry_source(
        "formula_f", "_exit", params, prelude(divisions, "f", fast_code, False)
    )
    gen.lines += entry_source("formula_q", "", params, prelude(divisions, "f", fast_code, False))
    gen.lines += [
        f"def formula_x({args}):",
        f"    return {exact_code}",
        "",
    ]
    kinds = [type_.kind for type_ in checked.inputs.values()]
    keyword_entry = all(kind in ("number", "bool") for kind in kinds)
    if keyword_entry:
        number = checked.result.kind == "number"
        source, helpers = keyword_source(
            kinds, fast_code, number, prelude(divisions, "k", fast_code, False)
        )
        gen.lines += source.splitlines()
        gen.namespace.update(helpers)
    gen.namespace.update(_Inexact=Inexact, _exit=exit_value, _div=_DIVIDE.divide)
    spec = [(n, t.kind) for n, t in checked.inputs.items()]
    gen.namespace.update(raw_call_names(spec, "Formula.function"))
    namespace = gen.build("formula")
    # The mixed path: the formula on decimals and quotients; compiled when first needed
    # (most formulas never meet a repeating quotient).
    source = "\n".join([f"def formula_m({args}):", *hoisted, f"    return {mixed_code}", ""])
    lazy_functions(namespace, {"formula_m": source})
    gen.generated.append(source)
    signature = tuple((n, checked.inputs[n]) for n in names)
    program = Program(
        checked.source,
        book,
        {"": namespace["formula_f"]},
        {"": namespace["formula_x"]},
        {"": signature},
        entries={"": namespace["formula_f"]},
        source="\n".join(gen.generated),
        results={"": namespace["formula_q"]},
    )
    namespace.update(
        keyword_helpers(
            lambda bindings: program.call("", bindings),
            lambda *args: namespace["formula_x"](*map(to_fraction, args)),
            # Looked up per call: the lazy stand-in replaces itself in the namespace.
            lambda *args: namespace["formula_m"](*args),  # noqa: PLW0108
            to_result,
            names,
        )
    )
    if keyword_entry:
        program._keywords = rename_inputs(namespace["formula_k"], names)
    if divisions:  # their continuations: generated and compiled at the first repeating quotient
        keyword = (
            (lambda body: keyword_source(kinds, fast_code, number, body)[0])
            if keyword_entry
            else None
        )
        carry_later(namespace, program, (gen, checked.expr, scope, divisions, fast_code), keyword)
    if not keyword_entry:  # a label or list input: always the general path (it converts them)
        slow = namespace["_kslow"]

        def general(*args: Any, **bindings: Any) -> Any:
            return slow(args, bindings, ())

        program._keywords = general
    return program
