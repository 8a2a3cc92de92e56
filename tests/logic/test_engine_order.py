"""Stretch goal: ≤ defined by ∃p. a + p = b on top of the Peano axioms (theory text = peano.mpl
plus one definition line). The run unfolds the definition (iff_elim), eliminates the witness
(exists_elim) and proves reflexivity, transitivity, antisymmetry and totality (induction with a
case split and or_elim inside the step), all re-checked."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from axiomforge.logic.engine import expect_report, run_engine
from axiomforge.logic.ir import ExpectDecl, theory_to_json
from axiomforge.logic.models import FiniteModel
from axiomforge.logic.output import dumps, proofs_document
from axiomforge.logic.parser import parse_formula, parse_theory_text
from axiomforge.proofs.checker import check_document

ROOT = Path(__file__).resolve().parents[2]
LE = "definition le(a : N, b : N) : Prop := exists p. a + p = b"


@pytest.fixture(scope="module")
def theory():
    source = (ROOT / "theories" / "peano.mpl").read_text()
    source = source.replace("induction N : zero, s", "induction N : zero, s\n" + LE)
    return parse_theory_text(source, "peano_order.mpl")


@pytest.fixture(scope="module")
def run(theory):
    return run_engine(theory)


@pytest.mark.slow
@pytest.mark.parametrize(
    "law",
    [
        "forall a. le(a, a)",
        "forall a b c. le(a, b) /\\ le(b, c) -> le(a, c)",
        "forall a b. le(a, b) /\\ le(b, a) -> a = b",
        "forall a b. le(a, b) \\/ le(b, a)",
        "forall a. le(0, a)",
    ],
)
def test_order_law_is_proved(run, theory, law):
    probe = replace(run, theory=replace(theory, expects=(ExpectDecl("p", parse_formula(law, theory)),)))
    assert expect_report(probe)[0]["found"], law


@pytest.mark.slow
def test_order_run_is_sound(run, theory):
    model = FiniteModel(theory)
    for thm in run.theorems:
        assert model.counterexample(thm.statement) is None, thm.name
    doc = json.loads(dumps(proofs_document(run)))
    report = check_document(doc, theory_to_json(theory))
    assert report.ok, report.summary()
    rules = {s["rule"] for t in doc["theorems"] for s in t["steps"]}
    assert {"iff_elim", "exists_elim", "exists_intro", "or_elim", "cases"} <= rules
    names = {t.name for t in run.theorems}
    assert {"le_refl", "le_trans", "le_antisymm", "le_total"} <= names
