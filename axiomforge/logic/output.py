"""Stage 4: run result -> proofs.json (docs/proof-format.md), the summary table's rows.

proofs.json holds no measurement, so two runs of the same theory give byte-identical files
(any worker count, any hash seed); wall-clock times and memory go to timings.json beside it
(`timings_document`), which the HTML site reads when present.
Keys are written in construction order, not sorted: an `inst` step's `subst` lists the
quantified variables in the order they are stripped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from axiomforge.logic.engine import RunResult, expect_report
from axiomforge.logic.ir import formula_to_json, theory_to_json
from axiomforge.logic.terms import show_formula

FORMAT = "axiomforge-proofs"
VERSION = 1


def proofs_document(result: RunResult) -> dict[str, Any]:
    theorems = [
        {
            "name": t.name,
            "statement": formula_to_json(t.statement),
            "method": t.method,
            "cites": list(t.cites),
            "steps": t.steps,
        }
        for t in result.theorems
    ]
    s = result.summary
    run = {
        "candidates": s.candidates_generated,
        "survivors": s.candidates_surviving,
        "refuted": s.candidates_refuted,
        "redundant": s.redundant,
        "proved": s.proved,
        "unproved": s.unproved,
        "expect": expect_report(result),
    }
    return {"format": FORMAT, "version": VERSION, "theory": theory_to_json(result.theory), "theorems": theorems, "run": run}


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def write_proofs(doc: dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "proofs.json"
    path.write_text(dumps(doc), encoding="utf-8")
    return path


def timings_document(result: RunResult) -> dict[str, Any]:
    """What a run measured (docs/proof-format.md, timings.json): differs run to run by nature."""
    s = result.summary
    return {
        "format": "axiomforge-timings",
        "version": VERSION,
        "run": {"seconds": round(s.seconds_total, 3), "peak_memory_mib": round(s.peak_memory_mib, 1)},
        "theorems": {t.name: round(t.seconds, 6) for t in result.theorems},
    }


def summary_json(result: RunResult, check: dict[str, Any] | None = None) -> dict[str, Any]:
    """The run summary (`--json`): counts, per-theorem times, totals, memory, expect report."""
    s = result.summary
    return {
        "theory": result.theory.name,
        "candidates": {
            "generated": s.candidates_generated,
            "refuted_by_model": s.candidates_refuted,
            "duplicates": s.candidates_duplicate,
            "surviving": s.candidates_surviving,
            "redundant": s.redundant,
            "proved": s.proved,
            "unproved": s.unproved,
        },
        "terms_enumerated": s.terms_enumerated,
        "term_classes": s.term_classes,
        "rounds": s.passes,
        "theorems": [
            {"name": t.name, "method": t.method, "seconds": round(t.seconds, 6), "steps": len(t.steps)}
            for t in result.theorems
        ],
        "seconds": {
            "model": round(s.seconds_model, 3),
            "conjecture": round(s.seconds_conjecture, 3),
            "prove": round(s.seconds_prove, 3),
            "total": round(s.seconds_total, 3),
        },
        "peak_memory_mib": round(s.peak_memory_mib, 1),
        "models": {"sizes": list(s.model_sizes)},
        "warnings": list(s.warnings),
        "completion": _completion_json(result),
        "expect": expect_report(result),
        "unproved": [show_formula(c.statement) for c in result.unproved[:100]],
        "check": check,
    }


def _completion_json(result: RunResult) -> dict[str, Any] | None:
    """The completed rewrite system of a run on a theory without induction (None otherwise)."""
    algebra = result.algebra
    if algebra is None:
        return None
    return {
        "steps": algebra.completion_steps,
        "saturated": algebra.saturated,
        "complete": algebra.complete,
        "rules": list(algebra.rules),
        "refuted_by_completion": result.summary.refuted_by_completion,
    }
