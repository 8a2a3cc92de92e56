"""Loading challenge sets (docs/challenge-format.md) into `Challenge` values.

The set is the generators' output; the harness only reads it. Every malformed line is a user
error pointing at the file, line and column, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiomforge.errors import SourceLocation, UserError, caret_excerpt, parse_user_json, read_user_text
from axiomforge.lean.source import blank_comments_and_strings, find_theorem, last_sorry_offset


class ChallengeFormatError(UserError):
    """A challenge set that does not follow docs/challenge-format.md."""


_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "domain": str,
    "template": str,
    "params": dict,
    "difficulty": str,
    "task": str,
    "claim_holds": bool,
    "certified": bool,
    "certificate": dict,
    "theorem_name": str,
    "lean": str,
    "lean_statement": str,
    "markdown": str,
}

_OPTIONAL: dict[str, tuple[type, ...]] = {
    "reference_proof": (str, type(None)),
    "lean_features": (list,),
    "evidence": (dict,),
    "content_hash": (str,),
}
"""Fields a set may carry beyond the required ones; anything else is refused at load. The
generator's `recheck`, which `bench run` calls on every task it loads, checks the rest of the
shape exactly and re-derives every derivable field (docs/challenge-format.md)."""


@dataclass(frozen=True)
class Challenge:
    id: str
    domain: str
    template: str
    difficulty: str
    theorem_name: str
    lean: str
    lean_statement: str
    markdown: str
    certified: bool
    lean_features: tuple[str, ...]
    content_hash: str
    record: Mapping[str, Any] = field(compare=False, repr=False)


def challenges_file(path: Path) -> Path:
    """`path/challenges.jsonl` for a set directory, or `path` itself for a .jsonl file."""
    if path.is_dir():
        path = path / "challenges.jsonl"
    if not path.is_file():
        raise ChallengeFormatError(
            "no challenge set here (expected a directory with challenges.jsonl, or a .jsonl file)",
            SourceLocation(str(path)),
        )
    return path


def _canonical_hash(record: Mapping[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "content_hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse_record(record: Any, where: SourceLocation, line_text: str = "") -> Challenge:
    """One JSON record as a `Challenge`, or a `ChallengeFormatError` at `where`."""

    def fail(message: str) -> ChallengeFormatError:
        return ChallengeFormatError(message, where, caret_excerpt(line_text, 1, 1) if line_text else "")

    if not isinstance(record, dict):
        raise fail("a challenge record must be a JSON object")
    for key, kind in _REQUIRED.items():
        if key not in record:
            raise fail(f"record lacks field {key!r}")
        if not isinstance(record[key], kind):
            raise fail(f"field {key!r} has the wrong type ({type(record[key]).__name__})")
    unknown = sorted(set(record) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise fail(f"record {record['id']}: unknown field {unknown[0]!r} (docs/challenge-format.md lists the fields)")
    for key, kinds in _OPTIONAL.items():
        if key in record and type(record[key]) not in kinds:
            raise fail(f"field {key!r} has the wrong type ({type(record[key]).__name__})")
    name = record["theorem_name"]
    lean = record["lean"]
    if not find_theorem(blank_comments_and_strings(lean), name):
        raise fail(f"record {record['id']}: its lean text does not declare theorem {name}")
    if last_sorry_offset(lean) is None:
        raise fail(f"record {record['id']}: its lean text has no sorry to replace")
    features = record.get("lean_features") or []
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise fail("field 'lean_features' must be a list of strings")
    content_hash = record.get("content_hash")
    return Challenge(
        id=record["id"],
        domain=record["domain"],
        template=record["template"],
        difficulty=record["difficulty"],
        theorem_name=name,
        lean=lean,
        lean_statement=record["lean_statement"],
        markdown=record["markdown"],
        certified=record["certified"],
        lean_features=tuple(features),
        content_hash=content_hash if isinstance(content_hash, str) and content_hash else _canonical_hash(record),
        record=record,
    )


def load_challenges(paths: Path | Sequence[Path]) -> list[Challenge]:
    """All challenges of one or more sets, sorted by id; duplicate ids are an error."""
    challenges: dict[str, Challenge] = {}
    for path in [paths] if isinstance(paths, Path) else paths:
        _load_into(challenges_file(path), challenges)
    if not challenges:
        where = paths if isinstance(paths, Path) else paths[0] if paths else Path(".")
        raise ChallengeFormatError("the challenge set is empty", SourceLocation(str(where)))
    return [challenges[k] for k in sorted(challenges)]


def _load_into(file: Path, challenges: dict[str, Challenge]) -> None:
    text = read_user_text(file)  # bytes that are not UTF-8: an error at their line and column
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = SourceLocation(str(file), number, 1)
        try:  # NaN, Infinity and nesting past MAX_JSON_DEPTH are refused here, with their position
            record = parse_user_json(line, str(file), first_line=number)
        except UserError as err:
            raise ChallengeFormatError(err.message, err.location, err.detail) from None
        challenge = parse_record(record, where)
        if challenge.id in challenges:
            raise ChallengeFormatError(f"duplicate challenge id {challenge.id}", where)
        challenges[challenge.id] = challenge
