#!/usr/bin/env bash
# Installs everything Soundwave needs to build, run and test on a fresh Debian machine.
# Idempotent: each step checks first and does nothing when the tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Debian packages: ffmpeg for audio work, chromium + chromedriver for the browser tests.
need_apt=()
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
command -v ffprobe >/dev/null || need_apt+=(ffmpeg)
if [ "${SETUP_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
fi
command -v curl >/dev/null || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The WebAssembly target for the hydrating client.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's CLI must equal the crate version pinned in Cargo.toml exactly.
# It is installed without --locked: its lockfile names crates the registry may not carry yet.
want_wbg=$(grep -E '^wasm-bindgen = ' app/Cargo.toml | sed -E 's/.*"=?([0-9.]+)".*/\1/')
have_wbg=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wbg" != "$want_wbg" ]; then
  log "cargo install wasm-bindgen-cli $want_wbg (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "$want_wbg" --force
fi

# Node tools pinned in e2e/package-lock.json: binaryen's wasm-opt (never Debian's, it
# miscompiles our wasm) and playwright-core, which drives Debian's chromium.
if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ]; then
  log "npm ci in e2e/"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# yt-dlp, current release from the Python package index, in a project-local virtualenv, with
# mutagen, which yt-dlp needs to embed cover art in opus, ogg and flac files.
if [ ! -x .venv/bin/yt-dlp ] || ! .venv/bin/python -c 'import mutagen' 2>/dev/null; then
  log "yt-dlp and mutagen into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade yt-dlp mutagen
fi
log "ready"
