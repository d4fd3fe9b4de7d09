"""Typed plans (SKP) and their parts: pydantic models, frozen, extra fields forbidden.

Input: dicts, JSON or objects. Output: validated :class:`Plan` values, or a
:class:`~kinerja_engine.errors.ModelError` naming every field in error.

The modules, in dependency order (each imports only those before it):

- :mod:`.fields`: problems plumbing, the enums, and the exact number fields ``Dec`` and ``Weight``,
  ``DecOrLabel`` (a number or a label of a scale) and :func:`is_label_text`;
- :mod:`.nip`: the ``Nip`` field and :func:`decode_nip`;
- :mod:`.period`: :class:`Period`;
- :mod:`.base`: the base model whose every failure is a ``ModelError``;
- :mod:`.people`: :class:`Employee`, :class:`Position`, :class:`Unit`;
- :mod:`.target`: :class:`TargetRange` and the ``Target`` field of an indicator;
- :mod:`.plan`: :class:`Plan` and its parts, and :func:`example_plan`.

>>> example_plan().period
Period.month(2026, 1)
"""

from .fields import (
    CoreValue,
    Dec,
    DecOrLabel,
    Direction,
    EmployeeKind,
    Jenjang,
    JptLevel,
    OverrideTarget,
    PeriodKind,
    PositionCategory,
    RhkKind,
    Weight,
    is_label_text,
)
from .nip import Nip, NipInfo, decode_nip
from .people import Employee, Position, Unit
from .period import Period
from .plan import (
    RHK,
    BehaviourAssessment,
    Indicator,
    Override,
    Plan,
    Realisation,
    example_plan,
)
from .target import TargetRange

__all__ = [
    "RHK",
    "BehaviourAssessment",
    "CoreValue",
    "Dec",
    "DecOrLabel",
    "Direction",
    "Employee",
    "EmployeeKind",
    "Indicator",
    "Jenjang",
    "JptLevel",
    "Nip",
    "NipInfo",
    "Override",
    "OverrideTarget",
    "Period",
    "PeriodKind",
    "Plan",
    "Position",
    "PositionCategory",
    "Realisation",
    "RhkKind",
    "TargetRange",
    "Unit",
    "Weight",
    "decode_nip",
    "example_plan",
    "is_label_text",
]
