"""Term algebra for the engine: substitution, matching, positions, a reduction order, renaming.

Terms are the IR's `Var`/`App`. Two roles of `Var` meet here: in a rule, variables are pattern
variables (they bind when matched); in a goal, variables are eigenvariables (fixed unknown
objects, compared like constants). Functions that care take the set of pattern variables
explicitly, so the two never get confused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from axiomforge.logic.ir import App, Binary, Eq, Formula, Not, Quant, Rel, Term, Theory, Truth, Var

Subst = dict[Var, Term]


def substitute(term: Term, subst: Mapping[Var, Term]) -> Term:
    if isinstance(term, Var):
        return subst.get(term, term)
    if not term.args:
        return term
    return App(term.fn, tuple(substitute(a, subst) for a in term.args))


def substitute_formula(formula: Formula, subst: Mapping[Var, Term]) -> Formula:
    """Capture-free here because engine formulas never bind a variable that a substituted term uses."""
    match formula:
        case Eq(lhs, rhs):
            return Eq(substitute(lhs, subst), substitute(rhs, subst))
        case Rel(name, args):
            return Rel(name, tuple(substitute(a, subst) for a in args))
        case Truth():
            return formula
        case Not(body):
            return Not(substitute_formula(body, subst))
        case Binary(op, left, right):
            return Binary(op, substitute_formula(left, subst), substitute_formula(right, subst))
        case Quant(kind, var, body):
            inner = {k: v for k, v in subst.items() if k != var}
            if not inner:
                return formula
            incoming: set[Var] = set()
            for value in inner.values():
                incoming |= _var_set(value)
            if var in incoming:  # rename the bound variable apart so no substituted term is captured
                taken = {v.name for v in incoming} | {v.name for v in formula_vars_in_order(body)} | {k.name for k in inner}
                k = 1
                while f"{var.name}{k}" in taken:
                    k += 1
                fresh = Var(f"{var.name}{k}", var.sort)
                body = substitute_formula(body, {var: fresh})
                var = fresh
            return Quant(kind, var, substitute_formula(body, inner))
    raise TypeError(formula)


def match(pattern: Term, term: Term, pattern_vars: frozenset[Var], subst: Subst | None = None) -> Subst | None:
    """A substitution σ over `pattern_vars` with pattern σ == term, extending `subst`; None if none."""
    subst = dict(subst) if subst else {}
    stack = [(pattern, term)]
    while stack:
        p, t = stack.pop()
        if isinstance(p, Var) and p in pattern_vars:
            bound = subst.get(p)
            if bound is None:
                if isinstance(t, Var) and t.sort != p.sort:
                    return None
                subst[p] = t
            elif bound != t:
                return None
            continue
        if isinstance(p, Var) or isinstance(t, Var):
            if p != t:
                return None
            continue
        if p.fn != t.fn or len(p.args) != len(t.args):
            return None
        stack.extend(zip(p.args, t.args))
    return subst


def at_path(term: Term, path: Iterable[int]) -> Term:
    for i in path:
        assert isinstance(term, App)
        term = term.args[i]
    return term


def replace_at(term: Term, path: tuple[int, ...], new: Term) -> Term:
    if not path:
        return new
    assert isinstance(term, App)
    i = path[0]
    args = list(term.args)
    args[i] = replace_at(args[i], path[1:], new)
    return App(term.fn, tuple(args))


def positions(term: Term, prefix: tuple[int, ...] = ()) -> Iterable[tuple[tuple[int, ...], Term]]:
    """Every (path, subterm), outermost first, left to right."""
    yield prefix, term
    if isinstance(term, App):
        for i, arg in enumerate(term.args):
            yield from positions(arg, prefix + (i,))


def vars_in_order(term: Term, out: list[Var] | None = None) -> list[Var]:
    out = [] if out is None else out
    if isinstance(term, Var):
        if term not in out:
            out.append(term)
    else:
        for a in term.args:
            vars_in_order(a, out)
    return out


def formula_vars_in_order(formula: Formula, out: list[Var] | None = None) -> list[Var]:
    out = [] if out is None else out
    match formula:
        case Eq(lhs, rhs):
            vars_in_order(lhs, out)
            vars_in_order(rhs, out)
        case Rel(_, args):
            for a in args:
                vars_in_order(a, out)
        case Not(body):
            formula_vars_in_order(body, out)
        case Binary(_, left, right):
            formula_vars_in_order(left, out)
            formula_vars_in_order(right, out)
        case Quant(_, var, body):
            inner = formula_vars_in_order(body, [])
            for v in inner:
                if v != var and v not in out:
                    out.append(v)
    return out


def symbols(term: Term, out: set[str] | None = None) -> set[str]:
    out = set() if out is None else out
    if isinstance(term, App):
        out.add(term.fn)
        for a in term.args:
            symbols(a, out)
    return out


def formula_symbols(formula: Formula) -> set[str]:
    out: set[str] = set()
    match formula:
        case Eq(lhs, rhs):
            symbols(lhs, out)
            symbols(rhs, out)
        case Rel(name, args):
            out.add(name)
            for a in args:
                symbols(a, out)
        case Not(body):
            out |= formula_symbols(body)
        case Binary(_, left, right):
            out |= formula_symbols(left) | formula_symbols(right)
        case Quant(_, _, body):
            out |= formula_symbols(body)
    return out


def formula_size(formula: Formula) -> int:
    from axiomforge.logic.ir import term_size

    match formula:
        case Eq(lhs, rhs):
            return term_size(lhs) + term_size(rhs)
        case Rel(_, args):
            return 1 + sum(term_size(a) for a in args)
        case Truth():
            return 1
        case Not(body):
            return formula_size(body)
        case Binary(_, left, right):
            return 1 + formula_size(left) + formula_size(right)
        case Quant(_, _, body):
            return formula_size(body)
    raise TypeError(formula)


# ---------------------------------------------------------------- printing (engine-internal)


def show(term: Term, infix: Mapping[str, str] | None = None) -> str:
    """A compact readable form, used for keys and messages (the user-facing printer is pretty.py)."""
    if isinstance(term, Var):
        return term.name
    if not term.args:
        return (infix or {}).get(term.fn, term.fn)
    if infix and term.fn in infix and len(term.args) == 2:
        return f"({show(term.args[0], infix)} {infix[term.fn]} {show(term.args[1], infix)})"
    return f"{term.fn}({', '.join(show(a, infix) for a in term.args)})"


def show_formula(formula: Formula, infix: Mapping[str, str] | None = None) -> str:
    match formula:
        case Eq(lhs, rhs):
            return f"{show(lhs, infix)} = {show(rhs, infix)}"
        case Rel(name, args):
            return f"{name}({', '.join(show(a, infix) for a in args)})"
        case Truth(value):
            return "true" if value else "false"
        case Not(Eq(lhs, rhs)):
            return f"{show(lhs, infix)} != {show(rhs, infix)}"
        case Not(body):
            return f"~({show_formula(body, infix)})"
        case Binary(op, left, right):
            sym = {"and": "/\\", "or": "\\/", "implies": "->", "iff": "<->"}[op]
            return f"({show_formula(left, infix)} {sym} {show_formula(right, infix)})"
        case Quant(kind, var, body):
            return f"{kind} {var.name}. {show_formula(body, infix)}"
    raise TypeError(formula)


# ---------------------------------------------------------------- reduction order


class Precedence:
    """A total order on function symbols for the lexicographic path order.

    Constructors of the declared inductive sorts are smallest; every other symbol sits above the
    symbols its defining axioms use on their right-hand sides (so `mul` > `add` > `s`), which is
    what lets the defining equations orient left to right. Ties break by arity, then name.
    Eigenvariables rank below every symbol, ordered by name.
    """

    def __init__(self, theory: Theory) -> None:
        constructors = {c for ind in theory.induction for c in ind.constructors}
        uses: dict[str, set[str]] = {f.name: set() for f in theory.functions}
        for ax in theory.axioms:
            body = ax.formula
            while isinstance(body, Quant):
                body = body.body
            if isinstance(body, Eq) and isinstance(body.lhs, App) and body.lhs.fn in uses:
                head = body.lhs.fn
                if head not in constructors:
                    uses[head] |= symbols(body.rhs) - {head}
        level: dict[str, int] = {}

        def level_of(f: str, seen: frozenset[str] = frozenset()) -> int:
            if f in level:
                return level[f]
            if f in constructors or f not in uses:
                return 0
            deps = [level_of(g, seen | {f}) for g in sorted(uses[f]) if g not in seen and g != f]
            value = 1 + max(deps, default=0)
            level[f] = value
            return value

        arity = {f.name: len(f.arg_sorts) for f in theory.functions}
        ordered = sorted(uses, key=lambda f: (level_of(f), arity.get(f, 0), f))
        self.rank: dict[str, int] = {f: i + 1 for i, f in enumerate(ordered)}

    def key(self, fn: str) -> int:
        return self.rank.get(fn, 0)


def lpo_greater(s: Term, t: Term, prec: Precedence, ground: bool) -> bool:
    """s >_lpo t. With `ground`, variables are eigenvariables: constants below all symbols."""
    if isinstance(s, Var):
        if ground and isinstance(t, Var):
            return s.name > t.name or (s.name == t.name and s.sort > t.sort)
        return False
    if isinstance(t, Var):
        if ground:
            return True
        return t in _var_set(s)
    # s = f(ss), t = g(ts)
    for si in s.args:
        if si == t or lpo_greater(si, t, prec, ground):
            return True
    f, g = prec.key(s.fn), prec.key(t.fn)
    if f > g or (f == g and s.fn > t.fn):
        return all(lpo_greater(s, ti, prec, ground) for ti in t.args)
    if s.fn == t.fn:
        for si, ti in zip(s.args, t.args):
            if si == ti:
                continue
            if lpo_greater(si, ti, prec, ground):
                return all(lpo_greater(s, tj, prec, ground) for tj in t.args)
            return False
        return len(s.args) > len(t.args)
    return False


def _var_set(term: Term) -> set[Var]:
    if isinstance(term, Var):
        return {term}
    out: set[Var] = set()
    for a in term.args:
        out |= _var_set(a)
    return out


def term_key(term: Term) -> str:
    """A canonical string for sorting (deterministic tie-breaks everywhere)."""
    if isinstance(term, Var):
        return f"?{term.name}"
    if not term.args:
        return term.fn
    return f"{term.fn}({','.join(term_key(a) for a in term.args)})"


def formula_key(formula: Formula) -> str:
    match formula:
        case Eq(lhs, rhs):
            return f"{term_key(lhs)}={term_key(rhs)}"
        case Rel(name, args):
            return f"{name}[{','.join(term_key(a) for a in args)}]"
        case Truth(value):
            return "T" if value else "F"
        case Not(body):
            return f"~{formula_key(body)}"
        case Binary(op, left, right):
            return f"{op}({formula_key(left)};{formula_key(right)})"
        case Quant(kind, var, body):
            return f"{kind}[{var.name}:{var.sort}]{formula_key(body)}"
    raise TypeError(formula)


# ---------------------------------------------------------------- naming


_POOLS = (
    ("a", "b", "c", "d"),
    ("x", "y", "z", "w"),
    ("e", "f", "g", "h"),
    ("p", "q", "r", "u"),
    ("i", "j", "k", "m"),
)


def variable_pools(theory: Theory) -> dict[str, tuple[str, ...]]:
    """Readable variable names per sort: a b c … for the first inductive sort, x y z … for the
    next (lists), e f g … for an uninterpreted element sort. Names are unique across sorts."""
    inductive = [ind.sort for ind in theory.induction]
    ordered = [s for s in theory.sorts if s in inductive and s in ("N", "Nat", "nat")]
    ordered += [s for s in theory.sorts if s in inductive and s not in ordered]
    ordered += [s for s in theory.sorts if s not in ordered]
    pools: dict[str, tuple[str, ...]] = {}
    for i, sort in enumerate(ordered):
        if i < len(_POOLS):
            pools[sort] = _POOLS[i]
        else:
            pools[sort] = tuple(f"{sort.lower()}{k}" for k in range(1, 5))
    return pools


def fresh_name(sort: str, avoid: set[str], pools: Mapping[str, tuple[str, ...]]) -> str:
    base = pools.get(sort, (sort.lower(),))
    for name in base:
        if name not in avoid:
            return name
    k = 1
    while True:
        for name in base:
            cand = f"{name}{k}"
            if cand not in avoid:
                return cand
        k += 1


def canonical_renaming(variables: list[Var], pools: Mapping[str, tuple[str, ...]]) -> dict[Var, Var]:
    """Rename variables, in order of first occurrence, to the pool names of their sorts."""
    used: set[str] = set()
    out: dict[Var, Var] = {}
    for v in variables:
        name = fresh_name(v.sort, used, pools)
        used.add(name)
        out[v] = Var(name, v.sort)
    return out


def close_formula(body: Formula, variables: list[Var]) -> Formula:
    for v in reversed(variables):
        body = Quant("forall", v, body)
    return body


def strip_foralls(formula: Formula) -> tuple[list[Var], Formula]:
    out: list[Var] = []
    while isinstance(formula, Quant) and formula.kind == "forall":
        out.append(formula.var)
        formula = formula.body
    return out, formula
