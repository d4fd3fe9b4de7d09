"""A collection of appraisals that shows itself as a table: :class:`Appraisals`.

Input: any iterable of :class:`~kinerja_engine.scoring.Appraisal` (the iterator
:func:`~kinerja_engine.scoring.appraise_many` returns, a list of annual results). Output: an
immutable sequence, displayed in a notebook as an HTML table with one row per appraisal
(pandas-like) and in a console as a text table; :meth:`Appraisals.to_records` and
:meth:`Appraisals.to_frame` give the flat records of :mod:`kinerja_engine.io`.
Guarantees: the appraisals are kept in the order given and never copied or changed;
anything that is not an appraisal is refused with a :class:`~kinerja_engine.errors.UsageError`
naming its position. ``appraise_many`` stays lazy (a stream of any length); wrap its
result when the whole set fits in memory and should be looked at.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> from kinerja_engine.scoring import appraise_many
>>> book = rulebooks.load("gajahmungkur")
>>> table = Appraisals(appraise_many([example_plan(), {"id": "x"}], book))
>>> len(table), [a.status for a in table]
(2, ['incomplete', 'error'])
>>> print(table)  # doctest: +NORMALIZE_WHITESPACE
<Appraisals: 2 appraisals>
employee  period   status      nilai  predikat
Budi      2026-01  incomplete  –      –
?                  error       –      –
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

from ..errors import UsageError
from ..io.records import appraisal_records, indicator_records, to_frame
from .display import appraisals_html, appraisals_repr
from .results import Appraisal

__all__ = ["Appraisals"]


class Appraisals(Sequence[Appraisal]):
    """An ordered, immutable collection of appraisals, shown as a table (one row each).

    ``Appraisals(appraise_many(plans, book))`` keeps every result; indexing gives an
    :class:`Appraisal`, slicing another ``Appraisals``. In a notebook it displays as an HTML
    table of employee, period, status, values, ratings, predikat, conversions and error.
    """

    __slots__ = ("_items",)

    def __init__(self, appraisals: Iterable[Appraisal] = ()) -> None:
        if isinstance(appraisals, str | bytes | Mapping) or not isinstance(appraisals, Iterable):
            raise UsageError(
                "Appraisals(): parameter 'appraisals' must be an iterable of Appraisal, "
                f"got {type(appraisals).__name__}"
            )
        items = tuple(appraisals)
        for i, item in enumerate(items):
            if not isinstance(item, Appraisal):
                raise UsageError(
                    f"Appraisals(): item {i} must be an Appraisal, got {type(item).__name__}"
                )
        self._items: tuple[Appraisal, ...] = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Appraisal: ...
    @overload
    def __getitem__(self, index: slice) -> Appraisals: ...
    def __getitem__(self, index: int | slice) -> Appraisal | Appraisals:
        if isinstance(index, slice):
            return Appraisals(self._items[index])
        if not isinstance(index, int) or isinstance(index, bool):
            raise UsageError(f"Appraisals index must be int or slice, got {type(index).__name__}")
        return self._items[index]

    def __iter__(self) -> Iterator[Appraisal]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Appraisals):
            return NotImplemented
        return self._items == other._items

    __hash__ = None  # type: ignore[assignment]  # appraisals are not hashable

    def __repr__(self) -> str:
        return appraisals_repr(self._items)

    def _repr_html_(self) -> str:
        """The notebook display: an HTML table, one row per appraisal."""
        return appraisals_html(self._items)

    def to_records(self, *, indicators: bool = False) -> list[dict[str, Any]]:
        """Flat rows (one per appraisal, or one per indicator with ``indicators=True``), as
        :meth:`Appraisal.to_records` gives for one."""
        if not isinstance(indicators, bool):
            raise UsageError(
                "Appraisals.to_records(): parameter 'indicators' must be bool, "
                f"got {type(indicators).__name__}"
            )
        if indicators:
            return indicator_records(list(self._items))
        return appraisal_records(list(self._items))

    def to_frame(self, *, indicators: bool = False) -> Any:
        """:meth:`to_records` as a ``pandas.DataFrame`` (needs pandas, imported only here)."""
        return to_frame(self.to_records(indicators=indicators))
