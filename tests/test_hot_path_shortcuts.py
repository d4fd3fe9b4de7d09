"""The batch path's shortcuts give what the long way gives (counted work, never the clock).

Covers the generated :meth:`Record.build`, the per-view rulebook flags of
:mod:`kinerja_engine.scoring.legacy`, the kind check's look-up of kinds already found
scorable, and :func:`check_numbers`'s pass without field names.
"""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.errors import ModelError
from kinerja_engine.models import example_plan
from kinerja_engine.models.plan import check_numbers
from kinerja_engine.scoring import appraise, appraise_many
from kinerja_engine.scoring.context import RulebookView, rulebook_view
from kinerja_engine.scoring.contract import KindIndex
from kinerja_engine.scoring.results import (
    Appraisal,
    BandMatch,
    IndicatorResult,
    OverrideRecord,
    RhkResult,
    Step,
)
from kinerja_engine.scoring.typed import AppraisalStatus, IndicatorStatus

F = Fraction


def _indicator(**extra: Any) -> IndicatorResult:
    status = IndicatorStatus.REPORTED
    return IndicatorResult.build("i1", "Waktu", "%", "higher", F(90), F(95), status,
                                 F(9500, 90), F(100), "capaian_higher", **extra)  # fmt: skip


def test_a_built_record_is_the_validated_one() -> None:
    built = [
        _indicator(),
        _indicator(nilai=F(110)),
        BandMatch.build(F(95), F(90), True, None, False),
        Step.build("capaian", "i1", "capaian_higher", {"realisasi": F(95)}, F(1)),
        OverrideRecord.build("predikat", "uji", on=None),
        RhkResult.build("r1", "RHK", "utama", F(100), F(95), (_indicator(),)),
        Appraisal.build("p", "e", "n", "u", "2024", AppraisalStatus.COMPLETE),
    ]
    for record in built:
        cls = type(record)
        again = cls.model_validate_json(record.model_dump_json(trace=True))
        assert again == record
        assert copy.deepcopy(record) == record == record.model_copy()
        assert record.__pydantic_extra__ is None and record.__pydantic_private__ is None
        assert list(record.__dict__) == list(cls.model_fields)
    # Only what was given counts as set, as after validation (a default given counts too).
    assert _indicator().model_fields_set == set(IndicatorResult.model_fields) - {
        "capped_from",
        "nilai",
        "realisasi_label",  # issue 16: a qualitative indicator's realisasi, None by default
    }
    assert "on" in OverrideRecord.build("predikat", "uji", on=None).model_fields_set
    # A default factory runs once per record: no two records share a mutable default.
    a, b = (Appraisal.build("p", "e", "n", "u", "2024", AppraisalStatus.COMPLETE) for _ in range(2))
    assert a.conversions == {} and a.conversions is not b.conversions


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("predikat", "uji"), {"nope": 1}, "OverrideRecord.build: unknown field 'nope'"),
        (("predikat",), {}, "OverrideRecord.build: missing field 'reason'"),
        (("a", "b", "c", None, 5), {}, "OverrideRecord.build takes at most 4 arguments"),
    ],
)
def test_a_wrong_build_names_the_field(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError) as info:
        OverrideRecord.build(*args, **kwargs)
    assert str(info.value) == message


def test_a_field_given_twice_keeps_the_named_value_as_before() -> None:
    record = OverrideRecord.build("predikat", what="x", reason="y")
    assert (record.what, record.reason) == ("x", "y")


def test_rulebook_shape_flags_are_computed_once_per_view(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {
        "gajahmungkur": {"numeric": False, "weighs_nilai": False, "adds_tambahan": False},
        "permenpanrb-8-2021": {"numeric": True, "weighs_nilai": True, "adds_tambahan": True},
    }
    for name, flags in expected.items():
        book = rulebooks.load(name)
        appraise(example_plan(), book)
        assert rulebook_view(book).flags == flags  # a fixed set of names: bounded
    book = rulebooks.load("gajahmungkur")
    first = appraise(example_plan(), book)
    asked: list[str] = []
    original = RulebookView.signature

    def counting(self: RulebookView, name: str) -> tuple[str, ...]:
        asked.append(name)
        return original(self, name)

    monkeypatch.setattr(RulebookView, "signature", counting)
    original_defined = RulebookView.defined_signature

    def counting_defined(self: RulebookView, name: str) -> tuple[str, ...] | None:
        asked.append(name)  # the capaian definitions' signatures, one look-up each
        return original_defined(self, name)

    monkeypatch.setattr(RulebookView, "defined_signature", counting_defined)
    assert appraise(example_plan(), book) == first
    assert asked and "nilai_rhk" not in asked and "nilai_hasil_kerja" not in asked


def test_the_kind_check_looks_up_known_kinds_and_still_refuses_unknown_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book = rulebooks.load("gajahmungkur")
    appraise(example_plan(), book)
    searched: list[str] = []
    original = KindIndex.problem

    def counting(self: KindIndex, kind: str) -> str | None:
        searched.append(kind)
        return original(self, kind)

    monkeypatch.setattr(KindIndex, "problem", counting)
    appraise(example_plan(), book, trace=False)
    assert searched == []  # every kind already found scorable: no full check
    plan = example_plan()
    ind = plan.rhk[0].indicators[0].model_copy(update={"kind": "vaksinsi"})
    rhk = plan.rhk[0].model_copy(update={"indicators": (ind, *plan.rhk[0].indicators[1:])})
    odd = plan.model_copy(update={"rhk": (rhk, *plan.rhk[1:])})
    with pytest.raises(ModelError, match="did you mean 'vaksinasi'"):
        appraise(odd, book, trace=False)
    assert searched  # the unknown kind took the full check, with its message
    [result] = appraise_many([odd], book, trace=False)
    assert result.status == "error" and "vaksinsi" in (result.error or "")


def test_numbers_changed_without_validation_are_still_refused_on_every_path() -> None:
    book = rulebooks.load("gajahmungkur")
    plan = example_plan()
    check_numbers(plan)
    bad = plan.realisations[0].model_copy(update={"value": Decimal("NaN")})
    odd = plan.model_copy(update={"realisations": (bad, *plan.realisations[1:])})
    with pytest.raises(ModelError, match=r"realisations\.0\.value"):
        appraise(odd, book)
    [result] = appraise_many([odd], book, trace=False)
    assert result.status == "error" and "realisations.0.value" in (result.error or "")
    weight = plan.rhk[0].model_copy(update={"weight": 50})
    with pytest.raises(ModelError, match=r"rhk\.0\.weight"):
        check_numbers(plan.model_copy(update={"rhk": (weight, *plan.rhk[1:])}))


def test_built_records_share_a_read_only_fields_set_and_copies_get_their_own() -> None:
    a, b = _indicator(), _indicator()
    assert a.model_fields_set is b.model_fields_set  # one set per class and fields given
    assert _indicator(nilai=F(1)).model_fields_set is not a.model_fields_set
    with pytest.raises(TypeError, match="shared"):
        a.model_fields_set.add("nilai")
    assert "nilai" not in b.model_fields_set
    changed = a.model_copy(update={"nilai": F(110)})
    assert "nilai" in changed.model_fields_set and "nilai" not in a.model_fields_set
    assert type(copy.deepcopy(a).model_fields_set) is set
    again = pickle.loads(pickle.dumps(a))
    assert again == a and again.model_fields_set == a.model_fields_set
