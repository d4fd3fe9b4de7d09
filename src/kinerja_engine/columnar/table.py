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
from ..io.table import plans_from_rows
from ..models import Plan
from .arith import from_decimal
from .lazy import arrow, compute
from .program import Batch, ColumnarProgram

__all__ = [
    "DICTIONARY_COLUMNS",
    "REQUIRED_COLUMNS",
    "SIMPLE_COLUMNS",
    "Accepted",
    "accept",
    "decimals",
    "is_text",
    "plain",
]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

_PLAN_TEXT = ("plan_id", "nip", "name", "unit")
#: The columns :func:`accept` needs: a table without one of them has no plan the columns can
#: take (each is required of every plan), and goes whole to the per-object path.
REQUIRED_COLUMNS = _PLAN_TEXT
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
#: Text columns with few distinct values: read from Parquet as dictionaries (no string per
#: row is made, and their codes come for free); acceptance reads both forms alike.
DICTIONARY_COLUMNS = (*_COMBO, *_ROW_TEXT, "rhk_kind", "direction", "indicator_kind")


@dataclass(frozen=True, slots=True)
class Accepted:
    """What :func:`accept` found: the batch, the accepted plans' first rows and texts."""

    batch: Batch
    #: Index (within the table) of the first row of each accepted plan.
    first: Ints
    #: Per accepted plan: plan_id, nip, name, unit and canonical period text (Arrow arrays).
    texts: dict[str, Any]
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
    found = np.zeros(n, bool)
    todo = np.flatnonzero(np.isfinite(values))  # the rows not found yet
    for k in range(16):
        if not len(todo):
            break
        power = 10.0**k
        x = values[todo]
        with np.errstate(over="ignore", invalid="ignore"):
            candidate = np.rint(x * power)
            fits = np.abs(candidate) < 1e15
            candidate = np.where(fits, candidate, 0.0)
            hit = fits & (candidate / power == x)
        rows = todo[hit]
        digits[rows] = candidate[hit].astype(np.int64)
        scale[rows] = k
        found[rows] = True
        todo = todo[~hit]
    return digits, scale, found


def _nip_ok(column: Any, pns: Bools) -> Bools:
    """The NIP rules of :func:`~kinerja_engine.models.nip.read_nip`, vectorised; ``pns``
    says per row which rules apply (the employee kind as the model resolved it)."""
    pa, pc = arrow(), compute()
    n = len(pns)
    column = plain(column)
    if column is None or not pa.types.is_string(column.type):
        return np.zeros(n, bool)
    valid = _bools(pc.match_substring_regex(column, "^[0-9]{18}$"))
    zeros = "0" * 18
    text = pc.if_else(pa.array(valid), column.combine_chunks(), zeros)
    fixed = pc.cast(pc.cast(text, pa.binary()), pa.binary(18))
    raw = np.frombuffer(fixed.buffers()[1], np.uint8, count=18 * n, offset=18 * fixed.offset)
    d = raw.reshape(n, 18).astype(np.int64) - 48

    def num(a: int, b: int) -> Ints:
        out = np.zeros(n, np.int64)
        for i in range(a, b):
            out = out * 10 + d[:, i]
        return out

    ok = valid.copy()
    year, month, day = num(0, 4), num(4, 6), num(6, 8)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    days = days + ((month == 2) & leap)
    ok &= (year >= 1900) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    appointed, appointed_month = num(8, 12), num(12, 14)
    age = appointed * 12 + appointed_month - (year * 12 + month)
    pns_ok = (appointed_month >= 1) & (appointed_month <= 12) & (age >= 17 * 12) & (age <= 720)
    pppk_ok = appointed - year >= 17
    ok &= np.where(pns, pns_ok, pppk_ok)
    ok &= (d[:, 14] == 1) | (d[:, 14] == 2)
    ok &= num(15, 18) > 0
    return ok


def _bools(array: Any) -> Bools:
    """A boolean Arrow array as numpy, null as False."""
    pc = compute()
    filled = pc.fill_null(array, False) if array.null_count else array
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool)


def _texts_ok(column: Any, n: int) -> Bools:
    """Text cells the models keep as they are: strings, starting and ending with a visible
    ASCII character (so stripping whitespace, as the models do, changes nothing)."""
    pa, pc = arrow(), compute()
    column = plain(column)
    if column is None or not pa.types.is_string(column.type):
        return np.zeros(n, bool)
    # The first and the last character (as one-character strings: a character beyond ASCII
    # compares above "~", an empty cell gives "" below "!"), what "(?s)^[!-~](.*[!-~])?$"
    # matches, without a regular expression.
    first, last = pc.utf8_slice_codeunits(column, 0, 1), pc.utf8_slice_codeunits(column, -1)
    visible = [pc.greater_equal(first, "!"), pc.less_equal(first, "~"),
               pc.greater_equal(last, "!"), pc.less_equal(last, "~")]  # fmt: skip
    return _bools(pc.and_(pc.and_(visible[0], visible[1]), pc.and_(visible[2], visible[3])))


def _distinct_texts_ok(column: Any, n: int, encoded: tuple[Ints, list[Any]]) -> Bools:
    """:func:`_texts_ok` checked once per distinct value (ids and names repeat a lot);
    ``encoded``: the column's :func:`_codes`."""
    if column is None or not is_text(column.type):
        return np.zeros(n, bool)
    pa = arrow()
    codes, values = encoded
    verdict = _texts_ok(pa.chunked_array([pa.array(values, pa.string())]), len(values))
    return np.append(verdict, False)[codes]  # code -1 (empty) picks the False at the end


def _same_as_previous(column: Any, n: int, codes: Ints | None = None) -> Bools:
    """Per row from the second: the cell equals the previous row's (both empty counts)."""
    pa, pc = arrow(), compute()
    if column is None or n < 2:
        return np.ones(max(n - 1, 0), bool)
    if pa.types.is_dictionary(column.type):
        # Equal codes: equal cells (both empty: -1). ``codes``: the column's, if known.
        codes = _codes(column, n)[0] if codes is None else codes
        equal: Bools = codes[1:] == codes[:-1]
        return equal
    head, tail = column.slice(1), column.slice(0, n - 1)
    same = _bools(pc.equal(head, tail))
    if column.null_count == 0:
        return same
    return same | _bools(pc.and_(head.is_null(), tail.is_null()))


def _codes(column: Any, n: int) -> tuple[Ints, list[Any]]:
    """Dictionary codes of a column (-1 for empty cells) and the distinct values."""
    pa, pc = arrow(), compute()
    if column is None:
        return np.full(n, -1, np.int64), []
    # One array first: the codes of every chunk then index one dictionary.
    whole = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    encoded = pc.dictionary_encode(whole)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    if pa.types.is_dictionary(whole.type):
        # A dictionary read as such (its values may repeat, or be empty): its values
        # encoded once more, and the codes mapped through them.
        again = pc.dictionary_encode(encoded.dictionary)
        remap = again.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        codes = np.append(remap, -1)[codes]  # code -1 (an empty cell) stays -1
        encoded = again
    values: list[Any] = encoded.dictionary.to_pylist()
    return codes, values


def is_text(kind: Any) -> bool:
    """Whether an Arrow type holds text: strings, or a dictionary of strings."""
    pa = arrow()
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind))


def plain(column: Any) -> Any:
    """A dictionary column of text as plain strings (any other column as it is)."""
    pa = arrow()
    if column is not None and pa.types.is_dictionary(column.type) and is_text(column.type):
        return column.cast(pa.string())
    return column


def _combined(codes: list[Ints]) -> tuple[Ints, Ints]:
    """The distinct rows of several code columns: (first row of each, inverse per row)."""
    n = len(codes[0])
    key = np.zeros(n, np.int64)
    size = 1
    for c in codes:
        # Mixed radix over the codes (+1 for empty), renumbered when the key would pass
        # 2²⁰ values, so that it stays below 2⁴⁰ whatever the number of distinct values.
        radix = int(c.max(initial=-1)) + 2
        if size * radix >= 2**20:
            key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
            size = int(key.max(initial=-1)) + 1
        key = key * radix + (c + 1)
        size *= radix
    if size < 2**20:
        # Few possible keys: by counting, in key order as np.unique gives them (no sort).
        present = np.flatnonzero(np.bincount(key, minlength=size))
        lookup = np.zeros(size, np.int64)
        lookup[present] = np.arange(len(present))
        inverse = lookup[key]
        first = np.full(len(present), n, np.int64)
        np.minimum.at(first, inverse, np.arange(n))
        return first, inverse
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _prototype(combo: tuple[Any, ...]) -> Plan | None:
    """The one-indicator plan of a combination of low-cardinality cells, or None."""
    row = dict(zip(_COMBO, combo, strict=True))
    row |= {"plan_id": "p", "nip": _PROTOTYPE_NIP, "name": "n", "unit": "u", "rhk_id": "r",
            "rhk_description": "d", "indicator_id": "i", "indicator_name": "i",
            "unit_of_measure": "x", "target": 1, "direction": "higher",
            "realisasi": 1}  # fmt: skip
    try:
        (item,) = plans_from_rows([row])
    except KinerjaError:
        return None
    return item if isinstance(item, Plan) else None


def _numbers(table: Any, name: str) -> tuple[npt.NDArray[np.float64], Bools, Bools]:
    """A numeric column as floats, where it is a number the float holds exactly (typed
    numeric, not null), and where the cell is not empty at all."""
    pa = arrow()
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


def _unique_in_plan(plan_of: Ints, codes: Ints, rows: Bools) -> Bools:
    """False on the rows (among ``rows``) whose (plan, code) pair occurs more than once."""
    key = plan_of * (int(codes.max(initial=-1)) + 2) + (codes + 1)
    chosen = key[rows]
    ordered = np.sort(chosen)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    ok = np.ones(len(rows), bool)
    if len(repeated):
        ok[rows] = ~np.isin(chosen, repeated)
    return ok


def _verdict(combo: tuple[Any, ...], rating: Any,
             jenjang_enum: Any) -> tuple[bool, bool, int, int, int, str]:  # fmt: skip
    """The model's verdict on one combination of the low-cardinality cells: accepted, PNS,
    months, behaviour rating index, jenjang index, canonical period text."""
    plan = _prototype(combo)
    if plan is None:
        return False, False, 0, -1, -1, ""
    good = True
    perilaku = jenjang = -1
    if plan.behaviour is not None and plan.behaviour.rating is not None:
        try:
            perilaku = rating.members.index(rating.resolve(plan.behaviour.rating))
        except KinerjaError:
            good = False  # the pipeline refuses the rating: the exact path says so
    level = plan.employee.position.jenjang
    if level is not None and jenjang_enum is not None:
        try:
            jenjang = jenjang_enum.members.index(jenjang_enum.resolve(level.value))
        except KinerjaError:
            jenjang = -1  # as the pipeline: an unknown jenjang is no jenjang
    pns = plan.employee.kind.value == "PNS"
    return good, pns, len(plan.period.months), perilaku, jenjang, str(plan.period)


def _combos(
    encoded: list[tuple[Ints, list[Any]]], program: ColumnarProgram, n: int
) -> tuple[Bools, Ints, Ints, Ints, Any, Bools]:
    """Per row, from the model's verdict on each distinct combination of the
    low-cardinality cells (``encoded``: the :func:`_codes` of each column of ``_COMBO``, for
    ``n`` rows): accepted, months, behaviour rating index, jenjang index, canonical period
    text (an Arrow array), and whether the model reads the employee as PNS."""
    pa = arrow()
    first, inverse = _combined([codes for codes, _ in encoded])
    rating = program.checked.enums["rating"]
    jenjang_enum = program.checked.enums.get("jenjang")
    good = np.zeros(len(first), bool)
    months = np.zeros(len(first), np.int64)
    perilaku = np.full(len(first), -1, np.int64)
    jenjang = np.full(len(first), -1, np.int64)
    pns = np.zeros(len(first), bool)
    periods: list[str] = []
    for k, row in enumerate(first.tolist()):
        combo = tuple(values[codes[row]] if codes[row] >= 0 else None
                      for codes, values in encoded)  # fmt: skip
        verdict = program.verdicts.get(combo)
        if verdict is None:
            verdict = _verdict(combo, rating, jenjang_enum)
            if len(program.verdicts) >= 100_000:
                program.verdicts.clear()  # bounded: a new batch refills what it needs
            program.verdicts[combo] = verdict
        good[k], pns[k], months[k], perilaku[k], jenjang[k], period = verdict
        periods.append(period)
    period_rows = pa.array(periods, pa.string()).take(pa.array(inverse, pa.int64()))
    return (good[inverse], months[inverse], perilaku[inverse], jenjang[inverse],
            period_rows, pns[inverse])  # fmt: skip


def _definitions(
    encoded: list[tuple[Ints, list[Any]]], program: ColumnarProgram
) -> tuple[Ints, tuple[str, ...]]:
    """Per row, the code of its capaian definition (-1: not scorable by the columns), from
    the :func:`_codes` of the direction and indicator_kind columns."""
    (dir_codes, dir_values), (kind_codes, kind_values) = encoded
    first, inverse = _combined([dir_codes, kind_codes])
    names: dict[str, int] = {}
    per_combo = np.full(len(first), -1, np.int64)
    for k, row in enumerate(first.tolist()):
        direction = dir_values[dir_codes[row]] if dir_codes[row] >= 0 else None
        kind = kind_values[kind_codes[row]] if kind_codes[row] >= 0 else None
        try:
            word = None if direction is None else parse_direction(direction)
        except CellError:
            continue
        if word not in ("higher", "lower"):
            continue
        if kind is not None and not (isinstance(kind, str) and kind and kind == kind.strip()):
            continue
        name = f"capaian_{kind}" if kind is not None else f"capaian_{word}"
        if name in program.scorable:
            per_combo[k] = names.setdefault(name, len(names))
    return per_combo[inverse], tuple(names)


def accept(table: Any, program: ColumnarProgram) -> Accepted:
    """Split ``table`` (whole plans) into the columnar batch and the per-object rest."""
    pa, pc = arrow(), compute()
    n = table.num_rows
    ok = np.ones(n, bool)
    present = set(table.column_names)
    for name in table.column_names:
        if name not in SIMPLE_COLUMNS:
            ok &= _bools(table.column(name).is_null())

    def col(name: str) -> Any:
        return table.column(name) if name in present else None

    known: dict[str, tuple[Ints, list[Any]]] = {}

    def codes(name: str) -> tuple[Ints, list[Any]]:
        """The column's :func:`_codes`, computed once per batch."""
        if name not in known:
            known[name] = _codes(col(name), n)
        return known[name]

    def same(name: str) -> Bools:
        column = col(name)
        if column is not None and pa.types.is_dictionary(column.type):
            return _same_as_previous(column, n, codes(name)[0])
        return _same_as_previous(column, n)

    starts_mask = np.ones(n, bool)
    if n > 1:
        starts_mask[1:] = ~same("plan_id")
        # A row without a plan_id is a plan (an error) of its own, as the readers take it.
        if "plan_id" in present:
            starts_mask |= _bools(table.column("plan_id").is_null())
    starts = np.flatnonzero(starts_mask)
    plan_of = np.cumsum(starts_mask) - 1
    # Plan-level cells equal on every row of the plan (a reader takes the first row's), so
    # their checks run on the first rows only.
    for name in _PLAN_LEVEL:
        ok[1:] &= same(name) | starts_mask[1:]
    wanted = [c for c in (*_PLAN_TEXT, "position", *_COMBO) if c in present]
    heads = table.select(list(dict.fromkeys(wanted))).take(pa.array(starts))
    m = len(starts)
    head_ok = np.ones(m, bool)
    for name in _PLAN_TEXT:
        if name != "nip":  # eighteen digits (_nip_ok, below) are visible ASCII already
            head_ok &= _texts_ok(heads.column(name) if name in present else None, m)
    if "position" in present:
        position = heads.column("position")
        head_ok &= _bools(position.is_null()) | _texts_ok(position, m)
    head_codes = []
    for name in _COMBO:
        column = col(name)
        if column is not None and pa.types.is_dictionary(column.type):
            whole, values = codes(name)  # known already (its rows were compared)
            head_codes.append((whole[starts], values))
        else:
            head_codes.append(_codes(heads.column(name) if name in present else None, m))
    good, months, perilaku, jenjang, periods, pns = _combos(head_codes, program, m)
    head_ok &= good & _nip_ok(heads.column("nip") if "nip" in present else None, pns)
    ok &= head_ok[plan_of]
    encoded = {name: codes(name) for name in _ROW_TEXT}
    for name in _ROW_TEXT:
        ok &= _distinct_texts_ok(col(name), n, encoded[name])
    definition, definition_names = _definitions(
        [codes("direction"), codes("indicator_kind")], program
    )
    ok &= definition >= 0
    real, real_ok, _ = _numbers(table, "realisasi")
    target, target_ok, _ = _numbers(table, "target")
    r_digits, r_scale, r_dec = decimals(real)
    t_digits, t_scale, t_dec = decimals(target)
    ok &= real_ok & target_ok & r_dec & t_dec
    kind = col("rhk_kind")
    if kind is not None:
        ok &= _bools(kind.is_null()) | _bools(pc.equal(kind, "utama"))
    # RHK runs: contiguous, ids unique in the plan, RHK-level cells equal within the run.
    rhk_start = starts_mask.copy()
    if n > 1:
        rhk_start[1:] |= ~same("rhk_id")
    for name in _RHK_LEVEL:
        ok[1:] &= same(name) | rhk_start[1:]
    ok &= _unique_in_plan(plan_of, encoded["rhk_id"][0], rhk_start)
    ok &= _unique_in_plan(plan_of, encoded["indicator_id"][0], np.ones(n, bool))
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
        definitions=definition_names,
        definition=definition[idx],
        ind_rhk=new_rhk[idx],
        rhk_plan=new_plan[rhk_rows],
        weight=(w_num[idx], w_den[idx]),
        rhk_weight=(rw_num[rhk_rows], rw_den[rhk_rows]),
        perilaku=perilaku[plan_ok],
        months=months[plan_ok],
        jenjang=jenjang[plan_ok],
    )
    keep = pa.array(plan_ok)
    texts = {name: plain(pc.filter(heads.column(name), keep)).combine_chunks()
             for name in _PLAN_TEXT}  # fmt: skip
    texts["period"] = pc.filter(periods, keep)
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
