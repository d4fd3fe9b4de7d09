"""Batch scoring at national scale: a stream of plans in, a summary out, memory flat.

Input: an iterable of plans (models or raw dicts, as :func:`~kinerja_engine.scoring.appraise_many`
takes) and a rulebook; or, for partitioned runs, a rulebook *name or text* plus the ranges of a
synthetic workforce. Output: a :class:`BatchSummary` (counts by status and predikat, errors,
and the per-unit distribution checks), while each :class:`~kinerja_engine.scoring.Appraisal`
is handed to an optional callback and then dropped. Guarantees:

- **flat memory**: nothing is kept per employee beyond the unit being checked; with
  ``grouped=True`` (plans arrive unit by unit, as the synthetic generator and most HR exports
  give them) a unit is checked and forgotten as soon as the next one starts;
- **same pure functions everywhere**: one process, several processes or a Dask cluster
  (:mod:`kinerja_engine.batch.dask`) all run :func:`score_partition` → :func:`score_batch` →
  ``appraise_many``; summaries merge exactly (:meth:`BatchSummary.merge`), so a partitioned
  run equals a single-process one;
- **a reference to compare with**: :func:`appraise_reference` scores one record on the exact
  path only (``appraise_many(..., exact_only=True)``), what the fast path must equal.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.batch.synthetic import generate_plans, unit_predikat
>>> seen = []
>>> summary = score_batch(generate_plans(200, seed=1), rulebooks.load("gajahmungkur"),
...                       unit_predikat=unit_predikat, on_progress=seen.append,
...                       progress_every=100)
>>> summary.count, seen, summary.units == len(summary.unit_reports)
(200, [100, 200], True)
>>> summary == score_partition(0, 200, seed=1, rulebook="gajahmungkur")
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ..arguments import require, require_callable
from ..errors import UsageError, shown
from ..language.formula import Rulebook
from ..models import Plan
from ..scoring import Appraisal, DistributionReport, appraise_many, check_distribution
from ..scoring.pipeline import check_rulebook, check_stream

__all__ = [
    "BatchSummary",
    "UnitSummary",
    "appraise_reference",
    "check_generation",
    "check_unit_predikat",
    "load_rulebook",
    "score_batch",
    "score_partition",
    "unit_predikat_of",
    "workforce_partitions",
]

#: Errors kept verbatim in a summary (the rest are only counted).
MAX_ERRORS_KEPT: Final = 100

UnitPredikat = Mapping[str, str] | Callable[[str], str | None] | str | None


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """The distribution check of one unit, reduced to what a national report needs."""

    unit: str
    unit_predikat: str
    total: int
    counts: tuple[tuple[str, int], ...]
    violations: tuple[str, ...]
    skipped: int

    @property
    def ok(self) -> bool:
        """True when the unit meets every rule of the distribution curve."""
        return not self.violations


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch run found: counts, errors and the per-unit distribution checks.

    ``unit_reports`` keeps one small :class:`UnitSummary` per checked unit (no employee
    lists), in input order. Two summaries of consecutive parts :meth:`merge` into the summary
    of the whole.
    """

    count: int = 0
    status: tuple[tuple[str, int], ...] = ()
    predikat: tuple[tuple[str, int], ...] = ()
    errors: int = 0
    first_errors: tuple[tuple[str, str], ...] = ()
    units: int = 0
    units_violating: int = 0
    unit_reports: tuple[UnitSummary, ...] = field(default=(), repr=False)

    def merge(self, other: BatchSummary) -> BatchSummary:
        """The summary of this part followed by ``other``.

        >>> a = BatchSummary(count=2, status=(("complete", 2),))
        >>> a.merge(BatchSummary(count=1, status=(("error", 1),))).status
        (('complete', 2), ('error', 1))
        """
        return BatchSummary(
            count=self.count + other.count,
            status=_add_counts(self.status, other.status),
            predikat=_add_counts(self.predikat, other.predikat),
            errors=self.errors + other.errors,
            first_errors=(self.first_errors + other.first_errors)[:MAX_ERRORS_KEPT],
            units=self.units + other.units,
            units_violating=self.units_violating + other.units_violating,
            unit_reports=self.unit_reports + other.unit_reports,
        )

    def violation_counts(self) -> dict[str, int]:
        """How many units break each rule of the curve, most frequent first."""
        counts: dict[str, int] = {}
        for unit in self.unit_reports:
            for rule in unit.violations:
                counts[rule] = counts.get(rule, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _add_counts(
    a: tuple[tuple[str, int], ...], b: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    total = dict(a)
    for key, n in b:
        total[key] = total.get(key, 0) + n
    return tuple(sorted(total.items()))


def check_unit_predikat(source: object, caller: str = "score_batch") -> None:
    """Refuse a ``unit_predikat`` that is not text, a mapping, a function or None now, not
    at the end of the first unit (``caller`` names the function in the message).

    >>> check_unit_predikat({"u": "baik"})
    >>> check_unit_predikat(12345)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: score_batch(): parameter 'unit_predikat' must be ...
    """
    if source is None or isinstance(source, str | Mapping) or callable(source):
        return
    raise UsageError(
        f"{caller}(): parameter 'unit_predikat' must be a predikat_unit text, a mapping "
        f"of unit id to text, a function of the unit id, or None; got {type(source).__name__}"
    )


def unit_predikat_of(source: UnitPredikat, unit: str, caller: str = "score_batch") -> str | None:
    """The predikat of ``unit`` that ``source`` gives (text, mapping or function), or None.

    >>> unit_predikat_of({"u": "baik"}, "u"), unit_predikat_of(lambda u: None, "u")
    ('baik', None)
    """
    if source is None or isinstance(source, str):
        return source
    found = source.get(unit) if isinstance(source, Mapping) else source(unit)
    if found is None or isinstance(found, str):
        return found
    raise UsageError(
        f"{caller}(): unit_predikat of unit {unit!r} must be a predikat_unit text or None, "
        f"got {type(found).__name__}"
    )


class _Collector:
    """Running counts plus the members of the unit(s) not yet checked."""

    def __init__(
        self,
        book: Rulebook,
        unit_predikat: UnitPredikat,
        grouped: bool,
        on_unit: Callable[[str, DistributionReport], None] | None,
    ) -> None:
        self.book = book
        self.unit_predikat = unit_predikat
        self.grouped = grouped
        self.on_unit = on_unit
        self.count = 0
        self.status: dict[str, int] = {}
        self.predikat: dict[str, int] = {}
        self.errors = 0
        self.first_errors: list[tuple[str, str]] = []
        self.pending: dict[str, list[Appraisal]] = {}
        self.units: list[UnitSummary] = []
        self.check = unit_predikat is not None and "kelompok" in book.checked.enums

    def add(self, result: Appraisal) -> None:
        self.count += 1
        self.status[result.status] = self.status.get(result.status, 0) + 1
        if result.predikat is not None:
            text = result.predikat.text
            self.predikat[text] = self.predikat.get(text, 0) + 1
        if result.error is not None:
            self.errors += 1
            if len(self.first_errors) < MAX_ERRORS_KEPT:
                self.first_errors.append((result.plan_id, result.error))
        if not self.check or not result.unit:
            return
        if self.grouped and self.pending and result.unit not in self.pending:
            for unit in list(self.pending):
                self.flush(unit)
        # Only what check_distribution reads is kept: the NIP and the predikat.
        slim = Appraisal.build(
            result.plan_id,
            result.employee,
            "",
            result.unit,
            "",
            result.status,
            predikat=result.predikat,
        )
        self.pending.setdefault(result.unit, []).append(slim)

    def flush(self, unit: str) -> None:
        members = self.pending.pop(unit)
        predikat = unit_predikat_of(self.unit_predikat, unit)
        if predikat is None:
            return
        report = check_distribution(predikat, members, self.book)
        if self.on_unit is not None:
            self.on_unit(unit, report)
        self.units.append(
            UnitSummary(
                unit,
                str(report.unit_predikat),
                report.total,
                tuple((k, v) for k, v in report.counts.items() if v),
                tuple(v.rule for v in report.violations),
                len(report.skipped),
            )
        )

    def summary(self) -> BatchSummary:
        for unit in list(self.pending):
            self.flush(unit)
        return BatchSummary(
            count=self.count,
            status=tuple(sorted(self.status.items())),
            predikat=tuple(sorted(self.predikat.items())),
            errors=self.errors,
            first_errors=tuple(self.first_errors),
            units=len(self.units),
            units_violating=sum(1 for u in self.units if not u.ok),
            unit_reports=tuple(self.units),
        )


def score_batch(
    plans: Iterable[Plan | Mapping[str, Any]],
    rulebook: Rulebook,
    *,
    unit_predikat: UnitPredikat = None,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
    on_result: Callable[[Appraisal], None] | None = None,
    on_unit: Callable[[str, DistributionReport], None] | None = None,
    grouped: bool = True,
    trace: bool = False,
) -> BatchSummary:
    """Score a stream of plans; return the summary, never the list of results.

    ``unit_predikat`` gives each unit's own predikat (one text for all, a mapping or a function
    of the unit id); with it, every unit's employees are checked against the rulebook's
    distribution curve at the end of the unit (``grouped=True``: plans arrive unit by unit)
    or of the stream (``grouped=False``: members are kept, two short strings each, until the
    end). ``on_progress(n)`` is called every ``progress_every`` plans and once at the end;
    ``on_result`` sees every appraisal (to export it), ``on_unit`` every full unit report.
    A plan that cannot be scored counts as an error result; it never stops the batch.
    The appraisals carry no trace unless ``trace=True`` (see
    :func:`~kinerja_engine.scoring.appraise`): a summary does not need one, and an exporter
    that does can ask for it.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.batch.synthetic import generate_plans
    >>> s = score_batch(generate_plans(50, seed=2), rulebooks.load("gajahmungkur"))
    >>> s.count, sum(n for _, n in s.status), s.units
    (50, 50, 0)
    """
    check_stream(plans, "score_batch")
    check_rulebook(rulebook, "score_batch")
    check_unit_predikat(unit_predikat)
    for name, callback in (("on_progress", on_progress), ("on_result", on_result),
                           ("on_unit", on_unit)):  # fmt: skip
        require_callable(callback, "score_batch", name)
    require(progress_every, int, "score_batch", "progress_every")
    require(grouped, bool, "score_batch", "grouped")
    require(trace, bool, "score_batch", "trace")
    if progress_every < 1:
        raise UsageError("progress_every must be at least 1")
    collector = _Collector(rulebook, unit_predikat, grouped, on_unit)
    count = 0
    for result in appraise_many(plans, rulebook, trace=trace):
        collector.add(result)
        if on_result is not None:
            on_result(result)
        count += 1
        if on_progress is not None and count % progress_every == 0:
            on_progress(count)
    if on_progress is not None and count % progress_every != 0:
        on_progress(count)
    return collector.summary()


def load_rulebook(name_or_text: str) -> Rulebook:
    """A bundled rulebook by name, or one parsed from text, once per process.

    Compiled rulebooks hold generated code and do not pickle; partitioned runs send the name
    or the text and each worker process loads it here once.

    >>> load_rulebook("gajahmungkur") is load_rulebook("gajahmungkur")
    True
    """
    require(name_or_text, str, "load_rulebook", "name_or_text")
    return _load_cached(name_or_text)


@functools.lru_cache(maxsize=8)
def _load_cached(name_or_text: str) -> Rulebook:
    from .. import rulebooks  # noqa: PLC0415 - keeps the batch module's import light

    return rulebooks.load(name_or_text)


def _book(rulebook: Rulebook | str, func: str) -> Rulebook:
    if isinstance(rulebook, str):
        return load_rulebook(rulebook)
    return check_rulebook(rulebook, func)


def score_partition(
    start: int,
    stop: int,
    *,
    seed: int = 0,
    rulebook: Rulebook | str = "gajahmungkur",
    period: str = "2026-Q1",
    fault_rate: float = 0.0005,
) -> BatchSummary:
    """Generate employees ``start`` … ``stop - 1`` of the synthetic workforce and score them.

    The unit of work of every partitioned run (processes, Dask). Units never cross a block
    of :data:`~kinerja_engine.batch.synthetic.BLOCK` employees, so partitions on block boundaries
    check each unit whole.

    >>> score_partition(0, 10, seed=5).count
    10
    """
    from .synthetic import generate_plans, unit_predikat  # noqa: PLC0415 - a leaf module

    for name, value in (("start", start), ("stop", stop)):
        require(value, int, "score_partition", name)
    check_generation("score_partition", seed, period, fault_rate)
    book = _book(rulebook, "score_partition")
    plans = generate_plans(stop, seed=seed, start=start, period=period, fault_rate=fault_rate)
    return score_batch(plans, book, unit_predikat=unit_predikat)


def check_generation(func: str, seed: object, period: object, fault_rate: object) -> None:
    """Refuse a wrong ``seed`` (int), ``period`` (text) or ``fault_rate`` (a number within
    [0, 1]) of a synthetic-workforce run with a UsageError naming ``func``'s parameter.

    >>> check_generation("score_partition", 0, "2026-Q1", 2)
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: score_partition(): fault_rate must be within [0, 1], got 2
    """
    if require(seed, int, func, "seed").bit_length() > 256:  # it becomes text in each key
        raise UsageError(f"{func}(): parameter 'seed' must be under 2**256 in size")
    require(period, str, func, "period")
    rate: float = require(fault_rate, (float, int), func, "fault_rate")
    if not 0 <= rate <= 1:  # also refuses NaN
        raise UsageError(f"{func}(): fault_rate must be within [0, 1], got {shown(rate)}")


def workforce_partitions(count: int, parts: int) -> list[tuple[int, int]]:
    """Split ``count`` employees into about ``parts`` ranges on block boundaries.

    >>> workforce_partitions(2500, 2)
    [(0, 2000), (2000, 2500)]
    """
    from .synthetic import BLOCK  # noqa: PLC0415

    require(count, int, "workforce_partitions", "count")
    require(parts, int, "workforce_partitions", "parts")
    if count < 0 or parts < 1:
        raise UsageError("workforce_partitions() needs count >= 0 and parts >= 1")
    blocks = -(-count // BLOCK)
    per = max(1, -(-blocks // parts))
    return [(b * BLOCK, min((b + per) * BLOCK, count)) for b in range(0, blocks, per)]


# --------------------------------------------------------------------------- reference


def appraise_reference(record: Mapping[str, Any], rulebook: Rulebook) -> Appraisal:
    """The reference path, slow on purpose: what the fast path must equal, result for result.

    Full validation of JSON-ready data (``Plan.model_validate``), every rulebook definition
    run on its exact (Fraction) implementation, and the pipeline's shared caches emptied
    first, so nothing carries over from other plans: ``appraise_many`` with
    ``exact_only=True``. Errors become error results as
    :func:`~kinerja_engine.scoring.appraise_many` makes them.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.scoring import appraise
    >>> from kinerja_engine.batch.synthetic import generate_plans, generate_records
    >>> book = rulebooks.load("gajahmungkur")
    >>> appraise_reference(next(generate_records(1)), book) == appraise(
    ...     next(generate_plans(1)), book)
    True
    """
    check_rulebook(rulebook, "appraise_reference")
    return next(appraise_many([record], rulebook, exact_only=True))
