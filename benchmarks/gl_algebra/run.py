"""Benchmark: theories without induction (groups, monoids, rings, lattices, Boolean algebras).

Each theory runs in its own process (so peak memory, maxrss, is per theory): finite models of
the axioms, goal-agnostic conjectures, Knuth-Bendix completion, every proof re-checked by the
independent checker. Prints one row per theory and records them in benchmarks/RESULTS.md
(section `gl_algebra`).

    python benchmarks/gl_algebra/run.py [--no-record] [--executor ray [--ray-address HOST:PORT]]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

THEORIES = ("groups", "monoids", "rings", "lattices", "boolean_algebra")
GROUP_SYSTEM = {
    "mul(e, v1) -> v1", "mul(inv(v1), v1) -> e", "mul(mul(v1, v2), v3) -> mul(v1, mul(v2, v3))",
    "mul(inv(v1), mul(v1, v2)) -> v2", "inv(e) -> e", "mul(v1, inv(v1)) -> e", "mul(v1, mul(inv(v1), v2)) -> v2",
    "mul(v1, e) -> v1", "inv(inv(v1)) -> v1", "inv(mul(v1, v2)) -> mul(inv(v2), inv(v1))",
}


def one(name: str) -> dict[str, object]:
    """Run one theory in this process; the row as a dict."""
    from axiomforge.logic.engine import expect_report, run_engine
    from axiomforge.logic.ir import formula_to_json, theory_to_json
    from axiomforge.logic.output import dumps, proofs_document
    from axiomforge.logic.parser import parse_theory_file
    from axiomforge.proofs.checker import check_document

    theory = parse_theory_file(ROOT / "theories" / f"{name}.mpl")
    start = time.perf_counter()
    result = run_engine(theory)
    wall = time.perf_counter() - start
    doc = json.loads(dumps(proofs_document(result)))
    algebra = result.algebra
    assert algebra is not None
    for exp_name, (statement, steps) in algebra.expect_proofs.items():  # laws derived for expect lines
        cites = sorted({str(s["ref"]) for s in steps if s["rule"] == "theorem"})
        doc["theorems"].append({"name": f"expect_{exp_name}", "statement": formula_to_json(statement),
                                "method": "completion", "cites": cites, "steps": steps})
    report = check_document(doc, theory_to_json(theory))
    # a proved law false in some model would be a false theorem: count them (must be 0)
    false_theorems = sum(
        1 for t in result.theorems for m in algebra.models if not m.satisfies(t.statement)
    )
    false_left = sum(1 for c in result.unproved for m in algebra.models if not m.satisfies(c.statement))
    expects = expect_report(result)
    missing = [str(e["name"]) for e in expects if not e["found"]]
    return {
        "theory": name,
        "theorems": len(result.theorems),
        "expect_found": sum(1 for e in expects if e["found"]),
        "expect_total": len(expects),
        "missing": missing,
        "seconds": round(wall, 2),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "model_sizes": result.summary.model_sizes,
        "completion_steps": algebra.completion_steps,
        "rules": len(algebra.rules),
        "complete": algebra.complete,
        "group_system": set(algebra.rules) == GROUP_SYSTEM,
        "unproved": len(result.unproved),
        "false_left": false_left,
        "false_theorems": false_theorems,
        "refuted": result.summary.candidates_refuted,
        "refuted_by_completion": result.summary.refuted_by_completion,
        "check_ok": report.ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--executor", choices=("local", "ray"), default="local",
                        help="local: one subprocess per theory, in turn (default); ray: one Ray task per theory "
                             "(peak memory is then the Ray worker's)")
    parser.add_argument("--ray-address", help="join an existing Ray cluster (HOST:PORT)")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return 0
    from rich.console import Console
    from rich.table import Table

    rows = []
    if args.executor == "ray":  # one Ray task per theory (docs/scale-out.md); rows in THEORIES order
        from axiomforge.executors import ExecutorSpec, make_executor

        with make_executor(ExecutorSpec("ray", ray_address=args.ray_address)) as executor:
            rows = executor.map(one, THEORIES)
    for name in THEORIES if not rows else ():
        out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    table = Table(title="theories without induction")
    cols = ("theory", "theorems", "expect", "s", "MiB", "model sizes", "completion", "unproved", "false left", "checker")
    for col in cols:
        table.add_column(col)
    lines = [
        f"{os.cpu_count()} CPUs visible; each theory in its own process; figures taken on a shared machine "
        "where other engines' builds and tests may run at the same time (a loaded 2-core box). "
        "`false left`: unproved candidates some model refutes (0 by construction); `false theorems`: "
        "proved laws false in a model found (must be 0; the tests also evaluate them in standard models).",
        "",
        "| theory | laws proved | expect lines proved | time | peak memory | finite models (sizes) | completion | unproved | false left | false theorems | checker |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ok = True
    for r in rows:
        comp = f"{r['completion_steps']} steps, {r['rules']} rules" + (", complete" if r["complete"] else "")
        if r["theory"] == "groups":
            comp += ", the 10-rule system" if r["group_system"] else ", NOT the 10-rule system"
        expect = f"{r['expect_found']}/{r['expect_total']}" + (f" (not: {', '.join(r['missing'])})" if r["missing"] else "")
        sizes = ", ".join(map(str, r["model_sizes"]))
        checker = "ok" if r["check_ok"] else "FAILED"
        ok = ok and bool(r["check_ok"]) and r["false_theorems"] == 0
        table.add_row(str(r["theory"]), str(r["theorems"]), expect, f"{r['seconds']:.1f}", str(r["peak_mib"]), sizes,
                      comp, str(r["unproved"]), str(r["false_left"]), checker)
        lines.append(
            f"| {r['theory']} | {r['theorems']} | {expect} | {r['seconds']:.1f} s | {r['peak_mib']} MiB | {sizes} | "
            f"{comp} | {r['unproved']} | {r['false_left']} | {r['false_theorems']} | {checker} |"
        )
    Console().print(table)
    if not args.no_record:
        from _results import record_results

        record_results("gl_algebra", "Theories without induction: models, completion (benchmarks/gl_algebra)", "\n".join(lines))
        print("recorded in benchmarks/RESULTS.md (section gl_algebra)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
