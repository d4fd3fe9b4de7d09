"""The rulebooks that ship with kinerja_engine, as text files inside the package.

A rulebook may build on others with ``extends`` in its header; :func:`load` resolves those
names among the bundled rulebooks (the language itself never reads files).

>>> "pp-46-2011" in names()
True
>>> load("pp-46-2011").evaluate("nilai_efisiensi", t=5, r=4)
Decimal('96')
>>> local = load('rulebook "lokal" extends "pp-46-2011" param batas_efisiensi = 30')
>>> local.evaluate("nilai_efisiensi", t=10, r="7.5"), local.name
(Decimal('101'), 'lokal')
"""

from __future__ import annotations

import difflib
from functools import cache
from importlib.resources import files

from ..errors import UsageError
from ..language.formula import Rulebook
from ..language.parser import parse_rulebook, strip_bom

__all__ = ["load", "names", "source"]

_SUFFIX = ".kinerja"


@cache
def names() -> tuple[str, ...]:
    """Names of the bundled rulebooks, sorted."""
    folder = files(__name__)
    return tuple(
        sorted(
            entry.name.removesuffix(_SUFFIX)
            for entry in folder.iterdir()
            if entry.name.endswith(_SUFFIX)
        )
    )


def source(name: str) -> str:
    """The text of bundled rulebook ``name``."""
    if not isinstance(name, str):
        raise UsageError(f"source: 'name' must be str, got {type(name).__name__}")
    if name not in names():
        raise UsageError(f"no bundled rulebook '{name}'; bundled: {', '.join(names())}")
    return files(__name__).joinpath(name + _SUFFIX).read_text(encoding="utf-8")


def load(name_or_text: str) -> Rulebook:
    """A checked, compiled rulebook: a bundled one by name, or a caller's own text.

    A caller's text may ``extends`` bundled rulebooks to override their parameters and
    definitions or add its own; bundled rulebooks are built once per process.
    """
    if not isinstance(name_or_text, str):
        raise UsageError(f"load: 'name_or_text' must be str, got {type(name_or_text).__name__}")
    name_or_text = strip_bom(name_or_text)
    if name_or_text in names():
        return _bundled(name_or_text)
    if name_or_text.strip() and not any(ch.isspace() for ch in name_or_text.strip()):
        close = difflib.get_close_matches(name_or_text, names(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"'{name_or_text[:40]}' is not a bundled rulebook{hint} "
            f"(bundled: {', '.join(names())}); rulebook text starts with 'rulebook'"
        )
    return _resolve(name_or_text, ())


_LOADED: dict[str, Rulebook] = {}


def _bundled(name: str, chain: tuple[str, ...] = ()) -> Rulebook:
    """Bundled rulebook ``name``, built once per process; ``chain`` detects extends-cycles."""
    book = _LOADED.get(name)
    if book is None:
        if name in chain:
            raise UsageError(
                f"rulebooks extend each other in a cycle: {' → '.join((*chain, name))}"
            )
        book = _resolve(source(name), (*chain, name))
        _LOADED[name] = book
    return book


def _resolve(text: str, chain: tuple[str, ...]) -> Rulebook:
    # Diagnostics name the file each definition was written in: a bundled one by its file
    # name, the caller's own text by the name the caller renders it under.
    origin = chain[-1] + _SUFFIX if chain else None
    header = parse_rulebook(text).header
    if not header.extends:
        return Rulebook.parse(text, origin=origin)
    base: Rulebook | None = None
    for parent in header.extends:
        if parent not in names():
            raise UsageError(
                f"rulebook '{header.name}' extends '{parent}', which is not bundled; "
                f"bundled: {', '.join(names())}"
            )
        loaded = _bundled(parent, chain)
        if base is None:
            base = loaded
        elif loaded.origin is not None:  # read from its own file: positions stay its own
            base = base.extend(loaded.text, origin=loaded.origin)
        else:
            base = base.extend(str(loaded))
    assert base is not None
    return base.extend(text, origin=origin)
