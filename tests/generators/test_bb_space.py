"""The 5-state machinery on spaces small enough to check exactly: uniform sampling of TNF
leaves, shards (plan, run, merge, log and resume) and the holdouts file."""

from __future__ import annotations

import functools
import json
import os
import pickle
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axiomforge.errors import UserError
from axiomforge.generators.busy_beaver import jit
from axiomforge.generators.busy_beaver.enumerate import EnumerationReport, default_limits, enumerate_tnf
from axiomforge.generators.busy_beaver.reference import run_reference
from axiomforge.generators.busy_beaver.space import (
    Holdout,
    enumerate_space,
    merge,
    plan_shards,
    run_shard,
    sample_space,
    sampling_bound,
    wilson,
    write_holdouts,
)


@functools.cache
def full(n: int) -> EnumerationReport:
    return enumerate_tnf(n, engine="jit")


def test_the_bound_covers_every_leaf_weight() -> None:
    assert sampling_bound(5) == 13 * 17 * 21**6
    assert sampling_bound(3) == 13**4


def test_sampled_leaves_are_uniform_over_the_three_state_tree() -> None:
    """20,000 draws over the 4,057 leaves: every drawn leaf is a leaf, the counts per leaf pass a
    chi-square test against the uniform distribution, and Knuth's estimate finds the size."""
    n, size = 3, 20_000
    sim_steps = default_limits(n)[0]
    flats, kind, steps, ones, accepted, draws, w_sum, w_sq = jit.sample_leaves(n, sim_steps, 11, size, 10**7,
                                                                               sampling_bound(n))
    assert accepted == size
    leaves = {leaf.code: leaf for leaf in full(n).leaves}
    counts = Counter(row.tobytes() for row in flats[:accepted])
    assert set(counts) <= set(leaves)
    for i, row in enumerate(flats[:200]):
        cert = leaves[row.tobytes()].certificate
        assert (kind[i] == 0) == (cert is not None and cert["method"] == "halts")
        if kind[i] == 0:
            assert cert is not None and (steps[i], ones[i]) == (cert["steps"], cert["ones"])
    expected = size / len(leaves)
    chi2 = sum((counts.get(code, 0) - expected) ** 2 / expected for code in leaves)
    dof = len(leaves) - 1
    assert abs(chi2 - dof) < 5 * (2 * dof) ** 0.5, chi2
    estimate = w_sum / draws
    stderr = ((w_sq / draws - estimate**2) / draws) ** 0.5
    assert abs(estimate - len(leaves)) < 5 * stderr


def test_a_sample_is_reproducible_and_its_estimate_brackets_the_truth() -> None:
    a, b = sample_space(4, 3000, seed=5), sample_space(4, 3000, seed=5)
    assert a.counts == b.counts and a.draws == b.draws
    assert sample_space(4, 3000, seed=6).draws != a.draws
    assert sample_space(4, 10, seed=2**64 - 1).size == 10  # the whole seed range (the CLI takes it)
    assert a.decided == 3000 and a.holdouts == [] and a.interval[0] > 0.998
    truth = 183_983 / 620_261  # halting leaves of the 4-state tree (test_bb_enumerate enumerates them)
    lo, hi = wilson(a.counts["halts"], a.size, z=4.0)
    assert lo < truth < hi


def test_wilson_interval() -> None:
    lo, hi = wilson(99_999, 100_000)
    assert 0.99994 < lo < 0.99995 and 0.999998 < hi <= 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_shards_merge_to_the_full_enumeration_in_any_order() -> None:
    top, shards = plan_shards(3, depth=2)
    assert shards and all(pickle.loads(pickle.dumps(s)) == s for s in shards)
    results = [top] + [run_shard(pickle.loads(pickle.dumps(s))) for s in reversed(shards)]
    merged = merge(results)
    r = full(3)
    assert merged.leaves == len(r.leaves)
    assert merged.counts == r.counts()
    assert (merged.max_steps, merged.max_ones) == (r.max_steps, r.max_ones)
    assert merged == merge(list(reversed(results)))


def test_an_interrupted_run_resumes_from_its_log(tmp_path: Path) -> None:
    log = tmp_path / "shards.jsonl"
    first, done, total = enumerate_space(3, log, depth=2, max_shards=5)
    assert done == 5 < total
    lines = log.read_text().splitlines()
    assert len(lines) == 6  # the top part and five shards
    resumed, done, total = enumerate_space(3, log, depth=2)
    assert done == total
    once, _, _ = enumerate_space(3, tmp_path / "once.jsonl", depth=2)
    assert (resumed.leaves, resumed.counts, resumed.holdouts) == (once.leaves, once.counts, once.holdouts)
    assert len(log.read_text().splitlines()) == total + 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\nnot json\n")
    with pytest.raises(UserError) as err:
        enumerate_space(3, bad, depth=2)
    assert err.value.location is not None and err.value.location.line == 2
    other = tmp_path / "other.jsonl"
    other.write_text(lines[0] + "\n" + json.dumps({**json.loads(lines[1]), "root": "00"}) + "\n")
    with pytest.raises(UserError):
        enumerate_space(3, other, depth=2)


def test_holdouts_file_format(tmp_path: Path) -> None:
    path = tmp_path / "holdouts.txt"
    write_holdouts(path, 5, [Holdout("1RB1RC_1LA0LB_1LC0RD_1RE1LA_0RC---", 100_000, ("cycler", "halts"))], "test")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# ") and lines[1].startswith("# ")
    assert lines[2] == "1RB1RC_1LA0LB_1LC0RD_1RE1LA_0RC---\t100000\tcycler,halts"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "axiomforge", "bb", "enumerate", *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_sample_and_shards(tmp_path: Path) -> None:
    out = cli("--states", "4", "--sample", "400", "--seed", "3", "--json", "--holdouts", str(tmp_path / "h.txt"))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["size"] == 400 and data["decided"] == 400 and data["seed"] == 3
    assert (tmp_path / "h.txt").read_text().count("\n") == 2  # the two header lines, no holdout
    bad = cli("--states", "5")
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and "--log" in bad.stderr
    assert cli("--states", "6").returncode == 2
    assert cli("--states", "4", "--sample", "0").returncode == 2


CROSSCHECK_EXAMPLES = int(os.environ.get("AXIOMFORGE_BB_CROSSCHECK_EXAMPLES", "4"))


@settings(max_examples=CROSSCHECK_EXAMPLES, deadline=None)
@given(st.integers(0, 2**64 - 1), st.sampled_from([4, 5]))
def test_no_wrong_verdict_on_sampled_leaves(seed: int, n_states: int) -> None:
    """Uniform 4-/5-state leaves through the whole compiled pipeline, each verdict checked with
    the plain reference simulator: a halting certificate has the exact step and ones count, a
    machine declared non-halting does not halt within 3,000 steps. (`HYPOTHESIS_PROFILE=explore
    AXIOMFORGE_BB_CROSSCHECK_EXAMPLES=500` hunts with fresh seeds.)"""
    report = sample_space(n_states, 150, seed)
    for leaf in report.leaves:
        cert = leaf.certificate
        if cert is None:
            continue
        if cert["method"] == "halts":
            res = run_reference(leaf.machine, cert["steps"] + 1)
            assert (res.halted, res.steps, res.ones) == (True, cert["steps"], cert["ones"]), leaf.machine.text()
        else:
            assert not run_reference(leaf.machine, 3_000).halted, (leaf.machine.text(), cert["method"])
