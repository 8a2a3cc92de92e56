"""The acceptance run: Peano arithmetic from the axioms alone, shared by every test here.

Checks: the required laws are proved; every theorem holds in a finite model larger than the
one the conjecturer tested on, and its proof passes the independent checker; runs are
deterministic; `expect` lines do not steer the search; a process pool changes nothing."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest

from axiomforge.logic.engine import EngineConfig, expect_report, run_engine, strip_expects
from axiomforge.logic.ir import theory_to_json
from axiomforge.logic.models import FiniteModel, ModelConfig
from axiomforge.logic.output import dumps, proofs_document
from axiomforge.logic.parser import parse_formula, parse_theory_file
from axiomforge.proofs.checker import check_document

ROOT = Path(__file__).resolve().parents[2]

REQUIRED = [
    "forall a. 0 + a = a",
    "forall a b. s(a) + b = s(a + b)",
    "forall a. s(a) = a + 1",
    "forall a. s(a) = 1 + a",
    "forall a b. a + b = b + a",
    "forall a b c. (a + b) + c = a + (b + c)",
    "forall a. 0 * a = 0",
    "forall a b. s(a) * b = a * b + b",
    "forall a. a * 1 = a",
    "forall a. 1 * a = a",
    "forall a b. a * b = b * a",
    "forall a b c. a * (b + c) = a * b + a * c",
    "forall a b c. (a + b) * c = a * c + b * c",
    "forall a b c. (a * b) * c = a * (b * c)",
    "forall a b c. a + c = b + c -> a = b",
    "forall a b c. c + a = c + b -> a = b",
    "forall a b. a + b = 0 -> a = 0",
    "forall a. s(a) != a",
    "forall a b. a + s(b) != a",
]
STRETCH = [
    "forall a b. a * b = 0 -> a = 0 \\/ b = 0",
    "forall a. a != 0 -> exists b. a = s(b)",
]


@pytest.fixture(scope="module")
def theory():
    return parse_theory_file(ROOT / "theories" / "peano.mpl")


@pytest.fixture(scope="module")
def run(theory):
    return run_engine(theory)


@pytest.fixture(scope="module")
def document(run):
    return json.loads(dumps(proofs_document(run)))


def _found(run, theory, text):
    """Whether a theorem states `text` (up to renaming, orientation, proved commutativity)."""
    from axiomforge.logic.ir import ExpectDecl

    probe = replace(run, theory=replace(theory, expects=(ExpectDecl("probe", parse_formula(text, theory)),)))
    return expect_report(probe)[0]["found"]


@pytest.mark.slow
@pytest.mark.parametrize("law", REQUIRED + STRETCH)
def test_required_law_is_proved(run, theory, law):
    assert _found(run, theory, law), law


@pytest.mark.slow
def test_every_theorem_holds_in_a_larger_model(run, theory):
    model = FiniteModel(theory, ModelConfig(values_per_sort=7, max_assignments=400, max_value_size=3000))
    for thm in run.theorems:
        assert model.counterexample(thm.statement) is None, thm.name


@pytest.mark.slow
def test_every_proof_passes_the_independent_checker(document, theory):
    report = check_document(document, theory_to_json(theory))
    assert report.ok, report.summary()
    assert len(report.checked) == len(document["theorems"]) >= len(REQUIRED)


@pytest.mark.slow
def test_checker_rejects_a_tampered_proof(document, theory):
    tampered = copy.deepcopy(document)
    thm = next(t for t in tampered["theorems"] if any(s["rule"] == "rewrite" for s in t["steps"]))
    last_rewrite = max(i for i, s in enumerate(thm["steps"]) if s["rule"] == "rewrite")
    thm["steps"][last_rewrite]["path"] = thm["steps"][last_rewrite]["path"][:1]  # rewrite elsewhere
    assert not check_document(tampered, theory_to_json(theory)).ok


@pytest.mark.slow
def test_summary_accounts_for_every_candidate(run):
    s = run.summary
    assert s.candidates_surviving == s.redundant + s.proved + s.unproved
    assert s.proved == len(run.theorems)
    assert s.candidates_generated >= s.candidates_surviving + s.candidates_refuted
    assert all(t.seconds >= 0 for t in run.theorems)


@pytest.mark.slow
def test_theorems_cite_only_earlier_theorems(run):
    seen: set[str] = set()
    for thm in run.theorems:
        assert set(thm.cites) <= seen, thm.name
        seen.add(thm.name)


@pytest.mark.slow
def test_runs_are_deterministic_and_expect_lines_do_not_steer(theory, document):
    again = json.loads(dumps(proofs_document(run_engine(strip_expects(theory)))))
    assert again["theory"] == document["theory"]  # expects are not part of the theory section
    assert dumps(again["theorems"]) == dumps(document["theorems"])
    without_expect = {k: v for k, v in document["run"].items() if k != "expect"}
    assert {k: v for k, v in again["run"].items() if k != "expect"} == without_expect


@pytest.mark.slow
def test_a_process_pool_gives_the_same_theorems(theory, document):
    parallel = json.loads(dumps(proofs_document(run_engine(theory, EngineConfig(workers=2)))))
    assert dumps(parallel) == dumps(document)  # byte for byte: proofs.json holds no timings


def test_the_run_summary_accounts_for_every_candidate(run):
    # speed and memory are measured by benchmarks/gl_peano, not asserted here: maxrss is the
    # whole test process's, and timings depend on the machine's load
    s = run.summary
    assert s.candidates_surviving == s.redundant + s.proved + s.unproved
    assert s.proved == len(run.theorems) and s.unproved == 0
