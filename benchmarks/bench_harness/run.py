"""Prover-benchmark harness speed: challenge generation, a full symbolic `bench run` over a
Busy Beaver + MBA set (with ground-truth re-verification), a no-op resume, a resume after
`kill -9`, the static acceptance-policy screen, the pass@k estimator and `bench report`.

No Lean toolchain is used (`checker=None`, as `bench run` does when none is found), so every proof
that passes the static screen is recorded as `unchecked`: these figures are the harness's own cost,
not Lean's.

Run: python benchmarks/bench_harness/run.py [--quick] [--count N]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _results import record_results  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from axiomforge.bench.challenges import load_challenges  # noqa: E402
from axiomforge.bench.metrics import group_pass_at_k, pass_at_k, pass_at_k_exact  # noqa: E402
from axiomforge.bench.plugins import make_prover  # noqa: E402
from axiomforge.bench.report import write_report  # noqa: E402
from axiomforge.bench.runner import generator_recheck, run_benchmark  # noqa: E402
from axiomforge.bench.store import STORE_NAME, RunStore  # noqa: E402
from axiomforge.generators.busy_beaver.challenge_set import generate_challenges as generate_bb  # noqa: E402
from axiomforge.generators.mba.synthesis import generate_challenges as generate_mba  # noqa: E402
from axiomforge.lean.policy import Track, screen_source  # noqa: E402
from axiomforge.lean.source import lex  # noqa: E402

Row = tuple[str, str, str, str]
TIMING_FIELDS = ("prover_seconds", "check_seconds")


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, value)."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def attempt_rows(run_dir: Path, with_timings: bool = False) -> list[tuple[Any, ...]]:
    """A run's attempt rows, sorted by (task, sample); without the wall-clock fields unless asked."""
    with RunStore.open_existing(run_dir) as store:
        rows = list(store.attempts())
    keep = [f for f in rows[0].__dataclass_fields__ if with_timings or f not in TIMING_FIELDS] if rows else []
    return [tuple(getattr(r, f) for f in keep) for r in rows]


def committed_attempts(db: Path) -> int:
    """Attempts committed so far by a run another process is writing (0 if it has none yet)."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def cli_run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def new_attempts(stdout: str) -> int:
    match = re.search(r"\((\d+) new\)", stdout)
    assert match, f"unexpected `bench run` output: {stdout!r}"
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100 tasks per set instead of 500")
    parser.add_argument("--count", type=int, help="tasks per set (overrides --quick)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = args.count or (100 if args.quick else 500)
    rows: list[Row] = []
    checks: list[str] = []
    wall_start = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="bench-harness-") as tmp_name:
        tmp = Path(tmp_name)
        bb_dir, mba_dir = tmp / "sets" / "bb", tmp / "sets" / "mba"
        sets = [bb_dir, mba_dir]

        # -- challenge generation (what `axiomforge gen bb|mba` calls, with the CLI's defaults) --------
        t, cpu, bb = timed(lambda: generate_bb(n, args.seed, bb_dir, progress=None, states=(2, 3, 4, 5), symbols=2,
                                               max_steps=5000, false_fraction=0.25))
        rows.append((f"`gen bb`: {n} tasks, seed {args.seed} (in-process, incl. writing)", f"{t:.2f} s",
                     f"{len(bb.records) / t:,.0f} tasks/s", f"CPU {cpu:.2f} s"))
        t, cpu, _ = timed(lambda: generate_mba(n, args.seed, mba_dir))
        mba_count = sum(1 for _ in (mba_dir / "challenges.jsonl").open())
        rows.append((f"`gen mba`: {n} tasks, seed {args.seed} (in-process, incl. writing)", f"{t:.2f} s",
                     f"{mba_count / t:,.0f} tasks/s", f"CPU {cpu:.2f} s"))
        t, cpu, challenges = timed(lambda: load_challenges(sets))
        tasks = len(challenges)
        load_s = t
        rows.append((f"load + validate both sets ({tasks} records)", f"{t:.3f} s", f"{tasks / t:,.0f} tasks/s",
                     f"CPU {cpu:.2f} s; part of every `bench run`, resumes included"))

        # -- full `bench run`: symbolic prover, native track, no Lean ----------------------------------
        recheck = generator_recheck()
        assert recheck is not None, "axiomforge.generators.recheck is not importable"
        recheck_s = 0.0

        def timed_recheck(record: Any) -> tuple[bool, str]:
            nonlocal recheck_s
            start = time.perf_counter()
            try:
                return recheck(record)
            finally:
                recheck_s += time.perf_counter() - start

        run_dir = tmp / "runs" / "full"
        t, cpu, outcome = timed(lambda: run_benchmark(sets, run_dir, make_prover("symbolic"), 1, Track.NATIVE,
                                                      None, timed_recheck))
        full_s = t
        assert outcome.attempts_new == outcome.attempts_total == outcome.eligible_tasks
        statuses = ", ".join(f"{k} {v}" for k, v in outcome.statuses.items())
        with RunStore.open_existing(run_dir) as store:
            attempts = list(store.attempts())
            recheck_status = Counter(task.recheck for task in store.tasks())
        prover_s = sum(a.prover_seconds for a in attempts)
        categories = Counter(a.category for a in attempts if a.category)
        rows.append((f"`bench run --prover symbolic --track native`, {tasks} tasks × 1 sample (in-process)",
                     f"{t:.2f} s", f"{outcome.attempts_total / t:,.0f} attempts/s",
                     f"CPU {cpu:.2f} s; {outcome.eligible_tasks}/{tasks} scored; {statuses}"))
        rows.append(("  ↳ ground-truth re-verification (generators' `recheck`)", f"{recheck_s:.2f} s",
                     f"{tasks / recheck_s:,.0f} tasks/s",
                     ", ".join(f"{k} {v}" for k, v in sorted(recheck_status.items()))))
        rows.append(("  ↳ prover (`proof_from_certificate` + insertion), sum of `prover_seconds`", f"{prover_s:.2f} s",
                     f"{len(attempts) / prover_s:,.0f} attempts/s",
                     ", ".join(f"{k} {v}" for k, v in sorted(categories.items())) or ""))
        rest_s = full_s - recheck_s - prover_s
        rows.append(("  ↳ the rest: loading, screen, one committed SQLite transaction per attempt",
                     f"{rest_s:.2f} s", f"{rest_s / len(attempts) * 1e3:.1f} ms/attempt",
                     "split further below (load, screen rows)"))

        # -- the same command again on the finished run: nothing to do ----------------------------------
        before = attempt_rows(run_dir, with_timings=True)
        t, _, again = timed(lambda: run_benchmark(sets, run_dir, make_prover("symbolic"), 1, Track.NATIVE, None,
                                                  recheck))
        assert again.attempts_new == 0 and again.attempts_total == outcome.attempts_total
        assert attempt_rows(run_dir, with_timings=True) == before, "a no-op resume changed the store"
        rows.append(("same command on the finished run (no-op resume)", f"{t:.3f} s", "",
                     f"0 new attempts, {again.attempts_total} rows byte-identical; mostly load + validate"))
        checks.append("no-op resume added nothing and left every row unchanged")

        # -- resume after kill -9 vs an uninterrupted run, both through the CLI -------------------------
        env = dict(os.environ, NO_COLOR="1")
        env.pop("AXIOMFORGE_LEAN", None)

        def cli(out: Path) -> list[str]:
            cmd = [sys.executable, "-m", "axiomforge", "bench", "run"]
            for s in sets:
                cmd += ["--tasks", str(s)]
            return cmd + ["--prover", "symbolic", "--track", "native", "--out", str(out), "--no-progress"]

        cli_full_s, cli_out = cli_run(cli(tmp / "runs" / "cli-full"), env)
        assert new_attempts(cli_out) == outcome.attempts_total
        rows.append(("same run through the CLI, uninterrupted (fresh process)", f"{cli_full_s:.2f} s",
                     f"{outcome.attempts_total / cli_full_s:,.0f} attempts/s", "incl. interpreter start + imports"))

        killed_dir = tmp / "runs" / "cli-killed"
        proc = subprocess.Popen(cli(killed_dir), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.perf_counter()
        first_commit = None
        while proc.poll() is None:
            count = committed_attempts(killed_dir / STORE_NAME)
            now = time.perf_counter()
            if count and first_commit is None:
                first_commit = now
            if first_commit is not None and (now - first_commit >= 1.0 or count >= outcome.attempts_total // 3):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait()
        killed_s = time.perf_counter() - start
        assert proc.returncode == -signal.SIGKILL, f"the run finished before it could be killed ({proc.returncode})"
        at_kill = committed_attempts(killed_dir / STORE_NAME)
        resume_s, resume_out = cli_run(cli(killed_dir), env)
        resumed_new = new_attempts(resume_out)
        assert at_kill + resumed_new == outcome.attempts_total, (at_kill, resumed_new)
        reference = attempt_rows(run_dir)
        assert attempt_rows(killed_dir) == reference, "the resumed run differs from the uninterrupted one"
        assert attempt_rows(tmp / "runs" / "cli-full") == reference, "CLI and in-process runs differ"
        total_s = killed_s + resume_s
        rows.append(("CLI run killed with SIGKILL ~1 s after its first commit, then the same command again",
                     f"{killed_s:.2f} + {resume_s:.2f} = {total_s:.2f} s",
                     f"{total_s / cli_full_s:.2f}× uninterrupted",
                     f"{at_kill} attempts survived the kill, {resumed_new} new on resume; rows identical"))
        checks.append(f"kill -9 after {at_kill} committed attempts, then resume: {resumed_new} new attempts, no"
                      " duplicates, and the attempt rows (all fields but the timings) equal the uninterrupted"
                      " in-process and CLI runs'")

        # -- static acceptance-policy screen over every symbolic proof ---------------------------------
        by_id = {c.id: c for c in challenges}
        proofs = [(a.candidate, by_id[a.task_id]) for a in attempts if a.candidate is not None]

        def screen_all() -> int:
            return sum(
                not screen_source(cand, c.lean, c.theorem_name, c.lean_statement, Track.NATIVE) for cand, c in proofs
            )

        best, passed = float("inf"), 0
        for _ in range(3):
            lex.cache_clear()  # each repetition lexes every text afresh, as a run does
            t, _, passed = timed(screen_all)
            best = min(best, t)
        assert passed == outcome.statuses.get("unchecked", 0)
        chars = sum(len(cand) for cand, _ in proofs)
        rows.append((f"`screen_source` (native track) over all {len(proofs)} symbolic proofs, best of 3",
                     f"{best:.3f} s", f"{len(proofs) / best:,.0f} proofs/s",
                     f"{passed} pass; {chars / best / 1e6:.1f} MB/s of Lean source (mean {chars // len(proofs):,} chars)"))
        sqlite_s = rest_s - load_s - best
        rows.append(("  ↳ so the full run's SQLite commits + thread pool ≈ rest − load − screen", f"{sqlite_s:.2f} s",
                     f"{sqlite_s / len(attempts) * 1e3:.1f} ms/attempt", "`PRAGMA synchronous=FULL`: an fsync per attempt"))

        # -- pass@k estimator --------------------------------------------------------------------------
        rng = random.Random(0)
        triples = []
        for _ in range(10_000):
            samples = rng.randint(1, 256)
            triples.append((samples, rng.randint(0, samples), rng.choice([k for k in (1, 8, 32, 128) if k <= samples])))
        best = min(timed(lambda: [pass_at_k(*x) for x in triples])[0] for _ in range(3))
        rows.append(("`pass_at_k(n, c, k)`, 10,000 random triples (n ≤ 256, k ∈ {1, 8, 32, 128}), best of 3",
                     f"{best * 1e3:.1f} ms", f"{len(triples) / best:,.0f} evals/s", "exact integers, one float at the end"))
        assert all(0.0 <= pass_at_k(*x) <= 1.0 for x in triples[:100])
        assert pass_at_k_exact(256, 1, 1) * 256 == 1
        tasks_nc = [(x[0] + 32, rng.randint(0, x[0] + 32)) for x in triples]
        t, _, score = timed(lambda: group_pass_at_k(tasks_nc, (1, 8, 32)))
        rows.append(("`group_pass_at_k` over 10,000 tasks, k = 1, 8, 32", f"{t * 1e3:.1f} ms",
                     f"{3 * len(tasks_nc) / t:,.0f} evals/s", f"pass@32 = {score.pass_at[32]:.4f}"))

        # -- bench report: Markdown + HTML + SVG plots + JSONL ------------------------------------------
        digests = []
        for label in ("first call in the process (imports matplotlib, jinja2)", "second call (same run)"):
            t, _, files = timed(lambda: write_report(run_dir))
            paths = [files.markdown, files.html, files.jsonl, *files.plots]
            size = sum(p.stat().st_size for p in paths)
            digests.append(hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest())
            rows.append((f"`bench report`: report.md + report.html + 2 SVG plots + attempts.jsonl, {label}",
                         f"{t:.2f} s", f"{len(attempts) / t:,.0f} attempts/s", f"{size / 1e6:.2f} MB written"))
        assert digests[0] == digests[1], "two reports of the same store differ"
        checks.append("two `bench report`s of the same store are byte-identical")

    elapsed = time.perf_counter() - wall_start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(("peak RSS (`getrusage` ru_maxrss)", "", "",
                 f"this process {own:.0f} MiB; largest `bench run` subprocess {child:.0f} MiB"))
    rows.append(("whole benchmark", f"{elapsed:.1f} s", "", ""))

    table = Table(title=f"Prover-benchmark harness ({n} + {n} tasks, symbolic prover, no Lean)")
    for col in ("what", "time", "rate", "notes"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    Console(width=200).print(table)
    for check in checks:
        print(f"ok: {check}")

    md = ["| what | time | rate | notes |", "|---|---|---|---|"]
    md += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    note = (
        f"`python benchmarks/bench_harness/run.py`: fresh `gen bb` and `gen mba` sets of {n} tasks each (seed "
        f"{args.seed}, CLI defaults), then `bench run --prover symbolic --track native` over both. **No Lean toolchain "
        "on this machine**, so no Lean check was made: every proof that passes the static policy screen is recorded "
        "as `unchecked`, and these figures are the harness's own cost (generation, ground-truth re-verification, "
        "screen, store, report), not Lean's. `no_proof` rejections are tasks whose generator gives no proof "
        "(`proof_from_certificate` returns None). The SQLite share is derived (run time minus the measured parts). "
        "Figures taken on a shared 2-core machine (other engines' work may run at the same time), so they are upper "
        "bounds.\n\nChecks: " + "; ".join(checks) + "."
    )
    record_results("bench_harness", "Prover-benchmark harness (bench_harness)", note + "\n\n" + "\n".join(md))


if __name__ == "__main__":
    main()
