"""The bundled rulebooks for tests, each read and checked once per test run.

Input: a bundled rulebook's name. Output: the same :class:`Rulebook` object on every call.
Guarantees: a rulebook is immutable (``extend`` returns a new one), so sharing one instance
between tests cannot make a test depend on another. ``conftest.py`` serves the same objects as
session fixtures named after the rulebooks; module-level tables use :func:`bundled` directly.
"""

from __future__ import annotations

from functools import cache

from kinerja_engine import Rulebook, rulebooks


@cache
def bundled(name: str) -> Rulebook:
    """The bundled rulebook ``name``, loaded on first use.

    >>> bundled("pp-46-2011") is bundled("pp-46-2011")
    True
    """
    if name not in rulebooks.names():
        raise ValueError(f"{name!r} is not a bundled rulebook: {rulebooks.names()}")
    return rulebooks.load(name)
