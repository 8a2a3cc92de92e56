"""The library of `.rasp` programs shipped in `axiomforge/rasp/library/`, with their headers.

A library file states its intended vocabulary and a small default `max_len` in comment lines
(`# vocab: a,b,c`, `# max_len: 5`); tools use them when the user gives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axiomforge.errors import SourceLocation, UserError, read_user_text
from axiomforge.rasp.limits import MAX_NUMERAL_DIGITS

LIBRARY_DIR = Path(__file__).with_name("library")
HELPER_FILES = {"dyck.rasp"}  # loaded by others, not programs themselves


def parse_vocab(text: str, what: str = "--vocab") -> list[Any]:
    """`a,b,c` -> ['a','b','c']; items that are integers become ints (`1,2,3` -> [1,2,3])."""
    items = [t.strip() for t in text.split(",")]
    if any(t == "" for t in items):
        raise UserError(f"bad vocabulary {text[:60]!r}: empty item (write items separated by commas)")
    return [_integer(t, what) if re.fullmatch(r"-?\d+", t) else t for t in items]


def parse_input(text: str, vocab: list[Any] | None = None) -> list[Any]:
    """`"a b c"` -> tokens; integer-looking tokens become ints when the vocabulary has ints."""
    parts = text.split()
    want_int = vocab is not None and any(isinstance(v, int) for v in vocab)
    return [_integer(p, "--input") if want_int and re.fullmatch(r"-?\d+", p) else p for p in parts]


def _integer(text: str, what: str) -> int:
    """An integer token, at most MAX_NUMERAL_DIGITS digits (the same limit as numerals in sources)."""
    if len(text.lstrip("-")) > MAX_NUMERAL_DIGITS:
        raise UserError(f"{what}: an integer of {len(text.lstrip('-'))} digits (at most {MAX_NUMERAL_DIGITS})")
    return int(text)


@dataclass(frozen=True)
class LibraryProgram:
    name: str
    path: Path
    vocab: list[Any]
    max_len: int
    description: str


def read_header(path: Path) -> LibraryProgram:
    vocab: list[Any] = []
    max_len = 5
    description = ""
    for number, line in enumerate(read_user_text(path).splitlines(), start=1):
        if not line.startswith("#"):
            continue
        body = line[1:].strip()
        if body.startswith("vocab:"):
            vocab = parse_vocab(body.split(":", 1)[1].strip(), f"{path}:{number}: '# vocab:'")
        elif body.startswith("max_len:"):
            value = body.split(":", 1)[1].strip()
            if not (value.isascii() and value.isdecimal() and len(value) <= 5 and 1 <= int(value) <= 10_000):
                raise UserError(f"'# max_len:' needs an integer from 1 to 10,000, got {value!r}",
                                SourceLocation(str(path), number, 1))
            max_len = int(value)
        elif not description:
            description = body
    return LibraryProgram(path.stem, path, vocab, max_len, description)


def library() -> list[LibraryProgram]:
    return [read_header(p) for p in sorted(LIBRARY_DIR.glob("*.rasp")) if p.name not in HELPER_FILES]


def resolve_program_path(name: str) -> Path:
    """A path as given, or the library program of that name (`sort`, `sort.rasp`)."""
    path = Path(name)
    if path.exists():
        return path
    stem = name[:-5] if name.endswith(".rasp") else name
    lib = LIBRARY_DIR / f"{stem}.rasp"
    if "/" not in name and lib.exists():
        return lib
    return path
