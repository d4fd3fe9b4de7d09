"""The main job: score the bundled Gajahmungkur unit for a year of quarters, and print it.

This is the shell: it reads the bundled example data (package data) and prints for an HR
officer. Everything it shows is computed by the library from the ``gajahmungkur`` rulebook:
each employee's four quarterly appraisals, the annual result by the rulebook's aggregation
policy, predikat, allowance (TPP) and credit points, the unit's distribution check, one
employee's full explanation in Indonesian, and it ends speaking to one employee: the umpan
balik on the fourth quarter of the employee with the lowest nilai hasil kerja that quarter,
and the path to the next rating (:func:`~kinerja_engine.report.path_to_next`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from . import rulebooks
from .formatting import format_number
from .language.formula import Rulebook
from .models import Plan
from .report import feedback, path_to_next
from .scoring import Appraisal, appraise_many, appraise_year, check_distribution

__all__ = ["UnitYear", "load_unit", "lowest_last_quarter", "run_demo", "score_unit"]

_DATA = "gajahmungkur-2026.json"


@dataclass(frozen=True, slots=True)
class UnitYear:
    """The bundled unit: its name and predikat, and per employee the four quarterly plans."""

    unit_id: str
    unit_name: str
    unit_predikat: str
    year: int
    plans: tuple[tuple[Plan, ...], ...]


def _plans(data: dict[str, Any]) -> Iterator[tuple[Plan, ...]]:
    year = data["year"]
    for index, emp in enumerate(data["employees"], 1):
        quarters = []
        for q in range(1, 5):
            raw: dict[str, Any] = {
                "id": f"skp-{year}-q{q}-{index:03d}",
                "employee": {
                    "nip": emp["nip"],
                    "name": emp["name"],
                    "kind": emp["kind"],
                    "position": emp["position"],
                    "unit": data["unit"]["id"],
                },
                "evaluator": {**data["evaluators"][emp["sector"]], "unit": data["unit"]["id"]},
                "period": f"{year}-Q{q}",
                "rhk": emp["rhk"],
                "realisations": [
                    {"indicator": ind, "value": values[q - 1]}
                    for ind, values in emp["realisasi"].items()
                ],
                "behaviour": {"rating": emp["perilaku"][q - 1]},
            }
            if q == 4 and "overrides_q4" in emp:
                raw["overrides"] = emp["overrides_q4"]
            quarters.append(Plan.model_validate(raw))
        yield tuple(quarters)


def load_unit() -> UnitYear:
    """Read the bundled Gajahmungkur example (package data) into validated plans."""
    text = files("kinerja_engine").joinpath("data", _DATA).read_text(encoding="utf-8")
    data = json.loads(text)
    unit = data["unit"]
    return UnitYear(unit["id"], unit["name"], unit["predikat"], data["year"],
                    tuple(_plans(data)))  # fmt: skip


def score_unit(unit: UnitYear, book: Rulebook) -> list[tuple[list[Appraisal], Appraisal]]:
    """Each employee's quarterly appraisals and annual result under ``book``."""
    out = []
    for quarters in unit.plans:
        periodic = list(appraise_many(quarters, book))
        out.append((periodic, appraise_year(list(quarters), book)))
    return out


def _fmt(value: Any, places: int = 2) -> str:
    if value is None:
        return "-"
    return format_number(value, "id", places, fixed=True)


def run_demo() -> int:
    """Print the demonstration; returns the process exit status."""
    book = rulebooks.load("gajahmungkur")
    unit = load_unit()
    results = score_unit(unit, book)
    print(f"Penilaian kinerja berbasis capaian — {unit.unit_name}, tahun {unit.year}")
    print(f"Aturan: {book.name} {book.version} (mengutip: {book.cites[0]})\n")
    header = (f"{'Pegawai':<30} {'Jabatan':<28} {'T1':>6} {'T2':>6} {'T3':>6} {'T4':>6} "
              f"{'Nilai':>7}  {'Predikat':<18} {'TPP %':>6} {'AK':>6}")  # fmt: skip
    print(header)
    print("-" * len(header))
    annual: list[Appraisal] = []
    for periodic, year in results:
        plan = next(iter(unit.plans[len(annual)]))
        quarters = " ".join(f"{_fmt(a.nilai_hasil_kerja, 1):>6}" for a in periodic)
        tpp = year.conversions.get("tpp_persen")
        ak = year.conversions.get("angka_kredit")
        print(
            f"{plan.employee.name[:30]:<30} {plan.employee.position.name[:28]:<28} {quarters} "
            f"{_fmt(year.nilai_hasil_kerja):>7}  {year.predikat or '-'!s:<18} "
            f"{_fmt(tpp):>6} {_fmt(ak):>6}"
        )
        annual.append(year)
    print("\nNilai per triwulan (T1–T4) dan nilai tahunan dari rata-rata capaian; TPP = bagian")
    print("kinerja yang dibayarkan (% dari TPP penuh); AK = angka kredit tahunan")
    print("(hanya jabatan fungsional).")
    report = check_distribution(unit.unit_predikat, annual, book)
    print(f"\nKurva distribusi (SE MenPANRB 3/2023) — predikat unit: {report.unit_predikat}")
    counts = ", ".join(f"{name}: {n}" for name, n in report.counts.items())
    print(f"  {report.total} pegawai — {counts}")
    if report.ok:
        print("  Semua ketentuan kurva distribusi terpenuhi.")
    for v in report.violations:
        print(f"  Tidak terpenuhi: {v.rule} — {v.count} dari {v.total} pegawai "
              f"({format_number(v.share.exact * 100, 'id', 2)} %)")  # fmt: skip
    # The employee whose evaluator overrode a recommendation shows the most of the trace.
    chosen = next((y for y in annual if y.overrides), annual[0])
    print("\nPenjelasan lengkap untuk satu pegawai:\n")
    print(chosen.explain("id"))
    _speak_to_one(unit, book, results)
    return 0


def lowest_last_quarter(results: list[tuple[list[Appraisal], Appraisal]]) -> int:
    """The index of the employee whose last quarter has the lowest nilai hasil kerja (the
    first such employee on a tie; employees without a value that quarter are passed over)."""
    scored = [
        (periodic[-1].nilai_hasil_kerja, i)
        for i, (periodic, _) in enumerate(results)
        if periodic and periodic[-1].nilai_hasil_kerja is not None
    ]
    return min(scored)[1] if scored else 0


def _speak_to_one(
    unit: UnitYear, book: Rulebook, results: list[tuple[list[Appraisal], Appraisal]]
) -> None:
    """The demo's last words are to one employee: the constructive feedback on the latest
    quarter and, indicator by indicator, what would raise the recommended rating."""
    index = lowest_last_quarter(results)
    latest = results[index][0][-1]
    plan = unit.plans[index][-1]
    print(f"\nUmpan balik untuk {latest.employee_name}, periode {latest.period} (nilai hasil "
          "kerja terendah di unit pada periode itu):")  # fmt: skip
    for item in feedback(latest, rulebook=book).items:
        print(f"  • {item.text}")
    print("\nJalan menuju rating berikutnya (satu indikator diubah, yang lain tetap):")
    for step in path_to_next(plan, book):
        print(f"  • {step.explain('id')}")
