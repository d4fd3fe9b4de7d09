"""Plans with changed numbers, and how an indicator's capaian moves with its realisasi.

Input: a :class:`~kinerja_engine.models.Plan` and a rulebook. Output: :func:`changed_plan` (the
plan re-validated with some realisasi, targets or weights replaced, by indicator/RHK id) and
:func:`capaian_sign` (+1/-1 when the rulebook's own formula is proven to raise/lower the
capaian as the realisasi grows, 0 when it does not depend on it, None when unproven).
Guarantees: a changed plan passes the same validation as any plan; an unknown id is refused;
a sign is only given when the monotonicity analysis proves it. Shared by what-if, the path
to the next rating and the target checks.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> plan = example_plan()
>>> ind = next(i for _, i in plan.indicators())
>>> changed_plan(plan, realisasi={ind.id: 7}).realisation_for(ind.id).value
Decimal('7')
>>> capaian_sign(rulebooks.load("gajahmungkur"), ind) in (1, -1)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..errors import UsageError, shown
from ..language.formula import Rulebook
from ..language.monotone import Monotone, Sym
from ..language.nodes import FuncDef
from ..models import Indicator, Plan, TargetRange
from ..scoring.capaian import capaian_definition
from .piecewise import piecewise_sign

__all__ = ["capaian_sign", "changed_plan"]


def changed_plan(
    plan: Plan,
    realisasi: Mapping[str, Any] | None = None,
    targets: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
) -> Plan:
    """``plan`` with the given realisasi, targets or weights replaced (by indicator/RHK id)."""
    data = plan.model_dump()
    known = {ind.id for _, ind in plan.indicators()} | {r.id for r in plan.rhk}
    for mapping in (realisasi or {}, targets or {}, weights or {}):
        for key in mapping:
            if key not in known:
                raise UsageError(f"plan {plan.id} has no indicator or RHK {shown(key)}")
    for rhk in data["rhk"]:
        if weights and rhk["id"] in weights:
            rhk["weight"] = weights[rhk["id"]]
        for ind in rhk["indicators"]:
            if targets and ind["id"] in targets:
                ind["target"] = targets[ind["id"]]
            if weights and ind["id"] in weights:
                ind["weight"] = weights[ind["id"]]
    if realisasi:
        kept = [r for r in data["realisations"] if r["indicator"] not in realisasi]
        kept.extend({"indicator": k, "value": v} for k, v in realisasi.items())
        data["realisations"] = kept
    return Plan.model_validate(data)


def capaian_sign(book: Rulebook, ind: Indicator) -> int | None:
    """Direction of the indicator's capaian as its realisasi grows, with the target fixed.

    A range target's capaian branches on the realisasi (inside 100, each side its own formula):
    it is proven piecewise (:func:`~.piecewise.piecewise_sign`), so a higher/lower range whose
    sides meet at 100 gets a sign and a tolerance band (rising, then falling) gets None.
    """
    if isinstance(ind.target, str):  # a qualitative indicator: its realisasi is no number
        return None
    realisasi = Sym(None, 1)
    if isinstance(ind.target, TargetRange):
        lo, hi = Sym(Fraction(ind.target.lo)), Sym(Fraction(ind.target.hi))
        env = {"realisasi": realisasi, "target": hi, "lo": lo, "hi": hi}
    else:
        hi = Sym(Fraction(ind.target))
        env = {"realisasi": realisasi, "target": hi, "lo": hi, "hi": hi}
    if ind.formula is not None:
        body = book.formula(ind.formula, inputs=dict.fromkeys(env, "number")).ast
    else:
        info = book.checked.funcs.get(capaian_definition(ind))
        if info is None or not isinstance(info.node, FuncDef):
            return None
        if any(t.kind == "label" for t in info.param_types):  # a qualitative kind
            return None
        body = info.node.body
        # Every parameter but realisasi and lo is the target (the upper end of a range), as
        # the scoring stage binds it.
        env = {p: env.get(p, hi) for p in info.params}
    if isinstance(ind.target, TargetRange):
        return piecewise_sign(book.checked, body, env, realisasi)
    # A cap (min with a constant) keeps the direction.
    return Monotone(book.checked).value(body, env).sign
