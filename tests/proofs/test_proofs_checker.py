"""The independent checker: accepts valid proofs, rejects each kind of broken step with a reason."""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from proofs_fixtures import peano_document, peano_theory

from axiomforge.proofs.builder import Proof, app, document, eq, forall, theorem, var
from axiomforge.proofs.checker import RULES, check_document, citation_cycles
from axiomforge.proofs.syntax import alpha_eq, free_vars, read_formula, subst, term_vars

N = "N"
zero = app("zero")


def s(t: dict[str, Any]) -> dict[str, Any]:
    return app("s", t)


def _thm(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in doc["theorems"] if t["name"] == name)


def _step(doc: dict[str, Any], name: str, sid: int) -> dict[str, Any]:
    return next(x for x in _thm(doc, name)["steps"] if x["id"] == sid)


def _one(proof: Proof, statement: dict[str, Any]) -> dict[str, Any]:
    return document(peano_theory(), [theorem("t", statement, proof, "direct")])


def test_hand_written_proofs_check_against_the_theory(hand_doc, hand_theory):
    report = check_document(hand_doc, hand_theory)
    assert report.ok, report.summary()
    assert len(report.checked) == 7 and report.steps_checked == 102
    assert report.summary().startswith("ok: 7/7 theorems check")


def test_hand_written_proofs_use_every_rule(hand_doc):
    used = {step["rule"] for t in hand_doc["theorems"] for step in t["steps"]}
    assert used == set(RULES)


@pytest.mark.parametrize("name", ["peano", "lists", "peano_order"])
def test_engine_output_checks(engine_docs, engine_theories, name):
    report = check_document(engine_docs[name], engine_theories[name])
    assert report.ok, report.summary()
    assert len(report.checked) == len(engine_docs[name]["theorems"]) > 5


# ------------------------------------------------------------------ one broken step at a time


def test_wrong_inst_term_is_caught_at_its_step(hand_doc):
    _step(hand_doc, "add_zero_left", 2)["formula"] = eq(app("add", zero, zero), s(zero))
    report = check_document(hand_doc)
    failure = report.failure_for("add_zero_left")
    assert failure is not None and failure.step == 2 and "inst" in failure.reason
    # the theorems citing it fail because it does not check
    assert "does not check" in report.failure_for("add_comm").reason
    assert not report.ok and "add_succ_left" in report.checked


def test_rewrite_at_a_path_that_is_not_the_left_side(hand_doc):
    _step(hand_doc, "add_zero_left", 6)["path"] = [1]
    failure = check_document(hand_doc).failure_for("add_zero_left")
    assert failure.step == 6 and "left side" in failure.reason


def test_gen_over_a_variable_free_in_an_open_assumption():
    pr = Proof()
    a, b = var("a", N), var("b", N)
    h = pr.add("assume", eq(a, zero))
    g = pr.add("gen", forall("a", N, eq(a, zero)), (h,), var=["a", N])
    pr.add("imp_intro", {"op": "implies", "a": [eq(b, zero), pr.formula(g)]}, (g,), discharges=h)
    report = check_document(_one(pr, forall("b", N, {"op": "implies", "a": [eq(b, zero), pr.formula(g)]})))
    assert report.failures[0].step == 2 and "open assumption" in report.failures[0].reason


def test_open_assumption_at_the_end_is_rejected():
    pr = Proof()
    pr.add("assume", eq(zero, s(zero)))
    report = check_document(_one(pr, eq(zero, s(zero))))
    assert "assumptions open" in report.failures[0].reason


def test_last_step_must_be_the_statement(hand_doc):
    _thm(hand_doc, "add_comm")["statement"] = forall("a", N, eq(var("a", N), var("a", N)))
    assert "not the statement" in check_document(hand_doc).failure_for("add_comm").reason


def test_statement_may_rename_bound_variables(hand_doc):
    stmt = forall("x", N, forall("y", N, eq(app("add", var("x", N), var("y", N)), app("add", var("y", N), var("x", N)))))
    _thm(hand_doc, "add_comm")["statement"] = stmt
    assert check_document(hand_doc).ok


def test_induction_needs_the_declared_schema(hand_doc):
    theory = hand_doc["theory"]
    theory["induction"][0]["constructors"] = [{"name": "zero", "args": []}]  # a weaker, wrong schema
    report = check_document(hand_doc)
    assert "add_zero_left" not in report.checked
    assert "takes 1 premises" in report.failure_for("add_zero_left").reason


def test_induction_step_without_hypothesis_is_not_the_schema(hand_doc):
    # claim the step case is ∀n. 0 + s(n) = s(n) while the proof only has it under the hypothesis
    gen = _step(hand_doc, "add_zero_left", 8)
    gen["formula"] = forall("n", N, eq(app("add", zero, s(var("n", N))), s(var("n", N))))
    gen["premises"] = [6]
    failure = check_document(hand_doc).failure_for("add_zero_left")
    assert failure.step == 8 and "open assumption" in failure.reason


def test_cases_rule_rejects_premises_with_hypotheses(hand_doc):
    _step(hand_doc, "add_zero_left", 9)["rule"] = "cases"
    assert "not the case for constructor 2" in check_document(hand_doc).failure_for("add_zero_left").reason


def test_exists_elim_needs_a_fresh_variable():
    # from ∃p. s(p) = a conclude s(a) = a by taking the witness to be a itself: unsound, rejected
    a = var("a", N)
    ex = {"op": "exists", "var": ["p", N], "a": [eq(s(var("p", N)), a)]}
    pr = Proof()
    h = pr.add("assume", ex)
    w = pr.add("assume", eq(s(a), a))
    e = pr.add("exists_elim", eq(s(a), a), (h, w), discharges=w, var=["a", N])
    imp = pr.add("imp_intro", {"op": "implies", "a": [ex, eq(s(a), a)]}, (e,), discharges=h)
    pr.add("gen", forall("a", N, pr.formula(imp)), (imp,), var=["a", N])
    failure = check_document(_one(pr, forall("a", N, pr.formula(imp)))).failures[0]
    assert failure.step == 3 and "not fresh" in failure.reason


def test_or_elim_discharges_per_branch(hand_doc):
    # discharging A in the second branch must not discharge it in the third
    step = _step(hand_doc, "nonzero_iff_succ", 8)
    assert step["rule"] == "or_elim"
    step["discharges"] = [7, 4]
    assert check_document(hand_doc).failure_for("nonzero_iff_succ").step == 8


def test_unknown_axiom_and_rule(hand_doc):
    _step(hand_doc, "add_zero_left", 1)["ref"] = "add_zero_extra"
    _step(hand_doc, "succ_ne_self", 2)["rule"] = "magic"
    report = check_document(hand_doc)
    assert "not an axiom" in report.failure_for("add_zero_left").reason
    assert "unknown rule" in report.failure_for("succ_ne_self").reason


def test_ill_sorted_formula_is_rejected():
    pr = Proof()
    pr.add("refl", eq(app("s", zero, zero), app("s", zero, zero)))
    report = check_document(_one(pr, eq(app("s", zero, zero), app("s", zero, zero))))
    assert "takes 1 arguments" in report.failures[0].reason


def test_cites_must_match_the_steps(hand_doc):
    _thm(hand_doc, "add_comm")["cites"] = ["add_zero_left"]
    assert "'cites'" in check_document(hand_doc).failure_for("add_comm").reason


def test_circular_proof_is_rejected_even_if_each_step_is_fine(hand_doc):
    # GL's verifier accepted A cites B, B cites A; here both fail with the cycle named
    stmt = _thm(hand_doc, "add_comm")["statement"]
    a_thm = {"name": "A", "statement": stmt, "method": "direct", "seconds": 0, "cites": ["B"],
             "steps": [{"id": 1, "rule": "theorem", "ref": "B", "formula": stmt, "premises": []}]}  # fmt: skip
    b_thm = {"name": "B", "statement": stmt, "method": "direct", "seconds": 0, "cites": ["A"],
             "steps": [{"id": 1, "rule": "theorem", "ref": "A", "formula": stmt, "premises": []}]}  # fmt: skip
    hand_doc["theorems"] += [a_thm, b_thm]
    report = check_document(hand_doc)
    assert report.failure_for("A").reason == "citation cycle: A -> B -> A"
    assert report.failure_for("B").reason == "citation cycle: B -> A -> B"
    assert citation_cycles(hand_doc["theorems"]).keys() == {"A", "B"}


def test_citing_a_later_theorem_is_rejected(hand_doc):
    step = _step(hand_doc, "add_comm", 3)
    hand_doc["theorems"].append(hand_doc["theorems"].pop(0))  # move add_zero_left to the end
    assert step["ref"] == "add_zero_left"
    assert "not a theorem before it" in check_document(hand_doc).failure_for("add_comm").reason


def test_theory_must_match_the_source(hand_doc, hand_theory):
    hand_doc["theory"]["axioms"].append(
        {"name": "cheat", "kind": "axiom", "formula": _thm(hand_doc, "add_comm")["statement"]})
    report = check_document(hand_doc, hand_theory)
    assert not report.ok and report.failures[0].theorem is None and "cheat" in report.failures[0].reason
    assert check_document(hand_doc).ok  # without the source it is consistent, but only relative to itself


def test_altered_axiom_is_caught_against_the_source(hand_doc, hand_theory):
    hand_doc["theory"]["axioms"][2]["formula"] = forall("a", N, eq(app("add", var("a", N), zero), zero))
    assert "differs" in check_document(hand_doc, hand_theory).failures[0].reason


def test_source_hash_does_not_matter_but_printing_fields_do(hand_doc, hand_theory):
    hand_theory["source_sha256"] = "f" * 64
    assert check_document(hand_doc, hand_theory).ok
    # what a reader is shown is part of what is checked (issue 12): notation must agree too
    for fn in hand_theory["functions"]:
        fn.pop("notation", None)
        fn["infix"] = None
    report = check_document(hand_doc, hand_theory)
    assert not report.ok and "notation differs" in report.failures[0].reason


@pytest.mark.parametrize(
    "doc, reason",
    [
        ([], "JSON object"),
        ({"format": "x", "version": 1}, "version 1"),
        ({"format": "axiomforge-proofs", "version": 1, "theory": {}, "theorems": {}}, "must be a list"),
        ({"format": "axiomforge-proofs", "version": 1, "theory": 3, "theorems": []}, "theory section"),
    ],
)
def test_malformed_documents_fail_without_crashing(doc, reason):
    report = check_document(doc)
    assert not report.ok and reason in report.failures[0].reason


def test_malformed_steps_fail_without_crashing(hand_doc):
    steps = _thm(hand_doc, "add_zero_left")["steps"]
    steps[1]["subst"] = {"a": {"nonsense": 1}}
    steps[2]["formula"] = {"op": "=", "a": [1]}
    _thm(hand_doc, "succ_ne_self")["steps"][0] = "not a step"
    _thm(hand_doc, "mul_one")["steps"][3]["premises"] = "1"
    report = check_document(hand_doc)
    assert {f.theorem for f in report.failures} >= {"add_zero_left", "succ_ne_self", "mul_one"}


def test_duplicate_step_ids_and_forward_premises(hand_doc):
    steps = _thm(hand_doc, "add_zero_left")["steps"]
    steps[1]["id"] = 1
    steps2 = _thm(hand_doc, "succ_ne_self")["steps"]
    steps2[2]["premises"] = [5]
    report = check_document(hand_doc)
    assert "fresh integer" in report.failure_for("add_zero_left").reason
    assert "not an earlier step" in report.failure_for("succ_ne_self").reason


# ------------------------------------------------------------------ properties of the term code


def _rename_bound(node: Any, suffix: str) -> Any:
    """Rename every bound variable consistently (alpha-conversion) in a JSON formula."""

    def walk(n: Any, env: dict[str, str]) -> Any:
        if isinstance(n, dict) and "v" in n:
            return {"v": env.get(n["v"], n["v"]), "s": n["s"]}
        if isinstance(n, dict) and "f" in n:
            return {"f": n["f"], "a": [walk(x, env) for x in n["a"]]}
        if isinstance(n, dict) and n.get("op") in ("forall", "exists"):
            name = n["var"][0]
            inner = {**env, name: name + suffix}
            return {"op": n["op"], "var": [name + suffix, n["var"][1]], "a": [walk(n["a"][0], inner)]}
        if isinstance(n, dict) and "a" in n:
            return {**n, "a": [walk(x, env) for x in n["a"]]}
        return n

    return walk(node, {})


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["_1", "'", "x"]), st.data())
def test_alpha_renaming_of_statements_and_cited_formulas_keeps_proofs_valid(suffix, data):
    doc = peano_document()
    names = [t["name"] for t in doc["theorems"]]
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    for t in doc["theorems"]:
        if t["name"] in chosen:
            t["statement"] = _rename_bound(t["statement"], suffix)
            for step in t["steps"]:
                if step["rule"] in ("axiom", "theorem"):
                    step["formula"] = _rename_bound(step["formula"], suffix)
    report = check_document(doc, peano_theory())
    # renaming the binders of an axiom/theorem step breaks `inst` steps that name them: those
    # must fail; everything else must still check
    for f in report.failures:
        assert "subst does not name" in f.reason or "does not check" in f.reason, f


terms = st.recursive(
    st.sampled_from([{"v": "a", "s": N}, {"v": "b", "s": N}, {"f": "zero", "a": []}]),
    lambda inner: st.one_of(st.builds(lambda t: app("s", t), inner), st.builds(lambda x, y: app("add", x, y), inner, inner)),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(terms, terms, terms)
def test_substitution_avoids_capture(t1, t2, t3):
    # ∀b. t1 = t2 with a := t3 (which may mention b): the result never captures t3's b
    formula = read_formula(forall("b", N, eq(t1, t2)))
    from axiomforge.proofs.syntax import read_term

    t3_term = read_term(t3)
    out = subst(formula, {("a", N): t3_term})
    expected = set(free_vars(formula)) - {("a", N)}
    if ("a", N) in free_vars(formula):
        expected |= set(term_vars(t3_term))
    assert set(free_vars(out)) == expected  # no variable of t3 was captured by ∀b
    assert alpha_eq(subst(formula, {}), formula)


def test_checker_imports_nothing_from_the_engine():
    root = Path(__file__).resolve().parents[2] / "axiomforge" / "proofs"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("axiomforge.logic"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("axiomforge.logic") for a in node.names), path


def test_checker_is_small_enough_to_audit():
    root = Path(__file__).resolve().parents[2] / "axiomforge" / "proofs"
    lines = sum(len(p.read_text().splitlines()) for p in (root / "checker.py", root / "syntax.py"))
    assert lines < 1050  # about 680 lines of code plus the rule documentation


def test_check_does_not_modify_the_document(hand_doc, hand_theory):
    before = copy.deepcopy(hand_doc)
    check_document(hand_doc, hand_theory)
    assert hand_doc == before


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 40), st.sampled_from(["a", "N", "forall", "=", "zero", ""])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["op", "a", "v", "f", "s", "id"]), inner, max_size=3)),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


@settings(max_examples=50, deadline=None)
@given(st.data(), json_values)
def test_arbitrary_damage_never_crashes_the_checker_site_or_export(tmp_path_factory, data, junk):
    from axiomforge.proofs.lean_export import LeanExportError, export_lean
    from axiomforge.proofs.site import write_site

    doc = peano_document()
    doc["theorems"] = doc["theorems"][:3]
    paths = _paths(doc)
    path = paths[data.draw(st.integers(1, len(paths) - 1), label="path index")]
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = junk
    report = check_document(doc, peano_theory())  # must not raise
    assert isinstance(report.ok, bool)
    write_site(doc, tmp_path_factory.mktemp("site"))  # must not raise either
    try:
        text = export_lean(doc)
        assert "sorry" not in text.split("-/", 1)[1]
    except LeanExportError:  # only when the document as a whole is rejected
        assert any(f.theorem is None for f in check_document(doc).failures)
