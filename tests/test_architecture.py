"""The package's architecture, read from its source with ``ast`` (nothing is imported).

Input: every ``.py`` file under ``src/kinerja_engine``. Output: the graph of imports between the
package's own modules, relative imports resolved, imports inside functions counted, imports
under ``if TYPE_CHECKING:`` left out (they never run). Guarantees checked: no import cycle; no
private name (``_x``) imported or used across modules; every import goes down the layers of
``LAYERS``; every module has a docstring and stays within ``MAX_LINES``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "kinerja_engine"
ROOT = Path(__file__).resolve().parent.parent / "src" / PACKAGE
# The house rule is "about 600 lines"; 650 leaves room for a docstring grown by a paragraph.
MAX_LINES = 650

# Bottom first. A module may import from its own component and from the components of the
# layers below its own, never from a layer above (a component is a top-level module or a
# subpackage of kinerja_engine). The shell at the top chains the phases for callers.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),
    ("values", "arguments"),
    ("formatting",),
    # The notebook display's building blocks (escaped HTML, text tables) under every renderer.
    ("display",),
    ("language",),
    # The Pygments lexer: imported by Pygments (entry point) and the docs hook, not the package.
    ("highlight",),
    ("rulebooks",),
    ("models",),
    # Plan tables in and flat records out: formats of the models, read by attribute name,
    # so scoring can offer Appraisal.to_records().
    ("io",),
    ("scoring",),
    ("report",),
    ("batch",),
    # Plan tables scored over whole columns (numpy), exact by a certified filter.
    ("columnar",),
    ("testing",),
    # The shell: the demo and the deprecated aliases of old names, then the re-exports and the
    # CLI that runs the demo.
    ("demo", "functions", "synthetic", "cli_scoring"),
    # The columnar engine on the command line (Parquet to Parquet, `kinerja check`'s verdict).
    ("cli_columnar",),
    ("__init__", "__main__"),
)
LAYER = {component: rank for rank, names in enumerate(LAYERS) for component in names}
# The table the layering test enforces, derived from LAYERS: component -> what it may import.
ALLOWED = {
    component: frozenset(other for other, below in LAYER.items() if below < rank)
    for component, rank in LAYER.items()
}


@dataclass(frozen=True, slots=True)
class Import:
    """One import of a module of the package by another (``name`` set for ``from m import n``
    when ``n`` is not itself a module)."""

    source: str
    target: str
    name: str | None
    line: int


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


MODULES = _sources()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:`` (its ``else`` runs)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _package_of(module: str) -> str:
    """The package a module's relative imports start from."""
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = _package_of(module).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str, tree: ast.AST) -> Iterator[Import]:
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield Import(module, alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            if target not in MODULES:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in MODULES:
                    yield Import(module, submodule, None, node.lineno)
                else:
                    yield Import(module, target, alias.name, node.lineno)


def _private_attributes(module: str, tree: ast.AST) -> Iterator[Import]:
    """``m._x`` where ``m`` is bound to another module of the package by an import."""
    aliases: dict[str, str] = {}
    for node in _statements(tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:
                    aliases[alias.asname or alias.name] = f"{target}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in _statements(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _private(node.attr)
        ):
            yield Import(module, aliases[node.value.id], node.attr, node.lineno)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


TREES = {module: ast.parse(path.read_text(encoding="utf-8")) for module, path in MODULES.items()}
IMPORTS = [found for module, tree in TREES.items() for found in _imports(module, tree)]


def _component(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _where(found: Import) -> str:
    name = f" ({found.name})" if found.name else ""
    return f"{found.source}:{found.line} -> {found.target}{name}"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that ends where it starts, or None (iterative DFS)."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        path.append(start)
        on_path.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif child in on_path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                path.append(child)
                on_path.add(child)
    return None


# --------------------------------------------------------------------------- the reader itself


def test_the_reader_finds_the_package_and_its_imports() -> None:
    assert f"{PACKAGE}.language.parser" in MODULES and PACKAGE in MODULES
    # A relative import two levels up from a module of a subpackage resolves to the top.
    node = ast.parse("from ..errors import UsageError").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve(f"{PACKAGE}.language.parser", node) == f"{PACKAGE}.errors"
    # From a package's __init__, one dot is the package itself.
    node = ast.parse("from .plan import Plan").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve(f"{PACKAGE}.models", node) == f"{PACKAGE}.models.plan"
    # Imports inside functions count; those under TYPE_CHECKING do not.
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .errors import KinerjaError\n"
        "def f():\n    from .values import _private\n"
    )
    found = list(_imports(f"{PACKAGE}.formatting", tree))
    assert [(i.target, i.name) for i in found] == [(f"{PACKAGE}.values", "_private")]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


# --------------------------------------------------------------------------- imports


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for found in IMPORTS:
        if found.target != found.source:
            graph[found.source].add(found.target)
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_private_name_crosses_modules() -> None:
    # A private name is its module's business: another module, even the package's own
    # __init__ or a sibling, needs a public seam instead.
    crossing = [
        _where(found)
        for module, tree in TREES.items()
        for found in [*_imports(module, tree), *_private_attributes(module, tree)]
        if found.name is not None and _private(found.name) and found.target != found.source
    ]
    assert not crossing, "private names used across modules:\n" + "\n".join(crossing)


def test_every_component_has_a_layer() -> None:
    assert {_component(module) for module in MODULES} - {"data"} <= set(LAYER)


def test_imports_go_down_the_layers() -> None:
    upward = [
        _where(found)
        for found in IMPORTS
        if _component(found.target) != _component(found.source)
        and _component(found.target) not in ALLOWED[_component(found.source)]
    ]
    assert not upward, "imports against the layering (see LAYERS):\n" + "\n".join(upward)


# --------------------------------------------------------------------------- modules


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_has_a_docstring(module: str) -> None:
    docstring = ast.get_docstring(TREES[module])
    assert docstring and docstring.strip(), f"{MODULES[module]} has no docstring"


def test_modules_stay_short() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in MODULES.values()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"
