"""The public surface is pinned: ``kinerja_engine``, ``kinerja_engine.models`` and
``kinerja_engine.testing`` export exactly these names, each importable and documented.

A change to a list below is a change to the public API: make it on purpose, keep the old name
for one release where it was documented, and say so in the changelog.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

import kinerja_engine
from kinerja_engine import models, testing

PACKAGE_DIR = Path(kinerja_engine.__file__).resolve().parent

TOP_LEVEL = [
    "Appraisal",
    "Appraisals",
    "BehaviourAssessment",
    "BindingError",
    "Change",
    "CheckError",
    "CoreValue",
    "Diagnostic",
    "Direction",
    "DistributionReport",
    "Employee",
    "EvaluationError",
    "Feedback",
    "FeedbackItem",
    "Formula",
    "Indicator",
    "IndicatorResult",
    "Jenjang",
    "KinerjaError",
    "KinerjaSyntaxError",
    "Label",
    "LimitError",
    "ModelError",
    "Override",
    "OverrideTarget",
    "PathStep",
    "Period",
    "PeriodKind",
    "Plan",
    "Position",
    "PositionCategory",
    "RHK",
    "Realisation",
    "RhkKind",
    "RhkResult",
    "Rulebook",
    "Span",
    "Step",
    "TargetFlag",
    "TargetRange",
    "Unit",
    "UsageError",
    "Violation",
    "WhatIf",
    "__version__",
    "appraise",
    "appraise_many",
    "appraise_year",
    "check_distribution",
    "check_targets",
    "decode_nip",
    "feedback",
    "path_to_next",
    "what_if",
]

MODELS = [
    "BehaviourAssessment",
    "CoreValue",
    "Dec",
    "DecOrLabel",
    "Direction",
    "Employee",
    "EmployeeKind",
    "Indicator",
    "Jenjang",
    "JptLevel",
    "Nip",
    "NipInfo",
    "Override",
    "OverrideTarget",
    "Period",
    "PeriodKind",
    "Plan",
    "Position",
    "PositionCategory",
    "RHK",
    "Realisation",
    "RhkKind",
    "TargetRange",
    "Unit",
    "Weight",
    "decode_nip",
    "example_plan",
    "is_label_text",
]

TESTING = [
    "ColumnarRulebook",
    "assert_bounded_by_caps",
    "assert_deterministic",
    "assert_monotone_in_realisasi",
    "assert_order_insensitive",
    "assert_rating_consistent_with_matrix",
    "assert_weights_sum_to_100",
    "behaviour_assessments",
    "behaviour_ratings",
    "columnar_plan_rows",
    "columnar_rulebooks",
    "decimals_for_inputs",
    "employees",
    "formula_asts",
    "formula_texts",
    "identifiers",
    "indicators",
    "mutate_text",
    "nips",
    "numeric_formulas",
    "periods",
    "plans",
    "positions",
    "realisations",
    "rhks",
    "rulebook_asts",
    "rulebook_texts",
    "tokenize",
]

SURFACES = [(kinerja_engine, TOP_LEVEL), (models, MODELS), (testing, TESTING)]
SURFACE_IDS = [module.__name__ for module, _ in SURFACES]
# Metadata, not API: a version string has no docstring of its own.
UNDOCUMENTED = {"__version__"}


def _submodules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def _has_doc_comment(name: str, package: ModuleType) -> bool:
    """A type alias or constant is documented by a ``#:`` comment right above its assignment
    in one of the package's modules (what Sphinx autodoc reads)."""
    modules = [package, *_submodules(package)] if hasattr(package, "__path__") else [package]
    assignment = re.compile(rf"^{re.escape(name)}\s*(:[^=]*)?=")
    for module in modules:
        lines = inspect.getsource(module).splitlines()
        for index, line in enumerate(lines):
            if assignment.match(line):
                return index > 0 and lines[index - 1].startswith("#:")
    return False


@pytest.mark.parametrize(("module", "expected"), SURFACES, ids=SURFACE_IDS)
def test_all_is_pinned(module: ModuleType, expected: list[str]) -> None:
    assert expected == sorted(expected), "keep the pinned list sorted"
    assert sorted(module.__all__) == expected
    assert len(set(module.__all__)) == len(module.__all__), "a name is listed twice"


@pytest.mark.parametrize(("module", "expected"), SURFACES, ids=SURFACE_IDS)
def test_star_import_gives_exactly_all(module: ModuleType, expected: list[str]) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module.__name__} import *", namespace)
    assert sorted(name for name in namespace if name != "__builtins__") == expected


@pytest.mark.parametrize(("module", "expected"), SURFACES, ids=SURFACE_IDS)
def test_every_public_name_is_importable_and_documented(
    module: ModuleType, expected: list[str]
) -> None:
    undocumented = []
    for name in expected:
        namespace: dict[str, object] = {}
        exec(f"from {module.__name__} import {name}", namespace)
        obj = namespace[name]
        if name in UNDOCUMENTED:
            continue
        if inspect.isclass(obj) or inspect.isroutine(obj):
            # A class's __doc__ is its own (never inherited), so an undocumented subclass fails.
            documented = bool((obj.__doc__ or "").strip())
        else:  # a type alias such as Dec or Weight: documented where it is assigned
            documented = _has_doc_comment(name, module)
        if not documented:
            undocumented.append(name)
    assert not undocumented


def test_public_functions_and_classes_show_an_example() -> None:
    """Public names of models and testing keep a runnable ``>>>`` example in their docstring
    (the enum members and type aliases excepted: their modules' examples use them)."""
    missing = []
    for module, names in ((models, MODELS), (testing, TESTING)):
        for name in names:
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isroutine(obj)) and ">>>" not in (
                obj.__doc__ or ""
            ):
                missing.append(f"{module.__name__}.{name}")
    assert not missing


@pytest.mark.parametrize("package", [models, testing], ids=lambda p: p.__name__)
def test_modules_import_no_private_name_and_state_their_contract(package: ModuleType) -> None:
    """Inside models and testing: no ``from x import _name``, and every module's docstring
    states its input, output and guarantees."""
    problems = []
    for path in sorted(Path(package.__path__[0]).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        problems.append(f"{path.name} imports {alias.name} from {node.module}")
        doc = ast.get_docstring(tree) or ""
        if path.name != "__init__.py":
            for word in ("Input", "Output", "Guarantee"):
                if word not in doc:
                    problems.append(f"{path.name}: docstring does not state its {word.lower()}")
    assert not problems


LAZY_PROBE = """
import sys
import kinerja_engine
heavy = ("pydantic", "lark", "kinerja_engine.models", "kinerja_engine.scoring")
assert not [m for m in heavy if m in sys.modules], [m for m in heavy if m in sys.modules]
from kinerja_engine import Formula
assert Formula.parse("min(r / t, 1.2) * 100").evaluate(r=3, t=4) == 75
assert not [m for m in heavy if m in sys.modules], [m for m in heavy if m in sys.modules]
from kinerja_engine import Plan, appraise
assert "pydantic" in sys.modules and "kinerja_engine.scoring" in sys.modules
assert kinerja_engine.Plan is Plan and "Plan" in vars(kinerja_engine)
"""


def test_top_level_names_are_imported_on_first_use() -> None:
    """``import kinerja_engine`` and parsing a formula load neither pydantic, Lark, the models
    nor the scoring pipeline (issue 18: a service that only evaluates formulas does not pay for
    them); a model name loads its module on first access, once."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_lazy_table_matches_the_type_checking_imports() -> None:
    """Every lazily imported name is in ``__all__``, and the table names the module the
    ``TYPE_CHECKING`` block imports it from (what mypy and editors see is what runs)."""
    source = (PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    checked: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    checked[alias.name] = str(statement.module)
    lazy = vars(kinerja_engine)["_LAZY"]
    assert lazy == checked
    assert set(lazy) <= set(kinerja_engine.__all__)


SUBPACKAGE_PROBE = """
import sys
import kinerja_engine
assert "kinerja_engine.scoring" not in sys.modules
assert kinerja_engine.scoring.appraise is kinerja_engine.appraise
assert kinerja_engine.models.Plan is kinerja_engine.Plan
assert kinerja_engine.report.feedback is kinerja_engine.feedback
assert kinerja_engine.io.__name__ == "kinerja_engine.io"
assert kinerja_engine.arguments.__name__ == "kinerja_engine.arguments"
assert not hasattr(kinerja_engine, "no_such_module")
assert not {"Any", "TYPE_CHECKING", "import_module"} & set(dir(kinerja_engine))
assert {"Plan", "appraise", "Formula"} <= set(dir(kinerja_engine))
"""


def test_subpackages_0_1_imported_are_attributes_after_a_plain_import() -> None:
    """0.1 imported ``models``, ``scoring``, ``report``, ``io`` and ``arguments`` with the
    package, so ``import kinerja_engine; kinerja_engine.scoring.appraise(...)`` worked; the
    lazy import keeps that working by importing them on first access (review rv2), and
    ``dir()`` lists the public names without the shell's own helpers."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", SUBPACKAGE_PROBE], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
