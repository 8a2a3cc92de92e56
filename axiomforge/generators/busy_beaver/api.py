"""The generator API the prover benchmark uses (docs/challenge-format.md).

`recheck` trusts nothing in the record: it checks the record's shape strictly (exact JSON types,
no unknown keys), re-verifies the certificate with its verifier, re-evaluates the claim with the
reference simulator, and re-derives every other field (id, params.states/symbols/canonical,
difficulty and its evidence, Lean and Markdown texts, statement, reference proof, lean_features,
content_hash) from the claim and certificate, naming the first field that differs.
"""

from __future__ import annotations

from typing import Any

from axiomforge.errors import UserError
from axiomforge.generators.busy_beaver import claims as C
from axiomforge.generators.busy_beaver.certificates import verify
from axiomforge.generators.busy_beaver.machine import parse_machine
from axiomforge.generators.busy_beaver.records import (
    DIFFICULTIES,
    build_record,
    formula_from_params,
    reference_proof,
)
from axiomforge.generators.busy_beaver.reference import run_reference
from axiomforge.generators.schema import ListOf, Obj, OneOf, Optional, check, first_difference, is_sha256_hex

RECHECK_MAX_STEPS = 1_000_000


def evaluate(formula: C.Formula, machine_text: str, certificate: dict[str, Any]) -> bool:
    """The truth of `formula` by the reference simulator (the certificate only for ∀ n)."""
    machine = parse_machine(machine_text)

    def ev(f: C.Formula) -> bool:
        if isinstance(f, C.Halted):
            assert isinstance(f.time, C.Lit)
            return run_reference(machine, _capped(f.time.value)).halted
        if isinstance(f, C.OnesAt):
            assert isinstance(f.time, C.Lit)
            return run_reference(machine, _capped(f.time.value)).ones == f.ones
        if isinstance(f, C.Not):
            return not ev(f.body)
        if isinstance(f, C.And):
            return ev(f.left) and ev(f.right)
        if isinstance(f, C.ExistsLe):
            # halting is permanent: some n <= bound has halted iff the run halts within bound steps
            assert isinstance(f.body, C.Halted)
            return run_reference(machine, _capped(f.bound)).halted
        if isinstance(f, C.Forall):
            assert f == C.never_halts()
            return certificate["method"] != "halts"
        raise TypeError(f"not a formula: {f!r}")

    return ev(formula)


def _capped(steps: int) -> int:
    if steps > RECHECK_MAX_STEPS:
        raise ValueError(f"step count {steps} exceeds the recheck limit {RECHECK_MAX_STEPS}")
    return steps


_COMMON_PARAMS = {"machine": str, "states": int, "symbols": int, "canonical": str}
_TEMPLATE_PARAMS: dict[str, dict[str, type]] = {
    "halts_exact": {"steps": int},
    "halts_within": {"bound": int},
    "not_halts_within": {"bound": int},
    "halts_with_ones": {"bound": int, "ones": int},
    "never_halts": {},
}
_EVIDENCE = Obj({"decider": str, "certificate_size": int,
                 "proof": OneOf(("decide", "native_decide", "none")), "proof_steps": int})


def record_schema(template: str) -> Obj:
    """The exact shape of a Busy Beaver record of `template` (docs/challenge-format.md). The
    certificate's own fields are checked by its verifier, which also refuses unknown keys."""
    return Obj({
        "id": str, "domain": OneOf(("bb",)), "template": OneOf(C.TEMPLATES),
        "params": Obj({**_COMMON_PARAMS, **_TEMPLATE_PARAMS.get(template, {})}),
        "difficulty": OneOf(DIFFICULTIES), "task": OneOf(("prove", "disprove")), "claim_holds": bool,
        "certified": OneOf((True,)), "certificate": dict, "theorem_name": str, "lean": str,
        "lean_statement": str, "markdown": str, "reference_proof": Optional(str), "lean_features": ListOf(str),
        "evidence": _EVIDENCE, "content_hash": str,
    })


def rebuild_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record that this template, machine, statement numbers, truth and certificate produce."""
    params = record["params"]
    machine = parse_machine(params["machine"], source="params.machine")
    formula = formula_from_params(record["template"], params)
    claim = C.Claim(record["template"], machine, formula, record["claim_holds"])
    return build_record(claim, record["certificate"])


def _shape_problem(record: dict[str, Any]) -> str | None:
    template = record.get("template")
    problem = check(record, record_schema(template if isinstance(template, str) else ""))
    if problem:
        return problem
    for key in ("steps", "bound", "ones"):
        value = record["params"].get(key)
        if value is not None and not 0 <= value <= RECHECK_MAX_STEPS:
            return f"params.{key}: {value} is out of range (0 to {RECHECK_MAX_STEPS})"
    if not is_sha256_hex(record["content_hash"]):
        return "content_hash: expected 64 lowercase hex digits"
    return None


def recheck(record: dict[str, Any]) -> tuple[bool, str]:
    """(True, "") when the record is exactly what its claim and certificate produce and the
    certificate verifies; (False, reason naming the field) otherwise. Nothing is trusted: the
    shape is checked strictly, the certificate is verified independently, the claim re-evaluated
    on the reference simulator, and every other field re-derived and compared."""
    try:
        if not isinstance(record, dict) or record.get("domain") != "bb":
            domain = record.get("domain") if isinstance(record, dict) else None
            return False, f"domain: not a Busy Beaver record (domain {domain!r})"
        problem = _shape_problem(record)
        if problem:
            return False, f"malformed record: {problem}"
        machine = parse_machine(record["params"]["machine"], source="params.machine")
        cert = record["certificate"]
        ok, why = verify(machine, cert)
        if not ok:
            return False, f"certificate: rejected: {why}"
        formula = formula_from_params(record["template"], record["params"])
        truth = evaluate(formula, record["params"]["machine"], cert)
        if truth != record["claim_holds"]:
            return False, f"claim_holds: the claim {'holds' if truth else 'does not hold'} but the record says otherwise"
        rebuilt = rebuild_record(record)
        for key in [k for k in rebuilt if k != "content_hash"] + ["content_hash"]:
            where = first_difference(rebuilt[key], record[key], key)
            if where:
                return False, f"{where}: does not match its derivation from the claim and certificate{_shown(rebuilt, record, where)}"
        return True, ""
    except UserError as err:
        return False, f"malformed record: {err.location}: {err.message}" if err.location else f"malformed record: {err}"
    except (KeyError, TypeError, ValueError, AssertionError, IndexError, RecursionError) as err:
        return False, f"malformed record: {type(err).__name__}: {err}"


def _shown(rebuilt: dict[str, Any], record: dict[str, Any], where: str) -> str:
    """` (derived 'hard', recorded 'easy')` for short scalar fields; empty for long texts."""
    def at(obj: Any) -> Any:
        for part in where.split("."):
            obj = obj.get(part) if isinstance(obj, dict) else None
        return obj

    derived, recorded = at(rebuilt), at(record)
    if isinstance(derived, str) and len(derived) > 60 or isinstance(recorded, str) and len(recorded) > 60:
        return ""
    return f" (derived {derived!r}, recorded {recorded!r})"


def proof_from_certificate(record: dict[str, Any]) -> str | None:
    """Tactic text proving the record's theorem, built from its certificate (None when none)."""
    machine = parse_machine(record["params"]["machine"])
    formula = formula_from_params(record["template"], record["params"])
    claim = C.Claim(record["template"], machine, formula, bool(record["claim_holds"]))
    proof, _ = reference_proof(claim, record["certificate"])
    return proof
