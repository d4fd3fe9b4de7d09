"""Hypothesis strategies for who and when: NIPs, employees, positions, periods, behaviour.

Input: Hypothesis' choices, an employee or period kind, a rulebook (for rating spellings).
Output: strategies of valid input models: :func:`nips`, :func:`positions`,
:func:`employees`, :func:`periods`, :func:`behaviour_ratings` and
:func:`behaviour_assessments`; and the draws :mod:`.strategies_models` builds plans from
(:func:`draw_employee`, :func:`draw_period`, :func:`label_spellings`,
:func:`default_rulebook`). Guarantees: every NIP decodes (``decode_nip`` accepts it for its
kind), every model validates, every rating spelling resolves in its rulebook; every strategy
is deterministic given Hypothesis' choices (no clock, no global random).

>>> isinstance(employees(), st.SearchStrategy)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from hypothesis import strategies as st

from ..language import Rulebook
from ..models import (
    BehaviourAssessment,
    CoreValue,
    Employee,
    EmployeeKind,
    Jenjang,
    JptLevel,
    Period,
    PeriodKind,
    Position,
    PositionCategory,
)
from .values import pick

__all__ = [
    "ALL_PERIOD_KINDS",
    "behaviour_assessments",
    "behaviour_ratings",
    "default_rulebook",
    "draw_employee",
    "draw_period",
    "employees",
    "label_spellings",
    "nips",
    "periods",
    "positions",
]

_NIP_FIRST_BIRTH: Final = date(1900, 1, 1)
_NIP_LAST_BIRTH: Final = date(2010, 12, 31)
_MIN_AGE_MONTHS: Final = 17 * 12
_MAX_AGE_MONTHS: Final = 60 * 12


def _draw_nip(draw: st.DrawFn, kind: EmployeeKind) -> str:
    birth = draw(st.dates(_NIP_FIRST_BIRTH, _NIP_LAST_BIRTH))
    if kind is EmployeeKind.PNS:
        # Month arithmetic as decode_nip does it: 17 to 60 years after the birth month.
        age = draw(st.integers(_MIN_AGE_MONTHS, _MAX_AGE_MONTHS))
        months = birth.year * 12 + birth.month - 1 + age
        middle = f"{months // 12:04d}{months % 12 + 1:02d}"
    else:
        # PPPK: a 4-digit year at least 17 years after the birth year; the 2-digit field after
        # it has no agreed meaning and is not checked.
        year = draw(st.integers(birth.year + 17, birth.year + 60))
        middle = f"{year:04d}{draw(st.integers(0, 99)):02d}"
    gender = pick(draw, "12")
    sequence = draw(st.integers(1, 999))
    return f"{birth:%Y%m%d}{middle}{gender}{sequence:03d}"


def nips(kind: EmployeeKind | str = "PNS") -> st.SearchStrategy[str]:
    """Valid, decodable 18-digit NIPs (no spaces) of ``kind`` (``"PNS"`` or ``"PPPK"``).

    PNS: a real birth date from 1900 to 2010, the CPNS year-month 17 to 60 years after the
    birth month, gender 1 or 2, sequence 001-999. PPPK: the same birth date, gender and
    sequence, a 4-digit year 17 to 60 years after the birth year and any 2-digit field.

    >>> from hypothesis import given, settings
    >>> from kinerja_engine.models import decode_nip
    >>> @settings(max_examples=20, database=None)
    ... @given(nips(), nips("PPPK"))
    ... def check(pns, pppk):
    ...     assert decode_nip(pns).sequence >= 1 and decode_nip(pppk, "PPPK").gender in "LP"
    >>> check()
    """
    return st.composite(_draw_nip)(EmployeeKind(kind))


_FIRST_NAMES: Final = ("Siti", "Budi", "Rina", "Slamet", "Dwi", "Agus", "Nur", "Wahyu", "Ayu")
_LAST_NAMES: Final = ("Rahma", "Santoso", "Lestari", "Hidayat", "Purnomo", "Wulandari")
_TITLES: Final = ("", "", "Drs. ", "dr. ", "Ir. ")
_UNITS: Final = ("kec-gajahmungkur", "dinkes", "puskesmas-pegandan", "sdn-1", "bkpsdm")
_POSITION_NAMES: Final = (
    "Pengelola Layanan",
    "Analis Kebijakan",
    "Perawat",
    "Guru",
    "Kepala Seksi",
)


def _draw_name(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        # Any text that is not blank: names come from forms, in every script.
        return draw(
            st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30).filter(
                str.strip
            )
        )
    first = pick(draw, _FIRST_NAMES)
    last = pick(draw, ("", *_LAST_NAMES))
    return f"{pick(draw, _TITLES)}{first} {last}".strip()


def _draw_position(draw: st.DrawFn) -> Position:
    category = pick(draw, list(PositionCategory))
    jenjang = pick(draw, list(Jenjang)) if category is PositionCategory.FUNGSIONAL else None
    level = None
    if category is PositionCategory.JPT:
        level = pick(draw, (None, *JptLevel))
    return Position(
        name=pick(draw, _POSITION_NAMES), category=category, jenjang=jenjang, level=level
    )


def positions() -> st.SearchStrategy[Position]:
    """Valid positions: every category; a jenjang exactly for Fungsional, a level only for JPT.

    >>> isinstance(positions(), st.SearchStrategy)
    True
    """
    return st.composite(_draw_position)()


def draw_employee(
    draw: st.DrawFn, kind: EmployeeKind | None, is_unit_head: bool | None
) -> Employee:
    """Draw one valid employee inside an ``@st.composite`` (what :func:`employees` builds).

    ``kind`` and ``is_unit_head`` fix those fields; ``None`` draws them. For the kit's own
    strategies (not exported by :mod:`kinerja_engine.testing`).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(st.composite(draw_employee)(EmployeeKind.PPPK, True))
    ... def check(employee):
    ...     assert employee.kind is EmployeeKind.PPPK and employee.is_unit_head
    >>> check()
    """
    chosen = pick(draw, list(EmployeeKind)) if kind is None else kind
    head = draw(st.booleans()) if is_unit_head is None else is_unit_head
    return Employee(
        nip=_draw_nip(draw, chosen),
        name=_draw_name(draw),
        kind=chosen,
        position=_draw_position(draw),
        unit=pick(draw, _UNITS),
        is_unit_head=head,
    )


def employees(
    kind: EmployeeKind | str | None = None, *, is_unit_head: bool | None = False
) -> st.SearchStrategy[Employee]:
    """Valid :class:`~kinerja_engine.models.Employee` models with decodable NIPs.

    ``kind`` fixes PNS or PPPK (both by default); ``is_unit_head=None`` draws it too.

    >>> isinstance(employees("PPPK"), st.SearchStrategy)
    True
    """
    return st.composite(draw_employee)(None if kind is None else EmployeeKind(kind), is_unit_head)


#: Every period kind, in order: the default of :func:`periods` and of ``plans()``.
ALL_PERIOD_KINDS: Final = tuple(PeriodKind)


def draw_period(draw: st.DrawFn, kinds: tuple[PeriodKind, ...], years: tuple[int, int]) -> Period:
    """Draw one period of ``kinds`` within ``years`` (inclusive) inside an ``@st.composite``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(st.composite(draw_period)((PeriodKind.SEMESTER,), (2026, 2026)))
    ... def check(period):
    ...     assert str(period) in ("2026-S1", "2026-S2")
    >>> check()
    """
    kind = pick(draw, kinds)
    count = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.SEMESTER: 2}.get(kind, 1)
    return Period(kind, draw(st.integers(*years)), draw(st.integers(1, count)))


def periods(
    kinds: Sequence[PeriodKind | str] = ALL_PERIOD_KINDS, *, years: tuple[int, int] = (1900, 2999)
) -> st.SearchStrategy[Period]:
    """Periods of the given kinds (month, quarter, semester, year; Indonesian names too).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(periods(["triwulan"], years=(2026, 2026)))
    ... def check(period):
    ...     assert str(period).startswith("2026-Q")
    >>> check()
    """
    chosen = tuple(dict.fromkeys(PeriodKind(k) for k in kinds))
    if not chosen:
        raise ValueError("periods() needs at least one period kind")
    if not 1900 <= years[0] <= years[1] <= 2999:
        raise ValueError(f"years must be an interval within 1900-2999, got {years}")
    return st.composite(draw_period)(chosen, years)


# --------------------------------------------------------------------------- behaviour


def default_rulebook() -> Rulebook:
    """The rulebook strategies use when given none: the national ``permenpanrb-6-2022``.

    >>> default_rulebook().name
    'permenpanrb-6-2022'
    """
    from .. import rulebooks  # noqa: PLC0415 - loaded on first use only

    return rulebooks.load("permenpanrb-6-2022")


# Spellings per (rulebook object, enum); the entry keeps its rulebook alive, so ids are not reused.
_SPELLINGS: dict[tuple[int, str], tuple[Rulebook, tuple[str, ...]]] = {}


def label_spellings(rulebook: Rulebook, enum: str) -> tuple[str, ...]:
    """Spellings of the members of ``enum`` in ``rulebook`` that resolve to a member: names,
    texts and aliases in several cases, with spaces, underscores or hyphens (cached).

    >>> "di atas ekspektasi" in label_spellings(default_rulebook(), "rating")
    True
    """
    found = _SPELLINGS.get((id(rulebook), enum))
    if found is None:
        if len(_SPELLINGS) > 256:
            _SPELLINGS.clear()
        found = _SPELLINGS[(id(rulebook), enum)] = (rulebook, _enum_spellings(rulebook, enum))
    return found[1]


def _enum_spellings(rulebook: Rulebook, enum: str) -> tuple[str, ...]:
    info = rulebook.enum(enum)
    written: list[str] = []
    for label in info.members:
        written += [label.name, label.text or label.name]
    written += list(info.spellings)  # aliases, as normalised keys ("diatas", "above")
    variants: list[str] = []
    for text in dict.fromkeys(written):
        variants += [
            text,
            text.upper(),
            text.lower(),
            text.title(),
            text.replace(" ", "_"),
            text.replace(" ", "-"),
            f"  {text.replace(' ', '  ')} ",
        ]
    return tuple(dict.fromkeys(variants))


def behaviour_ratings(rulebook: Rulebook | None = None) -> st.SearchStrategy[str]:
    """Spellings of the rulebook's ``rating`` members that resolve: names, texts and aliases,
    in any case, with spaces, underscores or hyphens (default rulebook: permenpanrb-6-2022).

    >>> from hypothesis import given, settings
    >>> from kinerja_engine import rulebooks
    >>> book = rulebooks.load("permenpanrb-6-2022")
    >>> @settings(max_examples=30, database=None)
    ... @given(behaviour_ratings(book))
    ... def check(text):
    ...     assert book.label("rating", text).enum == "rating"
    >>> check()
    """
    return st.sampled_from(label_spellings(rulebook or default_rulebook(), "rating"))


def behaviour_assessments(rulebook: Rulebook | None = None) -> st.SearchStrategy[
    BehaviourAssessment
]:  # fmt: skip
    """:class:`~kinerja_engine.models.BehaviourAssessment` models whose rating is one of
    :func:`behaviour_ratings`, sometimes with notes per BerAKHLAK core value.

    >>> isinstance(behaviour_assessments(), st.SearchStrategy)
    True
    """
    return st.builds(
        BehaviourAssessment,
        rating=behaviour_ratings(rulebook),
        per_value=st.dictionaries(
            st.sampled_from(list(CoreValue)), st.sampled_from(("baik", "perlu ditingkatkan"))
        ),
    )
