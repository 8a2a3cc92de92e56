"""Finite model finding (Mace4-style) for any theory, by z3 over finite domains.

A model of size n interprets every sort as the integers 0..n-1, every function as a table and
every relation as a truth table. The search grounds each axiom over the domain (∀ becomes a
conjunction, ∃ a disjunction) and asks z3 for tables satisfying all of them. Two things keep the
search small and the models useful:

- **Symmetry breaking** (the least number heuristic): renaming the elements of a model gives an
  isomorphic one, so cells are filled in a fixed order (constants first, then function cells by
  their largest argument) and a cell may only take a value already in use or the next unused
  one. Any model is isomorphic to one that obeys this, so nothing is lost. For several sorts
  only the constants are constrained (one renaming per sort; cells mixing sorts are left free).
- **Induction**: a declared induction schema holds in a finite model whose elements of that
  sort are all values of constructor terms (every element has a constructor "parent" of
  smaller rank), so for inductive theories exactly those term-generated models are searched.

z3 runs under a deterministic resource limit (`rlimit`), never a clock: a search that runs out
reports "unknown" for that size, the same on every run. Models are plain frozen dataclasses
(picklable), evaluated without z3.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from axiomforge.logic.ir import Binary, Eq, Formula, Not, Quant, Rel, Term, Theory, Truth, Var
from axiomforge.logic.terms import strip_foralls


@dataclass(frozen=True)
class ModelSearchConfig:
    max_size: int = 6
    models_per_size: int = 4
    rlimit: int = 4_000_000  # z3 resource units per solver call (deterministic, unlike a timeout)
    max_cells: int = 400  # skip sizes whose tables would have more cells than this


@dataclass(frozen=True)
class Structure:
    """A finite model: every sort is 0..size-1; `tables[f]` lists f's values in row-major order
    of its arguments; `relations[r]` likewise lists truth values."""

    size: int
    tables: tuple[tuple[str, tuple[int, ...]], ...]
    relations: tuple[tuple[str, tuple[bool, ...]], ...] = ()
    _index: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def table(self, fn: str) -> tuple[int, ...]:
        if not self._index:
            self._index.update(self.tables)
        return self._index[fn]

    def apply(self, fn: str, args: Sequence[int]) -> int:
        pos = 0
        for a in args:
            pos = pos * self.size + a
        return self.table(fn)[pos]

    def relation(self, name: str, args: Sequence[int]) -> bool:
        pos = 0
        for a in args:
            pos = pos * self.size + a
        return dict(self.relations)[name][pos]

    def eval_term(self, term: Term, env: Mapping[Var, int]) -> int:
        if isinstance(term, Var):
            return env[term]
        return self.apply(term.fn, [self.eval_term(a, env) for a in term.args])

    def holds(self, formula: Formula, env: Mapping[Var, int]) -> bool:
        match formula:
            case Eq(lhs, rhs):
                return self.eval_term(lhs, env) == self.eval_term(rhs, env)
            case Rel(name, args):
                return self.relation(name, [self.eval_term(a, env) for a in args])
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
                values = (self.holds(body, {**env, var: v}) for v in range(self.size))
                return all(values) if kind == "forall" else any(values)
        raise TypeError(formula)

    def counterexample(self, statement: Formula) -> dict[Var, int] | None:
        """An assignment of the leading ∀-variables falsifying the statement, or None."""
        variables, body = strip_foralls(statement)
        for combo in itertools.product(range(self.size), repeat=len(variables)):
            env = dict(zip(variables, combo))
            if not self.holds(body, env):
                return env
        return None

    def satisfies(self, statement: Formula) -> bool:
        return self.holds(statement, {})


@dataclass(frozen=True)
class ModelSearchResult:
    models: tuple[Structure, ...]
    sizes_searched: tuple[int, ...]  # sizes for which the search finished (sat or unsat)
    sizes_unknown: tuple[int, ...]  # sizes skipped or out of resources

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(sorted({m.size for m in self.models}))


def find_models(
    theory: Theory, config: ModelSearchConfig | None = None, extra: Sequence[Formula] = (), min_size: int = 1
) -> ModelSearchResult:
    """Up to `models_per_size` pairwise non-isomorphic models of the axioms (plus `extra`
    closed formulas) for each size from `min_size` to `max_size`."""
    config = config or ModelSearchConfig()
    models: list[Structure] = []
    searched: list[int] = []
    unknown: list[int] = []
    ctx = _context()  # one z3 context per search: z3's memory is allocated once, not per size
    for n in range(min_size, config.max_size + 1):
        found, complete = _search_size(theory, n, config, extra, config.models_per_size, ctx)
        models.extend(found)
        (searched if complete else unknown).append(n)
    return ModelSearchResult(tuple(models), tuple(searched), tuple(unknown))


def find_countermodel(
    theory: Theory, statement: Formula, config: ModelSearchConfig | None = None, known: Sequence[Structure] = ()
) -> Structure | None:
    """A model of the axioms in which `statement` is false (smallest size first), or None up to
    the bound. Known models are tried first (no solver call)."""
    for model in known:
        if not model.satisfies(statement):
            return model
    config = config or ModelSearchConfig()
    ctx = _context()
    for n in range(1, config.max_size + 1):
        found, _ = _search_size(theory, n, config, [Not(statement)], 1, ctx)
        if found:
            return found[0]
    return None


def cell_count(theory: Theory, n: int) -> int:
    return sum(n ** len(f.arg_sorts) for f in theory.functions) + sum(n ** len(r.arg_sorts) for r in theory.relations)


def _context():  # type: ignore[no-untyped-def]
    import z3

    return z3.Context()


def _search_size(
    theory: Theory, n: int, config: ModelSearchConfig, extra: Sequence[Formula], limit: int, ctx=None
) -> tuple[list[Structure], bool]:
    if cell_count(theory, n) > config.max_cells:
        return [], False
    import z3

    ctx = ctx if ctx is not None else z3.Context()
    solver = z3.SolverFor("QF_UFLIA", ctx=ctx)
    solver.set("rlimit", config.rlimit)
    solver.set("random_seed", 0)
    ints = z3.IntSort(ctx)
    funcs = {f.name: z3.Function(f"f_{f.name}", *([ints] * len(f.arg_sorts)), ints) for f in theory.functions}
    rels = {
        r.name: z3.Function(f"r_{r.name}", *([ints] * len(r.arg_sorts)), z3.BoolSort(ctx)) for r in theory.relations
    }
    values = [z3.IntVal(i, ctx) for i in range(n)]
    cells: list[tuple[str, tuple[int, ...]]] = []
    for f in theory.functions:
        for args in itertools.product(range(n), repeat=len(f.arg_sorts)):
            cell = funcs[f.name](*[values[a] for a in args]) if args else funcs[f.name]()
            solver.add(cell >= 0, cell < n)
            cells.append((f.name, args))
    _symmetry_breaking(theory, n, funcs, values, solver)
    if theory.induction:
        _term_generated(theory, n, funcs, values, solver, ctx)

    def term(t: Term, env: Mapping[Var, object]):  # type: ignore[no-untyped-def]
        if isinstance(t, Var):
            return env[t]
        f = funcs[t.fn]
        return f(*[term(a, env) for a in t.args]) if t.args else f()

    def formula(phi: Formula, env: Mapping[Var, object]):  # type: ignore[no-untyped-def]
        match phi:
            case Eq(lhs, rhs):
                return term(lhs, env) == term(rhs, env)
            case Rel(name, args):
                return rels[name](*[term(a, env) for a in args])
            case Truth(value):
                return z3.BoolVal(value, ctx)
            case Not(body):
                return z3.Not(formula(body, env))
            case Binary(op, left, right):
                a, b = formula(left, env), formula(right, env)
                if op == "and":
                    return z3.And(a, b)
                if op == "or":
                    return z3.Or(a, b)
                if op == "implies":
                    return z3.Implies(a, b)
                return a == b
            case Quant(kind, var, body):
                parts = [formula(body, {**env, var: v}) for v in values]
                return z3.And(*parts) if kind == "forall" else z3.Or(*parts)
        raise TypeError(phi)

    for ax in theory.axioms:
        solver.add(formula(ax.formula, {}))
    for phi in extra:
        solver.add(formula(phi, {}))
    found: list[Structure] = []
    seen: set[tuple] = set()
    while len(found) < limit:
        verdict = solver.check()
        if verdict != z3.sat:
            return found, verdict == z3.unsat
        m = solver.model()
        tables: list[tuple[str, tuple[int, ...]]] = []
        for f in theory.functions:
            row = []
            for args in itertools.product(range(n), repeat=len(f.arg_sorts)):
                cell = funcs[f.name](*[values[a] for a in args]) if args else funcs[f.name]()
                row.append(m.eval(cell, model_completion=True).as_long())
            tables.append((f.name, tuple(row)))
        relations: list[tuple[str, tuple[bool, ...]]] = []
        for r in theory.relations:
            bits = []
            for args in itertools.product(range(n), repeat=len(r.arg_sorts)):
                bits.append(z3.is_true(m.eval(rels[r.name](*[values[a] for a in args]), model_completion=True)))
            relations.append((r.name, tuple(bits)))
        structure = Structure(n, tuple(tables), tuple(relations))
        key = _canonical(structure, len(theory.sorts) == 1)
        if key not in seen:
            seen.add(key)
            found.append(structure)
        # block this table exactly (isomorphic copies are mostly cut by the symmetry breaking)
        block = []
        for fname, table_row in tables:
            f = theory.function(fname)
            for args, value in zip(itertools.product(range(n), repeat=len(f.arg_sorts)), table_row):
                cell = funcs[fname](*[values[a] for a in args]) if args else funcs[fname]()
                block.append(cell != value)
        for rname, rel_bits in relations:
            decl = next(r for r in theory.relations if r.name == rname)
            for args, bit in zip(itertools.product(range(n), repeat=len(decl.arg_sorts)), rel_bits):
                app = rels[rname](*[values[a] for a in args])
                block.append(app != z3.BoolVal(bit, ctx))
        if not block:
            return found, True
        solver.add(z3.Or(*block))
    return found, True


def _symmetry_breaking(theory: Theory, n: int, funcs, values, solver) -> None:  # type: ignore[no-untyped-def]
    """The least number heuristic: cell k may take a value at most one above every element used
    so far (by earlier cells' values or by its own arguments)."""
    import z3

    single = len(theory.sorts) == 1
    by_sort: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for f in theory.functions:
        if f.arg_sorts and not (single and all(s == f.result_sort for s in f.arg_sorts)):
            continue
        for args in itertools.product(range(n), repeat=len(f.arg_sorts)):
            by_sort.setdefault(f.result_sort, []).append((f.name, args))
    for cells in by_sort.values():
        cells.sort(key=lambda c: (max(c[1], default=-1), len(c[1]), c[1], c[0]))
        used = None  # z3 expression: the largest element used so far
        for fname, args in cells:
            cell = funcs[fname](*[values[a] for a in args]) if args else funcs[fname]()
            bound = max(args, default=-1)
            if used is None:
                limit = z3.IntVal(bound, cell.ctx)
            else:
                limit = z3.If(used > bound, used, z3.IntVal(bound, cell.ctx))
            solver.add(cell <= limit + 1)
            used = z3.If(cell > limit, cell, limit)


def _term_generated(theory: Theory, n: int, funcs, values, solver, ctx) -> None:  # type: ignore[no-untyped-def]
    """Every element of an inductive sort is a constructor's value on elements of smaller rank."""
    import z3

    inductive = {ind.sort: ind for ind in theory.induction}
    rank = {s: z3.Function(f"rank_{s}", z3.IntSort(ctx), z3.IntSort(ctx)) for s in inductive}
    for sort, ind in inductive.items():
        for d in range(n):
            options = []
            for cname in ind.constructors:
                decl = theory.function(cname)
                for args in itertools.product(range(n), repeat=len(decl.arg_sorts)):
                    cell = funcs[cname](*[values[a] for a in args]) if args else funcs[cname]()
                    conds = [cell == d]
                    for a, s in zip(args, decl.arg_sorts):
                        if s in inductive:
                            conds.append(rank[s](values[a]) < rank[sort](values[d]))
                    options.append(z3.And(*conds))
            solver.add(z3.Or(*options))


def _canonical(structure: Structure, single_sort: bool) -> tuple:
    """The lexicographically least table over all renamings (sizes up to 5, one sort); the
    structure itself otherwise. Used to keep found models pairwise non-isomorphic."""
    n = structure.size
    if not single_sort or n > 5:
        return (structure.tables, structure.relations)
    best = None
    for perm in itertools.permutations(range(n)):
        inv = [0] * n
        for i, p in enumerate(perm):
            inv[p] = i
        tables = []
        for fname, row in structure.tables:
            arity = _arity(len(row), n)
            new = [0] * len(row)
            for args in itertools.product(range(n), repeat=arity):
                pos = 0
                for a in args:
                    pos = pos * n + a
                npos = 0
                for a in args:
                    npos = npos * n + perm[a]
                new[npos] = perm[row[pos]]
            tables.append((fname, tuple(new)))
        rels = []
        for rname, bits in structure.relations:
            arity = _arity(len(bits), n)
            newb = [False] * len(bits)
            for args in itertools.product(range(n), repeat=arity):
                pos = npos = 0
                for a in args:
                    pos, npos = pos * n + a, npos * n + perm[a]
                newb[npos] = bits[pos]
            rels.append((rname, tuple(newb)))
        key = (tuple(tables), tuple(rels))
        if best is None or key < best:
            best = key
    assert best is not None
    return best


def _arity(length: int, n: int) -> int:
    if n == 1:
        return 0 if length == 1 else length  # ambiguous for n = 1; the table is a single cell
    k = 0
    while n**k < length:
        k += 1
    return k
