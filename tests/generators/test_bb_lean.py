"""Lean files: golden texts for a few fixed challenges, and (with a toolchain) elaboration.

Set AXIOMFORGE_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from axiomforge.generators.busy_beaver import claims as C
from axiomforge.generators.busy_beaver.certificates import verify
from axiomforge.generators.busy_beaver.machine import parse_machine
from axiomforge.generators.busy_beaver.records import build_record

GOLDEN = Path(__file__).parent / "bb_golden"

CASES: dict[str, tuple[str, str, Any, bool, dict[str, Any]]] = {
    # name: (template, machine, formula, holds, certificate)
    "bb2_halts_exact": ("halts_exact", "1RB1LB_1LA1RZ", C.halts_exact(6), True, {"method": "halts", "steps": 6, "ones": 4}),
    "bb2_halts_exact_false": ("halts_exact", "1RB1LB_1LA1RZ", C.halts_exact(7), False, {"method": "halts", "steps": 6, "ones": 4}),
    "bb3_ones": ("halts_with_ones", "1RB1RZ_1LB0RC_1LC1LA", C.halts_with_ones(22, 5), True, {"method": "halts", "steps": 21, "ones": 5}),
    "bb4_within_native": ("halts_within", "1RB1LB_1LA0LC_1RZ1LD_1RD0RA", C.halts_within(150), True, {"method": "halts", "steps": 107, "ones": 13}),
    "bb4_never_halts_false": ("never_halts", "1RB1LB_1LA0LC_1RZ1LD_1RD0RA", C.never_halts(), False, {"method": "halts", "steps": 107, "ones": 13}),
    "cycler_never_halts": ("never_halts", "1RB1RB_0LA---", C.never_halts(), True, {"method": "cycler", "start": 1, "period": 2}),
    "cycler_not_within": ("not_halts_within", "1RB1RB_0LA---", C.not_halts_within(40), True, {"method": "cycler", "start": 1, "period": 2}),
}


def record(name: str) -> dict[str, Any]:
    template, text, formula, holds, cert = CASES[name]
    machine = parse_machine(text)
    assert verify(machine, cert)[0]
    return build_record(C.Claim(template, machine, formula, holds), cert)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("kind", ["lean", "md"])
def test_golden(name: str, kind: str) -> None:
    rec = record(name)
    text = rec["lean"] if kind == "lean" else rec["markdown"]
    path = GOLDEN / f"{name}.{kind}"
    if os.environ.get("AXIOMFORGE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text


def test_reference_proofs_by_kind() -> None:
    assert record("bb2_halts_exact")["reference_proof"] == "decide"
    assert record("bb2_halts_exact_false")["lean_statement"].count("¬") == 2
    assert record("bb4_within_native")["reference_proof"] == "exact ⟨107, by decide, by native_decide⟩"
    assert "native" in record("bb4_within_native")["lean_features"]
    assert record("bb4_never_halts_false")["reference_proof"] == "intro h\n  exact h 107 (by native_decide)"
    assert record("cycler_never_halts")["reference_proof"] is None
    assert record("cycler_not_within")["reference_proof"] == "decide"


def _lean(tmp_path: Path, name: str, source: str) -> subprocess.CompletedProcess[str]:
    from axiomforge.lean.toolchain import find_lean_toolchain

    toolchain = find_lean_toolchain()
    assert toolchain is not None
    path = tmp_path / f"{name}.lean"
    path.write_text(source, encoding="utf-8")
    return subprocess.run([str(toolchain.lean), str(path)], capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.lean
@pytest.mark.parametrize("name", sorted(CASES))
def test_statement_elaborates_with_sorry(tmp_path: Path, name: str) -> None:
    proc = _lean(tmp_path, name, record(name)["lean"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error" not in proc.stdout.lower(), proc.stdout


@pytest.mark.lean
@pytest.mark.parametrize("name", sorted(n for n in CASES if record(n)["reference_proof"]))
def test_reference_proof_is_accepted(tmp_path: Path, name: str) -> None:
    rec = record(name)
    proof = rec["reference_proof"]
    source = rec["lean"].replace(":= by\n  sorry\n", f":= by\n  {proof}\n")
    proc = _lean(tmp_path, name, source)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sorry" not in proc.stdout and "error" not in proc.stdout.lower(), proc.stdout


@pytest.mark.lean
def test_a_false_statement_is_not_proved_by_decide(tmp_path: Path) -> None:
    machine = parse_machine("1RB1LB_1LA1RZ")
    wrong = C.Claim("halts_exact", machine, C.halts_exact(7), True)  # claims the false direction
    rec = build_record(wrong, {"method": "halts", "steps": 6, "ones": 4})
    proc = _lean(tmp_path, "wrong", rec["lean"].replace(":= by\n  sorry\n", ":= by\n  decide\n"))
    assert proc.returncode != 0
    assert "decide" in proc.stdout + proc.stderr
