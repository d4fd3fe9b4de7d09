"""Each "mistake real systems make" of domain.md §10, as a test the engine must pass.

Every test quotes its pitfall and proves the engine avoids it with the bundled rulebooks
(``gajahmungkur`` for the pipeline, the national ones for their formulas) and the scoring
pipeline. Expected numbers are written out by hand (fractions), never computed with the code
under test, and where it helps the test also shows what the naive computation would give, so
that the test is known to be able to fail.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from kinerja_engine import Formula, KinerjaError, Rulebook, rulebooks
from kinerja_engine.errors import CheckError, EvaluationError, ModelError
from kinerja_engine.language.checker import BandInfo
from kinerja_engine.language.nodes import (
    COMPARISON_OPS,
    BandDef,
    Binary,
    Call,
    ConstDef,
    FuncDef,
    Name,
    Num,
    walk,
)
from kinerja_engine.language.parser import parse_rulebook
from kinerja_engine.models import Indicator, Period, Plan, Realisation
from kinerja_engine.scoring import appraise, appraise_many, appraise_year, format_number_id
from kinerja_engine.values import Label

D = Decimal
F = Fraction

G = rulebooks.load("gajahmungkur")
P6 = rulebooks.load("permenpanrb-6-2022")
PP46 = rulebooks.load("pp-46-2011")
P8 = rulebooks.load("permenpanrb-8-2021")
IKM04 = rulebooks.load("ikm-2004")
IKM17 = rulebooks.load("ikm-2017")

NIP = "198609262015051001"


def half_up(value: Fraction, places: int = 2) -> Fraction:
    """Reference rounding, written independently of the library: half away from zero."""
    scale = 10**places
    scaled = abs(value) * scale
    whole = math.floor(scaled)
    if scaled - whole >= F(1, 2):
        whole += 1
    return F(whole if value >= 0 else -whole, scale)


def ind(ident: str, target: Any, **extra: Any) -> dict[str, Any]:
    """An indicator (IKI) of a plan; higher is better unless ``direction`` says otherwise."""
    return {
        "id": ident,
        "name": f"Indikator {ident}",
        "unit_of_measure": "satuan",
        "target": target,
        "direction": extra.pop("direction", "higher"),
        **extra,
    }


def plan_data(
    indicators: list[dict[str, Any]],
    values: dict[str, Any],
    *,
    period: str = "2026-Q1",
    plan_id: str = "skp-uji",
    jenjang: str | None = "Ahli Muda",
    behaviour: str = "Sesuai Ekspektasi",
) -> dict[str, Any]:
    """A one-RHK plan of one functional employee with the given realisations."""
    position: dict[str, Any] = {"name": "Analis", "category": "Fungsional", "jenjang": jenjang}
    if jenjang is None:
        position = {"name": "Pengadministrasi", "category": "Pelaksana"}
    return {
        "id": plan_id,
        "employee": {"nip": NIP, "name": "Siti Rahma", "position": position, "unit": "uji"},
        "period": period,
        "rhk": [{"id": "r1", "description": "Hasil kerja uji", "indicators": indicators}],
        "realisations": [{"indicator": k, "value": v} for k, v in values.items()],
        "behaviour": {"rating": behaviour},
    }


def score(
    indicators: list[dict[str, Any]], values: dict[str, Any], book: Rulebook = G, **kw: Any
) -> Any:
    return appraise(Plan.model_validate(plan_data(indicators, values, **kw)), book)


# =========================================================================================
# "Dropping an aspect from the sum while still dividing by it"


def test_pp46_activity_means_over_the_aspects_it_has() -> None:
    # domain §10: "Dropping an aspect from the sum while still dividing by it".
    # PP 46: kuantitas 100, kualitas 90, waktu 76: without a budget the mean is over 3 aspects.
    three = PP46.formula("nilai_kegiatan(100, 90, 76)").evaluate_exact()
    assert three == F(266, 3)  # 88.67, not 266 / 4 = 66.5 (a dropped biaya counted as 0)
    assert three != F(266, 4)
    # With a budget it is the mean over 4 (the worked example of Perka BKN 1/2013: 85.50).
    assert PP46.evaluate("nilai_kegiatan_biaya", kuan=100, kual=90, waktu=76, biaya=76) == D("85.5")


def test_not_applicable_indicator_leaves_both_sum_and_divisor() -> None:
    # domain §10: "Dropping an aspect from the sum while still dividing by it", in the
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
# "Implementing only one branch of a piecewise formula"


@pytest.mark.parametrize(
    ("t", "r", "expected"),
    [
        (5, 4, F(96)),  # efisiensi 20 ≤ 24: (1.76 × 5 − 4) / 5 × 100 = 96 (worked example)
        (5, 5, F(76)),  # efisiensi 0: first branch gives 76 (worked example R = T)
        (10, 5, F(50)),  # efisiensi 50 > 24: 76 − ((17.6 − 5) / 10 × 100 − 100) = 50
        (12, "9.11", 76 - (F(2112 - 911, 1200) * 100 - 100)),  # efisiensi 24.08…: second branch
    ],
)
def test_pp46_both_branches(t: int, r: Any, expected: Fraction) -> None:
    # domain §10: "Implementing only one branch of a piecewise formula" (PP 46, domain §2).
    assert PP46.formula("nilai_waktu(t, r)").evaluate_exact(t=t, r=r) == expected
    assert PP46.formula("nilai_biaya(t, r)").evaluate_exact(t=t, r=r) == expected


@pytest.mark.parametrize(
    ("capaian", "nilai"),
    [
        ("130", F(120)),  # > 110 → 120
        ("105.5", F(115)),  # 101–110 → 110 … 120 linearly: 110 + 4.5 × 10 / 9
        ("100.5", F(219, 2)),  # gap (100, 101) closed: 109 → 110 linearly
        ("100", F(109)),  # exactly 100 → 109
        ("90", F(80)),  # 80–99 → 70 … 89
        ("70", F(60)),  # 60–79 → 50 … 69
        ("30", F(30 * 49, 59)),  # 0–59 → capaian / 59 × 49
        ("-5", F(0)),  # a negative (lower-is-better) capaian reads as 0
    ],
)
def test_8_2021_every_segment_of_the_nilai_scale(capaian: str, nilai: Fraction) -> None:
    # domain §10: "Implementing only one branch of a piecewise formula" (8/2021 scale, §3).
    exact = P8.with_params(satuan_pembulatan_capaian=0)
    f = exact.formula("nilai_capaian(c, false)")
    assert f.evaluate_exact(c=capaian) == nilai


# =========================================================================================
# "Choosing a branch on a float"

PP46_TIME = (
    "let e = 100 - realisasi / target * 100 in "
    "if e <= 24 then (1.76 * target - realisasi) / target * 100 "
    "else 76 - ((1.76 * target - realisasi) / target * 100 - 100)"
)


@pytest.mark.parametrize("r", ["9.12", 9.12, D("9.12")])
def test_efficiency_exactly_24_takes_the_first_branch(r: Any) -> None:
    # domain §10: "Choosing a branch on a float". t = 12, r = 9.12: efisiensi is exactly 24,
    # so the first branch applies and gives (21.12 − 9.12) / 12 × 100 = 100.
    naive = 100 - 9.12 / 12 * 100  # binary floating point
    assert naive != 24 and naive > 24  # a float would pick the second branch (≈ 76)
    assert PP46.evaluate("efisiensi", t=12, r=r) == D(24)
    assert PP46.evaluate("nilai_waktu", t=12, r=r) == D(100)
    # The same formula typed on an indicator form and run by the pipeline; the realisation
    # is the float 9.12 or its text, read by its shortest repr.
    result = score([ind("waktu", 12, formula=PP46_TIME)], {"waktu": r})
    assert result.indicator("waktu").realisasi == F(912, 100)
    assert result.indicator("waktu").capaian == 100


# =========================================================================================
# "NaN, Infinity or NULL when a target is 0"

HIGHER_KINDS = ["vaksinasi", "sosialisasi", "kolaborasi", "ikm", "kasus", "prestasi_siswa",
                "kehadiran_siswa"]  # fmt: skip


@pytest.mark.parametrize("kind", HIGHER_KINDS)
def test_zero_target_gives_the_documented_capaian(kind: str) -> None:
    # domain §10: "NaN, Infinity or NULL when a target is 0". The rulebook's documented
    # policy (permenpanrb-6-2022): a higher-is-better target of 0 is met by any realisasi ≥ 0
    # (capaian_target_nol_tercapai = 100); a negative one misses it (… _gagal = 0).
    assert G.parameters["capaian_target_nol_tercapai"] == 100
    assert G.parameters["capaian_target_nol_gagal"] == 0
    assert G.evaluate(f"capaian_{kind}", realisasi=7, target=0) == D(100)
    assert G.evaluate(f"capaian_{kind}", realisasi=0, target=0) == D(100)
    assert G.evaluate(f"capaian_{kind}", realisasi=-1, target=0) == D(0)


def test_zero_target_lower_is_better_and_through_the_pipeline() -> None:
    # domain §10: "NaN, Infinity or NULL when a target is 0". Lower is better with target 0
    # ("zero days of delay") is met only by 0.
    assert G.evaluate("capaian_waktu_layanan", realisasi=0, target=0) == D(100)
    assert G.evaluate("capaian_waktu_layanan", realisasi="0.5", target=0) == D(0)
    result = score(
        [ind("kasus", 0, kind="kasus", weight=50), ind("waktu", 0, direction="lower",
                                                       kind="waktu_layanan", weight=50)],
        {"kasus": 12, "waktu": 1},
    )  # fmt: skip
    assert result.indicator("kasus").capaian == 100
    assert result.indicator("waktu").capaian == 0
    assert result.nilai_hasil_kerja == 50
    assert result.status == "complete"
    text = result.to_json()
    for bad in ("NaN", "Infinity"):
        assert bad not in text
    capaian = [i["capaian"] for i in json.loads(text)["rhk"][0]["indicators"]]
    assert capaian == ["100", "0"]  # never null


def test_division_by_zero_in_a_user_formula_names_the_sub_expression() -> None:
    # domain §10: "NaN, Infinity or NULL when a target is 0": a formula without a guard
    # raises, naming the division, instead of giving inf (which a cap turns into 120).
    f = Formula.parse("cap(realisasi / target * 100, 120)")
    with pytest.raises(EvaluationError, match=r"division by zero in 'realisasi / target'") as e:
        f.evaluate(realisasi=5, target=0)
    assert (e.value.line, e.value.column) == (1, 5)
    assert f.evaluate(realisasi=5, target=4) == D(120)  # the same formula is fine otherwise
    # In the pipeline the error also names the employee and the indicator.
    with pytest.raises(KinerjaError, match=rf"{NIP}.*'k'.*division by zero in 'realisasi / t"):
        score([ind("k", 0, formula="realisasi / target * 100")], {"k": 5})


# =========================================================================================
# "Treating a missing score as 0 (or 0 as missing)"


def _missing_vs_zero(book: Rulebook) -> tuple[Any, Any]:
    inds = [ind("a", 100, weight=50), ind("b", 100, weight=50)]
    missing = score(inds, {"a": 80}, book)
    zero = score(inds, {"a": 80, "b": 0}, book)
    return missing, zero


def test_missing_realisasi_is_not_zero_default_policy() -> None:
    # domain §10: "Treating a missing score as 0 (or 0 as missing)". gajahmungkur's policy
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
    # domain §10: the other documented policy: the missing indicator is left out and the
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
# "Integer-labelled bands that leave decimals in gaps"


@pytest.mark.parametrize(
    ("nilai", "sebutan"),
    [("90.5", "Baik"), ("90.99", "Baik"), ("91", "Sangat Baik"), ("75.5", "Cukup")],
)
def test_pp46_values_between_integer_bands(nilai: str, sebutan: str) -> None:
    # domain §10: "Integer-labelled bands that leave decimals in gaps": PP 46 prints
    # 76–90 Baik and ≥ 91 Sangat Baik; 90.5 must still get a predikat.
    assert str(PP46.evaluate("predikat", nilai=nilai)) == sebutan


def test_8_2021_99_5_is_in_no_gap() -> None:
    # domain §10 / §3: 99.5 % lies between the annex's 80–99 and 100 rows. Read exactly it
    # continues the 80–99 line (89.5); with the annex's rounding to whole percent it is 100 %.
    exact = P8.with_params(satuan_pembulatan_capaian=0)
    assert exact.evaluate("nilai_capaian", capaian="99.5", target_maksimal=False) == D("89.5")
    assert P8.evaluate("nilai_capaian", capaian="99.5", target_maksimal=False) == D(109)


def test_checker_rejects_an_integer_labelled_band_with_a_gap() -> None:
    # domain §10: the gajahmungkur rating band written as the integers people say
    # ("110 and more / 90–109 / 89 and less") leaves (109, 110) and (89, 90) uncovered.
    with pytest.raises(CheckError, match=r"gap in band table 'rating_hasil_kerja'") as e:
        G.extend(
            'rulebook "lokal" band rating_hasil_kerja(nilai) { [110, inf) -> rating.di_atas,'
            " [90, 109] -> rating.sesuai, (-inf, 89] -> rating.di_bawah }"
        )
    text = str(e.value)
    assert "(109, 110)" in text
    assert len(e.value.diagnostics) == 2  # both gaps reported at once


# =========================================================================================
# "Two band tables that disagree"


def test_checker_rejects_overlapping_rows() -> None:
    # domain §10: "Two band tables that disagree": rows [90, 110] and [110, inf) would give
    # 110 two ratings; the checker refuses the rulebook.
    with pytest.raises(CheckError, match=r"overlap in band table 'rating_hasil_kerja'"):
        G.extend(
            'rulebook "lokal" band rating_hasil_kerja(nilai) { [110, inf) -> rating.di_atas,'
            " [90, 110] -> rating.sesuai, (-inf, 90) -> rating.di_bawah }"
        )


def test_ikm_2004_and_2017_are_different_named_tables() -> None:
    # domain §10: "Two band tables that disagree": the IKM methods of 2004 and 2017 grade the
    # same answers differently, so they are two rulebooks with their own names and citations,
    # never one table silently used for the other.
    assert IKM04.name == "ikm-2004" and IKM17.name == "ikm-2017"
    assert any("25/M.PAN/2/2004" in c for c in IKM04.cites)
    assert any("14/2017" in c for c in IKM17.cites)
    assert IKM04.evaluate("ikm_konversi", nrr=["3.4"] * 14) == D(85)
    assert IKM17.evaluate("ikm_konversi", nrr=["3.4"] * 9) == D(85)
    assert str(IKM04.evaluate("mutu_pelayanan", nilai=85)) == "Sangat Baik"  # 81.26–100: A
    assert str(IKM17.evaluate("mutu_pelayanan", nilai=85)) == "Baik"  # 76.61–88.30: B
    # gajahmungkur combines two rulebooks that both declare `predikat`: identical copies.
    ak = rulebooks.load("angka-kredit-2023")
    assert G.enum("predikat") == P6.enum("predikat") == ak.enum("predikat")


# =========================================================================================
# "Banker's rounding or rounding per part"


def test_rounding_is_half_up_never_bankers() -> None:
    # domain §10: "Banker's rounding": Python rounds 2.675 (a float) to 2.67 and
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
    # domain §10: "rounding per part". Quarterly capaian 110.004 / 109.995 (× 2): the exact
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
    # domain §10: "rounding per part" in the explanation: display rounding must not make the
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
    # domain §10: "Weights that do not sum to 100 %".
    inds = [ind("a", 100, weight=60), ind("b", 100, weight=39)]
    with pytest.raises(KinerjaError, match=rf"{NIP} \(Siti Rahma\).*add up to 99 %"):
        score(inds, {"a": 100, "b": 100})


def test_thirds_are_exact_and_two_decimal_thirds_are_rejected() -> None:
    # domain §10: "thirds that cannot be written as two-decimal percentages": "100/3" is a
    # third exactly; 33.33 × 3 = 99.99 is not 100 % and is refused.
    exact = [ind(k, 100, weight="100/3") for k in "abc"]
    result = score(exact, {"a": 100, "b": 80, "c": 70})
    assert result.indicator("a").weight == F(100, 3)
    assert result.nilai_hasil_kerja == F(250, 3)  # (100 + 80 + 70) / 3, exactly
    rounded = [ind(k, 100, weight="33.33") for k in "abc"]
    with pytest.raises(KinerjaError, match=r"add up to 99\.99 %.*100/3"):
        score(rounded, {"a": 100, "b": 80, "c": 70})


# =========================================================================================
# "Comparing values of different kinds"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("predikat.baik == 1", "cannot compare a label of predikat with a number"),
        ("rating_hasil_kerja(100) == 100", "cannot compare a label of rating with a number"),
        ("rating.di_atas == predikat.baik", "label of rating with a label of predikat"),
        ("rating_hasil_kerja(n) > rating.sesuai", "labels of rating have no order"),
        ("batas_sesuai == true", "compare"),
    ],
)
def test_comparing_different_kinds_is_rejected_by_the_checker(text: str, message: str) -> None:
    # domain §10: "Comparing values of different kinds": refused before anything runs.
    with pytest.raises(CheckError, match=message):
        G.formula(text)


def test_a_label_cannot_be_given_for_a_number_parameter() -> None:
    # domain §10: "Comparing values of different kinds": a threshold set to a label.
    with pytest.raises(CheckError, match="expected a number, but this is a label of rating"):
        G.with_params(batas_sesuai="rating.sesuai")


# =========================================================================================
# "Cliffs at tolerances that nobody declared"


def _gajahmungkur_own() -> list[Any]:
    return list(parse_rulebook(rulebooks.source("gajahmungkur")).definitions)


def test_every_threshold_of_gajahmungkur_is_a_declared_param() -> None:
    # domain §10: "Cliffs at tolerances that nobody declared": every band bound, every
    # comparison with a number and every cap/clamp bound in the local policy is a named
    # `param` (or the natural 0), so the HR office sees and may change each one.
    own = _gajahmungkur_own()
    params = {d.name for d in own if isinstance(d, ConstDef) and d.is_param}
    assert {"batas_di_atas", "batas_sesuai", "batas_capaian", "batas_capaian_survei",
            "ambang_insentif"} <= params  # fmt: skip
    bounds: list[Any] = []
    for d in own:
        if isinstance(d, BandDef):
            for row in d.rows:
                bounds += [b for b in (row.interval.lo, row.interval.hi) if b is not None]
        if isinstance(d, FuncDef):
            for node in walk(d.body):
                if isinstance(node, Binary) and node.op in COMPARISON_OPS:
                    bounds += [s for s in (node.left, node.right) if isinstance(s, Num | Name)]
                if isinstance(node, Call) and node.func in ("cap", "clamp"):
                    bounds += list(node.args[1:])
    assert len(bounds) > 10
    function_inputs = {p.name for d in own if isinstance(d, FuncDef) for p in d.params}
    for bound in bounds:
        if isinstance(bound, Num):
            assert bound.value == 0, bound  # only the zero guard is a literal
        else:
            assert isinstance(bound, Name), bound
            assert bound.id in params or bound.id in function_inputs, bound.id
    # The compiled band rows are exactly the parameters' values.
    info = G.checked.funcs["rating_hasil_kerja"]
    assert isinstance(info, BandInfo)
    cuts = {b for row in info.rows for b in (row[0], row[2]) if b is not None}
    assert cuts == {F(90), F(110)}
    moved = G.with_params(batas_di_atas=105, batas_sesuai=85).checked.funcs["rating_hasil_kerja"]
    assert isinstance(moved, BandInfo)
    assert {b for row in moved.rows for b in (row[0], row[2]) if b is not None} == {85, 105}


@pytest.mark.parametrize(
    ("nilai", "rating"),
    [
        ("109.99", "sesuai"),
        ("109.9999999", "sesuai"),
        ("110", "di_atas"),
        ("89.99", "di_bawah"),
        ("90", "sesuai"),
    ],
)
def test_rating_just_below_and_at_each_threshold(nilai: str, rating: str) -> None:
    # domain §10: values just below / at a declared threshold behave as declared
    # ([batas_sesuai, batas_di_atas) is Sesuai; no hidden tolerance rounds 109.99 up).
    result = G.evaluate("rating_hasil_kerja", nilai=nilai)
    assert isinstance(result, Label) and result.name == rating


def test_pipeline_threshold_109_99_vs_110_and_the_incentive_cliff() -> None:
    # domain §10: the same through the pipeline: nilai 109.99 → Sesuai, 110 → Di Atas; the
    # declared incentive threshold (ambang_insentif = 100) pays the bonus at 100, not 99.99.
    at = score([ind("k", 100, kind="kasus")], {"k": 110})
    below = score([ind("k", 100, kind="kasus")], {"k": "109.99"})
    assert at.nilai_hasil_kerja == 110 and below.nilai_hasil_kerja == F(10999, 100)
    assert str(at.rating_hasil_kerja) == "Di Atas Ekspektasi"
    assert str(below.rating_hasil_kerja) == "Sesuai Ekspektasi"
    met = score([ind("k", 100, kind="kasus")], {"k": 100})
    short = score([ind("k", 100, kind="kasus")], {"k": "99.99"})
    assert met.conversions["tpp_persen"] == 65  # 60 % × 100 % + 5 %
    assert short.conversions["tpp_persen"] == 60


# =========================================================================================
# "Lower-is-better indicators and degenerate ranges (baseline = target)"


@pytest.mark.parametrize(
    ("realisasi", "capaian"),
    [
        ("2.4", F(120)),  # (2 − 0.8) × 100 = 120
        ("2.5", F(350, 3)),  # (2 − 2.5/3) × 100
        ("3", F(100)),
        ("4.5", F(50)),
        ("6", F(0)),
        ("7", F(0)),  # would be −33.3 %: clamped at 0, never negative
        ("1", F(120)),  # would be 166.7 %: capped at batas_capaian
    ],
)
def test_lower_is_better_service_time(realisasi: str, capaian: Fraction) -> None:
    # domain §10: "Lower-is-better indicators": service time, target 3 days (domain §9).
    f = G.formula("capaian_waktu_layanan(r, 3)")
    assert f.evaluate_exact(r=realisasi) == capaian
    result = score([ind("w", 3, direction="lower", kind="waktu_layanan")], {"w": realisasi})
    assert result.indicator("w").capaian == capaian


def test_lower_is_better_without_a_kind_uses_the_lower_formula() -> None:
    # domain §10: a direction "lower" indicator never falls back to realisasi / target.
    result = score([ind("w", 3, direction="lower")], {"w": "2.5"})
    assert result.indicator("w").capaian == F(350, 3)
    assert result.indicator("w").rule == "capaian_lower"


def test_improvement_with_baseline_equal_to_target() -> None:
    # domain §10: "degenerate ranges (baseline = target)": an improvement indicator whose
    # agreed improvement is 0 never divides by it: met when there is no decline.
    f = G.formula("capaian_prestasi_siswa(r, 0)")
    assert f.evaluate_exact(r="0.5") == 100
    assert f.evaluate_exact(r=0) == 100
    assert f.evaluate_exact(r="-0.5") == 0


def test_improvement_target_below_zero_is_met_when_the_decline_is_smaller() -> None:
    # domain §10: "Cliffs at tolerances that nobody declared" / "degenerate ranges": an
    # improvement indicator may agree a limited decline (models allow negative targets).
    met = G.evaluate("capaian_prestasi_siswa", realisasi=-1, target=-2)
    missed = G.evaluate("capaian_prestasi_siswa", realisasi=-3, target=-2)
    assert isinstance(met, Decimal) and isinstance(missed, Decimal)
    assert met >= 100  # declined 1 point, 2 were allowed: met
    assert met > missed


@pytest.mark.parametrize(("realisasi", "capaian"), [(80, F(100)), (79, F(395, 4)),
                                                     (81, F(395, 4))])  # fmt: skip
def test_range_target_with_lo_equal_hi(realisasi: int, capaian: Fraction) -> None:
    # domain §10: "degenerate ranges": [80, 80] is a point; below compares with lo
    # (79/80 = 98.75 %), above with hi as lower-is-better ((2 − 81/80) = 98.75 %).
    result = score([ind("x", "80-80", direction="range")], {"x": realisasi})
    assert result.indicator("x").capaian == capaian


# =========================================================================================
# "Failing open on malformed input"


def _with(change: str) -> dict[str, Any]:
    data = plan_data([ind("a", 100)], {"a": 90})
    if change == "nip_short":
        data["employee"]["nip"] = "19860926201505100"
    elif change == "nip_letters":
        data["employee"]["nip"] = "19860926201505100X"
    elif change == "nip_date":
        data["employee"]["nip"] = "198613262015051001"
    elif change == "nan":
        data["realisations"][0]["value"] = "NaN"
    elif change == "float_nan":
        data["realisations"][0]["value"] = float("nan")
    elif change == "inf":
        data["realisations"][0]["value"] = float("inf")
    elif change == "bool":
        data["realisations"][0]["value"] = True
    elif change == "abc":
        data["realisations"][0]["value"] = "abc"
    elif change == "target_abc":
        data["rhk"][0]["indicators"][0]["target"] = "abc"
    elif change == "weight_abc":
        data["rhk"][0]["indicators"][0]["weight"] = "abc"
    return data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("nip_short", "employee.nip"),
        ("nip_letters", "employee.nip"),
        ("nip_date", "employee.nip"),
        ("nan", "realisations.0.value"),
        ("float_nan", "realisations.0.value"),
        ("inf", "realisations.0.value"),
        ("bool", "realisations.0.value"),
        ("abc", "realisations.0.value"),
        ("target_abc", "rhk.0.indicators.0.target"),
        ("weight_abc", "rhk.0.indicators.0.weight"),
    ],
)
def test_malformed_input_is_rejected_naming_field_and_employee(change: str, field: str) -> None:
    # domain §10: "Failing open on malformed input": never a silent 0, NaN or default.
    with pytest.raises(ModelError) as e:
        Plan.model_validate(_with(change))
    assert e.value.field == field
    assert f"field '{field}'" in e.value.message
    assert e.value.employee is not None
    assert e.value.employee in _with(change)["employee"]["nip"]
    assert e.value.employee in e.value.message


@pytest.mark.parametrize("bad", ["NaN", float("nan"), float("inf"), True, "abc", "12,5", None])
def test_rulebook_inputs_refuse_malformed_numbers(bad: Any) -> None:
    # domain §10: "Failing open on malformed input", at the rulebook's own entry points.
    with pytest.raises(KinerjaError, match="realisasi"):
        G.evaluate("capaian_vaksinasi", realisasi=bad, target=300)


def test_appraise_many_reports_bad_plans_and_continues() -> None:
    # domain §10: "Failing open on malformed input": a batch yields an error result naming
    # the employee for each bad plan and scores the others unchanged.
    good = plan_data([ind("a", 100)], {"a": 90})
    batch = [good, _with("nan"), _with("nip_short"), good]
    results = list(appraise_many(iter(batch), G))
    assert [r.status for r in results] == ["complete", "error", "error", "complete"]
    assert results[1].employee == NIP
    assert results[1].error is not None and "realisations.0.value" in results[1].error
    assert results[2].employee == "19860926201505100"
    assert results[0].nilai_hasil_kerja == results[3].nilai_hasil_kerja == 90
    assert results[1].nilai_hasil_kerja is None and results[1].predikat is None


# =========================================================================================
# "Derived values typed by hand"


@pytest.mark.parametrize("where", ["realisation", "indicator", "plan"])
def test_capaian_cannot_be_typed_in(where: str) -> None:
    # domain §10: "Derived values typed by hand": capaian is always computed from realisasi
    # and target; no input model has a capaian field, and giving one is an error.
    for model in (Plan, Indicator, Realisation):
        assert "capaian" not in model.model_fields
        assert "nilai" not in model.model_fields
    data = plan_data([ind("a", 100)], {"a": 90})
    if where == "realisation":
        data["realisations"][0]["capaian"] = 120
        field = "realisations.0.capaian"
    elif where == "indicator":
        data["rhk"][0]["indicators"][0]["capaian"] = 120
        field = "rhk.0.indicators.0.capaian"
    else:
        data["capaian"] = 120
        field = "capaian"
    with pytest.raises(ModelError, match="Extra inputs are not permitted") as e:
        Plan.model_validate(data)
    assert e.value.field == field
    assert e.value.employee == NIP


def test_capaian_is_computed_from_realisasi_and_target() -> None:
    # domain §10: "Derived values typed by hand": the trace shows where capaian came from.
    result = score([ind("a", 80, kind="sosialisasi")], {"a": 72})
    step = next(s for s in result.trace if s.what == "capaian")
    assert step.inputs == {"realisasi": 72, "target": 80}
    assert step.result == result.indicator("a").capaian == 90  # 72 / 80


# =========================================================================================
# "A target that moves with the realisasi"


def test_a_formula_reads_only_its_declared_inputs() -> None:
    # domain §10: "A target that moves with the realisasi": an indicator formula sees the
    # plan's realisasi and target and nothing else, so it cannot derive its target.
    declared = {"realisasi": "number", "target": "number"}
    f = Formula.parse("realisasi / target", inputs=declared)
    assert f.inputs == declared
    assert f.evaluate(realisasi=45, target=50) == D("0.9")
    with pytest.raises(CheckError, match="unknown name 'baseline'"):
        Formula.parse("realisasi / baseline", inputs=declared)
    with pytest.raises(KinerjaError, match=rf"{NIP}.*unknown name 'capaian_lalu'"):
        score([ind("a", 50, formula="realisasi / capaian_lalu * 100")], {"a": 45})


@pytest.mark.parametrize("spec", [{"formula": "realisasi / target * 100"}, {"kind": "kasus"}])
def test_rescoring_with_another_realisasi_keeps_the_target(spec: dict[str, str]) -> None:
    # domain §10: "A target that moves with the realisasi": the pipeline passes the plan's
    # target; a different realisasi changes the capaian, never the target.
    results = [score([ind("a", 150, **spec)], {"a": r}) for r in (120, 150, 165)]
    for result in results:
        assert result.indicator("a").target == 150
        step = next(s for s in result.trace if s.what == "capaian")
        assert step.inputs["target"] == 150
    assert [r.indicator("a").capaian for r in results] == [80, 100, 110]


# =========================================================================================
# "Quarters confused with months"


def test_a_quarter_is_not_a_month() -> None:
    # domain §10: "Quarters confused with months".
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
    # domain §10: "Quarters confused with months": the credit points of a quarter are three
    # months' worth (Ahli Muda, Baik: coefficient 25 a year), not one month's or a year's.
    result = score([ind("a", 100)], {"a": 100}, period=period)
    assert str(result.predikat) == "Baik"
    step = next(s for s in result.trace if s.subject == "konversi_angka_kredit")
    assert step.inputs["bulan"] == bulan
    assert result.conversions["angka_kredit"] == ak


def test_annual_result_from_quarters_counts_twelve_months() -> None:
    # domain §10: four quarterly plans make a year of 12 months, not 4 "periods".
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


# =========================================================================================
# "A cache that outlives its rulebook, or grows without end"


def test_indicator_formulas_are_compiled_per_rulebook_and_the_cache_is_bounded() -> None:
    from kinerja_engine.scoring import context as scoring

    # The same formula text means different things under two rulebooks that define the
    # constant it reads: a cache keyed by text alone (or by a recycled id) would mix them.
    formula = "realisasi / target * faktor"
    inds = [ind("a", 50, formula=formula)]
    for factor, expected in ((100, F(90)), (50, F(45))):
        book = rulebooks.load("gajahmungkur").extend(f'rulebook "f" const faktor = {factor}')
        assert score(inds, {"a": 45}, book).indicator("a").capaian == expected
    # A service fed endless distinct formula texts stays flat.
    book = rulebooks.load("gajahmungkur").extend('rulebook "g" const faktor = 100')
    cache = scoring.rulebook_view(book).formulas
    for k in range(scoring.MAX_FORMULAS + 5):
        text = f"realisasi / target * 100 + {k}"
        assert score([ind("a", 50, formula=text)], {"a": 45}, book).indicator("a").capaian == 90 + k
        assert len(cache) <= scoring.MAX_FORMULAS
