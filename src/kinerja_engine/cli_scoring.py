"""The ``score`` and ``compare`` commands of the ``kinerja`` command line.

Input: a plan file (any format of :data:`kinerja_engine.io.FORMATS`) and one or two rulebooks
(bundled names or ``.kinerja`` files). Output: text on stdout (a summary, a policy-impact
report), result records written with :func:`kinerja_engine.io.write_rows`, and an exit status.
Guarantees: plans stream through scoring and out to the record file (``--year`` and
``compare`` hold the plans in memory: both need every plan of an employee or two passes); a
bad row is an error result naming file and row, never dropped; progress goes to stderr only
when stderr is a terminal.

>>> from kinerja_engine.rulebooks import load
>>> load_rulebook("pp-46-2011").name
'pp-46-2011'
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from . import rulebooks
from .errors import KinerjaError, UsageError
from .io import FORMATS, TableError, iter_appraisal_records, read_plans, write_rows
from .io.records import appraisal_columns
from .language.formula import Rulebook
from .models import Plan
from .scoring import appraise_many
from .scoring.annual import appraise_year
from .scoring.contract import KindIndex
from .scoring.distribution import check_distribution
from .scoring.pipeline import error_result
from .scoring.results import Appraisal

__all__ = ["check_input", "check_unit_predikat", "compare", "load_rulebook", "score"]

#: How many plans between two progress updates on a terminal.
PROGRESS_EVERY = 500


def load_rulebook(spec: str) -> Rulebook:
    """A bundled rulebook by name, or a rulebook file (``.kinerja``, or any existing path)."""
    if spec in rulebooks.names():
        return rulebooks.load(spec)
    if spec.endswith(".kinerja") or os.path.exists(spec):
        return rulebooks.load_file(spec)
    return rulebooks.load(spec)  # refused with the bundled names and a did-you-mean


def check_input(path: str) -> None:
    """Refuse (``UsageError``, one line naming the file) a plan file that is missing, a
    directory, unreadable or of an unknown format, before anything is scored."""
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a directory, not a plan file")
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{path}: cannot read (permission denied)")
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        raise UsageError(f"{path}: unknown format '{suffix}'; known: {', '.join(FORMATS)}")


def _progress(
    items: Iterable[Appraisal | TableError], stream: TextIO
) -> Iterator[Appraisal | TableError]:
    """``items`` unchanged; a count on ``stream`` every :data:`PROGRESS_EVERY` items when it
    is a terminal (a log or a pipe gets nothing)."""
    if not stream.isatty():
        yield from items
        return
    count = 0
    for count, item in enumerate(items, 1):
        if count % PROGRESS_EVERY == 0:
            print(f"\rscored {count}", end="", file=stream, flush=True)
        yield item
    if count >= PROGRESS_EVERY:
        print(f"\rscored {count}", file=stream, flush=True)


def _scored(
    items: Iterable[Plan | TableError], book: Rulebook, *, year: bool, trace: bool
) -> Iterator[Appraisal | TableError]:
    """Appraisals (or the reader's errors, passed through in place) of ``items``."""
    if not year:
        pending: list[Plan] = []
        for item in items:
            if isinstance(item, TableError):
                yield from appraise_many(pending, book, trace=trace)
                pending.clear()
                yield item
            else:
                pending.append(item)
                if len(pending) >= PROGRESS_EVERY:
                    yield from appraise_many(pending, book, trace=trace)
                    pending.clear()
        yield from appraise_many(pending, book, trace=trace)
        return
    by_employee: dict[str, list[Plan]] = defaultdict(list)
    errors: list[TableError] = []
    for item in items:
        if isinstance(item, TableError):
            errors.append(item)
        else:
            by_employee[str(item.employee.nip)].append(item)
    yield from errors
    for plans in by_employee.values():
        try:
            yield appraise_year(plans, book)
        except KinerjaError as exc:
            yield error_result(plans[-1], exc, book)


def _text(value: object) -> str:
    return "-" if value is None else str(value)


def _distribution(results: Sequence[Appraisal]) -> dict[str, Counter[str]]:
    units: dict[str, Counter[str]] = defaultdict(Counter)
    for a in results:
        units[a.unit][_text(a.predikat)] += 1
    return dict(sorted(units.items()))


def _has_curve(book: Rulebook) -> bool:
    return all(name in book for name in ("kurva_min", "kurva_maks", "anggota_kelompok"))


def check_unit_predikat(book: Rulebook, unit_predikat: str | None) -> None:
    """Refuse a ``--unit-predikat`` the rulebook's curve does not know, before any scoring
    (it was an uncaught BindingError after the whole file had been scored)."""
    if unit_predikat is None or not _has_curve(book):
        return
    try:
        book.label("predikat_unit", unit_predikat)
    except KinerjaError as exc:
        raise UsageError(f"--unit-predikat: {exc}") from None


def score(
    path: str, book: Rulebook, *, year: bool = False, out: str | None = None,
    explain: str | None = None, unit_predikat: str | None = None,
) -> int:  # fmt: skip
    """Score the plans of ``path`` and print the summary; 0, or 1 when any result is an error
    or the curve is broken."""
    check_input(path)
    if out is not None:
        check_output(out)
    counts: Counter[str] = Counter()
    units: dict[str, Counter[str]] = defaultdict(Counter)
    problems: list[str] = []
    curve = _has_curve(book) and unit_predikat is not None
    # Memory stays constant on a stream: counters, the error lines and (only for the curve
    # check, which needs every unit's appraisals) each appraisal without its trace.
    kept: dict[str, list[Appraisal]] = defaultdict(list)

    def keep(items: Iterable[Appraisal | TableError]) -> Iterator[Appraisal | TableError]:
        for item in items:
            if isinstance(item, TableError):
                counts["error"] += 1
                problems.append(f"error: {item}")
            else:
                counts[str(item.status)] += 1
                units[item.unit][_text(item.predikat)] += 1
                if item.status == "error":
                    problems.append(f"error: {item.plan_id} ({item.employee}): {item.error}")
                if explain:
                    print(item.explain(explain), end="\n\n")
                if curve:
                    kept[item.unit].append(item.model_copy(update={"trace": ()}))
            yield item

    stream = keep(
        # The rulebook's kinds are checked as the plans are read: an unknown kind is an error
        # naming its file, row and column, with a did-you-mean.
        _progress(
            _scored(read_plans(path, kinds=KindIndex(book)), book, year=year, trace=bool(explain)),
            sys.stderr,
        )
    )
    if out is not None:
        written = write_rows(iter_appraisal_records(stream), out, columns=appraisal_columns(book))
    else:
        written = None
        for _ in stream:
            pass
    for line in problems:
        print(line)
    errors = counts["error"]
    print(
        f"{path}: {counts.total()} results: {counts['complete']} complete, "
        f"{counts['incomplete']} incomplete, {errors} error{'s' * (errors != 1)}"
        + (f"; {written} records written to {out}" if out is not None else "")
    )
    for unit, dist in sorted(units.items()):
        print(f"  unit {unit}: " + ", ".join(f"{k} {v}" for k, v in sorted(dist.items())))
    broken = False
    if _has_curve(book):
        if unit_predikat is None:
            print("curve check: skipped (give --unit-predikat, the unit's own predikat)")
        else:
            for unit, members in sorted(kept.items()):
                report = check_distribution(unit_predikat, members, book)
                broken = broken or not report.ok
                state = "ok" if report.ok else f"{len(report.violations)} violated"
                print(f"curve check, unit {unit}: {state}")
                for v in report.violations:
                    print(f"  {v.rule} ({v.group}): {v.count} of {v.total}, employees "
                          f"{', '.join(v.employees) or '-'}")  # fmt: skip
    return 1 if errors or broken else 0


def check_output(out: str) -> None:
    """Refuse an output path of an unknown format or in a missing folder, before scoring."""
    suffix = os.path.splitext(out)[1].lower()
    if suffix not in FORMATS:
        raise UsageError(f"{out}: unknown output format '{suffix}'; known: {', '.join(FORMATS)}")
    folder = os.path.dirname(out) or "."
    if not os.path.isdir(folder):
        raise UsageError(f"{out}: no such folder {folder}")


#: The results compared by ``compare``: a change in any of them lists the employee.
COMPARED = ("nilai_hasil_kerja", "rating_hasil_kerja", "rating_perilaku", "predikat")


def changes(old: Appraisal, new: Appraisal) -> list[tuple[str, str, str]]:
    """``(what, before, after)`` for each compared result that differs between two
    appraisals of the same plan (status, ratings, predikat, each conversion)."""
    found = []
    pairs = [(field, getattr(old, field), getattr(new, field)) for field in ("status", *COMPARED)]
    keys = sorted(set(old.conversions) | set(new.conversions))
    pairs += [(key, old.conversions.get(key), new.conversions.get(key)) for key in keys]
    for what, a, b in pairs:
        # Values, not their text: result numbers compare by their exact value, so a change
        # beyond the printed places is still a change (and is then shown exactly).
        if a != b:
            before, after = _text(a), _text(b)
            if before == after:
                before, after = _exact_text(a), _exact_text(b)
            found.append((what, before, after))
    return found


def _exact_text(value: object) -> str:
    exact = getattr(value, "exact", None)
    return _text(value) if exact is None else str(exact)


def compare(path: str, old: Rulebook, new: Rulebook, *, year: bool = False) -> int:
    """Print which employees' results change from rulebook ``old`` to ``new`` and each unit's
    predikat distribution before and after; 0, or 1 when a plan could not be read."""
    check_input(path)
    items = list(read_plans(path))
    before = [a for a in _scored(items, old, year=year, trace=False) if isinstance(a, Appraisal)]
    after = [a for a in _scored(items, new, year=year, trace=False) if isinstance(a, Appraisal)]
    bad = [e for e in items if isinstance(e, TableError)]
    for e in bad:
        print(f"error: {e}")
    print(f"{path}: {len(before)} appraisals, '{old.name}' → '{new.name}'")
    changed = 0
    for a, b in zip(before, after, strict=True):
        found = changes(a, b)
        if found:
            changed += 1
            what = "; ".join(f"{k}: {x} → {y}" for k, x, y in found)
            print(f"changed {a.plan_id} {a.employee} ({a.employee_name}): {what}")
    print(f"{changed} of {len(before)} changed")
    dist_a, dist_b = _distribution(before), _distribution(after)
    for unit in sorted(set(dist_a) | set(dist_b)):
        print(f"unit {unit}:")
        keys = sorted(set(dist_a.get(unit, {})) | set(dist_b.get(unit, {})))
        for k in keys:
            x, y = dist_a.get(unit, Counter())[k], dist_b.get(unit, Counter())[k]
            print(f"  {k}: {x} → {y}")
    return 1 if bad else 0
