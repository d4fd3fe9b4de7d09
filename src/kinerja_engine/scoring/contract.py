"""The pipeline contract: the rulebook definitions the scoring pipeline calls, as one table.

Input: a checked, compiled :class:`~kinerja_engine.language.Rulebook` (and, for
:func:`check_plan_kinds`, a :class:`~kinerja_engine.models.Plan`). Output: :data:`ENTRY_POINTS`
(one :class:`EntryPoint` row per name or name family the pipeline calls: parameters and their
types, result types, required or optional, what happens when it is absent) and
:func:`check_pipeline`, which compares a rulebook with that table and returns
:class:`~kinerja_engine.errors.Diagnostic` records with positions: ``severity="error"`` when a
defined entry point cannot be called the way the pipeline calls it (wrong parameter names,
count or types, wrong result type) or a required one is missing; ``severity="warning"`` for
what is accepted but probably not meant (a near-miss of an entry-point name, a definition the
pipeline never reaches, a missing rating band without a declared "evaluator decides" policy).

Guarantees: the table is the single source: the scoring modules call only names it lists (a
test reads their calls), and a rulebook that passes gets, for each by-name family
(``capaian_<kind>``, ``konversi_*``), only inputs its row lists; the checker
reads the compiled rulebook only (no evaluation), in one pass over its definitions. Errors with
code ``"contract"`` make :func:`~kinerja_engine.scoring.appraise` refuse the rulebook; a missing
required entry point (code ``"missing"``) is reported by ``kinerja check --pipeline`` and, when
scoring, where it is needed, naming the employee.

>>> from kinerja_engine.language import Rulebook
>>> book = Rulebook.parse('rulebook "r" def konversi_bonus(nilai) = nilai * 2')
>>> found = check_pipeline(book)
>>> print(found[0].message)
conversion 'konversi_bonus': parameter 'nilai' is not an input the pipeline supplies
>>> [(d.severity, d.code, d.span is not None) for d in found]  # doctest: +NORMALIZE_WHITESPACE
[('error', 'contract', True), ('error', 'missing', False), ('error', 'missing', False),
 ('warning', 'missing', False), ('warning', 'missing', False)]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from ..arguments import require
from ..errors import Diagnostic, Span, UsageError
from ..language.builtins import Type
from ..language.checked import ConstInfo, FuncInfo
from ..language.formula import Rulebook
from ..language.nodes import BandDef, Call, ConstDef, FuncDef, MatrixDef, Name, Param, walk
from ..language.suggest import NameIndex
from ..models import Plan

__all__ = [
    "CONVERSION_INPUTS",
    "CONVERSION_PREFIX",
    "ENTRY_POINTS",
    "KIND_INPUTS",
    "KIND_PREFIX",
    "EntryPoint",
    "KindIndex",
    "check_pipeline",
    "check_plan_kinds",
    "contract_errors",
    "is_pipeline_rulebook",
]

#: Prefix of indicator kinds: ``capaian_<kind>`` scores an indicator of that kind.
KIND_PREFIX: Final = "capaian_"
#: Prefix of conversions: ``konversi_<name>`` becomes ``Appraisal.conversions[<name>]``.
CONVERSION_PREFIX: Final = "konversi_"

#: What an indicator kind may take, bound by name (a range target gives ``lo`` and ``hi``;
#: ``target`` is its upper end).
KIND_INPUTS: Final = (("realisasi", "number"), ("target", "number"), ("lo", "number"),
                      ("hi", "number"))  # fmt: skip
#: What an indicator kind (``capaian_<kind>``) may take: a qualitative kind declares its
#: realisasi and target as labels of an enum (``realisasi: skala``), a numeric one as numbers.
KIND_LABEL_INPUTS: Final = (("realisasi", "number or label"), ("target", "number or label"),
                            ("lo", "number"), ("hi", "number"))  # fmt: skip
#: What a conversion may take, bound by name (the stages build exactly these inputs).
CONVERSION_INPUTS: Final = (
    ("predikat", "predikat"),
    ("nilai_hasil_kerja", "number"),
    ("rating_hasil_kerja", "rating"),
    ("rating_perilaku", "rating"),
    ("bulan", "number"),
    ("jenjang", "jenjang"),
)


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """One row of the contract: a definition (or family of definitions) the pipeline calls.

    ``binding`` is ``"position"`` (called with ``params`` in that order; parameter names are
    the author's), ``"name"`` (each parameter is bound by its name, which must be one of
    ``params``, in any order and any subset) or ``"value"`` (a ``param``/``const`` read as a
    value of type ``result``). ``family`` rows name a prefix: every definition starting with
    it. ``result`` lists the accepted result types (``"label"``: a label of any enum).
    ``optional`` lists trailing parameters a positional row may also take, each under exactly
    that name (the legacy rulebooks' ``nilai_hasil_kerja(nilai, bobot, tambahan)``).

    >>> ENTRY_POINTS[0].signature()  # doctest: +NORMALIZE_WHITESPACE
    'capaian_<kind>(realisasi: number or label, target: number or label, lo: number,
    hi: number) -> number'
    """

    name: str
    params: tuple[tuple[str, str], ...]
    result: tuple[str, ...]
    required: bool
    absent: str
    binding: str = "position"
    family: bool = False
    optional: tuple[tuple[str, str], ...] = ()

    def signature(self) -> str:
        """The row as it reads in the docs: ``name(param: type, …) -> result``."""
        name = self.name + ("<kind>" if self.name == KIND_PREFIX else "*" * self.family)
        result = " or ".join(self.result)
        if self.binding == "value":
            return f"{name}: {result}"
        params = [f"{p}: {t}" for p, t in self.params]
        params += [f"[{p}: {t}]" for p, t in self.optional]
        return f"{name}({', '.join(params)}) -> {result}"


#: The pipeline's entry points, one row each (the single source: docs/rulebooks.md lists it).
# fmt: off
ENTRY_POINTS: Final[tuple[EntryPoint, ...]] = (
    EntryPoint(KIND_PREFIX, KIND_LABEL_INPUTS, ("number",), False,
               "a plan naming the kind is refused before scoring (with a did-you-mean)",
               "name", family=True),
    EntryPoint("capaian_higher", KIND_INPUTS, ("number",), False,
               "a plan with an indicator without kind, higher is better, is refused", "name"),
    EntryPoint("capaian_lower", KIND_INPUTS, ("number",), False,
               "a plan with an indicator without kind, lower is better, is refused", "name"),
    EntryPoint("capaian_range", KIND_INPUTS, ("number",), False,
               "a plan with an indicator without kind and a range target is refused", "name"),
    EntryPoint("nilai_rhk", (("capaian", "list"), ("bobot", "list")), ("number",), True,
               "scoring fails: the rulebook has no definition 'nilai_rhk'"),
    EntryPoint("nilai_hasil_kerja", (("nilai", "list"), ("bobot", "list")), ("number",), True,
               "scoring fails: the rulebook has no definition 'nilai_hasil_kerja'",
               optional=(("tambahan", "list"),)),
    EntryPoint("rating_hasil_kerja", (("nilai", "number"),), ("rating",), False,
               "the evaluator decides (an override); until then the result waits, a warning "
               "unless 'rating_oleh_pejabat_penilai = true' declares it"),
    EntryPoint("rating_oleh_pejabat_penilai", (), ("bool",), False,
               "a missing rating_hasil_kerja is warned about", "value"),
    EntryPoint("predikat_kinerja", (("hasil", "rating"), ("perilaku", "rating")), ("predikat",),
               False, "no predikat unless overridden: the result stays incomplete (a warning)"),
    EntryPoint("nomor_nilai_dasar", (("n", "nilai_dasar"),), ("number",), False,
               "explanations and the behaviour form list no panduan perilaku"),
    EntryPoint("nilai_dasar_panduan", (("p", "panduan_perilaku"),), ("nilai_dasar",), False,
               "explanations and the behaviour form list no panduan perilaku"),
    EntryPoint("nomor_panduan", (("p", "panduan_perilaku"),), ("number",), False,
               "explanations and the behaviour form list no panduan perilaku"),
    EntryPoint("angka_kredit", (("predikat", "predikat"), ("jenjang", "jenjang"),
               ("bulan", "number")), ("number",), False,
               "scoring.credit.accumulate refuses the rulebook", "name"),
    EntryPoint("jumlah_angka_kredit", (("ak", "list"),), ("number",), False,
               "scoring.credit.accumulate refuses the rulebook"),
    EntryPoint("akk_jenjang", (("jenjang", "jenjang"),), ("number",), False,
               "scoring.credit.accumulate refuses the rulebook", "name"),
    EntryPoint("jenjang_berikutnya", (("jenjang", "jenjang"),), ("jenjang",), False,
               "scoring.credit.accumulate refuses the rulebook", "name"),
    EntryPoint("akk_pangkat", (("golongan", "golongan"),), ("number",), False,
               "scoring.credit.accumulate refuses a golongan", "name"),
    EntryPoint("golongan_puncak", (("jenjang", "jenjang"),), ("golongan",), False,
               "scoring.credit.accumulate refuses a golongan", "name"),
    EntryPoint(CONVERSION_PREFIX, CONVERSION_INPUTS, ("number", "bool", "list", "label"), False,
               "no conversions", "name", family=True),
    EntryPoint("kebijakan_realisasi_kosong", (), ("kebijakan_kosong",), False,
               "a missing realisasi leaves the result incomplete (tidak_lengkap)", "value"),
    EntryPoint("agregasi_tahunan", (), ("agregasi",), False,
               "appraise_year needs its policy argument", "value"),
    EntryPoint("anggota_kelompok", (("g", "kelompok"), ("p", "predikat")), ("bool",), False,
               "check_distribution refuses the rulebook"),
    EntryPoint("kurva_min", (("u", "predikat_unit"), ("g", "kelompok")), ("number",), False,
               "check_distribution refuses the rulebook"),
    EntryPoint("kurva_maks", (("u", "predikat_unit"), ("g", "kelompok")), ("number",), False,
               "check_distribution refuses the rulebook"),
    EntryPoint("kurva_min_orang", (("u", "predikat_unit"), ("g", "kelompok")), ("number",),
               False, "check_distribution refuses the rulebook"),
    EntryPoint("kurva_mayoritas", (("u", "predikat_unit"), ("g", "kelompok")), ("bool",),
               False, "check_distribution refuses the rulebook"),
    EntryPoint("pembulatan_kurva", (), ("pembulatan",), False,
               "shares of the curve are compared exactly", "value"),
    # The numeric (legacy) path of PP 46/2011 and PermenPANRB 8/2021: see scoring.legacy.
    EntryPoint("nilai_iki", (("capaian", "number"),), ("number",), False,
               "needed when nilai_rhk's first parameter is 'nilai' (scoring fails without it)",
               "name"),
    EntryPoint("nilai_tambahan", (("nilai", "number"), ("bobot", "number")), ("number",), False,
               "needed when nilai_hasil_kerja takes 'tambahan' (scoring fails without it)",
               "name"),
    EntryPoint("nilai_perilaku", (("aspek", "list"),), ("number",), False,
               "needed by the numeric path (scoring fails without it)"),
    EntryPoint("aspek_wajib", (("aspek", "label"), ("struktural", "bool")), ("bool",), False,
               "every aspect of the enum aspek_perilaku is required"),
    EntryPoint("nilai_kinerja", (("skp", "number"), ("perilaku", "number"),
                                 ("penilaian_360", "bool")), ("number",), False,
               "the 6/2022 path (ratings and the matrix) is used", "name"),
    EntryPoint("predikat_nilai", (("nilai", "number"), ("ide_baru", "bool"),
                                  ("struktural", "bool")), ("label",), False,
               "the 6/2022 path (ratings and the matrix) is used", "name"),
)
# fmt: on

_EXACT: Final = {row.name: row for row in ENTRY_POINTS if not row.family}
_FAMILIES: Final = tuple(row for row in ENTRY_POINTS if row.family)
_ENTRY_NAMES: Final = NameIndex(_EXACT)
# A name counts as a near miss of an entry point from this similarity (difflib ratio) on:
# "rating_hasil_kerj" and "nilai_rhk_lama" are, "predikat" (a band of the 2011 rules) is not
# one of "predikat_kinerja".
_NEAR: Final = 0.75


def _accepts(accepted: tuple[str, ...], actual: Type) -> bool:
    # "number or label": either (a qualitative kind's realisasi and target).
    options = {option for one in accepted for option in one.split(" or ")}
    return str(actual) in options or ("label" in options and actual.kind == "label")


def _family(name: str) -> EntryPoint | None:
    return next((row for row in _FAMILIES if name.startswith(row.name)), None)


class _Checker:
    """One pass over a rulebook's definitions against :data:`ENTRY_POINTS`."""

    def __init__(self, book: Rulebook, own: frozenset[str] | None = None) -> None:
        self.book = book
        self.own = own
        self.checked = book.checked
        self.text = book.text
        self.out: list[Diagnostic] = []
        self.used = _referenced(book)
        #: Entry points defined with a problem: the pipeline cannot call them as it does.
        self.broken: set[str] = set()

    def name_span(self, node: object) -> Span | None:
        """The span of a definition's name (its first line), or of the whole definition."""
        span: Span | None = getattr(node, "span", None)
        name = getattr(node, "name", "")
        if span is None:
            return None
        # A whole word: the definition 'f' is not the 'f' of 'def'.
        match = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)").search(
            self.text, span.start, span.end
        )
        at = -1 if match is None or not name else match.start()
        if at < 0 or "\n" in self.text[span.start : at]:
            return span
        column = span.column + at - span.start
        return Span(at, at + len(name), span.line, column, span.line, column + len(name))

    def add(self, message: str, span: Span | None, hint: str | None = None, *,
            code: str = "contract", severity: str = "error") -> None:  # fmt: skip
        self.out.append(Diagnostic(message, span, hint, code, severity))

    def run(self) -> list[Diagnostic]:
        for name in self.checked.order:
            info = self.checked.funcs.get(name) or self.checked.consts.get(name)
            row = _EXACT.get(name)
            if row is None and isinstance(info, FuncInfo):
                row = _family(name)  # a value named capaian_… is a policy, not a kind
            if row is None:
                self.unreached(name, info)
            else:
                before = len(self.out)
                if isinstance(info, FuncInfo):
                    self.function(row, info)
                elif isinstance(info, ConstInfo):
                    self.value(row, info)
                if len(self.out) > before:
                    self.broken.add(name)
        self.absent()
        ordered = sorted(self.out, key=lambda d: (d.span is None, d.span.start if d.span else 0))
        # In a rulebook that extends others, each in the text its definition was written in.
        return self.book.locate(ordered)

    def what(self, row: EntryPoint, name: str) -> str:
        if row.name == KIND_PREFIX or name in ("capaian_higher", "capaian_lower", "capaian_range"):
            return f"indicator kind '{name}'"
        if row.name == CONVERSION_PREFIX:
            return f"conversion '{name}'"
        return f"entry point '{name}'"

    def function(self, row: EntryPoint, info: FuncInfo) -> None:
        node = info.node
        what = self.what(row, info.name)
        if row.binding == "value":
            self.add(f"{what} must be a value (param or const) of type {row.result[0]}, "
                     "not a function", self.name_span(node))  # fmt: skip
            return
        spans = _param_spans(node)
        # A helper named like a kind but called by other definitions (permenpanrb-8-2021's
        # capaian_dibulatkan) is not an indicator kind: a warning, and plans may not name it.
        severity = "warning" if info.name in self.used and row.family else "error"
        if row.binding == "position":
            self.positional(row, info, what, spans)
        else:
            allowed = dict(row.params)
            for param, ptype, span in zip(info.params, info.param_types, spans, strict=True):
                if param not in allowed:
                    close = [p for p in allowed if p.startswith(param)] or [
                        c for c in [NameIndex(allowed).closest(param, cutoff=0.6)] if c
                    ]
                    hint = f"did you mean '{close[0]}'? " if close else ""
                    self.add(f"{what}: parameter '{param}' is not an input the pipeline supplies",
                             span, f"{hint}(bound by name: {', '.join(allowed)})",
                             severity=severity)  # fmt: skip
                elif not _accepts((allowed[param],), ptype):
                    want = allowed[param]
                    fix = (f"drop ': {ptype}'" if want.startswith("number")
                           else f"write '{param}: {want}'")  # fmt: skip
                    self.add(f"{what}: parameter '{param}' must be {want}, but is declared "
                             f"{ptype}", span, f"the pipeline passes {_describe(want)}; {fix}",
                             severity=severity)  # fmt: skip
        if not _accepts(row.result, info.returns):
            self.add(f"{what} must give {' or '.join(row.result)}, but gives {info.returns}",
                     self.name_span(node), severity=severity)  # fmt: skip

    def positional(self, row: EntryPoint, info: FuncInfo, what: str,
                   spans: tuple[Span | None, ...]) -> None:  # fmt: skip
        # Trailing optional parameters count only under their exact names.
        extra = info.params[len(row.params) :]
        expected = row.params + row.optional[: len(extra)]
        fits = len(info.params) == len(expected) and all(
            param == name for param, (name, _) in zip(extra, row.optional, strict=False)
        )
        if not fits:
            declared = ", ".join(f"{p}: {t}" for p, t in zip(info.params, info.param_types,
                                                               strict=True))  # fmt: skip
            self.add(f"{what} must take {len(row.params)} parameter(s), "
                     f"but takes {len(info.params)} ({declared})", self.name_span(info.node),
                     f"the pipeline calls {row.signature()}")  # fmt: skip
            return
        for (want_name, want), param, ptype, span in zip(
            expected, info.params, info.param_types, spans, strict=True
        ):
            if not _accepts((want,), ptype):
                self.add(f"{what}: parameter '{param}' must be {want}, but is declared {ptype}",
                         span, f"the pipeline passes {_describe(want)} as '{want_name}'; "
                         f"it calls {row.signature()}")  # fmt: skip

    def value(self, row: EntryPoint, info: ConstInfo) -> None:
        what = self.what(row, info.name)
        if row.binding != "value":
            self.add(f"{what} must be a function {row.signature()}, not a value",
                     self.name_span(info.node))  # fmt: skip
        elif not _accepts(row.result, info.type):
            self.add(f"{what} must be {' or '.join(row.result)}, but is {info.type}",
                     self.name_span(info.node))  # fmt: skip

    def unreached(self, name: str, info: FuncInfo | ConstInfo | None) -> None:
        """A definition neither the pipeline nor another definition reaches: a near miss of an
        entry point (a typo) or a conversion without its prefix, probably."""
        if info is None or name in self.used or name in self.checked.suspects:
            return  # a suspect is already a warning of the checker (a near miss)
        span = self.name_span(info.node)
        nearest = _ENTRY_NAMES.closest(name, cutoff=_NEAR)
        close = [nearest] if nearest else []
        head, _, rest = name.partition("_")
        if close:
            self.add(f"'{name}' is not an entry point of the pipeline and is never used",
                     span, f"did you mean '{close[0]}'?", severity="warning")  # fmt: skip
            return
        for row in _FAMILIES:
            prefix = row.name.rstrip("_")
            if (
                rest
                and head != prefix
                and difflib.SequenceMatcher(None, head, prefix).ratio() >= _NEAR
            ):
                self.add(f"'{name}' is not an entry point of the pipeline and is never used",
                         span, f"did you mean '{row.name}{rest}'?", severity="warning")  # fmt: skip
                return
        mine = self.own is None or name in self.own
        if mine and isinstance(info, ConstInfo):
            kind = "param" if info.node.is_param else "const"
            self.add(f"{kind} '{name}' is never read: no definition uses it, and the pipeline "
                     "reads only its entry points", span,
                     "setting it changes nothing; use it in a definition, or remove it",
                     severity="warning")  # fmt: skip
            return
        if mine and isinstance(info, FuncInfo) and all(t.kind != "list" for t in info.param_types):
            self.add(
                f"'{name}' is never used: the pipeline calls only its entry points and "
                f"definitions named {CONVERSION_PREFIX}* or {KIND_PREFIX}<kind>",
                span,
                f"to make it a conversion, name it '{CONVERSION_PREFIX}{name}' and take "
                f"inputs among {', '.join(p for p, _ in CONVERSION_INPUTS)}",
                severity="warning",
            )

    def absent(self) -> None:
        names = set(self.checked.funcs) | set(self.checked.consts)
        book = self.book.name
        for row in ENTRY_POINTS:
            if row.required and row.name not in names:
                self.add(f"rulebook '{book}' has no definition '{row.name}' "
                         f"(required: {row.signature()})", None, code="missing")  # fmt: skip
        if "rating_hasil_kerja" not in names:
            policy = self.checked.consts.get("rating_oleh_pejabat_penilai")
            if policy is None or policy.value is not True:
                self.add(f"rulebook '{book}' has no band 'rating_hasil_kerja' and declares no "
                         "'rating_oleh_pejabat_penilai = true': every result waits for the "
                         "evaluator's rating", None,
                         "add a band rating_hasil_kerja(nilai) -> rating, or declare "
                         "'param rating_oleh_pejabat_penilai = true'",
                         code="missing", severity="warning")  # fmt: skip
        if "predikat_kinerja" not in names:
            self.add(f"rulebook '{book}' has no definition 'predikat_kinerja': no predikat is "
                     "computed (every result stays incomplete unless the predikat is "
                     "overridden)", None, code="missing", severity="warning")  # fmt: skip


def _describe(type_name: str) -> str:
    return {
        "number": "a number",
        "list": "a list of numbers",
        "bool": "true/false",
        "number or label": "a number or a label",
    }.get(type_name, f"a label of {type_name}")


def _param_spans(node: object) -> tuple[Span | None, ...]:
    if isinstance(node, (FuncDef, MatrixDef)):
        params: tuple[Param, ...] = node.params
    elif isinstance(node, BandDef):
        params = (node.param,)
    else:
        params = ()
    return tuple(p.span for p in params)


def _referenced(book: Rulebook) -> frozenset[str]:
    """Every definition name another definition uses (by name or by call)."""
    names: set[str] = set()
    for definition in book.checked.node.definitions:
        if isinstance(definition, (FuncDef, ConstDef, BandDef, MatrixDef)):
            for node in walk(definition):
                if isinstance(node, Name):
                    names.add(node.id)
                elif isinstance(node, Call):
                    names.add(node.func)
    return frozenset(names)


def check_pipeline(book: Rulebook, *, own: Iterable[str] | None = None) -> list[Diagnostic]:
    """Every way ``book`` does not fit the scoring pipeline's :data:`ENTRY_POINTS`.

    Errors (``severity="error"``) and warnings, each with the position of the definition or
    parameter concerned when there is one, sorted by position (rulebook-wide ones last).
    ``own`` names the definitions of the text being checked (a file that extends bundled
    rulebooks): only those get the "never used" warning, not the bases' public helpers.

    >>> from kinerja_engine import rulebooks
    >>> [d.severity for d in check_pipeline(rulebooks.load("gajahmungkur"))]
    []
    """
    require(book, Rulebook, "check_pipeline", "book")
    if own is not None and (isinstance(own, str) or not isinstance(own, Iterable)):
        raise UsageError(f"check_pipeline(): parameter 'own' must be names of definitions, "
                         f"got {type(own).__name__}")  # fmt: skip
    names = (
        None if own is None else frozenset(require(n, str, "check_pipeline", "own") for n in own)
    )
    return _Checker(book, names).run()


def is_pipeline_rulebook(book: Rulebook) -> bool:
    """Whether ``book`` defines every required entry point (so it is meant for ``appraise``,
    and a file extending it is checked against the contract by default).

    >>> from kinerja_engine import rulebooks
    >>> is_pipeline_rulebook(rulebooks.load("permenpanrb-6-2022"))
    True
    >>> is_pipeline_rulebook(rulebooks.load("ikm-2017"))
    False
    """
    names = book.checked.funcs.keys() | book.checked.consts.keys()
    return all(row.name in names for row in ENTRY_POINTS if row.required)


def contract_errors(book: Rulebook) -> list[Diagnostic]:
    """The errors for which :func:`~kinerja_engine.scoring.appraise` refuses ``book``: defined
    entry points the pipeline cannot call as it does (missing ones are reported when needed).

    >>> from kinerja_engine.language import Rulebook
    >>> [d.message for d in contract_errors(Rulebook.parse('rulebook "r" def konversi_tpp(p) = p'))]
    ["conversion 'konversi_tpp': parameter 'p' is not an input the pipeline supplies"]
    """
    return [d for d in check_pipeline(book) if d.severity == "error" and d.code == "contract"]


class KindIndex:
    """The indicator kinds of one rulebook, to refuse a plan's unknown kinds before scoring.

    Suggestions are searched once per unknown name (a plan with n indicators of the same
    misspelt kind costs one search), in a :class:`~kinerja_engine.language.suggest.NameIndex`
    (a bounded number of kinds compared per search, however many the rulebook has). An index
    is callable: ``index(kind)`` is :meth:`problem`, the check the plan readers take.

    >>> from kinerja_engine import rulebooks
    >>> index = KindIndex(rulebooks.load("gajahmungkur"))
    >>> index.problem("vaksinasi") is None
    True
    >>> print(index.problem("vaksinsi"))  # doctest: +NORMALIZE_WHITESPACE
    rulebook 'gajahmungkur' has no indicator kind 'vaksinsi'
    (no definition 'capaian_vaksinsi'); did you mean 'vaksinasi'?
    """

    __slots__ = ("bad", "book", "errors", "index", "kinds", "seen")

    def __init__(self, book: Rulebook) -> None:
        self.book = book.name
        checker = _Checker(book)
        #: What :func:`contract_errors` gives: why the pipeline refuses the rulebook.
        self.errors = tuple(
            d for d in checker.run() if d.severity == "error" and d.code == "contract"
        )
        # A kind whose definition breaks the contract cannot score an indicator.
        self.kinds = {
            name.removeprefix(KIND_PREFIX): name not in checker.broken
            for name in book.checked.funcs
            if name.startswith(KIND_PREFIX)
        }
        self.bad = frozenset(k for k, ok in self.kinds.items() if not ok)
        # The package's one did-you-mean index: bounded work per unknown kind.
        self.index = NameIndex(k for k, ok in self.kinds.items() if ok)
        self.seen: dict[str, str | None] = {}

    def __call__(self, kind: str) -> str | None:
        """:meth:`problem`: an index is the kind check the plan readers take (``kinds=``)."""
        return self.problem(kind)

    def problem(self, kind: str) -> str | None:
        """Why an indicator of ``kind`` cannot be scored with this rulebook, or None."""
        if kind in self.seen:
            return self.seen[kind]
        if self.kinds.get(kind):
            message = None
        elif kind in self.bad:
            message = (f"indicator kind '{kind}' of rulebook '{self.book}' cannot score an "
                       f"indicator: '{KIND_PREFIX}{kind}' does not take "
                       f"{', '.join(p for p, _ in KIND_INPUTS)}")  # fmt: skip
        else:
            close = self.closest(kind)
            hint = f"; did you mean '{close}'?" if close else ""
            message = (f"rulebook '{self.book}' has no indicator kind '{kind}' "
                       f"(no definition '{KIND_PREFIX}{kind}'){hint}")  # fmt: skip
        if len(self.seen) < 10_000:
            self.seen[kind] = message
        return message

    def closest(self, kind: str) -> str | None:
        """The scorable kind nearest to ``kind`` (a did-you-mean), if any is close."""
        return self.index.closest(kind, cutoff=0.6)


def check_plan_kinds(plan: Plan, book: Rulebook | KindIndex) -> list[tuple[str, str]]:
    """``(indicator id, problem)`` for every indicator of ``plan`` whose kind (or, without a
    kind, direction) ``book`` cannot score; indicators with their own formula are skipped.

    >>> from kinerja_engine import rulebooks
    >>> from kinerja_engine.models import example_plan
    >>> check_plan_kinds(example_plan(), rulebooks.load("gajahmungkur"))
    []
    """
    require(plan, Plan, "check_plan_kinds", "plan")
    index = book if isinstance(book, KindIndex) else KindIndex(
        require(book, Rulebook, "check_plan_kinds", "book"))  # fmt: skip
    problems = []
    for _, ind in plan.indicators():
        if ind.formula is None:
            problem = index.problem(ind.kind or ind.direction.value)
            if problem is not None:
                problems.append((ind.id, f"indicator '{ind.id}' ({ind.name}): {problem}"))
    return problems
