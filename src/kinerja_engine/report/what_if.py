"""What-if and the path to the next rating: re-scoring a plan with changed numbers.

Input: a :class:`~kinerja_engine.models.Plan` and a rulebook. Output: :func:`what_if` re-scores
the plan with changed realisasi, targets or weights and lists every number, band row and
matrix cell that changed (:class:`WhatIf` of :class:`Change`); :func:`path_to_next` finds, for
each indicator, the smallest realisasi (the largest, for a lower-is-better indicator) that
moves the recommended rating up one step, holding the others fixed (:class:`PathStep`).
Guarantees: nothing is guessed. A path is only answered when the rulebook's own formulas are
proven monotone in that realisasi (:func:`~kinerja_engine.report.plans.capaian_sign`); the
search is then exact on the indicator's decimal grid, and a cap or an unproven formula is
said as such. Band rows are carried as numbers and rendered in the reader's language.

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
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Final

from ..arguments import require, require_optional
from ..errors import UsageError
from ..language.checker import BandInfo
from ..language.formula import Rulebook
from ..language.nodes import LabelRef
from ..models import Indicator, Plan, TargetRange
from ..scoring import Appraisal, BandMatch, appraise
from ..scoring.pipeline import check_rulebook
from ..scoring.typed import Record, ResultValue
from ..values import Label, normalize
from .display import what_if_html, what_if_repr
from .plans import capaian_sign, changed_plan
from .wording import short_number

__all__ = ["Change", "PathStep", "WhatIf", "path_to_next", "what_if"]


class Change(Record):
    """One number, band or cell that differs between the original and the changed plan."""

    what: str
    subject: str
    before: ResultValue
    after: ResultValue
    note: str = ""
    rows: tuple[BandMatch | None, BandMatch | None] | None = None

    @property
    def detail(self) -> str:
        """What else changed, as text in Indonesian: the band rows or the note."""
        return self.detail_text("id")

    def detail_text(self, lang: str = "id") -> str:
        """The band rows before and after (rendered in ``lang``), or the note."""
        if self.rows is None:
            return self.note
        before, after = ("" if row is None else row.text(lang) for row in self.rows)
        return f"{_TABLE_ROW.get(lang, _TABLE_ROW['en'])}: {before} → {after}"

    def explain(self, lang: str = "id") -> str:
        """The change as one line of text."""

        def show(v: Any) -> str:
            if isinstance(v, Fraction | Decimal | int) and not isinstance(v, bool):
                return short_number(v, lang)
            return "-" if v is None else str(v)

        arrow = f"{show(self.before)} → {show(self.after)}"
        subject = f" {self.subject}" if self.subject else ""
        text = self.detail_text(lang)
        detail = f" ({text})" if text else ""
        return f"{self.what}{subject}: {arrow}{detail}"


class WhatIf(Record):
    """The original and changed appraisals and every difference, step by step."""

    before: Appraisal
    after: Appraisal
    changes: tuple[Change, ...]

    _untraced: ClassVar[Mapping[str, Any]] = {"before": {"trace": True}, "after": {"trace": True}}

    def explain(self, lang: str = "id") -> str:
        """All changes, one per line (or a sentence saying nothing changed)."""
        if not self.changes:
            return "Tidak ada perubahan." if lang == "id" else "Nothing changed."
        return "\n".join(c.explain(lang) for c in self.changes)

    def __repr__(self) -> str:
        return what_if_repr(self)

    def _repr_html_(self) -> str:
        """The notebook display: headline values before and after, one row per change."""
        return what_if_html(self)


_TABLE_ROW: Final = {"id": "baris tabel", "en": "table row"}


def _note(appraisal: Appraisal, what: str) -> str:
    return next((s.note for s in appraisal.trace if s.what == what and s.note), "")


def _band(appraisal: Appraisal) -> BandMatch | None:
    """The rating band row the recommended rating was read from (None without a band)."""
    return next(
        (s.band for s in appraisal.trace if s.what == "rating_hasil_kerja" and s.band), None
    )


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
    require(plan, Plan, "what_if", "plan")
    check_rulebook(rulebook, "what_if")
    for name, mapping in (("realisasi", realisasi), ("targets", targets), ("weights", weights)):
        require_optional(mapping, Mapping, "what_if", name)
    before = appraise(plan, rulebook)
    after = appraise(changed_plan(plan, realisasi, targets, weights), rulebook)
    changes: list[Change] = []
    for rb, ra in zip(before.rhk, after.rhk, strict=True):
        if rb.weight != ra.weight:
            changes.append(Change.build("bobot RHK", rb.id, rb.weight, ra.weight))
        for ib, ia in zip(rb.indicators, ra.indicators, strict=True):
            for what, vb, va in (
                ("target", ib.target, ia.target),
                ("bobot", ib.weight, ia.weight),
                ("realisasi", ib.realisasi, ia.realisasi),
                ("capaian", ib.capaian, ia.capaian),
            ):
                if vb != va:
                    detail = "dibatasi" if what == "capaian" and ia.capped_from is not None else ""
                    changes.append(Change.build(what, ib.id, vb, va, detail))
        if rb.nilai != ra.nilai:
            changes.append(Change.build("nilai RHK", rb.id, rb.nilai, ra.nilai))
    if before.nilai_hasil_kerja != after.nilai_hasil_kerja:
        changes.append(Change.build("nilai hasil kerja", "", before.nilai_hasil_kerja,
                              after.nilai_hasil_kerja))  # fmt: skip
    if before.rating_hasil_kerja_rekomendasi != after.rating_hasil_kerja_rekomendasi:
        changes.append(Change.build("rekomendasi rating hasil kerja", "",
                              before.rating_hasil_kerja_rekomendasi,
                              after.rating_hasil_kerja_rekomendasi,
                              rows=(_band(before), _band(after))))  # fmt: skip
    if before.rating_hasil_kerja != after.rating_hasil_kerja and (
        before.rating_hasil_kerja != before.rating_hasil_kerja_rekomendasi
        or after.rating_hasil_kerja != after.rating_hasil_kerja_rekomendasi
    ):
        changes.append(Change.build("rating hasil kerja", "", before.rating_hasil_kerja,
                              after.rating_hasil_kerja))  # fmt: skip
    if before.predikat != after.predikat:
        cell_b, cell_a = _note(before, "predikat"), _note(after, "predikat")
        changes.append(Change.build("predikat", "", before.predikat, after.predikat,
                              f"{cell_b} → {cell_a}"))  # fmt: skip
    for name in sorted(set(before.conversions) | set(after.conversions)):
        vb, va = before.conversions.get(name), after.conversions.get(name)
        if vb != va:
            changes.append(Change.build("konversi", name, vb, va))
    return WhatIf.build(before, after, tuple(changes))


# --------------------------------------------------------------------------- path to next


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


class PathStep(Record):
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
        cur = "-" if self.current is None else short_number(self.current, lang)
        if self.status == "reachable":
            assert self.needed is not None
            need = short_number(self.needed, lang)
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
        "qualitative": "realisasinya label skala, bukan angka",
    },
    "en": {
        "capped": "its capaian is capped",
        "even_zero": "not even with a realisasi of 0",
        "not_proven": "capaian is not proven monotone in realisasi",
        "independent": "capaian does not depend on realisasi",
        "band_order": "the rating table does not rise with the value",
        "qualitative": "its realisasi is a label of a scale, not a number",
    },
}


def _grid(ind: Indicator, current: Decimal | None) -> Decimal:
    """The smallest step the indicator's numbers are written in (1 for whole counts)."""
    places = 0
    values = [current] if current is not None else []
    if isinstance(ind.target, TargetRange):
        values += [ind.target.lo, ind.target.hi]
    elif not isinstance(ind.target, str):  # a label target has no grid
        values.append(ind.target)
    for v in values:
        # values.normalize, not Decimal.normalize: that rounds to the default 28 digits.
        exponent = normalize(v).as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return Decimal(1).scaleb(-places)


def path_to_next(plan: Plan, rulebook: Rulebook) -> list[PathStep]:
    """For each indicator, the realisasi that moves the recommended rating up one step.

    The answer is exact on the indicator's decimal grid: at ``needed`` the rating rises, one
    ``step`` short of it, it does not (both verified by re-scoring). Only answered when the
    rulebook's formulas are proven monotone in that realisasi.
    """
    require(plan, Plan, "path_to_next", "plan")
    check_rulebook(rulebook, "path_to_next")
    base = appraise(plan, rulebook)
    if base.nilai_hasil_kerja is None or base.rating_hasil_kerja_rekomendasi is None:
        raise UsageError(f"plan {plan.id}: no recommended rating to improve (status {base.status})")
    members, band_ok = _rating_order(rulebook)
    current_rank = members.index(base.rating_hasil_kerja_rekomendasi)
    target_rating = members[current_rank - 1] if current_rank > 0 else None
    out = []
    for _, ind in plan.indicators():
        real = plan.realisation_for(ind.id)
        value = None if real is None else real.value
        # A qualitative realisasi is a label: no number to search for.
        current = None if isinstance(value, str) else value
        step = _grid(ind, current)

        def make(status: str, needed: Decimal | None = None, sign: int | None = None,
                 reason: str = "") -> PathStep:  # fmt: skip
            return PathStep.build(ind.id, ind.name, ind.unit_of_measure, status, current,  # noqa: B023
                            needed, step, sign, target_rating, reason)  # noqa: B023 # fmt: skip

        if target_rating is None:
            out.append(make("already_best"))
            continue
        if isinstance(value, str) or isinstance(ind.target, str):
            out.append(make("not_monotone", reason="qualitative"))
            continue
        if current is None:
            out.append(make("not_reported"))
            continue
        sign = capaian_sign(rulebook, ind)
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

    def on_grid(n: int) -> Decimal:
        # n steps, exactly: step * n would round to the default context's 28 digits.
        return normalize(Decimal(f"{n}E{step.as_tuple().exponent}"))

    def reached(n: int) -> bool:
        value = on_grid(n)
        result = appraise(changed_plan(plan, realisasi={ind.id: value}), book)
        rating = result.rating_hasil_kerja_rekomendasi
        return rating is not None and members.index(rating) <= goal_rank

    now = int(Fraction(current) / Fraction(step))
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
    return make("reachable", needed=on_grid(hi), sign=sign)
