"""The notebook display of the reports: feedback (*umpan balik*) and a what-if.

Input: a :class:`~kinerja_engine.report.Feedback` or :class:`~kinerja_engine.report.WhatIf`,
read by attribute name (this module imports neither at run time, so their modules call it
without an import cycle). Output: escaped HTML (:class:`~kinerja_engine.display.Html`) for
``_repr_html_`` and text for ``__repr__``. Guarantees: the feedback's sentences and every
name are escaped; the numbers each sentence states are shown beside it through
:func:`~kinerja_engine.formatting.format_number` (exact value in the title); a what-if shows
every change it holds, in its order, and the values before and after.

>>> from kinerja_engine import feedback, rulebooks
>>> from kinerja_engine.demo import load_unit
>>> from kinerja_engine.scoring import appraise
>>> fb = feedback(appraise(load_unit().plans[2][3], rulebooks.load("gajahmungkur")))
>>> print(feedback_repr(fb).splitlines()[0])
<Feedback 199306182019032004, 2026-Q4 (id): 5 gaps, 1 info>
>>> 'title="281">281<' in feedback_html(fb)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..display import Html, block, cell, escape, heading, table
from ..scoring.display import target_cell

if TYPE_CHECKING:
    from .feedback import Feedback
    from .what_if import WhatIf

__all__ = ["feedback_html", "feedback_repr", "what_if_html", "what_if_repr"]

_KINDS = ("strength", "gap", "info")


def _counts(fb: Feedback) -> str:
    parts = []
    for kind in _KINDS:
        n = sum(1 for i in fb.items if i.kind == kind)
        if n:
            plural = "s" if n != 1 and kind != "info" else ""
            parts.append(f"{n} {kind}{plural}")
    return ", ".join(parts) or "no items"


def feedback_repr(fb: Feedback) -> str:
    """A title line with the counts per kind, then each sentence on its own line."""
    title = f"<Feedback {fb.employee}, {fb.period} ({fb.lang}): {_counts(fb)}>"
    return "\n".join([title, *(f"  [{i.kind}] {i.text}" for i in fb.items)])


def feedback_html(fb: Feedback) -> Html:
    """One row per sentence: its kind, subject, text and the numbers it states."""
    rows: list[list[object]] = []
    for item in fb.items:
        numbers = "; ".join(f"{escape(name)} {cell(value)}" for name, value in item.numbers.items())
        rows.append([item.kind, item.subject or None, item.text, Html(numbers) or None])
    title = heading(f"Umpan balik: {fb.employee}, {fb.period} ({_counts(fb)})")
    return block("feedback", title, table(["kind", "subject", "text", "numbers"], rows))


def what_if_repr(w: WhatIf) -> str:
    """A title line with the number of changes, then each change in English."""
    count = len(w.changes)
    title = f"<WhatIf {w.before.employee}, {w.before.period}: {count} change{'s' * (count != 1)}>"
    return "\n".join([title, *(f"  {line}" for line in w.explain("en").splitlines())])


def what_if_html(w: WhatIf) -> Html:
    """The headline values before and after, then one row per change."""
    a, b = w.before, w.after
    summary: list[list[object]] = [
        ["nilai_hasil_kerja", a.nilai_hasil_kerja, b.nilai_hasil_kerja],
        [
            "rating_hasil_kerja_rekomendasi",
            a.rating_hasil_kerja_rekomendasi,
            b.rating_hasil_kerja_rekomendasi,
        ],
        ["predikat", a.predikat, b.predikat],
    ]
    if a.numeric or b.numeric:
        summary.insert(1, ["nilai_kinerja", a.nilai_kinerja, b.nilai_kinerja])
    changes = [
        [
            c.what,
            c.subject or None,
            target_cell(c.before),
            target_cell(c.after),
            c.detail_text("id") or None,
        ]
        for c in w.changes
    ]
    return block(
        "what-if",
        heading(f"What-if: {a.employee_name} (NIP {a.employee}), {a.period}"),
        table(["", "before", "after"], summary),
        table(["what", "subject", "before", "after", "detail"], changes, caption="changes"),
    )
