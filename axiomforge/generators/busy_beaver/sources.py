"""Where challenge machines come from: the TNF enumeration (2 and 3 states) and seeded random
descents of the TNF tree (any number of states and symbols).

A random descent runs the root machine and, at each undefined transition it reaches, either
halts there (the transition becomes `1RZ`) or fills it with a random transition in tree normal
form; a run that reaches `sim_steps` steps goes to the non-halting deciders. Every machine comes
with a certificate, or is dropped.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from axiomforge.generators.busy_beaver.certificates import Certificate
from axiomforge.generators.busy_beaver.deciders import DeciderLimits, decide_nonhalting
from axiomforge.generators.busy_beaver.enumerate import enumerate_tnf
from axiomforge.generators.busy_beaver.machine import HALT, LEFT, RIGHT, Machine, Transition, blank_machine

DESCENT_LIMITS = DeciderLimits(cycler_steps=400, translated_steps=600, backward_depth=20, far_states=3,
                               bouncer_steps=3_000)


@dataclass(frozen=True)
class CertifiedMachine:
    machine: Machine
    certificate: Certificate

    @property
    def halts(self) -> bool:
        return self.certificate["method"] == "halts"


@functools.lru_cache(maxsize=4)
def enumerated_machines(n_states: int) -> tuple[CertifiedMachine, ...]:
    """Every decided leaf of the TNF tree that brings all n states into use, in enumeration order
    (a leaf that stops using fewer states belongs to a smaller machine's pool)."""
    report = enumerate_tnf(n_states)
    return tuple(
        CertifiedMachine(leaf.machine, leaf.certificate)
        for leaf in report.leaves
        if leaf.certificate and len(_states_in_use(leaf.machine)) == n_states
    )


def _states_in_use(machine: Machine) -> set[int]:
    """The start state and every state some defined transition goes to."""
    return {0} | {t.next_state for row in machine.table for t in row if t is not None and t.next_state != HALT}


def random_descent(
    rng: random.Random,
    n_states: int,
    n_symbols: int = 2,
    sim_steps: int = 3000,
    halt_probability: float = 0.2,
    limits: DeciderLimits = DESCENT_LIMITS,
) -> CertifiedMachine | None:
    """One random walk down the TNF tree; None when the leaf stays undecided.

    A halting transition is drawn only once every declared state is in use, and a non-halting
    leaf that never brings all of them into use is dropped: an n-state challenge really has n
    states (otherwise most "5-state" machines halt as 2- or 3-state ones after a few steps).
    """
    machine = blank_machine(n_states, n_symbols).with_transition(0, 0, Transition(1, RIGHT, 1 if n_states > 1 else HALT))
    tape: dict[int, int] = {}
    state, head, steps = 0, 0, 0
    while True:
        table = machine.table
        while steps < sim_steps:
            tr = table[state][tape.get(head, 0)]
            if tr is None:
                break
            if tr.write:
                tape[head] = tr.write
            else:
                tape.pop(head, None)
            head += tr.move
            state = tr.next_state
            steps += 1
            if state == HALT:
                return CertifiedMachine(machine, {"method": "halts", "steps": steps, "ones": len(tape)})
        else:
            if len(_states_in_use(machine)) < n_states:
                return None
            cert = decide_nonhalting(machine, limits)
            return CertifiedMachine(machine, cert) if cert else None
        symbol = tape.get(head, 0)
        used = _states_in_use(machine)
        all_used = len(used) == n_states
        if machine.undefined_count() <= 1 or (all_used and rng.random() < halt_probability):
            halting = machine.with_transition(state, symbol, Transition(1, RIGHT, HALT))
            ones = len(tape) + (1 if symbol == 0 else 0)
            return CertifiedMachine(halting, {"method": "halts", "steps": steps + 1, "ones": ones})
        targets = sorted(used) + ([len(used)] if len(used) < n_states else [])
        write = rng.randrange(n_symbols)
        move = rng.choice((LEFT, RIGHT))
        machine = machine.with_transition(state, symbol, Transition(write, move, rng.choice(targets)))
