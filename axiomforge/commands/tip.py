"""`axiomforge tip import FILE.smt2 [-o FILE.mpl]`: a TIP benchmark problem as an MPL theory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tip", help="TIP benchmark problems (SMT-LIB style) as MPL theories",
        description="Translate a TIP problem (declare-datatype, define-fun-rec with match and ite, prove) "
                    "into an MPL theory with a goal; higher-order problems are reported as unsupported.")
    sub = parser.add_subparsers(dest="tip_command", metavar="SUBCOMMAND", parser_class=type(parser))
    imp = sub.add_parser("import", help="translate FILE.smt2 to MPL (stdout, or -o FILE.mpl)")
    imp.add_argument("file", type=Path, help="a TIP problem (.smt2)")
    imp.add_argument("-o", "--output", type=Path, default=None, help="write the MPL theory here")
    imp.set_defaults(run=run_import)
    parser.set_defaults(run=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_import(args: argparse.Namespace) -> int:
    from axiomforge.errors import check_output_file, file_contains
    from axiomforge.logic.tip import IMPORT_MARKER, import_tip_file

    if args.output is not None:  # a user's file given by mistake is never overwritten
        check_output_file(args.output, file_contains(IMPORT_MARKER.encode()), "an MPL file written by `tip import`")
    text = import_tip_file(args.file)  # raises before anything is written
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    return 0
