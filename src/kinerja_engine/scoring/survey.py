"""A public satisfaction survey (IKM, PermenPANRB 14/2017) scored from its answer table.

Input: the answers, one row per respondent and one column per element (unsur), each a whole
number 1-4 (``None`` where a respondent left an element blank: the regulation divides by the
answers given, "unsur yang terisi"); optional element names and weights (equal by default,
else declared, summing to exactly 1); an IKM rulebook (``ikm-2017`` by default). Output: a
:class:`SurveyResult` with the per-element breakdown (:class:`ElementScore`: answers, NRR,
weight, weighted NRR), the index (1-4), the converted index (× 25) and the quality band (mutu).
Guarantees: every number is exact (fractions; a float is refused, never rounded into an answer);
the arithmetic is the rulebook's own (``nrr``, ``ikm_tertimbang``, ``indeks_konversi``,
``mutu_pelayanan``), this module only checks and arranges the table; bad input raises
:class:`~kinerja_engine.errors.ModelError` naming the row and element (``field`` is
``answers[row][column]``, 0-based; the message counts from 1).

>>> result = score_survey([[4, 3], [3, 4], [4, 4], [4, 3]], elements=["waktu", "biaya"])
>>> [(e.element, str(e.nrr)) for e in result.elements]
[('waktu', '15/4'), ('biaya', '7/2')]
>>> str(result.index), str(result.converted), result.mutu.text
('29/8', '725/8', 'Sangat Baik')
>>> print(result.explain("en"))
IKM (ikm-2017), 4 respondents
  waktu: NRR 3.75 × 0.5 = 1.875
  biaya: NRR 3.5 × 0.5 = 1.75
IKM 3.625 × 25 = 90.625: Sangat Baik
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import ModelError, UsageError
from ..formatting import format_number
from ..language.formula import Rulebook
from ..rulebooks import load as load_rulebook
from ..values import Label
from .carry import to_exact
from .context import rulebook_view

__all__ = ["ElementScore", "SurveyResult", "score_survey"]

#: The rulebook definitions a survey is scored with.
_NEEDED = ("nrr", "ikm_tertimbang", "indeks_konversi", "mutu_pelayanan")


@dataclass(frozen=True, slots=True)
class ElementScore:
    """One element (unsur) of the survey: its answers, NRR, weight and weighted NRR."""

    element: str
    answered: int
    total: int
    nrr: Fraction
    weight: Fraction
    weighted: Fraction


@dataclass(frozen=True, slots=True)
class SurveyResult:
    """A scored survey: per element, then the index, its converted value and the band."""

    rulebook: str
    respondents: int
    elements: tuple[ElementScore, ...]
    index: Fraction
    converted: Fraction
    mutu: Label

    def element(self, name: str) -> ElementScore:
        """The breakdown of element ``name``."""
        for e in self.elements:
            if e.element == name:
                return e
        raise UsageError(f"the survey has no element {name!r}")

    def explain(self, lang: str = "id") -> str:
        """The computation as text, one line per element (exact numbers)."""
        head = {"id": "responden", "en": "respondents"}.get(lang, "respondents")
        lines = [f"IKM ({self.rulebook}), {self.respondents} {head}"]
        for e in self.elements:
            nrr, w, x = (format_number(v, lang) for v in (e.nrr, e.weight, e.weighted))
            lines.append(f"  {e.element}: NRR {nrr} × {w} = {x}")
        index, converted = format_number(self.index, lang), format_number(self.converted, lang)
        lines.append(f"IKM {index} × 25 = {converted}: {self.mutu.text}")
        return "\n".join(lines)


def _answer(value: Any, row: int, col: int, name: str) -> int | None:
    """One cell as a whole number 1-4 (None: left blank); anything else names the cell."""
    if value is None:
        return None
    number: Fraction | None = None
    # bool is an int and a float is never exact: both are refused, not read as answers.
    exact = isinstance(value, int) and not isinstance(value, bool)
    if exact or (isinstance(value, Decimal) and value.is_finite()):
        number = Fraction(value)
    elif isinstance(value, str):
        try:
            number = Fraction(Decimal(value.strip()))
        except (ArithmeticError, ValueError):  # not a number, or NaN / Infinity
            number = None
    if number is None or number.denominator != 1 or not 1 <= number <= 4:
        raise ModelError(
            f"row {row + 1}, element {name!r}: {value!r} is not an answer 1-4",
            field=f"answers[{row}][{col}]",
        )
    return number.numerator


def _weight(value: Any, name: str) -> Fraction:
    try:
        if isinstance(value, bool | float):  # a float weight is not exact (0.33…)
            raise TypeError
        weight = Fraction(value.strip()) if isinstance(value, str) else Fraction(value)
    except (TypeError, ValueError, ArithmeticError):
        raise ModelError(
            f"weight of element {name!r}: {value!r} is not an exact number (write 1/3, 0.5)",
            field=f"weights.{name}",
        ) from None
    if weight < 0:
        raise ModelError(f"weight of element {name!r} is negative", field=f"weights.{name}")
    return weight


def _weights(weights: Sequence[Any] | Mapping[str, Any] | None, names: list[str]) -> list[Fraction]:
    """Declared weights in element order (equal 1 / n by default); they must sum to exactly 1."""
    if weights is None:
        return [Fraction(1, len(names))] * len(names)
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in names]
        missing = [n for n in names if n not in weights]
        if unknown or missing:
            raise ModelError(
                f"unknown elements {unknown}, elements without a weight {missing}",
                field="weights",
            )
        given = [_weight(weights[n], n) for n in names]
    else:
        if len(weights) != len(names):
            raise ModelError(f"{len(weights)} weights for {len(names)} elements", field="weights")
        given = [_weight(w, n) for w, n in zip(weights, names, strict=True)]
    total = sum(given, Fraction(0))
    if total != 1:
        raise ModelError(
            f"weights add up to {format_number(total)}, not 1 (write thirds exactly: 1/3)",
            field="weights",
        )
    return given


def score_survey(
    answers: Sequence[Sequence[Any]],
    rulebook: Rulebook | str = "ikm-2017",
    *,
    elements: Sequence[str] | None = None,
    weights: Sequence[Any] | Mapping[str, Any] | None = None,
) -> SurveyResult:
    """Score a survey from its answer table (rows: respondents; columns: elements).

    ``elements`` names the columns (``U1``, ``U2`` … by default); ``weights`` is a list in
    column order or a mapping by element name, exact numbers summing to 1 (equal by default).

    >>> score_survey([[4, 5]])
    Traceback (most recent call last):
    ...
    kinerja_engine.errors.ModelError: field 'answers[0][1]': row 1, element 'U2': 5 is not an answer 1-4
    """  # noqa: E501
    if isinstance(rulebook, str):
        rulebook = load_rulebook(rulebook)
    missing = [n for n in _NEEDED if n not in rulebook]
    if missing:
        raise UsageError(f"rulebook '{rulebook.name}' cannot score a survey: no {missing}")
    rows = [list(r) for r in answers]
    if not rows or not rows[0]:
        raise ModelError("the table is empty (no respondents or no elements)",
                         field="answers")  # fmt: skip
    width = len(rows[0])
    names = list(elements) if elements is not None else [f"U{j + 1}" for j in range(width)]
    if len(names) != width or len(set(names)) != width:
        raise ModelError(f"{len(names)} names (distinct: {len(set(names))}) for "
                         f"{width} columns", field="elements")  # fmt: skip
    columns: list[list[int]] = [[] for _ in names]
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ModelError(f"row {i + 1}: {len(row)} answers for {width} elements",
                             field=f"answers[{i}]")  # fmt: skip
        for j, value in enumerate(row):
            answer = _answer(value, i, j, names[j])
            if answer is not None:
                columns[j].append(answer)
    for j, column in enumerate(columns):
        if not column:
            raise ModelError(f"element {names[j]!r}: no respondent answered it",
                             field=f"answers[*][{j}]")  # fmt: skip
    bobot = _weights(weights, names)
    view = rulebook_view(rulebook)

    def call(name: str, *args: Any) -> Any:
        return to_exact(view.exact_entry(name)(*args))

    nrr = [call("nrr", tuple(Fraction(a) for a in column)) for column in columns]
    index = call("ikm_tertimbang", tuple(nrr), tuple(bobot))
    converted = call("indeks_konversi", index)
    mutu = call("mutu_pelayanan", converted)
    scores = tuple(
        ElementScore(name, len(column), sum(column), n, w, n * w)
        for name, column, n, w in zip(names, columns, nrr, bobot, strict=True)
    )
    return SurveyResult(rulebook.name, len(rows), scores, index, converted, mutu)
