"""docs/language.md stays true: its examples run, and its tables match the code.

pytest's ``--doctest-glob=*.md`` only collects the configured testpaths (tests, the package and
README.md), so the language reference is run here with ``doctest.testfile``.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from kinerja_engine import Formula, errors, values
from kinerja_engine.language import checker, compiler, parser
from kinerja_engine.language.builtins import BUILTINS
from kinerja_engine.language.parser import parse_formula
from kinerja_engine.language.printer import print_expr

DOC = Path(__file__).resolve().parent.parent / "docs" / "language.md"
TEXT = DOC.read_text(encoding="utf-8")


def _table(heading: str) -> list[list[str]]:
    """The rows of the first table after ``heading``, cells stripped, ``\\|`` unescaped."""
    section = TEXT.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if rows and not line.startswith("|"):
            break
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([cell.strip().replace("\\|", "|") for cell in cells])
    return rows[2:]  # without the header and the |---| line


def _code(cell: str) -> str:
    assert cell.startswith("`") and cell.endswith("`"), cell
    return cell[1:-1]


def test_doc_examples_run() -> None:
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted >= 50, "the examples were not found"
    assert result.failed == 0


BUILTIN_ROWS = _table("## 4. Builtin functions")


def test_builtins_table_lists_every_builtin_in_order() -> None:
    assert [_code(row[0]) for row in BUILTIN_ROWS] == list(BUILTINS)


@pytest.mark.parametrize("row", BUILTIN_ROWS, ids=[_code(r[0]) for r in BUILTIN_ROWS])
def test_builtins_table_row(row: list[str]) -> None:
    name, signature, doc, example = row
    builtin = BUILTINS[_code(name)]
    assert _code(signature) == builtin.signature
    assert doc == builtin.doc
    assert _code(example) == builtin.example
    # The table promises every example is true; check it rather than trust it.
    assert Formula.parse(builtin.example).evaluate() is True


LIMIT_ROWS = _table("## 8. Limits")
MODULES = {"parser": parser, "values": values, "compiler": compiler, "checker": checker}


@pytest.mark.parametrize("row", LIMIT_ROWS, ids=[_code(r[0]) for r in LIMIT_ROWS])
def test_limits_table_matches_the_code(row: list[str]) -> None:
    module, _, constant = _code(row[0]).partition(".")
    assert getattr(MODULES[module], constant) == int(row[1].replace(",", ""))


def test_limits_table_is_complete() -> None:
    listed = {_code(row[0]) for row in LIMIT_ROWS}
    expected = {f"parser.{name}" for name in parser.__all__ if name.startswith("MAX_")}
    expected |= {"values.MAX_INPUT_DIGITS", "compiler.MAX_LIST_LENGTH"}
    expected |= {"checker.MAX_MATRIX_CELLS", "checker.MAX_WORK", "checker.MAX_RULEBOOK_WORK"}
    expected |= {"checker.MAX_SUGGESTIONS"}
    assert listed == expected


def test_error_table_lists_every_error_class() -> None:
    listed = {_code(row[0]) for row in _table("## 7. Errors")}
    classes = {
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), errors.KinerjaError)
    }
    assert listed == classes


def test_precedence_table_has_nine_levels() -> None:
    rows = _table("## 3. Precedence")
    assert [row[0] for row in rows] == [str(i) for i in range(1, 10)]
    assert "**non-associative**" in rows[4][2]


@pytest.mark.parametrize(
    ("text", "grouped"),
    [
        ("if a then b else c or d", "if a then b else (c or d)"),
        ("let x = 1 in x or d", "let x = 1 in (x or d)"),
        ("a or b and c", "a or (b and c)"),
        ("not a and b", "(not a) and b"),
        ("not a == b", "not (a == b)"),
        ("a + b == c", "(a + b) == c"),
        ("a - b + c", "(a - b) + c"),
        ("a + b * c", "a + (b * c)"),
        ("a / b * c", "(a / b) * c"),
        ("-a * b", "(-a) * b"),
    ],
    ids=["if", "let", "or-and", "and-not", "not-comparison", "comparison-plus", "plus-left",
         "plus-times", "times-left", "times-unary"],
)  # fmt: skip
def test_precedence_table_matches_the_parser(text: str, grouped: str) -> None:
    # Each pair of adjacent levels of the table, as the parser really groups them.
    assert parse_formula(text) == parse_formula(grouped)
    assert print_expr(parse_formula(grouped)) == text
