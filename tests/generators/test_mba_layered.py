"""Soundness of the layered normal form, the certifier and the simplifier against plain evaluation.

Every verdict is compared with exhaustive evaluation at widths 1-6 and with random 64-bit
evaluation; perturbed identities must never be certified. Expressions mix arithmetic and bitwise
operators at every level (arithmetic inside bitwise operators, constants, `~` over sums), so
every path of the layered normal form is exercised: disguised bitwise functions, opaque
operands, complements of opaque operands, substitution back.
"""

from __future__ import annotations

import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axiomforge.generators.mba.certify import certify, confirms_counterexample
from axiomforge.generators.mba.evaluate import evaluate_array, exhaustive_counterexample
from axiomforge.generators.mba.expr import Binary, Const, Expr, Identity, Unary, Var, size
from axiomforge.generators.mba.layered import LimitReached, Limits, difference_is_zero
from axiomforge.generators.mba.normal_form import all_variables
from axiomforge.generators.mba.simplify import simplify_certified

NAMES = ("x", "y", "z")


def _random_expr(rng: random.Random, names: tuple[str, ...], depth: int) -> Expr:
    if depth == 0 or rng.random() < 0.25:
        return Var(rng.choice(names)) if rng.random() < 0.8 else Const(rng.choice([0, 1, 2, 3, 5, 255]))
    roll = rng.random()
    if roll < 0.15:
        return Unary(rng.choice(["~", "-"]), _random_expr(rng, names, depth - 1))  # type: ignore[arg-type]
    op = rng.choice(["+", "-", "*", "&", "|", "^", "&", "|", "^", "+"])
    return Binary(op, _random_expr(rng, names, depth - 1), _random_expr(rng, names, depth - 1))  # type: ignore[arg-type]


def _disguise(rng: random.Random, e: Expr, names: tuple[str, ...]) -> Expr:
    """`e` rewritten by identities that hold for all words (so the result is equal to `e`)."""
    b = _random_expr(rng, names, 1)
    rules = [
        lambda a: Binary("-", Binary("+", Binary("^", a, b), Binary("*", Const(2), Binary("&", a, b))), b),
        lambda a: Binary("+", Binary("&", a, b), Binary("&", a, Unary("~", b))),
        lambda a: Unary("-", Unary("~", Binary("-", a, Const(1)))),
        lambda a: Binary("-", Binary("+", Binary("|", a, b), Binary("&", a, b)), b),
    ]
    return rng.choice(rules)(e)


def _embed(rng: random.Random, e: Expr, names: tuple[str, ...]) -> Expr:
    """A random context around `e` (bitwise and arithmetic), with `e` disguised inside it."""
    inner = _disguise(rng, e, names)
    other = _random_expr(rng, names, 2)
    op = rng.choice(["&", "|", "^", "+", "*"])
    return Binary(op, inner, other)  # type: ignore[arg-type]


@st.composite
def cases(draw: st.DrawFn) -> tuple[Identity, int, int]:
    """(identity, width 1-6, seed): true ones by construction, perturbed ones, and random pairs."""
    count = draw(st.integers(1, 3))
    width = draw(st.integers(1, 6 if count < 3 else 4))
    seed = draw(st.integers(0, 2**32))
    rng = random.Random(seed)
    names = NAMES[:count]
    e = _random_expr(rng, names, 3)
    how = draw(st.integers(0, 3))
    context = _embed(rng, e, names)
    if how == 0:  # true at every width: the same context around e and around a disguise of e
        inner = context.left if isinstance(context, Binary) else e
        lhs, rhs = context, Binary(context.op, _disguise(rng, inner, names), context.right) \
            if isinstance(context, Binary) else context
    elif how == 1:  # perturbed: off by a constant or a bitwise term
        delta = rng.choice([Const(1), Const(2), Binary("&", Var(names[0]), Var(names[-1])), Unary("~", Const(0))])
        lhs, rhs = context, Binary("+", context, delta)
    elif how == 2:  # random pair (almost always false)
        lhs, rhs = context, _random_expr(rng, names, 3)
    else:  # true: e against its own disguise
        lhs, rhs = e, _disguise(rng, e, names)
    return Identity(lhs, rhs), width, seed


def _random_agreement(identity: Identity, points: int = 256) -> bool:
    rng = np.random.default_rng(0)
    names = all_variables(identity) or ("_",)
    env = {n: rng.integers(0, 2**64 - 1, size=points, dtype=np.uint64, endpoint=True) for n in names}
    with np.errstate(over="ignore"):
        return bool((evaluate_array(identity.lhs, env) == evaluate_array(identity.rhs, env)).all())


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_verdict_agrees_with_evaluation(case: tuple[Identity, int, int]) -> None:
    identity, width, seed = case
    names = all_variables(identity)
    cex = exhaustive_counterexample(identity, names, width)
    try:
        zero_here = difference_is_zero(identity.lhs, identity.rhs, width).is_zero
    except LimitReached:
        zero_here = False
    if zero_here:  # the layered normal form claims the identity at this width
        assert cex is None, f"unsound at width {width}: {cex}"
    verdict = certify(identity, width, seed=seed)
    if verdict.status == "true":
        assert cex is None
    elif verdict.status == "false":
        assert verdict.counterexample is not None and cex is not None
        assert confirms_counterexample(identity, verdict.counterexample, verdict.counterexample_width or width)
    # At 64 bits: a proof must agree with random evaluation, a refutation must be a real counterexample.
    wide = certify(identity, 64, seed=seed)
    if wide.status == "true":
        assert _random_agreement(identity)
    elif wide.status == "false":
        assert wide.counterexample is not None
        assert confirms_counterexample(identity, wide.counterexample, 64)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_perturbed_identities_are_never_certified(case: tuple[Identity, int, int]) -> None:
    identity, width, seed = case
    rng = random.Random(seed)
    names = all_variables(identity) or ("x",)
    delta = rng.choice([Const(1), Const(rng.randint(2, 9)), Var(rng.choice(names)),
                        Binary("*", Var(names[0]), Var(names[-1]))])
    perturbed = Identity(identity.lhs, Binary("+", identity.rhs, delta))
    cex = exhaustive_counterexample(perturbed, all_variables(perturbed), width)
    for at in (width, 64):
        verdict = certify(perturbed, at, seed=seed)
        if at == width and cex is not None:
            assert verdict.status != "true"
        if at == 64 and verdict.status == "true":
            assert _random_agreement(perturbed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_simplified_forms_are_equal_and_no_larger(case: tuple[Identity, int, int]) -> None:
    identity, width, _ = case
    for e in (identity.lhs, identity.rhs):
        for at in (width, 64):
            result = simplify_certified(e, at)
            assert size(result.expression) <= size(e)
            same = Identity(e, result.expression)
            if at == width:
                assert exhaustive_counterexample(same, all_variables(same), width) is None
            else:
                assert _random_agreement(same)


def test_limits_hold_during_the_computation() -> None:
    """A product whose size would pass the limit is refused before it is built."""
    tiny = Limits(max_terms=50, max_products=100)
    e = Binary("*", Binary("^", Binary("^", Var("a"), Var("b")), Binary("^", Var("c"), Var("d"))),
               Binary("^", Binary("^", Var("a"), Var("c")), Binary("^", Var("b"), Var("e"))))
    try:
        difference_is_zero(e, Const(0), 64, tiny)
    except LimitReached as limit:
        assert "term pairs" in str(limit)
    else:
        raise AssertionError("the limit did not hold")


def test_many_small_products_are_bounded_together() -> None:
    """3,000 factors: each product is small, but the degree and the total work are bounded."""
    from axiomforge.generators.mba.parse import parse_identity

    text = "*".join(["(x+y)"] * 3000)
    identity = parse_identity(f"{text} == {text} + 1")
    try:
        difference_is_zero(identity.lhs, identity.rhs, 64)
    except LimitReached as limit:
        assert "bitwise factors" in str(limit) or "together" in str(limit)
    else:
        raise AssertionError("the limit did not hold")
    assert certify(identity, 64).status == "false"
