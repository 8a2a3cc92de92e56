"""Compiled (numba) inner loops of the enumeration: the TNF tree walk, the cycler and translated
cycler deciders and the finite-automata-reduction closure.

Each function here re-implements, step for step, a pure-Python function of `enumerate` or
`deciders` (named in its docstring) and must return exactly what that one returns: the
enumeration's leaves and certificates are byte-identical with `engine="python"` (tested on 2-3
states, compared on 4 states by `benchmarks/bb_sim`). The Python functions stay the reference.

Why numba: the 4-state space has 620,261 leaves and ~436,000 non-halting candidates, each
simulated a few hundred steps; in CPython that is ~60 s of dict operations, compiled it is
about a second. Functions are compiled on first use and cached on disk (`cache=True`).

Transitions are int8 codes: -1 undefined, else `write * 32 + (move is R) * 16 + next + 1`, with
next + 1 == 0 for the halting state (`enumerate.encode_transition`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

UNDEF = -1  # an undefined transition (the byte 255 of `enumerate.Leaf.code`)


@njit(cache=True)
def _run_to_branch(flat, n_steps, tape, off):  # type: ignore[no-untyped-def]
    """Simulate from the blank tape until an undefined transition or `n_steps` steps;
    returns (steps, state, head). `tape` is zeroed here."""
    tape[:] = 0
    state, head, steps = 0, 0, 0
    while steps < n_steps:
        code = flat[2 * state + tape[head + off]]
        if code < 0:
            break
        tape[head + off] = code >> 5
        head += 1 if code & 16 else -1
        state = (code & 15) - 1
        steps += 1
    return steps, state, head


@njit(cache=True)
def tnf_walk(n_states, sim_steps, max_leaves, root):  # type: ignore[no-untyped-def]
    """`enumerate.enumerate_tnf` without deciders, from the node `root` (the TNF root: only
    A0 = 1RB): the leaves of its subtree in the same order. Returns (flats, kind, steps, ones,
    count): kind 0 a halting leaf (steps, ones), 1 a candidate; count is -1 when more than
    `max_leaves` leaves exist (call again with more room)."""
    size = 2 * n_states
    flats = np.empty((max_leaves, size), dtype=np.int8)
    kind = np.empty(max_leaves, dtype=np.int8)
    steps_out = np.zeros(max_leaves, dtype=np.int64)
    ones_out = np.zeros(max_leaves, dtype=np.int64)
    stack = np.empty((4096, size), dtype=np.int8)
    off = sim_steps + 2
    tape = np.zeros(2 * off + 1, dtype=np.int8)
    stack[0, :] = root
    top = 1
    count = 0
    while top > 0:
        top -= 1
        flat = stack[top].copy()
        steps, state, head = _run_to_branch(flat, sim_steps, tape, off)
        if count >= max_leaves:
            return flats, kind, steps_out, ones_out, -1
        if steps >= sim_steps:
            flats[count] = flat
            kind[count] = 1
            count += 1
            continue
        symbol = tape[head + off]
        slot = 2 * state + symbol
        ones = 0
        for i in range(tape.shape[0]):
            ones += tape[i] != 0
        if symbol == 0:
            ones += 1
        flats[count] = flat
        flats[count, slot] = 1 * 32 + 16 + 0  # 1RZ
        kind[count] = 0
        steps_out[count] = steps + 1
        ones_out[count] = ones
        count += 1
        undefined = 0
        used = 1  # states in use are 0..used-1 (TNF numbers them in order)
        for i in range(size):
            if flat[i] < 0:
                undefined += 1
            else:
                used = max(used, (flat[i] & 15))  # next + 1
        if undefined <= 1:
            continue
        n_targets = used + 1 if used < n_states else used
        # children in the order (write, move L then R, target); pushed reversed
        for write in range(1, -1, -1):
            for right in range(1, -1, -1):
                for nxt in range(n_targets - 1, -1, -1):
                    stack[top] = flat
                    stack[top, slot] = write * 32 + right * 16 + nxt + 1
                    top += 1
    return flats, kind, steps_out, ones_out, count


@njit(cache=True)
def _translated(flat, limit, off, tape, heads, snap_time, snap_tape, snap_lo, snap_hi, rec_dir,  # type: ignore[no-untyped-def]
                rec_state):
    """`deciders.decide_translated_cycler` up to the minimisation: the detected (t1, t), or
    (-1, -1). Returns -2 in t1 when a halting/undefined transition is reached."""
    tape[:] = 0
    state, head, lo, hi = 0, 0, 0, 0
    heads[0] = 0
    n_rec = 0
    for t in range(1, limit + 1):
        code = flat[2 * state + tape[head + off]]
        if code < 0 or (code & 15) == 0:
            return -2, -2
        tape[head + off] = code >> 5
        head += 1 if code & 16 else -1
        state = (code & 15) - 1
        heads[t] = head
        if head > hi:
            hi = head
            direction = 1
        elif head < lo:
            lo = head
            direction = -1
        else:
            continue
        for k in range(n_rec - 1, -1, -1):
            if rec_dir[k] != direction or rec_state[k] != state:
                continue
            t1 = snap_time[k]
            h1 = heads[t1]
            window = 0
            for u in range(t1, t + 1):
                v = (h1 - heads[u]) * direction
                if v > window:
                    window = v
            ok = True
            for i in range(window + 1):
                p = h1 - direction * i
                old = snap_tape[k, p + off] if snap_lo[k] <= p <= snap_hi[k] else 0
                if old != tape[head - direction * i + off]:
                    ok = False
                    break
            if ok:
                return t1, t
        rec_dir[n_rec] = direction
        rec_state[n_rec] = state
        snap_time[n_rec] = t
        snap_lo[n_rec], snap_hi[n_rec] = lo, hi  # cells outside [lo, hi] are blank
        snap_tape[n_rec, lo + off : hi + off + 1] = tape[lo + off : hi + off + 1]
        n_rec += 1
    return -1, -1


@njit(cache=True)
def _holds(start, period, n_trace, states, heads, hist, off):  # type: ignore[no-untyped-def]
    """`certificates._translated_holds` on a recorded trace: the shift, or 0 when it fails."""
    if start < 0 or period < 1 or start + period >= n_trace:
        return 0
    s1, h1 = states[start], heads[start]
    s2, h2 = states[start + period], heads[start + period]
    shift = h2 - h1
    if s1 != s2 or shift == 0:
        return 0
    d = 1 if shift > 0 else -1
    width = hist.shape[1]
    for p in range(width):  # blank beyond the head at both times
        if (p - off) * d > h1 * d and hist[start, p] != 0:
            return 0
        if (p - off) * d > h2 * d and hist[start + period, p] != 0:
            return 0
    window = 0
    for u in range(start, start + period + 1):
        v = (h1 - heads[u]) * d
        if v > window:
            window = v
    for i in range(window + 1):
        if hist[start, h1 - d * i + off] != hist[start + period, h2 - d * i + off]:
            return 0
    return shift


@njit(cache=True)
def _minimise(flat, start, period, t):  # type: ignore[no-untyped-def]
    """`deciders._minimise` on the trace of the first t steps: (start, period, shift)."""
    off = t + 2
    width = 2 * off + 1
    hist = np.zeros((t + 1, width), dtype=np.int8)
    states = np.zeros(t + 1, dtype=np.int64)
    heads = np.zeros(t + 1, dtype=np.int64)
    state, head = 0, 0
    for k in range(1, t + 1):
        hist[k] = hist[k - 1]
        code = flat[2 * state + hist[k, head + off]]
        hist[k, head + off] = code >> 5
        head += 1 if code & 16 else -1
        state = (code & 15) - 1
        states[k] = state
        heads[k] = head
    n = t + 1
    while True:
        changed = False
        while start > 0 and _holds(start - 1, period, n, states, heads, hist, off) != 0:
            start -= 1
            changed = True
        for p in range(1, period):
            if _holds(start, p, n, states, heads, hist, off) != 0:
                period = p
                changed = True
                break
        if not changed:
            break
    return start, period, _holds(start, period, n, states, heads, hist, off)


@njit(cache=True)
def _cycler(flat, limit, off, tape, chain_last, prev, states, heads, digests, rnd):  # type: ignore[no-untyped-def]
    """`deciders.decide_cycler`: (start, period) of the first repeated configuration, or
    (-1, -1). Candidates share (state, head, digest); equality is confirmed by replaying."""
    tape[:] = 0
    chain_last[:, :] = -1
    state, head, digest = 0, 0, np.uint64(0)
    states[0], heads[0], digests[0] = 0, 0, digest
    chain_last[0, off] = 0
    prev[0] = -1
    for t in range(1, limit + 1):
        old = tape[head + off]
        code = flat[2 * state + old]
        if code < 0 or (code & 15) == 0:
            return -1, -1
        w = code >> 5
        if w != old:
            digest ^= rnd[head + off]
            tape[head + off] = w
        head += 1 if code & 16 else -1
        state = (code & 15) - 1
        states[t], heads[t], digests[t] = state, head, digest
        k = chain_last[state, head + off]
        while k >= 0:
            if digests[k] == digest and _same_tape(flat, k, tape, off):
                return k, t - k
            k = prev[k]
        prev[t] = chain_last[state, head + off]
        chain_last[state, head + off] = t
    return -1, -1


@njit(cache=True)
def _same_tape(flat, k, tape, off):  # type: ignore[no-untyped-def]
    other = np.zeros(tape.shape[0], dtype=np.int8)
    state, head = 0, 0
    for _ in range(k):
        code = flat[2 * state + other[head + off]]
        other[head + off] = code >> 5
        head += 1 if code & 16 else -1
        state = (code & 15) - 1
    return (other == tape).all()


@njit(cache=True)
def cyclers_batch(flats, translated_limit, cycler_limit, n_states):  # type: ignore[no-untyped-def]
    """`decide_translated_cycler` then `decide_cycler` for every row of `flats`. Returns
    (method, a, b, c): method 1 translated cycler (start, period, shift), 2 cycler (start,
    period), 0 neither."""
    count = flats.shape[0]
    method = np.zeros(count, dtype=np.int8)
    a = np.zeros(count, dtype=np.int64)
    b = np.zeros(count, dtype=np.int64)
    c = np.zeros(count, dtype=np.int64)
    off = translated_limit + 2
    tape = np.zeros(2 * off + 1, dtype=np.int8)
    heads = np.zeros(translated_limit + 1, dtype=np.int64)
    snap_time = np.zeros(translated_limit + 1, dtype=np.int64)
    snap_tape = np.zeros((translated_limit + 1, 2 * off + 1), dtype=np.int8)
    snap_lo = np.zeros(translated_limit + 1, dtype=np.int64)
    snap_hi = np.zeros(translated_limit + 1, dtype=np.int64)
    rec_dir = np.zeros(translated_limit + 1, dtype=np.int64)
    rec_state = np.zeros(translated_limit + 1, dtype=np.int64)
    coff = cycler_limit + 2
    ctape = np.zeros(2 * coff + 1, dtype=np.int8)
    chain_last = np.zeros((n_states, 2 * coff + 1), dtype=np.int64)
    prev = np.zeros(cycler_limit + 1, dtype=np.int64)
    cstates = np.zeros(cycler_limit + 1, dtype=np.int64)
    cheads = np.zeros(cycler_limit + 1, dtype=np.int64)
    digests = np.zeros(cycler_limit + 1, dtype=np.uint64)
    rnd = np.zeros(2 * coff + 1, dtype=np.uint64)
    x = np.uint64(0x9E3779B97F4A7C15)
    for i in range(rnd.shape[0]):  # splitmix64: fixed, well-mixed cell keys
        x += np.uint64(0x9E3779B97F4A7C15)
        z = x
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        rnd[i] = z ^ (z >> np.uint64(31))
    for j in range(count):
        flat = flats[j]
        t1, t = _translated(flat, translated_limit, off, tape, heads, snap_time, snap_tape, snap_lo, snap_hi,
                            rec_dir, rec_state)
        if t1 >= 0:
            s, p, sh = _minimise(flat, t1, t - t1, t)
            method[j], a[j], b[j], c[j] = 1, s, p, sh
            continue
        s, p = _cycler(flat, cycler_limit, coff, ctape, chain_last, prev, cstates, cheads, digests, rnd)
        if s >= 0:
            method[j], a[j], b[j] = 2, s, p
    return method, a, b, c


@njit(cache=True)
def _popcount_rows(v, rows):  # type: ignore[no-untyped-def]
    acc = 0
    k = 0
    while v:
        if v & 1:
            acc |= rows[k]
        v >>= 1
        k += 1
    return acc


@njit(cache=True)
def far_search(table, n, m, dfas, start_index):  # type: ignore[no-untyped-def]
    """`deciders._far_closure` for the DFAs `dfas[start_index:]` (rows of transition lists) of
    one machine orientation (`table[f, r]` = (write, move, next) with next -1 halting, -2
    undefined): the index of the first DFA whose least closure rejects the start, with its rows
    (m x width bit masks) and accept mask; index -1 when none does."""
    S = table.shape[0]
    bot = n * S
    width = bot + 1
    rows = np.zeros((m, width), dtype=np.int64)
    n_pred = np.zeros(n, dtype=np.int64)
    pred_p = np.zeros((n, n * m), dtype=np.int64)
    pred_b = np.zeros((n, n * m), dtype=np.int64)
    lm = np.zeros((S * m * n * n * m, 5), dtype=np.int64)
    for idx in range(start_index, dfas.shape[0]):
        dfa = dfas[idx]
        rows[:, :] = 0
        for b in range(m):
            rows[b, bot] = 1 << bot
        n_pred[:] = 0
        for p in range(n):
            for b in range(m):
                q = dfa[m * p + b]
                pred_p[q, n_pred[q]] = p
                pred_b[q, n_pred[q]] = b
                n_pred[q] += 1
        n_lm = 0
        for f in range(S):
            for r in range(m):
                w, mv, nx = table[f, r, 0], table[f, r, 1], table[f, r, 2]
                for q in range(n):
                    i = q * S + f
                    if nx < 0:
                        rows[r, i] |= 1 << bot
                    elif mv == 1:
                        rows[r, i] |= 1 << (dfa[m * q + w] * S + nx)
                    else:
                        for k in range(n_pred[q]):
                            lm[n_lm, 0] = r
                            lm[n_lm, 1] = i
                            lm[n_lm, 2] = pred_b[q, k]
                            lm[n_lm, 3] = pred_p[q, k] * S + nx
                            lm[n_lm, 4] = w
                            n_lm += 1
        failed = False
        while True:
            changed = False
            for k in range(n_lm):
                r, i, b, j, w = lm[k, 0], lm[k, 1], lm[k, 2], lm[k, 3], lm[k, 4]
                acc = _popcount_rows(rows[b, j], rows[w])
                if acc & ~rows[r, i]:
                    rows[r, i] |= acc
                    changed = True
            seen = 1
            frontier = 1
            while frontier:
                nxt = _popcount_rows(frontier, rows[0])
                frontier = nxt & ~seen
                seen |= nxt
            if (seen >> bot) & 1:
                failed = True
                break
            if not changed:
                break
        if failed:
            continue
        accept = 1 << bot
        while True:
            grown = accept
            for s in range(width):
                if rows[0, s] & accept:
                    grown |= 1 << s
            if grown == accept:
                break
            accept = grown
        return idx, rows.copy(), accept
    return -1, rows.copy(), 0


@njit(cache=True)
def _dfa_lists(n, m, out, emit):  # type: ignore[no-untyped-def]
    size = n * m
    d = np.zeros(size, dtype=np.int64)
    val = np.full(size, -1, dtype=np.int64)
    tops = np.zeros(size + 1, dtype=np.int64)
    count = 0
    i = 0
    while i >= 0:
        limit = 0 if i == 0 else min(n - 1, tops[i] + 1)
        v = val[i] + 1
        found = False
        while v <= limit:
            new_top = max(tops[i], v)
            row_next = (i + 1) // m
            if (i + 1) % m == 0 and row_next < n and new_top < row_next:
                v += 1
                continue
            found = True
            break
        if not found:
            val[i] = -1
            i -= 1
            continue
        val[i] = v
        d[i] = v
        if i + 1 == size:
            if emit:
                out[count] = d
            count += 1
            continue
        tops[i + 1] = max(tops[i], v)
        val[i + 1] = -1
        i += 1
    return count


def canonical_dfa_array(n: int, m: int) -> np.ndarray:
    """`deciders.canonical_dfas(n, m)` as an array, one DFA per row, in the same order (the
    632,700 six-state DFAs take seconds to list in Python)."""
    empty = np.zeros((1, n * m), dtype=np.int64)
    count = _dfa_lists(n, m, empty, False)
    out = np.zeros((count, n * m), dtype=np.int64)
    _dfa_lists(n, m, out, True)
    return out


@njit(cache=True)
def _splitmix(rng):  # type: ignore[no-untyped-def]
    rng[0] += np.uint64(0x9E3779B97F4A7C15)
    z = rng[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _below(rng, n):  # type: ignore[no-untyped-def]
    """A uniform integer in [0, n), exactly (draws beyond the last multiple of n are redrawn)."""
    un = np.uint64(n)
    limit = (np.uint64(0xFFFFFFFFFFFFFFFF) // un) * un
    while True:
        x = _splitmix(rng)
        if x < limit:
            return np.int64(x % un)


@njit(cache=True)
def sample_leaves(n_states, sim_steps, seed, want, max_draws, bound):  # type: ignore[no-untyped-def]
    """Uniform random TNF leaves by rejection: a descent picks one of the b_i branches of each
    node it meets uniformly (b_i = the halting leaf + the children), so it reaches a leaf with
    probability 1 / W, W the product of the b_i; accepting it with probability W / bound (bound
    >= every W) makes every leaf equally likely. Returns (flats, kind, steps, ones, accepted,
    draws, sum of W, sum of W^2): the W sums give Knuth's unbiased estimate of the leaf count."""
    size = 2 * n_states
    flats = np.empty((want, size), dtype=np.int8)
    kind = np.zeros(want, dtype=np.int8)
    steps_out = np.zeros(want, dtype=np.int64)
    ones_out = np.zeros(want, dtype=np.int64)
    off = sim_steps + 2
    tape = np.zeros(2 * off + 1, dtype=np.int8)
    rng = np.zeros(1, dtype=np.uint64)
    rng[0] = np.uint64(seed)
    flat = np.empty(size, dtype=np.int8)
    accepted, draws = 0, 0
    w_sum, w_sq = 0.0, 0.0
    while accepted < want and draws < max_draws:
        draws += 1
        flat[:] = UNDEF
        flat[0] = 1 * 32 + 16 + 1 + 1  # 1RB
        weight = 1
        while True:
            steps, state, head = _run_to_branch(flat, sim_steps, tape, off)
            if steps >= sim_steps:
                leaf_kind, leaf_steps, leaf_ones = 1, 0, 0
                break
            symbol = tape[head + off]
            slot = 2 * state + symbol
            undefined = 0
            used = 1
            for i in range(size):
                if flat[i] < 0:
                    undefined += 1
                else:
                    used = max(used, (flat[i] & 15))
            n_targets = used + 1 if used < n_states else used
            branches = 1 + (4 * n_targets if undefined > 1 else 0)
            weight *= branches
            pick = _below(rng, branches)
            if pick == 0:
                ones = 0
                for i in range(tape.shape[0]):
                    ones += tape[i] != 0
                if symbol == 0:
                    ones += 1
                flat[slot] = 1 * 32 + 16 + 0  # 1RZ
                leaf_kind, leaf_steps, leaf_ones = 0, steps + 1, ones
                break
            pick -= 1
            write, rest = pick // (2 * n_targets), pick % (2 * n_targets)
            right, nxt = rest // n_targets, rest % n_targets
            flat[slot] = write * 32 + right * 16 + nxt + 1
        w_sum += weight
        w_sq += float(weight) * float(weight)
        if _below(rng, bound) < weight:
            flats[accepted] = flat
            kind[accepted] = leaf_kind
            steps_out[accepted] = leaf_steps
            ones_out[accepted] = leaf_ones
            accepted += 1
    return flats, kind, steps_out, ones_out, accepted, draws, w_sum, w_sq


@njit(cache=True)
def backward_depth(table, max_depth, max_frontier):  # type: ignore[no-untyped-def]
    """`deciders.decide_backward`'s search (before its final forward check): the depth at which
    the predecessor tree of the halting configurations dies out, or -1. `table[f, r]` =
    (write, move, next), next -1 halting, -2 undefined. A partial configuration is
    (state, head, known cells) with cells as bit masks over positions -32..31 around the halting
    cell; callers keep max_depth below 31."""
    S, m = table.shape[0], table.shape[1]
    off = 32
    frontier = set()
    for s in range(S):
        for a in range(m):
            if table[s, a, 2] < 0:
                frontier.add((s * 64 + off, np.int64(1) << off, np.int64(a) << off))
    if len(frontier) == 0:
        return -1
    depth = 0
    while True:
        nxt = set()
        produced = 0
        for item in frontier:
            code, mask, vals = item
            state, head = code // 64, code % 64 - off
            for s in range(S):
                for b in range(m):
                    nx = table[s, b, 2]
                    if nx != state:
                        continue
                    w, move = table[s, b, 0], table[s, b, 1]
                    prev = head - move
                    bit = np.int64(1) << (prev + off)
                    if mask & bit and ((vals & bit) != 0) != (w != 0):
                        continue
                    nvals = (vals & ~bit) | (bit if b else np.int64(0))
                    nxt.add((s * 64 + prev + off, mask | bit, nvals))
                    produced += 1
        if produced == 0:
            return depth
        depth += 1
        if depth > max_depth or produced > max_frontier:
            return -1
        frontier = nxt


@njit(cache=True)
def cps_closes(table, r, max_configs):  # type: ignore[no-untyped-def]
    """`deciders._cps_closes` for 2 symbols: windows of r cells as bit masks (nearest cell the
    lowest bit). The closure is a least fixpoint, so the exploration order does not change the
    answer."""
    S = table.shape[0]
    full = (1 << r) - 1
    low = (1 << (r - 1)) - 1
    grams = np.zeros((2, 1 << r), dtype=np.bool_)  # 0: left, 1: right
    grams[0, 0] = True
    grams[1, 0] = True
    n_cfg = S * (1 << r) * 2 * (1 << r)
    seen = np.zeros(n_cfg, dtype=np.bool_)
    order = np.zeros(n_cfg, dtype=np.int64)
    n_seen = 0
    stack = np.zeros(n_cfg * 64 + 16, dtype=np.int64)
    top = 0

    # config key: ((state * 2^r + left) * 2 + sym) * 2^r + right
    start = 0
    seen[start] = True
    order[0] = start
    n_seen = 1
    stack[0] = start
    top = 1
    while top > 0:
        top -= 1
        key = stack[top]
        right = key % (1 << r)
        rest = key // (1 << r)
        sym = rest % 2
        rest //= 2
        left = rest % (1 << r)
        state = rest // (1 << r)
        w, move, nx = table[state, sym, 0], table[state, sym, 1], table[state, sym, 2]
        if nx < 0:
            return False
        if move == 1:
            near, far, far_side, near_side = right, left, 0, 1
        else:
            near, far, far_side, near_side = left, right, 1, 0
        new_far = ((far << 1) | w) & full
        if not grams[far_side, new_far]:
            grams[far_side, new_far] = True
            if top + n_seen > stack.shape[0]:
                return False
            for k in range(n_seen):
                stack[top] = order[k]
                top += 1
        for g in range(1 << r):
            if not grams[near_side, g] or (g & low) != (near >> 1):
                continue
            if move == -1:
                cfg = ((nx * (1 << r) + g) * 2 + (near & 1)) * (1 << r) + new_far
            else:
                cfg = ((nx * (1 << r) + new_far) * 2 + (near & 1)) * (1 << r) + g
            if not seen[cfg]:
                if n_seen >= max_configs:
                    return False
                seen[cfg] = True
                order[n_seen] = cfg
                n_seen += 1
                if top >= stack.shape[0]:
                    return False
                stack[top] = cfg
                top += 1
    return True
