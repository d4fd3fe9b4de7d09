"""The main job: a demonstration on bundled data, printed for people.

For now it shows the rules language end to end: indicator formulas as an HR analyst types
them, the bundled PP 46/2011 rulebook on the worked examples of its sources, and one mistake
caught by the checker with its caret.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from . import rulebooks
from .errors import KinerjaError
from .language import Formula
from .values import round_half_up

__all__ = ["run_demo"]

_FORMULAS: list[tuple[str, str, dict[str, object]]] = [
    ("Capaian vaksinasi (dibatasi 120%)", "cap(realisasi / target, 120%) * 100",
     {"realisasi": 1140, "target": 1000}),
    ("Waktu layanan (lebih kecil lebih baik)", "(2 - realisasi / target) * 100",
     {"realisasi": "2.5", "target": 3}),
    ("Kehadiran siswa dalam rentang target", "if between(realisasi, 85, 95) then 100 "
     "else if realisasi < 85 then realisasi / 85 * 100 else 95 / realisasi * 100",
     {"realisasi": "97.5"}),
]  # fmt: skip


def run_demo() -> int:
    """Print the demonstration; returns the process exit status."""
    print("kinerja_engine: rumus indikator dihitung secara eksak\n")
    for title, text, inputs in _FORMULAS:
        formula = Formula.parse(text)
        shown = ", ".join(f"{k} = {v}" for k, v in inputs.items())
        value = formula.evaluate_exact(**inputs)
        assert isinstance(value, Fraction)
        # Displayed at 2 places, half up; the exact value is what any later stage would use.
        print(f"  {title}\n    {formula}\n    dengan {shown}  →  {round_half_up(value, 2)}\n")

    book = rulebooks.load("pp-46-2011")
    print(f"Rulebook '{book.name}' versi {book.version}; mengutip: {'; '.join(book.cites)}")
    print("  Contoh dalam Perka BKN 1/2013:")
    print(f"    waktu 5 hari selesai 5 hari    → {book.evaluate('nilai_efisiensi', t=5, r=5)}")
    print(f"    waktu 5 hari selesai 4 hari    → {book.evaluate('nilai_efisiensi', t=5, r=4)}")
    score = book.evaluate("nilai_kegiatan_biaya", kuan=100, kual=90, waktu=76, biaya=76)
    print(f"    kegiatan 100 / 90 / 76 / 76    → {score}")
    for r in ("9.12", "9.11"):
        nilai = book.evaluate("nilai_efisiensi", t=12, r=r)
        assert isinstance(nilai, Decimal)
        print(f"    efisiensi di sekitar 24% (t=12, r={r}) → {round_half_up(nilai, 2)}")
    print(f"    sebutan untuk nilai 90.5       → {book.evaluate('predikat', nilai='90.5')}\n")

    print("Kesalahan ditangkap sebelum dihitung (pemeriksa wajib):")
    try:
        Formula.parse("cap(realisasi / targt, 120%) * 100", inputs={
            "realisasi": "number", "target": "number"})  # fmt: skip
    except KinerjaError as exc:
        print(exc.render("indikator.kinerja"))
    return 0
