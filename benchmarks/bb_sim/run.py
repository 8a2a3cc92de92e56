"""Busy Beaver simulator speed: the BB(5) champion with the macro simulator, per block size,
against the plain reference simulator; plus challenge generation and enumeration times.

Run: python benchmarks/bb_sim/run.py [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _results import record_results  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from axiomforge.generators.busy_beaver.challenge_set import generate_challenges  # noqa: E402
from axiomforge.generators.busy_beaver.enumerate import enumerate_tnf  # noqa: E402
from axiomforge.generators.busy_beaver.fast import simulate_fast  # noqa: E402
from axiomforge.generators.busy_beaver.machine import parse_machine  # noqa: E402
from axiomforge.generators.busy_beaver.reference import run_reference  # noqa: E402

BB5 = "1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA"


def best_of(n: int, fn):  # type: ignore[no-untyped-def]
    best, value = float("inf"), None
    for _ in range(n):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the 4-state tree and use fewer repeats")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    m = parse_machine(BB5)
    rows: list[tuple[str, str, str, str]] = []

    t, res = best_of(repeats, lambda: simulate_fast(m, 10**9))
    assert (res.steps, res.ones) == (47_176_870, 4098)
    rows.append(("BB(5) champion, macro simulator (block size chosen by probe, incl. probe)",
                 f"{t:.3f} s", f"{res.steps / t:,.0f} steps/s", f"k={res.block_size}, {res.macro_steps:,} macro steps"))
    for k in range(1, 7):
        t, res = best_of(repeats, lambda k=k: simulate_fast(m, 10**9, k))
        rows.append((f"BB(5) champion, macro simulator, block size {k}", f"{t:.3f} s",
                     f"{res.steps / t:,.0f} steps/s", f"{res.macro_steps:,} macro steps"))
    ref_steps = 2_000_000
    t, ref = best_of(1, lambda: run_reference(m, ref_steps))
    rate = ref.steps / t
    rows.append(("reference simulator, first 2,000,000 BB(5) steps", f"{t:.2f} s", f"{rate:,.0f} steps/s",
                 f"full run extrapolated: {47_176_870 / rate:.0f} s"))

    with tempfile.TemporaryDirectory() as tmp:
        t, _ = best_of(1, lambda: generate_challenges(1000, 0, tmp))
        rows.append(("gen bb 1000 challenges, seed 0 (in-process, with writing)", f"{t:.2f} s", "", ""))
        cmd = [sys.executable, "-m", "axiomforge", "gen", "bb", "--count", "1000", "--seed", "0", "--out", f"{tmp}/cli"]
        t, _ = best_of(1, lambda: subprocess.run(cmd, check=True, capture_output=True))
        digest = hashlib.sha256(Path(f"{tmp}/cli/challenges.jsonl").read_bytes()).hexdigest()[:16]
        rows.append(("`axiomforge gen bb --count 1000 --seed 0` (a fresh process)", f"{t:.2f} s", "",
                     f"challenges.jsonl sha256 {digest}…"))
    for n in (2, 3):
        t, rep = best_of(1, lambda n=n: enumerate_tnf(n))
        rows.append((f"TNF enumeration + deciders, {n} states", f"{t:.2f} s", f"{len(rep.leaves):,} leaves",
                     f"S={rep.max_steps}, Σ={rep.max_ones}, undecided {len(rep.undecided)}"))
    if not args.quick:
        t, rep = best_of(1, lambda: enumerate_tnf(4, decide=False, engine="jit"))
        rows.append(("TNF tree only (no deciders), 4 states, compiled", f"{t:.2f} s", f"{len(rep.leaves):,} leaves",
                     f"S={rep.max_steps}, Σ={rep.max_ones}"))
        cpu = time.process_time()
        t, rep = best_of(1, lambda: enumerate_tnf(4, engine="jit"))
        cpu = time.process_time() - cpu
        counts = ", ".join(f"{k} {v:,}" for k, v in rep.counts().items())
        rows.append(("TNF enumeration + deciders, 4 states, compiled (enumeration.py has the Python reference)",
                     f"{t:.1f} s wall, {cpu:.1f} s CPU", f"{len(rep.leaves):,} leaves",
                     f"S={rep.max_steps}, Σ={rep.max_ones}; {counts}"))

    table = Table(title="Busy Beaver simulation")
    for col in ("what", "time", "rate", "notes"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    Console(width=160).print(table)
    md = ["| what | time | rate | notes |", "|---|---|---|---|"]
    md += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    note = ("Simulator rows: pure Python, no C extension; the 4-state enumeration rows use the compiled (numba) "
            "engine. Figures taken on a shared, loaded 2-core machine (other engines' "
            "tests and benchmarks ran at the same time), so they are upper bounds. The issue's baseline for a "
            "naive pure-Python BB(5) run is 12.3 s.")
    record_results("bb_sim", "Busy Beaver simulator (bb_sim)", note + "\n\n" + "\n".join(md))


if __name__ == "__main__":
    main()
