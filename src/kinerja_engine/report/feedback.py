"""Constructive feedback, what-if, the path to the next rating, and target checks.

Everything here is built on the scoring pipeline (:func:`~kinerja_engine.scoring.appraise`)
and its results; nothing is guessed:

* :func:`feedback` turns an appraisal into *umpan balik*: per indicator and per RHK, what went
  well and what fell short, with the numbers (target, realisasi, capaian, the cap if it bit),
  in Indonesian (default) or English, from templates a rulebook or a caller can replace.
* :func:`path_to_next` finds, for each indicator, the smallest realisasi (the largest, for a
  lower-is-better indicator) that moves the recommended rating up one step, holding the others
  fixed. It first proves that the rating can only rise with that realisasi (a monotonicity
  analysis of the rulebook's own formulas), then searches exactly on the indicator's decimal
  grid; when it cannot prove monotonicity, or the rating is out of reach (a cap), it says so.
* :func:`what_if` re-scores a plan with changed realisasi, targets or weights and lists every
  number, band and matrix cell that changed.
* :func:`check_targets` looks at a draft plan against last period's realisasi and flags
  targets already met, out of reach under the caps, or weights that do not add up.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.demo import load_unit
>>> book = rulebooks.load("gajahmungkur")
>>> plan = load_unit().plans[2][3]          # Sri Handayani, fourth quarter
>>> steps = path_to_next(plan, book)
>>> for s in steps:
...     print(s.indicator, s.status, s.needed)
vaksin reachable 349
sosialisasi unreachable None
kolaborasi reachable 3
>>> print(steps[1].explain("en"))  # doctest: +NORMALIZE_WHITESPACE
Efektivitas sosialisasi imunisasi (peserta lulus post-test): this indicator alone
cannot raise the rating (its capaian is capped).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from ..errors import KinerjaError, UsageError
from ..formatting import format_number
from ..language.checker import BandInfo
from ..language.formula import Rulebook
from ..language.monotone import Monotone, Sym
from ..language.nodes import (
    FuncDef,
    LabelRef,
)
from ..models.plan import Direction, Indicator, Plan, TargetRange
from ..scoring.pipeline import Appraisal, IndicatorResult, appraise
from ..values import Label, fraction_to_decimal, normalize

__all__ = [
    "Change",
    "Feedback",
    "FeedbackItem",
    "PathStep",
    "TargetFlag",
    "WhatIf",
    "check_targets",
    "feedback",
    "path_to_next",
    "what_if",
]


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
        "belum": "{nama}: realisasi belum dilaporkan.",
        "tidak_berlaku": "{nama}: tidak berlaku pada periode ini.",
        "rhk_baik": "RHK \u201c{rhk}\u201d: nilai {nilai}, sesuai atau di atas target.",
        "rhk_kurang": "RHK \u201c{rhk}\u201d: nilai {nilai}, di bawah target 100.",
        "ringkasan": "Nilai hasil kerja {nilai}; rekomendasi rating hasil kerja: {rating}; "
        "predikat kinerja: {predikat}.",
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
        "belum": "{nama}: not yet reported.",
        "tidak_berlaku": "{nama}: not applicable this period.",
        "rhk_baik": "RHK \u201c{rhk}\u201d: value {nilai}, at or above target.",
        "rhk_kurang": "RHK \u201c{rhk}\u201d: value {nilai}, below the target of 100.",
        "ringkasan": "Work result value {nilai}; recommended work-result rating: {rating}; "
        "performance verdict: {predikat}.",
    },
}

_NONE = {"id": "belum ada", "en": "none yet"}


def _templates(
    book: Rulebook | None, lang: str, custom: Mapping[str, str] | None
) -> dict[str, str]:
    if lang not in TEMPLATES:
        raise UsageError(f"unknown language {lang!r}; use 'id' or 'en'")
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


def _num(value: Fraction | Decimal | int, lang: str) -> str:
    """At most 2 places, half up, without trailing zeros: 2,5 and 95,5 % (1.234,5 in id)."""
    # The library's formatting, with the zeros a sentence does not need trimmed.
    text = format_number(value, lang, 2)
    point = "," if lang == "id" else "."
    return text.rstrip("0").rstrip(point) if point in text else text


# --------------------------------------------------------------------------- feedback


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    """One sentence of feedback, its kind (strength/gap/info) and the exact numbers it states."""

    subject: str
    kind: str
    text: str
    numbers: Mapping[str, Fraction] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Feedback:
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


def _target_value(ind: IndicatorResult) -> Fraction | None:
    return None if isinstance(ind.target, TargetRange) else Fraction(ind.target)


def _indicator_item(ind: IndicatorResult, t: dict[str, str], lang: str) -> FeedbackItem:
    fields: dict[str, Any] = {"nama": ind.name, "satuan": ind.unit_of_measure}
    if ind.status == "not_reported":
        return FeedbackItem(ind.id, "info", t["belum"].format(**fields))
    if ind.status == "not_applicable" or ind.capaian is None:
        return FeedbackItem(ind.id, "info", t["tidak_berlaku"].format(**fields))
    numbers: dict[str, Fraction] = {"capaian": ind.capaian}
    target = ind.target
    if isinstance(target, TargetRange):
        numbers["target_lo"], numbers["target_hi"] = Fraction(target.lo), Fraction(target.hi)
        fields["target"] = f"{_num(target.lo, lang)}–{_num(target.hi, lang)}"
    else:
        numbers["target"] = Fraction(target)
        fields["target"] = _num(target, lang)
    if ind.realisasi is not None:
        numbers["realisasi"] = ind.realisasi
        fields["realisasi"] = _num(ind.realisasi, lang)
    else:
        fields["realisasi"] = "-"
    fields["capaian"] = _num(ind.capaian, lang)
    if ind.capaian >= 100:
        if ind.capped_from is not None:
            numbers["capaian_asli"] = ind.capped_from
            fields["capaian_asli"] = _num(ind.capped_from, lang)
            return FeedbackItem(
                ind.id, "strength", t["tercapai_dibatasi"].format(**fields), numbers
            )
        return FeedbackItem(ind.id, "strength", t["tercapai"].format(**fields), numbers)
    # Below target: how far from it, in the indicator's own unit (only what the numbers say).
    key = "kurang"
    gap: Fraction | None = None
    if ind.realisasi is not None:
        if isinstance(target, TargetRange):
            lo, hi = Fraction(target.lo), Fraction(target.hi)
            gap = lo - ind.realisasi if ind.realisasi < lo else ind.realisasi - hi
            key = "kurang" if ind.realisasi < lo else "kurang_lebih_kecil"
        elif ind.direction == Direction.LOWER.value:
            gap, key = ind.realisasi - Fraction(target), "kurang_lebih_kecil"
        else:
            gap = Fraction(target) - ind.realisasi
    if gap is None or gap <= 0:
        # The rulebook's formula scores below 100 although the raw gap is not positive (e.g.
        # a custom formula): state the achievement only, never an invented shortfall.
        text = t["kurang"].split(".")[0].format(**fields) + "."
        return FeedbackItem(ind.id, "gap", text, numbers)
    numbers["selisih"] = gap
    fields["selisih"] = _num(gap, lang)
    return FeedbackItem(ind.id, "gap", t[key].format(**fields), numbers)


def feedback(
    appraisal: Appraisal,
    *,
    lang: str = "id",
    rulebook: Rulebook | None = None,
    templates: Mapping[str, str] | None = None,
) -> Feedback:
    """Umpan balik for one appraisal, from its numbers only.

    ``rulebook`` may supply templates (enum ``templat_umpan_balik_<lang>``); ``templates``
    (situation → text) override both the defaults and the rulebook's.
    """
    if not appraisal.ok:
        raise UsageError(f"appraisal {appraisal.plan_id} failed: {appraisal.error}")
    t = _templates(rulebook, lang, templates)
    items: list[FeedbackItem] = []
    for rhk in appraisal.rhk:
        items.extend(_indicator_item(ind, t, lang) for ind in rhk.indicators)
        if rhk.nilai is not None:
            key = "rhk_baik" if rhk.nilai >= 100 else "rhk_kurang"
            text = t[key].format(rhk=rhk.description, nilai=_num(rhk.nilai, lang))
            kind = "strength" if rhk.nilai >= 100 else "gap"
            # 100 is "on target": capaian and RHK values are percentages of the target.
            items.append(
                FeedbackItem(rhk.id, kind, text, {"nilai": rhk.nilai, "target": Fraction(100)})
            )
    if appraisal.nilai_hasil_kerja is not None:
        rating = appraisal.rating_hasil_kerja_rekomendasi
        summary = t["ringkasan"].format(
            nilai=_num(appraisal.nilai_hasil_kerja, lang),
            rating=rating if rating is not None else _NONE[lang],
            predikat=appraisal.predikat if appraisal.predikat is not None else _NONE[lang],
        )
        items.append(FeedbackItem("", "info", summary, {"nilai": appraisal.nilai_hasil_kerja}))
    return Feedback(appraisal.employee, appraisal.period, lang, tuple(items))


# --------------------------------------------------------------------------- plans with changes


def _changed_plan(
    plan: Plan,
    realisasi: Mapping[str, Any] | None = None,
    targets: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
) -> Plan:
    data = plan.model_dump()
    known = {ind.id for _, ind in plan.indicators()} | {r.id for r in plan.rhk}
    for mapping in (realisasi or {}, targets or {}, weights or {}):
        for key in mapping:
            if key not in known:
                raise UsageError(f"plan {plan.id} has no indicator or RHK '{key}'")
    for rhk in data["rhk"]:
        if weights and rhk["id"] in weights:
            rhk["weight"] = weights[rhk["id"]]
        for ind in rhk["indicators"]:
            if targets and ind["id"] in targets:
                ind["target"] = targets[ind["id"]]
            if weights and ind["id"] in weights:
                ind["weight"] = weights[ind["id"]]
    if realisasi:
        kept = [r for r in data["realisations"] if r["indicator"] not in realisasi]
        kept.extend({"indicator": k, "value": v} for k, v in realisasi.items())
        data["realisations"] = kept
    return Plan.model_validate(data)


# --------------------------------------------------------------------------- what-if


@dataclass(frozen=True, slots=True)
class Change:
    """One number, band or cell that differs between the original and the changed plan."""

    what: str
    subject: str
    before: Any
    after: Any
    detail: str = ""

    def explain(self, lang: str = "id") -> str:
        """The change as one line of text."""

        def show(v: Any) -> str:
            if isinstance(v, Fraction | Decimal | int) and not isinstance(v, bool):
                return _num(v, lang)
            return "-" if v is None else str(v)

        arrow = f"{show(self.before)} → {show(self.after)}"
        subject = f" {self.subject}" if self.subject else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.what}{subject}: {arrow}{detail}"


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The original and changed appraisals and every difference, step by step."""

    before: Appraisal
    after: Appraisal
    changes: tuple[Change, ...]

    def explain(self, lang: str = "id") -> str:
        """All changes, one per line (or a sentence saying nothing changed)."""
        if not self.changes:
            return "Tidak ada perubahan." if lang == "id" else "Nothing changed."
        return "\n".join(c.explain(lang) for c in self.changes)


def _detail(appraisal: Appraisal, what: str) -> str:
    return next((s.detail for s in appraisal.trace if s.what == what and s.detail), "")


def what_if(
    plan: Plan,
    rulebook: Rulebook,
    *,
    realisasi: Mapping[str, Any] | None = None,
    targets: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
) -> WhatIf:
    """Re-score ``plan`` with changed realisasi, targets or weights (by indicator/RHK id).

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.demo import load_unit
    >>> book = rulebooks.load("gajahmungkur")
    >>> plan = load_unit().plans[2][3]
    >>> print(what_if(plan, book, realisasi={"kolaborasi": 4}).explain())
    realisasi kolaborasi: 2 → 4
    capaian kolaborasi: 66,67 → 120
    nilai RHK rhk2: 66,67 → 120
    nilai hasil kerja: 83,27 → 104,6
    rekomendasi rating hasil kerja: Di Bawah Ekspektasi → Sesuai Ekspektasi
        (baris tabel: 83,27 ∈ (-inf, 90) → 104,60 ∈ [90, 110))
    predikat: Butuh Perbaikan → Baik (sel (di_bawah, sesuai) → sel (sesuai, sesuai))
    konversi angka_kredit: 2,34 → 3,13
    konversi tpp_persen: 54 → 65
    """
    before = appraise(plan, rulebook)
    after = appraise(_changed_plan(plan, realisasi, targets, weights), rulebook)
    changes: list[Change] = []
    for rb, ra in zip(before.rhk, after.rhk, strict=True):
        if rb.weight != ra.weight:
            changes.append(Change("bobot RHK", rb.id, rb.weight, ra.weight))
        for ib, ia in zip(rb.indicators, ra.indicators, strict=True):
            for what, vb, va in (
                ("target", ib.target, ia.target),
                ("bobot", ib.weight, ia.weight),
                ("realisasi", ib.realisasi, ia.realisasi),
                ("capaian", ib.capaian, ia.capaian),
            ):
                if vb != va:
                    detail = "dibatasi" if what == "capaian" and ia.capped_from is not None else ""
                    changes.append(Change(what, ib.id, vb, va, detail))
        if rb.nilai != ra.nilai:
            changes.append(Change("nilai RHK", rb.id, rb.nilai, ra.nilai))
    if before.nilai_hasil_kerja != after.nilai_hasil_kerja:
        changes.append(Change("nilai hasil kerja", "", before.nilai_hasil_kerja,
                              after.nilai_hasil_kerja))  # fmt: skip
    band_b, band_a = _detail(before, "rating_hasil_kerja"), _detail(after, "rating_hasil_kerja")
    if before.rating_hasil_kerja_rekomendasi != after.rating_hasil_kerja_rekomendasi:
        changes.append(Change("rekomendasi rating hasil kerja", "",
                              before.rating_hasil_kerja_rekomendasi,
                              after.rating_hasil_kerja_rekomendasi,
                              f"baris tabel: {band_b} → {band_a}"))  # fmt: skip
    if before.rating_hasil_kerja != after.rating_hasil_kerja and (
        before.rating_hasil_kerja != before.rating_hasil_kerja_rekomendasi
        or after.rating_hasil_kerja != after.rating_hasil_kerja_rekomendasi
    ):
        changes.append(Change("rating hasil kerja", "", before.rating_hasil_kerja,
                              after.rating_hasil_kerja))  # fmt: skip
    if before.predikat != after.predikat:
        cell_b, cell_a = _detail(before, "predikat"), _detail(after, "predikat")
        changes.append(Change("predikat", "", before.predikat, after.predikat,
                              f"{cell_b} → {cell_a}"))  # fmt: skip
    for name in sorted(set(before.conversions) | set(after.conversions)):
        vb, va = before.conversions.get(name), after.conversions.get(name)
        if vb != va:
            changes.append(Change("konversi", name, vb, va))
    return WhatIf(before, after, tuple(changes))


# --------------------------------------------------------------------------- monotonicity


def _capaian_sign(book: Rulebook, ind: Indicator) -> int | None:
    """Direction of the indicator's capaian as its realisasi grows, with the target fixed."""
    if isinstance(ind.target, TargetRange):
        return None  # inside the range is best: capaian rises, then falls
    target = Sym(Fraction(ind.target))
    env = {"realisasi": Sym(None, 1), "target": target, "lo": target, "hi": target}
    analyser = Monotone(book.checked)
    if ind.formula is not None:
        body = book.formula(ind.formula, inputs=dict.fromkeys(env, "number")).ast
        sign = analyser.value(body, env).sign
    else:
        name = f"capaian_{ind.kind}" if ind.kind else f"capaian_{ind.direction.value}"
        info = book.checked.funcs.get(name)
        if info is None or not isinstance(info.node, FuncDef):
            return None
        args = {p: env.get(p, target) for p in info.params}
        sign = analyser.value(info.node.body, args).sign
    if sign is not None and ind.cap is not None:
        return sign  # a cap (min with a constant) keeps the direction
    return sign


def _rating_order(book: Rulebook) -> tuple[list[Label], bool]:
    """The rating enum best-first, and whether the rating band rises with nilai."""
    members = list(book.checked.enums["rating"].members)
    info = book.checked.funcs.get("rating_hasil_kerja")
    if not isinstance(info, BandInfo):
        return members, False
    rank = {m: i for i, m in enumerate(members)}
    outputs = []
    for *_, row in info.rows:
        expr = info.node.rows[row].expr  # type: ignore[attr-defined]
        if not isinstance(expr, LabelRef):
            return members, False
        outputs.append(rank[book.checked.enums[expr.enum].member(expr.member)])  # type: ignore[index]
    # Rows are sorted by lower bound: a better (smaller) rank must never follow a worse one.
    return members, all(a >= b for a, b in itertools.pairwise(outputs))


# --------------------------------------------------------------------------- path to next


@dataclass(frozen=True, slots=True)
class PathStep:
    """What one indicator would need for the recommended rating to rise one step.

    ``status``: ``reachable`` (``needed`` is the exact realisasi), ``already_best``,
    ``unreachable`` (a cap or the formula's limit stops it), ``not_monotone`` (the formula
    could not be proven to move one way, so no answer is given), or ``not_reported``.
    """

    indicator: str
    name: str
    unit_of_measure: str
    status: str
    current: Decimal | None
    needed: Decimal | None
    step: Decimal
    direction: int | None
    next_rating: Label | None
    reason: str = ""

    def explain(self, lang: str = "id") -> str:
        """One sentence for the employee."""
        uom = self.unit_of_measure
        cur = "-" if self.current is None else _num(self.current, lang)
        if self.status == "reachable":
            assert self.needed is not None
            need = _num(self.needed, lang)
            if lang == "id":
                return (f"{self.name}: dengan realisasi {need} {uom} (kini {cur} {uom}) "
                        f"rating hasil kerja naik menjadi {self.next_rating}.")  # fmt: skip
            return (f"{self.name}: with {need} {uom} achieved (now {cur} {uom}) "
                    f"the work-result rating rises to {self.next_rating}.")  # fmt: skip
        reason = _REASONS[lang].get(self.reason, self.reason)
        messages = {
            "id": {
                "already_best": "rating hasil kerja sudah yang tertinggi.",
                "unreachable": f"indikator ini saja tidak dapat menaikkan rating ({reason}).",
                "not_monotone": f"tidak dapat dihitung dengan pasti ({reason}).",
                "not_reported": "realisasi belum dilaporkan.",
            },
            "en": {
                "already_best": "the work-result rating is already the highest.",
                "unreachable": f"this indicator alone cannot raise the rating ({reason}).",
                "not_monotone": f"no exact answer can be given ({reason}).",
                "not_reported": "not yet reported.",
            },
        }
        return f"{self.name}: {messages[lang][self.status]}"


#: Why a path has no answer, by reason code.
_REASONS: Final[dict[str, dict[str, str]]] = {
    "id": {
        "capped": "capaiannya dibatasi",
        "even_zero": "bahkan dengan realisasi 0",
        "not_proven": "capaian tidak terbukti monoton terhadap realisasi",
        "independent": "capaian tidak bergantung pada realisasi",
        "band_order": "tabel rating tidak naik bersama nilai",
    },
    "en": {
        "capped": "its capaian is capped",
        "even_zero": "not even with a realisasi of 0",
        "not_proven": "capaian is not proven monotone in realisasi",
        "independent": "capaian does not depend on realisasi",
        "band_order": "the rating table does not rise with the value",
    },
}


def _grid(ind: Indicator, current: Decimal | None) -> Decimal:
    """The smallest step the indicator's numbers are written in (1 for whole counts)."""
    places = 0
    values = [current] if current is not None else []
    values += (
        [ind.target.lo, ind.target.hi] if isinstance(ind.target, TargetRange) else [ind.target]
    )
    for v in values:
        exponent = v.normalize().as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return Decimal(1).scaleb(-places)


def path_to_next(plan: Plan, rulebook: Rulebook) -> list[PathStep]:
    """For each indicator, the realisasi that moves the recommended rating up one step.

    The answer is exact on the indicator's decimal grid: at ``needed`` the rating rises, one
    ``step`` short of it, it does not (both verified by re-scoring). Only answered when the
    rulebook's formulas are proven monotone in that realisasi.
    """
    base = appraise(plan, rulebook)
    if base.nilai_hasil_kerja is None or base.rating_hasil_kerja_rekomendasi is None:
        raise UsageError(f"plan {plan.id}: no recommended rating to improve (status {base.status})")
    members, band_ok = _rating_order(rulebook)
    current_rank = members.index(base.rating_hasil_kerja_rekomendasi)
    target_rating = members[current_rank - 1] if current_rank > 0 else None
    out = []
    for _, ind in plan.indicators():
        real = plan.realisation_for(ind.id)
        current = None if real is None or real.value is None else real.value
        step = _grid(ind, current)

        def make(status: str, needed: Decimal | None = None, sign: int | None = None,
                 reason: str = "") -> PathStep:  # fmt: skip
            return PathStep(ind.id, ind.name, ind.unit_of_measure, status, current,  # noqa: B023
                            needed, step, sign, target_rating, reason)  # noqa: B023 # fmt: skip

        if target_rating is None:
            out.append(make("already_best"))
            continue
        if current is None:
            out.append(make("not_reported"))
            continue
        sign = _capaian_sign(rulebook, ind)
        if not band_ok or sign is None or sign == 0:
            reason = ("not_proven" if sign is None else "independent" if sign == 0
                      else "band_order")  # fmt: skip
            out.append(make("not_monotone", sign=sign, reason=reason))
            continue
        out.append(_search(plan, rulebook, ind, current, step, sign, target_rating, make))
    return out


def _search(plan: Plan, book: Rulebook, ind: Indicator, current: Decimal, step: Decimal,
            sign: int, goal: Label, make: Callable[..., PathStep]) -> PathStep:  # fmt: skip
    members = list(book.checked.enums["rating"].members)
    goal_rank = members.index(goal)

    def reached(n: int) -> bool:
        value = normalize(step * n)
        result = appraise(_changed_plan(plan, realisasi={ind.id: value}), book)
        rating = result.rating_hasil_kerja_rekomendasi
        return rating is not None and members.index(rating) <= goal_rank

    now = int(current / step)
    if sign > 0:
        # Grow an upper bound; a cap makes the value stop rising, which is "unreachable".
        target = ind.target.hi if isinstance(ind.target, TargetRange) else ind.target
        limit = max(now, int(abs(Fraction(target)) / Fraction(step)) + 1) * 10**6
        if not reached(limit):
            return make("unreachable", sign=sign, reason="capped")
        lo, hi = now, limit  # reached(lo) is False, reached(hi) is True
    else:
        if not reached(0):
            return make("unreachable", sign=sign, reason="even_zero")
        lo, hi = now, 0
    # Binary search on the integer grid; monotonicity (proven above) makes it exact.
    while abs(hi - lo) > 1:
        mid = (lo + hi) // 2
        if reached(mid):
            hi = mid
        else:
            lo = mid
    return make("reachable", needed=normalize(step * hi), sign=sign)


# --------------------------------------------------------------------------- target checks


@dataclass(frozen=True, slots=True)
class TargetFlag:
    """A warning about a draft target: ``already_met``, ``unreachable`` or ``weights``."""

    indicator: str
    kind: str
    message: str


def check_targets(draft: Plan, rulebook: Rulebook, last: Plan | None = None) -> list[TargetFlag]:
    """Flag draft targets already met by last period's realisasi, out of reach, or badly weighted.

    ``last`` is last period's plan with its realisations (matched by indicator id).
    """
    flags: list[TargetFlag] = []
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
                result = appraise(_changed_plan(draft, realisasi={ind.id: previous.value}),
                                  rulebook)  # fmt: skip
                capaian = result.indicator(ind.id).capaian
            except KinerjaError:
                capaian = None
            if capaian is not None and capaian >= 100:
                uom = ind.unit_of_measure
                flags.append(TargetFlag(ind.id, "already_met",
                    f"{ind.name}: realisasi periode lalu {_num(previous.value, 'id')} {uom} "
                    f"sudah mencapai target baru (capaian {_num(capaian, 'id')} %)."))  # fmt: skip
        sign = _capaian_sign(rulebook, ind)
        if sign in (1, -1):
            extreme = probe if sign > 0 else Fraction(0)
            try:
                result = appraise(
                    _changed_plan(draft, realisasi={ind.id: str(fraction_to_decimal(extreme))}),
                    rulebook,
                )
                best = result.indicator(ind.id).capaian
            except KinerjaError:
                best = None
            if best is not None and best < 100:
                flags.append(TargetFlag(ind.id, "unreachable",
                    f"{ind.name}: capaian tertinggi yang mungkin hanya {_num(best, 'id')} %; "
                    "target tidak dapat tercapai di bawah batas capaian."))  # fmt: skip
    return flags
