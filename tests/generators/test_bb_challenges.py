"""Challenge synthesis: determinism, no duplicates, records that re-check, tamper evidence."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import axiomforge.generators as generators
from axiomforge.cli import main
from axiomforge.errors import UserError
from axiomforge.generators.busy_beaver.api import proof_from_certificate, recheck
from axiomforge.generators.busy_beaver.canonical import canonical_text, mirror, rename_by_first_use
from axiomforge.generators.busy_beaver.challenge_set import write_challenge_set
from axiomforge.generators.busy_beaver.machine import parse_machine
from axiomforge.generators.busy_beaver.records import (
    DECIDE_MAX_STEPS,
    canonical_json,
    difficulty_from_evidence,
)
from axiomforge.generators.busy_beaver.synthesis import Knobs, generate

RECORD_FIELDS = {
    "id", "domain", "template", "params", "difficulty", "task", "claim_holds", "certified", "certificate",
    "theorem_name", "lean", "lean_statement", "markdown", "reference_proof", "lean_features", "evidence",
    "content_hash",
}


@functools.cache
def sample() -> list[dict[str, Any]]:
    return generate(300, 11).records


def test_records_follow_the_contract() -> None:
    for r in sample():
        assert set(r) == RECORD_FIELDS
        assert r["domain"] == "bb" and r["id"].startswith(f"bb-{r['template']}-")
        assert r["task"] == ("prove" if r["claim_holds"] else "disprove")
        assert r["difficulty"] in ("easy", "medium", "hard")
        assert r["lean"].endswith(f"{r['lean_statement']} := by\n  sorry\n")
        assert r["lean_statement"].startswith(f"theorem {r['theorem_name']} :")
        assert "import" not in r["lean"] and "Mathlib" not in r["lean"]
        assert r["params"]["machine"] in r["markdown"] and r["params"]["machine"] in r["lean"]
        if r["reference_proof"] is not None:
            assert r["lean_features"]
            assert ("native_decide" in r["reference_proof"]) == ("native" in r["lean_features"])
    assert [r["id"] for r in sample()] == sorted(r["id"] for r in sample())


def test_every_record_rechecks_with_the_reference_simulator() -> None:
    for r in sample():
        assert recheck(r) == (True, ""), r["id"]
        assert generators.recheck(r) == (True, "")
        assert proof_from_certificate(r) == r["reference_proof"]


def test_mixture_of_templates_truths_and_difficulties() -> None:
    recs = sample()
    assert {r["template"] for r in recs} == {"halts_exact", "halts_within", "not_halts_within", "halts_with_ones", "never_halts"}
    assert {r["task"] for r in recs} == {"prove", "disprove"}
    assert {r["difficulty"] for r in recs} == {"easy", "medium", "hard"}
    assert {r["certificate"]["method"] for r in recs} >= {"halts", "cycler", "translated_cycler"}


def test_no_two_challenges_share_a_canonical_machine() -> None:
    keys = [r["params"]["canonical"] for r in sample()]
    assert len(keys) == len(set(keys))
    for r in sample():
        steps = r["certificate"]["steps"] if r["certificate"]["method"] == "halts" else None
        assert canonical_text(parse_machine(r["params"]["machine"]), steps) == r["params"]["canonical"]


def test_canonical_form_identifies_renamings_and_mirrors() -> None:
    m = parse_machine("1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA")
    renamed = parse_machine("1RC1LB_1RD0LE_1RB1RC_1LA1LD_1RZ0LA")  # B and C swapped
    assert rename_by_first_use(renamed) == rename_by_first_use(m)
    assert canonical_text(mirror(renamed)) == canonical_text(m)
    # unused transitions do not matter for a halting machine
    assert canonical_text(parse_machine("1RB1LB_1LA1RZ_0LA0LA"), 6) == canonical_text(parse_machine("1RB1LB_1LA1RZ_------"), 6)


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("claim_holds", lambda r: not r["claim_holds"]),
        ("lean", lambda r: r["lean"].replace("sorry", "trivial")),
        ("markdown", lambda r: r["markdown"] + " "),
        ("certificate", lambda r: {**r["certificate"], "method": "cycler"}),
        ("params", lambda r: {**r["params"], "machine": r["params"]["machine"].replace("1", "0", 1)}),
        ("content_hash", lambda r: "0" * 64),
        ("difficulty", lambda r: "hard" if r["difficulty"] != "hard" else "easy"),
    ],
)
def test_tampered_records_fail_the_recheck(field: str, change: Any) -> None:
    for r in sample()[:40]:
        bad = {**r, field: change(r)}
        assert recheck(bad)[0] is False, (field, r["id"])


def test_same_seed_same_records_other_seed_other_records() -> None:
    a = generate(120, 5).records
    b = generate(120, 5).records
    c = generate(120, 6).records
    assert canonical_json(a) == canonical_json(b)
    assert canonical_json(a) != canonical_json(c)


def test_knobs_restrict_the_set() -> None:
    recs = generate(40, 1, Knobs(states=(4,), templates=("halts_exact",), false_fraction=0.0)).records
    assert {r["params"]["states"] for r in recs} == {4}
    assert {(r["template"], r["task"]) for r in recs} == {("halts_exact", "prove")}
    hard = generate(20, 1, Knobs(difficulties=("hard",))).records
    assert {r["difficulty"] for r in hard} == {"hard"}
    only_cyclers = generate(10, 1, Knobs(templates=("never_halts",), certificate_classes=("cycler",), false_fraction=0.0)).records
    assert {r["certificate"]["method"] for r in only_cyclers} == {"cycler"}
    three_symbols = generate(10, 2, Knobs(states=(2, 3), symbols=3)).records
    assert {r["params"]["symbols"] for r in three_symbols} == {3}
    assert all(recheck(r)[0] for r in three_symbols)


def test_bad_knobs_are_user_errors() -> None:
    with pytest.raises(UserError):
        generate(5, 0, Knobs(templates=("halts_sometimes",)))
    with pytest.raises(UserError):
        generate(5, 0, Knobs(states=(1,)))
    with pytest.raises(UserError, match="distinct 2-state machines"):
        generate(500, 0, Knobs(states=(2,)))  # refused before any work (the pool is finite)


def test_dispatch_on_domain() -> None:
    with pytest.raises(UserError):
        generators.recheck({"domain": "chess"})


def test_cli_gen_writes_identical_bytes_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a", "b"):
        assert main(["gen", "bb", "--count", "60", "--seed", "3", "--out", str(tmp_path / name)]) == 0
    assert "wrote 60 Busy Beaver challenges" in capsys.readouterr().out
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) == 2 * 60 + 2
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    lines = (tmp_path / "a" / "challenges.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    assert (tmp_path / "a" / "lean" / f"{first['id']}.lean").read_text() == first["lean"]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["count"] == 60 and manifest["seed"] == 3 and sum(manifest["counts"]["template"].values()) == 60


def test_rewriting_a_set_removes_stale_files(tmp_path: Path) -> None:
    write_challenge_set(generate(10, 1), tmp_path)
    write_challenge_set(generate(5, 2), tmp_path)
    assert len(list((tmp_path / "lean").iterdir())) == 5


def test_cli_gen_bad_knob_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["gen", "bb", "--states", "2,x", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


@functools.cache
def thousand() -> list[dict[str, Any]]:
    """The default set (`gen bb --count 1000 --seed 0`), generated once for the slow tests."""
    return generate(1000, 0).records


@pytest.mark.slow
def test_acceptance_1000_seed_0_deterministic_unique_and_rechecked() -> None:
    first = thousand()
    second = generate(1000, 0).records
    assert canonical_json(first) == canonical_json(second)
    assert len({r["params"]["canonical"] for r in first}) == 1000
    assert len({r["id"] for r in first}) == 1000
    for r in first:
        assert recheck(r) == (True, ""), r["id"]
        # an n-state challenge really uses its n states (every state is the start or a target)
        m = parse_machine(r["params"]["machine"])
        targets = {t.next_state for row in m.table for t in row if t is not None}
        assert set(range(m.n_states)) <= targets | {0}, r["id"]


def _permute(machine_text: str, perm: list[int]) -> str:
    """Rename states: old state i becomes perm[i] (perm[0] == 0 keeps A the start state)."""
    from axiomforge.generators.busy_beaver.machine import HALT, Machine, Transition

    m = parse_machine(machine_text)
    rows: list[tuple[Transition | None, ...]] = [()] * m.n_states
    for old, row in enumerate(m.table):
        rows[perm[old]] = tuple(
            None if t is None else Transition(t.write, t.move, HALT if t.next_state == HALT else perm[t.next_state])
            for t in row
        )
    return Machine(tuple(rows)).text()


def test_canonical_form_is_invariant_under_renaming_and_mirroring() -> None:
    import random

    rng = random.Random(9)
    checked = 0
    for r in sample():
        m = parse_machine(r["params"]["machine"])
        if rename_by_first_use(m).text() != rename_by_first_use(rename_by_first_use(m)).text():
            continue
        steps = r["certificate"]["steps"] if r["certificate"]["method"] == "halts" else None
        perm = [0] + rng.sample(range(1, m.n_states), m.n_states - 1)
        renamed = parse_machine(_permute(m.text(), perm))
        reachable = len({0} | {t.next_state for row in m.table for t in row if t and t.next_state >= 0}) == m.n_states
        if steps is not None or reachable:
            assert canonical_text(renamed, steps) == canonical_text(m, steps), (m.text(), renamed.text())
            assert canonical_text(mirror(renamed), steps) == canonical_text(m, steps)
            checked += 1
    assert checked > 100


@pytest.mark.slow
def test_difficulty_labels_spread_and_follow_the_evidence() -> None:
    """On the default 1,000-record set: every label occurs; no value of a generation parameter
    (states, template, task) carries a single label; a hard record is never one `decide` settles
    in a few steps; and the false-claim share is the --false-fraction setting."""
    recs = thousand()
    labels = Counter(r["difficulty"] for r in recs)
    assert set(labels) == {"easy", "medium", "hard"}, labels
    for name, value_of in (("states", lambda r: r["params"]["states"]), ("template", lambda r: r["template"]),
                           ("task", lambda r: r["task"])):
        by_value: dict[Any, set[str]] = {}
        for r in recs:
            by_value.setdefault(value_of(r), set()).add(r["difficulty"])
        single = {v: ls for v, ls in by_value.items() if len(ls) < 2}
        assert not single, f"{name} values with one label: {single}"
    for r in recs:
        ev = r["evidence"]
        assert r["difficulty"] == difficulty_from_evidence(ev)
        if r["difficulty"] == "hard":
            assert ev["proof"] != "decide" and (ev["proof"] == "none" or ev["proof_steps"] > DECIDE_MAX_STEPS), r["id"]
        if ev["proof"] == "decide":
            assert ev["proof_steps"] <= DECIDE_MAX_STEPS and r["reference_proof"] and "native" not in r["reference_proof"]
    assert Counter(r["task"] for r in recs)["disprove"] == 250  # --false-fraction 0.25, exactly


def test_false_fraction_is_honoured() -> None:
    for fraction in (0.0, 0.1, 0.5, 0.9):
        recs = generate(80, 4, Knobs(states=(3, 4), false_fraction=fraction)).records
        assert sum(not r["claim_holds"] for r in recs) == round(80 * fraction), fraction
