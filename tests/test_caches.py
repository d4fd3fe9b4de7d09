"""Caches of compiled indicator formulas: one per rulebook, bounded, never outliving the
rulebook that compiled them.
"""

from __future__ import annotations

from fractions import Fraction

from kinerja_engine import rulebooks
from one_rhk import ind, score

F = Fraction


# =========================================================================================
# "A cache that outlives its rulebook, or grows without end"


def test_indicator_formulas_are_compiled_per_rulebook_and_the_cache_is_bounded() -> None:
    from kinerja_engine.scoring import context as scoring

    # The same formula text means different things under two rulebooks that define the
    # constant it reads: a cache keyed by text alone (or by a recycled id) would mix them.
    formula = "realisasi / target * faktor"
    inds = [ind("a", 50, formula=formula)]
    for factor, expected in ((100, F(90)), (50, F(45))):
        book = rulebooks.load("gajahmungkur").extend(f'rulebook "f" const faktor = {factor}')
        assert score(inds, {"a": 45}, book).indicator("a").capaian == expected
    # A service fed endless distinct formula texts stays flat.
    book = rulebooks.load("gajahmungkur").extend('rulebook "g" const faktor = 100')
    cache = scoring.rulebook_view(book).formulas
    for k in range(scoring.MAX_FORMULAS + 5):
        text = f"realisasi / target * 100 + {k}"
        assert score([ind("a", 50, formula=text)], {"a": 45}, book).indicator("a").capaian == 90 + k
        assert len(cache) <= scoring.MAX_FORMULAS
