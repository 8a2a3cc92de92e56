"""Verdict + identity -> one JSONL challenge record (docs/challenge-format.md).

Everything except the claim (identity, width, truth), the certificate and the generation
metadata in `params` (terms, depth, perturbation, slots) is derived here, so `api.recheck` can
rebuild a record and compare it field by field.
"""

from __future__ import annotations

import hashlib
import json
from itertools import product
from typing import Any

import numpy as np

from .certify import Verdict
from .evaluate import evaluate_array
from .expr import Identity, Width, size
from .normal_form import all_variables
from .proof_cost import SatCost
from .render import Claim, lean_file, lean_statement, markdown, reference_proof


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(record: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of every field except `content_hash`: a corruption check,
    not a signature (anyone can recompute it after an edit; `api.recheck` re-derives fields)."""
    body = {k: v for k, v in record.items() if k != "content_hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def template_of(mba_class: str) -> str:
    return f"{mba_class}_identity"


def names_for(template: str, key: str) -> tuple[str, str]:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"mba-{template}-{digest}", f"mba_{template}_{digest}"


def term_size(identity: Identity) -> int:
    return size(identity.lhs) + size(identity.rhs)


def corner_refutations(identity: Identity, width: int) -> tuple[int, int]:
    """(refuting, total) over the corner inputs: every variable 0, 1, 2 or all ones at `width`
    (4^v points). A near miss refuted at most corners is found by any prover that tries a few
    values; one refuted at few or none has to be searched for."""
    names = all_variables(identity)
    corners = (0, 1, 2 & ((1 << width) - 1), (1 << width) - 1)
    grid = list(product(corners, repeat=len(names)))
    env = {n: np.array([p[i] for p in grid], dtype=np.uint64) for i, n in enumerate(names)}
    if not env:
        env = {"_": np.zeros(1, dtype=np.uint64)}
    mask = np.uint64((1 << width) - 1) if width < 64 else np.uint64(0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        differ = ((evaluate_array(identity.lhs, env) ^ evaluate_array(identity.rhs, env)) & mask) != 0
    return int(differ.sum()), len(grid)


def evidence(claim: Claim, certificate: dict[str, Any], certified: bool, cost: SatCost | None) -> dict[str, Any]:
    """What the difficulty rests on: the decision procedure behind the reference proof and its
    cost. True claims that `bv_decide` could take: the SAT stand-in's verdict and conflicts
    (`proof_cost.py`). False claims: how many corner inputs (`corner_refutations`) refute it, at
    the claim's width (the counterexample's width for a symbolic claim): `most_corners` when at
    least half do, else `few_corners`. Symbolic widths, wide products and uncertified claims:
    `not_applicable`."""
    size_ = term_size(claim.identity)
    base = {"procedure": "none", "result": "not_applicable", "conflicts": 0, "budget": 0, "solver": "",
            "corners": 0, "refuting_corners": 0, "proof": "none", "term_size": size_}
    if not certified:
        return base
    if not claim.holds:
        at = claim.width if claim.width is not None else int(certificate["counterexample_width"])
        refuting, total = corner_refutations(claim.identity, at)
        return {**base, "procedure": "counterexample", "corners": total, "refuting_corners": refuting,
                "result": "most_corners" if 2 * refuting >= total else "few_corners", "proof": "decide"}
    candidate, _ = reference_proof(claim, None, None)
    if candidate != "bv_decide" or cost is None:
        return base
    return {**base, "procedure": "sat", "result": cost.result, "conflicts": cost.conflicts, "budget": cost.budget,
            "solver": cost.solver, "proof": "bv_decide" if cost.result == "proved" else "none"}


def needs_sat_cost(claim: Claim, certified: bool) -> bool:
    """Whether `evidence` needs the SAT stand-in's cost: a certified true claim `bv_decide` could take."""
    return certified and claim.holds and reference_proof(claim, None, None)[0] == "bv_decide"


def difficulty_from_evidence(ev: dict[str, Any]) -> str:
    """The rule (docs/challenge-format.md): a reference proof within budget makes a record easy
    (SAT closes it within a tenth of the budget, or at least half the corner inputs refute it) or
    medium (the rest of the budget, or fewer corners refute it); no reference proof
    within budget (SAT out of budget, symbolic width, wide products, uncertified) makes it hard."""
    if ev["procedure"] == "counterexample":
        return "easy" if ev["result"] == "most_corners" else "medium"
    if ev["procedure"] == "sat" and ev["result"] == "proved":
        return "easy" if ev["conflicts"] <= ev["budget"] // 10 else "medium"
    return "hard"


def record_proof(claim: Claim, certificate: dict[str, Any], certified: bool, ev: dict[str, Any]
                 ) -> tuple[str | None, list[str]]:
    """The reference proof and its lean_features: none for an uncertified claim, `bv_decide` only
    when the stand-in proved it within budget."""
    if not certified:
        return None, []
    proof, features = reference_proof(claim, certificate.get("counterexample"), certificate.get("counterexample_width"))
    if proof == "bv_decide" and ev["proof"] != "bv_decide":
        return None, []
    return proof, features


def build_record(identity: Identity, width: Width, status: str, certificate: dict[str, Any], params: dict[str, Any],
                 key: str, cost: SatCost | None) -> dict[str, Any]:
    """The record of a certified (or uncertified) claim; `status` is the verdict ("true", "false",
    "uncertified"), `cost` the SAT stand-in's measurement when `needs_sat_cost`."""
    template = template_of(params["class"])
    challenge_id, theorem_name = names_for(template, key)
    holds = status != "false"
    certified = status in ("true", "false")
    claim = Claim(identity, width, holds)
    certificate = dict(certificate)
    certificate["width"] = "symbolic" if width is None else width
    ev = evidence(claim, certificate, certified, cost)
    proof, features = record_proof(claim, certificate, certified, ev)
    record: dict[str, Any] = {
        "id": challenge_id,
        "domain": "mba",
        "template": template,
        "params": params,
        "difficulty": difficulty_from_evidence(ev),
        "task": "prove" if holds else "disprove",
        "claim_holds": holds,
        "certified": certified,
        "certificate": certificate,
        "theorem_name": theorem_name,
        "lean": lean_file(claim, theorem_name, challenge_id, params["class"]),
        "lean_statement": lean_statement(claim, theorem_name),
        "markdown": markdown(claim, challenge_id, params["class"]),
        "reference_proof": proof,
        "lean_features": features,
        "evidence": ev,
    }
    record["content_hash"] = content_hash(record)
    return record


def build_record_from_verdict(identity: Identity, width: Width, verdict: Verdict, params: dict[str, Any],
                              key: str, cost: SatCost | None) -> dict[str, Any]:
    return build_record(identity, width, verdict.status, verdict.certificate, params, key, cost)
