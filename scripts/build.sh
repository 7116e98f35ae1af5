#!/usr/bin/env bash
# Builds the release site without cargo-leptos: the WASM client (wasm-bindgen + wasm-opt),
# the static files, and the server binary. Output: target/site and target/release/soundwave.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=app
cargo_target=${CARGO_TARGET_DIR:-target}

cargo build --locked -p app --lib --target wasm32-unknown-unknown \
  --no-default-features --features hydrate --profile wasm-release

site=target/site
rm -rf "$site.new" && mkdir -p "$site.new/pkg"
wasm-bindgen --target web --no-typescript --out-name app --out-dir "$site.new/pkg" \
  "$cargo_target/wasm32-unknown-unknown/wasm-release/app.wasm"
mv "$site.new/pkg/app_bg.wasm" "$site.new/pkg/app.wasm"
# npm's binaryen, never Debian's: wasm-opt 108 emits a module browsers reject.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$site.new/pkg/app.wasm" -o "$site.new/pkg/app.wasm"
cp -r public/. "$site.new/"
cp style/main.css "$site.new/pkg/app.css"
# The service worker's version is a hash of the build it precaches: a new build makes a new
# worker (which waits for the user), an unchanged build keeps the installed one.
version=$(cat "$site.new/pkg/app.js" "$site.new/pkg/app.wasm" "$site.new/pkg/app.css" \
  "$site.new/offline.html" "$site.new/sw-range.js" | sha256sum | cut -c1-16)
sed -i "s/^const VERSION = 'dev';$/const VERSION = '$version';/" "$site.new/sw.js"
grep -q "^const VERSION = '$version';$" "$site.new/sw.js"
rm -rf "$site" && mv "$site.new" "$site"

cargo build --locked --release --bin soundwave
