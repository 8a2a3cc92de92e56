"""The compiler pipeline: program -> graph -> value sets -> layout -> craft -> model.

Each stage is a pure function of the previous stage's output (see graph.py, valuesets.py,
layout.py, craft.py, model.py); `compile_program` only chains them and records their output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from axiomforge.errors import UserError
from axiomforge.rasp import ir
from axiomforge.rasp.craft import ModelSpec, craft_model
from axiomforge.rasp.graph import Graph, lower
from axiomforge.rasp.layout import Layout, allocate
from axiomforge.rasp.valuesets import ValueSets, compute_value_sets


@dataclass
class Compiled:
    graph: Graph
    values: ValueSets
    layout: Layout
    spec: ModelSpec


def compile_to_spec(program: ir.SOp, vocab: Sequence[Any], max_len: int, causal: bool = False) -> Compiled:
    if max_len < 1:
        raise UserError(f"max_len must be at least 1, got {max_len}")
    vocab = list(dict.fromkeys(vocab))
    if not vocab:
        raise UserError("the vocabulary is empty")
    graph = lower(program)
    values = compute_value_sets(graph, vocab, max_len)
    layout = allocate(graph, values)
    spec = craft_model(graph, values, layout, vocab, max_len, causal)
    return Compiled(graph, values, layout, spec)


def compile_rasp_to_model(program: ir.SOp, vocab: Sequence[Any], max_seq_len: int, causal: bool = False,
                          device: str = "cpu") -> Any:
    """tracr-style entry point: a `CompiledTransformer` computing `program` up to `max_seq_len`."""
    from axiomforge.rasp.model import CompiledTransformer

    compiled = compile_to_spec(program, vocab, max_seq_len, causal)
    return CompiledTransformer(compiled.spec).to(device)
