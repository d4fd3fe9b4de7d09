"""The public satisfaction index (IKM) scored from a survey's answer table.

The method is PermenPANRB 14/2017 (Pedoman Penyusunan Survei Kepuasan Masyarakat), Lampiran: the
NRR of an element is the mean of its answers (1-4) over the respondents who answered it, the
index is Σ NRR × bobot with equal weights summing to 1, the converted index is × 25, and the
quality band (mutu A-D) is read on the converted scale (domain §5). The regulation's own printed
tables could not be consulted here: the example tables below are written out by hand, in the
three- and two-element form (weights 0.33 and 0.5) that circulates in practice, and every
expected number is computed by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_engine import ModelError, UsageError, rulebooks
from kinerja_engine.scoring.survey import score_survey

IKM17 = rulebooks.load("ikm-2017")
IKM04 = rulebooks.load("ikm-2004")

# Three elements, 20 respondents. Column sums: U1 74, U2 76 (with row 17's "5"), U3 60.
THREE = [
    [4, 4, 3], [4, 4, 3], [3, 4, 3], [3, 4, 3], [4, 4, 3], [4, 3, 4], [3, 4, 4], [4, 4, 3],
    [4, 4, 2], [4, 3, 3], [4, 4, 2], [3, 4, 3], [4, 4, 3], [4, 4, 3], [3, 4, 3], [4, 3, 3],
    [3, 5, 3], [4, 2, 3], [4, 4, 3], [4, 4, 3],
]  # fmt: skip
# Two elements, 20 respondents: column sums 74 and 72.
TWO_A = [
    [4, 4], [4, 3], [4, 3], [3, 4], [4, 4], [4, 3], [4, 4], [4, 4], [4, 4], [3, 4],
    [3, 4], [3, 3], [3, 3], [3, 3], [4, 4], [4, 4], [4, 3], [4, 3], [4, 4], [4, 4],
]  # fmt: skip
# Two elements, 20 respondents: column sums 65 and 71.
TWO_B = [
    [4, 4], [3, 4], [4, 4], [4, 4], [3, 4], [3, 2], [3, 4], [3, 4], [3, 4], [3, 3],
    [3, 4], [3, 4], [3, 3], [3, 3], [4, 4], [4, 4], [2, 2], [2, 2], [4, 4], [4, 4],
]  # fmt: skip


def _fixed_three() -> list[list[int]]:
    table = [list(r) for r in THREE]
    table[16][1] = 4  # the out-of-scale answer corrected: U2 sums to 75
    return table


def test_all_answers_4_is_100_and_a() -> None:
    # Domain §5: all answers 4 → NRR 4 per element → index 4 → converted 100 → A (Sangat Baik).
    result = score_survey([[4] * 9] * 30)
    assert (result.index, result.converted) == (Fraction(4), Fraction(100))
    assert (result.mutu.name, result.mutu.text) == ("a", "Sangat Baik")
    assert result.respondents == 30
    assert [e.weight for e in result.elements] == [Fraction(1, 9)] * 9
    assert [e.element for e in result.elements] == [f"U{i}" for i in range(1, 10)]


def test_two_element_sub_index_weighted_half_each() -> None:
    # NRR 74 / 20 = 3.70 and 72 / 20 = 3.60; × 0.5 each: 1.85 + 1.80 = 3.65; × 25 = 91.25 → A.
    result = score_survey(TWO_A, weights=["0.5", "0.5"])
    assert [e.nrr for e in result.elements] == [Fraction(37, 10), Fraction(18, 5)]
    assert [e.weighted for e in result.elements] == [Fraction(37, 20), Fraction(9, 5)]
    assert result.index == Fraction(73, 20)
    assert result.converted == Fraction(365, 4)  # 91.25
    assert result.mutu.name == "a"
    # Equal weights by default give the same for two elements.
    assert score_survey(TWO_A).converted == Fraction(365, 4)


def test_second_two_element_sub_index_is_b() -> None:
    # NRR 65 / 20 = 3.25 and 71 / 20 = 3.55; (3.25 + 3.55) / 2 = 3.40; × 25 = 85.00 → B.
    result = score_survey(TWO_B, weights={"U1": Fraction(1, 2), "U2": Fraction(1, 2)})
    assert [e.total for e in result.elements] == [65, 71]
    assert [e.answered for e in result.elements] == [20, 20]
    assert (result.index, result.converted) == (Fraction(17, 5), Fraction(85))
    assert result.mutu.name == "b"


def test_three_element_table_with_an_answer_5_is_refused_naming_the_cell() -> None:
    # Row 17 answers 5 for the second element: not on the 1-4 scale (domain §5).
    with pytest.raises(ModelError) as info:
        score_survey(THREE)
    assert info.value.field == "answers[16][1]"
    assert "row 17" in info.value.message and "'U2'" in info.value.message


def test_three_element_weights_of_0_33_do_not_sum_to_1() -> None:
    # 3 × 0.33 = 0.99: the index would be 0.99 × the mean NRR, so the weights are refused;
    # thirds are written exactly.
    with pytest.raises(ModelError) as info:
        score_survey(_fixed_three(), weights=["0.33", "0.33", "0.33"])
    assert info.value.field == "weights"
    assert "0.99" in info.value.message


def test_three_element_index_with_exact_thirds() -> None:
    # NRR 74 / 20 = 3.7, 75 / 20 = 3.75, 60 / 20 = 3; index (3.7 + 3.75 + 3) / 3 = 10.45 / 3
    # = 209 / 60 = 3.48333…; × 25 = 1045 / 12 = 87.0833… → B (76.61 ≤ x < 88.31).
    result = score_survey(_fixed_three(), weights=["1/3", "1/3", "1/3"])
    assert [e.nrr for e in result.elements] == [Fraction(37, 10), Fraction(15, 4), Fraction(3)]
    assert result.index == Fraction(209, 60)
    assert result.converted == Fraction(1045, 12)
    assert result.mutu.name == "b"
    assert score_survey(_fixed_three()) == result  # equal weights are the default
    # An office that rounds the converted index to two decimals first: 87.08, still B.
    rounded = score_survey(_fixed_three(), IKM17.with_params(satuan_pembulatan_konversi="0.01"))
    assert rounded.converted == Fraction(8708, 100)


def test_declared_unequal_weights_and_blank_answers() -> None:
    # Element "waktu" weighs 3/4, "biaya" 1/4. Respondent 3 left "biaya" blank, so its NRR is
    # over 2 answers: (2 + 4) / 2 = 3; waktu (4 + 4 + 1) / 3 = 3. Index 3 × 3/4 + 3 × 1/4 = 3;
    # × 25 = 75 → C (65 ≤ x < 76.61).
    table: list[list[Any]] = [[4, 2], [4, 4], [1, None]]
    result = score_survey(
        table, elements=["waktu", "biaya"], weights={"waktu": "3/4", "biaya": Decimal("0.25")}
    )
    assert result.element("biaya").answered == 2
    assert (result.element("waktu").nrr, result.element("biaya").nrr) == (Fraction(3), Fraction(3))
    assert (result.index, result.converted, result.mutu.name) == (Fraction(3), Fraction(75), "c")
    assert result.explain("id").splitlines()[-1] == "IKM 3 × 25 = 75: Kurang Baik"


def test_the_2004_method_grades_the_same_answers_differently() -> None:
    # Every element answered 4, 3, 4, 3, 3: NRR 3.4 → 85. KepMenPAN 25/2004: A (81.26-100);
    # PermenPANRB 14/2017: B (76.61-88.30).
    answers = [[4], [3], [4], [3], [3]]
    old = score_survey([row * 14 for row in answers], IKM04)
    new = score_survey([row * 9 for row in answers], "ikm-2017")
    assert (old.converted, old.mutu.name, old.rulebook) == (Fraction(85), "a", "ikm-2004")
    assert (new.converted, new.mutu.name, new.rulebook) == (Fraction(85), "b", "ikm-2017")


@pytest.mark.parametrize(
    ("table", "field", "words"),
    [
        pytest.param([[4, 0]], "answers[0][1]", "row 1", id="zero"),
        pytest.param([[4, 4], [4, "4.5"]], "answers[1][1]", "row 2", id="half"),
        pytest.param([[4, 4], [4.0, 4]], "answers[1][0]", "'U1'", id="float"),
        pytest.param([[True, 4]], "answers[0][0]", "'U1'", id="bool"),
        pytest.param([[4, "baik"]], "answers[0][1]", "'U2'", id="text"),
        pytest.param([[4, "NaN"]], "answers[0][1]", "'U2'", id="nan"),
        pytest.param([], "answers", "empty", id="no-respondents"),
        pytest.param([[]], "answers", "empty", id="no-elements"),
        pytest.param([[4, 4], [4]], "answers[1]", "row 2", id="ragged"),
        pytest.param([[4, None], [3, None]], "answers[*][1]", "'U2'", id="never-answered"),
    ],
)
def test_bad_tables_name_the_row_and_element(table: Any, field: str, words: str) -> None:
    with pytest.raises(ModelError) as info:
        score_survey(table)
    assert info.value.field == field
    assert words in info.value.message


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        pytest.param(["0.5", "0.6"], "weights", id="sum-1.1"),
        pytest.param(["1"], "weights", id="too-few"),
        pytest.param([0.5, 0.5], "weights.U1", id="float"),
        pytest.param(["-1", "2"], "weights.U1", id="negative"),
        pytest.param({"U1": 1}, "weights", id="mapping-missing"),
        pytest.param({"U1": "1/2", "U2": "1/2", "U3": 0}, "weights", id="mapping-unknown"),
    ],
)
def test_bad_weights_are_refused(weights: Any, field: str) -> None:
    with pytest.raises(ModelError) as info:
        score_survey(TWO_A, weights=weights)
    assert info.value.field == field


def test_element_names_must_fit_the_columns_and_the_rulebook_must_score_surveys() -> None:
    with pytest.raises(ModelError):
        score_survey(TWO_A, elements=["a"])
    with pytest.raises(ModelError):
        score_survey(TWO_A, elements=["a", "a"])
    with pytest.raises(UsageError):
        score_survey(TWO_A, "permenpanrb-6-2022")
    with pytest.raises(UsageError):
        score_survey(TWO_A).element("U9")


def test_the_rulebook_itself_refuses_weights_not_summing_to_1() -> None:
    # The check lives in the rulebook too (band jumlah_bobot_sah), not only in Python.
    with pytest.raises(Exception, match="jumlah_bobot_sah"):
        IKM17.evaluate("ikm_tertimbang", nrr=["3.7", "3.6", "3"], bobot=["0.33", "0.33", "0.33"])


@given(
    st.integers(1, 6).flatmap(
        lambda k: st.lists(
            st.lists(st.integers(1, 4), min_size=k, max_size=k), min_size=1, max_size=12
        )
    )
)
def test_equal_weights_index_is_the_mean_of_the_element_means(table: list[list[int]]) -> None:
    result = score_survey(table)
    k, n = len(table[0]), len(table)
    means = [Fraction(sum(row[j] for row in table), n) for j in range(k)]
    assert [e.nrr for e in result.elements] == means
    assert result.index == sum(means, Fraction(0)) / k
    assert result.converted == result.index * 25
    assert 25 <= result.converted <= 100
    x = result.converted  # the 2017 bands as half-open rows (docs/rulebooks.md, ikm-2017)
    grade = (
        "d" if x < 65 else "c" if x < Fraction("76.61") else "b" if x < Fraction("88.31") else "a"
    )
    assert result.mutu.name == grade
