"""The batch lane: an untraced appraisal of the common case in one pass, prepared per rulebook.

Input: a :class:`~kinerja_engine.models.Plan` whose numbers are checked and a
:class:`~.context.RulebookView`. Output: the same :class:`~.results.Appraisal` the stages
(:func:`~.stages.score_run`) build for it without a trace, or None when the plan or the
rulebook is outside the common case: the caller then runs the stages, which give the result
or the error. Guarantees:

- Same result, field for field: every number comes from the rulebook's definitions called as
  the stages call them (the fast entry with Decimal arguments when every argument
  terminates, else the exact implementation), and the records are built with the same values.
  ``tests/test_lane.py`` compares the two paths on generated and hand-made plans.
- The lane decides nothing the stages would refuse: a weight that does not add up, an unknown
  kind, a definition that fails or returns something unexpected, any exception: None, and the
  stages say why. Nothing is cached per plan or per value, so its cost does not depend on
  values recurring; what it prepares (:class:`Lane`) is a fact of the rulebook.
- The common case: no trace, no overrides, no unit rating given, numbers only (no label
  realisasi, targets or kinds taking labels, no indicator formula), a rulebook scored by
  ratings (not the numeric PP 46/2011 or PermenPANRB 8/2021 rulebooks).

Internal to :mod:`kinerja_engine.scoring`: :func:`~.pipeline.appraise_many` calls it.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> from kinerja_engine.scoring.context import Run, rulebook_view
>>> from kinerja_engine.scoring.stages import score_run
>>> book = rulebooks.load("gajahmungkur")
>>> result = lane_of(rulebook_view(book)).score(example_plan())
>>> result == score_run(Run(example_plan(), book, tracing=False)), result.status
(True, 'incomplete')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from functools import cache
from typing import Any

from ..models import Direction, Plan, RhkKind, TargetRange
from ..values import Label
from .carry import decimal_of, equal_weights, to_exact
from .context import RulebookView, kinds_seen_fit
from .contract import check_plan_kinds
from .makers import record_maker
from .number import (
    Number,
    decimal_number,
    exact_decimals,
    exact_values,
    to_number,
    whole_number,
)
from .results import Appraisal, IndicatorResult, RhkResult
from .typed import AppraisalStatus, IndicatorStatus, result_value

__all__ = ["Lane", "lane_of"]

_VALUE: dict[Enum, str] = {m: m.value for enum in (Direction, RhkKind) for m in enum}
_REPORTED, _NOT_REPORTED = IndicatorStatus.REPORTED, IndicatorStatus.NOT_REPORTED
_NOT_APPLICABLE = IndicatorStatus.NOT_APPLICABLE
_COMPLETE, _INCOMPLETE = AppraisalStatus.COMPLETE, AppraisalStatus.INCOMPLETE

_MONTHS: dict[int, Fraction] = {m: Fraction(m) for m in range(1, 13)}
_MONTHS_D: dict[int, Decimal] = {m: Decimal(m) for m in range(1, 13)}
_NUMBER_NAMES = {d: f"capaian_{d.value}" for d in Direction}
_RANGE_NAMES = {
    **_NUMBER_NAMES,
    Direction.HIGHER: "capaian_range_higher",
    Direction.LOWER: "capaian_range_lower",
}
#: The parameters a conversion may take, by position in the values the lane passes (6: any
#: other name, which the stages bind to nothing: the conversion is then not applicable).
_CONTEXT = {"predikat": 0, "nilai_hasil_kerja": 1, "rating_hasil_kerja": 2, "rating_perilaku": 3,
            "bulan": 4, "jenjang": 5}  # fmt: skip
_MISSING = "realisasi belum dilaporkan: hasil belum lengkap"
_EXCLUDED = "realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang"
_NOTHING = "tidak ada indikator yang dapat dihitung"
_WAITING = "rating hasil kerja menunggu keputusan pejabat penilai"

#: How a capaian definition is called: its name, fast entry and, per parameter, which input
#: it takes (0 realisasi, 1 lo, 2 hi: the target or a range's top).
_Capaian = tuple[str, Callable[..., Any], tuple[int, ...]]


@cache
def _makers() -> tuple[
    Callable[..., IndicatorResult],
    Callable[..., IndicatorResult],
    Callable[..., RhkResult],
    Callable[..., Appraisal],
]:
    """The record makers (:mod:`.makers`), made when the first lane is prepared (not on
    import: each is generated code). The records are those the stages build (the same fields
    given, so the same fields set): a reported indicator gives every field, one not reported
    (or not applicable) the ten required ones, an RHK its six, the appraisal these."""
    one = whole_number(1)
    indicator_fields = tuple(IndicatorResult.model_fields)
    reported = record_maker(IndicatorResult, indicator_fields, IndicatorResult.build(
        "i", "n", "u", "higher", one, one, _REPORTED, one, one, "r", None, None, None))  # fmt: skip
    unreported = record_maker(IndicatorResult, indicator_fields[:10], IndicatorResult.build(
        "i", "n", "u", "higher", one, None, _NOT_REPORTED, None, one, ""))  # fmt: skip
    rhk = record_maker(RhkResult, tuple(RhkResult.model_fields)[:6],
                       RhkResult.build("r", "d", "utama", one, None, ()))  # fmt: skip
    template = Appraisal.build(
        **dict.fromkeys(_APPRAISAL_FIELDS[:5], "x"),
        **dict.fromkeys(_APPRAISAL_FIELDS[7:13]),
        **dict.fromkeys(("rhk", "overrides", "notes", "trace", "override_records"), ()),
        status=_COMPLETE,
        conversions={},
        rulebook="",
    )
    given = tuple(n for n in Appraisal.model_fields if n in _APPRAISAL_FIELDS)
    return reported, unreported, rhk, record_maker(Appraisal, given, template)


_APPRAISAL_FIELDS = (
    "plan_id", "employee", "employee_name", "unit", "period", "status", "rhk",
    "nilai_hasil_kerja", "rating_hasil_kerja_rekomendasi", "rating_hasil_kerja",
    "rating_perilaku", "predikat_rekomendasi", "predikat", "overrides", "conversions", "notes",
    "trace", "rulebook", "override_records",
)  # fmt: skip


class _Outside(Exception):
    """The plan leaves the common case: the stages score it."""


def _weights(given: Sequence[Fraction | None]) -> Sequence[Number]:
    """The stages' weights rule (all or none given; explicit ones add up to exactly 100), as
    the records' Numbers; a plan that breaks it is the stages' to refuse."""
    weights = [w for w in given if w is not None]
    if not weights:
        return equal_weights(len(given))
    if len(weights) != len(given):
        raise _Outside
    for w in weights:
        if type(w) is not Fraction:  # not what validation makes: the stages refuse it
            raise _Outside
    whole = 0
    numbers = []
    for w in weights:
        num, den = w.as_integer_ratio()
        if den != 1:  # a fraction of a percent: add exactly
            if sum(weights, Fraction(0)) != 100:
                raise _Outside
            return [to_number(x) for x in weights]
        whole += num
        numbers.append(whole_number(num))
    if whole != 100:
        raise _Outside
    return numbers


def _number(value: Any) -> Number:
    """A definition's number as its record's Number (what the record builders make of it)."""
    kind = type(value)
    if kind is Number:
        return value  # type: ignore[no-any-return]
    if kind is Decimal:
        return decimal_number(value)
    if kind is Fraction:
        return to_number(value)
    raise _Outside  # a label or a truth value where a number belongs: the stages say so


class Lane:
    """The pipeline of one rulebook for the common case, prepared once per rulebook view:
    which definition scores each kind and how it is called, the entry points present, the
    empty-realisation policy, the conversions with their parameters."""

    __slots__ = (
        "appraisal_record",
        "capaian",
        "conversions",
        "exclude",
        "has_jenjang",
        "label",
        "needs_jenjang",
        "predikat",
        "rating",
        "rating_enum",
        "reported_record",
        "rhk_fast",
        "rhk_record",
        "total_fast",
        "unreported_record",
        "usable",
        "view",
    )

    def __init__(self, view: RulebookView) -> None:
        self.view = view
        self.label = view.label
        (self.reported_record, self.unreported_record, self.rhk_record,
         self.appraisal_record) = _makers()  # fmt: skip
        self.capaian: dict[Any, _Capaian | None] = {}
        names = view.names
        enums = view.book.checked.enums
        self.has_jenjang = "jenjang" in enums
        self.rating_enum = "rating" in enums
        self.usable = False
        self.exclude = False
        self.conversions: tuple[tuple[str, str, tuple[int, ...], Any], ...] = ()
        self.needs_jenjang = False
        self.rating = self.predikat = None
        self.rhk_fast = self.total_fast = _refuse
        if view.contract.errors or "nilai_rhk" not in names or "nilai_hasil_kerja" not in names:
            return
        if (
            ("nilai_kinerja" in names and "predikat_nilai" in names)
            or view.signature("nilai_rhk")[:1] == ("nilai",)
            or "tambahan" in view.signature("nilai_hasil_kerja")
        ):
            return  # the numeric legacy rulebooks: their own stages (see .legacy)
        try:
            policy = _param(view, "kebijakan_realisasi_kosong")
        except Exception:  # the stages report it
            return
        self.exclude = isinstance(policy, Label) and policy.name == "kecualikan"
        # Exact implementations are asked for only when needed (a rulebook compiles them
        # when first asked: view.exact_entry).
        self.rhk_fast = view.entry("nilai_rhk")
        self.total_fast = view.entry("nilai_hasil_kerja")
        if "rating_hasil_kerja" in names:
            self.rating = view.entry("rating_hasil_kerja")
        if "predikat_kinerja" in names:
            self.predikat = view.entry("predikat_kinerja")
        self.conversions = tuple(
            (name, name.removeprefix("konversi_"), tuple(_CONTEXT.get(p, 6) for p in params),
             view.entry(name))
            for name, params in view.conversions
        )  # fmt: skip
        self.needs_jenjang = self.has_jenjang and any(5 in c for _, _, c, _ in self.conversions)
        self.usable = True

    def _capaian_of(self, key: Any, name: str) -> _Capaian | None:
        """How ``name`` is called for an indicator (None: the stages score it)."""
        view = self.view
        params = view.defined_signature(name)
        spec: _Capaian | None = None
        if params is not None and not any(
            t.kind == "label" for t in view.param_types(name).values()
        ):
            order = tuple(0 if p == "realisasi" else 1 if p == "lo" else 2 for p in params)
            spec = (name, view.entry(name), order)
        if len(self.capaian) < 10_000:  # bounded: kinds are names a plan may invent
            self.capaian[key] = spec
        return spec

    def score(self, plan: Plan) -> Appraisal | None:
        """The untraced appraisal of ``plan``, or None outside the common case (and for a
        plan whose numbers :func:`~kinerja_engine.models.plan.check_numbers` refuses: the
        lane checks them as it reads them, so the caller need not check first)."""
        if not self.usable or plan.overrides:
            return None
        contract = self.view.contract
        if not kinds_seen_fit(plan, contract.seen) and check_plan_kinds(plan, contract):
            return None  # a kind the rulebook cannot score: the stages name it
        try:
            return self._score(plan)
        except Exception:  # the stages give the same result or the error
            return None

    def _score(self, plan: Plan) -> Appraisal:
        view = self.view
        reported: dict[str, Any] = {}
        for r in plan.realisations:
            # The numbers as models.check_numbers wants them (validated: finite Decimals), so
            # the caller need not check them first; anything else is the stages' to refuse.
            value = r.value
            if value is None:
                if not r.not_applicable:
                    raise _Outside
            elif type(value) is not Decimal or not value.is_finite():
                raise _Outside
            reported.setdefault(r.indicator, r)
        missing = False
        capaian_specs = self.capaian
        make_reported, make_unreported = self.reported_record, self.unreported_record
        rhk_parts = []
        for rhk in plan.rhk:
            indicators = rhk.indicators
            weights = _weights([i.weight for i in indicators])
            records = []
            counted: list[Number] = []  # the capaian that count, and their weights
            counted_weights: list[Number] = []
            for ind, weight in zip(indicators, weights, strict=True):
                cap = ind.cap
                if ind.formula is not None or (
                    cap is not None and (type(cap) is not Decimal or not cap.is_finite())
                ):
                    raise _Outside
                target = ind.target
                if type(target) is TargetRange:
                    shown: Any = target
                    lo, hi = target.lo, target.hi
                    key: Any = (ind.kind, ind.direction, True)
                elif type(target) is Decimal:
                    shown = decimal_number(target)
                    lo = hi = target
                    key = (ind.kind, ind.direction, False)
                else:
                    raise _Outside  # a label target
                real = reported.get(ind.id)
                head = (ind.id, ind.name, ind.unit_of_measure, _VALUE[ind.direction], shown)
                if real is None:
                    missing = True
                    records.append(make_unreported(*head, None, _NOT_REPORTED, None,
                                                      weight, ""))  # fmt: skip
                    continue
                if real.not_applicable:
                    records.append(make_unreported(*head, None, _NOT_APPLICABLE, None,
                                                      weight, ""))  # fmt: skip
                    continue
                value = real.value  # a finite Decimal (checked above)
                spec = capaian_specs.get(key, False)
                if spec is False:
                    kind = ind.kind
                    if kind is not None:
                        name = "capaian_" + kind
                    else:
                        names = _RANGE_NAMES if key[2] else _NUMBER_NAMES
                        name = names[ind.direction]
                    spec = self._capaian_of(key, name)
                if spec is None:
                    raise _Outside
                rule, fast, order = spec  # type: ignore[misc]
                if order == (0, 2):
                    raw = fast(value, hi)
                elif order == (0, 1, 2):
                    raw = fast(value, lo, hi)
                else:
                    given = (value, lo, hi)
                    raw = fast(*[given[i] for i in order])
                capaian = _number(raw)
                capped_from = None
                if cap is not None and capaian > cap:
                    capped_from, capaian = capaian, decimal_number(cap)
                records.append(make_reported(*head, decimal_number(value),
                                          _REPORTED, capaian, weight, rule, capped_from,
                                          None, None))  # fmt: skip
                counted.append(capaian)
                counted_weights.append(weight)
            rhk_parts.append((rhk, records, counted, counted_weights))
        incomplete = missing and not self.exclude
        notes = []
        if missing:
            notes.append(_EXCLUDED if self.exclude else _MISSING)
        rhk_weights = _weights([r.weight for r in plan.rhk])
        rhk_results = []
        scored_values = []
        scored_weights = []
        for (rhk, records, counted, counted_weights), weight in zip(
            rhk_parts, rhk_weights, strict=True
        ):
            nilai = None
            if counted and not incomplete:
                nilai = _number(_call_lists(counted, counted_weights, self.rhk_fast, view,
                                            "nilai_rhk"))  # fmt: skip
                scored_values.append(nilai)
                scored_weights.append(weight)
            rhk_results.append(self.rhk_record(rhk.id, rhk.description, _VALUE[rhk.kind], weight,
                                           nilai, tuple(records)))  # fmt: skip
        nilai_hk: Any = None
        if scored_values and not incomplete:
            nilai_hk = _call_lists(scored_values, scored_weights, self.total_fast, view,
                                   "nilai_hasil_kerja")  # fmt: skip
        elif not incomplete:
            incomplete = True
            notes.append(_NOTHING)
        return self._ratings(plan, tuple(rhk_results), nilai_hk, incomplete, notes)

    def _ratings(self, plan: Plan, rhk_results: tuple[RhkResult, ...], nilai_hk: Any,
                 incomplete: bool, notes: list[str]) -> Appraisal:  # fmt: skip
        view = self.view
        recommended = None
        nilai_d = None
        if nilai_hk is not None:
            nilai_d = decimal_of(nilai_hk)
            if self.rating is not None:
                if nilai_d is None:
                    exact = view.exact_entry("rating_hasil_kerja")
                    recommended = to_exact(exact(to_exact(nilai_hk)))
                else:
                    recommended = _fast(self.rating(nilai_d))
        perilaku = None
        behaviour = plan.behaviour
        if behaviour is not None and behaviour.rating is not None:
            if not self.rating_enum:
                raise _Outside
            perilaku = view.resolve("rating", behaviour.rating, "behaviour rating")
        if recommended is None and not incomplete:
            notes.append(_WAITING)
        predikat = None
        if recommended is not None and perilaku is not None and self.predikat is not None:
            predikat = _fast(self.predikat(recommended, perilaku))
        employee = plan.employee
        conversions: dict[str, Any] = {}
        if self.conversions:
            months = len(plan.period.months)
            jenjang = None
            if self.needs_jenjang and employee.position.jenjang is not None:
                try:
                    jenjang = view.resolve("jenjang", employee.position.jenjang.value, "jenjang")
                except Exception:  # as the stages: no jenjang then
                    jenjang = None
            # Each conversion's arguments by position in these (see _CONTEXT): exact values,
            # and the fast path's (None where one does not terminate).
            exact_values = (predikat, nilai_hk, recommended, perilaku, _MONTHS[months], jenjang,
                            None)  # fmt: skip
            fast_values = (predikat, nilai_d, recommended, perilaku, _MONTHS_D[months], jenjang,
                           None)  # fmt: skip
            for name, short, codes, fast in self.conversions:
                # Identity tests: ``None in args`` would call __eq__ on every label and number.
                for i in codes:
                    if exact_values[i] is None:
                        break  # not applicable (the stages leave it out too)
                else:
                    for i in codes:
                        if fast_values[i] is None:  # does not terminate: the exact path
                            exact = view.exact_entry(name)
                            found = exact(*[to_exact(exact_values[j]) for j in codes])
                            conversions[short] = to_exact(found)
                            break
                    else:
                        conversions[short] = _fast(fast(*[fast_values[i] for i in codes]))
        complete = predikat is not None and not incomplete
        if conversions:  # as the builder makes them: numbers as Numbers
            conversions = {k: result_value(v) for k, v in conversions.items()}
        return self.appraisal_record(
            plan.id,
            employee.nip,
            employee.name,
            employee.unit,
            str(plan.period),
            _COMPLETE if complete else _INCOMPLETE,
            rhk_results,
            nilai_hk if nilai_hk is None or type(nilai_hk) is Number else to_number(nilai_hk),
            recommended,
            recommended,
            perilaku,
            predikat,
            predikat,
            (),
            conversions,
            tuple(notes),
            (),
            self.label,
            (),
        )


def _refuse(*args: Any) -> Any:
    raise _Outside


def _param(view: RulebookView, name: str) -> Any:
    """A constant parameter as :meth:`~.context.Run.param` gives it (None when absent)."""
    if name not in view.names:
        return None
    params = view.params
    if name not in params:
        params[name] = to_exact(view.entry(name)())
    return params[name]


def _fast(raw: Any) -> Any:
    """A fast entry's result as :meth:`~.context.Run.call_number` gives it."""
    return decimal_number(raw) if type(raw) is Decimal else to_exact(raw)


def _call_lists(
    values: Sequence[Number], weights: Sequence[Number], fast: Any, view: RulebookView, name: str
) -> Any:
    """``name`` on (values, weights): its fast entry on Decimals when every one terminates (a
    Number knows), else its exact implementation on Fractions (as ``Run.call_number``)."""
    decimals = exact_decimals(values)
    if decimals is not None:
        weights_d = exact_decimals(weights)
        if weights_d is not None:
            return _fast(fast(decimals, weights_d))
    exact = view.exact_entry(name)
    return to_exact(exact(exact_values(values), exact_values(weights)))


def lane_of(view: RulebookView) -> Lane:
    """The lane of a rulebook view (prepared on first use, kept with the view).

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.scoring.context import rulebook_view
    >>> view = rulebook_view(rulebooks.load("gajahmungkur"))
    >>> lane_of(view) is lane_of(view), lane_of(view).usable
    (True, True)
    """
    lane = view.lane
    if lane is None:
        lane = view.lane = Lane(view)
    return lane  # type: ignore[no-any-return]
