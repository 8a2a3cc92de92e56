"""Logic blocks as a message-passing network (Rete-style), used for forward reasoning on facts.

Conditional laws (`s(a) = s(b) → a = b`, `a + c = b + c → a = b`, an induction hypothesis
`∀a b. a + c = b + c → a = b`, `∀n. s(n) ≠ 0`) compile into a network:

- a *pattern block* per distinct premise pattern tests each incoming fact (an equation or a
  negated equation, in either orientation) and emits partial matches (substitution + fact);
  rules that share a premise pattern share its block;
- a *join block* per rule and premise position combines partial matches that agree on shared
  variables (left-deep chain, memories on both sides);
- a *production block* at the end of each chain emits an activation: the rule, the complete
  substitution and the premise facts, i.e. the provenance of the fact it will derive.

Semi-naive: a new fact is the only message that triggers work; it is joined against the stored
memories and never re-joined with itself. Deterministic: facts enter in the order they are
posted, blocks are visited in compilation order, and activations leave in a FIFO agenda.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from axiomforge.logic.ir import Eq, Formula, Not, Rel, Term, Var
from axiomforge.logic.proof import Citation
from axiomforge.logic.terms import formula_key, match


@dataclass(frozen=True)
class HornRule:
    """∀vars. P1 → … → Pn → C (or (P1 ∧ P2) → C), with Pi equations or negated equations.

    `negative` marks a negated law `∀vars. ¬(l = r)`: its single premise is `l = r` and it
    derives `false` by not_elim."""

    name: str
    variables: tuple[Var, ...]
    premises: tuple[Formula, ...]
    conclusion: Formula
    citation: Citation
    conjunctive: bool = False
    negative: bool = False
    match_premises: tuple[Formula, ...] | None = None  # normal forms of the premises, for matching

    @property
    def patterns(self) -> tuple[Formula, ...]:
        return self.match_premises if self.match_premises is not None else self.premises


@dataclass(frozen=True)
class Fact:
    formula: Formula  # a ground Eq or Not(Eq) (eigenvariables allowed)
    step: int


@dataclass(frozen=True)
class PremiseMatch:
    fact: Fact
    swapped: bool  # the fact matched with its sides exchanged (a symm step is needed)


@dataclass(frozen=True)
class Activation:
    rule: HornRule
    sigma: tuple[tuple[Var, Term], ...]
    matches: tuple[PremiseMatch, ...]

    def key(self) -> tuple[str, ...]:
        return (self.rule.name, *(f"{v.name}:{formula_key(Eq(t, t))}" for v, t in self.sigma))


def match_fact(pattern: Formula, fact: Fact, pattern_vars: frozenset[Var]) -> list[tuple[dict[Var, Term], bool]]:
    """Substitutions under which the fact is an instance of the pattern (both orientations)."""
    p, f = pattern, fact.formula
    if isinstance(p, Rel) or isinstance(f, Rel):
        if not (isinstance(p, Rel) and isinstance(f, Rel) and p.name == f.name and len(p.args) == len(f.args)):
            return []
        sigma: dict[Var, Term] | None = {}
        for pa, fa in zip(p.args, f.args):
            sigma = match(pa, fa, pattern_vars, sigma)
            if sigma is None:
                return []
        return [(sigma, False)] if sigma is not None else []
    negated = False
    if isinstance(p, Not) and isinstance(f, Not):
        p, f, negated = p.body, f.body, True
    if not (isinstance(p, Eq) and isinstance(f, Eq)) or (isinstance(pattern, Not) != negated):
        return []
    out: list[tuple[dict[Var, Term], bool]] = []
    for swapped, (fl, fr) in ((False, (f.lhs, f.rhs)), (True, (f.rhs, f.lhs))):
        sigma = match(p.lhs, fl, pattern_vars)
        if sigma is not None:
            sigma = match(p.rhs, fr, pattern_vars, sigma)
        if sigma is not None and all(sigma != s for s, _ in out):
            out.append((sigma, swapped))
    return out


@dataclass
class _PatternBlock:
    pattern: Formula
    pattern_vars: frozenset[Var]
    successors: list[tuple[_JoinBlock, int]] = field(default_factory=list)


@dataclass
class _JoinBlock:
    """Holds, per premise position, the partial matches (tokens) of premises 1..k."""

    rule: HornRule
    tokens: list[list[tuple[dict[Var, Term], tuple[PremiseMatch, ...]]]]
    alpha: list[list[tuple[dict[Var, Term], PremiseMatch]]]


class Network:
    def __init__(self, rules: list[HornRule]) -> None:
        self.blocks: dict[str, _PatternBlock] = {}
        self.joins: list[_JoinBlock] = []
        self.agenda: deque[Activation] = deque()
        self.seen_facts: set[str] = set()
        self.seen_activations: set[tuple[str, ...]] = set()
        for rule in rules:
            self.add_rule(rule)

    def add_rule(self, rule: HornRule) -> None:
        n = len(rule.premises)
        join = _JoinBlock(rule, [[] for _ in range(n + 1)], [[] for _ in range(n)])
        join.tokens[0].append(({}, ()))
        self.joins.append(join)
        for i, premise in enumerate(rule.patterns):
            key = f"{sorted((v.name, v.sort) for v in rule.variables)}|{formula_key(premise)}"
            block = self.blocks.get(key)
            if block is None:
                block = _PatternBlock(premise, frozenset(rule.variables))
                self.blocks[key] = block
            block.successors.append((join, i))

    def post(self, fact: Fact) -> None:
        """Send one fact through the pattern blocks; complete matches go to the agenda."""
        key = formula_key(fact.formula)
        if key in self.seen_facts:
            return
        self.seen_facts.add(key)
        for block in self.blocks.values():
            for sigma, swapped in match_fact(block.pattern, fact, block.pattern_vars):
                pm = PremiseMatch(fact, swapped)
                for join, position in block.successors:
                    join.alpha[position].append((sigma, pm))
                    self._extend(join, position, [(tok_sigma, tok) for tok_sigma, tok in join.tokens[position]], sigma, pm)

    def _extend(self, join: _JoinBlock, position: int, left: list, sigma: dict[Var, Term], pm: PremiseMatch) -> None:
        """Join the new partial match at `position` with stored tokens, then run it down the chain."""
        frontier: list[tuple[dict[Var, Term], tuple[PremiseMatch, ...]]] = []
        for tok_sigma, tok in left:
            merged = _merge(tok_sigma, sigma)
            if merged is not None:
                frontier.append((merged, (*tok, pm)))
        k = position + 1
        while frontier:
            join.tokens[k].extend(frontier)
            if k == len(join.rule.premises):
                for s, tok in frontier:
                    self._activate(join.rule, s, tok)
                return
            nxt = []
            for s, tok in frontier:
                for a_sigma, a_pm in join.alpha[k]:
                    merged = _merge(s, a_sigma)
                    if merged is not None:
                        nxt.append((merged, (*tok, a_pm)))
            frontier, k = nxt, k + 1

    def _activate(self, rule: HornRule, sigma: dict[Var, Term], matches: tuple[PremiseMatch, ...]) -> None:
        if any(v not in sigma for v in rule.variables):
            return  # a variable only in the conclusion: no instance to derive
        act = Activation(rule, tuple((v, sigma[v]) for v in rule.variables), matches)
        key = act.key() + tuple(formula_key(m.fact.formula) for m in matches)
        if key in self.seen_activations:
            return
        self.seen_activations.add(key)
        self.agenda.append(act)

    def pop(self) -> Activation | None:
        return self.agenda.popleft() if self.agenda else None


def _merge(a: dict[Var, Term], b: dict[Var, Term]) -> dict[Var, Term] | None:
    out = dict(a)
    for k, v in b.items():
        if k in out and out[k] != v:
            return None
        out[k] = v
    return out
