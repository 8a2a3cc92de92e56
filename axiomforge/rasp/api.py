"""The embedded Python API, named after tracr's so tracr users feel at home.

    from axiomforge.rasp import api as rasp
    opp = (rasp.length - rasp.indices - 1).named("opp")
    reverse = rasp.Aggregate(rasp.Select(rasp.indices, opp, rasp.Comparison.EQ), rasp.tokens)
    model = rasp.compile_rasp_to_model(reverse, vocab={"a", "b"}, max_seq_len=8)
    model.run([["a", "b", "b"]])   # [['b', 'b', 'a']]

It builds the same IR as the `.rasp` language (`axiomforge.rasp.ir`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axiomforge.rasp.interpreter import evaluate
from axiomforge.rasp.ir import (
    Aggregate,
    Comparison,
    Encoding,
    Full,
    LinearSequenceMap,
    Map,
    Predicate,
    Reduction,
    Select,
    Selector,
    SelectorAnd,
    SelectorNot,
    SelectorOr,
    SelectorWidth,
    SequenceMap,
    SOp,
    categorical,
    indices,
    is_categorical,
    is_numerical,
    length,
    numerical,
    tokens,
)

ConstantSOp = Full


def compile_rasp_to_model(program: SOp, vocab: Iterable[Any], max_seq_len: int, causal: bool = False,
                          device: str = "cpu") -> Any:
    """Compile to a `CompiledTransformer` exact on every input up to `max_seq_len` (tracr's name).

    A set vocabulary is sorted so the model is the same on every run."""
    from axiomforge.rasp.compiler import compile_rasp_to_model as _compile
    from axiomforge.rasp.valuesets import value_key

    items = sorted(vocab, key=value_key) if isinstance(vocab, set | frozenset) else list(vocab)
    return _compile(program, items, max_seq_len, causal, device)


__all__ = [
    "Aggregate", "Comparison", "ConstantSOp", "Encoding", "Full", "LinearSequenceMap", "Map", "Predicate",
    "Reduction", "SOp", "Select", "Selector", "SelectorAnd", "SelectorNot", "SelectorOr", "SelectorWidth",
    "SequenceMap", "categorical", "compile_rasp_to_model", "evaluate", "indices", "is_categorical",
    "is_numerical", "length", "numerical", "tokens",
]
