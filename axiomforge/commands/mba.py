"""`axiomforge mba check|simplify`: certify MBA identities, simplify MBA expressions.

Either one argument on the command line or `--file F` (`-` for stdin) with one identity or
expression per line; file mode prints JSON Lines, one object per input line, as soon as each is
done, so nothing already written is lost when a later line fails. Blank lines and lines starting
with `#` are skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from typing import Any

EXIT_TRUE, EXIT_FALSE, EXIT_BAD_INPUT, EXIT_UNCERTIFIED, EXIT_LIMIT = 0, 1, 2, 3, 4
MAX_TIMEOUT_S = 86_400.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("mba", help="Mixed Boolean-Arithmetic: check identities, simplify expressions")
    commands = parser.add_subparsers(dest="mba_command", metavar="SUBCOMMAND", parser_class=type(parser))

    check = commands.add_parser(
        "check", help="certify EXPR == EXPR: verdict, method, counterexample "
        "(exit 0 true, 1 false, 2 bad input, 3 uncertified, 4 unknown: limit reached)")
    check.add_argument("identity", nargs="?", help='the identity, e.g. "(x ^ y) + 2*(x & y) == x + y"')
    check.add_argument("--file", help="read one identity per line from FILE ('-': stdin); prints JSON Lines")
    check.add_argument("--width", default="64", help="word width 1-64, or 'symbolic' (every width); default 64")
    check.add_argument("--timeout", default="5",
                       help="seconds per SMT solver (z3, then bitwuzla) when no complete method applies; 0: no SMT")
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    check.set_defaults(run=run_check)

    simplify = commands.add_parser(
        "simplify", help="smallest certified-equivalent form (GAMBA-class: layered normal form, signatures)")
    simplify.add_argument("expression", nargs="?", help='e.g. "(x ^ y) + 2*(x & y)"')
    simplify.add_argument("--file", help="read one expression per line from FILE ('-': stdin); prints JSON Lines")
    simplify.add_argument("--width", default="64", help="word width 1-64, or 'symbolic'; default 64")
    simplify.add_argument("--lean", action="store_true", help="also print the result in Lean 4 BitVec syntax")
    simplify.set_defaults(run=run_simplify)
    parser.set_defaults(run=None)


def _width(text: str) -> int | None:
    from axiomforge.errors import UserError

    if text.strip().lower() in ("symbolic", "w"):
        return None
    try:
        width = int(text)
    except ValueError:
        raise UserError(f"--width: expected an integer 1-64 or 'symbolic', got {text!r}") from None
    if not 1 <= width <= 64:
        raise UserError(f"--width: expected an integer 1-64 or 'symbolic', got {width}")
    return width


def _timeout(text: str) -> float:
    """Seconds: finite, 0 to a day (`inf` would overflow the solvers' millisecond limits, `nan`
    compares false with everything and would silently turn them off)."""
    from axiomforge.errors import UserError

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_TIMEOUT_S:
        raise UserError(f"--timeout: expected a number of seconds from 0 to {MAX_TIMEOUT_S:g}, got {text!r}")
    return value


def _one_source(args: argparse.Namespace, positional: str, what: str) -> None:
    from axiomforge.errors import UserError

    if (getattr(args, positional) is None) == (args.file is None):
        raise UserError(f"mba {args.mba_command}: give {what} or --file FILE, not both and not neither")


def _lines(path: str) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line of the file (or stdin) that is not blank or a comment."""
    from axiomforge.errors import decode_utf8, read_user_text

    text = decode_utf8(sys.stdin.buffer.read(), "<stdin>") if path == "-" else read_user_text(path)
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def _located(err: Exception, file: str, number: int) -> str:
    """The one-line error for line `number` of `file` (the parser saw that line alone, as line 1)."""
    from axiomforge.errors import SourceLocation, UserError

    if isinstance(err, UserError):
        column = err.location.column if err.location is not None else None
        return UserError(err.message, SourceLocation(file, number, column)).format()
    return f"error: {file}:{number}: {err}"


def _verdict_json(verdict: Any, width: int | None) -> dict[str, Any]:
    out = {
        "verdict": "unknown" if verdict.limit else verdict.status, "method": verdict.method,
        "class": verdict.mba_class, "width": "symbolic" if width is None else width,
        "certificate": verdict.certificate, "tried": list(verdict.tried),
    }
    if verdict.limit:
        out["limit"] = verdict.limit
    return out


def _exit_code(verdict: Any) -> int:
    if verdict.status == "true":
        return EXIT_TRUE
    if verdict.status == "false":
        return EXIT_FALSE
    return EXIT_LIMIT if verdict.limit else EXIT_UNCERTIFIED


def _worst(codes: list[int]) -> int:
    """A file's exit code: bad input, then false, then limit reached, then uncertified, else true."""
    for code in (EXIT_BAD_INPUT, EXIT_FALSE, EXIT_LIMIT, EXIT_UNCERTIFIED):
        if code in codes:
            return code
    return EXIT_TRUE


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, sort_keys=True), flush=True)


def run_check(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.generators.mba.certify import certify
    from axiomforge.generators.mba.parse import parse_identity

    width = _width(args.width)
    timeout = _timeout(args.timeout)
    _one_source(args, "identity", "an identity")
    if args.file is not None:
        file = "<stdin>" if args.file == "-" else args.file
        codes = []
        for number, line in _lines(args.file):
            try:
                identity = parse_identity(line, source=file)
            except UserError as err:  # a bad line is reported where it is; the others still run
                message = _located(err, file, number)
                print(message, file=sys.stderr, flush=True)
                _emit({"line": number, "error": message.removeprefix("error: ")})
                codes.append(EXIT_BAD_INPUT)
                continue
            verdict = certify(identity, width, smt_timeout_s=timeout)
            _emit({"line": number, **_verdict_json(verdict, width)})
            codes.append(_exit_code(verdict))
        return _worst(codes)
    identity = parse_identity(args.identity, source="<identity>")
    verdict = certify(identity, width, smt_timeout_s=timeout)
    if args.json:
        print(json.dumps(_verdict_json(verdict, width), indent=2, sort_keys=True))
    else:
        shown_width = "every width" if width is None else f"width {width}"
        print(f"verdict: unknown: limit reached ({verdict.limit})" if verdict.limit else f"verdict: {verdict.status}")
        print(f"method:  {verdict.method} ({verdict.mba_class} MBA, {shown_width})")
        if verdict.counterexample is not None:
            at = verdict.counterexample_width
            values = ", ".join(f"{k} = {v:#x}" for k, v in verdict.counterexample.items()) or "(no variables)"
            print(f"counterexample (width {at}): {values}")
            print(f"  lhs = {verdict.certificate['lhs_value']:#x}, rhs = {verdict.certificate['rhs_value']:#x}")
        elif verdict.status == "true" and "signature" in verdict.certificate:
            print(f"signature of lhs - rhs: {verdict.certificate['signature']}")
        if verdict.status == "uncertified":
            print(f"tried:   {', '.join(verdict.tried)} (none settled it; not claimed true)")
    return _exit_code(verdict)


def run_simplify(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.generators.mba.expr import size
    from axiomforge.generators.mba.parse import parse_expression
    from axiomforge.generators.mba.printing import to_c, to_lean
    from axiomforge.generators.mba.simplify import simplify_certified

    width = _width(args.width)
    _one_source(args, "expression", "an expression")
    if args.file is not None:
        file = "<stdin>" if args.file == "-" else args.file
        codes = []
        for number, line in _lines(args.file):
            try:
                expression = parse_expression(line, source=file)
            except UserError as err:
                message = _located(err, file, number)
                print(message, file=sys.stderr, flush=True)
                _emit({"line": number, "error": message.removeprefix("error: ")})
                codes.append(EXIT_BAD_INPUT)
                continue
            result = simplify_certified(expression, width)
            record: dict[str, Any] = {
                "line": number, "simplified": to_c(result.expression), "method": result.method,
                "size_before": size(expression), "size_after": size(result.expression),
            }
            if args.lean:
                record["lean"] = to_lean(result.expression, width)
            if result.limit:
                record["limit"] = result.limit
            _emit(record)
            codes.append(EXIT_LIMIT if result.limit else EXIT_TRUE)
        return _worst(codes)
    expression = parse_expression(args.expression, source="<expression>")
    result = simplify_certified(expression, width)
    print(to_c(result.expression))
    if args.lean:
        print(to_lean(result.expression, width))
    if result.limit:
        print(f"# unknown: limit reached ({result.limit}); the input is returned unchanged")
        return EXIT_LIMIT
    if result.method == "unchanged":
        print("# unchanged: nothing smaller was certified equivalent")
    else:
        print(f"# equivalent: true ({result.method})")
    return EXIT_TRUE
