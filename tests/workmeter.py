"""Counted work for tests: how many function calls a public call makes, never how long it takes.

Input: a zero-argument action. Output: its result or its :class:`KinerjaError`, and the number of
Python and builtin function calls made while it ran (``sys.setprofile`` "call" and "c_call"
events). Guarantees: the count does not depend on the machine's speed or load, so a bound on it
cannot flake; it is the same from run to run up to a few cached look-ups (well under 1 %), which
is why tests compare it with bounds and ratios, never with an exact figure.

docs/language.md §8 "Limits": limits are checked before any expensive work, whatever the text.
Counted, that promise is two checks: the work is linear in the input (``CALLS_PER_CHAR`` calls per
character of text, plus ``BASE_CALLS``), and it grows linearly (:func:`growth`: four times the
input costs at most five times the calls, where quadratic work would cost sixteen).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from kinerja_engine import KinerjaError

# Measured on main: 40-190 calls per character for the parser, checker and compiler (the
# highest, 190, for a 2,000-member enum); 500 leaves room for a rewrite without admitting
# quadratic work (a 10,000-character text that costs n² calls would need 10⁸).
CALLS_PER_CHAR = 500
# A call on a tiny text: building a Formula, checking, compiling and one evaluation.
BASE_CALLS = 50_000
# The complexity check: cost at 4n over cost at n (linear work gives about 4; quadratic 16).
MAX_GROWTH = 5.0


@dataclass(frozen=True, slots=True)
class Counted:
    """What an action returned or raised, and the calls it made."""

    result: Any
    error: KinerjaError | None
    calls: int


def count_calls(action: Callable[[], Any]) -> Counted:
    """Run ``action`` under a call counter; a :class:`KinerjaError` is caught and returned.

    >>> count_calls(lambda: sum([1, 2])).calls >= 1
    True
    """
    calls = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result, error = action(), None
    except KinerjaError as exc:
        result, error = None, exc
    finally:
        sys.setprofile(previous)
    return Counted(result, error, calls)


def linear_budget(size: int) -> int:
    """The most calls a public call may make on a text of ``size`` characters."""
    return CALLS_PER_CHAR * size + BASE_CALLS


def growth(make: Callable[[int], Callable[[], Any]], n: int) -> tuple[int, int]:
    """Calls made by ``make(n)()`` and by ``make(4 * n)()``, for the complexity check.

    ``make(n)`` builds its input before returning the action, so building the input is not
    counted. Both actions run once beforehand so that one-off caches are warm in both.
    """
    small, large = make(n), make(4 * n)
    count_calls(small), count_calls(large)
    return count_calls(small).calls, count_calls(large).calls
