"""`prove` end to end: .mpl file -> theory -> run -> proofs.json, re-check, Lean, HTML.

It lives above the engines because it joins two of them: the Generative-Logic engine
(`axiomforge.logic`) writes proofs.json, and the independent checker (`axiomforge.proofs`), which
reads only that JSON and the theory section computed from the source file, re-checks every proof
before anything is exported. Neither package imports the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axiomforge.logic.engine import EngineConfig, Event, RunResult, run_engine
from axiomforge.logic.goals import GoalConfig, GoalOutcome
from axiomforge.logic.ir import Theory, theory_to_json
from axiomforge.logic.output import dumps, proofs_document, timings_document


@dataclass
class ProveOutcome:
    result: RunResult
    document: dict[str, Any]
    proofs_path: Path
    lean_path: Path | None
    html_index: Path | None
    check_ok: bool
    check_summary: str
    check_failures: list[str]


def load_theory(path: Path) -> Theory:
    """An MPL file, or a file in GL's own prefix notation (`.gl`, with its `.sig.json` if any)."""
    if path.suffix == ".gl":
        from axiomforge.logic.gl_reader import read_gl_file

        return read_gl_file(path)
    from axiomforge.logic.parser import parse_theory_file

    return parse_theory_file(path)


def prove_theory(
    theory: Theory,
    out_dir: Path,
    config: EngineConfig | None = None,
    html: bool = False,
    on_event: Event | None = None,
    executor: Any = None,
) -> ProveOutcome:
    """`executor` (`axiomforge.executors`): where proof attempts fan out; the output is the same."""
    return write_and_check(run_engine(theory, config, on_event, executor), theory, out_dir, html)


def prove_goals(theory: Theory, names: list[str], out_dir: Path, config: GoalConfig | None = None,
                html: bool = False) -> tuple[list[GoalOutcome], ProveOutcome]:
    """`prove FILE --goal NAME`: each goal by goal-directed search (`logic/goals.py`); the lemmas
    it used and the goal are written, re-checked and exported like any run's theorems."""
    from axiomforge.logic.goals import goal_run_result
    from axiomforge.logic.goals import prove_goals as prove_each

    outcomes = prove_each(theory, names, config)
    return outcomes, write_and_check(goal_run_result(theory, outcomes), theory, out_dir, html)


def write_and_check(result: RunResult, theory: Theory, out_dir: Path, html: bool = False) -> ProveOutcome:
    """proofs.json and timings.json, the independent re-check, the Lean export and the site."""
    document = proofs_document(result)
    out_dir.mkdir(parents=True, exist_ok=True)
    proofs_path = out_dir / "proofs.json"
    proofs_path.write_text(dumps(document), encoding="utf-8")
    timings = timings_document(result)
    (out_dir / "timings.json").write_text(dumps(timings), encoding="utf-8")
    # the checker sees exactly what was written
    written = json.loads(proofs_path.read_text(encoding="utf-8"))

    from axiomforge.proofs.checker import check_document

    theory_file = theory_to_json(theory)
    report = check_document(written, theory_file)
    failures = [str(f) for f in report.failures]

    from axiomforge.proofs.lean_export import LeanExportError, export_lean

    lean_path: Path | None = None
    try:
        lean_text = export_lean(written, report)
    except LeanExportError:  # no checked theorem to export: the summary reports the failures
        pass
    else:
        lean_path = out_dir / "proofs.lean"
        lean_path.write_text(lean_text, encoding="utf-8")

    html_index: Path | None = None
    if html:
        from axiomforge.proofs.document import with_timings
        from axiomforge.proofs.site import write_site

        html_index = write_site(with_timings(written, timings), out_dir / "html", report, theory_file)
    return ProveOutcome(result, document, proofs_path, lean_path, html_index, report.ok, report.summary(), failures)
