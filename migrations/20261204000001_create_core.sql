-- Accounts, sessions, the track index, per-user libraries, playlists and settings.
-- Times are Unix seconds (UTC).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

-- Browser sessions; only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Named API tokens for scripts; stored hashed, revocable.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- One row per audio file under MEDIA_ROOT. rel_path is relative to MEDIA_ROOT.
CREATE TABLE tracks (
    id           INTEGER PRIMARY KEY,
    source       TEXT    NOT NULL DEFAULT 'scan',
    remote_id    TEXT,
    rel_path     TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    artist       TEXT    NOT NULL DEFAULT '',
    album        TEXT    NOT NULL DEFAULT '',
    album_artist TEXT    NOT NULL DEFAULT '',
    track_no     INTEGER,
    disc_no      INTEGER,
    year         INTEGER,
    genre        TEXT    NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    codec        TEXT    NOT NULL DEFAULT '',
    mime         TEXT    NOT NULL DEFAULT 'application/octet-stream',
    bitrate_kbps INTEGER,
    size         INTEGER NOT NULL,
    mtime        INTEGER NOT NULL,
    artwork_path TEXT,
    added_at     INTEGER NOT NULL,
    UNIQUE (source, remote_id)
);
CREATE INDEX tracks_artist_album ON tracks (artist COLLATE NOCASE, album COLLATE NOCASE, disc_no, track_no);

-- Full-text index over the searchable columns, kept in step by triggers.
CREATE VIRTUAL TABLE tracks_fts USING fts5 (
    title, artist, album,
    content = 'tracks', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
    INSERT INTO tracks_fts (rowid, title, artist, album)
    VALUES (new.id, new.title, new.artist, new.album);
END;
CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
    INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album)
    VALUES ('delete', old.id, old.title, old.artist, old.album);
END;
CREATE TRIGGER tracks_fts_update AFTER UPDATE OF title, artist, album ON tracks BEGIN
    INSERT INTO tracks_fts (tracks_fts, rowid, title, artist, album)
    VALUES ('delete', old.id, old.title, old.artist, old.album);
    INSERT INTO tracks_fts (rowid, title, artist, album)
    VALUES (new.id, new.title, new.artist, new.album);
END;

-- Which user has which track. Removing an entry never removes the file.
CREATE TABLE library_entries (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    track_id       INTEGER NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    favorite       INTEGER NOT NULL DEFAULT 0,
    play_count     INTEGER NOT NULL DEFAULT 0,
    last_played_at INTEGER,
    added_at       INTEGER NOT NULL,
    PRIMARY KEY (user_id, track_id)
);
CREATE INDEX library_entries_track ON library_entries (track_id);

CREATE TABLE playlists (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    kind        TEXT    NOT NULL DEFAULT 'custom' CHECK (kind IN ('custom', 'remote')),
    remote_id   TEXT,
    remote_url  TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX playlists_owner ON playlists (owner_id);

CREATE TABLE playlist_items (
    id            INTEGER PRIMARY KEY,
    playlist_id   INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    track_id      INTEGER NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    gone_upstream INTEGER NOT NULL DEFAULT 0,
    added_at      INTEGER NOT NULL
);
CREATE INDEX playlist_items_order ON playlist_items (playlist_id, position);
CREATE INDEX playlist_items_track ON playlist_items (track_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('registration_open', 'true');

-- Background work (scans now, syncs and backups later) with state and timings.
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'failed')),
    detail      TEXT    NOT NULL DEFAULT '',
    started_at  INTEGER NOT NULL,
    finished_at INTEGER
);
