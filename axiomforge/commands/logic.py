"""`axiomforge prove THEORY.mpl --out DIR`: discover and prove laws from a theory's axioms."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from axiomforge.commands._options import int_in
from axiomforge.errors import SourceLocation, UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prove",
        help="discover and prove laws from an MPL theory's axioms (Generative Logic)",
        description="Conjecture laws from the signature, filter them on finite models, prove them "
        "by rewriting, induction and case analysis, write DIR/proofs.json (+ proofs.lean, html) and "
        "re-check every proof with the independent checker.",
    )
    parser.add_argument("theory", type=Path, help="the .mpl theory file (or a GL prefix-notation .gl file)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--html", action="store_true", help="also write the browsable site to DIR/html")
    parser.add_argument("--json", action="store_true", help="print the run summary as JSON")
    parser.add_argument("--budget", type=int_in(1, 10_000_000), default=3000,
                        help="rewrite steps per proof attempt (default 3000, at most 10,000,000)")
    parser.add_argument("--max-size", type=int_in(1, 9), default=7,
                        help="largest term size the conjecturer enumerates (default 7, at most 9)")
    parser.add_argument("--workers", type=int_in(1, 256), default=1, help="processes for independent goals (default 1)")
    parser.add_argument("--goal", action="append", default=[], metavar="NAME",
                        help="prove the file's goal NAME (theory exploration over its symbols, induction, "
                             "case splits) instead of exploring the whole theory; may be repeated")
    parser.add_argument("--goals", action="store_true", help="prove every goal of the file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from axiomforge.logic.conjecture import ConjectureConfig
    from axiomforge.logic.engine import EngineConfig
    from axiomforge.logic.prover import ProverConfig
    from axiomforge.prove import load_theory, prove_theory

    if args.out.exists() and not args.out.is_dir():  # refused before the engine runs, the file kept
        raise UserError("is a file, expected an output directory", SourceLocation(str(args.out)))
    theory = load_theory(args.theory)
    if args.goal or args.goals:
        return _run_goals(args, theory)
    config = EngineConfig(
        conjecture=ConjectureConfig(max_size=args.max_size),
        prover=ProverConfig(rewrite_budget=args.budget),
        workers=args.workers,
    )
    progress = _Progress(enabled=not args.json and sys.stderr.isatty())
    try:
        outcome = prove_theory(theory, args.out, config, html=args.html, on_event=progress.event)
    finally:
        progress.stop()
    check = {"ok": outcome.check_ok, "summary": outcome.check_summary, "failures": outcome.check_failures}
    if args.json:
        from axiomforge.logic.output import summary_json

        data = summary_json(outcome.result, check)
        data["files"] = {
            "proofs": str(outcome.proofs_path),
            "lean": str(outcome.lean_path) if outcome.lean_path else None,
            "html": str(outcome.html_index) if outcome.html_index else None,
        }
        print(json.dumps(data, indent=2))
    else:
        _print_summary(outcome)
    return 0 if outcome.check_ok else 1


class _Progress:
    """A rich progress line that appears only once a run has taken more than a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()
        self.progress: Any = None
        self.task: Any = None
        self.proved = 0
        self.stage = "conjecturing"

    def event(self, kind: str, data: dict[str, object]) -> None:
        if kind == "proved":
            self.proved = int(str(data.get("count", self.proved)))
            self.stage = f"proved {data.get('name')}"
        elif kind == "layer":
            self.stage = f"round {data.get('round')}, size {data.get('size')}: {data.get('goals')} goals"
        elif kind == "candidates":
            self.stage = f"{data.get('count')} candidates"
        if not self.enabled or time.perf_counter() - self.start < 1.0:
            return
        if self.progress is None:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("")
        self.progress.update(self.task, description=f"{self.proved} theorems · {self.stage}")

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_summary(outcome) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from axiomforge.logic.engine import expect_report
    from axiomforge.logic.terms import show_formula

    result = outcome.result
    s = result.summary
    infix = {f.name: f.infix for f in result.theory.functions if f.infix}
    notation = {f.name: getattr(f, "notation", None) for f in result.theory.functions}
    console = Console()
    table = Table(title=f"theorems of {result.theory.name}")
    for col in ("#", "theorem", "statement", "method", "steps", "seconds"):
        table.add_column(col, min_width=34 if col == "statement" else None, overflow="fold")
    for i, t in enumerate(result.theorems, 1):
        table.add_row(
            str(i), escape(t.name), escape(_pretty(t.statement, result.theory, infix, notation, show_formula)),
            t.method, str(len(t.steps)), f"{t.seconds:.3f}",
        )
    console.print(table)
    summary = Table(title="run summary")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    for label, value in (
        ("candidates generated", s.candidates_generated),
        ("refuted by the finite model" if not s.model_sizes else "refuted by finite models", s.candidates_refuted),
        ("duplicates (renaming, axioms)", s.candidates_duplicate),
        ("surviving candidates", s.candidates_surviving),
        ("redundant (follow by rewriting)", s.redundant),
        ("proved", s.proved),
        ("unproved", s.unproved),
        ("time: conjecture (s)", f"{s.seconds_conjecture:.2f}"),
        ("time: prove (s)", f"{s.seconds_prove:.2f}"),
        ("time: total (s)", f"{s.seconds_total:.2f}"),
        ("peak memory (MiB)", f"{s.peak_memory_mib:.0f}"),
    ):
        summary.add_row(label, str(value))
    if s.model_sizes:
        summary.add_row("finite models of the axioms (sizes)", ", ".join(map(str, s.model_sizes)))
    algebra = getattr(result, "algebra", None)
    if algebra is not None:
        summary.add_row("refuted by the complete rewrite system", str(s.refuted_by_completion))
        state = "complete" if algebra.complete else ("saturated" if algebra.saturated else "not saturated")
        summary.add_row("completion", f"{algebra.completion_steps} steps, {len(algebra.rules)} rules, {state}")
    console.print(summary)
    for warning in s.warnings:
        console.print(f"[bold yellow]warning:[/bold yellow] {escape(warning)}")
    expects = expect_report(result)
    if expects:
        found = sum(1 for e in expects if e["found"])
        console.print(f"expect: {found}/{len(expects)} found")
        for e in expects:
            mark = "[green]found[/green]" if e["found"] else "[red]not found[/red]"
            extra = f" as {e['theorem']}" + (f" ({e['how']})" if e["how"] != "exact" else "") if e["found"] else ""
            if e["found"] and e["theorem"] is None:
                extra = f" ({e['how']})"
            console.print(f"  {mark} {escape(str(e['name']))}{escape(extra)}")
    verdict = "[green]ok[/green]" if outcome.check_ok else "[red]FAILED[/red]"
    console.print(f"independent checker re-checked every proof: {verdict} ({escape(outcome.check_summary)})")
    for failure in outcome.check_failures[:20]:
        console.print(f"  {escape(failure)}")
    files = [str(outcome.proofs_path)]
    if outcome.lean_path:
        files.append(str(outcome.lean_path))
    if outcome.html_index:
        files.append(str(outcome.html_index))
    console.print("wrote " + ", ".join(files))


def _pretty(statement, theory, infix, notation, show_formula) -> str:  # type: ignore[no-untyped-def]
    try:
        from axiomforge.logic.pretty import format_formula

        return str(format_formula(statement, theory))
    except Exception:  # the language engineer's printer is optional here
        return show_formula(statement, {**{k: v for k, v in notation.items() if v}, **infix})


def _run_goals(args: argparse.Namespace, theory: Any) -> int:
    """`prove FILE --goal NAME` / `--goals`: exit 0 when every goal is proved and every proof
    checks, 1 otherwise (a goal left unproved or refuted is a failed check of the user's claim)."""
    from rich.console import Console
    from rich.markup import escape

    from axiomforge.logic.goals import GoalConfig
    from axiomforge.logic.pretty import format_formula
    from axiomforge.prove import prove_goals

    known = [g.name for g in theory.goals]
    names = list(known) if args.goals else list(dict.fromkeys(args.goal))
    for name in names:
        if name not in known:
            listed = ", ".join(known) if known else "none"
            raise UserError(f"no goal named {name} (the file's goals: {listed})", SourceLocation(str(args.theory)))
    if not names:
        raise UserError("the file declares no goal (write `goal NAME : formula`)", SourceLocation(str(args.theory)))
    config = GoalConfig(rewrite_budget=max(args.budget, GoalConfig().rewrite_budget), max_size=min(args.max_size, 6))
    outcomes, outcome = prove_goals(theory, names, args.out, config, html=args.html)
    all_proved = all(o.status == "proved" for o in outcomes)
    if args.json:
        data = {
            "theory": theory.name,
            "goals": [
                {"name": o.name, "status": o.status, "seconds": round(o.seconds, 3),
                 "lemmas_tried": o.lemmas_tried, "lemmas_proved": o.lemmas_proved,
                 "theorems": [t.name for t in o.theorems],
                 "counterexample": ({v.name: format_formula_term(t, theory) for v, t in o.counterexample.items()}
                                    if o.counterexample else None)}
                for o in outcomes
            ],
            "check": {"ok": outcome.check_ok, "summary": outcome.check_summary, "failures": outcome.check_failures},
            "files": {"proofs": str(outcome.proofs_path),
                      "lean": str(outcome.lean_path) if outcome.lean_path else None,
                      "html": str(outcome.html_index) if outcome.html_index else None},
        }
        print(json.dumps(data, indent=2))
    else:
        console = Console()
        for o in outcomes:
            color = {"proved": "green", "false": "red"}.get(o.status, "yellow")
            console.print(f"goal {escape(o.name)}: [{color}]{o.status}[/{color}] in {o.seconds:.2f} s "
                          f"({o.lemmas_tried} lemma candidates tried, {o.lemmas_proved} proved)")
            console.print(f"  {escape(format_formula(o.statement, theory))}")
            if o.counterexample:
                shown = ", ".join(f"{v.name} = {format_formula_term(t, theory)}" for v, t in o.counterexample.items())
                console.print(f"  counterexample in the finite model: {escape(shown)}")
            if o.status == "proved":
                console.print("  proof tree (lemmas used):")
                for line in o.tree(theory):
                    console.print(f"    {escape(line)}")
        verdict = "[green]ok[/green]" if outcome.check_ok else "[red]FAILED[/red]"
        console.print(f"independent checker re-checked every proof: {verdict} ({escape(outcome.check_summary)})")
        for failure in outcome.check_failures[:20]:
            console.print(f"  {escape(failure)}")
        files = [str(outcome.proofs_path)] + ([str(outcome.lean_path)] if outcome.lean_path else [])
        console.print("wrote " + ", ".join(files))
    return 0 if outcome.check_ok and all_proved else 1


def format_formula_term(term: Any, theory: Any) -> str:
    from axiomforge.logic.pretty import format_term

    return str(format_term(term, theory))
