# Generative Logic: the laws of arithmetic from the Peano axioms alone (no hints), every proof
# re-checked by the independent checker; proofs.json, proofs.lean and a browsable site in $OUT/peano.
echo
echo "== Generative Logic: proving Peano arithmetic from theories/peano.mpl =="
axiomforge prove theories/peano.mpl --out "$OUT/peano" --html --json > "$OUT/peano-summary.json"
python - "$OUT/peano-summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
c = s["candidates"]
print(f"{c['generated']} candidate laws -> {c['surviving']} survive the finite model -> {c['proved']} proved, "
      f"{c['unproved']} unproved, in {s['seconds']['total']:.1f} s, peak {s['peak_memory_mib']:.0f} MiB")
found = [e for e in s["expect"] if e["found"]]
print(f"expected laws found: {len(found)}/{len(s['expect'])}: " + ", ".join(e["name"] for e in found[:8]) + ", ...")
print(f"independent checker: {s['check']['summary']}")
print(f"files: {s['files']['proofs']}, {s['files']['lean']}, {s['files']['html']}")
PY
echo "== the same engine, unchanged, on lists =="
axiomforge prove theories/lists.mpl --out "$OUT/lists" --json | python -c "import json,sys; s=json.load(sys.stdin); print(', '.join(e['name']+(' found' if e['found'] else ' NOT found') for e in s['expect']), '|', s['check']['summary'])"
echo "== ... and on Peano with exponentiation added (two more axioms, no hints) =="
axiomforge prove theories/peano_exp.mpl --out "$OUT/peano_exp" --json | python -c "import json,sys; s=json.load(sys.stdin); print(', '.join(e['name']+(' found' if e['found'] else ' NOT found') for e in s['expect'] if 'pow' in e['name']), '|', s['check']['summary'])"
echo "== the stretch goal: <= defined by exists p. a + p = b =="
axiomforge prove benchmarks/gl_peano/peano_order.mpl --out "$OUT/peano_order" --json | python -c "import json,sys; s=json.load(sys.stdin); print(', '.join(e['name']+(' found' if e['found'] else ' NOT found') for e in s['expect'] if e['name'].startswith('le_')), '|', s['check']['summary'])"
echo "== the independent checker, run again from the command line, and the Lean 4 export =="
axiomforge check "$OUT/peano/proofs.json" --theory theories/peano.mpl
axiomforge lean-export "$OUT/peano/proofs.json" -o "$OUT/peano/Peano.lean"
python - "$OUT/peano/Peano.lean" <<'PY'
import re, sys
from axiomforge.lean.source import blank_comments_and_strings
code = blank_comments_and_strings(open(sys.argv[1]).read())
theorems = len(re.findall(r"^theorem ", code, re.M))
holes = len(re.findall(r"\b(sorry|admit)\b", code))
print(f"  {theorems} theorems in {sys.argv[1]}; sorry/admit outside comments: {holes}")
PY
