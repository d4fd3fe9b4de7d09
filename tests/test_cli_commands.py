"""The ``kinerja`` commands added for issue 13 (score, compare, check --input, schema,
--version, closed pipes, bad paths) and rulebook files that extend each other, run as a real
subprocess: exit codes and output are the interface."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import kinerja_engine
from kinerja_engine import appraise_many, rulebooks
from kinerja_engine.cli_scoring import changes
from kinerja_engine.io import plan_rows, read_plans, read_records, write_rows
from kinerja_engine.models import Plan, example_plan

SRC = str(Path(kinerja_engine.__file__).resolve().parent.parent)
DATA = Path(__file__).parent / "data"
ENV = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kinerja_engine", *map(str, args)],
        capture_output=True, text=True, env=ENV, timeout=600, check=False,
    )  # fmt: skip


def _csv_plans() -> list[Plan]:
    return [p for p in read_plans(DATA / "gajahmungkur-2026.csv") if isinstance(p, Plan)]


@pytest.fixture(scope="module")
def expected_csv() -> list[dict[str, object]]:
    """The records of the CSV plans scored through the API (the golden path)."""
    from kinerja_engine.io import appraisal_records

    book = rulebooks.load("gajahmungkur")
    return appraisal_records(appraise_many(_csv_plans(), book, trace=False))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl", "parquet"])
def test_score_each_input_format(
    fmt: str, tmp_path: Path, expected_csv: list[dict[str, object]]
) -> None:
    if fmt in ("csv", "xlsx"):
        source = DATA / f"gajahmungkur-2026.{fmt}"
        if fmt == "xlsx":
            pytest.importorskip("openpyxl")
    else:
        if fmt == "parquet":
            pytest.importorskip("pyarrow")
        source = tmp_path / f"plans.{fmt}"
        write_rows((row for plan in _csv_plans() for row in plan_rows(plan)), source)
    out = tmp_path / "results.jsonl"
    done = _run("score", source, "--rulebook", "gajahmungkur", "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    got = list(read_records(out))
    assert got == expected_csv  # every format holds the same plans: the same records
    assert f"{len(got)} results: {len(got)} complete, 0 incomplete, 0 errors" in done.stdout
    assert "unit gajahmungkur:" in done.stdout


def test_score_year_with_the_curve_check(tmp_path: Path) -> None:
    done = _run("score", DATA / "gajahmungkur-2026.csv", "--rulebook", "gajahmungkur",
                "--year", "--unit-predikat", "Baik")  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    employees = {str(p.employee.nip) for p in _csv_plans()}
    assert f"{len(employees)} results:" in done.stdout
    assert "curve check, unit gajahmungkur:" in done.stdout


def test_an_unknown_unit_predikat_is_refused_before_scoring(tmp_path: Path) -> None:
    """It was a BindingError traceback (exit 1) after the whole file had been scored."""
    out = tmp_path / "results.csv"
    done = _run("score", DATA / "gajahmungkur-2026.csv", "--rulebook", "gajahmungkur",
                "--unit-predikat", "Hebat", "--out", out)  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "--unit-predikat: " in done.stderr and "'Baik'" in done.stderr
    assert not out.exists()  # refused before anything was read or written


def test_score_explain_prints_every_explanation(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    write_rows(plan_rows(example_plan()), source)
    done = _run("score", source, "--rulebook", "permenpanrb-6-2022", "--explain", "en")
    assert done.returncode == 0, done.stderr
    assert example_plan().employee.name in done.stdout


def test_thousand_rows_ten_corrupt(tmp_path: Path) -> None:
    source = tmp_path / "plans.jsonl"
    good = example_plan().model_dump(mode="json")
    corrupt = set(range(5, 1000, 100))
    lines = []
    for row in range(1, 1001):
        if row in corrupt:
            lines.append(
                '{"id": "broken'
                if row % 200 == 5
                else json.dumps({**good, "id": f"p{row}", "rhk": "x"})
            )
        else:
            lines.append(json.dumps({**good, "id": f"p{row}"}))
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "results.csv"
    done = _run("score", source, "--rulebook", "permenpanrb-6-2022", "--out", out)
    assert done.returncode == 1  # done, with findings
    records = list(read_records(out))
    assert len(records) == 1000
    errors = [r for r in records if r["status"] == "error"]
    assert len(errors) == 10
    assert sorted(int(str(r["error_row"])) for r in errors) == sorted(corrupt)
    assert all(str(source) in str(r["error"]) for r in errors)
    assert "1000 results: " in done.stdout and "incomplete, 10 errors" in done.stdout
    for row in corrupt:
        assert f"row {row}" in done.stdout


POLICY = """\
rulebook "lebih-ketat" extends "../nasional/kota.kinerja"
param batas_di_atas = 101
param batas_sesuai = 99
"""
CITY = 'rulebook "kota" extends "gajahmungkur"\n'


def test_compare_lists_exactly_the_changed(tmp_path: Path) -> None:
    (tmp_path / "nasional").mkdir()
    (tmp_path / "kec").mkdir()
    (tmp_path / "nasional" / "kota.kinerja").write_text(CITY, encoding="utf-8")
    policy = tmp_path / "kec" / "kebijakan.kinerja"
    policy.write_text(POLICY, encoding="utf-8")
    old, new = rulebooks.load("gajahmungkur"), rulebooks.load(policy)
    plans = _csv_plans()
    before = list(appraise_many(plans, old, trace=False))
    after = list(appraise_many(plans, new, trace=False))
    expected = {a.plan_id for a, b in zip(before, after, strict=True) if changes(a, b)}
    moved = {a.plan_id for a, b in zip(before, after, strict=True) if a.predikat != b.predikat}
    assert moved  # the band moved someone's predikat
    done = _run("compare", DATA / "gajahmungkur-2026.csv",
                "--rulebook", "gajahmungkur", "--rulebook", policy)  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("changed ")}
    assert listed == expected
    assert f"{len(expected)} of {len(plans)} changed" in done.stdout
    assert "unit gajahmungkur:" in done.stdout and " → " in done.stdout


def test_check_formula_with_inputs_reproduces_the_readme_typo() -> None:
    done = _run("check", "--formula", "cap(realisasi / targt, 120%)",
                "--input", "realisasi:number", "--input", "target:number")  # fmt: skip
    assert done.returncode == 1
    assert "unknown name 'targt'" in done.stdout
    assert "did you mean 'target'?" in done.stdout
    fine = _run("check", "--formula", "cap(realisasi / target, 120%)",
                "--input", "realisasi:number", "--input", "target:number")  # fmt: skip
    assert fine.returncode == 0, fine.stdout
    assert _run("check", "--formula", "1", "--input", "nocolon").returncode == 2


def test_version_and_program_name() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"kinerja {kinerja_engine.__version__}"
    assert _run("--help").stdout.startswith("usage: kinerja ")


@pytest.mark.parametrize("what", ["plan", "appraisal"])
def test_schema_prints_json_schema(what: str) -> None:
    done = _run("schema", what)
    assert done.returncode == 0
    assert "properties" in json.loads(done.stdout)


def test_closed_pipe_is_quiet() -> None:
    command = f"{shlex.quote(sys.executable)} -m kinerja_engine schema appraisal | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, env=ENV,
                          timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0
    assert done.stdout == "{\n"
    assert done.stderr == ""


@pytest.mark.parametrize("which", ["directory", "missing", "format"])
def test_bad_plan_paths_exit_2_with_one_line(which: str, tmp_path: Path) -> None:
    path = {"directory": tmp_path, "missing": tmp_path / "nope.csv",
            "format": tmp_path / "plans.txt"}[which]  # fmt: skip
    if which == "format":
        path.write_text("x", encoding="utf-8")
    done = _run("score", path, "--rulebook", "gajahmungkur")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert str(path) in done.stderr
    assert "Traceback" not in done.stderr


def test_check_refuses_a_directory_and_a_huge_file(tmp_path: Path) -> None:
    assert _run("check", tmp_path).returncode == 2
    huge = tmp_path / "huge.kinerja"
    huge.write_text('rulebook "x"\n' + "# padding\n" * 10_000, encoding="utf-8")
    done = _run("check", huge)
    assert done.returncode == 2
    assert "longer than" in done.stderr and str(huge) in done.stderr


def test_three_levels_of_extends_error_in_the_middle_file(tmp_path: Path) -> None:
    (tmp_path / "kota").mkdir()
    (tmp_path / "kec").mkdir()
    (tmp_path / "kota" / "kebijakan.kinerja").write_text(
        'rulebook "kota" extends "permenpanrb-6-2022"\n\nparam batas_lokal = 10\n'
        "def lokal(nilai) = nilia * batas_lokal\n",
        encoding="utf-8",
    )
    kec = tmp_path / "kec" / "kebijakan.kinerja"
    kec.write_text('rulebook "kec" extends "../kota/kebijakan.kinerja"\n', encoding="utf-8")
    done = _run("check", kec)
    assert done.returncode == 1
    middle = str(tmp_path / "kec" / ".." / "kota" / "kebijakan.kinerja")
    assert f"{middle}:4:" in done.stdout, done.stdout
    with pytest.raises(kinerja_engine.KinerjaError) as caught:
        rulebooks.load(kec)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.origin == middle and diagnostic.span is not None
    assert diagnostic.span.line == 4


def test_three_levels_of_extends_load(tmp_path: Path) -> None:
    (tmp_path / "kota").mkdir()
    (tmp_path / "kec").mkdir()
    (tmp_path / "kota" / "kebijakan.kinerja").write_text(
        'rulebook "kota" extends "pp-46-2011"\nparam batas_efisiensi = 30\n', encoding="utf-8"
    )
    kec = tmp_path / "kec" / "kebijakan.kinerja"
    kec.write_text('rulebook "kec" extends "../kota/kebijakan.kinerja"\n', encoding="utf-8")
    book = rulebooks.load(str(kec))
    assert book.name == "kec"
    assert book.evaluate("nilai_efisiensi", t=10, r="7.5") == rulebooks.load(
        'rulebook "l" extends "pp-46-2011" param batas_efisiensi = 30'
    ).evaluate("nilai_efisiensi", t=10, r="7.5")
    missing = tmp_path / "kec" / "yatim.kinerja"
    missing.write_text('rulebook "y" extends "../tidak-ada.kinerja"\n', encoding="utf-8")
    with pytest.raises(kinerja_engine.UsageError, match=r"yatim\.kinerja"):
        rulebooks.load(missing)
    loop = tmp_path / "loop.kinerja"
    loop.write_text('rulebook "loop" extends "loop.kinerja"\n', encoding="utf-8")
    with pytest.raises(kinerja_engine.UsageError, match="cycle"):
        rulebooks.load(loop)


def test_syntax_error_in_the_middle_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "kota").mkdir()
    (tmp_path / "kec").mkdir()
    (tmp_path / "kota" / "k.kinerja").write_text(
        'rulebook "kota" extends "permenpanrb-6-2022"\n\nparam = 3\n', encoding="utf-8"
    )
    kec = tmp_path / "kec" / "k.kinerja"
    kec.write_text('rulebook "kec" extends "../kota/k.kinerja"\n', encoding="utf-8")
    done = _run("check", kec)
    assert done.returncode == 1
    middle = str(tmp_path / "kec" / ".." / "kota" / "k.kinerja")
    assert done.stdout.startswith(f"{middle}:3:7: error: "), done.stdout


def test_compare_sees_a_change_beyond_the_printed_places() -> None:
    # Result numbers print 10 places; two policies whose nilai differ by 1/(3·10^12) print
    # the same text, yet the change is listed, shown with the exact values.
    from fractions import Fraction

    [base] = appraise_many(_csv_plans()[:1], rulebooks.load("gajahmungkur"), trace=False)
    assert base.nilai_hasil_kerja is not None
    tiny = Fraction(1, 3 * 10**12)
    before = base.model_copy(update={"nilai_hasil_kerja": base.nilai_hasil_kerja.exact + tiny})
    after = base.model_copy(update={"nilai_hasil_kerja": base.nilai_hasil_kerja.exact + 2 * tiny})
    assert str(after.nilai_hasil_kerja) == str(before.nilai_hasil_kerja)
    [(what, old, new)] = changes(before, after)
    assert what == "nilai_hasil_kerja"
    assert Fraction(new) - Fraction(old) == tiny
    assert changes(before, before) == []


def test_from_text_never_reads_a_name_or_a_file(tmp_path: Path) -> None:
    # A service's caller text: neither a bundled name nor a path on the server is loaded.
    from kinerja_engine.errors import KinerjaError

    secret = tmp_path / "secret.kinerja"
    secret.write_text('rulebook "secret" const rahasia = 42', encoding="utf-8")
    assert rulebooks.load(str(secret)).name == "secret"  # load() does take a path
    for text in (str(secret), "gajahmungkur"):
        with pytest.raises(KinerjaError):
            rulebooks.from_text(text)
    own = rulebooks.from_text('rulebook "unit" extends "gajahmungkur" param batas_sesuai = 80')
    assert own.parameters["batas_sesuai"] == 80 and "nilai_hasil_kerja" in own


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_score_refuses_to_write_over_its_own_plans(fmt: str, tmp_path: Path) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    source = tmp_path / f"plans.{fmt}"
    write_rows((row for plan in _csv_plans()[:3] for row in plan_rows(plan)), source)
    before = source.read_bytes()
    for out in (source, tmp_path / "." / f"plans.{fmt}"):
        done = _run("score", source, "--rulebook", "gajahmungkur", "--out", out)
        assert done.returncode == 2 and "is the plan file itself" in done.stderr
        assert "Traceback" not in done.stderr
    assert source.read_bytes() == before


@pytest.mark.parametrize("name", ["bad.parquet", "bad.xlsx"])
def test_a_file_that_is_not_what_its_name_says_is_one_line(name: str, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow" if name.endswith("parquet") else "openpyxl")
    source = tmp_path / name
    source.write_text("not a table at all", encoding="utf-8")
    for engine in ("object", "auto"):
        done = _run("score", source, "--rulebook", "gajahmungkur", "--engine", engine)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"{source}: cannot read the" in done.stderr
