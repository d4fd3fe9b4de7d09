"""The checker's warnings: what a text may say, but its author probably did not mean.

Input: a rulebook's definitions or a formula that passed the checker (every name resolved,
every type known), and the :class:`~.infer.Inferrer` that checked them (to fold a constant
condition). Output: :class:`~kinerja_engine.errors.Diagnostic` records with
``severity="warning"`` and one of the codes in :data:`WARNINGS`, in source order, and the
names of definitions a warning calls probably misspelt (so the pipeline contract does not
report them twice). Guarantees: one walk of each definition, and one did-you-mean look-up
(a :class:`~.suggest.NameIndex`) per added definition of an extending text: the work is
linear in the size of the text. Nothing here refuses a text: warnings become errors only
when the caller asks (``strict=True``, ``kinerja check --strict``).

Band rows that can never match and matrix rows that repeat a combination are not warnings:
the checker refuses them as overlaps and ambiguities.

>>> from kinerja_engine.language import Rulebook
>>> book = Rulebook.parse('rulebook "r" param batas = 76  def lulus(batas) = batas >= 76')
>>> [(w.code, w.message) for w in book.warnings]
[('shadowed', "parameter 'batas' of 'lulus' hides the rulebook's param 'batas'")]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Final

from ..errors import CheckError, Diagnostic, KinerjaError, Span
from .builtins import BUILTINS
from .infer import Inferrer
from .nodes import (
    BandDef,
    BoolLit,
    Call,
    ConstDef,
    Definition,
    Expr,
    FuncDef,
    If,
    LabelRef,
    Let,
    MatrixDef,
    Name,
    Node,
    Num,
    Param,
)
from .suggest import NameIndex

__all__ = ["NEAR_MISS", "WARNINGS", "lint_formula", "lint_rulebook", "promoted", "refuse_warnings"]

#: Every warning the checker gives, by code (docs/language.md lists each with an example).
WARNINGS: Final = {
    "unused-let": "a let binding that nothing after it reads",
    "unused-parameter": "a parameter of a function that other definitions call, which its "
    "body never reads (its callers pass a value for nothing)",
    "shadowed": "a parameter or let binding named like a const or param of the rulebook, "
    "which it hides",
    "constant-condition": "an if whose condition reads no input, so one branch never runs",
    "near-miss": "a value a text that extends a rulebook adds, that nothing reads and whose "
    "name is a near miss of an inherited one",
}

#: How close (difflib ratio) an added value's name must be to an inherited one to be called
#: a near miss: ``bats`` or ``batas_sangatbaik`` are, ``batas_baru`` of ``batas`` is not.
NEAR_MISS: Final = 0.85


class _Walker:
    """One walk over a definition: let bindings read, names hidden, constant conditions."""

    def __init__(self, checker: Inferrer, values: Mapping[str, ConstDef]) -> None:
        self.checker = checker
        self.values = values
        self.out: list[Diagnostic] = []
        #: Every name read and every function called, anywhere (for "nothing reads it").
        self.reads: set[str] = set()
        # Bound names → stack of "read yet" cells (a let inside a let pushes on the same name).
        self.bound: dict[str, list[list[bool]]] = {}
        # Outermost constant conditions, folded once at the end: a constant condition inside
        # another is dropped when the outer one is found, so each node is folded at most once.
        self.conditions: list[If] = []
        #: Functions called by a definition, and parameters their bodies never read.
        self.calls: set[str] = set()
        self.unused: list[tuple[str, Param]] = []

    def warn(self, code: str, message: str, span: Span | None, hint: str | None) -> None:
        self.out.append(Diagnostic(message, span, hint, code, "warning"))

    def bind(self, name: str, span: Span | None, what: str) -> list[bool]:
        hidden = self.values.get(name)
        if hidden is not None:
            kind = "param" if hidden.is_param else "const"
            self.warn(
                "shadowed",
                f"{what} hides the rulebook's {kind} '{name}'",
                span,
                f"inside, '{name}' is this one, not the {kind} (setting the {kind} changes "
                "nothing here); rename one of them",
            )
        cell = [False]
        self.bound.setdefault(name, []).append(cell)
        return cell

    def unbind(self, name: str) -> None:
        cells = self.bound[name]
        cells.pop()
        if not cells:
            del self.bound[name]

    def params(self, params: tuple[Param, ...], owner: str) -> list[list[bool]]:
        return [self.bind(p.name, p.span, f"parameter '{p.name}' of '{owner}'") for p in params]

    def visit(self, node: Node) -> bool:
        """Walk ``node``; whether it is constant (reads no name, calls no definition)."""
        if isinstance(node, Num | BoolLit | LabelRef):
            return True
        if isinstance(node, Name):
            self.reads.add(node.id)
            cells = self.bound.get(node.id)
            if cells:
                cells[-1][0] = True
            return False
        if isinstance(node, Let):
            return self.let(node)
        if isinstance(node, If):
            inner = len(self.conditions)
            constant = self.visit(node.cond)
            if constant:
                del self.conditions[inner:]  # reported once, as part of this one
                self.conditions.append(node)
            then = self.visit(node.then)
            orelse = self.visit(node.orelse)
            return constant and then and orelse
        constant = True
        if isinstance(node, Call):
            self.reads.add(node.func)
            self.calls.add(node.func)
            constant = node.func in BUILTINS
        for child in node.children():
            constant = self.visit(child) and constant
        return constant

    def let(self, node: Let) -> bool:
        cells: list[tuple[str, list[bool], Span | None]] = []
        constant = True
        for i, (name, value) in enumerate(node.bindings):
            constant = self.visit(value) and constant
            span = node.name_spans[i] if i < len(node.name_spans) else node.span
            cells.append((name, self.bind(name, span, f"let binding '{name}'"), span))
        constant = self.visit(node.body) and constant
        for name, cell, span in reversed(cells):
            self.unbind(name)
            if not cell[0]:
                self.warn(
                    "unused-let",
                    f"let binding '{name}' is never used",
                    span,
                    "remove it, or use it where it was meant to be used",
                )
        return False if cells else constant

    def finish(self) -> list[Diagnostic]:
        """The warnings, the constant conditions folded now, in source order."""
        for node in self.conditions:
            self.constant_condition(node)
        self.conditions.clear()
        return sorted(self.out, key=_start)

    def constant_condition(self, node: If) -> None:
        try:
            value = self.checker.fold(node.cond)
        except KinerjaError:  # e.g. a division by zero: it fails when evaluated, not here
            return
        if not isinstance(value, bool):
            return
        never = "else" if value else "then"
        self.warn(
            "constant-condition",
            f"this condition is always {str(value).lower()}: it reads no input, so the "
            f"'{never}' branch never runs",
            node.cond.span,
            "compare an input or a param here, or keep only the branch that runs",
        )

    def definition(self, definition: Definition) -> None:
        if isinstance(definition, ConstDef):
            self.visit(definition.expr)
        elif isinstance(definition, FuncDef):
            cells = self.params(definition.params, definition.name)
            self.visit(definition.body)
            self.release(definition.params)
            self.unused.extend(
                (definition.name, p)
                for p, c in zip(definition.params, cells, strict=True)
                if not c[0]
            )
        elif isinstance(definition, BandDef):
            self.params((definition.param,), definition.name)
            for row in definition.rows:  # the bounds are constants by rule: not conditions
                self.visit(row.expr)
            self.release((definition.param,))
        elif isinstance(definition, MatrixDef):
            self.params(definition.params, definition.name)
            for matrix_row in definition.rows:
                self.visit(matrix_row.expr)
            self.release(definition.params)

    def release(self, params: tuple[Param, ...]) -> None:
        for param in reversed(params):
            self.unbind(param.name)


def _start(diagnostic: Diagnostic) -> int:
    return diagnostic.span.start if diagnostic.span is not None else -1


def lint_rulebook(
    checker: Inferrer, definitions: Mapping[str, Definition], added: Collection[str] = ()
) -> tuple[list[Diagnostic], frozenset[str]]:
    """The warnings of a checked rulebook, in source order, and the names called misspelt.

    ``added`` names the definitions a text that extends others adds (replacing nothing):
    those that are values nothing reads, named nearly like an inherited definition, are
    near misses (:data:`NEAR_MISS`).
    """
    values = {n: d for n, d in definitions.items() if isinstance(d, ConstDef)}
    walker = _Walker(checker, values)
    for definition in definitions.values():
        walker.definition(definition)
    # Only functions the rulebook calls: an uncalled one (an entry point of the pipeline, a
    # function a caller evaluates) may have to take a parameter it does not need.
    for name, param in walker.unused:
        if name in walker.calls:
            walker.warn(
                "unused-parameter",
                f"parameter '{param.name}' of '{name}' is never used, yet other definitions "
                f"call '{name}' with a value for it",
                param.span,
                "use it in the body (was a const or another name written instead?), or "
                "remove it and the argument its callers pass",
            )
    suspects: set[str] = set()
    if added:
        inherited = NameIndex(n for n in definitions if n not in added)
        for name in added:
            value = values.get(name)
            if value is None or name in walker.reads:
                continue
            close = inherited.closest(name, cutoff=NEAR_MISS)
            if close is None:
                continue
            suspects.add(name)
            walker.warn(
                "near-miss",
                f"'{name}' replaces no definition of the rulebook it extends, and nothing reads it",
                value.span,
                f"did you mean '{close}'? A definition replaces an inherited one only under "
                "exactly its name",
            )
    return walker.finish(), frozenset(suspects)


def lint_formula(checker: Inferrer, expr: Expr) -> list[Diagnostic]:
    """The warnings of a checked formula (its let bindings and conditions), in source order."""
    book = checker.consts
    values = {n: c.node for n, c in book.items()}
    walker = _Walker(checker, values)
    walker.visit(expr)
    return walker.finish()


def promoted(warnings: Collection[Diagnostic]) -> list[Diagnostic]:
    """``warnings`` as errors, for a caller that refuses a text with warnings (``strict``).

    >>> [(d.severity, d.hint) for d in promoted([Diagnostic("x", severity="warning")])]
    [('error', 'strict: warnings are refused')]
    """
    note = "strict: warnings are refused"
    return [
        Diagnostic(
            w.message,
            w.span,
            f"{w.hint}; {note}" if w.hint else note,
            w.code,
            "error",
            w.origin,
            w.source,
        )
        for w in warnings
    ]


def refuse_warnings(warnings: Collection[Diagnostic], source: str) -> None:
    """``strict=True``: a text's warnings, raised as one :class:`CheckError` (if any).

    >>> refuse_warnings((), "x")  # nothing to refuse
    """
    if warnings:
        raise CheckError(promoted(warnings), source=source)
