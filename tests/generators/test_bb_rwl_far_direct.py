"""Repeated word lists and FAR with 5-6 state DFAs: the deciders that close the 4-state space,
their verifiers, malformed input, and the meaning of the certificates checked against the plain
reference simulator."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from bb_samples import FAR_DIRECT, FAR_DIRECT_SIX, REPEATED_WORD_LISTS
from test_bb_far import accepts

from axiomforge.generators.busy_beaver.certificates import _block_run, rwl_closure, verify
from axiomforge.generators.busy_beaver.deciders import decide_far_direct, decide_rwl
from axiomforge.generators.busy_beaver.enumerate import enumerate_tnf
from axiomforge.generators.busy_beaver.machine import HALT, Machine, parse_machine
from axiomforge.generators.busy_beaver.reference import run_reference, step_config, trace


@functools.cache
def rwl_certified() -> list[tuple[Machine, dict[str, Any]]]:
    out = []
    for text in REPEATED_WORD_LISTS:
        machine = parse_machine(text)
        cert = decide_rwl(machine)
        assert cert is not None, text
        out.append((machine, cert))
    return out


def exact_macro_run(machine: Machine, block: int, macro_steps: int):  # type: ignore[no-untyped-def]
    """The block-level run with exact counts (no threshold): yields (base steps so far, state,
    facing, left runs, right runs) after each macro step; written only to be compared with the
    reference simulator and with the abstraction."""
    zero = (0,) * block
    state, facing, left, right, steps = 0, 1, [], [], 0

    def push(stack: list, word: tuple[int, ...], count: int) -> None:  # type: ignore[type-arg]
        if stack and stack[-1][0] == word:
            stack[-1] = (word, stack[-1][1] + count)
        elif stack or word != zero:
            stack.append((word, count))

    for _ in range(macro_steps):
        near, far = (right, left) if facing > 0 else (left, right)
        word, count = near[-1] if near else (zero, 0)
        cells, pos, s, k = list(word), 0 if facing > 0 else block - 1, state, 0
        while 0 <= pos < block:
            tr = machine.table[s][cells[pos]]
            assert tr is not None and tr.next_state != HALT
            cells[pos], pos, s, k = tr.write, pos + tr.move, tr.next_state, k + 1
            assert k < 10_000
        forward = (pos >= block) == (facing > 0)
        if forward and s == state and near:
            near.pop()
            push(far, tuple(cells), count)
            steps += k * count
        else:
            if near:
                near[-1] = (word, count - 1)
                if count == 1:
                    near.pop()
                if len(near) == 1 and near[0] == (zero, near[0][1]) and count == 1:
                    near.pop()  # a zero run at the bottom is blank tape
            if forward:
                push(far, tuple(cells), 1)
            else:
                push(near, tuple(cells), 1)
                facing = -facing
            state = s
            steps += k
        yield steps, state, facing, tuple(left), tuple(right)


def expand(facing: int, left: tuple, right: tuple) -> tuple[int, tuple[tuple[int, int], ...]]:  # type: ignore[type-arg]
    """The head position (the cell it reads next) and non-blank cells, head boundary at 0."""
    cells = []
    pos = 0
    for word, count in reversed(right):
        for _ in range(count):
            for x in word:
                cells.append((pos, x))
                pos += 1
    pos = 0
    for word, count in reversed(left):
        for _ in range(count):
            for x in reversed(word):
                pos -= 1
                cells.append((pos, x))
    head = 0 if facing > 0 else -1
    return head, tuple(sorted((p - head, x) for p, x in cells if x))


def test_rwl_certified_machines_verify_and_match_the_reference_run() -> None:
    """The block-level run agrees with the reference simulator at every macro step, and each of
    its configurations, counts capped at the threshold, lies in the certificate's closure."""
    for machine, cert in rwl_certified():
        assert verify(machine, cert) == (True, ""), machine.text()
        block, threshold = cert["block"], cert["threshold"]
        why, closure = rwl_closure(machine, block, threshold)
        assert why == ""
        tape: dict[int, int] = {}
        state, head, done = 0, 0, 0
        for steps, s, facing, left, right in exact_macro_run(machine, block, 300):
            while done < steps:
                state, head = step_config(machine, tape, state, head)
                done += 1
                assert state != HALT
            rel_head, cells = expand(facing, left, right)
            assert s == state, machine.text()
            assert tuple(sorted((p - head, x) for p, x in tape.items())) == cells, (machine.text(), steps)
            capped = (s, facing, *(tuple((w, min(c, threshold)) for w, c in side) for side in (left, right)))
            assert capped in closure, (machine.text(), steps, capped)
            del rel_head


def test_rwl_settles_no_halting_machine() -> None:
    halting = [leaf.machine for leaf in enumerate_tnf(3).leaves
               if leaf.certificate and leaf.certificate["method"] == "halts"]
    assert len(halting) == 1379
    for machine in halting[::3]:
        assert decide_rwl(machine) is None, machine.text()
        for block, threshold in ((1, 2), (2, 3), (3, 2)):
            assert rwl_closure(machine, block, threshold)[0], machine.text()


def test_block_run_reports_halting_and_loops() -> None:
    m = parse_machine("1RB1LB_1LA1RZ")
    assert _block_run(m, 1, (1, 1), True)[0] == "halt"
    loop = parse_machine("1RB1RB_1LA1LA")  # A and B bounce inside two cells forever
    assert _block_run(loop, 0, (0, 0), True)[0] == "loop"


@pytest.mark.parametrize("text", FAR_DIRECT)
def test_far_direct_machines_verify_and_reject_their_run(text: str) -> None:
    machine = parse_machine(text)
    cert = decide_far_direct(machine, 5, compiled=True)
    assert cert is not None and len(cert["dfa"]) == 10
    assert verify(machine, cert) == (True, "")
    for config in trace(machine, 400):
        assert not accepts(machine, cert, config.state, config.head, config.tape())
    assert not run_reference(machine, 10_000).halted


def test_the_compiled_far_search_finds_the_python_one() -> None:
    machine = parse_machine(FAR_DIRECT[2])
    assert decide_far_direct(machine, 5) == decide_far_direct(machine, 5, compiled=True)


def test_the_last_four_state_holdout_needs_a_six_state_dfa() -> None:
    machine = parse_machine(FAR_DIRECT_SIX)
    assert decide_far_direct(machine, 5, compiled=True) is None
    cert = decide_far_direct(machine, 6, compiled=True)
    assert cert is not None and len(cert["dfa"]) == 12
    assert verify(machine, cert) == (True, "")
    for config in trace(machine, 300):
        assert not accepts(machine, cert, config.state, config.head, config.tape())


JUNK: list[Any] = [None, "", "x", "1", 1.5, -1, 0, 10**30, True, [], [[]], {}, [1, "a"], ["0" * 5], [["2"]]]


def test_malformed_certificates_are_rejected_without_raising() -> None:
    machine, rwl = rwl_certified()[0]
    far_machine = parse_machine(FAR_DIRECT[0])
    far = decide_far_direct(far_machine, 5, compiled=True)
    assert far is not None
    for m, cert in ((machine, rwl), (far_machine, far)):
        for key in cert:
            if key == "method":
                continue
            for junk in JUNK:
                ok, why = verify(m, {**cert, key: junk})
                assert not ok and why, (key, junk)
        assert not verify(m, {k: v for k, v in cert.items() if k != next(iter(set(cert) - {"method"}))})[0]
    # a six-state DFA in the wrong shape, a seven-state DFA, and ragged matrices
    assert not verify(far_machine, {**far, "dfa": [0] * 14})[0]
    assert not verify(far_machine, {**far, "nfa": [row[:-1] for row in far["nfa"]]})[0]
    assert not verify(far_machine, {**far, "nfa": [[r[:-1] for r in mat] for mat in far["nfa"]]})[0]
    assert not verify(far_machine, {**far, "accept": far["accept"] + "0"})[0]
