"""Lexical view of Lean 4 source: comments and strings blanked, tokens, declarations.

The acceptance policy must not be fooled by `sorry` inside a comment (allowed) nor miss one in
code (rejected), so every textual check runs on a *blanked* copy of the source: comments
(`--` to end of line, nested `/- ... -/`, doc comments) and the contents of string and character
literals are replaced by spaces. Offsets, lines and columns are unchanged, so a finding in the
blanked text points at the right place in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_IDENT_CHAR = re.compile(r"[\w'!?.\u0370-\u03ff\u1f00-\u1fff\u2100-\u214f]")
_CHAR_LITERAL = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)|[^\\'\n])'")
# Where a comment or literal may start; everything between two such places is kept as is.
_MAYBE_SPECIAL = re.compile(r"""--|/-|r#*"|"|'""")


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


@lru_cache(maxsize=512)
def blank_comments_and_strings(text: str) -> str:
    """`text` with comments and literal contents replaced by spaces (same length, same lines).

    Unterminated block comments or strings blank to the end of the text, which is also what Lean
    would do before reporting the error. Cached: the policy asks about the same text repeatedly.
    """
    chars = list(text)
    i, n = 0, len(text)
    while i < n:
        special = _MAYBE_SPECIAL.search(text, i)
        if special is None:
            break
        i = special.start()
        c = text[i]
        if c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            _blank(chars, i, j)
            i = j
        elif c == "/" and text.startswith("/-", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/-", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("-/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            _blank(chars, i, j)
            i = j
        elif c == "r" and (m := re.match(r'r(#*)"', text[i:])) and not (i and _IDENT_CHAR.match(text[i - 1])):
            hashes = m.group(1)
            close = '"' + hashes
            j = text.find(close, i + len(m.group(0)))
            j = n if j < 0 else j + len(close)
            _blank(chars, i + len(m.group(0)), max(j - len(close), i + len(m.group(0))))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            _blank(chars, i + 1, min(j, n))
            i = j + 1
        elif c == "'" and not (i and _IDENT_CHAR.match(text[i - 1])) and (m := _CHAR_LITERAL.match(text, i)):
            _blank(chars, i + 1, m.end() - 1)
            i = m.end()
        else:
            i += 1
    return "".join(chars)


# Identifiers (with dotted parts, primes, `?`/`!` suffixes as in `apply?`, `simp!`), «escaped»
# names, numbers, and single symbol characters. `:=` becomes two tokens, consistently.
_TOKEN = re.compile(r"«[^»]*»|[A-Za-z_\u0370-\u03ff\u1f00-\u1fff][\w'.\u0370-\u03ff\u1f00-\u1fff]*[?!]?|\d+|\S")


@dataclass(frozen=True)
class Token:
    text: str
    offset: int


def tokens(blanked: str) -> list[Token]:
    """Tokens of already-blanked source; whitespace differences vanish, identifier boundaries stay."""
    return list(_tokens(blanked))


@lru_cache(maxsize=512)
def _tokens(blanked: str) -> tuple[Token, ...]:
    return tuple(Token(m.group(0), m.start()) for m in _TOKEN.finditer(blanked))


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


_DECL_KEYWORDS = ("theorem", "lemma")


def find_theorem(blanked: str, name: str) -> list[int]:
    """Offsets of every `theorem NAME`/`lemma NAME` declaration in blanked source."""
    toks = tokens(blanked)
    return [
        toks[i].offset
        for i in range(len(toks) - 1)
        if toks[i].text in _DECL_KEYWORDS and toks[i + 1].text == name
    ]


def last_sorry_offset(text: str) -> int | None:
    """Offset of the last real `sorry` token (not in a comment or string), or None."""
    found = [t.offset for t in tokens(blank_comments_and_strings(text)) if t.text == "sorry"]
    return found[-1] if found else None


_DECLARING = frozenset(
    {"def", "abbrev", "theorem", "lemma", "structure", "inductive", "class", "instance", "opaque", "axiom"}
)


def declared_names(blanked: str) -> list[Token]:
    """Names introduced by `def`/`theorem`/`inductive`/... in blanked source, in order."""
    toks = tokens(blanked)
    return [
        Token(toks[i + 1].text, toks[i + 1].offset)
        for i in range(len(toks) - 1)
        if toks[i].text in _DECLARING and (toks[i + 1].text[:1].isalpha() or toks[i + 1].text[:1] in "_«")
    ]
