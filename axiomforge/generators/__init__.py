"""Challenge generators (Busy Beaver, Mixed Boolean-Arithmetic) and the dispatch the prover
benchmark uses: `recheck(record)` and `proof_from_certificate(record)` route on
`record["domain"]` to `axiomforge.generators.<domain>.api`, imported lazily so that loading one
generator never pulls in the other.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from axiomforge.errors import UserError

_API_MODULES = {
    "bb": "axiomforge.generators.busy_beaver.api",
    "mba": "axiomforge.generators.mba.api",
}


def _api(record: dict[str, Any]) -> ModuleType:
    domain = record.get("domain")
    name = _API_MODULES.get(domain) if isinstance(domain, str) else None
    if name is None:
        raise UserError(f"unknown challenge domain {domain!r}; expected one of {', '.join(sorted(_API_MODULES))}")
    return importlib.import_module(name)


def recheck(record: dict[str, Any]) -> tuple[bool, str]:
    """Re-verify a record's ground truth with its generator's independent checker."""
    result: tuple[bool, str] = _api(record).recheck(record)
    return result


def proof_from_certificate(record: dict[str, Any]) -> str | None:
    """Lean tactic text proving the record's theorem from its certificate, or None."""
    result: str | None = _api(record).proof_from_certificate(record)
    return result
