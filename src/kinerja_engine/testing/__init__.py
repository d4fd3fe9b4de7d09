"""A Hypothesis kit for property-testing formulas, rulebooks and scoring rules.

Input: nothing but Hypothesis (an optional dependency: ``pip install 'kinerja_engine[testing]'``;
the package itself never imports this kit). Output: strategies for syntax trees, texts,
rulebooks, exact input numbers and valid input models, and invariant checkers. Guarantees:

* :func:`formula_asts` and :func:`rulebook_asts` only build trees the parser can produce, so
  ``parse_formula(print_expr(ast)) == ast`` is a fair property to test;
* :func:`numeric_formulas` builds trees that type-check as numbers over the given input names;
* :func:`formula_texts` and :func:`rulebook_texts` build both valid texts and broken ones
  (tokens deleted, duplicated, swapped or inserted), for "never crashes" properties;
* :func:`decimals_for_inputs` builds finite Decimals that callers may bind to inputs;
* :func:`nips`, :func:`employees`, :func:`positions`, :func:`periods`, :func:`indicators`,
  :func:`rhks`, :func:`realisations`, :func:`behaviour_ratings`, :func:`behaviour_assessments`
  and :func:`plans` build *valid* input models (``plans(rulebook)`` builds plans that rulebook
  can score, with weights summing to exactly 100);
* :func:`columnar_rulebooks` builds whole rulebooks in the columnar engine's supported forms
  (:class:`ColumnarRulebook`) and :func:`columnar_plan_rows` plan tables on their boundaries;
* the ``assert_*`` invariant checkers (monotone in realisasi, bounded by caps, weights summing
  to 100, deterministic, insensitive to input order, rating consistent with the matrix) raise
  ``AssertionError`` with a clear message, inside a caller's ``@given`` test or outside one.
  docs/testing.md shows them property-testing a local rulebook.

Every strategy is deterministic given Hypothesis' choices (no clock, no global random).

The modules, each importing only those before it: ``values`` (shared value strategies),
``strategies_language`` (syntax trees), ``strategies_text`` (texts, valid and broken),
``strategies_people`` (NIPs, employees, positions, periods, behaviour),
``strategies_models`` (indicators, RHKs, realisations, plans), ``strategies_columnar`` (rulebooks
in the columnar forms and tables on their boundaries) and ``invariants`` (the
checkers, whose code uses no Hypothesis).

>>> from hypothesis.strategies import SearchStrategy
>>> isinstance(formula_asts(max_depth=3), SearchStrategy)
True
>>> isinstance(rulebook_texts(), SearchStrategy)
True
"""

try:
    import hypothesis  # noqa: F401 - checked once here, for a clear message
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "kinerja_engine.testing needs Hypothesis: pip install 'kinerja_engine[testing]'"
    ) from exc

from .invariants import (
    assert_bounded_by_caps,
    assert_deterministic,
    assert_monotone_in_realisasi,
    assert_order_insensitive,
    assert_rating_consistent_with_matrix,
    assert_weights_sum_to_100,
)
from .strategies_columnar import ColumnarRulebook, columnar_plan_rows, columnar_rulebooks
from .strategies_language import formula_asts, identifiers, numeric_formulas, rulebook_asts
from .strategies_models import indicators, plans, realisations, rhks
from .strategies_people import (
    behaviour_assessments,
    behaviour_ratings,
    employees,
    nips,
    periods,
    positions,
)
from .strategies_text import formula_texts, mutate_text, rulebook_texts, tokenize
from .values import decimals_for_inputs

__all__ = [
    "ColumnarRulebook",
    "assert_bounded_by_caps",
    "assert_deterministic",
    "assert_monotone_in_realisasi",
    "assert_order_insensitive",
    "assert_rating_consistent_with_matrix",
    "assert_weights_sum_to_100",
    "behaviour_assessments",
    "behaviour_ratings",
    "columnar_plan_rows",
    "columnar_rulebooks",
    "decimals_for_inputs",
    "employees",
    "formula_asts",
    "formula_texts",
    "identifiers",
    "indicators",
    "mutate_text",
    "nips",
    "numeric_formulas",
    "periods",
    "plans",
    "positions",
    "realisations",
    "rhks",
    "rulebook_asts",
    "rulebook_texts",
    "tokenize",
]
