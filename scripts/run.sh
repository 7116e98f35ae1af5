#!/usr/bin/env bash
# Installs what is missing, builds the release site and serves Soundwave on its defaults:
# http://127.0.0.1:3000, database in ./data, audio in ./audio, temp files in ./cache.
# Any of DATA_DIR, MEDIA_ROOT, CACHE_DIR, SOUNDWAVE_ADDR, SW_ADMIN_USERNAME and
# SW_ADMIN_PASSWORD set in the environment is passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BROWSER=0 scripts/setup.sh
scripts/build.sh
export PATH="$PWD/.venv/bin:$PATH"
exec target/release/soundwave serve "$@"
