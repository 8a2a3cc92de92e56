"""SMT back ends (z3, bitwuzla): bit-vector validity of `lhs == rhs` at a fixed width, with a timeout.

Each call is one pure work unit: the identity and width in, an `SmtOutcome` out. Solvers are
imported inside the functions so importing this module stays cheap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from .expr import Const, Expr, Identity, Unary, Var, sort_variables, variables_of

SmtStatus = Literal["proved", "refuted", "timeout", "unavailable"]
SOLVERS = ("z3", "bitwuzla")


@dataclass(frozen=True)
class SmtOutcome:
    solver: str
    status: SmtStatus
    seconds: float
    counterexample: tuple[tuple[str, int], ...] = ()


def _variables(identity: Identity) -> tuple[str, ...]:
    return sort_variables(set(variables_of(identity.lhs)) | set(variables_of(identity.rhs)))


def prove_z3(identity: Identity, width: int, timeout_s: float) -> SmtOutcome:
    try:
        import z3
    except ImportError:
        return SmtOutcome("z3", "unavailable", 0.0)
    names = _variables(identity)
    symbols = {n: z3.BitVec(n, width) for n in names}

    def go(e: Expr) -> Any:
        if isinstance(e, Var):
            return symbols[e.name]
        if isinstance(e, Const):
            return z3.BitVecVal(e.value % (1 << width), width)
        if isinstance(e, Unary):
            return -go(e.arg) if e.op == "-" else ~go(e.arg)
        a, b = go(e.left), go(e.right)
        return {"+": a + b, "-": a - b, "*": a * b, "&": a & b, "|": a | b, "^": a ^ b}[e.op]

    solver = z3.Solver()
    solver.set("timeout", max(1, int(timeout_s * 1000)))
    solver.add(go(identity.lhs) != go(identity.rhs))
    start = time.perf_counter()
    result = solver.check()
    seconds = time.perf_counter() - start
    if result == z3.unsat:
        return SmtOutcome("z3", "proved", seconds)
    if result == z3.sat:
        model = solver.model()
        values = tuple((n, model.eval(symbols[n], model_completion=True).as_long()) for n in names)
        return SmtOutcome("z3", "refuted", seconds, values)
    return SmtOutcome("z3", "timeout", seconds)


def prove_bitwuzla(identity: Identity, width: int, timeout_s: float) -> SmtOutcome:
    try:
        import bitwuzla as bw
    except ImportError:
        return SmtOutcome("bitwuzla", "unavailable", 0.0)
    tm = bw.TermManager()
    options = bw.Options()
    options.set(bw.Option.TIME_LIMIT_PER, max(1, int(timeout_s * 1000)))
    options.set(bw.Option.PRODUCE_MODELS, True)
    solver = bw.Bitwuzla(tm, options)
    sort = tm.mk_bv_sort(width)
    names = _variables(identity)
    symbols = {n: tm.mk_const(sort, n) for n in names}
    kinds = {
        "+": bw.Kind.BV_ADD, "-": bw.Kind.BV_SUB, "*": bw.Kind.BV_MUL,
        "&": bw.Kind.BV_AND, "|": bw.Kind.BV_OR, "^": bw.Kind.BV_XOR,
    }

    def go(e: Expr) -> Any:
        if isinstance(e, Var):
            return symbols[e.name]
        if isinstance(e, Const):
            return tm.mk_bv_value(sort, e.value % (1 << width))
        if isinstance(e, Unary):
            return tm.mk_term(bw.Kind.BV_NEG if e.op == "-" else bw.Kind.BV_NOT, [go(e.arg)])
        return tm.mk_term(kinds[e.op], [go(e.left), go(e.right)])

    solver.assert_formula(tm.mk_term(bw.Kind.DISTINCT, [go(identity.lhs), go(identity.rhs)]))
    start = time.perf_counter()
    result = solver.check_sat()
    seconds = time.perf_counter() - start
    if result == bw.Result.UNSAT:
        return SmtOutcome("bitwuzla", "proved", seconds)
    if result == bw.Result.SAT:
        values = tuple((n, int(solver.get_value(symbols[n]).value(10))) for n in names)
        return SmtOutcome("bitwuzla", "refuted", seconds, values)
    return SmtOutcome("bitwuzla", "timeout", seconds)


def prove_with(solver: str, identity: Identity, width: int, timeout_s: float) -> SmtOutcome:
    if solver == "z3":
        return prove_z3(identity, width, timeout_s)
    if solver == "bitwuzla":
        return prove_bitwuzla(identity, width, timeout_s)
    raise ValueError(f"unknown solver {solver!r}")


__all__ = ["SOLVERS", "SmtOutcome", "prove_bitwuzla", "prove_with", "prove_z3"]
