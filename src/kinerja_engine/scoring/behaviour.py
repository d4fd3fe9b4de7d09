"""The panduan perilaku (behaviour guides) of the BerAKHLAK core values, read from a rulebook.

Input: a :class:`~kinerja_engine.language.Rulebook` that declares the enums ``nilai_dasar``
(the core values) and ``panduan_perilaku`` (the guides, display text = the guide's wording)
with the tables ``nomor_nilai_dasar(n)``, ``nilai_dasar_panduan(p)`` and ``nomor_panduan(p)``
(entry points of :data:`~.contract.ENTRY_POINTS`; the bundled ``permenpanrb-6-2022`` has the
21 guides of SE MenPANRB 20/2021). Output: :func:`panduan_perilaku`, the guides in the
regulation's order as :class:`Panduan` values; ``()`` for a rulebook without them.
Guarantees: the numbering is checked (core values numbered 1, 2, … without gaps or repeats,
guides 1, 2, … within each value), a rulebook that breaks it is a
:class:`~kinerja_engine.errors.UsageError` naming the value; the result is computed once per
rulebook object (a bounded cache), so explaining many appraisals reads the tables once.

>>> from kinerja_engine import rulebooks
>>> guides = panduan_perilaku(rulebooks.load("permenpanrb-6-2022"))
>>> len(guides), guides[0].code, guides[0].text
(21, '1.1', 'Memahami dan memenuhi kebutuhan masyarakat')
>>> guides[-1].nilai_dasar.text, guides[-1].code
('Kolaboratif', '7.3')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..arguments import require
from ..errors import KinerjaError, UsageError
from ..language.formula import Rulebook
from ..values import Label

__all__ = ["BEHAVIOUR_TABLES", "Panduan", "panduan_perilaku"]

#: The rulebook's tables the guides are read from (each an optional entry point).
BEHAVIOUR_TABLES: Final = ("nomor_nilai_dasar", "nilai_dasar_panduan", "nomor_panduan")

_CACHE_SIZE: Final = 64
_cache: dict[int, tuple[Rulebook, tuple[Panduan, ...]]] = {}


@dataclass(frozen=True, slots=True)
class Panduan:
    """One behaviour guide: its core value, the value's number, its own number, its member.

    ``code`` is the regulation's numbering (``"2.3"``: value 2, guide 3); ``text`` the
    guide's wording.
    """

    nilai_dasar: Label
    nomor_nilai: int
    nomor: int
    label: Label

    @property
    def code(self) -> str:
        """The guide's number as the form prints it: ``value.guide``."""
        return f"{self.nomor_nilai}.{self.nomor}"

    @property
    def text(self) -> str:
        """The guide's wording (the member's display text)."""
        return self.label.text


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not hasattr(value, "as_integer_ratio"):
        raise UsageError(f"{what} must be a whole number, got {value!r}")
    numerator, denominator = value.as_integer_ratio()
    if denominator != 1 or numerator < 1:
        raise UsageError(f"{what} must be a whole number from 1, got {value}")
    return int(numerator)


def _read(book: Rulebook) -> tuple[Panduan, ...]:
    enums = book.checked.enums
    if "panduan_perilaku" not in enums or "nilai_dasar" not in enums:
        return ()
    missing = [name for name in BEHAVIOUR_TABLES if name not in book.checked.funcs]
    if missing:
        raise UsageError(
            f"rulebook '{book.name}' declares panduan_perilaku but not {', '.join(missing)}"
        )
    where = f"rulebook '{book.name}'"

    def call(table: str, member: Label) -> object:
        (param,) = book.signature(table)  # a table over one enum; its parameter's own name
        return book.evaluate(table, **{param: member})

    try:
        numbers = {
            value: _whole(call("nomor_nilai_dasar", value), f"{where}: {value}")
            for value in enums["nilai_dasar"].members
        }
        guides = []
        for member in enums["panduan_perilaku"].members:
            value = call("nilai_dasar_panduan", member)
            if not isinstance(value, Label) or value.enum != "nilai_dasar":
                raise UsageError(
                    f"{where}: nilai_dasar_panduan({member.name}) is not a nilai_dasar"
                )
            nomor = _whole(call("nomor_panduan", member), f"{where}: {member.name}")
            guides.append(Panduan(value, numbers[value], nomor, member))
    except UsageError:
        raise
    except KinerjaError as exc:  # a table that does not evaluate
        raise UsageError(f"{where}: the panduan perilaku cannot be read: {exc.message}") from exc
    except ValueError:  # a table over more than one enum
        raise UsageError(f"{where}: the panduan perilaku tables take one parameter each") from None
    if sorted(numbers.values()) != list(range(1, len(numbers) + 1)):
        raise UsageError(f"{where}: the core values are not numbered 1 to {len(numbers)}")
    for value in numbers:
        own = sorted(g.nomor for g in guides if g.nilai_dasar == value)
        if own != list(range(1, len(own) + 1)):
            raise UsageError(
                f"{where}: the panduan perilaku of {value.text} are numbered {own}, "
                f"not 1 to {len(own)}"
            )
    return tuple(sorted(guides, key=lambda g: (g.nomor_nilai, g.nomor)))


def panduan_perilaku(book: Rulebook) -> tuple[Panduan, ...]:
    """The behaviour guides of ``book`` in the regulation's order (see the module's docs).

    >>> from kinerja_engine import Rulebook
    >>> panduan_perilaku(Rulebook.parse('rulebook "kosong"'))
    ()
    """
    require(book, Rulebook, "panduan_perilaku", "book")
    hit = _cache.get(id(book))
    if hit is not None and hit[0] is book:
        return hit[1]
    guides = _read(book)
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    _cache[id(book)] = (book, guides)
    return guides
