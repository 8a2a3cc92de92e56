"""Regenerate the engine-made proofs.json fixtures: python tests/proofs/data/regenerate.py

Uses `axiomforge prove` when the engine's command exists, else the engine library directly.
The tamper suite runs on these files, so regenerate them whenever the engine's output changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(__file__).resolve().parent
THEORIES = ("peano", "lists", "peano_order")


def _via_cli(theory: str) -> dict[str, object] | None:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "axiomforge", "prove", str(ROOT / "theories" / f"{theory}.mpl"), "--out", tmp],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        path = Path(tmp) / "proofs.json"
        if proc.returncode != 0 or not path.exists():
            return None
        return dict(json.loads(path.read_text()))


def _via_library(theory: str) -> dict[str, object]:
    from axiomforge.logic.engine import run_engine
    from axiomforge.logic.ir import formula_to_json, theory_to_json
    from axiomforge.logic.parser import parse_theory_file

    parsed = parse_theory_file(f"theories/{theory}.mpl")
    result = run_engine(parsed)
    return {
        "format": "axiomforge-proofs",
        "version": 1,
        "theory": theory_to_json(parsed),
        "theorems": [
            {"name": t.name, "statement": formula_to_json(t.statement), "method": t.method,
             "seconds": round(t.seconds, 4), "cites": t.cites, "steps": t.steps}
            for t in result.theorems
        ],  # fmt: skip
        "run": {"seconds": round(result.summary.seconds_total, 2)},
    }


def main() -> None:
    for theory in THEORIES:
        doc = _via_cli(theory) or _via_library(theory)
        out = DATA / f"{theory}.proofs.json"
        out.write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n")
        print(f"{out}: {len(doc['theorems'])} theorems")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
