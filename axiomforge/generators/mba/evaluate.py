"""Evaluating expressions: exact Python integers at a width, and numpy arrays for exhaustive checks.

Both rely on the T-function property: computing on unbounded two's-complement integers (Python)
or on 64-bit words (numpy) and masking once at the end gives the n-bit result for every n <= 64.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .expr import Const, Expr, Identity, Unary, Var


class UnboundVariable(KeyError):
    pass


def _apply_binary(op: str, a: Any, b: Any) -> Any:
    """`a op b` for a binary MBA operator, on Python integers or numpy uint64 arrays alike."""
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    return a ^ b


def evaluate_int(e: Expr, env: Mapping[str, int]) -> int:
    """The value of `e` over the integers (two's complement, unbounded): mask with 2^w - 1 for width w."""
    if isinstance(e, Var):
        try:
            return env[e.name]
        except KeyError:
            raise UnboundVariable(e.name) from None
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Unary):
        v = evaluate_int(e.arg, env)
        return -v if e.op == "-" else ~v
    return _apply_binary(e.op, evaluate_int(e.left, env), evaluate_int(e.right, env))


def evaluate(e: Expr, env: Mapping[str, int], width: int) -> int:
    """The n-bit value of `e` (an unsigned integer below 2^width).

    Every intermediate value is reduced mod 2^width (T-functions: the low bits of a result depend
    only on the low bits of the operands), so a product of 3,000 factors stays a word, not a
    200,000-bit integer."""
    mask = (1 << width) - 1
    return _evaluate_masked(e, {k: v & mask for k, v in env.items()}, mask)


def _evaluate_masked(e: Expr, env: Mapping[str, int], mask: int) -> int:
    if isinstance(e, Var):
        try:
            return env[e.name]
        except KeyError:
            raise UnboundVariable(e.name) from None
    if isinstance(e, Const):
        return e.value & mask
    if isinstance(e, Unary):
        v = _evaluate_masked(e.arg, env, mask)
        return (-v if e.op == "-" else ~v) & mask
    return _apply_binary(e.op, _evaluate_masked(e.left, env, mask), _evaluate_masked(e.right, env, mask)) & mask


def evaluate_identity_sides(identity: Identity, env: Mapping[str, int], width: int) -> tuple[int, int]:
    return evaluate(identity.lhs, env, width), evaluate(identity.rhs, env, width)


def evaluate_array(e: Expr, env: Mapping[str, np.ndarray]) -> np.ndarray:
    """Elementwise value on uint64 arrays (wrapping mod 2^64); mask afterwards for smaller widths."""
    if isinstance(e, Var):
        return env[e.name]
    if isinstance(e, Const):
        shape = next(iter(env.values())).shape if env else ()
        return np.full(shape, e.value & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    if isinstance(e, Unary):
        v = evaluate_array(e.arg, env)
        return (np.uint64(0) - v) if e.op == "-" else np.invert(v)
    return _apply_binary(e.op, evaluate_array(e.left, env), evaluate_array(e.right, env))


def exhaustive_inputs(variables: tuple[str, ...], width: int) -> dict[str, np.ndarray]:
    """Every assignment of `width`-bit values to `variables`, as parallel uint64 arrays."""
    count = 1 << (width * len(variables))
    index = np.arange(count, dtype=np.uint64)
    mask = np.uint64((1 << width) - 1)
    return {
        name: (index >> np.uint64(width * position)) & mask for position, name in enumerate(variables)
    }


def exhaustive_counterexample(
    identity: Identity, variables: tuple[str, ...], width: int, chunk_bits: int = 20
) -> dict[str, int] | None:
    """The first assignment (in index order) where the sides differ at `width`, or None when none does."""
    total_bits = width * len(variables)
    mask = np.uint64((1 << width) - 1)
    chunk = 1 << min(chunk_bits, total_bits)
    with np.errstate(over="ignore"):
        for start in range(0, 1 << total_bits, chunk):
            index = np.arange(start, start + chunk, dtype=np.uint64)
            env = {
                name: (index >> np.uint64(width * position)) & mask
                for position, name in enumerate(variables)
            }
            if not env:
                env = {"_": index}
            differ = (evaluate_array(identity.lhs, env) ^ evaluate_array(identity.rhs, env)) & mask
            hits = np.nonzero(differ)[0]
            if hits.size:
                k = int(hits[0])
                return {name: int(env[name][k]) for name in variables}
    return None
