-- The durable download queue and who asked for what. Times are Unix seconds (UTC).

-- One row per unit of download work: a single item (`track`), a playlist or feed expanded into
-- child rows (`playlist`), or a channel sync. Children point at their parent and keep their
-- position, so per-item state of a playlist download lives on these rows.
CREATE TABLE download_jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL DEFAULT 'track'
                         CHECK (kind IN ('track', 'playlist', 'channel_sync')),
    url          TEXT    NOT NULL,
    requester    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status       TEXT    NOT NULL DEFAULT 'queued'
                         CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    -- Identity of the remote item (yt-dlp's extractor and id), known once the item was probed.
    extractor    TEXT,
    remote_id    TEXT,
    parent_id    INTEGER REFERENCES download_jobs (id) ON DELETE SET NULL,
    position     INTEGER,
    title        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 4,
    retry_at     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    bytes_done   INTEGER NOT NULL DEFAULT 0,
    bytes_total  INTEGER,
    percent      REAL,
    track_id     INTEGER REFERENCES tracks (id) ON DELETE SET NULL,
    -- Set when this row turned out to be the same item as another job, which does the work.
    duplicate_of INTEGER REFERENCES download_jobs (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER
);
-- The same remote item is downloaded at most once.
CREATE UNIQUE INDEX download_jobs_identity ON download_jobs (extractor, remote_id)
    WHERE kind = 'track' AND extractor IS NOT NULL AND remote_id IS NOT NULL;
CREATE INDEX download_jobs_claim ON download_jobs (status, retry_at, id);
CREATE INDEX download_jobs_parent ON download_jobs (parent_id, position);
CREATE INDEX download_jobs_url ON download_jobs (url);

-- Everyone who asked for a job: each of them gets a library entry for the one downloaded file.
CREATE TABLE download_requests (
    job_id       INTEGER NOT NULL REFERENCES download_jobs (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, user_id)
);
CREATE INDEX download_requests_user ON download_requests (user_id);

INSERT INTO settings (key, value) VALUES ('download_concurrency', '2') ON CONFLICT DO NOTHING;
INSERT INTO settings (key, value) VALUES ('download_format', 'source') ON CONFLICT DO NOTHING;
