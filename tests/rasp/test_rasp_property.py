"""Random well-typed RASP programs: the compiled model equals the interpreter on every input."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from axiomforge.rasp import api as rasp
from axiomforge.rasp.compiler import compile_rasp_to_model
from axiomforge.rasp.verify import check_agreement

VOCAB = [0, 1, 2]
MAX_LEN = 4

UNARY = [
    ("(x+1)%3", lambda x: (x + 1) % 3),
    ("2x%5", lambda x: 2 * x % 5),
    ("min(x,1)", lambda x: min(x, 1)),
    ("x==0", lambda x: int(x == 0)),
]
BINARY = [
    ("(x+y)%4", lambda x, y: (x + y) % 4),
    ("max", max),
    ("x<y", lambda x, y: int(x < y)),
    ("x*y%3", lambda x, y: x * y % 3),
]
NUMERIC = [("x-1", lambda x: x - 1), ("2x", lambda x: 2 * x), ("x*x", lambda x: x * x)]
PREDICATES = [rasp.Comparison.EQ, rasp.Comparison.LT, rasp.Comparison.LEQ, rasp.Comparison.GT,
              rasp.Comparison.GEQ, rasp.Comparison.NEQ, rasp.Comparison.TRUE]


def categorical_sop(draw, depth: int) -> tuple[rasp.SOp, bool]:
    """A categorical s-op with small integer values, and whether it can be undefined (None)."""
    kinds = ["tokens", "indices"] + (["map", "seqmap", "width", "aggregate", "mean", "max"] if depth > 0 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "tokens":
        return rasp.tokens, False
    if kind == "indices":
        return rasp.indices, False
    if kind == "map":
        inner, nullable = categorical_sop(draw, depth - 1)
        name, fn = draw(st.sampled_from(UNARY))
        return rasp.Map(fn, inner, fn_label=name), nullable
    if kind == "seqmap":
        left, ln = categorical_sop(draw, depth - 1)
        right, rn = categorical_sop(draw, depth - 1)
        name, fn = draw(st.sampled_from(BINARY))
        return rasp.SequenceMap(fn, left, right, fn_label=name), ln or rn
    if kind == "width":
        return rasp.SelectorWidth(selector(draw, depth - 1)), False
    if kind == "aggregate":
        sel = selector(draw, depth - 1)
        values, _ = categorical_sop(draw, depth - 1)
        default = draw(st.sampled_from([None, 0]))
        return rasp.Aggregate(sel, values, default), default is None
    if kind == "max":
        sel = selector(draw, depth - 1)
        values, _ = categorical_sop(draw, depth - 1)
        reduction = draw(st.sampled_from([rasp.Reduction.MAX, rasp.Reduction.MIN]))
        return rasp.Aggregate(sel, values, 0, reduction=reduction), False
    # a numerical mean, brought back to a category
    sel = selector(draw, depth - 1)
    inner, nullable = categorical_sop(draw, depth - 1)
    while nullable:
        inner, nullable = categorical_sop(draw, 0)
    name, fn = draw(st.sampled_from(NUMERIC))
    numbers = rasp.numerical(rasp.Map(fn, inner, fn_label=name))
    reduction = draw(st.sampled_from([rasp.Reduction.MEAN, rasp.Reduction.SUM]))
    default = draw(st.sampled_from([0, 3]))
    mean = rasp.numerical(rasp.Aggregate(sel, numbers, default=default, reduction=reduction))
    return rasp.Map(lambda v: int(v * 2) % 7, mean, fn_label="int(2v)%7"), False


def selector(draw, depth: int) -> rasp.Selector:
    kind = draw(st.sampled_from(["select", "select", "and", "or", "not"] if depth > 0 else ["select"]))
    if kind == "select":
        keys, _ = categorical_sop(draw, max(depth - 1, 0))
        queries, _ = categorical_sop(draw, max(depth - 1, 0))
        return rasp.Select(keys, queries, draw(st.sampled_from(PREDICATES)))
    if kind == "not":
        return ~selector(draw, depth - 1)
    left, right = selector(draw, depth - 1), selector(draw, depth - 1)
    return left & right if kind == "and" else left | right


@st.composite
def programs(draw):
    program, _ = categorical_sop(draw, draw(st.integers(1, 3)))
    causal = draw(st.booleans())
    return program, causal


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_programs_compile_to_models_that_agree_with_the_interpreter(case):
    program, causal = case
    model = compile_rasp_to_model(program, VOCAB, MAX_LEN, causal)
    result = check_agreement(program, model, VOCAB, range(1, MAX_LEN + 1), causal)
    assert result.sequences_agree == result.sequences, result.mismatches
