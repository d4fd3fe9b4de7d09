"""The main job speaks to the employee (issue 14, item 5): ``python -m kinerja_engine demo``
ends with one employee's umpan balik and the path to the next rating.

The expected lines are recomputed here through the public API (the employee with the lowest
nilai hasil kerja in the last quarter, :func:`feedback` and :func:`path_to_next` on that
quarter), so the test pins what the demo says, not a copy of its output.
"""

from __future__ import annotations

import pytest

from kinerja_engine import appraise, feedback, path_to_next, rulebooks
from kinerja_engine.demo import load_unit, run_demo


def test_demo_ends_with_feedback_and_the_path_to_the_next_rating(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_demo() == 0
    out = capsys.readouterr().out.rstrip("\n").splitlines()
    book = rulebooks.load("gajahmungkur")
    unit = load_unit()
    last = [appraise(quarters[-1], book) for quarters in unit.plans]
    values = [a.nilai_hasil_kerja for a in last]
    assert all(v is not None for v in values)
    index = values.index(min(v for v in values if v is not None))
    appraisal, plan = last[index], unit.plans[index][-1]
    umpan_balik = [f"  • {item.text}" for item in feedback(appraisal, rulebook=book).items]
    path = [f"  • {step.explain('id')}" for step in path_to_next(plan, book)]
    expected = [
        f"Umpan balik untuk {appraisal.employee_name}, periode {appraisal.period} (nilai hasil "
        "kerja terendah di unit pada periode itu):",
        *umpan_balik,
        "",
        "Jalan menuju rating berikutnya (satu indikator diubah, yang lain tetap):",
        *path,
    ]
    assert out[-len(expected) :] == expected
    # Constructive: a shortfall with its number, and a reachable next rating.
    assert any("Kurang" in line for line in umpan_balik)
    assert any("naik menjadi" in line for line in path)
    # It comes after the full explanation, which stays.
    assert out.index("Penjelasan lengkap untuk satu pegawai:") < len(out) - len(expected)
