"""The executor interface: local pool and a real Ray give the same results in the same order; a
worker killed mid-run loses nothing; an unreachable cluster is a one-line error."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from axiomforge.cli import main
from axiomforge.executors import ExecutorError, ExecutorSpec, LocalExecutor, RayExecutor, make_executor

pytestmark = pytest.mark.ray


def square_after_work(n: int) -> tuple[int, int]:
    total = sum(i * i for i in range(2000 + 37 * (n % 11)))  # uneven durations: completion order varies
    return n, n * n + total % 7


def die_once(item: tuple[int, str]) -> int:
    """Kills its own worker process the first time it sees item 3, like a node lost mid-run."""
    n, marker = item
    if n == 3 and not os.path.exists(marker):
        Path(marker).write_text("died once")
        os._exit(1)
    return n * 10


def raises_value_error(n: int) -> int:
    raise ValueError(f"unit {n} failed")


@pytest.fixture(scope="module")
def ray_executor(ray_session):
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/
    executor = RayExecutor(num_cpus=2)  # joins the session's Ray
    yield executor
    executor.close()


def test_local_inline_and_pool_agree():
    items = list(range(40))
    expected = [square_after_work(n) for n in items]
    with LocalExecutor(1) as inline:
        assert inline.map(square_after_work, items) == expected
    with LocalExecutor(2) as pool:
        assert pool.map(square_after_work, items) == expected
    with LocalExecutor(3, threads=True) as threads:
        assert sorted(threads.as_completed(square_after_work, items)) == list(enumerate(expected))


def test_ray_map_equals_local(ray_executor):
    items = list(range(60))
    assert ray_executor.map(square_after_work, items) == [square_after_work(n) for n in items]
    # as_completed yields every index exactly once, whatever order tasks finish in
    pairs = list(ray_executor.as_completed(square_after_work, items, max_in_flight=5))
    assert sorted(i for i, _ in pairs) == items


def test_ray_worker_killed_mid_run_loses_and_duplicates_nothing(ray_executor, tmp_path):
    marker = str(tmp_path / "died")
    items = [(n, marker) for n in range(8)]
    pairs = list(ray_executor.as_completed(die_once, items))
    assert os.path.exists(marker), "the worker was not killed: the test tested nothing"
    assert sorted(pairs) == [(n, n * 10) for n in range(8)]


def test_ray_unit_error_is_the_units_own_exception(ray_executor):
    with pytest.raises(ValueError, match="unit 2 failed"):
        ray_executor.map(raises_value_error, [2])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_unreachable_address_is_a_clear_error():
    port = _closed_port()
    with pytest.raises(ExecutorError, match=f"cannot reach the Ray cluster at 127.0.0.1:{port}"):
        make_executor(ExecutorSpec("ray", ray_address=f"127.0.0.1:{port}"))
    with pytest.raises(ExecutorError, match="HOST:PORT"):
        make_executor(ExecutorSpec("ray", ray_address="no-port-here"))


def test_cli_unreachable_address_exit_2(capsys, tmp_path):
    port = _closed_port()
    code = main(["bb", "enumerate", "--states", "2", "--executor", "ray", "--ray-address", f"127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "cannot reach the Ray cluster" in err and "Traceback" not in err


def test_a_resource_no_node_offers_is_an_error_not_a_hang(ray_executor):
    with pytest.raises(ExecutorError, match="no node of the Ray cluster offers the resource lean"):
        list(ray_executor.as_completed(square_after_work, [1], resources={"lean": 1}))
