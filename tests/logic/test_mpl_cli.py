"""`axiomforge mpl check|fmt`: summaries, canonical output, and errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

from axiomforge.cli import main
from axiomforge.logic.parser import parse_theory_file, parse_theory_text

ROOT = Path(__file__).resolve().parents[2]
PEANO = ROOT / "theories" / "peano.mpl"


def test_check_prints_a_summary(capsys):
    assert main(["mpl", "check", str(PEANO)]) == 0
    out = capsys.readouterr().out
    assert "theory peano is well-formed" in out
    assert "add (+) : N, N → N" in out
    assert "induction   N : zero, s" in out
    assert "expect      add_comm : ∀a b. a + b = b + a" in out
    assert "7 axioms/definitions, 21 expects" in out


def test_check_json_and_ascii(capsys):
    assert main(["mpl", "check", "--json", "--ascii", str(ROOT / "theories" / "lists.mpl")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["sorts"] == ["N", "Elem", "List"]
    assert {"name": "append_assoc", "formula": "forall x y z. (x ++ y) ++ z = x ++ y ++ z"} in summary["expects"]


def test_check_gl_file(capsys):
    assert main(["mpl", "check", str(ROOT / "theories" / "gl" / "peano.gl")]) == 0
    assert "axiom       add_succ : ∀a b. a + s(b) = s(a + b)" in capsys.readouterr().out


def test_fmt_output_parses_to_the_same_theory(capsys):
    assert main(["mpl", "fmt", "--ascii", str(PEANO)]) == 0
    text = capsys.readouterr().out
    assert text.isascii() and "definition one : N := s(0)  notation \"1\"" in text
    assert parse_theory_text(text).axioms == parse_theory_file(PEANO).axioms


def test_errors_exit_2_with_location(tmp_path, capsys):
    bad = tmp_path / "bad.mpl"
    bad.write_text("sort N\nfunction s : N -> N\naxiom a : forall x. s(x, x) = x\n", encoding="utf-8")
    assert main(["mpl", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:3:21: wrong arity: s takes 1 argument, given 2\n")
    assert main(["mpl", "check", str(tmp_path / "missing.mpl")]) == 2
    assert "error:" in capsys.readouterr().err
    gl = tmp_path / "bad.gl"
    gl.write_text("(>[x](=[x,x])", encoding="utf-8")
    assert main(["mpl", "fmt", str(gl)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {gl}:1:14: unexpected end of file")
