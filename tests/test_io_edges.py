"""The edges of ``kinerja_engine.io`` where users touch it (review rv3).

Each test pins a case a new user or an attacker meets and the reader once got wrong: a
DataFrame's NaN cells, rows that are not mappings, a duplicated header, an unreadable row
in the middle of a plan, a cell over the CSV size limit, JSON nested too deep or with a BOM,
an Excel sheet that does not exist or a value under an empty header, a year typed as a
number, Parquet ``float32`` cells, and values ``write_rows`` cannot write. Every bad input
is a ``KinerjaError`` naming where it is; the other rows are read as they are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kinerja_engine import KinerjaError, UsageError
from kinerja_engine.io import (
    TableError,
    appraisal_records,
    indicator_records,
    iter_appraisal_records,
    parse_direction,
    parse_number,
    plan_rows,
    plans_from_rows,
    read_plans,
    read_records,
    to_frame,
    write_rows,
)
from kinerja_engine.models import Plan, example_plan

ROWS = plan_rows(example_plan())
HEADER = list(ROWS[0])


def _csv(rows: list[dict[str, Any]], header: list[str] | None = None) -> str:
    names = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else str(row.get(n)) for n in names])
    return out.getvalue()


def _errors(items: list[Plan | TableError]) -> list[TableError]:
    return [i for i in items if isinstance(i, TableError)]


# --------------------------------------------------------------------------- DataFrames


def test_nan_cells_are_empty_cells_as_a_dataframe_means_them() -> None:
    """pandas marks every empty cell NaN (``read_csv``, ``read_excel``, text columns too)."""
    nan = float("nan")
    rows = [{k: (nan if v is None else v) for k, v in row.items()} for row in ROWS]
    assert list(plans_from_rows(rows)) == [example_plan()]


def test_nan_cells_of_a_pandas_round_trip_read_back_the_plan(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    write_rows(ROWS, tmp_path / "plans.csv")
    frame = pd.read_csv(tmp_path / "plans.csv")
    assert list(plans_from_rows(frame.to_dict("records"))) == [example_plan()]


def test_numpy_nan_is_empty_but_parse_number_still_refuses_it() -> None:
    np = pytest.importorskip("numpy")
    rows = [dict(row) for row in ROWS]
    rows[1]["realisasi_note"] = np.float32("nan")
    rows[1]["cap"] = np.float64("nan")
    assert list(plans_from_rows(rows)) == [example_plan()]
    with pytest.raises(KinerjaError, match="not a finite number"):
        parse_number(np.float64("nan"))


def test_rows_that_are_not_mappings_are_row_errors_with_a_hint() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(ROWS)
    items = list(plans_from_rows(frame.itertuples(index=False)))
    assert [(e.row, "to_dict('records')" in str(e)) for e in _errors(items)] == [
        (1, True),
        (2, True),
    ]
    assert len(items) == 2
    with pytest.raises(UsageError, match="to_dict"):
        plans_from_rows(frame)  # a DataFrame iterates over its column names
    with pytest.raises(UsageError, match="'rows'"):
        plans_from_rows(ROWS[0])  # type: ignore[arg-type]


def test_a_column_name_that_is_not_text_is_the_rows_error() -> None:
    rows: list[dict[Any, Any]] = [dict(ROWS[0]), {**ROWS[1], 7: "x", None: None}]
    (error,) = plans_from_rows(rows)
    assert isinstance(error, TableError)
    assert error.row == 2
    assert "column name must be text" in str(error)


# --------------------------------------------------------------------------- one plan, whole


def test_an_unreadable_row_inside_a_plan_makes_the_plan_an_error(tmp_path: Path) -> None:
    """Never a plan scored without one of its rows (it was split in two before)."""
    path = tmp_path / "plans.jsonl"
    lines = [json.dumps({k: None if v is None else str(v) for k, v in r.items()}) for r in ROWS]
    path.write_text(f"{lines[0]}\n{{broken\n{lines[1]}\n", encoding="utf-8")
    (error,) = read_plans(path)
    assert isinstance(error, TableError)
    assert (error.row, error.plan_id) == (2, "p")
    assert "not JSON" in str(error)


def test_a_row_without_plan_id_inside_a_plan_makes_the_plan_an_error() -> None:
    rows = [ROWS[0], {"indicator_id": "x", "realisasi": "3"}, ROWS[1]]
    (error,) = plans_from_rows(rows)
    assert isinstance(error, TableError)
    assert (error.row, error.table_column, error.plan_id) == (2, "plan_id", "p")


def test_a_csv_row_with_extra_cells_is_its_plans_error(tmp_path: Path) -> None:
    other = [{**r, "plan_id": "q"} for r in ROWS]
    lines = _csv([*ROWS, *other]).splitlines()
    lines[2] += ",junk"  # the second row of plan p
    (tmp_path / "plans.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_plans(tmp_path / "plans.csv"))
    assert [type(i).__name__ for i in items] == ["TableError", "Plan"]
    error = items[0]
    assert isinstance(error, TableError)
    assert (error.row, error.plan_id) == (3, "p")
    assert isinstance(items[1], Plan)
    assert items[1].id == "q"


def test_a_cell_over_the_csv_limit_is_a_row_error_and_reading_goes_on(tmp_path: Path) -> None:
    rows = [{**ROWS[0], "plan_id": "a"}, {**ROWS[0], "plan_id": "b"}]
    rows[0]["realisasi_note"] = "x" * 200_000
    (tmp_path / "plans.csv").write_text(_csv(rows), encoding="utf-8")
    items = list(read_plans(tmp_path / "plans.csv"))
    assert isinstance(items[0], TableError)
    assert items[0].row == 2
    assert [i.id for i in items if isinstance(i, Plan)] == ["b"]


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_header_naming_a_column_twice_is_refused(suffix: str, tmp_path: Path) -> None:
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    header = [*HEADER, "realisasi"]
    rows = [{**r} for r in ROWS]
    path = tmp_path / f"plans{suffix}"
    if suffix == ".csv":
        path.write_text(_csv(rows, header), encoding="utf-8")
    else:
        import openpyxl  # type: ignore[import-untyped]

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for r in rows:
            sheet.append([None if r.get(n) is None else str(r.get(n)) for n in HEADER] + ["999"])
        book.save(path)
    (error,) = read_plans(path)
    assert isinstance(error, TableError)
    assert (error.row, error.table_column) == (1, "realisasi")
    assert "twice" in str(error)


def test_excel_value_under_an_empty_header_is_not_dropped(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in ROWS:
        sheet.append([None if r.get(n) is None else str(r.get(n)) for n in HEADER])
    sheet.cell(row=3, column=len(HEADER) + 2, value="lupa judul")
    book.save(tmp_path / "plans.xlsx")
    (error,) = read_plans(tmp_path / "plans.xlsx")
    assert isinstance(error, TableError)
    assert (error.row, error.plan_id) == (3, "p")
    assert "no header" in str(error)


def test_an_unknown_excel_sheet_is_a_usage_error_naming_the_sheets(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    write_rows(ROWS, tmp_path / "plans.xlsx")
    with pytest.raises(UsageError, match="no sheet 'SKP'") as caught:
        list(read_plans(tmp_path / "plans.xlsx", sheet="SKP"))
    assert "'data'" in str(caught.value)


# --------------------------------------------------------------------------- cells and files


def test_a_year_typed_as_a_number_is_the_period(tmp_path: Path) -> None:
    rows = [{**r, "period": 2026} for r in ROWS]
    (plan,) = plans_from_rows(rows)
    assert isinstance(plan, Plan)
    assert str(plan.period) == "2026"


def test_json_nested_too_deep_and_byte_order_marks(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (error,) = read_plans(tmp_path / "deep.json")
    assert isinstance(error, TableError)
    assert "not JSON" in str(error)
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "\n", encoding="utf-8")
    (error,) = read_plans(tmp_path / "deep.jsonl")
    assert isinstance(error, TableError)
    write_rows(ROWS, tmp_path / "plans.json")
    write_rows(ROWS, tmp_path / "plans.jsonl")
    for name in ("plans.json", "plans.jsonl"):
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Windows Notepad saves
        assert list(read_plans(path)) == [example_plan()], name


def test_parquet_float32_cells_read_as_typed(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{k: None if v is None else str(v) for k, v in r.items()} for r in ROWS]
    table = pa.Table.from_pylist(rows)
    where = table.schema.get_field_index("realisasi")
    table = table.set_column(where, "realisasi", pa.array([3.3, None], pa.float32()))
    pq.write_table(table, tmp_path / "plans.parquet")
    (plan,) = read_plans(tmp_path / "plans.parquet")
    assert isinstance(plan, Plan)
    assert [r.value for r in plan.realisations] == [Decimal("3.3")]


def test_missing_files_and_wrong_paths_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_plans(tmp_path / "none.csv")
    with pytest.raises(UsageError, match="no such file"):
        read_records(tmp_path / "none.jsonl")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(UsageError, match="directory"):
        read_plans(tmp_path / "folder.csv")
    with pytest.raises(UsageError, match="cannot write"):
        write_rows(ROWS, tmp_path / "folder.csv")
    with pytest.raises(UsageError, match="cannot write"):
        write_rows(ROWS, tmp_path / "no" / "such" / "out.jsonl")
    for wrong in (None, b"plans.csv", 3, ["plans.csv"]):
        with pytest.raises(UsageError, match="'path'"):
            read_plans(wrong)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (10**5000, "too long"),
        (float("nan"), "not finite"),
        (Decimal("Infinity"), "not finite"),
        ([1], "got list"),
        (b"x", "got bytes"),
    ],
    ids=["huge-int", "nan", "infinity", "list", "bytes"],
)
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json"])
def test_write_rows_refuses_a_cell_it_cannot_write(
    value: object, problem: str, suffix: str, tmp_path: Path
) -> None:
    with pytest.raises(UsageError, match=rf"row 2, column 'x': .*{problem}"):
        write_rows([{"x": 1}, {"x": value}], tmp_path / f"out{suffix}")


def test_write_rows_refuses_control_characters_excel_cannot_hold(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    with pytest.raises(UsageError, match="row 1 cannot be written to Excel"):
        write_rows([{"name": "a\x00b"}], tmp_path / "out.xlsx")


class _Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("repr")

    __str__ = __repr__


@pytest.mark.parametrize("wrong", [None, 12345, "x", [None], [[1]], _Unprintable(), {"a": 1}])
def test_public_io_functions_take_wrong_types_as_kinerja_errors(
    wrong: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    calls: list[Callable[[], object]] = [
        lambda: list(plans_from_rows(wrong)),  # type: ignore[arg-type]
        lambda: list(plans_from_rows(ROWS, first_row=wrong)),  # type: ignore[arg-type]
        lambda: list(plans_from_rows(ROWS, decimal=wrong)),  # type: ignore[arg-type]
        lambda: list(plans_from_rows(ROWS, source=wrong)),  # type: ignore[arg-type]
        lambda: plan_rows(wrong),  # type: ignore[arg-type]
        lambda: appraisal_records(wrong),  # type: ignore[arg-type]
        lambda: list(iter_appraisal_records(wrong)),  # type: ignore[arg-type]
        lambda: indicator_records(wrong),  # type: ignore[arg-type]
        lambda: parse_number(wrong),
        lambda: parse_number("1.250", decimal=wrong),  # type: ignore[arg-type]
        lambda: parse_direction(wrong),
        lambda: write_rows(wrong, "out.csv"),  # type: ignore[arg-type]
    ]
    for call in calls:
        try:
            call()
        except KinerjaError as exc:
            text = str(exc)
            assert len(text) < 400, text
    if wrong is not None:
        with pytest.raises(KinerjaError):
            to_frame(wrong)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".xlsx", ".parquet"])
def test_numbers_read_back_digit_for_digit_in_every_format(suffix: str, tmp_path: Path) -> None:
    """Excel kept a double: 99999999999999.99 came back 99999999999999.98."""
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    values = ["99999999999999.99", "0.1234567890123456789", "12345678901234567890", "3.5"]
    rows = []
    for number, text in enumerate(values):
        for row in ROWS:
            rows.append({**row, "plan_id": f"p{number}"})
        rows[-2]["realisasi"] = Decimal(text)
    write_rows(rows, tmp_path / f"plans{suffix}")
    plans = [p for p in read_plans(tmp_path / f"plans{suffix}") if isinstance(p, Plan)]
    assert [str(p.realisations[0].value) for p in plans] == values
    records = [{"plan_id": f"p{n}", "capaian": Decimal(text)} for n, text in enumerate(values)]
    write_rows(records, tmp_path / f"records{suffix}")
    assert list(read_records(tmp_path / f"records{suffix}")) == records


def test_an_indicator_without_a_rule_is_an_empty_cell_in_its_record() -> None:
    from kinerja_engine import appraise, rulebooks

    result = appraise(example_plan(), rulebooks.load("gajahmungkur"))
    rules = [r["rule"] for r in indicator_records([result])]
    assert None in rules  # the unreported indicator: no rule, read back from a file as None
    assert "" not in rules


def test_a_csv_in_a_windows_code_page_is_refused_not_altered(tmp_path: Path) -> None:
    """ "Budí" saved as cp1252 was read as "Bud\ufffd" without a word."""
    text = _csv([{**r, "name": "Budí"} for r in ROWS])
    (tmp_path / "plans.csv").write_bytes(text.encode("cp1252"))
    (error,) = read_plans(tmp_path / "plans.csv")
    assert isinstance(error, TableError)
    assert (error.row, error.plan_id) == (2, "p")
    assert "CSV UTF-8" in str(error)
    (tmp_path / "plans.csv").write_bytes(text.encode("utf-8"))
    (plan,) = read_plans(tmp_path / "plans.csv")
    assert isinstance(plan, Plan)
    assert plan.employee.name == "Budí"


def test_a_nan_realisasi_in_parquet_scores_the_same_on_both_engines(tmp_path: Path) -> None:
    """The columnar engine took a NaN cell as not reported; the object path refused it."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pytest.importorskip("numpy")
    from kinerja_engine import appraise_many, rulebooks
    from kinerja_engine.columnar import score_parquet

    book = rulebooks.load("gajahmungkur")
    rows = [{k: None if v is None else str(v) for k, v in r.items()} for r in ROWS]
    table = pa.Table.from_pylist(rows)
    where = table.schema.get_field_index("realisasi")
    table = table.set_column(where, "realisasi", pa.array([3.5, float("nan")], pa.float64()))
    pq.write_table(table, tmp_path / "plans.parquet")
    for engine in ("object", "columnar"):
        score_parquet(tmp_path / "plans.parquet", book, tmp_path / f"{engine}.parquet",
                      engine=engine)  # fmt: skip
    assert list(read_records(tmp_path / "object.parquet")) == list(
        read_records(tmp_path / "columnar.parquet")
    )
    (record,) = appraisal_records(appraise_many(read_plans(tmp_path / "plans.parquet"), book))
    assert record["status"] == "incomplete"


def test_a_short_row_that_is_not_utf8_names_its_row(tmp_path: Path) -> None:
    (tmp_path / "plans.csv").write_bytes(b"name,unit,plan_id\n\xff,u\n")
    (error,) = read_plans(tmp_path / "plans.csv")
    assert isinstance(error, TableError)
    assert error.row == 2


@pytest.mark.parametrize(("suffix", "cell"), [(".csv", "abc"), (".jsonl", [1]), (".jsonl", -3)])
def test_a_hand_edited_error_row_is_a_table_error(
    suffix: str, cell: object, tmp_path: Path
) -> None:
    """``read_records`` turned ``error_row`` into an int: ValueError/TypeError escaped."""
    path = tmp_path / f"records{suffix}"
    if suffix == ".csv":
        path.write_text(f"plan_id,error_row\np,{cell}\n", encoding="utf-8")
    else:
        path.write_text(json.dumps({"plan_id": "p", "error_row": cell}) + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="is not a row number") as caught:
        list(read_records(path))
    assert caught.value.table_column == "error_row"
    write_rows([{"plan_id": "p", "error_row": 12}], path)
    assert list(read_records(path)) == [{"plan_id": "p", "error_row": 12}]
