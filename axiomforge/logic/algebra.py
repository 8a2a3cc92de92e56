"""The run for theories without induction (groups, rings, lattices): finite models ->
conjectures -> completion -> theorems.

1. **Models.** `finite_models.find_models` searches models of the axioms of each size up to
   the bound; they are the counter-model filter (a term's fingerprint is its values in all of
   them). No model at all up to the bound, or `false` derived by rewriting, means the theory may
   be inconsistent: the run says so in its summary's warnings.
2. **Conjectures** (`algebra_conjecture`): equations between small terms the models do not
   refute, and order laws of defined relations; sorted by size.
3. **Completion** (`completion`) of the axioms runs in slices; after each slice every open
   candidate is tried in size order: one that the laws already stated (axioms, earlier theorems)
   decide by rewriting is *redundant*; one whose sides the completed system joins is a theorem,
   with a step-by-step proof that cites earlier theorems where they state a lemma it uses.
4. **Left-over candidates** get a targeted counter-model search (axioms plus the negated
   candidate, sizes up to the counter-model bound): one that is refuted is dropped, and the
   model found joins the filter. What remains is reported as unproved.

Hypotheses of an implication (after unfolding a defined relation `a ≤ b ↔ a ⊓ b = a`) are
assumed and added to a copy of the completion as ground equations.
"""

from __future__ import annotations

import itertools
import resource
import time
from dataclasses import dataclass, field

from axiomforge.logic.algebra_conjecture import AlgebraConjectureConfig, algebra_candidates, candidate_order
from axiomforge.logic.completion import Completion, CompletionConfig, ProofContext, completion_precedence
from axiomforge.logic.conjecture import Candidate, statement_key
from axiomforge.logic.finite_models import ModelSearchConfig, Structure, find_countermodel, find_models
from axiomforge.logic.ir import App, Binary, Eq, Formula, Not, Quant, Rel, Theory, Truth, Var
from axiomforge.logic.proof import Citation, ProofBuilder, ProofError
from axiomforge.logic.terms import strip_foralls, substitute_formula


@dataclass(frozen=True)
class AlgebraConfig:
    models: ModelSearchConfig = field(default_factory=lambda: ModelSearchConfig(max_size=5, models_per_size=4))
    countermodels: ModelSearchConfig = field(
        default_factory=lambda: ModelSearchConfig(max_size=6, models_per_size=1, rlimit=8_000_000)
    )
    conjecture: AlgebraConjectureConfig = field(default_factory=AlgebraConjectureConfig)
    completion: CompletionConfig = field(default_factory=CompletionConfig)
    slice_steps: int = 25
    max_epochs: int = 4  # conjecture again after a counter-model search found a new model
    inductive_models: ModelSearchConfig = field(
        default_factory=lambda: ModelSearchConfig(max_size=4, models_per_size=2)
    )  # term-generated finite models of a theory with induction schemas
    max_countermodel_searches: int = 6  # z3 searches per epoch for candidates no known model refutes
    hypothesis_steps: int = 300
    hypothesis_every: int = 8  # rounds between attempts at goals with hypotheses


@dataclass
class AlgebraOutcome:
    """What the algebra run adds to the summary: models, completion, warnings."""

    model_sizes: list[int]
    countermodel_sizes: list[int]
    completion_steps: int
    saturated: bool
    complete: bool
    rules: list[str]
    warnings: list[str]
    # expect lines no theorem states, proved after the run from the axioms and theorems
    # (read only after the theorem list is final, so they never steer it): name -> (statement, steps)
    expect_proofs: dict[str, tuple[Formula, list[dict[str, object]]]] = field(default_factory=dict)
    models: tuple[Structure, ...] = ()  # every model used as a filter (found, then counter-models)


def run_algebra(theory: Theory, config, emit):  # type: ignore[no-untyped-def]
    """The RunResult of `engine.run_engine` for a theory without induction schemas."""
    from axiomforge.logic.engine import RunResult, RunSummary, Theorem, theorem_name

    acfg: AlgebraConfig = config.algebra
    t0 = time.perf_counter()
    summary = RunSummary()
    search = find_models(theory, acfg.models)
    models: list[Structure] = list(search.models)
    summary.seconds_model = time.perf_counter() - t0
    warnings: list[str] = []
    if not models:
        warnings.append(
            f"the theory may be inconsistent: no model of its axioms up to size {acfg.models.max_size}"
            + (f" (sizes {', '.join(map(str, search.sizes_unknown))} not decided)" if search.sizes_unknown else "")
        )
    emit("stage", {"stage": "conjecture"})
    t1 = time.perf_counter()
    prec = completion_precedence(theory)
    conj_cfg = acfg.conjecture
    if config.conjecture.max_size != conj_cfg.max_size:
        from dataclasses import replace

        conj_cfg = replace(conj_cfg, max_size=config.conjecture.max_size)
    candidates, cstats = algebra_candidates(theory, models, prec, conj_cfg) if models else ([], None)
    if cstats is None:
        from axiomforge.logic.conjecture import ConjectureStats

        cstats = ConjectureStats()
    summary.seconds_conjecture = time.perf_counter() - t1
    summary.candidates_generated = cstats.generated
    summary.candidates_refuted = cstats.refuted
    summary.candidates_duplicate = cstats.duplicates
    summary.candidates_surviving = len(candidates)
    summary.terms_enumerated = cstats.terms
    summary.term_classes = cstats.classes
    emit("candidates", {"count": len(candidates)})

    t2 = time.perf_counter()
    comp = Completion(theory, prec, acfg.completion)
    stated = Completion(theory, prec, acfg.completion)
    for ax in theory.axioms:
        citation = Citation("axiom", ax.name, ax.formula)
        comp.add_law(citation)
        stated.add_active_law(citation)
    theorems: list[Theorem] = []
    proved_candidates: list[Candidate] = []
    theorem_citations: dict[str, Citation] = {}
    name_counts: dict[str, int] = {}
    open_goals: list[Candidate] = list(candidates)
    handled = {c.key for c in candidates}
    still_open: list[Candidate] = []
    countermodel_sizes: list[int] = []
    rounds = 0
    for _epoch in range(acfg.max_epochs):
        while True:
            rounds += 1
            progress = True
            while progress:
                progress = False
                for cand in list(open_goals):
                    if _redundant(cand.statement, stated):
                        summary.redundant += 1
                        open_goals.remove(cand)
                        continue
                    equation = isinstance(strip_foralls(cand.statement)[1], Eq)
                    if not equation and not (comp.saturated or rounds % acfg.hypothesis_every == 1):
                        continue  # a goal with hypotheses runs its own completion: not every round
                    start = time.perf_counter()
                    proof = _prove(cand.statement, comp, theory, theorem_citations, acfg)
                    if proof is None:
                        continue
                    steps, cites = proof
                    name = theorem_name(cand, name_counts)
                    theorems.append(Theorem(name, cand.statement, cand.shape, "completion",
                                            time.perf_counter() - start, cites, steps))
                    proved_candidates.append(cand)
                    citation = Citation("theorem", name, cand.statement)
                    theorem_citations[statement_key(cand.statement)] = citation
                    stated.add_active_law(citation)
                    open_goals.remove(cand)
                    emit("proved", {"name": name, "count": len(theorems)})
                    progress = True
            if not open_goals or comp.saturated or comp.steps >= acfg.completion.max_steps:
                break
            emit("layer", {"round": rounds, "size": comp.steps, "goals": len(open_goals)})
            comp.run(max(acfg.slice_steps, comp.steps // 2))  # slices grow: goal checks stay cheap
        # the left-over candidates: refuted by a model (known, else a targeted search), or by
        # the complete rewrite system; a new model re-runs the conjecturer with it
        new_model = False
        searches = 0
        retry: list[Candidate] = []
        for cand in open_goals:
            if _redundant(cand.statement, stated):
                summary.redundant += 1
                continue
            counter = next((m for m in models if not m.satisfies(cand.statement)), None)
            # a complete system already refutes what it does not join: search only for a richer model
            # (one search, in the first epoch: the model it finds re-runs the conjecturer)
            allowed = (1 if _epoch == 0 else 0) if comp.complete else acfg.max_countermodel_searches
            if counter is None and searches < allowed and not new_model:
                searches += 1
                counter = find_countermodel(theory, cand.statement, acfg.countermodels)
                if counter is not None:
                    models.append(counter)
                    countermodel_sizes.append(counter.size)
                    new_model = True
            if counter is not None:
                summary.candidates_refuted += 1
                summary.candidates_surviving -= 1
                continue
            if new_model:
                retry.append(cand)  # the new model may refute it: checked in the next epoch
                continue
            if comp.complete and isinstance(strip_foralls(cand.statement)[1], Eq):
                summary.refuted_by_completion += 1
                summary.candidates_surviving -= 1
                continue
            still_open.append(cand)
        open_goals = []
        if not new_model:
            break
        fresh, more = algebra_candidates(theory, models, prec, conj_cfg)
        fresh = [c for c in fresh if c.key not in handled]
        handled |= {c.key for c in fresh}
        open_goals = sorted(fresh + retry, key=candidate_order)
        summary.candidates_generated += more.generated
        summary.candidates_refuted += more.refuted
        summary.candidates_surviving += len(fresh)
    still_open.extend(open_goals)  # retried candidates left when the epochs ran out
    summary.passes = rounds
    theorems, dropped = _minimize(theory, list(zip(proved_candidates, theorems)), comp, prec, acfg)
    summary.redundant += dropped
    warnings.extend(_false_derived(theory, comp))
    summary.seconds_prove = time.perf_counter() - t2
    summary.proved = len(theorems)
    summary.unproved = len(still_open)
    summary.seconds_total = time.perf_counter() - t0
    summary.peak_memory_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome = AlgebraOutcome(
        sorted(m.size for m in search.models),
        countermodel_sizes,
        comp.steps,
        comp.saturated,
        comp.complete,
        [_show_rule(comp, eid) for eid in sorted(comp.active)],
        warnings,
    )
    outcome.expect_proofs = _prove_expects(theory, theorems, comp, acfg)
    outcome.models = tuple(models)
    summary.model_sizes = outcome.model_sizes + countermodel_sizes
    summary.warnings = warnings
    result = RunResult(theory, theorems, still_open, summary, cstats)
    result.algebra = outcome
    return result


def _prove_expects(theory: Theory, theorems: list, comp: Completion, acfg: AlgebraConfig):  # type: ignore[no-untyped-def]
    """After the run: each `expect` line that no theorem states (up to renaming and orientation)
    is tried against the completion, continued within its step budget, citing the run's
    theorems. `(a+b)·(a+b) = a·a + (a·b + a·b) + b·b` is too big to be conjectured (sides of
    size 7 and 15) but follows this way. The theorem list is final before this runs."""
    from axiomforge.logic.terms import close_formula, formula_vars_in_order

    stated = {statement_key(t.statement) for t in theorems}
    citations = {statement_key(t.statement): Citation("theorem", t.name, t.statement) for t in theorems}
    out: dict[str, tuple[Formula, list[dict[str, object]]]] = {}
    for exp in theory.expects:
        free = formula_vars_in_order(exp.formula)
        statement = close_formula(exp.formula, free) if free else exp.formula
        if statement_key(statement) in stated:
            continue
        while True:
            proof = _prove(statement, comp, theory, citations, acfg)
            if proof is not None:
                out[exp.name] = (statement, proof[0])
                break
            if comp.saturated or comp.steps >= acfg.completion.max_steps:
                break
            comp.run(max(acfg.slice_steps, comp.steps // 2))
    return out


def _minimize(theory: Theory, entries: list, comp: Completion, prec, acfg: AlgebraConfig):  # type: ignore[no-untyped-def]
    """The final list of theorems, smallest first: a theorem that the axioms and the smaller
    theorems decide by rewriting is dropped (it was proved before its generalisation), and the
    kept ones are named and proved again in this order, citing only kept earlier theorems. A
    theorem the final rules no longer join keeps its own proof, with the theorems it cites."""
    from axiomforge.logic.engine import Theorem, theorem_name

    stated = Completion(theory, prec, acfg.completion)
    for ax in theory.axioms:
        stated.add_active_law(Citation("axiom", ax.name, ax.formula))
    by_old = {t.name: (c, t) for c, t in entries}
    kept: list = []
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    citations: dict[str, Citation] = {}

    def accept(cand: Candidate, old) -> None:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        proof = _prove(cand.statement, comp, theory, citations, acfg)
        if proof is None:
            for ref in old.cites:
                if ref not in names:
                    accept(*by_old[ref])
            steps = _rename_refs(old.steps, names)
            cites = sorted(names[r] for r in old.cites)
        name = theorem_name(cand, counts)
        if proof is not None:
            steps, cites = proof
        names[old.name] = name
        kept.append(Theorem(name, cand.statement, cand.shape, old.method,
                            old.seconds + time.perf_counter() - start, cites, steps))
        citation = Citation("theorem", name, cand.statement)
        citations[statement_key(cand.statement)] = citation
        stated.add_active_law(citation)

    dropped = 0
    for cand, old in sorted(entries, key=lambda e: candidate_order(e[0])):
        if old.name in names:
            continue
        if _redundant(cand.statement, stated):
            dropped += 1
            continue
        accept(cand, old)
    return kept, dropped


def _rename_refs(steps: list[dict[str, object]], names: dict[str, str]) -> list[dict[str, object]]:
    out = []
    for step in steps:
        step = dict(step)
        if step.get("rule") == "theorem":
            step["ref"] = names[str(step["ref"])]
        out.append(step)
    return out


def _show_rule(comp: Completion, eid: int) -> str:
    from axiomforge.logic.terms import show

    eq = comp.equations[eid]
    return f"{show(eq.lhs)} {'->' if eq.oriented else '='} {show(eq.rhs)}"


def _redundant(statement: Formula, stated: Completion) -> bool:
    """An equation the stated laws already decide by rewriting (an instance or a consequence by
    simplification), also modulo associativity and commutativity of an operator the stated laws
    say is both; non-equations are never redundant here."""
    _, body = strip_foralls(statement)
    if not isinstance(body, Eq):
        return False
    ac = _ac_operators(stated)
    comm = _comm_operators(stated)
    forms: list[set[str]] = []
    for side in (body.lhs, body.rhs):
        keys = set()
        for variant in _comm_variants(side, comm):
            # normal forms in the ground order, in the order valid for every instance, and after
            # one equation step at the root first (`(a⊔b)⊔(a⊔b)` meets idempotence before
            # associativity rearranges it)
            starts = [(variant, True), (variant, False)] + [(t, True) for t in stated.root_rewrites(variant)]
            for start, ground in starts:
                try:
                    nf, _ = stated.normalize(start, ground=ground)
                except Exception:  # noqa: BLE001 - a normalisation past its budget decides nothing
                    continue
                keys.add(_ac_key(nf, ac))
        forms.append(keys)
    return bool(forms[0] & forms[1])


def _comm_operators(stated: Completion) -> frozenset[str]:
    out = set()
    for eq in stated.active.values():
        l, r = eq.lhs, eq.rhs
        if (isinstance(l, App) and isinstance(r, App) and l.fn == r.fn and len(l.args) == 2
                and all(isinstance(a, Var) for a in l.args) and l.args[0] != l.args[1] and r.args == l.args[::-1]):
            out.add(l.fn)
    return frozenset(out)


def _comm_variants(term, comm: frozenset[str], limit: int = 32) -> list:  # type: ignore[no-untyped-def]
    """The term with the arguments of commutative operators swapped at any set of positions
    (at most `limit` variants): ordered rewriting treats variables as the smallest constants,
    so `0 + 1 = 1` is decided from `a + 0 = a` and `a + b = b + a` only through `1 + 0`."""
    if isinstance(term, Var) or not term.args:
        return [term]
    arg_variants = [_comm_variants(a, comm, limit) for a in term.args]
    out = []
    for args in itertools.product(*arg_variants):
        out.append(App(term.fn, tuple(args)))
        if term.fn in comm and len(args) == 2:
            out.append(App(term.fn, (args[1], args[0])))
        if len(out) >= limit:
            break
    return out


def _ac_operators(stated: Completion) -> frozenset[str]:
    comm, assoc = set(), set()
    for eq in stated.active.values():
        l, r = eq.lhs, eq.rhs
        if not (isinstance(l, App) and isinstance(r, App) and l.fn == r.fn and len(l.args) == 2):
            continue
        x, y = l.args
        if isinstance(x, Var) and isinstance(y, Var) and x != y and r.args == (y, x):
            comm.add(l.fn)
        for a, b in ((l, r), (r, l)):
            if (isinstance(a.args[0], App) and a.args[0].fn == a.fn and isinstance(b.args[1], App)
                    and b.args[1].fn == a.fn and a.args[0].args + (a.args[1],) == (b.args[0],) + b.args[1].args):
                assoc.add(l.fn)
    return frozenset(comm & assoc)


def _ac_key(term, ac: frozenset[str]) -> str:  # type: ignore[no-untyped-def]
    """A canonical string of a term modulo associativity and commutativity of `ac` operators."""
    from axiomforge.logic.terms import term_key

    if isinstance(term, Var) or not term.args:
        return term_key(term)
    if term.fn in ac:
        flat: list = []
        stack = [term]
        while stack:
            t = stack.pop()
            if isinstance(t, App) and t.fn == term.fn:
                stack.extend(t.args)
            else:
                flat.append(t)
        return f"{term.fn}{{{','.join(sorted(_ac_key(t, ac) for t in flat))}}}"
    return f"{term.fn}({','.join(_ac_key(a, ac) for a in term.args)})"


def _prove(
    statement: Formula, comp: Completion, theory: Theory, theorems: dict[str, Citation], acfg: AlgebraConfig
) -> tuple[list[dict[str, object]], list[str]] | None:
    from axiomforge.logic.prover import _compact

    variables, body = strip_foralls(statement)
    builder = ProofBuilder()
    try:
        sid = _prove_body(body, comp, theory, theorems, builder, acfg)
        if sid is None:
            return None
        for v in reversed(variables):
            sid = builder.gen(sid, v)
    except ProofError:
        return None
    if builder.formula(sid) != statement or builder.open[sid]:
        return None
    return _compact(builder, sid)


def _prove_body(
    body: Formula, comp: Completion, theory: Theory, theorems: dict[str, Citation], builder: ProofBuilder,
    acfg: AlgebraConfig,
) -> int | None:
    if isinstance(body, Eq):
        joined = comp.join(body.lhs, body.rhs)
        if joined is None:
            return None
        return ProofContext(comp, builder, theorems).join(body.lhs, joined[0], body.rhs, joined[1])
    if isinstance(body, Rel):
        unfold = _definition(theory, body, builder)
        if unfold is None:
            return None
        to_rel, inner = unfold  # inner -> rel
        sid = _prove_body(inner, comp, theory, theorems, builder, acfg)
        return builder.mp(to_rel, sid) if sid is not None else None
    if isinstance(body, Binary) and body.op == "implies":
        hyps: list[int] = []
        premise = body.left
        parts = [premise.left, premise.right] if isinstance(premise, Binary) and premise.op == "and" else [premise]
        hyp_all = builder.assume(premise)
        facts = [hyp_all] if len(parts) == 1 else [builder.and_elim(hyp_all, 0), builder.and_elim(hyp_all, 1)]
        local = _copy(comp)
        for fact in facts:
            formula = builder.formula(fact)
            if isinstance(formula, Rel):
                unfold = _definition(theory, formula, builder, forward=True)
                if unfold is None:
                    return None
                fact = builder.mp(unfold[0], fact)
                formula = builder.formula(fact)
            if not isinstance(formula, Eq):
                return None
            local.add_hypothesis(formula, fact)
        hyps.append(hyp_all)
        goal = body.right
        sid = None
        for _ in range(max(1, acfg.hypothesis_steps // acfg.slice_steps)):
            sid = _prove_body(goal, local, theory, theorems, builder, acfg)
            if sid is not None or local.saturated:
                break
            local.run(acfg.slice_steps)
        if sid is None:
            return None
        return builder.imp_intro(sid, hyp_all)
    return None


def _definition(theory: Theory, rel: Rel, builder: ProofBuilder, forward: bool = False) -> tuple[int, Formula] | None:
    """For a relation defined by `∀xs. R(xs) ↔ F`: a step `F[args] → R(args)` (or, forward,
    `R(args) → F[args]`) and the formula F[args]."""
    for ax in theory.axioms:
        variables, body = strip_foralls(ax.formula)
        if (
            isinstance(body, Binary) and body.op == "iff" and isinstance(body.left, Rel)
            and body.left.name == rel.name and list(body.left.args) == variables
        ):
            sid = builder.inst(builder.cite(Citation("axiom", ax.name, ax.formula)), list(zip(variables, rel.args)))
            sid = builder.iff_elim(sid, 0 if forward else 1)
            inner = substitute_formula(body.right, dict(zip(variables, rel.args)))
            return sid, inner
    return None


def _copy(comp: Completion) -> Completion:
    import copy

    other = copy.copy(comp)
    other.equations = list(comp.equations)
    other.active = dict(comp.active)
    other.index = {k: list(v) for k, v in comp.index.items()}
    other.queue = list(comp.queue)
    other.keys = set(comp.keys)
    other._nf_memo = {True: {}, False: {}}
    other._lpo_memo = dict(comp._lpo_memo)
    return other


def _false_derived(theory: Theory, comp: Completion) -> list[str]:
    """Disequation axioms `∀xs. s ≠ t` whose sides the completed equations join for some
    instance (variables as themselves or as a constant): `false` follows."""
    from axiomforge.logic.ir import App

    constants = {f.result_sort: App(f.name) for f in reversed(theory.functions) if not f.arg_sorts}
    out = []
    for ax in theory.axioms:
        variables, body = strip_foralls(ax.formula)
        if not (isinstance(body, Not) and isinstance(body.body, Eq)):
            continue
        options: list[dict[Var, object]] = [{}]
        for v in variables:
            c = constants.get(v.sort)
            options = [{**o, v: v} for o in options] + ([{**o, v: c} for o in options] if c is not None else [])
        for sigma in options:
            inst = substitute_formula(body.body, sigma)  # type: ignore[arg-type]
            assert isinstance(inst, Eq)
            if comp.join(inst.lhs, inst.rhs) is not None:
                from axiomforge.logic.terms import show

                out.append(
                    f"the theory may be inconsistent: false is derived (the equations join both sides of "
                    f"{ax.name} at {show(inst.lhs)} = {show(inst.rhs)})"
                )
                break
    return out


__all__ = ["AlgebraConfig", "AlgebraOutcome", "run_algebra", "Quant", "Truth"]


def inductive_theory_checks(
    theory: Theory, model, config: ModelSearchConfig | None = None, completion_steps: int = 200
) -> tuple[list[Structure], list[str]]:  # type: ignore[no-untyped-def]
    """For a theory with induction schemas: finite term-generated models of it (a counter-model
    filter beside the constructor-built model) and consistency warnings. The constructor model
    is a model when it satisfies every axiom on the tested values; if it does not and no finite
    model exists up to the bound, or rewriting with the equations refutes a disequation axiom
    (`false` is derived), the theory may be inconsistent."""
    config = config or ModelSearchConfig(max_size=4, models_per_size=2)
    search = find_models(theory, config)
    violated = []
    for ax in theory.axioms:
        try:
            if model.counterexample(ax.formula) is not None:
                violated.append(ax.name)
        except Exception:  # noqa: BLE001 - a formula the model cannot evaluate is not a violation
            continue
    warnings: list[str] = []
    if violated and not search.models:
        warnings.append(
            f"the theory may be inconsistent: the constructor-built model violates {', '.join(violated)} and no "
            f"model of the axioms exists up to size {config.max_size}"
        )
    comp = Completion(theory, completion_precedence(theory), CompletionConfig(max_steps=completion_steps))
    for ax in theory.axioms:
        comp.add_law(Citation("axiom", ax.name, ax.formula))
    comp.run()
    warnings.extend(_false_derived(theory, comp))
    return list(search.models), warnings
