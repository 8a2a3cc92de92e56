"""`leandojo:MODEL`: tactic-by-tactic best-first search in LeanDojo, driven by an LLM's suggestions.

LeanDojo (`pip install -e '.[leandojo]'`) runs a theorem inside a traced Lean repository and
lets us apply one tactic at a time (`Dojo.run_tac`). The challenge files must live in that
repository (`--leandojo-repo URL --leandojo-commit SHA`, path template `--leandojo-file`, default
`{id}.lean`). At each step the OpenAI-compatible model proposes tactics for the current goal; the
search keeps a frontier of proof states ordered by the summed rank scores of the tactics that led
there, expands the best one, and stops at the first finished proof or after `budget` expansions.

The search itself (`best_first_search`) is independent of LeanDojo, so it is tested with a toy
environment; the LeanDojo adapter needs lean_dojo, git and a Lean toolchain.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from axiomforge.bench.challenges import Challenge
from axiomforge.bench.plugins.base import Attempt, ProverConfigError
from axiomforge.lean.assemble import insert_tactics

S = TypeVar("S")


@dataclass(frozen=True)
class Step(Generic[S]):
    """What a tactic did: finished the proof, produced a new state, or failed."""

    kind: str  # "proved" | "state" | "error"
    state: S | None = None
    key: Hashable | None = None  # identifies equal states (the pretty-printed goals)


@dataclass(frozen=True)
class SearchResult:
    tactics: tuple[str, ...] | None
    expansions: int
    reason: str


def best_first_search(
    initial: S,
    initial_key: Hashable,
    suggest: Callable[[S], list[str]],
    apply: Callable[[S, str], Step[S]],
    budget: int,
    deadline_s: float | None = None,
) -> SearchResult:
    """Best-first search over proof states; a tactic ranked r among suggestions scores -log(r+1)."""
    counter = itertools.count()
    frontier: list[tuple[float, int, S, tuple[str, ...]]] = [(0.0, next(counter), initial, ())]
    seen = {initial_key}
    expansions = 0
    started = time.monotonic()
    while frontier and expansions < budget:
        if deadline_s is not None and time.monotonic() - started > deadline_s:
            return SearchResult(None, expansions, "search time ran out")
        cost, _, state, path = heapq.heappop(frontier)
        expansions += 1
        for rank, tactic in enumerate(suggest(state)):
            step = apply(state, tactic)
            if step.kind == "proved":
                return SearchResult((*path, tactic), expansions, "proved")
            if step.kind == "state" and step.state is not None and step.key not in seen:
                seen.add(step.key)
                heapq.heappush(frontier, (cost + math.log(rank + 2), next(counter), step.state, (*path, tactic)))
    return SearchResult(None, expansions, "frontier exhausted" if not frontier else "expansion budget spent")


class LeanDojoProver:
    concurrency = 1

    def __init__(self, llm: Any, repo: str | None, commit: str | None, file_template: str | None, budget: int = 64):
        if not repo or not commit:
            raise ProverConfigError("the leandojo prover needs --leandojo-repo URL and --leandojo-commit SHA")
        self.llm = llm
        self.repo = repo
        self.commit = commit
        self.file_template = file_template or "{id}.lean"
        self.budget = budget
        self.spec = f"leandojo:{llm.model}"

    def identity(self) -> dict[str, Any]:
        return {
            "plugin": "leandojo",
            "llm": self.llm.identity(),
            "repo": self.repo,
            "commit": self.commit,
            "file": self.file_template,
            "budget": self.budget,
        }

    def attempt(self, challenge: Challenge, sample_index: int) -> Attempt:
        started = time.perf_counter()
        try:
            from lean_dojo import Dojo, LeanError, LeanGitRepo, ProofFinished, TacticState, Theorem
        except ImportError as err:
            return Attempt(challenge.id, sample_index, None, "", error=f"lean_dojo is not installed ({err})")
        try:
            theorem = Theorem(LeanGitRepo(self.repo, self.commit), self.file_template.format(id=challenge.id), challenge.theorem_name)
            with Dojo(theorem) as (dojo, initial):

                def suggest(state: Any) -> list[str]:
                    return self.llm.suggest_tactics(challenge.lean_statement, state.pp, 8)

                def apply(state: Any, tactic: str) -> Step[Any]:
                    outcome = dojo.run_tac(state, tactic)
                    if isinstance(outcome, ProofFinished):
                        return Step("proved")
                    if isinstance(outcome, TacticState):
                        return Step("state", outcome, outcome.pp)
                    if isinstance(outcome, LeanError):
                        return Step("error")
                    return Step("error")  # ProofGivenUp and anything newer

                result = best_first_search(initial, initial.pp, suggest, apply, self.budget)
        except Exception as err:  # LeanDojo tracing/git/network failures are this attempt's failure
            return Attempt(
                challenge.id, sample_index, None, "", prover_seconds=time.perf_counter() - started,
                error=f"leandojo: {type(err).__name__}: {err}",
            )
        elapsed = time.perf_counter() - started
        if result.tactics is None:
            return Attempt(challenge.id, sample_index, None, result.reason, prover_seconds=elapsed)
        tactics = "\n".join(result.tactics)
        return Attempt(challenge.id, sample_index, insert_tactics(challenge.lean, tactics), tactics, prover_seconds=elapsed)
