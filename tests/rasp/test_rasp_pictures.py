"""`rasp show --png-dir`: the residual after every sub-layer with live s-ops only."""

from __future__ import annotations

from axiomforge.cli import main
from axiomforge.rasp.compiler import compile_to_spec
from axiomforge.rasp.parser import load_file
from axiomforge.rasp.pictures import live_dims
from axiomforge.rasp.programs import LIBRARY_DIR


def test_live_dims_drop_s_ops_no_later_layer_reads():
    program = load_file(LIBRARY_DIR / "reverse.rasp").output
    compiled = compile_to_spec(program, ["a", "b", "c"], 5)
    last = len(compiled.spec.sublayers) - 1
    final = [label for _, label in live_dims(compiled, last)]
    assert final and all(label.startswith(("output=", "one", "bos")) for label in final)
    embedding = [label for _, label in live_dims(compiled, -1)]
    assert any(label.startswith("tokens=") for label in embedding)
    assert not any(label.startswith("output=") for label in embedding)


def test_show_writes_the_residual_after_each_sub_layer(tmp_path, capsys):
    assert main(["rasp", "show", "reverse", "--input", "a b c", "--png-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    program = load_file(LIBRARY_DIR / "reverse.rasp").output
    n_sub = len(compile_to_spec(program, ["a", "b", "c"], 5).spec.sublayers)
    names = {p.name for p in tmp_path.glob("*.png")}
    assert {f"residual_{k}.png" for k in range(n_sub + 1)} <= names
    assert "residual.png" in names and any(n.startswith("attention_") for n in names)
