"""Shared test configuration: Hypothesis profiles (``ci``, the default, as in CI), cold
scoring caches for every test, and the bundled rulebooks as session fixtures named after them
(``gajahmungkur``, ``permenpanrb_6_2022``, ...): each is read and checked once per run."""

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from books import bundled
from kinerja_engine import Rulebook
from kinerja_engine.scoring import clear_caches

# No profile reads the clock to fail a test: no deadline, and no "too slow" health check (it
# times data generation, so a loaded machine would fail it). "ci" bounds the property tests and
# is the default, so a plain `pytest` runs what CI runs; "dev" doubles the examples for a deeper
# local run, "long" is for deliberate runs.
for _name, _examples in (("ci", 100), ("dev", 200), ("long", 20_000)):
    settings.register_profile(
        _name, max_examples=_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _cold_scoring_caches() -> None:
    # Every test starts with the scoring caches empty: its result cannot depend on the tests
    # run before it, and under mutmut (which forks workers from a process that already ran the
    # suite) a mutant in code whose result is cached is really executed.
    clear_caches()


@pytest.fixture(scope="module")
def dask_client() -> Iterator[object]:
    """A Dask client on a local cluster of 2 worker processes of one thread, for the tests of
    one module (skipped without ``distributed``)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


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
