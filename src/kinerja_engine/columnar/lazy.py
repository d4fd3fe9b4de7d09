"""The columnar engine's optional modules, imported once.

Input: nothing. Output: :func:`arrow` and :func:`compute` give the ``pyarrow`` and
``pyarrow.compute`` modules. Guarantees: the first call imports the module (or raises the
:class:`~kinerja_engine.errors.UsageError` of :func:`~kinerja_engine.io.optional.need`,
naming the ``[columnar]`` extra); later calls return it without going through the import
system (the engine asks for it a few thousand times per million plans).

>>> arrow().__name__, compute().__name__
('pyarrow', 'pyarrow.compute')
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..io.optional import need

__all__ = ["arrow", "compute"]


@cache
def arrow() -> Any:
    """``pyarrow`` (a failed import is not remembered: the next call tries again)."""
    return need("pyarrow", "columnar")


@cache
def compute() -> Any:
    """``pyarrow.compute``."""
    return need("pyarrow.compute", "columnar")
