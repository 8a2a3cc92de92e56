"""Obfuscation by rewriting: replace a subterm with an equivalent MBA, to a chosen depth.

Each rule is an identity over pattern variables A, B that holds for all words (each is a linear
MBA identity certified by its signature in the tests), so a rewrite never changes the meaning.
Rules whose pattern variables sit under bitwise operators are applied to pure bitwise operands
only when the expression must stay linear.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .expr import BITWISE_BINARY, Binary, Const, Expr, Unary, Var, is_pure_bitwise, replace_at, subterm_at

Rewrite = Callable[[Expr, random.Random, tuple[str, ...]], Expr | None]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str  # the identity, A and B standing for any words (documentation and tests)
    apply: Rewrite
    linear_safe_needs_bitwise_operands: bool


def _add_xor_and(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Binary) and e.op == "+":
        a, b = e.left, e.right
        return Binary("+", Binary("^", a, b), Binary("*", Const(2), Binary("&", a, b)))
    return None


def _add_or_and(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Binary) and e.op == "+":
        a, b = e.left, e.right
        return Binary("+", Binary("|", a, b), Binary("&", a, b))
    return None


def _xor_or_and(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Binary) and e.op == "^":
        return Binary("-", Binary("|", e.left, e.right), Binary("&", e.left, e.right))
    return None


def _or_xor_and(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Binary) and e.op == "|":
        return Binary("+", Binary("^", e.left, e.right), Binary("&", e.left, e.right))
    return None


def _and_or_xor(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Binary) and e.op == "&":
        return Binary("-", Binary("|", e.left, e.right), Binary("^", e.left, e.right))
    return None


def _sub_not(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Binary) and e.op == "-":
        return Binary("+", Binary("+", e.left, Unary("~", e.right)), Const(1))
    return None


def _neg_not(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Unary) and e.op == "-":
        return Binary("+", Unary("~", e.arg), Const(1))
    return None


def _not_neg(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Unary) and e.op == "~" and not is_pure_bitwise(e):
        return Binary("-", Unary("-", e.arg), Const(1))
    return None


def _split_by_mask(e: Expr, rng: random.Random, names: tuple[str, ...]) -> Expr | None:
    if isinstance(e, Var) and len(names) > 1:
        other = Var(rng.choice([n for n in names if n != e.name]))
        return Binary("+", Binary("&", e, other), Binary("&", e, Unary("~", other)))
    return None


RULES: tuple[Rule, ...] = (
    Rule("add-xor-and", "A + B == (A ^ B) + 2*(A & B)", _add_xor_and, True),
    Rule("add-or-and", "A + B == (A | B) + (A & B)", _add_or_and, True),
    Rule("xor-or-and", "A ^ B == (A | B) - (A & B)", _xor_or_and, False),
    Rule("or-xor-and", "A | B == (A ^ B) + (A & B)", _or_xor_and, False),
    Rule("and-or-xor", "A & B == (A | B) - (A ^ B)", _and_or_xor, False),
    Rule("sub-not", "A - B == A + ~B + 1", _sub_not, False),
    Rule("neg-not", "-A == ~A + 1", _neg_not, False),
    Rule("not-neg", "~A == -A - 1", _not_neg, False),
    Rule("split-by-mask", "A == (A & B) + (A & ~B)", _split_by_mask, True),
)


def _positions(e: Expr, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Expr]]:
    out = [(path, e)]
    if isinstance(e, Unary):
        out.extend(_positions(e.arg, path + (0,)))
    elif isinstance(e, Binary):
        out.extend(_positions(e.left, path + (0,)))
        out.extend(_positions(e.right, path + (1,)))
    return out


def _inside_bitwise(e: Expr, path: tuple[int, ...]) -> bool:
    node = e
    for step in path:
        if isinstance(node, Binary) and node.op in BITWISE_BINARY:
            return True
        if isinstance(node, Unary) and node.op == "~" and is_pure_bitwise(node):
            return True
        node = node.arg if isinstance(node, Unary) else (node.left if step == 0 else node.right)  # type: ignore[union-attr]
    return False


def obfuscate(e: Expr, depth: int, rng: random.Random, names: tuple[str, ...], keep_linear: bool) -> Expr:
    """Apply `depth` random rewrites; with `keep_linear`, only rewrites that keep a linear MBA linear."""
    for _ in range(depth):
        options = []
        for path, node in _positions(e):
            if keep_linear and _inside_bitwise(e, path):
                # Inside a bitwise subterm only bitwise-to-bitwise rewrites would keep linearity.
                continue
            for rule in RULES:
                if keep_linear and rule.linear_safe_needs_bitwise_operands:
                    operands_ok = (isinstance(node, Binary) and is_pure_bitwise(node.left)
                                   and is_pure_bitwise(node.right)) or isinstance(node, Var)
                    if not operands_ok:
                        continue
                if keep_linear and rule.name in ("xor-or-and", "or-xor-and", "and-or-xor") and not (
                    isinstance(node, Binary) and is_pure_bitwise(node)
                ):
                    continue
                options.append((path, rule))
        rng.shuffle(options)
        for path, rule in options:
            node = subterm_at(e, path)
            new = rule.apply(node, rng, names)
            if new is not None:
                e = replace_at(e, path, new)
                break
    return e
