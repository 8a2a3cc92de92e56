"""Unfailing Knuth–Bendix completion with proof recording (equational reasoning).

The equations of a theory (and assumed ground hypotheses) are completed under the lexicographic
path order: an equation whose one side is greater becomes a rule; one that no orientation
decreases (commutativity) stays an *ordered* equation, used in whichever direction decreases
the instance at hand (unfailing completion, Bachmair–Dershowitz–Plaisted). The loop picks the
lightest pending equation, simplifies it by the active ones, adds it, moves active equations it
simplifies back to the pending queue, and adds the critical pairs it has with every active
equation. Goals are ground equations (their variables are eigenvariables, i.e. constants): one
holds when both sides rewrite to the same normal form. When the queue runs empty the active set
is *saturated*: a goal whose sides then have distinct normal forms does not follow.

Why completion rather than equality saturation: every derived equation comes with a derivation
made only of instances of earlier equations, `rewrite`, `symm`, `trans` and `gen`, which
`proof_of` replays as primitive steps for the independent checker; an e-graph would need a
separate proof-production layer. The precedence is chosen for completion (below), not taken
from the inductive engine, because KB-completing groups needs `inv > mul > e`.

Everything is deterministic: the queue is ordered by (weight, creation number), there is no
clock, and `max_steps` bounds the work.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from axiomforge.logic.ir import App, Eq, Formula, Term, Theory, Var, term_size
from axiomforge.logic.proof import Citation, ProofBuilder
from axiomforge.logic.terms import (
    Precedence,
    close_formula,
    lpo_greater,
    match,
    positions,
    replace_at,
    strip_foralls,
    substitute,
    vars_in_order,
)


@dataclass(frozen=True)
class CompletionConfig:
    max_steps: int = 6000  # equations taken from the queue
    max_weight: int = 20  # critical pairs heavier than this (both sides' sizes) are not kept
    max_active: int = 600


@dataclass(frozen=True)
class Use:
    """An instance of equation `eq` (its variables bound by `sigma`), read right to left if flipped."""

    eq: int
    flipped: bool
    sigma: tuple[tuple[Var, Term], ...]


@dataclass(frozen=True)
class Origin:
    """How an equation was derived: a cited law (instantiated by `law_sigma`, possibly flipped),
    an assumed ground fact (`hyp_step`), a critical pair (peak σ(l1): `peak` rewritten at the root
    by `left` and at `path` by `right`), or a copy of an older equation (`left`); followed by
    `rewrites` (side, path, use) and a final `flip`."""

    kind: str  # "law" | "hyp" | "cp" | "copy"
    citation: Citation | None = None
    law_sigma: tuple[tuple[Var, Term], ...] = ()
    law_flipped: bool = False
    hyp_step: int = -1
    peak: Term | None = None
    left: Use | None = None
    right: Use | None = None
    path: tuple[int, ...] = ()
    rewrites: tuple[tuple[int, tuple[int, ...], Use], ...] = ()
    flip: bool = False


@dataclass(frozen=True)
class Equation:
    id: int
    lhs: Term
    rhs: Term
    variables: tuple[Var, ...]  # canonical names, in order of occurrence
    oriented: bool  # lhs > rhs in the path order for every instance
    origin: Origin

    @property
    def weight(self) -> int:
        return term_size(self.lhs) + term_size(self.rhs)


def completion_precedence(theory: Theory) -> Precedence:
    """A precedence for completion: unary functions above binary ones above constants (so
    `inv(a·b) -> inv(b)·inv(a)` and `inv(e) -> e` orient), ties broken by declaration order
    (earlier declared is smaller: `e < inv < mul` needs the arity rule, and `+ < ·` in rings
    matches the declaration order of most files), which lets distributivity orient outward."""
    prec = Precedence(theory)
    order = list(theory.functions)

    def rank_key(i_f: tuple[int, object]) -> tuple[int, int]:
        i, f = i_f
        arity = len(f.arg_sorts)  # type: ignore[attr-defined]
        tier = 0 if arity == 0 else (2 if arity == 1 else 1)
        return (tier, i)

    ranked = sorted(enumerate(order), key=rank_key)
    prec.rank = {f.name: k + 1 for k, (_, f) in enumerate(ranked)}
    return prec


def unify(s: Term, t: Term, variables: frozenset[Var]) -> dict[Var, Term] | None:
    """The most general unifier of s and t over `variables` (other Vars are constants)."""
    subst: dict[Var, Term] = {}
    stack = [(s, t)]

    def walk(term: Term) -> Term:
        while isinstance(term, Var) and term in subst:
            term = subst[term]
        return term

    def occurs(v: Var, term: Term) -> bool:
        term = walk(term)
        if term == v:
            return True
        return isinstance(term, App) and any(occurs(v, a) for a in term.args)

    while stack:
        a, b = stack.pop()
        a, b = walk(a), walk(b)
        if a == b:
            continue
        if isinstance(a, Var) and a in variables:
            if occurs(a, b) or (isinstance(b, Var) and b.sort != a.sort):
                return None
            subst[a] = b
            continue
        if isinstance(b, Var) and b in variables:
            stack.append((b, a))
            continue
        if isinstance(a, Var) or isinstance(b, Var):
            return None
        if a.fn != b.fn or len(a.args) != len(b.args):
            return None
        stack.extend(zip(a.args, b.args))

    def resolve(term: Term) -> Term:
        term = walk(term)
        if isinstance(term, Var) or not term.args:
            return term
        return App(term.fn, tuple(resolve(x) for x in term.args))

    return {v: resolve(v) for v in subst}


class Completion:
    """The state of one completion: active equations, the queue, the derivation records."""

    def __init__(self, theory: Theory, prec: Precedence, config: CompletionConfig | None = None) -> None:
        self.theory = theory
        self.prec = prec
        self.config = config or CompletionConfig()
        self.single_sort = len(theory.sorts) == 1
        self.equations: list[Equation] = []
        self.active: dict[int, Equation] = {}
        self.index: dict[str, list[tuple[int, bool]]] = {}  # head symbol -> (eq id, flipped)
        self.queue: list[tuple[int, int, int]] = []  # (weight, id, id)
        self.keys: set[tuple[Term, Term]] = set()
        self.steps = 0
        self.saturated = False
        self.lossy = False  # some critical pair or equation was dropped (weight, size, budget)
        self._nf_memo: dict[bool, dict[Term, tuple[Term, list[tuple[tuple[int, ...], Use]]]]] = {True: {}, False: {}}
        self._lpo_memo: dict[tuple[Term, Term, bool], bool] = {}

    def _greater(self, s: Term, t: Term, ground: bool) -> bool:
        key = (s, t, ground)
        got = self._lpo_memo.get(key)
        if got is None:
            got = lpo_greater(s, t, self.prec, ground)
            if len(self._lpo_memo) > 200_000:
                self._lpo_memo.clear()
            self._lpo_memo[key] = got
        return got

    # -- building equations

    def _var_name(self, i: int, sort: str) -> Var:
        return Var(f"v{i}" if self.single_sort else f"v{i}_{sort}", sort)

    def _extra(self, sort: str) -> Var:
        return Var(f"z_{sort}", sort)

    def _new(self, lhs: Term, rhs: Term, variables: Iterable[Var], origin: Origin) -> Equation:
        """Record `lhs = rhs` (raw variables `variables`) under canonical names, oriented."""
        var_set = frozenset(variables)
        flip = False
        if lpo_greater(rhs, lhs, self.prec, ground=False):
            lhs, rhs, flip = rhs, lhs, True
        order = [v for v in vars_in_order(lhs) + vars_in_order(rhs) if v in var_set]
        seen: list[Var] = []
        for v in order:
            if v not in seen:
                seen.append(v)
        rho: dict[Var, Term] = {v: self._var_name(i + 1, v.sort) for i, v in enumerate(seen)}
        for v in var_set - set(seen):
            rho[v] = self._extra(v.sort)
        origin = _rename_origin(origin, rho)
        origin = Origin(**{**origin.__dict__, "flip": origin.flip != flip})
        lhs, rhs = substitute(lhs, rho), substitute(rhs, rho)
        new_vars = tuple(self._var_name(i + 1, v.sort) for i, v in enumerate(seen))
        oriented = lpo_greater(lhs, rhs, self.prec, ground=False) and _pvars(rhs, new_vars) <= _pvars(lhs, new_vars)
        eq = Equation(len(self.equations), lhs, rhs, new_vars, oriented, origin)
        self.equations.append(eq)
        return eq

    def add_law(self, citation: Citation) -> None:
        variables, body = strip_foralls(citation.formula)
        if not isinstance(body, Eq):
            return
        sigma = tuple((v, v) for v in variables)
        self._push(self._new(body.lhs, body.rhs, variables, Origin("law", citation=citation, law_sigma=sigma)))

    def add_active_law(self, citation: Citation) -> None:
        """A law used as a rewrite rule at once, without completion (the knowledge a run has
        already stated, against which new candidates are judged redundant)."""
        variables, body = strip_foralls(citation.formula)
        if not isinstance(body, Eq):
            return
        sigma = tuple((v, v) for v in variables)
        eq = self._new(body.lhs, body.rhs, variables, Origin("law", citation=citation, law_sigma=sigma))
        key = _variant_key(eq)
        if key not in self.keys:
            self.keys.add(key)
            self._activate(eq)

    def add_hypothesis(self, eq: Eq, step: int) -> None:
        """An assumed ground equation (its variables are eigenvariables, i.e. constants)."""
        self._push(self._new(eq.lhs, eq.rhs, (), Origin("hyp", hyp_step=step)))

    def _push(self, eq: Equation) -> None:
        heapq.heappush(self.queue, (eq.weight, eq.id, eq.id))
        self.saturated = False

    # -- rewriting

    def _rewrite_root(self, term: Term, ground: bool) -> tuple[Term, Use] | None:
        """One rewrite at the root. An ordered equation applies to an instance that decreases:
        for goals (`ground`: their variables are eigenvariables, constants) in the ground order;
        for equations with variables only when it decreases for every instance."""
        for eid, flipped in self.index.get(_head(term), ()):
            eq = self.active.get(eid)
            if eq is None:
                continue
            lhs, rhs = (eq.rhs, eq.lhs) if flipped else (eq.lhs, eq.rhs)
            sigma = match(lhs, term, frozenset(eq.variables))
            if sigma is None:
                continue
            new = substitute(rhs, sigma)
            if not eq.oriented and not self._greater(term, new, ground):
                continue
            full = tuple((v, sigma.get(v, self._extra(v.sort))) for v in eq.variables)
            return new, Use(eid, flipped, full)
        return None

    def root_rewrites(self, term: Term) -> list[Term]:
        """Every term one equation instance turns `term` into at its root (any direction of an
        ordered equation): for judging redundancy, where no order needs to be kept."""
        out = []
        for eid, flipped in self.index.get(_head(term), ()):
            eq = self.active.get(eid)
            if eq is None:
                continue
            lhs, rhs = (eq.rhs, eq.lhs) if flipped else (eq.lhs, eq.rhs)
            sigma = match(lhs, term, frozenset(eq.variables))
            if sigma is not None:
                out.append(substitute(rhs, sigma))
        return out

    def normalize(
        self, term: Term, budget: int = 2000, ground: bool = True
    ) -> tuple[Term, list[tuple[tuple[int, ...], Use]]]:
        """Innermost normal form with the trace of (path, use) steps."""
        trace: list[tuple[tuple[int, ...], Use]] = []
        memo = self._nf_memo[ground]  # valid until the active set changes
        if len(memo) > 100_000:
            memo.clear()

        def norm(t: Term) -> tuple[Term, list[tuple[tuple[int, ...], Use]]]:
            got = memo.get(t)
            if got is not None:
                return got
            steps: list[tuple[tuple[int, ...], Use]] = []
            cur = t
            if isinstance(t, App) and t.args:
                args = []
                for i, a in enumerate(t.args):
                    na, sub = norm(a)
                    args.append(na)
                    steps.extend(((i, *p), u) for p, u in sub)
                cur = App(t.fn, tuple(args))
            step = self._rewrite_root(cur, ground)
            if step is not None:
                if len(trace) + len(steps) > budget:
                    raise _Budget()
                new, use = step
                steps.append(((), use))
                nf, sub = norm(new)
                steps.extend(sub)
                cur = nf
            memo[t] = (cur, steps)
            return cur, steps

        nf, steps = norm(term)
        trace.extend(steps)
        return nf, trace

    # -- the main loop

    def run(self, steps: int | None = None) -> bool:
        """Process up to `steps` queue entries (default: the config's remaining budget);
        True when the queue ran empty (saturated)."""
        limit = self.config.max_steps if steps is None else min(self.steps + steps, self.config.max_steps)
        while self.queue and self.steps < limit:
            _, _, eid = heapq.heappop(self.queue)
            self.steps += 1
            self._process(self.equations[eid])
        self.saturated = not self.queue
        return self.saturated

    def _process(self, eq: Equation) -> None:
        try:
            lnf, ltr = self.normalize(eq.lhs, ground=False)
            rnf, rtr = self.normalize(eq.rhs, ground=False)
        except _Budget:
            self.lossy = True
            return
        if lnf == rnf:
            return
        if ltr or rtr:
            rewrites = tuple((0, p, u) for p, u in ltr) + tuple((1, p, u) for p, u in rtr)
            eq = self._new(lnf, rnf, eq.variables, Origin("copy", left=Use(eq.id, False, _identity(eq)), rewrites=rewrites))
        key = _variant_key(eq)
        if key in self.keys:
            return
        if len(self.active) >= self.config.max_active:
            self.lossy = True
            return
        self.keys.add(key)
        self._activate(eq)
        # interreduction: active equations the new one simplifies go back to the queue
        for other in list(self.active.values()):
            if other.id == eq.id:
                continue
            if self._reducible_by(other.lhs, other, eq) or (other.oriented and self._reducible_by(other.rhs, other, eq)):
                self._deactivate(other)
                self._push(self._new(other.lhs, other.rhs, other.variables,
                                     Origin("copy", left=Use(other.id, False, _identity(other)))))
        for other in list(self.active.values()):
            for cp in self._critical_pairs(eq, other) + (self._critical_pairs(other, eq) if other.id != eq.id else []):
                if cp.weight <= self.config.max_weight:
                    self._push(cp)
                else:
                    self.lossy = True

    def _activate(self, eq: Equation) -> None:
        self.active[eq.id] = eq
        self._nf_memo = {True: {}, False: {}}
        for side, flipped in ((eq.lhs, False), (eq.rhs, True)):
            if flipped and eq.oriented:
                continue
            if _rigid(side, eq):
                other = eq.lhs if flipped else eq.rhs
                if not _pvars(other, eq.variables) <= _pvars(side, eq.variables):
                    continue  # an equation read this way would invent variables
                entries = self.index.setdefault(_head(side), [])
                entries.append((eq.id, flipped))
                # rules before ordered equations: a rule never needs the order test
                entries.sort(key=lambda e: (not self.equations[e[0]].oriented, e[0], e[1]))

    def _deactivate(self, eq: Equation) -> None:
        del self.active[eq.id]
        self._nf_memo = {True: {}, False: {}}
        self.keys.discard(_variant_key(eq))

    def _reducible_by(self, term: Term, owner: Equation, eq: Equation) -> bool:
        for _, sub in positions(term):
            if isinstance(sub, Var) and sub in owner.variables:
                continue
            for lhs, rhs, flipped in ((eq.lhs, eq.rhs, False), (eq.rhs, eq.lhs, True)):
                if flipped and eq.oriented:
                    continue
                if not _rigid(lhs, eq) or _head(lhs) != _head(sub):
                    continue
                sigma = match(lhs, sub, frozenset(eq.variables))
                if sigma is None:
                    continue
                if eq.oriented or lpo_greater(sub, substitute(rhs, sigma), self.prec, ground=False):
                    return True
        return False

    def _directions(self, eq: Equation) -> list[tuple[Term, Term, bool]]:
        out = [(eq.lhs, eq.rhs, False)]
        if not eq.oriented:
            out.append((eq.rhs, eq.lhs, True))
        return [(l, r, f) for l, r, f in out if _rigid(l, eq) and _pvars(r, eq.variables) <= _pvars(l, eq.variables)]

    def _critical_pairs(self, outer: Equation, inner: Equation) -> list[Equation]:
        """Overlaps of `inner`'s left side into a non-variable position of `outer`'s left side."""
        apart = {v: Var(f"w{i}_{v.sort}", v.sort) for i, v in enumerate(inner.variables)}
        out: list[Equation] = []
        for l1, r1, f1 in self._directions(outer):
            for l2_raw, r2_raw, f2 in self._directions(inner):
                l2, r2 = substitute(l2_raw, apart), substitute(r2_raw, apart)
                variables = frozenset(outer.variables) | frozenset(apart.values())
                for path, sub in positions(l1):
                    if isinstance(sub, Var) and sub in outer.variables:
                        continue
                    if outer.id == inner.id and f1 == f2 and not path:
                        continue
                    sigma = unify(sub, l2, variables)
                    if sigma is None:
                        continue
                    peak = substitute(l1, sigma)
                    left = substitute(r1, sigma)
                    right = replace_at(peak, path, substitute(r2, sigma))
                    if left == right:
                        continue
                    if not outer.oriented and lpo_greater(left, peak, self.prec, ground=False):
                        continue
                    if not inner.oriented and lpo_greater(substitute(r2, sigma), substitute(l2, sigma), self.prec, ground=False):
                        continue
                    s1 = tuple((v, sigma.get(v, v)) for v in outer.variables)
                    s2 = tuple((v, substitute(apart[v], sigma)) for v in inner.variables)
                    origin = Origin("cp", peak=peak, left=Use(outer.id, f1, s1), right=Use(inner.id, f2, s2), path=path)
                    out.append(self._new(left, right, _vars_of(peak, variables), origin))
        return out

    @property
    def complete(self) -> bool:
        """Saturated with nothing dropped and every active equation a rule: the rules are then a
        convergent system, so two terms with distinct normal forms are not equal in every model
        (Birkhoff), and a candidate they fail to join is refuted."""
        return self.saturated and not self.lossy and all(eq.oriented for eq in self.active.values())

    # -- goals

    def join(self, lhs: Term, rhs: Term) -> tuple[list, list] | None:
        """Traces to a common normal form of two (ground) terms, or None."""
        try:
            lnf, ltr = self.normalize(lhs)
            rnf, rtr = self.normalize(rhs)
        except _Budget:
            return None
        if lnf != rnf:
            return None
        return ltr, rtr


class _Budget(Exception):
    pass


def _head(term: Term) -> str:
    """The index key of a term: its function symbol, or `?name` for an eigenvariable."""
    return term.fn if isinstance(term, App) else f"?{term.name}"


def _pvars(term: Term, variables: Iterable[Var]) -> set[Var]:
    """The equation variables (not eigenvariables) of a term."""
    return set(vars_in_order(term)) & set(variables)


def _rigid(term: Term, eq: Equation) -> bool:
    """Not one of the equation's variables: a function application or an eigenvariable."""
    return isinstance(term, App) or term not in eq.variables


def _identity(eq: Equation) -> tuple[tuple[Var, Term], ...]:
    return tuple((v, v) for v in eq.variables)


def _vars_of(term: Term, variables: Iterable[Var]) -> list[Var]:
    allowed = set(variables)
    return [v for v in vars_in_order(term) if v in allowed]


def _variant_key(eq: Equation) -> tuple[Term, Term]:
    return (eq.lhs, eq.rhs) if eq.oriented else tuple(sorted((eq.lhs, eq.rhs), key=repr))  # type: ignore[return-value]


def _rename_use(use: Use | None, rho: Mapping[Var, Term]) -> Use | None:
    if use is None:
        return None
    return Use(use.eq, use.flipped, tuple((v, substitute(t, rho)) for v, t in use.sigma))


def _rename_origin(origin: Origin, rho: Mapping[Var, Term]) -> Origin:
    return Origin(
        origin.kind,
        origin.citation,
        tuple((v, substitute(t, rho)) for v, t in origin.law_sigma),
        origin.law_flipped,
        origin.hyp_step,
        substitute(origin.peak, rho) if origin.peak is not None else None,
        _rename_use(origin.left, rho),
        _rename_use(origin.right, rho),
        origin.path,
        tuple((side, path, _rename_use(u, rho)) for side, path, u in origin.rewrites),  # type: ignore[misc]
        origin.flip,
    )


# ---------------------------------------------------------------- proofs


@dataclass
class ProofContext:
    """Per-proof memo of the steps proving each equation (closed under ∀ of its variables).
    `theorems` maps an equation's variant key to an earlier theorem stating it (cited instead
    of re-derived)."""

    completion: Completion
    builder: ProofBuilder
    theorems: Mapping[str, Citation] = field(default_factory=dict)
    closed: dict[int, int] = field(default_factory=dict)

    def closed_step(self, eid: int) -> int:
        if eid in self.closed:
            return self.closed[eid]
        eq = self.completion.equations[eid]
        sid = self._cited(eq)
        if sid is None:
            sid = self.open_step(eq)
        for v in reversed(eq.variables):
            sid = self.builder.gen(sid, v)
        self.closed[eid] = sid
        return sid

    def _cited(self, eq: Equation) -> int | None:
        """An earlier theorem stating eq (up to renaming and orientation), instantiated to it."""
        if not self.theorems:
            return None
        from axiomforge.logic.conjecture import statement_key

        citation = self.theorems.get(statement_key(statement_of(eq)))
        if citation is None:
            return None
        tvars, tbody = strip_foralls(citation.formula)
        assert isinstance(tbody, Eq)
        pattern = frozenset(tvars)
        for (a, b), flipped in (((tbody.lhs, tbody.rhs), False), ((tbody.rhs, tbody.lhs), True)):
            sigma = match(a, eq.lhs, pattern)
            sigma = match(b, eq.rhs, pattern, sigma) if sigma is not None else None
            if sigma is None or any(v not in sigma for v in tvars):
                continue
            sid = self.builder.inst(self.builder.cite(citation), [(v, sigma[v]) for v in tvars])
            return self.builder.symm(sid) if flipped else sid
        return None

    def use_step(self, use: Use) -> int:
        eq = self.completion.equations[use.eq]
        o = eq.origin
        if o.kind == "law" and not o.rewrites and o.citation is not None and use.eq not in self.closed:
            # an axiom or theorem used as it stands: instantiate the cited law directly instead of
            # renaming it to the equation's variables and generalising again
            mapping = dict(use.sigma)
            pairs = [(x, substitute(t, mapping)) for x, t in o.law_sigma]
            sid = self.builder.inst(self.builder.cite(o.citation), pairs)
            return self.builder.symm(sid) if o.flip != use.flipped else sid
        sid = self.closed_step(use.eq)
        sid = self.builder.inst(sid, list(use.sigma))
        return self.builder.symm(sid) if use.flipped else sid

    def open_step(self, eq: Equation) -> int:
        """`lhs = rhs` of eq with its variables free."""
        b = self.builder
        o = eq.origin
        if o.kind == "law":
            assert o.citation is not None
            sid = b.inst(b.cite(o.citation), list(o.law_sigma))
        elif o.kind == "hyp":
            sid = o.hyp_step
        elif o.kind == "cp":
            assert o.left is not None and o.right is not None and o.peak is not None
            a = self.use_step(o.left)  # peak = s
            inner = self.use_step(o.right)
            c = b.rewrite(inner, b.refl(o.peak), (1, *o.path))  # peak = u
            sid = b.trans(b.symm(a), c)
        else:  # copy
            assert o.left is not None
            sid = self.use_step(o.left)
        for side, path, use in o.rewrites:
            sid = b.rewrite(self.use_step(use), sid, (side, *path))
        if o.flip:
            sid = b.symm(sid)
        return sid

    def chain(self, term: Term, trace: list[tuple[tuple[int, ...], Use]]) -> int:
        sid = self.builder.refl(term)
        for path, use in trace:
            sid = self.builder.rewrite(self.use_step(use), sid, (1, *path))
        return sid

    def join(self, lhs: Term, ltr: list, rhs: Term, rtr: list) -> int:
        b = self.builder
        if not ltr and not rtr:
            return b.refl(lhs)
        left = self.chain(lhs, ltr)
        if not rtr:
            return left
        right = self.chain(rhs, rtr)
        if not ltr:
            return b.symm(right)
        return b.trans(left, b.symm(right))


def statement_of(eq: Equation) -> Formula:
    return close_formula(Eq(eq.lhs, eq.rhs), list(eq.variables))
