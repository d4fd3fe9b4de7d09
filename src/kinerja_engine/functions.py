"""Deprecated alias of :mod:`kinerja_engine.language.builtins`.

The module moved in 0.2; this name goes in 0.3.

>>> import warnings
>>> with warnings.catch_warnings(record=True):
...     from kinerja_engine import functions
>>> functions.__all__ == __import__("kinerja_engine.language.builtins", fromlist=["x"]).__all__
True
"""

import warnings

from .language.builtins import *  # noqa: F403
from .language.builtins import __all__  # noqa: F401

warnings.warn(
    "kinerja_engine.functions moved to kinerja_engine.language.builtins; the old name goes in 0.3",
    DeprecationWarning,
    stacklevel=2,
)
