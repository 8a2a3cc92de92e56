"""Reading what `lean` prints: messages (JSON lines or plain text) and `#print axioms` answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_TEXT_MESSAGE = re.compile(r"^(?P<file>[^\n:]*?):(?P<line>\d+):(?P<col>\d+): (?:(?P<sev>error|warning|info|information):? ?)?(?P<text>.*)$")
_AXIOMS = re.compile(r"'(?P<name>[^']+)' depends on axioms: \[(?P<axioms>[^\]]*)\]", re.S)
_NO_AXIOMS = re.compile(r"'(?P<name>[^']+)' does not depend on any axioms")


@dataclass(frozen=True)
class LeanMessage:
    severity: str  # "error" | "warning" | "information"
    line: int
    column: int
    text: str


def _severity(raw: str | None) -> str:
    if raw in ("info", "information", None, ""):
        return "information"
    return raw


def parse_lean_output(output: str) -> list[LeanMessage]:
    """Messages from `lean --json` (one JSON object per line) or from plain `lean` output.

    Plain messages can span several lines: a line that does not start a new message continues the
    previous one. Output before the first message (banners, crashes) is kept as an error at 0:0 so
    that nothing a checker says is silently dropped.
    """
    messages: list[LeanMessage] = []
    stray: list[str] = []
    for raw_line in output.splitlines():
        stripped = raw_line.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                obj = json.loads(stripped)
            except json.JSONDecodeError:
                obj = None
            if isinstance(obj, dict) and "severity" in obj:
                pos = obj.get("pos") or {}
                messages.append(
                    LeanMessage(
                        _severity(str(obj.get("severity"))),
                        int(pos.get("line", 0)),
                        int(pos.get("column", 0)),
                        str(obj.get("data", "")).rstrip(),
                    )
                )
                continue
        match = _TEXT_MESSAGE.match(raw_line)
        if match:
            messages.append(
                LeanMessage(
                    _severity(match.group("sev")),
                    int(match.group("line")),
                    int(match.group("col")),
                    match.group("text").rstrip(),
                )
            )
        elif messages:
            last = messages[-1]
            messages[-1] = LeanMessage(last.severity, last.line, last.column, f"{last.text}\n{raw_line}".rstrip())
        elif stripped:
            stray.append(stripped)
    if stray:
        messages.insert(0, LeanMessage("error", 0, 0, "\n".join(stray)))
    return messages


def parse_axioms(text: str, theorem_name: str) -> list[str] | None:
    """Axioms listed by `#print axioms theorem_name` in `text`; None when there is no such answer.

    The name must match in full: `Clean.thm` is not `thm` (a decoy's answer must never count)."""
    for match in _AXIOMS.finditer(text):
        if match.group("name") == theorem_name:
            return sorted(a.strip() for a in match.group("axioms").replace("\n", " ").split(",") if a.strip())
    for match in _NO_AXIOMS.finditer(text):
        if match.group("name") == theorem_name:
            return []
    return None
