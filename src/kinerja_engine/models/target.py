"""An indicator's target: one exact number, a range ``lo``-``hi``, or a label of a scale.

Input: a number (as :data:`~.fields.Dec` accepts it), a label of a qualitative indicator's
scale written as text (``"Baik"``: text starting with a letter; which enum it belongs to is
the rulebook's indicator kind's business), or a range written ``"80-90"``,
``"80 s.d. 90"``, ``{"lo": 80, "hi": 90}`` or ``[80, 90]``. Output: :class:`TargetRange`
(a frozen model) and :data:`Target`, the field type of ``Indicator.target``. Guarantees:
bounds are exact and finite with ``lo <= hi``; a range keeps the path of a bad bound
(``target.lo``); JSON holds decimals as strings and reads back identically.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(Target).validate_python("80 s.d. 90"), TypeAdapter(Target).validate_python(3)
(TargetRange(lo=Decimal('80'), hi=Decimal('90')), Decimal('3'))
>>> TypeAdapter(Target).validate_python(" Baik ")
'Baik'

"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from ..values import display_decimal
from .base import FrozenModel
from .fields import (
    DECIMAL_PATTERN,
    LABEL_PATTERN,
    Dec,
    check_decimal,
    custom_error,
    is_label_text,
    plain_decimal,
)

__all__ = ["Target", "TargetRange"]


_RANGE_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_RANGE_TEXT = re.compile(
    rf"\s*(?P<lo>{_RANGE_NUMBER})\s*(?:-|–|—|\.\.|s/d|s\.d\.?|sd|to|sampai)\s*"
    rf"(?P<hi>{_RANGE_NUMBER})\s*",
    re.IGNORECASE,
)


class TargetRange(FrozenModel):
    """A target range ``lo``-``hi`` (inclusive, ``lo <= hi``).

    Also accepts the text ``"80-90"`` (or ``"80 s.d. 90"``) and a pair ``[80, 90]``.

    >>> TargetRange.model_validate("80 - 90.5")
    TargetRange(lo=Decimal('80'), hi=Decimal('90.5'))
    >>> TargetRange(lo=9, hi=8)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: a range needs lo <= hi, got 9 > 8
    """

    lo: Dec
    hi: Dec

    @model_validator(mode="before")
    @classmethod
    def _from_text_or_pair(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = _RANGE_TEXT.fullmatch(data)
            if match is None:
                raise custom_error(f"{data!r} is not a range; write it like '80-90'")
            return {"lo": match["lo"], "hi": match["hi"]}
        if isinstance(data, list | tuple):
            if len(data) != 2:
                raise custom_error(f"a range is a pair [lo, hi], got {len(data)} items")
            return {"lo": data[0], "hi": data[1]}
        return data

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        if self.lo > self.hi:
            raise custom_error(f"a range needs lo <= hi, got {self.lo} > {self.hi}")
        return self


def _check_target(value: Any) -> Decimal | TargetRange | str:
    plain = plain_decimal(value)  # the common case (a number from JSON), decided first
    if plain is not None:
        return plain
    if isinstance(value, TargetRange):
        return value
    if is_label_text(value):
        text: str = value.strip()
        return text
    if isinstance(value, Mapping | list | tuple) or (
        isinstance(value, str) and _RANGE_TEXT.fullmatch(value)
    ):
        # A ValidationError raised here keeps its inner path (target.lo, …).
        result: TargetRange = TargetRange.__pydantic_validator__.validate_python(value)
        return result
    try:
        return check_decimal(value)
    except PydanticCustomError as exc:
        raise custom_error(
            f"{exc.message()}; a range is written '80-90', a label of a scale starts with a letter"
        ) from None


def _target_json(value: Decimal | TargetRange | str) -> object:
    if isinstance(value, str):
        return value
    if isinstance(value, TargetRange):
        return {"lo": display_decimal(value.lo), "hi": display_decimal(value.hi)}
    return display_decimal(value)


#: An indicator's target: an exact number (as :data:`~.fields.Dec`) or a :class:`TargetRange`
#: (also written ``"80-90"``, ``{"lo": 80, "hi": 90}`` or ``[80, 90]``), or a label of a
#: qualitative indicator's scale written as text (``"Baik"``).
Target = Annotated[
    Decimal | TargetRange | str,
    PlainValidator(_check_target),
    PlainSerializer(_target_json, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": DECIMAL_PATTERN},
                {"type": "string", "description": "a range like '80-90'"},
                {"type": "string", "pattern": LABEL_PATTERN, "description": "a label"},
                {
                    "type": "object",
                    "properties": {
                        "lo": {"type": ["number", "string"]},
                        "hi": {"type": ["number", "string"]},
                    },
                    "required": ["lo", "hi"],
                    "additionalProperties": False,
                },
            ]
        },
        mode="validation",
    ),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DECIMAL_PATTERN},
                {"type": "string", "pattern": LABEL_PATTERN, "description": "a label"},
                {
                    "type": "object",
                    "properties": {
                        "lo": {"type": "string", "pattern": DECIMAL_PATTERN},
                        "hi": {"type": "string", "pattern": DECIMAL_PATTERN},
                    },
                    "required": ["lo", "hi"],
                    "additionalProperties": False,
                },
            ]
        },
        mode="serialization",
    ),
]
