"""Proof objects: a builder of the primitive steps of docs/proof-format.md.

Every method adds exactly one primitive step and computes the formula it derives, the way the
independent checker will recompute it, so the engine can never emit a step it did not mean.
Steps keep IR formulas; `steps_to_json` turns them into the file format at the edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from axiomforge.logic.ir import (
    Binary,
    Eq,
    Formula,
    Not,
    Quant,
    Term,
    Truth,
    Var,
    formula_to_json,
    free_vars,
    term_to_json,
)
from axiomforge.logic.terms import at_path, replace_at, substitute, substitute_formula


class ProofError(Exception):
    """The engine tried to build an ill-formed step: a bug, caught per goal so a run survives."""


@dataclass(frozen=True)
class Citation:
    """Where a premise comes from: an axiom, an earlier theorem, or a step of the current proof."""

    kind: Literal["axiom", "theorem", "step"]
    name: str
    formula: Formula
    step: int = -1


@dataclass
class Step:
    id: int
    rule: str
    formula: Formula
    premises: tuple[int, ...] = ()
    fields: dict[str, object] = field(default_factory=dict)


class ProofBuilder:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._cited: dict[tuple[str, str], int] = {}
        self.open: dict[int, frozenset[int]] = {}  # step id -> open assumption ids

    # -- bookkeeping

    def formula(self, sid: int) -> Formula:
        return self.steps[sid].formula

    def _add(self, rule: str, formula: Formula, premises: tuple[int, ...] = (), **fields: object) -> int:
        sid = len(self.steps)
        self.steps.append(Step(sid, rule, formula, premises, dict(fields)))
        opened: frozenset[int] = frozenset().union(*(self.open[p] for p in premises)) if premises else frozenset()
        if rule == "assume":
            opened = opened | {sid}
        discharged = fields.get("discharges")
        if isinstance(discharged, int):
            opened = opened - {discharged}
        elif isinstance(discharged, list):
            opened = opened - set(discharged)
        self.open[sid] = opened
        return sid

    def cite(self, citation: Citation) -> int:
        if citation.kind == "step":
            return citation.step
        key = (citation.kind, citation.name)
        if key not in self._cited:
            self._cited[key] = self._add(citation.kind, citation.formula, ref=citation.name)
        return self._cited[key]

    # -- rules

    def assume(self, formula: Formula) -> int:
        return self._add("assume", formula)

    def inst(self, sid: int, pairs: Sequence[tuple[Var, Term]]) -> int:
        if not pairs:
            return sid
        body = self.formula(sid)
        mapping: dict[Var, Term] = {}
        for var, term in pairs:
            if not (isinstance(body, Quant) and body.kind == "forall" and body.var == var):
                raise ProofError(f"inst: expected ∀{var.name}")
            mapping[var] = term
            body = body.body
        result = substitute_formula(body, mapping)
        subst = {v.name: term_to_json(t) for v, t in pairs}
        return self._add("inst", result, (sid,), subst=subst)

    def gen(self, sid: int, var: Var) -> int:
        for a in self.open[sid]:
            if var in free_vars(self.formula(a)):
                raise ProofError(f"gen: {var.name} free in an open assumption")
        return self._add("gen", Quant("forall", var, self.formula(sid)), (sid,), var=[var.name, var.sort])

    def refl(self, term: Term) -> int:
        return self._add("refl", Eq(term, term))

    def symm(self, sid: int) -> int:
        f = self.formula(sid)
        if not isinstance(f, Eq):
            raise ProofError("symm of a non-equation")
        return self._add("symm", Eq(f.rhs, f.lhs), (sid,))

    def trans(self, s1: int, s2: int) -> int:
        f1, f2 = self.formula(s1), self.formula(s2)
        if not (isinstance(f1, Eq) and isinstance(f2, Eq) and f1.rhs == f2.lhs):
            raise ProofError("trans: middle terms differ")
        return self._add("trans", Eq(f1.lhs, f2.rhs), (s1, s2))

    def rewrite(self, eq_sid: int, sid: int, path: tuple[int, ...]) -> int:
        eq = self.formula(eq_sid)
        target = self.formula(sid)
        if not isinstance(eq, Eq) or not isinstance(target, Eq) or not path:
            raise ProofError("rewrite needs an equation and an equation target")
        side = target.lhs if path[0] == 0 else target.rhs
        if at_path(side, path[1:]) != eq.lhs:
            raise ProofError("rewrite: subterm differs from the equation's left side")
        new_side = replace_at(side, path[1:], eq.rhs)
        result = Eq(new_side, target.rhs) if path[0] == 0 else Eq(target.lhs, new_side)
        return self._add("rewrite", result, (eq_sid, sid), path=list(path))

    def mp(self, imp_sid: int, a_sid: int) -> int:
        imp = self.formula(imp_sid)
        if not (isinstance(imp, Binary) and imp.op == "implies" and imp.left == self.formula(a_sid)):
            raise ProofError("mp: premise does not match")
        return self._add("mp", imp.right, (imp_sid, a_sid))

    def imp_intro(self, sid: int, hyp: int) -> int:
        return self._add("imp_intro", Binary("implies", self.formula(hyp), self.formula(sid)), (sid,), discharges=hyp)

    def not_intro(self, false_sid: int, hyp: int) -> int:
        if self.formula(false_sid) != Truth(False):
            raise ProofError("not_intro needs false")
        return self._add("not_intro", Not(self.formula(hyp)), (false_sid,), discharges=hyp)

    def not_elim(self, neg_sid: int, a_sid: int) -> int:
        neg = self.formula(neg_sid)
        if not (isinstance(neg, Not) and neg.body == self.formula(a_sid)):
            raise ProofError("not_elim: premise does not match")
        return self._add("not_elim", Truth(False), (neg_sid, a_sid))

    def false_elim(self, false_sid: int, formula: Formula) -> int:
        return self._add("false_elim", formula, (false_sid,))

    def or_intro(self, sid: int, disjunction: Binary, side: int) -> int:
        part = disjunction.left if side == 0 else disjunction.right
        if part != self.formula(sid):
            raise ProofError("or_intro: disjunct differs")
        return self._add("or_intro", disjunction, (sid,), side=side)

    def or_elim(self, d_sid: int, c1: int, c2: int, h1: int, h2: int) -> int:
        d = self.formula(d_sid)
        if not (isinstance(d, Binary) and d.op == "or"):
            raise ProofError("or_elim of a non-disjunction")
        if self.formula(h1) != d.left or self.formula(h2) != d.right or self.formula(c1) != self.formula(c2):
            raise ProofError("or_elim: cases do not fit")
        sid = len(self.steps)
        self.steps.append(Step(sid, "or_elim", self.formula(c1), (d_sid, c1, c2), {"discharges": [h1, h2]}))
        self.open[sid] = self.open[d_sid] | (self.open[c1] - {h1}) | (self.open[c2] - {h2})
        return sid

    def and_intro(self, s1: int, s2: int) -> int:
        return self._add("and_intro", Binary("and", self.formula(s1), self.formula(s2)), (s1, s2))

    def and_elim(self, sid: int, side: int) -> int:
        f = self.formula(sid)
        if not (isinstance(f, Binary) and f.op == "and"):
            raise ProofError("and_elim of a non-conjunction")
        return self._add("and_elim", f.left if side == 0 else f.right, (sid,), side=side)

    def iff_elim(self, sid: int, side: int) -> int:
        f = self.formula(sid)
        if not (isinstance(f, Binary) and f.op == "iff"):
            raise ProofError("iff_elim of a non-equivalence")
        a, b = (f.left, f.right) if side == 0 else (f.right, f.left)
        return self._add("iff_elim", Binary("implies", a, b), (sid,), side=side)

    def exists_elim(self, ex_sid: int, c_sid: int, hyp: int, var: Var) -> int:
        ex = self.formula(ex_sid)
        if not (isinstance(ex, Quant) and ex.kind == "exists"):
            raise ProofError("exists_elim of a non-existential")
        if substitute_formula(ex.body, {ex.var: var}) != self.formula(hyp):
            raise ProofError("exists_elim: assumption is not the instance")
        c = self.formula(c_sid)
        others = (self.open[ex_sid] | self.open[c_sid]) - {hyp}
        if var in free_vars(c) or var in free_vars(ex) or any(var in free_vars(self.formula(a)) for a in others):
            raise ProofError("exists_elim: witness variable not fresh")
        return self._add("exists_elim", c, (ex_sid, c_sid), discharges=hyp, var=[var.name, var.sort])

    def exists_intro(self, sid: int, target: Quant, term: Term) -> int:
        if substitute_formula(target.body, {target.var: term}) != self.formula(sid):
            raise ProofError("exists_intro: witness does not fit")
        return self._add(
            "exists_intro", target, (sid,), var=[target.var.name, target.var.sort], term=term_to_json(term)
        )

    def induction(self, premises: tuple[int, ...], var: Var, formula: Quant, rule: str = "induction") -> int:
        return self._add(rule, formula, premises, var=[var.name, var.sort], formula_field=formula)


def eq_instance(builder: ProofBuilder, citation: Citation, variables: tuple[Var, ...], sigma: dict[Var, Term]) -> int:
    """A step deriving the cited equation instantiated by sigma.

    A leading variable that sigma leaves unbound occurs in neither side of the rule that matched
    (it vanished when the cited equation was normalised, as `a` in `a·0 = 0·b`); any term
    instantiates it soundly, and the variable itself is the simplest.
    """
    sid = builder.cite(citation)
    return builder.inst(sid, [(v, sigma.get(v, v)) for v in variables])


def steps_to_json(builder: ProofBuilder) -> list[dict[str, object]]:
    """The steps in file form; `formula_field` becomes the induction step's `formula` field."""
    out: list[dict[str, object]] = []
    for step in builder.steps:
        entry: dict[str, object] = {"id": step.id, "rule": step.rule, "formula": formula_to_json(step.formula)}
        if step.premises:
            entry["premises"] = list(step.premises)
        for key, value in step.fields.items():
            if key == "formula_field":
                continue
            entry[key] = value
        out.append(entry)
    return out


def substitute_term(term: Term, mapping: dict[Var, Term]) -> Term:
    return substitute(term, mapping)
