"""Golden round trips of the canonical printer: parse → print → parse.

``tests/golden/formulas.txt`` lists formulas (written badly on purpose) and
``formulas.canonical.txt`` their reviewed canonical print, line for line. For every formula and
every rulebook (bundled ones and ``tests/golden/*.kinerja``) three promises are checked:

* the print is the reviewed canonical text;
* parsing the print gives an equal AST (spans are not part of equality);
* printing is idempotent: the canonical text prints to itself.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kinerja_engine import Formula, Rulebook, rulebooks
from kinerja_engine.language.nodes import Num
from kinerja_engine.language.parser import parse_formula, parse_rulebook
from kinerja_engine.language.printer import print_expr, print_rulebook

GOLDEN = Path(__file__).resolve().parent / "golden"


def _lines(path: Path) -> list[str]:
    """Non-blank lines that are not ``#`` comments (a trailing comment stays: it is syntax)."""
    text = path.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


FORMULAS = _lines(GOLDEN / "formulas.txt")
CANONICAL = _lines(GOLDEN / "formulas.canonical.txt")
PAIRS = list(zip(FORMULAS, CANONICAL, strict=False))


def test_golden_files_line_up() -> None:
    assert len(FORMULAS) >= 60
    assert len(FORMULAS) == len(CANONICAL), "formulas.canonical.txt must match line for line"


@pytest.mark.parametrize(("text", "canonical"), PAIRS, ids=[t for t, _ in PAIRS])
def test_formula_round_trip(text: str, canonical: str) -> None:
    tree = parse_formula(text)
    printed = print_expr(tree)
    assert printed == canonical
    assert parse_formula(printed) == tree
    assert print_expr(parse_formula(printed)) == printed


def test_ast_equality_ignores_spans_but_not_structure() -> None:
    # The round trip above relies on this: layout changes spans, never the tree.
    assert parse_formula("a+b*c") == parse_formula("a + (b * c)")
    assert parse_formula("a+b*c") != parse_formula("(a + b) * c")
    assert parse_formula("120%") != parse_formula("1.2")  # percent is remembered for printing


def _rulebook_texts() -> list[tuple[str, str]]:
    texts = [(f"bundled:{name}", rulebooks.source(name)) for name in rulebooks.names()]
    texts += [
        (path.name, path.read_text(encoding="utf-8")) for path in sorted(GOLDEN.glob("*.kinerja"))
    ]
    return texts


RULEBOOKS = _rulebook_texts()


@pytest.mark.parametrize(("name", "text"), RULEBOOKS, ids=[n for n, _ in RULEBOOKS])
def test_rulebook_round_trip(name: str, text: str) -> None:
    tree = parse_rulebook(text)
    printed = print_rulebook(tree)
    assert parse_rulebook(printed) == tree
    assert print_rulebook(parse_rulebook(printed)) == printed
    # The print is a rulebook the checker accepts, equal to the original (rulebooks.load also
    # resolves an `extends` header among the bundled rulebooks).
    assert rulebooks.load(printed) == rulebooks.load(text)


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(GOLDEN.glob("*.kinerja")) if not p.name.endswith(".canonical.kinerja")],
    ids=lambda p: p.stem,
)
def test_rulebook_canonical_file(path: Path) -> None:
    canonical = path.with_name(path.stem + ".canonical.kinerja")
    expected = canonical.read_text(encoding="utf-8")
    assert print_rulebook(parse_rulebook(path.read_text(encoding="utf-8"))) == expected


def test_bundled_rulebooks_exist() -> None:
    # Guards the parametrisation above against silently testing nothing.
    assert "pp-46-2011" in rulebooks.names()


def test_printed_rulebook_evaluates_the_same() -> None:
    text = (GOLDEN / "tunjangan.kinerja").read_text(encoding="utf-8")
    original, reprinted = Rulebook.parse(text), Rulebook.parse(str(Rulebook.parse(text)))
    inputs = {"pokok": 1_000_000, "p": "kurang", "hadir": 10, "hari": 20, "aktif": True}
    assert original.evaluate("tunjangan", **inputs) == reprinted.evaluate("tunjangan", **inputs)
    assert original.evaluate("tunjangan", **inputs) == 400_000  # the floor of 40 % applies


def test_trailing_zeros_are_kept_in_print_but_not_in_equality() -> None:
    assert print_expr(parse_formula("95.00")) == "95.00"
    assert parse_formula("95.00") == parse_formula("95") == Num(Decimal(95))


def test_equal_formulas_have_equal_hashes() -> None:
    a, b = Formula.parse("95"), Formula.parse("95.00")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


def test_equal_rulebooks_have_equal_hashes() -> None:
    a = Rulebook.parse('rulebook "r" const a = 1')
    b = Rulebook.parse('rulebook "r" const a = 1.0')
    assert a == b
    assert hash(a) == hash(b)
