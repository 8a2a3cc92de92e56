"""The static HTML proof site: index, one page per theorem, dependency graph, theory, rules.

Works offline from file:// (no CDN, no server): plain HTML, one CSS file, a few lines of inline
JavaScript for search and filter. Every string from the document goes through jinja2's
autoescaping; the SVG graph is built here with explicit escaping. The checker runs first and
each theorem shows its verdict.

What the reader sees is what was checked: given the theory section of the .mpl file, the site
prints statements with that file's notation and shows its axioms, and ✓ marks a theorem checked
against it (the checker rejects a document whose notation disagrees with the file). Without one,
the document's own notation is all there is: no ✓, and every page says so.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from axiomforge.proofs.checker import RULES, CheckReport, check_document
from axiomforge.proofs.notation import Printer

TEMPLATES = Path(__file__).resolve().parent / "templates"


def duration(seconds: float | None) -> str:
    """Seconds for people: milliseconds below one second."""
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["duration"] = duration
    return env


def method_kind(method: str) -> str:
    """The filter group of a free-text method: direct, induction, cases or other."""
    first = method.strip().split(" ", 1)[0].lower() if method else ""
    return first if first in ("direct", "induction", "cases") else "other"


def page_names(names: list[str]) -> dict[str, str]:
    """A distinct, file-system-safe page name for each theorem name."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:80] or "theorem"
        slug, n = base, 1
        while slug.lower() in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug.lower())
        out[name] = f"thm-{slug}.html"
    return out


@dataclass(frozen=True)
class _Row:
    """One step as shown on a theorem page."""

    id: Any
    number: int
    formula: str
    rule: str
    premises: list[Any]
    ref: str | None
    ref_href: str | None
    details: list[str]
    discharges: list[Any]
    depth: int


def _steps(thm: Mapping[str, Any], printer: Printer, pages: Mapping[str, str], axioms: set[str]) -> list[_Row]:
    rows: list[_Row] = []
    open_by_id: dict[Any, frozenset[Any]] = {}
    raw_steps = thm.get("steps")
    steps: list[Any] = raw_steps if isinstance(raw_steps, list) else []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, Mapping):
            continue
        sid = step.get("id") if isinstance(step.get("id"), int) else None
        premises = [p for p in step.get("premises", []) if isinstance(p, int)] if isinstance(
            step.get("premises"), list) else []  # fmt: skip
        marks = step.get("discharges")
        discharges = marks if isinstance(marks, list) else ([] if marks is None else [marks])
        opened = frozenset().union(*(open_by_id.get(p, frozenset()) for p in premises)) if premises else frozenset()
        if step.get("rule") == "assume":
            opened = frozenset({sid})
        opened = opened - set(d for d in discharges if isinstance(d, int))
        open_by_id[sid] = opened
        details = []
        if isinstance(step.get("subst"), Mapping):
            details.append(", ".join(f"{k} := {printer.show_term(v)}" for k, v in step["subst"].items()))
        if "term" in step:
            details.append(f"witness {printer.show_term(step['term'])}")
        if isinstance(step.get("var"), list) and step["var"]:
            details.append(f"variable {step['var'][0]}")
        if "path" in step:
            details.append(f"at {step['path']}")
        if "side" in step:
            details.append(f"side {step['side']}")
        ref = step.get("ref") if isinstance(step.get("ref"), str) else None
        href = None
        if ref is not None and step.get("rule") == "theorem" and ref in pages:
            href = pages[ref]
        elif ref is not None and step.get("rule") == "axiom" and ref in axioms:
            href = f"theory.html#axiom-{ref}"
        rows.append(_Row(sid, number, printer.show(step.get("formula")), str(step.get("rule")), premises, ref, href,
                         details, discharges, len(opened)))  # fmt: skip
    return rows


def _line_positions(line: list[str], width_of: Mapping[str, float], gap_x: float, max_w: float,
                    pad: float) -> list[tuple[str, float]]:  # fmt: skip
    used = sum(width_of[n] for n in line) + gap_x * (len(line) - 1)
    x = pad + max(0.0, (max_w - used) / 2)
    out = []
    for n in line:
        out.append((n, x))
        x += width_of[n] + gap_x
    return out


def dependency_svg(theorems: list[Mapping[str, Any]], pages: Mapping[str, str]) -> str:
    """A layered drawing of the citation graph: each theorem below the theorems it cites."""
    names = [str(t.get("name")) for t in theorems]
    known = set(names)
    cites = {str(t.get("name")): sorted({str(c) for c in t.get("cites", []) if str(c) in known})
             for t in theorems}  # fmt: skip
    layer: dict[str, int] = {}
    for name in names:  # theorems cite only earlier ones; guard against cycles all the same
        layer[name] = 1 + max((layer.get(c, 0) for c in cites[name] if c in layer), default=-1)
    rows: dict[int, list[str]] = {}
    for name in names:
        rows.setdefault(layer[name], []).append(name)
    char_w, box_h, gap_x, gap_y, pad, max_w = 7.2, 26, 24, 70, 20, 1100.0
    width_of = {n: len(n) * char_w + 20 for n in names}
    # each layer is ordered by the mean x of what its theorems cite, and wrapped into lines of at
    # most max_w pixels; lines are centred
    centre: dict[str, float] = {}
    lines: list[list[str]] = []
    def pull(n: str) -> tuple[float, int]:
        return sum(centre.get(c, 0.0) for c in cites[n]) / max(len(cites[n]), 1), names.index(n)

    for depth in sorted(rows):
        first = len(lines)
        line: list[str] = []
        for n in sorted(rows[depth], key=pull):
            if line and sum(width_of[m] + gap_x for m in line) + width_of[n] > max_w:
                lines.append(line)
                line = []
            line.append(n)
        lines.append(line)
        for done in lines[first:]:
            for n, x in _line_positions(done, width_of, gap_x, max_w, pad):
                centre[n] = x + width_of[n] / 2
    xy: dict[str, tuple[float, float]] = {}
    for i, placed in enumerate(lines):
        for n, x in _line_positions(placed, width_of, gap_x, max_w, pad):
            xy[n] = (x, pad + i * gap_y)
    total_w = max([max_w + 2 * pad, *(x + width_of[n] + pad for n, (x, _) in xy.items())])
    total_h = pad * 2 + ((len(lines) - 1) * gap_y + box_h if lines else 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="depgraph" width="{total_w:.0f}" height="{total_h:.0f}" '
        f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" role="img" aria-label="theorem dependency graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#7a869a"/></marker></defs>',
    ]
    for n in names:
        for c in cites[n]:
            (x1, y1), (x2, y2) = xy[n], xy[c]
            parts.append(
                f'<line x1="{x1 + width_of[n] / 2:.1f}" y1="{y1:.1f}" x2="{x2 + width_of[c] / 2:.1f}" '
                f'y2="{y2 + box_h:.1f}" stroke="#9aa5b8" stroke-width="1.2" marker-end="url(#arrow)"/>'
            )
    for n in names:
        x, y = xy[n]
        href = html.escape(pages[n], quote=True)
        label = html.escape(n)
        parts.append(
            f'<a href="{href}"><g class="node"><title>{label}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width_of[n]:.1f}" height="{box_h}" rx="5" '
            f'fill="#eef3fb" stroke="#3b6cb4"/>'
            f'<text x="{x + 10:.1f}" y="{y + 17:.1f}" font-family="monospace" font-size="12" fill="#17325c">'
            f"{label}</text></g></a>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _axioms_used(theorems: list[Mapping[str, Any]]) -> dict[str, set[str]]:
    """For each theorem, the axioms its proof rests on, through the theorems it cites."""
    out: dict[str, set[str]] = {}
    for t in theorems:  # theorems cite only earlier ones, so one pass in order suffices
        used: set[str] = set()
        for step in _list(t.get("steps")):
            if isinstance(step, Mapping) and isinstance(step.get("ref"), str):
                if step.get("rule") == "axiom":
                    used.add(step["ref"])
                elif step.get("rule") == "theorem":
                    used |= out.get(step["ref"], set())
        out[str(t.get("name"))] = used
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _signature_view(theory: Mapping[str, Any]) -> dict[str, Any]:
    """The theory's declarations as plain strings for the theory page (robust to bad input)."""

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    entries = lambda key: [e for e in _list(theory.get(key)) if isinstance(e, Mapping)]  # noqa: E731
    return {
        "source": text(theory.get("source")),
        "source_sha256": text(theory.get("source_sha256")),
        "sorts": [text(x) for x in _list(theory.get("sorts"))],
        "functions": [{"name": text(f.get("name")), "args": [text(a) for a in _list(f.get("args"))],
                       "result": text(f.get("result")), "infix": text(f.get("infix")),
                       "notation": text(f.get("notation"))} for f in entries("functions")],
        "relations": [{"name": text(r.get("name")), "args": [text(a) for a in _list(r.get("args"))],
                       "infix": text(r.get("infix"))} for r in entries("relations")],
        "induction": [{"sort": text(i.get("sort")),
                       "constructors": [text(c.get("name")) for c in _list(i.get("constructors")) if isinstance(c, Mapping)]}
                      for i in entries("induction")],
    }  # fmt: skip


def write_site(doc: dict[str, Any], out_dir: Path, report: CheckReport | None = None,
               theory_file: Mapping[str, Any] | None = None) -> Path:  # fmt: skip
    """Write the site for `doc` into `out_dir`; returns the path of index.html.

    `theory_file` is the theory section computed from the .mpl file: when given, the site is
    rendered from it and `report` must be the verdict against it (computed here when None)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = report or check_document(doc, theory_file)
    against_file = theory_file is not None and report.theory_compared
    raw_theory = theory_file if theory_file is not None else doc.get("theory")
    theory: Mapping[str, Any] = raw_theory if isinstance(raw_theory, Mapping) else {}
    printer = Printer(theory)
    theorems = [t for t in _list(doc.get("theorems")) if isinstance(t, Mapping)]
    names = [str(t.get("name")) for t in theorems]
    pages = page_names(names)
    axioms = [a for a in _list(theory.get("axioms")) if isinstance(a, Mapping)]
    axiom_names = {str(a.get("name")) for a in axioms}
    used_by: dict[str, list[str]] = {n: [] for n in names}
    for t in theorems:
        for c in sorted({str(c) for c in t.get("cites", [])}):
            if c in used_by:
                used_by[c].append(str(t.get("name")))
    failures = {f.theorem: f for f in report.failures}
    axioms_used = _axioms_used(theorems)
    entries: list[dict[str, Any]] = []
    for t in theorems:
        name = str(t.get("name"))
        failure = failures.get(name)
        entries.append({
            "name": name,
            "page": pages[name],
            "statement": printer.show(t.get("statement")),
            "method": str(t.get("method", "")),
            "kind": method_kind(str(t.get("method", ""))),
            "seconds": t.get("seconds") if isinstance(t.get("seconds"), (int, float)) else None,
            "steps": len(t.get("steps", [])) if isinstance(t.get("steps"), list) else 0,
            "cites": [(c, pages.get(c)) for c in t.get("cites", []) if isinstance(c, str)],
            "used_by": [(u, pages[u]) for u in used_by[name]],
            "axioms": sorted(axioms_used.get(name, set()) & axiom_names),
            "ok": against_file and name in report.checked,  # ✓ only against the theory file
            "self_checked": not against_file and name in report.checked,
            "failure": str(failure.reason) if failure else None,
            "failure_step": failure.step if failure else None,
        })  # fmt: skip
    raw_run = doc.get("run")
    run: Mapping[str, Any] = raw_run if isinstance(raw_run, Mapping) else {}
    expected = []
    for item in _list(run.get("expect")):
        if isinstance(item, Mapping):
            found_as = item.get("theorem") if isinstance(item.get("theorem"), str) else None
            expected.append({"name": str(item.get("name")), "found": bool(item.get("found")),
                             "theorem": found_as, "page": pages.get(found_as or ""),
                             "how": str(item.get("how") or "")})  # fmt: skip
    common = {
        "theory_name": str(theory.get("name", "theory")),
        "report": report,
        "run_seconds": run.get("seconds") if isinstance(run.get("seconds"), (int, float)) else None,
        "doc_failures": [f for f in report.failures if f.theorem is None],
        "against_file": against_file,
    }
    env = _environment()
    (out_dir / "style.css").write_text((TEMPLATES / "style.css").read_text())
    kinds = sorted({e["kind"] for e in entries})
    pages_out = {
        "index.html": env.get_template("index.html.j2").render(
            entries=entries, kinds=kinds, expected=expected, **common
        ),
        "rules.html": env.get_template("rules.html.j2").render(rules=sorted(RULES.items()), **common),
        "theory.html": env.get_template("theory.html.j2").render(
            theory=_signature_view(theory),
            axioms=[(str(a.get("name")), str(a.get("kind")), printer.show(a.get("formula"))) for a in axioms],
            **common,
        ),
        "graph.html": env.get_template("graph.html.j2").render(svg=Markup(dependency_svg(theorems, pages)), **common),
    }
    (out_dir / "graph.svg").write_text(dependency_svg(theorems, pages))
    for entry, t in zip(entries, theorems):
        rows = _steps(t, printer, pages, axiom_names)
        pages_out[entry["page"]] = env.get_template("theorem.html.j2").render(t=entry, rows=rows, **common)
    for filename, text in sorted(pages_out.items()):
        (out_dir / filename).write_text(text)
    return out_dir / "index.html"
