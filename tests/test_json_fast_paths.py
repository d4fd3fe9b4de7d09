"""The validators' fast paths for JSON's common forms give what the general checks give.

Reading plans from JSON is timed against scoring them (bench/appraisal_bench.py: from JSON
≤ 2× from built models), so the common forms are decided first: a whole-percentage weight
("50" or 50), an NIP of exactly 18 ASCII digits, an unsigned plain decimal ("95.50"). Each
is compared here with the same value written so that only the general path takes it.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from kinerja_engine import KinerjaError
from kinerja_engine.models import Employee, Indicator
from kinerja_engine.models.fields import check_decimal, plain_decimal


def _weight(value: object) -> object:
    """The weight read from ``value``, or the error (as text)."""
    data = {"id": "i", "name": "n", "unit_of_measure": "u", "target": 1, "direction": "higher"}
    try:
        return Indicator.model_validate({**data, "weight": value}).weight
    except KinerjaError as exc:
        return f"{type(exc).__name__}: {exc}".replace(repr(value), "W")


def _general(value: object) -> object:
    """What the general path makes of a weight: ``Fraction(check_decimal(value))``."""
    try:
        return Fraction(check_decimal(value))
    except PydanticCustomError:
        return "refused"


@given(st.integers(min_value=0, max_value=10**62))
def test_a_whole_weight_is_its_fraction_as_text_or_int(number: int) -> None:
    for value in (str(number), number):
        found = _weight(value)
        expected = _general(value)
        if expected == "refused":
            assert isinstance(found, str)  # refused too (the message names the field)
        else:
            assert found == expected and type(found) is Fraction


@given(st.text(alphabet="0123456789.", max_size=12))
def test_plain_decimal_text_is_read_as_the_pattern_reads_it(text: str) -> None:
    found = plain_decimal(text)
    signed = plain_decimal("+" + text)  # a sign: only the pattern takes it
    assert found == signed
    if found is not None:
        assert found == check_decimal(text)


@given(st.from_regex(r"\A(19[5-9][0-9]|200[0-5])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
                     r"(20[0-2][0-9])(0[1-9]|1[0-2])[12](00[1-9])\Z"))  # fmt: skip
def test_an_nip_of_18_digits_reads_as_with_spaces(nip: str) -> None:
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"  # spaces: the general path
    assert _employee(nip) == _employee(spaced).replace(spaced, nip)


def _employee(nip: str) -> str:
    """The employee read with this NIP, or the error (as text)."""
    base = {"name": "x", "unit": "u", "position": {"name": "p", "category": "Pelaksana"}}
    try:
        return repr(Employee.model_validate({**base, "nip": nip}))
    except KinerjaError as exc:
        return f"{type(exc).__name__}: {exc}"
