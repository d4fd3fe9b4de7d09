r"""What an appraisal looks like from outside: JSON, explanations, error results, violations.

The scoring tests check the numbers; these check how they are handed over. One realistic
quarterly plan of a service-desk employee of Kecamatan Gajahmungkur is scored with the
``gajahmungkur`` rulebook plus a local extension (missing realisasi excluded; conversions that
give a yes/no, a label and a pair of rupiah amounts), so that every kind of value the output
carries occurs once: a capped capaian, a range target, an indicator not yet reported, an
override with its reason, booleans, labels, a tuple, a note and a trace with non-ASCII text.

Every expected value is written out by hand from the rulebook (see the docstring of
``plan_data``), never computed with the code under test. The complete JSON document is kept
as a reviewed golden file, ``tests/golden/appraisal-gajahmungkur-keluaran.json``; after an
intended change of the output, regenerate it from the repository root with::

    PYTHONPATH=src:tests python -c \
        "import test_output; print(test_output.scored().to_json(trace=True))" \
        > tests/golden/appraisal-gajahmungkur-keluaran.json

and review the diff by eye (key names and order, indent of 2, non-ASCII kept, numbers as
decimal strings, labels as ``{enum, name, text}`` objects, the trace steps).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from kinerja_engine import Rulebook, rulebooks
from kinerja_engine.models import Plan
from kinerja_engine.report.feedback import feedback
from kinerja_engine.scoring import (
    Appraisal,
    appraise,
    appraise_many,
    check_distribution,
    format_number_id,
)

GOLDEN = Path(__file__).resolve().parent / "golden" / "appraisal-gajahmungkur-keluaran.json"

# A local extension of the Gajahmungkur policy: what the HR office prints beside the allowance.
LOCAL = """
rulebook "gajahmungkur-keluaran" version "1"
param kebijakan_realisasi_kosong = kebijakan_kosong.kecualikan
enum tindak_lanjut {
    penghargaan "Usulan penghargaan",
    pembinaan "Pembinaan oleh atasan",
    tidak_ada "Tidak ada",
}
def konversi_tindak_lanjut(predikat: predikat) =
    if predikat == predikat.sangat_baik then tindak_lanjut.penghargaan
    else if predikat == predikat.kurang or predikat == predikat.sangat_kurang
        then tindak_lanjut.pembinaan
    else tindak_lanjut.tidak_ada
def konversi_insentif_target(nilai_hasil_kerja) = nilai_hasil_kerja >= ambang_insentif
def konversi_teguran_tertulis(rating_perilaku: rating) = rating_perilaku == rating.di_bawah
# The full monthly allowance of the position (rupiah): the amount paid and the ceiling.
param pagu_tpp = 4752750
def konversi_tpp_rupiah(predikat: predikat, nilai_hasil_kerja) =
    [konversi_tpp_persen(predikat, nilai_hasil_kerja) / 100 * pagu_tpp, pagu_tpp]
"""
BOOK = rulebooks.load("gajahmungkur").extend(LOCAL)
NIP = "199208172019032011"
PLAN_ID = "skp-2026-q2-006"


def _person(nip: str, name: str, position: str, category: str) -> dict[str, Any]:
    return {
        "nip": nip,
        "name": name,
        "position": {"name": position, "category": category},
        "unit": "gajahmungkur",
    }


def plan_data() -> dict[str, Any]:
    """Nur Aini's second quarter at the service desk.

    By hand, from the rulebooks: waktu (lower is better, clamp 0..120) (2 - 2,5/3) × 100 =
    116 2/3; kasus 180/150 = 120 %, which the kind allows (cap 120) but the plan caps at 110;
    ikm 86,4 lies inside 80–90, so 100; pengaduan is not reported and is excluded (the local
    policy), so RHK 2 is ikm alone. RHK 1 = (116 2/3 + 110) / 2 = 113 1/3; nilai hasil kerja =
    0,7 × 113 1/3 + 0,3 × 100 = 109 1/3: in [90, 110), "Sesuai Ekspektasi", overridden to "Di
    Atas Ekspektasi"; with behaviour "Di Atas Ekspektasi" the matrix gives "Sangat Baik".
    TPP (gajahmungkur): (60 % × 100 % + 5 % since 109 1/3 ≥ 100) × 100 = 65; in rupiah 65 % of
    4.752.750 = 3.089.287,50. No jenjang (a Pelaksana): no angka kredit.
    """
    return {
        "id": PLAN_ID,
        "employee": _person(NIP, "Nur Aini", "Pengadministrasi Layanan", "Pelaksana"),
        "evaluator": _person("197002101994031006", "Drs. Bambang Wijanarko, M.Si.",
                             "Camat Gajahmungkur", "Administrator"),
        "period": "2026-Q2",
        "rhk": [
            {
                "id": "rhk1",
                "description": "Layanan administrasi kependudukan selesai tepat waktu",
                "weight": 70,
                "indicators": [
                    {"id": "waktu", "name": "Rata-rata waktu penyelesaian layanan",
                     "unit_of_measure": "hari", "target": 3, "direction": "lower",
                     "kind": "waktu_layanan", "weight": 50},
                    {"id": "kasus", "name": "Permohonan diselesaikan",
                     "unit_of_measure": "berkas", "target": 150, "direction": "higher",
                     "kind": "kasus", "cap": 110, "weight": 50},
                ],
            },
            {
                "id": "rhk2",
                "description": "Kepuasan masyarakat atas layanan kecamatan",
                "kind": "tambahan",
                "weight": 30,
                "indicators": [
                    {"id": "ikm", "name": "Indeks kepuasan masyarakat",
                     "unit_of_measure": "indeks", "target": "80-90", "direction": "range",
                     "weight": 50},
                    {"id": "pengaduan", "name": "Pengaduan ditindaklanjuti",
                     "unit_of_measure": "pengaduan", "target": 12, "direction": "higher",
                     "kind": "kasus", "weight": 50},
                ],
            },
        ],
        "realisations": [
            {"indicator": "waktu", "value": "2.5"},
            {"indicator": "kasus", "value": 180},
            {"indicator": "ikm", "value": "86.4"},
        ],
        "behaviour": {"rating": "Di Atas Ekspektasi"},
        "overrides": [
            {"what": "rating_hasil_kerja", "value": "Di Atas Ekspektasi",
             "reason": "menangani lonjakan permohonan KTP-el setelah banjir"},
        ],
    }  # fmt: skip


def scored() -> Appraisal:
    return appraise(Plan.model_validate(plan_data()), BOOK)


@pytest.fixture(scope="module")
def result() -> Appraisal:
    return scored()


def _label(enum: str, name: str, text: str) -> dict[str, str]:
    return {"enum": enum, "name": name, "text": text}


SESUAI = _label("rating", "sesuai", "Sesuai Ekspektasi")
DI_ATAS = _label("rating", "di_atas", "Di Atas Ekspektasi")
SANGAT_BAIK = _label("predikat", "sangat_baik", "Sangat Baik")
# Exact values as the JSON writes them: 34 significant digits, the last one rounded.
V_116 = "116.6666666666666666666666666666667"  # 116 2/3
V_113 = "113.3333333333333333333333333333333"  # 113 1/3
V_109 = "109.3333333333333333333333333333333"  # 109 1/3


# --------------------------------------------------------------------------- JSON


def test_json_document_is_the_reviewed_golden(result: Appraisal) -> None:
    assert result.to_json(trace=True) + "\n" == GOLDEN.read_text(encoding="utf-8")


def test_json_layout_indent_order_and_non_ascii(result: Appraisal) -> None:
    text = result.to_json(trace=True)
    assert text.startswith(
        "{\n"
        '  "plan_id": "skp-2026-q2-006",\n'
        '  "employee": "199208172019032011",\n'
        '  "employee_name": "Nur Aini",\n'
        '  "unit": "gajahmungkur",\n'
        '  "period": "2026-Q2",\n'
        '  "status": "complete",\n'
        '  "rulebook": "gajahmungkur-keluaran 1",\n'
        '  "rhk": [\n'
        "    {\n"
        '      "id": "rhk1",\n'
    )
    assert text.endswith('\n  "error": null\n}')
    # Non-ASCII text is written as is (ensure_ascii=False), not as \u escapes.
    assert '      "detail": "109,33 ∈ [90, 110)"\n' in text
    assert "\\u" not in text
    assert json.loads(text) == result.to_dict()


def test_to_dict_top_level(result: Appraisal) -> None:
    data = result.to_dict()
    assert list(data) == [
        "plan_id", "employee", "employee_name", "unit", "period", "status", "rulebook", "rhk",
        "nilai_hasil_kerja", "rating_hasil_kerja_rekomendasi", "rating_hasil_kerja",
        "rating_perilaku", "predikat_rekomendasi", "predikat", "overrides", "conversions",
        "notes", "trace", "error",
    ]  # fmt: skip
    assert (data["plan_id"], data["employee"], data["employee_name"]) == (
        PLAN_ID, NIP, "Nur Aini",
    )  # fmt: skip
    assert (data["unit"], data["period"], data["status"], data["rulebook"]) == (
        "gajahmungkur", "2026-Q2", "complete", "gajahmungkur-keluaran 1",
    )  # fmt: skip
    assert data["nilai_hasil_kerja"] == V_109
    assert data["rating_hasil_kerja_rekomendasi"] == SESUAI
    assert data["rating_hasil_kerja"] == DI_ATAS
    assert data["rating_perilaku"] == DI_ATAS
    assert data["predikat_rekomendasi"] == SANGAT_BAIK
    assert data["predikat"] == SANGAT_BAIK
    assert data["notes"] == ["realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang"]
    assert data["error"] is None


def test_to_dict_rhk_and_indicators(result: Appraisal) -> None:
    rhk1, rhk2 = result.to_dict()["rhk"]
    assert list(rhk1) == ["id", "description", "kind", "weight", "nilai", "indicators"]
    assert {k: v for k, v in rhk1.items() if k != "indicators"} == {
        "id": "rhk1",
        "description": "Layanan administrasi kependudukan selesai tepat waktu",
        "kind": "utama",
        "weight": "70",
        "nilai": V_113,
    }
    assert {k: v for k, v in rhk2.items() if k != "indicators"} == {
        "id": "rhk2",
        "description": "Kepuasan masyarakat atas layanan kecamatan",
        "kind": "tambahan",
        "weight": "30",
        "nilai": "100",
    }
    waktu, kasus = rhk1["indicators"]
    ikm, pengaduan = rhk2["indicators"]
    assert list(waktu) == [
        "id", "name", "unit_of_measure", "direction", "target", "realisasi", "status",
        "capaian", "capped_from", "weight", "rule",
    ]  # fmt: skip
    assert waktu == {
        "id": "waktu", "name": "Rata-rata waktu penyelesaian layanan",
        "unit_of_measure": "hari", "direction": "lower", "target": "3", "realisasi": "2.5",
        "status": "reported", "capaian": V_116, "capped_from": None, "weight": "50",
        "rule": "capaian_waktu_layanan",
    }  # fmt: skip
    assert kasus == {
        "id": "kasus", "name": "Permohonan diselesaikan", "unit_of_measure": "berkas",
        "direction": "higher", "target": "150", "realisasi": "180", "status": "reported",
        "capaian": "110", "capped_from": "120", "weight": "50", "rule": "capaian_kasus",
    }  # fmt: skip
    assert ikm == {
        "id": "ikm", "name": "Indeks kepuasan masyarakat", "unit_of_measure": "indeks",
        "direction": "range", "target": {"lo": "80", "hi": "90"}, "realisasi": "86.4",
        "status": "reported", "capaian": "100", "capped_from": None, "weight": "50",
        "rule": "capaian_range",
    }  # fmt: skip
    assert list(ikm["target"]) == ["lo", "hi"]
    assert pengaduan == {
        "id": "pengaduan", "name": "Pengaduan ditindaklanjuti", "unit_of_measure": "pengaduan",
        "direction": "higher", "target": "12", "realisasi": None, "status": "not_reported",
        "capaian": None, "capped_from": None, "weight": "50", "rule": "",
    }  # fmt: skip


def test_to_dict_overrides_and_conversions(result: Appraisal) -> None:
    data = result.to_dict()
    assert data["overrides"] == [
        {
            "what": "rating_hasil_kerja",
            "recommended": SESUAI,
            "value": DI_ATAS,
            "reason": "menangani lonjakan permohonan KTP-el setelah banjir",
        }
    ]
    assert list(data["overrides"][0]) == ["what", "recommended", "value", "reason"]
    # Numbers as decimal strings, labels as objects, booleans as JSON booleans, a list as a list.
    assert data["conversions"] == {
        "tpp_persen": "65",
        "tindak_lanjut": _label("tindak_lanjut", "penghargaan", "Usulan penghargaan"),
        "insentif_target": True,
        "teguran_tertulis": False,
        "tpp_rupiah": ["3089287.5", "4752750"],
    }
    assert list(data["conversions"]["tindak_lanjut"]) == ["enum", "name", "text"]


def test_to_dict_trace_steps(result: Appraisal) -> None:
    trace = result.to_dict()["trace"]
    assert [(s["what"], s["subject"]) for s in trace] == [
        ("capaian", "waktu"), ("capaian", "kasus"), ("cap", "kasus"), ("capaian", "ikm"),
        ("capaian", "pengaduan"), ("kebijakan", ""), ("nilai_rhk", "rhk1"),
        ("nilai_rhk", "rhk2"), ("nilai_hasil_kerja", ""), ("rating_hasil_kerja", ""),
        ("override", ""), ("rating_perilaku", ""), ("predikat", ""),
        ("konversi", "konversi_angka_kredit"), ("konversi", "konversi_tpp_persen"),
        ("konversi", "konversi_tindak_lanjut"), ("konversi", "konversi_insentif_target"),
        ("konversi", "konversi_teguran_tertulis"), ("konversi", "konversi_tpp_rupiah"),
    ]  # fmt: skip
    for step in trace:
        assert list(step) == ["what", "subject", "rule", "inputs", "result", "detail"]
    assert trace[2] == {
        "what": "cap", "subject": "kasus", "rule": "cap 110 %", "inputs": {"capaian": "120"},
        "result": "110", "detail": "cap applied",
    }  # fmt: skip
    assert trace[3]["inputs"] == {"realisasi": "86.4", "lo": "80", "hi": "90"}
    assert trace[4] == {
        "what": "capaian", "subject": "pengaduan", "rule": "belum dilaporkan", "inputs": {},
        "result": None, "detail": "not yet reported",
    }  # fmt: skip
    assert trace[6] == {
        "what": "nilai_rhk", "subject": "rhk1", "rule": "nilai_rhk",
        "inputs": {"capaian": [V_116, "110"], "bobot": ["50", "50"]}, "result": V_113,
        "detail": "",
    }  # fmt: skip
    assert trace[9] == {
        "what": "rating_hasil_kerja", "subject": "", "rule": "rating_hasil_kerja",
        "inputs": {"nilai": V_109}, "result": SESUAI, "detail": "109,33 ∈ [90, 110)",
    }  # fmt: skip
    assert trace[12]["inputs"] == {"hasil": DI_ATAS, "perilaku": DI_ATAS}
    assert trace[12]["detail"] == "sel (di_atas, di_atas)"
    assert trace[13]["result"] is None
    assert trace[13]["detail"] == "not applicable: no jenjang"
    assert trace[17]["result"] is False
    assert trace[18]["result"] == ["3089287.5", "4752750"]


def test_to_dict_of_a_step_is_the_trace_entry(result: Appraisal) -> None:
    step = next(s for s in result.trace if s.what == "override")
    assert step.to_dict() == {
        "what": "override",
        "subject": "",
        "rule": "rating_hasil_kerja",
        "inputs": {"rekomendasi": SESUAI},
        "result": DI_ATAS,
        "detail": "menangani lonjakan permohonan KTP-el setelah banjir",
    }


# --------------------------------------------------------------------------- explanations


def test_explain_id_shows_values_in_indonesian_format(result: Appraisal) -> None:
    lines = result.explain("id").splitlines()
    for line in [
        "RHK 1 (utama, bobot 70 %): Layanan administrasi kependudukan selesai tepat waktu",
        "  • Rata-rata waktu penyelesaian layanan: target 3 hari, realisasi 2,50 hari → "
        "capaian 116,67 %",
        "  • Permohonan diselesaikan: target 150 berkas, realisasi 180 berkas → capaian 110 % "
        "(dibatasi 110 % (sebelumnya 120 %))",
        "  • Indeks kepuasan masyarakat: target 80–90 indeks, realisasi 86,40 indeks → "
        "capaian 100 %",
        "  • Pengaduan ditindaklanjuti: target 12 pengaduan; belum dilaporkan",
        "  Nilai RHK: 113,33",
        "Nilai hasil kerja: 109,33",
        # labels by their text, booleans as ya/tidak, a list as [a; b] with 2 places
        "Konversi: tpp_persen = 65, tindak_lanjut = Usulan penghargaan, insentif_target = ya, "
        "teguran_tertulis = tidak, tpp_rupiah = [3.089.287,50; 4.752.750]",
    ]:
        assert line in lines


def test_explain_en_shows_values_in_english_format(result: Appraisal) -> None:
    lines = result.explain("en").splitlines()
    for line in [
        "Planned result (RHK) 1 (main, weight 70 %): "
        "Layanan administrasi kependudukan selesai tepat waktu",
        "  • Rata-rata waktu penyelesaian layanan: target 3 hari, achieved 2.50 hari → "
        "achievement 116.67 %",
        "      rule: capaian_waktu_layanan, weight 50 %",
        "  • Indeks kepuasan masyarakat: target 80–90 indeks, achieved 86.40 indeks → "
        "achievement 100 %",
        "Work result value: 109.33",
        "Conversions: tpp_persen = 65, tindak_lanjut = Usulan penghargaan, "
        "insentif_target = yes, teguran_tertulis = no, tpp_rupiah = [3,089,287.50; 4,752,750]",
    ]:
        assert line in lines


def test_feedback_in_english_rounds_to_two_places(result: Appraisal) -> None:
    # feedback writes English numbers with the scoring module's default of 2 places.
    text = feedback(result, lang="en").items[0].text
    assert "achieved 2.5 hari against a target of 3 hari, achievement 116.67 %" in text


@pytest.mark.parametrize(
    ("value", "places", "fixed", "shown"),
    [
        (Decimal("1234.5"), 2, False, "1.234,50"),
        (Fraction(6178575, 2), 2, False, "3.089.287,50"),
        (4752750, 2, False, "4.752.750"),  # whole numbers without decimals
        (Decimal("100.00"), 2, False, "100"),
        (0, 2, False, "0"),
        (Fraction(2, 3), 2, False, "0,67"),
        (Decimal("2.675"), 2, False, "2,68"),  # half up, exactly (a float would give 2,67)
        (Decimal("-1234.565"), 2, False, "-1.234,57"),  # half away from zero
        (Fraction(1, 3), 3, False, "0,333"),
        (Decimal("28.125"), 1, False, "28,1"),
        (117, 1, True, "117,0"),  # fixed: aligned tables keep the decimals
        (1250, 2, True, "1.250,00"),
    ],
)
def test_format_number_id(value: Any, places: int, fixed: bool, shown: str) -> None:
    assert format_number_id(value, places, fixed=fixed) == shown


def test_format_number_id_defaults() -> None:
    # Documented: 2 places, half up, and whole numbers without decimals unless fixed.
    assert format_number_id(Fraction(1, 3)) == "0,33"
    assert format_number_id(Fraction(350, 3)) == "116,67"
    assert format_number_id(95) == "95"


# --------------------------------------------------------------------------- error results


def _bad(change: str) -> Any:
    data = plan_data()
    if change == "nan_realisasi":
        data["realisations"][0]["value"] = "NaN"
    elif change == "no_id_short_nip":
        del data["id"]
        data["employee"]["nip"] = NIP[:-1]
    elif change == "no_employee":
        del data["employee"]
    elif change == "json_text":  # the plan as JSON text instead of parsed
        return json.dumps(data)
    return data


@pytest.mark.parametrize(
    ("change", "plan_id", "employee", "error"),
    [
        ("nan_realisasi", PLAN_ID, NIP,
         "employee 199208172019032011, field 'realisations.0.value': "
         "'NaN' is not a finite decimal number"),
        ("no_id_short_nip", "?", "19920817201903201",
         "employee 19920817201903201, field 'id': 2 problems in Plan: id: Field required; "
         "employee.nip: a NIP has 18 digits, got 17 ('19920817201903201')"),
        ("no_employee", PLAN_ID, "?", "field 'employee': Field required"),
        ("json_text", "?", "?", "Input should be a valid dictionary or instance of Plan"),
    ],
)  # fmt: skip
def test_error_result_of_an_invalid_raw_plan(
    change: str, plan_id: str, employee: str, error: str
) -> None:
    # Before validation only the raw item is known: its id and the NIP the error names, or "?".
    items: list[Any] = [_bad(change), plan_data()]
    bad, good = appraise_many(items, BOOK)
    assert (bad.plan_id, bad.employee, bad.employee_name, bad.unit, bad.period) == (
        plan_id, employee, "", "", "",
    )  # fmt: skip
    assert (bad.status, bad.ok, bad.error, bad.rulebook) == (
        "error", False, error, "gajahmungkur-keluaran 1",
    )  # fmt: skip
    assert bad.rhk == () and bad.nilai_hasil_kerja is None and bad.predikat is None
    assert bad.trace == () and bad.conversions == {}
    assert good.status == "complete"


def test_error_results_of_valid_plans_that_fail_scoring() -> None:
    # Once validated, the plan names its employee, unit and period even when scoring fails.
    weights = plan_data()
    weights["rhk"][0]["weight"] = 65  # 65 + 30 = 95 %
    rating = plan_data()
    rating["behaviour"] = {"rating": "istimewa"}
    results = list(appraise_many([weights, Plan.model_validate(rating)], BOOK))
    who = "employee 199208172019032011 (Nur Aini), plan skp-2026-q2-006: "
    expected = [
        who + 'RHK weights: weights add up to 95 %, not 100 % (write thirds exactly, e.g. "100/3")',
        who + "behaviour rating: 'istimewa' is not a rating; expected one of "
        "'Di Atas Ekspektasi', 'Sesuai Ekspektasi', 'Di Bawah Ekspektasi'",
    ]
    for result, error in zip(results, expected, strict=True):
        assert (result.plan_id, result.employee, result.employee_name) == (
            PLAN_ID, NIP, "Nur Aini",
        )  # fmt: skip
        assert (result.unit, result.period, result.status, result.error) == (
            "gajahmungkur", "2026-Q2", "error", error,
        )  # fmt: skip
        assert result.nilai_hasil_kerja is None and result.trace == ()


def test_error_result_json_exactly() -> None:
    data = plan_data()
    data["rhk"][0]["weight"] = 65
    (result,) = appraise_many([data], BOOK)
    assert result.to_json(trace=True) == (
        "{\n"
        '  "plan_id": "skp-2026-q2-006",\n'
        '  "employee": "199208172019032011",\n'
        '  "employee_name": "Nur Aini",\n'
        '  "unit": "gajahmungkur",\n'
        '  "period": "2026-Q2",\n'
        '  "status": "error",\n'
        '  "rulebook": "gajahmungkur-keluaran 1",\n'
        '  "rhk": [],\n'
        '  "nilai_hasil_kerja": null,\n'
        '  "rating_hasil_kerja_rekomendasi": null,\n'
        '  "rating_hasil_kerja": null,\n'
        '  "rating_perilaku": null,\n'
        '  "predikat_rekomendasi": null,\n'
        '  "predikat": null,\n'
        '  "overrides": [],\n'
        '  "conversions": {},\n'
        '  "notes": [],\n'
        '  "trace": [],\n'
        '  "error": "employee 199208172019032011 (Nur Aini), plan skp-2026-q2-006: RHK weights: '
        'weights add up to 95 %, not 100 % (write thirds exactly, e.g. \\"100/3\\")"\n'
        "}"
    )
    assert result.explain("en").splitlines()[2] == (
        "Could not be appraised: employee 199208172019032011 (Nur Aini), plan skp-2026-q2-006: "
        'RHK weights: weights add up to 95 %, not 100 % (write thirds exactly, e.g. "100/3")'
    )


# --------------------------------------------------------------------------- violations

STAFF = [f"19900101201503100{i}" for i in range(1, 5)]


def _unit(predikat: list[str]) -> list[Appraisal]:
    book = rulebooks.load("permenpanrb-6-2022")
    return [
        Appraisal(f"skp-2026-{i:03d}", nip, "", "gajahmungkur", "2026", "complete",
                  predikat=book.label("predikat", text))
        for i, (nip, text) in enumerate(zip(STAFF, predikat, strict=True), 1)
    ]  # fmt: skip


def test_violation_to_dict(permenpanrb_6_2022: Rulebook) -> None:
    # SE MenPANRB 3/2023: a unit rated Baik needs a majority rated Baik and at least one
    # employee rated Butuh Perbaikan or Kurang; a unit rated Istimewa at most 70 % Sangat Baik.
    book = permenpanrb_6_2022
    sb, b = "Sangat Baik", "Baik"
    baik = check_distribution("Baik", _unit([sb, sb, sb, b]), book)
    assert [v.to_dict() for v in baik.violations] == [
        {
            "rule": "mayoritas (> 50 %) Baik",
            "group": _label("kelompok", "b", "Baik"),
            "count": 1,
            "total": 4,
            "share": "0.25",
            "limit": "0.5",
            "employees": ["199001012015031004"],
        },
        {
            "rule": "minimal 1 orang Butuh Perbaikan atau Kurang/Misconduct",
            "group": _label("kelompok", "bp_k", "Butuh Perbaikan atau Kurang/Misconduct"),
            "count": 0,
            "total": 4,
            "share": "0",
            "limit": "1",
            "employees": [],
        },
    ]
    istimewa = check_distribution("Istimewa", _unit([sb] * 4), book)
    (too_many,) = istimewa.violations
    data = too_many.to_dict()
    assert list(data) == ["rule", "group", "count", "total", "share", "limit", "employees"]
    assert data == {
        "rule": "maksimal 70 % Sangat Baik",
        "group": _label("kelompok", "sb", "Sangat Baik"),
        "count": 4,
        "total": 4,
        "share": "1",
        "limit": "0.7",
        "employees": STAFF,
    }
    assert json.loads(json.dumps(data)) == data  # JSON-ready as it is
