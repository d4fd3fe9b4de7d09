"""Whole legacy SKPs through the public API: PP 46/2011 and PermenPANRB 8/2021 (issue 16, item 2).

Every expected number is written out by hand from the regulation's printed example (cited by
regulation and annex) or computed by hand from its formula in the comment beside it, never
with the rulebook under test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_engine import KinerjaError, rulebooks
from kinerja_engine.models import Plan
from kinerja_engine.report.feedback import feedback
from kinerja_engine.scoring import Appraisal, appraise, appraise_year

PP46 = rulebooks.load("pp-46-2011")
P8 = rulebooks.load("permenpanrb-8-2021")

PP46_ASPECTS = ("orientasi pelayanan", "integritas", "komitmen", "disiplin", "kerja sama")
P8_ASPECTS = ("orientasi pelayanan", "komitmen", "inisiatif kerja", "kerja sama")


def iki(ident: str, target: Any, *, kind: str | None = None, direction: str = "higher",
        weight: Any = None, unit: str = "dokumen") -> dict[str, Any]:  # fmt: skip
    data: dict[str, Any] = {"id": ident, "name": ident, "unit_of_measure": unit,
                            "target": target, "direction": direction}  # fmt: skip
    if kind is not None:
        data["kind"] = kind
    if weight is not None:
        data["weight"] = weight
    return data


def make_plan(rhk: list[dict[str, Any]], realisations: dict[str, Any], *,
              category: str = "Pelaksana", behaviour: dict[str, Any] | None = None,
              period: str = "2013") -> Plan:  # fmt: skip
    data: dict[str, Any] = {
        "id": "skp",
        "employee": {"nip": "198609262015051001", "name": "Budi",
                     "position": {"name": "Staf", "category": category}, "unit": "u"},
        "period": period,
        "rhk": rhk,
        "realisations": [{"indicator": k, "value": v} for k, v in realisations.items()],
    }  # fmt: skip
    if behaviour is not None:
        data["behaviour"] = behaviour
    return Plan.model_validate(data)


def scores(aspects: tuple[str, ...], value: Any) -> dict[str, Any]:
    return {"scores": dict.fromkeys(aspects, value)}


def activity(ident: str, aspects: dict[str, tuple[Any, str]]) -> dict[str, Any]:
    """An activity of PP 46: one indicator per aspect (kind), target and direction."""
    return {
        "id": ident,
        "description": f"Kegiatan {ident}",
        "indicators": [
            iki(f"{ident}_{kind}", target, kind=kind, direction=direction)
            for kind, (target, direction) in aspects.items()
        ],
    }


# =========================================================================== PP 46/2011


def test_pp46_r_equal_t_for_waktu_and_biaya_gives_76() -> None:
    # Perka BKN 1/2013, Lampiran (perhitungan nilai capaian SKP): R = T for waktu and biaya
    # gives 76.
    plan = make_plan(
        [
            activity(
                "k",
                {
                    "kuantitas": (12, "higher"),
                    "waktu": (12, "lower"),
                    "biaya": (5_000_000, "lower"),
                },
            )
        ],
        {"k_kuantitas": 12, "k_waktu": 12, "k_biaya": 5_000_000},
    )
    result = appraise(plan, PP46)
    assert result.indicator("k_waktu").capaian == 76
    assert result.indicator("k_biaya").capaian == 76


def test_pp46_activity_100_90_76_76_scores_85_50() -> None:
    # Perka BKN 1/2013, Lampiran: an activity with kuantitas 100, kualitas 90, waktu 76 and
    # biaya 76 scores (100 + 90 + 76 + 76) / 4 = 85.50.
    plan = make_plan(
        [
            activity(
                "k",
                {
                    "kuantitas": (10, "higher"),
                    "kualitas": (100, "higher"),
                    "waktu": (12, "lower"),
                    "biaya": (1000, "lower"),
                },
            )
        ],
        {"k_kuantitas": 10, "k_kualitas": 90, "k_waktu": 12, "k_biaya": 1000},
    )
    result = appraise(plan, PP46)
    assert [i.capaian for i in result.rhk[0].indicators] == [100, 90, 76, 76]
    assert result.rhk[0].nilai == Fraction("85.5")
    assert result.nilai_hasil_kerja == Fraction("85.5")  # one activity: the SKP is its score


def test_pp46_target_5_days_done_in_4_gives_96() -> None:
    # Perka BKN 1/2013, Lampiran: target 5 days done in 4: efisiensi 20 % ≤ 24 %, so
    # (1.76 × 5 − 4) / 5 × 100 = 96.
    plan = make_plan([activity("k", {"waktu": (5, "lower")})], {"k_waktu": 4})
    assert appraise(plan, PP46).indicator("k_waktu").capaian == 96


def pp46_whole(category: str = "Pengawas", **behaviour: Any) -> Plan:
    aspects = PP46_ASPECTS + (("kepemimpinan",) if category != "Pelaksana" else ())
    return make_plan(
        [
            activity(
                "k1",
                {
                    "kuantitas": (12, "higher"),
                    "kualitas": (100, "higher"),
                    "waktu": (12, "lower"),
                    "biaya": (1000, "lower"),
                },
            ),
            activity(
                "k2",
                {"kuantitas": (10, "higher"), "kualitas": (100, "higher"), "waktu": (5, "lower")},
            ),
            {
                "id": "tt",
                "description": "Tugas tambahan",
                "kind": "tambahan",
                "indicators": [iki("tt1", 0, kind="tugas_tambahan", unit="tugas")],
            },
            {
                "id": "kr",
                "description": "Kreativitas",
                "kind": "tambahan",
                "indicators": [iki("kr1", 0, kind="kreativitas", unit="tingkat")],
            },
        ],
        {
            "k1_kuantitas": 12,
            "k1_kualitas": 90,
            "k1_waktu": 12,
            "k1_biaya": 1000,
            "k2_kuantitas": 10,
            "k2_kualitas": 100,
            "k2_waktu": 4,
            "tt1": 5,
            "kr1": 1,
        },
        category=category,
        behaviour={**scores(aspects, 80), **behaviour},
    )


def test_pp46_whole_skp_end_to_end() -> None:
    # Perka BKN 1/2013: activities 85.50 and (100 + 100 + 96) / 3 = 98.67; their mean 92.083…
    # plus tugas tambahan (5 tasks: 4-6 → 2) and kreativitas (unit kerja → 3) = 97.083…;
    # PP 46/2011 pasal 5: prestasi kerja = 60 % × 97.083… + 40 % × 80 = 90.25 → Baik (76-90).
    result = appraise(pp46_whole(), PP46)
    assert result.status == "complete" and result.numeric
    assert result.rhk[1].nilai == Fraction(296, 3)
    assert [r.nilai_tambahan for r in result.rhk] == [None, None, 2, 3]
    assert result.nilai_hasil_kerja == (Fraction(171, 2) + Fraction(296, 3)) / 2 + 5
    assert result.nilai_perilaku == 80
    assert result.nilai_kinerja == Fraction("90.25")
    assert str(result.predikat) == "Baik"
    assert result.rating_hasil_kerja is None and result.rating_perilaku is None
    assert appraise(pp46_whole(), PP46, exact_only=True) == result

    text = result.explain()
    assert "Nilai SKP: 97,08" in text
    assert "Nilai perilaku kerja: 80" in text
    assert "Nilai kinerja: 90,25 (skp 97,08, perilaku 80)" in text
    assert "Predikat Kinerja: Baik (90,25 ∈ [76, 91))" in text
    assert "waktu: target 5 dokumen, realisasi 4 dokumen → nilai 96" in text
    assert "Rating" not in text  # no 6/2022 ratings in a PP 46 explanation
    assert "RHK 3 (tambahan): Tugas tambahan" in text  # points carry no weight
    english = result.explain("en")
    assert "Performance value: 90.25" in english and "Added value: 3" in english

    fb = feedback(result)
    assert "k2_waktu: realisasi 4 dokumen dari target 5 dokumen, nilai 96. Target tercapai." in (
        fb.text()
    )
    # R = T scores 76 on waktu: the target is met, never reported as a shortfall.
    assert {i.subject for i in fb.strengths} >= {"k1_waktu", "k1_biaya", "k2_waktu"}
    assert [g.subject for g in fb.gaps] == ["k1_kualitas"]
    assert fb.gaps[0].numbers["selisih"] == 10
    assert fb.items[-1].text == (
        "Nilai SKP 97,08; nilai perilaku kerja 80; nilai kinerja 90,25; predikat kinerja: Baik."
    )
    assert "tt1: achieved 5 tugas, adding 2." in feedback(result, lang="en").text()
    data = result.to_dict()
    assert data["nilai_kinerja"] == "90.25" and data["numeric"] is True
    assert data["rhk"][2]["nilai_tambahan"] == "2"


def test_pp46_kepemimpinan_only_for_structural_officials() -> None:
    with pytest.raises(KinerjaError, match="'Kepemimpinan' is not scored for this position"):
        appraise(pp46_whole("Pelaksana", scores=dict.fromkeys((*PP46_ASPECTS, "kepemimpinan"),
                                                              80)), PP46)  # fmt: skip
    with pytest.raises(KinerjaError, match="'Kepemimpinan' is not scored"):
        appraise(pp46_whole("Administrator", scores=dict.fromkeys(PP46_ASPECTS, 80)), PP46)
    # Five aspects for a pelaksana: the mean of five.
    plan = pp46_whole("Pelaksana", scores={**dict.fromkeys(PP46_ASPECTS[:4], 80), "kerja sama": 90})
    assert appraise(plan, PP46).nilai_perilaku == 82
    with pytest.raises(KinerjaError, match="behaviour aspect"):
        appraise(pp46_whole(scores={"loyalitas": 80}), PP46)


def test_pp46_behaviour_not_yet_assessed_is_incomplete_never_zero() -> None:
    plan = pp46_whole().model_copy(update={"behaviour": None})
    result = appraise(plan, PP46)
    assert result.status == "incomplete" and result.nilai_perilaku is None
    assert result.predikat is None and "nilai perilaku kerja belum ada" in result.notes
    assert "Nilai perilaku kerja: belum ada" in result.explain()


def test_pp46_predikat_override_keeps_the_recommendation() -> None:
    data = pp46_whole().model_dump()
    data["overrides"] = [{"what": "predikat", "value": "Cukup", "reason": "banding"}]
    plan = Plan.model_validate(data)
    result = appraise(plan, PP46)
    assert str(result.predikat_rekomendasi) == "Baik" and str(result.predikat) == "Cukup"


def test_pp46_override_keeps_who_and_when_as_on_the_6_2022_path() -> None:
    data = pp46_whole().model_dump()
    evaluator = "197106151998032004"
    data["overrides"] = [{"what": "predikat", "value": "Cukup", "reason": "banding",
                          "by": evaluator, "on": "2012-01-15"}]  # fmt: skip
    result = appraise(Plan.model_validate(data), PP46)
    [record] = result.override_records
    assert (record.what, record.reason, record.by, str(record.on)) == (
        "predikat",
        "banding",
        evaluator,
        "2012-01-15",
    )
    assert f"oleh NIP {evaluator}; tanggal 2012-01-15" in result.explain()


def one_aspect_plan(skp: str, perilaku: str, category: str = "Pelaksana") -> Plan:
    """A PP 46 SKP whose nilai is ``skp`` (one activity, kualitas R of T = 100) and whose
    behaviour scores are all ``perilaku``."""
    return make_plan([activity("k", {"kualitas": (100, "higher")})], {"k_kualitas": skp},
                     behaviour=scores(PP46_ASPECTS, perilaku), category=category)  # fmt: skip


@pytest.mark.parametrize(
    ("nilai", "sebutan"),
    [
        ("100", "Sangat Baik"),
        ("91", "Sangat Baik"),
        ("90.99", "Baik"),
        ("76", "Baik"),
        ("75.99", "Cukup"),
        ("61", "Cukup"),
        ("60.99", "Kurang"),
        ("51", "Kurang"),
        ("50.99", "Buruk"),
        ("0", "Buruk"),
    ],
)
def test_pp46_band_edges_through_appraise(nilai: str, sebutan: str) -> None:
    # PP 46/2011 (bands ≥ 91, 76-90, 61-75, 51-60, ≤ 50, as half-open intervals): with SKP
    # and perilaku both at `nilai`, prestasi kerja = 60 % × nilai + 40 % × nilai = nilai.
    result = appraise(one_aspect_plan(nilai, nilai), PP46)
    assert result.nilai_kinerja == Fraction(nilai)
    assert str(result.predikat) == sebutan


# =========================================================================== PermenPANRB 8/2021


def p8_plan(realisations: dict[str, Any], *, period: str = "2021-S2", category: str = "Pelaksana",
            behaviour: dict[str, Any] | None = None, pid: str = "skp") -> Plan:  # fmt: skip
    plan = make_plan(
        [
            {
                "id": "r1",
                "description": "Akuntabilitas kinerja",
                "weight": 60,
                "indicators": [iki("i1", 85, unit="nilai")],
            },
            {
                "id": "r2",
                "description": "Pengelolaan anggaran",
                "weight": 40,
                "indicators": [iki("i2", 95, unit="%")],
            },
            {
                "id": "t1",
                "description": "Tim reformasi birokrasi",
                "kind": "tambahan",
                "weight": 10,
                "indicators": [iki("i3", 4, unit="laporan")],
            },
        ],
        realisations,
        category=category,
        period=period,
        behaviour=behaviour if behaviour is not None else scores(P8_ASPECTS, 100),
    )
    return plan.model_copy(update={"id": pid})


def test_p8_85_of_85_is_100_percent_and_109() -> None:
    # PermenPANRB 8/2021, Lampiran (contoh formulir SKP JPT): target 85, realisasi 85 →
    # capaian 100 % → nilai capaian IKI 109.
    result = appraise(p8_plan({"i1": 85, "i2": 93, "i3": 4}), P8)
    assert result.indicator("i1").capaian == 100
    assert result.indicator("i1").nilai == 109


def test_p8_93_of_95_is_98_percent_and_88() -> None:
    # PermenPANRB 8/2021, Lampiran (contoh formulir SKP JPT): target 95, realisasi 93 →
    # capaian 98 % (97.89… printed rounded) → nilai capaian IKI 98 − 10 = 88.
    result = appraise(p8_plan({"i1": 85, "i2": 93, "i3": 4}), P8)
    assert result.indicator("i2").capaian == Fraction(9300, 95)
    assert result.indicator("i2").nilai == 88


def test_p8_whole_skp_end_to_end() -> None:
    # PermenPANRB 8/2021 Lampiran: nilai SKP = kinerja utama 60 % × 109 + 40 % × 88 = 100.6
    # plus kinerja tambahan k(Baik) = 80 × 10 / 100 × 109 / 100 = 8.72, total 109.32;
    # PP 30/2019: nilai kinerja = 70 % × 109.32 + 30 % × 100 = 106.524 → Baik (90-120; not
    # Sangat Baik below 110).
    result = appraise(p8_plan({"i1": 85, "i2": 93, "i3": 4}), P8)
    assert result.status == "complete" and result.numeric
    assert result.rhk[2].nilai_tambahan == Fraction("8.72")
    assert result.nilai_hasil_kerja == Fraction("109.32")
    assert result.nilai_perilaku == 100
    assert result.nilai_kinerja == Fraction("106.524")
    assert str(result.predikat) == "Baik"
    assert appraise(p8_plan({"i1": 85, "i2": 93, "i3": 4}), P8, exact_only=True) == result
    text = result.explain()
    assert "i2: target 95 %, realisasi 93 % → capaian 97,89 % → nilai 88" in text
    assert "Nilai tambahan: 8,72" in text
    assert "Nilai kinerja: 106,52 (skp 109,32, perilaku 100, penilaian_360 tidak)" in text
    assert "Predikat Kinerja: Baik (106,52 ∈ [90, 120]; ide baru: tidak)" in text
    fb = feedback(result, lang="en")
    assert [g.subject for g in fb.gaps] == ["i2"]
    assert fb.items[-1].text == (
        "SKP value 109.32; behaviour value 100; performance value 106.52; "
        "performance verdict: Baik."
    )
    assert result.to_dict()["rhk"][1]["indicators"][0]["nilai"] == "88"


def test_p8_kinerja_tambahan_is_capped_at_10() -> None:
    # PermenPANRB 8/2021 Lampiran: a total nilai tertimbang of kinerja tambahan above 10 is
    # converted to 10. Bobot 20 % at Baik: 80 × 20 / 100 × 109 / 100 = 17.44 → 10.
    plan = p8_plan({"i1": 85, "i2": 93, "i3": 4})
    data = plan.model_dump()
    data["rhk"][2]["weight"] = 20
    result = appraise(Plan.model_validate(data), P8)
    assert result.rhk[2].nilai_tambahan == Fraction("17.44")
    assert result.nilai_hasil_kerja == Fraction("100.6") + 10


def edge_plan(realisasi: int, perilaku: str, new_ideas: bool) -> Plan:
    """One IKI (target 100) and 360° behaviour: nilai kinerja = 60 % SKP + 40 % perilaku."""
    behaviour = {**scores(P8_ASPECTS, perilaku), "rated_360": True, "new_ideas": new_ideas}
    return make_plan(
        [{"id": "r1", "description": "Layanan", "indicators": [iki("i1", 100)]}],
        {"i1": realisasi},
        behaviour=behaviour,
        period="2021-S2",
    )


@pytest.mark.parametrize(
    ("realisasi", "perilaku", "new_ideas", "nilai", "predikat"),
    [
        # capaian 100 % → 109; 60 % × 109 + 40 % × P.
        (100, "111.5", True, "110", "Sangat Baik"),
        (100, "111.5", False, "110", "Baik"),
        (100, "111.475", True, "109.99", "Baik"),
        (100, "61.5", False, "90", "Baik"),
        (100, "61.475", False, "89.99", "Cukup"),
        (100, "11.5", False, "70", "Cukup"),
        (100, "11.475", False, "69.99", "Kurang"),
        # capaian 60 % → 50; 60 % × 50 + 40 % × P.
        (60, "50", False, "50", "Kurang"),
        (60, "49.975", False, "49.99", "Sangat Kurang"),
    ],
)
def test_p8_predikat_edges_and_the_new_ideas_condition(
    realisasi: int, perilaku: str, new_ideas: bool, nilai: str, predikat: str
) -> None:
    # PP 30/2019: Sangat Baik 110-120 and new ideas; Baik 90-120; Cukup 70-<90; Kurang
    # 50-<70; Sangat Kurang < 50; 60/40 with 360° behaviour rating.
    result = appraise(edge_plan(realisasi, perilaku, new_ideas), P8)
    assert result.nilai_kinerja == Fraction(nilai)
    assert str(result.predikat) == predikat


def test_p8_kepemimpinan_for_structural_officials() -> None:
    behaviour = {"scores": {**dict.fromkeys(P8_ASPECTS, 100), "kepemimpinan": 90}}
    result = appraise(p8_plan({"i1": 85, "i2": 93, "i3": 4}, category="Administrator",
                              behaviour=behaviour), P8)  # fmt: skip
    assert result.nilai_perilaku == 98  # (4 × 100 + 90) / 5
    with pytest.raises(KinerjaError, match="not scored for this position"):
        appraise(p8_plan({"i1": 85, "i2": 93, "i3": 4}, behaviour=behaviour), P8)


def test_p8_appraise_year_averages_capaian_then_reads_the_scale() -> None:
    # The two halves of 2021-S2 as quarters; agregasi_tahunan = rata_capaian (policy):
    # i1 (100 + 100) / 2 = 100 → 109; i2 (93/95 + 95/95) / 2 = 98.94… → 99 % → 89;
    # utama 60 % × 109 + 40 % × 89 = 101; tambahan 8.72 → 109.72.
    q3 = p8_plan({"i1": 85, "i2": 93, "i3": 4}, period="2021-Q3", pid="q3")
    q4 = p8_plan({"i1": 85, "i2": 95, "i3": 4}, period="2021-Q4", pid="q4")
    year = appraise_year([q3, q4], P8)
    # 8/2021 applied from mid-2021: the first half has no plan under it, and the rulebook
    # declares no policy for missing periods, so the year names them and stays incomplete.
    assert year.period == "2021" and year.status == "incomplete"
    assert year.missing_periods == ("2021-Q1", "2021-Q2")
    assert year.indicator("i2").nilai == 89
    assert year.nilai_hasil_kerja == Fraction("109.72")
    assert str(year.predikat) == "Baik"
    assert "Nilai SKP: 109,72" in year.explain()


def test_p8_without_behaviour_scores_is_refused_with_the_reason() -> None:
    plan = p8_plan({"i1": 85, "i2": 93, "i3": 4}, behaviour={"rating": "Baik"})
    with pytest.raises(KinerjaError, match="scores behaviour by aspect"):
        appraise(plan, P8)


def test_6_2022_appraisals_are_unchanged_by_the_numeric_path() -> None:
    from kinerja_engine.models import example_plan

    result: Appraisal = appraise(example_plan(), rulebooks.load("gajahmungkur"))
    assert not result.numeric and result.nilai_kinerja is None
    data = result.to_dict()
    assert "numeric" not in data and "nilai_kinerja" not in data


def test_p8_rhk_tambahan_without_its_weight_is_refused_never_zero() -> None:
    data = p8_plan({"i1": 85, "i2": 93, "i3": 4}).model_dump()
    data["rhk"][2]["weight"] = None
    with pytest.raises(KinerjaError, match="RHK tambahan 't1' needs a weight"):
        appraise(Plan.model_validate(data), P8)
    # PP 46 adds points, not weighted values: no weight needed there.
    assert appraise(pp46_whole(), PP46).rhk[2].weight == 0


# =========================================================================== properties

realisasi = st.decimals(Decimal(0), Decimal(30), places=2)


@settings(max_examples=40)
@given(st.lists(realisasi, min_size=7, max_size=7), st.integers(0, 9), st.integers(0, 3))
def test_pp46_any_realisasi_scores_by_the_formulas_on_both_paths(
    values: list[Decimal], tasks: int, level: int
) -> None:
    # The pipeline's numbers are the PP 46 formulas' (mean of aspects, mean of activities plus
    # points, 60/40), and the fast path equals the exact reference path.
    names = ["k1_kuantitas", "k1_kualitas", "k1_waktu", "k1_biaya",
             "k2_kuantitas", "k2_kualitas", "k2_waktu"]  # fmt: skip
    data = pp46_whole().model_dump()
    data["realisations"] = [
        {"indicator": n, "value": v} for n, v in zip(names, values, strict=True)
    ]
    data["realisations"] += [
        {"indicator": "tt1", "value": tasks},
        {"indicator": "kr1", "value": level},
    ]
    plan = Plan.model_validate(data)
    result = appraise(plan, PP46)
    assert appraise(plan, PP46, exact_only=True) == result
    activities = result.rhk[:2]
    for rhk in activities:
        aspects = [i.capaian for i in rhk.indicators]
        assert rhk.nilai == sum(aspects, Fraction(0)) / len(aspects)  # type: ignore[arg-type]
    points = Fraction(result.rhk[2].nilai_tambahan or 0) + Fraction(
        result.rhk[3].nilai_tambahan or 0
    )
    # Result numbers are Decimals (Number) since issue 13: exact arithmetic takes .exact.
    skp = (activities[0].nilai.exact + activities[1].nilai.exact) / 2 + points  # type: ignore[union-attr]
    assert result.nilai_hasil_kerja == skp
    assert result.nilai_kinerja == Fraction(3, 5) * skp + Fraction(2, 5) * 80


@settings(max_examples=40)
@given(st.lists(st.decimals(Decimal(0), Decimal(200), places=1), min_size=3, max_size=3),
       st.integers(0, 60))  # fmt: skip
def test_p8_kinerja_tambahan_never_adds_more_than_10(values: list[Decimal], bobot: int) -> None:
    data = p8_plan(dict(zip(("i1", "i2", "i3"), values, strict=True))).model_dump()
    data["rhk"][2]["weight"] = bobot
    plan = Plan.model_validate(data)
    result = appraise(plan, P8)
    assert appraise(plan, P8, exact_only=True) == result
    utama = (Fraction(60) * result.rhk[0].nilai + Fraction(40) * result.rhk[1].nilai) / 100  # type: ignore[operator]
    assert result.nilai_hasil_kerja == min(utama + min(result.rhk[2].nilai_tambahan or 0, 10), 120)
    assert result.nilai_kinerja is not None and 0 <= result.nilai_kinerja <= 120
