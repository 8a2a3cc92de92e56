"""`rasp compress` (learned residual projection) and `rasp export-tl` through the CLI."""

from __future__ import annotations

import importlib.util
import json

import pytest

from axiomforge.cli import main
from axiomforge.rasp.export import load_model, load_spec
from axiomforge.rasp.interpreter import evaluate
from axiomforge.rasp.parser import load_file
from axiomforge.rasp.programs import LIBRARY_DIR


def test_compress_finds_a_narrower_exact_model_that_runs(tmp_path, capsys):
    compiled = tmp_path / "hist.safetensors"
    assert main(["rasp", "compile", "hist", "--vocab", "a,b,c", "--max-len", "4", "-o", str(compiled)]) == 0
    capsys.readouterr()
    small = tmp_path / "small" / "hist.safetensors"
    assert main(["rasp", "compress", str(compiled), "-o", str(small), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["dim"] is not None and summary["dim"] < summary["d_model"]
    spec = load_spec(small)
    assert spec.projection is not None and spec.projection.shape == (summary["d_model"], summary["dim"])
    # the saved compressed model computes hist exactly (checked here against the interpreter)
    program = load_file(LIBRARY_DIR / "hist.rasp").output
    seqs = [list(s) for s in ("a", "ab", "cab", "bbcb", "aaaa", "cbca")]
    assert load_model(small).run(seqs) == [evaluate(program, s) for s in seqs]
    assert main(["rasp", "run", "hist", "--input", "c b c a", "--model", str(small)]) == 0
    assert "agrees" in capsys.readouterr().out
    # the same search gives the same bytes
    again = tmp_path / "again" / "hist.safetensors"
    assert main(["rasp", "compress", str(compiled), "-o", str(again)]) == 0
    assert again.read_bytes() == small.read_bytes()


def test_compress_to_a_width_too_small_fails_and_writes_nothing(tmp_path, capsys):
    compiled = tmp_path / "hist.safetensors"
    assert main(["rasp", "compile", "hist", "--vocab", "a,b", "--max-len", "3", "-o", str(compiled)]) == 0
    out = tmp_path / "tiny" / "hist.safetensors"
    assert main(["rasp", "compress", str(compiled), "--dim", "1", "--steps", "5", "-o", str(out)]) == 1
    assert "no exact compressed model" in capsys.readouterr().out
    assert not out.exists()


HAVE_TL = importlib.util.find_spec("transformer_lens") is not None


@pytest.mark.skipif(HAVE_TL, reason="transformer_lens is installed: the missing-extra error cannot show")
def test_export_tl_without_the_extra_is_a_clear_error(tmp_path, capsys):
    compiled = tmp_path / "hist.safetensors"
    assert main(["rasp", "compile", "hist", "-o", str(compiled)]) == 0
    assert main(["rasp", "export-tl", str(compiled), "-o", str(tmp_path / "tl.pt")]) == 2
    err = capsys.readouterr().err
    assert "interp" in err and "Traceback" not in err
    assert not (tmp_path / "tl.pt").exists()


@pytest.mark.skipif(not HAVE_TL, reason="transformer_lens is not installed (pip install -e '.[interp]')")
def test_export_tl_writes_a_loadable_state_dict(tmp_path, capsys):
    import torch

    compiled = tmp_path / "hist.safetensors"
    assert main(["rasp", "compile", "hist", "-o", str(compiled)]) == 0
    assert main(["rasp", "export-tl", str(compiled), "-o", str(tmp_path / "tl.pt")]) == 0
    saved = torch.load(tmp_path / "tl.pt", weights_only=False)
    assert "embed.W_E" in saved["state_dict"] and saved["config"]["d_model"] == load_spec(compiled).d_model
