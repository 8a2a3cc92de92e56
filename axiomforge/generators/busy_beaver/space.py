"""The 5-state space: a reproducible uniform sample of TNF leaves, and the full enumeration cut
into shards (pure, picklable work units) that can run anywhere, resume from a log and merge in
a fixed order.

Uniform sampling (`sample_space`). The TNF tree is far too large to count (about 1.3 · 10^8
leaves for 5 states with 130 TNF steps), and its subtrees differ wildly in size, so picking a
random child at each node would favour shallow leaves. Rejection fixes that exactly: a descent
that picks one of the b_i branches of every node it meets uniformly (b_i = the halting leaf plus
the children) reaches a given leaf with probability 1 / W, W = b_1 · b_2 · …; accepting it with
probability W / B, where B bounds every W, gives each leaf probability 1 / B per descent, the
same for all. B is the product over the 2n - 2 branching levels of 1 + 4 · min(level + 3, n)
(a child can target at most one state more than its parent uses); for 5 states
B = 13 · 17 · 21^6 ≈ 1.9 · 10^10 and about 0.66% of descents are accepted. The mean of W over all
descents is Knuth's unbiased estimate of the number of leaves. Leaves are drawn with
replacement from the seeded generator (splitmix64, in `jit.sample_leaves`), so a seed always
gives the same sample. The decided fraction is reported with a Wilson 95% interval, over all
leaves and over the candidates alone (leaves that are not halting leaves of the tree, the
machines that need a non-halting decider or a longer run).

Shards (`plan_shards`, `run_shard`). The tree is cut at a fixed depth: the nodes above it give
their halting leaves (the "top" part, computed while planning) and every node at the cut is the
root of one shard. A shard is a `Shard` (states, index, root table as bytes, limits), runs with
`run_shard` alone (no shared state) and returns a `ShardResult` (counts, champions, holdouts);
`merge` combines results in shard order, so the outcome does not depend on where or in which
order shards ran. `enumerate_space` runs them in turn, appending each result to a JSONL log
(one line per shard) and skipping the shards already in the log, so an interrupted run resumes.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from axiomforge.generators.busy_beaver.certificates import Certificate
from axiomforge.generators.busy_beaver.deciders import (
    DeciderLimits,
    StageStats,
    decide_halts,
    decide_nonhalting,
    nonhalting_stages,
)
from axiomforge.generators.busy_beaver.enumerate import Leaf, _root_array, default_limits

HALT_STEPS = 100_000
"""Candidates that no non-halting decider settles are simulated this far before they count as
holdouts (a candidate is a leaf that ran the TNF steps without reaching an undefined transition;
it may still reach one later, which is halting)."""


def sampling_bound(n_states: int) -> int:
    """B: an upper bound of the branch product W of every TNF leaf (see the module docstring)."""
    bound = 1
    for level in range(2 * n_states - 2):
        bound *= 1 + 4 * min(level + 3, n_states)
    return bound


@dataclass(frozen=True)
class Holdout:
    machine: str
    steps_simulated: int
    deciders_tried: tuple[str, ...]


@dataclass
class BatchResult:
    """Leaves with their certificates (None: a holdout), and per-stage statistics."""

    leaves: list[Leaf]
    stats: StageStats = field(default_factory=StageStats)

    def counts(self) -> dict[str, int]:
        c: Counter[str] = Counter(leaf.certificate["method"] if leaf.certificate else "undecided"
                                  for leaf in self.leaves)
        return dict(sorted(c.items()))


def decide_leaves(flats: Any, kind: Any, steps: Any, ones: Any, n_states: int, limits: DeciderLimits,
                  halt_steps: int) -> BatchResult:
    """Certificates for a batch of compiled leaves (int8 rows of `jit` codes): halting leaves
    directly, candidates by the compiled cycler batch, then the other non-halting deciders, then a
    longer halting run."""
    import numpy as np

    from axiomforge.generators.busy_beaver import jit

    count = len(kind)
    size = 2 * n_states
    buf = np.ascontiguousarray(flats[:count]).tobytes()
    codes = [buf[i : i + size] for i in range(0, count * size, size)]
    certs: list[Certificate | None] = [None] * count
    stats = StageStats()
    for i in np.flatnonzero(kind == 0).tolist():
        certs[i] = {"method": "halts", "steps": int(steps[i]), "ones": int(ones[i])}
    cand = np.flatnonzero(kind == 1)
    if len(cand):
        start = time.process_time()
        method, a, b, c = jit.cyclers_batch(np.ascontiguousarray(flats[cand]), limits.translated_steps,
                                            limits.cycler_steps, n_states)
        settled = int((method > 0).sum())
        stats.record("cyclers (compiled)", len(cand), settled, time.process_time() - start)
        for i, meth, x, y, z in zip(cand.tolist(), method.tolist(), a.tolist(), b.tolist(), c.tolist()):
            if meth == 1:
                certs[i] = {"method": "translated_cycler", "start": x, "period": y, "shift": z}
            elif meth == 2:
                certs[i] = {"method": "cycler", "start": x, "period": y}
            else:
                machine = Leaf(codes[i], None).machine
                cert = decide_nonhalting(machine, limits, compiled=True, skip_cyclers=True, stats=stats)
                if cert is None and halt_steps:
                    t0 = time.process_time()
                    cert = decide_halts(machine, halt_steps)
                    stats.record("halts (long run)", 1, cert is not None, time.process_time() - t0)
                certs[i] = cert
    return BatchResult(list(map(Leaf, codes, certs)), stats)


def deciders_tried(limits: DeciderLimits) -> tuple[str, ...]:
    return tuple(name for name, _ in nonhalting_stages(limits)) + ("halts",)


def holdouts_of(leaves: Iterable[Leaf], limits: DeciderLimits, halt_steps: int) -> list[Holdout]:
    tried = deciders_tried(limits)
    return [Holdout(leaf.machine.text(), halt_steps, tried) for leaf in leaves if leaf.certificate is None]


def write_holdouts(path: Path, n_states: int, holdouts: list[Holdout], origin: str) -> None:
    """bbchallenge's standard text format, one machine per line, then the steps it was simulated
    without halting and the deciders tried, tab-separated; `#` lines say where the list is from."""
    lines = [
        f"# axiomforge bb holdouts: {n_states}-state TNF leaves that no decider settled ({origin})",
        "# machine (bbchallenge standard text format)\tsteps simulated without halting\tdeciders tried",
    ]
    lines += [f"{h.machine}\t{h.steps_simulated}\t{','.join(h.deciders_tried)}" for h in holdouts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval (95% by default) of a binomial proportion."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class SampleReport:
    n_states: int
    seed: int
    size: int
    draws: int
    leaves_estimate: float
    leaves_estimate_stderr: float
    counts: dict[str, int]
    decided: int
    decided_fraction: float
    interval: tuple[float, float]
    holdouts: list[Holdout]
    stage_tried: dict[str, int]
    stage_settled: dict[str, int]
    stage_seconds: dict[str, float]
    sample_seconds: float  # CPU seconds (this process) drawing the sample
    decide_seconds: float  # CPU seconds deciding it
    candidates: int  # sampled leaves that are not halting leaves of the tree
    candidates_decided_fraction: float
    candidates_interval: tuple[float, float]
    leaves: list[Leaf] = field(repr=False, default_factory=list)  # the sample with its certificates

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "leaves"}
        out["holdouts"] = [h.machine for h in self.holdouts]
        return out


def sample_space(n_states: int, size: int, seed: int, limits: DeciderLimits | None = None,
                 halt_steps: int = HALT_STEPS, max_draws: int | None = None) -> SampleReport:
    """Decide `size` uniform TNF leaves drawn with `seed` (see the module docstring)."""
    import numpy as np

    from axiomforge.generators.busy_beaver import jit

    if not 2 <= n_states <= 5:
        raise ValueError("sampling supports 2 to 5 states")
    sim_steps, default = default_limits(n_states)
    limits = limits or default
    start = time.process_time()
    if not 0 <= seed < 2**64:
        raise ValueError("the seed must be between 0 and 2^64 - 1")
    flats, kind, steps, ones, accepted, draws, w_sum, w_sq = jit.sample_leaves(
        n_states, sim_steps, np.uint64(seed), size, max_draws or 10_000 * size + 10_000, sampling_bound(n_states))
    sampled = time.process_time()
    batch = decide_leaves(flats[:accepted], kind[:accepted], steps[:accepted], ones[:accepted], n_states,
                          limits, halt_steps)
    decided_at = time.process_time()
    counts = batch.counts()
    undecided = counts.get("undecided", 0)
    mean = w_sum / draws
    var = max(0.0, w_sq / draws - mean * mean)
    candidates = int((kind[:accepted] == 1).sum())
    return SampleReport(
        n_states, seed, accepted, draws, mean, math.sqrt(var / draws), counts, accepted - undecided,
        (accepted - undecided) / accepted if accepted else 0.0, wilson(accepted - undecided, accepted),
        holdouts_of(batch.leaves, limits, halt_steps), batch.stats.tried, batch.stats.settled,
        {k: round(v, 3) for k, v in batch.stats.seconds.items()}, round(sampled - start, 3),
        round(decided_at - sampled, 3), candidates,
        (candidates - undecided) / candidates if candidates else 0.0, wilson(candidates - undecided, candidates),
        batch.leaves,
    )


# --- shards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shard:
    """One subtree of the TNF tree: a pure work unit (picklable; `run_shard` needs nothing else)."""

    n_states: int
    index: int
    root: bytes  # the subtree root's table, `enumerate.Leaf.code` encoding
    halt_steps: int = HALT_STEPS


@dataclass(frozen=True)
class ShardResult:
    index: int
    root: str  # hex of the root, to check a log line against the plan
    leaves: int
    counts: dict[str, int]
    max_steps: int
    steps_champion: str
    max_ones: int
    ones_champion: str
    holdouts: list[str]
    seconds: float  # CPU seconds of the process that ran it

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @staticmethod
    def from_json(line: str) -> ShardResult:
        data = json.loads(line)
        return ShardResult(**data)


def plan_shards(n_states: int, depth: int = 2, halt_steps: int = HALT_STEPS) -> tuple[ShardResult, list[Shard]]:
    """Walk the tree down to `depth` branchings: the leaves met on the way form the "top" result
    (index -1), the nodes at the cut become shards, in depth-first order."""
    from axiomforge.generators.busy_beaver import jit

    sim_steps, limits = default_limits(n_states)
    start = time.process_time()
    root = _root_array(n_states)
    top_flats, top_kind, top_steps, top_ones = [], [], [], []
    shards: list[Shard] = []
    frontier = [(root, 0)]
    import numpy as np

    off = sim_steps + 2
    tape = np.zeros(2 * off + 1, dtype=np.int8)
    while frontier:
        flat, level = frontier.pop()
        if level == depth:
            shards.append(Shard(n_states, len(shards), flat.tobytes(), halt_steps))
            continue
        steps, state, head = jit._run_to_branch(flat, sim_steps, tape, off)
        if steps >= sim_steps:
            top_flats.append(flat.copy())
            top_kind.append(1)
            top_steps.append(0)
            top_ones.append(0)
            continue
        symbol = int(tape[head + off])
        slot = 2 * state + symbol
        halting = flat.copy()
        halting[slot] = 32 + 16  # 1RZ
        top_flats.append(halting)
        top_kind.append(0)
        top_steps.append(steps + 1)
        top_ones.append(int((tape != 0).sum()) + (symbol == 0))
        if int((flat < 0).sum()) <= 1:
            continue
        used = max(1, max(int(c) & 15 for c in flat if c >= 0))
        targets = used + 1 if used < n_states else used
        children = []
        for write in (0, 1):
            for right in (0, 1):
                for nxt in range(targets):
                    child = flat.copy()
                    child[slot] = write * 32 + right * 16 + nxt + 1
                    children.append((child, level + 1))
        frontier.extend(reversed(children))
    batch = decide_leaves(np.array(top_flats, dtype=np.int8).reshape(-1, 2 * n_states), np.array(top_kind),
                          np.array(top_steps), np.array(top_ones), n_states, limits, halt_steps)
    top = _result(-1, root.tobytes(), batch, time.process_time() - start)
    return top, shards


def run_shards(n_states: int, depth: int = 2, executor: Any = None) -> ShardResult:
    """The whole tree, in shards, with no log (2 to 4 states take seconds): the merge of the top
    part and every shard, run by `executor` (None: here, in order)."""
    top, shards = plan_shards(n_states, depth)
    results = executor.map(run_shard, shards) if executor is not None else [run_shard(s) for s in shards]
    return merge([top, *results])


def run_shard(shard: Shard) -> ShardResult:
    """Enumerate and decide one subtree."""
    import numpy as np

    from axiomforge.generators.busy_beaver import jit

    sim_steps, limits = default_limits(shard.n_states)
    start = time.process_time()
    root = np.frombuffer(shard.root, dtype=np.int8).copy()
    room = 1 << 14
    while True:
        flats, kind, steps, ones, count = jit.tnf_walk(shard.n_states, sim_steps, room, root)
        if count >= 0:
            break
        room *= 4
    batch = decide_leaves(flats[:count], kind[:count], steps[:count], ones[:count], shard.n_states, limits,
                          shard.halt_steps)
    return _result(shard.index, shard.root, batch, time.process_time() - start)


def _result(index: int, root: bytes, batch: BatchResult, seconds: float) -> ShardResult:
    best_steps = best_ones = None
    for leaf in batch.leaves:
        cert = leaf.certificate
        if cert and cert["method"] == "halts":
            if best_steps is None or cert["steps"] > best_steps[0]:
                best_steps = (cert["steps"], leaf)
            if best_ones is None or cert["ones"] > best_ones[0]:
                best_ones = (cert["ones"], leaf)
    return ShardResult(
        index, root.hex(), len(batch.leaves), batch.counts(),
        best_steps[0] if best_steps else 0, best_steps[1].machine.text() if best_steps else "",
        best_ones[0] if best_ones else 0, best_ones[1].machine.text() if best_ones else "",
        [leaf.machine.text() for leaf in batch.leaves if leaf.certificate is None], round(seconds, 3),
    )


def merge(results: list[ShardResult]) -> ShardResult:
    """All results in index order (the top part first): counts added, champions the first
    maximum, holdouts concatenated."""
    ordered = sorted(results, key=lambda r: r.index)
    counts: Counter[str] = Counter()
    for r in ordered:
        counts.update(r.counts)
    best_steps = max(ordered, key=lambda r: r.max_steps)  # max keeps the first of equal ones
    best_ones = max(ordered, key=lambda r: r.max_ones)
    return ShardResult(
        -2, "", sum(r.leaves for r in ordered), dict(sorted(counts.items())), best_steps.max_steps,
        best_steps.steps_champion, best_ones.max_ones, best_ones.ones_champion,
        [h for r in ordered for h in r.holdouts], round(sum(r.seconds for r in ordered), 3),
    )


def read_log(path: Path, shards: list[Shard]) -> dict[int, ShardResult]:
    """Results already in the log, checked against the plan (a line for another tree is an error)."""
    from axiomforge.errors import SourceLocation, UserError

    done: dict[int, ShardResult] = {}
    if not path.exists():
        return done
    roots = {s.index: s.root.hex() for s in shards}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            result = ShardResult.from_json(line)
        except (ValueError, TypeError) as exc:
            raise UserError(f"not a shard result: {exc}", SourceLocation(str(path), number, 1)) from None
        if result.index != -1 and roots.get(result.index) != result.root:
            raise UserError(f"shard {result.index} is not part of this enumeration's plan",
                            SourceLocation(str(path), number, 1))
        done[result.index] = result
    return done


def enumerate_space(n_states: int, log: Path, depth: int = 2, max_shards: int | None = None,
                    halt_steps: int = HALT_STEPS,
                    progress: Callable[[str], None] | None = None,
                    executor: Any = None) -> tuple[ShardResult, int, int]:
    """Run the shards not yet in `log` (at most `max_shards` of them this call), appending each
    result as one JSON line; returns (merge of everything in the log, shards done, shards in
    the plan). `executor` (an `axiomforge.executors.Executor`; None: one after the other, here)
    runs the shards anywhere; only this process appends to the log, as results arrive, and the
    merge is by shard index, so the result does not depend on which shard finished first."""
    top, shards = plan_shards(n_states, depth, halt_steps)
    done = read_log(log, shards)
    if -1 not in done:
        with log.open("a", encoding="utf-8") as fh:
            fh.write(top.to_json() + "\n")
        done[-1] = top
    todo = [s for s in shards if s.index not in done]
    if max_shards is not None:
        todo = todo[:max_shards]
    start = time.perf_counter()
    results: Iterable[tuple[int, ShardResult]] = (
        executor.as_completed(run_shard, todo) if executor is not None else ((i, run_shard(s)) for i, s in enumerate(todo))
    )
    for k, (position, result) in enumerate(results, 1):
        shard = todo[position]
        with log.open("a", encoding="utf-8") as fh:
            fh.write(result.to_json() + "\n")
        done[shard.index] = result
        if progress:
            elapsed = time.perf_counter() - start
            left = len(shards) - (len(done) - 1)
            progress(f"shard {shard.index + 1}/{len(shards)}: {result.leaves:,} leaves, "
                     f"{len(result.holdouts)} undecided, {result.seconds:.1f} s; {len(done) - 1}/{len(shards)} done, "
                     f"~{elapsed / k * left:,.0f} s left at this pace")
    return merge(list(done.values())), len(done) - 1, len(shards)
