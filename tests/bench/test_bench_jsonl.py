"""`--prover jsonl:FILE`: saved proofs scored by the same screen (and checker), bad files refused
with a location, and the hostile corpus run through the CLI this way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_corpus import CORPUS, Hostile, answer_text, build_candidate

from axiomforge.bench.plugins import ProverConfigError, make_prover
from axiomforge.bench.plugins.jsonl import JsonlProver
from axiomforge.bench.runner import run_benchmark
from axiomforge.bench.store import RunStore
from axiomforge.cli import main
from axiomforge.errors import UserError
from axiomforge.lean.policy import Track

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = {json.loads(line)["id"]: json.loads(line) for line in (DATA / "challenges.jsonl").read_text().splitlines()}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_saved_proofs_are_scored_by_the_screen(tmp_path):
    proofs = write_jsonl(
        tmp_path / "proofs.jsonl",
        [
            {"task_id": "bb-halts_exact-0001", "sample_index": 0, "proof": "rfl"},
            {"task_id": "bb-halts_exact-0001", "sample_index": 1, "proof": "```lean4\ntheorem bb_halts_0001 : halts 6 := by\n  sorry\n```"},
            {"task_id": "mba-linear_identity-0001", "sample_index": 0, "proof": FIXTURE["mba-linear_identity-0001"]["reference_proof"]},
        ],
    )
    prover = make_prover(f"jsonl:{proofs}")
    assert isinstance(prover, JsonlProver) and prover.samples_needed() == 2
    outcome = run_benchmark(DATA, tmp_path / "run", prover, 2, Track.STANDARD, None, lambda r: (True, "fixture"))
    with RunStore.open_existing(tmp_path / "run") as store:
        rows = {(a.task_id, a.sample_index): a for a in store.attempts()}
    assert rows[("bb-halts_exact-0001", 0)].status == "unchecked"
    assert (rows[("bb-halts_exact-0001", 1)].status, rows[("bb-halts_exact-0001", 1)].category) == ("rejected", "forbidden_construct")
    assert "native track" in rows[("mba-linear_identity-0001", 0)].message  # bv_decide, standard track
    assert rows[("mba-linear_identity-0001", 1)].category == "no_proof"
    assert outcome.attempts_total == 8


def test_a_changed_proof_file_is_a_different_run(tmp_path):
    proofs = write_jsonl(tmp_path / "p.jsonl", [{"task_id": "bb-halts_exact-0001", "sample_index": 0, "proof": "rfl"}])
    run_benchmark(DATA, tmp_path / "run", JsonlProver(str(proofs)), 1, Track.STANDARD, None, lambda r: (True, "f"))
    write_jsonl(proofs, [{"task_id": "bb-halts_exact-0001", "sample_index": 0, "proof": "decide"}])
    from axiomforge.bench.runner import RunMismatchError

    with pytest.raises(RunMismatchError):
        run_benchmark(DATA, tmp_path / "run", JsonlProver(str(proofs)), 1, Track.STANDARD, None, lambda r: (True, "f"))


@pytest.mark.parametrize(
    ("lines", "where", "problem"),
    [
        (['{"task_id": "a", "sample_index": 0, "proof": "rfl"}', '{"task_id": "a", "sample_index": 1, "proof": rfl}'], (2, 46), "not valid JSON"),
        (['[1, 2]'], (1, 1), "expected a JSON object"),
        (['{"task_id": "a", "proof": "rfl"}'], (1, 1), "missing field 'sample_index'"),
        (['{"task_id": "a", "sample_index": 0, "proof": "x", "extra": 1}'], (1, 51), "unknown field 'extra'"),
        (['{"task_id": "a", "sample_index": -1, "proof": "x"}'], (1, 18), "sample_index"),
        (['{"task_id": "a", "sample_index": true, "proof": "x"}'], (1, 18), "sample_index"),
        (['{"task_id": 7, "sample_index": 0, "proof": "x"}'], (1, 2), "task_id"),
        (['{"task_id": "a", "sample_index": 0, "proof": null}'], (1, 37), "proof must be a string"),
        (['{"task_id": "a", "sample_index": 0, "proof": "x"}', "", '{"task_id": "a", "sample_index": 0, "proof": "y"}'],
         (3, 1), "appears twice (first on line 1)"),
        (['{"task_id": "a", "sample_index": 0, "proof": NaN}'], (1, 46), "not a JSON number"),
    ],
)
def test_bad_proof_files_are_located_errors(tmp_path, lines, where, problem):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:  # ProofFileError, or the shared JSON layer's UserError
        JsonlProver(str(path))
    err = caught.value
    assert err.location is not None and (err.location.line, err.location.column) == where, err.format()
    assert problem in err.message and str(path) in err.format()


def test_bad_bytes_and_missing_files(tmp_path):
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(b'{"task_id": "a", "sample_index": 0, "proof": "\xff"}\n')
    with pytest.raises(Exception, match="UTF-8"):
        JsonlProver(str(path))
    with pytest.raises(ProverConfigError):
        make_prover("jsonl:")


def test_the_cli_reports_a_bad_file_in_one_line_with_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "a", "sample_index": 0, "proof": "x"}\n{oops}\n', encoding="utf-8")
    code = main(["bench", "run", "--tasks", str(DATA), "--prover", f"jsonl:{bad}", "--out", str(tmp_path / "run"),
                 "--no-lean", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines()[0].startswith(f"error: {bad}:2:2: ") and "Traceback" not in err
    assert not (tmp_path / "run").exists()


# -- the hostile corpus through the CLI ----------------------------------------------------------------


def _generated_by_kind(tmp_path: Path, capsys) -> tuple[list[Path], dict[str, dict]]:
    """Fresh generated sets (the generators' current output, so their re-check passes) and one
    challenge per corpus kind."""
    dirs = []
    for domain, count in (("bb", 12), ("mba", 12)):
        out = tmp_path / domain
        assert main(["gen", domain, "--count", str(count), "--seed", "0", "--out", str(out)]) == 0
        dirs.append(out)
    capsys.readouterr()
    by_kind: dict[str, dict] = {}
    for directory in dirs:
        for line in (directory / "challenges.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            features = record.get("lean_features", [])
            kind = {
                "halts_exact": "bb",
                "never_halts": "bb_never",
            }.get(record["template"])
            if record["domain"] == "mba":
                kind = "mba_native" if "bv_decide" in features else ("mba" if "decide" in features else None)
            if kind is not None and record.get("certified"):
                by_kind.setdefault(kind, record)
    return dirs, by_kind


def _proof_text(entry: Hostile, record: dict) -> str:
    """What a saved-proof file would hold: the prover's answer, or the whole candidate file."""
    return answer_text(entry, record) if entry.mode in ("tactic", "answer") else build_candidate(entry, record)


def test_the_hostile_corpus_replayed_through_the_cli_is_entirely_rejected(tmp_path, capsys):
    dirs, by_kind = _generated_by_kind(tmp_path, capsys)
    usable = [e for e in CORPUS if e.kind in by_kind]
    assert len(usable) >= 80, sorted(by_kind)
    total = 0
    for track in ("standard", "native"):
        entries = [e for e in usable if e.track == track]
        counters: dict[str, int] = {}
        records = []
        expected: dict[tuple[str, int], str] = {}
        for entry in entries:
            record = by_kind[entry.kind]
            index = counters.get(record["id"], 0)
            counters[record["id"]] = index + 1
            records.append({"task_id": record["id"], "sample_index": index, "proof": _proof_text(entry, record)})
            expected[(record["id"], index)] = entry.id
        proofs = write_jsonl(tmp_path / f"hostile-{track}.jsonl", records)
        run_dir = tmp_path / f"run-{track}"
        argv = ["bench", "run", "--prover", f"jsonl:{proofs}", "--out", str(run_dir), "--samples", str(max(counters.values())),
                "--track", track, "--no-lean", "--no-progress"]
        for directory in dirs:
            argv += ["--tasks", str(directory)]
        assert main(argv) == 0, capsys.readouterr().err
        with RunStore.open_existing(run_dir) as store:
            rows = {(a.task_id, a.sample_index): a for a in store.attempts()}
        for pair, entry_id in expected.items():
            row = rows[pair]
            assert row.status == "rejected", (entry_id, row.message)
            assert row.category in ("forbidden_construct", "statement_changed", "parse"), (entry_id, row.category)
        total += len(expected)
    assert total == len(usable)
