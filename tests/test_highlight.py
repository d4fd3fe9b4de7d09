"""The Pygments lexer (kinerja_engine.highlight) and the vocabulary it is built from.

Every text the parser accepts (bundled rulebooks, examples, the conformance cases, generated
rulebooks) lexes without an ``Error`` token, and each token the parser reads gets the token
class of its kind (checked position by position against the Lark parse tree); the vocabulary is
the grammar's own words and the operator and builtin tables; Pygments finds the lexer through
the entry point, and ``import kinerja_engine`` never loads Pygments.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

pytest.importorskip("pygments")

from hypothesis import given, settings
from lark import Lark, Token
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    _TokenType,
)

from kinerja_engine import Formula, KinerjaError, Rulebook
from kinerja_engine.highlight import KinerjaLexer
from kinerja_engine.language.builtins import BUILTINS
from kinerja_engine.language.limits import KEYWORDS
from kinerja_engine.language.operators import OPERATORS
from kinerja_engine.language.printer import print_rulebook
from kinerja_engine.language.vocabulary import VOCABULARY, grammar_words
from kinerja_engine.testing import rulebook_asts

ROOT = Path(__file__).resolve().parent.parent
RULEBOOKS = sorted((ROOT / "src" / "kinerja_engine" / "rulebooks").glob("*.kinerja"))
EXAMPLES = sorted((ROOT / "examples").rglob("*.kinerja"))
GRAMMAR = files("kinerja_engine.language").joinpath("kinerja.lark").read_text(encoding="utf-8")
# The parser's grammar, keeping every token (keywords and punctuation too) in the tree.
LARK = Lark(GRAMMAR, parser="lalr", start=["formula", "rulebook"], keep_all_tokens=True)


def _case_texts() -> Iterator[tuple[str, str]]:
    """(start symbol, text) of every conformance-case text the parser accepts."""
    for path in sorted((ROOT / "grammar" / "cases").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        texts = [("rulebook", text) for text in data.get("contexts", {}).values()]
        for case in data.get("case", []):
            if "rulebook" in case:
                texts.append(("rulebook", case["rulebook"]))
            if "formula" in case:
                texts.append(("formula", case["formula"]))
        for start, text in texts:
            try:
                Rulebook.parse(text) if start == "rulebook" else Formula.parse(text)
            except KinerjaError:
                continue  # a rejected text may hold what the lexer rightly flags
            yield start, text


CASE_TEXTS = list(_case_texts())


def _types_at(text: str) -> list[_TokenType]:
    """The lexer's token type at every character of ``text``."""
    types: list[_TokenType] = [Error] * len(text)
    for index, kind, value in KinerjaLexer(stripnl=False).get_tokens_unprocessed(text):
        types[index : index + len(value)] = [kind] * len(value)
    return types


def _expected(token: Token) -> tuple[_TokenType, ...]:
    """The token classes a highlighter may give a token the parser read."""
    if token.type == "NAME":
        # A contextual header word used as a name is a name; the header's own are keywords.
        return (Name,) if token.value not in VOCABULARY.contextual else (Name, Keyword)
    if token.value.isalpha():
        if token.value in VOCABULARY.operator_words:
            return (Operator.Word,)
        if token.value in VOCABULARY.constants:
            return (Keyword.Constant,)
        return (Keyword,)
    return {
        "NUMBER": (Number,),
        "STRING": (String.Double,),
        "DATE": (Literal.Date,),
        "WILDCARD": (Keyword.Pseudo,),
    }.get(token.type, (Operator, Punctuation, Number))  # the `%` of `120%` is in the number


def _assert_agrees_with_parser(start: str, text: str) -> None:
    types = _types_at(text)
    assert Error not in types, [text[i : i + 20] for i, t in enumerate(types) if t is Error][:3]
    tree = LARK.parse(text, start=start)
    seen = 0
    for token in tree.scan_values(lambda v: isinstance(v, Token)):
        assert token.start_pos is not None
        kind = types[token.start_pos]
        assert any(kind in parent for parent in _expected(token)), (token.type, token.value, kind)
        seen += 1
    assert seen > 0


@pytest.mark.parametrize("path", [*RULEBOOKS, *EXAMPLES], ids=lambda p: p.name)
def test_rulebook_files_lex_as_the_parser_reads_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    _assert_agrees_with_parser("rulebook", text)
    # Comments are not in the parse tree: each `#` line is a comment token whole.
    comments = [v for t, v in KinerjaLexer().get_tokens(text) if t in Comment]
    assert len(comments) == text.count("#"), path


def test_every_bundled_rulebook_and_example_is_covered() -> None:
    assert len(RULEBOOKS) >= 7
    assert EXAMPLES, "examples/**/*.kinerja not found"


def test_conformance_texts_lex_as_the_parser_reads_them() -> None:
    assert len(CASE_TEXTS) > 100
    for start, text in CASE_TEXTS:
        _assert_agrees_with_parser(start, text)


@settings(max_examples=40, deadline=None)
@given(rulebook_asts())
def test_generated_rulebooks_lex_as_the_parser_reads_them(book: object) -> None:
    _assert_agrees_with_parser("rulebook", print_rulebook(book))  # type: ignore[arg-type]


def _tokens(text: str) -> list[tuple[_TokenType, str]]:
    return [(t, v) for t, v in KinerjaLexer().get_tokens(text) if v.strip()]


def test_token_classes() -> None:
    text = (
        'rulebook "r" version "1" extends "base" in force from 2023-01-01 until 2024-12-31\n'
        "# a comment\n"
        'enum rating { di_atas "Di Atas" alias("atas"), sesuai }\n'
        "param batas = 120%\n"
        "def f(x: number, from) = if not x >= 1.5 and true then cap(x, inf) else g(from)\n"
        "matrix m(a: rating) { _ -> rating.sesuai }\n"
    )
    tokens = _tokens(text)
    assert (Keyword.Declaration, "rulebook") in tokens
    assert (Keyword, "extends") in tokens
    assert [v for t, v in tokens if t is Keyword] == [
        "extends", "in", "force", "from", "until", "if", "then", "else",
    ]  # fmt: skip
    assert (Literal.Date, "2023-01-01") in tokens
    assert (Comment.Single, "# a comment") in tokens
    assert (Name.Class, "rating") in tokens
    assert (Name.Constant, "batas") in tokens
    assert (Number, "120%") in tokens
    assert (Number.Float, "1.5") in tokens
    assert (Name.Function, "f") in tokens
    assert (Name.Function, "g") in tokens
    assert (Name.Builtin, "cap") in tokens
    assert [v for t, v in tokens if t is Operator.Word] == ["not", "and"]
    assert [v for t, v in tokens if t is Keyword.Constant] == ["true", "inf"]
    assert (Operator, ">=") in tokens
    assert (Operator, "->") in tokens
    assert (Keyword.Pseudo, "_") in tokens
    assert (Name.Attribute, "sesuai") in tokens
    assert (String.Double, '"Di Atas"') in tokens
    # `from` as a parameter name is a name, not a keyword.
    assert [v for t, v in tokens if t is Name and v == "from"] == ["from", "from"]


@pytest.mark.parametrize("text", ["naïve", "x $ y", "a ^ b", "_x"])
def test_what_the_language_refuses_is_an_error_token(text: str) -> None:
    assert any(t is Error for t, _ in KinerjaLexer().get_tokens(text))


def test_vocabulary_is_the_grammars_words() -> None:
    lark = Lark(GRAMMAR, parser="lalr", start=["formula", "rulebook"])
    literal_words = {
        terminal.pattern.value
        for terminal in lark.terminals
        if terminal.pattern.type == "str" and terminal.pattern.value.isalpha()
    }
    assert grammar_words() == literal_words
    assert set(VOCABULARY.keywords) == literal_words
    assert literal_words >= KEYWORDS
    assert set(VOCABULARY.contextual) == literal_words - KEYWORDS
    classes = [
        VOCABULARY.declarations, VOCABULARY.control, VOCABULARY.operator_words,
        VOCABULARY.constants, VOCABULARY.contextual,
    ]  # fmt: skip
    assert sum(len(c) for c in classes) == len(literal_words)  # a partition
    assert set(VOCABULARY.builtins) == set(BUILTINS)
    assert set(VOCABULARY.operator_words) == {op.symbol for op in OPERATORS if op.symbol.isalpha()}
    assert {op.symbol for op in OPERATORS if not op.symbol.isalpha()} <= set(VOCABULARY.symbols)
    # The declarations the lexer names its sub-rules after are declarations.
    assert {"def", "band", "matrix", "enum", "const", "param"} <= set(VOCABULARY.declarations)


def test_entry_point_is_declared_for_the_lexer() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["entry-points"]["pygments.lexers"]["kinerja"]
    module, _, name = target.partition(":")
    assert getattr(__import__(module, fromlist=[name]), name) is KinerjaLexer


INSTALLED = any(
    ep.value == "kinerja_engine.highlight:KinerjaLexer"
    for ep in importlib.metadata.entry_points(group="pygments.lexers", name="kinerja")
)
needs_entry_point = pytest.mark.skipif(
    not INSTALLED, reason="the installed kinerja_engine predates the entry point: pip install -e ."
)


@needs_entry_point
def test_pygments_finds_the_lexer_by_name_and_file_name() -> None:
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    assert isinstance(get_lexer_by_name("kinerja"), KinerjaLexer)
    assert isinstance(get_lexer_for_filename("kebijakan.kinerja"), KinerjaLexer)


@needs_entry_point
def test_pygmentize_highlights_every_bundled_rulebook() -> None:
    # The environment's own pygmentize script (the one next to this Python), else the same
    # command as `python -m pygments`.
    script = Path(sys.executable).parent / "pygmentize"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pygments"]
    for path in RULEBOOKS:
        done = subprocess.run(
            [*command, "-l", "kinerja", "-f", "raw", str(path)],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        assert "Token.Keyword.Declaration\t'rulebook'" in done.stdout, path.name
        assert "Token.Error" not in done.stdout, path.name
        if path.stem == "permenpanrb-6-2022":
            assert "Token.Name.Builtin\t'weighted_mean'" in done.stdout


def test_importing_the_package_never_imports_pygments() -> None:
    code = (
        "import sys, pkgutil, importlib, kinerja_engine\n"
        "for m in pkgutil.walk_packages(kinerja_engine.__path__, 'kinerja_engine.'):\n"
        "    if m.name != 'kinerja_engine.highlight' and '.testing' not in m.name\\\n"
        "            and m.name not in ('kinerja_engine.functions', 'kinerja_engine.synthetic'):\n"
        "        importlib.import_module(m.name)\n"
        "assert 'pygments' not in sys.modules, 'pygments was imported'\n"
        "import kinerja_engine.highlight\n"
        "assert 'pygments' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, cwd=ROOT)
