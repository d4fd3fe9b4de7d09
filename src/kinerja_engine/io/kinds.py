"""A plan's indicator kinds checked against a rulebook while its table is read.

Input: a validated :class:`~kinerja_engine.models.Plan`, a kind check (a callable that, given
an indicator's kind, or its direction when it has none, says why the rulebook cannot score
it, or ``None``), and where each indicator's row is. Output: ``None`` when every indicator
can be scored, else a :class:`~kinerja_engine.io.errors.TableError` naming the file, the row
and the column (``indicator_kind``, or ``direction`` for an indicator without a kind) of the
first unknown kind, with the rulebook's did-you-mean, and how many more there are.
Guarantees: one call of the check per indicator without its own formula; the check is the
scoring layer's (:class:`kinerja_engine.scoring.contract.KindIndex` is one: it caches each
kind and searches a bounded index), so reading n rows costs O(n) checks; this layer only
places the answer.

>>> from kinerja_engine.models import example_plan
>>> def no_kinds(kind: str) -> str | None:
...     return f"rulebook 'r' has no indicator kind '{kind}'"
>>> err = kind_error(example_plan(), no_kinds, lambda r, i: 2 + i, source="plans.csv")
>>> err.row, err.table_column, err.field
(2, 'direction', 'rhk.0.indicators.0.kind')
>>> err.reason
"indicator 'i1' (Waktu): rulebook 'r' has no indicator kind 'lower' (and 1 more: row 3)"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from ..errors import KinerjaError, UsageError
from ..models import Plan
from .errors import TableError

__all__ = ["KindCheck", "kind_error", "require_kinds", "whole_plan"]

#: Why an indicator of this kind (or direction) cannot be scored, or ``None`` when it can.
KindCheck: TypeAlias = Callable[[str], "str | None"]


def require_kinds(kinds: object, what: str) -> None:
    """Refuse a ``kinds=`` argument that is not a kind check (or ``None``).

    >>> require_kinds("gajahmungkur", "read_plans")
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.UsageError: read_plans: 'kinds' must be a kind check such as \
kinerja_engine.scoring.contract.KindIndex(rulebook), or None; got str
    """
    if kinds is not None and not callable(kinds):
        raise UsageError(
            f"{what}: 'kinds' must be a kind check such as kinerja_engine.scoring.contract."
            f"KindIndex(rulebook), or None; got {type(kinds).__name__}"
        )


def kind_error(
    plan: Plan,
    kinds: KindCheck,
    row_of: Callable[[int, int], int],
    *,
    source: str | None = None,
    sheet: str | None = None,
    table: bool = True,
) -> TableError | None:
    """The error of the first indicator of ``plan`` whose kind ``kinds`` refuses, or None.

    ``row_of(r, i)`` is the row of indicator ``i`` of RHK ``r``; ``table`` says the plan
    came from the flat table (so a column is named), not a whole plan in JSON (a field is).
    """
    found: list[tuple[int, str, str, str]] = []
    for r, rhk in enumerate(plan.rhk):
        for i, ind in enumerate(rhk.indicators):
            if ind.formula is not None:
                continue
            problem = kinds(ind.kind or ind.direction.value)
            if problem is not None:
                column = "indicator_kind" if ind.kind else "direction"
                message = f"indicator '{ind.id}' ({ind.name}): {problem}"
                found.append((row_of(r, i), column, f"rhk.{r}.indicators.{i}.kind", message))
    if not found:
        return None
    row, column, field, message = found[0]
    if len(found) > 1:
        rest = ", ".join(f"row {r}" for r, _, _, _ in found[1:4])
        message += f" (and {len(found) - 1} more: {rest}{'…' * (len(found) > 4)})"
    return TableError(
        message,
        file=source,
        row=row,
        sheet=sheet,
        column=column if table else None,
        field=field,
        employee=str(plan.employee.nip),
        plan_id=plan.id,
    )


def whole_plan(
    row: Mapping[str, Any],
    number: int,
    source: str | None,
    sheet: str | None,
    kinds: KindCheck | None = None,
) -> Plan | TableError:
    """A whole plan in the models' own form (an object of a JSON file), validated, its kinds
    checked when ``kinds`` is given; else the error naming its row.

    >>> print(whole_plan({"id": "p"}, 4, "plans.jsonl", None).row)
    4
    """
    try:
        plan = Plan.model_validate(row)
    except KinerjaError as exc:
        plan_id = row.get("id")
        return TableError(
            exc.message,
            file=source,
            row=number,
            sheet=sheet,
            field=getattr(exc, "field", None),
            plan_id=plan_id if isinstance(plan_id, str) else None,
        )
    if kinds is None:
        return plan
    bad = kind_error(plan, kinds, lambda r, i: number, source=source, sheet=sheet, table=False)
    return plan if bad is None else bad
