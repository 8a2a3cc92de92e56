"""CLI subcommands, one module per engine.

Each module defines `register(subparsers)`, adding its subcommands with `set_defaults(run=...)`,
where `run(args) -> int` returns the exit code. `axiomforge.cli` discovers the modules here in
name order, so an engine adds commands without touching the shared CLI module.
"""
