"""Band and matrix tables: their rows checked, their coverage proven.

Input: an :class:`~.infer.Inferrer` holding the definitions checked so far, and one
``band`` or ``matrix`` definition. Output: a :class:`~.checked.BandInfo` or
:class:`~.checked.MatrixInfo` stored in the inferrer's ``funcs``, and diagnostics.
Guarantees: a band table that passes covers its domain exactly once (every gap and every
overlap is reported, with the values concerned); a matrix that passes maps every combination of
its enums' members to exactly one row; bounds are constant numbers folded exactly.
Interval text comes from :func:`~kinerja_engine.formatting.format_interval`.

>>> from kinerja_engine.language.parser import parse_rulebook
>>> from kinerja_engine.errors import CheckError
>>> from kinerja_engine.language.checker import check_rulebook
>>> text = 'rulebook "r" band b(x in [0, inf)) { [0, 10) -> 1, [20, inf) -> 2 }'
>>> try:
...     check_rulebook(parse_rulebook(text), text)
... except CheckError as exc:
...     print(exc.diagnostics[0].message)
gap in band table 'b': values in [10, 20) are not covered
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Final

from ..formatting import format_interval, format_number
from ..values import Label
from .builtins import ANY, NUMBER, label_type
from .checked import BandInfo, EnumInfo, MatrixInfo
from .infer import Inferrer, Var, known, unify
from .nodes import BandDef, Interval, MatrixDef

__all__ = ["MAX_MATRIX_CELLS", "check_band", "check_matrix"]

#: Most combinations a matrix table may have (product of its enums' sizes).
MAX_MATRIX_CELLS: Final = 10_000


def _interval(
    checker: Inferrer, interval: Interval, what: str
) -> tuple[Fraction | None, bool, Fraction | None, bool] | None:
    lo = None if interval.lo is None else checker.fold_number(interval.lo, f"{what} lower bound")
    hi = None if interval.hi is None else checker.fold_number(interval.hi, f"{what} upper bound")
    if (interval.lo is not None and lo is None) or (interval.hi is not None and hi is None):
        return None
    if interval.lo is None and interval.lo_closed:
        checker.error("-inf cannot be included; write '(' before it", interval.span)
        return None
    if interval.hi is None and interval.hi_closed:
        checker.error("inf cannot be included; write ')' after it", interval.span)
        return None
    if (
        lo is not None
        and hi is not None
        and (lo > hi or (lo == hi and not (interval.lo_closed and interval.hi_closed)))
    ):
        checker.error(f"the interval {_show(interval, lo, hi)} is empty", interval.span)
        return None
    return lo, interval.lo_closed, hi, interval.hi_closed


def _show(interval: Interval | None, lo: Fraction | None, hi: Fraction | None,
          lo_closed: bool = False, hi_closed: bool = False) -> str:  # fmt: skip
    if interval is not None:
        lo_closed, hi_closed = interval.lo_closed, interval.hi_closed
    return format_interval(lo, lo_closed, hi, hi_closed)


def _lo_key(lo: Fraction | None, closed: bool) -> tuple[int, Fraction, int]:
    # Sort key of a lower bound: -inf first; at equal value a closed bound starts earlier.
    if lo is None:
        return (0, Fraction(0), 0)
    return (1, lo, 0 if closed else 1)


def check_band(checker: Inferrer, node: BandDef) -> None:
    param_type = checker.param_type(node.param)
    if param_type not in (None, NUMBER, ANY):
        checker.error(
            f"a band table ranges over a number; '{node.param.name}' is declared {param_type}",
            node.param.span,
        )
    domain: tuple[Fraction | None, bool, Fraction | None, bool] | None = (None, False, None, False)
    if node.domain is not None:
        domain = _interval(checker, node.domain, "domain")
    rows: list[tuple[Fraction | None, bool, Fraction | None, bool, int]] = []
    for i, row in enumerate(node.rows):
        parsed = _interval(checker, row.interval, "row")
        if parsed is not None:
            rows.append((*parsed, i))
    scope = {node.param.name: known(NUMBER)}
    result = Var()
    for row in node.rows:
        var = checker.infer(row.expr, scope)
        if not unify(result, var):
            checker.error(
                "every row of a band table must give the same kind of value: "
                f"this row gives {(var.resolved or ANY).describe()}, earlier rows give "
                f"{(result.resolved or ANY).describe()}",
                row.expr.span,
            )
    rows.sort(key=lambda r: _lo_key(r[0], r[1]))
    if domain is not None and len(rows) == len(node.rows):
        _coverage(checker, node, domain, rows)
    checker.funcs[node.name] = BandInfo(
        node.name,
        (node.param.name,),
        (NUMBER,),
        result.resolved or NUMBER,
        node,
        domain=domain or (None, False, None, False),
        rows=tuple(rows),
    )


Cut = tuple[int, Fraction, int]


def _start_cut(lo: Fraction | None, closed: bool) -> Cut:
    # A "cut" is a point between numbers: (rank, value, side); side 0 is just before the value,
    # 1 just after it. Rank 0 is -inf and 2 is +inf, so plain tuple order is the number line.
    return (0, Fraction(0), 0) if lo is None else (1, lo, 0 if closed else 1)


def _end_cut(hi: Fraction | None, closed: bool) -> Cut:
    return (2, Fraction(0), 0) if hi is None else (1, hi, 1 if closed else 0)


def _show_cuts(start: Cut, end: Cut) -> str:
    lo = None if start[0] != 1 else start[1]
    hi = None if end[0] != 1 else end[1]
    if lo is not None and lo == hi:
        return f"{{{format_number(lo)}}} (that single value)"
    return _show(None, lo, hi, start[2] == 0 and lo is not None, end[2] == 1 and hi is not None)


def _coverage(
    checker: Inferrer,
    node: BandDef,
    domain: tuple[Fraction | None, bool, Fraction | None, bool],
    rows: list[tuple[Fraction | None, bool, Fraction | None, bool, int]],
) -> None:
    """Prove that the rows cover the domain exactly once, reporting each gap and overlap.

    Each interval becomes a pair of cuts [start, end); with rows sorted by start, the domain is
    covered exactly once iff every row starts where the covered part ends.
    """
    d_start, d_end = _start_cut(domain[0], domain[1]), _end_cut(domain[2], domain[3])
    front = d_start
    # The texts of intervals are written only for a message (most tables have none).
    previous: tuple[Interval, Fraction | None, Fraction | None] | None = None
    for lo, lo_closed, hi, hi_closed, index in rows:
        interval = node.rows[index].interval
        start, end = _start_cut(lo, lo_closed), _end_cut(hi, hi_closed)
        if start < d_start or end > d_end:
            text, domain_text = _show(interval, lo, hi), _show_cuts(d_start, d_end)
            checker.error(
                f"row {text} of band table '{node.name}' reaches outside its domain {domain_text}",
                interval.span,
                "declare the domain with 'in', e.g. band b(x in [0, 120])",
            )
        elif start > front:
            checker.error(
                f"gap in band table '{node.name}': values in {_show_cuts(front, start)} "
                "are not covered",
                interval.span,
                "make each row start exactly where the previous one ends",
            )
        elif start < front:
            before = None if previous is None else _show(*previous)
            checker.error(
                f"overlap in band table '{node.name}': rows {before} and "
                f"{_show(interval, lo, hi)} both contain some values",
                interval.span,
                "use half-open intervals such as [76, 91) and [91, inf)",
            )
        front = max(front, end)
        previous = (interval, lo, hi)
    if front < d_end:
        checker.error(
            f"gap in band table '{node.name}': values in {_show_cuts(front, d_end)} "
            "are not covered",
            node.span,
            "end the last row where the domain ends (or at inf)",
        )


def check_matrix(checker: Inferrer, node: MatrixDef) -> None:
    enums: list[EnumInfo | None] = []
    for param in node.params:
        type_ = checker.param_type(param)
        if type_ is None or type_.kind != "label":
            if type_ is None:
                checker.error(
                    f"parameter '{param.name}' of matrix '{node.name}' needs an enum type",
                    param.span,
                    f"write it as {param.name}: <enum name>",
                )
            elif type_ != ANY:
                checker.error(
                    f"matrix parameters must be enums; '{param.name}' is {type_}", param.span
                )
            enums.append(None)
        else:
            enums.append(checker.enums[type_.enum])  # type: ignore[index]
    scope = {
        p.name: known(label_type(e.name) if e else ANY)
        for p, e in zip(node.params, enums, strict=True)
    }
    result = Var()
    rows_ok = True
    member_names = {e.name: {m.name for m in e.members} for e in enums if e is not None}
    for row in node.rows:
        if len(row.keys) != len(node.params):
            checker.error(
                f"this row has {len(row.keys)} keys; matrix '{node.name}' has "
                f"{len(node.params)} parameters",
                row.span,
            )
            rows_ok = False
            continue
        for key, enum, key_span in itertools.zip_longest(row.keys, enums, row.key_spans):
            if key is None or enum is None:
                continue
            if key not in member_names[enum.name]:
                names = [m.name for m in enum.members]
                checker.error(
                    f"'{key}' is not a member of {enum.name}",
                    key_span or row.span,
                    checker.did_you_mean(key, names) or f"members: {', '.join(names)}",
                )
                rows_ok = False
        var = checker.infer(row.expr, scope)
        if not unify(result, var):
            checker.error(
                "every cell of a matrix must give the same kind of value: this one gives "
                f"{(var.resolved or ANY).describe()}",
                row.expr.span,
            )
    table: dict[tuple[Label, ...], int] = {}
    if rows_ok and all(e is not None for e in enums):
        table = _matrix_table(checker, node, [e for e in enums if e is not None])
    checker.funcs[node.name] = MatrixInfo(
        node.name,
        tuple(p.name for p in node.params),
        tuple(label_type(e.name) if e else ANY for e in enums),
        result.resolved or NUMBER,
        node,
        table=table,
    )


def _matrix_table(
    checker: Inferrer, node: MatrixDef, enums: list[EnumInfo]
) -> dict[tuple[Label, ...], int]:
    size = 1
    for enum in enums:
        size *= len(enum.members)
    if size > MAX_MATRIX_CELLS:
        checker.error(
            f"matrix '{node.name}' has {size:,} combinations; the limit is {MAX_MATRIX_CELLS:,}",
            node.span,
        )
        return {}
    # Each row marks the combinations it matches (its wildcards range over whole enums), so
    # the work is the number of (row, combination) matches, not rows × combinations. Any
    # combination matched twice is an error anyway, so marking stops at a budget linear in
    # the table: a text with more overlap than that is refused without listing it all.
    positions = [{m.name: i for i, m in enumerate(e.members)} for e in enums]
    matches: dict[tuple[int, ...], list[int]] = {}
    budget = size + len(node.rows) + MAX_MATRIX_CELLS
    marks = 0
    for r, row in enumerate(node.rows):
        axes = [
            range(len(e.members)) if k is None else (pos[k],)
            for k, e, pos in zip(row.keys, enums, positions, strict=True)
        ]
        for combo_index in itertools.product(*axes):
            marks += 1
            if marks > budget:
                checker.error(
                    f"matrix '{node.name}' is ambiguous: its rows match combinations more "
                    f"than {budget - size:,} times over",
                    row.span,
                    "each combination must be matched by exactly one row",
                )
                return {}
            matches.setdefault(combo_index, []).append(r)
    table: dict[tuple[Label, ...], int] = {}
    missing: list[str] = []
    for combo_index in itertools.product(*(range(len(e.members)) for e in enums)):
        combo = tuple(e.members[i] for e, i in zip(enums, combo_index, strict=True))
        found = matches.get(combo_index, ())
        if len(found) == 1:
            table[combo] = found[0]
            continue
        names = ", ".join(label.name for label in combo)  # for a message only
        if not found:
            missing.append(f"({names})")
        else:
            lines = " and ".join(
                "(" + ", ".join(k or "_" for k in node.rows[i].keys) + ")" for i in found
            )
            checker.error(
                f"matrix '{node.name}' is ambiguous: ({names}) is matched by rows {lines}",
                node.rows[found[1]].span,
                "each combination must be matched by exactly one row",
            )
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        checker.error(
            f"matrix '{node.name}' is incomplete: no row for {shown}",
            node.span,
            "add the missing rows, or a row with '_' as a wildcard",
        )
    return table
