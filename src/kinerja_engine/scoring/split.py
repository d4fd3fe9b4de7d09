"""A year split between regulations: each part under its own rulebook, combined by the later one.

Input: the parts of one employee's year in order, each a rulebook and the plans of the months
it governs (e.g. January–June 2021 under PP 46/2011, July–December under PermenPANRB 8/2021;
:func:`kinerja_engine.rulebooks.in_force` says which rulebook governs which days). Output: one
:class:`~kinerja_engine.scoring.Appraisal` of the year whose notes name each part with its
months, regulation and result, so the explanation shows the split.

The combination is the rule of the later regulation, read as follows (the regulations print
no formula for a split year; ``docs/rulebooks.md`` states this reading):

* a numeric later regulation (PermenPANRB 8/2021 with PP 30/2019, whose rulebook defines
  ``predikat_nilai``): the year's ``nilai_kinerja`` is the month-weighted mean of the parts'
  ``nilai_kinerja`` (exact), and its predikat is the later rulebook's ``predikat_nilai`` of that
  mean (with the later part's own "new ideas" answer);
* a later regulation without a numeric value (PermenPANRB 6/2022: the evaluator's ratings
  decide): the later part's appraisal is the year's verdict; the earlier parts stay in the notes.

Guarantees: nothing is rounded before the end; a part that is not complete, or a month of the
year that no part covers, makes the year incomplete (never a silent zero); parts of other
employees or years, out of order or overlapping, are a :class:`~kinerja_engine.errors.UsageError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from ..errors import UsageError
from ..formatting import format_number
from ..language.formula import Rulebook
from ..models import Period, Plan
from ..values import Label
from .annual import appraise_year, missing_periods
from .context import Run
from .legacy import predikat_band
from .pipeline import appraise
from .results import Appraisal, Step
from .typed import AppraisalStatus

__all__ = ["SplitPart", "appraise_split_year"]


@dataclass(frozen=True, slots=True)
class SplitPart:
    """One part of a split year: its rulebook, plans, months and its own appraisal."""

    rulebook: Rulebook
    plans: tuple[Plan, ...]
    months: tuple[int, ...]
    appraisal: Appraisal

    @property
    def label(self) -> str:
        """``2021-01…2021-06 pp-46-2011 (PP 46/2011 …)``: the months and the regulation."""
        year = self.plans[0].period.year
        cite = f" ({self.rulebook.cites[0]})" if self.rulebook.cites else ""
        return (
            f"{year}-{self.months[0]:02d}…{year}-{self.months[-1]:02d} {self.rulebook.name}{cite}"
        )


def _part(rulebook: object, plans: object, index: int) -> tuple[Rulebook, tuple[Plan, ...]]:
    if not isinstance(rulebook, Rulebook):
        raise UsageError(
            f"appraise_split_year(): parts[{index}] must start with a Rulebook, "
            f"got {type(rulebook).__name__}"
        )
    group = (plans,) if isinstance(plans, Plan) else plans
    if not isinstance(group, Sequence) or not group or isinstance(group, str | bytes):
        raise UsageError(
            f"appraise_split_year(): parts[{index}] needs a Plan or a non-empty sequence of Plan"
        )
    for plan in group:
        if not isinstance(plan, Plan):
            raise UsageError(
                f"appraise_split_year(): parts[{index}] holds a {type(plan).__name__}, not a Plan"
            )
    return rulebook, tuple(sorted(group, key=lambda p: p.period.start))


def _score_part(rulebook: Rulebook, plans: tuple[Plan, ...]) -> Appraisal:
    """One plan is appraised as it is; several are aggregated by the part's own rulebook. The
    months outside the part belong to the other regulation, so only the part's own plans
    decide whether it is complete."""
    if len(plans) == 1:
        return appraise(plans[0], rulebook)
    result = appraise_year(plans, rulebook)
    complete = all(appraise(p, rulebook).status == "complete" for p in plans)
    status = AppraisalStatus.COMPLETE if complete and result.error is None else result.status
    notes = tuple(n for n in result.notes if not n.startswith("periode tanpa rencana"))
    return result.model_copy(update={"status": status, "notes": notes, "missing_periods": ()})


def appraise_split_year(
    parts: Sequence[tuple[Rulebook, Plan | Sequence[Plan]]],
) -> Appraisal:
    """Score a year governed by several regulations, each part under its own rulebook.

    ``parts`` are ``(rulebook, plans)`` pairs in time order, e.g. ``[(pp46, [plan_s1]),
    (p8, [plan_s2])]``; the combination follows the later regulation (module docstring).

    >>> appraise_split_year([])
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: appraise_split_year() needs at least one part
    """
    if isinstance(parts, str | bytes) or not isinstance(parts, Sequence):
        raise UsageError(
            f"appraise_split_year(): 'parts' must be a sequence of (rulebook, plans), "
            f"got {type(parts).__name__}"
        )
    if not parts:
        raise UsageError("appraise_split_year() needs at least one part")
    checked = []
    for i, pair in enumerate(parts):
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise UsageError(f"appraise_split_year(): parts[{i}] must be (rulebook, plans)")
        checked.append(_part(pair[0], pair[1], i))
    every = [p for _, plans in checked for p in plans]
    first = every[0]
    for plan in every:
        if plan.employee.nip != first.employee.nip or plan.period.year != first.period.year:
            raise UsageError(
                f"appraise_split_year(): plan {plan.id} ({plan.employee.nip}, {plan.period}) "
                f"is not of the employee and year of plan {first.id}"
            )
    for (_, before), (_, after) in pairwise(checked):
        if after[0].period.start < before[-1].period.end:
            raise UsageError(
                f"appraise_split_year(): plan {after[0].id} ({after[0].period}) does not come "
                f"after plan {before[-1].id} ({before[-1].period}): parts go in time order"
            )
    split = tuple(
        SplitPart(
            book,
            plans,
            tuple(sorted({m for p in plans for m in p.period.months})),
            _score_part(book, plans),
        )
        for book, plans in checked
    )
    return _combine(split, missing_periods(every))


def _part_note(part: SplitPart) -> str:
    a = part.appraisal
    value = (
        ""
        if a.nilai_kinerja is None
        else f"nilai kinerja {format_number(a.nilai_kinerja, 'id', 2)}, "
    )
    verdict = "belum ada predikat" if a.predikat is None else f"predikat {a.predikat}"
    return f"bagian {part.label}: {value}{verdict}"


def _combine(split: tuple[SplitPart, ...], missing: tuple[Period, ...]) -> Appraisal:
    later = split[-1]
    base = later.appraisal
    year = later.plans[0].period.year
    numeric = "predikat_nilai" in tuple(later.rulebook) and all(
        s.appraisal.nilai_kinerja is not None for s in split
    )
    update: dict[str, object] = {
        "period": str(year),
        "plan_id": "+".join(p.id for s in split for p in s.plans),
        "rulebook": " → ".join(s.rulebook.name for s in split),
        "missing_periods": tuple(str(p) for p in missing),
    }
    notes = [_part_note(s) for s in split]
    if numeric:
        weights = [len(s.months) for s in split]
        nilai = sum(
            (
                Fraction(s.appraisal.nilai_kinerja or 0) * w
                for s, w in zip(split, weights, strict=True)
            ),
            Fraction(0),
        ) / sum(weights)
        behaviour = later.plans[-1].behaviour
        ide_baru = behaviour is not None and behaviour.new_ideas
        predikat = later.rulebook.evaluate("predikat_nilai", nilai=nilai, ide_baru=ide_baru)
        if not isinstance(predikat, Label):  # pragma: no cover - the entry point is checked
            raise UsageError(f"rulebook '{later.rulebook.name}': predikat_nilai is no label")
        update |= {"nilai_kinerja": nilai, "predikat": predikat, "predikat_rekomendasi": predikat}
        # The later part's own last two steps would show its half-year values beside the
        # year's: they are replaced by the combination, so the explanation reads the split.
        parts_in = {
            f"{s.rulebook.name} ({w} bulan)": Fraction(s.appraisal.nilai_kinerja or 0)
            for s, w in zip(split, weights, strict=True)
        }
        band = predikat_band(Run(later.plans[-1], later.rulebook), nilai)
        update["trace"] = (
            *(st for st in base.trace if st.what not in ("nilai_kinerja", "predikat")),
            Step.build("nilai_kinerja", "", "rata_bulan", parts_in, nilai),
            Step.build(
                "predikat",
                "",
                "predikat_nilai",
                {"nilai": nilai, "ide_baru": ide_baru},
                predikat,
                band=band,
            ),
        )
        shares = " + ".join(
            f"{format_number(s.appraisal.nilai_kinerja or 0, 'id', 2)} × {w}/12"
            for s, w in zip(split, weights, strict=True)
        )
        notes.append(
            f"tahun terbagi, digabung menurut {later.rulebook.name}: rata-rata berbobot bulan "
            f"{shares} = {format_number(nilai, 'id', 2)} → predikat {predikat}"
        )
    else:
        notes.append(
            f"tahun terbagi, digabung menurut {later.rulebook.name}: predikat tahun ini dari "
            f"bagian terakhir ({later.label})"
        )
    complete = all(s.appraisal.status == "complete" for s in split) and not missing
    if not complete and base.status == "complete":
        update["status"] = AppraisalStatus.INCOMPLETE
    update["notes"] = (*base.notes, *notes)
    return base.model_copy(update=update)
