"""Input models: validation, exact numbers, periods, JSON round trip and errors."""

from __future__ import annotations

import contextlib
import copy
import json
import pickle
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_engine.errors import KinerjaError, ModelError, UsageError
from kinerja_engine.models import (
    RHK,
    BehaviourAssessment,
    CoreValue,
    Direction,
    Employee,
    EmployeeKind,
    Indicator,
    Jenjang,
    NipInfo,
    Override,
    OverrideTarget,
    Period,
    PeriodKind,
    Plan,
    Position,
    PositionCategory,
    Realisation,
    RhkKind,
    TargetRange,
    Unit,
    decode_nip,
)

NIP = "198609262015051001"
EVALUATOR_NIP = "197503152000032002"


def employee_data(nip: str = NIP, **extra: Any) -> dict[str, Any]:
    return {
        "nip": nip,
        "name": "Budi Santoso",
        "position": {"name": "Pengadministrasi Layanan", "category": "Pelaksana"},
        "unit": "kec-sukamaju",
        **extra,
    }


def indicator_data(id_: str = "i1", **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "name": "Jumlah berkas",
        "unit_of_measure": "berkas",
        "target": 100,
        "direction": "higher",
        **extra,
    }


def plan_data() -> dict[str, Any]:
    """A realistic SKP: 3 RHK, 6 indicators, a lower-is-better time and a range target."""
    return {
        "id": "skp-2026-q1-budi",
        "employee": employee_data(),
        "evaluator": {
            "nip": EVALUATOR_NIP,
            "name": "Siti Rahma",
            "position": {"name": "Camat", "category": "Administrator"},
            "unit": "kec-sukamaju",
            "is_unit_head": True,
        },
        "period": "2026-Q1",
        "rhk": [
            {
                "id": "rhk-1",
                "description": "Layanan administrasi kependudukan tepat waktu",
                "kind": "utama",
                "weight": "100/3",
                "intervenes": "camat-rhk-2",
                "indicators": [
                    indicator_data(
                        "ikm",
                        name="Indeks Kepuasan Masyarakat",
                        target="80-90",
                        direction="range",
                        unit_of_measure="indeks",
                        weight=50,
                    ),
                    indicator_data(
                        "waktu",
                        name="Rata-rata waktu penyelesaian",
                        unit_of_measure="hari",
                        target="3",
                        direction="lower",
                        weight="50",
                        kind="waktu_layanan",
                    ),
                ],
            },
            {
                "id": "rhk-2",
                "description": "Pelayanan kasus pengaduan",
                "kind": "utama",
                "weight": "100/3",
                "indicators": [
                    indicator_data("kasus", name="Kasus ditangani", target=120, weight="100/3"),
                    indicator_data(
                        "tuntas",
                        name="Kasus tuntas",
                        unit_of_measure="%",
                        target="95.5",
                        weight="100/3",
                        cap=120,
                    ),
                    indicator_data(
                        "sosialisasi",
                        name="Sosialisasi",
                        unit_of_measure="kali",
                        target="6",
                        weight="100/3",
                        formula="realisasi / target * 100",
                    ),
                ],
            },
            {
                "id": "rhk-3",
                "description": "Pendampingan vaksinasi",
                "kind": "tambahan",
                "weight": "100/3",
                "indicators": [indicator_data("vaksin", name="Vaksinasi", target=0.1)],
            },
        ],
        "expectations": {"berorientasi pelayanan": "ramah", "AKUNTABEL": "tepat waktu"},
        "realisations": [
            {"indicator": "ikm", "value": "86.25"},
            {"indicator": "waktu", "value": 2.5, "note": "sistem antrean baru"},
            {"indicator": "kasus", "value": 130},
            {"indicator": "sosialisasi", "not_applicable": True},
        ],
        "behaviour": {
            "rating": "Sesuai Ekspektasi",
            "per_value": {"Kolaboratif": "Di Atas Ekspektasi"},
            "notes": "baik",
        },
        "overrides": [
            {"what": "predikat", "value": "Baik", "reason": "kondisi lapangan", "by": EVALUATOR_NIP}
        ],
    }


def raises_model_error(fn: Any) -> ModelError:
    with pytest.raises(ModelError) as info:
        fn()
    return info.value


# --------------------------------------------------------------------------- NIP


def test_decode_nip_domain_example() -> None:
    info = decode_nip(NIP)
    assert info == NipInfo(date(1986, 9, 26), 2015, 5, "L", 1, EmployeeKind.PNS)


def test_nip_spaces_are_removed() -> None:
    e = Employee(**employee_data("19860926 201505 1 001"))
    assert e.nip == NIP
    assert e.nip_info.cpns_month == 5


@pytest.mark.parametrize(
    ("nip", "fragment"),
    [
        pytest.param("19860926201505100", "18 digits", id="17-digits"),
        pytest.param("1986092620150510011", "18 digits", id="19-digits"),
        pytest.param("19860926201505100X", "only digits", id="letter"),
        pytest.param("198609262015131001", "CPNS month 13", id="month-13"),
        pytest.param("198609262015001001", "CPNS month 00", id="month-00"),
        pytest.param("198602302015051001", "not a real date", id="feb-30"),
        pytest.param("198609262015053001", "gender digit 3", id="gender-3"),
        pytest.param("198609262015051000", "sequence number 000", id="sequence-000"),
        pytest.param("198609261985051001", "not after the birth date", id="cpns-before-birth"),
        pytest.param("198609262000051001", "at least 17", id="cpns-at-13"),
        pytest.param("190001012000051001", "at most 60", id="cpns-at-100"),
    ],
)
def test_invalid_pns_nip_is_rejected(nip: str, fragment: str) -> None:
    err = raises_model_error(lambda: Employee(**employee_data(nip)))
    assert err.field == "nip"
    assert err.employee == nip
    assert fragment in str(err)
    assert not isinstance(err, ValueError)
    with pytest.raises(ModelError, match=fragment):
        decode_nip(nip)


def test_invalid_nip_inside_plan_names_path_and_employee() -> None:
    data = plan_data()
    data["employee"]["nip"] = "198609262015131001"
    err = raises_model_error(lambda: Plan.model_validate(data))
    assert err.field == "employee.nip"
    assert err.employee == "198609262015131001"


def test_several_nip_problems_are_all_listed() -> None:
    err = raises_model_error(lambda: decode_nip("198602302015133000"))
    assert len(err.errors) == 4


@pytest.mark.parametrize(
    ("nip", "ok"),
    [
        # birth 1990-05-17, year 2023, free 2-digit field 99, female, no. 42
        pytest.param("199005172023992042", True, id="valid"),
        pytest.param("199005172023002001", True, id="two-digit-field-not-checked"),
        pytest.param("199005172000012001", False, id="year-at-age-10"),
        pytest.param("199002302023012001", False, id="feb-30"),
        pytest.param("199005172023013001", False, id="gender-3"),
        pytest.param("199005172023012000", False, id="sequence-0"),
    ],
)
def test_pppk_nip(nip: str, ok: bool) -> None:
    data = employee_data(nip, kind="pppk")
    if ok:
        e = Employee(**data)
        assert e.kind is EmployeeKind.PPPK
        assert e.nip_info.cpns_month is None
        assert e.nip_info.cpns_year == 2023
    else:
        err = raises_model_error(lambda: Employee(**data))
        assert err.field == "nip"


def test_pppk_nip_is_not_a_valid_pns_nip() -> None:
    # month field 99 is no month: only the PPPK reading accepts it
    with pytest.raises(ModelError):
        Employee(**employee_data("199005172023992042"))


nip_parts = st.builds(
    lambda birth, age_months, gender, seq: (birth, age_months, gender, seq),
    st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31)),
    st.integers(min_value=17 * 12, max_value=60 * 12),
    st.sampled_from("12"),
    st.integers(min_value=1, max_value=999),
)


@settings(max_examples=200, deadline=None)
@given(nip_parts)
def test_any_valid_parts_build_a_nip_that_decodes_back(parts: tuple[date, int, str, int]) -> None:
    birth, age_months, gender, seq = parts
    months = birth.year * 12 + birth.month - 1 + age_months
    year, month = divmod(months, 12)
    nip = f"{birth:%Y%m%d}{year:04d}{month + 1:02d}{gender}{seq:03d}"
    info = decode_nip(nip)
    assert (info.birth_date, info.cpns_year, info.cpns_month) == (birth, year, month + 1)
    assert info.gender == ("L" if gender == "1" else "P")
    assert info.sequence == seq


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_arbitrary_text_nip_fails_only_with_model_error(text: str) -> None:
    with contextlib.suppress(ModelError):
        decode_nip(text)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        pytest.param(95, Decimal("95"), id="int"),
        pytest.param("95.5", Decimal("95.5"), id="str"),
        pytest.param(" 95.50 ", Decimal("95.50"), id="str-spaces"),
        pytest.param(Decimal("9.12"), Decimal("9.12"), id="decimal"),
        pytest.param(0.1, Decimal("0.1"), id="float-shortest-repr"),
        pytest.param(-3, Decimal("-3"), id="negative"),
    ],
)
def test_decimal_inputs(given_value: object, expected: Decimal) -> None:
    r = Realisation(indicator="i1", value=given_value)
    assert r.value == expected
    assert str(r.value) == str(expected)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="inf"),
        pytest.param("-Infinity", id="neg-inf-text"),
        pytest.param(Decimal("NaN"), id="decimal-nan"),
        pytest.param("abc", id="abc"),
        pytest.param("1e5", id="exponent"),
        pytest.param(True, id="bool"),
        pytest.param([1], id="list"),
    ],
)
def test_bad_numbers_name_field_and_employee(bad: object) -> None:
    data = plan_data()
    data["rhk"][0]["indicators"][1]["target"] = bad
    if bad == "abc":
        # Text starting with a letter is a label of a scale since issue 16 (item 4): the model
        # refuses it on an indicator without a kind; with a kind, the rulebook decides when
        # the plan is scored (tests/test_qualitative.py).
        del data["rhk"][0]["indicators"][1]["kind"]
    err = raises_model_error(lambda: Plan.model_validate(data))
    assert err.field == "rhk.0.indicators.1.target"
    assert err.employee == NIP
    assert isinstance(err, KinerjaError)


def test_bad_realisation_value_in_json_names_path_and_employee() -> None:
    data = plan_data()
    data["realisations"][2]["value"] = "NaN"
    err = raises_model_error(lambda: Plan.model_validate_json(json.dumps(data)))
    assert err.field == "realisations.2.value"
    assert err.employee == NIP
    assert "realisations.2.value" in str(err)
    assert NIP in str(err)


def test_every_problem_is_listed() -> None:
    data = plan_data()
    # "abc" on this indicator (it has a kind) is a label since issue 16: a bad number instead.
    data["rhk"][0]["indicators"][1]["target"] = "1e5"
    data["rhk"][2]["indicators"][0]["weight"] = "-5"
    data["realisations"][0]["value"] = True
    err = raises_model_error(lambda: Plan.model_validate(data))
    paths = [line.split(":")[0] for line in err.errors]
    assert paths == [
        "rhk.0.indicators.1.target",
        "rhk.2.indicators.0.weight",
        "realisations.0.value",
    ]
    for path in paths:
        assert path in str(err)


@pytest.mark.parametrize(
    ("weight", "expected", "text"),
    [
        pytest.param("100/3", Fraction(100, 3), "100/3", id="third"),
        pytest.param(" 200 / 3 ", Fraction(200, 3), "200/3", id="two-thirds-spaces"),
        pytest.param("33.5", Fraction(67, 2), "33.5", id="decimal-text"),
        pytest.param("50/2", Fraction(25), "25", id="fraction-that-is-decimal"),
        pytest.param(25, Fraction(25), "25", id="int"),
        pytest.param(Decimal("12.5"), Fraction(25, 2), "12.5", id="decimal"),
        pytest.param(0, Fraction(0), "0", id="zero"),
    ],
)
def test_weights_are_exact(weight: object, expected: Fraction, text: str) -> None:
    ind = Indicator(**indicator_data(weight=weight))
    assert ind.weight == expected
    assert json.loads(ind.model_dump_json())["weight"] == text
    assert Indicator.model_validate_json(ind.model_dump_json()) == ind


def test_thirds_sum_to_exactly_one_hundred() -> None:
    plan = Plan.model_validate(plan_data())
    assert sum(r.weight for r in plan.rhk if r.weight is not None) == 100


@pytest.mark.parametrize(
    "weight",
    [
        pytest.param("-1", id="negative"),
        pytest.param("1/0", id="zero-denominator"),
        pytest.param("1/3/4", id="two-slashes"),
        pytest.param("1.5/3", id="decimal-numerator"),
        pytest.param("nan", id="nan"),
        pytest.param(False, id="bool"),
    ],
)
def test_bad_weights(weight: object) -> None:
    err = raises_model_error(lambda: Indicator(**indicator_data(weight=weight)))
    assert err.field == "weight"


# --------------------------------------------------------------------------- Period


@pytest.mark.parametrize(
    ("text", "period", "canonical"),
    [
        pytest.param("2026-03", Period.month(2026, 3), "2026-03", id="month"),
        pytest.param("2026-3", Period.month(2026, 3), "2026-03", id="month-one-digit"),
        pytest.param("2026-Q1", Period.quarter(2026, 1), "2026-Q1", id="quarter"),
        pytest.param("2026-tw4", Period.quarter(2026, 4), "2026-Q4", id="triwulan"),
        pytest.param("2026-S2", Period.semester(2026, 2), "2026-S2", id="semester"),
        pytest.param("2026", Period.year(2026), "2026", id="year"),
    ],
)
def test_period_parse_and_str(text: str, period: Period, canonical: str) -> None:
    assert Period.parse(text) == period
    assert str(period) == canonical
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2026-13", id="month-13"),
        pytest.param("2026-00", id="month-0"),
        pytest.param("2026-Q5", id="quarter-5"),
        pytest.param("2026-S3", id="semester-3"),
        pytest.param("26-Q1", id="short-year"),
        pytest.param("2026-W1", id="week"),
        pytest.param("", id="empty"),
    ],
)
def test_period_parse_rejects(text: str) -> None:
    err = raises_model_error(lambda: Period.parse(text))
    assert err.field == "period"


def test_quarter_is_never_a_month() -> None:
    assert Period.quarter(2026, 1) != Period.month(2026, 1)
    assert Period.year(2026) != Period.month(2026, 1)
    assert len({Period.quarter(2026, 1), Period.month(2026, 1), Period.parse("2026-Q1")}) == 2


def test_period_order() -> None:
    periods = [
        Period.month(2026, 4),
        Period.quarter(2026, 2),
        Period.month(2026, 1),
        Period.year(2026),
        Period.semester(2026, 1),
        Period.quarter(2025, 4),
    ]
    assert [str(p) for p in sorted(periods)] == [
        "2025-Q4",
        "2026",
        "2026-S1",
        "2026-01",
        "2026-Q2",
        "2026-04",
    ]
    assert Period.month(2026, 1) < Period.month(2026, 2)
    assert Period.year(2026) < Period.quarter(2026, 1) <= Period.quarter(2026, 1)


def test_period_containment_and_dates() -> None:
    q2 = Period.quarter(2026, 2)
    assert (q2.start, q2.end, q2.last_day) == (
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 6, 30),
    )
    assert q2.months == (4, 5, 6)
    assert Period.month(2026, 5) in q2
    assert Period.month(2026, 7) not in q2
    assert date(2026, 6, 30) in q2
    assert date(2026, 7, 1) not in q2
    assert Period.year(2026).contains(q2)
    assert not q2.contains(Period.year(2026))
    assert q2.contains(q2)
    assert Period.year(2026).end == date(2027, 1, 1)
    assert Period.month(2024, 2).last_day == date(2024, 2, 29)


def test_period_children_and_enclosing() -> None:
    assert Period.year(2026).children(PeriodKind.QUARTER) == tuple(
        Period.quarter(2026, i) for i in range(1, 5)
    )
    assert [str(p) for p in Period.quarter(2026, 3).children("bulanan")] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    assert Period.month(2026, 8).enclosing("semester") == Period.semester(2026, 2)
    with pytest.raises(UsageError):
        Period.month(2026, 1).children("quarter")
    with pytest.raises(UsageError):
        Period.year(2026).enclosing("month")


def test_period_is_immutable_and_picklable() -> None:
    p = Period.semester(2026, 2)
    with pytest.raises(AttributeError):
        p._year = 2027  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2026-Q2", id="text"),
        pytest.param(Period.quarter(2026, 2), id="instance"),
        pytest.param({"kind": "triwulan", "year": 2026, "index": 2}, id="mapping"),
    ],
)
def test_period_field_inputs(value: object) -> None:
    data = plan_data()
    data["period"] = value
    plan = Plan.model_validate(data)
    assert plan.period == Period.quarter(2026, 2)
    assert json.loads(plan.model_dump_json())["period"] == "2026-Q2"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2026-Q7", id="bad-text"),
        pytest.param(2026, id="int"),
        pytest.param({"kind": "week", "year": 2026, "index": 1}, id="bad-kind"),
    ],
)
def test_period_field_rejects(value: object) -> None:
    data = plan_data()
    data["period"] = value
    err = raises_model_error(lambda: Plan.model_validate(data))
    assert err.field == "period"
    assert err.employee == NIP


# --------------------------------------------------------------------------- models


def test_realistic_plan_json_round_trip() -> None:
    plan = Plan.model_validate(plan_data())
    assert len(plan.rhk) == 3
    assert len(list(plan.indicators())) == 6
    text = plan.model_dump_json()
    again = Plan.model_validate_json(text)
    assert again == plan
    assert again.model_dump_json() == text
    dumped = json.loads(text)
    assert dumped["rhk"][0]["indicators"][0]["target"] == {"lo": "80", "hi": "90"}
    assert dumped["rhk"][2]["indicators"][0]["target"] == "0.1"
    assert dumped["rhk"][0]["weight"] == "100/3"


def test_realistic_plan_contents() -> None:
    plan = Plan.model_validate(plan_data())
    ikm = plan.rhk[0].indicators[0]
    assert ikm.target == TargetRange(lo=80, hi=90)
    assert ikm.direction is Direction.RANGE
    waktu = plan.rhk[0].indicators[1]
    assert (waktu.direction, waktu.kind) == (Direction.LOWER, "waktu_layanan")
    assert plan.rhk[2].kind is RhkKind.TAMBAHAN
    assert plan.expectations == {
        CoreValue.BERORIENTASI_PELAYANAN: "ramah",
        CoreValue.AKUNTABEL: "tepat waktu",
    }
    assert plan.realisation_for("waktu") == Realisation(
        indicator="waktu", value="2.5", note="sistem antrean baru"
    )
    assert plan.realisation_for("tuntas") is None
    sosialisasi = plan.realisation_for("sosialisasi")
    assert sosialisasi is not None
    assert sosialisasi.not_applicable
    assert plan.overrides[0].what is OverrideTarget.PREDIKAT
    assert plan.evaluator is not None
    assert plan.evaluator.nip_info.gender == "P"


def test_python_dump_round_trip_and_pickle() -> None:
    plan = Plan.model_validate(plan_data())
    assert Plan.model_validate(plan.model_dump()) == plan
    assert Plan.model_validate(plan.model_dump(mode="json")) == plan
    assert pickle.loads(pickle.dumps(plan)) == plan


def test_json_schema_export() -> None:
    schema = Plan.model_json_schema()
    json.dumps(schema)
    assert set(schema["required"]) >= {"id", "employee", "period", "rhk"}
    assert schema["properties"]["period"]["type"] == "string"
    serial = Plan.model_json_schema(mode="serialization")
    indicator = serial["$defs"]["Indicator"]["properties"]
    assert indicator["cap"]["anyOf"][0]["type"] == "string"


def test_models_are_frozen() -> None:
    plan = Plan.model_validate(plan_data())
    with pytest.raises(KinerjaError) as info:
        plan.id = "other"  # type: ignore[misc]
    assert isinstance(info.value, ModelError)
    assert info.value.employee == NIP
    with pytest.raises(ModelError):
        setattr(plan.employee, "name", "x")  # noqa: B010
    with pytest.raises(ModelError):
        del plan.rhk[0].indicators[0].target


@pytest.mark.parametrize(
    ("model", "data"),
    [
        pytest.param(Employee, employee_data(email="x@y"), id="employee"),
        pytest.param(Indicator, indicator_data(bobot=10), id="indicator"),
        pytest.param(Unit, {"id": "u", "name": "U", "head": "x"}, id="unit"),
        pytest.param(Realisation, {"indicator": "i", "value": 1, "extra": 0}, id="realisation"),
    ],
)
def test_extra_fields_are_rejected(model: Any, data: dict[str, Any]) -> None:
    err = raises_model_error(lambda: model.model_validate(data))
    assert "Extra inputs are not permitted" in str(err)


def test_extra_field_in_plan_names_path() -> None:
    data = plan_data()
    data["rhk"][1]["indicators"][0]["satuan"] = "x"
    err = raises_model_error(lambda: Plan(**data))
    assert err.field == "rhk.1.indicators.0.satuan"
    assert err.employee == NIP


@pytest.mark.parametrize(
    "reason",
    [pytest.param("", id="empty"), pytest.param("   ", id="blank")],
)
def test_override_needs_a_reason(reason: str) -> None:
    err = raises_model_error(lambda: Override(what="predikat", value="Baik", reason=reason))
    assert "an override needs a reason" in str(err)
    assert err.field == "reason"
    data = plan_data()
    data["overrides"][0]["reason"] = reason
    err = raises_model_error(lambda: Plan.model_validate(data))
    assert err.field == "overrides.0.reason"


def test_override_missing_reason_field() -> None:
    err = raises_model_error(lambda: Override(what="predikat", value="Baik"))
    assert err.field == "reason"


def test_realisation_for_unknown_indicator() -> None:
    data = plan_data()
    data["realisations"].append({"indicator": "tuntass", "value": 1})
    err = raises_model_error(lambda: Plan.model_validate(data))
    assert err.field == "realisations.4.indicator"
    assert err.employee == NIP
    assert "did you mean 'tuntas'" in str(err)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        pytest.param(
            lambda d: d["realisations"].append({"indicator": "ikm", "value": 1}),
            "realisations.4.indicator",
            id="two-realisations",
        ),
        pytest.param(
            lambda d: d["rhk"][2].update(id="rhk-1"),
            "rhk.2.id",
            id="duplicate-rhk",
        ),
        pytest.param(
            lambda d: d["rhk"][2]["indicators"][0].update(id="ikm"),
            "rhk.2.indicators.0.id",
            id="duplicate-indicator-across-rhk",
        ),
        pytest.param(
            lambda d: d["rhk"][1]["indicators"][1].update(id="kasus"),
            "rhk.1.indicators.1.id",
            id="duplicate-indicator-in-rhk",
        ),
        pytest.param(
            lambda d: d["overrides"].append({"what": "Predikat", "value": "x", "reason": "y"}),
            "overrides.1.what",
            id="two-overrides",
        ),
        pytest.param(lambda d: d.update(rhk=[]), "rhk", id="no-rhk"),
        pytest.param(lambda d: d["rhk"][0].update(indicators=[]), "rhk.0.indicators", id="no-iki"),
        pytest.param(
            lambda d: d["evaluator"].update(nip=NIP), "evaluator.nip", id="self-evaluation"
        ),
        pytest.param(
            lambda d: d["expectations"].update(jujur="x"), "expectations.jujur.[key]", id="bad-core"
        ),
    ],
)
def test_plan_cross_checks(mutate: Any, field: str) -> None:
    data = plan_data()
    mutate(data)
    err = raises_model_error(lambda: Plan.model_validate(data))
    assert err.field == field
    assert err.employee == NIP


def test_employee_named_by_name_when_nip_missing() -> None:
    data = plan_data()
    del data["employee"]["nip"]
    err = raises_model_error(lambda: Plan.model_validate(data))
    assert err.field == "employee.nip"
    assert err.employee == "Budi Santoso"


def test_non_mapping_input_is_a_model_error() -> None:
    for bad in ("junk", None, 42):
        with pytest.raises(ModelError):
            Plan.model_validate(bad)
    with pytest.raises(ModelError):
        Plan.model_validate_json("{not json")


@pytest.mark.parametrize(
    ("target", "direction", "ok"),
    [
        pytest.param("80-90", "range", True, id="range-text"),
        pytest.param("80 s.d. 90", "range", True, id="range-sd"),
        pytest.param({"lo": 80, "hi": "90.5"}, "range", True, id="range-mapping"),
        pytest.param([80, 80], "range", True, id="degenerate-range"),
        pytest.param("-5 - -1", "range", True, id="negative-range"),
        pytest.param("90-80", "range", False, id="reversed-range"),
        pytest.param("80-90", "higher", True, id="range-higher-is-better"),
        pytest.param("7-8", "lower", True, id="range-lower-is-better"),
        pytest.param("80-90", "tolerance", True, id="range-tolerance"),
        pytest.param(85, "range", False, id="range-direction-needs-range"),
        pytest.param(85, "tolerance", False, id="tolerance-needs-range"),
        pytest.param(0, "higher", True, id="zero-target"),
        pytest.param(-2, "lower", True, id="negative-target"),
    ],
)
def test_indicator_targets(target: object, direction: str, ok: bool) -> None:
    data = indicator_data(target=target, direction=direction)
    if ok:
        Indicator(**data)
    else:
        raises_model_error(lambda: Indicator(**data))


def test_range_error_path_goes_inside_target() -> None:
    err = raises_model_error(lambda: Indicator(**indicator_data(target={"lo": "x", "hi": 1})))
    assert err.field == "target.lo"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        pytest.param({"formula": "x", "kind": "y"}, "kind", id="formula-and-kind"),
        pytest.param({"cap": 0}, "cap", id="zero-cap"),
        pytest.param({"name": "  "}, "name", id="blank-name"),
        pytest.param({"direction": "sideways"}, "direction", id="bad-direction"),
    ],
)
def test_indicator_rejects(extra: dict[str, Any], field: str) -> None:
    err = raises_model_error(lambda: Indicator(**indicator_data(**extra)))
    assert err.field == field


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        pytest.param({"category": "fungsional", "jenjang": "AHLI_PERTAMA"}, True, id="jf"),
        pytest.param({"category": "Fungsional"}, False, id="jf-without-jenjang"),
        pytest.param({"category": "pelaksana", "jenjang": "mahir"}, False, id="jenjang-not-jf"),
        pytest.param({"category": "jpt", "level": "pratama"}, True, id="jpt-level"),
        pytest.param({"category": "pengawas", "level": "madya"}, False, id="level-not-jpt"),
        pytest.param({"category": "Eselon"}, False, id="unknown-category"),
    ],
)
def test_position(data: dict[str, Any], ok: bool) -> None:
    if ok:
        Position(name="Jabatan", **data)
    else:
        raises_model_error(lambda: Position(name="Jabatan", **data))


@pytest.mark.parametrize(
    ("enum", "text", "member"),
    [
        pytest.param(Jenjang, "ahli pertama", Jenjang.AHLI_PERTAMA, id="jenjang-lower"),
        pytest.param(Jenjang, "AHLI_PERTAMA", Jenjang.AHLI_PERTAMA, id="jenjang-name"),
        pytest.param(PositionCategory, "ADMINISTRATOR", PositionCategory.ADMINISTRATOR, id="cat"),
        pytest.param(
            CoreValue,
            "berorientasi_pelayanan",
            CoreValue.BERORIENTASI_PELAYANAN,
            id="core-underscore",
        ),
        pytest.param(
            CoreValue, "BerorientasiPelayanan", CoreValue.BERORIENTASI_PELAYANAN, id="core-no-space"
        ),
        pytest.param(
            OverrideTarget,
            "Rating Hasil Kerja",
            OverrideTarget.RATING_HASIL_KERJA,
            id="override-target",
        ),
        pytest.param(PeriodKind, "Tahunan", PeriodKind.YEAR, id="tahunan"),
        pytest.param(RhkKind, "additional", RhkKind.TAMBAHAN, id="rhk-english"),
    ],
)
def test_lenient_enum_spellings(enum: Any, text: str, member: Any) -> None:
    assert enum(text) is member


def test_unknown_enum_spelling_is_rejected() -> None:
    with pytest.raises(ValueError, match="Jujur"):
        CoreValue("Jujur")


def test_realisation_needs_value_or_not_applicable() -> None:
    err = raises_model_error(lambda: Realisation(indicator="i1"))
    assert err.field == "value"
    err = raises_model_error(lambda: Realisation(indicator="i1", value=1, not_applicable=True))
    assert err.field == "not_applicable"
    assert Realisation(indicator="i1", value=0).value == 0


def test_behaviour_assessment() -> None:
    b = BehaviourAssessment(rating="Di Atas Ekspektasi", per_value={"loyal": "baik"})
    assert b.per_value == {CoreValue.LOYAL: "baik"}
    raises_model_error(lambda: BehaviourAssessment(rating=" "))


def test_rhk_defaults_and_nested_paths() -> None:
    r = RHK(id="r", description="d", indicators=[indicator_data()])
    assert r.kind is RhkKind.UTAMA
    assert r.weight is None
    err = raises_model_error(
        lambda: RHK(id="r", description="d", indicators=[indicator_data(target="x")])
    )
    assert err.field == "indicators.0.target"
    assert err.employee is None


def test_no_pydantic_exception_escapes_for_garbage() -> None:
    import pydantic

    garbage: list[object] = [
        {"employee": 1},
        {"rhk": "x"},
        {"period": [], "rhk": [{}]},
        {"id": {"a": 1}, "employee": {"nip": ["x"], "name": 3}},
    ]
    for bad in garbage:
        with pytest.raises(ModelError) as info:
            Plan.model_validate(bad)
        assert not isinstance(info.value, pydantic.ValidationError)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1900, max_value=2998),
    st.sampled_from(list(PeriodKind)),
    st.integers(min_value=1, max_value=12),
)
def test_period_text_round_trip_and_coverage(year: int, kind: PeriodKind, index: int) -> None:
    count = {"month": 12, "quarter": 4, "semester": 2, "year": 1}[kind.value]
    if index > count:
        with pytest.raises(ModelError):
            Period(kind, year, index)
        return
    p = Period(kind, year, index)
    assert Period.parse(str(p)) == p
    assert (p.end - timedelta(days=1)) == p.last_day
    assert p in Period.year(year)
    assert p.enclosing("year") == Period.year(year)
    assert tuple(m for c in p.children("month") for m in c.months) == p.months


def test_plan_schema_carries_prose_not_doctest_examples() -> None:
    # Descriptions come from docstrings, whose >>> examples are for developers, not for the
    # tools and forms that read the JSON Schema.
    for mode in ("validation", "serialization"):
        text = json.dumps(Plan.model_json_schema(mode=mode))
        assert ">>>" not in text
        assert "The 7 BerAKHLAK core values" in text  # the prose is kept
