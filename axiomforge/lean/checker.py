"""The Lean checking backend: two Lean runs per proof, a process pool with limits, a verdict cache.

A proof is checked in two stages, and no text is ever appended to the candidate:

1. `lean --json -o Challenge.olean Challenge.lean` compiles the candidate in a fresh directory.
   Its messages decide parse, type and tactic failures, and `sorry` warnings (both quote styles).
2. A fixed checker program shipped with axiomforge (`AxiomforgeCheck.lean`, run with
   `lean --run`) reads the compiled candidate and the challenge compiled alone (the reference)
   and inspects them through Lean's API: the challenge's declarations and the theorem's type
   compared as terms, no unsafe/partial/implemented_by/extern declaration, the theorem's axioms
   collected by fully qualified name (`Lean.collectAxioms`), and a kernel replay of every
   declaration into a fresh environment. The candidate's own syntax, macros and attributes cannot
   touch this program: it is parsed before anything of the candidate is loaded, and it only reads
   data. This is the approach of SafeVerify and lean4checker.

Both files are named `Challenge.lean` in their own directories, so that the module name, and with
it every hygienic or private name derived from it, is the same in the reference and the candidate.

Limits are per process: a wall-clock timeout (the whole process group is killed) and an address
space limit (RLIMIT_AS, set in the child before exec). At most `workers` processes run at once.

Verdicts are cached by content: the key hashes the toolchain version, the Lake project, the policy
track and limits, the checker program and the exact file texts, so an identical proof is never
checked twice (across samples, tasks and runs). Timeouts and crashes are not cached: they depend
on the machine's load.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from axiomforge.lean.messages import LeanMessage, parse_lean_output
from axiomforge.lean.policy import Category, Track, judge_axioms, judge_compile_messages, screen_challenge
from axiomforge.lean.toolchain import LeanToolchain

POLICY_VERSION = 2
CHECKER_PROGRAM = Path(__file__).resolve().parent / "AxiomforgeCheck.lean"
MODULE_NAME = "Challenge"


@dataclass(frozen=True)
class CheckJob:
    """One proof to check: the candidate file, the theorem, and the challenge it must prove."""

    candidate: str
    theorem_name: str
    challenge_lean: str
    track: Track = Track.STANDARD


@dataclass(frozen=True)
class CheckResult:
    accepted: bool
    category: str | None
    message: str
    seconds: float
    cached: bool = False
    axioms: tuple[str, ...] | None = None


@dataclass(frozen=True)
class _LeanRun:
    messages: tuple[LeanMessage, ...]
    output: str
    seconds: float
    timed_out: bool
    out_of_memory: bool
    returncode: int


@dataclass(frozen=True)
class CheckerReport:
    """What the checker program printed (one JSON object)."""

    ok: bool
    category: str
    message: str
    axioms: tuple[str, ...]


def parse_checker_report(output: str) -> CheckerReport | None:
    """The last line of `output` that is the checker's JSON verdict, or None."""
    for line in reversed(output.splitlines()):
        stripped = line.strip()
        if not (stripped.startswith("{") and stripped.endswith("}")):
            continue
        try:
            obj = json.loads(stripped)
        except ValueError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("ok"), bool) and isinstance(obj.get("axioms"), list):
            return CheckerReport(
                obj["ok"],
                str(obj.get("category", "")),
                str(obj.get("message", "")),
                tuple(str(a) for a in obj["axioms"]),
            )
    return None


def _limit_memory(memory_mb: int) -> None:  # runs in the child between fork and exec
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class VerdictCache:
    """JSON files named by the sha256 of everything a verdict depends on; safe across processes."""

    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            data = json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, value: dict) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(value, sort_keys=True))
        os.replace(tmp, path)


def default_cache_dir() -> Path:
    base = os.environ.get("AXIOMFORGE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "axiomforge")
    return Path(base) / "lean-verdicts"


@dataclass(frozen=True)
class _Reference:
    """The challenge compiled alone: its .olean, and the sha256 it had when it was written."""

    olean: Path | None
    sha256: str
    problem: str


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class LeanChecker:
    """Checks proofs with a real Lean toolchain, `workers` processes at a time."""

    def __init__(
        self,
        toolchain: LeanToolchain,
        timeout_s: float = 120.0,
        memory_mb: int = 8192,
        workers: int = 2,
        cache: VerdictCache | None = None,
        project_dir: Path | None = None,
        checker_program: Path = CHECKER_PROGRAM,
    ):
        self.toolchain = toolchain
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.workers = max(1, workers)
        self.cache = cache
        self.project_dir = project_dir
        self.checker_program = checker_program
        self._slots = threading.Semaphore(self.workers)
        self._references: dict[str, _Reference] = {}
        self._reference_lock = threading.Lock()
        self._workdir = Path(tempfile.mkdtemp(prefix="axiomforge-lean-ref-"))

    def __del__(self) -> None:
        shutil.rmtree(getattr(self, "_workdir", ""), ignore_errors=True)

    def __getstate__(self) -> dict[str, object]:
        """Picklable for the cluster executor: a worker gets the configuration, and builds its
        own process slots, locks and reference cache (they belong to one process)."""
        state = dict(self.__dict__)
        for local in ("_slots", "_references", "_reference_lock", "_workdir"):
            state.pop(local, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._slots = threading.Semaphore(self.workers)
        self._references = {}
        self._reference_lock = threading.Lock()
        self._workdir = Path(tempfile.mkdtemp(prefix="axiomforge-lean-ref-"))

    def describe(self) -> dict[str, object]:
        return {
            "lean": str(self.toolchain.lean),
            "version": self.toolchain.version,
            "project": str(self.project_dir) if self.project_dir else None,
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
        }

    def _lean(self, *args: str) -> list[str]:
        if self.project_dir is not None:
            if self.toolchain.lake is None:
                raise RuntimeError("a Lake project was configured but no lake binary was found")
            return [str(self.toolchain.lake), "-d", str(self.project_dir), "env", str(self.toolchain.lean), *args]
        return [str(self.toolchain.lean), *args]

    def _run(self, command: list[str], cwd: Path) -> _LeanRun:
        with self._slots:
            started = time.perf_counter()
            proc = subprocess.Popen(
                command,
                cwd=str(cwd),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=lambda: _limit_memory(self.memory_mb),  # noqa: PLW1509
            )
            timed_out = False
            try:
                raw, _ = proc.communicate(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                raw, _ = proc.communicate()
            seconds = time.perf_counter() - started
        output = raw.decode("utf-8", "replace")
        lowered = output.lower()
        out_of_memory = not timed_out and (
            any(m in lowered for m in ("out of memory", "bad_alloc", "cannot allocate memory", "memoryerror"))
            or (proc.returncode is not None and proc.returncode < 0 and self.memory_mb > 0)
        )
        return _LeanRun(tuple(parse_lean_output(output)), output, seconds, timed_out, out_of_memory, proc.returncode or 0)

    def _compile(self, text: str, directory: Path) -> _LeanRun:
        """`lean --json -o Challenge.olean Challenge.lean` in `directory` (module name `Challenge`)."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{MODULE_NAME}.lean").write_text(text, encoding="utf-8")
        command = self._lean("--json", f"--root={directory}", "-o", f"{MODULE_NAME}.olean", f"{MODULE_NAME}.lean")
        return self._run(command, directory)

    def _key(self, kind: str, text: str, track: Track, challenge: str = "") -> str:
        material = json.dumps(
            {
                "policy": POLICY_VERSION,
                "kind": kind,
                "checker": self.describe(),
                "program": hashlib.sha256(self.checker_program.read_bytes()).hexdigest(),
                "track": track.value,
                "text": text,
                "challenge": challenge,
            },
            sort_keys=True,
        )
        return hashlib.sha256(material.encode()).hexdigest()

    def reference(self, challenge_lean: str) -> _Reference:
        """The challenge compiled alone, once per challenge and checker."""
        key = hashlib.sha256(challenge_lean.encode()).hexdigest()
        with self._reference_lock:
            if key in self._references:
                return self._references[key]
            refused = screen_challenge(challenge_lean)
            if refused:  # never compile a challenge that would run code
                reference = _Reference(None, "", refused[0].describe())
                self._references[key] = reference
                return reference
            directory = self._workdir / key[:16]
            run = self._compile(challenge_lean, directory)
            olean = directory / f"{MODULE_NAME}.olean"
            errors = [m for m in run.messages if m.severity == "error"]
            if run.timed_out or errors or not olean.is_file():
                why = "timed out" if run.timed_out else (errors[0].text if errors else "no .olean written")
                reference = _Reference(None, "", f"the challenge itself does not compile: {why}")
            else:
                reference = _Reference(olean, _sha256(olean), "")
            self._references[key] = reference
            return reference

    def check(self, job: CheckJob) -> CheckResult:
        key = self._key("verdict", job.candidate, job.track, job.challenge_lean)
        if self.cache and (hit := self.cache.get(key)) is not None:
            axioms = hit.get("axioms")
            return CheckResult(
                bool(hit["accepted"]),
                hit.get("category"),
                str(hit.get("message", "")),
                float(hit.get("seconds", 0.0)),
                cached=True,
                axioms=tuple(axioms) if axioms is not None else None,
            )
        try:
            result = self._check(job)
        except (OSError, RuntimeError) as err:
            return CheckResult(False, Category.CHECKER_ERROR.value, f"could not run Lean: {err}", 0.0)
        if self.cache and result.category not in (Category.CHECKER_ERROR.value, Category.TIMEOUT.value, Category.MEMORY.value):
            record = asdict(result)
            record.pop("cached")
            self.cache.put(key, record)
        return result

    def _limits_hit(self, run: _LeanRun, seconds: float) -> CheckResult | None:
        if run.timed_out:
            return CheckResult(False, Category.TIMEOUT.value, f"Lean ran past {self.timeout_s:g} s", seconds)
        if run.out_of_memory:
            return CheckResult(False, Category.MEMORY.value, f"Lean ran out of its {self.memory_mb} MiB", seconds)
        return None

    def _check(self, job: CheckJob) -> CheckResult:
        reference = self.reference(job.challenge_lean)
        if reference.olean is None:
            return CheckResult(False, Category.CHECKER_ERROR.value, reference.problem, 0.0)
        with tempfile.TemporaryDirectory(prefix="axiomforge-lean-") as tmp:
            directory = Path(tmp)
            compiled = self._compile(job.candidate, directory)
            if (hit := self._limits_hit(compiled, compiled.seconds)) is not None:
                return hit
            violation = judge_compile_messages(list(compiled.messages))
            if violation is not None:
                return CheckResult(False, violation.category.value, violation.describe(), compiled.seconds)
            olean = directory / f"{MODULE_NAME}.olean"
            if not olean.is_file():
                return CheckResult(False, Category.CHECKER_ERROR.value, "Lean wrote no .olean for the candidate", compiled.seconds)
            if _sha256(reference.olean) != reference.sha256:
                return CheckResult(False, Category.CHECKER_ERROR.value, "the reference .olean changed on disk", compiled.seconds)
            command = self._lean(
                "--run",
                str(self.checker_program),
                str(reference.olean),
                str(olean),
                str(directory),
                MODULE_NAME,
                job.theorem_name,
                job.track.value,
            )
            checked = self._run(command, directory)
        seconds = compiled.seconds + checked.seconds
        if (hit := self._limits_hit(checked, seconds)) is not None:
            return hit
        report = parse_checker_report(checked.output)
        if report is None:
            tail = checked.output.strip().splitlines()[-1:] or ["no output"]
            return CheckResult(False, Category.CHECKER_ERROR.value, f"the checker program gave no verdict: {tail[0][:200]}", seconds)
        axioms = report.axioms
        if not report.ok:
            known = {c.value for c in Category}
            category = report.category if report.category in known else Category.CHECKER_ERROR.value
            return CheckResult(False, category, report.message, seconds, axioms=axioms)
        violation = judge_axioms(list(axioms), job.theorem_name, job.track)
        if violation is not None:
            return CheckResult(False, violation.category.value, violation.describe(), seconds, axioms=axioms)
        return CheckResult(True, None, "accepted", seconds, axioms=axioms)

    def check_many(self, jobs: Sequence[CheckJob]) -> list[CheckResult]:
        """Checks in parallel (bounded by `workers`); results in the order of `jobs`."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(self.check, jobs))
