"""The gajahmungkur local policy and the bundled Gajahmungkur unit, end to end.

Golden numbers are worked out by hand from ``data/gajahmungkur-2026.json`` and the rulebook
text (the derivations are in the comments), as exact fractions; they are never produced by the
code under test. "Local policies are data": other thresholds or allowance rules are rulebook
text, and change the results without any Python change.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from books import bundled
from kinerja_engine import KinerjaError, rulebooks
from kinerja_engine.demo import UnitYear, load_unit, score_unit
from kinerja_engine.models import Plan
from kinerja_engine.scoring import Appraisal, appraise, check_distribution

F = Fraction
G = bundled("gajahmungkur")

RINA = "199104232015032003"  # Perawat Terampil, kesehatan
SLAMET = "197512031999031002"  # Guru Ahli Madya, pendidikan
DWI = "197808172005011003"  # Kepala Seksi Pelayanan, layanan (the evaluator overrides in Q4)

Scored = list[tuple[list[Appraisal], Appraisal]]


@pytest.fixture(scope="module")
def unit() -> UnitYear:
    return load_unit()


@pytest.fixture(scope="module")
def scored(unit: UnitYear) -> Scored:
    return score_unit(unit, G)


def _by_nip(scored: Scored) -> dict[str, tuple[list[Appraisal], Appraisal]]:
    return {year.employee: (quarters, year) for quarters, year in scored}


def half_up(value: Fraction, places: int = 2) -> Fraction:
    """Reference rounding, independent of the library: half away from zero."""
    scale = 10**places
    scaled = abs(value) * scale
    whole = math.floor(scaled)
    if scaled - whole >= F(1, 2):
        whole += 1
    return F(whole if value >= 0 else -whole, scale)


# =========================================================================== the bundled unit


def test_unit_shape(unit: UnitYear, scored: Scored) -> None:
    # 12 employees, 3 sectors (one evaluator each, 4 employees each), 4 quarters of 2026.
    assert (unit.unit_id, unit.unit_predikat, unit.year) == ("gajahmungkur", "Baik", 2026)
    assert len(unit.plans) == 12
    assert all(len(quarters) == 4 for quarters in unit.plans)
    sectors = Counter(q[0].evaluator.nip for q in unit.plans if q[0].evaluator is not None)
    assert sorted(sectors.values()) == [4, 4, 4]
    kinds = {ind.kind for quarters in unit.plans for _, ind in quarters[0].indicators()}
    assert kinds == {"vaksinasi", "sosialisasi", "kolaborasi", "ikm", "waktu_layanan", "kasus",
                     "prestasi_siswa", "kehadiran_siswa"}  # fmt: skip
    assert len({p.employee.nip for quarters in unit.plans for p in quarters}) == 12
    for quarters in unit.plans:
        assert [str(p.period) for p in quarters] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert len(scored) == 12


def test_every_employee_has_a_predikat(scored: Scored) -> None:
    for quarters, year in scored:
        assert year.status == "complete", year.employee
        assert year.period == "2026"
        assert year.predikat is not None
        for a in quarters:
            assert a.status == "complete" and a.predikat is not None, (a.employee, a.period)
    counts = Counter(str(year.predikat) for _, year in scored)
    assert counts == {"Sangat Baik": 2, "Baik": 7, "Butuh Perbaikan": 3}


def test_distribution_for_unit_predikat_baik_passes(unit: UnitYear, scored: Scored) -> None:
    # SE MenPANRB 3/2023 for a unit rated Baik: Baik for most (> 50 %, at most 70 %) and at
    # least one Butuh Perbaikan or Kurang/Misconduct. 7 / 12 = 58 %; 3 Butuh Perbaikan.
    report = check_distribution(unit.unit_predikat, [year for _, year in scored], G)
    assert report.ok, report.violations
    assert report.total == 12 and report.skipped == ()
    assert report.counts == {"Sangat Baik": 2, "Baik": 7, "Butuh Perbaikan": 3,
                             "Kurang/Misconduct": 0, "Sangat Kurang": 0}  # fmt: skip


def test_golden_rina_wulandari(scored: Scored) -> None:
    # Perawat Terampil. Targets: vaksin 300 (kind vaksinasi, cap 120), sosialisasi 80
    # (cap 110), kolaborasi 3; RHK weights 60 / 40, indicator weights 50 / 50.
    quarters, year = _by_nip(scored)[RINA]
    # Q1: vaksin 280/300 = 280/3 %, sosialisasi 78/80 = 97.5 %, kolaborasi 3/3 = 100 %.
    q1 = quarters[0]
    assert q1.indicator("vaksin").capaian == F(280, 3)
    assert q1.indicator("sosialisasi").capaian == F(195, 2)
    assert q1.rhk[0].nilai == (F(280, 3) + F(195, 2)) / 2 == F(1145, 12)
    assert q1.nilai_hasil_kerja == F(3, 5) * F(1145, 12) + 40 == F(389, 4)  # 97.25
    # Annual (agregasi_tahunan = rata_capaian): each indicator's quarterly capaian averaged
    # exactly (no quarter reaches a cap): vaksin (280+300+295+310)/4/300 = 395/4 = 98.75 %,
    # sosialisasi (78+80+81+83)/4/80 = 805/8 = 100.625 %, kolaborasi 100 %.
    assert year.indicator("vaksin").capaian == F(395, 4)
    assert year.indicator("sosialisasi").capaian == F(805, 8)
    assert year.indicator("kolaborasi").capaian == 100
    assert year.rhk[0].nilai == F(1595, 16)
    # 0.6 × 1595/16 + 0.4 × 100 = 1597/16 = 99.8125 → Sesuai (90 ≤ x < 110); behaviour
    # (Q4) Sesuai → Baik.
    assert year.nilai_hasil_kerja == F(1597, 16)
    assert str(year.rating_hasil_kerja_rekomendasi) == "Sesuai Ekspektasi"
    assert str(year.rating_perilaku) == "Sesuai Ekspektasi"
    assert str(year.predikat) == "Baik"
    # TPP: 60 % × 100 % and no bonus (99.8125 < ambang_insentif 100) = 60 % of the allowance.
    # Angka kredit: 12/12 × 100 % × 5 (Terampil) = 5.
    assert year.conversions == {"angka_kredit": 5, "tpp_persen": 60}


def test_golden_slamet_riyadi(scored: Scored) -> None:
    # Guru Ahli Madya. Targets: prestasi (improvement, kind prestasi_siswa) 5 points,
    # kehadiran 95 %; one indicator per RHK, RHK weights 60 / 40.
    quarters, year = _by_nip(scored)[SLAMET]
    # Q1: prestasi 2.1/5 = 42 %, kehadiran 90.2/95 = 1804/19 %;
    # 0.6 × 42 + 0.4 × 1804/19 = 126/5 + 3608/95 = 6002/95 (63.18).
    assert quarters[0].indicator("prestasi").capaian == 42
    assert quarters[0].indicator("kehadiran").capaian == F(1804, 19)
    assert quarters[0].nilai_hasil_kerja == F(6002, 95)
    # Annual: prestasi (42 + 56 + 60 + 68) / 4 = 113/2 %; kehadiran
    # (90.2 + 91.0 + 90.5 + 91.8) / 4 / 95 × 100 = 3635/38 %.
    assert year.indicator("prestasi").capaian == F(113, 2)
    assert year.indicator("kehadiran").capaian == F(3635, 38)
    # 0.6 × 113/2 + 0.4 × 3635/38 = 339/10 + 727/19 = 13711/190 (72.16) → Di Bawah; behaviour
    # Sesuai → Butuh Perbaikan.
    assert year.nilai_hasil_kerja == F(13711, 190)
    assert str(year.rating_hasil_kerja) == "Di Bawah Ekspektasi"
    assert str(year.predikat) == "Butuh Perbaikan"
    # TPP: 60 % × 90 % = 54. Angka kredit: 75 % × 37.5 = 28.125, printed half up: 28.13.
    assert year.conversions == {"angka_kredit": F(2813, 100), "tpp_persen": 54}
    assert "angka_kredit = 28,13" in year.explain()


def test_evaluator_override_is_kept_with_its_reason(scored: Scored) -> None:
    # Dwi Prasetyo: annual nilai (by hand) ikm 1756/17 %, waktu (lower, mean realisasi 2.575
    # of 3 days) 685/6 %, kasus 110 % → 0.6 × (1756/17 + 685/6) / 2 + 0.4 × 110 = 37141/340
    # (109.24): recommended Sesuai; the evaluator raised it to Di Atas with a reason (Q4).
    _, year = _by_nip(scored)[DWI]
    assert year.nilai_hasil_kerja == F(37141, 340)
    assert str(year.rating_hasil_kerja_rekomendasi) == "Sesuai Ekspektasi"
    assert str(year.rating_hasil_kerja) == "Di Atas Ekspektasi"
    what, before, after, reason = year.overrides[0]
    assert (what, str(before), str(after)) == (
        "rating_hasil_kerja", "Sesuai Ekspektasi", "Di Atas Ekspektasi")  # fmt: skip
    assert reason.startswith("Memimpin penerapan layanan")
    assert str(year.predikat) == "Baik"  # Di Atas × Sesuai


# ================================================================ local policies are data


def _predikat(scored: Scored) -> dict[str, str]:
    return {year.employee: str(year.predikat) for _, year in scored}


def test_other_thresholds_change_predikat_without_python(unit: UnitYear, scored: Scored) -> None:
    # batas_di_atas 115, batas_sesuai 80: Ayu (113) and Maria (112.89) are no longer Di Atas
    # (Sangat Baik → Baik); Sri (84.00) and Yulia (83.30) rise to Sesuai (Butuh Perbaikan →
    # Baik); Slamet (72.16) stays below.
    strict = G.with_params(batas_di_atas=115, batas_sesuai=80)
    assert strict.parameters["batas_di_atas"] == 115
    before = _predikat(scored)
    after = _predikat(score_unit(unit, strict))
    changed = {nip: (before[nip], after[nip]) for nip in before if before[nip] != after[nip]}
    assert changed == {
        "198703122012122002": ("Sangat Baik", "Baik"),  # dr. Ayu Lestari
        "198205212008012007": ("Sangat Baik", "Baik"),  # Maria Ulfa
        "199306182019032004": ("Butuh Perbaikan", "Baik"),  # Sri Handayani
        "199407282020122006": ("Butuh Perbaikan", "Baik"),  # Yulia Kartika
    }
    assert after[SLAMET] == "Butuh Perbaikan"
    # 11 of 12 Baik now breaks the curve for a unit rated Baik (at most 70 %).
    report = check_distribution("Baik", [y for _, y in score_unit(unit, strict)], strict)
    assert [v.rule for v in report.violations] == ["maksimal 70 % Baik"]
    # The original rulebook is unchanged.
    assert G.parameters["batas_di_atas"] == 110 and G.parameters["batas_sesuai"] == 90
    assert _predikat(score_unit(unit, G)) == before


LOCAL_TPP = """
rulebook "gajahmungkur-tpp-2027" version "2027.1"
param porsi_kinerja = 70%
def persen_tpp(p: predikat) =
    if p == predikat.sangat_baik then 100%
    else if p == predikat.baik then 95%
    else if p == predikat.butuh_perbaikan then 80%
    else if p == predikat.kurang then 70%
    else 60%
"""


def test_other_allowance_rule_changes_tpp_without_python(unit: UnitYear, scored: Scored) -> None:
    # Performance part 70 % instead of 60 %, other shares per predikat; the 5 % incentive
    # at nilai ≥ 100 is kept from gajahmungkur.
    local = G.extend(LOCAL_TPP)
    assert local.name == "gajahmungkur-tpp-2027"
    new = {y.employee: y.conversions["tpp_persen"] for _, y in score_unit(unit, local)}
    old = {y.employee: y.conversions["tpp_persen"] for _, y in scored}
    assert (old[RINA], new[RINA]) == (60, F(665, 10))  # Baik, 99.81: 70 % × 95 %
    assert (old[SLAMET], new[SLAMET]) == (54, 56)  # Butuh Perbaikan: 70 % × 80 %
    ayu = "198703122012122002"  # Sangat Baik, 113: 70 % × 100 % + 5 %
    assert (old[ayu], new[ayu]) == (65, 75)
    # Predikat and credit points do not depend on the allowance rule.
    assert _predikat(score_unit(unit, local)) == _predikat(scored)
    # The original is unchanged.
    assert G.parameters["porsi_kinerja"] == Decimal("0.6")
    assert G.evaluate("persen_tpp", p="Baik") == 1
    assert {y.employee: y.conversions["tpp_persen"] for _, y in score_unit(unit, G)} == old


CALLER_TEXT = """
rulebook "gajahmungkur-posyandu" version "2026.2" extends "gajahmungkur"
    cites "Keputusan Camat Gajahmungkur (contoh): indikator posyandu aktif"
# A new indicator kind, capped like the other counts, and a larger incentive.
def capaian_posyandu(realisasi, target) = cap(capaian_higher(realisasi, target), batas_capaian)
param insentif_target = 10%
"""


def test_callers_own_text_extending_gajahmungkur() -> None:
    book = rulebooks.load(CALLER_TEXT)
    assert (book.name, book.version) == ("gajahmungkur-posyandu", "2026.2")
    assert book.cites[0].startswith("Keputusan Camat")
    assert set(G.cites) <= set(book.cites)
    assert book.evaluate("capaian_posyandu", realisasi=15, target=10) == 120  # capped
    assert book.evaluate("capaian_vaksinasi", realisasi=330, target=300) == 110  # inherited
    plan = Plan.model_validate({
        "id": "skp-posyandu", "period": "2026-Q1",
        "employee": {"nip": "198609262015051001", "name": "Siti",
                     "position": {"name": "Pengelola", "category": "Pelaksana"},
                     "unit": "gajahmungkur"},
        "rhk": [{"id": "r1", "description": "Posyandu aktif", "indicators": [
            {"id": "pos", "name": "Posyandu aktif", "unit_of_measure": "posyandu",
             "target": 8, "direction": "higher", "kind": "posyandu"}]}],
        "realisations": [{"indicator": "pos", "value": 9}],
        "behaviour": {"rating": "Sesuai Ekspektasi"},
    })  # fmt: skip
    result = appraise(plan, book)
    assert result.indicator("pos").capaian == F(225, 2)  # 9 / 8 = 112.5 %
    assert str(result.rating_hasil_kerja) == "Di Atas Ekspektasi"  # ≥ 110
    assert str(result.predikat) == "Baik"
    assert result.conversions == {"tpp_persen": 70}  # 60 % × 100 % + 10 %
    # The seed rulebook does not know the new kind: the plan is refused, naming the employee.
    assert "capaian_posyandu" not in G
    with pytest.raises(KinerjaError, match=r"198609262015051001.*capaian_posyandu"):
        appraise(plan, G)


# =========================================================================== explanations


@pytest.mark.parametrize("lang", ["id", "en"])
def test_each_explanation_names_every_indicator_and_the_predikat(scored: Scored, lang: str) -> None:
    for quarters, year in scored:
        for appraisal in (*quarters, year):
            text = appraisal.explain(lang)
            assert appraisal.predikat is not None
            assert str(appraisal.predikat) in text
            verdict = "Predikat Kinerja" if lang == "id" else "Performance verdict (predikat)"
            assert f"{verdict}: {appraisal.predikat}" in text
            for rhk in appraisal.rhk:
                for ind in rhk.indicators:
                    assert ind.name in text, (appraisal.employee, ind.name)
            assert appraisal.employee_name in text


_NUMBER_ID = re.compile(r"(?<![\w.,])-?\d{1,3}(?:\.\d{3})*(?:,\d+)?(?![\w])")


def _id_number(token: str) -> Fraction:
    """'1.234,56' → 1234.56 (Indonesian: '.' groups thousands, ',' is the decimal sign)."""
    return F(token.replace(".", "").replace(",", "."))


def _numbers(value: Any) -> Iterator[Fraction]:
    if isinstance(value, Fraction | Decimal | int) and not isinstance(value, bool):
        yield F(value)
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _numbers(v)


def test_id_number_parser() -> None:
    assert [_id_number(t) for t in _NUMBER_ID.findall("a 1.234,56 b 92,50 c 7 d [90, 110)")] == [
        F(123456, 100), F(185, 2), F(7), F(90), F(110)]  # fmt: skip


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
@pytest.mark.parametrize("nip", [RINA, DWI])
def test_every_number_in_the_explanation_is_a_trace_value_rounded_half_up(
    scored: Scored, nip: str, quarter: int
) -> None:
    appraisal = _by_nip(scored)[nip][0][quarter]
    text = appraisal.explain("id")
    body = text.splitlines()[2:]  # after the header (name, NIP, period, rulebook version)
    body = [re.sub(r"^RHK \d+ ", "RHK ", line) for line in body]  # the RHK's ordinal
    trace = appraisal.trace
    traced = {half_up(v) for s in trace for v in (*_numbers(s.result),
                                                  *_numbers(tuple(s.inputs.values())))}  # fmt: skip
    bounds = {F(G.parameters["batas_sesuai"]), F(G.parameters["batas_di_atas"])}  # type: ignore[arg-type]
    tokens = [t for line in body for t in _NUMBER_ID.findall(line)]
    assert len(tokens) >= 15
    for token in tokens:
        value = _id_number(token)
        assert value in traced or value in bounds, (token, text)
        if "," in token:  # a non-whole number is shown with exactly 2 decimals
            assert len(token.split(",")[1]) == 2, token
    # Line by line: capaian, RHK values, nilai and conversions are their own trace steps.
    capaian = [s.result for s in trace if s.what == "capaian"]
    shown = [_id_number(m) for m in re.findall(r"→ capaian (\S+) %", text)]
    assert shown == [half_up(c) for c in capaian]
    rhk = [s.result for s in trace if s.what == "nilai_rhk"]
    assert [_id_number(m) for m in re.findall(r"Nilai RHK: (\S+)", text)] == [
        half_up(v) for v in rhk]  # fmt: skip
    (nilai,) = [s.result for s in trace if s.what == "nilai_hasil_kerja"]
    assert re.search(r"Nilai hasil kerja: (\S+)", text)[1] == _fmt_id(half_up(nilai))  # type: ignore[index]
    for step in trace:
        if step.what == "konversi" and step.result is not None:
            name = step.subject.removeprefix("konversi_")
            assert f"{name} = {_fmt_id(half_up(step.result))}" in text


def _fmt_id(value: Fraction) -> str:
    """Reference Indonesian formatting: whole numbers bare, others with 2 decimals."""
    if value.denominator == 1:
        return f"{value.numerator:,}".replace(",", ".")
    whole, frac = divmod(abs(value) * 100, 100)
    sign = "-" if value < 0 else ""
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{int(frac):02d}"


def test_explanation_is_indonesian_by_default_and_english_on_request(scored: Scored) -> None:
    _, year = _by_nip(scored)[RINA]
    assert "Nilai hasil kerja: 99,81" in year.explain()
    assert "Work result value: 99.81" in year.explain("en")
