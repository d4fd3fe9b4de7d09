"""Make the golden plan tables of tests/test_io.py from the bundled Gajahmungkur data.

Input: the demo unit (``kinerja_engine.demo.load_unit()``). Output, beside this script:
``gajahmungkur-2026.csv`` (a CSV as an Indonesian spreadsheet saves it: ``;`` between cells,
decimal commas, ``naik``/``turun`` directions) and ``gajahmungkur-2026.xlsx`` (numbers as
numbers). Run it again after the bundled data changes:

    PYTHONPATH=src python tests/data/make_tables.py
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from kinerja_engine.demo import load_unit
from kinerja_engine.io import PLAN_COLUMNS, plan_rows, write_rows

HERE = Path(__file__).parent
_WORDS = {"higher": "naik", "lower": "turun"}


def rows() -> list[dict[str, Any]]:
    """Every quarterly plan of the unit, as plan-table rows."""
    return [row for quarters in load_unit().plans for plan in quarters for row in plan_rows(plan)]


def _indonesian(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if name == "direction":
        return _WORDS.get(value, value)
    return str(value)


def main() -> None:
    table = rows()
    columns = [c for c in PLAN_COLUMNS if any(r.get(c) is not None for r in table)]
    with (HERE / "gajahmungkur-2026.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(columns)
        for row in table:
            writer.writerow([_indonesian(c, row.get(c)) for c in columns])
    write_rows(({c: r.get(c) for c in columns} for r in table), HERE / "gajahmungkur-2026.xlsx")


if __name__ == "__main__":
    main()
