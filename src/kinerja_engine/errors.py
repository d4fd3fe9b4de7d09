"""One exception family for everything that can go wrong in kinerja_engine.

Every error the library raises is a :class:`KinerjaError`. Errors that point at
rule text carry a :class:`Span` (line and column, 1-based) and can render the
offending line with a caret under it, like a compiler:

>>> err = KinerjaSyntaxError("expected a number here", Span(0, 1, 1, 1, 1, 2), source="* 2")
>>> print(err.render("rumus.kinerja"))
rumus.kinerja:1:1: error: expected a number here
  * 2
  ^

Nothing else escapes the public API: parser, checker, evaluator and model
validation all translate their failures into this family.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = [
    "BindingError",
    "CheckError",
    "Diagnostic",
    "EvaluationError",
    "KinerjaError",
    "KinerjaSyntaxError",
    "LimitError",
    "ModelError",
    "Span",
    "UsageError",
    "shown",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A region of source text: character offsets plus 1-based line/column.

    >>> Span(0, 3, 1, 1, 1, 4).line
    1
    """

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


# Control characters (other than tab) would move or erase the caret line: shown as spaces.
_BLANKS = {c: " " for c in (*range(0x20), 0x7F) if c != 0x09}


def render_caret(source: str, span: Span) -> str:
    """Return the source line of ``span`` with carets under the spanned part.

    >>> print(render_caret("a + bb", Span(4, 6, 1, 5, 1, 7)))
      a + bb
          ^^
    """
    # Lines are what the parser counts: separated by "\n" only (a "\r" or a form feed inside
    # a string is not a line break). The line is found from the offset, without splitting the
    # whole text, so rendering n diagnostics of a long text stays linear.
    begin = source.rfind("\n", 0, span.start) + 1 if 0 <= span.start <= len(source) else -1
    if begin < 0 or span.start - begin != span.column - 1:  # a span of another text
        begin = 0
        for _ in range(max(span.line, 1) - 1):
            found = source.find("\n", begin)
            if found < 0:
                break
            begin = found + 1
    stop = source.find("\n", begin)
    text = source[begin : stop if stop >= 0 else len(source)].translate(_BLANKS)
    # Very long lines (a 1 MB formula) are cut around the caret so the message stays readable.
    col = max(span.column, 1) - 1
    width = max(1, (span.end_column - span.column) if span.end_line == span.line else 1)
    offset = 0
    if len(text) > 120:
        offset = max(0, col - 40)
        text = text[offset : offset + 120]
    width = min(width, max(1, len(text) - (col - offset)))
    return f"  {text}\n  {' ' * (col - offset)}{'^' * width}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in rule text, with where it is and, when we know, a hint.

    >>> span = Span(0, 5, 1, 1, 1, 6)
    >>> d = Diagnostic("unknown name 'targt'", span, hint="did you mean 'target'?")
    >>> print(d.render("targt", "f.kinerja"))
    f.kinerja:1:1: error: unknown name 'targt'
      targt
      ^^^^^
      hint: did you mean 'target'?
    """

    message: str
    span: Span | None = None
    hint: str | None = None
    code: str = "error"
    #: ``"error"`` (the text is refused) or ``"warning"`` (accepted, but probably not meant).
    severity: str = "error"
    #: The text ``span`` points into and its name, when that is not the text being read
    #: (a definition inherited from a bundled rulebook that a file extends); ``None``: the
    #: caller's own text and file name.
    origin: str | None = None
    source: str | None = None

    def render(self, source: str | None = None, filename: str = "<formula>") -> str:
        """Render like a compiler: ``file:line:col: error: message``, caret, hint.

        >>> print(Diagnostic("never used", severity="warning").render(filename="f.kinerja"))
        f.kinerja: warning: never used
        """
        if not isinstance(source, str | None) or not isinstance(filename, str):
            raise UsageError(
                "Diagnostic.render: 'source' must be str or None and 'filename' str, got "
                f"{type(source).__name__} and {type(filename).__name__}"
            )
        if self.source is not None:
            source = self.source
        if self.origin is not None:
            filename = self.origin
        if self.span is None:
            head = f"{filename}: {self.severity}: {self.message}"
        else:
            where = f"{self.span.line}:{self.span.column}"
            head = f"{filename}:{where}: {self.severity}: {self.message}"
        parts = [head]
        if self.span is not None and source is not None:
            parts.append(render_caret(source, self.span))
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)


def shown(value: object) -> str:
    """A caller's value as a message shows it: its ``repr``, at most 80 characters, and never
    raising (an object whose ``repr`` fails, an int too long to print: its type's name).

    >>> shown("x" * 100)[-5:], shown(10**5000), shown([1])
    ('xx...', '<int>', '[1]')
    """
    try:
        text = repr(value)
    except Exception:  # a caller's object whose repr fails (or an int too long to print)
        return f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


class KinerjaError(Exception):
    """Root of every error raised by kinerja_engine.

    ``line`` and ``column`` are set when the error points at rule text.

    >>> try:
    ...     raise KinerjaError("something is wrong")
    ... except KinerjaError as e:
    ...     print(e)
    something is wrong
    """

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        *,
        source: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.source = source
        self.hint = hint

    @property
    def line(self) -> int | None:
        """1-based line of the problem, if it points at text."""
        return None if self.span is None else self.span.line

    @property
    def column(self) -> int | None:
        """1-based column of the problem, if it points at text."""
        return None if self.span is None else self.span.column

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The problems this error reports (one, unless it is a :class:`CheckError`)."""
        return (Diagnostic(self.message, self.span, self.hint),)

    def snippet(self) -> str:
        """The offending line with a caret, or ``""`` when there is no position."""
        if self.span is None or self.source is None:
            return ""
        return render_caret(self.source, self.span)

    def render(self, filename: str = "<formula>") -> str:
        """Render every diagnostic like a compiler would."""
        if not isinstance(filename, str):
            raise UsageError(f"render: 'filename' must be str, got {type(filename).__name__}")
        return "\n".join(d.render(self.source, filename) for d in self.diagnostics)

    def __str__(self) -> str:
        where = "" if self.span is None else f" (line {self.span.line}, column {self.span.column})"
        text = f"{self.message}{where}"
        snippet = self.snippet()
        if snippet:
            text += "\n" + snippet
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def _repr_html_(self) -> str:
        """The notebook display: the error's class, then its text (message, position, the
        caret snippet and the hint) in ``<pre>``, escaped (this module is the bottom layer,
        so it uses :func:`html.escape` itself rather than :mod:`kinerja_engine.display`)."""
        kind = html.escape(type(self).__name__)
        text = html.escape(str(self), quote=True)
        return f'<div class="kinerja kinerja-error"><b>{kind}</b><pre>{text}</pre></div>'


class KinerjaSyntaxError(KinerjaError):
    """The text is not valid formula or rulebook syntax.

    Always carries ``line`` and ``column``; the message says what was expected in
    plain words.
    """


class LimitError(KinerjaError):
    """The text or the computation exceeds a declared limit (length, depth, node count, size)."""


class CheckError(KinerjaError):
    """The checker found problems. ``diagnostics`` lists *all* of them, in source order.

    >>> err = CheckError([Diagnostic("first"), Diagnostic("second")])
    >>> [d.message for d in err.diagnostics]
    ['first', 'second']
    """

    def __init__(self, diagnostics: list[Diagnostic], *, source: str | None = None) -> None:
        ordered = sorted(
            diagnostics,
            # The reader's own text first, then each inherited text, each in source order.
            key=lambda d: (d.origin or "", d.span.start if d.span else -1, d.message),
        )
        first = ordered[0] if ordered else Diagnostic("check failed")
        count = len(ordered)
        summary = first.message if count == 1 else f"{first.message} (and {count - 1} more)"
        super().__init__(summary, first.span, source=source, hint=first.hint)
        self._diagnostics = tuple(ordered)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self._diagnostics

    def __str__(self) -> str:
        return self.render()


class EvaluationError(KinerjaError):
    """Evaluation of checked rules failed (e.g. division by zero); names the sub-expression."""


class BindingError(KinerjaError):
    """An input value given to a formula or definition is missing, unknown or of the wrong kind."""


class UsageError(KinerjaError):
    """The API was called in a way that cannot work (e.g. an unknown definition name)."""


class ModelError(KinerjaError):
    """Input data (an employee, plan, realisation …) is invalid.

    ``field`` names the offending field (a dotted path) and ``employee`` the NIP or
    name of the employee concerned, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        employee: str | None = None,
        errors: tuple[str, ...] = (),
    ) -> None:
        prefix = []
        if employee:
            prefix.append(f"employee {employee}")
        if field:
            prefix.append(f"field '{field}'")
        text = f"{', '.join(prefix)}: {message}" if prefix else message
        super().__init__(text)
        self.field = field
        self.employee = employee
        self.errors = tuple(errors)
