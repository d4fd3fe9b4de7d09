"""Dask on a local cluster of 2 worker processes gives exactly the one-process results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# A cluster of two worker processes and 2,400 plans: batch-sized, run with -m slow.
pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")

from kinerja_engine import Rulebook  # noqa: E402 - after the skip check
from kinerja_engine.batch import (  # noqa: E402
    dask_workforce_bag,
    score_bag,
    score_partition,
    score_workforce_dask,
)
from kinerja_engine.batch.synthetic import generate_plans, generate_records  # noqa: E402
from kinerja_engine.scoring import appraise_many  # noqa: E402

COUNT = 2400


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_summary_on_two_workers_equals_one_process(client: object) -> None:
    on_dask = score_workforce_dask(COUNT, seed=13, partitions=3, fault_rate=0.01)
    local = score_partition(0, COUNT, seed=13, fault_rate=0.01)
    assert on_dask == local
    assert on_dask.errors > 0 and on_dask.units > 0


def test_bag_of_plans_scores_identically_including_errors(
    client: object, gajahmungkur: Rulebook
) -> None:
    import dask.bag as db

    book = gajahmungkur
    expected = list(appraise_many(generate_plans(600, seed=4, fault_rate=0.02), book))
    generated = score_bag(dask_workforce_bag(600, seed=4, fault_rate=0.02), "gajahmungkur")
    assert generated.compute() == expected
    records = list(generate_records(600, seed=4, fault_rate=0.02))
    records[7] = {**records[7], "rhk": []}  # invalid: an error result from validation
    from_records = score_bag(db.from_sequence(records, npartitions=2), "gajahmungkur")
    results = from_records.compute()
    assert results == list(appraise_many(records, book))
    assert results[7].status == "error" and "rhk" in (results[7].error or "")
    assert {r.status for r in results} >= {"complete", "error"}
