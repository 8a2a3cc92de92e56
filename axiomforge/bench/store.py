"""The run store: one SQLite file per run, written one attempt per transaction.

Resumability rests on two facts: each attempt (with its verdict) is committed in its own
transaction, so a kill -9 loses at most the attempts in flight and never leaves half an attempt;
and (task_id, sample_index) is the primary key, so a restarted run asks only for the missing
pairs and an attempt can never be recorded twice. WAL journaling keeps readers (`bench report`
during a run) from blocking the writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axiomforge.errors import SourceLocation, UserError

SCHEMA_VERSION = 1
STORE_NAME = "results.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    task_id TEXT PRIMARY KEY,
    domain TEXT NOT NULL,
    template TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    certified INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    recheck TEXT NOT NULL,          -- 'ok' | 'failed' | 'unavailable'
    recheck_reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    task_id TEXT NOT NULL REFERENCES tasks(task_id),
    sample_index INTEGER NOT NULL,
    status TEXT NOT NULL,           -- 'accepted' | 'rejected' | 'unchecked'
    category TEXT,                  -- error taxonomy when rejected
    message TEXT NOT NULL,
    candidate TEXT,
    raw_output TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    prover_seconds REAL NOT NULL,
    check_seconds REAL NOT NULL,
    cached INTEGER NOT NULL,
    PRIMARY KEY (task_id, sample_index)
);
"""


@dataclass(frozen=True)
class TaskRow:
    task_id: str
    domain: str
    template: str
    difficulty: str
    certified: bool
    content_hash: str
    recheck: str
    recheck_reason: str


@dataclass(frozen=True)
class AttemptRow:
    task_id: str
    sample_index: int
    status: str
    category: str | None
    message: str
    candidate: str | None
    raw_output: str
    prompt_tokens: int
    completion_tokens: int
    prover_seconds: float
    check_seconds: float
    cached: bool


class StoreError(UserError):
    """A path that should hold a run store holds something else (a text file, a damaged database)."""


APPLICATION_ID = 0x41584642
"""SQLite's application_id header field for our stores ("AXFB"): how a file is known to be ours."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_OUR_TABLES = {"meta", "tasks", "attempts"}


def _header_check(path: Path) -> int | None:
    """The application_id of an SQLite file at `path`, or a `StoreError` if it is not one.

    Read from the 100-byte header before SQLite opens the file, so that nothing is ever written
    to a file that is not a database: opening a text file for writing would turn it into one."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    where = SourceLocation(str(path))
    if not header:
        raise StoreError("an empty file, not a benchmark store (delete it to start a new run)", where)
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise StoreError("not a benchmark store (not an SQLite database); refusing to touch it", where)
    return int.from_bytes(header[68:72], "big")


class RunStore:
    """A run's SQLite file. Use from one thread (the runner's writer).

    An existing file is opened only once it is recognised as ours (application_id, or for stores
    written before that field was set, our three tables) and passes SQLite's quick_check; anything
    else is a `StoreError` and the file is left byte for byte as it was."""

    def __init__(self, path: Path):
        self.path = path
        existing = path.exists()
        app_id = _header_check(path) if existing else None
        if not existing:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
        try:
            if existing:
                self._recognise(app_id)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.executescript(_SCHEMA)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except sqlite3.DatabaseError as err:
            self.conn.close()
            raise StoreError(f"a damaged benchmark store ({err})", SourceLocation(str(path))) from None
        except BaseException:
            self.conn.close()
            raise

    def _recognise(self, app_id: int | None) -> None:
        where = SourceLocation(str(self.path))
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id != APPLICATION_ID and not (app_id == 0 and tables >= _OUR_TABLES):
            self.conn.close()
            raise StoreError("an SQLite database that is not a benchmark store; refusing to touch it", where)
        problems = [r[0] for r in self.conn.execute("PRAGMA quick_check(1)")]
        if problems != ["ok"]:
            self.conn.close()
            first = next((line for p in problems for line in str(p).splitlines() if not line.startswith("***")), "")
            raise StoreError(f"a damaged benchmark store ({first or 'quick_check failed'})", where)

    @classmethod
    def open_existing(cls, run_dir: Path) -> RunStore:
        path = run_dir / STORE_NAME if run_dir.is_dir() else run_dir
        if not path.is_file():
            raise FileNotFoundError(2, "no benchmark run here (no results.sqlite)", str(run_dir))
        return cls(path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # meta -----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, sort_keys=True)),
            )

    # transactions ---------------------------------------------------------------------------
    class _Tx:
        def __init__(self, conn: sqlite3.Connection):
            self.conn = conn

        def __enter__(self) -> None:
            self.conn.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")

    def transaction(self) -> RunStore._Tx:
        return RunStore._Tx(self.conn)

    # tasks ----------------------------------------------------------------------------------
    def put_tasks(self, rows: list[TaskRow]) -> None:
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(task_id) DO UPDATE SET"
                " recheck = excluded.recheck, recheck_reason = excluded.recheck_reason",
                [
                    (r.task_id, r.domain, r.template, r.difficulty, int(r.certified), r.content_hash, r.recheck, r.recheck_reason)
                    for r in rows
                ],
            )

    def tasks(self) -> list[TaskRow]:
        rows = self.conn.execute("SELECT * FROM tasks ORDER BY task_id").fetchall()
        return [TaskRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7]) for r in rows]

    def task_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT task_id FROM tasks")}

    # attempts -------------------------------------------------------------------------------
    def put_attempt(self, row: AttemptRow) -> bool:
        """Record one attempt in its own transaction; False if that (task, sample) was already there."""
        with self.transaction():
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.task_id,
                    row.sample_index,
                    row.status,
                    row.category,
                    row.message,
                    row.candidate,
                    row.raw_output,
                    row.prompt_tokens,
                    row.completion_tokens,
                    row.prover_seconds,
                    row.check_seconds,
                    int(row.cached),
                ),
            )
        return cur.rowcount == 1

    def forget_attempts(self, category: str) -> int:
        """Delete the attempts of one error category (prover errors, retried on resume); how many.

        One transaction: a kill right after it leaves those pairs missing, which resuming retries."""
        with self.transaction():
            cur = self.conn.execute("DELETE FROM attempts WHERE category = ?", (category,))
        return cur.rowcount

    def done_pairs(self) -> set[tuple[str, int]]:
        return {(r[0], r[1]) for r in self.conn.execute("SELECT task_id, sample_index FROM attempts")}

    def attempts(self) -> Iterator[AttemptRow]:
        for r in self.conn.execute("SELECT * FROM attempts ORDER BY task_id, sample_index"):
            yield AttemptRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], bool(r[11]))

    def attempt_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])
