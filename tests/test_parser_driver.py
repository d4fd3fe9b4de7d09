"""The parser builds the AST during the parse (language/lalr.py + language/convert.py).

It replaced a Lark tree with ``propagate_positions`` plus a tree converter; that pair is kept in
``tests/reference_parser.py`` as the oracle. Here: the same AST, the same spans (every node's,
``name_spans`` and ``key_spans`` included) and the same errors (type, message, span, hint) on
every text of the repository and on generated ones; each parser state lexes as Lark's
contextual lexer does; and the counted work: no tree, no Lark call on a good text, one
reduction callback per rule reduced (linear in the tokens), depth measured only for
expressions wide enough to cross the bound.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any

import lark
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_engine import KinerjaError, rulebooks
from kinerja_engine.errors import LimitError, Span
from kinerja_engine.language import parser
from kinerja_engine.language.convert import SPAN_FIELDS, Builder, callbacks
from kinerja_engine.language.lalr import REJECTED, Tokens, read_automaton
from kinerja_engine.language.limits import MAX_DEPTH
from kinerja_engine.language.parser import parse_formula, parse_rulebook
from kinerja_engine.testing.strategies_text import formula_texts, rulebook_texts
from reference_parser import reference_parse

ROOT = Path(__file__).resolve().parent.parent


def _deep(value: Any) -> Any:
    """Everything a node holds, spans included (they are left out of node equality)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, *(_deep(getattr(value, f.name)) for f in fields))
    if isinstance(value, tuple | list):
        return tuple(_deep(item) for item in value)
    return value


def _outcome(parse: Any, text: str, start: str) -> Any:
    try:
        return ("ok", _deep(parse(text, start)))
    except KinerjaError as exc:
        return ("error", type(exc).__name__, str(exc), _deep(exc.span), exc.hint)


def _ours(text: str, start: str) -> Any:
    return parse_formula(text) if start == "formula" else parse_rulebook(text)


def _same(text: str) -> None:
    for start in ("formula", "rulebook"):
        expected = _outcome(reference_parse, text, start)
        assert _outcome(_ours, text, start) == expected, (start, text)


def _hostile() -> list[str]:
    """Texts at the limits: depth (on either side of the bound, by every kind of nesting),
    node count, literal length."""
    texts = []
    for k in (MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 40):
        texts += [
            "- " * k + "x",
            "not " * k + "x",
            " + ".join(["1"] * (k + 1)),
            "a" + " * a" * k,
            " ".join(["if c then 1 else"] * k) + " 2",
            "let " + ", ".join(f"v{i} = 1" for i in range(k)) + " in v0",
            "f(" * (k // 2) + "x" + ")" * (k // 2),
            "- (" * (k // 2) + "x" + ")" * (k // 2),
            " or ".join(["a"] * k),
        ]
    texts += [" + ".join(["x"] * 5001), "1" * 61, "1" * 60 + "%", "0." + "1" * 59]
    nested = []
    for text in texts:
        nested += [
            text,
            f'rulebook "r"\nconst k = {text}',
            f'rulebook "r" band b(n) {{ [{text}, inf) -> 1 }}',
        ]
    return nested


def _repository_texts() -> list[str]:
    texts = [rulebooks.source(name) for name in rulebooks.names()]
    for path in sorted((ROOT / "grammar" / "cases").glob("*.toml")):
        with path.open("rb") as handle:
            cases = tomllib.load(handle).get("case", [])
        texts += [v for case in cases for v in case.values() if isinstance(v, str)]
    texts += [p.read_text("utf-8") for p in sorted((ROOT / "tests" / "golden").glob("*.kinerja"))]
    texts += (ROOT / "tests" / "golden" / "formulas.txt").read_text("utf-8").splitlines()
    texts += [p.read_text("utf-8") for p in sorted((ROOT / "bench" / "data").glob("*.kinerja"))]
    return texts


def test_the_repositorys_texts_parse_as_the_tree_converter_parsed_them() -> None:
    texts = _repository_texts()
    assert len(texts) >= 300
    for text in texts:
        _same(text)


def test_texts_at_the_limits_fail_or_pass_as_before() -> None:
    for text in _hostile():
        _same(text)


@given(st.one_of(formula_texts(), rulebook_texts(), st.text(max_size=200)))
def test_generated_texts_parse_as_the_tree_converter_parsed_them(text: str) -> None:
    _same(text)


@pytest.mark.slow
@settings(max_examples=5_000, deadline=None, database=None)
@given(st.one_of(formula_texts(), rulebook_texts(), st.text(max_size=300)))
def test_many_generated_texts_parse_as_the_tree_converter_parsed_them(text: str) -> None:
    _same(text)


def test_each_state_lexes_as_larks_contextual_lexer() -> None:
    """The same alternatives in the same order, and the same keywords, in every state."""
    automaton, _ = parser.automaton()
    contextual = parser._lark().parser.lexer
    assert len(automaton.rows) == len(contextual.lexers) > 100
    for state, basic in contextual.lexers.items():
        scanner = basic.scanner
        words = {
            kind: {t.pattern.value: t.name for t in callback.scanner.terminals}
            for kind, callback in basic.callback.items()
        }
        assert automaton.lexer(state) == (scanner._mres[0].pattern, words), state


# --------------------------------------------------------------------------- counted work


def _generated(count: int) -> str:
    """A rulebook of ``count`` definitions of every kind (as the benchmark generates them)."""
    lines = ['rulebook "g" version "1"', 'enum k { a "A", b "B", c "C" }', "const c0 = 100"]
    for i in range(1, count - 1):
        lines.append(
            [
                f"param p{i} = {i % 97 + 3}%",
                f"def f{i}(r, t) = if t == 0 then 0 else min(r / t, 120%) * c0",
                f"def g{i}(a, b, c) = weighted_mean([a, b, c], [50%, 30%, 20%]) + a",
                f"band b{i}(n in (-inf, inf)) {{ [c0, inf) -> k.a, [c0 - {i}, c0) -> k.b, "
                f"(-inf, c0 - {i}) -> k.c }}",
                f"matrix m{i}(x: k, y: k) {{ a, _ -> {i}, b, _ -> 1, c, _ -> 0 }}",
            ][i % 5]
        )
    return "\n".join(lines) + "\n"


def _counted_parse(text: str, start: str) -> tuple[Any, Builder, int]:
    automaton, rule_callbacks = parser.automaton()
    calls = [0]

    def counting(callback: Any) -> Any:
        def call(*args: Any) -> Any:
            calls[0] += 1
            return callback(*args)

        return call

    wrapped = [None if c is None else counting(c) for c in rule_callbacks]
    tokens = Tokens(text, [], [], [], [])
    builder = Builder(tokens, 10**6)
    node = automaton.run(tokens, start, wrapped, builder)
    assert node is not REJECTED
    return node, builder, calls[0]


def test_reduction_callbacks_are_linear_in_the_tokens() -> None:
    per_token = []
    for count in (10, 40, 160):
        text = _generated(count)
        node, builder, calls = _counted_parse(text, "rulebook")
        assert len(node.definitions) == count
        tokens = len(builder.starts)
        # Chain rules (`?sum: product`) call nothing: fewer callbacks than tokens.
        assert calls < tokens
        per_token.append(calls / tokens)
    assert max(per_token) - min(per_token) < 0.05, per_token


def test_depth_is_measured_only_for_expressions_wider_than_the_bound() -> None:
    _, builder, _ = _counted_parse(_generated(100), "rulebook")
    assert builder.depth == {}  # no definition spans more than MAX_DEPTH tokens
    # 60 numbers and 59 sums over 119 tokens: the sums wider than the bound are measured, and
    # each of the 119 nodes is visited once, when the first of them asks for its parts.
    _, builder, _ = _counted_parse(" + ".join(["1"] * 60), "formula")
    assert len(builder.depth) == 119
    assert builder.count == 120  # the formula rule counts its expression once more
    with pytest.raises(LimitError, match="nested more than"):
        parse_formula("- " * MAX_DEPTH + "x")


def test_a_good_text_builds_no_tree_and_asks_lark_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    made = {"trees": 0, "parses": 0}
    tree_init, lark_parse = lark.Tree.__init__, lark.Lark.parse

    def count_tree(self: Any, *args: Any, **kwargs: Any) -> None:
        made["trees"] += 1
        tree_init(self, *args, **kwargs)

    def count_parse(self: Any, *args: Any, **kwargs: Any) -> Any:
        made["parses"] += 1
        return lark_parse(self, *args, **kwargs)

    monkeypatch.setattr(lark.Tree, "__init__", count_tree)
    monkeypatch.setattr(lark.Lark, "parse", count_parse)
    for name in rulebooks.names():
        parse_rulebook(rulebooks.source(name))
    parse_formula("cap(realisasi / target, 120%) * 100")
    assert made == {"trees": 0, "parses": 0}
    with pytest.raises(KinerjaError):
        parse_formula("cap(realisasi / , 120%)")  # Lark words the syntax error
    assert made["parses"] == 1


def test_spans_made_slot_by_slot_equal_spans_made_by_their_constructor() -> None:
    assert tuple(f.name for f in dataclasses.fields(Span)) == SPAN_FIELDS
    text = "ab + c\n  * d"
    tokens = Tokens(text, [0, 3, 5, 9, 11], [2, 4, 6, 10, 12], [1, 1, 1, 2, 2], [1, 4, 6, 3, 5])
    made = Builder(tokens, 10).span(1, 4)
    assert made == Span(3, 12, 1, 4, 2, 6)
    assert _deep(made) == _deep(Span(3, 12, 1, 4, 2, 6)) and hash(made) == hash(
        Span(3, 12, 1, 4, 2, 6)
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.start = 0  # type: ignore[misc]


def test_the_automaton_is_read_from_the_shipped_tables() -> None:
    from kinerja_engine.language import tables

    again = read_automaton(tables.DATA, tables.MEMO)
    automaton, _ = parser.automaton()
    assert again.rows == automaton.rows
    assert [r.name for r in again.rules] == [r.name for r in automaton.rules]
    assert callbacks(again.rules).count(None) == sum(r.chain for r in again.rules) > 5
