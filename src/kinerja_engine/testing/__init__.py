"""A Hypothesis kit for property-testing formulas, rulebooks and scoring rules."""

from .core import *  # noqa: F403
from .core import __all__  # noqa: F401
