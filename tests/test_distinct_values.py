"""The batch path's cost does not depend on values recurring (issue 18, item 4).

Result numbers made from the fast path's Decimals (:func:`decimal_number`) are the same Numbers
:func:`to_number` makes from the exact Fraction; whether a Fraction terminates is read from its
denominator (:func:`terminating_decimal`), never by trying a division; a plan whose numbers all
terminate is scored without building a single ``Fraction``, however distinct its values are;
and the models' plain-decimal fast path (:func:`plain_decimal`) accepts exactly what the full
checks accept, with the same Decimal. Counted work, never seconds.
"""

from __future__ import annotations

import fractions
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from kinerja_engine import rulebooks
from kinerja_engine.errors import LimitError, UsageError
from kinerja_engine.models import Plan
from kinerja_engine.models.fields import check_decimal, plain_decimal
from kinerja_engine.scoring import appraise, appraise_many
from kinerja_engine.scoring.carry import decimal_of, equal_weights
from kinerja_engine.scoring.number import Number, decimal_number, terminating_decimal, to_number
from kinerja_engine.values import MAX_INPUT_DIGITS

BOOK = rulebooks.load("gajahmungkur")

finite_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 200 and len(d.as_tuple().digits) < 80
)


def same_number(a: Number, b: Number) -> bool:
    """Equal as results are compared, and written identically (str, repr, JSON text)."""
    return (
        type(a) is type(b) is Number
        and a == b
        and hash(a) == hash(b)
        and a.exact == b.exact
        and a.is_exact == b.is_exact
        and str(a) == str(b)
        and repr(a) == repr(b)
        and a.as_tuple() == b.as_tuple()
    )


@given(finite_decimals)
def test_a_number_from_a_decimal_is_the_number_of_its_exact_value(value: Decimal) -> None:
    assert same_number(decimal_number(value), to_number(Fraction(value)))


@pytest.mark.parametrize(
    "text", ["94.7500", "1E+2", "-0.0", "0", "0.0000001", "-3.25", "100", "1E+3", "0.10", "7"]
)
def test_decimal_number_normalises_as_to_number_does(text: str) -> None:
    assert same_number(decimal_number(Decimal(text)), to_number(Fraction(Decimal(text))))


def test_decimal_number_refuses_what_to_number_refuses() -> None:
    for bad in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(UsageError, match="not a finite number"):
            decimal_number(Decimal(bad))
    # A size bomb is refused before it is expanded (1E+999999 has a million digits).
    with pytest.raises(LimitError, match="bits is over"):
        decimal_number(Decimal("1E+999999"))
    with pytest.raises(LimitError, match="bits is over"):
        decimal_number(Decimal("1E-999999"))
    with pytest.raises(LimitError, match="bits is over"):
        decimal_number(Decimal("7" * 4500 + ".5"))


@given(st.integers(-(10**30), 10**30), st.integers(1, 10**12))
def test_terminating_decimal_is_exact_or_none(num: int, den: int) -> None:
    value = Fraction(num, den)
    found = terminating_decimal(value)
    reduced = value.denominator
    while reduced % 2 == 0:
        reduced //= 2
    while reduced % 5 == 0:
        reduced //= 5
    if reduced == 1:
        assert found is not None and Fraction(found) == value
    else:
        assert found is None


def test_decimal_of_reads_termination_from_the_number() -> None:
    assert decimal_of(to_number(Fraction(5, 2))) == Decimal("2.5")
    assert type(decimal_of(to_number(Fraction(5, 2)))) is Decimal
    assert decimal_of(to_number(Fraction(1, 3))) is None
    assert decimal_of(Fraction(100, 3)) is None
    assert decimal_of(Decimal("1.5")) == Decimal("1.5")


def test_equal_weights_are_shared_numbers_adding_up_to_100() -> None:
    for count in range(1, 8):
        weights = equal_weights(count)
        assert all(type(w) is Number for w in weights)
        assert sum(w.exact for w in weights) == 100
        assert equal_weights(count) is weights


# --------------------------------------------------------------------------- the pipeline


def _plan(n: int) -> dict[str, Any]:
    """Plan ``n`` (1 to 69): every weight, target and realisasi terminates, and so does every
    capaian, RHK value and conversion (each target is 2**i * 5**j); no two plans share an
    indicator's realisasi or target."""
    offset = Decimal(n).scaleb(-4)  # n / 10,000: distinct per plan

    def target(shift: int) -> str:
        return str(2 ** (n % 7 + shift) * 5 ** (n // 7))

    return {
        "id": f"skp-{n}",
        "employee": {
            "nip": "198609262015051001",
            "name": "Siti Rahma",
            "unit": "gajahmungkur",
            "position": {"name": "Analis", "category": "Fungsional", "jenjang": "Ahli Muda"},
        },
        "period": "2026-Q1",
        "rhk": [
            {
                "id": "rhk1",
                "description": "Layanan",
                "weight": 50,
                "indicators": [
                    {"id": "a", "name": "A", "unit_of_measure": "u", "direction": "higher",
                     "target": target(3), "weight": 50},
                    {"id": "b", "name": "B", "unit_of_measure": "u", "direction": "lower",
                     "target": target(2), "weight": 50},
                ],
            },
            {
                "id": "rhk2",
                "description": "Laporan",
                "weight": 50,
                "indicators": [
                    {"id": "c", "name": "C", "unit_of_measure": "u", "direction": "higher",
                     "target": target(1), "kind": "kasus"},
                ],
            },
        ],
        "realisations": [
            {"indicator": "a", "value": str(78 + offset)},
            {"indicator": "b", "value": str(41 + offset)},
            {"indicator": "c", "value": str(19 + offset)},
        ],
        "behaviour": {"rating": "Sesuai Ekspektasi"},
    }  # fmt: skip


@pytest.fixture
def fractions_made(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts every Fraction constructed (``Fraction.__new__``) while the test runs."""
    counted: Counter[str] = Counter()
    original = fractions.Fraction.__new__

    def counting(cls: type[Fraction], *args: Any, **kwargs: Any) -> Fraction:
        counted["Fraction"] += 1
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(fractions.Fraction, "__new__", counting)
    return counted


def test_distinct_terminating_plans_build_no_fraction(fractions_made: Counter[str]) -> None:
    plans = [Plan.model_validate(_plan(n)) for n in range(1, 41)]
    list(appraise_many(plans[:1], BOOK, trace=False))  # the rulebook's one-off derivations
    fractions_made.clear()
    results = list(appraise_many(plans[1:], BOOK, trace=False))
    assert all(r.status == "complete" for r in results), results[0].error
    assert len({r.nilai_hasil_kerja for r in results}) == len(results)  # all distinct
    assert fractions_made["Fraction"] == 0
    # The same results as the exact path (which builds Fractions, on purpose).
    for plan, result in zip(plans[1:4], results, strict=False):
        assert result == appraise(plan, BOOK, exact_only=True).model_copy(update={"trace": ()})


def test_a_value_that_does_not_terminate_takes_the_exact_path_once() -> None:
    # Target 90: capaian 95/90 does not terminate; its Number keeps the exact value and the
    # RHK and overall values are exact too.
    data = _plan(0)
    data["rhk"][0]["indicators"][0]["target"] = "90"
    data["realisations"][0]["value"] = "95"
    plan = Plan.model_validate(data)
    result = appraise(plan, BOOK, trace=False)
    capaian = result.rhk[0].indicators[0].capaian
    assert capaian is not None and not capaian.is_exact and capaian.exact == Fraction(950, 9)
    assert result == appraise(plan, BOOK, exact_only=True).model_copy(update={"trace": ()})


# --------------------------------------------------------------------------- validation

plain_texts = st.from_regex(r"[+-]?([0-9]{1,25}(\.[0-9]{0,25})?|\.[0-9]{1,25})", fullmatch=True)


@given(plain_texts)
def test_plain_decimal_text_is_validated_as_the_full_checks_do(text: str) -> None:
    fast = plain_decimal(text)
    assert fast is not None and fast == Decimal(text) and str(fast) == str(Decimal(text))
    # The full checks (what any other input takes) agree, digit for digit.
    assert str(check_decimal(f" {text} ")) == str(fast)


@pytest.mark.parametrize(
    "value",
    [" 95", "95 ", "1e3", "NaN", "Infinity", "٣", "", "-", ".", "1.2.3", 95, Decimal(95), 1.5,
     "9" * (MAX_INPUT_DIGITS + 1)],
)  # fmt: skip
def test_anything_else_goes_to_the_full_checks(value: object) -> None:
    assert plain_decimal(value) is None
    try:
        expected: object = check_decimal(value)
    except PydanticCustomError as exc:
        expected = exc.message()
    assert expected is not None  # the full checks decide, as before
