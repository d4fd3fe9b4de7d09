"""The flat plan table as Arrow columns: which plans the columnar engine takes, and as what.

Input: a ``pyarrow.Table`` of plan-table rows (docs/io.md), whole plans only, the file's row
number of its first row, and a :class:`~.program.ColumnarProgram`. Output: :func:`accept`
gives the :class:`~.program.Batch` of the plans it accepts, their positions, and the plans
it leaves to the per-object path. Guarantees (the soundness of the acceptance):

- a plan is accepted only in the simple form: the columns of :data:`SIMPLE_COLUMNS` and no
  other non-empty cell; every plan-level and RHK-level cell equal on all its rows; RHK rows
  contiguous; ids unique; every indicator reported with a number read from a numeric
  Parquet column; a number target with direction ``higher``/``lower`` (or a declared kind the
  rulebook scores); weights all empty (equal) or all whole numbers 1-100 adding up to 100;
- every check that decides acceptance is the model's own rule or implies it: the NIP by its
  decoding rules (vectorised), texts stripped and not empty, and the low-cardinality cells
  (period, employee kind, position, category, jenjang, level, unit head, behaviour rating) by
  building a one-indicator plan with the model itself once per distinct combination;
- everything else, and every row a check cannot clear, goes to the per-object path, which
  gives the same result or the same error it would give alone. Nothing is dropped.

>>> SIMPLE_COLUMNS[:3]
('plan_id', 'period', 'nip')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import KinerjaError
from ..io.cells import CellError, parse_direction
from ..io.optional import need
from ..io.table import plans_from_rows
from ..models import Plan
from .arith import from_decimal
from .program import Batch, ColumnarProgram

__all__ = ["SIMPLE_COLUMNS", "Accepted", "accept", "decimals"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

_PLAN_TEXT = ("plan_id", "nip", "name", "unit")
_COMBO = (
    "period",
    "employee_kind",
    "position",
    "category",
    "jenjang",
    "level",
    "is_unit_head",
    "behaviour_rating",
)
_RHK_LEVEL = ("rhk_description", "rhk_kind", "rhk_weight")
_ROW_TEXT = ("rhk_id", "rhk_description", "indicator_id", "indicator_name", "unit_of_measure")
#: The columns a plan may fill and still be taken by the columnar engine.
SIMPLE_COLUMNS = (
    "plan_id",
    "period",
    "nip",
    "name",
    "employee_kind",
    "position",
    "category",
    "jenjang",
    "level",
    "unit",
    "is_unit_head",
    "behaviour_rating",
    "rhk_id",
    "rhk_description",
    "rhk_kind",
    "rhk_weight",
    "indicator_id",
    "indicator_name",
    "unit_of_measure",
    "target",
    "direction",
    "indicator_kind",
    "indicator_weight",
    "realisasi",
)
_PLAN_LEVEL = ("period", "nip", "name", "employee_kind", "position", "category", "jenjang",
               "level", "unit", "is_unit_head", "behaviour_rating")  # fmt: skip
_PROTOTYPE_NIP = "198609262015051001"


@dataclass(frozen=True, slots=True)
class Accepted:
    """What :func:`accept` found: the batch, the accepted plans' first rows and texts."""

    batch: Batch
    #: Index (within the table) of the first row of each accepted plan.
    first: Ints
    #: Per accepted plan: plan_id, nip, name, unit and canonical period text.
    texts: dict[str, list[Any]]
    #: Index of the first row of every plan of the table, accepted or not.
    starts: Ints
    accepted: Bools


def decimals(values: npt.NDArray[np.float64]) -> tuple[Ints, Ints, Bools]:
    """The shortest decimal ``digits / 10**scale`` that each float reads as, where certain.

    A float cell is read as ``Decimal(repr(x))``. For ``scale`` from 0 to 15 the only
    candidate is ``rint(x·10^scale)``; the first scale whose candidate, below 10¹⁵, divides
    back to ``x`` (an exact integer over an exact power of ten, correctly rounded) is the
    shortest decimal that rounds to ``x``, hence repr's (below 10¹⁵ two such decimals at
    one scale would be 10^-scale apart, more than an ulp of x). Rows with none: ``ok`` False.
    """
    n = len(values)
    digits = np.zeros(n, np.int64)
    scale = np.zeros(n, np.int64)
    found = ~np.isfinite(values)
    for k in range(16):
        power = 10.0**k
        with np.errstate(over="ignore", invalid="ignore"):
            candidate = np.rint(values * power)
            fits = np.abs(candidate) < 1e15
            hit = ~found & fits & (np.where(fits, candidate, 0.0) / power == values)
        digits = np.where(hit, np.where(fits, candidate, 0.0).astype(np.int64), digits)
        scale = np.where(hit, k, scale)
        found |= hit
        if found.all():
            break
    return digits, scale, found & np.isfinite(values)


def _nip_ok(nips: list[Any], kinds: list[Any]) -> Bools:
    """The NIP rules of :func:`~kinerja_engine.models.nip.read_nip`, vectorised."""
    n = len(nips)
    ok = np.array(
        [isinstance(x, str) and len(x) == 18 and x.isascii() and x.isdigit() for x in nips],
        dtype=bool,
    )
    text = np.array([x if good else "0" * 18 for x, good in zip(nips, ok, strict=True)], "S18")
    d = text.view(np.uint8).reshape(n, 18).astype(np.int64) - 48

    def num(a: int, b: int) -> Ints:
        out = np.zeros(n, np.int64)
        for i in range(a, b):
            out = out * 10 + d[:, i]
        return out

    year, month, day = num(0, 4), num(4, 6), num(6, 8)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    days = days + ((month == 2) & leap)
    ok &= (year >= 1900) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    appointed, appointed_month = num(8, 12), num(12, 14)
    pns = np.array([k in (None, "PNS") for k in kinds], dtype=bool)
    age = appointed * 12 + appointed_month - (year * 12 + month)
    pns_ok = (appointed_month >= 1) & (appointed_month <= 12) & (age >= 17 * 12) & (age <= 720)
    pppk_ok = appointed - year >= 17
    ok &= np.where(pns, pns_ok, pppk_ok)
    ok &= (d[:, 14] == 1) | (d[:, 14] == 2)
    ok &= num(15, 18) > 0
    return ok


def _texts_ok(values: list[Any]) -> Bools:
    """Text cells the models keep as they are: strings, not empty, no edge whitespace."""
    return np.array([isinstance(x, str) and x != "" and x == x.strip() for x in values], dtype=bool)


def _prototype(combo: tuple[Any, ...]) -> tuple[Plan | None, Any]:
    """The one-indicator plan of a combination of low-cardinality cells, or None."""
    row = dict(zip(_COMBO, combo, strict=True))
    row |= {"plan_id": "p", "nip": _PROTOTYPE_NIP, "name": "n", "unit": "u", "rhk_id": "r",
            "rhk_description": "d", "indicator_id": "i", "indicator_name": "i",
            "unit_of_measure": "x", "target": 1, "direction": "higher",
            "realisasi": 1}  # fmt: skip
    try:
        (item,) = plans_from_rows([row])
    except KinerjaError:
        return None, None
    return (item, row) if isinstance(item, Plan) else (None, None)


def _column(table: Any, name: str) -> list[Any]:
    if name in table.column_names:
        values: list[Any] = table.column(name).to_pylist()
        return values
    return [None] * table.num_rows


def _numbers(table: Any, name: str) -> tuple[npt.NDArray[np.float64], Bools, Bools]:
    """A numeric column as floats, where it is a number the float holds exactly (typed
    numeric, not null), and where the cell is not empty at all."""
    pa = need("pyarrow", "columnar")
    n = table.num_rows
    if name not in table.column_names:
        return np.zeros(n), np.zeros(n, bool), np.zeros(n, bool)
    column = table.column(name)
    present = ~np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        # Text cells follow the spreadsheet rules of io.cells: the per-object path reads them.
        return np.zeros(n), np.zeros(n, bool), present
    raw = column.fill_null(0).to_numpy(zero_copy_only=False)
    filled = raw.astype(np.float64)
    if pa.types.is_integer(column.type):
        # Only integers a float holds exactly (an int64 beyond 2^53 would round).
        present &= np.abs(raw.astype(np.int64)) < 2**53
    return filled, present, present


def accept(table: Any, program: ColumnarProgram) -> Accepted:
    """Split ``table`` (whole plans) into the columnar batch and the per-object rest."""
    n = table.num_rows
    ok = np.ones(n, bool)
    for name in table.column_names:
        if name not in SIMPLE_COLUMNS:
            ok &= np.asarray(table.column(name).is_null().to_numpy(zero_copy_only=False), bool)
    cols = {name: _column(table, name) for name in SIMPLE_COLUMNS}
    plan_ids = cols["plan_id"]
    starts_mask = np.ones(n, bool)
    starts_mask[1:] = np.array([a != b for a, b in zip(plan_ids[1:], plan_ids[:-1], strict=True)])
    starts = np.flatnonzero(starts_mask)
    plan_of = np.cumsum(starts_mask) - 1
    for name in _PLAN_TEXT + _ROW_TEXT:
        ok &= _texts_ok(cols[name])
    ok &= np.array([x is None for x in cols["position"]]) | _texts_ok(cols["position"])
    # Plan-level cells equal on every row of the plan (a reader takes the first row's).
    for name in _PLAN_LEVEL:
        values = cols[name]
        same = np.array([a == b for a, b in zip(values[1:], values[:-1], strict=True)], bool)
        ok[1:] &= same | starts_mask[1:]
    ok &= _nip_ok(cols["nip"], cols["employee_kind"])
    # Low-cardinality cells: the models' own verdict once per distinct combination.
    combos = list(zip(*(cols[c] for c in _COMBO), strict=True))
    verdicts: dict[tuple[Any, ...], tuple[bool, int, int, int, str]] = {}
    rating = program.checked.enums["rating"]
    jenjang_enum = program.checked.enums.get("jenjang")
    for combo in set(combos):
        plan, _ = _prototype(combo)
        if plan is None:
            verdicts[combo] = (False, 0, -1, -1, "")
            continue
        perilaku = -1
        good = True
        if plan.behaviour is not None and plan.behaviour.rating is not None:
            try:
                perilaku = rating.members.index(rating.resolve(plan.behaviour.rating))
            except KinerjaError:
                good = False
        jenjang = -1
        level = plan.employee.position.jenjang
        if level is not None and jenjang_enum is not None:
            try:
                jenjang = jenjang_enum.members.index(jenjang_enum.resolve(level.value))
            except KinerjaError:
                jenjang = -1
        months = len(plan.period.months)
        verdicts[combo] = (good, months, perilaku, jenjang, str(plan.period))
    combo_info = [verdicts[c] for c in combos]
    ok &= np.array([v[0] for v in combo_info], bool)
    # Indicators: direction, kind, numbers.
    definition_names: dict[str, int] = {}
    definition = np.full(n, -1, np.int64)
    directions: dict[Any, str | None] = {}
    for value in set(cols["direction"]):
        try:
            directions[value] = None if value is None else parse_direction(value)
        except CellError:
            directions[value] = None
    for i, (direction, kind) in enumerate(zip(cols["direction"], cols["indicator_kind"],
                                              strict=True)):  # fmt: skip
        word = directions[direction]
        if word not in ("higher", "lower") or not ok[i]:
            ok[i] = False
            continue
        name = f"capaian_{kind}" if kind is not None else f"capaian_{word}"
        if (kind is not None and not _texts_ok([kind])[0]) or name not in program.scorable:
            ok[i] = False
            continue
        definition[i] = definition_names.setdefault(name, len(definition_names))
    real, real_ok, _ = _numbers(table, "realisasi")
    target, target_ok, _ = _numbers(table, "target")
    r_digits, r_scale, r_dec = decimals(real)
    t_digits, t_scale, t_dec = decimals(target)
    ok &= real_ok & target_ok & r_dec & t_dec
    ok &= np.array([k in (None, "utama") for k in cols["rhk_kind"]], bool)
    ok &= np.array([k is None or isinstance(k, str) for k in cols["indicator_kind"]], bool)
    # RHK runs: contiguous, ids unique in the plan, RHK-level cells equal within the run.
    rhk_ids = cols["rhk_id"]
    rhk_start = starts_mask.copy()
    rhk_start[1:] |= np.array([a != b for a, b in zip(rhk_ids[1:], rhk_ids[:-1], strict=True)])
    for name in _RHK_LEVEL:
        values = cols[name]
        same = np.array([a == b for a, b in zip(values[1:], values[:-1], strict=True)], bool)
        ok[1:] &= same | rhk_start[1:]
    seen: set[tuple[int, Any]] = set()
    seen_ind: set[tuple[int, Any]] = set()
    for i in range(n):
        key = (int(plan_of[i]), rhk_ids[i])
        if rhk_start[i]:
            if key in seen:
                ok[i] = False
            seen.add(key)
        ind = (int(plan_of[i]), cols["indicator_id"][i])
        if ind in seen_ind:
            ok[i] = False
        seen_ind.add(ind)
    rhk_of = np.cumsum(rhk_start) - 1
    w_num, w_den, w_ok = _weights(table, "indicator_weight", rhk_of, n)
    rw_num, rw_den, rw_ok_rows = _weights(table, "rhk_weight", plan_of, n, rhk_start)
    ok &= w_ok & rw_ok_rows
    # A plan is accepted when all its rows are.
    plan_ok = np.logical_and.reduceat(ok, starts) if n else np.zeros(0, bool)
    rows = plan_ok[plan_of]
    idx = np.flatnonzero(rows)
    keep_rhk = rhk_start & rows
    rhk_rows = np.flatnonzero(keep_rhk)
    new_rhk = np.cumsum(keep_rhk) - 1
    new_plan = np.cumsum(starts_mask & rows) - 1
    first = starts[plan_ok]

    batch = Batch(
        realisasi=from_decimal(r_digits[idx], r_scale[idx]),
        target=from_decimal(t_digits[idx], t_scale[idx]),
        definitions=tuple(definition_names),
        definition=definition[idx],
        ind_rhk=new_rhk[idx],
        rhk_plan=new_plan[rhk_rows],
        weight=(w_num[idx], w_den[idx]),
        rhk_weight=(rw_num[rhk_rows], rw_den[rhk_rows]),
        perilaku=np.array([combo_info[i][2] for i in first], np.int64),
        months=np.array([combo_info[i][1] for i in first], np.int64),
        jenjang=np.array([combo_info[i][3] for i in first], np.int64),
    )
    texts = {name: [cols[name][i] for i in first] for name in _PLAN_TEXT}
    texts["period"] = [combo_info[i][4] for i in first]
    return Accepted(batch, first, texts, starts, plan_ok)


def _weights(
    table: Any, name: str, group: Ints, n: int, counted: Bools | None = None
) -> tuple[Ints, Ints, Bools]:
    """Exact weights per row (numerator, denominator) and where they are acceptable.

    Per group (an RHK's indicators, a plan's RHK): all empty gives equal weights 100/k;
    otherwise every weight must be a whole number 1-100 and they must add up to 100.
    """
    counted = np.ones(n, bool) if counted is None else counted
    values, present, filled = _numbers(table, name)
    groups = int(group.max()) + 1 if n else 0
    members = np.bincount(group, weights=counted.astype(np.float64), minlength=groups)
    given = np.bincount(group, weights=(present & counted).astype(np.float64), minlength=groups)
    whole = present & (values == np.floor(values)) & (values >= 1) & (values <= 100)
    integer = np.where(whole, values, 0).astype(np.int64)
    total = np.bincount(group, weights=np.where(counted, integer, 0), minlength=groups)
    none_given = given[group] == 0
    all_given = given[group] == members[group]
    good = np.where(none_given, True, all_given & (total[group] == 100) & (whole | ~counted))
    count = members[group].astype(np.int64)
    num = np.where(none_given, 100, integer)
    den = np.where(none_given, np.maximum(count, 1), 1)
    # A cell that is not a number the float holds (text such as "100/3") is never read as
    # "no weight": the per-object path reads it.
    good &= present | ~filled
    return num.astype(np.int64), den.astype(np.int64), good


def decimal_text(value: Decimal) -> str:
    """How a Parquet file written by :func:`~kinerja_engine.io.write_rows` holds a number."""
    return format(value, "f")
