"""`rasp compress` on every library program: residual width before and after.

Each program is compiled at its header's (vocab, max_len); `compress` then searches the smallest
width whose compressed model (frozen weights, learned projection) decodes exactly like the
compiled model on every input up to max_len (seeded samples past 20,000 inputs per length; the
table says which). Seconds are wall time on a shared, loaded 2-core machine.

    python benchmarks/rasp_vs_tracr/compression.py          # the table, recorded in RESULTS.md
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from axiomforge.rasp.compiler import compile_to_spec  # noqa: E402
from axiomforge.rasp.compress import compress  # noqa: E402
from axiomforge.rasp.parser import load_file  # noqa: E402
from axiomforge.rasp.programs import library  # noqa: E402

SKIP_ABOVE = 200  # residual widths above this are listed but not compressed (dyck2: 380)


def main() -> int:
    headers = ["program", "vocab", "max_len", "residual", "rank of residuals", "compressed", "inputs checked",
               "seconds"]
    rows: list[list[str]] = []
    for entry in library():
        program = load_file(entry.path)
        spec = compile_to_spec(program.output, entry.vocab, entry.max_len, program.causal).spec
        if spec.d_model > SKIP_ABOVE:
            rows.append([entry.name, str(len(entry.vocab)), str(entry.max_len), str(spec.d_model), "", "not run",
                         f"residual above {SKIP_ABOVE}", ""])
            print(" | ".join(rows[-1]), flush=True)
            continue
        start = time.perf_counter()
        result = compress(spec)
        seconds = time.perf_counter() - start
        best = result.best
        checked = (f"{best.checked} ({'all' if result.exhaustive else 'sampled'})" if best
                   else f"none exact of {[a.dim for a in result.attempts]}")
        rows.append([entry.name, str(len(entry.vocab)), str(entry.max_len), str(spec.d_model), str(result.rank),
                     str(best.dim) if best else "-", checked, f"{seconds:.1f}"])
        print(" | ".join(rows[-1]), flush=True)
    md = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    body = ("`axiomforge rasp compress` per library program at its header's (vocab, max_len): the smallest "
            "width (binary search between rank/2 and the rank of the residuals the model meets; each width "
            "starts from the top singular vectors and is fitted with Adam, 100 steps) whose compressed model "
            "decodes exactly like the compiled model on every input checked. The rank alone is exact by "
            "construction; where the compressed width is below it, the learned projection made the difference.\n\n" + "\n".join(md))
    from _results import record_results

    record_results("rasp_compression", "RASP compression: residual width before and after", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
