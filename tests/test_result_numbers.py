"""Result numbers are Decimals that keep their exact value (issue 13, item 1).

Every number of every result record (outside the trace) is a :class:`Number`: the exact
Decimal when the value terminates, otherwise rounded half up to ``DECIMAL_PLACES`` places
with the exact Fraction in ``.exact``; it equals, hashes and orders as its exact value; the
JSON keeps its wire format (exact decimal text or ``"p/q"``) and reads back equal.
"""

from __future__ import annotations

import copy
import json
import math
import operator
import pickle
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from kinerja_engine import (
    Appraisal,
    KinerjaError,
    check_distribution,
    feedback,
    rulebooks,
    what_if,
)
from kinerja_engine.demo import load_unit, score_unit
from kinerja_engine.io import appraisal_records, indicator_records
from kinerja_engine.models import Period, Plan, TargetRange, example_plan
from kinerja_engine.scoring import Number, appraise, appraise_many
from kinerja_engine.scoring.results import BandMatch, Step
from kinerja_engine.scoring.split import appraise_split_year
from kinerja_engine.scoring.typed import DECIMAL_PLACES, Record, decimal_view, exact_text
from kinerja_engine.values import round_half_up
from test_legacy_skp import P8, PP46, p8_plan, pp46_whole

BOOK = rulebooks.load("gajahmungkur")


def numbers_in(value: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every Fraction or Decimal in a result record, outside the trace (and outside the
    plan's own TargetRange, which holds the plan's Decimals)."""
    if isinstance(value, Step | TargetRange):
        return
    if isinstance(value, Record):
        for name in type(value).model_fields:
            if name != "trace":
                yield from numbers_in(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from numbers_in(v, f"{where}[{k!r}]")
    elif isinstance(value, tuple | list):
        for i, v in enumerate(value):
            yield from numbers_in(v, f"{where}[{i}]")
    elif isinstance(value, Fraction | Decimal):
        yield where, value


def assert_all_numbers(record: BaseModel) -> int:
    found = list(numbers_in(record))
    wrong = [(w, v) for w, v in found if type(v) is not Number]
    assert not wrong, wrong[:5]
    return len(found)


def plan_of(**changes: Any) -> Plan:
    data = json.loads(example_plan().model_dump_json())
    data.update(changes)
    return Plan.model_validate(data)


#: i1: target 3 days (lower is better), realisasi 3.5 → capaian (2 × 3 − 3.5) / 3 × 100 =
#: 250/3 (PermenPANRB 6/2022, lower is better); i2 85 in [80, 90] → 100. The RHK value and
#: nilai hasil kerja are then (250/3 + 100) / 2 = 275/3: none of them terminates.
REPEATING = plan_of(
    realisations=[{"indicator": "i1", "value": "3.5"}, {"indicator": "i2", "value": "85"}],
    behaviour={"rating": "sesuai"},
)


@pytest.fixture(scope="module")
def demo() -> list[tuple[list[Appraisal], Appraisal]]:
    return list(score_unit(load_unit(), BOOK))


def test_every_number_of_every_demo_result_is_a_number(
    demo: list[tuple[list[Appraisal], Appraisal]],
) -> None:
    counted = 0
    for periodic, year in demo:
        for a in [*periodic, year]:
            counted += assert_all_numbers(a)
            for rhk in a.rhk:
                assert type(rhk.weight) is Number
                for ind in rhk.indicators:
                    assert type(ind.weight) is Number and isinstance(ind.weight, Decimal)
                    assert ind.capaian is None or type(ind.capaian) is Number
                    assert ind.realisasi is None or type(ind.realisasi) is Number
                    assert isinstance(ind.target, Number | TargetRange)
            assert a.nilai_hasil_kerja is None or type(a.nilai_hasil_kerja) is Number
            assert all(type(v) is Number for v in a.conversions.values() if v is not None)
            # The trace keeps the pipeline's exact Fractions (how a result was found).
            assert all(not isinstance(v, Number) for s in a.trace for v in s.inputs.values()), (
                a.plan_id
            )
    assert counted > 500
    report = check_distribution(load_unit().unit_predikat, [y for _, y in demo], BOOK)
    assert_all_numbers(report)
    for _, year in demo:
        assert_all_numbers(feedback(year))


def test_numbers_of_legacy_split_and_what_if_results_are_numbers() -> None:
    pp46 = appraise(pp46_whole(), PP46)
    assert assert_all_numbers(pp46) > 10
    assert type(pp46.nilai_kinerja) is Number and type(pp46.nilai_perilaku) is Number
    # (85.50 + 296/3) / 2 + 5 = 97.083…: rounded Decimal, exact Fraction kept.
    exact = (Fraction(171, 2) + Fraction(296, 3)) / 2 + 5
    assert pp46.nilai_hasil_kerja == exact and pp46.nilai_hasil_kerja.exact == exact
    assert Decimal(pp46.nilai_hasil_kerja) == Decimal("97.0833333333")
    tambahan = [r.nilai_tambahan for r in pp46.rhk if r.nilai_tambahan is not None]
    assert tambahan and all(type(v) is Number for v in tambahan)  # set by model_copy
    p8 = appraise(p8_plan({"i1": 85, "i2": 93, "i3": 4}), P8)
    assert assert_all_numbers(p8) > 10
    assert all(type(i.nilai) is Number for r in p8.rhk for i in r.indicators if i.nilai)
    s1 = pp46_whole().model_copy(update={"period": Period("semester", 2021, 1), "id": "s1"})
    year = appraise_split_year([(PP46, [s1]), (P8, p8_plan({"i1": 85, "i2": 93, "i3": 4}))])
    assert_all_numbers(year)
    assert year.nilai_kinerja == Fraction("98.387")
    changed = what_if(REPEATING, BOOK, realisasi={"i1": 3})
    assert changed.changes and assert_all_numbers(changed) > 10
    assert any(type(c.before) is Number for c in changed.changes)


def test_a_repeating_value_is_rounded_half_up_and_keeps_its_exact_fraction() -> None:
    a = appraise(REPEATING, BOOK)
    assert a.status == "complete"
    capaian = a.indicator("i1").capaian
    assert capaian is not None and capaian.exact == Fraction(250, 3) and not capaian.is_exact
    assert isinstance(capaian, Decimal) and capaian.as_tuple().exponent == -DECIMAL_PLACES
    assert Decimal(capaian) == Decimal("83.3333333333")
    nilai = a.nilai_hasil_kerja
    assert nilai is not None and nilai.exact == Fraction(275, 3) and nilai == Fraction(275, 3)
    assert Decimal(nilai) == Decimal("91.6666666667")  # half up at the 10th place
    assert repr(nilai) == "Number('91.6666666667', exact='275/3')"
    # Equal to the exact value only: the rounded Decimal is another number.
    assert nilai != Decimal("91.6666666667") and nilai > Decimal("91.6666666666")
    assert a.indicator("i2").capaian == 100 and a.indicator("i2").capaian.is_exact
    data = json.loads(a.model_dump_json())
    assert data["nilai_hasil_kerja"] == "275/3"
    assert data["rhk"][0]["indicators"][0]["capaian"] == "250/3"
    assert data["rhk"][0]["indicators"][0]["realisasi"] == "3.5"
    back = Appraisal.model_validate_json(a.model_dump_json(trace=True))
    assert back == a and back.model_dump_json(trace=True) == a.model_dump_json(trace=True)
    assert type(back.nilai_hasil_kerja) is Number and back.nilai_hasil_kerja.exact == nilai.exact
    # The 0.1 JSON and the flat records are unchanged by the type.
    assert a.to_dict()["nilai_hasil_kerja"] == "91.66666666666666666666666666666667"
    row = appraisal_records([a])[0]
    assert row["nilai_hasil_kerja"] == Decimal("91.666667")
    assert row["nilai_hasil_kerja_exact"] == "275/3"
    assert indicator_records([a])[0]["capaian_exact"] == "250/3"
    # Explanations format the exact value (no double rounding through the 10 places).
    assert "91,67" in a.explain()


def test_the_batch_path_gives_the_same_numbers_and_types() -> None:
    plans = [p for quarters in load_unit().plans for p in quarters]
    traced = list(appraise_many(plans, BOOK))
    batch = list(appraise_many(plans, BOOK, trace=False))
    assert traced == batch
    for a, b in zip(traced, batch, strict=True):
        assert a.model_dump_json() == b.model_dump_json()
        assert_all_numbers(b)


def test_records_built_or_copied_convert_their_numbers() -> None:
    match = BandMatch.build(Fraction(1, 3), Fraction(0), True, None, False)
    assert type(match.value) is Number and match.value.exact == Fraction(1, 3)
    assert match.text("en") == "0.33 ∈ [0, inf)"
    copied = match.model_copy(update={"hi": Fraction(2, 3), "hi_closed": True})
    assert type(copied.hi) is Number and copied.hi == Fraction(2, 3)
    validated = BandMatch(Fraction(1, 3), "0", True, "2/3", True)
    assert validated == copied and type(validated.lo) is Number


def test_number_conversions_are_exact_and_bad_input_is_refused() -> None:
    third = Number.of(Fraction(1, 3))
    assert Fraction(third) == Fraction(1, 3) and third.as_integer_ratio() == (1, 3)
    assert float(third) == 1 / 3 and int(Number.of(Fraction(-7, 3))) == -2
    tiny = Number.of(Fraction(1, 3 * 10**12))  # rounds to 0 at 10 places, yet not zero
    assert Decimal(tiny) == 0 and bool(tiny) and tiny > 0
    near = Number.of(3 - Fraction(1, 3 * 10**11))  # rounds up to 3.0000000000
    assert Decimal(near) == 3 and math.floor(near) == 2 and math.ceil(near) == 3 and near < 3
    # Past the 80 digits of the quick paths: a long exact value, a huge repeating one.
    long = Fraction(1, 2**300)
    assert Number.of(long).is_exact and Fraction(Decimal(Number.of(long))) == long
    huge = Fraction(10**75 + 1, 3)
    assert Fraction(Decimal(Number.of(huge))) == Fraction(round(huge * 10**10), 10**10)
    assert Number.of(Decimal("94.750")) == Number.of(Fraction(379, 4)) == Decimal("94.75")
    assert repr(Number.of(Decimal("94.750"))) == "Number('94.75')"
    assert str(Number.of(Fraction(350, 3))) == "116.6666666667"
    assert Number("350/3").exact == Fraction(350, 3) and Number(" 0.50 ") == Fraction(1, 2)
    assert Number.of(Fraction(1, 2)) + 1 == Decimal("1.5")  # Decimal arithmetic
    for bad in (True, "0.5", 0.5, None):
        with pytest.raises(KinerjaError, match=r"Number\.of"):
            Number.of(bad)  # type: ignore[arg-type]
    for text in ("x", "1/0", "nan"):
        with pytest.raises(KinerjaError):
            Number(text)
    for special in (Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")):
        with pytest.raises(KinerjaError, match="not a finite number"):
            Number.of(special)


fractions = st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**12)
# Also terminating values with many digits and tiny ones (exponent notation in str).
decimals = st.integers(0, 30).flatmap(
    lambda places: st.decimals(allow_nan=False, allow_infinity=False, places=places)
)


@given(fractions)
def test_number_equals_and_hashes_as_its_exact_value(value: Fraction) -> None:
    number = Number.of(value)
    assert number == value and value == number
    assert not operator.ne(number, value) and not operator.ne(value, number)
    assert hash(number) == hash(value) and number.exact == value
    assert number.is_exact == (Fraction(Decimal(number)) == value)
    if number.is_exact:
        assert Decimal(number) == value and hash(number) == hash(Decimal(number))
    else:
        assert Decimal(number) == round_half_up(value, DECIMAL_PLACES)
        assert number != Decimal(number)
    assert Decimal(number) == decimal_view(value)
    assert exact_text(number) == exact_text(value)
    for other in (value + Fraction(1, 10**12), value - Fraction(1, 7), Decimal(number)):
        assert (number < other) == (value < other) and (number >= other) == (value >= other)
        assert (number > Number.of(Fraction(other))) == (value > other)
    assert pickle.loads(pickle.dumps(number)) == number
    assert copy.deepcopy(number) == number and Number(exact_text(number)) == number
    assert {number: 1}[value] == 1 and {value: 1}[number] == 1


@given(decimals)
def test_a_decimal_number_is_its_normalised_self(value: Decimal) -> None:
    number = Number.of(value)
    assert number.is_exact and number == value and hash(number) == hash(value)
    assert number.exact == Fraction(value) and Number.of(Fraction(value)) == number
    assert str(number) == str(Number.of(Fraction(value)))  # one text for one value
    assert exact_text(number) == exact_text(Fraction(value))


def test_json_of_numbers_is_unchanged_and_validates() -> None:
    a = appraise(REPEATING, BOOK)
    data = json.loads(a.model_dump_json())
    assert all(isinstance(v, str) for v in (data["nilai_hasil_kerja"], data["rhk"][0]["weight"]))
    assert data["rhk"][0]["indicators"][1]["target"] == {"lo": "80", "hi": "90"}
    assert data["rhk"][0]["indicators"][0]["target"] == "3"
    assert Appraisal.model_validate(data) == a


# --------------------------------------------------------------------------- review findings


def test_tiny_numbers_are_written_plain_and_read_back() -> None:
    from kinerja_engine import Appraisal, rulebooks
    from kinerja_engine.scoring.number import number_text, parse_number

    for value in (Fraction(1, 10**7), Fraction(-3, 10**12), Fraction(10**30)):
        text = number_text(Number.of(value))
        assert "E" not in text and parse_number(text).exact == value
    data = example_plan().model_dump(mode="json")
    data["rhk"][0]["indicators"][0].update(target="1", direction="higher")
    data["realisations"] = [{"indicator": "i1", "value": "0.000000001"}]
    result = appraise(Plan.model_validate(data), rulebooks.load("gajahmungkur"))
    assert Appraisal.model_validate_json(result.model_dump_json()) == result


def test_a_result_number_binds_into_a_formula_as_its_exact_value() -> None:
    from kinerja_engine import Formula

    below = Number.of(Fraction(110) - Fraction(1, 3 * 10**11))  # shows 110.0000000000
    assert Formula.parse("x >= 110").evaluate(x=below) is False
    assert Formula.parse("x * 1 >= 110").evaluate(x=below) is False
    assert Formula.parse("x * 3 == 1").evaluate(x=Number.of(Fraction(1, 3))) is True


def test_round_decides_on_the_exact_value() -> None:
    assert round(Number.of(Fraction(3, 2) - Fraction(1, 3 * 10**12))) == 1
    assert round(Number.of(Fraction(1, 3)), 2) == Decimal("0.33")
    assert round(Number.of(Fraction(5, 2))) == 2  # half to even, as round() always does


@pytest.mark.parametrize(
    "value",
    [Fraction(10**5000 + 1, 3), Decimal("1E+999999"), 10**5000, Fraction(1, 10**5000)],
    ids=["huge-fraction", "huge-decimal", "huge-int", "tiny-fraction"],
)
def test_numbers_beyond_the_text_limit_are_refused(value: Any) -> None:
    from kinerja_engine.errors import LimitError

    with pytest.raises(LimitError):
        Number.of(value)


@pytest.mark.parametrize("text", ["١٢٣", "１００", "1E-7", "1e3"])
def test_number_text_is_ascii_plain_decimal_or_fraction(text: str) -> None:
    from kinerja_engine.scoring.number import parse_number

    with pytest.raises(ValueError, match="not an exact number"):
        parse_number(text)
