"""The formula language's promises (issue: the formula language): exactness, the legacy
two-branch formula, checker diagnostics, limits and the public API."""

from decimal import Decimal
from fractions import Fraction

import pytest

from kinerja_engine import (
    BindingError,
    CheckError,
    EvaluationError,
    Formula,
    KinerjaError,
    KinerjaSyntaxError,
    LimitError,
    Rulebook,
    UsageError,
)


@pytest.mark.parametrize(
    "text",
    [
        "57 / 100 * 100 >= 57",
        "1 / 3 * 3 == 1",
        "0.1 + 0.2 == 0.3",
        "100 - 9.12 / 12 * 100 <= 24",
        "120% == 1.2",
        "round(2.675, 2) == 2.68",
        "round(3.125, 2) == 3.13",
        "round(-2.5, 0) == -3",
        "2 / 3 + 1 / 3 == 1",
    ],
    ids=lambda t: t,
)
def test_exactness(text: str) -> None:
    # docs/language.md §5: band and branch decisions are made on exact values.
    assert Formula.parse(text).evaluate() is True


def test_public_api_example() -> None:
    f = Formula.parse("cap(realisasi / target, 120%) * 100")
    assert f.evaluate(realisasi=95, target=100) == Decimal("95")
    assert f.names == frozenset({"realisasi", "target"})
    assert Formula.parse(str(f)) == f
    assert f.evaluate(realisasi="95.5", target=Decimal(100)) == Decimal("95.5")
    assert f.evaluate(realisasi=0.1, target=1) == Decimal("10")  # float via shortest repr


def test_legacy_time_formula_as_rulebook(pp_46_2011: Rulebook) -> None:
    # Perka BKN 1/2013: R = T gives 76; 5 days done in 4 gives 96;
    # activity 100/90/76/76 gives 85.50; efisiensi exactly 24 % takes the first branch.
    book = pp_46_2011
    assert book.evaluate("nilai_efisiensi", t=5, r=5) == Decimal(76)
    assert book.evaluate("nilai_efisiensi", t=5, r=4) == Decimal(96)
    assert book.evaluate("nilai_kegiatan_biaya", kuan=100, kual=90, waktu=76, biaya=76) == Decimal(
        "85.50"
    )
    assert book.evaluate("efisiensi", t=12, r="9.12") == 24
    assert book.evaluate("nilai_efisiensi", t=12, r="9.12") == Decimal(100)
    just_over = book.evaluate("nilai_efisiensi", t=12, r="9.11")  # efisiensi 24.08 %
    assert isinstance(just_over, Decimal)
    assert just_over < 76
    # With binary floats 100 - 9.12/12*100 is 24.000000000000004 and picks the wrong branch.
    assert 100 - 9.12 / 12 * 100 > 24


def test_division_by_zero_names_the_subexpression() -> None:
    f = Formula.parse("realisasi / target * 100")
    with pytest.raises(EvaluationError) as info:
        f.evaluate(realisasi=5, target=0)
    assert "realisasi / target" in info.value.message
    assert (info.value.line, info.value.column) == (1, 1)


def test_if_is_lazy() -> None:
    f = Formula.parse("if target == 0 then 0 else realisasi / target")
    assert f.evaluate(realisasi=5, target=0) == 0


BAD_BOOK = """rulebook "bad" version "1"
enum rating { di_atas, sesuai, di_bawah }
band with_gap(x) { [0, 50) -> 1, [60, inf) -> 2, (-inf, 0) -> 0 }
band with_overlap(x in [0, 100]) { [0, 50] -> 1, [50, 100] -> 2 }
matrix incomplete(a: rating, b: rating) { di_atas, _ -> 1, sesuai, _ -> 2 }
def f(x) = g(x) + 1
def g(y) = f(y)
def h(target) = targt * 2
const k = rating.di_atas == 3
"""


def test_checker_reports_everything_at_once() -> None:
    with pytest.raises(CheckError) as info:
        Rulebook.parse(BAD_BOOK)
    diags = info.value.diagnostics
    messages = [d.message for d in diags]
    expected = [
        ("gap in band table 'with_gap'", 3),
        ("overlap in band table 'with_overlap'", 4),
        ("matrix 'incomplete' is incomplete", 5),
        ("recursive definition: f → g → f", 6),
        ("unknown name 'targt'", 8),
        ("cannot compare a label of rating with a number", 9),
    ]
    assert len(diags) == len(expected), messages
    for (start, line), diag in zip(expected, diags, strict=True):
        assert diag.message.startswith(start)
        assert diag.span is not None
        assert diag.span.line == line
    assert diags[4].hint == "did you mean 'target'?"
    rendered = info.value.render("bad.kinerja")
    assert "bad.kinerja:8:17: error: unknown name 'targt'" in rendered


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("(" * 10_000 + "1" + ")" * 10_000, LimitError),
        ("1 + " * 300_000 + "1", LimitError),
        ("9 ^ 9 ^ 9", KinerjaSyntaxError),
        ("-" * 150 + "1", LimitError),
        ("__import__('os')", KinerjaSyntaxError),
        ("x.__class__", KinerjaSyntaxError),
        ("1" * 100, LimitError),
    ],
    ids=["10k-parens", "1MB", "power-bomb", "deep-unary", "dunder", "attribute", "long-literal"],
)
def test_limits_and_bombs(text: str, kind: type[KinerjaError]) -> None:
    with pytest.raises(kind):
        Formula.parse(text)


def test_syntax_error_has_position_and_words() -> None:
    with pytest.raises(KinerjaSyntaxError) as info:
        Formula.parse("realisasi / target *")
    err = info.value
    assert (err.line, err.column) == (1, 21)
    assert "ends too early" in err.message
    assert "a number" in err.message
    assert err.snippet().endswith("^")


def test_bindings_are_checked() -> None:
    f = Formula.parse("r / t")
    with pytest.raises(BindingError, match="missing input 't'"):
        f.evaluate(r=1)
    with pytest.raises(BindingError, match="did you mean 't'"):
        f.evaluate(r=1, t=2, tt=3)
    for bad in ("NaN", float("inf"), "abc", True, None):
        with pytest.raises(BindingError):
            f.evaluate(r=bad, t=1)


def test_unknown_definition(pp_46_2011: Rulebook) -> None:
    book = pp_46_2011
    with pytest.raises(UsageError, match="did you mean 'predikat'"):
        book.evaluate("predikatt", nilai=1)


def test_exact_results_and_labels(pp_46_2011: Rulebook) -> None:
    assert Formula.parse("1 / 3").evaluate_exact() == Fraction(1, 3)
    book = pp_46_2011
    label = book.evaluate("predikat", nilai="90.5")
    assert str(label) == "Baik"
    assert book.label("sebutan", "SANGAT_BAIK").name == "sangat_baik"
    with pytest.raises(BindingError, match="not a sebutan"):
        book.label("sebutan", "istimewa")


def test_rulebook_round_trip(pp_46_2011: Rulebook) -> None:
    book = pp_46_2011
    again = Rulebook.parse(str(book))
    assert again == book
    assert str(again) == str(book)


def test_round_places_may_be_a_policy_parameter() -> None:
    book = Rulebook.parse('rulebook "r" param tempat = 2  def bulat(x) = round(x, tempat)')
    assert book.evaluate("bulat", x="2.675") == Decimal("2.68")
    assert book.with_params(tempat=1).evaluate("bulat", x="2.675") == Decimal("2.7")
    with pytest.raises(CheckError, match="known before evaluation"):
        Rulebook.parse('rulebook "r" def bulat(x, n) = round(x, n)')


@pytest.mark.parametrize(
    "text",
    ["round(514, abs()) <= 0", "round(1, between(1))", "round(1, [1] < true)", "round(1, -[])"],
)
def test_round_places_with_ill_typed_argument_is_a_check_error(text: str) -> None:
    # Found by the 1,000,000-input fuzz run: the checker folded the places argument even when
    # it was ill-typed and crashed inside a builtin (an internal error, not a CheckError).
    with pytest.raises(CheckError):
        Formula.parse(text)


def test_the_fold_memo_is_not_fooled_by_a_reused_node_id() -> None:
    """One code generator folding a stream of short-lived ASTs: CPython reuses a freed node's
    id at once, and a memo keyed by bare ids would return the previous formula's constant."""
    from kinerja_engine.language.codegen import CodeGen
    from kinerja_engine.language.parser import parse_formula

    gen = CodeGen(None, "")
    folded = [gen.fold(parse_formula(f"{k} + 1"), {}) for k in range(50)]
    assert folded == [k + 1 for k in range(50)]
