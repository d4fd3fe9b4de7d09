"""Flat records of appraisals: one row per employee, one row per indicator.

Input: appraisals (read only by attribute name, numbers through ``Fraction(x)``, so both the
dataclass and the pydantic form of :class:`~kinerja_engine.scoring.Appraisal` work) and
:class:`~kinerja_engine.io.errors.TableError` items of a reader, which become error rows.
Output: plain dicts whose values are ``str``, ``int``, :class:`~decimal.Decimal` or ``None``,
so ``pandas.DataFrame(records)``, ``polars.DataFrame(records)`` and ``csv.DictWriter`` take
them as they are. Guarantees:

- no nesting: labels become their text, statuses their value, conversions one
  ``conversion_<name>`` column each, lists of notes or periods one ``"; "``-joined text;
- numbers: a value that is a finite decimal is given exactly; any other is rounded half up to
  :data:`RECORD_PLACES` places and its exact value kept as ``"p/q"`` text in the column of
  the same name with ``_exact`` appended (``None`` when the decimal is exact);
- every appraisal record has every column of :data:`APPRAISAL_COLUMNS` (plus its conversions),
  every indicator record every column of :data:`INDICATOR_COLUMNS`.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> from kinerja_engine.scoring import appraise
>>> a = appraise(example_plan(), rulebooks.load("gajahmungkur"))
>>> row = appraisal_records([a])[0]
>>> row["plan_id"], row["status"], row["employee"]
('p', 'incomplete', '198609262015051001')
>>> [(r["indicator_id"], r["status"], r["capaian"], r["capaian_exact"])
...  for r in indicator_records([a])]  # doctest: +NORMALIZE_WHITESPACE
[('i1', 'reported', Decimal('83.333333'), '250/3'), ('i2', 'not_reported', None, None)]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any, Final

from ..errors import UsageError
from ..language.formula import Rulebook
from ..values import fraction_to_decimal, is_terminating, normalize, round_half_up
from .errors import TableError
from .optional import need

__all__ = [
    "APPRAISAL_COLUMNS",
    "INDICATOR_COLUMNS",
    "INT_COLUMNS",
    "NUMBER_COLUMNS",
    "RECORD_PLACES",
    "appraisal_columns",
    "appraisal_records",
    "indicator_records",
    "iter_appraisal_records",
    "record_number",
    "record_schema",
    "to_frame",
]

#: Decimal places of a rounded number in a record (half up); the exact value is in ``_exact``.
RECORD_PLACES: Final = 6

Record = dict[str, str | int | Decimal | None]

_APPRAISAL_NUMBERS: Final = ("nilai_hasil_kerja", "nilai_perilaku", "nilai_kinerja")
_LABELS: Final = (
    "rating_hasil_kerja_rekomendasi",
    "rating_hasil_kerja",
    "rating_perilaku",
    "predikat_rekomendasi",
    "predikat",
)
_ERROR_PLACE: Final = ("error_file", "error_sheet", "error_row", "error_column", "error_field")

#: The columns of an appraisal record, in order (conversions follow, one column each).
APPRAISAL_COLUMNS: Final = (
    "plan_id",
    "employee",
    "employee_name",
    "unit",
    "period",
    "status",
    "rulebook",
    *(c for n in _APPRAISAL_NUMBERS for c in (n, f"{n}_exact")),
    *_LABELS,
    "overrides",
    "missing_periods",
    "notes",
    "error",
    *_ERROR_PLACE,
)

_INDICATOR_NUMBERS: Final = (
    "rhk_weight",
    "rhk_nilai",
    "realisasi",
    "capaian",
    "capped_from",
    "weight",
    "nilai",
)

#: The columns of an indicator record, in order.
INDICATOR_COLUMNS: Final = (
    "plan_id",
    "employee",
    "period",
    "status_appraisal",
    "rhk_id",
    "rhk_kind",
    "indicator_id",
    "name",
    "unit_of_measure",
    "direction",
    "target",
    "target_min",
    "target_max",
    "status",
    "rule",
    *(c for n in _INDICATOR_NUMBERS for c in (n, f"{n}_exact")),
    # A qualitative indicator's target and realisasi are labels: their text (None otherwise).
    "target_label",
    "realisasi_label",
)

#: Columns whose values are numbers (the rest are text, except ``error_row``, an int).
NUMBER_COLUMNS: Final = frozenset(
    (*_APPRAISAL_NUMBERS, *_INDICATOR_NUMBERS, "target", "target_min", "target_max")
)


def record_number(value: object) -> tuple[Decimal | None, str | None]:
    """A number for a record and its exact ``"p/q"`` text when the decimal is not exact.

    >>> record_number(Fraction(1, 3)), record_number(Decimal("95.50")), record_number(None)
    ((Decimal('0.333333'), '1/3'), (Decimal('95.5'), None), (None, None))
    """
    if value is None:
        return None, None
    exact = Fraction(value)  # type: ignore[call-overload]
    if is_terminating(exact):
        # Exact whatever its length (a division would round at the context's 28 digits).
        return normalize(fraction_to_decimal(exact)), None
    return round_half_up(exact, RECORD_PLACES), f"{exact.numerator}/{exact.denominator}"


def _numbers(out: Record, name: str, value: object) -> None:
    out[name], out[f"{name}_exact"] = record_number(value)


def _text(value: object) -> str | None:
    """Text of a label, enum or plain value (labels by their text, enums by their value)."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    text = getattr(value, "text", None)
    return text if isinstance(text, str) and text else str(value)


#: Columns of whole numbers (``error_row``): int64 in a Parquet records file even when no row
#: has a value, so every engine's file has the same schema.
INT_COLUMNS: Final = frozenset({"error_row"})


def appraisal_columns(book: Rulebook) -> list[str]:
    """The columns of a file of ``book``'s appraisal records: :data:`APPRAISAL_COLUMNS`, then
    ``conversion_<name>`` and ``conversion_<name>_exact`` per conversion (``konversi_<name>``)
    of the rulebook, the columns every engine writes, whether or not a row fills them.

    >>> from kinerja_engine import rulebooks
    >>> appraisal_columns(rulebooks.load("gajahmungkur"))[-2:]
    ['conversion_tpp_persen', 'conversion_tpp_persen_exact']
    """
    names = [*APPRAISAL_COLUMNS]
    for name in book:
        if name.startswith("konversi_") and name in book.checked.funcs:
            key = f"conversion_{name.removeprefix('konversi_')}"
            names += [key, f"{key}_exact"]
    return names


def record_schema(columns: Iterable[str]) -> Any:
    """The Arrow schema of a Parquet file of appraisal records with ``columns``: int64 for
    :data:`INT_COLUMNS`, text for every other (numbers as exact decimal text), the schema
    both the per-object writer and the columnar engine write.

    >>> [str(t) for t in record_schema(["plan_id", "error_row"]).types]
    ['string', 'int64']
    """
    pa = need("pyarrow", "parquet")
    return pa.schema([(n, pa.int64() if n in INT_COLUMNS else pa.string()) for n in columns])


def _is_number(value: object) -> bool:
    return isinstance(value, int | Fraction | Decimal) and not isinstance(value, bool)


def _appraisal(a: Any) -> Record:
    out: Record = {
        "plan_id": a.plan_id,
        "employee": a.employee,
        "employee_name": a.employee_name,
        "unit": a.unit,
        "period": _text(a.period),
        "status": _text(a.status),
        "rulebook": a.rulebook or None,
    }
    for name in _APPRAISAL_NUMBERS:
        _numbers(out, name, getattr(a, name, None))
    for name in _LABELS:
        out[name] = _text(getattr(a, name, None))
    overrides = [
        _text(o[0] if isinstance(o, tuple) else getattr(o, "what", o)) for o in a.overrides
    ]
    out["overrides"] = "; ".join(o for o in overrides if o) or None
    out["missing_periods"] = "; ".join(str(p) for p in a.missing_periods) or None
    out["notes"] = "; ".join(str(n) for n in a.notes) or None
    out["error"] = a.error
    out |= dict.fromkeys(_ERROR_PLACE)
    for key, value in dict(a.conversions).items():
        if _is_number(value):
            _numbers(out, f"conversion_{key}", value)
        else:
            out[f"conversion_{key}"] = _text(value)
    return out


def _error(e: TableError) -> Record:
    out: Record = dict.fromkeys(APPRAISAL_COLUMNS)
    out |= {
        "plan_id": e.plan_id,
        "employee": e.employee,
        "status": "error",
        "error": str(e),
        "error_file": e.file,
        "error_sheet": e.sheet,
        "error_row": e.row,
        "error_column": e.table_column,
        "error_field": e.field,
    }
    return out


def _items(appraisals: object, func: str) -> Iterator[Any]:
    """The appraisals (or reader errors) one by one; anything else is a UsageError."""
    if isinstance(appraisals, str | bytes | Mapping) or not isinstance(appraisals, Iterable):
        raise UsageError(
            f"{func}(): parameter 'appraisals' must be an iterable of appraisals, "
            f"got {type(appraisals).__name__}"
        )
    return _checked(appraisals, func)


def _checked(appraisals: Iterable[object], func: str) -> Iterator[Any]:
    for number, item in enumerate(appraisals, 1):
        # Read by attribute name (the dataclass and the pydantic form): both have these.
        if not isinstance(item, TableError) and not (
            hasattr(item, "plan_id") and hasattr(item, "rhk") and hasattr(item, "conversions")
        ):
            raise UsageError(
                f"{func}(): item {number} must be an Appraisal or a TableError, "
                f"got {type(item).__name__}"
            )
        yield item


def appraisal_records(appraisals: Iterable[Any]) -> list[Record]:
    """One flat record per appraisal (or per reader error, with ``status`` ``"error"``).

    See :func:`iter_appraisal_records` for a stream; the columns are
    :data:`APPRAISAL_COLUMNS` then ``conversion_<name>`` (and ``_exact``) per conversion.
    """
    return [
        _error(a) if isinstance(a, TableError) else _appraisal(a)
        for a in _items(appraisals, "appraisal_records")
    ]


def iter_appraisal_records(appraisals: Iterable[Any]) -> Iterator[Record]:
    """:func:`appraisal_records`, lazily: one record per item as the items arrive."""
    items = _items(appraisals, "iter_appraisal_records")  # checked now, not when consumed
    return (_error(a) if isinstance(a, TableError) else _appraisal(a) for a in items)


def _target(out: Record, target: object) -> None:
    lo, hi = getattr(target, "lo", None), getattr(target, "hi", None)
    if isinstance(target, str) or hasattr(target, "enum"):  # a label (or its text)
        out["target"] = out["target_min"] = out["target_max"] = None
    elif lo is not None and hi is not None:
        out["target"] = None
        out["target_min"], out["target_max"] = record_number(lo)[0], record_number(hi)[0]
    else:
        out["target"] = None if target is None else record_number(target)[0]
        out["target_min"] = out["target_max"] = None


def indicator_records(appraisals: Iterable[Any]) -> list[Record]:
    """One flat record per indicator of each appraisal (error items have none).

    Columns: :data:`INDICATOR_COLUMNS`; ``status_appraisal`` is the appraisal's status.
    """
    rows: list[Record] = []
    for a in _items(appraisals, "indicator_records"):
        if isinstance(a, TableError):
            continue
        for rhk in a.rhk:
            for ind in rhk.indicators:
                out: Record = {
                    "plan_id": a.plan_id,
                    "employee": a.employee,
                    "period": _text(a.period),
                    "status_appraisal": _text(a.status),
                    "rhk_id": rhk.id,
                    "rhk_kind": _text(rhk.kind),
                    "indicator_id": ind.id,
                    "name": ind.name,
                    "unit_of_measure": ind.unit_of_measure,
                    "direction": _text(ind.direction),
                }
                _target(out, ind.target)
                out["status"] = _text(ind.status)
                out["rule"] = ind.rule or None  # empty: None, as a file reads it back
                for name, value in (
                    ("rhk_weight", rhk.weight),
                    ("rhk_nilai", rhk.nilai),
                    ("realisasi", ind.realisasi),
                    ("capaian", ind.capaian),
                    ("capped_from", ind.capped_from),
                    ("weight", ind.weight),
                    ("nilai", getattr(ind, "nilai", None)),
                ):
                    _numbers(out, name, value)
                labelled = isinstance(ind.target, str) or hasattr(ind.target, "enum")
                out["target_label"] = _text(ind.target) if labelled else None
                real = getattr(ind, "realisasi_label", None)
                out["realisasi_label"] = None if real is None else _text(real)
                rows.append(out)
    return rows


def to_frame(records: Sequence[Record] | Iterable[Any]) -> Any:
    """A ``pandas.DataFrame`` of records (or of appraisals, made into appraisal records).

    Needs pandas, imported only here: without it a :class:`~kinerja_engine.errors.UsageError`
    says what to install.
    """
    pd = need("pandas", None)
    if isinstance(records, str | bytes | Mapping) or not isinstance(records, Iterable):
        raise UsageError(
            "to_frame(): parameter 'records' must be an iterable of records or appraisals, "
            f"got {type(records).__name__}"
        )
    items = list(records)
    if items and not all(isinstance(item, dict) for item in items):
        items = appraisal_records(items)
    return pd.DataFrame(items)
