"""Fixtures for the proofs tests: hand-written Peano proofs and the engine's committed output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from proofs_fixtures import peano_document, peano_theory

DATA = Path(__file__).resolve().parent / "data"
ENGINE_THEORIES = ("peano", "lists", "peano_order")


@pytest.fixture
def hand_doc() -> dict[str, Any]:
    """A fresh copy of the hand-written Peano document (tests may change it)."""
    return peano_document()


@pytest.fixture
def hand_theory() -> dict[str, Any]:
    return peano_theory()


@pytest.fixture(scope="session")
def engine_docs() -> dict[str, dict[str, Any]]:
    """The engine's proofs.json for each theory (tests/proofs/data, see regenerate.py). Read-only."""
    return {name: json.loads((DATA / f"{name}.proofs.json").read_text()) for name in ENGINE_THEORIES}


@pytest.fixture(scope="session")
def engine_theories(repo_root: Path) -> dict[str, dict[str, Any]]:
    """The theory sections computed from theories/*.mpl by the MPL parser."""
    from axiomforge.commands.proofs import theory_section

    return {name: theory_section(str(repo_root / "theories" / f"{name}.mpl")) for name in ENGINE_THEORIES}
