"""Valid but unusual theories: the engine finishes, and whatever it reports checks and is true."""

from __future__ import annotations

import json

import pytest

from axiomforge.logic.conjecture import ConjectureConfig
from axiomforge.logic.engine import EngineConfig, run_engine
from axiomforge.logic.ir import theory_to_json
from axiomforge.logic.models import FiniteModel
from axiomforge.logic.output import dumps, proofs_document
from axiomforge.logic.parser import parse_theory_text
from axiomforge.proofs.checker import check_document

HEAD = """theory odd
sort N
const zero : N notation "0"
function s : N -> N
function add : N, N -> N infix "+" precedence 6 left
induction N : zero, s
"""

ODD = {
    "commutativity as an axiom": "axiom add_zero : forall a. a + 0 = a\naxiom add_comm : forall a b. a + b = b + a\n",
    "no axioms at all": "",
    "looping axiom": "axiom loop : forall a. a + 0 = 0 + a\naxiom add_succ : forall a b. a + s(b) = s(a + b)\n",
    "variable on the left": "axiom weird : forall a. a = a + 0\n",
    "relation without definition": "relation le : N, N\naxiom le_zero : forall a. le(0, a)\n",
    "no induction": "",
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_theory_runs_soundly(name):
    head = HEAD if name != "no induction" else HEAD.replace("induction N : zero, s\n", "")
    theory = parse_theory_text(head + ODD[name], f"{name}.mpl")
    result = run_engine(theory, EngineConfig(conjecture=ConjectureConfig(max_size=5)))
    doc = json.loads(dumps(proofs_document(result)))
    report = check_document(doc, theory_to_json(theory))
    assert report.ok, report.summary()
    model = FiniteModel(theory)
    for thm in result.theorems:
        assert model.counterexample(thm.statement) is None, thm.name
