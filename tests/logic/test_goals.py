"""Goal-directed proving: goals in MPL (if-then-else, Bool functions, datatypes) and in our own
TIP problems; every proof re-checked by the independent checker; false goals stay unproved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from axiomforge.logic.goals import goal_run_result, prove_goal, prove_goals
from axiomforge.logic.ir import theory_to_json
from axiomforge.logic.models import FiniteModel
from axiomforge.logic.output import dumps, proofs_document
from axiomforge.logic.parser import parse_theory_file, parse_theory_text
from axiomforge.logic.tip import import_tip_file, import_tip_text
from axiomforge.proofs.checker import check_document

HERE = Path(__file__).parent / "tip"
ROOT = Path(__file__).resolve().parents[2]

MAX_THEORY = """
datatype Bool := False | True
datatype Nat := Z | S(Nat)
function le : Nat, Nat -> Bool
function max : Nat, Nat -> Nat
axiom le_1 : forall y. le(Z, y) = True
axiom le_2 : forall x. le(S(x), Z) = False
axiom le_3 : forall x y. le(S(x), S(y)) = le(x, y)
axiom max_def : forall x y. max(x, y) = if le(x, y) then y else x
goal le_refl : forall x. le(x, x)
goal le_max : forall x y. le(x, max(x, y))
goal max_wrong : forall x y. max(x, y) = x
"""


def _checked(theory, outcomes):  # type: ignore[no-untyped-def]
    doc = json.loads(dumps(proofs_document(goal_run_result(theory, outcomes))))
    return check_document(doc, theory_to_json(theory))


def _tip(name: str):  # type: ignore[no-untyped-def]
    path = HERE / f"{name}.smt2"
    return parse_theory_text(import_tip_file(path), str(path) + ".mpl")


def test_mpl_goals_with_if_then_else_and_bool() -> None:
    theory = parse_theory_text(MAX_THEORY, "max.mpl")
    outcomes = prove_goals(theory, ["le_refl", "le_max", "max_wrong"])
    status = {o.name: o.status for o in outcomes}
    assert status == {"le_refl": "proved", "le_max": "proved", "max_wrong": "false"}
    assert outcomes[2].theorems == [] and outcomes[2].counterexample is not None
    # le_max needs a case split on the if-condition le(x, y) and the earlier goal le_refl
    assert "le_refl" in outcomes[1].theorems[-1].cites
    assert any(step["rule"] == "cases" for step in outcomes[1].theorems[-1].steps)
    report = _checked(theory, outcomes)
    assert report.ok, report.summary()


def test_goal_needing_a_discovered_lemma() -> None:
    theory = _tip("nat_plus_comm")
    outcome = prove_goal(theory, "nat_plus_comm")
    assert outcome.status == "proved"
    lemmas = outcome.theorems[:-1]
    assert lemmas, "commutativity needs lemmas (x + 0 = x, x + S(y) = S(x + y))"
    assert set(outcome.theorems[-1].cites) <= {t.name for t in lemmas}
    model = FiniteModel(theory)
    for t in outcome.theorems:  # nothing false: every theorem holds in the finite model
        assert model.counterexample(t.statement) is None
    assert _checked(theory, [outcome]).ok
    assert any("plus" in line for line in outcome.tree(theory)[1:])


def test_false_goal_stays_unproved() -> None:
    theory = _tip("nat_plus_false")
    outcome = prove_goal(theory, "nat_plus_false")
    assert outcome.status == "false" and outcome.theorems == []


def test_higher_order_tip_goal_proves_and_a_false_one_is_refuted() -> None:
    """filter with a predicate variable: the fresh predicate gets one arbitrary interpretation in
    the finite model, so the true goal is proved (and checked) and a false one is refuted."""
    theory = _tip("hof_filter")
    outcome = prove_goal(theory, "hof_filter")
    assert outcome.status == "proved"
    assert _checked(theory, [outcome]).ok
    wrong = parse_theory_text(import_tip_text(
        "(declare-datatype list (par (a) ((nil) (cons (head a) (tail (list a))))))\n"
        "(define-fun-rec filter (par (a) (((keep (=> a Bool)) (xs (list a))) (list a)))\n"
        "  (match xs ((nil (_ nil a)) ((cons y ys) (ite (@ keep y) (cons y (filter keep ys)) (filter keep ys))))))\n"
        "(prove (par (e) (forall ((p (=> e Bool)) (xs (list e))) (= (filter p xs) xs))))", "w.smt2"), "w.mpl")
    refuted = prove_goal(wrong, "w")
    assert refuted.status == "false" and refuted.theorems == []


@pytest.mark.parametrize("name", ["list_len_append", "tree_mirror", "count_elem", "bool_ite_max"])
def test_tip_goals_prove_and_check(name: str) -> None:
    theory = _tip(name)
    outcome = prove_goal(theory, name)
    assert outcome.status == "proved", name
    report = _checked(theory, [outcome])
    assert report.ok, report.summary()


def test_count_needs_a_discovered_lemma_about_equality() -> None:
    theory = _tip("count_elem")
    outcome = prove_goal(theory, "count_elem")
    assert outcome.status == "proved" and len(outcome.theorems) >= 2  # eqeq(a, a) = True, discovered


def test_goal_run_is_deterministic() -> None:
    theory = _tip("nat_plus_comm")
    a = dumps(proofs_document(goal_run_result(theory, [prove_goal(theory, "nat_plus_comm")])))
    b = dumps(proofs_document(goal_run_result(theory, [prove_goal(theory, "nat_plus_comm")])))
    assert a == b


def test_trees_theory_proves_all_four_laws() -> None:
    theory = parse_theory_file(ROOT / "theories" / "trees.mpl")
    outcomes = prove_goals(theory, [g.name for g in theory.goals])
    assert [o.status for o in outcomes] == ["proved"] * 4
    assert outcomes[-1].name == "leaves_size_goal"
    assert _checked(theory, outcomes).ok


def test_cli_goal_and_errors(tmp_path: Path) -> None:
    src = tmp_path / "max.mpl"
    src.write_text(MAX_THEORY)
    run = subprocess.run([sys.executable, "-m", "axiomforge", "prove", str(src), "--out", str(tmp_path / "o"),
                          "--goal", "le_max", "--json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["goals"][0]["status"] == "proved" and data["check"]["ok"]
    assert (tmp_path / "o" / "proofs.json").exists() and (tmp_path / "o" / "proofs.lean").exists()
    false = subprocess.run([sys.executable, "-m", "axiomforge", "prove", str(src), "--out", str(tmp_path / "f"),
                            "--goal", "max_wrong"], capture_output=True, text=True)
    assert false.returncode == 1 and "false" in false.stdout
    missing = subprocess.run([sys.executable, "-m", "axiomforge", "prove", str(src), "--out", str(tmp_path / "m"),
                              "--goal", "nope"], capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stderr.startswith(f"error: {src}: no goal named nope")
