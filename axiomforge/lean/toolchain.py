"""Finding a Lean 4 toolchain.

No toolchain ships with axiomforge (elan downloads them from outside); we use one the user has:
`AXIOMFORGE_LEAN` (a `lean` binary, or a directory holding `bin/lean`), else `lean` on PATH.
`lake` is looked up beside the chosen `lean`, then on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LeanToolchain:
    lean: Path
    lake: Path | None
    version: str


def _candidate_lean() -> Path | None:
    configured = os.environ.get("AXIOMFORGE_LEAN")
    if configured:
        path = Path(configured).expanduser()
        if path.is_dir():
            path = path / "bin" / "lean"
        return path if path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which("lean")
    return Path(found) if found else None


def find_lean_toolchain(timeout_s: float = 20.0) -> LeanToolchain | None:
    """The toolchain to use, or None when there is none (or it does not answer `--version`)."""
    lean = _candidate_lean()
    if lean is None:
        return None
    try:
        proc = subprocess.run(
            [str(lean), "--version"], capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    sibling = lean.parent / "lake"
    lake = sibling if sibling.is_file() else (Path(w) if (w := shutil.which("lake")) else None)
    return LeanToolchain(lean=lean, lake=lake, version=proc.stdout.strip().splitlines()[0])
