"""``kinerja score plans.parquet --out results.parquet`` takes the columnar engine when it can,
writes the records the per-object engine writes, and ``kinerja check`` says whether a rulebook
is columnar (in-process calls of ``main``: no subprocess)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kinerja_engine.__main__ import main
from kinerja_engine.io import read_records
from test_columnar import _plan, _table


def _plans(path: Path) -> Path:
    plans = tuple(_plan(k, [90.0 + k, 80.5, 0.9 * k], [100.0, 100.0, 1.0 + k]) for k in range(6))
    plans += (_plan(6, [90.0], [100.0], nip="1"),)
    pq.write_table(_table(plans), path)
    return path


def test_score_parquet_to_parquet_takes_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _plans(tmp_path / "plans.parquet")
    assert main(["score", str(source), "--rulebook", "gajahmungkur",
                 "--out", str(tmp_path / "c.parquet")]) == 1  # fmt: skip
    out = capsys.readouterr().out
    assert "7 results: 6 complete, 0 incomplete, 1 error;" in out
    assert "engine: columnar, 6 of 7 plans from the columns" in out
    assert "1 by the per-object path" in out
    assert out.count("error: ") == 1
    assert main(["score", str(source), "--rulebook", "gajahmungkur", "--engine", "object",
                 "--out", str(tmp_path / "o.parquet")]) == 1  # fmt: skip
    object_out = capsys.readouterr().out
    assert "engine:" not in object_out
    assert list(read_records(tmp_path / "c.parquet")) == list(read_records(tmp_path / "o.parquet"))
    # The summary lines (counts, errors, units) are the same on both engines.
    assert [line for line in out.splitlines() if not line.startswith("engine:")] == [
        line.replace("o.parquet", "c.parquet") for line in object_out.splitlines()
    ]


def test_score_engine_columnar_refuses_what_it_cannot_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _plans(tmp_path / "plans.parquet")
    args = ["score", str(source), "--engine", "columnar", "--out", str(tmp_path / "r.parquet")]
    assert main([*args, "--rulebook", "pp-46-2011"]) == 2
    assert "is not columnar: a numeric predikat" in capsys.readouterr().err
    assert main([*args[:-1], str(tmp_path / "r.jsonl"), "--rulebook", "gajahmungkur"]) == 2
    assert "--engine columnar scores a .parquet plan file" in capsys.readouterr().err


def test_check_says_whether_a_rulebook_is_columnar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yes = tmp_path / "yes.kinerja"
    yes.write_text('rulebook "lokal" extends "gajahmungkur"\nparam batas_sesuai = 85\n')
    no = tmp_path / "no.kinerja"
    no.write_text(
        'rulebook "lokal" extends "gajahmungkur"\n'
        "def nilai_hasil_kerja(nilai: list, bobot: list) = min(nilai)\n"
    )
    assert main(["check", str(yes)]) == 0
    assert f"{yes}: columnar: yes" in capsys.readouterr().out
    assert main(["check", str(no)]) == 0
    out = capsys.readouterr().out
    assert (
        f"{no}: columnar: no, because 'nilai_hasil_kerja' is not weighted_mean(values, bobot) "
        "of its parameters" in out
    )


def _kind_row(plan_id: str, kind: str) -> dict[str, object]:
    row: dict[str, object] = {"plan_id": plan_id, "indicator_kind": kind}
    row |= dict.fromkeys(("rhk_description", "indicator_name"), "IKI")
    texts = ("period=2026 nip=198609262015051001 name=Budi position=Analis category=Fungsional "
             "jenjang=ahli_muda unit=dinkes behaviour_rating=sesuai rhk_id=r1 indicator_id=i1 "
             "unit_of_measure=% direction=higher")  # fmt: skip
    row |= dict(pair.split("=") for pair in texts.split())
    return row | {"target": 100.0, "realisasi": 90.0}


@pytest.mark.parametrize("engine", ["auto", "columnar"])
def test_a_kind_the_rulebook_lacks_is_the_object_paths_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    pa = pytest.importorskip("pyarrow")
    source = tmp_path / "kind.parquet"
    rows = [_kind_row("p1", "tidak_ada"), _kind_row("p2", ""), _kind_row("p3", "vaksinsi")]
    pq.write_table(pa.Table.from_pylist(rows), source)
    book = ["--rulebook", "gajahmungkur"]
    assert main(["score", str(source), *book, "--engine", "object",
                 "--out", str(tmp_path / "o.parquet")]) == 1  # fmt: skip
    assert main(["score", str(source), *book, "--engine", engine,
                 "--out", str(tmp_path / "c.parquet")]) == 1  # fmt: skip
    capsys.readouterr()
    want = pq.read_table(tmp_path / "o.parquet").to_pylist()
    got = pq.read_table(tmp_path / "c.parquet").to_pylist()
    assert got == want
    bad = [r for r in want if r["status"] == "error"]
    assert [r["plan_id"] for r in bad] == ["p1", "p3"]
    assert "no indicator kind 'tidak_ada'" in str(bad[0]["error"])
    assert "did you mean 'vaksinasi'" in str(bad[1]["error"])
    assert {(r["error_row"], r["error_column"]) for r in bad} == {
        (1, "indicator_kind"),
        (3, "indicator_kind"),
    }
    assert want[1]["employee_name"] == "Budi" and want[1]["status"] != "error"


@pytest.mark.parametrize(
    "columns",
    [
        {"plan_id": ["p1"], "target": [1]},  # most columns missing
        {"target": [1.0], "realisasi": [2.0]},  # no plan_id
    ],
)
def test_a_table_lacking_required_columns_is_the_object_paths_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], columns: dict[str, list[object]]
) -> None:
    pa = pytest.importorskip("pyarrow")
    source = tmp_path / "few.parquet"
    pq.write_table(pa.table(columns), source)
    args = ["score", str(source), "--rulebook", "gajahmungkur", "--out"]
    assert main([*args, str(tmp_path / "o.parquet"), "--engine", "object"]) == 1
    assert main([*args, str(tmp_path / "c.parquet")]) == 1
    out = capsys.readouterr().out
    assert "0 of 1 plans from the columns" in out
    want = pq.read_table(tmp_path / "o.parquet")
    assert pq.read_table(tmp_path / "c.parquet").equals(want)
    want = want.to_pylist()
    assert [r["status"] for r in want] == ["error"]


@pytest.mark.parametrize("errors", ["none", "some", "all"])
def test_both_engines_write_the_same_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], errors: str
) -> None:
    pa = pytest.importorskip("pyarrow")
    good = tuple(_plan(k, [90.0 + k, 80.5], [100.0, 100.0]) for k in range(3))
    bad = (_plan(3, [90.0], [100.0], nip="1"), _plan(4, [90.0], [100.0], nip="2"))
    plans = {"none": good, "some": good + bad, "all": bad}[errors]
    source = tmp_path / "plans.parquet"
    pq.write_table(_table(plans), source)
    args = ["score", str(source), "--rulebook", "gajahmungkur", "--out"]
    status = int(errors != "none")
    assert main([*args, str(tmp_path / "o.parquet"), "--engine", "object"]) == status
    assert main([*args, str(tmp_path / "c.parquet")]) == status
    assert "engine: columnar" in capsys.readouterr().out
    want = pq.read_schema(tmp_path / "o.parquet")
    got = pq.read_schema(tmp_path / "c.parquet")
    assert got.equals(want), (got, want)
    assert want.field("error_row").type == pa.int64()
    assert {str(t) for t in want.types} == {"string", "int64"}
    # The rulebook's conversion columns are there even when no row fills them.
    assert want.names[-2:] == ["conversion_tpp_persen", "conversion_tpp_persen_exact"]
    assert pq.read_table(tmp_path / "c.parquet").equals(pq.read_table(tmp_path / "o.parquet"))


def test_a_folder_of_one_file_is_counted_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder summary reads as English at a count of one (a reviewer saw "1 plan files")."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    plans = (_plan(0, [90.0], [100.0]),)
    pq.write_table(_table(plans), folder / "part-0.parquet")
    assert main(["score", str(folder), "--rulebook", "gajahmungkur",
                 "--out", str(tmp_path / "out")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert f"{folder}: 1 plan file, 1 result: 1 complete, 0 incomplete, 0 errors; " in out
    assert "1 record written to" in out and "(1 file)" in out
