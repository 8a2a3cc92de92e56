"""`bb enumerate` gives the same result on Ray (shards merged by index), over local processes and
in one process; a two-node Ray cluster on loopback runs it through `--ray-address`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from axiomforge.cli import main

pytestmark = [pytest.mark.ray, pytest.mark.slow]


def _rows(capsys, *args: str) -> list[dict]:
    assert main(["bb", "enumerate", *args, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    for row in rows:
        row.pop("seconds")  # the only measured field
    return rows


def test_enumerate_3_states_same_everywhere(capsys, ray_session):
    one_process = _rows(capsys, "--states", "3")
    assert one_process[-1]["S"] == 21 and one_process[-1]["undecided"] == 0
    assert _rows(capsys, "--states", "3", "--workers", "2") == one_process
    assert _rows(capsys, "--states", "3", "--executor", "ray") == one_process


def test_enumerate_4_states_ray_equals_local(capsys, ray_session):
    one_process = _rows(capsys, "--states", "4")
    assert one_process[-1]["S"] == 107 and one_process[-1]["sigma"] == 13
    assert _rows(capsys, "--states", "4", "--executor", "ray") == one_process


def test_two_node_cluster_on_loopback(capsys, tmp_path, monkeypatch):
    """A head and a worker node (ray.cluster_utils.Cluster), joined by address from a separate
    driver process, as on a real cluster."""
    pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # node addresses on loopback only
    expected = _rows(capsys, "--states", "3")
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "node_ip_address": "127.0.0.1"})
    try:
        cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
        cluster.wait_for_nodes()
        done = subprocess.run(
            [sys.executable, "-m", "axiomforge", "bb", "enumerate", "--states", "3", "--json",
             "--executor", "ray", "--ray-address", cluster.address],
            capture_output=True, text=True, timeout=180, env={**os.environ},
        )
    finally:
        cluster.shutdown()
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(done.stdout)
    for row in rows:
        row.pop("seconds")
    assert rows == expected
