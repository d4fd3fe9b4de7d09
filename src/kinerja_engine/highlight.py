"""Syntax highlighting of the rules language: a Pygments lexer for ``.kinerja`` text.

Input: rulebook or formula text. Output: Pygments tokens, through :class:`KinerjaLexer`.
Guarantees: the words and symbols come from the language's own tables
(:data:`~kinerja_engine.language.vocabulary.VOCABULARY`: the grammar's literals, the operator
table and the builtins table), never from a second list; every text the parser accepts lexes
without an ``Error`` token (tested on every bundled rulebook and example); a character the
language does not allow (a non-ASCII letter in a name, ``$``) is an ``Error`` token, as in the
parser.

Pygments is an optional dependency (``pip install 'kinerja_engine[highlight]'``, also part of
``[docs]``) imported by this module only, and nothing in the package imports this module:
Pygments finds it through the ``pygments.lexers`` entry point of ``pyproject.toml`` (so
``pygmentize -l kinerja`` and Markdown's ```` ```kinerja ```` fences use it), and the
documentation site's hook imports it.

>>> from pygments.token import Keyword, Name, Number
>>> tokens = [(t, v) for t, v in KinerjaLexer().get_tokens("def f(x) = cap(x, 120%)") if v.strip()]
>>> tokens[:3]
[(Token.Keyword.Declaration, 'def'), (Token.Name.Function, 'f'), (Token.Punctuation, '(')]
>>> (Name.Builtin, 'cap') in tokens, (Number, '120%') in tokens
(True, True)
"""

from __future__ import annotations

from typing import Any

try:
    from pygments.lexer import RegexLexer, bygroups, words
    from pygments.token import (
        Comment,
        Keyword,
        Literal,
        Name,
        Number,
        Operator,
        Punctuation,
        String,
        Whitespace,
        _TokenType,
    )
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "kinerja_engine.highlight needs Pygments: pip install 'kinerja_engine[highlight]'"
    ) from exc

from .language.vocabulary import VOCABULARY

__all__ = ["KinerjaLexer"]

# The grammar's NAME terminal: ASCII letters, digits and `_`, starting with a letter.
_NAME = r"[A-Za-z][A-Za-z0-9_]*"
# A whole word: not followed by a character that would continue a name.
_END = r"(?![A-Za-z0-9_])"
_CONTEXTUAL = "|".join(VOCABULARY.contextual)


def _groups(*kinds: _TokenType) -> Any:
    """One token type per regex group (Pygments' ``bygroups``, typed)."""
    # types-Pygments leaves bygroups unannotated; it returns the callback Pygments calls.
    return bygroups(*kinds)  # type: ignore[no-untyped-call]


def _declaring(*keywords: str) -> str:
    """A declaration word followed by the name it declares (``def f``, ``enum rating``)."""
    return rf"({'|'.join(keywords)})(\s+)({_NAME})"


def _declared(kind: _TokenType) -> Any:
    """The token types of a :func:`_declaring` match: the word, the blank, the name."""
    return _groups(Keyword.Declaration, Whitespace, kind)


class KinerjaLexer(RegexLexer):
    """Pygments lexer for kinerja_engine rulebooks (``*.kinerja``) and formulas.

    Token classes: declaration words (``rulebook``, ``def``, ``band``, ``cites`` …)
    ``Keyword.Declaration``; the name a ``def``/``band``/``matrix`` declares
    ``Name.Function``, an ``enum`` ``Name.Class``, a ``const``/``param`` ``Name.Constant``;
    ``if``/``then``/``else``/``let``/``in`` ``Keyword``; ``and``/``or``/``not``
    ``Operator.Word``; ``true``/``false``/``inf`` ``Keyword.Constant``; the header's
    contextual words (``extends``, ``in force from … until …``) ``Keyword`` where the header
    uses them and ``Name`` elsewhere; builtins called ``Name.Builtin``; labels
    ``enum.member`` ``Name.Class`` and ``Name.Attribute``; numbers (``120%`` included)
    ``Number``; dates ``Literal.Date``; texts ``String.Double``; ``#`` comments
    ``Comment.Single``; the matrix wildcard ``_`` ``Keyword.Pseudo``.

    >>> [v for t, v in KinerjaLexer().get_tokens('extends "a"') if t in Keyword]
    ['extends']
    >>> [v for t, v in KinerjaLexer().get_tokens("def f(extends) = extends") if t in Keyword]
    ['def']
    """

    name = "Kinerja"
    aliases = ["kinerja"]  # noqa: RUF012 - Pygments reads these class attributes as lists
    filenames = ["*.kinerja"]  # noqa: RUF012
    mimetypes = ["text/x-kinerja"]  # noqa: RUF012
    url = "https://kinerja-engine.github.io/kinerja_engine/language/"
    version_added = ""

    tokens = {  # noqa: RUF012
        "root": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"[^"\\\n]*"', String.Double),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9.])", Literal.Date),
            (r"[0-9]+(\.[0-9]+)?%", Number),
            (r"[0-9]+\.[0-9]+", Number.Float),
            (r"[0-9]+", Number.Integer),
            (_declaring("def", "band", "matrix"), _declared(Name.Function)),
            (_declaring("enum"), _declared(Name.Class)),
            (_declaring("const", "param"), _declared(Name.Constant)),
            # `extends "…"`, `in force from 2023-01-01 until …`: a keyword only where the
            # header puts it (before a text, a date or another such word), a name elsewhere.
            (rf"(?:{_CONTEXTUAL}){_END}(?=\s*(?:\"|[0-9]|(?:{_CONTEXTUAL}){_END}))", Keyword),
            (words(VOCABULARY.declarations, suffix=_END), Keyword.Declaration),
            (words(VOCABULARY.control, suffix=_END), Keyword),
            (words(VOCABULARY.operator_words, suffix=_END), Operator.Word),
            (words(VOCABULARY.constants, suffix=_END), Keyword.Constant),
            (words(VOCABULARY.builtins, suffix=r"(?=\s*\()"), Name.Builtin),
            (rf"({_NAME})(\.)({_NAME})", _groups(Name.Class, Punctuation, Name.Attribute)),
            (rf"{_NAME}(?=\s*\()", Name.Function),
            (_NAME, Name),
            (rf"_{_END}", Keyword.Pseudo),
            (words(VOCABULARY.symbols), Operator),
            (r"%", Operator),
            (r"[()\[\]{},:.]", Punctuation),
        ],
    }  # fmt: skip
