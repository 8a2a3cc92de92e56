"""`axiomforge bb run|decide|enumerate`: output, exit codes and one-line errors."""

from __future__ import annotations

import json

import pytest

from axiomforge.cli import main


def test_run_bb5_champion_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bb", "run", "1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["status"], out["steps"], out["ones"]) == ("halted", 47_176_870, 4098)


def test_run_reference_and_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bb", "run", "1RB1LB_1LA0LC_1RZ1LD_1RD0RA", "--reference"]) == 0
    out = capsys.readouterr().out
    assert "107" in out and "reference" in out
    assert main(["bb", "run", "1RB1LB_1LA0LC_1RZ1LD_1RD0RA", "--max-steps", "100", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "limit"


def test_decide_prints_a_verified_certificate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bb", "decide", "1RB1RB_0LA---", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "never halts" and out["verified"] is True
    assert out["certificate"] == {"method": "cycler", "start": 1, "period": 2}
    assert main(["bb", "decide", "1RB1LB_1LA1RZ"]) == 0
    assert '"steps": 6' in capsys.readouterr().out


def test_enumerate_three_states(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bb", "enumerate", "--states", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["states"], r["S"], r["sigma"]) for r in rows] == [(2, 6, 4), (3, 21, 6)]
    assert rows[0]["undecided"] == 0
    assert sum(rows[1]["deciders"].values()) + rows[1]["undecided"] == rows[1]["leaves"]


@pytest.mark.parametrize(
    "argv",
    [
        ["bb", "run", "1RB1LB_1LA1RX"],
        ["bb", "decide", "1RB"],
        ["bb", "enumerate", "--states", "6"],
        ["bb", "run", "1RB1LB_1LA1RZ", "--block-size", "0"],
    ],
)
def test_bad_input_is_one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "Traceback" not in err


def test_gen_mba_is_dispatched_to_the_mba_generator(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    import axiomforge.generators as generators

    assert main(["gen", "mba", "--count", "5", "--seed", "1", "--out", str(tmp_path)]) == 0
    lines = (tmp_path / "challenges.jsonl").read_text().splitlines()
    assert len(lines) == 5
    record = json.loads(lines[0])
    assert record["domain"] == "mba"
    assert generators.recheck(record)[0] is True
