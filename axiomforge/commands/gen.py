"""`axiomforge gen bb|mba`: write a seeded, certified Lean 4 + Markdown challenge set."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from axiomforge.commands._options import int_in

MAX_COUNT = 100_000
"""Challenges per set (docs/limits.md), refused before generation starts: a set is held in memory
while it is written, and 100,000 is 100x the largest set the benchmarks use."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("gen", help="generate Lean 4 + Markdown challenge sets (bb, mba)")
    sub = parser.add_subparsers(dest="gen_command", metavar="DOMAIN", parser_class=type(parser))

    bb = sub.add_parser("bb", help="Busy Beaver challenges")
    _common(bb, "out/challenges/bb")
    bb.add_argument("--states", default="2,3,4,5", help="numbers of states, comma-separated (default 2,3,4,5)")
    bb.add_argument("--symbols", type=int, default=2, help="tape symbols (default 2)")
    bb.add_argument("--max-steps", type=int, default=5000, help="largest halting time in a statement")
    bb.add_argument("--templates", default=None,
                    help="comma-separated: halts_exact, halts_within, not_halts_within, halts_with_ones, never_halts")
    bb.add_argument("--certificate-classes", default=None,
                    help="for never_halts: cycler, translated_cycler, backward_reasoning, ngram_cps, "
                         "finite_automata_reduction, bouncer")
    bb.add_argument("--false-fraction", type=float, default=0.25, help="share of near-miss false claims")
    bb.add_argument("--difficulty", default=None, help="keep only these difficulties: easy, medium, hard")
    bb.set_defaults(run=_gen_bb)

    mba = sub.add_parser("mba", help="Mixed Boolean-Arithmetic challenges")
    _common(mba, "out/challenges/mba")
    mba.add_argument("--classes", default=None, help="linear, polynomial, nonpolynomial (comma-separated)")
    mba.add_argument("--variables", default=None, help="number of variables or a range like 2-4")
    mba.add_argument("--terms", default=None)
    mba.add_argument("--depth", default=None)
    mba.add_argument("--widths", default=None, help="bit widths, comma-separated (or 'symbolic')")
    mba.add_argument("--false-fraction", default=None)
    mba.add_argument("--smt-timeout-s", default=None)
    mba.set_defaults(run=_gen_mba)
    parser.set_defaults(run=lambda args: (parser.print_help(), 2)[1])


def _common(parser: argparse.ArgumentParser, default_out: str) -> None:
    parser.add_argument("--count", type=int_in(1, MAX_COUNT), default=100,
                        help=f"number of challenges (default 100, at most {MAX_COUNT:,})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default=default_out, help=f"output directory (default {default_out})")


def _check_set_dir(out: str) -> None:
    """Refuse, before generating, a --out whose challenges.jsonl or manifest.json is not an earlier
    challenge set's (a user's file of that name is never overwritten)."""
    from axiomforge.errors import SourceLocation, UserError, check_output_file

    if Path(out).exists() and not Path(out).is_dir():
        raise UserError("is a file, expected an output directory", SourceLocation(out))
    check_output_file(Path(out) / "challenges.jsonl", _first_json_has({"id", "domain"}), "a challenge set")
    check_output_file(Path(out) / "manifest.json", _first_json_has({"count"}), "a challenge-set manifest")


def _first_json_has(keys: set[str]) -> Any:
    """A recogniser: the file is JSON (or JSONL) whose first object has `keys`."""

    def ours(path: str) -> bool:
        import json

        with open(path, encoding="utf-8") as handle:
            first = json.loads(handle.readline() if path.endswith(".jsonl") else handle.read())
        return isinstance(first, dict) and keys <= first.keys()

    return ours


def _split(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(t.strip() for t in text.split(",") if t.strip())


def _gen_bb(args: argparse.Namespace) -> int:
    from axiomforge.generators.busy_beaver.challenge_set import generate_challenges
    from axiomforge.generators.busy_beaver.cli_support import parse_int_list

    _check_set_dir(args.out)
    knobs: dict[str, Any] = {
        "states": parse_int_list(args.states, "--states"),
        "symbols": args.symbols,
        "max_steps": args.max_steps,
        "false_fraction": args.false_fraction,
    }
    for key, value in (("templates", args.templates), ("certificate_classes", args.certificate_classes),
                       ("difficulties", args.difficulty)):
        if value is not None:
            knobs[key] = _split(value)
    result = _with_progress("Busy Beaver", args.count,
                            lambda progress: generate_challenges(args.count, args.seed, args.out, progress=progress, **knobs))
    _summary(f"wrote {len(result.records)} Busy Beaver challenges to {args.out}", result.counts)
    return 0


def _gen_mba(args: argparse.Namespace) -> int:
    from axiomforge.generators.mba.synthesis import generate_challenges

    _check_set_dir(args.out)
    knobs = {k: getattr(args, k) for k in ("classes", "variables", "terms", "depth", "widths", "false_fraction",
                                            "smt_timeout_s") if getattr(args, k) is not None}
    summary = generate_challenges(args.count, args.seed, Path(args.out), **knobs)
    describe = getattr(summary, "describe", None)
    print(describe() if callable(describe) else f"wrote {args.count} MBA challenges to {args.out}")
    counts = getattr(summary, "manifest", {}).get("counts", {}) if hasattr(summary, "manifest") else {}
    if counts:
        _summary("", counts)
    return 0


def _with_progress(label: str, total: int, work: Any) -> Any:
    import sys

    if not sys.stderr.isatty():
        return work(None)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(f"{label} challenges", total=total)
        return work(lambda done: progress.update(task, completed=done))


def _summary(headline: str, counts: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    if headline:
        print(headline)
    table = Table(title="challenge set")
    table.add_column("by")
    table.add_column("value")
    table.add_column("count", justify="right")
    for name in sorted(counts):
        for value, n in sorted(dict(counts[name]).items()):
            table.add_row(name, str(value), str(n))
    Console().print(table)
