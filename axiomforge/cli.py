"""The `axiomforge` command line: parse arguments, call the library, print.

Every user error, whatever the subcommand, ends here: one line on stderr, exit code 2, and a
traceback only with `--debug`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from collections.abc import Sequence

from axiomforge import __version__
from axiomforge.errors import UserError


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that raises a one-line `UserError` instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="axiomforge",
        description="Formal-verification and symbolic-reasoning workbench.",
    )
    parser.add_argument("--version", action="version", version=f"axiomforge {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_ArgumentParser)
    import axiomforge.commands as commands_pkg

    for info in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"axiomforge.commands.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "run", None) is None:
            build_parser().print_help()
            return 2
        return int(args.run(args))
    except UserError as err:
        if debug:
            traceback.print_exc()
        print(err.format(), file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:  # output piped into `head`: not an error
        return 0
    except OSError as err:  # a path the user gave cannot be read or written (missing, a file, ...)
        if debug:
            traceback.print_exc()
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
