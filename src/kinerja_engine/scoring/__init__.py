"""The scoring phase: a plan and a rulebook in, an explained :class:`Appraisal` out.

Deterministic: no clock, environment or files. Also the annual aggregation and the unit's
distribution check.
"""

from .pipeline import *  # noqa: F403
from .pipeline import __all__  # noqa: F401
