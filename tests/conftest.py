"""Shared test configuration: Hypothesis profiles (``HYPOTHESIS_PROFILE=ci`` in CI) and cold
scoring caches for every test."""

import os

import pytest
from hypothesis import HealthCheck, settings

from kinerja_engine.scoring import clear_caches

# CI keeps property tests bounded; "dev" is the default locally, "long" for deliberate runs.
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("long", max_examples=20_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _cold_scoring_caches() -> None:
    # Every test starts with the scoring caches empty: its result cannot depend on the tests
    # run before it, and under mutmut (which forks workers from a process that already ran the
    # suite) a mutant in code whose result is cached is really executed.
    clear_caches()
