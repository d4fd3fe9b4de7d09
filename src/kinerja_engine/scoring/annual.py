"""The annual appraisal: periodic plans in, one appraisal of the year out, by a policy table.

Input: the periodic plans of one employee (any order), a rulebook whose ``agregasi_tahunan``
names the policy (or a policy given by name), and optionally the annual plan. Output: an
:class:`~kinerja_engine.scoring.Appraisal` of the year whose trace starts with the
aggregation steps. Guarantees: each policy is one row of :data:`ANNUAL_POLICIES` (name →
function), so adding one is one row; values are carried unrounded and rounded once; an
indicator not applicable in every period aggregated is not applicable for the year; an
indicator not yet reported leaves the year waiting for it. The plans must be one
employee's, of one year, without duplicate or overlapping periods (else
:class:`~kinerja_engine.errors.UsageError` naming the plans); periods of the year without a
plan are named in ``missing_periods`` and a note, and make the year incomplete when the
rulebook's ``kebijakan_realisasi_kosong`` is ``tidak_lengkap`` (or names no policy).

>>> sorted(ANNUAL_POLICIES)
['kumulatif', 'periode_terakhir', 'rata_capaian', 'terburuk']
>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.demo import load_unit
>>> year = appraise_year(load_unit().plans[0], rulebooks.load("gajahmungkur"))
>>> year.period, year.trace[0].rule, year.trace[0].result
('2026', 'agregasi_tahunan', 'rata_capaian')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Any, Final

from ..arguments import require, require_optional
from ..errors import UsageError
from ..language.formula import Rulebook
from ..models import Period, PeriodKind, Plan
from ..values import Label
from .carry import to_public
from .context import Run
from .pipeline import appraise, check_rulebook
from .results import Appraisal
from .stages import score_run
from .typed import AppraisalStatus, Number

__all__ = [
    "ANNUAL_POLICIES",
    "AnnualInput",
    "AnnualPolicy",
    "appraise_year",
    "missing_periods",
]


@dataclass(frozen=True, slots=True)
class AnnualInput:
    """What a policy aggregates: the periodic plans in order, their appraisals, the run of
    the year (its trace already names the policy) and the caller's annual plan, if any."""

    rulebook: Rulebook
    plans: tuple[Plan, ...]
    periodic: tuple[Appraisal, ...]
    run: Run
    annual: Plan | None


#: A policy: the aggregation input in, the appraisal of the year out.
AnnualPolicy = Callable[[AnnualInput], Appraisal]


def _capaian_of(appraisal: Appraisal) -> dict[str, Fraction | None]:
    """The capaian of a period's indicators; None for one not applicable in that period (an
    indicator not yet reported is left out, so the annual result waits for it)."""
    return {
        ind.id: None if ind.capaian is None else ind.capaian.exact
        for rhk in appraisal.rhk
        for ind in rhk.indicators
        if ind.capaian is not None or ind.status == "not_applicable"
    }


def _exact(value: Number | None) -> Fraction:
    """A result number's exact value (0 for None), for exact comparisons."""
    return Fraction(0) if value is None else value.exact


def _last_period(year: AnnualInput) -> Appraisal:
    """``periode_terakhir``: the last period's capaian, scored against the year's plan."""
    last = year.periodic[-1]
    return score_run(year.run, given=_capaian_of(last), given_rule=f"capaian {last.period}")


def _worst(year: AnnualInput) -> Appraisal:
    """``terburuk``: the period with the worst predikat (then the lowest value) stands for
    the year, scored with its own plan relabelled as the year."""
    run = year.run
    order = {m.name: i for i, m in enumerate(year.rulebook.enum("predikat").members)}
    rated = [
        (a, p) for a, p in zip(year.periodic, year.plans, strict=True) if a.predikat is not None
    ]
    if not rated:
        raise run.fail("no periodic result has a predikat to take the worst of")
    worst, plan = max(
        rated,
        key=lambda ap: (order[ap[0].predikat.name], -_exact(ap[0].nilai_hasil_kerja)),  # type: ignore[union-attr]
    )
    run.step("agregasi", "", "terburuk", {}, worst.period, f"periode terburuk: {worst.period}")
    base = run.plan
    worst_run = Run(plan.model_copy(update={"period": base.period, "id": base.id}), year.rulebook)
    worst_run.trace.extend(run.trace)
    return score_run(worst_run, given=_capaian_of(worst), given_rule=f"capaian {worst.period}")


def _mean_capaian(year: AnnualInput) -> Appraisal:
    """``rata_capaian``: each indicator's capaian averaged exactly over the periods it was
    reported, then scored once."""
    run = year.run
    sums: dict[str, list[Fraction]] = {}
    not_applicable: set[str] = set()
    for a in year.periodic:
        for rhk in a.rhk:
            for ind in rhk.indicators:
                if ind.capaian is not None:
                    sums.setdefault(ind.id, []).append(ind.capaian.exact)
                elif ind.status == "not_applicable":
                    not_applicable.add(ind.id)
    # The mean of the periods that have a capaian; not applicable in every period: so is
    # the year.
    given: dict[str, Fraction | None] = dict.fromkeys(not_applicable - sums.keys())
    given.update({k: sum(v, Fraction(0)) / len(v) for k, v in sums.items()})
    for k, v in sums.items():
        run.step("agregasi", k, "rata_capaian", {"capaian": tuple(v)}, given[k])
    span = f"{year.periodic[0].period}…{year.periodic[-1].period}"
    return score_run(run, given=given, given_rule=f"rata-rata capaian {span}")


def _cumulative(year: AnnualInput) -> Appraisal:
    """``kumulatif``: realisasi summed over the periods against the annual plan's targets."""
    run = year.run
    if year.annual is None:
        raise run.fail("the kumulatif policy needs the annual plan with annual targets")
    totals: dict[str, Fraction] = {}
    labels: dict[str, str] = {}
    not_applicable: set[str] = set()
    for p in year.plans:
        for r in p.realisations:
            if isinstance(r.value, str):  # a label of a scale is not summed: the latest stands
                labels[r.indicator] = r.value
            elif r.value is not None:
                totals[r.indicator] = totals.get(r.indicator, Fraction(0)) + Fraction(r.value)
            elif r.not_applicable:
                not_applicable.add(r.indicator)
    realisations: list[dict[str, Any]] = [
        {"indicator": k, "value": str(to_public(v))} for k, v in totals.items()
    ]
    realisations += [{"indicator": k, "value": v} for k, v in labels.items()]
    realisations += [
        {"indicator": k, "not_applicable": True}
        for k in sorted(not_applicable - totals.keys() - labels.keys())
    ]
    data = year.annual.model_dump()
    data["realisations"] = realisations
    cumulative = Run(Plan.model_validate(data), year.rulebook)
    cumulative.trace.extend(run.trace)
    return score_run(cumulative)


#: The annual aggregation policies by their name in the rulebook's enum ``agregasi``.
ANNUAL_POLICIES: Final[Mapping[str, AnnualPolicy]] = {
    "periode_terakhir": _last_period,
    "terburuk": _worst,
    "rata_capaian": _mean_capaian,
    "kumulatif": _cumulative,
}


def _policy_name(run: Run) -> str:
    value = run.param("agregasi_tahunan", None)
    if not isinstance(value, Label):
        raise run.fail(f"rulebook '{run.book.name}' defines no agregasi_tahunan policy")
    return value.name


def _checked_plans(plans: object, annual: Plan | None) -> tuple[Plan, ...]:
    """The periodic plans in period order, after refusing what cannot make one year: other
    types, several employees, several years, duplicate or overlapping periods."""
    if isinstance(plans, Plan | str | bytes | Mapping) or not isinstance(plans, Sequence):
        raise UsageError(
            f"appraise_year(): parameter 'plans' must be a sequence of Plan, "
            f"got {type(plans).__name__}"
        )
    for i, plan in enumerate(plans):
        require(plan, Plan, "appraise_year", f"plans[{i}]",
                hint="validate raw data first: Plan.model_validate(data)")  # fmt: skip
    if not plans:
        raise UsageError("appraise_year() needs at least one periodic plan")
    ordered: tuple[Plan, ...] = tuple(sorted(plans, key=lambda p: (p.period.start, p.period.end)))
    # The year is the annual plan's, else the one most plans share: the odd plan is named.
    years = Counter(p.period.year for p in ordered)
    year = annual.period.year if annual else max(years, key=lambda y: (years[y], y))
    first = annual or next(p for p in ordered if p.period.year == year)
    for plan in (*ordered, *([] if annual is None else [annual])):
        if plan.employee.nip != first.employee.nip:
            raise UsageError(
                f"appraise_year(): plan {plan.id} is of employee {plan.employee.nip}, "
                f"plan {first.id} of employee {first.employee.nip}: one employee per year"
            )
        if plan.period.year != first.period.year:
            raise UsageError(
                f"appraise_year(): plan {plan.id} is of {plan.period}, outside the year "
                f"{first.period.year} of plan {first.id}"
            )
    for before, after in pairwise(ordered):
        if after.period == before.period:
            raise UsageError(
                f"appraise_year(): plans {before.id} and {after.id} are both of {after.period}"
            )
        if after.period.start < before.period.end:
            raise UsageError(
                f"appraise_year(): plan {after.id} ({after.period}) overlaps plan {before.id} "
                f"({before.period})"
            )
    return ordered


def missing_periods(plans: Sequence[Plan]) -> tuple[Period, ...]:
    """The periods of the plans' year not covered by any plan, in the plans' own kind (in
    months when the kinds are mixed). The plans are one year's and do not overlap.

    >>> from kinerja_engine.demo import load_unit
    >>> quarters = load_unit().plans[0]
    >>> [str(p) for p in missing_periods(quarters[:3])]
    ['2026-Q4']
    """
    year = plans[0].period.year
    kinds = {p.period.kind for p in plans}
    kind = kinds.pop() if len(kinds) == 1 else PeriodKind.MONTH
    covered = {m for p in plans for m in p.period.months}
    return tuple(
        part for part in Period.year(year).children(kind) if not covered.issuperset(part.months)
    )


def _report_missing(result: Appraisal, missing: tuple[Period, ...], run: Run) -> Appraisal:
    """Name the missing periods in the result; incomplete under ``tidak_lengkap``."""
    if not missing:
        return result
    names = tuple(str(p) for p in missing)
    policy = run.param("kebijakan_realisasi_kosong", None)
    strict = not isinstance(policy, Label) or policy.name == "tidak_lengkap"
    note = f"periode tanpa rencana: {', '.join(names)}"
    status = AppraisalStatus.INCOMPLETE if strict and result.status == "complete" else result.status
    update = {"status": status, "notes": (*result.notes, note), "missing_periods": names}
    return result.model_copy(update=update)


def appraise_year(
    plans: Sequence[Plan], rulebook: Rulebook, *, annual: Plan | None = None,
    policy: str | None = None,
) -> Appraisal:  # fmt: skip
    """Build an annual appraisal from periodic plans by the rulebook's ``agregasi_tahunan``.

    Policies (:data:`ANNUAL_POLICIES`): ``periode_terakhir`` (the last period's result),
    ``terburuk`` (the worst predikat), ``rata_capaian`` (each indicator's capaian averaged
    exactly over the periods it was reported, then scored once), ``kumulatif`` (realisasi
    summed over the periods against the annual target of ``annual``). Values are carried
    unrounded and rounded once. ``annual`` supplies the annual plan (targets, behaviour,
    overrides); by default the last periodic plan, relabelled, is used. ``policy`` names a
    policy instead of the rulebook's.

    Refused with :class:`~kinerja_engine.errors.UsageError`: plans of several employees or
    years, two plans of one period, overlapping periods (months and their quarter). Periods
    without a plan are listed in ``missing_periods``; under ``tidak_lengkap`` the year is
    then incomplete.
    """
    check_rulebook(rulebook, "appraise_year")
    require_optional(annual, Plan, "appraise_year", "annual")
    require_optional(policy, str, "appraise_year", "policy")
    ordered = _checked_plans(plans, annual)
    last = ordered[-1]
    # Without an annual plan, the last periodic plan stands for the year (targets, weights,
    # behaviour), relabelled so that conversions see a whole year.
    base = annual or last.model_copy(
        update={"period": Period.year(last.period.year), "id": f"{last.id}@{last.period.year}"}
    )
    run = Run(base, rulebook)
    chosen = policy or _policy_name(run)
    periodic = tuple(appraise(p, rulebook) for p in ordered)
    run.step("agregasi", "", "agregasi_tahunan", {"periode": tuple(a.period for a in periodic)},
             chosen)  # fmt: skip
    aggregate = ANNUAL_POLICIES.get(chosen)
    if aggregate is None:
        raise run.fail(f"unknown annual aggregation policy '{chosen}'")
    result = aggregate(AnnualInput(rulebook, ordered, periodic, run, annual))
    return _report_missing(result, missing_periods(ordered), run)
