"""Names and comment text that the challenge renderers write into Lean, validated.

A challenge's theorem name, its id (in a comment) and, for MBA, the variable names of a
user-supplied identity end up in a Lean file that a prover's answer is appended to. A name that
is not a plain identifier, or a comment text with a line break or `-/`, could end the comment or
the declaration early and inject commands (`#eval`, `axiom …`) into the challenge itself, so
anything else is refused with a ValueError (record re-checks report it as a malformed record).
"""

from __future__ import annotations

import re

# Lean 4 keywords and tokens that cannot be a binder or declaration name (plus `sorry`/`admit`,
# which would read as a proof hole).
LEAN_RESERVED = frozenset(
    ["abbrev", "admit", "at", "attribute", "axiom", "by", "calc", "class", "decreasing_by", "def", "deriving", "do", "else", "end", "example", "export", "extends", "fun", "have", "if", "import", "in", "inductive", "infix", "infixl", "infixr", "instance", "let", "local", "macro", "macro_rules", "match", "mutual", "namespace", "noncomputable", "nomatch", "nofun", "notation", "open", "opaque", "partial", "postfix", "prefix", "private", "protected", "return", "scoped", "section", "set_option", "show", "sorry", "structure", "suffices", "syntax", "termination_by", "then", "theorem", "universe", "unsafe", "variable", "where", "with", "forall", "exists", "Type", "Prop", "Sort"]
)
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def lean_identifier(name: str, what: str) -> str:
    """`name` itself when it is a plain ASCII Lean identifier that is no keyword."""
    if not isinstance(name, str) or not _PLAIN.fullmatch(name) or name in LEAN_RESERVED or name == "_":
        raise ValueError(f"{what} {name!r} is not a plain Lean identifier")
    return name


def lean_comment_text(text: str, what: str) -> str:
    """`text` itself when it can stand inside a Lean comment without ending it."""
    if not isinstance(text, str) or "-/" in text or "/-" in text or not text.isprintable():
        raise ValueError(f"{what} {text!r} cannot be written into a Lean comment")
    return text
