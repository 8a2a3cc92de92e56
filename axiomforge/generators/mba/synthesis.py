"""Synthesis of MBA identities and near misses, and writing a challenge set.

True identities are true by construction and then certified independently (`certify`):

- linear: a simple target plus an obfuscating combination that vanishes (random bitwise atoms
  with random coefficients, minus the same function written in the conjunction basis), then
  `depth` rewrites that keep it linear; the other side is the simplifier's form of the target;
- polynomial: a product (plus optionally a linear term) of linear obfuscations; the other side
  is the product of their simplified targets;
- non-polynomial: a linear identity over slot variables whose slots are then filled with
  arithmetic terms and constants (`x*y`, `y + 3`, `5`), so arithmetic lands inside bitwise
  operators.

A near miss changes one coefficient or constant of the obfuscated side by a small amount; it is
kept only when the certifier refutes it with a counterexample.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from axiomforge.errors import UserError

from .canonical import canonical_text
from .certify import Verdict, certify
from .expr import (
    VARIABLE_ORDER,
    Binary,
    Const,
    Expr,
    Identity,
    Unary,
    Var,
    Width,
    replace_at,
    substitute,
    subterm_at,
    sum_of,
)
from .normal_form import conjunction_coefficients_from_values, identity_class, linear_form, signature_of_form
from .printing import to_c
from .proof_cost import bv_decide_cost
from .records import build_record_from_verdict, needs_sat_cost
from .render import Claim
from .rewrite import obfuscate
from .simplify import conjunction, simplify_linear

CLASSES = ("linear", "polynomial", "nonpolynomial")
GENERATOR_VERSION = 2  # 2: records carry `evidence`; difficulty follows from it


class KnobError(UserError):
    """A generator setting out of range (reported by the CLI as one line, exit code 2)."""


@dataclass(frozen=True)
class Knobs:
    """What a challenge set looks like. Every field is a keyword of `generate_challenges`."""

    classes: tuple[str, ...] = CLASSES
    min_variables: int = 2
    max_variables: int = 3
    terms: int = 3
    depth: int = 1
    widths: tuple[Width, ...] = (8, 16, 32, 64)
    false_fraction: float = 0.25
    smt_timeout_s: float = 0.0

    def validate(self) -> None:
        if not self.classes or any(c not in CLASSES for c in self.classes):
            raise KnobError(f"classes must be a non-empty subset of {', '.join(CLASSES)}")
        if not 2 <= self.min_variables <= self.max_variables <= 6:
            raise KnobError("variables must satisfy 2 <= min_variables <= max_variables <= 6")
        if not 1 <= self.terms <= 12:
            raise KnobError("terms must be between 1 and 12")
        if not 0 <= self.depth <= 8:
            raise KnobError("depth must be between 0 and 8")
        if not self.widths or any(w is not None and not 1 <= w <= 64 for w in self.widths):
            raise KnobError("widths must be integers between 1 and 64 or 'symbolic'")
        if not 0.0 <= self.false_fraction <= 1.0:
            raise KnobError("false_fraction must be between 0 and 1")
        if self.smt_timeout_s < 0:
            raise KnobError("smt_timeout_s must be >= 0")


def knobs_from(**raw: Any) -> Knobs:
    """Knobs from keyword arguments; strings (from a command line) are accepted for every field."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if key not in Knobs.__dataclass_fields__ and key != "variables":
            raise KnobError(f"unknown MBA knob {key!r} (known: {', '.join(Knobs.__dataclass_fields__)})")
        if key == "classes":
            values[key] = tuple(value.split(",")) if isinstance(value, str) else tuple(value)
        elif key == "widths":
            items = value.split(",") if isinstance(value, str) else list(value)
            values[key] = tuple(_width(item) for item in items)
        elif key in ("false_fraction", "smt_timeout_s"):
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                raise KnobError(f"MBA knob {key}: expected a number, got {value!r}") from None
        elif key == "variables":
            continue
        else:
            values[key] = _integer(key, value)
    if raw.get("variables") is not None:
        low, _, high = str(raw["variables"]).partition("-")
        values["min_variables"] = _integer("variables", low)
        values["max_variables"] = _integer("variables", high or low)
    knobs = Knobs(**values)
    knobs.validate()
    return knobs


def _integer(key: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise KnobError(f"MBA knob {key}: expected an integer, got {value!r}") from None


def _width(item: Any) -> Width:
    if item is None or str(item).strip() in ("symbolic", "w"):
        return None
    try:
        return int(item)
    except ValueError:
        raise KnobError(f"bad width {item!r} (an integer 1-64 or 'symbolic')") from None


# --- random building blocks ----------------------------------------------------------------------


def random_bitwise(rng: random.Random, names: Sequence[str], operators: int) -> Expr:
    """A random pure bitwise formula with `operators` binary operators."""
    first = rng.choice(names)
    e: Expr = Var(first)
    used = [first]
    for _ in range(operators):
        fresh = [n for n in names if n not in used]
        pick = rng.choice(fresh or list(names))
        used.append(pick)
        other: Expr = Var(pick)
        if rng.random() < 0.3:
            other = Unary("~", other)
        op = rng.choice(("&", "|", "^"))
        e = Binary(op, e, other) if rng.random() < 0.5 else Binary(op, other, e)  # type: ignore[arg-type]
    if rng.random() < 0.2:
        e = Unary("~", e)
    return e


def random_target(rng: random.Random, names: Sequence[str]) -> Expr:
    """A small linear MBA: one or two bitwise atoms with small coefficients, maybe a constant."""
    atoms = [(rng.choice((1, 1, 2, 3, -1, -2)), random_bitwise(rng, names, rng.randint(0, 1)))
             for _ in range(rng.randint(1, 2))]
    return sum_of(atoms, rng.choice((0, 0, 0, 1, 3, -1)))


def vanishing_obfuscation(rng: random.Random, target: Expr, names: Sequence[str], terms: int, depth: int,
                          keep_linear: bool = True) -> Expr:
    """`target + N - N'`: N random atoms with coefficients, N' the same function in the conjunction
    basis (so N - N' vanishes), shuffled into one sum, then `depth` rewrites."""
    names = tuple(names)
    noise = [(rng.choice((-3, -2, -1, 1, 2, 3, 4, 5)), random_bitwise(rng, names, rng.randint(1, 2)))
             for _ in range(terms)]
    form = linear_form(sum_of(noise), names)
    values = signature_of_form(form, len(names))
    # N has signature `values`; the conjunction basis writes the same function as sum c_S * AND_S
    # plus the constant -values[0] (AND of nothing is -1), from the Moebius transform of values - values[0].
    residual = [v - values[0] for v in values]
    coefficients = conjunction_coefficients_from_values(residual, len(names))
    correction = [(-c, conjunction(mask, names)) for mask, c in sorted(coefficients.items()) if mask]
    target_terms, target_constant = _split_sum(target)
    pieces: list[tuple[int, Expr]] = list(noise) + correction + target_terms
    rng.shuffle(pieces)
    lhs = sum_of(pieces, values[0] + target_constant)
    return obfuscate(lhs, depth, rng, names, keep_linear=keep_linear)


def _split_sum(e: Expr) -> tuple[list[tuple[int, Expr]], int]:
    """`e` as (coefficient, term) pairs plus a constant, so a target's terms can be shuffled among the noise."""
    if isinstance(e, Binary) and e.op in ("+", "-"):
        left, kl = _split_sum(e.left)
        right, kr = _split_sum(e.right)
        sign = 1 if e.op == "+" else -1
        return left + [(sign * c, t) for c, t in right], kl + sign * kr
    if isinstance(e, Unary) and e.op == "-":
        inner, k = _split_sum(e.arg)
        return [(-c, t) for c, t in inner], -k
    if isinstance(e, Binary) and e.op == "*" and isinstance(e.left, Const):
        inner, k = _split_sum(e.right)
        return [(e.left.value * c, t) for c, t in inner], e.left.value * k
    if isinstance(e, Const):
        return [], e.value
    return [(1, e)], 0


# --- the three classes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    identity: Identity
    mba_class: str
    width: Width
    variables: tuple[str, ...]
    perturbation: dict[str, Any] | None = None
    slots: dict[str, str] = field(default_factory=dict)


def _simplified(e: Expr, width: Width) -> Expr:
    return simplify_linear(e, width)


def build_linear(rng: random.Random, names: tuple[str, ...], knobs: Knobs, width: Width) -> Identity:
    target = random_target(rng, names)
    lhs = vanishing_obfuscation(rng, target, names, knobs.terms, knobs.depth)
    return Identity(lhs, _simplified(target, width))


def build_polynomial(rng: random.Random, names: tuple[str, ...], knobs: Knobs, width: Width) -> Identity:
    t1, t2 = random_target(rng, names), random_target(rng, names)
    factor_terms = max(1, knobs.terms // 2)
    l1 = vanishing_obfuscation(rng, t1, names, factor_terms, knobs.depth)
    l2 = vanishing_obfuscation(rng, t2, names, factor_terms, knobs.depth)
    lhs: Expr = Binary("*", l1, l2)
    rhs: Expr = Binary("*", _simplified(t1, width), _simplified(t2, width))
    if rng.random() < 0.4:
        t3 = random_target(rng, names)
        lhs = Binary("+", lhs, vanishing_obfuscation(rng, t3, names, factor_terms, 0))
        rhs = Binary("+", rhs, _simplified(t3, width))
    return Identity(lhs, rhs)


def _slot_filler(rng: random.Random, names: tuple[str, ...], width: Width) -> Expr:
    a, b = Var(rng.choice(names)), Var(rng.choice(names))
    limit = 250 if width is None else min(250, (1 << width) - 2)
    c = Const(rng.randint(min(5, limit), max(2, limit)))
    choice = rng.randrange(5)
    if choice == 0:
        return Binary("*", a, b)
    if choice == 1:
        return Binary("+", a, c)
    if choice == 2:
        return c
    if choice == 3:
        return Binary("*", c, a)
    return Binary("-", a, b) if a != b else Binary("*", a, a)


def build_nonpolynomial(rng: random.Random, names: tuple[str, ...], knobs: Knobs, width: Width
                        ) -> tuple[Identity, dict[str, str]]:
    slots = ("p", "q", "r")[: rng.randint(2, 3)]
    target = random_target(rng, slots)
    lhs = vanishing_obfuscation(rng, target, slots, knobs.terms, knobs.depth)
    rhs = _simplified(target, width)
    mapping: dict[str, Expr] = {}
    for i, slot in enumerate(slots):
        mapping[slot] = _slot_filler(rng, names, width) if i == 0 or rng.random() < 0.5 else Var(rng.choice(names))
    return (Identity(substitute(lhs, mapping), substitute(rhs, mapping)),
            {slot: to_c(term) for slot, term in mapping.items()})


# --- near misses ---------------------------------------------------------------------------------


def _const_paths(e: Expr, path: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    if isinstance(e, Const):
        return [path]
    if isinstance(e, Unary):
        return _const_paths(e.arg, path + (0,))
    if isinstance(e, Binary):
        return _const_paths(e.left, path + (0,)) + _const_paths(e.right, path + (1,))
    return []


def near_miss(rng: random.Random, identity: Identity) -> tuple[Identity, dict[str, Any]]:
    """Change one constant or coefficient of the left side by a small amount (or add 1 if it has none)."""
    paths = _const_paths(identity.lhs)
    if not paths:
        return Identity(Binary("+", identity.lhs, Const(1)), identity.rhs), {"kind": "added-constant", "delta": 1}
    path = rng.choice(paths)
    old = subterm_at(identity.lhs, path)
    assert isinstance(old, Const)
    delta = rng.choice((1, -1, 2))
    new = old.value + delta if old.value + delta >= 0 else old.value - delta
    return (Identity(replace_at(identity.lhs, path, Const(new)), identity.rhs),
            {"kind": "changed-constant", "from": old.value, "to": new})


# --- the set -------------------------------------------------------------------------------------


def canonical_key(identity: Identity, width: Width, holds: bool) -> str:
    """Duplicates share this key: sides in canonical form (AC operators sorted), order-free."""
    sides = sorted((canonical_text(identity.lhs), canonical_text(identity.rhs)))
    return f"{'w' if width is None else width}|{'prove' if holds else 'disprove'}|{sides[0]} == {sides[1]}"


def _candidate(rng: random.Random, knobs: Knobs) -> tuple[Identity, str, Width, dict[str, Any]]:
    cls = rng.choice(knobs.classes)
    width = rng.choice(knobs.widths)
    count = rng.randint(knobs.min_variables, knobs.max_variables)
    names = VARIABLE_ORDER[:count]
    extra: dict[str, Any] = {}
    if cls == "linear":
        identity = build_linear(rng, names, knobs, width)
    elif cls == "polynomial":
        identity = build_polynomial(rng, names, knobs, width)
    else:
        identity, slots = build_nonpolynomial(rng, names, knobs, width)
        extra["slots"] = slots
    return identity, cls, width, extra


def synthesize(count: int, seed: int, knobs: Knobs, timings: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """`count` distinct challenge records (sorted by id); deterministic for (count, seed, knobs).

    Exactly round(count * false_fraction) records are near misses, at seeded positions. Each true
    claim that `bv_decide` could take gets the SAT stand-in's cost (`proof_cost.py`); its
    wall-clock time goes into `timings` (by record id), never into the record."""
    records: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    n_false = round(count * knobs.false_fraction)
    truths = [False] * n_false + [True] * (count - n_false)
    random.Random(f"mba:{seed}:truths").shuffle(truths)
    attempt = 0
    while len(records) < count:
        attempt += 1
        if attempt > 50 * count + 100:
            raise KnobError(f"could not find {count} distinct identities (got {len(records)}); relax the knobs")
        rng = random.Random(f"mba:{seed}:{attempt}")
        identity, cls, width, extra = _candidate(rng, knobs)
        if identity_class(identity) != cls:
            continue  # a simplification collapsed the class; draw again
        holds = truths[len(records)]
        perturbation = None
        if not holds:
            identity, perturbation = near_miss(rng, identity)
        key = canonical_key(identity, width, holds)
        if key in seen:
            continue
        verdict = certify(identity, width, smt_timeout_s=knobs.smt_timeout_s, seed=attempt)
        if holds and verdict.status == "false":
            raise AssertionError(f"constructed identity refuted: {to_c(identity.lhs)} == {to_c(identity.rhs)}")
        if not holds and verdict.status != "false":
            continue  # the change did not break the identity (or nothing found a counterexample)
        seen.add(key)
        params = {
            "class": cls,
            "variables": list(_variables(identity)),
            "width": "symbolic" if width is None else width,
            "lhs": to_c(identity.lhs),
            "rhs": to_c(identity.rhs),
            "terms": knobs.terms,
            "depth": knobs.depth,
            "perturbation": perturbation,
            **extra,
        }
        claim = Claim(identity, width, verdict.status != "false")
        cost = bv_decide_cost(identity, width) if width is not None and needs_sat_cost(
            claim, verdict.status in ("true", "false")) else None
        record = build_record_from_verdict(identity, width, verdict, params, key, cost)
        if record["id"] in records:
            continue
        records[record["id"]] = record
        if timings is not None and cost is not None:
            timings[record["id"]] = round(cost.seconds, 4)
    return [records[k] for k in sorted(records)]


def _variables(identity: Identity) -> tuple[str, ...]:
    from .normal_form import all_variables

    return all_variables(identity)


@dataclass(frozen=True)
class GenerationSummary:
    """What `generate_challenges` wrote: the directory, the count, and the manifest's contents."""

    out_dir: Path
    count: int
    manifest: dict[str, Any]

    def describe(self) -> str:
        truth = self.manifest["counts"]["truth"]
        return (f"wrote {self.count} MBA challenges to {self.out_dir} "
                f"(true {truth.get('true', 0)}, false {truth.get('false', 0)}, "
                f"uncertified {truth.get('uncertified', 0)})")


def _canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def generate_challenges(count: int, seed: int, out_dir: Path, **knobs: Any) -> GenerationSummary:
    """Write `challenges.jsonl`, `lean/<id>.lean`, `md/<id>.md` and `manifest.json` into `out_dir`."""
    if count < 1:
        raise KnobError("count must be at least 1")
    settings = knobs_from(**knobs)
    timings: dict[str, float] = {}
    records = synthesize(count, seed, settings, timings)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("lean", "md"):
        if (out_dir / sub).exists():
            shutil.rmtree(out_dir / sub)
        (out_dir / sub).mkdir()
    with open(out_dir / "challenges.jsonl", "w", encoding="utf-8") as f:
        for record in records:
            f.write(_canonical_json(record) + "\n")
    for record in records:
        (out_dir / "lean" / f"{record['id']}.lean").write_text(record["lean"], encoding="utf-8")
        (out_dir / "md" / f"{record['id']}.md").write_text(record["markdown"], encoding="utf-8")
    knob_values: dict[str, Any] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(settings).items()}
    knob_values["widths"] = ["symbolic" if w is None else w for w in settings.widths]
    manifest: dict[str, Any] = {
        "generator": "mba",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "count": len(records),
        "knobs": knob_values,
        "counts": {
            "template": dict(sorted(Counter(r["template"] for r in records).items())),
            "difficulty": dict(sorted(Counter(r["difficulty"] for r in records).items())),
            "truth": dict(sorted(Counter(_truth(r) for r in records).items())),
            "method": dict(sorted(Counter(r["certificate"]["method"] for r in records).items())),
            "width": dict(sorted(Counter(str(r["params"]["width"]) for r in records).items())),
            "evidence": dict(sorted(Counter(f"{r['evidence']['procedure']}:{r['evidence']['result']}"
                                            for r in records).items())),
        },
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    side = {"note": "wall-clock seconds of the bv_decide stand-in check per record; measured, so not "
                    "deterministic and not part of the hashed records",
            "seconds": dict(sorted(timings.items())), "total_seconds": round(sum(timings.values()), 3)}
    (out_dir / "timings.json").write_text(json.dumps(side, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return GenerationSummary(out_dir, len(records), manifest)


def _truth(record: dict[str, Any]) -> str:
    if not record["certified"]:
        return "uncertified"
    return "true" if record["claim_holds"] else "false"


__all__ = ["GenerationSummary", "Knobs", "Verdict", "generate_challenges", "knobs_from"]
