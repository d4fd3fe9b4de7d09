"""The TextMate grammar for editors (editors/kinerja.tmLanguage.json) and the VS Code package.

The committed grammar is what ``editors/generate.py`` writes from the language's vocabulary;
its keyword patterns cover exactly the grammar's words and the builtins (read here from the
Lark grammar and the builtins table, not from the vocabulary); and a small TextMate scanner
run over every bundled rulebook gives each token the parser reads the scope of its kind.
"""

from __future__ import annotations

import importlib.util
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from lark import Lark, Token

from kinerja_engine.language.builtins import BUILTINS
from kinerja_engine.language.vocabulary import VOCABULARY

ROOT = Path(__file__).resolve().parent.parent
EDITORS = ROOT / "editors"
TM = json.loads((EDITORS / "kinerja.tmLanguage.json").read_text(encoding="utf-8"))
GRAMMAR = files("kinerja_engine.language").joinpath("kinerja.lark").read_text(encoding="utf-8")
RULEBOOKS = sorted((ROOT / "src" / "kinerja_engine" / "rulebooks").glob("*.kinerja"))
# The parser's grammar, keeping every token (keywords and punctuation too) in the tree.
LARK = Lark(GRAMMAR, parser="lalr", start="rulebook", keep_all_tokens=True)
WORD_SCOPES = {
    "declaration": VOCABULARY.declarations,
    "control": VOCABULARY.control,
    "operator-word": VOCABULARY.operator_words,
    "constant": VOCABULARY.constants,
    "contextual": VOCABULARY.contextual,
    "builtin": VOCABULARY.builtins,
}


def test_committed_grammar_is_current() -> None:
    spec = importlib.util.spec_from_file_location("generate", EDITORS / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    committed = (EDITORS / "kinerja.tmLanguage.json").read_text(encoding="utf-8")
    assert generate.render() == committed, "run python editors/generate.py"
    assert generate.main(["--check"]) == 0


def _alternatives(pattern: str) -> set[str]:
    """The words of the first ``(?:a|b|c)`` group of a pattern."""
    group = re.search(r"\(\?:([A-Za-z_|]+)\)", pattern)
    assert group, pattern
    return set(group.group(1).split("|"))


def test_keyword_patterns_cover_exactly_the_languages_words_and_builtins() -> None:
    lark = Lark(GRAMMAR, parser="lalr", start=["formula", "rulebook"])
    grammar_words = {
        t.pattern.value
        for t in lark.terminals
        if t.pattern.type == "str" and t.pattern.value.isalpha()
    }
    repository = TM["repository"]
    covered: list[str] = []
    for scope, words in WORD_SCOPES.items():
        found = _alternatives(repository[scope]["match"])
        assert found == set(words), scope
        covered.extend(found)
    assert sorted(covered) == sorted(grammar_words | set(BUILTINS))  # each word once


def test_vscode_package_points_at_the_grammar() -> None:
    package = json.loads((EDITORS / "package.json").read_text(encoding="utf-8"))
    (language,) = package["contributes"]["languages"]
    (grammar,) = package["contributes"]["grammars"]
    assert language["extensions"] == [".kinerja"]
    assert grammar["scopeName"] == TM["scopeName"]
    assert (EDITORS / grammar["path"]).resolve() == EDITORS / "kinerja.tmLanguage.json"
    configuration = json.loads((EDITORS / language["configuration"]).read_text(encoding="utf-8"))
    assert configuration["comments"]["lineComment"] == "#"


# ----------------------------------------------------------------------------- a TextMate scanner


def _rules(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The grammar's match rules in order, includes resolved."""
    out = []
    for item in node["patterns"]:
        if "include" in item:
            out.extend(_rules({"patterns": [TM["repository"][item["include"][1:]]]}))
        elif "patterns" in item:
            out.extend(_rules(item))
        else:
            out.append(item)
    return out


RULES = [(re.compile(rule["match"], re.MULTILINE), rule) for rule in _rules(TM)]


def _scopes(text: str) -> list[str]:
    """The scope at every character, as a TextMate editor would assign it (single-line rules:
    at each position the rule matching earliest wins, the first listed on a tie)."""
    scopes = [""] * len(text)
    pos = 0
    while pos < len(text):
        best: tuple[re.Match[str], dict[str, Any]] | None = None
        for pattern, rule in RULES:
            match = pattern.search(text, pos)
            empty = match is None or match.end() == match.start()
            if match and not empty and (best is None or match.start() < best[0].start()):
                best = (match, rule)
        if best is None:
            break
        match, rule = best
        if "name" in rule:
            scopes[match.start() : match.end()] = [rule["name"]] * (match.end() - match.start())
        for group, capture in rule.get("captures", {}).items():
            start, end = match.span(int(group))
            scopes[start:end] = [capture["name"]] * (end - start)
        pos = match.end()
    return scopes


def _expected_scope(token: Token) -> tuple[str, ...]:
    if token.type == "NAME":
        # Unscoped, or a declared name, label or call; a contextual header word may be a keyword.
        named = ("", "entity.", "variable.", "support.function.builtin")
        return (*named, "keyword.other") if token.value in VOCABULARY.contextual else named
    if token.value.isalpha():
        if token.value in VOCABULARY.operator_words:
            return ("keyword.operator.logical",)
        if token.value in VOCABULARY.constants:
            return ("constant.language",)
        return ("storage.type", "keyword.control", "keyword.other")
    return {
        "NUMBER": ("constant.numeric",),
        "STRING": ("string.quoted",),
        "DATE": ("constant.other.date",),
        "WILDCARD": ("keyword.other.wildcard",),
    }.get(token.type, ("keyword.operator", "punctuation", "", "constant.numeric"))


@pytest.mark.parametrize("path", RULEBOOKS, ids=lambda p: p.name)
def test_grammar_scopes_agree_with_the_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scopes = _scopes(text)
    tree = LARK.parse(text)
    count = 0
    for token in tree.scan_values(lambda v: isinstance(v, Token)):
        assert token.start_pos is not None
        scope = scopes[token.start_pos]
        expected = _expected_scope(token)
        ok = any(scope.startswith(e) for e in expected if e) if scope else "" in expected
        assert ok, (token.type, token.value, token.line, scope)
        count += 1
    assert count > 50
    assert scopes.count("comment.line.number-sign.kinerja") >= text.count("#")
