"""Property-testing your own rule with kinerja_engine.testing: one property holds, one fails.

What it shows (docs/testing.md explains the kit):

* an office's own indicator kind, service time in days (lower is better), written twice:
  correctly (``clamp(capaian_lower(realisasi, target), 0, 120)``) and deliberately wrong, as
  if higher were better (``cap(realisasi / target * 100, 120)``);
* one property, "more days never raises the capaian, the RHK's nilai or the nilai hasil
  kerja" (``assert_monotone_in_realisasi``) plus "no capaian above its cap"
  (``assert_bounded_by_caps``), over plans the kit's ``plans()`` strategy draws;
* the correct rule passes; on the wrong one Hypothesis finds a failing plan and *shrinks* it to
  a minimal counterexample, which the script prints: the target, the two realisasi and the
  capaian that moved the wrong way.

Hypothesis runs here without pytest, programmatically, with ``derandomize=True`` and no
example database, so the output is the same on every run. In your own test suite you would
write the same ``@given`` functions and let pytest call them.

Run from the repository root, after ``pip install -e ".[testing]"``::

    python examples/property_testing/main.py
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from kinerja_engine import Plan, Rulebook, appraise, rulebooks
from kinerja_engine.formatting import format_number
from kinerja_engine.testing import assert_bounded_by_caps, assert_monotone_in_realisasi, plans

#: The office's rules around the kind under test: the national rules plus a recommendation band.
BASE = rulebooks.load("permenpanrb-6-2022").extend("""
rulebook "kantor-layanan" version "2026.1"
band rating_hasil_kerja(nilai) {
    [110, inf) -> rating.di_atas,
    [90, 110) -> rating.sesuai,
    (-inf, 90) -> rating.di_bawah,
}
""")

#: Service time in days, lower is better, capped at 120 % and never below 0 %.
CORRECT = BASE.extend("""
rulebook "kantor-layanan-benar" version "2026.1"
def capaian_waktu(realisasi, target) = clamp(capaian_lower(realisasi, target), 0, 120)
""")

#: The same kind written the wrong way round: more days gives a *higher* capaian.
WRONG = BASE.extend("""
rulebook "kantor-layanan-salah" version "2026.1"
def capaian_waktu(realisasi, target) = cap(realisasi / target * 100, 120)
""")

#: The office states the kind's direction (the kit would otherwise probe the rule for it, and
#: the wrong rule would look like a correct higher-is-better kind).
KINDS = {"waktu": "lower"}

#: Fixed seed, no database, no printing by Hypothesis: the same result on every run.
SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    verbosity=Verbosity.quiet,
    deadline=None,
    report_multiple_bugs=False,
    # Generate and shrink; skip the 'explain' phase (which of the plan's parts could vary
    # freely): it reruns the test hundreds of times and this script prints its own summary.
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow],
)

REALISASI = st.lists(st.decimals(0, 30, places=1), min_size=2, max_size=4)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one property run found: how many plans it tried, and the failure if any."""

    name: str
    examples: int
    plan: Plan | None = None
    values: tuple[Decimal, ...] = ()
    message: str = ""

    @property
    def passed(self) -> bool:
        """True when no counterexample was found."""
        return self.plan is None


def check_rule(name: str, book: Rulebook) -> Outcome:
    """Run the property over ``book``; return the minimal counterexample if there is one."""
    seen: list[tuple[Plan, tuple[Decimal, ...]]] = []

    @SETTINGS
    @given(plans(book, indicator_kinds=KINDS, max_rhk=1, max_indicators=1), REALISASI)
    def more_days_never_score_higher(plan: Plan, values: list[Decimal]) -> None:
        seen.append((plan, tuple(values)))
        (indicator,) = (ind for _, ind in plan.indicators())
        assert_monotone_in_realisasi(plan, book, indicator.id, values)
        assert_bounded_by_caps(appraise(plan, book), {"waktu": 120}, plan=plan)

    run: Callable[[], None] = more_days_never_score_higher
    try:
        run()
    except AssertionError as failure:
        # Hypothesis replays the shrunk example last, so the last inputs seen are the minimal ones.
        plan, values = seen[-1]
        return Outcome(name, len(seen), plan, values, str(failure))
    return Outcome(name, len(seen))


def describe(outcome: Outcome) -> str:
    """The outcome as a few lines of text."""
    if outcome.plan is None:
        return f"{outcome.name}: property holds ({outcome.examples} plans tried)"
    (indicator,) = (ind for _, ind in outcome.plan.indicators())
    values = ", ".join(format_number(v) for v in sorted(set(outcome.values)))
    return "\n".join(
        (
            f"{outcome.name}: property FAILS; Hypothesis shrank it to a minimal counterexample:",
            f"  indicator kind {indicator.kind!r}, direction {indicator.direction.value}, "
            f"target {indicator.target} {indicator.unit_of_measure}",
            f"  realisasi tried: {values}",
            f"  {outcome.message}",
        )
    )


def main() -> int:
    """Test the correct and the wrong rule; exit 0 when the outcomes are as the example expects."""
    correct = check_rule("correct rule", CORRECT)
    wrong = check_rule("wrong rule", WRONG)
    print(describe(correct))
    print()
    print(describe(wrong))
    # The example demonstrates a pass and a caught bug; anything else is a broken example.
    return 0 if correct.passed and not wrong.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
