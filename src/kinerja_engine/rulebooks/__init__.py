"""The rulebooks that ship with kinerja_engine, as text files inside the package.

>>> "pp-46-2011" in names()
True
>>> load("pp-46-2011").evaluate("nilai_efisiensi", t=5, r=4)
Decimal('96')
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from ..errors import UsageError
from ..language import Rulebook

__all__ = ["load", "names", "source"]

_SUFFIX = ".kinerja"


def names() -> list[str]:
    """Names of the bundled rulebooks, sorted."""
    folder = files(__name__)
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in folder.iterdir()
        if entry.name.endswith(_SUFFIX)
    )


def source(name: str) -> str:
    """The text of bundled rulebook ``name``."""
    if name not in names():
        raise UsageError(f"no bundled rulebook '{name}'; bundled: {', '.join(names())}")
    return files(__name__).joinpath(name + _SUFFIX).read_text(encoding="utf-8")


@cache
def load(name: str) -> Rulebook:
    """Parse, check and compile bundled rulebook ``name`` (once per process)."""
    return Rulebook.parse(source(name))
