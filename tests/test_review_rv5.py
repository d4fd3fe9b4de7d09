"""Foreign scalars at the edges (review rv5): refused as KinerjaErrors or read as what they are.

``numpy.timedelta64`` is registered as an ``Integral`` but has no ``int``; a caller's class
registered as a number may fail in ``__index__`` or ``__str__``: each is refused as a
``BindingError``/``CellError``, never a ``TypeError``. ``pandas.NA``/``NaT`` cells are empty,
a NumPy integer NIP is the NIP it stands for, and ``parse_number`` refuses a non-finite
``Decimal`` as it refuses a NaN float.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from numbers import Integral, Real
from typing import Any

import pytest

from kinerja_engine import Formula
from kinerja_engine.errors import BindingError
from kinerja_engine.io import TableError, parse_number, plan_rows, plans_from_rows
from kinerja_engine.io.cells import CellError, is_empty
from kinerja_engine.models import Plan, example_plan
from kinerja_engine.values import plain_scalar, to_decimal


class _NoIndex:
    def __index__(self) -> int:
        raise ValueError("no index")


class _BadText:
    def __str__(self) -> str:
        raise RuntimeError("no text")


Integral.register(_NoIndex)
Real.register(_BadText)


def _foreign() -> list[Any]:
    np = pytest.importorskip("numpy")
    return [np.timedelta64(5, "D"), np.timedelta64("NaT"), _NoIndex(), _BadText()]


def test_a_number_class_that_cannot_convert_is_refused_not_escaping() -> None:
    formula = Formula.parse("r + 1")
    for value in _foreign():
        assert plain_scalar(value) is value
        assert not is_empty(value)
        with pytest.raises(BindingError, match=r"^x: expected a number"):
            to_decimal(value, "x")
        with pytest.raises(BindingError, match=r"^r: expected a number"):
            formula.evaluate(r=value)
        with pytest.raises(CellError, match="is not a number"):
            parse_number(value)


def _row(**cells: Any) -> dict[str, Any]:
    row = dict(plan_rows(example_plan())[0])
    row.update(cells)
    return row


def _plan(**cells: Any) -> Plan | TableError:
    (item,) = plans_from_rows([_row(**cells)])
    return item


def test_plans_from_rows_names_a_foreign_cell() -> None:
    for value in _foreign():
        (item,) = plans_from_rows([_row(realisasi=value)])
        assert isinstance(item, TableError)
        assert "column 'realisasi'" in str(item)


def test_pandas_missing_cells_are_empty() -> None:
    pd = pytest.importorskip("pandas")
    assert is_empty(pd.NA) and is_empty(pd.NaT)
    plan = _plan(rhk_weight=pd.NA, cap=pd.NaT, realisasi_note=pd.NA, jenjang=pd.NA)
    assert isinstance(plan, Plan)
    assert plan == _plan()


def test_a_numpy_integer_nip_is_the_nip() -> None:
    np = pytest.importorskip("numpy")
    nip = example_plan().employee.nip
    plan = _plan(nip=np.int64(int(nip)))
    assert isinstance(plan, Plan)
    assert plan == _plan()
    assert plan.employee.nip == nip
    item = _plan(nip=np.float64(int(nip)))  # a double has lost the NIP's last digits
    assert isinstance(item, TableError)
    assert "column 'nip'" in str(item)


@pytest.mark.parametrize("text", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_parse_number_refuses_a_non_finite_decimal(text: str) -> None:
    with pytest.raises(CellError, match="is not a finite number"):
        parse_number(Decimal(text))


# ----------------------------------------------------------------- raw functions (review rv5)

RAW_CASES = [
    ("round(x / y, 2) + z", (1, 3, Decimal(1))),
    ("round(x / y, 2) + z", (1, 3, 1)),
    ("min(x / y, 1.2) + z", (1, 3, 1)),
    ("x / y + z", (2, 7, 5)),
    ("if x > y then x / y else y / x", (7, 3)),
]


@pytest.mark.parametrize(("text", "args"), RAW_CASES)
def test_raw_functions_take_ints_as_numbers_on_every_path(text: str, args: tuple[Any, ...]) -> None:
    # An int is a number to Formula.function (raw_call_error takes it): the exact path
    # divided two ints into a float, and the call ended in "internal error ... please report".
    formula = Formula.parse(text)
    want = formula.evaluate_exact(**dict(zip(formula.inputs, args, strict=True)))
    assert formula.function(*args) == want
    decimals = tuple(Decimal(a) for a in args)
    assert formula.function(*decimals) == want


def test_rulebook_functions_take_ints_as_numbers() -> None:
    from kinerja_engine import Rulebook

    book = Rulebook.parse(
        'rulebook "r"\ndef f(x, y, z) = round(x / y, 2) + z\ndef g(x, y) = f(x, y, 1) * 2\n'
    )
    assert book.function("f")(1, 3, 1) == Decimal("1.33")
    assert book.function("g")(1, 3) == Decimal("2.66")


def test_a_raw_input_past_every_exponent_is_a_limit_error_at_once() -> None:
    # Decimal("1E+999999999") overflows the fast path; its Fraction would be a billion
    # digits (minutes, gigabytes). It is refused as the size limit refuses any such value.
    from kinerja_engine.errors import LimitError

    huge = Decimal("1E+999999999")
    with pytest.raises(LimitError, match="20,000 bits"):
        Formula.parse("x * 2").function(huge)
    with pytest.raises(LimitError, match="20,000 bits"):
        Formula.parse("x * 2").function(Decimal("-1E-999999999"))
    with pytest.raises(LimitError, match="20,000 bits"):
        Formula.parse("sum(xs) * 2").function((Decimal(1), huge))
    # A repeating quotient by it (the mixed and scaled paths) is refused as soon.
    with pytest.raises(LimitError, match="20,000 bits"):
        Formula.parse("min(x / y, 1.2) + z").function(Decimal(1), huge, Decimal(0))
    with pytest.raises(LimitError, match="20,000 bits"):
        Formula.parse("x / 3 / y + z").function(Decimal(1), huge, Decimal(0))
    # Once a repeating quotient has compiled the scaled continuations, too.
    formula = Formula.parse("x / y")
    assert formula.function(Decimal(1), Decimal(3)) == Fraction(1, 3)
    for args in ((Decimal(1), huge), (huge, Decimal(3))):
        with pytest.raises(LimitError, match="20,000 bits"):
            formula.function(*args)
    from kinerja_engine import Rulebook

    book = Rulebook.parse('rulebook "r"\ndef f(x, y) = min(x / y, 1.2) * 100\n')
    with pytest.raises(LimitError, match="20,000 bits"):
        book.function("f")(Decimal(1), huge)


def test_a_bool_for_a_number_is_named_where_the_evaluation_fails() -> None:
    from kinerja_engine.errors import UsageError

    formula = Formula.parse("min(x / y, 1.2) + z")
    with pytest.raises(UsageError, match=r"input 'x' \(argument 1\) must be a Decimal, got bool"):
        formula.function(True, True, Decimal("1E+6000"))
    assert formula.function(True, 3, Decimal(1)) == Fraction(4, 3)  # True still passes for 1


@pytest.mark.parametrize("s", ["1E+19", "9.9E+19", "1E+20"])
def test_round_of_a_number_past_4300_digits_on_every_path(s: str) -> None:
    # round() built its result from text, and Python refuses the text of an int of more
    # than 4,300 digits: "internal error ... please report it" on evaluate, evaluate_exact
    # and function alike, for values within the size limit (review rv5).
    from kinerja_engine.errors import LimitError

    lets = "let a = s*s*s*s*s*s*s*s*s*s in let b = a*a*a*a*a*a*a*a*a*a in let c = b*b*b in "
    formula = Formula.parse(lets + "round(r * c, 2) / 3")
    values = {"s": Decimal(s), "r": Decimal("1.5")}
    try:
        exact: object = formula.evaluate_exact(**values)
    except LimitError:
        exact = LimitError
    if Decimal(s).adjusted() == 19:
        assert exact == Fraction(Decimal("1.5")) * Fraction(Decimal(s)) ** 300 / 3
    for call in (
        lambda: formula.evaluate(**values),
        lambda: formula.function(*(values[n] for n in formula.inputs)),
    ):
        try:
            got: object = Fraction(call())  # type: ignore[arg-type]
        except LimitError:
            got = LimitError
        if got is not LimitError and exact is not LimitError:
            assert isinstance(exact, Fraction) and isinstance(got, Fraction)
            assert abs(got - exact) <= abs(exact) / 10**30  # evaluate: 34 digits
        else:
            assert got is exact


def test_a_list_input_the_function_does_not_take_is_named() -> None:
    from kinerja_engine import Rulebook
    from kinerja_engine.errors import UsageError

    mean = Rulebook.parse('rulebook "r"\ndef m(xs: list) = sum(xs) / count(xs)\n').function("m")
    assert mean((Decimal(1), 2)) == Decimal("1.5")
    for bad, got in (([Decimal(1)], "got list"), (("x",), "got 'x' at item 0")):
        with pytest.raises(UsageError, match=rf"input 'xs' \(argument 1\) .*{got}"):
            mean(bad)
