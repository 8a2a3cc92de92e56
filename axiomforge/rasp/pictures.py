"""What a compiled model looks like: a text/JSON description and PNG pictures for one input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axiomforge.rasp.compiler import Compiled
from axiomforge.rasp.craft import AttentionWeights


def describe(compiled: Compiled) -> tuple[str, dict[str, Any]]:
    spec = compiled.spec
    lines = [f"residual width {spec.d_model}, {len(spec.sublayers)} sub-layers, vocab {spec.vocab}, "
             f"max_len {spec.max_len}{', causal' if spec.causal else ''}, float64, epsilon {spec.epsilon:.1e}"]
    subs: list[dict[str, Any]] = []
    for i, sub in enumerate(spec.sublayers):
        if isinstance(sub, AttentionWeights):
            heads = [f"{h} (sharpness {s:.1f})" for h, s in zip(sub.heads, sub.sharpness)]
            lines.append(f"  [{i}] attention, {len(heads)} head(s): " + ", ".join(heads))
            subs.append({"index": i, "kind": "attention", "heads": sub.heads})
        else:
            lines.append(f"  [{i}] mlp, {sub.w_in.shape[1]} hidden ({sub.erased} freeing space): "
                         + ", ".join(sub.nodes or ["(erase only)"]))
            subs.append({"index": i, "kind": "mlp", "nodes": sub.nodes, "hidden": int(sub.w_in.shape[1])})
    lines.append("residual layout (dimension: s-op=value from sub-layer -> until; -1 is the embedding):")
    layout: list[list[str]] = []
    for d, occupants in enumerate(spec.residual):
        names = [f"{label} {start}->{end}" for label, start, end in occupants]
        layout.append(names)
        lines.append(f"  {d:3d}: " + "; ".join(names))
    lines.append(f"output: {spec.output.label} ({spec.output.encoding}) in dims {spec.output.dims}")
    data = {"d_model": spec.d_model, "sublayers": subs, "residual": layout,
            "output": {"label": spec.output.label, "encoding": spec.output.encoding, "dims": spec.output.dims}}
    return "\n".join(lines), data


def draw_pictures(compiled: Compiled, tokens: list[Any], out_dir: str | Path) -> list[Path]:
    """attention_<i>.png per attention sub-layer (one panel per head) and residual.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch

    from axiomforge.rasp.model import Attention, CompiledTransformer

    model = CompiledTransformer(compiled.spec)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ids = model.encode([tokens])
    labels = ["BOS"] + [str(t) for t in tokens]
    files: list[Path] = []
    with torch.no_grad():
        _, residuals = model(ids, return_residuals=True)
        key_mask = model.masks(ids)
        for i, sub in enumerate(model.sublayers):
            if not isinstance(sub, Attention):
                continue
            pattern = sub.pattern(residuals[i], key_mask)[0].numpy()
            heads = compiled.spec.sublayers[i].heads  # type: ignore[union-attr]
            fig, axes = plt.subplots(1, len(heads), figsize=(3.2 * len(heads), 3.2), squeeze=False)
            for h, ax in enumerate(axes[0]):
                ax.imshow(pattern[h], vmin=0, vmax=1, cmap="Blues")
                ax.set_title(heads[h], fontsize=8)
                ax.set_xticks(range(len(labels)), labels, fontsize=7)
                ax.set_yticks(range(len(labels)), labels, fontsize=7)
                ax.set_xlabel("key")
                ax.set_ylabel("query")
            fig.tight_layout()
            path = out / f"attention_{i}.png"
            fig.savefig(path, dpi=100, metadata={"Software": None})
            plt.close(fig)
            files.append(path)
        final = residuals[-1][0].numpy().T
        fig, ax = plt.subplots(figsize=(max(4, 0.5 * len(labels) + 3), max(4, 0.18 * final.shape[0] + 1)))
        ax.imshow(final, aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
        ax.set_xticks(range(len(labels)), labels, fontsize=7)
        names = [occ[-1][0] for occ in compiled.spec.residual]
        ax.set_yticks(range(len(names)), names, fontsize=6)
        ax.set_title("residual stream after the last sub-layer")
        fig.tight_layout()
        path = out / "residual.png"
        fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
        files.append(path)
    return files
