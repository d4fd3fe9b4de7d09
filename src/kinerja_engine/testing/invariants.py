"""Invariant checkers for a caller's own property tests of a rulebook and its scoring.

Input: plans, a rulebook and appraisals (inside a ``@given`` test or outside one). Output:
nothing, or the appraisals computed; each ``assert_*`` raises ``AssertionError`` with a
message naming the plan, the indicator and the numbers when its invariant fails.
Guarantees: the checks are exact (weights sum to exactly 100, no tolerance); they read the
plan and appraisal only through public API (``appraise``, ``appraise_many``, ``to_dict``,
``Rulebook.evaluate``); numbers in messages come from
:func:`~kinerja_engine.formatting.format_number`. This module uses no Hypothesis.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> assert_order_insensitive(example_plan(), rulebooks.load("gajahmungkur"))
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import KinerjaError, UsageError
from ..formatting import format_number
from ..language import Rulebook
from ..models import RHK, Direction, Indicator, Plan, Realisation, TargetRange
from ..scoring import Appraisal, appraise, appraise_many
from ..values import display_decimal, round_half_up, to_decimal

__all__ = [
    "assert_bounded_by_caps",
    "assert_deterministic",
    "assert_monotone_in_realisasi",
    "assert_order_insensitive",
    "assert_rating_consistent_with_matrix",
    "assert_weights_sum_to_100",
]

#: A number as a caller writes it to a checker: exact types or decimal text, never a float.
Number = int | str | Decimal | Fraction


def _show(value: object) -> str:
    if isinstance(value, Fraction):
        return format_number(value)
    if isinstance(value, Decimal):
        return display_decimal(value)
    return str(value)


def _with_realisasi(plan: Plan, indicator_id: str, value: Decimal) -> Plan:
    new = Realisation(indicator=indicator_id, value=value)
    reals = list(plan.realisations)
    for i, real in enumerate(reals):
        if real.indicator == indicator_id:
            reals[i] = new
            break
    else:
        reals.append(new)
    return plan.model_copy(update={"realisations": tuple(reals)})


def _find_indicator(plan: Plan, indicator_id: str) -> tuple[RHK, Indicator]:
    for rhk, ind in plan.indicators():
        if ind.id == indicator_id:
            return rhk, ind
    known = ", ".join(ind.id for _, ind in plan.indicators())
    raise UsageError(f"plan {plan.id} has no indicator '{indicator_id}' (it has: {known})")


def _check_order(
    series: Sequence[tuple[Decimal, Fraction | None]],
    increasing: bool,
    what: str,
    context: str,
) -> None:
    known = [(v, x) for v, x in series if x is not None]
    for (v1, x1), (v2, x2) in itertools.pairwise(known):
        if (x2 < x1) if increasing else (x2 > x1):
            verb = "fell" if increasing else "rose"
            raise AssertionError(
                f"{context}: {what} {verb} from {_rounded(x1)} to {_rounded(x2)} when "
                f"realisasi went from {_show(v1)} to {_show(v2)}"
            )


def assert_monotone_in_realisasi(
    plan: Plan, rulebook: Rulebook, indicator_id: str, values: Iterable[Number]
) -> list[Appraisal]:
    """Capaian and nilai never move against the indicator's direction as realisasi grows.

    The plan is appraised once per value of ``values`` (in increasing order) with that
    realisasi for ``indicator_id`` (replacing or adding its realisation). For direction
    ``higher`` the indicator's capaian, its RHK's nilai and the nilai hasil kerja must never
    decrease; for ``lower`` never increase (on both sides of a range target too); for
    ``tolerance`` and ``range`` each side is checked: up to the range's low end as ``higher``,
    from its high end as ``lower``. Values that leave a number
    undefined (an incomplete result) are skipped for that number. Returns the appraisals.
    Raises :class:`~kinerja_engine.errors.KinerjaError` if a plan cannot be scored.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> book = rulebooks.load("gajahmungkur")
    >>> _ = assert_monotone_in_realisasi(example_plan(), book, "i1", ["0", "2.5", 3, 7])
    >>> broken = book.extend('rulebook "b" def capaian_lower(realisasi, target) = realisasi / target * 100')
    >>> assert_monotone_in_realisasi(example_plan(), broken, "i1", [1, 2])
    Traceback (most recent call last):
    ...
    AssertionError: plan p, indicator 'i1' (direction lower): capaian rose from 33.33 (exactly 100/3) to 66.67 (exactly 200/3) when realisasi went from 1 to 2
    """  # noqa: E501
    rhk, ind = _find_indicator(plan, indicator_id)
    ordered = sorted(dict.fromkeys(to_decimal(v, "realisasi") for v in values))
    results: list[Appraisal] = []
    rows: list[tuple[Decimal, Fraction | None, Fraction | None, Fraction | None]] = []
    for value in ordered:
        appraisal = appraise(_with_realisasi(plan, indicator_id, value), rulebook)
        results.append(appraisal)
        nilai_rhk = next(r.nilai for r in appraisal.rhk if r.id == rhk.id)
        rows.append(
            (
                value,
                _exact(appraisal.indicator(indicator_id).capaian),
                _exact(nilai_rhk),
                _exact(appraisal.nilai_hasil_kerja),
            )
        )
    context = f"plan {plan.id}, indicator '{indicator_id}' (direction {ind.direction.value})"
    if isinstance(ind.target, TargetRange):
        lo, hi = ind.target.lo, ind.target.hi
        # A higher/lower range keeps its direction on both sides; tolerance (and the older
        # "range") rises up to the range and falls after it.
        below = ind.direction is not Direction.LOWER
        above = ind.direction is Direction.HIGHER
        sides = [([r for r in rows if r[0] <= lo], below), ([r for r in rows if r[0] >= hi], above)]
    else:
        sides = [(rows, ind.direction is not Direction.LOWER)]
    for side, increasing in sides:
        _check_order([(r[0], r[1]) for r in side], increasing, "capaian", context)
        _check_order([(r[0], r[2]) for r in side], increasing, f"nilai of RHK '{rhk.id}'", context)
        _check_order([(r[0], r[3]) for r in side], increasing, "nilai hasil kerja", context)
    return results


def _bound_for(
    bounds: Number | Mapping[str, Number] | None, ind_id: str, kind: str | None
) -> Fraction | None:
    if bounds is None:
        return None
    if isinstance(bounds, Mapping):
        for key in (ind_id, kind):
            if key is not None and key in bounds:
                return Fraction(to_decimal(bounds[key], key))
        return None
    return Fraction(to_decimal(bounds, "bound"))


def assert_bounded_by_caps(
    appraisal: Appraisal,
    caps: Number | Mapping[str, Number] | None = None,
    *,
    floors: Number | Mapping[str, Number] | None = None,
    plan: Plan | None = None,
    aggregates: bool = True,
) -> None:
    """Every capaian stays within its cap (and floor); so do the values built from them.

    ``caps`` is one bound for every indicator, or a mapping from indicator id, or from
    indicator kind when ``plan`` is given, to its bound (percent); ``floors`` likewise from
    below. With ``plan``, each indicator's own ``cap`` is checked too, and a capped indicator
    must sit exactly at its cap. With ``aggregates`` (for weighted-mean rulebooks), an RHK's
    nilai lies within the bounds of its counted indicators when they all have one, and the
    nilai hasil kerja within those of the RHKs.

    >>> from kinerja_engine import appraise, rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> book = rulebooks.load("gajahmungkur")
    >>> plan = example_plan().model_copy(update={"realisations": ()})
    >>> plan = _with_realisasi(_with_realisasi(plan, "i1", Decimal(1)), "i2", Decimal(85))
    >>> result = appraise(plan, book)
    >>> assert_bounded_by_caps(result, 200)
    >>> assert_bounded_by_caps(result, {"i1": 150})
    Traceback (most recent call last):
    ...
    AssertionError: plan p, indicator 'i1': capaian 166.67 (exactly 500/3) is above its cap 150
    """
    kinds: dict[str, str | None] = {}
    own: dict[str, Decimal | None] = {}
    if plan is not None:
        for _, planned in plan.indicators():
            kinds[planned.id] = planned.kind
            own[planned.id] = planned.cap
    who = f"plan {appraisal.plan_id}"
    rhk_caps: list[Fraction | None] = []
    rhk_floors: list[Fraction | None] = []
    for rhk in appraisal.rhk:
        counted_caps: list[Fraction | None] = []
        counted_floors: list[Fraction | None] = []
        for ind in rhk.indicators:
            if ind.capaian is None:
                continue
            kind = kinds.get(ind.id)
            cap = _bound_for(caps, ind.id, kind)
            floor = _bound_for(floors, ind.id, kind)
            cap_own = own.get(ind.id)
            if cap_own is not None:
                cap = Fraction(cap_own) if cap is None else min(cap, Fraction(cap_own))
            if cap is not None and ind.capaian > cap:
                raise AssertionError(
                    f"{who}, indicator '{ind.id}': capaian "
                    f"{_rounded(ind.capaian.exact)} is above its "
                    f"cap {_show(cap)}"
                )
            if floor is not None and ind.capaian < floor:
                raise AssertionError(
                    f"{who}, indicator '{ind.id}': capaian "
                    f"{_rounded(ind.capaian.exact)} is below its "
                    f"floor {_show(floor)}"
                )
            if ind.capped_from is not None:
                if not ind.capped_from > ind.capaian:
                    raise AssertionError(
                        f"{who}, indicator '{ind.id}': capped from {_show(ind.capped_from)} to "
                        f"{_show(ind.capaian)}, which is not lower"
                    )
                if cap_own is not None and ind.capaian != Fraction(cap_own):
                    raise AssertionError(
                        f"{who}, indicator '{ind.id}': capped to {_show(ind.capaian)}, not to its "
                        f"cap {_show(cap_own)}"
                    )
            counted_caps.append(cap)
            counted_floors.append(floor)
        rhk_cap = _widest(counted_caps, max)
        rhk_floor = _widest(counted_floors, min)
        if aggregates and rhk.nilai is not None:
            _within(rhk.nilai.exact, rhk_cap, rhk_floor, f"{who}, RHK '{rhk.id}': nilai")
        if rhk.nilai is not None:
            rhk_caps.append(rhk_cap)
            rhk_floors.append(rhk_floor)
    if aggregates and appraisal.nilai_hasil_kerja is not None:
        _within(appraisal.nilai_hasil_kerja.exact, _widest(rhk_caps, max), _widest(rhk_floors, min),
                f"{who}: nilai hasil kerja")  # fmt: skip


def _rounded(value: Fraction) -> str:
    """A number as written, or rounded to 2 places with its exact fraction when it recurs."""
    shown = format_number(value)
    if "/" not in shown:
        return shown
    return f"{display_decimal(round_half_up(value, 2))} (exactly {shown})"


def _widest(
    bounds: Sequence[Fraction | None], pick: Callable[[Iterable[Fraction]], Fraction]
) -> Fraction | None:
    if not bounds or any(b is None for b in bounds):
        return None
    return pick(b for b in bounds if b is not None)


def _exact(value: Decimal | None) -> Fraction | None:
    """A result number's exact value (a result's Number may show a rounded Decimal)."""
    return None if value is None else Fraction(value)


def _within(value: Fraction, cap: Fraction | None, floor: Fraction | None, what: str) -> None:
    if cap is not None and value > cap:
        raise AssertionError(f"{what} {_rounded(value)} is above the largest cap {_show(cap)}")
    if floor is not None and value < floor:
        raise AssertionError(f"{what} {_rounded(value)} is below the smallest floor {_show(floor)}")


def _weights_check(weights: Sequence[Fraction | None], what: str) -> None:
    if all(w is None for w in weights):
        return
    if any(w is None for w in weights):
        raise AssertionError(f"{what}: some weights are given and some are not")
    total = sum((w for w in weights if w is not None), Fraction(0))
    if total != 100:
        raise AssertionError(f"{what}: weights add up to {format_number(total)} %, not 100 %")


def assert_weights_sum_to_100(item: Plan | RHK | Appraisal) -> None:
    """Weights sum to exactly 100 % at every level, or are all absent (equal weights).

    For a :class:`~kinerja_engine.models.Plan`: the RHK weights, and each RHK's indicator
    weights; for an :class:`~kinerja_engine.models.RHK`: its indicators; for an
    :class:`~kinerja_engine.scoring.Appraisal`: the weights the pipeline used (equal weights
    filled in), which must then be present and sum to 100. Sums are exact: three times
    ``"33.33"`` is 99.99, not 100 (write ``"100/3"``).

    >>> from kinerja_engine.models import RHK
    >>> ind = {"name": "x", "unit_of_measure": "%", "target": 1, "direction": "higher"}
    >>> rhk = RHK(id="r1", description="d", indicators=[
    ...     {**ind, "id": f"i{n}", "weight": "33.33"} for n in (1, 2, 3)])
    >>> assert_weights_sum_to_100(rhk)
    Traceback (most recent call last):
    ...
    AssertionError: RHK 'r1', indicator weights: weights add up to 99.99 %, not 100 %
    """
    if isinstance(item, RHK):
        _weights_check([i.weight for i in item.indicators], f"RHK '{item.id}', indicator weights")
        return
    if isinstance(item, Plan):
        _weights_check([r.weight for r in item.rhk], f"plan {item.id}, RHK weights")
        for rhk in item.rhk:
            _weights_check(
                [i.weight for i in rhk.indicators],
                f"plan {item.id}, RHK '{rhk.id}', indicator weights",
            )
        return
    if isinstance(item, Appraisal):
        if not item.ok:
            return
        who = f"appraisal of plan {item.plan_id}"
        _weights_check([r.weight.exact for r in item.rhk] or [Fraction(0)], f"{who}, RHK weights")
        for scored in item.rhk:
            _weights_check([i.weight.exact for i in scored.indicators] or [Fraction(0)],
                           f"{who}, RHK '{scored.id}', indicator weights")  # fmt: skip
        return
    raise UsageError(f"expected a Plan, an RHK or an Appraisal, got {type(item).__name__}")


def _outcome(action: Callable[[], Appraisal]) -> tuple[str, Any]:
    try:
        return "result", action().to_dict()
    except KinerjaError as exc:
        return "error", exc.message


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in dict.fromkeys([*a, *b]):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else key)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or 'value'}: {a!r} vs {b!r}"


def assert_deterministic(plan: Plan, rulebook: Rulebook) -> Appraisal | None:
    """The same plan always gives the same appraisal, trace included.

    Appraises the plan twice, a copy read back from its own JSON, and through
    ``appraise_many``; all four must be equal (``to_dict``), or all must fail with the same
    message. Returns the appraisal, or None when the plan cannot be scored.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> assert_deterministic(example_plan(), rulebooks.load("gajahmungkur")).status
    'incomplete'
    """
    outcomes = [
        ("appraise", _outcome(lambda: appraise(plan, rulebook))),
        ("appraise again", _outcome(lambda: appraise(plan, rulebook))),
        (
            "appraise of the plan read back from JSON",
            _outcome(lambda: appraise(Plan.model_validate_json(plan.model_dump_json()), rulebook)),
        ),
        ("appraise_many", _many_outcome([plan], rulebook)[0]),
    ]
    first_name, first = outcomes[0]
    for name, outcome in outcomes[1:]:
        if outcome != first:
            raise AssertionError(
                f"plan {plan.id}: {name} differs from {first_name}: "
                + _first_difference(first, outcome)
            )
    if first[0] == "error":
        return None
    return appraise(plan, rulebook)


def _many_outcome(plans: Sequence[Plan], rulebook: Rulebook) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for result in appraise_many(plans, rulebook):
        if result.status == "error":
            out.append(("error", result.error))
        else:
            out.append(("result", result.to_dict()))
    return out


def _summary(appraisal: Appraisal) -> dict[str, Any]:
    """What must not depend on the order of RHKs and indicators (the trace does)."""
    data = appraisal.to_dict()
    return {
        "status": data["status"],
        "nilai_hasil_kerja": data["nilai_hasil_kerja"],
        "ratings": [data[k] for k in ("rating_hasil_kerja_rekomendasi", "rating_hasil_kerja",
                                      "rating_perilaku", "predikat_rekomendasi", "predikat")],
        "conversions": data["conversions"],
        "notes": sorted(data["notes"]),
        "rhk": {r["id"]: (r["weight"], r["nilai"]) for r in data["rhk"]},
        "indicators": {
            i["id"]: (i["status"], i["capaian"], i["weight"], i["capped_from"])
            for r in data["rhk"] for i in r["indicators"]
        },
    }  # fmt: skip


def assert_order_insensitive(plans: Plan | Sequence[Plan], rulebook: Rulebook) -> None:
    """Scores do not depend on the order of the input.

    For each plan: its realisations reversed and rotated give the identical appraisal, and
    its RHKs and their indicators in reverse order give the same numbers, ratings and
    conversions (only the order of the breakdown and trace may change). For several plans:
    ``appraise_many`` over them reversed gives each plan the same result as in order.
    A plan that cannot be scored must fail the same way in every order.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> assert_order_insensitive([example_plan()] * 2, rulebooks.load("gajahmungkur"))
    """
    items = [plans] if isinstance(plans, Plan) else list(plans)
    for plan in items:
        base = _outcome(lambda plan=plan: appraise(plan, rulebook))  # type: ignore[misc]
        reals = plan.realisations
        for name, order in (("reversed", reals[::-1]), ("rotated", reals[1:] + reals[:1])):
            variant = plan.model_copy(update={"realisations": order})
            outcome = _outcome(lambda v=variant: appraise(v, rulebook))  # type: ignore[misc]
            if outcome != base:
                raise AssertionError(
                    f"plan {plan.id}: realisations {name} change the appraisal: "
                    + _first_difference(base, outcome)
                )
        flipped = Plan.model_validate(
            {
                **plan.model_dump(),
                "rhk": [
                    {**r.model_dump(), "indicators": [i.model_dump() for i in r.indicators[::-1]]}
                    for r in plan.rhk[::-1]
                ],
            }
        )
        # A failure may name another indicator first in another order: only its kind counts.
        base_summary = _summary_outcome(plan, rulebook)
        flip_summary = _summary_outcome(flipped, rulebook)
        if flip_summary != base_summary:
            raise AssertionError(
                f"plan {plan.id}: RHKs and indicators in reverse order change the result: "
                + _first_difference(base_summary, flip_summary)
            )
    if len(items) > 1:
        forward = _many_outcome(items, rulebook)
        backward = _many_outcome(items[::-1], rulebook)[::-1]
        for index, (a, b) in enumerate(zip(forward, backward, strict=True)):
            if a != b:
                raise AssertionError(
                    f"appraise_many: plan {items[index].id} (position {index}) scores differently "
                    "when the plans come in reverse order: " + _first_difference(a, b)
                )


def _summary_outcome(plan: Plan, rulebook: Rulebook) -> tuple[str, Any]:
    try:
        return "result", _summary(appraise(plan, rulebook))
    except KinerjaError as exc:
        return "error", type(exc).__name__


def assert_rating_consistent_with_matrix(
    appraisal: Appraisal, rulebook: Rulebook, *, plan: Plan | None = None
) -> None:
    """Ratings and predikat follow the rulebook's band and matrix, except recorded overrides.

    * the recommended Rating Hasil Kerja is ``rating_hasil_kerja(nilai_hasil_kerja)`` when the
      rulebook has that band and the nilai is known, else absent;
    * the final Rating Hasil Kerja is the recommendation, unless an override of it is recorded
      (then it is the override's value) or the employee heads the unit (the unit's rating);
    * with ``plan``, the Rating Perilaku is the plan's behaviour rating unless overridden;
    * the recommended predikat is ``predikat_kinerja(hasil, perilaku)`` when both ratings are
      known, else absent; the final predikat is the recommendation unless a predikat override
      is recorded.

    Error appraisals have nothing to check.

    >>> from kinerja_engine import appraise, rulebooks
    >>> from kinerja_engine.models import BehaviourAssessment, example_plan
    >>> book = rulebooks.load("gajahmungkur")
    >>> plan = example_plan().model_copy(update={"behaviour": BehaviourAssessment(rating="above")})
    >>> result = appraise(_with_realisasi(plan, "i2", Decimal(85)), book)
    >>> assert_rating_consistent_with_matrix(result, book, plan=plan)
    >>> str(result.predikat)
    'Baik'
    >>> other = book.extend('rulebook "x" matrix predikat_kinerja(hasil: rating, perilaku: rating) { _, _ -> predikat.kurang }')
    >>> assert_rating_consistent_with_matrix(result, other)
    Traceback (most recent call last):
    ...
    AssertionError: plan p: predikat_rekomendasi is Baik, but predikat_kinerja(Sesuai Ekspektasi, Di Atas Ekspektasi) is Kurang/Misconduct
    """  # noqa: E501
    if not appraisal.ok:
        return
    who = f"plan {appraisal.plan_id}"
    overrides = {what: (before, value) for what, before, value, _ in appraisal.overrides}
    nilai = appraisal.nilai_hasil_kerja
    expected_rec: Any = None
    if nilai is not None and "rating_hasil_kerja" in rulebook.checked.funcs:
        expected_rec = rulebook.evaluate("rating_hasil_kerja", nilai=nilai)
    _expect(appraisal.rating_hasil_kerja_rekomendasi, expected_rec,
            f"{who}: rating_hasil_kerja_rekomendasi",
            f"rating_hasil_kerja({_show(nilai)})")  # fmt: skip
    unit_head = any(step.rule == "kepala unit" for step in appraisal.trace)
    if "rating_hasil_kerja" in overrides:
        value = overrides["rating_hasil_kerja"][1]
        _expect(appraisal.rating_hasil_kerja, value, f"{who}: rating_hasil_kerja",
                "the recorded override")  # fmt: skip
    elif not unit_head:
        _expect(appraisal.rating_hasil_kerja, appraisal.rating_hasil_kerja_rekomendasi,
                f"{who}: rating_hasil_kerja",
                "the recommendation (no override recorded)")  # fmt: skip
    if plan is not None:
        if "rating_perilaku" in overrides:
            _expect(appraisal.rating_perilaku, overrides["rating_perilaku"][1],
                    f"{who}: rating_perilaku", "the recorded override")  # fmt: skip
        else:
            written = (
                None
                if plan.behaviour is None or plan.behaviour.rating is None
                else rulebook.label("rating", plan.behaviour.rating)
            )
            _expect(appraisal.rating_perilaku, written, f"{who}: rating_perilaku",
                    "the plan's behaviour rating")  # fmt: skip
    hasil, perilaku = appraisal.rating_hasil_kerja, appraisal.rating_perilaku
    expected_predikat: Any = None
    if hasil is not None and perilaku is not None and "predikat_kinerja" in rulebook.checked.funcs:
        expected_predikat = rulebook.evaluate("predikat_kinerja", hasil=hasil, perilaku=perilaku)
    _expect(appraisal.predikat_rekomendasi, expected_predikat, f"{who}: predikat_rekomendasi",
            f"predikat_kinerja({hasil}, {perilaku})")  # fmt: skip
    if "predikat" in overrides:
        _expect(appraisal.predikat, overrides["predikat"][1], f"{who}: predikat",
                "the recorded override")  # fmt: skip
    else:
        _expect(appraisal.predikat, appraisal.predikat_rekomendasi, f"{who}: predikat",
                "the recommendation (no override recorded)")  # fmt: skip


def _expect(actual: Any, expected: Any, what: str, rule: str) -> None:
    if actual != expected:
        raise AssertionError(f"{what} is {actual}, but {rule} is {expected}")
