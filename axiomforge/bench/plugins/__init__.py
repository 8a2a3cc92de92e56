"""Prover plugins (`symbolic`, `openai:MODEL`, `leandojo:MODEL`, `jsonl:FILE`) and what this machine offers.

`make_prover` turns a `--prover` spec and options into a plugin; `available_backends` lists the
provers and checkers for `axiomforge doctor`.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

from axiomforge.bench.plugins.base import Attempt, Prover, ProverConfigError

__all__ = ["Attempt", "Backend", "Prover", "ProverConfigError", "ProverOptions", "available_backends", "make_prover"]


@dataclass(frozen=True)
class ProverOptions:
    """Every plugin option the CLI exposes; each plugin reads the ones it understands."""

    base_url: str | None = None
    prompt_style: str = "deepseek"
    temperature: float = 1.0
    max_tokens: int = 4096
    concurrency: int = 4
    request_timeout_s: float = 300.0
    max_response_bytes: int = 4 * 1024 * 1024
    retries: int = 5
    backoff_s: float = 1.0
    seed: int | None = None
    symbolic_source: str = "certificate"
    attempt_delay_s: float = 0.0
    leandojo_repo: str | None = None
    leandojo_commit: str | None = None
    leandojo_file: str | None = None
    search_budget: int = 64


def make_prover(spec: str, options: ProverOptions | None = None) -> Prover:
    """The plugin named by `spec`: `symbolic`, `openai:MODEL`, `leandojo:MODEL` or `jsonl:FILE`."""
    options = options or ProverOptions()
    plugin, _, model = spec.partition(":")
    if plugin == "symbolic":
        if model:
            raise ProverConfigError("the symbolic prover takes no model (use --prover symbolic)")
        from axiomforge.bench.plugins.symbolic import SymbolicProver

        return SymbolicProver(options.symbolic_source, options.attempt_delay_s)
    if plugin in ("openai", "leandojo"):
        from axiomforge.bench.plugins.openai import EndpointOptions, OpenAIProver, resolve_base_url

        endpoint = EndpointOptions(
            base_url=resolve_base_url(options.base_url),
            api_key=os.environ.get("OPENAI_API_KEY") or None,
            request_timeout_s=options.request_timeout_s,
            max_response_bytes=options.max_response_bytes,
            retries=options.retries,
            backoff_s=options.backoff_s,
        )
        llm = OpenAIProver(
            model,
            endpoint,
            options.prompt_style,
            options.temperature,
            options.max_tokens,
            options.concurrency,
            options.seed,
        )
        if plugin == "openai":
            return llm
        from axiomforge.bench.plugins.leandojo import LeanDojoProver

        return LeanDojoProver(llm, options.leandojo_repo, options.leandojo_commit, options.leandojo_file, options.search_budget)
    if plugin == "jsonl":
        from axiomforge.bench.plugins.jsonl import JsonlProver

        return JsonlProver(model)
    raise ProverConfigError(f"unknown prover {spec!r} (use symbolic, openai:MODEL, leandojo:MODEL or jsonl:FILE)")


@dataclass(frozen=True)
class Backend:
    """One row for `axiomforge doctor`."""

    name: str
    available: bool
    version: str
    used_for: str
    fix: str


def _version(dist: str) -> str:
    try:
        import importlib.metadata

        return importlib.metadata.version(dist)
    except Exception:
        return ""


def available_backends() -> list[Backend]:
    """Which provers and checkers the benchmark can use here (cheap: no network, one `lean --version`)."""
    from axiomforge.lean.toolchain import find_lean_toolchain

    toolchain = find_lean_toolchain()
    generators = importlib.util.find_spec("axiomforge.generators") is not None
    try:
        from axiomforge.generators import proof_from_certificate, recheck  # noqa: F401

        gen_api = True
    except Exception:
        gen_api = False
    base_url = os.environ.get("OPENAI_BASE_URL")
    has_key = bool(os.environ.get("OPENAI_API_KEY"))
    dojo = importlib.util.find_spec("lean_dojo") is not None
    rows = [
        Backend(
            "bench prover: symbolic",
            gen_api,
            "",
            "baseline proofs from generator certificates",
            "" if gen_api else ("generators API incomplete" if generators else "axiomforge.generators missing"),
        ),
        Backend(
            "bench prover: openai",
            True,
            f"endpoint {base_url or 'api.openai.com'}{', key set' if has_key else ', no OPENAI_API_KEY'}",
            "LLM provers (vLLM, Ollama, llama.cpp, hosted)",
            "" if (base_url or has_key) else "set OPENAI_BASE_URL (local server) or OPENAI_API_KEY",
        ),
        Backend(
            "bench prover: leandojo",
            dojo and toolchain is not None,
            _version("lean-dojo"),
            "tactic-level best-first search",
            "" if dojo and toolchain else "pip install -e '.[leandojo]' and a Lean toolchain (elan)",
        ),
        Backend(
            "bench checker: lean",
            toolchain is not None,
            toolchain.version if toolchain else "",
            "checking proofs (without it runs record proofs as unchecked)",
            "" if toolchain else "install elan + Lean 4, or set AXIOMFORGE_LEAN",
        ),
    ]
    return rows
