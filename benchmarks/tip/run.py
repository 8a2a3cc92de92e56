"""Benchmark: goal-directed proving on the TIP benchmarks (default: the IsaPlanner set).

Each problem is imported (`axiomforge tip import`), its goal proved with `prove --goal`'s engine
(theory exploration, induction, case splits), and the proofs re-checked by the independent
checker; a problem counts as solved only when the checker accepts every theorem. Problems run
in parallel (one process each, `--jobs`, default all cores) with a limit per problem
(`--timeout`, in CPU seconds of the problem's process, which a shared machine's load does not
inflate; a process past it is stopped and counted as timed out; 10x the limit in wall-clock time
stops a stuck one). The time reported per problem is that CPU time (import, proof, check), the
wall time is shown beside it. Higher-order problems are counted as unsupported, not failed.

    python benchmarks/tip/run.py [--set DIR] [--timeout S] [--jobs N] [--no-record] [--only prop_01,…]
                                 [--executor ray [--ray-address HOST:PORT]]

Prints solved / unsupported / failed / timed-out with the time per problem and records the table
in benchmarks/RESULTS.md (section `tip_<set name>`).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

DEFAULT_SET = ROOT.parent / "shared" / "data" / "tip" / "isaplanner"
WALL_FACTOR = 10  # the limit is CPU time (the machine is shared); wall clock only catches a stuck process


def solve(path: str) -> dict[str, Any]:
    """Import, prove and check one problem (runs in a child process)."""
    import json

    from axiomforge.errors import UserError
    from axiomforge.logic.goals import goal_run_result, prove_goal
    from axiomforge.logic.ir import theory_to_json
    from axiomforge.logic.output import dumps, proofs_document
    from axiomforge.logic.parser import parse_theory_text
    from axiomforge.logic.tip import TipUnsupported, import_tip_file
    from axiomforge.proofs.checker import check_document

    start = time.perf_counter()
    try:
        text = import_tip_file(path)
    except TipUnsupported as err:
        return {"status": "unsupported", "seconds": time.perf_counter() - start, "detail": err.message}
    except UserError as err:
        return {"status": "failed", "seconds": time.perf_counter() - start, "detail": f"import: {err.message}"}
    theory = parse_theory_text(text, path + ".mpl")
    outcomes = [prove_goal(theory, g.name) for g in theory.goals]
    result = goal_run_result(theory, outcomes)
    report = check_document(json.loads(dumps(proofs_document(result))), theory_to_json(theory))
    seconds = time.perf_counter() - start
    proved = all(o.status == "proved" for o in outcomes)
    if not report.ok:
        return {"status": "failed", "seconds": seconds, "detail": "checker: " + report.summary().splitlines()[1]}
    if proved:
        lemmas = sum(len(o.theorems) - 1 for o in outcomes)
        method = "; ".join(o.theorems[-1].method for o in outcomes)
        return {"status": "solved", "seconds": seconds, "detail": f"{method}, {lemmas} lemma(s)"}
    statuses = ", ".join(o.status for o in outcomes)
    tried = sum(o.lemmas_tried for o in outcomes)
    return {"status": "failed", "seconds": seconds, "detail": f"{statuses} ({tried} lemma candidates tried)"}


def _child(path: str, queue: Any, cpu_limit: float) -> None:
    import resource

    limit = max(1, int(cpu_limit + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))  # SIGXCPU ends a problem past its CPU time
    try:
        result = solve(path)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["wall"] = result["seconds"]
        result["seconds"] = usage.ru_utime + usage.ru_stime
        if result["seconds"] > cpu_limit:
            result = {"status": "timeout", "seconds": result["seconds"], "wall": result["wall"],
                      "detail": f"over {cpu_limit:g} s CPU"}
        queue.put(result)
    except Exception as err:  # a crash is a failure of this problem, reported, not hidden
        queue.put({"status": "failed", "seconds": 0.0, "detail": f"crash: {type(err).__name__}: {err}"})


def run_all(files: list[Path], timeout: float, jobs: int) -> dict[str, dict[str, Any]]:
    """Every problem in its own process, at most `jobs` at a time, each killed after `timeout` s."""
    ctx = mp.get_context("fork")
    results: dict[str, dict[str, Any]] = {}
    todo = list(files)
    running: list[tuple[Path, Any, Any, float]] = []
    while todo or running:
        while todo and len(running) < jobs:
            path = todo.pop(0)
            queue = ctx.Queue()
            proc = ctx.Process(target=_child, args=(str(path), queue, timeout))
            proc.start()
            running.append((path, proc, queue, time.perf_counter()))
        time.sleep(0.02)
        still = []
        for path, proc, queue, started in running:
            elapsed = time.perf_counter() - started
            if not queue.empty():
                results[path.stem] = queue.get()
                proc.join()
            elif not proc.is_alive():
                proc.join()
                if not queue.empty():
                    results[path.stem] = queue.get()
                elif proc.exitcode in (-24, -9):  # SIGXCPU / SIGKILL from the CPU limit
                    results[path.stem] = {"status": "timeout", "seconds": timeout, "wall": elapsed,
                                          "detail": f"over {timeout:g} s CPU"}
                else:
                    results[path.stem] = {"status": "failed", "seconds": elapsed, "wall": elapsed,
                                          "detail": f"exit code {proc.exitcode}"}
            elif elapsed > WALL_FACTOR * timeout:  # a stuck process: the wall-clock safety net
                proc.kill()
                proc.join()
                results[path.stem] = {"status": "timeout", "seconds": timeout, "wall": elapsed,
                                      "detail": f"over {WALL_FACTOR * timeout:g} s wall clock"}
            else:
                still.append((path, proc, queue, started))
        running = still
    return results


def solve_one_limited(item: tuple[str, float]) -> tuple[str, dict[str, Any]]:
    """One problem under its CPU limit, in a child process of whichever worker runs this: the
    work unit of `--executor ray` (the problem files must be at the same path on every node)."""
    path, timeout = item
    return Path(path).stem, run_all([Path(path)], timeout, 1)[Path(path).stem]


def main() -> int:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="folder of .smt2 problems")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per problem (default 10)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel problems (default: cores)")
    parser.add_argument("--only", default="", help="comma-separated problem names (default: all)")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--executor", choices=("local", "ray"), default="local",
                        help="local: --jobs processes here (default); ray: one Ray task per problem")
    parser.add_argument("--ray-address", help="join an existing Ray cluster (HOST:PORT)")
    args = parser.parse_args()

    files = sorted(args.set.glob("*.smt2"))
    if args.only:
        wanted = set(args.only.split(","))
        files = [f for f in files if f.stem in wanted]
    if not files:
        print(f"error: no .smt2 problems in {args.set}", file=sys.stderr)
        return 2
    wall0 = time.perf_counter()
    if args.executor == "ray":
        from axiomforge.executors import ExecutorSpec, make_executor

        with make_executor(ExecutorSpec("ray", ray_address=args.ray_address)) as executor:
            results = dict(executor.map(solve_one_limited, [(str(f), args.timeout) for f in files]))
    else:
        results = run_all(files, args.timeout, max(1, args.jobs))
    wall = time.perf_counter() - wall0

    console = Console()
    table = Table(title=f"TIP {args.set.name}: {len(files)} problems, {args.timeout:g} s each, {args.jobs} jobs")
    for col in ("problem", "status", "cpu s", "wall s", "detail"):
        table.add_column(col, justify="right" if col.endswith(" s") else "left", overflow="fold")
    counts = {"solved": 0, "unsupported": 0, "failed": 0, "timeout": 0}
    for f in files:
        r = results[f.stem]
        counts[r["status"]] += 1
        table.add_row(f.stem, r["status"], f"{r['seconds']:.2f}", f"{r.get('wall', r['seconds']):.2f}",
                      str(r.get("detail", "")))
    console.print(table)
    solved_times = [results[f.stem]["seconds"] for f in files if results[f.stem]["status"] == "solved"]
    median = statistics.median(solved_times) if solved_times else 0.0
    worst = max(solved_times) if solved_times else 0.0
    summary = (f"solved {counts['solved']}, unsupported {counts['unsupported']}, failed {counts['failed']}, "
               f"timed out {counts['timeout']} (of {len(files)}); solved: median {median:.2f} s, max {worst:.2f} s "
               f"CPU per problem; whole run {wall:.1f} s wall")
    console.print(summary)
    if not args.no_record and not args.only:
        from _results import record_results

        lines = [
            f"Set `{args.set.name}` ({len(files)} problems), `--timeout {args.timeout:g}` s per problem, "
            f"`--jobs {args.jobs}`, on a shared machine where other work may run at the same time. "
            "Solved = goal proved and every theorem accepted by the independent checker.",
            "",
            f"**{summary}**",
            "",
            "| problem | status | CPU s | wall s | detail |",
            "|---|---|---|---|---|",
        ]
        for f in files:
            r = results[f.stem]
            detail = str(r.get("detail", "")).replace("|", "\\|")
            lines.append(f"| {f.stem} | {r['status']} | {r['seconds']:.2f} | {r.get('wall', r['seconds']):.2f} | {detail} |")
        record_results(f"tip_{args.set.name}", f"TIP {args.set.name}: goal-directed proving (benchmarks/tip)",
                       "\n".join(lines))
        console.print(f"recorded in benchmarks/RESULTS.md (section tip_{args.set.name})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
