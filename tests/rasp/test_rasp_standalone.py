"""The run_model.py that `rasp compile` writes runs the model without axiomforge and agrees with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from axiomforge.cli import main
from axiomforge.rasp.export import encode_value, load_model

# run the emitted script with axiomforge made unimportable (python -I ignores PYTHONPATH and the
# working directory; an editable install would still be found, so the module is also blocked)
RUNNER = ("import runpy, sys\n"
          "sys.modules['axiomforge'] = None\n"
          "try:\n"
          "    import axiomforge\n"
          "    raise SystemExit('axiomforge is importable')\n"
          "except ImportError:\n"
          "    pass\n"
          "sys.argv = sys.argv[1:]\n"
          "runpy.run_path(sys.argv[0], run_name='__main__')\n")


def _standalone(script: Path, weights: Path, inputs: list[str]) -> list[object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-I", "-c", RUNNER, str(script), weights.name, *inputs],
                          cwd=weights.parent, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize(("program", "vocab", "max_len", "inputs"), [
    ("sort", "1,2,3,4", 5, ["3 1 4 1 2", "2", "4 4 1"]),            # categorical, padded batch
    ("frac_prevs", "x,y", 5, ["x y x", "y y y y x", "x"]),          # numerical output (fractions)
    ("shift_by", "a,b,c", 4, ["a b c", "c a"]),                      # None at position 0
    ("causal_running_max", "0,1,2,3", 5, ["0 3 1 2", "2 1"]),       # causal mask
])
def test_emitted_script_matches_the_model(tmp_path, capsys, program, vocab, max_len, inputs):
    weights = tmp_path / "out" / "model.safetensors"
    assert main(["rasp", "compile", program, "--vocab", vocab, "--max-len", str(max_len), "-o", str(weights)]) == 0
    capsys.readouterr()
    script = weights.with_name("run_model.py")
    assert script.exists()
    model = load_model(weights)
    parsed = [[int(t) if t.isdigit() else t for t in text.split()] for text in inputs]
    expected = [[encode_value(v) for v in row] for row in model.run(parsed)]
    assert _standalone(script, weights, inputs) == expected


def test_compile_refuses_to_overwrite_a_users_run_model_py(tmp_path, capsys):
    mine = tmp_path / "run_model.py"
    mine.write_text("print('my own script')\n")
    assert main(["rasp", "compile", "hist", "-o", str(tmp_path / "model.safetensors")]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert mine.read_text() == "print('my own script')\n"


def test_emitted_script_runs_a_compressed_model(tmp_path, capsys):
    compiled = tmp_path / "hist.safetensors"
    assert main(["rasp", "compile", "hist", "--vocab", "a,b,c", "--max-len", "4", "-o", str(compiled)]) == 0
    small = tmp_path / "small" / "hist.safetensors"
    assert main(["rasp", "compress", str(compiled), "-o", str(small)]) == 0
    capsys.readouterr()
    inputs = ["c b c a", "a", "b b"]
    expected = [[encode_value(v) for v in row] for row in load_model(small).run([s.split() for s in inputs])]
    assert expected == [[2, 1, 2, 1], [1], [2, 2]]
    assert _standalone(small.with_name("run_model.py"), small, inputs) == expected
