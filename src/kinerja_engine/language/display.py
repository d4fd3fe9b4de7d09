"""The notebook display of the language's public objects: a formula and a rulebook.

Input: a :class:`~kinerja_engine.language.formula.Formula` or a checked rulebook (read by
attribute, so this module imports neither class at run time and ``formula.py`` can call it).
Output: escaped HTML (:class:`~kinerja_engine.display.Html`) for ``_repr_html_``.
Guarantees: every text of the author's (names, member texts, rule text) is escaped; a
rulebook lists every definition in source order with its kind, its type, its value when it
is a constant the checker folded, and its canonical text.

>>> from kinerja_engine import Formula
>>> page = formula_html(Formula.parse("realisasi / target * 100"))
>>> "realisasi / target * 100" in page and "<td>number</td>" in page
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from ..display import Html, block, code, fields, heading, table
from .checked import CheckedRulebook
from .nodes import BandDef, ConstDef, Definition, EnumDef, FuncDef, MatrixDef
from .printer import print_definition

__all__ = ["FormulaView", "RulebookView", "formula_html", "rulebook_html"]


# What is read of a rulebook and a formula: protocols, so this module imports nothing of
# ``formula.py`` (which calls it), not even for type checking.
class RulebookView(Protocol):
    """What the display reads of a :class:`~kinerja_engine.language.formula.Rulebook`."""

    @property
    def checked(self) -> CheckedRulebook: ...
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def cites(self) -> tuple[str, ...]: ...
    def __iter__(self) -> Iterator[str]: ...


class FormulaView(Protocol):
    """What the display reads of a :class:`~kinerja_engine.language.formula.Formula`."""

    @property
    def inputs(self) -> Mapping[str, str]: ...
    @property
    def result_type(self) -> str: ...
    @property
    def rulebook(self) -> RulebookView | None: ...


def formula_html(formula: FormulaView) -> Html:
    """The formula's text, its inputs with their types and its result type."""
    inputs = table(["input", "type"], list(formula.inputs.items()))
    about = fields([("result", formula.result_type)])
    book = formula.rulebook
    within = [] if book is None else [fields([("rulebook", f"{book.name} {book.version}")])]
    return block("formula", heading("Formula"), code(str(formula)), inputs, about, *within)


def _kind(d: Definition) -> str:
    if isinstance(d, ConstDef):
        return "param" if d.is_param else "const"
    if isinstance(d, FuncDef):
        return "def"
    if isinstance(d, BandDef):
        return "band"
    if isinstance(d, MatrixDef):
        return "matrix"
    return "enum" if isinstance(d, EnumDef) else type(d).__name__


def rulebook_html(book: RulebookView) -> Html:
    """The header (name, version, citations), then one row per definition."""
    checked = book.checked
    rows: list[list[object]] = []
    for d in checked.node.definitions:
        value: object = None
        if d.name in checked.funcs:
            info = checked.funcs[d.name]
            params = ", ".join(
                f"{p}: {t}" for p, t in zip(info.params, info.param_types, strict=True)
            )
            kind_of = f"({params}) → {info.returns}"
        elif d.name in checked.consts:
            const = checked.consts[d.name]
            kind_of, value = str(const.type), const.value
        elif isinstance(d, EnumDef):
            kind_of = f"{len(d.members)} members"
            value = ", ".join(m.text or m.name for m in d.members)
        else:  # pragma: no cover - every definition is one of the above
            kind_of = ""
        rows.append([_kind(d), d.name, kind_of, value, code(print_definition(d))])
    header = fields(
        [
            ("name", book.name),
            ("version", book.version or "–"),
            ("cites", "; ".join(book.cites) or "–"),
            ("definitions", len(rows)),
        ]
    )
    definitions = table(["kind", "name", "type", "value", "definition"], rows)
    return block("rulebook", heading(f"Rulebook {book.name}"), header, definitions)
