"""Phase 1, parse: text in, AST (:mod:`kinerja_engine.language.nodes`) out.

Input: formula or rulebook text. Output: frozen AST nodes with source spans.
Guarantees: a good text is parsed without Lark and without a parse tree: the driver of
:mod:`.lalr` runs Lark's LALR automaton and contextual lexer, read from the shipped tables
(:mod:`.tables`), and the callbacks of :mod:`.convert` build the AST as rules are reduced.
Lark itself is imported and asked only when a text is refused, so every syntax error keeps
Lark's wording and position, and a syntax error anywhere is reported before a reserved word
used as a name or a crossed limit. No Lark object leaves this module. Every failure is a
:class:`~kinerja_engine.errors.KinerjaSyntaxError` (with line, column and a message in plain
words) or a :class:`~kinerja_engine.errors.LimitError`; no input recurses out or runs long:
length and bracket depth are bounded before parsing, the driver keeps its stacks in lists, and
depth and node count are bounded while the AST is built.

>>> parse_formula("cap(realisasi / target, 120%) * 100")
Binary(op='*', left=Call(func='cap', ...), right=Num(value=Decimal('100'), percent=False))
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Final

from ..errors import KinerjaSyntaxError, LimitError, Span
from .convert import Builder, callbacks
from .lalr import REJECTED, Automaton, Callback, Tokens, read_automaton
from .limits import (
    KEYWORDS,
    MAX_DEPTH,
    MAX_FORMULA_LENGTH,
    MAX_LITERAL_DIGITS,
    MAX_NODES,
    MAX_RULEBOOK_LENGTH,
    MAX_RULEBOOK_NODES,
)
from .nodes import Expr, RulebookNode

if TYPE_CHECKING:  # Lark is imported when a text has a syntax error, or to write the tables
    from lark import Lark
    from lark.exceptions import UnexpectedInput

__all__ = [
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_FORMULA_LENGTH",
    "MAX_LITERAL_DIGITS",
    "MAX_NODES",
    "MAX_RULEBOOK_LENGTH",
    "MAX_RULEBOOK_NODES",
    "automaton",
    "parse_formula",
    "parse_rulebook",
    "strip_bom",
    "tables_source",
    "without_gc_pauses",
]


_DEFINITION_KEYWORDS = frozenset({"CONST", "PARAM", "DEF", "ENUM", "BAND", "MATRIX"})

# What each terminal means to a person who is not a programmer.
_WORDS: Final = {
    "NUMBER": "a number",
    "NAME": "a name",
    "STRING": 'a text in double quotes ("…")',
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "COMMA": "','",
    "DOT": "'.'",
    "COLON": "':'",
    "EQUAL": "'='",
    "PERCENT": "'%'",
    "MINUS": "'-'",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "COMP_OP": "a comparison (==, !=, <, <=, >, >=)",
    "INF": "'inf'",
    "WILDCARD": "'_'",
    "$END": "the end of the text",
}


def _grammar() -> str:
    return files("kinerja_engine.language").joinpath("kinerja.lark").read_text(encoding="utf-8")


def _build(grammar: str) -> Lark:
    from lark import Lark  # noqa: PLC0415 - a good text is parsed without Lark

    # No cache=True: it would write a pickle to a predictable temp path (I/O and a code risk).
    return Lark(
        grammar,
        parser="lalr",
        start=["formula", "rulebook"],
        propagate_positions=True,
        maybe_placeholders=True,
    )


@cache
def _lark() -> Lark:
    """The LALR parser, once per process: from the shipped tables (:mod:`.tables`) when they
    were generated from this very grammar by this Lark version, else built from the grammar.

    Loading the tables skips reading the grammar and building the LALR automaton, which is
    most of the first parse in a fresh process.
    """
    from lark import Lark  # noqa: PLC0415 - a good text is parsed without Lark
    from lark import __version__ as lark_version  # noqa: PLC0415

    from . import tables  # noqa: PLC0415 - 100 KB of data, needed only by the first parse

    grammar = _grammar()
    if _digest(grammar) == tables.GRAMMAR_SHA256 and lark_version == tables.LARK_VERSION:
        return Lark.load({"data": tables.DATA, "memo": tables.MEMO})
    return _build(grammar)  # pragma: no cover - a grammar edited without regenerating


def _canonical(table: dict[str, Any]) -> dict[str, Any]:
    """The LALR table with tokens and states numbered in one fixed order.

    Lark numbers them in the order of its sets, which follows string hashing (it changes from
    process to process); here tokens are numbered by name and states in breadth-first order
    from the start states, following shifts by token name. Same automaton, same text always.
    """
    names: dict[int, str] = table["tokens"]
    states: dict[int, dict[int, tuple[int, Any]]] = table["states"]
    token_ids = {name: index for index, name in enumerate(sorted(names.values()))}
    numbered: dict[int, int] = {}
    queue = [table["start_states"][s] for s in sorted(table["start_states"])]
    position = 0
    while position < len(queue):
        state = queue[position]
        position += 1
        if state in numbered:
            continue
        numbered[state] = len(numbered)
        for token in sorted(states[state], key=names.__getitem__):
            action, argument = states[state][token]
            if action == 0:  # a shift (or goto): its argument is the next state
                queue.append(argument)
    if len(numbered) != len(states):  # pragma: no cover - every LALR state is reachable
        raise AssertionError("unreachable parser states: the tables would not be canonical")
    rows: dict[int, dict[int, tuple[int, Any]]] = {}
    for state in sorted(numbered, key=numbered.__getitem__):
        row = {}
        for token in sorted(states[state], key=names.__getitem__):
            action, argument = states[state][token]
            row[token_ids[names[token]]] = (action, numbered[argument] if action == 0 else argument)
        rows[numbered[state]] = row
    return {
        "tokens": {index: name for name, index in token_ids.items()},
        "states": rows,
        "start_states": {s: numbered[v] for s, v in sorted(table["start_states"].items())},
        "end_states": {s: numbered[v] for s, v in sorted(table["end_states"].items())},
    }


def _digest(grammar: str) -> str:
    return hashlib.sha256(grammar.encode("utf-8")).hexdigest()


def tables_source() -> str:
    """The text of :mod:`.tables`: the LALR tables of ``kinerja.lark`` as Python literals.

    ``tests/test_parser_tables.py`` checks that the shipped module is this text, so the tables
    cannot go stale; after editing the grammar, write it out again::

        python -c "from kinerja_engine.language.parser import tables_source as t; \\
            open('src/kinerja_engine/language/tables.py', 'w').write(t())"
    """
    from lark import __version__ as lark_version  # noqa: PLC0415 - a generator, not the parse
    from lark.grammar import Rule  # noqa: PLC0415
    from lark.lexer import TerminalDef  # noqa: PLC0415

    grammar = _grammar()
    data, memo = _build(grammar).memo_serialize([TerminalDef, Rule])
    data["parser"]["parser"] = _canonical(data["parser"]["parser"])
    return (
        '"""The LALR tables of the rules language, generated from ``kinerja.lark``: do not edit.\n'
        "\n"
        "Input: nothing (data). Output: ``DATA`` and ``MEMO``, what ``lark.Lark.load`` takes, and\n"
        "the grammar digest and Lark version they were generated from. Guarantees: the parser\n"
        "uses them only when both match (else it builds the tables from the grammar), and\n"
        "``tests/test_parser_tables.py`` checks this file is what ``parser.tables_source()``\n"
        "writes today. Shipped so that the first parse in a process does not build tables.\n"
        "\n"
        ">>> sorted(DATA['parser']['parser']['start_states'])\n"
        "['formula', 'rulebook']\n"
        '"""\n'
        "\n"
        "# fmt: off\n"
        "from typing import Any\n"
        "\n"
        f'LARK_VERSION = "{lark_version}"\n'
        f'GRAMMAR_SHA256 = "{_digest(grammar)}"\n'
        f"DATA: dict[str, Any] = {data!r}  # noqa: E501\n"
        f"MEMO: dict[int, Any] = {memo!r}  # noqa: E501\n"
        "# fmt: on\n"
    )


# --------------------------------------------------------------------------- entry points


def strip_bom(text: str) -> str:
    """``text`` without a UTF-8 byte-order mark at its start (editors on Windows write one).

    >>> strip_bom("\ufeffrulebook")
    'rulebook'
    """
    return text[1:] if isinstance(text, str) and text.startswith("\ufeff") else text


def parse_formula(text: str) -> Expr:
    """Parse one formula (an expression) into an AST.

    >>> parse_formula("1 +")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.KinerjaSyntaxError: the text ends too early: expected a value ...
      1 +
         ^
    """
    _check_text(text, MAX_FORMULA_LENGTH, "formula")
    text = strip_bom(text)
    node = _parse(text, "formula", MAX_NODES)
    assert isinstance(node, Expr)
    return node


def parse_rulebook(text: str) -> RulebookNode:
    """Parse a whole rulebook (header plus definitions) into an AST.

    >>> book = parse_rulebook('rulebook "demo" version "1"  const batas = 76')
    >>> book.header.name, [d.name for d in book.definitions]
    ('demo', ['batas'])
    """
    _check_text(text, MAX_RULEBOOK_LENGTH, "rulebook")
    text = strip_bom(text)
    with without_gc_pauses():
        node = _parse(text, "rulebook", MAX_RULEBOOK_NODES)
    assert isinstance(node, RulebookNode)
    return node


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a phase builds many objects at once.

    A rulebook's parse tree and AST are tens of thousands of acyclic objects; the collector
    would otherwise run over every live object many times while they are built (a fifth of
    the parse of a 1,000-definition rulebook). It is enabled again afterwards, unless the
    caller had disabled it.

    >>> import gc
    >>> with without_gc_pauses():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_text(text: object, limit: int, what: str) -> None:
    if not isinstance(text, str):
        raise KinerjaSyntaxError(f"a {what} must be text, got {type(text).__name__}")
    if len(text) > limit:
        raise LimitError(
            f"the {what} is {len(text):,} characters long; the limit is {limit:,}",
            hint=f"split it into smaller definitions; a {what} this long is not meant to be read",
        )
    # Bracket depth is bounded before parsing so that the error is immediate and points at the
    # bracket that went too deep.
    # Only a text with more opening brackets than the bound can cross it: the others (all real
    # ones) are not scanned, and the scan visits brackets only.
    if text.count("(") + text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for found in _BRACKETS.finditer(text):
        if found.group() in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                index = found.start()
                line = text.count("\n", 0, index) + 1
                col = index - text.rfind("\n", 0, index)
                raise LimitError(
                    f"brackets are nested more than {MAX_DEPTH} deep",
                    Span(index, index + 1, line, col, line, col + 1),
                    source=text,
                    hint="use let or a named definition for inner parts",
                )
        else:
            depth = max(0, depth - 1)


_BRACKETS: Final = re.compile(r"[()\[\]{}]")


@cache
def automaton() -> tuple[Automaton, list[Callback | None]]:
    """The driver's automaton and the AST callbacks of its rules, once per process: read from
    the shipped tables (:mod:`.tables`) when they were generated from this very grammar, else
    from the tables Lark builds from it."""
    from . import tables  # noqa: PLC0415 - 100 KB of data, needed only by the first parse

    grammar = _grammar()
    if _digest(grammar) == tables.GRAMMAR_SHA256:
        driver = read_automaton(tables.DATA, tables.MEMO)
    else:  # pragma: no cover - a grammar edited without regenerating the tables
        from lark.grammar import Rule  # noqa: PLC0415
        from lark.lexer import TerminalDef  # noqa: PLC0415

        driver = read_automaton(*_build(grammar).memo_serialize([TerminalDef, Rule]))
    return driver, callbacks(driver.rules)


def _parse(text: str, start: str, max_nodes: int) -> Any:
    """The AST of ``text``, built while the driver parses it (no parse tree).

    Lark is asked only when something is wrong, so that errors keep their wording and their
    precedence: a syntax error anywhere in the text is reported before a reserved word used as
    a name or a crossed limit, as when the whole tree was parsed before it was converted.
    """
    driver, rule_callbacks = automaton()
    tokens = Tokens(text, [], [], [], [])
    builder = Builder(tokens, max_nodes)
    try:
        node = driver.run(tokens, start, rule_callbacks, builder)
    except (KinerjaSyntaxError, LimitError):
        _lark_verdict(text, start)
        raise
    if node is REJECTED:
        _lark_verdict(text, start)
        raise AssertionError("Lark accepts a text the parser rejects")  # pragma: no cover
    return node


def _lark_verdict(text: str, start: str) -> None:
    """Raise Lark's syntax error for ``text``, if it has one."""
    from lark.exceptions import LarkError, UnexpectedInput  # noqa: PLC0415 - errors only

    try:
        _lark().parse(text, start=start)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, start) from None
    except LarkError as exc:  # pragma: no cover - defensive: Lark's other errors are bugs
        raise KinerjaSyntaxError(f"could not parse the {start}: {exc}", source=text) from None


# --------------------------------------------------------------------------- syntax errors


def _syntax_error(exc: UnexpectedInput, text: str, start: str) -> KinerjaSyntaxError:
    from lark.exceptions import (  # noqa: PLC0415 - errors only
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedToken,
    )

    line, column = max(exc.line, 1), max(exc.column, 1)
    pos = max(exc.pos_in_stream or 0, 0)
    expected: set[str]
    hint = None
    if isinstance(exc, UnexpectedCharacters):
        char = text[pos] if pos < len(text) else ""
        message = f"unexpected character {char!r}"
        expected = set(exc.allowed or ())
        if char == "^":
            hint = "there is no power operator; write the multiplication out"
        elif char == "'":
            hint = 'texts are written in double quotes ("…")'
        elif not char.isascii():
            hint = "names use only ASCII letters, digits and '_'"
        span = Span(pos, pos + 1, line, column, line, column + 1)
    else:
        token = exc.token if isinstance(exc, UnexpectedToken) else None
        expected = _acceptable(exc)
        if token is None or token.type == "$END" or isinstance(exc, UnexpectedEOF):
            message = f"the text ends too early: expected {_describe(expected, start)}"
            # Point just after the last written character, not at trailing blank lines.
            pos = len(text.rstrip())
            lines = text[:pos].split("\n")
            line, column = len(lines), len(lines[-1]) + 1
            span = Span(pos, pos, line, column, line, column + 1)
            return KinerjaSyntaxError(message, span, source=text)
        value = str(token)
        shown = f"'{value}'" if len(value) < 30 else f"'{value[:27]}…'"
        kind = "word" if value in KEYWORDS else "symbol" if not value[:1].isalnum() else "text"
        message = f"unexpected {kind} {shown}: expected {_describe(expected, start)}"
        end = (token.end_pos or pos + len(value)) if token.end_pos is not None else pos + 1
        span = Span(pos, end, line, column, line, column + max(1, end - pos))
        if value == "=" and "COMP_OP" in expected:
            hint = "to compare, write '=='"
        elif _AFTER_IF.search(text, 0, pos) or (
            value in ("then", "else") and _AN_IF.search(text, 0, pos)
        ):
            # `x + if c then a else b`: after an operator, `if` reads as a name (a call), so
            # the error lands on the condition or on `then`; the fix is the brackets.
            hint = "an 'if' inside an expression needs brackets: (if … then … else …)"
        elif value in KEYWORDS:
            hint = f"'{value}' is a reserved word and cannot be used as a name"
        elif token.type == "COMP_OP" and "COMP_OP" not in expected and "$END" in expected:
            hint = "comparisons cannot be chained; join them with 'and'"
        elif token.type == "NAME" and start == "rulebook":
            close = difflib.get_close_matches(value, sorted(KEYWORDS), n=1)
            if close:
                hint = f"did you mean '{close[0]}'?"
    return KinerjaSyntaxError(message, span, source=text, hint=hint)


_AFTER_IF: Final = re.compile(r"(?<![\w.])if\s*$")  # the text just before ends with `if`
_AN_IF: Final = re.compile(r"(?<![\w.])if\b")


def _acceptable(exc: UnexpectedInput) -> set[str]:
    """The tokens that could really come next.

    LALR merges states, so ``exc.expected`` over-approximates (it may list '}' inside a plain
    formula); the interactive parser tries each candidate and keeps what actually fits.
    """
    from lark.exceptions import LarkError  # noqa: PLC0415 - errors only

    expected = set(getattr(exc, "expected", ()) or ())
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is not None:
        try:
            return set(interactive.accepts())
        except LarkError:  # pragma: no cover - fall back to Lark's approximation
            return expected
    return expected


def _describe(candidates: set[str], start: str) -> str:
    expected = set(candidates)
    if start == "formula":
        expected -= _DEFINITION_KEYWORDS
    words: list[str] = []
    if "NUMBER" in expected and "NAME" in expected:
        words.append("a value (a number, a name, '(' …)")
        expected -= {"NUMBER", "NAME", "LPAR", "LSQB", "MINUS", "TRUE", "FALSE", "NOT", "IF"}
        expected -= {"LET"}
    operators = {"ADD_OP", "MUL_OP", "COMP_OP", "AND", "OR"}
    if len(expected & operators) >= 2:
        words.append("an operator (+ - * / == < and or …)")
        expected -= operators
        expected -= {"PERCENT", "DOT"}
    if expected & _DEFINITION_KEYWORDS and len(expected & _DEFINITION_KEYWORDS) >= 3:
        words.append("a definition (const, param, def, enum, band, matrix)")
        expected -= _DEFINITION_KEYWORDS
    for name in sorted(expected, key=lambda n: (n == "$END", n)):
        words.append(_WORDS.get(name, f"'{name.lower()}'"))
    if not words:
        return "something else"
    if len(words) > 6:
        words = [*words[:6], "…"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# --------------------------------------------------------------------------- tree → AST
