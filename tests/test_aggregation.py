"""Aggregation: means over the aspects an indicator has, missing values that are not zero,
weights that sum to 100 %, rounding half up and once (not per part), and annual results built
from periods of the right length.

Each section quotes a mistake real appraisal systems make and proves the engine avoids it.
Expected numbers are written out by hand (fractions, rounded by the test's own ``half_up``),
never computed with the code under test.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from books import bundled
from kinerja_engine import Formula, KinerjaError, Rulebook
from kinerja_engine.errors import ModelError
from kinerja_engine.models import Period, Plan
from kinerja_engine.scoring import appraise, appraise_year, format_number_id
from kinerja_engine.values import Label
from one_rhk import NIP, half_up, ind, plan_data, score

D = Decimal
F = Fraction

G = bundled("gajahmungkur")
P6 = bundled("permenpanrb-6-2022")
PP46 = bundled("pp-46-2011")


# =========================================================================================
# "Dropping an aspect from the sum while still dividing by it"


def test_pp46_activity_means_over_the_aspects_it_has() -> None:
    # Pitfall "Dropping an aspect from the sum while still dividing by it".
    # PP 46: kuantitas 100, kualitas 90, waktu 76: without a budget the mean is over 3 aspects.
    three = PP46.formula("nilai_kegiatan(100, 90, 76)").evaluate_exact()
    assert three == F(266, 3)  # 88.67, not 266 / 4 = 66.5 (a dropped biaya counted as 0)
    assert three != F(266, 4)
    # With a budget it is the mean over 4 (the worked example of Perka BKN 1/2013: 85.50).
    assert PP46.evaluate("nilai_kegiatan_biaya", kuan=100, kual=90, waktu=76, biaya=76) == D("85.5")


def test_not_applicable_indicator_leaves_both_sum_and_divisor() -> None:
    # Pitfall "Dropping an aspect from the sum while still dividing by it", in the
    # pipeline: an indicator that does not apply (a "biaya" without budget) is out of the
    # weighted mean entirely: the others' weights are renormalised.
    inds = [ind("a", 100, weight=50), ind("b", 100, weight=25), ind("c", 100, weight=25)]
    data = plan_data(inds, {"a": 90, "b": 80})
    data["realisations"].append({"indicator": "c", "not_applicable": True})
    result = appraise(Plan.model_validate(data), G)
    assert result.indicator("c").status == "not_applicable"
    assert result.indicator("c").capaian is None
    # (90 × 50 + 80 × 25) / 75, not / 100 (which would be 65)
    assert result.rhk[0].nilai == F(90 * 50 + 80 * 25, 75)
    assert result.status == "complete"


# =========================================================================================
# "Treating a missing score as 0 (or 0 as missing)"


def _missing_vs_zero(book: Rulebook) -> tuple[Any, Any]:
    inds = [ind("a", 100, weight=50), ind("b", 100, weight=50)]
    missing = score(inds, {"a": 80}, book)
    zero = score(inds, {"a": 80, "b": 0}, book)
    return missing, zero


def test_missing_realisasi_is_not_zero_default_policy() -> None:
    # Pitfall "Treating a missing score as 0 (or 0 as missing)". gajahmungkur's policy
    # (kebijakan_realisasi_kosong = tidak_lengkap): a missing realisasi makes the result
    # incomplete; a reported 0 is a real capaian of 0 %.
    assert G.parameters["kebijakan_realisasi_kosong"] == Label(
        "kebijakan_kosong", "tidak_lengkap", "hasil belum lengkap"
    )
    missing, zero = _missing_vs_zero(G)
    assert missing.indicator("b").status == "not_reported"
    assert missing.indicator("b").capaian is None
    assert missing.status == "incomplete"
    assert missing.nilai_hasil_kerja is None and missing.predikat is None
    assert zero.indicator("b").status == "reported"
    assert zero.indicator("b").capaian == 0
    assert zero.status == "complete"
    assert zero.nilai_hasil_kerja == 40  # (80 + 0) / 2
    assert str(zero.predikat) == "Butuh Perbaikan"


def test_missing_realisasi_is_not_zero_exclusion_policy() -> None:
    # The other documented policy: the missing indicator is left out and the
    # weights renormalised, which differs from scoring it 0.
    book = G.with_params(kebijakan_realisasi_kosong="kebijakan_kosong.kecualikan")
    missing, zero = _missing_vs_zero(book)
    assert missing.indicator("b").status == "not_reported"
    assert missing.nilai_hasil_kerja == 80  # 80 alone, renormalised
    assert missing.notes[0] == "realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang"
    assert str(missing.predikat) == "Butuh Perbaikan"  # 80 < batas_sesuai
    assert zero.nilai_hasil_kerja == 40
    assert missing.nilai_hasil_kerja != zero.nilai_hasil_kerja


# =========================================================================================
# "Banker's rounding or rounding per part"


def test_rounding_is_half_up_never_bankers() -> None:
    # Pitfall "Banker's rounding": Python rounds 2.675 (a float) to 2.67 and
    # Decimal 3.125 / 28.125 to 3.12 / 28.12; the rules language rounds half up.
    assert round(2.675, 2) == 2.67 and round(D("3.125"), 2) == D("3.12")
    assert round(D("28.125"), 2) == D("28.12")
    assert Formula.parse("round(2.675, 2)").evaluate() == D("2.68")
    assert Formula.parse("round(3.125, 2)").evaluate() == D("3.13")
    # Angka kredit: Ahli Madya, Butuh Perbaikan, a year: 75 % × 37.5 = 28.125 → 28.13.
    args = {"predikat": "Butuh Perbaikan", "jenjang": "Ahli Madya", "bulan": 12}
    assert G.evaluate("angka_kredit", **args) == D("28.125")
    assert G.evaluate("konversi_angka_kredit", **args) == D("28.13")
    assert format_number_id(F(28125, 1000)) == "28,13"
    assert format_number_id(D("2.675")) == "2,68"


def test_annual_result_rounds_once_not_per_quarter() -> None:
    # Pitfall "rounding per part". Quarterly capaian 110.004 / 109.995 (× 2): the exact
    # annual mean 109.9995 is below the 110 threshold (Sesuai); rounding each quarter to two
    # decimals first (110.00 each) would have given 110 and Di Atas Ekspektasi.
    values = ["1100.04", "1099.95", "1100.04", "1099.95"]
    plans = [
        Plan.model_validate(plan_data([ind("k", 1000, kind="kasus")], {"k": v},
                                      period=f"2026-Q{q}", plan_id=f"skp-q{q}"))
        for q, v in enumerate(values, 1)
    ]  # fmt: skip
    quarterly = [appraise(p, G) for p in plans]
    assert [a.indicator("k").capaian for a in quarterly] == [F(110004, 1000), F(109995, 1000)] * 2
    year = appraise_year(plans, G, policy="rata_capaian")
    assert year.nilai_hasil_kerja == F(1099995, 10000)
    assert str(year.rating_hasil_kerja) == "Sesuai Ekspektasi"
    per_part = sum((half_up(a.indicator("k").capaian or F(-1)) for a in quarterly), F(0)) / 4
    assert per_part == 110  # what rounding per part would have carried
    assert str(G.evaluate("rating_hasil_kerja", nilai=110)) == "Di Atas Ekspektasi"
    assert "Nilai hasil kerja: 110,00" in year.explain()  # displayed rounded, once


def test_explained_band_row_contains_the_value_it_shows() -> None:
    # Pitfall "rounding per part" in the explanation: display rounding must not make the
    # explained band choice contradict itself next to a threshold.
    result = score([ind("k", 100, kind="kasus")], {"k": "109.999"})
    assert str(result.rating_hasil_kerja) == "Sesuai Ekspektasi"  # 109.999 < 110: correct
    line = next(x for x in result.explain().splitlines() if x.startswith("Rekomendasi"))
    match = re.search(r"\((\S+) ∈ ([\[(])(\S+), (\S+)([\])])\)$", line)
    assert match is not None, line
    shown = F(match[1].replace(".", "").replace(",", "."))
    lo, hi = F(match[3]), F(match[4])
    assert shown >= lo if match[2] == "[" else shown > lo, line
    assert shown <= hi if match[5] == "]" else shown < hi, line


# Bands with every kind of bound: open or closed below and above, unbounded at both ends.
OPEN_BELOW = P6.extend(
    'rulebook "batas" band rating_hasil_kerja(nilai) {'
    " (-inf, 90] -> rating.di_bawah, (90, 110] -> rating.sesuai, (110, inf) -> rating.di_atas }"
)
CLOSED_BELOW = P6.extend(
    'rulebook "batas" band rating_hasil_kerja(nilai) {'
    " (-inf, 90) -> rating.di_bawah, [90, 110) -> rating.sesuai, [110, inf) -> rating.di_atas }"
)
# Rows written from the top down: a value on an open lower bound belongs to the row after it.
TOP_DOWN = P6.extend(
    'rulebook "batas" band rating_hasil_kerja(nilai) {'
    " (110, inf) -> rating.di_atas, (90, 110] -> rating.sesuai, (-inf, 90] -> rating.di_bawah }"
)


@pytest.mark.parametrize(
    ("book", "nilai", "detail"),
    [
        (CLOSED_BELOW, "90", "90 ∈ [90, 110)"),  # a closed lower bound takes its own value
        (CLOSED_BELOW, "110", "110 ∈ [110, inf)"),
        (CLOSED_BELOW, "109.999", "109,999 ∈ [90, 110)"),  # 110,00 would be outside the row
        (CLOSED_BELOW, "89.999", "89,999 ∈ (-inf, 90)"),
        (CLOSED_BELOW, "90.004", "90,00 ∈ [90, 110)"),
    ]
    + [
        (OPEN_BELOW, nilai, detail)
        for nilai, detail in [
            ("90", "90 ∈ (-inf, 90]"),  # a closed upper bound takes its own value
            ("89.996", "90,00 ∈ (-inf, 90]"),  # shown as the bound: still inside the row
            ("90.001", "90,001 ∈ (90, 110]"),  # 90,00 would be outside an open lower bound
            ("110", "110 ∈ (90, 110]"),
            ("110.004", "110,004 ∈ (110, inf)"),
            ("-5", "-5 ∈ (-inf, 90]"),
            ("250", "250 ∈ (110, inf)"),  # whole numbers: no decimals
            # 12 places are not enough to read as above 90: the exact fraction is shown.
            ("90.0000000000001", "900000000000001/10000000000000 ∈ (90, 110]"),
        ]
    ]
    + [
        (TOP_DOWN, "110", "110 ∈ (90, 110]"),  # not the first row (110, inf): 110 is not in it
        (TOP_DOWN, "90", "90 ∈ (-inf, 90]"),
        (TOP_DOWN, "110.001", "110,001 ∈ (110, inf)"),
    ],
)
def test_band_row_detail_names_the_row_with_a_value_inside_it(
    book: Rulebook, nilai: str, detail: str
) -> None:
    # The rating step's detail is the sentence the explanation prints next to the rating.
    result = score([ind("k", 100, weight=100)], {"k": nilai}, book, jenjang=None)
    assert result.nilai_hasil_kerja == F(nilai)
    step = next(s for s in result.trace if s.what == "rating_hasil_kerja")
    assert (step.rule, step.detail) == ("rating_hasil_kerja", detail)
    assert dict(step.inputs) == {"nilai": F(nilai)}
    # Without a band (the evaluator rates), there is no row to name.
    bare = score([ind("k", 100, weight=100)], {"k": nilai}, P6, jenjang=None)
    assert not [s for s in bare.trace if s.what == "rating_hasil_kerja"]


def test_rating_rule_that_is_no_band_names_no_row() -> None:
    # A rating rule written as a function has no rows: the step names none (no made-up text).
    rule = P6.extend(
        'rulebook "fungsi" def rating_hasil_kerja(nilai) = if nilai >= 110 then rating.di_atas'
        " else if nilai >= 90 then rating.sesuai else rating.di_bawah"
    )
    result = score([ind("k", 100, weight=100)], {"k": "95"}, rule, jenjang=None)
    step = next(s for s in result.trace if s.what == "rating_hasil_kerja")
    assert (step.rule, step.inputs, str(step.result), step.detail) == (
        "rating_hasil_kerja", {"nilai": 95}, "Sesuai Ekspektasi", "",
    )  # fmt: skip
    assert "∈" not in result.explain()


# =========================================================================================
# "Weights that do not sum to 100 % (and thirds that cannot be written as two-decimal %)"


def test_weights_not_summing_to_100_are_rejected_naming_the_employee() -> None:
    # Pitfall "Weights that do not sum to 100 %".
    inds = [ind("a", 100, weight=60), ind("b", 100, weight=39)]
    with pytest.raises(KinerjaError, match=rf"{NIP} \(Siti Rahma\).*add up to 99 %"):
        score(inds, {"a": 100, "b": 100})


def test_thirds_are_exact_and_two_decimal_thirds_are_rejected() -> None:
    # Pitfall "thirds that cannot be written as two-decimal percentages": "100/3" is a
    # third exactly; 33.33 × 3 = 99.99 is not 100 % and is refused.
    exact = [ind(k, 100, weight="100/3") for k in "abc"]
    result = score(exact, {"a": 100, "b": 80, "c": 70})
    assert result.indicator("a").weight == F(100, 3)
    assert result.nilai_hasil_kerja == F(250, 3)  # (100 + 80 + 70) / 3, exactly
    rounded = [ind(k, 100, weight="33.33") for k in "abc"]
    with pytest.raises(KinerjaError, match=r"add up to 99\.99 %.*100/3"):
        score(rounded, {"a": 100, "b": 80, "c": 70})


# =========================================================================================
# "Quarters confused with months"


def test_a_quarter_is_not_a_month() -> None:
    # Pitfall "Quarters confused with months".
    q1 = Period.quarter(2026, 1)
    assert q1 != Period.month(2026, 1)
    assert Period("quarter", 2026, 1) == q1 == Period.parse("2026-Q1") == Period.parse("2026-TW1")
    assert Period.parse("2026-01") == Period.month(2026, 1) != q1
    assert q1.months == (1, 2, 3) and Period.month(2026, 1).months == (1,)
    with pytest.raises(ModelError, match="quarter index is 1 to 4"):
        Period.parse("2026-Q5")


@pytest.mark.parametrize(
    ("period", "bulan", "ak"),
    [
        ("2026-Q2", 3, F(625, 100)),  # 3/12 × 100 % × 25 = 6.25
        ("2026-04", 1, F(208, 100)),  # 1/12 × 25 = 2.0833… → 2.08
        ("2026-S1", 6, F(125, 10)),
        ("2026", 12, F(25)),
    ],
)
def test_the_plan_period_drives_bulan_in_angka_kredit(
    period: str, bulan: int, ak: Fraction
) -> None:
    # Pitfall "Quarters confused with months": the credit points of a quarter are three
    # months' worth (Ahli Muda, Baik: coefficient 25 a year), not one month's or a year's.
    result = score([ind("a", 100)], {"a": 100}, period=period)
    assert str(result.predikat) == "Baik"
    step = next(s for s in result.trace if s.subject == "konversi_angka_kredit")
    assert step.inputs["bulan"] == bulan
    assert result.conversions["angka_kredit"] == ak


def test_annual_result_from_quarters_counts_twelve_months() -> None:
    # Four quarterly plans make a year of 12 months, not 4 "periods".
    plans = [
        Plan.model_validate(plan_data([ind("a", 100)], {"a": 100}, period=f"2026-Q{q}",
                                      plan_id=f"skp-q{q}"))
        for q in range(1, 5)
    ]  # fmt: skip
    year = appraise_year(plans, G)
    assert year.period == "2026"
    step = next(s for s in year.trace if s.subject == "konversi_angka_kredit")
    assert step.inputs["bulan"] == 12
    assert year.conversions["angka_kredit"] == 25
