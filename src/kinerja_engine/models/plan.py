"""Typed input models: who is appraised, for which period, against which indicators.

Input: plain Python data or JSON from callers (ints, strings like ``"95.5"``,
Decimals; floats through their shortest repr). Output: the frozen pydantic v2 models of
a plan (SKP) that the pipeline reads: :class:`Plan`, :class:`RHK`, :class:`Indicator`,
:class:`Realisation`, :class:`BehaviourAssessment`, :class:`Override`; people are in
:mod:`.people`, periods in :mod:`.period`, NIPs in :mod:`.nip`, targets in :mod:`.target`
and the field types and enums in :mod:`.fields`. Guarantees:

- every model is frozen and forbids unknown fields;
- numbers are exact (:class:`~decimal.Decimal`; weights are
  :class:`~fractions.Fraction` so ``"100/3"`` is a third, exactly); NaN,
  infinities, booleans and text that is not a number are rejected;
- every failure is a :class:`~kinerja_engine.errors.ModelError` whose message lists
  each problem with its dotted field path (``rhk.0.indicators.1.target``) and names
  the employee (NIP, else name) when the input shows one; no pydantic exception
  escapes construction, ``model_validate``, ``model_validate_json`` or assignment;
- ``model_dump_json`` / ``model_validate_json`` round-trip exactly: decimals are
  written as strings (``"95.5"``), weights as ``"33.5"`` or ``"100/3"``, periods
  as ``"2026-Q1"``. ``model_dump()`` in Python mode keeps the exact objects.

>>> plan = Plan.model_validate(
...     {
...         "id": "skp-1",
...         "employee": {
...             "nip": "198609262015051001",
...             "name": "Budi",
...             "position": {"name": "Analis", "category": "fungsional", "jenjang": "ahli muda"},
...             "unit": "dinkes",
...         },
...         "period": "2026-Q1",
...         "rhk": [
...             {
...                 "id": "r1",
...                 "description": "Cakupan imunisasi",
...                 "indicators": [
...                     {
...                         "id": "i1",
...                         "name": "Vaksinasi",
...                         "unit_of_measure": "dosis",
...                         "target": "1200",
...                         "direction": "higher",
...                         "weight": "100/3",
...                     }
...                 ],
...             }
...         ],
...         "realisations": [{"indicator": "i1", "value": 1250.5}],
...     }
... )
>>> plan.realisation_for("i1").value, plan.rhk[0].indicators[0].weight
(Decimal('1250.5'), Fraction(100, 3))
>>> Plan.model_validate_json(plan.model_dump_json()) == plan
True

A JSON number with more than about 15 significant digits passes through a binary
float on the way in; write such numbers as strings (the output always does).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Self, TypeVar

from pydantic import AfterValidator, Field, field_validator, model_validator

from ..errors import ModelError
from .base import FrozenModel
from .fields import (
    CoreValue,
    Dec,
    DecOrLabel,
    Direction,
    OverrideTarget,
    RhkKind,
    Text,
    Weight,
    custom_error,
    is_label_text,
    validation_errors,
)
from .nip import Nip
from .people import Employee, employee_hint
from .period import Period
from .suggest import NameIndex
from .target import Target, TargetRange

__all__ = [
    "RHK",
    "BehaviourAssessment",
    "Indicator",
    "Override",
    "Plan",
    "Realisation",
    "check_numbers",
    "example_plan",
]


_T = TypeVar("_T")


def _non_empty(items: tuple[_T, ...]) -> tuple[_T, ...]:
    # An after-validator rather than min_length: it stays silent when items failed,
    # so a list with one bad item is not also reported as empty.
    if not items:
        raise custom_error("needs at least one item")
    return items


# --------------------------------------------------------------------------- indicators

#: Directions that only go with a range target.
_RANGE_ONLY = frozenset({Direction.RANGE, Direction.TOLERANCE})


class Indicator(FrozenModel):
    """An IKI: a measurable indicator of an RHK.

    ``target`` is a number or a :class:`TargetRange`. A number target goes with direction
    ``higher`` or ``lower``; a range target with ``higher`` or ``lower`` (the side outside
    the range that is better), ``tolerance`` (both sides worse) or the older ``range`` (see
    :class:`~.fields.Direction`). Targets may be zero or negative (what a zero
    target means is a rulebook decision) but are always finite. ``weight`` is the
    bobot within the RHK, in percent. Give a ``formula`` in the rules language or
    the ``kind`` of an indicator declared in the rulebook, not both; with neither the
    rulebook's default for the direction applies. ``cap`` (percent, > 0) limits the
    capaian.

    A **qualitative** indicator names a ``kind`` whose rulebook definition takes a label
    (``capaian_kualitatif(realisasi: skala, target: skala)``): its target and realisasi are
    labels of that enum written as text (``"Baik"``). Which enum is the rulebook's business,
    checked when the plan is scored; here a label target needs a ``kind``.

    >>> iki = Indicator(
    ...     id="waktu",
    ...     name="Rata-rata waktu layanan",
    ...     unit_of_measure="hari",
    ...     target="3",
    ...     direction="lower",
    ...     weight="100/3",
    ... )
    >>> iki.target, iki.direction, iki.weight
    (Decimal('3'), <Direction.LOWER: 'lower'>, Fraction(100, 3))
    >>> Indicator(id="t", name="t", unit_of_measure="bulan", target="7-8", direction="lower").target
    TargetRange(lo=Decimal('7'), hi=Decimal('8'))
    >>> Indicator(id="x", name="x", unit_of_measure="%", target=85, direction="tolerance")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'target': direction 'tolerance' needs a range target like '80-90'
    >>> Indicator(id="q", name="Kualitas laporan", unit_of_measure="skala", target="Baik",
    ...           direction="higher", kind="kualitatif").target
    'Baik'
    >>> Indicator(id="q", name="Kualitas", unit_of_measure="skala", target="Baik", direction="higher")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'target': indicator 'q' (Kualitas) has the label target 'Baik': a label target needs a qualitative indicator kind declared in the rulebook (e.g. kind 'kualitatif')
    """  # noqa: E501

    id: Text
    name: Text
    unit_of_measure: Text
    target: Target
    direction: Direction
    weight: Weight | None = None
    formula: Text | None = None
    kind: Text | None = None
    cap: Dec | None = None

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        # A range target may say which side is better (higher/lower); tolerance and the older
        # "range" only make sense with one.
        if not isinstance(self.target, TargetRange) and self.direction in _RANGE_ONLY:
            need = f"direction '{self.direction.value}' needs a range target like '80-90'"
            problems.append((("target",), need))
        if self.formula is not None and self.kind is not None:
            problems.append((("kind",), "give either a formula or an indicator kind, not both"))
        if self.cap is not None and self.cap <= 0:
            problems.append((("cap",), f"a cap is a positive percentage, got {self.cap}"))
        if isinstance(self.target, str) and self.kind is None:
            problems.append((("target",), (
                f"indicator '{self.id}' ({self.name}) has the label target {self.target!r}: "
                "a label target needs a qualitative indicator kind declared in the rulebook "
                "(e.g. kind 'kualitatif')")))  # fmt: skip
        if problems:
            raise validation_errors("Indicator", problems, self)
        return self


class RHK(FrozenModel):
    """A planned result (Rencana Hasil Kerja) with its indicators (at least one).

    ``intervenes`` is the id of the superior's RHK that this one supports.

    >>> r = RHK(
    ...     id="r1",
    ...     description="Layanan perizinan tepat waktu",
    ...     kind="utama",
    ...     indicators=[
    ...         {"id": "i1", "name": "IKM", "unit_of_measure": "indeks", "target": 85,
    ...          "direction": "higher"},
    ...     ],
    ... )
    >>> r.kind, len(r.indicators)
    (<RhkKind.UTAMA: 'utama'>, 1)
    """

    id: Text
    description: Text
    kind: RhkKind = RhkKind.UTAMA
    weight: Weight | None = None
    indicators: Annotated[tuple[Indicator, ...], AfterValidator(_non_empty)]
    intervenes: Text | None = None

    @model_validator(mode="after")
    def _check_indicator_ids(self) -> Self:
        if len({ind.id for ind in self.indicators}) == len(self.indicators):
            return self  # no id repeated (the common case): no places built
        problems = _duplicates(
            [((("indicators", i, "id")), ind.id) for i, ind in enumerate(self.indicators)],
            "indicator",
        )
        if problems:
            raise validation_errors("RHK", problems, self)
        return self


def _duplicates(
    entries: Sequence[tuple[tuple[str | int, ...], str]], what: str
) -> list[tuple[tuple[str | int, ...], str]]:
    """Report each repeated id at the later places, naming the first place."""
    first: dict[str, tuple[str | int, ...]] = {}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for loc, key in entries:
        if key in first:
            where = ".".join(str(part) for part in first[key])
            problems.append((loc, f"duplicate {what} {key!r} (first at {where})"))
        else:
            first[key] = loc
    return problems


# --------------------------------------------------------------------------- evaluation


class Realisation(FrozenModel):
    """The achieved value (realisasi) of one indicator, or that it does not apply.

    To mean "not yet reported", leave the realisation out; a realisation has either
    a ``value`` or ``not_applicable=True``. The value is a number, or for a qualitative
    indicator (one whose kind takes a label) a label of its scale written as text.

    >>> Realisation(indicator="i1", value="95.5").value
    Decimal('95.5')
    >>> Realisation(indicator="i1", value="Sangat Baik").value
    'Sangat Baik'
    >>> Realisation(indicator="i1")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'value': a realisation needs a value or not_applicable=True (leave it out if not yet reported)
    """  # noqa: E501

    indicator: Text
    value: DecOrLabel | None = None
    not_applicable: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _check_value(self) -> Self:
        if self.value is None and not self.not_applicable:
            raise validation_errors(
                "Realisation",
                [
                    (
                        ("value",),
                        "a realisation needs a value or not_applicable=True "
                        "(leave it out if not yet reported)",
                    )
                ],
                None,
            )
        if self.value is not None and self.not_applicable:
            raise validation_errors(
                "Realisation",
                [(("not_applicable",), "a realisation with a value cannot be not applicable")],
                True,
            )
        return self


class BehaviourAssessment(FrozenModel):
    """The evaluator's assessment of work behaviour.

    Under PermenPANRB 6/2022, ``rating`` is the Rating Perilaku Kerja as written
    (resolved against the rulebook's rating enum later) and ``per_value`` holds
    optional ratings or notes per BerAKHLAK core value. Under the numeric legacy
    rulebooks (PP 46/2011, PermenPANRB 8/2021) ``scores`` holds a number per behaviour
    aspect, named as the rulebook's enum ``aspek_perilaku`` names them;
    ``rated_360`` says that peers and subordinates rated too (PP 30/2019: 60/40
    instead of 70/30) and ``new_ideas`` that the evaluator found new ideas of value
    (the condition for Sangat Baik under PermenPANRB 8/2021). A rating or scores
    must be given.

    >>> b = BehaviourAssessment(rating="Sesuai Ekspektasi", per_value={"akuntabel": "baik"})
    >>> b.per_value
    {<CoreValue.AKUNTABEL: 'Akuntabel'>: 'baik'}
    >>> BehaviourAssessment(scores={"integritas": 90}).scores
    {'integritas': Decimal('90')}
    """

    rating: Text | None = None
    per_value: dict[CoreValue, Text] = Field(default_factory=dict)
    notes: str = ""
    scores: dict[Text, Dec] = Field(default_factory=dict)
    rated_360: bool = False
    new_ideas: bool = False

    @model_validator(mode="after")
    def _check_rating_or_scores(self) -> Self:
        if self.rating is None and not self.scores:
            raise validation_errors(
                "BehaviourAssessment",
                [(("rating",), "a behaviour assessment needs a rating or aspect scores")],
                None,
            )
        return self


class Override(FrozenModel):
    """An evaluator's override of a computed rating or predikat; the reason is mandatory.

    ``by`` is the NIP of the evaluator who overrode (format checked here; a plan refuses
    an override by its own employee) and ``on`` the date of the decision; both are kept
    in the appraisal (:attr:`~kinerja_engine.scoring.Appraisal.override_records`).

    >>> o = Override(what="predikat", value="Baik", reason="banding", by="198001012005011002",
    ...              on="2026-12-20")
    >>> o.by, o.on
    ('198001012005011002', datetime.date(2026, 12, 20))
    >>> Override(what="predikat", value="Baik", reason="  ").reason
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'reason': an override needs a reason
    """

    what: OverrideTarget
    value: Text
    reason: str
    by: Nip | None = None
    on: date | None = None

    @field_validator("reason")
    @classmethod
    def _check_reason(cls, reason: str) -> str:
        if not reason.strip():
            raise custom_error("an override needs a reason")
        return reason.strip()


class Plan(FrozenModel):
    """An SKP: one employee's plan for a period and, as it arrives, its evaluation.

    Checked across the document: RHK ids and indicator ids are unique in the plan,
    every realisation names an indicator of the plan (at most one each), there is
    at most one override per target, and neither the evaluator nor the author of an
    override is the employee.
    Errors name ``employee.nip``.

    >>> plan = Plan(
    ...     id="skp-2026-budi",
    ...     employee={
    ...         "nip": "198609262015051001",
    ...         "name": "Budi",
    ...         "position": {"name": "Pengadministrasi", "category": "Pelaksana"},
    ...         "unit": "kec-1",
    ...     },
    ...     period="2026",
    ...     rhk=[
    ...         {
    ...             "id": "r1",
    ...             "description": "Pelayanan KTP",
    ...             "indicators": [
    ...                 {"id": "i1", "name": "Berkas", "unit_of_measure": "berkas",
    ...                  "target": 500, "direction": "higher"},
    ...             ],
    ...         }
    ...     ],
    ...     realisations=[{"indicator": "i2", "value": 10}],
    ... )
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: employee 198609262015051001, field 'realisations.0.indicator': unknown indicator 'i2' (did you mean 'i1'?)
    """  # noqa: E501

    id: Text
    employee: Employee
    evaluator: Employee | None = None
    period: Period
    rhk: Annotated[tuple[RHK, ...], AfterValidator(_non_empty)]
    expectations: dict[CoreValue, Text] = Field(default_factory=dict)
    realisations: tuple[Realisation, ...] = ()
    behaviour: BehaviourAssessment | None = None
    overrides: tuple[Override, ...] = ()

    @model_validator(mode="after")
    def _check_document(self) -> Self:
        known = {ind.id: ind for rhk in self.rhk for ind in rhk.indicators}
        problems: list[tuple[tuple[str | int, ...], str]] = []
        # Places are built only when an id repeats (the common case has none).
        if len({r.id for r in self.rhk}) != len(self.rhk):
            problems += _duplicates(
                [(("rhk", i, "id"), r.id) for i, r in enumerate(self.rhk)], "RHK"
            )
        if len(known) != sum(len(r.indicators) for r in self.rhk):
            problems += _duplicates(
                [
                    (("rhk", i, "indicators", j, "id"), ind.id)
                    for i, r in enumerate(self.rhk)
                    for j, ind in enumerate(r.indicators)
                ],
                "indicator",
            )
        # One did-you-mean index for the whole plan, built only when a name is unknown:
        # n unknown names cost n bounded look-ups, not n scans of every indicator.
        index: NameIndex | None = None
        seen: dict[str, int] = {}
        for i, realisation in enumerate(self.realisations):
            loc: tuple[str | int, ...] = ("realisations", i, "indicator")
            name = realisation.indicator
            if name not in known:
                if index is None:
                    index = NameIndex(ind.id for _, ind in self.indicators())
                close = index.closest(name)
                hint = f" (did you mean {close!r}?)" if close else ""
                problems.append((loc, f"unknown indicator {name!r}{hint}"))
            elif name in seen:
                problems.append(
                    (loc, f"a second realisation for {name!r} (first at realisations.{seen[name]})")
                )
            else:
                seen[name] = i
                label = realisation.value
                if isinstance(label, str) and known[name].kind is None:
                    ind = known[name]
                    problems.append((("realisations", i, "value"), (
                        f"indicator {name!r} ({ind.name}) takes a number, got the label "
                        f"{label!r} (a label realisasi needs a qualitative indicator kind "
                        "declared in the rulebook, e.g. kind 'kualitatif')")))  # fmt: skip
        problems += _duplicates(
            [(("overrides", i, "what"), o.what.value) for i, o in enumerate(self.overrides)],
            "override of",
        )
        problems += [
            (("overrides", i, "by"), "an employee cannot override their own rating")
            for i, o in enumerate(self.overrides)
            if o.by is not None and o.by == self.employee.nip
        ]
        if self.evaluator is not None and self.evaluator.nip == self.employee.nip:
            problems.append((("evaluator", "nip"), "an employee cannot be their own evaluator"))
        if problems:
            raise validation_errors("Plan", problems, None)
        return self

    def indicators(self) -> Iterator[tuple[RHK, Indicator]]:
        """Every (RHK, indicator) pair, in document order.

        >>> [ind.id for _, ind in example_plan().indicators()]
        ['i1', 'i2']
        """
        for rhk in self.rhk:
            for indicator in rhk.indicators:
                yield rhk, indicator

    def realisation_for(self, indicator_id: str) -> Realisation | None:
        """The realisation of ``indicator_id``, or ``None`` if not (yet) reported.

        >>> plan = example_plan()
        >>> plan.realisation_for("i1").value, plan.realisation_for("i2")
        (Decimal('3.5'), None)
        """
        for realisation in self.realisations:
            if realisation.indicator == indicator_id:
                return realisation
        return None

    @classmethod
    def _employee_hint(cls, data: object) -> str | None:
        return employee_hint(_field_of(data, "employee"))


def _finite(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _finite_or_label(value: object) -> bool:
    # A label (a qualitative indicator's) is text as validation keeps it: stripped, starting
    # with a letter, never a number word like "NaN".
    if isinstance(value, str):
        return is_label_text(value) and value == value.strip()
    return _finite(value)


def _numbers_validated(plan: Plan) -> bool:
    """Whether :func:`check_numbers` finds nothing: the same tests, without naming fields."""
    for rhk in plan.rhk:
        if rhk.weight is not None and not isinstance(rhk.weight, Fraction):
            return False
        for ind in rhk.indicators:
            target = ind.target
            if not (_finite(target) or isinstance(target, TargetRange) or _finite_or_label(target)):
                return False
            if ind.weight is not None and not isinstance(ind.weight, Fraction):
                return False
            if ind.cap is not None and not _finite(ind.cap):
                return False
    for r in plan.realisations:
        value = r.value
        if value is None:
            if not r.not_applicable:
                return False
        elif not (isinstance(value, Decimal) and value.is_finite()) and not _finite_or_label(value):
            return False
    return True


def check_numbers(plan: Plan) -> None:
    """Refuse a plan whose numbers were never validated (``model_copy(update=...)`` skips
    validation): every target, realisasi, weight and cap must be what validation makes.

    Raises :class:`~kinerja_engine.errors.ModelError` naming the first such field and the
    employee. Cost: one type check per number.

    >>> plan = example_plan()
    >>> check_numbers(plan)
    >>> bad = plan.realisations[0].model_copy(update={"value": "NaN"})
    >>> check_numbers(plan.model_copy(update={"realisations": (bad,)}))
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: employee 198609262015051001, field 'realisations.0.value': 'NaN' is not a validated finite number (a plan changed with model_copy is not validated; use model_validate)
    """  # noqa: E501
    if _numbers_validated(plan):  # every appraisal passes here: no field names built
        return
    problems: list[tuple[str, object]] = []
    for i, rhk in enumerate(plan.rhk):
        if rhk.weight is not None and not isinstance(rhk.weight, Fraction):
            problems.append((f"rhk.{i}.weight", rhk.weight))
        for j, ind in enumerate(rhk.indicators):
            where = f"rhk.{i}.indicators.{j}"
            if not (_finite_or_label(ind.target) or isinstance(ind.target, TargetRange)):
                problems.append((f"{where}.target", ind.target))
            if ind.weight is not None and not isinstance(ind.weight, Fraction):
                problems.append((f"{where}.weight", ind.weight))
            if ind.cap is not None and not _finite(ind.cap):
                problems.append((f"{where}.cap", ind.cap))
    for i, r in enumerate(plan.realisations):
        # Neither a value nor not_applicable breaks the realisation's own invariant too.
        if (r.value is not None or not r.not_applicable) and not _finite_or_label(r.value):
            problems.append((f"realisations.{i}.value", r.value))
    if problems:
        field, value = problems[0]
        nip = getattr(getattr(plan, "employee", None), "nip", None)
        raise ModelError(
            f"{value!r} is not a validated finite number (a plan changed with model_copy is "
            "not validated; use model_validate)",
            field=field,
            employee=nip if isinstance(nip, str) else None,
        )


def example_plan() -> Plan:
    """A tiny plan for examples and tests: one RHK with a lower-is-better and a range indicator.

    Only the first indicator is realised, so the plan exercises a missing realisation too.

    >>> plan = example_plan()
    >>> plan.employee.name, [ind.id for _, ind in plan.indicators()]
    ('Budi', ['i1', 'i2'])
    """
    return Plan.model_validate(
        {
            "id": "p",
            "employee": {
                "nip": "198609262015051001",
                "name": "Budi",
                "position": {"name": "Staf", "category": "Pelaksana"},
                "unit": "u",
            },
            "period": "2026-01",
            "rhk": [
                {
                    "id": "r1",
                    "description": "Layanan",
                    "indicators": [
                        {
                            "id": "i1",
                            "name": "Waktu",
                            "unit_of_measure": "hari",
                            "target": 3,
                            "direction": "lower",
                        },
                        {
                            "id": "i2",
                            "name": "IKM",
                            "unit_of_measure": "indeks",
                            "target": "80-90",
                            "direction": "range",
                        },
                    ],
                }
            ],
            "realisations": [{"indicator": "i1", "value": "3.5"}],
        }
    )


def _field_of(data: object, name: str) -> object:
    if isinstance(data, Mapping):
        return data.get(name)
    return getattr(data, name, None)
