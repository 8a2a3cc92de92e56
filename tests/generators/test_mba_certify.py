"""Certification: the signature theorem against exhaustive evaluation, each method, counterexamples."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axiomforge.generators.mba.certify import certify, confirms_counterexample
from axiomforge.generators.mba.evaluate import exhaustive_counterexample
from axiomforge.generators.mba.expr import Binary, Expr, Identity, Unary, Var, sum_of
from axiomforge.generators.mba.normal_form import (
    all_variables,
    conjunction_coefficients,
    identity_class,
    signature,
    signature_by_evaluation,
    truth_table,
)
from axiomforge.generators.mba.parse import parse_identity
from axiomforge.generators.mba.simplify import simplify_linear
from axiomforge.generators.mba.smt import prove_with

NAMES = ("x", "y", "z")


@st.composite
def bitwise(draw: st.DrawFn, names: tuple[str, ...], depth: int = 2) -> Expr:
    if depth == 0 or draw(st.booleans()):
        e: Expr = Var(draw(st.sampled_from(names)))
    else:
        op = draw(st.sampled_from(["&", "|", "^"]))
        e = Binary(op, draw(bitwise(names, depth - 1)), draw(bitwise(names, depth - 1)))
    return Unary("~", e) if draw(st.integers(0, 4)) == 0 else e


@st.composite
def linear(draw: st.DrawFn, names: tuple[str, ...]) -> Expr:
    terms = draw(st.lists(st.tuples(st.integers(-300, 300), bitwise(names)), min_size=1, max_size=4))
    return sum_of(terms, draw(st.integers(-20, 20)))


def _random_bitwise(rng: random.Random, names: tuple[str, ...], depth: int = 2) -> Expr:
    if depth == 0 or rng.random() < 0.4:
        e: Expr = Var(rng.choice(names))
    else:
        op = rng.choice(["&", "|", "^"])
        e = Binary(op, _random_bitwise(rng, names, depth - 1), _random_bitwise(rng, names, depth - 1))  # type: ignore[arg-type]
    return Unary("~", e) if rng.random() < 0.2 else e


def _random_linear(rng: random.Random, names: tuple[str, ...]) -> Expr:
    terms = [(rng.randint(-300, 300), _random_bitwise(rng, names)) for _ in range(rng.randint(1, 4))]
    return sum_of(terms, rng.randint(-20, 20))


@st.composite
def linear_identities(draw: st.DrawFn) -> tuple[Identity, int]:
    """A random linear identity and a width 1-8 (2^(width * variables) <= 65536).

    Hypothesis draws only a seed and the shape, which keeps thousands of examples cheap; the
    expression itself comes from a seeded generator."""
    count = draw(st.integers(1, 3))
    width = draw(st.integers(1, 8 if count < 3 else 5))
    how = draw(st.integers(0, 3))
    rng = random.Random(draw(st.integers(0, 2**32)))
    names = NAMES[:count]
    lhs = _random_linear(rng, names)
    if how == 0:  # true by the simplifier
        rhs = simplify_linear(lhs, width)
    elif how == 1:  # a near miss
        rhs = Binary("+", simplify_linear(lhs, width), Binary("*", Binary("&", Var(names[0]), Var(names[-1])),
                                                                 sum_of([], rng.randint(1, 3))))
    elif how == 2:
        rhs = _random_linear(rng, names)
    else:  # equal up to a multiple of 2^width in one coefficient: true at this width only
        rhs = Binary("+", lhs, Binary("*", sum_of([], 1 << width), _random_bitwise(rng, names)))
    return Identity(lhs, rhs), width


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linear_identities())
def test_signature_certifier_agrees_with_exhaustive_evaluation(case: tuple[Identity, int]) -> None:
    identity, width = case
    assert identity_class(identity) == "linear"
    verdict = certify(identity, width)
    cex = exhaustive_counterexample(identity, all_variables(identity), width)
    assert verdict.method == "signature"
    assert verdict.status == ("true" if cex is None else "false")
    if verdict.status == "false":
        assert verdict.counterexample is not None
        assert confirms_counterexample(identity, verdict.counterexample, width)


@settings(max_examples=300, deadline=None)
@given(linear(NAMES))
def test_two_routes_to_the_signature_agree(e: Expr) -> None:
    assert signature(e, NAMES) == signature_by_evaluation(e, NAMES)


@pytest.mark.parametrize(
    "text",
    ["x + y == (x ^ y) + 2*(x & y)", "x + y == (x | y) + (x & y)", "x - y == x + ~y + 1",
     "x ^ y == (x | y) - (x & y)", "-x == ~x + 1", "x == (x & y) + (x & ~y)"],
)
def test_classic_identities_hold_at_every_width(text: str) -> None:
    verdict = certify(parse_identity(text), None)
    assert (verdict.status, verdict.method) == ("true", "signature")


def test_a_false_linear_claim_at_symbolic_width_fails_at_the_smallest_width() -> None:
    identity = parse_identity("x + y == (x ^ y) + 4*(x & y)")  # off by 2*(x & y): fine at width 1 only
    verdict = certify(identity, None)
    assert verdict.status == "false" and verdict.counterexample_width == 2
    assert certify(identity, 1).status == "true"


def test_polynomial_normal_form_and_its_limits() -> None:
    proved = certify(parse_identity("(x & y)*(x | y) + (x & ~y)*(~x & y) == x*y"), 64)
    assert (proved.status, proved.method) == ("true", "polynomial-normal-form")
    # True (x*(x+1) is even) but not by the normal form, and too wide to sweep: uncertified, never true.
    hard = parse_identity("x*(x + 1)*0x8000000000000000 == 0")
    assert certify(hard, 64).status == "uncertified"
    small = certify(parse_identity("x*(x + 1)*128 == 0"), 8)
    assert (small.status, small.method) == ("true", "exhaustive")
    wrong = certify(parse_identity("x*(x + 1)*128 == 0"), None)
    assert wrong.status == "false" and wrong.counterexample_width == 16


def test_abstraction_certifies_arithmetic_inside_bitwise_operators() -> None:
    verdict = certify(parse_identity("((x*y) ^ 5) + 2*((x*y) & 5) == x*y + 5"), 64)
    assert (verdict.status, verdict.method) == ("true", "layered-normal-form")
    assert verdict.certificate["opaque_terms"] == 2  # x*y and 5 (not a bitwise function) are abstracted
    false = certify(parse_identity("((x*y) ^ 5) + 2*((x*y) & 5) == x*y + 6"), 64)
    assert false.status == "false" and false.counterexample is not None


def test_smt_backends_prove_and_refute() -> None:
    for solver in ("z3", "bitwuzla"):
        assert prove_with(solver, parse_identity("x + y == (x ^ y) + 2*(x & y)"), 16, 5.0).status == "proved"
        refuted = prove_with(solver, parse_identity("x + y == x | y"), 16, 5.0)
        assert refuted.status == "refuted"
        assert confirms_counterexample(parse_identity("x + y == x | y"), dict(refuted.counterexample), 16)


def test_smt_is_used_only_when_asked() -> None:
    identity = parse_identity("x*y*(x ^ y) + 1 == y*x*((x | y) - (x & y)) + 1")
    assert certify(identity, 64).status in ("true", "uncertified")
    verdict = certify(identity, 12, smt_timeout_s=5.0)
    assert verdict.status == "true"


def test_conjunction_basis_is_the_moebius_transform() -> None:
    table = truth_table(parse_identity("x | y == x").lhs, ("x", "y"))
    assert conjunction_coefficients(table, 2) == {1: 1, 2: 1, 3: -1}  # x | y = x + y - (x & y)


@pytest.mark.parametrize("width", [64, 8, None])
def test_linear_identities_over_many_variables_are_decided_without_a_2_to_the_t_vector(width: int | None) -> None:
    names = [f"v{i}" for i in range(24)]
    lhs = " + ".join(f"(({n} ^ {m}) + 2*({n} & {m}))" for n, m in zip(names, names[1:], strict=False))
    rhs = " + ".join(f"{n} + {m}" for n, m in zip(names, names[1:], strict=False))
    proved = certify(parse_identity(f"{lhs} == {rhs}"), width)
    assert (proved.status, proved.method) == ("true", "layered-normal-form")
    for wrong in (f"{lhs} == {rhs} + 1", f"{lhs} + 4*(v3 & v7 & ~v9) == {rhs}"):
        identity = parse_identity(wrong)
        verdict = certify(identity, width)
        assert verdict.status == "false" and verdict.counterexample is not None
        assert confirms_counterexample(identity, verdict.counterexample, verdict.counterexample_width or 64)
    if width is None:  # 4*(...) is zero at widths 1 and 2: the counterexample is at the smallest width, 3
        assert certify(parse_identity(f"{lhs} + 4*(v3 & v7 & ~v9) == {rhs}"), None).counterexample_width == 3


def test_smt_is_skipped_for_multiplier_circuits_above_8_bits() -> None:
    hard = parse_identity("x*(x + 1)*0x8000000000000000 == 0")  # true, beyond the normal forms
    verdict = certify(hard, 64, smt_timeout_s=5.0)
    assert verdict.status == "uncertified" and "smt-skipped" in verdict.tried
    assert "z3" not in verdict.tried
    from axiomforge.generators.mba.certify import multiplies_variables
    from axiomforge.generators.mba.parse import parse_expression

    assert multiplies_variables(parse_expression("3*(x & y) + (x + 1)*(2 - 2)*y"))
    assert not multiplies_variables(parse_expression("3*(x & y) + 5*((x + 1) | y)*2"))
