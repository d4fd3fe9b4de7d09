"""Rendering an :class:`~kinerja_engine.scoring.Appraisal`'s own numbers and trace as text.

Input: an appraisal (its results and trace, values carried exact and structured) and a
language. Output: text for the employee, Indonesian by default (the employee reads it),
English on request. Guarantees: numbers use the language's conventions (``1.234,50`` in
Indonesian) through :mod:`kinerja_engine.formatting`, shown at 2 places, half up; the exact
values stay in the appraisal; every sentence states only what the numbers support, and a value
shown next to a band row never reads as outside that row (:func:`format_band_match`).

This module renders what the scoring phase produced and imports nothing of it at run time
(the results call it), so scoring and its explanation form no import cycle.

>>> from fractions import Fraction
>>> format_band_match(Fraction(9474, 100), Fraction(90), True, Fraction(110), False, "en")
'94.74 ∈ [90, 110)'
>>> format_band_match(Fraction(9474, 100), Fraction(90), True, Fraction(110), False, "id")
'94,74 ∈ [90, 110)'
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..arguments import require
from ..errors import UsageError
from ..errors import shown as shown_value
from ..formatting import format_interval, format_number, format_value
from ..values import Label, round_half_up

if TYPE_CHECKING:
    from .results import Appraisal

__all__ = ["format_band_match", "format_number_id", "render"]


def format_number_id(
    value: Fraction | Decimal | int, places: int = 2, *, fixed: bool = False
) -> str:
    """Indonesian number format, half-up rounded: thousands with '.', decimals with ','.

    Kept for callers of 0.1; the same as ``format_number(value, "id", places, fixed=fixed)``
    of :mod:`kinerja_engine.formatting`.

    >>> format_number_id(Decimal("1234.5")), format_number_id(Fraction(1, 3)), format_number_id(95)
    ('1.234,50', '0,33', '95')
    >>> format_number_id(117, 1, fixed=True)
    '117,0'
    """
    require(value, (Fraction, Decimal, int), "format_number_id", "value")
    if isinstance(value, Decimal) and not value.is_finite():
        raise UsageError(f"format_number_id(): parameter 'value' must be finite, got {value}")
    require(places, int, "format_number_id", "places")
    require(fixed, bool, "format_number_id", "fixed")
    return format_number(value, "id", places, fixed=fixed)


def format_band_match(
    value: Fraction,
    lo: Fraction | None,
    lo_closed: bool,
    hi: Fraction | None,
    hi_closed: bool,
    lang: str = "id",
) -> str:
    """``value ∈ row`` with the value at as many places (2 or more) as it takes to read as
    inside its row, and the row's bounds exact (as the rulebook writes them).

    109.999 in [90, 110) must not be shown as "110,00": the sentence would be false.

    >>> format_band_match(Fraction(109999, 1000), Fraction(90), True, Fraction(110), False)
    '109,999 ∈ [90, 110)'
    >>> format_band_match(Fraction(250), Fraction(110), False, None, False, "en")
    '250 ∈ (110, inf)'
    """
    row = format_interval(lo, lo_closed, hi, hi_closed, lang)
    for places in range(2, 13):
        shown = Fraction(round_half_up(value, places))
        above = lo is None or (shown >= lo if lo_closed else shown > lo)
        below = hi is None or (shown <= hi if hi_closed else shown < hi)
        if above and below:
            return f"{format_number(value, lang, places)} ∈ {row}"
    return f"{value.numerator}/{value.denominator} ∈ {row}"


_TEXT: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Penilaian Kinerja",
        "period": "Periode",
        "unit": "Unit",
        "rulebook": "Aturan",
        "status": {"complete": "lengkap", "incomplete": "belum lengkap", "error": "gagal"},
        "rhk": "RHK",
        "weight": "bobot",
        "main": {"utama": "utama", "tambahan": "tambahan"},
        "target": "target",
        "realisasi": "realisasi",
        "capaian": "capaian",
        "capped": "dibatasi {cap} % (sebelumnya {before} %)",
        "not_reported": "belum dilaporkan",
        "not_applicable": "tidak berlaku",
        "rule": "rumus",
        "nilai_rhk": "Nilai RHK",
        "nilai": "Nilai hasil kerja",
        "rec": "Rekomendasi Rating Hasil Kerja",
        "rating_hk": "Rating Hasil Kerja",
        "rating_p": "Rating Perilaku Kerja",
        "predikat": "Predikat Kinerja",
        "override": "diubah pejabat penilai dari {a} menjadi {b}; alasan: {r}",
        "override_by": "oleh NIP {by}",
        "override_on": "tanggal {on}",
        "none": "belum ada",
        "conversions": "Konversi",
        "notes": "Catatan",
        "error": "Tidak dapat dinilai",
        "cell": "matriks {h} × {p}",
        "nilai_skp": "Nilai SKP",
        "nilai_ind": "nilai",
        "nilai_tambahan": "Nilai tambahan",
        "nilai_perilaku": "Nilai perilaku kerja",
        "nilai_kinerja": "Nilai kinerja",
        "ide_baru": "ide baru",
        "expectation": "ekspektasi khusus pimpinan",
    },
    "en": {
        "title": "Performance appraisal",
        "period": "Period",
        "unit": "Unit",
        "rulebook": "Rules",
        "status": {"complete": "complete", "incomplete": "incomplete", "error": "failed"},
        "rhk": "Planned result (RHK)",
        "weight": "weight",
        "main": {"utama": "main", "tambahan": "additional"},
        "target": "target",
        "realisasi": "achieved",
        "capaian": "achievement",
        "capped": "capped at {cap} % (was {before} %)",
        "not_reported": "not yet reported",
        "not_applicable": "not applicable",
        "rule": "rule",
        "nilai_rhk": "RHK value",
        "nilai": "Work result value",
        "rec": "Recommended work-result rating",
        "rating_hk": "Work-result rating",
        "rating_p": "Behaviour rating",
        "predikat": "Performance verdict (predikat)",
        "override": "changed by the evaluator from {a} to {b}; reason: {r}",
        "override_by": "by NIP {by}",
        "override_on": "on {on}",
        "none": "none yet",
        "conversions": "Conversions",
        "notes": "Notes",
        "error": "Could not be appraised",
        "cell": "matrix {h} × {p}",
        "nilai_skp": "SKP value",
        "nilai_ind": "value",
        "nilai_tambahan": "Added value",
        "nilai_perilaku": "Behaviour value",
        "nilai_kinerja": "Performance value",
        "ide_baru": "new ideas",
        "expectation": "leader's specific expectation",
    },
}


def _fmt(value: Any, lang: str) -> str:
    return format_value(value, lang)


def _target(value: Any, lang: str) -> str:
    if hasattr(value, "lo") and hasattr(value, "hi"):
        return f"{_fmt(value.lo, lang)}–{_fmt(value.hi, lang)}"
    return _fmt(value, lang)


def render(appraisal: Appraisal, lang: str = "id") -> str:
    """The appraisal as readable text in ``lang`` (``"id"`` or ``"en"``)."""
    if lang not in _TEXT:
        raise UsageError(f"unknown language {shown_value(lang)}; use 'id' or 'en'")
    t = _TEXT[lang]
    a = appraisal
    lines = [
        f"{t['title']}: {a.employee_name} (NIP {a.employee})",
        f"{t['period']}: {a.period} · {t['unit']}: {a.unit} · {t['rulebook']}: {a.rulebook}"
        f" · status: {t['status'][a.status]}",
    ]
    if a.error:
        lines.append(f"{t['error']}: {a.error}")
        return "\n".join(lines)
    for index, rhk in enumerate(a.rhk, 1):
        lines.append("")
        weight = f", {t['weight']} {_fmt(rhk.weight, lang)} %"
        if rhk.nilai_tambahan is not None and rhk.weight == 0:
            weight = ""  # PP 46 tugas tambahan / kreativitas: points, no weight
        lines.append(
            f"{t['rhk']} {index} ({t['main'].get(rhk.kind, rhk.kind)}{weight}): {rhk.description}"
        )
        for ind in rhk.indicators:
            # A qualitative indicator's target and realisasi are labels: shown by their text,
            # without a unit of measure after them.
            labelled = isinstance(ind.target, Label | str)
            uom = "" if labelled else f" {ind.unit_of_measure}"
            head = f"  • {ind.name}: {t['target']} {_target(ind.target, lang)}{uom}"
            if ind.status == "not_reported":
                lines.append(f"{head}; {t['not_reported']}")
                continue
            if ind.status == "not_applicable":
                lines.append(f"{head}; {t['not_applicable']}")
                continue
            real = ""
            if ind.realisasi_label is not None:
                real = f", {t['realisasi']} {_fmt(ind.realisasi_label, lang)}"
            elif ind.realisasi is not None:
                real = f", {t['realisasi']} {_fmt(ind.realisasi, lang)} {ind.unit_of_measure}"
            if a.numeric and ind.nilai is None:  # PP 46: the aspect's score, not a percentage
                line = f"{head}{real} → {t['nilai_ind']} {_fmt(ind.capaian, lang)}"
            else:
                line = f"{head}{real} → {t['capaian']} {_fmt(ind.capaian, lang)} %"
            if ind.nilai is not None:
                line += f" → {t['nilai_ind']} {_fmt(ind.nilai, lang)}"
            if ind.capped_from is not None:
                capped = t["capped"].format(
                    cap=_fmt(ind.capaian, lang), before=_fmt(ind.capped_from, lang)
                )
                line += f" ({capped})"
            lines.append(line)
            weight = _fmt(ind.weight, lang)
            lines.append(f"      {t['rule']}: {ind.rule}, {t['weight']} {weight} %")
        if rhk.nilai is not None:
            lines.append(f"  {t['nilai_rhk']}: {_fmt(rhk.nilai, lang)}")
        if rhk.nilai_tambahan is not None:
            lines.append(f"  {t['nilai_tambahan']}: {_fmt(rhk.nilai_tambahan, lang)}")
    lines.append("")
    if a.numeric:
        lines.extend(_numeric_lines(a, t, lang))
        return "\n".join(lines)
    if a.nilai_hasil_kerja is not None:
        lines.append(f"{t['nilai']}: {_fmt(a.nilai_hasil_kerja, lang)}")
    band = next(
        (s.detail_text(lang) for s in a.trace if s.what == "rating_hasil_kerja" and s.detail),
        "",
    )
    rec = _label(a.rating_hasil_kerja_rekomendasi, t)
    lines.append(f"{t['rec']}: {rec}" + (f" ({band})" if band else ""))
    lines.extend(_override_lines(a, t))
    lines.append(f"{t['rating_hk']}: {_label(a.rating_hasil_kerja, t)}")
    lines.append(f"{t['rating_p']}: {_label(a.rating_perilaku, t)}")
    lines.extend(_guide_lines(a, t))
    cell = ""
    if a.rating_hasil_kerja is not None and a.rating_perilaku is not None:
        cell = " (" + t["cell"].format(h=a.rating_hasil_kerja, p=a.rating_perilaku) + ")"
    lines.append(f"{t['predikat']}: {_label(a.predikat, t)}{cell if a.predikat else ''}")
    if a.conversions:
        shown = ", ".join(f"{k} = {_fmt(v, lang)}" for k, v in a.conversions.items())
        lines.append(f"{t['conversions']}: {shown}")
    if a.notes:
        lines.append(f"{t['notes']}: " + "; ".join(a.notes))
    return "\n".join(lines)


def _numeric_lines(a: Appraisal, t: dict[str, Any], lang: str) -> list[str]:
    """The end of the explanation of a numeric legacy appraisal: the values and the band row
    the predikat was read from, instead of the ratings of 6/2022."""

    def value(x: Fraction | Decimal | None) -> str:
        return t["none"] if x is None else _fmt(x, lang)

    lines = [
        f"{t['nilai_skp']}: {value(a.nilai_hasil_kerja)}",
        f"{t['nilai_perilaku']}: {value(a.nilai_perilaku)}",
    ]
    rule = next((s for s in a.trace if s.what == "nilai_kinerja"), None)
    inputs = ""
    if rule is not None:
        inputs = " (" + ", ".join(f"{k} {_fmt(v, lang)}" for k, v in rule.inputs.items()) + ")"
    lines.append(f"{t['nilai_kinerja']}: {value(a.nilai_kinerja)}{inputs}")
    step = next((s for s in a.trace if s.what == "predikat" and s.rule == "predikat_nilai"), None)
    detail = []
    if step is not None and step.band is not None:
        detail.append(step.band.text(lang))
    if step is not None and step.inputs.get("ide_baru") is not None:
        detail.append(f"{t['ide_baru']}: {_fmt(step.inputs['ide_baru'], lang)}")
    lines.extend(_override_lines(a, t))  # only the predikat's (legacy.finish)
    shown = f" ({'; '.join(detail)})" if detail else ""
    lines.append(f"{t['predikat']}: {_label(a.predikat, t)}{shown if a.predikat else ''}")
    if a.notes:
        lines.append(f"{t['notes']}: " + "; ".join(a.notes))
    return lines


def _guide_lines(a: Appraisal, t: dict[str, Any]) -> list[str]:
    """Per core value BerAKHLAK: its number, the evaluator's note or rating for it, the
    leader's specific expectation, and its panduan perilaku numbered as the regulation does
    (recorded by the scoring phase when the plan assesses per value or sets expectations)."""
    lines = []
    for step in a.trace:
        if step.what != "perilaku" or step.rule != "panduan_perilaku":
            continue
        nomor = step.inputs.get("nomor")
        number = f"{nomor.numerator}. " if isinstance(nomor, Fraction) else ""
        head = f"  • {number}{step.subject}: {step.result if step.result else t['none']}"
        if step.inputs.get("ekspektasi"):
            head += f"; {t['expectation']}: {step.inputs['ekspektasi']}"
        lines.append(head)
        for index, guide in enumerate(step.inputs.get("panduan", ()), 1):
            lines.append(f"      {number.rstrip('. ')}.{index} {guide}")
    return lines


def _override_lines(a: Appraisal, t: dict[str, Any]) -> list[str]:
    """One line per override: what changed, from what to what, why, and who and when."""
    records = {r.what: r for r in a.override_records}
    lines = []
    for what, before, after, reason in a.overrides:
        name = {"rating_hasil_kerja": t["rating_hk"], "rating_perilaku": t["rating_p"],
                "predikat": t["predikat"]}[what]  # fmt: skip
        change = t["override"].format(a=_label(before, t), b=_label(after, t), r=reason)
        record = records.get(what)
        # Who and when, only when recorded: an override without them reads as before.
        if record is not None and record.by is not None:
            change += "; " + t["override_by"].format(by=record.by)
        if record is not None and record.on is not None:
            change += "; " + t["override_on"].format(on=record.on.isoformat())
        lines.append(f"{name}: {change}")
    return lines


def _label(value: Label | None, t: dict[str, Any]) -> str:
    return t["none"] if value is None else str(value)
