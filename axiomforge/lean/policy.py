"""The acceptance policy: when a proof of a challenge counts, and why one is rejected.

A proof counts only if (1) the text passes a static screen and (2) a Lean toolchain accepts it in
the two-stage check of `checker.py` (compile, then the fixed checker program that inspects the
compiled module). Model output is treated as hostile; docs/trust.md has the threat model.

Static screen (no Lean needed), on tokens from `source.py`, which reads Lean as Lean does:
- the text must lex (a lexical error, or a construct the lexer cannot read with certainty, rejects);
- the challenge's preamble (everything before the theorem) is reproduced token for token;
- the theorem is declared exactly once after it, with the challenge's statement;
- nothing added after the preamble names a forbidden thing, comparing every part of every name
  with «» removed (`_FORBIDDEN_NAMES`: sorry, sorryAx, admit, axiom, unsafe, implemented_by,
  extern, set_option, notation/macro/syntax/elab, instance, variable, namespace, run_cmd, ...;
  `_NATIVE_ONLY` outside the native track), uses a `#command`, an attribute outside
  `ALLOWED_ATTRIBUTES`, an attribute on a name the challenge declares, a string holding a brace
  outside a known interpolation, or redeclares a name the challenge declares.

Lean stage: no error; no sorry warning (`declaration uses 'sorry'` or `` `sorry` ``); axioms of
the theorem, by fully qualified name, within {propext, Classical.choice, Quot.sound} (plus
`Lean.ofReduceBool`, `Lean.trustCompiler` in the native track); the rest is the checker program's.

Every rejection carries a category of the error taxonomy and a message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from axiomforge.lean.messages import LeanMessage
from axiomforge.lean.source import (
    IDENT,
    NAME_LITERAL,
    STRING,
    SYMBOL,
    Token,
    declared_name,
    declared_names,
    find_theorem,
    lex,
    line_column,
    tokens,
)


class Track(StrEnum):
    STANDARD = "standard"
    NATIVE = "native"


class Category(StrEnum):
    """The error taxonomy: why an attempt did not count."""

    PARSE = "parse"
    TYPE_MISMATCH = "type_mismatch"
    TACTIC_FAILURE = "tactic_failure"
    ELABORATION = "elaboration_error"
    TIMEOUT = "timeout"
    MEMORY = "memory_limit"
    FORBIDDEN = "forbidden_construct"
    STATEMENT_CHANGED = "statement_changed"
    NO_PROOF = "no_proof"
    PROVER_ERROR = "prover_error"
    CHECKER_ERROR = "checker_error"


STANDARD_AXIOMS = frozenset({"propext", "Classical.choice", "Quot.sound"})
NATIVE_AXIOMS = frozenset({"Lean.ofReduceBool", "Lean.trustCompiler"})


@dataclass(frozen=True)
class Violation:
    category: Category
    message: str
    line: int = 0
    column: int = 0

    def describe(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line else ""
        return f"{where}{self.message}"


# Names rejected anywhere after the preamble, compared with every component of the name Lean reads
# (`«sorry»`, `Lean.sorryAx`, `_root_.sorryAx` and `sorryAx.foo` all name sorryAx), with the reason
# shown to users. Identifiers spelled like commands (`«axiom»`) are rejected too: they have no
# place in a proof and a screen that reads them as plain names would be one lexer bug away from
# reading them as commands.
_FORBIDDEN_NAMES: dict[str, str] = {
    "sorry": "uses sorry",
    "sorryAx": "uses sorryAx (a sorry)",
    "admit": "uses admit",
    "stop": "uses stop (repeat sorry)",
    "lcProof": "uses the compiler axiom lcProof",
    "lcCast": "uses the compiler axiom lcCast",
    "lcUnreachable": "uses the compiler axiom lcUnreachable",
    "lcErased": "uses the compiler axiom lcErased",
    "lcAny": "uses the compiler axiom lcAny",
    "axiom": "declares an axiom",
    "axioms": "declares axioms",
    "unsafe": "uses unsafe",
    "partial": "declares a partial function (compiled code the kernel never sees)",
    "opaque": "declares an opaque constant",
    "implemented_by": "uses implemented_by",
    "extern": "uses extern",
    "csimp": "uses a @[csimp] replacement",
    "apply?": "uses apply? (proof search suggestion, not a proof)",
    "exact?": "uses exact? (proof search suggestion, not a proof)",
    "rw?": "uses rw? (proof search suggestion, not a proof)",
    "set_option": "uses set_option (options can switch off checks, e.g. debug.skipKernelTC)",
    "debug": "names a debug option (e.g. debug.skipKernelTC)",
    "notation": "declares notation (changes how the statement reads)",
    "infix": "declares notation (changes how the statement reads)",
    "infixl": "declares notation (changes how the statement reads)",
    "infixr": "declares notation (changes how the statement reads)",
    "prefix": "declares notation (changes how the statement reads)",
    "postfix": "declares notation (changes how the statement reads)",
    "binder_predicate": "declares notation (changes how the statement reads)",
    "macro": "declares a macro",
    "macro_rules": "declares macro rules",
    "syntax": "declares syntax",
    "elab": "declares an elaborator",
    "elab_rules": "declares elaborator rules",
    "unif_hint": "declares a unification hint (changes how the statement elaborates)",
    "simproc": "declares a simproc (runs code)",
    "dsimproc": "declares a simproc (runs code)",
    "instance": "declares an instance (changes how the statement elaborates)",
    "default_instance": "declares a default instance",
    "variable": "declares section variables (would add hypotheses to the theorem)",
    "namespace": "opens a namespace (would rename the theorem)",
    "export": "exports names",
    "import": "imports a module the challenge does not",
    "initialize": "runs initialization code",
    "run_cmd": "runs code at elaboration time",
    "run_tac": "runs code at elaboration time",
    "run_elab": "runs code at elaboration time",
    "run_meta": "runs code at elaboration time",
    "seal": "changes the reducibility of a definition (seal)",
    "unseal": "changes the reducibility of a definition (unseal)",
}
# Component prefixes of command families (`declare_syntax_cat`, `register_simp_attr`,
# `builtin_initialize`, Mathlib's `notation3`, ...): a library imported through a Lake project may
# add commands the lists above do not name.
_FORBIDDEN_PREFIXES: dict[str, str] = {
    "notation": "declares notation (a notation-like command, e.g. notation3)",
    "infix": "declares notation (an infix-like command)",
    "macro": "declares a macro (a macro-like command)",
    "syntax": "declares syntax (a syntax-like command)",
    "elab": "declares an elaborator (an elab-like command)",
    "declare_": "uses a declare_… command (extends Lean's syntax or options)",
    "register_": "uses a register_… command (extends Lean)",
    "builtin_": "uses a builtin_… command (runs or registers code)",
}
_NATIVE_ONLY: dict[str, str] = {
    "native_decide": "uses native_decide",
    "native": "uses native evaluation (decide +native)",
    "bv_decide": "uses bv_decide (trusts Lean.ofReduceBool)",
    "ofReduceBool": "uses Lean.ofReduceBool",
    "reduceBool": "uses Lean.reduceBool",
    "trustCompiler": "uses Lean.trustCompiler",
}
# Attributes a candidate may put on its own helper declarations; everything else (instance, macro,
# implemented_by, extern, csimp, export, init, command_elab, ...) changes how Lean reads, elaborates
# or runs something and is rejected.
ALLOWED_ATTRIBUTES = frozenset(
    {"simp", "reducible", "irreducible", "semireducible", "inline", "noinline", "specialize", "grind"}
)
_ATTRIBUTE_MODIFIERS = frozenset({"local", "scoped"})
# Words that end the target list of an `attribute [...] a b c` command.
_COMMAND_WORDS = frozenset(
    {
        "theorem", "lemma", "def", "abbrev", "example", "structure", "inductive", "class", "instance", "opaque",
        "axiom", "open", "section", "end", "namespace", "noncomputable", "private", "protected", "attribute",
        "mutual", "universe", "set_option", "in",
    }
)


def _violation(category: Category, message: str, text: str, offset: int) -> Violation:
    line, column = line_column(text, offset)
    return Violation(category, message, line, column)


def split_challenge(challenge_lean: str, theorem_name: str) -> tuple[str, str]:
    """(preamble, theorem part) of a challenge file: the text before and from `theorem NAME`."""
    offsets = find_theorem(challenge_lean, theorem_name)
    if not offsets:
        raise ValueError(f"challenge has no theorem {theorem_name}")
    return challenge_lean[: offsets[-1]], challenge_lean[offsets[-1] :]


def _name_reason(tok: Token, track: Track) -> str | None:
    """Why the identifier `tok` is forbidden, or None."""
    for part in tok.parts:
        if part in _FORBIDDEN_NAMES:
            return _FORBIDDEN_NAMES[part]
        if part in _NATIVE_ONLY and track is not Track.NATIVE:
            return f"{_NATIVE_ONLY[part]}, allowed only in the native track"
        for prefix, reason in _FORBIDDEN_PREFIXES.items():
            if part.startswith(prefix):
                return reason
    return None


def _bracketed(toks: Sequence[Token], open_at: int) -> int:
    """Index of the `]` closing the `[` at `open_at` (len(toks) if unclosed)."""
    depth = 0
    for k in range(open_at, len(toks)):
        if toks[k].kind == SYMBOL and toks[k].text == "[":
            depth += 1
        elif toks[k].kind == SYMBOL and toks[k].text == "]":
            depth -= 1
            if depth == 0:
                return k
    return len(toks)


def _attribute_names(toks: Sequence[Token], open_at: int, close_at: int) -> list[Token]:
    """The attribute name of each comma-separated entry of `[ ... ]` (after local/scoped/-)."""
    names: list[Token] = []
    entry_start = True
    depth = 0
    for tok in toks[open_at + 1 : close_at]:
        if tok.kind == SYMBOL and tok.text in "([{⟨":
            depth += 1
        elif tok.kind == SYMBOL and tok.text in ")]}⟩":
            depth -= 1
        if depth == 0 and tok.kind == SYMBOL and tok.text == ",":
            entry_start = True
            continue
        if not entry_start:
            continue
        if tok.kind == SYMBOL and tok.text == "-":
            continue
        if tok.kind == IDENT and not tok.escaped and tok.text in _ATTRIBUTE_MODIFIERS:
            continue
        names.append(tok)
        entry_start = False
    return names


def _attribute_violations(
    text: str, toks: Sequence[Token], start: int, challenge_names: set[str], theorem_name: str
) -> list[Violation]:
    """`@[...]` and `attribute [...] targets` after the preamble: allowed attributes only, and
    never on a name the challenge declares (or on the theorem)."""
    found: list[Violation] = []
    for i in range(start, len(toks) - 1):
        tok, nxt = toks[i], toks[i + 1]
        is_at = tok.kind == SYMBOL and tok.text == "@" and nxt.kind == SYMBOL and nxt.text == "[" and nxt.offset == tok.end
        is_command = tok.kind == IDENT and tok.is_keyword("attribute") and nxt.kind == SYMBOL and nxt.text == "["
        if not (is_at or is_command):
            continue
        close = _bracketed(toks, i + 1)
        for attr in _attribute_names(toks, i + 1, close):
            if attr.kind != IDENT or attr.escaped or attr.name not in ALLOWED_ATTRIBUTES:
                shown = attr.name or attr.text
                found.append(_violation(Category.FORBIDDEN, f"uses the attribute {shown!r} (allowed: {', '.join(sorted(ALLOWED_ATTRIBUTES))})", text, attr.offset))
        if is_command:
            for target in toks[close + 1 :]:
                if target.kind != IDENT or (target.is_keyword(target.text) and target.text in _COMMAND_WORDS):
                    break
                short = declared_name(target).split(".")[-1]
                if short in challenge_names or declared_name(target) == theorem_name:
                    found.append(
                        _violation(
                            Category.STATEMENT_CHANGED,
                            f"changes the attributes of {target.name}, which the challenge declares",
                            text,
                            target.offset,
                        )
                    )
    return found


def _hash_commands(toks: Sequence[Token], start: int) -> list[Token]:
    """`#eval`, `#exit`, `#print`, ... after `start` (a `#` immediately followed by an identifier)."""
    found = []
    for i in range(start, len(toks) - 1):
        tok, nxt = toks[i], toks[i + 1]
        if tok.kind == SYMBOL and tok.text == "#" and nxt.offset == tok.end and nxt.kind == IDENT:
            found.append(Token("#" + nxt.text, tok.offset))
    return found


# What a challenge file itself may not contain: anything that runs code when Lean compiles it.
# A challenge set is user input too (a downloaded task file); its text is compiled by both Lean
# runs, so it must not be able to run code on the machine that checks proofs.
_CHALLENGE_FORBIDDEN: dict[str, str] = {
    "run_cmd": "runs code", "run_tac": "runs code", "run_elab": "runs code", "run_meta": "runs code",
    "initialize": "runs initialization code", "builtin_initialize": "runs initialization code",
    "elab": "declares an elaborator (runs code)", "elab_rules": "declares elaborator rules (runs code)",
    "simproc": "declares a simproc (runs code)", "dsimproc": "declares a simproc (runs code)",
    "implemented_by": "uses implemented_by", "extern": "uses extern", "unsafe": "uses unsafe",
    "command_elab": "registers an elaborator", "term_elab": "registers an elaborator",
    "tactic": "registers a tactic implementation",
}


def screen_challenge(challenge_lean: str) -> list[Violation]:
    """Reasons the challenge file itself is refused (it would run code when compiled); [] when fine."""
    toks = tokens(challenge_lean)
    found: list[Violation] = []
    for i, tok in enumerate(toks):
        if tok.kind == IDENT and any(part in _CHALLENGE_FORBIDDEN for part in tok.parts):
            part = next(p for p in tok.parts if p in _CHALLENGE_FORBIDDEN)
            if part == "tactic" and not (i and toks[i - 1].kind == SYMBOL and toks[i - 1].text in "[,"):
                continue  # `tactic` is only refused as an attribute (@[tactic ...]); it is a common word
            found.append(_violation(Category.CHECKER_ERROR, f"the challenge itself {_CHALLENGE_FORBIDDEN[part]} ({tok.text})",
                                    challenge_lean, tok.offset))
    for tok in _hash_commands(toks, 0):
        found.append(_violation(Category.CHECKER_ERROR, f"the challenge itself uses the command {tok.text}", challenge_lean, tok.offset))
    return sorted(found, key=lambda v: (v.line, v.column))


def screen_source(
    candidate: str,
    challenge_lean: str,
    theorem_name: str,
    lean_statement: str,
    track: Track = Track.STANDARD,
) -> list[Violation]:
    """Static policy violations of a candidate file, in source order; [] when it passes."""
    lexed = lex(candidate)
    if lexed.error is not None:
        return [
            _violation(
                Category.PARSE, f"the screen cannot read this as Lean: {lexed.error.message}", candidate, lexed.error.offset
            )
        ]
    challenge_lexed = lex(challenge_lean)
    if challenge_lexed.error is not None or not find_theorem(challenge_lean, theorem_name):
        return [Violation(Category.CHECKER_ERROR, f"the challenge itself does not lex or lacks theorem {theorem_name}")]
    challenge_problems = screen_challenge(challenge_lean)
    if challenge_problems:
        return challenge_problems
    cand_toks = list(lexed.tokens)
    preamble, _ = split_challenge(challenge_lean, theorem_name)
    # The preamble ends where a token starts, so its tokens are the challenge's before that point.
    pre_toks = [t for t in challenge_lexed.tokens if t.offset < len(preamble)]

    for i, expected in enumerate(pre_toks):
        if i >= len(cand_toks) or cand_toks[i].text != expected.text:
            offset = cand_toks[i].offset if i < len(cand_toks) else len(candidate)
            found = cand_toks[i].text if i < len(cand_toks) else "end of file"
            return [
                _violation(
                    Category.STATEMENT_CHANGED,
                    f"the challenge's definitions were changed: expected {expected.text!r}, found {found!r}",
                    candidate,
                    offset,
                )
            ]

    violations: list[Violation] = []
    start = len(pre_toks)
    added = cand_toks[start:]
    for tok in added:
        if tok.kind in (IDENT, NAME_LITERAL):
            reason = _name_reason(tok, track)
            if reason is not None:
                shown = tok.text if tok.text in reason else f" ({tok.text})"
                message = reason if tok.text in reason else reason + shown
                violations.append(_violation(Category.FORBIDDEN, message, candidate, tok.offset))
        elif tok.kind == STRING and ("{" in tok.text or "}" in tok.text):
            violations.append(
                _violation(
                    Category.FORBIDDEN,
                    "a string literal holding a brace outside a known interpolation: Lean may read code in it",
                    candidate,
                    tok.offset,
                )
            )
    for tok in _hash_commands(cand_toks, start):
        violations.append(_violation(Category.FORBIDDEN, f"uses the command {tok.text}", candidate, tok.offset))

    challenge_names = {
        declared_name(t).split(".")[-1] for t in declared_names(challenge_lean) if t.offset < len(preamble)
    }
    violations.extend(_attribute_violations(candidate, cand_toks, start, challenge_names, theorem_name))
    first_added = added[0].offset if added else len(candidate)
    for name in declared_names(candidate):
        if name.offset >= first_added and declared_name(name).split(".")[-1] in challenge_names:
            violations.append(
                _violation(
                    Category.STATEMENT_CHANGED,
                    f"redeclares {name.name}, which the challenge defines",
                    candidate,
                    name.offset,
                )
            )
    decls = [o for o in find_theorem(candidate, theorem_name) if o >= first_added]
    if len(decls) != 1:
        what = "is missing" if not decls else f"is declared {len(decls)} times"
        violations.append(
            _violation(Category.STATEMENT_CHANGED, f"theorem {theorem_name} {what}", candidate, decls[-1] if decls else 0)
        )
    else:
        stmt = [t.text for t in tokens(lean_statement)] + [":", "="]
        at = next(i for i, t in enumerate(cand_toks) if t.offset == decls[0])
        got = cand_toks[at : at + len(stmt)]
        for k, want in enumerate(stmt):
            if k >= len(got) or got[k].text != want:
                offset = got[k].offset if k < len(got) else len(candidate)
                violations.append(
                    _violation(
                        Category.STATEMENT_CHANGED,
                        f"the statement of {theorem_name} differs from the challenge's"
                        f" (expected {want!r}, found {got[k].text if k < len(got) else 'end of file'!r})",
                        candidate,
                        offset,
                    )
                )
                break
    return sorted(set(violations), key=lambda v: (v.line, v.column, v.category, v.message))


_TIMEOUT_MARKERS = ("deterministic) timeout", "maximum recursion depth", "heartbeats")
_PARSE_PREFIXES = ("unexpected ", "expected ", "unterminated ", "missing end of")
_TYPE_MARKERS = ("type mismatch", "application type mismatch", "is expected to have type", "but is expected to have")
_TACTIC_MARKERS = (
    "unsolved goals",
    "tactic '",
    "failed to prove",
    "failed to synthesize decidable",
    "no goals",
    "made no progress",
    "linarith failed",
    "omega could not",
    "decide failed",
    "the rfl tactic",
    "did not find instance of the pattern",
    "motive is not type correct",
)


def classify_error(text: str) -> Category:
    """Taxonomy category of one Lean error message."""
    lower = text.lower()
    if any(m in lower for m in _TIMEOUT_MARKERS):
        return Category.TIMEOUT
    if lower.startswith(_PARSE_PREFIXES):
        return Category.PARSE
    if any(m in lower for m in _TYPE_MARKERS):
        return Category.TYPE_MISMATCH
    if "failed to synthesize" in lower and "decidable" not in lower:
        return Category.ELABORATION
    if any(m in lower for m in _TACTIC_MARKERS):
        return Category.TACTIC_FAILURE
    return Category.ELABORATION


_SORRY_WARNING = re.compile(r"declaration uses (?:'sorry'|`sorry`)")


def is_sorry_warning(text: str) -> bool:
    """Lean's sorry warning in either quote style: `'sorry'` (Lean < 4.19) and `` `sorry` `` (later)."""
    return _SORRY_WARNING.search(text) is not None


def allowed_axioms(track: Track) -> frozenset[str]:
    return STANDARD_AXIOMS | NATIVE_AXIOMS if track is Track.NATIVE else STANDARD_AXIOMS


def judge_compile_messages(messages: list[LeanMessage]) -> Violation | None:
    """The first reason the compile run rejects the proof: an error, or a sorry warning."""
    errors = sorted((m for m in messages if m.severity == "error"), key=lambda m: (m.line, m.column))
    if errors:
        first = errors[0]
        return Violation(classify_error(first.text), first.text.splitlines()[0] if first.text else "error", first.line, first.column)
    for m in messages:
        if m.severity == "warning" and is_sorry_warning(m.text):
            return Violation(Category.FORBIDDEN, "declaration uses sorry", m.line, m.column)
    return None


def judge_axioms(axioms: list[str] | None, theorem_name: str, track: Track) -> Violation | None:
    """Whether the theorem's axioms (fully qualified names) are within the track's policy."""
    if axioms is None:
        return Violation(Category.CHECKER_ERROR, f"Lean did not report the axioms of {theorem_name}")
    if "sorryAx" in axioms:
        return Violation(Category.FORBIDDEN, "depends on sorryAx (a sorry)")
    extra = sorted(set(axioms) - allowed_axioms(track))
    if extra:
        native = [a for a in extra if a in NATIVE_AXIOMS]
        hint = " (allowed only in the native track)" if native and len(native) == len(extra) else ""
        return Violation(Category.FORBIDDEN, f"depends on axioms outside the policy: {', '.join(extra)}{hint}")
    return None


def judge_lean_messages(
    messages: list[LeanMessage],
    axioms: list[str] | None,
    theorem_name: str,
    track: Track,
    signature: str | None = None,
    expected_signature: str | None = None,
) -> Violation | None:
    """The first reason a Lean check rejects the proof (messages, then axioms, then statement), or None."""
    violation = judge_compile_messages(messages) or judge_axioms(axioms, theorem_name, track)
    if violation is not None:
        return violation
    if expected_signature is not None and signature != expected_signature:
        return Violation(
            Category.STATEMENT_CHANGED,
            f"elaborated statement differs: expected {expected_signature!r}, got {signature!r}",
        )
    return None
