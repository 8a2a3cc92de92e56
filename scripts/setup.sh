#!/usr/bin/env bash
# Idempotent setup: .venv with the CPU build of torch, axiomforge editable with the dev, ray (the
# cluster executor; its tests run a real local Ray) and compare (tracr-pypi, for the differential
# test of the tracr drop-in; jax's CPU wheels) extras.
# torch is pinned first and explicitly so that no dependency resolution can pull a CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
stamp=.venv/.axiomforge-setup
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python -m pip install --quiet --upgrade pip
# CPU torch: on these machines torch==2.13.0 is a local CPU wheel. Installing it before the
# package means the package's `torch>=2.2` range is already satisfied and nothing else is pulled.
if ! python -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('2.13.0') else 1)" 2>/dev/null; then
  python -m pip install --quiet torch==2.13.0
fi
python -m pip install --quiet -e ".[dev,ray,compare]"
echo "$want" > "$stamp"
