"""Stage 1: theory -> finite model.

The model is the theory's own axioms run as a program: ground terms are evaluated to constructor
values (for Peano, the numerals s(…s(0)…)) by rewriting innermost with every axiom of the form
`∀xs. f(p1,…,pn) = r` whose left side matches. Sorts without an induction declaration (list
elements) get a few distinct free constants. Nothing about the intended meaning is hard-coded:
change the axioms and the model changes with them.

The model serves two purposes: the conjecturer's counter-model filter (a candidate law that fails
on one assignment is dropped before any proving) and the tests' soundness check of every theorem.
"""

from __future__ import annotations

import itertools
import random
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from axiomforge.logic.ir import App, Binary, Eq, Formula, Not, Quant, Rel, Term, Theory, Truth, Var
from axiomforge.logic.terms import Precedence, formula_symbols, lpo_greater, strip_foralls, symbols

Value = Term  # a ground constructor term (or a stuck term where the axioms say nothing)


class EvaluationLimit(Exception):
    """A value grew past the model's size bound; the assignment is skipped (the conjecturer's
    fingerprints record such an entry as unknown, -1)."""


@dataclass(frozen=True)
class ModelConfig:
    values_per_sort: int = 5
    elements: int = 3
    max_assignments: int = 240
    max_value_size: int = 800
    seed: int = 20251125


class FiniteModel:
    """Evaluation of ground terms by the theory's defining equations, with a memo table."""

    def __init__(self, theory: Theory, config: ModelConfig | None = None) -> None:
        if sys.getrecursionlimit() < 20000:
            sys.setrecursionlimit(20000)  # evaluation recurses along numerals (s(s(…)))
        self.theory = theory
        self.config = config or ModelConfig()
        self.constructors = {c for ind in theory.induction for c in ind.constructors}
        self.rules: dict[str, list[tuple[frozenset[Var], Term, Term]]] = {}
        prec = Precedence(theory)
        self.relation_defs: dict[str, tuple[list[Var], Formula]] = {}
        constrained: set[str] = set()  # symbols some axiom says something about beyond a rule's right side
        for ax in theory.axioms:
            variables, body = strip_foralls(ax.formula)
            if (
                isinstance(body, Eq) and isinstance(body.lhs, App) and body.lhs.fn not in self.constructors
                and lpo_greater(body.lhs, body.rhs, prec, ground=False)
            ):
                # only equations that decrease in the path order run as a program (so evaluation
                # terminates); `a + b = b + a` as an axiom is simply not used for computing
                constrained |= symbols(body.lhs)  # the right side only uses what it mentions
                self.rules.setdefault(body.lhs.fn, []).append((frozenset(variables), body.lhs, body.rhs))
            else:
                constrained |= formula_symbols(ax.formula)
            if (
                isinstance(body, Binary)
                and body.op == "iff"
                and isinstance(body.left, Rel)
                and all(isinstance(a, Var) for a in body.left.args)
            ):
                self.relation_defs[body.left.name] = ([a for a in body.left.args if isinstance(a, Var)], body.right)
        self.nodes: list[tuple[str, tuple[int, ...]]] = []  # interned values
        self.node_id: dict[tuple[str, tuple[int, ...]], int] = {}
        self.sizes: list[int] = []
        self.id_memo: dict[tuple[str, tuple[int, ...]], int] = {}
        self.domains = self._domains()
        inductive_sorts = {ind.sort for ind in theory.induction}
        # Functions no axiom constrains (a TIP goal's function variable made a fresh symbol) get one
        # fixed arbitrary interpretation instead of stuck terms: `if p(x) then … else …` then
        # evaluates, and a counterexample under it is a real one (the axioms allow any p).
        self.free_functions = {
            f.name: f.result_sort for f in theory.functions
            if f.arg_sorts and f.name not in self.constructors and f.name not in constrained
            and f.result_sort in inductive_sorts and self.domains.get(f.result_sort)
        }

    # -- values

    def _domains(self) -> dict[str, list[Value]]:
        domains: dict[str, list[Value]] = {}
        inductive = {ind.sort: ind for ind in self.theory.induction}
        for sort in self.theory.sorts:
            if sort not in inductive:
                domains[sort] = [App(f"{sort.lower()}#{i}") for i in range(self.config.elements)]
        # constructor terms by increasing size, until each inductive sort has enough values
        for _ in range(8):
            for sort, ind in inductive.items():
                seen = list(domains.get(sort, []))
                members = set(seen)  # membership in O(1): a 3-argument constructor makes 8000 values
                for cname in ind.constructors:
                    decl = self.theory.function(cname)
                    pools = [domains.get(s, []) if s != sort else list(seen) for s in decl.arg_sorts]
                    for args in itertools.product(*pools):
                        value = App(cname, tuple(args))
                        if value not in members:
                            members.add(value)
                            seen.append(value)
                seen.sort(key=_value_size)
                domains[sort] = seen[: self.config.values_per_sort * 4]
        for sort, ind in inductive.items():
            mixed = any(
                s != sort for c in ind.constructors for s in self.theory.function(c).arg_sorts
            )  # lists: cons carries an element, so more shapes are worth testing
            count = self.config.values_per_sort * (2 if mixed else 1)
            domains[sort] = _spread(domains.get(sort, []), count)
        return domains

    # -- evaluation on interned values: a value is an id of a node (symbol, argument ids)

    def node(self, fn: str, args: tuple[int, ...]) -> int:
        key = (fn, args)
        vid = self.node_id.get(key)
        if vid is None:
            vid = len(self.nodes)
            self.nodes.append(key)
            self.node_id[key] = vid
            self.sizes.append(1 + sum(self.sizes[a] for a in args))
        return vid

    def intern(self, value: Value) -> int:
        """The id of a value given as a ground constructor term."""
        if isinstance(value, Var):
            raise ValueError(f"free variable {value.name} is not a value")
        return self.node(value.fn, tuple(self.intern(a) for a in value.args))

    def value_of(self, vid: int) -> Value:
        fn, args = self.nodes[vid]
        return App(fn, tuple(self.value_of(a) for a in args))

    def apply_ids(self, fn: str, args: tuple[int, ...]) -> int:
        """fn applied to values; -1 (unknown) when a value grows past the size bound."""
        key = (fn, args)
        vid = self.id_memo.get(key)
        if vid is not None:
            return vid
        if -1 in args:
            return -1
        if fn in self.constructors:
            vid = self.node(fn, args)
        else:
            try:
                vid = self._apply_rules(fn, args)
            except RecursionError:
                vid = -1
        if vid != -1 and self.sizes[vid] > self.config.max_value_size:
            vid = -1
        self.id_memo[key] = vid
        return vid

    def _apply_rules(self, fn: str, args: tuple[int, ...]) -> int:
        for variables, lhs, rhs in self.rules.get(fn, ()):
            assert isinstance(lhs, App)
            env: dict[Var, int] = {}
            if all(self._match(p, a, variables, env) for p, a in zip(lhs.args, args)):
                return self.eval_ids(rhs, env)
        sort = self.free_functions.get(fn)
        if sort is not None:  # deterministic (crc32, not hash()) choice among the sort's smallest values
            choices = self.domains[sort][:4]
            key = ",".join(str(self.value_of(a)) for a in args)
            return self.intern(choices[zlib.crc32(f"{fn}({key})".encode()) % len(choices)])
        return self.node(fn, args)  # stuck: the axioms do not define fn here; the term is its own value

    def _match(self, pattern: Term, vid: int, variables: frozenset[Var], env: dict[Var, int]) -> bool:
        if isinstance(pattern, Var):
            if pattern not in variables:
                return False
            bound = env.get(pattern)
            if bound is None:
                env[pattern] = vid
                return True
            return bound == vid
        fn, args = self.nodes[vid]
        if fn != pattern.fn or len(args) != len(pattern.args):
            return False
        return all(self._match(p, a, variables, env) for p, a in zip(pattern.args, args))

    def eval_ids(self, term: Term, env: Mapping[Var, int]) -> int:
        if isinstance(term, Var):
            return env[term]
        args = tuple(self.eval_ids(a, env) for a in term.args)
        return self.apply_ids(term.fn, args)

    def evaluate(self, term: Term, env: Mapping[Var, Value]) -> Value:
        """The value of `term` with its variables bound to values; EvaluationLimit if too big."""
        vid = self.eval_ids(term, {v: self.intern(val) for v, val in env.items()})
        if vid == -1:
            raise EvaluationLimit(str(term))
        return self.value_of(vid)

    # -- assignments

    def assignments(self, variables: Sequence[Var]) -> list[dict[Var, Value]]:
        """All combinations of domain values if few, else a fixed pseudo-random sample (plus the
        all-smallest corner), so every run tests the same assignments."""
        pools = [self.domains[v.sort] for v in variables]
        total = 1
        for p in pools:
            total *= len(p)
        if total <= self.config.max_assignments:
            return [dict(zip(variables, combo)) for combo in itertools.product(*pools)]
        rng = random.Random(self.config.seed + len(variables))
        out = [dict(zip(variables, [p[0] for p in pools]))]
        seen = {tuple(p[0] for p in pools)}
        while len(out) < self.config.max_assignments:
            combo = tuple(rng.choice(p) for p in pools)
            if combo not in seen:
                seen.add(combo)
                out.append(dict(zip(variables, combo)))
        return out

    # -- formulas (for the counter-model filter and the tests' soundness check)

    def holds(self, formula: Formula, env: Mapping[Var, Value]) -> bool:
        """Truth in the finite model; quantifiers range over the (bounded) sort domains, so ∃ is
        checked against the domain values only: a bounded approximation, exact for ∀ on the
        tested values."""
        match formula:
            case Eq(lhs, rhs):
                ids = {v: self.intern(val) for v, val in env.items()}
                left, right = self.eval_ids(lhs, ids), self.eval_ids(rhs, ids)
                if left == -1 or right == -1:
                    raise EvaluationLimit("value too large")
                return left == right
            case Rel(name, args):
                if name not in self.relation_defs:
                    raise EvaluationLimit(name)
                params, body = self.relation_defs[name]
                values = [self.evaluate(a, env) for a in args]
                return self.holds(body, dict(zip(params, values)))
            case Truth(value):
                return value
            case Not(body):
                return not self.holds(body, env)
            case Binary(op, left, right):
                if op == "and":
                    return self.holds(left, env) and self.holds(right, env)
                if op == "or":
                    return self.holds(left, env) or self.holds(right, env)
                if op == "implies":
                    return (not self.holds(left, env)) or self.holds(right, env)
                return self.holds(left, env) == self.holds(right, env)
            case Quant(kind, var, body):
                domain = self.domains[var.sort]
                if kind == "forall":
                    return all(self.holds(body, {**env, var: v}) for v in domain)
                return any(self.holds(body, {**env, var: v}) for v in self._exists_domain(var.sort))
        raise TypeError(formula)

    def _exists_domain(self, sort: str) -> list[Value]:
        """Witness range for ∃: larger than the ∀ range, so that ∃p. a+p=b finds p for every
        tested a, b. Computed once per sort (a tree sort makes it thousands of values)."""
        cache: dict[str, list[Value]] = self.__dict__.setdefault("_exists_cache", {})
        if sort not in cache:
            base = self.domains[sort]
            members = set(base)
            cache[sort] = base + [v for v in self._all_small(sort) if v not in members]
        return cache[sort]

    def _all_small(self, sort: str) -> list[Value]:
        ind = next((i for i in self.theory.induction if i.sort == sort), None)
        if ind is None:
            return self.domains[sort]
        values = list(self.domains[sort])
        for _ in range(3):
            grown = list(values)
            members = set(grown)
            for cname in ind.constructors:
                decl = self.theory.function(cname)
                pools = [values if s == sort else self.domains.get(s, [])[:2] for s in decl.arg_sorts]
                for args in itertools.product(*pools):
                    v = App(cname, tuple(args))
                    if v not in members:
                        members.add(v)
                        grown.append(v)
            values = sorted(grown, key=_value_size)[:40]
        return values

    def counterexample(self, formula: Formula) -> dict[Var, Value] | None:
        """An assignment of the leading ∀-variables that falsifies `formula`, or None."""
        variables, body = strip_foralls(formula)
        for env in self.assignments(variables):
            try:
                if not self.holds(body, env):
                    return env
            except EvaluationLimit:
                continue
        return None


def _value_size(term: Term) -> int:
    if isinstance(term, Var):
        return 1
    size = 1
    stack = list(term.args)
    while stack:
        t = stack.pop()
        size += 1
        if isinstance(t, App):
            stack.extend(t.args)
    return size


def _spread(values: list[Value], count: int) -> list[Value]:
    """The `count` smallest values, by size then a canonical key (deterministic)."""
    from axiomforge.logic.terms import term_key

    ordered = sorted(values, key=lambda v: (_value_size(v), term_key(v)))
    return ordered[:count]
