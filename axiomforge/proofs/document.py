"""Reading proofs.json from disk, with user errors that point at the broken spot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from axiomforge.errors import SourceLocation, UserError, json_kind, parse_user_json, read_user_text
from axiomforge.proofs.syntax import ShapeError, read_formula


class ProofsFileError(UserError):
    """proofs.json cannot be read or is not a proofs document at all."""


def load_document(path: str | Path) -> dict[str, Any]:
    """The parsed and type-checked document; a `ProofsFileError` with a location otherwise.

    Two layers, both before any reader sees the data: `errors.parse_user_json` (UTF-8, JSON syntax,
    no NaN/Infinity, nesting at most `MAX_PROOFS_DEPTH`) and `validate_document` (every field of
    docs/proof-format.md has its JSON type, so `true` is never read as step 1)."""
    path = Path(path)
    if path.is_dir():
        raise ProofsFileError("is a directory, expected a proofs.json file", SourceLocation(str(path)))
    try:
        doc = parse_user_json(read_user_text(path), str(path), max_depth=MAX_PROOFS_DEPTH)
    except UserError as err:
        raise ProofsFileError(err.message, err.location, err.detail) from None
    validate_document(doc, str(path))
    return doc


MAX_PROOFS_DEPTH = 120
"""Deepest JSON nesting of a proofs.json (docs/limits.md). The engine writes about 25 levels; the
checker, the site and the Lean export walk formulas recursively, and at 120 levels (about 55
nested connectives) they stay far inside Python's stack."""

_FORMAT = "axiomforge-proofs"


def validate_document(doc: Any, file: str) -> None:
    """Refuse a document whose fields do not have the JSON types of docs/proof-format.md.

    Only types and containers are checked here (ints are not booleans, lists are lists, names
    are strings); whether a well-typed proof is *correct* is the checker's business, and a wrong
    one exits 1 there. Messages name the field by its JSON path, never by a Python repr."""
    where = SourceLocation(file)

    def fail(path: str, message: str) -> ProofsFileError:
        return ProofsFileError(f"{path}: {message}" if path else message, where)

    if not isinstance(doc, dict) or doc.get("format") != _FORMAT:
        raise ProofsFileError(f'not a proofs document (expected a JSON object with "format": "{_FORMAT}")',
                              SourceLocation(file, 1, 1))  # fmt: skip
    version = doc.get("version")
    if not _is_int(version) or version != 1:
        raise ProofsFileError(f"unsupported proofs format version {_show(version)} (this reader knows 1)",
                              SourceLocation(file, 1, 1))  # fmt: skip

    def obj(value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(path, f"must be an object, got {json_kind(value)}")
        return value

    def items(value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise fail(path, f"must be a list, got {json_kind(value)}")
        return value

    def name(value: Any, path: str) -> None:
        if not isinstance(value, str) or not value:
            raise fail(path, f"must be a non-empty string, got {json_kind(value)}")

    def text(value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise fail(path, f"must be a string, got {json_kind(value)}")

    def names(value: Any, path: str) -> None:
        for i, item in enumerate(items(value, path)):
            name(item, f"{path}[{i}]")

    def optional(data: dict[str, Any], key: str, check: Any, path: str) -> None:
        if data.get(key) is not None:
            check(data[key], f"{path}.{key}")

    def integer(value: Any, path: str) -> None:
        if not _is_int(value):
            raise fail(path, f"must be an integer, got {json_kind(value)}")

    def var(value: Any, path: str) -> None:
        if len(items(value, path)) != 2:
            raise fail(path, "must be [name, sort]")
        names(value, path)

    def term(value: Any, path: str) -> None:
        data = obj(value, path)
        if "v" in data:
            name(data["v"], f"{path}.v")
            name(data.get("s"), f"{path}.s")
        elif "f" in data:
            name(data["f"], f"{path}.f")
            for i, arg in enumerate(items(data.get("a", []), f"{path}.a")):
                term(arg, f"{path}.a[{i}]")
        else:
            raise fail(path, 'a term needs "v" or "f"')

    def formula(value: Any, path: str) -> None:
        typed_formula(value, path)
        try:  # the shape (known op, arity) as the checker reads it, reported here in plain words
            read_formula(value)
        except ShapeError as err:
            raise fail(path, str(err)) from None

    def typed_formula(value: Any, path: str) -> None:
        data = obj(value, path)
        op = data.get("op")
        name(op, f"{path}.op")
        optional(data, "r", name, path)
        optional(data, "var", var, path)
        args = items(data.get("a", []), f"{path}.a")
        for i, arg in enumerate(args):  # terms under = and rel, formulas under the connectives
            (term if op in ("=", "rel") else typed_formula)(arg, f"{path}.a[{i}]")

    def signature_entry(value: Any, path: str, needs_result: bool) -> None:
        data = obj(value, path)
        name(data.get("name"), f"{path}.name")
        names(data.get("args", []), f"{path}.args")
        if needs_result:
            name(data.get("result"), f"{path}.result")
        for key in ("infix", "notation", "assoc"):
            optional(data, key, name, path)
        optional(data, "precedence", integer, path)

    theory = obj(doc.get("theory"), "theory")
    for key in ("name", "source", "source_sha256"):
        optional(theory, key, text, "theory")
    names(theory.get("sorts", []), "theory.sorts")
    for i, fn in enumerate(items(theory.get("functions", []), "theory.functions")):
        signature_entry(fn, f"theory.functions[{i}]", needs_result=True)
    for i, rel in enumerate(items(theory.get("relations", []), "theory.relations")):
        signature_entry(rel, f"theory.relations[{i}]", needs_result=False)
    for i, ax in enumerate(items(theory.get("axioms", []), "theory.axioms")):
        path = f"theory.axioms[{i}]"
        ax = obj(ax, path)
        name(ax.get("name"), f"{path}.name")
        name(ax.get("kind"), f"{path}.kind")
        formula(ax.get("formula"), f"{path}.formula")
    for i, ind in enumerate(items(theory.get("induction", []), "theory.induction")):
        path = f"theory.induction[{i}]"
        ind = obj(ind, path)
        name(ind.get("sort"), f"{path}.sort")
        for j, ctor in enumerate(items(ind.get("constructors"), f"{path}.constructors")):
            signature_entry(ctor, f"{path}.constructors[{j}]", needs_result=False)

    for i, thm in enumerate(items(doc.get("theorems"), "theorems")):
        path = f"theorems[{i}]"
        thm = obj(thm, path)
        name(thm.get("name"), f"{path}.name")
        formula(thm.get("statement"), f"{path}.statement")
        optional(thm, "method", text, path)
        optional(thm, "cites", names, path)
        seconds = thm.get("seconds")
        if seconds is not None and (not isinstance(seconds, (int, float)) or isinstance(seconds, bool)):
            raise fail(f"{path}.seconds", f"must be a number, got {json_kind(seconds)}")
        for j, step in enumerate(items(thm.get("steps"), f"{path}.steps")):
            _validate_step(obj(step, f"{path}.steps[{j}]"), f"{path}.steps[{j}]", fail, formula, term, var, name,
                           integer, items)  # fmt: skip
    if doc.get("run") is not None:
        obj(doc["run"], "run")


def _validate_step(step: dict[str, Any], path: str, fail: Any, formula: Any, term: Any, var: Any, name: Any,
                   integer: Any, items: Any) -> None:
    integer(step.get("id"), f"{path}.id")
    name(step.get("rule"), f"{path}.rule")
    if "formula" in step:
        formula(step["formula"], f"{path}.formula")
    for key in ("premises", "path"):
        for i, value in enumerate(items(step.get(key, []), f"{path}.{key}")):
            integer(value, f"{path}.{key}[{i}]")
    if "ref" in step:
        name(step["ref"], f"{path}.ref")
    if "discharges" in step:  # one assume step's id, or [idA, idB] for or_elim
        marks = step["discharges"]
        if isinstance(marks, list):
            if len(marks) != 2:
                raise fail(f"{path}.discharges", "must be a step id or a list of two step ids")
            for i, value in enumerate(marks):
                integer(value, f"{path}.discharges[{i}]")
        else:
            integer(marks, f"{path}.discharges")
    if "side" in step and (not _is_int(step["side"]) or step["side"] not in (0, 1)):
        raise fail(f"{path}.side", "must be 0 or 1")
    if "var" in step:
        var(step["var"], f"{path}.var")
    if "term" in step:
        term(step["term"], f"{path}.term")
    if "subst" in step:
        subst = step["subst"]
        if not isinstance(subst, dict):
            raise fail(f"{path}.subst", f"must be an object, got {json_kind(subst)}")
        for key, value in subst.items():
            term(value, f"{path}.subst.{key}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    """A short JSON rendering of a scalar for messages."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def with_timings(doc: dict[str, Any], timings: dict[str, Any]) -> dict[str, Any]:
    """The document with the measured times of timings.json folded in, for display only.

    proofs.json itself carries no times so that it is byte-for-byte reproducible; the site shows
    them when a timings.json is at hand. Malformed timings are ignored rather than trusted.
    """
    per_theorem = timings.get("theorems") if isinstance(timings, dict) else None
    run = timings.get("run") if isinstance(timings, dict) else None
    out = dict(doc)
    if isinstance(per_theorem, dict):
        out["theorems"] = [
            {**t, "seconds": per_theorem[t["name"]]}
            if isinstance(t, dict) and isinstance(per_theorem.get(t.get("name")), (int, float))
            else t
            for t in doc.get("theorems", [])
        ]
    if isinstance(run, dict) and isinstance(doc.get("run"), dict):
        out["run"] = {**doc["run"], **{k: v for k, v in run.items() if isinstance(v, (int, float))}}
    return out


def load_timings_beside(proofs_path: str | Path) -> dict[str, Any] | None:
    """timings.json next to a proofs.json, if there is a readable one (it is optional)."""
    path = Path(proofs_path).parent / "timings.json"
    try:
        timings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return timings if isinstance(timings, dict) and timings.get("format") == "axiomforge-timings" else None
