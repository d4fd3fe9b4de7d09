"""Phase 2, check: AST in, checked program out, or every problem at once.

Input: a parsed formula or rulebook. Output: :class:`CheckedFormula` / :class:`CheckedRulebook`,
plain frozen records with every name resolved and every expression typed. Guarantees: a program
that reaches the compiler has no unknown names, no type errors (a label is never compared with a
number), correct arities, no recursion (direct or indirect), band tables that cover their domain
exactly once and matrix tables that are complete and unambiguous. All diagnostics of one text are
collected, with positions and hints, and raised once as a
:class:`~kinerja_engine.errors.CheckError`.

>>> from kinerja_engine.language.parser import parse_formula
>>> check_formula(parse_formula("cap(r / t, 120%)"), "cap(r / t, 120%)").inputs
{'r': Type(kind='number', enum=None), 't': Type(kind='number', enum=None)}
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Final

from ..errors import CheckError, EvaluationError, LimitError
from ..values import Label
from .builtins import BUILTINS, NUMBER
from .checked import (
    BandInfo,
    CheckedFormula,
    CheckedRulebook,
    ConstInfo,
    EnumInfo,
    FuncInfo,
    MatrixInfo,
    spelling_key,
)
from .cost import (
    CALLABLE,
    MAX_RULEBOOK_WORK,
    MAX_WORK,
    definition_work,
    formula_over_limit,
    formula_work,
    over_limit,
    over_total,
)
from .coverage import MAX_MATRIX_CELLS, check_band, check_matrix
from .infer import MAX_SUGGESTIONS, TYPE_NAMES, Inferrer, Var
from .lint import lint_formula, lint_rulebook
from .nodes import (
    BandDef,
    Call,
    ConstDef,
    Definition,
    EnumDef,
    Expr,
    FuncDef,
    Let,
    MatrixDef,
    Name,
    Node,
    Param,
    RulebookNode,
)

__all__ = [
    "MAX_CALL_DEPTH",
    "MAX_MATRIX_CELLS",
    "MAX_RULEBOOK_WORK",
    "MAX_SUGGESTIONS",
    "MAX_WORK",
    "BandInfo",
    "CheckedFormula",
    "CheckedRulebook",
    "ConstInfo",
    "EnumInfo",
    "FuncInfo",
    "MatrixInfo",
    "check_formula",
    "check_rulebook",
    "spelling_key",
]


# --------------------------------------------------------------------------- formulas


def check_formula(
    expr: Expr,
    source: str,
    *,
    book: CheckedRulebook | None = None,
    inputs: Mapping[str, str] | None = None,
) -> CheckedFormula:
    """Check one formula; free names are its inputs (or must be among ``inputs`` if given).

    ``inputs`` maps input names to type names (``number``, ``bool``, ``list`` or an enum of
    ``book``). Raises :class:`~kinerja_engine.errors.CheckError` with every problem.

    >>> from kinerja_engine.language.parser import parse_formula
    >>> check_formula(parse_formula("targt * 2"), "targt * 2", inputs={"target": "number"})
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.CheckError: <formula>:1:1: error: unknown name 'targt'
      targt * 2
      ^^^^^
      hint: did you mean 'target'?
    """
    checker = Inferrer(source, book)
    checker.inputs = {}
    if inputs is not None:
        checker.declared_inputs = True
        for name, type_name in inputs.items():
            declared = checker.param_type(Param(name, type_name))
            checker.inputs[name] = Var(declared or NUMBER)
    # Before inference, which folds constant calls: an over-limit formula never runs.
    if book is not None and book.work and formula_work(expr, book.work) > MAX_WORK:
        named = {d.name: d for d in book.node.definitions}
        raise CheckError([formula_over_limit(expr, book.work, named)], source=source)
    result = checker.infer(expr, {})
    if checker.diags:
        raise CheckError(checker.diags, source=source)
    used = _free_names(expr)
    resolved = {
        name: checker.inputs[name].resolved or NUMBER for name in used if name in checker.inputs
    }
    warnings = tuple(lint_formula(checker, expr))
    return CheckedFormula(expr, source, resolved, result.resolved or NUMBER, book, warnings)


def _free_names(expr: Expr) -> list[str]:
    """Names a formula reads from outside, in order of first use (let-locals excluded)."""
    seen: dict[str, None] = {}

    def visit(node: Node, bound: frozenset[str]) -> None:
        if isinstance(node, Name):
            if node.id not in bound:
                seen.setdefault(node.id, None)
        elif isinstance(node, Let):
            inner = bound
            for name, value in node.bindings:
                visit(value, inner)
                inner = inner | {name}
            visit(node.body, inner)
        else:
            for child in node.children():
                visit(child, bound)

    visit(expr, frozenset())
    return list(seen)


# --------------------------------------------------------------------------- rulebooks


def check_rulebook(
    node: RulebookNode, source: str, *, added: Collection[str] = ()
) -> CheckedRulebook:
    """Check a whole rulebook; definitions may use each other in any order.

    What passes may still carry warnings (:mod:`.lint`); ``added`` names the definitions a
    text that extends others adds, for the near-miss warning.

    >>> from kinerja_engine.language.parser import parse_rulebook
    >>> text = 'rulebook "r"  def f(x) = g(x)  def g(y) = f(y)'
    >>> check_rulebook(parse_rulebook(text), text)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.CheckError: <formula>:1:15: error: recursive definition: f → g → f
      rulebook "r"  def f(x) = g(x)  def g(y) = f(y)
                    ^^^^^^^^^^^^^^^
      hint: a definition may not use itself, directly or through others
    """
    checker = Inferrer(source)
    _check_in_force(checker, node)
    definitions = _collect(checker, node)
    for definition in definitions.values():
        if isinstance(definition, EnumDef):
            checker.enums[definition.name] = _check_enum(checker, definition)
    checker.defined = {n for n, d in definitions.items() if not isinstance(d, EnumDef)}
    # Each definition's references, gathered once for the three passes that follow them.
    refs = {n: _references(d) for n, d in definitions.items() if not isinstance(d, EnumDef)}
    order, cyclic = _order(checker, definitions, refs)
    _call_depth(checker, definitions, order, cyclic, refs)
    work = _work(checker, definitions, order, cyclic, refs)
    for name in order:
        if name in cyclic or name not in work:
            continue
        definition = definitions[name]
        if isinstance(definition, ConstDef):
            _check_const(checker, definition)
        elif isinstance(definition, FuncDef):
            _check_func(checker, definition)
        elif isinstance(definition, BandDef):
            check_band(checker, definition)
        elif isinstance(definition, MatrixDef):
            check_matrix(checker, definition)
    if checker.diags:
        raise CheckError(checker.diags, source=source)
    warnings, suspects = lint_rulebook(checker, definitions, added)
    return CheckedRulebook(
        node,
        source,
        dict(checker.enums),
        dict(checker.consts),
        dict(checker.funcs),
        tuple(n for n in order if n in checker.consts or n in checker.funcs),
        warnings=tuple(warnings),
        work=work,
        suspects=suspects,
    )


def _check_in_force(checker: Inferrer, node: RulebookNode) -> None:
    # A period that ends before it starts would make `rulebooks.in_force` silently skip it.
    dates = node.header.in_force
    if dates is not None and dates[1] is not None and dates[1] < dates[0]:
        checker.error(
            f"in force until {dates[1].isoformat()}, before it starts on {dates[0].isoformat()}",
            node.header.span,
            "the 'until' date must be on or after the 'from' date",
        )


def _collect(checker: Inferrer, node: RulebookNode) -> dict[str, Definition]:
    definitions: dict[str, Definition] = {}
    for definition in node.definitions:
        name = definition.name
        if name in definitions:
            first = definitions[name].span
            where = f" (first at line {first.line})" if first else ""
            checker.error(f"'{name}' is defined twice{where}", definition.span)
            continue
        if name in BUILTINS:
            checker.error(
                f"'{name}' is a builtin function and cannot be redefined",
                definition.span,
                "choose another name",
            )
            continue
        if name in TYPE_NAMES:
            checker.error(f"'{name}' is a type name and cannot be defined", definition.span)
            continue
        definitions[name] = definition
    return definitions


def _check_enum(checker: Inferrer, node: EnumDef) -> EnumInfo:
    members: list[Label] = []
    seen: set[str] = set()  # a set, not a scan of the members so far: linear in the enum's size
    spellings: dict[str, str] = {}
    for member in node.members:
        if member.name in seen:
            checker.error(f"'{member.name}' appears twice in enum {node.name}", member.span)
            continue
        seen.add(member.name)
        members.append(Label(node.name, member.name, member.text or member.name))
        for spelling in (member.name, member.text, *member.aliases):
            if not spelling:
                continue
            key = spelling_key(spelling)
            other = spellings.get(key)
            if other is not None and other != member.name:
                checker.error(
                    f"the spelling {spelling!r} would name both {other} and {member.name}",
                    member.span,
                    "each spelling must identify one member",
                )
            spellings[key] = member.name
    return EnumInfo(node.name, tuple(members), spellings)


def _references(definition: Definition) -> set[str]:
    """Names a definition refers to, outside its own parameters and let-locals."""
    found: set[str] = set()
    params: frozenset[str] = frozenset()
    if isinstance(definition, FuncDef | MatrixDef):
        params = frozenset(p.name for p in definition.params)
    elif isinstance(definition, BandDef):
        params = frozenset({definition.param.name})
    # An explicit stack (each node with the names bound where it stands): no recursion.
    stack: list[tuple[Node, frozenset[str]]] = [(c, params) for c in definition.children()]
    while stack:
        node, bound = stack.pop()
        if isinstance(node, Name):
            if node.id not in bound:
                found.add(node.id)
            continue
        if isinstance(node, Call):
            found.add(node.func)
        elif isinstance(node, Let):
            inner = bound
            for name, value in node.bindings:
                stack.append((value, inner))
                inner = inner | {name}
            stack.append((node.body, inner))
            continue
        stack.extend([(child, bound) for child in node.children()])
    return found


def _order(
    checker: Inferrer, definitions: dict[str, Definition], references: dict[str, set[str]]
) -> tuple[list[str], set[str]]:
    """Callees before callers (Tarjan's algorithm, iterative); report every cycle."""
    graph = {
        name: sorted(r for r in references[name] if r in definitions and r != "")
        for name, d in definitions.items()
        if not isinstance(d, EnumDef)
    }
    graph = {name: [r for r in refs if r in graph] for name, refs in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    order: list[str] = []
    cyclic: set[str] = set()
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            name, i = work.pop()
            if i == 0:
                index[name] = low[name] = counter
                counter += 1
                stack.append(name)
                on_stack.add(name)
            refs = graph[name]
            if i < len(refs):
                work.append((name, i + 1))
                ref = refs[i]
                if ref not in index:
                    work.append((ref, 0))
                elif ref in on_stack:
                    low[name] = min(low[name], index[ref])
                continue
            if low[name] == index[name]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == name:
                        break
                if len(component) > 1 or name in graph[name]:
                    _report_cycle(checker, definitions, graph, component)
                    cyclic.update(component)
                order.extend(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
    return order, cyclic


def _start(node: Node) -> int:
    return node.span.start if node.span is not None else 0


#: Deepest chain of definitions using one another (f uses g uses h …). Each link is a Python
#: call at evaluation time, so the chain is bounded well below the interpreter's recursion limit.
MAX_CALL_DEPTH: Final = 200


def _call_depth(
    checker: Inferrer,
    definitions: dict[str, Definition],
    order: list[str],
    cyclic: set[str],
    references: dict[str, set[str]],
) -> None:
    depth: dict[str, int] = {}
    for name in order:  # callees come first
        if name in cyclic:
            continue
        refs = [r for r in references[name] if r in depth]
        deepest = max((depth[r] for r in refs), default=0)
        # Constants are computed once, when the rulebook is compiled: a chain of constants
        # adds no calls at evaluation; only functions, bands and matrices do.
        depth[name] = 0 if isinstance(definitions[name], ConstDef) else 1 + deepest
        if depth[name] == MAX_CALL_DEPTH + 1:
            checker.error(
                f"'{name}' sits on a chain of more than {MAX_CALL_DEPTH} definitions using "
                "one another",
                definitions[name].span,
                "flatten the chain; rules this deep cannot be read or checked by people",
            )


def _work(
    checker: Inferrer,
    definitions: dict[str, Definition],
    order: list[str],
    cyclic: set[str],
    references: dict[str, set[str]],
) -> dict[str, int]:
    """Each definition's bound (callees first); over-limit ones are reported and left out.

    Only the first definition over the limit on a chain is reported (its callers exceed it
    because of it); none of them is checked further, so nothing folds an unbounded call.
    """
    bounds: dict[str, int] = {}
    over: set[str] = set(cyclic)
    total = 0
    for name in order:
        if name in cyclic:
            continue
        definition = definitions[name]
        if references[name] & over:
            over.add(name)
            continue
        bound = definition_work(definition, bounds)
        if bound > MAX_WORK:
            checker.diags.append(over_limit(name, definition, bounds, definitions))
            over.add(name)
            continue
        total += bound
        if total > MAX_RULEBOOK_WORK:
            if total - bound <= MAX_RULEBOOK_WORK:  # report where the sum crosses, once
                checker.diags.append(over_total(name, definition))
            over.add(name)
            continue
        # A constant is computed once, when the rulebook is built: reading it is one step.
        bounds[name] = bound if isinstance(definition, CALLABLE) else 0
    return bounds


def _report_cycle(
    checker: Inferrer,
    definitions: dict[str, Definition],
    graph: dict[str, list[str]],
    component: list[str],
) -> None:
    members = set(component)
    first = min(component, key=lambda n: _start(definitions[n]))
    path = [first]
    current = first
    while True:
        nxt = next(r for r in graph[current] if r in members)
        path.append(nxt)
        if nxt == first or len(path) > len(members) + 1:
            break
        current = nxt
    checker.error(
        f"recursive definition: {' → '.join(path)}",
        definitions[first].span,
        "a definition may not use itself, directly or through others",
    )


def _check_const(checker: Inferrer, node: ConstDef) -> None:
    before = len(checker.diags)
    var = checker.infer(node.expr, {})
    type_ = var.resolved or NUMBER
    value = None
    # Folding is only meaningful on a well-typed expression.
    if len(checker.diags) == before:
        try:
            value = checker.fold(node.expr)
        except (EvaluationError, LimitError) as exc:
            checker.error(f"constant '{node.name}': {exc.message}", exc.span or node.span)
    checker.consts[node.name] = ConstInfo(node.name, type_, node, value)


def _scope_for(checker: Inferrer, params: tuple[Param, ...]) -> dict[str, Var]:
    scope: dict[str, Var] = {}
    for param in params:
        if param.name in scope:
            checker.error(f"parameter '{param.name}' is listed twice", param.span)
        scope[param.name] = Var(checker.param_type(param))
    return scope


def _check_func(checker: Inferrer, node: FuncDef) -> None:
    scope = _scope_for(checker, node.params)
    result = checker.infer(node.body, scope)
    checker.funcs[node.name] = FuncInfo(
        node.name,
        tuple(p.name for p in node.params),
        tuple(scope[p.name].resolved or NUMBER for p in node.params),
        result.resolved or NUMBER,
        node,
    )
