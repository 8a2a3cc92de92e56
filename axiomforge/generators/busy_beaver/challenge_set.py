"""Writing a challenge set to disk: challenges.jsonl, lean/<id>.lean, md/<id>.md, manifest.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from axiomforge import __version__
from axiomforge.generators.busy_beaver.records import FORMAT_VERSION, canonical_json
from axiomforge.generators.busy_beaver.synthesis import Knobs, SynthesisResult, generate


def manifest(result: SynthesisResult) -> dict[str, Any]:
    k = result.knobs
    return {
        "generator": "axiomforge.generators.busy_beaver",
        "version": __version__,
        "format_version": FORMAT_VERSION,
        "seed": result.seed,
        "count": len(result.records),
        "knobs": {
            "states": list(k.states),
            "symbols": k.symbols,
            "max_steps": k.max_steps,
            "templates": list(k.templates),
            "certificate_classes": list(k.certificate_classes),
            "false_fraction": k.false_fraction,
            "difficulties": list(k.difficulties),
        },
        "counts": {name: dict(sorted(c.items())) for name, c in sorted(result.counts.items())},
    }


def write_challenge_set(result: SynthesisResult, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub, suffix in (("lean", ".lean"), ("md", ".md")):
        (out_dir / sub).mkdir(exist_ok=True)
        for stale in (out_dir / sub).glob(f"bb-*{suffix}"):  # from an earlier run into the same folder
            stale.unlink()
    lines = [canonical_json(r) for r in result.records]
    (out_dir / "challenges.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    for r in result.records:
        (out_dir / "lean" / f"{r['id']}.lean").write_text(r["lean"], encoding="utf-8")
        (out_dir / "md" / f"{r['id']}.md").write_text(r["markdown"], encoding="utf-8")
    (out_dir / "manifest.json").write_text(json.dumps(manifest(result), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return out_dir / "challenges.jsonl"


def generate_challenges(
    count: int, seed: int, out_dir: str | Path, progress: Callable[[int], None] | None = None, **knobs: Any
) -> SynthesisResult:
    """Generate and write a set (the `axiomforge gen bb` entry point)."""
    result = generate(count, seed, Knobs(**knobs), progress=progress)
    write_challenge_set(result, Path(out_dir))
    return result
