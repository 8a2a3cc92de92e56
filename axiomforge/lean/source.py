r"""Lexical view of Lean 4 source, read the way Lean's own tokenizer reads it.

The acceptance screen must see exactly the code Lean sees: a screen that takes `«--»` for a
comment, or `«"»` for the start of a string, can be made to skip `axiom cheat : False`. So this
module follows Lean 4's scanner (`Lean.Parser.Basic`: `whitespace`, `tokenFn`, `identFn`,
`strLitFnAux`, `charLitFnAux`, `rawStrLitFnAux`, `interpolatedStrFn`) rule for rule:

- whitespace is only space, tab, CR and LF; `--` runs to the end of the line; `/-` opens a
  comment that nests (doc comments `/--` and `/-!` too);
- an identifier is dotted parts, each `«anything but »»` or an identifier-first character
  (ASCII letter, `_`, Lean's letter-like Unicode blocks: Greek except λ, Π, Σ; Coptic;
  letter-like symbols; mathematical alphanumerics) followed by identifier characters (those,
  ASCII digits, `'`, `!`, `?`, subscripts). So `sorryλ` is `sorry` then `λ`, as for Lean;
- `"` opens a string with escapes (`\\ \" \' \n \t \r \xHH \uHHHH`, and a `\` line gap);
  `'` at a token start opens a character literal, while `h'` is an identifier;
  `r"…"` / `r#"…"#` are raw strings; `` `name `` is a name literal;
- after `s!`, `m!`, `f!`, `throwError`, `dbg_trace` or `println!` a string is interpolated: the
  text between `{` and the matching `}` is code and is lexed as such.

Where Lean's reading depends on its token table, which this module does not have, it refuses
instead of guessing: a `--` or `/-` glued to a preceding operator character (Lean could read
`\/-` as the token `\/` then `-`) is a `LexError`. So is anything Lean itself would not lex
(unterminated comment, string, character literal or `«`, a bad escape). A caller that screens
hostile text rejects on a `LexError`; nothing is ever silently skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

IDENT = "ident"
NAME_LITERAL = "name"
NUMBER = "number"
STRING = "string"
RAW_STRING = "raw_string"
INTERPOLATED = "interpolated"  # one literal chunk of an interpolated string: `"ab{`, `}cd{`, `}ef"`
CHAR = "char"
SYMBOL = "symbol"

# Tokens after which Lean parses a string as interpolated (`interpolatedStr(term)` right after them).
INTERPOLATION_INTRODUCERS = frozenset({"s!", "m!", "f!", "throwError", "dbg_trace", "println!"})
# Single-character tokens after which `--` or `/-` certainly starts a comment: no Lean token
# begins with them and continues with `-` or `/`.
_BRACKETS = frozenset("()[]{}⟨⟩,")
_MAX_INTERPOLATION_DEPTH = 16
_SIMPLE_ESCAPES = frozenset("\\\"'rnt")
_HEX = frozenset("0123456789abcdefABCDEF")


class LexError(ValueError):
    """Text that Lean would not lex, or would lex in a way this module cannot be sure of."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


class Token(NamedTuple):
    """One token. For identifiers `name` is the name Lean reads: parts with «» removed, joined by `.`.

    A named tuple rather than a frozen dataclass: a screen makes tens of thousands of them, and a
    tuple is built several times faster; it is just as immutable."""

    text: str
    offset: int
    kind: str = SYMBOL
    name: str = ""
    parts: tuple[str, ...] = ()
    escaped: bool = False  # some part was written «…»: never a keyword

    @property
    def end(self) -> int:
        return self.offset + len(self.text)

    def is_keyword(self, word: str) -> bool:
        """An unescaped identifier spelled `word` (Lean reads it as that keyword when it is one)."""
        return self.kind == IDENT and not self.escaped and self.text == word


def is_letter_like(c: str) -> bool:
    o = ord(c)
    return (
        (0x3B1 <= o <= 0x3C9 and o != 0x3BB)
        or (0x391 <= o <= 0x3A9 and o not in (0x3A0, 0x3A3))
        or 0x3CA <= o <= 0x3FB
        or 0x1F00 <= o <= 0x1FFE
        or 0x2100 <= o <= 0x214F
        or 0x1D49C <= o <= 0x1D59F
    )


def _is_subscript_alnum(c: str) -> bool:
    o = ord(c)
    return 0x2080 <= o <= 0x2089 or 0x2090 <= o <= 0x209C or 0x1D62 <= o <= 0x1D6A


def is_id_first(c: str) -> bool:
    return (c.isascii() and c.isalpha()) or c == "_" or is_letter_like(c)


def is_id_rest(c: str) -> bool:
    return is_id_first(c) or (c.isascii() and c.isdigit()) or c in "'!?" or _is_subscript_alnum(c)


def _is_lean_space(c: str) -> bool:
    return c in " \t\r\n"


# The same classes as regular expressions, for speed (kept equal to the functions above by a test).
_ID_FIRST_CLASS = (
    "A-Za-z_\u03b1-\u03ba\u03bc-\u03c9\u0391-\u039f\u03a1\u03a2\u03a4-\u03a9\u03ca-\u03fb"
    "\u1f00-\u1ffe\u2100-\u214f\U0001d49c-\U0001d59f"
)
_ID_REST_CLASS = _ID_FIRST_CLASS + "0-9'!?\u2080-\u2089\u2090-\u209c\u1d62-\u1d6a"
_ID_FIRST_RE = re.compile(f"[{_ID_FIRST_CLASS}]")
_ID_PART_RE = re.compile(f"[{_ID_FIRST_CLASS}][{_ID_REST_CLASS}]*")
_SPACE_RE = re.compile(r"[ \t\r\n]+")
_SPACE_OR_COMMENT_START = frozenset(" \t\r\n-/")
_COMMENT_MARK_RE = re.compile(r"/-|-/")
_STRING_RUN_RE = re.compile(r'[^"\\]+')
_INTERPOLATED_RUN_RE = re.compile(r'[^"\\{]+')


@dataclass(frozen=True)
class Lexed:
    """Tokens in order, the spans of comments, and the first lexical error (tokens stop there)."""

    tokens: tuple[Token, ...]
    comments: tuple[tuple[int, int], ...]
    error: LexError | None


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self.tokens: list[Token] = []
        self.comments: list[tuple[int, int]] = []

    # -- whitespace and comments ---------------------------------------------------------------
    def _skip_space(self, i: int) -> int:
        text = self.text
        while True:
            space = _SPACE_RE.match(text, i)
            if space is not None:
                i = space.end()
            if text.startswith("--", i) or text.startswith("/-", i):
                if not self._comment_certain(i):
                    raise LexError(
                        f"comment marker {text[i:i + 2]!r} glued to {text[i - 1]!r}: Lean may read it as part of a token", i
                    )
                i = self._line_comment(i) if text[i] == "-" else self._block_comment(i)
            else:
                return i

    def _comment_certain(self, i: int) -> bool:
        """Whether Lean certainly starts a comment at i: nothing before it, or whitespace, a comment,
        or a token that no longer token could extend (identifier, literal, bracket, comma)."""
        if i == 0 or _is_lean_space(self.text[i - 1]):
            return True
        if self.comments and self.comments[-1][1] == i:
            return True
        last = self.tokens[-1] if self.tokens else None
        if last is None or last.end != i:
            return False
        return last.kind != SYMBOL or last.text in _BRACKETS

    def _line_comment(self, i: int) -> int:
        j = self.text.find("\n", i)
        j = self.n if j < 0 else j
        self.comments.append((i, j))
        return j

    def _block_comment(self, i: int) -> int:
        depth = 1
        for mark in _COMMENT_MARK_RE.finditer(self.text, i + 2):
            depth += 1 if mark.group() == "/-" else -1
            if depth == 0:
                self.comments.append((i, mark.end()))
                return mark.end()
        self.comments.append((i, self.n))
        raise LexError("unterminated comment", i)

    # -- literals ------------------------------------------------------------------------------
    def _escape(self, j: int, allow_brace: bool) -> int:
        """Index after the escape sequence whose backslash is at j (Lean's quotedCharCoreFn)."""
        text, n = self.text, self.n
        if j + 1 >= n:
            raise LexError("unterminated escape sequence", j)
        c = text[j + 1]
        if c in _SIMPLE_ESCAPES or (allow_brace and c == "{"):
            return j + 2
        width = {"x": 2, "u": 4}.get(c)
        if width is not None:
            digits = text[j + 2 : j + 2 + width]
            if len(digits) != width or not set(digits) <= _HEX:
                raise LexError("invalid escape sequence", j)
            return j + 2 + width
        raise LexError("invalid escape sequence", j)

    def _string(self, i: int) -> int:
        text, n = self.text, self.n
        j = i + 1
        while j < n:
            run = _STRING_RUN_RE.match(text, j)
            if run is not None:
                j = run.end()
                if j >= n:
                    break
            c = text[j]
            if c == '"':
                self.tokens.append(Token(text[i : j + 1], i, STRING))
                return j + 1
            if c == "\\":
                if j + 1 < n and text[j + 1] == "\n":  # a string gap: `\` newline, then whitespace
                    j += 2
                    while j < n and _is_lean_space(text[j]):
                        j += 1
                else:
                    j = self._escape(j, allow_brace=False)
            else:
                j += 1
        raise LexError("unterminated string literal", i)

    def _interpolated(self, i: int, depth: int) -> int:
        if depth > _MAX_INTERPOLATION_DEPTH:
            raise LexError("interpolated strings nested too deeply", i)
        text, n = self.text, self.n
        start, j = i, i + 1
        while j < n:
            run = _INTERPOLATED_RUN_RE.match(text, j)
            if run is not None:
                j = run.end()
                if j >= n:
                    break
            c = text[j]
            if c == '"':
                self.tokens.append(Token(text[start : j + 1], start, INTERPOLATED))
                return j + 1
            if c == "\\":
                j = self._escape(j, allow_brace=True)
            elif c == "{":
                self.tokens.append(Token(text[start : j + 1], start, INTERPOLATED))
                j = self._code(j + 1, depth + 1)
                if j >= n or text[j] != "}":
                    raise LexError("unterminated interpolation in string", start)
                start = j
                j += 1
            else:
                j += 1
        raise LexError("unterminated string literal", i)

    def _raw_string(self, i: int) -> int:
        text = self.text
        j = i + 1
        while text[j] == "#":
            j += 1
        close = '"' + "#" * (j - i - 1)
        end = text.find(close, j + 1)
        if end < 0:
            raise LexError("unterminated raw string literal", i)
        end += len(close)
        self.tokens.append(Token(text[i:end], i, RAW_STRING))
        return end

    def _char(self, i: int) -> int:
        text, n = self.text, self.n
        if i + 1 >= n:
            raise LexError("unterminated character literal", i)
        j = self._escape(i + 1, allow_brace=False) if text[i + 1] == "\\" else i + 2
        if j >= n or text[j] != "'":
            raise LexError("missing end of character literal", i)
        self.tokens.append(Token(text[i : j + 1], i, CHAR))
        return j + 1

    def _number(self, i: int) -> int:
        text, n = self.text, self.n
        j = i + 1
        if text[i] == "0" and j < n and text[j] in "bBoOxX":
            allowed = {"b": "01", "o": "01234567", "x": "0123456789abcdefABCDEF"}[text[j].lower()]
            k = j + 1
            while k < n and (text[k] in allowed or text[k] == "_"):
                k += 1
            if k == j + 1:
                raise LexError("missing digits after the number prefix", i)
            j = k
        else:
            while j < n and (text[j].isascii() and text[j].isdigit() or text[j] == "_"):
                j += 1
            if j + 1 < n and text[j] == "." and text[j + 1].isascii() and text[j + 1].isdigit():
                j += 1
                while j < n and text[j].isascii() and text[j].isdigit():
                    j += 1
            if j < n and text[j] in "eE":
                k = j + 1
                if k < n and text[k] in "+-":
                    k += 1
                if not (k < n and text[k].isascii() and text[k].isdigit()):
                    raise LexError("missing exponent digits in scientific literal", j)
                while k < n and text[k].isascii() and text[k].isdigit():
                    k += 1
                j = k
        self.tokens.append(Token(text[i:j], i, NUMBER))
        return j

    def _ident(self, i: int, kind: str = IDENT, start: int | None = None) -> int:
        text, n = self.text, self.n
        parts: list[str] = []
        escaped = False
        j = i
        while True:
            if text[j] == "«":
                close = text.find("»", j + 1)
                if close < 0:
                    raise LexError("unterminated identifier escape", j)
                parts.append(text[j + 1 : close])
                escaped = True
                j = close + 1
            else:
                part = _ID_PART_RE.match(text, j)
                assert part is not None  # the caller saw an identifier-first character
                parts.append(part.group())
                j = part.end()
            if j + 1 < n and text[j] == "." and (text[j + 1] == "«" or _ID_FIRST_RE.match(text, j + 1)):
                j += 1
                continue
            break
        begin = i if start is None else start
        self.tokens.append(Token(text[begin:j], begin, kind, ".".join(parts), tuple(parts), escaped))
        return j

    # -- the token loop ------------------------------------------------------------------------
    def _code(self, i: int, depth: int = 0) -> int:
        """Lex code from i; inside an interpolation (depth > 0) stop at the `}` that closes it."""
        text, n = self.text, self.n
        braces = 0
        while True:
            if i < n and text[i] in _SPACE_OR_COMMENT_START:
                i = self._skip_space(i)
            if i >= n:
                return i
            c = text[i]
            nxt = text[i + 1] if i + 1 < n else ""
            if c == '"':
                prev = self.tokens[-1] if self.tokens else None
                if prev is not None and prev.kind == IDENT and prev.text in INTERPOLATION_INTRODUCERS:
                    i = self._interpolated(i, depth)
                else:
                    i = self._string(i)
            elif c == "'" and nxt != "'":
                i = self._char(i)
            elif c.isascii() and c.isdigit():
                i = self._number(i)
            elif c == "`" and nxt and (is_id_first(nxt) or nxt == "«"):
                i = self._ident(i + 1, NAME_LITERAL, start=i)
            elif c == "r" and self._raw_start(i + 1):
                i = self._raw_string(i)
            elif (part := _ID_PART_RE.match(text, i)) is not None:
                end = part.end()
                if end < n and text[end] == ".":
                    i = self._ident(i)
                else:  # the common case: a one-part identifier
                    word = part.group()
                    self.tokens.append(Token(word, i, IDENT, word, (word,)))
                    i = end
            elif c == "«":
                i = self._ident(i)
            else:
                if depth and c == "}" and braces == 0:
                    return i
                if c == "{":
                    braces += 1
                elif c == "}":
                    braces -= 1
                width = 2 if text.startswith("''", i) else 1
                self.tokens.append(Token(text[i : i + width], i, SYMBOL))
                i += width

    def _raw_start(self, j: int) -> bool:
        while j < self.n and self.text[j] == "#":
            j += 1
        return j < self.n and self.text[j] == '"'


@lru_cache(maxsize=512)
def lex(text: str) -> Lexed:
    """Lean's tokens of `text` (cached: the screen asks about the same text several times)."""
    scanner = _Scanner(text)
    try:
        scanner._code(0)
        error = None
    except LexError as err:
        error = err
    return Lexed(tuple(scanner.tokens), tuple(scanner.comments), error)


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _literal_body(tok: Token) -> tuple[int, int]:
    """The span inside a literal's delimiters."""
    if tok.kind == RAW_STRING:
        hashes = len(tok.text) - len(tok.text.lstrip("r#")) - 1
        return tok.offset + hashes + 2, tok.end - hashes - 1
    return tok.offset + 1, tok.end - 1


@lru_cache(maxsize=512)
def blank_comments_and_strings(text: str) -> str:
    """`text` with comments and literal contents replaced by spaces (same length, same lines).

    After a lexical error everything from the error on is blanked (Lean stops there too).
    """
    lexed = lex(text)
    chars = list(text)
    for start, end in lexed.comments:
        _blank(chars, start, end)
    for tok in lexed.tokens:
        if tok.kind in (STRING, RAW_STRING, CHAR, INTERPOLATED):
            start, end = _literal_body(tok)
            _blank(chars, start, max(start, end))
    if lexed.error is not None:
        _blank(chars, lexed.error.offset, len(text))
    return "".join(chars)


def tokens(text: str) -> list[Token]:
    """Lean's tokens of `text` (up to a lexical error, if any). Whitespace and comments vanish."""
    return list(lex(text).tokens)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def declared_name(tok: Token) -> str:
    """The name a declaration introduces, without a leading `_root_`."""
    parts = tok.parts[1:] if tok.parts[:1] == ("_root_",) else tok.parts
    return ".".join(parts)


_DECL_KEYWORDS = ("theorem", "lemma")


def find_theorem(text: str, name: str) -> list[int]:
    """Offsets of every `theorem NAME`/`lemma NAME` declaration (NAME as Lean reads it, «» or not).

    Accepts raw or already-blanked source: both lex to the same code tokens.
    """
    toks = tokens(text)
    return [
        toks[i].offset
        for i in range(len(toks) - 1)
        if toks[i].kind == IDENT and not toks[i].escaped and toks[i].text in _DECL_KEYWORDS
        and toks[i + 1].kind == IDENT
        and declared_name(toks[i + 1]) == name
    ]


def last_sorry_offset(text: str) -> int | None:
    """Offset of the last real `sorry` token (not in a comment or string), or None."""
    found = [t.offset for t in tokens(text) if t.is_keyword("sorry")]
    return found[-1] if found else None


_DECLARING = frozenset(
    {"def", "abbrev", "theorem", "lemma", "structure", "inductive", "class", "instance", "opaque", "axiom"}
)


def declared_names(text: str) -> list[Token]:
    """Identifiers introduced by `def`/`theorem`/`inductive`/... in source, in order."""
    toks = tokens(text)
    return [
        toks[i + 1]
        for i in range(len(toks) - 1)
        if toks[i].kind == IDENT and not toks[i].escaped and toks[i].text in _DECLARING and toks[i + 1].kind == IDENT
    ]
