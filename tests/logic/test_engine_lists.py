"""Generality: the same engine, unchanged, on lists (two sorts plus the naturals for length)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from axiomforge.logic.engine import expect_report, run_engine
from axiomforge.logic.ir import ExpectDecl, theory_to_json
from axiomforge.logic.models import FiniteModel, ModelConfig
from axiomforge.logic.output import dumps, proofs_document
from axiomforge.logic.parser import parse_formula, parse_theory_file
from axiomforge.proofs.checker import check_document

ROOT = Path(__file__).resolve().parents[2]

REQUIRED = [
    "forall (x : List) (y : List) (z : List). (x ++ y) ++ z = x ++ (y ++ z)",
    "forall (x : List) (y : List). length(x ++ y) = length(x) + length(y)",
    "forall (x : List) (y : List). reverse(x ++ y) = reverse(y) ++ reverse(x)",
    "forall (x : List). reverse(reverse(x)) = x",
]


@pytest.fixture(scope="module")
def theory():
    return parse_theory_file(ROOT / "theories" / "lists.mpl")


@pytest.fixture(scope="module")
def run(theory):
    return run_engine(theory)


@pytest.mark.slow
@pytest.mark.parametrize("law", REQUIRED)
def test_list_law_is_proved(run, theory, law):
    probe = replace(run, theory=replace(theory, expects=(ExpectDecl("p", parse_formula(law, theory)),)))
    assert expect_report(probe)[0]["found"], law


@pytest.mark.slow
def test_list_theorems_are_true_and_check(run, theory):
    model = FiniteModel(theory, ModelConfig(values_per_sort=8, max_assignments=400))
    for thm in run.theorems:
        assert model.counterexample(thm.statement) is None, thm.name
    doc = json.loads(dumps(proofs_document(run)))
    report = check_document(doc, theory_to_json(theory))
    assert report.ok, report.summary()


@pytest.mark.slow
def test_induction_on_lists_uses_the_declared_schema(run):
    methods = {t.method for t in run.theorems}
    assert any(m.startswith("induction on x") for m in methods)
    doc = json.loads(dumps(proofs_document(run)))
    rules = {s["rule"] for t in doc["theorems"] for s in t["steps"]}
    assert "induction" in rules
