"""Texts of the rules language, valid and broken, for "never crashes" properties.

Input: Hypothesis' choices, or a text and a list of token edits. Output: :func:`tokenize`,
:func:`mutate_text`, and strategies for formula and rulebook texts: canonical prints of the
trees of :mod:`.strategies_language`, token soups, and mutations of prints (tokens deleted,
duplicated, swapped or inserted). Guarantees: many texts are not valid, all are the kind of
text an admin form sees; :func:`mutate_text` accepts any integers as indexes (they wrap);
every strategy is deterministic given Hypothesis' choices.

>>> isinstance(rulebook_texts(), st.SearchStrategy)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from hypothesis import strategies as st

from ..language.parser import KEYWORDS, MAX_LITERAL_DIGITS
from ..language.printer import print_expr, print_rulebook
from .strategies_language import formula_asts, rulebook_asts

__all__ = [
    "formula_texts",
    "mutate_text",
    "rulebook_texts",
    "tokenize",
]

# Tokens of the language, for texts that look plausible but need not parse.
_TOKENS: Final = (
    *("+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "%", ".", ",", "=", ":", "->"),
    *("(", ")", "[", "]", "{", "}", "_", "#", '"', "^", "'", "\\", "**", ";"),
    *sorted(KEYWORDS),
    *("0", "1", "100", "0.5", "120%", "9" * MAX_LITERAL_DIGITS, "1.", ".5", "1e5"),
    *("x", "target", "rating.baik", "min", "max", "round", "cap", "__import__", "tаrget"),
)


# --------------------------------------------------------------------------- texts


def tokenize(text: str) -> list[str]:
    """Split text into the language's tokens (strings and comments kept whole).

    >>> tokenize('cap(x, 120%) # note')
    ['cap', '(', 'x', ',', '120', '%', ')', '# note']
    """
    import re  # noqa: PLC0415 - only this helper needs it

    pattern = r'"[^"\n]*"|#[^\n]*|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|==|!=|<=|>=|->|\S'
    return re.findall(pattern, text)


def mutate_text(text: str, edits: Sequence[tuple[str, int, int, str]]) -> str:
    """Apply token edits to ``text``: ``(kind, i, j, token)`` with kind delete, dup, swap, insert.

    Indexes wrap around the token list, so any integers are valid. Tokens are joined with
    spaces, except that a comment keeps its line end.

    >>> mutate_text("a + b", [("swap", 0, 1, ""), ("insert", 6, 0, "*")])
    '+ a * b'
    """
    tokens = tokenize(text)
    for kind, first, second, token in edits:
        if kind == "insert":
            tokens.insert(first % (len(tokens) + 1), token)
            continue
        if not tokens:
            continue
        i = first % len(tokens)
        if kind == "delete":
            del tokens[i]
        elif kind == "dup":
            tokens.insert(i, tokens[i])
        elif kind == "swap":
            j = second % len(tokens)
            tokens[i], tokens[j] = tokens[j], tokens[i]
    return " ".join(t + "\n" if t.startswith("#") else t for t in tokens)


_EDITS: Final = st.lists(
    st.tuples(
        st.sampled_from(("delete", "dup", "swap", "insert")),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.sampled_from(_TOKENS),
    ),
    min_size=1,
    max_size=3,
)


def _mutated(texts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(mutate_text, texts, _EDITS)


def formula_texts(max_depth: int = 4) -> st.SearchStrategy[str]:
    """Formula texts: canonical prints of :func:`formula_asts`, token soups, and mutations.

    Many of them are not valid formulas; all of them are the kind of text an admin form sees.

    >>> isinstance(formula_texts(), st.SearchStrategy)
    True
    """
    printed = formula_asts(max_depth).map(print_expr)
    soup = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=20).map(" ".join)
    return st.one_of(printed, soup, _mutated(printed))


def rulebook_texts(max_depth: int = 3) -> st.SearchStrategy[str]:
    """Rulebook texts: canonical prints of :func:`rulebook_asts` and mutated versions.

    >>> isinstance(rulebook_texts(), st.SearchStrategy)
    True
    """
    printed = rulebook_asts(max_depth).map(print_rulebook)
    return st.one_of(printed, _mutated(printed))
