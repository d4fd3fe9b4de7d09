"""Optional dependencies, imported only when a feature needs them.

Input: a module name and the extra of ``pyproject.toml`` that installs it. Output: the
module, or a :class:`~kinerja_engine.errors.UsageError` naming what to install. Guarantees:
nothing heavy is imported when :mod:`kinerja_engine.io` is.

>>> need("json", "none").__name__
'json'
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import UsageError

__all__ = ["need"]


def need(module: str, extra: str | None) -> Any:
    """Import ``module``, or raise UsageError naming the extra (or package) that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".", maxsplit=1)[0]
        install = f"pip install 'kinerja_engine[{extra}]'" if extra else f"pip install {package}"
        raise UsageError(f"this needs {package}, which is not installed", hint=install) from None
