"""Shared test configuration: markers that skip, with a reason, what this machine cannot run."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from axiomforge.lean.toolchain import find_lean_toolchain

# Property tests are reproducible by default (same examples every run, so CI is never red by
# chance); HYPOTHESIS_PROFILE=explore draws fresh random examples to hunt for new bugs.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"


def _browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        return "Chromium not found (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    lean_reason = None if find_lean_toolchain() else "no Lean 4 toolchain (lean on PATH or AXIOMFORGE_LEAN)"
    browser_reason = _browser_missing()
    ray_reason = None if importlib.util.find_spec("ray") else "ray is not installed (pip install -e '.[ray]')"
    for item in items:
        if ray_reason and item.get_closest_marker("ray"):
            item.add_marker(pytest.mark.skip(reason=ray_reason))
        if lean_reason and item.get_closest_marker("lean"):
            item.add_marker(pytest.mark.skip(reason=lean_reason))
        if browser_reason and item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=browser_reason))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave files for people to look at (screenshots, sample outputs)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
