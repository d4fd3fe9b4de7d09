"""Qualitative indicators (issue 16, item 4): a realisasi and a target that are labels of an
enum the rulebook declares, scored by the kind's table, shown as labels.

The kinds are those of the bundled ``permenpanrb-6-2022`` (PermenPANRB 6/2022 Lampiran: an IKI
may be quantitative or qualitative): ``kualitatif`` over the enum ``skala`` (scores per level
are params, a reading) and ``ya_tidak`` over ``ya_tidak``.
"""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.errors import KinerjaError, ModelError
from kinerja_engine.io import plan_rows, plans_from_rows
from kinerja_engine.language import Rulebook
from kinerja_engine.models import Indicator, Plan, Realisation
from kinerja_engine.report import feedback
from kinerja_engine.scoring import Appraisal, appraise, check_pipeline
from kinerja_engine.values import Label

BOOK = rulebooks.load("gajahmungkur")  # extends permenpanrb-6-2022: its kinds and a rating band
NATIONAL = rulebooks.load("permenpanrb-6-2022")
NIP = "198609262015051001"


def plan_data(
    quality: object = "Sangat Baik", sop: object = "Ya", count: object = 90
) -> dict[str, Any]:
    return {
        "id": "skp-q",
        "employee": {
            "nip": NIP,
            "name": "Budi",
            "position": {"name": "Analis", "category": "Pelaksana"},
            "unit": "u",
        },
        "period": "2026-Q1",
        "rhk": [
            {
                "id": "r1",
                "description": "Laporan dan SOP",
                "indicators": [
                    {"id": "mutu", "name": "Kualitas laporan", "unit_of_measure": "skala",
                     "target": "Baik", "direction": "higher", "kind": "kualitatif",
                     "weight": 40},
                    {"id": "sop", "name": "SOP disusun", "unit_of_measure": "dokumen",
                     "target": "ya", "direction": "higher", "kind": "ya_tidak", "weight": 30},
                    {"id": "berkas", "name": "Berkas selesai", "unit_of_measure": "berkas",
                     "target": 100, "direction": "higher", "weight": 30},
                ],
            }
        ],
        "realisations": [
            {"indicator": "mutu", "value": quality},
            {"indicator": "sop", "value": sop},
            {"indicator": "berkas", "value": count},
        ],
        "behaviour": {"rating": "sesuai"},
    }  # fmt: skip


def scored(**kw: object) -> Appraisal:
    return appraise(Plan.model_validate(plan_data(**kw)), BOOK)


# --------------------------------------------------------------------------- scoring


def test_end_to_end_with_hand_computed_values() -> None:
    a = scored()
    mutu, sop, berkas = a.rhk[0].indicators
    # kualitatif: skor(Sangat Baik) / skor(Baik) × 100 = 120 / 100 × 100 (params, a reading).
    assert mutu.capaian == 120
    assert mutu.realisasi is None
    assert mutu.realisasi_label == Label("skala", "sangat_baik", "Sangat Baik")
    assert mutu.target == Label("skala", "baik", "Baik")
    # ya_tidak: met → capaian_ya_tidak_sesuai = 100.
    assert sop.capaian == 100 and sop.realisasi_label == Label("ya_tidak", "ya", "Ya")
    assert berkas.capaian == 90 and berkas.realisasi == 90
    # Weighted: (120 × 40 + 100 × 30 + 90 × 30) / 100 = 105.
    assert a.rhk[0].nilai == 105 and a.nilai_hasil_kerja == 105
    assert a.status == "complete"


@pytest.mark.parametrize(
    ("realisasi", "capaian"),
    [("Sangat Baik", 120), ("baik", 100), ("CUKUP", 80), ("k", 60), ("sangat kurang", 40)],
)
def test_every_level_of_the_scale(realisasi: str, capaian: int) -> None:
    assert scored(quality=realisasi).rhk[0].indicators[0].capaian == capaian


def test_missed_checklist_item_and_a_lower_target() -> None:
    a = scored(sop="belum")
    assert a.rhk[0].indicators[1].capaian == 0
    # Target "Tidak" (an event that must not happen): "Tidak" meets it.
    data = plan_data(sop="tidak")
    data["rhk"][0]["indicators"][1]["target"] = "Tidak"
    assert appraise(Plan.model_validate(data), BOOK).rhk[0].indicators[1].capaian == 100


def test_the_scores_are_params_an_office_changes() -> None:
    assert NATIONAL.parameters["skor_sangat_baik"] == 120
    assert NATIONAL.parameters["skor_baik"] == 100
    assert NATIONAL.parameters["capaian_ya_tidak_tidak_sesuai"] == 0
    book = BOOK.with_params(skor_sangat_baik=110)
    a = appraise(Plan.model_validate(plan_data()), book)
    assert a.rhk[0].indicators[0].capaian == 110


def test_the_national_rulebook_declares_the_kinds_for_the_pipeline() -> None:
    assert NATIONAL.signature("capaian_kualitatif") == {"realisasi": "skala", "target": "skala"}
    assert NATIONAL.signature("capaian_ya_tidak") == {
        "realisasi": "ya_tidak",
        "target": "ya_tidak",
    }
    assert [d for d in check_pipeline(NATIONAL) if d.severity == "error"] == []


def test_a_kind_of_ones_own_over_ones_own_enum() -> None:
    book = BOOK.extend(
        'rulebook "lokal" version "1"\n'
        'enum tingkat { tinggi "Tinggi", sedang "Sedang", rendah "Rendah" }\n'
        "matrix capaian_tingkat(realisasi: tingkat, target: tingkat) {\n"
        "    tinggi, _ -> 110, sedang, _ -> 100, rendah, _ -> 70 }\n"
    )
    data = plan_data(quality="sedang")
    data["rhk"][0]["indicators"][0].update(kind="tingkat", target="Tinggi")
    a = appraise(Plan.model_validate(data), book)
    assert a.rhk[0].indicators[0].capaian == 100
    assert a.rhk[0].indicators[0].realisasi_label == Label("tingkat", "sedang", "Sedang")


# --------------------------------------------------------------------------- errors


def _model_error(fn: Any) -> ModelError:
    with pytest.raises(ModelError) as info:
        fn()
    return info.value


def test_a_label_outside_the_enum_is_refused_with_did_you_mean() -> None:
    err = _model_error(lambda: scored(quality="Baek"))
    assert err.field == "realisations.0.value" and err.employee == NIP
    assert "indicator 'mutu' (Kualitas laporan)" in err.message
    assert "'Baek' is not a skala" in err.message
    assert "did you mean Baik?" in err.message


def test_a_target_outside_the_enum_names_the_target() -> None:
    data = plan_data()
    data["rhk"][0]["indicators"][0]["target"] = "Bagus sekali"
    err = _model_error(lambda: appraise(Plan.model_validate(data), BOOK))
    assert err.field == "rhk.0.indicators.0.target"
    assert "indicator 'mutu'" in err.message and "is not a skala" in err.message


def test_a_number_for_a_qualitative_kind_is_refused() -> None:
    err = _model_error(lambda: scored(quality=3))
    assert err.field == "realisations.0.value"
    assert err.message.endswith(
        "indicator 'mutu' (Kualitas laporan): kind 'kualitatif' takes as realisasi a label of "
        "skala ('Sangat Baik', 'Baik', 'Cukup', 'Kurang', 'Sangat Kurang'), got the number 3"
    )


def test_a_label_for_a_numeric_kind_is_refused() -> None:
    data = plan_data()
    data["rhk"][0]["indicators"][2]["kind"] = "vaksinasi"  # a numeric kind of gajahmungkur
    data["realisations"][2]["value"] = "Baik"
    err = _model_error(lambda: appraise(Plan.model_validate(data), BOOK))
    assert err.field == "realisations.2.value"
    assert err.message.endswith(
        "indicator 'berkas' (Berkas selesai): kind 'vaksinasi' takes as realisasi a number, "
        "got the label 'Baik'"
    )


def test_a_label_without_a_kind_is_refused_by_the_model() -> None:
    data = plan_data(count="Baik")
    err = _model_error(lambda: Plan.model_validate(data))
    assert err.field == "realisations.2.value"
    assert "indicator 'berkas' (Berkas selesai) takes a number, got the label 'Baik'" in str(err)
    with pytest.raises(ModelError, match="a label target needs a qualitative indicator kind"):
        Indicator(id="x", name="x", unit_of_measure="skala", target="Baik", direction="higher")


@pytest.mark.parametrize("bad", ["NaN", "inf", "Infinity", "1e3", "12,5", "-"])
def test_number_words_and_bad_numbers_are_never_labels(bad: str) -> None:
    with pytest.raises(ModelError):
        Realisation(indicator="i", value=bad)


def test_a_formula_is_never_given_a_label() -> None:
    # A label target with a formula: the model wants a kind, and a kind excludes a formula.
    with pytest.raises(ModelError):
        Indicator(id="x", name="x", unit_of_measure="u", target="Baik", direction="higher",
                  formula="realisasi / target * 100")  # fmt: skip


def test_no_other_exception_escapes_for_label_inputs() -> None:
    for value in ("zzz", "Baik", "Ya", 5):
        for kind in ("kualitatif", "ya_tidak", "vaksinasi"):
            data = plan_data()
            data["rhk"][0]["indicators"][0]["kind"] = kind
            data["realisations"][0]["value"] = value
            with contextlib.suppress(KinerjaError):  # anything else fails the test
                appraise(Plan.model_validate(data), BOOK)


# --------------------------------------------------------------------------- shown as labels


def test_explanation_shows_labels_not_numbers() -> None:
    lines = scored().explain().split("\n")
    assert "  • Kualitas laporan: target Baik, realisasi Sangat Baik → capaian 120 %" in lines
    assert "  • SOP disusun: target Ya, realisasi Ya → capaian 100 %" in lines
    english = scored().explain(lang="en")
    assert "Kualitas laporan: target Baik, achieved Sangat Baik → achievement 120 %" in english


def test_the_trace_records_the_labels() -> None:
    step = next(s for s in scored().trace if s.what == "capaian" and s.subject == "mutu")
    assert step.rule == "capaian_kualitatif"
    assert step.inputs == {
        "realisasi": Label("skala", "sangat_baik", "Sangat Baik"),
        "target": Label("skala", "baik", "Baik"),
    }


def test_feedback_states_labels() -> None:
    items = {i.subject: i for i in feedback(scored(quality="Cukup")).items}
    assert items["mutu"].kind == "gap"
    assert items["mutu"].text == (
        "Kualitas laporan: realisasi Cukup dari target Baik, capaian 80 %. Belum mencapai "
        "target Baik."
    )
    assert items["mutu"].numbers == {"capaian": Fraction(80)}
    assert items["sop"].kind == "strength"
    assert items["sop"].text == (
        "SOP disusun: realisasi Ya dari target Ya, capaian 100 %. Target tercapai."
    )
    english = feedback(scored(), lang="en").items[0].text
    assert english == (
        "Kualitas laporan: achieved Sangat Baik against a target of Baik, achievement 120 %. "
        "Target met."
    )


# --------------------------------------------------------------------------- round trips


def test_json_round_trips_of_plan_and_appraisal() -> None:
    plan = Plan.model_validate(plan_data())
    text = plan.model_dump_json()
    assert json.loads(text)["realisations"][0]["value"] == "Sangat Baik"
    assert Plan.model_validate_json(text) == plan
    a = appraise(plan, BOOK)
    dumped = json.loads(a.model_dump_json())
    ind = dumped["rhk"][0]["indicators"][0]
    assert ind["realisasi_label"] == {"enum": "skala", "name": "sangat_baik", "text": "Sangat Baik"}
    assert ind["target"] == {"enum": "skala", "name": "baik", "text": "Baik"}
    assert Appraisal.model_validate_json(a.model_dump_json()) == a
    schema = Plan.model_json_schema()
    assert "realisations" in json.dumps(schema)


def test_plan_table_reads_and_writes_labels() -> None:
    plan = Plan.model_validate(plan_data())
    rows = plan_rows(plan)
    assert [r["realisasi"] for r in rows] == ["Sangat Baik", "Ya", Decimal(90)]
    assert [r["target"] for r in rows][:2] == ["Baik", "ya"]
    assert list(plans_from_rows(rows)) == [plan]


def test_plan_table_from_csv(tmp_path: Any) -> None:
    from kinerja_engine.io import read_plans

    rows = plan_rows(Plan.model_validate(plan_data()))
    columns = list(rows[0])
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join("" if row[c] is None else str(row[c]) for c in columns))
    path = tmp_path / "plans.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (plan,) = list(read_plans(path))
    assert isinstance(plan, Plan)
    assert plan.realisation_for("mutu").value == "Sangat Baik"
    assert appraise(plan, BOOK).rhk[0].indicators[0].capaian == 120


def test_plan_table_keeps_refusing_words_for_numeric_indicators() -> None:
    rows = plan_rows(Plan.model_validate(plan_data()))
    rows[2] = {**rows[2], "realisasi": "tiga"}
    (error,) = list(plans_from_rows(rows))
    assert "column 'realisasi'" in str(error) and "'tiga' is not a number" in str(error)


def test_a_copy_changed_without_validation_is_refused() -> None:
    from kinerja_engine.models.plan import check_numbers

    plan = Plan.model_validate(plan_data())
    bad = plan.realisations[0].model_copy(update={"value": "NaN"})
    with pytest.raises(ModelError, match="not a validated finite number"):
        check_numbers(plan.model_copy(update={"realisations": (bad, *plan.realisations[1:])}))
    check_numbers(plan)  # labels as validation keeps them pass


def test_rulebook_text_of_the_kinds_round_trips_through_the_printer() -> None:
    book = Rulebook.parse(str(NATIONAL))
    # Baik against a target of Sangat Baik: 100 / 120 × 100 = 83.33… (a third, exactly).
    value = book.evaluate("capaian_kualitatif", realisasi="baik", target="sangat baik")
    assert value == Decimal("83.33333333333333333333333333333333")


# --------------------------------------------------------------------------- the other reports


def test_flat_records_carry_the_labels() -> None:
    from kinerja_engine.io import INDICATOR_COLUMNS, indicator_records

    rows = indicator_records([scored()])
    assert all(list(r) == list(INDICATOR_COLUMNS) for r in rows)
    mutu, _, berkas = rows
    assert (mutu["target"], mutu["realisasi"], mutu["capaian"]) == (None, None, Decimal(120))
    assert (mutu["target_label"], mutu["realisasi_label"]) == ("Baik", "Sangat Baik")
    assert (berkas["target"], berkas["target_label"], berkas["realisasi_label"]) == (
        Decimal(100), None, None)  # fmt: skip


def test_what_if_path_and_target_checks_with_a_qualitative_indicator() -> None:
    from kinerja_engine.report import check_targets, path_to_next, what_if

    plan = Plan.model_validate(plan_data())
    change = what_if(plan, BOOK, realisasi={"mutu": "Cukup"})
    # 80 × 40 % + 100 × 30 % + 90 × 30 % = 89: below the Sesuai band (90).
    assert change.after.nilai_hasil_kerja == 89
    assert str(change.after.rating_hasil_kerja_rekomendasi) == "Di Bawah Ekspektasi"
    steps = {s.indicator: s for s in path_to_next(plan, BOOK)}
    assert (steps["mutu"].status, steps["mutu"].reason) == ("not_monotone", "qualitative")
    assert "realisasinya label skala" in steps["mutu"].explain()
    assert steps["berkas"].status == "reachable"
    assert check_targets(plan, BOOK) == []


def test_annual_aggregation_of_a_qualitative_indicator() -> None:
    from kinerja_engine.scoring import appraise_year

    plans = []
    for q, level in enumerate(("Baik", "Cukup", "Sangat Baik", "Baik"), 1):
        data = plan_data(quality=level)
        data.update(id=f"q{q}", period=f"2026-Q{q}")
        plans.append(Plan.model_validate(data))
    # Mean of the quarters' capaian: (100 + 80 + 120 + 100) / 4 = 100.
    year = appraise_year(plans, BOOK, policy="rata_capaian")
    assert year.rhk[0].indicators[0].capaian == 100
    # Cumulative: a label is not summed, the latest stands (Baik → 100).
    annual = plan_data()
    annual.update(id="y", period="2026", realisations=[])
    cumulative = appraise_year(plans, BOOK, policy="kumulatif", annual=Plan.model_validate(annual))
    assert cumulative.rhk[0].indicators[0].realisasi_label == Label("skala", "baik", "Baik")


def test_the_reference_path_and_the_batch_path_agree() -> None:
    from kinerja_engine.scoring import appraise_many

    plan = Plan.model_validate(plan_data(quality="Kurang"))
    fast = appraise(plan, BOOK)
    assert appraise(plan, BOOK, exact_only=True) == fast
    (batch,) = appraise_many([plan], BOOK, trace=False)
    # 60 × 40 % + 100 × 30 % + 90 × 30 % = 81
    assert batch.nilai_hasil_kerja == fast.nilai_hasil_kerja == 81
