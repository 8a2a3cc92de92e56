"""Finite automata reduction: the decider, the verifier, and the meaning of its certificates."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from axiomforge.generators.busy_beaver.certificates import (
    _far_dfas,
    far_closed,
    far_dfa_normal,
    far_least,
    verify,
)
from axiomforge.generators.busy_beaver.deciders import canonical_dfas, decide_far
from axiomforge.generators.busy_beaver.enumerate import enumerate_tnf
from axiomforge.generators.busy_beaver.machine import HALT, Machine, parse_machine
from axiomforge.generators.busy_beaver.reference import trace

METHOD = "finite_automata_reduction"


@functools.cache
def leaves() -> tuple[list[tuple[Machine, dict[str, Any]]], list[Machine]]:
    """(FAR-certified machines, halting machines) of the 3-state enumeration."""
    far, halting = [], []
    for leaf in enumerate_tnf(3).leaves:
        if leaf.certificate and leaf.certificate["method"] == METHOD:
            far.append((leaf.machine, leaf.certificate))
        elif leaf.certificate and leaf.certificate["method"] == "halts":
            halting.append(leaf.machine)
    return far, halting


def accepts(machine: Machine, cert: dict[str, Any], state: int, head: int, tape: dict[int, int]) -> bool:
    """Run the certificate's automaton on the word of a configuration (plain sets, no matrices)."""
    if cert["mirror"]:
        head, tape = -head, {-p: s for p, s in tape.items()}
    m, S = machine.n_symbols, machine.n_states
    lo, hi = min([head - 1, *tape]) - 2, max([head, *tape]) + 2
    q = 0
    for pos in range(lo, head):
        q = cert["dfa"][m * q + tape.get(pos, 0)]
    current = {q * S + state}
    for pos in range(head, hi + 1):
        rows = cert["nfa"][tape.get(pos, 0)]
        current = {j for i in current for j, c in enumerate(rows[i]) if c == "1"}
    return any(cert["accept"][i] == "1" for i in current)


def certificate(machine: Machine, mirror: int, dfa: list[int]) -> dict[str, Any]:
    nfa, accept = far_least(machine, mirror, dfa)
    return {
        "method": METHOD, "mirror": mirror, "dfa": dfa,
        "nfa": [["".join("1" if x else "0" for x in row) for row in mat] for mat in nfa],
        "accept": "".join("1" if x else "0" for x in accept),
    }


def test_three_states_need_it_and_it_verifies() -> None:
    far, _ = leaves()
    assert len(far) == 11
    for machine, cert in far:
        assert decide_far(machine, 4) == cert
        assert verify(machine, cert) == (True, ""), machine.text()


def test_decider_and_verifier_agree_on_the_dfa_order() -> None:
    for n in range(1, 5):
        assert [list(d) for d in canonical_dfas(n)] == _far_dfas(n, 2)
    assert [list(d) for d in canonical_dfas(2, 3)] == _far_dfas(2, 3)
    assert far_dfa_normal([0, 1, 1, 0], 2, 2)
    assert not far_dfa_normal([1, 0, 0, 0], 2, 2)  # leading blanks would move the DFA
    assert not far_dfa_normal([0, 0, 1, 1], 2, 2)  # state 1 only reachable from itself
    assert not far_dfa_normal([0, 2, 1, 0, 0, 0], 3, 2)  # 2 named before 1


def test_reachable_configurations_are_rejected() -> None:
    """Every configuration reachable from the start must be outside the language (else, being
    closed under predecessors, it would contain the start)."""
    for machine, cert in leaves()[0]:
        for cfg in trace(machine, 400):
            assert not accepts(machine, cert, cfg.state, cfg.head, cfg.tape()), (machine.text(), cfg)


def test_configurations_that_halt_are_accepted() -> None:
    """For a halting machine and any DFA, the least closure accepts every configuration of the
    halting run; so no such certificate can reject the start."""
    for machine in leaves()[1][::40]:
        run = trace(machine, 200)
        assert run[-1].state == HALT
        for mirror in (0, 1):
            for dfa in _far_dfas(2, 2):
                cert = certificate(machine, mirror, dfa)
                for cfg in run[:-1]:
                    assert accepts(machine, cert, cfg.state, cfg.head, cfg.tape()), (machine.text(), cfg)
                assert not verify(machine, cert)[0]


def test_halting_machines_get_no_certificate() -> None:
    far, halting = leaves()
    for machine in halting[::5]:
        assert decide_far(machine, 3) is None, machine.text()
        for _, cert in far[:4]:
            assert not verify(machine, cert)[0], machine.text()


def test_forged_certificates_for_a_halting_machine_are_rejected() -> None:
    machine = parse_machine("1RB1LB_1LA1RZ")  # halts after 6 steps
    cert = certificate(machine, 0, [0, 1, 1, 0])
    assert cert["accept"][0] == "1"
    assert not verify(machine, cert)[0]
    # claim the start is rejected
    forged = {**cert, "accept": "0" + cert["accept"][1:]}
    assert not verify(machine, forged)[0]
    # drop everything but the sink: halting edges and closure go missing
    width = len(cert["accept"])
    empty = ["0" * width] * (width - 1) + ["0" * (width - 1) + "1"]
    assert not verify(machine, {**cert, "nfa": [empty, empty], "accept": "0" * (width - 1) + "1"})[0]
    nfa = np.zeros((2, width, width), dtype=bool)
    accept = np.zeros(width, dtype=bool)
    assert far_closed(machine, 0, [0, 1, 1, 0], nfa, accept)


def test_a_later_dfa_that_also_works_is_not_canonical() -> None:
    machine, cert = leaves()[0][0]
    later = [
        (mirror, dfa) for mirror in (0, 1) for dfa in _far_dfas(3, 2)
        if not far_least(machine, mirror, dfa)[1][0] and (3, mirror, dfa) > (len(cert["dfa"]) // 2, cert["mirror"], cert["dfa"])
    ]
    assert later
    mirror, dfa = later[0]
    other = certificate(machine, mirror, dfa)
    assert far_closed(machine, mirror, dfa, *far_least(machine, mirror, dfa)) == ""
    ok, why = verify(machine, other)
    assert not ok and "earlier DFA" in why


def test_malformed_fields_are_rejected() -> None:
    machine, cert = leaves()[0][0]
    for bad in (
        {**cert, "dfa": [True, 0]},
        {**cert, "dfa": []},
        {**cert, "dfa": cert["dfa"] + [0]},
        {**cert, "dfa": [0] * 10},
        {**cert, "nfa": cert["nfa"][:1]},
        {**cert, "nfa": [cert["nfa"][0], cert["nfa"][1][:-1]]},
        {**cert, "nfa": [cert["nfa"][0], [r.replace("1", "2") for r in cert["nfa"][1]]]},
        {**cert, "accept": cert["accept"] + "0"},
        {**cert, "accept": 3},
        {**cert, "mirror": True},
        {**cert, "mirror": 2},
    ):
        ok, why = verify(machine, bad)
        assert not ok and why, bad


def test_a_four_state_bouncer() -> None:
    machine = parse_machine("1RB1LA_0LA1RC_0RB0RD_---1LA")  # undecided before: needs a 4-state DFA
    cert = decide_far(machine, 4)
    assert cert is not None and len(cert["dfa"]) == 8
    assert verify(machine, cert) == (True, "")
    for cfg in trace(machine, 300):
        assert not accepts(machine, cert, cfg.state, cfg.head, cfg.tape())
