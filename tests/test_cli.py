"""The command line for people: ``python -m kinerja_engine check FILE… [--formula TEXT]`` and
``python -m kinerja_engine demo``, run as a real subprocess (exit codes and output are the
interface, so they are tested from outside)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import kinerja_engine

# The package directory's parent, so the subprocess imports the same code as the tests, with
# or without an installed package.
SRC = str(Path(kinerja_engine.__file__).resolve().parent.parent)

GOOD = """\
rulebook "baik" version "1"
param batas = 76
def lulus(nilai) = nilai >= batas
"""

# Three independent mistakes, so the CLI must report all of them, not stop at the first.
BAD = """\
rulebook "salah"
const a = 1 + true
def f(nilai) = nilia * 2
band b(x) { (-inf, 50) -> 1, [60, inf) -> 2 }
"""

DIAGNOSTIC = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+)$")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "kinerja_engine", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_check_good_file(tmp_path: Path) -> None:
    path = tmp_path / "baik.kinerja"
    path.write_text(GOOD, encoding="utf-8")
    result = _run("check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{path}: ok" in result.stdout
    assert "rulebook 'baik', 2 definitions" in result.stdout


def test_check_file_with_several_errors(tmp_path: Path) -> None:
    path = tmp_path / "salah.kinerja"
    path.write_text(BAD, encoding="utf-8")
    result = _run("check", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    found = [m.groupdict() for line in lines if (m := DIAGNOSTIC.match(line))]
    assert [(d["file"], d["line"], d["col"]) for d in found] == [
        (str(path), "2", "15"),
        (str(path), "3", "16"),
        (str(path), "4", "30"),
    ]
    assert "unknown name 'nilia'" in found[1]["msg"]
    # Each diagnostic is followed by its source line and a caret under the offending part.
    index = lines.index(next(line for line in lines if ":3:16:" in line))
    assert lines[index + 1] == "  def f(nilai) = nilia * 2"
    assert lines[index + 2] == "  " + " " * 15 + "^^^^^"
    assert "  hint: did you mean 'nilai'?" in lines
    assert "  hint: make each row start exactly where the previous one ends" in lines
    assert lines[-1] == f"{path}: 3 errors"


def test_check_missing_file_exits_2(tmp_path: Path) -> None:
    good = tmp_path / "baik.kinerja"
    good.write_text(GOOD, encoding="utf-8")
    missing = tmp_path / "tidak-ada.kinerja"
    # A missing file does not stop the others from being checked.
    result = _run("check", str(missing), str(good))
    assert result.returncode == 2
    assert f"{missing}: cannot read" in result.stderr
    assert f"{good}: ok" in result.stdout


def test_check_formulas_ok() -> None:
    # --formula is repeatable; each formula is numbered and its inputs and result type shown.
    result = _run(
        "check", "--formula", "cap(r / t, 120%) * 100", "--formula", "if lulus then 1 else 0"
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "<formula 1>: ok (r: number, t: number) -> number",
        "<formula 2>: ok (lulus: bool) -> number",
    ]


def test_check_formulas_with_errors() -> None:
    result = _run("check", "--formula", "1 < 2 < 3", "--formula", "x", "--formula", "clam(x, 0, 1)")
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert out[0].startswith("<formula 1>:1:7: error: unexpected symbol '<'")
    assert out[1:3] == ["  1 < 2 < 3", "        ^"]
    assert "  hint: comparisons cannot be chained; join them with 'and'" in out
    assert "<formula 2>: ok (x: number) -> number" in out  # one bad formula does not hide others
    assert "<formula 3>:1:1: error: unknown function 'clam'" in out
    assert "  hint: did you mean 'clamp'?" in out


def test_check_needs_something_to_check() -> None:
    result = _run("check")
    assert result.returncode == 2  # argparse usage error
    assert "at least one FILE or --formula" in result.stderr


def test_demo() -> None:
    # The main job: the bundled Gajahmungkur unit scored for a year of quarters.
    result = _run("demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Kecamatan Gajahmungkur" in out
    # Ahli Pertama, Baik, 12 months: 12.5 credit points; Ahli Madya, Butuh Perbaikan:
    # 75 % x 37.5 = 28.125, shown half up as 28,13 (never banker's 28,12).
    assert "Hendra Gunawan" in out
    assert "28,13" in out
    assert "Semua ketentuan kurva distribusi terpenuhi." in out
    assert "Predikat Kinerja:" in out
    assert "diubah pejabat penilai" in out  # the evaluator's override and its reason
    assert len([line for line in out.splitlines() if "Guru" in line]) == 4
