"""Positions in the author's own file, for a rulebook merged from several texts.

A rulebook that ``extends`` others is checked as one merged rulebook, printed and parsed again
(so it is self-contained). Its diagnostics would point into that merged text, which nobody
wrote. This module maps them back.

Input: the merged rulebook as parsed from its printed text, and for each of its definitions an
:class:`Origin` (the text it was written in, that text's name, and the definition as parsed
from it). Output: the same diagnostics, each with the span of the node in the text it was
written in, and that text and its name. Guarantees: the merged text never appears in a mapped
diagnostic; the mapping is structural (printing then parsing gives an equal tree, so the two
trees are walked side by side), linear in the size of the rulebook, and falls back to the
enclosing definition's position when a span is not a node's.

>>> from kinerja_engine.language.parser import parse_rulebook
>>> own = 'rulebook "lokal"\\n\\n  param   batas = 8  0'
>>> mine = parse_rulebook('rulebook "lokal"\\n\\n  param   batas = 8')
>>> printed = parse_rulebook('rulebook "lokal"\\nparam batas = 8')
>>> origin = Origin(None, 'rulebook "lokal"\\n\\n  param   batas = 8', mine.definitions[0])
>>> span = printed.definitions[0].expr.span
>>> d = remap([Diagnostic("bad", span)], printed, (origin,), (None, own, None))[0]
>>> (d.span.line, d.span.column), d.origin
((3, 19), None)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import Diagnostic, Span
from .nodes import Definition, Let, MatrixRow, Node, RulebookNode

__all__ = ["Origin", "remap"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one definition of a merged rulebook was written.

    ``name`` names the text (e.g. ``"pp-46-2011.kinerja"``; ``None`` is the caller's own text,
    rendered under the file name the caller gives); ``text`` is that text and ``definition``
    the definition as parsed from it (its spans point into ``text``).
    """

    name: str | None
    text: str
    definition: Definition


def _pairs(merged: Node, original: Node) -> dict[tuple[int, int], Span]:
    """Spans of ``merged`` nodes (by start and end) → spans of the same nodes in ``original``."""
    found: dict[tuple[int, int], Span] = {}
    stack = [(merged, original)]
    while stack:
        a, b = stack.pop()
        spans: list[tuple[Span | None, Span | None]] = [(a.span, b.span)]
        if isinstance(a, MatrixRow) and isinstance(b, MatrixRow):
            spans.extend(zip(a.key_spans, b.key_spans, strict=False))
        if isinstance(a, Let) and isinstance(b, Let):
            spans.extend(zip(a.name_spans, b.name_spans, strict=False))
        for x, y in spans:
            if x is not None and y is not None:
                found.setdefault((x.start, x.end), y)
        stack.extend(zip(a.children(), b.children(), strict=False))
    return found


def _within(text: str, piece: str, around: Span) -> Span | None:
    """The first occurrence of ``piece`` inside ``around`` of ``text``, as a span, if any.

    >>> _within("x\\ndef  f(a) = a", "f", Span(2, 14, 2, 1, 2, 13))
    Span(start=7, end=8, line=2, column=6, end_line=2, end_column=7)
    """
    if not piece or "\n" in piece:
        return None
    # Whole words: the name 'f' is not the 'f' of 'def'.
    left = r"(?<!\w)" if re.match(r"\w", piece[0]) else ""
    right = r"(?!\w)" if re.match(r"\w", piece[-1]) else ""
    match = re.compile(left + re.escape(piece) + right).search(text, around.start, around.end)
    if match is None:
        return None
    at = match.start()
    line = around.line + text.count("\n", around.start, at)
    column = at - text.rfind("\n", 0, at)  # 1-based: rfind gives -1 on the first line
    return Span(at, at + len(piece), line, column, line, column + len(piece))


def remap(
    diagnostics: Sequence[Diagnostic],
    merged: RulebookNode,
    origins: Sequence[Origin],
    header: tuple[str | None, str, Span | None],
    merged_text: str | None = None,
) -> list[Diagnostic]:
    """``diagnostics`` of ``merged`` (parsed from the printed text), in their authors' texts.

    ``origins`` are parallel to ``merged.definitions``; ``header`` is the name, text and header
    span of the text whose header the merged rulebook took (the caller's own). Given the
    ``merged_text``, a span that is not a node's (a definition's name) is found again, by its
    text, inside the node that contains it; else that node's span stands for it.
    """
    starts = [d.span.start if d.span is not None else -1 for d in merged.definitions]
    tables: dict[int, dict[tuple[int, int], Span]] = {}
    mapped: list[Diagnostic] = []
    for diag in diagnostics:
        span = diag.span
        if span is None:
            mapped.append(diag)
            continue
        index = bisect.bisect_right(starts, span.start) - 1
        if index < 0:  # the header
            mapped.append(replace(diag, span=header[2], origin=header[0], source=header[1]))
            continue
        origin = origins[index]
        table = tables.get(index)
        if table is None:
            table = tables[index] = _pairs(merged.definitions[index], origin.definition)
        found = table.get((span.start, span.end))
        if found is None:
            # Not a node's span (e.g. part of one): the innermost node containing it.
            inner = [(key, value) for key, value in table.items() if key[0] <= span.start <= key[1]]
            found = (
                min(inner, key=lambda kv: kv[0][1] - kv[0][0])[1]
                if inner
                else origin.definition.span
            )
            if merged_text is not None and found is not None:
                piece = merged_text[span.start : span.end]
                found = _within(origin.text, piece, found) or found
        mapped.append(replace(diag, span=found, origin=origin.name, source=origin.text))
    return mapped
