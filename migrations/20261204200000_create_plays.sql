-- Plays reported by browsers. `client_id` is a UUID made by the client when the play happened,
-- so a batch replayed from an offline queue counts each play once.
CREATE TABLE plays (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    track_id    INTEGER NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    client_id   TEXT    NOT NULL UNIQUE,
    played_at   INTEGER NOT NULL,
    seconds     INTEGER NOT NULL DEFAULT 0,
    offline     INTEGER NOT NULL DEFAULT 0,
    received_at INTEGER NOT NULL
);
CREATE INDEX plays_user ON plays (user_id, played_at);

-- One row per reported batch, with the offline counters it carried; a replayed batch (same
-- client UUID) is ignored, so the totals stay exact.
CREATE TABLE play_batches (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id    TEXT    NOT NULL UNIQUE,
    cache_hits   INTEGER NOT NULL DEFAULT 0,
    cache_misses INTEGER NOT NULL DEFAULT 0,
    received_at  INTEGER NOT NULL
);
