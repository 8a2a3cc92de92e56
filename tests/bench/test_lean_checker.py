"""The Lean checking backend, driven through a scripted stand-in for `lean` (no toolchain needed):
the compile run and the checker-program run, subprocess pool, timeout, memory limit, verdict
cache, and the runner using it. `lean`-marked tests run the real two-stage check."""

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


def run_log(tmp_path: Path) -> list[str]:
    log = tmp_path / "runs.log"
    return log.read_text().splitlines() if log.exists() else []


def runs(tmp_path: Path) -> int:
    return len(run_log(tmp_path))


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


def test_the_candidate_is_compiled_exactly_as_given_then_checked_by_the_fixed_program(fake_toolchain, tmp_path):
    import hashlib

    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0)
    candidate = job("rfl")
    assert checker.check(candidate).accepted
    log = run_log(tmp_path)
    assert log == [f"compile {hashlib.sha256(CHALLENGE.encode()).hexdigest()}",
                   f"compile {hashlib.sha256(candidate.candidate.encode()).hexdigest()}", "check"]


def test_sorry_warnings_in_the_newer_quote_style_are_caught(fake_toolchain):
    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0)
    result = checker.check(job("sorry -- FAKE_NEW_QUOTES"))
    assert (result.accepted, result.category) == (False, "forbidden_construct")
    assert "sorry" in result.message


def test_a_declared_axiom_is_reported_by_its_full_name(fake_toolchain):
    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0)
    sneaky = insert_tactics(CHALLENGE, "exact Clean.cheat").replace("theorem double_two", "axiom Clean.cheat : double 2 = 4\n\ntheorem double_two")
    result = checker.check(CheckJob(sneaky, "double_two", CHALLENGE))
    assert (result.accepted, result.category) == (False, "forbidden_construct")
    assert "Clean.cheat" in result.message and result.axioms == ("propext", "Clean.cheat")


def test_a_tampered_reference_or_a_silent_checker_is_a_checker_error(fake_toolchain):
    checker = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0)
    tampered = checker.check(job("rfl /- FAKE_TAMPER -/"))
    assert (tampered.accepted, tampered.category) == (False, "checker_error") and "reference" in tampered.message
    silent = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0).check(job("rfl -- FAKE_GARBLE"))
    assert (silent.accepted, silent.category) == (False, "checker_error") and "no verdict" in silent.message


def test_a_challenge_that_runs_code_is_never_compiled(fake_toolchain, tmp_path):
    hostile = CHALLENGE.replace("theorem double_two", '#eval IO.println "pwned"\n\ntheorem double_two')
    result = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0).check(CheckJob(insert_tactics(hostile, "rfl"), "double_two", hostile))
    assert (result.accepted, result.category) == (False, "checker_error") and "#eval" in result.message
    assert runs(tmp_path) == 0


def test_checker_reports_are_parsed_from_the_last_json_line():
    from axiomforge.lean.checker import parse_checker_report

    out = 'noise\n{"ok": false, "category": "statement_changed", "message": "m", "axioms": ["propext"]}\n{"x": 1}\n'
    report = parse_checker_report(out)
    assert report is not None and (report.ok, report.category, report.axioms) == (False, "statement_changed", ("propext",))
    assert parse_checker_report("nothing here") is None


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
    assert runs(tmp_path) == 3  # the challenge compiled alone, the candidate, the checker program
    second = LeanChecker(fake_toolchain, timeout_s=30, memory_mb=0, cache=cache)
    again = second.check(job("rfl"))
    assert again.accepted and again.cached and runs(tmp_path) == 3
    assert not second.check(job("exact FAKE_ERROR")).cached and runs(tmp_path) == 5  # no checker run after an error
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


@pytest.mark.lean
def test_real_lean_rejects_the_three_classes_an_appended_probe_let_through():
    """Without the screen: macro_rules rewriting `#print axioms`, an elaborator registered for the
    probe's syntax, and implemented_by + native_decide. The checker program reads the compiled
    module, so none of them can change what it sees."""
    from axiomforge.lean.toolchain import find_lean_toolchain

    toolchain = find_lean_toolchain()
    assert toolchain is not None
    checker = LeanChecker(toolchain, timeout_s=300, memory_mb=0, workers=2)
    cheat = "axiom cheat : double 2 = 4\n\n"
    rewrite = cheat + "macro_rules\n  | `(#print axioms $n) => `(#print axioms Nat.add_comm)\n\n"
    elab = cheat + (
        "open Lean Elab Command in\n@[command_elab Lean.Parser.Command.printAxioms]"
        " def fakePrint : CommandElab := fun _ => pure ()\n\n"
    )
    def with_prefix(prefix: str) -> str:
        return insert_tactics(CHALLENGE, "exact cheat").replace("theorem double_two", prefix + "theorem double_two")

    native_challenge = "def run (n : Nat) : Bool := n == 3\n\ntheorem run_two : run 2 = true := by\n  sorry\n"
    fake_code = "def fake (n : Nat) : Bool := true\nattribute [implemented_by fake] run\n\n"
    native = insert_tactics(native_challenge, "native_decide").replace("theorem run_two", fake_code + "theorem run_two")
    results = checker.check_many(
        [
            job("rfl"),
            CheckJob(with_prefix(rewrite), "double_two", CHALLENGE),
            CheckJob(with_prefix(elab), "double_two", CHALLENGE),
            CheckJob(native, "run_two", native_challenge, Track.NATIVE),
        ]
    )
    assert results[0].accepted, results[0]
    assert not any(r.accepted for r in results[1:]), results
