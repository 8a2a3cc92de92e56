"""Provers behind any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp, hosted).

Plain `urllib` is enough for a non-streaming POST, so there is no SDK dependency. The key comes
from `OPENAI_API_KEY` (optional: local servers need none), the base URL from `--base-url` or
`OPENAI_BASE_URL`. Each sample is one request; retries with exponential backoff on 408/429/5xx,
connection errors and timeouts (honouring `Retry-After`), bounded by `retries`.

The endpoint is not trusted to behave: `request_timeout_s` is a deadline for the whole request
(connect, headers, body), enforced by a watchdog that shuts the socket down, so an endpoint that
drips a byte at a time cannot hold a run; a reply larger than `max_response_bytes` is refused
after reading at most that much (it is never stored).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axiomforge.bench.challenges import Challenge
from axiomforge.bench.plugins.base import Attempt, ProverConfigError
from axiomforge.lean.assemble import candidate_from_answer, extract_last_lean_block

DEFAULT_BASE_URL = "https://api.openai.com/v1"
PROMPT_STYLES = ("deepseek", "goedel", "kimina", "plain")
_RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class EndpointError(Exception):
    """The endpoint did not answer usefully, after retries where retrying made sense."""


@dataclass(frozen=True)
class ChatResult:
    text: str
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class EndpointOptions:
    base_url: str
    api_key: str | None
    request_timeout_s: float = 300.0
    retries: int = 5
    backoff_s: float = 1.0
    backoff_max_s: float = 60.0
    max_response_bytes: int = 4 * 1024 * 1024


class ResponseTooLarge(EndpointError):
    """The reply exceeded the size cap; retrying would fetch another one like it."""


_READ_CHUNK = 64 * 1024


def resolve_base_url(flag: str | None) -> str:
    url = (flag or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    scheme = urllib.parse.urlparse(url).scheme
    if scheme not in ("http", "https"):
        raise ProverConfigError(f"the endpoint base URL must be http(s), got {url!r}")
    return url


class ChatClient:
    """One chat-completions endpoint; `complete` is thread-safe (a connection per call)."""

    def __init__(self, options: EndpointOptions, sleep: Callable[[float], None] = time.sleep):
        self.options = options
        self._sleep = sleep
        self.url = options.base_url.rstrip("/") + "/chat/completions"

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        parts = urllib.parse.urlsplit(self.url)
        host = parts.hostname or ""
        if parts.scheme == "https":
            return http.client.HTTPSConnection(host, parts.port, timeout=timeout, context=ssl.create_default_context())
        return http.client.HTTPConnection(host, parts.port, timeout=timeout)

    def _post(self, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        """One POST under a total deadline and a size cap; TimeoutError when the deadline passes."""
        limit = self.options.request_timeout_s
        deadline = time.monotonic() + limit
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.options.api_key:
            headers["Authorization"] = f"Bearer {self.options.api_key}"
        parts = urllib.parse.urlsplit(self.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn = self._connection(limit)
        expired = threading.Event()

        def cut() -> None:  # the watchdog: a blocked read returns or raises once the socket is shut
            expired.set()
            if conn.sock is not None:
                with contextlib.suppress(OSError):
                    conn.sock.shutdown(socket.SHUT_RDWR)

        watchdog = threading.Timer(limit, cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
            if expired.is_set():  # the deadline passed while connecting, before there was a socket to shut
                raise TimeoutError
            response = conn.getresponse()
            status, reply_headers = response.status, dict(response.getheaders())
            declared = response.getheader("Content-Length")
            cap = self.options.max_response_bytes
            if declared is not None and declared.isdigit() and int(declared) > cap:
                raise ResponseTooLarge(f"the reply declares {int(declared):,} bytes, over the {cap:,}-byte cap")
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() >= deadline:
                    raise TimeoutError
                chunk = response.read1(_READ_CHUNK) if hasattr(response, "read1") else response.read(_READ_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise ResponseTooLarge(f"the reply is over the {cap:,}-byte cap")
                chunks.append(chunk)
            if expired.is_set() or time.monotonic() >= deadline:
                raise TimeoutError
            return status, reply_headers, b"".join(chunks)
        except (OSError, http.client.HTTPException):
            if expired.is_set() or time.monotonic() >= deadline:
                raise TimeoutError from None
            raise
        finally:
            watchdog.cancel()
            conn.close()

    def _delay(self, attempt: int, headers: dict[str, str]) -> float:
        retry_after = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        delay = self.options.backoff_s * (2**attempt)
        if retry_after is not None:
            with contextlib.suppress(ValueError):
                delay = max(delay, float(retry_after))
        return min(delay, self.options.backoff_max_s)

    def complete(self, body: dict[str, Any]) -> ChatResult:
        last_problem = "no request made"
        for attempt in range(self.options.retries + 1):
            headers: dict[str, str] = {}
            try:
                status, headers, payload = self._post(body)
            except TimeoutError:
                last_problem = f"no complete answer within the {self.options.request_timeout_s:g} s deadline"
            except ResponseTooLarge:
                raise
            except (ConnectionError, http.client.HTTPException, OSError) as err:
                last_problem = f"connection failed: {err}"
            else:
                if status == 200:
                    return _parse_completion(payload)
                snippet = payload[:200].decode("utf-8", "replace")
                last_problem = f"HTTP {status}: {snippet}"
                if status not in _RETRY_STATUSES:
                    raise EndpointError(last_problem)
            if attempt < self.options.retries:
                self._sleep(self._delay(attempt, headers))
        raise EndpointError(f"gave up after {self.options.retries + 1} tries: {last_problem}")


def _parse_completion(payload: bytes) -> ChatResult:
    try:
        obj = json.loads(payload)
        message = obj["choices"][0]["message"]
        text = message.get("content") or ""
        reasoning = message.get("reasoning_content") or ""
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
        raise EndpointError(f"malformed chat-completions answer ({type(err).__name__}): {payload[:200]!r}") from None
    usage = obj.get("usage") or {}
    return ChatResult(
        text=text if text else reasoning,
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
    )


def build_messages(style: str, challenge: Challenge) -> list[dict[str, str]]:
    """Chat messages for one challenge in a prover family's prompt convention.

    deepseek / goedel: the formal file alone after "Complete the following Lean 4 code:" (their
    models were trained on that); kimina: an expert system message, the informal problem and the
    formal statement; plain: explicit instructions for general chat models.
    """
    lean_block = f"```lean4\n{challenge.lean.rstrip()}\n```"
    if style in ("deepseek", "goedel"):
        return [{"role": "user", "content": f"Complete the following Lean 4 code:\n\n{lean_block}"}]
    if style == "kimina":
        return [
            {"role": "system", "content": "You are an expert in mathematics and Lean 4."},
            {
                "role": "user",
                "content": "Think about and solve the following problem step by step in Lean 4.\n"
                f"# Problem:\n{challenge.markdown.strip()}\n\n# Formal statement:\n{lean_block}\n",
            },
        ]
    if style == "plain":
        return [
            {
                "role": "system",
                "content": "You write Lean 4 proofs (core Lean 4, no Mathlib). Answer with the complete Lean file in "
                "one ```lean4 block. Keep every definition and the theorem statement exactly as given; "
                "replace `sorry` with a proof. Do not use sorry, admit, axioms or apply?/exact?.",
            },
            {"role": "user", "content": f"{challenge.markdown.strip()}\n\n{lean_block}"},
        ]
    raise ProverConfigError(f"unknown prompt style {style!r} (choose from {', '.join(PROMPT_STYLES)})")


class OpenAIProver:
    """`openai:MODEL`: n samples per challenge, one chat request each."""

    def __init__(
        self,
        model: str,
        endpoint: EndpointOptions,
        prompt_style: str = "deepseek",
        temperature: float = 1.0,
        max_tokens: int = 4096,
        concurrency: int = 4,
        seed: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not model:
            raise ProverConfigError("openai prover needs a model: --prover openai:MODEL")
        if prompt_style not in PROMPT_STYLES:
            raise ProverConfigError(f"unknown prompt style {prompt_style!r} (choose from {', '.join(PROMPT_STYLES)})")
        if concurrency < 1:
            raise ProverConfigError("--concurrency must be at least 1")
        self.model = model
        self.prompt_style = prompt_style
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.concurrency = concurrency
        self.seed = seed
        self.client = ChatClient(endpoint, sleep)
        self.spec = f"openai:{model}"

    def identity(self) -> dict[str, Any]:
        return {
            "plugin": "openai",
            "model": self.model,
            "base_url": self.client.options.base_url,
            "prompt_style": self.prompt_style,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
        }

    def request_body(self, messages: list[dict[str, str]], sample_index: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stream": False,
        }
        if self.seed is not None:
            body["seed"] = self.seed + sample_index
        return body

    def attempt(self, challenge: Challenge, sample_index: int) -> Attempt:
        started = time.perf_counter()
        body = self.request_body(build_messages(self.prompt_style, challenge), sample_index)
        try:
            result = self.client.complete(body)
        except EndpointError as err:
            return Attempt(challenge.id, sample_index, None, "", prover_seconds=time.perf_counter() - started, error=str(err))
        elapsed = time.perf_counter() - started
        block = extract_last_lean_block(result.text)
        candidate = None
        if block is not None and block.strip():
            try:
                candidate = candidate_from_answer(challenge.lean, challenge.theorem_name, block)
            except ValueError:
                candidate = None
        return Attempt(
            challenge.id,
            sample_index,
            candidate,
            result.text,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            prover_seconds=elapsed,
        )

    def suggest_tactics(self, theorem_context: str, goal_state: str, count: int) -> list[str]:
        """Up to `count` distinct next tactics for a goal (used by the LeanDojo best-first search)."""
        messages = [
            {
                "role": "system",
                "content": "You are a Lean 4 tactic predictor. Given a theorem and its current goal state, "
                f"propose up to {count} different next tactics, best first, one per line, in one ```lean4 block.",
            },
            {"role": "user", "content": f"{theorem_context.strip()}\n\n-- Goal state:\n{goal_state.strip()}"},
        ]
        body = self.request_body(messages, 0)
        result = self.client.complete(body)
        block = extract_last_lean_block(result.text) or result.text
        seen: list[str] = []
        for line in block.splitlines():
            tactic = line.strip()
            if tactic and not tactic.startswith("--") and tactic not in seen:
                seen.append(tactic)
        return seen[:count]
