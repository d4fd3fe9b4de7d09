"""The pipeline contract (issue 15, item 1): a rulebook meant for ``appraise`` is checked against
the entry points the scoring pipeline calls, by ``check_pipeline``, by ``appraise`` (contract
errors refuse the rulebook, unknown kinds refuse the plan before scoring), by ``check_targets``
and by ``kinerja check --pipeline``. Each reproducer of the issue is a regression test here,
with its message and position."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.__main__ import main
from kinerja_engine.errors import CheckError, Diagnostic, KinerjaError, ModelError
from kinerja_engine.language import Rulebook
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.report import check_targets
from kinerja_engine.scoring import (
    ENTRY_POINTS,
    EntryPoint,
    appraise,
    appraise_many,
    check_pipeline,
    check_plan_kinds,
)
from kinerja_engine.scoring import contract as contract_module

# A standalone copy of the national rulebook plus the author's lines: positions are the
# author's own (line BASE_LINES + 1 is the first added line).
BASE = rulebooks.source("permenpanrb-6-2022")
BASE_LINES = BASE.count("\n")


def _book(extra: str) -> Rulebook:
    return Rulebook.parse(BASE + extra)


def _only(diags: list[Diagnostic]) -> Diagnostic:
    assert len(diags) == 1, [d.message for d in diags]
    return diags[0]


def _where(d: Diagnostic) -> tuple[int, int]:
    assert d.span is not None
    return d.span.line - BASE_LINES, d.span.column


def _plan(kind: str | None = None, **changes: Any) -> Plan:
    data = example_plan().model_dump(mode="json")
    if kind is not None:
        data["rhk"][0]["indicators"][0].update(kind=kind, direction="higher")
    data.update(changes)
    return Plan.model_validate(data)


# --------------------------------------------------------------------------- the reproducers


def test_a_conversion_without_the_prefix_is_named_not_dropped() -> None:
    # Was: silently dropped (empty conversions, nothing at check time).
    book = _book("def tpp(p) = 1\n")
    d = _only(check_pipeline(book))
    assert (d.severity, _where(d)) == ("warning", (1, 5))
    assert d.message == (
        "'tpp' is never used: the pipeline calls only its entry points and definitions named "
        "konversi_* or capaian_<kind>"
    )
    assert d.hint is not None and d.hint.startswith(
        "to make it a conversion, name it 'konversi_tpp'"
    )
    appraise(example_plan(), book)  # a warning does not refuse the rulebook


@pytest.mark.parametrize(
    ("extra", "param", "column", "suggestion"),
    [
        ("def konversi_tpp(p) = p\n", "p", 18, "predikat"),
        ("def konversi_bonus(nilai) = nilai * 2\n", "nilai", 20, "nilai_hasil_kerja"),
    ],
)
def test_a_conversion_with_a_parameter_the_pipeline_does_not_supply_is_an_error(
    extra: str, param: str, column: int, suggestion: str
) -> None:
    # Was: "not applicable: no p" in the trace, an empty conversions dict.
    book = _book(extra)
    name = extra.split("(", maxsplit=1)[0].removeprefix("def ")
    d = _only(check_pipeline(book))
    assert (d.severity, d.code, _where(d)) == ("error", "contract", (1, column))
    assert d.message == (
        f"conversion '{name}': parameter '{param}' is not an input the pipeline supplies"
    )
    assert d.hint is not None and d.hint.startswith(f"did you mean '{suggestion}'?")
    # appraise refuses the rulebook, naming the definition and the position.
    with pytest.raises(CheckError) as caught:
        appraise(example_plan(), book)
    refused = f"rulebook 'permenpanrb-6-2022' does not fit the scoring pipeline: {d.message}"
    assert caught.value.message == refused
    assert (caught.value.line, caught.value.column) == (BASE_LINES + 1, column)
    (result,) = appraise_many([example_plan()], book)
    assert (result.status, result.error) == ("error", refused)


def test_a_misspelt_entry_point_is_a_near_miss_warning() -> None:
    # Was: every result "menunggu keputusan pejabat penilai", no hint why.
    book = _book(
        "band rating_hasil_kerj(nilai) {\n"
        "    [100, inf) -> rating.di_atas, (-inf, 100) -> rating.sesuai,\n"
        "}\n"
    )
    d = _only(check_pipeline(book))
    assert (d.severity, _where(d)) == ("warning", (1, 6))
    assert (
        d.message == "'rating_hasil_kerj' is not an entry point of the pipeline and is never used"
    )
    assert d.hint == "did you mean 'rating_hasil_kerja'?"


def test_near_miss_prefixes_of_kinds_and_conversions() -> None:
    book = _book(
        "def konvresi_tpp(predikat: predikat) = 1\ndef capain_cakupan(realisasi, target) = 1\n"
    )
    hints = [(d.severity, _where(d), d.hint) for d in check_pipeline(book)]
    assert hints == [
        ("warning", (1, 5), "did you mean 'konversi_tpp'?"),
        ("warning", (2, 5), "did you mean 'capaian_cakupan'?"),
    ]


def test_an_unknown_kind_is_refused_before_scoring_with_did_you_mean() -> None:
    # Was: reported only when scoring (so never for an indicator not yet reported), no hint.
    book = _book("def capaian_cakupan(realisasi, target) = realisasi / target * 100\n")
    plan = _plan("cakupn", realisations=[])  # nothing reported: scoring would not call it
    expected = (
        "indicator 'i1' (Waktu): rulebook 'permenpanrb-6-2022' has no indicator kind 'cakupn' "
        "(no definition 'capaian_cakupn'); did you mean 'cakupan'?"
    )
    assert check_plan_kinds(plan, book) == [("i1", expected)]
    with pytest.raises(ModelError) as caught:
        appraise(plan, book)
    assert caught.value.message == f"employee 198609262015051001 (Budi): plan p: {expected}"
    assert caught.value.errors == (expected,)
    assert check_plan_kinds(_plan("cakupan"), book) == []
    # check_targets reports it too, as a flag (it used to say nothing).
    flags = check_targets(plan, book, lang="en")
    assert [(f.indicator, f.kind, f.message) for f in flags] == [
        (
            "i1",
            "unknown_kind",
            "Waktu: the rulebook declares no indicator kind 'cakupn' (did you mean 'cakupan'?).",
        )
    ]


def test_unknown_kinds_cost_one_search_per_distinct_name(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = contract_module.difflib.get_close_matches

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return real(*args, **kwargs)

    book = _book("def capaian_cakupan(realisasi, target) = realisasi / target * 100\n")
    index = contract_module.KindIndex(book)
    monkeypatch.setattr(contract_module.difflib, "get_close_matches", counted)
    for n in (100, 400):
        data = example_plan().model_dump(mode="json")
        template = data["rhk"][0]["indicators"][0]
        data["rhk"][0]["indicators"] = [
            {**template, "id": f"i{i}", "kind": "cakupn", "direction": "higher"} for i in range(n)
        ]
        data["realisations"] = []
        assert len(check_plan_kinds(Plan.model_validate(data), index)) == n
    assert calls == ["cakupn"]


# A target declared as a label of an enum ("target: rating") was refused here too; since
# issue 16 (item 4) that is a qualitative kind, accepted (tests/test_qualitative.py).
@pytest.mark.parametrize(
    ("declared", "column"),
    [("target: bool", 32)],
)
def test_a_kind_whose_parameters_are_not_numbers_is_an_error(declared: str, column: int) -> None:
    # Was: the pipeline fed it numbers while Rulebook.evaluate refused the same call.
    book = _book(f"def capaian_cakupan(realisasi, {declared}) = realisasi\n")
    with pytest.raises(KinerjaError):
        book.evaluate("capaian_cakupan", realisasi=1, target=1)
    d = _only(check_pipeline(book))
    kind = declared.split(": ")[1]
    assert (d.severity, _where(d)) == ("error", (1, column))
    assert d.message == (
        f"indicator kind 'capaian_cakupan': parameter 'target' must be number or label, "
        f"but is declared {kind}"
    )
    assert d.hint == f"the pipeline passes a number or a label; drop ': {kind}'"
    with pytest.raises(CheckError):
        appraise(_plan("cakupan"), book)


def test_a_kind_with_a_parameter_it_is_not_given_is_an_error() -> None:
    # The stages bound every unknown name to the target: capaian_x(r, t) got r = target.
    d = _only(check_pipeline(_book("def capaian_x(r, target) = r\n")))
    assert (d.severity, _where(d)) == ("error", (1, 15))
    assert (
        d.message
        == "indicator kind 'capaian_x': parameter 'r' is not an input the pipeline supplies"
    )
    assert d.hint is not None and d.hint.startswith("did you mean 'realisasi'?")


def test_a_helper_named_like_a_kind_is_a_warning_and_no_kind() -> None:
    # permenpanrb-8-2021's capaian_dibulatkan(capaian) is called by other definitions.
    book = _book(
        "def capaian_bulat(capaian) = round(capaian, 0)\n"
        "def konversi_nilai(nilai_hasil_kerja) = capaian_bulat(nilai_hasil_kerja)\n"
    )
    d = _only(check_pipeline(book))
    assert (d.severity, _where(d)) == ("warning", (1, 19))
    appraise(example_plan(), book)  # not refused
    (problem,) = check_plan_kinds(_plan("bulat"), book)
    assert "cannot score an indicator: 'capaian_bulat' does not take" in problem[1]


@pytest.mark.parametrize(
    ("extra", "message", "where"),
    [
        ("def nilai_rhk(capaian, bobot: list) = capaian\n",
         "entry point 'nilai_rhk': parameter 'capaian' must be list, but is declared number",
         (1, 15)),
        ("def nilai_hasil_kerja(nilai: list) = sum(nilai)\n",
         "entry point 'nilai_hasil_kerja' must take 2 parameter(s), but takes 1 (nilai: list)",
         (1, 5)),
        ("def rating_hasil_kerja(nilai) = nilai\n",
         "entry point 'rating_hasil_kerja' must give rating, but gives number", (1, 5)),
        ("param kebijakan_realisasi_kosong = 1\n",
         "entry point 'kebijakan_realisasi_kosong' must be kebijakan_kosong, but is number",
         (1, 7)),
        ("def agregasi_tahunan(x) = x\n",
         "entry point 'agregasi_tahunan' must be a value (param or const) of type agregasi, "
         "not a function", (1, 5)),
    ],
)  # fmt: skip
def test_wrong_parameter_and_result_types_of_entry_points(
    extra: str, message: str, where: tuple[int, int]
) -> None:
    # A rulebook of its own (line 1 is its header): only the contract errors are asserted.
    found = check_pipeline(Rulebook.parse('rulebook "r"\n' + extra))
    d = _only([d for d in found if d.code == "contract"])
    assert d.span is not None
    assert (d.severity, d.message, (d.span.line - 1, d.span.column)) == ("error", message, where)


def test_a_missing_rating_band_needs_a_declared_policy() -> None:
    text = BASE.replace("param rating_oleh_pejabat_penilai = true", "")
    d = _only(check_pipeline(Rulebook.parse(text)))
    assert (d.severity, d.code, d.span) == ("warning", "missing", None)
    assert d.message == (
        "rulebook 'permenpanrb-6-2022' has no band 'rating_hasil_kerja' and declares no "
        "'rating_oleh_pejabat_penilai = true': every result waits for the evaluator's rating"
    )
    assert check_pipeline(rulebooks.load("permenpanrb-6-2022")) == []


def test_a_missing_required_entry_point_is_an_error_of_the_check_not_of_appraise() -> None:
    # appraise reports it where it is needed, naming the employee (test_scoring pins that).
    text = BASE.replace("def nilai_rhk(", "def nilai_rhk_lama(")
    found = [(d.severity, d.code, d.message, d.hint) for d in check_pipeline(Rulebook.parse(text))]
    assert (
        "warning",
        "contract",
        "'nilai_rhk_lama' is not an entry point of the pipeline and is never used",
        "did you mean 'nilai_rhk'?",
    ) in found
    assert (
        "error",
        "missing",
        "rulebook 'permenpanrb-6-2022' has no definition 'nilai_rhk' "
        "(required: nilai_rhk(capaian: list, bobot: list) -> number)",
        None,
    ) in found


@pytest.mark.parametrize("name", ["permenpanrb-6-2022", "gajahmungkur"])
def test_bundled_pipeline_rulebooks_pass_the_contract(name: str) -> None:
    book = rulebooks.load(name)
    assert [d for d in check_pipeline(book) if d.severity == "error"] == []
    assert check_pipeline(book) == []  # and without a warning
    assert book.warnings == ()


def test_every_row_is_one_entry_point_with_its_absence_documented() -> None:
    names = [row.name for row in ENTRY_POINTS]
    assert len(names) == len(set(names))
    for row in ENTRY_POINTS:
        assert isinstance(row, EntryPoint) and row.absent
        assert row.binding in ("position", "name", "value")
        assert all(t for _, t in row.params) and row.result
    required = {row.name for row in ENTRY_POINTS if row.required}
    assert required == {"nilai_rhk", "nilai_hasil_kerja"}


def test_the_scoring_phase_calls_only_names_of_the_table() -> None:
    # The table is the single source: every definition name the scoring modules call, test or
    # read is one of its rows (a new call needs a new row, and the docs list it).
    pattern = re.compile(
        r"(?:\.call|\.call_carry|\.call_number|\.call_fast|\.has|\.param|\bcall|band_match"
        r"|evaluate)"
        r"\(\s*\"([a-z_]+)\""
    )
    scoring_dir = Path(contract_module.__file__).parent
    # survey.py scores an IKM survey with the IKM rulebook's own definitions: it is not the
    # appraisal pipeline and has no entry points in this table.
    called = {
        name
        for path in scoring_dir.glob("*.py")
        if path.name != "survey.py"
        for name in pattern.findall(path.read_text(encoding="utf-8"))
    }
    rows = {row.name for row in ENTRY_POINTS}
    assert called >= {"nilai_rhk", "rating_hasil_kerja", "kurva_min", "pembulatan_kurva"}
    assert called <= rows, called - rows


def test_the_docs_table_lists_every_entry_point() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "rulebooks.md").read_text(encoding="utf-8")
    for row in ENTRY_POINTS:
        assert f"`{row.signature()}`" in doc, row.signature()


def test_warnings_render_with_their_severity() -> None:
    d = Diagnostic("never used", severity="warning")
    assert d.render(filename="f.kinerja") == "f.kinerja: warning: never used"
    assert Diagnostic("bad").render(filename="f.kinerja") == "f.kinerja: error: bad"


# --------------------------------------------------------------------------- the command line

EXTENDS = 'rulebook "lokal" version "1" extends "permenpanrb-6-2022"\n'
# The national rulebook's definitions plus the one the file adds.
COUNT = len(list(rulebooks.load("permenpanrb-6-2022"))) + 1


def _cli(
    tmp_path: Path, text: str, *args: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    path = tmp_path / "lokal.kinerja"
    path.write_text(text, encoding="utf-8")
    code = main(["check", str(path), *args])
    return code, capsys.readouterr().out.replace(str(path), "F")


def test_cli_checks_the_contract_by_default_for_a_file_extending_a_pipeline_rulebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _cli(tmp_path, EXTENDS + "def konversi_bonus(nilai) = nilai * 2\n", capsys=capsys)
    assert code == 1
    message = "conversion 'konversi_bonus': parameter 'nilai' is not an input the pipeline supplies"
    assert f": error: {message}" in out
    assert "hint: did you mean 'nilai_hasil_kerja'?" in out
    assert out.rstrip().endswith("F: 1 error, 0 warnings")
    code, out = _cli(tmp_path, EXTENDS + "def konversi_bonus(nilai) = nilai * 2\n",
                     "--no-pipeline", capsys=capsys)  # fmt: skip
    assert (code, out.strip()) == (0, f"F: ok (rulebook 'lokal', {COUNT} definitions)")


def test_cli_warnings_pass_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = EXTENDS + "def tpp(p) = 1\n"
    code, out = _cli(tmp_path, text, capsys=capsys)
    assert code == 0
    assert ": warning: 'tpp' is never used" in out
    assert out.rstrip().endswith(
        f"F: ok (rulebook 'lokal', {COUNT} definitions, pipeline contract, 1 warning)"
    )
    code, out = _cli(tmp_path, text, "--strict", capsys=capsys)
    assert code == 1
    assert out.rstrip().endswith("F: 0 errors, 1 warning (--strict)")


def test_cli_pipeline_on_demand_for_a_standalone_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'rulebook "sendiri"\ndef nilai_rhk(capaian: list, bobot: list) = sum(capaian)\n'
    code, out = _cli(tmp_path, text, capsys=capsys)
    assert (code, out.strip()) == (0, "F: ok (rulebook 'sendiri', 1 definitions)")
    code, out = _cli(tmp_path, text, "--pipeline", capsys=capsys)
    assert code == 1
    assert "F: error: rulebook 'sendiri' has no definition 'nilai_hasil_kerja'" in out
    assert main(["check", str(tmp_path / "missing.kinerja"), "--pipeline"]) == 2
