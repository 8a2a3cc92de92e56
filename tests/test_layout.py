"""The engines stay independent: each subpackage imports only the shared error module and the
packages it is documented to build on (the benchmark runs Lean and the generators' certifiers, and
fans attempts out over `axiomforge.executors`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "axiomforge"
ALLOWED = {
    "logic": {"errors"},
    "proofs": {"errors"},
    "rasp": {"errors"},
    "generators": {"errors"},
    "lean": {"errors"},
    "bench": {"errors", "executors", "lean", "generators"},
}


def _imported_top_levels(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "axiomforge" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_engine_imports_only_what_it_builds_on(package):
    for path in sorted((PACKAGE / package).rglob("*.py")):
        foreign = _imported_top_levels(path) - ALLOWED[package] - {package}
        assert not foreign, f"{path.relative_to(PACKAGE)} imports axiomforge.{sorted(foreign)}"
