"""`axiomforge mba check|simplify`: verdicts, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from axiomforge.cli import main


def test_check_true(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mba", "check", "(x ^ y) + 2*(x & y) == x + y", "--width", "64"]) == 0
    out = capsys.readouterr().out
    assert "verdict: true" in out and "signature" in out


def test_check_false_prints_a_counterexample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mba", "check", "x + y == x | y", "--width", "8"]) == 1
    out = capsys.readouterr().out
    assert "verdict: false" in out and "counterexample (width 8): x = 0xff, y = 0xff" in out


def test_check_uncertified_is_not_true(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mba", "check", "x*(x + 1)*0x8000000000000000 == 0", "--timeout", "0"]) == 3
    assert "verdict: uncertified" in capsys.readouterr().out


def test_check_json_symbolic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mba", "check", "x*x == x", "--width", "symbolic", "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["verdict"] == "false" and verdict["width"] == "symbolic"
    assert verdict["certificate"]["counterexample_width"] >= 1


def test_simplify(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mba", "simplify", "(x | y) - (x & y)", "--lean"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["x ^ y", "x ^^^ y"] and lines[2].startswith("# equivalent: true")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["mba", "check", "x + == y"], "error: <identity>:1:5: unexpected '=='"),
        (["mba", "check", "x + y"], "expected an identity"),
        (["mba", "check", "x == y", "--width", "99"], "--width"),
        (["mba", "simplify", "(x"], "error: <expression>:1:3: unexpected end of input"),
    ],
)
def test_user_errors_are_one_line(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and fragment in err.splitlines()[0]
    assert "Traceback" not in err
