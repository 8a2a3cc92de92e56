"""Soundness search: whatever the checker accepts must be true in a model of the theory.

Two sources of documents: mutations (one or two stacked) of the engine's real proofs, and random
short derivations assembled from the primitive rules over a theory with a finite model (ℤ/3),
whose written formulas are sometimes perturbed (a binder renamed onto another name, a variable
swapped) so that the checker must decide. For every document the checker accepts, each theorem
is evaluated by `finite_models` (independent of the checker and of the engine's model code),
and in the random derivations every step too, as the universal closure of its open assumptions
implying it. An accepted theorem or step that is false there fails the test.

`HYPOTHESIS_PROFILE=explore AXIOMFORGE_SOUNDNESS_EXAMPLES=5000` hunts with fresh examples.
"""

from __future__ import annotations

import collections
import os
import random
from typing import Any

import pytest
from finite_models import MODELS, Model, evaluate, holds_for_all
from hypothesis import given, settings
from hypothesis import strategies as st
from proofs_fixtures import peano_document

from axiomforge.proofs.builder import app, eq, forall, rel, var
from axiomforge.proofs.checker import check_document
from axiomforge.proofs.mutation import OPERATORS, focus
from axiomforge.proofs.syntax import (
    QUANTIFIERS,
    alpha_eq,
    formula_to_json,
    free_vars,
    node_at,
    read_formula,
    replace_at,
    subst,
    term_positions,
    term_to_json,
)

EXAMPLES = int(os.environ.get("AXIOMFORGE_SOUNDNESS_EXAMPLES", "150"))
COUNTS: collections.Counter[str] = collections.Counter()

# ---------------------------------------------------------------- the models are models


def test_the_models_satisfy_their_theories(engine_theories, repo_root):
    from axiomforge.commands.proofs import theory_section

    theories = {**engine_theories, "peano_exp": theory_section(str(repo_root / "theories" / "peano_exp.mpl")),
                "cyclic": CYCLIC}  # fmt: skip
    for name, theory in theories.items():
        model = MODELS[name]()
        for axiom in theory["axioms"]:
            assert evaluate(axiom["formula"], model) is not False, (name, axiom["name"])
    for axiom in CYCLIC["axioms"]:
        assert evaluate(axiom["formula"], cyclic()) is True, axiom["name"]


def test_the_evaluator_finds_false_statements():
    a = var("a", "N")
    one = app("one")
    assert evaluate(forall("a", "N", eq(app("add", a, one), a)), MODELS["peano"]()) is False
    assert evaluate(forall("a", "N", eq(app("add", a, one), app("s", a))), MODELS["peano"]()) is None
    assert evaluate(forall("a", "N", eq(app("mul", a, app("zero")), app("zero"))), cyclic()) is True


def test_every_engine_theorem_is_not_false_in_the_model(engine_docs):
    for name, doc in engine_docs.items():
        model = MODELS[name]()
        for thm in doc["theorems"]:
            assert evaluate(thm["statement"], model) is not False, (name, thm["name"])


# ---------------------------------------------------------------- mutations of real proofs


def _accepted_theorems_hold(doc: dict[str, Any], theory: dict[str, Any] | None, model: Model) -> None:
    report = check_document(doc, theory)
    COUNTS["documents"] += 1
    COUNTS["documents accepted whole"] += report.ok  # e.g. two notation swaps that cancel out
    by_name = {t["name"]: t for t in doc["theorems"] if isinstance(t, dict) and isinstance(t.get("name"), str)}
    for name in report.checked:
        COUNTS["accepted theorems evaluated"] += 1
        assert evaluate(by_name[name]["statement"], model) is not False, f"accepted a false theorem: {name}"


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.sampled_from(["peano", "lists", "peano_order"]), st.integers(0, 2**32 - 1),
       st.lists(st.sampled_from(sorted(OPERATORS)), min_size=1, max_size=2))  # fmt: skip
def test_mutated_real_proofs_accepted_only_when_true(engine_docs, engine_theories, name, seed, operators):
    doc, rng = engine_docs[name], random.Random(seed)
    target = rng.choice(doc["theorems"])["name"]
    mutant = focus(doc, target)
    for op in operators:
        result = OPERATORS[op](mutant, rng)
        if result is None:
            return
        mutant = result.doc
        mutant.pop("later_theorems", None)
    COUNTS["mutants"] += 1
    for theory in (engine_theories[name], None):  # against the file, and against the document's own
        if theory is None and mutant["theory"] != engine_theories[name]:
            continue  # a tampered theory is only wrong relative to the file
        _accepted_theorems_hold(mutant, theory, MODELS[name]())


# ---------------------------------------------------------------- random derivations over ℤ/3

N = "N"
_a, _b = var("a", N), var("b", N)
CYCLIC: dict[str, Any] = {
    "name": "cyclic", "source": "tests/proofs/test_proofs_soundness.py", "source_sha256": "0" * 64, "sorts": [N],
    "functions": [
        {"name": "zero", "args": [], "result": N, "infix": None, "notation": "0"},
        {"name": "s", "args": [N], "result": N, "infix": None},
        {"name": "add", "args": [N, N], "result": N, "infix": "+"},
        {"name": "mul", "args": [N, N], "result": N, "infix": "*"},
        {"name": "one", "args": [], "result": N, "infix": None, "notation": "1"},
    ],
    "relations": [{"name": "le", "args": [N, N], "infix": "<="}],
    "axioms": [
        {"name": "add_zero", "kind": "axiom", "formula": forall("a", N, eq(app("add", _a, app("zero")), _a))},
        {"name": "add_succ", "kind": "axiom", "formula": forall("a", N, forall("b", N, eq(
            app("add", _a, app("s", _b)), app("s", app("add", _a, _b)))))},
        {"name": "mul_zero", "kind": "axiom", "formula": forall("a", N, eq(app("mul", _a, app("zero")), app("zero")))},
        {"name": "mul_succ", "kind": "axiom", "formula": forall("a", N, forall("b", N, eq(
            app("mul", _a, app("s", _b)), app("add", app("mul", _a, _b), _a))))},
        {"name": "one_def", "kind": "definition", "formula": eq(app("one"), app("s", app("zero")))},
        {"name": "cycle", "kind": "axiom", "formula": eq(app("s", app("s", app("s", app("zero")))), app("zero"))},
        {"name": "le_refl", "kind": "axiom", "formula": forall("a", N, rel("le", _a, _a))},
        {"name": "le_zero", "kind": "axiom", "formula": forall("a", N, rel("le", app("zero"), _a))},
    ],
    "induction": [{"sort": N, "constructors": [{"name": "zero", "args": []}, {"name": "s", "args": [N]}]}],
}  # fmt: skip


def cyclic() -> Model:
    return MODELS["cyclic"]()


NAMES = ("a", "b", "c")
Node = tuple[Any, ...]


class Deriver:
    """Builds a derivation step by step, mirroring the rules; `write` may perturb the formula."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.steps: list[dict[str, Any]] = []
        self.formulas: dict[int, Node] = {}
        self.open: dict[int, frozenset[int]] = {}
        self.axioms = {a["name"]: read_formula(a["formula"]) for a in CYCLIC["axioms"]}

    def term(self, depth: int = 2) -> Node:
        r = self.rng.random()
        if depth == 0 or r < 0.4:
            return ("v", self.rng.choice(NAMES), N) if self.rng.random() < 0.6 else ("f", self.rng.choice(["zero", "one"]), ())
        if r < 0.7:
            return ("f", "s", (self.term(depth - 1),))
        return ("f", self.rng.choice(["add", "mul"]), (self.term(depth - 1), self.term(depth - 1)))

    def atom(self) -> Node:
        r = self.rng.random()
        if r < 0.6:
            return ("=", self.term(), self.term())
        if r < 0.9:
            return ("rel", "le", (self.term(1), self.term(1)))
        return ("false",) if r < 0.95 else ("true",)

    def formula(self, depth: int = 2) -> Node:
        r = self.rng.random()
        if depth == 0 or r < 0.4:
            return self.atom()
        if r < 0.55:
            return ("not", self.formula(depth - 1))
        if r < 0.8:
            return (self.rng.choice(["and", "or", "implies"]), self.formula(depth - 1), self.formula(depth - 1))
        return (self.rng.choice(QUANTIFIERS), (self.rng.choice(NAMES), N), self.formula(depth - 1))

    def perturb(self, formula: Node) -> Node:
        """A nearby formula: one variable occurrence or one binder renamed (often captured)."""
        spots = [list(p) for p in term_positions(formula) if node_at(formula, list(p))[0][0] == "v"]
        binders = [p for p in _binder_paths(formula)]
        if binders and (not spots or self.rng.random() < 0.5):
            path = self.rng.choice(binders)
            node, _ = node_at(formula, path)
            name = self.rng.choice(NAMES)
            return replace_at(formula, path, (node[0], (name, N), _rename_naive(node[2], node[1], name)))
        if spots:
            return replace_at(formula, self.rng.choice(spots), ("v", self.rng.choice(NAMES), N))
        return formula

    def add(self, rule: str, formula: Node, premises: list[int], opened: frozenset[int], **fields: Any) -> int:
        sid = len(self.steps) + 1
        written = self.perturb(formula) if self.rng.random() < 0.15 else formula
        self.steps.append({"id": sid, "rule": rule, "formula": formula_to_json(written), "premises": premises, **fields})
        self.formulas[sid], self.open[sid] = written, opened
        return sid

    def opened(self, premises: list[int]) -> frozenset[int]:
        return frozenset().union(*(self.open[p] for p in premises)) if premises else frozenset()

    def pick(self, want: Any) -> int | None:
        """A step whose formula fits, the latest one half of the time (so chains grow)."""
        ids = [i for i, f in self.formulas.items() if want(f)]
        if ids and self.rng.random() < 0.5:
            return ids[-1]
        return self.rng.choice(ids) if ids else None

    def step(self) -> None:
        rng, F = self.rng, self.formulas
        rule = rng.choice(["axiom", "axiom", "assume", "refl", "inst", "inst", "gen", "gen", "gen", "symm", "trans", "rewrite",
                           "rewrite", "mp", "imp_intro", "not_elim", "false_elim", "and_intro", "and_elim",
                           "or_intro", "exists_intro"])  # fmt: skip
        if rule == "axiom":
            name = rng.choice(sorted(self.axioms))
            self.add("axiom", self.axioms[name], [], frozenset(), ref=name)
        elif rule == "assume":
            sid = len(self.steps) + 1
            self.add("assume", self.formula(), [], frozenset({sid}))
        elif rule == "refl":
            t = self.term()
            self.add("refl", ("=", t, t), [], frozenset())
        elif rule == "inst":
            p = self.pick(lambda f: f[0] == "forall")
            if p is None:
                return
            body, keys = F[p], []
            while body[0] == "forall" and (not keys or rng.random() < 0.6):
                if body[1] in keys:
                    break
                keys.append(body[1])
                body = body[2]
            sigma = {k: self.term(1) for k in keys}
            self.add("inst", subst(body, sigma), [p], self.opened([p]),
                     subst={k[0]: term_to_json(t) for k, t in sigma.items()})  # fmt: skip
        elif rule == "gen" and F:
            p = self.pick(lambda f: True)
            assert p is not None
            v = (rng.choice(NAMES), N)
            if any(v in free_vars(F[a]) for a in self.open[p]) and rng.random() < 0.8:
                return
            self.add("gen", ("forall", v, F[p]), [p], self.opened([p]), var=list(v))
        elif rule == "symm":
            p = self.pick(lambda f: f[0] == "=")
            if p is not None:
                self.add("symm", ("=", F[p][2], F[p][1]), [p], self.opened([p]))
        elif rule == "trans":
            pairs = [(i, j) for i in F for j in F if F[i][0] == "=" == F[j][0] and F[i][2] == F[j][1]]
            if pairs:
                i, j = rng.choice(pairs)
                self.add("trans", ("=", F[i][1], F[j][2]), [i, j], self.opened([i, j]))
        elif rule == "rewrite":
            options = [(e, t, list(path)) for e in F if F[e][0] == "=" for t in F
                       for path in term_positions(F[t]) if node_at(F[t], list(path))[0] == F[e][1]]  # fmt: skip
            if options:
                e, t, path = rng.choice(options)
                self.add("rewrite", replace_at(F[t], path, F[e][2]), [e, t], self.opened([e, t]), path=path)
        elif rule == "mp":
            pairs = [(i, j) for i in F if F[i][0] == "implies" for j in F if alpha_eq(F[i][1], F[j])]
            if pairs:
                i, j = rng.choice(pairs)
                self.add("mp", F[i][2], [i, j], self.opened([i, j]))
        elif rule == "imp_intro" and F:
            assumptions = [i for i, s in enumerate(self.steps, 1) if s["rule"] == "assume"]
            if assumptions:
                a, p = rng.choice(assumptions), rng.choice(sorted(F))
                self.add("imp_intro", ("implies", F[a], F[p]), [p], self.opened([p]) - {a}, discharges=a)
        elif rule == "not_elim":
            pairs = [(i, j) for i in F if F[i][0] == "not" for j in F if alpha_eq(F[i][1], F[j])]
            if pairs:
                i, j = rng.choice(pairs)
                self.add("not_elim", ("false",), [i, j], self.opened([i, j]))
        elif rule == "false_elim":
            p = self.pick(lambda f: f == ("false",))
            if p is not None:
                self.add("false_elim", self.formula(), [p], self.opened([p]))
        elif rule == "and_intro" and F:
            i, j = rng.choice(sorted(F)), rng.choice(sorted(F))
            self.add("and_intro", ("and", F[i], F[j]), [i, j], self.opened([i, j]))
        elif rule == "and_elim":
            p = self.pick(lambda f: f[0] == "and")
            if p is not None:
                side = rng.randrange(2)
                self.add("and_elim", F[p][1 + side], [p], self.opened([p]), side=side)
        elif rule == "or_intro" and F:
            p, side = rng.choice(sorted(F)), rng.randrange(2)
            other = self.formula(1)
            self.add("or_intro", ("or", F[p], other) if side == 0 else ("or", other, F[p]), [p], self.opened([p]),
                     side=side)  # fmt: skip
        elif rule == "exists_intro" and F:
            p = rng.choice(sorted(F))
            spots = [list(q) for q in term_positions(F[p])]
            if spots:
                witness = node_at(F[p], rng.choice(spots))[0]
                x = (rng.choice(NAMES), N)
                body = _abstract(F[p], witness, x)
                self.add("exists_intro", ("exists", x, body), [p], self.opened([p]), var=list(x),
                         term=term_to_json(witness))  # fmt: skip

    def close(self) -> dict[str, Any]:
        """Discharge what is open, generalise what is free: a closed theorem from the last step."""
        last = len(self.steps)
        for a in sorted(self.open[last]):
            last = self.add("imp_intro", ("implies", self.formulas[a], self.formulas[last]), [last],
                            self.open[last] - {a}, discharges=a)  # fmt: skip
        for v in sorted(free_vars(self.formulas[last])):
            last = self.add("gen", ("forall", v, self.formulas[last]), [last], self.open[last], var=list(v))
        statement = formula_to_json(self.formulas[last])
        thm = {"name": "random", "statement": statement, "method": "random", "cites": [], "steps": self.steps}
        return {"format": "axiomforge-proofs", "version": 1, "theory": CYCLIC, "theorems": [thm]}


def _binder_paths(node: Node, prefix: tuple[int, ...] = ()) -> list[list[int]]:
    out = [list(prefix)] if node[0] in QUANTIFIERS else []
    if node[0] in QUANTIFIERS:
        return out + _binder_paths(node[2], (*prefix, 0))
    if node[0] == "not":
        return _binder_paths(node[1], (*prefix, 0))
    if node[0] in ("and", "or", "implies", "iff"):
        return _binder_paths(node[1], (*prefix, 0)) + _binder_paths(node[2], (*prefix, 1))
    return out


def _rename_naive(node: Any, old: tuple[str, str], new: str) -> Any:
    """Rename the free occurrences of `old` without regard for capture (a forger's renaming)."""
    if isinstance(node, tuple) and node[:1] == ("v",) and (node[1], node[2]) == old:
        return ("v", new, node[2])
    if isinstance(node, tuple) and node[:1] in (("forall",), ("exists",)) and node[1] == old:
        return node
    if isinstance(node, tuple):
        return tuple(_rename_naive(x, old, new) for x in node)
    return node


def _abstract(node: Any, term: Node, x: tuple[str, str]) -> Any:
    """Every occurrence of `term` replaced by the variable x (naively: exists_intro must check)."""
    if node == term:
        return ("v", *x)
    if isinstance(node, tuple) and node[:1] in (("forall",), ("exists",)):
        return (node[0], node[1], _abstract(node[2], term, x))
    if isinstance(node, tuple):
        return tuple(_abstract(p, term, x) for p in node)
    return node


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(2, 12))
def test_random_derivations_accepted_only_when_true(rng, length):
    deriver = Deriver(rng)
    for _ in range(length * 3):
        if len(deriver.steps) >= length:
            break
        deriver.step()
    if not deriver.steps:
        return
    doc = deriver.close()
    COUNTS["random derivations"] += 1
    report = check_document(doc, CYCLIC)
    if not report.ok:
        return
    COUNTS["random derivations accepted"] += 1
    model = cyclic()
    assert evaluate(doc["theorems"][0]["statement"], model) is True, doc["theorems"][0]["statement"]
    for sid, step in enumerate(deriver.steps, 1):  # every step, under its open assumptions
        claim = step["formula"]
        for a in sorted(deriver.open[sid], reverse=True):
            claim = {"op": "implies", "a": [deriver.steps[a - 1]["formula"], claim]}
        assert holds_for_all(claim, model) is not False, (sid, step)


def test_hand_written_proofs_hold_in_the_naturals():
    doc = peano_document()
    for thm in doc["theorems"]:
        assert evaluate(thm["statement"], MODELS["peano"]()) is not False, thm["name"]


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    print("\nsoundness search:", dict(sorted(COUNTS.items())))
