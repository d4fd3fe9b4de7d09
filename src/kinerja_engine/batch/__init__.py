"""Scoring at scale: streams of plans, partitions, Dask bags and the synthetic workforce."""

from .stream import *  # noqa: F403
from .stream import __all__  # noqa: F401
