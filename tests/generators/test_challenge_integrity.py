"""Challenge records people can rely on (issue 20): every edit of a record fails `recheck` with the
field named, even when the content hash is recomputed (it is a corruption check, not a
signature); certificate verifiers reject malformed fields instead of raising; machine strings
and numeric options are checked at the command line."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bb_samples import BOUNCERS, FAR_DIRECT, REPEATED_WORD_LISTS

from axiomforge.cli import main
from axiomforge.generators.busy_beaver import api as bb_api
from axiomforge.generators.busy_beaver import records as bb_records
from axiomforge.generators.busy_beaver.certificates import CERTIFICATE_METHODS, verify
from axiomforge.generators.busy_beaver.deciders import decide_bouncer, decide_far_direct, decide_rwl
from axiomforge.generators.busy_beaver.machine import parse_machine
from axiomforge.generators.busy_beaver.sources import enumerated_machines
from axiomforge.generators.busy_beaver.synthesis import Knobs, generate
from axiomforge.generators.mba import api as mba_api
from axiomforge.generators.mba import records as mba_records
from axiomforge.generators.mba.synthesis import knobs_from, synthesize

Edit = Callable[[dict[str, Any]], None]


def forge(record: dict[str, Any], edit: Edit, rehash: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    """The record after `edit`, with its content hash recomputed as a forger would."""
    bad = copy.deepcopy(record)
    edit(bad)
    bad["content_hash"] = rehash(bad)
    return bad


def assert_names(result: tuple[bool, str], field: str) -> None:
    ok, why = result
    assert not ok, f"{field}: accepted"
    reason = why.removeprefix("malformed record: ")
    assert reason.startswith(f"{field}:") or reason.startswith(f"{field} "), (field, why)


# --- Busy Beaver ---------------------------------------------------------------------------------


@functools.cache
def bb_sample() -> list[dict[str, Any]]:
    return generate(150, 1, Knobs(states=(3, 4, 5))).records


def bb_pick(test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return next(r for r in bb_sample() if test(r))


def _set(path: str, value: Any) -> Edit:
    def edit(r: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        target = r
        for p in parents:
            target = target[p]
        target[leaf] = value

    return edit


BB_HARD_FIVE = lambda r: r["params"]["states"] == 5 and r["difficulty"] == "hard"  # noqa: E731
BB_BOUND = lambda r: "bound" in r["params"]  # noqa: E731


@pytest.mark.parametrize(
    ("pick", "edit", "field"),
    [
        (BB_HARD_FIVE, _set("difficulty", "easy"), "difficulty"),
        (BB_HARD_FIVE, _set("params.states", 3), "params.states"),
        (BB_HARD_FIVE, _set("params.symbols", 7), "params.symbols"),
        (BB_BOUND, _set("params.bound", "149"), "params.bound"),
        (BB_BOUND, _set("params.bound", 149.9), "params.bound"),
        (BB_BOUND, _set("params.bound", True), "params.bound"),
        (BB_BOUND, _set("params.note", "x"), "params.note"),
        (BB_BOUND, _set("note", "x"), "note"),
        (BB_BOUND, _set("evidence.proof_steps", 10_000), "evidence.proof_steps"),
        (BB_BOUND, _set("evidence.extra", 1), "evidence.extra"),
        (BB_BOUND, _set("evidence.decider", "bouncer"), "evidence.decider"),
        (BB_BOUND, _set("params.canonical", "1RB---_------"), "params.canonical"),
        (BB_BOUND, _set("id", "bb-halts_within-00000000"), "id"),
        (BB_BOUND, _set("theorem_name", "bb_x"), "theorem_name"),
        (BB_BOUND, _set("lean_features", ["decide", "native"]), "lean_features"),
        (BB_BOUND, _set("reference_proof", "sorry"), "reference_proof"),
        (BB_BOUND, _set("markdown", "# anything"), "markdown"),
        (BB_BOUND, _set("lean_statement", "theorem t : True"), "lean_statement"),
        (BB_BOUND, lambda r: r.update(task="prove" if r["task"] == "disprove" else "disprove"), "task"),
        (BB_BOUND, _set("certified", 1), "certified"),
        (BB_BOUND, _set("claim_holds", 1), "claim_holds"),
        (BB_BOUND, lambda r: r["certificate"].update(extra=1), "certificate"),
        (lambda r: r["template"] == "never_halts" and r["claim_holds"], _set("difficulty", "easy"), "difficulty"),
    ],
)
def test_bb_edit_fails_recheck_naming_the_field(pick: Callable[[dict[str, Any]], bool], edit: Edit, field: str) -> None:
    record = bb_pick(pick)
    assert bb_api.recheck(record) == (True, "")
    assert_names(bb_api.recheck(forge(record, edit, bb_records.content_hash)), field)


def test_bb_content_hash_is_checked_last_and_named() -> None:
    record = copy.deepcopy(bb_sample()[0])
    record["content_hash"] = "0" * 64
    assert_names(bb_api.recheck(record), "content_hash")


def test_bb_schema_rejects_non_objects_and_missing_fields() -> None:
    record = copy.deepcopy(bb_sample()[0])
    del record["evidence"]
    assert_names(bb_api.recheck(record), "evidence")
    assert not bb_api.recheck({"domain": "bb", "params": []})[0]
    assert not bb_api.recheck([])[0]  # type: ignore[arg-type]


# --- MBA -----------------------------------------------------------------------------------------


@functools.cache
def mba_sample() -> list[dict[str, Any]]:
    return synthesize(60, 2, knobs_from(widths="8,16,symbolic"))


def mba_pick(test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return next(r for r in mba_sample() if test(r))


MBA_SAT = lambda r: r["evidence"]["procedure"] == "sat"  # noqa: E731
MBA_FALSE = lambda r: not r["claim_holds"]  # noqa: E731


@pytest.mark.parametrize(
    ("pick", "edit", "field"),
    [
        (MBA_SAT, lambda r: r.update(difficulty="easy" if r["difficulty"] != "easy" else "hard"), "difficulty"),
        (MBA_FALSE, lambda r: r.update(difficulty="hard"), "difficulty"),
        (MBA_SAT, _set("params.class", "nonpolynomial"), "params.class"),
        (MBA_SAT, lambda r: r["params"]["variables"].append("q"), "params.variables"),
        (MBA_SAT, _set("params.width", "8"), "params.width"),
        (MBA_SAT, _set("params.width", 8.0), "params.width"),
        (MBA_SAT, _set("params.width", True), "params.width"),
        (MBA_SAT, _set("params.terms", "3"), "params.terms"),
        (MBA_SAT, _set("params.note", 1), "params.note"),
        (MBA_SAT, _set("note", 1), "note"),
        (MBA_SAT, _set("evidence.conflicts", 5), "evidence.conflicts"),
        (MBA_SAT, lambda r: r["evidence"].update(result="out_of_budget" if r["evidence"]["result"] == "proved"
                                                 else "proved"), "evidence.result"),
        (MBA_SAT, _set("evidence.budget", 10**9), "evidence.budget"),
        (MBA_SAT, _set("evidence.extra", 1), "evidence.extra"),
        (MBA_FALSE, lambda r: r["evidence"].update(result="few_corners" if r["evidence"]["result"] == "most_corners"
                                                   else "most_corners"), "evidence.result"),
        (MBA_FALSE, lambda r: r["evidence"].update(refuting_corners=r["evidence"]["refuting_corners"] + 1),
         "evidence.refuting_corners"),
        (MBA_SAT, _set("id", "mba-linear_identity-00000000"), "id"),
        (MBA_SAT, _set("theorem_name", "t"), "theorem_name"),
        (MBA_SAT, _set("lean_features", ["decide"]), "lean_features"),
        (MBA_SAT, _set("reference_proof", "bv_decide"), "reference_proof"),
        (MBA_SAT, _set("markdown", "# x"), "markdown"),
        (MBA_SAT, _set("lean_statement", "theorem t : True"), "lean_statement"),
        (MBA_SAT, _set("lean", "theorem t : True := by\n  sorry\n"), "lean"),
        (MBA_SAT, _set("template", "polynomial_identity"), "template"),
        (MBA_SAT, _set("certificate.extra", 1), "certificate.extra"),
        (MBA_SAT, _set("certificate.width", 64), "certificate.width"),
        (MBA_FALSE, _set("claim_holds", True), "claim_holds"),
        (MBA_FALSE, _set("certified", 1), "certified"),
    ],
)
def test_mba_edit_fails_recheck_naming_the_field(pick: Callable[[dict[str, Any]], bool], edit: Edit, field: str) -> None:
    record = mba_pick(pick)
    assert mba_api.recheck(record)[0], mba_api.recheck(record)
    assert_names(mba_api.recheck(forge(record, edit, mba_records.content_hash)), field)


def test_mba_content_hash_is_named() -> None:
    record = copy.deepcopy(mba_sample()[0])
    record["content_hash"] = "f" * 64
    assert_names(mba_api.recheck(record), "content_hash")


def test_mba_bv_decide_is_claimed_only_within_budget() -> None:
    for r in mba_sample():
        ev = r["evidence"]
        if r["reference_proof"] == "bv_decide":
            assert ev["procedure"] == "sat" and ev["result"] == "proved" and ev["conflicts"] <= ev["budget"]
        if ev["procedure"] == "sat" and ev["result"] != "proved":
            assert r["reference_proof"] is None and r["difficulty"] == "hard"


def test_mba_markdown_states_lean_grouping() -> None:
    for r in mba_sample():
        assert "C precedence" not in r["markdown"]
        assert "as Lean parses the theorem" in r["markdown"]
        assert " == " not in r["markdown"].split("```")[1]


# --- certificate verifiers never raise -----------------------------------------------------------

MALFORMED: tuple[Any, ...] = ("²", "١", "", "x" * 3000, "(", "0(1", "()", -1, 10**30, -(10**30), None, True, 1.5,
                              float("nan"), [], {}, [[1]], [-1], [10**30], ["²"], [None], {"a": 1})


@functools.cache
def certificate_samples() -> tuple[tuple[str, dict[str, Any]], ...]:
    """One genuine certificate per method (machine text, certificate): the 2-/3-state enumeration,
    then the sample machines of the deciders that need 4 states."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for n in (2, 3):
        for cm in enumerated_machines(n):
            found.setdefault(cm.certificate["method"], (cm.machine.text(), cm.certificate))
    for text, decider in ((BOUNCERS[0], decide_bouncer), (REPEATED_WORD_LISTS[0], decide_rwl),
                          (FAR_DIRECT[0], decide_far_direct)):
        cert = decider(parse_machine(text))
        assert cert is not None, text
        found.setdefault(cert["method"], (text, cert))
    return tuple(sorted(found.values(), key=lambda s: s[1]["method"]))


def test_samples_cover_the_methods() -> None:
    assert {cert["method"] for _, cert in certificate_samples()} == set(CERTIFICATE_METHODS)


SAMPLED_METHODS = CERTIFICATE_METHODS


@pytest.mark.parametrize("method", SAMPLED_METHODS)
def test_verifiers_reject_malformed_fields_without_raising(method: str) -> None:
    text, cert = next(s for s in certificate_samples() if s[1]["method"] == method)
    machine = parse_machine(text)
    assert verify(machine, cert) == (True, "")
    for key in cert:
        for value in MALFORMED if key != "method" else (*MALFORMED, "halts", "cycler"):
            if value == cert[key] and type(value) is type(cert[key]):
                continue
            ok, why = verify(machine, {**cert, key: value})
            assert ok is False and isinstance(why, str) and why, (cert["method"], key, value)
        ok, why = verify(machine, {k: v for k, v in cert.items() if k != key})
        assert ok is False and why
    assert verify(machine, {**cert, "extra": 0})[0] is False


@pytest.mark.parametrize("method", CERTIFICATE_METHODS)
def test_every_method_rejects_all_malformed_fields_without_raising(method: str) -> None:
    """Also the methods without a sample here: every field malformed at once, in every way."""
    from axiomforge.generators.busy_beaver.certificates import _FIELDS

    machine = parse_machine(BOUNCERS[0])
    for value in MALFORMED:
        ok, why = verify(machine, {"method": method, **{key: value for key in _FIELDS[method]}})
        assert ok is False and why, (method, value)


def test_bouncer_certificate_with_a_superscript_digit_is_rejected() -> None:
    machine = parse_machine(BOUNCERS[0])
    cert = decide_bouncer(machine)
    assert cert is not None and cert["method"] == "bouncer"
    ok, why = verify(machine, {**cert, "left": "²"})
    assert ok is False and "digits" in why


# --- command line --------------------------------------------------------------------------------


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith("error: ") and "Traceback" not in err
    assert sum(line.startswith("error") for line in err.splitlines()) == 1
    return first


@pytest.mark.parametrize(("machine", "shown"), [("²RB1LB_1LA1RZ", "'²' (U+00B2)"), ("١RB1LB_1LA1RZ", "'١' (U+0661)")])
@pytest.mark.parametrize("command", ["run", "decide"])
def test_non_ascii_digits_are_named(capsys: pytest.CaptureFixture[str], command: str, machine: str, shown: str) -> None:
    assert shown in _error(capsys, ["bb", command, machine])


def test_a_machine_starting_with_an_undefined_transition_is_an_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bb", "run", "---0LB_1LA1RZ", "--json"]) == 0
    assert '"steps": 1' in capsys.readouterr().out
    assert main(["bb", "decide", "---0LB_1LA1RZ"]) == 0
    assert "halts" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["bb", "decide", "--halt-steps", "-1", "1RB1LB_1LA1RZ"],
        ["bb", "decide", "--halt-steps", "0", "1RB1LB_1LA1RZ"],
        ["bb", "run", "--max-steps", "-5", "1RB1LB_1LA1RZ"],
        ["bb", "run", "--block-size", "0", "1RB1LB_1LA1RZ"],
        ["bb", "enumerate", "--states", "9"],
    ],
)
def test_numeric_options_are_range_checked(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert "expected an integer" in _error(capsys, argv)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--states", "8"], "--states takes numbers from 2 to 5"),
        (["--states", "2", "--count", "500"], "add 4 or 5 to --states"),
        (["--templates", "halts_within", "--false-fraction", "0.5"], "add one to --templates"),
        (["--symbols", "9"], "--symbols"),
        (["--max-steps", "-3"], "--max-steps"),
    ],
)
def test_gen_bb_refuses_what_it_cannot_satisfy_before_starting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], says: str
) -> None:
    out = tmp_path / "set"
    count = [] if "--count" in argv else ["--count", "5"]
    assert says in _error(capsys, ["gen", "bb", "--out", str(out), *count, *argv])
    assert not out.exists()


def test_bench_run_rechecks_a_loaded_set_and_names_the_forged_field(tmp_path: Path) -> None:
    import json
    import sqlite3

    records = [r for r in bb_sample() if r["claim_holds"]][:3]
    forged = forge(records[0], _set("difficulty", "hard" if records[0]["difficulty"] != "hard" else "easy"),
                   bb_records.content_hash)
    tasks = tmp_path / "set.jsonl"
    tasks.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in [forged, *records[1:]]), encoding="utf-8")
    assert main(["bench", "run", "--tasks", str(tasks), "--prover", "symbolic", "--no-lean", "--no-progress",
                 "--out", str(tmp_path / "run")]) == 0
    with sqlite3.connect(tmp_path / "run" / "results.sqlite") as db:
        rows = dict(db.execute("select task_id, recheck || ' ' || recheck_reason from tasks").fetchall())
    assert rows[forged["id"]].startswith("failed difficulty:"), rows[forged["id"]]
    assert all(rows[r["id"]].startswith("ok") for r in records[1:])
    extra = {**records[1], "note": 1}
    tasks.write_text(json.dumps(extra) + "\n", encoding="utf-8")
    assert main(["bench", "run", "--tasks", str(tasks), "--prover", "symbolic", "--no-lean", "--no-progress",
                 "--out", str(tmp_path / "run2")]) == 2


def _leaves(obj: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _leaves(v, (*path, i))] or [path]
    return [path]


@pytest.mark.parametrize("domain", ["bb", "mba"])
def test_random_edits_are_rejected_and_never_crash_recheck(domain: str) -> None:
    """Seeded random edits of every leaf (wrong types, odd numbers, non-ASCII digits): recheck
    returns a rejection and never raises."""
    import random

    rng = random.Random(20)
    sample, api, rehash = ((bb_sample(), bb_api, bb_records.content_hash) if domain == "bb"
                           else (mba_sample(), mba_api, mba_records.content_hash))
    values = [*MALFORMED, 0, 7, "hard", "bb", "mba", "symbolic", "1RB1LB_1LA1RZ"]
    for record in sample[:12]:
        for path in rng.sample(_leaves(record), min(12, len(_leaves(record)))):
            if path == ("content_hash",):
                continue
            value = rng.choice(values)
            bad = copy.deepcopy(record)
            target = bad
            for key in path[:-1]:
                target = target[key]
            if path and target[path[-1]] == value and type(target[path[-1]]) is type(value):
                continue
            if path:
                target[path[-1]] = value
            bad["content_hash"] = rehash(bad)
            ok, why = api.recheck(bad)
            assert isinstance(ok, bool) and isinstance(why, str)
            metadata = domain == "mba" and path[:2] in (("params", "terms"), ("params", "depth"),
                                                        ("params", "perturbation"), ("params", "slots"))
            if not metadata or not ok:  # generation metadata is only type- and range-checked
                assert ok is False and why, (path, value)
