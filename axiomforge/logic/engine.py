"""The run: theory -> model -> candidates -> (prove loop) -> theorems, as one staged pipeline.

The conjecture-prove loop is message passing between two blocks. The *goal block* holds open
candidates; the *law block* holds the compiled knowledge (rewrite rules and network rules). A
proved law is a message to the law block, which compiles it; the law block's new version is a
message back that re-activates exactly the goals attempted under an older version (semi-naive:
a goal is never retried against the knowledge it already failed with). Goals are processed in
size layers; inside a layer every goal sees the same knowledge snapshot, so the layer's attempts
are independent work units that may run in a process pool (`workers`), and their results are
merged in the layer's sorted order: output is the same for any number of workers.

Before proving, a candidate is dropped as redundant if it is ground (a computation, not a law)
or a one-step instance of a known law (`(a·b)·0 = 0` after `a·0 = 0`). A candidate whose sides
already meet by rewriting is still a theorem (method "direct"): `a·1 = a` is a law worth stating
even though rewriting finds it.

The `expect` lines of the theory are never read here except by `expect_report`, after the run.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from axiomforge.logic.algebra import AlgebraConfig, AlgebraOutcome
from axiomforge.logic.conjecture import (
    Candidate,
    ConjectureConfig,
    ConjectureStats,
    generate_candidates,
    statement_key,
)
from axiomforge.logic.ir import App, Eq, Formula, Not, Theory, Var
from axiomforge.logic.models import FiniteModel, ModelConfig
from axiomforge.logic.prover import Knowledge, Law, ProofResult, Prover, ProverConfig
from axiomforge.logic.rewrite import BudgetExceeded, Rewriter
from axiomforge.logic.terms import (
    formula_vars_in_order,
    match,
    positions,
    replace_at,
    strip_foralls,
    substitute,
)


@dataclass(frozen=True)
class EngineConfig:
    conjecture: ConjectureConfig = field(default_factory=ConjectureConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    prover: ProverConfig = field(default_factory=ProverConfig)
    workers: int = 1
    max_rounds: int = 400
    algebra: AlgebraConfig = field(default_factory=AlgebraConfig)  # theories without induction


@dataclass
class Theorem:
    name: str
    statement: Formula
    shape: str
    method: str
    seconds: float
    cites: list[str]
    steps: list[dict[str, object]]


@dataclass
class RunSummary:
    candidates_generated: int = 0
    candidates_refuted: int = 0
    candidates_duplicate: int = 0
    candidates_surviving: int = 0
    redundant: int = 0
    proved: int = 0
    unproved: int = 0
    passes: int = 0
    terms_enumerated: int = 0
    term_classes: int = 0
    seconds_model: float = 0.0
    seconds_conjecture: float = 0.0
    seconds_prove: float = 0.0
    seconds_total: float = 0.0
    peak_memory_mib: float = 0.0
    refuted_by_completion: int = 0  # candidates a complete rewrite system does not join
    model_sizes: list[int] = field(default_factory=list)  # finite models of the axioms used as filter
    warnings: list[str] = field(default_factory=list)  # e.g. the theory may be inconsistent

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class RunResult:
    theory: Theory
    theorems: list[Theorem]
    unproved: list[Candidate]
    summary: RunSummary
    conjecture_stats: ConjectureStats
    algebra: AlgebraOutcome | None = None  # models and completion, for theories without induction


Event = Callable[[str, dict[str, object]], None]


def _prove_one(task: tuple[Theory, list[Law], ProverConfig, Formula]) -> tuple[ProofResult | None, float]:
    """A picklable work unit: compile the laws, prove one statement, time it."""
    theory, laws, config, statement = task
    start = time.perf_counter()
    result = Prover(Knowledge(theory, laws), config).prove(statement)
    return result, time.perf_counter() - start


def _prove_chunk(task: tuple[Theory, list[Law], ProverConfig, list[Formula]]) -> list[tuple[ProofResult | None, float]]:
    theory, laws, config, statements = task
    knowledge = Knowledge(theory, laws)
    out = []
    for statement in statements:
        start = time.perf_counter()
        result = Prover(knowledge, config).prove(statement)
        out.append((result, time.perf_counter() - start))
    return out


def run_engine(theory: Theory, config: EngineConfig | None = None, on_event: Event | None = None,
               executor: Any = None) -> RunResult:
    config = config or EngineConfig()
    emit = on_event or (lambda kind, data: None)
    if not theory.induction:
        from axiomforge.logic.algebra import run_algebra

        return run_algebra(theory, config, emit)
    t0 = time.perf_counter()
    summary = RunSummary()

    model = FiniteModel(theory, config.model)
    from axiomforge.logic.algebra import inductive_theory_checks

    finite_models, summary.warnings = inductive_theory_checks(theory, model, config.algebra.inductive_models)
    summary.model_sizes = sorted(m.size for m in finite_models)
    summary.seconds_model = time.perf_counter() - t0
    emit("stage", {"stage": "conjecture"})
    t1 = time.perf_counter()
    candidates, cstats = generate_candidates(theory, model, config.conjecture)
    if finite_models:  # the counter-model filter beside the constructor model: only false candidates go
        kept = [c for c in candidates if all(m.satisfies(c.statement) for m in finite_models)]
        cstats.refuted += len(candidates) - len(kept)
        candidates = kept
    summary.seconds_conjecture = time.perf_counter() - t1
    summary.candidates_generated = cstats.generated
    summary.candidates_refuted = cstats.refuted
    summary.candidates_duplicate = cstats.duplicates
    summary.candidates_surviving = len(candidates)
    summary.terms_enumerated = cstats.terms
    summary.term_classes = cstats.classes
    emit("candidates", {"count": len(candidates)})

    t2 = time.perf_counter()
    laws = [Law(ax.name, "axiom", ax.formula) for ax in theory.axioms]
    knowledge = Knowledge(theory, list(laws))
    version = 0
    attempted_at: dict[str, int] = {}
    theorems: list[Theorem] = []
    open_goals = list(candidates)
    # `executor` (an `axiomforge.executors.Executor`, e.g. Ray) runs the goal chunks instead of a
    # local process pool; either way chunks are merged back in goal order.
    own_pool = executor is None
    pool = executor if executor is not None else (
        ProcessPoolExecutor(max_workers=config.workers) if config.workers > 1 else None)
    name_counts: dict[str, int] = {}
    dropped: set[str] = set()
    try:
        rounds = 0
        while rounds < config.max_rounds:
            rounds += 1
            summary.passes = rounds
            progress = False
            layers: dict[int, list[Candidate]] = {}
            for cand in open_goals:
                layers.setdefault(cand.size, []).append(cand)
            for size in sorted(layers):
                todo: list[Candidate] = []
                for cand in layers[size]:
                    if attempted_at.get(cand.key) == version:
                        continue
                    if is_redundant(cand.statement, knowledge):
                        summary.redundant += 1
                        dropped.add(cand.key)
                        continue
                    todo.append(cand)
                open_goals = [c for c in open_goals if c.key not in dropped]
                if not todo:
                    continue
                todo.sort(key=lambda c: (_reducible_sides(c.statement, knowledge), c.sort_key()))
                emit("layer", {"round": rounds, "size": size, "goals": len(todo)})
                results = _attempt(todo, theory, knowledge.laws, config, pool)
                snapshot = version
                for cand, (result, seconds) in zip(todo, results):
                    attempted_at[cand.key] = snapshot
                    if result is None:
                        continue
                    if version != snapshot and is_redundant(cand.statement, knowledge, same_layer=True):
                        summary.redundant += 1
                        dropped.add(cand.key)
                        continue
                    name = theorem_name(cand, name_counts)
                    law = Law(name, "theorem", cand.statement)
                    knowledge.laws.append(law)
                    knowledge.add(law)
                    version += 1
                    progress = True
                    dropped.add(cand.key)
                    theorems.append(
                        Theorem(name, cand.statement, cand.shape, result.method, seconds, result.cites, result.steps)
                    )
                    emit("proved", {"name": name, "count": len(theorems)})
                open_goals = [c for c in open_goals if c.key not in dropped]
                if progress:
                    break  # a new law re-activates the smaller goals first
            if not progress:
                break
    finally:
        if pool is not None and own_pool:
            pool.shutdown()
    still_open = []
    for cand in open_goals:  # a last sweep: goals the final laws make redundant are not failures
        if is_redundant(cand.statement, knowledge):
            summary.redundant += 1
        else:
            still_open.append(cand)
    open_goals = still_open
    summary.seconds_prove = time.perf_counter() - t2
    summary.proved = len(theorems)
    summary.unproved = len(open_goals)
    summary.seconds_total = time.perf_counter() - t0
    summary.peak_memory_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return RunResult(theory, theorems, open_goals, summary, cstats)


def _reducible_sides(statement: Formula, knowledge: Knowledge) -> int:
    """0, 1 or 2: goals stating a normal form (an irreducible side) go first in their layer."""
    _, body = strip_foralls(statement)
    if not isinstance(body, Eq):
        return 0
    rewriter = Rewriter(knowledge.prec, knowledge.rules, 500)
    return sum(1 for side in (body.lhs, body.rhs) if rewriter.root_step_anywhere(side))


def _attempt(
    todo: list[Candidate], theory: Theory, laws: list[Law], config: EngineConfig, pool: Any
) -> list[tuple[ProofResult | None, float]]:
    statements = [c.statement for c in todo]
    if pool is None or len(todo) < 4:
        return _prove_chunk((theory, list(laws), config.prover, statements))
    n = max(1, getattr(pool, "parallelism", config.workers))
    chunks = [statements[i::n] for i in range(n)]
    parts = list(pool.map(_prove_chunk, [(theory, list(laws), config.prover, c) for c in chunks]))
    out: list[tuple[ProofResult | None, float]] = [(None, 0.0)] * len(statements)
    for i, part in enumerate(parts):
        for j, item in enumerate(part):
            out[i + j * n] = item
    return out


def is_redundant(statement: Formula, knowledge: Knowledge, same_layer: bool = False) -> bool:
    """Ground statements (computations), one-step instances of a known law, equations with a
    reducible part, and equations rewriting decides trivially (see `_trivially_joinable`).
    `same_layer`: the statement was proved alongside the newest laws; a rearrangement is kept
    then (associativity and left-commutativity are both needed for sums to normalise)."""
    variables, body = strip_foralls(statement)
    if not variables:
        return True
    eq: Eq | None = None
    if isinstance(body, Eq):
        eq = body
    elif isinstance(body, Not) and isinstance(body.body, Eq):
        return _negation_subsumed(body.body, knowledge)
    if eq is None:
        return False
    if _one_step(eq.lhs, eq.rhs, knowledge) or _one_step(eq.rhs, eq.lhs, knowledge):
        return True
    definitions = {ax.name for ax in knowledge.theory.axioms if ax.kind == "definition"}
    plain = [r for r in knowledge.rules if r.name not in definitions]
    oriented = Rewriter(knowledge.prec, [r for r in plain if not r.ordered], 2000)
    if oriented.root_step_anywhere(eq.lhs) and oriented.root_step_anywhere(eq.rhs):
        return True  # both sides reducible: a consequence of the laws about their parts
    for side in (eq.lhs, eq.rhs):
        if isinstance(side, App) and any(oriented.root_step_anywhere(a) for a in side.args):
            return True  # a reducible part: the law about that part says it better
    return _trivially_joinable(eq, plain, oriented, knowledge, same_layer)


def _trivially_joinable(eq: Eq, plain: list, oriented: Rewriter, knowledge: Knowledge, same_layer: bool) -> bool:
    """Sides that meet by rewriting (definitions kept folded: `1` is notation, so `a·1 = a` is a
    law about `1`, not a computation) make a law worth stating only if it takes three rewrites or
    more, is not a mere rearrangement, and neither side is an instance of a known oriented law at
    its root: `(a + b)·c = a·c + b·c` stays after `a·(b + c) = a·b + a·c` and `a·b = b·a`;
    `(a + b)·1 = b + a` and `s(a) + b = a + s(b)` go."""
    rewriter = Rewriter(knowledge.prec, plain, 2000)
    try:
        lnf, ltr = rewriter.normalize(eq.lhs)
        rnf, rtr = rewriter.normalize(eq.rhs)
    except BudgetExceeded:
        return False
    if lnf != rnf:
        return False
    if len(ltr) + len(rtr) <= 2 or (_permutative(eq) and not same_layer):
        return True
    return oriented.root_step(eq.lhs) is not None or oriented.root_step(eq.rhs) is not None


def _permutative(eq: Eq) -> bool:
    """Both sides use the same symbols and variables the same number of times: a rearrangement
    (AC permutation) that ordered rewriting already decides."""
    def census(term, out):
        key = term.name if isinstance(term, Var) else term.fn
        out[key] = out.get(key, 0) + 1
        if isinstance(term, App):
            for a in term.args:
                census(a, out)
        return out

    return census(eq.lhs, {}) == census(eq.rhs, {})


def _one_step(source, target, knowledge: Knowledge) -> bool:
    for path, sub in positions(source):
        if not isinstance(sub, App):
            continue
        for rule in knowledge.rules:
            if not isinstance(rule.lhs, App) or rule.lhs.fn != sub.fn:
                continue
            sigma = match(rule.lhs, sub, rule.pattern_vars)
            if sigma is None:
                continue
            if replace_at(source, path, substitute(rule.rhs, sigma)) == target:
                return True
    return False


def _negation_subsumed(eq: Eq, knowledge: Knowledge) -> bool:
    """t ≠ v is redundant when a known disequation, normalised, is an instance of it up to
    rewriting: both sides normalise to an instance of the known one's normal form."""
    rewriter = Rewriter(knowledge.prec, knowledge.rules, 2000)
    try:
        lhs, _ = rewriter.normalize(eq.lhs)
        rhs, _ = rewriter.normalize(eq.rhs)
    except BudgetExceeded:
        return False
    for law in knowledge.laws:
        if law.kind != "theorem":
            continue
        lv, lbody = strip_foralls(law.formula)
        if not (isinstance(lbody, Not) and isinstance(lbody.body, Eq)):
            continue
        try:
            kl, _ = rewriter.normalize(lbody.body.lhs)
            kr, _ = rewriter.normalize(lbody.body.rhs)
        except BudgetExceeded:
            continue
        pv = frozenset(lv)
        for a, b in ((kl, kr), (kr, kl)):
            sigma = match(a, lhs, pv)
            if sigma is not None and match(b, rhs, pv, sigma) is not None:
                return True
    return False


def theorem_name(cand: Candidate, counts: dict[str, int]) -> str:
    """A readable, deterministic name: the algebraic shape when it has one (`add_comm`,
    `mul_assoc`, `mul_add_distrib_left`), else the statement's symbols (`ne_add_s_1`)."""
    _, body = strip_foralls(cand.statement)
    from axiomforge.logic.terms import formula_symbols

    base = _shape_name(body) if cand.shape == "equation" else None
    if cand.shape == "relation":
        base = _relation_name(body)
    if base is None:
        symbols = sorted(formula_symbols(body))
        prefix = {"equation": "", "disequation": "ne_", "injective": "cancel_", "zero": "zero_",
                  "zero_or": "zero_or_", "exhaustion": "cases_", "relation": "rel_"}.get(cand.shape, "")
        base = prefix + ("_".join(symbols[:3]) if symbols else "law")
    counts[base] = counts.get(base, 0) + 1
    return base if counts[base] == 1 and _is_named_shape(base) else f"{base}_{counts[base]}"


_NAMED_SUFFIXES = (
    "_comm", "_assoc", "_left_comm", "_distrib_left", "_distrib_right", "_refl", "_trans", "_antisymm", "_total",
)


def _relation_name(body: Formula) -> str | None:
    """Reflexivity, transitivity, antisymmetry, totality of a binary relation."""
    from axiomforge.logic.ir import Binary, Rel

    if isinstance(body, Rel) and len(body.args) == 2 and body.args[0] == body.args[1]:
        return f"{body.name}_refl"
    if (
        isinstance(body, Binary) and body.op == "or" and isinstance(body.left, Rel) and isinstance(body.right, Rel)
        and body.left.name == body.right.name and body.left.args == body.right.args[::-1]
    ):
        return f"{body.left.name}_total"
    if isinstance(body, Binary) and body.op == "implies" and isinstance(body.left, Binary) and body.left.op == "and":
        p, q = body.left.left, body.left.right
        if isinstance(p, Rel) and isinstance(q, Rel) and p.name == q.name and len(p.args) == 2:
            if isinstance(body.right, Rel) and p.args[1] == q.args[0] and body.right.args == (p.args[0], q.args[1]):
                return f"{p.name}_trans"
            if isinstance(body.right, Eq) and q.args == p.args[::-1]:
                return f"{p.name}_antisymm"
    return None


def _is_named_shape(base: str) -> bool:
    return base.endswith(_NAMED_SUFFIXES)


def _shape_name(eq: Formula) -> str | None:
    """Commutativity, associativity, left-commutativity and distributivity, in either orientation."""
    if not isinstance(eq, Eq):
        return None
    for l, r in ((eq.lhs, eq.rhs), (eq.rhs, eq.lhs)):
        if not (isinstance(l, App) and isinstance(r, App) and len(l.args) == 2 and len(r.args) == 2):
            continue
        f = l.fn
        x, y = l.args
        if r.fn == f and isinstance(x, Var) and isinstance(y, Var) and r.args == (y, x) and x != y:
            return f"{f}_comm"
        if r.fn == f and isinstance(x, App) and x.fn == f and len(x.args) == 2:
            a, b = x.args
            if isinstance(r.args[1], App) and r.args[1].fn == f and r.args == (a, App(f, (b, y))):
                return f"{f}_assoc"
        if r.fn == f and isinstance(y, App) and y.fn == f and len(y.args) == 2:
            b, c = y.args
            if r.args == (b, App(f, (x, c))) and len({x, b, c}) == 3:
                return f"{f}_left_comm"
        if isinstance(y, App) and len(y.args) == 2 and r.fn == y.fn and y.fn != f:
            g = y.fn
            b, c = y.args
            if r.args == (App(f, (x, b)), App(f, (x, c))):
                return f"{f}_{g}_distrib_left"
        if isinstance(x, App) and len(x.args) == 2 and r.fn == x.fn and x.fn != f:
            g = x.fn
            a, b = x.args
            if r.args == (App(f, (a, y)), App(f, (b, y))):
                return f"{f}_{g}_distrib_right"
    return None


def expect_report(result: RunResult) -> list[dict[str, object]]:
    """For each `expect` line: found (and as which theorem) or not. Read only after the run.

    A theorem matches when it is the expected statement up to renaming of variables and the
    orientation of an equation, or, failing that, up to the order of the arguments of operators
    the run itself proved commutative (`s(a)·b = b + a·b` for `s(a)·b = a·b + b`): then `how`
    says so."""
    by_key = {statement_key(t.statement): t.name for t in result.theorems}
    comm = _proved_commutative(result)
    ac_index: dict[str, str] = {}
    for t in result.theorems:
        for form in _ac_forms(t.statement, comm):
            ac_index.setdefault(form, t.name)
    out: list[dict[str, object]] = []
    for exp in result.theory.expects:
        closed = _closed(exp.formula)
        name = by_key.get(statement_key(closed))
        how = "exact" if name else None
        if name is None:
            for form in sorted(_ac_forms(closed, comm)):
                if form in ac_index:
                    name, how = ac_index[form], "up to commutativity"
                    break
        if name is None and result.algebra is not None and exp.name in result.algebra.expect_proofs:
            how = "derived after the run from the axioms and theorems"  # a checked proof, not a theorem
        out.append({"name": exp.name, "found": name is not None or how is not None, "theorem": name, "how": how})
    return out


def _proved_commutative(result: RunResult) -> set[str]:
    from axiomforge.logic.prover import _is_commutativity

    out = set()
    statements = [ax.formula for ax in result.theory.axioms] + [t.statement for t in result.theorems]
    for statement in statements:  # commutativity stated by an axiom counts too (rings, lattices)
        variables, body = strip_foralls(statement)
        if isinstance(body, Eq) and _is_commutativity(body, variables) and isinstance(body.lhs, App):
            out.add(body.lhs.fn)
    return out


def _ac_forms(statement: Formula, comm: set[str]) -> set[str]:
    """Keys of the statement with commutative arguments sorted, one per naming of its variables
    (so the sort order cannot depend on which names the two statements happen to use)."""
    import itertools

    from axiomforge.logic.terms import formula_key, substitute_formula

    variables, body = strip_foralls(statement)
    if len(variables) > 4:
        return set()
    forms = set()
    for perm in itertools.permutations(range(len(variables))):
        renaming = {v: Var(f"v{perm[i]}", v.sort) for i, v in enumerate(variables)}
        renamed = substitute_formula(body, renaming)
        canon = _sort_comm(renamed, comm)
        forms.add(formula_key(canon))
        if isinstance(canon, Eq):
            forms.add(formula_key(Eq(canon.rhs, canon.lhs)))
    return forms


def _sort_comm(formula: Formula, comm: set[str]) -> Formula:
    from axiomforge.logic.ir import Binary, Quant, Rel
    from axiomforge.logic.terms import term_key

    def term(t):
        if isinstance(t, Var) or not t.args:
            return t
        args = tuple(term(a) for a in t.args)
        if t.fn in comm and len(args) == 2:
            args = tuple(sorted(args, key=term_key))
        return App(t.fn, args)

    match formula:
        case Eq(lhs, rhs):
            a, b = term(lhs), term(rhs)
            return Eq(*sorted((a, b), key=lambda x: term_key(x)))
        case Rel(name, args):
            return Rel(name, tuple(term(a) for a in args))
        case Not(body):
            return Not(_sort_comm(body, comm))
        case Binary(op, left, right):
            return Binary(op, _sort_comm(left, comm), _sort_comm(right, comm))
        case Quant(kind, var, body):
            return Quant(kind, var, _sort_comm(body, comm))
    return formula


def _closed(formula: Formula) -> Formula:
    from axiomforge.logic.terms import close_formula

    free = formula_vars_in_order(formula)
    return close_formula(formula, free) if free else formula


def strip_expects(theory: Theory) -> Theory:
    from dataclasses import replace

    return replace(theory, expects=())


__all__ = ["EngineConfig", "RunResult", "Theorem", "run_engine", "expect_report", "strip_expects", "Var"]
