"""Canonical text of an expression: associative-commutative operators flattened and sorted.

Two expressions with the same canonical text differ only by the order and grouping of operands
of + * & | ^, so the generator treats them as duplicates.
"""

from __future__ import annotations

from .expr import COMMUTATIVE, Binary, Const, Expr, Unary, Var


def _operands(e: Expr, op: str) -> list[Expr]:
    out: list[Expr] = []
    stack: list[Expr] = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, Binary) and node.op == op:
            stack.append(node.right)
            stack.append(node.left)
        else:
            out.append(node)
    return out


def canonical_text(e: Expr) -> str:
    if isinstance(e, Var):
        return e.name
    if isinstance(e, Const):
        return str(e.value)
    if isinstance(e, Unary):
        return f"{e.op}({canonical_text(e.arg)})"
    if e.op in COMMUTATIVE:
        parts = sorted(canonical_text(x) for x in _operands(e, e.op))
        return f"{e.op}({','.join(parts)})"
    return f"-({canonical_text(e.left)},{canonical_text(e.right)})"
