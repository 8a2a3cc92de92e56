"""Reading proofs.json from disk, with user errors that point at the broken spot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from axiomforge.errors import SourceLocation, UserError, caret_excerpt


class ProofsFileError(UserError):
    """proofs.json cannot be read or is not a proofs document at all."""


def load_document(path: str | Path) -> dict[str, Any]:
    """The parsed document; a UserError with line and column when the JSON is broken."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ProofsFileError(f"not UTF-8 text ({err.reason})", SourceLocation(str(path))) from None
    except IsADirectoryError:
        raise ProofsFileError("is a directory, expected a proofs.json file", SourceLocation(str(path))) from None
    except OSError as err:
        raise ProofsFileError(f"cannot read: {err.strerror or err}", SourceLocation(str(path))) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise ProofsFileError(
            f"invalid JSON: {err.msg}",
            SourceLocation(str(path), err.lineno, err.colno),
            caret_excerpt(text, err.lineno, err.colno),
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != "axiomforge-proofs":
        raise ProofsFileError(
            'not a proofs document (expected a JSON object with "format": "axiomforge-proofs")',
            SourceLocation(str(path), 1, 1),
        )
    if doc.get("version") != 1:
        raise ProofsFileError(f"unsupported proofs format version {doc.get('version')!r} (this reader knows 1)",
                              SourceLocation(str(path), 1, 1))  # fmt: skip
    return doc


def with_timings(doc: dict[str, Any], timings: dict[str, Any]) -> dict[str, Any]:
    """The document with the measured times of timings.json folded in, for display only.

    proofs.json itself carries no times so that it is byte-for-byte reproducible; the site shows
    them when a timings.json is at hand. Malformed timings are ignored rather than trusted.
    """
    per_theorem = timings.get("theorems") if isinstance(timings, dict) else None
    run = timings.get("run") if isinstance(timings, dict) else None
    out = dict(doc)
    if isinstance(per_theorem, dict):
        out["theorems"] = [
            {**t, "seconds": per_theorem[t["name"]]}
            if isinstance(t, dict) and isinstance(per_theorem.get(t.get("name")), (int, float))
            else t
            for t in doc.get("theorems", [])
        ]
    if isinstance(run, dict) and isinstance(doc.get("run"), dict):
        out["run"] = {**doc["run"], **{k: v for k, v in run.items() if isinstance(v, (int, float))}}
    return out


def load_timings_beside(proofs_path: str | Path) -> dict[str, Any] | None:
    """timings.json next to a proofs.json, if there is a readable one (it is optional)."""
    path = Path(proofs_path).parent / "timings.json"
    try:
        timings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return timings if isinstance(timings, dict) and timings.get("format") == "axiomforge-timings" else None
