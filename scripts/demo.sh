#!/usr/bin/env bash
# Sets up (idempotently) and runs the main demo: each engine doing its main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
OUT=${DEMO_OUT:-out/demo}
mkdir -p "$OUT"

echo "== what this machine offers =="
axiomforge doctor

# Each engine's part of the demo, in order (logic, rasp, generators, bench).
for part in scripts/demo.d/*.sh; do
  [ -e "$part" ] || continue
  . "$part"
done
