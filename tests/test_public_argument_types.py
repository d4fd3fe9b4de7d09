"""Every public function, called with each wrong argument type, raises a KinerjaError subclass.

Generated over the public surface (issue 15, must-show): every callable in ``__all__`` of
``kinerja_engine``, ``kinerja_engine.scoring``, ``.report``, ``.batch`` and ``.columnar``
(those that write files run in a temporary working directory), and the public
methods of Formula, Rulebook, Plan, Appraisal and Period. For each parameter in turn, each
wrong value of :data:`WRONG` is passed while the other parameters keep a valid value from
:data:`VALID` (by parameter name). A call may succeed (a value may happen to be acceptable);
what it may not do is raise anything but a ``KinerjaError``.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

import kinerja_engine
import kinerja_engine.batch
import kinerja_engine.columnar
import kinerja_engine.io
import kinerja_engine.report
import kinerja_engine.scoring
from kinerja_engine import (
    Appraisal,
    Change,
    Feedback,
    Formula,
    KinerjaError,
    Period,
    Plan,
    Rulebook,
    Step,
    WhatIf,
    appraise,
    feedback,
    rulebooks,
    what_if,
)
from kinerja_engine.io import write_rows
from kinerja_engine.models import example_plan

BOOK = rulebooks.load("gajahmungkur")
PLAN = example_plan()
RESULT = appraise(PLAN, BOOK)
FORMULA = Formula.parse("realisasi / target * 100")
WHAT_IF = what_if(PLAN, BOOK, realisasi={"i1": 2})

#: A valid value per parameter name (the other parameters of a call keep these).
VALID: dict[str, Callable[[], Any]] = {
    "plan": lambda: PLAN,
    "draft": lambda: PLAN,
    "last": lambda: None,
    "annual": lambda: None,
    "plans": lambda: [PLAN],
    "record": lambda: PLAN.model_dump(mode="json"),
    "rulebook": lambda: BOOK,
    "book": lambda: BOOK,
    "appraisal": lambda: RESULT,
    "appraisals": lambda: [RESULT],
    "unit_predikat": lambda: "baik",
    "unit_rating": lambda: None,
    "policy": lambda: None,
    "lang": lambda: "id",
    "templates": lambda: None,
    "realisasi": lambda: {"i1": 3},
    "targets": lambda: None,
    "weights": lambda: None,
    "trace": lambda: False,
    "exact_only": lambda: False,
    "on_progress": lambda: None,
    "on_result": lambda: None,
    "on_unit": lambda: None,
    "progress_every": lambda: 10,
    "grouped": lambda: True,
    "nip": lambda: "198609262015051001",
    "kind": lambda: "PNS",
    "value": lambda: 3,
    "places": lambda: 2,
    "fixed": lambda: False,
    "count": lambda: 3,
    "parts": lambda: 2,
    "start": lambda: 0,
    "stop": lambda: 3,
    "seed": lambda: 0,
    "period": lambda: "2026-Q1",
    "fault_rate": lambda: 0.0,
    "partitions": lambda: 1,
    "scheduler": lambda: "synchronous",
    "bag": lambda: _bag(),  # noqa: PLW0108 - defined below
    "text": lambda: "realisasi / target",
    "name": lambda: "capaian_higher",
    "enum": lambda: "predikat",
    "inputs": lambda: None,
    "diagnostics": list,
    "indicator_id": lambda: "i1",
    "year": lambda: 2026,
    "month": lambda: 1,
    "quarter": lambda: 1,
    "semester": lambda: 1,
    "other": lambda: Period.month(2026, 1),
    "name_or_text": lambda: "gajahmungkur",
    # Relative paths: the functions that take them run in a temporary working directory.
    "source": lambda: _plans_parquet(),  # noqa: PLW0108 - defined below
    "out": lambda: "records.parquet",
    # kinerja_engine.io (review rv3): plan-table rows, a plan file, records.
    "rows": lambda: [{"plan_id": "p1", "nip": "198609262015051001", "target": 1}],
    "path": lambda: _plans_csv(),  # noqa: PLW0108 - defined below
    "records": lambda: [RESULT],
}

#: Functions that write files (run in a temporary working directory).
WRITES = {"score_parquet", "read_plans", "read_records", "write_rows", "plans_from_rows"}


def _plans_parquet() -> str:
    """A Parquet plan table in the working directory (the columnar extra is installed)."""
    write_rows([{"plan_id": "p1", "nip": "198609262015051001", "target": 1.0}], "plans.parquet")
    return "plans.parquet"


def _plans_csv() -> str:
    """A plan table CSV in the working directory (read and written by the io functions)."""
    write_rows([{"plan_id": "p1", "nip": "198609262015051001", "target": "1"}], "plans.csv")
    return "plans.csv"


def _bag() -> Any:
    """A small Dask bag of plans (the dask extra is installed in the test environment)."""
    import dask.bag as db

    return cast(Any, db).from_sequence([PLAN], npartitions=1)


class _Unprintable:
    """An object whose repr and str raise (a message must not need them)."""

    def __repr__(self) -> str:
        raise RuntimeError("repr")

    __str__ = __repr__


#: What each parameter is given in turn.
WRONG: dict[str, object] = {
    "None": None,
    "int": 12345,
    "str": "x",
    "list": [],
    "list_of_none": [None],
    "dict": {},
    "object": object(),
    "nan": float("nan"),
    "bool": True,
    # Review rv3: a message must not call a caller's failing repr, nor print a 5,000-digit
    # int (Python refuses to, with a ValueError).
    "unprintable": _Unprintable(),
    "huge_negative": -(10**5000),
}

#: ``from_ast`` takes a parsed tree (an internal seam, checked by the language suite).
SKIPPED = {"Rulebook.from_ast"}

#: Parameters passed through to another library as they are: ``scheduler`` goes to Dask's
#: ``compute`` (a name, a function or a client), which owns its checks.
PASSED_THROUGH = {("score_workforce_dask", "scheduler")}

#: Valid keyword bindings of the methods that take ``**bindings`` (each is given a wrong
#: value in turn, and an extra positional argument is tried).
BINDINGS: dict[str, dict[str, Any]] = {
    "Formula.evaluate": {"realisasi": 3, "target": 4},
    "Formula.evaluate_exact": {"realisasi": 3, "target": 4},
    "Rulebook.evaluate": {"realisasi": 3, "target": 4},
    "Rulebook.with_params": {"batas_capaian": 120},
}


def _surface() -> Iterator[tuple[str, Callable[..., Any], inspect.Signature, bool]]:
    seen: set[int] = set()
    for module in (kinerja_engine, kinerja_engine.scoring, kinerja_engine.report,
                   kinerja_engine.batch, kinerja_engine.columnar, kinerja_engine.io):  # fmt: skip
        for name in module.__all__:
            obj = getattr(module, name)
            # Every public callable that is not a class (functions, cached functions …).
            if (
                callable(obj)
                and not inspect.isclass(obj)
                and id(obj) not in seen
                and name not in SKIPPED
            ):
                seen.add(id(obj))
                yield name, obj, inspect.signature(obj), False
    instances: dict[type, object] = {
        Formula: FORMULA, Rulebook: BOOK, Plan: PLAN, Appraisal: RESULT,
        Period: Period.quarter(2026, 1), WhatIf: WHAT_IF, Change: WHAT_IF.changes[0],
        Step: RESULT.trace[0], Feedback: feedback(RESULT),
    }  # fmt: skip
    for cls, instance in instances.items():
        for name, raw in vars(cls).items():
            label = f"{cls.__name__}.{name}"
            if name.startswith("_") or label in SKIPPED:
                continue
            if isinstance(raw, classmethod | staticmethod):
                fn = getattr(cls, name)
                yield label, fn, inspect.signature(fn), True
            elif inspect.isfunction(raw):
                bound = getattr(instance, name)
                yield label, bound, inspect.signature(bound), True


def _cases() -> Iterator[Any]:
    for label, fn, sig, _ in _surface():
        params = [p.name for p in sig.parameters.values()
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                  and (label, p.name) not in PASSED_THROUGH]  # fmt: skip
        params += [f"**{key}" for key in BINDINGS.get(label, {})]
        if label in BINDINGS:
            params.append("*positional")
        for param, (wrong_name, wrong) in itertools.product(params, WRONG.items()):
            yield pytest.param(label, fn, sig, param, wrong, id=f"{label}-{param}-{wrong_name}")


def _call(label: str, fn: Callable[..., Any], sig: inspect.Signature, target: str,
          wrong: object) -> Any:  # fmt: skip
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    bindings = dict(BINDINGS.get(label, {}))
    if target.startswith("**"):
        bindings[target[2:]] = wrong
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name == target:
            value = wrong
        elif p.default is not p.empty and p.name not in VALID:
            continue
        else:
            value = VALID[p.name]()
        if p.kind is p.POSITIONAL_ONLY:
            args.append(value)
        elif p.kind is p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            kwargs[p.name] = value
    if target == "*positional":
        args.append(wrong)
    result = fn(*args, **kwargs, **bindings)
    if isinstance(result, Iterator):
        result = list(itertools.islice(result, 5))  # lazy results fail when consumed
    return result


@pytest.mark.parametrize(("label", "fn", "sig", "param", "wrong"), list(_cases()))
def test_wrong_argument_type_is_a_kinerja_error(
    label: str,
    fn: Callable[..., Any],
    sig: inspect.Signature,
    param: str,
    wrong: object,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with contextlib.ExitStack() as stack:
        if label in WRITES:
            stack.enter_context(contextlib.chdir(tmp_path_factory.mktemp("cwd")))
        with contextlib.suppress(KinerjaError):
            _call(label, fn, sig, param, wrong)


def test_the_surface_is_covered() -> None:
    """The generated cases reach every public function and every listed method."""
    labels = {label for label, *_ in _surface()}
    assert {"appraise", "appraise_year", "check_distribution", "score_batch", "check_targets",
            "Rulebook.evaluate", "Formula.evaluate", "Plan.realisation_for",
            "score_parquet", "supports"} <= labels  # fmt: skip
    assert len(labels) >= 40


def test_every_parameter_has_a_valid_value() -> None:
    """A parameter without a default needs a row in VALID (so a new one is not skipped)."""
    missing = {
        (label, p.name)
        for label, _, sig, _ in _surface()
        for p in sig.parameters.values()
        if p.default is p.empty
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        and p.name not in VALID
    }
    assert missing == set()


# The raw compiled functions (Formula.function, Rulebook.function(name)) check nothing on their
# way; an evaluation that fails on an input they do not take names it (a UsageError), and a
# left-out argument is named too. Each is tried twice: the second call meets the code compiled
# at the first repeating quotient (language/scaled.py), which must keep the clause.
RAW_FORMULAS = [
    "realisasi / target * 100",
    "min(r1 / t1, 1.2) * 30 + min(r2 / t2, 1.2) * 70",
    "if t == 0 then 0 else (2 - r / t) * 100",
]


def _raw_functions() -> Iterator[tuple[str, Callable[..., Any], list[Any]]]:
    from decimal import Decimal

    for text in RAW_FORMULAS:
        formula = Formula.parse(text)
        yield text, formula.function, [Decimal(90 + 3 * i) for i in range(len(formula.inputs))]
    for name in ("capaian_higher", "capaian_lower"):
        fn = BOOK.function(name)
        arity = len(inspect.signature(fn).parameters)
        yield name, fn, [Decimal(7 + i) for i in range(arity)]


@pytest.mark.parametrize("wrong", sorted(WRONG.keys() - {"int", "bool"}))
def test_raw_functions_name_an_input_they_do_not_take(wrong: str) -> None:
    for label, fn, good in _raw_functions():
        fn(*good)  # a repeating quotient (target 93 …) compiles the continuations
        for position in range(len(good)):
            args = [*good[:position], WRONG[wrong], *good[position + 1 :]]
            for _ in range(2):
                message = ""
                try:
                    fn(*args)
                except KinerjaError as exc:
                    message = exc.message
                assert "internal error" not in message, (label, message)
        with pytest.raises(KinerjaError, match=r"\(argument \d+\) is missing"):
            fn(*good[:-1])
