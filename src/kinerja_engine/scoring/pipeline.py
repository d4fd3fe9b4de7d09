"""Phase 4, score: typed plans in, explained appraisals out, driven by a rulebook.

Input: a :class:`~kinerja_engine.models.Plan` (the SKP with its realisations, behaviour rating
and overrides) and a :class:`~kinerja_engine.language.Rulebook`. Output: a frozen
:class:`Appraisal` with per-indicator and per-RHK breakdowns and a trace of every step.
Guarantees: every number comes from the rulebook's definitions, not from Python constants;
values are carried exactly (fractions) between stages and rounded only where the rulebook says
(display rounds to 2 places, half up); a missing realisation is "not yet reported", never 0;
nothing is read from the clock, the environment or files.

The rulebook entry points the pipeline calls (a rulebook lacking an optional one gets the
documented behaviour):

=============================  ===========================================================
``capaian_<kind>(realisasi, target)``  capaian of an indicator of that kind (or direction:
                                 ``higher``/``lower``); ``capaian_range(realisasi, lo, hi)``
``nilai_rhk(capaian, bobot)``    an RHK's value from its indicators' capaian and weights
``nilai_hasil_kerja(nilai, bobot)``  the overall value from the RHKs
``rating_hasil_kerja(nilai)``    optional band: the *recommended* rating; without it the
                                 evaluator's rating (an override) is required
``predikat_kinerja(hasil, perilaku)``  the matrix from the two ratings to the predikat
``konversi_*``                   conversions (allowance, credit points); their parameters
                                 are bound by name: predikat, nilai_hasil_kerja,
                                 rating_hasil_kerja, rating_perilaku, bulan, jenjang
``kebijakan_realisasi_kosong``   ``kebijakan_kosong.kecualikan`` or ``.tidak_lengkap``
``agregasi_tahunan``             the annual aggregation policy (enum ``agregasi``)
=============================  ===========================================================

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> book = rulebooks.load("permenpanrb-6-2022").extend(
...     'rulebook "lokal" band rating_hasil_kerja(nilai) {'
...     '[100, inf) -> rating.di_atas, [80, 100) -> rating.sesuai, (-inf, 80) -> rating.di_bawah}'
...     ' param kebijakan_realisasi_kosong = kebijakan_kosong.kecualikan')
>>> result = appraise(example_plan(), book)
>>> format_number_id(result.nilai_hasil_kerja), str(result.rating_hasil_kerja_rekomendasi)
('83,33', 'Sesuai Ekspektasi')
>>> result.status, result.notes[0]
('incomplete', 'realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang')
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from ..errors import KinerjaError, ModelError, UsageError
from ..formatting import format_number
from ..language.builtins import FAST
from ..language.checker import BandInfo
from ..language.formula import Formula, Rulebook
from ..models.plan import Direction, Indicator, Period, Plan, RhkKind, TargetRange
from ..values import Label, fraction_to_decimal, normalize, round_half_up

__all__ = [
    "Appraisal",
    "DistributionReport",
    "IndicatorResult",
    "RhkResult",
    "Step",
    "Violation",
    "appraise",
    "appraise_many",
    "appraise_year",
    "check_distribution",
    "format_number_id",
]


# --------------------------------------------------------------------------- formatting


def format_number_id(
    value: Fraction | Decimal | int, places: int = 2, *, fixed: bool = False
) -> str:
    """Indonesian number format, half-up rounded: thousands with '.', decimals with ','.

    Kept for callers of 0.1; the same as ``format_number(value, "id", places, fixed=fixed)``
    of :mod:`kinerja_engine.formatting`.

    >>> format_number_id(Decimal("1234.5")), format_number_id(Fraction(1, 3)), format_number_id(95)
    ('1.234,50', '0,33', '95')
    >>> format_number_id(117, 1, fixed=True)
    '117,0'
    """
    return format_number(value, "id", places, fixed=fixed)


# Fractions of the Decimals that recur from plan to plan (targets, realisasi, capaian):
# a Fraction costs ~1 µs to build, a look-up ~0.1 µs. Equal Decimals give equal Fractions.
_FRACTIONS: dict[Decimal, Fraction] = {}


def _fraction(value: Decimal) -> Fraction:
    found = _FRACTIONS.get(value)
    if found is None:
        if len(_FRACTIONS) > 50_000:  # bounded: memory stays flat over any number of plans
            _FRACTIONS.clear()
        found = _FRACTIONS[value] = Fraction(value)
    return found


def _exact(value: Any) -> Any:
    """Internal carry: numbers as Fractions (exact), everything else unchanged."""
    kind = type(value)
    if kind is Decimal:
        return _fraction(value)
    if kind is Label or kind is bool or kind is Fraction:
        return value
    if isinstance(value, Decimal):
        return Fraction(value)
    if isinstance(value, tuple):
        return tuple(_exact(v) for v in value)
    return value


def _public(value: Fraction) -> Decimal:
    return normalize(fraction_to_decimal(value))


def _json(value: Any) -> Any:
    if isinstance(value, Fraction | Decimal):
        return str(_public(Fraction(value)))
    if isinstance(value, Label):
        return {"enum": value.enum, "name": value.name, "text": value.text}
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, TargetRange):
        return {"lo": _json(value.lo), "hi": _json(value.hi)}
    return value


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the trace: what was computed, by which rule, from what, giving what.

    ``detail`` records the band row or matrix cell chosen, a cap that bit, or a policy applied.
    """

    what: str
    subject: str
    rule: str
    inputs: Mapping[str, Any]
    result: Any
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the step."""
        return {
            "what": self.what,
            "subject": self.subject,
            "rule": self.rule,
            "inputs": _json(dict(self.inputs)),
            "result": _json(self.result),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """The outcome of one indicator (IKI). ``status``: reported, not_reported, not_applicable."""

    id: str
    name: str
    unit_of_measure: str
    direction: str
    target: Any
    realisasi: Fraction | None
    status: str
    capaian: Fraction | None
    weight: Fraction
    rule: str
    capped_from: Fraction | None = None

    @property
    def counted(self) -> bool:
        """Whether the indicator entered the RHK value."""
        return self.capaian is not None


@dataclass(frozen=True, slots=True)
class RhkResult:
    """The outcome of one RHK: its weighted value and its indicators."""

    id: str
    description: str
    kind: str
    weight: Fraction
    nilai: Fraction | None
    indicators: tuple[IndicatorResult, ...]


@dataclass(frozen=True, slots=True)
class Appraisal:
    """An explained appraisal of one plan. ``status``: complete, incomplete or error.

    Numbers are exact fractions internally; the ``*_decimal`` helpers and :meth:`to_dict`
    give decimals. Recommendations and the final values after overrides are both kept.
    """

    plan_id: str
    employee: str
    employee_name: str
    unit: str
    period: str
    status: str
    rhk: tuple[RhkResult, ...] = ()
    nilai_hasil_kerja: Fraction | None = None
    rating_hasil_kerja_rekomendasi: Label | None = None
    rating_hasil_kerja: Label | None = None
    rating_perilaku: Label | None = None
    predikat_rekomendasi: Label | None = None
    predikat: Label | None = None
    overrides: tuple[tuple[str, Any, Any, str], ...] = ()
    conversions: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    trace: tuple[Step, ...] = ()
    error: str | None = None
    rulebook: str = ""

    @property
    def ok(self) -> bool:
        """False for an error result."""
        return self.status != "error"

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of one indicator by id."""
        for rhk in self.rhk:
            for ind in rhk.indicators:
                if ind.id == indicator_id:
                    return ind
        raise UsageError(f"appraisal {self.plan_id} has no indicator '{indicator_id}'")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready structure: every number as a decimal string, labels as objects."""
        return {
            "plan_id": self.plan_id,
            "employee": self.employee,
            "employee_name": self.employee_name,
            "unit": self.unit,
            "period": self.period,
            "status": self.status,
            "rulebook": self.rulebook,
            "rhk": [
                {
                    "id": r.id,
                    "description": r.description,
                    "kind": r.kind,
                    "weight": _json(r.weight),
                    "nilai": _json(r.nilai),
                    "indicators": [
                        {
                            "id": i.id,
                            "name": i.name,
                            "unit_of_measure": i.unit_of_measure,
                            "direction": i.direction,
                            "target": _json(i.target),
                            "realisasi": _json(i.realisasi),
                            "status": i.status,
                            "capaian": _json(i.capaian),
                            "capped_from": _json(i.capped_from),
                            "weight": _json(i.weight),
                            "rule": i.rule,
                        }
                        for i in r.indicators
                    ],
                }
                for r in self.rhk
            ],
            "nilai_hasil_kerja": _json(self.nilai_hasil_kerja),
            "rating_hasil_kerja_rekomendasi": _json(self.rating_hasil_kerja_rekomendasi),
            "rating_hasil_kerja": _json(self.rating_hasil_kerja),
            "rating_perilaku": _json(self.rating_perilaku),
            "predikat_rekomendasi": _json(self.predikat_rekomendasi),
            "predikat": _json(self.predikat),
            "overrides": [
                {"what": w, "recommended": _json(a), "value": _json(b), "reason": r}
                for w, a, b, r in self.overrides
            ],
            "conversions": _json(dict(self.conversions)),
            "notes": list(self.notes),
            "trace": [s.to_dict() for s in self.trace],
            "error": self.error,
        }

    def to_json(self) -> str:
        """The appraisal as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def explain(self, lang: str = "id") -> str:
        """The appraisal as text for the employee: Indonesian (``"id"``) or English (``"en"``)."""
        from ..report.explain import render  # noqa: PLC0415 - rendering is only needed on request

        return render(self, lang)


# --------------------------------------------------------------------------- the pipeline


class _Book:
    """What the pipeline needs from one rulebook, looked up once instead of on every plan.

    Everything here is derived from the checked, compiled rulebook (immutable), so sharing it
    between appraisals changes no result: definitions' entry points, constant parameters,
    signatures, the conversions in rulebook order, band rows as text, enum spellings resolved.
    """

    __slots__ = (
        "book",
        "conversions",
        "exact",
        "formulas",
        "label",
        "labels",
        "names",
        "params",
        "program",
        "raw",
        "rows",
        "signatures",
    )

    def __init__(self, book: Rulebook) -> None:
        checked = book.checked
        self.book = book
        self.program = book.program
        self.names = frozenset(checked.consts) | frozenset(checked.funcs)
        self.exact = book.program._exact
        self.raw: dict[str, Callable[..., Any]] = {}
        self.params: dict[str, Any] = {}
        self.signatures: dict[str, tuple[str, ...]] = {}
        self.conversions = tuple(
            (name, self.signature(name))
            for name in book
            if name.startswith("konversi_") and name in checked.funcs
        )
        self.rows: dict[str, tuple[tuple[Any, ...], ...] | None] = {}
        self.label = f"{book.name} {book.version}".strip()
        self.labels: dict[tuple[str, str], Label] = {}
        self.formulas: dict[str, Formula] = {}

    def resolve(self, enum: str, text: str, what: str) -> Label:
        """The member of ``enum`` written ``text``; successes are remembered (errors name
        ``what``, so they are raised afresh every time)."""
        key = (enum, text)
        label = self.labels.get(key)
        if label is None:
            label = self.book.checked.enums[enum].resolve(text, what)
            if len(self.labels) < 10_000:
                self.labels[key] = label
        return label

    def entry(self, name: str) -> Callable[..., Any]:
        fn = self.raw.get(name)
        if fn is None:
            self.known(name)
            fn = self.raw[name] = self.program.raw(name)
        return fn

    def exact_entry(self, name: str) -> Callable[..., Any]:
        self.known(name)
        return self.exact[name]

    def known(self, name: str) -> None:
        """A definition the pipeline calls must exist: a rulebook that lacks one (say
        ``nilai_rhk``) is refused with its name, never with a bare ``KeyError``."""
        if name not in self.names:
            raise UsageError(f"rulebook '{self.book.name}' has no definition '{name}'")

    def signature(self, name: str) -> tuple[str, ...]:
        sig = self.signatures.get(name)
        if sig is None:
            sig = self.signatures[name] = tuple(p for p, _ in self.program.signature(name))
        return sig

    def band_rows(self, name: str) -> tuple[tuple[Any, ...], ...] | None:
        """Rows of band ``name`` with their interval text, or None if it is not a band."""
        if name in self.rows:
            return self.rows[name]
        info = self.book.checked.funcs.get(name)
        rows = None
        if isinstance(info, BandInfo):
            built = []
            for lo, lo_closed, hi, hi_closed, _ in info.rows:
                left = "[" if lo_closed else "("
                right = "]" if hi_closed else ")"
                lo_text = "-inf" if lo is None else format_number(lo)
                hi_text = "inf" if hi is None else format_number(hi)
                built.append((lo, lo_closed, hi, hi_closed, f"{left}{lo_text}, {hi_text}{right}"))
            rows = tuple(built)
        self.rows[name] = rows
        return rows


# Per compiled program; the entry keeps its rulebook alive, so an id is never reused while
# cached. Bounded: rulebooks built on the fly (with_params in a loop) do not accumulate.
_BOOKS: dict[int, _Book] = {}
_MAX_BOOKS = 64
_MAX_FORMULAS = 1_000


def _book_info(book: Rulebook) -> _Book:
    info = _BOOKS.get(id(book.program))
    if info is None or info.program is not book.program:
        if len(_BOOKS) >= _MAX_BOOKS:
            _BOOKS.clear()
        info = _BOOKS[id(book.program)] = _Book(book)
    return info


class _Run:
    """One appraisal in progress: the rulebook's definitions, a trace and the employee."""

    __slots__ = ("book", "info", "notes", "plan", "trace", "tracing", "who")

    def __init__(self, plan: Plan, book: Rulebook, tracing: bool = True) -> None:
        self.plan = plan
        self.book = book
        self.info = _book_info(book)
        self.trace: list[Step] = []
        # Without a trace the steps are not built at all: call sites test ``tracing`` first,
        # so neither their inputs nor their band-row text is computed (the batch path).
        self.tracing = tracing
        self.notes: list[str] = []
        employee = plan.employee
        self.who = f"{employee.nip} ({employee.name})"

    def has(self, name: str) -> bool:
        return name in self.info.names

    def call(self, name: str, *args: Any) -> Any:
        """Call a rulebook definition exactly with internal (Fraction/Label) arguments.

        Arguments that are finite decimals run on the fast (Decimal) path, the others on the
        exact one; both give the same exact value, returned as a Fraction.
        """
        fast = _fast_args(args)
        if fast is None:  # a non-terminating fraction: only the exact path can take it
            return _exact(self.info.exact_entry(name)(*args))
        return _exact(self.info.entry(name)(*fast))

    def call_fast(self, name: str, *args: Any) -> Any:
        """Like :meth:`call` with arguments already Decimal (or labels): the raw result."""
        return self.info.entry(name)(*args)

    def call_carry(self, name: str, args: Sequence[Any], fast: Sequence[Any] | None) -> Any:
        """:meth:`call` where ``fast`` are the same arguments as Decimals, when all are known.

        Returns ``(exact, raw)``: the Fraction result and the raw one (a Decimal to carry into
        the next call, or None when the exact path was taken).
        """
        if fast is None:
            result = self.call(name, *args)
            return result, _decimal_of(result)
        raw = self.info.entry(name)(*fast)
        return _exact(raw), (raw if type(raw) is Decimal else _decimal_of(raw))

    def param(self, name: str, default: Any) -> Any:
        if name not in self.info.names:
            return default
        params = self.info.params
        if name not in params:
            params[name] = self.call(name)
        return params[name]

    def step(self, what: str, subject: str, rule: str, inputs: Mapping[str, Any], result: Any,
             detail: str = "") -> None:  # fmt: skip
        if self.tracing:
            self.trace.append(Step(what, subject, rule, dict(inputs), result, detail))

    def fail(self, message: str) -> KinerjaError:
        return KinerjaError(f"employee {self.who}, plan {self.plan.id}: {message}")


_FAST_DIVIDE = FAST.divide


def _terminating(value: Fraction) -> Decimal:
    """A Fraction as an exact Decimal (raises ``Inexact`` if it does not terminate)."""
    if value.denominator == 1:
        return Decimal(value.numerator)
    # The FAST context traps Inexact: a quotient that does not terminate (within its
    # precision) raises instead of rounding, and the caller takes the exact path.
    return _FAST_DIVIDE(Decimal(value.numerator), Decimal(value.denominator))


# Decimal forms of the weights and counts that recur in every plan (100, 50, 100/3, …).


_DECIMALS: dict[tuple[int, int], Decimal | None] = {}


def _decimal_of(value: Any) -> Decimal | None:
    """The exact Decimal of a Fraction, or None if it does not terminate (or is not a number)."""
    if type(value) is not Fraction:
        return value if type(value) is Decimal else None
    key = (value.numerator, value.denominator)
    found = _DECIMALS.get(key, False)
    if found is not False:
        return found  # type: ignore[return-value]
    try:
        result: Decimal | None = _terminating(value)
    except ArithmeticError:
        result = None
    if len(_DECIMALS) > 10_000:  # bounded: weights and counts recur, other values do not
        _DECIMALS.clear()
    _DECIMALS[key] = result
    return result


def _fast_args(args: Sequence[Any]) -> list[Any] | None:
    """Arguments for the fast path (Fractions as exact Decimals, tuples element-wise, labels
    as they are), or None when a Fraction does not terminate. Remembered per value, so the
    weights 100/3 that recur in every plan do not raise and catch ``Inexact`` each time."""
    out: list[Any] = []
    for value in args:
        kind = type(value)
        converted: Any
        if kind is Fraction:
            converted = _decimal_of(value)
        elif kind is tuple:
            inner = _fast_args(value)
            converted = None if inner is None else tuple(inner)
        else:
            converted = value
        if converted is None:
            return None
        out.append(converted)
    return out


def _decimals(values: Sequence[Any]) -> tuple[Decimal, ...] | None:
    out = []
    for value in values:
        dec = _decimal_of(value)
        if dec is None:
            return None
        out.append(dec)
    return tuple(out)


# Enum members' values: ``member.value`` goes through a descriptor, a dict look-up does not.
_VALUE: dict[Enum, str] = {m: m.value for enum in (Direction, RhkKind) for m in enum}

_FORMULA_INPUTS = {"realisasi": "number", "target": "number", "lo": "number", "hi": "number"}


def _indicator_formula(run: _Run, text: str) -> Formula:
    """An indicator's own formula, compiled against the rulebook once per text.

    The cache lives with the rulebook's other derived data (so a new rulebook never sees an
    old one's formulas) and is bounded: a service fed endless distinct texts stays flat.
    """
    cache = run.info.formulas
    formula = cache.get(text)
    if formula is None:
        formula = run.book.formula(text, inputs=_FORMULA_INPUTS)
        if len(cache) >= _MAX_FORMULAS:
            cache.clear()
        cache[text] = formula
    return formula


def _capaian(
    run: _Run, ind: Indicator, realisasi: Fraction, target: Any, value: Decimal
) -> tuple[Fraction, str, Decimal | None]:
    """Capaian of one indicator from its kind, its own formula, or its direction.

    ``value`` is the realisation as given (the Decimal that ``realisasi`` is exactly). Also
    returns the capaian as a Decimal when the fast path computed it (None otherwise).
    """
    if isinstance(target, TargetRange):
        lo_d, hi_d = target.lo, target.hi
    else:
        lo_d = hi_d = target
    if ind.formula is not None:
        formula = _indicator_formula(run, ind.formula)
        given = {"realisasi": value, "lo": lo_d, "hi": hi_d, "target": hi_d}
        result = _exact(formula.evaluate_exact(**{k: given[k] for k in formula.inputs}))
        if run.tracing:
            run.step("capaian", ind.id, ind.formula,
                     {k: _fraction(given[k]) for k in formula.inputs}, result)  # fmt: skip
        return result, ind.formula, None
    name = f"capaian_{ind.kind or _VALUE[ind.direction]}"
    if not run.has(name):
        raise run.fail(
            f"indicator '{ind.id}': rulebook '{run.book.name}' has no definition '{name}'"
        )
    params = run.info.signature(name)
    # The model's Decimals go to the fast path as they are: converting them to Fractions and
    # back would give equal numbers (the result is the same exact value either way). Every
    # parameter but realisasi and lo is the target (the upper end of a range).
    by_name = {"realisasi": value, "lo": lo_d}
    raw = run.call_fast(name, *[by_name.get(p, hi_d) for p in params])
    result = _exact(raw)
    if run.tracing:
        shown = {"realisasi": realisasi, "lo": _fraction(lo_d)}
        hi = _fraction(hi_d)
        run.step("capaian", ind.id, name, {p: shown.get(p, hi) for p in params}, result)
    return result, name, raw if type(raw) is Decimal else None


# Equal weights by count (100, 50, 100/3, …): the same few lists in every plan.
_EQUAL_WEIGHTS: dict[int, tuple[Fraction, ...]] = {}


def _clear_caches() -> None:
    """Forget every per-process cache of this module (rulebook lookups, converted numbers,
    equal weights): the reference path and the tests start cold, so no result can depend on
    what an earlier plan or test left behind."""
    _BOOKS.clear()
    _FRACTIONS.clear()
    _DECIMALS.clear()
    _EQUAL_WEIGHTS.clear()


def _weights(run: _Run, given: list[Fraction | None], what: str) -> Sequence[Fraction]:
    """Explicit weights must sum to exactly 100 %; no weights at all means equal weights."""
    # Identity tests only: list.count(None) would call Fraction.__eq__ on every weight.
    weights = [w for w in given if w is not None]
    if not weights:
        count = len(given)
        equal = _EQUAL_WEIGHTS.get(count)
        if equal is None:
            equal = (Fraction(100, count),) * count if count else ()
            if count <= 100:  # bounded: plans have a handful of indicators
                _EQUAL_WEIGHTS[count] = equal
        return equal
    if len(weights) != len(given):
        raise run.fail(f"{what}: either every weight is given or none is")
    if all(w.denominator == 1 for w in weights):  # whole percentages: add integers
        total = Fraction(sum(w.numerator for w in weights))
    else:
        total = sum(weights, Fraction(0))
    if total != 100:
        raise run.fail(
            f"{what}: weights add up to {format_number(total)} %, not 100 % "
            '(write thirds exactly, e.g. "100/3")'
        )
    return weights


def _band_row(run: _Run, name: str, value: Fraction) -> str:
    rows = run.info.band_rows(name)
    if rows is None:
        return ""
    for lo, lo_closed, hi, hi_closed, text in rows:
        above = lo is None or (value >= lo if lo_closed else value > lo)
        below = hi is None or (value <= hi if hi_closed else value < hi)
        if above and below:
            return f"{_shown_inside(value, lo, lo_closed, hi, hi_closed)} ∈ {text}"
    return ""


def _shown_inside(value: Fraction, lo: Fraction | None, lo_closed: bool, hi: Fraction | None,
                  hi_closed: bool) -> str:  # fmt: skip
    """The value with as many places (2 or more) as it takes to read as inside its row.

    109.999 in [90, 110) must not be shown as "110,00": the sentence would be false.
    """
    for places in range(2, 13):
        shown = Fraction(round_half_up(value, places))
        above = lo is None or (shown >= lo if lo_closed else shown > lo)
        below = hi is None or (shown <= hi if hi_closed else shown < hi)
        if above and below:
            return format_number_id(value, places)
    return f"{value.numerator}/{value.denominator}"


def _indicator_stage(
    run: _Run, given: Mapping[str, Fraction | None] | None, given_rule: str
) -> tuple[list[tuple[Any, list[IndicatorResult], list[Decimal | None]]], bool]:
    """Capaian of every indicator; ``given`` supplies capaian directly (annual aggregation).

    Per RHK: the RHK, its indicator results, and each counted capaian as a Decimal when the
    fast path computed it (None otherwise), to carry into the next call without conversion.
    """
    plan = run.plan
    missing = False
    out: list[tuple[Any, list[IndicatorResult], list[Decimal | None]]] = []
    # First realisation per indicator, as Plan.realisation_for finds it.
    reported: dict[str, Any] = {}
    for r in plan.realisations:
        reported.setdefault(r.indicator, r)
    for rhk in plan.rhk:
        weights = _weights(run, [i.weight for i in rhk.indicators], f"RHK '{rhk.id}'")
        results = []
        raws: list[Decimal | None] = []
        for ind, weight in zip(rhk.indicators, weights, strict=True):
            real = reported.get(ind.id)
            target = ind.target
            shown_target = target if isinstance(target, TargetRange) else _fraction(target)
            head = (ind.id, ind.name, ind.unit_of_measure, _VALUE[ind.direction], shown_target)
            if given is not None and ind.id in given:
                capaian = given[ind.id]
                if capaian is None:  # not applicable in the period(s) aggregated
                    run.step("capaian", ind.id, given_rule, {}, None, "not applicable")
                    status = "not_applicable"
                else:
                    status = "reported"
                results.append(IndicatorResult(*head, None, status, capaian, weight, given_rule))
                raws.append(None)
                continue
            if real is None or (given is not None and ind.id not in given):
                missing = True
                run.step("capaian", ind.id, "belum dilaporkan", {}, None, "not yet reported")
                results.append(IndicatorResult(*head, None, "not_reported", None, weight, ""))
                raws.append(None)
                continue
            if real.not_applicable:
                run.step("capaian", ind.id, "tidak berlaku", {}, None, "not applicable")
                results.append(IndicatorResult(*head, None, "not_applicable", None, weight, ""))
                raws.append(None)
                continue
            assert real.value is not None
            realisasi = _fraction(real.value)
            try:
                capaian, rule, raw = _capaian(run, ind, realisasi, target, real.value)
            except KinerjaError as exc:
                if exc.message.startswith(f"employee {run.who}"):
                    raise
                raise run.fail(f"indicator '{ind.id}' ({ind.name}): {exc.message}") from exc
            capped_from = None
            if not isinstance(capaian, Fraction):
                raise run.fail(f"indicator '{ind.id}': capaian must be a number, got {capaian}")
            if ind.cap is not None and capaian > Fraction(ind.cap):
                capped_from, capaian, raw = capaian, Fraction(ind.cap), ind.cap
                if run.tracing:
                    run.step("cap", ind.id, f"cap {format_number(capaian)} %",
                             {"capaian": capped_from}, capaian, "cap applied")  # fmt: skip
            results.append(
                IndicatorResult(*head, realisasi, "reported", capaian, weight, rule, capped_from)
            )
            raws.append(raw)
        out.append((rhk, results, raws))
    return out, missing


def _score(run: _Run, given: Mapping[str, Fraction | None] | None = None,
           unit_rating: str | None = None, given_rule: str = "") -> Appraisal:  # fmt: skip
    plan = run.plan
    stage, missing = _indicator_stage(run, given, given_rule)
    policy = run.param("kebijakan_realisasi_kosong", None)
    exclude = isinstance(policy, Label) and policy.name == "kecualikan"
    rhk_weights = _weights(run, [r.weight for r in plan.rhk], "RHK weights")
    rhk_results: list[RhkResult] = []
    incomplete = missing and not exclude
    if missing:
        run.notes.append(
            "realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang"
            if exclude
            else "realisasi belum dilaporkan: hasil belum lengkap"
        )
        run.step("kebijakan", "", "kebijakan_realisasi_kosong", {}, policy,
                 "excluded and renormalised" if exclude else "result incomplete")  # fmt: skip
    rhk_raws: list[Decimal | None] = []
    for (rhk, results, raws), weight in zip(stage, rhk_weights, strict=True):
        counted = [r for r in results if r.counted]
        nilai = nilai_raw = None
        if counted and not incomplete:
            capaian = tuple(r.capaian for r in counted)
            bobot = tuple(r.weight for r in counted)
            fast = _carried([raw for r, raw in zip(results, raws, strict=True) if r.counted],
                            bobot)  # fmt: skip
            nilai, nilai_raw = run.call_carry("nilai_rhk", (capaian, bobot), fast)
            run.step("nilai_rhk", rhk.id, "nilai_rhk", {"capaian": capaian, "bobot": bobot}, nilai)
        rhk_results.append(RhkResult(rhk.id, rhk.description, _VALUE[rhk.kind], weight, nilai,
                                     tuple(results)))  # fmt: skip
        rhk_raws.append(nilai_raw)
    nilai_hk = nilai_hk_raw = None
    scored = [r for r in rhk_results if r.nilai is not None]
    if scored and not incomplete:
        values = tuple(r.nilai for r in scored)
        weights = tuple(r.weight for r in scored)
        fast = _carried(
            [raw for r, raw in zip(rhk_results, rhk_raws, strict=True) if r.nilai is not None],
            weights,
        )
        nilai_hk, nilai_hk_raw = run.call_carry("nilai_hasil_kerja", (values, weights), fast)
        run.step("nilai_hasil_kerja", "", "nilai_hasil_kerja",
                 {"nilai": values, "bobot": weights}, nilai_hk)  # fmt: skip
    elif not incomplete:
        incomplete = True
        run.notes.append("tidak ada indikator yang dapat dihitung")
    return _ratings(run, rhk_results, nilai_hk, incomplete, unit_rating, nilai_hk_raw)


def _carried(raws: Sequence[Decimal | None], weights: Sequence[Fraction]) -> Any:
    """Fast-path arguments (values, weights) as Decimals, or None if any is not known."""
    if None in raws:
        return None
    decimals = _decimals(weights)
    if decimals is None:
        return None
    return (tuple(raws), decimals)


def _ratings(run: _Run, rhk_results: list[RhkResult], nilai_hk: Fraction | None,
             incomplete: bool, unit_rating: str | None,
             nilai_raw: Decimal | None = None) -> Appraisal:  # fmt: skip
    plan = run.plan
    overrides = {o.what.value: o for o in plan.overrides}
    applied: list[tuple[str, Any, Any, str]] = []
    info = run.info

    def resolve(text: str, what: str) -> Label:
        if "rating" not in run.book.checked.enums:
            raise run.fail(f"rulebook '{run.book.name}' has no enum 'rating' for {what}")
        try:
            return info.resolve("rating", text, what)
        except KinerjaError as exc:
            raise run.fail(exc.message) from exc

    recommended = None
    if nilai_hk is not None and run.has("rating_hasil_kerja"):
        fast = None if nilai_raw is None else (nilai_raw,)
        recommended = run.call_carry("rating_hasil_kerja", (nilai_hk,), fast)[0]
        if run.tracing:
            run.step("rating_hasil_kerja", "", "rating_hasil_kerja", {"nilai": nilai_hk},
                     recommended, _band_row(run, "rating_hasil_kerja", nilai_hk))  # fmt: skip
    hasil = recommended
    if plan.employee.is_unit_head and unit_rating is not None:
        hasil = resolve(unit_rating, "unit rating")
        run.step("rating_hasil_kerja", "", "kepala unit", {"rating_unit": hasil}, hasil,
                 "the unit's result is the head's Rating Hasil Kerja")  # fmt: skip
    if "rating_hasil_kerja" in overrides:
        o = overrides["rating_hasil_kerja"]
        hasil = resolve(o.value, "override of rating_hasil_kerja")
        applied.append(("rating_hasil_kerja", recommended, hasil, o.reason))
        run.step(
            "override", "", "rating_hasil_kerja", {"rekomendasi": recommended}, hasil, o.reason
        )
    perilaku = None
    if plan.behaviour is not None:
        perilaku = resolve(plan.behaviour.rating, "behaviour rating")
        run.step("rating_perilaku", "", "penilaian atasan", {}, perilaku)
    if "rating_perilaku" in overrides:
        o = overrides["rating_perilaku"]
        before = perilaku
        perilaku = resolve(o.value, "override of rating_perilaku")
        applied.append(("rating_perilaku", before, perilaku, o.reason))
        run.step("override", "", "rating_perilaku", {"sebelumnya": before}, perilaku, o.reason)
    if hasil is None and not incomplete:
        run.notes.append("rating hasil kerja menunggu keputusan pejabat penilai")
    predikat_rec = None
    if hasil is not None and perilaku is not None and run.has("predikat_kinerja"):
        predikat_rec = run.call_carry("predikat_kinerja", (hasil, perilaku), (hasil, perilaku))[0]
        if run.tracing:
            run.step("predikat", "", "predikat_kinerja", {"hasil": hasil, "perilaku": perilaku},
                     predikat_rec, f"sel ({hasil.name}, {perilaku.name})")  # fmt: skip
    predikat = predikat_rec
    if "predikat" in overrides:
        o = overrides["predikat"]
        if "predikat" not in run.book.checked.enums:
            raise run.fail(f"rulebook '{run.book.name}' has no enum 'predikat'")
        try:
            predikat = run.book.enum("predikat").resolve(o.value, "override of predikat")
        except KinerjaError as exc:
            raise run.fail(exc.message) from exc
        applied.append(("predikat", predikat_rec, predikat, o.reason))
        run.step("override", "", "predikat", {"rekomendasi": predikat_rec}, predikat, o.reason)
    conversions = _conversions(run, nilai_hk, hasil, perilaku, predikat, nilai_raw)
    complete = predikat is not None and not incomplete
    return Appraisal(
        plan_id=plan.id,
        employee=plan.employee.nip,
        employee_name=plan.employee.name,
        unit=plan.employee.unit,
        period=str(plan.period),
        status="complete" if complete else "incomplete",
        rhk=tuple(rhk_results),
        nilai_hasil_kerja=nilai_hk,
        rating_hasil_kerja_rekomendasi=recommended,
        rating_hasil_kerja=hasil,
        rating_perilaku=perilaku,
        predikat_rekomendasi=predikat_rec,
        predikat=predikat,
        overrides=tuple(applied),
        conversions=conversions,
        notes=tuple(run.notes),
        trace=tuple(run.trace),
        rulebook=info.label,
    )


def _conversions(run: _Run, nilai: Fraction | None, hasil: Label | None,
                 perilaku: Label | None, predikat: Label | None,
                 nilai_raw: Decimal | None = None) -> dict[str, Any]:  # fmt: skip
    plan = run.plan
    months = len(plan.period.months)
    context: dict[str, Any] = {
        "predikat": predikat,
        "nilai_hasil_kerja": nilai,
        "rating_hasil_kerja": hasil,
        "rating_perilaku": perilaku,
        "bulan": Fraction(months),
    }
    jenjang = plan.employee.position.jenjang
    if jenjang is not None and "jenjang" in run.book.checked.enums:
        try:
            context["jenjang"] = run.info.resolve("jenjang", jenjang.value, "jenjang")
        except KinerjaError:
            context["jenjang"] = None
    # The same arguments for the fast path (Decimals); a missing one means the exact path.
    fast_context = {**context, "nilai_hasil_kerja": nilai_raw, "bulan": Decimal(months)}
    results: dict[str, Any] = {}
    for name, params in run.info.conversions:
        missing = [p for p in params if context.get(p) is None]
        if missing:
            if run.tracing:
                run.step("konversi", name, name, {}, None,
                         f"not applicable: no {', '.join(missing)}")  # fmt: skip
            continue
        args = [context[p] for p in params]
        fast = [fast_context.get(p) for p in params]
        value = run.call_carry(name, args, None if None in fast else fast)[0]
        results[name.removeprefix("konversi_")] = value
        if run.tracing:
            run.step("konversi", name, name, dict(zip(params, args, strict=True)), value)
    return results


def appraise(
    plan: Plan, rulebook: Rulebook, *, unit_rating: str | None = None, trace: bool = True
) -> Appraisal:
    """Score one plan with a rulebook: the one obvious entry point.

    ``unit_rating`` is the unit's own result, which becomes the Rating Hasil Kerja of an
    employee who heads the unit. Raises :class:`~kinerja_engine.errors.KinerjaError` naming
    the employee when the plan cannot be scored.

    ``trace=False`` skips the step-by-step trace (the batch path, about a third faster): every
    value, rating, conversion and note is the same, ``trace`` is empty, and an explanation
    lacks the band row chosen. Appraise the one plan again with a trace to explain it.

    >>> import dataclasses
    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> book = rulebooks.load("permenpanrb-6-2022")
    >>> full, bare = appraise(example_plan(), book), appraise(example_plan(), book, trace=False)
    >>> len(full.trace) > 0, bare.trace, bare == dataclasses.replace(full, trace=())
    (True, (), True)
    """
    if not isinstance(plan, Plan):
        raise UsageError(f"appraise() needs a Plan, got {type(plan).__name__}")
    run = _Run(plan, rulebook, trace)
    try:
        return _score(run, unit_rating=unit_rating)
    except KinerjaError as exc:
        if exc.message.startswith("employee "):
            raise
        raise run.fail(exc.message) from exc


def _error_result(item: Any, exc: KinerjaError, book: Rulebook) -> Appraisal:
    # The rulebook is named even here: an error report says which rules refused the plan.
    label = _book_info(book).label
    if isinstance(item, Plan):
        return Appraisal(item.id, item.employee.nip, item.employee.name, item.employee.unit,
                         str(item.period), "error", error=exc.message, rulebook=label)  # fmt: skip
    employee = exc.employee if isinstance(exc, ModelError) and exc.employee else "?"
    plan_id = str(item.get("id", "?")) if isinstance(item, Mapping) else "?"
    return Appraisal(plan_id, employee, "", "", "", "error", error=exc.message, rulebook=label)


def appraise_many(
    plans: Iterable[Plan | Mapping[str, Any]],
    rulebook: Rulebook,
    *,
    on_progress: Callable[[int], None] | None = None,
    trace: bool = True,
) -> Iterator[Appraisal]:
    """Score a stream of plans (models or raw dicts), lazily: an iterator in, an iterator out.

    A plan that fails validation or scoring yields an ``Appraisal`` with ``status="error"``
    naming the employee and the problem; it never stops or alters the others. ``trace`` as
    in :func:`appraise`.
    """
    for count, item in enumerate(plans, 1):
        plan: Plan | None = None
        try:
            plan = item if isinstance(item, Plan) else Plan.model_validate(item)
            result = appraise(plan, rulebook, trace=trace)
        except KinerjaError as exc:
            # Once validated, the plan names its employee even when scoring fails.
            result = _error_result(item if plan is None else plan, exc, rulebook)
        yield result
        if on_progress is not None:
            on_progress(count)


# --------------------------------------------------------------------------- the year


def appraise_year(
    plans: Sequence[Plan], rulebook: Rulebook, *, annual: Plan | None = None,
    policy: str | None = None,
) -> Appraisal:  # fmt: skip
    """Build an annual appraisal from periodic plans by the rulebook's ``agregasi_tahunan``.

    Policies: ``periode_terakhir`` (the last period's result), ``terburuk`` (the worst
    predikat), ``rata_capaian`` (each indicator's capaian averaged exactly over the periods it
    was reported, then scored once), ``kumulatif`` (realisasi summed over the periods against
    the annual target of ``annual``). Values are carried unrounded and rounded once.
    ``annual`` supplies the annual plan (targets, behaviour, overrides); by default the last
    periodic plan, relabelled, is used.
    """
    if not plans:
        raise UsageError("appraise_year() needs at least one periodic plan")
    ordered = sorted(plans, key=lambda p: p.period)
    last = ordered[-1]
    # Without an annual plan, the last periodic plan stands for the year (targets, weights,
    # behaviour), relabelled so that conversions see a whole year.
    base = annual or last.model_copy(
        update={"period": Period.year(last.period.year), "id": f"{last.id}@{last.period.year}"}
    )
    run = _Run(base, rulebook)
    chosen = policy or _policy_name(run)
    periodic = [appraise(p, rulebook) for p in ordered]
    run.step("agregasi", "", "agregasi_tahunan", {"periode": tuple(a.period for a in periodic)},
             chosen)  # fmt: skip
    if chosen == "periode_terakhir":
        return _score(
            run, given=_capaian_of(periodic[-1]), given_rule=f"capaian {periodic[-1].period}"
        )
    if chosen == "terburuk":
        order = {m.name: i for i, m in enumerate(rulebook.enum("predikat").members)}
        rated = [(a, p) for a, p in zip(periodic, ordered, strict=True) if a.predikat is not None]
        if not rated:
            raise run.fail("no periodic result has a predikat to take the worst of")
        worst, plan = max(
            rated,
            key=lambda ap: (order[ap[0].predikat.name], -(ap[0].nilai_hasil_kerja or 0)),  # type: ignore[union-attr]
        )
        run.step("agregasi", "", "terburuk", {}, worst.period, f"periode terburuk: {worst.period}")
        worst_run = _Run(plan.model_copy(update={"period": base.period, "id": base.id}), rulebook)
        worst_run.trace.extend(run.trace)
        return _score(worst_run, given=_capaian_of(worst), given_rule=f"capaian {worst.period}")
    if chosen == "rata_capaian":
        sums: dict[str, list[Fraction]] = {}
        not_applicable: set[str] = set()
        for a in periodic:
            for rhk in a.rhk:
                for ind in rhk.indicators:
                    if ind.capaian is not None:
                        sums.setdefault(ind.id, []).append(ind.capaian)
                    elif ind.status == "not_applicable":
                        not_applicable.add(ind.id)
        # The mean of the periods that have a capaian; not applicable in every period: so is
        # the year.
        given: dict[str, Fraction | None] = dict.fromkeys(not_applicable - sums.keys())
        given.update({k: sum(v, Fraction(0)) / len(v) for k, v in sums.items()})
        for k, v in sums.items():
            run.step("agregasi", k, "rata_capaian", {"capaian": tuple(v)}, given[k])
        span = f"{periodic[0].period}…{periodic[-1].period}"
        return _score(run, given=given, given_rule=f"rata-rata capaian {span}")
    if chosen == "kumulatif":
        if annual is None:
            raise run.fail("the kumulatif policy needs the annual plan with annual targets")
        totals: dict[str, Fraction] = {}
        not_applicable = set()
        for p in ordered:
            for r in p.realisations:
                if r.value is not None:
                    totals[r.indicator] = totals.get(r.indicator, Fraction(0)) + Fraction(r.value)
                elif r.not_applicable:
                    not_applicable.add(r.indicator)
        realisations: list[dict[str, Any]] = [
            {"indicator": k, "value": str(_public(v))} for k, v in totals.items()
        ]
        realisations += [
            {"indicator": k, "not_applicable": True} for k in sorted(not_applicable - totals.keys())
        ]
        data = annual.model_dump()
        data["realisations"] = realisations
        cumulative = Plan.model_validate(data)
        run2 = _Run(cumulative, rulebook)
        run2.trace.extend(run.trace)
        return _score(run2)
    raise run.fail(f"unknown annual aggregation policy '{chosen}'")


def _capaian_of(appraisal: Appraisal) -> dict[str, Fraction | None]:
    """The capaian of a period's indicators; None for one not applicable in that period (an
    indicator not yet reported is left out, so the annual result waits for it)."""
    return {
        ind.id: ind.capaian
        for rhk in appraisal.rhk
        for ind in rhk.indicators
        if ind.capaian is not None or ind.status == "not_applicable"
    }


def _policy_name(run: _Run) -> str:
    value = run.param("agregasi_tahunan", None)
    if not isinstance(value, Label):
        raise run.fail(f"rulebook '{run.book.name}' defines no agregasi_tahunan policy")
    return value.name


# --------------------------------------------------------------------------- the unit


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule of the distribution curve, with the numbers behind it."""

    rule: str
    group: Label
    count: int
    total: int
    share: Fraction
    limit: Fraction
    employees: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rule": self.rule,
            "group": _json(self.group),
            "count": self.count,
            "total": self.total,
            "share": _json(self.share),
            "limit": _json(self.limit),
            "employees": list(self.employees),
        }


@dataclass(frozen=True, slots=True)
class DistributionReport:
    """The distribution check of one unit: counts per predikat and every violated rule."""

    unit_predikat: Label
    total: int
    counts: Mapping[str, int]
    violations: tuple[Violation, ...]
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no rule is violated."""
        return not self.violations


def check_distribution(
    unit_predikat: str | Label, appraisals: Iterable[Appraisal], rulebook: Rulebook
) -> DistributionReport:
    """Check a unit's employee predikat against the rulebook's distribution curve.

    Appraisals without a predikat (incomplete, errors) are listed in ``skipped``.
    """
    book = rulebook
    if isinstance(unit_predikat, str):
        unit_label = book.label("predikat_unit", unit_predikat)
    elif isinstance(unit_predikat, Label) and unit_predikat.enum == "predikat_unit":
        unit_label = book.label("predikat_unit", unit_predikat.name)
    else:
        # A label of another enum (an employee's predikat, say) would match no curve rule
        # and pass every check: refuse it.
        raise UsageError(
            f"the unit's predikat must be a member of 'predikat_unit', got {unit_predikat!r}"
        )
    rated = []
    skipped = []
    for a in appraisals:
        if a.predikat is None:
            skipped.append(a.employee)
        else:
            rated.append(a)
    total = len(rated)
    counts = {m.text: 0 for m in book.enum("predikat").members}
    for a in rated:
        assert a.predikat is not None
        counts[a.predikat.text] = counts.get(a.predikat.text, 0) + 1
    violations: list[Violation] = []
    if total == 0:
        return DistributionReport(unit_label, 0, counts, (), tuple(skipped))
    rounding = book.evaluate("pembulatan_kurva") if "pembulatan_kurva" in book else None
    lenient = isinstance(rounding, Label) and rounding.name == "longgar"
    run_call = book.program

    def call(name: str, *args: Any) -> Any:
        if name not in book:
            raise UsageError(f"rulebook '{book.name}' has no definition '{name}' for the curve")
        return _exact(run_call.raw(name)(*args))

    for group in book.enum("kelompok").members:
        members = [a for a in rated if call("anggota_kelompok", group, a.predikat)]
        count = len(members)
        share = Fraction(count, total)
        who = tuple(a.employee for a in members)
        lo = call("kurva_min", unit_label, group)
        hi = call("kurva_maks", unit_label, group)
        people = call("kurva_min_orang", unit_label, group)
        majority = call("kurva_mayoritas", unit_label, group)
        need = lo * total
        allow = hi * total
        if lenient:
            need = Fraction(need.numerator // need.denominator)
            allow = Fraction(-((-allow.numerator) // allow.denominator))
        if count < need:
            violations.append(Violation(
                f"minimal {format_number(lo * 100)} % {group.text}", group, count, total, share,
                lo, who))  # fmt: skip
        if count > allow:
            violations.append(Violation(
                f"maksimal {format_number(hi * 100)} % {group.text}", group, count, total, share,
                hi, who))  # fmt: skip
        if count < people:
            violations.append(Violation(
                f"minimal {format_number(people)} orang {group.text}", group, count, total,
                share, people, who))  # fmt: skip
        if majority and not share > Fraction(1, 2):
            violations.append(Violation(
                f"mayoritas (> 50 %) {group.text}", group, count, total, share, Fraction(1, 2),
                who))  # fmt: skip
    return DistributionReport(unit_label, total, counts, tuple(violations), tuple(skipped))
