"""Verdict + identity -> one JSONL challenge record (docs/challenge-format.md, version 1)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .certify import Verdict
from .expr import Identity, Width
from .render import Claim, lean_file, lean_statement, markdown, reference_proof


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(record: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of every field except `content_hash`."""
    body = {k: v for k, v in record.items() if k != "content_hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def template_of(mba_class: str) -> str:
    return f"{mba_class}_identity"


def names_for(template: str, key: str) -> tuple[str, str]:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"mba-{template}-{digest}", f"mba_{template}_{digest}"


def build_record(identity: Identity, width: Width, verdict: Verdict, params: dict[str, Any],
                 difficulty: str, key: str) -> dict[str, Any]:
    template = template_of(params["class"])
    challenge_id, theorem_name = names_for(template, key)
    holds = verdict.status != "false"
    certified = verdict.status in ("true", "false")
    claim = Claim(identity, width, holds)
    certificate = dict(verdict.certificate)
    certificate["width"] = "symbolic" if width is None else width
    proof, features = (reference_proof(claim, verdict.counterexample, verdict.counterexample_width)
                       if certified else (None, []))
    record: dict[str, Any] = {
        "id": challenge_id,
        "domain": "mba",
        "template": template,
        "params": params,
        "difficulty": difficulty,
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
    }
    record["content_hash"] = content_hash(record)
    return record
