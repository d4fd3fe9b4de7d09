"""Capaian and nilai: the formulas that turn realisasi and target into an achievement, as the
regulations write them (PP 46/2011 with Perka BKN 1/2013, PermenPANRB 8/2021 and 6/2022) and as
the bundled rulebooks encode them.

Each section quotes a mistake real appraisal systems make and proves the engine avoids it.
Expected numbers are written out by hand (fractions), never computed with the code under test;
where it helps, a test also shows what the naive computation would give, so that it is known to
be able to fail.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from books import bundled
from kinerja_engine import Formula, KinerjaError
from kinerja_engine.errors import CheckError, EvaluationError, ModelError
from kinerja_engine.models import Indicator, Plan, Realisation
from one_rhk import NIP, ind, plan_data, score

D = Decimal
F = Fraction

G = bundled("gajahmungkur")
PP46 = bundled("pp-46-2011")
P8 = bundled("permenpanrb-8-2021")


# =========================================================================================
# "Implementing only one branch of a piecewise formula"


@pytest.mark.parametrize(
    ("t", "r", "expected"),
    [
        (5, 4, F(96)),  # efisiensi 20 ≤ 24: (1.76 × 5 − 4) / 5 × 100 = 96 (worked example)
        (5, 5, F(76)),  # efisiensi 0: first branch gives 76 (worked example R = T)
        (10, 5, F(50)),  # efisiensi 50 > 24: 76 − ((17.6 − 5) / 10 × 100 − 100) = 50
        (12, "9.11", 76 - (F(2112 - 911, 1200) * 100 - 100)),  # efisiensi 24.08…: second branch
    ],
)
def test_pp46_both_branches(t: int, r: Any, expected: Fraction) -> None:
    # Pitfall "Implementing only one branch of a piecewise formula" (PP 46/2011).
    assert PP46.formula("nilai_waktu(t, r)").evaluate_exact(t=t, r=r) == expected
    assert PP46.formula("nilai_biaya(t, r)").evaluate_exact(t=t, r=r) == expected


@pytest.mark.parametrize(
    ("capaian", "nilai"),
    [
        ("130", F(120)),  # > 110 → 120
        ("105.5", F(115)),  # 101–110 → 110 … 120 linearly: 110 + 4.5 × 10 / 9
        ("100.5", F(219, 2)),  # gap (100, 101) closed: 109 → 110 linearly
        ("100", F(109)),  # exactly 100 → 109
        ("90", F(80)),  # 80–99 → 70 … 89
        ("70", F(60)),  # 60–79 → 50 … 69
        ("30", F(30 * 49, 59)),  # 0–59 → capaian / 59 × 49
        ("-5", F(0)),  # a negative (lower-is-better) capaian reads as 0
    ],
)
def test_8_2021_every_segment_of_the_nilai_scale(capaian: str, nilai: Fraction) -> None:
    # Pitfall "Implementing only one branch of a piecewise formula" (PermenPANRB 8/2021 scale).
    exact = P8.with_params(satuan_pembulatan_capaian=0)
    f = exact.formula("nilai_capaian(c, false)")
    assert f.evaluate_exact(c=capaian) == nilai


# =========================================================================================
# "Choosing a branch on a float"

PP46_TIME = (
    "let e = 100 - realisasi / target * 100 in "
    "if e <= 24 then (1.76 * target - realisasi) / target * 100 "
    "else 76 - ((1.76 * target - realisasi) / target * 100 - 100)"
)


@pytest.mark.parametrize("r", ["9.12", 9.12, D("9.12")])
def test_efficiency_exactly_24_takes_the_first_branch(r: Any) -> None:
    # Pitfall "Choosing a branch on a float". t = 12, r = 9.12: efisiensi is exactly 24,
    # so the first branch applies and gives (21.12 − 9.12) / 12 × 100 = 100.
    naive = 100 - 9.12 / 12 * 100  # binary floating point
    assert naive != 24 and naive > 24  # a float would pick the second branch (≈ 76)
    assert PP46.evaluate("efisiensi", t=12, r=r) == D(24)
    assert PP46.evaluate("nilai_waktu", t=12, r=r) == D(100)
    # The same formula typed on an indicator form and run by the pipeline; the realisation
    # is the float 9.12 or its text, read by its shortest repr.
    result = score([ind("waktu", 12, formula=PP46_TIME)], {"waktu": r})
    assert result.indicator("waktu").realisasi == F(912, 100)
    assert result.indicator("waktu").capaian == 100


# =========================================================================================
# "NaN, Infinity or NULL when a target is 0"

HIGHER_KINDS = ["vaksinasi", "sosialisasi", "kolaborasi", "ikm", "kasus", "prestasi_siswa",
                "kehadiran_siswa"]  # fmt: skip


@pytest.mark.parametrize("kind", HIGHER_KINDS)
def test_zero_target_gives_the_documented_capaian(kind: str) -> None:
    # Pitfall "NaN, Infinity or NULL when a target is 0". The rulebook's documented
    # policy (permenpanrb-6-2022): a higher-is-better target of 0 is met by any realisasi ≥ 0
    # (capaian_target_nol_tercapai = 100); a negative one misses it (… _gagal = 0).
    assert G.parameters["capaian_target_nol_tercapai"] == 100
    assert G.parameters["capaian_target_nol_gagal"] == 0
    assert G.evaluate(f"capaian_{kind}", realisasi=7, target=0) == D(100)
    assert G.evaluate(f"capaian_{kind}", realisasi=0, target=0) == D(100)
    assert G.evaluate(f"capaian_{kind}", realisasi=-1, target=0) == D(0)


def test_zero_target_lower_is_better_and_through_the_pipeline() -> None:
    # Pitfall "NaN, Infinity or NULL when a target is 0". Lower is better with target 0
    # ("zero days of delay") is met only by 0.
    assert G.evaluate("capaian_waktu_layanan", realisasi=0, target=0) == D(100)
    assert G.evaluate("capaian_waktu_layanan", realisasi="0.5", target=0) == D(0)
    result = score(
        [ind("kasus", 0, kind="kasus", weight=50), ind("waktu", 0, direction="lower",
                                                       kind="waktu_layanan", weight=50)],
        {"kasus": 12, "waktu": 1},
    )  # fmt: skip
    assert result.indicator("kasus").capaian == 100
    assert result.indicator("waktu").capaian == 0
    assert result.nilai_hasil_kerja == 50
    assert result.status == "complete"
    text = result.to_json()
    for bad in ("NaN", "Infinity"):
        assert bad not in text
    capaian = [i["capaian"] for i in json.loads(text)["rhk"][0]["indicators"]]
    assert capaian == ["100", "0"]  # never null


def test_division_by_zero_in_a_user_formula_names_the_sub_expression() -> None:
    # Pitfall "NaN, Infinity or NULL when a target is 0": a formula without a guard
    # raises, naming the division, instead of giving inf (which a cap turns into 120).
    f = Formula.parse("cap(realisasi / target * 100, 120)")
    with pytest.raises(EvaluationError, match=r"division by zero in 'realisasi / target'") as e:
        f.evaluate(realisasi=5, target=0)
    assert (e.value.line, e.value.column) == (1, 5)
    assert f.evaluate(realisasi=5, target=4) == D(120)  # the same formula is fine otherwise
    # In the pipeline the error also names the employee and the indicator.
    with pytest.raises(KinerjaError, match=rf"{NIP}.*'k'.*division by zero in 'realisasi / t"):
        score([ind("k", 0, formula="realisasi / target * 100")], {"k": 5})


# =========================================================================================
# "Lower-is-better indicators and degenerate ranges (baseline = target)"


@pytest.mark.parametrize(
    ("realisasi", "capaian"),
    [
        ("2.4", F(120)),  # (2 − 0.8) × 100 = 120
        ("2.5", F(350, 3)),  # (2 − 2.5/3) × 100
        ("3", F(100)),
        ("4.5", F(50)),
        ("6", F(0)),
        ("7", F(0)),  # would be −33.3 %: clamped at 0, never negative
        ("1", F(120)),  # would be 166.7 %: capped at batas_capaian
    ],
)
def test_lower_is_better_service_time(realisasi: str, capaian: Fraction) -> None:
    # Pitfall "Lower-is-better indicators": service time, target 3 days.
    f = G.formula("capaian_waktu_layanan(r, 3)")
    assert f.evaluate_exact(r=realisasi) == capaian
    result = score([ind("w", 3, direction="lower", kind="waktu_layanan")], {"w": realisasi})
    assert result.indicator("w").capaian == capaian


def test_lower_is_better_without_a_kind_uses_the_lower_formula() -> None:
    # A direction "lower" indicator never falls back to realisasi / target.
    result = score([ind("w", 3, direction="lower")], {"w": "2.5"})
    assert result.indicator("w").capaian == F(350, 3)
    assert result.indicator("w").rule == "capaian_lower"


def test_improvement_with_baseline_equal_to_target() -> None:
    # Pitfall "degenerate ranges (baseline = target)": an improvement indicator whose
    # agreed improvement is 0 never divides by it: met when there is no decline.
    f = G.formula("capaian_prestasi_siswa(r, 0)")
    assert f.evaluate_exact(r="0.5") == 100
    assert f.evaluate_exact(r=0) == 100
    assert f.evaluate_exact(r="-0.5") == 0


def test_improvement_target_below_zero_is_met_when_the_decline_is_smaller() -> None:
    # Pitfall "Cliffs at tolerances that nobody declared" / "degenerate ranges": an
    # improvement indicator may agree a limited decline (models allow negative targets).
    met = G.evaluate("capaian_prestasi_siswa", realisasi=-1, target=-2)
    missed = G.evaluate("capaian_prestasi_siswa", realisasi=-3, target=-2)
    assert isinstance(met, Decimal) and isinstance(missed, Decimal)
    assert met >= 100  # declined 1 point, 2 were allowed: met
    assert met > missed


@pytest.mark.parametrize(("realisasi", "capaian"), [(80, F(100)), (79, F(395, 4)),
                                                     (81, F(395, 4))])  # fmt: skip
def test_range_target_with_lo_equal_hi(realisasi: int, capaian: Fraction) -> None:
    # Pitfall "degenerate ranges": [80, 80] is a point; below compares with lo
    # (79/80 = 98.75 %), above with hi as lower-is-better ((2 − 81/80) = 98.75 %).
    result = score([ind("x", "80-80", direction="range")], {"x": realisasi})
    assert result.indicator("x").capaian == capaian


# =========================================================================================
# "Derived values typed by hand"


@pytest.mark.parametrize("where", ["realisation", "indicator", "plan"])
def test_capaian_cannot_be_typed_in(where: str) -> None:
    # Pitfall "Derived values typed by hand": capaian is always computed from realisasi
    # and target; no input model has a capaian field, and giving one is an error.
    for model in (Plan, Indicator, Realisation):
        assert "capaian" not in model.model_fields
        assert "nilai" not in model.model_fields
    data = plan_data([ind("a", 100)], {"a": 90})
    if where == "realisation":
        data["realisations"][0]["capaian"] = 120
        field = "realisations.0.capaian"
    elif where == "indicator":
        data["rhk"][0]["indicators"][0]["capaian"] = 120
        field = "rhk.0.indicators.0.capaian"
    else:
        data["capaian"] = 120
        field = "capaian"
    with pytest.raises(ModelError, match="Extra inputs are not permitted") as e:
        Plan.model_validate(data)
    assert e.value.field == field
    assert e.value.employee == NIP


def test_capaian_is_computed_from_realisasi_and_target() -> None:
    # Pitfall "Derived values typed by hand": the trace shows where capaian came from.
    result = score([ind("a", 80, kind="sosialisasi")], {"a": 72})
    step = next(s for s in result.trace if s.what == "capaian")
    assert step.inputs == {"realisasi": 72, "target": 80}
    assert step.result == result.indicator("a").capaian == 90  # 72 / 80


# =========================================================================================
# "A target that moves with the realisasi"


def test_a_formula_reads_only_its_declared_inputs() -> None:
    # Pitfall "A target that moves with the realisasi": an indicator formula sees the
    # plan's realisasi and target and nothing else, so it cannot derive its target.
    declared = {"realisasi": "number", "target": "number"}
    f = Formula.parse("realisasi / target", inputs=declared)
    assert f.inputs == declared
    assert f.evaluate(realisasi=45, target=50) == D("0.9")
    with pytest.raises(CheckError, match="unknown name 'baseline'"):
        Formula.parse("realisasi / baseline", inputs=declared)
    with pytest.raises(KinerjaError, match=rf"{NIP}.*unknown name 'capaian_lalu'"):
        score([ind("a", 50, formula="realisasi / capaian_lalu * 100")], {"a": 45})


@pytest.mark.parametrize("spec", [{"formula": "realisasi / target * 100"}, {"kind": "kasus"}])
def test_rescoring_with_another_realisasi_keeps_the_target(spec: dict[str, str]) -> None:
    # Pitfall "A target that moves with the realisasi": the pipeline passes the plan's
    # target; a different realisasi changes the capaian, never the target.
    results = [score([ind("a", 150, **spec)], {"a": r}) for r in (120, 150, 165)]
    for result in results:
        assert result.indicator("a").target == 150
        step = next(s for s in result.trace if s.what == "capaian")
        assert step.inputs["target"] == 150
    assert [r.indicator("a").capaian for r in results] == [80, 100, 110]
