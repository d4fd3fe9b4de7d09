"""The notebook example (``examples/notebook``, issue 14 item 1): the percent script is turned
into a notebook by jupytext and executed by nbclient in a fresh kernel, as CI runs it; its
outputs are compared with what the library renders for the same objects, recomputed here.

Skipped when the ``notebook`` extra (jupytext, nbclient, ipykernel, matplotlib) is missing;
``.ci/run`` installs it. Marked slow: starting a kernel and matplotlib takes seconds, so it
runs in CI's ``-m slow`` step, not in the quick default run.
"""

from __future__ import annotations

import base64
import contextlib
import html
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("jupytext", reason="the notebook example needs the [notebook] extra")
pytest.importorskip("nbclient", reason="the notebook example needs the [notebook] extra")
pytest.importorskip("ipykernel", reason="the notebook example needs the [notebook] extra")
pytest.importorskip("matplotlib", reason="the notebook example needs the [notebook] extra")
pytest.importorskip("nbformat", reason="the notebook example needs the [notebook] extra")

import nbformat

from kinerja_engine import Appraisals, check_distribution, feedback, path_to_next, rulebooks
from kinerja_engine.demo import load_unit, lowest_last_quarter, score_unit
from kinerja_engine.formatting import format_number

pytestmark = pytest.mark.slow

RUNNER = Path(__file__).resolve().parent.parent / "examples" / "notebook" / "run_notebook.py"


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kinerja_notebook_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    """The runner's printed summary and the executed notebook it wrote."""
    runner = _load_runner()
    out = tmp_path_factory.mktemp("notebook") / "unit.ipynb"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert runner.main(["--out", str(out)]) == 0
    return printed.getvalue(), nbformat.read(out, as_version=4)  # type: ignore[no-untyped-call]


def _outputs(notebook: Any) -> list[dict[str, Any]]:
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]


def _html(notebook: Any) -> list[str]:
    return [o["data"]["text/html"] for o in _outputs(notebook) if "text/html" in o.get("data", {})]


def _printed(notebook: Any) -> str:
    return "".join(o["text"] for o in _outputs(notebook) if o["output_type"] == "stream")


def test_every_cell_ran_without_error(executed: tuple[str, Any]) -> None:
    printed, notebook = executed
    assert not [o for o in _outputs(notebook) if o["output_type"] == "error"]
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells)
    html_tables = sum("<table" in page for page in _html(notebook))
    images = sum("image/png" in o.get("data", {}) for o in _outputs(notebook))
    assert f"{len(code_cells)} code cells executed: {html_tables} HTML tables, {images} PNG" in (
        printed
    )


def test_the_results_table_is_the_collections_html(executed: tuple[str, Any]) -> None:
    _, notebook = executed
    book = rulebooks.load("gajahmungkur")
    annual = Appraisals(year for _, year in score_unit(load_unit(), book))
    pages = _html(notebook)
    assert annual._repr_html_() in pages
    (table,) = [page for page in pages if "kinerja-appraisals" in page]
    assert table.count("<tr>") == len(annual) + 1
    for a in annual:
        assert html.escape(a.employee_name) in table
        assert a.nilai_hasil_kerja is not None
        assert format_number(a.nilai_hasil_kerja, "id", 2) in table


def test_explanation_distribution_what_if_feedback_and_path(executed: tuple[str, Any]) -> None:
    _, notebook = executed
    book = rulebooks.load("gajahmungkur")
    unit = load_unit()
    results = score_unit(unit, book)
    annual = [year for _, year in results]
    printed = _printed(notebook)
    pages = _html(notebook)
    chosen = next(a for a in annual if a.overrides)
    assert chosen.explain("id") in printed
    assert check_distribution(unit.unit_predikat, annual, book)._repr_html_() in pages
    index = lowest_last_quarter(results)
    latest, plan = results[index][0][-1], unit.plans[index][-1]
    assert feedback(latest, rulebook=book)._repr_html_() in pages
    for step in path_to_next(plan, book):
        assert step.explain("id") in printed
    assert sum("kinerja-what-if" in page for page in pages) == 1


def test_the_plot_is_a_png_image(executed: tuple[str, Any]) -> None:
    _, notebook = executed
    images = [
        o["data"]["image/png"] for o in _outputs(notebook) if "image/png" in o.get("data", {})
    ]
    assert len(images) == 1
    png = base64.b64decode(images[0])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000  # a drawn chart, not an empty canvas
