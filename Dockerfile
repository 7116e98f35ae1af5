# Soundwave container image.
#   docker compose up -d --build      (see docker-compose.yml)
# Stage 1 builds the WASM client and the server; stage 2 is a small Debian with ffmpeg and
# yt-dlp that runs the server as an unprivileged user.

FROM rust:1.95-bookworm AS build
RUN rustup target add wasm32-unknown-unknown \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
# Must equal the wasm-bindgen version pinned in app/Cargo.toml.
RUN cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY e2e/package.json e2e/package-lock.json e2e/
RUN cd e2e && npm ci --no-audit --no-fund
COPY . .
RUN scripts/build.sh

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ffmpeg python3 python3-venv ca-certificates curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/yt-dlp \
 && /opt/yt-dlp/bin/pip install --no-cache-dir yt-dlp mutagen \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin soundwave \
 && mkdir -p /app/data /app/audio /app/cache \
 && chown -R soundwave:soundwave /app
COPY --from=build /src/target/release/soundwave /usr/local/bin/soundwave
COPY --from=build /src/target/site /app/site
ENV DATA_DIR=/app/data \
    MEDIA_ROOT=/app/audio \
    CACHE_DIR=/app/cache \
    SOUNDWAVE_ADDR=0.0.0.0:8889 \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_ENV=PROD \
    PATH=/opt/yt-dlp/bin:$PATH
USER soundwave
WORKDIR /app
VOLUME ["/app/data", "/app/audio", "/app/cache"]
EXPOSE 8889
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8889/healthz || exit 1
ENTRYPOINT ["/usr/bin/tini", "--", "soundwave"]
CMD ["serve"]
