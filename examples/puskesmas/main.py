"""A health centre's own rulebook: appraise three employees, explain, give feedback, export.

What it shows:

* a local rulebook kept as a text file (``puskesmas.kinerja``) that ``extends`` the national
  rules (``permenpanrb-6-2022``) with three indicator kinds of its own (vaccination coverage,
  referral time where lower is better, socialisation sessions), the band from capaian to the
  recommended Rating Hasil Kerja, and an incentive by predikat (``konversi_insentif``);
* plans (SKP) read from a JSON file (``plans.json``) and validated into typed models;
* for each employee: the appraisal's full explanation, the feedback (umpan balik) and the path
  to the next rating, all in Indonesian;
* the results written to JSON and CSV in an output directory (``--out``; by default a new
  temporary directory, so running it never writes into the repository).

Run from the repository root, after ``pip install -e .``::

    python examples/puskesmas/main.py
    python examples/puskesmas/main.py --out results/
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from kinerja_engine import Appraisal, Plan, Rulebook, appraise, feedback, path_to_next, rulebooks
from kinerja_engine.formatting import format_number

HERE = Path(__file__).resolve().parent

#: The CSV's columns: one row per employee, values as the appraisal's JSON form gives them.
CSV_COLUMNS = (
    "plan_id",
    "employee",
    "employee_name",
    "period",
    "status",
    "nilai_hasil_kerja",
    "rating_hasil_kerja",
    "rating_perilaku",
    "predikat",
    "insentif",
)


def load_rulebook() -> Rulebook:
    """The centre's rulebook, checked and compiled (its ``extends`` resolves the national one)."""
    return rulebooks.load((HERE / "puskesmas.kinerja").read_text(encoding="utf-8"))


def load_plans() -> list[Plan]:
    """The three employees' plans, validated (a wrong NIP or weight fails here, by field)."""
    data = json.loads((HERE / "plans.json").read_text(encoding="utf-8"))
    return [Plan.model_validate(raw) for raw in data["plans"]]


def csv_row(result: Appraisal) -> dict[str, str]:
    """One CSV row: numbers as exact decimal strings, labels as their display text."""
    data = result.to_dict()

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dict):  # a label: {"enum", "name", "text"}
            return str(value["text"])
        return str(value)

    row = {column: text(data.get(column)) for column in CSV_COLUMNS if column != "insentif"}
    row["insentif"] = text(data["conversions"].get("insentif"))
    return row


def shown(value: Fraction | Decimal | int | None, places: int) -> str:
    """A number for people, Indonesian style; ``-`` when the appraisal has none (an incomplete
    appraisal, with a realisasi not yet reported, has no nilai and no incentive)."""
    return "-" if value is None else format_number(value, "id", places)


def write_results(results: list[Appraisal], out: Path) -> tuple[Path, Path]:
    """Write ``results.json`` (the full appraisals, trace included) and ``results.csv``."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "results.json"
    json_path.write_text(
        json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    csv_path = out / "results.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_row(r) for r in results)
    return json_path, csv_path


def main(argv: list[str] | None = None) -> int:
    """Appraise the three plans, print explanations and feedback, write JSON and CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="output directory (default: a new temporary directory)")  # fmt: skip
    args = parser.parse_args(argv)
    out: Path = args.out if args.out is not None else Path(tempfile.mkdtemp(prefix="puskesmas-"))

    book = load_rulebook()
    plans = load_plans()
    print(f"Aturan: {book.name} {book.version}")
    print("Mengutip:")
    for citation in book.cites:
        print(f"  {citation}")
    print()

    results = [appraise(plan, book) for plan in plans]
    for plan, result in zip(plans, results, strict=True):
        print("=" * 78)
        print(result.explain("id"))
        print("\nUmpan balik:")
        print(feedback(result).text())
        print("\nJalan menuju rating berikutnya:")
        for step in path_to_next(plan, book):
            print(f"  {step.explain('id')}")
        print()

    print("=" * 78)
    print("Ringkasan (predikat dan insentif per pegawai):")
    for result in results:
        nilai = shown(result.nilai_hasil_kerja, places=2)
        insentif = shown(result.conversions.get("insentif"), places=0)
        print(f"  {result.employee_name}: nilai hasil kerja {nilai}, "
              f"predikat {result.predikat}, insentif Rp {insentif}")  # fmt: skip

    json_path, csv_path = write_results(results, out)
    print(f"\nHasil ditulis ke {json_path} dan {csv_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
