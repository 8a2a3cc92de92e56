"""`axiomforge doctor`: what this machine offers the workbench."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="show what this machine offers and what is missing")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from axiomforge.doctor import collect_components, components_as_json

    rows = collect_components()
    if args.json:
        print(json.dumps({"components": components_as_json(rows)}, indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="axiomforge doctor")
    for column in ("component", "status", "version", "used for", "fix"):
        table.add_column(column)
    for row in rows:
        status = "[green]ok[/green]" if row.available else "[yellow]missing[/yellow]"
        table.add_row(escape(row.name), status, escape(row.version), escape(row.used_for), escape(row.fix))
    Console().print(table)
    return 0
