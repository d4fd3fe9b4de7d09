"""Hypothesis strategies for what is appraised: indicators, RHKs, realisations and whole plans.

Input: Hypothesis' choices and, for :func:`plans`, a rulebook (its indicator kinds and the
directions it can score). Output: strategies of valid :class:`~kinerja_engine.models.Indicator`,
:class:`~kinerja_engine.models.RHK`, :class:`~kinerja_engine.models.Realisation` and
:class:`~kinerja_engine.models.Plan` models. Guarantees: at every level weights are either all
absent or sum to exactly 100; realisations cluster around the target's interesting points;
``plans(rulebook)`` builds plans that rulebook can score, and refuses at once a rulebook that
cannot score any indicator or a kind it does not define; every strategy is deterministic
given Hypothesis' choices (no clock, no global random).

>>> isinstance(plans(), st.SearchStrategy)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from hypothesis import strategies as st

from ..errors import KinerjaError
from ..language import Rulebook
from ..models import (
    RHK,
    BehaviourAssessment,
    CoreValue,
    Direction,
    EmployeeKind,
    Indicator,
    PeriodKind,
    Plan,
    Realisation,
    TargetRange,
)
from ..values import display_decimal
from .strategies_people import (
    ALL_PERIOD_KINDS,
    default_rulebook,
    draw_employee,
    draw_period,
    label_spellings,
)
from .values import COIN, pick

__all__ = [
    "indicators",
    "plans",
    "realisations",
    "rhks",
]

_CORE_VALUES: Final = tuple(CoreValue)
_ONE_IN_FOUR: Final = st.integers(0, 3).map(lambda i: i == 0)


# --------------------------------------------------------------------------- indicators

_DIRECTIONS: Final = ("higher", "lower", "range")
#: A kind (or a formula text) with the direction its capaian improves in; None: the direction's
#: default formula (``capaian_higher`` / ``capaian_lower`` / ``capaian_range``).
_KindSpec = tuple[str | None, Direction | None]


def _kind_specs(
    kinds: Sequence[str | None] | Mapping[str, Direction | str] | None,
) -> tuple[_KindSpec, ...]:
    if kinds is None:
        return ((None, None),)
    if isinstance(kinds, Mapping):
        return tuple((k, Direction(d)) for k, d in kinds.items())
    return tuple((k, None) for k in dict.fromkeys(kinds))


_POSITIVE: Final = st.one_of(
    st.integers(1, 2000).map(Decimal),
    st.decimals(Decimal("0.01"), Decimal(10_000), places=2),
    st.sampled_from([Decimal(v) for v in ("1", "3", "80", "85", "100", "120", "1000")]),
)
_NONPOSITIVE: Final = st.one_of(
    st.just(Decimal(0)), st.decimals(Decimal(-100), Decimal(0), places=2)
)
_FACTORS: Final = st.one_of(
    st.sampled_from(
        [Decimal(v) for v in ("0", "0.5", "0.8", "0.9", "0.99", "1", "1.01", "1.1", "1.2", "2")]
    ),
    st.decimals(Decimal(0), Decimal(3), places=2),
)
_CAPS: Final = st.one_of(
    st.sampled_from([Decimal(v) for v in ("100", "110", "120", "150")]),
    st.decimals(Decimal(50), Decimal(200), places=1),
)


def _weights_strategy(count: int) -> st.SearchStrategy[tuple[Fraction, ...]]:
    """``count`` non-negative weights summing to exactly 100: integers or exact fractions."""
    parts = st.lists(st.integers(0, 10), min_size=count, max_size=count).filter(any)

    def scale(values: list[int]) -> tuple[Fraction, ...]:
        total = sum(values)
        return tuple(Fraction(100 * v, total) for v in values)

    def whole(values: list[int]) -> tuple[Fraction, ...]:
        # Integer percentages: the parts rounded down, the remainder on the first positive one.
        raw = [Fraction(100 * v // sum(values)) for v in values]
        first = next(i for i, v in enumerate(values) if v)
        raw[first] += 100 - sum(raw)
        return tuple(raw)

    return st.one_of(parts.map(scale), parts.map(whole))


def _weight_text(value: Fraction) -> str:
    return str(value)  # "50" or an exact fraction such as "100/3"


def _draw_target(draw: st.DrawFn, direction: Direction, nonpositive: bool) -> Decimal | TargetRange:
    if direction is Direction.RANGE:
        lo = draw(_POSITIVE)
        hi = lo + draw(st.sampled_from([Decimal(0), Decimal(5), Decimal(10)]) | _POSITIVE)
        return TargetRange(lo=lo, hi=hi)
    if nonpositive and draw(st.integers(0, 3)) == 0:
        return draw(_NONPOSITIVE)
    return draw(_POSITIVE)


def _draw_realisasi(draw: st.DrawFn, target: Decimal | TargetRange | str) -> Decimal:
    """A realisasi near the interesting points of ``target`` (the target, the range ends)."""
    if isinstance(target, str):  # the strategies draw numeric targets only
        raise TypeError(f"no numeric realisasi for the label target {target!r}")
    if draw(st.integers(0, 9)) == 0:
        return draw(st.decimals(Decimal(0), Decimal(100_000), places=2))
    base = pick(draw, (target.lo, target.hi)) if isinstance(target, TargetRange) else target
    if base <= 0:
        return draw(st.decimals(Decimal(-200), Decimal(200), places=2))
    return base * draw(_FACTORS)


def _draw_indicator_data(
    draw: st.DrawFn,
    ident: str,
    specs: tuple[_KindSpec, ...],
    directions: tuple[Direction, ...],
    weight: Fraction | None,
    caps: bool,
    nonpositive: bool,
    formulas: tuple[_KindSpec, ...],
) -> dict[str, Any]:
    choices = [("kind", s) for s in specs] + [("formula", s) for s in formulas]
    source, (name, direction) = pick(draw, choices)
    if direction is None:
        usable = directions
        if name is not None and source == "kind":
            # A rulebook kind reads (realisasi, target): a number, never a range.
            usable = tuple(d for d in directions if d is not Direction.RANGE) or (Direction.HIGHER,)
        direction = pick(draw, usable)
    target = _draw_target(draw, direction, nonpositive)
    data: dict[str, Any] = {
        "id": ident,
        "name": f"Indikator {ident}",
        "unit_of_measure": pick(draw, ("dokumen", "hari", "%", "orang", "indeks")),
        "direction": pick(draw, _direction_spellings(direction)),
    }
    if isinstance(target, TargetRange):
        lo, hi = display_decimal(target.lo), display_decimal(target.hi)
        data["target"] = pick(draw, (f"{lo}-{hi}", {"lo": lo, "hi": hi}, [lo, hi]))
    else:
        data["target"] = pick(draw, (target, display_decimal(target)))
    if name is not None:
        data[source] = name
    if weight is not None:
        data["weight"] = _weight_text(weight)
    if caps and draw(st.integers(0, 3)) == 0:
        data["cap"] = draw(_CAPS)
    return data


def _direction_spellings(direction: Direction) -> tuple[str, ...]:
    extra = {
        Direction.HIGHER: ("Higher is better", "maximise"),
        Direction.LOWER: ("lower is better", "MINIMIZE"),
        Direction.RANGE: ("Range",),
    }
    return (direction.value, *extra[direction])


def _directions(directions: Sequence[Direction | str]) -> tuple[Direction, ...]:
    chosen = tuple(dict.fromkeys(Direction(d) for d in directions))
    if not chosen:
        raise ValueError("needs at least one direction (higher, lower, range)")
    return chosen


def indicators(
    kinds: Sequence[str | None] | Mapping[str, Direction | str] | None = None,
    directions: Sequence[Direction | str] = _DIRECTIONS,
    *,
    weights: bool | None = None,
    caps: bool = True,
    nonpositive_targets: bool = False,
    formulas: Sequence[str] | Mapping[str, Direction | str] = (),
    id: str = "i1",
) -> st.SearchStrategy[Indicator]:
    """Valid :class:`~kinerja_engine.models.Indicator` models (an IKI).

    ``kinds`` are indicator kinds of a rulebook (``capaian_<kind>``); ``None`` in the list
    means "no kind" (the direction's default formula). A mapping gives each kind the direction
    its capaian improves in; otherwise a kind's direction is drawn from ``directions`` (never
    ``range``: a kind reads one target). Targets are positive numbers, and ranges written
    ``"80-90"``, ``{"lo": .., "hi": ..}`` or ``[lo, hi]``; ``nonpositive_targets`` adds zero and
    negative targets. ``weights``: True always, False never, None sometimes (any 0-100).
    ``caps`` sometimes sets the indicator's own cap. ``formulas`` are formula texts an
    indicator may carry instead of a kind.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(indicators(directions=["range"], weights=False))
    ... def check(ind):
    ...     assert ind.target.lo <= ind.target.hi and ind.weight is None
    >>> check()
    """
    specs = _kind_specs(kinds)
    formula_specs = _kind_specs(formulas) if formulas else ()
    dirs = _directions(directions)

    @st.composite
    def build(draw: st.DrawFn) -> Indicator:
        weight = None
        if weights or (weights is None and draw(st.booleans())):
            weight = draw(st.fractions(0, 100, max_denominator=12))
        data = _draw_indicator_data(
            draw, id, specs, dirs, weight, caps, nonpositive_targets, formula_specs
        )
        return Indicator.model_validate(data)

    return build()


def _draw_rhk_data(
    draw: st.DrawFn,
    ident: str,
    specs: tuple[_KindSpec, ...],
    directions: tuple[Direction, ...],
    caps: bool,
    nonpositive: bool,
    formulas: tuple[_KindSpec, ...],
    max_indicators: int,
    weight: Fraction | None,
) -> dict[str, Any]:
    count = draw(st.integers(1, max_indicators))
    weighted = draw(st.booleans())
    weights: tuple[Fraction | None, ...] = (
        draw(_weights_strategy(count)) if weighted else (None,) * count
    )
    data: dict[str, Any] = {
        "id": ident,
        "description": f"Rencana hasil kerja {ident}",
        "kind": pick(draw, ("utama", "tambahan", "main")),
        "indicators": [
            _draw_indicator_data(
                draw, f"{ident}i{n}", specs, directions, w, caps, nonpositive, formulas
            )
            for n, w in enumerate(weights, 1)
        ],
    }
    if weight is not None:
        data["weight"] = _weight_text(weight)
    return data


def rhks(
    kinds: Sequence[str | None] | Mapping[str, Direction | str] | None = None,
    directions: Sequence[Direction | str] = _DIRECTIONS,
    *,
    max_indicators: int = 4,
    caps: bool = True,
    nonpositive_targets: bool = False,
    id: str = "r1",
) -> st.SearchStrategy[RHK]:
    """Valid :class:`~kinerja_engine.models.RHK` models with 1 to ``max_indicators`` indicators.

    The indicators' weights are either all absent (equal weights) or sum to exactly 100, as
    integers or exact fractions (``"100/3"``); indicator ids are ``<id>i1``, ``<id>i2``, ...
    Other arguments as for :func:`indicators`.

    >>> from hypothesis import given, settings
    >>> from kinerja_engine.testing import assert_weights_sum_to_100
    >>> @settings(max_examples=20, database=None)
    ... @given(rhks(id="r7"))
    ... def check(rhk):
    ...     assert_weights_sum_to_100(rhk)
    ...     assert rhk.indicators[0].id == "r7i1"
    >>> check()
    """
    if max_indicators < 1:
        raise ValueError("max_indicators must be at least 1")
    specs, dirs = _kind_specs(kinds), _directions(directions)
    return st.composite(_draw_rhk_data)(
        id, specs, dirs, caps, nonpositive_targets, (), max_indicators, None
    ).map(RHK.model_validate)


def _draw_realisation(
    draw: st.DrawFn, indicator: Indicator | str | None, not_applicable: bool
) -> Realisation:
    if isinstance(indicator, Indicator):
        ident, value = indicator.id, _draw_realisasi(draw, indicator.target)
    else:
        ident = indicator or pick(draw, ("i1", "i2", "waktu", "vaksin"))
        value = draw(st.decimals(Decimal(0), Decimal(100_000), places=2))
    if not_applicable and draw(st.integers(0, 4)) == 0:
        return Realisation(indicator=ident, not_applicable=True, note="tidak berlaku")
    return Realisation(indicator=ident, value=pick(draw, (value, display_decimal(value))))


def realisations(
    indicator: Indicator | str | None = None, *, not_applicable: bool = False
) -> st.SearchStrategy[Realisation]:
    """Valid :class:`~kinerja_engine.models.Realisation` models.

    For an :class:`~kinerja_engine.models.Indicator`, values cluster around its target (or the
    ends of its range): 0, 50 %, 90 %, 100 %, 110 %, 120 %, twice ... ; for an id, any value from 0
    to 100000. ``not_applicable`` sometimes marks the indicator not applicable instead.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(realisations("waktu"))
    ... def check(real):
    ...     assert real.indicator == "waktu" and real.value >= 0
    >>> check()
    """
    return st.composite(_draw_realisation)(indicator, not_applicable)


# --------------------------------------------------------------------------- plans


def _rulebook_kinds(book: Rulebook) -> dict[str, Direction]:
    """Indicator kinds of ``book`` (``capaian_<kind>(realisasi, target)``), each with the
    direction found by probing: whether the capaian at realisasi 150 is below that at 50
    (target 100). A kind that fails the probe counts as ``higher``."""
    found: dict[str, Direction] = {}
    for name in book:
        if not name.startswith("capaian_") or name in ("capaian_higher", "capaian_lower"):
            continue
        if name not in book.checked.funcs or book.signature(name) != {
            "realisasi": "number",
            "target": "number",
        }:
            continue  # a range kind, or a qualitative one (labels): not drawn here
        direction = Direction.HIGHER
        try:
            low = book.evaluate(name, realisasi=50, target=100)
            high = book.evaluate(name, realisasi=150, target=100)
            if isinstance(low, Decimal) and isinstance(high, Decimal) and high < low:
                direction = Direction.LOWER
        except KinerjaError:
            pass
        found[name.removeprefix("capaian_")] = direction
    return found


def _rulebook_directions(book: Rulebook) -> tuple[Direction, ...]:
    funcs = book.checked.funcs
    found = []
    for direction, params in (
        (Direction.HIGHER, ("realisasi", "target")),
        (Direction.LOWER, ("realisasi", "target")),
        (Direction.RANGE, ("realisasi", "lo", "hi")),
    ):
        name = f"capaian_{direction.value}"
        if name in funcs and tuple(book.signature(name)) == params:
            found.append(direction)
    return tuple(found)


def _draw_override(draw: st.DrawFn, book: Rulebook) -> dict[str, str] | None:
    enums = book.checked.enums
    targets = [w for w, e in (("rating_hasil_kerja", "rating"), ("rating_perilaku", "rating"),
                              ("predikat", "predikat")) if e in enums]  # fmt: skip
    if not targets:
        return None
    what = pick(draw, targets)
    enum = "predikat" if what == "predikat" else "rating"
    return {
        "what": what,
        "value": pick(draw, label_spellings(book, enum)),
        "reason": pick(draw, ("bukti tambahan dari atasan", "keberatan diterima")),
    }


def _draw_plan(
    draw: st.DrawFn,
    book: Rulebook | None,
    specs: tuple[_KindSpec, ...],
    directions: tuple[Direction, ...],
    complete: bool,
    caps: bool,
    overrides: bool,
    nonpositive: bool,
    period_kinds: tuple[PeriodKind, ...],
    max_rhk: int,
    max_indicators: int,
) -> Plan:
    count = draw(st.integers(1, max_rhk))
    rhk_weights: tuple[Fraction | None, ...] = (
        draw(_weights_strategy(count)) if draw(st.booleans()) else (None,) * count
    )
    rhk = [
        _draw_rhk_data(draw, f"r{n}", specs, directions, caps, nonpositive, (), max_indicators, w)
        for n, w in enumerate(rhk_weights, 1)
    ]
    reals: list[Realisation] = []
    for item in rhk:
        for ind in item["indicators"]:
            target = Indicator.model_validate(ind).target
            if not complete and draw(st.integers(0, 4)) == 0:
                continue  # not yet reported
            reals.append(Realisation(indicator=ind["id"], value=_draw_realisasi(draw, target)))
            if not complete and draw(st.integers(0, 6)) == 0:
                reals[-1] = Realisation(indicator=ind["id"], not_applicable=True)
    rating_book = book if book is not None else default_rulebook()
    behaviour = None
    if "rating" in rating_book.checked.enums and (complete or draw(st.booleans())):
        behaviour = BehaviourAssessment(
            rating=pick(draw, label_spellings(rating_book, "rating")),
            per_value={v: "baik" for v in _CORE_VALUES if draw(_ONE_IN_FOUR)},
        )
    employee = draw_employee(draw, None, None)
    evaluator = draw_employee(draw, EmployeeKind.PNS, True) if draw(COIN) else None
    if evaluator is not None and evaluator.nip == employee.nip:
        evaluator = None
    data: dict[str, Any] = {
        "id": f"skp-{draw(st.integers(1, 9999)):04d}",
        "employee": employee,
        "evaluator": evaluator,
        "period": draw_period(draw, period_kinds, (2020, 2030)),
        "rhk": rhk,
        "realisations": draw(st.permutations(reals)),
        "behaviour": behaviour,
    }
    if overrides:
        chosen: dict[str, dict[str, str]] = {}
        for _ in range(draw(st.integers(0, 2))):
            override = _draw_override(draw, rating_book)
            if override is not None:
                chosen.setdefault(override["what"], override)
        data["overrides"] = list(chosen.values())
    return Plan.model_validate(data)


def plans(
    rulebook: Rulebook | None = None,
    indicator_kinds: Sequence[str | None] | Mapping[str, Direction | str] | None = None,
    complete: bool = True,
    *,
    directions: Sequence[Direction | str] | None = None,
    caps: bool = True,
    overrides: bool = False,
    nonpositive_targets: bool = False,
    period_kinds: Sequence[PeriodKind | str] = ALL_PERIOD_KINDS,
    max_rhk: int = 3,
    max_indicators: int = 3,
) -> st.SearchStrategy[Plan]:
    """Valid :class:`~kinerja_engine.models.Plan` models (SKP) that ``rulebook`` can score.

    Every plan has 1 to ``max_rhk`` RHK of 1 to ``max_indicators`` indicators; at each level the
    weights are either all absent or sum to exactly 100 (integers or fractions such as
    ``"100/3"``). With a rulebook, indicator kinds are its ``capaian_<kind>(realisasi, target)``
    definitions (``indicator_kinds`` picks some of them; ``None`` in the list means "no kind")
    and directions are those it has ``capaian_higher``/``lower``/``range`` for; a kind's
    direction is found by probing its capaian (or given, with a mapping). ``complete`` plans
    report every indicator and carry a behaviour rating (when the rulebook has a ``rating``
    enum); otherwise realisations may be missing or not applicable and the rating absent.
    ``overrides`` adds evaluator overrides (rating or predikat, with a reason). Realisations
    come in any order. The employee is PNS or PPPK, sometimes a unit head; an evaluator is
    sometimes present.

    Raises ``ValueError`` at once when the rulebook cannot score any indicator, or when a
    requested kind is not in it.

    >>> from hypothesis import given, settings
    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.testing import assert_weights_sum_to_100
    >>> book = rulebooks.load("gajahmungkur")
    >>> @settings(max_examples=10, database=None)
    ... @given(plans(book, ["waktu_layanan", "vaksinasi"]))
    ... def check(plan):
    ...     assert_weights_sum_to_100(plan)
    ...     assert {ind.kind for _, ind in plan.indicators()} <= {"waktu_layanan", "vaksinasi"}
    >>> check()
    >>> plans(book, ["vaksin"])
    Traceback (most recent call last):
    ...
    ValueError: rulebook 'gajahmungkur' has no indicator kind 'vaksin' (no capaian_vaksin(realisasi, target)); its kinds: vaksinasi, sosialisasi, kolaborasi, ikm, waktu_layanan, kasus, prestasi_siswa, kehadiran_siswa
    """  # noqa: E501
    if max_rhk < 1 or max_indicators < 1:
        raise ValueError("max_rhk and max_indicators must be at least 1")
    if rulebook is None:
        dirs = _directions(directions or _DIRECTIONS)
        specs = _kind_specs(indicator_kinds)
    else:
        available = _rulebook_kinds(rulebook)
        book_dirs = _rulebook_directions(rulebook)
        wanted = _directions(directions or _DIRECTIONS)
        dirs = tuple(d for d in wanted if d in book_dirs)
        if indicator_kinds is None:
            specs = tuple((k, d) for k, d in available.items())
            if dirs:
                specs = ((None, None), *specs)
        else:
            specs = _kind_specs(indicator_kinds)
            for kind, _ in specs:
                if kind is not None and kind not in available:
                    raise ValueError(
                        f"rulebook '{rulebook.name}' has no indicator kind '{kind}' (no "
                        f"capaian_{kind}(realisasi, target)); its kinds: "
                        + (", ".join(available) or "none")
                    )
            if not isinstance(indicator_kinds, Mapping):
                specs = tuple((k, None if k is None else available[k]) for k, _ in specs)
        if not dirs:
            if any(k is None for k, _ in specs) or not specs:
                raise ValueError(
                    f"rulebook '{rulebook.name}' has no capaian_higher, capaian_lower or "
                    "capaian_range (nor indicator kinds) for the wanted directions: the "
                    "scoring pipeline cannot score a plan with it"
                )
            dirs = (Direction.HIGHER,)
    if not specs:
        raise ValueError("plans() needs at least one indicator kind")
    kinds = tuple(dict.fromkeys(PeriodKind(k) for k in period_kinds))
    return st.composite(_draw_plan)(
        rulebook, specs, dirs, complete, caps, overrides, nonpositive_targets, kinds, max_rhk,
        max_indicators,
    )  # fmt: skip
