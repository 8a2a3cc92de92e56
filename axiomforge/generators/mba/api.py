"""The generator API the prover benchmark uses (docs/challenge-format.md).

`recheck` re-verifies a record with checkers independent of the certifier where one exists:
signatures by plain evaluation at x_j in {0, -1} (not the normal-form code that certified them),
counterexamples by evaluation at the stated width, exhaustive claims by re-running the sweep,
abstractions by substituting the named subterms back. It also re-renders the Lean and Markdown
texts from the AST in `params` and checks that the record states exactly that claim.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from axiomforge.errors import UserError
from axiomforge.generators.schema import (
    AnyOf,
    ListOf,
    MapOf,
    Obj,
    OneOf,
    Optional,
    check,
    first_difference,
    is_sha256_hex,
)

from .canonical import canonical_text
from .evaluate import evaluate, evaluate_array, exhaustive_counterexample
from .expr import Binary, Identity, Width, substitute
from .layered import difference_is_zero
from .normal_form import (
    NotInClass,
    all_variables,
    identity_class,
    polynomial_form,
    reduce_vector,
    signature_by_evaluation,
)
from .parse import parse_expression
from .proof_cost import SAT_CONFLICT_BUDGET, SatCost, bv_decide_cost
from .records import build_record, needs_sat_cost, record_proof
from .render import Claim
from .synthesis import canonical_key


def _width(record: dict[str, Any]) -> Width:
    raw = record["params"]["width"]
    return None if raw == "symbolic" else int(raw)


def _identity(record: dict[str, Any]) -> Identity:
    params = record["params"]
    return Identity(parse_expression(params["lhs"]), parse_expression(params["rhs"]))


def _random_agreement(identity: Identity, width: int, points: int = 256) -> bool:
    """A cheap extra guard for proved claims: the sides agree on seeded random inputs."""
    rng = np.random.default_rng(0)
    names = all_variables(identity)
    env = {n: rng.integers(0, 2**63, size=points, dtype=np.uint64) * np.uint64(2) + rng.integers(
        0, 2, size=points, dtype=np.uint64) for n in names}
    if not env:
        env = {"_": np.zeros(points, dtype=np.uint64)}
    mask = np.uint64((1 << width) - 1)
    with np.errstate(over="ignore"):
        differ = (evaluate_array(identity.lhs, env) ^ evaluate_array(identity.rhs, env)) & mask
    return not differ.any()


def _check_signature(identity: Identity, certificate: dict[str, Any], width: Width) -> tuple[bool, str]:
    names = tuple(certificate.get("variables", ()))
    if set(names) != set(all_variables(identity)):
        return False, "certificate variables do not match the identity"
    if identity_class(identity) != "linear":
        return False, "signature certificate for a non-linear identity"
    vector = reduce_vector(signature_by_evaluation(Binary("-", identity.lhs, identity.rhs), names), width)
    if any(vector):
        return False, f"signature is not zero: {list(vector)[:8]}"
    if list(vector) != list(certificate.get("signature", [])):
        return False, "stored signature differs from the recomputed one"
    return True, "signature vector is zero"


def _check_true(identity: Identity, certificate: dict[str, Any], width: Width) -> tuple[bool, str]:
    method = certificate.get("method")
    if method == "signature":
        return _check_signature(identity, certificate, width)
    if method == "polynomial-normal-form":
        try:
            form = polynomial_form(Binary("-", identity.lhs, identity.rhs), all_variables(identity), width)
        except NotInClass as err:
            return False, f"not a polynomial MBA: {err}"
        if form:
            return False, f"normal form has {len(form)} non-zero terms"
        return True, "conjunction-basis polynomial is zero"
    if method == "syntactic":
        same = canonical_text(identity.lhs) == canonical_text(identity.rhs)
        return same, "the sides are the same expression" if same else "the sides differ syntactically"
    if method == "layered-normal-form":
        try:
            layered = difference_is_zero(identity.lhs, identity.rhs, width)
        except NotInClass as err:
            return False, f"layered normal form not computed: {err}"
        if not layered.is_zero:
            return False, f"layered normal form has {len(layered.polynomial)} non-zero terms"
        return True, "layered normal form of lhs - rhs is zero"
    if method in ("abstraction+signature", "abstraction+polynomial-normal-form"):
        mapping = {name: parse_expression(text) for name, text in certificate.get("abstraction", {}).items()}
        abstracted = Identity(parse_expression(certificate["abstracted_lhs"]),
                              parse_expression(certificate["abstracted_rhs"]))
        if (substitute(abstracted.lhs, mapping), substitute(abstracted.rhs, mapping)) != (identity.lhs, identity.rhs):
            return False, "the abstraction does not give back the identity"
        inner = {"signature": "signature", "abstraction+signature": "signature"}.get(method, "polynomial-normal-form")
        return _check_true(abstracted, {**certificate, "method": inner}, width)
    if method == "exhaustive":
        if width is None or width * len(all_variables(identity)) > 24:
            return False, "exhaustive certificate at an infeasible width"
        if certificate.get("points") != 1 << (width * len(all_variables(identity))):
            return False, "certificate.points is not the number of inputs swept"
        cex = exhaustive_counterexample(identity, all_variables(identity), width)
        return (cex is None, "exhaustive sweep agrees" if cex is None else f"exhaustive sweep found {cex}")
    if method in ("z3", "bitwuzla"):
        from .smt import prove_with

        if width is None:
            return False, "SMT certificate for a symbolic width"
        outcome = prove_with(method, identity, width, 4 * float(certificate.get("timeout_s", 5.0)))
        return outcome.status == "proved", f"{method}: {outcome.status}"
    return False, f"unknown method {method!r}"


def _check_false(identity: Identity, certificate: dict[str, Any], width: Width) -> tuple[bool, str]:
    values = certificate.get("counterexample")
    at = certificate.get("counterexample_width")
    if not isinstance(values, dict) or not isinstance(at, int):
        return False, "false claim without a counterexample"
    if width is not None and at != width:
        return False, f"counterexample at width {at}, claim at width {width}"
    if not 1 <= at <= 4096:
        return False, "counterexample width out of range"
    env = {n: int(values.get(n, 0)) for n in all_variables(identity)}
    lhs, rhs = evaluate(identity.lhs, env, at), evaluate(identity.rhs, env, at)
    if lhs == rhs:
        return False, "the counterexample does not separate the sides"
    if (certificate.get("lhs_value"), certificate.get("rhs_value")) != (lhs, rhs):
        return False, "stored side values differ from evaluation"
    return True, f"counterexample evaluates to {lhs} != {rhs} at width {at}"


_WIDTH = AnyOf((int, OneOf(("symbolic",))))
_PERTURBATION = Optional(Obj({"kind": OneOf(("added-constant", "changed-constant"))},
                             {"delta": int, "from": int, "to": int}))
_PARAMS = Obj({"class": OneOf(("linear", "polynomial", "nonpolynomial")), "variables": ListOf(str), "width": _WIDTH,
               "lhs": str, "rhs": str, "terms": int, "depth": int, "perturbation": _PERTURBATION},
              {"slots": MapOf(str)})
_CERTIFICATE = Obj({"method": str, "width": _WIDTH},
                   {"variables": ListOf(str), "signature": ListOf(int), "abstraction": MapOf(str),
                    "abstracted_lhs": str, "abstracted_rhs": str, "counterexample": MapOf(int),
                    "counterexample_width": int, "lhs_value": int, "rhs_value": int, "points": int,
                    "timeout_s": AnyOf((float, int)), "tried": ListOf(str), "opaque_terms": int, "limit": str})
_EVIDENCE = Obj({"procedure": OneOf(("sat", "counterexample", "none")),
                 "result": OneOf(("proved", "out_of_budget", "refuted", "most_corners", "few_corners",
                                  "not_applicable")),
                 "conflicts": int, "budget": int, "solver": str, "corners": int, "refuting_corners": int,
                 "proof": OneOf(("bv_decide", "decide", "none")), "term_size": int})
RECORD_SCHEMA = Obj({
    "id": str, "domain": OneOf(("mba",)),
    "template": OneOf(("linear_identity", "polynomial_identity", "nonpolynomial_identity")),
    "params": _PARAMS, "difficulty": OneOf(("easy", "medium", "hard")), "task": OneOf(("prove", "disprove")),
    "claim_holds": bool, "certified": bool, "certificate": _CERTIFICATE, "theorem_name": str, "lean": str,
    "lean_statement": str, "markdown": str, "reference_proof": Optional(str), "lean_features": ListOf(str),
    "evidence": _EVIDENCE, "content_hash": str,
})
"""The exact shape of an MBA record (docs/challenge-format.md, docs/mba.md). Certificate keys are
the union over the certifier's methods (each checked by its method's re-checker): a certifier
that adds a key must add it here, or its records fail `recheck` as having an unknown field."""


def recheck(record: dict[str, Any]) -> tuple[bool, str]:
    """(True, why) when the record's ground truth re-verifies from its certificate and every
    derivable field equals its derivation; (False, reason naming the field) otherwise."""
    try:
        return _recheck(record)
    except UserError as err:
        where = f"{err.location}: " if err.location else ""
        return False, f"malformed record: {where}{err.message}"
    except (KeyError, TypeError, ValueError, IndexError, RecursionError, OverflowError) as err:
        return False, f"malformed record: {type(err).__name__}: {err}"


def _shape_problem(record: dict[str, Any]) -> str | None:
    problem = check(record, RECORD_SCHEMA)
    if problem:
        return problem
    width = record["params"]["width"]
    if isinstance(width, int) and not 1 <= width <= 64:
        return f"params.width: {width} is out of range (1 to 64, or \"symbolic\")"
    for key, low, high in (("terms", 1, 12), ("depth", 0, 8)):  # the generator's knob ranges
        if not low <= record["params"][key] <= high:
            return f"params.{key}: {record['params'][key]} is out of range ({low} to {high})"
    if not is_sha256_hex(record["content_hash"]):
        return "content_hash: expected 64 lowercase hex digits"
    return None


def _sat_cost(identity: Identity, width: Width, claim: Claim, certified: bool) -> SatCost | None:
    """The stand-in's cost, re-measured (it is deterministic for a z3 version). Recorded figures
    are never taken on trust: a record made with another z3 version fails on `evidence.solver`
    (its figures cannot be reproduced here), so a set re-checks with the z3 that made it."""
    if width is None or not needs_sat_cost(claim, certified):
        return None
    return bv_decide_cost(identity, width, SAT_CONFLICT_BUDGET)


def _recheck(record: dict[str, Any]) -> tuple[bool, str]:
    if not isinstance(record, dict) or record.get("domain") != "mba":
        return False, "domain: not an MBA record"
    problem = _shape_problem(record)
    if problem:
        return False, f"malformed record: {problem}"
    identity, width = _identity(record), _width(record)
    holds = record["claim_holds"]
    certificate = record["certificate"]
    if record["certified"]:
        ok, why = _check_true(identity, certificate, width) if holds else _check_false(identity, certificate, width)
        if ok and holds and width is not None and not _random_agreement(identity, width):
            ok, why = False, "sides disagree on a random input"
        if not ok:
            return False, f"claim_holds: the certificate does not establish the recorded truth ({why})"
    if "variables" in certificate:  # informational for some methods: still must be the claim's own
        subject = identity
        if "abstracted_lhs" in certificate and "abstracted_rhs" in certificate:
            subject = Identity(parse_expression(certificate["abstracted_lhs"]),
                               parse_expression(certificate["abstracted_rhs"]))
        if certificate["variables"] != list(all_variables(subject)):
            return False, "certificate.variables: not the variables of the identity it certifies"
    claim = Claim(identity, width, holds)
    params = {**record["params"], "class": identity_class(identity), "variables": list(all_variables(identity))}
    status = "false" if not holds else ("true" if record["certified"] else "uncertified")
    rebuilt = build_record(identity, width, status, certificate, params, canonical_key(identity, width, holds),
                           _sat_cost(identity, width, claim, record["certified"]))
    for key in [k for k in rebuilt if k != "content_hash"] + ["content_hash"]:
        where = first_difference(rebuilt[key], record[key], key)
        if where:
            return False, f"{where}: does not match its derivation from the claim and certificate"
    if not record["certified"]:
        return False, "uncertified: no complete method settled this claim"
    return True, why


def proof_from_certificate(record: dict[str, Any]) -> str | None:
    """The symbolic baseline: `bv_decide` for true claims whose SAT stand-in finished within budget
    (the record's evidence), and the counterexample instance closed by `decide` for false ones;
    None otherwise."""
    if not record.get("certified"):
        return None
    try:
        identity, width = _identity(record), _width(record)
        claim = Claim(identity, width, bool(record["claim_holds"]))
        evidence = record.get("evidence") or {}
        proof, _ = record_proof(claim, record.get("certificate", {}), True, {"proof": evidence.get("proof", "none")})
    except (KeyError, ValueError, TypeError, AttributeError, UserError):
        return None
    return proof
