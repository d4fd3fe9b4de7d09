"""Hypothesis strategies for whole rulebooks in the columnar engine's supported forms, and for
plan tables that sit on those rulebooks' boundaries.

Input: Hypothesis' choices and size bounds. Output: :func:`columnar_rulebooks` (a
:class:`ColumnarRulebook`: the text of a stand-alone rulebook plus the numbers it compares
against) and :func:`columnar_plan_rows` (the rows of a flat plan table, ``docs/io.md``, built
from one generated rulebook's boundaries). Guarantees:

* every generated text loads (``rulebooks.load``) and is in the supported forms of
  :func:`kinerja_engine.columnar.supports` (``docs/columnar.md``, "Supported forms"): enums
  ``rating`` and ``predikat``, a complete ``matrix predikat_kinerja``, an optional ``band
  rating_hasil_kerja`` with constant edges (literals or params; each edge closed on a drawn
  side), ``nilai_rhk``/``nilai_hasil_kerja`` as ``weighted_mean``, ``capaian_higher``,
  ``capaian_lower`` and up to three more kinds built from ``realisasi``/``target`` with
  ``+ - * /``, negation, comparisons, ``and or not``, ``if``, ``let``, calls of the book's
  own helper ``def``\\ s, ``min max cap at_least clamp abs between round``, numbers with
  decimals (thirds, ``x.xx5`` ties, percents), and conversions over ``nilai_hasil_kerja``,
  ``predikat``, ``rating_perilaku``, ``rating_hasil_kerja``, ``bulan`` and ``jenjang``, with
  or without a ``kebijakan_realisasi_kosong`` policy;
* a generated rulebook may still *raise* on some rows (a division by zero, ``clamp`` with its
  bounds crossed): what a property comparing two evaluation paths wants to exercise;
* the tables put values exactly on that rulebook's thresholds (band edges, caps, ``if``
  constants), a third or a rounding tie beside them, quotients that repeat, zero, negative,
  huge and tiny targets; with ``bad_cells`` some cells are refused by the reader (bad NIP,
  month 13, ``tolerance`` without a range, unknown kinds, missing realisasi, weights not
  adding up to 100), without it every plan is in the columnar engine's simple form;
* every strategy is deterministic given Hypothesis' choices (no clock, no global random);
  nothing here imports numpy or pyarrow.

The property this kit was built for (``tests/test_columnar_property.py`` runs it):

>>> from hypothesis import given, settings, strategies as st
>>> from kinerja_engine import rulebooks
>>> @settings(max_examples=3, derandomize=True, deadline=None)
... @given(st.data())
... def loads(data):
...     case = data.draw(columnar_rulebooks())
...     book = rulebooks.load(case.text)
...     rows = data.draw(columnar_plan_rows(case))
...     assert "capaian_higher" in book and rows[0]["plan_id"] == "p0"
>>> loads()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from hypothesis import strategies as st

__all__ = ["ColumnarRulebook", "columnar_plan_rows", "columnar_rulebooks"]

_RATINGS: Final = (
    ("di_atas", "Di Atas Ekspektasi"),
    ("sesuai", "Sesuai Ekspektasi"),
    ("di_bawah", "Di Bawah Ekspektasi"),
    ("istimewa", "Istimewa"),
)
_PREDIKAT: Final = (
    ("sangat_baik", "Sangat Baik"),
    ("baik", "Baik"),
    ("butuh_perbaikan", "Butuh Perbaikan"),
    ("kurang", "Kurang/Misconduct"),
    ("sangat_kurang", "Sangat Kurang"),
)
_KINDS: Final = ("alpha", "beta", "gamma")
# Thresholds a rulebook compares against: the bundled ones' (90, 110, 120, 100.005 …), thirds
# and values on a half-up tie at 2 or 3 places.
_EDGE_TEXTS: Final = ("0", "1", "24", "33.33", "50", "66.665", "76", "80", "89.995", "90",
                      "99.99", "100", "100.005", "110", "110.5", "120", "2.675", "12.345",
                      "1.76", "0.125", "-2.5")  # fmt: skip
_THRESHOLDS: Final = st.one_of(
    st.sampled_from(_EDGE_TEXTS),
    st.integers(-10, 150).map(str),
    st.decimals(-10, 150, places=2, allow_nan=False, allow_infinity=False).map(str),
).map(Decimal)
_SMALL: Final = st.sampled_from(["0", "1", "2", "3", "0.5", "1.76", "7", "12", "100", "5%"])
_ARITH: Final = st.sampled_from(["+", "-", "*", "/"])
_COMPARE: Final = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
_NUM_KINDS: Final = st.sampled_from(
    ["arith", "arith", "arith", "neg", "if", "let", "abs", "minmax", "cap", "at_least",
     "clamp", "round", "call"]
)  # fmt: skip
_BOOL_KINDS: Final = st.sampled_from(
    ["cmp", "cmp", "cmp", "logic", "not", "between", "lit", "if", "same"]
)
# Targets that make repeating quotients, zero, negative, huge and tiny ones.
_TARGETS: Final = ("0", "1", "3", "7", "0.3", "30", "12", "-2", "-2.5", "1e12", "1e-9", "9.12")
_EXTREMES: Final = ("0", "-0.001", "123456789.125", "1e15", "1e-12", "-1e9", "0.1", "1", "-0",
                    "99999999999999", "0.000001")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ColumnarRulebook:
    """A generated rulebook: its text, and what a plan table needs to sit on its boundaries.

    ``kinds`` are the indicator kinds it scores besides the directions (``capaian_<kind>``),
    ``ratings`` the behaviour-rating texts its enum ``rating`` reads, ``thresholds`` every
    number its formulas compare against (band edges, caps, ``if`` constants, params), ``places``
    the places of its ``round`` calls and ``scale`` the percent factor ``K`` of its capaian
    (``realisasi / target * K``: a target of ``K`` makes the capaian the realisasi itself).

    >>> case = ColumnarRulebook("rulebook ...", ("alpha",), ("Sesuai Ekspektasi",),
    ...                         (Decimal("90"),), (2,), Decimal(100))
    >>> [str(v) for v in case.boundaries()][:5]
    ['90', '90.005', '89.995', '90.001', '89.999']
    """

    text: str
    kinds: tuple[str, ...]
    ratings: tuple[str, ...]
    thresholds: tuple[Decimal, ...]
    places: tuple[int, ...]
    scale: Decimal

    def boundaries(self) -> tuple[Decimal, ...]:
        """The realisasi values on this rulebook's boundaries: each threshold, a half-up tie
        beside it at every ``round`` place (and at 2), and its nearest neighbours at 10⁻³.

        >>> case = ColumnarRulebook("", (), (), (Decimal("1"),), (), Decimal(1))
        >>> [str(v) for v in case.boundaries()]
        ['1', '1.005', '0.995', '1.001', '0.999']
        """
        out: list[Decimal] = []
        for t in self.thresholds:
            out.append(t)
            for p in dict.fromkeys((2, *self.places)):
                half = Decimal(5).scaleb(-(p + 1))
                out += [t + half, t - half]
            out += [t + Decimal("0.001"), t - Decimal("0.001")]
        return tuple(dict.fromkeys(out))


def _text(d: Decimal) -> str:
    text = format(d, "f")
    return f"({text})" if d < 0 else text


@dataclass(frozen=True, slots=True)
class _Ctx:
    names: tuple[str, ...]
    consts: tuple[str, ...]
    helpers: tuple[tuple[str, int], ...]
    places: tuple[str, ...]


def _leaf(draw: st.DrawFn, ctx: _Ctx) -> str:
    pools = [ctx.names, ctx.names, ctx.consts]
    pool = draw(st.sampled_from([p for p in pools if p] or [("1",)]))
    if draw(st.integers(0, 5)) == 0:
        return draw(_SMALL)
    return draw(st.sampled_from(pool))


def _num(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str:
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return _leaf(draw, ctx)

    def sub() -> str:
        return _num(draw, ctx, depth - 1)

    kind = draw(_NUM_KINDS)
    if kind == "arith":
        return f"({sub()} {draw(_ARITH)} {sub()})"
    if kind == "neg":
        return f"(-{sub()})"
    if kind == "if":
        return f"(if {_bool(draw, ctx, depth - 1)} then {sub()} else {sub()})"
    if kind == "let":
        name = f"v{depth}"
        bound = sub()
        inner = _Ctx((*ctx.names, name), ctx.consts, ctx.helpers, ctx.places)
        return f"(let {name} = {bound} in {_num(draw, inner, depth - 1)})"
    if kind == "abs":
        return f"abs({sub()})"
    if kind == "minmax":
        args = ", ".join(sub() for _ in range(draw(st.integers(2, 3))))
        return f"{draw(st.sampled_from(['min', 'max']))}({args})"
    if kind in ("cap", "at_least"):
        return f"{kind}({sub()}, {sub()})"
    if kind == "clamp":
        return f"clamp({sub()}, {sub()}, {sub()})"
    if kind == "round":
        return f"round({sub()}, {draw(st.sampled_from(ctx.places))})"
    if ctx.helpers:
        name, arity = draw(st.sampled_from(ctx.helpers))
        return f"{name}({', '.join(sub() for _ in range(arity))})"
    return f"({sub()} / {sub()})"


def _bool(draw: st.DrawFn, ctx: _Ctx, depth: int) -> str:
    if depth <= 0:
        return f"({_leaf(draw, ctx)} {draw(_COMPARE)} {_leaf(draw, ctx)})"
    kind = draw(_BOOL_KINDS)
    if kind == "cmp":
        # Mostly a value against one of the book's thresholds: the edges the table aims at.
        aimed = bool(ctx.consts) and draw(st.booleans())
        right = draw(st.sampled_from(ctx.consts)) if aimed else _num(draw, ctx, 0)
        return f"({_num(draw, ctx, depth - 1)} {draw(_COMPARE)} {right})"
    if kind == "logic":
        op = draw(st.sampled_from(["and", "or"]))
        return f"({_bool(draw, ctx, depth - 1)} {op} {_bool(draw, ctx, depth - 1)})"
    if kind == "not":
        return f"(not {_bool(draw, ctx, depth - 1)})"
    if kind == "between":
        args = ", ".join(_num(draw, ctx, depth - 1) for _ in range(3))
        return f"between({args})"
    if kind == "same":  # booleans compared with each other
        op = draw(st.sampled_from(["==", "!="]))
        return f"({_bool(draw, ctx, depth - 1)} {op} {_bool(draw, ctx, depth - 1)})"
    if kind == "lit":
        return draw(st.sampled_from(["true", "false"]))
    parts = [_bool(draw, ctx, depth - 1) for _ in range(3)]
    return f"(if {parts[0]} then {parts[1]} else {parts[2]})"


def _core(draw: st.DrawFn, ctx: _Ctx, k: str, depth: int, lower: bool) -> str:
    """A capaian's core: the annex's ratio (guarded or not) or a free expression."""
    ratio = f"(2 - realisasi / target) * {k}" if lower else f"realisasi / target * {k}"
    form = draw(st.integers(0, 3))
    if form == 0:
        return ratio
    if form == 1:
        hit, miss = draw(st.sampled_from(ctx.consts)), draw(_SMALL)
        zero = f"(if realisasi {'<=' if lower else '>='} 0 then {hit} else {miss})"
        sign = "-" if lower else "+"
        return (
            f"if target == 0 then {zero} else if target > 0 then {ratio} "
            f"else {k} {sign} (realisasi - target) / abs(target) * {k}"
        )
    if form == 2:
        inner = _Ctx((*ctx.names, "q"), ctx.consts, ctx.helpers, ctx.places)
        return f"let q = realisasi / target in {_num(draw, inner, depth)}"
    return _num(draw, ctx, depth)


def _wrap(draw: st.DrawFn, ctx: _Ctx, body: str) -> str:
    """Caps, floors, roundings and bonuses around a capaian, against the book's thresholds."""
    for _ in range(draw(st.integers(0, 2))):
        c = draw(st.sampled_from(ctx.consts))
        form = draw(st.integers(0, 6))
        if form == 0:
            body = f"cap({body}, {c})"
        elif form == 1:
            body = f"clamp({body}, 0, {c})"
        elif form == 2:
            body = f"at_least({body}, {c})"
        elif form == 3:
            body = f"round({body}, {draw(st.sampled_from(ctx.places))})"
        elif form == 4:
            body = f"(let w = {body} in if w >= {c} then w + {draw(_SMALL)} else w)"
        elif form == 5:
            body = f"{draw(st.sampled_from(['min', 'max']))}({body}, {c})"
        elif ctx.helpers:
            name, arity = draw(st.sampled_from(ctx.helpers))
            body = f"{name}({', '.join([body, 'target', 'realisasi'][:arity])})"
    return body


def _band(draw: st.DrawFn, edges: Sequence[str], members: Sequence[str]) -> str:
    """A gap-free band over the reals with the given (ascending) edges, each closed on a
    drawn side, rows in a drawn order."""
    closed_above = [draw(st.booleans()) for _ in edges]  # edge belongs to the upper row
    rows = []
    bounds = ["-inf", *edges, "inf"]
    for i in range(len(bounds) - 1):
        lo, hi = bounds[i], bounds[i + 1]
        left = "[" if i > 0 and closed_above[i - 1] else "("
        right = ")" if i == len(edges) or closed_above[i] else "]"
        if hi == "inf":
            right = ")"
        rows.append(f"{left}{lo}, {hi}{right} -> rating.{draw(st.sampled_from(members))}")
    order = draw(st.permutations(rows))
    return "band rating_hasil_kerja(nilai) {\n    " + ",\n    ".join(order) + ",\n}"


@st.composite
def _rulebook(draw: st.DrawFn, max_depth: int) -> ColumnarRulebook:
    thresholds = draw(st.lists(_THRESHOLDS, min_size=2, max_size=6, unique=True))
    scale = draw(st.sampled_from(["100", "100", "100", "1", "10", "1.2"]))
    lines = ['rulebook "generated"']
    ratings = list(draw(st.sampled_from([_RATINGS[:3], _RATINGS[:2], _RATINGS])))
    lines.append("enum rating {")
    lines += [f'    {name} "{text}",' for name, text in ratings]
    lines.append("}")
    count = draw(st.integers(2, len(_PREDIKAT)))
    predikat = _PREDIKAT[:count]
    lines.append("enum predikat {")
    lines += [f'    {name} "{text}",' for name, text in predikat]
    lines.append("}")
    rnames = [name for name, _ in ratings]
    pnames = [name for name, _ in predikat]
    lines.append("matrix predikat_kinerja(hasil: rating, perilaku: rating) {")
    for a in rnames:
        for b in rnames:
            lines.append(f"    {a}, {b} -> predikat.{draw(st.sampled_from(pnames))},")
    lines.append("}")
    # Params: some thresholds and a rounding place, read by name.
    params: list[str] = []
    for i, t in enumerate(thresholds[: draw(st.integers(0, 2))]):
        lines.append(f"param ambang_{i} = {_text(t)}")
        params.append(f"ambang_{i}")
    places = draw(st.lists(st.integers(0, 4), min_size=1, max_size=2))
    place_texts = [str(p) for p in places]
    if draw(st.booleans()):
        lines.append(f"param tempat = {places[0]}")
        place_texts.append("tempat")
    consts = tuple([_text(t) for t in thresholds] + params)
    if draw(st.integers(0, 5)):
        edges = sorted(set(draw(st.lists(st.sampled_from(thresholds), min_size=1, max_size=3))))
        named = {t: p for p, t in zip(params, thresholds, strict=False)}
        lines.append(_band(draw, [named.get(e, _text(e)) for e in edges], rnames))
    lines.append("def nilai_rhk(capaian: list, bobot: list) = weighted_mean(capaian, bobot)")
    lines.append("def nilai_hasil_kerja(nilai: list, bobot: list) = weighted_mean(nilai, bobot)")
    helpers: list[tuple[str, int]] = []
    for i in range(draw(st.integers(0, 2))):
        arity = draw(st.integers(1, 3))
        args = ("a", "b", "c")[:arity]
        ctx = _Ctx(args, consts, tuple(helpers), tuple(place_texts))
        lines.append(f"def bantu_{i}({', '.join(args)}) = {_num(draw, ctx, max_depth - 1)}")
        helpers.append((f"bantu_{i}", arity))
    ctx = _Ctx(("realisasi", "target"), consts, tuple(helpers), tuple(place_texts))
    kinds = tuple(draw(st.lists(st.sampled_from(_KINDS), max_size=3, unique=True)))
    for kind in ("higher", "lower", *kinds):
        core = _core(draw, ctx, scale, max_depth, lower=kind == "lower")
        body = _wrap(draw, ctx, core)
        lines.append(f"def capaian_{kind}(realisasi, target) =\n    {body}")
    lines += _conversions(draw, ctx, pnames, rnames, max_depth)
    if draw(st.booleans()):
        # A conversion over the employee's jenjang (labels and months: a finite domain).
        lines.append(
            'enum jenjang { ahli_pertama "Ahli Pertama", ahli_muda "Ahli Muda", mahir "Mahir" }'
        )
        lines.append(
            "def konversi_koefisien(jenjang: jenjang, bulan) =\n"
            f"    bulan / 12 * (if jenjang == jenjang.ahli_muda then {draw(_SMALL)} else 6.25)"
        )
    if draw(st.booleans()):
        policy = draw(st.sampled_from(["kecualikan", "tidak_lengkap"]))
        lines.append('enum kebijakan_kosong { kecualikan "dikecualikan", tidak_lengkap "kosong" }')
        lines.append(f"param kebijakan_realisasi_kosong = kebijakan_kosong.{policy}")
    text = "\n".join(lines) + "\n"
    return ColumnarRulebook(
        text=text,
        kinds=kinds,
        ratings=tuple(t for _, t in ratings) + tuple(n for n in rnames),
        thresholds=tuple(thresholds),
        places=tuple(places),
        scale=Decimal(scale),
    )


def _conversions(
    draw: st.DrawFn, ctx: _Ctx, pnames: Sequence[str], rnames: Sequence[str], depth: int
) -> list[str]:
    lines = []
    p, r = st.sampled_from(pnames), st.sampled_from(rnames)
    if draw(st.booleans()):
        inner = _Ctx(("nilai_hasil_kerja",), ctx.consts, ctx.helpers, ctx.places)
        body = _num(draw, inner, depth)
        if draw(st.booleans()):
            # A label beside the number: a plan without it (no behaviour rating, no band)
            # has no such conversion.
            other = _num(draw, inner, depth - 1)
            label, enum, member = draw(
                st.sampled_from(
                    [("predikat", "predikat", p), ("rating_perilaku", "rating", r),
                     ("rating_hasil_kerja", "rating", r)]
                )
            )  # fmt: skip
            body = f"if {label} == {enum}.{draw(member)} then {body} else {other}"
            lines.append(f"def konversi_angka(nilai_hasil_kerja, {label}: {enum}) =\n    {body}")
        else:
            lines.append(f"def konversi_angka(nilai_hasil_kerja) =\n    {body}")
    if draw(st.booleans()):
        second = draw(st.sampled_from(["rating_perilaku", "rating_hasil_kerja"]))
        lines.append(
            f"def konversi_kelas(predikat: predikat, {second}: rating) =\n"
            f"    if predikat == predikat.{draw(p)} and {second} != rating.{draw(r)} "
            f"then rating.{draw(r)} else rating.{draw(r)}"
        )
    if draw(st.booleans()):
        factor = draw(st.sampled_from(["1.5", "1", "0.125", "1/3"]))
        lines.append(
            "def konversi_bulan(bulan, predikat: predikat) =\n"
            f"    bulan / 12 * (if predikat == predikat.{draw(p)} then {factor} else 1)"
        )
    return lines


def columnar_rulebooks(max_depth: int = 3) -> st.SearchStrategy[ColumnarRulebook]:
    """Stand-alone rulebooks in the columnar supported forms (see the module), with their
    thresholds; ``max_depth`` bounds the nesting of each generated formula.

    >>> isinstance(columnar_rulebooks(), st.SearchStrategy)
    True
    >>> columnar_rulebooks(max_depth=0)
    Traceback (most recent call last):
    ...
    ValueError: max_depth must be 1 or more, got 0
    """
    if not isinstance(max_depth, int) or max_depth < 1:
        raise ValueError(f"max_depth must be 1 or more, got {max_depth!r}")
    return _rulebook(max_depth)


NIPS: Final = ("198609262015051001", "199001012015032002", "197512312000121003")
_BAD_NIPS: Final = ("19860926201505100", "198609262015131001")
_PERIODS: Final = ("2026", "2026-Q2", "2026-05")


def _weights(draw: st.DrawFn, count: int, bad: bool) -> list[float | None]:
    """No weights (equal: thirds when three), whole weights adding up to 100, or (``bad``,
    half the time) weights that do not."""
    if bad and draw(st.booleans()):
        return [34.0] * count if count > 1 else [90.0]
    form = draw(st.integers(0, 2))
    if form == 0 or (count == 1 and form == 1):
        return [None] * count
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1,
                                unique=True)))  # fmt: skip
    return [float(b - a) for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]


def _pair(
    draw: st.DrawFn, case: ColumnarRulebook, edge: Decimal | None, bad: bool, lower: bool
) -> tuple[str, str]:
    """(realisasi, target) texts: on an edge of the capaian (``realisasi / target · K``, or
    ``(2 − realisasi / target) · K`` when ``lower``, equal to it), or drawn from the
    boundaries, the repeating targets and the extremes."""
    k = case.scale
    if edge is not None:
        x = Decimal(draw(st.sampled_from(["1", "3", "7", "0.3", "12"])))
        times, on_edge = x * k, (2 * k - edge if lower else edge) * x
        if len(on_edge.normalize().as_tuple().digits) > 12:
            times, on_edge = k, 2 * k - edge if lower else edge
        return format(on_edge, "f"), format(times, "f")
    # 1e15 has 16 digits: a cell the columns leave to the per-object path (a bad cell).
    extremes = _EXTREMES if bad else _EXTREMES[:3] + _EXTREMES[4:]
    pool = [*map(str, case.boundaries()), *_TARGETS, *extremes]
    real = draw(
        st.one_of(
            st.sampled_from(pool),
            st.decimals(-500, 500, places=3, allow_nan=False, allow_infinity=False).map(str),
        )
    )
    target = draw(st.sampled_from([format(k, "f"), format(k, "f"), *_TARGETS, *pool[:8]]))
    return real, target


_FAULTS: Final = st.sampled_from(
    ["nip", "period", "rating", "tolerance", "kind", "missing", "weights", "weights"]
)


@st.composite
def _rows(draw: st.DrawFn, case: ColumnarRulebook, max_plans: int, bad: bool) -> list[Any]:
    out: list[dict[str, Any]] = []
    edges = case.boundaries()
    for number in range(draw(st.integers(1, max_plans))):
        # One plan in four, with bad cells allowed, has one fault the reader refuses; the
        # others are in the simple form (the columns score them).
        fault = draw(_FAULTS) if bad and draw(st.integers(0, 3)) == 0 else ""
        head: dict[str, Any] = {
            "plan_id": f"p{number}",
            "period": "2026-13" if fault == "period" else draw(st.sampled_from(_PERIODS)),
            "nip": draw(st.sampled_from(_BAD_NIPS if fault == "nip" else NIPS)),
            "name": "Budi",
            "position": "Analis",
            "category": "Fungsional",
            "jenjang": draw(st.sampled_from(["ahli_muda", "ahli_pertama", "mahir", "terampil"])),
            "unit": "dinkes",
            "behaviour_rating": "tidak ada"
            if fault == "rating"
            else draw(st.sampled_from((*case.ratings, None))),
        }
        # An edge plan: every capaian on one edge, or a third below, on and above it.
        edge = draw(st.sampled_from(edges)) if draw(st.booleans()) else None
        spread = Decimal(draw(st.sampled_from(["0", "1", "10", "0.001", "33.33"])))
        kinds: list[str | None] = [None, None, *case.kinds]
        rhk_count = draw(st.integers(1, 2))
        rhk_weights = _weights(draw, rhk_count, fault == "weights")
        rows = []
        for r in range(rhk_count):
            count = draw(st.integers(1, 3))
            weights = _weights(draw, count, fault == "weights")
            for i in range(count):
                at = None if edge is None else edge + spread * (i - 1 if count == 3 else 0)
                direction = draw(st.sampled_from(["higher", "lower"]))
                real, target = _pair(draw, case, at, bad, direction == "lower")
                rows.append(
                    head
                    | {
                        "rhk_id": f"r{r}",
                        "rhk_description": "RHK",
                        "rhk_weight": rhk_weights[r],
                        "indicator_id": f"i{r}{i}",
                        "indicator_name": "IKI",
                        "unit_of_measure": "%",
                        "target": float(target),
                        "direction": direction,
                        "indicator_kind": draw(st.sampled_from(kinds)),
                        "indicator_weight": weights[i],
                        "realisasi": float(real),
                    }
                )
        faulty = rows[draw(st.integers(0, len(rows) - 1))]
        if fault == "tolerance":
            faulty.update(direction="tolerance", indicator_kind=None)
        elif fault == "kind":
            faulty["indicator_kind"] = "tak_dikenal"
        elif fault == "missing":
            faulty["realisasi"] = None
        out += rows
    return out


def columnar_plan_rows(
    case: ColumnarRulebook, *, max_plans: int = 5, bad_cells: bool = True
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Rows of a flat plan table (``docs/io.md``) for the generated rulebook ``case``: 1 to
    ``max_plans`` plans of 1-2 RHK of 1-3 indicators, ``target`` and ``realisasi`` as floats
    on its boundaries (see the module); ``bad_cells`` False keeps every plan in the columnar
    engine's simple form.

    >>> case = ColumnarRulebook("", (), ("Sesuai Ekspektasi",), (Decimal(90),), (), Decimal(100))
    >>> isinstance(columnar_plan_rows(case, max_plans=2), st.SearchStrategy)
    True
    """
    if not isinstance(case, ColumnarRulebook):
        raise TypeError(f"case must be a ColumnarRulebook, got {type(case).__name__}")
    if not isinstance(max_plans, int) or max_plans < 1:
        raise ValueError(f"max_plans must be 1 or more, got {max_plans!r}")
    return _rows(case, max_plans, bool(bad_cells))
