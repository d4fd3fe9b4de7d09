"""Documented policies of the bundled rulebooks that no regulation example pins: rounding
units, caps, allowance shares, scale checks, negative and range targets, curve maxima.

These tests were written to kill mutants that survived ``bench/mutate_rulebooks.py``: each names
the mutant(s) it kills (rulebook, definition, ``original → mutated``) and why the behaviour
matters, citing the regulation. As in ``test_regulations.py``, every expected number is written
out by hand from the regulation or the rulebook's documented policy, never computed with the
rulebook under test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from books import bundled
from kinerja_engine import KinerjaError
from kinerja_engine.values import Label

D = Decimal

AK = bundled("angka-kredit-2023")
G = bundled("gajahmungkur")
IKM04 = bundled("ikm-2004")
IKM17 = bundled("ikm-2017")
P6 = bundled("permenpanrb-6-2022")
P8 = bundled("permenpanrb-8-2021")


def member(value: object) -> str:
    assert isinstance(value, Label), value
    return value.name


# =========================================================================== angka-kredit-2023


def test_ak_rounding_unit_zero_means_no_rounding() -> None:
    # Kills angka-kredit-2023 bulatkan_ak: `satuan_pembulatan_ak == 0` → `== 1` (number 0 → 1).
    # The rulebook documents 0 as "no rounding": an office carrying exact values (PerBKN 3/2023:
    # carry unrounded values, round once) must get the unrounded 2/12 × 100 % × 12.5 = 25/12, not a
    # division by a zero unit or 2.08.
    exact = AK.with_params(satuan_pembulatan_ak=0)
    value = exact.evaluate(
        "konversi_angka_kredit", predikat="baik", jenjang="ahli_pertama", bulan=2
    )
    assert abs(value - D(25) / D(12)) < D("1e-20")
    assert value != D("2.08")


# =========================================================================== gajahmungkur


def test_gajahmungkur_survey_cap_is_110() -> None:
    # Kills gajahmungkur batas_capaian_survei: `param batas_capaian_survei = 110` → 111.
    # Survey-based indicators (IKM, socialisation, attendance) are capped at 110 %, the other
    # kinds at 120 % (gajahmungkur's local policy; the cap keeps one indicator from hiding others).
    for kind in ("capaian_ikm", "capaian_sosialisasi", "capaian_kehadiran_siswa"):
        assert G.evaluate(kind, realisasi=150, target=100) == D(110)
        assert G.evaluate(kind, realisasi=109, target=100) == D(109)
    assert G.evaluate("capaian_vaksinasi", realisasi=150, target=100) == D(120)


@pytest.mark.parametrize(
    ("predikat", "percent"),
    [
        ("sangat_baik", "1"),
        ("baik", "1"),
        ("butuh_perbaikan", "0.90"),
        ("kurang", "0.85"),
        ("sangat_kurang", "0.80"),
    ],
)
def test_gajahmungkur_tpp_share_per_predikat(predikat: str, percent: str) -> None:
    # Kills gajahmungkur persen_tpp: `85% → 0%`, `85% → 86%`, `80% → 800%`, `80% → 0%`,
    # `p == predikat.kurang → p != predikat.kurang` and the swapped `if` branches of persen_tpp.
    # Allowances (TPP) are local policy; the ministry example pays 90 / 85 / 80 % of the
    # allowance for Butuh Perbaikan / Kurang / Sangat Kurang; only the first was pinned by a
    # test, so Kurang and Sangat Kurang could be paid anything.
    assert G.evaluate("persen_tpp", p=predikat) == D(percent)


# =========================================================================== ikm-2004 / ikm-2017


def test_ikm2004_rounding_unit_rounds_to_two_decimals() -> None:
    # Kills ikm-2004 ikm_konversi: `round(x / satuan_pembulatan_konversi, 0)` → `round(..., 1)` and
    # `x / satuan_pembulatan_konversi` → `x * satuan_pembulatan_konversi`. Only ikm-2017's rounding
    # policy was tested. 13 elements answered 3 and one answered 2, 14 equal weights (KepMenPAN
    # 25/2004): IKM = 41/14, converted × 25 = 73.2142…, printed by the decree as 73.21.
    rounded = IKM04.with_params(satuan_pembulatan_konversi="0.01")
    assert rounded.evaluate("ikm_konversi", nrr=[3] * 13 + [2]) == D("73.21")


def test_ikm2017_nrr_above_the_scale_is_an_error() -> None:
    # Kills ikm-2017 ikm: `skala_sah(min(nrr)) and skala_sah(max(nrr))` → `or`. With `or`
    # the check stops at a valid minimum and an NRR of 5 (answers are 1-4, PermenPANRB 14/2017) is
    # silently averaged in: failing open on malformed input.
    with pytest.raises(KinerjaError, match="outside the domain"):
        IKM17.evaluate("ikm", nrr=[1] * 8 + [5])


# =========================================================================== permenpanrb-6-2022


def test_p6_capaian_with_a_negative_target() -> None:
    # Kills permenpanrb-6-2022 capaian_higher (`100 + … * 100`: `100 → 0`, `* 100 → / 100`) and
    # capaian_lower (swapped `if` branches, `100 → 101`). A negative target (an agreed
    # limit on a decline of 2 points) is measured by the distance to the target against |target|,
    # as the rulebook documents: 1 point better than the limit is 150 %, 1 point worse 50 %.
    assert P6.evaluate("capaian_higher", realisasi=-1, target=-2) == D(150)
    assert P6.evaluate("capaian_higher", realisasi=-3, target=-2) == D(50)
    assert P6.evaluate("capaian_lower", realisasi=-1, target=-2) == D(50)
    assert P6.evaluate("capaian_lower", realisasi=-3, target=-2) == D(150)


def test_p6_range_target_bound_is_inside_the_range() -> None:
    # Kills permenpanrb-6-2022 capaian_range: `realisasi < lo` → `realisasi <= lo`, and
    # `realisasi > hi` → `realisasi >= hi` (held-out sample, seed 1). With the default
    # zero-target policy (100) both give 100 at realisasi == lo, but a realisasi on the lower
    # bound is inside the range and scores 100 (PermenPANRB 8/2021 Lampiran, range targets)
    # whatever an office sets for zero targets: it must not be routed through
    # capaian_higher(0, 0).
    book = P6.with_params(capaian_target_nol_tercapai=90)
    assert book.evaluate("capaian_range", realisasi=0, lo=0, hi=5) == D(100)
    assert book.evaluate("capaian_range", realisasi=5, lo=0, hi=5) == D(100)
    assert book.evaluate("capaian_range", realisasi=0, lo=-5, hi=0) == D(100)


def test_p6_curve_has_no_maximum_where_the_rules_set_none() -> None:
    # Kills permenpanrb-6-2022 kurva_maks: the final `else 100%` → `1000%`. 100 % means "no
    # maximum" (SE MenPANRB 3/2023 caps only Sangat Baik and Baik shares); a share
    # is never above 100 %, so a larger figure would hide a wrong row in every check.
    assert P6.evaluate("kurva_maks", u="istimewa", g="b") == D(1)
    assert P6.evaluate("kurva_maks", u="baik", g="sb") == D(1)


# =========================================================================== permenpanrb-8-2021


@pytest.mark.parametrize("realisasi", ["0", "0.5"])
def test_p8_zero_target_met_by_any_non_negative_realisasi(realisasi: str) -> None:
    # Kills permenpanrb-8-2021 capaian_higher: `realisasi >= 0` → `realisasi >= 1` (held-out sample,
    # seed 1). The rulebook's zero-target policy: a higher-is-better target of 0 is met by any
    # realisasi >= 0, never a division by zero (no "NaN … when a target is 0");
    # realisasi 0 or a fraction below 1 must not fall to the "gagal" value.
    assert P8.evaluate("capaian_higher", realisasi=realisasi, target=0) == D(100)
