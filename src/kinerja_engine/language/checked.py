"""The checker's output: plain frozen records of a checked formula or rulebook.

Input: nothing (records only). Output: :class:`CheckedFormula`, :class:`CheckedRulebook` and the
per-definition records (:class:`EnumInfo`, :class:`ConstInfo`, :class:`FuncInfo`,
:class:`BandInfo`, :class:`MatrixInfo`). Guarantees: a record exists only for what passed the
checker (:mod:`.checker` builds them); the compiler, the scoring pipeline and the reports read
them and never re-check.

>>> spelling_key("Di Atas_Ekspektasi")
'diatasekspektasi'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..errors import BindingError, Diagnostic
from ..values import Label
from .builtins import Type
from .nodes import ConstDef, Definition, Expr, RulebookNode
from .suggest import NameIndex

__all__ = [
    "BandInfo",
    "CheckedFormula",
    "CheckedRulebook",
    "ConstInfo",
    "EnumInfo",
    "FuncInfo",
    "MatrixInfo",
    "spelling_key",
]


def spelling_key(text: str) -> str:
    """How label spellings are compared: case, spaces, '_' and '-' do not matter.

    >>> spelling_key("DIBAWAH_EKSPEKTASI") == spelling_key("di bawah ekspektasi")
    True
    """
    return re.sub(r"[\s_\-]+", "", text).casefold()


# --------------------------------------------------------------------------- checked records


@dataclass(frozen=True, slots=True)
class EnumInfo:
    """An enumeration: its ordered members and every accepted spelling.

    >>> info = EnumInfo("r", (Label("r", "di_atas", "Di Atas Ekspektasi"),), {"diatas": "di_atas"})
    >>> info.resolve("DI ATAS")
    Label(r.di_atas)
    """

    name: str
    members: tuple[Label, ...]
    spellings: Mapping[str, str] = field(default_factory=dict)

    def member(self, name: str) -> Label | None:
        """The member called ``name`` exactly, if any."""
        for label in self.members:
            if label.name == name:
                return label
        return None

    def resolve(self, text: object, what: str = "value") -> Label:
        """The member written as ``text`` (its name, display text or an alias, in any case).

        Unknown spellings raise :class:`~kinerja_engine.errors.BindingError` with a suggestion.
        """
        if isinstance(text, Label):
            if text.enum == self.name and self.member(text.name) is not None:
                return self.member(text.name)  # type: ignore[return-value]
            raise BindingError(f"{what}: {text!r} is not a member of {self.name}")
        if not isinstance(text, str):
            raise BindingError(f"{what}: expected a {self.name} label, got {type(text).__name__}")
        key = spelling_key(text)
        name = self.spellings.get(key)
        if name is None:
            name = key if self.member(key) else None
        if name is None:
            for label in self.members:
                if spelling_key(label.name) == key or spelling_key(label.text) == key:
                    name = label.name
        if name is None:
            choices = ", ".join(repr(m.text or m.name) for m in self.members)
            close = NameIndex(self.spellings).closest(key, cutoff=0.6)
            hint = f"; did you mean {self.member(self.spellings[close])!s}?" if close else ""
            raise BindingError(
                f"{what}: {text!r} is not a {self.name}; expected one of {choices}{hint}"
            )
        return self.member(name)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class ConstInfo:
    """A constant or policy parameter: its type and, when foldable, its exact value."""

    name: str
    type: Type
    node: ConstDef
    value: Any = None


@dataclass(frozen=True, slots=True)
class FuncInfo:
    """A callable definition (``def``, ``band`` or ``matrix``) and its signature."""

    name: str
    params: tuple[str, ...]
    param_types: tuple[Type, ...]
    returns: Type
    node: Definition


@dataclass(frozen=True, slots=True)
class BandInfo(FuncInfo):
    """A band table with its proven-disjoint rows, sorted by lower bound.

    Each row is ``(lo, lo_closed, hi, hi_closed, row_index)``; ``None`` is infinite.
    """

    domain: tuple[Fraction | None, bool, Fraction | None, bool] = (None, False, None, False)
    rows: tuple[tuple[Fraction | None, bool, Fraction | None, bool, int], ...] = ()


@dataclass(frozen=True, slots=True)
class MatrixInfo(FuncInfo):
    """A matrix table: every combination of its parameters' labels maps to exactly one row."""

    table: Mapping[tuple[Label, ...], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckedRulebook:
    """A rulebook that passed the checker; the compiler's input."""

    node: RulebookNode
    source: str
    enums: Mapping[str, EnumInfo]
    consts: Mapping[str, ConstInfo]
    funcs: Mapping[str, FuncInfo]
    order: tuple[str, ...]
    #: Problems that do not stop the rulebook (severity "warning"), in source order.
    warnings: tuple[Diagnostic, ...] = ()
    #: Upper bound of the evaluation steps of one call of each function, band and matrix
    #: (see :mod:`.cost`); a formula's own bound is computed from these.
    work: Mapping[str, int] = field(default_factory=dict)
    #: Definitions a warning already calls probably misspelt (a near miss of an inherited
    #: name), so later checks (the pipeline contract) do not report them again.
    suspects: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CheckedFormula:
    """A formula that passed the checker: its inputs (in order of first use) and result type."""

    expr: Expr
    source: str
    inputs: dict[str, Type]
    result: Type
    book: CheckedRulebook | None = None
    #: Problems that do not stop the formula (severity "warning"), in source order.
    warnings: tuple[Diagnostic, ...] = ()
