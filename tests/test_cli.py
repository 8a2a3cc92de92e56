"""The shared CLI contract: version, doctor, and the one-line error convention."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from axiomforge import __version__
from axiomforge.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "axiomforge", *args], capture_output=True, text=True, timeout=120
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"axiomforge {__version__}"


def test_doctor_json_names_each_component() -> None:
    proc = run_cli("doctor", "--json")
    assert proc.returncode == 0, proc.stderr
    components = json.loads(proc.stdout)["components"]
    names = {c["name"] for c in components}
    for expected in ("python", "torch", "torch build", "z3", "lean toolchain", "lean-dojo", "tracr-pypi", "chromium"):
        assert expected in names
    assert all(isinstance(c["available"], bool) for c in components)
    python_row = next(c for c in components if c["name"] == "python")
    assert python_row["available"] is True


def test_doctor_table() -> None:
    proc = run_cli("doctor")
    assert proc.returncode == 0
    assert "lean toolchain" in proc.stdout


@pytest.mark.parametrize("argv", [["nosuchcommand"], ["doctor", "--bogus"]])
def test_user_errors_are_one_line_exit_2(argv: list[str]) -> None:
    proc = run_cli(*argv)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_debug_shows_traceback() -> None:
    proc = run_cli("--debug", "nosuchcommand")
    assert proc.returncode == 2
    assert "Traceback" in proc.stderr


def test_missing_file_is_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    from axiomforge.errors import SourceLocation, UserError

    err = UserError("expected ';'", SourceLocation("prog.rasp", 3, 7))
    assert err.format() == "error: prog.rasp:3:7: expected ';'"


def test_an_output_path_that_is_a_file_is_user_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "taken"
    existing.write_text("keep me")
    assert main(["gen", "bb", "--count", "2", "--seed", "0", "--out", str(existing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {existing}:") and "Traceback" not in err
    assert existing.read_text() == "keep me"  # nothing already written is lost


def test_excerpt_of_a_long_line_is_a_window_with_the_caret_on_the_column() -> None:
    from axiomforge.errors import caret_excerpt

    line = "a" * 300 + "X" + "b" * 300
    text, caret = caret_excerpt(line, 1, 301).splitlines()
    assert len(text) < 120
    assert text[caret.index("^")] == "X"
    short_text, short_caret = caret_excerpt("x + == y", 1, 5).splitlines()
    assert short_text[short_caret.index("^")] == "="
