#!/usr/bin/env bash
# Set up (once), ingest the bundled corpus if the index is empty, and serve on http://127.0.0.1:7860.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_VERBOSITY=error
exec .venv/bin/inspection-qa serve "$@"
