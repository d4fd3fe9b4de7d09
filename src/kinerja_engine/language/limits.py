"""The parser's limits and reserved words: what text the language accepts at all.

Input: nothing (constants). Output: the ``MAX_*`` bounds and :data:`KEYWORDS`, read by the
parser (:mod:`.parser`, which re-exports them) and by the tree converter (:mod:`.convert`).
Guarantees: every bound is checked before or while the text is read, so no input recurses out
or runs long; the documented limits table (``docs/language.md``) is tested against these.

>>> "let" in KEYWORDS, MAX_DEPTH
(True, 100)
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEEP_CHAIN_HINT",
    "DEEP_HINT",
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_FORMULA_LENGTH",
    "MAX_LITERAL_DIGITS",
    "MAX_NODES",
    "MAX_RULEBOOK_LENGTH",
    "MAX_RULEBOOK_NODES",
]

#: Longest formula text accepted, in characters (an admin-form formula is a line or two).
MAX_FORMULA_LENGTH: Final = 10_000
#: Longest rulebook text accepted; a whole regulation is well under 20 KB, and Lark reads
#: about 100 KB a second, so larger input is refused before parsing (answers stay < 1 s).
MAX_RULEBOOK_LENGTH: Final = 64_000
#: Deepest expression nesting accepted. Checker, compiler and generated Python all stay far
#: from Python's recursion and parser limits (~1000 frames, ~200 nested parentheses).
MAX_DEPTH: Final = 100
#: The hints of a text nested deeper than MAX_DEPTH. A chain `a + b + c + …` is a
#: left-leaning tree, one level per operator, so a long sum reaches the limit although nothing
#: looks nested: its hint says so and names the form that is not deep.
DEEP_HINT: Final = "use let or named definitions to flatten it"
DEEP_CHAIN_HINT: Final = (
    "each operator of a chain counts one level: write a long sum as sum([a, b, …]), "
    "or use let or named definitions"
)
#: Most nodes in one expression / in one whole rulebook.
MAX_NODES: Final = 5_000
MAX_RULEBOOK_NODES: Final = 100_000

#: Longest number literal, in characters: a measurement, not a size bomb.
MAX_LITERAL_DIGITS: Final = 60

#: Reserved words: cannot be used as names.
KEYWORDS: Final = frozenset(
    [
        "if",
        "then",
        "else",
        "let",
        "in",
        "and",
        "or",
        "not",
        "true",
        "false",
        "const",
        "param",
        "def",
        "enum",
        "band",
        "matrix",
        "rulebook",
        "version",
        "cites",
        "alias",
        "inf",
    ]
)
