"""The scoring pipeline (issue: typed models and the scoring pipeline, every number explained)."""

import copy
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from kinerja_engine import Rulebook, rulebooks
from kinerja_engine.batch import appraise_reference
from kinerja_engine.errors import KinerjaError, UsageError
from kinerja_engine.models import Plan
from kinerja_engine.scoring import (
    DistributionReport,
    Number,
    Violation,
    appraise,
    appraise_many,
    appraise_year,
    check_distribution,
)
from tables import PREDIKAT_6_2022

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


def kasus_only(value: Any = 132) -> dict[str, Any]:
    """Changes to ``plan_data`` for a plan of one RHK with one indicator: kasus, target 120."""
    kasus = {"id": "kasus", "name": "Kasus ditangani", "unit_of_measure": "kasus",
             "target": 120, "direction": "higher"}  # fmt: skip
    return {
        "rhk": [{"id": "rhk1", "description": "Layanan", "indicators": [kasus]}],
        "realisations": [{"indicator": "kasus", "value": value}],
    }


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
    PREDIKAT_6_2022,
)
def test_all_nine_matrix_cells(book: Any, hasil: str, perilaku: str, predikat: str) -> None:
    # The PermenPANRB 6/2022 predikat matrix.
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


def test_unknown_indicator_id_is_named(book: Any) -> None:
    result = appraise(Plan.model_validate(plan_data()), book)
    with pytest.raises(UsageError) as caught:
        result.indicator("vaksinasi")  # the kind, not the indicator's id ("vaksin")
    assert str(caught.value) == "appraisal skp-2026-q1-001 has no indicator 'vaksinasi'"


def _head(**changes: Any) -> Plan:
    data = plan_data(**changes)
    data["employee"]["is_unit_head"] = True
    return Plan.model_validate(data)


WHO = "employee 198609262015051001 (Siti Rahma), plan skp-2026-q1-001: "
RATINGS = "'Di Atas Ekspektasi', 'Sesuai Ekspektasi', 'Di Bawah Ekspektasi'"


def test_unit_head_is_rated_by_the_unit_result(book: Any) -> None:
    # PermenPANRB 6/2022: the head of a unit takes the unit's result as Rating Hasil Kerja. The
    # recommendation from the band is kept beside it, the trace says where the rating came from,
    # and the predikat and conversions follow the unit's rating: (di bawah, sesuai).
    sesuai, di_bawah = book.label("rating", "sesuai"), book.label("rating", "di bawah")
    result = appraise(_head(), book, unit_rating="di bawah")
    assert str(result.rating_hasil_kerja_rekomendasi) == "Sesuai Ekspektasi"  # 985/9 < 110
    assert str(result.rating_hasil_kerja) == "Di Bawah Ekspektasi"
    assert str(result.predikat) == "Butuh Perbaikan"
    assert result.conversions["tpp"] == Fraction(9, 10)  # 90 % for Butuh Perbaikan
    assert result.overrides == ()  # the unit's rating is the rule, not an evaluator's override
    steps = [s for s in result.trace if s.what == "rating_hasil_kerja"]
    assert [(s.rule, s.inputs, s.result) for s in steps] == [
        ("rating_hasil_kerja", {"nilai": Fraction(985, 9)}, sesuai),
        ("kepala unit", {"rating_unit": di_bawah}, di_bawah),
    ]
    assert (steps[1].subject, steps[1].detail) == (
        "", "the unit's result is the head's Rating Hasil Kerja",
    )  # fmt: skip
    # An employee who heads no unit keeps the band's rating whatever the unit's result.
    staff = appraise(Plan.model_validate(plan_data()), book, unit_rating="di bawah")
    assert str(staff.rating_hasil_kerja) == "Sesuai Ekspektasi"


def test_bad_unit_rating_is_named_as_the_unit_rating(book: Any) -> None:
    with pytest.raises(KinerjaError) as caught:
        appraise(_head(), book, unit_rating="luar biasa")
    assert str(caught.value) == (
        WHO + f"unit rating: 'luar biasa' is not a rating; expected one of {RATINGS}"
    )


def test_override_of_rating_perilaku_records_the_rating_it_replaced(book: Any) -> None:
    sesuai, di_bawah = book.label("rating", "sesuai"), book.label("rating", "di bawah")
    reason = "teguran tertulis atas ketidakhadiran"
    data = plan_data(overrides=[{"what": "rating_perilaku", "value": "di bawah", "reason": reason}])
    result = appraise(Plan.model_validate(data), book)
    assert str(result.rating_perilaku) == "Di Bawah Ekspektasi"
    assert str(result.predikat) == "Kurang/Misconduct"  # (sesuai, di bawah)
    # Before (the evaluator's behaviour rating) and after, each as the label it is.
    assert result.overrides == (("rating_perilaku", sesuai, di_bawah, reason),)
    assert str(result.overrides[0][1]) == "Sesuai Ekspektasi"
    step = next(s for s in result.trace if s.what == "override")
    assert (step.subject, step.rule, step.inputs, step.result, step.detail) == (
        "", "rating_perilaku", {"sebelumnya": sesuai}, di_bawah, reason,
    )  # fmt: skip


@pytest.mark.parametrize("what", ["rating_hasil_kerja", "rating_perilaku"])
def test_bad_override_value_names_the_override(book: Any, what: str) -> None:
    data = plan_data(overrides=[{"what": what, "value": "luar biasa", "reason": "uji"}])
    with pytest.raises(KinerjaError) as caught:
        appraise(Plan.model_validate(data), book)
    assert str(caught.value) == (
        WHO + f"override of {what}: 'luar biasa' is not a rating; expected one of {RATINGS}"
    )


def test_override_of_predikat_keeps_the_recommendation_and_drives_the_conversions(
    book: Any,
) -> None:
    # The evaluator may set the predikat itself (PermenPANRB 6/2022: the pejabat penilai
    # decides). The appraisal keeps the matrix's recommendation beside it, records the override
    # under the name "predikat" with its reason, and the TPP follows the predikat that was decided.
    baik = book.label("predikat", "baik")
    butuh = book.label("predikat", "butuh perbaikan")
    reason = "hasil audit internal"
    data = plan_data(overrides=[{"what": "predikat", "value": "butuh perbaikan", "reason": reason}])
    result = appraise(Plan.model_validate(data), book)
    assert result.predikat_rekomendasi == baik  # (sesuai, sesuai)
    assert result.predikat == butuh
    assert str(result.predikat) == "Butuh Perbaikan"
    assert result.overrides == (("predikat", baik, butuh, reason),)
    assert result.conversions == {"tpp": Fraction(9, 10)}  # 90 % for Butuh Perbaikan
    assert result.status == "complete"
    steps = [s for s in result.trace if s.what == "override"]
    assert [(s.subject, s.rule, s.inputs, s.result, s.detail) for s in steps] == [
        ("", "predikat", {"rekomendasi": baik}, butuh, reason),
    ]


def test_bad_predikat_override_names_the_override_and_the_predikat_enum(book: Any) -> None:
    data = plan_data(overrides=[{"what": "predikat", "value": "luar biasa", "reason": "uji"}])
    with pytest.raises(KinerjaError) as caught:
        appraise(Plan.model_validate(data), book)
    assert str(caught.value) == (
        WHO + "override of predikat: 'luar biasa' is not a predikat; expected one of "
        "'Sangat Baik', 'Baik', 'Butuh Perbaikan', 'Kurang/Misconduct', 'Sangat Kurang'"
    )


def test_predikat_override_in_a_rulebook_without_a_predikat_enum_is_named() -> None:
    data = plan_data(
        **kasus_only(),
        behaviour=None,
        overrides=[{"what": "predikat", "value": "baik", "reason": "uji"}],
    )
    with pytest.raises(KinerjaError) as caught:
        appraise(Plan.model_validate(data), rulebooks.load(NO_RATING))
    assert str(caught.value) == WHO + "rulebook 'tanpa-rating' has no enum 'predikat'"


def test_without_a_rating_rule_the_appraisal_waits_for_the_evaluator() -> None:
    # The national rulebook leaves the rating rule to local policy: every indicator is
    # realised, but without a Rating Hasil Kerja there is no predikat, so the appraisal is
    # not complete and says it waits for the pejabat penilai.
    data = plan_data(
        **kasus_only(),
    )
    result = appraise(Plan.model_validate(data), rulebooks.load("permenpanrb-6-2022"))
    assert result.nilai_hasil_kerja == 110
    assert (result.rating_hasil_kerja, result.predikat) == (None, None)
    assert str(result.rating_perilaku) == "Sesuai Ekspektasi"
    assert result.status == "incomplete"
    assert result.notes == ("rating hasil kerja menunggu keputusan pejabat penilai",)
    assert result.conversions == {}
    # A plan still missing a realisation is incomplete for that reason, not this one.
    data["realisations"] = []
    missing = appraise(Plan.model_validate(data), rulebooks.load("permenpanrb-6-2022"))
    assert missing.status == "incomplete"
    assert "rating hasil kerja menunggu keputusan pejabat penilai" not in missing.notes


# Without the local "kecualikan" policy: a missing realisation leaves the result incomplete.
NATIONAL_POLICY = LOCAL.replace(
    "param kebijakan_realisasi_kosong = kebijakan_kosong.kecualikan", ""
)


def test_missing_realisation_says_which_policy_applied(book: Any) -> None:
    # The note and the trace tell the evaluator why the appraisal has no nilai yet (national
    # default) or why the other weights were renormalised (local "kecualikan").
    data = plan_data()
    data["realisations"] = data["realisations"][1:]  # "waktu" not reported yet
    national = rulebooks.load("permenpanrb-6-2022").extend(NATIONAL_POLICY)
    incomplete = appraise(Plan.model_validate(data), national)
    assert incomplete.status == "incomplete"
    assert incomplete.nilai_hasil_kerja is None
    assert incomplete.notes == ("realisasi belum dilaporkan: hasil belum lengkap",)
    step = next(s for s in incomplete.trace if s.what == "kebijakan")
    assert (step.rule, step.result, step.detail) == (
        "kebijakan_realisasi_kosong", national.label("kebijakan_kosong", "tidak lengkap"),
        "result incomplete",
    )  # fmt: skip
    excluded = appraise(Plan.model_validate(data), book)
    assert excluded.status == "complete"
    assert excluded.notes == ("realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang",)
    # The first indicator is left out, the one after it still counts: rhk1 is "kasus" alone.
    assert [(i.id, i.status) for i in excluded.rhk[0].indicators] == [
        ("waktu", "not_reported"), ("kasus", "reported"),
    ]  # fmt: skip
    assert excluded.rhk[0].nilai == 110


def test_nothing_reported_under_kecualikan_has_no_nilai_and_says_so(book: Any) -> None:
    # Every indicator excluded: no weighted mean of nothing, an incomplete appraisal whose
    # notes say there was nothing to compute (not that the evaluator must decide a rating).
    result = appraise(Plan.model_validate(plan_data(realisations=[])), book)
    assert [r.nilai for r in result.rhk] == [None, None, None]
    assert result.nilai_hasil_kerja is None
    assert (result.rating_hasil_kerja, result.predikat) == (None, None)
    assert result.status == "incomplete"
    assert result.notes == (
        "realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang",
        "tidak ada indikator yang dapat dihitung",
    )


def test_not_applicable_first_indicator_keeps_its_weight_and_the_next_one_counts(
    book: Any,
) -> None:
    data = plan_data()
    data["realisations"][0] = {"indicator": "waktu", "not_applicable": True}
    result = appraise(Plan.model_validate(data), book)
    waktu = result.indicator("waktu")
    assert (waktu.status, waktu.realisasi, waktu.capaian) == ("not_applicable", None, None)
    assert (waktu.weight, waktu.rule, waktu.capped_from) == (50, "", None)
    assert result.rhk[0].nilai == 110  # "kasus" alone: the next indicator still counts
    assert result.status == "complete"
    step = next(s for s in result.trace if s.subject == "waktu")
    assert (step.what, step.rule, step.inputs, step.result, step.detail) == (
        "capaian", "tidak berlaku", {}, None, "not applicable",
    )  # fmt: skip


def test_indicator_target_is_a_fraction_like_the_realisation(book: Any) -> None:
    # Users compute with the results (realisasi / target): both are the same type (Number, a
    # Decimal since issue 13; this test pinned Fraction before), exact through .exact.
    result = appraise(Plan.model_validate(plan_data()), book)
    waktu = result.indicator("waktu")
    assert type(waktu.target) is type(waktu.realisasi) is Number
    assert waktu.realisasi.exact / waktu.target.exact == Fraction(5, 6)  # 2.5 of 3 days
    assert isinstance(waktu.realisasi / waktu.target, Decimal)  # no TypeError


def _one_rhk(*indicators: dict[str, Any], values: dict[str, Any]) -> Plan:
    return Plan.model_validate(
        plan_data(
            rhk=[{"id": "rhk1", "description": "Layanan", "indicators": list(indicators)}],
            realisations=[{"indicator": k, "value": v} for k, v in values.items()],
        )
    )


def _ind(id_: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "name": id_.upper(), "unit_of_measure": "x", "target": 100,
            "direction": "higher", **fields}  # fmt: skip


def test_indicator_weights_given_for_some_only_name_the_rhk(book: Any) -> None:
    plan = _one_rhk(_ind("a", weight=50), _ind("c"), values={"a": 100, "c": 100})
    with pytest.raises(KinerjaError) as caught:
        appraise(plan, book)
    assert str(caught.value) == WHO + "RHK 'rhk1': either every weight is given or none is"


def test_half_percent_weights_add_up_to_100(book: Any) -> None:
    # 22.5 % + 77.5 % = 100 %: weights with halves are summed exactly, not by numerators.
    plan = _one_rhk(_ind("a", weight="22.5"), _ind("c", weight="77.5"), values={"a": 90, "c": 110})
    result = appraise(plan, book)
    assert [i.weight for i in result.rhk[0].indicators] == [Fraction(45, 2), Fraction(155, 2)]
    assert result.rhk[0].nilai == Fraction(211, 2)  # (90 × 22.5 + 110 × 77.5) / 100 = 105.5


def test_equal_weights_are_100_divided_by_the_count(book: Any) -> None:
    plan = _one_rhk(_ind("a"), _ind("b"), _ind("c"), values={"a": 90, "b": 100, "c": 110})
    result = appraise(plan, book)
    assert [i.weight for i in result.rhk[0].indicators] == [Fraction(100, 3)] * 3
    assert result.rhk[0].nilai == 100


def test_capaian_exactly_at_the_indicator_cap_is_not_capped(book: Any) -> None:
    # 110 % with a cap of 110 %: nothing was cut off, so no "capped from" and no cap step.
    result = appraise(_one_rhk(_ind("k", cap=110), values={"k": 110}), book)
    k = result.indicator("k")
    assert (k.capaian, k.capped_from) == (110, None)
    assert [s for s in result.trace if s.what == "cap"] == []


def test_range_formula_reads_both_ends_of_the_range(book: Any) -> None:
    # An indicator's own formula over a target range sees "lo" and "hi" by those names.
    ikm = _ind("ikm", target="80-90", direction="range",
               formula="(realisasi - lo) / (hi - lo) * 100")  # fmt: skip
    result = appraise(_one_rhk(ikm, values={"ikm": 85}), book)
    assert result.indicator("ikm").capaian == 50  # halfway from 80 to 90
    step = next(s for s in result.trace if s.subject == "ikm")
    assert (step.what, step.rule, step.inputs, step.result) == (
        "capaian", "(realisasi - lo) / (hi - lo) * 100",
        {"realisasi": 85, "lo": 80, "hi": 90}, 50,
    )  # fmt: skip


def test_formula_that_is_not_a_number_is_named(book: Any) -> None:
    plan = _one_rhk(_ind("k", target=4, formula="realisasi > target"), values={"k": 5})
    with pytest.raises(KinerjaError) as caught:
        appraise(plan, book)
    assert str(caught.value) == WHO + "indicator 'k': capaian must be a number, got True"


# Capaian and aggregation only: a rulebook that cannot read a rating at all.
NO_RATING = """
rulebook "tanpa-rating" version "1"
def capaian_higher(realisasi, target) = realisasi / target * 100
def nilai_rhk(capaian: list, bobot: list) = weighted_mean(capaian, bobot)
def nilai_hasil_kerja(nilai: list, bobot: list) = weighted_mean(nilai, bobot)
"""


def test_rulebook_without_rating_enum_says_which_rating_it_cannot_read() -> None:
    book = rulebooks.load(NO_RATING)
    head = _head(**kasus_only())
    with pytest.raises(KinerjaError) as caught:
        appraise(head, book, unit_rating="sesuai")
    assert str(caught.value) == WHO + "rulebook 'tanpa-rating' has no enum 'rating' for unit rating"
    with pytest.raises(KinerjaError) as caught:
        appraise(head, book)  # the behaviour rating of the plan
    assert str(caught.value) == (
        WHO + "rulebook 'tanpa-rating' has no enum 'rating' for behaviour rating"
    )


def test_rulebook_without_a_pipeline_definition_is_named_not_a_key_error() -> None:
    # Found while killing mutants: a rulebook without nilai_rhk let a bare KeyError escape
    # appraise() and stop a whole appraise_many() batch.
    book = rulebooks.load(NO_RATING.replace("def nilai_rhk", "def nilai_rhk_lama"))
    head = _head(**kasus_only())
    message = WHO + "rulebook 'tanpa-rating' has no definition 'nilai_rhk'"
    with pytest.raises(KinerjaError) as caught:
        appraise(head, book)
    assert str(caught.value) == message
    for trace in (True, False):
        (result,) = appraise_many([head], book, trace=trace)
        assert (result.status, result.error) == ("error", message)
    assert appraise_reference(head.model_dump(mode="json"), book).error == message


def test_distribution_refuses_a_label_of_another_enum_and_a_rulebook_without_a_curve(
    permenpanrb_6_2022: Rulebook,
) -> None:
    # An employee's predikat "Baik" is not the unit's predikat "Baik": it matched no curve rule
    # and passed every check. Found while killing mutants.
    book = permenpanrb_6_2022
    with pytest.raises(UsageError) as caught:
        check_distribution(book.label("predikat", "Baik"), _rated([SB] * 4), book)
    assert caught.value.message == (
        "the unit's predikat must be a member of 'predikat_unit', got Label(predikat.baik)"
    )
    unit = book.label("predikat_unit", "Baik")
    assert check_distribution(unit, _rated([SB] * 4), book) == check_distribution(
        "Baik", _rated([SB] * 4), book
    )
    assert not check_distribution(unit, _rated([SB] * 4), book).ok
    no_curve = rulebooks.load(
        rulebooks.source("permenpanrb-6-2022").replace("def kurva_maks", "def kurva_maks_lama")
    )
    with pytest.raises(UsageError) as missing:
        check_distribution("Baik", _rated([SB] * 4), no_curve)
    assert missing.value.message == (
        "rulebook 'permenpanrb-6-2022' has no definition 'kurva_maks' for the curve"
    )


# Conversions on the other inputs the pipeline binds by name: the Rating Hasil Kerja, the
# Rating Perilaku, the jenjang of a functional position and the value times the months.
CONVERSIONS = """
rulebook "uji-konversi" version "1"
# Only the two jenjang this office has: any other is not in the rulebook's enum.
enum jenjang {
    ahli_pertama "Ahli Pertama",
    ahli_muda "Ahli Muda",
}
def konversi_koefisien(jenjang: jenjang) = if jenjang == jenjang.ahli_muda then 25 else 12.5
def konversi_penghargaan(rating_hasil_kerja: rating, jenjang: jenjang) =
    rating_hasil_kerja == rating.di_atas and jenjang == jenjang.ahli_muda
def konversi_pembinaan(rating_perilaku: rating, jenjang: jenjang) =
    rating_perilaku == rating.di_bawah
def konversi_poin(nilai_hasil_kerja, bulan) = nilai_hasil_kerja * bulan / 12
"""


def _fungsional(jenjang: str, **changes: Any) -> Plan:
    data = plan_data(**changes)
    data["employee"]["position"] = {
        "name": "Analis Kebijakan", "category": "Fungsional", "jenjang": jenjang,
    }  # fmt: skip
    return Plan.model_validate(data)


def test_conversions_of_rating_jenjang_and_months(book: Any) -> None:
    local = book.extend(CONVERSIONS)
    override = {"what": "rating_hasil_kerja", "value": "di atas", "reason": "uji konversi"}
    result = appraise(_fungsional("Ahli Muda", overrides=[override]), local)
    di_atas, muda = local.label("rating", "di atas"), local.label("jenjang", "ahli muda")
    assert result.conversions == {
        "tpp": 1,  # Baik
        "koefisien": 25,
        "penghargaan": True,  # the final rating (the override), not the recommendation
        "pembinaan": False,
        "poin": Fraction(985, 36),  # nilai hasil kerja 985/9 × 3 months / 12
    }
    steps = {s.subject: s for s in result.trace if s.what == "konversi"}
    assert steps["konversi_penghargaan"].inputs == {"rating_hasil_kerja": di_atas, "jenjang": muda}
    assert steps["konversi_poin"].inputs == {"nilai_hasil_kerja": Fraction(985, 9), "bulan": 3}
    assert steps["konversi_poin"].result == Fraction(985, 36)
    assert steps["konversi_poin"].detail == ""


def test_conversions_not_applicable_name_every_missing_input(book: Any) -> None:
    local = book.extend(CONVERSIONS)
    # Ahli Madya is a jenjang, but not one this rulebook knows: no jenjang to convert with.
    madya = appraise(_fungsional("Ahli Madya"), local)
    assert madya.conversions == {"tpp": 1, "poin": Fraction(985, 36)}
    details = {s.subject: s.detail for s in madya.trace if s.what == "konversi"}
    assert details == {
        "konversi_tpp": "",
        "konversi_koefisien": "not applicable: no jenjang",
        "konversi_penghargaan": "not applicable: no jenjang",
        "konversi_pembinaan": "not applicable: no jenjang",
        "konversi_poin": "",
    }
    # A Pelaksana (no jenjang) not yet assessed on behaviour (no rating, so no predikat).
    pending = appraise(Plan.model_validate(plan_data(behaviour=None)), local)
    assert pending.conversions == {"poin": Fraction(985, 36)}
    steps = {s.subject: s for s in pending.trace if s.what == "konversi"}
    assert steps["konversi_pembinaan"].detail == "not applicable: no rating_perilaku, jenjang"
    assert steps["konversi_tpp"].detail == "not applicable: no predikat"
    assert (steps["konversi_pembinaan"].inputs, steps["konversi_pembinaan"].result) == ({}, None)


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
def test_distribution_curve(unit: str, size: int, permenpanrb_6_2022: Rulebook) -> None:
    # SE MenPANRB 3/2023: each unit predikat, units of 3, 10 and 57.
    book = permenpanrb_6_2022
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


def test_distribution_rounding_policy_on_small_units(permenpanrb_6_2022: Rulebook) -> None:
    # A unit of 3 rated Kurang cannot hold exactly 10 % Butuh Perbaikan: the policy decides.
    strict = permenpanrb_6_2022
    mix = _rated([K, K, B])
    assert [v.rule for v in check_distribution("Kurang", mix, strict).violations] == [
        "minimal 10 % Butuh Perbaikan"
    ]
    lenient = strict.with_params(pembulatan_kurva="pembulatan.longgar")
    assert check_distribution("Kurang", mix, lenient).ok


def _unrated(nip: str, status: str) -> Any:
    from kinerja_engine.scoring import Appraisal

    return Appraisal(f"skp-{nip}", nip, "", "u", "2026", status)


def test_distribution_skips_appraisals_without_predikat(permenpanrb_6_2022: Rulebook) -> None:
    # An incomplete or failed appraisal has no predikat: it is listed by NIP, not counted.
    book = permenpanrb_6_2022
    appraisals = _rated([B, B, BP])
    appraisals[1:1] = [_unrated("e-lapor", "incomplete"), _unrated("e-salah", "error")]
    report = check_distribution("Baik", appraisals, book)
    assert report.skipped == ("e-lapor", "e-salah")
    assert report.total == 3
    assert report.counts == {SB: 0, B: 2, BP: 1, K: 0, SK: 0}
    assert str(report.unit_predikat) == "Baik"
    assert report.unit_predikat == book.label("predikat_unit", "baik")
    assert report.ok  # Baik 2/3: a majority and at most 70 %; one Butuh Perbaikan
    # Nobody rated yet: nothing to check, every appraisal skipped.
    empty = check_distribution("Baik", [_unrated("e-lapor", "incomplete")], book)
    assert empty == DistributionReport(
        book.label("predikat_unit", "baik"), 0, {SB: 0, B: 0, BP: 0, K: 0, SK: 0}, (),
        ("e-lapor",),
    )  # fmt: skip
    assert str(empty.unit_predikat) == "Baik" and empty.ok


def test_distribution_counts_add_up_to_the_total_for_a_foreign_predikat(
    permenpanrb_6_2022: Rulebook,
) -> None:
    # An appraisal scored under PermenPANRB 8/2021 ("Cukup") checked against the 6/2022 curve:
    # the predikat the rulebook does not know is still counted, under its own text.
    book = permenpanrb_6_2022
    cukup = rulebooks.load("permenpanrb-8-2021").label("predikat", "Cukup")
    appraisals = _rated([B, B])
    appraisals.append(appraisals[0].model_copy(update={"employee": "e2", "predikat": cukup}))
    report = check_distribution("Baik", appraisals, book)
    assert report.counts == {SB: 0, B: 2, BP: 0, K: 0, SK: 0, "Cukup": 1}
    assert sum(report.counts.values()) == report.total == 3


def test_distribution_violation_carries_the_numbers_behind_it(permenpanrb_6_2022: Rulebook) -> None:
    # A unit rated Kurang needs at least 60 % Kurang/Misconduct (SE MenPANRB 3/2023): 5 of 10
    # is 50 %. Its 1 of 10 Butuh Perbaikan is exactly the 10 % minimum, which is met.
    book = permenpanrb_6_2022
    report = check_distribution("Kurang", _rated([K] * 5 + [BP] + [B] * 4), book)
    assert report.counts == {SB: 0, B: 4, BP: 1, K: 5, SK: 0}
    assert report.violations == (
        Violation(
            "minimal 60 % Kurang/Misconduct", book.label("kelompok", "k"), 5, 10,
            Fraction(1, 2), Fraction(3, 5), ("e0", "e1", "e2", "e3", "e4"),
        ),
    )  # fmt: skip
    assert str(report.violations[0].group) == "Kurang/Misconduct"


@pytest.mark.parametrize(
    ("mix", "rules"),
    [
        ([B, B, B, BP, SB], []),  # 3 of 5 = 60 %: a majority, under 70 %
        ([B, B, BP, SB], ["mayoritas (> 50 %) Baik"]),  # 2 of 4 = 50 % is no majority
        ([B, B, BP, SB, SB], ["mayoritas (> 50 %) Baik"]),  # 2 of 5 = 40 %
    ],
)
def test_distribution_majority_is_strictly_more_than_half(
    mix: list[str], rules: list[str], permenpanrb_6_2022: Rulebook
) -> None:
    # SE MenPANRB 3/2023: a unit rated Baik has "most" employees rated Baik, read as > 50 %.
    book = permenpanrb_6_2022
    report = check_distribution("Baik", _rated(mix), book)
    assert [v.rule for v in report.violations] == rules
    for v in report.violations:
        assert (v.count, v.total, v.share, v.limit) == (
            2,
            len(mix),
            Fraction(2, len(mix)),
            Fraction(1, 2),
        )


def test_distribution_lenient_rounding_rounds_the_maximum_up(permenpanrb_6_2022: Rulebook) -> None:
    # A unit rated Istimewa allows at most 70 % Sangat Baik: of 4 employees that is 2,8 people.
    # Compared exactly 3 is too many; the lenient policy rounds the maximum up to 3 people.
    strict = permenpanrb_6_2022
    lenient = strict.with_params(pembulatan_kurva="pembulatan.longgar")
    three = _rated([SB, SB, SB, B])
    assert [v.rule for v in check_distribution("Istimewa", three, strict).violations] == [
        "maksimal 70 % Sangat Baik"
    ]
    assert check_distribution("Istimewa", three, lenient).ok
    # Rounded up, not removed: 4 of 4 is still more than 3 people.
    (too_many,) = check_distribution("Istimewa", _rated([SB] * 4), lenient).violations
    assert (too_many.rule, too_many.count, too_many.limit) == (
        "maksimal 70 % Sangat Baik", 4, Fraction(7, 10),
    )  # fmt: skip


def test_distribution_without_a_rounding_policy_compares_exactly() -> None:
    # pembulatan_kurva is optional: a rulebook without it compares the shares exactly.
    text = rulebooks.source("permenpanrb-6-2022")
    line = "param pembulatan_kurva = pembulatan.tepat\n"
    assert line in text
    book = rulebooks.load(text.replace(line, ""))
    assert "pembulatan_kurva" not in book
    report = check_distribution("Kurang", _rated([K, K, B]), book)
    assert [v.rule for v in report.violations] == ["minimal 10 % Butuh Perbaikan"]


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


@pytest.mark.slow
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


def test_appraise_many_traces_by_default_and_counts_every_plan(book: Any) -> None:
    # Each result is what appraise() gives the plan, trace included, unless trace=False; the
    # progress callback gets the number of plans done so far, a failed one included.
    good = plan_data()
    bad = plan_data(behaviour={"rating": "istimewa"})
    seen: list[int] = []
    results = list(
        appraise_many([good, bad, Plan.model_validate(good)], book, on_progress=seen.append)
    )
    assert seen == [1, 2, 3]
    reference = appraise(Plan.model_validate(good), book)
    assert len(reference.trace) == 14  # 6 capaian, 3 RHK, the value, 2 ratings, predikat, tpp
    assert results[0] == results[2] == reference
    assert (results[1].status, results[1].trace) == ("error", ())


def test_json_round_trip(book: Any) -> None:
    plan = Plan.model_validate(plan_data())
    assert Plan.model_validate_json(plan.model_dump_json()) == plan
    result = appraise(plan, book)
    data = json.loads(result.to_json(trace=True))
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


def test_annual_worst_counts_a_nilai_of_zero_as_the_lowest(book: Any) -> None:
    # Two Butuh Perbaikan quarters: nothing done at all in Q1 (nilai 0) is worse than Q2's
    # 0,5; a nilai of 0 is a value, not a missing one.
    plans = []
    for q, value in ((1, 0), (2, "0.6")):
        data = plan_data(id=f"skp-2026-q{q}", period=f"2026-Q{q}", **kasus_only(value))
        plans.append(Plan.model_validate(data))
    assert [appraise(p, book).nilai_hasil_kerja for p in plans] == [0, Fraction(1, 2)]
    assert [str(appraise(p, book).predikat) for p in plans] == ["Butuh Perbaikan"] * 2
    worst = appraise_year(plans, book, policy="terburuk")
    assert worst.nilai_hasil_kerja == 0
    step = next(s for s in worst.trace if s.rule == "terburuk")
    assert (step.result, step.detail) == ("2026-Q1", "periode terburuk: 2026-Q1")
    kasus_result = worst.indicator("kasus")
    assert (kasus_result.status, kasus_result.rule) == ("reported", "capaian 2026-Q1")


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
    assert result.model_copy(update={"trace": ()}) == expected.model_copy(update={"trace": ()})
    first = result.trace[0]
    assert (first.what, first.rule, first.result) == ("agregasi", "agregasi_tahunan", "kumulatif")
    assert first.inputs == {"periode": ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")}


def _quarters_with_kolaborasi_not_applicable(quarters: tuple[int, ...]) -> list[Plan]:
    plans = []
    for q, values in enumerate(QUARTERS, 1):
        data = plan_data(id=f"skp-2026-q{q}", period=f"2026-Q{q}")
        data["realisations"] = [
            {"indicator": k, "not_applicable": True} if k == "kolaborasi" and q in quarters
            else {"indicator": k, "value": v}
            for k, v in values.items()
        ]  # fmt: skip
        plans.append(Plan.model_validate(data))
    return plans


@pytest.mark.parametrize("policy", ["periode_terakhir", "rata_capaian", "terburuk", "kumulatif"])
def test_annual_keeps_an_indicator_not_applicable_all_year(book: Any, policy: str) -> None:
    # Found while killing mutants: an indicator not applicable in every quarter came out of the
    # annual aggregation as "not yet reported", and the year's result as incomplete.
    plans = _quarters_with_kolaborasi_not_applicable((1, 2, 3, 4))
    assert all(appraise(p, book).status == "complete" for p in plans)
    annual = Plan.model_validate(plan_data(id="skp-2026", period="2026"))
    year = appraise_year(plans, book, annual=annual, policy=policy)
    assert (year.status, year.notes) == ("complete", ())
    kolaborasi = year.indicator("kolaborasi")
    assert (kolaborasi.status, kolaborasi.capaian) == ("not_applicable", None)
    # The trace says so, under the rule the annual value came from.
    step = next(s for s in year.trace if s.what == "capaian" and s.subject == "kolaborasi")
    assert (step.inputs, step.result, step.detail) == ({}, None, "not applicable")
    assert step.rule == ("tidak berlaku" if policy == "kumulatif" else kolaborasi.rule)
    assert policy == "kumulatif" or kolaborasi.rule.startswith(("capaian 2026", "rata-rata"))
    (rhk3,) = [r for r in year.rhk if r.id == "rhk3"]
    assert rhk3.nilai is None  # its only indicator does not apply: the RHK is not scored


def test_annual_from_a_period_not_yet_reported_ignores_the_annual_plans_realisasi(
    book: Any,
) -> None:
    # Q4 has not reported "kasus" yet: the year taken from Q4 has no kasus either (this office
    # excludes it), even though the annual plan carries realisations of its own: under this
    # policy they are never read.
    plans = [_quarter(q, v) for q, v in enumerate(QUARTERS, 1)]
    q4 = plans[3].model_dump()
    q4["realisations"] = [r for r in q4["realisations"] if r["indicator"] != "kasus"]
    plans[3] = Plan.model_validate(q4)
    annual = Plan.model_validate(plan_data(id="skp-2026", period="2026"))
    year = appraise_year(plans, book, annual=annual, policy="periode_terakhir")
    assert (year.indicator("kasus").status, year.indicator("kasus").capaian) == (
        "not_reported", None,
    )  # fmt: skip
    assert year.notes == ("realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang",)


def test_annual_mean_skips_the_quarters_an_indicator_does_not_apply_in(book: Any) -> None:
    plans = _quarters_with_kolaborasi_not_applicable((2,))
    mean = appraise_year(plans, book, policy="rata_capaian")
    quarters = [appraise(p, book).indicator("kolaborasi").capaian for p in plans]
    assert quarters[1] is None
    assert mean.status == "complete"
    expected = (quarters[0] + quarters[2] + quarters[3]) / 3  # type: ignore[operator]
    assert mean.indicator("kolaborasi").capaian == expected


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


def test_appraise_refuses_a_plan_that_is_not_validated(book: Any) -> None:
    # A caller passing the raw dict (from JSON) learns what it passed, not an AttributeError.
    with pytest.raises(UsageError) as caught:
        appraise(plan_data(), book)  # type: ignore[arg-type]
    assert caught.value.message == "appraise() needs a Plan, got dict"


def test_list_valued_conversion_holds_fractions_whichever_path_computed_it(book: Any) -> None:
    # Results are exact Fractions: a user who scales a list-valued conversion by a third must
    # not get a TypeError from a Decimal the fast path left inside the list. Here nilai is 110
    # (it terminates), so the fast path computes the conversion.
    local = book.extend(
        'rulebook "daftar" version "1" def konversi_daftar(nilai_hasil_kerja) = '
        "[1.5, nilai_hasil_kerja]"
    )
    data = plan_data(
        **kasus_only(),
    )
    result = appraise(Plan.model_validate(data), local)
    daftar = result.conversions["daftar"]
    assert daftar == (Fraction(3, 2), Fraction(110))
    assert [type(v) for v in daftar] == [Number, Number]  # Fraction before issue 13
    assert daftar[0] * Fraction(1, 3) == Fraction(1, 2)
