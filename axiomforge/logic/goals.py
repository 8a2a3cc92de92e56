"""Goal-directed proving (HipSpec/Hipster style): `axiomforge prove FILE --goal NAME`.

A goal steers the search; `expect` lines never do. For one goal:

1. The goal is tested on the finite model first: a counterexample ends the attempt (the goal is
   false, or at least not a consequence the model agrees with), and nothing is proved.
2. The goal is tried with the prover (rewriting, induction on each variable with the hypothesis
   generalised over the others) extended by *case splits*: when the two sides do not meet, a
   condition `if c then … else …` in a normal form is split on (c = True / c = False), and an
   eigenvariable that blocks a defining equation's pattern (`take(S(n), xs)` with xs unknown)
   is split over its sort's constructors. An induction followed by such splits follows the
   recursion of the function being defined (recursion induction).
3. If that fails: *theory exploration* over the goal's symbols. The conjecturer (QuickSpec
   style, `logic/conjecture.py`) enumerates terms over the goal's functions and what their
   definitions call (never `ite`), and proposes the equations and shapes the finite model does
   not refute; a *generalisation* of the goal (a repeated subterm made a variable) is proposed
   too, if the model does not refute it. Candidates are proved smallest first with the same
   prover; each proved lemma becomes a rewrite rule, and the goal is retried after each one.
4. Only the lemmas the goal's proof cites (transitively) are kept; they and the goal are written
   to proofs.json like any other theorems and re-checked by the independent checker.

Case splits are ordinary proof steps: `∀b. (t = b → G)` by `cases` over b's sort, instantiated
at b := t and discharged with `t = t`, so the checker needs no new rule. Budgets are counts of
rewrite steps, candidates and passes, never clocks, so the same file gives the same proofs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from axiomforge.logic.conjecture import Candidate, ConjectureConfig, ConjectureStats, generate_candidates
from axiomforge.logic.engine import RunResult, RunSummary, Theorem, is_redundant, theorem_name
from axiomforge.logic.ir import App, Binary, Eq, Formula, Not, Quant, Term, Theory, Var, free_vars
from axiomforge.logic.models import FiniteModel, ModelConfig
from axiomforge.logic.network import HornRule
from axiomforge.logic.proof import Citation, ProofBuilder, ProofError
from axiomforge.logic.prover import (
    Context,
    Failed,
    Knowledge,
    Law,
    ProofResult,
    Prover,
    ProverConfig,
    _compact,
    compile_law,
)
from axiomforge.logic.rewrite import BudgetExceeded, Rule, normalized_rules
from axiomforge.logic.terms import (
    close_formula,
    formula_size,
    formula_symbols,
    positions,
    strip_foralls,
    substitute_formula,
)


@dataclass(frozen=True)
class GoalConfig:
    rewrite_budget: int = 4000
    lemma_budget: int = 1500
    max_splits: int = 3
    # exploration term size: 7, not 6, lets `count(n, xs ++ ys) = count(n, xs) + count(n, ys)` in
    # (IsaPlanner prop_52); on the 86 IsaPlanner problems no other result or time got worse
    max_size: int = 7
    max_candidates: int = 400
    max_passes: int = 3
    model: ModelConfig = field(default_factory=ModelConfig)


@dataclass
class GoalOutcome:
    name: str
    statement: Formula
    status: str  # "proved" | "false" | "unproved"
    theorems: list[Theorem]  # lemmas in proof order, then the goal (when proved)
    counterexample: dict[Var, Term] | None
    lemmas_tried: int
    lemmas_proved: int
    seconds: float

    def tree(self, theory: Theory) -> list[str]:
        """The proof tree: the goal, then the lemmas each theorem cites, indented."""
        from axiomforge.logic.pretty import format_formula

        by_name = {t.name: t for t in self.theorems}
        lines: list[str] = []

        shown: set[str] = set()

        def walk(name: str, depth: int) -> None:
            t = by_name[name]
            if name in shown:
                lines.append(f"{'  ' * depth}{t.name} (above)")
                return
            shown.add(name)
            lines.append(f"{'  ' * depth}{t.name}: {format_formula(t.statement, theory)}  [{t.method}]")
            for cited in t.cites:
                if cited in by_name:
                    walk(cited, depth + 1)

        if self.status == "proved":
            walk(self.name, 0)
        return lines


# ---------------------------------------------------------------- case splits inside proofs


MAX_FACTS = 8
"""Facts one saturation may derive: a conditional hypothesis such as `elem(x, ys) = True →
elem(x, xs ++ ys) = True` feeds on its own conclusions; the cases need only a few."""

SPLIT_COST = 40
"""Rewrite steps a case split is charged (its branches re-normalise everything they see)."""


class _SplitContext(Context):
    """A proof context that, when a goal does not follow by rewriting, splits on an `if`
    condition or on a variable blocking a defining equation, and proves every case."""

    splits_left: int = 0

    def copy(self) -> Context:
        other = super().copy()
        other.__class__ = _SplitContext
        other.splits_left = self.splits_left  # type: ignore[attr-defined]
        return other

    def add_rules(self, rules: list[Rule], horn: list[HornRule]) -> None:
        """A conditional induction hypothesis generalised over variables its premises do not
        bind (`∀ys. A(x) → B(x, ys)`) never fires as a rule; its instance at the step's own
        values (`ys := ys`) is added too."""
        extra: list[HornRule] = []
        for rule in horn:
            cit = rule.citation
            if cit.kind != "step" or not rule.variables:
                continue
            bound: set[Var] = set()
            for premise in rule.premises:
                bound |= free_vars(premise)
            if set(rule.variables) <= bound:
                continue
            sid = self.builder.inst(cit.step, [(v, v) for v in rule.variables])
            formula = self.builder.formula(sid)
            _, more = compile_law(rule.name, (), _strip(formula), Citation("step", rule.name, formula, sid),
                                  self.prover.prec)
            extra.extend(more)
        super().add_rules(rules, horn + extra)

    def discharge_hypotheses(self) -> None:
        """A conditional induction hypothesis about the step's own values (`¬(match1(xs) = True)
        → butlast(xs) ++ [last(xs)] = xs`) whose premise the case makes provable (xs = cons(…))
        becomes a fact: its conclusion then rewrites a part of the goal, which neither forward
        matching (the premise is no fact) nor backward use (it is no whole side) would find."""
        b = self.builder
        for rule in list(self.horn):
            if self.false_step is not None:
                return
            if rule.citation.kind != "step" or rule.variables or rule.negative or rule.conjunctive:
                continue
            if len(rule.premises) != 1:
                continue
            trial = self.copy()
            assert isinstance(trial, _SplitContext)
            trial.splits_left = 0
            try:
                psid = Context.prove(trial, rule.premises[0])
            except BudgetExceeded:
                return
            if psid is not None:
                self.assume_and_saturate(b.mp(b.cite(rule.citation), psid))

    def renormalize_hypotheses(self) -> None:
        """After a case `v = c(ys)`, an induction hypothesis about v (a rewrite rule whose left
        side mentions v) no longer matches the normalised terms: add its normal form as a rule."""
        extra: list[Rule] = []
        seen: set[int] = set()
        for rule in self.local_rules:
            cit = rule.citation
            if cit.kind != "step" or cit.name != "IH" or cit.step in seen:
                continue
            seen.add(cit.step)
            variables, body = strip_foralls(cit.formula)
            if not isinstance(body, Eq):
                continue
            try:
                extra.extend(normalized_rules("IH", tuple(variables), body, cit, self.rewriter))
            except BudgetExceeded:
                continue
        if extra:
            self.add_rules(extra, [])

    def _backward(self, goal: Eq) -> int | None:
        """A conditional law used backwards: `∀a b. P(a, b) → l(a, b) = r(a, b)` proves the goal
        `l(s, t) = r(s, t)` (sides normalised) when the premise P(s, t) can be proved; this is how
        `x ≤ y → x ≤ S(y)` meets the goal `len(…) ≤ S(len(zs))` whose premise is the hypothesis."""
        from axiomforge.logic.terms import match as match_term

        try:
            lhs, _ = self.normalize(goal.lhs)
            rhs, _ = self.normalize(goal.rhs)
        except BudgetExceeded:
            return None
        b = self.builder
        for rule in self.horn:
            if rule.negative or rule.conjunctive or len(rule.premises) != 1 or not isinstance(rule.conclusion, Eq):
                continue
            pattern_vars = frozenset(rule.variables)
            for l_pat, r_pat, flip in ((rule.conclusion.lhs, rule.conclusion.rhs, False),
                                       (rule.conclusion.rhs, rule.conclusion.lhs, True)):
                if not rule.variables:  # a hypothesis about eigenvariables: compared by rewriting below
                    sigma: dict[Var, Term] | None = {}
                    try:
                        if self.normalize(l_pat)[0] != lhs or self.normalize(r_pat)[0] != rhs:
                            continue
                    except BudgetExceeded:
                        return None
                else:
                    sigma = match_term(l_pat, lhs, pattern_vars)
                    if sigma is None:
                        continue
                    sigma = match_term(r_pat, rhs, pattern_vars, sigma)
                if sigma is None or any(v not in sigma for v in rule.variables):
                    continue
                if any(self.prover.sorts_of(sigma[v]) != v.sort for v in rule.variables):
                    continue  # a bare pattern variable side (`a = b`) matches a term of any sort
                inner = self.copy()
                assert isinstance(inner, _SplitContext)
                inner.splits_left = self.splits_left - 1
                premise = substitute_formula(rule.premises[0], sigma)
                psid = inner.prove(premise)
                if psid is None:
                    continue
                cited = b.cite(rule.citation)
                inst = b.inst(cited, [(v, sigma[v]) for v in rule.variables]) if rule.variables else cited
                got = b.mp(inst, psid)  # l(s, t) = r(s, t) (or flipped) for the normal forms
                eq = b.symm(got) if flip else got
                left = self.prove_eq(goal.lhs, lhs)
                right = self.prove_eq(rhs, goal.rhs)
                if left is None or right is None:
                    continue
                return b.trans(b.trans(left, eq), right)
        return None

    def _fresh_var(self, sort: str, base: str) -> Var:
        """A variable whose name occurs nowhere in the laws or the goal (TIP problems name their
        own variables y2, x3, …; one name with two sorts would not check)."""
        prover = self.prover
        assert isinstance(prover, GoalProver)
        while True:
            prover.fresh_counter += 1
            name = f"{base}_{prover.fresh_counter}"
            if name not in prover.taken_names:
                return Var(name, sort)

    def reversed_hypotheses(self) -> _SplitContext | None:
        """A copy whose equational induction hypotheses rewrite the other way: `s(size(l)) =
        leaves(l)` oriented `s(size(l)) -> leaves(l)` never meets `leaves(l) + leaves(r)`; read
        `leaves(l) -> s(size(l))` it does (both hypotheses used, not one fertilisation)."""
        swapped: list[Rule] = []
        changed = False
        for rule in self.local_rules:
            cit = rule.citation
            if cit.kind == "step" and cit.name == "IH" and type(rule) is Rule and not rule.ordered:
                var_set = frozenset(rule.variables)
                if (isinstance(rule.rhs, App) and free_term_vars(rule.lhs) & var_set <= free_term_vars(rule.rhs)
                        and rule.rhs.fn not in _symbols(rule.lhs)):  # `S(a) -> …S(…)…` would loop
                    swapped.append(Rule(rule.name, rule.rhs, rule.lhs, rule.variables, cit, not rule.flipped))
                    changed = True
                    continue
            swapped.append(rule)
        if not changed:
            return None
        other = self.copy()
        assert isinstance(other, _SplitContext)
        other._account()
        other.local_rules = swapped
        other._rewriter = None
        return other

    def prove(self, goal: Formula) -> int | None:
        sid = super().prove(goal)
        if sid is None and isinstance(goal, Eq):
            other = self.reversed_hypotheses()
            if other is not None:
                sid = Context.prove(other, goal)
        if sid is None and isinstance(goal, Eq) and self.splits_left > 0:
            sid = self._backward(goal)
        if sid is not None or self.splits_left <= 0 or not isinstance(goal, Eq | Not | Binary):
            return sid
        if self.exists_pending or self.or_pending or self.false_step is not None:
            return sid
        prover = self.prover
        assert isinstance(prover, GoalProver)
        width = 2 if self.splits_left >= prover.max_splits else 1  # alternatives at the top only
        for term in self._split_terms(goal)[:width]:
            prover.spent += SPLIT_COST  # a split costs like rewrite steps: the budget bounds splitting
            if prover.spent > prover.config.rewrite_budget:
                raise BudgetExceeded()
            result = self._split(goal, term)
            if result is not None:
                return result
        return None

    def _split_terms(self, goal: Formula) -> list[Term]:
        prover = self.prover
        assert isinstance(prover, GoalProver)
        sources: list[Term] = []
        _terms_of(goal, sources)
        for fact in self.facts + self.neg_facts:
            _terms_of(fact.formula, sources)
        found: list[Term] = []
        for src in sources:
            try:
                nf, _ = self.normalize(src)
            except BudgetExceeded:
                break
            for term in prover.blocking(nf):
                if term not in found:
                    found.append(term)
        # conditions of `if` before variables, wherever they were found
        return sorted(found, key=lambda t: 0 if isinstance(t, App) else 1)

    def _split(self, goal: Formula, term: Term) -> int | None:
        prover = self.prover
        assert isinstance(prover, GoalProver)
        sort = prover.sorts_of(term)
        decl = next((ind for ind in prover.theory.induction if ind.sort == sort), None)
        if decl is None:
            return None
        b = self.builder
        var = self._fresh_var(sort, "c")
        motive = Binary("implies", Eq(term, var), goal)
        premises: list[int] = []
        for cname in decl.constructors:
            ys = [self._fresh_var(s, "y") for s in prover.theory.function(cname).arg_sorts]
            hyp = b.assume(Eq(term, App(cname, tuple(ys))))
            branch = self.copy()
            assert isinstance(branch, _SplitContext)
            branch.splits_left = self.splits_left - 1
            branch.assume_and_saturate(hyp)
            if isinstance(term, Var):
                branch.renormalize_hypotheses()
            for fact in self.facts + self.neg_facts:  # the facts again, simplified by the case
                if branch.false_step is None:
                    branch.assume_and_saturate(fact.step)
            branch.discharge_hypotheses()
            sid = branch.prove(goal)
            if sid is None:
                return None
            sid = b.imp_intro(sid, hyp)
            for y in reversed(ys):
                sid = b.gen(sid, y)
            premises.append(sid)
        every = b.induction(tuple(premises), var, Quant("forall", var, motive), rule="cases")
        return b.mp(b.inst(every, [(var, term)]), b.refl(term))


def free_term_vars(term: Term) -> set[Var]:
    from axiomforge.logic.ir import term_vars

    return term_vars(term)


def _all_var_names(formula: Formula) -> set[str]:
    """Names of the variables of a formula, bound or free."""
    from axiomforge.logic.terms import formula_vars_in_order

    out = {v.name for v in formula_vars_in_order(formula)}
    while isinstance(formula, Quant | Not | Binary):
        if isinstance(formula, Quant):
            out.add(formula.var.name)
            formula = formula.body
        elif isinstance(formula, Not):
            formula = formula.body
        else:
            out |= _all_var_names(formula.left)
            formula = formula.right
    return out


def _symbols(term: Term) -> set[str]:
    if isinstance(term, Var):
        return set()
    return {term.fn}.union(*(_symbols(a) for a in term.args))


def _strip(formula: Formula) -> Formula:
    return strip_foralls(formula)[1]


def _terms_of(formula: Formula, out: list[Term]) -> None:
    match formula:
        case Eq(lhs, rhs):
            out.extend([lhs, rhs])
        case Not(body):
            _terms_of(body, out)
        case Binary(_, left, right):
            _terms_of(left, out)
            _terms_of(right, out)
        case Quant(_, _, body):
            _terms_of(body, out)


class GoalProver(Prover):
    """The prover with case splits (see `_SplitContext`)."""

    def __init__(self, knowledge: Knowledge, config: ProverConfig | None = None, max_splits: int = 3) -> None:
        super().__init__(knowledge, config)
        self.max_splits = max_splits
        self.taken_names: set[str] = set()
        for law in knowledge.laws:
            self.taken_names |= _all_var_names(law.formula)
        self.patterns = _defining_patterns(self.theory)
        self.ite_functions = _ite_functions(self.theory)

    def blocking(self, term: Term) -> list[Term]:
        """Subterms a case split would unblock, innermost first: the condition of an `if`
        that is not a constructor, and variables where a defining equation wants a constructor."""
        conditions: list[Term] = []
        blocked_vars: list[Term] = []
        for _, sub in sorted(positions(term), key=lambda ps: -len(ps[0])):
            if not isinstance(sub, App):
                continue
            if sub.fn in self.ite_functions:
                cond = sub.args[0]
                if not (isinstance(cond, App) and cond.fn in self.constructors) and cond not in conditions:
                    conditions.append(cond)
                continue
            for pattern in self.patterns.get(sub.fn, ()):
                for blocked in _blocked_vars(pattern, sub, self.constructors):
                    if blocked not in blocked_vars:
                        blocked_vars.append(blocked)
        return conditions + blocked_vars  # an `if` first: its condition is the case the definition names

    def prove(self, statement: Formula) -> ProofResult | None:
        """Direct (with case splits), then induction on each variable: first those a defining
        equation recurses on in the goal (`xs` in `elem(x, xs ++ ys)`), then the others."""
        self.taken_names |= _all_var_names(statement)
        variables, body = strip_foralls(statement)
        inductive = {ind.sort for ind in self.theory.induction}
        terms: list[Term] = []
        _terms_of(body, terms)
        score = {v: 0 for v in variables}
        for t in terms:
            for blocked in self.blocking(t):
                if isinstance(blocked, Var) and blocked in score:
                    score[blocked] += 1
        order = sorted((v for v in variables if v.sort in inductive), key=lambda v: -score[v])
        attempts: list[Var | None] = [None, *order]
        for var in attempts:
            self.spent = 0
            builder = ProofBuilder()
            try:
                if var is None:
                    sid = self._direct(builder, variables, body)
                else:
                    sid = self._induction(builder, statement, variables, body, var, with_hypotheses=True)
            except (Failed, BudgetExceeded, ProofError):
                continue
            if sid is None or builder.formula(sid) != statement or builder.open[sid]:
                continue
            steps, cites = _compact(builder, sid)
            return ProofResult("direct" if var is None else f"induction on {var.name}", steps, cites)
        return None

    def _context(self, builder):  # type: ignore[no-untyped-def]
        ctx = super()._context(builder)
        ctx.__class__ = _SplitContext
        ctx.splits_left = self.max_splits  # type: ignore[attr-defined]
        return ctx

    @property
    def constructors(self) -> set[str]:
        return {c for ind in self.theory.induction for c in ind.constructors}


def _ite_functions(theory: Theory) -> set[str]:
    """Functions defined like `ite_S`: two axioms selecting the second or third argument on the
    two constructors of the first argument's sort (recognised by their axioms, not their name)."""
    out = set()
    for f in theory.functions:
        if len(f.arg_sorts) != 3 or f.arg_sorts[1] != f.result_sort or f.arg_sorts[2] != f.result_sort:
            continue
        picks = set()
        for ax in theory.axioms:
            variables, body = strip_foralls(ax.formula)
            if isinstance(body, Eq) and isinstance(body.lhs, App) and body.lhs.fn == f.name:
                c, a, b = body.lhs.args
                if isinstance(c, App) and not c.args and isinstance(a, Var) and isinstance(b, Var) and a != b:
                    picks.add(1 if body.rhs == a else 2 if body.rhs == b else 0)
        if picks == {1, 2}:
            out.add(f.name)
    return out


def _defining_patterns(theory: Theory) -> dict[str, list[App]]:
    constructors = {c for ind in theory.induction for c in ind.constructors}
    out: dict[str, list[App]] = {}
    for ax in theory.axioms:
        _, body = strip_foralls(ax.formula)
        if (isinstance(body, Eq) and isinstance(body.lhs, App) and body.lhs.fn not in constructors
                and any(isinstance(a, App) for a in body.lhs.args)):
            out.setdefault(body.lhs.fn, []).append(body.lhs)
    return out


def _blocked_vars(pattern: Term, term: Term, constructors: set[str]) -> list[Var]:
    """Variables of `term` standing where `pattern` has a constructor (if the rest matches)."""
    if isinstance(pattern, Var):
        return []
    if isinstance(term, Var):
        return [term] if pattern.fn in constructors else []
    if pattern.fn != term.fn or len(pattern.args) != len(term.args):
        return []
    out: list[Var] = []
    for p, t in zip(pattern.args, term.args):
        if isinstance(p, App) and isinstance(t, App) and (p.fn != t.fn) and t.fn in constructors:
            return []  # a different constructor: this pattern cannot apply
        out.extend(_blocked_vars(p, t, constructors))
    return out


# ---------------------------------------------------------------- exploration signature


def exploration_theory(theory: Theory, statement: Formula) -> Theory:
    """The goal's functions and those their defining equations call (transitively), with the
    constructors of the sorts involved; `ite` symbols are left out of the enumeration."""
    from dataclasses import replace

    ite = _ite_functions(theory)
    keep = set(formula_symbols(statement)) - ite
    defining: dict[str, set[str]] = {}
    for ax in theory.axioms:
        _, body = strip_foralls(ax.formula)
        if isinstance(body, Eq) and isinstance(body.lhs, App):
            defining.setdefault(body.lhs.fn, set()).update(formula_symbols(body) - ite)
    changed = True
    while changed:
        changed = False
        for f in list(keep):
            extra = defining.get(f, set()) - keep
            if extra:
                keep |= extra
                changed = True
    sorts = {theory.function(f).result_sort for f in keep} | {s for f in keep for s in theory.function(f).arg_sorts}
    sorts |= {v.sort for v in strip_foralls(statement)[0]}
    for ind in theory.induction:
        if ind.sort in sorts:
            keep |= set(ind.constructors)
    sorts |= {s for f in keep for s in theory.function(f).arg_sorts}
    functions = tuple(f for f in theory.functions if f.name in keep)
    axioms = tuple(ax for ax in theory.axioms if formula_symbols(ax.formula) <= keep)
    induction = tuple(ind for ind in theory.induction if ind.sort in sorts)
    return replace(theory, sorts=tuple(s for s in theory.sorts if s in sorts), functions=functions,
                   relations=(), axioms=axioms, induction=induction, expects=(), goals=())


def conditional_candidates(theory: Theory, model: FiniteModel) -> list[Formula]:
    """Conditional lemmas about Boolean-valued functions of two arguments of one sort, the
    shapes IsaPlanner-style definitions need (`x < y → (x == y) = False`, `x ≤ y → x ≤ S(y)`,
    `(x ≤ y) = False → y ≤ x`): a premise `p(a, b) = v` and a conclusion `a = b`, `q(a, b) = w`,
    `q(b, a) = w`, or `p(a, g(b)) = v` / `p(g(a), b) = v` for a one-argument function g of the
    sort. Each must hold on every tested assignment and its premise on at least one."""
    bool_ctors = [f.name for f in theory.functions if f.result_sort == "Bool" and not f.arg_sorts]
    preds = [f for f in theory.functions if f.result_sort == "Bool" and len(f.arg_sorts) == 2
             and f.arg_sorts[0] == f.arg_sorts[1] and f.arg_sorts[0] != "Bool"]
    if len(bool_ctors) != 2 or not preds:
        return []
    out: list[Formula] = []
    for p in preds:
        sort = p.arg_sorts[0]
        a, b = Var("a", sort), Var("b", sort)
        unary = [g.name for g in theory.functions if g.arg_sorts == (sort,) and g.result_sort == sort]
        for v in bool_ctors:
            premise = Eq(App(p.name, (a, b)), App(v))
            conclusions: list[Formula] = [Eq(a, b)]
            for q in preds:
                if q.arg_sorts == p.arg_sorts:
                    for w in bool_ctors:
                        conclusions += [Eq(App(q.name, (a, b)), App(w)), Eq(App(q.name, (b, a)), App(w))]
            for g in unary:
                conclusions += [Eq(App(p.name, (a, App(g, (b,)))), App(v)), Eq(App(p.name, (App(g, (a,)), b)), App(v))]
            for concl in conclusions:
                if concl == premise:
                    continue
                statement = close_formula(Binary("implies", premise, concl), [a, b])
                if _holds_somewhere(model, premise, [a, b]) and model.counterexample(statement) is None:
                    out.append(statement)
    return out


def _holds_somewhere(model: FiniteModel, premise: Formula, variables: list[Var]) -> bool:
    from axiomforge.logic.models import EvaluationLimit

    for env in model.assignments(variables):
        try:
            if model.holds(premise, env):
                return True
        except EvaluationLimit:
            continue
    return False


def generalizations(statement: Formula, theory: Theory) -> list[Formula]:
    """The goal with one repeated non-variable subterm (two occurrences or more) replaced by a
    fresh variable everywhere, biggest subterm first."""
    variables, body = strip_foralls(statement)
    if not isinstance(body, Eq):
        return []
    counts: dict[Term, int] = {}
    for side in (body.lhs, body.rhs):
        for _, sub in positions(side):
            if isinstance(sub, App) and sub.args:
                counts[sub] = counts.get(sub, 0) + 1
    out: list[Formula] = []
    names = {v.name for v in variables}
    for sub, n in sorted(counts.items(), key=lambda kv: (-_size(kv[0]), repr(kv[0]))):
        if n < 2:
            continue
        name = next(f"g{i}" for i in range(1, 100) if f"g{i}" not in names)
        assert isinstance(sub, App)
        fresh = Var(name, theory.function(sub.fn).result_sort)
        new_body = Eq(_replace_all(body.lhs, sub, fresh), _replace_all(body.rhs, sub, fresh))
        remaining = [v for v in variables if _occurs(v, new_body)]
        out.append(close_formula(new_body, [*remaining, fresh]))
    return out


def _size(t: Term) -> int:
    return 1 if isinstance(t, Var) else 1 + sum(_size(a) for a in t.args)


def _occurs(v: Var, f: Formula) -> bool:
    from axiomforge.logic.ir import free_vars

    return v in free_vars(f)


def _replace_all(term: Term, old: Term, new: Term) -> Term:
    if term == old:
        return new
    if isinstance(term, App):
        return App(term.fn, tuple(_replace_all(a, old, new) for a in term.args))
    return term


# ---------------------------------------------------------------- the goal loop


def _attempt(theory: Theory, laws: list[Law], statement: Formula, budget: int, splits: int) -> ProofResult | None:
    prover = GoalProver(Knowledge(theory, laws), ProverConfig(rewrite_budget=budget, max_facts=MAX_FACTS),
                        max_splits=splits)
    try:
        return prover.prove(statement)
    except (BudgetExceeded, RecursionError):
        return None


def prove_goal(theory: Theory, name: str, config: GoalConfig | None = None,
               known: list[Theorem] | None = None) -> GoalOutcome:
    """One goal; `known` are theorems proved before (earlier goals and their lemmas), usable as
    laws and cited by name, so a run over several goals writes one consistent document."""
    config = config or GoalConfig()
    known = list(known or [])
    start = time.perf_counter()
    goal = next(g for g in theory.goals if g.name == name)
    statement = _closed(goal.formula)
    model = FiniteModel(theory, config.model)
    counter = model.counterexample(statement)
    if counter is not None:
        return GoalOutcome(name, statement, "false", [], counter, 0, 0, time.perf_counter() - start)
    laws = [Law(ax.name, "axiom", ax.formula) for ax in theory.axioms]
    laws += [Law(t.name, "theorem", t.statement) for t in known]
    lemmas: list[Theorem] = []
    tried = 0
    counts: dict[str, int] = {}
    for t in known:  # new lemma names continue after the known ones
        base = t.name.rsplit("_", 1)[0] if t.name.rsplit("_", 1)[-1].isdigit() else t.name
        counts[base] = counts.get(base, 0) + 1

    def finish(result: ProofResult) -> GoalOutcome:
        goal_thm = Theorem(_goal_theorem_name(name, known + lemmas), statement, "goal", result.method, 0.0,
                           result.cites, result.steps)
        used = _used(goal_thm, known + lemmas)
        seconds = time.perf_counter() - start
        goal_thm.seconds = seconds
        return GoalOutcome(goal_thm.name, statement, "proved", used + [goal_thm], None, tried, len(lemmas), seconds)

    result = _attempt(theory, laws, statement, config.rewrite_budget, config.max_splits)
    if result is not None:
        return finish(result)

    # theory exploration over the goal's symbols, plus generalisations of the goal
    explore = exploration_theory(theory, statement)
    candidates, _stats = generate_candidates(explore, model, ConjectureConfig(max_size=config.max_size))
    extra: list[Candidate] = []
    for gen in generalizations(statement, theory):
        if model.counterexample(gen) is None:
            extra.append(Candidate(gen, "generalisation", formula_size(gen), f"gen:{gen!r}"))
    for cond in conditional_candidates(explore, model):
        extra.append(Candidate(cond, "conditional", formula_size(cond), f"cond:{cond!r}"))
    pending = extra + candidates[: config.max_candidates]
    knowledge = Knowledge(theory, list(laws))
    for _ in range(config.max_passes):
        progress = False
        still: list[Candidate] = []
        for cand in pending:
            if is_redundant(cand.statement, knowledge):
                continue
            tried += 1
            proof = _attempt(theory, knowledge.laws, cand.statement, config.lemma_budget, min(config.max_splits, 2))
            if proof is None:
                still.append(cand)
                continue
            lemma_name = theorem_name(cand, counts) if cand.shape != "generalisation" else _gen_name(counts)
            while any(t.name == lemma_name for t in known + lemmas) or any(g.name == lemma_name for g in theory.goals):
                lemma_name = theorem_name(cand, counts)
            law = Law(lemma_name, "theorem", cand.statement)
            knowledge.laws.append(law)
            knowledge.add(law)
            lemmas.append(Theorem(lemma_name, cand.statement, cand.shape, proof.method, 0.0, proof.cites, proof.steps))
            progress = True
            # a quick retry after each lemma (most goals need one more lemma, not a deep search) ...
            result = _attempt(theory, knowledge.laws, statement, config.lemma_budget, config.max_splits - 1)
            if result is not None:
                return finish(result)
        pending = still
        if not progress:
            break
        # ... and a full one once the pass has added its lemmas
        result = _attempt(theory, knowledge.laws, statement, config.rewrite_budget, config.max_splits)
        if result is not None:
            return finish(result)
    return GoalOutcome(name, statement, "unproved", lemmas, None, tried, len(lemmas), time.perf_counter() - start)


def _gen_name(counts: dict[str, int]) -> str:
    counts["generalisation"] = counts.get("generalisation", 0) + 1
    return f"generalisation_{counts['generalisation']}"


def _goal_theorem_name(name: str, lemmas: list[Theorem]) -> str:
    taken = {t.name for t in lemmas}
    out, i = name, 2
    while out in taken:
        out, i = f"{name}_{i}", i + 1
    return out


def _used(goal: Theorem, lemmas: list[Theorem]) -> list[Theorem]:
    by_name = {t.name: t for t in lemmas}
    need: set[str] = set()
    stack = list(goal.cites)
    while stack:
        n = stack.pop()
        if n in need or n not in by_name:
            continue
        need.add(n)
        stack.extend(by_name[n].cites)
    return [t for t in lemmas if t.name in need]


def _closed(formula: Formula) -> Formula:
    from axiomforge.logic.terms import formula_vars_in_order

    free = formula_vars_in_order(formula)
    return close_formula(formula, free) if free else formula


def prove_goals(theory: Theory, names: list[str], config: GoalConfig | None = None) -> list[GoalOutcome]:
    """The goals in order, each able to use what the earlier ones proved."""
    outcomes: list[GoalOutcome] = []
    known: list[Theorem] = []
    for name in names:
        outcome = prove_goal(theory, name, config, known)
        outcomes.append(outcome)
        names_known = {t.name for t in known}
        known += [t for t in outcome.theorems if t.name not in names_known]
    return outcomes


def goal_run_result(theory: Theory, outcomes: list[GoalOutcome]) -> RunResult:
    """The outcomes as a run result, so proofs.json, the checker and Lean export work as usual:
    the theorems of every goal in order (a theorem two goals share appears once; names are
    unique across goals because each goal continues the earlier ones' naming)."""
    theorems: list[Theorem] = []
    seen: set[str] = set()
    for outcome in outcomes:
        for t in outcome.theorems:
            if t.name in seen:
                continue
            seen.add(t.name)
            theorems.append(t)
    summary = RunSummary(proved=len(theorems), unproved=sum(1 for o in outcomes if o.status != "proved"),
                         seconds_total=sum(o.seconds for o in outcomes))
    return RunResult(theory, theorems, [], summary, ConjectureStats())
