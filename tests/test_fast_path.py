"""The fast path is taken, and its look-ups are made once per rulebook.

Every result is exact either way: a rulebook definition runs on the fast (Decimal) path when all
its arguments are finite decimals and on the exact (Fraction) path otherwise, and both give the
same value (``test_batch`` proves it on generated workforces). What these tests pin down is the
speed contract of issue 6: an ordinary plan, whose every number terminates, never falls back to
the exact path, and what can be derived once per rulebook (compiled indicator formulas,
signatures, enum spellings) is not derived again for every plan. A regression here changes no
score, only the cost of each one, so without these tests it would go unnoticed.
"""

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from kinerja_engine import rulebooks
from kinerja_engine.batch import appraise_reference
from kinerja_engine.language import Rulebook
from kinerja_engine.language.checker import EnumInfo
from kinerja_engine.language.compiler import Program
from kinerja_engine.models import Plan
from kinerja_engine.scoring import appraise, appraise_many
from kinerja_engine.scoring.context import rulebook_view


def _indicator(id_: str, target: Any, direction: str, weight: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "name": id_.title(),
        "unit_of_measure": "unit",
        "target": target,
        "direction": direction,
        "weight": weight,
        **extra,
    }


def plan(n: int, realisasi: dict[str, Any], behaviour: str = "Sesuai Ekspektasi") -> dict[str, Any]:
    """A plan whose weights, targets and realisasi all terminate, as do the capaian they give."""
    return {
        "id": f"skp-2026-q1-{n:03d}",
        "employee": {
            "nip": "198609262015051001",
            "name": "Siti Rahma",
            "unit": "gajahmungkur",
            "position": {"name": "Analis", "category": "Fungsional", "jenjang": "Ahli Muda"},
        },
        "period": "2026-Q1",
        "rhk": [
            {
                "id": "rhk1",
                "description": "Layanan",
                "weight": 60,
                "indicators": [
                    _indicator("waktu", 4, "lower", 50),
                    _indicator("kasus", 80, "higher", 25),
                    _indicator("ikm", "80-90", "range", 25),
                ],
            },
            {
                "id": "rhk2",
                "description": "Sosialisasi",
                "weight": 40,
                "indicators": [
                    _indicator(
                        "sosialisasi",
                        80,
                        "higher",
                        50,
                        formula="cap(realisasi / target * 100, 110)",
                    ),
                    _indicator("vaksin", 1000, "higher", 50, kind="vaksinasi"),
                ],
            },
        ],
        "realisations": [{"indicator": k, "value": v} for k, v in realisasi.items()],
        "behaviour": {"rating": behaviour},
    }


PLANS = [
    plan(1, {"waktu": 3, "kasus": 100, "ikm": 85, "sosialisasi": 96, "vaksin": 1500}),
    plan(
        2,
        {"waktu": 5, "kasus": 60, "ikm": "94.5", "sosialisasi": 40, "vaksin": 800},
        "Di Bawah Ekspektasi",
    ),
    plan(
        3,
        {"waktu": "2.5", "kasus": 90, "ikm": 75, "sosialisasi": 80, "vaksin": 1250},
        "Di Atas Ekspektasi",
    ),
]


class _NoExactPath(dict[str, Callable[..., Any]]):
    def __getitem__(self, name: str) -> Callable[..., Any]:
        raise AssertionError(f"'{name}' took the exact path")


@pytest.mark.parametrize("data", PLANS, ids=lambda d: d["id"])
@pytest.mark.parametrize("trace", [True, False])
def test_terminating_plans_never_take_the_exact_path(
    data: Any, trace: bool, gajahmungkur: Rulebook
) -> None:
    book = gajahmungkur
    reference = appraise_reference(data, book)  # exact path only, computed first
    assert reference.status == "complete", reference.error
    info = rulebook_view(book)
    info.exact = _NoExactPath()
    result = appraise(Plan.model_validate(data), book, trace=trace)
    assert result == (reference if trace else reference.model_copy(update={"trace": ()}))


def test_exact_path_still_taken_for_thirds(gajahmungkur: Rulebook) -> None:
    # The guard above is not vacuous: weights of 100/3 do not terminate, so the weighted mean
    # of that RHK must run on the exact path.
    book = gajahmungkur
    data = plan(4, {"waktu": 3, "kasus": 100, "ikm": 85, "sosialisasi": 96, "vaksin": 1500})
    for ind in data["rhk"][0]["indicators"]:
        ind["weight"] = "100/3"
    rulebook_view(book).exact = _NoExactPath()
    with pytest.raises(AssertionError, match="took the exact path"):
        appraise(Plan.model_validate(data), book)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts of the per-rulebook derivations the pipeline should make only once."""
    calls: Counter[str] = Counter()

    def spy(cls: type, method: str) -> None:
        original = getattr(cls, method)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls[f"{method} {args[0]}"] += 1
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, method, wrapper)

    spy(Rulebook, "formula")
    spy(Program, "signature")
    spy(EnumInfo, "resolve")
    return calls


def test_rulebook_lookups_are_made_once_for_many_plans(
    counted: Counter[str], gajahmungkur: Rulebook
) -> None:
    book = gajahmungkur
    results = list(appraise_many(PLANS * 4, book, trace=False))
    assert [r.status for r in results] == ["complete"] * 12
    formula = "formula cap(realisasi / target * 100, 110)"
    assert counted[formula] == 1, counted
    signatures = {k: v for k, v in counted.items() if k.startswith("signature ")}
    assert signatures and set(signatures.values()) == {1}, signatures
    # Three spellings of the behaviour rating, each resolved once; the jenjang once.
    resolved = {k: v for k, v in counted.items() if k.startswith("resolve ")}
    assert resolved and set(resolved.values()) == {1}, resolved
    assert len(resolved) == 4, resolved


def test_a_new_rulebook_derives_afresh(counted: Counter[str], gajahmungkur: Rulebook) -> None:
    # The cache belongs to its rulebook: a different rulebook compiles the formula itself.
    first = gajahmungkur
    second = rulebooks.load('rulebook "lokal" version "1" extends "gajahmungkur"')
    for book in (first, second, first, second):
        appraise(Plan.model_validate(PLANS[0]), book)
    assert counted["formula cap(realisasi / target * 100, 110)"] == 2
