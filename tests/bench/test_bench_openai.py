"""The openai plugin against a local chat-completions server: prompts, retries, timeouts, parsing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bench_fake_server import ServerState, chat_server

from axiomforge.bench.challenges import load_challenges
from axiomforge.bench.plugins import ProverConfigError, ProverOptions, make_prover
from axiomforge.bench.plugins.openai import (
    ChatClient,
    EndpointError,
    EndpointOptions,
    OpenAIProver,
    build_messages,
)
from axiomforge.bench.runner import evaluate
from axiomforge.lean.policy import Track

DATA = Path(__file__).resolve().parent / "data"
CHALLENGE = load_challenges(DATA)[0]


def prover(url: str, sleeps: list[float] | None = None, **kw) -> OpenAIProver:
    options = dict(base_url=url, api_key="test-key", request_timeout_s=kw.pop("timeout", 5.0), retries=kw.pop("retries", 3), backoff_s=0.001,
                   max_response_bytes=kw.pop("cap", 4 * 1024 * 1024))
    recorded = sleeps if sleeps is not None else []
    return OpenAIProver("test-model", EndpointOptions(**options), sleep=recorded.append, **kw)


def test_a_successful_attempt_is_parsed_and_passes_the_screen():
    state = ServerState(proof="rfl")
    with chat_server(state) as url:
        attempt = prover(url, prompt_style="deepseek", temperature=0.6, max_tokens=512, seed=10).attempt(CHALLENGE, 3)
    assert attempt.error is None and attempt.candidate is not None
    assert (attempt.prompt_tokens, attempt.completion_tokens) == (11, 7)
    (request,) = state.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer test-key"
    body = request["body"]
    assert body["model"] == "test-model" and body["stream"] is False
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.6, 512, 13)
    assert body["messages"][0]["content"].startswith("Complete the following Lean 4 code:")
    assert CHALLENGE.lean.strip() in body["messages"][0]["content"]
    row = evaluate(attempt, CHALLENGE, Track.STANDARD, None)
    assert (row.status, row.category) == ("unchecked", None)


def test_retries_on_429_and_500_with_backoff_then_succeeds():
    state = ServerState(script=[429, 500, 503], retry_after="0.002")
    sleeps: list[float] = []
    with chat_server(state) as url:
        attempt = prover(url, sleeps, retries=3).attempt(CHALLENGE, 0)
    assert attempt.error is None and attempt.candidate is not None
    assert len(state.requests) == 4
    assert len(sleeps) == 3 and sleeps[0] >= 0.002  # Retry-After honoured, then doubling
    assert sleeps[2] > sleeps[1] or sleeps[1] == pytest.approx(0.002)


def test_gives_up_after_bounded_retries_and_records_a_prover_error():
    state = ServerState(script=[500] * 10)
    with chat_server(state) as url:
        attempt = prover(url, retries=2).attempt(CHALLENGE, 0)
    assert len(state.requests) == 3
    assert attempt.candidate is None and "gave up after 3 tries" in attempt.error and "HTTP 500" in attempt.error
    row = evaluate(attempt, CHALLENGE, Track.STANDARD, None)
    assert (row.status, row.category) == ("rejected", "prover_error")


def test_client_errors_are_not_retried():
    state = ServerState(script=[401])
    with chat_server(state) as url:
        attempt = prover(url, retries=5).attempt(CHALLENGE, 0)
    assert len(state.requests) == 1 and "HTTP 401" in attempt.error


def test_timeouts_are_retried_then_reported():
    state = ServerState(delay_s=0.5)
    with chat_server(state) as url:
        attempt = prover(url, retries=1, timeout=0.1).attempt(CHALLENGE, 0)
    assert len(state.requests) == 2
    assert "deadline" in attempt.error


def test_a_dripping_endpoint_is_cut_at_the_total_deadline():
    """4 bytes/s used to hold a 5 s-timeout run for a minute: each read arrived within the timeout.
    Now the whole request has one deadline; the connection is cut before the reply is complete."""
    state = ServerState(proof="rfl", drip_s=0.02)
    with chat_server(state) as url:
        attempt = prover(url, retries=0, timeout=0.5).attempt(CHALLENGE, 0)
        for _ in range(250):  # let the server notice the cut (bounded wait, no timing asserted)
            if state.cut:
                break
            time.sleep(0.02)
    assert attempt.candidate is None and "deadline" in attempt.error
    assert state.cut and 0 < state.bytes_sent < 300  # a full reply is longer than 300 bytes
    row = evaluate(attempt, CHALLENGE, Track.STANDARD, None)
    assert (row.status, row.category) == ("rejected", "prover_error")


@pytest.mark.parametrize("no_length", [False, True])
def test_an_oversized_reply_is_refused_and_not_stored(no_length):
    state = ServerState(proof="rfl", pad_bytes=10 * 1024 * 1024, no_length=no_length)
    with chat_server(state) as url:
        attempt = prover(url, retries=3, cap=1024 * 1024).attempt(CHALLENGE, 0)
    assert len(state.requests) == 1  # not retried: another try would fetch another such reply
    assert attempt.candidate is None and attempt.raw_output == "" and "cap" in attempt.error
    assert len(attempt.error) < 300


@pytest.mark.parametrize(
    "answer",
    [
        "Sure.\n````lean4\nby\n  rfl\n````\n",
        "Sure.\r\n```lean4\r\nby\r\n  rfl\r\n```\r\n",
    ],
)
def test_code_is_extracted_from_four_backtick_and_crlf_fences(answer):
    state = ServerState(raw_text=answer)
    with chat_server(state) as url:
        attempt = prover(url).attempt(CHALLENGE, 0)
    assert attempt.candidate is not None and "```" not in attempt.candidate and "\r" not in attempt.candidate
    assert "rfl" in attempt.candidate


def test_connection_refused_is_a_prover_error():
    client = ChatClient(EndpointOptions("http://127.0.0.1:9", None, 1.0, retries=1, backoff_s=0.0), sleep=lambda s: None)
    with pytest.raises(EndpointError, match="connection failed|deadline"):
        client.complete({"model": "m", "messages": []})


def test_malformed_answers_are_reported():
    from axiomforge.bench.plugins.openai import _parse_completion

    with pytest.raises(EndpointError, match="malformed"):
        _parse_completion(b'{"choices": []}')


def test_an_answer_without_lean_is_no_proof():
    state = ServerState(raw_text="I cannot prove this.")
    with chat_server(state) as url:
        attempt = prover(url).attempt(CHALLENGE, 0)
    assert attempt.error is None and attempt.candidate is None and attempt.raw_output == "I cannot prove this."
    row = evaluate(attempt, CHALLENGE, Track.STANDARD, None)
    assert (row.status, row.category) == ("rejected", "no_proof")


@pytest.mark.parametrize("style", ["deepseek", "goedel", "kimina", "plain"])
def test_prompt_styles_include_the_formal_statement(style):
    messages = build_messages(style, CHALLENGE)
    text = "\n".join(m["content"] for m in messages)
    assert CHALLENGE.lean_statement in text and "```lean4" in text
    if style in ("kimina", "plain"):
        assert CHALLENGE.markdown.strip() in text


def test_make_prover_reads_the_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "secret-key-123")
    p = make_prover("openai:some-model", ProverOptions(concurrency=3))
    assert p.concurrency == 3 and p.identity()["base_url"] == "http://127.0.0.1:1/v1"
    assert "secret-key-123" not in str(p.identity())  # the key never reaches the run store
    with pytest.raises(ProverConfigError):
        make_prover("openai:")
    with pytest.raises(ProverConfigError):
        make_prover("nonsense")
    with pytest.raises(ProverConfigError):
        make_prover("openai:m", ProverOptions(base_url="file:///etc/passwd"))


def test_runner_respects_the_concurrency_limit(tmp_path):
    from axiomforge.bench.runner import run_benchmark

    state = ServerState(proof="rfl", delay_s=0.05)
    with chat_server(state) as url:
        llm = prover(url, concurrency=2)
        outcome = run_benchmark(DATA, tmp_path / "run", llm, 3, Track.STANDARD, None, lambda r: (True, "fixture"))
    assert outcome.attempts_total == 12 and len(state.requests) == 12
    assert state.max_in_flight == 2


def test_available_backends_for_doctor(monkeypatch):
    from axiomforge.bench.plugins import available_backends

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    rows = {row.name: row for row in available_backends()}
    assert set(rows) == {"bench prover: symbolic", "bench prover: openai", "bench prover: leandojo", "bench checker: lean"}
    assert rows["bench prover: openai"].available and "127.0.0.1:8000" in rows["bench prover: openai"].version
    assert all(row.available or row.fix for row in rows.values())


def test_prover_errors_are_retried_on_resume_unless_kept(tmp_path):
    """An endpoint outage is not a failed proof: resuming asks again (--no-retry-errors keeps them)."""
    from axiomforge.bench.runner import run_benchmark
    from axiomforge.bench.store import RunStore

    state = ServerState(proof="rfl", script=[503] * 4)
    with chat_server(state) as url:
        llm = prover(url, retries=0, concurrency=1)
        first = run_benchmark(DATA, tmp_path / "run", llm, 1, Track.STANDARD, None, lambda r: (True, "fixture"))
        assert first.statuses == {"rejected": 4} and len(state.requests) == 4
        kept = run_benchmark(DATA, tmp_path / "run", llm, 1, Track.STANDARD, None, lambda r: (True, "fixture"),
                             retry_errors=False)
        assert (kept.retried, kept.attempts_new, len(state.requests)) == (0, 0, 4)
        again = run_benchmark(DATA, tmp_path / "run", llm, 1, Track.STANDARD, None, lambda r: (True, "fixture"))
    assert (again.retried, again.attempts_new, len(state.requests)) == (4, 4, 8)
    with RunStore.open_existing(tmp_path / "run") as store:
        assert not [a for a in store.attempts() if a.category == "prover_error"]


def test_the_cli_flags_reach_the_plugin_and_the_runner(tmp_path, capsys):
    from axiomforge.cli import main

    assert main(["gen", "mba", "--count", "3", "--seed", "0", "--out", str(tmp_path / "mba")]) == 0  # re-checkable tasks
    state = ServerState(proof="decide", script=[503] * 3)
    with chat_server(state) as url:
        base = ["bench", "run", "--tasks", str(tmp_path / "mba"), "--prover", "openai:m", "--base-url", url, "--retries", "0",
                "--out", str(tmp_path / "run"), "--no-lean", "--no-progress", "--max-response-bytes", "65536"]
        assert main(base) == 0
        capsys.readouterr()
        assert main([*base, "--no-retry-errors"]) == 0
        assert "retried" not in capsys.readouterr().out
        assert main(base) == 0
    assert "3 prover errors retried" in capsys.readouterr().out
