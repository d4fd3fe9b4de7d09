"""Constructive feedback (*umpan balik*) on an appraisal, from its numbers only.

Input: an :class:`~kinerja_engine.scoring.Appraisal`, a language (Indonesian by default,
English on request) and optionally templates from a rulebook (enum
``templat_umpan_balik_<lang>``) or the caller. Output: a :class:`Feedback`: per indicator and
per RHK, what went well and what fell short, with the numbers (target, realisasi, capaian, the
cap if it bit) and a summary. Guarantees: every sentence states only what the numbers say
(never an invented shortfall); each :class:`FeedbackItem` keeps the exact numbers it states.

The other reports built on the pipeline live beside this module: :mod:`.what_if` (what-if and
the path to the next rating) and :mod:`.targets` (checks of a draft plan's targets).

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.demo import load_unit
>>> from kinerja_engine.scoring import appraise
>>> result = appraise(load_unit().plans[2][3], rulebooks.load("gajahmungkur"))
>>> print(feedback(result, lang="en").gaps[0].text)
Jumlah vaksinasi diberikan: achieved 281 dosis against a target of 300 dosis, achievement
93.67 %. 19 dosis short of the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Final

from pydantic import Field

from ..arguments import require, require_optional
from ..errors import UsageError, shown
from ..language.formula import Rulebook
from ..models import Direction, TargetRange
from ..scoring import Appraisal, IndicatorResult
from ..scoring.credit import CreditStanding
from ..scoring.typed import Exact, Record
from ..values import Label
from .display import feedback_html, feedback_repr
from .wording import credit_sentences, short_number

__all__ = ["TEMPLATES", "Feedback", "FeedbackItem", "feedback"]


# --------------------------------------------------------------------------- templates

#: Default wording. Keys are situations; ``{…}`` fields are filled with formatted numbers.
#: A rulebook overrides them with an enum ``templat_umpan_balik_id`` (or ``_en``) whose
#: members are named like these keys and whose display texts are the templates.
TEMPLATES: Final[dict[str, dict[str, str]]] = {
    "id": {
        "tercapai": "{nama}: realisasi {realisasi} {satuan} dari target {target} {satuan}, "
        "capaian {capaian} %. Target tercapai.",
        "tercapai_dibatasi": "{nama}: realisasi {realisasi} {satuan} dari target {target} "
        "{satuan}, capaian {capaian_asli} % dibatasi menjadi {capaian} %. Target terlampaui.",
        "kurang": "{nama}: realisasi {realisasi} {satuan} dari target {target} {satuan}, "
        "capaian {capaian} %. Kurang {selisih} {satuan} untuk mencapai target.",
        "kurang_lebih_kecil": "{nama}: realisasi {realisasi} {satuan} dengan target paling "
        "banyak {target} {satuan}, capaian {capaian} %. Perlu {selisih} {satuan} lebih sedikit "
        "untuk mencapai target.",
        "tercapai_label": "{nama}: realisasi {realisasi} dari target {target}, capaian "
        "{capaian} %. Target tercapai.",
        "kurang_label": "{nama}: realisasi {realisasi} dari target {target}, capaian "
        "{capaian} %. Belum mencapai target {target}.",
        "belum": "{nama}: realisasi belum dilaporkan.",
        "tidak_berlaku": "{nama}: tidak berlaku pada periode ini.",
        "rhk_baik": "RHK \u201c{rhk}\u201d: nilai {nilai}, sesuai atau di atas target.",
        "rhk_kurang": "RHK \u201c{rhk}\u201d: nilai {nilai}, di bawah target 100.",
        "ringkasan": "Nilai hasil kerja {nilai}; rekomendasi rating hasil kerja: {rating}; "
        "predikat kinerja: {predikat}.",
        "tercapai_nilai": "{nama}: realisasi {realisasi} {satuan} dari target {target} "
        "{satuan}, nilai {capaian}. Target tercapai.",
        "kurang_nilai": "{nama}: realisasi {realisasi} {satuan} dari target {target} {satuan}, "
        "nilai {capaian}. Selisih {selisih} {satuan} dari target.",
        "tambahan_nilai": "{nama}: realisasi {realisasi} {satuan}, menambah nilai {capaian}.",
        "rhk_nilai": "RHK \u201c{rhk}\u201d: nilai {nilai}.",
        "ringkasan_nilai": "Nilai SKP {nilai}; nilai perilaku kerja {perilaku}; nilai kinerja "
        "{kinerja}; predikat kinerja: {predikat}.",
    },
    "en": {
        "tercapai": "{nama}: achieved {realisasi} {satuan} against a target of {target} "
        "{satuan}, achievement {capaian} %. Target met.",
        "tercapai_dibatasi": "{nama}: achieved {realisasi} {satuan} against a target of "
        "{target} {satuan}; achievement {capaian_asli} % is capped at {capaian} %. Target "
        "exceeded.",
        "kurang": "{nama}: achieved {realisasi} {satuan} against a target of {target} {satuan}, "
        "achievement {capaian} %. {selisih} {satuan} short of the target.",
        "kurang_lebih_kecil": "{nama}: {realisasi} {satuan} against a target of at most "
        "{target} {satuan}, achievement {capaian} %. {selisih} {satuan} less is needed to meet "
        "the target.",
        "tercapai_label": "{nama}: achieved {realisasi} against a target of {target}, "
        "achievement {capaian} %. Target met.",
        "kurang_label": "{nama}: achieved {realisasi} against a target of {target}, "
        "achievement {capaian} %. The target {target} is not reached yet.",
        "belum": "{nama}: not yet reported.",
        "tidak_berlaku": "{nama}: not applicable this period.",
        "rhk_baik": "RHK \u201c{rhk}\u201d: value {nilai}, at or above target.",
        "rhk_kurang": "RHK \u201c{rhk}\u201d: value {nilai}, below the target of 100.",
        "ringkasan": "Work result value {nilai}; recommended work-result rating: {rating}; "
        "performance verdict: {predikat}.",
        "tercapai_nilai": "{nama}: achieved {realisasi} {satuan} against a target of {target} "
        "{satuan}, value {capaian}. Target met.",
        "kurang_nilai": "{nama}: achieved {realisasi} {satuan} against a target of {target} "
        "{satuan}, value {capaian}. {selisih} {satuan} away from the target.",
        "tambahan_nilai": "{nama}: achieved {realisasi} {satuan}, adding {capaian}.",
        "rhk_nilai": "RHK \u201c{rhk}\u201d: value {nilai}.",
        "ringkasan_nilai": "SKP value {nilai}; behaviour value {perilaku}; performance value "
        "{kinerja}; performance verdict: {predikat}.",
    },
}

_NONE = {"id": "belum ada", "en": "none yet"}


def _templates(
    book: Rulebook | None, lang: str, custom: Mapping[str, str] | None
) -> dict[str, str]:
    if lang not in TEMPLATES:
        raise UsageError(f"unknown language {shown(lang)}; use 'id' or 'en'")
    chosen = dict(TEMPLATES[lang])
    enum = f"templat_umpan_balik_{lang}"
    if book is not None and enum in book.checked.enums:
        for label in book.checked.enums[enum].members:
            if label.name not in chosen:
                raise UsageError(f"enum {enum}: '{label.name}' is not a feedback situation")
            chosen[label.name] = label.text
    for key, text in (custom or {}).items():
        if key not in chosen:
            raise UsageError(f"'{key}' is not a feedback situation; known: {', '.join(chosen)}")
        chosen[key] = text
    return chosen


# --------------------------------------------------------------------------- feedback


class FeedbackItem(Record):
    """One sentence of feedback, its kind (strength/gap/info) and the exact numbers it states."""

    subject: str
    kind: str
    text: str
    numbers: Mapping[str, Exact] = Field(default_factory=dict)


class Feedback(Record):
    """Feedback for one appraisal: strengths, gaps, RHK lines and a summary."""

    employee: str
    period: str
    lang: str
    items: tuple[FeedbackItem, ...]

    @property
    def strengths(self) -> tuple[FeedbackItem, ...]:
        """Items where the target was met."""
        return tuple(i for i in self.items if i.kind == "strength")

    @property
    def gaps(self) -> tuple[FeedbackItem, ...]:
        """Items where the target was not met."""
        return tuple(i for i in self.items if i.kind == "gap")

    def text(self) -> str:
        """All items as text, one per line."""
        return "\n".join(i.text for i in self.items)

    def __repr__(self) -> str:
        return feedback_repr(self)

    def _repr_html_(self) -> str:
        """The notebook display: one row per sentence with the numbers it states (escaped)."""
        return feedback_html(self)


def _met(ind: IndicatorResult) -> bool:
    """Whether the realisasi meets the target by the indicator's direction (numeric legacy
    appraisals, where meeting the target does not score 100: PP 46 waktu on time gives 76)."""
    assert ind.realisasi is not None
    real, target = ind.realisasi.exact, ind.target  # exact values: Numbers may be rounded
    if isinstance(target, TargetRange):
        return Fraction(target.lo) <= real <= Fraction(target.hi)
    if ind.direction == Direction.LOWER.value:
        return real <= Fraction(target)
    return real >= Fraction(target)


def _numeric_item(
    ind: IndicatorResult, t: dict[str, str], lang: str, tambahan: bool
) -> FeedbackItem:
    """An indicator of a numeric legacy appraisal whose capaian is the rulebook's own score
    (a PP 46 aspect, or the points of tugas tambahan / kreativitas)."""
    if ind.capaian is None or ind.realisasi is None:
        return _indicator_item(ind, t, lang)
    fields: dict[str, Any] = {
        "nama": ind.name,
        "satuan": ind.unit_of_measure,
        "realisasi": short_number(ind.realisasi, lang),
        "capaian": short_number(ind.capaian, lang),
    }
    real = ind.realisasi.exact  # exact arithmetic below: a Number's Decimal may be rounded
    numbers: dict[str, Fraction] = {"nilai": ind.capaian.exact, "realisasi": real}
    if tambahan:  # points: there is no target to meet
        return FeedbackItem.build(ind.id, "info", t["tambahan_nilai"].format(**fields), numbers)
    target = ind.target
    if isinstance(target, TargetRange):
        fields["target"] = f"{short_number(target.lo, lang)}–{short_number(target.hi, lang)}"
        lo, hi = Fraction(target.lo), Fraction(target.hi)
        gap = lo - real if real < lo else real - hi
    else:
        numbers["target"] = Fraction(target)
        fields["target"] = short_number(target, lang)
        gap = abs(Fraction(target) - real)
    if _met(ind):
        return FeedbackItem.build(ind.id, "strength", t["tercapai_nilai"].format(**fields), numbers)
    numbers["selisih"] = gap
    fields["selisih"] = short_number(gap, lang)
    return FeedbackItem.build(ind.id, "gap", t["kurang_nilai"].format(**fields), numbers)


def _indicator_item(ind: IndicatorResult, t: dict[str, str], lang: str) -> FeedbackItem:
    fields: dict[str, Any] = {"nama": ind.name, "satuan": ind.unit_of_measure}
    if ind.status == "not_reported":
        return FeedbackItem.build(ind.id, "info", t["belum"].format(**fields))
    if ind.status == "not_applicable" or ind.capaian is None:
        return FeedbackItem.build(ind.id, "info", t["tidak_berlaku"].format(**fields))
    numbers: dict[str, Fraction] = {"capaian": ind.capaian.exact}
    target = ind.target
    if ind.realisasi_label is not None or isinstance(target, Label | str):
        return _label_item(ind, t, lang)
    if isinstance(target, TargetRange):
        numbers["target_lo"], numbers["target_hi"] = Fraction(target.lo), Fraction(target.hi)
        fields["target"] = f"{short_number(target.lo, lang)}–{short_number(target.hi, lang)}"
    else:
        numbers["target"] = Fraction(target)
        fields["target"] = short_number(target, lang)
    real = None if ind.realisasi is None else ind.realisasi.exact
    if real is not None:
        numbers["realisasi"] = real
        fields["realisasi"] = short_number(real, lang)
    else:
        fields["realisasi"] = "-"
    fields["capaian"] = short_number(ind.capaian, lang)
    if ind.capaian >= 100:
        if ind.capped_from is not None:
            numbers["capaian_asli"] = ind.capped_from.exact
            fields["capaian_asli"] = short_number(ind.capped_from, lang)
            return FeedbackItem.build(
                ind.id, "strength", t["tercapai_dibatasi"].format(**fields), numbers
            )
        return FeedbackItem.build(ind.id, "strength", t["tercapai"].format(**fields), numbers)
    # Below target: how far from it, in the indicator's own unit (only what the numbers say).
    key = "kurang"
    gap: Fraction | None = None
    if real is not None:
        if isinstance(target, TargetRange):
            lo, hi = Fraction(target.lo), Fraction(target.hi)
            gap = lo - real if real < lo else real - hi
            key = "kurang" if real < lo else "kurang_lebih_kecil"
        elif ind.direction == Direction.LOWER.value:
            gap, key = real - Fraction(target), "kurang_lebih_kecil"
        else:
            gap = Fraction(target) - real
    if gap is None or gap <= 0:
        # The rulebook's formula scores below 100 although the raw gap is not positive (e.g.
        # a custom formula): state the achievement only, never an invented shortfall.
        text = t["kurang"].split(".")[0].format(**fields) + "."
        return FeedbackItem.build(ind.id, "gap", text, numbers)
    numbers["selisih"] = gap
    fields["selisih"] = short_number(gap, lang)
    return FeedbackItem.build(ind.id, "gap", t[key].format(**fields), numbers)


def _label_item(ind: IndicatorResult, t: dict[str, str], lang: str) -> FeedbackItem:
    """A qualitative indicator: its realisasi and target are labels of a scale, stated by
    their text ("realisasi Baik"), never as numbers; only the capaian is a number."""
    assert ind.capaian is not None
    fields = {
        "nama": ind.name,
        "realisasi": "-" if ind.realisasi_label is None else str(ind.realisasi_label),
        "target": str(ind.target),
        "capaian": short_number(ind.capaian, lang),
    }
    met = ind.capaian >= 100
    key, kind = ("tercapai_label", "strength") if met else ("kurang_label", "gap")
    return FeedbackItem.build(ind.id, kind, t[key].format(**fields), {"capaian": ind.capaian})


def feedback(
    appraisal: Appraisal,
    *,
    lang: str = "id",
    rulebook: Rulebook | None = None,
    templates: Mapping[str, str] | None = None,
    credit: CreditStanding | None = None,
) -> Feedback:
    """Umpan balik for one appraisal, from its numbers only.

    ``rulebook`` may supply templates (enum ``templat_umpan_balik_<lang>``); ``templates``
    (situation → text) override both the defaults and the rulebook's. ``credit`` (the
    employee's angka kredit across periods, :func:`kinerja_engine.scoring.credit.accumulate`)
    adds one item per target: the AK counted, the requirement and how many more periods at
    the current predikat reach it.
    """
    require_optional(credit, CreditStanding, "feedback", "credit")
    result = _feedback(appraisal, lang=lang, rulebook=rulebook, templates=templates)
    if credit is None:
        return result
    return result.model_copy(update={"items": result.items + _credit_items(credit, lang)})


def _credit_items(credit: CreditStanding, lang: str) -> tuple[FeedbackItem, ...]:
    targets = [t for t in (credit.pangkat, credit.jenjang_berikutnya) if t is not None]
    items = []
    for target, text in zip(targets, credit_sentences(credit, lang), strict=True):
        # Exact values in; the record turns them into result Numbers when it is built.
        numbers = {"total": target.total.exact, "kebutuhan": target.requirement.exact,
                   "sisa": target.remaining.exact}  # fmt: skip
        if target.periods_needed is not None:
            numbers["periode"] = Fraction(target.periods_needed)
        kind = "strength" if target.met else "info"
        items.append(FeedbackItem.build(f"angka_kredit_{target.what}", kind, text, numbers))
    return tuple(items)


def _feedback(
    appraisal: Appraisal,
    *,
    lang: str,
    rulebook: Rulebook | None,
    templates: Mapping[str, str] | None,
) -> Feedback:
    require(appraisal, Appraisal, "feedback", "appraisal")
    require(lang, str, "feedback", "lang")
    require_optional(rulebook, Rulebook, "feedback", "rulebook")
    require_optional(templates, Mapping, "feedback", "templates")
    for key, text in (templates or {}).items():
        require(key, str, "feedback", "templates key")
        require(text, str, "feedback", f"templates[{key!r}]")
    if not appraisal.ok:
        raise UsageError(f"appraisal {appraisal.plan_id} failed: {appraisal.error}")
    t = _templates(rulebook, lang, templates)
    if appraisal.numeric:
        return _numeric_feedback(appraisal, t, lang)
    items: list[FeedbackItem] = []
    for rhk in appraisal.rhk:
        items.extend(_indicator_item(ind, t, lang) for ind in rhk.indicators)
        if rhk.nilai is not None:
            key = "rhk_baik" if rhk.nilai >= 100 else "rhk_kurang"
            text = t[key].format(rhk=rhk.description, nilai=short_number(rhk.nilai, lang))
            kind = "strength" if rhk.nilai >= 100 else "gap"
            # 100 is "on target": capaian and RHK values are percentages of the target.
            items.append(
                FeedbackItem.build(
                    rhk.id, kind, text, {"nilai": rhk.nilai, "target": Fraction(100)}
                )
            )
    if appraisal.nilai_hasil_kerja is not None:
        rating = appraisal.rating_hasil_kerja_rekomendasi
        summary = t["ringkasan"].format(
            nilai=short_number(appraisal.nilai_hasil_kerja, lang),
            rating=rating if rating is not None else _NONE[lang],
            predikat=appraisal.predikat if appraisal.predikat is not None else _NONE[lang],
        )
        items.append(
            FeedbackItem.build("", "info", summary, {"nilai": appraisal.nilai_hasil_kerja})
        )
    return Feedback.build(appraisal.employee, appraisal.period, lang, tuple(items))


def _numeric_feedback(appraisal: Appraisal, t: dict[str, str], lang: str) -> Feedback:
    """Feedback on a numeric legacy appraisal (PP 46/2011, PermenPANRB 8/2021): targets met by
    direction, RHK values without a "target of 100", a summary with the behaviour value."""
    items: list[FeedbackItem] = []
    for rhk in appraisal.rhk:
        for ind in rhk.indicators:
            if ind.nilai is not None:  # a capaian in % with the rulebook's nilai beside it
                items.append(_indicator_item(ind, t, lang))
            else:
                items.append(_numeric_item(ind, t, lang, rhk.nilai_tambahan is not None))
        if rhk.nilai is not None:
            text = t["rhk_nilai"].format(rhk=rhk.description, nilai=short_number(rhk.nilai, lang))
            items.append(FeedbackItem.build(rhk.id, "info", text, {"nilai": rhk.nilai}))
    if appraisal.nilai_hasil_kerja is not None:

        def shown(value: Any) -> str:
            return _NONE[lang] if value is None else short_number(value, lang)

        summary = t["ringkasan_nilai"].format(
            nilai=shown(appraisal.nilai_hasil_kerja),
            perilaku=shown(appraisal.nilai_perilaku),
            kinerja=shown(appraisal.nilai_kinerja),
            predikat=appraisal.predikat if appraisal.predikat is not None else _NONE[lang],
        )
        numbers = {
            k: v
            for k, v in (
                ("nilai", appraisal.nilai_hasil_kerja),
                ("perilaku", appraisal.nilai_perilaku),
                ("kinerja", appraisal.nilai_kinerja),
            )
            if v is not None
        }
        items.append(FeedbackItem.build("", "info", summary, numbers))
    return Feedback.build(appraisal.employee, appraisal.period, lang, tuple(items))
