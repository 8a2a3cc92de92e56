"""The tamper suite: hundreds of random mutations of valid proofs, every one rejected.

Runs on the engine's Peano and lists output (tests/proofs/data, regenerate.py) and on the
hand-written proofs. The unmutated documents are accepted; a mutant counts as rejected when the
checker does not accept the (focused) document: each mutant holds the attacked theorem and the
theorems it depends on, which is all its verdict depends on.
"""

from __future__ import annotations

import collections
import copy

import pytest

from axiomforge.proofs.checker import check_document
from axiomforge.proofs.mutation import OPERATORS, Mutant, focus, random_mutants

COUNT = {"peano": 450, "lists": 300, "peano_order": 300}


def _run_suite(doc, theory, count, seed, label):
    assert check_document(doc, theory).ok, "the unmutated document must check"
    mutants = random_mutants(doc, count, seed=seed)
    assert len(mutants) == count
    accepted: list[Mutant] = []
    by_kind: collections.Counter[str] = collections.Counter()
    for mutant in mutants:
        by_kind[mutant.kind] += 1
        if check_document(mutant.doc, theory).ok:
            accepted.append(mutant)
    rejected = count - len(accepted)
    print(f"\n{label}: {rejected}/{count} mutants rejected ({100 * rejected / count:.1f}%)")
    for kind, n in sorted(by_kind.items()):
        print(f"  {kind:<36} {n}")
    assert not accepted, [(m.kind, m.theorem, m.description) for m in accepted[:5]]
    return by_kind


@pytest.mark.parametrize("name", ["peano", "lists", "peano_order"])
def test_every_mutation_of_engine_proofs_is_rejected(engine_docs, engine_theories, name):
    doc = engine_docs[name]
    before = copy.deepcopy(doc) if name == "lists" else None
    by_kind = _run_suite(doc, engine_theories[name], COUNT[name], seed=2026, label=f"{name} (engine)")
    # every operator of the list is exercised
    assert set(by_kind) == {
        "drop a step", "swap a premise", "change a term", "change a field", "rename a variable",
        "cite an unproved theorem", "citation cycle", "induction without its hypothesis",
        "change the statement", "smuggle an axiom", "binder shadowing", "rebinding forgery",
        "capture in a substitution", "notation swap", "schema forgery",
    }  # fmt: skip
    assert min(by_kind.values()) >= 10
    if before is not None:
        assert doc == before, "mutations must not touch the original document"


def test_every_mutation_of_hand_written_proofs_is_rejected(hand_doc, hand_theory):
    _run_suite(hand_doc, hand_theory, 200, seed=7, label="peano (hand-written)")


def test_full_document_mutants_are_rejected_too(engine_docs, engine_theories):
    # a few mutants checked inside the whole document rather than a focused one
    doc, theory = engine_docs["peano"], engine_theories["peano"]
    names = [t["name"] for t in doc["theorems"]]
    for mutant in random_mutants(doc, 10, seed=5):
        full = copy.deepcopy(doc)
        index = names.index(mutant.theorem)
        focused = mutant.doc["theorems"]
        attacked = [t for t in focused if t["name"] == mutant.theorem or t["name"] not in names]
        full["theorems"][index : index + 1] = attacked
        full["theory"] = mutant.doc["theory"]
        assert not check_document(full, theory).ok, (mutant.kind, mutant.description)


def test_focus_keeps_what_a_theorem_depends_on(engine_docs, engine_theories):
    doc = engine_docs["peano"]
    last = doc["theorems"][-1]["name"]
    focused = focus(doc, last)
    focused.pop("later_theorems")
    assert focused["theorems"][-1]["name"] == last
    assert check_document(focused, engine_theories["peano"]).ok


def test_operators_are_deterministic(hand_doc):
    a = [(m.kind, m.description) for m in random_mutants(hand_doc, 30, seed=11)]
    b = [(m.kind, m.description) for m in random_mutants(hand_doc, 30, seed=11)]
    assert a == b and len(OPERATORS) == 15


# kinds whose forgery lies in a step: the failure names the attacked theorem and a step
STEP_FORGERIES = ("binder shadowing", "rebinding forgery", "capture in a substitution", "schema forgery")


@pytest.mark.parametrize("name", ["peano", "lists", "peano_order"])
def test_binder_notation_and_schema_forgeries_are_rejected_by_name(engine_docs, engine_theories, name):
    theory = engine_theories[name]
    mutants = [m for m in random_mutants(engine_docs[name], 300, seed=12)
               if m.kind in (*STEP_FORGERIES, "notation swap")]  # fmt: skip
    kinds = collections.Counter(m.kind for m in mutants)
    assert set(kinds) >= {"binder shadowing", "rebinding forgery", "notation swap", "schema forgery"}, kinds
    for mutant in mutants:
        report = check_document(mutant.doc, theory)
        assert not report.ok, (mutant.kind, mutant.description)
        if mutant.kind == "notation swap":  # no step is wrong: the document's display is
            assert "notation differs" in report.failures[0].reason and report.failures[0].theorem is None
            continue
        failure = report.failure_for(mutant.theorem)
        assert failure is not None and failure.step is not None, (mutant.kind, mutant.description, report.failures)
        if mutant.kind == "schema forgery":  # without the theory file too: no base constructor
            alone = check_document(mutant.doc)
            assert not alone.ok and "no base constructor" in alone.failures[0].reason
            named = [f for f in alone.failures if f.theorem is not None and f.step is not None]
            assert named and all("no base constructor" in f.reason for f in named)
