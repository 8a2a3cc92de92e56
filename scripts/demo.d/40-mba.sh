# Mixed Boolean-Arithmetic: certify identities, simplify, write Lean 4 + Markdown challenges.
# Sourced by scripts/demo.sh (venv active, set -euo pipefail, $OUT set).
echo "== MBA: certify identities (signature theorem, normal forms, counterexamples)"
axiomforge mba check "(x ^ y) + 2*(x & y) == x + y" --width 64
rc=0; axiomforge mba check "(x | y) + (x & y) == x + y + 1" --width 8 || rc=$?
echo "(exit code $rc: the claim is false)"
axiomforge mba check "(x & y)*(x | y) + (x & ~y)*(~x & y) == x*y" --width symbolic
echo "== MBA: simplify (SiMBA-style)"
axiomforge mba simplify "((x ^ y) + 2*(x & y))*(x + ~y + 1) - (x | y) + (x & ~y)" --lean
echo "== MBA: 200 challenges (Lean 4 + Markdown + JSONL), seed 0"
axiomforge gen mba --count 200 --seed 0 --out "$OUT/mba"
python - "$OUT/mba" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
records = [json.loads(line) for line in (out / "challenges.jsonl").read_text().splitlines()]
from axiomforge.generators.mba.api import recheck
ok = sum(1 for r in records if recheck(r)[0])
print(f"rechecked {ok}/{len(records)} records; counts {json.loads((out / 'manifest.json').read_text())['counts']['truth']}")
first = next(r for r in records if r["claim_holds"] and r["params"]["class"] == "linear")
print(f"example: {out / 'lean' / (first['id'] + '.lean')}")
print(first["lean_statement"])
PY
