"""The macro simulator against the reference simulator, and the champions' S and Σ."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axiomforge.generators.busy_beaver.champions import CHAMPIONS
from axiomforge.generators.busy_beaver.fast import choose_block_size, simulate_fast
from axiomforge.generators.busy_beaver.machine import HALT, LEFT, RIGHT, Machine, Transition, parse_machine
from axiomforge.generators.busy_beaver.reference import run_reference


@pytest.mark.parametrize("n", [2, 3, 4])
def test_small_champions_with_both_simulators(n: int) -> None:
    text, steps, ones = CHAMPIONS[n]
    m = parse_machine(text)
    ref = run_reference(m, 10_000)
    assert (ref.halted, ref.steps, ref.ones) == (True, steps, ones)
    for k in (1, 2, 3, None):
        fast = simulate_fast(m, 10_000, k)
        assert (fast.status, fast.steps, fast.ones) == ("halted", steps, ones)


def test_bb5_champion_runs_to_its_halt() -> None:
    text, steps, ones = CHAMPIONS[5]
    fast = simulate_fast(parse_machine(text), 10**9)
    assert (fast.status, fast.steps, fast.ones) == ("halted", steps, ones)
    assert fast.macro_steps < 200_000  # the acceleration is what makes it fast


def test_bb5_champion_is_not_halted_one_step_early() -> None:
    text, steps, _ = CHAMPIONS[5]
    m = parse_machine(text)
    assert simulate_fast(m, steps - 1).status == "limit"
    assert simulate_fast(m, steps).status == "halted"


def test_undefined_transition_counts_as_a_step_and_writes_nothing() -> None:
    m = parse_machine("1RB---_0LA---")  # A0 -> B, B0 -> A reads the 1 at 0: undefined
    ref = run_reference(m, 100)
    assert (ref.halted, ref.steps, ref.ones) == (True, 3, 1)
    fast = simulate_fast(m, 100)
    assert (fast.status, fast.steps, fast.ones) == ("halted", 3, 1)


def test_sweeping_into_blank_tape_is_proven_nonhalting() -> None:
    m = parse_machine("1RA---_------")
    res = simulate_fast(m, 10**12)
    assert res.status == "nonhalting" and "blank" in res.reason


def _random_machine(rng: random.Random, n_states: int, n_symbols: int) -> Machine:
    rows = []
    for _ in range(n_states):
        row = []
        for _ in range(n_symbols):
            if rng.random() < 0.1:
                row.append(None)
            else:
                nxt = HALT if rng.random() < 0.08 else rng.randrange(n_states)
                row.append(Transition(rng.randrange(n_symbols), rng.choice((LEFT, RIGHT)), nxt))
        rows.append(tuple(row))
    return Machine(tuple(rows))


def _agree(m: Machine, limit: int, k: int | None) -> None:
    ref = run_reference(m, limit)
    fast = simulate_fast(m, limit, k)
    if ref.halted:
        assert (fast.status, fast.steps, fast.ones) == ("halted", ref.steps, ref.ones), m.text()
    else:
        assert fast.status in ("limit", "nonhalting"), m.text()
        if fast.status == "limit":
            assert fast.steps <= limit


def test_cross_check_on_thousands_of_random_machines() -> None:
    rng = random.Random(2024)
    for i in range(3000):
        m = _random_machine(rng, rng.randint(2, 5), rng.choice((2, 2, 3)))
        _agree(m, rng.choice((50, 300, 1000)), (i % 4) + 1)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32), st.integers(2, 4), st.integers(2, 3), st.integers(1, 5), st.integers(1, 400))
def test_fast_agrees_with_reference(seed: int, n_states: int, n_symbols: int, k: int, limit: int) -> None:
    _agree(_random_machine(random.Random(seed), n_states, n_symbols), limit, k)


def test_block_size_probe_prefers_macro_blocks_for_the_champion() -> None:
    assert choose_block_size(parse_machine(CHAMPIONS[5][0])) > 1
