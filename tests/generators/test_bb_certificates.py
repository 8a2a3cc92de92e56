"""Certificate verifiers: they accept what the deciders produce and reject any tampered field."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from bb_samples import BOUNCERS, FAR_DIRECT, REPEATED_WORD_LISTS

from axiomforge.generators.busy_beaver.certificates import CERTIFICATE_METHODS, verify
from axiomforge.generators.busy_beaver.deciders import (
    decide,
    decide_backward,
    decide_bouncer,
    decide_cycler,
    decide_far_direct,
    decide_halts,
    decide_rwl,
    decide_translated_cycler,
)
from axiomforge.generators.busy_beaver.enumerate import enumerate_tnf
from axiomforge.generators.busy_beaver.machine import Machine, parse_machine


@functools.cache
def samples() -> dict[str, list[tuple[Machine, dict[str, Any]]]]:
    """Up to 40 certified machines per method from the 3-state enumeration, and the bouncers,
    repeated-word-list and 5-state-DFA machines of `bb_samples` (no 3-state machine needs one)."""
    out: dict[str, list[tuple[Machine, dict[str, Any]]]] = {m: [] for m in CERTIFICATE_METHODS}
    for leaf in enumerate_tnf(3).leaves:
        if leaf.certificate and len(out[leaf.certificate["method"]]) < 40:
            out[leaf.certificate["method"]].append((leaf.machine, leaf.certificate))
    for text in BOUNCERS:
        machine = parse_machine(text)
        cert = decide_bouncer(machine)
        assert cert is not None, text
        out["bouncer"].append((machine, cert))
    for text in REPEATED_WORD_LISTS:
        machine = parse_machine(text)
        cert = decide_rwl(machine)
        assert cert is not None, text
        out["repeated_word_list"].append((machine, cert))
    for text in FAR_DIRECT[:3]:
        machine = parse_machine(text)
        cert = decide_far_direct(machine, 5, compiled=True)
        assert cert is not None, text
        out["far_direct"].append((machine, cert))
    return out


def variants(value: Any) -> list[Any]:
    """Every single change of a field value: an integer +1 and -1, each character of a 0/1
    string flipped, each element of a list changed in each of these ways."""
    if isinstance(value, int):
        return [value + 1, value - 1]
    if isinstance(value, str):
        return [value[:i] + ("1" if c == "0" else "0") + value[i + 1 :] for i, c in enumerate(value)]
    assert isinstance(value, list)
    return [value[:i] + [v] + value[i + 1 :] for i, item in enumerate(value) for v in variants(item)]


def tampered(cert: dict[str, Any]) -> list[dict[str, Any]]:
    """Every single-field change: see `variants`, and every other method name."""
    out = []
    for key, value in cert.items():
        if key == "method":
            out += [{**cert, "method": other} for other in CERTIFICATE_METHODS if other != value]
        else:
            out += [{**cert, key: v} for v in variants(value)]
    return out


@pytest.mark.parametrize("method", CERTIFICATE_METHODS)
def test_every_method_has_samples_that_verify(method: str) -> None:
    assert samples()[method], method
    for machine, cert in samples()[method]:
        assert verify(machine, cert) == (True, ""), (machine.text(), cert)


@pytest.mark.parametrize("method", CERTIFICATE_METHODS)
def test_flipping_any_field_is_rejected(method: str) -> None:
    for machine, cert in samples()[method]:
        for bad in tampered(cert):
            ok, why = verify(machine, bad)
            assert not ok, (machine.text(), cert, bad)
            assert why


def test_wrong_shape_is_rejected() -> None:
    m = parse_machine("1RB1LB_1LA1RZ")
    good = {"method": "halts", "steps": 6, "ones": 4}
    assert verify(m, good)[0]
    assert not verify(m, {**good, "extra": 1})[0]
    assert not verify(m, {"method": "halts", "steps": 6})[0]
    assert not verify(m, {**good, "steps": "6"})[0]
    assert not verify(m, {**good, "steps": True})[0]
    assert not verify(m, {"method": "oracle"})[0]


def test_a_certificate_for_another_machine_is_rejected() -> None:
    for method in CERTIFICATE_METHODS:
        pairs = samples()[method]
        for (m1, c1), (m2, c2) in zip(pairs, pairs[1:]):
            if c1 != c2:
                assert not verify(m2, c1)[0], (method, m1.text(), m2.text(), c1)


def test_deciders_on_known_machines() -> None:
    assert decide_halts(parse_machine("1RB1LB_1LA1RZ"), 100) == {"method": "halts", "steps": 6, "ones": 4}
    assert decide_translated_cycler(parse_machine("1RA---_------"), 50) == {
        "method": "translated_cycler", "start": 0, "period": 1, "shift": 1}
    # A0 -> 1RB, B0 -> 0LA, A1 -> 1RB: A and B bounce between two cells forever
    cyc = decide_cycler(parse_machine("1RB1RB_0LA---"), 50)
    assert cyc == {"method": "cycler", "start": 1, "period": 2}
    assert verify(parse_machine("1RB1RB_0LA---"), cyc)[0]
    machine, cert = samples()["backward_reasoning"][0]
    assert decide_backward(machine, 30) == cert
    assert decide(parse_machine("1RB1LB_1LA1RZ"))["method"] == "halts"  # type: ignore[index]


def test_backward_reasoning_refuses_a_machine_that_halts() -> None:
    m = parse_machine("1RB1LB_1LA1RZ")
    assert not verify(m, {"method": "backward_reasoning", "depth": 5})[0]


def test_halting_replay_limit_is_the_callers_choice() -> None:
    from axiomforge.generators.busy_beaver.certificates import verify as verify_cert
    from axiomforge.generators.busy_beaver.machine import parse_machine as parse

    champion = parse("1RB1LB_1LA1RZ")  # S(2) = 6, 4 ones
    cert = {"method": "halts", "steps": 6, "ones": 4}
    assert verify_cert(champion, cert, max_halt_steps=6) == (True, "")
    ok, why = verify_cert(champion, cert, max_halt_steps=5)
    assert not ok and "replay limit" in why
