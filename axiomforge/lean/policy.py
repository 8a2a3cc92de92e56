"""The acceptance policy: when a proof of a challenge counts, and why one is rejected.

A proof counts only if (1) the text passes a static screen and (2) a Lean toolchain elaborates it
under the checks below. Model output is treated as hostile: the screen works on source with
comments and strings blanked (see `source.py`), and the Lean run compares the *elaborated*
statement (`#check @name`) with the challenge's, not just its text.

Static screen (no Lean needed):
- the challenge's preamble (everything before the theorem) is reproduced token for token;
- the theorem is declared exactly once, at top level, with the challenge's statement;
- nothing added after the preamble uses a forbidden construct: `sorry`, `admit`, `axiom`,
  `unsafe`, `implemented_by`, `extern`, `csimp`, `debug.*` options, `apply?`/`exact?`/`rw?`,
  commands that change how the statement reads or elaborates (`notation`, `macro`, `syntax`,
  `elab`, `instance`, `variable`, `namespace`, `import`, ...) or that run code or stop the file
  (`#eval`, `#exit`, `run_cmd`, ...); `native_decide`, `bv_decide` and `Lean.ofReduceBool` only in
  the native track.

Lean run: no error message; no `declaration uses 'sorry'`; `#print axioms` within
{propext, Classical.choice, Quot.sound} (plus `Lean.ofReduceBool`, `Lean.trustCompiler` in the
native track); the elaborated signature equal to the challenge's.

Every rejection carries a category of the error taxonomy and a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from axiomforge.lean.messages import LeanMessage
from axiomforge.lean.source import (
    Token,
    blank_comments_and_strings,
    declared_names,
    find_theorem,
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


# Tokens rejected anywhere after the preamble, with the reason shown to users.
_FORBIDDEN_TOKENS: dict[str, str] = {
    "sorry": "uses sorry",
    "admit": "uses admit",
    "axiom": "declares an axiom",
    "axioms": "declares axioms",
    "unsafe": "uses unsafe",
    "implemented_by": "uses implemented_by",
    "extern": "uses extern",
    "csimp": "uses a @[csimp] replacement",
    "apply?": "uses apply? (proof search suggestion, not a proof)",
    "exact?": "uses exact? (proof search suggestion, not a proof)",
    "rw?": "uses rw? (proof search suggestion, not a proof)",
    "notation": "declares notation (changes how the statement reads)",
    "infix": "declares notation (changes how the statement reads)",
    "infixl": "declares notation (changes how the statement reads)",
    "infixr": "declares notation (changes how the statement reads)",
    "prefix": "declares notation (changes how the statement reads)",
    "postfix": "declares notation (changes how the statement reads)",
    "macro": "declares a macro",
    "macro_rules": "declares macro rules",
    "syntax": "declares syntax",
    "elab": "declares an elaborator",
    "elab_rules": "declares elaborator rules",
    "instance": "declares an instance (changes how the statement elaborates)",
    "default_instance": "declares a default instance",
    "variable": "declares section variables (would add hypotheses to the theorem)",
    "namespace": "opens a namespace (would rename the theorem)",
    "export": "exports names",
    "import": "imports a module the challenge does not",
    "initialize": "runs initialization code",
    "builtin_initialize": "runs initialization code",
    "run_cmd": "runs code at elaboration time",
    "run_tac": "runs code at elaboration time",
    "run_elab": "runs code at elaboration time",
    "opaque": "declares an opaque constant",
}
_FORBIDDEN_PREFIXES = {"debug.": "sets a debug option (e.g. debug.skipKernelTC)"}
_NATIVE_ONLY = {
    "native_decide": "uses native_decide",
    "bv_decide": "uses bv_decide (trusts Lean.ofReduceBool)",
    "Lean.ofReduceBool": "uses Lean.ofReduceBool",
    "ofReduceBool": "uses Lean.ofReduceBool",
    "Lean.trustCompiler": "uses Lean.trustCompiler",
}


def _violation(category: Category, message: str, text: str, offset: int) -> Violation:
    line, column = line_column(text, offset)
    return Violation(category, message, line, column)


def split_challenge(challenge_lean: str, theorem_name: str) -> tuple[str, str]:
    """(preamble, theorem part) of a challenge file: the text before and from `theorem NAME`."""
    offsets = find_theorem(blank_comments_and_strings(challenge_lean), theorem_name)
    if not offsets:
        raise ValueError(f"challenge has no theorem {theorem_name}")
    return challenge_lean[: offsets[-1]], challenge_lean[offsets[-1] :]


def _hash_commands(blanked: str, toks: list[Token], start: int) -> list[Token]:
    """`#eval`, `#exit`, ... after `start` (a `#` immediately followed by an identifier)."""
    found = []
    for i in range(start, len(toks) - 1):
        tok, nxt = toks[i], toks[i + 1]
        if tok.text == "#" and nxt.offset == tok.offset + 1 and nxt.text[:1].isalpha():
            found.append(Token("#" + nxt.text, tok.offset))
    return found


def screen_source(
    candidate: str,
    challenge_lean: str,
    theorem_name: str,
    lean_statement: str,
    track: Track = Track.STANDARD,
) -> list[Violation]:
    """Static policy violations of a candidate file, in source order; [] when it passes."""
    blanked = blank_comments_and_strings(candidate)
    cand_toks = tokens(blanked)
    preamble, _ = split_challenge(challenge_lean, theorem_name)
    pre_toks = tokens(blank_comments_and_strings(preamble))

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
        if tok.text in _FORBIDDEN_TOKENS:
            reason = _FORBIDDEN_TOKENS[tok.text]
            reason = reason if tok.text in reason else f"{reason} ({tok.text})"
            violations.append(_violation(Category.FORBIDDEN, reason, candidate, tok.offset))
        elif tok.text in _NATIVE_ONLY and track is not Track.NATIVE:
            violations.append(
                _violation(
                    Category.FORBIDDEN,
                    f"{_NATIVE_ONLY[tok.text]}, allowed only in the native track",
                    candidate,
                    tok.offset,
                )
            )
        else:
            for prefix, message in _FORBIDDEN_PREFIXES.items():
                if tok.text.startswith(prefix):
                    violations.append(_violation(Category.FORBIDDEN, message, candidate, tok.offset))
    for tok in _hash_commands(blanked, cand_toks, start):
        violations.append(_violation(Category.FORBIDDEN, f"uses the command {tok.text}", candidate, tok.offset))

    pre_names = {t.text for t in declared_names(blank_comments_and_strings(preamble))}
    first_added = added[0].offset if added else len(blanked)
    for name in declared_names(blanked):
        if name.offset >= first_added and name.text in pre_names:
            violations.append(
                _violation(
                    Category.STATEMENT_CHANGED,
                    f"redeclares {name.text}, which the challenge defines",
                    candidate,
                    name.offset,
                )
            )
    decls = [o for o in find_theorem(blanked, theorem_name) if o >= (added[0].offset if added else len(blanked))]
    if len(decls) != 1:
        what = "is missing" if not decls else f"is declared {len(decls)} times"
        violations.append(
            _violation(Category.STATEMENT_CHANGED, f"theorem {theorem_name} {what}", candidate, decls[-1] if decls else 0)
        )
    else:
        stmt = [t.text for t in tokens(blank_comments_and_strings(lean_statement))] + [":", "="]
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
    return sorted(violations, key=lambda v: (v.line, v.column, v.category, v.message))


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


def allowed_axioms(track: Track) -> frozenset[str]:
    return STANDARD_AXIOMS | NATIVE_AXIOMS if track is Track.NATIVE else STANDARD_AXIOMS


def judge_lean_messages(
    messages: list[LeanMessage],
    axioms: list[str] | None,
    theorem_name: str,
    track: Track,
    signature: str | None = None,
    expected_signature: str | None = None,
) -> Violation | None:
    """The first reason the Lean run rejects the proof, or None when it is accepted."""
    errors = sorted((m for m in messages if m.severity == "error"), key=lambda m: (m.line, m.column))
    if errors:
        first = errors[0]
        return Violation(classify_error(first.text), first.text.splitlines()[0] if first.text else "error", first.line, first.column)
    for m in messages:
        if m.severity == "warning" and "declaration uses 'sorry'" in m.text:
            return Violation(Category.FORBIDDEN, "declaration uses 'sorry'", m.line, m.column)
    if axioms is None:
        return Violation(Category.CHECKER_ERROR, f"Lean did not report the axioms of {theorem_name}")
    if "sorryAx" in axioms:
        return Violation(Category.FORBIDDEN, "depends on sorryAx (a sorry)")
    extra = sorted(set(axioms) - allowed_axioms(track))
    if extra:
        native = [a for a in extra if a in NATIVE_AXIOMS]
        hint = " (allowed only in the native track)" if native and len(native) == len(extra) else ""
        return Violation(Category.FORBIDDEN, f"depends on axioms outside the policy: {', '.join(extra)}{hint}")
    if expected_signature is not None and signature != expected_signature:
        return Violation(
            Category.STATEMENT_CHANGED,
            f"elaborated statement differs: expected {expected_signature!r}, got {signature!r}",
        )
    return None
