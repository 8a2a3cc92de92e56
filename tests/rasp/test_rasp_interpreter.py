"""Reference semantics of the interpreter, example by example."""

from __future__ import annotations

from fractions import Fraction

import pytest

from axiomforge.rasp import api as rasp
from axiomforge.rasp.errors import RaspRuntimeError
from axiomforge.rasp.interpreter import evaluate


def test_select_uses_key_query_convention():
    # LT: key < query (tracr); a query selects the keys smaller than itself
    smaller = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT))
    assert evaluate(smaller, [3, 1, 2]) == [2, 0, 1]


def test_aggregate_default_and_single_selection():
    prev = rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Predicate(lambda k, q: k == q - 1)),
                          rasp.tokens)
    assert evaluate(prev, list("abc")) == [None, "a", "b"]


def test_map_does_not_call_functions_on_undefined():
    prev = rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Predicate(lambda k, q: k == q - 1)),
                          rasp.tokens)
    upper = rasp.Map(lambda s: s.upper(), prev)
    assert evaluate(upper, list("ab")) == [None, "A"]


def test_numerical_mean_is_exact():
    mean = rasp.numerical(rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.TRUE),
                                         rasp.numerical(rasp.tokens), default=0))
    assert evaluate(mean, [1, 2, 2]) == [Fraction(5, 3)] * 3


def test_categorical_mean_of_different_values_is_outside_the_domain():
    everything = rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.TRUE), rasp.tokens)
    assert evaluate(everything, ["a", "a"]) == ["a", "a"]
    with pytest.raises(RaspRuntimeError):
        evaluate(everything, ["a", "b"])


def test_max_min_sum_reductions():
    sel = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ)
    assert evaluate(rasp.Aggregate(sel, rasp.tokens, 0, reduction=rasp.Reduction.MAX), [2, 5, 1]) == [2, 5, 5]
    assert evaluate(rasp.Aggregate(sel, rasp.tokens, 0, reduction=rasp.Reduction.MIN), [2, 5, 1]) == [2, 2, 1]
    total = rasp.numerical(rasp.Aggregate(sel, rasp.numerical(rasp.tokens), 0, reduction=rasp.Reduction.SUM))
    assert evaluate(total, [2, 5, 1]) == [2, 7, 8]


def test_causal_mode_sees_only_the_prefix():
    everything = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE))
    assert evaluate(everything, list("abc"), causal=True) == [1, 2, 3]
    assert evaluate(rasp.length, list("abc"), causal=True) == [1, 2, 3]
    negated = rasp.SelectorWidth(~rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ))
    assert evaluate(negated, list("aba"), causal=True) == [0, 1, 1]


def test_undefined_values_are_never_selected():
    prev = rasp.Aggregate(rasp.Select(rasp.indices, rasp.indices, rasp.Predicate(lambda k, q: k == q - 1)),
                          rasp.tokens)
    width = rasp.SelectorWidth(rasp.Select(prev, prev, rasp.Comparison.TRUE))
    assert evaluate(width, list("abc")) == [0, 2, 2]
