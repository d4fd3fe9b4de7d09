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
from .values import Label

__version__ = "0.1.0"

__all__ = [
    "BindingError",
    "CheckError",
    "Diagnostic",
    "EvaluationError",
    "Formula",
    "KinerjaError",
    "KinerjaSyntaxError",
    "Label",
    "LimitError",
    "ModelError",
    "Rulebook",
    "Span",
    "UsageError",
    "__version__",
]
