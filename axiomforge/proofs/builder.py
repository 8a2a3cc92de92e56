"""A small builder for proofs.json documents: JSON terms, formulas and proofs step by step.

Used by tests and examples to write proofs by hand; it checks nothing (that is the checker's job).
"""

from __future__ import annotations

from typing import Any

J = dict[str, Any]


def var(name: str, sort: str) -> J:
    return {"v": name, "s": sort}


def app(fn: str, *args: J) -> J:
    return {"f": fn, "a": list(args)}


def eq(a: J, b: J) -> J:
    return {"op": "=", "a": [a, b]}


def rel(name: str, *args: J) -> J:
    return {"op": "rel", "r": name, "a": list(args)}


def neg(f: J) -> J:
    return {"op": "not", "a": [f]}


def false() -> J:
    return {"op": "false"}


def true() -> J:
    return {"op": "true"}


def binary(op: str, a: J, b: J) -> J:
    return {"op": op, "a": [a, b]}


def implies(a: J, b: J) -> J:
    return binary("implies", a, b)


def forall(name: str, sort: str, body: J) -> J:
    return {"op": "forall", "var": [name, sort], "a": [body]}


def exists(name: str, sort: str, body: J) -> J:
    return {"op": "exists", "var": [name, sort], "a": [body]}


class Proof:
    """Appends numbered steps; each method returns the new step's id."""

    def __init__(self) -> None:
        self.steps: list[J] = []

    def add(self, rule: str, formula: J, premises: tuple[int, ...] = (), **fields: Any) -> int:
        step: J = {"id": len(self.steps) + 1, "rule": rule, "formula": formula, "premises": list(premises)}
        step.update(fields)
        self.steps.append(step)
        return int(step["id"])

    def formula(self, step_id: int) -> J:
        return dict(self.steps[step_id - 1]["formula"])


def theorem(name: str, statement: J, proof: Proof, method: str, seconds: float = 0.0) -> J:
    cites = sorted({s["ref"] for s in proof.steps if s["rule"] == "theorem"})
    return {
        "name": name,
        "statement": statement,
        "method": method,
        "seconds": seconds,
        "cites": cites,
        "steps": proof.steps,
    }


def document(theory: J, theorems: list[J], seconds: float = 0.0) -> J:
    return {
        "format": "axiomforge-proofs",
        "version": 1,
        "theory": theory,
        "theorems": theorems,
        "run": {"seconds": seconds, "expect": []},
    }
