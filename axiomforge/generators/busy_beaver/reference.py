"""The plain reference simulator: one transition per loop iteration, a dict for the tape.

Slow and obviously right; everything faster (the macro simulator, the deciders) is
cross-checked against it, and every challenge's ground truth is re-checked with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from axiomforge.generators.busy_beaver.machine import HALT, Machine


@dataclass(frozen=True)
class Config:
    """A machine configuration: state (HALT once halted), head position and the non-blank cells."""

    state: int
    head: int
    cells: tuple[tuple[int, int], ...]  # sorted (position, symbol) pairs with symbol != 0

    def tape(self) -> dict[int, int]:
        return dict(self.cells)

    def ones(self) -> int:
        """Non-blank cells (for 2 symbols: the number of 1s)."""
        return len(self.cells)


@dataclass(frozen=True)
class RunResult:
    halted: bool
    steps: int  # steps executed (== the halting time when halted)
    ones: int  # non-blank cells at the end
    final: Config


def initial_config() -> Config:
    return Config(0, 0, ())


def step_config(machine: Machine, tape: dict[int, int], state: int, head: int) -> tuple[int, int]:
    """Execute one transition in place on `tape`; returns (state, head)."""
    symbol = tape.get(head, 0)
    tr = machine.table[state][symbol]
    if tr is None:
        return HALT, head
    if tr.write:
        tape[head] = tr.write
    else:
        tape.pop(head, None)
    return tr.next_state, head + tr.move


def freeze(state: int, head: int, tape: dict[int, int]) -> Config:
    return Config(state, head, tuple(sorted(tape.items())))


def run_reference(machine: Machine, max_steps: int, start: Config | None = None) -> RunResult:
    """Run for at most `max_steps` steps, or until the machine halts."""
    cfg = start or initial_config()
    tape = cfg.tape()
    state, head, steps = cfg.state, cfg.head, 0
    while state != HALT and steps < max_steps:
        state, head = step_config(machine, tape, state, head)
        steps += 1
    return RunResult(state == HALT, steps, len(tape), freeze(state, head, tape))


def trace(machine: Machine, steps: int) -> list[Config]:
    """The configurations after 0, 1, ..., `steps` steps (stopping early at a halt)."""
    tape: dict[int, int] = {}
    state, head = 0, 0
    out = [freeze(state, head, tape)]
    for _ in range(steps):
        if state == HALT:
            break
        state, head = step_config(machine, tape, state, head)
        out.append(freeze(state, head, tape))
    return out
