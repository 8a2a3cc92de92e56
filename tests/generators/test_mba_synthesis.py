"""Challenge sets: determinism, no duplicates, certified ground truth, record contract, tampering."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from axiomforge.generators.mba.api import proof_from_certificate, recheck
from axiomforge.generators.mba.certify import confirms_counterexample, difference
from axiomforge.generators.mba.expr import Identity
from axiomforge.generators.mba.normal_form import identity_class
from axiomforge.generators.mba.parse import parse_expression
from axiomforge.generators.mba.records import content_hash
from axiomforge.generators.mba.rewrite import RULES
from axiomforge.generators.mba.synthesis import KnobError, canonical_key, generate_challenges, knobs_from

RECORD_FIELDS = {
    "id", "domain", "template", "params", "difficulty", "task", "claim_holds", "certified", "certificate",
    "theorem_name", "lean", "lean_statement", "markdown", "reference_proof", "lean_features", "evidence",
    "content_hash",
}


@pytest.fixture(scope="module")
def challenge_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mba") / "set"
    generate_challenges(150, 7, out, widths="8,16,64,symbolic")
    return out


def _records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "challenges.jsonl").read_text().splitlines()]


def test_same_seed_same_bytes(challenge_set: Path, tmp_path: Path) -> None:
    generate_challenges(150, 7, tmp_path / "again", widths="8,16,64,symbolic")
    for name in ("challenges.jsonl", "manifest.json"):
        assert (tmp_path / "again" / name).read_bytes() == (challenge_set / name).read_bytes()
    generate_challenges(20, 8, tmp_path / "other")
    assert (tmp_path / "other" / "challenges.jsonl").read_bytes() != (challenge_set / "challenges.jsonl").read_bytes()


def test_records_follow_the_contract(challenge_set: Path) -> None:
    records = _records(challenge_set)
    assert len(records) == 150
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    for r in records:
        assert set(r) == RECORD_FIELDS
        assert r["domain"] == "mba" and r["template"] == f"{r['params']['class']}_identity"
        assert r["id"].startswith(f"mba-{r['template']}-")
        assert r["lean"].rstrip().endswith(f"{r['lean_statement']} := by\n  sorry")
        assert r["lean_statement"].startswith(f"theorem {r['theorem_name']} ")
        assert r["content_hash"] == content_hash(r)
        assert r["task"] == ("prove" if r["claim_holds"] else "disprove")
        assert r["difficulty"] in ("easy", "medium", "hard")
        assert (challenge_set / "lean" / f"{r['id']}.lean").read_text() == r["lean"]
        assert (challenge_set / "md" / f"{r['id']}.md").read_text() == r["markdown"]
        assert r["reference_proof"] == proof_from_certificate(r)
        if r["reference_proof"] == "bv_decide":
            assert r["lean_features"] == ["bv_decide", "native"]
    manifest = json.loads((challenge_set / "manifest.json").read_text())
    assert manifest["count"] == 150 and sum(manifest["counts"]["truth"].values()) == 150
    assert set(manifest["counts"]["template"]) == {"linear_identity", "polynomial_identity", "nonpolynomial_identity"}


def test_ground_truth_is_certified_or_labelled(challenge_set: Path) -> None:
    records = _records(challenge_set)
    assert {r["claim_holds"] for r in records} == {True, False}
    for r in records:
        identity = Identity(parse_expression(r["params"]["lhs"]), parse_expression(r["params"]["rhs"]))
        assert identity_class(identity) == r["params"]["class"]
        if not r["claim_holds"]:
            cert = r["certificate"]
            assert r["certified"] and confirms_counterexample(identity, cert["counterexample"], cert["counterexample_width"])
            assert "¬ ∀" in r["lean_statement"]
        elif not r["certified"]:
            assert r["certificate"]["method"] == "none" and r["reference_proof"] is None
        ok, why = recheck(r)
        assert ok == r["certified"], (r["id"], why)


def test_no_duplicates_up_to_canonical_form(challenge_set: Path) -> None:
    keys = set()
    for r in _records(challenge_set):
        identity = Identity(parse_expression(r["params"]["lhs"]), parse_expression(r["params"]["rhs"]))
        width = None if r["params"]["width"] == "symbolic" else r["params"]["width"]
        keys.add(canonical_key(identity, width, r["claim_holds"]))
        # the key is blind to operand order and to swapping the sides
        assert canonical_key(Identity(identity.rhs, identity.lhs), width, r["claim_holds"]) in keys
    assert len(keys) == 150


def _tamper(record: dict[str, Any], edit: Any) -> dict[str, Any]:
    changed = copy.deepcopy(record)
    edit(changed)
    changed["content_hash"] = content_hash(changed)
    return changed


def test_recheck_rejects_tampered_records(challenge_set: Path) -> None:
    records = _records(challenge_set)
    true_one = next(r for r in records if r["claim_holds"] and r["certificate"]["method"] == "signature")
    false_one = next(r for r in records if not r["claim_holds"] and any(r["certificate"]["counterexample"].values()))
    assert recheck(true_one)[0] and recheck(false_one)[0]

    def flip(r: dict[str, Any]) -> None:
        r["claim_holds"] = not r["claim_holds"]

    def bump_rhs(r: dict[str, Any]) -> None:
        r["params"]["rhs"] = f"{r['params']['rhs']} + 1"

    def zero_cex(r: dict[str, Any]) -> None:
        r["certificate"]["counterexample"] = {k: 0 for k in r["certificate"]["counterexample"]}

    def wrong_value(r: dict[str, Any]) -> None:
        r["certificate"]["lhs_value"] = r["certificate"]["rhs_value"]

    def edit_lean(r: dict[str, Any]) -> None:
        r["lean_statement"] = r["lean_statement"].replace(" = ", " = 0 * ", 1)

    def fake_signature(r: dict[str, Any]) -> None:
        r["certificate"]["signature"] = [1] + r["certificate"]["signature"][1:]

    for record, edit in [(true_one, flip), (true_one, bump_rhs), (true_one, edit_lean), (true_one, fake_signature),
                         (false_one, zero_cex), (false_one, flip), (false_one, wrong_value)]:
        ok, why = recheck(_tamper(record, edit))
        assert not ok, (edit.__name__, why)
    unhashed = copy.deepcopy(true_one)
    unhashed["difficulty"] = "easy" if unhashed["difficulty"] != "easy" else "hard"
    ok, why = recheck(unhashed)
    assert not ok and why.startswith("difficulty: "), why


def test_rewrite_rules_are_identities() -> None:
    from axiomforge.generators.mba.certify import certify
    from axiomforge.generators.mba.parse import parse_identity

    for rule in RULES:
        text = rule.pattern.replace("A", "x").replace("B", "y")
        assert certify(parse_identity(text), None).status == "true", rule.name
        assert difference(parse_identity(text)) is not None


def test_knobs_are_validated() -> None:
    assert knobs_from(variables="2-5", widths="8,symbolic").widths == (8, None)
    for bad in ({"classes": "cubic"}, {"variables": "1-3"}, {"widths": "128"}, {"depth": 99}, {"colour": 1}):
        with pytest.raises(KnobError):
            knobs_from(**bad)


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default set (`gen mba --count 1000 --seed 0`), generated once for the slow tests."""
    out = tmp_path_factory.mktemp("mba1000") / "a"
    assert generate_challenges(1000, 0, out).count == 1000
    return out


@pytest.mark.slow
def test_acceptance_thousand_items_seed_zero(thousand: Path, tmp_path: Path) -> None:
    """`gen mba --count 1000 --seed 0`: deterministic, duplicate-free, ground truth certified or labelled."""
    generate_challenges(1000, 0, tmp_path / "b")
    assert (thousand / "challenges.jsonl").read_bytes() == (tmp_path / "b" / "challenges.jsonl").read_bytes()
    records = _records(thousand)
    assert len(records) == 1000 == len({r["id"] for r in records})
    keys = set()
    for r in records:
        identity = Identity(parse_expression(r["params"]["lhs"]), parse_expression(r["params"]["rhs"]))
        keys.add(canonical_key(identity, r["params"]["width"], r["claim_holds"]))
        if r["claim_holds"]:
            assert r["certified"] or r["certificate"]["method"] == "none"
        else:
            cert = r["certificate"]
            assert r["certified"] and confirms_counterexample(identity, cert["counterexample"], cert["counterexample_width"])
    assert len(keys) == 1000


@pytest.mark.slow
def test_difficulty_labels_spread_and_follow_the_evidence(thousand: Path) -> None:
    """On the default 1,000-record set: every label occurs; no value of a generation parameter
    (class, width, number of variables, task) carries a single label; a hard record never has a
    reference proof within budget; the false share is --false-fraction exactly."""
    from collections import Counter

    from axiomforge.generators.mba.records import difficulty_from_evidence

    records = _records(thousand)
    assert set(Counter(r["difficulty"] for r in records)) == {"easy", "medium", "hard"}
    for name, value_of in (("class", lambda r: r["params"]["class"]), ("width", lambda r: r["params"]["width"]),
                           ("variables", lambda r: len(r["params"]["variables"])), ("task", lambda r: r["task"])):
        by_value: dict[Any, set[str]] = {}
        for r in records:
            by_value.setdefault(value_of(r), set()).add(r["difficulty"])
        single = {v: labels for v, labels in by_value.items() if len(labels) < 2 and v != 0}
        assert not single, f"{name} values with one label: {single}"
    for r in records:
        assert r["difficulty"] == difficulty_from_evidence(r["evidence"])
        if r["difficulty"] == "hard":
            assert r["reference_proof"] is None, r["id"]
    assert sum(not r["claim_holds"] for r in records) == 250


def test_false_fraction_is_honoured() -> None:
    from axiomforge.generators.mba.synthesis import synthesize

    for fraction in (0.0, 0.1, 0.25, 0.6):
        records = synthesize(40, 5, knobs_from(widths="8,symbolic", false_fraction=fraction))
        assert sum(not r["claim_holds"] for r in records) == round(40 * fraction), fraction


def test_generation_is_deterministic_across_processes(tmp_path: Path) -> None:
    """The SAT stand-in's conflicts go into the hashed records: two fresh processes agree."""
    import subprocess
    import sys

    for name in ("a", "b"):
        subprocess.run([sys.executable, "-m", "axiomforge", "gen", "mba", "--count", "30", "--seed", "4",
                        "--widths", "8,16,64", "--out", str(tmp_path / name)], check=True, capture_output=True)
    assert (tmp_path / "a" / "challenges.jsonl").read_bytes() == (tmp_path / "b" / "challenges.jsonl").read_bytes()
    timings = json.loads((tmp_path / "a" / "timings.json").read_text())
    assert set(timings["seconds"]) <= {r["id"] for r in _records(tmp_path / "a")}
