"""`axiomforge mpl check|fmt FILE`: parse and type-check a theory, or print it in canonical form."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "mpl", help="check or format MPL theory files (and GL prefix files)",
        description="MPL theory files: parse and type-check them, or print them in canonical form. "
                    "Files ending in .gl are read as Generative Logic prefix notation. See docs/mpl.md.")
    sub = parser.add_subparsers(dest="mpl_command", metavar="SUBCOMMAND", parser_class=type(parser))

    check = sub.add_parser("check", help="parse and type-check FILE; print its sorts, symbols and axioms")
    check.add_argument("file", help="an .mpl theory (or a GL prefix file with --format gl)")
    check.add_argument("--format", choices=("mpl", "gl"), default=None,
                       help="input language (default: gl for *.gl files, mpl otherwise)")
    check.add_argument("--ascii", action="store_true", help="print formulas in ASCII instead of Unicode")
    check.add_argument("--json", action="store_true", help="print the summary as JSON")
    check.set_defaults(run=run_check)

    fmt = sub.add_parser("fmt", help="print FILE as canonical MPL (a GL file is translated to MPL)")
    fmt.add_argument("file")
    fmt.add_argument("--format", choices=("mpl", "gl"), default=None,
                     help="input language (default: gl for *.gl files, mpl otherwise)")
    fmt.add_argument("--ascii", action="store_true", help="write ASCII connectives instead of Unicode")
    fmt.set_defaults(run=run_fmt)

    parser.set_defaults(run=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from axiomforge.logic.gl_reader import read_gl_file
    from axiomforge.logic.parser import parse_theory_file

    language = args.format or ("gl" if str(args.file).endswith(".gl") else "mpl")
    return read_gl_file(args.file) if language == "gl" else parse_theory_file(args.file)


def run_check(args: argparse.Namespace) -> int:
    from axiomforge.logic.pretty import theory_summary

    theory = _load(args)
    summary = theory_summary(theory, ascii=args.ascii)
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False))
        return 0
    print(f"{args.file}: theory {summary['name']} is well-formed")
    print(f"  sorts:      {', '.join(summary['sorts'])}")
    for line in summary["symbols"]:
        print(f"  symbol      {line}")
    for ind in summary["induction"]:
        print(f"  induction   {ind}")
    for axiom in summary["axioms"]:
        print(f"  {axiom['kind']:<11} {axiom['name']} : {axiom['formula']}")
    for expect in summary["expects"]:
        print(f"  expect      {expect['name']} : {expect['formula']}")
    for goal in summary["goals"]:
        print(f"  goal        {goal['name']} : {goal['formula']}")
    goals = f", {len(summary['goals'])} goals" if summary["goals"] else ""
    print(f"  {len(summary['axioms'])} axioms/definitions, {len(summary['expects'])} expects{goals}")
    return 0


def run_fmt(args: argparse.Namespace) -> int:
    from axiomforge.logic.pretty import format_theory

    print(format_theory(_load(args), ascii=args.ascii), end="")
    return 0
