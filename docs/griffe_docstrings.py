"""A Griffe extension: the package's docstrings made readable as Markdown on the API pages.

Input: each docstring as Griffe loads it. Output: the same text with doctest examples
(``>>>`` lines and their output) fenced as ``pycon`` code, and Sphinx roles
(:class:`~a.b.C`, :func:`f`) written as code spans (``C``, ``f``). Guarantees: the source is
not touched (the doctests still run from it); prose is left as written.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj|const):`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    target = match.group(2)
    return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target.lstrip('.')}`"


def readable(text: str) -> str:
    """Doctest blocks fenced, roles as code spans.

    >>> print(readable("See :class:`~a.B`.\\n\\n>>> 1 + 1\\n2\\n\\nEnd."))
    See `B`.
    <BLANKLINE>
    ```pycon
    >>> 1 + 1
    2
    ```
    <BLANKLINE>
    End.
    """
    out: list[str] = []
    indent: str | None = None
    for line in text.splitlines():
        stripped = line.lstrip()
        if indent is None and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
        elif indent is not None and not stripped:
            out.append(f"{indent}```")
            indent = None
        out.append(line if indent is not None else ROLE.sub(_role, line))
    if indent is not None:
        out.append(f"{indent}```")
    return "\n".join(out)


class ReadableDocstrings(griffe.Extension):
    """Rewrites every loaded object's docstring with :func:`readable`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = readable(obj.docstring.value)
