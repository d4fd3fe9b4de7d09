"""The flat plan table: one row per indicator, and the plans it holds (both ways).

Input: an iterable of rows (mappings from column name to cell) in the format of docs/io.md,
or :class:`~kinerja_engine.models.Plan` objects. Output: :func:`plans_from_rows` yields a
``Plan`` per group of consecutive rows with the same ``plan_id``, or a
:class:`~kinerja_engine.io.errors.TableError` naming the row (and column) of the first problem
of that group; :func:`plan_rows` gives the rows of one plan. Guarantees:

- streaming: only the rows of the current plan are held, so memory does not grow with the
  table; rows of one plan must be consecutive;
- nothing is dropped silently: a bad cell, an unknown column with a value, a plan-level cell
  that contradicts the plan's first row, or a plan the models refuse each becomes a
  ``TableError`` in the stream, and reading goes on;
- a row that cannot be read (not a mapping, no ``plan_id``, not JSON) between two rows of one
  plan makes that plan an error; so does a reader's error naming the plan (a long CSV row);
- ``plans_from_rows(plan_rows(p)) == [p]`` for every plan the format can hold (every field of
  a plan except the notes of per-value behaviour ratings is a column).

>>> from kinerja_engine.models import example_plan
>>> rows = plan_rows(example_plan())
>>> len(rows), rows[0]["indicator_id"], rows[1]["target_min"], rows[1]["target_max"]
(2, 'i1', Decimal('80'), Decimal('90'))
>>> list(plans_from_rows(rows)) == [example_plan()]
True
>>> rows[0]["realisasi"] = "tiga"
>>> print(next(iter(plans_from_rows(rows, source="plans.csv", first_row=2))))
plans.csv, row 2, column 'realisasi': employee 198609262015051001: 'tiga' is not a number (write it like 90,5 or 90.5)
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from ..arguments import require, require_optional
from ..errors import KinerjaError
from ..models import OverrideTarget, Plan, TargetRange, is_label_text
from ..values import is_terminating, plain_scalar
from .cells import (
    CellError,
    is_empty,
    parse_bool,
    parse_direction,
    parse_number,
    parse_target,
    parse_weight,
)
from .errors import TableError
from .guards import not_a_row, require_decimal, require_rows, shown
from .kinds import KindCheck, kind_error, require_kinds, whole_plan

__all__ = ["PLAN_COLUMNS", "numbered_plans", "plan_rows", "plans_from_rows"]

_PERSON: Final = (
    "nip",
    "name",
    "kind",
    "position",
    "category",
    "jenjang",
    "level",
    "unit",
    "is_unit_head",
)
_EMPLOYEE: Final = tuple("employee_kind" if c == "kind" else c for c in _PERSON)
_EVALUATOR: Final = tuple(f"evaluator_{c}" for c in _PERSON)
_OVERRIDES: Final = tuple(
    f"override_{t.value}{suffix}"
    for t in OverrideTarget
    for suffix in ("", "_reason", "_by", "_on")
)
_BEHAVIOUR: Final = (
    "behaviour_rating",
    "behaviour_notes",
    "behaviour_rated_360",
    "behaviour_new_ideas",
)
_RHK: Final = ("rhk_id", "rhk_description", "rhk_kind", "rhk_weight", "rhk_intervenes")
_INDICATOR: Final = (
    "indicator_id",
    "indicator_name",
    "unit_of_measure",
    "target",
    "target_min",
    "target_max",
    "direction",
    "indicator_kind",
    "indicator_weight",
    "cap",
    "formula",
)
_REALISATION: Final = ("realisasi", "not_applicable", "realisasi_note")

#: The fixed columns of the plan table, in their documented order. Besides these, a table may
#: have ``behaviour_score:<aspect>``, ``behaviour_value:<core value>`` and
#: ``expectation:<core value>`` columns (plan-level, like the behaviour columns).
PLAN_COLUMNS: Final = (
    "plan_id",
    "period",
    *_EMPLOYEE,
    *_EVALUATOR,
    *_BEHAVIOUR,
    *_OVERRIDES,
    *_RHK,
    *_INDICATOR,
    *_REALISATION,
)
_ROW_LEVEL: Final = frozenset(_RHK + _INDICATOR + _REALISATION)
_PLAN_LEVEL: Final = tuple(c for c in PLAN_COLUMNS if c not in _ROW_LEVEL)
_KNOWN: Final = frozenset(PLAN_COLUMNS)
_PREFIXES: Final = ("behaviour_score:", "behaviour_value:", "expectation:")
_NOT_APPLICABLE_WORDS: Final = frozenset({"n/a", "na", "tidak berlaku", "tb"})

Row = Mapping[str, Any]


# --------------------------------------------------------------------------- plan -> rows


def _text(value: object) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _weight(value: Fraction | None) -> Decimal | str | None:
    if value is None:
        return None
    if not is_terminating(value):
        return f"{value.numerator}/{value.denominator}"
    return Decimal(value.numerator) / Decimal(value.denominator)


def _person(person: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if person is None:
        return dict.fromkeys(names)
    pos = person.position
    values = (
        person.nip,
        person.name,
        _text(person.kind),
        pos.name,
        _text(pos.category),
        _text(pos.jenjang),
        _text(pos.level),
        person.unit,
        "ya" if person.is_unit_head else None,
    )
    return dict(zip(names, values, strict=True))


def _plan_level(plan: Plan) -> dict[str, Any]:
    row: dict[str, Any] = {"plan_id": plan.id, "period": str(plan.period)}
    row |= _person(plan.employee, _EMPLOYEE) | _person(plan.evaluator, _EVALUATOR)
    b = plan.behaviour
    row |= {
        "behaviour_rating": None if b is None else b.rating,
        "behaviour_notes": (b.notes or None) if b else None,
        "behaviour_rated_360": "ya" if b and b.rated_360 else None,
        "behaviour_new_ideas": "ya" if b and b.new_ideas else None,
    }
    row |= dict.fromkeys(_OVERRIDES)
    for o in plan.overrides:
        key = f"override_{o.what.value}"
        row |= {
            key: o.value,
            f"{key}_reason": o.reason,
            f"{key}_by": o.by,
            f"{key}_on": None if o.on is None else o.on.isoformat(),
        }
    if b is not None:
        row |= {f"behaviour_score:{k}": v for k, v in b.scores.items()}
        row |= {f"behaviour_value:{k.value}": v for k, v in b.per_value.items()}
    row |= {f"expectation:{k.value}": v for k, v in plan.expectations.items()}
    return row


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    """The rows of ``plan`` in the plan table format: one per indicator, in document order.

    Plan-level cells are repeated on every row (so a filtered spreadsheet still reads whole).
    Numbers are :class:`~decimal.Decimal`; a weight that is not a finite decimal is the text
    ``"100/3"``; a range target fills ``target_min`` and ``target_max``.
    """
    require(plan, Plan, "plan_rows", "plan")
    head = _plan_level(plan)
    rows = []
    for rhk, ind in plan.indicators():
        row = dict(head)
        real = plan.realisation_for(ind.id)
        row |= {
            "rhk_id": rhk.id,
            "rhk_description": rhk.description,
            "rhk_kind": rhk.kind.value,
            "rhk_weight": _weight(rhk.weight),
            "rhk_intervenes": rhk.intervenes,
            "indicator_id": ind.id,
            "indicator_name": ind.name,
            "unit_of_measure": ind.unit_of_measure,
            "target": None if isinstance(ind.target, TargetRange) else ind.target,
            "target_min": ind.target.lo if isinstance(ind.target, TargetRange) else None,
            "target_max": ind.target.hi if isinstance(ind.target, TargetRange) else None,
            "direction": ind.direction.value,
            "indicator_kind": ind.kind,
            "indicator_weight": _weight(ind.weight),
            "cap": ind.cap,
            "formula": ind.formula,
            "realisasi": None if real is None else real.value,
            "not_applicable": "ya" if real is not None and real.not_applicable else None,
            "realisasi_note": (real.note or None) if real is not None else None,
        }
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- rows -> plan


class _Place:
    """Where a group's cells came from, to name the row and column of a model error."""

    def __init__(self, first: int) -> None:
        self.first = first
        self.indicator: dict[tuple[int, int], int] = {}
        self.rhk: dict[int, int] = {}
        self.realisation: dict[int, int] = {}


_FIELD_COLUMNS: Final = {
    "indicator": {
        "id": "indicator_id",
        "name": "indicator_name",
        "kind": "indicator_kind",
        "weight": "indicator_weight",
    },
    "rhk": {
        "id": "rhk_id",
        "description": "rhk_description",
        "kind": "rhk_kind",
        "weight": "rhk_weight",
        "intervenes": "rhk_intervenes",
    },
    "realisation": {
        "value": "realisasi",
        "indicator": "indicator_id",
        "not_applicable": "not_applicable",
        "note": "realisasi_note",
    },
}


def _locate(field: str | None, place: _Place) -> tuple[int, str | None]:
    """Row and column of a model field path like ``rhk.0.indicators.1.target``."""
    parts = (field or "").split(".")
    try:
        if parts[0] == "rhk" and len(parts) >= 5 and parts[2] == "indicators":
            row = place.indicator[int(parts[1]), int(parts[3])]
            name = parts[4]
            return row, _FIELD_COLUMNS["indicator"].get(name, name)
        if parts[0] == "rhk" and len(parts) >= 2:
            row = place.rhk[int(parts[1])]
            name = parts[2] if len(parts) > 2 else "id"
            return row, _FIELD_COLUMNS["rhk"].get(name, name)
        if parts[0] == "realisations" and len(parts) >= 2:
            row = place.realisation[int(parts[1])]
            name = parts[2] if len(parts) > 2 else "value"
            return row, _FIELD_COLUMNS["realisation"].get(name, name)
    except (KeyError, ValueError):
        pass
    if parts[0] in ("employee", "evaluator") and len(parts) >= 2:
        prefix = "" if parts[0] == "employee" else "evaluator_"
        name = parts[-1] if parts[1] == "position" and len(parts) > 2 else parts[1]
        if parts[1] == "position" and len(parts) == 2:
            name = "position"
        if parts[1] == "position" and len(parts) > 2 and parts[2] == "name":
            name = "position"
        if prefix == "" and name == "kind":
            name = "employee_kind"
        return place.first, prefix + name
    if parts[0] == "overrides":
        return place.first, None
    return place.first, (parts[0] or None) if parts[0] in _KNOWN else None


def _cell(row: Row, name: str) -> Any:
    value = row.get(name)
    if isinstance(value, str):
        value = value.strip()
    return None if is_empty(value) else value


class _Group:
    """The rows of one plan, turned into the plan's raw data as they arrive."""

    def __init__(self, plan_id: str, first: int, head: Row, decimal: str | None) -> None:
        self.plan_id = plan_id
        self.place = _Place(first)
        self.head = {name: _cell(head, name) for name in head if isinstance(name, str)}
        self.decimal = decimal
        self.rhk: dict[str, dict[str, Any]] = {}
        self.realisations: list[dict[str, Any]] = []
        self.problems: list[tuple[int, str | None, str]] = []

    def add(self, number: int, row: Row) -> None:
        for name, value in row.items():
            if not isinstance(name, str):
                self.problems.append(
                    (number, None, f"a column name must be text, got {shown(name)}")
                )
            elif name not in _KNOWN and not name.startswith(_PREFIXES) and not is_empty(value):
                self.problems.append((number, name, f"unknown column {name!r}"))
            elif name not in _ROW_LEVEL and name != "plan_id":
                cell = _cell(row, name)
                if cell is not None and self.head.get(name) is None:
                    self.head[name] = cell
                elif cell is not None and str(cell) != str(self.head[name]):
                    self.problems.append(
                        (
                            number,
                            name,
                            f"{cell!r} differs from {self.head[name]!r} in the "
                            f"plan's row {self.place.first}",
                        )
                    )
        try:
            self._add_indicator(number, row)
        except _Bad as bad:
            self.problems.append((number, bad.column, str(bad.error)))

    def _number(self, row: Row, name: str, parse: Callable[..., Any]) -> Any:
        value = _cell(row, name)
        if value is None:
            return None
        try:
            return parse(value, decimal=self.decimal)
        except CellError as exc:
            raise _Bad(name, exc) from None

    def _add_indicator(self, number: int, row: Row) -> None:
        rhk_id = _cell(row, "rhk_id")
        rhk_key = "" if rhk_id is None else str(rhk_id)
        if rhk_key not in self.rhk:
            self.place.rhk[len(self.rhk)] = number
            self.rhk[rhk_key] = {
                "id": rhk_id,
                "description": _cell(row, "rhk_description"),
                "kind": _cell(row, "rhk_kind") or "utama",
                "weight": self._number(row, "rhk_weight", parse_weight),
                "intervenes": _cell(row, "rhk_intervenes"),
                "indicators": [],
            }
        rhk = self.rhk[rhk_key]
        self.place.indicator[len(self.rhk) - 1, len(rhk["indicators"])] = number
        kind = _cell(row, "indicator_kind")
        # An indicator with a kind may be qualitative: its target and realisasi cells may
        # hold a label of its scale ("Baik"); whether the kind takes one, the rulebook says.
        target = _cell(row, "target")
        if kind is None or not is_label_text(target):
            target = self._number(row, "target", parse_target)
        lo = self._number(row, "target_min", parse_number)
        hi = self._number(row, "target_max", parse_number)
        if lo is not None or hi is not None:
            if target is not None or lo is None or hi is None:
                raise _Bad("target", CellError("give target, or both target_min and target_max"))
            target = {"lo": lo, "hi": hi}
        direction = _cell(row, "direction")
        try:
            direction = None if direction is None else parse_direction(direction)
        except CellError as exc:
            raise _Bad("direction", exc) from None
        indicator = {
            "id": _cell(row, "indicator_id"),
            "name": _cell(row, "indicator_name"),
            "unit_of_measure": _cell(row, "unit_of_measure"),
            "target": target,
            "direction": direction,
            "kind": _cell(row, "indicator_kind"),
            "weight": self._number(row, "indicator_weight", parse_weight),
            "cap": self._number(row, "cap", parse_number),
            "formula": _cell(row, "formula"),
        }
        rhk["indicators"].append({k: v for k, v in indicator.items() if v is not None})
        self._add_realisation(number, row, indicator["id"], kind is not None)

    def _add_realisation(self, number: int, row: Row, indicator: object,
                         labelled: bool = False) -> None:  # fmt: skip
        value = _cell(row, "realisasi")
        try:
            na = parse_bool(_cell(row, "not_applicable"))
        except CellError as exc:
            raise _Bad("not_applicable", exc) from None
        if isinstance(value, str) and value.casefold() in _NOT_APPLICABLE_WORDS:
            value, na = None, True
        note = _cell(row, "realisasi_note")
        if value is None and not na:
            return
        real: dict[str, Any] = {"indicator": indicator, "not_applicable": na}
        if labelled and is_label_text(value):
            real["value"] = value
        elif value is not None:
            real["value"] = self._number(row, "realisasi", parse_number)
        if note is not None:
            real["note"] = str(note)
        self.place.realisation[len(self.realisations)] = number
        self.realisations.append(real)

    def raw(self) -> dict[str, Any]:
        """The plan's data for :meth:`Plan.model_validate` (cells read, not yet validated)."""
        h = self.head
        raw: dict[str, Any] = {
            "id": self.plan_id,
            "period": _plain(h.get("period")),  # 2026 typed into a numeric cell
            "employee": self._person(""),
            "rhk": [{k: v for k, v in r.items() if v is not None} for r in self.rhk.values()],
            "realisations": self.realisations,
        }
        if h.get("evaluator_nip") is not None or h.get("evaluator_name") is not None:
            raw["evaluator"] = self._person("evaluator_")
        behaviour = self._behaviour()
        if behaviour:
            raw["behaviour"] = behaviour
        expectations = {
            k.split(":", 1)[1]: v
            for k, v in h.items()
            if k.startswith("expectation:") and v is not None
        }
        if expectations:
            raw["expectations"] = expectations
        overrides = []
        for target in OverrideTarget:
            key = f"override_{target.value}"
            if h.get(key) is not None or h.get(f"{key}_reason") is not None:
                item = {"what": target.value, "value": h.get(key), "reason": h.get(f"{key}_reason")}
                item |= {k: h[f"{key}_{k}"] for k in ("by", "on") if h.get(f"{key}_{k}")}
                overrides.append({k: _plain(v) for k, v in item.items()})
        if overrides:
            raw["overrides"] = overrides
        return raw

    def _person(self, prefix: str) -> dict[str, Any]:
        h = self.head
        kind = h.get("employee_kind" if not prefix else f"{prefix}kind")
        person = {
            "nip": _plain(h.get(f"{prefix}nip")),
            "name": h.get(f"{prefix}name"),
            "kind": kind,
            "position": {
                k: v
                for k, v in {
                    "name": h.get(f"{prefix}position"),
                    "category": h.get(f"{prefix}category"),
                    "jenjang": h.get(f"{prefix}jenjang"),
                    "level": h.get(f"{prefix}level"),
                }.items()
                if v is not None
            },
            # An evaluator's unit defaults to the employee's: most sit in the same unit.
            "unit": h.get(f"{prefix}unit") or h.get("unit"),
            "is_unit_head": parse_bool(h.get(f"{prefix}is_unit_head")),
        }
        return {k: v for k, v in person.items() if v is not None}

    def _behaviour(self) -> dict[str, Any]:
        h = self.head
        scores = {
            k.split(":", 1)[1]: parse_number(v, decimal=self.decimal)
            for k, v in h.items()
            if k.startswith("behaviour_score:") and v is not None
        }
        per_value = {
            k.split(":", 1)[1]: v
            for k, v in h.items()
            if k.startswith("behaviour_value:") and v is not None
        }
        out: dict[str, Any] = {
            "rating": h.get("behaviour_rating"),
            "notes": h.get("behaviour_notes"),
            "scores": scores or None,
            "per_value": per_value or None,
        }
        out = {k: v for k, v in out.items() if v is not None}
        if out:
            out["rated_360"] = parse_bool(h.get("behaviour_rated_360"))
            out["new_ideas"] = parse_bool(h.get("behaviour_new_ideas"))
        return out

    def result(
        self, source: str | None, sheet: str | None, kinds: KindCheck | None = None
    ) -> Plan | TableError:
        """The plan, or the error of its first problem (naming how many more there are)."""
        if not self.problems:
            try:
                plan = Plan.model_validate(self.raw())
                if kinds is None:
                    return plan
                where = self.place.indicator
                bad = kind_error(plan, kinds, lambda r, i: where.get((r, i), self.place.first),
                                 source=source, sheet=sheet)  # fmt: skip
                return plan if bad is None else bad
            except CellError as exc:
                self.problems.append((self.place.first, None, str(exc)))
            except KinerjaError as exc:
                row, column = _locate(getattr(exc, "field", None), self.place)
                message = exc.message
                employee = getattr(exc, "employee", None)
                field = getattr(exc, "field", None)
                lead = f"employee {employee}"  # the TableError names the employee itself
                if employee and message.startswith((f"{lead}, ", f"{lead}: ")):
                    message = message[len(lead) + 2 :]
                return TableError(
                    message,
                    file=source,
                    row=row,
                    sheet=sheet,
                    column=column,
                    field=field,
                    employee=employee,
                    plan_id=self.plan_id,
                )
        row, column, message = self.problems[0]
        if len(self.problems) > 1:
            rest = ", ".join(
                f"row {r}" + (f" column {c!r}" if c else "") for r, c, _ in self.problems[1:4]
            )
            message += f" (and {len(self.problems) - 1} more problems: {rest}…)"
        nip = self.head.get("nip")
        return TableError(
            message,
            file=source,
            row=row,
            sheet=sheet,
            column=column,
            employee=None if nip is None else str(nip),
            plan_id=self.plan_id,
        )


class _Bad(Exception):
    def __init__(self, column: str, error: CellError) -> None:
        super().__init__(str(error))
        self.column = column
        self.error = error


def _plain(value: Any) -> Any:
    # A NIP or a date typed into a numeric cell comes back as a number or a date object;
    # a DataFrame's NumPy integer is the int it stands for.
    value = plain_scalar(value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


def plans_from_rows(
    rows: Iterable[Row],
    source: str | None = None,
    *,
    first_row: int = 1,
    sheet: str | None = None,
    decimal: str | None = None,
    kinds: KindCheck | None = None,
) -> Iterator[Plan | TableError]:
    """Plans from plan-table rows, one per group of consecutive rows with the same ``plan_id``.

    ``source`` (a file name) and ``sheet`` are named in errors; ``first_row`` is the number of
    the first row given (2 under a header row); ``decimal`` fixes the decimal separator of
    text cells (``","`` or ``"."``; by default only unambiguous numbers are read, see
    :mod:`~kinerja_engine.io.cells`). A row without a ``plan_id`` is an error of its own.
    ``kinds`` (e.g. ``kinerja_engine.scoring.contract.KindIndex(rulebook)``) checks each
    indicator's kind: a plan with a kind the rulebook cannot score becomes a ``TableError``
    naming the row and the ``indicator_kind`` column, with a did-you-mean (:mod:`.kinds`).
    """
    require_rows(rows, "plans_from_rows", first_row)
    return numbered_plans(
        enumerate(rows, first_row), source, sheet=sheet, decimal=decimal, kinds=kinds
    )


def numbered_plans(
    rows: Iterable[tuple[int, Row | TableError]],
    source: str | None = None,
    *,
    sheet: str | None = None,
    decimal: str | None = None,
    kinds: KindCheck | None = None,
) -> Iterator[Plan | TableError]:
    """:func:`plans_from_rows` of ``(row number, row)`` pairs, for readers that skip rows.

    A :class:`TableError` in place of a row (a line that is not JSON) is passed on; a row
    with an ``rhk`` key is a whole plan in the models' own form.
    """
    require_decimal(decimal)
    require_optional(source, str, "plans_from_rows", "source")
    require_optional(sheet, str, "plans_from_rows", "sheet")
    require_kinds(kinds, "plans_from_rows")
    return _numbered(rows, source, sheet, decimal, kinds)


def _numbered(
    rows: Iterable[tuple[int, Row | TableError]],
    source: str | None,
    sheet: str | None,
    decimal: str | None,
    kinds: KindCheck | None,
) -> Iterator[Plan | TableError]:
    group: _Group | None = None
    # Unreadable rows met while a plan is open: they belong to it if its next row follows.
    pending: list[TableError] = []
    for number, item in rows:
        row = item
        if not isinstance(row, TableError | Mapping):
            row = not_a_row(item, number, source, sheet)
        elif not isinstance(row, TableError) and "rhk" not in row and _cell(row, "plan_id") is None:
            row = TableError(
                "a row needs a plan_id", file=source, row=number, sheet=sheet, column="plan_id"
            )
        if isinstance(row, TableError):
            if row.plan_id is not None:  # the reader knows whose row it is
                if group is not None and group.plan_id != row.plan_id:
                    yield group.result(source, sheet, kinds)
                    yield from pending
                    group, pending = None, []
                if group is None:
                    group = _Group(row.plan_id, number, {}, decimal)
                group.problems.append((number, row.table_column, row.reason))
            elif group is not None:
                pending.append(row)
            else:
                yield row
            continue
        plan_id = None if "rhk" in row else str(_plain(_cell(row, "plan_id")))
        if group is not None and group.plan_id != plan_id:
            yield group.result(source, sheet, kinds)
            yield from pending
            group, pending = None, []
        for error in pending:  # between two rows of this plan: the plan is not whole
            assert group is not None
            group.problems.append((error.row or number, error.table_column, error.reason))
        pending = []
        if plan_id is None:
            yield whole_plan(row, number, source, sheet, kinds)
        else:
            if group is None:
                group = _Group(plan_id, number, row, decimal)
            group.add(number, row)
    if group is not None:
        yield group.result(source, sheet, kinds)
    yield from pending
