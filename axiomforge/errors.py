"""User-facing errors shared by every engine.

A `UserError` is something the user can fix (bad file, bad flag, bad input). The CLI turns it into
one line on stderr, `error: <file>:<line>:<col>: <message>`, and exit code 2; anything else is a bug
and keeps its traceback. Engines subclass `UserError` (`MPLSyntaxError`, `RaspCompileError`, ...)
so errors are types that carry their location.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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


# Reading user files -------------------------------------------------------------------------
# One layer for every text format (task JSONL, proofs.json, GL signatures, RASP and MPL sources):
# bytes that are not UTF-8 and JSON that is not plain data become a located `UserError` here,
# before any engine sees the text.

def json_kind(value: Any) -> str:
    """A parsed JSON value's type in words, for messages about user files (never a Python repr)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


MAX_JSON_DEPTH = 200
"""Deepest nesting of arrays and objects accepted in a user's JSON (docs/limits.md).

Real documents nest a few dozen levels (a formula inside a step inside a theorem); the readers
walk them recursively, so a document 500 levels deep is refused up front, with its position,
instead of exhausting Python's stack halfway through a check."""


def decode_utf8(data: bytes, file: str) -> str:
    """`data` as text, or a `UserError` at the line and column of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise UserError(f"not UTF-8 text (byte 0x{data[err.start]:02x})", SourceLocation(file, line, column)) from None


MAX_INPUT_BYTES = 1 << 30
"""Largest text file read (docs/limits.md): inputs are read whole, so 1 GiB bounds the memory a
stray argument (a disk image, a log) can take before it is refused."""


def read_user_text(path: str | os.PathLike[str], max_bytes: int = MAX_INPUT_BYTES) -> str:
    """A user's text file decoded as UTF-8; a directory, a missing or oversized file and bad
    bytes are a `UserError`."""
    name = os.fspath(path)
    if os.path.isdir(name):
        raise UserError("is a directory, expected a file", SourceLocation(name))
    try:
        with open(name, "rb") as handle:  # the size first; a pipe (size 0) is read up to the limit
            too_big = os.fstat(handle.fileno()).st_size > max_bytes
            data = b"" if too_big else handle.read(max_bytes + 1)
        if too_big or len(data) > max_bytes:
            raise UserError(f"larger than {max_bytes:,} bytes (docs/limits.md)", SourceLocation(name))
    except OSError as err:
        raise UserError(f"cannot read: {err.strerror or err}", SourceLocation(name)) from None
    return decode_utf8(data, name)


def parse_user_json(text: str, file: str, first_line: int = 1, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`text` parsed as JSON data, or a located `UserError`.

    Refused: syntax errors, NaN and ±Infinity (not JSON, and never a meaningful value in our
    formats), and nesting deeper than `max_depth`. `first_line` is the file line `text` starts
    on (a JSONL line)."""

    def fail(message: str, line: int, column: int) -> UserError:
        return UserError(message, SourceLocation(file, first_line + line - 1, column), caret_excerpt(text, line, column))

    def no_constant(name: str) -> Any:
        raise ValueError(name)

    deep = _too_deep_at(text, max_depth)
    if deep is not None:
        line, column = _line_column(text, deep)
        raise fail(f"JSON nested deeper than {max_depth} levels", line, column)
    try:
        return json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as err:
        raise fail(f"not valid JSON: {err.msg}", err.lineno, err.colno) from None
    except ValueError as err:  # from no_constant: NaN, Infinity, -Infinity
        constant = next((m for m in _CONSTANT_OR_STRING.finditer(text) if m.group(1)), None)
        line, column = _line_column(text, constant.start() if constant else 0)
        raise fail(f"{err} is not a JSON number", line, column) from None


def _too_deep_at(text: str, max_depth: int) -> int | None:
    """The offset where `text` first opens a bracket beyond `max_depth` (strings skipped), or None.

    A cheap upper bound first (brackets counted anywhere): most documents never get near the limit."""
    if text.count("[") + text.count("{") <= max_depth:
        return None
    depth = 0
    for match in _BRACKET_OR_STRING.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_BRACKET_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_CONSTANT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.DOTALL)


def check_output_file(path: str | os.PathLike[str], ours: Callable[[str], bool] | None = None,
                      what: str = "") -> None:
    """Refuse, before any work starts, an output file path that cannot be written: a directory,
    or a path under an existing file. Missing parent directories are fine (they are created).

    With `ours`, an existing non-empty file is overwritten only if `ours(path)` recognises it as
    this command's own earlier output (`what` names that output in the message): a user's file
    given by mistake is never clobbered."""
    name = os.fspath(path)
    if ours is not None and os.path.isfile(name) and os.path.getsize(name) > 0 and not _recognised(ours, name):
        raise UserError(f"exists and is not {what}; refusing to overwrite it (remove it or choose another path)",
                        SourceLocation(name))
    if os.path.isdir(name):
        raise UserError("is a directory, expected an output file path", SourceLocation(name))
    parent = os.path.dirname(os.path.abspath(name))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise UserError(f"cannot write here: {parent} is not a directory", SourceLocation(name))
    if not os.access(parent, os.W_OK):
        raise UserError(f"cannot write here: {parent} is not writable", SourceLocation(name))


def _recognised(ours: Callable[[str], bool], name: str) -> bool:
    try:
        return ours(name)
    except (OSError, ValueError):  # unreadable or undecodable: not ours
        return False


def file_contains(marker: bytes, within: int = 4096) -> Callable[[str], bool]:
    """A recogniser for `check_output_file`: `marker` occurs in the file's first `within` bytes."""

    def ours(name: str) -> bool:
        with open(name, "rb") as handle:
            return marker in handle.read(within)

    return ours


def file_starts_with(prefix: bytes) -> Callable[[str], bool]:
    """A recogniser for `check_output_file`: the file's first bytes are `prefix`."""

    def ours(name: str) -> bool:
        with open(name, "rb") as handle:
            return handle.read(len(prefix)) == prefix

    return ours
