"""The scoring pipeline (issue: typed models and the scoring pipeline, every number explained)."""

import copy
import dataclasses
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.errors import KinerjaError
from kinerja_engine.models import Plan
from kinerja_engine.scoring import (
    appraise,
    appraise_many,
    appraise_year,
    check_distribution,
)

# A local policy on top of the national rules: the rating rule from capaian (the regulation
# leaves it to local policy), a capped vaccination kind, and missing realisations excluded.
LOCAL = """
rulebook "uji-lokal" version "1"
band rating_hasil_kerja(nilai) {
    [110, inf) -> rating.di_atas,
    [90, 110) -> rating.sesuai,
    (-inf, 90) -> rating.di_bawah,
}
def capaian_vaksinasi(realisasi, target) = cap(capaian_higher(realisasi, target), 120)
param kebijakan_realisasi_kosong = kebijakan_kosong.kecualikan
def konversi_tpp(predikat: predikat) =
    if predikat == predikat.sangat_baik or predikat == predikat.baik then 100%
    else if predikat == predikat.butuh_perbaikan then 90%
    else if predikat == predikat.kurang then 85%
    else 80%
"""


@pytest.fixture(scope="module")
def book() -> Any:
    return rulebooks.load("permenpanrb-6-2022").extend(LOCAL)


def _employee(nip: str = "198609262015051001", name: str = "Siti Rahma") -> dict[str, Any]:
    return {
        "nip": nip,
        "name": name,
        "position": {"name": "Pengelola Layanan", "category": "Pelaksana"},
        "unit": "kec-gajahmungkur",
    }


def plan_data(**changes: Any) -> dict[str, Any]:
    """A realistic plan: 3 RHK, 6 IKI incl. lower-is-better time, a range and a capped count."""
    data: dict[str, Any] = {
        "id": "skp-2026-q1-001",
        "employee": _employee(),
        "evaluator": _employee("197501012000031002", "Drs. Bambang"),
        "period": "2026-Q1",
        "rhk": [
            {
                "id": "rhk1",
                "description": "Layanan administrasi kependudukan tepat waktu",
                "weight": 50,
                "indicators": [
                    {"id": "waktu", "name": "Waktu penyelesaian layanan",
                     "unit_of_measure": "hari", "target": 3, "direction": "lower", "weight": 50},
                    {"id": "kasus", "name": "Kasus ditangani", "unit_of_measure": "kasus",
                     "target": 120, "direction": "higher", "weight": 50},
                ],
            },
            {
                "id": "rhk2",
                "description": "Vaksinasi warga",
                "weight": 30,
                "indicators": [
                    {"id": "vaksin", "name": "Vaksinasi diberikan", "unit_of_measure": "dosis",
                     "target": 1000, "direction": "higher", "kind": "vaksinasi",
                     "weight": "100/3"},
                    {"id": "ikm", "name": "Indeks kepuasan masyarakat",
                     "unit_of_measure": "indeks", "target": "80-90", "direction": "range",
                     "weight": "100/3"},
                    {"id": "sosialisasi", "name": "Efektivitas sosialisasi",
                     "unit_of_measure": "%", "target": 80, "direction": "higher",
                     "formula": "cap(realisasi / target * 100, 110)", "weight": "100/3"},
                ],
            },
            {
                "id": "rhk3",
                "description": "Kolaborasi dengan masyarakat",
                "kind": "tambahan",
                "weight": 20,
                "indicators": [
                    {"id": "kolaborasi", "name": "Kegiatan kolaborasi",
                     "unit_of_measure": "kegiatan", "target": 4, "direction": "higher"},
                ],
            },
        ],
        "realisations": [
            {"indicator": "waktu", "value": "2.5"},
            {"indicator": "kasus", "value": 132},
            {"indicator": "vaksin", "value": 1500},
            {"indicator": "ikm", "value": "92"},
            {"indicator": "sosialisasi", "value": 96},
            {"indicator": "kolaborasi", "value": 4},
        ],
        "behaviour": {"rating": "Sesuai Ekspektasi"},
    }  # fmt: skip
    data.update(changes)
    return data


def test_realistic_plan_every_number(book: Any) -> None:
    result = appraise(Plan.model_validate(plan_data()), book)
    cap = {i.id: i.capaian for r in result.rhk for i in r.indicators}
    # lower is better: (2 - 2.5/3) * 100 = 116 2/3
    assert cap["waktu"] == Fraction(350, 3)
    assert cap["kasus"] == 110  # 132 / 120
    assert cap["vaksin"] == 120  # 150 % capped by the kind at 120
    # above the range [80, 90]: compared with 90 as lower-is-better: (2 - 92/90) * 100
    assert cap["ikm"] == (2 - Fraction(92, 90)) * 100
    assert cap["sosialisasi"] == 110  # 120 % capped by its own formula at 110
    assert cap["kolaborasi"] == 100
    rhk = {r.id: r.nilai for r in result.rhk}
    assert rhk["rhk1"] == (Fraction(350, 3) + 110) / 2
    assert rhk["rhk2"] == (120 + (2 - Fraction(92, 90)) * 100 + 110) / 3  # thirds exactly
    assert rhk["rhk3"] == 100
    expected = rhk["rhk1"] * Fraction(1, 2) + rhk["rhk2"] * Fraction(3, 10) + 20
    assert result.nilai_hasil_kerja == expected
    assert str(result.rating_hasil_kerja_rekomendasi) == "Sesuai Ekspektasi"  # 106.6… < 110
    assert str(result.rating_perilaku) == "Sesuai Ekspektasi"
    assert str(result.predikat) == "Baik"
    assert result.conversions["tpp"] == 1
    assert result.status == "complete"
    text = result.explain()
    assert "Predikat Kinerja: Baik" in text
    assert "116,67 %" in text  # Indonesian formatting, half up
    assert "Waktu penyelesaian layanan" in result.explain("en")


@pytest.mark.parametrize(
    ("hasil", "perilaku", "predikat"),
    [
        ("Di Atas Ekspektasi", "Di Atas Ekspektasi", "Sangat Baik"),
        ("Di Atas Ekspektasi", "Sesuai Ekspektasi", "Baik"),
        ("Di Atas Ekspektasi", "Di Bawah Ekspektasi", "Kurang/Misconduct"),
        ("Sesuai Ekspektasi", "Di Atas Ekspektasi", "Baik"),
        ("Sesuai Ekspektasi", "Sesuai Ekspektasi", "Baik"),
        ("Sesuai Ekspektasi", "Di Bawah Ekspektasi", "Kurang/Misconduct"),
        ("Di Bawah Ekspektasi", "Di Atas Ekspektasi", "Butuh Perbaikan"),
        ("Di Bawah Ekspektasi", "Sesuai Ekspektasi", "Butuh Perbaikan"),
        ("Di Bawah Ekspektasi", "Di Bawah Ekspektasi", "Sangat Kurang"),
    ],
)
def test_all_nine_matrix_cells(book: Any, hasil: str, perilaku: str, predikat: str) -> None:
    # domain.md §1: the PermenPANRB 6/2022 predikat matrix.
    data = plan_data(
        behaviour={"rating": perilaku},
        overrides=[{"what": "rating_hasil_kerja", "value": hasil, "reason": "uji matriks"}],
    )
    result = appraise(Plan.model_validate(data), book)
    assert str(result.predikat) == predikat
    assert result.overrides[0][3] == "uji matriks"
    assert str(result.rating_hasil_kerja_rekomendasi) == "Sesuai Ekspektasi"  # kept


@pytest.mark.parametrize(
    "spelling", ["di bawah", "dibawah", "DIBAWAH_EKSPEKTASI", "Di Bawah Ekspektasi"]
)
def test_rating_aliases(book: Any, spelling: str) -> None:
    result = appraise(Plan.model_validate(plan_data(behaviour={"rating": spelling})), book)
    assert result.rating_perilaku is not None
    assert result.rating_perilaku.name == "di_bawah"


def test_unknown_rating_rejected_naming_employee(book: Any) -> None:
    with pytest.raises(KinerjaError, match=r"198609262015051001.*istimewa"):
        appraise(Plan.model_validate(plan_data(behaviour={"rating": "istimewa"})), book)


def test_missing_versus_zero(book: Any) -> None:
    data = plan_data()
    data["realisations"] = [r for r in data["realisations"] if r["indicator"] != "kasus"]
    missing = appraise(Plan.model_validate(data), book)
    assert missing.indicator("kasus").status == "not_reported"
    assert missing.indicator("kasus").capaian is None
    # excluded: rhk1 is now the time indicator alone (weights renormalised)
    assert missing.rhk[0].nilai == Fraction(350, 3)
    zero = copy.deepcopy(plan_data())
    zero["realisations"][1]["value"] = 0
    scored = appraise(Plan.model_validate(zero), book)
    assert scored.indicator("kasus").capaian == 0
    assert scored.rhk[0].nilai == Fraction(350, 3) / 2
    # Under the national default, a missing realisation makes the result incomplete.
    national = rulebooks.load("permenpanrb-6-2022").extend(
        LOCAL.replace("kebijakan_kosong.kecualikan", "kebijakan_kosong.tidak_lengkap")
    )
    incomplete = appraise(Plan.model_validate(data), national)
    assert incomplete.status == "incomplete"
    assert incomplete.nilai_hasil_kerja is None
    assert incomplete.predikat is None


def test_zero_target_never_nan(book: Any) -> None:
    data = plan_data()
    data["rhk"][0]["indicators"][1]["target"] = 0
    result = appraise(Plan.model_validate(data), book)
    assert result.indicator("kasus").capaian == 100  # the rulebook's zero-target policy


def test_weights_must_sum_to_100(book: Any) -> None:
    data = plan_data()
    data["rhk"][0]["weight"] = 49
    with pytest.raises(KinerjaError, match="add up to 99"):
        appraise(Plan.model_validate(data), book)


def _quarter(q: int, values: dict[str, Any]) -> Plan:
    data = plan_data(id=f"skp-2026-q{q}", period=f"2026-Q{q}")
    data["realisations"] = [{"indicator": k, "value": v} for k, v in values.items()]
    return Plan.model_validate(data)


QUARTERS = [
    {"waktu": 3, "kasus": 100, "vaksin": 900, "ikm": 85, "sosialisasi": 80, "kolaborasi": 3},
    {"waktu": "2.5", "kasus": 125, "vaksin": 1000, "ikm": 88, "sosialisasi": 82, "kolaborasi": 4},
    {"waktu": 4, "kasus": 110, "vaksin": 1100, "ikm": 79, "sosialisasi": 84, "kolaborasi": 5},
    {"waktu": 2, "kasus": 140, "vaksin": 1300, "ikm": 91, "sosialisasi": 90, "kolaborasi": 4},
]


def test_annual_from_four_quarters(book: Any) -> None:
    plans = [_quarter(q, v) for q, v in enumerate(QUARTERS, 1)]
    mean = appraise_year(plans, book, policy="rata_capaian")
    quarterly = [appraise(p, book) for p in plans]
    # Mean of the exact quarterly capaian, carried unrounded.
    for ind in ("waktu", "kasus", "ikm"):
        exact = sum((a.indicator(ind).capaian or 0 for a in quarterly), Fraction(0)) / 4
        assert mean.indicator(ind).capaian == exact
    last = appraise_year(plans, book, policy="periode_terakhir")
    assert last.nilai_hasil_kerja == quarterly[-1].nilai_hasil_kerja
    assert mean.nilai_hasil_kerja != last.nilai_hasil_kerja
    # Round once: the exact mean 104 1/6 is carried; rounding each quarter first would carry
    # 104.1675 instead (100 + 116.67 + 66.67 + 133.33) / 4.
    from kinerja_engine.values import round_half_up

    once = round_half_up(mean.indicator("waktu").capaian or Fraction(0), 2)
    per_part = (
        sum(
            (round_half_up(a.indicator("waktu").capaian or Fraction(0), 2) for a in quarterly),
            Decimal(0),
        )
        / 4
    )
    assert mean.indicator("waktu").capaian == Fraction(625, 6)
    assert once == Decimal("104.17")
    assert per_part == Decimal("104.1675")
    assert Fraction(per_part) != mean.indicator("waktu").capaian


def _rated(predikat: list[str]) -> list[Any]:
    from kinerja_engine.scoring import Appraisal

    book = rulebooks.load("permenpanrb-6-2022")
    out = []
    for i, text in enumerate(predikat):
        label = book.label("predikat", text)
        out.append(Appraisal(f"p{i}", f"e{i}", "", "u", "2026", "complete", predikat=label))
    return out


SB, B, BP, K, SK = "Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang"
# Compliant mixes per unit predikat and unit size (3, 10, 57), from SE MenPANRB 3/2023.
COMPLIANT = {
    "Istimewa": {3: {SB: 2, B: 1}, 10: {SB: 6, B: 4}, 57: {SB: 35, B: 22}},
    "Baik": {3: {B: 2, BP: 1}, 10: {B: 6, BP: 1, SB: 3}, 57: {B: 35, K: 2, SB: 20}},
    "Butuh Perbaikan": {3: {BP: 2, B: 1}, 10: {BP: 6, SB: 1, B: 3}, 57: {BP: 35, SB: 5, B: 17}},
    "Kurang": {3: {K: 2, BP: 1}, 10: {K: 6, BP: 1, SB: 1, B: 2}, 57: {K: 35, BP: 6, SB: 5, B: 11}},
    "Sangat Kurang": {3: {SK: 2, K: 1}, 10: {SK: 6, BP: 1, B: 3}, 57: {SK: 35, K: 6, B: 16}},
}
# What an all-"Sangat Baik" unit violates, per unit predikat, in the rulebook's group order.
ALL_SB_BREAKS = {
    "Istimewa": ["maksimal 70 % Sangat Baik"],
    "Baik": ["mayoritas (> 50 %) Baik", "minimal 1 orang Butuh Perbaikan atau"],
    "Butuh Perbaikan": ["maksimal 10 % Sangat Baik", "minimal 60 % Butuh Perbaikan"],
    "Kurang": ["maksimal 10 % Sangat Baik", "minimal 10 % Butuh Perbaikan",
               "minimal 60 % Kurang/Misconduct"],
    "Sangat Kurang": ["maksimal 0 % Sangat Baik", "minimal 60 % Sangat Kurang",
                      "minimal 10 % Butuh Perbaikan atau"],
}  # fmt: skip


@pytest.mark.parametrize("size", [3, 10, 57])
@pytest.mark.parametrize("unit", list(COMPLIANT))
def test_distribution_curve(unit: str, size: int) -> None:
    # SE MenPANRB 3/2023 (domain.md §1.1): each unit predikat, units of 3, 10 and 57.
    book = rulebooks.load("permenpanrb-6-2022")
    mix = [p for p, n in COMPLIANT[unit][size].items() for _ in range(n)]
    assert len(mix) == size
    assert check_distribution(unit, _rated(mix), book).ok
    report = check_distribution(unit, _rated([SB] * size), book)
    rules = [v.rule for v in report.violations]
    assert len(rules) == len(ALL_SB_BREAKS[unit]), rules
    for want, got in zip(ALL_SB_BREAKS[unit], rules, strict=True):
        assert got.startswith(want)
    for v in report.violations:
        assert v.total == size
        assert v.share == Fraction(v.count, v.total)
        assert len(v.employees) == v.count


def test_distribution_rounding_policy_on_small_units() -> None:
    # A unit of 3 rated Kurang cannot hold exactly 10 % Butuh Perbaikan: the policy decides.
    strict = rulebooks.load("permenpanrb-6-2022")
    mix = _rated([K, K, B])
    assert [v.rule for v in check_distribution("Kurang", mix, strict).violations] == [
        "minimal 10 % Butuh Perbaikan"
    ]
    lenient = strict.with_params(pembulatan_kurva="pembulatan.longgar")
    assert check_distribution("Kurang", mix, lenient).ok


def _corrupt(data: dict[str, Any], how: int) -> None:
    if how == 0:
        data["realisations"][0]["value"] = "NaN"
    elif how == 1:
        data["employee"]["nip"] = "19860926201505100"  # 17 digits
    elif how == 2:
        data["rhk"][0]["weight"] = 49  # weights no longer sum to 100 %
    elif how == 3:
        data["behaviour"] = {"rating": "luar biasa"}  # not a rating
    else:
        del data["period"]


def test_batch_of_10000_with_1_percent_corrupted(book: Any) -> None:
    good = plan_data()
    bad_ids = set()
    items: list[Any] = []
    for i in range(10_000):
        data = copy.deepcopy(good)
        data["id"] = f"skp-{i}"
        if i % 100 == 42:
            _corrupt(data, (i // 100) % 5)
            bad_ids.add(f"skp-{i}")
        items.append(data)
    seen = []
    results = list(appraise_many(iter(items), book, on_progress=seen.append))
    assert len(results) == 10_000
    assert seen[-1] == 10_000
    errors = {r.plan_id for r in results if not r.ok}
    assert errors == bad_ids
    for r in results:
        if not r.ok:
            assert r.error
            assert "1986092620150510" in r.employee or "1986092620150510" in (r.error or "")
    reference = appraise(Plan.model_validate(good), book)
    assert all(
        r.nilai_hasil_kerja == reference.nilai_hasil_kerja and r.predikat == reference.predikat
        for r in results
        if r.ok
    )
    assert good == plan_data()  # inputs untouched


def test_json_round_trip(book: Any) -> None:
    plan = Plan.model_validate(plan_data())
    assert Plan.model_validate_json(plan.model_dump_json()) == plan
    result = appraise(plan, book)
    data = json.loads(result.to_json())
    assert data["predikat"]["text"] == "Baik"
    assert data["rhk"][0]["indicators"][0]["capaian"].startswith("116.66666")
    assert any(step["what"] == "predikat" for step in data["trace"])
    schema = Plan.model_json_schema()
    assert "properties" in schema


def test_annual_worst_and_last_are_annual_results(book: Any) -> None:
    plans = [_quarter(q, v) for q, v in enumerate(QUARTERS, 1)]
    quarterly = [appraise(p, book) for p in plans]
    worst = appraise_year(plans, book, policy="terburuk")
    last = appraise_year(plans, book, policy="periode_terakhir")
    assert worst.period == last.period == "2026"
    # Q1 has the worst predikat (Butuh Perbaikan; the others are Baik) and the lowest value.
    lowest = min(quarterly, key=lambda a: a.nilai_hasil_kerja or 0)
    assert lowest.period == "2026-Q1"
    assert worst.nilai_hasil_kerja == lowest.nilai_hasil_kerja
    assert last.nilai_hasil_kerja == quarterly[-1].nilai_hasil_kerja


def test_extends_resolves_bundled_rulebooks() -> None:
    text = 'rulebook "lokal" extends "permenpanrb-6-2022" param mayoritas_berlaku = false'
    local = rulebooks.load(text)
    assert local.evaluate("mayoritas_berlaku") is False
    assert "predikat_kinerja" in local
    from kinerja_engine import Rulebook

    with pytest.raises(KinerjaError, match="extends"):
        Rulebook.parse(text)


def test_annual_worst_breaks_a_tie_of_predikat_by_the_lowest_value(book: Any) -> None:
    # Q2, Q3 and Q4 are all Baik (nilai 105.46, 95.96, 115.39): the worst is Q3, the lowest
    # value among the worst predikat, whatever order the plans come in.
    plans = [_quarter(q, QUARTERS[q - 1]) for q in (4, 2, 3)]
    q3 = appraise(plans[2], book)
    assert [str(appraise(p, book).predikat) for p in plans] == ["Baik"] * 3
    worst = appraise_year(plans, book, policy="terburuk")
    assert worst.nilai_hasil_kerja == q3.nilai_hasil_kerja
    assert (worst.plan_id, worst.period, worst.status) == ("skp-2026-q4@2026", "2026", "complete")
    assert worst.indicator("waktu").rule == "capaian 2026-Q3"
    steps = [s for s in worst.trace if s.what == "agregasi"]
    assert [(s.subject, s.rule, dict(s.inputs), s.result, s.detail) for s in steps] == [
        ("", "agregasi_tahunan", {"periode": ("2026-Q2", "2026-Q3", "2026-Q4")}, "terburuk", ""),
        ("", "terburuk", {}, "2026-Q3", "periode terburuk: 2026-Q3"),
    ]


def test_annual_last_period_takes_its_capaian_into_the_annual_plan(book: Any) -> None:
    plans = [_quarter(q, v) for q, v in enumerate(QUARTERS, 1)]
    q4 = appraise(plans[-1], book)
    # The annual plan has no realisations of its own: the last period's capaian stand in.
    data = plan_data(id="skp-2026", period="2026")
    data["realisations"] = []
    last = appraise_year(plans, book, annual=Plan.model_validate(data), policy="periode_terakhir")
    assert (last.plan_id, last.period, last.status) == ("skp-2026", "2026", "complete")
    assert last.nilai_hasil_kerja == q4.nilai_hasil_kerja
    for ind in ("waktu", "kasus", "vaksin", "ikm", "sosialisasi", "kolaborasi"):
        assert last.indicator(ind).capaian == q4.indicator(ind).capaian
        assert last.indicator(ind).rule == "capaian 2026-Q4"
        assert last.indicator(ind).realisasi is None  # a capaian given, not a realisasi
    assert last.trace[0].what == "agregasi" and last.trace[0].result == "periode_terakhir"


def test_annual_mean_traces_every_indicator_and_is_the_rulebook_default(book: Any) -> None:
    plans = [_quarter(q, v) for q, v in enumerate(QUARTERS, 1)]
    quarterly = [appraise(p, book) for p in plans]
    mean = appraise_year(plans, book)  # permenpanrb-6-2022: agregasi.rata_capaian
    assert mean == appraise_year(plans, book, policy="rata_capaian")
    assert mean.indicator("kasus").rule == "rata-rata capaian 2026-Q1…2026-Q4"
    step = next(s for s in mean.trace if s.rule == "rata_capaian" and s.subject == "kasus")
    assert step.what == "agregasi"
    assert step.inputs == {"capaian": tuple(a.indicator("kasus").capaian for a in quarterly)}
    # 100/120, 125/120, 110/120 and 140/120 of target: the mean is 475/480 = 98 23/24 %.
    assert step.result == mean.indicator("kasus").capaian == Fraction(2375, 24)


def test_annual_cumulative_sums_the_realisasi_against_the_annual_targets(book: Any) -> None:
    plans = [_quarter(q, v) for q, v in enumerate(QUARTERS, 1)]
    # Not applicable in Q2: counts as nothing towards the year, not as an error.
    q2 = plans[1].model_dump()
    q2["realisations"] = [
        *q2["realisations"][:5],
        {"indicator": "kolaborasi", "not_applicable": True},
    ]
    plans[1] = Plan.model_validate(q2)
    annual = plan_data(id="skp-2026", period="2026")
    targets = {"waktu": 12, "kasus": 480, "vaksin": 4000, "ikm": "320-360", "sosialisasi": 320,
               "kolaborasi": 16}  # fmt: skip
    for rhk in annual["rhk"]:
        for ind in rhk["indicators"]:
            ind["target"] = targets[ind["id"]]
    # The annual plan's own realisations (plan_data's) are replaced by the sums.
    result = appraise_year(plans, book, annual=Plan.model_validate(annual), policy="kumulatif")
    sums = {"waktu": "11.5", "kasus": "475", "vaksin": "4300", "ikm": "343",
            "sosialisasi": "336", "kolaborasi": "12"}  # fmt: skip
    expected_data = dict(
        annual, realisations=[{"indicator": k, "value": v} for k, v in sums.items()]
    )
    expected = appraise(Plan.model_validate(expected_data), book)
    assert {i.id: i.realisasi for r in result.rhk for i in r.indicators} == {
        k: Fraction(v) for k, v in sums.items()
    }
    assert result.indicator("kasus").capaian == Fraction(2375, 24)  # 475 / 480
    assert result.indicator("kolaborasi").capaian == 75  # 12 / 16
    assert (result.plan_id, result.period, result.status) == ("skp-2026", "2026", "complete")
    assert result.trace[1:] == expected.trace
    assert dataclasses.replace(result, trace=()) == dataclasses.replace(expected, trace=())
    first = result.trace[0]
    assert (first.what, first.rule, first.result) == ("agregasi", "agregasi_tahunan", "kumulatif")
    assert first.inputs == {"periode": ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")}


def test_annual_errors_say_what_is_missing(book: Any) -> None:
    plans = [_quarter(q, v) for q, v in enumerate(QUARTERS, 1)]
    with pytest.raises(KinerjaError) as empty:
        appraise_year([], book)
    assert empty.value.message == "appraise_year() needs at least one periodic plan"
    with pytest.raises(KinerjaError) as unknown:
        appraise_year(plans, book, policy="median")
    assert unknown.value.message.endswith(": unknown annual aggregation policy 'median'")
    with pytest.raises(KinerjaError) as cumulative:
        appraise_year(plans, book, policy="kumulatif")
    assert cumulative.value.message.endswith(
        ": the kumulatif policy needs the annual plan with annual targets"
    )
    unrated = []
    for q, values in enumerate(QUARTERS, 1):
        data = plan_data(id=f"skp-2026-q{q}", period=f"2026-Q{q}", behaviour=None)
        data["realisations"] = [{"indicator": k, "value": v} for k, v in values.items()]
        unrated.append(Plan.model_validate(data))
    with pytest.raises(KinerjaError) as no_predikat:
        appraise_year(unrated, book, policy="terburuk")
    assert no_predikat.value.message == (
        "employee 198609262015051001 (Siti Rahma), plan skp-2026-q4@2026: "
        "no periodic result has a predikat to take the worst of"
    )
    bare = rulebooks.load('rulebook "tanpa-agregasi" version "1" const x = 1')
    with pytest.raises(KinerjaError) as no_policy:
        appraise_year(plans, bare)
    assert no_policy.value.message.endswith(
        ": rulebook 'tanpa-agregasi' defines no agregasi_tahunan policy"
    )
