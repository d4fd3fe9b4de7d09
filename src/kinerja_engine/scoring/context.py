"""What one appraisal runs with: the rulebook's derived data, looked up once, and the run itself.

Input: a checked, compiled :class:`~kinerja_engine.language.Rulebook` and a
:class:`~kinerja_engine.models.Plan`. Output: a :class:`RulebookView` (entry points, constant
parameters, signatures, conversions, band rows, enum spellings and compiled indicator formulas
of one rulebook, shared by every appraisal with it) and a :class:`Run` (one appraisal in
progress: its calls, trace and notes). Guarantees: everything in a view is derived from the
immutable compiled rulebook, so sharing it changes no result; the view cache is bounded and
keyed so that a rulebook never sees another's data; a run with ``exact_only`` calls only the
exact (Fraction) implementation of every definition (the reference path).

Internal to :mod:`kinerja_engine.scoring`; not part of the public API.

>>> from kinerja_engine import rulebooks
>>> from kinerja_engine.models import example_plan
>>> view = rulebook_view(rulebooks.load("gajahmungkur"))
>>> view is rulebook_view(rulebooks.load("gajahmungkur")), view.band_rows("nilai_rhk")
(True, None)
>>> run = Run(example_plan(), view.book)
>>> run.call("nilai_rhk", (Fraction(80), Fraction(100)), (Fraction(50), Fraction(50)))
Fraction(90, 1)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import CheckError, KinerjaError, ModelError, UsageError
from ..language.checker import BandInfo
from ..language.formula import Formula, Rulebook
from ..models import Override, Plan
from ..values import Label
from .carry import fast_args, to_exact
from .contract import CONVERSION_PREFIX, KindIndex, check_plan_kinds
from .number import decimal_number
from .results import BandMatch, Step

__all__ = [
    "MAX_FORMULAS",
    "RulebookView",
    "Run",
    "clear_view_cache",
    "kinds_seen_fit",
    "rulebook_view",
]

#: Indicator formulas compiled and kept per rulebook (a service fed endless texts stays flat).
MAX_FORMULAS = 1_000

BandRows = tuple[tuple[Fraction | None, bool, Fraction | None, bool, int], ...]


_STEP = Step.builder()


class RulebookView:
    """What the pipeline needs from one rulebook, looked up once instead of on every plan.

    Everything here is derived from the checked, compiled rulebook (immutable), so sharing it
    between appraisals changes no result: definitions' entry points, constant parameters,
    signatures, the conversions in rulebook order, band rows, enum spellings resolved.
    """

    __slots__ = (
        "book",
        "contract",
        "conversions",
        "defined",
        "exact",
        "flags",
        "formulas",
        "label",
        "labels",
        "lane",
        "names",
        "params",
        "program",
        "raw",
        "rows",
        "signatures",
        "typed",
    )

    def __init__(self, book: Rulebook, contract: KindIndex | None = None) -> None:
        checked = book.checked
        self.book = book
        self.program = book.program
        self.names = frozenset(checked.consts) | frozenset(checked.funcs)
        self.raw: dict[str, Callable[..., Any]] = {}
        self.exact: dict[str, Callable[..., Any]] = {}
        self.params: dict[str, Any] = {}
        self.signatures: dict[str, tuple[str, ...]] = {}
        self.defined: dict[str, tuple[str, ...] | None] = {}
        self.typed: dict[str, dict[str, Any]] = {}
        self.conversions = tuple(
            (name, self.signature(name))
            for name in book
            if name.startswith(CONVERSION_PREFIX) and name in checked.funcs
        )
        # The pipeline contract, checked once per rulebook: its errors refuse every run,
        # its kinds validate every plan before scoring.
        self.contract = KindIndex(book) if contract is None else contract
        self.rows: dict[str, BandRows | None] = {}
        self.label = rulebook_label(book)
        self.labels: dict[tuple[str, str], Label] = {}
        self.formulas: dict[str, Formula] = {}
        #: Facts about the rulebook's shape the pipeline asks on every run (a few fixed
        #: names, see :mod:`.legacy`): computed on first use.
        self.flags: dict[str, bool] = {}
        #: The batch lane of this rulebook (:mod:`.lane`), prepared on first use.
        self.lane: Any = None

    def resolve(self, enum: str, text: str, what: str) -> Label:
        """The member of ``enum`` written ``text``; successes are remembered (errors name
        ``what``, so they are raised afresh every time)."""
        key = (enum, text)
        label = self.labels.get(key)
        if label is None:
            label = self.book.checked.enums[enum].resolve(text, what)
            if len(self.labels) < 10_000:
                self.labels[key] = label
        return label

    def entry(self, name: str) -> Callable[..., Any]:
        """The fast entry point of ``name`` (Decimal arguments, exact fallback built in)."""
        fn = self.raw.get(name)
        if fn is None:
            self.known(name)
            fn = self.raw[name] = self.program.raw(name)
        return fn

    def exact_entry(self, name: str) -> Callable[..., Any]:
        """The exact implementation of ``name`` (Fraction arguments)."""
        try:
            return self.exact[name]
        except KeyError:
            self.known(name)
            fn = self.exact[name] = self.program.exact(name)
            return fn

    def known(self, name: str) -> None:
        """A definition the pipeline calls must exist: a rulebook that lacks one (say
        ``nilai_rhk``) is refused with its name, never with a bare ``KeyError``."""
        if name not in self.names:
            raise UsageError(f"rulebook '{self.book.name}' has no definition '{name}'")

    def signature(self, name: str) -> tuple[str, ...]:
        """The parameter names of definition ``name``, in call order."""
        sig = self.signatures.get(name)
        if sig is None:
            sig = self.signatures[name] = tuple(self.param_types(name))
        return sig

    def defined_signature(self, name: str) -> tuple[str, ...] | None:
        """:meth:`signature` of ``name``, or None when the rulebook has no such definition:
        one look-up per indicator on the batch path (the answer is a fact of the rulebook)."""
        found = self.defined.get(name, False)
        if found is False:
            found = self.signature(name) if name in self.names else None
            if len(self.defined) < 10_000:  # bounded: kinds are names a plan may invent
                self.defined[name] = found
        return found  # type: ignore[return-value]

    def param_types(self, name: str) -> dict[str, Any]:
        """The parameters of definition ``name`` with their types (language ``Type``s)."""
        typed = self.typed.get(name)
        if typed is None:
            typed = self.typed[name] = dict(self.program.signature(name))
        return typed

    def band_rows(self, name: str) -> BandRows | None:
        """Rows of band ``name`` as numbers, or None if it is not a band."""
        if name in self.rows:
            return self.rows[name]
        info = self.book.checked.funcs.get(name)
        rows = info.rows if isinstance(info, BandInfo) else None
        self.rows[name] = rows
        return rows

    def band_match(self, name: str, value: Fraction) -> BandMatch | None:
        """The row of band ``name`` that ``value`` falls in, or None (no band, no row)."""
        for lo, lo_closed, hi, hi_closed, _ in self.band_rows(name) or ():
            above = lo is None or (value >= lo if lo_closed else value > lo)
            below = hi is None or (value <= hi if hi_closed else value < hi)
            if above and below:
                return BandMatch.build(value, lo, lo_closed, hi, hi_closed)
        return None


def rulebook_label(book: Rulebook) -> str:
    """How results name the rulebook that scored them: name and version."""
    return f"{book.name} {book.version}".strip()


# Per compiled program; the entry keeps its rulebook alive, so an id is never reused while
# cached. Bounded: rulebooks built on the fly (with_params in a loop) do not accumulate.
_VIEWS: dict[int, RulebookView] = {}
_MAX_VIEWS = 64


def rulebook_view(book: Rulebook) -> RulebookView:
    """The shared view of ``book`` (built on first use)."""
    view = _VIEWS.get(id(book.program))
    if view is None or view.program is not book.program:
        if len(_VIEWS) >= _MAX_VIEWS:
            _VIEWS.clear()
        view = _VIEWS[id(book.program)] = RulebookView(book)
    return view


def clear_view_cache() -> None:
    """Forget every shared view (a cold start)."""
    _VIEWS.clear()


def kinds_seen_fit(plan: Plan, seen: Mapping[str, str | None]) -> bool:
    """Whether every indicator of ``plan`` (but those with their own formula) has a kind
    already found scorable (None in ``seen``): one dict look-up each."""
    for rhk in plan.rhk:
        for ind in rhk.indicators:
            if ind.formula is None and seen.get(ind.kind or ind.direction.value, "") is not None:
                return False
    return True


class Run:
    """One appraisal in progress: the rulebook's definitions, a trace and the employee.

    ``exact_only`` runs every definition on its exact (Fraction) implementation, on a view of
    its own: the reference path, which shares nothing with other appraisals.
    """

    __slots__ = ("book", "exact_only", "info", "notes", "plan", "trace", "tracing", "who")

    def __init__(
        self, plan: Plan, book: Rulebook, tracing: bool = True, *, exact_only: bool = False
    ) -> None:
        self.plan = plan
        self.book = book
        self.exact_only = exact_only
        # The reference path shares no derived data, except the contract check: a pure
        # function of the rulebook, which would otherwise be redone on every plan.
        shared = rulebook_view(book)
        self.info = RulebookView(book, shared.contract) if exact_only else shared
        errors = self.info.contract.errors
        if errors:
            unfit = f"rulebook '{book.name}' does not fit the scoring pipeline: "
            raise CheckError(
                [dataclasses.replace(d, message=unfit + d.message) for d in errors],
                source=book.text,
            )
        self.trace: list[Step] = []
        # Without a trace the steps are not built at all: call sites test ``tracing`` first,
        # so neither their inputs nor their band row is computed (the batch path).
        self.tracing = tracing
        self.notes: list[str] = []
        employee = plan.employee
        self.who = f"{employee.nip} ({employee.name})"

    def check_kinds(self) -> None:
        """Refuse the plan before scoring when the rulebook cannot score one of its
        indicators (an unknown kind, with a did-you-mean), naming every such indicator."""
        # Every plan passes here: one look-up per indicator among the kinds already found
        # scorable (None); anything else (unseen, or a problem) takes the full check.
        if kinds_seen_fit(self.plan, self.info.contract.seen):
            return
        problems = check_plan_kinds(self.plan, self.info.contract)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ModelError(
                f"plan {self.plan.id}: {problems[0][1]}{more}",
                employee=self.who,
                errors=tuple(p for _, p in problems),
            )

    def has(self, name: str) -> bool:
        """Whether the rulebook defines ``name``."""
        return name in self.info.names

    def call(self, name: str, *args: Any) -> Any:
        """Call a rulebook definition exactly with internal (Fraction/Label) arguments (a
        result record's number goes in as its ``.exact``, never as the record's Decimal).

        Arguments that are finite decimals run on the fast (Decimal) path, the others on the
        exact one; both give the same exact value, returned as a Fraction.
        """
        fast = None if self.exact_only else fast_args(args)
        if fast is None:  # a non-terminating fraction: only the exact path can take it
            # A record's Number goes in as its exact value (Fraction), never as its Decimal.
            return to_exact(self.info.exact_entry(name)(*to_exact(args)))
        return to_exact(self.info.entry(name)(*fast))

    def call_fast(self, name: str, *args: Any) -> Any:
        """Like :meth:`call` with arguments already Decimal (or labels): the raw result."""
        if self.exact_only:
            return self.info.exact_entry(name)(*to_exact(args))
        return self.info.entry(name)(*args)

    def call_number(self, name: str, args: Sequence[Any], fast: Sequence[Any] | None) -> Any:
        """Call ``name`` for a value that goes into a result record: ``args`` as internal
        values (a record's Number goes in as its exact value), ``fast`` the same arguments
        as Decimals, or None when one of them does not terminate (the caller knows it from
        the Numbers: the exact implementation is then called directly, nothing tried
        first). A number the fast path gives is returned as its record's
        :class:`~.number.Number`, made from the Decimal (no Fraction built); the exact
        path's as a Fraction; a label as it is."""
        if fast is None or self.exact_only:
            return to_exact(self.info.exact_entry(name)(*to_exact(args)))
        raw = self.info.entry(name)(*fast)
        return decimal_number(raw) if type(raw) is Decimal else to_exact(raw)

    def param(self, name: str, default: Any) -> Any:
        """The value of constant parameter ``name`` (computed once per view), or ``default``."""
        if name not in self.info.names:
            return default
        params = self.info.params
        if name not in params:
            params[name] = self.call(name)
        return params[name]

    def step(self, what: str, subject: str, rule: str, inputs: Mapping[str, Any], result: Any,
             note: str = "", band: BandMatch | None = None) -> None:  # fmt: skip
        """Record a step of the trace (nothing when the run keeps no trace)."""
        if self.tracing:  # about a dozen steps per appraisal: the builder, unchecked
            self.trace.append(_STEP(Step, what, subject, rule, dict(inputs), result, note, band))

    def override_predikat(self, override: Override, recommended: Any, enum: str) -> Label:
        """The evaluator's predikat in place of ``recommended``: resolved as a member of
        ``enum`` (any accepted spelling) and recorded in the trace with the reason."""
        if enum not in self.book.checked.enums:
            raise self.fail(f"rulebook '{self.book.name}' has no enum '{enum}'")
        try:
            predikat = self.book.enum(enum).resolve(override.value, "override of predikat")
        except KinerjaError as exc:
            raise self.fail(exc.message) from exc
        self.step("override", "", "predikat", {"rekomendasi": recommended}, predikat,
                  override.reason)  # fmt: skip
        return predikat

    def fail(self, message: str) -> KinerjaError:
        """An error naming the employee and the plan."""
        return KinerjaError(f"employee {self.who}, plan {self.plan.id}: {message}")
