"""Numbers as the sentences of reports print them: at most 2 places, no trailing zeros.

Input: an exact number and a language. Output: text such as ``2,5`` or ``95,5`` (``id``) and
``2.5`` (``en``). Guarantees: the rounding and separators are those of
:func:`kinerja_engine.formatting.format_number` (half up, per language); only the zeros a
sentence does not need are trimmed.

>>> from fractions import Fraction
>>> short_number(Fraction(5, 2), "id"), short_number(Fraction(1234), "id"), short_number(95, "en")
('2,5', '1.234', '95')
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ..formatting import format_number

__all__ = ["short_number"]


def short_number(value: Fraction | Decimal | int, lang: str) -> str:
    """At most 2 places, half up, without trailing zeros: 2,5 and 95,5 % (1.234,5 in id)."""
    # The library's formatting, with the zeros a sentence does not need trimmed.
    text = format_number(value, lang, 2)
    point = "," if lang == "id" else "."
    return text.rstrip("0").rstrip(point) if point in text else text
