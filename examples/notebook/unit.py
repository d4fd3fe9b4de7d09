# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A unit's year in a notebook: Kecamatan Gajahmungkur, 2026
#
# This notebook is kept as a plain script in jupytext's percent format (`unit.py`), so that it
# diffs and reviews like code. `run_notebook.py` turns it into a notebook and executes it;
# CI does the same. Everything shown is computed by kinerja_engine from the bundled
# `gajahmungkur` rulebook and the bundled example unit: twelve employees, four quarters each.
#
# The results display themselves. An `Appraisals` collection, a `DistributionReport`, a
# `WhatIf` and a `Feedback` each have `_repr_html_`, so the last expression of a cell shows
# as a table.

# %%
"""A unit's year in a notebook: results table, one explanation, the distribution check, a
what-if, the path to the next rating and the unit against the curve."""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")  # no display needed: figures are rendered to PNG for the notebook

from matplotlib.figure import Figure

from kinerja_engine import (
    Appraisals,
    Label,
    check_distribution,
    feedback,
    path_to_next,
    rulebooks,
    what_if,
)
from kinerja_engine.demo import load_unit, lowest_last_quarter, score_unit

book = rulebooks.load("gajahmungkur")
unit = load_unit()
results = score_unit(unit, book)  # per employee: four quarterly appraisals and the annual one
print(f"{unit.unit_name}, {unit.year}: {len(results)} employees, rulebook {book.name} "
      f"{book.version}")  # fmt: skip

# %% [markdown]
# ## The results table
#
# One row per employee: the annual result under the rulebook's aggregation policy, with the
# predikat and its conversions (allowance share `tpp_persen`, credit points `angka_kredit`).
# Hover over a number to see its exact value.

# %%
annual = Appraisals(year for _, year in results)
annual

# %% [markdown]
# ## One explanation
#
# This is the employee whose evaluator overrode a recommendation. The explanation shows every
# step with the rule that decided it.

# %%
chosen = next((a for a in annual if a.overrides), annual[0])
print(chosen.explain("id"))

# %% [markdown]
# ## The distribution check
#
# The unit's own predikat sets the curve its employees' predikat must follow
# (SE MenPANRB 3/2023).

# %%
report = check_distribution(unit.unit_predikat, list(annual), book)
report

# %% [markdown]
# ## What if?
#
# Take the employee with the lowest nilai hasil kerja in the last quarter. What if the realisasi
# of their last indicator had been one unit higher? Every number, band row and matrix cell that
# changes is listed.

# %%
index = lowest_last_quarter(results)
plan = unit.plans[index][-1]
latest = results[index][0][-1]
indicator = plan.rhk[-1].indicators[-1]
reported = plan.realisation_for(indicator.id)
# A numeric indicator: its realisasi is a Decimal (a qualitative one would hold a label).
assert reported is not None and isinstance(reported.value, Decimal)
change = what_if(plan, book, realisasi={indicator.id: reported.value + 1})
change

# %% [markdown]
# ## Umpan balik and the path to the next rating
#
# The feedback states only what the numbers say. The path then gives, for each indicator with
# the others held fixed, the realisasi that would raise the recommended rating.

# %%
feedback(latest, rulebook=book)

# %%
for step in path_to_next(plan, book):
    print(step.explain("id"))

# %% [markdown]
# ## The unit against the curve
#
# For each group of the curve, the bar is the unit's share of employees. The line is the range
# the rulebook allows for a unit rated `unit.unit_predikat`.


# %%
class PNG:
    """A matplotlib figure shown in a notebook as a PNG image (through ``_repr_png_``)."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()


def share_of(group: Label) -> Fraction:
    """The unit's share of rated employees whose predikat falls in ``group``."""
    rated = [a for a in annual if a.predikat is not None]
    members = [a for a in rated if book.evaluate("anggota_kelompok", g=group, p=a.predikat)]
    return Fraction(len(members), len(rated)) if rated else Fraction(0)


def bound(name: str, group: Label) -> float:
    """The curve's ``kurva_min`` or ``kurva_maks`` for the unit's predikat, in percent."""
    value = book.evaluate(name, u=report.unit_predikat, g=group)
    assert isinstance(value, Decimal)
    return float(value * 100)


groups = list(book.enum("kelompok").members)
shares = [float(share_of(g) * 100) for g in groups]
low = [bound("kurva_min", g) for g in groups]
high = [bound("kurva_maks", g) for g in groups]

figure = Figure(figsize=(8, 3.5))
axes = figure.subplots()
positions = list(range(len(groups)))
axes.bar(positions, shares, color="#4c72b0", label="share of the unit")
axes.vlines(positions, low, high, colors="#dd8452", linewidth=6, alpha=0.6,
            label=f"allowed for a unit rated {report.unit_predikat}")  # fmt: skip
axes.set_xticks(positions, [g.text or g.name for g in groups], rotation=20, ha="right")
axes.set_ylabel("% of employees")
axes.set_ylim(0, 105)
axes.set_title(f"{unit.unit_name} {unit.year}: predikat against the curve")
axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
PNG(figure)
