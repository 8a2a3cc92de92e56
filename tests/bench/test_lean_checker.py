"""The Lean checking backend, driven through a scripted stand-in for `lean` (no toolchain needed):
subprocess pool, timeout, memory limit, probes, verdict cache, and the runner using it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from axiomforge.bench.plugins.symbolic import SymbolicProver
from axiomforge.bench.runner import run_benchmark
from axiomforge.lean.assemble import insert_tactics
from axiomforge.lean.checker import CheckJob, LeanChecker, VerdictCache
from axiomforge.lean.policy import Track
from axiomforge.lean.toolchain import LeanToolchain

HERE = Path(__file__).resolve().parent
CHALLENGE = "def double (n : Nat) : Nat := n + n\n\ntheorem double_two : double 2 = 4 := by\n  sorry\n"


@pytest.fixture()
def fake_toolchain(tmp_path, monkeypatch) -> LeanToolchain:
    lean = tmp_path / "bin" / "lean"
    lean.parent.mkdir()
    lean.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "fake_lean.py"}" "$@"\n')
    lean.chmod(0o755)
    monkeypatch.setenv("FAKE_LEAN_LOG", str(tmp_path / "runs.log"))
    return LeanToolchain(lean=lean, lake=None, version="Lean (version 4.99.0, fake for tests)")


def runs(tmp_path: Path) -> int:
    log = tmp_path / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def job(tactics: str, track: Track = Track.STANDARD) -> CheckJob:
    return CheckJob(insert_tactics(CHALLENGE, tactics), "double_two", CHALLENGE, track)


def test_verdicts_in_parallel(fake_toolchain, tmp_path):
    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0, workers=2)
    results = checker.check_many(
        [job("rfl"), job("exact FAKE_ERROR"), job("sorry"), job("native_decide"), job("native_decide", Track.NATIVE)]
    )
    assert [r.accepted for r in results] == [True, False, False, False, True]
    assert results[0].axioms == ("propext",)
    assert results[1].category == "tactic_failure" and results[1].message.startswith("4:0: unsolved goals")
    assert results[2].category == "forbidden_construct" and "sorry" in results[2].message
    assert results[3].category == "forbidden_construct" and "Lean.ofReduceBool" in results[3].message


def test_elaborated_statement_must_match(fake_toolchain):
    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0)
    tampered = insert_tactics(CHALLENGE, "rfl").replace("double 2 = 4 :=", "double 2 = 4 ∨ True :=")
    result = checker.check(CheckJob(tampered, "double_two", CHALLENGE))
    assert (result.accepted, result.category) == (False, "statement_changed")


def test_timeout_kills_the_process(fake_toolchain):
    checker = LeanChecker(fake_toolchain, timeout_s=1.0, memory_mb=0)
    result = checker.check(job("FAKE_SLOW"))
    assert (result.accepted, result.category) == (False, "timeout")
    assert result.seconds < 30


def test_memory_limit_is_enforced(fake_toolchain):
    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=1024)
    result = checker.check(job("FAKE_HOG"))
    assert (result.accepted, result.category) == (False, "memory_limit")


def test_verdict_cache_is_content_addressed(fake_toolchain, tmp_path):
    cache = VerdictCache(tmp_path / "cache")
    first = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0, cache=cache)
    assert first.check(job("rfl")).accepted
    assert runs(tmp_path) == 2  # the challenge's signature, then the proof
    second = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0, cache=cache)
    again = second.check(job("rfl"))
    assert again.accepted and again.cached and runs(tmp_path) == 2
    assert not second.check(job("exact FAKE_ERROR")).cached and runs(tmp_path) == 3
    stricter = LeanChecker(fake_toolchain, timeout_s=31, memory_mb=0, cache=cache)
    assert not stricter.check(job("rfl")).cached  # limits are part of the key


def test_runner_records_lean_verdicts(fake_toolchain, tmp_path):
    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0, workers=2)
    data = HERE / "data"
    outcome = run_benchmark(
        data, tmp_path / "run", SymbolicProver("reference"), 1, Track.NATIVE, checker, lambda r: (True, "fixture")
    )
    assert outcome.statuses == {"accepted": 4}
    from axiomforge.bench.report import write_report

    markdown = write_report(tmp_path / "run").markdown.read_text()
    assert markdown.startswith("# Benchmark report") and "No Lean check" not in markdown
    assert "| verified (Lean) | 100.0% |" in markdown
