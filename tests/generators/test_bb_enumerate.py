"""Tree-normal-form enumeration: S and Σ for 2-4 states, and every certificate re-verifies."""

from __future__ import annotations

import functools
import random

import pytest

from axiomforge.generators.busy_beaver.certificates import verify
from axiomforge.generators.busy_beaver.champions import CHAMPIONS, SIGMA
from axiomforge.generators.busy_beaver.enumerate import EnumerationReport, enumerate_tnf
from axiomforge.generators.busy_beaver.machine import parse_machine
from axiomforge.generators.busy_beaver.reference import run_reference


@functools.cache
def report(n: int) -> EnumerationReport:
    return enumerate_tnf(n)


@pytest.mark.parametrize("n", [2, 3])
def test_s_and_sigma_with_every_leaf_decided_or_listed(n: int) -> None:
    r = report(n)
    s = CHAMPIONS[n][1]
    assert (r.max_steps, r.max_ones) == (s, SIGMA[n])
    champion = run_reference(parse_machine(r.steps_champion), 1000)
    assert (champion.halted, champion.steps) == (True, s)
    counts = r.counts()
    assert sum(counts.values()) == len(r.leaves)
    assert {"halts", "cycler", "translated_cycler"} <= set(counts)


def test_two_states_have_no_undecided_machine() -> None:
    assert report(2).undecided == []


def test_three_states_have_no_undecided_machine() -> None:
    r = report(3)
    assert "backward_reasoning" in r.counts()
    assert "ngram_cps" in r.counts()
    assert r.counts()["finite_automata_reduction"] == 11
    assert r.undecided == []


@pytest.mark.parametrize("n", [2, 3])
def test_every_certificate_of_the_enumeration_verifies(n: int) -> None:
    for leaf in report(n).leaves:
        if leaf.certificate is not None:
            ok, why = verify(leaf.machine, leaf.certificate)
            assert ok, (leaf.machine.text(), leaf.certificate, why)


def test_halting_leaves_agree_with_the_reference_simulator() -> None:
    for leaf in report(3).leaves:
        cert = leaf.certificate
        if cert and cert["method"] == "halts":
            res = run_reference(leaf.machine, cert["steps"] + 1)
            assert (res.halted, res.steps, res.ones) == (True, cert["steps"], cert["ones"])


@pytest.mark.parametrize("n", [2, 3])
def test_the_compiled_engine_gives_byte_identical_results(n: int) -> None:
    fast, slow = enumerate_tnf(n, engine="jit"), report(n)
    assert fast.leaves == slow.leaves
    assert (fast.max_steps, fast.max_ones, fast.steps_champion, fast.ones_champion) == (
        slow.max_steps, slow.max_ones, slow.steps_champion, slow.ones_champion)


@pytest.mark.slow
def test_four_states_all_decided_with_s4_and_sigma4() -> None:
    """The compiled engine (the pure-Python one takes minutes here; benchmarks/bb_sim compares
    the two leaf by leaf): S(4) = 107, Σ(4) = 13 and no undecided leaf. Every certificate of the
    two new methods verifies, and a deterministic sample of the others."""
    r = enumerate_tnf(4, engine="jit")
    assert (r.max_steps, r.max_ones) == (CHAMPIONS[4][1], SIGMA[4]) == (107, 13)
    counts = r.counts()
    assert "undecided" not in counts and len(r.leaves) == 620_261
    assert counts["repeated_word_list"] == 141 and counts["far_direct"] == 6 and counts["halts"] == 183_983
    rng = random.Random(4)
    rare = [leaf for leaf in r.leaves if leaf.certificate["method"] in ("repeated_word_list", "far_direct")]
    common = [leaf for leaf in r.leaves if leaf.certificate["method"] not in (
        "repeated_word_list", "far_direct", "finite_automata_reduction")]
    for leaf in rare + rng.sample(common, 300):
        assert verify(leaf.machine, leaf.certificate) == (True, ""), (leaf.machine.text(), leaf.certificate)
    halting = [leaf for leaf in r.leaves if leaf.certificate["method"] == "halts"]
    for leaf in rng.sample(halting, 200):
        res = run_reference(leaf.machine, 200)
        assert (res.halted, res.steps, res.ones) == (True, leaf.certificate["steps"], leaf.certificate["ones"])


def test_compiled_deciders_agree_with_the_python_ones() -> None:
    """Backward reasoning, n-gram CPS and FAR, compiled and in Python, on every 3-state leaf the
    cyclers leave and on 4-state machines that need them."""
    from axiomforge.generators.busy_beaver.deciders import decide_backward, decide_far, decide_ngram_cps

    machines = [leaf.machine for leaf in report(3).leaves
                if leaf.certificate and leaf.certificate["method"] not in ("halts", "cycler", "translated_cycler")]
    machines += [parse_machine(t) for t in ("1RB1LA_0LA1RC_1RB1RD_---0LB", "1RB0LC_1LC---_1RD0LB_0RD0LA",
                                            "1RB---_0LC0RB_0LD1LC_1RA1RD")]
    for m in machines:
        for depth in (3, 12, 20):
            assert decide_backward(m, depth, 200) == decide_backward(m, depth, 200, compiled=True), m.text()
        assert decide_ngram_cps(m, 4) == decide_ngram_cps(m, 4, compiled=True), m.text()
        assert decide_far(m, 3) == decide_far(m, 3, compiled=True), m.text()
