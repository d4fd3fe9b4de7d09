"""Rendering an :class:`~kinerja_engine.scoring.Appraisal` as text for the employee.

Indonesian by default (the employee reads it), English on request. Numbers use the language's
conventions (``1.234,50`` in Indonesian) and are shown at 2 places, half up; the exact values
stay in the appraisal and its trace. Every sentence states only what the numbers support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..formatting import format_value
from ..values import Label

if TYPE_CHECKING:
    from ..scoring.pipeline import Appraisal

__all__ = ["render"]

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
        "none": "belum ada",
        "conversions": "Konversi",
        "notes": "Catatan",
        "error": "Tidak dapat dinilai",
        "cell": "matriks {h} × {p}",
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
        "none": "none yet",
        "conversions": "Conversions",
        "notes": "Notes",
        "error": "Could not be appraised",
        "cell": "matrix {h} × {p}",
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
        from ..errors import UsageError  # noqa: PLC0415

        raise UsageError(f"unknown language {lang!r}; use 'id' or 'en'")
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
        lines.append(
            f"{t['rhk']} {index} ({t['main'].get(rhk.kind, rhk.kind)}, {t['weight']} "
            f"{_fmt(rhk.weight, lang)} %): {rhk.description}"
        )
        for ind in rhk.indicators:
            head = (
                f"  • {ind.name}: {t['target']} {_target(ind.target, lang)} {ind.unit_of_measure}"
            )
            if ind.status == "not_reported":
                lines.append(f"{head}; {t['not_reported']}")
                continue
            if ind.status == "not_applicable":
                lines.append(f"{head}; {t['not_applicable']}")
                continue
            real = ""
            if ind.realisasi is not None:
                real = f", {t['realisasi']} {_fmt(ind.realisasi, lang)} {ind.unit_of_measure}"
            line = f"{head}{real} → {t['capaian']} {_fmt(ind.capaian, lang)} %"
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
    lines.append("")
    if a.nilai_hasil_kerja is not None:
        lines.append(f"{t['nilai']}: {_fmt(a.nilai_hasil_kerja, lang)}")
    band = next((s.detail for s in a.trace if s.what == "rating_hasil_kerja" and s.detail), "")
    rec = _label(a.rating_hasil_kerja_rekomendasi, t)
    lines.append(f"{t['rec']}: {rec}" + (f" ({band})" if band else ""))
    for what, before, after, reason in a.overrides:
        name = {"rating_hasil_kerja": t["rating_hk"], "rating_perilaku": t["rating_p"],
                "predikat": t["predikat"]}[what]  # fmt: skip
        change = t["override"].format(a=_label(before, t), b=_label(after, t), r=reason)
        lines.append(f"{name}: {change}")
    lines.append(f"{t['rating_hk']}: {_label(a.rating_hasil_kerja, t)}")
    lines.append(f"{t['rating_p']}: {_label(a.rating_perilaku, t)}")
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


def _label(value: Label | None, t: dict[str, Any]) -> str:
    return t["none"] if value is None else str(value)
