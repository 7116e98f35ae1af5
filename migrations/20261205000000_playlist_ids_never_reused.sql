-- Playlist ids are never handed out twice. A client may still hold an id it saw earlier (a
-- page in another tab, an offline copy), and with SQLite's default rowid choice the newest
-- playlist's id is reused once that playlist is deleted: an old page's edit, carrying a
-- matching version, would then land on someone's new playlist. Every INSERT takes its id
-- from here; the trigger keeps the mark up to date whichever way a row arrives.
CREATE TABLE playlist_ids (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    -- The largest playlist id ever given out.
    last INTEGER NOT NULL
);

INSERT INTO playlist_ids (id, last) SELECT 1, COALESCE(MAX(id), 0) FROM playlists;

CREATE TRIGGER playlists_raise_id_mark AFTER INSERT ON playlists
BEGIN
    UPDATE playlist_ids SET last = MAX(last, NEW.id) WHERE id = 1;
END;
