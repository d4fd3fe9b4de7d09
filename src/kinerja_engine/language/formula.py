"""The public face of the rules language: :class:`Formula` and :class:`Rulebook`.

This is the shell that chains the phases (parse → check → compile) so a caller never holds an
unchecked program. Input: formula or rulebook text (or an AST), and bindings at evaluation.
Output: values (``Decimal``, ``bool``, :class:`~kinerja_engine.values.Label`, tuples).
Guarantees: every ``Formula`` and ``Rulebook`` object has been checked and compiled once, and
evaluates many times; errors are :class:`~kinerja_engine.errors.KinerjaError` subclasses.

>>> f = Formula.parse("cap(realisasi / target, 120%) * 100")
>>> f.evaluate(realisasi=95, target=100)
Decimal('95')
>>> sorted(f.names)
['realisasi', 'target']
>>> Formula.parse(str(f)) == f
True
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import CheckError, Diagnostic, KinerjaError, UsageError
from ..values import Label, Value, to_number
from .checker import CheckedRulebook, EnumInfo, check_formula, check_rulebook
from .compiler import Program, compile_formula, compile_rulebook
from .display import formula_html, rulebook_html
from .guards import guard, internal_error, keywords_only, require_inputs, require_type
from .lint import refuse_warnings
from .nodes import (
    Binary,
    BoolLit,
    ConstDef,
    Definition,
    Expr,
    Header,
    LabelRef,
    Num,
    RulebookNode,
    Unary,
)
from .origins import Origin, remap
from .parser import parse_formula, parse_rulebook, strip_bom
from .printer import print_expr, print_rulebook

__all__ = ["Formula", "Rulebook"]


def _rebuild_formula(text: str, rulebook: Rulebook | None, inputs: dict[str, str]) -> Formula:
    """Unpickle a :class:`Formula`: parse its text again (it is checked again, too)."""
    return Formula.parse(text, rulebook=rulebook, inputs=inputs)


def _rebuild_rulebook(text: str) -> Rulebook:
    """Unpickle a :class:`Rulebook` from its canonical text (self-contained, no ``extends``)."""
    return Rulebook.parse(text)


class Formula:
    """A checked, compiled indicator formula.

    Create it with :meth:`parse`; free names are its inputs. Pass ``rulebook=`` to use that
    rulebook's constants, functions, bands, matrices and enumerations, and ``inputs=`` to declare
    the allowed inputs and their types (then unknown names are errors with a suggestion).

    Bindings accept ``int``, ``str`` and ``Decimal``; a ``float`` is converted through its
    shortest ``repr`` (``0.1`` is exactly 0.1). Results are ``Decimal``, ``bool`` or a
    :class:`~kinerja_engine.values.Label`.

    >>> Formula.parse("0.1 + 0.2 == 0.3").evaluate()
    True
    >>> Formula.parse("targt * 2", inputs={"target": "number"})
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.CheckError: <formula>:1:1: error: unknown name 'targt'
      targt * 2
      ^^^^^
      hint: did you mean 'target'?
    """

    # "__dict__" holds one entry, "evaluate": the formula's generated keyword entry, which
    # shadows the method below on the instance (one call frame, no dictionary of inputs).
    __slots__ = (
        "__dict__",
        "_program",
        "_raw",
        "ast",
        "inputs",
        "result_type",
        "rulebook",
        "text",
        "warnings",
    )
    text: str
    ast: Expr
    rulebook: Rulebook | None
    #: Input names (in order of first use) and their types: number, bool, list or an enum.
    inputs: dict[str, str]
    result_type: str
    #: What the checker accepted but flags (docs/language.md, "Warnings"), in source order.
    warnings: tuple[Diagnostic, ...]
    _program: Program
    _raw: Callable[..., Any]

    def __init__(self) -> None:
        raise UsageError("create a Formula with Formula.parse(text)")

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        rulebook: Rulebook | None = None,
        inputs: Mapping[str, str] | None = None,
        strict: bool = False,
    ) -> Formula:
        """Parse, check and compile ``text``; raises a :class:`KinerjaError` on any problem.

        ``strict=True`` refuses a formula with warnings, too (a :class:`CheckError`).
        """
        require_type(rulebook, (Rulebook, type(None)), "rulebook", "Formula.parse")
        require_type(strict, bool, "strict", "Formula.parse")
        require_inputs(inputs)

        def build() -> Formula:
            expr = parse_formula(text)
            book = rulebook.checked if rulebook is not None else None
            checked = check_formula(expr, strip_bom(text), book=book, inputs=inputs)
            if strict:
                refuse_warnings(checked.warnings, strip_bom(text))
            program = compile_formula(checked, rulebook.program if rulebook else None)
            self = object.__new__(cls)
            self.text = strip_bom(text)
            self.ast = expr
            self.rulebook = rulebook
            self.inputs = {name: str(type_) for name, type_ in checked.inputs.items()}
            self.result_type = str(checked.result)
            self.warnings = checked.warnings
            self._program = program
            self._raw = program.raw("")
            self.__dict__["evaluate"] = program.keywords()
            return self

        return guard(build, "reading the formula")

    @property
    def names(self) -> frozenset[str]:
        """The input names the formula reads."""
        return frozenset(self.inputs)

    @property
    def function(self) -> Callable[..., Any]:
        """The compiled function for trusted, positional, already-converted inputs.

        Inputs are in the order of :attr:`inputs`; numbers must be ``Decimal``. This skips input
        conversion and checks, for hot loops; the result is exact (a ``Fraction`` after a
        repeating quotient such as ``95 / 90``). An evaluation that fails on an input it does not
        take (a ``str``, ``None``, one left out) raises a ``UsageError`` naming it (too many
        arguments, or keywords, are Python's ``TypeError``: it is a plain function). Prefer
        :meth:`evaluate`, which converts and checks every input, unless you measured.

        >>> from decimal import Decimal
        >>> Formula.parse("r / t").function(Decimal(3), Decimal(4))
        Decimal('0.75')
        >>> Formula.parse("r / t").function(Decimal(3), "4")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        kinerja_engine.errors.UsageError: Formula.function: input 't' (argument 2) must be a ...
        """
        return self._raw

    def evaluate(self, /, *args: Any, **bindings: Any) -> Value:
        """Evaluate with keyword inputs; exact, with results as ``Decimal``/``bool``/``Label``.

        On an instance this is the formula's generated keyword entry
        (:meth:`~kinerja_engine.language.compiler.Program.keywords`): its parameters are the
        inputs and the formula's code runs inline, at a few C calls more than the arithmetic.

        >>> Formula.parse("x / 0").evaluate(x=1)
        Traceback (most recent call last):
        ...
        kinerja_engine.errors.EvaluationError: division by zero in 'x / 0' (line 1, column 1)
          x / 0
          ^^^^^
          hint: the divisor is 0 here; guard it with if … then … else
        """
        entry: Callable[..., Value] = self.__dict__["evaluate"]
        return entry(*args, **bindings)

    def evaluate_exact(
        self, /, *args: Any, **bindings: Any
    ) -> Fraction | bool | Label | tuple[Fraction, ...]:
        """Like :meth:`evaluate` but returns numbers as exact fractions (``1/3`` stays ``1/3``).

        >>> Formula.parse("1 / 3").evaluate_exact()
        Fraction(1, 3)
        """
        keywords_only(args, self.inputs, "Formula.evaluate_exact")
        result: Any = guard(
            lambda: self._program.call("", bindings, exact=True), "evaluating a formula"
        )
        return result  # type: ignore[no-any-return]

    def __reduce__(self) -> tuple[Any, ...]:
        # By source text (and rulebook, pickled by its own text): the compiled Python
        # functions cannot be pickled, and rebuilding them re-checks the text.
        return (_rebuild_formula, (self.text, self.rulebook, dict(self.inputs)))

    def __str__(self) -> str:
        return print_expr(self.ast)

    def __repr__(self) -> str:
        return f"Formula({str(self)!r})"

    def _repr_html_(self) -> str:
        """The notebook display: the text, the inputs with their types, the result type."""
        return formula_html(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Formula):
            return NotImplemented
        return self.ast == other.ast and self.rulebook is other.rulebook

    def __hash__(self) -> int:
        # Consistent with __eq__: the AST's hash ignores spans and hashes numbers by value.
        return hash(self.ast)


class Rulebook:
    """A checked, compiled rulebook: named constants, parameters, functions, enums, tables.

    >>> book = Rulebook.parse('''
    ... rulebook "contoh" version "1"
    ... def nilai(t, r) = r / t * 100
    ... band sebutan(n) { [76, inf) -> true, (-inf, 76) -> false }
    ... ''')
    >>> book.evaluate("nilai", t=12, r="9.12")
    Decimal('76')
    >>> book.evaluate("sebutan", n=76)
    True
    """

    __slots__ = ("_origins", "checked", "origin", "program", "text")
    text: str
    checked: CheckedRulebook
    program: Program
    #: The name of the text this rulebook was read from (e.g. ``"pp-46-2011.kinerja"``), named
    #: by diagnostics of rulebooks that extend it; ``None``: the caller's own text.
    origin: str | None
    # Where each definition was written, when the rulebook was merged from several texts.
    _origins: tuple[Origin, ...] | None

    def __init__(self) -> None:
        raise UsageError("create a Rulebook with Rulebook.parse(text)")

    @classmethod
    def parse(cls, text: str, *, origin: str | None = None, strict: bool = False) -> Rulebook:
        """Parse, check and compile a whole rulebook; raises :class:`KinerjaError` on problems.

        ``origin`` names the text (a file name) for the diagnostics of rulebooks that extend
        this one. ``strict=True`` refuses a rulebook with :attr:`warnings`, too.
        """
        require_type(origin, (str, type(None)), "origin", "Rulebook.parse")
        require_type(strict, bool, "strict", "Rulebook.parse")

        def build() -> Rulebook:
            node = parse_rulebook(text)
            source = strip_bom(text)
            if node.header.extends:
                raise UsageError(
                    f"rulebook '{node.header.name}' extends "
                    + ", ".join(f"'{e}'" for e in node.header.extends)
                    + "; load it with kinerja_engine.rulebooks.load(text), which resolves "
                    "bundled rulebooks, or call base.extend(text)",
                    node.header.span,
                    source=source,
                )
            checked = check_rulebook(node, source)
            if strict:
                refuse_warnings(checked.warnings, source)
            self = object.__new__(cls)
            self.text = source
            self.checked = checked
            self.program = compile_rulebook(checked)
            self.origin = origin
            self._origins = None
            return self

        return guard(build, "reading the rulebook")

    def _where(self) -> tuple[Origin, ...]:
        """Where each of this rulebook's definitions was written."""
        if self._origins is not None:
            return self._origins
        return tuple(Origin(self.origin, self.text, d) for d in self.ast.definitions)

    @staticmethod
    def _merge(
        header: Header,
        parts: list[tuple[Definition, Origin]],
        own: tuple[str | None, str, Any],
        added: frozenset[str] | None = None,
    ) -> Rulebook:
        """Check and compile definitions written in several texts, as one rulebook.

        The merged rulebook is printed and parsed again, so it is self-contained; its
        diagnostics are mapped back to the texts each definition was written in. ``added``
        (an extension: the definitions its text adds) keeps only the warnings of that text.
        """
        text = print_rulebook(RulebookNode(header, tuple(d for d, _ in parts)))
        node = parse_rulebook(text)
        origins = tuple(o for _, o in parts)
        try:
            checked = check_rulebook(node, text, added=added or ())
        except CheckError as exc:
            mapped = remap(exc.diagnostics, node, origins, own)
            raise CheckError(mapped, source=own[1]) from None
        warnings = remap(checked.warnings, node, origins, own)
        if added is not None:  # the bases' warnings are theirs, not the extending text's
            warnings = [w for w in warnings if w.source is own[1]]
        checked = dataclasses.replace(checked, warnings=tuple(warnings))
        book = object.__new__(Rulebook)
        book.text = text
        book.checked = checked
        book.program = compile_rulebook(checked)
        book.origin = None
        book._origins = origins
        return book

    @classmethod
    def from_ast(cls, node: RulebookNode) -> Rulebook:
        """Check and compile a rulebook built as an AST (its canonical text becomes its source)."""
        require_type(node, RulebookNode, "node", "Rulebook.from_ast")
        return cls.parse(print_rulebook(node))

    def extend(self, text: str, *, origin: str | None = None, strict: bool = False) -> Rulebook:
        """A new rulebook: this one's definitions, with those of ``text`` added or replacing.

        ``text`` is a rulebook of its own (with a header): a local policy that overrides a
        bundled regulation's parameters or adds its own tables. The merged rulebook is checked
        as a whole; every diagnostic points at the text its definition was written in
        (``text``, named ``origin`` if given, or this rulebook's own texts), never at the
        merged text. Its :attr:`warnings` are those of ``text`` (the bases keep their own);
        ``strict=True`` refuses ``text`` if it has any.

        >>> base = Rulebook.parse('rulebook "nasional" param batas = 76  def lulus(n) = n >= batas')
        >>> local = base.extend('rulebook "lokal" version "2" param batas = 80')
        >>> local.evaluate("lulus", n=78), local.name, local.cites
        (False, 'lokal', ())
        """

        require_type(text, str, "text", "Rulebook.extend")
        require_type(origin, (str, type(None)), "origin", "Rulebook.extend")
        require_type(strict, bool, "strict", "Rulebook.extend")

        def build() -> Rulebook:
            extra = parse_rulebook(text)
            own = strip_bom(text)
            replaced = {d.name: (d, Origin(origin, own, d)) for d in extra.definitions}
            merged = [
                replaced.pop(d.name, (d, where))
                for d, where in zip(self.ast.definitions, self._where(), strict=True)
            ]
            added = frozenset(replaced)
            merged.extend(replaced.values())
            # The merged rulebook is self-contained: it no longer extends anything.
            header = Header(
                extra.header.name,
                extra.header.version,
                tuple(dict.fromkeys((*extra.header.cites, *self.cites))),
            )
            book = Rulebook._merge(header, merged, (origin, own, extra.header.span), added)
            if strict:
                refuse_warnings(book.warnings, own)
            return book

        return guard(build, "extending the rulebook")

    def with_params(self, /, *args: Any, **values: Any) -> Rulebook:
        """A copy with policy parameters (``param`` definitions) set to other values.

        Numbers may be int, str, Decimal or Fraction (kept exact); labels are written
        ``"enum.member"`` or given as :class:`~kinerja_engine.values.Label`; booleans as
        ``bool``.

        >>> book = Rulebook.parse('rulebook "r" param batas = 76  def lulus(n) = n >= batas')
        >>> book.with_params(batas="90.5").evaluate("lulus", n=90)
        False
        """
        params = {n for n, c in self.checked.consts.items() if c.node.is_param}
        keywords_only(args, dict.fromkeys(sorted(params), "param"), "Rulebook.with_params")
        for name in values:
            if name not in params:
                close = difflib.get_close_matches(name, sorted(params), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise UsageError(f"rulebook '{self.name}' has no parameter '{name}'{hint}")
        # The new values become syntax trees, never text: a caller's string cannot splice
        # rule text (a label is looked up among the declared members first).
        replaced = {name: self._param_expr(name, value) for name, value in values.items()}
        parts = [
            (ConstDef(d.name, replaced[d.name], is_param=True, span=d.span), where)
            if d.name in replaced
            else (d, where)
            for d, where in zip(self.ast.definitions, self._where(), strict=True)
        ]
        own = (self.origin, self.text, None)
        book = guard(lambda: Rulebook._merge(self.ast.header, parts, own), "setting parameters")
        # New values change no warning; an extension's are already narrowed to its text.
        book.checked = dataclasses.replace(book.checked, warnings=self.warnings)
        return book

    def _param_expr(self, name: str, value: Any) -> Expr:
        if isinstance(value, bool):
            return BoolLit(value)
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z]\w*\.[A-Za-z]\w*", value, re.ASCII):
            enum, _, member = value.partition(".")
            value = Label(enum, member)
        if isinstance(value, Label):
            info = self.checked.enums.get(value.enum)
            if info is None or info.member(value.name) is None:
                raise UsageError(
                    f"parameter '{name}': {value.enum!r}.{value.name!r} is not a member of an "
                    f"enumeration of rulebook '{self.name}'"
                )
            return LabelRef(info.name, value.name)
        number = to_number(value, name)
        if isinstance(number, Fraction):  # not a finite decimal: exactly, as num / den
            quotient = Binary(
                "/", Num(Decimal(abs(number.numerator))), Num(Decimal(number.denominator))
            )
            return Unary("-", quotient) if number < 0 else quotient
        return Unary("-", Num(-number)) if number < 0 else Num(number)

    def __reduce__(self) -> tuple[Any, ...]:
        # By canonical text: self-contained (an extended rulebook prints merged, with no
        # `extends`), re-checked and re-compiled when unpickled.
        return (_rebuild_rulebook, (str(self),))

    # -- metadata ----------------------------------------------------------------------

    @property
    def ast(self) -> RulebookNode:
        """The rulebook's syntax tree."""
        return self.checked.node

    @property
    def name(self) -> str:
        """The name in the header."""
        return self.checked.node.header.name

    @property
    def version(self) -> str:
        """The version in the header ("" when absent)."""
        return self.checked.node.header.version

    @property
    def cites(self) -> tuple[str, ...]:
        """The regulations the rulebook cites."""
        return self.checked.node.header.cites

    def __iter__(self) -> Iterator[str]:
        return iter(d.name for d in self.checked.node.definitions)

    def __contains__(self, name: object) -> bool:
        # Three dict look-ups, not a scan of the definitions: every definition is a constant or
        # parameter, a function, band or matrix, or an enumeration (names are unique).
        if not isinstance(name, str):
            return False
        checked = self.checked
        return name in checked.consts or name in checked.funcs or name in checked.enums

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """What the language checker accepted but flags (severity ``"warning"``, each code in
        docs/language.md, "Warnings"), in source order; for a rulebook made by :meth:`extend`,
        those of the extending text. The scoring pipeline's own contract is checked by
        :func:`kinerja_engine.scoring.check_pipeline`.

        >>> Rulebook.parse('rulebook "r" param batas = 76').warnings
        ()
        >>> book = Rulebook.parse('rulebook "r" def f(x) = if 2 > 1 then x else 0')
        >>> [(w.code, w.span.line, w.span.column) for w in book.warnings]
        [('constant-condition', 1, 28)]
        """
        return self.checked.warnings

    def locate(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
        """``diagnostics`` pointing into :attr:`text`, each placed in the text its definition
        was written in (a rulebook made by :meth:`extend`; others' are returned as they are).

        >>> Rulebook.parse('rulebook "r"').locate([Diagnostic("x")])[0].message
        'x'
        """
        require_type(diagnostics, (list, tuple), "diagnostics", "Rulebook.locate")
        for diagnostic in diagnostics:
            require_type(diagnostic, Diagnostic, "diagnostics", "Rulebook.locate")
        if self._origins is None:
            return list(diagnostics)
        return remap(diagnostics, self.ast, self._origins, (None, self.text, None), self.text)

    @property
    def parameters(self) -> dict[str, Value]:
        """Policy parameters (``param`` definitions) and their values.

        >>> Rulebook.parse('rulebook "r" param batas = 76').parameters
        {'batas': Decimal('76')}
        """
        return {
            name: self.evaluate(name)
            for name, info in self.checked.consts.items()
            if info.node.is_param
        }

    def signature(self, name: str) -> dict[str, str]:
        """Input names and types of definition ``name``.

        >>> Rulebook.parse('rulebook "r" def f(a, b: bool) = if b then a else 0').signature("f")
        {'a': 'number', 'b': 'bool'}
        """
        self._known(name, "Rulebook.signature")
        return {p: str(t) for p, t in self.program.signature(name)}

    def enum(self, name: str) -> EnumInfo:
        """The enumeration ``name``, to list members or resolve spellings."""
        require_type(name, str, "name", "Rulebook.enum")
        if name not in self.checked.enums:
            raise UsageError(f"rulebook '{self.name}' has no enumeration '{name}'")
        return self.checked.enums[name]

    def label(self, enum: str, text: str) -> Label:
        """Resolve a spelling (name, display text or alias, any case) to a member of ``enum``."""
        require_type(enum, str, "enum", "Rulebook.label")
        require_type(text, str, "text", "Rulebook.label")
        return self.enum(enum).resolve(text, enum)

    # -- evaluation --------------------------------------------------------------------

    def _known(self, name: str, what: str = "Rulebook.evaluate") -> None:
        require_type(name, str, "name", what)
        if name in self.checked.consts or name in self.checked.funcs:
            return
        names = [*self.checked.consts, *self.checked.funcs]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"rulebook '{self.name}' has no definition '{name}'{hint}")

    def evaluate(self, name: str, /, *args: Any, **bindings: Any) -> Value:
        """Evaluate the named definition with keyword inputs (a constant takes none)."""
        self._known(name)
        if args:
            funcs = self.checked.funcs
            params = dict.fromkeys(funcs[name].params, "") if name in funcs else {}
            keywords_only(args, params, f"Rulebook.evaluate('{name}')")
        # The definition's generated binder; no closure or guard frame on the way in.
        try:
            result: Value = self.program.bound(name)(bindings)
        except KinerjaError as exc:
            if self._origins is not None and exc.span is not None and exc.source == self.text:
                # A merged rulebook: point at the text the failing definition was written in.
                diag = Diagnostic(exc.message, exc.span)
                (placed,) = remap([diag], self.ast, self._origins, (None, self.text, None))
                exc.span, exc.source = placed.span, placed.source
            raise
        except Exception as exc:  # pragma: no cover - a bug; never let it escape unexplained
            raise internal_error(exc, f"evaluating '{name}'") from exc
        return result

    def function(self, name: str) -> Callable[..., Any]:
        """The compiled function of ``name`` for trusted positional inputs (see ``Formula``)."""
        self._known(name, "Rulebook.function")
        return self.program.raw(name)

    def formula(self, text: str, *, inputs: Mapping[str, str] | None = None) -> Formula:
        """A formula that may use this rulebook's definitions."""
        return Formula.parse(text, rulebook=self, inputs=inputs)

    # -- text --------------------------------------------------------------------------

    def __str__(self) -> str:
        return print_rulebook(self.checked.node)

    def __repr__(self) -> str:
        return f"<Rulebook {self.name!r} version {self.version!r}>"

    def _repr_html_(self) -> str:
        """The notebook display: the header and every definition with its type and text."""
        return rulebook_html(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rulebook):
            return NotImplemented
        return self.checked.node == other.checked.node

    def __hash__(self) -> int:
        return hash(self.checked.node)
