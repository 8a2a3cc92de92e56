"""Lean texts: golden files for each shape of statement, and a real toolchain where one exists."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from axiomforge.generators.mba.certify import certify
from axiomforge.generators.mba.parse import parse_identity
from axiomforge.generators.mba.proof_cost import bv_decide_cost
from axiomforge.generators.mba.records import build_record_from_verdict, needs_sat_cost
from axiomforge.generators.mba.render import Claim
from axiomforge.lean.toolchain import find_lean_toolchain

GOLDEN = Path(__file__).with_name("mba_golden")
UPDATE = os.environ.get("AXIOMFORGE_UPDATE_GOLDEN") == "1"

CASES = {
    "linear_true_64": ("(x ^ y) + 2*(x & y) == x + y", 64),
    "linear_false_8": ("(x | y) + (x & y) == x + y + 1", 8),
    "polynomial_true_symbolic": ("(x & y)*(x | y) + (x & ~y)*(~x & y) == x*y", None),
    "polynomial_false_symbolic": ("x*(x + 1)*128 == 0", None),
    "nonpolynomial_true_16": ("((x*y) ^ 5) + 2*((x*y) & 5) - z == x*y + 5 - z", 16),
}


def _record(name: str) -> dict:
    text, width = CASES[name]
    identity = parse_identity(text)
    verdict = certify(identity, width)
    params = {"class": verdict.mba_class, "variables": [], "width": "symbolic" if width is None else width,
              "lhs": text.split(" == ")[0], "rhs": text.split(" == ")[1]}
    claim = Claim(identity, width, verdict.status != "false")
    cost = bv_decide_cost(identity, width) if width is not None and needs_sat_cost(claim, True) else None
    return build_record_from_verdict(identity, width, verdict, params, f"golden:{name}", cost)


@pytest.mark.parametrize("name", sorted(CASES))
def test_lean_file_matches_golden(name: str) -> None:
    record = _record(name)
    path = GOLDEN / f"{name}.lean"
    text = record["lean"] + f"\n-- reference proof ({', '.join(record['lean_features']) or 'none'}):\n" + "".join(
        f"-- {line}\n" for line in (record["reference_proof"] or "(none)").splitlines())
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"regenerate with AXIOMFORGE_UPDATE_GOLDEN=1 and review {path}"


def test_false_claims_state_the_negation_with_a_counterexample_proof() -> None:
    record = _record("linear_false_8")
    assert record["task"] == "disprove"
    assert "¬ ∀ (x y : BitVec 8), " in record["lean_statement"]
    assert record["reference_proof"].startswith("intro h\n  exact absurd (h ")
    assert record["lean_features"] == ["decide"]


def _proved_file(record: dict) -> str:
    return record["lean"].replace(":= by\n  sorry", ":= by\n  " + record["reference_proof"])


@pytest.mark.lean
@pytest.mark.slow
@pytest.mark.parametrize("name", ["linear_true_64", "linear_false_8", "polynomial_false_symbolic",
                                  "nonpolynomial_true_16"])
def test_reference_proofs_check_in_lean(name: str, tmp_path: Path) -> None:
    toolchain = find_lean_toolchain()
    assert toolchain is not None
    record = _record(name)
    source = tmp_path / f"{record['theorem_name']}.lean"
    source.write_text(_proved_file(record))
    proc = subprocess.run([str(toolchain.lean), str(source)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sorry" not in proc.stdout


@pytest.mark.lean
def test_challenge_files_elaborate_with_sorry(tmp_path: Path) -> None:
    toolchain = find_lean_toolchain()
    assert toolchain is not None
    for name in sorted(CASES):
        record = _record(name)
        source = tmp_path / f"{name}.lean"
        source.write_text(record["lean"])
        proc = subprocess.run([str(toolchain.lean), str(source)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, (name, proc.stdout + proc.stderr)
        assert "declaration uses 'sorry'" in proc.stdout
