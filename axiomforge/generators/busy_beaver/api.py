"""The generator API the prover benchmark uses (docs/challenge-format.md).

`recheck` trusts nothing in the record: it re-verifies the certificate with its verifier,
re-evaluates the claim with the reference simulator, and re-renders the Lean and Markdown texts
and the content hash from the parameters.
"""

from __future__ import annotations

from typing import Any

from axiomforge.errors import UserError
from axiomforge.generators.busy_beaver import claims as C
from axiomforge.generators.busy_beaver.certificates import verify
from axiomforge.generators.busy_beaver.machine import parse_machine
from axiomforge.generators.busy_beaver.reference import run_reference

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


def rebuild_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record these parameters, certificate and truth produce (for comparison)."""
    from axiomforge.generators.busy_beaver.records import build_record

    params = dict(record["params"])
    machine = parse_machine(params["machine"])
    from axiomforge.generators.busy_beaver.records import formula_from_params

    formula = formula_from_params(record["template"], params)
    claim = C.Claim(record["template"], machine, formula, bool(record["claim_holds"]))
    return build_record(claim, record["certificate"], record["difficulty"], canonical=params.get("canonical", ""))


def recheck(record: dict[str, Any]) -> tuple[bool, str]:
    try:
        if record.get("domain") != "bb":
            return False, f"not a Busy Beaver record (domain {record.get('domain')!r})"
        machine = parse_machine(record["params"]["machine"])
        cert = record["certificate"]
        ok, why = verify(machine, cert)
        if not ok:
            return False, f"certificate rejected: {why}"
        from axiomforge.generators.busy_beaver.records import formula_from_params

        formula = formula_from_params(record["template"], record["params"])
        truth = evaluate(formula, record["params"]["machine"], cert)
        if truth != record["claim_holds"]:
            return False, f"the claim {'holds' if truth else 'does not hold'} but the record says otherwise"
        if record["task"] != ("prove" if truth else "disprove"):
            return False, "task does not match the truth of the claim"
        if not record.get("certified", False):
            return False, "record is not marked certified"
        rebuilt = rebuild_record(record)
        for key in ("id", "theorem_name", "lean", "lean_statement", "markdown", "reference_proof", "lean_features"):
            if rebuilt[key] != record.get(key):
                return False, f"field {key!r} does not match its rendering from the parameters"
        from axiomforge.generators.busy_beaver.records import content_hash

        if content_hash(record) != record.get("content_hash"):
            return False, "content_hash does not match the record"
        return True, ""
    except (KeyError, TypeError, ValueError, AssertionError, UserError) as err:
        return False, f"malformed record: {err}"


def proof_from_certificate(record: dict[str, Any]) -> str | None:
    """Tactic text proving the record's theorem, built from its certificate (None when none)."""
    from axiomforge.generators.busy_beaver.records import formula_from_params, reference_proof

    machine = parse_machine(record["params"]["machine"])
    formula = formula_from_params(record["template"], record["params"])
    claim = C.Claim(record["template"], machine, formula, bool(record["claim_holds"]))
    proof, _ = reference_proof(claim, record["certificate"])
    return proof
