"""Certification: the verdict on an identity, the method that settled it, and the evidence.

Order of methods, cheapest complete one first:

0. `syntactic` (non-linear sides equal up to the order and grouping of `+ * & | ^` operands);
1. `signature` (linear MBA): complete at any width, symbolic included; over more than 16 variables
   (a 2^t vector) the conjunction-basis form of `layered` decides it instead (`layered-normal-form`);
2. `polynomial-normal-form` (polynomial MBA whose conjunction-basis polynomial is zero): sound;
3. `layered-normal-form` (non-polynomial: the layered normal form of `layered.py`, where bitwise
   operators over disguised bitwise functions are evaluated and other operands become shared
   opaque variables, is zero for `lhs - rhs`): sound; then the older single-layer variants
   `abstraction+signature` / `abstraction+polynomial-normal-form`;
4. `counterexample` search (structured and seeded random points): a found counterexample is a
   complete disproof, re-evaluated at the claimed width;
5. `exhaustive` evaluation when 2^(width * variables) is small: complete at that width;
6. `z3`, then `bitwuzla`, with a timeout (only when `smt_timeout_s > 0`, and not for identities
   that multiply two variable-dependent terms at more than 8 bits, where they were measured not
   to pay: `smt-skipped` in `tried`).

Whatever none of them settles is `uncertified`, never true; when a size limit stopped a normal form
(see `layered.Limits`, checked before anything oversized is built), the verdict says which
(`Verdict.limit`), and the CLI reports "unknown: limit reached". Every `false` verdict carries a
counterexample that `evaluate` confirms before the verdict is returned.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Literal

from .canonical import canonical_text
from .evaluate import evaluate, exhaustive_counterexample
from .expr import Binary, Expr, Identity, Unary, Width, variables_of
from .layered import LimitReached, difference_is_zero
from .normal_form import (
    MBAClass,
    abstract_opaque,
    all_variables,
    identity_class,
    reduce_vector,
    signature,
)
from .printing import to_c

Status = Literal["true", "false", "uncertified"]


@dataclass(frozen=True)
class Verdict:
    status: Status
    method: str
    mba_class: MBAClass
    width: Width
    certificate: dict[str, Any] = field(default_factory=dict)
    counterexample: dict[str, int] | None = None
    counterexample_width: int | None = None
    tried: tuple[str, ...] = ()
    limit: str | None = None  # for an uncertified verdict: the size limit that stopped a complete method


def difference(identity: Identity) -> Binary:
    return Binary("-", identity.lhs, identity.rhs)


def confirms_counterexample(identity: Identity, values: dict[str, int], width: int) -> bool:
    """True when the sides differ at `width` for `values` (missing variables are 0)."""
    env = {name: values.get(name, 0) for name in all_variables(identity)}
    return evaluate(identity.lhs, env, width) != evaluate(identity.rhs, env, width)


def _false(
    identity: Identity, method: str, cls: MBAClass, width: Width, values: dict[str, int], at: int,
    tried: tuple[str, ...], extra: dict[str, Any] | None = None,
) -> Verdict:
    if not confirms_counterexample(identity, values, at):
        raise AssertionError(f"counterexample {values} does not refute {to_c(identity.lhs)} == {to_c(identity.rhs)}")
    env = {name: values.get(name, 0) for name in all_variables(identity)}
    certificate: dict[str, Any] = {
        "method": method,
        "counterexample": dict(sorted(env.items())),
        "counterexample_width": at,
        "lhs_value": evaluate(identity.lhs, env, at),
        "rhs_value": evaluate(identity.rhs, env, at),
    }
    certificate.update(extra or {})
    return Verdict("false", method, cls, width, certificate, env, at, tried)


SIGNATURE_MAX_VARIABLES = 16  # a signature vector has 2^t entries


def _wide_linear_verdict(identity: Identity, width: Width, cls: MBAClass) -> Verdict | None:
    """A linear identity over many variables, by its conjunction-basis form (each bitwise subterm's
    truth table over its own few variables). The form is unique, so it decides the claim: zero
    proves it; otherwise the smallest conjunction S with a non-zero coefficient c_S gives the
    counterexample x_j = all ones for j in S, 0 elsewhere (the per-bit value there is c_S)."""
    try:
        form = difference_is_zero(identity.lhs, identity.rhs, width)
    except LimitReached:
        return None
    tried = ("layered-normal-form",)
    if form.is_zero:
        return Verdict("true", "layered-normal-form", cls, width,
                       {"method": "layered-normal-form", "variables": list(form.names)}, tried=tried)
    constant = form.polynomial.get((), 0)
    masks = [m[0] for m in form.polynomial if m]
    chosen = 0 if constant or not masks else min(masks, key=lambda m: (bin(m).count("1"), m))
    at = width if width is not None else 64
    values = {name: ((1 << at) - 1) if (chosen >> j) & 1 else 0 for j, name in enumerate(form.names)}
    if width is None:  # the smallest width where the per-bit value is non-zero
        value = -constant if chosen == 0 else form.polynomial[(chosen,)]
        at = _two_adic_valuation(value) + 1
        values = {name: ((1 << at) - 1) if (chosen >> j) & 1 else 0 for j, name in enumerate(form.names)}
    if not confirms_counterexample(identity, values, at):
        return None
    return _false(identity, "layered-normal-form", cls, width, values, at, tried)


def _signature_verdict(identity: Identity, width: Width, cls: MBAClass, method: str,
                       tried: tuple[str, ...], original: Identity, extra: dict[str, Any]) -> Verdict | None:
    """Signature of the (possibly abstracted) linear identity; returns a false verdict only for the original."""
    variables = all_variables(identity)
    if len(variables) > SIGNATURE_MAX_VARIABLES:
        return None
    sig = signature(difference(identity), variables)
    reduced = reduce_vector(sig, width)
    if not any(reduced):
        cert = {"method": method, "variables": list(variables), "signature": list(reduced)}
        cert.update(extra)
        return Verdict("true", method, cls, width, cert, tried=tried)
    if identity is not original:
        return None  # an abstracted identity may fail while the original holds
    v = next(i for i, s in enumerate(reduced) if s)
    at = width if width is not None else _two_adic_valuation(sig[v]) + 1
    values = {name: ((1 << at) - 1) if (v >> j) & 1 else 0 for j, name in enumerate(variables)}
    return _false(identity, method, cls, width, values, at, tried,
                  {"variables": list(variables), "signature": list(reduced) if width is not None else list(sig)})


def _two_adic_valuation(n: int) -> int:
    n = abs(n)
    return (n & -n).bit_length() - 1


def _layered_zero(identity: Identity, width: Width) -> tuple[bool, dict[str, Any], str | None]:
    """(zero?, certificate details, limit reached) for the layered normal form of `lhs - rhs`."""
    try:
        form = difference_is_zero(identity.lhs, identity.rhs, width)
    except LimitReached as limit:
        return False, {}, str(limit)
    details: dict[str, Any] = {"variables": list(form.names)}
    if form.opaque:
        details["opaque_terms"] = len(form.opaque)
    return form.is_zero, details, None


SMT_MULTIPLIER_MAX_WIDTH = 8


def multiplies_variables(e: Expr) -> bool:
    """True when `e` multiplies two operands that both depend on variables (a multiplier circuit).

    On the MBA-Solver lines, z3 and bitwuzla (2 s each) proved none of 36 such polynomial and
    non-polynomial identities at 16, 32 or 64 bits (benchmarks/mba_certify/dataset.py), so the SMT
    fallback is skipped for them above 8 bits instead of costing its full timeout per solver."""
    stack: list[Expr] = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, Binary):
            if node.op == "*" and variables_of(node.left) and variables_of(node.right):
                return True
            stack.extend((node.left, node.right))
        elif isinstance(node, Unary):
            stack.append(node.arg)
    return False


def search_counterexample(identity: Identity, width: Width, seed: int = 0, random_points: int = 48
                          ) -> tuple[dict[str, int], int] | None:
    """Structured points (0, 1, 2, all-ones per variable) then seeded random words; deterministic."""
    variables = all_variables(identity)
    widths = [width] if width is not None else [1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64]
    rng = random.Random(seed)
    for at in widths:
        mask = (1 << at) - 1
        special = (0, 1, mask, 2 & mask)
        points: list[tuple[int, ...]] = []
        if len(variables) <= 4:
            points.extend(product(special, repeat=len(variables)))
        else:
            points.extend(tuple(rng.choice(special) for _ in variables) for _ in range(128))
        points.extend(tuple(rng.getrandbits(at) for _ in variables) for _ in range(random_points))
        for point in points:
            env = dict(zip(variables, point))
            if evaluate(identity.lhs, env, at) != evaluate(identity.rhs, env, at):
                return env, at
    return None


def certify(
    identity: Identity,
    width: Width,
    *,
    smt_timeout_s: float = 0.0,
    solvers: tuple[str, ...] = ("z3", "bitwuzla"),
    exhaustive_max_bits: int = 20,
    seed: int = 0,
) -> Verdict:
    """The verdict on `lhs == rhs` for all inputs at `width` (None: at every width)."""
    cls = identity_class(identity)
    tried: list[str] = []
    if cls != "linear" and canonical_text(identity.lhs) == canonical_text(identity.rhs):
        # The same expression up to the order and grouping of + * & | ^ operands: true at every width.
        return Verdict("true", "syntactic", cls, width, {"method": "syntactic"}, tried=("syntactic",))
    limit: str | None = None
    if cls == "linear" and len(all_variables(identity)) <= SIGNATURE_MAX_VARIABLES:
        verdict = _signature_verdict(identity, width, cls, "signature", ("signature",), identity, {})
        assert verdict is not None
        return verdict
    if cls == "linear":  # too many variables for a 2^t signature vector: the local conjunction basis
        tried.append("layered-normal-form")
        wide = _wide_linear_verdict(identity, width, cls)
        if wide is not None:
            return wide
        limit = f"a linear identity over more than {SIGNATURE_MAX_VARIABLES} variables"
    if cls == "polynomial":
        tried.append("polynomial-normal-form")
        zero, details, limit = _layered_zero(identity, width)
        if zero:
            return Verdict("true", "polynomial-normal-form", cls, width,
                           {"method": "polynomial-normal-form", **details}, tried=tuple(tried))
    else:
        tried.append("layered-normal-form")
        zero, details, limit = _layered_zero(identity, width)
        if zero:
            return Verdict("true", "layered-normal-form", cls, width,
                           {"method": "layered-normal-form", **details}, tried=tuple(tried))
        for everywhere, coefficients_too in ((False, False), (True, True), (True, False)):
            abstraction = abstract_opaque(identity, everywhere, coefficients_too)
            if not abstraction.replaced:
                continue
            replaced = {name: to_c(term) for name, term in abstraction.replaced}
            extra = {"abstraction": replaced, "abstracted_lhs": to_c(abstraction.identity.lhs),
                     "abstracted_rhs": to_c(abstraction.identity.rhs)}
            inner_class = identity_class(abstraction.identity)
            if inner_class == "linear":
                tried.append("abstraction+signature")
                found = _signature_verdict(abstraction.identity, width, cls, "abstraction+signature",
                                           tuple(tried), identity, extra)
                if found is not None:
                    return found
            elif inner_class == "polynomial" and limit is None:
                tried.append("abstraction+polynomial-normal-form")
                if _layered_zero(abstraction.identity, width)[0]:
                    cert = {"method": "abstraction+polynomial-normal-form",
                            "variables": list(all_variables(abstraction.identity)), **extra}
                    return Verdict("true", "abstraction+polynomial-normal-form", cls, width, cert,
                                   tried=tuple(tried))
    tried.append("counterexample-search")
    found_cex = search_counterexample(identity, width, seed)
    if found_cex is not None:
        values, at = found_cex
        return _false(identity, "counterexample-search", cls, width, values, at, tuple(tried))
    variables = all_variables(identity)
    if width is not None and width * len(variables) <= exhaustive_max_bits:
        tried.append("exhaustive")
        cex = exhaustive_counterexample(identity, variables, width)
        if cex is None:
            return Verdict("true", "exhaustive", cls, width,
                           {"method": "exhaustive", "variables": list(variables),
                            "points": 1 << (width * len(variables))}, tried=tuple(tried))
        return _false(identity, "exhaustive", cls, width, cex, width, tuple(tried))
    if width is not None and smt_timeout_s > 0 and width > SMT_MULTIPLIER_MAX_WIDTH \
            and (multiplies_variables(identity.lhs) or multiplies_variables(identity.rhs)):
        tried.append("smt-skipped")  # multiplier circuits above 8 bits: measured not to pay (docs/mba.md)
    elif width is not None and smt_timeout_s > 0:
        from .smt import prove_with

        for solver in solvers:
            tried.append(solver)
            outcome = prove_with(solver, identity, width, smt_timeout_s)
            if outcome.status == "proved":
                return Verdict("true", solver, cls, width,
                               {"method": solver, "timeout_s": smt_timeout_s}, tried=tuple(tried))
            if outcome.status == "refuted":
                return _false(identity, solver, cls, width, dict(outcome.counterexample), width, tuple(tried))
    certificate: dict[str, Any] = {"method": "none", "tried": list(tried)}
    if limit is not None:
        certificate["limit"] = limit
    return Verdict("uncertified", "none", cls, width, certificate, tried=tuple(tried), limit=limit)
