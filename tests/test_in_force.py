"""The rule in force by date (issue 16, item 3): effective dates in rulebook headers, the
lineage of the bundled rulebooks, ``rulebooks.in_force`` and a year split between regulations.

The dates are those of docs/rulebooks.md ("Dates in force"), read from the shared domain
reference §2, §3 and §5; every expected value is written out by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.demo import load_unit
from kinerja_engine.errors import CheckError, KinerjaSyntaxError, UsageError
from kinerja_engine.language.formula import Rulebook
from kinerja_engine.language.parser import parse_rulebook
from kinerja_engine.language.printer import print_rulebook
from kinerja_engine.models import Period, Plan
from kinerja_engine.scoring import appraise
from kinerja_engine.scoring.split import appraise_split_year
from test_legacy_skp import P8, PP46, p8_plan, pp46_whole

# ------------------------------------------------------------------------- the header


def test_header_dates_parse_print_and_round_trip() -> None:
    text = (
        'rulebook "r" version "1" cites "a" in force from 2022-01-01 until 2022-12-31 const a = 1'
    )
    node = parse_rulebook(text)
    assert node.header.in_force == (date(2022, 1, 1), date(2022, 12, 31))
    printed = print_rulebook(node)
    assert printed.splitlines()[0] == (
        'rulebook "r" version "1" cites "a" in force from 2022-01-01 until 2022-12-31'
    )
    assert parse_rulebook(printed) == node


def test_until_is_optional_and_dates_are_part_of_equality() -> None:
    open_ended = parse_rulebook('rulebook "r" in force from 2023-01-01 const a = 1')
    assert open_ended.header.in_force == (date(2023, 1, 1), None)
    assert "in force from 2023-01-01\n" in print_rulebook(open_ended)
    assert open_ended != parse_rulebook('rulebook "r" const a = 1')
    assert parse_rulebook('rulebook "r" const a = 1').header.in_force is None


def test_force_from_until_stay_usable_as_names() -> None:
    # Words of the header only: the contextual lexer keeps existing rulebooks valid.
    book = Rulebook.parse('rulebook "r" const from = 1 const until = 2 def force(x) = x + until')
    assert book.evaluate("from") == 1
    assert book.evaluate("force", x=1) == 3


def test_until_before_from_is_a_check_error_with_its_position() -> None:
    text = 'rulebook "r"\n  in force from 2022-01-01 until 2021-12-31\nconst a = 1'
    with pytest.raises(CheckError) as caught:
        Rulebook.parse(text)
    message = str(caught.value)
    assert "<formula>:1:1: error: in force until 2021-12-31, before it starts on 2022-01-01" in (
        message
    )
    assert "the 'until' date must be on or after the 'from' date" in message
    # One day is a valid period.
    assert Rulebook.parse('rulebook "r" in force from 2022-01-01 until 2022-01-01 const a = 1')


@pytest.mark.parametrize("bad", ["2022-02-30", "2022-13-01"])
def test_an_impossible_date_is_a_syntax_error_at_the_date(bad: str) -> None:
    with pytest.raises(KinerjaSyntaxError, match=f"'{bad}' is not a calendar date") as caught:
        parse_rulebook(f'rulebook "r" in force from {bad} const a = 1')
    assert caught.value.span is not None and caught.value.span.column == 28


# ------------------------------------------------------------------------- the lineages


@pytest.mark.parametrize("family", sorted(rulebooks.FAMILIES))
def test_bundled_lineage_has_no_gap_and_no_overlap(family: str) -> None:
    names = rulebooks.FAMILIES[family]
    dates = [rulebooks.dates_in_force(n) for n in names]
    assert all(d is not None for d in dates), names
    spans = [d for d in dates if d is not None]
    for (_, until), (start, _) in pairwise(spans):
        assert until is not None and start == until + timedelta(days=1)
    assert spans[-1][1] is None  # the newest is still in force


def test_bundled_dates_as_documented() -> None:
    assert rulebooks.dates_in_force("pp-46-2011") == (date(2014, 1, 1), date(2021, 6, 30))
    assert rulebooks.dates_in_force("permenpanrb-8-2021") == (date(2021, 7, 1), date(2022, 3, 31))
    assert rulebooks.dates_in_force("permenpanrb-6-2022") == (date(2022, 4, 1), None)
    assert rulebooks.dates_in_force("ikm-2004") == (date(2004, 2, 1), date(2016, 12, 31))
    assert rulebooks.dates_in_force("ikm-2017") == (date(2017, 1, 1), None)
    # Local and non-appraisal rulebooks carry no dates of their own.
    assert rulebooks.dates_in_force("gajahmungkur") is None


# ------------------------------------------------------------------------- in_force


def parts(period: object, family: str = "appraisal") -> list[tuple[str, str, str, int]]:
    return [
        (p.name, p.first.isoformat(), p.last.isoformat(), p.days)
        for p in rulebooks.in_force(period, family)
    ]


def test_in_force_for_whole_periods_and_days() -> None:
    assert parts(Period("semester", 2021, 1)) == [("pp-46-2011", "2021-01-01", "2021-06-30", 181)]
    assert parts(Period("quarter", 2022, 2)) == [
        ("permenpanrb-6-2022", "2022-04-01", "2022-06-30", 91)
    ]
    assert parts(date(2021, 6, 30)) == [("pp-46-2011", "2021-06-30", "2021-06-30", 1)]
    assert parts(date(2021, 7, 1)) == [("permenpanrb-8-2021", "2021-07-01", "2021-07-01", 1)]
    assert parts(Period("year", 2030), "ikm") == [("ikm-2017", "2030-01-01", "2030-12-31", 365)]


def test_in_force_splits_a_period_straddling_a_transition() -> None:
    assert parts(Period("year", 2021)) == [
        ("pp-46-2011", "2021-01-01", "2021-06-30", 181),
        ("permenpanrb-8-2021", "2021-07-01", "2021-12-31", 184),
    ]
    assert parts(Period("year", 2022)) == [
        ("permenpanrb-8-2021", "2022-01-01", "2022-03-31", 90),
        ("permenpanrb-6-2022", "2022-04-01", "2022-12-31", 275),
    ]
    assert parts(Period("year", 2016), "ikm") == [("ikm-2004", "2016-01-01", "2016-12-31", 366)]


def test_in_force_refuses_uncovered_days_and_bad_arguments() -> None:
    with pytest.raises(UsageError, match="no appraisal rulebook governs all of 2013-01-01"):
        rulebooks.in_force(Period("year", 2013))
    with pytest.raises(UsageError, match="'family' must be one of appraisal, ikm"):
        rulebooks.in_force(date(2022, 1, 1), family="tpp")
    with pytest.raises(UsageError, match="'period' must be a Period or a date, got str"):
        rulebooks.in_force("2022")


# ------------------------------------------------------------------------- split years


def test_2021_split_between_pp46_and_8_2021_end_to_end() -> None:
    # January-June under PP 46/2011: the whole SKP of test_legacy_skp scores 90.25 (Baik);
    # July-December under PermenPANRB 8/2021: 106.524 (Baik). The later regulation reads
    # the year: month-weighted mean (90.25 × 6 + 106.524 × 6) / 12 = 98.387 → Baik (90-120).
    governed = {p.name: p for p in rulebooks.in_force(Period("year", 2021))}
    assert list(governed) == ["pp-46-2011", "permenpanrb-8-2021"]
    s1 = pp46_whole().model_copy(update={"period": Period("semester", 2021, 1), "id": "s1"})
    s2 = p8_plan({"i1": 85, "i2": 93, "i3": 4}, pid="s2")  # 2021-S2
    assert s1.period.start == governed["pp-46-2011"].first
    assert s2.period.last_day == governed["permenpanrb-8-2021"].last

    year = appraise_split_year([(PP46, [s1]), (P8, s2)])
    assert year.period == "2021" and year.status == "complete"
    assert year.nilai_kinerja == Fraction("98.387")
    assert str(year.predikat) == "Baik"
    assert year.rulebook == "pp-46-2011 → permenpanrb-8-2021"
    text = year.explain()
    assert "Aturan: pp-46-2011 → permenpanrb-8-2021" in text
    assert (
        "Nilai kinerja: 98,39 (pp-46-2011 (6 bulan) 90,25, permenpanrb-8-2021 (6 bulan) 106,52)"
        in (text)
    )
    assert "Predikat Kinerja: Baik (98,39 ∈ [90, 120]; ide baru: tidak)" in text
    assert (
        "bagian 2021-01…2021-06 pp-46-2011 (PP 46/2011 tentang Penilaian Prestasi Kerja PNS)"
        in (text)
    )
    assert "bagian 2021-07…2021-12 permenpanrb-8-2021 (PP 30/2019" in text
    assert "digabung menurut permenpanrb-8-2021" in text


def _demo_quarters_2022() -> list[Plan]:
    """The demo's quarterly 6/2022 plans, relabelled as the second to fourth quarter of 2022."""
    quarters = load_unit().plans[0]
    return [
        q.model_copy(update={"period": Period("quarter", 2022, i), "id": f"q{i}"})
        for i, q in zip((2, 3, 4), quarters[1:], strict=True)
    ]


def test_2022_split_between_8_2021_and_6_2022_end_to_end() -> None:
    # January-March under PermenPANRB 8/2021; April-December under 6/2022, scored with the
    # local rulebook that extends it (6/2022 leaves the capaian → rating rule to the office).
    # 6/2022 has no numeric value: the later part's verdict is the year's, the first part
    # stays named in the explanation.
    later = _demo_quarters_2022()
    q1 = p8_plan({"i1": 85, "i2": 93, "i3": 4}, period="2022-Q1", pid="p8-q1")
    q1 = q1.model_copy(update={"employee": later[0].employee})
    local = rulebooks.load("gajahmungkur")
    assert [p.name for p in rulebooks.in_force(Period("year", 2022))] == [
        "permenpanrb-8-2021",
        "permenpanrb-6-2022",
    ]
    year = appraise_split_year([(P8, q1), (local, later)])
    own = appraise(q1, P8)
    assert year.period == "2022" and year.status == "complete"
    assert year.missing_periods == ()
    assert year.predikat is not None and year.nilai_kinerja is None
    text = year.explain()
    assert "Aturan: permenpanrb-8-2021 → gajahmungkur" in text
    assert "bagian 2022-01…2022-03 permenpanrb-8-2021 (PP 30/2019" in text
    assert f"nilai kinerja 106,52, predikat {own.predikat}" in text
    assert "bagian 2022-04…2022-12 gajahmungkur (PermenPANRB 6/2022" in text
    assert "predikat tahun ini dari bagian terakhir" in text


def test_a_month_without_a_part_leaves_the_year_incomplete() -> None:
    later = _demo_quarters_2022()[1:]  # Q3, Q4: April-June has no plan
    q1 = p8_plan({"i1": 85, "i2": 93, "i3": 4}, period="2022-Q1", pid="p8-q1")
    q1 = q1.model_copy(update={"employee": later[0].employee})
    year = appraise_split_year([(P8, q1), (rulebooks.load("gajahmungkur"), later)])
    assert year.status == "incomplete" and year.missing_periods == ("2022-Q2",)


def test_split_year_refuses_parts_out_of_order_and_foreign_plans() -> None:
    s1 = pp46_whole().model_copy(update={"period": Period("semester", 2021, 1), "id": "s1"})
    s2 = p8_plan({"i1": 85, "i2": 93, "i3": 4}, pid="s2")
    with pytest.raises(UsageError, match="parts go in time order"):
        appraise_split_year([(P8, s2), (PP46, s1)])
    other = s1.model_copy(update={"period": Period("semester", 2020, 1)})
    with pytest.raises(UsageError, match="is not of the employee and year"):
        appraise_split_year([(PP46, other), (P8, s2)])
    with pytest.raises(UsageError, match="must start with a Rulebook"):
        appraise_split_year([("pp-46-2011", s1)])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="needs at least one part"):
        appraise_split_year([])
