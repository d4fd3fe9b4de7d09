"""The 21 panduan perilaku BerAKHLAK as data (issue 16, item 7): SE MenPANRB 20/2021 Lampiran,
as the SKP form of PermenPANRB 6/2022 prints them; the behaviour form; the explanation."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from kinerja_engine import Rulebook, rulebooks
from kinerja_engine.errors import UsageError
from kinerja_engine.models import CoreValue, Plan, example_plan
from kinerja_engine.report import BehaviourForm, behaviour_form
from kinerja_engine.scoring import appraise, check_pipeline
from kinerja_engine.scoring.behaviour import panduan_perilaku

NATIONAL = rulebooks.load("permenpanrb-6-2022")

# The regulation's numbering and a few guides word for word (SE MenPANRB 20/2021 Lampiran).
EXPECTED = {
    "1.1": "Memahami dan memenuhi kebutuhan masyarakat",
    "1.2": "Ramah, cekatan, solutif, dan dapat diandalkan",
    "2.3": "Tidak menyalahgunakan kewenangan jabatan",
    "3.2": "Membantu orang lain belajar",
    "4.1": "Menghargai setiap orang apapun latar belakangnya",
    "5.3": "Menjaga rahasia jabatan dan negara",
    "6.3": "Bertindak proaktif",
    "7.3": "Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama",
}


def test_21_guides_three_per_core_value_in_the_acronyms_order() -> None:
    guides = panduan_perilaku(NATIONAL)
    assert len(guides) == 21
    per_value = Counter(g.nilai_dasar.text for g in guides)
    assert per_value == {c.value: 3 for c in CoreValue}
    # BerAKHLAK: Berorientasi Pelayanan, Akuntabel, Kompeten, Harmonis, Loyal, Adaptif,
    # Kolaboratif, numbered 1-7; guides 1-3 within each.
    order = list(dict.fromkeys((g.nomor_nilai, g.nilai_dasar.text) for g in guides))
    assert order == [(i, c.value) for i, c in enumerate(CoreValue, 1)]
    assert [g.code for g in guides] == [f"{v}.{n}" for v in range(1, 8) for n in (1, 2, 3)]
    texts = {g.code: g.text for g in guides}
    for code, text in EXPECTED.items():
        assert texts[code] == text
    assert len(set(texts.values())) == 21


def test_the_rulebook_names_its_source_and_the_pipeline_accepts_the_tables() -> None:
    source = rulebooks.source("permenpanrb-6-2022")
    assert "SE MenPANRB No. 20 Tahun 2021" in source
    assert check_pipeline(NATIONAL) == []
    assert NATIONAL.evaluate("nomor_panduan", p="Bertindak proaktif") == 3
    assert NATIONAL.evaluate("nilai_dasar_panduan", p="loyal_2").text == "Loyal"


def test_the_blank_form() -> None:
    form = behaviour_form(NATIONAL)
    assert len(form.rows) == 21 and form.plan_id == ""
    row = form.rows[4]
    assert (row.nilai_dasar, row.nomor_nilai, row.nomor, row.code) == ("Akuntabel", 2, 2, "2.2")
    assert row.panduan == (
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, "
        "dan efisien"
    )
    assert (row.ekspektasi, row.umpan_balik) == ("", "")
    lines = form.text().splitlines()
    assert lines[:5] == [
        "PERILAKU KERJA",
        "1. Berorientasi Pelayanan",
        "   1.1 Memahami dan memenuhi kebutuhan masyarakat",
        "   1.2 Ramah, cekatan, solutif, dan dapat diandalkan",
        "   1.3 Melakukan perbaikan tiada henti",
    ]
    assert lines[5:7] == ["   Ekspektasi khusus pimpinan: -", "   Umpan balik: -"]
    assert len(lines) == 1 + 7 * (1 + 3 + 2)
    assert form.text("en").splitlines()[0] == "WORK BEHAVIOUR"


def test_the_form_filled_from_a_plan() -> None:
    data = example_plan().model_dump()
    data["expectations"] = {"adaptif": "menguasai aplikasi baru"}
    data["behaviour"] = {"rating": "sesuai", "per_value": {"Adaptif": "cepat belajar"}}
    plan = Plan.model_validate(data)
    form = behaviour_form(rulebooks.load("gajahmungkur"), plan)  # extends 6/2022
    adaptif = [r for r in form.rows if r.nilai_dasar == "Adaptif"]
    assert [r.code for r in adaptif] == ["6.1", "6.2", "6.3"]
    assert {(r.ekspektasi, r.umpan_balik) for r in adaptif} == {
        ("menguasai aplikasi baru", "cepat belajar")
    }
    assert all(r.ekspektasi == "" for r in form.rows if r.nilai_dasar != "Adaptif")
    assert form.plan_id == plan.id
    text = form.text()
    assert (
        "   Ekspektasi khusus pimpinan: menguasai aplikasi baru\n   Umpan balik: cepat belajar"
        in text
    )
    assert BehaviourForm.model_validate_json(form.model_dump_json()) == form
    assert "rows" in json.dumps(BehaviourForm.model_json_schema())


def test_a_rulebook_without_guides_or_with_broken_numbering() -> None:
    with pytest.raises(UsageError, match="declares no panduan perilaku"):
        behaviour_form(rulebooks.load("pp-46-2011"))
    broken = Rulebook.parse(
        'rulebook "r"\n'
        "enum nilai_dasar { a, b }\n"
        "enum panduan_perilaku { a1, a2, b1 }\n"
        "matrix nomor_nilai_dasar(n: nilai_dasar) { a -> 1, b -> 2 }\n"
        "matrix nilai_dasar_panduan(p: panduan_perilaku) {\n"
        "    a1 -> nilai_dasar.a, a2 -> nilai_dasar.a, b1 -> nilai_dasar.b }\n"
        "matrix nomor_panduan(p: panduan_perilaku) { a1 -> 1, a2 -> 3, b1 -> 1 }\n"
    )
    with pytest.raises(UsageError, match=r"numbered \[1, 3\], not 1 to 2"):
        behaviour_form(broken)
    with pytest.raises(UsageError, match="parameter 'rulebook'"):
        behaviour_form("permenpanrb-6-2022")  # type: ignore[arg-type]


def test_the_explanation_shows_the_guides_of_the_perilaku_part() -> None:
    data = example_plan().model_dump()
    data["realisations"] = [
        {"indicator": "i1", "value": 3},
        {"indicator": "i2", "value": 85},
    ]
    data["behaviour"] = {"rating": "di atas", "per_value": {"kolaboratif": "memimpin tim"}}
    data["expectations"] = {"kompeten": "sertifikasi"}
    appraisal = appraise(Plan.model_validate(data), rulebooks.load("gajahmungkur"))
    lines = appraisal.explain().splitlines()
    at = lines.index("Rating Perilaku Kerja: Di Atas Ekspektasi")
    assert lines[at + 1] == "  • 1. Berorientasi Pelayanan: belum ada"
    assert lines[at + 2] == "      1.1 Memahami dan memenuhi kebutuhan masyarakat"
    assert "  • 3. Kompeten: belum ada; ekspektasi khusus pimpinan: sertifikasi" in lines
    assert "  • 7. Kolaboratif: memimpin tim" in lines
    assert (
        lines[at + 28]
        == "      7.3 Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama"
    )
    english = appraisal.explain(lang="en")
    assert "3. Kompeten: none yet; leader's specific expectation: sertifikasi" in english
    # Without per-value notes or expectations the explanation stays as before.
    del data["behaviour"]["per_value"], data["expectations"]
    plain = appraise(Plan.model_validate(data), rulebooks.load("gajahmungkur")).explain()
    assert "1.1 Memahami" not in plain
