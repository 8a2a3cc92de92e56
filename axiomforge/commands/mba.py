"""`axiomforge mba check|simplify`: certify an MBA identity, simplify an MBA expression."""

from __future__ import annotations

import argparse
import json

EXIT_TRUE, EXIT_FALSE, EXIT_UNCERTIFIED = 0, 1, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("mba", help="Mixed Boolean-Arithmetic: check identities, simplify expressions")
    commands = parser.add_subparsers(dest="mba_command", metavar="SUBCOMMAND", parser_class=type(parser))

    check = commands.add_parser(
        "check", help="certify EXPR == EXPR: verdict, method, counterexample "
        "(exit 0 true, 1 false, 3 uncertified)")
    check.add_argument("identity", help='the identity, e.g. "(x ^ y) + 2*(x & y) == x + y"')
    check.add_argument("--width", default="64", help="word width 1-64, or 'symbolic' (every width); default 64")
    check.add_argument("--timeout", type=float, default=5.0,
                       help="seconds per SMT solver (z3, then bitwuzla) when no complete method applies; 0: no SMT")
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    check.set_defaults(run=run_check)

    simplify = commands.add_parser("simplify", help="simplest equivalent linear combination (SiMBA-style)")
    simplify.add_argument("expression", help='e.g. "(x ^ y) + 2*(x & y)"')
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


def run_check(args: argparse.Namespace) -> int:
    from axiomforge.errors import UserError
    from axiomforge.generators.mba.certify import certify
    from axiomforge.generators.mba.parse import parse_identity

    width = _width(args.width)
    if args.timeout < 0:
        raise UserError("--timeout must be >= 0")
    identity = parse_identity(args.identity, source="<identity>")
    verdict = certify(identity, width, smt_timeout_s=args.timeout)
    if args.json:
        print(json.dumps({
            "verdict": verdict.status, "method": verdict.method, "class": verdict.mba_class,
            "width": "symbolic" if width is None else width, "certificate": verdict.certificate,
            "tried": list(verdict.tried),
        }, indent=2, sort_keys=True))
    else:
        shown_width = "every width" if width is None else f"width {width}"
        print(f"verdict: {verdict.status}")
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
    return {"true": EXIT_TRUE, "false": EXIT_FALSE}.get(verdict.status, EXIT_UNCERTIFIED)


def run_simplify(args: argparse.Namespace) -> int:
    from axiomforge.generators.mba.certify import certify
    from axiomforge.generators.mba.expr import Identity
    from axiomforge.generators.mba.parse import parse_expression
    from axiomforge.generators.mba.printing import to_c, to_lean
    from axiomforge.generators.mba.simplify import simplify

    width = _width(args.width)
    expression = parse_expression(args.expression, source="<expression>")
    result = simplify(expression, width)
    print(to_c(result))
    if args.lean:
        print(to_lean(result, width))
    check = certify(Identity(expression, result), width, smt_timeout_s=0.0)
    print(f"# equivalent: {check.status} ({check.method})")
    return 0 if check.status == "true" else EXIT_UNCERTIFIED
