#!/usr/bin/env python3
"""A stand-in `lean` for checker tests: speaks `lean --json` for a few scripted situations.

FAKE_SLOW in the file: sleeps (timeout); FAKE_HOG: allocates 2 GiB (memory limit);
FAKE_ERROR: an error on that line; `sorry` outside comments: the sorry warning and sorryAx;
native_decide: depends on Lean.ofReduceBool. `#check @X` answers with the theorem's statement
line, as an elaborated signature. Each run appends a line to $FAKE_LEAN_LOG.
"""

import json
import os
import re
import sys
import time

if sys.argv[1:] == ["--version"]:
    print("Lean (version 4.99.0, fake for tests)")
    sys.exit(0)
path = sys.argv[-1]
with open(path, encoding="utf-8") as source:
    text = source.read()
if os.environ.get("FAKE_LEAN_LOG"):
    with open(os.environ["FAKE_LEAN_LOG"], "a") as log:
        log.write("run\n")
lines = text.splitlines()
code = re.sub(r"--[^\n]*", "", text)


def emit(severity, line, data):
    print(json.dumps({"severity": severity, "pos": {"line": line, "column": 0}, "data": data, "fileName": path}))


if "FAKE_SLOW" in code:
    time.sleep(60)
if "FAKE_HOG" in code:
    try:
        hog = bytearray(2 * 1024**3)
    except MemoryError:
        print("INTERNAL PANIC: out of memory", file=sys.stderr)
        sys.exit(1)
for number, line in enumerate(lines, start=1):
    if "FAKE_ERROR" in line:
        emit("error", number, "unsolved goals\n⊢ False")
    if re.search(r"\bsorry\b", re.sub(r"--.*", "", line)):
        emit("warning", number, "declaration uses 'sorry'")
for number, line in enumerate(lines, start=1):
    m = re.match(r"#print axioms (\S+)", line)
    if m:
        axioms = ["propext"]
        if re.search(r"\bsorry\b", code.split("#print axioms")[0]):
            axioms.append("sorryAx")
        if "native_decide" in code:
            axioms.append("Lean.ofReduceBool")
        emit("information", number, f"'{m.group(1)}' depends on axioms: [{', '.join(axioms)}]")
    m = re.match(r"#check @(\S+)", line)
    if m:
        decl = re.search(rf"theorem {re.escape(m.group(1))}([^\n]*?) :=", text)
        emit("information", number, f"{m.group(1)} :{decl.group(1) if decl else ' ?'}")
