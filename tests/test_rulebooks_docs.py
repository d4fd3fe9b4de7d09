"""docs/rulebooks.md covers every bundled rulebook (issue 16, "Must show"): a section per
rulebook with its dates in force, its entry points (the doctest listings of
tests/test_regulations.py), every parameter of its own with a source or **reading**, and what
it does not cover."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kinerja_engine import rulebooks

DOC = (Path(__file__).resolve().parent.parent / "docs" / "rulebooks.md").read_text(encoding="utf-8")
SECTIONS = {
    part.split("\n", 1)[0].strip(): part for part in re.split(r"^## ", DOC, flags=re.MULTILINE)
}


def _own_parameters(name: str) -> list[str]:
    book = rulebooks.load(name)
    inherited: set[str] = set()
    if name == "gajahmungkur":  # extends the two national rulebooks: their params are theirs
        for parent in ("permenpanrb-6-2022", "angka-kredit-2023"):
            inherited |= set(rulebooks.load(parent).parameters)
    return [p for p in book.parameters if p not in inherited]


@pytest.mark.parametrize("name", rulebooks.names())
def test_each_rulebook_has_its_section(name: str) -> None:
    section = SECTIONS.get(name)
    assert section is not None, f"docs/rulebooks.md has no section '## {name}'"
    assert "**Encodes**" in section
    assert "**In force**" in section
    assert "**Not covered**" in section
    for parameter in _own_parameters(name):
        rows = [line for line in section.splitlines() if f"`{parameter}`" in line]
        assert rows, f"{name}: parameter {parameter} is not documented"
        # A parameter's row names its source, or says it is a reading or a policy.
        assert any(line.startswith("|") and line.count("|") >= 4 for line in rows), parameter


def test_every_reading_in_the_rulebook_texts_is_a_reading_in_the_docs() -> None:
    for name, parameters in (
        ("permenpanrb-6-2022", ["skor_sangat_baik", "capaian_ya_tidak_sesuai"]),
        ("angka-kredit-2023", ["akk_pangkat_iv_c", "akk_jenjang_ahli_madya", "koefisien_pemula"]),
    ):
        section = SECTIONS[name]
        for parameter in parameters:
            row = next(
                line
                for line in section.splitlines()
                if line.startswith(f"| `{parameter}`") or f" / `{parameter}`" in line
            )
            assert "**reading**" in row, (name, parameter)
