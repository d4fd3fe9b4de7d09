"""The columnar engine equals the per-object path, cell for cell, and says why when it cannot run.

Generated plan tables are full of boundary values (band edges exactly, caps exactly, zero and
negative targets, thirds that add up to an edge, x.xx5 rounding ties) and of bad cells; the
rulebooks are generated too (band edges, caps and the incentive threshold set to those
boundary values). Every row of the columnar result must equal the per-object path's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja_engine.columnar as col
from kinerja_engine import KinerjaError, Rulebook, rulebooks
from kinerja_engine.columnar import arith, engine, parts, program, score_parquet, supports
from kinerja_engine.columnar.cells import number_cells
from kinerja_engine.columnar.engine import Stats, object_cells, record_columns, score_table
from kinerja_engine.columnar.table import decimals
from kinerja_engine.errors import UsageError
from kinerja_engine.io import appraisal_records, read_plans, read_records, write_rows
from kinerja_engine.io.records import record_number
from kinerja_engine.models import Plan
from kinerja_engine.scoring import appraise_many

NIPS = ("198609262015051001", "199001012015032002", "197512312000121003", "198001012005011004")
# Values that sit on the edges of the bundled rulebooks (bands 90/110, caps 110/120, the
# incentive at 100, zero targets) and numbers whose quotients are thirds or ties.
BOUNDARY = (0.0, 1.0, 2.0, 3.0, 7.0, 9.0, 10.0, 27.0, 30.0, 33.0, 36.0, 50.0, 89.995, 90.0,
            99.99, 100.0, 100.005, 110.0, 110.5, 120.0, 0.1, 0.9, 1.1, 1.2, -2.0, -2.5, 12.3,
            87.5, 0.3, 3.3, 112.5)  # fmt: skip

numbers = st.one_of(
    st.sampled_from(BOUNDARY),
    st.integers(-50, 300).map(float),
    st.decimals(-1000, 1000, places=3, allow_nan=False, allow_infinity=False).map(float),
)


def _weights(count: int) -> st.SearchStrategy[list[float | None]]:
    """No weights (equal), whole weights adding up to 100, or a set that does not."""
    none: st.SearchStrategy[list[float | None]] = st.just([None] * count)
    if count == 1:
        return st.one_of(none, st.sampled_from([[100.0], [90.0]]))
    cuts = st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)
    whole = cuts.map(
        lambda c: [float(b - a) for a, b in zip([0, *sorted(c)], [*sorted(c), 100], strict=True)]
    )
    return st.one_of(none, whole.filter(lambda w: min(w) >= 1), st.just([34.0] * count))


@st.composite
def plan_rows(draw: Any, number: int) -> list[dict[str, Any]]:
    """The rows of one generated plan (mostly valid, sometimes not)."""
    head = {
        "plan_id": f"p{number}",
        "period": draw(st.sampled_from(["2026", "2026", "2026-Q1", "2026-13"])),
        "nip": draw(st.sampled_from([*NIPS, NIPS[0], "19860926201505100", "198609262015131001"])),
        "name": draw(st.sampled_from(["Budi", "Siti Aminah", " Budi"])),
        "position": "Analis",
        "category": "Fungsional",
        "jenjang": draw(st.sampled_from(["ahli_muda", "mahir", "pemula", "Ahli Pertama", None])),
        "unit": "dinkes",
        "behaviour_rating": draw(st.sampled_from(["sesuai", "di atas", "Di Bawah", None, "x"])),
    }
    rows = []
    rhk_count = draw(st.integers(1, 2))
    rhk_weights = draw(_weights(rhk_count))
    for r in range(rhk_count):
        count = draw(st.integers(1, 3))
        weights = draw(_weights(count))
        for i in range(count):
            kind = draw(st.sampled_from([None, None, "vaksinasi", "waktu_layanan",
                                         "prestasi_siswa", "ikm", "tidak_ada"]))  # fmt: skip
            rows.append(
                head
                | {
                    "rhk_id": f"r{r}",
                    "rhk_description": "RHK",
                    "rhk_weight": rhk_weights[r],
                    "indicator_id": f"i{r}{i}",
                    "indicator_name": "IKI",
                    "unit_of_measure": "%",
                    "target": draw(numbers),
                    "direction": draw(st.sampled_from(["higher", "lower", "naik", "tolerance"])),
                    "indicator_kind": kind,
                    "indicator_weight": weights[i],
                    "realisasi": draw(st.one_of(numbers, numbers, numbers, st.none())),
                }
            )
    return rows


tables = st.lists(st.integers(0, 10**6), min_size=1, max_size=6).flatmap(
    lambda ids: st.tuples(*(plan_rows(k) for k in range(len(ids))))
)


def _table(plans: tuple[list[dict[str, Any]], ...]) -> Any:
    rows = [row for plan in plans for row in plan]
    schema = pa.schema(
        [(k, pa.float64()) if k in ("target", "realisasi", "rhk_weight", "indicator_weight")
         else (k, pa.string()) for k in rows[0]]
    )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)


def _assert_same(table: Any, book: Rulebook, stats: Stats | None = None) -> Stats:
    stats = stats or Stats()
    got = score_table(table, book, stats=stats, source="plans.parquet")
    want = object_cells(table.to_pylist(), 1, "plans.parquet", book)
    names = record_columns(book)
    assert len(want) == stats.plans
    for row, record in enumerate(want):
        for name in names:
            assert got[name][row] == record.get(name), (row, name)
    return stats


GAJAH_PARAMS = st.fixed_dictionaries(
    {
        "batas_sesuai": st.sampled_from(["90", "100", "99.99", "33.33"]),
        "batas_di_atas": st.sampled_from(["110", "110.5", "120"]),
        "batas_capaian": st.sampled_from(["120", "110", "100.005"]),
        "ambang_insentif": st.sampled_from(["100", "90", "110"]),
    }
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(plans=tables, params=GAJAH_PARAMS)
def test_columnar_equals_the_object_path_on_generated_tables(
    gajahmungkur: Rulebook, plans: tuple[list[dict[str, Any]], ...], params: dict[str, str]
) -> None:
    _assert_same(_table(plans), gajahmungkur.with_params(**params))


@settings(max_examples=30)
@given(plans=tables)
def test_columnar_equals_the_object_path_under_the_national_rules(
    permenpanrb_6_2022: Rulebook, plans: tuple[list[dict[str, Any]], ...]
) -> None:
    band = ('rulebook "lokal" band rating_hasil_kerja(nilai) {[100, inf) -> rating.di_atas, '
            "[80, 100) -> rating.sesuai, (-inf, 80) -> rating.di_bawah}"
            # Conversions of every kind the columns take: a number of the overall value (a
            # third, rounded, capped), a label, and a number of labels and months only.
            " def konversi_bonus(nilai_hasil_kerja) = "
            "min(round(nilai_hasil_kerja / 3, 2), 35) + abs(nilai_hasil_kerja - 100) / 7"
            " def konversi_kelas(predikat: predikat, rating_perilaku: rating) = "
            "if predikat == predikat.baik and rating_perilaku != rating.di_bawah "
            "then rating.sesuai else rating.di_bawah"
            " def konversi_bulan(bulan, predikat: predikat) = "
            "bulan / 12 * (if predikat == predikat.sangat_baik then 1.5 else 1)")  # fmt: skip
    _assert_same(_table(plans), permenpanrb_6_2022.extend(band))
    # Without a band the evaluator decides the rating: every plan waits for it.
    _assert_same(_table(plans), permenpanrb_6_2022)


def _plan(
    number: int, real: list[float], target: list[float], **cells: Any
) -> list[dict[str, Any]]:
    head = {"plan_id": f"p{number}", "period": "2026", "nip": NIPS[number % len(NIPS)],
            "name": "Budi", "position": "Analis", "category": "Fungsional",
            "jenjang": "ahli_muda", "unit": "dinkes", "behaviour_rating": "sesuai"}  # fmt: skip
    return [
        head
        | {
            "rhk_id": "r1" if i < 3 else "r2",
            "rhk_description": "RHK",
            "rhk_weight": None,
            "indicator_id": f"i{i}",
            "indicator_name": "IKI",
            "unit_of_measure": "%",
            "target": t,
            "direction": "higher",
            "indicator_kind": None,
            "indicator_weight": None,
            "realisasi": r,
        }
        | cells
        for i, (r, t) in enumerate(zip(real, target, strict=True))
    ]


def test_rows_on_an_edge_are_decided_by_the_exact_stage(gajahmungkur: Rulebook) -> None:
    # Plan 0: every capaian is 90 % (0.9 is not a binary float): the band edge cannot be
    # decided in floats. Plan 1: thirds 100, 110, 120 → 110, the upper edge, exactly.
    # Plan 2: far from every edge. Plan 3: 0.3/0.3 is 1 in floats too, but a quotient carries
    # a bound: the 5 % incentive at exactly 100 % is left to the exact stage.
    plans = (
        _plan(0, [9.0, 90.0, 0.9], [10.0, 100.0, 1.0]),
        _plan(1, [100.0, 11.0, 1.2], [100.0, 10.0, 1.0]),
        _plan(2, [75.3, 80.1, 77.7], [100.0, 100.0, 100.0]),
        _plan(3, [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]),
    )
    stats = _assert_same(_table(plans), gajahmungkur)
    assert (stats.plans, stats.columnar, stats.fallback) == (4, 4, 0)
    assert stats.exact_stage == 3
    far = _assert_same(_table(plans[2:3]), gajahmungkur)
    assert (far.columnar, far.exact_stage) == (1, 0)


def test_a_division_by_zero_goes_to_the_object_path_for_its_error(
    gajahmungkur: Rulebook,
) -> None:
    book = gajahmungkur.extend(
        'rulebook "rasio" def capaian_rasio(realisasi, target) = realisasi / target * 100'
    )
    plans = (
        _plan(0, [5.0], [0.0], indicator_kind="rasio"),
        _plan(1, [5.0], [10.0], indicator_kind="rasio"),
    )
    stats = _assert_same(_table(plans), book)
    assert (stats.columnar, stats.raised) == (1, 1)


def test_bad_rows_keep_their_exact_error(gajahmungkur: Rulebook) -> None:
    plans = (
        _plan(0, [90.0, 80.0], [100.0, 100.0]),
        _plan(1, [90.0, 80.0], [100.0, 100.0], nip="198609262015131001"),
        _plan(2, [90.0, 80.0], [100.0, 100.0], direction="tolerance"),
    )
    table = _table(plans)
    got = score_table(table, gajahmungkur, source="plans.parquet", first_row=10)
    assert got["status"] == ["complete", "error", "error"]
    assert got["error"][1].startswith("plans.parquet, row 12, column 'nip'")
    assert "CPNS month 13" in got["error"][1]
    assert got["error_row"][1:] == [12, 14]
    assert "needs a range target" in got["error"][2]


def test_unsupported_rulebook_falls_back_and_says_why(pp_46_2011: Rulebook, tmp_path: Path) -> None:
    support = supports(pp_46_2011)
    assert not support.ok
    assert support.reason == "a numeric predikat (nilai_kinerja, predikat_nilai) is not columnar"
    pq.write_table(_table((_plan(0, [90.0], [100.0]),)), tmp_path / "plans.parquet")
    stats = score_parquet(tmp_path / "plans.parquet", pp_46_2011, tmp_path / "out.parquet")
    assert (stats.columnar, stats.not_accepted, stats.reason) == (0, 1, support.reason)
    with pytest.raises(UsageError, match="is not columnar: a numeric predikat"):
        score_parquet(tmp_path / "plans.parquet", pp_46_2011, tmp_path / "x.parquet",
                      engine="columnar")  # fmt: skip


def test_every_bundled_rulebook_is_either_columnar_or_says_why() -> None:
    from kinerja_engine import rulebooks

    verdicts = {name: supports(rulebooks.load(name)) for name in rulebooks.names()}
    assert verdicts["gajahmungkur"].ok and verdicts["permenpanrb-6-2022"].ok
    assert all(v.ok or v.reason for v in verdicts.values())


def test_parquet_in_parquet_out_equals_the_object_path_written_by_write_rows(
    gajahmungkur: Rulebook, tmp_path: Path
) -> None:
    plans = tuple(
        _plan(k, [90.0 + k, 80.5, 0.9 * k], [100.0, 100.0 - k, 1.0 + k]) for k in range(12)
    )
    plans += (_plan(12, [90.0], [100.0], nip="1"),)
    source = tmp_path / "plans.parquet"
    pq.write_table(_table(plans), source, row_group_size=7)
    out = tmp_path / "columnar.parquet"
    # Batches of 5 rows: plans (3 rows each) cross batch boundaries and are carried over.
    stats = score_parquet(source, gajahmungkur, out, batch_rows=5)
    assert (stats.plans, stats.columnar, stats.not_accepted) == (13, 12, 1)
    reference = tmp_path / "object.parquet"
    items = read_plans(source)
    results = (
        r
        for item in items
        for r in (appraisal_records([item]) if not isinstance(item, Plan) else
                  appraisal_records(appraise_many([item], gajahmungkur, trace=False)))
    )  # fmt: skip
    write_rows(results, reference)
    got = pq.read_table(out).to_pylist()
    want = pq.read_table(reference).to_pylist()
    assert len(got) == len(want) == 13
    for a, b in zip(got, want, strict=True):
        assert {k: v for k, v in a.items() if k != "error_row"} == {
            k: b.get(k) for k in a if k != "error_row"
        }
        assert a["error_row"] == (None if b.get("error_row") is None else int(b["error_row"]))
    assert [r["status"] for r in read_records(out)][-1] == "error"


@given(st.integers(-(10**30), 10**30), st.integers(-(10**30), 10**30).filter(bool))
def test_number_cells_are_the_records_cells(num: int, den: int) -> None:
    value, exact = record_number(Fraction(num, den))
    assert value is not None
    assert number_cells(num, den) == (format(value, "f"), exact)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_decimals_read_a_float_as_its_shortest_repr(x: float) -> None:
    digits, scale, ok = decimals(np.array([x]))
    if ok[0]:
        assert Decimal(int(digits[0])).scaleb(-int(scale[0])) == Decimal(repr(x))
    elif np.isfinite(x):  # only what has no short decimal form is left to the object path
        shortest = Decimal(repr(x))
        places = max(0, -int(shortest.as_tuple().exponent))
        assert places > 15 or abs(shortest.scaleb(places)) >= 10**15


ops = st.sampled_from(["+", "-", "*", "/"])


@given(st.lists(st.tuples(ops, numbers), min_size=1, max_size=8), numbers, numbers)
def test_bounds_hold_and_comparisons_are_exact(
    steps: list[tuple[str, float]], start: float, other: float
) -> None:
    def column(x: float) -> arith.Num:
        digits, scale, ok = decimals(np.array([x]))
        assert ok[0]
        return arith.from_decimal(digits, scale)

    value, exact = column(start), Fraction(Decimal(repr(start)))
    for op, x in steps:
        operand, fx = column(x), Fraction(Decimal(repr(x)))
        if op == "/" and fx == 0:
            continue
        value = {"+": arith.add, "-": arith.subtract, "*": arith.multiply,
                 "/": arith.divide}[op](value, operand)  # fmt: skip
        exact = {"+": Fraction.__add__, "-": Fraction.__sub__, "*": Fraction.__mul__,
                 "/": Fraction.__truediv__}[op](exact, fx)  # fmt: skip
        assert not value.bad[0]
        assert arith.exact_values(value) == [exact]
        if np.isfinite(value.e[0]):
            assert abs(Fraction(float(value.v[0])) - exact) <= Fraction(float(value.e[0]))
    fo = Fraction(Decimal(repr(other)))
    for op, want in (("<", exact < fo), ("==", exact == fo), (">=", exact >= fo)):
        assert arith.compare(value, column(other), op).value[0] == want


def test_without_numpy_a_usage_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, gajahmungkur: Rulebook
) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(UsageError) as info:
        supports(gajahmungkur)
    assert info.value.hint == "pip install 'kinerja_engine[columnar]'"


def test_half_up_ties_are_decided_exactly(gajahmungkur: Rulebook) -> None:
    # 0.12345 × 100 is 12.345 exactly, but 12.344999… or 12.345000…1 in floats: round(…, 2)
    # must give 12.35 (half up), as the exact path does; 2.675 → 2.68 likewise. A value far
    # from a tie (12.3449) is decided in floats.
    book = gajahmungkur.extend(
        'rulebook "bulat" def capaian_bulat(realisasi, target) = '
        "round(realisasi / target * 100, 2) + 80"
    )
    plans = (
        _plan(0, [0.12345], [1.0], indicator_kind="bulat"),
        _plan(1, [0.02675], [1.0], indicator_kind="bulat"),
        _plan(2, [0.123449], [1.0], indicator_kind="bulat"),
    )
    stats = _assert_same(_table(plans), book)
    got = score_table(_table(plans), book)
    assert got["nilai_hasil_kerja"] == ["92.35", "82.68", "92.34"]
    assert (stats.columnar, stats.exact_stage) == (3, 2)


@pytest.mark.parametrize("column", ["plan_id", "nip", "name", "unit", "period", "target"])
def test_a_missing_or_null_typed_column_goes_to_the_object_path(
    gajahmungkur: Rulebook, column: str
) -> None:
    table = _table((_plan(1, [90.0], [100.0]), _plan(2, [80.0, 70.0], [100.0, 100.0])))
    stats = _assert_same(table.drop_columns([column]), gajahmungkur)
    assert stats.columnar == 0 and stats.not_accepted == stats.plans
    at = table.column_names.index(column)
    nulls = table.set_column(at, column, pa.nulls(table.num_rows))
    assert _assert_same(nulls, gajahmungkur).columnar == 0


def _bad_calls(tmp: Path, book: Rulebook) -> list[tuple[str, Callable[[], object]]]:
    """Calls of the columnar public functions with a wrong argument or an unusable file."""
    good = tmp / "plans.parquet"
    pq.write_table(_table((_plan(1, [90.0], [100.0]),)), good)
    corrupt = tmp / "corrupt.parquet"
    corrupt.write_bytes(b"not parquet at all")
    missing, out = tmp / "missing.parquet", tmp / "out.parquet"
    folder = tmp / "folder"
    folder.mkdir()
    table = _table((_plan(1, [90.0], [100.0]),))
    return [
        ("supports str", lambda: col.supports("gajahmungkur")),  # type: ignore[arg-type]
        ("supports None", lambda: col.supports(None)),  # type: ignore[arg-type]
        ("program.supports", lambda: program.supports(1)),  # type: ignore[arg-type]
        ("program str", lambda: program.ColumnarProgram("x")),  # type: ignore[arg-type]
        ("unsupported", lambda: program.ColumnarProgram(rulebooks.load("pp-46-2011"))),
        ("rulebook name", lambda: col.score_parquet(good, "gajahmungkur", out)),  # type: ignore[arg-type]
        ("source int", lambda: col.score_parquet(1, book, out)),  # type: ignore[arg-type]
        ("out None", lambda: col.score_parquet(good, book, None)),  # type: ignore[arg-type]
        ("missing", lambda: col.score_parquet(missing, book, out)),
        ("corrupt", lambda: col.score_parquet(corrupt, book, out)),
        ("source folder", lambda: col.score_parquet(folder, book, out)),
        ("out folder", lambda: col.score_parquet(good, book, folder)),
        ("batch_rows 0", lambda: col.score_parquet(good, book, out, batch_rows=0)),
        ("batch_rows str", lambda: col.score_parquet(good, book, out, batch_rows="9")),  # type: ignore[arg-type]
        ("engine", lambda: col.score_parquet(good, book, out, engine="fast")),
        ("engine int", lambda: col.score_parquet(good, book, out, engine=1)),  # type: ignore[arg-type]
        ("engine.score_parquet", lambda: engine.score_parquet(missing, book, out)),
        ("table list", lambda: engine.score_table([1, 2], book)),
        ("table book", lambda: engine.score_table(table, "gajahmungkur")),  # type: ignore[arg-type]
        ("first_row", lambda: engine.score_table(table, book, first_row="1")),  # type: ignore[arg-type]
        ("stats", lambda: engine.score_table(table, book, stats={})),  # type: ignore[arg-type]
        ("parts 0", lambda: parts.score_parts(good, "gajahmungkur", tmp / "p", groups_per_part=0)),
        ("parts book", lambda: parts.score_parts(good, book, tmp / "p")),  # type: ignore[arg-type]
        ("parts missing", lambda: parts.score_parts(missing, "gajahmungkur", tmp / "p")),
        ("parts corrupt", lambda: parts.score_parts(corrupt, "gajahmungkur", tmp / "p")),
        ("parts out file", lambda: parts.score_parts(good, "gajahmungkur", good)),
    ]


def test_the_public_functions_refuse_bad_arguments_and_files_with_kinerja_errors(
    gajahmungkur: Rulebook, tmp_path: Path
) -> None:
    for label, call in _bad_calls(tmp_path, gajahmungkur):
        with pytest.raises(KinerjaError) as caught:
            call()
        assert isinstance(caught.value, UsageError), label
        # The message names the parameter or the file (or why the rulebook is not columnar).
        text = str(caught.value)
        assert "parameter '" in text or "Parquet file" in text or "columnar" in text, label


@pytest.mark.parametrize("ids", [[None, None, None], ["p1", None, None], [None, "p2", "p2"]])
def test_rows_without_plan_id_are_plans_of_their_own(
    gajahmungkur: Rulebook, ids: list[str | None]
) -> None:
    table = _table((_plan(1, [90.0], [100.0]), _plan(2, [80.0, 70.0], [100.0, 100.0])))
    at = table.column_names.index("plan_id")
    stats = _assert_same(table.set_column(at, "plan_id", pa.array(ids, pa.string())), gajahmungkur)
    assert stats.plans == ids.count(None) + len({i for i in ids if i is not None})


@pytest.mark.parametrize("column", ["plan_id", "target", "indicator_kind"])
def test_a_column_of_lists_goes_to_the_object_path(gajahmungkur: Rulebook, column: str) -> None:
    table = _table((_plan(1, [90.0], [100.0]), _plan(2, [80.0, 70.0], [100.0, 100.0])))
    at = table.column_names.index(column)
    lists = pa.array([[v] for v in table.column(column).to_pylist()])
    stats = _assert_same(table.set_column(at, column, lists), gajahmungkur)
    assert stats.columnar == 0


def test_a_write_that_fails_is_a_usage_error_naming_the_output(
    gajahmungkur: Rulebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A disk that fills up while the records are written: the OSError must reach the caller
    # as the library's UsageError naming the output, not escape (the open already did).
    def full(self: Any, table: Any, row_group_size: Any = None) -> None:
        raise OSError(28, "No space left on device")

    source = tmp_path / "plans.parquet"
    pq.write_table(_table(tuple(_plan(k, [90.0 + k], [100.0]) for k in range(3))), source)
    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    out = tmp_path / "results.parquet"
    with pytest.raises(UsageError, match=r"results.parquet: cannot write the Parquet file: No sp"):
        score_parquet(source, gajahmungkur, out)
