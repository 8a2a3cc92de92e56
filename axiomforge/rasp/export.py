"""Compiler stage 6: save/load compiled models; export to TransformerLens.

`model.safetensors` holds the weights (float64); the JSON sidecar next to it
(`model.safetensors.json`) holds everything needed to rebuild and use the model: vocabulary,
max_len, causal flag, the kind and heads of every sub-layer, the residual layout (which s-op
owns each dimension from which sub-layer to which), and the output encoding. Values are JSON
with exact numbers (`{"fraction": "1/3"}`) and tuples (`{"tuple": [...]}`).
"""

from __future__ import annotations

import json
import math
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from axiomforge.errors import UserError, parse_user_json, read_user_text
from axiomforge.rasp.craft import AttentionWeights, MlpWeights, ModelSpec, OutputSpec

FORMAT = "axiomforge-rasp-model/1"


def encode_value(v: Any) -> Any:
    if isinstance(v, Fraction):
        return {"fraction": str(v)}
    if isinstance(v, tuple):
        return {"tuple": [encode_value(x) for x in v]}
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return {"fraction": str(Fraction(v))}
    return {"repr": repr(v)}


def decode_value(v: Any) -> Any:
    if isinstance(v, dict):
        if "fraction" in v:
            f = Fraction(v["fraction"])
            return int(f) if f.denominator == 1 else f
        if "tuple" in v:
            return tuple(decode_value(x) for x in v["tuple"])
        return v.get("repr")
    return v


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def spec_tensors(spec: ModelSpec) -> dict[str, np.ndarray]:
    tensors = {"token_embed": spec.token_embed, "pos_embed": spec.pos_embed}
    for i, sub in enumerate(spec.sublayers):
        if isinstance(sub, AttentionWeights):
            tensors.update({f"sublayers.{i}.w_q": sub.w_q, f"sublayers.{i}.w_k": sub.w_k,
                            f"sublayers.{i}.w_v": sub.w_v, f"sublayers.{i}.w_o": sub.w_o})
        else:
            tensors.update({f"sublayers.{i}.w_in": sub.w_in, f"sublayers.{i}.w_out": sub.w_out})
    if spec.projection is not None:
        tensors["compression.projection"] = spec.projection
    return {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in tensors.items()}


def spec_metadata(spec: ModelSpec, program: str | None = None) -> dict[str, Any]:
    subs: list[dict[str, Any]] = []
    for sub in spec.sublayers:
        if isinstance(sub, AttentionWeights):
            subs.append({"kind": "attention", "heads": sub.heads, "sharpness": [round(s, 6) for s in sub.sharpness]})
        else:
            subs.append({"kind": "mlp", "nodes": sub.nodes, "hidden": int(sub.w_in.shape[1]),
                         "erasing_units": sub.erased})
    out = spec.output
    return {
        "format": FORMAT,
        "program": program,
        "vocab": [encode_value(v) for v in spec.vocab],
        "bos_id": len(spec.vocab),
        "pad_id": len(spec.vocab) + 1,
        "max_len": spec.max_len,
        "causal": spec.causal,
        "d_model": spec.d_model,
        "dtype": "float64",
        "epsilon": spec.epsilon,
        "input_encoding": "ids [BOS, x_1..x_n, PAD...]; token id = index in vocab; position p at row p",
        "sublayers": subs,
        "residual": [[{"sop": label, "from": a, "to": b} for label, a, b in dim] for dim in spec.residual],
        "output": {"node": out.name, "label": out.label, "encoding": out.encoding, "dims": out.dims,
                   "values": [encode_value(v) for v in out.values], "tolerance": out.tolerance},
        "notes": spec.notes,
        **({"compression": {"projection": "compression.projection", "d_model": spec.d_model,
                            "dim": int(spec.projection.shape[1])}} if spec.projection is not None else {}),
    }


def save_model(spec: ModelSpec, path: str | Path, program: str | None = None) -> Path:
    from safetensors.numpy import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(spec_tensors(spec), str(path), metadata={"format": FORMAT})
    meta = spec_metadata(spec, program)
    sidecar_path(path).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return path


RUN_SCRIPT = "run_model.py"
RUN_SCRIPT_MARKER = "# axiomforge-rasp-run-model/1"


def run_script_path(weights: Path) -> Path:
    return weights.with_name(RUN_SCRIPT)


def is_run_script(path: str) -> bool:
    """Whether `path` is a run_model.py that `rasp compile` wrote (its first line is the marker)."""
    with open(path, encoding="utf-8") as handle:
        return handle.readline().rstrip("\n") == RUN_SCRIPT_MARKER


def write_run_script(weights: Path) -> Path:
    """Write the standalone runner (torch + safetensors only) next to the weights: a verbatim copy
    of `run_model_template.py`, the forward pass of docs/rasp.md for users without axiomforge."""
    target = run_script_path(weights)
    target.write_text(Path(__file__).with_name("run_model_template.py").read_text(encoding="utf-8"),
                      encoding="utf-8")
    return target


def load_spec(path: str | Path) -> ModelSpec:
    from safetensors.numpy import load_file

    path = Path(path)
    side = sidecar_path(path)
    if not path.exists() or not side.exists():
        raise UserError(f"{path}: a compiled model needs both the .safetensors file and its {side.name} sidecar")
    meta = parse_user_json(read_user_text(side), str(side))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise UserError(f"{side}: not a model sidecar (expected a JSON object with \"format\": \"{FORMAT}\")")
    try:
        tensors = load_file(str(path))
    except Exception as err:  # safetensors reports a damaged file with its own exception types
        raise UserError(f"{path}: not a readable .safetensors file ({str(err).splitlines()[0][:120]})") from None
    try:
        return _spec_from(meta, tensors)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        raise UserError(f"{side}: does not describe the weights in {path.name} (a missing or mistyped field); "
                        "recompile with `axiomforge rasp compile`") from None


def _spec_from(meta: dict[str, Any], tensors: dict[str, Any]) -> ModelSpec:
    """The ModelSpec a sidecar and its tensors describe (raises KeyError/TypeError when they do not)."""
    subs: list[AttentionWeights | MlpWeights] = []
    for i, sub in enumerate(meta["sublayers"]):
        if sub["kind"] == "attention":
            subs.append(AttentionWeights(tensors[f"sublayers.{i}.w_q"], tensors[f"sublayers.{i}.w_k"],
                                         tensors[f"sublayers.{i}.w_v"], tensors[f"sublayers.{i}.w_o"],
                                         sub["heads"], sub["sharpness"]))
        else:
            subs.append(MlpWeights(tensors[f"sublayers.{i}.w_in"], tensors[f"sublayers.{i}.w_out"], sub["nodes"],
                                   sub["erasing_units"]))
    out = meta["output"]
    output = OutputSpec(out["node"], out["label"], out["encoding"], out["dims"],
                        [decode_value(v) for v in out["values"]], out["tolerance"])
    residual = [[(o["sop"], o["from"], o["to"]) for o in dim] for dim in meta["residual"]]
    projection = tensors["compression.projection"] if "compression" in meta else None
    if projection is not None and projection.shape[0] != meta["d_model"]:
        raise ValueError("projection shape")
    return ModelSpec([decode_value(v) for v in meta["vocab"]], meta["max_len"], meta["causal"], meta["d_model"],
                     tensors["token_embed"], tensors["pos_embed"], subs, output, residual, meta["epsilon"],
                     meta.get("notes", {}), projection)


def load_model(path: str | Path, device: str = "cpu") -> Any:
    from axiomforge.rasp.model import CompiledTransformer

    return CompiledTransformer(load_spec(path)).to(device)


def to_transformer_lens(spec: ModelSpec) -> Any:
    """A TransformerLens `HookedTransformer` with the same weights (no LayerNorm, ReLU MLPs).

    Sub-layers are paired into blocks (attention then MLP, a missing half is all zeros); W_Q is
    scaled by sqrt(d_head) to undo TransformerLens's score scaling; the unembedding reads the
    output s-op's dimensions, so logits[..., j] is output dimension j. Attention is
    bidirectional unless the program is causal; TransformerLens does not mask PAD keys, so feed
    unpadded batches (one length per batch)."""
    import torch
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    blocks: list[tuple[AttentionWeights | None, MlpWeights | None]] = []
    pending: AttentionWeights | None = None
    for sub in spec.sublayers:
        if isinstance(sub, AttentionWeights):
            if pending is not None:
                blocks.append((pending, None))
            pending = sub
        else:
            blocks.append((pending, sub))
            pending = None
    if pending is not None:
        blocks.append((pending, None))
    n_heads = max([a.w_q.shape[0] for a, _ in blocks if a is not None] + [1])
    d_head = max([max(a.w_q.shape[2], a.w_v.shape[2]) for a, _ in blocks if a is not None] + [1])
    d_mlp = max([m.w_in.shape[1] for _, m in blocks if m is not None] + [1])
    d = spec.d_model
    cfg = HookedTransformerConfig(
        n_layers=len(blocks), d_model=d, n_ctx=spec.max_len + 1, d_head=d_head, n_heads=n_heads, d_mlp=d_mlp,
        d_vocab=len(spec.vocab) + 2, d_vocab_out=max(len(spec.output.dims), 1), act_fn="relu",
        normalization_type=None, attention_dir="causal" if spec.causal else "bidirectional",
        positional_embedding_type="standard", dtype=torch.float64, default_prepend_bos=False,
    )
    with warnings.catch_warnings():  # 3.x warns that HookedTransformer goes away in 4.0
        warnings.simplefilter("ignore", DeprecationWarning)
        model = HookedTransformer(cfg)
    state = {k: torch.zeros_like(v) for k, v in model.state_dict().items()}
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    state["embed.W_E"] = t(spec.token_embed)
    state["pos_embed.W_pos"] = t(spec.pos_embed)
    scale = math.sqrt(d_head)
    for layer, (attn, mlp) in enumerate(blocks):
        if attn is not None:
            h, _, dk = attn.w_q.shape
            dv = attn.w_v.shape[2]
            state[f"blocks.{layer}.attn.W_Q"][:h, :, :dk] = t(attn.w_q) * scale
            state[f"blocks.{layer}.attn.W_K"][:h, :, :dk] = t(attn.w_k)
            state[f"blocks.{layer}.attn.W_V"][:h, :, :dv] = t(attn.w_v)
            state[f"blocks.{layer}.attn.W_O"][:h, :dv, :] = t(attn.w_o)
        if mlp is not None:
            hidden = mlp.w_in.shape[1]
            state[f"blocks.{layer}.mlp.W_in"][:, :hidden] = t(mlp.w_in)
            state[f"blocks.{layer}.mlp.W_out"][:hidden, :] = t(mlp.w_out)
    unembed = torch.zeros(d, max(len(spec.output.dims), 1), dtype=torch.float64)
    for j, dim in enumerate(spec.output.dims):
        unembed[dim, j] = 1.0
    state["unembed.W_U"] = unembed
    model.load_state_dict(state, strict=False)
    return model
