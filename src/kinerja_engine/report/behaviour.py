"""The behaviour form (*formulir perilaku kerja*) of an SKP: the 21 panduan perilaku BerAKHLAK.

Input: a rulebook that declares the panduan perilaku (the bundled ``permenpanrb-6-2022`` and the
rulebooks that extend it; see :mod:`kinerja_engine.scoring.behaviour`) and optionally a
:class:`~kinerja_engine.models.Plan` whose ``expectations`` (ekspektasi khusus pimpinan, per
core value) and ``behaviour.per_value`` (the evaluator's continuous feedback per core value)
fill the form's last two columns. Output: a :class:`BehaviourForm` with one
:class:`BehaviourRow` per guide, in the regulation's numbering (value 1-7, guide 1-3), and its
text (:meth:`BehaviourForm.text`, Indonesian by default). Guarantees: the guides and their
numbering come from the rulebook only (checked there: values numbered without gaps, guides
1, 2, … within each value); a rulebook without them is a
:class:`~kinerja_engine.errors.UsageError`; the form is a frozen record with a JSON Schema.

>>> from kinerja_engine import rulebooks
>>> form = behaviour_form(rulebooks.load("permenpanrb-6-2022"))
>>> len(form.rows), form.rows[3].nilai_dasar, form.rows[3].code, form.rows[3].panduan
(21, 'Akuntabel', '2.1', 'Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin, dan berintegritas tinggi')
"""  # noqa: E501

from __future__ import annotations

from typing import Final

from ..arguments import require, require_optional
from ..errors import UsageError, shown
from ..language.formula import Rulebook
from ..models import CoreValue, Plan
from ..scoring.behaviour import panduan_perilaku
from ..scoring.typed import Record

__all__ = ["BehaviourForm", "BehaviourRow", "behaviour_form"]

_HEAD: Final = {
    "id": ("PERILAKU KERJA", "Ekspektasi khusus pimpinan", "Umpan balik"),
    "en": ("WORK BEHAVIOUR", "Leader's specific expectation", "Feedback"),
}
_CORE_VALUES: Final = {c.value: c for c in CoreValue}


class BehaviourRow(Record):
    """One guide of the form: its core value and numbers, its wording, and for the core value
    the leader's specific expectation and the evaluator's feedback ("" when not given)."""

    nilai_dasar: str
    nomor_nilai: int
    nomor: int
    panduan: str
    ekspektasi: str = ""
    umpan_balik: str = ""

    @property
    def code(self) -> str:
        """The guide's number as the regulation writes it: ``value.guide`` (``"2.1"``)."""
        return f"{self.nomor_nilai}.{self.nomor}"


class BehaviourForm(Record):
    """The behaviour form: its rulebook, the plan it was filled from ("" for a blank form),
    and the rows, one per guide."""

    rulebook: str
    plan_id: str
    rows: tuple[BehaviourRow, ...]

    def text(self, lang: str = "id") -> str:
        """The form as text: per core value its number and name, its guides numbered, then
        the expectation and the feedback (``-`` when empty).

        >>> from kinerja_engine import rulebooks
        >>> print(behaviour_form(rulebooks.load("permenpanrb-6-2022")).text().splitlines()[1])
        1. Berorientasi Pelayanan
        """
        if lang not in _HEAD:
            raise UsageError(f"unknown language {shown(lang)}; use 'id' or 'en'")
        title, expectation, feedback = _HEAD[lang]
        lines = [title]
        for index, row in enumerate(self.rows):
            if index == 0 or self.rows[index - 1].nilai_dasar != row.nilai_dasar:
                lines.append(f"{row.nomor_nilai}. {row.nilai_dasar}")
            lines.append(f"   {row.code} {row.panduan}")
            last = (
                index + 1 == len(self.rows) or self.rows[index + 1].nilai_dasar != row.nilai_dasar
            )
            if last:
                lines.append(f"   {expectation}: {row.ekspektasi or '-'}")
                lines.append(f"   {feedback}: {row.umpan_balik or '-'}")
        return "\n".join(lines)


def behaviour_form(rulebook: Rulebook, plan: Plan | None = None) -> BehaviourForm:
    """The behaviour form of ``rulebook``'s panduan perilaku, filled from ``plan`` if given.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import Plan, example_plan
    >>> data = example_plan().model_dump()
    >>> plan = Plan.model_validate({**data, "expectations": {"Loyal": "menjaga data"}})
    >>> form = behaviour_form(rulebooks.load("gajahmungkur"), plan)
    >>> [(r.code, r.ekspektasi) for r in form.rows if r.ekspektasi]
    [('5.1', 'menjaga data'), ('5.2', 'menjaga data'), ('5.3', 'menjaga data')]
    """
    require(rulebook, Rulebook, "behaviour_form", "rulebook")
    require_optional(plan, Plan, "behaviour_form", "plan")
    guides = panduan_perilaku(rulebook)
    if not guides:
        raise UsageError(
            f"rulebook '{rulebook.name}' declares no panduan perilaku (enums nilai_dasar and "
            "panduan_perilaku with nomor_nilai_dasar, nilai_dasar_panduan, nomor_panduan)"
        )
    expectations = {} if plan is None else {k.value: v for k, v in plan.expectations.items()}
    per_value = {}
    if plan is not None and plan.behaviour is not None:
        per_value = {k.value: v for k, v in plan.behaviour.per_value.items()}
    rows = []
    for guide in guides:
        core = _CORE_VALUES.get(guide.nilai_dasar.text)
        key = core.value if core is not None else guide.nilai_dasar.text
        rows.append(
            BehaviourRow.build(
                guide.nilai_dasar.text,
                guide.nomor_nilai,
                guide.nomor,
                guide.text,
                expectations.get(key, ""),
                per_value.get(key, ""),
            )
        )
    return BehaviourForm.build(rulebook.name, "" if plan is None else plan.id, tuple(rows))
