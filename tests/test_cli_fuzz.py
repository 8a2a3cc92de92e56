"""CLI-wide fuzz suite: bad input never crashes and never clobbers (issue 13).

Two halves:
  * a table of hostile inputs for every leaf subcommand (tests/cli_fuzz_cases.py), each case
    asserting exit code 2, exactly one `error:` line on stderr and no traceback;
  * hypothesis-driven mutation of a valid input of each file format (MPL, GL + signature,
    proofs.json, task JSONL, RASP source, MBA text), asserting no traceback and, for exit 2, one
    `error:` line.

Every case's captured output goes to test-artifacts/fuzz-outputs/ so that
`grep -r Traceback test-artifacts/fuzz-outputs` can be checked by hand; the last test checks it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_fuzz_cases import (
    CASE_LIMIT_S,
    OWNED_CASE_LIMIT_S,
    REPO,
    Case,
    Outcome,
    build_cases,
    build_files,
    leaf_commands,
    run_in_process,
    run_subprocess,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

OUTPUTS = REPO / "test-artifacts" / "fuzz-outputs"
LEAVES = leaf_commands()


@pytest.fixture(scope="module")
def fuzz_outputs() -> Path:
    shutil.rmtree(OUTPUTS, ignore_errors=True)
    OUTPUTS.mkdir(parents=True)
    return OUTPUTS


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.=" else "_" for c in name)[:150]


def _save(directory: Path, name: str, text: str) -> None:
    (directory / f"{_safe(name)}.txt").write_text(text, encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory, fuzz_outputs: Path) -> dict[str, tuple[Case, Outcome]]:
    """Every table case, run once (in-process, a few as subprocesses); outputs saved."""
    root = tmp_path_factory.mktemp("fuzz")
    files = build_files(root)
    results: dict[str, tuple[Case, Outcome]] = {}
    for case in build_cases(files):
        assert case.id not in results, f"duplicate case id {case.id}"
        limit = OWNED_CASE_LIMIT_S if case.owner else CASE_LIMIT_S
        outcome = run_subprocess(case.argv, root, limit) if case.subprocess else run_in_process(case.argv, limit)
        results[case.id] = (case, outcome)
        _save(fuzz_outputs, f"table-{case.id}", outcome.transcript(case))
    return results


def test_every_subcommand_has_hostile_cases(table: dict[str, tuple[Case, Outcome]]) -> None:
    covered = {case.command for case, _ in table.values()}
    assert set(LEAVES) == covered, f"subcommands without fuzz cases: {sorted(set(LEAVES) - covered)}"
    assert len(LEAVES) >= 21  # bb x3, bench x3, check, doctor, gen x2, html, lean-export, mba x2, mpl x2, ...
    assert len(table) >= 500


@pytest.mark.parametrize("command", sorted(LEAVES))
def test_hostile_inputs_are_one_line_errors(command: str, table: dict[str, tuple[Case, Outcome]]) -> None:
    mine = [(case, outcome) for case, outcome in table.values() if case.command == command]
    assert mine, f"no cases for {command}"
    broken = {case.id: (case, outcome.problems()) for case, outcome in mine if outcome.problems()}
    unowned = {cid: problems for cid, (case, problems) in broken.items() if case.owner is None}
    assert not unowned, "\n".join(f"{cid}: {problems}" for cid, problems in unowned.items())
    if broken:  # only cases another helper owns and has not fixed yet
        owners = sorted({case.owner or "" for case, _ in broken.values()})
        pytest.xfail(f"open in another area: {', '.join(broken)} (owner: {'; '.join(owners)})")


def test_nothing_already_written_is_touched(table: dict[str, tuple[Case, Outcome]]) -> None:
    """The files the table aimed commands at (a text file as a store, an existing output file)
    are byte for byte what they were."""
    precious = [Path(arg) for case, _ in table.values() for arg in case.argv
                if arg.endswith(("precious.txt", "an-existing-file"))]
    assert precious
    for path in set(precious):
        expected = "user data, not a database\n" if path.name == "precious.txt" else "keep me\n"
        assert path.read_text(encoding="utf-8") == expected, f"{path} was modified"
    user_files = {directory / name for case, _ in table.values() for arg in case.argv
                  for directory in [Path(arg)] if "/gen/user-" in arg or "/user-" in arg
                  for name in ("challenges.jsonl", "proofs.json", "timings.json", "proofs.lean", "index.html",
                               "report.md", "report.html", "attempts.jsonl", "m.safetensors.json")
                  if (directory / name).is_file()}
    user_files |= {Path(arg).parent / "m.safetensors.json" for case, _ in table.values() for arg in case.argv
                   if "/user-sidecar/" in arg}
    assert len(user_files) == 10  # gen bb, gen mba, prove x3, html, bench report x3, a model sidecar
    for path in user_files:
        assert path.read_text(encoding="utf-8") == "user data, not a database\n", f"{path} was overwritten"
    stores = {Path(arg) for case, _ in table.values() for arg in case.argv if "/stores/text" in arg}
    for path in stores:
        store = path if path.name == "results.sqlite" else path / "results.sqlite"
        assert store.read_text(encoding="utf-8") == "just some text\n" * 20


# -------------------------------------------------------------------- hypothesis: mutate valid inputs

_NOISE = b'()[]{}",:;=!&>|-+*^~.#/\\ \n\t0123456789azNTtrue\xff\xfe\x00\xc3\xa9\xe2\x88\x80'


@st.composite
def _byte_mutation(draw: Any, data: bytes) -> bytes:
    """`data` after a few random edits: delete, insert noise, duplicate, overwrite, truncate."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            out.extend(draw(st.binary(min_size=1, max_size=8)))
            continue
        at = draw(st.integers(0, len(out) - 1))
        size = draw(st.integers(1, 40))
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "overwrite", "truncate", "repeat"]))
        if op == "delete":
            del out[at : at + size]
        elif op == "insert":
            noise = bytes(draw(st.lists(st.sampled_from(list(_NOISE)), min_size=1, max_size=size)))
            out[at:at] = noise
        elif op == "duplicate":
            out[at:at] = out[at : at + size]
        elif op == "overwrite":
            out[at] = draw(st.sampled_from(list(_NOISE)))
        elif op == "truncate":
            del out[at:]
        else:  # one character many times: deep nesting, long runs
            out[at:at] = bytes([out[at]]) * draw(st.sampled_from([50, 500, 5000]))
    return bytes(out)


_JSON_VALUES = st.sampled_from([True, False, None, 0, -1, 1, 1.5, 10**30, "", "N", "x" * 300, [], {}, [1], {"a": 1},
                                [[[[[]]]]]])


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:6]):
            found.extend(_paths(value, (*prefix, i)))
    return found


@st.composite
def _json_mutation(draw: Any, doc: Any) -> bytes:
    """`doc` with one value somewhere replaced by a value of another JSON type (or removed)."""
    mutated = copy.deepcopy(doc)
    paths = [p for p in _paths(mutated) if p]
    path = paths[draw(st.integers(0, len(paths) - 1))]
    parent = mutated
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(_JSON_VALUES)
    return json.dumps(mutated).encode()


class _Mutator:
    """Runs one mutated input per hypothesis example and checks the contract."""

    def __init__(self, name: str, directory: Path | None, outputs: Path, allowed: set[int]) -> None:
        self.name, self.outputs, self.allowed = name, outputs, allowed
        self.directory = directory or outputs
        self.directory.mkdir(parents=True, exist_ok=True)

    def check(self, argv: list[str], payload: bytes) -> None:
        outcome = run_in_process(tuple(argv), limit_s=30)
        digest = hashlib.sha256(payload).hexdigest()[:12]
        case = Case(f"mutation-{self.name}-{digest}", tuple(argv), self.name)
        _save(self.outputs, case.id, outcome.transcript(case))
        assert not outcome.crashed, outcome.crashed
        assert "Traceback" not in outcome.stdout + outcome.stderr
        assert outcome.code in self.allowed, f"exit {outcome.code}: {outcome.stderr[-300:]}"
        if outcome.code == 2:
            errors = [line for line in outcome.stderr.splitlines() if line.startswith("error:")]
            assert len(errors) == 1, outcome.stderr


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])


def _file_mutation_test(name: str, sample: Path, argv: Callable[[Path], list[str]], allowed: set[int],
                        json_doc: bool = False, suffix: str | None = None) -> Callable[..., None]:
    data = sample.read_bytes()
    strategy = _byte_mutation(data)
    if json_doc:
        strategy = st.one_of(strategy, _json_mutation(json.loads(data)))

    @_SETTINGS
    @given(payload=strategy)
    def test(payload: bytes, tmp_path: Path, fuzz_outputs: Path) -> None:
        mutator = _Mutator(name, tmp_path / name, fuzz_outputs, allowed)
        target = mutator.directory / f"input{suffix or sample.suffix}"
        target.write_bytes(payload)
        mutator.check(argv(target), payload)

    return test


test_mutated_mpl = _file_mutation_test("mpl", REPO / "theories" / "peano.mpl", lambda p: ["mpl", "check", str(p)],
                                       {0, 2})
test_mutated_gl = _file_mutation_test("gl", REPO / "theories" / "gl" / "peano.gl",
                                      lambda p: ["mpl", "check", "--format", "gl", str(p)], {0, 2})
test_mutated_proofs = _file_mutation_test("proofs", REPO / "tests" / "proofs" / "data" / "lists.proofs.json",
                                          lambda p: ["check", str(p)], {0, 1, 2}, json_doc=True)
test_mutated_rasp = _file_mutation_test(
    "rasp", REPO / "axiomforge" / "rasp" / "library" / "sort.rasp",
    lambda p: ["rasp", "run", str(p), "--input", "3 1 2"], {0, 2})


_LISTS_GL = (REPO / "theories" / "gl" / "lists.gl").read_bytes()
_LISTS_SIG = json.loads((REPO / "theories" / "gl" / "lists.sig.json").read_text(encoding="utf-8"))


@_SETTINGS
@given(payload=st.one_of(_byte_mutation(json.dumps(_LISTS_SIG).encode()), _json_mutation(_LISTS_SIG)))
def test_mutated_gl_signature(payload: bytes, tmp_path: Path, fuzz_outputs: Path) -> None:
    mutator = _Mutator("gl-signature", tmp_path / "sig", fuzz_outputs, {0, 2})
    (mutator.directory / "lists.gl").write_bytes(_LISTS_GL)
    (mutator.directory / "lists.sig.json").write_bytes(payload)
    mutator.check(["mpl", "check", str(mutator.directory / "lists.gl")], payload)


_TASKS = (REPO / "tests" / "bench" / "data" / "challenges.jsonl").read_bytes()
_TASK_RECORD = json.loads(_TASKS.splitlines()[0])


@_SETTINGS
@given(payload=st.one_of(_byte_mutation(_TASKS), _json_mutation(_TASK_RECORD)))
def test_mutated_task_jsonl(payload: bytes, tmp_path: Path, fuzz_outputs: Path) -> None:
    mutator = _Mutator("tasks", tmp_path / "tasks", fuzz_outputs, {0, 2})
    tasks = mutator.directory / "challenges.jsonl"
    tasks.write_bytes(payload)
    run = mutator.directory / f"run-{hashlib.sha256(payload).hexdigest()[:12]}"
    mutator.check(["bench", "run", "--tasks", str(tasks), "--prover", "symbolic", "--no-lean", "--no-progress",
                   "--out", str(run)], payload)


_MBA = "(x ^ y) + 2*(x & y) == x + y"


@_SETTINGS
@given(payload=_byte_mutation(_MBA.encode()), verb=st.sampled_from(["check", "simplify"]))
def test_mutated_mba_text(payload: bytes, verb: str, fuzz_outputs: Path) -> None:
    text = payload.decode("utf-8", errors="replace")
    if verb == "simplify":
        text = text.split("==")[0]
    mutator = _Mutator(f"mba-{verb}", None, fuzz_outputs, {0, 1, 2, 3})
    extra = ["--timeout", "0"] if verb == "check" else []
    mutator.check(["mba", verb, text, *extra], payload + verb.encode())


# -------------------------------------------------------------------- the captured outputs


def test_no_traceback_in_any_captured_output(table: dict[str, tuple[Case, Outcome]], fuzz_outputs: Path) -> None:
    """`grep -r Traceback test-artifacts/fuzz-outputs` finds nothing (cases owned elsewhere excepted)."""
    owned = {f"table-{cid}" for cid, (case, outcome) in table.items() if case.owner and outcome.problems()}
    saved = sorted(fuzz_outputs.glob("*.txt"))
    assert len(saved) >= len(table)
    with_traceback = [p.name for p in saved if "Traceback" in p.read_text(encoding="utf-8", errors="replace")
                      and p.stem not in {_safe(o) for o in owned}]
    assert not with_traceback, with_traceback


# -------------------------------------------------------------------- the cases, with their own expectations


def _run(*argv: str | Path) -> Outcome:
    return run_in_process(tuple(str(a) for a in argv))


def test_verify_that_checked_nothing_fails(tmp_path: Path) -> None:
    sampled_nothing = _run("rasp", "verify", "sort", "--samples", "0", "--exhaustive-limit", "1")
    assert sampled_nothing.code == 1 and "nothing was checked" in sampled_nothing.stderr
    undefined = tmp_path / "undefined.rasp"  # a categorical mean over different values: undefined from length 2
    undefined.write_text("output = aggregate(select(indices, indices, True), indices);\n", encoding="utf-8")
    nowhere = _run("rasp", "verify", undefined, "--vocab", "a,b", "--min-len", "2", "--max-len", "3")
    assert nowhere.code == 1 and "no input is in the program's domain" in nowhere.stderr
    assert _run("rasp", "verify", "sort", "--vocab", "").problems() == []


def test_compile_refuses_values_float64_cannot_separate(tmp_path: Path) -> None:
    program = tmp_path / "big.rasp"
    program.write_text("output = map(lambda t: t + 100000000000000000000, tokens);\n", encoding="utf-8")
    outcome = _run("rasp", "compile", program, "--vocab", "1,2", "--max-len", "3", "-o", tmp_path / "m.safetensors")
    assert outcome.problems() == []
    assert "100000000000000000001" in outcome.stderr and "100000000000000000002" in outcome.stderr
    assert "2**53" in outcome.stderr
    assert not (tmp_path / "m.safetensors").exists()


def test_true_and_1_are_different_values(tmp_path: Path) -> None:
    from axiomforge.rasp.verify import same_outputs

    program = tmp_path / "bool.rasp"
    program.write_text('output = map(lambda t: True if t == "a" else 1, tokens);\n', encoding="utf-8")
    ran = _run("rasp", "run", program, "--input", "a b")
    assert ran.code == 0 and ran.stdout.split()[-2:] == ["True", "1"]
    compiled = _run("rasp", "compile", program, "--vocab", "a,b", "--max-len", "3", "-o", tmp_path / "m.safetensors")
    assert compiled.problems() == [] and "True and 1" in compiled.stderr
    assert not same_outputs([True, 1], [True, True])  # what `run --model` and `verify` compare with
    assert same_outputs([True, 1, None], [True, 1, None])


def test_an_empty_or_foreign_store_is_refused_and_kept(tmp_path: Path) -> None:
    tasks = REPO / "tests" / "bench" / "data" / "challenges.jsonl"
    for content in (b"", b"some notes\n"):
        run = tmp_path / f"run-{len(content)}"
        run.mkdir()
        (run / "results.sqlite").write_bytes(content)
        for argv in (("bench", "report", run), ("bench", "export", run / "results.sqlite"),
                     ("bench", "run", "--tasks", tasks, "--prover", "symbolic", "--no-lean", "--out", run)):
            assert _run(*argv).problems() == []
            assert (run / "results.sqlite").read_bytes() == content


def test_report_labels_are_text_not_mathtext(tmp_path: Path) -> None:
    import sqlite3

    run = tmp_path / "run"
    tasks = REPO / "tests" / "bench" / "data" / "challenges.jsonl"
    assert _run("bench", "run", "--tasks", tasks, "--prover", "symbolic", "--no-lean", "--out", run).code == 0
    with sqlite3.connect(run / "results.sqlite") as conn:  # a task set whose difficulty reads as broken TeX
        conn.execute("UPDATE tasks SET difficulty = '$\\frac{$', recheck = 'ok', certified = 1")
    outcome = _run("bench", "report", run)
    assert outcome.code == 0, outcome.stderr
    assert "$\\frac{$" in (run / "report" / "difficulty.svg").read_text(encoding="utf-8")


def test_json_reader_locates_bad_bytes_nan_and_depth() -> None:
    from axiomforge.errors import UserError, decode_utf8, parse_user_json

    with pytest.raises(UserError) as bad_byte:
        decode_utf8(b'{"a": 1}\n{"b": "\xff"}\n', "t.jsonl")
    assert str(bad_byte.value.location) == "t.jsonl:2:8"
    with pytest.raises(UserError) as nan:
        parse_user_json('{"a": ["NaN", NaN]}', "t.json")  # the constant, not the string before it
    assert str(nan.value.location) == "t.json:1:15" and "NaN" in nan.value.message
    with pytest.raises(UserError) as deep:
        parse_user_json('["]]]]", ' + "[" * 300 + "]" * 300 + "]", "t.json", max_depth=50)
    assert deep.value.location is not None and deep.value.location.column == 9 + 50  # the 51st open bracket
    assert parse_user_json('{"s": "[[[[{{{{"}', "t.json", max_depth=1) == {"s": "[[[[{{{{"}


def test_unicode_paths_are_ordinary_paths(tmp_path: Path) -> None:
    """Valid inputs behind non-ASCII paths (the hostile table only tries missing ones) just work."""
    where = tmp_path / "données λ ∀"
    where.mkdir()
    theory = where / "théorie ünï.mpl"
    shutil.copy(REPO / "theories" / "peano.mpl", theory)
    proofs = where / "preuves ✓.json"
    shutil.copy(REPO / "tests" / "proofs" / "data" / "lists.proofs.json", proofs)
    program = where / "programme ∑.rasp"
    program.write_text("output = map(lambda t: t, tokens);\n", encoding="utf-8")
    tasks = where / "tâches.jsonl"
    shutil.copy(REPO / "tests" / "bench" / "data" / "challenges.jsonl", tasks)
    for argv in (("mpl", "check", theory), ("check", proofs), ("rasp", "run", program, "--input", "a b"),
                 ("bench", "run", "--tasks", tasks, "--prover", "symbolic", "--no-lean", "--out", where / "exécution"),
                 ("bench", "report", where / "exécution"), ("lean-export", proofs, "-o", where / "sortie é.lean")):
        outcome = _run(*argv)
        assert outcome.code == 0 and not outcome.crashed, (argv, outcome.stderr)
    real = run_subprocess(("mpl", "check", str(theory)), tmp_path, CASE_LIMIT_S)
    assert real.code == 0, real.stderr


def test_size_limits_are_checked_before_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits too large to reach in a unit test, lowered here to show they are enforced up front."""
    import axiomforge.bench.runner as runner
    from axiomforge.errors import UserError, read_user_text

    big = tmp_path / "big.txt"
    big.write_text("x" * 101, encoding="utf-8")
    with pytest.raises(UserError, match="larger than 100 bytes"):
        read_user_text(big, max_bytes=100)
    assert read_user_text(big, max_bytes=101) == "x" * 101
    monkeypatch.setattr(runner, "MAX_ATTEMPTS", 5)  # the set has 4 tasks: 2 samples is 8 attempts
    tasks = REPO / "tests" / "bench" / "data" / "challenges.jsonl"
    outcome = _run("bench", "run", "--tasks", tasks, "--prover", "symbolic", "--no-lean", "--samples", "2",
                   "--out", tmp_path / "run")
    assert outcome.problems() == [] and "more than 5 attempts" in outcome.stderr
    assert not (tmp_path / "run" / "results.sqlite").exists()


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=40), st.from_regex(r"[+-]?\d{0,35}(\.\d*)?(e[+-]?\d{1,4})?", fullmatch=True),
                      st.sampled_from(["nan", "-nan", "inf", "-inf", "Infinity", "1e999", "0x10", "1_000", " 7 ", "٣"])))
def test_numeric_option_types_accept_only_their_range(text: str) -> None:
    import argparse
    import math

    from axiomforge.commands._options import float_in, int_in

    for parse, low, high in ((int_in(0, 100), 0, 100), (float_in(0.5, 86_400.0), 0.5, 86_400.0)):
        try:
            value = parse(text)
        except argparse.ArgumentTypeError as err:
            assert "expected" in str(err)
            continue
        assert math.isfinite(value) and low <= value <= high
        assert isinstance(value, int) == (parse.__name__ == "integer")
