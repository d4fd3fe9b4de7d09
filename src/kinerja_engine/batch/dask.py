"""Scoring on Dask: bags of plans and whole synthetic workforces, partitioned.

Input: a ``dask.bag.Bag`` of plans (models or raw dicts) or the size of a synthetic workforce,
and a rulebook *name or text* (compiled rulebooks hold generated code and do not pickle; each
worker loads it once with :func:`~kinerja_engine.batch.stream.load_rulebook`). Output: a bag
of :class:`~kinerja_engine.scoring.Appraisal`, or one
:class:`~kinerja_engine.batch.stream.BatchSummary`. Guarantees: every partition runs the same
pure functions as one process (``appraise_many``, :func:`~kinerja_engine.batch.score_partition`)
and summaries merge in partition order, so a Dask run equals a one-process run; Dask is
optional (``pip install "kinerja_engine[dask]"``) and imported only inside the functions that
use it: importing this module never needs it.

>>> bag = dask_workforce_bag(10, partitions=2)  # doctest: +SKIP
>>> score_workforce_dask(10).count  # doctest: +SKIP
10
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from ..arguments import require
from ..errors import UsageError
from ..models import Plan
from ..scoring import Appraisal, appraise_many
from .stream import (
    BatchSummary,
    check_generation,
    load_rulebook,
    score_partition,
    workforce_partitions,
)

__all__ = ["dask_workforce_bag", "score_bag", "score_workforce_dask"]


#: Why a rulebook is named, not passed, on Dask.
_BY_NAME = "a bundled rulebook's name or rulebook text: it travels to the workers"


def _score_plans(plans: Iterable[Plan | Mapping[str, Any]], rulebook: str) -> list[Appraisal]:
    # A module-level function (not a closure): Dask pickles it by reference to the workers.
    # A list, not a generator: a partition may have to travel between workers.
    return list(appraise_many(plans, load_rulebook(rulebook)))


def score_bag(bag: Any, rulebook: str) -> Any:
    """Score a ``dask.bag.Bag`` of plans (models or raw dicts): a bag of appraisals.

    ``rulebook`` is a bundled name or rulebook text (loaded once per worker). Each partition
    runs :func:`~kinerja_engine.scoring.appraise_many`, so errors become error results exactly
    as in one process. Needs the ``dask`` extra.
    """
    if not hasattr(bag, "map_partitions"):
        raise UsageError(f"score_bag(): parameter 'bag' must be a dask.bag.Bag, got "
                         f"{type(bag).__name__}")  # fmt: skip
    require(rulebook, str, "score_bag", "rulebook", hint=_BY_NAME)
    return bag.map_partitions(_score_plans, rulebook)


def _generate(
    bounds: Iterable[tuple[int, int]], seed: int, period: str, fault_rate: float
) -> list[Plan]:
    from .synthetic import generate_plans  # noqa: PLC0415 - a leaf module

    return [
        plan
        for start, stop in bounds
        for plan in generate_plans(
            stop, seed=seed, start=start, period=period, fault_rate=fault_rate
        )
    ]


def dask_workforce_bag(
    count: int,
    *,
    seed: int = 0,
    partitions: int = 2,
    period: str = "2026-Q1",
    fault_rate: float = 0.0005,
) -> Any:
    """The synthetic workforce as a ``dask.bag.Bag`` of plans, generated on the workers.

    Only the ranges travel to the workers; each partition makes its own plans.
    """
    check_generation("dask_workforce_bag", seed, period, fault_rate)
    import dask.bag as db  # noqa: PLC0415 - optional dependency

    ranges = workforce_partitions(count, partitions)
    bag = cast(Any, db).from_sequence(ranges, npartitions=len(ranges) or 1)
    return bag.map_partitions(_generate, seed, period, fault_rate)


def _summarise(
    bounds: Iterable[tuple[int, int]], seed: int, rulebook: str, period: str, fault_rate: float
) -> list[BatchSummary]:
    return [
        score_partition(
            start, stop, seed=seed, rulebook=rulebook, period=period, fault_rate=fault_rate
        )
        for start, stop in bounds
    ]


def score_workforce_dask(
    count: int,
    *,
    seed: int = 0,
    rulebook: str = "gajahmungkur",
    partitions: int = 8,
    period: str = "2026-Q1",
    fault_rate: float = 0.0005,
    scheduler: Any = None,
) -> BatchSummary:
    """Score ``count`` synthetic employees on Dask: one summary, equal to a one-process run.

    Each partition runs :func:`score_partition` on a worker and returns only its summary;
    the summaries are merged in partition order. ``scheduler`` is passed to ``compute`` (a
    ``distributed.Client`` in use is picked up by default). Needs the ``dask`` extra.
    """
    check_generation("score_workforce_dask", seed, period, fault_rate)
    require(rulebook, str, "score_workforce_dask", "rulebook", hint=_BY_NAME)
    import dask.bag as db  # noqa: PLC0415 - optional dependency

    ranges = workforce_partitions(count, partitions)
    if not ranges:
        return BatchSummary()
    bag = cast(Any, db).from_sequence(ranges, npartitions=len(ranges))
    parts = bag.map_partitions(_summarise, seed, rulebook, period, fault_rate)
    kwargs = {} if scheduler is None else {"scheduler": scheduler}
    summaries: list[BatchSummary] = parts.compute(**kwargs)
    total = BatchSummary()
    for part in summaries:
        total = total.merge(part)
    return total
