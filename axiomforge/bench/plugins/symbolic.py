"""The symbolic baseline prover: Lean proofs built from the generators' certificates.

Each challenge comes with a certificate (simulation trace, cycler period, signature vector...);
the generator that wrote it knows how to turn it into tactic text
(`axiomforge.generators.proof_from_certificate`). The baseline is deterministic, so every sample
of a task is the same proof; one sample is enough.

`source="reference"` replays the record's own `reference_proof` instead, which checks a set's
shipped proofs against the Lean policy without the generator code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from axiomforge.bench.challenges import Challenge
from axiomforge.bench.plugins.base import Attempt, ProverConfigError
from axiomforge.lean.assemble import insert_tactics

ProofSource = Callable[[Any], "str | None"]
SOURCES = ("certificate", "reference")


def _reference_proof(record: Mapping[str, Any]) -> str | None:
    proof = record.get("reference_proof")
    return proof if isinstance(proof, str) and proof.strip() else None


def _certificate_source() -> ProofSource:
    try:
        from axiomforge.generators import proof_from_certificate
    except ImportError as err:
        raise ProverConfigError(
            "the symbolic prover needs axiomforge.generators.proof_from_certificate, which is not"
            f" available ({err}); use --symbolic-source reference to replay the records' reference proofs"
        ) from None
    return proof_from_certificate


class SymbolicProver:
    """Certificates to tactic text, inserted in place of the challenge's `sorry`."""

    concurrency = 1

    def __init__(self, source: str = "certificate", attempt_delay_s: float = 0.0, proof_source: ProofSource | None = None):
        if source not in SOURCES:
            raise ProverConfigError(f"unknown symbolic source {source!r} (choose from {', '.join(SOURCES)})")
        self.source = source
        self.attempt_delay_s = max(0.0, attempt_delay_s)
        self.spec = "symbolic"
        if proof_source is not None:
            self._proof = proof_source
        else:
            self._proof = _reference_proof if source == "reference" else _certificate_source()

    def identity(self) -> dict[str, Any]:
        return {"plugin": "symbolic", "source": self.source}

    def attempt(self, challenge: Challenge, sample_index: int) -> Attempt:
        started = time.perf_counter()
        if self.attempt_delay_s:
            time.sleep(self.attempt_delay_s)  # simulates a slow prover (resume tests, demos)
        try:
            tactics = self._proof(challenge.record)
        except Exception as err:  # a generator bug must not stop the run; it is recorded
            return Attempt(
                challenge.id, sample_index, None, "", prover_seconds=time.perf_counter() - started,
                error=f"proof_from_certificate raised {type(err).__name__}: {err}",
            )
        elapsed = time.perf_counter() - started
        if tactics is None:
            return Attempt(challenge.id, sample_index, None, "", prover_seconds=elapsed)
        return Attempt(challenge.id, sample_index, insert_tactics(challenge.lean, tactics), tactics, prover_seconds=elapsed)
