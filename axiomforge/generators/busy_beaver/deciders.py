"""Deciders: each looks at a machine and either settles it with a certificate or gives up (None).

The verifiers in `certificates` check what these produce without trusting them. Deciders run
from the blank tape; their limits are parameters so that enumeration and challenge synthesis
can trade time for coverage.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from axiomforge.generators.busy_beaver.certificates import (
    FAR_DIRECT_MAX_STATES,
    FAR_MAX_DFA_TABLES,
    Certificate,
    _translated_holds,
    bouncer_instance,
    bouncer_normal,
    bouncer_shorter,
    bouncer_step_to,
    bouncer_text,
    rwl_closure,
    rwl_parameters,
    verify,
)
from axiomforge.generators.busy_beaver.machine import HALT, LEFT, RIGHT, Machine
from axiomforge.generators.busy_beaver.reference import step_config


@dataclass(frozen=True)
class DeciderLimits:
    halt_steps: int = 10_000
    cycler_steps: int = 1_000
    translated_steps: int = 1_000
    backward_depth: int = 30
    backward_frontier: int = 500
    cps_radius: int = 4  # 0 turns the n-gram CPS decider off
    far_states: int = 0  # largest DFA of the finite automata reduction; 0 turns it off
    bouncer_steps: int = 0  # simulation steps the bouncer decider looks at; 0 turns it off
    repeated_word_list: bool = False  # the repeated-word-list abstraction
    far_direct_states: int = 0  # largest DFA of the non-minimal FAR search; 0 turns it off


def decide_halts(machine: Machine, limit: int) -> Certificate | None:
    from axiomforge.generators.busy_beaver.fast import simulate_fast

    res = simulate_fast(machine, limit)
    if res.status != "halted":
        return None
    return {"method": "halts", "steps": res.steps, "ones": res.ones}


def decide_cycler(machine: Machine, limit: int) -> Certificate | None:
    """The first repeated configuration within `limit` steps.

    Configurations are compared by an incrementally kept hash of the tape (one word per
    (cell, symbol), xor-ed); a hash hit is confirmed by replaying the run to the earlier time.
    """
    tape: dict[int, int] = {}
    state, head = 0, 0
    keys: dict[tuple[int, int, int], list[int]] = {(0, 0, 0): [0]}
    digest = 0
    table = machine.table
    for t in range(1, limit + 1):
        old = tape.get(head, 0)
        tr = table[state][old]
        if tr is None or tr.next_state == HALT:
            return None
        if tr.write != old:
            digest ^= _cell_hash(head, old) ^ _cell_hash(head, tr.write)
            if tr.write:
                tape[head] = tr.write
            else:
                del tape[head]
        head += tr.move
        state = tr.next_state
        key = (state, head, digest)
        earlier = keys.get(key)
        if earlier is None:
            keys[key] = [t]
            continue
        for first in earlier:
            if _tape_at(machine, first) == tape:
                return {"method": "cycler", "start": first, "period": t - first}
        earlier.append(t)
    return None


def _tape_at(machine: Machine, steps: int) -> dict[int, int]:
    tape: dict[int, int] = {}
    state, head = 0, 0
    for _ in range(steps):
        state, head = step_config(machine, tape, state, head)
    return tape


def _cell_hash(pos: int, symbol: int) -> int:
    if symbol == 0:
        return 0
    return hash((pos * 0x9E3779B97F4A7C15 + symbol * 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF)


def decide_translated_cycler(machine: Machine, limit: int) -> Certificate | None:
    """Two record-breaking times in the same state with equal tape behind the head, minimised.

    Only record-breaking times keep a snapshot of the tape; the full trace is rebuilt once a
    pair is found, to minimise it into the canonical certificate.
    """
    tape: dict[int, int] = {}
    state, head = 0, 0
    heads = [0]
    lo = hi = 0
    records: dict[tuple[int, int], list[tuple[int, dict[int, int]]]] = {}  # (direction, state) -> (time, tape)
    table = machine.table
    for t in range(1, limit + 1):  # step_config inlined: this loop runs for most enumerated machines
        symbol = tape.get(head, 0)
        tr = table[state][symbol]
        if tr is None or tr.next_state == HALT:
            return None
        if tr.write:
            tape[head] = tr.write
        elif symbol:
            del tape[head]
        head += tr.move
        state = tr.next_state
        heads.append(head)
        if head > hi:
            hi, direction = head, 1
        elif head < lo:
            lo, direction = head, -1
        else:
            continue
        earlier = records.setdefault((direction, state), [])
        for t1, tape1 in reversed(earlier):
            h1 = heads[t1]
            window = max((h1 - h) * direction for h in heads[t1:])
            if all(tape1.get(h1 - direction * i, 0) == tape.get(head - direction * i, 0) for i in range(window + 1)):
                trace = _full_trace(machine, t)
                return _minimise(machine, t1, t - t1, trace)
        earlier.append((t, dict(tape)))
    return None


def _full_trace(machine: Machine, steps: int) -> list[tuple[int, int, dict[int, int]]]:
    tape: dict[int, int] = {}
    state, head = 0, 0
    trace: list[tuple[int, int, dict[int, int]]] = [(state, head, {})]
    for _ in range(steps):
        state, head = step_config(machine, tape, state, head)
        trace.append((state, head, dict(tape)))
    return trace


def _minimise(machine: Machine, start: int, period: int, trace: list[tuple[int, int, dict[int, int]]]) -> Certificate:
    while True:
        changed = False
        while start > 0 and _translated_holds(machine, start - 1, period, trace) is not None:
            start -= 1
            changed = True
        for p in range(1, period):
            if _translated_holds(machine, start, p, trace) is not None:
                period, changed = p, True
                break
        if not changed:
            break
    shift = _translated_holds(machine, start, period, trace)
    assert shift is not None
    return {"method": "translated_cycler", "start": start, "period": period, "shift": shift}


def decide_backward(machine: Machine, max_depth: int, max_frontier: int = 500,
                    compiled: bool = False) -> Certificate | None:
    """Breadth-first backward search from every halting configuration; settles when it dies out.
    `compiled`: the search runs in `jit.backward_depth` (the same answer)."""
    halting = machine.halting_transitions()
    if not halting:
        return None
    if compiled and max_depth <= 30:
        from axiomforge.generators.busy_beaver import jit

        depth = jit.backward_depth(_table_array(_flat_table(machine, 1)), max_depth, max_frontier)
        if depth < 0:
            return None
        return _backward_certificate(machine, depth)
    preds: dict[int, list[tuple[int, int, int, int]]] = {}
    for s, row in enumerate(machine.table):
        for b, tr in enumerate(row):
            if tr is not None and tr.next_state != HALT:
                preds.setdefault(tr.next_state, []).append((s, b, tr.write, tr.move))
    frontier: list[tuple[int, int, tuple[tuple[int, int], ...]]] = [(s, 0, ((0, a),)) for s, a in halting]
    depth = 0
    while frontier:
        nxt: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
        frontier = sorted(set(frontier))
        for state, head, cells in frontier:
            known = dict(cells)
            for s, b, w, move in preds.get(state, ()):
                prev = head - move
                if known.get(prev, w) != w:
                    continue
                new = dict(known)
                new[prev] = b
                nxt.append((s, prev, tuple(sorted(new.items()))))
        if not nxt:
            break
        depth += 1
        if depth > max_depth or len(nxt) > max_frontier:
            return None
        frontier = nxt
    return _backward_certificate(machine, depth)


def _backward_certificate(machine: Machine, depth: int) -> Certificate | None:
    # The machine could still halt within depth + 1 steps from the blank tape.
    tape: dict[int, int] = {}
    state, head = 0, 0
    for _ in range(depth + 1):
        state, head = step_config(machine, tape, state, head)
        if state == HALT:
            return None
    return {"method": "backward_reasoning", "depth": depth}


def decide(machine: Machine, limits: DeciderLimits = DeciderLimits(), compiled: bool = False) -> Certificate | None:
    """The first certificate any decider finds: halting, then the non-halting deciders in order
    (`compiled`: backward reasoning, CPS and FAR searches run as `jit` kernels, same answers)."""
    quick = min(limits.halt_steps, 10_000)  # a short run first: cyclers gain nothing from macro steps
    return (
        decide_halts(machine, quick)
        or decide_nonhalting(machine, limits, compiled=compiled)
        or (decide_halts(machine, limits.halt_steps) if limits.halt_steps > quick else None)
    )


@dataclass
class StageStats:
    """Per decider stage: machines tried, machines settled and CPU seconds spent (this process,
    so the figures are per core whatever else runs on the machine)."""

    tried: dict[str, int] = field(default_factory=dict)
    settled: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def record(self, stage: str, tried: int, settled: int, seconds: float) -> None:
        self.tried[stage] = self.tried.get(stage, 0) + tried
        self.settled[stage] = self.settled.get(stage, 0) + settled
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


def nonhalting_stages(limits: DeciderLimits, compiled: bool = False) -> list[tuple[str, Callable[[Machine], Certificate | None]]]:
    """The non-halting deciders in the order they are tried, cheapest first: translated cyclers
    are the most common non-halting class; the finite automata reduction, then repeated word
    lists (which settle every 4-state bouncer in a fraction of the bouncer decider's time), the
    bouncer decider and FAR with larger DFAs only see what the others left. `compiled` runs
    the FAR searches with the numba kernels of `jit` (the same certificates)."""
    stages: list[tuple[str, Callable[[Machine], Certificate | None]]] = [
        ("translated_cycler", lambda m: decide_translated_cycler(m, limits.translated_steps)),
        ("cycler", lambda m: decide_cycler(m, limits.cycler_steps)),
        ("backward_reasoning",
         lambda m: decide_backward(m, limits.backward_depth, limits.backward_frontier, compiled)),
    ]
    if limits.cps_radius:
        stages.append(("ngram_cps", lambda m: decide_ngram_cps(m, limits.cps_radius, compiled=compiled)))
    if limits.far_states:
        stages.append(("finite_automata_reduction", lambda m: decide_far(m, limits.far_states, compiled)))
    if limits.repeated_word_list:
        stages.append(("repeated_word_list", decide_rwl))
    if limits.bouncer_steps:
        stages.append(("bouncer", lambda m: decide_bouncer(m, limits.bouncer_steps)))
    if limits.far_direct_states:
        stages.append(("far_direct", lambda m: decide_far_direct(m, limits.far_direct_states, compiled=compiled)))
    return stages


def decide_nonhalting(machine: Machine, limits: DeciderLimits = DeciderLimits(), compiled: bool = False,
                      skip_cyclers: bool = False, stats: StageStats | None = None) -> Certificate | None:
    """The first certificate of `nonhalting_stages`; `skip_cyclers` when the caller already ran
    both cycler deciders (the compiled batch), `stats` collects per-stage counts and times."""
    for name, run in nonhalting_stages(limits, compiled):
        if skip_cyclers and name in ("translated_cycler", "cycler"):
            continue
        start = time.process_time() if stats is not None else 0.0
        cert = run(machine)
        if stats is not None:
            stats.record(name, 1, cert is not None, time.process_time() - start)
        if cert is not None:
            return cert
    return None


def decide_rwl(machine: Machine) -> Certificate | None:
    """Repeated word lists: the first (block, threshold) whose abstraction closes without a
    halting transition (`certificates.rwl_closure`)."""
    for block, threshold in rwl_parameters():
        if not rwl_closure(machine, block, threshold)[0]:
            return {"method": "repeated_word_list", "block": block, "threshold": threshold}
    return None


def decide_far_direct(machine: Machine, max_states: int = 5, min_states: int = 5,
                      compiled: bool = False) -> Certificate | None:
    """Finite automata reduction with DFAs of `min_states`..`max_states` states (beyond what
    `finite_automata_reduction` re-checks for minimality): the first DFA in the order (size,
    mirror, transition list) whose least closure rejects the start; a `far_direct` certificate."""
    m = machine.n_symbols
    tables = (_flat_table(machine, 1), _flat_table(machine, -1))
    for n in range(min_states, min(max_states, FAR_DIRECT_MAX_STATES) + 1):
        if n ** (n * m) <= FAR_MAX_DFA_TABLES:
            continue  # finite_automata_reduction's size
        for mirror, table in enumerate(tables):
            found = _far_first(table, n, m, compiled)
            if found is not None:
                return _far_certificate("far_direct", mirror, found, n * machine.n_states + 1)
    return None


def _far_first(table: FlatTable, n: int, m: int, compiled: bool) -> tuple[tuple[int, ...], list[list[int]], int] | None:
    """The first canonical n-state DFA whose least closure (for this orientation) rejects the
    start, with its rows and accept mask; the compiled kernel finds the same one."""
    if compiled:
        from axiomforge.generators.busy_beaver import jit

        dfa_rows = _dfa_array(n, m)
        idx, rows, accept = jit.far_search(_table_array(table), n, m, dfa_rows, 0)
        if idx < 0:
            return None
        return tuple(dfa_rows[idx].tolist()), rows.tolist(), int(accept)
    for dfa in _canonical_dfas_cached(n, m):
        closure = _far_closure(table, dfa, n, m)
        if closure is not None:
            return dfa, closure[0], closure[1]
    return None


def _far_certificate(method: str, mirror: int, found: tuple[tuple[int, ...], list[list[int]], int],
                     width: int) -> Certificate:
    dfa, rows, accept = found
    return {
        "method": method,
        "mirror": mirror,
        "dfa": list(dfa),
        "nfa": [[_bits(r, width) for r in sym_rows] for sym_rows in rows],
        "accept": _bits(accept, width),
    }


@functools.cache
def _dfa_array(n: int, m: int):  # type: ignore[no-untyped-def]
    from axiomforge.generators.busy_beaver import jit

    return jit.canonical_dfa_array(n, m)


def _table_array(table: FlatTable):  # type: ignore[no-untyped-def]
    """(write, move, next) per (state, symbol); next -1 halting, -2 undefined."""
    import numpy as np

    return np.array([[(0, 0, -2) if t is None else t for t in row] for row in table], dtype=np.int64)


@functools.cache
def _canonical_dfas_cached(n: int, m: int) -> tuple[tuple[int, ...], ...]:
    return tuple(canonical_dfas(n, m))


def decide_ngram_cps(machine: Machine, max_radius: int = 4, max_configs: int = 20_000,
                     compiled: bool = False) -> Certificate | None:
    """Closed position set over n-grams (the "bouncer" class): the smallest radius r for which
    the abstraction (state, r cells left, head cell, r cells right, plus the sets of r-cell
    windows seen on each side) closes without reaching a halting transition. `compiled` (2
    symbols): `jit.cps_closes`, the same answer."""
    table = None
    if compiled and machine.n_symbols == 2 and max_radius <= 8:
        from axiomforge.generators.busy_beaver import jit

        table = _table_array(_flat_table(machine, 1))
    for radius in range(1, max_radius + 1):
        closes = (jit.cps_closes(table, radius, max_configs) if table is not None
                  else _cps_closes(machine, radius, max_configs))
        if closes:
            return {"method": "ngram_cps", "radius": radius}
    return None


def _cps_closes(machine: Machine, r: int, max_configs: int) -> bool:
    blank = (0,) * r
    grams = {LEFT: {blank}, RIGHT: {blank}}  # windows seen on each side, nearest cell first
    start = (0, blank, 0, blank)
    seen = {start}
    todo = [start]
    table = machine.table
    while todo:
        state, left, sym, right = todo.pop()
        tr = table[state][sym]
        if tr is None or tr.next_state == HALT:
            return False
        near, far = (right, left) if tr.move == RIGHT else (left, right)
        # the head moves into `near`; the written cell joins `far`
        new_far = (tr.write,) + far[:-1]
        far_side = -tr.move
        if new_far not in grams[far_side]:
            grams[far_side].add(new_far)
            todo.extend(seen)  # a new window may open new moves for every known configuration
        for g in [g for g in grams[tr.move] if g[:-1] == near[1:]]:
            cfg = (tr.next_state, g, near[0], new_far) if tr.move == LEFT else (tr.next_state, new_far, near[0], g)
            if cfg not in seen:
                if len(seen) >= max_configs:
                    return False
                seen.add(cfg)
                todo.append(cfg)
    return True


def decide_far(machine: Machine, max_states: int = 3, compiled: bool = False) -> Certificate | None:
    """Finite automata reduction: the first DFA, in the order (size, mirror, transition list),
    whose least NFA closure rejects the start configuration (see `certificates`). DFAs stop at
    `max_states` states, and at the size the verifier accepts (`FAR_MAX_DFA_TABLES`).

    The least closure is computed with bit-mask rows, in place, and abandoned as soon as the
    start state (DFA state 0, machine state A, reading 0s) reaches the halting sink: the closure
    only grows, so that cannot be undone.
    """
    m = machine.n_symbols
    tables = (_flat_table(machine, 1), _flat_table(machine, -1))
    for n in range(1, max_states + 1):
        if n ** (n * m) > FAR_MAX_DFA_TABLES:
            break  # the verifier would refuse it
        for mirror, table in enumerate(tables):
            found = _far_first(table, n, m, compiled)
            if found is not None:
                return _far_certificate("finite_automata_reduction", mirror, found, n * machine.n_states + 1)
    return None


def canonical_dfas(n: int, m: int = 2) -> list[tuple[int, ...]]:
    """Transition lists (entry m * state + symbol) of the n-state DFAs over m symbols with
    0 --0--> 0 and states numbered in order of first appearance, each state appearing before
    its own row; in lexicographic order."""
    size = n * m
    out: list[tuple[int, ...]] = []
    d = [0] * size

    def fill(i: int, top: int) -> None:
        if i == size:
            out.append(tuple(d))
            return
        for v in range(0, min(n - 1, top + 1) + 1) if i else (0,):
            new_top = max(top, v)
            row_next = (i + 1) // m  # the state whose row starts at i + 1
            if (i + 1) % m == 0 and row_next < n and new_top < row_next:
                continue
            d[i] = v
            fill(i + 1, new_top)

    fill(0, 0)
    return out


FlatTable = tuple[tuple[tuple[int, int, int] | None, ...], ...]


def _flat_table(machine: Machine, sign: int) -> FlatTable:
    """(write, move, next) triples; sign -1 gives the mirror image (L and R swapped)."""
    return tuple(
        tuple(None if t is None else (t.write, sign * t.move, t.next_state) for t in row) for row in machine.table
    )


def _far_closure(
    table: FlatTable, dfa: tuple[int, ...], n: int, m: int
) -> tuple[list[list[int]], int] | None:
    """The least NFA (rows as bit masks, per symbol) and accept mask, or None if the start
    configuration is accepted. NFA state q * S + f: DFA state q left of the head, machine state f
    at the head; the last state is the halting sink."""
    S = len(table)
    bot = n * S
    width = bot + 1
    rows = [[0] * width for _ in range(m)]
    for b in range(m):
        rows[b][bot] = 1 << bot
    preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for p in range(n):
        for b in range(m):
            preds[dfa[m * p + b]].append((p, b))
    left_moves: list[tuple[list[int], int, list[int], int, list[int]]] = []
    for f in range(S):
        for r in range(m):
            tr = table[f][r]
            for q in range(n):
                i = q * S + f
                if tr is None or tr[2] == HALT:
                    rows[r][i] |= 1 << bot
                elif tr[1] == RIGHT:
                    rows[r][i] |= 1 << (dfa[m * q + tr[0]] * S + tr[2])
                else:
                    for p, b in preds[q]:
                        left_moves.append((rows[r], i, rows[b], p * S + tr[2], rows[tr[0]]))
    zero_rows = rows[0]
    while True:
        changed = False
        for target, i, src, j, through in left_moves:
            v, acc = src[j], 0
            while v:
                low = v & -v
                acc |= through[low.bit_length() - 1]
                v ^= low
            if acc & ~target[i]:
                target[i] |= acc
                changed = True
        # states reading 0s from the start state (DFA 0, machine A); reaching the sink is final
        seen = frontier = 1
        while frontier:
            nxt, v = 0, frontier
            while v:
                low = v & -v
                nxt |= zero_rows[low.bit_length() - 1]
                v ^= low
            frontier = nxt & ~seen
            seen |= nxt
        if seen >> bot & 1:
            return None
        if not changed:
            break
    accept = 1 << bot
    while True:
        grown = accept | sum(1 << s for s in range(width) if zero_rows[s] & accept)
        if grown == accept:
            return rows, accept
        accept = grown


def _bits(mask: int, width: int) -> str:
    return "".join("1" if mask >> k & 1 else "0" for k in range(width))


def decide_bouncer(machine: Machine, steps: int = 10_000, max_growth: int = 24, max_tries: int = 100,
                   max_period: int = 4) -> Certificate | None:
    """Bouncers: the tape, seen each time a sweep first extends it on one side in one state,
    grows by the same words at the same places. Three such snapshots a, b, c (b and c longer by
    the same amount) are aligned: b is a with some of its words repeated once more (found by a
    small search), which gives a formula F with F(1) = a, F(2) = b; it must give F(3) = c, and
    then the verifier's symbolic run decides. The first formula that verifies is returned."""

    tape: dict[int, int] = {}
    state, head, lo, hi, last_side = 0, 0, 0, 0, 0
    snaps: dict[tuple[int, int], list[tuple[int, tuple[int, ...], tuple[int, ...]]]] = {}
    for t in range(1, steps + 1):
        state, head = step_config(machine, tape, state, head)
        if state == HALT:
            return None
        side = 1 if head > hi else -1 if head < lo else 0
        if not side:
            continue
        lo, hi = min(lo, head), max(hi, head)
        if side != last_side:
            cells = [tape.get(p, 0) for p in range(lo, hi + 1)]
            snaps.setdefault((side, state), []).append((t, tuple(cells[: head - lo]), tuple(cells[head - lo :])))
        last_side = side
    tries = 0
    for period in range(1, max_period + 1):
        for key in sorted(snaps, key=lambda k: snaps[k][0][0]):
            seq = snaps[key]
            for k in range(len(seq) - 2 * period):
                (t0, la, ra), (_, lb, rb), (_, lc, rc) = seq[k], seq[k + period], seq[k + 2 * period]
                grow = len(lb) + len(rb) - len(la) - len(ra)
                if not 0 < grow <= max_growth or len(lc) + len(rc) - len(lb) - len(rb) != grow:
                    continue
                tries += 1
                if tries > max_tries:
                    return None
                for left in _repeats(la, lb):
                    for right in _repeats(ra, rb):
                        if bouncer_instance(left, 3) != lc or bouncer_instance(right, 3) != rc:
                            continue
                        if not any(rep for _, rep in left + right):
                            continue
                        left, right = bouncer_normal(left, -1), bouncer_normal(right, 1)
                        if bouncer_step_to(machine, key[1], left, right):
                            continue  # cheap symbolic check first
                        start = _first_time(machine, key[1], left, right, t0)
                        # drop a copy of each repeated word while the shorter formula holds earlier and works
                        while (start is not None and (shorter := bouncer_shorter(left, right))
                               and not bouncer_step_to(machine, key[1], *shorter)):
                            left2, right2 = bouncer_normal(shorter[0], -1), bouncer_normal(shorter[1], 1)
                            start2 = _first_time(machine, key[1], left2, right2, start)
                            if start2 is None:
                                break
                            left, right, start = left2, right2, start2
                        if start is None:
                            continue
                        cert = {"method": "bouncer", "start": start, "state": key[1],
                                "left": bouncer_text(left), "right": bouncer_text(right)}
                        if verify(machine, cert)[0]:
                            return cert
    return None


def _repeats(a: tuple[int, ...], b: tuple[int, ...], limit: int = 8) -> list[list[tuple[tuple[int, ...], bool]]]:
    """Ways to write b as a with some of its words repeated once more, each repeated word right
    where a mismatch (or the end) forces it: as segments of a, repeaters marked (at most `limit`)."""
    out: list[list[tuple[tuple[int, ...], bool]]] = []

    def walk(i: int, j: int, segs: list[tuple[tuple[int, ...], bool]], fixed_from: int) -> None:
        if len(out) >= limit:
            return
        while i < len(a) and j < len(b) and a[i] == b[j]:
            i, j = i + 1, j + 1
        if i == len(a) and j == len(b):
            out.append(segs + [(a[fixed_from:i], False)])
            return
        for ell in range(1, min(i - fixed_from, len(b) - j) + 1):
            if b[j : j + ell] == a[i - ell : i]:
                walk(i, j + ell, segs + [(a[fixed_from : i - ell], False), (a[i - ell : i], True)], i)

    if len(b) >= len(a):
        walk(0, 0, [], 0)
    return out


def _first_time(machine: Machine, state: int, left: list[tuple[tuple[int, ...], bool]],
                right: list[tuple[tuple[int, ...], bool]], limit: int) -> int | None:
    """The first step up to `limit` whose configuration is the formula at n = 1 (up to
    translation), or None."""
    lw, rw = bouncer_instance(left, 1), bouncer_instance(right, 1)
    want = (state, tuple((i - len(lw), x) for i, x in enumerate(lw) if x) + tuple((i, x) for i, x in enumerate(rw) if x))
    tape: dict[int, int] = {}
    s, head = 0, 0
    for t in range(limit + 1):
        if s == state and len(tape) == len(want[1]) and (s, tuple((p - head, x) for p, x in sorted(tape.items()))) == want:
            return t
        s, head = step_config(machine, tape, s, head)
    return None
