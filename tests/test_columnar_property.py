"""Generated rulebooks in the columnar supported forms, over tables on their boundaries: the
columnar engine writes every cell the exact per-object path writes, errors included.

The rulebooks come from :func:`kinerja_engine.testing.columnar_rulebooks` (capaian per kind
built from realisasi/target with every supported construct, bands with generated edges,
matrices, conversions) and the tables from :func:`~kinerja_engine.testing.columnar_plan_rows`
(values exactly on that rulebook's thresholds, thirds and half-up ties beside them, repeating
quotients, zero, huge and tiny targets, bad cells). The default run is deterministic
(``derandomize``); ``-m slow`` runs more examples.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kinerja_engine import Rulebook, rulebooks
from kinerja_engine.columnar import supports
from kinerja_engine.columnar.engine import Stats, object_cells, record_columns, score_table
from kinerja_engine.testing import ColumnarRulebook, columnar_plan_rows, columnar_rulebooks

NUMBERS = ("target", "realisasi", "rhk_weight", "indicator_weight")


def _table(rows: list[dict[str, Any]]) -> Any:
    schema = pa.schema(
        [(k, pa.float64()) if k in NUMBERS else (k, pa.string()) for k in rows[0]]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _assert_same(case: ColumnarRulebook, rows: list[dict[str, Any]]) -> tuple[Rulebook, Stats]:
    book = rulebooks.load(case.text)
    support = supports(book)
    assert support.ok, (support.reason, case.text)
    stats = Stats()
    got = score_table(_table(rows), book, stats=stats, source="plans.parquet")
    want = object_cells(rows, 1, "plans.parquet", book)
    assert stats.plans == len(want)
    for row, record in enumerate(want):
        for name in record_columns(book):
            assert got[name][row] == record.get(name), (row, name, case.text, rows)
    event(f"plans from the columns: {stats.columnar > 0}")
    event(f"exact stage used: {stats.exact_stage > 0}")
    event(f"a plan raised: {stats.raised > 0}")
    return book, stats


@st.composite
def cases(draw: Any, bad_cells: bool = True) -> tuple[ColumnarRulebook, list[dict[str, Any]]]:
    case = draw(columnar_rulebooks())
    return case, draw(columnar_plan_rows(case, bad_cells=bad_cells))


@settings(max_examples=60, derandomize=True, suppress_health_check=list(HealthCheck))
@given(cases())
def test_columnar_equals_the_exact_path_on_generated_rulebooks(
    example: tuple[ColumnarRulebook, list[dict[str, Any]]],
) -> None:
    _assert_same(*example)


@settings(max_examples=30, derandomize=True, suppress_health_check=list(HealthCheck))
@given(cases(bad_cells=False))
def test_tables_in_the_simple_form_are_all_taken_by_the_columns(
    example: tuple[ColumnarRulebook, list[dict[str, Any]]],
) -> None:
    # Without bad cells every plan is accepted: scored from the columns, or sent to the
    # per-object path only because the exact path raises on it (and then with its error).
    _, stats = _assert_same(*example)
    assert stats.not_accepted == 0
    assert stats.columnar + stats.raised == stats.plans


@pytest.mark.slow
@settings(max_examples=2_000, derandomize=False, suppress_health_check=list(HealthCheck))
@given(cases())
def test_columnar_equals_the_exact_path_on_many_generated_rulebooks(
    example: tuple[ColumnarRulebook, list[dict[str, Any]]],
) -> None:
    _assert_same(*example)
