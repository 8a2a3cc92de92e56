"""Compiler stage 5: assemble a `ModelSpec` into a `torch.nn.Module` (float64, batched).

The architecture is a plain pre-residual transformer without normalisation: embeddings (token +
position), then a list of sub-layers, each either multi-head attention (softmax over keys, pad
keys masked, causal mask in causal mode) or a ReLU MLP, each added to the residual stream. A
sequence is fed as [BOS, x_1, ..., x_n, PAD, ...]. Everything runs in float64: the margins of
`craft.py` are far above float64 rounding (float32 would leave too little room once sharpness
reaches ~50 and staircase slopes ~4 / gap^2).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import torch
from torch import nn

from axiomforge.rasp.craft import AttentionWeights, MlpWeights, ModelSpec
from axiomforge.rasp.errors import RaspRuntimeError

DTYPE = torch.float64


class Attention(nn.Module):
    def __init__(self, w: AttentionWeights) -> None:
        super().__init__()
        self.w_q = nn.Parameter(torch.tensor(w.w_q, dtype=DTYPE), requires_grad=False)
        self.w_k = nn.Parameter(torch.tensor(w.w_k, dtype=DTYPE), requires_grad=False)
        self.w_v = nn.Parameter(torch.tensor(w.w_v, dtype=DTYPE), requires_grad=False)
        self.w_o = nn.Parameter(torch.tensor(w.w_o, dtype=DTYPE), requires_grad=False)

    def _project(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """x [b, p, d] times every head's w [h, d, e] as one matrix product -> [b, h, p, e]."""
        h, d, e = w.shape
        b, p, _ = x.shape
        flat = x.reshape(b * p, d) @ w.permute(1, 0, 2).reshape(d, h * e)
        return flat.reshape(b, p, h, e).permute(0, 2, 1, 3)

    def pattern(self, x: torch.Tensor, key_mask: torch.Tensor) -> torch.Tensor:
        q = self._project(x, self.w_q)
        k = self._project(x, self.w_k)
        scores = q @ k.transpose(-1, -2)
        scores = scores.masked_fill(~key_mask[:, None, :, :], float("-inf"))
        return torch.softmax(scores, dim=-1)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor) -> torch.Tensor:
        pattern = self.pattern(x, key_mask)
        z = pattern @ self._project(x, self.w_v)  # [b, h, p, e]
        b, h, p, e = z.shape
        return z.permute(0, 2, 1, 3).reshape(b, p, h * e) @ self.w_o.reshape(h * e, -1)


class Mlp(nn.Module):
    def __init__(self, w: MlpWeights) -> None:
        super().__init__()
        self.w_in = nn.Parameter(torch.tensor(w.w_in, dtype=DTYPE), requires_grad=False)
        self.w_out = nn.Parameter(torch.tensor(w.w_out, dtype=DTYPE), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x @ self.w_in) @ self.w_out


class CompiledTransformer(nn.Module):
    """A transformer whose forward pass computes a RASP program exactly up to `max_len`."""

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__()
        self.spec = spec
        self.vocab = list(spec.vocab)
        self.token_index = {t: i for i, t in enumerate(self.vocab)}
        self.bos_id, self.pad_id = len(self.vocab), len(self.vocab) + 1
        self.max_len, self.causal = spec.max_len, spec.causal
        self.token_embed = nn.Parameter(torch.tensor(spec.token_embed, dtype=DTYPE), requires_grad=False)
        self.pos_embed = nn.Parameter(torch.tensor(spec.pos_embed, dtype=DTYPE), requires_grad=False)
        projection = spec.projection
        self.projection = (None if projection is None else
                           nn.Parameter(torch.tensor(projection, dtype=DTYPE), requires_grad=False))
        self.sublayers = nn.ModuleList(
            [Attention(s) if isinstance(s, AttentionWeights) else Mlp(s) for s in spec.sublayers]
        )

    # -- encoding -----------------------------------------------------------------------------------
    def encode(self, sequences: Sequence[Sequence[Any]]) -> torch.Tensor:
        """Token ids [batch, 1 + longest]: BOS, the tokens, then PAD."""
        width = max((len(s) for s in sequences), default=0)
        ids = torch.full((len(sequences), width + 1), self.pad_id, dtype=torch.long)
        ids[:, 0] = self.bos_id
        for b, seq in enumerate(sequences):
            if len(seq) > self.max_len:
                raise RaspRuntimeError(f"input of length {len(seq)} exceeds the model's max_len {self.max_len}")
            for i, t in enumerate(seq):
                if t not in self.token_index:
                    raise RaspRuntimeError(f"token {t!r} is not in the vocabulary {self.vocab}")
                ids[b, i + 1] = self.token_index[t]
        return ids.to(self.token_embed.device)

    def masks(self, ids: torch.Tensor) -> torch.Tensor:
        """key_mask[b, q, k]: may query q attend to key k (not PAD; k <= q when causal)."""
        real = ids != self.pad_id
        mask = real[:, None, :].expand(ids.shape[0], ids.shape[1], ids.shape[1])
        if self.causal:
            n = ids.shape[1]
            tri = torch.ones(n, n, dtype=torch.bool, device=ids.device).tril()
            mask = mask & tri[None]
        return mask

    def forward(self, ids: torch.Tensor, return_residuals: bool = False,
                projection: torch.Tensor | None = None) -> Any:
        """The residual stream after the last sub-layer (and after each, with return_residuals).

        With a projection P [d_model, D] (a compressed model, or `projection=` while learning one)
        the stream is kept as r in D dimensions: every sub-layer and the read-out see r P^T, and
        each sub-layer's output is added as out P. Residuals are returned as seen (d_model wide)."""
        proj = self.projection if projection is None else projection
        n = ids.shape[1]
        x = self.token_embed[ids] + self.pos_embed[:n][None]
        if proj is not None:
            x = x @ proj
        key_mask = self.masks(ids)
        seen = x @ proj.T if proj is not None else x
        residuals = [seen]
        for sub in self.sublayers:
            out = sub(seen, key_mask) if isinstance(sub, Attention) else sub(seen)
            x = x + (out @ proj if proj is not None else out)
            seen = x @ proj.T if proj is not None else x
            residuals.append(seen)
        return (seen, residuals) if return_residuals else seen

    # -- decoding -----------------------------------------------------------------------------------
    def decode(self, residual: torch.Tensor, lengths: Sequence[int]) -> list[list[Any]]:
        """Read the output s-op at every real position (BOS dropped)."""
        out = self.spec.output
        block = residual[:, 1:, out.dims].detach().cpu().numpy()
        result: list[list[Any]] = []
        if out.encoding == "categorical":
            if block.shape[-1] == 0:
                return [[None] * n for n in lengths]
            best = block.argmax(-1)
            top = block.max(-1)
            for b, n in enumerate(lengths):
                result.append([out.values[best[b, i]] if top[b, i] > 0.5 else None for i in range(n)])
            return result
        reachable = np.array([float(Fraction(v)) for v in out.values])
        for b, n in enumerate(lengths):
            row: list[Any] = []
            for i in range(n):
                x = float(block[b, i, 0])
                j = int(np.abs(reachable - x).argmin())
                row.append(out.values[j] if abs(reachable[j] - x) <= out.tolerance else x)
            result.append(row)
        return result

    @torch.no_grad()
    def run(self, sequences: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """The program's output for each input sequence."""
        if not sequences:
            return []
        ids = self.encode(sequences)
        return self.decode(self.forward(ids), [len(s) for s in sequences])

    def parameter_counts(self) -> tuple[int, int]:
        """(total, non-zero) parameters."""
        total = sum(p.numel() for p in self.parameters())  # a compressed model counts its projection
        nonzero = sum(int((p != 0).sum()) for p in self.parameters())
        return total, nonzero
