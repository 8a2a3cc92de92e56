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
"""

from __future__ import annotations

from typing import Any

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
    for key in expected:
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


_VERIFIERS = {
    "halts": _verify_halts,
    "cycler": _verify_cycler,
    "translated_cycler": _verify_translated,
    "backward_reasoning": _verify_backward,
    "ngram_cps": _verify_cps,
}
_FIELDS = {
    "halts": {"steps", "ones"},
    "cycler": {"start", "period"},
    "translated_cycler": {"start", "period", "shift"},
    "backward_reasoning": {"depth"},
    "ngram_cps": {"radius"},
}
CERTIFICATE_METHODS = tuple(_VERIFIERS)
