"""The notebook display of the scoring phase's results: an appraisal, a table of them, the
distribution check.

Input: result records, read by attribute name (this module imports none of them at run time,
so ``results.py`` and ``distribution.py`` call it without an import cycle). Output: escaped
HTML (:class:`~kinerja_engine.display.Html`) for ``_repr_html_``, and one-line or tabular
text for ``__repr__``. Guarantees: every text that comes from a plan (names, descriptions,
reasons, notes, errors) is escaped; every number is shown through
:func:`~kinerja_engine.formatting.format_number` (rounded half up to 2 places, the exact
value in the cell's title); nothing is computed here that the record does not hold.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> from kinerja_engine.scoring import appraise
>>> a = appraise(example_plan(), rulebooks.load("gajahmungkur"))
>>> appraisal_repr(a)
'<Appraisal p: Budi (198609262015051001), 2026-01, incomplete>'
>>> "<th>capaian</th>" in appraisal_html(a) and 'title="250/3">83,33<' in appraisal_html(a)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..display import Html, block, fields, heading, table, text_cell, text_table
from ..formatting import format_number
from ..models import TargetRange

if TYPE_CHECKING:
    from .distribution import DistributionReport
    from .results import Appraisal

__all__ = [
    "appraisal_html",
    "appraisal_repr",
    "appraisals_html",
    "appraisals_repr",
    "distribution_html",
    "distribution_repr",
    "target_cell",
]


def target_cell(value: Any) -> Any:
    """A range target as ``lo–hi`` text (numbers rounded like the cells), else the value."""
    if isinstance(value, TargetRange):
        return f"{text_cell(value.lo)}–{text_cell(value.hi)}"
    return value


def appraisal_repr(a: Appraisal) -> str:
    """One line: plan, employee, period, status and, when found, the value and predikat."""
    parts = [str(a.status)]
    value = a.nilai_kinerja if a.numeric else a.nilai_hasil_kerja
    if value is not None:
        name = "nilai kinerja" if a.numeric else "nilai hasil kerja"
        parts.append(f"{name} {format_number(value, 'en', 2)}")
    if a.predikat is not None:
        parts.append(f"predikat {a.predikat}")
    if a.error:
        parts.append(f"error: {a.error}")
    who = f"{a.employee_name} ({a.employee})" if a.employee_name else a.employee
    return f"<Appraisal {a.plan_id}: {who}, {a.period}, {', '.join(parts)}>"


def _summary(a: Appraisal) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [
        ("plan_id", a.plan_id),
        ("unit", a.unit),
        ("period", a.period),
        ("rulebook", a.rulebook or None),
        ("status", str(a.status)),
        ("nilai_hasil_kerja", a.nilai_hasil_kerja),
    ]
    if a.numeric:
        rows += [("nilai_perilaku", a.nilai_perilaku), ("nilai_kinerja", a.nilai_kinerja)]
    else:
        if a.rating_hasil_kerja_rekomendasi != a.rating_hasil_kerja:
            rows.append(("rating_hasil_kerja_rekomendasi", a.rating_hasil_kerja_rekomendasi))
        rows += [
            ("rating_hasil_kerja", a.rating_hasil_kerja),
            ("rating_perilaku", a.rating_perilaku),
        ]
    if a.predikat_rekomendasi != a.predikat:
        rows.append(("predikat_rekomendasi", a.predikat_rekomendasi))
    rows.append(("predikat", a.predikat))
    rows += [(f"conversions.{name}", value) for name, value in a.conversions.items()]
    if a.missing_periods:
        rows.append(("missing_periods", ", ".join(a.missing_periods)))
    rows += [("note", note) for note in a.notes]
    if a.error:
        rows.append(("error", a.error))
    return rows


def appraisal_html(a: Appraisal) -> Html:
    """The appraisal's findings, its indicators (one row each) and its overrides."""
    parts = [heading(f"Appraisal: {a.employee_name} (NIP {a.employee})"), fields(_summary(a))]
    indicators = [
        [
            rhk.id,
            i.id,
            i.name,
            target_cell(i.target),
            i.realisasi,
            i.unit_of_measure,
            i.capaian,
            i.weight,
            str(i.status),
            rhk.nilai,
        ]
        for rhk in a.rhk
        for i in rhk.indicators
    ]
    if indicators:
        headers = [
            "rhk",
            "indicator",
            "name",
            "target",
            "realisasi",
            "unit_of_measure",
            "capaian",
            "weight",
            "status",
            "nilai_rhk",
        ]
        parts.append(table(headers, indicators))
    if a.overrides:
        by = dict(enumerate(a.override_records))
        rows = [
            [
                what,
                before,
                after,
                reason,
                getattr(by.get(i), "by", None),
                getattr(by.get(i), "on", None),
            ]
            for i, (what, before, after, reason) in enumerate(a.overrides)
        ]
        parts.append(table(["override", "recommended", "value", "reason", "by", "on"], rows))
    return block("appraisal", *parts)


def _columns(appraisals: Sequence[Appraisal]) -> tuple[list[str], list[list[object]]]:
    """One row per appraisal, pandas-like; legacy values and conversions only when present."""
    numeric = any(a.numeric for a in appraisals)
    conversions: dict[str, None] = {}
    for a in appraisals:
        conversions.update(dict.fromkeys(a.conversions))
    headers = ["employee", "employee_name", "unit", "period", "status", "nilai_hasil_kerja"]
    if numeric:
        headers += ["nilai_perilaku", "nilai_kinerja"]
    headers += ["rating_hasil_kerja", "rating_perilaku", "predikat", *conversions, "error"]
    rows: list[list[object]] = []
    for a in appraisals:
        row: list[object] = [
            a.employee,
            a.employee_name,
            a.unit,
            a.period,
            str(a.status),
            a.nilai_hasil_kerja,
        ]
        if numeric:
            row += [a.nilai_perilaku, a.nilai_kinerja]
        row += [a.rating_hasil_kerja, a.rating_perilaku, a.predikat]
        row += [a.conversions.get(name) for name in conversions]
        row.append(a.error)
        rows.append(row)
    return headers, rows


def appraisals_html(appraisals: Sequence[Appraisal]) -> Html:
    """A table with one row per appraisal (the columns of :func:`_columns`)."""
    headers, rows = _columns(appraisals)
    count = len(appraisals)
    caption = f"{count} appraisal{'' if count == 1 else 's'}"
    return block("appraisals", table(headers, rows, caption=caption))


def appraisals_repr(appraisals: Sequence[Appraisal]) -> str:
    """A plain-text table: employee name, period, status, value and predikat."""
    count = len(appraisals)
    title = f"<Appraisals: {count} appraisal{'' if count == 1 else 's'}>"
    if not count:
        return title
    rows = [
        [
            a.employee_name or a.employee,
            a.period,
            str(a.status),
            a.nilai_kinerja if a.numeric else a.nilai_hasil_kerja,
            a.predikat,
        ]
        for a in appraisals
    ]
    return title + "\n" + text_table(["employee", "period", "status", "nilai", "predikat"], rows)


def distribution_html(report: DistributionReport) -> Html:
    """The counts per predikat with their shares, then every violated rule and the skipped."""
    total = report.total
    counts = [
        [name, n, Fraction(n * 100, total) if total else None] for name, n in report.counts.items()
    ]
    verdict = "every rule of the curve is met" if report.ok else "rules of the curve are broken"
    parts = [
        heading(f"Distribution check: unit predikat {report.unit_predikat}"),
        fields([("rated", total), ("result", verdict), ("skipped", len(report.skipped))]),
        table(["predikat", "count", "share %"], counts),
    ]
    if report.violations:
        rows = [
            [v.rule, v.group, v.count, v.total, v.share * 100, v.limit, ", ".join(v.employees)]
            for v in report.violations
        ]
        headers = ["rule", "group", "count", "total", "share %", "limit", "employees"]
        parts.append(table(headers, rows, caption="violations"))
    if report.skipped:
        parts.append(fields([("skipped (no predikat)", ", ".join(report.skipped))]))
    return block("distribution", *parts)


def distribution_repr(report: DistributionReport) -> str:
    """One line: the unit's predikat, the counts and the verdict."""
    counts = ", ".join(f"{name} {n}" for name, n in report.counts.items())
    verdict = "ok" if report.ok else f"{len(report.violations)} violation(s)"
    return (
        f"<DistributionReport unit {report.unit_predikat}: {report.total} rated ({counts}); "
        f"{verdict}>"
    )
