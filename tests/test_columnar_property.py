"""Generated rulebooks in the columnar supported forms, over tables on their boundaries: the
columnar engine writes every cell the exact per-object path writes, errors included.

The rulebooks come from :func:`kinerja_engine.testing.columnar_rulebooks` (capaian per kind
built from realisasi/target with every supported construct, bands with generated edges,
matrices, conversions) and the tables from :func:`~kinerja_engine.testing.columnar_plan_rows`
(values exactly on that rulebook's thresholds, thirds and half-up ties beside them, repeating
quotients, zero, huge and tiny targets, bad cells). The default run is deterministic
(``derandomize``); ``-m slow`` runs 2,000 examples, some deeper and without bad cells, and
``HYPOTHESIS_PROFILE=long`` makes that a random run of 20,000.
"""

from __future__ import annotations

import os
from decimal import Decimal
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
    schema = pa.schema([(k, pa.float64()) if k in NUMBERS else (k, pa.string()) for k in rows[0]])
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
    return book, stats


def _events(stats: Stats) -> None:
    """What an example exercised (``--hypothesis-show-statistics`` shows the shares)."""
    share = "all" if stats.columnar == stats.plans else "some" if stats.columnar else "none"
    event(f"plans from the columns: {share}")
    event(f"exact stage used: {stats.exact_stage > 0}")
    event(f"per-object path: raised {stats.raised > 0}, not accepted {stats.not_accepted > 0}")


@st.composite
def cases(
    draw: Any, bad_cells: bool = True, max_depth: int = 3
) -> tuple[ColumnarRulebook, list[dict[str, Any]]]:
    case = draw(columnar_rulebooks(max_depth))
    return case, draw(columnar_plan_rows(case, bad_cells=bad_cells))


@settings(max_examples=60, derandomize=True, suppress_health_check=list(HealthCheck))
@given(cases())
def test_columnar_equals_the_exact_path_on_generated_rulebooks(
    example: tuple[ColumnarRulebook, list[dict[str, Any]]],
) -> None:
    _events(_assert_same(*example)[1])


@settings(max_examples=30, derandomize=True, suppress_health_check=list(HealthCheck))
@given(cases(bad_cells=False))
def test_tables_in_the_simple_form_are_all_taken_by_the_columns(
    example: tuple[ColumnarRulebook, list[dict[str, Any]]],
) -> None:
    # Without bad cells every plan is accepted: scored from the columns, or sent to the
    # per-object path only because the exact path raises on it (and then with its error).
    _, stats = _assert_same(*example)
    _events(stats)
    assert stats.not_accepted == 0
    assert stats.columnar + stats.raised == stats.plans


# The slow run is deterministic too (2,000 examples); HYPOTHESIS_PROFILE=long makes it a
# random run of 20,000, for a deliberate search.
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"


@pytest.mark.slow
@settings(
    max_examples=20_000 if LONG else 2_000,
    derandomize=not LONG,
    suppress_health_check=list(HealthCheck),
)
@given(st.one_of(cases(), cases(max_depth=5), cases(bad_cells=False, max_depth=4)))
def test_columnar_equals_the_exact_path_on_many_generated_rulebooks(
    example: tuple[ColumnarRulebook, list[dict[str, Any]]],
) -> None:
    _events(_assert_same(*example)[1])


# A rulebook with the pipeline's fixed parts, for the regressions below.
_BASE = """rulebook "regresi"
enum rating { di_atas "Di Atas Ekspektasi", sesuai "Sesuai Ekspektasi" }
enum predikat { baik "Baik", kurang "Kurang" }
matrix predikat_kinerja(hasil: rating, perilaku: rating) {
    di_atas, di_atas -> predikat.baik, di_atas, sesuai -> predikat.baik,
    sesuai, di_atas -> predikat.baik, sesuai, sesuai -> predikat.kurang,
}
band rating_hasil_kerja(nilai) { [100, inf) -> rating.di_atas, (-inf, 100) -> rating.sesuai }
def nilai_rhk(capaian: list, bobot: list) = weighted_mean(capaian, bobot)
def nilai_hasil_kerja(nilai: list, bobot: list) = weighted_mean(nilai, bobot)
def capaian_lower(realisasi, target) = (2 - realisasi / target) * 100
"""


def _plan_rows(pairs: list[tuple[float, float]]) -> list[dict[str, Any]]:
    head = {"period": "2026", "nip": "198609262015051001", "name": "Budi",
            "position": "Analis", "category": "Fungsional", "jenjang": "ahli_muda",
            "unit": "dinkes", "behaviour_rating": "sesuai"}  # fmt: skip
    return [
        head
        | {
            "plan_id": f"p{k}",
            "rhk_id": "r0",
            "rhk_description": "RHK",
            "rhk_weight": None,
            "indicator_id": "i0",
            "indicator_name": "IKI",
            "unit_of_measure": "%",
            "target": target,
            "direction": "higher",
            "indicator_kind": None,
            "indicator_weight": None,
            "realisasi": real,
        }
        for k, (real, target) in enumerate(pairs)
    ]


@pytest.mark.parametrize(
    "capaian",
    [
        # Found by the property: a let binding nothing reads still raises on the exact path.
        "let q = realisasi / target in realisasi",
        # ... and so does an argument the called definition does not read.
        "def bantu(a, b) = b\ndef capaian_higher(realisasi, target) = bantu(1 / target, realisasi)",
    ],
)
def test_a_value_that_raises_but_is_not_read_still_routes_the_row(capaian: str) -> None:
    text = (
        capaian
        if capaian.startswith("def")
        else f"def capaian_higher(realisasi, target) = {capaian}"
    )
    case = ColumnarRulebook(_BASE + text, (), (), (), (), Decimal(100))
    _, stats = _assert_same(case, _plan_rows([(5.0, 0.0), (120.0, 100.0)]))
    # The zero target raises (an error record, as the per-object path writes it); the other
    # plan is scored from the columns.
    assert (stats.plans, stats.columnar, stats.raised) == (2, 1, 1)


def test_a_conversion_without_its_predikat_writes_no_cell_even_where_it_would_raise() -> None:
    # Found by the property: with no behaviour rating there is no predikat, so the exact path
    # never calls the conversion; the columns evaluated its other branch (a division by
    # zero) on that plan anyway and then failed writing a cell nobody reads (a ValueError).
    conversion = (
        "def capaian_higher(realisasi, target) = realisasi / target * 100\n"
        "def konversi_angka(nilai_hasil_kerja, predikat: predikat) =\n"
        "    if predikat == predikat.baik then 1\n"
        "    else nilai_hasil_kerja / (nilai_hasil_kerja - nilai_hasil_kerja)\n"
    )
    case = ColumnarRulebook(_BASE + conversion, (), (), (), (), Decimal(100))
    rows = _plan_rows([(120.0, 100.0), (120.0, 100.0)])
    rows[1]["behaviour_rating"] = None
    _, stats = _assert_same(case, rows)
    assert (stats.plans, stats.columnar, stats.fallback) == (2, 2, 0)
