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
from .records import content_hash
from .render import Claim, lean_file, lean_statement, markdown, reference_proof


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


def recheck(record: dict[str, Any]) -> tuple[bool, str]:
    """(True, why) when the record's ground truth re-verifies from its certificate; (False, reason) otherwise."""
    try:
        return _recheck(record)
    except (KeyError, TypeError, ValueError, UserError) as err:
        return False, f"malformed record: {type(err).__name__}: {err}"


def _recheck(record: dict[str, Any]) -> tuple[bool, str]:
    if record.get("domain") != "mba":
        return False, "not an MBA record"
    if record.get("content_hash") != content_hash(record):
        return False, "content hash does not match"
    identity, width = _identity(record), _width(record)
    holds = bool(record["claim_holds"])
    if record["task"] != ("prove" if holds else "disprove"):
        return False, "task does not match claim_holds"
    claim = Claim(identity, width, holds)
    name, cls = record["theorem_name"], record["params"]["class"]
    if identity_class(identity) != cls:
        return False, f"identity is {identity_class(identity)}, record says {cls}"
    if record["lean_statement"] != lean_statement(claim, name):
        return False, "Lean statement is not the rendering of the identity"
    if record["lean"] != lean_file(claim, name, record["id"], cls):
        return False, "Lean file is not the rendering of the identity"
    if record["markdown"] != markdown(claim, record["id"], cls):
        return False, "Markdown is not the rendering of the identity"
    if not record["certified"]:
        return False, "uncertified: no complete method settled this claim"
    certificate = record["certificate"]
    if holds:
        ok, why = _check_true(identity, certificate, width)
        if ok and width is not None and not _random_agreement(identity, width):
            return False, "sides disagree on a random input"
        return ok, why
    return _check_false(identity, certificate, width)


def proof_from_certificate(record: dict[str, Any]) -> str | None:
    """The symbolic baseline: `bv_decide` for true claims where bit-blasting is reasonable, and the
    counterexample instance closed by `decide` for false ones; None otherwise."""
    if not record.get("certified"):
        return None
    try:
        identity, width = _identity(record), _width(record)
    except (KeyError, ValueError, UserError):
        return None
    certificate = record.get("certificate", {})
    claim = Claim(identity, width, bool(record["claim_holds"]))
    proof, _ = reference_proof(claim, certificate.get("counterexample"), certificate.get("counterexample_width"))
    return proof
