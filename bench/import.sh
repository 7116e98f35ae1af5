#!/usr/bin/env bash
# Times `soundwave import` of 1,000 small tagged audio files, then an unchanged rescan, then the
# idle RSS of `soundwave serve` on that library. Prints figures; asserts nothing.
#
# Usage: bench/import.sh [COUNT]   (needs ffmpeg; builds the release binary first)
set -euo pipefail

count="${1:-1000}"
cd "$(dirname "$0")/.."
cargo build --release --bin soundwave >&2
bin="$PWD/target/release/soundwave"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

export DATA_DIR="$work/data" MEDIA_ROOT="$work/audio" CACHE_DIR="$work/cache" RUST_LOG=warn
unset SW_ADMIN_USERNAME SW_ADMIN_PASSWORD

# One encoded tone per album, then per-track copies whose ID3 tags ffmpeg rewrites without
# re-encoding (a stream copy), so generating the set takes seconds, not minutes.
src="$work/source"
mkdir -p "$src"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:duration=2:sample_rate=22050" \
    -c:a libmp3lame -b:a 32k "$work/base.mp3"
start=$(now_ms)
for i in $(seq 1 "$count"); do
    album=$(( (i - 1) / 10 + 1 ))
    dir="$src/Artist $(( album % 20 ))/Album $album"
    mkdir -p "$dir"
    ffmpeg -hide_banner -loglevel error -y -i "$work/base.mp3" -c copy \
        -metadata title="Track $i" -metadata artist="Artist $(( album % 20 ))" \
        -metadata album="Album $album" -metadata track="$(( (i - 1) % 10 + 1 ))" \
        "$dir/$(printf '%02d' $(( (i - 1) % 10 + 1 ))) Track $i.mp3"
done
gen=$(( $(now_ms) - start ))
echo "generated $count files in ${gen} ms ($(du -sh "$src" | cut -f1))"

echo "bench password 123" | "$bin" user add bench --admin >/dev/null

start=$(now_ms)
"$bin" import "$src" --user bench | tail -n 1
import=$(( $(now_ms) - start ))
echo "import of $count files: ${import} ms"

start=$(now_ms)
"$bin" scan | tail -n 1
rescan=$(( $(now_ms) - start ))
echo "unchanged rescan: ${rescan} ms"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SOUNDWAVE_ADDR="127.0.0.1:$port" "$bin" serve >"$work/serve.log" 2>&1 &
server_pid=$!
sleep 5
rss=$(awk '/VmRSS/ {print $2, $3}' "/proc/$server_pid/status")
echo "idle RSS of serve with $count tracks: $rss"
