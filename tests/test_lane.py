"""The batch lane (``scoring/lane.py``) gives the stages' result, field for field, or steps aside.

The lane is a second implementation of the common case (no trace, numbers only, ratings), so it
is compared with the stages (``score_run``) on every kind of plan the generator makes, on plans
whose every number is distinct (most capaian then do not terminate), on the bundled rulebooks
and on policies the generator does not use (excluding a missing realisasi, no rating band).
Outside the common case it must answer None, never a different result; and it must take most
plans, or the comparison would prove nothing. Its cost is pinned as counted calls per
employee (``workmeter``), never as time.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_engine import KinerjaError, Rulebook, rulebooks
from kinerja_engine.batch import appraise_reference
from kinerja_engine.batch.distinct import distinct_records
from kinerja_engine.batch.synthetic import generate_plans
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.scoring import appraise, appraise_many
from kinerja_engine.scoring.context import Run, rulebook_view
from kinerja_engine.scoring.lane import lane_of
from kinerja_engine.scoring.stages import score_run
from kinerja_engine.testing import plans
from workmeter import count_calls


def distinct(plans: list[Plan]) -> list[Plan]:
    """The plans with every realisasi and target a value no other number has."""
    return [Plan.model_validate(record) for record in distinct_records(plans)]


def stages(plan: Plan, book: Rulebook) -> Any:
    """The stages' untraced result, or the error they raise (as text)."""
    try:
        return score_run(Run(plan, book, tracing=False))
    except Exception as exc:  # compared as text
        return f"{type(exc).__name__}: {exc}"


def compare(plans: list[Plan], book: Rulebook) -> int:
    """Assert the lane equals the stages wherever it answers; the number it answered."""
    lane = lane_of(rulebook_view(book))
    taken = 0
    for plan in plans:
        found = lane.score(plan)
        if found is None:
            continue
        taken += 1
        expected = stages(plan, book)
        assert found == expected, plan.id
        # Exact text, the digits shown and the 0.1 JSON too (equality is by exact value).
        assert found.model_dump_json() == expected.model_dump_json(), plan.id
        assert found.to_dict() == expected.to_dict(), plan.id
        assert repr(found) == repr(expected), plan.id
        assert found.model_fields_set == expected.model_fields_set
    return taken


@pytest.mark.parametrize("seed", [1, 2])
def test_lane_equals_the_stages_on_generated_plans(gajahmungkur: Rulebook, seed: int) -> None:
    plans = list(generate_plans(300, seed=seed, fault_rate=0.05))
    taken = compare(plans, gajahmungkur)
    assert taken >= 0.8 * len(plans)  # the lane is the common case, not a corner


def test_lane_equals_the_stages_on_distinct_values(gajahmungkur: Rulebook) -> None:
    plans = distinct(list(generate_plans(300, seed=5, fault_rate=0.02)))
    assert compare(plans, gajahmungkur) >= 0.8 * len(plans)


@pytest.mark.parametrize(
    "name", ["permenpanrb-6-2022", "gajahmungkur", "pp-46-2011", "permenpanrb-8-2021"]
)
def test_lane_equals_the_stages_on_every_bundled_scoring_rulebook(name: str) -> None:
    book = rulebooks.load(name)
    plans = [example_plan(), *generate_plans(60, seed=3, fault_rate=0.05)]
    taken = compare(plans, book)
    # The numeric legacy rulebooks have stages of their own: the lane steps aside.
    assert (taken == 0) == (name in ("pp-46-2011", "permenpanrb-8-2021"))


def test_lane_equals_the_stages_under_the_exclude_policy(gajahmungkur: Rulebook) -> None:
    book = gajahmungkur.extend(
        'rulebook "lokal" param kebijakan_realisasi_kosong = kebijakan_kosong.kecualikan'
    )
    plans = [example_plan(), *distinct(list(generate_plans(80, seed=9, fault_rate=0.05)))]
    assert compare(plans, book) >= 60
    found = lane_of(rulebook_view(book)).score(example_plan())
    assert found is not None and "dikecualikan" in found.notes[0]


def test_lane_steps_aside_outside_the_common_case(gajahmungkur: Rulebook) -> None:
    lane = lane_of(rulebook_view(gajahmungkur))
    plan = example_plan()
    assert lane.score(plan) is not None
    overridden = plan.model_dump(mode="json")
    overridden["overrides"] = [{"what": "predikat", "value": "baik", "reason": "uji"}]
    formula = plan.model_dump(mode="json")
    formula["rhk"][0]["indicators"][0]["formula"] = "realisasi / target * 100"
    unknown = plan.model_dump(mode="json")
    unknown["rhk"][0]["indicators"][0]["kind"] = "tidak_ada"
    bad_weights = plan.model_dump(mode="json")
    bad_weights["rhk"][0]["indicators"][0]["weight"] = 1
    for data in (overridden, formula, unknown, bad_weights):
        other = Plan.model_validate(data)
        assert lane.score(other) is None
        # ... and the pipeline still gives the reference path's result (or its error).
        reference = appraise_reference(data, gajahmungkur).model_copy(update={"trace": ()})
        assert next(appraise_many([other], gajahmungkur, trace=False)) == reference


def test_a_rulebook_that_does_not_fit_is_left_to_the_stages() -> None:
    book = Rulebook.parse('rulebook "kosong" version "1" param x = 1')
    assert not lane_of(rulebook_view(book)).usable
    with pytest.raises(KinerjaError, match="has no indicator kind 'lower'"):
        appraise(example_plan(), book, trace=False)


@settings(max_examples=60, database=None)
@given(
    st.sampled_from(["gajahmungkur", "permenpanrb-6-2022"]).flatmap(
        lambda name: st.tuples(
            st.just(name),
            plans(
                rulebooks.load(name),
                complete=False,
                overrides=False,
                nonpositive_targets=True,
            ),
        )
    )
)
def test_lane_equals_the_stages_on_generated_models(named: tuple[str, Plan]) -> None:
    # The public strategies: fraction weights (100/3), caps, targets of 0 or below, every
    # period kind, missing and not-applicable realisations, unit heads.
    name, plan = named
    compare([plan], rulebooks.load(name))


@pytest.mark.slow
def test_lane_equals_the_stages_on_many_distinct_plans(gajahmungkur: Rulebook) -> None:
    plans = distinct(list(generate_plans(3000, seed=11, fault_rate=0.01)))
    assert compare(plans, gajahmungkur) >= 0.9 * len(plans)


def test_calls_per_employee_on_distinct_values_are_pinned(gajahmungkur: Rulebook) -> None:
    plans = distinct(list(generate_plans(200, seed=7, fault_rate=0)))
    list(appraise_many(plans[:20], gajahmungkur, trace=False))  # the lane prepared
    lane = count_calls(lambda: list(appraise_many(plans, gajahmungkur, trace=False)))
    stages = count_calls(lambda: [score_run(Run(p, gajahmungkur, tracing=False)) for p in plans])
    per_employee = lane.calls / len(plans)
    # Measured: 935 calls per employee with the lane, 1,112 through the stages (the
    # hand-written function of bench/appraisal_bench.py: 743). A rise is a regression.
    assert per_employee <= CALLS_PER_EMPLOYEE
    assert lane.calls <= 0.9 * stages.calls
    assert all(r.status in ("complete", "incomplete") for r in lane.result)
    assert lane.result == stages.result


CALLS_PER_EMPLOYEE = 1_000
