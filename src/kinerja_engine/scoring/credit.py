"""Credit points (angka kredit, AK) across years against the next pangkat and jenjang.

Input: an employee's AK history since their last promotion, one :class:`CreditPeriod` per
appraisal period (its predikat and the jenjang held; or the AK as a PAK set it), the golongan
ruang held (optional) and a rulebook with the AK tables (the bundled ``angka-kredit-2023``, or
one that extends it, e.g. ``gajahmungkur``). Output: :func:`accumulate` gives a
:class:`CreditStanding`: every period's AK, the total, and per target (the next pangkat, the
next jenjang) a :class:`CreditTarget` with the cumulative requirement (angka kredit kumulatif,
PermenPANRB 1/2023 Lampiran, data in the rulebook), what remains and how many more periods at
the current predikat close the gap.

Guarantees: every AK is the rulebook's ``angka_kredit(predikat, jenjang, bulan)`` computed
exactly (never rounded per period); the total is compared unrounded and shown rounded once
(``jumlah_angka_kredit``); the periods needed are the exact ceiling of remaining / AK per
period; periods that overlap, a predikat or jenjang the rulebook does not know, or a history
that is empty are errors (:class:`~kinerja_engine.errors.ModelError` naming the entry,
:class:`~kinerja_engine.errors.UsageError`); the results are frozen records with a JSON Schema
whose numbers are exact (:data:`~.typed.Exact`).

Worked example (PermenPANRB 1/2023: Ahli Pertama, coefficient 12.5; AKK for III/a → III/b 50):
two years Baik (12.5 each) and one Sangat Baik (150 % × 12.5 = 18.75) give 43.75; 6.25 remain,
one more year at Sangat Baik.

>>> from kinerja_engine import rulebooks
>>> history = [{"period": "2023", "predikat": "Baik", "jenjang": "Ahli Pertama"},
...            {"period": "2024", "predikat": "Baik", "jenjang": "Ahli Pertama"},
...            {"period": "2025", "predikat": "Sangat Baik", "jenjang": "Ahli Pertama"}]
>>> standing = accumulate(history, rulebooks.load("angka-kredit-2023"), golongan="III/a")
>>> standing.total, standing.pangkat.to, standing.pangkat.remaining, standing.pangkat.periods_needed
(Number('43.75'), 'III/b', Number('6.25'), 1)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Final

from pydantic import field_validator

from ..arguments import require
from ..errors import KinerjaError, ModelError, UsageError
from ..language.formula import Rulebook
from ..models import Dec, Jenjang, Period
from ..models.base import FrozenModel
from ..models.fields import Text, custom_error
from ..values import Label
from .carry import to_exact
from .typed import Exact, Record

__all__ = [
    "CREDIT_TABLES",
    "CreditEntry",
    "CreditPeriod",
    "CreditStanding",
    "CreditTarget",
    "accumulate",
]

#: The rulebook definitions :func:`accumulate` reads (the last two only with a golongan).
CREDIT_TABLES: Final = (
    "angka_kredit",
    "jumlah_angka_kredit",
    "akk_jenjang",
    "jenjang_berikutnya",
    "akk_pangkat",
    "golongan_puncak",
)


class CreditPeriod(FrozenModel):
    """One period of the history: its predikat and the jenjang held (both always given).

    ``months`` defaults to the period's length (a year: 12); ``angka_kredit``, when given
    (e.g. from a PAK of the old rules), is taken as it is instead of being computed from the
    predikat, which still counts: the last period's predikat is the pace of the periods needed.

    >>> CreditPeriod(period="2024-S1", predikat="Baik", jenjang="ahli muda").jenjang
    <Jenjang.AHLI_MUDA: 'Ahli Muda'>
    """

    period: Period
    predikat: Text
    jenjang: Jenjang
    months: int | None = None
    angka_kredit: Dec | None = None

    @field_validator("angka_kredit")
    @classmethod
    def _not_negative(cls, value: Any) -> Any:
        if value is not None and value < 0:
            raise custom_error(f"angka kredit cannot be negative, got {value}")
        return value

    @classmethod
    def of(cls, appraisal: Any, jenjang: Jenjang | str) -> CreditPeriod:
        """The entry of a scored appraisal (its period and final predikat) in ``jenjang``.

        >>> from kinerja_engine import rulebooks
        >>> from kinerja_engine.demo import load_unit
        >>> from kinerja_engine.scoring import appraise
        >>> a = appraise(load_unit().plans[0][0], rulebooks.load("gajahmungkur"))
        >>> entry = CreditPeriod.of(a, "Ahli Muda")
        >>> str(entry.period), entry.predikat == str(a.predikat)
        ('2026-Q1', True)
        """
        predikat = getattr(appraisal, "predikat", None)
        if predikat is None:
            raise UsageError(
                f"appraisal {getattr(appraisal, 'plan_id', '?')} has no predikat "
                "(incomplete or failed): it earns no angka kredit yet"
            )
        return cls.model_validate(
            {"period": appraisal.period, "predikat": str(predikat), "jenjang": jenjang}
        )

    def month_count(self) -> int:
        """The months this entry counts (``months`` or the period's length)."""
        return len(self.period.months) if self.months is None else self.months


class CreditEntry(Record):
    """One period's AK as counted: ``given`` when taken from the history, not computed."""

    period: str
    predikat: str
    jenjang: str
    months: int
    angka_kredit: Exact
    given: bool


class CreditTarget(Record):
    """The next pangkat or jenjang: ``what`` (``pangkat``/``jenjang``), ``to`` (the next
    golongan ruang or jenjang), the cumulative ``requirement``, the AK counted toward it
    (``total``, unrounded), ``remaining`` (never negative) and ``periods_needed`` at the current
    predikat (0 when met; None when a period at that predikat adds no AK). ``with_jenjang``: the
    next pangkat comes only with the next jenjang (the current golongan is the jenjang's top)."""

    what: str
    to: str
    requirement: Exact
    total: Exact
    remaining: Exact
    periods_needed: int | None
    with_jenjang: bool = False

    @property
    def met(self) -> bool:
        """Whether the AK counted reach the requirement."""
        return self.remaining == 0


class CreditStanding(Record):
    """An employee's AK across periods: the entries, the total (exact, and rounded once as the
    rulebook rounds), the current jenjang and predikat (the latest period's), the AK one more
    period like the latest would add, and the targets (None where there is no higher one)."""

    rulebook: str
    jenjang: str
    golongan: str | None
    predikat: str
    months_per_period: int
    ak_per_period: Exact
    total: Exact
    total_rounded: Exact
    entries: tuple[CreditEntry, ...]
    pangkat: CreditTarget | None
    jenjang_berikutnya: CreditTarget | None


def _entries(history: object) -> list[tuple[int, CreditPeriod]]:
    """The entries with their places in ``history``, in period order."""
    if isinstance(history, str | bytes | Mapping) or not isinstance(history, Sequence):
        raise UsageError("accumulate(): parameter 'history' must be a list of periods")
    out = []
    for index, item in enumerate(history):
        try:
            entry = item if isinstance(item, CreditPeriod) else CreditPeriod.model_validate(item)
        except ModelError as exc:
            one = exc.field is not None and len(exc.errors) <= 1
            raise ModelError(
                exc.message.split(": ", 1)[-1] if exc.field else exc.message,
                field=f"history.{index}.{exc.field}" if one else f"history.{index}",
            ) from None
        count = entry.month_count()
        if not 1 <= count <= len(entry.period.months):
            raise ModelError(
                f"months must be 1 to {len(entry.period.months)} for period "
                f"{entry.period}, got {count}",
                field=f"history.{index}.months",
            )
        out.append(entry)
    if not out:
        raise UsageError("accumulate(): the history has no periods")
    seen: dict[tuple[int, int], int] = {}
    for index, entry in enumerate(out):
        for month in entry.period.months:
            key = (entry.period.start.year, month)
            if key in seen:
                raise ModelError(
                    f"period {entry.period} overlaps period {out[seen[key]].period} "
                    f"(history.{seen[key]}): its AK would count twice",
                    field=f"history.{index}.period",
                )
            seen[key] = index
    return sorted(enumerate(out), key=lambda pair: pair[1].period.start)


class _Book:
    """The rulebook's tables, called exactly with labels and Fractions."""

    def __init__(self, book: Rulebook, golongan: bool) -> None:
        needed = CREDIT_TABLES if golongan else CREDIT_TABLES[:4]
        missing = [n for n in needed if n not in book.checked.funcs]
        if missing or (golongan and "golongan" not in book.checked.enums):
            raise UsageError(
                f"rulebook '{book.name}' has no {', '.join(missing or ['golongan'])}"
                " for accumulating angka kredit (see angka-kredit-2023)"
            )
        self.book = book

    def call(self, name: str, **given: Any) -> Any:
        params = list(self.book.signature(name))
        if sorted(params) != sorted(given):  # a table of another shape than angka-kredit-2023's
            raise UsageError(
                f"rulebook '{self.book.name}': '{name}' must take "
                f"{', '.join(given)}, it takes {', '.join(params)}"
            )
        return to_exact(self.book.program.exact(name)(*[given[p] for p in params]))

    def call_list(self, name: str, values: tuple[Fraction, ...]) -> Any:
        """A definition of one list parameter (its name is the author's)."""
        if len(self.book.signature(name)) != 1:
            raise UsageError(f"rulebook '{self.book.name}': '{name}' must take one list")
        return to_exact(self.book.program.exact(name)(values))

    def label(self, enum: str, text: str, field: str) -> Label:
        try:
            return self.book.label(enum, text)
        except KinerjaError as exc:
            raise ModelError(exc.message, field=field) from None


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def _target(
    what: str,
    to: str,
    requirement: Fraction,
    total: Fraction,
    per_period: Fraction,
    with_jenjang: bool = False,
) -> CreditTarget:
    remaining = max(requirement - total, Fraction(0))
    needed = 0 if remaining == 0 else (_ceil(remaining / per_period) if per_period > 0 else None)
    return CreditTarget.build(what, to, requirement, total, remaining, needed, with_jenjang)


def accumulate(
    history: Sequence[CreditPeriod | Mapping[str, Any]],
    rulebook: Rulebook,
    *,
    golongan: str | None = None,
    pangkat_since: Period | str | None = None,
) -> CreditStanding:
    """The AK of ``history`` against the next jenjang and, with ``golongan``, the next pangkat.

    The jenjang target counts the periods since the latest change of jenjang; the pangkat
    target the same periods from ``pangkat_since`` (the first period after the last pangkat
    promotion) on, when given. See the module's docs for the guarantees.
    """
    require(rulebook, Rulebook, "accumulate", "rulebook")
    if golongan is not None:
        require(golongan, str, "accumulate", "golongan")
    since = None
    if pangkat_since is not None:
        since = (
            pangkat_since
            if isinstance(pangkat_since, Period)
            else Period.parse(require(pangkat_since, str, "accumulate", "pangkat_since"))
        )
    entries = _entries(history)
    book = _Book(rulebook, golongan is not None)
    counted = []
    for index, entry in entries:
        predikat = book.label("predikat", entry.predikat, f"history.{index}.predikat")
        jenjang = book.label("jenjang", entry.jenjang.value, f"history.{index}.jenjang")
        months = entry.month_count()
        ak = (
            Fraction(entry.angka_kredit)
            if entry.angka_kredit is not None
            else book.call(
                "angka_kredit", predikat=predikat, jenjang=jenjang, bulan=Fraction(months)
            )
        )
        counted.append((entry, predikat, jenjang, ak))
    _, predikat, jenjang, _ = counted[-1]
    months = entries[-1][1].month_count()
    per_period = book.call(
        "angka_kredit", predikat=predikat, jenjang=jenjang, bulan=Fraction(months)
    )
    # The AK since entering the current jenjang: the trailing run of periods in it.
    start = len(counted)
    while start > 0 and counted[start - 1][2] == jenjang:
        start -= 1
    in_jenjang = counted[start:]
    total_jenjang = sum((ak for *_, ak in in_jenjang), Fraction(0))
    next_jenjang = book.call("jenjang_berikutnya", jenjang=jenjang)
    jenjang_target = None
    requirement = book.call("akk_jenjang", jenjang=jenjang)
    if requirement > 0 and next_jenjang != jenjang:
        jenjang_target = _target(
            "jenjang", next_jenjang.text, requirement, total_jenjang, per_period
        )
    pangkat_target = None
    held = None
    if golongan is not None:
        held = book.label("golongan", golongan, "golongan")
        requirement = book.call("akk_pangkat", golongan=held)
        members = list(rulebook.checked.enums["golongan"].members)
        top = book.call("golongan_puncak", jenjang=jenjang) == held
        position = members.index(held)
        if requirement > 0 and position + 1 < len(members) and not (top and jenjang_target is None):
            window = [
                ak for e, *_, ak in in_jenjang if since is None or e.period.start >= since.start
            ]
            pangkat_target = _target(
                "pangkat",
                members[position + 1].text,
                requirement,
                sum(window, Fraction(0)),
                per_period,
                top,
            )
    total = sum((ak for *_, ak in counted), Fraction(0))
    rounded = book.call_list("jumlah_angka_kredit", tuple(ak for *_, ak in counted))
    return CreditStanding.build(
        rulebook.name,
        jenjang.text,
        None if held is None else held.text,
        predikat.text,
        months,
        per_period,
        total,
        rounded,
        tuple(
            CreditEntry.build(
                str(e.period), p.text, j.text, e.month_count(), ak, e.angka_kredit is not None
            )
            for e, p, j, ak in counted
        ),
        pangkat_target,
        jenjang_target,
    )
