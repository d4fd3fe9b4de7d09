"""A rulebook's scoring pipeline as an array program over columns, with certified decisions.

Input: a checked :class:`~kinerja_engine.language.Rulebook` and, per batch, the columns of the
accepted plans (:class:`Batch`: realisasi and target per indicator as exact decimals, the
ragged structure indicator → RHK → plan, weights, the behaviour rating and the months).
Output: :func:`supports` says whether the rulebook is in the supported forms, and why not;
:meth:`ColumnarProgram.run` gives per plan the overall value, the recommended rating, the
predikat and the conversions, and the rows that must go to the exact per-object path.

Supported forms (everything else is refused by :func:`supports`, naming the construct):
numbers, booleans, labels, parameters with a known value, ``+ - * /``, comparisons,
``and or not``, ``if``, ``let``, calls of the rulebook's own ``def``, ``band`` (with constant
edges) and ``matrix`` (label cells), and the builtins ``min max cap at_least clamp abs
between`` on numbers; ``nilai_rhk`` and ``nilai_hasil_kerja`` written as
``weighted_mean(values, bobot)`` of their two parameters; conversions over ``predikat``,
``nilai_hasil_kerja``, ``rating_hasil_kerja``, ``rating_perilaku`` and ``bulan``.

Guarantees: every comparison is taken in float64 only where its certified margin decides it
(:mod:`.arith`); a row with any undecided comparison, possible division by zero or
non-finite value anywhere on its evaluated path is marked bad and must be scored by the
exact path. Branches not taken never mark a row bad (as the exact path never evaluates them).

>>> from kinerja_engine import rulebooks
>>> supports(rulebooks.load("gajahmungkur"))
Support(ok=True, reason='')
>>> supports(rulebooks.load("pp-46-2011")).ok
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ..arguments import require
from ..errors import KinerjaError
from ..language.builtins import NUMBER
from ..language.checked import BandInfo, FuncInfo, MatrixInfo
from ..language.formula import Rulebook
from ..language.nodes import (
    Binary,
    BoolLit,
    Call,
    Expr,
    FuncDef,
    If,
    LabelRef,
    Let,
    Name,
    Num,
    Unary,
)
from ..values import Label
from . import arith, exact64
from .arith import Cond, Lab
from .exact64 import Small
from .ops import (
    Scope,
    Unsupported,
    Value,
    choose,
    distinct_rows,
    fraction_column,
    group_weights,
    interval,
    mark,
    pick,
    ratio,
    round_half_up,
    weighted_mean,
)

__all__ = [
    "CONVERSION_INPUTS",
    "Batch",
    "ColumnarProgram",
    "Outcome",
    "Support",
    "Unsupported",
    "supports",
]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: The conversion parameters the columnar pipeline binds (``jenjang`` is not among them).
CONVERSION_INPUTS = frozenset(
    {"predikat", "nilai_hasil_kerja", "rating_hasil_kerja", "rating_perilaku", "bulan", "jenjang"}
)
_BUILTINS = frozenset({"min", "max", "cap", "at_least", "clamp", "abs", "between", "round"})
_COMPARE = frozenset({"<", "<=", ">", ">=", "==", "!="})
_ARITH = frozenset({"+", "-", "*", "/"})


@dataclass(frozen=True, slots=True)
class Support:
    """Whether a rulebook runs on the columnar engine, and if not, why."""

    ok: bool
    reason: str = ""


def _is_mean_of_params(info: FuncInfo) -> bool:
    node = info.node
    return (
        isinstance(node, FuncDef)
        and len(node.params) == 2
        and isinstance(node.body, Call)
        and node.body.func == "weighted_mean"
        and not node.body.kwargs
        and node.body.args == (Name(node.params[0].name), Name(node.params[1].name))
    )


def supports(book: Rulebook) -> Support:
    """Whether ``book``'s pipeline is in the supported forms (see the module), and why not."""
    require(book, Rulebook, "supports", "book")
    try:
        ColumnarProgram(book)
    except Unsupported as exc:
        return Support(False, str(exc))
    return Support(True)


@dataclass(frozen=True, slots=True)
class Batch:
    """The accepted plans of one row group, as columns.

    Indicators are in plan order; ``definition`` names each indicator's capaian definition
    by index into ``definitions``. ``ind_rhk`` maps an indicator to its RHK and ``rhk_plan``
    an RHK to its plan (both non-decreasing). Weights are exact ratios (numerator,
    denominator). ``perilaku`` is the index of the behaviour rating in enum ``rating`` (-1:
    none); ``months`` the number of months of each plan's period.
    """

    realisasi: arith.Num
    target: arith.Num
    definitions: tuple[str, ...]
    definition: Ints
    ind_rhk: Ints
    rhk_plan: Ints
    weight: tuple[Ints, Ints]
    rhk_weight: tuple[Ints, Ints]
    perilaku: Ints
    months: Ints
    #: Index of the employee's jenjang in enum ``jenjang`` (-1: none or not in the enum).
    jenjang: Ints


@dataclass(frozen=True, slots=True)
class Outcome:
    """Per plan: the values of the pipeline, and ``bad`` rows for the exact path."""

    bad: Bools
    nilai: arith.Num
    rating: Lab | None
    predikat: Lab | None
    conversions: Mapping[str, tuple[Value, Bools]]
    #: Plans with a decision taken by the exact stage.
    slow: Bools


def _raising(values: list[Value], n: int) -> Bools:
    """The rows on which evaluating any of ``values`` raises on the exact path."""
    bad: Bools = np.logical_or.reduce([np.zeros(n, bool)] + [value.bad for value in values])
    return bad


class ColumnarProgram:
    """A rulebook compiled for columns (raises :class:`Unsupported` outside the forms)."""

    def __init__(self, book: Rulebook) -> None:
        self.book = require(book, Rulebook, "ColumnarProgram", "book")
        #: The model's verdict per combination of a plan's low-cardinality cells, kept
        #: across batches (``table.accept`` fills it; bounded there).
        self.verdicts: dict[tuple[object, ...], tuple[bool, bool, int, int, int, str]] = {}
        #: The records' columns and Arrow schema for a rulebook (``engine.score_arrow``
        #: fills it once: building them costs a millisecond per batch).
        self.records: tuple[Rulebook, list[str], Any] | None = None
        checked = book.checked
        self.checked = checked
        funcs = checked.funcs
        if "nilai_kinerja" in funcs and "predikat_nilai" in funcs:
            raise Unsupported("a numeric predikat (nilai_kinerja, predikat_nilai) is not columnar")
        for name in ("nilai_rhk", "nilai_hasil_kerja"):
            if name not in funcs or not _is_mean_of_params(funcs[name]):
                raise Unsupported(f"'{name}' is not weighted_mean(values, bobot) of its parameters")
        if funcs["nilai_rhk"].params[0] != "capaian":
            raise Unsupported("'nilai_rhk' weighs indicator values (nilai_iki), not capaian")
        band = funcs.get("rating_hasil_kerja")
        if band is not None and not isinstance(band, BandInfo):
            raise Unsupported("'rating_hasil_kerja' is not a band")
        self.band = band
        matrix = funcs.get("predikat_kinerja")
        if matrix is not None and not isinstance(matrix, MatrixInfo):
            raise Unsupported("'predikat_kinerja' is not a matrix")
        self.matrix = matrix
        if "rating" not in checked.enums:
            raise Unsupported("the rulebook has no enum 'rating'")
        self.conversions = tuple(
            (name, funcs[name].params)
            for name in book
            if name.startswith("konversi_") and name in funcs
        )
        for name, params in self.conversions:
            extra = set(params) - CONVERSION_INPUTS
            if extra:
                raise Unsupported(f"conversion '{name}' takes {sorted(extra)[0]!r}")
            returns = funcs[name].returns
            if returns != NUMBER and str(returns) not in checked.enums:
                raise Unsupported(f"conversion '{name}' gives a {returns}, not a number or label")
        policy = checked.consts.get("kebijakan_realisasi_kosong")
        self.exclude = (
            policy is not None
            and isinstance(policy.value, Label)
            and policy.value.name == "kecualikan"
        )
        # Dry run of every definition the pipeline may call on one row: an unsupported
        # construct anywhere on their call graphs is refused now, not per batch.
        self.labels: dict[str, tuple[Label, ...]] = {
            name: enum.members for name, enum in checked.enums.items()
        }
        with np.errstate(all="ignore"):  # the sample's values mean nothing (1 / (1 - 1))
            self._dry_run()
        #: Capaian definitions that passed the dry run (an indicator of another kind is
        #: scored by the exact path).
        self.scorable = frozenset(
            name
            for name, info in checked.funcs.items()
            if name.startswith("capaian_")
            and isinstance(info.node, FuncDef)
            and info.returns == NUMBER
            and all(t == NUMBER for t in info.param_types)
            and len(info.params) == 2
        )

    def _dry_run(self) -> None:
        funcs, band, matrix = self.checked.funcs, self.band, self.matrix
        scope = Scope(self, 1)
        scope.dry = True
        one = arith.constant(Fraction(1), 1)
        for name, info in funcs.items():
            if (
                name.startswith("capaian_")
                and isinstance(info.node, FuncDef)
                and all(t == NUMBER for t in info.param_types)
                and info.returns == NUMBER
            ):
                self.call(scope, name, [one] * len(info.params))
        sample = Lab("rating", np.zeros(1, np.int64), np.zeros(1, bool))
        if band is not None:
            self.call(scope, band.name, [one])
        if matrix is not None:
            self.call(scope, matrix.name, [sample, sample])
        jenjang = Lab("jenjang", np.zeros(1, np.int64), np.zeros(1, bool))
        bound = self._conversion_inputs(
            scope, one, sample, sample, self._predikat_sample(), one, jenjang
        )
        for name, params in self.conversions:
            self.call(scope, name, [bound[p] for p in params])

    # ----------------------------------------------------------------- expressions

    def _predikat_sample(self) -> Lab:
        return Lab("predikat", np.zeros(1, np.int64), np.zeros(1, bool))

    @staticmethod
    def _conversion_inputs(scope: Scope, nilai: arith.Num, hasil: Lab, perilaku: Lab, predikat: Lab,
                           bulan: arith.Num, jenjang: Lab) -> dict[str, Value]:  # fmt: skip
        return {
            "predikat": predikat,
            "nilai_hasil_kerja": nilai,
            "rating_hasil_kerja": hasil,
            "rating_perilaku": perilaku,
            "bulan": bulan,
            "jenjang": jenjang,
        }

    def constant(self, scope: Scope, value: object, where: str) -> Value:
        n = scope.n
        if isinstance(value, bool):
            return Cond(np.full(n, value), scope.fail())
        if isinstance(value, Fraction | int):
            return arith.constant(Fraction(value), n)
        if isinstance(value, Label):
            members = self.checked.enums[value.enum].members
            index = [m.name for m in members].index(value.name)
            return Lab(value.enum, np.full(n, index, np.int64), scope.fail())
        raise Unsupported(f"{where}: a value of type {type(value).__name__}")

    def eval(self, scope: Scope, e: Expr, env: Mapping[str, Value]) -> Value:
        if isinstance(e, Num):
            return arith.constant(Fraction(e.value), scope.n)
        if isinstance(e, BoolLit):
            return Cond(np.full(scope.n, e.value), scope.fail())
        if isinstance(e, Name):
            if e.id in env:
                return env[e.id]
            const = self.checked.consts.get(e.id)
            if const is None or const.value is None:
                raise Unsupported(f"'{e.id}' has no value known before scoring")
            return self.constant(scope, const.value, e.id)
        if isinstance(e, LabelRef):
            label = self.checked.enums[e.enum].member(e.member)
            return self.constant(scope, label, f"{e.enum}.{e.member}")
        if isinstance(e, Unary):
            inner = self.eval(scope, e.operand, env)
            if e.op == "-" and isinstance(inner, arith.Num):
                return arith.negate(inner)
            if e.op == "not" and isinstance(inner, Cond):
                return Cond(~inner.value, inner.bad)
            raise Unsupported(f"operator {e.op!r}")
        if isinstance(e, Binary):
            return self._binary(scope, e, env)
        if isinstance(e, If):
            return self._if(scope, e, env)
        if isinstance(e, Let):
            inner_env = dict(env)
            bound: list[Value] = []
            for name, expr in e.bindings:
                inner_env[name] = self.eval(scope, expr, inner_env)
                bound.append(inner_env[name])
            # The exact path evaluates every binding, read or not: a binding that raises
            # (a division by zero) makes the whole expression raise.
            return mark(self.eval(scope, e.body, inner_env), _raising(bound, scope.n))
        if isinstance(e, Call):
            if e.kwargs:
                raise Unsupported(f"keyword arguments in a call of '{e.func}'")
            return self.call(scope, e.func, [self.eval(scope, a, env) for a in e.args])
        raise Unsupported(f"{type(e).__name__} expressions")

    def _binary(self, scope: Scope, e: Binary, env: Mapping[str, Value]) -> Value:
        a = self.eval(scope, e.left, env)
        if e.op in ("and", "or"):
            b = self.eval(scope, e.right, env)
            if not isinstance(a, Cond) or not isinstance(b, Cond):
                raise Unsupported(f"operator {e.op!r} on non-booleans")
            # The right side counts only where the left does not decide (short circuit).
            decided = ~a.value if e.op == "and" else a.value
            value = a.value & b.value if e.op == "and" else a.value | b.value
            return Cond(value, a.bad | (~decided & b.bad))
        b = self.eval(scope, e.right, env)
        if isinstance(a, Lab) and isinstance(b, Lab) and e.op in ("==", "!="):
            same = (a.index == b.index) & (a.enum == b.enum)
            return Cond(same if e.op == "==" else ~same, a.bad | b.bad)
        if isinstance(a, Cond) and isinstance(b, Cond) and e.op in ("==", "!="):
            same = a.value == b.value
            return Cond(same if e.op == "==" else ~same, a.bad | b.bad)
        if not isinstance(a, arith.Num) or not isinstance(b, arith.Num):
            raise Unsupported(f"operator {e.op!r} on these operand types")
        if e.op in _COMPARE:
            return scope.cmp(a, b, e.op)
        if e.op == "+":
            return arith.add(a, b)
        if e.op == "-":
            return arith.subtract(a, b)
        if e.op == "*":
            return arith.multiply(a, b)
        if e.op == "/":
            return arith.divide(a, b)
        raise Unsupported(f"operator {e.op!r}")

    def _if(self, scope: Scope, e: If, env: Mapping[str, Value]) -> Value:
        cond = self.eval(scope, e.cond, env)
        if not isinstance(cond, Cond):
            raise Unsupported("an if condition that is not a boolean")
        # A condition that goes one way on every row: the other branch is not evaluated (its
        # exact part would cost Python integers for nothing). Uncertain rows stay bad.
        if not scope.dry and cond.value.all():
            return mark(self.eval(scope, e.then, env), cond.bad)
        if not scope.dry and not cond.value.any():
            return mark(self.eval(scope, e.orelse, env), cond.bad)
        return choose(cond, self.eval(scope, e.then, env), self.eval(scope, e.orelse, env))

    # ----------------------------------------------------------------- calls

    def call(self, scope: Scope, name: str, args: list[Value]) -> Value:
        if name in _BUILTINS and name not in self.checked.funcs:
            return self._builtin(scope, name, args)
        info = self.checked.funcs.get(name)
        if info is None:
            raise Unsupported(f"the builtin '{name}'")
        if isinstance(info, BandInfo):
            return self._band(scope, info, args)
        if isinstance(info, MatrixInfo):
            return self._matrix(scope, info, args)
        node = info.node
        if not isinstance(node, FuncDef) or len(args) != len(node.params):
            raise Unsupported(f"a call of '{name}'")
        if scope.depth > 64:
            raise Unsupported(f"calls nested deeper than 64 at '{name}'")
        scope.depth += 1
        try:
            value = self.eval(scope, node.body, dict(zip(info.params, args, strict=True)))
        finally:
            scope.depth -= 1
        # Arguments are evaluated before the call, read or not (as the exact path does).
        return mark(value, _raising(args, scope.n))

    def _builtin(self, scope: Scope, name: str, args: list[Value]) -> Value:
        nums = [a for a in args if isinstance(a, arith.Num)]
        if len(nums) != len(args) or not args:
            raise Unsupported(f"'{name}' over lists or non-numbers")
        if name == "abs" and len(nums) == 1:
            value, slow = arith.abs_(nums[0])
            scope.slow |= slow
            return value
        if name in ("min", "max"):
            result = nums[0]
            for other in nums[1:]:
                result = pick(scope, result, other, "<" if name == "min" else ">")
            return result
        if name == "cap" and len(nums) == 2:
            return pick(scope, nums[0], nums[1], "<=")
        if name == "at_least" and len(nums) == 2:
            return pick(scope, nums[0], nums[1], ">=")
        if name == "clamp" and len(nums) == 3:
            x, lo, hi = nums
            inverted = scope.cmp(lo, hi, ">")
            # lo > hi is an error of the exact path: such rows (and undecided ones) are bad.
            out = pick(scope, pick(scope, x, lo, ">="), hi, "<=")
            return mark(out, inverted.bad | inverted.value)
        if name == "round" and len(nums) == 2:
            return round_half_up(scope, nums[0], nums[1])
        if name == "between" and len(nums) == 3:
            x, lo, hi = nums
            low, high = scope.cmp(lo, x, "<="), scope.cmp(x, hi, "<=")
            return Cond(low.value & high.value, low.bad | high.bad)
        raise Unsupported(f"'{name}' with {len(args)} arguments")

    def _band(self, scope: Scope, info: BandInfo, args: list[Value]) -> Value:
        (x,) = args
        if not isinstance(x, arith.Num):
            raise Unsupported(f"band '{info.name}' over a non-number")
        node = info.node
        rows = getattr(node, "rows", ())
        bad = x.bad.copy()
        chosen = np.full(scope.n, -1, np.int64)
        inside = interval(scope, x, info.domain)
        bad |= inside.bad | ~inside.value
        for lo, lo_closed, hi, hi_closed, index in info.rows:
            member = interval(scope, x, (lo, lo_closed, hi, hi_closed))
            bad |= member.bad
            chosen = np.where(member.value & (chosen < 0), index, chosen)
        bad |= chosen < 0
        results = [self.eval(scope, row.expr, {info.params[0]: x}) for row in rows]
        out = results[0]
        for row, value in enumerate(results[1:], 1):
            out = choose(Cond(chosen == row, scope.fail()), value, out)
        return mark(out, bad)

    def _matrix(self, scope: Scope, info: MatrixInfo, args: list[Value]) -> Value:
        labs = [a for a in args if isinstance(a, Lab)]
        if len(labs) != len(args) or not labs:
            raise Unsupported(f"matrix '{info.name}' with parameters that are not labels")
        node = info.node
        rows = getattr(node, "rows", ())
        env = dict(zip(info.params, args, strict=True))
        cells = [self.eval(scope, row.expr, env) for row in rows]
        members = [self.checked.enums[str(t)].members for t in info.param_types]
        shape = tuple(len(m) for m in members)
        table = np.full(shape, -1, np.int64)
        for key, row in info.table.items():
            table[tuple(m.index(k) for m, k in zip(members, key, strict=True))] = row
        missing = np.zeros(scope.n, bool)
        for lab in labs:
            missing |= lab.index < 0
        chosen = table[tuple(np.maximum(lab.index, 0) for lab in labs)]
        out = cells[0]
        for row, value in enumerate(cells[1:], 1):
            out = choose(Cond(chosen == row, scope.fail()), value, out)
        bad = np.zeros(scope.n, bool)
        for lab in labs:
            bad |= lab.bad
        if isinstance(out, Lab):
            return Lab(out.enum, np.where(missing, -1, out.index), out.bad | bad)
        return mark(out, bad | missing)

    def _by_combination(
        self, name: str, params: tuple[str, ...], inputs: Mapping[str, Value], given: Bools
    ) -> Value:
        """A conversion of labels and the months only: one exact call per distinct
        combination (a finite domain), by the rulebook's own exact function."""
        keys = []
        for p in params:
            value = inputs[p]
            if isinstance(value, Lab):
                keys.append(value.index)
            elif isinstance(value, arith.Num) and not value.e.any():
                keys.append(value.v.astype(np.int64))
            else:
                raise Unsupported(f"conversion '{name}': parameter '{p}' is not a label")
        n = len(given)
        matrix = np.stack(keys, axis=1) if keys else np.zeros((n, 0), np.int64)
        combos, inverse = distinct_rows(matrix)
        function = self.book.program.exact(name)
        results: list[object] = []
        failed = np.zeros(len(combos), bool)
        wanted = np.zeros(len(combos), bool)
        wanted[inverse[given]] = True
        for k, combo in enumerate(combos.tolist()):
            args: list[object] = []
            for p, key in zip(params, combo, strict=True):
                value = inputs[p]
                if isinstance(value, Lab):
                    args.append(self.labels[value.enum][key] if key >= 0 else None)
                else:
                    args.append(Fraction(key))
            result: object = None
            if wanted[k] and all(a is not None for a in args):
                try:
                    result = function(*args)
                except KinerjaError:
                    failed[k] = True
            results.append(result)
        bad = failed[inverse]
        sample = next((r for r in results if r is not None), None)
        if isinstance(sample, Label):
            members = [m.name for m in self.labels[sample.enum]]
            index = np.array(
                [members.index(r.name) if isinstance(r, Label) else -1 for r in results]
            )
            return Lab(sample.enum, index[inverse], bad)
        if sample is not None and not isinstance(sample, Fraction):
            raise Unsupported(f"conversion '{name}' gives {type(sample).__name__}")
        column = [r if isinstance(r, Fraction) else Fraction(0) for r in results]
        return arith.take(fraction_column(column, failed), inverse)

    # ----------------------------------------------------------------- the pipeline

    def capaian(self, batch: Batch) -> tuple[arith.Num, Bools]:
        """Capaian of every indicator, each by its definition (evaluated per definition),
        and the indicators with a decision taken by the exact stage."""
        n = len(batch.definition)
        v, e = np.zeros(n), np.zeros(n)
        bad = np.zeros(n, bool)
        slow = np.zeros(n, bool)
        local = np.zeros(n, np.int64)
        parts: dict[int, arith.Num] = {}
        for code, name in enumerate(batch.definitions):
            rows = np.flatnonzero(batch.definition == code)
            if not len(rows):
                continue
            local[rows] = np.arange(len(rows))
            scope = Scope(self, len(rows))
            given = {"realisasi": arith.take(batch.realisasi, rows)}
            target = arith.take(batch.target, rows)
            params = self.checked.funcs[name].params
            value = self.call(scope, name, [given.get(p, target) for p in params])
            if not isinstance(value, arith.Num):
                raise Unsupported(f"'{name}' does not give a number")
            v[rows], e[rows], bad[rows] = value.v, value.e, value.bad
            slow[rows] = scope.slow
            parts[code] = value

        def build(rows: Ints | None) -> arith.Exact:
            wanted = np.arange(n) if rows is None else rows
            num = np.empty(len(wanted), dtype=object)
            den = np.empty(len(wanted), dtype=object)
            codes = batch.definition[wanted]
            for code, value in parts.items():
                at = np.flatnonzero(codes == code)
                if len(at):
                    pn, pd = value.exact_at(local[wanted[at]])
                    num[at], den[at] = pn, pd
            return num, den

        def small(rows: Ints | None) -> Small:
            wanted = np.arange(n) if rows is None else rows
            num, den, ok = exact64.nothing(len(wanted))
            codes = batch.definition[wanted]
            for code, value in parts.items():
                at = np.flatnonzero(codes == code)
                if len(at):
                    num[at], den[at], ok[at] = value.small_at(local[wanted[at]])
            return num, den, ok

        return arith.Num(v, e, bad, build, small=small), slow

    def run(self, batch: Batch) -> Outcome:
        """The pipeline over one batch (see :class:`Outcome`)."""
        capaian, slow_indicators = self.capaian(batch)
        n_rhk, n_plans = len(batch.rhk_plan), len(batch.perilaku)
        weight = group_weights(*batch.weight, batch.ind_rhk, n_rhk)
        rhk_weight = group_weights(*batch.rhk_weight, batch.rhk_plan, n_plans)
        nilai_rhk = weighted_mean(capaian, weight, batch.ind_rhk, n_rhk)
        nilai = weighted_mean(nilai_rhk, rhk_weight, batch.rhk_plan, n_plans)
        scope = Scope(self, n_plans)
        scope.depth = 1
        bad = nilai.bad.copy()
        hasil: Lab | None = None
        if self.band is not None:
            result = self.call(scope, self.band.name, [nilai])
            assert isinstance(result, Lab)
            hasil = result
            bad |= hasil.bad
        perilaku = Lab("rating", batch.perilaku, np.zeros(n_plans, bool))
        predikat: Lab | None = None
        if self.matrix is not None and hasil is not None:
            result = self.call(scope, self.matrix.name, [hasil, perilaku])
            assert isinstance(result, Lab)
            predikat = result
            bad |= predikat.bad
        months = ratio(batch.months, np.ones(n_plans, np.int64))
        absent = Lab("rating", np.full(n_plans, -1, np.int64), np.zeros(n_plans, bool))
        inputs = self._conversion_inputs(
            scope,
            nilai,
            hasil or absent,
            perilaku,
            predikat or Lab("predikat", absent.index, absent.bad),
            months,
            Lab("jenjang", batch.jenjang, absent.bad),
        )
        present = {
            "predikat": predikat is not None and predikat.index >= 0,
            "rating_hasil_kerja": hasil is not None,
            "rating_perilaku": batch.perilaku >= 0,
            "jenjang": batch.jenjang >= 0,
        }
        conversions: dict[str, tuple[Value, Bools]] = {}
        for name, params in self.conversions:
            given = np.ones(n_plans, bool)
            for p in params:
                given = given & present.get(p, True)
            if not given.any():
                continue
            if "nilai_hasil_kerja" in params:
                value = self.call(scope, name, [inputs[p] for p in params])
                if isinstance(value, arith.Num) and not given.all():
                    # Rows without the inputs (no predikat) write no cell: their values, which
                    # may divide by zero (a branch the exact path never takes), become 0.
                    value = arith.choose(given, value, arith.constant(Fraction(0), n_plans))
            else:
                value = self._by_combination(name, params, inputs, given)
            bad |= value.bad & given
            conversions[name] = (value, given)
        slow = scope.slow.copy()
        slow[batch.rhk_plan[batch.ind_rhk[slow_indicators]]] = True
        return Outcome(bad, nilai, hasil, predikat, conversions, slow)
