"""What the `bb` and `gen bb` commands compute, as plain data (the command modules only print)."""

from __future__ import annotations

import time
from typing import Any

from axiomforge.errors import UserError
from axiomforge.generators.busy_beaver.certificates import MAX_VERIFY_STEPS, verify
from axiomforge.generators.busy_beaver.deciders import DeciderLimits, decide
from axiomforge.generators.busy_beaver.fast import simulate_fast
from axiomforge.generators.busy_beaver.machine import parse_machine
from axiomforge.generators.busy_beaver.reference import run_reference


def parse_int_list(text: str, flag: str) -> tuple[int, ...]:
    try:
        values = tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise UserError(f"{flag} takes comma-separated integers, got {text!r}") from None
    if not values:
        raise UserError(f"{flag} needs at least one value")
    return values


def run_machine(text: str, max_steps: int, block_size: int | None, reference: bool) -> dict[str, Any]:
    machine = parse_machine(text, source="<machine>")
    if max_steps < 0:
        raise UserError("--max-steps must be non-negative")
    if block_size is not None and not 1 <= block_size <= 12:
        raise UserError("--block-size must be between 1 and 12")
    start = time.perf_counter()
    if reference:
        r = run_reference(machine, max_steps)
        out: dict[str, Any] = {"status": "halted" if r.halted else "limit", "steps": r.steps, "ones": r.ones,
                               "simulator": "reference"}
    else:
        f = simulate_fast(machine, max_steps, block_size)
        out = {"status": f.status, "steps": f.steps, "ones": f.ones, "simulator": "macro",
               "block_size": f.block_size, "macro_steps": f.macro_steps}
        if f.reason:
            out["reason"] = f.reason
    out["machine"] = machine.text()
    out["seconds"] = round(time.perf_counter() - start, 4)
    return out


def decide_machine(text: str, halt_steps: int) -> dict[str, Any]:
    machine = parse_machine(text, source="<machine>")
    cert = decide(machine, DeciderLimits(halt_steps=halt_steps, cycler_steps=5000, translated_steps=5000,
                                         backward_depth=50, far_states=4, bouncer_steps=10_000))
    if cert is None:
        return {"machine": machine.text(), "verdict": "undecided", "certificate": None, "verified": False,
                "reason": "no decider settled it within its limits"}
    ok, why = verify(machine, cert, max_halt_steps=max(halt_steps, MAX_VERIFY_STEPS))
    verdict = "halts" if cert["method"] == "halts" else "never halts"
    return {"machine": machine.text(), "verdict": verdict, "certificate": cert, "verified": ok, "reason": why}


def enumerate_rows(max_states: int) -> list[dict[str, Any]]:
    from axiomforge.generators.busy_beaver.enumerate import enumerate_tnf

    if not 2 <= max_states <= 4:
        raise UserError("--states takes 2, 3 or 4 (5 states is out of reach in pure Python)")
    rows = []
    for n in range(2, max_states + 1):
        start = time.perf_counter()
        report = enumerate_tnf(n)
        counts = report.counts()
        undecided = counts.pop("undecided", 0)
        rows.append({
            "states": n, "S": report.max_steps, "sigma": report.max_ones, "step_champion": report.steps_champion,
            "ones_champion": report.ones_champion, "leaves": len(report.leaves), "deciders": counts,
            "undecided": undecided, "undecided_examples": [m.text() for m in report.undecided[:5]],
            "seconds": round(time.perf_counter() - start, 2),
        })
    return rows
