"""Turning a prover's output into the Lean file to check.

Provers answer in two shapes: tactic text that replaces the challenge's `sorry` (the symbolic
baseline, tactic-level search), or a whole Lean file in a fenced block (LLM provers, which are
asked to "complete the following Lean 4 code"). Both become one candidate file; the policy then
decides whether the candidate still states the challenge.
"""

from __future__ import annotations

import re

from axiomforge.lean.policy import split_challenge
from axiomforge.lean.source import (
    blank_comments_and_strings,
    declared_names,
    find_theorem,
    last_sorry_offset,
    tokens,
)

_OPENING_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[^\s`{]*)[^`]*$")


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced code block, CommonMark style.

    A fence is three or more backticks (or tildes); the block ends at a line holding only the same
    character repeated at least as often, so a ```` four-backtick block may contain ``` lines.
    CRLF line ends are read as LF. An unclosed final fence (answers cut by max_tokens) runs to the end.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        opening = _OPENING_FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence = opening.group("fence")
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        i += 1
        while i < len(lines) and not closing.match(lines[i]):
            body.append(lines[i])
            i += 1
        closed = i < len(lines)
        blocks.append((opening.group("lang").lower(), "\n".join(body) + ("\n" if closed else "")))
        i += 1
    return blocks


def extract_last_lean_block(text: str) -> str | None:
    """The last fenced ```lean / ```lean4 block of a model answer; else the last fenced block."""
    blocks = _fenced_blocks(text)
    lean_blocks = [body for lang, body in blocks if lang in ("lean", "lean4")]
    if lean_blocks:
        return lean_blocks[-1]
    return blocks[-1][1] if blocks else None


def insert_tactics(challenge_lean: str, tactics: str) -> str:
    """The challenge file with its last `sorry` replaced by `tactics` (indented to fit)."""
    offset = last_sorry_offset(challenge_lean)
    if offset is None:
        raise ValueError("challenge has no sorry to replace")
    column = offset - (challenge_lean.rfind("\n", 0, offset) + 1)
    lines = tactics.strip("\n").splitlines() or ["skip"]
    common = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
    lines = [ln[common:] for ln in lines]
    body = ("\n" + " " * column).join(lines)
    return challenge_lean[:offset] + body + challenge_lean[offset + len("sorry") :]


def _strip_leading_by(proof: str) -> str:
    stripped = proof.strip()
    if stripped.startswith(":="):
        stripped = stripped[2:].strip()
    if re.match(r"by\b", stripped):
        stripped = stripped[2:]
    return stripped


def candidate_from_answer(challenge_lean: str, theorem_name: str, answer_block: str) -> str:
    """The candidate file for a model's Lean block.

    - a block that declares the theorem and reproduces the challenge's preamble is used as is;
    - a block that declares the theorem without the preamble is appended to the preamble (models
      often drop the definitions they were shown); imports it repeats are dropped; a block that
      restates some of the challenge's definitions is used as is, for the policy to compare;
    - a block without the theorem is taken as the proof body (tactics, `by ...` allowed).
    """
    blanked = blank_comments_and_strings(answer_block)
    if not find_theorem(blanked, theorem_name):
        return insert_tactics(challenge_lean, _strip_leading_by(answer_block))
    preamble, _ = split_challenge(challenge_lean, theorem_name)
    pre_tokens = [t.text for t in tokens(blank_comments_and_strings(preamble))]
    ans_tokens = [t.text for t in tokens(blanked)]
    if ans_tokens[: len(pre_tokens)] == pre_tokens:
        return answer_block
    pre_names = {t.text for t in declared_names(blank_comments_and_strings(preamble))}
    if pre_names & {t.text for t in declared_names(blanked)}:
        return answer_block  # it restates (some of) the definitions: the policy judges them as written
    pre_imports = {ln.strip() for ln in preamble.splitlines() if ln.startswith("import ")}
    kept = [ln for ln in answer_block.splitlines() if not (ln.startswith("import ") and ln.strip() in pre_imports)]
    return preamble.rstrip("\n") + "\n\n" + "\n".join(kept).strip("\n") + "\n"
