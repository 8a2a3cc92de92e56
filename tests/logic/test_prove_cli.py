"""`axiomforge prove`: files written, summary printed, every proof re-checked, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from axiomforge.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_prove_lists_writes_everything_and_rechecks(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["prove", str(ROOT / "theories" / "lists.mpl"), "--out", str(out), "--json", "--html"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["check"]["ok"] is True
    assert summary["candidates"]["proved"] == len(summary["theorems"]) >= 4
    assert {e["name"] for e in summary["expect"] if e["found"]} >= {
        "append_assoc", "length_append", "reverse_append", "reverse_reverse"
    }
    doc = json.loads((out / "proofs.json").read_text())
    assert doc["format"] == "axiomforge-proofs" and doc["version"] == 1
    assert [t["name"] for t in doc["theorems"]] == [t["name"] for t in summary["theorems"]]
    assert (out / "proofs.lean").read_text().strip()
    assert (out / "html" / "index.html").exists()


@pytest.mark.slow
def test_prove_prints_a_table_and_the_checker_verdict(tmp_path, capsys):
    rc = main(["prove", str(ROOT / "theories" / "lists.mpl"), "--out", str(tmp_path), "--max-size", "6"])
    text = capsys.readouterr().out
    assert rc == 0
    assert "run summary" in text and "candidates generated" in text and "peak memory" in text
    assert "independent checker re-checked every proof: ok" in text


def test_missing_theory_file_is_a_clean_error(tmp_path, capsys):
    rc = main(["prove", str(tmp_path / "nope.mpl"), "--out", str(tmp_path)])
    assert rc == 2
    assert capsys.readouterr().err.startswith("error:")


def test_malformed_theory_is_a_clean_error(tmp_path, capsys):
    bad = tmp_path / "bad.mpl"
    bad.write_text("theory bad\nsort N\naxiom x : forall a. a + = a\n")
    rc = main(["prove", str(bad), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error:") and "bad.mpl:3" in err


@pytest.mark.parametrize("flag", [["--workers", "0"], ["--max-size", "0"], ["--budget", "-1"]])
def test_bad_options_are_clean_errors(tmp_path, capsys, flag):
    rc = main(["prove", str(ROOT / "theories" / "lists.mpl"), "--out", str(tmp_path), *flag])
    assert rc == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.slow
def test_runs_agree_across_hash_seeds(tmp_path):
    """Byte-identical proofs.json and proofs.lean from two processes with different string
    hashing and worker counts: no set or dict order, no scheduling, no clock leaks into them."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed, workers in (("1", "1"), ("2", "2")):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "axiomforge", "prove", str(ROOT / "theories" / "lists.mpl"), "--out", str(out),
             "--json", "--workers", workers],
            check=True, env=env, capture_output=True,
        )
        outputs.append((out / "proofs.json").read_bytes() + (out / "proofs.lean").read_bytes())
        assert json.loads((out / "timings.json").read_text())["format"] == "axiomforge-timings"
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_prove_reads_gl_prefix_files(tmp_path, capsys):
    """GL's own Peano definition file (prefix notation) goes through the same engine."""
    rc = main(["prove", str(ROOT / "theories" / "gl" / "peano.gl"), "--out", str(tmp_path), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert rc == 0 and summary["check"]["ok"]
    names = {t["name"] for t in summary["theorems"]}
    assert {"add_comm", "add_assoc", "mul_comm", "mul_assoc"} <= names
