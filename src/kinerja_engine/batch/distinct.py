"""All-distinct data: plans whose every realisasi and target is a value no other number has.

Input: plans (:class:`~kinerja_engine.models.Plan`, e.g. from
:func:`~kinerja_engine.batch.synthetic.generate_plans`). Output: the same plans as JSON-ready
records (``Plan.model_dump(mode="json")``) with every realisasi and every target (each end of a
range) moved by its own offset in the 7th decimal place. Guarantees: weights, kinds, labels and
structure are unchanged, and no two numbers of one call are equal (at most 999,999 of them, or
a UsageError), so no per-value cache can hit: the data of the benchmarks' "all-distinct" bars
(``bench/appraisal_bench.py``) and of the batch lane's tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..errors import UsageError
from ..models import Plan

__all__ = ["distinct_records"]


def distinct_records(plans: Iterable[Plan]) -> list[dict[str, Any]]:
    """The plans as JSON-ready records in which every realisasi and every target (each end of
    a range) is a value no other number in the set has: its own value plus a distinct offset
    in the 7th decimal place (below the generator's 0-1 decimals). Weights, kinds and
    structure stay; capaian mostly stop terminating (as with real targets like 90 or 12), and
    no per-value cache can hit: the data of the benchmarks' "all-distinct" bars.

    >>> from kinerja_engine.batch.synthetic import generate_plans
    >>> record = distinct_records(generate_plans(1))[0]
    >>> record["rhk"][0]["indicators"][0]["target"], record["realisations"][0]["value"]
    ('60.0000001', '53.0000006')
    """
    records = []
    count = 0

    def bump(value: Any) -> str:
        nonlocal count
        count += 1
        if count >= 10**6:
            raise UsageError("distinct_records: more than 999,999 numbers; offsets would overlap")
        return str(Decimal(str(value)) + Decimal(count).scaleb(-7))

    for plan in plans:
        record = plan.model_dump(mode="json")
        for rhk in record["rhk"]:
            for ind in rhk["indicators"]:
                target = ind["target"]
                if isinstance(target, dict):
                    ind["target"] = {"lo": bump(target["lo"]), "hi": bump(target["hi"])}
                elif not isinstance(target, str) or not target[:1].isalpha():  # not a label
                    ind["target"] = bump(target)
        for real in record["realisations"]:
            if real.get("value") is not None and not str(real["value"])[:1].isalpha():
                real["value"] = bump(real["value"])
        records.append(record)
    return records
