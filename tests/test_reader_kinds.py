"""Plan readers validate indicator kinds against a rulebook (issue 15, item 1).

A plan read with ``kinds=KindIndex(rulebook)`` (as ``kinerja score`` reads it) whose indicator
kind the rulebook does not define becomes that plan's ``TableError`` naming the file, the row
and the column, with the did-you-mean, before scoring. Counted work: one kind check per
indicator and a bounded number of names compared per unknown kind (at n and 4n rows).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.__main__ import main
from kinerja_engine.errors import UsageError
from kinerja_engine.io import TableError, plan_rows, plans_from_rows, read_plans, write_rows
from kinerja_engine.language.suggest import MAX_CANDIDATES
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.scoring.contract import KindIndex

BOOK = rulebooks.load("gajahmungkur")
HINT = (
    "rulebook 'gajahmungkur' has no indicator kind 'vaksinsi' (no definition "
    "'capaian_vaksinsi'); did you mean 'vaksinasi'?"
)


def _rows(kind: str | None = "vaksinsi") -> list[dict[str, Any]]:
    rows = plan_rows(example_plan())
    rows[1]["indicator_kind"] = kind
    return rows


def test_a_table_row_with_an_unknown_kind_is_that_rows_error() -> None:
    (item,) = plans_from_rows(_rows(), "plans.csv", first_row=2, kinds=KindIndex(BOOK))
    assert isinstance(item, TableError)
    assert (item.file, item.row, item.table_column) == ("plans.csv", 3, "indicator_kind")
    assert item.field == "rhk.0.indicators.1.kind"
    assert item.plan_id == example_plan().id
    assert str(item) == (
        "plans.csv, row 3, column 'indicator_kind': employee 198609262015051001: "
        f"indicator 'i2' (IKM): {HINT}"
    )


def test_without_a_rulebook_the_reader_does_not_judge_kinds() -> None:
    (item,) = plans_from_rows(_rows())
    assert isinstance(item, Plan)


def test_known_kinds_and_directions_pass() -> None:
    (item,) = plans_from_rows(_rows("vaksinasi"), kinds=KindIndex(BOOK))
    assert isinstance(item, Plan)


def test_an_indicator_without_kind_is_checked_by_its_direction() -> None:
    book = rulebooks.load('rulebook "r" def nilai_rhk(capaian: list, bobot: list) = 1 '
                          "def nilai_hasil_kerja(nilai: list, bobot: list) = 1 "
                          "def capaian_higher(realisasi, target) = realisasi")  # fmt: skip
    (item,) = plans_from_rows(plan_rows(example_plan()), "p.csv", kinds=KindIndex(book))
    assert isinstance(item, TableError)
    assert (item.row, item.table_column) == (1, "direction")  # i1 is lower-is-better
    assert "has no indicator kind 'lower'" in item.reason
    assert "(and 1 more: row 2)" in item.reason


def test_a_whole_plan_in_json_names_its_row_and_field(tmp_path: Path) -> None:
    data = example_plan().model_dump(mode="json")
    data["rhk"][0]["indicators"][1]["kind"] = "vaksinsi"
    path = tmp_path / "plans.jsonl"
    path.write_text(json.dumps(example_plan().model_dump(mode="json")) + "\n" + json.dumps(data)
                    + "\n", encoding="utf-8")  # fmt: skip
    good, bad = read_plans(path, kinds=KindIndex(BOOK))
    assert isinstance(good, Plan) and isinstance(bad, TableError)
    assert (bad.file, bad.row, bad.field) == (str(path), 2, "rhk.0.indicators.1.kind")
    assert HINT in str(bad)


def test_csv_file_through_read_plans(tmp_path: Path) -> None:
    path = tmp_path / "plans.csv"
    write_rows(_rows(), path)
    (item,) = read_plans(path, kinds=KindIndex(BOOK))
    assert isinstance(item, TableError)
    assert (item.row, item.table_column) == (3, "indicator_kind")  # row 1 is the header


@pytest.mark.parametrize("kinds", ["gajahmungkur", 3, BOOK])
def test_kinds_must_be_a_check(kinds: object) -> None:
    with pytest.raises(UsageError, match="'kinds' must be a kind check"):
        read_plans("plans.csv", kinds=kinds)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="'kinds' must be a kind check"):
        plans_from_rows([], kinds=kinds)  # type: ignore[arg-type]


def test_kinerja_score_reports_the_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plans.csv"
    write_rows(_rows(), path)
    code = main(["score", str(path), "--rulebook", "gajahmungkur"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"error: {path}, row 3, column 'indicator_kind': " in out
    assert "did you mean 'vaksinasi'?" in out


# --------------------------------------------------------------------------- counted work


def _many(n: int) -> list[dict[str, Any]]:
    # n plans, each with its own misspelt kind: n look-ups, none cached.
    rows = []
    for i in range(n):
        plan_row = _rows(f"vaksin{i}x")
        for row in plan_row:
            row["plan_id"] = f"p{i}"
        rows.extend(plan_row)
    return rows


def _work(n: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(kind checks, names compared by difflib) reading n plans with unknown kinds."""
    counts = [0, 0]
    real: Callable[..., list[str]] = difflib.get_close_matches

    def counting(word: str, possibilities: list[str], *args: Any, **kwargs: Any) -> list[str]:
        counts[1] += len(possibilities)
        return real(word, possibilities, *args, **kwargs)

    index = KindIndex(BOOK)

    def check(kind: str) -> str | None:
        counts[0] += 1
        return index(kind)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    items = list(plans_from_rows(_many(n), kinds=check))
    assert len(items) == n and all(isinstance(i, TableError) for i in items)
    return counts[0], counts[1]


def test_kind_checks_are_linear_in_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    checks_n, compared_n = _work(50, monkeypatch)
    checks_4n, compared_4n = _work(200, monkeypatch)
    assert (checks_n, checks_4n) == (100, 400)  # one per indicator
    assert compared_4n <= MAX_CANDIDATES * 200  # a bounded number per unknown kind
    assert compared_4n <= 4 * compared_n


def test_kinerja_score_prints_the_rulebooks_warnings_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "lokal.kinerja"
    rules.write_text('rulebook "lokal" extends "gajahmungkur"\nparam batas_di_ats = 105\n'
                     "def rating_hasil_kerj(nilai) = 1\n", encoding="utf-8")  # fmt: skip
    plans = tmp_path / "plans.csv"
    write_rows(plan_rows(example_plan()), plans)
    main(["score", str(plans), "--rulebook", str(rules)])
    err = capsys.readouterr().err
    assert f"{rules}:2:1: warning: 'batas_di_ats' replaces no definition" in err
    assert f"{rules}:3:5: warning: 'rating_hasil_kerj' is not an entry point" in err
