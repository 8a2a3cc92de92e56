"""Busy Beaver enumeration figures: the 4-state space (compiled vs pure-Python reference, leaf by
leaf), machines per second per core per decider stage, certificate verification, a uniform
5-state sample, and the projected CPU time of the full 5-state enumeration.

Run: python benchmarks/bb_sim/enumeration.py [--sample 100000] [--seed 1] [--skip-python]
     [--verify-all] [--workers N]

Times are CPU seconds of this process (per core, whatever else runs) and wall seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _results import record_results  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from axiomforge.generators.busy_beaver import jit, space  # noqa: E402
from axiomforge.generators.busy_beaver.certificates import verify  # noqa: E402
from axiomforge.generators.busy_beaver.enumerate import Leaf, _root_array, default_limits, enumerate_tnf  # noqa: E402


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def _verify_chunk(items: list[tuple[bytes, dict[str, Any]]]) -> tuple[int, list[str]]:
    bad = []
    for code, cert in items:
        machine = Leaf(code, None).machine
        ok, why = verify(machine, cert)
        if not ok:
            bad.append(f"{machine.text()}: {why}")
    return len(items), bad


def verify_all(leaves: list[Leaf], workers: int) -> tuple[int, list[str], float]:
    """Every certificate through its verifier, in `workers` processes (FAR first: the slowest)."""
    items = [(leaf.code, leaf.certificate) for leaf in leaves if leaf.certificate is not None]
    items.sort(key=lambda it: it[1]["method"] != "finite_automata_reduction")
    chunks = [items[i::workers * 8] for i in range(workers * 8)]
    start = time.perf_counter()
    done, bad = 0, []
    with ProcessPoolExecutor(workers) as pool:
        for n, b in pool.map(_verify_chunk, chunks):
            done += n
            bad += b
    return done, bad, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-python", action="store_true", help="skip the pure-Python 4-state reference run")
    parser.add_argument("--verify-all", action="store_true", help="verify every 4-state certificate")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--shard", type=int, default=2, help="5-state shard used for the walk cost per leaf")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    wall, cpu, _ = timed(lambda: enumerate_tnf(2, engine="jit"))
    rows.append(("compiled kernels: first use in a process (load from numba's disk cache, or compile)",
                 f"{wall:.1f} s", f"{cpu:.1f} s", ""))
    wall, cpu, fast = timed(lambda: enumerate_tnf(4, engine="jit"))
    counts = fast.counts()
    rows.append(("4 states, compiled engine: every TNF leaf decided", f"{wall:.1f} s", f"{cpu:.1f} s",
                 f"{len(fast.leaves):,} leaves, S={fast.max_steps}, Σ={fast.max_ones}, "
                 f"undecided {counts.get('undecided', 0)}; " + ", ".join(f"{k} {v:,}" for k, v in counts.items())))
    if not args.skip_python:
        wall, cpu, slow = timed(lambda: enumerate_tnf(4, engine="python"))
        same = fast.leaves == slow.leaves and (fast.max_steps, fast.max_ones, fast.steps_champion) == (
            slow.max_steps, slow.max_ones, slow.steps_champion)
        rows.append(("4 states, pure-Python reference engine", f"{wall:.1f} s", f"{cpu:.1f} s",
                     f"leaves and certificates byte-identical to the compiled run: {same}"))
        assert same

    sim, limits = default_limits(4)
    flats, kind, steps, ones, count = jit.tnf_walk(4, sim, 1 << 20, _root_array(4))
    wall, cpu, batch = timed(lambda: space.decide_leaves(flats[:count], kind[:count], steps[:count], ones[:count],
                                                         4, limits, 0))
    stats = batch.stats
    stage_rows = [(stage, stats.tried[stage], stats.settled[stage], stats.seconds[stage]) for stage in stats.tried]

    if args.verify_all:
        done, bad, secs = verify_all(fast.leaves, args.workers)
        rows.append((f"4 states: every certificate re-checked by its verifier ({args.workers} processes)",
                     f"{secs:.0f} s", "", f"{done:,} verified, {len(bad)} rejected"))
        assert not bad, bad[:5]
    else:
        rng = random.Random(0)
        rare = [leaf for leaf in fast.leaves if leaf.certificate["method"] not in (
            "halts", "cycler", "translated_cycler", "finite_automata_reduction")]
        picked = rare + rng.sample(fast.leaves, 2000)
        wall, cpu, (done, bad) = timed(lambda: _verify_chunk([(leaf.code, leaf.certificate) for leaf in picked]))
        rows.append(("4 states: certificates re-checked (all non-cycler/non-FAR ones + 2,000 random)",
                     f"{wall:.0f} s", f"{cpu:.0f} s", f"{done:,} verified, {len(bad)} rejected"))
        assert not bad, bad[:5]

    wall, cpu, sample = timed(lambda: space.sample_space(5, args.sample, args.seed))
    lo, hi = sample.interval
    clo, chi = sample.candidates_interval
    rows.append((f"5 states: uniform sample of {sample.size:,} TNF leaves, seed {args.seed}", f"{wall:.0f} s",
                 f"{sample.sample_seconds:.0f} s draw + {sample.decide_seconds:.0f} s decide",
                 f"decided {sample.decided:,} = {100 * sample.decided_fraction:.4f}% (95% CI {100 * lo:.4f}-"
                 f"{100 * hi:.4f}%), holdouts {len(sample.holdouts)}; of the {sample.candidates:,} candidates "
                 f"(not halting leaves) {100 * sample.candidates_decided_fraction:.4f}% (95% CI {100 * clo:.4f}-"
                 f"{100 * chi:.4f}%); {sample.draws:,} descents, "
                 f"{sample.size / max(sample.decide_seconds, 1e-9):,.0f} machines/s per core deciding"))
    if args.verify_all:
        done, bad, secs = verify_all(sample.leaves, args.workers)
        rows.append((f"5 states: every certificate of the sample re-checked ({args.workers} processes)",
                     f"{secs:.0f} s", "", f"{done:,} verified, {len(bad)} rejected"))
        assert not bad, bad[:5]
    top, shards = space.plan_shards(5, 2)
    shard = shards[args.shard]
    wall, cpu, result = timed(lambda: space.run_shard(shard))
    walk_wall, walk_cpu, _ = timed(lambda: jit.tnf_walk(5, default_limits(5)[0], 1 << 22,
                                                        __import__("numpy").frombuffer(shard.root, dtype="int8").copy()))
    per_leaf_walk = walk_cpu / result.leaves
    per_leaf_decide = sample.decide_seconds / sample.size
    projected = sample.leaves_estimate * (per_leaf_walk + per_leaf_decide)
    rows.append((f"5 states: one shard (#{shard.index + 1} of {len(shards)}), walk + deciders", f"{wall:.0f} s",
                 f"{cpu:.0f} s", f"{result.leaves:,} leaves, {len(result.holdouts)} undecided; walk "
                 f"{1e6 * per_leaf_walk:.2f} µs/leaf"))
    rows.append(("5 states: projected full enumeration, one core", f"{projected / 3600:.1f} h", "",
                 f"{sample.leaves_estimate:,.0f} ± {sample.leaves_estimate_stderr:,.0f} leaves (Knuth estimate) × "
                 f"({1e6 * per_leaf_walk:.2f} µs walk + {1e6 * per_leaf_decide:.1f} µs deciding per leaf)"))

    table = Table(title="Busy Beaver enumeration")
    for col in ("what", "wall", "CPU", "notes"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console = Console(width=200)
    console.print(table)
    stage_table = Table(title="4 states: decider stages (CPU of this process)")
    for col in ("stage", "machines tried", "settled", "CPU s", "machines/s per core"):
        stage_table.add_column(col)
    for stage, tried, settled, secs in stage_rows:
        stage_table.add_row(stage, f"{tried:,}", f"{settled:,}", f"{secs:.2f}", f"{tried / max(secs, 1e-9):,.0f}")
    console.print(stage_table)
    sample_table = Table(title=f"5 states: the {sample.size:,}-leaf sample by decider")
    for col in ("certificate", "leaves", "stage tried", "stage settled", "stage CPU s"):
        sample_table.add_column(col)
    for method, n in sample.counts.items():
        sample_table.add_row(method, f"{n:,}", "", "", "")
    for stage in sample.stage_tried:
        sample_table.add_row(f"stage: {stage}", "", f"{sample.stage_tried[stage]:,}", f"{sample.stage_settled[stage]:,}",
                             f"{sample.stage_seconds[stage]:.2f}")
    console.print(sample_table)
    if sample.holdouts:
        console.print("holdouts: " + ", ".join(h.machine for h in sample.holdouts))

    md = ["| what | wall | CPU | notes |", "|---|---|---|---|"]
    md += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    md += ["", "4 states, per decider stage (the compiled engine; CPU seconds of this process):", "",
           "| stage | machines tried | settled | CPU s | machines/s per core |", "|---|---|---|---|---|"]
    md += [f"| {s} | {t:,} | {k:,} | {c:.2f} | {t / max(c, 1e-9):,.0f} |" for s, t, k, c in stage_rows]
    md += ["", f"5 states, the {sample.size:,}-leaf uniform sample (seed {args.seed}) by certificate: "
           + ", ".join(f"{k} {v:,}" for k, v in sample.counts.items())
           + (f"; holdouts: {', '.join(h.machine for h in sample.holdouts)}" if sample.holdouts else "") + "."]
    note = ("`benchmarks/bb_sim/enumeration.py`. Wall times depend on what else runs on the machine; CPU "
            "times are this process's own (one core).")
    if not args.no_record:
        record_results("bb_enum", "Busy Beaver enumeration (bb_enum)", note + "\n\n" + "\n".join(md))


if __name__ == "__main__":
    main()
