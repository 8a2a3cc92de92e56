"""Fast growth: the same engine, unchanged, on Peano plus exponentiation (theories/peano_exp.mpl).

a ^ (b + c) passes the model's value size bound on part of the tested assignments; the
conjecturer still fingerprints it by the entries it can compute, so the laws of ^ are
conjectured, proved and checked like any other."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from axiomforge.logic.engine import expect_report, run_engine, strip_expects
from axiomforge.logic.ir import ExpectDecl, theory_to_json
from axiomforge.logic.models import FiniteModel, ModelConfig
from axiomforge.logic.output import dumps, proofs_document
from axiomforge.logic.parser import parse_formula, parse_theory_file
from axiomforge.proofs.checker import check_document

ROOT = Path(__file__).resolve().parents[2]

REQUIRED = [
    "forall a. a ^ 1 = a",
    "forall a. 1 ^ a = 1",
    "forall a b c. a ^ (b + c) = a ^ b * a ^ c",
    "forall a b c. (a * b) ^ c = a ^ c * b ^ c",
    "forall a b c. (a ^ b) ^ c = a ^ (b * c)",
]


@pytest.fixture(scope="module")
def theory():
    return parse_theory_file(ROOT / "theories" / "peano_exp.mpl")


@pytest.fixture(scope="module")
def run(theory):
    return run_engine(theory)


@pytest.fixture(scope="module")
def document(run):
    return json.loads(dumps(proofs_document(run)))


@pytest.mark.slow
@pytest.mark.parametrize("law", REQUIRED)
def test_exponent_law_is_proved(run, theory, law):
    probe = replace(run, theory=replace(theory, expects=(ExpectDecl("p", parse_formula(law, theory)),)))
    assert expect_report(probe)[0]["found"], law


@pytest.mark.slow
def test_every_expect_line_is_found(run):
    assert all(e["found"] for e in expect_report(run))


@pytest.mark.slow
def test_exp_theorems_are_true_and_check(run, theory, document):
    model = FiniteModel(theory, ModelConfig(values_per_sort=6, max_assignments=300, max_value_size=3000))
    for thm in run.theorems:
        assert model.counterexample(thm.statement) is None, thm.name
    report = check_document(document, theory_to_json(theory))
    assert report.ok, report.summary()


@pytest.mark.slow
def test_expect_lines_do_not_steer(theory, document):
    # partial fingerprints must not make the run depend on anything but the theory
    again = json.loads(dumps(proofs_document(run_engine(strip_expects(theory)))))
    assert dumps(again["theorems"]) == dumps(document["theorems"])
