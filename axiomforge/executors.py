"""Where independent work units run: this machine's pool (the default) or a Ray cluster.

Every fan-out in the workbench (a prover attempt, a Busy Beaver shard, a batch of proof goals)
is a pure, picklable function applied to picklable items. An `Executor` runs such a function over
items and hands the results back to the driver, which merges them in the items' order, so a run
gives the same output whichever executor ran it and however the tasks were scheduled.

Two implementations, one interface:

- `LocalExecutor`: a process pool (CPU-bound units) or a thread pool (I/O-bound units such as
  HTTP prover calls); `workers == 1` runs inline, with no pool at all.
- `RayExecutor`: each unit is a Ray task. With no address it starts a private local Ray on the
  loopback interface; with `--ray-address HOST:PORT` it joins an existing cluster (checked for
  reachability first, so a wrong address is a one-line error, not a minute-long hang). Ray
  retries a task whose worker died (`max_retries`), which is what makes a lost worker lose
  nothing; the driver is the only writer of any store, so a killed driver loses nothing either.

We do not schedule anything ourselves beyond bounding the number of tasks in flight: placement,
retries and resources (a custom resource such as `lean` for nodes with a toolchain) are Ray's.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

from axiomforge.errors import UserError

T = TypeVar("T")
R = TypeVar("R")

EXECUTOR_KINDS = ("local", "ray")
RAY_TASK_RETRIES = 3
"""How often Ray re-runs a task whose worker process or node died (not a task that raised)."""
CONNECT_TIMEOUT_S = 5.0


class ExecutorError(UserError):
    """The chosen executor cannot be used (Ray missing, cluster unreachable, ...)."""


@dataclass(frozen=True)
class ExecutorSpec:
    """What the user asked for on the command line; `make_executor` turns it into an executor.

    `workers`: pool size for `local`; for `ray`, the number of CPUs of a private local Ray; 0
    means all of this machine's. Ignored when joining a cluster. `threads`: the units are
    I/O-bound, so a local pool of threads rather than processes.
    """

    kind: str = "local"
    workers: int = 0
    ray_address: str | None = None
    threads: bool = False
    resources: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        if self.kind == "ray":
            return f"ray ({self.ray_address or 'local'})"
        return f"local ({self.workers} {'threads' if self.threads else 'processes'})"


class Executor:
    """Runs `fn` over items; subclasses provide `_submit_all`."""

    kind = "abstract"

    @property
    def parallelism(self) -> int:
        """How many units can run at once (how finely a caller should split its work)."""
        return 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`fn` on every item; results in the items' order (the order never depends on timing)."""
        pending = list(items)
        out: list[Any] = [None] * len(pending)
        for index, result in self.as_completed(fn, pending):
            out[index] = result
        return out

    def as_completed(
        self, fn: Callable[[T], R], items: Sequence[T], max_in_flight: int | None = None,
        resources: dict[str, float] | None = None,
    ) -> Iterator[tuple[int, R]]:
        """(index, result) pairs as units finish, at most `max_in_flight` submitted at once.
        The caller merges them; whoever needs a deterministic order sorts by index."""
        raise NotImplementedError

    def close(self) -> None:
        """Release pools and disconnect; the executor cannot be used afterwards."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalExecutor(Executor):
    kind = "local"

    def __init__(self, workers: int = 1, threads: bool = False) -> None:
        self.workers = workers if workers > 0 else default_workers()
        self.threads = threads
        self._pool: ProcessPoolExecutor | ThreadPoolExecutor | None = None

    @property
    def parallelism(self) -> int:
        return self.workers

    def _get_pool(self) -> ProcessPoolExecutor | ThreadPoolExecutor:
        if self._pool is None:
            self._pool = (ThreadPoolExecutor if self.threads else ProcessPoolExecutor)(max_workers=self.workers)
        return self._pool

    def as_completed(
        self, fn: Callable[[T], R], items: Sequence[T], max_in_flight: int | None = None,
        resources: dict[str, float] | None = None,
    ) -> Iterator[tuple[int, R]]:
        if self.workers == 1:
            for index, item in enumerate(items):
                yield index, fn(item)
            return
        pool = self._get_pool()
        limit = max(1, max_in_flight or 2 * self.workers)
        queue = iter(enumerate(items))
        in_flight: dict[Future[R], int] = {}
        try:
            while True:
                while len(in_flight) < limit:
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    in_flight[pool.submit(fn, nxt[1])] = nxt[0]
                if not in_flight:
                    return
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=in_flight.__getitem__):
                    index = in_flight.pop(future)
                    yield index, future.result()
        finally:
            for future in in_flight:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _call(fn: Callable[[Any], Any], item: Any) -> Any:
    return fn(item)


class RayExecutor(Executor):
    kind = "ray"

    def __init__(self, address: str | None = None, num_cpus: int = 0, resources: dict[str, float] | None = None) -> None:
        ray = _import_ray()
        self.address = address
        self.resources = dict(resources or {})
        self._started_here = False
        if address is not None:
            _check_reachable(address)
        if ray.is_initialized():
            pass  # a driver (or test) that already joined Ray: use its connection, leave it open
        elif address is None:
            # A private local Ray: loopback only, no dashboard, quiet workers.
            ray.init(address="local", num_cpus=num_cpus or None, include_dashboard=False, log_to_driver=False,
                     _node_ip_address="127.0.0.1", configure_logging=False)
            self._started_here = True
        else:
            try:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as err:
                raise ExecutorError(f"cannot join the Ray cluster at {address}: {err}") from None
            self._started_here = True
        self._ray = ray
        self._remote = ray.remote(max_retries=RAY_TASK_RETRIES, retry_exceptions=False)(_call)

    def cluster_cpus(self) -> int:
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    @property
    def parallelism(self) -> int:
        return self.cluster_cpus()

    def as_completed(
        self, fn: Callable[[T], R], items: Sequence[T], max_in_flight: int | None = None,
        resources: dict[str, float] | None = None,
    ) -> Iterator[tuple[int, R]]:
        ray = self._ray
        wanted = {**self.resources, **(resources or {})}
        offered = ray.cluster_resources()
        missing = sorted(name for name, amount in wanted.items() if offered.get(name, 0) < amount)
        if missing:  # Ray would queue such tasks forever, waiting for a node that never joins
            raise ExecutorError(f"no node of the Ray cluster offers the resource {', '.join(missing)} "
                                f"(start one with `ray start --resources '{{\"{missing[0]}\": 1}}'`)")
        remote = self._remote.options(resources=wanted) if wanted else self._remote
        fn_ref = ray.put(fn)  # shipped once, not once per task
        limit = max(1, max_in_flight or 2 * self.cluster_cpus())
        queue = iter(enumerate(items))
        in_flight: dict[Any, int] = {}
        try:
            while True:
                while len(in_flight) < limit:
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    in_flight[remote.remote(fn_ref, nxt[1])] = nxt[0]
                if not in_flight:
                    return
                done, _ = ray.wait(list(in_flight), num_returns=1)
                for ref in done:
                    index = in_flight.pop(ref)
                    yield index, _ray_result(ray, ref)
        finally:
            for ref in in_flight:
                ray.cancel(ref, force=False)

    def close(self) -> None:
        if self._started_here and self._ray.is_initialized():
            self._ray.shutdown()
        self._started_here = False


def _ray_result(ray: Any, ref: Any) -> Any:
    """The task's value; a unit that raised re-raises its own exception in the driver, a unit
    whose workers kept dying (past `RAY_TASK_RETRIES`) is an executor error."""
    from ray.exceptions import RayTaskError, WorkerCrashedError

    try:
        return ray.get(ref)
    except RayTaskError as err:
        cause = err.as_instanceof_cause()
        raise cause from None
    except WorkerCrashedError as err:
        raise ExecutorError(f"a Ray worker died {RAY_TASK_RETRIES + 1} times running one unit: {err}") from None


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ExecutorError("--executor ray needs Ray: pip install -e '.[ray]' (scripts/setup.sh installs it)") from None
    return ray


def _check_reachable(address: str) -> None:
    """A TCP connect to the head's GCS port before `ray.init`, which would otherwise retry for a
    long time; `ray://` client addresses and `auto` are left to Ray."""
    if address == "auto" or "://" in address:
        return
    host, sep, port_text = address.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ExecutorError(f"--ray-address must be HOST:PORT (the head node's GCS address), got {address!r}")
    try:
        with socket.create_connection((host, int(port_text)), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as err:
        raise ExecutorError(f"cannot reach the Ray cluster at {address}: {err.strerror or err}") from None


def make_executor(spec: ExecutorSpec) -> Executor:
    if spec.kind == "local":
        return LocalExecutor(spec.workers, spec.threads)
    if spec.kind == "ray":
        return RayExecutor(spec.ray_address, spec.workers, spec.resources)
    raise ExecutorError(f"unknown executor {spec.kind!r} (expected one of: {', '.join(EXECUTOR_KINDS)})")


def add_executor_options(parser: Any, default_workers: int = 1) -> None:
    """The same two flags on every command that fans out."""
    group = parser.add_argument_group("executor")
    group.add_argument("--executor", choices=EXECUTOR_KINDS, default="local",
                       help="local: this machine's processes (default); ray: Ray tasks (docs/scale-out.md)")
    group.add_argument("--ray-address", metavar="HOST:PORT",
                       help="join an existing Ray cluster (default: start a local Ray; $RAY_ADDRESS is ignored)")


def executor_spec_from_args(args: Any, workers: int = 0, threads: bool = False,
                            resources: dict[str, float] | None = None) -> ExecutorSpec:
    kind = getattr(args, "executor", "local")
    address = getattr(args, "ray_address", None)
    if address is not None and kind != "ray":
        raise ExecutorError("--ray-address needs --executor ray")
    return ExecutorSpec(kind, workers, address, threads, dict(resources or {}))


def default_workers() -> int:
    return os.cpu_count() or 1
