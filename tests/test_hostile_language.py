"""Hostile input to the rules language (issue 15, items 2–4): each reproducer is a regression.

Cost is asserted as counted work (calls of the checker's and folder's functions, matrix
combinations marked, did-you-mean searches) at n and 4n, never as seconds: a linear check
does at most 5× the work on 4× the input.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import itertools
import pickle
import types
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from kinerja_engine import CheckError, Formula, KinerjaError, Rulebook, rulebooks
from kinerja_engine.errors import BindingError, UsageError
from kinerja_engine.language import coverage
from kinerja_engine.language.cost import MAX_RULEBOOK_WORK, MAX_WORK
from kinerja_engine.language.evaluate import Evaluator
from kinerja_engine.language.infer import MAX_SUGGESTIONS, Inferrer
from kinerja_engine.language.parser import MAX_RULEBOOK_LENGTH
from kinerja_engine.values import Label, to_decimal

# --------------------------------------------------------------------------- counting


class Counter:
    """Counts calls of the wrapped methods (installed with monkeypatch)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *targets: tuple[Any, str]) -> None:
        self.calls = 0
        for owner, name in targets:
            original = getattr(owner, name)
            monkeypatch.setattr(owner, name, self._wrap(original))

    def _wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        return counted


def _checker_work(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts type inference steps and folding steps (every node the folder evaluates)."""
    return Counter(monkeypatch, (Inferrer, "infer"), (Evaluator, "_value"))


def _outcome(action: Callable[[], Any]) -> KinerjaError | None:
    error: KinerjaError | None = None
    try:
        action()
    except KinerjaError as exc:
        error = exc
    assert type(error) is not KinerjaError, f"internal error: {error!r}"
    return error


# --------------------------------------------------------------------------- item 3: fan-out


def _fan_out(levels: int, *, let: bool = False) -> str:
    lines = ['rulebook "fan"', "def f0(x) = x + 1"]
    for i in range(1, levels + 1):
        body = f"let a = f{i - 1}(x) in a + a" if let else f"f{i - 1}(x) + f{i - 1}(x)"
        lines.append(f"def f{i}(x) = {body}")
    return "\n".join(lines)


def test_fan_out_of_60_levels_is_refused_with_the_chain() -> None:
    error = _outcome(lambda: Rulebook.parse(_fan_out(60)))
    assert isinstance(error, CheckError)
    (diag,) = error.diagnostics
    assert f"more than {MAX_WORK:,} evaluation steps" in diag.message
    assert "calls f" in diag.message and "2 times" in diag.message
    assert diag.span is not None


def test_fan_out_check_work_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = []
    for levels in (15, 60):
        counter = _checker_work(monkeypatch)
        text = _fan_out(levels)
        _outcome(functools.partial(Rulebook.parse, text))
        counts.append(counter.calls)
    assert counts[1] <= 5 * counts[0], counts


def test_fan_out_with_constants_is_refused_before_folding(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = _checker_work(monkeypatch)
    error = _outcome(lambda: Rulebook.parse(_fan_out(60) + "\nconst c = f60(1)"))
    assert isinstance(error, CheckError)
    assert counter.calls < 2_000


def test_fan_out_through_let_is_linear_and_evaluates() -> None:
    book = Rulebook.parse(_fan_out(60, let=True))
    assert book.evaluate("f60", x=0) == 2**60
    assert book.checked.work["f60"] < 2_000


def test_formula_calling_an_expensive_definition_many_times_is_refused() -> None:
    book = Rulebook.parse(_fan_out(12))
    text = " + ".join(["f12(1)"] * 40)
    error = _outcome(lambda: Formula.parse(text, rulebook=book))
    assert isinstance(error, CheckError)
    assert "the formula calls f12 40 times" in error.message


# --------------------------------------------------------------------------- item 3: matrices


def _matrix(n: int) -> str:
    members = ", ".join(f"m{i}" for i in range(n))
    rows = ",\n".join(f"m{i}, m{j} -> {i * n + j}" for i in range(n) for j in range(n))
    return f'rulebook "m"\nenum e {{ {members} }}\nmatrix t(a: e, b: e) {{ {rows} }}'


def _count_products(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counter = Counter(monkeypatch)

    def product(*axes: Any) -> Iterator[tuple[Any, ...]]:
        for combo in itertools.product(*axes):
            counter.calls += 1
            yield combo

    fake = types.SimpleNamespace(product=product, zip_longest=itertools.zip_longest)
    monkeypatch.setattr(coverage, "itertools", fake)
    return counter


def test_complete_matrix_check_is_linear_in_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = []
    for n in (20, 40):  # 400 and 1,600 cells: 4× the rows
        counter = _count_products(monkeypatch)
        book = Rulebook.parse(_matrix(n))
        assert book.evaluate("t", a="m1", b="m2") == n + 2
        counts.append(counter.calls)
    assert counts[1] <= 5 * counts[0], counts


def test_overlapping_wildcards_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    members = ", ".join(f"m{i}" for i in range(100))
    rows = ",\n".join(f"_, _ -> {i}" for i in range(300))
    text = f'rulebook "m"\nenum e {{ {members} }}\nmatrix t(a: e, b: e) {{ {rows} }}'
    counter = _count_products(monkeypatch)
    error = _outcome(lambda: Rulebook.parse(text))
    assert isinstance(error, CheckError) and "ambiguous" in error.message
    assert counter.calls <= 3 * 10_000 + 300 + 1


def _unknown_keys(rows: int) -> str:
    members = ", ".join(f"anggota{i}" for i in range(100))
    body = ",\n".join(f"q{i} -> {i}" for i in range(rows))
    return f'rulebook "m"\nenum e {{ {members} }}\nmatrix t(a: e) {{ {body} }}'


def test_did_you_mean_searches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = []
    for rows in (750, 3_000):
        counter = Counter(monkeypatch, (difflib, "get_close_matches"))
        text = _unknown_keys(rows)
        error = _outcome(functools.partial(Rulebook.parse, text))
        assert isinstance(error, CheckError) and len(error.diagnostics) >= rows
        counts.append(counter.calls)
    assert counts == [MAX_SUGGESTIONS, MAX_SUGGESTIONS]


def test_64kb_rulebook_built_to_maximise_checker_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fan-out chain just under the per-call bound, then as many constants and definitions
    # calling it as fit: every one would be folded when the rulebook is built.
    lines = ['rulebook "x"', "def f0(x) = x + 1"]
    for i in range(1, 12):
        lines.append(f"def f{i}(x) = let a = f{i - 1}(x), b = f{i - 1}(x + 1) in a + b")
    i = 0
    while sum(len(line) + 1 for line in lines) < MAX_RULEBOOK_LENGTH - 40:
        lines.append(f"const c{i} = f11({i})" if i % 2 else f"def g{i}(x) = x + f11({i})")
        i += 1
    text = "\n".join(lines)
    assert len(text) <= MAX_RULEBOOK_LENGTH
    counter = _checker_work(monkeypatch)
    error = _outcome(lambda: Rulebook.parse(text))
    assert isinstance(error, CheckError)
    assert "together may take more than" in error.message
    # The documented bound (docs/language.md): folding at most MAX_RULEBOOK_WORK steps, plus
    # passes linear in the text.
    assert counter.calls <= MAX_RULEBOOK_WORK + 10 * len(text), counter.calls


# --------------------------------------------------------------------------- item 2: positions


EXTENDS = 'rulebook "lokal" extends "permenpanrb-6-2022"\n\ndef tambahan(x) = x + y\n'


def test_errors_in_an_extending_file_point_at_its_own_lines() -> None:
    error = _outcome(lambda: rulebooks.load(EXTENDS + "def lain(x) = tambahan(x) * true\n"))
    assert isinstance(error, CheckError)
    lines = [(d.span.line, d.span.column) for d in error.diagnostics if d.span]
    assert lines == [(3, 23), (4, 29)]
    rendered = error.render("lokal.kinerja")
    assert rendered.startswith("lokal.kinerja:3:23: error: unknown name 'y'")
    assert "lokal.kinerja:4:29:" in rendered
    assert "<formula>" not in rendered


def test_errors_in_inherited_definitions_name_the_bundled_file() -> None:
    text = (
        'rulebook "lokal" extends "permenpanrb-6-2022"\nparam capaian_target_nol_tercapai = true\n'
    )
    error = _outcome(lambda: rulebooks.load(text))
    assert isinstance(error, CheckError)
    source = rulebooks.source("permenpanrb-6-2022").split("\n")
    for diag in error.diagnostics:
        assert diag.origin == "permenpanrb-6-2022.kinerja"
        assert diag.span is not None
        assert "capaian_target_nol_tercapai" in source[diag.span.line - 1]
    first = min(d.span.line for d in error.diagnostics if d.span)
    assert f"permenpanrb-6-2022.kinerja:{first}:" in error.render("lokal.kinerja")


def test_extend_keeps_positions_of_the_extending_text() -> None:
    base = Rulebook.parse('rulebook "a" param p = 1\ndef f(x) = x + p')
    error = _outcome(lambda: base.extend('rulebook "b"\n\n\n  def g(x) = x + nope'))
    assert isinstance(error, CheckError)
    assert (error.line, error.column) == (4, 18)


def test_evaluation_errors_of_an_extending_file_point_at_its_own_lines() -> None:
    book = rulebooks.load('rulebook "l" extends "pp-46-2011"\n\n\ndef g(x) = 1 / x')
    error = _outcome(lambda: book.evaluate("g", x=0))
    assert error is not None and (error.line, error.column) == (4, 12)
    assert "def g(x) = 1 / x" in str(error)


def test_cli_check_names_the_extending_file(tmp_path: Any, capsys: Any) -> None:
    from kinerja_engine.__main__ import main

    path = tmp_path / "lokal.kinerja"
    path.write_text(EXTENDS, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3:23: error: unknown name 'y'" in out
    assert "<formula>" not in out


# --------------------------------------------------------------------------- item 4: inputs


def test_fraction_inputs_are_exact() -> None:
    assert Formula.parse("x*3 == 1").evaluate(x=Fraction(1, 3)) is True
    assert Formula.parse("x*3").evaluate(x=Fraction(1, 3)) == Decimal(1)
    assert Formula.parse("sum(v)").evaluate(v=[Fraction(1, 3)] * 3) == Decimal(1)
    assert Formula.parse("x / 2").evaluate_exact(x=Fraction(1, 3)) == Fraction(1, 6)


def test_huge_fractions_are_refused_without_arithmetic() -> None:
    error = _outcome(lambda: Formula.parse("x").evaluate(x=Fraction(1, 2**200_000)))
    assert isinstance(error, BindingError) and "60 digits" in error.message
    with pytest.raises(BindingError):
        to_decimal(Fraction(3**200_000, 7))


@pytest.mark.parametrize("text", ["١٢٣", "１００", "1２", "٣.٥"])
def test_only_ascii_digits_are_numbers(text: str) -> None:
    with pytest.raises(BindingError):
        to_decimal(text)
    assert _outcome(lambda: Formula.parse(text)) is not None
    assert isinstance(_outcome(lambda: Formula.parse("x").evaluate(x=text)), BindingError)


def test_byte_order_mark_is_accepted() -> None:
    assert Formula.parse("\ufeffx + 1").evaluate(x=1) == 2
    assert Rulebook.parse('\ufeffrulebook "a" const c = 1').evaluate("c") == 1
    local = rulebooks.load('\ufeffrulebook "l" extends "pp-46-2011" param batas_efisiensi = 30')
    assert local.name == "l"


def test_carriage_return_in_a_string_keeps_the_snippet() -> None:
    text = 'rulebook "a\rb"\nconst c = nope'
    error = _outcome(lambda: Rulebook.parse(text))
    assert isinstance(error, CheckError)
    snippet = error.render("f").split("\n")
    assert snippet[1] == "  const c = nope" and snippet[2] == "            ^^^^"


def test_with_params_takes_labels_by_member_never_text() -> None:
    book = Rulebook.parse(
        'rulebook "r" enum e { a, b } param p = e.a param q = 1\n'
        "def f(x) = if p == e.b then q else x"
    )
    error = _outcome(lambda: book.with_params(p=Label("e", "b\nparam q = 999")))
    assert isinstance(error, UsageError)
    assert book.with_params(p=Label("e", "b")).parameters == {"p": Label("e", "b"), "q": 1}
    assert book.with_params(p="e.b", q="-2.5").parameters["q"] == Decimal("-2.5")
    assert isinstance(_outcome(lambda: book.with_params(q="1\nparam p = e.b")), BindingError)


def test_with_params_keeps_a_fraction_exact() -> None:
    # A Fraction binds exactly as an input does (values.to_number): with_params used
    # to_decimal, so p = 1/3 became 34 digits and 3 * p == 1 was false (review rv2).
    book = Rulebook.parse('rulebook "r" param p = 1  def f(x) = x * p == 1  def g(x) = x * p')
    third = book.with_params(p=Fraction(1, 3))
    assert third == Rulebook.parse(str(book).replace("param p = 1", "param p = 1 / 3"))
    assert third.evaluate("f", x=3) is True and third.evaluate("g", x=Fraction(3, 2)) == Decimal(
        "0.5"
    )
    assert third.program.exact("f")(Fraction(3)) is True
    assert book.with_params(p=Fraction(-2, 7)).evaluate("g", x=-7) == 2
    assert book.with_params(p=Fraction(1, 4)).parameters["p"] == Decimal("0.25")
    again = pickle.loads(pickle.dumps(third))  # by text: the value prints exactly
    assert again.evaluate("f", x=3) is True
    too_big = Fraction(1, 3 * 10**70)
    assert isinstance(_outcome(lambda: book.with_params(p=too_big)), BindingError)


def test_formula_and_rulebook_pickle_by_text() -> None:
    book = rulebooks.load('rulebook "l" extends "pp-46-2011" param batas_efisiensi = 30')
    again = pickle.loads(pickle.dumps(book))
    assert again == book and again.parameters == book.parameters
    formula = Formula.parse("nilai_efisiensi(t, r) + 1", rulebook=book)
    copy = pickle.loads(pickle.dumps(formula))
    assert copy.evaluate(t=10, r="7.5") == formula.evaluate(t=10, r="7.5")


def test_positional_inputs_and_list_inputs_are_usage_errors() -> None:
    error = _outcome(lambda: Formula.parse("x").evaluate(1))
    assert isinstance(error, UsageError) and "x=" in error.message
    error = _outcome(lambda: Formula.parse("x", inputs=["x"]))  # type: ignore[arg-type]
    assert isinstance(error, UsageError) and "'inputs'" in error.message


# --------------------------------------------------------------------------- public surface

_BOOK = Rulebook.parse('rulebook "r" enum e { a } param p = 1 def f(x) = x + p')
_WRONG: tuple[object, ...] = (None, 1, 1.5, b"x", ["x"], {"x": 1}, object(), Decimal(1))


def _surface() -> Iterator[tuple[str, Callable[..., Any], list[str]]]:
    """Every public function of Formula, Rulebook and rulebooks, with its parameter names."""
    formula = Formula.parse("x + 1")
    for owner, instance in ((Formula, formula), (Rulebook, _BOOK)):
        for name, member in inspect.getmembers(owner):
            if name.startswith("_") or not callable(member):
                continue
            bound = getattr(instance, name)
            yield f"{owner.__name__}.{name}", bound, _params(bound)
    for name in rulebooks.__all__:
        function = getattr(rulebooks, name)
        yield f"rulebooks.{name}", function, _params(function)


def _params(function: Callable[..., Any]) -> list[str]:
    """Named parameters; keyword-only ones are marked with a leading '*'."""
    found = []
    for p in inspect.signature(function).parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            found.append(p.name)
        elif p.kind == p.KEYWORD_ONLY:
            found.append("*" + p.name)
    return found


_VALID: dict[str, object] = {
    "text": "x",
    "name": "f",
    "enum": "e",
    "name_or_text": "pp-46-2011",
    "node": _BOOK.ast,
    "*rulebook": None,
    "*inputs": None,
    "*origin": None,
}


@pytest.mark.parametrize(("label", "function", "params"), list(_surface()), ids=lambda v: "")
def test_every_public_function_refuses_wrong_types(
    label: str, function: Callable[..., Any], params: list[str]
) -> None:
    for param in params:
        for wrong in _WRONG:
            if wrong is None and param.startswith("*"):
                continue  # None is the documented default of every keyword-only parameter
            if isinstance(wrong, dict) and param == "*inputs":
                continue  # a mapping is the right type
            values = {p: (wrong if p == param else _VALID.get(p, "x")) for p in params}
            args = [v for p, v in values.items() if not p.startswith("*")]
            kwargs = {p[1:]: v for p, v in values.items() if p.startswith("*")}
            error: BaseException | None = None
            try:
                function(*args, **kwargs)
            except Exception as exc:
                error = exc
            assert error is None or (
                isinstance(error, KinerjaError) and type(error) is not KinerjaError
            ), f"{label}({param}={wrong!r}) raised {type(error).__name__}: {error}"


# ------------------------------------------------------------ a rulebook file that never ends


def test_check_of_a_link_to_an_endless_device_reads_a_bounded_amount(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The reproducer: `kinerja check` on a link to /dev/zero ended in a MemoryError.
    import builtins
    import os

    from kinerja_engine.__main__ import main

    if not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    link = tmp_path / "nol.kinerja"
    link.symlink_to("/dev/zero")
    asked: list[int] = []
    real_open = builtins.open

    class Counted:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Counted:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def read(self, size: int = -1) -> Any:
            asked.append(size)
            return self.handle.read(size)

    def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, *args, **kwargs)
        return Counted(handle) if str(file) == str(link) else handle

    monkeypatch.setattr(builtins, "open", counting_open)
    assert main(["check", str(link)]) == 2
    assert "longer than" in capsys.readouterr().err
    assert asked and all(0 < size <= MAX_RULEBOOK_LENGTH + 1 for size in asked)
