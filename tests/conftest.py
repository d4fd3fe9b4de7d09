"""Shared test configuration: Hypothesis profiles (``HYPOTHESIS_PROFILE=ci`` in CI), cold
scoring caches for every test, and the bundled rulebooks as session fixtures named after them
(``gajahmungkur``, ``permenpanrb_6_2022``, ...): each is read and checked once per run."""

import os

import pytest
from hypothesis import HealthCheck, settings

from books import bundled
from kinerja_engine import Rulebook
from kinerja_engine.scoring import pipeline as scoring

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
    scoring._clear_caches()


# --------------------------------------------------------------------------- bundled rulebooks
# A rulebook is immutable (extend returns a new one), so one instance serves every test.


@pytest.fixture(scope="session")
def gajahmungkur() -> Rulebook:
    return bundled("gajahmungkur")


@pytest.fixture(scope="session")
def permenpanrb_6_2022() -> Rulebook:
    return bundled("permenpanrb-6-2022")


@pytest.fixture(scope="session")
def permenpanrb_8_2021() -> Rulebook:
    return bundled("permenpanrb-8-2021")


@pytest.fixture(scope="session")
def pp_46_2011() -> Rulebook:
    return bundled("pp-46-2011")


@pytest.fixture(scope="session")
def angka_kredit_2023() -> Rulebook:
    return bundled("angka-kredit-2023")


@pytest.fixture(scope="session")
def ikm_2004() -> Rulebook:
    return bundled("ikm-2004")


@pytest.fixture(scope="session")
def ikm_2017() -> Rulebook:
    return bundled("ikm-2017")
