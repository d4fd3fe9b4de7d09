"""The grammar has no LALR conflict that Lark would resolve silently (design §9).

Lark's LALR builder picks "shift" on a shift/reduce conflict without a word, which can quietly
change what an expression means. ``strict=True`` (it needs the ``interegular`` package, also
used to find colliding terminals) turns every such conflict into an error, so building the
package's own grammar strictly proves there is none.
"""

from __future__ import annotations

from importlib.resources import files

import interegular  # noqa: F401 - strict mode needs it; if it is missing this must fail, not skip
import lark
import pytest

GRAMMAR = files("kinerja_engine.language").joinpath("kinerja.lark").read_text(encoding="utf-8")


def _strict(grammar: str, start: list[str]) -> lark.Lark:
    return lark.Lark(grammar, parser="lalr", strict=True, start=start)


def test_package_grammar_builds_strictly() -> None:
    parser = _strict(GRAMMAR, ["formula", "rulebook"])
    # The strict parser reads both start symbols like the package's parser does.
    assert parser.parse("if a then -b * 2 else not c == d", start="formula")
    assert parser.parse('rulebook "r" band b(x in [0, 1]) { [0, 1] -> -x }', start="rulebook")


def test_strict_mode_really_rejects_conflicts() -> None:
    # Without this, a Lark that ignored `strict` would make the test above pass vacuously.
    ambiguous = 'start: e\ne: e "+" e | "1"\n'
    lark.Lark(ambiguous, parser="lalr")  # accepted silently (shift wins) …
    with pytest.raises(lark.exceptions.GrammarError, match="Shift/Reduce"):
        _strict(ambiguous, ["start"])  # … and refused in strict mode


def test_strict_mode_rejects_colliding_terminals() -> None:
    colliding = "start: A | B\nA: /a+/\nB: /a+b?/\n"
    with pytest.raises(lark.exceptions.LexError, match="Collision"):
        _strict(colliding, ["start"])


def test_the_parser_uses_this_grammar_file() -> None:
    # The strict build is only evidence if it is the grammar the parser actually loads.
    from kinerja_engine.language import parser

    def shape(built: lark.Lark) -> set[tuple[str, tuple[str, ...]]]:
        return {(r.origin.name, tuple(s.name for s in r.expansion)) for r in built.rules}

    assert shape(parser._lark()) == shape(_strict(GRAMMAR, ["formula", "rulebook"]))
