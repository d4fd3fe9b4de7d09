"""The scoring phase: a plan and a rulebook in, an explained :class:`Appraisal` out.

Deterministic: no clock, environment or files. Result numbers are :class:`Number` values
(Decimals that keep their exact value). Modules, in the order they may import each other:
``number`` (the result number type) → ``carry`` (exact numbers between stages) →
``explain`` (an appraisal as text) →
``typed`` (the records' pydantic base and value types) → ``results`` (the result records) →
``contract`` (the entry points the pipeline calls, one table, and :func:`check_pipeline`) →
``context`` (a rulebook's derived data, one run) →
``stages`` (indicator → RHK → ratings → predikat → conversions) → ``pipeline`` (``appraise``,
``appraise_many``) → ``annual`` (``appraise_year``); ``distribution`` (the unit's curve).
"""

from .annual import ANNUAL_POLICIES, appraise_year
from .collection import Appraisals
from .contract import ENTRY_POINTS, EntryPoint, check_pipeline, check_plan_kinds
from .distribution import DistributionReport, Violation, check_distribution
from .explain import format_number_id
from .number import DECIMAL_PLACES, Number
from .pipeline import appraise, appraise_many, clear_caches
from .results import Appraisal, BandMatch, IndicatorResult, RhkResult, Step

__all__ = [
    "ANNUAL_POLICIES",
    "DECIMAL_PLACES",
    "ENTRY_POINTS",
    "Appraisal",
    "Appraisals",
    "BandMatch",
    "DistributionReport",
    "EntryPoint",
    "IndicatorResult",
    "Number",
    "RhkResult",
    "Step",
    "Violation",
    "appraise",
    "appraise_many",
    "appraise_year",
    "check_distribution",
    "check_pipeline",
    "check_plan_kinds",
    "clear_caches",
    "format_number_id",
]
