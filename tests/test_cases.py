"""The language conformance cases in ``grammar/cases/*.toml``, run as data.

Each ``[[case]]`` of a file is one test, with the case's ``name`` as its id. Keys:

* what to run (exactly one of):

  - ``formula``: one formula, evaluated with ``Formula.parse(...).evaluate(**bindings)``;
    ``context = "x"`` evaluates it in the rulebook ``[contexts] x = '''…'''`` of the same file,
    ``rulebook = '''…'''`` in an inline rulebook; ``inputs`` declares input types;
  - ``rulebook`` plus ``definition``: ``Rulebook.parse(text).evaluate(definition, **bindings)``;
  - ``rulebook`` alone: the rulebook must be rejected (an ``error`` case).

* ``bindings``: inputs by name. Numbers are written as strings so they stay exact (a TOML float
  is passed as a Python float on purpose, to exercise the shortest-repr conversion); booleans
  and arrays are TOML booleans and arrays; labels are their spellings.
* the outcome (exactly one of):

  - ``expected``: ``"true"``/``"false"``, a label ``"enum.member"``, a plain decimal (compared as
    written, so ``"95"`` also asserts that ``95.00`` is not returned), or an array of decimals;
    ``expected_exact`` (``"p/q"``) may be added for ``evaluate_exact`` on a formula;
  - ``error``: the :class:`~kinerja_engine.errors.KinerjaError` subclass name, with ``line`` and
    ``column`` (or ``no_position = true`` for errors about values, not text), optionally
    ``message_contains``, ``hint_contains`` and ``diagnostics`` (how many problems are reported).

* ``xfail = "BUG: …"`` marks a case that shows a known library bug (strict: it must fail);
  ``xfail_position = "BUG: …"`` keeps the error class and message checked and moves only the
  position check to a separate, strictly-xfailed test with the id ``<name>-position``.

Syntax, check and limit errors must be raised while reading the text; evaluation and binding
errors only when evaluating, so a checked formula never fails for a reason the checker knows.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import kinerja_engine
from kinerja_engine import Formula, KinerjaError, Label, Rulebook

CASES_DIR = Path(__file__).resolve().parent.parent / "grammar" / "cases"

# Errors the phases before evaluation raise, and those only evaluation raises.
BUILD_ERRORS = {"KinerjaSyntaxError", "CheckError", "LimitError"}
RUN_ERRORS = {"EvaluationError", "BindingError"}
KNOWN_KEYS = {
    "name", "formula", "rulebook", "definition", "context", "inputs", "bindings", "expected",
    "expected_exact", "error", "line", "column", "no_position", "message_contains",
    "hint_contains", "diagnostics", "xfail", "xfail_position",
}  # fmt: skip


def _load() -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        contexts = data.get("contexts", {})
        for case in data.get("case", []):
            cases.append((path.stem, case, contexts))
    return cases


ALL_CASES = _load()


def _params() -> list[Any]:
    params = []
    for _topic, case, contexts in ALL_CASES:
        marks = []
        if "xfail" in case:
            marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
        params.append(pytest.param(case, contexts, False, id=case["name"], marks=marks))
        if "xfail_position" in case:
            params.append(
                pytest.param(
                    case,
                    contexts,
                    True,
                    id=f"{case['name']}-position",
                    marks=[pytest.mark.xfail(strict=True, reason=case["xfail_position"])],
                )
            )
    return params


def _build(case: dict[str, Any], contexts: dict[str, str]) -> Any:
    """Read the case's text: a Formula, or a Rulebook for ``rulebook`` + ``definition`` cases."""
    book = None
    if "context" in case:
        book = Rulebook.parse(contexts[case["context"]])
    elif "rulebook" in case:
        book = Rulebook.parse(case["rulebook"])
    if "formula" in case:
        return Formula.parse(case["formula"], rulebook=book, inputs=case.get("inputs"))
    return book


def _run(built: Any, case: dict[str, Any]) -> Any:
    bindings = case.get("bindings", {})
    if isinstance(built, Formula):
        return built.evaluate(**bindings)
    assert "definition" in case, "a rulebook case that is accepted needs a definition to run"
    return built.evaluate(case["definition"], **bindings)


def _assert_value(result: Any, expected: Any) -> None:
    if isinstance(expected, list):
        assert isinstance(result, tuple), f"expected a list, got {result!r}"
        assert [format(v, "f") for v in result] == expected
    elif expected in ("true", "false"):
        assert result is (expected == "true"), f"got {result!r}"
    elif expected[:1].isalpha():
        enum, _, member = expected.partition(".")
        assert isinstance(result, Label), f"expected a label, got {result!r}"
        assert (result.enum, result.name) == (enum, member)
    else:
        assert isinstance(result, Decimal), f"expected a Decimal, got {result!r}"
        # format(…, "f") is plain notation: 1E-14 and 0.00000000000001 read the same, while
        # trailing zeros (95.00 for 95) still show, so normalisation is part of the contract.
        assert format(result, "f") == expected


def _assert_error(exc: KinerjaError, case: dict[str, Any], position: bool) -> None:
    assert type(exc).__name__ == case["error"], f"{type(exc).__name__}: {exc}"
    if "message_contains" in case:
        assert case["message_contains"] in exc.message
    if "hint_contains" in case:
        assert exc.hint is not None
        assert case["hint_contains"] in exc.hint
    if "diagnostics" in case:
        assert len(exc.diagnostics) == case["diagnostics"], [d.message for d in exc.diagnostics]
    if "xfail_position" in case and not position:
        return
    if case.get("no_position"):
        assert (exc.line, exc.column) == (None, None)
    else:
        assert (exc.line, exc.column) == (case["line"], case["column"])


@pytest.mark.parametrize(("case", "contexts", "position"), _params())
def test_case(case: dict[str, Any], contexts: dict[str, str], position: bool) -> None:
    if "error" not in case:
        result = _run(_build(case, contexts), case)
        _assert_value(result, case["expected"])
        if "expected_exact" in case:
            built = _build(case, contexts)
            exact = built.evaluate_exact(**case.get("bindings", {}))
            assert exact == Fraction(case["expected_exact"])
        return
    if case["error"] in BUILD_ERRORS:
        with pytest.raises(KinerjaError) as info:
            _build(case, contexts)
    else:
        assert case["error"] in RUN_ERRORS, case["error"]
        built = _build(case, contexts)  # reading must succeed: only evaluation may fail
        with pytest.raises(KinerjaError) as info:
            _run(built, case)
    _assert_error(info.value, case, position)


# -- the case files themselves ------------------------------------------------------------


def test_cases_are_well_formed() -> None:
    # A typo in a key (``expect``) would silently turn a case into a weaker one.
    names = [case["name"] for _, case, _ in ALL_CASES]
    assert len(names) == len(set(names)), "case names must be unique (they are the test ids)"
    assert len(names) >= 120
    for _, case, contexts in ALL_CASES:
        assert set(case) <= KNOWN_KEYS, (case["name"], set(case) - KNOWN_KEYS)
        assert ("expected" in case) != ("error" in case), case["name"]
        assert "formula" in case or "rulebook" in case, case["name"]
        assert "context" not in case or case["context"] in contexts, case["name"]
        if "error" in case:
            assert hasattr(kinerja_engine, case["error"]), case["error"]
            assert case.get("no_position") or {"line", "column"} <= set(case), case["name"]
        for key in ("xfail", "xfail_position"):
            assert not case.get(key) or case[key].startswith("BUG: "), case["name"]


def test_every_builtin_has_cases() -> None:
    from kinerja_engine.language.builtins import BUILTINS

    texts = " ".join(case.get("formula", "") + case.get("rulebook", "") for _, case, _ in ALL_CASES)
    missing = [name for name in BUILTINS if f"{name}(" not in texts]
    assert not missing, f"builtins without a conformance case: {missing}"


@pytest.mark.parametrize(
    "topic",
    [
        "arithmetic",
        "builtins",
        "errors_check",
        "errors_syntax",
        "evaluation_errors",
        "labels",
        "limits",
        "literals",
        "logic",
        "rulebooks",
    ],
)
def test_topic_file_exists(topic: str) -> None:
    assert (CASES_DIR / f"{topic}.toml").is_file()
