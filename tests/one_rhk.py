"""Plans of one RHK for the tests of capaian, bands, aggregation and input checks.

Input: indicators and realisations as plain data. Output: plan data a :class:`Plan` validates,
or its appraisal under a bundled rulebook (``gajahmungkur`` unless told). Guarantees: the
reference rounding :func:`half_up` is written independently of the library, so expected
numbers never come from the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from books import bundled
from kinerja_engine import Rulebook
from kinerja_engine.models import Plan
from kinerja_engine.scoring import appraise

F = Fraction
G = bundled("gajahmungkur")

NIP = "198609262015051001"


def half_up(value: Fraction, places: int = 2) -> Fraction:
    """Reference rounding, written independently of the library: half away from zero."""
    scale = 10**places
    scaled = abs(value) * scale
    whole = math.floor(scaled)
    if scaled - whole >= F(1, 2):
        whole += 1
    return F(whole if value >= 0 else -whole, scale)


def ind(ident: str, target: Any, **extra: Any) -> dict[str, Any]:
    """An indicator (IKI) of a plan; higher is better unless ``direction`` says otherwise."""
    return {
        "id": ident,
        "name": f"Indikator {ident}",
        "unit_of_measure": "satuan",
        "target": target,
        "direction": extra.pop("direction", "higher"),
        **extra,
    }


def plan_data(
    indicators: list[dict[str, Any]],
    values: dict[str, Any],
    *,
    period: str = "2026-Q1",
    plan_id: str = "skp-uji",
    jenjang: str | None = "Ahli Muda",
    behaviour: str = "Sesuai Ekspektasi",
) -> dict[str, Any]:
    """A one-RHK plan of one functional employee with the given realisations."""
    position: dict[str, Any] = {"name": "Analis", "category": "Fungsional", "jenjang": jenjang}
    if jenjang is None:
        position = {"name": "Pengadministrasi", "category": "Pelaksana"}
    return {
        "id": plan_id,
        "employee": {"nip": NIP, "name": "Siti Rahma", "position": position, "unit": "uji"},
        "period": period,
        "rhk": [{"id": "r1", "description": "Hasil kerja uji", "indicators": indicators}],
        "realisations": [{"indicator": k, "value": v} for k, v in values.items()],
        "behaviour": {"rating": behaviour},
    }


def score(
    indicators: list[dict[str, Any]], values: dict[str, Any], book: Rulebook = G, **kw: Any
) -> Any:
    return appraise(Plan.model_validate(plan_data(indicators, values, **kw)), book)
