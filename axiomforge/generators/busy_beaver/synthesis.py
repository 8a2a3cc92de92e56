"""Challenge synthesis: certified machines -> claims -> records (Lean + Markdown + JSONL).

Stages: `sources` yields certified machines; `plan_claim` picks a template, its parameters and
whether the claim is true or a near-miss false one; `render` writes Lean and Markdown from the
claim AST; `records.build_record` assembles the JSONL record. Everything draws from one
`random.Random(seed)`, so a seed fixes the output bytes. Duplicates are removed by the
canonical form of the machine (pruned to the transitions a halting run uses, states renamed
in order of first use, the smaller of the machine and its mirror image): no two challenges of
a set share a machine.

Difficulty follows from the record's evidence (the decider, its certificate's size, the reference
proof's kind and the steps it evaluates); the rule is in `records.py` and docs/challenge-format.md.

Truth: after each record the number of near-miss false claims is round(k * false_fraction) for
the k records so far, and the template is drawn among those with a variant of the wanted truth,
so the option is honoured exactly (before, templates without a false variant pulled the share
below the setting). Only when the knobs make the wanted truth rare (20 misses in a row) is the
truth drawn at random for a record.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axiomforge.errors import UserError
from axiomforge.generators.busy_beaver import claims as C
from axiomforge.generators.busy_beaver.canonical import canonical_text
from axiomforge.generators.busy_beaver.records import build_record, difficulty_from_evidence, evidence
from axiomforge.generators.busy_beaver.sources import CertifiedMachine, enumerated_machines, random_descent

MAX_STATES = 5
NONHALTING_CLASSES = ("cycler", "translated_cycler", "backward_reasoning", "ngram_cps", "finite_automata_reduction",
                      "bouncer")

FALSE_VARIANTS = {"halts_exact", "not_halts_within", "halts_with_ones", "never_halts"}
TRUE_VARIANTS = {"halts_exact", "halts_within", "not_halts_within", "halts_with_ones", "never_halts"}


@dataclass(frozen=True)
class Knobs:
    """Difficulty knobs; the defaults make a mixed set."""

    states: tuple[int, ...] = (2, 3, 4, 5)
    symbols: int = 2
    max_steps: int = 5000  # largest halting time used in a statement
    templates: tuple[str, ...] = C.TEMPLATES
    certificate_classes: tuple[str, ...] = NONHALTING_CLASSES
    false_fraction: float = 0.25  # share of near-miss false claims (task "disprove")
    difficulties: tuple[str, ...] = ("easy", "medium", "hard")

    def validate(self) -> None:
        bad = [t for t in self.templates if t not in C.TEMPLATES]
        if bad:
            raise UserError(f"unknown template(s) {', '.join(bad)}; choose from {', '.join(C.TEMPLATES)}")
        bad = [c for c in self.certificate_classes if c not in NONHALTING_CLASSES]
        if bad:
            raise UserError(f"unknown certificate class(es) {', '.join(bad)}; choose from {', '.join(NONHALTING_CLASSES)}")
        if not self.states or any(not 2 <= s <= MAX_STATES for s in self.states):
            raise UserError(f"--states takes numbers from 2 to {MAX_STATES} (6 or more states: random descents "
                            "almost never find a certified machine that uses every state); change --states")
        if not 2 <= self.symbols <= 4:
            raise UserError("--symbols takes 2 to 4")
        if not 0.0 <= self.false_fraction <= 1.0:
            raise UserError("--false-fraction must lie in [0, 1]")
        if self.max_steps < 2:
            raise UserError("--max-steps must be at least 2")
        if self.max_steps > 1_000_000:
            raise UserError("--max-steps must be at most 1000000 (the re-check replays every step)")
        if self.false_fraction > 0 and not FALSE_VARIANTS & set(self.templates):
            raise UserError(f"--false-fraction {self.false_fraction} needs a template with a false variant "
                            f"({', '.join(sorted(FALSE_VARIANTS))}); add one to --templates or use --false-fraction 0")
        if self.false_fraction < 1 and not TRUE_VARIANTS & set(self.templates):
            raise UserError("--templates has no template with a true variant; use --false-fraction 1")
        bad = [d for d in self.difficulties if d not in ("easy", "medium", "hard")]
        if bad or not self.difficulties:
            raise UserError("--difficulty takes easy, medium, hard")


@dataclass
class SynthesisResult:
    records: list[dict[str, Any]]
    knobs: Knobs
    seed: int
    counts: dict[str, Counter[str]] = field(default_factory=dict)




def needs(template: str, holds: bool) -> str:
    """Which machines a (template, truth) pair needs: "halting", "nonhalting" or "any"."""
    if template == "never_halts":
        return "nonhalting" if holds else "halting"
    if template == "not_halts_within" and holds:
        return "any"
    return "halting"


def plan_claim(template: str, holds: bool, cm: CertifiedMachine, knobs: Knobs, rng: random.Random) -> C.Claim | None:
    """The claim of `template` about `cm` with the given truth, or None when it does not fit."""
    m, cert = cm.machine, cm.certificate
    if not cm.halts:
        if template == "never_halts" and holds:
            return C.Claim(template, m, C.never_halts(), True)
        if template == "not_halts_within" and holds:
            return C.Claim(template, m, C.not_halts_within(rng.randrange(5, max(6, min(knobs.max_steps, 400)))), True)
        return None
    h, k = cert["steps"], cert["ones"]
    if h > knobs.max_steps:
        return None
    if template == "halts_exact":
        if holds:
            return C.Claim(template, m, C.halts_exact(h), True)
        wrong = h + 1 if h == 1 or rng.random() < 0.5 else h - 1
        return C.Claim(template, m, C.halts_exact(wrong), False)
    if template == "halts_within" and holds:
        return C.Claim(template, m, C.halts_within(h + rng.randrange(0, h + 1)), True)
    if template == "not_halts_within":
        if holds:
            return C.Claim(template, m, C.not_halts_within(rng.randrange(max(1, h // 2), h)), True) if h > 1 else None
        return C.Claim(template, m, C.not_halts_within(h + rng.randrange(0, 2)), False)
    if template == "halts_with_ones":
        bound = h + rng.randrange(0, 3)
        if holds:
            return C.Claim(template, m, C.halts_with_ones(bound, k), True)
        wrong = k + 1 if k == 0 or rng.random() < 0.5 else k - 1
        return C.Claim(template, m, C.halts_with_ones(bound, wrong), False)
    if template == "never_halts" and not holds:
        return C.Claim(template, m, C.never_halts(), False)
    return None


class _MachineSource:
    """Certified machines of one size, split into halting and non-halting, in a seeded order."""

    def __init__(self, n_states: int, knobs: Knobs, rng: random.Random) -> None:
        self.n_states, self.knobs, self.rng = n_states, knobs, rng
        self.buffers: dict[str, deque[CertifiedMachine]] = {"halting": deque(), "nonhalting": deque()}
        self.enumerated = knobs.symbols == 2 and n_states <= 3
        if self.enumerated:
            pool = list(enumerated_machines(n_states))
            rng.shuffle(pool)
            for cm in pool:
                self._file(cm)

    def _file(self, cm: CertifiedMachine) -> None:
        if cm.halts:
            self.buffers["halting"].append(cm)
        elif cm.certificate["method"] in self.knobs.certificate_classes:
            self.buffers["nonhalting"].append(cm)

    def next(self, kind: str) -> CertifiedMachine | None:
        """The next machine of `kind` ("halting", "nonhalting", "any"); None when none is left
        (or 500 random descents in a row brought none)."""
        kinds = ("halting", "nonhalting") if kind == "any" else (kind,)
        misses = 0
        while True:
            for k in kinds:
                if self.buffers[k]:
                    return self.buffers[k].popleft()
            if self.enumerated or misses > 500:
                return None
            misses += 1
            cm = random_descent(self.rng, self.n_states, self.knobs.symbols,
                                halt_probability=0.12 if self.n_states >= 4 else 0.2)
            if cm is not None:
                self._file(cm)


def _check_capacity(count: int, knobs: Knobs) -> None:
    """Refuse, before any work, a set larger than the machines the knobs allow: with only 2- and
    3-state machines of 2 symbols the pool is the finite TNF enumeration (random descents, used
    for 4+ states or more symbols, do not run out)."""
    if knobs.symbols != 2 or any(s > 3 for s in knobs.states):
        return
    keys = set()
    for n in sorted(set(knobs.states)):
        for cm in enumerated_machines(n):
            if cm.halts or cm.certificate["method"] in knobs.certificate_classes:
                keys.add(canonical_text(cm.machine, cm.certificate["steps"] if cm.halts else None))
    if count > len(keys):
        states = ",".join(str(s) for s in sorted(set(knobs.states)))
        raise UserError(f"--count {count} is more than the {len(keys)} distinct {states}-state machines there are; "
                        f"add 4 or 5 to --states, or ask for at most {len(keys)}")


def generate(count: int, seed: int, knobs: Knobs = Knobs(), progress: Callable[[int], None] | None = None) -> SynthesisResult:
    """`count` certified challenges, deterministic in (count, seed, knobs).

    Each challenge first draws a template, whether its claim is true (a near-miss false claim
    with probability `false_fraction` where the template has one) and a number of states; then
    takes the next machine of that size that fits and whose canonical form is new.
    """
    knobs.validate()
    if count < 0:
        raise UserError("--count must be non-negative")
    _check_capacity(count, knobs)
    rng = random.Random(seed)
    sources = {s: _MachineSource(s, knobs, random.Random(rng.getrandbits(64))) for s in sorted(set(knobs.states))}
    exhausted: set[tuple[int, str]] = set()
    seen: set[str] = set()
    records: list[dict[str, Any]] = []
    failures = streak = n_false = 0
    while len(records) < count and failures < 200 * (count + 10):
        # the share of false claims tracks false_fraction record by record; only when the knobs
        # make the wanted truth rare (20 misses in a row, e.g. --difficulty hard) is it drawn at random
        want_false = n_false < round(knobs.false_fraction * (len(records) + 1))
        holds = not want_false if streak < 20 else rng.random() >= knobs.false_fraction
        streak += 1
        variants = TRUE_VARIANTS if holds else FALSE_VARIANTS
        template = rng.choice([t for t in knobs.templates if t in variants])
        kind = needs(template, holds)
        choices = [s for s in sorted(sources) if (s, kind) not in exhausted]
        if not choices:
            failures += 1
            continue
        n_states = rng.choice(choices)
        cm = sources[n_states].next(kind)
        if cm is None:
            exhausted.add((n_states, kind))
            failures += 1
            continue
        key = canonical_text(cm.machine, cm.certificate["steps"] if cm.halts else None)
        claim = None if key in seen else plan_claim(template, holds, cm, knobs, rng)
        if claim is None or difficulty_from_evidence(evidence(claim, cm.certificate)) not in knobs.difficulties:
            failures += 1
            continue
        seen.add(key)
        records.append(build_record(claim, cm.certificate))
        n_false += not holds
        streak = 0
        if progress:
            progress(len(records))
    if len(records) < count:
        raise UserError(
            f"only {len(records)} distinct challenges fit these knobs (asked for {count}); "
            "allow more states, templates or steps"
        )
    records.sort(key=lambda r: r["id"])
    counts = {
        "template": Counter(r["template"] for r in records),
        "difficulty": Counter(r["difficulty"] for r in records),
        "truth": Counter("true" if r["claim_holds"] else "false" for r in records),
        "states": Counter(str(r["params"]["states"]) for r in records),
    }
    return SynthesisResult(records, knobs, seed, counts)
