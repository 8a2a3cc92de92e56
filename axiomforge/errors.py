"""User-facing errors shared by every engine.

A `UserError` is something the user can fix (bad file, bad flag, bad input). The CLI turns it into
one line on stderr, `error: <file>:<line>:<col>: <message>`, and exit code 2; anything else is a bug
and keeps its traceback. Engines subclass `UserError` (`MPLSyntaxError`, `RaspCompileError`, ...)
so errors are types that carry their location.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLocation:
    """A place in a user's input; line and column are 1-based, either may be unknown."""

    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class UserError(Exception):
    """An error in the user's input; printed without a traceback, exit code 2.

    `detail` holds extra lines (a caret line under the offending source, say) shown after the
    one-line message.
    """

    exit_code = 2

    def __init__(self, message: str, location: SourceLocation | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.detail = detail

    def format(self) -> str:
        head = f"error: {self.location}: {self.message}" if self.location else f"error: {self.message}"
        return f"{head}\n{self.detail}" if self.detail else head


def caret_excerpt(text: str, line: int, column: int) -> str:
    """The source line at (line, column) with a caret under the column, for error details."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    src = lines[line - 1].expandtabs(1)
    column = max(column - 1, 0)
    if len(src) > _EXCERPT_WIDTH:  # a long line (JSON on one line): a window around the column
        start = max(0, min(column - _EXCERPT_WIDTH // 2, len(src) - _EXCERPT_WIDTH))
        window = src[start : start + _EXCERPT_WIDTH]
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + _EXCERPT_WIDTH < len(src) else ""
        src, column = prefix + window + suffix, column - start + len(prefix)
    return f"  {src}\n  {' ' * column}^"


_EXCERPT_WIDTH = 100
