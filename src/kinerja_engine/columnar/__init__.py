"""The columnar engine: plan tables scored over whole columns, exact by a certified filter.

Input: a Parquet plan table (docs/io.md) and a rulebook. Output: appraisal records, the same
as the per-object path's, written to Parquet batch by batch. Guarantees: identical records,
value for value, to ``read_plans`` → ``appraise_many`` → ``appraisal_records``; every float
decision is certified by an error bound, and every plan the columns cannot take or decide is
scored by the per-object path (docs/columnar.md). Needs the ``[columnar]`` extra (numpy and
pyarrow), imported only when a function here runs: without it a
:class:`~kinerja_engine.errors.UsageError` says what to install.

>>> from kinerja_engine import rulebooks
>>> supports(rulebooks.load("permenpanrb-6-2022"))
Support(ok=True, reason='')
>>> supports(rulebooks.load("pp-46-2011")).reason
'a numeric predikat (nilai_kinerja, predikat_nilai) is not columnar'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..arguments import require
from ..io.optional import need
from ..language.formula import Rulebook

__all__ = ["score_parquet", "supports"]


def _need() -> None:
    need("numpy", "columnar")
    need("pyarrow", "columnar")


def supports(rulebook: Rulebook) -> Any:
    """Whether ``rulebook`` runs on the columnar engine: ``Support(ok, reason)``."""
    require(rulebook, Rulebook, "supports", "rulebook")
    _need()
    from .program import supports as check  # noqa: PLC0415 - numpy only once it is there

    return check(rulebook)


def score_parquet(source: str | Path, rulebook: Rulebook, out: str | Path, *,
                  batch_rows: int = 65_536, engine: str = "auto") -> Any:  # fmt: skip
    """Score the Parquet plan table ``source`` into the Parquet records file ``out``.

    Returns the run's :class:`~kinerja_engine.columnar.engine.Stats` (plans, from the columns,
    sent to the exact path). ``engine="auto"`` scores a rulebook outside the supported forms
    entirely by the per-object path (``Stats.reason`` says why), ``"columnar"`` refuses it,
    ``"object"`` always takes the per-object path. Wrong arguments, and a file that cannot be
    read or written, are a :class:`~kinerja_engine.errors.UsageError` naming them.
    """
    require(rulebook, Rulebook, "score_parquet", "rulebook")
    _need()
    from .engine import score_parquet as run  # noqa: PLC0415 - numpy only once it is there

    return run(source, rulebook, out, batch_rows=batch_rows, engine=engine)
