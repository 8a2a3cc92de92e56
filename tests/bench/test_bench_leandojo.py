"""The LeanDojo plugin: its best-first search on a toy proof environment, and the real adapter
(skipped without lean_dojo and a Lean toolchain)."""

from __future__ import annotations

import importlib.util

import pytest

from axiomforge.bench.plugins import ProverConfigError, ProverOptions, make_prover
from axiomforge.bench.plugins.leandojo import Step, best_first_search


def toy(target: int):
    """States are integers; `add k` moves toward `target`; reaching it proves the goal."""

    def suggest(n: int) -> list[str]:
        return ["add 5", "add 3", "add 1", "bogus"]

    def apply(n: int, tactic: str) -> Step[int]:
        if not tactic.startswith("add "):
            return Step("error")
        m = n + int(tactic.split()[1])
        if m == target:
            return Step("proved")
        return Step("state", m, m) if m < target else Step("error")

    return suggest, apply


def test_search_finds_a_proof_preferring_top_ranked_tactics():
    suggest, apply = toy(11)
    result = best_first_search(0, 0, suggest, apply, budget=50)
    assert result.reason == "proved"
    assert sum(int(t.split()[1]) for t in result.tactics) == 11
    assert result.tactics[0] == "add 5"


def test_search_is_bounded():
    suggest, apply = toy(10**6)
    result = best_first_search(0, 0, suggest, apply, budget=7)
    assert result.tactics is None and result.expansions == 7 and result.reason == "expansion budget spent"


def test_dead_ends_exhaust_the_frontier():
    result = best_first_search(0, 0, lambda s: ["bogus"], lambda s, t: Step("error"), budget=10)
    assert (result.tactics, result.reason) == (None, "frontier exhausted")


def test_leandojo_needs_a_repository():
    with pytest.raises(ProverConfigError, match="leandojo-repo"):
        make_prover("leandojo:m", ProverOptions(base_url="http://127.0.0.1:1/v1"))


@pytest.mark.lean
@pytest.mark.skipif(importlib.util.find_spec("lean_dojo") is None, reason="lean_dojo is not installed (pip install -e '.[leandojo]')")
def test_real_leandojo_adapter_reports_failures_as_attempt_errors():
    from axiomforge.bench.plugins.leandojo import LeanDojoProver

    class NoLLM:
        model = "none"

        def identity(self):
            return {}

        def suggest_tactics(self, *args):
            return []

    from pathlib import Path

    from axiomforge.bench.challenges import load_challenges

    challenge = load_challenges(Path(__file__).resolve().parent / "data")[0]
    prover = LeanDojoProver(NoLLM(), "https://127.0.0.1/not-a-repo", "0" * 40, None, 4)
    attempt = prover.attempt(challenge, 0)
    assert attempt.candidate is None and attempt.error is not None
