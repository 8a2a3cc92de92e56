"""pass@k: hand-computed cases and properties of the unbiased estimator."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axiomforge.bench.metrics import applicable_ks, group_pass_at_k, pass_at_k, pass_at_k_exact


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (1, 0, 1, Fraction(0)),
        (1, 1, 1, Fraction(1)),
        (10, 3, 1, Fraction(3, 10)),  # pass@1 = c/n
        (4, 1, 2, Fraction(1, 2)),  # 1 - C(3,2)/C(4,2) = 1 - 3/6
        (5, 2, 2, Fraction(7, 10)),  # 1 - C(3,2)/C(5,2) = 1 - 3/10
        (8, 1, 8, Fraction(1)),
        (8, 0, 8, Fraction(0)),
        (10, 2, 3, Fraction(8, 15)),  # 1 - C(8,3)/C(10,3) = 1 - 56/120
        (32, 4, 8, 1 - Fraction(3108105, 10518300)),  # C(28,8) = 3108105, C(32,8) = 10518300
    ],
)
def test_hand_computed_cases(n, c, k, expected):
    assert pass_at_k_exact(n, c, k) == expected


def test_large_n_is_exact_and_stable():
    # naive floats of C(1000, 500) overflow; the exact form does not
    assert 0.0 < pass_at_k(1000, 1, 500) == pytest.approx(0.5)
    assert pass_at_k(1000, 999, 1) == pytest.approx(0.999)


@pytest.mark.parametrize(("n", "c", "k"), [(3, 4, 1), (3, 1, 0), (3, 1, 4), (0, 0, 1)])
def test_invalid_arguments_raise(n, c, k):
    with pytest.raises(ValueError):
        pass_at_k_exact(n, c, k)


@given(st.integers(1, 80).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))))
def test_monotone_in_k_and_bounded(nc):
    n, c = nc
    values = [pass_at_k_exact(n, c, k) for k in range(1, n + 1)]
    assert all(0 <= v <= 1 for v in values)
    assert all(a <= b for a, b in zip(values, values[1:]))
    assert values[0] == Fraction(c, n)
    assert values[-1] == (1 if c else 0)


@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(1, n))))
def test_monotone_in_correct_count(nck):
    n, c, k = nck
    assert pass_at_k_exact(n, c, k) <= pass_at_k_exact(n, c + 1, k)


def test_group_average_and_applicable_ks():
    score = group_pass_at_k([(4, 1), (4, 0), (8, 8)], ks=(1, 2, 8))
    assert score.pass_at == {1: pytest.approx((0.25 + 0 + 1) / 3), 2: pytest.approx((0.5 + 0 + 1) / 3)}
    assert (score.tasks, score.samples, score.correct) == (3, 16, 9)
    assert applicable_ks([32, 40], (1, 8, 32, 64)) == [1, 8, 32]
    assert applicable_ks([], (1,)) == []
