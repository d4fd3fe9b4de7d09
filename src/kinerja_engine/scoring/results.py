"""The results of the scoring phase: what an appraisal found, exact and structured.

Input: the values the pipeline computed (Fractions, labels, the plan's identifiers). Output:
frozen pydantic records (:class:`Appraisal`, :class:`RhkResult`, :class:`IndicatorResult`,
:class:`Step` of the trace, :class:`BandMatch` for a band row chosen, :class:`OverrideRecord`)
with a published JSON Schema (``Appraisal.model_json_schema()``) and their JSON forms.
Guarantees: numbers are :class:`~.number.Number` Decimals that keep their exact value (the
trace's stay Fractions); the typed JSON
(``model_dump_json``) writes each as exact text (a decimal, or ``p/q`` when it does not
terminate, see :mod:`.typed`) and reads back equal (``model_validate_json``); the 0.1 JSON
(:meth:`Appraisal.to_dict`) writes 34 significant digits; neither JSON carries the trace
unless asked (``trace=True``). The pipeline builds records with ``build`` (no validation);
validation happens at the edges. A band row is carried as numbers, never as text made at
scoring time.

>>> from fractions import Fraction
>>> match = BandMatch(Fraction(9474, 100), Fraction(90), True, Fraction(110), False)
>>> match.text("en"), match.text("id")
('94.74 ∈ [90, 110)', '94,74 ∈ [90, 110)')
>>> json_value((Fraction(1, 4), Label("rating", "sesuai", "Sesuai Ekspektasi")))
['0.25', {'enum': 'rating', 'name': 'sesuai', 'text': 'Sesuai Ekspektasi'}]
>>> BandMatch.model_validate_json(match.model_dump_json()) == match
True
>>> from datetime import date
>>> OverrideRecord("predikat", "baik", "198001012005011002", date(2026, 12, 20)).on
datetime.date(2026, 12, 20)
>>> BandMatch.build(Fraction(1, 3), None, False, None, False).model_dump_json()
'{"value":"1/3","lo":null,"lo_closed":false,"hi":null,"hi_closed":false}'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

from pydantic import Field

from ..arguments import require
from ..errors import UsageError
from ..io.records import appraisal_records, indicator_records, to_frame
from ..models import Override, TargetRange
from ..values import Label
from .carry import to_public
from .display import appraisal_html, appraisal_repr
from .explain import format_band_match, render
from .typed import AppraisalStatus, Exact, IndicatorStatus, Record, ResultValue, TraceValue

__all__ = [
    "Appraisal",
    "BandMatch",
    "IndicatorResult",
    "OverrideRecord",
    "RhkResult",
    "Step",
    "json_value",
]


def json_value(value: Any) -> Any:
    """A result value in JSON-ready form: numbers as decimal strings, labels as objects."""
    if isinstance(value, Fraction | Decimal):
        return str(to_public(Fraction(value)))
    if isinstance(value, Label):
        return {"enum": value.enum, "name": value.name, "text": value.text}
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, TargetRange):
        return {"lo": json_value(value.lo), "hi": json_value(value.hi)}
    return value


class BandMatch(Record):
    """A value and the row of a band table it fell in: ``lo``/``hi`` None for no bound."""

    value: Exact
    lo: Exact | None
    lo_closed: bool
    hi: Exact | None
    hi_closed: bool

    def text(self, lang: str = "id") -> str:
        """``value ∈ row`` in ``lang``; the value never reads as outside the row."""
        lo, hi = (None if end is None else end.exact for end in (self.lo, self.hi))
        return format_band_match(self.value.exact, lo, self.lo_closed, hi, self.hi_closed, lang)


class Step(Record):
    """One step of the trace: what was computed, by which rule, from what, giving what.

    ``note`` records the matrix cell chosen, a cap that bit, or a policy applied; ``band`` the
    band row chosen, as numbers. :attr:`detail` is either, as text.
    """

    what: str
    subject: str
    rule: str
    inputs: Mapping[str, TraceValue]
    result: TraceValue
    note: str = ""
    band: BandMatch | None = None

    @property
    def detail(self) -> str:
        """The band row chosen (in Indonesian, as the trace is recorded) or the note."""
        return self.detail_text("id")

    def detail_text(self, lang: str = "id") -> str:
        """The band row chosen, rendered in ``lang``, or the note."""
        return self.note if self.band is None else self.band.text(lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the step."""
        return {
            "what": self.what,
            "subject": self.subject,
            "rule": self.rule,
            "inputs": json_value(dict(self.inputs)),
            "result": json_value(self.result),
            "detail": self.detail,
        }


class IndicatorResult(Record):
    """The outcome of one indicator (IKI). ``status``: reported, not_reported, not_applicable.

    ``nilai`` is the indicator's value on the rulebook's scale when it has one (the nilai
    capaian IKI of PermenPANRB 8/2021, entry point ``nilai_iki``); None otherwise. A
    qualitative indicator (its kind takes labels) has its realisasi as ``realisasi_label``
    (a label of the kind's enum; ``realisasi`` is then None) and its target as a label.
    """

    id: str
    name: str
    unit_of_measure: str
    direction: str
    target: ResultValue
    realisasi: Exact | None
    status: IndicatorStatus
    capaian: Exact | None
    weight: Exact
    rule: str
    capped_from: Exact | None = None
    nilai: Exact | None = None
    realisasi_label: ResultValue = None

    @property
    def counted(self) -> bool:
        """Whether the indicator entered the RHK value."""
        return self.capaian is not None


class RhkResult(Record):
    """The outcome of one RHK: its weighted value and its indicators.

    ``nilai_tambahan`` is what an RHK of kind tambahan adds to the overall value when the
    rulebook adds them apart (entry point ``nilai_tambahan``); None otherwise.
    """

    id: str
    description: str
    kind: str
    weight: Exact
    nilai: Exact | None
    indicators: tuple[IndicatorResult, ...]
    nilai_tambahan: Exact | None = None


class OverrideRecord(Record):
    """Who overrode what, when, and why: ``by`` is the evaluator's NIP, ``on`` the date."""

    what: str
    reason: str
    by: str | None = None
    on: date | None = None

    @classmethod
    def of(cls, override: Override) -> OverrideRecord:
        """The record of a plan's override (its target, reason, evaluator and date)."""
        return cls.build(override.what.value, override.reason, override.by, override.on)


class Appraisal(Record):
    """An explained appraisal of one plan. ``status``: complete, incomplete or error
    (:class:`~.typed.AppraisalStatus`, equal to its text).

    Numbers are :class:`~.number.Number` Decimals: exact, or half up to
    :data:`~.number.DECIMAL_PLACES` places with the exact Fraction in ``.exact`` (use it for
    exact arithmetic); :meth:`to_dict` and :meth:`model_dump_json` give exact text.
    Recommendations and the final values after overrides are both kept. Two appraisals are
    equal when their findings are: the trace (how they were found) is not compared, so one
    read back from JSON without its trace equals the original.

    Under a numeric legacy rulebook (PP 46/2011, PermenPANRB 8/2021) ``nilai_hasil_kerja`` is
    the nilai SKP, ``nilai_perilaku`` the behaviour value from its aspects and
    ``nilai_kinerja`` the weighted total the predikat is read from; the ratings stay None
    and ``numeric`` is True.
    """

    plan_id: str
    employee: str
    employee_name: str
    unit: str
    period: str
    status: AppraisalStatus
    rhk: tuple[RhkResult, ...] = ()
    nilai_hasil_kerja: Exact | None = None
    rating_hasil_kerja_rekomendasi: Label | None = None
    rating_hasil_kerja: Label | None = None
    rating_perilaku: Label | None = None
    predikat_rekomendasi: Label | None = None
    predikat: Label | None = None
    overrides: tuple[tuple[str, ResultValue, ResultValue, str], ...] = ()
    conversions: Mapping[str, ResultValue] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()
    trace: tuple[Step, ...] = ()
    error: str | None = None
    rulebook: str = ""
    nilai_perilaku: Exact | None = None
    nilai_kinerja: Exact | None = None
    numeric: bool = False
    #: One record per applied override, in the order of :attr:`overrides`: who and when.
    override_records: tuple[OverrideRecord, ...] = ()
    #: Periods of the year without a plan (an annual appraisal only), e.g. ``("2026-Q4",)``.
    missing_periods: tuple[str, ...] = ()

    _untraced: ClassVar[Mapping[str, Any]] = {"trace": True}

    @property
    def ok(self) -> bool:
        """False for an error result."""
        return self.status != "error"

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of one indicator by id."""
        require(indicator_id, str, "Appraisal.indicator", "indicator_id")
        for rhk in self.rhk:
            for ind in rhk.indicators:
                if ind.id == indicator_id:
                    return ind
        raise UsageError(f"appraisal {self.plan_id} has no indicator '{indicator_id}'")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready structure: every number as a decimal string, labels as objects.

        The values of the numeric legacy rulebooks (``nilai`` of an indicator,
        ``nilai_tambahan`` of an RHK, ``nilai_perilaku`` and ``nilai_kinerja``) appear only
        when present, so the JSON of other appraisals is unchanged.
        """
        data = self._base_dict()
        if self.numeric:
            data["numeric"] = True
        legacy = {"nilai_perilaku": self.nilai_perilaku, "nilai_kinerja": self.nilai_kinerja}
        data.update({k: json_value(v) for k, v in legacy.items() if v is not None})
        for rhk, out in zip(self.rhk, data["rhk"], strict=True):
            if rhk.nilai_tambahan is not None:
                out["nilai_tambahan"] = json_value(rhk.nilai_tambahan)
            for ind, ind_out in zip(rhk.indicators, out["indicators"], strict=True):
                if ind.nilai is not None:
                    ind_out["nilai"] = json_value(ind.nilai)
        return data

    def _base_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "employee": self.employee,
            "employee_name": self.employee_name,
            "unit": self.unit,
            "period": self.period,
            "status": self.status,
            "rulebook": self.rulebook,
            "rhk": [
                {
                    "id": r.id,
                    "description": r.description,
                    "kind": r.kind,
                    "weight": json_value(r.weight),
                    "nilai": json_value(r.nilai),
                    "indicators": [
                        {
                            "id": i.id,
                            "name": i.name,
                            "unit_of_measure": i.unit_of_measure,
                            "direction": i.direction,
                            "target": json_value(i.target),
                            "realisasi": json_value(i.realisasi),
                            "status": i.status,
                            "capaian": json_value(i.capaian),
                            "capped_from": json_value(i.capped_from),
                            "weight": json_value(i.weight),
                            "rule": i.rule,
                        }
                        for i in r.indicators
                    ],
                }
                for r in self.rhk
            ],
            "nilai_hasil_kerja": json_value(self.nilai_hasil_kerja),
            "rating_hasil_kerja_rekomendasi": json_value(self.rating_hasil_kerja_rekomendasi),
            "rating_hasil_kerja": json_value(self.rating_hasil_kerja),
            "rating_perilaku": json_value(self.rating_perilaku),
            "predikat_rekomendasi": json_value(self.predikat_rekomendasi),
            "predikat": json_value(self.predikat),
            "overrides": [
                {"what": w, "recommended": json_value(a), "value": json_value(b), "reason": r}
                | _record_dict(self.override_records, i)
                for i, (w, a, b, r) in enumerate(self.overrides)
            ],
            "conversions": json_value(dict(self.conversions)),
            "notes": list(self.notes),
            "trace": [s.to_dict() for s in self.trace],
            "error": self.error,
        }

    def to_json(self, *, trace: bool = False) -> str:
        """The appraisal as JSON text (see :meth:`to_dict`), the trace only when ``trace``."""
        require(trace, bool, "Appraisal.to_json", "trace")
        data = self.to_dict()
        if not trace:
            del data["trace"]
        return json.dumps(data, ensure_ascii=False, indent=2)

    def __eq__(self, other: object) -> bool:
        """Equal when every finding is equal: the trace (how it was found) is not compared,
        so an appraisal read back from JSON without its trace equals the original."""
        if type(other) is not type(self):
            return NotImplemented
        mine = {k: v for k, v in self.__dict__.items() if k != "trace"}
        theirs = {k: v for k, v in other.__dict__.items() if k != "trace"}
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]  # the conversions mapping is not hashable

    def __repr__(self) -> str:
        return appraisal_repr(self)

    def _repr_html_(self) -> str:
        """The notebook display: findings, one row per indicator, the overrides (escaped)."""
        return appraisal_html(self)

    def explain(self, lang: str = "id") -> str:
        """The appraisal as text for the employee: Indonesian (``"id"``) or English (``"en"``)."""
        require(lang, str, "Appraisal.explain", "lang")
        return render(self, lang)

    def to_records(self, *, indicators: bool = False) -> list[dict[str, Any]]:
        """Flat rows of plain values that ``pandas.DataFrame``, ``polars.DataFrame`` and
        ``csv.DictWriter`` take as they are: one row for the appraisal, or one per indicator
        with ``indicators=True`` (:mod:`kinerja_engine.io`, ``docs/io.md``).

        >>> from kinerja_engine import rulebooks
        >>> from kinerja_engine.models import example_plan
        >>> from kinerja_engine.scoring import appraise
        >>> a = appraise(example_plan(), rulebooks.load("gajahmungkur"))
        >>> [(r["indicator_id"], r["status"]) for r in a.to_records(indicators=True)]
        [('i1', 'reported'), ('i2', 'not_reported')]
        >>> a.to_records()[0]["status"]
        'incomplete'
        """
        require(indicators, bool, "Appraisal.to_records", "indicators")
        if indicators:
            return indicator_records([self])
        return appraisal_records([self])

    def to_frame(self, *, indicators: bool = False) -> Any:
        """:meth:`to_records` as a ``pandas.DataFrame`` (needs pandas, imported only here)."""
        return to_frame(self.to_records(indicators=indicators))


def _record_dict(records: tuple[OverrideRecord, ...], i: int) -> dict[str, Any]:
    """``by`` and ``on`` of the i-th override for :meth:`Appraisal.to_dict`, each only when
    recorded (the JSON of an override without them keeps its four keys)."""
    extra: dict[str, Any] = {}
    if i < len(records):
        if records[i].by is not None:
            extra["by"] = records[i].by
        if records[i].on is not None:
            extra["on"] = records[i].on.isoformat()  # type: ignore[union-attr]
    return extra
