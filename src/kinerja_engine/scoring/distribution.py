"""The unit's distribution check: its employees' predikat against the rulebook's curve.

Input: the unit's own predikat, the unit's appraisals and a rulebook defining the curve
(enum ``kelompok``; ``anggota_kelompok``, ``kurva_min``, ``kurva_maks``, ``kurva_min_orang``,
``kurva_mayoritas``; optional ``pembulatan_kurva``). Output: a :class:`DistributionReport`
with the counts per predikat and every :class:`Violation`, each with the numbers behind it.
Guarantees: shares are exact (:class:`~.number.Number`, its Fraction in ``.exact``);
appraisals without a predikat are listed as skipped, never counted; a unit predikat of
another enum is refused rather than matching no rule.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.demo import load_unit, score_unit
>>> book, unit = rulebooks.load("gajahmungkur"), load_unit()
>>> annual = [year for _, year in score_unit(unit, book)]
>>> report = check_distribution(unit.unit_predikat, annual, book)
>>> report.total == len(annual), report.ok == (not report.violations)
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from ..arguments import require
from ..errors import UsageError
from ..formatting import format_number
from ..language.formula import Rulebook
from ..values import Label
from .carry import to_exact
from .display import distribution_html, distribution_repr
from .pipeline import check_rulebook
from .results import Appraisal, json_value
from .typed import Exact, Record

__all__ = ["DistributionReport", "Violation", "check_distribution"]


class Violation(Record):
    """One broken rule of the distribution curve, with the numbers behind it."""

    rule: str
    group: Label
    count: int
    total: int
    share: Exact
    limit: Exact
    employees: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rule": self.rule,
            "group": json_value(self.group),
            "count": self.count,
            "total": self.total,
            "share": json_value(self.share),
            "limit": json_value(self.limit),
            "employees": list(self.employees),
        }


class DistributionReport(Record):
    """The distribution check of one unit: counts per predikat and every violated rule."""

    unit_predikat: Label
    total: int
    counts: Mapping[str, int]
    violations: tuple[Violation, ...]
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no rule is violated."""
        return not self.violations

    def __repr__(self) -> str:
        return distribution_repr(self)

    def _repr_html_(self) -> str:
        """The notebook display: counts and shares per predikat, every violated rule."""
        return distribution_html(self)


def check_distribution(
    unit_predikat: str | Label, appraisals: Iterable[Appraisal], rulebook: Rulebook
) -> DistributionReport:
    """Check a unit's employee predikat against the rulebook's distribution curve.

    Appraisals without a predikat (incomplete, errors) are listed in ``skipped``.
    """
    book = check_rulebook(rulebook, "check_distribution")
    if isinstance(appraisals, str | bytes | Mapping) or not isinstance(appraisals, Iterable):
        raise UsageError(
            "check_distribution(): parameter 'appraisals' must be an iterable of Appraisal, "
            f"got {type(appraisals).__name__}"
        )
    appraisals = [require(a, Appraisal, "check_distribution", f"appraisals[{i}]")
                  for i, a in enumerate(appraisals)]  # fmt: skip
    if isinstance(unit_predikat, str):
        unit_label = book.label("predikat_unit", unit_predikat)
    elif isinstance(unit_predikat, Label) and unit_predikat.enum == "predikat_unit":
        unit_label = book.label("predikat_unit", unit_predikat.name)
    else:
        # A label of another enum (an employee's predikat, say) would match no curve rule
        # and pass every check: refuse it.
        raise UsageError(
            f"the unit's predikat must be a member of 'predikat_unit', got {unit_predikat!r}"
        )
    rated = []
    skipped = []
    for a in appraisals:
        if a.predikat is None:
            skipped.append(a.employee)
        else:
            rated.append(a)
    total = len(rated)
    counts = {m.text: 0 for m in book.enum("predikat").members}
    for a in rated:
        assert a.predikat is not None
        counts[a.predikat.text] = counts.get(a.predikat.text, 0) + 1
    violations: list[Violation] = []
    if total == 0:
        return DistributionReport.build(unit_label, 0, counts, (), tuple(skipped))
    rounding = book.evaluate("pembulatan_kurva") if "pembulatan_kurva" in book else None
    lenient = isinstance(rounding, Label) and rounding.name == "longgar"
    run_call = book.program

    def call(name: str, *args: Any) -> Any:
        if name not in book:
            raise UsageError(f"rulebook '{book.name}' has no definition '{name}' for the curve")
        return to_exact(run_call.raw(name)(*args))

    for group in book.enum("kelompok").members:
        members = [a for a in rated if call("anggota_kelompok", group, a.predikat)]
        count = len(members)
        share = Fraction(count, total)
        who = tuple(a.employee for a in members)
        lo = call("kurva_min", unit_label, group)
        hi = call("kurva_maks", unit_label, group)
        people = call("kurva_min_orang", unit_label, group)
        majority = call("kurva_mayoritas", unit_label, group)
        need = lo * total
        allow = hi * total
        if lenient:
            need = Fraction(need.numerator // need.denominator)
            allow = Fraction(-((-allow.numerator) // allow.denominator))
        if count < need:
            violations.append(Violation.build(
                f"minimal {format_number(lo * 100)} % {group.text}", group, count, total, share,
                lo, who))  # fmt: skip
        if count > allow:
            violations.append(Violation.build(
                f"maksimal {format_number(hi * 100)} % {group.text}", group, count, total, share,
                hi, who))  # fmt: skip
        if count < people:
            violations.append(Violation.build(
                f"minimal {format_number(people)} orang {group.text}", group, count, total,
                share, people, who))  # fmt: skip
        if majority and not share > Fraction(1, 2):
            violations.append(Violation.build(
                f"mayoritas (> 50 %) {group.text}", group, count, total, share, Fraction(1, 2),
                who))  # fmt: skip
    return DistributionReport.build(unit_label, total, counts, tuple(violations), tuple(skipped))
