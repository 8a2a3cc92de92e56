"""Saving, loading and exporting compiled models."""

from __future__ import annotations

import importlib.util
import json

import pytest
import torch

from axiomforge.errors import UserError
from axiomforge.rasp.compiler import compile_to_spec
from axiomforge.rasp.export import load_model, save_model, sidecar_path
from axiomforge.rasp.model import CompiledTransformer
from axiomforge.rasp.parser import load_file
from axiomforge.rasp.programs import LIBRARY_DIR


def _compiled(name: str, vocab, max_len: int):
    program = load_file(LIBRARY_DIR / f"{name}.rasp")
    return program, compile_to_spec(program.output, vocab, max_len, program.causal)


def test_save_and_load_round_trip(tmp_path):
    _, compiled = _compiled("frac_prevs", ["x", "y"], 6)
    path = save_model(compiled.spec, tmp_path / "m.safetensors", program="frac_prevs")
    meta = json.loads(sidecar_path(path).read_text())
    assert meta["vocab"] == ["x", "y"] and meta["max_len"] == 6 and meta["dtype"] == "float64"
    assert meta["output"]["encoding"] == "numerical"
    assert len(meta["residual"]) == compiled.spec.d_model
    original = CompiledTransformer(compiled.spec)
    loaded = load_model(path)
    inputs = [list("xyxxy"), list("y"), list("xxxxxx")]
    assert loaded.run(inputs) == original.run(inputs)
    ids = original.encode(inputs)
    assert torch.equal(loaded(ids), original(ids))


def test_saving_is_deterministic(tmp_path):
    _, first = _compiled("sort", [1, 2, 3], 5)
    _, second = _compiled("sort", [1, 2, 3], 5)
    a = save_model(first.spec, tmp_path / "a.safetensors")
    b = save_model(second.spec, tmp_path / "b.safetensors")
    assert a.read_bytes() == b.read_bytes()
    assert sidecar_path(a).read_text() == sidecar_path(b).read_text()


def test_loading_without_sidecar_is_a_user_error(tmp_path):
    _, compiled = _compiled("length", ["a"], 3)
    path = save_model(compiled.spec, tmp_path / "m.safetensors")
    sidecar_path(path).unlink()
    with pytest.raises(UserError):
        load_model(path)


@pytest.mark.skipif(importlib.util.find_spec("transformer_lens") is None,
                    reason="transformer_lens is not installed (pip install -e '.[interp]')")
@pytest.mark.parametrize("name, vocab", [("sort", [1, 2, 3, 4]), ("hist", list("abc")),
                                         ("causal_count", list("ab")), ("shuffle_dyck2", list("(){}"))])
def test_transformer_lens_export_gives_identical_outputs(name, vocab):
    try:
        from transformer_lens import HookedTransformer  # noqa: F401
    except ImportError as err:
        pytest.skip(f"this transformer_lens has no HookedTransformer: {err}")
    from axiomforge.rasp.export import to_transformer_lens

    _, compiled = _compiled(name, vocab, 5)
    ours = CompiledTransformer(compiled.spec)
    hooked = to_transformer_lens(compiled.spec)
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(0, len(vocab), (16, 5), generator=gen)
    inputs = [[vocab[i] for i in row] for row in ids.tolist()]
    ids = ours.encode(inputs)
    with torch.no_grad():
        logits = hooked(ids)
        reference = ours(ids)[:, :, compiled.spec.output.dims]
    assert torch.allclose(logits, reference, atol=1e-9)
    # decoding TransformerLens's logits as the output dimensions gives the program's outputs
    residual = logits.new_zeros(logits.shape[0], logits.shape[1], compiled.spec.d_model)
    residual[:, :, compiled.spec.output.dims] = logits
    assert ours.decode(residual, [5] * 16) == ours.run(inputs)


def test_unnamed_sops_get_the_same_labels_on_every_compile(tmp_path):
    from axiomforge.rasp import api as rasp

    def build():
        shifted = rasp.Map(lambda t: t + 1, rasp.tokens)
        rank = rasp.SelectorWidth(rasp.Select(shifted, shifted, rasp.Comparison.LT))
        return rasp.Aggregate(rasp.Select(rasp.numerical(rasp.Map(lambda r: r, rank)), rasp.indices,
                                          rasp.Comparison.EQ), rasp.tokens)

    first = save_model(compile_to_spec(build(), [1, 2, 3], 4).spec, tmp_path / "a.safetensors")
    second = save_model(compile_to_spec(build(), [1, 2, 3], 4).spec, tmp_path / "b.safetensors")
    assert sidecar_path(first).read_text() == sidecar_path(second).read_text()
    assert first.read_bytes() == second.read_bytes()
