"""The scoring, report and batch packages: structured band rows, the public reference seam,
the annual policy table, and the layout rules (phases import only downstream, no private name
crosses a module, modules stay small and documented, the public names are pinned)."""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import kinerja_engine
from kinerja_engine import batch, report, rulebooks, scoring
from kinerja_engine.demo import load_unit
from kinerja_engine.models import Plan
from kinerja_engine.scoring import ANNUAL_POLICIES, BandMatch, appraise, appraise_many
from kinerja_engine.scoring.context import RulebookView

PACKAGE = Path(kinerja_engine.__file__).parent
AREA = ("scoring", "report", "batch")


# =========================================================================== band rows


def _sri_q4() -> Plan:
    return load_unit().plans[2][3]  # nilai hasil kerja 83.27: below the [90, 110) row


def test_band_row_is_carried_as_numbers_and_rendered_per_language() -> None:
    result = appraise(_sri_q4(), rulebooks.load("gajahmungkur"))
    step = next(s for s in result.trace if s.what == "rating_hasil_kerja")
    assert step.band == BandMatch(result.nilai_hasil_kerja, None, False, Fraction(90), False)  # type: ignore[arg-type]
    assert step.note == ""
    assert step.detail_text("en") == "83.27 ∈ (-inf, 90)"
    assert step.detail == step.detail_text("id") == "83,27 ∈ (-inf, 90)"
    assert "(83.27 ∈ (-inf, 90))" in result.explain("en")
    assert "(83,27 ∈ (-inf, 90))" in result.explain("id")
    assert "83,27" not in result.explain("en")


@pytest.mark.parametrize(
    ("value", "english", "indonesian"),
    [
        (Fraction(9474, 100), "94.74 ∈ [90, 110)", "94,74 ∈ [90, 110)"),
        # Rounded to 2 places it would read 110.00, outside [90, 110): more places are shown.
        (Fraction(109999, 1000), "109.999 ∈ [90, 110)", "109,999 ∈ [90, 110)"),
        (Fraction(1099999, 10000), "109.9999 ∈ [90, 110)", "109,9999 ∈ [90, 110)"),
        (Fraction(90), "90 ∈ [90, 110)", "90 ∈ [90, 110)"),
    ],
)
def test_band_match_text_never_reads_outside_its_row(
    value: Fraction, english: str, indonesian: str
) -> None:
    match = BandMatch(value, Fraction(90), True, Fraction(110), False)
    assert (match.text("en"), match.text("id")) == (english, indonesian)


def test_thousands_are_grouped_per_language_in_a_band_row() -> None:
    match = BandMatch(Fraction(1234567, 1000), Fraction(1000), True, None, False)
    assert (match.text("en"), match.text("id")) == (
        "1,234.57 ∈ [1000, inf)",
        "1.234,57 ∈ [1000, inf)",
    )


def test_what_if_band_rows_render_in_the_readers_language() -> None:
    changed = report.what_if(_sri_q4(), rulebooks.load("gajahmungkur"), realisasi={"kolaborasi": 4})
    rating = next(c for c in changed.changes if c.what == "rekomendasi rating hasil kerja")
    assert rating.rows is not None and rating.note == ""
    assert rating.detail == "baris tabel: 83,27 ∈ (-inf, 90) → 104,60 ∈ [90, 110)"
    assert rating.detail_text("en") == "table row: 83.27 ∈ (-inf, 90) → 104.60 ∈ [90, 110)"
    assert "(table row: 83.27 ∈ (-inf, 90) → 104.60 ∈ [90, 110))" in changed.explain("en")


def test_the_json_record_keeps_the_indonesian_detail() -> None:
    result = appraise(_sri_q4(), rulebooks.load("gajahmungkur"))
    rating = next(s for s in result.to_dict()["trace"] if s["what"] == "rating_hasil_kerja")
    assert rating["detail"] == "83,27 ∈ (-inf, 90)"


# =========================================================================== reference seam


def test_exact_only_never_calls_a_fast_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    book = rulebooks.load("gajahmungkur")
    plans = [p for quarters in load_unit().plans for p in quarters]
    fast = list(appraise_many(plans, book))

    def refuse(self: RulebookView, name: str) -> Any:
        raise AssertionError(f"'{name}' took the fast path")

    monkeypatch.setattr(RulebookView, "entry", refuse)
    exact = list(appraise_many(plans, book, exact_only=True))
    assert exact == fast
    assert len(exact) == len(plans) > 0
    assert appraise(plans[0], book, exact_only=True, trace=False) == fast[0].model_copy(
        update={"trace": ()}
    )


def test_reference_path_equals_appraise_many_exact_only() -> None:
    book = rulebooks.load("gajahmungkur")
    record = load_unit().plans[1][2].model_dump(mode="json")
    assert batch.appraise_reference(record, book) == next(
        appraise_many([record], book, exact_only=True)
    )
    broken = {**record, "period": "2026-Q9"}
    assert batch.appraise_reference(broken, book).status == "error"


# =========================================================================== annual policies


def test_annual_policies_are_a_table_with_one_row_per_rulebook_policy() -> None:
    book = rulebooks.load("permenpanrb-6-2022")
    assert set(ANNUAL_POLICIES) == {m.name for m in book.enum("agregasi").members}


def test_an_annual_policy_outside_the_table_is_refused() -> None:
    with pytest.raises(kinerja_engine.KinerjaError, match="unknown annual aggregation policy 'x'"):
        scoring.appraise_year(load_unit().plans[0], rulebooks.load("gajahmungkur"), policy="x")


# =========================================================================== layout


def _modules(package: str) -> list[Path]:
    return sorted((PACKAGE / package).glob("*.py"))


def _runtime_imports(path: Path) -> list[tuple[str, list[str]]]:
    """``(module, names)`` of every import outside ``if TYPE_CHECKING:``, resolved to an
    absolute ``kinerja_engine.…`` name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = ["kinerja_engine", *path.relative_to(PACKAGE).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    out: list[tuple[str, list[str]]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + (path.name == "__init__.py")]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            out.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out.extend((a.name, []) for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


@pytest.mark.parametrize("package", AREA)
def test_phases_import_only_downstream(package: str) -> None:
    forbidden = {"scoring": ("report", "batch", "testing"), "report": ("batch", "testing"),
                 "batch": ("report", "testing")}[package]  # fmt: skip
    for path in _modules(package):
        for module, _ in _runtime_imports(path):
            for other in forbidden:
                assert not module.startswith(f"kinerja_engine.{other}"), (path.name, module)


@pytest.mark.parametrize("package", AREA)
def test_no_private_name_crosses_a_module(package: str) -> None:
    for path in _modules(package):
        for module, names in _runtime_imports(path):
            if module.startswith("kinerja_engine"):
                private = [n for n in names if n.startswith("_") and n != "__version__"]
                assert not private, (path.name, module, private)


def test_no_import_cycle_among_the_scoring_modules() -> None:
    graph: dict[str, set[str]] = {}
    for path in _modules("scoring"):
        name = f"kinerja_engine.scoring.{path.stem}"
        graph[name] = {
            m for m, _ in _runtime_imports(path) if m.startswith("kinerja_engine.scoring.")
        }
    done: set[str] = set()

    def visit(node: str, stack: tuple[str, ...]) -> None:
        assert node not in stack, " → ".join((*stack, node))
        if node in done:
            return
        for nxt in graph.get(node, ()):
            visit(nxt, (*stack, node))
        done.add(node)

    for node in graph:
        visit(node, ())
    # The explanation is rendered inside scoring and imports nothing of it at run time.
    assert graph["kinerja_engine.scoring.explain"] == set()


@pytest.mark.parametrize(
    "path",
    [p for package in AREA for p in _modules(package)]
    + [PACKAGE / "demo.py", PACKAGE / "__main__.py"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_modules_are_small_and_documented(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 600
    assert ast.get_docstring(ast.parse(text))


def test_public_names_are_pinned() -> None:
    # DECIMAL_PLACES and Number: the result number type (issue 13, item 1), added on purpose.
    assert scoring.__all__ == [
        "ANNUAL_POLICIES", "DECIMAL_PLACES", "ENTRY_POINTS", "Appraisal", "Appraisals",
        "BandMatch", "DistributionReport", "EntryPoint", "IndicatorResult", "Number",
        "RhkResult", "Step", "Violation", "appraise",
        "appraise_many", "appraise_year", "check_distribution", "check_pipeline",
        "check_plan_kinds", "clear_caches", "format_number_id",
    ]  # fmt: skip
    assert report.__all__ == [
        "TEMPLATES", "BehaviourForm", "BehaviourRow", "Change", "Feedback", "FeedbackItem",
        "PathStep", "TargetFlag", "WhatIf", "behaviour_form", "check_targets", "feedback",
        "path_to_next", "what_if",
    ]  # fmt: skip
    assert batch.__all__ == [
        "BatchSummary", "UnitSummary", "appraise_reference", "dask_workforce_bag",
        "load_rulebook", "score_bag", "score_batch", "score_partition", "score_workforce_dask",
        "workforce_partitions",
    ]  # fmt: skip
    for package in (scoring, report, batch):
        for name in package.__all__:
            assert hasattr(package, name), (package.__name__, name)
    # The top level takes these from the packages, the same objects.
    for name in ("Appraisal", "appraise", "check_distribution", "what_if", "feedback"):
        assert getattr(kinerja_engine, name) is getattr(
            scoring if hasattr(scoring, name) else report, name
        )
