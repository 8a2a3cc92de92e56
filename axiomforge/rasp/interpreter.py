"""The reference semantics of RASP: evaluate a program on one input sequence.

Rules (the compiler is tested against exactly these):

* `Map`/`SequenceMap` apply their function position-wise; an undefined value (`None`, produced
  by an aggregate that selects nothing and has no default) propagates without calling it.
* `Select(keys, queries, pred)[q][k] = pred(keys[k], queries[q])`; a `None` key or query is
  never selected, and a composite selector (`&`, `|`, `~`) is unselected wherever any of its
  values is `None`.
* `Aggregate` mean: the value if all selected positions agree, the exact (Fraction) mean for a
  numerical aggregate, the default when nothing is selected; a categorical aggregate whose
  selected values differ is outside the program's domain (`RaspRuntimeError`). Sum, max and min
  reduce the selected values.
* Causal mode (RASP-L): a query sees only keys at or before it, and `length` at position i is i+1
  (the length of the prefix it sees).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from axiomforge.errors import UserError
from axiomforge.rasp.errors import RaspRuntimeError
from axiomforge.rasp.ir import (
    Aggregate,
    Encoding,
    Full,
    IndicesType,
    LengthType,
    Map,
    RASPExpr,
    Reduction,
    Select,
    SelectorAnd,
    SelectorNot,
    SelectorOr,
    SelectorWidth,
    SequenceMap,
    SOp,
    TokensType,
    walk,
)

Matrix = list[list[bool | None]]


def normalise_number(value: Any) -> Any:
    """Floats become exact Fractions, integral Fractions become ints: one canonical form per number."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        value = Fraction(value)
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value.numerator)
    return value


def evaluate(root: SOp, inputs: Sequence[Any], causal: bool = False,
             memo: dict[Any, Any] | None = None) -> list[Any]:
    """The value of `root` at every position of `inputs`.

    `memo` (any dict, reused across calls on the same program) caches function results by
    argument: RASP functions are pure, and value sets are small, so this makes checking
    thousands of inputs cheap."""
    return evaluate_all(root, inputs, causal, memo)[id(root)]  # type: ignore[return-value]


def evaluate_all(root: RASPExpr, inputs: Sequence[Any], causal: bool = False,
                 memo: dict[Any, Any] | None = None) -> dict[int, Any]:
    """Values of every node reachable from `root`: s-ops map to lists, selectors to matrices."""
    n = len(inputs)
    out: dict[int, Any] = {}
    cache: dict[Any, Any] = {} if memo is None else memo
    order = cache.get(("order", id(root)))
    if order is None:
        order = list(walk(root))
        cache[("order", id(root))] = order
    for node in order:
        out[id(node)] = _eval_node(node, out, list(inputs), n, causal, cache)
    return out


_FAILED = object()


def _call(node: RASPExpr, fn: Any, *args: Any, cache: dict[Any, Any] | None = None) -> Any:
    if any(a is None for a in args):
        return None
    key = (id(node), args)
    if cache is not None:
        try:
            hit = cache.get(key, _FAILED)
        except TypeError:  # unhashable argument
            hit, cache = _FAILED, None
        if hit is not _FAILED:
            return hit
    try:
        value = normalise_number(fn(*args))
    except Exception as err:  # a user function failing is a user error about that s-op
        what = err.message if isinstance(err, UserError) else f"function raised {type(err).__name__}: {err}"
        raise RaspRuntimeError(f"s-op '{node.label}': {what} on {args!r}", node.location) from None
    if cache is not None:
        cache[key] = value
    return value


def _eval_node(node: RASPExpr, env: dict[int, Any], inputs: list[Any], n: int, causal: bool,
               cache: dict[Any, Any]) -> Any:
    if isinstance(node, TokensType):
        return list(inputs)
    if isinstance(node, IndicesType):
        return list(range(n))
    if isinstance(node, LengthType):
        return [i + 1 for i in range(n)] if causal else [n] * n
    if isinstance(node, Full):
        return [node.value] * n
    if isinstance(node, Map):
        return [_call(node, node.fn, x, cache=cache) for x in env[id(node.inner)]]
    if isinstance(node, SequenceMap):
        return [_call(node, node.fn, x, y, cache=cache) for x, y in zip(env[id(node.left)], env[id(node.right)])]
    if isinstance(node, Select):
        keys, queries = env[id(node.keys)], env[id(node.queries)]
        try:
            memo_key: Any = ("select", id(node), tuple(keys), tuple(queries), causal)
            hit = cache.get(memo_key)
        except TypeError:  # unhashable values: no memo
            memo_key, hit = None, None
        if hit is not None:
            return hit
        matrix: Matrix = []
        for q in range(n):
            row: list[bool | None] = []
            for k in range(n):
                if causal and k > q:
                    row.append(False)
                elif keys[k] is None or queries[q] is None:
                    row.append(None)
                else:
                    row.append(_call(node, node.predicate, keys[k], queries[q], cache=cache))
            matrix.append(row)
        if memo_key is not None:
            cache[memo_key] = matrix
        return matrix
    if isinstance(node, SelectorAnd | SelectorOr):
        a, b = env[id(node.left)], env[id(node.right)]
        both = isinstance(node, SelectorAnd)
        return [
            [None if x is None or y is None else ((x and y) if both else (x or y)) for x, y in zip(ra, rb)]
            for ra, rb in zip(a, b)
        ]
    if isinstance(node, SelectorNot):
        inner = env[id(node.inner)]
        return [
            [None if x is None else (not x and not (causal and k > q)) for k, x in enumerate(row)]
            for q, row in enumerate(inner)
        ]
    if isinstance(node, SelectorWidth):
        sel = env[id(node.selector)]
        return [sum(1 for x in row if x) for row in sel]
    if isinstance(node, Aggregate):
        sel, values = env[id(node.selector)], env[id(node.sop)]
        out = []
        for q, row in enumerate(sel):
            chosen = tuple(values[k] for k, x in enumerate(row) if x)
            try:
                agg_key: Any = ("aggregate", id(node), chosen)
                hit = cache.get(agg_key, _FAILED)
            except TypeError:
                agg_key, hit = None, _FAILED
            if hit is _FAILED:
                hit = _aggregate(node, list(chosen), q)
                if agg_key is not None:
                    cache[agg_key] = hit
            out.append(hit)
        return out
    raise TypeError(f"unknown RASP node {type(node).__name__}")


def _aggregate(node: Aggregate, chosen: list[Any], position: int) -> Any:
    if not chosen:
        return node.default
    if any(v is None for v in chosen):
        raise RaspRuntimeError(
            f"aggregate '{node.label}' at position {position}: a selected value is undefined (None)",
            node.location,
        )
    if node.reduction is Reduction.MAX:
        return max(chosen)
    if node.reduction is Reduction.MIN:
        return min(chosen)
    if node.reduction is Reduction.SUM:
        return normalise_number(sum(Fraction(v) for v in chosen))
    if node.encoding is Encoding.NUMERICAL:
        return normalise_number(sum(Fraction(v) for v in chosen) / len(chosen))
    first = chosen[0]
    if any(v != first for v in chosen[1:]):
        raise RaspRuntimeError(
            f"categorical aggregate '{node.label}' at position {position} selects different values "
            f"{sorted(set(map(repr, chosen)))}; only a numerical aggregate averages",
            node.location,
        )
    return first
