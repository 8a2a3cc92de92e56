"""Compiler stage 2: the exact set of values every node can take on inputs up to `max_len`.

Numbers are exact (`int`/`Fraction`), so the smallest gap between two reachable values is known
exactly; the craft stage derives attention sharpness and MLP ramp slopes from these gaps, which
is what makes the compiled model exact on every input rather than on the inputs tried.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from axiomforge.rasp import ir
from axiomforge.rasp.errors import RaspCompileError
from axiomforge.rasp.graph import Graph, Node, dependencies
from axiomforge.rasp.interpreter import normalise_number
from axiomforge.rasp.limits import check_float64

MAX_VALUES = 20_000
MAX_COMBINATIONS = 200_000


def value_key(v: Any) -> tuple[int, Any]:
    """A total order over mixed values (None first, then numbers, then strings, then the rest)."""
    if v is None:
        return (0, 0)
    if isinstance(v, bool | int | Fraction):
        return (1, Fraction(v))
    if isinstance(v, str):
        return (2, v)
    return (3, repr(v))


@dataclass(frozen=True)
class ValueSets:
    values: dict[str, tuple[Any, ...]]
    dropped: dict[str, int]  # per MLP node: input combinations on which its function raised

    def __getitem__(self, name: str) -> tuple[Any, ...]:
        return self.values[name]

    def dims(self, name: str) -> tuple[Any, ...]:
        """The values that own a one-hot dimension (None is the all-zero vector)."""
        return tuple(v for v in self.values[name] if v is not None)

    def min_gap(self, name: str) -> Fraction | None:
        nums = sorted(Fraction(v) for v in self.values[name])
        gaps = [b - a for a, b in itertools.pairwise(nums)]
        return min(gaps) if gaps else None


def _sorted(values: set[Any]) -> tuple[Any, ...]:
    return tuple(sorted(values, key=value_key))


def _is_number(v: Any) -> bool:
    return isinstance(v, bool | int | Fraction)


def compute_value_sets(graph: Graph, vocab: list[Any], max_len: int) -> ValueSets:
    out: dict[str, tuple[Any, ...]] = {}
    dropped: dict[str, int] = {}
    for name in _topological(graph):
        node = graph.nodes[name]
        values = _node_values(node, out, vocab, max_len, dropped)
        if len(values) > MAX_VALUES:
            raise RaspCompileError(node.source, f"{len(values)} reachable values (more than {MAX_VALUES})",
                                   node.location)
        if node.encoding is ir.Encoding.NUMERICAL:
            bad = [v for v in values if not _is_number(v)]
            if bad:
                why = ("can be undefined (None): give its aggregate a numeric default"
                       if None in bad else f"is numerical but can take non-numeric values {sorted(map(repr, bad))[:4]}")
                raise RaspCompileError(node.source, why, node.location)
        out[name] = _sorted(values)
        check_float64(node.source, out[name], node.location)
    return ValueSets(out, dropped)


def _topological(graph: Graph) -> list[str]:
    order: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        stack = [(name, False)]
        while stack:
            n, expanded = stack.pop()
            if expanded:
                if n not in done:
                    done.add(n)
                    order.append(n)
                continue
            if n in done:
                continue
            stack.append((n, True))
            stack.extend((d, False) for d in reversed(dependencies(graph.nodes[n])) if d not in done)

    for name in sorted(graph.nodes):
        visit(name)
    return order


def _apply(node: Node, args: tuple[Any, ...], dropped: dict[str, int]) -> tuple[bool, Any]:
    if any(a is None for a in args):
        return True, None
    assert node.fn is not None
    try:
        return True, normalise_number(node.fn(*args))
    except Exception:
        # The function is undefined here; if such an input is ever reached, the interpreter
        # raises too, so the input is outside the program's domain and the model may say None.
        dropped[node.name] = dropped.get(node.name, 0) + 1
        return False, None


def _node_values(node: Node, env: dict[str, tuple[Any, ...]], vocab: list[Any], max_len: int,
                 dropped: dict[str, int]) -> set[Any]:
    kind = node.kind
    if kind == "tokens":
        return set(vocab)
    if kind == "indices":
        return set(range(max_len))
    if kind == "const":
        return {normalise_number(node.value)}
    if kind == "embed_map":
        base = vocab if node.base == "tokens" else list(range(max_len))
        found = []
        for b in base:
            ok, value = _apply(node, (b,), dropped)
            if ok:
                found.append(value)
        return _distinct(node, found)
    if kind == "mlp" and node.sum_of is not None:
        return _sums(node, env[node.sum_of], max_len) | {normalise_number(node.default)}
    if kind == "mlp":
        spaces = [env[i] for i in node.inputs]
        total = 1
        for s in spaces:
            total *= max(len(s), 1)
        if total > MAX_COMBINATIONS:
            raise RaspCompileError(node.source, f"an MLP over {total} input combinations (limit {MAX_COMBINATIONS})",
                                   node.location)
        found = []
        for combo in itertools.product(*spaces):
            ok, value = _apply(node, combo, dropped)
            if ok:
                found.append(value)
        return _distinct(node, found)
    if kind == "bos_fraction":
        return {Fraction(1, w + 1) for w in range(max_len + 1)}
    if kind == "aggregate":
        inner = env[node.inputs[0]]
        default = normalise_number(node.default)
        if node.reduction is not ir.Reduction.MEAN or node.encoding is ir.Encoding.CATEGORICAL:
            return _distinct(node, [*inner, default])
        if node.bos_in_mean:
            return _means(node, tuple(set(inner) | {0}), max_len + 1) | {default}
        return _means(node, inner, max_len) | {default}
    raise RaspCompileError(node.source, f"unknown node kind {kind}", node.location)


def _distinct(node: Node, values: list[Any]) -> set[Any]:
    """The set of `values`, refusing a boolean beside a number equal to it.

    RASP keeps True and 1 apart (the interpreter prints both), but a Python set, and with it the
    model's one-hot table, holds only one of them; compiling would silently turn 1 into True."""
    first: dict[Any, Any] = {}
    for value in values:
        prior = first.setdefault(value, value)
        if (type(prior) is bool) != (type(value) is bool):
            raise RaspCompileError(node.source, f"it takes both {prior} and {value}, which the model cannot keep "
                                   "apart (use booleans or numbers, not both)", node.location)
    return set(first)


def _sums(node: Node, inner: tuple[Any, ...], max_len: int) -> set[Any]:
    if any(not _is_number(v) for v in inner):
        raise RaspCompileError(node.source, f"a sum over non-numeric values {sorted(map(repr, inner))[:4]}",
                               node.location)
    base = {Fraction(v) for v in inner}
    sums = set(base)
    every = set(base)
    for _ in range(2, max_len + 1):
        sums = {s + v for s in sums for v in base}
        every |= sums
        if len(every) > MAX_VALUES:
            raise RaspCompileError(node.source, f"its sum takes more than {MAX_VALUES} values", node.location)
    return {normalise_number(v) for v in every}


def _means(node: Node, inner: tuple[Any, ...], max_len: int) -> set[Any]:
    if any(not _is_number(v) for v in inner):
        raise RaspCompileError(node.source, "a numerical mean over non-numeric values "
                               f"{sorted(map(repr, inner))[:4]}", node.location)
    base = {Fraction(v) for v in inner}
    sums = set(base)
    means = set(base)
    for n in range(2, max_len + 1):
        sums = {s + v for s in sums for v in base}
        if len(sums) > MAX_VALUES:
            raise RaspCompileError(node.source, f"its mean takes more than {MAX_VALUES} values at length {n}",
                                   node.location)
        means |= {s / n for s in sums}
        if len(means) > MAX_VALUES:
            raise RaspCompileError(node.source, f"its mean takes more than {MAX_VALUES} values", node.location)
    return {normalise_number(m) for m in means}
