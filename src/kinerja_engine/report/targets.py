"""Checks of a draft plan's targets against last period's realisasi and the rulebook's caps.

Input: a draft :class:`~kinerja_engine.models.Plan`, a rulebook and optionally last period's
plan with its realisations (matched by indicator id). Output: a list of :class:`TargetFlag`:
targets already met by last period's realisasi, targets out of reach under the caps, and
weights that do not add up. Guarantees: every flag comes from re-scoring the draft with the
rulebook (never from a guessed formula); a target is called out of reach only when the
capaian is proven monotone and its best value stays below 100.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.demo import load_unit
>>> quarters = load_unit().plans[0]
>>> flags = check_targets(quarters[1], rulebooks.load("gajahmungkur"), last=quarters[0])
>>> all(f.kind in ("already_met", "unreachable", "weights") for f in flags)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import KinerjaError
from ..language.formula import Rulebook
from ..models import Plan
from ..scoring import appraise, check_plan_kinds
from ..values import fraction_to_decimal
from .plans import capaian_sign, changed_plan
from .wording import short_number

__all__ = ["TargetFlag", "check_targets"]


@dataclass(frozen=True, slots=True)
class TargetFlag:
    """A warning about a draft target: ``already_met``, ``unreachable``, ``weights`` or ``kind``
    (the rulebook cannot score the indicator's kind: unknown, with a did-you-mean)."""

    indicator: str
    kind: str
    message: str


def check_targets(draft: Plan, rulebook: Rulebook, last: Plan | None = None) -> list[TargetFlag]:
    """Flag draft targets already met by last period's realisasi, out of reach, or badly weighted.

    ``last`` is last period's plan with its realisations (matched by indicator id).
    """
    flags = [TargetFlag(ind, "kind", problem) for ind, problem in check_plan_kinds(draft, rulebook)]
    try:
        appraise(draft.model_copy(update={"realisations": ()}), rulebook)
    except KinerjaError as exc:
        if "weight" in exc.message:
            flags.append(TargetFlag("", "weights", exc.message.split(": ", 1)[-1]))
    probe = max(Fraction(10) ** 9, Fraction(1))
    for _, ind in draft.indicators():
        previous = last.realisation_for(ind.id) if last is not None else None
        if previous is not None and previous.value is not None:
            try:
                result = appraise(changed_plan(draft, realisasi={ind.id: previous.value}),
                                  rulebook)  # fmt: skip
                capaian = result.indicator(ind.id).capaian
            except KinerjaError:
                capaian = None
            if capaian is not None and capaian >= 100:
                uom = ind.unit_of_measure
                before, now = short_number(previous.value, "id"), short_number(capaian, "id")
                flags.append(TargetFlag(ind.id, "already_met",
                    f"{ind.name}: realisasi periode lalu {before} {uom} "
                    f"sudah mencapai target baru (capaian {now} %)."))  # fmt: skip
        sign = capaian_sign(rulebook, ind)
        if sign in (1, -1):
            extreme = probe if sign > 0 else Fraction(0)
            try:
                result = appraise(
                    changed_plan(draft, realisasi={ind.id: str(fraction_to_decimal(extreme))}),
                    rulebook,
                )
                best = result.indicator(ind.id).capaian
            except KinerjaError:
                best = None
            if best is not None and best < 100:
                highest = short_number(best, "id")
                flags.append(TargetFlag(ind.id, "unreachable",
                    f"{ind.name}: capaian tertinggi yang mungkin hanya {highest} %; "
                    "target tidak dapat tercapai di bawah batas capaian."))  # fmt: skip
    return flags
