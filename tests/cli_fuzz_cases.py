"""The hostile-input table of the CLI-wide fuzz suite (tests/test_cli_fuzz.py).

Every leaf subcommand of `axiomforge` (found by walking the argparse tree, so a new subcommand
without cases fails the suite) gets cases built from one valid invocation: each file argument
replaced by hostile files (missing, empty, binary, a directory, a unicode path, deep nesting,
format-specific type confusion), each numeric option by hostile numbers (negative, NaN, inf,
huge, not a number), each output path by one that cannot be written. A case expects exit code 2,
exactly one `error:` line on stderr and no traceback.

Cases run in-process through `axiomforge.cli.main` with stdout/stderr captured (milliseconds
each); a handful also run as real subprocesses to cover the console entry point.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import re
import signal
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from axiomforge.cli import build_parser, main

REPO = Path(__file__).resolve().parent.parent
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EXCEPTION_REPR = re.compile(r"\b\w*(Error|Exception)\((['\"]|\))")  # ShapeError("...") in a message
CASE_LIMIT_S = 30.0
"""A hang guard, not a performance assertion: every case is expected to finish in well under a
second; a case still running after this long is reported as hung instead of blocking CI."""
OWNED_CASE_LIMIT_S = 10.0
"""The guard for cases another area has not fixed yet (they are expected to fail; no need to wait)."""


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    command: str  # the leaf subcommand, e.g. "bench run"
    owner: str | None = None  # another helper's open issue: expected to fail until they land it
    subprocess: bool = False


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    crashed: str = ""  # an exception that escaped main (a bug), or "hung"

    def problems(self) -> list[str]:
        """What breaks the contract: exit 2, one `error:` line, no traceback."""
        found = []
        if self.crashed:
            found.append(f"escaped main: {self.crashed}")
        if self.code != 2:
            found.append(f"exit code {self.code}, expected 2")
        errors = [line for line in self.stderr.splitlines() if line.startswith("error:")]
        if len(errors) != 1:
            found.append(f"{len(errors)} 'error:' lines on stderr, expected 1")
        if "Traceback" in self.stdout + self.stderr:
            found.append("a traceback in the output")
        if _EXCEPTION_REPR.search(self.stderr):
            found.append("a Python exception repr in the message")
        return found

    def transcript(self, case: Case) -> str:
        """The case as plain text: control characters (NUL from binary inputs) escaped, so that
        `grep -r Traceback` reads every transcript as text."""
        text = (f"argv: {json.dumps(list(case.argv), ensure_ascii=False)}\nexit: {self.code}\n"
                f"crashed: {self.crashed}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


# -------------------------------------------------------------------- the command tree


def leaf_commands(parser: argparse.ArgumentParser | None = None, prefix: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every leaf subcommand, as "bench run" -> [names, aliases included], from the live parser."""
    parser = parser or build_parser()
    leaves: dict[str, list[str]] = {}
    sub_actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not sub_actions:
        return {" ".join(prefix): [prefix[-1]]} if prefix else {}
    for action in sub_actions:
        seen: dict[int, str] = {}
        for name, child in action.choices.items():
            if id(child) in seen:  # an alias (export-lean for lean-export)
                key = " ".join((*prefix, seen[id(child)]))
                leaves[key].append(name)
                continue
            seen[id(child)] = name
            for key, names in leaf_commands(child, (*prefix, name)).items():
                leaves[key] = names
    return leaves


# -------------------------------------------------------------------- running one case


class _Hung(BaseException):
    """Raised by the alarm inside a case that ran past CASE_LIMIT_S (BaseException: no handler eats it)."""


def run_in_process(argv: tuple[str, ...], limit_s: float = CASE_LIMIT_S) -> Outcome:
    out, err = io.StringIO(), io.StringIO()

    def alarm(signum: int, frame: object) -> None:
        raise _Hung()

    previous = signal.signal(signal.SIGALRM, alarm)
    # repeating: an alarm that lands in a context that swallows exceptions (a gc callback) fires again
    signal.setitimer(signal.ITIMER_REAL, limit_s, 0.5)
    code: int | None = None
    crashed = ""
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exit_:  # argparse --help/--version
                code = exit_.code if isinstance(exit_.code, int) else 1
    except _Hung:
        signal.setitimer(signal.ITIMER_REAL, 0)
        crashed = f"hung (still running after {limit_s:.0f} s)"
    except BaseException as exc:  # anything escaping main is the bug this suite hunts
        import traceback

        crashed = f"{type(exc).__name__}: {exc}"
        err.write("Traceback (escaped main)\n" + traceback.format_exc())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return Outcome(code, out.getvalue(), err.getvalue(), crashed)


def run_subprocess(argv: tuple[str, ...], cwd: Path, limit_s: float = CASE_LIMIT_S) -> Outcome:
    import subprocess

    try:
        proc = subprocess.run([sys.executable, "-m", "axiomforge", *argv], capture_output=True, cwd=cwd,
                              timeout=limit_s, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        return Outcome(None, "", "", f"hung (still running after {limit_s:.0f} s)")
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


# -------------------------------------------------------------------- fixtures: valid and hostile files


@dataclass
class Files:
    """Valid inputs of every format and hostile variants, all under one directory."""

    root: Path
    made: dict[str, Path] = field(default_factory=dict)

    def write(self, name: str, data: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path


def _generic_hostile(files: Files, suffix: str) -> dict[str, Path]:
    """Hostile stand-ins for any input file: what every reader must refuse cleanly."""
    d = files.root / "generic"
    (d / f"a-directory{suffix}").mkdir(parents=True, exist_ok=True)
    return {
        "missing": d / f"missing{suffix}",
        "unicode-missing": d / f"ünïcødé-λ-∀{suffix}",
        "directory": d / f"a-directory{suffix}",
        "binary": files.write(f"generic/binary{suffix}", b"\xff\xfe\x00\x01\x80garbage\xc3\x28"),
        "latin1": files.write(f"generic/latin1{suffix}", "caf\xe9 = 1;\n".encode("latin-1")),
        "nul-bytes": files.write(f"generic/nul{suffix}", "a\x00b\x00\n"),
    }


def _json_hostile(files: Files, stem: str, valid: dict, confusions: dict[str, object]) -> dict[str, Path]:
    cases = {
        "empty": files.write(f"{stem}/empty.json", ""),
        "not-json": files.write(f"{stem}/not-json.json", "{this is not json"),
        "deep-array": files.write(f"{stem}/deep.json", "[" * 100_000 + "]" * 100_000),
        "deep-500": files.write(f"{stem}/deep500.json", '{"a":' * 500 + "1" + "}" * 500),
        "nan": files.write(f"{stem}/nan.json", json.dumps({**valid, "version": math.nan})),
        "infinity": files.write(f"{stem}/inf.json", json.dumps({**valid, "version": -math.inf})),
        "top-level-list": files.write(f"{stem}/list.json", "[1, 2, 3]"),
        "top-level-string": files.write(f"{stem}/string.json", '"hello"'),
    }
    for name, doc in confusions.items():
        cases[name] = files.write(f"{stem}/{name}.json", json.dumps(doc))
    return cases


def _proofs_confusions(doc: dict) -> dict[str, object]:
    import copy

    def mutate(fn) -> dict:  # type: ignore[no-untyped-def]
        d = copy.deepcopy(doc)
        fn(d)
        return d

    def first_step_with(d: dict, key: str) -> dict:
        return next(s for t in d["theorems"] for s in t["steps"] if key in s and not isinstance(s[key], list))

    def deep_formula(d: dict) -> None:
        f: dict = {"op": "true"}
        for _ in range(300):
            f = {"op": "not", "a": [f]}
        d["theorems"][0]["statement"] = f

    return {
        "version-true": mutate(lambda d: d.__setitem__("version", True)),
        "version-string": mutate(lambda d: d.__setitem__("version", "1")),
        "version-7": mutate(lambda d: d.__setitem__("version", 7)),
        "discharges-true": mutate(lambda d: first_step_with(d, "discharges").__setitem__("discharges", True)),
        "id-true": mutate(lambda d: d["theorems"][0]["steps"][0].__setitem__("id", True)),
        "id-float": mutate(lambda d: d["theorems"][0]["steps"][0].__setitem__("id", 1.5)),
        "sorts-string": mutate(lambda d: d["theory"].__setitem__("sorts", "N")),
        "sorts-int": mutate(lambda d: d["theory"].__setitem__("sorts", 3)),
        "functions-object": mutate(lambda d: d["theory"].__setitem__("functions", {"name": "s"})),
        "function-name-number": mutate(lambda d: d["theory"]["functions"][0].__setitem__("name", 5)),
        "function-without-name": mutate(lambda d: d["theory"]["functions"][0].pop("name")),
        "theorems-object": mutate(lambda d: d.__setitem__("theorems", {})),
        "steps-string": mutate(lambda d: d["theorems"][0].__setitem__("steps", "all of them")),
        "premises-strings": mutate(lambda d: d["theorems"][0]["steps"][0].__setitem__("premises", ["1"])),
        "formula-list": mutate(lambda d: d["theorems"][0].__setitem__("statement", [1, 2])),
        "theory-null": mutate(lambda d: d.__setitem__("theory", None)),
        "axiom-formula-string": mutate(lambda d: d["theory"]["axioms"][0].__setitem__("formula", "a = a")),
        "deep-formula": mutate(deep_formula),
        "format-missing": mutate(lambda d: d.pop("format")),
        "axiom-arity": mutate(lambda d: d["theory"]["axioms"][0].__setitem__("formula", {"op": "=", "a": [{"v": "x", "s": "N"}]})),
        "axiom-unknown-op": mutate(lambda d: d["theory"]["axioms"][0].__setitem__("formula", {"op": "bogus"})),
        "statement-unknown-op": mutate(lambda d: d["theorems"][0].__setitem__("statement", {"op": "xor", "a": []})),
    }


def _task_confusions(record: dict) -> dict[str, str]:
    import copy

    def line(fn) -> str:  # type: ignore[no-untyped-def]
        r = copy.deepcopy(record)
        fn(r)
        return json.dumps(r) + "\n"

    return {
        "field-missing": line(lambda r: r.pop("lean")),
        "certified-string": line(lambda r: r.__setitem__("certified", "yes")),
        "params-list": line(lambda r: r.__setitem__("params", [])),
        "features-int": line(lambda r: r.__setitem__("lean_features", 5)),
        "no-sorry": line(lambda r: r.__setitem__("lean", r["lean"].replace("sorry", "rfl"))),
        "record-list": "[1, 2]\n",
        "record-number": "42\n",
        "nan": json.dumps(record).replace('"certified": true', '"certified": NaN') + "\n",
        "duplicate-ids": json.dumps(record) + "\n" + json.dumps(record) + "\n",
    }


def build_files(root: Path) -> Files:
    files = Files(root)
    files.made["tasks"] = REPO / "tests" / "bench" / "data" / "challenges.jsonl"
    files.made["proofs"] = REPO / "tests" / "proofs" / "data" / "lists.proofs.json"
    files.made["mpl"] = REPO / "theories" / "peano.mpl"
    files.made["gl"] = REPO / "theories" / "gl" / "peano.gl"
    files.made["rasp"] = files.write("prog.rasp", "# vocab: a,b\n# max_len: 3\noutput = map(lambda t: t, tokens);\n")
    files.made["text-file"] = files.write("precious.txt", "user data, not a database\n")
    files.made["out-file"] = files.write("an-existing-file", "keep me\n")
    files.made["out-dir"] = root / "an-existing-dir"
    files.made["out-dir"].mkdir(exist_ok=True)
    files.made["under-file"] = files.made["out-file"] / "sub" / "out.bin"
    # a valid run store to break in different ways
    run = root / "run"
    assert main(["bench", "run", "--tasks", str(files.made["tasks"]), "--prover", "symbolic", "--out", str(run),
                 "--no-lean", "--no-progress"]) in (0, 1)
    files.made["run"] = run
    store = (run / "results.sqlite").read_bytes()
    files.made["store-empty"] = files.write("stores/empty/results.sqlite", b"")
    files.made["store-random"] = files.write("stores/random/results.sqlite", bytes(range(256)) * 20)
    damaged = bytearray(store)
    damaged[4096 + 8 : 4096 + 600] = b"\x13" * 592
    files.made["store-damaged"] = files.write("stores/damaged/results.sqlite", bytes(damaged))
    other = root / "stores" / "other" / "results.sqlite"
    other.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()
    files.made["store-other"] = other
    files.made["store-text"] = files.write("stores/text/results.sqlite", "just some text\n" * 20)
    files.made["run-empty-dir"] = root / "stores" / "no-store"
    files.made["run-empty-dir"].mkdir(parents=True, exist_ok=True)
    return files


# -------------------------------------------------------------------- the table

NUMBERS_INT = {"negative": "-1", "nan": "nan", "inf": "inf", "huge": "1" + "0" * 30, "word": "many", "empty": "",
               "float": "2.5"}
NUMBERS_FLOAT = {"negative": "-1", "nan": "nan", "inf": "inf", "huge": "1e999", "word": "soon", "empty": ""}



def build_cases(files: Files) -> list[Case]:
    f = files.made
    cases: list[Case] = []

    def add(command: str, name: str, argv: list[str | Path], owner: str | None = None,
            subprocess: bool = False) -> None:
        cases.append(Case(f"{command.replace(' ', '-')}:{name}", tuple(str(a) for a in argv), command, owner,
                          subprocess))

    def numeric(command: str, base: list[str | Path], option: str, kind: str = "int", owner: str | None = None,
                skip: tuple[str, ...] = ()) -> None:
        values = NUMBERS_INT if kind == "int" else NUMBERS_FLOAT
        for label, value in values.items():
            if label not in skip:
                add(command, f"{option}={label}", [*base, f"{option}={value}"], owner)

    def files_for(command: str, build, hostile: dict[str, Path], owner: str | None = None) -> None:  # type: ignore[no-untyped-def]
        for label, path in hostile.items():
            add(command, f"file-{label}", build(path), owner)

    def common(command: str, base: list[str | Path]) -> None:
        add(command, "unknown-option", [*base, "--no-such-option"])

    # --- doctor
    add("doctor", "unknown-option", ["doctor", "--no-such-option"])
    add("doctor", "positional", ["doctor", "extra"])

    # --- bench run
    bench = ["bench", "run", "--tasks", f["tasks"], "--prover", "symbolic", "--no-lean", "--no-progress"]
    fresh = iter(range(10_000))

    def run_out() -> Path:
        return files.root / "runs" / f"r{next(fresh)}"

    common("bench run", [*bench, "--out", run_out()])
    generic_jsonl = _generic_hostile(files, ".jsonl")
    for label, path in generic_jsonl.items():
        add("bench run", f"tasks-{label}", ["bench", "run", "--tasks", path, "--prover", "symbolic", "--no-lean",
                                             "--no-progress", "--out", run_out()])
    record = json.loads(f["tasks"].read_text(encoding="utf-8").splitlines()[0])
    jsonl_hostile = {
        "empty": files.write("tasks/empty.jsonl", ""),
        "blank-lines": files.write("tasks/blank.jsonl", "\n\n  \n"),
        "not-json": files.write("tasks/not-json.jsonl", "{oops\n"),
        "non-utf8": files.write("tasks/non-utf8.jsonl", b"\xff\n"),
        "deep-200000": files.write("tasks/deep.jsonl", "[" * 200_000 + "]" * 200_000 + "\n"),
        **{k: files.write(f"tasks/{k}.jsonl", v) for k, v in _task_confusions(record).items()},
    }
    for label, path in jsonl_hostile.items():
        add("bench run", f"tasks-{label}", ["bench", "run", "--tasks", path, "--prover", "symbolic", "--no-lean",
                                             "--no-progress", "--out", run_out()])
    replay_hostile = {
        **_generic_hostile(files, ".replay.jsonl"),
        "not-json": files.write("replay/bad.jsonl", "{nope\n"),
        "nan": files.write("replay/nan.jsonl", '{"task_id": "t", "sample_index": NaN, "proof": "rfl"}\n'),
        "deep": files.write("replay/deep.jsonl", "[" * 100_000 + "]" * 100_000 + "\n"),
        "wrong-types": files.write("replay/types.jsonl", '{"task_id": 5, "sample_index": "0", "proof": []}\n'),
        "huge-line": files.write("replay/huge.jsonl", "x" * 5_000_000 + "\n"),
    }
    for label, path in replay_hostile.items():
        add("bench run", f"prover-jsonl-{label}", [*bench[:4], "--prover", f"jsonl:{path}", *bench[6:],
                                                    "--out", run_out()])
    add("bench run", "tasks-huge-line", ["bench", "run", "--tasks", files.write("tasks/huge.jsonl", "y" * 5_000_000),
                                          "--prover", "symbolic", "--no-lean", "--no-progress", "--out", run_out()])
    add("bench run", "prover-unknown", [*bench[:4], "--prover", "nosuch", *bench[6:], "--out", run_out()])
    add("bench run", "prover-empty", [*bench[:4], "--prover", "", *bench[6:], "--out", run_out()])
    add("bench run", "out-is-file", [*bench, "--out", f["out-file"]])
    add("bench run", "out-under-file", [*bench, "--out", f["under-file"]])
    for label in ("store-text", "store-empty", "store-random", "store-other", "store-damaged"):
        add("bench run", f"out-{label}", [*bench, "--out", f[label].parent])
    for option, kind in (("--samples", "int"), ("--max-tokens", "int"), ("--concurrency", "int"),
                         ("--retries", "int"), ("--search-budget", "int"), ("--lean-memory", "int"),
                         ("--lean-workers", "int"), ("--temperature", "float"), ("--request-timeout", "float"),
                         ("--backoff", "float"), ("--attempt-delay", "float"), ("--lean-timeout", "float")):
        numeric("bench run", [*bench, "--out", run_out()], option, kind)
    add("bench run", "samples-1e9", [*bench, "--out", run_out(), "--samples", "1000000000"])
    add("bench run", "seed-negative", [*bench, "--out", run_out(), "--seed", "-5"])

    # --- bench report / export
    for command in ("bench report", "bench export"):
        verb = command.split()[1]
        common(command, ["bench", verb, f["run"]])
        files_for(command, lambda p, v=verb: ["bench", v, p], _generic_hostile(files, ".sqlite"))
        for label in ("store-text", "store-empty", "store-random", "store-other", "store-damaged"):
            add(command, f"{label}-file", ["bench", verb, f[label]])
            add(command, f"{label}-dir", ["bench", verb, f[label].parent])
        add(command, "text-file", ["bench", verb, f["text-file"]])
        add(command, "run-without-store", ["bench", verb, f["run-empty-dir"]])
    for label, value in (("zero", "0"), ("negative", "-3"), ("word", "x"), ("empty", ""), ("commas", ",,")):
        add("bench report", f"k-{label}", ["bench", "report", f["run"], "--out", files.root / "rep", "--k", value])
    add("bench report", "out-is-file", ["bench", "report", f["run"], "--out", f["out-file"]])
    for name in ("report.md", "report.html", "attempts.jsonl"):
        files.write(f"user-report-{name}/{name}", "user data, not a database\n")
        add("bench report", f"out-holds-a-user-{name}", ["bench", "report", f["run"], "--out",
                                                          files.root / f"user-report-{name}"])
    add("bench export", "out-is-dir", ["bench", "export", f["run"], "--out", f["out-dir"]])
    add("bench export", "out-is-a-user-file", ["bench", "export", f["run"], "--out", f["out-file"]])
    add("bench export", "out-under-file", ["bench", "export", f["run"], "--out", f["under-file"]])

    # --- gen bb / gen mba
    for domain in ("bb", "mba"):
        command = f"gen {domain}"
        base = ["gen", domain, "--out", files.root / "gen" / domain]
        common(command, base)
        numeric(command, base, "--count", "int")
        add(command, "count-1e12", [*base, "--count", "1000000000000"])
        add(command, "count-zero", [*base, "--count", "0"])
        add(command, "seed-word", [*base, "--count", "1", "--seed", "x"])
        add(command, "out-is-file", ["gen", domain, "--count", "1", "--out", f["out-file"]])
        add(command, "out-under-file", ["gen", domain, "--count", "1", "--out", f["under-file"]])
        user_set = files.root / "gen" / f"user-{domain}"
        files.write(f"gen/user-{domain}/challenges.jsonl", "user data, not a database\n")
        add(command, "out-holds-a-user-challenges-file", ["gen", domain, "--count", "1", "--out", user_set])
    gen_bb = ["gen", "bb", "--count", "1", "--out", files.root / "gen" / "bb2"]
    for option, bad in (("--states", "x"), ("--states", "99"), ("--symbols", "-1"), ("--max-steps", "-5"),
                        ("--false-fraction", "nan"), ("--false-fraction", "2"), ("--templates", "nosuch"),
                        ("--difficulty", "impossible"), ("--certificate-classes", "nosuch")):
        add("gen bb", f"{option}={bad}", [*gen_bb, option, bad])
    gen_mba = ["gen", "mba", "--count", "1", "--out", files.root / "gen" / "mba2"]
    for option, bad in (("--classes", "nosuch"), ("--variables", "x"), ("--variables", "-3"), ("--terms", "0"),
                        ("--depth", "nan"), ("--widths", "65"), ("--widths", "x"), ("--false-fraction", "nan"),
                        ("--smt-timeout-s", "-1")):
        add("gen mba", f"{option}={bad}", [*gen_mba, option, bad])

    # --- bb (machine strings and --halt-steps: the issue-20 helper's validation; generic cases here)
    machine = "1RB1LB_1LA1RZ"
    for verb in ("run", "decide"):
        command = f"bb {verb}"
        common(command, ["bb", verb, machine])
        for label, text in (("empty", ""), ("garbage", "hello"), ("short", "1RB"), ("binary", "\x00\x01")):
            add(command, f"machine-{label}", ["bb", verb, text])
    numeric("bb run", ["bb", "run", machine], "--max-steps", "int")
    numeric("bb run", ["bb", "run", machine], "--block-size", "int")
    numeric("bb decide", ["bb", "decide", machine], "--halt-steps", "int")
    common("bb enumerate", ["bb", "enumerate"])
    numeric("bb enumerate", ["bb", "enumerate"], "--states", "int")
    add("bb enumerate", "states-99", ["bb", "enumerate", "--states", "99"])

    # --- mba check / simplify
    for verb, text in (("check", "(x ^ y) + 2*(x & y) == x + y"), ("simplify", "(x | y) - (x & y)")):
        command = f"mba {verb}"
        common(command, ["mba", verb, text])
        hostile = {"empty": "", "unbalanced": "((x + y", "letters": "hello world ==", "binary": "\x00\xff",
                   "only-operator": "+", "unicode": "x ∧ y == y ∧ x"}
        if verb == "check":
            hostile["no-equals"] = "x + y"
        for label, value in hostile.items():
            add(command, f"expr-{label}", ["mba", verb, value])
        add(command, "expr-deep-parens", ["mba", verb, "(" * 5000 + "x" + ")" * 5000 + (" == x" if verb == "check" else "")],
)
        add(command, "expr-5000-digit-constant", ["mba", verb, "x + " + "9" * 5000 + (" == x" if verb == "check" else "")])
        add(command, "expr-200-digit-hex", ["mba", verb, "x * 0x" + "f" * 200 + (" == x" if verb == "check" else "")])
        for label, width in (("zero", "0"), ("65", "65"), ("negative", "-8"), ("word", "wide"), ("nan", "nan")):
            add(command, f"width-{label}", ["mba", verb, text, "--width", width])
    numeric("mba check", ["mba", "check", "x + y == y + x"], "--timeout", "float")
    mba_files = {
        **_generic_hostile(files, ".mba"),
        "garbage-line": files.write("mba/garbage.txt", "x + y == y + x\n((( ==\n"),
        "huge-line": files.write("mba/huge.txt", "x+" * 1_000_000 + "x == x\n"),
    }
    files_for("mba check", lambda p: ["mba", "check", "--file", p, "--timeout", "0"],
              {f"file-{k}": v for k, v in mba_files.items()})

    # --- mpl check / fmt, prove, tip import: theory files
    mpl_hostile = {
        **_generic_hostile(files, ".mpl"),
        "deep-parens": files.write("mpl/deep.mpl", "theory t\nsort N\naxiom a : " + "(" * 5000 + "x" + ")" * 5000 + "\n"),
        "garbage": files.write("mpl/garbage.mpl", "this is not a theory }}}\n"),
        "long-line": files.write("mpl/long.mpl", "theory " + "x" * 200_000 + " {{\n"),
    }
    gl_hostile = {
        **_generic_hostile(files, ".gl"),
        "deep-parens": files.write("gl/deep.gl", "(" * 5000 + "\n"),
        "garbage": files.write("gl/garbage.gl", "(>[x] ((( ]]\n"),
        "numeral-5000-digits": files.write("gl/numeral.gl", "(>[x](in[x,N])(=[x," + "9" * 5000 + "]))\n"),
        "numeral-superscript": files.write("gl/superscript.gl", "(>[x](in[x,N])(=[x,²]))\n"),
    }
    gl_text = f["gl"].read_text(encoding="utf-8")
    sig = json.loads((REPO / "theories" / "gl" / "lists.sig.json").read_text(encoding="utf-8"))
    sig_confusions = {
        "function-without-name": {**sig, "functions": {**sig["functions"], "s": {"args": ["N"], "result": "N"}}},
        "functions-list": {**sig, "functions": [1, 2]},
        "sorts-int": {**sig, "sorts": 3},
        "sorts-empty": {**sig, "sorts": []},
        "undeclared-sort": {**sig, "functions": {"s": {"name": "s", "args": ["Q"], "result": "N"}}},
        "precedence-string": {**sig, "functions": {"+": {"name": "add", "args": ["N", "N"], "result": "N",
                                                          "infix": "+", "precedence": "high"}}},
        "induction-number": {**sig, "induction": {"N": 5}},
        "signature-list": [1, 2],
    }
    for label, doc in {**sig_confusions, "sig-nan": None, "sig-binary": None, "sig-deep": None}.items():
        gl = files.write(f"sig/{label}/theory.gl", gl_text)
        side = gl.with_suffix(".sig.json")
        if label == "sig-nan":
            side.write_text('{"name": NaN}')
        elif label == "sig-binary":
            side.write_bytes(b"\xff\xfe")
        elif label == "sig-deep":
            side.write_text("[" * 100_000 + "]" * 100_000)
        else:
            side.write_text(json.dumps(doc))
        gl_hostile[label] = gl
    for verb in ("check", "fmt"):
        command = f"mpl {verb}"
        common(command, ["mpl", verb, f["mpl"]])
        files_for(command, lambda p, v=verb: ["mpl", v, p], mpl_hostile)
        files_for(command, lambda p, v=verb: ["mpl", v, "--format", "gl", p],
                  {f"gl-{k}": p for k, p in gl_hostile.items()})
    prove_out = files.root / "prove-out"
    common("prove", ["prove", f["mpl"], "--out", prove_out])
    files_for("prove", lambda p: ["prove", p, "--out", prove_out], mpl_hostile)
    files_for("prove", lambda p: ["prove", p, "--out", prove_out],
              {f"gl-{k}": p for k, p in gl_hostile.items() if k.startswith(("sig-", "function", "sorts"))})
    add("prove", "out-is-file", ["prove", f["mpl"], "--out", f["out-file"]])
    for name in ("proofs.json", "timings.json", "proofs.lean"):
        files.write(f"user-prove-{name}/{name}", "user data, not a database\n")
        add("prove", f"out-holds-a-user-{name}", ["prove", f["mpl"], "--out", files.root / f"user-prove-{name}"])
    for option, limit in (("--budget", None), ("--max-size", "10"), ("--workers", "1000")):
        numeric("prove", ["prove", f["mpl"], "--out", prove_out], option, "int")
        if limit:
            add("prove", f"{option}={limit}", ["prove", f["mpl"], "--out", prove_out, option, limit])
    smt_hostile = {
        **_generic_hostile(files, ".smt2"),
        "garbage": files.write("tip/garbage.smt2", "(((( declare-datatype\n"),
        "deep": files.write("tip/deep.smt2", "(" * 100_000 + ")" * 100_000 + "\n"),
        "empty": files.write("tip/empty.smt2", ""),
    }
    common("tip import", ["tip", "import", smt_hostile["garbage"]])
    files_for("tip import", lambda p: ["tip", "import", p], {k: v for k, v in smt_hostile.items() if k != "deep"})
    add("tip import", "file-deep", ["tip", "import", smt_hostile["deep"]])
    tip = files.write("tip/plus.smt2", "(declare-datatype Nat ((Z) (S (p Nat))))\n"
                      "(define-fun-rec plus ((x Nat) (y Nat)) Nat (match x ((Z y) ((S z) (S (plus z y))))))\n"
                      "(prove (forall ((x Nat)) (= (plus x Z) x)))\n")
    add("tip import", "output-is-dir", ["tip", "import", tip, "-o", f["out-dir"]])
    add("tip import", "output-under-file", ["tip", "import", tip, "-o", f["under-file"]])
    files.write("user-tip/theory.mpl", "user data, not a database\n")
    add("tip import", "output-is-a-user-file", ["tip", "import", tip, "-o", files.root / "user-tip" / "theory.mpl"])

    # --- proofs.json: check / html / lean-export
    proofs_doc = json.loads(f["proofs"].read_text(encoding="utf-8"))
    proofs_hostile = {
        **_generic_hostile(files, ".json"),
        **_json_hostile(files, "proofs", proofs_doc, _proofs_confusions(proofs_doc)),
    }
    for command, build in (("check", lambda p: ["check", p]),
                           ("html", lambda p: ["html", p, "--out", files.root / "site"]),
                           ("lean-export", lambda p: ["lean-export", p])):
        common(command, build(f["proofs"]))
        files_for(command, build, proofs_hostile)
    files_for("check", lambda p: ["check", f["proofs"], "--theory", p], {f"theory-{k}": v for k, v in mpl_hostile.items()})
    add("lean-export", "output-is-dir", ["lean-export", f["proofs"], "-o", f["out-dir"]])
    add("lean-export", "output-is-a-user-file", ["lean-export", f["proofs"], "-o", f["out-file"]])
    add("lean-export", "output-under-file", ["lean-export", f["proofs"], "-o", f["under-file"]])
    add("lean-export", "alias-export-lean-missing", ["export-lean", files.root / "nope.json"])
    add("html", "out-is-file", ["html", f["proofs"], "--out", f["out-file"]])
    files.write("user-site/index.html", "user data, not a database\n")
    add("html", "out-holds-a-user-index", ["html", f["proofs"], "--out", files.root / "user-site"])

    # --- rasp run / compile / verify / show
    rasp_hostile = {
        **_generic_hostile(files, ".rasp"),
        "empty": files.write("rasp/empty.rasp", ""),
        "non-utf8": files.write("rasp/non-utf8.rasp", b"output = map(lambda t: t, tokens);\n\xff\n"),
        "unary-minus-800": files.write("rasp/minus.rasp", "output = map(lambda t: " + "-" * 800 + "t, tokens);\n"),
        "unclosed-parens-5000": files.write("rasp/parens.rasp", "output = " + "(" * 5000 + "tokens;\n"),
        "digits-5000": files.write("rasp/digits.rasp", "output = map(lambda t: t + " + "7" * 5000 + ", tokens);\n"),
        "garbage": files.write("rasp/garbage.rasp", "output = = ;;\n"),
        "bad-header": files.write("rasp/header.rasp", "# vocab: a\n# max_len: many\noutput = tokens;\n"),
        "no-output": files.write("rasp/no-output.rasp", "x = 1;\n"),
        "cyclic-load": files.write("rasp/cyclic.rasp", 'load "cyclic.rasp";\noutput = tokens;\n'),
    }
    chain = ["x0 = tokens;"] + [f"x{i} = map(lambda t: t + 1, x{i - 1});" for i in range(1, 501)] + ["output = x500;"]
    compile_hostile = {
        "chain-500": files.write("rasp/chain.rasp", "# vocab: 1,2\n# max_len: 3\n" + "\n".join(chain) + "\n"),
        "float64-inseparable": files.write(
            "rasp/big.rasp", "# vocab: 1,2\n# max_len: 3\noutput = map(lambda t: t + 100000000000000000000, tokens);\n"),
        "true-and-1": files.write(
            "rasp/bool.rasp", '# vocab: a,b\n# max_len: 3\noutput = map(lambda t: True if t == "a" else 1, tokens);\n'),
    }
    for verb in ("run", "compile", "verify", "show"):
        command = f"rasp {verb}"
        extra: list[str | Path] = ["--input", "a b"] if verb == "run" else []
        if verb == "compile":
            extra = ["-o", files.root / "model" / "m.safetensors"]
        common(command, ["rasp", verb, f["rasp"], *extra])
        files_for(command, lambda p, v=verb, e=extra: ["rasp", v, p, *e], rasp_hostile)
        add(command, "library-name-unknown", ["rasp", verb, "no_such_program", *extra])
        if verb != "run":
            files_for(command, lambda p, v=verb, e=extra: ["rasp", v, p, *e], compile_hostile)
            add(command, "vocab-empty", ["rasp", verb, f["rasp"], "--vocab", "", *extra])
            add(command, "vocab-commas", ["rasp", verb, f["rasp"], "--vocab", ",,", *extra])
            numeric(command, ["rasp", verb, f["rasp"], *extra], "--max-len", "int")
            add(command, "max-len-zero", ["rasp", verb, f["rasp"], "--max-len", "0", *extra])
    add("rasp verify", "min-len-above-max-len", ["rasp", "verify", "sort", "--min-len", "5", "--max-len", "3"])
    for option in ("--min-len", "--exhaustive-limit", "--samples", "--seed"):
        numeric("rasp verify", ["rasp", "verify", f["rasp"]], option, "int",
                skip=("negative", "huge") if option == "--seed" else ())
    add("rasp compile", "out-is-dir", ["rasp", "compile", f["rasp"], "-o", f["out-dir"]])
    add("rasp compile", "out-is-a-user-file", ["rasp", "compile", f["rasp"], "-o", f["out-file"]])
    files.write("user-sidecar/m.safetensors.json", "user data, not a database\n")
    add("rasp compile", "sidecar-is-a-user-file", ["rasp", "compile", f["rasp"], "-o",
                                                    files.root / "user-sidecar" / "m.safetensors"])
    add("rasp compile", "out-under-file", ["rasp", "compile", f["rasp"], "-o", f["under-file"]])
    add("rasp run", "input-missing", ["rasp", "run", f["rasp"]])
    huge = "9" * 5000
    add("rasp run", "input-1001-tokens", ["rasp", "run", "sort", "--input", " ".join(["1"] * 1001)])
    add("rasp run", "input-5000-digits", ["rasp", "run", "sort", "--input", f"1 {huge}"])
    add("rasp verify", "vocab-5000-digits", ["rasp", "verify", "sort", "--vocab", f"1,{huge}", "--max-len", "2"])
    add("rasp verify", "header-vocab-5000-digits",
        ["rasp", "verify", files.write("rasp/big-vocab.rasp", f"# vocab: 1,{huge}\noutput = tokens;\n")])
    model_hostile = {
        **_generic_hostile(files, ".safetensors"),
        "random-bytes": files.write("model/random.safetensors", bytes(range(256))),
    }
    files.write("model/random.safetensors.json", '{"format": "axiomforge-rasp-model/1"}')
    files.write("generic/binary.safetensors.json", '{"format": "axiomforge-rasp-model/1"}')
    files_for("rasp run", lambda p: ["rasp", "run", f["rasp"], "--input", "a b", "--model", p],
              {f"model-{k}": v for k, v in model_hostile.items()})
    valid_model = files.root / "model" / "valid.safetensors"
    assert main(["rasp", "compile", str(f["rasp"]), "-o", str(valid_model)]) == 0
    for verb in ("compress", "export-tl"):
        command = f"rasp {verb}"
        suffix = ".safetensors" if verb == "compress" else ".pt"
        out = files.root / "model" / f"{verb}-out{suffix}"
        common(command, ["rasp", verb, valid_model, "-o", out])
        files_for(command, lambda p, v=verb, o=out: ["rasp", v, p, "-o", o],
                  {f"model-{k}": v for k, v in model_hostile.items()})
        add(command, "out-is-dir", ["rasp", verb, valid_model, "-o", f["out-dir"]])
        add(command, "out-under-file", ["rasp", verb, valid_model, "-o", f["under-file"]])
        add(command, "out-missing-option", ["rasp", verb, valid_model])
    for option in ("--dim", "--steps"):
        numeric("rasp compress", ["rasp", "compress", valid_model, "-o", files.root / "model" / "c.safetensors"],
                option, "int")
    add("rasp compress", "seed-word", ["rasp", "compress", valid_model, "-o", files.root / "model" / "c.safetensors",
                                       "--seed", "x"])
    add("rasp show", "png-dir-is-a-file", ["rasp", "show", f["rasp"], "--input", "a b", "--png-dir", f["out-file"]])
    add("rasp show", "png-dir-without-input", ["rasp", "show", f["rasp"], "--png-dir", files.root / "png"])

    # --- a few through the real console entry point
    add("bench run", "subprocess-non-utf8-tasks", ["bench", "run", "--tasks", jsonl_hostile["non-utf8"], "--prover",
                                                    "symbolic", "--out", run_out(), "--no-lean"], subprocess=True)
    add("rasp run", "subprocess-unary-minus", ["rasp", "run", rasp_hostile["unary-minus-800"], "--input", "a"],
        subprocess=True)
    add("check", "subprocess-deep", ["check", proofs_hostile["deep-500"]], subprocess=True)
    add("mpl check", "subprocess-unicode-missing", ["mpl", "check", mpl_hostile["unicode-missing"]], subprocess=True)
    add("bench export", "subprocess-text-file", ["bench", "export", f["text-file"]], subprocess=True)
    return cases


def iter_commands(cases: list[Case]) -> Iterator[str]:
    return iter(sorted({c.command for c in cases}))
