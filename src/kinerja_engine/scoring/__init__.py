"""The scoring phase: a plan and a rulebook in, an explained :class:`Appraisal` out.

Deterministic: no clock, environment or files. Modules, in the order they may import each
other: ``carry`` (exact numbers between stages) → ``explain`` (an appraisal as text) →
``results`` (the result records) → ``context`` (a rulebook's derived data, one run) →
``stages`` (indicator → RHK → ratings → predikat → conversions) → ``pipeline`` (``appraise``,
``appraise_many``) → ``annual`` (``appraise_year``); ``distribution`` (the unit's curve).
"""

from .annual import ANNUAL_POLICIES, appraise_year
from .distribution import DistributionReport, Violation, check_distribution
from .explain import format_number_id
from .pipeline import appraise, appraise_many, clear_caches
from .results import Appraisal, BandMatch, IndicatorResult, RhkResult, Step

__all__ = [
    "ANNUAL_POLICIES",
    "Appraisal",
    "BandMatch",
    "DistributionReport",
    "IndicatorResult",
    "RhkResult",
    "Step",
    "Violation",
    "appraise",
    "appraise_many",
    "appraise_year",
    "check_distribution",
    "clear_caches",
    "format_number_id",
]
