"""The LALR(1) driver of the rules language: text in, the value of the start rule out.

Input: the Lark parser that :mod:`.parser` loads from the shipped tables, once per process,
read into plain Python data (:class:`Automaton`); then a text, a start symbol and one callback
per grammar rule (:mod:`.convert` supplies them). Output: what the start rule's callback
returned, or :data:`REJECTED` when the text is not in the language. Guarantees:

* **Lark's language, token for token.** The automaton is Lark's own (same states, same
  actions), and each state lexes with the regular expression and the keyword table of Lark's
  contextual lexer for that state (the same alternatives in the same order, the same ignored
  terminals). A text is rejected here exactly where Lark would reject it; the caller then asks
  Lark for its error, so every syntax error keeps Lark's wording and position.
* **No tree, no Lark token.** A terminal is pushed as the index of its token; token positions
  are kept in flat lists (start, end, line, column); a rule's callback receives the value stack,
  the stack of first-token indices and the rule's last token index, so a node's span is the
  first and last token the rule covered (brackets of ``( expr )`` included, as Lark's
  ``propagate_positions`` counts them). Chain rules (``?sum: product``) move the state only.
* **Bounded work:** one regular-expression match per token and one table look-up per shift or
  reduction; no recursion (the stacks are lists), so any nesting the text limits admit is safe.

>>> from kinerja_engine.language.parser import parse_formula
>>> parse_formula("(1 + 2) * 3").span.start  # the bracket belongs to the product's span
0
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["REJECTED", "Automaton", "Rule", "Tokens", "read_automaton"]

#: What :meth:`Automaton.run` returns for a text outside the language.
REJECTED: Final = object()

#: A rule's callback: (builder, value stack, first-token stack, index of the rule's first
#: entry in both, index of the rule's last token) → the rule's value.
Callback = Callable[[Any, list[Any], list[int], int, int], Any]


@dataclass(frozen=True, slots=True)
class Rule:
    """One grammar rule as the driver needs it (read from Lark's rule of the same number).

    ``symbols`` are the right-hand side's symbol names, ``kept`` whether each is kept in the
    rule's children (Lark filters anonymous tokens such as ``"("``), ``nones`` how many absent
    optional parts (``[x]``) stand before each kept symbol and after the last one, and
    ``chain`` marks a one-symbol rule that passes its child up unchanged (``?sum: product``).
    """

    origin: str
    alias: str | None
    symbols: tuple[str, ...]
    kept: tuple[bool, ...]
    nones: tuple[int, ...]
    inline: bool
    chain: bool

    @property
    def name(self) -> str:
        """The name the rule's node carries: its alias (``-> binary``) or its origin."""
        return self.alias or self.origin


@dataclass(slots=True)
class Tokens:
    """The tokens of one parse, as flat lists indexed by token number."""

    text: str
    starts: list[int]
    ends: list[int]
    lines: list[int]
    columns: list[int]


class Automaton:
    """Lark's LALR automaton and contextual lexer for one grammar, as plain data.

    Built by :func:`read_automaton`. Each state's scanner is compiled on the state's first
    visit (as Lark compiles its lexers), so the first parse in a process builds little.
    """

    def __init__(
        self,
        rows: list[dict[str, int]],
        rules: list[Rule],
        start_states: dict[str, int],
        end_states: dict[str, int],
        scanner_of: Callable[[int], tuple[Any, dict[str, dict[str, str]]]],
        ignore: frozenset[str],
        newline_kinds: frozenset[str],
    ) -> None:
        self.rows = rows
        self.rules = rules
        # Per rule, for the driver's loop: symbols to pop (0 for a chain rule) and the goto.
        self.widths = [0 if rule.chain else len(rule.symbols) for rule in rules]
        self.origins = [rule.origin for rule in rules]
        self.start_states = start_states
        self.end_states = end_states
        self.ignore = ignore
        self.newline_kinds = newline_kinds
        self._scanner_of = scanner_of
        # (state below, top state, next token) → the top state once every chain rule that
        # token triggers has been reduced: `a` climbs atom → unary → … → expr in one step.
        self._chains: dict[tuple[int, int, str], int] = {}
        self._matchers: list[Any] = [None] * len(rows)
        self._retypes: list[dict[str, dict[str, str]]] = [{} for _ in rows]

    def _scanner(self, state: int) -> Any:
        match, retype = self._scanner_of(state)
        self._matchers[state] = match
        self._retypes[state] = retype
        return match

    def lexer(self, state: int) -> tuple[str, dict[str, dict[str, str]]]:
        """What state ``state`` lexes with: the alternation's source (one named group per
        terminal, in the order tried) and the keyword table (``{"NAME": {"if": "IF", ...}}``)."""
        match, retype = self._scanner_of(state)
        source: str = match.__self__.pattern
        # Without the white-space prefix the driver may add: Lark's own alternation.
        return source[source.index("(?:") + 3 : -1], retype

    def _chain(self, below: int, top: int, kind: str) -> int:
        while True:
            action = self.rows[top].get(kind)
            if action is None or action >= 0 or self.widths[~action]:
                return top
            top = self.rows[below][self.origins[~action]]

    def run(
        self, tokens: Tokens, start: str, callbacks: Sequence[Callback | None], builder: Any
    ) -> Any:
        """Parse ``tokens.text`` from ``start``, filling ``tokens``; :data:`REJECTED` if the text
        is not in the language, else the start rule's value.

        ``callbacks[i](builder, values, firsts, base, last)`` builds the value of rule ``i``
        (``None`` for a chain rule): the rule's symbols are ``values[base:]`` (a terminal's
        value is its token index), ``firsts[base]`` is its first token and ``last`` its last.
        An exception from a callback propagates (the caller decides what a syntax error
        elsewhere in the text changes).
        """
        text = tokens.text
        rows, widths, origins, chains = self.rows, self.widths, self.origins, self._chains
        matchers, retypes = self._matchers, self._retypes
        ignore, newline_kinds = self.ignore, self.newline_kinds
        states = [self.start_states[start]]
        end_state = self.end_states[start]
        values: list[Any] = []
        firsts: list[int] = []
        t_starts, t_ends = tokens.starts, tokens.ends
        t_lines, t_columns = tokens.lines, tokens.columns
        pos, line, line_start, size = 0, 1, 0, len(text)
        index = -1
        while pos < size:
            state = states[-1]
            found = (matchers[state] or self._scanner(state))(text, pos)
            if found is None:
                return REJECTED
            kind = found.lastgroup
            begin, end = found.span(kind)
            if begin != pos:  # white space skipped before the token: count its line breaks
                breaks = text.count("\n", pos, begin)
                if breaks:
                    line += breaks
                    line_start = text.rindex("\n", pos, begin) + 1
                pos = begin
            if kind in ignore:  # white space and comments: only the line count moves
                if kind in newline_kinds:
                    breaks = text.count("\n", pos, end)
                    if breaks:
                        line += breaks
                        line_start = text.rindex("\n", pos, end) + 1
                pos = end
                continue
            t_lines.append(line)
            t_columns.append(pos - line_start + 1)
            if kind in newline_kinds:  # a kept token over lines (none of ours has one)
                breaks = text.count("\n", pos, end)
                if breaks:  # pragma: no cover
                    line += breaks
                    line_start = text.rindex("\n", pos, end) + 1
            retype = retypes[state].get(kind)
            if retype is not None:
                kind = retype.get(text[pos:end], kind)
            t_starts.append(pos)
            t_ends.append(end)
            index += 1
            pos = end
            while True:  # reduce as the token asks, then shift it
                action = rows[states[-1]].get(kind)
                if action is None:
                    return REJECTED
                if action >= 0:
                    states.append(action)
                    values.append(index)
                    firsts.append(index)
                    break
                width = widths[~action]
                if width:
                    base = len(values) - width
                    # The rule ends with the last token shifted, the one before the lookahead.
                    value = callbacks[~action](builder, values, firsts, base, index - 1)  # type: ignore[misc]
                    del values[base:], firsts[base + 1 :], states[-width:]
                    values.append(value)
                    states.append(rows[states[-1]][origins[~action]])
                else:  # chain rules: the child is the value, only the top state changes
                    key = (states[-2], states[-1], kind)
                    top = chains.get(key)
                    if top is None:
                        top = chains[key] = self._chain(*key)
                    states[-1] = top
        while True:  # the end of the text: reduce until the start rule is complete
            action = rows[states[-1]].get("$END")
            if action is None or action >= 0:  # (Lark's tables never shift $END)
                return REJECTED
            width = widths[~action]
            if width:
                base = len(values) - width
                value = callbacks[~action](builder, values, firsts, base, index)  # type: ignore[misc]
                del values[base:], firsts[base + 1 :], states[-width:]
                values.append(value)
                states.append(rows[states[-1]][origins[~action]])
            else:
                states[-1] = rows[states[-2]][origins[~action]]
            if states[-1] == end_state:
                return values[-1]


def read_automaton(data: dict[str, Any], memo: dict[int, Any]) -> Automaton:
    """Read Lark's serialized LALR parser (``Lark.memo_serialize``'s data and memo, the form
    :mod:`.tables` ships) into an :class:`Automaton`.

    Raises ``LookupError`` if the data has a shape this driver does not reproduce exactly
    (another lexer, regular-expression flags, an empty rule): every check names an assumption.
    """
    conf = data["parser"]["lexer_conf"]
    if conf["lexer_type"] != "contextual" or conf["g_regex_flags"] or conf["use_bytes"]:
        raise LookupError(f"a lexer this driver does not reproduce: {conf['lexer_type']}")
    terminals = [_Terminal.read(_deref(t, memo)) for t in conf["terminals"]]
    by_name = {t.name: t for t in terminals}
    ignore = frozenset(conf["ignore"])
    table = data["parser"]["parser"]
    names: dict[int, str] = table["tokens"]
    rule_ids: dict[int, int] = {}
    rules: list[Rule] = []
    rows: list[dict[str, int]] = []
    numbers = sorted(table["states"])
    if numbers != list(range(len(numbers))):
        raise LookupError("parser states are not numbered 0..n-1")
    accepts: list[frozenset[str]] = []
    for state in numbers:
        row: dict[str, int] = {}
        for token, (action, argument) in table["states"][state].items():
            if action == 0:  # shift (or goto)
                row[names[token]] = argument
                continue
            key = argument["@"]
            if key not in rule_ids:
                rule_ids[key] = len(rules)
                rules.append(_read_rule(memo[key]))
            row[names[token]] = ~rule_ids[key]
        rows.append(row)
        accepts.append(frozenset(row))
    scanners: dict[frozenset[str], tuple[Any, dict[str, dict[str, str]]]] = {}
    blank = _blank_prefix(terminals, ignore)

    def scanner_of(state: int) -> tuple[Any, dict[str, dict[str, str]]]:
        key = accepts[state]
        if key not in scanners:
            chosen = [by_name[n] for n in key | ignore if n in by_name]
            alternation, retype = _scanner(chosen)
            # The alternation is tried after the white space (if it may be skipped so).
            scanners[key] = (re.compile(f"{blank}(?:{alternation})").match, retype)
        return scanners[key]

    newline_kinds = frozenset(t.name for t in terminals if _may_hold_newline(t.regexp))
    return Automaton(
        rows,
        rules,
        dict(table["start_states"]),
        dict(table["end_states"]),
        scanner_of,
        ignore,
        newline_kinds,
    )


def _deref(item: Any, memo: dict[int, Any]) -> Any:
    return memo[item["@"]] if isinstance(item, dict) and "@" in item else item


@dataclass(frozen=True, slots=True)
class _Terminal:
    """A terminal as Lark's lexer orders and matches it."""

    name: str
    regexp: str
    literal: str | None  # the text of a string terminal ("if"), None for a regexp
    priority: int
    max_width: int
    length: int  # of the pattern's source text (Lark's tie-break)

    @staticmethod
    def read(item: dict[str, Any]) -> _Terminal:
        pattern = item["pattern"]
        if pattern["flags"]:
            raise LookupError(f"terminal {item['name']} has regular-expression flags")
        name, value, priority = item["name"], pattern["value"], item["priority"]
        if pattern["__type__"] == "PatternStr":
            return _Terminal(name, re.escape(value), value, priority, len(value), len(value))
        if pattern["__type__"] != "PatternRE" or "_width" not in pattern:
            raise LookupError(f"terminal {name} has an unknown pattern")
        return _Terminal(name, value, None, priority, pattern["_width"][1], len(value))


def _scanner(terminals: list[_Terminal]) -> tuple[Any, dict[str, dict[str, str]]]:
    """One lexer state's alternation and keyword table, built as Lark's BasicLexer builds them.

    Lark orders the terminals by priority, then longest possible match, then longest pattern,
    then name, and the first alternative that matches wins. A string terminal that a
    regexp terminal matches whole (``if`` and ``NAME``) is not an alternative of its own: the
    regexp's match is re-typed when its text is that string (Lark's "unless" callback).
    """
    ordered = sorted(terminals, key=lambda t: (-t.priority, -t.max_width, -t.length, t.name))
    retype: dict[str, dict[str, str]] = {}
    embedded: set[str] = set()
    for regexp in (t for t in ordered if t.literal is None):
        words = {}
        for word in (t for t in ordered if t.literal is not None):
            if word.priority != regexp.priority:
                continue
            found = re.match(regexp.regexp, word.literal or "")
            if found and found.group(0) == word.literal:
                words[word.literal] = word.name
                embedded.add(word.name)
        if words:
            retype[regexp.name] = words
    pattern = "|".join(f"(?P<{t.name}>{t.regexp})" for t in ordered if t.name not in embedded)
    return pattern, retype


#: Lark's ``common.WS``, the white space the grammar ignores.
_WHITE_SPACE: Final = "(?:[ \t\x0c\r\n])+"


def _blank_prefix(terminals: list[_Terminal], ignore: frozenset[str]) -> str:
    """A prefix that skips white space before a token, or "" if skipping so could differ from
    Lark's lexer.

    Lark lexes white space as a token of its own and ignores it; the parser state does not
    move, so the next token is lexed in the same state either way. Skipping it inside the
    token's match saves a match per gap, provided no other terminal can start with white
    space (then white space is always Lark's ``WS`` token). That is checked here on each
    white-space character followed by each keyword and a letter, digit, quote and hash; at
    the end of the text (or before a character no terminal matches) the prefix backtracks and
    the alternation's own ``WS`` matches, as in Lark.
    """
    if not any(t.name in ignore and t.regexp == _WHITE_SPACE for t in terminals):
        return ""
    probes = ["", "a", "0", '"', "#", *(t.literal for t in terminals if t.literal)]
    for terminal in terminals:
        if terminal.regexp == _WHITE_SPACE:
            continue
        expression = re.compile(terminal.regexp)
        if any(expression.match(blank + probe) for blank in " \t\x0c\r\n" for probe in probes):
            return ""  # pragma: no cover - no terminal of ours starts with white space
    return "[ \t\x0c\r\n]*"


def _read_rule(item: dict[str, Any]) -> Rule:
    options = item["options"]
    expansion = item["expansion"]
    symbols = tuple(s["name"] for s in expansion)
    if not symbols:
        raise LookupError("an empty rule would need a token-less span")
    keep_all = bool(options["keep_all_tokens"])
    kept = tuple(
        keep_all or not (s["__type__"] == "Terminal" and s.get("filter_out", False))
        for s in expansion
    )
    empty = list(options["empty_indices"] or ())
    if empty:
        if empty.count(False) != len(symbols):
            raise LookupError("placeholders that do not fit the rule")
        runs = [len(ones) for ones in "".join(str(int(b)) for b in empty).split("0")]
    else:
        runs = [0] * (len(symbols) + 1)
    # Nones before each kept symbol (those before a dropped one move on to the next kept one).
    nones: list[int] = []
    pending = 0
    for index, keep in enumerate(kept):
        pending += runs[index]
        if keep:
            nones.append(pending)
            pending = 0
    nones.append(pending + runs[len(symbols)])
    alias = item["alias"]
    inline = bool(options["expand1"]) and not alias
    chain = inline and len(symbols) == 1 and kept == (True,) and not any(nones)
    return Rule(item["origin"]["name"], alias, symbols, kept, tuple(nones), inline, chain)


def _may_hold_newline(expression: str) -> bool:
    # Lark's own test for terminals whose text may span lines (it counts lines in those only).
    return (
        "\n" in expression
        or "\\n" in expression
        or "\\s" in expression
        or "[^" in expression
        or ("(?s" in expression and "." in expression)
    )
