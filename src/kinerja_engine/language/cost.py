"""Bounded cost, proven before anything runs: an upper bound on the work of every definition.

Input: a rulebook's definitions in dependency order (callees first), or one formula and the
bounds of its rulebook. Output: :class:`WorkBound` (each definition's bound, in steps) and
diagnostics for every definition whose bound exceeds :data:`MAX_WORK`, naming the chain of calls
that causes it.
Guarantees: a definition's bound counts every node it evaluates with every call expanded (a
call of ``g`` costs ``g``'s own bound each time it is written), and every row of a band or
matrix it looks up; builtins over lists count one step per written item (a list given as an
input costs one step per element more, linear in the input). The bound of each definition is
computed once from its callees' bounds, so the analysis itself is linear in the text. The
checker refuses, before folding or compiling anything, every definition or formula whose bound
exceeds :data:`MAX_WORK`; so no accepted text evaluates (or folds) more than that many steps per
call, however its definitions call one another.

>>> from kinerja_engine.language.parser import parse_formula
>>> formula_work(parse_formula("a + b * 2"), {})
5
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from ..errors import Diagnostic
from .nodes import (
    BandDef,
    Call,
    ConstDef,
    Definition,
    EnumDef,
    Expr,
    FuncDef,
    MatrixDef,
    Node,
)

__all__ = [
    "CALLABLE",
    "MAX_RULEBOOK_WORK",
    "MAX_WORK",
    "definition_work",
    "formula_over_limit",
    "formula_work",
    "over_limit",
    "over_total",
]

#: Most evaluation steps (nodes evaluated, calls expanded, table rows scanned) one call of a
#: definition or one formula may take. The bundled rulebooks need at most 117; 100,000 steps
#: take well under a second, and a text whose bound is higher is refused with the chain that
#: causes it.
MAX_WORK: Final = 100_000
#: Most steps of all of a rulebook's definitions together (the sum of their bounds). Building a
#: rulebook folds its constants and constant calls once each, so this bounds the work of
#: checking and compiling however the text is arranged (the bundled ones sum to at most 1,005).
MAX_RULEBOOK_WORK: Final = 1_000_000


def _nodes(definition: Node) -> Iterator[Node]:
    """Every node under ``definition`` (iteratively: depth is bounded but recursion is slow)."""
    stack = list(definition.children())
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children())


def definition_work(definition: Definition, bounds: Mapping[str, int]) -> int:
    """Upper bound of the steps one evaluation of ``definition`` takes.

    ``bounds`` holds the bounds of the functions, bands and matrices it may call; a constant is
    computed once when the rulebook is built, so reading it is one step (its own bound is the
    work of computing it). Bounds saturate at ``MAX_WORK + 1``.

    >>> from kinerja_engine.language.parser import parse_rulebook
    >>> book = parse_rulebook('rulebook "r" def f(x) = x + 1  def g(x) = f(x) + f(x)')
    >>> f, g = book.definitions
    >>> definition_work(f, {}), definition_work(g, {"f": definition_work(f, {})})
    (5, 17)
    """
    if isinstance(definition, EnumDef):
        return 0
    return _work(definition, bounds)


def formula_work(expr: Expr, bounds: Mapping[str, int]) -> int:
    """Upper bound of the steps one evaluation of formula ``expr`` takes (see above)."""
    return _work(expr, bounds)


def _work(root: Node, bounds: Mapping[str, int]) -> int:
    # One step per node under ``root``, plus a call's callee bound; one loop, no generators.
    total = 1
    stack = list(root.children())
    while stack:
        node = stack.pop()
        total += 1 + bounds.get(node.func, 0) if isinstance(node, Call) else 1
        if total > MAX_WORK:
            return MAX_WORK + 1
        stack.extend(node.children())
    return total


def _chain(root: Node, bounds: Mapping[str, int], definitions: Mapping[str, Definition]) -> str:
    """The calls that make ``root`` expensive: each step follows the costliest callee."""
    links: list[str] = []
    current: Node = root
    seen: set[str] = set()
    while len(links) < 6:
        counts: dict[str, int] = {}
        for node in _nodes(current):
            if isinstance(node, Call) and node.func in bounds:
                counts[node.func] = counts.get(node.func, 0) + 1
        if not counts:
            break
        worst = max(counts, key=lambda n: (counts[n] * bounds[n], n))
        if worst in seen or worst not in definitions:
            break
        seen.add(worst)
        times = counts[worst]
        name = getattr(current, "name", "the formula")
        links.append(f"{name} calls {worst} {'once' if times == 1 else f'{times} times'}")
        current = definitions[worst]
    return "; ".join(links) + ("; …" if len(links) == 6 else "")


def over_limit(
    name: str, definition: Definition, bounds: Mapping[str, int],
    definitions: Mapping[str, Definition],
) -> Diagnostic:  # fmt: skip
    """The diagnostic for definition ``name`` whose bound exceeds :data:`MAX_WORK`."""
    what = "computing constant" if isinstance(definition, ConstDef) else "one call of"
    chain = _chain(definition, bounds, definitions)
    return Diagnostic(
        f"{what} '{name}' may take more than {MAX_WORK:,} evaluation steps"
        + (f" ({chain})" if chain else ""),
        definition.span,
        "each call is evaluated in full: compute a repeated call once with let, "
        "or flatten the chain",
    )


def formula_over_limit(
    expr: Expr, bounds: Mapping[str, int], definitions: Mapping[str, Definition]
) -> Diagnostic:
    """The diagnostic for a formula whose bound exceeds :data:`MAX_WORK`."""
    chain = _chain(expr, bounds, definitions)
    return Diagnostic(
        f"the formula may take more than {MAX_WORK:,} evaluation steps"
        + (f" ({chain})" if chain else ""),
        expr.span,
        "each call is evaluated in full: compute a repeated call once with let",
    )


def over_total(name: str, definition: Definition) -> Diagnostic:
    """The diagnostic for the definition whose bound takes the rulebook's sum over the limit."""
    return Diagnostic(
        f"with '{name}', the rulebook's definitions together may take more than "
        f"{MAX_RULEBOOK_WORK:,} evaluation steps to build",
        definition.span,
        "each call is evaluated in full: compute repeated calls once with let, or split the "
        "rulebook",
    )


# Kinds whose bound is what a call costs (constants are computed once, at build time).
CALLABLE = (FuncDef, BandDef, MatrixDef)
