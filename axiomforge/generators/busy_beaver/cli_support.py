"""What the `bb` and `gen bb` commands compute, as plain data (the command modules only print)."""

from __future__ import annotations

import time
from pathlib import Path
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
                                         backward_depth=50, far_states=4, bouncer_steps=10_000,
                                         repeated_word_list=True, far_direct_states=6), compiled=True)
    if cert is None:
        return {"machine": machine.text(), "verdict": "undecided", "certificate": None, "verified": False,
                "reason": "no decider settled it within its limits"}
    ok, why = verify(machine, cert, max_halt_steps=max(halt_steps, MAX_VERIFY_STEPS))
    verdict = "halts" if cert["method"] == "halts" else "never halts"
    return {"machine": machine.text(), "verdict": verdict, "certificate": cert, "verified": ok, "reason": why}


def enumerate_rows(max_states: int, engine: str = "jit", holdouts: str | None = None,
                   executor: Any = None) -> list[dict[str, Any]]:
    """One row per state count. With an `executor` each count runs as TNF shards on it (merged
    by shard index: the same row as the walk in one process, which is tested)."""
    from axiomforge.generators.busy_beaver.enumerate import default_limits, enumerate_tnf
    from axiomforge.generators.busy_beaver.space import Holdout, holdouts_of, write_holdouts

    if executor is not None:
        return _enumerate_rows_sharded(max_states, holdouts, executor)

    if not 2 <= max_states <= 4:
        raise UserError("--states takes 2, 3 or 4 (5 states: add --sample N, or run it in shards with --log)")
    rows = []
    holdout_list: list[Holdout] = []
    for n in range(2, max_states + 1):
        start = time.perf_counter()
        report = enumerate_tnf(n, engine=engine)
        holdout_list += holdouts_of(report.leaves, default_limits(n)[1], 0)
        counts = report.counts()
        undecided = counts.pop("undecided", 0)
        rows.append({
            "states": n, "S": report.max_steps, "sigma": report.max_ones, "step_champion": report.steps_champion,
            "ones_champion": report.ones_champion, "leaves": len(report.leaves), "deciders": counts,
            "undecided": undecided, "undecided_examples": [m.text() for m in report.undecided[:5]],
            "seconds": round(time.perf_counter() - start, 2),
        })
    if holdouts:
        write_holdouts(_out_path(holdouts), max_states, holdout_list, f"full enumeration of 2..{max_states} states")
    return rows


def _enumerate_rows_sharded(max_states: int, holdouts: str | None, executor: Any) -> list[dict[str, Any]]:
    from axiomforge.generators.busy_beaver.enumerate import default_limits
    from axiomforge.generators.busy_beaver.space import Holdout, deciders_tried, run_shards, write_holdouts

    if not 2 <= max_states <= 4:
        raise UserError("--states takes 2, 3 or 4 (5 states: add --sample N, or run it in shards with --log)")
    rows: list[dict[str, Any]] = []
    holdout_list: list[Any] = []
    for n in range(2, max_states + 1):
        start = time.perf_counter()
        merged = run_shards(n, executor=executor)
        counts = dict(merged.counts)
        undecided = counts.pop("undecided", 0)
        tried = deciders_tried(default_limits(n)[1])
        holdout_list += [Holdout(m, 0, tried) for m in merged.holdouts]
        rows.append({
            "states": n, "S": merged.max_steps, "sigma": merged.max_ones, "step_champion": merged.steps_champion,
            "ones_champion": merged.ones_champion, "leaves": merged.leaves, "deciders": counts,
            "undecided": undecided, "undecided_examples": merged.holdouts[:5],
            "seconds": round(time.perf_counter() - start, 2),
        })
    if holdouts:
        write_holdouts(_out_path(holdouts), max_states, holdout_list, f"full enumeration of 2..{max_states} states")
    return rows


def _out_path(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        raise UserError(f"{text}: is a directory, expected a file to write")
    return path


def enumerate_sample(n_states: int, size: int, seed: int, holdouts: str | None) -> dict[str, Any]:
    from axiomforge.generators.busy_beaver.space import sample_space, write_holdouts

    report = sample_space(n_states, size, seed)
    if holdouts:
        write_holdouts(_out_path(holdouts), n_states, report.holdouts,
                       f"uniform sample of {report.size} leaves, seed {seed}")
    out = report.as_dict()
    for key in ("interval", "candidates_interval"):
        out[key] = [round(x, 6) for x in out[key]]
    for key in ("decided_fraction", "candidates_decided_fraction"):
        out[key] = round(out[key], 6)
    out["leaves_estimate"] = round(out["leaves_estimate"])
    out["leaves_estimate_stderr"] = round(out["leaves_estimate_stderr"])
    out["machines_per_second"] = round(report.size / max(report.sample_seconds + report.decide_seconds, 1e-9))
    return out


def enumerate_shards(log: str | None, max_shards: int | None, depth: int, holdouts: str | None,
                     executor: Any = None) -> dict[str, Any]:
    import sys

    from axiomforge.generators.busy_beaver.enumerate import default_limits
    from axiomforge.generators.busy_beaver.space import (
        HALT_STEPS,
        Holdout,
        deciders_tried,
        enumerate_space,
        write_holdouts,
    )

    if log is None:
        raise UserError("--states 5 enumerates in shards: give --log FILE (resumable), or use --sample N")
    merged, done, total = enumerate_space(5, _out_path(log), depth, max_shards,
                                          progress=lambda line: print(line, file=sys.stderr, flush=True),
                                          executor=executor)
    if holdouts:
        tried = deciders_tried(default_limits(5)[1])
        write_holdouts(_out_path(holdouts), 5, [Holdout(m, HALT_STEPS, tried) for m in merged.holdouts],
                       f"{done} of {total} shards")
    return {"states": 5, "shards_done": done, "shards": total, "complete": done == total, "leaves": merged.leaves,
            "deciders": merged.counts, "S_so_far": merged.max_steps, "step_champion": merged.steps_champion,
            "sigma_so_far": merged.max_ones, "undecided": len(merged.holdouts), "holdouts": merged.holdouts,
            "seconds": merged.seconds}
