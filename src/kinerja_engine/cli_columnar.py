"""The columnar engine on the command line: ``kinerja score P.parquet --out R.parquet``.

Input: the ``score`` command's plan file, rulebook and ``--out``, and ``--engine``
(``auto``, ``columnar`` or ``object``). Output: :func:`score_columnar` scores Parquet to
Parquet with :func:`kinerja_engine.columnar.score_parquet` and prints the summary the
``score`` command prints (counts, error lines, units), plus one line saying how many plans the
columns scored; it returns None when the per-object command should run instead (not Parquet
to Parquet, ``--year``, ``--explain`` or the curve check, or ``--engine object``).
:func:`columnar_verdict` is the "columnar: yes / no, because …" line of ``kinerja check``.
Guarantees: the records written are the ones the per-object command writes (the engine's
guarantee); a rulebook outside the supported forms is scored by the per-object path with
``auto`` and refused with ``columnar`` (exit status 2 and the reason).

>>> from kinerja_engine import rulebooks
>>> columnar_verdict(rulebooks.load("pp-46-2011"))
'no, because a numeric predikat (nilai_kinerja, predikat_nilai) is not columnar'
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from . import columnar
from .cli_scoring import check_input, check_output
from .errors import UsageError
from .io.optional import need
from .language.formula import Rulebook

__all__ = ["ENGINES", "columnar_verdict", "score_columnar"]

#: The choices of ``--engine``.
ENGINES = ("auto", "columnar", "object")


def columnar_verdict(book: Rulebook) -> str:
    """``"yes"`` or ``"no, because …"``: whether ``book`` runs on the columnar engine."""
    try:
        support = columnar.supports(book)
    except UsageError as exc:
        return f"no, because {exc.message} ({exc.hint})"
    return "yes" if support.ok else f"no, because {support.reason}"


def score_columnar(path: str, book: Rulebook, *, out: str | None, engine: str, year: bool,
                   explain: str | None, unit_predikat: str | None) -> int | None:  # fmt: skip
    """Score ``path`` into ``out`` on the columnar engine and print the summary; the exit
    status (0, or 1 when a result is an error), or None for the per-object command."""
    parquet = path.lower().endswith(".parquet") and (out or "").lower().endswith(".parquet")
    simple = parquet and not year and not explain and unit_predikat is None
    if engine == "object" or (engine == "auto" and not simple):
        return None
    if not simple:
        raise UsageError(
            "--engine columnar scores a .parquet plan file into a .parquet --out, "
            "without --year, --explain or --unit-predikat"
        )
    assert out is not None
    check_input(path)
    check_output(out)
    stats = columnar.score_parquet(path, book, out, engine=engine)
    pq = need("pyarrow.parquet", "columnar")
    table = pq.read_table(out, columns=["plan_id", "employee", "unit", "status", "predikat",
                                        "error", "error_row"])  # fmt: skip
    counts: Counter[str] = Counter()
    units: dict[str, Counter[str]] = defaultdict(Counter)
    for row in table.to_pylist():
        counts[row["status"]] += 1
        if row["error_row"] is not None:  # a reader's error names its own place
            print(f"error: {row['error']}")
            continue
        if row["status"] == "error":
            print(f"error: {row['plan_id']} ({row['employee']}): {row['error']}")
        units[row["unit"] or ""][_text(row["predikat"])] += 1
    errors = counts["error"]
    print(
        f"{path}: {counts.total()} results: {counts['complete']} complete, "
        f"{counts['incomplete']} incomplete, {errors} error{'s' * (errors != 1)}; "
        f"{counts.total()} records written to {out}"
    )
    for unit, dist in sorted(units.items()):
        print(f"  unit {unit}: " + ", ".join(f"{k} {v}" for k, v in sorted(dist.items())))
    if all(name in book for name in ("kurva_min", "kurva_maks", "anggota_kelompok")):
        # As the per-object command: the curve check needs the unit's own predikat.
        print("curve check: skipped (give --unit-predikat, the unit's own predikat)")
    how = (f"{stats.columnar} of {stats.plans} plans from the columns "
           f"({stats.exact_stage} with a decision by the exact stage), "
           f"{stats.fallback} by the per-object path")  # fmt: skip
    print(f"engine: columnar, {how}" if not stats.reason else
          f"engine: per-object ({stats.reason})")  # fmt: skip
    return 1 if errors else 0


def _text(value: Any) -> str:
    return "-" if value is None else str(value)
