#!/usr/bin/env bash
# Times a podcast feed of COUNT items through the download queue end to end (probe, expand,
# one yt-dlp run per item, filing into MEDIA_ROOT), against a reference: the same COUNT files
# fetched by plain `yt-dlp -x` one after the other from a local web server. Prints figures and
# the ratio; asserts nothing.
#
# Usage: bench/download_feed.sh [COUNT]   (needs ffmpeg, python3 and .venv/bin/yt-dlp)
set -euo pipefail

count="${1:-20}"
cd "$(dirname "$0")/.."
ytdlp="${YTDLP_PATH:-.venv/bin/yt-dlp}"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Ours: the integration test serves the feed from inside the test process.
cargo test --test downloads --no-run >&2
ours_line="$(SW_FEED_ITEMS="$count" cargo test --test downloads a_larger_feed_completes_end_to_end \
    -- --nocapture 2>/dev/null | grep -E '^feed of [0-9]+ items')"
echo "soundwave: $ours_line"
ours_s="$(echo "$ours_line" | sed -E 's/.*: ([0-9.]+) s.*/\1/')"

# Reference: the same kind of 2-second MP3s, fetched sequentially by yt-dlp alone.
mkdir -p "$work/site" "$work/out"
for i in $(seq 1 "$count"); do
    ffmpeg -hide_banner -loglevel error -y -f lavfi \
        -i "sine=frequency=$((200 + i * 10)):duration=2:sample_rate=22050" \
        -c:a libmp3lame -b:a 64k "$work/site/$i.mp3"
done
port=$(( 20000 + RANDOM % 20000 ))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
server_pid=$!
sleep 1
start=$(now_ms)
for i in $(seq 1 "$count"); do
    "$ytdlp" -q --no-warnings -x -o "$work/out/$i.%(ext)s" "http://127.0.0.1:$port/$i.mp3"
done
ref_ms=$(( $(now_ms) - start ))
echo "plain yt-dlp, sequential: $count items in $(awk "BEGIN{printf \"%.1f\", $ref_ms/1000}") s"
awk "BEGIN{printf \"ratio soundwave / plain yt-dlp: %.2f\n\", $ours_s / ($ref_ms/1000)}"
