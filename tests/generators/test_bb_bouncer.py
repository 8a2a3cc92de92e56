"""Bouncers: the decider, the verifier's symbolic run, and the meaning of the certificates."""

from __future__ import annotations

import dataclasses
import functools
import random
from typing import Any

from bb_samples import BOUNCERS

from axiomforge.generators.busy_beaver.certificates import (
    bouncer_instance,
    bouncer_normal,
    bouncer_parse,
    bouncer_step_to,
    bouncer_text,
    verify,
)
from axiomforge.generators.busy_beaver.deciders import DeciderLimits, decide_bouncer, decide_nonhalting
from axiomforge.generators.busy_beaver.enumerate import default_limits, enumerate_tnf
from axiomforge.generators.busy_beaver.machine import HALT, Machine, Transition, parse_machine
from axiomforge.generators.busy_beaver.reference import step_config

Key = tuple[int, tuple[tuple[int, int], ...]]


@functools.cache
def certified() -> list[tuple[Machine, dict[str, Any]]]:
    out = []
    for text in BOUNCERS:
        machine = parse_machine(text)
        cert = decide_bouncer(machine)
        assert cert is not None, text
        out.append((machine, cert))
    return out


def key(state: int, left: tuple[int, ...], right: tuple[int, ...]) -> Key:
    """`left state> right` up to translation (head on the first cell of right)."""
    cells = [(i - len(left), s) for i, s in enumerate(left) if s] + [(i, s) for i, s in enumerate(right) if s]
    return state, tuple(cells)


def formula_key(cert: dict[str, Any], n: int) -> Key:
    left, right = bouncer_parse(cert["left"], 2), bouncer_parse(cert["right"], 2)
    assert left is not None and right is not None
    return key(cert["state"], bouncer_instance(left, n), bouncer_instance(right, n))


def test_the_decider_settles_machines_the_others_leave_and_it_verifies() -> None:
    limits = dataclasses.replace(default_limits(4)[1], repeated_word_list=False)  # RWL comes first
    for machine, cert in certified():
        assert decide_nonhalting(machine, limits) == cert
        assert decide_nonhalting(machine, DeciderLimits(cps_radius=4, far_states=3)) is None, machine.text()
        assert verify(machine, cert) == (True, ""), machine.text()


def test_the_formula_recurs_on_the_real_run() -> None:
    """Independently of the symbolic run: the formula at n = 1, 2, ..., 6 shows up, in order, on
    the reference run from the blank tape, which does not halt on the way."""
    for machine, cert in certified():
        wanted = [formula_key(cert, n) for n in range(1, 7)]
        tape: dict[int, int] = {}
        state, head, found = 0, 0, 0
        for t in range(200_000):
            assert state != HALT
            if (state, tuple((p - head, s) for p, s in sorted(tape.items()))) == wanted[found]:
                assert found or t == cert["start"]
                found += 1
                if found == len(wanted):
                    break
            state, head = step_config(machine, tape, state, head)
        assert found == len(wanted), machine.text()


def test_symbolic_steps_agree_with_concrete_runs() -> None:
    """Whenever the symbolic run accepts `F(n) -> F(n + 1)`, running the machine from F(n) for
    small n reaches F(n + 1) without halting (random machines and formulas)."""
    rng = random.Random(7)
    accepted = 0
    for _ in range(4000):
        n_states = rng.choice((2, 3, 4))
        machine = Machine(tuple(
            tuple(None if rng.random() < 0.05 else Transition(rng.randrange(2), rng.choice((-1, 1)), rng.randrange(n_states))
                  for _ in range(2))
            for _ in range(n_states)))
        segs = [[((tuple(rng.randrange(2) for _ in range(rng.randrange(1, 4)))), rng.random() < 0.5)
                 for _ in range(rng.randrange(3))] for _ in range(2)]
        state = rng.randrange(n_states)
        if not any(rep for _, rep in segs[0] + segs[1]) or bouncer_step_to(machine, state, *segs, max_ops=300):
            continue
        accepted += 1
        for n in range(4):
            left, right = bouncer_instance(segs[0], n), bouncer_instance(segs[1], n)
            tape = {i - len(left): s for i, s in enumerate(left) if s} | {i: s for i, s in enumerate(right) if s}
            target = key(state, bouncer_instance(segs[0], n + 1), bouncer_instance(segs[1], n + 1))
            s, head = state, 0
            for _ in range(20_000):
                s, head = step_config(machine, tape, s, head)
                assert s != HALT, (machine.text(), segs, state, n)
                if (s, tuple((p - head, x) for p, x in sorted(tape.items()))) == target:
                    break
            else:
                raise AssertionError((machine.text(), segs, state, n))
    assert accepted >= 5


def test_normal_form_and_parsing() -> None:
    assert bouncer_parse("1(10)01", 2) == [((1,), False), ((1, 0), True), ((0, 1), False)]
    for bad in ("1(10", "1)0", "()", "((1))", "1(2)", "a", 3):
        assert bouncer_parse(bad, 2) is None, bad
    assert bouncer_text(bouncer_normal(bouncer_parse("(10)1", 2) or [], -1)) == "1(01)"
    assert bouncer_text(bouncer_normal(bouncer_parse("00(1)0", 2) or [], -1)) == "(1)0"
    assert bouncer_text(bouncer_normal(bouncer_parse("(01)100", 2) or [], 1)) == "(01)1"


def test_equivalent_but_unnormalised_or_later_certificates_are_rejected() -> None:
    machine, cert = certified()[0]  # left (111): the same tapes as 111(111) from the next sweep on
    assert cert["left"] == "(111)"
    later = {**cert, "left": "111(111)"}
    t = cert["start"] + 1
    state, head, tape = 0, 0, {}
    for _ in range(cert["start"]):
        state, head = step_config(machine, tape, state, head)
    while formula_key(later, 1) != (state, tuple((p - head, s) for p, s in sorted(tape.items()))):
        state, head = step_config(machine, tape, state, head)
        t += 1
    ok, why = verify(machine, {**later, "start": t - 1})
    assert not ok and "shorter formula" in why
    assert not verify(machine, {**cert, "left": "(111)11"})[0]  # not in normal form
    assert not verify(machine, {**cert, "left": "", "right": ""})[0]  # nothing repeats


def test_halting_machines_get_no_certificate_and_forged_ones_are_rejected() -> None:
    """For halting machines: the decider finds nothing, and formulas read off every configuration
    of the halting run (any short piece marked as repeated) are all rejected, as are the
    bouncers' own certificates."""
    rng = random.Random(3)
    halting = [leaf.machine for leaf in enumerate_tnf(3).leaves
               if leaf.certificate and leaf.certificate["method"] == "halts"][::5]
    halting.append(parse_machine("1RB1LB_1LA0LC_1RZ1LD_1RD0RA"))  # BB(4), 107 steps
    for machine in halting:
        assert decide_bouncer(machine) is None
        for _, cert in certified():
            assert not verify(machine, cert)[0]
        tape: dict[int, int] = {}
        state, head, t = 0, 0, 0
        while state != HALT:
            lo = min([head, *tape])
            cells = tuple(tape.get(p, 0) for p in range(lo, max([head, *tape]) + 1))
            sides = [cells[: head - lo], cells[head - lo :]]
            for _ in range(3):
                side = rng.randrange(2)
                word = sides[side]
                if not word:
                    continue
                i = rng.randrange(len(word))
                j = rng.randrange(i + 1, min(len(word), i + 6) + 1)
                segs = [(word[:i], False), (word[i:j], True), (word[j:], False)]
                forged = [[(sides[0], False)], [(sides[1], False)]]
                forged[side] = segs
                for s in range(machine.n_states):
                    cert = {"method": "bouncer", "start": t, "state": s,
                            "left": bouncer_text(bouncer_normal(forged[0], -1)),
                            "right": bouncer_text(bouncer_normal(forged[1], 1))}
                    assert not verify(machine, cert)[0], (machine.text(), cert)
            state, head = step_config(machine, tape, state, head)
            t += 1
