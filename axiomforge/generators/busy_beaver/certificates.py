"""Certificates and their verifiers.

A certificate is a small JSON-ready dict `{"method": ..., ...}` saying why a machine halts or
never halts. Each method has its own verifier here, written against the reference simulator
only: it re-derives every claim and never trusts the decider that produced the certificate.
Certificates are canonical (the first repetition, the exact backward depth, ...), so a verifier
also rejects a certificate whose fields were changed, even to values that would prove the same
thing another way; that is what makes them usable as ground truth and as tamper-evident records.

| method | fields | meaning |
|---|---|---|
| `halts` | `steps`, `ones` | halts after exactly `steps` steps leaving `ones` non-blank cells |
| `cycler` | `start`, `period` | the configuration at `start` recurs at `start + period`; the first repetition |
| `translated_cycler` | `start`, `period`, `shift` | from `start`, every `period` steps the same state recurs `shift` cells further into blank tape, with an equal window of the tape behind the head; `start` and `period` minimal |
| `backward_reasoning` | `depth` | no halting configuration has a chain of predecessors longer than `depth`, and the machine does not halt within `depth + 1` steps |
| `ngram_cps` | `radius` | the closed-position-set abstraction with windows of `radius` cells (bouncers, counters) closes without a halting transition; `radius` minimal |
| `finite_automata_reduction` | `mirror`, `dfa`, `nfa`, `accept` | a regular language containing every configuration that halts, closed under predecessors and rejecting the start; the first DFA in the order (size, mirror, transitions) that has one |
| `bouncer` | `start`, `state`, `left`, `right` | the configuration at `start` is the formula `left state> right` at n = 1 (parenthesised words repeated n times), and a symbolic run takes the formula at every n to n + 1; normal form, `start` first, no shorter formula (see `_verify_bouncer`) |
| `far_direct` | `mirror`, `dfa`, `nfa`, `accept` | as `finite_automata_reduction`, with a DFA too large for that method's minimality re-check (5-6 states for 2 symbols) that need not be the first one that works (the matrices must still be the least for it) |
| `repeated_word_list` | `block`, `threshold` | the repeated-word-list abstraction (runs of equal blocks, counts from `threshold` on merged) closes without a halting transition; the first (block, threshold) that does (see `rwl_closure`) |

Finite automata reduction (FAR). A configuration is written as the word `x f y`: the tape cells
left of the head `x`, the machine state `f`, then the head cell and the cells to its right `y`,
with any number of blanks added at either end. The certificate describes a language over such
words: a DFA (`dfa[m * q + b]` is the successor of state q on symbol b, start 0) reads `x`; the
state letter `f` takes DFA state q to NFA state `q * S + f` (S machine states); then the NFA
(`nfa[b][i][j] == "1"`: an edge i -> j on symbol b) reads `y`, and the word is accepted when it can
end in an `accept` state. NFA state `n * S` is a sink for halting. With `mirror` 1 everything
applies to the mirror image of the machine (L and R swapped), i.e. the DFA reads the tape from
the right. The verifier checks, with boolean matrix algebra:

1. padding: `dfa[0] == 0` (leading blanks keep the DFA in 0) and `nfa[0] · accept == accept`
   (a trailing blank changes no acceptance), so acceptance is a property of the configuration;
2. halting configurations are accepted: each halting (f, r) has the edge `q*S+f -r-> sink`, and
   the sink loops on every symbol and accepts;
3. predecessors of accepted configurations are accepted: for (f, r) -> (w, R, t) the edge
   `q*S+f -r-> dfa(q, w)*S+t`; for (f, r) -> (w, L, t), `x b f r y` steps to `x t b w y`, so
   for every p, b with dfa(p, b) = q the row `q*S+f` of `nfa[r]` contains row `p*S+t` of
   `nfa[b] · nfa[w]`;
4. the start configuration is rejected: `accept[0] == "0"` (DFA state 0, state A, blanks).

By 2 and 3 (induction on the steps left) every configuration that halts is accepted, so by 4
the start configuration never halts. Canonical: the matrices must be the least ones satisfying
1-3 for this DFA, the DFA must be in breadth-first normal form, and no earlier DFA (fewer
states, then mirror 0 before 1, then the transition list in lexicographic order) may work.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from axiomforge.generators.busy_beaver.machine import HALT, STATE_LETTERS, Machine
from axiomforge.generators.busy_beaver.reference import Config, run_reference, step_config

Certificate = dict[str, Any]
MAX_VERIFY_STEPS = 2_000_000
"""Verifiers refuse certificates that would need more reference steps than this."""


def verify(machine: Machine, cert: Certificate, max_halt_steps: int = MAX_VERIFY_STEPS) -> tuple[bool, str]:
    """(True, "") when `cert` proves what it says about `machine`, else (False, reason).

    A halting certificate is replayed on the plain reference simulator, so its cost grows with
    the step count: `max_halt_steps` is the most steps a caller is willing to replay (the BB(5)
    champion's 47,176,870 take about 20-40 s)."""
    method = cert.get("method")
    verifier = _VERIFIERS.get(method) if isinstance(method, str) else None
    if verifier is None:
        return False, f"unknown certificate method {method!r}"
    assert isinstance(method, str)
    expected = _FIELDS[method]
    if set(cert) != expected | {"method"}:
        return False, f"{method} certificate needs exactly the fields {sorted(expected)}"
    for key in expected - _STRUCTURED_FIELDS.get(method, set()):
        value = cert[key]
        if not isinstance(value, int) or isinstance(value, bool):
            return False, f"field {key!r} must be an integer"
    try:
        if method == "halts":
            return _verify_halts(machine, cert, max_halt_steps)
        return verifier(machine, cert)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError, AttributeError) as err:
        # a malformed field the method's own checks missed: a rejection, never a crash
        return False, f"malformed {method} certificate: {type(err).__name__}: {err}"


def certificate_proves_halting(cert: Certificate) -> bool:
    return cert.get("method") == "halts"


def _verify_halts(machine: Machine, cert: Certificate, max_steps: int = MAX_VERIFY_STEPS) -> tuple[bool, str]:
    steps, ones = cert["steps"], cert["ones"]
    if steps < 1:
        return False, f"step count {steps} out of range"
    if steps > max_steps:
        return False, f"step count {steps} beyond the replay limit {max_steps} (raise it to re-check)"
    before = run_reference(machine, steps - 1)
    if before.halted:
        return False, f"halts already after {before.steps} steps"
    after = run_reference(machine, 1, start=before.final)
    if not after.halted:
        return False, f"does not halt at step {steps}"
    if after.ones != ones:
        return False, f"leaves {after.ones} non-blank cells, not {ones}"
    return True, ""


def _configs(machine: Machine, upto: int) -> list[Config] | None:
    """Configurations 0..upto (None if the machine halts by then)."""
    tape: dict[int, int] = {}
    state, head = 0, 0
    out = [Config(state, head, ())]
    for _ in range(upto):
        state, head = step_config(machine, tape, state, head)
        if state == HALT:
            return None
        out.append(Config(state, head, tuple(sorted(tape.items()))))
    return out


def _verify_cycler(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    start, period = cert["start"], cert["period"]
    if start < 0 or period < 1 or start + period > MAX_VERIFY_STEPS // 10:
        return False, "start/period out of range"
    configs = _configs(machine, start + period)
    if configs is None:
        return False, "the machine halts"
    if configs[start] != configs[start + period]:
        return False, f"configuration at {start} does not recur at {start + period}"
    if len(set(configs[: start + period])) != start + period:
        return False, "not the first repetition (an earlier configuration repeats)"
    return True, ""


def _blank_beyond(tape: dict[int, int], head: int, direction: int) -> bool:
    return all(pos * direction <= head * direction for pos in tape)


def _translated_holds(machine: Machine, start: int, period: int, trace: list[tuple[int, int, dict[int, int]]]) -> int | None:
    """The shift when (start, period) is a translated cycle of `trace`, else None."""
    if start < 0 or period < 1 or start + period >= len(trace):
        return None
    s1, h1, t1 = trace[start]
    s2, h2, t2 = trace[start + period]
    shift = h2 - h1
    if s1 != s2 or shift == 0:
        return None
    direction = 1 if shift > 0 else -1
    if not (_blank_beyond(t1, h1, direction) and _blank_beyond(t2, h2, direction)):
        return None
    heads = [trace[t][1] for t in range(start, start + period + 1)]
    window = max((h1 - h) * direction for h in heads)
    for i in range(window + 1):
        if t1.get(h1 - direction * i, 0) != t2.get(h2 - direction * i, 0):
            return None
    return shift


def _trace(machine: Machine, upto: int) -> list[tuple[int, int, dict[int, int]]] | None:
    tape: dict[int, int] = {}
    state, head = 0, 0
    out: list[tuple[int, int, dict[int, int]]] = [(state, head, {})]
    for _ in range(upto):
        state, head = step_config(machine, tape, state, head)
        if state == HALT:
            return None
        out.append((state, head, dict(tape)))
    return out


def _verify_translated(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    start, period, shift = cert["start"], cert["period"], cert["shift"]
    if start < 0 or period < 1 or start + period > 20_000:
        return False, "start/period out of range"
    trace = _trace(machine, start + period)
    if trace is None:
        return False, "the machine halts"
    got = _translated_holds(machine, start, period, trace)
    if got is None:
        return False, f"no translated cycle from step {start} with period {period}"
    if got != shift:
        return False, f"the head moves {got} cells per period, not {shift}"
    if start > 0 and _translated_holds(machine, start - 1, period, trace) is not None:
        return False, "start is not minimal for this period"
    for p in range(1, period):
        if _translated_holds(machine, start, p, trace) is not None:
            return False, f"period is not minimal: {p} works from the same start"
    return True, ""


def backward_depth(machine: Machine, limit: int) -> int | None:
    """Height of the tree of predecessors of the halting configurations; None when over `limit`.

    A node is a partial configuration: state, head, and the cells known so far (relative to the
    halting cell). A predecessor under transition (s', b) -> (w, move, s) has its head at
    head - move, where the current cell must be w (or unknown) and becomes b.
    """
    by_target: dict[int, list[tuple[int, int, int, int]]] = {}
    for s, row in enumerate(machine.table):
        for b, tr in enumerate(row):
            if tr is not None and tr.next_state != HALT:
                by_target.setdefault(tr.next_state, []).append((s, b, tr.write, tr.move))

    def height(state: int, head: int, cells: dict[int, int], depth: int) -> int | None:
        if depth > limit:
            return None
        best = 0
        for s, b, w, move in by_target.get(state, ()):
            prev = head - move
            known = cells.get(prev)
            if known is not None and known != w:
                continue
            new = dict(cells)
            new[prev] = b
            sub = height(s, prev, new, depth + 1)
            if sub is None:
                return None
            best = max(best, sub + 1)
        return best

    overall = 0
    for s, a in machine.halting_transitions():
        h = height(s, 0, {0: a}, 0)
        if h is None:
            return None
        overall = max(overall, h)
    return overall


def _verify_backward(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    depth = cert["depth"]
    if not 0 <= depth <= 200:
        return False, "depth out of range"
    if not machine.halting_transitions():
        return False, "no halting transition: nothing to reason backward from"
    got = backward_depth(machine, depth)
    if got is None:
        return False, f"predecessor chains longer than {depth} exist"
    if got != depth:
        return False, f"the predecessor tree has height {got}, not {depth}"
    if run_reference(machine, depth + 1).halted:
        return False, f"the machine halts within {depth + 1} steps"
    return True, ""


def cps_closes(machine: Machine, radius: int, max_configs: int = 50_000) -> bool:
    """Round-based fixpoint of the n-gram abstraction (written independently of the decider):
    configurations (state, left window, head, right window), windows nearest cell first, and the
    sets of windows each side of the tape can show; False if a halting transition is reachable."""
    blank = (0,) * radius
    configs = {(0, blank, 0, blank)}
    left_windows, right_windows = {blank}, {blank}
    while True:
        size = (len(configs), len(left_windows), len(right_windows))
        for state, left, sym, right in list(configs):
            tr = machine.table[state][sym]
            if tr is None or tr.next_state == HALT:
                return False
            if tr.move > 0:
                new_left = (tr.write, *left[:-1])
                left_windows.add(new_left)
                configs.update((tr.next_state, new_left, right[0], g) for g in right_windows if g[:-1] == right[1:])
            else:
                new_right = (tr.write, *right[:-1])
                right_windows.add(new_right)
                configs.update((tr.next_state, g, left[0], new_right) for g in left_windows if g[:-1] == left[1:])
            if len(configs) > max_configs:
                return False
        if (len(configs), len(left_windows), len(right_windows)) == size:
            return True


def _verify_cps(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    radius = cert["radius"]
    if not 1 <= radius <= 6:
        return False, "radius out of range"
    if not cps_closes(machine, radius):
        return False, f"the radius-{radius} abstraction reaches a halting transition (or does not close)"
    if radius > 1 and cps_closes(machine, radius - 1):
        return False, f"radius {radius - 1} already closes: the radius is not minimal"
    return True, ""


FAR_MAX_DFA_TABLES = 4**8
"""A `finite_automata_reduction` certificate may use an n-state DFA over m symbols only when
n^(n m) is at most this (4 states for 2 symbols, 3 for 3, 2 for 4): minimality is re-checked by
trying every earlier DFA, among all n^(n m) transition lists."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def far_dfa_normal(dfa: list[int], n: int, m: int) -> bool:
    """Breadth-first normal form: 0 --0--> 0, states numbered in order of first appearance in the
    transition list, and each state appears before its own row (so every state is reachable)."""
    if len(dfa) != n * m or any(not 0 <= d < n for d in dfa) or dfa[0] != 0:
        return False
    top = 0
    for d in dfa:
        if d > top + 1:
            return False
        top = max(top, d)
    return all(k in dfa[: m * k] for k in range(1, n))


def _far_rules(machine: Machine, mirror: int, dfa: list[int], n: int) -> tuple[
        list[tuple[int, int, int]], list[tuple[int, int, int, int, int]]]:
    """(edges (symbol, from, to) that must exist, containments (r, i, b, j, w): row i of
    nfa[r] must contain row j of nfa[b] · nfa[w])."""
    S, m = machine.n_states, machine.n_symbols
    sink = n * S
    edges = [(b, sink, sink) for b in range(m)]
    contain = []
    for f, row in enumerate(machine.table):
        for r, tr in enumerate(row):
            for q in range(n):
                i = q * S + f
                if tr is None or tr.next_state == HALT:
                    edges.append((r, i, sink))
                elif tr.move * (-1 if mirror else 1) > 0:
                    edges.append((r, i, dfa[m * q + tr.write] * S + tr.next_state))
                else:
                    contain += [(r, i, b, p * S + tr.next_state, tr.write)
                                for p in range(n) for b in range(m) if dfa[m * p + b] == q]
    return edges, contain


def far_closed(machine: Machine, mirror: int, dfa: list[int], nfa: np.ndarray, accept: np.ndarray) -> str:
    """"" when (dfa, nfa, accept) satisfies conditions 1-4 (module docstring), else the failure."""
    n = len(dfa) // machine.n_symbols
    sink = n * machine.n_states
    if dfa[0] != 0:
        return "the DFA leaves state 0 on a blank (leading blanks would matter)"
    if not np.array_equal(nfa[0] @ accept, accept):
        return "a trailing blank changes acceptance (nfa[0] · accept != accept)"
    if not accept[sink]:
        return "the halting sink is not accepted"
    edges, contain = _far_rules(machine, mirror, dfa, n)
    for b, i, j in edges:
        if not nfa[b, i, j]:
            return f"missing NFA edge {i} -{b}-> {j}"
    for r, i, b, j, w in contain:
        if np.any((nfa[b, j] @ nfa[w]) & ~nfa[r, i]):
            return f"row {i} of nfa[{r}] does not contain row {j} of nfa[{b}]·nfa[{w}] (a left move)"
    if accept[0]:
        return "the start configuration is accepted"
    return ""


def far_least(machine: Machine, mirror: int, dfa: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The least (nfa, accept) satisfying conditions 1-3 for this DFA, by Kleene iteration."""
    S, m = machine.n_states, machine.n_symbols
    n = len(dfa) // m
    width = n * S + 1
    edges, contain = _far_rules(machine, mirror, dfa, n)
    base = np.zeros((m, width, width), dtype=bool)
    for b, i, j in edges:
        base[b, i, j] = True
    nfa = base
    while True:
        new = base.copy()
        for r, i, b, j, w in contain:
            new[r, i] |= nfa[b, j] @ nfa[w]
        if np.array_equal(new, nfa):
            break
        nfa = new
    accept = np.zeros(width, dtype=bool)
    accept[width - 1] = True
    while True:
        grown = accept | (nfa[0] @ accept)
        if np.array_equal(grown, accept):
            return nfa, accept
        accept = grown


def _far_dfas(n: int, m: int) -> list[list[int]]:
    """All n-state DFAs over m symbols in breadth-first normal form, in lexicographic order."""
    return [list(d) for d in itertools.product(range(n), repeat=n * m) if far_dfa_normal(list(d), n, m)]


def _bit_matrix(rows: object, width: int) -> np.ndarray | None:
    if not isinstance(rows, list) or len(rows) != width:
        return None
    if not all(isinstance(r, str) and len(r) == width and set(r) <= {"0", "1"} for r in rows):
        return None
    return np.array([[c == "1" for c in r] for r in rows], dtype=bool).reshape(width, width)


def _far_tables_wrong(machine: Machine, mirror: Any, dfa: list[int], n: int, m: int, nfa_rows: Any,
                      accept_bits: Any) -> str:
    """Why a FAR certificate's DFA/NFA/accept tables do not prove non-halting ("" when they do):
    the DFA in normal form, well-formed tables, closed under the machine's steps, and the least
    NFA and accept set for that DFA (so every field of the certificate is forced)."""
    if not far_dfa_normal(dfa, n, m):
        return "the DFA is not in breadth-first normal form"
    width = n * machine.n_states + 1
    if not isinstance(nfa_rows, list) or len(nfa_rows) != m:
        return f"nfa must hold one matrix per symbol ({m})"
    mats = [_bit_matrix(rows, width) for rows in nfa_rows]
    if any(mat is None for mat in mats):
        return f"each nfa matrix must be {width} strings of {width} characters 0/1"
    if not isinstance(accept_bits, str) or len(accept_bits) != width or not set(accept_bits) <= {"0", "1"}:
        return f"accept must be a string of {width} characters 0/1"
    nfa = np.stack([mat for mat in mats if mat is not None])
    accept = np.array([c == "1" for c in accept_bits], dtype=bool)
    why = far_closed(machine, mirror, dfa, nfa, accept)
    if why:
        return str(why)
    least_nfa, least_accept = far_least(machine, mirror, dfa)
    if not (np.array_equal(least_nfa, nfa) and np.array_equal(least_accept, accept)):
        return "the NFA and accept set are not the least ones for this DFA"
    return ""


def _verify_far(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    mirror, dfa, nfa_rows, accept_bits = cert["mirror"], cert["dfa"], cert["nfa"], cert["accept"]
    m = machine.n_symbols
    if mirror not in (0, 1) or not _is_int(mirror):
        return False, "mirror must be 0 or 1"
    if not isinstance(dfa, list) or not all(_is_int(d) for d in dfa) or not dfa or len(dfa) % m:
        return False, f"dfa must be a non-empty list of integers, {m} per DFA state"
    n = len(dfa) // m
    if n ** (n * m) > FAR_MAX_DFA_TABLES:
        return False, f"a DFA with {n} states over {m} symbols is too large to re-check"
    why = _far_tables_wrong(machine, mirror, dfa, n, m, nfa_rows, accept_bits)
    if why:
        return False, why
    for n2 in range(1, n + 1):
        earlier = _far_dfas(n2, m)
        for mirror2 in (0, 1):
            for dfa2 in earlier:
                if (n2, mirror2, dfa2) >= (n, mirror, dfa):
                    break
                if not far_least(machine, mirror2, dfa2)[1][0]:
                    return False, f"an earlier DFA already works: mirror {mirror2}, dfa {dfa2}"
    return True, ""


# --- bouncers -----------------------------------------------------------------------------------

Segment = tuple[tuple[int, ...], bool]
"""A piece of a symbolic tape: a word, and whether it is repeated n times (True) or written once."""


def bouncer_parse(text: object, n_symbols: int) -> list[Segment] | None:
    """`"1(10)01"`: digits are written once, a parenthesised word is repeated n times."""
    if not isinstance(text, str) or len(text) > 2_000:
        return None
    out: list[Segment] = []
    word: list[int] = []
    inside = False
    for ch in text:
        if ch == "(" and not inside:
            if word:
                out.append((tuple(word), False))
            word, inside = [], True
        elif ch == ")" and inside:
            if not word:
                return None  # an empty repeated word
            out.append((tuple(word), True))
            word, inside = [], False
        elif ch in "0123456789" and int(ch) < n_symbols:  # ASCII only: '²'.isdigit() is true
            word.append(int(ch))
        else:
            return None
    if inside:
        return None
    if word:
        out.append((tuple(word), False))
    return out


def bouncer_text(segments: list[Segment]) -> str:
    return "".join(("({})" if rep else "{}").format("".join(map(str, w))) for w, rep in segments)


def bouncer_normal(segments: list[Segment], side: int) -> list[Segment]:
    """A normal form of a side of the tape (side -1: left of the head, blanks at its start; +1:
    right, blanks at its end) describing the same tape for every n: written words merged and
    never empty, blanks at the open end dropped, and each written symbol moved left across a
    repeated word that starts with it (`(ab)^n a` = `a (ba)^n`)."""
    segs = [s for s in segments if s[0]]
    while True:
        merged: list[Segment] = []
        for w, rep in segs:
            if merged and not rep and not merged[-1][1]:
                merged[-1] = (merged[-1][0] + w, False)
            elif w:
                merged.append((w, rep))
        if merged and side < 0 and not merged[0][1]:
            w = merged[0][0]
            while w and w[0] == 0:
                w = w[1:]
            merged[0] = (w, False)
        if merged and side > 0 and not merged[-1][1]:
            w = merged[-1][0]
            while w and w[-1] == 0:
                w = w[:-1]
            merged[-1] = (w, False)
        merged = [s for s in merged if s[0]]
        for i in range(len(merged) - 1):
            (u, rep), (w, rep2) = merged[i], merged[i + 1]
            if rep and not rep2 and w[0] == u[0]:
                merged[i : i + 2] = [((u[0],), False), (u[1:] + u[:1], True), (w[1:], False)]
                break
        else:
            return merged
        segs = merged


def bouncer_instance(segments: list[Segment], n: int) -> tuple[int, ...]:
    return tuple(x for w, rep in segments for x in (w * n if rep else w))


def _config_key(state: int, left: tuple[int, ...], right: tuple[int, ...]) -> tuple[int, tuple[tuple[int, int], ...]]:
    """A configuration up to translation: the state and the non-blank cells relative to the head."""
    cells = [(i - len(left), s) for i, s in enumerate(left) if s] + [(i, s) for i, s in enumerate(right) if s]
    return state, tuple(cells)


def bouncer_step_to(machine: Machine, state: int, left: list[Segment], right: list[Segment],
                    max_ops: int = 20_000) -> str:
    """Symbolic run of `x s> y` (head on the first cell of y; x, y with every repeater at n),
    valid for every n >= 0, until it reads as the same formula with every repeater at n + 1.
    "" on success, else the failure. A repeater is only crossed whole, by the shift rule: if state
    s entering word u at one end leaves it at the other end in state s, turning u into v (never
    leaving u on the way in between), then s crosses u^n, leaving v^n, for every n (induction)."""
    target_l = bouncer_normal(_bump(left), -1)
    target_r = bouncer_normal(_bump(right), 1)
    shape_l, shape_r = _shape(target_l), _shape(target_r)
    L, R = _merged(left), _merged(right)
    facing, s, concrete = 1, state, 0
    table = machine.table
    for _ in range(max_ops):
        if facing < 0 and s == state:  # `x a <s y` is `x s> a y`
            if not L:
                L, R = L, [((0,), False)] + R
                facing = 1
            elif not L[-1][1]:
                w = L[-1][0]
                L = L[:-1] + ([(w[:-1], False)] if len(w) > 1 else [])
                R = [((w[-1],), False)] + R
                facing = 1
        if (facing > 0 and s == state and concrete and _shape(L) == shape_l and _shape(R) == shape_r
                and bouncer_normal(L, -1) == target_l and bouncer_normal(R, 1) == target_r):
            return ""
        carried = _carry(table, s, facing, L, R)
        if carried is not None:
            L, R = _merged(carried[0]), _merged(carried[1])
            continue
        near = R if facing > 0 else L
        idx = 0 if facing > 0 else -1
        if near and near[idx][1]:  # shift rule over a repeater
            crossed = _cross(table, s, facing, near[idx][0], R if facing < 0 else L)
            u = near[idx][0]
            if crossed is None and facing > 0 and len(R) > 1 and not R[1][1] and R[1][0][0] == u[0]:
                # `u^n a y` = `a (u' a)^n y` for u = a u': read the a first, then try again
                R = [(u[:1], False), (u[1:] + u[:1], True), (R[1][0][1:], False)] + R[2:]
                R = [x for x in R if x[0]]
                continue
            if crossed is None and facing < 0 and len(L) > 1 and not L[-2][1] and L[-2][0][-1] == u[-1]:
                # `x b u^n` = `x (b u')^n b` for u = u' b
                L = L[:-2] + [(L[-2][0][:-1], False), (u[-1:] + u[:-1], True), (u[-1:], False)]
                L = [x for x in L if x[0]]
                continue
            if crossed is None:
                return f"state {s} does not cross the repeated word {bouncer_text([near[idx]])}"
            v, k = crossed
            if facing > 0:  # `x c s> u^n y` becomes `x v^n c s> y`
                c = L[-1][0][len(L[-1][0]) - k:] if k else ()
                L = (L[:-1] + [(L[-1][0][: len(L[-1][0]) - k], False)] if k else L) + [(v, True), (c, False)]
                R = R[1:]
            else:  # `x u^n <s c y` becomes `x <s c v^n y`
                c = R[0][0][:k]
                R = [(c, False), (v, True)] + ([(R[0][0][k:], False)] + R[1:] if k else R)
                L = L[:-1]
            L, R = _merged(L), _merged(R)
            continue
        if near:
            w = near[idx][0]
            sym = w[idx]
            rest = w[1:] if facing > 0 else w[:-1]
            near = ([(rest, False)] if rest else []) + near[1:] if facing > 0 else near[:-1] + ([(rest, False)] if rest else [])
        else:
            sym = 0
        if facing > 0:
            R = near
        else:
            L = near
        tr = table[s][sym]
        if tr is None or tr.next_state == HALT:
            return "a halting transition is reached"
        concrete += 1
        if tr.move > 0:
            L = L[:-1] + [(L[-1][0] + (tr.write,), False)] if L and not L[-1][1] else L + [((tr.write,), False)]
        else:
            R = [((tr.write,) + R[0][0], False)] + R[1:] if R and not R[0][1] else [((tr.write,), False)] + R
        facing, s = tr.move, tr.next_state
    return f"the formula does not recur within {max_ops} symbolic steps"


def _cross(table: tuple[tuple[Any, ...], ...], s: int, facing: int, u: tuple[int, ...],
           behind: list[Segment]) -> tuple[tuple[int, ...], int] | None:
    """The shift rule, with k = 0..3 cells of context c taken from the written word behind the
    head: facing right, if `c s> u` runs, never leaving the window c·u, to `v c s>` (the same c),
    then `c s> u^n` runs to `v^n c s>` for every n (induction on n); facing left, `u <s c` to
    `<s c v`. (v, k) for the first k that works, None if none does."""
    for k in range(4):
        if k:
            if not behind:
                return None
            w, rep = behind[-1] if facing > 0 else behind[0]
            if rep or len(w) < k:
                return None
            c = w[len(w) - k:] if facing > 0 else w[:k]
        else:
            c = ()
        window = list(c + u) if facing > 0 else list(u + c)
        pos = k if facing > 0 else len(u) - 1
        t = s
        for _ in range(64 * len(window)):
            if not 0 <= pos < len(window):
                break
            tr = table[t][window[pos]]
            if tr is None or tr.next_state == HALT:
                return None  # halting inside the window: no rule
            window[pos] = tr.write
            pos += tr.move
            t = tr.next_state
        if t != s:
            continue
        if facing > 0 and pos == len(window) and tuple(window[len(u):]) == c:
            return tuple(window[: len(u)]), k
        if facing < 0 and pos == -1 and tuple(window[:k]) == c:
            return tuple(window[k:]), k
    return None


def _merged(segments: list[Segment]) -> list[Segment]:
    """Adjacent written words joined, empty ones dropped (the same tapes)."""
    out: list[Segment] = []
    for w, rep in segments:
        if not w:
            continue
        if out and not rep and not out[-1][1]:
            out[-1] = (out[-1][0] + w, False)
        else:
            out.append((w, rep))
    return out


def _carry(table: tuple[tuple[Any, ...], ...], s: int, facing: int, L: list[Segment],
           R: list[Segment]) -> tuple[list[Segment], list[Segment]] | None:
    """The shift rule for a short written word c that the head pushes ahead of itself through a
    repeated word u: facing right, with the head in state s on the first cell of c and u^n right
    after c, if the window c·u runs (never leaving it) to v·c with the head again in state s on
    the first cell of c, then `s> c u^n` runs to `v^n s> c` for every n (induction on n); facing
    left, with the head on the last cell of c and u^n before it, `u c <s` to `c <s v` gives
    `u^n c <s` to `c <s v^n`. The new (L, R), or None when the rule does not apply."""
    if facing > 0:
        if len(R) < 2 or R[0][1] or not R[1][1] or len(R[0][0]) > 4:
            return None
        c, u = R[0][0], R[1][0]
        window, pos, home = list(c + u), 0, len(u)
    else:
        if len(L) < 2 or L[-1][1] or not L[-2][1] or len(L[-1][0]) > 4:
            return None
        c, u = L[-1][0], L[-2][0]
        window, pos, home = list(u + c), len(u) + len(c) - 1, len(c) - 1
    t = s
    for _ in range(64 * len(window)):
        tr = table[t][window[pos]]
        if tr is None or tr.next_state == HALT:
            return None
        window[pos] = tr.write
        pos += tr.move
        t = tr.next_state
        if not 0 <= pos < len(window):
            return None
        if t == s and pos == home:
            if facing > 0 and tuple(window[len(u):]) == c:
                return L + [(tuple(window[: len(u)]), True)], [(c, False)] + R[2:]
            if facing < 0 and tuple(window[: len(c)]) == c:
                return L[:-2] + [(c, False)], [(tuple(window[len(c):]), True)] + R
    return None


def _shape(segments: list[Segment]) -> tuple[int, tuple[int, ...]]:
    """What normalising keeps: the non-blank written symbols and the lengths of the repeated words
    (a quick filter before comparing normal forms)."""
    return (sum(1 for w, rep in segments if not rep for x in w if x), tuple(len(w) for w, rep in segments if rep))


def _bump(segments: list[Segment]) -> list[Segment]:
    """The formula with every repeater at n + 1, written as one copy then the repeater."""
    return [x for w, rep in segments for x in ([(w, False), (w, True)] if rep else [(w, False)])]


def _verify_bouncer(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    """The configuration at `start` is F(1), where F(n) is `left state> right` with every
    parenthesised word repeated n times (up to translation), and `bouncer_step_to` takes F(n) to
    F(n + 1) for every n >= 0 in at least one step without a halting transition: so the machine
    passes through F(1), F(2), ... and never halts. Canonical: both sides in `bouncer_normal`
    form, `start` the first time F(1) holds, and if F(0) holds earlier, the formula without one
    copy of each repeated word (when each has one just before it) must not work."""
    start, state = cert["start"], cert["state"]
    m = machine.n_symbols
    if not 0 <= start <= MAX_VERIFY_STEPS // 10:
        return False, "start out of range"
    if not 0 <= state < machine.n_states:
        return False, "state out of range"
    left, right = bouncer_parse(cert["left"], m), bouncer_parse(cert["right"], m)
    if left is None or right is None:
        return False, "left and right must be digits with parenthesised repeated words, e.g. 1(10)0"
    if bouncer_text(bouncer_normal(left, -1)) != cert["left"] or bouncer_text(bouncer_normal(right, 1)) != cert["right"]:
        return False, "the formula is not in normal form"
    if not any(rep for _, rep in left + right):
        return False, "the formula has no repeated word"
    one = _config_key(state, bouncer_instance(left, 1), bouncer_instance(right, 1))
    zero = _config_key(state, bouncer_instance(left, 0), bouncer_instance(right, 0))  # a shorter formula at n = 1
    tape: dict[int, int] = {}
    s, head, zero_at = 0, 0, None
    for t in range(start + 1):
        if s == HALT:
            return False, "the machine halts"
        key = None
        if s == state and len(tape) in (len(one[1]), len(zero[1])):
            key = (s, tuple((p - head, x) for p, x in sorted(tape.items())))
        if t < start and key == one:
            return False, f"the formula at n = 1 already holds at step {t}: start is not minimal"
        if t < start and key == zero and zero_at is None:
            zero_at = t
        if t == start and key != one:
            return False, f"the configuration at step {start} is not the formula at n = 1"
        if t < start:
            s, head = step_config(machine, tape, s, head)
    why = bouncer_step_to(machine, state, left, right)
    if why:
        return False, why
    shorter = bouncer_shorter(left, right)
    if zero_at is not None and shorter is not None and not bouncer_step_to(machine, state, *shorter):
        return False, f"a shorter formula (one copy of each repeated word less) works from step {zero_at}"
    return True, ""


def bouncer_shorter(left: list[Segment], right: list[Segment]) -> tuple[list[Segment], list[Segment]] | None:
    """The formula with the copy of each repeated word written just before it removed (the same
    tapes, n shifted by one), or None when some repeated word has no such copy."""
    out = []
    for segs in (left, right):
        new = list(segs)
        for i, (u, rep) in enumerate(segs):
            if not rep:
                continue
            if i == 0 or new[i - 1][1] or new[i - 1][0][-len(u):] != u:
                return None
            new[i - 1] = (new[i - 1][0][: -len(u)], False)
        out.append(new)
    return out[0], out[1]



# --- finite automata reduction with a larger DFA, not minimal ------------------------------------

FAR_DIRECT_MAX_STATES = 6
"""A `far_direct` certificate's DFA has at most this many states (its matrices are re-derived by
Kleene iteration, which stays cheap; no earlier DFA is re-tried)."""


def _verify_far_direct(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    """FAR conditions 1-4 (module docstring) for the certificate's DFA, whose NFA and accept set
    must be the least ones for it. The DFA is larger than `finite_automata_reduction` takes (5-6
    states for 2 symbols) and, unlike there, need not be the first that works (re-trying the ~20,000 earlier 5-state DFAs would take minutes), so the
    certificate is canonical for its DFA only: any changed matrix bit, accept bit, mirror or DFA
    entry makes the least matrices differ from the given ones (tested)."""
    mirror, dfa, nfa_rows, accept_bits = cert["mirror"], cert["dfa"], cert["nfa"], cert["accept"]
    m = machine.n_symbols
    if mirror not in (0, 1) or not _is_int(mirror):
        return False, "mirror must be 0 or 1"
    if not isinstance(dfa, list) or not all(_is_int(d) for d in dfa) or not dfa or len(dfa) % m:
        return False, f"dfa must be a non-empty list of integers, {m} per DFA state"
    n = len(dfa) // m
    if n > FAR_DIRECT_MAX_STATES:
        return False, f"a DFA with more than {FAR_DIRECT_MAX_STATES} states is not accepted"
    if n ** (n * m) <= FAR_MAX_DFA_TABLES:
        return False, "a DFA this small makes a finite_automata_reduction certificate (minimal DFA)"
    why = _far_tables_wrong(machine, mirror, dfa, n, m, nfa_rows, accept_bits)
    if why:
        return False, why
    return True, ""


# --- repeated word lists ------------------------------------------------------------------------

RWL_MAX_BLOCK, RWL_MAX_THRESHOLD = 8, 3
RWL_MAX_CONFIGS, RWL_MAX_RUNS = 2_000, 24
"""Bounds of the repeated-word-list abstraction: block sizes 1..8, thresholds 2..3, at most 2,000
abstract configurations and 24 runs per side (beyond that the closure counts as failed). The 141
4-state machines it settles need at most 459 configurations, block 6 and threshold 3."""

RunStack = tuple[tuple[tuple[int, ...], int], ...]
RwlConfig = tuple[int, int, RunStack, RunStack]


def _block_run(machine: Machine, state: int, cells: tuple[int, ...], from_left: bool) -> tuple[str, int, tuple[int, ...]]:
    """Run the machine inside one block entered at its left (or right) end until it leaves:
    ("left"|"right", state, block written), ("halt", ...) or ("loop", ...) when it never leaves
    (a configuration inside the block repeats: more steps than configurations)."""
    w = list(cells)
    pos = 0 if from_left else len(w) - 1
    s = state
    for _ in range(machine.n_states * len(w) * machine.n_symbols ** len(w) + 1):
        tr = machine.table[s][w[pos]]
        if tr is None or tr.next_state == HALT:
            return "halt", s, cells
        w[pos] = tr.write
        pos += tr.move
        s = tr.next_state
        if pos < 0:
            return "left", s, tuple(w)
        if pos >= len(w):
            return "right", s, tuple(w)
    return "loop", s, cells


def rwl_closure(machine: Machine, block: int, threshold: int) -> tuple[str, set[RwlConfig]]:
    """The repeated-word-list abstraction (after bbchallenge/Coq-BB5's RepWL decider), explored
    from the blank tape: ("", the closed set) when no halting transition is reachable, else
    (the failure, the set so far).

    The tape is cut into blocks of `block` cells aligned on the head, which sits on a block
    boundary facing one way (state, facing, left runs, right runs); each side is a stack of runs
    (word, count), nearest run last, blank beyond the bottom. A count below `threshold` is exact;
    `threshold` itself means "at least threshold". One abstract step runs the machine inside the
    block it faces (`_block_run`): if it leaves on the far side in the state it entered with, it
    crosses the whole run the same way (count blocks, by induction); otherwise it consumes one
    block of the run, and from "at least T" that leaves exactly T - 1 or again at least T (both
    are explored). The written block is pushed on the side the head left behind, merging with an
    equal word on top (counts add, capped at T); a zero block pushed on an empty side is blank.
    Every concrete configuration at a block boundary is represented by an abstract one (each rule
    over-approximates the concrete run), so if the closure contains no halting transition the
    machine, which starts at the abstract start, never halts."""
    T = threshold
    zero = (0,) * block
    memo: dict[tuple[int, tuple[int, ...], bool], tuple[str, int, tuple[int, ...]]] = {}

    def push(stack: RunStack, word: tuple[int, ...], count: int) -> RunStack:
        if stack and stack[-1][0] == word:
            return stack[:-1] + ((word, min(stack[-1][1] + count, T)),)
        if not stack and word == zero:
            return stack
        return stack + ((word, min(count, T)),)

    def rest_after_one(stack: RunStack) -> list[RunStack]:
        if not stack:
            return [stack]
        word, count = stack[-1]
        below = stack[:-1]
        if len(below) == 1 and below[0][0] == zero and count == 1:
            below = ()  # a zero run at the bottom is blank tape
        if count == 1:
            return [below]
        if count < T:
            return [below + ((word, count - 1),)]
        return [below + ((word, T - 1),), stack]

    start: RwlConfig = (0, 1, (), ())
    seen = {start}
    todo = [start]
    while todo:
        state, facing, left, right = todo.pop()
        near, far = (right, left) if facing > 0 else (left, right)
        word, count = near[-1] if near else (zero, 0)
        key = (state, word, facing > 0)
        if key not in memo:
            memo[key] = _block_run(machine, state, word, facing > 0)
        kind, s2, written = memo[key]
        if kind == "halt":
            return f"a halting transition is reached (state {STATE_LETTERS[state]})", seen
        if kind == "loop":
            continue  # the machine stays inside this block forever
        forward = (kind == "right") == (facing > 0)
        nxt: list[tuple[int, int, RunStack, RunStack]] = []  # (state, facing, far, near)
        if forward and s2 == state:
            if not near:
                continue  # it sweeps into blank tape the same way forever
            nxt.append((state, facing, push(far, written, count), near[:-1]))
        else:
            for rest in rest_after_one(near):
                if forward:
                    nxt.append((s2, facing, push(far, written, 1), rest))
                else:
                    nxt.append((s2, -facing, far, push(rest, written, 1)))
        for s3, f3, far3, near3 in nxt:
            left3, right3 = (far3, near3) if facing > 0 else (near3, far3)
            cfg = (s3, f3, left3, right3)
            if cfg in seen:
                continue
            if len(left3) > RWL_MAX_RUNS or len(right3) > RWL_MAX_RUNS:
                return f"more than {RWL_MAX_RUNS} runs on one side", seen
            if len(seen) >= RWL_MAX_CONFIGS:
                return f"more than {RWL_MAX_CONFIGS} abstract configurations", seen
            seen.add(cfg)
            todo.append(cfg)
    return "", seen


def rwl_parameters() -> list[tuple[int, int]]:
    """(block, threshold) in the order the decider tries them; a certificate names the first
    that closes."""
    return [(b, t) for b in range(1, RWL_MAX_BLOCK + 1) for t in range(2, RWL_MAX_THRESHOLD + 1)]


def _verify_rwl(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    block, threshold = cert["block"], cert["threshold"]
    if (block, threshold) not in rwl_parameters():
        return False, f"block must be 1..{RWL_MAX_BLOCK} and threshold 2..{RWL_MAX_THRESHOLD}"
    why, _ = rwl_closure(machine, block, threshold)
    if why:
        return False, why
    for earlier in rwl_parameters():
        if earlier == (block, threshold):
            break
        if not rwl_closure(machine, *earlier)[0]:
            return False, f"block {earlier[0]}, threshold {earlier[1]} already closes: not the first parameters"
    return True, ""



_VERIFIERS = {
    "halts": _verify_halts,
    "cycler": _verify_cycler,
    "translated_cycler": _verify_translated,
    "backward_reasoning": _verify_backward,
    "ngram_cps": _verify_cps,
    "finite_automata_reduction": _verify_far,
    "bouncer": _verify_bouncer,
    "far_direct": _verify_far_direct,
    "repeated_word_list": _verify_rwl,
}
_FIELDS = {
    "halts": {"steps", "ones"},
    "cycler": {"start", "period"},
    "translated_cycler": {"start", "period", "shift"},
    "backward_reasoning": {"depth"},
    "ngram_cps": {"radius"},
    "finite_automata_reduction": {"mirror", "dfa", "nfa", "accept"},
    "bouncer": {"start", "state", "left", "right"},
    "far_direct": {"mirror", "dfa", "nfa", "accept"},
    "repeated_word_list": {"block", "threshold"},
}
_STRUCTURED_FIELDS = {"finite_automata_reduction": {"dfa", "nfa", "accept"}, "bouncer": {"left", "right"},
                      "far_direct": {"dfa", "nfa", "accept"}}
"""Fields that are not plain integers; their verifier checks their shape itself."""
CERTIFICATE_METHODS = tuple(_VERIFIERS)
