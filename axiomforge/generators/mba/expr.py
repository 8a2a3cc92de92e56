"""The MBA expression AST: small frozen dataclasses, shared by every stage.

An expression denotes a function of n-bit words (n is fixed per claim, or symbolic). Constants
are non-negative integers; a negative constant is `Neg(Const(c))`, so the AST has one spelling of
each literal. Every operator is a T-function (bit k of the result depends only on bits 0..k of
the inputs), which is why low-width counterexamples lift to every larger width.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

BinaryOp = Literal["+", "-", "*", "&", "|", "^"]
UnaryOp = Literal["-", "~"]

BITWISE_BINARY: frozenset[str] = frozenset({"&", "|", "^"})
ARITH_BINARY: frozenset[str] = frozenset({"+", "-", "*"})
COMMUTATIVE: frozenset[str] = frozenset({"+", "*", "&", "|", "^"})


@dataclass(frozen=True, slots=True)
class Var:
    name: str


@dataclass(frozen=True, slots=True)
class Const:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("Const holds non-negative values; write Neg(Const(c))")


@dataclass(frozen=True, slots=True)
class Unary:
    op: UnaryOp
    arg: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    op: BinaryOp
    left: Expr
    right: Expr


Expr = Var | Const | Unary | Binary


@dataclass(frozen=True, slots=True)
class Identity:
    """The claim `lhs == rhs` for all values of the variables."""

    lhs: Expr
    rhs: Expr


Width = int | None  # None: symbolic width (the claim is for every width w >= 1)

VARIABLE_ORDER = ("x", "y", "z", "a", "b", "c", "d", "e")


def variables_of(e: Expr) -> tuple[str, ...]:
    """The variables of `e`, in the canonical order (x, y, z, a, ... then alphabetical)."""
    found: set[str] = set()
    for node in walk(e):
        if isinstance(node, Var):
            found.add(node.name)
    return sort_variables(found)


def sort_variables(names: set[str] | frozenset[str] | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    rank = {n: i for i, n in enumerate(VARIABLE_ORDER)}
    return tuple(sorted(set(names), key=lambda n: (rank.get(n, len(rank)), n)))


def identity_variables(identity: Identity) -> tuple[str, ...]:
    return sort_variables(set(variables_of(identity.lhs)) | set(variables_of(identity.rhs)))


def walk(e: Expr) -> Iterator[Expr]:
    """Every node of `e`, pre-order, iteratively (deep obfuscations stay within the stack)."""
    stack: list[Expr] = [e]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Unary):
            stack.append(node.arg)
        elif isinstance(node, Binary):
            stack.append(node.right)
            stack.append(node.left)


def size(e: Expr) -> int:
    return sum(1 for _ in walk(e))


def substitute(e: Expr, mapping: dict[str, Expr]) -> Expr:
    """`e` with every variable named in `mapping` replaced by its expression."""
    if isinstance(e, Var):
        return mapping.get(e.name, e)
    if isinstance(e, Unary):
        return Unary(e.op, substitute(e.arg, mapping))
    if isinstance(e, Binary):
        return Binary(e.op, substitute(e.left, mapping), substitute(e.right, mapping))
    return e


def subterm_at(e: Expr, path: tuple[int, ...]) -> Expr:
    """The subterm of `e` at `path` (0: the operand or left, 1: right, from the root)."""
    for step in path:
        if isinstance(e, Unary):
            e = e.arg
        elif isinstance(e, Binary):
            e = e.left if step == 0 else e.right
    return e


def replace_at(e: Expr, path: tuple[int, ...], new: Expr) -> Expr:
    """`e` with the subterm at `path` (as in `subterm_at`) replaced by `new`."""
    if not path:
        return new
    if isinstance(e, Unary):
        return Unary(e.op, replace_at(e.arg, path[1:], new))
    if isinstance(e, Binary):
        if path[0] == 0:
            return Binary(e.op, replace_at(e.left, path[1:], new), e.right)
        return Binary(e.op, e.left, replace_at(e.right, path[1:], new))
    raise ValueError("path leaves the tree")


def is_pure_bitwise(e: Expr) -> bool:
    """Built from variables with & | ^ ~ only: a bitwise function, the same boolean function at every bit."""
    for node in walk(e):
        if isinstance(node, Const):
            return False
        if isinstance(node, Unary) and node.op != "~":
            return False
        if isinstance(node, Binary) and node.op not in BITWISE_BINARY:
            return False
    return True


def add(a: Expr, b: Expr) -> Expr:
    return Binary("+", a, b)


def sub(a: Expr, b: Expr) -> Expr:
    return Binary("-", a, b)


def mul(a: Expr, b: Expr) -> Expr:
    return Binary("*", a, b)


def scaled(coefficient: int, e: Expr) -> Expr:
    """`coefficient * e` written the way people write it (`e`, `-e`, `3*e`, `-3*e`)."""
    if coefficient == 1:
        return e
    if coefficient == -1:
        return Unary("-", e)
    if coefficient < 0:
        return Unary("-", Binary("*", Const(-coefficient), e))
    return Binary("*", Const(coefficient), e)


def constant(value: int) -> Expr:
    return Const(value) if value >= 0 else Unary("-", Const(-value))


def sum_of(terms: list[tuple[int, Expr]], constant_term: int = 0) -> Expr:
    """`c1*e1 + c2*e2 + ... + k`, with subtraction for negative coefficients; `0` when empty."""
    out: Expr | None = None
    for coefficient, term in terms:
        if coefficient == 0:
            continue
        if out is None:
            out = scaled(coefficient, term)
        elif coefficient < 0:
            out = Binary("-", out, scaled(-coefficient, term))
        else:
            out = Binary("+", out, scaled(coefficient, term))
    if constant_term != 0 or out is None:
        if out is None:
            return constant(constant_term)
        out = Binary("+", out, Const(constant_term)) if constant_term > 0 else Binary("-", out, Const(-constant_term))
    return out


def signed(value: int, width: Width) -> int:
    """`value` mod 2^width as the representative of least magnitude (for readable coefficients)."""
    if width is None:
        return value
    modulus = 1 << width
    value %= modulus
    return value - modulus if value > modulus // 2 else value
