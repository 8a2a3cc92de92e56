"""Stage 2: finite model -> candidate laws (goal-agnostic, QuickSpec-style).

Terms over the signature (with a few variables per sort) are enumerated by increasing size and
evaluated on a fixed set of assignments in the finite model; a term's *value vector* is its
fingerprint. Terms with equal fingerprints are, as far as testing can tell, equal: the first
(smallest) term of each class is its representative, and every later member yields a candidate
equation `member = representative`. Larger terms are built from representatives only, so an
equation never reappears inside a bigger context (the pruning that keeps the count small).

Fast-growing functions (a ^ (b + c)) pass the model's value size bound on some assignments. Such
an entry is *unknown* (-1) and stays in the fingerprint as a value of its own: two terms share a
class when they agree wherever both are known and are unknown on the same assignments (equal
values are equally large, so equal terms mostly are). A term needs a known value on at least
`min_defined_fraction` of the assignments to be admitted. This partial testing never makes a
theorem: every candidate is still proved and re-checked.

Besides equations, a few shapes follow from the signature alone, each kept only if no assignment
refutes it (the counter-model filter) and, for implications, if some assignment satisfies the
premise:
- injectivity of a context:      t[x:=a] = t[x:=b] → a = b       (cancellation laws)
- zero-sum:                      t = 0 → v = 0   (or v = 0 ∨ w = 0 when no single variable works)
- disequation:                   t ≠ v            (s(a) ≠ a, a + s(b) ≠ a)
- constructor exhaustion:        v ≠ c0 → ∃ys. v = c(ys)   (for a sort with one nullary constructor)
Names come from the declared signature and induction schemas; nothing here knows arithmetic.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from axiomforge.logic.ir import App, Binary, Eq, Formula, Not, Quant, Rel, Term, Theory, Var
from axiomforge.logic.models import EvaluationLimit, FiniteModel
from axiomforge.logic.terms import (
    Precedence,
    canonical_renaming,
    close_formula,
    formula_key,
    formula_size,
    formula_vars_in_order,
    fresh_name,
    lpo_greater,
    strip_foralls,
    substitute_formula,
    term_key,
    variable_pools,
    vars_in_order,
)

PAIR_HEADS = 6
SHAPE_ORDER = {
    "equation": 0, "disequation": 1, "zero": 2, "injective": 3, "zero_or": 4, "exhaustion": 5, "relation": 6,
}


@dataclass(frozen=True)
class ConjectureConfig:
    max_size: int = 7
    variables_per_inductive_sort: int = 3
    variables_per_other_sort: int = 2
    shape_max_size: int = 3
    disequation_max_size: int = 4
    min_defined_fraction: float = 0.5  # terms known on fewer assignments are left out


@dataclass(frozen=True)
class Candidate:
    statement: Formula  # closed, variables canonically named
    shape: str
    size: int
    key: str

    def sort_key(self) -> tuple[int, int, str]:
        return (self.size, SHAPE_ORDER.get(self.shape, 9), self.key)


@dataclass
class ConjectureStats:
    terms: int = 0
    classes: int = 0
    generated: int = 0
    refuted: int = 0
    duplicates: int = 0
    uninteresting: int = 0
    shape_counts: dict[str, int] = field(default_factory=dict)


def statement_key(statement: Formula) -> str:
    """Canonical key up to renaming of variables and orientation of equations."""
    variables, body = strip_foralls(statement)
    options = [body]
    if isinstance(body, Eq):
        options.append(Eq(body.rhs, body.lhs))
    elif isinstance(body, Not) and isinstance(body.body, Eq):
        options.append(Not(Eq(body.body.rhs, body.body.lhs)))
    keys = []
    for option in options:
        order = formula_vars_in_order(option)
        renaming = {v: Var(f"v{i}", v.sort) for i, v in enumerate(order)}
        keys.append(formula_key(substitute_formula(option, renaming)))
    return min(keys)


def canonical_statement(body: Formula, pools: dict[str, tuple[str, ...]]) -> Formula:
    order = formula_vars_in_order(body)
    renaming = canonical_renaming(order, pools)
    renamed = substitute_formula(body, renaming)
    return close_formula(renamed, [renaming[v] for v in order])


class TermUniverse:
    """Enumerated representative terms with their value vectors, by sort and size."""

    def __init__(self, theory: Theory, model: FiniteModel, config: ConjectureConfig) -> None:
        self.theory = theory
        self.model = model
        self.config = config
        self.pools = variable_pools(theory)
        inductive = {ind.sort for ind in theory.induction}
        self.variables: list[Var] = []
        for sort in theory.sorts:
            count = config.variables_per_inductive_sort if sort in inductive else config.variables_per_other_sort
            self.variables.extend(Var(name, sort) for name in self.pools[sort][:count])
        self.assignments = model.assignments(self.variables)
        self.reps: dict[tuple[str, int], list[Term]] = {}
        self.vector: dict[Term, tuple[int, ...]] = {}
        self.class_rep: dict[tuple[str, tuple[int, ...]], Term] = {}
        self.members: list[tuple[Term, Term]] = []  # (non-representative term, its representative)
        self.all_terms: list[Term] = []
        self.stats = ConjectureStats()

    def build(self) -> None:
        for var in self.variables:
            vec = tuple(self.model.intern(env[var]) for env in self.assignments)
            self._admit(var, var.sort, 1, vec)
        for size in range(1, self.config.max_size + 1):
            for decl in self.theory.functions:
                arity = len(decl.arg_sorts)
                if arity == 0:
                    if size == 1:
                        self._admit_app(App(decl.name), decl.result_sort, 1, ())
                    continue
                for split in _compositions(size - 1, arity):
                    pools = [self.reps.get((s, n), []) for s, n in zip(decl.arg_sorts, split)]
                    if any(not p for p in pools):
                        continue
                    for args in itertools.product(*pools):
                        self._admit_app(App(decl.name, tuple(args)), decl.result_sort, size, args)
        self.stats.terms = len(self.all_terms)
        self.stats.classes = len(self.class_rep)

    def _admit_app(self, term: App, sort: str, size: int, args: Iterable[Term]) -> None:
        arg_vecs = [self.vector[a] for a in args]
        n = len(self.assignments)
        if arg_vecs:
            fn, memo, apply = term.fn, self.model.id_memo, self.model.apply_ids
            # the model's memo first: most argument tuples have been computed before
            vec = tuple(
                vid if (vid := memo.get((fn, args_i))) is not None else apply(fn, args_i)
                for args_i in zip(*arg_vecs)
            )
        else:
            vid = self.model.apply_ids(term.fn, ())
            vec = (vid,) * n
        self._admit(term, sort, size, vec)

    def _admit(self, term: Term, sort: str, size: int, vec: tuple[int, ...]) -> None:
        if -1 in vec:
            # a value past the model's size bound is unknown (-1), a fingerprint entry of its
            # own (see the module docstring); a term known on too few assignments is left out
            defined = sum(1 for x in vec if x != -1)
            if defined < self.config.min_defined_fraction * len(vec):
                return
        self.all_terms.append(term)
        self.vector[term] = vec
        key = (sort, vec)
        rep = self.class_rep.get(key)
        if rep is None:
            self.class_rep[key] = term
            self.reps.setdefault((sort, size), []).append(term)
        else:
            self.members.append((term, rep))

    def sort_of(self, term: Term) -> str:
        return term.sort if isinstance(term, Var) else self.theory.function(term.fn).result_sort

    def representatives(self, max_size: int) -> list[tuple[Term, str]]:
        out: list[tuple[Term, str]] = []
        for (sort, size), terms in sorted(self.reps.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if size <= max_size:
                out.extend((t, sort) for t in terms)
        return out


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 1:
        return [(total,)] if total >= 1 else []
    out: list[tuple[int, ...]] = []
    for first in range(1, total - parts + 2):
        for rest in _compositions(total - first, parts - 1):
            out.append((first, *rest))
    return out


def generate_candidates(
    theory: Theory, model: FiniteModel, config: ConjectureConfig | None = None
) -> tuple[list[Candidate], ConjectureStats]:
    """Every surviving candidate law, sorted by (size, shape, canonical key)."""
    config = config or ConjectureConfig()
    universe = TermUniverse(theory, model, config)
    universe.build()
    stats = universe.stats
    prec = Precedence(theory)
    pools = universe.pools
    axiom_keys = {statement_key(ax.formula) for ax in theory.axioms}
    seen: dict[str, Candidate] = {}

    def offer(body: Formula, shape: str, tested: bool) -> None:
        stats.generated += 1
        statement = canonical_statement(body, pools)
        key = statement_key(statement)
        if key in seen or key in axiom_keys:
            stats.duplicates += 1
            return
        if not tested and model.counterexample(statement) is not None:
            stats.refuted += 1
            return
        seen[key] = Candidate(statement, shape, formula_size(statement), key)
        stats.shape_counts[shape] = stats.shape_counts.get(shape, 0) + 1

    constructors = {c for ind in theory.induction for c in ind.constructors}
    constants = {f.name for f in theory.functions if not f.arg_sorts}
    classes: dict[Term, list[Term]] = {}
    for term, rep in universe.members:
        classes.setdefault(rep, [rep]).append(term)
    for members in classes.values():
        # pairs within a class, each with one of its first (smallest) members: the big classes
        # (everything equal to 0) would otherwise give quadratically many consequences
        pairs = [(x, y) for i, x in enumerate(members[:PAIR_HEADS]) for y in members[i + 1 :]]
        for x, y in pairs:
            if not _interesting_equation(x, y, constructors, constants):
                stats.uninteresting += 1
                continue
            lhs, rhs = (x, y) if lpo_greater(x, y, prec, ground=False) or not lpo_greater(y, x, prec, ground=False) else (y, x)
            if lpo_greater(y, x, prec, ground=False):
                lhs, rhs = y, x
            offer(Eq(lhs, rhs), "equation", tested=True)

    _shape_candidates(theory, model, universe, offer)
    candidates = sorted(seen.values(), key=Candidate.sort_key)
    return candidates, stats


def _shape_candidates(theory: Theory, model: FiniteModel, universe: TermUniverse, offer) -> None:
    config = universe.config
    nullary: dict[str, App] = {}
    for ind in theory.induction:
        for c in ind.constructors:
            if not theory.function(c).arg_sorts:
                nullary.setdefault(ind.sort, App(c))
    small = universe.representatives(config.shape_max_size)

    def satisfiable(premise: Formula) -> bool:
        variables = formula_vars_in_order(premise)
        for env in model.assignments(variables):
            try:
                if model.holds(premise, env):
                    return True
            except EvaluationLimit:
                continue
        return False

    constructors = {c for ind in theory.induction for c in ind.constructors}
    constants = {f.name for f in theory.functions if not f.arg_sorts}
    for term, sort in small:
        if isinstance(term, Var):
            continue
        tvars = vars_in_order(term)
        if _stacked_constructor(term, constructors, constants):
            continue  # s(s(a)): a numeral pattern, its laws follow from those of s(a)
        # injectivity of the context around one occurrence of a variable
        for v in tvars:
            if _occurrences(term, v) != 1:
                continue
            other = Var(f"{v.name}'", v.sort)
            premise = Eq(term, _replace_var(term, v, other))
            offer(Binary("implies", premise, Eq(v, other)), "injective", tested=False)
        # zero-sum
        zero = nullary.get(sort)
        if zero is not None and tvars and term != zero:
            premise = Eq(term, zero)
            if satisfiable(premise):
                singles = []
                for v in tvars:
                    vz = nullary.get(v.sort)
                    if vz is None:
                        continue
                    body = Binary("implies", premise, Eq(v, vz))
                    if model.counterexample(close_formula(body, formula_vars_in_order(body))) is None:
                        singles.append(v)
                        offer(body, "zero", tested=False)
                if not singles:
                    for v, w in itertools.combinations(tvars, 2):
                        vz, wz = nullary.get(v.sort), nullary.get(w.sort)
                        if vz is not None and wz is not None:
                            offer(Binary("implies", premise, Binary("or", Eq(v, vz), Eq(w, wz))), "zero_or", tested=False)
    # t = v → w = c0 (a + b = a → b = 0): the premise names a variable of the term
    for term, sort in small:
        if isinstance(term, Var):
            continue
        tvars = vars_in_order(term)
        for v in tvars:
            if v.sort != sort:
                continue
            premise = Eq(term, v)
            if not satisfiable(premise):
                continue
            for w in tvars:
                wz = nullary.get(w.sort)
                if w != v and wz is not None:
                    offer(Binary("implies", premise, Eq(w, wz)), "zero", tested=False)
    _relation_candidates(theory, universe, offer)
    # disequations t ≠ v over all enumerated terms (members too: a + s(b) ≠ a is a member)
    from axiomforge.logic.ir import term_size

    for term in universe.all_terms:
        if isinstance(term, Var) or term_size(term) > config.disequation_max_size:
            continue
        if _stacked_constructor(term, constructors, constants):
            continue
        sort = universe.theory.function(term.fn).result_sort
        for v in vars_in_order(term):
            if v.sort != sort:
                continue
            vec_t, vec_v = universe.vector[term], universe.vector[v]
            if all(x != y for x, y in zip(vec_t, vec_v)):
                offer(Not(Eq(term, v)), "disequation", tested=False)
    # constructor exhaustion
    for ind in theory.induction:
        zero = nullary.get(ind.sort)
        others = [c for c in ind.constructors if theory.function(c).arg_sorts]
        if zero is None or len(ind.constructors) != 2 or len(others) != 1:
            continue
        decl = theory.function(others[0])
        v = Var(universe.pools[ind.sort][0], ind.sort)
        taken = {v.name}
        witnesses = []
        for s in decl.arg_sorts:
            name = fresh_name(s, taken, universe.pools)
            taken.add(name)
            witnesses.append(Var(name, s))
        claim: Formula = Eq(v, App(decl.name, tuple(witnesses)))
        for w in reversed(witnesses):
            claim = Quant("exists", w, claim)
        offer(Binary("implies", Not(Eq(v, zero)), claim), "exhaustion", tested=False)


def _interesting_equation(x: Term, y: Term, constructors: set[str], constants: set[str]) -> bool:
    """The equations worth stating as laws: one side linear, on the other at most one variable
    repeated, at most twice (distributivity repeats one), no stacked
    constructors or constructor applied to a constant (`s(s(a))`, `s(1)`: numerals, not laws),
    at most one constant per side, and one side's variables among the other's. Everything else
    a class produces is an instance or a consequence of such laws."""
    vx, vy = vars_in_order(x), vars_in_order(y)
    linear = 0
    for side in (x, y):
        counts = _var_counts(side, {})
        if any(k > 2 for k in counts.values()) or sum(k > 1 for k in counts.values()) > 1:
            return False
        linear += all(k == 1 for k in counts.values())
        if _constant_count(side, constants) > 1 or _stacked_constructor(side, constructors, constants):
            return False
    if not linear:
        return False
    if not vx and not vy:
        return False
    return set(vx) <= set(vy) or set(vy) <= set(vx)


def _constant_count(term: Term, constants: set[str]) -> int:
    if isinstance(term, Var):
        return 0
    own = 1 if not term.args and term.fn in constants else 0
    return own + sum(_constant_count(a, constants) for a in term.args)


def _stacked_constructor(term: Term, constructors: set[str], constants: set[str]) -> bool:
    if isinstance(term, Var):
        return False
    if term.fn in constructors and term.args:
        for a in term.args:
            if isinstance(a, App) and (a.fn in constructors or a.fn in constants):
                return True
    return any(_stacked_constructor(a, constructors, constants) for a in term.args)


def _relation_candidates(theory: Theory, universe: TermUniverse, offer) -> None:
    """For each binary relation R on one sort: the order-like laws (reflexive, transitive,
    antisymmetric, total) and R(u, v) between small terms; the model keeps the true ones."""
    small = [t for t, _ in universe.representatives(universe.config.shape_max_size)]
    for rel in theory.relations:
        if len(rel.arg_sorts) != 2 or rel.arg_sorts[0] != rel.arg_sorts[1]:
            continue
        sort = rel.arg_sorts[0]
        a, b, c = (Var(n, sort) for n in universe.pools[sort][:3])

        def R(x: Term, y: Term, name: str = rel.name) -> Rel:
            return Rel(name, (x, y))

        offer(R(a, a), "relation", tested=False)
        offer(Binary("implies", Binary("and", R(a, b), R(b, c)), R(a, c)), "relation", tested=False)
        offer(Binary("implies", Binary("and", R(a, b), R(b, a)), Eq(a, b)), "relation", tested=False)
        offer(Binary("or", R(a, b), R(b, a)), "relation", tested=False)
        constructors = {c for ind in theory.induction for c in ind.constructors}
        constants = {f.name for f in theory.functions if not f.arg_sorts}
        terms = [
            t for t in small
            if universe.sort_of(t) == sort and not _stacked_constructor(t, constructors, constants)
        ]
        for u in terms:
            for v in terms:
                if u == v or not (set(vars_in_order(u)) & set(vars_in_order(v)) or not vars_in_order(u)):
                    continue
                offer(R(u, v), "relation", tested=False)


def _var_counts(term: Term, out: dict[Var, int]) -> dict[Var, int]:
    if isinstance(term, Var):
        out[term] = out.get(term, 0) + 1
    else:
        for a in term.args:
            _var_counts(a, out)
    return out


def _occurrences(term: Term, var: Var) -> int:
    if isinstance(term, Var):
        return 1 if term == var else 0
    return sum(_occurrences(a, var) for a in term.args)


def _replace_var(term: Term, var: Var, new: Var) -> Term:
    if isinstance(term, Var):
        return new if term == var else term
    return App(term.fn, tuple(_replace_var(a, var, new) for a in term.args))


def term_of_key(term: Term) -> str:
    return term_key(term)
