#!/usr/bin/env bash
# Installs what is missing, then runs every test: the Rust suites (unit and in-process HTTP
# integration tests, real audio made with ffmpeg), the release build, and the browser tests in
# headless Chromium against the real server. Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/e2e/node_modules/.bin:$PWD/.venv/bin:$HOME/.cargo/bin:$PATH"

started=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== Rust tests"
status=0
cargo test --locked --workspace --no-fail-fast 2>&1 | tee "$log" || status=$?
rust_passed=$(grep -E '^test result:' "$log" | awk '{s+=$4} END {print s+0}')
rust_failed=$(grep -E '^test result:' "$log" | awk '{s+=$6} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$rust_failed" -eq 0 ]; then
  echo "cargo test failed before running its tests" >&2
  exit "$status"
fi

echo "== Service worker unit tests (node)"
node_status=0
node --test e2e/ 2>&1 | tee "$log" || node_status=$?
node_passed=$(grep -E '^# pass ' "$log" | awk '{print $3+0}')
node_failed=$(grep -E '^# fail ' "$log" | awk '{print $3+0}')

echo "== Release build"
scripts/build.sh

echo "== Browser tests"
e2e_status=0
node e2e/run.mjs 2>&1 | tee "$log" || e2e_status=$?
e2e_line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
e2e_passed=$(echo "$e2e_line" | awk '{print $2+0}')
e2e_failed=$(echo "$e2e_line" | awk '{print $4+0}')
if [ -z "$e2e_line" ]; then
  echo "the browser tests did not report a result" >&2
  e2e_failed=$((e2e_failed + 1))
fi

echo "== Offline browser tests"
offline_status=0
node e2e/offline.mjs 2>&1 | tee "$log" || offline_status=$?
offline_line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
if [ -z "$offline_line" ]; then
  echo "the offline browser tests did not report a result" >&2
  e2e_failed=$((e2e_failed + 1))
fi
e2e_passed=$((e2e_passed + $(echo "$offline_line" | awk '{print $2+0}')))
e2e_failed=$((e2e_failed + $(echo "$offline_line" | awk '{print $4+0}')))
[ "$offline_status" -eq 0 ] || e2e_status=$offline_status
echo "e2e: $e2e_passed passed, $e2e_failed failed"

echo "== Finished in $(( $(date +%s) - started )) s"
passed=$((rust_passed + node_passed + e2e_passed))
failed=$((rust_failed + node_failed + e2e_failed))
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$node_status" -eq 0 ] && [ "$e2e_status" -eq 0 ] && [ "$failed" -eq 0 ]
