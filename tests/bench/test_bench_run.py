"""Runs in-process on the fixture set: statuses, exclusions, run identity, reports, JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench_fake_server import ServerState, chat_server

from axiomforge.bench.challenges import ChallengeFormatError, load_challenges
from axiomforge.bench.plugins.openai import EndpointOptions, OpenAIProver
from axiomforge.bench.plugins.symbolic import SymbolicProver
from axiomforge.bench.report import NO_LEAN_LINE, summarize, write_report
from axiomforge.bench.runner import RunMismatchError, run_benchmark
from axiomforge.bench.store import RunStore
from axiomforge.lean.policy import Track

DATA = Path(__file__).resolve().parent / "data"


def fixture_recheck(record):
    """Stands in for the generators' certifier on the hand-written fixture records."""
    if record["id"] == "bb-halts_exact-0002":
        return False, "simulation disagrees with the certificate"
    return True, "fixture"


def test_symbolic_run_without_lean(tmp_path):
    progress: list[tuple[int, int]] = []
    outcome = run_benchmark(
        DATA, tmp_path / "run", SymbolicProver("reference"), 2, Track.STANDARD, None, fixture_recheck,
        lambda done, total: progress.append((done, total)),
    )
    assert (outcome.tasks, outcome.eligible_tasks, outcome.attempts_total) == (4, 3, 6)
    # bb reference proof `rfl` passes the screen; bv_decide needs the native track
    assert outcome.statuses == {"rejected": 4, "unchecked": 2}
    assert progress[0] == (0, 6) and progress[-1] == (6, 6)
    with RunStore.open_existing(tmp_path / "run") as store:
        rows = list(store.attempts())
        tasks = {t.task_id: t for t in store.tasks()}
    assert {r.category for r in rows if r.status == "rejected"} == {"forbidden_construct"}
    assert tasks["bb-halts_exact-0002"].recheck == "failed"
    assert "bb-halts_exact-0002" not in {r.task_id for r in rows}

    native = run_benchmark(DATA, tmp_path / "native", SymbolicProver("reference"), 1, Track.NATIVE, None, fixture_recheck)
    assert native.statuses == {"unchecked": 3}


def test_run_identity_is_enforced_and_samples_can_grow(tmp_path):
    run = tmp_path / "run"
    run_benchmark(DATA, run, SymbolicProver("reference"), 1, Track.STANDARD, None, fixture_recheck)
    with pytest.raises(RunMismatchError, match="track"):
        run_benchmark(DATA, run, SymbolicProver("reference"), 1, Track.NATIVE, None, fixture_recheck)
    again = run_benchmark(DATA, run, SymbolicProver("reference"), 1, Track.STANDARD, None, fixture_recheck)
    assert again.attempts_new == 0 and again.attempts_total == 3
    more = run_benchmark(DATA, run, SymbolicProver("reference"), 3, Track.STANDARD, None, fixture_recheck)
    assert more.attempts_new == 6 and more.attempts_total == 9


def test_report_files(tmp_path):
    run = tmp_path / "run"
    state = ServerState(proof="rfl")
    with chat_server(state) as url:
        llm = OpenAIProver("m", EndpointOptions(url, None, 5.0, 1, 0.001), concurrency=2)
        run_benchmark(DATA, run, llm, 8, Track.STANDARD, None, fixture_recheck)
    assert len(state.requests) == 24
    files = write_report(run)
    markdown = files.markdown.read_text()
    assert markdown.splitlines()[0] == NO_LEAN_LINE
    assert "| verified (Lean) | 0.0% | 0.0% |" in markdown
    assert "| screened (upper bound) | 100.0% | 100.0% |" in markdown  # `by rfl` passes the screen
    assert "| bb | halts_exact | easy | 1 |" in markdown and "| mba | linear_identity | hard | 1 |" in markdown
    assert "bb-halts_exact-0002 | yes | failed" in markdown
    assert "| tokens | 264 prompt, 168 completion |" in markdown
    html = files.html.read_text()
    assert html.count("<svg") == 2 and "No Lean check was made" in html and "<table>" in html
    lines = files.jsonl.read_text().splitlines()
    assert len(lines) == 24
    first = json.loads(lines[0])
    assert first["task_id"] == "bb-halts_exact-0001" and first["status"] == "unchecked" and first["scored"]
    # same store -> same bytes
    again = write_report(run, tmp_path / "again")
    assert again.markdown.read_text() == markdown
    assert again.html.read_text() == html
    assert (tmp_path / "again" / "passk.svg").read_bytes() == (run / "report" / "passk.svg").read_bytes()
    summary = summarize(run, (1, 8, 32))
    assert set(summary.overall_screened.pass_at) == {1, 8}


def test_malformed_sets_are_user_errors(tmp_path):
    bad = tmp_path / "challenges.jsonl"
    bad.write_text('{"id": "x"\n')
    with pytest.raises(ChallengeFormatError) as err:
        load_challenges(tmp_path)
    assert err.value.location.line == 1 and err.value.location.file == str(bad)
    record = json.loads((DATA / "challenges.jsonl").read_text().splitlines()[0])
    del record["lean_statement"]
    bad.write_text("\n" + json.dumps(record) + "\n")
    with pytest.raises(ChallengeFormatError, match="lean_statement") as err:
        load_challenges(bad)
    assert err.value.location.line == 2
    with pytest.raises(ChallengeFormatError, match="no challenge set"):
        load_challenges(tmp_path / "missing")


def test_sets_can_be_combined_but_not_duplicated(tmp_path):
    other = tmp_path / "other.jsonl"
    records = (DATA / "challenges.jsonl").read_text().splitlines()
    other.write_text(records[0] + "\n")
    with pytest.raises(ChallengeFormatError, match="duplicate challenge id"):
        load_challenges([DATA, other])
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text(records[0] + "\n")
    rest.write_text("\n".join(records[1:]) + "\n")
    assert [c.id for c in load_challenges([rest, first])] == [c.id for c in load_challenges(DATA)]
