"""Shared value strategies and drawing helpers of the testing kit.

Input: Hypothesis' choices. Output: :func:`decimals_for_inputs` (exact input numbers, public)
and the helpers the other strategy modules share: :data:`WIDE` (a decimal context wide enough
for every literal the parser accepts), :data:`COIN` and :func:`pick`. Guarantees: every
strategy is deterministic given Hypothesis' choices (no clock, no global random); nothing
here imports the other modules of the kit.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal
from functools import cache
from typing import Final, TypeVar

from hypothesis import strategies as st

from ..language.parser import MAX_LITERAL_DIGITS
from ..values import PLAIN_TRAPS

__all__ = [
    "COIN",
    "WIDE",
    "decimals_for_inputs",
    "pick",
]

#: Wide enough for every literal the parser accepts: scaling a percent must never round.
WIDE: Final = Context(prec=4 * MAX_LITERAL_DIGITS, traps=list(PLAIN_TRAPS))
#: A fair coin, built once (building strategies inside every draw dominated generation time).
COIN: Final = st.booleans()


@st.composite
def _long_decimal(draw: st.DrawFn, max_digits: int) -> Decimal:
    digits = draw(st.text("0123456789", min_size=1, max_size=max_digits))
    point = draw(st.integers(0, len(digits)))
    sign = draw(st.sampled_from(("", "-")))
    text = digits[:point] + "." + digits[point:] if point < len(digits) else digits
    return Decimal(sign + (text if not text.startswith(".") else "0" + text))


def decimals_for_inputs(
    *, max_digits: int = 60, scientific: bool = True
) -> st.SearchStrategy[Decimal]:
    """Exact, finite Decimals a caller may bind to number inputs.

    Includes 0 and -0, negatives, values near 100 (percent scores), long fractions up to
    ``max_digits`` significant digits and, when ``scientific``, values written with an exponent
    (``Decimal("1E+3")``), which a caller can pass and the library must accept.

    >>> isinstance(decimals_for_inputs(max_digits=20), st.SearchStrategy)
    True
    """
    edges = st.sampled_from(
        [Decimal(v) for v in ("0", "-0", "1", "-1", "0.1", "100", "120", "76", "0.0001", "-0.5")]
    )
    plain = st.decimals(
        min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
    )
    choices = [edges, plain, _long_decimal(max_digits)]
    if scientific:
        choices.append(st.builds(lambda c, e: Decimal(c).scaleb(e, context=WIDE),
                                 st.integers(-999, 999), st.integers(-30, 30)))  # fmt: skip
    return st.one_of(*choices)


_T = TypeVar("_T")


@cache
def _indexes(size: int) -> st.SearchStrategy[int]:
    return st.integers(0, size - 1)


def pick(draw: st.DrawFn, options: Sequence[_T]) -> _T:
    """``draw(st.sampled_from(options))`` without building a strategy on every draw.

    For the kit's own ``@st.composite`` draws (not exported by :mod:`kinerja_engine.testing`).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(st.composite(lambda draw: pick(draw, "LP"))())
    ... def check(letter):
    ...     assert letter in "LP"
    >>> check()
    """
    return options[draw(_indexes(len(options)))]
