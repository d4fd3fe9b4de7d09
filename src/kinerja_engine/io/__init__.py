"""Plans in and results out, in the formats HR offices have: tables, spreadsheets, files.

The layer above scoring and the models and below the command line: it imports models,
scoring's results by attribute name, values and errors; nothing but the shell imports it.

- :mod:`.cells`: one spreadsheet cell (Indonesian number conventions, directions, yes/no);
- :mod:`.errors`: :class:`TableError`, a bad row with its file, row, sheet and column;
- :mod:`.table`: the flat plan table (docs/io.md) to plans and back, streaming;
- :mod:`.records`: appraisals as flat records (one per employee, one per indicator);
- :mod:`.files`: JSON, JSON Lines, CSV, Excel (``[excel]``) and Parquet (``[parquet]``).

>>> from kinerja_engine.models import example_plan
>>> list(plans_from_rows(plan_rows(example_plan()))) == [example_plan()]
True
"""

from .cells import parse_direction, parse_number
from .errors import TableError
from .files import FORMATS, read_plans, read_records, write_rows
from .records import (
    APPRAISAL_COLUMNS,
    INDICATOR_COLUMNS,
    RECORD_PLACES,
    appraisal_records,
    indicator_records,
    iter_appraisal_records,
    to_frame,
)
from .table import PLAN_COLUMNS, plan_rows, plans_from_rows

__all__ = [
    "APPRAISAL_COLUMNS",
    "FORMATS",
    "INDICATOR_COLUMNS",
    "PLAN_COLUMNS",
    "RECORD_PLACES",
    "TableError",
    "appraisal_records",
    "indicator_records",
    "iter_appraisal_records",
    "parse_direction",
    "parse_number",
    "plan_rows",
    "plans_from_rows",
    "read_plans",
    "read_records",
    "to_frame",
    "write_rows",
]
