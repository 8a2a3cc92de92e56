"""Stage 3: the prover. One goal in, one proof (primitive steps) or None out.

Methods, tried in this order, each under a deterministic step budget:

1. *direct*: rewrite both sides to normal form with the axioms and every proved law (oriented
   rules, AC laws as ordered rules); hypotheses are assumed and saturated forward through the
   logic-block network (conditional laws, negated laws such as s(n) ≠ 0, injectivity);
2. *cases* on a variable (implications only), from the declared schema without hypotheses;
3. *induction* on each variable in turn, from the declared schema: the hypothesis, generalised
   over the other variables, becomes a rewrite rule (or a conditional law) of the step case,
   and is also tried backwards once ("fertilisation") when the two sides do not meet.

There is no nested induction: a step that needs a lemma waits until the conjecturer's lemma is
proved (lemma reuse), which is how the run climbs from 0 + a = a to (a·b)·c = a·(b·c).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from axiomforge.logic.ir import App, Binary, Eq, Formula, Not, Quant, Rel, Term, Theory, Truth, Var
from axiomforge.logic.network import Activation, Fact, HornRule, Network
from axiomforge.logic.proof import Citation, ProofBuilder, ProofError, steps_to_json
from axiomforge.logic.rewrite import (
    BudgetExceeded,
    NormalizedRule,
    Rewriter,
    Rule,
    chain_proof,
    join_proof,
    normalized_rules,
    orient_ground,
    rules_from_equation,
)
from axiomforge.logic.terms import (
    Precedence,
    close_formula,
    fresh_name,
    match,
    positions,
    replace_at,
    strip_foralls,
    substitute,
    substitute_formula,
    variable_pools,
)


@dataclass(frozen=True)
class Law:
    """A closed formula the prover may use: an axiom/definition or a proved theorem."""

    name: str
    kind: str  # "axiom" | "theorem"
    formula: Formula


@dataclass(frozen=True)
class ProverConfig:
    rewrite_budget: int = 3000
    max_facts: int = 40
    fertilize: bool = True


@dataclass
class ProofResult:
    method: str
    steps: list[dict[str, object]]
    cites: list[str]


@dataclass
class Knowledge:
    """The compiled form of a list of laws: rewrite rules and conditional rules."""

    theory: Theory
    laws: list[Law]
    prec: Precedence = field(init=False)
    rules: list[Rule] = field(init=False)
    horn: list[HornRule] = field(init=False)
    commutative: set[str] = field(init=False)
    relation_defs: dict[str, tuple[Citation, tuple[Var, ...]]] = field(init=False)

    def __post_init__(self) -> None:
        self.prec = Precedence(self.theory)
        self.commutative = set()
        self.relation_defs = {}
        self.rules = []
        self.horn = []
        for law in self.laws:
            self.add(law)

    def add(self, law: Law) -> None:
        citation = Citation("axiom" if law.kind == "axiom" else "theorem", law.name, law.formula)
        variables, body = strip_foralls(law.formula)
        if (
            isinstance(body, Binary) and body.op == "iff" and isinstance(body.left, Rel)
            and list(body.left.args) == variables
        ):
            self.relation_defs[body.left.name] = (citation, tuple(variables))  # unfolded on demand
        rules, horn = compile_law(law.name, tuple(variables), body, citation, self.prec)
        if isinstance(body, Eq) and law.kind == "theorem":
            # a law whose sides the known rules already reduce (`1·a = a`, where 1 -> s(0)) is
            # used in normalised form, or it would never fire on normalised terms
            try:
                normal = normalized_rules(law.name, tuple(variables), body, citation, Rewriter(self.prec, self.rules))
            except BudgetExceeded:
                normal = []
            rules = [r for r in normal if isinstance(r, NormalizedRule)] + rules
        self.rules.extend(rules)
        self.horn.extend(horn)
        if isinstance(body, Eq) and _is_commutativity(body, variables):
            assert isinstance(body.lhs, App)
            self.commutative.add(body.lhs.fn)


def _is_commutativity(eq: Eq, variables: list[Var]) -> bool:
    l, r = eq.lhs, eq.rhs
    return (
        isinstance(l, App) and isinstance(r, App) and l.fn == r.fn and len(l.args) == 2
        and l.args[0] != l.args[1] and l.args == (r.args[1], r.args[0])
        and all(isinstance(a, Var) and a in variables for a in l.args)
    )


def compile_law(
    name: str, variables: tuple[Var, ...], body: Formula, citation: Citation, prec: Precedence
) -> tuple[list[Rule], list[HornRule]]:
    """Equations become rewrite rules; implications and negations become network rules."""
    if isinstance(body, Eq):
        return rules_from_equation(name, variables, body, citation, prec), []
    if isinstance(body, Not) and isinstance(body.body, Eq):
        return [], [HornRule(name, variables, (body.body,), Truth(False), citation, negative=True)]
    if isinstance(body, Binary) and body.op == "implies":
        premises: list[Formula] = []
        conclusion: Formula = body
        conjunctive = False
        while isinstance(conclusion, Binary) and conclusion.op == "implies":
            left = conclusion.left
            if isinstance(left, Binary) and left.op == "and" and not premises:
                premises.extend([left.left, left.right])
                conjunctive = True
                conclusion = conclusion.right
                break
            premises.append(left)
            conclusion = conclusion.right
        if conjunctive and isinstance(conclusion, Binary) and conclusion.op == "implies":
            return [], []
        ok = all(
            isinstance(p, Eq | Rel) or (isinstance(p, Not) and isinstance(p.body, Eq)) for p in premises
        )
        if ok:
            return [], [HornRule(name, variables, tuple(premises), conclusion, citation, conjunctive=conjunctive)]
    return [], []


_DEBUG = False


class Failed(Exception):
    """This method does not prove the goal."""


class Context:
    """Eigenvariables' world inside one proof: rewrite rules, assumed facts, the network."""

    def __init__(self, prover: Prover, builder: ProofBuilder, rules: list[Rule], horn: list[HornRule]) -> None:
        self.prover = prover
        self.builder = builder
        self.rules = list(rules)
        self.horn = list(horn)
        self.local_rules: list[Rule] = []
        self.facts: list[Fact] = []
        self.neg_facts: list[Fact] = []
        self.false_step: int | None = None
        self.exists_pending: list[int] = []  # derived ∃-facts, eliminated when a goal is proved
        self.or_pending: list[int] = []  # derived disjunctions, split (or_elim) when a goal is proved
        self.instantiable: list[tuple[int, tuple[Var, ...]]] = []  # hypotheses no rule captures
        self._rewriter: Rewriter | None = None

    def copy(self) -> Context:
        other = Context(self.prover, self.builder, self.rules, self.horn)
        other.local_rules = list(self.local_rules)
        other.facts = list(self.facts)
        other.neg_facts = list(self.neg_facts)
        other.false_step = self.false_step
        other.exists_pending = list(self.exists_pending)
        other.or_pending = list(self.or_pending)
        other.instantiable = list(self.instantiable)
        return other

    @property
    def rewriter(self) -> Rewriter:
        if self._rewriter is None:
            self._rewriter = Rewriter(self.prover.prec, self.local_rules + self.rules, self.prover.config.rewrite_budget)
            self._rewriter.spent = self.prover.spent
        return self._rewriter

    def _account(self) -> None:
        if self._rewriter is not None:
            self.prover.spent = max(self.prover.spent, self._rewriter.spent)

    def add_rules(self, rules: list[Rule], horn: list[HornRule]) -> None:
        self._account()
        self.local_rules.extend(rules)
        self.horn.extend(horn)
        self._rewriter = None

    def normalize(self, term: Term) -> tuple[Term, list]:
        result = self.rewriter.normalize(term)
        self.prover.spent = max(self.prover.spent, self.rewriter.spent)
        return result

    # -- forward reasoning

    def assume_and_saturate(self, sid: int) -> None:
        """Add an assumed/derived fact and run the network to saturation (or to `false`)."""
        network = Network([v for r in self.horn for v in self._matching_variants(r)])
        for fact in self.facts + self.neg_facts:
            for variant in self._commuted(fact):
                network.post(variant)
        pending = [sid]
        count = 0
        while pending or network.agenda:
            if self.false_step is not None:
                return
            if pending:
                new = self._admit(pending.pop(0))
                for fact in new:
                    for variant in self._commuted(fact):
                        network.post(variant)
                continue
            act = network.pop()
            assert act is not None
            derived = self._fire(act)
            if derived is not None:
                count += 1
                if count > self.prover.config.max_facts:
                    return
                pending.append(derived)

    def _commuted(self, fact: Fact) -> list[Fact]:
        """The fact, and its variants with the arguments of a commutative operator (one with a
        proved law f(x, y) = f(y, x)) swapped at the top of either side: a network pattern written
        `a + c` then also meets the fact `c + a`. A variant only finds matches; the premise is
        derived from the real fact by rewriting (`_premise_from_fact`)."""
        comm = self.prover.knowledge.commutative
        formula = fact.formula
        negated = isinstance(formula, Not)
        eq = formula.body if isinstance(formula, Not) else formula
        if not comm or not isinstance(eq, Eq):
            return [fact]

        def flips(t: Term) -> list[Term]:
            if isinstance(t, App) and t.fn in comm and len(t.args) == 2:
                return [t, App(t.fn, (t.args[1], t.args[0]))]
            return [t]

        out = [fact]
        for lhs in flips(eq.lhs):
            for rhs in flips(eq.rhs):
                new: Formula = Eq(lhs, rhs)
                if negated:
                    new = Not(new)
                if new != formula:
                    out.append(Fact(new, fact.step))
        return out

    def _admit(self, sid: int) -> list[Fact]:
        """Normalise a fact, store it (an equation also becomes a ground rule), check for clashes."""
        b = self.builder
        formula = b.formula(sid)
        if isinstance(formula, Truth) and not formula.value:
            self.false_step = sid
            return []
        if isinstance(formula, Binary) and formula.op == "and":
            return self._admit(b.and_elim(sid, 0)) + self._admit(b.and_elim(sid, 1))
        if isinstance(formula, Quant) and formula.kind == "exists":
            self.exists_pending.append(sid)
            return []
        if isinstance(formula, Binary) and formula.op == "or":
            self.or_pending.append(sid)
            return []
        if isinstance(formula, Rel):
            unfolded = self._unfold(formula, side=0)
            if unfolded is not None:
                imp_sid = unfolded
                return [Fact(formula, sid)] + self._admit(b.mp(imp_sid, sid))
            return [Fact(formula, sid)]
        if isinstance(formula, Eq):
            raw = Fact(formula, sid)
            lnf, ltr = self.normalize(formula.lhs)
            rnf, rtr = self.normalize(formula.rhs)
            cur = sid
            for path, rule, sigma in ltr:
                cur = b.rewrite(rule.instance_step(b, sigma), cur, (0, *path))
            for path, rule, sigma in rtr:
                cur = b.rewrite(rule.instance_step(b, sigma), cur, (1, *path))
            if lnf == rnf:
                return [raw]
            big, small, flipped = _orient_fact(lnf, rnf, self.prover.prec)
            oriented = b.symm(cur) if flipped else cur
            fact = Fact(Eq(big, small), oriented)
            self.facts.append(fact)
            self.add_rules([Rule("fact", big, small, (), Citation("step", "fact", Eq(big, small), oriented))], [])
            for neg in list(self.neg_facts):
                self._check_negation(neg)
            return [raw, fact] if raw.formula != fact.formula else [fact]
        if isinstance(formula, Not) and isinstance(formula.body, Eq):
            fact = Fact(formula, sid)
            self.neg_facts.append(fact)
            self._check_negation(fact)
            return [fact]
        return []

    def _check_negation(self, fact: Fact) -> None:
        if self.false_step is not None:
            return
        assert isinstance(fact.formula, Not) and isinstance(fact.formula.body, Eq)
        eq = fact.formula.body
        proof = self.prove_eq(eq.lhs, eq.rhs)
        if proof is not None:
            self.false_step = self.builder.not_elim(fact.step, proof)

    def _matching_variants(self, rule: HornRule) -> list[HornRule]:
        """The rule plus variants whose premises are in normal form, so `∀b. a + s(b) ≠ a` meets
        the fact `s(a + b) = a`. Two normalisations (oriented rules only, and all rules) because
        ordered rules may arrange pattern variables differently from eigenvariables. Pattern
        variables are renamed apart while normalising. A variant only finds matches; the premise
        the rule needs is then derived from the fact by rewriting (see `_premise_from_fact`)."""
        key = id(rule)
        cached = self.prover.variant_cache.get(key)
        if cached is not None and cached[0] is rule and cached[1] == len(self.local_rules):
            return cached[2]
        apart = {v: Var(f"%{v.name}", v.sort) for v in rule.variables}
        back = {Var(f"%{v.name}", v.sort): v for v in rule.variables}
        oriented = Rewriter(self.prover.prec, [r for r in self.local_rules + self.rules if not r.ordered], 500)
        out = [rule]
        for rewriter in (oriented, self.rewriter):
            normalized = []
            try:
                for premise in rule.premises:
                    eq = premise.body if isinstance(premise, Not) else premise
                    if not isinstance(eq, Eq):
                        normalized.append(premise)
                        continue
                    lhs = substitute(rewriter.normalize(substitute(eq.lhs, apart))[0], back)
                    rhs = substitute(rewriter.normalize(substitute(eq.rhs, apart))[0], back)
                    new: Formula = Eq(lhs, rhs)
                    normalized.append(Not(new) if isinstance(premise, Not) else new)
            except BudgetExceeded:
                continue
            if all(tuple(normalized) != v.patterns for v in out):
                out.append(replace(rule, match_premises=tuple(normalized)))
        self.prover.variant_cache[key] = (rule, len(self.local_rules), out)
        return out

    def _premise_from_fact(self, needed: Formula, have: int) -> int | None:
        """Derive the rule's premise instance from a fact that matched its normal form."""
        b = self.builder
        got = b.formula(have)
        if got == needed:
            return have
        if isinstance(needed, Eq) and isinstance(got, Eq):
            left = self.prove_eq(needed.lhs, got.lhs)
            right = self.prove_eq(got.rhs, needed.rhs)
            if left is None or right is None:
                return None
            return b.trans(b.trans(left, have), right)
        if isinstance(needed, Not) and isinstance(got, Not) and isinstance(needed.body, Eq) and isinstance(got.body, Eq):
            hyp = b.assume(needed.body)
            left = self.prove_eq(got.body.lhs, needed.body.lhs)
            right = self.prove_eq(needed.body.rhs, got.body.rhs)
            if left is None or right is None:
                return None
            eq = b.trans(b.trans(left, hyp), right)
            return b.not_intro(b.not_elim(have, eq), hyp)
        return None

    def _fire(self, act: Activation) -> int | None:
        b = self.builder
        rule = act.rule
        sigma = dict(act.sigma)
        premise_steps = []
        for premise, pm in zip(rule.premises, act.matches):
            sid = pm.fact.step
            if pm.swapped:
                sid = b.symm(sid) if isinstance(pm.fact.formula, Eq) else _swap_negation(b, sid)
            derived = self._premise_from_fact(substitute_formula(premise, sigma), sid)
            if derived is None:
                return None
            premise_steps.append(derived)
        base = b.inst(b.cite(rule.citation), [(v, sigma[v]) for v in rule.variables])
        if rule.negative:
            return b.not_elim(base, premise_steps[0])
        if rule.conjunctive:
            return b.mp(base, b.and_intro(premise_steps[0], premise_steps[1]))
        cur = base
        for sid in premise_steps:
            cur = b.mp(cur, sid)
        return cur

    # -- backward reasoning

    def prove_eq(self, lhs: Term, rhs: Term) -> int | None:
        lnf, ltr = self.normalize(lhs)
        rnf, rtr = self.normalize(rhs)
        if lnf == rnf:
            return join_proof(self.builder, lhs, ltr, rhs, rtr)
        if self.prover.config.fertilize:
            return self._fertilize(lhs, lnf, ltr, rhs, rnf, rtr)
        return None

    def _fertilize(self, lhs: Term, lnf: Term, ltr: list, rhs: Term, rnf: Term, rtr: list) -> int | None:
        """One backwards (or unordered) use of a local hypothesis rule, then normalise again."""
        hyp_rules = [r for r in self.local_rules if r.variables]
        if not hyp_rules:
            return None
        for side in (0, 1):
            nf = lnf if side == 0 else rnf
            for path, sub in positions(nf):
                for rule in hyp_rules:
                    for lpat, rpat, back in ((rule.lhs, rule.rhs, False), (rule.rhs, rule.lhs, True)):
                        if isinstance(lpat, Var) and lpat in rule.pattern_vars:
                            continue
                        sigma = match(lpat, sub, rule.pattern_vars)
                        if sigma is None or any(v not in sigma for v in rule.variables):
                            continue
                        new_nf = replace_at(nf, path, substitute(rpat, sigma))
                        n2, tr2 = self.normalize(new_nf)
                        other = rnf if side == 0 else lnf
                        if n2 != other:
                            continue
                        return self._fertilized_proof(side, path, rule, sigma, back, lhs, ltr, rhs, rtr, new_nf, tr2)
        return None

    def _fertilized_proof(
        self, side: int, path: tuple[int, ...], rule: Rule, sigma: dict, back: bool,
        lhs: Term, ltr: list, rhs: Term, rtr: list, new_nf: Term, tr2: list,
    ) -> int:
        b = self.builder
        # start: start_term = nf (by its trace), then one hypothesis step, then tr2 to the meeting point
        start, start_tr = (lhs, ltr) if side == 0 else (rhs, rtr)
        other, other_tr = (rhs, rtr) if side == 0 else (lhs, ltr)
        sid = chain_proof(b, start, start_tr)
        eq = rule.instance_step(b, sigma)
        if back:
            eq = b.symm(eq)
        sid = b.rewrite(eq, sid, (1, *path))
        for p, r, s in tr2:
            sid = b.rewrite(r.instance_step(b, s), sid, (1, *p))
        other_sid = chain_proof(b, other, other_tr)
        # sid: start = meet, other_sid: other = meet
        joined = b.trans(sid, b.symm(other_sid)) if other_tr else sid
        return joined if side == 0 else b.symm(joined)

    def _unfold(self, rel: Rel, side: int) -> int | None:
        """From the relation's definition `∀xs. R(xs) ↔ D(xs)`: a step `R(ts) → D(ts)` (side 0)
        or `D(ts) → R(ts)` (side 1)."""
        entry = self.prover.knowledge.relation_defs.get(rel.name)
        if entry is None:
            return None
        citation, variables = entry
        b = self.builder
        inst = b.inst(b.cite(citation), list(zip(variables, rel.args)))
        return b.iff_elim(inst, side)

    def _fresh_var(self, sort: str, base: str) -> Var:
        self.prover.fresh_counter += 1
        return Var(f"{base}{self.prover.fresh_counter}", sort)

    def prove(self, goal: Formula) -> int | None:
        """A step deriving `goal` (which may mention eigenvariables), or None."""
        b = self.builder
        if self.false_step is not None:
            return b.false_elim(self.false_step, goal)
        if self.exists_pending:
            # eliminate a derived ∃x.F: assume F[x:=y] for a fresh y, prove the goal, discharge
            ex_sid = self.exists_pending[0]
            ex = b.formula(ex_sid)
            assert isinstance(ex, Quant)
            y = self._fresh_var(ex.var.sort, ex.var.name)
            hyp = b.assume(substitute_formula(ex.body, {ex.var: y}))
            ctx = self.copy()
            ctx.exists_pending = ctx.exists_pending[1:]
            ctx.assume_and_saturate(hyp)
            inner = ctx.prove(goal)
            return None if inner is None else b.exists_elim(ex_sid, inner, hyp, y)
        if self.or_pending:
            # split a derived A ∨ B: prove the goal under A and under B (or without the split)
            d_sid = self.or_pending[0]
            d = b.formula(d_sid)
            assert isinstance(d, Binary)
            proofs: list[tuple[int, int]] = []
            for part in (d.left, d.right):
                hyp = b.assume(part)
                branch = self.copy()
                branch.or_pending = branch.or_pending[1:]
                branch.assume_and_saturate(hyp)
                inner = branch.prove(goal)
                if inner is None:
                    break
                proofs.append((inner, hyp))
            if len(proofs) == 2:
                return b.or_elim(d_sid, proofs[0][0], proofs[1][0], proofs[0][1], proofs[1][1])
            rest = self.copy()
            rest.or_pending = rest.or_pending[1:]
            return rest.prove(goal)
        if isinstance(goal, Rel):
            imp = self._unfold(goal, side=1)
            if imp is None:
                return None
            premise = b.formula(imp)
            assert isinstance(premise, Binary)
            inner = self.prove(premise.left)
            return None if inner is None else b.mp(imp, inner)
        if isinstance(goal, Eq):
            return self.prove_eq(goal.lhs, goal.rhs)
        if isinstance(goal, Not):
            hyp = b.assume(goal.body)
            ctx = self.copy()
            ctx.assume_and_saturate(hyp)
            if ctx.false_step is None:
                return None
            return b.not_intro(ctx.false_step, hyp)
        if isinstance(goal, Binary) and goal.op == "implies":
            hyp = b.assume(goal.left)
            ctx = self.copy()
            ctx.assume_and_saturate(hyp)
            inner = ctx.prove(goal.right)
            return None if inner is None else b.imp_intro(inner, hyp)
        if isinstance(goal, Binary) and goal.op == "or":
            for side, part in ((0, goal.left), (1, goal.right)):
                sid = self.prove(part)
                if sid is not None:
                    return b.or_intro(sid, goal, side)
            return None
        if isinstance(goal, Binary) and goal.op == "and":
            left = self.prove(goal.left)
            right = self.prove(goal.right) if left is not None else None
            return None if right is None or left is None else b.and_intro(left, right)
        if isinstance(goal, Quant) and goal.kind == "exists":
            for witness in self._witnesses(goal):
                body = substitute_formula(goal.body, {goal.var: witness})
                sid = self.prove(body)
                if sid is not None:
                    return b.exists_intro(sid, goal, witness)
            return None
        if isinstance(goal, Quant) and goal.kind == "forall":
            inner = self.prove(goal.body)
            return None if inner is None else b.gen(inner, goal.var)
        return None

    def _witnesses(self, goal: Quant) -> list[Term]:
        """Candidate witnesses: subterms of the goal and of the facts, of the right sort."""
        sorts = self.prover.sorts_of
        found: list[Term] = []
        sources: list[Term] = []
        from axiomforge.logic.terms import formula_vars_in_order

        for v in formula_vars_in_order(goal):
            sources.append(v)
        for fact in self.facts:
            if isinstance(fact.formula, Eq):
                sources.extend([fact.formula.lhs, fact.formula.rhs])
        body_terms: list[Term] = []
        _collect_terms(goal.body, body_terms)
        sources.extend(body_terms)
        for src in sources:
            for _, sub in positions(src):
                if sub == goal.var or goal.var in _vars(sub):
                    continue
                if sorts(sub) == goal.var.sort and sub not in found:
                    found.append(sub)
        for f in self.prover.theory.functions:
            if not f.arg_sorts and f.result_sort == goal.var.sort:
                c = App(f.name)
                if c not in found:
                    found.append(c)
        return found[:12]


def _orient_fact(lhs: Term, rhs: Term, prec: Precedence) -> tuple[Term, Term, bool]:
    """A fact `v = t` with an eigenvariable v not in t is used as `v -> t` (the variable is
    solved for, as after unfolding `∃p. a + p = b`); otherwise the ground order decides."""
    for var, other, flipped in ((lhs, rhs, False), (rhs, lhs, True)):
        if isinstance(var, Var) and not isinstance(other, Var) and var not in _vars(other):
            return var, other, flipped
    return orient_ground(lhs, rhs, prec)


def _swap_negation(b: ProofBuilder, sid: int) -> int:
    """¬(r = l) from ¬(l = r)."""
    neg = b.formula(sid)
    assert isinstance(neg, Not) and isinstance(neg.body, Eq)
    hyp = b.assume(Eq(neg.body.rhs, neg.body.lhs))
    return b.not_intro(b.not_elim(sid, b.symm(hyp)), hyp)


def _vars(term: Term) -> set[Var]:
    from axiomforge.logic.ir import term_vars

    return term_vars(term)


def _collect_terms(formula: Formula, out: list[Term]) -> None:
    match formula:
        case Eq(lhs, rhs):
            out.extend([lhs, rhs])
        case Rel(_, args):
            out.extend(args)
        case Not(body):
            _collect_terms(body, out)
        case Binary(_, left, right):
            _collect_terms(left, out)
            _collect_terms(right, out)
        case Quant(_, _, body):
            _collect_terms(body, out)


class Prover:
    def __init__(self, knowledge: Knowledge, config: ProverConfig | None = None) -> None:
        self.knowledge = knowledge
        self.theory = knowledge.theory
        self.prec = knowledge.prec
        self.config = config or ProverConfig()
        self.pools = variable_pools(self.theory)
        self.spent = 0
        self.result_sort = {f.name: f.result_sort for f in self.theory.functions}
        self.variant_cache: dict[int, tuple[HornRule, int, list[HornRule]]] = {}
        self.fresh_counter = 0

    def sorts_of(self, term: Term) -> str:
        return term.sort if isinstance(term, Var) else self.result_sort[term.fn]

    def prove(self, statement: Formula) -> ProofResult | None:
        variables, body = strip_foralls(statement)
        attempts: list[tuple[str, Var | None]] = [("direct", None)]
        is_equation = isinstance(body, Eq)
        inductive = {ind.sort for ind in self.theory.induction}
        if not is_equation:
            attempts += [("cases", v) for v in variables if v.sort in inductive]
        attempts += [("induction", v) for v in variables if v.sort in inductive]
        for method, var in attempts:
            self.spent = 0
            builder = ProofBuilder()
            try:
                if var is None:
                    sid = self._direct(builder, variables, body)
                else:
                    sid = self._induction(builder, statement, variables, body, var, with_hypotheses=method == "induction")
            except (Failed, BudgetExceeded):
                continue
            except ProofError as err:
                if _DEBUG:
                    print("proof error", method, var, err)
                continue
            if sid is None:
                continue
            if builder.formula(sid) != statement or builder.open[sid]:
                continue
            steps, cites = _compact(builder, sid)
            label = "direct" if var is None else f"{method} on {var.name}"
            return ProofResult(label, steps, cites)
        return None

    def _context(self, builder: ProofBuilder) -> Context:
        return Context(self, builder, self.knowledge.rules, self.knowledge.horn)

    def _direct(self, builder: ProofBuilder, variables: list[Var], body: Formula) -> int | None:
        sid = self._context(builder).prove(body)
        if sid is None:
            return None
        for v in reversed(variables):
            sid = builder.gen(sid, v)
        return sid

    def _inner_cases(self, builder: ProofBuilder, ctx: Context, goal: Formula, r: Var, taken: set[str]) -> int | None:
        """Case analysis on another variable inside an induction step (for totality-like goals):
        derives ∀r. goal from one case per constructor of r's sort; hypotheses that no rule
        captures (`∀b. le(a, b) ∨ le(b, a)`) are instantiated at the case's variables."""
        decl = next((ind for ind in self.theory.induction if ind.sort == r.sort), None)
        if decl is None:
            return None
        premises: list[int] = []
        for cname in decl.constructors:
            zs: list[Var] = []
            names = set(taken) | {r.name}
            for sort in self.theory.function(cname).arg_sorts:
                name = fresh_name(sort, names, self.pools)
                names.add(name)
                zs.append(Var(name, sort))
            case_goal = substitute_formula(goal, {r: App(cname, tuple(zs))})
            case_ctx = ctx.copy()
            for hyp, hvars in ctx.instantiable:
                if len(hvars) != 1:
                    continue
                for eigen in _eigen_of_sort(case_goal, hvars[0].sort):
                    case_ctx.assume_and_saturate(builder.inst(hyp, [(hvars[0], eigen)]))
            sid = case_ctx.prove(case_goal)
            if sid is None:
                return None
            for z in reversed(zs):
                sid = builder.gen(sid, z)
            premises.append(sid)
        return builder.induction(tuple(premises), r, Quant("forall", r, goal), rule="cases")

    def _induction(
        self, builder: ProofBuilder, statement: Formula, variables: list[Var], body: Formula, var: Var,
        with_hypotheses: bool,
    ) -> int | None:
        rest = [v for v in variables if v != var]
        decl = next(ind for ind in self.theory.induction if ind.sort == var.sort)

        def P(t: Term) -> Formula:
            return close_formula(substitute_formula(body, {var: t}), rest)

        target = Quant("forall", var, P(var))
        premises: list[int] = []
        used = {v.name for v in variables}
        for cname in decl.constructors:
            cdecl = self.theory.function(cname)
            ys: list[Var] = []
            taken = set(used) - {var.name}
            for sort in cdecl.arg_sorts:
                name = var.name if sort == var.sort and var.name not in taken else fresh_name(sort, taken, self.pools)
                taken.add(name)
                ys.append(Var(name, sort))
            hyps: list[int] = []
            ctx = self._context(builder)
            if with_hypotheses:
                for y in ys:
                    if y.sort != var.sort:
                        continue
                    hyp = builder.assume(P(y))
                    hyps.append(hyp)
                    ih_body = substitute_formula(body, {var: y})
                    citation = Citation("step", "IH", P(y), hyp)
                    rules, horn = compile_law("IH", tuple(rest), ih_body, citation, self.prec)
                    if isinstance(ih_body, Eq):
                        rules = normalized_rules("IH", tuple(rest), ih_body, citation, ctx.rewriter) + rules
                    ctx.add_rules(rules, horn)
                    if not rules and not horn and rest:
                        ctx.instantiable.append((hyp, tuple(rest)))
            goal = substitute_formula(body, {var: App(cname, tuple(ys))})
            sid = ctx.prove(goal)
            generalize = list(rest)
            if sid is None and rest and not isinstance(body, Eq):
                sid = self._inner_cases(builder, ctx, goal, rest[-1], taken | {y.name for y in ys})
                generalize = rest[:-1]
            if sid is None:
                raise Failed()
            for v in reversed(generalize):
                sid = builder.gen(sid, v)
            for hyp in reversed(hyps):
                sid = builder.imp_intro(sid, hyp)
            for y in reversed(ys):
                sid = builder.gen(sid, y)
            premises.append(sid)
        rule = "induction" if with_hypotheses else "cases"
        sid = builder.induction(tuple(premises), var, target, rule=rule)
        if builder.formula(sid) == statement:
            return sid
        sid = builder.inst(sid, [(v, v) for v in [var, *rest]])
        for v in reversed(variables):
            sid = builder.gen(sid, v)
        return sid


def _eigen_of_sort(formula: Formula, sort: str) -> list[Var]:
    from axiomforge.logic.terms import formula_vars_in_order

    return [v for v in formula_vars_in_order(formula) if v.sort == sort]


def _compact(builder: ProofBuilder, final: int) -> tuple[list[dict[str, object]], list[str]]:
    """Keep only the steps the final step depends on, renumbered 0..n-1 in order."""
    needed: set[int] = set()
    stack = [final]
    while stack:
        sid = stack.pop()
        if sid in needed:
            continue
        needed.add(sid)
        step = builder.steps[sid]
        stack.extend(step.premises)
        d = step.fields.get("discharges")
        if isinstance(d, int):
            stack.append(d)
        elif isinstance(d, list):
            stack.extend(d)
    order = sorted(needed)
    renumber = {old: new for new, old in enumerate(order)}
    compact = ProofBuilder()
    cites: list[str] = []
    for old in order:
        step = builder.steps[old]
        fields = dict(step.fields)
        d = fields.get("discharges")
        if isinstance(d, int):
            fields["discharges"] = renumber[d]
        elif isinstance(d, list):
            fields["discharges"] = [renumber[x] for x in d]
        compact.steps.append(
            type(step)(renumber[old], step.rule, step.formula, tuple(renumber[p] for p in step.premises), fields)
        )
        if step.rule == "theorem":
            ref = str(fields["ref"])
            if ref not in cites:
                cites.append(ref)
    return steps_to_json(compact), sorted(cites)
