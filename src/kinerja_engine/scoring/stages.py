"""The stages of one appraisal: indicators → RHK → overall value → ratings → predikat → conversions.

Input: a :class:`~kinerja_engine.scoring.context.Run` (a plan, its rulebook's view, the trace
being built); for the annual aggregation, capaian given per indicator instead of computed.
Output: the :class:`~kinerja_engine.scoring.Appraisal`. Guarantees: every number comes from a
rulebook definition, carried exactly (Fractions) and, when all its arguments are finite
decimals, computed on the fast (Decimal) path with the same exact value; a missing realisation
is "not yet reported", never 0; explicit weights add up to exactly 100 %; overrides keep the
recommendation beside the final value.

Internal to :mod:`kinerja_engine.scoring`: call :func:`~kinerja_engine.scoring.appraise`.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> from kinerja_engine.scoring.context import Run
>>> result = score_run(Run(example_plan(), rulebooks.load("gajahmungkur")))
>>> result.status, [r.id for r in result.rhk]
('incomplete', ['r1'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from ..errors import KinerjaError, ModelError
from ..formatting import format_number
from ..language.formula import Formula
from ..models import CoreValue, Direction, Indicator, RhkKind, TargetRange
from ..values import Label
from . import legacy
from .behaviour import panduan_perilaku
from .capaian import capaian_definition
from .carry import decimal_of, decimals_of, equal_weights, fraction_of, to_exact
from .context import MAX_FORMULAS, Run
from .number import Number, decimal_number, to_number
from .results import Appraisal, IndicatorResult, OverrideRecord, RhkResult
from .typed import AppraisalStatus, IndicatorStatus

__all__ = ["score_run"]

# Enum members' values: ``member.value`` goes through a descriptor, a dict look-up does not.
_VALUE: dict[Enum, str] = {m: m.value for enum in (Direction, RhkKind) for m in enum}
# The generated builders themselves (every call below is a right one): several records per
# employee, built without Record.build's checks.
_INDICATOR = IndicatorResult.builder()
_RHK = RhkResult.builder()
_APPRAISAL = Appraisal.builder()

_FORMULA_INPUTS = {"realisasi": "number", "target": "number", "lo": "number", "hi": "number"}


def _indicator_formula(run: Run, text: str) -> Formula:
    """An indicator's own formula, compiled against the rulebook once per text.

    The cache lives with the rulebook's other derived data (so a new rulebook never sees an
    old one's formulas) and is bounded: a service fed endless distinct texts stays flat.
    """
    cache = run.info.formulas
    formula = cache.get(text)
    if formula is None:
        formula = run.book.formula(text, inputs=_FORMULA_INPUTS)
        if len(cache) >= MAX_FORMULAS:
            cache.clear()
        cache[text] = formula
    return formula


def _capaian(
    run: Run, ind: Indicator, realisasi: Any, target: Any, value: Any,
    labels: Mapping[str, Label] | None = None,
) -> tuple[Any, str]:  # fmt: skip
    """Capaian of one indicator from its kind, its own formula, or its direction (and
    whether its target is a range: :func:`~.capaian.capaian_definition`).

    ``value`` is the realisation as given (the Decimal that ``realisasi``, the record's
    Number, is exactly). ``labels`` holds the inputs a qualitative kind takes as labels
    (:func:`_label_inputs`). Returns the capaian as its record's Number (anything else the
    rule gave, as it is: the caller refuses it) and the rule.
    """
    if isinstance(target, TargetRange):
        lo_d, hi_d = target.lo, target.hi
    else:
        lo_d = hi_d = target
    if ind.formula is not None:
        formula = _indicator_formula(run, ind.formula)
        given = {"realisasi": value, "lo": lo_d, "hi": hi_d, "target": hi_d}
        result = to_exact(formula.evaluate_exact(**{k: given[k] for k in formula.inputs}))
        if run.tracing:
            run.step("capaian", ind.id, ind.formula,
                     {k: fraction_of(given[k]) for k in formula.inputs}, result)  # fmt: skip
        return _numbered(result), ind.formula
    name = capaian_definition(ind)
    params = run.info.defined_signature(name)
    if params is None:
        raise run.fail(
            f"indicator '{ind.id}': rulebook '{run.book.name}' has no definition '{name}'"
        )
    # The model's Decimals go to the fast path as they are: converting them to Fractions and
    # back would give equal numbers (the result is the same exact value either way). Every
    # parameter but realisasi and lo is the target (the upper end of a range).
    by_name: dict[str, Any] = {"realisasi": value, "lo": lo_d}
    if labels:  # a qualitative kind: its labels in place of the texts
        by_name.update(labels)
        hi_d = labels.get("target", hi_d)  # type: ignore[assignment]
    raw = run.call_fast(name, *[by_name.get(p, hi_d) for p in params])
    # A Decimal from the fast path becomes the record's Number directly (no Fraction built:
    # the batch path's cost must not depend on values recurring in a cache).
    result = decimal_number(raw) if type(raw) is Decimal else _numbered(to_exact(raw))
    if run.tracing:
        if labels:
            shown: dict[str, Any] = {p: by_name.get(p, hi_d) for p in params}
        else:
            shown = {"realisasi": to_exact(realisasi), "lo": fraction_of(lo_d)}
            hi = fraction_of(hi_d)
            shown = {p: shown.get(p, hi) for p in params}
        run.step("capaian", ind.id, name, shown, to_exact(result))
    return result, name


def _numbered(value: Any) -> Any:
    """A rule's exact number as its record's Number; anything else (a label) as it is."""
    return to_number(value) if type(value) is Fraction else value


def _label_inputs(run: Run, ind: Indicator, value: Decimal | str,
                  where: tuple[str, str]) -> dict[str, Label] | None:  # fmt: skip
    """The inputs of a qualitative indicator kind, resolved in the enums its definition
    declares (``capaian_kualitatif(realisasi: skala, target: skala)``); None for an indicator
    that is numbers only. A label where the kind takes a number, a number where it takes a
    label, or a label not in the enum is a :class:`~kinerja_engine.errors.ModelError` naming
    the indicator and the field (``where``: the realisation's and the target's paths)."""
    target = ind.target
    if ind.kind is None and not isinstance(value, str) and not isinstance(target, str):
        return None  # the common case, decided without looking at the rulebook
    name = capaian_definition(ind) if ind.formula is None else None
    declared = run.info.param_types(name) if name and run.has(name) else {}
    if not any(t.kind == "label" for t in declared.values()) and not (
        isinstance(value, str) or isinstance(target, str)
    ):
        return None
    kind = f"kind '{ind.kind}'" if ind.kind else "its rule"
    given: dict[str, Any] = {"realisasi": value, "target": target, "lo": target, "hi": target}
    fields = {"realisasi": where[0], "target": where[1], "lo": where[1], "hi": where[1]}
    labels: dict[str, Label] = {}
    for param, want in declared.items():
        have = given.get(param)
        field = fields.get(param)
        if have is None or field is None:
            continue
        if want.kind == "label":
            assert want.enum is not None
            if not isinstance(have, str):
                choices = ", ".join(repr(m.text or m.name)
                                    for m in run.book.checked.enums[want.enum].members)  # fmt: skip
                raise _model_error(run, field, (
                    f"indicator '{ind.id}' ({ind.name}): {kind} takes as {param} a label of "
                    f"{want.enum} ({choices}), got the number {_number_text(have)}"))  # fmt: skip
            try:
                labels[param] = run.info.resolve(want.enum, have, param)
            except KinerjaError as exc:
                raise _model_error(
                    run, field, f"indicator '{ind.id}' ({ind.name}): {exc.message}"
                ) from None
        elif isinstance(have, str):
            raise _model_error(run, field, (
                f"indicator '{ind.id}' ({ind.name}): {kind} takes as {param} a number, "
                f"got the label {have!r}"))  # fmt: skip
    return labels


def _number_text(value: Decimal | TargetRange) -> str:
    if isinstance(value, TargetRange):
        return f"{format_number(value.lo)}-{format_number(value.hi)}"
    return format_number(value)


def _takes_labels(run: Run, kind: str) -> bool:
    """Whether the rulebook's ``capaian_<kind>`` declares a label parameter: a fact of the
    rulebook, found once per kind (the batch path asks it for every indicator)."""
    key = "labels:" + kind
    flag = run.info.flags.get(key)
    if flag is None:
        name = "capaian_" + kind
        flag = run.has(name) and any(t.kind == "label" for t in run.info.param_types(name).values())
        run.info.flags[key] = flag
    return flag


def _model_error(run: Run, field: str, message: str) -> ModelError:
    return ModelError(message, field=field, employee=run.plan.employee.nip)


class _Paths:
    """The field paths of an indicator's realisation and target, found only when asked
    (an error message needs them; scoring does not)."""

    __slots__ = ("plan",)

    def __init__(self, plan: Any) -> None:
        self.plan = plan

    def __getitem__(self, indicator: str) -> tuple[str, str]:
        real = next((f"realisations.{i}.value" for i, r in enumerate(self.plan.realisations)
                     if r.indicator == indicator), "realisations")  # fmt: skip
        target = next((f"rhk.{i}.indicators.{j}.target" for i, rhk in enumerate(self.plan.rhk)
                       for j, ind in enumerate(rhk.indicators) if ind.id == indicator),
                      "rhk")  # fmt: skip
        return real, target


def _weights(
    run: Run, given: list[Fraction | None], rhk: str | None = None
) -> Sequence[Fraction | Number]:
    """Explicit weights must sum to exactly 100 %; none at all means equal weights (shared
    Numbers). ``rhk``: the RHK whose indicators these weigh (None: the RHKs' weights)."""
    # Identity tests only: list.count(None) would call Fraction.__eq__ on every weight.
    weights = [w for w in given if w is not None]
    if not weights:
        return equal_weights(len(given))
    what = "RHK weights" if rhk is None else f"RHK '{rhk}'"
    if len(weights) != len(given):
        raise run.fail(f"{what}: either every weight is given or none is")
    whole = 0
    for w in weights:
        if w.denominator != 1:  # a fraction of a percent: add exactly
            total = sum(weights, Fraction(0))
            break
        whole += w.numerator  # whole percentages (the usual case): add integers
    else:
        if whole == 100:
            return weights
        total = Fraction(whole)
    if total != 100:
        raise run.fail(
            f"{what}: weights add up to {format_number(total)} %, not 100 % "
            '(write thirds exactly, e.g. "100/3")'
        )
    return weights


def _indicator_stage(
    run: Run, given: Mapping[str, Fraction | None] | None, given_rule: str
) -> tuple[list[tuple[Any, list[IndicatorResult]]], bool]:
    """Capaian of every indicator; ``given`` supplies capaian directly (annual aggregation).
    Per RHK: the RHK and its indicator results (their Numbers carry each capaian on)."""
    plan = run.plan
    missing = False
    out: list[tuple[Any, list[IndicatorResult]]] = []
    # First realisation per indicator, as Plan.realisation_for finds it.
    reported: dict[str, Any] = {}
    for r in plan.realisations:
        reported.setdefault(r.indicator, r)
    where = _Paths(plan)
    for rhk in plan.rhk:
        weights = _weights(run, [i.weight for i in rhk.indicators], rhk.id)
        results = []
        for ind, weight in zip(rhk.indicators, weights, strict=True):
            real = reported.get(ind.id)
            target = ind.target
            shown_target = (
                target if isinstance(target, TargetRange | str) else decimal_number(target)
            )
            head: tuple[Any, ...] = (
                ind.id, ind.name, ind.unit_of_measure, _VALUE[ind.direction], shown_target
            )  # fmt: skip
            if given is not None and ind.id in given:
                aggregated = given[ind.id]
                if aggregated is None:  # not applicable in the period(s) aggregated
                    run.step("capaian", ind.id, given_rule, {}, None, "not applicable")
                    status = IndicatorStatus.NOT_APPLICABLE
                else:
                    status = IndicatorStatus.REPORTED
                results.append(
                    _INDICATOR(IndicatorResult, *head, None, status, aggregated, weight, given_rule)
                )
                continue
            if real is None or (given is not None and ind.id not in given):
                missing = True
                run.step("capaian", ind.id, "belum dilaporkan", {}, None, "not yet reported")
                results.append(
                    _INDICATOR(
                        IndicatorResult, *head, None, IndicatorStatus.NOT_REPORTED, None, weight, ""
                    )
                )
                continue
            if real.not_applicable:
                run.step("capaian", ind.id, "tidak berlaku", {}, None, "not applicable")
                results.append(
                    _INDICATOR(
                        IndicatorResult,
                        *head,
                        None,
                        IndicatorStatus.NOT_APPLICABLE,
                        None,
                        weight,
                        "",
                    )
                )
                continue
            assert real.value is not None
            labels = _label_inputs(run, ind, real.value, where[ind.id]) if (
                type(real.value) is str or type(target) is str
                or (ind.kind is not None and _takes_labels(run, ind.kind))
            ) else None  # fmt: skip
            shown_real: Label | None = None
            if labels is not None:  # a qualitative kind: realisasi and target are labels
                realisasi = None if isinstance(real.value, str) else decimal_number(real.value)
                shown_real = labels.get("realisasi")
                if "target" in labels:
                    head = (*head[:4], labels["target"])
            else:
                assert not isinstance(real.value, str)
                realisasi = decimal_number(real.value)
            try:
                capaian, rule = _capaian(run, ind, realisasi, target, real.value, labels)
            except KinerjaError as exc:
                if exc.message.startswith(f"employee {run.who}"):
                    raise
                raise run.fail(f"indicator '{ind.id}' ({ind.name}): {exc.message}") from exc
            capped_from: Number | None = None
            if type(capaian) is not Number:
                raise run.fail(f"indicator '{ind.id}': capaian must be a number, got {capaian}")
            if ind.cap is not None and capaian > ind.cap:
                capped_from, capaian = capaian, decimal_number(ind.cap)
                if run.tracing:
                    run.step("cap", ind.id, f"cap {format_number(capaian)} %",
                             {"capaian": capped_from.exact}, capaian.exact,
                             "cap applied")  # fmt: skip
            results.append(
                _INDICATOR(
                    IndicatorResult,
                    *head,
                    realisasi,
                    IndicatorStatus.REPORTED,
                    capaian,
                    weight,
                    rule,
                    capped_from,
                    None,
                    shown_real,
                )
            )
        out.append((rhk, results))
    return out, missing


def score_run(run: Run, given: Mapping[str, Fraction | None] | None = None,
           unit_rating: str | None = None, given_rule: str = "") -> Appraisal:  # fmt: skip
    plan = run.plan
    if given is None:  # given capaian (the annual aggregation) call no kind
        run.check_kinds()
    stage, missing = _indicator_stage(run, given, given_rule)
    policy = run.param("kebijakan_realisasi_kosong", None)
    exclude = isinstance(policy, Label) and policy.name == "kecualikan"
    # A rulebook that adds RHK tambahan apart (PP 46/2011, PermenPANRB 8/2021): only RHK
    # utama share the 100 %; an RHK tambahan keeps its own weight (0 when not given).
    apart = legacy.adds_tambahan(run)
    if apart:
        main = iter(_weights(run, [r.weight for r in plan.rhk if r.kind is RhkKind.UTAMA]))
        rhk_weights: Sequence[Fraction | Number] = [
            next(main) if r.kind is RhkKind.UTAMA else (r.weight or Fraction(0)) for r in plan.rhk
        ]
    else:
        rhk_weights = _weights(run, [r.weight for r in plan.rhk])
    # nilai_rhk(nilai: list, bobot) weighs each indicator's nilai on the rulebook's scale
    # (nilai_iki, PermenPANRB 8/2021); nilai_rhk(capaian: list, bobot) weighs the capaian.
    per_indicator = legacy.weighs_nilai(run)
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
    for (rhk, found), weight in zip(stage, rhk_weights, strict=True):
        results = found
        counted = [r for r in results if r.counted]
        nilai = None
        if counted and not incomplete:
            # The records hold Numbers: the rulebook gets their Decimals on the fast path
            # when all terminate, else their exact values (Fractions) on the exact one.
            bobot = tuple(r.weight for r in counted)
            if per_indicator:  # the rulebook's scale per indicator: nilai_rhk weighs those
                results = legacy.indicator_values(run, results)
                capaian = tuple(r.nilai for r in results if r.nilai is not None)
            else:
                capaian = tuple(r.capaian for r in counted if r.capaian is not None)
            nilai = run.call_number("nilai_rhk", (capaian, bobot), _carried(capaian, bobot))
            if run.tracing:  # the batch path builds no step inputs
                run.step("nilai_rhk", rhk.id, "nilai_rhk",
                         {"capaian": to_exact(capaian), "bobot": to_exact(bobot)},
                         to_exact(nilai))  # fmt: skip
        rhk_result = _RHK(RhkResult, rhk.id, rhk.description, _VALUE[rhk.kind], weight, nilai,
                               tuple(results))  # fmt: skip
        if apart and rhk.kind is RhkKind.TAMBAHAN and nilai is not None:
            added = legacy.tambahan_value(run, rhk_result)
            rhk_result = rhk_result.model_copy(update={"nilai_tambahan": added})
        rhk_results.append(rhk_result)
    nilai_hk = None
    scored = [r for r in rhk_results if r.nilai is not None]
    if apart:
        scored = [r for r in scored if r.kind == RhkKind.UTAMA.value]
    if scored and not incomplete:
        values = tuple(r.nilai for r in scored if r.nilai is not None)
        weights = tuple(r.weight for r in scored)
        if apart:
            values, weights = to_exact(values), to_exact(weights)
            tambahan = tuple(
                r.nilai_tambahan.exact for r in rhk_results if r.nilai_tambahan is not None
            )
            inputs = {"nilai": values, "bobot": weights, "tambahan": tambahan}
            nilai_hk = legacy.call_named(run, "nilai_hasil_kerja", inputs)
        else:
            fast = _carried(values, weights)
            nilai_hk = run.call_number("nilai_hasil_kerja", (values, weights), fast)
            inputs = {"nilai": values, "bobot": weights}
        if run.tracing:
            run.step("nilai_hasil_kerja", "", "nilai_hasil_kerja",
                     {k: to_exact(v) for k, v in inputs.items()}, to_exact(nilai_hk))  # fmt: skip
    elif not incomplete:
        incomplete = True
        run.notes.append("tidak ada indikator yang dapat dihitung")
    if legacy.is_numeric(run):
        return legacy.finish(run, rhk_results, to_exact(nilai_hk), incomplete)
    return _ratings(run, rhk_results, nilai_hk, incomplete, unit_rating)


def _carried(values: Sequence[Number], weights: Sequence[Fraction | Number]) -> Any:
    """Fast-path arguments (values, weights) as Decimals, or None when one does not
    terminate (known from the Numbers themselves: None means the exact path is needed)."""
    decimals = decimals_of(values)
    if decimals is None:
        return None
    weights_d = decimals_of(weights)
    if weights_d is None:
        return None
    return (decimals, weights_d)


def _ratings(run: Run, rhk_results: list[RhkResult], nilai_hk: Any,
             incomplete: bool, unit_rating: str | None) -> Appraisal:  # fmt: skip
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
        nilai_raw = decimal_of(nilai_hk)
        fast = None if nilai_raw is None else (nilai_raw,)
        recommended = run.call_number("rating_hasil_kerja", (nilai_hk,), fast)
        if run.tracing:
            exact = to_exact(nilai_hk)
            band = run.info.band_match("rating_hasil_kerja", exact)
            run.step("rating_hasil_kerja", "", "rating_hasil_kerja", {"nilai": exact},
                     recommended, band=band)  # fmt: skip
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
    if plan.behaviour is not None and plan.behaviour.rating is not None:
        perilaku = resolve(plan.behaviour.rating, "behaviour rating")
        run.step("rating_perilaku", "", "penilaian atasan", {}, perilaku)
    if run.tracing and (plan.expectations or (plan.behaviour and plan.behaviour.per_value)):
        _guide_steps(run)
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
        predikat_rec = run.call_number("predikat_kinerja", (hasil, perilaku), (hasil, perilaku))
        if run.tracing:
            run.step("predikat", "", "predikat_kinerja", {"hasil": hasil, "perilaku": perilaku},
                     predikat_rec, f"sel ({hasil.name}, {perilaku.name})")  # fmt: skip
    predikat = predikat_rec
    if "predikat" in overrides:
        o = overrides["predikat"]
        predikat = run.override_predikat(o, predikat_rec, "predikat")
        applied.append(("predikat", predikat_rec, predikat, o.reason))
    conversions = _conversions(run, nilai_hk, hasil, perilaku, predikat)
    complete = predikat is not None and not incomplete
    return _APPRAISAL(
        Appraisal,
        plan_id=plan.id,
        employee=plan.employee.nip,
        employee_name=plan.employee.name,
        unit=plan.employee.unit,
        period=str(plan.period),
        status=AppraisalStatus.COMPLETE if complete else AppraisalStatus.INCOMPLETE,
        rhk=tuple(rhk_results),
        nilai_hasil_kerja=nilai_hk,
        rating_hasil_kerja_rekomendasi=recommended,
        rating_hasil_kerja=hasil,
        rating_perilaku=perilaku,
        predikat_rekomendasi=predikat_rec,
        predikat=predikat,
        overrides=tuple(applied),
        override_records=tuple(OverrideRecord.of(overrides[what]) for what, *_ in applied),
        conversions=conversions,
        notes=tuple(run.notes),
        trace=tuple(run.trace),
        rulebook=info.label,
    )


_CORE_VALUES: dict[str, CoreValue] = {c.value: c for c in CoreValue}
# A period's length in months (1 to 12) as the exact value the conversions take.
_MONTHS: dict[int, Fraction] = {m: Fraction(m) for m in range(1, 13)}


def _guide_steps(run: Run) -> None:
    """One step per core value with its panduan perilaku (SE MenPANRB 20/2021), the leader's
    specific expectation and the evaluator's note or rating for it, when the plan gives any:
    what the explanation of the perilaku part shows. Nothing when the rulebook has no guides."""
    guides = panduan_perilaku(run.book)
    plan = run.plan
    per_value = plan.behaviour.per_value if plan.behaviour is not None else {}
    values = list(dict.fromkeys(g.nilai_dasar for g in guides))
    for value in values:
        own = [g for g in guides if g.nilai_dasar == value]
        core = _CORE_VALUES.get(value.text)
        inputs: dict[str, Any] = {"nomor": Fraction(own[0].nomor_nilai),
                                  "panduan": tuple(g.label for g in own)}  # fmt: skip
        expectation = plan.expectations.get(core) if core is not None else None
        if expectation is not None:
            inputs["ekspektasi"] = expectation
        assessed = per_value.get(core) if core is not None else None
        run.step("perilaku", value.text, "panduan_perilaku", inputs, assessed)


def _conversions(run: Run, nilai: Any, hasil: Label | None,
                 perilaku: Label | None, predikat: Label | None) -> dict[str, Any]:  # fmt: skip
    plan = run.plan
    months = len(plan.period.months)
    context: dict[str, Any] = {
        "predikat": predikat,
        "nilai_hasil_kerja": nilai,
        "rating_hasil_kerja": hasil,
        "rating_perilaku": perilaku,
        "bulan": _MONTHS[months],
    }
    jenjang = plan.employee.position.jenjang
    if jenjang is not None and "jenjang" in run.book.checked.enums:
        try:
            context["jenjang"] = run.info.resolve("jenjang", jenjang.value, "jenjang")
        except KinerjaError:
            context["jenjang"] = None
    # The same arguments for the fast path (Decimals); a missing one means the exact path.
    # None where a value does not terminate: the exact path (Run.call_number) then.
    fast_context = {**context, "nilai_hasil_kerja": decimal_of(nilai), "bulan": Decimal(months)}
    results: dict[str, Any] = {}
    for name, params in run.info.conversions:
        args = [context.get(p) for p in params]
        # Identity tests: ``None in args`` would call Label.__eq__ on every label.
        if any(a is None for a in args):
            if run.tracing:
                missing = [p for p, a in zip(params, args, strict=True) if a is None]
                run.step("konversi", name, name, {}, None,
                         f"not applicable: no {', '.join(missing)}")  # fmt: skip
            continue
        fast: list[Any] | None = [fast_context.get(p) for p in params]
        if any(v is None for v in fast):  # type: ignore[union-attr]
            fast = None
        value = run.call_number(name, args, fast)
        results[name.removeprefix("konversi_")] = value
        if run.tracing:
            run.step("konversi", name, name,
                     {p: to_exact(a) for p, a in zip(params, args, strict=True)},
                     to_exact(value))  # fmt: skip
    return results
