"""Goal-agnostic conjectures for theories without induction: equations between small terms
that no finite model of the axioms refutes.

Terms over the signature, with three variables per sort, are enumerated by size. Each is
evaluated under every assignment of its variables in every model found by
`finite_models.find_models` (the models are disjoint: an assignment never mixes two of them);
the vector of values is the term's fingerprint, and terms with equal fingerprints form a
class. Bigger terms are built from class representatives only (QuickSpec's pruning), and each
other member of a class gives a candidate `member = representative`. Candidates are named
canonically, deduplicated up to renaming and orientation, and sorted by size. For a relation
defined by the theory (`a ≤ b ↔ a ⊓ b = a`), the order laws (reflexive, transitive,
antisymmetric) and `R(u, v)` between small terms are offered when every model satisfies them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from axiomforge.logic.conjecture import Candidate, ConjectureStats, canonical_statement, statement_key
from axiomforge.logic.finite_models import Structure
from axiomforge.logic.ir import App, Binary, Eq, Formula, Rel, Term, Theory, Var, term_size
from axiomforge.logic.terms import Precedence, formula_size, lpo_greater, variable_pools, vars_in_order


@dataclass(frozen=True)
class AlgebraConjectureConfig:
    max_size: int = 7
    variables_per_sort: int = 3
    relation_term_size: int = 3


def algebra_candidates(
    theory: Theory, models: Sequence[Structure], prec: Precedence, config: AlgebraConjectureConfig | None = None
) -> tuple[list[Candidate], ConjectureStats]:
    config = config or AlgebraConjectureConfig()
    stats = ConjectureStats()
    pools = variable_pools(theory)
    variables = [Var(name, s) for s in theory.sorts for name in pools[s][: config.variables_per_sort]]
    # one column per (model, assignment of all variables)
    columns: list[tuple[int, tuple[int, ...]]] = []
    for k, m in enumerate(models):
        for combo in itertools.product(range(m.size), repeat=len(variables)):
            columns.append((k, combo))
    model_of = np.array([k for k, _ in columns], dtype=np.int64)
    offsets = np.zeros(len(models) + 1, dtype=np.int64)
    for k, m in enumerate(models):
        offsets[k + 1] = offsets[k] + m.size
    # values are global element ids: offset of the model + element
    tables: dict[str, np.ndarray] = {}
    for f in theory.functions:
        parts = []
        for k, m in enumerate(models):
            parts.append(np.array(m.table(f.name), dtype=np.int64) + offsets[k])
        tables[f.name] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    sizes = np.array([m.size for m in models], dtype=np.int64)
    table_start = {
        f.name: np.cumsum([0] + [m.size ** len(f.arg_sorts) for m in models])[:-1] for f in theory.functions
    }

    def apply(fn: str, arg_vecs: list[np.ndarray]) -> np.ndarray:
        start = np.asarray(table_start[fn], dtype=np.int64)[model_of]
        n = sizes[model_of]
        pos: np.ndarray = np.zeros(len(columns), dtype=np.int64)
        for vec in arg_vecs:
            pos = pos * n + (vec - offsets[model_of])
        return tables[fn][start + pos]

    vectors: dict[Term, np.ndarray] = {}
    reps: dict[tuple[str, int], list[Term]] = {}
    class_rep: dict[tuple[str, bytes], Term] = {}
    members: list[tuple[Term, Term]] = []

    def admit(term: Term, sort: str, size: int, vec: np.ndarray) -> None:
        stats.terms += 1
        vectors[term] = vec
        key = (sort, vec.tobytes())
        rep = class_rep.get(key)
        if rep is None:
            class_rep[key] = term
            reps.setdefault((sort, size), []).append(term)
        else:
            members.append((term, rep))

    for i, v in enumerate(variables):
        vec = np.array([combo[i] for _, combo in columns], dtype=np.int64) + offsets[model_of]
        admit(v, v.sort, 1, vec)
    for size in range(1, config.max_size + 1):
        for decl in theory.functions:
            arity = len(decl.arg_sorts)
            if arity == 0:
                if size == 1:
                    admit(App(decl.name), decl.result_sort, 1, apply(decl.name, []))
                continue
            for split in _compositions(size - 1, arity):
                pools_ = [reps.get((s, n), []) for s, n in zip(decl.arg_sorts, split)]
                if any(not p for p in pools_):
                    continue
                for args in itertools.product(*pools_):
                    admit(App(decl.name, tuple(args)), decl.result_sort, size, apply(decl.name, [vectors[a] for a in args]))
    stats.classes = len(class_rep)

    axiom_keys = {statement_key(ax.formula) for ax in theory.axioms}
    seen: dict[str, Candidate] = {}

    def offer(body: Formula, shape: str) -> None:
        stats.generated += 1
        statement = canonical_statement(body, pools)
        key = statement_key(statement)
        if key in seen or key in axiom_keys:
            stats.duplicates += 1
            return
        seen[key] = Candidate(statement, shape, formula_size(statement), key)
        stats.shape_counts[shape] = stats.shape_counts.get(shape, 0) + 1

    for term, rep in members:
        tv, rv = set(vars_in_order(term)), set(vars_in_order(rep))
        if not (rv <= tv or tv <= rv):
            stats.uninteresting += 1
            continue
        lhs, rhs = (rep, term) if lpo_greater(rep, term, prec, ground=False) else (term, rep)
        offer(Eq(lhs, rhs), "equation")
    _relation_candidates(theory, models, reps, config, offer, stats)
    return sorted(seen.values(), key=candidate_order), stats


def candidate_order(cand: Candidate) -> tuple[int, int, int, str]:
    """Smaller first, by the larger side, then in all; among equals the more general (more
    distinct variables) first, so that `inv(a·b) = inv(b)·inv(a)` is stated before its
    instance `inv(a·a) = inv(a)·inv(a)`, which is then redundant."""
    from axiomforge.logic.terms import formula_vars_in_order, strip_foralls

    _, body = strip_foralls(cand.statement)
    larger = max(term_size(body.lhs), term_size(body.rhs)) if isinstance(body, Eq) else cand.size
    return (larger, cand.size, -len(formula_vars_in_order(body)), cand.key)


def _relation_candidates(theory, models, reps, config, offer, stats) -> None:  # type: ignore[no-untyped-def]
    """Order laws of binary relations, kept only if every model satisfies them."""
    pools = variable_pools(theory)
    for rel in theory.relations:
        if len(rel.arg_sorts) != 2 or rel.arg_sorts[0] != rel.arg_sorts[1]:
            continue
        sort = rel.arg_sorts[0]
        a, b, c = (Var(n, sort) for n in pools[sort][:3])

        def R(x: Term, y: Term, name: str = rel.name) -> Rel:
            return Rel(name, (x, y))

        shapes: list[Formula] = [
            R(a, a),
            Binary("implies", Binary("and", R(a, b), R(b, c)), R(a, c)),
            Binary("implies", Binary("and", R(a, b), R(b, a)), Eq(a, b)),
        ]
        small = [t for (s, n), ts in sorted(reps.items(), key=lambda kv: (kv[0][1], kv[0][0])) if s == sort
                 and n <= config.relation_term_size for t in ts]
        for u in small:
            for v in small:
                if u == v or not isinstance(u, App) and not isinstance(v, App):
                    continue
                if set(vars_in_order(v)) - set(vars_in_order(u)) and set(vars_in_order(u)) - set(vars_in_order(v)):
                    continue
                if term_size(u) + term_size(v) > config.relation_term_size + 1:
                    continue
                shapes.append(R(u, v))
        for body in shapes:
            from axiomforge.logic.terms import close_formula, formula_vars_in_order

            statement = close_formula(body, formula_vars_in_order(body))
            if all(m.satisfies(statement) for m in models):
                offer(body, "relation")
            else:
                stats.refuted += 1


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 1:
        return [(total,)] if total >= 1 else []
    out: list[tuple[int, ...]] = []
    for first in range(1, total - parts + 2):
        for rest in _compositions(total - first, parts - 1):
            out.append((first, *rest))
    return out
