"""Typed plans (SKP) and their parts: pydantic models, frozen, extra fields forbidden.

Input: dicts, JSON or objects. Output: validated :class:`Plan` values, or a
:class:`~kinerja_engine.errors.ModelError` naming every field in error.
"""

from .plan import *  # noqa: F403
from .plan import __all__  # noqa: F401
