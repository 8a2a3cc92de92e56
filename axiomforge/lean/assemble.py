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

_FENCE = re.compile(r"^```[ \t]*(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.S | re.M)


def extract_last_lean_block(text: str) -> str | None:
    """The last fenced ```lean / ```lean4 block of a model answer; else the last fenced block.

    An unclosed final fence (answers cut by max_tokens) counts as a block running to the end.
    """
    blocks = [(m.group("lang").lower(), m.group("body")) for m in _FENCE.finditer(text)]
    tail = text[max((m.end() for m in _FENCE.finditer(text)), default=0) :]
    open_fence = re.search(r"^```[ \t]*(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*)\Z", tail, re.S | re.M)
    if open_fence:
        blocks.append((open_fence.group("lang").lower(), open_fence.group("body")))
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
