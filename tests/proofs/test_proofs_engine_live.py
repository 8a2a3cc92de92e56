"""The engine's current output, produced now (one run per theory per session), checks and resists tampering.

The committed files in tests/proofs/data pin a known engine output; this test follows the engine
as it changes. A failure here with the committed-data tests passing means: the engine now emits
something the checker rejects (or the data needs `python tests/proofs/data/regenerate.py`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from axiomforge.cli import main
from axiomforge.proofs.checker import check_document
from axiomforge.proofs.mutation import random_mutants


@pytest.fixture(scope="session")
def live_runs(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    help_text = subprocess.run([sys.executable, "-m", "axiomforge", "--help"], capture_output=True, text=True).stdout
    if " prove " not in help_text and "prove" not in help_text.split():
        pytest.skip("the engine's `axiomforge prove` command is not available")
    out: dict[str, Path] = {}
    for name in ("peano", "lists"):
        target = tmp_path_factory.mktemp(f"live-{name}")
        proc = subprocess.run(
            [sys.executable, "-m", "axiomforge", "prove", str(repo_root / "theories" / f"{name}.mpl"), "--out", str(target)],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert (target / "proofs.json").exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
        out[name] = target / "proofs.json"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["peano", "lists"])
def test_live_engine_output_checks_and_resists_tampering(live_runs, engine_theories, repo_root, name, capsys):
    path = live_runs[name]
    assert main(["check", str(path), "--theory", str(repo_root / "theories" / f"{name}.mpl")]) == 0, capsys.readouterr().out
    doc = json.loads(path.read_text())
    theory = engine_theories[name]
    mutants = random_mutants(doc, 100, seed=99)
    accepted = [m for m in mutants if check_document(m.doc, theory).ok]
    print(f"\n{name} (live engine run): {len(mutants) - len(accepted)}/{len(mutants)} mutants rejected")
    assert len(mutants) == 100 and not accepted, [(m.kind, m.description) for m in accepted[:5]]
