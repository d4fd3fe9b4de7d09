"""Checks of a draft plan's targets against last period's realisasi and the rulebook's caps.

Input: a draft :class:`~kinerja_engine.models.Plan`, a rulebook, optionally last period's
plan with its realisations (matched by indicator id) and a language (``"id"`` or ``"en"``).
Output: a list of :class:`TargetFlag`: targets already met by last period's realisasi
(``already_met``), out of reach under the caps (``unreachable``), far from last period's
realisasi (``far_from_last``: :data:`FAR_FACTOR` times or more, either way), weights that do
not add up (``weights``), an indicator kind the rulebook does not declare (``unknown_kind``,
with did-you-mean) and an indicator formula that does not parse or check (``formula``).
Guarantees: every flag comes from re-scoring the draft with the rulebook (never from a
guessed formula); a target is called out of reach only when the capaian is proven monotone
and its best value stays below 100; bad weights do not hide the other flags (the draft is
re-scored with equal weights to judge its targets); a problem in the draft is a flag, never
an exception.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.demo import load_unit
>>> quarters = load_unit().plans[0]
>>> flags = check_targets(quarters[1], rulebooks.load("gajahmungkur"), last=quarters[0])
>>> all(f.kind in ("already_met", "unreachable", "weights") for f in flags)
True
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Final

from ..arguments import require, require_optional
from ..errors import KinerjaError, UsageError, shown
from ..language.formula import Rulebook
from ..models import Indicator, Plan, TargetRange
from ..scoring import appraise
from ..scoring.contract import KindIndex
from ..scoring.pipeline import check_rulebook
from ..scoring.typed import Record
from ..values import fraction_to_decimal
from .plans import capaian_sign, changed_plan
from .wording import short_number

__all__ = ["FAR_FACTOR", "TargetFlag", "check_targets"]

#: A target this many times last period's realisasi, or this many times smaller, is flagged.
FAR_FACTOR: Final = 10

_TEXT: Final[dict[str, dict[str, str]]] = {
    "id": {
        "already_met": "{name}: realisasi periode lalu {before} {uom} sudah mencapai target "
        "baru (capaian {now} %).",
        "unreachable": "{name}: capaian tertinggi yang mungkin hanya {best} %; target tidak "
        "dapat tercapai di bawah batas capaian.",
        "far_from_last": "{name}: target {target} {uom} jauh dari realisasi periode lalu "
        "({before} {uom}).",
        "unknown_kind": "{name}: jenis indikator '{kind}' tidak dikenal di aturan{hint}.",
        "hint": " (mungkin '{close}'?)",
        "formula": "{name}: rumus indikator tidak dapat dipakai: {error}",
    },
    "en": {
        "already_met": "{name}: last period's realisasi of {before} {uom} already meets the "
        "new target (capaian {now} %).",
        "unreachable": "{name}: the highest possible capaian is only {best} %; the target "
        "cannot be met under the caps.",
        "far_from_last": "{name}: the target of {target} {uom} is far from last period's "
        "realisasi ({before} {uom}).",
        "unknown_kind": "{name}: the rulebook declares no indicator kind '{kind}'{hint}.",
        "hint": " (did you mean '{close}'?)",
        "formula": "{name}: the indicator's formula cannot be used: {error}",
    },
}


class TargetFlag(Record):
    """A warning about a draft target: ``already_met``, ``unreachable``, ``far_from_last``,
    ``weights``, ``unknown_kind`` or ``formula``."""

    indicator: str
    kind: str
    message: str


def _kind_flag(ind: Indicator, kinds: KindIndex, t: dict[str, str]) -> TargetFlag:
    assert ind.kind is not None
    close = kinds.closest(ind.kind)
    hint = t["hint"].format(close=close) if close else ""
    message = t["unknown_kind"].format(name=ind.name, kind=ind.kind, hint=hint)
    return TargetFlag.build(ind.id, "unknown_kind", message)


def _is_far(target: Decimal, before: Decimal) -> bool:
    if target <= 0 or before <= 0:
        return False
    return target >= before * FAR_FACTOR or before >= target * FAR_FACTOR


def _capaian_or_none(plan: Plan, book: Rulebook, ind_id: str, value: object) -> Fraction | None:
    try:
        capaian = appraise(changed_plan(plan, realisasi={ind_id: value}), book,
                           trace=False).indicator(ind_id).capaian  # fmt: skip
        return None if capaian is None else capaian.exact
    except KinerjaError:
        return None


def check_targets(draft: Plan, rulebook: Rulebook, last: Plan | None = None,
                  lang: str = "id") -> list[TargetFlag]:  # fmt: skip
    """Flag draft targets already met by last period's realisasi, out of reach, far from it,
    of an unknown kind, with a broken formula, or badly weighted.

    ``last`` is last period's plan with its realisations (matched by indicator id); ``lang``
    is ``"id"`` (default) or ``"en"`` for the messages.
    """
    require(draft, Plan, "check_targets", "draft")
    check_rulebook(rulebook, "check_targets")
    require_optional(last, Plan, "check_targets", "last")
    require(lang, str, "check_targets", "lang")
    if lang not in _TEXT:
        raise UsageError(
            f"check_targets(): parameter 'lang' must be 'id' or 'en', got {shown(lang)}"
        )
    t = _TEXT[lang]
    flags: list[TargetFlag] = []
    # The pipeline contract decides which kinds the rulebook can score (one source).
    kinds = KindIndex(rulebook)
    probe_plan = draft
    try:
        appraise(draft.model_copy(update={"realisations": ()}), rulebook, trace=False)
    except KinerjaError as exc:
        if "weight" in exc.message:
            flags.append(TargetFlag.build("", "weights", exc.message.split(": ", 1)[-1]))
            # Judge the targets with equal weights, so bad weights hide no other flag.
            weights = {ind.id: None for _, ind in draft.indicators()}
            weights.update({r.id: None for r in draft.rhk})
            probe_plan = changed_plan(draft, weights=weights)
    probe = max(Fraction(10) ** 9, Fraction(1))
    for _, ind in draft.indicators():
        if ind.formula is None and ind.kind is not None and kinds.problem(ind.kind) is not None:
            flags.append(_kind_flag(ind, kinds, t))
            continue
        previous = last.realisation_for(ind.id) if last is not None else None
        # A qualitative indicator (label target or realisasi) has no distance to judge.
        if (
            previous is not None
            and isinstance(previous.value, Decimal)
            and not isinstance(ind.target, str)
        ):
            capaian = _capaian_or_none(probe_plan, rulebook, ind.id, previous.value)
            before = short_number(previous.value, lang)
            uom = ind.unit_of_measure
            if capaian is not None and capaian >= 100:
                now = short_number(capaian, lang)
                flags.append(TargetFlag.build(ind.id, "already_met", t["already_met"].format(
                    name=ind.name, before=before, uom=uom, now=now)))  # fmt: skip
            elif not isinstance(ind.target, TargetRange) and _is_far(ind.target, previous.value):
                target = short_number(ind.target, lang)
                flags.append(TargetFlag.build(ind.id, "far_from_last", t["far_from_last"].format(
                    name=ind.name, target=target, uom=uom, before=before)))  # fmt: skip
        try:
            sign = capaian_sign(rulebook, ind)
        except KinerjaError as exc:
            message = t["formula"].format(name=ind.name, error=exc.message)
            flags.append(TargetFlag.build(ind.id, "formula", message))
            continue
        if sign in (1, -1):
            extreme = probe if sign > 0 else Fraction(0)
            best = _capaian_or_none(probe_plan, rulebook, ind.id, str(fraction_to_decimal(extreme)))
            if best is not None and best < 100:
                flags.append(TargetFlag.build(ind.id, "unreachable", t["unreachable"].format(
                    name=ind.name, best=short_number(best, lang))))  # fmt: skip
    return flags
