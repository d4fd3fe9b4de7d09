"""kinerja_engine: achievement-based appraisal of Indonesian civil servants (ASN).

Rules are text: one-line indicator formulas and whole rulebooks, parsed by a Lark grammar,
checked before they run, and evaluated with exact decimal arithmetic.

>>> from kinerja_engine import Formula
>>> Formula.parse("cap(realisasi / target, 120%) * 100").evaluate(realisasi=130, target=100)
Decimal('120')
"""

from .errors import (
    BindingError,
    CheckError,
    Diagnostic,
    EvaluationError,
    KinerjaError,
    KinerjaSyntaxError,
    LimitError,
    ModelError,
    Span,
    UsageError,
)
from .language import Formula, Rulebook
from .models import (
    RHK,
    BehaviourAssessment,
    CoreValue,
    Direction,
    Employee,
    Indicator,
    Jenjang,
    Override,
    OverrideTarget,
    Period,
    PeriodKind,
    Plan,
    Position,
    PositionCategory,
    Realisation,
    RhkKind,
    TargetRange,
    Unit,
    decode_nip,
)
from .scoring import (
    Appraisal,
    DistributionReport,
    IndicatorResult,
    RhkResult,
    Step,
    Violation,
    appraise,
    appraise_many,
    appraise_year,
    check_distribution,
)
from .values import Label

__version__ = "0.1.0"

__all__ = [
    "RHK",
    "Appraisal",
    "BehaviourAssessment",
    "BindingError",
    "CheckError",
    "CoreValue",
    "Diagnostic",
    "Direction",
    "DistributionReport",
    "Employee",
    "EvaluationError",
    "Formula",
    "Indicator",
    "IndicatorResult",
    "Jenjang",
    "KinerjaError",
    "KinerjaSyntaxError",
    "Label",
    "LimitError",
    "ModelError",
    "Override",
    "OverrideTarget",
    "Period",
    "PeriodKind",
    "Plan",
    "Position",
    "PositionCategory",
    "Realisation",
    "RhkKind",
    "RhkResult",
    "Rulebook",
    "Span",
    "Step",
    "TargetRange",
    "Unit",
    "UsageError",
    "Violation",
    "__version__",
    "appraise",
    "appraise_many",
    "appraise_year",
    "check_distribution",
    "decode_nip",
]
