"""Compress a compiled model's residual stream to D dimensions (the tracr paper's experiment).

The compiled weights stay frozen; only a projection P [d_model, D] is learned: the stream is kept
as r = x P in D dimensions and every sub-layer and the read-out see r P^T (so the model is the
compiled one whenever P P^T is the identity on the residuals it meets). P starts from the top-D
right singular vectors of every residual the compiled model produces on the inputs (at D = that
rank the compressed model is the compiled one up to rounding), then Adam fits the compressed
model's residual before each sub-layer and at the read-out to the compiled model's (MSE) —
the paper's layer-wise loss. A width counts only if the compressed model decodes to exactly
the compiled model's outputs on every input checked (every input up to max_len when there are
at most `exhaustive_limit`, else seeded samples, as `verify` does).

Deterministic: the inputs are fixed, torch.manual_seed(seed) and one thread while learning.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import torch

from axiomforge.rasp.craft import ModelSpec
from axiomforge.rasp.model import CompiledTransformer


@dataclass(frozen=True)
class Attempt:
    dim: int
    exact: bool
    loss: float
    agree: int  # inputs whose decoded output equals the compiled model's
    checked: int


@dataclass(frozen=True)
class Compression:
    d_model: int
    rank: int  # rank of the residuals met: a width this large is exact by construction
    best: Attempt | None  # the smallest exact width found
    projection: np.ndarray | None
    attempts: tuple[Attempt, ...]
    exhaustive: bool  # every input up to max_len was checked (else seeded samples)


def inputs_for(spec: ModelSpec, exhaustive_limit: int = 20_000, samples: int = 500,
               seed: int = 0) -> tuple[list[list[list[Any]]], bool]:
    """Inputs grouped by length: every sequence of each length when at most `exhaustive_limit`."""
    rng = random.Random(seed)
    groups: list[list[list[Any]]] = []
    complete = True
    for n in range(1, spec.max_len + 1):
        if len(spec.vocab) ** n <= exhaustive_limit:
            groups.append([list(s) for s in itertools.product(spec.vocab, repeat=n)])
        else:
            complete = False
            groups.append([[rng.choice(spec.vocab) for _ in range(n)] for _ in range(samples)])
    return groups, complete


TRAIN_INPUTS = 64  # per length: the loss is fitted on these, exactness checked on every input


def compress(spec: ModelSpec, dim: int | None = None, steps: int = 100, seed: int = 0,
             exhaustive_limit: int = 20_000, samples: int = 500) -> Compression:
    """Learn a projection to `dim` dimensions, or (dim None) search the smallest exact width
    between rank/2 and the rank of the residuals (binary search; each width is learned afresh)."""
    model = CompiledTransformer(replace(spec, projection=None))
    groups, complete = inputs_for(spec, exhaustive_limit, samples, seed)
    batches = [model.encode(g) for g in groups]
    with torch.no_grad():
        targets = [[r.detach() for r in model(ids, return_residuals=True)[1]] for ids in batches]
        wanted = [model.decode(t[-1], [len(s) for s in g]) for t, g in zip(targets, groups)]
    picker = random.Random(seed)
    train = [sorted(picker.sample(range(len(g)), min(len(g), TRAIN_INPUTS))) for g in groups]
    train_batches = [ids[rows] for ids, rows in zip(batches, train)]
    train_targets = [[r[rows] for r in t] for t, rows in zip(targets, train)]
    stacked = torch.cat([r.reshape(-1, spec.d_model) for t in targets for r in t])
    _, singular, vt = torch.linalg.svd(stacked, full_matrices=False)
    rank = int((singular > singular[0] * 1e-10).sum()) if singular.numel() else 0
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        def attempt(d: int) -> tuple[Attempt, np.ndarray]:
            torch.manual_seed(seed)
            proj = vt[:d].T.clone().requires_grad_(True)
            optimiser = torch.optim.Adam([proj], lr=1e-2)
            loss = _loss(model, train_batches, train_targets, proj)
            for _ in range(steps if d < rank else 0):
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                loss = _loss(model, train_batches, train_targets, proj)
            with torch.no_grad():
                agree = checked = 0
                for ids, group, want in zip(batches, groups, wanted):
                    got = model.decode(model(ids, projection=proj), [len(s) for s in group])
                    agree += sum(g == w for g, w in zip(got, want))
                    checked += len(group)
            return Attempt(d, agree == checked, loss.item(), agree, checked), proj.detach().numpy().copy()

        tried: dict[int, tuple[Attempt, np.ndarray]] = {}

        def exact_at(d: int) -> bool:
            if d not in tried:
                tried[d] = attempt(d)
            return tried[d][0].exact

        if dim is not None:
            exact_at(dim)
        else:
            # binary search for the smallest exact width in [1, rank] (rank is exact by construction)
            lo, hi = max(1, rank // 2), max(rank, 1)
            if exact_at(hi):
                while lo < hi:
                    mid = (lo + hi) // 2
                    if exact_at(mid):
                        hi = mid
                    else:
                        lo = mid + 1
        exact = sorted(d for d, (a, _) in tried.items() if a.exact)
        best = tried[exact[0]] if exact else None
    finally:
        torch.set_num_threads(threads)
    return Compression(spec.d_model, rank, best[0] if best else None, best[1] if best else None,
                       tuple(tried[d][0] for d in sorted(tried)), complete)


def _loss(model: CompiledTransformer, batches: Sequence[torch.Tensor], targets: Sequence[list[torch.Tensor]],
          proj: torch.Tensor) -> torch.Tensor:
    total = torch.zeros((), dtype=torch.float64)
    for ids, want in zip(batches, targets):
        _, seen = model(ids, return_residuals=True, projection=proj)
        for got, target in zip(seen, want):
            total = total + ((got - target) ** 2).mean()
    return total


def compressed_spec(spec: ModelSpec, result: Compression) -> ModelSpec:
    """The model with its best projection (the compiled weights unchanged)."""
    assert result.projection is not None
    notes = dict(spec.notes)
    notes["compression"] = {"d_model": spec.d_model, "dim": int(result.projection.shape[1]), "rank": result.rank}
    return replace(spec, projection=result.projection, notes=notes)
