"""`prove --executor ray` fans the proof attempts out as Ray tasks and writes the same proofs,
byte for byte, as the one-process run."""

from __future__ import annotations

import pytest

from axiomforge.cli import main

pytestmark = [pytest.mark.ray, pytest.mark.slow]


def test_prove_peano_on_ray_is_byte_identical(repo_root, tmp_path, ray_session):
    theory = str(repo_root / "theories" / "peano.mpl")
    assert main(["prove", theory, "--out", str(tmp_path / "local"), "--json"]) == 0
    assert main(["prove", theory, "--out", str(tmp_path / "ray"), "--json", "--executor", "ray"]) == 0
    for name in ("proofs.json", "proofs.lean"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_ray_address_without_ray_executor_is_refused(repo_root, tmp_path, capsys):
    code = main(["prove", str(repo_root / "theories" / "peano.mpl"), "--out", str(tmp_path / "x"),
                 "--ray-address", "127.0.0.1:1"])
    assert code == 2 and "--ray-address needs --executor ray" in capsys.readouterr().err
