"""Scale-out: what Ray costs against the local process pool on this machine, and what the full
5-state Busy Beaver enumeration would take on a cluster.

1. Overhead: the same sharded work (the 3- and 4-state TNF trees, 96 and 112 shards) run by the
   local pool and by a local Ray with the same number of CPUs, in one run; the ratio is Ray's
   wall time over the pool's (Ray's start-up is reported on its own line).
2. Throughput: a reproducible uniform sample of 5-state shards (depth 3) run on Ray; leaves per
   second per core, and the leaves in the whole space estimated from the same plan (Knuth's
   estimator, `space.sample_space`), give the projected wall time on 16, 64 and 256 cores.

Run: python benchmarks/scale_out/run.py [--shards K] [--cpus N]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # loopback only

from _results import record_results  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from axiomforge.executors import LocalExecutor, RayExecutor  # noqa: E402
from axiomforge.generators.busy_beaver.space import merge, plan_shards, run_shard, sample_space  # noqa: E402


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shards", type=int, default=8, help="5-state shards (depth 3) to sample (default 8)")
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 1, help="CPUs for both executors")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    cpus = args.cpus
    rows: list[tuple[str, str, str, str]] = []

    t_start, ray_exec = timed(lambda: RayExecutor(num_cpus=cpus))
    rows.append(("Ray start-up (local, loopback)", f"{t_start:.1f} s", "", f"{cpus} CPUs"))
    ray_exec.map(run_shard, plan_shards(2)[1])  # warm the workers (imports, JIT compilation)
    with LocalExecutor(cpus) as pool:
        pool.map(run_shard, plan_shards(2)[1])
        for n in (3, 4):
            top, shards = plan_shards(n)
            t_local, local = timed(lambda shards=shards: pool.map(run_shard, shards))
            t_ray, on_ray = timed(lambda shards=shards: ray_exec.map(run_shard, shards))
            same = merge([top, *local]).counts == merge([top, *on_ray]).counts
            rows.append((f"{n} states, {len(shards)} shards: local pool vs Ray", f"{t_local:.2f} s / {t_ray:.2f} s",
                         f"ratio {t_ray / t_local:.2f}", f"{merge([top, *local]).leaves:,} leaves, same result: {same}"))

    _, shards5 = plan_shards(5, depth=3)
    picked = sorted(random.Random(args.seed).sample(range(len(shards5)), min(args.shards, len(shards5))))
    t5, results = timed(lambda: ray_exec.map(run_shard, [shards5[i] for i in picked]))
    leaves = sum(r.leaves for r in results)
    cpu_seconds = sum(r.seconds for r in results)
    per_core = leaves / cpu_seconds
    rows.append((f"5 states: {len(picked)} of {len(shards5):,} depth-3 shards on Ray", f"{t5:.1f} s",
                 f"{per_core:,.0f} leaves/s per core", f"{leaves:,} leaves, {sum(len(r.holdouts) for r in results)} undecided"))
    ray_exec.close()

    estimate = sample_space(5, 2000, args.seed)
    total = estimate.leaves_estimate
    rows.append(("5 states: leaves in the space (Knuth estimate, 2,000 probes)", "", f"{total:,.0f}",
                 f"± {estimate.leaves_estimate_stderr:,.0f} (1 s.e.)"))
    undecided = sum(len(r.holdouts) for r in results)
    rows.append(("5 states, projected full enumeration on 1 core", f"{total / per_core / 60:,.1f} min", "",
                 f"~{undecided / leaves * total:,.0f} holdouts expected at the sampled rate"))
    for cores in (16, 64, 256):
        minutes = total / (per_core * cores) / 60
        rows.append((f"5 states, projected full enumeration on {cores} cores", f"{minutes:,.2f} min", "",
                     "throughput per core above, perfect scaling (shards are independent)"))

    table = Table(title="Scale-out: local pool vs Ray, 5-state projection")
    for col in ("measurement", "time", "figure", "notes"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    Console(width=160).print(table)
    body = "| measurement | time | figure | notes |\n|---|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    body += ("\n\nThe projection assumes the sampled shards' throughput holds for the whole space; shards "
             "differ a lot in size and in how hard their machines are, so read it as an order of magnitude.")
    record_results("scale_out", "Scale-out: Ray vs the local pool, 5-state projection (benchmarks/scale_out)", body)


if __name__ == "__main__":
    main()
