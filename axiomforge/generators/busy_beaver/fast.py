"""A macro-step, run-length simulator with exact step and ones counts.

The tape is cut into blocks of `k` cells; a block is one macro symbol, encoded as an int in base
m. Left and right of the head the tape is a stack of runs `[block, count]`. The head sits at a
block boundary facing one way ("A>" reads the block to its right). A macro transition runs the
base machine inside one block until it leaves the block (memoised per (state, side, block)).
When the head leaves a block on the far side in the state it entered with, it would do the same
to every equal block of the run, so the whole run is crossed in one macro step and
`count * steps` base steps are added. That is what makes the BB(5) champion fast: its sweeps
over long stretches of `100 100 100 ...` become single macro steps with k = 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from axiomforge.generators.busy_beaver.machine import HALT, Machine

Status = Literal["halted", "limit", "nonhalting"]

_FROM_LEFT, _FROM_RIGHT = 0, 1
_EXIT_LEFT, _EXIT_RIGHT, _HALTS, _LOOPS = 0, 1, 2, 3


@dataclass(frozen=True)
class FastResult:
    status: Status  # "halted"; "limit": still running after max_steps; "nonhalting": proven to run forever
    steps: int  # halting time when halted; steps simulated otherwise
    ones: int  # non-blank cells at the end (exact when halted)
    macro_steps: int
    block_size: int
    reason: str = ""

    @property
    def halted(self) -> bool:
        return self.status == "halted"


class _Macro:
    """Memoised block transitions of one machine for one block size."""

    def __init__(self, machine: Machine, k: int) -> None:
        self.machine = machine
        self.k = k
        self.m = machine.n_symbols
        self.cache: dict[tuple[int, int, int], tuple[int, int, int, int, int]] = {}
        self.bound = machine.n_states * k * self.m**k + 1

    def decode(self, block: int) -> list[int]:
        cells = []
        for _ in range(self.k):
            block, digit = divmod(block, self.m)
            cells.append(digit)
        return cells[::-1]  # most significant digit is the leftmost cell

    def encode(self, cells: list[int]) -> int:
        v = 0
        for c in cells:
            v = v * self.m + c
        return v

    def ones(self, block: int) -> int:
        return sum(1 for c in self.decode(block) if c)

    def transition(self, state: int, side: int, block: int) -> tuple[int, int, int, int, int]:
        """(outcome, new_block, new_state, base_steps, head_pos) for entering `block` from `side`."""
        key = (state, side, block)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        cells = self.decode(block)
        table = self.machine.table
        pos = 0 if side == _FROM_LEFT else self.k - 1
        steps = 0
        result: tuple[int, int, int, int, int]
        while True:
            if steps > self.bound:
                result = (_LOOPS, block, state, steps, pos)
                break
            tr = table[state][cells[pos]]
            steps += 1
            if tr is None:
                result = (_HALTS, self.encode(cells), HALT, steps, pos)
                break
            cells[pos] = tr.write
            pos += tr.move
            state = tr.next_state
            if state == HALT:
                result = (_HALTS, self.encode(cells), HALT, steps, pos)
                break
            if pos < 0:
                result = (_EXIT_LEFT, self.encode(cells), state, steps, pos)
                break
            if pos >= self.k:
                result = (_EXIT_RIGHT, self.encode(cells), state, steps, pos)
                break
        self.cache[key] = result
        return result


def _push(stack: list[list[int]], block: int, count: int) -> None:
    if stack and stack[-1][0] == block:
        stack[-1][1] += count
    elif stack or block != 0:  # blanks next to the infinite blank end are implicit
        stack.append([block, count])


def simulate_fast(
    machine: Machine, max_steps: int, block_size: int | None = None, max_macro_steps: int | None = None
) -> FastResult:
    """Run from the blank tape until halting, `max_steps` steps, or a proof of non-halting.

    `block_size` None picks one with `choose_block_size`; `max_macro_steps` (for probing) stops
    early with status "limit".
    """
    k = block_size or choose_block_size(machine)
    macro = _Macro(machine, k)
    trans = macro.transition
    left: list[list[int]] = []
    right: list[list[int]] = []
    state, facing = 0, _EXIT_RIGHT  # "A>" at the left edge of block 0: reads the block to its right
    steps = 0
    macro_steps = 0
    macro_limit = max_macro_steps if max_macro_steps is not None else -1
    while True:
        macro_steps += 1
        if macro_steps == macro_limit:
            return FastResult("limit", steps, _ones(macro, left, right), macro_steps, k)
        if facing == _EXIT_RIGHT:
            ahead, behind, side = right, left, _FROM_LEFT
        else:
            ahead, behind, side = left, right, _FROM_RIGHT
        if ahead:
            run = ahead[-1]
            block, count = run[0], run[1]
        else:
            run = None
            block, count = 0, 1
        outcome, new_block, new_state, cost, pos = trans(state, side, block)
        if outcome == _LOOPS:
            return FastResult("nonhalting", steps, _ones(macro, left, right), macro_steps, k,
                              "cycles inside one block")
        if outcome == _HALTS:
            if steps + cost > max_steps:
                return FastResult("limit", steps, _ones(macro, left, right), macro_steps, k)
            if run is not None:
                _take_one(ahead)
            ones = _ones(macro, left, right) + macro.ones(new_block)
            return FastResult("halted", steps + cost, ones, macro_steps, k)
        crosses = outcome == facing and new_state == state
        if crosses and run is None:
            return FastResult("nonhalting", steps, _ones(macro, left, right), macro_steps, k,
                              "sweeps into the blank tape forever")
        if crosses and count > 1 and run is not None:
            room = (max_steps - steps) // cost
            if room < count:
                if room == 0:
                    return FastResult("limit", steps, _ones(macro, left, right), macro_steps, k)
                run[1] -= room
                _push(behind, new_block, room)
                steps += room * cost
                continue
            ahead.pop()
            _push(behind, new_block, count)
            steps += count * cost
            continue
        if steps + cost > max_steps:
            return FastResult("limit", steps, _ones(macro, left, right), macro_steps, k)
        steps += cost
        if run is not None:
            _take_one(ahead)
        if outcome == facing:
            _push(behind, new_block, 1)
        else:
            _push(ahead, new_block, 1)
        state, facing = new_state, outcome


def _take_one(stack: list[list[int]]) -> None:
    if stack[-1][1] == 1:
        stack.pop()
    else:
        stack[-1][1] -= 1


def _ones(macro: _Macro, left: list[list[int]], right: list[list[int]]) -> int:
    """Non-blank cells on both stacks (the block under the head is still on its stack)."""
    return sum(macro.ones(b) * c for b, c in left) + sum(macro.ones(b) * c for b, c in right)


def choose_block_size(
    machine: Machine, probe_macro_steps: int = 3000, sizes: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
) -> int:
    """The block size whose macro steps cover the most base steps on a short probe run."""
    best, best_rate = 1, -1.0
    for k in sizes:
        if machine.n_symbols**k > 4096:
            break
        res = simulate_fast(machine, 1 << 62, k, max_macro_steps=probe_macro_steps)
        rate = res.steps / max(res.macro_steps, 1)
        if res.status != "limit":
            return k if best_rate < 0 else best
        if rate > best_rate * 1.05:
            best, best_rate = k, rate
    return best
