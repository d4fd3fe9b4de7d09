"""The synthetic workforce: deterministic, addressable, valid, realistic proportions."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from kinerja_engine import Rulebook
from kinerja_engine.batch.synthetic import BLOCK, generate_plans, generate_records, unit_predikat
from kinerja_engine.models import Plan, PositionCategory, decode_nip


def test_same_seed_same_plans_other_seed_other_plans() -> None:
    assert list(generate_plans(120, seed=4)) == list(generate_plans(120, seed=4))
    assert list(generate_plans(120, seed=4)) != list(generate_plans(120, seed=5))


@pytest.mark.parametrize("start", [0, 1, 999, 1000, 1500], ids=lambda s: f"start={s}")
def test_a_slice_is_the_same_plans_as_the_whole_stream(start: int) -> None:
    whole = list(generate_plans(2100, seed=9))
    assert list(generate_plans(2100, seed=9, start=start)) == whole[start:]


def test_plans_are_what_validation_builds_from_their_dump() -> None:
    for plan in generate_plans(300, seed=11):
        assert Plan.model_validate(plan.model_dump()) == plan
        assert Plan.model_validate_json(plan.model_dump_json()) == plan
        decode_nip(plan.employee.nip, plan.employee.kind)


def test_records_validate_to_the_plans() -> None:
    pairs = zip(generate_records(50, seed=2), generate_plans(50, seed=2), strict=True)
    for record, plan in pairs:
        assert Plan.model_validate(record) == plan


def test_realistic_shape() -> None:
    plans = list(generate_plans(BLOCK, seed=0))
    counts = [len(list(p.indicators())) for p in plans]
    assert min(counts) >= 3 and max(counts) <= 7
    assert 4.5 <= sum(counts) / len(counts) <= 5.5
    categories = Counter(p.employee.position.category for p in plans)
    assert 0.5 <= categories[PositionCategory.FUNGSIONAL] / len(plans) <= 0.75
    units = Counter(p.employee.unit for p in plans)
    assert all(5 <= n <= 80 for n in list(units.values())[:-1])  # the last one may be cut
    heads = [p for p in plans if p.employee.is_unit_head]
    assert len(heads) == len(units)
    assert all(p.evaluator is not None for p in plans if not p.employee.is_unit_head)


def test_scores_with_the_bundled_rulebook_in_realistic_proportions(gajahmungkur: Rulebook) -> None:
    from kinerja_engine.scoring import appraise_many

    book = gajahmungkur
    results = list(appraise_many(generate_plans(2000, seed=1), book))
    status = Counter(r.status for r in results)
    assert status["complete"] > 0.9 * len(results)
    assert 0 < status["incomplete"] < 0.1 * len(results)
    assert status["error"] < 0.01 * len(results)
    predikat = Counter(r.predikat.text for r in results if r.predikat is not None)
    assert predikat.most_common(1)[0][0] == "Baik"


def test_faults_give_error_results(gajahmungkur: Rulebook) -> None:
    from kinerja_engine.scoring import appraise_many

    book = gajahmungkur
    plans = generate_plans(300, seed=3, fault_rate=1.0)
    errors = [r for r in appraise_many(plans, book) if r.status == "error"]
    assert errors and all("weights add up to" in (r.error or "") for r in errors)


def test_streamed_lazily() -> None:
    stream = generate_plans(10**9, seed=0)
    assert len(list(itertools.islice(stream, 5))) == 5


def test_unit_predikat_is_a_known_label(gajahmungkur: Rulebook) -> None:
    book = gajahmungkur
    for plan in generate_plans(200, seed=0):
        book.label("predikat_unit", unit_predikat(plan.employee.unit))
