"""Hypothesis properties of the scoring pipeline over every bundled rulebook it can drive.

Built only on the public kit :mod:`kinerja_engine.testing` (its strategies for valid input
models and its invariant checkers), the module users property-test their own rulebooks with,
so these tests also keep that module honest:

* ``gajahmungkur`` is a complete pipeline rulebook (kinds, band, matrix, conversions, and
  ``angka-kredit-2023`` through its ``extends``);
* ``permenpanrb-6-2022`` has no ``rating_hasil_kerja`` (the regulation leaves it to the
  evaluator): it is scored as is (ratings only through overrides) and with a small band;
* ``permenpanrb-8-2021`` has capaian formulas but no aggregation: a weighted mean is added;
* ``angka-kredit-2023``, ``ikm-2004``, ``ikm-2017`` and ``pp-46-2011`` have no capaian entry
  points: ``plans()`` refuses them, and their own tables are checked directly where a
  property is meaningful (monotone grades, credit points agreeing with the pipeline).

Meta tests show that each checker does fail on a rulebook or plan that breaks its invariant.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from books import bundled
from kinerja_engine import KinerjaError, rulebooks
from kinerja_engine.language import Rulebook
from kinerja_engine.models import RHK, EmployeeKind, Plan, decode_nip
from kinerja_engine.scoring import appraise
from kinerja_engine.testing import (
    assert_bounded_by_caps,
    assert_deterministic,
    assert_monotone_in_realisasi,
    assert_order_insensitive,
    assert_rating_consistent_with_matrix,
    assert_weights_sum_to_100,
    behaviour_ratings,
    employees,
    indicators,
    nips,
    periods,
    plans,
    realisations,
    rhks,
)

BAND = """
rulebook "uji-pita" version "1"
band rating_hasil_kerja(nilai) {
    [110, inf) -> rating.di_atas, [90, 110) -> rating.sesuai, (-inf, 90) -> rating.di_bawah,
}
"""
WEIGHTED = """
rulebook "uji-8-2021" version "1" extends "permenpanrb-8-2021"
def nilai_rhk(capaian: list, bobot: list) = weighted_mean(capaian, bobot)
def nilai_hasil_kerja(nilai: list, bobot: list) = weighted_mean(nilai, bobot)
"""

G = bundled("gajahmungkur")
P6 = bundled("permenpanrb-6-2022")
BOOKS: dict[str, Rulebook] = {
    "gajahmungkur": G,
    "permenpanrb-6-2022": P6,
    "permenpanrb-6-2022+band": P6.extend(BAND),
    "permenpanrb-8-2021+weighted_mean": rulebooks.load(WEIGHTED),
}
# Rulebooks without capaian entry points: the pipeline cannot score a plan with them.
NOT_PIPELINE = ("angka-kredit-2023", "ikm-2004", "ikm-2017")
# Scored whole, but only on plans shaped as their regulation writes them (PP 46 activities with
# one indicator per aspect): tests/test_legacy_skp.py drives them.
SHAPED_PLANS = ("pp-46-2011",)
book_names = pytest.mark.parametrize("name", list(BOOKS))
# Properties run once per rulebook: half the profile's examples each (twice the total).
per_book = settings(max_examples=max(10, settings.default.max_examples // 2))

# Realisasi values to walk an indicator through: zero, around typical targets, far above.
walk = st.lists(
    st.one_of(
        st.decimals(Decimal(0), Decimal(500), places=2),
        st.sampled_from([Decimal(v) for v in ("0", "1", "80", "90", "99.99", "100", "110", "120")]),
    ),
    min_size=2,
    max_size=6,
)


def test_every_bundled_rulebook_is_covered() -> None:
    driven = {name.split("+")[0] for name in BOOKS} | set(NOT_PIPELINE) | set(SHAPED_PLANS)
    assert driven == set(rulebooks.names())


# =========================================================================== input models


@given(nips(), nips("PPPK"), employees(is_unit_head=None))
def test_nips_and_employees_decode(pns: str, pppk: str, employee: Any) -> None:
    info = decode_nip(pns)
    assert info.sequence >= 1 and info.gender in "LP"
    assert (
        17 * 12
        <= (info.cpns_year * 12 + info.cpns_month)
        - (  # type: ignore[operator]
            info.birth_date.year * 12 + info.birth_date.month
        )
        <= 60 * 12
    )
    assert decode_nip(pppk, "PPPK").cpns_month is None
    assert len(employee.nip) == 18 and employee.nip_info.kind is employee.kind
    if employee.kind is EmployeeKind.PNS:
        assert employee.nip_info.cpns_month is not None


@given(periods(["bulan", "semester"], years=(2020, 2030)))
def test_periods_of_the_given_kinds(period: Any) -> None:
    assert period.kind.value in ("month", "semester") and 2020 <= period.year <= 2030
    assert period.start < period.end


@given(indicators(kinds={"waktu_layanan": "lower"}), rhks(id="r9"))
def test_indicators_and_rhks_are_consistent(indicator: Any, rhk: RHK) -> None:
    assert indicator.kind == "waktu_layanan" and indicator.direction.value == "lower"
    assert_weights_sum_to_100(rhk)
    assert all(ind.id.startswith("r9i") for ind in rhk.indicators)


@given(indicators(), st.data())
def test_realisations_fit_their_indicator(indicator: Any, data: st.DataObject) -> None:
    real = data.draw(realisations(indicator, not_applicable=True))
    assert real.indicator == indicator.id
    assert (real.value is None) == real.not_applicable


@pytest.mark.parametrize("name", ["gajahmungkur", "permenpanrb-6-2022"])
@given(data=st.data())
def test_behaviour_spellings_resolve(name: str, data: st.DataObject) -> None:
    book = rulebooks.load(name)
    assert book.label("rating", data.draw(behaviour_ratings(book))).enum == "rating"


@pytest.mark.parametrize("name", NOT_PIPELINE)
def test_plans_refuse_rulebooks_the_pipeline_cannot_drive(name: str) -> None:
    with pytest.raises(ValueError, match="cannot score"):
        plans(rulebooks.load(name))


def test_plans_refuse_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="no indicator kind 'vaksin'"):
        plans(G, ["vaksin"])


# =========================================================================== the pipeline


@book_names
@per_book
@given(data=st.data())
def test_plans_score_soundly(name: str, data: st.DataObject) -> None:
    book = BOOKS[name]
    plan = data.draw(plans(book, overrides=True))
    assert_weights_sum_to_100(plan)
    result = assert_deterministic(plan, book)
    assert result is not None, "a complete generated plan is scorable"
    assert_weights_sum_to_100(result)
    assert_rating_consistent_with_matrix(result, book, plan=plan)
    assert_bounded_by_caps(result, plan=plan)
    assert_order_insensitive(plan, book)
    # A complete plan reports every indicator: a nilai whenever the rulebook aggregates.
    assert all(i.status == "reported" for r in result.rhk for i in r.indicators)
    assert result.nilai_hasil_kerja is not None


@book_names
@per_book
@given(data=st.data())
def test_incomplete_plans_never_count_missing_as_zero(name: str, data: st.DataObject) -> None:
    book = BOOKS[name]
    plan = data.draw(plans(book, complete=False))
    try:
        result = assert_deterministic(plan, book)
    except KinerjaError:  # pragma: no cover - assert_deterministic reports failures as None
        raise
    if result is None:
        # Only a clear error naming the employee (e.g. every remaining weight is 0).
        with pytest.raises(KinerjaError, match=plan.employee.nip):
            appraise(plan, book)
        return
    assert_rating_consistent_with_matrix(result, book, plan=plan)
    reported = {r.indicator for r in plan.realisations}
    if {ind.id for _, ind in plan.indicators()} - reported:
        # gajahmungkur and the national rules: a missing realisasi makes the result wait.
        assert result.status == "incomplete" and result.nilai_hasil_kerja is None
        assert result.predikat_rekomendasi is None


@book_names
@per_book
@given(data=st.data())
def test_monotone_in_realisasi(name: str, data: st.DataObject) -> None:
    book = BOOKS[name]
    plan = data.draw(plans(book, max_rhk=2))
    ids = [ind.id for _, ind in plan.indicators()]
    assert_monotone_in_realisasi(plan, book, data.draw(st.sampled_from(ids)), data.draw(walk))


# Batches are costly (every plan appraised in several orders): a quarter of the examples.
@book_names
@settings(max_examples=max(10, settings.default.max_examples // 4))
@given(st.data())
def test_appraise_many_is_order_insensitive(name: str, data: st.DataObject) -> None:
    book = BOOKS[name]
    batch = data.draw(st.lists(plans(book, complete=False, max_rhk=2), min_size=2, max_size=4))
    assert_order_insensitive(batch, book)


def _gajahmungkur_bounds() -> tuple[dict[str, Any], dict[str, Any]]:
    params = G.parameters
    count, survey = params["batas_capaian"], params["batas_capaian_survei"]
    caps = {
        "vaksinasi": count, "kolaborasi": count, "kasus": count, "waktu_layanan": count,
        "prestasi_siswa": count, "sosialisasi": survey, "ikm": survey, "kehadiran_siswa": survey,
    }  # fmt: skip
    return caps, {"waktu_layanan": 0, "prestasi_siswa": 0}


@given(plans(G, list(_gajahmungkur_bounds()[0]), nonpositive_targets=True))
def test_gajahmungkur_kinds_stay_within_their_caps(plan: Plan) -> None:
    caps, floors = _gajahmungkur_bounds()
    result = appraise(plan, G)
    assert_bounded_by_caps(result, caps, floors=floors, plan=plan)
    assert_bounded_by_caps(result, 120, plan=plan)  # no kind exceeds the count cap


@given(plans(G, ["prestasi_siswa"], nonpositive_targets=True), walk)
def test_prestasi_siswa_monotone_even_for_nonpositive_targets(
    plan: Plan, values: list[Decimal]
) -> None:
    # The one kind written for targets at or below zero (a limit on a decline).
    for _, ind in plan.indicators():
        assert_monotone_in_realisasi(plan, G, ind.id, [-v for v in values] + values)


@given(plans(G, overrides=False))
def test_angka_kredit_conversion_agrees_with_its_rulebook(plan: Plan) -> None:
    result = appraise(plan, G)
    jenjang = plan.employee.position.jenjang
    if result.predikat is None or jenjang is None:
        assert "angka_kredit" not in result.conversions
        return
    ak = rulebooks.load("angka-kredit-2023")
    expected = ak.evaluate("konversi_angka_kredit", predikat=result.predikat,
                           jenjang=jenjang.value, bulan=len(plan.period.months))  # fmt: skip
    assert result.conversions["angka_kredit"] == Fraction(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "band", "low", "high"),
    [("ikm-2017", "mutu_pelayanan", 25, 100), ("ikm-2004", "mutu_pelayanan", 25, 100),
     ("pp-46-2011", "predikat", 0, 120)],
)  # fmt: skip
@given(data=st.data())
def test_grades_never_fall_as_the_value_rises(
    name: str, band: str, low: int, high: int, data: st.DataObject
) -> None:
    book = rulebooks.load(name)
    values = sorted(data.draw(st.lists(st.decimals(low, high, places=3), min_size=2, max_size=5)))
    members = [label.name for label in book.enum(book.evaluate(band, nilai=values[0]).enum).members]  # type: ignore[union-attr]
    # Members are listed best first: the index never increases as the value rises.
    ranks = [members.index(book.evaluate(band, nilai=v).name) for v in values]  # type: ignore[union-attr]
    assert ranks == sorted(ranks, reverse=True), (values, ranks)


# =========================================================================== known findings


def _one_indicator(target: int, direction: str) -> Plan:
    return Plan.model_validate(
        {
            "id": "skp-neg",
            "employee": {"nip": "198609262015051001", "name": "Siti",
                         "position": {"name": "Guru", "category": "Pelaksana"}, "unit": "sdn"},
            "period": "2026-Q1",
            "rhk": [{"id": "r1", "description": "Batas penurunan", "indicators": [
                {"id": "i1", "name": "Perubahan", "unit_of_measure": "poin",
                 "target": target, "direction": direction}]}],
        }
    )  # fmt: skip


def test_national_capaian_higher_monotone_for_negative_targets() -> None:
    assert_monotone_in_realisasi(_one_indicator(-2, "higher"), BOOKS["permenpanrb-6-2022+band"],
                                 "i1", [-4, -2, -1, 0])  # fmt: skip


def test_national_capaian_lower_monotone_for_negative_targets() -> None:
    assert_monotone_in_realisasi(_one_indicator(-2, "lower"), BOOKS["permenpanrb-6-2022+band"],
                                 "i1", [-4, -2, -1, 0])  # fmt: skip


# =========================================================================== the checkers bite


def _plan(**indicator: Any) -> Plan:
    ind = {"id": "i1", "name": "Layanan", "unit_of_measure": "hari", "target": 3,
           "direction": "lower", **indicator}  # fmt: skip
    return Plan.model_validate(
        {
            "id": "skp-x",
            "employee": {"nip": "198609262015051001", "name": "Siti",
                         "position": {"name": "Staf", "category": "Pelaksana"}, "unit": "u"},
            "period": "2026-Q1",
            "rhk": [{"id": "r1", "description": "Layanan", "indicators": [ind]}],
            "realisations": [{"indicator": "i1", "value": 2}],
            "behaviour": {"rating": "sesuai"},
        }
    )  # fmt: skip


def test_monotone_checker_catches_a_wrong_formula() -> None:
    broken = G.extend('rulebook "salah" def capaian_lower(realisasi, target) = realisasi / target')
    with pytest.raises(AssertionError, match=r"direction lower\): capaian rose"):
        assert_monotone_in_realisasi(_plan(), broken, "i1", [1, 2, 3])
    assert_monotone_in_realisasi(_plan(), G, "i1", [1, 2, 3])


def test_range_targets_checked_on_each_side() -> None:
    plan = _plan(target="80-90", direction="range")
    assert_monotone_in_realisasi(plan, G, "i1", [0, 50, 80, 85, 90, 120, 200])
    broken = G.extend('rulebook "salah" def capaian_range(realisasi, lo, hi) = realisasi')
    with pytest.raises(
        AssertionError, match="capaian rose from 90 to 120 when realisasi went from 90 to 120"
    ):
        assert_monotone_in_realisasi(plan, broken, "i1", [0, 50, 90, 120, 200])


def test_caps_checker_catches_an_uncapped_kind() -> None:
    high = _plan(kind="vaksinasi", direction="higher", target=100)
    high = high.model_copy(update={"realisations": (
        high.realisations[0].model_copy(update={"value": Decimal(500)}),)})  # fmt: skip
    uncapped = G.extend('rulebook "tanpa-batas" def capaian_vaksinasi(realisasi, target) = '
                        "realisasi / target * 100")  # fmt: skip
    assert_bounded_by_caps(appraise(high, G), {"vaksinasi": 120}, plan=high)
    with pytest.raises(AssertionError, match="capaian 500 is above its cap 120"):
        assert_bounded_by_caps(appraise(high, uncapped), {"vaksinasi": 120}, plan=high)
    capped = _plan(cap=110, direction="higher", target=1)
    result = appraise(capped, uncapped)
    assert result.indicator("i1").capped_from == 200
    assert_bounded_by_caps(result, plan=capped)
    with pytest.raises(AssertionError, match="above its cap 100"):
        assert_bounded_by_caps(result, 100)


def test_weights_checker_needs_exact_thirds() -> None:
    thirds = _plan()
    data = thirds.model_dump()
    base = data["rhk"][0]["indicators"][0]
    data["rhk"][0]["indicators"] = [
        {**base, "id": f"i{n}", "weight": weight}
        for n, weight in enumerate(("33.33", "33.33", "33.33"), 1)
    ]
    data["realisations"] = []
    with pytest.raises(AssertionError, match=r"add up to 99\.99 %"):
        assert_weights_sum_to_100(Plan.model_validate(data))
    for ind in data["rhk"][0]["indicators"]:
        ind["weight"] = "100/3"
    assert_weights_sum_to_100(Plan.model_validate(data))


def test_matrix_checker_catches_a_different_matrix_and_allows_overrides() -> None:
    plan = _plan()
    result = appraise(plan, G)
    assert_rating_consistent_with_matrix(result, G, plan=plan)
    other = G.extend('rulebook "lain" matrix predikat_kinerja(hasil: rating, perilaku: rating) '
                     "{ _, _ -> predikat.sangat_kurang }")  # fmt: skip
    with pytest.raises(AssertionError, match="predikat_rekomendasi is"):
        assert_rating_consistent_with_matrix(result, other)
    override = {"what": "predikat", "value": "Sangat Baik", "reason": "keberatan diterima"}
    overridden = Plan.model_validate({**plan.model_dump(), "overrides": [override]})
    result = appraise(overridden, G)
    assert str(result.predikat) == "Sangat Baik" != str(result.predikat_rekomendasi)
    assert_rating_consistent_with_matrix(result, G, plan=overridden)
