"""The shipped LALR tables (language/tables.py) are what the grammar gives today.

The first parse in a process loads these tables instead of building the automaton; they must
never go stale. Generating them again from ``kinerja.lark`` must give the shipped file byte for
byte (in any process: the numbering is canonical, not Lark's hash order), and a parser loaded
from them must build the same trees as one built from the grammar.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from lark import Lark
from lark.exceptions import LarkError

from kinerja_engine import rulebooks
from kinerja_engine.language import parser, tables

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "src" / "kinerja_engine" / "language" / "tables.py"


def test_the_shipped_tables_are_regenerated_identically() -> None:
    assert parser.tables_source() == SHIPPED.read_text(encoding="utf-8"), (
        "language/tables.py is stale: regenerate it (see parser.tables_source)"
    )


def test_regenerating_does_not_depend_on_string_hashing() -> None:
    code = (
        "from kinerja_engine.language.parser import tables_source; print(tables_source(), end='')"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    assert done.stdout == SHIPPED.read_text(encoding="utf-8")


def test_the_loaded_parser_builds_the_same_trees() -> None:
    loaded = Lark.load({"data": tables.DATA, "memo": tables.MEMO})
    built = Lark(
        (ROOT / "src" / "kinerja_engine" / "language" / "kinerja.lark").read_text("utf-8"),
        parser="lalr",
        start=["formula", "rulebook"],
        propagate_positions=True,
        maybe_placeholders=True,
    )
    texts = [(rulebooks.source(name), "rulebook") for name in rulebooks.names()]
    for path in sorted((ROOT / "grammar" / "cases").glob("*.toml")):
        with path.open("rb") as handle:
            cases = tomllib.load(handle).get("case", [])
        texts += [(case["formula"], "formula") for case in cases if "formula" in case]
    compared = 0
    for text, start in texts:
        expected, tree = _parsed(built, text, start), _parsed(loaded, text, start)
        assert tree == expected, text
        if isinstance(tree, str):  # a syntax-error case: both fail alike
            continue
        # Positions too: the converter reads them.
        assert [t.meta.line for t in tree.iter_subtrees() if not t.meta.empty] == [
            t.meta.line for t in expected.iter_subtrees() if not t.meta.empty
        ]
        compared += 1
    assert compared >= 100


def _parsed(lark: Lark, text: str, start: str) -> Any:
    try:
        return lark.parse(text, start=start)
    except LarkError as exc:
        return f"{type(exc).__name__} at {getattr(exc, 'pos_in_stream', None)}"


def test_the_parser_in_use_is_the_loaded_one() -> None:
    assert tables.GRAMMAR_SHA256 and tables.LARK_VERSION
    lark = parser._lark()
    assert lark.source_path == "<deserialized>"


def test_parsing_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from kinerja_engine import KinerjaError, Rulebook

    assert gc.isenabled()
    Rulebook.parse('rulebook "r" def f(x) = x * 2')
    assert gc.isenabled()
    with pytest.raises(KinerjaError):
        Rulebook.parse('rulebook "r" def f(x) = x *')
    assert gc.isenabled()
    gc.disable()
    try:
        Rulebook.parse('rulebook "r" def f(x) = x * 2')
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()
