"""Unit tests of the engine's stages: terms and order, finite model, rewriting, network, prover,
conjecturer, redundancy. The Peano and lists runs are in test_engine_peano / test_engine_lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from axiomforge.logic.conjecture import (
    ConjectureConfig,
    TermUniverse,
    canonical_statement,
    generate_candidates,
    statement_key,
)
from axiomforge.logic.engine import is_redundant
from axiomforge.logic.ir import App, Eq, Not, Quant, Var, formula_to_json, theory_to_json
from axiomforge.logic.models import FiniteModel, ModelConfig
from axiomforge.logic.network import Fact, HornRule, Network
from axiomforge.logic.parser import parse_formula, parse_theory_file
from axiomforge.logic.proof import Citation, ProofBuilder
from axiomforge.logic.prover import Knowledge, Law, Prover
from axiomforge.logic.rewrite import Rewriter, chain_proof
from axiomforge.logic.terms import Precedence, lpo_greater, match, substitute, variable_pools
from axiomforge.proofs.checker import check_document

ROOT = Path(__file__).resolve().parents[2]
A, B, C = (Var(n, "N") for n in "abc")
ZERO = App("zero")


def s(t):
    return App("s", (t,))


def add(x, y):
    return App("add", (x, y))


def mul(x, y):
    return App("mul", (x, y))


def num(k):
    t = ZERO
    for _ in range(k):
        t = s(t)
    return t


@pytest.fixture(scope="module")
def peano():
    return parse_theory_file(ROOT / "theories" / "peano.mpl")


@pytest.fixture(scope="module")
def axioms_only(peano):
    return Knowledge(peano, [Law(a.name, "axiom", a.formula) for a in peano.axioms])


def f(theory, text):
    return parse_formula(text, theory)


# ---------------------------------------------------------------- terms and order


def test_precedence_follows_the_defining_axioms(peano):
    prec = Precedence(peano)
    assert prec.key("mul") > prec.key("add") > prec.key("s") > prec.key("zero")
    assert prec.key("one") > prec.key("s")


def test_lpo_orients_every_defining_equation(peano):
    prec = Precedence(peano)
    assert lpo_greater(add(A, s(B)), s(add(A, B)), prec, ground=False)
    assert lpo_greater(mul(A, s(B)), add(mul(A, B), A), prec, ground=False)
    assert lpo_greater(add(add(A, B), C), add(A, add(B, C)), prec, ground=False)
    assert not lpo_greater(add(A, B), add(B, A), prec, ground=False)  # commutativity: unorientable
    assert lpo_greater(add(B, A), add(A, B), prec, ground=True)  # but its ground instances are


terms = st.recursive(
    st.sampled_from([A, B, ZERO]),
    lambda inner: st.one_of(st.builds(s, inner), st.builds(add, inner, inner), st.builds(mul, inner, inner)),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(terms, terms)
def test_match_then_substitute_gives_the_term_back(pattern, other):
    target = substitute(pattern, {A: other})
    sigma = match(pattern, target, frozenset({A, B}))
    assert sigma is not None
    assert substitute(pattern, sigma) == target


@settings(max_examples=60, deadline=None)
@given(terms, terms)
def test_ground_lpo_is_a_strict_total_order(x, y):
    prec = Precedence(parse_theory_file(ROOT / "theories" / "peano.mpl"))
    gt, lt = lpo_greater(x, y, prec, True), lpo_greater(y, x, prec, True)
    assert not (gt and lt)
    assert gt or lt or x == y


def test_statement_key_ignores_names_and_orientation(peano):
    one = f(peano, "forall a b. a + b = b + a")
    two = f(peano, "forall x y. y + x = x + y")
    assert statement_key(one) == statement_key(two)
    assert statement_key(one) != statement_key(f(peano, "forall a b. a * b = b * a"))


# ---------------------------------------------------------------- finite model


def test_model_computes_with_the_axioms(peano):
    model = FiniteModel(peano)
    assert model.evaluate(add(num(2), num(2)), {}) == num(4)
    assert model.evaluate(mul(num(2), num(3)), {}) == num(6)
    assert model.evaluate(App("one"), {}) == num(1)


def test_model_refutes_false_laws_and_keeps_true_ones(peano):
    model = FiniteModel(peano)
    assert model.counterexample(f(peano, "forall a b. a + b = b + a")) is None
    # GL v0.7 let this one through; the model refutes it with a = 0
    assert model.counterexample(f(peano, "forall a b d. a * b = a * d -> b = d")) is not None
    assert model.counterexample(f(peano, "forall a b. a * b = 0 -> a = 0")) is not None


def test_model_of_lists_has_free_elements():
    lists = parse_theory_file(ROOT / "theories" / "lists.mpl")
    model = FiniteModel(lists)
    assert len(model.domains["Elem"]) == 3
    x = Var("x", "List")
    law = Quant("forall", x, Eq(App("reverse", (App("reverse", (x,)),)), x))
    assert model.counterexample(law) is None
    wrong = Quant("forall", x, Eq(App("reverse", (x,)), x))
    assert model.counterexample(wrong) is not None


# ---------------------------------------------------------------- rewriting and proof steps


def test_normal_form_trace_replays_as_valid_steps(peano, axioms_only):
    rewriter = Rewriter(axioms_only.prec, axioms_only.rules)
    term = mul(num(2), num(2))
    nf, trace = rewriter.normalize(term)
    assert nf == num(4)
    builder = ProofBuilder()
    sid = chain_proof(builder, term, trace)
    assert builder.formula(sid) == Eq(term, num(4))
    assert all(step.rule in {"refl", "rewrite", "inst", "axiom", "symm"} for step in builder.steps)


# ---------------------------------------------------------------- network


def _eq_rule(peano):
    formula = f(peano, "forall a b. s(a) = s(b) -> a = b")
    variables = (Var("a", "N"), Var("b", "N"))
    body = formula.body.body
    return HornRule("succ_inj", variables, (body.left,), body.right, Citation("axiom", "succ_inj", formula))


def test_network_fires_once_per_new_matching_fact(peano):
    net = Network([_eq_rule(peano)])
    net.post(Fact(Eq(s(A), s(B)), 0))
    net.post(Fact(Eq(s(A), s(B)), 0))  # the same message again: no new work
    net.post(Fact(Eq(A, B), 1))  # does not match s(_) = s(_)
    acts = []
    while (act := net.pop()) is not None:
        acts.append(act)
    assert len(acts) == 2  # the fact in both orientations
    assert {tuple(t for _, t in a.sigma) for a in acts} == {(A, B), (B, A)}


def test_network_joins_two_premises_on_shared_variables(peano):
    a, b, c = (Var(n, "N") for n in "abc")
    rule = HornRule(
        "trans_like", (a, b, c), (Eq(s(a), b), Eq(s(b), c)), Eq(a, c), Citation("axiom", "x", Eq(a, a)),
        conjunctive=True,
    )
    net = Network([rule])
    net.post(Fact(Eq(s(ZERO), A), 0))
    net.post(Fact(Eq(s(B), C), 1))  # b := B does not join with b := A
    assert net.pop() is None
    net.post(Fact(Eq(s(A), C), 2))
    act = net.pop()
    assert act is not None and dict(act.sigma)[c] == C and net.pop() is None


# ---------------------------------------------------------------- prover


def _doc(theory, name, statement, result):
    return {
        "format": "axiomforge-proofs",
        "version": 1,
        "theory": theory_to_json(theory),
        "theorems": [
            {"name": name, "statement": formula_to_json(statement), "method": result.method, "seconds": 0.0,
             "cites": result.cites, "steps": result.steps}
        ],
    }


@pytest.mark.parametrize(
    "text, method",
    [
        ("forall a. 0 + a = a", "induction"),
        ("forall a. a + 1 = s(a)", "direct"),
        ("forall a. s(a) != a", "induction"),
        ("forall a b. a + b = 0 -> a = 0", "cases"),
        ("forall a. a != 0 -> exists b. a = s(b)", "cases"),
    ],
)
def test_prover_proofs_pass_the_independent_checker(peano, axioms_only, text, method):
    statement = f(peano, text)
    result = Prover(axioms_only).prove(statement)
    assert result is not None and result.method.startswith(method)
    report = check_document(_doc(peano, "t", statement, result), theory_to_json(peano))
    assert report.ok, report.summary()


@pytest.mark.parametrize(
    "text",
    ["forall a b. a + b = a", "forall a b. a * b = a * b + a", "forall a b c. a * b = a * c -> b = c",
     "forall a. s(a) = a", "forall a. a != s(0)"],
)
def test_prover_never_proves_a_false_statement(peano, axioms_only, text):
    assert Prover(axioms_only).prove(f(peano, text)) is None


def test_lemma_reuse_unlocks_commutativity(peano):
    laws = [Law(a.name, "axiom", a.formula) for a in peano.axioms]
    goal = f(peano, "forall a b. a + b = b + a")
    assert Prover(Knowledge(peano, laws)).prove(goal) is None  # needs 0 + a = a and s(a) + b = s(a + b)
    for name, text in (("zero_add", "forall a. 0 + a = a"), ("succ_add", "forall a b. s(a) + b = s(a + b)")):
        laws.append(Law(name, "theorem", f(peano, text)))
    result = Prover(Knowledge(peano, laws)).prove(goal)
    assert result is not None and set(result.cites) == {"zero_add", "succ_add"}


# ---------------------------------------------------------------- conjecturer and redundancy


def test_conjectures_are_goal_agnostic_and_survive_the_model(peano):
    candidates, stats = generate_candidates(peano, FiniteModel(peano), ConjectureConfig(max_size=5))
    keys = {c.key for c in candidates}
    assert statement_key(f(peano, "forall a b. a + b = b + a")) in keys
    assert statement_key(f(peano, "forall a. s(a) != a")) in keys
    model = FiniteModel(peano)
    assert all(model.counterexample(c.statement) is None for c in candidates)
    assert stats.generated >= len(candidates)
    assert [c.sort_key() for c in candidates] == sorted(c.sort_key() for c in candidates)


def test_values_past_the_size_bound_are_unknown_not_disqualifying(peano):
    # with a tiny bound, s(a)·b and a·b + b outgrow it on the larger assignments; they are
    # still fingerprinted by the entries the model can compute, and conjectured equal
    model = FiniteModel(peano, ModelConfig(max_value_size=10))
    candidates, _ = generate_candidates(peano, model, ConjectureConfig(max_size=5))
    keys = {c.key for c in candidates}
    assert statement_key(f(peano, "forall a b. s(a) * b = a * b + b")) in keys
    assert statement_key(f(peano, "forall a b. a * b = b * a")) in keys
    sparse = FiniteModel(peano, ModelConfig(max_value_size=10))
    universe = TermUniverse(peano, sparse, ConjectureConfig(max_size=5, min_defined_fraction=1.0))
    universe.build()
    assert all(-1 not in vec for vec in universe.vector.values())  # the old, all-known rule


def test_candidate_variables_get_readable_canonical_names(peano):
    x, y = Var("q", "N"), Var("r", "N")
    stmt = canonical_statement(Eq(add(y, x), add(x, y)), variable_pools(peano))
    assert stmt == f(peano, "forall a b. a + b = b + a")


def test_redundancy_drops_instances_and_keeps_real_laws(peano):
    laws = [Law(a.name, "axiom", a.formula) for a in peano.axioms]
    laws.append(Law("zero_mul", "theorem", f(peano, "forall a. 0 * a = 0")))
    knowledge = Knowledge(peano, laws)
    assert is_redundant(f(peano, "forall a b. (a * b) * 0 = 0"), knowledge)  # instance of mul_zero
    assert is_redundant(f(peano, "1 + 0 = 1"), knowledge)  # ground: a computation
    assert not is_redundant(f(peano, "forall a b. a + b = b + a"), knowledge)
    assert not is_redundant(f(peano, "forall a. a * 1 = a"), knowledge)
    assert isinstance(f(peano, "forall a. s(a) != a").body, Not)


@settings(max_examples=40, deadline=None)
@given(terms, terms)
@example(  # a hypothesis variable vanishes when the hypothesis is normalised (a·0 → 0)
    App("mul", (Var("a", "N"), App("zero", ()))), App("mul", (App("zero", ()), Var("b", "N")))
)
def test_whatever_the_prover_proves_is_true_and_checks(lhs, rhs):
    peano = parse_theory_file(ROOT / "theories" / "peano.mpl")
    laws = [Law(a.name, "axiom", a.formula) for a in peano.axioms]
    for name, text in (("zero_add", "forall a. 0 + a = a"), ("succ_add", "forall a b. s(a) + b = s(a + b)")):
        laws.append(Law(name, "theorem", f(peano, text)))
    from axiomforge.logic.terms import close_formula, formula_vars_in_order

    body = Eq(lhs, rhs)
    statement = close_formula(body, formula_vars_in_order(body))
    result = Prover(Knowledge(peano, laws)).prove(statement)
    if result is None:
        return
    assert FiniteModel(peano).counterexample(statement) is None
    if not result.cites:  # a proof from the axioms alone: the checker must accept it as it is
        assert check_document(_doc(peano, "t", statement, result), theory_to_json(peano)).ok
