# axiomforge-rasp-run-model/1
"""Run a model compiled by `axiomforge rasp compile` without axiomforge (torch + safetensors only).

    python run_model.py model.safetensors "a b c" "b a"     # one JSON line per input

The forward pass (docs/rasp.md, "Model files"), float64 throughout:
  x = token_embed[ids] + pos_embed[:n], ids = [BOS, x_1..x_n, PAD...] (token id = index in vocab);
  every sub-layer adds its output to the residual x:
    attention: per head h, scores = (x W_Q[h]) (x W_K[h])^T with NO 1/sqrt(d_head) scaling and no
    LayerNorm; PAD keys (and, for causal models, later keys) masked to -inf; softmax over keys;
    output = sum_h softmax(scores) (x W_V[h]) W_O[h];
    MLP: ReLU(x W_in) W_out (no biases: the constant `one` dimension plays that role);
  read-out at positions 1..n on the output dimensions: categorical = the value of the largest
  dimension if it exceeds 0.5, else None (null); numerical = the reachable value within
  `tolerance` of the number, else the raw number.
A compressed model (`rasp compress`) keeps a D-dimensional residual r: x = r P^T is what every
sub-layer and the read-out see, and each writes its output through P (r += out P).
Output values are printed as in the sidecar: {"fraction": "1/3"}, {"tuple": [...]}, null.
"""

import json
import sys
from fractions import Fraction

import torch
from safetensors.torch import load_file


def load(path):
    with open(path + ".json", encoding="utf-8") as handle:
        meta = json.load(handle)
    return meta, load_file(path)


def forward(meta, weights, ids):
    n = ids.shape[1]
    x = weights["token_embed"][ids] + weights["pos_embed"][:n][None]
    proj = weights.get("compression.projection")  # [d_model, D] or None
    if proj is not None:
        x = x @ proj
    real = ids != meta["pad_id"]
    mask = real[:, None, :].expand(ids.shape[0], n, n)
    if meta["causal"]:
        mask = mask & torch.ones(n, n, dtype=torch.bool).tril()[None]
    for i, sub in enumerate(meta["sublayers"]):
        seen = x @ proj.T if proj is not None else x
        if sub["kind"] == "attention":
            w_q, w_k = weights[f"sublayers.{i}.w_q"], weights[f"sublayers.{i}.w_k"]
            w_v, w_o = weights[f"sublayers.{i}.w_v"], weights[f"sublayers.{i}.w_o"]
            out = torch.zeros_like(seen)
            for h in range(w_q.shape[0]):
                scores = (seen @ w_q[h]) @ (seen @ w_k[h]).transpose(-1, -2)
                pattern = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
                out = out + (pattern @ (seen @ w_v[h])) @ w_o[h]
        else:
            out = torch.relu(seen @ weights[f"sublayers.{i}.w_in"]) @ weights[f"sublayers.{i}.w_out"]
        x = x + (out @ proj if proj is not None else out)
    return x @ proj.T if proj is not None else x


def as_number(value):
    if isinstance(value, dict):
        return float(Fraction(value["fraction"]))
    return float(value)


def decode(meta, residual, lengths):
    out = meta["output"]
    block = residual[:, 1:, out["dims"]]
    rows = []
    for b, n in enumerate(lengths):
        row = []  # type: ignore[var-annotated]
        for i in range(n):
            vec = block[b, i]
            if out["encoding"] == "categorical":
                if vec.numel() == 0 or float(vec.max()) <= 0.5:
                    row.append(None)
                else:
                    row.append(out["values"][int(vec.argmax())])
            else:
                x = float(vec[0])
                best = min(out["values"], key=lambda v: abs(as_number(v) - x))
                row.append(best if abs(as_number(best) - x) <= out["tolerance"] else x)
        rows.append(row)
    return rows


def run(path, sequences):
    meta, weights = load(path)
    vocab = {str(v["fraction"] if isinstance(v, dict) else v): i for i, v in enumerate(meta["vocab"])}
    if not sequences:
        return []
    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width + 1), meta["pad_id"], dtype=torch.long)
    ids[:, 0] = meta["bos_id"]
    for b, seq in enumerate(sequences):
        if len(seq) > meta["max_len"]:
            raise SystemExit(f"error: input of length {len(seq)} exceeds max_len {meta['max_len']}")
        for i, token in enumerate(seq):
            if token not in vocab:
                raise SystemExit(f"error: token {token!r} is not in the vocabulary {sorted(vocab)}")
            ids[b, i + 1] = vocab[token]
    with torch.no_grad():
        residual = forward(meta, weights, ids)
    return decode(meta, residual, [len(s) for s in sequences])


def main(argv):
    if len(argv) < 2:
        raise SystemExit("usage: python run_model.py MODEL.safetensors \"a b c\" [\"more inputs\" ...]")
    for row in run(argv[1], [text.split() for text in argv[2:]]):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
