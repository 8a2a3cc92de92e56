"""`axiomforge bb run|decide|enumerate`: Busy Beaver machines from the command line."""

from __future__ import annotations

import argparse
import json
import re

from axiomforge.commands._options import int_in
from axiomforge.executors import add_executor_options, executor_spec_from_args, make_executor

MACHINE_TEXT = re.compile(r"---[0-9A-Za-z_-]*")
"""A machine whose first transition is undefined (`---0LB_1LA1RZ`); no option starts with three
dashes, so such an argument is a machine, not an option."""


def _machine_aware(parser_class: type[argparse.ArgumentParser]) -> type[argparse.ArgumentParser]:
    """`parser_class` reading an argument that starts with `---` as a positional machine text
    (argparse would take it for an unknown option and then miss the machine)."""

    class MachineArgumentParser(parser_class):  # type: ignore[valid-type,misc]
        def _parse_optional(self, arg_string: str) -> object:
            if MACHINE_TEXT.fullmatch(arg_string):
                return None
            return super()._parse_optional(arg_string)

    return MachineArgumentParser


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bb", help="Busy Beaver: simulate, decide and enumerate Turing machines")
    sub = parser.add_subparsers(dest="bb_command", metavar="SUBCOMMAND", parser_class=_machine_aware(type(parser)))

    run = sub.add_parser("run", help="simulate a machine (bbchallenge format) from the blank tape")
    run.add_argument("machine", help="e.g. 1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA")
    run.add_argument("--max-steps", type=int_in(0, 10**12), default=10**9,
                     help="give up after this many steps (default 1e9, at most 1e12)")
    run.add_argument("--block-size", type=int_in(1, 12), default=None,
                     help="macro block size, 1 to 12 (default: chosen by a probe)")
    run.add_argument("--reference", action="store_true", help="use the plain one-step-at-a-time simulator")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.set_defaults(run=_run)

    decide = sub.add_parser("decide", help="settle halting with a certificate, and verify it independently")
    decide.add_argument("machine")
    decide.add_argument("--halt-steps", type=int_in(1, 10**10), default=10**7,
                        help="simulation limit for the halting decider (default 10000000; the BB(5) "
                             "champion needs 50000000, and replaying it on the reference simulator ~15 s; "
                             "1 to 1e10)")
    decide.add_argument("--json", action="store_true")
    decide.set_defaults(run=_decide)

    enum = sub.add_parser("enumerate", help="enumerate machines in tree normal form and decide each one")
    enum.add_argument("--states", type=int_in(2, 5), default=3,
                      help="2..4: enumerate 2..STATES states; 5: the 5-state space in shards (--log) or --sample")
    enum.add_argument("--engine", choices=("jit", "python"), default="jit",
                      help="jit: compiled inner loops (default); python: the pure-Python reference (same results)")
    enum.add_argument("--sample", type=int_in(1, 10_000_000), default=None, metavar="N",
                      help="decide N uniformly drawn TNF leaves of --states states instead of all of them")
    enum.add_argument("--seed", type=int_in(0, 2**64 - 1), default=0, help="seed of --sample (default 0)")
    enum.add_argument("--log", default=None, metavar="FILE",
                      help="5 states: shard log (JSON lines); shards already in it are skipped (resume)")
    enum.add_argument("--max-shards", type=int_in(0, 10**6), default=None, metavar="K",
                      help="5 states: run at most K more shards this time")
    enum.add_argument("--shard-depth", type=int_in(1, 3), default=2,
                      help="5 states: branchings above the shard roots (1 to 3, default 2)")
    enum.add_argument("--holdouts", default=None, metavar="FILE",
                      help="write the undecided machines (bbchallenge format, steps simulated, deciders tried)")
    enum.add_argument("--workers", type=int_in(1, 1024), default=1,
                      help="local processes running shards in parallel (default 1)")
    add_executor_options(enum)
    enum.add_argument("--json", action="store_true")
    enum.set_defaults(run=_enumerate)
    parser.set_defaults(run=lambda args: (parser.print_help(), 2)[1])


def _run(args: argparse.Namespace) -> int:
    from axiomforge.generators.busy_beaver.cli_support import run_machine

    result = run_machine(args.machine, args.max_steps, args.block_size, args.reference)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for key, value in result.items():
            print(f"{key:>12}: {value}")
    return 0


def _decide(args: argparse.Namespace) -> int:
    from axiomforge.generators.busy_beaver.cli_support import decide_machine

    result = decide_machine(args.machine, args.halt_steps)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"machine:     {result['machine']}")
        print(f"verdict:     {result['verdict']}")
        print(f"certificate: {json.dumps(result['certificate'], sort_keys=True)}")
        print(f"verified:    {result['verified']}{(' (' + result['reason'] + ')') if result['reason'] else ''}")
    return 0 if result["verified"] or result["verdict"] == "undecided" else 1


def _enumerate(args: argparse.Namespace) -> int:
    from axiomforge.generators.busy_beaver.cli_support import (
        enumerate_rows,
        enumerate_sample,
        enumerate_shards,
    )

    spec = executor_spec_from_args(args, workers=args.workers)
    if args.sample is not None:
        return _print_space(enumerate_sample(args.states, args.sample, args.seed, args.holdouts), args.json)
    # Shards fan out on Ray or over several local processes; one local process walks the tree
    # itself (same results: the merge is by shard index, tested).
    fan_out = spec.kind == "ray" or spec.workers > 1
    if fan_out and args.engine == "python":
        from axiomforge.errors import UserError

        raise UserError("--engine python is the one-process reference: drop --workers/--executor ray")
    with make_executor(spec) as executor:
        if args.states == 5:
            result = enumerate_shards(args.log, args.max_shards, args.shard_depth, args.holdouts,
                                      executor if fan_out else None)
            return _print_space(result, args.json)
        rows = enumerate_rows(args.states, args.engine, args.holdouts, executor if fan_out else None)
    if args.json:
        print(json.dumps(rows, sort_keys=True, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    methods = sorted({m for row in rows for m in row["deciders"]})
    table = Table(title="Tree-normal-form enumeration (2 symbols)")
    for col in ("states", "S", "Σ", "step champion", "leaves", *methods, "undecided", "seconds"):
        table.add_column(col, justify="left" if col == "step champion" else "right")
    for row in rows:
        table.add_row(
            str(row["states"]), str(row["S"]), str(row["sigma"]), row["step_champion"], str(row["leaves"]),
            *(str(row["deciders"].get(m, 0)) for m in methods), str(row["undecided"]), f"{row['seconds']:.1f}",
        )
    import sys

    Console(width=None if sys.stdout.isatty() else 160).print(table)
    for row in rows:
        if row["undecided_examples"]:
            print(f"undecided ({row['states']} states), e.g.: {', '.join(row['undecided_examples'])}")
    return 0


def _print_space(result: dict, as_json: bool) -> int:  # type: ignore[type-arg]
    if as_json:
        print(json.dumps(result, sort_keys=True, indent=2))
        return 0
    for key, value in result.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for k, v in value.items():
                print(f"  {k:>28}: {v}")
        elif isinstance(value, list) and key in ("holdouts",):
            print(f"{key}: {len(value)}" + (f" (e.g. {', '.join(map(str, value[:5]))})" if value else ""))
        else:
            print(f"{key}: {value}")
    return 0
