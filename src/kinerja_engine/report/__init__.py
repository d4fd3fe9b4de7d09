"""What people read, built on the scoring phase's results: feedback, what-if, the path to the
next rating, checks of a draft plan's targets, the behaviour form. (An appraisal's own
explanation is rendered by the scoring phase: :meth:`kinerja_engine.scoring.Appraisal.explain`.)"""

from .behaviour import BehaviourForm, BehaviourRow, behaviour_form
from .feedback import TEMPLATES, Feedback, FeedbackItem, feedback
from .targets import TargetFlag, check_targets
from .what_if import Change, PathStep, WhatIf, path_to_next, what_if

__all__ = [
    "TEMPLATES",
    "BehaviourForm",
    "BehaviourRow",
    "Change",
    "Feedback",
    "FeedbackItem",
    "PathStep",
    "TargetFlag",
    "WhatIf",
    "behaviour_form",
    "check_targets",
    "feedback",
    "path_to_next",
    "what_if",
]
