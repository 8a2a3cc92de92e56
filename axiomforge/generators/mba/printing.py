"""AST -> text: C-like syntax (minimal parentheses, round-trips through the parser) and Lean 4 `BitVec`.

Lean's precedences differ from C's (`&&&` binds looser than `+` in both, but `^^^` and `&&&` share
a level in Lean), so the Lean printer parenthesizes every compound operand: the text is then
unambiguous whatever the notation levels of the toolchain at hand.
"""

from __future__ import annotations

from .expr import Binary, Const, Expr, Identity, Unary, Var, Width

_C_PREC = {"|": 1, "^": 2, "&": 3, "+": 4, "-": 4, "*": 5}
_UNARY_PREC = 6
_ATOM_PREC = 7


def _c_prec(e: Expr) -> int:
    if isinstance(e, Binary):
        return _C_PREC[e.op]
    if isinstance(e, Unary):
        return _UNARY_PREC
    return _ATOM_PREC


def to_c(e: Expr) -> str:
    """C-like text with the fewest parentheses that keep the tree (left-associative operators)."""
    if isinstance(e, Var):
        return e.name
    if isinstance(e, Const):
        return str(e.value)
    if isinstance(e, Unary):
        inner = to_c(e.arg)
        if _c_prec(e.arg) < _UNARY_PREC or (isinstance(e.arg, Unary) and e.arg.op == e.op == "-"):
            inner = f"({inner})"
        return f"{e.op}{inner}"
    prec = _C_PREC[e.op]
    left, right = to_c(e.left), to_c(e.right)
    if _c_prec(e.left) < prec:
        left = f"({left})"
    if _c_prec(e.right) <= prec:
        right = f"({right})"
    op = e.op
    return f"{left}*{right}" if op == "*" else f"{left} {op} {right}"


def identity_to_c(identity: Identity) -> str:
    return f"{to_c(identity.lhs)} == {to_c(identity.rhs)}"


_LEAN_OPS = {"+": "+", "-": "-", "*": "*", "&": "&&&", "|": "|||", "^": "^^^"}


def lean_width(width: Width) -> str:
    return "w" if width is None else str(width)


def _lean_operand(e: Expr, width: Width, parent: str, side: str) -> str:
    """An operand, parenthesized unless Lean's fixed levels make that unnecessary: left operands
    of the same left-associative level (`a + b - c`, `a * b * c`, `a &&& b &&& c`) and products
    inside sums (`*` is infixl:70, `+`/`-` infixl:65) stay bare."""
    text = to_lean(e, width, top=True)
    if isinstance(e, (Var, Const)):
        return text
    if isinstance(e, Binary):
        additive = {"+", "-"}
        if side == "left" and (e.op == parent or (e.op in additive and parent in additive)):
            return text
        if e.op == "*" and parent in additive:
            return text
    return f"({text})"


def to_lean(e: Expr, width: Width, top: bool = True) -> str:
    """Lean 4 `BitVec` text: `x &&& y`, `|||`, `^^^`, `~~~x`, `-x`, constants `(5#64)`."""
    if isinstance(e, Var):
        return e.name
    if isinstance(e, Const):
        return f"({e.value}#{lean_width(width)})"
    if isinstance(e, Unary):
        op = "-" if e.op == "-" else "~~~"
        arg = to_lean(e.arg, width) if isinstance(e.arg, (Var, Const)) else f"({to_lean(e.arg, width)})"
        text = f"{op}{arg}"
    else:
        left = _lean_operand(e.left, width, e.op, "left")
        right = _lean_operand(e.right, width, e.op, "right")
        text = f"{left} {_LEAN_OPS[e.op]} {right}"
    return text if top else f"({text})"
