"""Feedback, path to the next rating, what-if and target checks (issue: constructive feedback)."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from books import bundled
from kinerja_engine import Plan, appraise, rulebooks
from kinerja_engine.demo import load_unit
from kinerja_engine.report import (
    check_targets,
    feedback,
    path_to_next,
    what_if,
)
from kinerja_engine.report.plans import changed_plan as changed
from kinerja_engine.scoring import appraise_year
from kinerja_engine.values import round_half_up

BOOK = bundled("gajahmungkur")


@cache
def unit() -> Any:
    return load_unit()


def _numbers_in(text: str, lang: str) -> list[Fraction]:
    """Every number written in a feedback sentence, read back in the language's format."""
    if lang == "id":
        found = re.findall(r"(?<![\w/])-?\d{1,3}(?:\.\d{3})*(?:,\d+)?(?![\w/])", text)
        return [Fraction(Decimal(n.replace(".", "").replace(",", "."))) for n in found]
    found = re.findall(r"(?<![\w/])-?\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\w/])", text)
    return [Fraction(Decimal(n.replace(",", ""))) for n in found]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("index", range(12))
def test_unit_feedback_states_only_trace_numbers(index: int, lang: str) -> None:
    # Each bundled employee's annual feedback: every number in the text is one of the item's
    # numbers (rounded half up to 2 places), and those numbers are the appraisal's own.
    quarters = list(unit().plans[index])
    annual = appraise_year(quarters, BOOK)
    fb = feedback(annual, lang=lang)
    by_id = {i.id: i for r in annual.rhk for i in r.indicators}
    assert fb.items
    for item in fb.items:
        allowed = {round_half_up(v, 2) for v in item.numbers.values()}
        for number in _numbers_in(item.text, lang):
            assert Decimal(number.numerator) / number.denominator in allowed, (item.text, allowed)
        ind = by_id.get(item.subject)
        if ind is not None and ind.capaian is not None:
            assert item.numbers["capaian"] == ind.capaian
            if "selisih" in item.numbers and not isinstance(ind.target, dict):
                target = Fraction(ind.target)
                realisasi = item.numbers.get("realisasi")
                if realisasi is not None:
                    assert item.numbers["selisih"] == abs(target - realisasi)
    summary = fb.items[-1]
    assert summary.numbers["nilai"] == annual.nilai_hasil_kerja
    assert str(annual.predikat) in summary.text


def test_feedback_templates_can_be_replaced() -> None:
    plan = unit().plans[2][3]
    result = appraise(plan, BOOK)
    custom = {"kurang": "{nama}: masih kurang {selisih} {satuan}."}
    fb = feedback(result, templates=custom)
    assert "Jumlah vaksinasi diberikan: masih kurang 19 dosis." in fb.text()
    local = BOOK.extend(
        'rulebook "templat" enum templat_umpan_balik_id { belum "{nama}: mohon segera lapor." }'
    )
    data = plan.model_dump()
    data["realisations"] = [r for r in data["realisations"] if r["indicator"] != "vaksin"]
    partial = appraise(Plan.model_validate(data), local)
    assert (
        "Jumlah vaksinasi diberikan: mohon segera lapor."
        in feedback(partial, rulebook=local).text()
    )


def _rank(rating: Any) -> int:
    return [m.name for m in BOOK.checked.enums["rating"].members].index(rating.name)


def _verify(plan: Plan, book: Any, indicator: str, needed: Decimal, step: Decimal,
            sign: int) -> None:  # fmt: skip
    base = appraise(plan, book).rating_hasil_kerja_rekomendasi
    at = appraise(changed(plan, realisasi={indicator: needed}), book)
    assert at.rating_hasil_kerja_rekomendasi is not None
    assert _rank(at.rating_hasil_kerja_rekomendasi) < _rank(base)
    short = needed - step if sign > 0 else needed + step
    before = appraise(changed(plan, realisasi={indicator: short}), book)
    assert before.rating_hasil_kerja_rekomendasi == base


@pytest.mark.parametrize("index", range(12))
def test_path_to_next_verified_by_rescoring(index: int) -> None:
    for plan in unit().plans[index]:
        for step in path_to_next(plan, BOOK):
            if step.status == "reachable":
                assert step.needed is not None
                assert step.direction is not None
                _verify(plan, BOOK, step.indicator, step.needed, step.step, step.direction)
            else:
                assert step.status in {"already_best", "unreachable", "not_monotone"}
                assert step.explain("id")
                assert step.explain("en")


def test_path_statuses_across_the_unit() -> None:
    statuses: dict[str, int] = {}
    for quarters in unit().plans:
        for plan in quarters:
            for step in path_to_next(plan, BOOK):
                statuses[step.status] = statuses.get(step.status, 0) + 1
    # Every gajahmungkur kind is proven monotone, so no indicator is left unanswered.
    assert "not_monotone" not in statuses
    assert statuses["reachable"] >= 20
    assert statuses["unreachable"] >= 1


def test_lower_is_better_path_gives_the_largest_realisasi() -> None:
    plan = unit().plans[7][0]  # Yulia Kartika, Q1: service time 4.1 days against 3
    steps = {s.indicator: s for s in path_to_next(plan, BOOK)}
    waktu = steps["waktu"]
    assert waktu.direction == -1
    assert waktu.step == Decimal("0.1")
    if waktu.status == "reachable":
        assert waktu.needed is not None
        assert waktu.needed < Decimal("4.1")
        _verify(plan, BOOK, "waktu", waktu.needed, waktu.step, -1)
    else:
        assert waktu.status == "unreachable"


def test_capped_indicator_answered_honestly() -> None:
    plan = unit().plans[2][3]  # Sri Handayani Q4
    steps = {s.indicator: s for s in path_to_next(plan, BOOK)}
    assert steps["sosialisasi"].status == "unreachable"
    assert steps["sosialisasi"].reason == "capped"
    assert "capped" in steps["sosialisasi"].explain("en")


LOCAL_BASE = rulebooks.load("permenpanrb-6-2022").extend(
    """rulebook "uji-jalur" version "1"
band rating_hasil_kerja(nilai) {
    [110, inf) -> rating.di_atas, [90, 110) -> rating.sesuai, (-inf, 90) -> rating.di_bawah,
}"""
)


def _single_plan(formula: str, target: int, realisasi: str) -> Plan:
    return Plan.model_validate(
        {
            "id": "p",
            "period": "2026-Q1",
            "employee": {
                "nip": "198609262015051001",
                "name": "Uji",
                "position": {"name": "Staf", "category": "Pelaksana"},
                "unit": "u",
            },
            "rhk": [
                {
                    "id": "r",
                    "description": "uji",
                    "indicators": [
                        {
                            "id": "i",
                            "name": "Indikator uji",
                            "unit_of_measure": "unit",
                            "target": target,
                            "direction": "higher",
                            "formula": formula,
                        }
                    ],
                }
            ],
            "realisations": [{"indicator": "i", "value": realisasi}],
            "behaviour": {"rating": "sesuai"},
        }
    )


@settings(max_examples=40, deadline=None)
@given(
    scale=st.integers(1, 300),
    offset=st.integers(-50, 50),
    cap=st.integers(95, 200),
    target=st.integers(1, 500),
    current=st.integers(0, 400),
)
def test_path_on_generated_monotone_formulas(
    scale: int, offset: int, cap: int, target: int, current: int
) -> None:
    # Monotone formulas built from the language's monotone pieces: the answer, when given,
    # is the exact threshold on the whole-number grid; a cap below the next band is reported
    # as unreachable, never guessed.
    formula = f"cap(at_least(realisasi / target * {scale} + {offset}, 0), {cap})"
    plan = _single_plan(formula, target, str(current))
    base = appraise(plan, LOCAL_BASE)
    if base.rating_hasil_kerja_rekomendasi is None:
        return
    (step,) = path_to_next(plan, LOCAL_BASE)
    if step.status == "reachable":
        assert step.needed is not None
        _verify(plan, LOCAL_BASE, "i", step.needed, step.step, 1)
    elif step.status == "unreachable":
        best = appraise(changed(plan, realisasi={"i": 10**9}), LOCAL_BASE)
        assert best.rating_hasil_kerja_rekomendasi == base.rating_hasil_kerja_rekomendasi
    else:
        assert step.status == "already_best"


def test_non_monotone_formula_is_not_guessed() -> None:
    plan = _single_plan("if realisasi > 50 then 80 else realisasi * 2", 100, "40")
    (step,) = path_to_next(plan, LOCAL_BASE)
    assert step.status == "not_monotone"
    assert step.needed is None


def test_what_if_scenarios() -> None:
    plan = unit().plans[2][3]  # Sri Handayani Q4, Butuh Perbaikan
    # 1. more collaboration activities: crosses a band row and a matrix cell
    crossing = what_if(plan, BOOK, realisasi={"kolaborasi": 4})
    whats = [c.what for c in crossing.changes]
    assert "predikat" in whats
    cell = next(c for c in crossing.changes if c.what == "predikat")
    assert "(di_bawah, sesuai)" in cell.detail
    assert "(sesuai, sesuai)" in cell.detail
    assert str(cell.before) == "Butuh Perbaikan"
    assert str(cell.after) == "Baik"
    # 2. a lower target for vaccinations: capaian and values change, the rating does not
    target = what_if(plan, BOOK, targets={"vaksin": 281})
    assert [c.what for c in target.changes][:2] == ["target", "capaian"]
    assert "predikat" not in [c.what for c in target.changes]
    # 3. other weights between the RHKs
    weights = what_if(plan, BOOK, weights={"rhk1": 80, "rhk2": 20})
    assert [c.what for c in weights.changes][:2] == ["bobot RHK", "bobot RHK"]
    assert weights.after.nilai_hasil_kerja != weights.before.nilai_hasil_kerja
    assert "nilai hasil kerja" in weights.explain()
    # nothing changed
    assert what_if(plan, BOOK, realisasi={"vaksin": "281"}).explain() == "Tidak ada perubahan."


def test_target_checks() -> None:
    last = unit().plans[2][2]  # Q3 realisasi
    draft = unit().plans[2][3]
    flags = check_targets(draft, BOOK, last=last)
    assert {(f.indicator, f.kind) for f in flags} == {("kolaborasi", "already_met")}
    data = draft.model_dump()
    data["rhk"][0]["weight"] = 50  # 50 + 40 no longer 100
    data["rhk"][0]["indicators"][0]["cap"] = 90  # a cap below 100: target out of reach
    bad = Plan.model_validate(data)
    kinds = {(f.indicator, f.kind) for f in check_targets(bad, BOOK)}
    assert ("", "weights") in kinds
