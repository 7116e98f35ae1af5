-- Remote playlists mirrored locally, playlist downloads with per-item state, and subscriptions
-- (channels and remote playlists re-synced on a schedule). Times are Unix seconds (UTC).

-- Every item a remote playlist ever listed, in upstream order (`sort_order`). Items that vanish
-- upstream keep their row and their place, flagged `gone_upstream`. `job_id` is the download of
-- the item (shared with other requesters), `playlist_item_id` its row in the local playlist
-- once the track exists.
CREATE TABLE remote_items (
    id               INTEGER PRIMARY KEY,
    playlist_id      INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    item_key         TEXT    NOT NULL,
    url              TEXT    NOT NULL,
    title            TEXT,
    sort_order       INTEGER NOT NULL,
    gone_upstream    INTEGER NOT NULL DEFAULT 0,
    job_id           INTEGER REFERENCES download_jobs (id) ON DELETE SET NULL,
    playlist_item_id INTEGER REFERENCES playlist_items (id) ON DELETE SET NULL,
    first_seen_at    INTEGER NOT NULL,
    UNIQUE (playlist_id, item_key)
);
CREATE INDEX remote_items_order ON remote_items (playlist_id, sort_order);
CREATE INDEX remote_items_job ON remote_items (job_id);

-- One request to download (or re-sync) a remote playlist into a local one.
CREATE TABLE playlist_downloads (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    playlist_id INTEGER REFERENCES playlists (id) ON DELETE SET NULL,
    url         TEXT    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    -- `active` while items may still run; the derived status comes from the items.
    state       TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled', 'failed')),
    error       TEXT,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX playlist_downloads_owner ON playlist_downloads (owner_id, id);

-- Which remote items one playlist download covered, at which upstream position.
CREATE TABLE playlist_download_items (
    download_id    INTEGER NOT NULL REFERENCES playlist_downloads (id) ON DELETE CASCADE,
    remote_item_id INTEGER NOT NULL REFERENCES remote_items (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    PRIMARY KEY (download_id, remote_item_id)
);

-- Channels and remote playlists an administrator follows.
CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY,
    url              TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL DEFAULT 'playlist' CHECK (kind IN ('channel', 'playlist')),
    title            TEXT    NOT NULL DEFAULT '',
    playlist_id      INTEGER REFERENCES playlists (id) ON DELETE SET NULL,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    auto_download    INTEGER NOT NULL DEFAULT 1,
    -- How many of the newest upstream items are mirrored (and downloaded).
    sync_depth       INTEGER NOT NULL DEFAULT 20 CHECK (sync_depth BETWEEN 1 AND 5000),
    last_sync_at     INTEGER,
    last_sync_status TEXT    NOT NULL DEFAULT 'never'
                             CHECK (last_sync_status IN ('never', 'running', 'ok', 'failed')),
    last_sync_error  TEXT,
    created_at       INTEGER NOT NULL
);

INSERT INTO settings (key, value) VALUES ('sync_interval_minutes', '60') ON CONFLICT DO NOTHING;
