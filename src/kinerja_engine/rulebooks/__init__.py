"""The rulebooks that ship with kinerja_engine, as text files inside the package.

A rulebook may build on others with ``extends`` in its header; :func:`load` resolves those
names among the bundled rulebooks (the language itself never reads files). A rulebook kept in
a file is loaded with :func:`load_file` (or ``load(Path(...))``): its ``extends`` may also name
another file, relative to the extending one (``extends "../kota/kebijakan.kinerja"``), so a
kecamatan policy can extend a city policy that extends the national rules; every diagnostic
names the file its definition was written in. A file longer than
:data:`~kinerja_engine.language.limits.MAX_RULEBOOK_LENGTH` characters is refused after reading
at most that much.

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
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Final

from ..errors import CheckError, KinerjaError, UsageError
from ..language.formula import Rulebook
from ..language.limits import MAX_RULEBOOK_LENGTH
from ..language.parser import parse_rulebook, strip_bom

__all__ = [
    "dates_in_force",
    "from_text",
    "in_force",
    "load",
    "load_file",
    "names",
    "read_rulebook_file",
    "source",
]

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


def load(name_or_text: str | os.PathLike[str]) -> Rulebook:
    """A checked, compiled rulebook: a bundled one by name, a caller's own text, or a file.

    A caller's text may ``extends`` bundled rulebooks to override their parameters and
    definitions or add its own; bundled rulebooks are built once per process. A
    :class:`~pathlib.Path` (or a one-word string ending in ``.kinerja`` that names an
    existing file) is loaded with :func:`load_file`.
    """
    if isinstance(name_or_text, os.PathLike):
        return load_file(name_or_text)
    if (
        isinstance(name_or_text, str)
        and name_or_text.endswith(_SUFFIX)
        and "\n" not in name_or_text
        and Path(name_or_text).is_file()
    ):
        return load_file(name_or_text)
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


def from_text(text: str) -> Rulebook:
    """A caller's rulebook text, checked and compiled; ``extends`` names bundled rulebooks.

    Unlike :func:`load`, the text is never taken for a bundled name or a file path, and no
    file is read: the call for a service that accepts rule text from its users.

    >>> book = from_text('rulebook "unit" extends "gajahmungkur" param batas_sesuai = 80')
    >>> book.name, book.parameters["batas_sesuai"]
    ('unit', Decimal('80'))
    >>> from_text("gajahmungkur.kinerja")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.KinerjaSyntaxError: ...
    """
    if not isinstance(text, str):
        raise UsageError(f"from_text: 'text' must be str, got {type(text).__name__}")
    return _resolve(strip_bom(text), ())


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


# -- the rule in force for a period (issue 16, item 3) -------------------------------------

# ``__all__`` lists the functions (tests/test_hostile_language.py probes each one);
# FAMILIES and InForce are public too.
#: The bundled national rulebooks of each lineage, oldest first; each governs from the day
#: after its predecessor's last day (``tests/test_in_force.py`` proves no gap or overlap).
FAMILIES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "appraisal": ("pp-46-2011", "permenpanrb-8-2021", "permenpanrb-6-2022"),
        "ikm": ("ikm-2004", "ikm-2017"),
    }
)


@dataclass(frozen=True, slots=True)
class InForce:
    """One rulebook and the part of a period it governs (``first`` to ``last``, inclusive)."""

    name: str
    first: date
    last: date

    @property
    def days(self) -> int:
        """How many days of the period this rulebook governs."""
        return (self.last - self.first).days + 1


def dates_in_force(name: str) -> tuple[date, date | None] | None:
    """The ``in force from … until …`` dates in the header of rulebook ``name`` (bundled).

    >>> dates_in_force("permenpanrb-8-2021")
    (datetime.date(2021, 7, 1), datetime.date(2022, 3, 31))
    """
    source(name)  # a bundled name, else a UsageError naming the bundled ones
    return load(name).ast.header.in_force


def in_force(period: object, family: str = "appraisal") -> tuple[InForce, ...]:
    """The rulebook(s) of ``family`` in force during ``period``, oldest first.

    ``period`` is a :class:`~kinerja_engine.models.Period` (anything with ``start`` and
    ``last_day`` dates) or a single :class:`~datetime.date`. A period that straddles a
    transition gets each rulebook with the part of the period it covers; a day that no
    rulebook of the family governs is a :class:`~kinerja_engine.errors.UsageError`.

    >>> from kinerja_engine.models import Period
    >>> [(p.name, str(p.first), str(p.last)) for p in in_force(Period("tahunan", 2021))]
    [('pp-46-2011', '2021-01-01', '2021-06-30'), ('permenpanrb-8-2021', '2021-07-01', '2021-12-31')]
    >>> [p.name for p in in_force(date(2017, 5, 2), family="ikm")]
    ['ikm-2017']
    """
    if not isinstance(family, str) or family not in FAMILIES:
        raise UsageError(
            f"in_force: 'family' must be one of {', '.join(sorted(FAMILIES))}, got {family!r}"
        )
    if isinstance(period, date):
        first, last = period, period
    else:
        start, end = getattr(period, "start", None), getattr(period, "last_day", None)
        if not isinstance(start, date) or not isinstance(end, date):
            raise UsageError(
                f"in_force: 'period' must be a Period or a date, got {type(period).__name__}"
            )
        first, last = start, end
    parts: list[InForce] = []
    for name in FAMILIES[family]:
        dates = dates_in_force(name)
        if dates is None:  # pragma: no cover - every family member has dates (tested)
            continue
        lo = max(first, dates[0])
        hi = last if dates[1] is None else min(last, dates[1])
        if lo <= hi:
            parts.append(InForce(name, lo, hi))
    covered = sum(p.days for p in parts)
    if covered != (last - first).days + 1:
        raise UsageError(
            f"in_force: no {family} rulebook governs all of {first.isoformat()} to "
            f"{last.isoformat()}; bundled: "
            + ", ".join(f"{n} {_describe(dates_in_force(n))}" for n in FAMILIES[family])
        )
    return tuple(parts)


def _describe(dates: tuple[date, date | None] | None) -> str:
    if dates is None:  # pragma: no cover
        return "(no dates)"
    end = "" if dates[1] is None else f" until {dates[1].isoformat()}"
    return f"(from {dates[0].isoformat()}{end})"


def read_rulebook_file(path: str | os.PathLike[str]) -> str:
    """The text of rulebook file ``path``, refused (a ``UsageError`` naming the file) when it
    is missing, a directory, unreadable, not UTF-8 or longer than ``MAX_RULEBOOK_LENGTH``
    characters (at most that much plus one is read)."""
    if not isinstance(path, str | os.PathLike):
        raise UsageError(
            f"read_rulebook_file: 'path' must be str or a path, got {type(path).__name__}"
        )
    name = os.fspath(path)
    if os.path.isdir(name):
        raise UsageError(f"{name}: is a directory, not a rulebook file")
    try:
        with open(name, encoding="utf-8-sig") as handle:
            text = handle.read(MAX_RULEBOOK_LENGTH + 1)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{name}: cannot read rulebook file: {reason}") from None
    if len(text) > MAX_RULEBOOK_LENGTH:
        raise UsageError(
            f"{name}: rulebook file longer than {MAX_RULEBOOK_LENGTH} characters; refused"
        )
    return text


def load_file(path: str | os.PathLike[str]) -> Rulebook:
    """The rulebook in file ``path``, its ``extends`` resolved: a bundled name, or a file
    (a header string ending in ``.kinerja`` or containing a ``/``) relative to the extending
    file. Diagnostics name the file each definition was written in; a missing parent names
    the file that extends it.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "kota.kinerja").write_text(
    ...     'rulebook "kota" extends "pp-46-2011" param batas_efisiensi = 30')
    >>> _ = (folder / "kec.kinerja").write_text('rulebook "kec" extends "kota.kinerja"')
    >>> book = load(folder / "kec.kinerja")
    >>> book.name, book.evaluate("nilai_efisiensi", t=10, r="7.5")
    ('kec', Decimal('101'))
    """
    if not isinstance(path, str | os.PathLike):
        raise UsageError(f"load_file: 'path' must be str or a path, got {type(path).__name__}")
    return _from_file(Path(path), ())


def _named(exc: KinerjaError, origin: str, text: str) -> KinerjaError:
    """``exc`` with every diagnostic that names no file named ``origin`` (its text ``text``)."""
    if all(d.origin is not None for d in exc.diagnostics):
        return exc
    return CheckError(
        [
            d if d.origin is not None else replace(d, origin=origin, source=d.source or text)
            for d in exc.diagnostics
        ],
        source=text,
    )


def _is_file_reference(parent: str) -> bool:
    return parent.endswith(_SUFFIX) or "/" in parent or "\\" in parent


def _from_file(path: Path, chain: tuple[str, ...]) -> Rulebook:
    """Rulebook file ``path``; ``chain`` holds the files extending it, to detect cycles."""
    key = os.path.realpath(path)
    if key in chain:
        raise UsageError(
            f"rulebook files extend each other in a cycle: {' → '.join((*chain, key))}"
        )
    text = strip_bom(read_rulebook_file(path))
    origin = os.fspath(path)
    try:
        header = parse_rulebook(text).header
        if not header.extends:
            return Rulebook.parse(text, origin=origin)
    except UsageError:
        raise
    except KinerjaError as exc:
        # A syntax error points into this file's text but names no file: name it, so an
        # error in a parent file is not reported under the name of the file extending it.
        raise _named(exc, origin, text) from None
    base: Rulebook | None = None
    for parent in header.extends:
        if _is_file_reference(parent):
            target = path.parent / parent
            if not target.is_file():
                raise UsageError(
                    f"{origin}: rulebook '{header.name}' extends '{parent}': "
                    f"no such file {os.fspath(target)}"
                )
            loaded = _from_file(target, (*chain, key))
        elif parent in names():
            loaded = _bundled(parent)
        else:
            raise UsageError(
                f"{origin}: rulebook '{header.name}' extends '{parent}', which is neither a "
                f"bundled rulebook nor a .kinerja file; bundled: {', '.join(names())}"
            )
        if base is None:
            base = loaded
        elif loaded.origin is not None:
            base = base.extend(loaded.text, origin=loaded.origin)
        else:
            base = base.extend(str(loaded))
    assert base is not None
    return base.extend(text, origin=origin)
