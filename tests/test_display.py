"""The notebook display (issue 14, item 2): ``_repr_html_`` and ``__repr__`` of the results,
the reports, the language's objects and the errors.

Every page is parsed with :mod:`html.parser` and must be well formed (each tag closed, in
order; no ``<script>``), must contain the object's own numbers as
:func:`~kinerja_engine.formatting.format_number` writes them, and must show hostile text
(``<script>`` in a name, a reason, a rulebook or a formula) as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

from kinerja_engine import (
    Appraisal,
    Appraisals,
    CheckError,
    Formula,
    KinerjaError,
    Plan,
    Rulebook,
    UsageError,
    appraise,
    appraise_many,
    check_distribution,
    feedback,
    rulebooks,
    what_if,
)
from kinerja_engine.demo import load_unit, score_unit
from kinerja_engine.formatting import format_number, format_value

HOSTILE = '<script>alert("x")</script>'
VOID = {"br", "hr", "img", "meta", "input", "col", "wbr"}


class Page(HTMLParser):
    """A strict reader: every start tag must be closed, in order; collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.titles += [v or "" for k, v in attrs if k == "title"]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Page:
    """``page`` read strictly; fails the test when it is not well formed."""
    assert isinstance(page, str)
    reader = Page()
    reader.feed(page)
    reader.close()
    assert reader.problems == []
    assert reader.stack == [], f"unclosed: {reader.stack}"
    assert "script" not in reader.tags
    assert reader.tags[0] == "div"
    return reader


def shown(page: str) -> str:
    """The text a reader sees (markup removed, entities decoded)."""
    return "".join(parse(page).text)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return rulebooks.load("gajahmungkur")


@pytest.fixture(scope="module")
def unit_year(book: Rulebook) -> list[Appraisal]:
    return [year for _, year in score_unit(load_unit(), book)]


def _id(value: Any) -> str:
    return format_number(value, "id", 2)


# --------------------------------------------------------------------------- numbers shown


def test_appraisal_shows_its_numbers_and_ratings(book: Rulebook) -> None:
    plan = load_unit().plans[4][3]  # an override with its reason
    result = appraise(plan, book)
    page = result._repr_html_()
    text = shown(page)
    assert result.nilai_hasil_kerja is not None and result.predikat is not None
    assert _id(result.nilai_hasil_kerja) in text
    assert str(result.predikat) in text
    assert str(result.rating_hasil_kerja) in text
    assert str(result.rating_hasil_kerja_rekomendasi) in text  # the override is shown
    assert result.overrides[0][3] in text
    for rhk in result.rhk:
        for ind in rhk.indicators:
            assert ind.name in text
            if ind.capaian is not None:
                assert _id(ind.capaian) in text
                # The exact value is kept beside the rounded one.
                assert format_number(ind.capaian) in parse(page).titles
    for name, value in result.conversions.items():
        assert f"conversions.{name}" in text and _id(value) in text
    assert result.employee_name in repr(result)
    assert format_number(result.nilai_hasil_kerja, "en", 2) in repr(result)


def test_appraisals_table_has_one_row_per_employee(unit_year: list[Appraisal]) -> None:
    table = Appraisals(unit_year)
    page = table._repr_html_()
    reader = parse(page)
    assert reader.tags.count("tr") == len(unit_year) + 1  # the header row, then one each
    text = "".join(reader.text)
    for a in unit_year:
        assert a.employee_name in text and a.employee in text
        assert a.nilai_hasil_kerja is not None
        assert _id(a.nilai_hasil_kerja) in text
    assert repr(table).count("\n") == len(unit_year) + 1
    assert "Sangat Baik" in repr(table)


def test_appraisals_is_a_sequence_of_the_given_appraisals(unit_year: list[Appraisal]) -> None:
    table = Appraisals(iter(unit_year))
    assert list(table) == unit_year and len(table) == len(unit_year)
    assert table[0] is unit_year[0]
    assert isinstance(table[1:3], Appraisals) and list(table[1:3]) == unit_year[1:3]
    assert table == Appraisals(unit_year) and table != Appraisals(unit_year[:2])
    assert [r["employee"] for r in table.to_records()] == [a.employee for a in unit_year]
    assert len(table.to_records(indicators=True)) == sum(
        len(r.indicators) for a in unit_year for r in a.rhk
    )
    assert repr(Appraisals()) == "<Appraisals: 0 appraisals>"
    assert "0 appraisals" in shown(Appraisals()._repr_html_())


@pytest.mark.parametrize("wrong", [None, 3, "abc", {"a": 1}, [1], [None]])
def test_appraisals_refuses_what_is_not_appraisals(wrong: Any) -> None:
    with pytest.raises(UsageError, match="Appraisals"):
        Appraisals(wrong)


def test_appraisals_refuses_a_wrong_index(unit_year: list[Appraisal]) -> None:
    with pytest.raises(UsageError, match="index"):
        Appraisals(unit_year)["x"]  # type: ignore[call-overload]


def test_distribution_report_shows_counts_and_violations(
    book: Rulebook, unit_year: list[Appraisal]
) -> None:
    ok = check_distribution("baik", unit_year, book)
    text = shown(ok._repr_html_())
    assert "every rule of the curve is met" in text
    for name, count in ok.counts.items():
        assert name in text
        assert _id(count * 100 / ok.total) in text if count else True
    # The same people in a unit rated "Kurang" break the curve: violations with numbers.
    strict = check_distribution("kurang", unit_year, book)
    assert strict.violations
    text = shown(strict._repr_html_())
    for v in strict.violations:
        assert v.rule in text
        assert _id(v.share * 100) in text
    assert f"{len(strict.violations)} violation" in repr(strict)
    assert "ok>" in repr(ok)


def test_feedback_shows_each_sentence_and_its_numbers(book: Rulebook) -> None:
    result = appraise(load_unit().plans[2][3], book)
    fb = feedback(result)
    page = fb._repr_html_()
    text = shown(page)
    titles = parse(page).titles
    for item in fb.items:
        assert item.text in text
        for value in item.numbers.values():
            assert format_number(value) in titles
    assert repr(fb).splitlines()[1:] == [f"  [{i.kind}] {i.text}" for i in fb.items]


def test_what_if_shows_before_after_and_every_change(book: Rulebook) -> None:
    plan = load_unit().plans[2][3]
    w = what_if(plan, book, realisasi={"kolaborasi": 4})
    text = shown(w._repr_html_())
    assert w.before.nilai_hasil_kerja is not None and w.after.nilai_hasil_kerja is not None
    assert _id(w.before.nilai_hasil_kerja) in text and _id(w.after.nilai_hasil_kerja) in text
    assert str(w.before.predikat) in text and str(w.after.predikat) in text
    for change in w.changes:
        assert change.what in text
    assert repr(w).count("\n") == len(w.changes)


def test_formula_and_rulebook_show_their_text_and_definitions(book: Rulebook) -> None:
    formula = Formula.parse("cap(realisasi / target, 120%) * 100")
    text = shown(formula._repr_html_())
    assert str(formula) in text and "realisasi" in text and "number" in text
    reader = parse(book._repr_html_())
    text = "".join(reader.text)
    assert book.name in text and book.version in text
    definitions = list(book)
    assert len(definitions) > 10
    for name in definitions:
        assert name in text
    # One header row, then one row per definition (the header block is a table of its own).
    assert reader.tags.count("tr") == 1 + len(definitions) + 4
    for name, value in book.parameters.items():
        assert format_value(value, "id", 2) in text, name


def test_error_shows_its_caret_snippet() -> None:
    with pytest.raises(KinerjaError) as caught:
        Formula.parse("realisasi / (target")
    page = caught.value._repr_html_()
    reader = parse(page)
    assert "pre" in reader.tags
    assert caught.value.snippet() in "".join(reader.text)
    assert type(caught.value).__name__ in "".join(reader.text)
    with pytest.raises(CheckError) as many:
        Formula.parse("clam(x, 0, 1) + foo(y)")
    text = shown(many.value._repr_html_())
    for diagnostic in many.value.diagnostics:
        assert diagnostic.message in text


# --------------------------------------------------------------------------- hostile text


def _hostile_plan(book: Rulebook) -> Plan:
    data = load_unit().plans[4][3].model_dump(mode="json")
    data["employee"]["name"] = HOSTILE
    data["rhk"][0]["description"] = HOSTILE
    data["rhk"][0]["indicators"][0]["name"] = HOSTILE
    data["overrides"][0]["reason"] = HOSTILE
    return Plan.model_validate(data)


def _pages(book: Rulebook) -> dict[str, Callable[[], str]]:
    plan = _hostile_plan(book)
    result = appraise(plan, book)
    bad = list(appraise_many([{"id": HOSTILE}], book))
    hostile_book = Rulebook.parse(
        f'rulebook "{HOSTILE.replace(chr(34), "")}"\n'
        f'enum e {{ a "{HOSTILE.replace(chr(34), "")}" }}\n'
        "const c = e.a"
    )
    try:
        Formula.parse(f"1 + {HOSTILE}")
    except KinerjaError as exc:
        error = exc
    return {
        "appraisal": result._repr_html_,
        "appraisals": Appraisals([result, *bad])._repr_html_,
        "feedback": feedback(result)._repr_html_,
        "what_if": what_if(plan, book, realisasi={"ikm": 90})._repr_html_,
        "rulebook": hostile_book._repr_html_,
        "error": error._repr_html_,
    }


@pytest.mark.parametrize(
    "kind",
    ["appraisal", "appraisals", "feedback", "what_if", "rulebook", "error"],
)
def test_hostile_text_is_shown_as_text(book: Rulebook, kind: str) -> None:
    page = _pages(book)[kind]()
    assert "<script" not in page
    text = shown(page)  # parse() also asserts no <script> element was made
    written = HOSTILE if kind not in ("rulebook",) else HOSTILE.replace('"', "")
    if kind == "error":
        written = "<script>"  # the caret snippet shows the offending text up to the error
    assert written in text
