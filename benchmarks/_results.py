"""Recording benchmark figures in benchmarks/RESULTS.md.

Each benchmark owns one section, delimited by HTML comment markers, and replaces only that
section, so benchmarks can be re-run in any order without clobbering each other's figures.
Every section states the date and the machine it was measured on.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import os
import platform
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
_HEADER = "# Benchmark results\n\nEach section is rewritten by the benchmark named in its title.\n"


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            mem_gib = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem_gib}, Python {platform.python_version()}, {platform.system()}"


def record_results(name: str, title: str, body_markdown: str) -> None:
    """Replace (or append) the section `name` of RESULTS.md with `body_markdown`."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"{start}\n## {title}\n\n_Measured {stamp} on {machine_description()}._\n\n"
        f"{body_markdown.strip()}\n{end}"
    )
    RESULTS_PATH.touch(exist_ok=True)
    with open(RESULTS_PATH, "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        text = f.read() or _HEADER
        if start in text and end in text:
            before, rest = text.split(start, 1)
            after = rest.split(end, 1)[1]
            text = before + section + after
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        f.seek(0)
        f.truncate()
        f.write(text)
