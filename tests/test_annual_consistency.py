"""Issue 15 item 5: appraise_year refuses inconsistent years; overrides record who and when."""

from __future__ import annotations

from typing import Any

import pytest

from kinerja_engine import (
    Label,
    ModelError,
    Override,
    Period,
    Plan,
    UsageError,
    appraise,
    appraise_year,
    rulebooks,
)
from kinerja_engine.demo import load_unit
from kinerja_engine.scoring.results import OverrideRecord

BOOK = rulebooks.load("gajahmungkur")
QUARTERS: list[Plan] = list(load_unit().plans[0])
OTHER: list[Plan] = list(load_unit().plans[1])


def _relabel(plan: Plan, period: str, suffix: str) -> Plan:
    return plan.model_copy(update={"period": Period.parse(period), "id": plan.id + suffix})


def test_full_year_is_complete_with_nothing_missing() -> None:
    year = appraise_year(QUARTERS, BOOK)
    assert year.missing_periods == ()
    assert not any("tanpa rencana" in n for n in year.notes)


def test_plans_of_two_employees_are_refused() -> None:
    assert OTHER[0].employee.nip != QUARTERS[0].employee.nip
    with pytest.raises(UsageError) as err:
        appraise_year([*QUARTERS[:3], OTHER[3]], BOOK)
    assert OTHER[3].employee.nip in err.value.message
    assert QUARTERS[0].employee.nip in err.value.message


def test_plan_of_another_year_is_refused() -> None:
    previous_q4 = _relabel(QUARTERS[3], "2025-Q4", "-2025")
    with pytest.raises(UsageError, match=r"2025-Q4.*outside the year 2026"):
        appraise_year([*QUARTERS[:3], previous_q4], BOOK)


def test_annual_plan_of_another_year_is_refused() -> None:
    annual = _relabel(QUARTERS[3], "2025", "-annual")
    with pytest.raises(UsageError, match="outside the year"):
        appraise_year(QUARTERS, BOOK, annual=annual)


def test_duplicate_period_is_refused() -> None:
    again = QUARTERS[1].model_copy(update={"id": "copy"})
    with pytest.raises(UsageError, match="both of 2026-Q2"):
        appraise_year([*QUARTERS, again], BOOK)


def test_months_overlapping_their_quarter_are_refused() -> None:
    months = [_relabel(QUARTERS[0], f"2026-{m:02d}", f"-m{m}") for m in (1, 2, 3)]
    with pytest.raises(UsageError, match="overlaps"):
        appraise_year([*QUARTERS, *months], BOOK)


def test_three_quarters_are_incomplete_under_tidak_lengkap() -> None:
    policy = BOOK.evaluate("kebijakan_realisasi_kosong")
    assert isinstance(policy, Label) and policy.name == "tidak_lengkap"
    year = appraise_year(QUARTERS[:3], BOOK)
    assert year.status == "incomplete"
    assert year.missing_periods == ("2026-Q4",)
    assert any("2026-Q4" in n for n in year.notes)


def test_missing_periods_are_named_but_allowed_under_kecualikan() -> None:
    lenient = BOOK.with_params(
        kebijakan_realisasi_kosong=BOOK.enum("kebijakan_kosong").resolve("kecualikan")
    )
    full = appraise_year(QUARTERS, lenient)
    assert appraise_year(QUARTERS[:3], BOOK).status == "incomplete"
    year = appraise_year(QUARTERS[:3], lenient)
    assert year.missing_periods == ("2026-Q4",)
    assert year.status == full.status == "complete"
    assert full.missing_periods == ()


def test_missing_months_in_mixed_kinds_are_named_by_month() -> None:
    q1 = QUARTERS[0]
    april = _relabel(QUARTERS[1], "2026-04", "-apr")
    year = appraise_year([q1, april], BOOK)
    assert year.missing_periods[0] == "2026-05"
    assert len(year.missing_periods) == 8


def test_raw_dict_plans_are_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"plans\[0\]"):
        appraise_year([QUARTERS[0].model_dump()], BOOK)  # type: ignore[list-item]


def test_rulebook_name_is_a_usage_error_naming_the_parameter() -> None:
    with pytest.raises(UsageError, match="'rulebook'"):
        appraise_year(QUARTERS, "gajahmungkur")  # type: ignore[arg-type]


# ------------------------------------------------------------------ overrides: by and when

EVALUATOR = "197106151998032004"


def _with_override(plan: Plan, **fields: Any) -> Plan:
    data = plan.model_dump()
    data["overrides"] = [{"what": "predikat", "value": "baik", "reason": "uji", **fields}]
    return Plan.model_validate(data)


def test_override_keeps_by_and_on_in_the_result() -> None:
    plan = _with_override(QUARTERS[0], by=EVALUATOR, on="2026-12-20")
    result = appraise(plan, BOOK)
    [record] = result.override_records
    assert record == OverrideRecord("predikat", "uji", EVALUATOR, record.on)
    assert str(record.on) == "2026-12-20"
    [entry] = result.to_dict()["overrides"]
    assert (entry["by"], entry["on"]) == (EVALUATOR, "2026-12-20")
    assert f"oleh NIP {EVALUATOR}; tanggal 2026-12-20" in result.explain()
    assert f"by NIP {EVALUATOR}; on 2026-12-20" in result.explain("en")


def test_override_by_must_be_a_valid_nip() -> None:
    with pytest.raises(ModelError, match=r"overrides\.0\.by"):
        _with_override(QUARTERS[0], by="12345")


def test_override_on_must_be_a_date() -> None:
    with pytest.raises(ModelError, match=r"overrides\.0\.on"):
        _with_override(QUARTERS[0], on="not a date")


def test_employee_cannot_override_own_rating() -> None:
    own = QUARTERS[0].employee.nip
    with pytest.raises(ModelError, match="cannot override their own rating"):
        _with_override(QUARTERS[0], by=own)


def test_override_model_keeps_by_and_on() -> None:
    o = Override(what="predikat", value="baik", reason="r", by=EVALUATOR, on="2026-01-31")
    assert (o.by, str(o.on)) == (EVALUATOR, "2026-01-31")
