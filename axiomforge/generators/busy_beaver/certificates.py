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

from axiomforge.generators.busy_beaver.machine import HALT, Machine
from axiomforge.generators.busy_beaver.reference import Config, run_reference, step_config

Certificate = dict[str, Any]
MAX_VERIFY_STEPS = 2_000_000
"""Verifiers refuse certificates that would need more reference steps than this."""


def verify(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    """(True, "") when `cert` proves what it says about `machine`, else (False, reason)."""
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
    return verifier(machine, cert)


def certificate_proves_halting(cert: Certificate) -> bool:
    return cert.get("method") == "halts"


def _verify_halts(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    steps, ones = cert["steps"], cert["ones"]
    if not 1 <= steps <= MAX_VERIFY_STEPS:
        return False, f"step count {steps} out of range"
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


def _verify_far(machine: Machine, cert: Certificate) -> tuple[bool, str]:
    mirror, dfa, nfa_rows, accept_bits = cert["mirror"], cert["dfa"], cert["nfa"], cert["accept"]
    m, S = machine.n_symbols, machine.n_states
    if mirror not in (0, 1) or not _is_int(mirror):
        return False, "mirror must be 0 or 1"
    if not isinstance(dfa, list) or not all(_is_int(d) for d in dfa) or not dfa or len(dfa) % m:
        return False, f"dfa must be a non-empty list of integers, {m} per DFA state"
    n = len(dfa) // m
    if n ** (n * m) > FAR_MAX_DFA_TABLES:
        return False, f"a DFA with {n} states over {m} symbols is too large to re-check"
    if not far_dfa_normal(dfa, n, m):
        return False, "the DFA is not in breadth-first normal form"
    width = n * S + 1
    if not isinstance(nfa_rows, list) or len(nfa_rows) != m:
        return False, f"nfa must hold one matrix per symbol ({m})"
    mats = [_bit_matrix(rows, width) for rows in nfa_rows]
    if any(mat is None for mat in mats):
        return False, f"each nfa matrix must be {width} strings of {width} characters 0/1"
    if not isinstance(accept_bits, str) or len(accept_bits) != width or not set(accept_bits) <= {"0", "1"}:
        return False, f"accept must be a string of {width} characters 0/1"
    nfa = np.stack([mat for mat in mats if mat is not None])
    accept = np.array([c == "1" for c in accept_bits], dtype=bool)
    why = far_closed(machine, mirror, dfa, nfa, accept)
    if why:
        return False, why
    least_nfa, least_accept = far_least(machine, mirror, dfa)
    if not (np.array_equal(least_nfa, nfa) and np.array_equal(least_accept, accept)):
        return False, "the NFA and accept set are not the least ones for this DFA"
    for n2 in range(1, n + 1):
        earlier = _far_dfas(n2, m)
        for mirror2 in (0, 1):
            for dfa2 in earlier:
                if (n2, mirror2, dfa2) >= (n, mirror, dfa):
                    break
                if not far_least(machine, mirror2, dfa2)[1][0]:
                    return False, f"an earlier DFA already works: mirror {mirror2}, dfa {dfa2}"
    return True, ""


_VERIFIERS = {
    "halts": _verify_halts,
    "cycler": _verify_cycler,
    "translated_cycler": _verify_translated,
    "backward_reasoning": _verify_backward,
    "ngram_cps": _verify_cps,
    "finite_automata_reduction": _verify_far,
}
_FIELDS = {
    "halts": {"steps", "ones"},
    "cycler": {"start", "period"},
    "translated_cycler": {"start", "period", "shift"},
    "backward_reasoning": {"depth"},
    "ngram_cps": {"radius"},
    "finite_automata_reduction": {"mirror", "dfa", "nfa", "accept"},
}
_STRUCTURED_FIELDS = {"finite_automata_reduction": {"dfa", "nfa", "accept"}}
"""Fields that are not plain integers; their verifier checks their shape itself."""
CERTIFICATE_METHODS = tuple(_VERIFIERS)
