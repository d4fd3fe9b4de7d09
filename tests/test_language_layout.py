"""The language package keeps its house rules: small modules that say what they do, no cycles.

Counted from the source text, not timed: each module of ``kinerja_engine.language`` has a
docstring stating input, output and guarantees, stays within 600 lines, imports no private
name from another module, and the imports between its modules form no cycle.
"""

from __future__ import annotations

import ast
from importlib.resources import files

import pytest

PACKAGE = files("kinerja_engine.language")
MODULES = sorted(
    p.name[:-3] for p in PACKAGE.iterdir() if p.name.endswith(".py") and p.name != "__init__.py"
)
MAX_LINES = 600


def _tree(module: str) -> ast.Module:
    return ast.parse(PACKAGE.joinpath(f"{module}.py").read_text(encoding="utf-8"))


def _local_imports(module: str) -> list[ast.ImportFrom]:
    return [
        node
        for node in ast.walk(_tree(module))
        if isinstance(node, ast.ImportFrom) and node.level == 1
    ]


@pytest.mark.parametrize("module", MODULES)
def test_module_is_small_and_documented(module: str) -> None:
    text = PACKAGE.joinpath(f"{module}.py").read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_LINES, f"{module}.py has {text.count(chr(10))} lines"
    doc = ast.get_docstring(_tree(module)) or ""
    for word in ("Input", "Output", "Guarantee"):
        assert word in doc, f"{module}.py's docstring does not state its {word.lower()}"
    assert ">>> " in doc, f"{module}.py's docstring has no example"


@pytest.mark.parametrize("module", MODULES)
def test_no_private_name_crosses_modules(module: str) -> None:
    for node in _local_imports(module):
        private = [a.name for a in node.names if a.name.startswith("_")]
        assert not private, f"{module} imports {private} from .{node.module}"


def test_no_import_cycle_inside_the_package() -> None:
    graph = {m: {n.module for n in _local_imports(m) if n.module in MODULES} for m in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            assert state.get(dep) != 1, "import cycle: " + " → ".join([*path, module, dep])
            if dep not in state:
                visit(dep, [*path, module])
        state[module] = 2

    for module in MODULES:
        if module not in state:
            visit(module, [])
    assert len(state) == len(MODULES)
