"""The claim AST: what a challenge states about a machine, rendered to Lean and to Markdown.

A claim is a small formula over the run of one machine from the blank tape. Times are literals
or the bound variable `n`; `Halted(t)` says the machine is in the halting state after t steps
(halting is permanent, so this means "halts within t steps"); `OnesAt(t, k)` says exactly k
non-blank cells are on the tape after t steps. Both renderers walk the same tree, so the Lean
theorem and the Markdown text say the same thing by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from axiomforge.generators.busy_beaver.machine import Machine


@dataclass(frozen=True)
class Lit:
    value: int


@dataclass(frozen=True)
class Var:
    name: str


Time = Lit | Var


@dataclass(frozen=True)
class Halted:
    time: Time


@dataclass(frozen=True)
class OnesAt:
    time: Time
    ones: int


@dataclass(frozen=True)
class Not:
    body: Formula


@dataclass(frozen=True)
class And:
    left: Formula
    right: Formula


@dataclass(frozen=True)
class ExistsLe:
    """∃ var, var ≤ bound ∧ body."""

    var: str
    bound: int
    body: Formula


@dataclass(frozen=True)
class Forall:
    var: str
    body: Formula


Formula = Halted | OnesAt | Not | And | ExistsLe | Forall


@dataclass(frozen=True)
class Claim:
    """A template instance: `formula` is the informal claim; the Lean theorem is `formula` when it
    holds and `Not(formula)` when it does not (task "disprove")."""

    template: str
    machine: Machine
    formula: Formula
    holds: bool

    @property
    def theorem(self) -> Formula:
        return self.formula if self.holds else Not(self.formula)


TEMPLATES = ("halts_exact", "halts_within", "not_halts_within", "halts_with_ones", "never_halts")


def halts_exact(n: int) -> Formula:
    """Halts after exactly n steps: halted after n, not after n - 1."""
    return And(Halted(Lit(n)), Not(Halted(Lit(n - 1))))


def halts_within(bound: int) -> Formula:
    return ExistsLe("n", bound, Halted(Var("n")))


def not_halts_within(bound: int) -> Formula:
    return Not(Halted(Lit(bound)))


def halts_with_ones(bound: int, ones: int) -> Formula:
    return And(Halted(Lit(bound)), OnesAt(Lit(bound), ones))


def never_halts() -> Formula:
    return Forall("n", Not(Halted(Var("n"))))


def max_time(f: Formula) -> int:
    """The largest step count `f` mentions (a bounded quantifier's bound included)."""
    if isinstance(f, Halted | OnesAt):
        return f.time.value if isinstance(f.time, Lit) else 0
    if isinstance(f, Not | Forall):
        return max_time(f.body)
    if isinstance(f, And):
        return max(max_time(f.left), max_time(f.right))
    if isinstance(f, ExistsLe):
        return max(f.bound, max_time(f.body))
    return 0
