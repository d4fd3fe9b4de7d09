"""Did-you-mean over a fixed set of names: one index built once, bounded work per query.

The one did-you-mean mechanism of the package: the checker's unknown names, a plan's unknown
indicators, a rulebook's unknown kinds and the checker's near-miss warnings all ask it.

Input: the known names (built once into a :class:`NameIndex`), then any number of
unknown names. Output: the closest known name by :func:`difflib.get_close_matches`
(cutoff 0.5 unless the caller asks for a closer match), or ``None``. Guarantees: a query
compares against at most
:data:`MAX_CANDIDATES` known names (chosen through an index of padded character
bigrams, rarest bigrams first, touching at most :data:`POSTING_BUDGET` index entries),
so validating a plan with n unknown names costs O(n), not O(n x known). With at most
:data:`MAX_CANDIDATES` known names every one is compared, exactly as before.

>>> index = NameIndex(["capaian_cakupan", "capaian_waktu", "realisasi"])
>>> index.closest("capaian_cakupn"), index.closest("zzz")
('capaian_cakupan', None)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Final

__all__ = ["MAX_CANDIDATES", "POSTING_BUDGET", "NameIndex"]

#: Known names compared (by difflib) per query at most.
MAX_CANDIDATES: Final = 16
#: Index entries visited per query at most, whatever the number of known names.
POSTING_BUDGET: Final = 512


def _bigrams(name: str) -> set[str]:
    # Padded so that one-character names and first/last letters still share a bigram.
    padded = f"\x02{name}\x03"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


class NameIndex:
    """Known names indexed by padded character bigrams for did-you-mean look-ups.

    >>> NameIndex(["i1", "r2"]).closest("i3")
    'i1'
    """

    __slots__ = ("_names", "_postings")

    def __init__(self, names: Iterable[str]) -> None:
        self._names: tuple[str, ...] = tuple(dict.fromkeys(names))
        self._postings: dict[str, list[int]] = {}
        for i, name in enumerate(self._names):
            for gram in _bigrams(name):
                self._postings.setdefault(gram, []).append(i)

    def candidates(self, name: str) -> list[str]:
        """At most :data:`MAX_CANDIDATES` known names sharing the most bigrams with ``name``.

        >>> NameIndex(["alpha", "beta"]).candidates("alpah")
        ['alpha', 'beta']
        """
        if len(self._names) <= MAX_CANDIDATES:
            return list(self._names)
        lists = sorted((self._postings[g] for g in _bigrams(name) if g in self._postings), key=len)
        counts: dict[int, int] = {}
        budget = POSTING_BUDGET
        for posting in lists:
            # Rarest bigrams first: they say most about which name was meant.
            for i in posting[:budget]:
                counts[i] = counts.get(i, 0) + 1
            budget -= min(len(posting), budget)
            if budget <= 0:
                break
        best = sorted(counts, key=lambda i: (-counts[i], i))[:MAX_CANDIDATES]
        return [self._names[i] for i in sorted(best)]

    def closest(self, name: str, cutoff: float = 0.5) -> str | None:
        """The closest known name (difflib ratio at least ``cutoff``), or ``None``.

        >>> NameIndex(["target", "realisasi"]).closest("realisai")
        'realisasi'
        >>> NameIndex(["batas_sangat_baik"]).closest("batas_baik", cutoff=0.85) is None
        True
        """
        close = difflib.get_close_matches(name, self.candidates(name), n=1, cutoff=cutoff)
        return close[0] if close else None
