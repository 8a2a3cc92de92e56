"""The Lean checking backend: a pool of `lean` subprocesses with limits, and a verdict cache.

Each check is one `lean --json FILE` run (or `lake env lean --json FILE` inside a configured Lake
project) on the candidate file followed by two probe commands: `#print axioms NAME` and
`#check @NAME` under `pp.all`. The second is compared with the same probe on the challenge file
itself, so a statement that reads the same but elaborates differently is caught.

Limits are per process: a wall-clock timeout (the whole process group is killed) and an address
space limit (RLIMIT_AS, set in the child before exec). At most `workers` processes run at once.

Verdicts are cached by content: the key hashes the toolchain version, the Lake project, the policy
track and limits, and the exact file text, so an identical proof is never checked twice (across
samples, tasks and runs). Timeouts and crashes are not cached: they depend on the machine's load.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from axiomforge.lean.messages import LeanMessage, parse_axioms, parse_lean_output
from axiomforge.lean.policy import Category, Track, judge_lean_messages
from axiomforge.lean.toolchain import LeanToolchain

POLICY_VERSION = 1


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


def probe_text(candidate: str, theorem_name: str) -> tuple[str, int]:
    """The file to run: the candidate plus the probes; also the first line number of the probes."""
    body = candidate.rstrip("\n") + "\n\n"
    first_probe_line = body.count("\n") + 1
    probes = f"#print axioms {theorem_name}\nset_option pp.all true in\n#check @{theorem_name}\n"
    return body + probes, first_probe_line


def _probe_answers(messages: Sequence[LeanMessage], first_probe_line: int, theorem_name: str) -> tuple[list[str] | None, str | None]:
    infos = [m for m in messages if m.severity == "information" and m.line >= first_probe_line]
    axioms = None
    signature = None
    for m in infos:
        found = parse_axioms(m.text, theorem_name)
        if found is not None and axioms is None:
            axioms = found
        elif m.line >= first_probe_line + 1 and signature is None and found is None:
            signature = " ".join(m.text.split())
    return axioms, signature


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
    ):
        self.toolchain = toolchain
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.workers = max(1, workers)
        self.cache = cache
        self.project_dir = project_dir
        self._slots = threading.Semaphore(self.workers)
        self._signatures: dict[str, str | None] = {}
        self._signature_lock = threading.Lock()

    def describe(self) -> dict[str, object]:
        return {
            "lean": str(self.toolchain.lean),
            "version": self.toolchain.version,
            "project": str(self.project_dir) if self.project_dir else None,
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
        }

    def _command(self, file: Path) -> list[str]:
        if self.project_dir is not None:
            if self.toolchain.lake is None:
                raise RuntimeError("a Lake project was configured but no lake binary was found")
            return [str(self.toolchain.lake), "env", str(self.toolchain.lean), "--json", str(file)]
        return [str(self.toolchain.lean), "--json", str(file)]

    def _run(self, text: str) -> _LeanRun:
        with self._slots, tempfile.TemporaryDirectory(prefix="axiomforge-lean-") as tmp:
            file = Path(tmp) / "Candidate.lean"
            file.write_text(text, encoding="utf-8")
            started = time.perf_counter()
            proc = subprocess.Popen(
                self._command(file),
                cwd=str(self.project_dir or tmp),
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

    def _key(self, kind: str, text: str, track: Track) -> str:
        material = json.dumps(
            {"policy": POLICY_VERSION, "kind": kind, "checker": self.describe(), "track": track.value, "text": text},
            sort_keys=True,
        )
        return hashlib.sha256(material.encode()).hexdigest()

    def reference_signature(self, challenge_lean: str, theorem_name: str) -> str | None:
        """`#check @NAME` (pp.all) of the challenge itself, computed once per challenge."""
        text, first = probe_text(challenge_lean, theorem_name)
        key = self._key("signature", text, Track.STANDARD)
        with self._signature_lock:
            if key in self._signatures:
                return self._signatures[key]
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            signature = cached.get("signature")
        else:
            run = self._run(text)
            _, signature = _probe_answers(run.messages, first, theorem_name)
            if self.cache and signature is not None and not run.timed_out:
                self.cache.put(key, {"signature": signature})
        with self._signature_lock:
            self._signatures[key] = signature
        return signature

    def check(self, job: CheckJob) -> CheckResult:
        text, first = probe_text(job.candidate, job.theorem_name)
        key = self._key("verdict", text, job.track)
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
            expected = self.reference_signature(job.challenge_lean, job.theorem_name)
            run = self._run(text)
        except (OSError, RuntimeError) as err:
            return CheckResult(False, Category.CHECKER_ERROR.value, f"could not run Lean: {err}", 0.0)
        if run.timed_out:
            return CheckResult(False, Category.TIMEOUT.value, f"Lean ran past {self.timeout_s:g} s", run.seconds)
        if run.out_of_memory:
            return CheckResult(False, Category.MEMORY.value, f"Lean ran out of its {self.memory_mb} MiB", run.seconds)
        axioms, signature = _probe_answers(run.messages, first, job.theorem_name)
        violation = judge_lean_messages(
            list(run.messages), axioms, job.theorem_name, job.track, signature, expected
        )
        result = CheckResult(
            violation is None,
            violation.category.value if violation else None,
            violation.describe() if violation else "accepted",
            run.seconds,
            axioms=tuple(axioms) if axioms is not None else None,
        )
        if self.cache and result.category != Category.CHECKER_ERROR.value:
            record = asdict(result)
            record.pop("cached")
            self.cache.put(key, record)
        return result

    def check_many(self, jobs: Sequence[CheckJob]) -> list[CheckResult]:
        """Checks in parallel (bounded by `workers`); results in the order of `jobs`."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(self.check, jobs))
