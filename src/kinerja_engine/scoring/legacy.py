"""The numeric stages of the legacy rulebooks (PP 46/2011, PermenPANRB 8/2021).

Input: a :class:`~kinerja_engine.scoring.context.Run` whose rulebook defines the numeric entry
points, and the RHK results the common stages computed. Output: per-indicator nilai
(``nilai_iki``), what an RHK tambahan adds (``nilai_tambahan``), and the
:class:`~kinerja_engine.scoring.Appraisal` finished the numeric way: the behaviour value from
its aspects (``nilai_perilaku``), the weighted total (``nilai_kinerja``) and the predikat read
from it (``predikat_nilai``). Guarantees: every number comes from a rulebook definition,
carried exactly; arguments are bound by parameter name (``skp``, ``perilaku``,
``penilaian_360``, ``ide_baru``, ``struktural``, ``nilai``, ``bobot``, ``capaian``), so a
rulebook takes only what it needs; behaviour aspects are checked against the rulebook's enum
``aspek_perilaku`` and its ``aspek_wajib`` (every required aspect scored, no other one); a
missing behaviour leaves the result incomplete, never 0.

Entry points (all in rulebook text): ``nilai_iki(capaian)`` (per indicator, when
``nilai_rhk`` names its first parameter ``nilai`` instead of ``capaian``),
``nilai_tambahan(nilai[, bobot])`` (optional, per RHK tambahan, when ``nilai_hasil_kerja``
takes ``tambahan``), ``nilai_perilaku(aspek: list)``, ``aspek_wajib(aspek, struktural)``
(optional), ``nilai_kinerja(skp, perilaku[, penilaian_360])`` and
``predikat_nilai(nilai[, ide_baru])``. A rulebook with the last two is scored this way.

Internal to :mod:`kinerja_engine.scoring`: call :func:`~kinerja_engine.scoring.appraise`.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> from kinerja_engine.scoring.context import Run
>>> is_numeric(Run(example_plan(), rulebooks.load("pp-46-2011")))
True
>>> is_numeric(Run(example_plan(), rulebooks.load("permenpanrb-6-2022")))
False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..errors import KinerjaError
from ..models import PositionCategory
from ..values import Label
from .context import Run
from .results import Appraisal, BandMatch, IndicatorResult, OverrideRecord, RhkResult
from .typed import AppraisalStatus

__all__ = [
    "adds_tambahan",
    "call_named",
    "finish",
    "indicator_values",
    "is_numeric",
    "predikat_band",
    "tambahan_value",
    "weighs_nilai",
]

# Structural officials (JPT, administrator, pengawas): the ones whose behaviour includes
# kepemimpinan (PP 46/2011 pasal 12; PermenPANRB 8/2021).
_STRUCTURAL = frozenset(
    {PositionCategory.JPT, PositionCategory.ADMINISTRATOR, PositionCategory.PENGAWAS}
)

# The band a numeric predikat is read from, for the explanation: the entry point itself when
# it is a band, else the band it delegates to under its usual names.
_PREDIKAT_BANDS = ("predikat_nilai", "predikat_dasar", "predikat")


def is_numeric(run: Run) -> bool:
    """Whether the rulebook reads the predikat from a number (``nilai_kinerja`` and
    ``predikat_nilai``) instead of the 6/2022 rating matrix (once per rulebook view)."""
    flags = run.info.flags
    flag = flags.get("numeric")
    if flag is None:
        flag = flags["numeric"] = run.has("nilai_kinerja") and run.has("predikat_nilai")
    return flag


def weighs_nilai(run: Run) -> bool:
    """Whether ``nilai_rhk`` takes the indicators' ``nilai`` (their ``nilai_iki``) rather than
    their ``capaian``: the parameter's name says which (once per rulebook view)."""
    flags = run.info.flags
    flag = flags.get("weighs_nilai")
    if flag is None:
        flag = flags["weighs_nilai"] = run.has("nilai_rhk") and run.info.signature("nilai_rhk")[
            :1
        ] == ("nilai",)
    return flag


def adds_tambahan(run: Run) -> bool:
    """Whether ``nilai_hasil_kerja`` takes the RHK tambahan apart (a ``tambahan`` parameter):
    then only RHK utama share the 100 % of weights (once per rulebook view)."""
    flags = run.info.flags
    flag = flags.get("adds_tambahan")
    if flag is None:
        flag = flags["adds_tambahan"] = run.has("nilai_hasil_kerja") and (
            "tambahan" in run.info.signature("nilai_hasil_kerja")
        )
    return flag


def call_named(run: Run, name: str, context: Mapping[str, Any]) -> Any:
    """Call definition ``name`` with its parameters bound by name from ``context``."""
    params = run.info.signature(name)
    missing = [p for p in params if p not in context]
    if missing:
        raise run.fail(
            f"rulebook '{run.book.name}': '{name}' takes {', '.join(missing)}, which the "
            f"pipeline does not provide (it provides {', '.join(sorted(context))})"
        )
    return run.call(name, *[context[p] for p in params])


def indicator_values(run: Run, results: Sequence[IndicatorResult]) -> list[IndicatorResult]:
    """Each counted indicator with its ``nilai`` on the rulebook's scale (``nilai_iki``)."""
    out = []
    for ind in results:
        if ind.capaian is None:
            out.append(ind)
            continue
        capaian = ind.capaian.exact  # the exact value, not the record's (rounded) Decimal
        nilai = call_named(run, "nilai_iki", {"capaian": capaian})
        # No band row here: the rulebook may round the capaian before its scale (8/2021 does),
        # so a row matched on the raw capaian could contradict the nilai shown.
        run.step("nilai_iki", ind.id, "nilai_iki", {"capaian": capaian}, nilai)
        out.append(ind.model_copy(update={"nilai": nilai}))
    return out


def tambahan_value(run: Run, rhk: RhkResult) -> Fraction:
    """What RHK tambahan ``rhk`` adds to the overall value (``nilai_tambahan``).

    When ``nilai_tambahan`` takes ``bobot``, the RHK's weight is that bobot: one not given in
    the plan is refused, never read as 0.
    """
    if "bobot" in run.info.signature("nilai_tambahan") and _plan_weight(run, rhk.id) is None:
        raise run.fail(
            f"RHK tambahan '{rhk.id}' needs a weight (its bobot lingkup penugasan, in %)"
        )
    assert rhk.nilai is not None
    context = {"nilai": rhk.nilai.exact, "bobot": rhk.weight.exact}
    value: Fraction = call_named(run, "nilai_tambahan", context)
    shown = {p: context[p] for p in run.info.signature("nilai_tambahan")}
    run.step("nilai_tambahan", rhk.id, "nilai_tambahan", shown, value)
    return value


def _plan_weight(run: Run, rhk_id: str) -> Fraction | None:
    return next(r.weight for r in run.plan.rhk if r.id == rhk_id)


def _behaviour(run: Run) -> Fraction | None:
    """The behaviour value from the aspect scores, or None when not yet assessed."""
    behaviour = run.plan.behaviour
    if behaviour is None:
        run.notes.append("nilai perilaku kerja belum ada")
        return None
    name = run.book.name
    if not behaviour.scores:
        raise run.fail(
            f"rulebook '{name}' scores behaviour by aspect: give behaviour.scores, "
            "a number per aspect of enum aspek_perilaku"
        )
    if "aspek_perilaku" not in run.book.checked.enums:
        raise run.fail(f"rulebook '{name}' has no enum 'aspek_perilaku'")
    given: dict[str, Fraction] = {}
    for text, value in behaviour.scores.items():
        try:
            label = run.info.resolve("aspek_perilaku", text, "behaviour aspect")
        except KinerjaError as exc:
            raise run.fail(exc.message) from exc
        if label.name in given:
            raise run.fail(f"behaviour aspect '{label}' is scored twice")
        given[label.name] = Fraction(value)
    struktural = run.plan.employee.position.category in _STRUCTURAL
    values: list[Fraction] = []
    inputs: dict[str, Any] = {}
    for member in run.book.checked.enums["aspek_perilaku"].members:
        required = (
            bool(run.call("aspek_wajib", member, struktural)) if run.has("aspek_wajib") else True
        )
        if required and member.name not in given:
            raise run.fail(f"behaviour aspect '{member}' is not scored")
        if not required and member.name in given:
            raise run.fail(
                f"behaviour aspect '{member}' is not scored for this position "
                f"({run.plan.employee.position.category.value})"
            )
        if required:
            values.append(given[member.name])
            inputs[member.name] = given[member.name]
    perilaku: Fraction = run.call("nilai_perilaku", tuple(values))
    run.step("nilai_perilaku", "", "nilai_perilaku", inputs, perilaku)
    return perilaku


def predikat_band(run: Run, nilai: Fraction) -> BandMatch | None:
    """The row of the rulebook's predikat band that ``nilai`` falls in (for the explanation;
    :mod:`.split` shows it for a split year too), or None without such a band."""
    for name in _PREDIKAT_BANDS:
        if run.has(name) and run.info.band_rows(name) is not None:
            return run.info.band_match(name, nilai)
    return None


def finish(
    run: Run, rhk_results: Sequence[RhkResult], nilai_hk: Fraction | None, incomplete: bool
) -> Appraisal:
    """The appraisal finished the numeric way: behaviour value, nilai kinerja, predikat."""
    plan = run.plan
    perilaku = _behaviour(run)
    behaviour = plan.behaviour
    nilai = predikat_rec = None
    if nilai_hk is not None and perilaku is not None and not incomplete:
        context: dict[str, Any] = {
            "skp": nilai_hk,
            "perilaku": perilaku,
            "penilaian_360": behaviour is not None and behaviour.rated_360,
            "ide_baru": behaviour is not None and behaviour.new_ideas,
            "struktural": plan.employee.position.category in _STRUCTURAL,
        }
        nilai = call_named(run, "nilai_kinerja", context)
        shown = {p: context[p] for p in run.info.signature("nilai_kinerja")}
        run.step("nilai_kinerja", "", "nilai_kinerja", shown, nilai)
        context["nilai"] = nilai
        predikat_rec = call_named(run, "predikat_nilai", context)
        shown = {p: context[p] for p in run.info.signature("predikat_nilai")}
        if run.tracing:
            run.step("predikat", "", "predikat_nilai", shown, predikat_rec,
                     band=predikat_band(run, nilai))  # fmt: skip
    predikat = predikat_rec
    applied: list[tuple[str, Any, Any, str]] = []
    for o in plan.overrides:
        # The predikat's own enum; before one is computed, the enum named predikat.
        enum = predikat_rec.enum if isinstance(predikat_rec, Label) else "predikat"
        if o.what.value != "predikat" or enum not in run.book.checked.enums:
            raise run.fail(
                f"rulebook '{run.book.name}' reads the predikat from a number: only an "
                "override of the predikat is possible"
            )
        predikat = run.override_predikat(o, predikat_rec, enum)
        applied.append(("predikat", predikat_rec, predikat, o.reason))
    complete = predikat is not None and not incomplete
    return Appraisal.build(
        plan_id=plan.id,
        employee=plan.employee.nip,
        employee_name=plan.employee.name,
        unit=plan.employee.unit,
        period=str(plan.period),
        status=AppraisalStatus.COMPLETE if complete else AppraisalStatus.INCOMPLETE,
        rhk=tuple(rhk_results),
        nilai_hasil_kerja=nilai_hk,
        predikat_rekomendasi=predikat_rec,
        predikat=predikat,
        overrides=tuple(applied),
        # Every override applied here is the predikat's (others are refused above).
        override_records=tuple(OverrideRecord.of(o) for o in plan.overrides),
        notes=tuple(run.notes),
        trace=tuple(run.trace),
        rulebook=run.info.label,
        nilai_perilaku=perilaku,
        nilai_kinerja=nilai,
        numeric=True,
    )
