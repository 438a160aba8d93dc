#!/usr/bin/env bash
# Create .venv and install the project. PyTorch goes first, pinned to the CPU build, so nothing
# pulls the CUDA wheels. `setup.sh test` adds the test extras.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c "import torch" 2>/dev/null || .venv/bin/pip install -q torch==2.13.0
extras=""
[ "${1:-}" = test ] && extras="[test]"
.venv/bin/pip install -q -e ".${extras}" 2>&1 | grep -v "^WARNING: Location" || true
