"""Credit points across years (issue 16, item 6): scoring.credit.accumulate.

The numbers are PermenPANRB 1/2023 with PerBKN 3/2023: AK per period = bulan / 12 ×
persentase(predikat) × koefisien(jenjang) (Lampiran: Sangat Baik 150 %, Baik 100 %, Butuh
Perbaikan 75 %, Kurang 50 %, Sangat Kurang 25 %; Terampil 5, Ahli Pertama 12.5, Ahli Muda 25),
and the angka kredit kumulatif (AKK) of the Lampiran: kenaikan pangkat II/a 15, II/b 20, II/c 20,
II/d 20, III/a 50, III/b 50, III/c 100 (printed); III/d-IV/d and the jenjang totals are params
documented as readings (angka-kredit-2023.kinerja, docs/rulebooks.md). Every expected value
below is computed by hand in its comment.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from pydantic import ValidationError

from kinerja_engine import rulebooks
from kinerja_engine.errors import ModelError, UsageError
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.report import feedback
from kinerja_engine.report.wording import credit_sentences
from kinerja_engine.scoring import appraise
from kinerja_engine.scoring.credit import CreditPeriod, CreditStanding, accumulate

AK = rulebooks.load("angka-kredit-2023")


def year(y: int, predikat: str, jenjang: str = "Ahli Pertama") -> dict[str, object]:
    return {"period": str(y), "predikat": predikat, "jenjang": jenjang}


def test_ahli_pertama_three_years_against_iii_b_and_ahli_muda() -> None:
    history = [year(2023, "Baik"), year(2024, "baik"), year(2025, "Sangat Baik")]
    s = accumulate(history, AK, golongan="III/a")
    # 12.5 + 12.5 + 150 % × 12.5 = 12.5 + 12.5 + 18.75 = 43.75
    assert [e.angka_kredit for e in s.entries] == [
        Fraction(25, 2),
        Fraction(25, 2),
        Fraction(75, 4),
    ]
    assert s.total == Fraction(175, 4) and s.total_rounded == Fraction(175, 4)
    assert (s.jenjang, s.golongan, s.predikat, s.months_per_period) == (
        "Ahli Pertama", "III/a", "Sangat Baik", 12)  # fmt: skip
    assert s.ak_per_period == Fraction(75, 4)
    # III/a → III/b: AKK 50 (Lampiran); 50 − 43.75 = 6.25; 6.25 / 18.75 → 1 more year.
    p = s.pangkat
    assert p is not None
    assert (p.to, p.requirement, p.remaining, p.periods_needed, p.met) == (
        "III/b", 50, Fraction(25, 4), 1, False)  # fmt: skip
    # Ahli Pertama → Ahli Muda: 100 (reading); 56.25 / 18.75 = 3 years exactly.
    j = s.jenjang_berikutnya
    assert j is not None
    assert (j.to, j.requirement, j.remaining, j.periods_needed) == (
        "Ahli Muda", 100, Fraction(225, 4), 3)  # fmt: skip


def test_terampil_butuh_perbaikan_needs_four_more_years() -> None:
    history = [year(2024, "Butuh Perbaikan", "Terampil"), year(2025, "Butuh Perbaikan", "Terampil")]
    s = accumulate(history, AK, golongan="II/b")
    # 75 % × 5 = 3.75 a year; 7.5 of 20 (II/b → II/c); 12.5 / 3.75 = 3.33… → 4 years.
    assert s.total == Fraction(15, 2)
    assert s.pangkat is not None and s.pangkat.periods_needed == 4
    assert s.pangkat.remaining == Fraction(25, 2)
    # Terampil → Mahir: 60 (reading, = 20 + 20 + 20); 52.5 / 3.75 = 14 exactly.
    assert s.jenjang_berikutnya is not None and s.jenjang_berikutnya.periods_needed == 14


def test_semesters_count_their_months() -> None:
    history = [
        {"period": "2024-S1", "predikat": "Baik", "jenjang": "Ahli Muda"},
        {"period": "2024-S2", "predikat": "Sangat Baik", "jenjang": "Ahli Muda"},
    ]
    s = accumulate(history, AK)
    # 6/12 × 25 = 12.5 and 6/12 × 150 % × 25 = 18.75: 31.25; next period like the last: 18.75.
    assert s.total == Fraction(125, 4) and s.months_per_period == 6
    assert s.pangkat is None  # no golongan given
    j = s.jenjang_berikutnya
    assert j is not None and j.to == "Ahli Madya"
    # 200 − 31.25 = 168.75 = 9 × 18.75: exactly 9 periods, not 10.
    assert (j.remaining, j.periods_needed) == (Fraction(675, 4), 9)


def test_summed_unrounded_and_rounded_once() -> None:
    # PerBKN 3/2023 example: Ahli Pertama, Sangat Baik, a full year → 18.75. Month by month
    # each is 1.5625; rounding each first would give 12 × 1.56 = 18.72.
    history = [
        {"period": f"2025-{m:02d}", "predikat": "Sangat Baik", "jenjang": "Ahli Pertama"}
        for m in range(1, 13)
    ]
    s = accumulate(history, AK)
    assert s.total == Fraction(75, 4) and s.total_rounded == Fraction(75, 4)
    two = accumulate(history[:2], AK)
    # 2 × 1.5625 = 3.125 → 3.13 half up (never banker's 3.12).
    assert two.total == Fraction(25, 8) and two.total_rounded == Fraction(313, 100)


def test_given_ak_and_a_requirement_met() -> None:
    history = [{"period": "2024", "predikat": "Baik", "jenjang": "Ahli Pertama",
                "angka_kredit": "45.5"}, year(2025, "Baik")]  # fmt: skip
    s = accumulate(history, AK, golongan="III/a")
    assert [e.given for e in s.entries] == [True, False]
    assert s.total == Fraction(58)  # 45.5 + 12.5
    assert s.pangkat is not None and s.pangkat.met and s.pangkat.periods_needed == 0
    assert s.pangkat.remaining == 0
    assert credit_sentences(s)[0] == (
        "Angka kredit untuk kenaikan pangkat ke III/b: 58 dari 50 yang dibutuhkan, sudah terpenuhi."
    )


def test_only_the_current_jenjang_and_pangkat_window_count() -> None:
    history = [year(2022, "Sangat Baik"), year(2023, "Baik", "Ahli Muda"),
               year(2024, "Baik", "Ahli Muda"), year(2025, "Baik", "Ahli Muda")]  # fmt: skip
    s = accumulate(history, AK, golongan="III/d", pangkat_since="2024")
    assert s.total == Fraction(75, 4) + 75  # every period, as counted
    j = s.jenjang_berikutnya
    assert j is not None and j.total == 75  # 3 × 25 in Ahli Muda only
    p = s.pangkat
    # III/d is Ahli Muda's highest golongan: IV/a comes with Ahli Madya; 2 years since 2024.
    assert p is not None and p.with_jenjang and p.to == "IV/a" and p.total == 50
    assert "(bersama kenaikan jenjang)" in credit_sentences(s)[0]


def test_no_higher_pangkat_or_jenjang() -> None:
    s = accumulate([year(2025, "Baik", "Penyelia")], AK, golongan="III/d")
    assert s.pangkat is None and s.jenjang_berikutnya is None
    assert credit_sentences(s) == []
    top = accumulate([year(2025, "Baik", "Ahli Utama")], AK, golongan="IV/e")
    assert top.pangkat is None and top.jenjang_berikutnya is None


def test_the_two_requirement_tables_agree() -> None:
    # A jenjang's AKK is the sum of the pangkat steps inside it (PermenPANRB 1/2023 Lampiran):
    # from the jenjang's first golongan to its highest.
    first = {"pemula": "ii_a", "terampil": "ii_b", "mahir": "iii_a", "ahli_pertama": "iii_a",
             "ahli_muda": "iii_c", "ahli_madya": "iv_a"}  # fmt: skip
    members = [m.name for m in AK.enum("golongan").members]
    for jenjang, start in first.items():
        top = AK.evaluate("golongan_puncak", jenjang=jenjang).name
        steps = members[members.index(start) : members.index(top) + 1]
        total = sum(AK.evaluate("akk_pangkat", golongan=g) for g in steps)
        assert AK.evaluate("akk_jenjang", jenjang=jenjang) == total, jenjang


def test_readings_are_params_with_their_defaults() -> None:
    params = AK.parameters
    assert params["akk_pangkat_iii_d"] == 100 and params["akk_pangkat_iv_a"] == 150
    assert params["akk_pangkat_iv_c"] == 150 and params["akk_pangkat_iv_d"] == 200
    assert params["akk_jenjang_ahli_pertama"] == 100 and params["akk_jenjang_ahli_madya"] == 450
    assert params["akk_jenjang_terampil"] == 60
    changed = AK.with_params(akk_jenjang_ahli_pertama=120)
    s = accumulate([year(2025, "Baik")], changed)
    assert s.jenjang_berikutnya is not None and s.jenjang_berikutnya.requirement == 120
    assert "READING" in rulebooks.source("angka-kredit-2023")


def test_errors_name_the_entry() -> None:
    with pytest.raises(ModelError) as info:
        accumulate([year(2024, "Baik"), {"period": "2024-S2", "predikat": "Baik",
                                         "jenjang": "Ahli Pertama"}], AK)  # fmt: skip
    assert info.value.field == "history.1.period" and "count twice" in info.value.message
    with pytest.raises(ModelError) as info:
        accumulate([year(2024, "Baik"), year(2025, "Sangat Baek")], AK)
    assert info.value.field == "history.1.predikat"
    assert "did you mean" in info.value.message
    with pytest.raises(ModelError) as info:
        accumulate([year(2024, "Baik", "Ahli Pertamax")], AK)
    assert info.value.field == "history.0.jenjang"
    with pytest.raises(ModelError) as info:
        accumulate([{**year(2024, "Baik"), "months": 13}], AK)
    assert info.value.field == "history.0.months"
    with pytest.raises(ModelError) as info:
        accumulate([{**year(2024, "Baik"), "angka_kredit": "-1"}], AK)
    assert info.value.field == "history.0.angka_kredit"
    with pytest.raises(ModelError, match="golongan"):
        accumulate([year(2024, "Baik")], AK, golongan="III/z")
    with pytest.raises(UsageError, match="no periods"):
        accumulate([], AK)
    with pytest.raises(UsageError, match="akk_jenjang"):
        accumulate([year(2024, "Baik")], rulebooks.load("permenpanrb-6-2022"))
    with pytest.raises(UsageError, match="parameter 'rulebook'"):
        accumulate([year(2024, "Baik")], "angka-kredit-2023")  # type: ignore[arg-type]


def test_records_are_typed_and_round_trip() -> None:
    s = accumulate([year(2024, "Baik"), year(2025, "Sangat Baik")], AK, golongan="III/a")
    text = s.model_dump_json()
    assert json.loads(text)["pangkat"]["remaining"] == "18.75"  # 50 − 31.25
    assert CreditStanding.model_validate_json(text) == s
    assert "pangkat" in json.dumps(CreditStanding.model_json_schema())
    with pytest.raises(ValidationError, match="frozen"):
        s.total = Fraction(0)  # type: ignore[misc]
    assert CreditPeriod(period="2024", predikat="Baik", jenjang="Ahli Pertama").month_count() == 12


def test_feedback_carries_the_credit_sentences() -> None:
    data = example_plan().model_dump()
    data["realisations"] = [{"indicator": "i1", "value": 3}, {"indicator": "i2", "value": 85}]
    data["behaviour"] = {"rating": "sesuai"}
    appraisal = appraise(Plan.model_validate(data), rulebooks.load("gajahmungkur"))
    standing = accumulate([year(2024, "Baik"), year(2025, "Baik")], AK, golongan="III/a")
    items = feedback(appraisal, credit=standing).items
    pangkat, jenjang = items[-2:]
    # 25 of 50 (III/a → III/b), 25 short: 2 more years at Baik (12.5 a year).
    assert pangkat.subject == "angka_kredit_pangkat" and pangkat.kind == "info"
    assert pangkat.text == (
        "Angka kredit untuk kenaikan pangkat ke III/b: 25 dari 50 yang dibutuhkan, kurang 25. "
        "Dengan predikat Baik (12,5 per tahun) dibutuhkan 2 tahun lagi."
    )
    assert pangkat.numbers == {"total": 25, "kebutuhan": 50, "sisa": 25, "periode": 2}
    assert jenjang.text == (
        "Angka kredit untuk kenaikan jenjang ke Ahli Muda: 25 dari 100 yang dibutuhkan, "
        "kurang 75. Dengan predikat Baik (12,5 per tahun) dibutuhkan 6 tahun lagi."
    )
    english = feedback(appraisal, lang="en", credit=standing).items[-1].text
    assert english == (
        "Credit points for promotion to jenjang Ahli Muda: 25 of the 100 required, 75 to go. "
        "At predikat Baik (12.5 per year) that takes 6 more years."
    )
    assert feedback(appraisal).items == feedback(appraisal, credit=None).items
    semester = accumulate([{"period": "2025-S2", "predikat": "Kurang", "jenjang": "Ahli Muda"}], AK)
    # 6/12 × 50 % × 25 = 6.25 per semester; 193.75 / 6.25 = 31 periods.
    assert credit_sentences(semester)[0].endswith(
        "Dengan predikat Kurang/Misconduct (6,25 per periode 6 bulan) dibutuhkan 31 periode lagi."
    )


def test_a_history_from_scored_quarters() -> None:
    from kinerja_engine.demo import load_unit

    book = rulebooks.load("gajahmungkur")
    quarters = [appraise(plan, book) for plan in load_unit().plans[0]]
    assert all(q.predikat is not None for q in quarters)
    history = [CreditPeriod.of(q, "Ahli Muda") for q in quarters]
    s = accumulate(history, book)
    # Each quarter: 3/12 × persentase(predikat) × 25; the total is their exact sum.
    expected = sum(
        Fraction(3, 12) * {"Sangat Baik": Fraction(3, 2), "Baik": 1, "Butuh Perbaikan":
                           Fraction(3, 4), "Kurang/Misconduct": Fraction(1, 2),
                           "Sangat Kurang": Fraction(1, 4)}[str(q.predikat)] * 25
        for q in quarters
    )  # fmt: skip
    assert s.total == expected and s.months_per_period == 3
    incomplete = appraise(example_plan(), book)
    with pytest.raises(UsageError, match="has no predikat"):
        CreditPeriod.of(incomplete, "Ahli Muda")


def test_entry_errors_read_well() -> None:
    with pytest.raises(ModelError) as info:
        accumulate([{"period": "2024"}], AK)
    assert str(info.value) == (
        "field 'history.0': 2 problems in CreditPeriod: predikat: Field required; "
        "jenjang: Field required"
    )
    with pytest.raises(ModelError) as info:
        accumulate([{**year(2024, "Baik"), "angka_kredit": "-1"}], AK)
    assert str(info.value) == (
        "field 'history.0.angka_kredit': angka kredit cannot be negative, got -1"
    )
