#!/usr/bin/env python3
"""A stand-in `lean` for checker tests: speaks the two runs the checker makes, for scripted cases.

`lean --json --root=DIR -o Challenge.olean Challenge.lean` (the compile run): FAKE_SLOW in the
file sleeps (timeout); FAKE_HOG allocates 2 GiB (memory limit); FAKE_ERROR gives an error on that
line; `sorry` outside comments gives the sorry warning (in Lean's newer backtick style when the
file says FAKE_NEW_QUOTES); FAKE_TAMPER appends to every reference .olean it can find (what a
hostile native_decide could do at compile time). Without an error the ".olean" written is a copy
of the source.

`lean --run PROGRAM REF CAND DIR MODULE THEOREM TRACK` (the checker program): prints the JSON
verdict. Axioms: propext, plus sorryAx for a `sorry`, Lean.ofReduceBool for `native_decide`, and
every `axiom NAME` the candidate declares; the statement is the `theorem THEOREM ... :=` line of
each file, compared as text. FAKE_GARBLE in the candidate makes it print no verdict.

Each run appends `compile <sha256 of the source>` or `check` to $FAKE_LEAN_LOG.
"""

import glob
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

args = sys.argv[1:]
if args == ["--version"]:
    print("Lean (version 4.99.0, fake for tests)")
    sys.exit(0)


def log(line):
    if os.environ.get("FAKE_LEAN_LOG"):
        with open(os.environ["FAKE_LEAN_LOG"], "a") as out:
            out.write(line + "\n")


def code_of(text):
    return re.sub(r"--[^\n]*", "", text)


def emit(severity, line, data):
    print(json.dumps({"severity": severity, "pos": {"line": line, "column": 0}, "data": data, "fileName": "Challenge.lean"}))


if "--run" in args:
    ref_path, cand_path, _directory, _module, theorem, _track = args[args.index("--run") + 2 :]
    log("check")
    ref = Path(ref_path).read_text(encoding="utf-8")
    cand = Path(cand_path).read_text(encoding="utf-8")
    if "FAKE_GARBLE" in cand:
        print("PANIC at something")
        sys.exit(1)

    def statement(text):
        found = re.search(rf"theorem {re.escape(theorem)}([^\n]*?) :=", text)
        return found.group(1) if found else None

    code = code_of(cand)
    axioms = ["propext"]
    if re.search(r"\bsorry\b", code):
        axioms.append("sorryAx")
    if "native_decide" in code:
        axioms.append("Lean.ofReduceBool")
    axioms += re.findall(r"^axiom (\S+)", code, re.M)
    if statement(cand) is None or statement(cand) != statement(ref):
        verdict = {"ok": False, "category": "statement_changed", "message": f"{theorem} differs from the challenge's", "axioms": []}
    else:
        verdict = {"ok": True, "category": "", "message": "accepted", "axioms": axioms}
    print("loading...")
    print(json.dumps(verdict))
    sys.exit(0)

source_name = args[-1]
output = args[args.index("-o") + 1]
text = Path(source_name).read_text(encoding="utf-8")
log("compile " + hashlib.sha256(text.encode()).hexdigest())
code = code_of(text)
if "FAKE_SLOW" in code:
    time.sleep(60)
if "FAKE_HOG" in code:
    try:
        hog = bytearray(2 * 1024**3)
    except MemoryError:
        print("INTERNAL PANIC: out of memory", file=sys.stderr)
        sys.exit(1)
if "FAKE_TAMPER" in code:
    for path in glob.glob(os.path.join(tempfile.gettempdir(), "axiomforge-lean-ref-*", "*", "Challenge.olean")):
        with open(path, "a", encoding="utf-8") as olean:
            olean.write("\n-- tampered\n")
failed = False
for number, line in enumerate(text.splitlines(), start=1):
    if "FAKE_ERROR" in line:
        emit("error", number, "unsolved goals\n⊢ False")
        failed = True
    if re.search(r"\bsorry\b", re.sub(r"--.*", "", line)):
        emit("warning", number, "declaration uses `sorry`" if "FAKE_NEW_QUOTES" in text else "declaration uses 'sorry'")
if not failed:
    with open(output, "w", encoding="utf-8") as olean:
        olean.write(text)
