//! The track index and per-user libraries: search, look-ups and the rows a scan writes.

use super::db;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::{db::now, error::AppResult};
use crate::model::{Track, TrackId, TrackPage, TrackSort, UserId};

pub const PAGE_SIZE: i64 = 50;

/// Columns that make a `Track`, for queries joined on `tracks t`.
pub const TRACK_COLUMNS: &str = "t.id, t.title, t.artist, t.album, t.album_artist, t.track_no, \
     t.disc_no, t.year, t.genre, t.duration_ms, t.codec, t.mime, t.bitrate_kbps, t.size, \
     t.artwork_path IS NOT NULL AS has_artwork, t.added_at";

#[derive(sqlx::FromRow)]
pub struct TrackRow {
    id: i64,
    title: String,
    artist: String,
    album: String,
    album_artist: String,
    track_no: Option<i64>,
    disc_no: Option<i64>,
    year: Option<i64>,
    genre: String,
    duration_ms: i64,
    codec: String,
    mime: String,
    bitrate_kbps: Option<i64>,
    size: i64,
    has_artwork: bool,
    added_at: i64,
}

impl From<TrackRow> for Track {
    fn from(r: TrackRow) -> Self {
        Track {
            id: TrackId(r.id),
            title: r.title,
            artist: r.artist,
            album: r.album,
            album_artist: r.album_artist,
            track_no: r.track_no,
            disc_no: r.disc_no,
            year: r.year,
            genre: r.genre,
            duration_ms: r.duration_ms,
            codec: r.codec,
            mime: r.mime,
            bitrate_kbps: r.bitrate_kbps,
            size: r.size,
            has_artwork: r.has_artwork,
            added_at: r.added_at,
        }
    }
}

/// Turns what a person typed into an FTS5 query: every word must match as a prefix.
/// Quotes are doubled so no input can reach FTS5's query syntax.
pub fn fts_query(text: &str) -> Option<String> {
    // Control characters (a NUL ends the string inside SQLite's FTS parser) split words too.
    let terms: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c.is_control() || c == '"')
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn order_clause(sort: TrackSort) -> &'static str {
    match sort {
        TrackSort::Artist => {
            " ORDER BY t.artist COLLATE NOCASE, t.album COLLATE NOCASE, t.disc_no, t.track_no, \
             t.title COLLATE NOCASE, t.id"
        }
        TrackSort::Title => " ORDER BY t.title COLLATE NOCASE, t.id",
        TrackSort::Album => {
            " ORDER BY t.album COLLATE NOCASE, t.disc_no, t.track_no, t.title COLLATE NOCASE, t.id"
        }
        TrackSort::Recent => " ORDER BY e.added_at DESC, t.id DESC",
        TrackSort::Duration => " ORDER BY t.duration_ms DESC, t.id",
    }
}

fn push_filter<'a>(builder: &mut QueryBuilder<'a, Sqlite>, user: UserId, fts: &'a Option<String>) {
    builder.push(" FROM library_entries e JOIN tracks t ON t.id = e.track_id WHERE e.user_id = ");
    builder.push_bind(user);
    if let Some(fts) = fts {
        builder.push(" AND t.id IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ");
        builder.push_bind(fts.as_str());
        builder.push(")");
    }
}

/// One page (1-based) of the user's library, optionally filtered by a search.
pub async fn list_library(
    pool: &SqlitePool,
    user: UserId,
    search: &str,
    sort: TrackSort,
    page: i64,
    page_size: i64,
) -> AppResult<TrackPage> {
    let page = page.max(1);
    let page_size = page_size.clamp(1, 500);
    let fts = fts_query(search);

    let mut count = QueryBuilder::new("SELECT COUNT(*)");
    push_filter(&mut count, user, &fts);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

    let mut select = QueryBuilder::new(format!("SELECT {TRACK_COLUMNS}"));
    push_filter(&mut select, user, &fts);
    select.push(order_clause(sort));
    select.push(" LIMIT ");
    select.push_bind(page_size);
    select.push(" OFFSET ");
    // Saturating: a page number from a URL can be anything up to i64::MAX.
    select.push_bind((page - 1).saturating_mul(page_size));
    let rows: Vec<TrackRow> = select.build_query_as().fetch_all(pool).await?;

    Ok(TrackPage { data: rows.into_iter().map(Track::from).collect(), total, page, page_size })
}

/// A track in the user's library; `None` for a missing track or one the user does not have.
pub async fn find_library_track(
    pool: &SqlitePool,
    user: UserId,
    id: TrackId,
) -> AppResult<Option<Track>> {
    let row: Option<TrackRow> = sqlx::query_as(&format!(
        "SELECT {TRACK_COLUMNS} FROM library_entries e JOIN tracks t ON t.id = e.track_id
         WHERE e.user_id = ? AND t.id = ?"
    ))
    .bind(user)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Track::from))
}

/// Where a track's bytes live, for streaming.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TrackFile {
    pub rel_path: String,
    pub mime: String,
    pub artwork_path: Option<String>,
}

/// The file of a track in the user's library; `None` when the user may not read it.
pub async fn find_library_file(
    pool: &SqlitePool,
    user: UserId,
    id: TrackId,
) -> AppResult<Option<TrackFile>> {
    Ok(sqlx::query_as(
        "SELECT t.rel_path, t.mime, t.artwork_path FROM library_entries e
         JOIN tracks t ON t.id = e.track_id WHERE e.user_id = ? AND t.id = ?",
    )
    .bind(user)
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Adds tracks to a user's library; tracks already there are left as they are.
pub async fn insert_library_entries(
    pool: &SqlitePool,
    user: UserId,
    tracks: &[TrackId],
) -> AppResult<()> {
    let mut tx = db::begin_write(pool).await?;
    let added = now();
    for track in tracks {
        sqlx::query(
            "INSERT INTO library_entries (user_id, track_id, added_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(user)
        .bind(track)
        .bind(added)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn count_library(pool: &SqlitePool, user: UserId) -> AppResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM library_entries WHERE user_id = ?")
        .bind(user)
        .fetch_one(pool)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_quoted_prefixes() {
        assert_eq!(fts_query("  daft punk "), Some("\"daft\"* \"punk\"*".into()));
        assert_eq!(fts_query("   "), None);
    }

    #[test]
    fn control_characters_never_reach_fts() {
        assert_eq!(fts_query("a\0b"), Some("\"a\"* \"b\"*".into()));
        assert_eq!(fts_query("\0\u{1b}"), None);
    }

    #[test]
    fn fts_syntax_in_input_is_inert() {
        assert_eq!(fts_query("a\"b OR c*"), Some("\"a\"* \"b\"* \"OR\"* \"c*\"*".into()));
    }
}
