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

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from ..arguments import require
from ..errors import UsageError, shown
from ..formatting import format_number
from ..language.formula import Rulebook
from ..values import Label
from .carry import to_exact
from .display import distribution_html, distribution_repr
from .pipeline import check_rulebook
from .results import Appraisal, json_value
from .typed import Exact, Record

__all__ = ["DistributionReport", "Violation", "check_counts", "check_distribution"]


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
    unit_label = _unit_label(book, unit_predikat)
    rated = []
    skipped = []
    for a in appraisals:
        if a.predikat is None:
            skipped.append(a.employee)
        else:
            rated.append(a)
    counts = {m.text: 0 for m in book.enum("predikat").members}
    for a in rated:
        assert a.predikat is not None
        counts[a.predikat.text] = counts.get(a.predikat.text, 0) + 1

    def who(texts: frozenset[str]) -> tuple[str, ...]:
        return tuple(a.employee for a in rated if a.predikat is not None
                     and a.predikat.text in texts)  # fmt: skip

    labels = {a.predikat.text: a.predikat for a in rated if a.predikat is not None}
    violations = _violations(book, unit_label, counts, labels, who)
    total = len(rated)
    return DistributionReport.build(unit_label, total, counts, violations, tuple(skipped))


def check_counts(
    unit_predikat: str | Label, counts: Mapping[str, int], rulebook: Rulebook
) -> DistributionReport:
    """The distribution check from the number of rated employees per predikat.

    ``counts`` maps a member of the rulebook's ``predikat`` (any spelling
    :meth:`~kinerja_engine.Rulebook.label` resolves) to how many of the unit's employees have
    it, as a reduction over many partitions gives them. The report is the one
    :func:`check_distribution` gives for such appraisals, without the NIPs it cannot know:
    every ``Violation.employees`` and ``skipped`` are empty.

    >>> from kinerja_engine import rulebooks
    >>> book = rulebooks.load("permenpanrb-6-2022")
    >>> report = check_counts("baik", {"Baik": 7, "Sangat Baik": 2, "butuh_perbaikan": 1}, book)
    >>> report.total, report.ok
    (10, True)
    >>> [v.rule for v in check_counts("baik", {"Baik": 8, "Sangat Baik": 2}, book).violations]
    ['maksimal 70 % Baik', 'minimal 1 orang Butuh Perbaikan atau Kurang/Misconduct']
    """
    book = check_rulebook(rulebook, "check_counts")
    if not isinstance(counts, Mapping):
        raise UsageError(
            "check_counts(): parameter 'counts' must be a mapping of predikat to a count, "
            f"got {type(counts).__name__}"
        )
    unit_label = _unit_label(book, unit_predikat)
    found = {m.text: 0 for m in book.enum("predikat").members}
    for key, count in counts.items():
        require(key, str, "check_counts", "counts key")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise UsageError(
                f"check_counts(): the count of {key!r} must be a whole number 0 or more, "
                f"got {count!r}"
            )
        found[book.label("predikat", key).text] += count
    labels = {text: book.label("predikat", text) for text, n in found.items() if n}
    violations = _violations(book, unit_label, found, labels, lambda texts: ())
    return DistributionReport.build(unit_label, sum(found.values()), found, violations, ())


def _unit_label(book: Rulebook, unit_predikat: object) -> Label:
    if isinstance(unit_predikat, str):
        return book.label("predikat_unit", unit_predikat)
    if isinstance(unit_predikat, Label) and unit_predikat.enum == "predikat_unit":
        return book.label("predikat_unit", unit_predikat.name)
    # A label of another enum (an employee's predikat, say) would match no curve rule
    # and pass every check: refuse it.
    raise UsageError(
        f"the unit's predikat must be a member of 'predikat_unit', got {shown(unit_predikat)}"
    )


def _violations(
    book: Rulebook,
    unit_label: Label,
    counts: Mapping[str, int],
    labels: Mapping[str, Label],
    who: Callable[[frozenset[str]], tuple[str, ...]],
) -> tuple[Violation, ...]:
    """Every broken rule of the curve for ``counts`` (rated employees per predikat text;
    ``labels`` the predikat of each text counted); ``who`` names the employees with one of
    the given predikat texts."""
    total = sum(counts.values())
    if total == 0:
        return ()
    rounding = book.evaluate("pembulatan_kurva") if "pembulatan_kurva" in book else None
    lenient = isinstance(rounding, Label) and rounding.name == "longgar"
    run_call = book.program

    def call(name: str, *args: Any) -> Any:
        if name not in book:
            raise UsageError(f"rulebook '{book.name}' has no definition '{name}' for the curve")
        return to_exact(run_call.raw(name)(*args))

    # Membership is a function of the group and the predikat: one call per pair decides it
    # for every employee with that predikat.
    given = list(labels.values())
    violations: list[Violation] = []
    for group in book.enum("kelompok").members:
        texts = frozenset(p.text for p in given if call("anggota_kelompok", group, p))
        count = sum(counts[text] for text in texts)
        share = Fraction(count, total)
        lo = call("kurva_min", unit_label, group)
        hi = call("kurva_maks", unit_label, group)
        people = call("kurva_min_orang", unit_label, group)
        majority = call("kurva_mayoritas", unit_label, group)
        need = lo * total
        allow = hi * total
        if lenient:
            need = Fraction(need.numerator // need.denominator)
            allow = Fraction(-((-allow.numerator) // allow.denominator))
        rules = []
        if count < need:
            rules.append((f"minimal {format_number(lo * 100)} % {group.text}", lo))
        if count > allow:
            rules.append((f"maksimal {format_number(hi * 100)} % {group.text}", hi))
        if count < people:
            rules.append((f"minimal {format_number(people)} orang {group.text}", people))
        if majority and not share > Fraction(1, 2):
            rules.append((f"mayoritas (> 50 %) {group.text}", Fraction(1, 2)))
        for rule, limit in rules:
            violations.append(Violation.build(rule, group, count, total, share, limit, who(texts)))
    return tuple(violations)
