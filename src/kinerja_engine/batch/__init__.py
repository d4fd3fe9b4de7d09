"""Scoring at scale: streams of plans, partitions, Dask bags and the synthetic workforce.

``stream`` (one process, flat memory, the reference path) → ``dask`` (the same functions on a
cluster; Dask imported only when used). ``synthetic`` generates workforces and is imported
from its module.
"""

from .dask import dask_workforce_bag, score_bag, score_workforce_dask
from .stream import (
    BatchSummary,
    UnitSummary,
    appraise_reference,
    load_rulebook,
    score_batch,
    score_partition,
    workforce_partitions,
)

__all__ = [
    "BatchSummary",
    "UnitSummary",
    "appraise_reference",
    "dask_workforce_bag",
    "load_rulebook",
    "score_bag",
    "score_batch",
    "score_partition",
    "score_workforce_dask",
    "workforce_partitions",
]
