"""Numbers as the sentences of reports print them, and the sentences about credit points.

Input: an exact number and a language; for :func:`credit_sentences`, a
:class:`~kinerja_engine.scoring.credit.CreditStanding`. Output: text such as ``2,5`` or
``95,5`` (``id``) and ``2.5`` (``en``); one sentence per credit target (Indonesian for the
employee by default). Guarantees: the rounding and separators are those of
:func:`kinerja_engine.formatting.format_number` (half up, per language); only the zeros a
sentence does not need are trimmed; a credit sentence states the record's numbers only.

>>> from fractions import Fraction
>>> short_number(Fraction(5, 2), "id"), short_number(Fraction(1234), "id"), short_number(95, "en")
('2,5', '1.234', '95')
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ..errors import UsageError, shown
from ..formatting import format_number
from ..scoring.credit import CreditStanding, CreditTarget

__all__ = ["credit_sentences", "short_number"]


def short_number(value: Fraction | Decimal | int, lang: str) -> str:
    """At most 2 places, half up, without trailing zeros: 2,5 and 95,5 % (1.234,5 in id)."""
    # The library's formatting, with the zeros a sentence does not need trimmed.
    text = format_number(value, lang, 2)
    point = "," if lang == "id" else "."
    return text.rstrip("0").rstrip(point) if point in text else text


_CREDIT: dict[str, dict[str, str]] = {
    "id": {
        "pangkat": "kenaikan pangkat ke {to}",
        "pangkat_jenjang": "kenaikan pangkat ke {to} (bersama kenaikan jenjang)",
        "jenjang": "kenaikan jenjang ke {to}",
        "head": "Angka kredit untuk {goal}: {total} dari {req} yang dibutuhkan",
        "met": ", sudah terpenuhi.",
        "short": ", kurang {rest}. Dengan predikat {predikat} ({ak} per {unit}) dibutuhkan "
        "{n} {units} lagi.",
        "none": ", kurang {rest}. Dengan predikat {predikat} tidak ada angka kredit yang "
        "bertambah.",
        "year": "tahun",
        "years": "tahun",
        "period": "periode {m} bulan",
        "periods": "periode",
    },
    "en": {
        "pangkat": "promotion to rank {to}",
        "pangkat_jenjang": "promotion to rank {to} (with the next jenjang)",
        "jenjang": "promotion to jenjang {to}",
        "head": "Credit points for {goal}: {total} of the {req} required",
        "met": ", reached.",
        "short": ", {rest} to go. At predikat {predikat} ({ak} per {unit}) that takes {n} more "
        "{units}.",
        "none": ", {rest} to go. At predikat {predikat} no credit points are added.",
        "year": "year",
        "years": "years",
        "period": "period of {m} months",
        "periods": "periods",
    },
}


def _credit_sentence(standing: CreditStanding, target: CreditTarget, lang: str) -> str:
    t = _CREDIT[lang]
    key = "jenjang" if target.what == "jenjang" else (
        "pangkat_jenjang" if target.with_jenjang else "pangkat")  # fmt: skip
    goal = t[key].format(to=target.to)
    text = t["head"].format(goal=goal, total=short_number(target.total, lang),
                            req=short_number(target.requirement, lang))  # fmt: skip
    if target.met:
        return text + t["met"]
    year = standing.months_per_period == 12
    rest = short_number(target.remaining, lang)
    if target.periods_needed is None:
        return text + t["none"].format(rest=rest, predikat=standing.predikat)
    many = target.periods_needed != 1
    units = t["years" if many else "year"] if year else t["periods"]
    return text + t["short"].format(
        rest=rest,
        predikat=standing.predikat,
        ak=short_number(standing.ak_per_period, lang),
        unit=t["year"] if year else t["period"].format(m=standing.months_per_period),
        n=target.periods_needed,
        units=units,
    )


def credit_sentences(standing: CreditStanding, lang: str = "id") -> list[str]:
    """One sentence per target of ``standing`` (the next pangkat first), in ``lang``:
    the AK counted, the requirement, and either that it is met or what remains and how many
    more periods at the current predikat close it.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.scoring.credit import accumulate
    >>> history = [{"period": "2025", "predikat": "Baik", "jenjang": "Ahli Pertama"}]
    >>> standing = accumulate(history, rulebooks.load("angka-kredit-2023"), golongan="III/a")
    >>> print(credit_sentences(standing)[0])
    Angka kredit untuk kenaikan pangkat ke III/b: 12,5 dari 50 yang dibutuhkan, kurang 37,5. Dengan predikat Baik (12,5 per tahun) dibutuhkan 3 tahun lagi.
    """  # noqa: E501
    if lang not in _CREDIT:
        raise UsageError(f"unknown language {shown(lang)}; use 'id' or 'en'")
    targets = [t for t in (standing.pangkat, standing.jenjang_berikutnya) if t is not None]
    return [_credit_sentence(standing, target, lang) for target in targets]
