"""Equational reasoning: oriented and ordered rewrite rules, normal forms with a replayable trace.

An equation becomes a rule `l -> r` when l >_lpo r for every instance (the defining axioms,
`0 + a = a`, associativity); an equation neither side of which dominates (commutativity,
left-commutativity) becomes an *ordered* rule, applied to an instance only when the instance
decreases in the ground order. Both keep rewriting terminating; with the AC laws as ordered rules,
sums and products get a canonical arrangement. Each rewrite is recorded so the proof builder can
replay it as `inst` + `rewrite` steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from axiomforge.logic.ir import App, Eq, Term, Var
from axiomforge.logic.proof import Citation, ProofBuilder, eq_instance
from axiomforge.logic.terms import Precedence, lpo_greater, match, substitute, term_key, vars_in_order


class BudgetExceeded(Exception):
    """A normalisation or search went past its step budget (per goal, deterministic)."""


@dataclass(frozen=True)
class Rule:
    name: str
    lhs: Term
    rhs: Term
    variables: tuple[Var, ...]  # the cited formula's leading ∀ variables, in order
    citation: Citation
    flipped: bool = False  # the cited equation reads rhs = lhs
    ordered: bool = False

    @property
    def pattern_vars(self) -> frozenset[Var]:
        return frozenset(self.variables)

    def instance_step(self, builder: ProofBuilder, sigma: dict[Var, Term]) -> int:
        sid = eq_instance(builder, self.citation, self.variables, sigma)
        return builder.symm(sid) if self.flipped else sid


TraceStep = tuple[tuple[int, ...], Rule, dict[Var, Term]]


@dataclass(frozen=True)
class NormalizedRule(Rule):
    """A rule from a hypothesis whose sides were first brought to normal form (pattern variables
    held apart as constants): `1·a = a` becomes `s(0)·a -> a`, which can match terms that the
    rewriter has already normalised. Its instance is proved by instantiating the hypothesis and
    replaying both normalisations under the instance."""

    lhs_trace: tuple[TraceStep, ...] = ()
    rhs_trace: tuple[TraceStep, ...] = ()
    apart: tuple[tuple[Var, Var], ...] = ()  # (original variable, its renamed-apart twin)

    def instance_step(self, builder: ProofBuilder, sigma: dict[Var, Term]) -> int:
        sid = eq_instance(builder, self.citation, self.variables, sigma)
        twin_value = {twin: sigma.get(orig, orig) for orig, twin in self.apart}
        for side, trace in ((0, self.lhs_trace), (1, self.rhs_trace)):
            for path, rule, rule_sigma in trace:
                inst = {k: substitute(v, twin_value) for k, v in rule_sigma.items()}
                sid = builder.rewrite(rule.instance_step(builder, inst), sid, (side, *path))
        return builder.symm(sid) if self.flipped else sid


def normalized_rules(
    name: str, variables: tuple[Var, ...], eq: Eq, citation: Citation, rewriter: Rewriter
) -> list[Rule]:
    """Rules from `∀variables. eq` after normalising both sides; [] if they normalise alike."""
    apart = {v: Var(f"%{v.name}", v.sort) for v in variables}
    back = {t: v for v, t in apart.items()}
    lnf, ltr = rewriter.normalize(substitute(eq.lhs, apart))
    rnf, rtr = rewriter.normalize(substitute(eq.rhs, apart))
    if lnf == rnf:
        return []
    if not ltr and not rtr:
        return rules_from_equation(name, variables, eq, citation, rewriter.prec)
    neq = Eq(substitute(lnf, back), substitute(rnf, back))
    out: list[Rule] = []
    for rule in rules_from_equation(name, variables, neq, citation, rewriter.prec):
        out.append(
            NormalizedRule(
                rule.name, rule.lhs, rule.rhs, rule.variables, rule.citation, rule.flipped, rule.ordered,
                tuple(ltr), tuple(rtr), tuple(apart.items()),
            )
        )
    return out


def rules_from_equation(
    name: str, variables: tuple[Var, ...], eq: Eq, citation: Citation, prec: Precedence
) -> list[Rule]:
    """The rule(s) an equation gives: one oriented rule, or an ordered rule per usable direction."""
    lhs, rhs = eq.lhs, eq.rhs
    if lhs == rhs:
        return []
    var_set = frozenset(variables)
    lv, rv = set(vars_in_order(lhs)) & var_set, set(vars_in_order(rhs)) & var_set
    ground = not var_set
    if lpo_greater(lhs, rhs, prec, ground) and rv <= lv and not _is_pattern_var(lhs, var_set):
        return [Rule(name, lhs, rhs, variables, citation)]
    if lpo_greater(rhs, lhs, prec, ground) and lv <= rv and not _is_pattern_var(rhs, var_set):
        return [Rule(name, rhs, lhs, variables, citation, flipped=True)]
    out = []
    if rv <= lv and not _is_pattern_var(lhs, var_set):
        out.append(Rule(name, lhs, rhs, variables, citation, ordered=True))
    if lv <= rv and not _is_pattern_var(rhs, var_set):
        out.append(Rule(name, rhs, lhs, variables, citation, flipped=True, ordered=True))
    return out


def _is_pattern_var(term: Term, var_set: frozenset[Var]) -> bool:
    return isinstance(term, Var) and term in var_set


class Rewriter:
    """Innermost normalisation under a fixed rule set, memoised per term."""

    def __init__(self, prec: Precedence, rules: Iterable[Rule], budget: int = 4000) -> None:
        self.prec = prec
        self.rules = list(rules)
        self.index: dict[str, list[Rule]] = {}
        self.var_rules: list[Rule] = []
        for rule in self.rules:
            if isinstance(rule.lhs, App):
                self.index.setdefault(rule.lhs.fn, []).append(rule)
            else:
                self.var_rules.append(rule)  # a ground rule whose left side is an eigenvariable
        self.memo: dict[Term, tuple[Term, list[TraceStep]]] = {}
        self.budget = budget
        self.spent = 0

    def extended(self, extra: Iterable[Rule]) -> Rewriter:
        return Rewriter(self.prec, self.rules + list(extra), self.budget)

    def normalize(self, term: Term) -> tuple[Term, list[TraceStep]]:
        return self._norm(term)

    def _norm(self, term: Term) -> tuple[Term, list[TraceStep]]:
        cached = self.memo.get(term)
        if cached is not None:
            return cached
        trace: list[TraceStep] = []
        if isinstance(term, Var):
            cur: Term = term
        else:
            new_args = []
            for i, arg in enumerate(term.args):
                narg, sub = self._norm(arg)
                new_args.append(narg)
                trace.extend(((i, *p), r, s) for p, r, s in sub)
            cur = App(term.fn, tuple(new_args)) if term.args else term
        step = self.root_step(cur)
        if step is not None:
            rule, sigma, new = step
            self.spent += 1
            if self.spent > self.budget:
                raise BudgetExceeded()
            trace.append(((), rule, sigma))
            nf, sub = self._norm(new)
            trace.extend(sub)
            cur = nf
        result = (cur, trace)
        self.memo[term] = result
        return result

    def root_step_anywhere(self, term: Term) -> bool:
        """Whether some subterm of `term` is reducible."""
        if self.root_step(term) is not None:
            return True
        return isinstance(term, App) and any(self.root_step_anywhere(a) for a in term.args)

    def root_step(self, term: Term) -> tuple[Rule, dict[Var, Term], Term] | None:
        candidates = self.index.get(term.fn, []) if isinstance(term, App) else self.var_rules
        for rule in candidates:
            sigma = match(rule.lhs, term, rule.pattern_vars)
            if sigma is None:
                continue
            new = substitute(rule.rhs, sigma)
            if rule.ordered and not lpo_greater(term, new, self.prec, ground=True):
                continue
            return rule, sigma, new
        return None


def chain_proof(builder: ProofBuilder, term: Term, trace: list[TraceStep]) -> int:
    """A step deriving `term = nf` by replaying the trace as rewrites of `term = term`."""
    sid = builder.refl(term)
    for path, rule, sigma in trace:
        eq_sid = rule.instance_step(builder, sigma)
        sid = builder.rewrite(eq_sid, sid, (1, *path))
    return sid


def join_proof(builder: ProofBuilder, lhs: Term, lhs_trace: list[TraceStep], rhs: Term, rhs_trace: list[TraceStep]) -> int:
    """`lhs = rhs` from two traces that end in the same normal form."""
    left = chain_proof(builder, lhs, lhs_trace)
    if not rhs_trace:
        return left if lhs_trace else builder.refl(lhs)
    right = chain_proof(builder, rhs, rhs_trace)
    if not lhs_trace:
        return builder.symm(right)
    return builder.trans(left, builder.symm(right))


def orient_ground(lhs: Term, rhs: Term, prec: Precedence) -> tuple[Term, Term, bool]:
    """(big, small, flipped) in the ground order, for facts used as rules."""
    if lpo_greater(lhs, rhs, prec, ground=True):
        return lhs, rhs, False
    if lpo_greater(rhs, lhs, prec, ground=True):
        return rhs, lhs, True
    # equal in the order only if identical; break ties canonically
    return (lhs, rhs, False) if term_key(lhs) >= term_key(rhs) else (rhs, lhs, True)
