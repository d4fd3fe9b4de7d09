"""Band tables and thresholds: every value falls in exactly one declared row, tables of
different methods stay distinct, every threshold is a declared parameter, and the checker
refuses comparisons of different kinds.

Each section quotes a mistake real appraisal systems make and proves the engine avoids it with
the bundled rulebooks. Expected values are written out by hand, never computed with the code
under test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from books import bundled
from kinerja_engine import rulebooks
from kinerja_engine.errors import CheckError
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
from kinerja_engine.values import Label
from one_rhk import ind, score

D = Decimal
F = Fraction

G = bundled("gajahmungkur")
P6 = bundled("permenpanrb-6-2022")
PP46 = bundled("pp-46-2011")
P8 = bundled("permenpanrb-8-2021")
IKM04 = bundled("ikm-2004")
IKM17 = bundled("ikm-2017")


# =========================================================================================
# "Integer-labelled bands that leave decimals in gaps"


@pytest.mark.parametrize(
    ("nilai", "sebutan"),
    [("90.5", "Baik"), ("90.99", "Baik"), ("91", "Sangat Baik"), ("75.5", "Cukup")],
)
def test_pp46_values_between_integer_bands(nilai: str, sebutan: str) -> None:
    # Pitfall "Integer-labelled bands that leave decimals in gaps": PP 46 prints
    # 76–90 Baik and ≥ 91 Sangat Baik; 90.5 must still get a predikat.
    assert str(PP46.evaluate("predikat", nilai=nilai)) == sebutan


def test_8_2021_99_5_is_in_no_gap() -> None:
    # Pitfall "Integer-labelled bands", PermenPANRB 8/2021: 99.5 % lies between the annex's 80–99
    # and 100 rows. Read exactly it continues the 80–99 line (89.5); with the annex's rounding
    # to whole percent it is 100 %.
    exact = P8.with_params(satuan_pembulatan_capaian=0)
    assert exact.evaluate("nilai_capaian", capaian="99.5", target_maksimal=False) == D("89.5")
    assert P8.evaluate("nilai_capaian", capaian="99.5", target_maksimal=False) == D(109)


def test_checker_rejects_an_integer_labelled_band_with_a_gap() -> None:
    # The gajahmungkur rating band written as the integers people say
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
    # Pitfall "Two band tables that disagree": rows [90, 110] and [110, inf) would give
    # 110 two ratings; the checker refuses the rulebook.
    with pytest.raises(CheckError, match=r"overlap in band table 'rating_hasil_kerja'"):
        G.extend(
            'rulebook "lokal" band rating_hasil_kerja(nilai) { [110, inf) -> rating.di_atas,'
            " [90, 110] -> rating.sesuai, (-inf, 90) -> rating.di_bawah }"
        )


def test_ikm_2004_and_2017_are_different_named_tables() -> None:
    # Pitfall "Two band tables that disagree": the IKM methods of 2004 and 2017 grade the
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
    # Pitfall "Comparing values of different kinds": refused before anything runs.
    with pytest.raises(CheckError, match=message):
        G.formula(text)


def test_a_label_cannot_be_given_for_a_number_parameter() -> None:
    # Pitfall "Comparing values of different kinds": a threshold set to a label.
    with pytest.raises(CheckError, match="expected a number, but this is a label of rating"):
        G.with_params(batas_sesuai="rating.sesuai")


# =========================================================================================
# "Cliffs at tolerances that nobody declared"


def _gajahmungkur_own() -> list[Any]:
    return list(parse_rulebook(rulebooks.source("gajahmungkur")).definitions)


def test_every_threshold_of_gajahmungkur_is_a_declared_param() -> None:
    # Pitfall "Cliffs at tolerances that nobody declared": every band bound, every
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
    # Values just below / at a declared threshold behave as declared
    # ([batas_sesuai, batas_di_atas) is Sesuai; no hidden tolerance rounds 109.99 up).
    result = G.evaluate("rating_hasil_kerja", nilai=nilai)
    assert isinstance(result, Label) and result.name == rating


def test_pipeline_threshold_109_99_vs_110_and_the_incentive_cliff() -> None:
    # The same through the pipeline: nilai 109.99 → Sesuai, 110 → Di Atas; the
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
