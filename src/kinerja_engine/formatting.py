"""The one place where numbers, intervals and values become text, per language.

Input: exact values (``Fraction``, ``Decimal``, ``int``, labels, booleans). Output: text.
Everything else in the library carries values structured (band rows as numbers, not strings)
and renders them here, so an English explanation prints ``94.74 ∈ [90, 110)`` and an
Indonesian one ``94,74 ∈ [90, 110)`` from the same result.

Two styles:

* **exact** (``places=None``): the value itself, for diagnostics and rule authors; a decimal
  when it terminates, else ``p/q``; no thousands separators, ``.`` as the decimal point.
* **rounded** (``places=n``): for people; rounded half up (the library's one declared
  rounding) to ``n`` places, thousands grouped; ``lang="id"`` writes ``1.234,50``, ``"en"``
  writes ``1,234.50``. Whole numbers drop the decimals unless ``fixed``.

>>> from fractions import Fraction
>>> format_number(Fraction(1, 3)), format_number(Fraction(1, 4))
('1/3', '0.25')
>>> format_number(Fraction(1, 3), "id", 2), format_number(Decimal("1234.5"), "en", 2)
('0,33', '1,234.50')
>>> format_interval(Fraction(90), True, Fraction(110), False, "id", 2)
'[90, 110)'

Why not Babel: measured here (Babel 2.19), ``format_decimal`` rounds half-even
(``0.125`` → ``0,12``), which contradicts the declared half-up rounding unless every value is
rounded first; a call costs ~10 µs against ~0.8 µs for the format below, and its import adds
~5 ms and a dependency to the core. The library writes two languages whose conventions are
fixed (``id``: ``.`` thousands, ``,`` decimals), so the standard ``format`` mini-language is
enough and keeps the output identical.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

from .errors import UsageError, shown
from .values import (
    Label,
    display_decimal,
    fraction_to_decimal,
    is_terminating,
    normalize,
    round_half_up,
)

__all__ = ["LANGS", "Lang", "format_interval", "format_number", "format_value"]

#: Longer numbers are not written (Python's int to text stops at 4,300 digits).
_MAX_BITS = 13_000

Lang = Literal["id", "en"]

#: The languages the library writes.
LANGS: tuple[str, ...] = ("id", "en")

_YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}


def format_number(
    value: Fraction | Decimal | int,
    lang: str = "en",
    places: int | None = None,
    *,
    fixed: bool = False,
) -> str:
    """``value`` as text: exact when ``places`` is None, else rounded half up to ``places``.

    >>> format_number(Fraction(91)), format_number(Decimal("0.50")), format_number(Fraction(2, 3))
    ('91', '0.5', '2/3')
    >>> format_number(Decimal("1234.5"), "id", 2), format_number(95, "id", 2)
    ('1.234,50', '95')
    >>> format_number(117, "id", 1, fixed=True), format_number(Fraction(-1, 8), "en", 2)
    ('117,0', '-0.13')
    >>> format_number(1, "fr", 2)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: unknown language 'fr'; expected one of: id, en
    """
    if not isinstance(lang, str) or lang not in _YES_NO:  # a list is not hashable
        raise UsageError(f"unknown language {shown(lang)}; expected one of: {', '.join(LANGS)}")
    exact = value if isinstance(value, Fraction) else Fraction(value)
    if max(abs(exact.numerator), exact.denominator).bit_length() > _MAX_BITS:
        raise UsageError("the number is too long to write (more than 4,000 digits)")
    if places is None:
        if not is_terminating(exact):
            return f"{exact.numerator}/{exact.denominator}"
        # The exact style is for rule authors and developers: the same text in every language.
        return display_decimal(normalize(fraction_to_decimal(exact)))
    if exact.denominator == 1 and not fixed:
        text = f"{exact.numerator:,}"
    else:
        text = f"{round_half_up(exact, places):,.{places}f}"
    if lang == "id":
        # Swap the separators: 1,234.50 → 1.234,50.
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def format_interval(
    lo: Fraction | Decimal | int | None,
    lo_closed: bool,
    hi: Fraction | Decimal | int | None,
    hi_closed: bool,
    lang: str = "en",
    places: int | None = None,
) -> str:
    """An interval as written in rulebooks: ``[lo, hi)``, with ``-inf``/``inf`` for no bound.

    >>> format_interval(None, False, Fraction(90), False)
    '(-inf, 90)'
    >>> format_interval(Fraction(1, 3), True, None, False, "id", 2)
    '[0,33, inf)'
    """
    left = "[" if lo_closed else "("
    right = "]" if hi_closed else ")"
    lo_text = "-inf" if lo is None else format_number(lo, lang, places)
    hi_text = "inf" if hi is None else format_number(hi, lang, places)
    return f"{left}{lo_text}, {hi_text}{right}"


def format_value(value: object, lang: str = "en", places: int = 2) -> str:
    """Any value the language produces, as people read it in ``lang``.

    Numbers are rounded to ``places``; labels print their text; booleans are words; lists
    are bracketed with ``;`` (a ``,`` would be ambiguous next to Indonesian decimals).

    >>> format_value(Fraction(2, 3), "id"), format_value(True, "en"), format_value((1, 2), "id")
    ('0,67', 'yes', '[1; 2]')
    """
    if isinstance(value, Label):
        return str(value)
    if isinstance(value, bool):
        yes, no = _YES_NO[lang] if lang in _YES_NO else _YES_NO["en"]
        return yes if value else no
    if isinstance(value, Fraction | Decimal | int):
        return format_number(value, lang, places)
    if isinstance(value, tuple):
        return "[" + "; ".join(format_value(v, lang, places) for v in value) + "]"
    return str(value)
