"""`axiomforge check | html | lean-export`: check, publish and export a proofs.json.

The only module of the proofs side that may import the logic parser: `check --theory` parses the
.mpl file so the document's theory can be compared with the source.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from axiomforge.errors import check_output_file


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser("check", help="re-check every proof of a proofs.json with the independent checker")
    check.add_argument("proofs", help="a proofs.json written by `axiomforge prove`")
    check.add_argument("--theory", help="the .mpl file the proofs claim to be about; its axioms must match")
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    check.set_defaults(run=run_check)

    html = subparsers.add_parser("html", help="write the static HTML proof site of a proofs.json")
    html.add_argument("proofs")
    html.add_argument("--out", help="output directory (default: html/ beside proofs.json)")
    html.add_argument("--theory", help="the .mpl file: statements are shown with its notation and ✓ marks proofs "
                      "checked against it (without it, every page says the site is unchecked against a source)")
    html.set_defaults(run=run_html)

    lean = subparsers.add_parser("lean-export", aliases=["export-lean"],
                                 help="export the checked proofs of a proofs.json as a Lean 4 file")  # fmt: skip
    lean.add_argument("proofs")
    lean.add_argument("-o", "--output", help="the .lean file to write (default: standard output)")
    lean.set_defaults(run=run_lean_export)


def theory_section(path: str) -> dict[str, object]:
    """The theory section of proofs.json computed from an .mpl (or GL) file."""
    from axiomforge.logic.ir import theory_to_json

    if path.endswith(".gl"):
        from axiomforge.logic.gl_reader import read_gl_file

        return theory_to_json(read_gl_file(path))
    from axiomforge.logic.parser import parse_theory_file

    return theory_to_json(parse_theory_file(path))


def run_check(args: argparse.Namespace) -> int:
    from axiomforge.proofs.checker import check_document
    from axiomforge.proofs.document import load_document

    doc = load_document(args.proofs)
    theory = theory_section(args.theory) if args.theory else None
    report = check_document(doc, theory)
    if args.json:
        verdict = {
            "ok": report.ok,
            "theorems": len(report.theorems),
            "checked": list(report.checked),
            "steps": report.steps_checked,
            "theory_compared": report.theory_compared,
            "failures": [{"theorem": f.theorem, "step": f.step, "reason": f.reason} for f in report.failures],
        }
        print(json.dumps(verdict, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(f"{args.proofs}: {report.summary()}")
    return 0 if report.ok else 1


def run_html(args: argparse.Namespace) -> int:
    from axiomforge.proofs.checker import check_document
    from axiomforge.proofs.document import load_document, load_timings_beside, with_timings
    from axiomforge.proofs.site import write_site

    doc = load_document(args.proofs)
    out = Path(args.out) if args.out else Path(args.proofs).resolve().parent / "html"
    theory = theory_section(args.theory) if args.theory else None
    report = check_document(doc, theory)
    timings = load_timings_beside(args.proofs)
    index = write_site(with_timings(doc, timings) if timings else doc, out, report, theory)
    print(f"{report.summary().splitlines()[0]}")
    print(f"wrote {index}")
    return 0


def run_lean_export(args: argparse.Namespace) -> int:
    import sys

    from axiomforge.proofs.document import load_document
    from axiomforge.proofs.lean_export import export_lean

    if args.output:
        check_output_file(args.output)  # refused before any work, so nothing is half-written
    text = export_lean(load_document(args.proofs))
    if args.output:
        Path(args.output).write_text(text)
        print(f"wrote {args.output} ({text.count(chr(10) + 'theorem ')} theorems)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
