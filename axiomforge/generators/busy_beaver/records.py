"""JSONL records (docs/challenge-format.md) built from a claim and its certificate, with the
reference proofs, the evidence and the difficulty that follows from it.

Everything in a record except the claim itself (template, machine, the numbers in the statement,
whether it holds) and the certificate is derived here, so `api.recheck` can rebuild a record from
those and compare it field by field.

Reference proofs are mechanical: a statement about a bounded number of steps is closed by
evaluation, `decide` (kernel reduction) when the largest step count is at most
`DECIDE_MAX_STEPS`, `native_decide` (trusts the compiler; lean_features ["native"]) above that.
An existential is closed by its witness, a disproved `never_halts` by the halting time.
`never_halts` itself has no mechanical proof here (reference_proof null).

Difficulty (the rule, from `evidence`): a record whose reference proof evaluates T machine steps
is easy when T <= EASY_MAX_STEPS, medium when T <= DECIDE_MAX_STEPS (still `decide`), hard above
(only `native_decide` reaches it). A record without a reference proof (a true `never_halts`: the
prover must find an invariant) is medium when a cycler settles it with start + period <=
CYCLER_MEDIUM_MAX (the proof replays one period), hard otherwise (longer cycles, translated
cyclers, backward reasoning, CPS, FAR, bouncers and any later decider).
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from axiomforge.generators.busy_beaver import claims as C
from axiomforge.generators.busy_beaver.canonical import canonical_text
from axiomforge.generators.busy_beaver.certificates import Certificate
from axiomforge.generators.busy_beaver.render import lean_file, lean_statement, markdown_text

DECIDE_MAX_STEPS = 100
EASY_MAX_STEPS = 20
CYCLER_MEDIUM_MAX = 100
FORMAT_VERSION = 2
DIFFICULTIES = ("easy", "medium", "hard")


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def claim_params(claim: C.Claim) -> dict[str, Any]:
    """The template's parameters; `claim_from_params` inverts this."""
    m = claim.machine
    p: dict[str, Any] = {"machine": m.text(), "states": m.n_states, "symbols": m.n_symbols}
    f = claim.formula
    if claim.template == "halts_exact":
        assert isinstance(f, C.And) and isinstance(f.left, C.Halted) and isinstance(f.left.time, C.Lit)
        p["steps"] = f.left.time.value
    elif claim.template == "halts_within":
        assert isinstance(f, C.ExistsLe)
        p["bound"] = f.bound
    elif claim.template == "not_halts_within":
        assert isinstance(f, C.Not) and isinstance(f.body, C.Halted) and isinstance(f.body.time, C.Lit)
        p["bound"] = f.body.time.value
    elif claim.template == "halts_with_ones":
        assert isinstance(f, C.And) and isinstance(f.right, C.OnesAt) and isinstance(f.right.time, C.Lit)
        p["bound"] = f.right.time.value
        p["ones"] = f.right.ones
    return p


def formula_from_params(template: str, params: dict[str, Any]) -> C.Formula:
    if template == "halts_exact":
        return C.halts_exact(int(params["steps"]))
    if template == "halts_within":
        return C.halts_within(int(params["bound"]))
    if template == "not_halts_within":
        return C.not_halts_within(int(params["bound"]))
    if template == "halts_with_ones":
        return C.halts_with_ones(int(params["bound"]), int(params["ones"]))
    if template == "never_halts":
        return C.never_halts()
    raise ValueError(f"unknown template {template!r}")


def _tactic_for_bounded(f: C.Formula) -> tuple[str, list[str]]:
    if C.max_time(f) <= DECIDE_MAX_STEPS:
        return "decide", ["decide"]
    return "native_decide", ["native"]


def _quantifier_free(f: C.Formula) -> bool:
    if isinstance(f, C.Halted | C.OnesAt):
        return isinstance(f.time, C.Lit)
    if isinstance(f, C.Not):
        return _quantifier_free(f.body)
    if isinstance(f, C.And):
        return _quantifier_free(f.left) and _quantifier_free(f.right)
    return False


def reference_proof(claim: C.Claim, certificate: Certificate) -> tuple[str | None, list[str]]:
    """(tactic text replacing `sorry`, lean_features), or (None, []) when there is none."""
    thm = claim.theorem
    if _quantifier_free(thm):
        return _tactic_for_bounded(thm)
    if certificate.get("method") != "halts":
        return None, []
    h = int(certificate["steps"])
    tactic, features = _tactic_for_bounded(C.Halted(C.Lit(h)))
    if isinstance(thm, C.ExistsLe) and isinstance(thm.body, C.Halted):
        return f"exact ⟨{h}, by decide, by {tactic}⟩", sorted({"decide", *features})
    if isinstance(thm, C.Not) and isinstance(thm.body, C.Forall):
        return f"intro h\n  exact h {h} (by {tactic})", features
    return None, []


def proof_steps(claim: C.Claim, certificate: Certificate) -> tuple[str, int]:
    """(kind, T): the reference proof's closing tactic (`decide`, `native_decide`, or `none`) and
    the most machine steps it makes the checker evaluate."""
    proof, _ = reference_proof(claim, certificate)
    if proof is None:
        return "none", 0
    thm = claim.theorem
    steps = C.max_time(thm) if _quantifier_free(thm) else int(certificate["steps"])
    return ("native_decide" if "native_decide" in proof else "decide"), steps


def certificate_size(certificate: Certificate) -> int:
    """How big the certificate is: the halting time for `halts`, start + period for cyclers (the
    steps a proof replays), start plus the formula's length for bouncers, and the length of the
    canonical JSON for every other method (the invariant a proof has to state)."""
    method = certificate.get("method")
    if method == "halts":
        return int(certificate["steps"])
    if method in ("cycler", "translated_cycler"):
        return int(certificate["start"]) + int(certificate["period"])
    if method == "bouncer":
        return int(certificate["start"]) + len(str(certificate["left"])) + len(str(certificate["right"]))
    return len(canonical_json(certificate))


def evidence(claim: C.Claim, certificate: Certificate) -> dict[str, Any]:
    """What the difficulty rests on: the decider that settled the machine, its certificate's size,
    and the reference proof's kind and the steps it evaluates."""
    kind, steps = proof_steps(claim, certificate)
    return {"decider": str(certificate["method"]), "certificate_size": certificate_size(certificate),
            "proof": kind, "proof_steps": steps}


def difficulty_from_evidence(ev: dict[str, Any]) -> str:
    """The documented rule (module docstring, docs/challenge-format.md)."""
    if ev["proof"] == "none":
        return "medium" if ev["decider"] == "cycler" and ev["certificate_size"] <= CYCLER_MEDIUM_MAX else "hard"
    steps = ev["proof_steps"]
    if steps <= EASY_MAX_STEPS:
        return "easy"
    return "medium" if steps <= DECIDE_MAX_STEPS else "hard"


def canonical_key(claim: C.Claim, certificate: Certificate) -> str:
    halts = certificate.get("method") == "halts"
    return canonical_text(claim.machine, int(certificate["steps"]) if halts else None)


def build_record(claim: C.Claim, certificate: Certificate) -> dict[str, Any]:
    """The record of `claim`, settled by `certificate`: every other field is derived here."""
    params = claim_params(claim)
    params["canonical"] = canonical_key(claim, certificate)
    digest = hashlib.sha256(
        canonical_json({"template": claim.template, "params": params, "holds": claim.holds}).encode()
    ).hexdigest()
    challenge_id = f"bb-{claim.template}-{digest[:8]}"
    theorem_name = challenge_id.replace("-", "_")
    proof, features = reference_proof(claim, certificate)
    ev = evidence(claim, certificate)
    record: dict[str, Any] = {
        "id": challenge_id,
        "domain": "bb",
        "template": claim.template,
        "params": params,
        "difficulty": difficulty_from_evidence(ev),
        "task": "prove" if claim.holds else "disprove",
        "claim_holds": claim.holds,
        "certified": True,
        "certificate": copy.deepcopy(certificate),
        "theorem_name": theorem_name,
        "lean": lean_file(claim, theorem_name, challenge_id),
        "lean_statement": lean_statement(claim, theorem_name),
        "markdown": markdown_text(claim, challenge_id),
        "reference_proof": proof,
        "lean_features": features,
        "evidence": ev,
    }
    record["content_hash"] = content_hash(record)
    return record


def content_hash(record: dict[str, Any]) -> str:
    """sha256 of every other field: a check against corruption in transit, not a signature
    (anyone can recompute it after an edit; `api.recheck` re-derives the fields instead)."""
    body = {k: v for k, v in record.items() if k != "content_hash"}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()
