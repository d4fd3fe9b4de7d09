"""docs/testing.md stays true: its code runs, its property tests pass, its examples print.

The page holds two kinds of ``python`` blocks: plain code (a user's rulebook and test module),
executed here in order in one namespace, after which every ``test_*`` function it defines is
called; and ``>>>`` examples, run with :mod:`doctest` in that same namespace.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "testing.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```", TEXT, flags=re.DOTALL | re.MULTILINE)


def _run_page() -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "docs_testing"}
    for block in BLOCKS:
        if not block.lstrip().startswith(">>>"):
            exec(compile(block, str(DOC), "exec"), namespace)
    return namespace


def test_code_blocks_run_and_their_property_tests_pass() -> None:
    namespace = _run_page()
    tests = [name for name in namespace if name.startswith("test_")]
    assert tests == ["test_every_plan_scores_soundly", "test_reports_are_capped",
                     "test_more_is_never_worse"]  # fmt: skip
    for name in tests:
        namespace[name]()  # a Hypothesis test: raises if any example fails
    # The page's property tests use the kit, and the rulebook is the one it describes.
    assert namespace["BOOK"].name == "kantor-contoh"
    assert "capaian_laporan" in namespace["BOOK"]


def test_doctest_examples_run() -> None:
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        globs=_run_page(),
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted >= 5, "the examples were not found"
    assert result.failed == 0


def test_every_public_name_is_documented() -> None:
    from kinerja_engine import testing

    models_and_checkers = [
        name
        for name in testing.__all__
        if name.startswith("assert_")
        or name
        in (
            "nips",
            "employees",
            "periods",
            "indicators",
            "rhks",
            "realisations",
            "behaviour_ratings",
            "plans",
        )
    ]
    missing = [name for name in models_and_checkers if f"`{name}(" not in TEXT]
    assert not missing
