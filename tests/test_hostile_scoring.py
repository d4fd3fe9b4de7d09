"""Issue 15: hostile inputs to the scoring, report and batch phases, each a library error.

Reproducers of the issue, each with the expected ``KinerjaError`` subclass or corrected
value, and the counted work of plan validation (did-you-mean through one index).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from kinerja_engine import (
    ModelError,
    Plan,
    UsageError,
    appraise,
    appraise_many,
    appraise_year,
    check_distribution,
    check_targets,
    rulebooks,
)
from kinerja_engine.batch import score_batch
from kinerja_engine.demo import load_unit
from kinerja_engine.models import example_plan
from kinerja_engine.models import suggest as suggest_module
from kinerja_engine.report.plans import changed_plan

BOOK = rulebooks.load("permenpanrb-6-2022")
LOCAL = rulebooks.load("gajahmungkur")

# ------------------------------------------------------------ non-library exceptions


def test_rulebook_name_instead_of_rulebook_is_a_usage_error() -> None:
    # Chosen and documented: a name is refused, not loaded (scoring reads no files).
    with pytest.raises(UsageError, match="parameter 'rulebook'") as err:
        appraise(example_plan(), "permenpanrb-6-2022")  # type: ignore[arg-type]
    assert err.value.hint is not None and "rulebooks.load('permenpanrb-6-2022')" in err.value.hint


def test_appraise_year_with_a_plan_dict_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"'plans\[0\]'"):
        appraise_year([example_plan().model_dump()], BOOK)  # type: ignore[list-item]


def test_check_distribution_with_none_appraisal_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"'appraisals\[0\]' must be Appraisal, got NoneType"):
        check_distribution("baik", [None], BOOK)  # type: ignore[list-item]


def test_score_batch_with_int_unit_predikat_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="'unit_predikat'"):
        score_batch([example_plan()], BOOK, unit_predikat=12345)  # type: ignore[arg-type]


def test_score_batch_with_mapping_to_int_is_a_usage_error() -> None:
    plan = example_plan()
    with pytest.raises(UsageError, match="unit_predikat of unit 'u'"):
        score_batch([plan], LOCAL, unit_predikat={"u": 12345})  # type: ignore[dict-item]


def test_appraise_many_checks_arguments_before_the_first_result() -> None:
    with pytest.raises(UsageError, match="'on_progress'"):
        appraise_many([example_plan()], BOOK, on_progress=5)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="'plans'"):
        appraise_many(example_plan(), BOOK)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["NaN", Decimal("NaN"), Decimal("Infinity"), None, "12"])
def test_unvalidated_realisation_through_model_copy_is_refused_naming_the_field(bad: Any) -> None:
    plan = example_plan()
    realisation = plan.realisations[0].model_copy(update={"value": bad})
    changed = plan.model_copy(update={"realisations": (realisation,)})
    with pytest.raises(ModelError, match=r"realisations\.0\.value") as err:
        appraise(changed, BOOK)
    assert err.value.employee == plan.employee.nip


def test_unvalidated_target_and_weight_through_model_copy_are_refused() -> None:
    plan = example_plan()
    rhk = plan.rhk[0]
    ind = rhk.indicators[0].model_copy(update={"target": "NaN"})
    bad = plan.model_copy(update={"rhk": (rhk.model_copy(update={"indicators": (ind,)}),)})
    with pytest.raises(ModelError, match=r"rhk\.0\.indicators\.0\.target"):
        appraise(bad, BOOK)
    heavy = plan.model_copy(update={"rhk": (rhk.model_copy(update={"weight": 1.5}),)})
    with pytest.raises(ModelError, match=r"rhk\.0\.weight"):
        appraise(heavy, BOOK)


# ------------------------------------------------------------ plan validation, counted


def _plan_with_unknown(n: int) -> dict[str, Any]:
    indicators = [
        {"id": f"ind-{i:05d}", "name": f"n{i}", "unit_of_measure": "x", "target": 1,
         "direction": "higher"}
        for i in range(n)
    ]  # fmt: skip
    return {
        "id": "big",
        "employee": {"nip": "198609262015051001", "name": "Budi",
                     "position": {"name": "Staf", "category": "Pelaksana"}, "unit": "u"},
        "period": "2026-01",
        "rhk": [{"id": "r1", "description": "d", "indicators": indicators}],
        "realisations": [{"indicator": f"ind-{i:05d}x", "value": 1} for i in range(n)],
    }  # fmt: skip


def _comparisons(n: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(did-you-mean look-ups, names compared by difflib) while validating the plan."""
    calls = [0, 0]
    real: Callable[..., list[str]] = difflib.get_close_matches

    def counting(word: str, possibilities: list[str], *args: Any, **kwargs: Any) -> list[str]:
        calls[0] += 1
        calls[1] += len(possibilities)
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    with pytest.raises(ModelError) as err:
        Plan.model_validate(_plan_with_unknown(n))
    assert "did you mean 'ind-00000'" in str(err.value)
    return calls[0], calls[1]


def test_plan_validation_did_you_mean_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups_n, compared_n = _comparisons(100, monkeypatch)
    lookups_4n, compared_4n = _comparisons(400, monkeypatch)
    assert (lookups_n, lookups_4n) == (100, 400)
    # One index: each look-up compares a bounded number of names, not all 4n of them.
    assert compared_4n <= suggest_module.MAX_CANDIDATES * 400
    assert compared_4n <= 4 * compared_n
    assert compared_4n < 400 * 400 // 10


def test_name_index_suggestions_are_still_close() -> None:
    index = suggest_module.NameIndex([f"capaian_{w}" for w in ("vaksinasi", "kasus", "ikm")] +
                                     [f"lain_{i}" for i in range(100)])  # fmt: skip
    assert index.closest("capaian_vaksinsi") == "capaian_vaksinasi"
    assert index.closest("lain_42x") == "lain_42"
    assert index.closest("zzzzzz") is None


# ------------------------------------------------------------ check_targets

LAST: Plan = load_unit().plans[2][2]
DRAFT: Plan = load_unit().plans[2][3]


def _draft(change: Callable[[dict[str, Any]], None]) -> Plan:
    data = DRAFT.model_dump()
    change(data)
    return Plan.model_validate(data)


def _kinds(flags: list[Any]) -> set[tuple[str, str]]:
    return {(f.indicator, f.kind) for f in flags}


def test_check_targets_unknown_kind_with_did_you_mean() -> None:
    def misspell(data: dict[str, Any]) -> None:
        data["rhk"][0]["indicators"][0]["kind"] = "vaksinasii"

    flags = check_targets(_draft(misspell), LOCAL, last=LAST)
    [flag] = [f for f in flags if f.kind == "unknown_kind"]
    assert flag.indicator == "vaksin"
    assert "vaksinasii" in flag.message and "'vaksinasi'" in flag.message


def test_check_targets_keeps_already_met_when_weights_total_110() -> None:
    def overweight(data: dict[str, Any]) -> None:
        data["rhk"][0]["weight"] = 70  # 70 + 40 = 110 %

    kinds = _kinds(check_targets(_draft(overweight), LOCAL, last=LAST))
    assert ("", "weights") in kinds
    assert ("kolaborasi", "already_met") in kinds


def test_check_targets_flags_a_formula_typo() -> None:
    def typo(data: dict[str, Any]) -> None:
        ind = data["rhk"][0]["indicators"][0]
        ind["kind"], ind["formula"] = None, "realisasi / targt * 100"

    flags = check_targets(_draft(typo), LOCAL, last=LAST)
    [flag] = [f for f in flags if f.kind == "formula"]
    assert flag.indicator == "vaksin" and "targt" in flag.message


def test_check_targets_flags_a_target_far_from_last_realisasi() -> None:
    def huge(data: dict[str, Any]) -> None:
        data["rhk"][0]["indicators"][0]["target"] = 10_000

    last = changed_plan(LAST, realisasi={"vaksin": 140})
    flags = check_targets(_draft(huge), LOCAL, last=last)
    [flag] = [f for f in flags if f.kind == "far_from_last"]
    assert flag.indicator == "vaksin"
    assert "10.000" in flag.message and "140" in flag.message
    # The demo's own draft is not far from its last quarter: no new flag there.
    assert _kinds(check_targets(DRAFT, LOCAL, last=LAST)) == {("kolaborasi", "already_met")}


def test_check_targets_speaks_english_on_request() -> None:
    [flag] = check_targets(DRAFT, LOCAL, last=LAST, lang="en")
    assert flag.kind == "already_met"
    assert "already meets the new target" in flag.message
    with pytest.raises(UsageError, match="'lang'"):
        check_targets(DRAFT, LOCAL, last=LAST, lang="fr")


DEFAULT_CONTEXT_PROBE = """
import decimal, json, sys
if sys.argv[1] == "hostile":  # what a careless program may do before importing us
    for context in (decimal.DefaultContext, decimal.getcontext()):
        context.prec, context.rounding = 5, decimal.ROUND_DOWN
        context.traps[decimal.Inexact] = context.traps[decimal.Rounded] = True
from kinerja_engine import Formula, appraise_many, feedback, rulebooks
from kinerja_engine.batch.synthetic import generate_plans
out = []
cases = [("round(r / 3, 10)", {"r": 10}), ("min(r / t, 1.2) * 100", {"r": 95, "t": 90}),
         ("r / 3", {"r": 1}), ("if t == 0 then 0 else (2 - r / t) * 100", {"r": 7, "t": 9})]
for text, inputs in cases:
    formula = Formula.parse(text)
    numbers = [decimal.Decimal(value) for value in inputs.values()]  # function() takes Decimals
    out.append([str(formula.evaluate(**inputs)), str(formula.function(*numbers))])
book = rulebooks.load("gajahmungkur")
for trace in (False, True):
    for appraisal in appraise_many(list(generate_plans(60, seed=5)), book, trace=trace):
        out.append(appraisal.model_dump_json())
        if trace and appraisal.error is None:
            out.append(feedback(appraisal).text())
print(json.dumps(out))
"""


def test_a_changed_decimal_default_context_changes_nothing() -> None:
    """Every context the library makes names its own settings: a program that sets
    ``decimal.DefaultContext`` (and its own context) to 5 digits, rounding down, trapping
    ``Inexact`` and ``Rounded`` gets the same results, byte for byte, and no internal error
    (review rv2: ``Context(prec=...)`` inherited the trap and failed exact rounding)."""
    import subprocess
    import sys

    def run(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", DEFAULT_CONTEXT_PROBE, mode],
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    normal = run("normal")
    assert '"0.3333333333333333333333333333333333"' in normal  # r / 3: the probe ran
    assert run("hostile") == normal
