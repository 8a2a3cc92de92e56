"""Enumeration of 2-symbol machines in tree normal form (TNF), deciding every leaf.

TNF: the root machine has only A0 = 1RB defined (by left-right symmetry the first move is R; a
first transition writing 0 or staying in A is dominated). The machine runs from the blank tape;
when it reaches an undefined transition the tree branches: one leaf halts there (the transition
becomes `1RZ`, the best halting transition: it counts as a step and writes a 1), and one child
per concrete transition `wmX` with X among the states used so far plus the first unused one
(states appear in order of first use). A child must keep at least one undefined transition,
since a machine without a halting transition cannot halt. A branch that runs `sim_steps` without
reaching an undefined transition is a non-halting candidate and goes to the deciders.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from axiomforge.generators.busy_beaver.certificates import Certificate
from axiomforge.generators.busy_beaver.deciders import DeciderLimits, decide_nonhalting
from axiomforge.generators.busy_beaver.machine import HALT, LEFT, RIGHT, Machine, Transition

Flat = tuple[tuple[int, int, int] | None, ...]


class Leaf(NamedTuple):
    """A leaf of the TNF tree; its table and `Machine` are decoded on demand (most leaves never
    need them). A named tuple of bytes: 620,261 4-state leaves are built at a fraction of the
    cost of a frozen dataclass holding tuples."""

    code: bytes  # one byte per entry 2 * state + symbol, see `encode_transition`
    certificate: Certificate | None  # None: undecided

    @property
    def flat(self) -> Flat:
        return tuple(map(_DECODED.__getitem__, self.code))

    @property
    def machine(self) -> Machine:
        return _machine(self.flat, len(self.code) // 2)


def encode_transition(tr: tuple[int, int, int] | None) -> int:
    """A transition as one byte: 255 undefined, else write * 32 + (move is R) * 16 + next + 1
    (next + 1 == 0: the halting state). The compiled walk (`jit`) uses the same code."""
    if tr is None:
        return 255
    write, move, nxt = tr
    return write * 32 + (16 if move > 0 else 0) + nxt + 1


def _decode_transition(code: int) -> tuple[int, int, int] | None:
    if code == 255:
        return None
    return code >> 5, 1 if code & 16 else -1, (code & 15) - 1


_DECODED = {c: _decode_transition(c) for c in range(256)}


def _leaf(flat: Flat, certificate: Certificate | None) -> Leaf:
    return Leaf(bytes(map(encode_transition, flat)), certificate)


@dataclass
class EnumerationReport:
    n_states: int
    leaves: list[Leaf] = field(default_factory=list)
    max_steps: int = 0
    max_ones: int = 0
    steps_champion: str = ""
    ones_champion: str = ""

    def counts(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for leaf in self.leaves:
            c[leaf.certificate["method"] if leaf.certificate else "undecided"] += 1
        return dict(sorted(c.items()))

    @property
    def undecided(self) -> list[Machine]:
        return [leaf.machine for leaf in self.leaves if leaf.certificate is None]


def default_limits(n_states: int) -> tuple[int, DeciderLimits]:
    """(TNF simulation steps, decider limits) that settle everything we can for n states."""
    if n_states <= 3:
        return 200, DeciderLimits(cycler_steps=200, translated_steps=200, backward_depth=20, far_states=4,
                                  bouncer_steps=10_000)
    if n_states == 4:
        return 120, DeciderLimits(cycler_steps=300, translated_steps=400, backward_depth=12, backward_frontier=200,
                                  far_states=4, bouncer_steps=10_000, repeated_word_list=True, far_direct_states=6)
    # 5 states: DFAs of 6 states would cost seconds per holdout even compiled
    return 130, DeciderLimits(cycler_steps=1_000, translated_steps=1_000, backward_depth=12,
                              backward_frontier=200, far_states=4, bouncer_steps=10_000, repeated_word_list=True,
                              far_direct_states=5)


def enumerate_tnf(
    n_states: int, sim_steps: int | None = None, limits: DeciderLimits | None = None, decide: bool = True,
    engine: str = "python",
) -> EnumerationReport:
    """Walk the TNF tree; `decide=False` leaves the non-halting candidates undecided (the tree
    alone already gives S and Σ among the machines that halt within `sim_steps`). `engine`
    "python" is the reference; "jit" runs the tree walk and the cycler and FAR deciders compiled
    (`jit`) and gives byte-identical leaves and certificates."""
    if not 2 <= n_states <= 5:
        raise ValueError("TNF enumeration supports 2 to 5 states")
    default_sim, default_lim = default_limits(n_states)
    sim_steps = sim_steps or default_sim
    limits = limits or default_lim
    if engine == "jit":
        return _enumerate_compiled(n_states, sim_steps, limits, decide)
    if engine != "python":
        raise ValueError(f"unknown engine {engine!r}")
    report = EnumerationReport(n_states)
    # The walk keeps a flat table, entry 2 * state + symbol = (write, move, next) or None, and
    # builds `Machine` objects only for leaves.
    size = 2 * n_states
    root: Flat = ((1, RIGHT, 1),) + (None,) * (size - 1)
    # (table, state, head, tape, steps) at the point the machine stopped last time
    stack: list[tuple[Flat, int, int, dict[int, int], int]] = [(root, 0, 0, {}, 0)]
    while stack:
        flat, state, head, tape, steps = stack.pop()
        while steps < sim_steps:
            tr = flat[2 * state + tape.get(head, 0)]
            if tr is None:
                break
            if tr[0]:
                tape[head] = 1
            else:
                tape.pop(head, None)
            head += tr[1]
            state = tr[2]
            steps += 1
        else:
            report.leaves.append(_leaf(flat, decide_nonhalting(_machine(flat, n_states), limits) if decide else None))
            continue
        symbol = tape.get(head, 0)
        slot = 2 * state + symbol
        halting = flat[:slot] + ((1, RIGHT, HALT),) + flat[slot + 1 :]
        ones = len(tape) + (1 if symbol == 0 else 0)
        report.leaves.append(_leaf(halting, {"method": "halts", "steps": steps + 1, "ones": ones}))
        if steps + 1 > report.max_steps:
            report.max_steps, report.steps_champion = steps + 1, _machine(halting, n_states).text()
        if ones > report.max_ones:
            report.max_ones, report.ones_champion = ones, _machine(halting, n_states).text()
        if flat.count(None) <= 1:
            continue
        used = {0} | {t[2] for t in flat if t is not None}
        targets = sorted(used)
        if len(used) < n_states:
            targets.append(len(used))
        before, after = flat[:slot], flat[slot + 1 :]
        children = [
            before + ((write, move, nxt),) + after for write in (0, 1) for move in (LEFT, RIGHT) for nxt in targets
        ]
        for child in reversed(children):
            stack.append((child, state, head, dict(tape), steps))
    return report


def _machine(flat: Flat, n_states: int) -> Machine:
    cells = [None if t is None else Transition(*t) for t in flat]
    return Machine(tuple(tuple(cells[2 * s : 2 * s + 2]) for s in range(n_states)))


def _enumerate_compiled(n_states: int, sim_steps: int, limits: DeciderLimits, decide: bool) -> EnumerationReport:
    """The compiled walk (`jit.tnf_walk`), the cyclers in one compiled batch, the other deciders
    per machine in their usual order (FAR compiled)."""
    import numpy as np

    from axiomforge.generators.busy_beaver import jit

    room = 1 << 12
    while True:
        flats, kind, steps, ones, count = jit.tnf_walk(n_states, sim_steps, room, _root_array(n_states))
        if count >= 0:
            break
        room *= 4
    flats, kind, steps, ones = flats[:count], kind[:count], steps[:count], ones[:count]
    size = 2 * n_states
    buf = flats.tobytes()
    codes = [buf[i : i + size] for i in range(0, count * size, size)]
    report = EnumerationReport(n_states)
    certs: list[Certificate | None] = [None] * count
    cand = np.flatnonzero(kind == 1)
    for i in np.flatnonzero(kind == 0).tolist():
        certs[i] = {"method": "halts", "steps": int(steps[i]), "ones": int(ones[i])}
    if decide and len(cand):
        method, a, b, c = jit.cyclers_batch(flats[cand], limits.translated_steps, limits.cycler_steps, n_states)
        for i, meth, x, y, z in zip(cand.tolist(), method.tolist(), a.tolist(), b.tolist(), c.tolist()):
            if meth == 1:
                certs[i] = {"method": "translated_cycler", "start": x, "period": y, "shift": z}
            elif meth == 2:
                certs[i] = {"method": "cycler", "start": x, "period": y}
            else:
                machine = Leaf(codes[i], None).machine
                certs[i] = decide_nonhalting(machine, limits, compiled=True, skip_cyclers=True)
    report.leaves = list(map(Leaf, codes, certs))
    if count:
        best = int(np.argmax(np.where(kind == 0, steps, -1)))
        report.max_steps, report.steps_champion = int(steps[best]), report.leaves[best].machine.text()
        best = int(np.argmax(np.where(kind == 0, ones, -1)))
        report.max_ones, report.ones_champion = int(ones[best]), report.leaves[best].machine.text()
    return report


def _root_array(n_states: int):  # type: ignore[no-untyped-def]
    import numpy as np

    root = np.full(2 * n_states, -1, dtype=np.int8)
    root[0] = encode_transition((1, RIGHT, 1))
    return root
