"""Input checks: malformed plans are refused naming the field and the employee, a batch
reports its bad plans and goes on, and rulebook inputs refuse malformed numbers.

The section quotes a mistake real appraisal systems make and proves the engine avoids it.
"""

from __future__ import annotations

from typing import Any

import pytest

from books import bundled
from kinerja_engine import KinerjaError
from kinerja_engine.errors import ModelError
from kinerja_engine.models import Plan
from kinerja_engine.scoring import appraise_many
from one_rhk import NIP, ind, plan_data

G = bundled("gajahmungkur")


# =========================================================================================
# "Failing open on malformed input"


def _with(change: str) -> dict[str, Any]:
    data = plan_data([ind("a", 100)], {"a": 90})
    if change == "nip_short":
        data["employee"]["nip"] = "19860926201505100"
    elif change == "nip_letters":
        data["employee"]["nip"] = "19860926201505100X"
    elif change == "nip_date":
        data["employee"]["nip"] = "198613262015051001"
    elif change == "nan":
        data["realisations"][0]["value"] = "NaN"
    elif change == "float_nan":
        data["realisations"][0]["value"] = float("nan")
    elif change == "inf":
        data["realisations"][0]["value"] = float("inf")
    elif change == "bool":
        data["realisations"][0]["value"] = True
    elif change == "abc":
        data["realisations"][0]["value"] = "abc"
    elif change == "target_abc":
        data["rhk"][0]["indicators"][0]["target"] = "abc"
    elif change == "weight_abc":
        data["rhk"][0]["indicators"][0]["weight"] = "abc"
    return data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("nip_short", "employee.nip"),
        ("nip_letters", "employee.nip"),
        ("nip_date", "employee.nip"),
        ("nan", "realisations.0.value"),
        ("float_nan", "realisations.0.value"),
        ("inf", "realisations.0.value"),
        ("bool", "realisations.0.value"),
        ("abc", "realisations.0.value"),
        ("target_abc", "rhk.0.indicators.0.target"),
        ("weight_abc", "rhk.0.indicators.0.weight"),
    ],
)
def test_malformed_input_is_rejected_naming_field_and_employee(change: str, field: str) -> None:
    # Pitfall "Failing open on malformed input": never a silent 0, NaN or default.
    with pytest.raises(ModelError) as e:
        Plan.model_validate(_with(change))
    assert e.value.field == field
    assert f"field '{field}'" in e.value.message
    assert e.value.employee is not None
    assert e.value.employee in _with(change)["employee"]["nip"]
    assert e.value.employee in e.value.message


@pytest.mark.parametrize("bad", ["NaN", float("nan"), float("inf"), True, "abc", "12,5", None])
def test_rulebook_inputs_refuse_malformed_numbers(bad: Any) -> None:
    # Pitfall "Failing open on malformed input", at the rulebook's own entry points.
    with pytest.raises(KinerjaError, match="realisasi"):
        G.evaluate("capaian_vaksinasi", realisasi=bad, target=300)


def test_appraise_many_reports_bad_plans_and_continues() -> None:
    # Pitfall "Failing open on malformed input": a batch yields an error result naming
    # the employee for each bad plan and scores the others unchanged.
    good = plan_data([ind("a", 100)], {"a": 90})
    batch = [good, _with("nan"), _with("nip_short"), good]
    results = list(appraise_many(iter(batch), G))
    assert [r.status for r in results] == ["complete", "error", "error", "complete"]
    assert results[1].employee == NIP
    assert results[1].error is not None and "realisations.0.value" in results[1].error
    assert results[2].employee == "19860926201505100"
    assert results[0].nilai_hasil_kerja == results[3].nilai_hasil_kerja == 90
    assert results[1].nilai_hasil_kerja is None and results[1].predikat is None


def test_rendering_a_diagnostic_refuses_wrong_argument_types() -> None:
    from kinerja_engine.errors import CheckError, Diagnostic, UsageError

    with pytest.raises(UsageError, match="'source' must be str or None"):
        Diagnostic("never used").render(123)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="'filename' must be str"):
        CheckError([Diagnostic("x")], source="text").render(filename=None)  # type: ignore[arg-type]


def test_an_unknown_input_name_is_shown_escaped_and_bounded() -> None:
    """A keyword name comes from the caller (``**row`` of a spreadsheet): control characters
    are escaped, not printed to a terminal or log, and a huge name is cut (review of issue 18)."""
    from kinerja_engine import BindingError, Formula

    formula = Formula.parse("r + 1")
    with pytest.raises(BindingError) as caught:
        formula.evaluate(r=1, **{"x\x1b[31m\nfoo": 2})
    assert str(caught.value).startswith("unknown input 'x\\x1b[31m\\nfoo'; the formula takes r")
    with pytest.raises(BindingError) as caught:
        formula.evaluate(r=1, **{"a" * 10_000: 2})
    assert len(str(caught.value)) < 200
    with pytest.raises(BindingError, match=r"unknown input 'rr' \(did you mean 'r'\?\)"):
        formula.evaluate(r=1, rr=2)


# =========================================================================================
# NumPy scalars (a DataFrame's rows): the number they stand for, never an internal error


def _numpy() -> Any:
    return pytest.importorskip("numpy")


def test_numpy_scalars_bind_as_the_numbers_they_stand_for() -> None:
    np = _numpy()
    from decimal import Decimal

    from kinerja_engine import Formula
    from kinerja_engine.io.cells import parse_number
    from kinerja_engine.models import Realisation

    f = Formula.parse("r / t * 100")
    # numpy 2 writes repr(np.float64(95.5)) as "np.float64(95.5)": it must not reach Decimal().
    cases = [
        (np.int64(95), "95"),
        (np.uint8(7), "7"),
        (np.float64(95.5), "95.5"),
        (np.float32(0.1), "0.1"),  # float32's own shortest text, not 0.10000000149…
    ]
    for value, text in cases:
        want = Decimal(text)
        assert f.evaluate(r=value, t=100) == want, value
        assert parse_number(value) == want, value
        assert Realisation(indicator="a", value=value).value == want, value


@pytest.mark.parametrize("bad", ["nan", "inf", "bool"])
def test_numpy_non_numbers_are_refused_as_binding_errors(bad: str) -> None:
    np = _numpy()
    from kinerja_engine import Formula
    from kinerja_engine.errors import BindingError
    from kinerja_engine.io.cells import CellError, parse_number

    value = {"nan": np.float64("nan"), "inf": np.float32("inf"), "bool": np.bool_(True)}[bad]
    with pytest.raises(BindingError, match=r"^r: "):
        Formula.parse("r + 1").evaluate(r=value)
    with pytest.raises(CellError):
        parse_number(value)


def test_a_number_type_whose_text_or_index_fails_is_refused_by_name() -> None:
    import numbers

    from kinerja_engine import Formula
    from kinerja_engine.errors import BindingError

    class Odd:
        def __str__(self) -> str:
            raise RuntimeError("no text")

        def __index__(self) -> int:
            raise RuntimeError("no index")

    class OddReal(Odd):
        pass

    class OddIntegral(Odd):
        pass

    numbers.Real.register(OddReal)
    numbers.Integral.register(OddIntegral)
    for value in (OddReal(), OddIntegral()):
        with pytest.raises(BindingError, match=f"got {type(value).__name__}"):
            Formula.parse("r + 1").evaluate(r=value)
