"""Benchmark: the whole hint-free Peano run, against Generative Logic v0.7's published figures.

Prints per-theorem time-to-prove, totals and peak memory (resource.getrusage maxrss of this
process, which includes the interpreter), re-checks every proof with the independent checker,
and records the figures in benchmarks/RESULTS.md (section `gl_peano`).

    python benchmarks/gl_peano/run.py [--theory theories/peano.mpl] [--workers N] [--no-record]

When recording, it also runs the other shipped theories (section `gl_breadth`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

GL_FIGURES = "GL v0.7 (C++), same kind of 2-vCPU machine: about 10.5 min and 1.4 GB peak for its Peano batch; 41 of 62 surviving conjectures proved, with hints-free runs taking far longer in the Python version."


def main() -> int:
    from rich.console import Console
    from rich.table import Table

    from axiomforge.logic.engine import EngineConfig, expect_report, run_engine
    from axiomforge.logic.ir import theory_to_json
    from axiomforge.logic.output import dumps, proofs_document
    from axiomforge.logic.parser import parse_theory_file
    from axiomforge.logic.terms import show_formula
    from axiomforge.proofs.checker import check_document

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--theory", type=Path, default=ROOT / "theories" / "peano.mpl")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    theory = parse_theory_file(args.theory)
    wall0 = time.perf_counter()
    result = run_engine(theory, EngineConfig(workers=args.workers))
    wall = time.perf_counter() - wall0
    doc = json.loads(dumps(proofs_document(result)))
    report = check_document(doc, theory_to_json(theory))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    expects = expect_report(result)
    found = sum(1 for e in expects if e["found"])
    infix = {f.name: f.infix for f in theory.functions if f.infix}
    s = result.summary

    console = Console()
    table = Table(title=f"{theory.name}: time to prove each theorem (in proof order)")
    for col in ("#", "theorem", "statement", "method", "steps", "ms"):
        table.add_column(col, justify="right" if col in ("#", "steps", "ms") else "left")
    rows = []
    for i, t in enumerate(result.theorems, 1):
        statement = show_formula(t.statement, infix)
        rows.append((i, t.name, statement, t.method, len(t.steps), t.seconds * 1000))
        table.add_row(str(i), t.name, statement, t.method, str(len(t.steps)), f"{t.seconds * 1000:.1f}")
    console.print(table)
    totals = Table(title="totals")
    totals.add_column("measure")
    totals.add_column("axiomforge", justify="right")
    totals.add_row("wall time, whole run (s)", f"{wall:.2f}")
    totals.add_row("  of which conjecturing (s)", f"{s.seconds_conjecture:.2f}")
    totals.add_row("  of which proving (s)", f"{s.seconds_prove:.2f}")
    totals.add_row("peak memory, maxrss (MiB)", f"{peak_mib:.0f}")
    totals.add_row("candidates generated / surviving", f"{s.candidates_generated} / {s.candidates_surviving}")
    totals.add_row("proved / redundant / unproved", f"{s.proved} / {s.redundant} / {s.unproved}")
    totals.add_row("expect lines found", f"{found}/{len(expects)}")
    totals.add_row("independent checker", "ok" if report.ok else "FAILED")
    console.print(totals)
    console.print(GL_FIGURES)

    if not args.no_record:
        from _results import record_results

        lines = [
            f"Theory `{args.theory.relative_to(ROOT) if args.theory.is_relative_to(ROOT) else args.theory}`, "
            f"`--workers {args.workers}`, {os.cpu_count()} CPUs visible; figures taken on a shared machine "
            "where other engines' builds and tests may run at the same time (a loaded 2-core box).",
            "",
            "| measure | axiomforge | GL v0.7 |",
            "|---|---|---|",
            f"| whole Peano run, wall time | {wall:.2f} s | about 10.5 min |",
            f"| peak memory | {peak_mib:.0f} MiB (maxrss) | about 1.4 GB |",
            f"| theorems proved (hint-free) | {s.proved} | 41 of 62 survivors |",
            f"| expect lines found | {found}/{len(expects)} | n/a |",
            f"| proofs re-checked by an independent checker | {'all ok' if report.ok else 'FAILED'} | own verifier, no acyclicity check |",
            f"| candidates generated / surviving the model / redundant | {s.candidates_generated} / {s.candidates_surviving} / {s.redundant} | 465 / 62 / n/a |",
            "",
            "Per-theorem time to prove (proof order):",
            "",
            "| # | theorem | statement | method | steps | ms |",
            "|---|---|---|---|---|---|",
        ]
        for i, name, statement, method, steps, ms in rows:
            lines.append(f"| {i} | {name} | `{statement}` | {method} | {steps} | {ms:.1f} |")
        record_results("gl_peano", "Generative Logic: Peano from the axioms (benchmarks/gl_peano)", "\n".join(lines))
        console.print("recorded in benchmarks/RESULTS.md (section gl_peano)")
        breadth_ok = _breadth(console)
        return 0 if report.ok and breadth_ok else 1
    return 0 if report.ok else 1


BREADTH = ("theories/lists.mpl", "benchmarks/gl_peano/peano_order.mpl", "theories/peano_exp.mpl")


def _breadth(console: Any) -> bool:
    """The same engine, unchanged, on the other shipped theories: one row each."""
    from _results import record_results
    from rich.table import Table

    from axiomforge.logic.engine import expect_report, run_engine
    from axiomforge.logic.ir import theory_to_json
    from axiomforge.logic.output import dumps, proofs_document
    from axiomforge.logic.parser import parse_theory_file
    from axiomforge.proofs.checker import check_document

    table = Table(title="breadth: other theories, same engine")
    for col in ("theory", "wall s", "candidates", "proved", "unproved", "expect found", "checker"):
        table.add_column(col)
    lines = ["| theory | wall s | candidates generated / surviving | proved | unproved | expect found | checker |",
             "|---|---|---|---|---|---|---|"]
    all_ok = True
    for rel in BREADTH:
        theory = parse_theory_file(ROOT / rel)
        t0 = time.perf_counter()
        result = run_engine(theory)
        wall = time.perf_counter() - t0
        report = check_document(json.loads(dumps(proofs_document(result))), theory_to_json(theory))
        expects = expect_report(result)
        found = f"{sum(1 for e in expects if e['found'])}/{len(expects)}"
        s = result.summary
        verdict = "ok" if report.ok else "FAILED"
        all_ok &= report.ok
        cells = (rel, f"{wall:.2f}", f"{s.candidates_generated} / {s.candidates_surviving}", str(s.proved),
                 str(s.unproved), found, verdict)
        table.add_row(*cells)
        lines.append("| " + " | ".join(f"`{c}`" if c == rel else c for c in cells) + " |")
    console.print(table)
    record_results("gl_breadth", "Generative Logic: other theories, same engine (benchmarks/gl_peano)", "\n".join(lines))
    console.print("recorded in benchmarks/RESULTS.md (section gl_breadth)")
    return all_ok


if __name__ == "__main__":
    sys.exit(main())
