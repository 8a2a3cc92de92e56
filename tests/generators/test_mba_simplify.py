"""The SiMBA-style simplifier: known answers, and equivalence plus no growth on random inputs."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axiomforge.generators.mba.certify import certify
from axiomforge.generators.mba.expr import Binary, Expr, Identity, Unary, Var, size, sum_of
from axiomforge.generators.mba.parse import parse_expression
from axiomforge.generators.mba.printing import to_c
from axiomforge.generators.mba.simplify import bitwise_formula, simplify, simplify_certified, simplify_parts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(x ^ y) + 2*(x & y)", "x + y"),
        ("x + ~y + 1", "x - y"),
        ("(x | y) - (x & y)", "x ^ y"),
        ("(x & y) + (x & ~y)", "x"),
        ("-x - 1", "~x"),
        ("x - x", "0"),
        ("5*(x & ~y) + 5*(~x & y)", "5*(x ^ y)"),
        ("(x ^ y) + 2*(x & y) - ~z", "x + y + z + 1"),
    ],
)
def test_known_simplifications(text: str, expected: str) -> None:
    assert to_c(simplify(parse_expression(text), 64)) == expected


def test_coefficients_reduce_modulo_the_width() -> None:
    assert to_c(simplify(parse_expression("257*x + 3"), 8)) == "x + 3"
    assert to_c(simplify(parse_expression("255*x"), 8)) == "-x"
    assert to_c(simplify(parse_expression("255*x"), None)) == "255*x"


def test_non_linear_expressions_are_simplified_part_by_part() -> None:
    e = parse_expression("((x ^ y) + 2*(x & y))*(x + ~y + 1)")
    assert to_c(simplify_parts(e, 64)) == "(x + y)*(x - y)"
    assert to_c(simplify(e, 64)) == "x*x - y*y"  # the expanded normal form: as small, shorter text


@pytest.mark.parametrize(
    ("text", "expected", "method"),
    [
        # polynomial: products of bitwise functions expand to x*y in the conjunction basis
        ("(x&y)*(x|y)+(x&~y)*(~x&y)-41", "x*y - 41", "polynomial-normal-form"),
        # non-polynomial: a linear MBA equal to `a` inside bitwise operators is seen through
        ("((2*(a&b)+(a^b)-b)&y)*((2*(a&b)+(a^b)-b)|y)+((2*(a&b)+(a^b)-b)&~y)*(~(2*(a&b)+(a^b)-b)&y)",
         "y*a", "layered-normal-form"),  # variables in the canonical order x, y, z, a, ...
        # an arithmetic operand (y - 1) and its complement ~(y - 1) == -y share one opaque variable
        ("(x&~(y-1))*(x|~(y-1))+(x&~(~(y-1)))*(~x&~(y-1))", "-(x*y)", "layered-normal-form"),
        ("((x*y) ^ 5) + 2*((x*y) & 5)", "x*y + 5", "layered-normal-form"),
        # an arithmetic operand kept whole when that is smaller than expanding it
        ("((a+b)&y)*((a+b)|y)+((a+b)&~y)*(~(a+b)&y)", "y*(a + b)", "layered-normal-form"),
        # a product of bitwise functions of disjoint variables, found again after expansion (rank 1)
        ("(a|b)*(x^y) + 3*(a|b)*(x&y)", "(x + y + (x & y))*(a | b)", "polynomial-normal-form"),
        # a constant absorbed by complementing a term: x + 1 == -~x
        ("3*x + (x & y) + 1", "3*x - ~(x & y)", "signature"),
    ],
)
def test_gamba_class_simplification(text: str, expected: str, method: str) -> None:
    result = simplify_certified(parse_expression(text), 64)
    assert (to_c(result.expression), result.method) == (expected, method)


def test_nothing_smaller_leaves_the_input_unchanged() -> None:
    result = simplify_certified(parse_expression("x*y"), 64)
    assert (to_c(result.expression), result.method) == ("x*y", "unchanged")


def test_a_size_limit_returns_the_input_with_the_limit_named() -> None:
    big = "((a^b^c^d^e^f^g^h)*(a^b^c^d^e^f))*((a^b^c^d^e^f^g^h)*(a^b^c^d^e^f))"
    result = simplify_certified(parse_expression(big), 64)
    assert result.method == "unchanged" and result.limit is not None and "exceeds" in result.limit


def test_every_truth_table_of_three_variables_gets_a_formula() -> None:
    names = ("x", "y", "z")
    from axiomforge.generators.mba.normal_form import truth_table

    for table in range(1, 255):
        formula = bitwise_formula(table, names)
        assert formula is not None and truth_table(formula, names) == table


def _random_linear(rng: random.Random, names: tuple[str, ...]) -> Expr:
    def atom(depth: int) -> Expr:
        if depth == 0 or rng.random() < 0.4:
            e: Expr = Var(rng.choice(names))
        else:
            e = Binary(rng.choice(["&", "|", "^"]), atom(depth - 1), atom(depth - 1))  # type: ignore[arg-type]
        return Unary("~", e) if rng.random() < 0.2 else e

    return sum_of([(rng.randint(-9, 9), atom(3)) for _ in range(rng.randint(1, 6))], rng.randint(-5, 5))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 5), st.sampled_from([8, 64, None]))
def test_simplified_expressions_are_equivalent_and_no_larger(seed: int, count: int, width: int | None) -> None:
    e = _random_linear(random.Random(seed), ("x", "y", "z", "a", "b")[:count])
    result = simplify(e, width)
    assert size(result) <= size(e)
    assert certify(Identity(e, result), width).status == "true"


def test_wide_bitwise_inputs_come_back_without_deep_trees() -> None:
    # a^b^...^i over 12 variables is 4,095 conjunctions: not written back (it could not be smaller)
    wide = parse_expression("^".join("xyzabcdefghi"))
    result = simplify_certified(wide, 64)
    assert result.expression == wide and result.method == "unchanged"
