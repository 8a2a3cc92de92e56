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


def live_dims(compiled: Compiled, stage: int) -> list[tuple[int, str]]:
    """(dimension, s-op=value label) of the dimensions holding a live s-op after sub-layer
    `stage` (-1: the embedding): written at or before it and still read later (or the output).
    Dead values linger in the stream until an MLP frees them; they are left out of the pictures."""
    live: list[tuple[int, str]] = []
    for d, occupants in enumerate(compiled.spec.residual):
        for label, start, end in occupants:
            if start <= stage < end:
                live.append((d, label))
    return live


def draw_pictures(compiled: Compiled, tokens: list[Any], out_dir: str | Path) -> list[Path]:
    """attention_<i>.png per attention sub-layer (one panel per head, colour bar), and the residual
    stream with its live s-ops only: residual_<k>.png after the embedding (k = 0) and after each
    sub-layer (k = i + 1), and residual.png after the last one."""
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

    def save(fig: Any, name: str) -> None:
        path = out / name
        fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
        files.append(path)

    with torch.no_grad():
        _, residuals = model(ids, return_residuals=True)
        key_mask = model.masks(ids)
        for i, sub in enumerate(model.sublayers):
            if not isinstance(sub, Attention):
                continue
            pattern = sub.pattern(residuals[i], key_mask)[0].numpy()
            heads = compiled.spec.sublayers[i].heads  # type: ignore[union-attr]
            fig, axes = plt.subplots(1, len(heads), figsize=(3.6 * len(heads) + 0.8, 3.4), squeeze=False)
            image = None
            for h, ax in enumerate(axes[0]):
                image = ax.imshow(pattern[h], vmin=0, vmax=1, cmap="Blues")
                ax.set_title(f"sub-layer {i}: {heads[h]}", fontsize=8)
                ax.set_xticks(range(len(labels)), labels, fontsize=7)
                ax.set_yticks(range(len(labels)), labels, fontsize=7)
                ax.set_xlabel("key")
                ax.set_ylabel("query")
            assert image is not None
            fig.colorbar(image, ax=list(axes[0]), label="attention weight", shrink=0.8)
            fig.set_layout_engine("constrained")
            path = out / f"attention_{i}.png"
            fig.savefig(path, dpi=100, metadata={"Software": None})
            plt.close(fig)
            files.append(path)
        n_sub = len(model.sublayers)
        for k, residual in enumerate(residuals):
            stage = k - 1
            live = live_dims(compiled, stage)
            where = "the embedding" if stage < 0 else f"sub-layer {stage} ({_kind(compiled, stage)})"
            fig = _residual_figure(plt, residual[0].numpy(), live, labels, f"residual stream after {where}")
            save(fig, f"residual_{k}.png")
            if stage == n_sub - 1:
                fig = _residual_figure(plt, residual[0].numpy(), live, labels, "residual stream after the last sub-layer")
                save(fig, "residual.png")
    return files


def _kind(compiled: Compiled, index: int) -> str:
    sub = compiled.spec.sublayers[index]
    return "attention" if isinstance(sub, AttentionWeights) else "MLP"


def _residual_figure(plt: Any, residual: Any, live: list[tuple[int, str]], labels: list[str], title: str) -> Any:
    """One row per live dimension (labelled s-op=value), one column per position, values written
    in the cells when the grid is small, and a colour bar."""
    rows = residual[:, [d for d, _ in live]].T if live else residual[:, :0].T
    names = [f"{label}  [{d}]" for d, label in live]
    bound = max(1.0, float(abs(rows).max()) if rows.size else 1.0)
    fig, ax = plt.subplots(figsize=(max(4.5, 0.6 * len(labels) + 4), max(2.5, 0.26 * len(names) + 1.4)),
                           layout="constrained")
    image = ax.imshow(rows if rows.size else [[0.0] * len(labels)], aspect="auto", cmap="RdBu",
                      vmin=-bound, vmax=bound)
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.set_xlabel("position (token)")
    ax.set_title(title + ("" if live else " (no live s-op)"), fontsize=9)
    if rows.size and rows.shape[0] <= 60 and rows.shape[1] <= 24:
        for r in range(rows.shape[0]):
            for c in range(rows.shape[1]):
                value = float(rows[r, c])
                if abs(value) > 5e-3:
                    ax.text(c, r, f"{value:.2g}", ha="center", va="center", fontsize=6,
                            color="white" if abs(value) > 0.6 * bound else "black")
    fig.colorbar(image, ax=ax, label="value in the residual", shrink=0.9)
    return fig
