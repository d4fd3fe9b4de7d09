"""Phase 4, score: typed plans in, explained appraisals out, driven by a rulebook.

Input: a :class:`~kinerja_engine.models.Plan` (the SKP with its realisations, behaviour rating
and overrides) and a :class:`~kinerja_engine.language.Rulebook`. Output: a frozen
:class:`Appraisal` with per-indicator and per-RHK breakdowns and a trace of every step.
Guarantees: every number comes from the rulebook's definitions, not from Python constants;
values are carried exactly (fractions) between stages and rounded only where the rulebook says
(display rounds to 2 places, half up); a missing realisation is "not yet reported", never 0;
nothing is read from the clock, the environment or files. ``exact_only=True`` runs every
definition on its exact (Fraction) implementation from cold caches (the reference path the
fast path must equal, result for result).

The rulebook entry points the pipeline calls (a rulebook lacking an optional one gets the
documented behaviour):

=============================  ===========================================================
``capaian_<kind>(realisasi, target)``  capaian of an indicator of that kind (or direction:
                                 ``higher``/``lower``); ``capaian_range(realisasi, lo, hi)``
``nilai_rhk(capaian, bobot)``    an RHK's value from its indicators' capaian and weights
``nilai_hasil_kerja(nilai, bobot)``  the overall value from the RHKs
``rating_hasil_kerja(nilai)``    optional band: the *recommended* rating; without it the
                                 evaluator's rating (an override) is required
``predikat_kinerja(hasil, perilaku)``  the matrix from the two ratings to the predikat
``konversi_*``                   conversions (allowance, credit points); their parameters
                                 are bound by name: predikat, nilai_hasil_kerja,
                                 rating_hasil_kerja, rating_perilaku, bulan, jenjang
``kebijakan_realisasi_kosong``   ``kebijakan_kosong.kecualikan`` or ``.tidak_lengkap``
``agregasi_tahunan``             the annual aggregation policy (enum ``agregasi``)
``nilai_iki(capaian)``           an indicator's value on the rulebook's scale, which
                                 ``nilai_rhk(nilai, bobot)`` weighs (PermenPANRB 8/2021)
``nilai_tambahan(nilai[, bobot])``  when ``nilai_hasil_kerja`` also takes ``tambahan``: what
                                 each RHK tambahan adds; only RHK utama share the 100 %
``nilai_kinerja``, ``predikat_nilai``  a numeric predikat (PP 46/2011, PermenPANRB 8/2021),
                                 with ``nilai_perilaku`` over ``behaviour.scores``; see
                                 :mod:`kinerja_engine.scoring.legacy`
=============================  ===========================================================

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> book = rulebooks.load("permenpanrb-6-2022").extend(
...     'rulebook "lokal" band rating_hasil_kerja(nilai) {'
...     '[100, inf) -> rating.di_atas, [80, 100) -> rating.sesuai, (-inf, 80) -> rating.di_bawah}'
...     ' param kebijakan_realisasi_kosong = kebijakan_kosong.kecualikan')
>>> result = appraise(example_plan(), book)
>>> from kinerja_engine.formatting import format_number
>>> format_number(result.nilai_hasil_kerja, "id", 2), str(result.rating_hasil_kerja_rekomendasi)
('83,33', 'Sesuai Ekspektasi')
>>> result.status, result.notes[0]
('incomplete', 'realisasi belum dilaporkan: dikecualikan, bobot dinormalkan ulang')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ..arguments import require, require_callable, require_optional
from ..errors import KinerjaError, ModelError, UsageError
from ..language.formula import Rulebook
from ..models import Plan
from ..models.plan import check_numbers
from .carry import clear_number_caches
from .context import Run, clear_view_cache, rulebook_label, rulebook_view
from .lane import lane_of
from .results import Appraisal
from .stages import score_run
from .typed import AppraisalStatus

_ERROR = AppraisalStatus.ERROR

__all__ = [
    "appraise",
    "appraise_many",
    "check_rulebook",
    "check_stream",
    "clear_caches",
    "error_result",
]


def clear_caches() -> None:
    """Forget every per-process cache of the scoring phase (rulebook look-ups, converted
    numbers, equal weights): results never depend on them, and a cold start proves it.

    >>> clear_caches()
    """
    clear_view_cache()
    clear_number_caches()


def appraise(
    plan: Plan,
    rulebook: Rulebook,
    *,
    unit_rating: str | None = None,
    trace: bool = True,
    exact_only: bool = False,
) -> Appraisal:
    """Score one plan with a rulebook: the one obvious entry point.

    ``unit_rating`` is the unit's own result, which becomes the Rating Hasil Kerja of an
    employee who heads the unit. Raises :class:`~kinerja_engine.errors.KinerjaError` naming
    the employee when the plan cannot be scored.

    ``rulebook`` is a :class:`Rulebook`; a rulebook's name is refused with a
    :class:`~kinerja_engine.errors.UsageError` naming the parameter (scoring reads no files:
    load it once with ``kinerja_engine.rulebooks.load(name)``). A plan whose numbers were
    never validated (changed with ``model_copy``) is refused with a
    :class:`~kinerja_engine.errors.ModelError` naming the field.

    ``trace=False`` skips the step-by-step trace (the batch path, about a third faster): every
    value, rating, conversion and note is the same, ``trace`` is empty, and an explanation
    lacks the band row chosen. Appraise the one plan again with a trace to explain it.

    ``exact_only=True`` is the reference path, slow on purpose: every rulebook definition runs
    on its exact (Fraction) implementation, and the scoring caches are emptied before and
    after, so nothing carries over from other plans. The result equals the default one.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> book = rulebooks.load("permenpanrb-6-2022")
    >>> full, bare = appraise(example_plan(), book), appraise(example_plan(), book, trace=False)
    >>> len(full.trace) > 0, bare.trace, bare == full.model_copy(update={"trace": ()})
    (True, (), True)
    >>> appraise(example_plan(), book, exact_only=True) == full
    True
    """
    if not isinstance(plan, Plan):
        raise UsageError(f"appraise() needs a Plan, got {type(plan).__name__}")
    check_rulebook(rulebook, "appraise")
    check_numbers(plan)
    require_optional(unit_rating, str, "appraise", "unit_rating")
    require(trace, bool, "appraise", "trace")
    require(exact_only, bool, "appraise", "exact_only")
    return _appraise_checked(plan, rulebook, unit_rating, trace, exact_only)


def _appraise_checked(
    plan: Plan,
    rulebook: Rulebook,
    unit_rating: str | None,
    trace: bool,
    exact_only: bool,
    lane: bool = True,
) -> Appraisal:
    """:func:`appraise` once its arguments (and the plan's numbers) are checked; ``lane``:
    whether to try the batch lane first (False: the caller already did)."""
    if lane and not (trace or exact_only) and unit_rating is None:
        # The common case in one pass (the batch path); None: the stages score it.
        found = lane_of(rulebook_view(rulebook)).score(plan)
        if found is not None:
            return found
    if exact_only:
        clear_caches()
    run = Run(plan, rulebook, trace, exact_only=exact_only)
    try:
        return score_run(run, unit_rating=unit_rating)
    except KinerjaError as exc:
        if exc.message.startswith("employee "):
            raise
        raise run.fail(exc.message) from exc
    finally:
        if exact_only:
            clear_caches()


def check_rulebook(rulebook: object, func: str) -> Rulebook:
    """``rulebook`` if it is a :class:`Rulebook`, else a UsageError naming ``func``'s parameter.

    A rulebook's name is refused too, not loaded: scoring reads no files, and the caller
    says which rulebook (``kinerja_engine.rulebooks.load(name)``) once, not per plan.

    >>> check_rulebook("permenpanrb-6-2022", "appraise")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: appraise(): parameter 'rulebook' must be Rulebook, got str
      hint: load it first: kinerja_engine.rulebooks.load('permenpanrb-6-2022')
    """
    hint = None
    if isinstance(rulebook, str):
        hint = f"load it first: kinerja_engine.rulebooks.load({rulebook[:60]!r})"
    return require(rulebook, Rulebook, func, "rulebook", hint=hint)


def check_stream(plans: object, func: str) -> None:
    """Refuse a ``plans`` argument that is not an iterable of plans (a text, a mapping, a
    single plan, or no iterable at all) with a UsageError naming ``func``'s parameter."""
    if isinstance(plans, str | bytes | Mapping | Plan) or not isinstance(plans, Iterable):
        raise UsageError(
            f"{func}(): parameter 'plans' must be an iterable of Plan or mappings, "
            f"got {type(plans).__name__}"
        )


def error_result(item: Any, exc: KinerjaError, rulebook: Rulebook) -> Appraisal:
    """The error result of a plan (a model or raw data) that could not be validated or scored.

    It names the employee when the plan does, and always the rulebook: an error report says
    which rules refused the plan.

    >>> from kinerja_engine import rulebooks
    >>> book = rulebooks.load("gajahmungkur")
    >>> result = error_result({"id": "skp-1"}, KinerjaError("no employee"), book)
    >>> result.status, result.plan_id, result.error
    ('error', 'skp-1', 'no employee')
    """
    label = rulebook_label(rulebook)
    if isinstance(item, Plan):
        return Appraisal.build(item.id, item.employee.nip, item.employee.name, item.employee.unit,
                         str(item.period), _ERROR, error=exc.message, rulebook=label)  # fmt: skip
    employee = exc.employee if isinstance(exc, ModelError) and exc.employee else "?"
    plan_id = str(item.get("id", "?")) if isinstance(item, Mapping) else "?"
    return Appraisal.build(plan_id, employee, "", "", "", _ERROR, error=exc.message, rulebook=label)


def appraise_many(
    plans: Iterable[Plan | Mapping[str, Any]],
    rulebook: Rulebook,
    *,
    on_progress: Callable[[int], None] | None = None,
    trace: bool = True,
    exact_only: bool = False,
) -> Iterator[Appraisal]:
    """Score a stream of plans (models or raw dicts), lazily: an iterator in, an iterator out.

    A plan that fails validation or scoring yields an ``Appraisal`` with ``status="error"``
    naming the employee and the problem; it never stops or alters the others. ``trace`` and
    ``exact_only`` as in :func:`appraise`.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> results = appraise_many([example_plan(), {"id": "x"}], rulebooks.load("gajahmungkur"))
    >>> [r.status for r in results]
    ['incomplete', 'error']
    """
    # Arguments are checked now, not when the first result is asked for.
    check_stream(plans, "appraise_many")
    check_rulebook(rulebook, "appraise_many")
    require_callable(on_progress, "appraise_many", "on_progress")
    require(trace, bool, "appraise_many", "trace")
    require(exact_only, bool, "appraise_many", "exact_only")
    return _appraise_stream(plans, rulebook, on_progress, trace, exact_only)


def _appraise_stream(
    plans: Iterable[Plan | Mapping[str, Any]],
    rulebook: Rulebook,
    on_progress: Callable[[int], None] | None,
    trace: bool,
    exact_only: bool,
) -> Iterator[Appraisal]:
    # The batch lane (one pass for the common case) when no trace is kept: found once for
    # the stream. It checks each plan's numbers as it reads them.
    lane = None
    if not (trace or exact_only):
        try:
            lane = lane_of(rulebook_view(rulebook))
        except KinerjaError:  # the stages refuse each plan with it, as without the lane
            lane = None
    for count, item in enumerate(plans, 1):
        plan: Plan | None = None
        try:
            plan = item if isinstance(item, Plan) else Plan.model_validate(item)
            result = None if lane is None else lane.score(plan)
            if result is None:
                # appraise_many checked the other arguments once, for the whole stream; the
                # numbers are checked per plan (a plan changed with model_copy is refused).
                check_numbers(plan)
                result = _appraise_checked(plan, rulebook, None, trace, exact_only, lane=False)
        except KinerjaError as exc:
            # Once validated, the plan names its employee even when scoring fails.
            result = error_result(item if plan is None else plan, exc, rulebook)
        yield result
        if on_progress is not None:
            on_progress(count)
