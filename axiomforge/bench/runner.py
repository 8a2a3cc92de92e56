"""Running a prover over a challenge set into a resumable run store.

Pipeline per (task, sample): prover attempt -> assembled candidate -> static policy screen ->
Lean check (when a toolchain is configured) -> one committed row. Attempts run in a thread pool
sized by the prover's concurrency limit, or as Ray tasks (`axiomforge.executors`); only the
driver (the calling thread) writes to SQLite.

Before proving, each task's ground truth is re-verified with the generator's independent checker
(`axiomforge.generators.recheck`); tasks that fail it, or are uncertified, are not attempted and
never count (they are listed in the report).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axiomforge.bench.challenges import Challenge, load_challenges
from axiomforge.bench.plugins.base import Attempt, Prover
from axiomforge.bench.store import STORE_NAME, AttemptRow, RunStore, TaskRow
from axiomforge.errors import SourceLocation, UserError
from axiomforge.executors import Executor, LocalExecutor
from axiomforge.lean.checker import CheckJob, LeanChecker
from axiomforge.lean.policy import Category, Track, screen_source

RUN_FORMAT = 1
MAX_ATTEMPTS = 10_000_000
"""Tasks x samples of one run (docs/limits.md): the pending (task, sample) pairs are held in memory."""
Recheck = Callable[[Any], tuple[bool, str]]
Progress = Callable[[int, int], None]


class RunMismatchError(UserError):
    """The output directory holds a different run (other tasks, prover or policy)."""


class RunBusyError(UserError):
    """Another process is writing this run right now."""


@dataclass(frozen=True)
class RunOutcome:
    run_dir: Path
    tasks: int
    eligible_tasks: int
    attempts_total: int
    attempts_new: int
    statuses: dict[str, int]
    retried: int = 0


def generator_recheck() -> Recheck | None:
    """The generators' ground-truth checker, or None when that API is not importable."""
    try:
        from axiomforge.generators import recheck
    except ImportError:
        return None
    return recheck


def recheck_task(challenge: Challenge, recheck: Recheck | None) -> TaskRow:
    """Re-verify a task's ground truth; a raising checker is recorded as a failure, not a crash."""
    if recheck is None:
        status, reason = "unavailable", "axiomforge.generators.recheck is not available"
    else:
        try:
            ok, reason = recheck(challenge.record)
            status = "ok" if ok else "failed"
        except ImportError as err:  # the domain's generator API is not installed: cannot re-check
            status, reason = "unavailable", f"no re-check for domain {challenge.domain}: {err}"
        except Exception as err:
            status, reason = "failed", f"recheck raised {type(err).__name__}: {err}"
    return TaskRow(
        challenge.id,
        challenge.domain,
        challenge.template,
        challenge.difficulty,
        challenge.certified,
        challenge.content_hash,
        status,
        str(reason),
    )


def is_eligible(task: TaskRow) -> bool:
    """Tasks that count: certified, and not contradicted by the generator's re-check."""
    return task.certified and task.recheck != "failed"


def evaluate(attempt: Attempt, challenge: Challenge, track: Track, checker: LeanChecker | None) -> AttemptRow:
    """An attempt's verdict: screened always, Lean-checked when a checker is given."""

    def row(status: str, category: Category | str | None, message: str, check_seconds: float = 0.0, cached: bool = False) -> AttemptRow:
        return AttemptRow(
            attempt.task_id,
            attempt.sample_index,
            status,
            str(category) if category is not None else None,
            message,
            attempt.candidate,
            attempt.raw_output,
            attempt.prompt_tokens,
            attempt.completion_tokens,
            attempt.prover_seconds,
            check_seconds,
            cached,
        )

    if attempt.error is not None:
        return row("rejected", Category.PROVER_ERROR, attempt.error)
    if attempt.candidate is None:
        return row("rejected", Category.NO_PROOF, "the prover produced no proof")
    violations = screen_source(attempt.candidate, challenge.lean, challenge.theorem_name, challenge.lean_statement, track)
    if violations:
        first = violations[0]
        return row("rejected", first.category, first.describe())
    if checker is None:
        return row("unchecked", None, "passed the static policy screen; no Lean check was made")
    result = checker.check(CheckJob(attempt.candidate, challenge.theorem_name, challenge.lean, track))
    status = "accepted" if result.accepted else "rejected"
    return row(status, result.category, result.message, result.seconds, result.cached)


def attempt_unit(
    prover: Prover, track: Track, checker: LeanChecker | None, item: tuple[Challenge, int]
) -> AttemptRow:
    """One work unit: prover call, policy screen, Lean check. Pure and picklable (the prover and
    checker are configuration), so it runs in a local thread or as a Ray task alike; it never
    writes: only the driver commits rows to the store."""
    challenge, index = item
    return evaluate(prover.attempt(challenge, index), challenge, track, checker)


def _tasks_digest(challenges: list[Challenge]) -> str:
    return hashlib.sha256("\n".join(f"{c.id}:{c.content_hash}" for c in challenges).encode()).hexdigest()


class _RunLock:
    def __init__(self, run_dir: Path):
        self.path = run_dir / ".lock"
        self.fd = -1

    def __enter__(self) -> _RunLock:
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise RunBusyError("another `bench run` is writing this run", SourceLocation(str(self.path.parent))) from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def run_benchmark(
    tasks_path: Path | Sequence[Path],
    run_dir: Path,
    prover: Prover,
    samples: int,
    track: Track = Track.STANDARD,
    checker: LeanChecker | None = None,
    recheck: Recheck | None = None,
    on_progress: Progress | None = None,
    executor: Executor | None = None,
    lean_resources: dict[str, float] | None = None,
    retry_errors: bool = True,
) -> RunOutcome:
    """Run (or resume) `prover` on every eligible task until each has `samples` attempts.

    `executor`: where attempts run (default: a thread pool of the prover's concurrency);
    `retry_errors`: attempts recorded as prover_error are deleted and asked again;
    `lean_resources`: Ray resources an attempt asks for when it includes a Lean check (e.g.
    {"lean": 1}: only nodes that advertise a toolchain run it)."""
    if samples < 1:
        raise UserError("--samples must be at least 1")
    challenges = load_challenges(tasks_path)
    if len(challenges) * samples > MAX_ATTEMPTS:  # refused before any task is rechecked or attempted
        raise UserError(f"{len(challenges):,} tasks x {samples:,} samples is more than {MAX_ATTEMPTS:,} attempts "
                        "(docs/limits.md); split the set or lower --samples")
    by_id = {c.id: c for c in challenges}
    run_dir.mkdir(parents=True, exist_ok=True)
    identity = {
        "format": RUN_FORMAT,
        "tasks_digest": _tasks_digest(challenges),
        "prover": prover.identity(),
        "track": track.value,
        "checker": checker.describe() if checker else None,
    }
    with _RunLock(run_dir), RunStore(run_dir / STORE_NAME) as store:
        previous = store.get_meta("identity")
        if previous is not None and previous != identity:
            changed = sorted(k for k in identity if previous.get(k) != identity[k])
            raise RunMismatchError(
                f"this directory holds a different run (differs in: {', '.join(changed)}); use another --out",
                SourceLocation(str(run_dir)),
            )
        if previous is None:
            store.set_meta("identity", identity)
            paths = [tasks_path] if isinstance(tasks_path, Path) else list(tasks_path)
            store.set_meta("tasks_path", [str(p) for p in paths])
        store.set_meta("samples", max(samples, store.get_meta("samples") or 0))
        store.set_meta("prover_spec", prover.spec)

        known = store.task_ids()
        fresh = [recheck_task(c, recheck) for c in challenges if c.id not in known]
        if fresh:
            store.put_tasks(fresh)
        eligible = [t.task_id for t in store.tasks() if is_eligible(t)]

        # An endpoint outage is not a failed proof: its attempts are asked again (unless the user
        # keeps them with --no-retry-errors), so it does not count against pass@k.
        retried = store.forget_attempts(Category.PROVER_ERROR.value) if retry_errors else 0
        done = store.done_pairs()
        pending = [(by_id[t], i) for t in eligible for i in range(samples) if (t, i) not in done]
        total = len(eligible) * samples
        finished = total - len(pending)
        if on_progress:
            on_progress(finished, total)
        new = 0

        own_executor = executor is None
        pool = executor or LocalExecutor(max(1, prover.concurrency), threads=True)
        unit = functools.partial(attempt_unit, prover, track, checker)
        wanted = dict(lean_resources or {}) if checker is not None else {}
        # A prover with concurrency > 1 talks to an endpoint whose limit that is, wherever the
        # attempts run; one with concurrency 1 computes in-process, so on a cluster it fills
        # every CPU (the executor's own bound).
        in_flight = 2 * prover.concurrency if own_executor or prover.concurrency > 1 else None
        try:
            # Results are committed as they arrive; the store's (task, sample) key makes the
            # order irrelevant to what is stored, and a resumed run skips committed pairs.
            for _, row in pool.as_completed(unit, pending, in_flight, wanted):
                if store.put_attempt(row):
                    new += 1
                finished += 1
                if on_progress:
                    on_progress(finished, total)
        finally:
            if own_executor:
                pool.close()

        statuses: dict[str, int] = {}
        for a in store.attempts():
            statuses[a.status] = statuses.get(a.status, 0) + 1
        return RunOutcome(
            run_dir, len(challenges), len(eligible), store.attempt_count(), new, dict(sorted(statuses.items())), retried
        )
