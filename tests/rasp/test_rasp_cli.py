"""`axiomforge rasp ...` end to end through the CLI entry point."""

from __future__ import annotations

import json

from axiomforge.cli import main


def test_run_prints_the_interpreter_output(capsys):
    assert main(["rasp", "run", "sort", "--input", "3 1 2 2"]) == 0
    assert capsys.readouterr().out.strip() == "output: 1 2 2 3"


def test_compile_then_run_the_saved_model(tmp_path, capsys):
    out = tmp_path / "rev" / "model.safetensors"
    assert main(["rasp", "compile", "reverse", "--vocab", "a,b,c", "--max-len", "6", "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["d_model"] > 0 and summary["nonzero_parameters"] <= summary["parameters"]
    assert out.exists() and (tmp_path / "rev" / "model.safetensors.json").exists()
    assert main(["rasp", "run", "reverse", "--input", "a b c c", "--model", str(out)]) == 0
    text = capsys.readouterr().out
    assert "c c b a" in text and "agrees" in text


def test_verify_reports_exhaustive_agreement_as_json(capsys):
    assert main(["rasp", "verify", "hist", "--vocab", "a,b", "--max-len", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exhaustive"] is True
    assert data["sequences"] == 2 + 4 + 8 + 16 + 32
    assert data["sequence_agreement"] == 1.0 and data["position_agreement"] == 1.0


def test_verify_samples_when_there_are_too_many_inputs(capsys):
    assert main(["rasp", "verify", "sort", "--max-len", "7", "--min-len", "7", "--exhaustive-limit", "100",
                 "--samples", "50"]) == 0
    out = capsys.readouterr().out
    assert "sampled (50 per length" in out and "50/50 sequences agree (100.00%)" in out


def test_show_writes_pictures(tmp_path, capsys):
    assert main(["rasp", "show", "sort", "--input", "3 1 2", "--png-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "attention" in out and "residual layout" in out
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert "residual.png" in pngs and any(p.startswith("attention_") for p in pngs)
    assert all((tmp_path / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)


def test_malformed_file_exits_2_with_location(tmp_path, capsys):
    bad = tmp_path / "bad.rasp"
    bad.write_text("x = select(tokens, tokens, ==);\ny = aggregate(x tokens);\n")
    assert main(["rasp", "run", str(bad), "--input", "a"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:2:17: unexpected")


def test_ill_typed_program_exits_2_with_location(tmp_path, capsys):
    bad = tmp_path / "typed.rasp"
    bad.write_text("s = select(tokens, tokens, ==);\noutput = map(lambda x: x, s);\n")
    assert main(["rasp", "compile", str(bad), "--vocab", "a", "--max-len", "3", "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:2:10: map's second argument must be an s-op")


def test_uncompilable_program_exits_2_naming_the_sop(tmp_path, capsys):
    bad = tmp_path / "nocomp.rasp"
    bad.write_text("prev = aggregate(select(indices, indices, lambda k, q: k == q - 1), tokens);\n"
                   "output = numerical(map(lambda t: 1 if t == \"a\" else 0, prev));\n")
    assert main(["rasp", "verify", str(bad), "--vocab", "a,b", "--max-len", "3"]) == 2
    err = capsys.readouterr().err
    assert "cannot compile s-op 'output'" in err and "None" in err


def test_missing_vocab_is_a_user_error(tmp_path, capsys):
    prog = tmp_path / "p.rasp"
    prog.write_text("output = length;")
    assert main(["rasp", "verify", str(prog)]) == 2
    assert "--vocab" in capsys.readouterr().err
