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


BIG = "((a^b^c^d^e^f^g^h)*(a^b^c^d^e^f))*((a^b^c^d^e^f^g^h)*(a^b^c^d^e^f))"


def test_a_size_limit_is_unknown_with_its_own_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    # The 142-character identity: false, and found so without building the huge product.
    assert main(["mba", "check", f"{BIG} == {BIG} + 1", "--timeout", "0"]) == 1
    assert "verdict: false" in capsys.readouterr().out
    # A true one whose normal form is over the limit (sides differ syntactically): unknown, exit 4.
    assert main(["mba", "check", f"{BIG} == {BIG.replace('a^b', 'b^a')} + 0*x", "--timeout", "0"]) == 4
    out = capsys.readouterr().out
    assert out.startswith("verdict: unknown: limit reached (a product of")


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "-inf", "ten", "1e9"])
def test_timeout_is_validated(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mba", "check", "x == x", f"--timeout={value}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --timeout: expected a number of seconds") and "Traceback" not in err


def test_check_file_prints_json_lines_with_located_errors(
        tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "ids.txt"  # type: ignore[operator]
    source.write_text("# comment\n(x&y)*(x|y)+(x&~y)*(~x&y) == x*y\n\nx + == y\nx + y == x | y\n")
    assert main(["mba", "check", "--file", str(source), "--timeout", "0"]) == 2
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["line"] for r in rows] == [2, 4, 5]
    assert rows[0]["verdict"] == "true" and rows[0]["method"] == "polynomial-normal-form"
    assert rows[1]["error"].startswith(f"{source}:4:5: unexpected '=='")
    assert rows[2]["verdict"] == "false"
    assert captured.err.startswith(f"error: {source}:4:5:")


def test_simplify_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    text = "(x&y)*(x|y)+(x&~y)*(~x&y)-41\n(x ^ y) + 2*(x & y)\nx*y\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["mba", "simplify", "--file", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["simplified"], r["method"]) for r in rows] == [
        ("x*y - 41", "polynomial-normal-form"), ("x + y", "signature"), ("x*y", "unchanged")]
    assert rows[0]["size_after"] < rows[0]["size_before"]


def test_one_source_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mba", "simplify"]) == 2
    assert main(["mba", "check", "x == x", "--file", "-"]) == 2
    assert "not both and not neither" in capsys.readouterr().err


def test_an_overlong_line_is_a_located_error(tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "huge.txt"  # type: ignore[operator]
    source.write_text("x + y == y + x\n" + "x+" * 150_000 + "x == x\n")
    assert main(["mba", "check", "--file", str(source), "--timeout", "0"]) == 2
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert rows[0]["verdict"] == "true" and rows[1]["line"] == 2 and "more than the 200,000" in rows[1]["error"]
    assert [line for line in captured.err.splitlines() if line.startswith("error:")] == [
        f"error: {source}:2:200001: 300,006 characters, more than the 200,000 accepted in one expression"]
