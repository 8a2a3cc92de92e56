"""Compiler stage 3: schedule nodes into sub-layers and allocate residual dimensions.

Scheduling is longest-path (ASAP) over alternating sub-layers (attention at even slots, MLP at
odd ones); slots nobody uses are dropped, so the model has no empty sub-layer.

Residual allocation is register allocation by liveness: a node's dimensions live from the
sub-layer that writes them to the last sub-layer that reads them. The residual stream is
additive, so a dimension is reused only after an MLP sub-layer (at or after the last read)
subtracts the old value (`ReLU(x)` for one-hot entries, `ReLU(x) - ReLU(-x)` for numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from axiomforge.rasp import ir
from axiomforge.rasp.graph import ATTN_KINDS, EMBED_KINDS, Graph, dependencies
from axiomforge.rasp.valuesets import ValueSets

ONE, BOS = 0, 1  # fixed dimensions: 1 at every real token / 1 at the BOS position only


@dataclass
class Sublayer:
    kind: str  # "attn" or "mlp"
    nodes: list[str]
    erase: list[tuple[str, int]] = field(default_factory=list)  # (owner node, dimension) to zero


@dataclass
class Layout:
    sublayers: list[Sublayer]
    slot: dict[str, int]  # node -> sub-layer index that writes it (-1: embedding)
    dims: dict[str, list[int]]  # node -> residual dimensions (one per value, or one for a number)
    dim_values: dict[str, tuple[Any, ...]]  # categorical node -> the value of each of its dims
    d_model: int
    occupants: list[list[tuple[str, int, int]]]  # per dim: (label, from slot, to slot)


def schedule(graph: Graph) -> tuple[list[Sublayer], dict[str, int]]:
    raw: dict[str, int] = {}
    for name in _order(graph):
        node = graph.nodes[name]
        if node.kind in EMBED_KINDS:
            raw[name] = -1
            continue
        after = max((raw[d] for d in dependencies(node)), default=-1)
        want_even = node.kind in ATTN_KINDS
        slot = after + 1
        if (slot % 2 == 0) != want_even:
            slot += 1
        raw[name] = slot
    used = sorted({s for s in raw.values() if s >= 0})
    renumber = {s: i for i, s in enumerate(used)}
    slots = {n: (renumber[s] if s >= 0 else -1) for n, s in raw.items()}
    sublayers = [Sublayer("attn" if s % 2 == 0 else "mlp", []) for s in used]
    for name in sorted(slots, key=lambda n: (slots[n], n)):
        if slots[name] >= 0:
            sublayers[slots[name]].nodes.append(name)
    return sublayers, slots


def _order(graph: Graph) -> list[str]:
    from axiomforge.rasp.valuesets import _topological

    return _topological(graph)


def allocate(graph: Graph, values: ValueSets) -> Layout:
    sublayers, slot = schedule(graph)
    n_sub = len(sublayers)
    readers = graph.readers()
    last_read: dict[str, int] = {}
    for name in graph.nodes:
        reads = [slot[r] for r in readers[name]]
        last_read[name] = n_sub if name == graph.output else max(reads, default=slot[name])
    mlp_slots = [i for i, s in enumerate(sublayers) if s.kind == "mlp"]

    def erase_slot(name: str) -> int | None:
        if name == graph.output:
            return None
        return next((i for i in mlp_slots if i >= last_read[name]), None)

    dims: dict[str, list[int]] = {}
    dim_values: dict[str, tuple[Any, ...]] = {}
    owner: list[str | None] = [None, None]
    occupants: list[list[tuple[str, int, int]]] = [[("one", -1, n_sub)], [("bos", -1, n_sub)]]
    for name in sorted(graph.nodes, key=lambda n: (slot[n], n)):
        node = graph.nodes[name]
        if node.encoding is ir.Encoding.CATEGORICAL:
            dim_values[name] = values.dims(name)
            need = len(dim_values[name])
        else:
            need = 1
        write = slot[name]
        chosen: list[int] = []
        for d in range(2, len(owner)):
            if len(chosen) == need:
                break
            prev = owner[d]
            if prev is None:
                continue
            e = erase_slot(prev)
            if e is not None and e < write and occupants[d][-1][2] <= e:
                chosen.append(d)
        for d in chosen:
            prev = owner[d]
            assert prev is not None
            e = erase_slot(prev)
            assert e is not None
            sublayers[e].erase.append((prev, d))
        while len(chosen) < need:
            owner.append(None)
            occupants.append([])
            chosen.append(len(owner) - 1)
        for d in chosen:
            owner[d] = name
            end = last_read[name]
            e = erase_slot(name)
            occupants[d].append((name, write, end if e is None else e))
        dims[name] = chosen
    for sub in sublayers:
        sub.erase.sort(key=lambda t: (t[1], t[0]))
    return Layout(sublayers, slot, dims, dim_values, len(owner), occupants)
