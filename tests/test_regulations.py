"""The bundled rulebooks encode the regulations they are named after (each test cites its own).

Every number asserted here is written out by hand from the regulation (its articles, annexes
and worked examples), never computed with the rulebook under test, so a wrong rulebook fails.
"""

from __future__ import annotations

import dataclasses
import doctest
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest

from books import bundled
from kinerja_engine import KinerjaError, Rulebook, rulebooks
from kinerja_engine.language.checker import BandInfo
from kinerja_engine.models import Jenjang
from kinerja_engine.values import Label
from tables import PREDIKAT_6_2022

D = Decimal
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rulebooks.md"

PP46 = bundled("pp-46-2011")
P6 = bundled("permenpanrb-6-2022")
P8 = bundled("permenpanrb-8-2021")
AK = bundled("angka-kredit-2023")
IKM17 = bundled("ikm-2017")
IKM04 = bundled("ikm-2004")


def text(value: object) -> str:
    """The display text of a label result (what an employee reads)."""
    assert isinstance(value, Label), value
    return str(value)


def member(value: object) -> str:
    """The member name of a label result (a, b, c, d for the IKM grades)."""
    assert isinstance(value, Label), value
    return value.name


# =========================================================================== PP 46/2011
# PP 46/2011 + Perka BKN 1/2013 Lampiran.


def test_pp46_waktu_and_biaya_r_equal_t_give_76() -> None:
    # Worked example: "R = T for waktu and biaya gives 76" (Perka BKN 1/2013).
    for name in ("nilai_efisiensi", "nilai_waktu", "nilai_biaya"):
        assert PP46.evaluate(name, t=12, r=12) == D(76)
        assert PP46.evaluate(name, t=5, r=5) == D(76)


def test_pp46_target_5_days_done_in_4_gives_96() -> None:
    # Worked example: "target 5 days done in 4 gives 96" (Perka BKN 1/2013).
    assert PP46.evaluate("nilai_waktu", t=5, r=4) == D(96)


def test_pp46_activity_with_biaya_scores_85_50() -> None:
    # Perka BKN 1/2013 worked example: kuantitas 100, kualitas 90, waktu 76, biaya 76 → 85.50.
    assert PP46.evaluate("nilai_kegiatan_biaya", kuan=100, kual=90, waktu=76, biaya=76) == D("85.5")
    # The same from raw target/realisasi pairs: 10 of 10 units, quality 90 of 100, on time and
    # on budget (Perka BKN 1/2013 Lampiran).
    f = PP46.formula(
        "nilai_kegiatan_biaya(kuantitas(10, 10), kualitas(100, 90), nilai_waktu(12, 12),"
        " nilai_biaya(5000000, 5000000))"
    )
    assert f.evaluate() == D("85.5")
    # Without a budget the mean is over 3 aspects, never 4 with a silent 0.
    assert PP46.evaluate("nilai_kegiatan", kuan=100, kual=90, waktu=76) == D(
        "88.66666666666666666666666666666667"
    )


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        ("9.12", D(100)),  # efisiensi exactly 24 → first branch: (1.76×12 − 9.12)/12×100
        (9.12, D(100)),  # a float is read by its shortest repr, so the branch is still exact
        ("9.11", D("75.91666666666666666666666666666667")),  # efisiensi 24.08… → second branch
        ("9.13", D("99.91666666666666666666666666666667")),
    ],
)
def test_pp46_branch_is_chosen_on_the_exact_efficiency(r: object, expected: Decimal) -> None:
    # Perka BKN 1/2013: the formula is discontinuous at efisiensi = 24; 100 − 9.12/12×100 is
    # 24.000… in exact arithmetic but 23.999… or 24.000…1 in binary floating point.
    assert PP46.evaluate("nilai_efisiensi", t=12, r=r) == expected


@pytest.mark.parametrize(
    ("nilai", "sebutan"),
    [
        ("100", "Sangat Baik"),
        ("91", "Sangat Baik"),
        ("90.99", "Baik"),
        ("90.5", "Baik"),  # between the regulation's integer bands 76-90 and >= 91
        ("76", "Baik"),
        ("75.99", "Cukup"),
        ("61", "Cukup"),
        ("60.99", "Kurang"),
        ("51", "Kurang"),
        ("50.5", "Buruk"),
        ("50", "Buruk"),
        ("0", "Buruk"),
    ],
)
def test_pp46_bands_are_half_open(nilai: str, sebutan: str) -> None:
    # ≥ 91 Sangat Baik, 76–90 Baik, 61–75 Cukup, 51–60 Kurang, ≤ 50 Buruk (PP 46/2011).
    assert text(PP46.evaluate("predikat", nilai=nilai)) == sebutan


def test_pp46_prestasi_kerja_is_60_skp_40_perilaku() -> None:
    # Prestasi kerja = 60 % × SKP + 40 % × perilaku (PP 46/2011).
    assert PP46.evaluate("prestasi_kerja", skp="85.5", perilaku=80) == D("83.3")
    assert PP46.evaluate("nilai_perilaku", aspek=[80, 90, 70, 80, 80]) == D(80)


# =========================================================================== PermenPANRB 6/2022
# The predikat matrix of PermenPANRB 6/2022 Lampiran.


@pytest.mark.parametrize(
    ("hasil", "perilaku", "predikat"),
    PREDIKAT_6_2022,
)
def test_p6_predikat_matrix(hasil: str, perilaku: str, predikat: str) -> None:
    # Table (rows: hasil kerja, columns: perilaku), PermenPANRB 6/2022 Lampiran.
    assert text(P6.evaluate("predikat_kinerja", hasil=hasil, perilaku=perilaku)) == predikat


def test_p6_rating_spellings_and_unknown_input() -> None:
    # PermenPANRB 6/2022: spellings vary ("di bawah", "dibawah"); unknown input is an error.
    assert text(P6.evaluate("predikat_kinerja", hasil="dibawah", perilaku="di bawah")) == (
        "Sangat Kurang"
    )
    with pytest.raises(KinerjaError, match="rating"):
        P6.evaluate("predikat_kinerja", hasil="luar biasa", perilaku="sesuai")


# =========================================================================== PermenPANRB 8/2021
# PP 30/2019 + PermenPANRB 8/2021 Lampiran.


def test_p8_capaian_of_the_annex_examples() -> None:
    # PermenPANRB 8/2021: 85 of 85 → 100 %; 93 of 95 → 97.89… % (printed 98 %).
    assert P8.evaluate("capaian_higher", realisasi=85, target=85) == D(100)
    exact = P8.formula("capaian_higher(93, 95)").evaluate_exact()
    assert exact == Fraction(9300, 95)
    assert isinstance(exact, Fraction)
    assert round(exact, 2) == Fraction(9789, 100)


@pytest.mark.parametrize(
    ("realisasi", "target", "capaian"),
    [(4, 5, D(120)), (5, 5, D(100)), (6, 5, D(80)), (10, 5, D(0)), (12, 5, D(-40))],
)
def test_p8_lower_is_better_capaian(realisasi: int, target: int, capaian: Decimal) -> None:
    # PermenPANRB 8/2021: special (lower is better) capaian = (1 + (1 − realisasi / target)) × 100.
    assert P8.evaluate("capaian_lower", realisasi=realisasi, target=target) == capaian


def test_p8_range_target_compares_with_the_nearer_end() -> None:
    # PermenPANRB 8/2021: range [lo, hi]: above the range compared with hi, below with lo.
    assert P8.evaluate("capaian_range", realisasi=85, lo=80, hi=90) == D(100)
    assert P8.evaluate("capaian_range", realisasi=72, lo=80, hi=90) == D(90)  # 72 / 80
    assert P8.evaluate("capaian_range", realisasi=99, lo=80, hi=90) == D(90)  # 2 − 99 / 90
    better = P8.with_params(di_atas_rentang="arah_rentang.lebih_baik")
    assert better.evaluate("capaian_range", realisasi=99, lo=80, hi=90) == D(110)  # 99 / 90


def test_p8_zero_target_is_a_policy_not_a_division_by_zero() -> None:
    # NaN/Infinity when a target is 0.
    assert P8.evaluate("capaian_higher", realisasi=3, target=0) == D(100)
    assert P8.evaluate("capaian_lower", realisasi=0, target=0) == D(100)
    assert P8.evaluate("capaian_lower", realisasi=1, target=0) == D(0)


def test_p8_85_of_85_gives_109_and_120_when_the_target_is_the_maximum() -> None:
    # PermenPANRB 8/2021 Lampiran: 85/85 → 100 % → 109 (120 if maximum attainable).
    f = P8.formula("nilai_capaian(capaian_higher(r, t), maks)")
    assert f.evaluate(r=85, t=85, maks=False) == D(109)
    assert f.evaluate(r=85, t=85, maks=True) == D(120)


def test_p8_93_of_95_gives_88() -> None:
    # PermenPANRB 8/2021 Lampiran: 93 of 95 → 98 % → 88. The annex rounds the capaian
    # (97.89…) to a whole percent before the 80–99 line (98 − 10 = 88): param
    # satuan_pembulatan_capaian = 1. Unrounded, the line gives 87.89…, not the annex's 88.
    f = P8.formula("nilai_capaian(capaian_higher(93, 95), false)")
    assert P8.parameters["satuan_pembulatan_capaian"] == D(1)
    assert f.evaluate() == D(88)
    exact = P8.with_params(satuan_pembulatan_capaian=0)
    assert exact.formula("nilai_capaian(capaian_higher(93, 95), false)").evaluate_exact() == (
        Fraction(9300, 95) - 10
    )


@pytest.mark.parametrize(
    ("capaian", "nilai"),
    [
        # The annex's integer points (PermenPANRB 8/2021)
        ("130", D(120)),
        ("111", D(120)),
        ("110", D(120)),
        ("101", D(110)),
        ("100", D(109)),
        ("99", D(89)),
        ("80", D(70)),
        ("79", D(69)),
        ("60", D(50)),
        ("59", D(49)),
        ("0", D(0)),
        ("-20", D(0)),  # lower-is-better capaian below 0 reads as 0
        # the gaps, closed by the rulebook (read without rounding)
        ("99.5", D("89.5")),
        ("79.5", D("69.5")),
        ("100.5", D("109.5")),
        ("59.5", D("49.41525423728813559322033898305085")),  # 59.5 / 59 × 49
        ("105.5", D(115)),  # 110 + 4.5 × 10 / 9
    ],
)
def test_p8_scale_points_and_closed_gaps(capaian: str, nilai: Decimal) -> None:
    # PermenPANRB 8/2021: > 110 → 120; 101–110 → 110…120; 100 → 109; 80–99 → 70…89; 60–79 → 50…69;
    # 0–59 → capaian / 59 × 49; "the rulebook must close the gaps explicitly".
    exact = P8.with_params(satuan_pembulatan_capaian=0)
    assert exact.evaluate("nilai_capaian", capaian=capaian, target_maksimal=False) == nilai


def test_p8_rounding_moves_99_5_onto_100() -> None:
    # The documented consequence of the annex's rounding step (PermenPANRB 8/2021 Lampiran,
    # example 93/95 → 98).
    assert P8.evaluate("nilai_capaian", capaian="99.5", target_maksimal=False) == D(109)
    assert P8.evaluate("nilai_capaian", capaian="99.49", target_maksimal=False) == D(89)


def test_p8_scale_never_decreases() -> None:
    # Pitfall "cliffs nobody declared": without rounding the closed scale is monotone.
    exact = P8.with_params(satuan_pembulatan_capaian=0).function("nilai_capaian")
    points = [D(i) / 4 for i in range(4 * 125)]
    values = [Fraction(exact(c, False)) for c in points]
    assert all(a <= b for a, b in pairwise(values))
    assert max(values) == 120


def test_p8_nilai_kinerja_weights_and_cap() -> None:
    # PermenPANRB 8/2021: 70 % SKP + 30 % perilaku, or 60/40 with 360°; scores capped at 120.
    assert P8.evaluate("nilai_kinerja", skp=100, perilaku=90, penilaian_360=False) == D(97)
    assert P8.evaluate("nilai_kinerja", skp=100, perilaku=90, penilaian_360=True) == D(96)
    assert P8.evaluate("nilai_kinerja", skp=120, perilaku=130, penilaian_360=False) == D(120)


@pytest.mark.parametrize(
    ("nilai", "ide_baru", "predikat"),
    [
        ("120", True, "Sangat Baik"),
        ("110", True, "Sangat Baik"),
        ("115", False, "Baik"),  # 110–120 without new ideas is Baik
        ("109.99", True, "Baik"),
        ("90", False, "Baik"),
        ("89.99", True, "Cukup"),
        ("70", False, "Cukup"),
        ("69.99", False, "Kurang"),
        ("50", False, "Kurang"),
        ("49.99", False, "Sangat Kurang"),
        ("0", False, "Sangat Kurang"),
    ],
)
def test_p8_predikat(nilai: str, ide_baru: bool, predikat: str) -> None:
    # PermenPANRB 8/2021: Sangat Baik 110–120 and new ideas; Baik 90–120 otherwise; Cukup 70–<90;
    # Kurang 50–<70; Sangat Kurang < 50 (PP 30/2019).
    assert text(P8.evaluate("predikat_nilai", nilai=nilai, ide_baru=ide_baru)) == predikat


def test_p8_predikat_refuses_a_score_above_the_cap() -> None:
    # PermenPANRB 8/2021: scores are capped at 120, so 121 is an input error, not "Sangat Baik".
    with pytest.raises(KinerjaError, match="outside the domain"):
        P8.evaluate("predikat_nilai", nilai=121, ide_baru=True)


# =========================================================================== angka kredit
# PermenPANRB 1/2023 + PerBKN 3/2023.

PERSEN = {
    "Sangat Baik": D("1.5"),
    "Baik": D(1),
    "Butuh Perbaikan": D("0.75"),
    "Kurang/Misconduct": D("0.5"),
    "Sangat Kurang": D("0.25"),
}
KOEFISIEN = {
    "Pemula": D("3.75"),
    "Terampil": D(5),
    "Mahir": D("12.5"),
    "Penyelia": D(25),
    "Ahli Pertama": D("12.5"),
    "Ahli Muda": D(25),
    "Ahli Madya": D("37.5"),
    "Ahli Utama": D(50),
}


def test_ak_ahli_pertama_sangat_baik_full_year_is_18_75() -> None:
    # Example: Ahli Pertama, Sangat Baik, full year → 18.75 (PerBKN 3/2023).
    args = {"predikat": "Sangat Baik", "jenjang": "Ahli Pertama", "bulan": 12}
    assert AK.evaluate("konversi_angka_kredit", **args) == D("18.75")
    assert AK.evaluate("angka_kredit", **args) == D("18.75")


def test_ak_two_months_baik_is_2_08() -> None:
    # BKN's PerBKN 3/2023 socialisation slides: Ahli Pertama, Baik, 2 months → 2/12 × 12.5 = 2.08.
    args = {"predikat": "Baik", "jenjang": "Ahli Pertama", "bulan": 2}
    assert AK.evaluate("konversi_angka_kredit", **args) == D("2.08")


@pytest.mark.parametrize("predikat", list(PERSEN))
@pytest.mark.parametrize("jenjang", list(KOEFISIEN))
def test_ak_full_year_is_percentage_times_coefficient(predikat: str, jenjang: str) -> None:
    # PerBKN 3/2023 table: AK = 12/12 × percentage(predikat) × coefficient(jenjang).
    got = AK.evaluate("angka_kredit", predikat=predikat, jenjang=jenjang, bulan=12)
    assert got == PERSEN[predikat] * KOEFISIEN[jenjang]


@pytest.mark.parametrize(
    ("predikat", "jenjang", "unrounded", "printed"),
    [
        ("Sangat Kurang", "Ahli Pertama", "3.125", "3.13"),  # banker's rounding gives 3.12
        ("Sangat Kurang", "Mahir", "3.125", "3.13"),
        ("Sangat Baik", "Pemula", "5.625", "5.63"),  # banker's rounding gives 5.62
        ("Kurang/Misconduct", "Ahli Madya", "18.75", "18.75"),
    ],
)
def test_ak_rounds_half_up_never_bankers(
    predikat: str, jenjang: str, unrounded: str, printed: str
) -> None:
    # PerBKN 3/2023: results shown with 2 decimals, rounded half up (never banker's rounding).
    args = {"predikat": predikat, "jenjang": jenjang, "bulan": 12}
    assert AK.evaluate("angka_kredit", **args) == D(unrounded)
    assert AK.evaluate("konversi_angka_kredit", **args) == D(printed)
    assert round(D(unrounded), 2) != D(printed) or unrounded == printed  # what Python does


def test_ak_carries_unrounded_values_and_rounds_once() -> None:
    # PerBKN 3/2023: rounding per period then summing differs from rounding the sum.
    args = {"predikat": "Butuh Perbaikan", "jenjang": "Ahli Muda", "bulan": 1}
    month = AK.evaluate("angka_kredit", **args)
    assert month == D("1.5625")  # 1/12 × 75 % × 25
    assert AK.evaluate("konversi_angka_kredit", **args) == D("1.56")
    assert AK.evaluate("jumlah_angka_kredit", ak=[month] * 12) == D("18.75")
    assert 12 * D("1.56") == D("18.72")  # what rounding each month would have given


def test_ak_period_longer_than_a_year_is_refused() -> None:
    # Pitfall "quarters confused with months": 13 months is an input error.
    with pytest.raises(KinerjaError, match="outside the domain"):
        AK.evaluate("angka_kredit", predikat="Baik", jenjang="Mahir", bulan=13)


def test_ak_predikat_enum_is_the_6_2022_enum() -> None:
    # PerBKN 3/2023 uses the predikat of PermenPANRB 6/2022: same members, texts and spellings,
    # so a label from permenpanrb-6-2022 is accepted by the credit-point conversion.
    assert AK.enum("predikat") == P6.enum("predikat")
    label = P6.evaluate("predikat_kinerja", hasil="di atas", perilaku="di atas")
    assert AK.evaluate("konversi_angka_kredit", predikat=label, jenjang="Ahli Muda", bulan=12) == (
        D("37.5")
    )


def test_ak_pipeline_binding_by_name() -> None:
    # scoring.py binds konversi_* parameters by name; jenjang from the models' Jenjang values.
    assert AK.signature("konversi_angka_kredit") == {
        "predikat": "predikat",
        "jenjang": "jenjang",
        "bulan": "number",
    }
    assert [str(m) for m in AK.enum("jenjang").members] == [j.value for j in Jenjang]
    combined = P6.extend(rulebooks.source("angka-kredit-2023"))
    assert combined.evaluate("predikat_kinerja", hasil="sesuai", perilaku="sesuai") == (
        AK.label("predikat", "Baik")
    )


# =========================================================================== IKM
# PermenPANRB 14/2017 and KepMenPAN 25/2004.


def test_ikm_2017_all_answers_4_is_100_grade_a() -> None:
    # Example: all answers 4 → 100, A (PermenPANRB 14/2017).
    nrr = IKM17.evaluate("nrr", jawaban=[4, 4, 4, 4])
    assert nrr == D(4)
    assert IKM17.evaluate("ikm_konversi", nrr=[nrr] * 9) == D(100)
    mutu = IKM17.evaluate("mutu_ikm", nrr=[nrr] * 9)
    assert (member(mutu), text(mutu)) == ("a", "Sangat Baik")


def test_ikm_all_answers_1_is_25_grade_d() -> None:
    # PermenPANRB 14/2017: converted index 25–100; 25 is D under both methods.
    assert text(IKM17.evaluate("mutu_ikm", nrr=[1] * 9)) == "Tidak Baik"
    assert text(IKM04.evaluate("mutu_ikm", nrr=[1] * 14)) == "Tidak Baik"
    assert IKM04.evaluate("ikm_konversi", nrr=[4] * 14) == D(100)


def test_ikm_weights_are_exact_and_sum_to_1() -> None:
    # PermenPANRB 14/2017: weights equal, 1/9 each, and must sum to 1 (pitfall: thirds that
    # cannot be written as two-decimal percentages). The 2004 method has 14 elements, 1/14 each.
    assert IKM17.evaluate("jumlah_unsur") == D(9)
    assert IKM17.evaluate("jumlah_bobot") == D(1)
    assert IKM04.evaluate("jumlah_unsur") == D(14)
    assert IKM04.evaluate("jumlah_bobot") == D(1)
    # Σ NRR × 1/9 with mixed NRR: (4 + 3 × 8) / 9 × 25 = 77.77…
    assert IKM17.formula("ikm_konversi(n)").evaluate_exact(n=[4] + [3] * 8) == Fraction(700, 9)


def test_ikm_rejects_wrong_element_count_and_off_scale_answers() -> None:
    # Pitfall "failing open on malformed input".
    with pytest.raises(KinerjaError, match="weights"):
        IKM17.evaluate("ikm", nrr=[4] * 8)
    with pytest.raises(KinerjaError, match="outside the domain"):
        IKM17.evaluate("nrr", jawaban=[4, 5, 3])
    with pytest.raises(KinerjaError, match="outside the domain"):
        IKM04.evaluate("nrr", jawaban=[0, 3])


def _printed_2017(x: Decimal) -> str:
    # PermenPANRB 14/2017: 25.00–64.99 D; 65.00–76.60 C; 76.61–88.30 B; 88.31–100 A.
    if D("25.00") <= x <= D("64.99"):
        return "d"
    if D("65.00") <= x <= D("76.60"):
        return "c"
    if D("76.61") <= x <= D("88.30"):
        return "b"
    assert D("88.31") <= x <= D("100.00")
    return "a"


def _printed_2004(x: Decimal) -> str:
    # KepMenPAN 25/2004: 25–43.75 D; 43.76–62.50 C; 62.51–81.25 B; 81.26–100 A.
    if D("25.00") <= x <= D("43.75"):
        return "d"
    if D("43.76") <= x <= D("62.50"):
        return "c"
    if D("62.51") <= x <= D("81.25"):
        return "b"
    assert D("81.26") <= x <= D("100.00")
    return "a"


@pytest.mark.parametrize(("book", "printed"), [(IKM17, _printed_2017), (IKM04, _printed_2004)])
def test_ikm_half_open_bands_agree_with_the_printed_table(
    book: Rulebook, printed: Callable[[Decimal], str]
) -> None:
    # The half-open rows give the printed table's grade for every two-decimal value 25.00–100.00.
    band = book.function("mutu_pelayanan")
    for i in range(2500, 10001):
        x = D(i) / 100
        assert member(band(x)) == printed(x), x


def test_ikm_2017_values_between_printed_intervals() -> None:
    # PermenPANRB 14/2017, read as half-open intervals on the converted scale: 64.995 → D,
    # 76.605 → C.
    for x, grade in (("64.995", "d"), ("76.605", "c"), ("88.305", "b"), ("88.31", "a")):
        assert member(IKM17.evaluate("mutu_pelayanan", nilai=x)) == grade
    # The policy parameter: round the converted index to 2 decimals first (76.605 → 76.61 → B).
    nrr = [D("3.0642")] * 9  # × 25 = 76.605
    assert IKM17.evaluate("ikm_konversi", nrr=nrr) == D("76.605")
    assert member(IKM17.evaluate("mutu_ikm", nrr=nrr)) == "c"
    rounded = IKM17.with_params(satuan_pembulatan_konversi="0.01")
    assert rounded.evaluate("ikm_konversi", nrr=nrr) == D("76.61")
    assert member(rounded.evaluate("mutu_ikm", nrr=nrr)) == "b"


def test_ikm_2004_values_between_printed_intervals() -> None:
    # KepMenPAN 25/2004: the bands are quarters of the 1-4 scale (NI 1.75 / 2.50 / 3.25, × 25 =
    # 43.75 / 62.5 / 81.25), so the printed upper bounds are the cuts: 43.755 is already C.
    for x, grade in (("43.75", "d"), ("43.755", "c"), ("62.505", "b"), ("81.255", "a")):
        assert member(IKM04.evaluate("mutu_pelayanan", nilai=x)) == grade
    # NRR exactly 3.25 (× 25 = 81.25) is B, the top of the third quarter.
    assert member(IKM04.evaluate("mutu_ikm", nrr=["3.25"] * 14)) == "b"


def test_ikm_same_answers_different_grade_2004_vs_2017() -> None:
    # KepMenPAN 25/2004: the older method still circulates and gives different grades.
    answers = [4, 3, 4, 3, 3]  # every element answered so by 5 respondents: NRR 3.4, × 25 = 85
    nrr17 = IKM17.evaluate("nrr", jawaban=answers)
    nrr04 = IKM04.evaluate("nrr", jawaban=answers)
    assert nrr17 == nrr04 == D("3.4")
    assert IKM17.evaluate("ikm_konversi", nrr=[nrr17] * 9) == D(85)
    assert IKM04.evaluate("ikm_konversi", nrr=[nrr04] * 14) == D(85)
    assert text(IKM17.evaluate("mutu_ikm", nrr=[nrr17] * 9)) == "Baik"  # B: 76.61–88.30
    assert text(IKM04.evaluate("mutu_ikm", nrr=[nrr04] * 14)) == "Sangat Baik"  # A: 81.26–100
    # NRR 2.8 → 70: C Kurang Baik under 2017, B Baik under 2004.
    assert text(IKM17.evaluate("mutu_ikm", nrr=["2.8"] * 9)) == "Kurang Baik"
    assert text(IKM04.evaluate("mutu_ikm", nrr=["2.8"] * 14)) == "Baik"


# =========================================================================== every rulebook

EXPECTED_BANDS = {
    "pp-46-2011": {"predikat"},
    "permenpanrb-8-2021": {"skala_nilai", "predikat_dasar"},
    "angka-kredit-2023": {"bagian_tahun"},
    "ikm-2017": {"skala_sah", "mutu_pelayanan"},
    "ikm-2004": {"skala_sah", "mutu_pelayanan"},
}


def _bound_key(value: Fraction | None, closed: bool, *, low: bool) -> tuple[int, Fraction, int]:
    """Order of interval ends: -inf < [x < (x ... x) < x] < inf, as a sortable key."""
    if value is None:
        return (-1 if low else 1, Fraction(0), 0)
    return (0, value, (0 if closed else 1) if low else (0 if not closed else 1))


def _covers(info: BandInfo) -> bool:
    """Independently of the checker: the rows tile the domain with no gap and no overlap."""
    lo, lo_closed, hi, hi_closed = info.domain
    rows = sorted(info.rows, key=lambda r: _bound_key(r[0], r[1], low=True))
    if (rows[0][0], rows[0][1]) != (lo, lo_closed) or (rows[-1][2], rows[-1][3]) != (
        hi,
        hi_closed,
    ):
        return False
    # each row starts exactly where the previous ends, with the opposite closedness
    return all(a[2] == b[0] and a[3] != b[1] for a, b in pairwise(rows))


@pytest.mark.parametrize("name", rulebooks.names())
def test_every_bundled_rulebook_loads_and_its_bands_cover_their_domains(name: str) -> None:
    # Integer-labelled bands that leave decimals in gaps. The checker proves
    # coverage when a rulebook loads; this re-checks it independently and lists the bands.
    book = rulebooks.load(name)
    assert book.name == name
    bands = {n for n, info in book.checked.funcs.items() if isinstance(info, BandInfo)}
    for band in bands:
        info = book.checked.funcs[band]
        assert isinstance(info, BandInfo) and _covers(info), (name, band)
    assert EXPECTED_BANDS.get(name, set()) <= bands


def test_coverage_check_can_fail() -> None:
    info = P8.checked.funcs["predikat_dasar"]
    assert isinstance(info, BandInfo)
    assert _covers(info)
    broken = dataclasses.replace(info, rows=info.rows[1:])
    assert not _covers(broken)


# =========================================================================== local copies


def test_modified_copies_change_results_without_python_changes() -> None:
    # PermenPANRB 6/2022: open points are policy parameters a local office changes in rulebook text.
    assert P8.with_params(bobot_skp="0.6", bobot_perilaku="0.4").evaluate(
        "nilai_kinerja", skp=100, perilaku=90, penilaian_360=False
    ) == D(96)
    pemula = AK.extend('rulebook "lokal" param koefisien_pemula = 2.5')
    args = {"predikat": "Baik", "jenjang": "Pemula", "bulan": 12}
    assert pemula.evaluate("konversi_angka_kredit", **args) == D("2.5")
    assert AK.evaluate("konversi_angka_kredit", **args) == D("3.75")  # the original is unchanged
    three = AK.with_params(satuan_pembulatan_ak="0.001")
    month = {"predikat": "Butuh Perbaikan", "jenjang": "Ahli Muda", "bulan": 1}
    assert three.evaluate("konversi_angka_kredit", **month) == D("1.563")
    local = rulebooks.load('rulebook "lokal" extends "pp-46-2011" param batas_efisiensi = 30')
    assert local.evaluate("nilai_waktu", t=10, r="7.5") == D(101)
    assert PP46.evaluate("nilai_waktu", t=10, r="7.5") == D(75)  # 76 − (101 − 100)


def test_round_places_from_a_param() -> None:
    book = Rulebook.parse('rulebook "r" param places = 2  def f(x) = round(x, places)')
    assert book.evaluate("f", x="2.675") == D("2.68")


# =========================================================================== docs


def test_docs_rulebooks_md_examples_run() -> None:
    result = doctest.testfile(
        str(DOCS),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted > 20
    assert result.failed == 0
