"""kinerja_engine: achievement-based appraisal of Indonesian civil servants (ASN).

Rules are text: one-line indicator formulas and whole rulebooks, parsed by a Lark grammar,
checked before they run, and evaluated with exact decimal arithmetic.

>>> from kinerja_engine import Formula
>>> Formula.parse("cap(realisasi / target, 120%) * 100").evaluate(realisasi=130, target=100)
Decimal('120')
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

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
from .language.formula import Formula, Rulebook
from .values import Label

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
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
    from .report import (
        Change,
        Feedback,
        FeedbackItem,
        PathStep,
        TargetFlag,
        WhatIf,
        check_targets,
        feedback,
        path_to_next,
        what_if,
    )
    from .scoring import (
        Appraisal,
        Appraisals,
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

__version__ = "0.1.0"

__all__ = [
    "RHK",
    "Appraisal",
    "Appraisals",
    "BehaviourAssessment",
    "BindingError",
    "Change",
    "CheckError",
    "CoreValue",
    "Diagnostic",
    "Direction",
    "DistributionReport",
    "Employee",
    "EvaluationError",
    "Feedback",
    "FeedbackItem",
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
    "PathStep",
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
    "TargetFlag",
    "TargetRange",
    "Unit",
    "UsageError",
    "Violation",
    "WhatIf",
    "__version__",
    "appraise",
    "appraise_many",
    "appraise_year",
    "check_distribution",
    "check_targets",
    "decode_nip",
    "feedback",
    "path_to_next",
    "what_if",
]

# Where each lazily imported public name lives. `import kinerja_engine` (and so the import of
# any submodule, which imports this package first) loads the language (formulas and
# rulebooks: the first parse after it is then only the parse) but not the ~200 ms of pydantic
# models, the scoring pipeline and the reports: a service or notebook that only evaluates
# formulas never pays for them. The first access to one of these names imports its
# module once and caches the name in this module's globals.
_LAZY = {
    "RHK": "models",
    "BehaviourAssessment": "models",
    "CoreValue": "models",
    "Direction": "models",
    "Employee": "models",
    "Indicator": "models",
    "Jenjang": "models",
    "Override": "models",
    "OverrideTarget": "models",
    "Period": "models",
    "PeriodKind": "models",
    "Plan": "models",
    "Position": "models",
    "PositionCategory": "models",
    "Realisation": "models",
    "RhkKind": "models",
    "TargetRange": "models",
    "Unit": "models",
    "decode_nip": "models",
    "Change": "report",
    "Feedback": "report",
    "FeedbackItem": "report",
    "PathStep": "report",
    "TargetFlag": "report",
    "WhatIf": "report",
    "check_targets": "report",
    "feedback": "report",
    "path_to_next": "report",
    "what_if": "report",
    "Appraisal": "scoring",
    "Appraisals": "scoring",
    "DistributionReport": "scoring",
    "IndicatorResult": "scoring",
    "RhkResult": "scoring",
    "Step": "scoring",
    "Violation": "scoring",
    "appraise": "scoring",
    "appraise_many": "scoring",
    "appraise_year": "scoring",
    "check_distribution": "scoring",
}

# Subpackages 0.1 imported with the package: `kinerja_engine.scoring.appraise` after a plain
# `import kinerja_engine` keeps working, the subpackage imported on first access.
_SUBPACKAGES = frozenset({"arguments", "io", "models", "report", "scoring"})


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562).

    >>> import kinerja_engine
    >>> kinerja_engine.Plan.__module__  # pydantic and the models load here, once
    'kinerja_engine.models.plan'
    """
    module = _LAZY.get(name)
    if module is None:
        if name in _SUBPACKAGES:  # importing it binds it in this module's globals
            return import_module(f".{name}", __name__)
        raise AttributeError(f"module 'kinerja_engine' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, imported or not yet (so tab completion lists them all), without the
    helpers this module itself imports."""
    return sorted({*globals(), *__all__} - {"Any", "TYPE_CHECKING", "import_module"})
