"""Did-you-mean over a fixed set of names (kept here for older imports).

Input and Output: those of :class:`NameIndex` (known names once, then the closest known name
to each unknown one). Guarantees: the same index as
:mod:`kinerja_engine.language.suggest`, the lowest layer that asks for suggestions (the
checker does), where it lives; the models import it from there.

>>> NameIndex(["capaian_cakupan", "capaian_waktu"]).closest("capaian_cakupn")
'capaian_cakupan'
"""

from __future__ import annotations

from ..language.suggest import MAX_CANDIDATES, POSTING_BUDGET, NameIndex

__all__ = ["MAX_CANDIDATES", "POSTING_BUDGET", "NameIndex"]
