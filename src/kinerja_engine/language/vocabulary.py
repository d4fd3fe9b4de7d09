"""The language's words and symbols, read from its own tables, for highlighters and editors.

Input: the grammar file ``kinerja.lark`` (its quoted words), :data:`~.limits.KEYWORDS`,
:data:`~.operators.OPERATORS` and :data:`~.builtins.BUILTINS`. Output: :data:`VOCABULARY`, a
:class:`Vocabulary` that sorts every word of the language into the classes a highlighter
colours differently. Guarantees: nothing here is a second hand-written list: the words are the
grammar's literals, so a keyword added to the grammar reaches the Pygments lexer
(:mod:`kinerja_engine.highlight`) and the TextMate grammar (``editors/``) without an edit;
the classes partition the grammar's words (each word in exactly one class). No third-party
import: ``import kinerja_engine`` never loads Pygments.

>>> VOCABULARY.declarations
('alias', 'band', 'cites', 'const', 'def', 'enum', 'matrix', 'param', 'rulebook', 'version')
>>> VOCABULARY.operator_words, VOCABULARY.constants
(('and', 'not', 'or'), ('false', 'inf', 'true'))
>>> VOCABULARY.contextual
('extends', 'force', 'from', 'until')
>>> "weighted_mean" in VOCABULARY.builtins, VOCABULARY.symbols[:3]
(True, ('!=', '->', '<='))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .builtins import BUILTINS
from .limits import KEYWORDS
from .operators import OPERATORS

__all__ = ["VOCABULARY", "Vocabulary", "grammar_words"]

# The header and the definitions: words that introduce something named.
_DECLARATION_RULES = (
    "header",
    "version",
    "extends",
    "cites",
    "const_def",
    "param_def",
    "func_def",
    "enum_def",
    "aliases",
    "band_def",
    "matrix_def",
)
# A quoted literal in a grammar line: `"if"`, `"->"`.
_LITERAL = re.compile(r'"([^"\\]+)"')
# A rule or terminal definition starts a line: `name: ...` or `?name: ...` or `!name: ...`.
_RULE = re.compile(r"^[?!]?([A-Za-z_]+)\s*:")


@cache
def _grammar_literals() -> dict[str, tuple[str, ...]]:
    """Every quoted literal of the grammar, by the rule or terminal whose definition holds it."""
    text = (files(__package__) / "kinerja.lark").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    rule = ""
    for raw in text.splitlines():
        line = raw.split("//", 1)[0]
        start = _RULE.match(line)
        if start:
            rule = start.group(1)
        for literal in _LITERAL.findall(line):
            found.setdefault(rule, []).append(literal)
    return {name: tuple(literals) for name, literals in found.items()}


def grammar_words() -> frozenset[str]:
    """The words (alphabetic literals) of the grammar, reserved or contextual.

    >>> {"if", "rulebook", "force", "inf"} <= grammar_words()
    True
    """
    return frozenset(
        word for literals in _grammar_literals().values() for word in literals if word.isalpha()
    )


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The language's words by highlighting class, each tuple sorted.

    ``declarations`` introduce a definition or a header part (``def``, ``band``, ``cites``);
    ``control`` are the expression keywords (``if``, ``let``, ``in``); ``operator_words`` the
    operators spelled as words (from the operator table); ``constants`` the literal words
    (``true``, ``false``, ``inf``); ``contextual`` the header words the grammar does not
    reserve, so they stay usable as names (``extends``, ``in force from … until …``): a
    highlighter marks them as keywords only where the header uses them; ``builtins`` the
    builtin functions;
    ``symbols`` every operator and arrow spelled with symbols, longest first so that a
    highlighter's alternation matches ``<=`` before ``<``.
    """

    declarations: tuple[str, ...]
    control: tuple[str, ...]
    operator_words: tuple[str, ...]
    constants: tuple[str, ...]
    contextual: tuple[str, ...]
    builtins: tuple[str, ...]
    symbols: tuple[str, ...]

    @property
    def keywords(self) -> tuple[str, ...]:
        """Every word of the grammar, sorted (the classes above but the builtins).

        >>> set(VOCABULARY.keywords) == grammar_words()
        True
        """
        return tuple(
            sorted(
                (
                    *self.declarations,
                    *self.control,
                    *self.operator_words,
                    *self.constants,
                    *self.contextual,
                )
            )
        )


def _vocabulary() -> Vocabulary:
    literals = _grammar_literals()
    words = grammar_words()
    operator_words = {op.symbol for op in OPERATORS if op.symbol.isalpha()}
    constants = {word for word in words if word in {"true", "false", "inf"}}
    declared = {
        word for rule in _DECLARATION_RULES for word in literals.get(rule, ()) if word.isalpha()
    }
    # Header words the contextual lexer leaves usable as names (see the grammar's in_force):
    # the grammar's words that are not reserved.
    contextual = words - KEYWORDS
    declarations = declared - contextual
    control = words - declarations - operator_words - constants - contextual
    symbols = {op.symbol for op in OPERATORS if not op.symbol.isalpha()}
    symbols |= {lit for lits in literals.values() for lit in lits if lit in {"->", "="}}
    return Vocabulary(
        declarations=tuple(sorted(declarations)),
        control=tuple(sorted(control)),
        operator_words=tuple(sorted(operator_words)),
        constants=tuple(sorted(constants)),
        contextual=tuple(sorted(contextual)),
        builtins=tuple(sorted(BUILTINS)),
        symbols=tuple(sorted(symbols, key=lambda s: (-len(s), s))),
    )


#: The language's vocabulary, built once at import from the grammar and the tables.
VOCABULARY: Vocabulary = _vocabulary()
