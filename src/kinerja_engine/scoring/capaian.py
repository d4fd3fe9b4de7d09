"""Which rulebook definition computes an indicator's capaian.

Input: an :class:`~kinerja_engine.models.Indicator`. Output: the name of the rulebook
definition the pipeline calls for its capaian (:func:`capaian_definition`). Guarantees: one
place decides it, for scoring, what-if and the target checks alike; the choice depends only on
the indicator's ``kind``, ``direction`` and whether its target is a range, never on numbers.

The names, by indicator:

=====================  ==================  ==============================================
kind                   target              definition
=====================  ==================  ==============================================
``k`` (declared)       number or range     ``capaian_k(realisasi, target)`` (target: hi)
none, ``higher``       number              ``capaian_higher(realisasi, target)``
none, ``lower``        number              ``capaian_lower(realisasi, target)``
none, ``higher``       range               ``capaian_range_higher(realisasi, lo, hi)``
none, ``lower``        range               ``capaian_range_lower(realisasi, lo, hi)``
none, ``tolerance``    range               ``capaian_tolerance(realisasi, lo, hi)``
none, ``range``        range               ``capaian_range(realisasi, lo, hi)`` (older)
=====================  ==================  ==============================================

>>> from kinerja_engine.models import Indicator
>>> iki = Indicator(id="t", name="Waktu", unit_of_measure="bulan", target="7-8", direction="lower")
>>> capaian_definition(iki)
'capaian_range_lower'
"""

from __future__ import annotations

from typing import Final

from ..models import Direction, Indicator, TargetRange

__all__ = ["capaian_definition"]

# Plain dict look-ups: this runs once per indicator on the batch path.
_NUMBER: Final[dict[Direction, str]] = {d: f"capaian_{d.value}" for d in Direction}
_RANGE: Final[dict[Direction, str]] = {
    **_NUMBER,
    Direction.HIGHER: "capaian_range_higher",
    Direction.LOWER: "capaian_range_lower",
}


def capaian_definition(ind: Indicator) -> str:
    """The rulebook definition that computes ``ind``'s capaian (see the module's table).

    >>> from kinerja_engine.models import Indicator
    >>> capaian_definition(Indicator(id="a", name="a", unit_of_measure="%", target=90,
    ...                              direction="higher"))
    'capaian_higher'
    """
    if ind.kind is not None:
        return f"capaian_{ind.kind}"
    names = _RANGE if type(ind.target) is TargetRange else _NUMBER
    return names[ind.direction]
