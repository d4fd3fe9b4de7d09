"""The building blocks of the notebook display: escaped HTML and plain-text tables.

Input: values the library produces (exact numbers, labels, booleans, text written by users,
such as names, reasons and rule text) and the layout a renderer asks for (a table, a list of
fields, a block of code). Output: :class:`Html` fragments, and plain text tables for
``__repr__``. Guarantees:

- every value is escaped with :func:`html.escape` unless it is already an :class:`Html`
  fragment made here, so a name or a reason containing ``<script>`` is shown as text;
- numbers go through :func:`kinerja_engine.formatting.format_number`: rounded half up to
  :data:`PLACES` places in the reader's language for the cell, the exact value in the
  cell's ``title`` (shown on hover);
- the markup is a small, well-formed subset (``div``, ``table``, ``pre``, ``code``, ``b``),
  with no script and no external style sheet.

The renderers of each layer (``language/display.py``, ``scoring/display.py``,
``report/display.py``, and :meth:`KinerjaError._repr_html_` at the bottom) build on these, so
the layering is kept: a record's ``_repr_html_`` calls the renderer of its own layer.

>>> from fractions import Fraction
>>> print(cell(Fraction(1, 3)))
<span title="1/3">0,33</span>
>>> page = table(["nama", "nilai"], [["<b>Ani</b>", Fraction(1095, 10)]])
>>> "<td>&lt;b&gt;Ani&lt;/b&gt;</td>" in page, '<span title="109.5">109,50</span>' in page
(True, True)
>>> print(text_table(["nama", "nilai"], [["Ani", Fraction(1095, 10)]]))
nama  nilai
Ani   109.50
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final

from .formatting import format_number, format_value
from .values import Label

__all__ = [
    "LANG",
    "PLACES",
    "Html",
    "block",
    "cell",
    "code",
    "escape",
    "fields",
    "heading",
    "is_number",
    "table",
    "text_cell",
    "text_table",
]

#: The language numbers and words are written in (Indonesian, as the explanations are).
LANG: Final = "id"
#: Decimal places of a number shown in a cell (half up; the exact value is in its title).
PLACES: Final = 2
_DASH: Final = "–"


class Html(str):
    """A fragment of markup made by this module: already escaped, inserted as it is."""

    __slots__ = ()


def escape(value: object) -> Html:
    """``value`` as text inside HTML (quotes escaped too, so it is safe in an attribute).

    >>> print(escape('<script>alert("x")</script>'))
    &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;
    """
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def is_number(value: object) -> bool:
    """Whether ``value`` is a number the library computes (``bool`` is not one)."""
    return isinstance(value, Fraction | Decimal | int) and not isinstance(value, bool)


def text_cell(value: object, lang: str = LANG) -> str:
    """``value`` as plain text for a cell: numbers rounded, labels as their text, None a dash.

    >>> text_cell(None), text_cell(Fraction(2, 3), "en"), text_cell(True, "id")
    ('–', '0.67', 'ya')
    """
    if value is None:
        return _DASH
    if is_number(value):
        return format_number(value, lang, PLACES)  # type: ignore[arg-type]
    if isinstance(value, Label | bool | tuple):
        return format_value(value, lang, PLACES)
    return str(value)


def cell(value: object, lang: str = LANG) -> Html:
    """``value`` as escaped HTML: a number carries its exact value as a title."""
    if isinstance(value, Html):
        return value
    if is_number(value):
        exact = format_number(value)  # type: ignore[arg-type]
        return Html(f'<span title="{escape(exact)}">{escape(text_cell(value, lang))}</span>')
    return escape(text_cell(value, lang))


def table(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    caption: object = None,
    lang: str = LANG,
) -> Html:
    """A table: a header row, then one row per item; numbers are right-aligned."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td style="text-align:right">{cell(v, lang)}</td>'
            if is_number(v)
            else f"<td>{cell(v, lang)}</td>"
            for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    title = "" if caption is None else f"<caption>{escape(caption)}</caption>"
    return Html(
        f'<table class="kinerja">{title}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def fields(pairs: Iterable[tuple[str, object]], *, lang: str = LANG) -> Html:
    """A two-column table of named values (a record's fields), one row each.

    >>> fields([("status", "complete")]).count("<tr>")
    1
    """
    rows = "".join(
        f'<tr><th style="text-align:left">{escape(name)}</th><td>{cell(value, lang)}</td></tr>'
        for name, value in pairs
    )
    return Html(f'<table class="kinerja"><tbody>{rows}</tbody></table>')


def code(text: object) -> Html:
    """Preformatted text (rule text, a caret snippet), escaped."""
    return Html(f"<pre>{escape(text)}</pre>")


def heading(text: object) -> Html:
    """A bold line that titles a block."""
    return Html(f"<div><b>{escape(text)}</b></div>")


def block(kind: str, *parts: Html) -> Html:
    """The outer ``div`` of one object's display; ``kind`` names its class (``kinerja-…``)."""
    return Html(f'<div class="kinerja kinerja-{escape(kind)}">{"".join(parts)}</div>')


def text_table(headers: Sequence[str], rows: Iterable[Sequence[object]], lang: str = "en") -> str:
    """A plain-text table for ``__repr__``: columns padded, numbers right-aligned."""
    raw = [list(row) for row in rows]
    texts = [[text_cell(v, lang) for v in row] for row in raw]
    numeric = [
        any(is_number(row[i]) for row in raw)
        and all(is_number(row[i]) or row[i] is None for row in raw)
        for i in range(len(headers))
    ]
    widths = [max([len(h), *(len(r[i]) for r in texts)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(list(headers)), *(line(r) for r in texts)])
