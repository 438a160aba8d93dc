#!/usr/bin/env bash
# Set up the virtual environment (once), run the test suite, then the gated evaluation of the
# hand-checked gold sets (it fails when a headline metric falls below eval/baseline.json's tolerance).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error
.venv/bin/python -m pytest "$@"
if [ $# -eq 0 ]; then
  .venv/bin/python -m eval.ci
fi
