"""Canonical forms of machines, for removing duplicate challenges.

Two machines are the same challenge material when they differ only by
- transitions a halting run never uses (tree normal form leaves them undefined),
- the names of states other than A (renamed in order of first use, breadth-first from A),
- left and right (the mirror image swaps every L and R).
The canonical text is the smaller of the renamed machine and its renamed mirror image, ordering R
before L (so a TNF machine, whose first move is R, is usually its own canonical form).
"""

from __future__ import annotations

from axiomforge.generators.busy_beaver.machine import HALT, LEFT, RIGHT, Machine, Transition
from axiomforge.generators.busy_beaver.reference import step_config


def used_transitions(machine: Machine, max_steps: int) -> set[tuple[int, int]] | None:
    """The (state, symbol) pairs a halting run executes; None when it does not halt in time."""
    tape: dict[int, int] = {}
    state, head = 0, 0
    used: set[tuple[int, int]] = set()
    for _ in range(max_steps):
        used.add((state, tape.get(head, 0)))
        state, head = step_config(machine, tape, state, head)
        if state == HALT:
            return used
    return None


def prune_unused(machine: Machine, used: set[tuple[int, int]]) -> Machine:
    return Machine(
        tuple(
            tuple(tr if (s, a) in used else None for a, tr in enumerate(row))
            for s, row in enumerate(machine.table)
        )
    )


def mirror(machine: Machine) -> Machine:
    return Machine(
        tuple(
            tuple(None if t is None else Transition(t.write, LEFT if t.move == RIGHT else RIGHT, t.next_state) for t in row)
            for row in machine.table
        )
    )


def rename_by_first_use(machine: Machine) -> Machine:
    """Rename states in breadth-first order of first use from A; unreachable ones keep their order."""
    order = [0]
    i = 0
    while i < len(order):
        for tr in machine.table[order[i]]:
            if tr is not None and tr.next_state != HALT and tr.next_state not in order:
                order.append(tr.next_state)
        i += 1
    order += [s for s in range(machine.n_states) if s not in order]
    new_index = {old: new for new, old in enumerate(order)}

    def fix(t: Transition | None) -> Transition | None:
        if t is None or t.next_state == HALT:
            return t
        return Transition(t.write, t.move, new_index[t.next_state])

    return Machine(tuple(tuple(fix(t) for t in machine.table[old]) for old in order))


def canonical_text(machine: Machine, halting_steps: int | None = None) -> str:
    """The canonical text; pass the halting time to prune transitions the run never uses."""
    if halting_steps is not None:
        used = used_transitions(machine, halting_steps)
        if used is not None:
            machine = prune_unused(machine, used)
    candidates = (rename_by_first_use(machine).text(), rename_by_first_use(mirror(machine)).text())
    return min(candidates, key=lambda text: text.translate(_R_FIRST))


_R_FIRST = str.maketrans("LR", "RL")  # compare as if R < L, so the canonical A0 moves right as in TNF
