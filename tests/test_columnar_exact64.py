"""The int64 tier of the columnar engine's exact values, its cells, and dictionary columns.

The tier (``columnar/exact64.py``) must give, on every row it certifies, the exact rational of
the Python-integer path, and must certify the rows whose integers stay small; the vectorised
record cells (``cells.number_columns``) must be the cells of ``number_cells`` (itself pinned
to the records path in test_columnar.py); a table whose text columns are Arrow dictionaries
(as ``score_parquet`` reads them) must give the same records as plain strings.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_engine import Rulebook
from kinerja_engine.columnar import arith, exact64
from kinerja_engine.columnar.cells import number_cells, number_columns, scatter
from kinerja_engine.columnar.engine import Stats, score_arrow, score_table
from kinerja_engine.columnar.table import DICTIONARY_COLUMNS, decimals
from test_columnar import tables

OPS = {
    "+": (arith.add, Fraction.__add__),
    "-": (arith.subtract, Fraction.__sub__),
    "*": (arith.multiply, Fraction.__mul__),
    "/": (arith.divide, Fraction.__truediv__),
}
small_decimals = st.decimals(-1000, 1000, places=3, allow_nan=False, allow_infinity=False)


def _column(x: Decimal) -> arith.Num:
    digits, scale, ok = decimals(np.array([float(x)]))
    assert ok[0]
    return arith.from_decimal(digits, scale)


@given(
    st.lists(st.tuples(st.sampled_from(sorted(OPS)), small_decimals), min_size=1, max_size=6),
    small_decimals,
)
def test_the_int64_tier_is_the_exact_value_and_certifies_small_chains(
    steps: list[tuple[str, Decimal]], start: Decimal
) -> None:
    value, exact = _column(start), Fraction(Decimal(repr(float(start))))
    taken = 0
    for op, x in steps:
        fx = Fraction(Decimal(repr(float(x))))
        if op == "/" and fx == 0:
            continue
        columnar, fraction = OPS[op]
        value, exact = columnar(value, _column(x)), fraction(exact, fx)
        taken += 1
    num, den, ok = exact64.reduced(value.small_at(None))
    if ok[0]:
        assert Fraction(int(num[0]), int(den[0])) == exact
        assert den[0] > 0 and Fraction(int(num[0]), int(den[0])).denominator == den[0]
    # Decimals of at most 7 digits over 10³: two operations stay far below 2⁶¹ (numerators
    # below 10¹⁸ and denominators below 10⁹, however the operands combine).
    if taken <= 2:
        assert ok[0], (start, steps)
    # The Python-integer path agrees (so a row left to it loses nothing).
    assert arith.exact_values(value) == [exact]


ints64 = st.one_of(st.integers(-(2**62) + 1, 2**62 - 1), st.integers(-1000, 1000))


def test_ints_certifies_exactly_below_two_to_the_61() -> None:
    # Found by Hypothesis: compared through float64, 2⁶¹ − 128 rounded up to 2⁶¹ and was refused.
    edge = [2**61 - 128, 2**61 - 1, 2**61, -(2**61) + 1, -(2**61), -(2**63), 2**63 - 1]
    values = np.array(edge, dtype=np.int64)
    threes = np.full(len(edge), 3, dtype=np.int64)
    want = [abs(v) < 2**61 for v in edge]
    assert exact64.ints(values, threes)[2].tolist() == want
    assert exact64.ints(threes, values)[2].tolist() == want


@given(st.lists(st.tuples(ints64, ints64, ints64, ints64), min_size=1, max_size=20))
def test_int64_operations_equal_fractions_wherever_certified(
    rows: list[tuple[int, int, int, int]],
) -> None:
    an, ad, bn, bd = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True))
    a, b = exact64.ints(an, ad), exact64.ints(bn, bd)
    for k, (w, x, y, z) in enumerate(rows):
        assert a[2][k] == (x != 0 and max(abs(w), abs(x)) < 2**61)
        assert b[2][k] == (z != 0 and max(abs(y), abs(z)) < 2**61)
    mask = np.arange(len(rows)) % 2 == 0
    results = {
        "+": (exact64.add(a, b), Fraction.__add__),
        "*": (exact64.multiply(a, b), Fraction.__mul__),
        "/": (exact64.divide(a, b), Fraction.__truediv__),
        "-a": (exact64.negate(a), lambda p, _: -p),
        "|a|": (exact64.absolute(a), lambda p, _: abs(p)),
        "where": (exact64.where(mask, a, b), None),
    }
    for name, ((num, den, ok), fraction) in results.items():
        for k, (w, x, y, z) in enumerate(rows):
            if not ok[k]:
                continue
            # A zero denominator is never certified: a certified row's operands exist.
            p, q = Fraction(w, x or 1), Fraction(y, z or 1)
            uses_a = name != "where" or mask[k]
            uses_b = name in ("+", "*", "/") or (name == "where" and not mask[k])
            assert (x != 0 or not uses_a) and (z != 0 or not uses_b), (name, k)
            want = (p if mask[k] else q) if fraction is None else fraction(p, q)
            assert den[k] > 0
            assert Fraction(int(num[k]), int(den[k])) == want, (name, k)
        small = [abs(v) < 2**20 for row in rows for v in row]
        if name in ("+", "*") and all(small):
            # Operands below 2²⁰: every product below 2⁴⁰, nothing may be left out.
            assert ok.tolist() == [x != 0 and z != 0 for _, x, _, z in rows], name


dens = st.one_of(
    st.integers(1, 2**61 - 1),
    st.integers(1, 1000),
    st.tuples(st.integers(0, 40), st.integers(0, 20)).map(lambda p: 2 ** p[0] * 5 ** p[1]),
)


@given(st.lists(st.tuples(st.integers(-(2**61) + 1, 2**61 - 1) | ints64.filter(
    lambda v: abs(v) < 2**10), dens), min_size=1, max_size=30))  # fmt: skip
def test_number_columns_are_number_cells(rows: list[tuple[int, int]]) -> None:
    nums, dens_ = [n for n, _ in rows], [d for _, d in rows]
    shown, exact, done = number_columns(*exact64.python_ints(nums, dens_))
    values = scatter(len(rows), shown).to_pylist()
    exacts = scatter(len(rows), exact).to_pylist()
    for k, (n, d) in enumerate(rows):
        if done[k]:
            assert (values[k], exacts[k]) == number_cells(n, d), (n, d)
        q = Fraction(n, d).denominator
        twos = (q & -q).bit_length() - 1
        rest, fives = q >> twos, 0
        while rest % 5 == 0:
            rest, fives = rest // 5, fives + 1
        if abs(n) < 2**10 and d < 2**20 and (rest != 1 or max(twos, fives) <= 18):
            assert done[k], (n, d)  # small numbers never leave the vectorised cells


def _table(plans: tuple[list[dict[str, Any]], ...]) -> Any:
    """The plan table of generated plans (numbers as floats, the rest as text)."""
    rows = [row for plan in plans for row in plan]
    numeric = ("target", "realisasi", "rhk_weight", "indicator_weight")
    schema = pa.schema([(k, pa.float64() if k in numeric else pa.string()) for k in rows[0]])
    return pa.Table.from_pylist(rows, schema=schema)


def _dictionaries(table: Any) -> Any:
    """The table with its low-cardinality text columns as Arrow dictionaries (as
    ``score_parquet`` reads them)."""
    for name in DICTIONARY_COLUMNS:
        if name in table.column_names:
            i = table.column_names.index(name)
            table = table.set_column(i, name, table.column(name).dictionary_encode())
    return table


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(plans=tables)
def test_dictionary_text_columns_give_the_same_records(
    gajahmungkur: Rulebook, plans: tuple[list[dict[str, Any]], ...]
) -> None:
    table = _table(plans)
    want = score_table(table, gajahmungkur, source="plans.parquet")
    stats = Stats()
    coded = _dictionaries(table)
    assert any(pa.types.is_dictionary(t) for t in coded.schema.types)
    assert score_table(coded, gajahmungkur, source="plans.parquet", stats=stats) == want
    # Two chunks with different dictionaries (a plan carried over a batch boundary).
    cut = table.num_rows // 2
    pieces = pa.concat_tables([_dictionaries(table.slice(0, cut)), _dictionaries(table.slice(cut))])
    arrow = score_arrow(pieces, gajahmungkur, source="plans.parquet")
    assert {n: arrow.column(n).to_pylist() for n in arrow.column_names} == want
