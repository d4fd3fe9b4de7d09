"""Results as a typed public contract (issue 13, item 1).

Every result record is a frozen pydantic model with a published JSON Schema; the demo's
appraisals validate against it with ``jsonschema`` and read back equal from their JSON;
numbers stay exact (decimal text, or ``p/q`` when they do not terminate); labels equal their
text; statuses are enums; the pipeline builds records without validating them (counted).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, ValidationError

from kinerja_engine import (
    Appraisal,
    Change,
    DistributionReport,
    Feedback,
    FeedbackItem,
    IndicatorResult,
    Label,
    PathStep,
    RhkResult,
    Step,
    TargetFlag,
    Violation,
    WhatIf,
    appraise_many,
    check_distribution,
    check_targets,
    feedback,
    path_to_next,
    rulebooks,
    what_if,
)
from kinerja_engine.demo import load_unit, score_unit
from kinerja_engine.scoring.results import BandMatch, OverrideRecord
from kinerja_engine.scoring.typed import (
    DECIMAL_PLACES,
    AppraisalStatus,
    IndicatorStatus,
    Record,
    decimal_view,
    exact_text,
)

BOOK = rulebooks.load("gajahmungkur")
RECORDS: tuple[type[Record], ...] = (
    Appraisal,
    IndicatorResult,
    RhkResult,
    Step,
    BandMatch,
    OverrideRecord,
    DistributionReport,
    Violation,
    Feedback,
    FeedbackItem,
    Change,
    WhatIf,
    PathStep,
    TargetFlag,
)


@pytest.fixture(scope="module")
def demo() -> list[Appraisal]:
    out: list[Appraisal] = []
    for periodic, year in score_unit(load_unit(), BOOK):
        out.extend(periodic)
        out.append(year)
    return out


def test_every_result_class_is_a_frozen_strict_pydantic_model() -> None:
    for cls in RECORDS:
        assert issubclass(cls, BaseModel)
        assert cls.model_config.get("frozen") is True, cls
        assert cls.model_config.get("extra") == "forbid", cls
        assert "properties" in cls.model_json_schema(), cls


def test_every_demo_appraisal_validates_against_the_published_schema(
    demo: list[Appraisal],
) -> None:
    validator = jsonschema.Draft202012Validator(Appraisal.model_json_schema())
    checked = 0
    for a in demo:
        for trace in (False, True):
            validator.validate(json.loads(a.model_dump_json(trace=trace)))
            checked += 1
    assert checked == 2 * len(demo) > 0
    # The schema is strict: an unknown field or a number written as a float is refused.
    data = json.loads(demo[0].model_dump_json())
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**data, "extra": 1})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**data, "nilai_hasil_kerja": 94.5})


def test_every_demo_appraisal_round_trips_through_json(demo: list[Appraisal]) -> None:
    for a in demo:
        back = Appraisal.model_validate_json(a.model_dump_json())
        assert back == a
        assert back.trace == ()  # the default JSON has no trace; equality ignores it
        full = Appraisal.model_validate_json(a.model_dump_json(trace=True))
        assert full == a and full.trace == a.trace and len(full.trace) == len(a.trace)
        assert full.model_dump_json(trace=True) == a.model_dump_json(trace=True)
    assert any(a.trace for a in demo)


def test_numbers_are_exact_decimals_or_exact_fractions() -> None:
    plans = [p for quarters in load_unit().plans for p in quarters]
    results = list(appraise_many(plans[:12], BOOK))
    values = [i.capaian for a in results for i in a.rhk[0].indicators if i.capaian is not None]
    # Result numbers are Numbers (Decimals) since issue 13 item 1: the exact Fraction is .exact
    # (this test read them as Fractions before).
    inexact = next(v for v in values if not v.is_exact)
    exact = inexact.exact
    text = exact_text(inexact)
    assert text == exact_text(exact) == f"{exact.numerator}/{exact.denominator}"
    view = decimal_view(inexact)
    assert isinstance(view, Decimal) and view.as_tuple().exponent == -DECIMAL_PLACES
    assert Decimal(inexact) == view and inexact.as_tuple().exponent == -DECIMAL_PLACES
    assert abs(Fraction(view) - exact) <= Fraction(1, 2 * 10**DECIMAL_PLACES)
    assert decimal_view(Fraction(2, 3)) == Decimal("0.6666666667")  # half up
    assert decimal_view(Fraction(9475, 100)) == Decimal("94.75")  # exact when it terminates
    assert exact_text(Fraction(9475, 100)) == "94.75"
    # Every number in the JSON is exact text, and the Python side stays exact.
    for a in results:
        data = json.loads(a.model_dump_json())
        for rhk in data["rhk"]:
            for ind in rhk["indicators"]:
                if ind["capaian"] is not None:
                    assert Fraction(ind["capaian"]) == a.indicator(ind["id"]).capaian


def test_label_equals_its_text_and_its_name_and_hashes_consistently(
    demo: list[Appraisal],
) -> None:
    baik = next(a.predikat for a in demo if a.predikat is not None and a.predikat.name == "baik")
    assert baik == "Baik" and baik == "baik" and "Baik" == baik  # noqa: SIM300 (str first too)
    assert not any(baik == text for text in ("Cukup", "Sangat Baik"))
    other = Label("predikat", "baik", "another wording")
    assert baik == other and hash(baik) == hash(other)
    assert len({baik, other}) == 1
    sangat = Label("predikat", "sangat_baik", "Sangat Baik")
    assert sangat == "Sangat Baik" and sangat == "sangat_baik"


def test_statuses_are_enums_that_equal_their_text(demo: list[Appraisal]) -> None:
    for a in demo:
        assert isinstance(a.status, AppraisalStatus)
        assert a.status in ("complete", "incomplete", "error")
        for rhk in a.rhk:
            for ind in rhk.indicators:
                assert isinstance(ind.status, IndicatorStatus)
    assert demo[0].status == "complete"
    bad = json.loads(demo[0].model_dump_json())
    bad["status"] = "done"
    with pytest.raises(ValidationError):
        Appraisal.model_validate(bad)


def test_json_has_no_trace_unless_asked(demo: list[Appraisal]) -> None:
    a = demo[0]
    assert a.trace
    assert "trace" not in json.loads(a.to_json())
    assert "trace" in json.loads(a.to_json(trace=True))
    assert "trace" not in json.loads(a.model_dump_json())
    assert len(json.loads(a.model_dump_json(trace=True))["trace"]) == len(a.trace)
    assert a.to_dict()["trace"]  # to_dict keeps its 0.1 form


def test_results_are_frozen_and_copied_with_model_copy(demo: list[Appraisal]) -> None:
    a = demo[0]
    with pytest.raises(ValidationError):
        a.employee = "x"  # type: ignore[misc]
    b = a.model_copy(update={"employee": "x"})
    assert b.employee == "x" and a.employee != "x"
    with pytest.raises(ValidationError):
        Appraisal.model_validate({**json.loads(a.model_dump_json()), "unknown": 1})


def test_the_pipeline_builds_records_without_validating_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    original = Record.__init__

    def counting_init(self: Record, *args: Any, **kwargs: Any) -> None:
        calls.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Record, "__init__", counting_init)
    for cls in RECORDS:
        for name in ("model_validate", "model_validate_json"):
            method = getattr(cls, name)

            def counting(*args: Any, _m: Any = method, _n: str = cls.__name__, **kw: Any) -> Any:
                calls.append(_n)
                return _m(*args, **kw)

            monkeypatch.setattr(cls, name, counting)
    unit = load_unit()
    scored = score_unit(unit, BOOK)
    years = [year for _, year in scored]
    check_distribution(unit.unit_predikat, years, BOOK)
    plan = unit.plans[0][0]
    feedback(scored[0][0][0], rulebook=BOOK)
    what_if(plan, BOOK, realisasi={plan.rhk[0].indicators[0].id: 1})
    path_to_next(plan, BOOK)
    check_targets(plan, BOOK, last=plan)
    records = sum(1 + len(r.rhk) + sum(len(x.indicators) for x in r.rhk) for r in years)
    assert records > 0
    assert calls == []  # not one validation per appraisal, or per anything


def test_other_records_round_trip(demo: list[Appraisal]) -> None:
    unit = load_unit()
    years = demo[4::5]
    report = check_distribution(unit.unit_predikat, years, BOOK)
    assert DistributionReport.model_validate_json(report.model_dump_json()) == report
    jsonschema.validate(json.loads(report.model_dump_json()), report.model_json_schema())
    note = feedback(demo[0], rulebook=BOOK)
    assert Feedback.model_validate_json(note.model_dump_json()) == note
    plan = unit.plans[0][0]
    change = what_if(plan, BOOK, realisasi={plan.rhk[0].indicators[0].id: 1})
    assert change.changes
    assert WhatIf.model_validate_json(change.model_dump_json()) == change
    jsonschema.validate(json.loads(change.model_dump_json()), WhatIf.model_json_schema())
    for step in path_to_next(plan, BOOK):
        assert PathStep.model_validate_json(step.model_dump_json()) == step
    for v in report.violations:
        assert Violation.model_validate_json(v.model_dump_json()) == v


def test_positional_construction_validates_at_the_edge() -> None:
    record = OverrideRecord("predikat", "uji")
    assert record.by is None and record.on is None
    with pytest.raises(ValidationError):
        OverrideRecord("predikat", 5)
    with pytest.raises(TypeError):
        OverrideRecord.build("predikat", "uji", nope=1)
    match = BandMatch("94.74", "90", True, "110", False)
    assert match.value == Fraction(9474, 100) and match.text("en") == "94.74 ∈ [90, 110)"


def test_what_if_json_leaves_out_the_appraisals_traces_unless_asked() -> None:
    plan = load_unit().plans[0][0]
    change = what_if(plan, BOOK, realisasi={plan.rhk[0].indicators[0].id: 1})
    assert change.before.trace and change.after.trace
    data = json.loads(change.model_dump_json())
    assert "trace" not in data["before"] and "trace" not in data["after"]
    full = json.loads(change.model_dump_json(trace=True))
    assert len(full["before"]["trace"]) == len(change.before.trace)
    narrow = json.loads(change.before.model_dump_json(exclude={"notes"}))
    assert "notes" not in narrow and "trace" not in narrow


def test_schemas_carry_no_doctest_text() -> None:
    for cls in RECORDS:
        assert ">>>" not in json.dumps(cls.model_json_schema()), cls


def test_feedback_of_every_demo_appraisal_round_trips(demo: list[Appraisal]) -> None:
    schema = Feedback.model_json_schema()
    for a in demo:
        for lang in ("id", "en"):
            note = feedback(a, lang=lang, rulebook=BOOK)
            assert Feedback.model_validate_json(note.model_dump_json()) == note
            jsonschema.validate(json.loads(note.model_dump_json()), schema)
