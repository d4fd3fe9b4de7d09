"""kinerja_engine.io: plan tables in every format, flat records out, bad rows named.

Counted work only: rows, plans, errors; no clock.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.demo import load_unit, score_unit
from kinerja_engine.errors import KinerjaError, ModelError, UsageError
from kinerja_engine.io import (
    APPRAISAL_COLUMNS,
    INDICATOR_COLUMNS,
    PLAN_COLUMNS,
    TableError,
    appraisal_records,
    indicator_records,
    parse_direction,
    parse_number,
    plan_rows,
    plans_from_rows,
    read_plans,
    read_records,
    to_frame,
    write_rows,
)
from kinerja_engine.io.cells import CellError, parse_target, parse_weight
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.scoring import appraise_many, appraise_year

DATA = Path(__file__).parent / "data"
FORMATS = ("json", "jsonl", "csv", "xlsx", "parquet")


@pytest.fixture(scope="module")
def book() -> Any:
    return rulebooks.load("gajahmungkur")


@pytest.fixture(scope="module")
def unit_plans() -> list[Plan]:
    return [plan for quarters in load_unit().plans for plan in quarters]


# --------------------------------------------------------------------------- golden


def test_plan_rows_round_trip_the_demo_unit(unit_plans: list[Plan]) -> None:
    rows = [row for plan in unit_plans for row in plan_rows(plan)]
    assert len(rows) == sum(len(list(p.indicators())) for p in unit_plans)
    assert set(rows[0]) >= set(PLAN_COLUMNS)
    assert list(plans_from_rows(rows)) == unit_plans


@pytest.mark.parametrize("name", ["gajahmungkur-2026.csv", "gajahmungkur-2026.xlsx"])
def test_golden_table_scores_as_the_json_path(name: str, unit_plans: list[Plan], book: Any) -> None:
    plans = list(read_plans(DATA / name))
    assert plans == unit_plans
    from_table = list(appraise_many(plans, book))
    from_json = [a for periodic, _ in score_unit(load_unit(), book) for a in periodic]
    assert from_table == from_json
    assert appraisal_records(from_table) == appraisal_records(from_json)
    # The annual results too: four quarters of the first employee.
    assert appraise_year(plans[:4], book) == appraise_year(unit_plans[:4], book)


def test_golden_csv_is_written_as_an_indonesian_spreadsheet() -> None:
    text = (DATA / "gajahmungkur-2026.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0].split(";")
    assert "realisasi" in header and "plan_id" in header
    assert ";naik;" in text and "92,5" in text


# --------------------------------------------------------------------------- records


def _typed_values(records: list[dict[str, Any]]) -> set[type]:
    return {type(v) for r in records for v in r.values()}


def test_records_are_flat_and_plain(unit_plans: list[Plan], book: Any) -> None:
    results = list(appraise_many(unit_plans, book))
    people = appraisal_records(results)
    indicators = indicator_records(results)
    assert len(people) == len(unit_plans)
    assert len(indicators) == sum(len(list(p.indicators())) for p in unit_plans)
    assert _typed_values(people) | _typed_values(indicators) <= {str, int, Decimal, type(None)}
    assert all(set(APPRAISAL_COLUMNS) <= set(r) for r in people)
    assert all(list(r) == list(INDICATOR_COLUMNS) for r in indicators)
    # A rounded number keeps its exact value beside it; an exact one has none.
    assert any(r["capaian_exact"] for r in indicators)
    for r in indicators:
        if r["capaian_exact"] is not None:
            p, q = map(int, r["capaian_exact"].split("/"))
            assert abs(Decimal(p) / Decimal(q) - r["capaian"]) <= Decimal("0.0000005")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(people[0]))
    writer.writeheader()
    writer.writerows(people)
    assert out.getvalue().count("\n") == len(people) + 1


def test_dataframes_take_records_as_they_are(unit_plans: list[Plan], book: Any) -> None:
    pd = pytest.importorskip("pandas")
    results = list(appraise_many(unit_plans, book))
    frame = pd.DataFrame(appraisal_records(results))
    assert len(frame) == len(unit_plans)
    assert len(to_frame(results)) == len(unit_plans)


def test_polars_takes_records_as_they_are(unit_plans: list[Plan], book: Any) -> None:
    pl = pytest.importorskip("polars")
    results = list(appraise_many(unit_plans, book))
    assert pl.DataFrame(indicator_records(results)).height == len(indicator_records(results))


def test_to_frame_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UsageError) as info:
        to_frame([])
    assert "pandas" in str(info.value) and "pip install pandas" in str(info.value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_results_written_to_every_format_read_back_equal(
    fmt: str, tmp_path: Path, unit_plans: list[Plan], book: Any
) -> None:
    bad = TableError("'x' is not a number", file="in.csv", row=7, column="realisasi")
    results = [*appraise_many(unit_plans[:8], book), bad]
    for records in (appraisal_records(results), indicator_records(results)):
        path = tmp_path / f"out.{fmt}"
        assert write_rows(records, path) == len(records)
        back = list(read_records(path))
        columns = list(dict.fromkeys(c for r in records for c in r))
        assert [{c: r.get(c) for c in columns} for r in back] == [
            {c: r.get(c) for c in columns} for r in records
        ]
    error = appraisal_records(results)[-1]
    assert (error["status"], error["error_file"], error["error_row"]) == ("error", "in.csv", 7)


# --------------------------------------------------------------------------- bad rows


def _thousand_rows() -> list[dict[str, Any]]:
    template = plan_rows(example_plan())[0]
    rows = []
    for i in range(1000):
        row = dict(template)
        row["plan_id"] = f"p{i:04d}"
        row["realisasi"] = Decimal(i % 7)
        rows.append(row)
    return rows


_CORRUPTIONS = [
    ("realisasi", "tiga"),
    ("target", "1.250"),
    ("direction", "rentang"),
    ("indicator_weight", "-5"),
    ("nip", "12345"),
    ("period", "2026-Q5"),
    ("not_applicable", "mungkin"),
    ("cap", "nol"),
    ("category", "Menteri"),
    ("realisasi", "9,9,9"),
]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "parquet"])
def test_a_thousand_rows_with_ten_corrupt(fmt: str, tmp_path: Path, book: Any) -> None:
    rows = _thousand_rows()
    bad_rows = {}
    for k, (column, value) in enumerate(_CORRUPTIONS):
        index = 50 + 97 * k
        rows[index][column] = value
        bad_rows[index] = column
    path = tmp_path / f"plans.{fmt}"
    write_rows(({k: (str(v) if v is not None else None) for k, v in r.items()} for r in rows), path)
    items = list(read_plans(path))
    assert len(items) == 1000
    errors = [e for e in items if isinstance(e, TableError)]
    assert len(errors) == 10
    header = 1 if fmt in ("csv", "xlsx") else 0
    assert sorted(e.row for e in errors) == sorted(i + 1 + header for i in bad_rows)
    for e in errors:
        assert e.file == str(path) and str(path) in str(e) and f"row {e.row}" in str(e)
        assert isinstance(e, KinerjaError) and isinstance(e, ModelError)
        assert e.plan_id == f"p{e.row - 1 - header:04d}"
    named = {e.row - 1 - header: e.table_column for e in errors}
    assert named[50] == "realisasi" and named[50 + 97] == "target"
    assert named[50 + 97 * 4] == "nip"
    # Scored: 990 results and 10 error records naming file and row; nothing dropped.
    records = appraisal_records(
        [*appraise_many([p for p in items if isinstance(p, Plan)], book), *errors]
    )
    assert len(records) == 1000
    failed = [r for r in records if r["status"] == "error"]
    assert len(failed) == 10
    assert all(r["error_file"] == str(path) and r["error_row"] for r in failed)


def test_bad_lines_and_rows_are_errors_not_gaps(tmp_path: Path) -> None:
    good = {k: (None if v is None else str(v)) for k, v in plan_rows(example_plan())[0].items()}
    lines = [json.dumps(good), "{not json", "[1, 2]", "", json.dumps({**good, "plan_id": None})]
    lines.append(json.dumps({**good, "plan_id": "q", "colour": "blue"}))
    lines.append(example_plan().model_dump_json())
    path = tmp_path / "plans.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_plans(path))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Plan", "TableError", "TableError", "TableError", "TableError", "Plan"]
    assert [i.row for i in items if isinstance(i, TableError)] == [2, 3, 5, 6]
    assert items[4].table_column == "colour"
    assert items[5] == example_plan()


def test_a_plan_over_several_rows_and_a_contradicting_row() -> None:
    rows = plan_rows(example_plan())
    assert list(plans_from_rows(rows)) == [example_plan()]
    # Later rows may leave the plan's cells empty.
    sparse = [rows[0], {k: v for k, v in rows[1].items() if k not in ("nip", "name", "period")}]
    assert list(plans_from_rows(sparse)) == [example_plan()]
    clash = [rows[0], {**rows[1], "period": "2026-02"}]
    (error,) = plans_from_rows(clash, "t.csv", first_row=2)
    assert isinstance(error, TableError)
    assert (error.row, error.table_column) == (3, "period")


def test_model_errors_name_the_row_and_column() -> None:
    rows = plan_rows(example_plan())
    rows[1] = {**rows[1], "target_min": Decimal(95)}
    (error,) = plans_from_rows(rows, "t.xlsx", first_row=2, sheet="SKP")
    assert isinstance(error, TableError)
    place = (error.file, error.sheet, error.row, error.table_column)
    assert place == ("t.xlsx", "SKP", 3, "target")
    assert error.field == "rhk.0.indicators.1.target"
    assert str(error).startswith("t.xlsx, sheet 'SKP', row 3, column 'target': ")


# --------------------------------------------------------------------------- conventions


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("90,5", "90.5"),
        ("90.5", "90.5"),
        ("95%", "95"),
        ("95,5 %", "95.5"),
        ("1.250.000", "1250000"),
        ("1,250,000", "1250000"),
        ("1.250,75", "1250.75"),
        ("1,250.75", "1250.75"),
        ("0.125", "0.125"),
        ("0,125", "0.125"),
        ("1250", "1250"),
        ("-3,5", "-3.5"),
        (" 12 ", "12"),
        ("12.5000", "12.5000"),
    ],
)
def test_indonesian_numbers_that_are_unambiguous(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["1.250", "12,500", "999.999", "1.25.0", "1.250,5,5", "9,9,9", "x"]
)
def test_ambiguous_or_malformed_numbers_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(CellError) as info:
        parse_number(text)
    assert repr(text) in str(info.value)


def test_the_decimal_separator_can_be_told() -> None:
    assert parse_number("1.250", decimal=",") == Decimal(1250)
    assert parse_number("1.250", decimal=".") == Decimal("1.25")
    assert parse_number("12,500", decimal=",") == Decimal("12.5")
    rows = plan_rows(example_plan())
    rows[0] = {**rows[0], "realisasi": "3.500"}
    (bad,) = plans_from_rows(rows)
    assert isinstance(bad, TableError) and "ambiguous" in str(bad)
    (plan,) = plans_from_rows(rows, decimal=",")
    assert isinstance(plan, Plan) and plan.realisations[0].value == Decimal(3500)
    with pytest.raises(UsageError):
        plans_from_rows(rows, decimal=";")


def test_targets_weights_and_directions() -> None:
    assert parse_target("80 s.d. 90") == "80-90"
    assert parse_target("80%-90,5%") == "80-90.5"
    assert parse_target("-5 - -3") == "-5--3"
    assert parse_weight("100/3") == "100/3" and parse_weight("33,5") == "33.5"
    assert [parse_direction(w) for w in ("naik", "Turun", "meningkat", "MENURUN")] == [
        "higher",
        "lower",
        "higher",
        "lower",
    ]
    with pytest.raises(CellError, match="tolerance"):
        parse_direction("rentang")


def test_an_indonesian_csv_row_end_to_end(tmp_path: Path) -> None:
    row = {k: ("" if v is None else str(v)) for k, v in plan_rows(example_plan())[0].items()}
    row |= {"realisasi": "3,5", "target": "3", "direction": "turun", "cap": "120%"}
    path = tmp_path / "skp.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(row), delimiter=";")
        writer.writeheader()
        writer.writerow(row)
    (plan,) = read_plans(path)
    assert isinstance(plan, Plan)
    indicator = plan.rhk[0].indicators[0]
    assert (indicator.direction.value, indicator.cap) == ("lower", Decimal(120))
    assert plan.realisations[0].value == Decimal("3.5")


# --------------------------------------------------------------------------- extras


@pytest.mark.parametrize(("suffix", "module", "extra"), [
    (".xlsx", "openpyxl", "excel"),
    (".parquet", "pyarrow.parquet", "parquet"),
])  # fmt: skip
def test_missing_extras_name_what_to_install(
    suffix: str, module: str, extra: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    path = tmp_path / f"plans{suffix}"
    for call in (lambda: read_plans(path), lambda: write_rows([], path),
                 lambda: read_records(path)):  # fmt: skip
        with pytest.raises(UsageError) as info:
            call()
        assert f"kinerja_engine[{extra}]" in str(info.value)


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown file type"):
        read_plans(tmp_path / "plans.ods")


def test_docs_io_examples_run() -> None:
    import doctest

    path = Path(__file__).parent.parent / "docs" / "io.md"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(path), module_relative=False, optionflags=flags)
    assert result.attempted > 0 and result.failed == 0


def test_record_numbers_keep_every_digit_of_a_long_terminating_value() -> None:
    # 40 significant digits: more than the default decimal context's 28.
    from decimal import Decimal
    from fractions import Fraction

    from kinerja_engine.io.records import record_number

    text = "1234567890123456789012345678901234.567891"
    value, exact = record_number(Fraction(Decimal(text)))
    assert (str(value), exact) == (text, None)


def test_write_rows_declared_columns_lead_and_stay_when_empty(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"plan_id": "p", "status": "error", "error_row": None}]
    declared = ["plan_id", "conversion_x", "error_row"]
    assert write_rows(rows, tmp_path / "r.parquet", columns=declared) == 1
    schema = pq.read_schema(tmp_path / "r.parquet")
    assert schema.names == [*declared, "status"]
    # error_row is a declared int column: int64 with no value in it.
    assert [str(t) for t in schema.types] == ["string", "string", "int64", "string"]
    write_rows(rows, tmp_path / "r.csv", columns=declared)
    header = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "plan_id,conversion_x,error_row,status"
    with pytest.raises(UsageError, match="'columns'"):
        write_rows(rows, tmp_path / "r.csv", columns="plan_id")  # type: ignore[arg-type]
