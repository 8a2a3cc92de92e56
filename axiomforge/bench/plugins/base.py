"""What a prover plugin is: one method that makes attempt number i at one challenge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from axiomforge.bench.challenges import Challenge
from axiomforge.errors import UserError


class ProverConfigError(UserError):
    """A prover specification or option that cannot work (unknown plugin, missing model...)."""


@dataclass(frozen=True)
class Attempt:
    """One proof attempt, before checking.

    `candidate` is the whole Lean file to check (None: the prover produced no proof); `error` is
    set when the prover itself failed (endpoint down after all retries, timeout).
    """

    task_id: str
    sample_index: int
    candidate: str | None
    raw_output: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prover_seconds: float = 0.0
    error: str | None = None


class Prover(Protocol):
    """A prover plugin.

    `attempt` must be safe to call from several threads at once (the runner calls it up to
    `concurrency` times in parallel) and must return, not raise, for prover-side failures.
    `identity` is what makes two runs the same run (it is compared on resume).
    """

    spec: str
    concurrency: int

    def identity(self) -> dict[str, Any]: ...

    def attempt(self, challenge: Challenge, sample_index: int) -> Attempt: ...
