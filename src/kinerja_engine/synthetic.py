"""Deprecated alias of :mod:`kinerja_engine.batch.synthetic`.

The module moved in 0.2; this name goes in 0.3.

>>> import warnings
>>> with warnings.catch_warnings(record=True):
...     from kinerja_engine import synthetic
>>> synthetic.__all__ == __import__("kinerja_engine.batch.synthetic", fromlist=["x"]).__all__
True
"""

import warnings

from .batch.synthetic import *  # noqa: F403
from .batch.synthetic import __all__  # noqa: F401

warnings.warn(
    "kinerja_engine.synthetic moved to kinerja_engine.batch.synthetic; the old name goes in 0.3",
    DeprecationWarning,
    stacklevel=2,
)
