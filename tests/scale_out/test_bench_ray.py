"""`bench run --executor ray` stores exactly what the local run stores, and a driver killed
mid-run resumes with nothing lost and nothing duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from axiomforge.cli import main

pytestmark = [pytest.mark.ray, pytest.mark.slow]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "axiomforge", *args]


def _rows(run: Path) -> list[tuple]:
    with sqlite3.connect(run / "results.sqlite") as conn:
        return conn.execute(
            "SELECT task_id, sample_index, status, category, message, candidate, raw_output FROM attempts"
            " ORDER BY task_id, sample_index"
        ).fetchall()


def _count(run: Path) -> int:
    try:
        with sqlite3.connect(run / "results.sqlite", timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def bb_set(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bbset")
    assert main(["gen", "bb", "--count", "6", "--seed", "7", "--out", str(out)]) == 0
    return out


def test_bench_run_ray_equals_local(bb_set, tmp_path, ray_session, capsys):
    common = ["--tasks", str(bb_set), "--prover", "symbolic", "--samples", "3", "--no-progress", "--no-lean"]
    assert main(["bench", "run", *common, "--out", str(tmp_path / "local")]) == 0
    assert main(["bench", "run", *common, "--out", str(tmp_path / "ray"), "--executor", "ray"]) == 0
    local, ray_rows = _rows(tmp_path / "local"), _rows(tmp_path / "ray")
    assert len(local) >= 3 and ray_rows == local
    # a second ray run over the same directory is a no-op resume
    assert main(["bench", "run", *common, "--out", str(tmp_path / "ray"), "--executor", "ray"]) == 0
    assert "(0 new)" in capsys.readouterr().out
    assert _rows(tmp_path / "ray") == local


def test_killed_ray_driver_resumes_without_loss_or_duplicates(bb_set, tmp_path):
    common = ["--tasks", str(bb_set), "--prover", "symbolic", "--samples", "3", "--no-progress", "--no-lean"]
    reference = tmp_path / "reference"
    subprocess.run(_cli("bench", "run", *common, "--out", str(reference)), check=True, capture_output=True, timeout=120)
    expected = _rows(reference)

    run = tmp_path / "killed"
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    proc = subprocess.Popen(
        _cli("bench", "run", *common, "--out", str(run), "--executor", "ray", "--attempt-delay", "0.3"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while _count(run) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and the local Ray it started
    proc.wait(timeout=30)
    partial = _count(run)
    assert 0 < partial < len(expected), "the kill did not land mid-run: the test tested nothing"

    subprocess.run(_cli("bench", "run", *common, "--out", str(run)), check=True, capture_output=True, timeout=120)
    assert _rows(run) == expected
