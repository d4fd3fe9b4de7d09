"""Every example in ``examples/`` runs as it is, in a subprocess with the current interpreter,
and prints what the library computes: each test recomputes the numbers through the public API
and looks for them in the output (never a constant copied from a run). No timing is asserted.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from importlib.util import find_spec
from pathlib import Path

import pytest

import kinerja_engine
from kinerja_engine import Appraisal, Formula, Plan, appraise, feedback, rulebooks
from kinerja_engine.batch import BatchSummary, load_rulebook, score_batch
from kinerja_engine.batch.synthetic import generate_plans, unit_predikat
from kinerja_engine.formatting import format_number
from kinerja_engine.scoring import check_pipeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The package directory's parent, so the subprocess imports the same code as the tests, with
# or without an installed package.
SRC = str(Path(kinerja_engine.__file__).resolve().parent.parent)


def run_example(name: str, *args: str) -> str:
    """Run ``examples/<name>/main.py`` from the repository root; its stdout (exit status 0)."""
    env = {
        **os.environ,
        "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "PYTHONIOENCODING": "utf-8",  # the examples print Indonesian text and arrows
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name / "main.py"), *args],
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_example_has_a_header_and_a_test() -> None:
    names = sorted(p.parent.name for p in EXAMPLES.glob("*/main.py"))
    assert names == ["national_batch", "property_testing", "puskesmas"]
    source = Path(__file__).read_text(encoding="utf-8")
    for name in names:
        text = (EXAMPLES / name / "main.py").read_text(encoding="utf-8")
        assert text.startswith('"""'), f"{name}/main.py needs a header docstring"
        assert "What it shows" in text.split('"""')[1], name
        assert f'run_example("{name}"' in source, f"no test runs examples/{name}"


# --------------------------------------------------------------------------- puskesmas

PUSKESMAS = EXAMPLES / "puskesmas"


def _puskesmas_results() -> tuple[list[Plan], list[Appraisal]]:
    """The example's appraisals, recomputed here from its rulebook file and plans file."""
    book = rulebooks.load((PUSKESMAS / "puskesmas.kinerja").read_text(encoding="utf-8"))
    raw = json.loads((PUSKESMAS / "plans.json").read_text(encoding="utf-8"))["plans"]
    plans = [Plan.model_validate(p) for p in raw]
    return plans, [appraise(plan, book) for plan in plans]


def _check_written(out: Path, results: list[Appraisal]) -> None:
    written = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert written == [r.to_dict() for r in results]
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(results)
    for row, result in zip(rows, results, strict=True):
        data = result.to_dict()
        assert row["plan_id"] == result.plan_id
        assert row["employee"] == result.employee
        assert row["predikat"] == str(result.predikat)
        assert row["rating_hasil_kerja"] == str(result.rating_hasil_kerja)
        assert row["nilai_hasil_kerja"] == data["nilai_hasil_kerja"]
        assert Fraction(row["insentif"]) == result.conversions["insentif"]


def test_puskesmas_default_output_is_a_temporary_directory() -> None:
    plans, results = _puskesmas_results()
    book = rulebooks.load((PUSKESMAS / "puskesmas.kinerja").read_text(encoding="utf-8"))
    before = sorted(p.name for p in PUSKESMAS.iterdir())
    out = run_example("puskesmas")
    written = re.search(r"Hasil ditulis ke (\S+)results\.json dan ", out)
    assert written is not None, out
    folder = Path(written.group(1))
    try:
        assert not folder.resolve().is_relative_to(ROOT)  # never into the repository
        assert sorted(p.name for p in PUSKESMAS.iterdir()) == before
        _check_written(folder, results)
    finally:
        shutil.rmtree(folder)
    # The three employees' explanations and feedback, as the library renders them.
    for plan, result in zip(plans, results, strict=True):
        assert result.status == "complete"
        assert result.explain("id") in out
        assert feedback(result).text() in out
        # The incentive is the rulebook's conversion of the predikat, shown in rupiah.
        insentif = book.evaluate("konversi_insentif", predikat=str(result.predikat))
        assert insentif == result.conversions["insentif"]
        nilai = format_number(result.nilai_hasil_kerja or 0, "id", 2)
        assert (
            f"{plan.employee.name}: nilai hasil kerja {nilai}, predikat {result.predikat}, "
            f"insentif Rp {format_number(insentif, 'id', 0)}"
        ) in out
    # The rulebook's kinds are really used, lower-is-better included.
    kinds = {ind.kind for plan in plans for _, ind in plan.indicators()}
    assert kinds == {"cakupan_vaksinasi", "waktu_rujukan", "sesi_sosialisasi"}
    assert len({str(r.predikat) for r in results}) == 3  # three different outcomes shown


def test_puskesmas_writes_into_the_given_directory(tmp_path: Path) -> None:
    _, results = _puskesmas_results()
    out = tmp_path / "hasil"
    stdout = run_example("puskesmas", "--out", str(out))
    assert str(out / "results.csv") in stdout
    _check_written(out, results)


def test_puskesmas_rulebook_meets_the_pipeline_contract() -> None:
    book = rulebooks.load((PUSKESMAS / "puskesmas.kinerja").read_text(encoding="utf-8"))
    assert check_pipeline(book) == []
    assert book.warnings == ()
    # Referral time is lower-is-better: faster than the target scores above 100 %.
    faster, slower = (
        book.evaluate("capaian_waktu_rujukan", realisasi=r, target=2) for r in ("1.8", "2.4")
    )
    assert faster > 100 > slower


# --------------------------------------------------------------------------- property testing

# The example's deliberately wrong rule: service time scored as if higher were better.
WRONG = Formula.parse("cap(realisasi / target * 100, 120)")
COUNTEREXAMPLE = re.compile(
    r"target (?P<target>\S+) .*\n.*\n.*capaian rose from (?P<c1>\S+)(?: \(exactly \S+\))? "
    r"to (?P<c2>\S+)(?: \(exactly \S+\))? when realisasi went from (?P<r1>\S+) to (?P<r2>\S+)$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def property_output() -> str:
    return run_example("property_testing")


def test_property_testing_finds_and_shrinks_the_wrong_rule(property_output: str) -> None:
    out = property_output
    assert "correct rule: property holds" in out
    assert "wrong rule: property FAILS" in out
    found = COUNTEREXAMPLE.search(out)
    assert found is not None, out
    target = Decimal(found["target"])
    low, high = Decimal(found["r1"]), Decimal(found["r2"])
    # The counterexample is real: more days gave a higher capaian under the wrong rule ...
    assert low < high
    before = WRONG.evaluate(realisasi=low, target=target)
    after = WRONG.evaluate(realisasi=high, target=target)
    assert before < after
    assert found["c1"] == format_number(before, "en", 2)
    assert found["c2"] == format_number(after, "en", 2)
    # ... and shrunk: two realisasi (the list's minimum) one step of the strategy apart.
    tried = re.search(r"realisasi tried: (.+)$", out, re.MULTILINE)
    assert tried is not None
    assert len(tried.group(1).split(", ")) == 2
    assert high - low == Decimal("0.1")


def test_property_testing_output_is_deterministic(property_output: str) -> None:
    # A fixed seed and no example database: a second run finds the same counterexample.
    assert run_example("property_testing") == property_output


# --------------------------------------------------------------------------- national batch


def _summary_lines(summary: BatchSummary) -> list[str]:
    lines = [
        "  by status: " + ", ".join(f"{name} {n}" for name, n in summary.status),
        "  by predikat: " + ", ".join(f"{name} {n}" for name, n in summary.predikat),
        f"{summary.units} units checked, {summary.units_violating} break at least one rule",
    ]
    lines += [f"  {n} unit(s): {rule}" for rule, n in summary.violation_counts().items()]
    return lines


def test_national_batch_stream_and_dask_agree() -> None:
    count, seed = 600, 7
    out = run_example("national_batch", "--count", str(count), "--seed", str(seed))
    expected = score_batch(
        generate_plans(count, seed=seed),
        load_rulebook("gajahmungkur"),
        unit_predikat=unit_predikat,
    )
    assert expected.count == count and expected.units > 0
    assert f"stream (one process): {count} appraisals in " in out
    for line in _summary_lines(expected):
        assert line in out, line
    if find_spec("dask") is None:
        assert "Dask: not installed" in out
    else:
        assert f"{count} appraisals in" in out.split("Dask (", 1)[1]
        assert "Dask summary equals the stream's: True" in out


def test_national_batch_without_dask() -> None:
    out = run_example("national_batch", "--count", "150", "--no-dask")
    expected = score_batch(
        generate_plans(150), load_rulebook("gajahmungkur"), unit_predikat=unit_predikat
    )
    assert "Dask: skipped (--no-dask)" in out
    for line in _summary_lines(expected):
        assert line in out, line
