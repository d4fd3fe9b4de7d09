"""The columnar engine on the command line: ``kinerja score P.parquet --out R.parquet``.

Input: the ``score`` command's plan file (or folder), rulebook and ``--out``, ``--engine``
(``auto``, ``columnar`` or ``object``) and ``--dask-workers``. Output: :func:`score_columnar`
scores Parquet to Parquet with :func:`kinerja_engine.columnar.score_parquet` and prints the
summary the ``score`` command prints (counts, error lines, units), plus one line saying how
many plans the columns scored; it returns None when the per-object command should run instead
(not Parquet to Parquet, ``--year``, ``--explain`` or the curve check, or ``--engine object``).
A *folder* of Parquet plan files (a dataset) goes to
:func:`kinerja_engine.columnar.distributed.score_dataset`, into the folder ``--out``: in this
process, or on a local Dask cluster of ``--dask-workers`` processes
(:func:`kinerja_engine.columnar.workers.local_cluster`: one thread and one Arrow thread per
worker); there the curve check (``--unit-predikat``) is the reduction across files.
:func:`columnar_verdict` is the "columnar: yes / no, because …" line of ``kinerja check``.
Guarantees: the records written are the ones the per-object command writes (the engine's
guarantee); a rulebook outside the supported forms is scored by the per-object path with
``auto`` and refused with ``columnar`` (exit status 2 and the reason); a folder needs the
columnar engine, ``--out`` and no ``--year`` or ``--explain``, or is refused (exit status 2).

>>> from kinerja_engine import rulebooks
>>> columnar_verdict(rulebooks.load("pp-46-2011"))
'no, because a numeric predikat (nilai_kinerja, predikat_nilai) is not columnar'
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from typing import Any

from . import columnar
from .cli_scoring import check_input, check_output
from .errors import UsageError
from .io.optional import need
from .language.formula import Rulebook
from .rulebooks import names as bundled_names

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
                   explain: str | None, unit_predikat: str | None, spec: str | None = None,
                   dask_workers: int = 0) -> int | None:  # fmt: skip
    """Score ``path`` into ``out`` on the columnar engine and print the summary; the exit
    status (0, or 1 when a result is an error or a unit breaks the curve), or None for the
    per-object command. ``spec`` is the rulebook as given (a bundled name or a file), which
    the Dask workers load; ``dask_workers`` (a folder only) the local cluster's processes."""
    if os.path.isdir(path):
        return _score_folder(path, book, out=out, engine=engine, year=year, explain=explain,
                             unit_predikat=unit_predikat, spec=spec,
                             dask_workers=dask_workers)  # fmt: skip
    if dask_workers:
        raise UsageError("--dask-workers scores a folder of Parquet plan files (a dataset)")
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
    counts, units = _read_back([out])
    errors = counts["error"]
    print(
        f"{path}: {_count(counts.total(), 'result')}: {counts['complete']} complete, "
        f"{counts['incomplete']} incomplete, {_count(errors, 'error')}; "
        f"{_count(counts.total(), 'record')} written to {out}"
    )
    _print_units(units)
    if all(name in book for name in ("kurva_min", "kurva_maks", "anggota_kelompok")):
        # As the per-object command: the curve check needs the unit's own predikat.
        print("curve check: skipped (give --unit-predikat, the unit's own predikat)")
    print(_engine_line(stats))
    return 1 if errors else 0


def _read_back(files: list[str]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Counts by status and each unit's predikat distribution of the records files, printing
    every error line on the way."""
    pq = need("pyarrow.parquet", "columnar")
    counts: Counter[str] = Counter()
    units: dict[str, Counter[str]] = defaultdict(Counter)
    for out in files:
        table = pq.read_table(out, columns=["plan_id", "employee", "unit", "status", "predikat",
                                            "error", "error_row"])  # fmt: skip
        for row in table.to_pylist():
            counts[row["status"]] += 1
            if row["error_row"] is not None:  # a reader's error names its own place
                print(f"error: {row['error']}")
                continue
            if row["status"] == "error":
                print(f"error: {row['plan_id']} ({row['employee']}): {row['error']}")
            units[row["unit"] or ""][_text(row["predikat"])] += 1
    return counts, units


def _print_units(units: dict[str, Counter[str]]) -> None:
    for unit, dist in sorted(units.items()):
        print(f"  unit {unit}: " + ", ".join(f"{k} {v}" for k, v in sorted(dist.items())))


def _engine_line(stats: Any) -> str:
    how = (f"{stats.columnar} of {stats.plans} plans from the columns "
           f"({stats.exact_stage} with a decision by the exact stage), "
           f"{stats.fallback} by the per-object path")  # fmt: skip
    return (
        f"engine: columnar, {how}" if not stats.reason else f"engine: per-object ({stats.reason})"
    )


def _score_folder(path: str, book: Rulebook, *, out: str | None, engine: str, year: bool,
                  explain: str | None, unit_predikat: str | None, spec: str | None,
                  dask_workers: int) -> int:  # fmt: skip
    """A folder of Parquet plan files (a dataset) into the folder ``out``."""
    if engine == "object":
        raise UsageError(
            f"{path}: a folder (a Parquet dataset) is scored by the columnar engine, "
            "not --engine object; give one plan file for the per-object engine"
        )
    if year or explain:
        raise UsageError(f"{path}: a folder is scored without --year or --explain")
    if out is None:
        raise UsageError(f"{path}: scoring a folder needs --out FOLDER for the results")
    if dask_workers < 0:
        raise UsageError(f"--dask-workers must be 0 (this process) or more, got {dask_workers}")
    from .columnar.distributed import score_dataset  # noqa: PLC0415 - numpy only when used
    from .columnar.workers import local_cluster  # noqa: PLC0415

    # The workers load the rulebook themselves: a bundled name travels as it is, a file as
    # its text (compiled rulebooks do not pickle).
    rulebook = spec if spec is not None and spec in bundled_names() else book.text
    if dask_workers == 0:
        run = score_dataset(path, rulebook, out, unit_predikat=unit_predikat)
        where = "one process"
    else:
        distributed = need("distributed", "dask")
        # Quiet workers of one thread, each with Arrow's pools of one thread (columnar.workers).
        with local_cluster(dask_workers) as cluster, distributed.Client(cluster) as client:
            run = score_dataset(path, rulebook, out, unit_predikat=unit_predikat,
                                scheduler=client)  # fmt: skip
        where = f"Dask, {_count(dask_workers, 'worker')}"
    counts, units = _read_back(list(run.files))
    errors = counts["error"]
    files = len(run.files)
    print(
        f"{path}: {_count(files, 'plan file')}, {_count(counts.total(), 'result')}: "
        f"{counts['complete']} complete, {counts['incomplete']} incomplete, "
        f"{_count(errors, 'error')}; {_count(counts.total(), 'record')} written to {out} "
        f"({_count(files, 'file')})"
    )
    _print_units(units)
    broken = False
    if all(name in book for name in ("kurva_min", "kurva_maks", "anggota_kelompok")):
        if unit_predikat is None:
            print("curve check: skipped (give --unit-predikat, the unit's own predikat)")
        for unit in run.units:
            broken = broken or not unit.ok
            state = "ok" if unit.ok else f"{len(unit.violations)} violated"
            print(f"curve check, unit {unit.unit}: {state}")
            for rule in unit.violations:
                print(f"  {rule}")
    print(f"{_engine_line(run.stats)}; {where}")
    return 1 if errors or broken else 0


def _text(value: Any) -> str:
    return "-" if value is None else str(value)


def _count(n: int, noun: str) -> str:
    """``1 plan file``, ``4 plan files``: the summary reads as English at every count."""
    return f"{n} {noun}{'s' * (n != 1)}"
