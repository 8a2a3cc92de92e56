"""`jsonl:FILE`: replay proofs produced elsewhere, scored by the same policy and checker.

Users keep model outputs from their own sampling jobs; this plugin turns each line of FILE,

    {"task_id": "bb-halts_exact-7498f895", "sample_index": 0, "proof": "<answer text>"}

into the attempt (task_id, sample_index). The proof text is read like an LLM answer: the last
fenced ```lean block if there is one, else the text itself, as a whole file, a theorem, or tactics
(`axiomforge.lean.assemble`). Pairs the file does not mention are recorded as "no proof".

The file is read whole and checked before the run starts: a line that is not a JSON object with
exactly these fields, or a repeated (task_id, sample_index), is a located error (file:line:col,
exit 2; bytes and JSON syntax go through the shared input layer of `axiomforge.errors`), so a bad file never produces a half-scored run. The run's identity includes the file's
sha256: resuming with a different file is refused.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axiomforge.bench.challenges import Challenge
from axiomforge.bench.plugins.base import Attempt, ProverConfigError
from axiomforge.errors import SourceLocation, UserError, caret_excerpt, parse_user_json, read_user_text
from axiomforge.lean.assemble import candidate_from_answer, extract_last_lean_block

FIELDS = ("task_id", "sample_index", "proof")
MAX_SAMPLE_INDEX = 1_000_000


class ProofFileError(UserError):
    """A line of a `jsonl:` proof file that is not a proof record."""


@dataclass(frozen=True)
class ProofRecord:
    task_id: str
    sample_index: int
    proof: str
    line: int


def _column_of(line_text: str, key: str) -> int:
    at = line_text.find(json.dumps(key))
    return at + 1 if at >= 0 else 1


def parse_proof_file(path: Path) -> list[ProofRecord]:
    """Every record of `path`, in file order; a located `UserError` at the first bad line."""
    text = read_user_text(path)
    records: list[ProofRecord] = []
    seen: dict[tuple[str, int], int] = {}
    for number, line_text in enumerate(text.splitlines(), start=1):
        if not line_text.strip():
            continue

        def fail(message: str, column: int = 1, line: int = number) -> ProofFileError:
            return ProofFileError(message, SourceLocation(str(path), line, column), caret_excerpt(text, line, column))

        obj: Any = parse_user_json(line_text, str(path), first_line=number)
        if not isinstance(obj, dict):
            raise fail(f"expected a JSON object with {', '.join(FIELDS)}, got {type(obj).__name__}")
        missing = [k for k in FIELDS if k not in obj]
        if missing:
            raise fail(f"missing field {missing[0]!r} (a proof record has {', '.join(FIELDS)})")
        extra = sorted(set(obj) - set(FIELDS))
        if extra:
            raise fail(f"unknown field {extra[0]!r} (a proof record has {', '.join(FIELDS)})", _column_of(line_text, extra[0]))
        task_id, index, proof = obj["task_id"], obj["sample_index"], obj["proof"]
        if not isinstance(task_id, str) or not task_id:
            raise fail("task_id must be a non-empty string", _column_of(line_text, "task_id"))
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= MAX_SAMPLE_INDEX:
            raise fail(f"sample_index must be an integer in 0..{MAX_SAMPLE_INDEX}", _column_of(line_text, "sample_index"))
        if not isinstance(proof, str):
            raise fail("proof must be a string", _column_of(line_text, "proof"))
        key = (task_id, index)
        if key in seen:
            raise fail(f"({task_id}, {index}) appears twice (first on line {seen[key]})")
        seen[key] = number
        records.append(ProofRecord(task_id, index, proof, number))
    return records


class JsonlProver:
    """Proofs from a file; deterministic, no network."""

    concurrency = 4

    def __init__(self, file: str):
        if not file:
            raise ProverConfigError("the jsonl prover needs a file: --prover jsonl:FILE")
        self.path = Path(file)
        records = parse_proof_file(self.path)
        self.proofs = {(r.task_id, r.sample_index): r.proof for r in records}
        self.sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()
        self.spec = f"jsonl:{file}"

    def samples_needed(self) -> int:
        """The `--samples` that covers every record (the largest sample_index + 1)."""
        return max((index for _, index in self.proofs), default=-1) + 1

    def identity(self) -> dict[str, Any]:
        return {"plugin": "jsonl", "file": self.path.name, "sha256": self.sha256}

    def attempt(self, challenge: Challenge, sample_index: int) -> Attempt:
        started = time.perf_counter()
        proof = self.proofs.get((challenge.id, sample_index))
        if proof is None or not proof.strip():
            return Attempt(challenge.id, sample_index, None, proof or "", prover_seconds=time.perf_counter() - started)
        block = extract_last_lean_block(proof)
        answer = block if block is not None else proof
        try:
            candidate: str | None = candidate_from_answer(challenge.lean, challenge.theorem_name, answer)
        except ValueError:
            candidate = None
        return Attempt(challenge.id, sample_index, candidate, proof, prover_seconds=time.perf_counter() - started)
