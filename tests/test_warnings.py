"""Warnings as a first-class result of checking (issue 15, item 1).

The checker's warnings (:mod:`kinerja_engine.language.lint`): each code fires on the text it
describes and on nothing else (every bundled rulebook and example has none), each names the
line and column in the author's own file (also in a file that extends a bundled rulebook),
``strict=True`` and ``kinerja check --strict`` refuse them, the pipeline contract does not
report a near miss twice, and the work is linear in the text (counted, at n and 4n).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from kinerja_engine import rulebooks
from kinerja_engine.__main__ import main
from kinerja_engine.errors import CheckError, Diagnostic, UsageError
from kinerja_engine.language import Formula, Rulebook
from kinerja_engine.language.lint import WARNINGS
from kinerja_engine.language.nodes import RulebookNode
from kinerja_engine.scoring import check_pipeline
from kinerja_engine.testing import strategies_language
from workmeter import MAX_GROWTH, growth

ROOT = Path(__file__).resolve().parent.parent
EXTENDS = 'rulebook "lokal" version "1" extends "gajahmungkur"\n'


def _found(book: Rulebook | Formula) -> list[tuple[str, int, int]]:
    return [(w.code, w.span.line, w.span.column) for w in book.warnings if w.span is not None]


# --------------------------------------------------------------------------- each warning


def test_unused_let_binding() -> None:
    book = Rulebook.parse('rulebook "r"\ndef f(x) =\n    let y = x * 2, z = 3 in x + z\n')
    assert _found(book) == [("unused-let", 3, 9)]
    (warning,) = book.warnings
    assert warning.severity == "warning"
    assert warning.message == "let binding 'y' is never used"


def test_a_binding_used_only_by_a_later_binding_is_used() -> None:
    book = Rulebook.parse('rulebook "r" def f(x) = let y = x, z = y in z')
    assert book.warnings == ()


def test_an_inner_let_of_the_same_name_does_not_hide_an_unused_outer_one() -> None:
    text = 'rulebook "r" def f(x) = let y = 1 in (let y = x in y)'
    book = Rulebook.parse(text)
    assert [w.code for w in book.warnings] == ["unused-let", "shadowed"][:1]
    assert book.warnings[0].span is not None and book.warnings[0].span.column == 29


def test_unused_parameter_of_a_called_function() -> None:
    text = (
        'rulebook "r"\nconst target = 100\ndef efisiensi(t, r) = 100 - r / target * 100\n'
        "def nilai(t, r) = efisiensi(t, r)\n"
    )
    book = Rulebook.parse(text)
    assert _found(book) == [("unused-parameter", 3, 15)]
    assert book.warnings[0].message == (
        "parameter 't' of 'efisiensi' is never used, yet other definitions call 'efisiensi' "
        "with a value for it"
    )


@pytest.mark.parametrize(
    "text",
    [
        # Nobody calls it: an entry point's parameters are the pipeline's to choose.
        'rulebook "r" def nilai_rhk(capaian: list, bobot: list) = mean(capaian)',
        # Called, and every parameter read (one only through a let).
        'rulebook "r" def f(a, b) = let c = b in a + c  def g(x) = f(x, 1)',
    ],
)
def test_no_unused_parameter_warning(text: str) -> None:
    assert Rulebook.parse(text).warnings == ()


def test_parameter_hiding_a_param_of_the_rulebook() -> None:
    text = 'rulebook "r"\nparam batas = 76\ndef lulus(batas) = batas >= 76\n'
    book = Rulebook.parse(text)
    assert _found(book) == [("shadowed", 3, 11)]
    assert (
        book.warnings[0].message
        == "parameter 'batas' of 'lulus' hides the rulebook's param 'batas'"
    )
    # What the warning is about: setting the param changes nothing in lulus.
    assert book.with_params(batas=90).evaluate("lulus", batas=80) is True


def test_let_and_band_parameters_hiding_a_const() -> None:
    text = (
        'rulebook "r"\nconst k = 2\ndef f(x) = let k = 3 in x * k\n'
        "band b(k) { (-inf, 0) -> 0, [0, inf) -> 1 }\n"
    )
    assert _found(Rulebook.parse(text)) == [("shadowed", 3, 16), ("shadowed", 4, 8)]


def test_constant_condition_names_the_branch_that_never_runs() -> None:
    text = 'rulebook "r"\ndef f(x) = if 2 > 1 then x else 0\nconst c = if false then 1 else 2\n'
    book = Rulebook.parse(text)
    assert _found(book) == [("constant-condition", 2, 15), ("constant-condition", 3, 14)]
    assert "always true" in book.warnings[0].message and "'else'" in book.warnings[0].message
    assert "always false" in book.warnings[1].message and "'then'" in book.warnings[1].message


@pytest.mark.parametrize(
    "condition",
    ["x > 1", "batas > 1", "f(1) > 0", "max(x, 1) > 0", "(let y = 1 in y) > 0"],
)
def test_a_condition_reading_an_input_a_param_or_a_definition_is_not_constant(
    condition: str,
) -> None:
    text = f'rulebook "r" param batas = 1 def f(v) = v  def g(x) = if {condition} then 1 else 2'
    assert Rulebook.parse(text).warnings == ()


def test_a_constant_condition_inside_another_is_reported_once() -> None:
    text = 'rulebook "r" def g(x) = if (if true then 1 else 2) > 0 then x else 0'
    assert [w.code for w in Rulebook.parse(text).warnings] == ["constant-condition"]


def test_a_condition_that_fails_to_fold_is_left_to_evaluation() -> None:
    text = 'rulebook "r" def g(x) = if 1 / 0 > 0 then x else 0'
    assert Rulebook.parse(text).warnings == ()


def test_near_miss_of_an_inherited_value_in_an_extending_file() -> None:
    text = EXTENDS + "\nparam batas_di_ats = 105\n"
    book = rulebooks.load(text)
    (warning,) = book.warnings
    assert (warning.code, warning.span and (warning.span.line, warning.span.column)) == (
        "near-miss",
        (3, 1),
    )
    assert warning.source == text and warning.origin is None
    assert warning.hint is not None and warning.hint.startswith("did you mean 'batas_di_atas'?")
    # The base's value is unchanged: that is what the warning is about.
    assert (
        book.parameters["batas_di_atas"]
        == rulebooks.load("gajahmungkur").parameters["batas_di_atas"]
    )


@pytest.mark.parametrize(
    "added",
    [
        "param batas_di_atas = 105",  # replaces: no warning
        "param batas_lain = 105\ndef f(x) = x > batas_lain",  # read by a definition
        "param insentif_baru = 7%",  # not a near miss of anything inherited
    ],
)
def test_no_near_miss_for_replacing_read_or_distinct_values(added: str) -> None:
    book = rulebooks.load(EXTENDS + added + "\n")
    assert [w.code for w in book.warnings] == []


def test_every_code_is_in_the_table_and_the_docs() -> None:
    docs = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    section = docs[docs.index("## Warnings") :]
    for code in WARNINGS:
        assert f"`{code}`" in section, code


# --------------------------------------------------------------------------- no false alarms


@pytest.mark.parametrize("name", rulebooks.names())
def test_bundled_rulebooks_have_no_warnings(name: str) -> None:
    assert rulebooks.load(name).warnings == ()


def test_example_rulebooks_have_no_warnings() -> None:
    paths = sorted((ROOT / "examples").rglob("*.kinerja"))
    assert paths
    for path in paths:
        assert rulebooks.load_file(str(path)).warnings == (), path


def test_an_extension_reports_its_own_warnings_not_its_bases() -> None:
    base = Rulebook.parse('rulebook "dasar" def f(x) = let y = 1 in x')
    local = base.extend('rulebook "lokal"\ndef g(x) = let z = 1 in x\n')
    assert len(base.warnings) == 1
    assert [(w.message, w.span and w.span.line) for w in local.warnings] == [
        ("let binding 'z' is never used", 2)
    ]
    assert local.with_params().warnings == local.warnings


# --------------------------------------------------------------------------- strict


def test_strict_parse_refuses_warnings_as_errors() -> None:
    text = 'rulebook "r"\ndef f(x) = let y = 1 in x\n'
    assert len(Rulebook.parse(text).warnings) == 1
    with pytest.raises(CheckError) as err:
        Rulebook.parse(text, strict=True)
    (diagnostic,) = err.value.diagnostics
    assert (diagnostic.severity, diagnostic.code) == ("error", "unused-let")
    assert str(err.value).startswith("<formula>:2:16: error: let binding 'y' is never used")
    Rulebook.parse('rulebook "r" def f(x) = x', strict=True)  # no warning: accepted


def test_strict_extend_points_into_the_extending_text() -> None:
    text = EXTENDS + "param batas_di_ats = 105\n"
    with pytest.raises(CheckError) as err:
        rulebooks.load("gajahmungkur").extend(text, strict=True, origin="lokal.kinerja")
    rendered = err.value.render()
    assert rendered.startswith("lokal.kinerja:2:1: error: 'batas_di_ats' replaces no definition")
    assert "param batas_di_ats = 105" in rendered


def test_formula_warnings_and_strict() -> None:
    formula = Formula.parse("let t = 2 in if 1 < 2 then realisasi else 0")
    assert _found(formula) == [("unused-let", 1, 5), ("constant-condition", 1, 17)]
    with pytest.raises(CheckError):
        Formula.parse("let t = 2 in realisasi", strict=True)
    assert Formula.parse("realisasi / target", strict=True).warnings == ()


@pytest.mark.parametrize("strict", ["yes", 1, None])
def test_strict_must_be_a_bool(strict: object) -> None:
    with pytest.raises(UsageError, match="'strict' must be bool"):
        Rulebook.parse('rulebook "r"', strict=strict)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the CLI


def _check(
    tmp_path: Path, text: str, *args: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    path = tmp_path / "lokal.kinerja"
    path.write_text(text, encoding="utf-8")
    code = main(["check", str(path), *args])
    return code, capsys.readouterr().out.replace(str(path), "F")


def test_cli_prints_each_warning_with_file_line_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'rulebook "r"\nparam batas = 1\ndef f(x) = let y = 2 in x\ndef g(batas) = batas\n'
    code, out = _check(tmp_path, text, capsys=capsys)
    assert code == 0
    assert "F:3:16: warning: let binding 'y' is never used" in out
    assert "F:4:7: warning: parameter 'batas' of 'g' hides the rulebook's param 'batas'" in out
    assert out.rstrip().endswith("F: ok (rulebook 'r', 3 definitions, 2 warnings)")
    code, out = _check(tmp_path, text, "--strict", capsys=capsys)
    assert code == 1
    assert out.rstrip().endswith("F: 0 errors, 2 warnings (--strict)")


def test_cli_extending_file_warnings_and_contract_in_the_authors_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        EXTENDS
        + "param batas_di_ats = 105\nparam agregasi_tahunn = agregasi.rata_capaian\n"
        + "def konversi_tpp(p) = p\n"
    )
    code, out = _check(tmp_path, text, capsys=capsys)
    assert code == 1
    lines = [line for line in out.splitlines() if re.match(r"F:\d+:\d+: ", line)]
    assert lines == [
        "F:2:1: warning: 'batas_di_ats' replaces no definition of the rulebook it extends, "
        "and nothing reads it",
        "F:3:1: warning: 'agregasi_tahunn' replaces no definition of the rulebook it extends, "
        "and nothing reads it",
        "F:4:18: error: conversion 'konversi_tpp': parameter 'p' is not an input the pipeline "
        "supplies",
    ]  # one near-miss warning each (not the contract's too), and no line of the merged text
    assert out.rstrip().endswith("F: 1 error, 2 warnings")


def test_cli_formula_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--formula", "if 1 > 2 then realisasi else 0"]) == 0
    out = capsys.readouterr().out
    assert "<formula 1>:1:4: warning: this condition is always false" in out
    assert main(["check", "--strict", "--formula", "if 1 > 2 then realisasi else 0"]) == 1


# --------------------------------------------------------------------------- the contract


def test_contract_warns_about_a_param_nothing_reads() -> None:
    book = rulebooks.load(EXTENDS + "param insentif_baru = 7%\n")
    found = [d for d in check_pipeline(book) if d.code == "contract"]
    assert [(d.severity, d.message) for d in found] == [
        ("warning", "param 'insentif_baru' is never read: no definition uses it, and the "
         "pipeline reads only its entry points")
    ]  # fmt: skip
    assert found[0].span is not None and found[0].span.line == 2


def test_locate_refuses_what_is_not_diagnostics() -> None:
    book = Rulebook.parse('rulebook "r"')
    with pytest.raises(UsageError):
        book.locate([object()])  # type: ignore[list-item]
    assert book.locate((Diagnostic("x"),)) == [Diagnostic("x")]


# --------------------------------------------------------------------------- counted work


def _lets(n: int) -> str:
    # n let bindings in a chain, every one unused but the last, and n constant conditions.
    bindings = ", ".join(f"v{i} = if {i} > 0 then x else {i}" for i in range(n))
    return f'rulebook "r" param p = 1 def f(x) = let {bindings} in v{n - 1}'


def test_warnings_cost_is_linear_in_the_text() -> None:
    book = Rulebook.parse(_lets(50))
    assert len(book.warnings) == 50 + 49  # the conditions and the unused bindings

    def make(n: int) -> object:
        text = _lets(n)
        return lambda: Rulebook.parse(text)

    small, large = growth(make, 100)  # type: ignore[arg-type]
    assert large <= MAX_GROWTH * small, (small, large)


def _added(n: int) -> str:
    # n added values, each a near miss of an inherited one or not: one index look-up each.
    lines = "".join(f"param batas_di_ats{i} = {i}\n" for i in range(n))
    return EXTENDS + lines


def test_near_miss_search_is_linear_in_the_added_definitions() -> None:
    base = rulebooks.load("gajahmungkur")

    def make(n: int) -> object:
        text = _added(n)
        return lambda: base.extend(text)

    small, large = growth(make, 40)  # type: ignore[arg-type]
    assert large <= MAX_GROWTH * small, (small, large)


# --------------------------------------------------------------------------- property


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies_language.rulebook_asts())
def test_warnings_of_generated_rulebooks_are_well_formed(node: RulebookNode) -> None:
    try:
        book = Rulebook.from_ast(node)
    except CheckError:
        return  # e.g. a constant dividing by zero: refused, nothing to warn about
    for warning in book.warnings:
        assert warning.severity == "warning" and warning.code in WARNINGS
        assert warning.span is not None and 0 <= warning.span.start < len(book.text)
    # The same text read again gives the same warnings, and strict refuses exactly them.
    again = Rulebook.parse(book.text)
    assert [(w.code, w.message) for w in again.warnings] == [
        (w.code, w.message) for w in book.warnings
    ]
    if book.warnings:
        with pytest.raises(CheckError) as err:
            Rulebook.parse(book.text, strict=True)
        assert len(err.value.diagnostics) == len(book.warnings)
    else:
        Rulebook.parse(book.text, strict=True)


def test_contract_names_a_definitions_name_not_a_letter_of_def(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'e' and 'f' are letters of 'def': the caret goes under the name, in the author's file.
    code, out = _check(tmp_path, EXTENDS + "def e(x) = x\n  def f(y) = y\n", capsys=capsys)
    assert code == 0
    assert "F:2:5: warning: 'e' is never used" in out
    assert "F:3:7: warning: 'f' is never used" in out
    own = Rulebook.parse('rulebook "r"\ndef f(y) = y\n')
    (found,) = [d for d in check_pipeline(own) if "'f'" in d.message]
    assert found.span is not None and (found.span.line, found.span.column) == (2, 5)


def _called(n: int) -> str:
    # n functions with an unused parameter, each called by its own caller; n hidden params.
    defs = " ".join(f"param p{i} = {i} def g{i}(a, b, p{i}) = a  def h{i}(x) = g{i}(x, 1, 2)"
                    for i in range(n))  # fmt: skip
    return f'rulebook "r" {defs}'


def test_unused_parameter_and_shadowing_cost_is_linear() -> None:
    book = Rulebook.parse(_called(10))
    assert sorted({w.code for w in book.warnings}) == ["shadowed", "unused-parameter"]
    assert len(book.warnings) == 30  # b and p<i> unused, p<i> hides a param

    def make(n: int) -> object:
        text = _called(n)
        return lambda: Rulebook.parse(text)

    small, large = growth(make, 50)  # type: ignore[arg-type]
    assert large <= MAX_GROWTH * small, (small, large)
