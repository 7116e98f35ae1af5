//! Custom playlists: each belongs to one owner; another user's id behaves as if it did not exist.
//! Every change bumps `version`, which offline copies compare against.

use super::db;
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::{
    db::now,
    error::{AppError, AppResult},
    tracks::{TrackRow, TRACK_COLUMNS},
};
use crate::model::{
    Account, PlaylistDetail, PlaylistEntry, PlaylistId, PlaylistItemId, PlaylistSummary, Track,
    TrackId,
};

const MAX_TITLE_CHARS: usize = 200;

/// The id for a new playlist: one above any id ever given out, so a deleted playlist's id never
/// comes back (see the `playlist_ids` migration). Every INSERT into `playlists` uses it.
pub(crate) const NEXT_PLAYLIST_ID: &str = "(SELECT last + 1 FROM playlist_ids WHERE id = 1)";

const SUMMARY_SELECT: &str = "SELECT p.id, p.title, p.description, p.kind, p.version, \
     p.created_at, p.updated_at, COUNT(i.id) AS item_count, \
     COALESCE(SUM(t.duration_ms), 0) AS duration_ms \
     FROM playlists p LEFT JOIN playlist_items i ON i.playlist_id = p.id \
     LEFT JOIN tracks t ON t.id = i.track_id";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    description: String,
    kind: String,
    version: i64,
    created_at: i64,
    updated_at: i64,
    item_count: i64,
    duration_ms: i64,
}

impl From<SummaryRow> for PlaylistSummary {
    fn from(r: SummaryRow) -> Self {
        PlaylistSummary {
            id: PlaylistId(r.id),
            title: r.title,
            description: r.description,
            kind: r.kind,
            item_count: r.item_count,
            duration_ms: r.duration_ms,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const MAX_DESCRIPTION_CHARS: usize = 2000;

fn clean_title(title: &str) -> AppResult<String> {
    let title = title.trim();
    if title.chars().any(char::is_control) {
        return Err(AppError::bad_request("a playlist title cannot hold control characters"));
    }
    if title.is_empty() {
        return Err(AppError::bad_request("a playlist needs a title"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::bad_request(format!(
            "a playlist title has at most {MAX_TITLE_CHARS} characters"
        )));
    }
    Ok(title.to_owned())
}

/// A description may hold line breaks and tabs, but no other control characters.
fn clean_description(text: &str) -> AppResult<String> {
    let text = text.trim();
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(AppError::bad_request("a description cannot hold control characters"));
    }
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::bad_request(format!(
            "a description has at most {MAX_DESCRIPTION_CHARS} characters"
        )));
    }
    Ok(text.to_owned())
}

/// Admins may act on any playlist; everyone else only on their own.
fn owner_filter(caller: &Account) -> Option<i64> {
    (!caller.is_admin()).then_some(caller.id.0)
}

pub async fn list_playlists(
    pool: &SqlitePool,
    caller: &Account,
) -> AppResult<Vec<PlaylistSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY_SELECT} WHERE p.owner_id = ? GROUP BY p.id ORDER BY p.title COLLATE NOCASE, p.id"
    ))
    .bind(caller.id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(PlaylistSummary::from).collect())
}

pub async fn insert_playlist(
    pool: &SqlitePool,
    caller: &Account,
    title: &str,
    description: &str,
) -> AppResult<PlaylistSummary> {
    let title = clean_title(title)?;
    let description = clean_description(description)?;
    let created = now();
    let id: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO playlists (id, owner_id, title, description, created_at, updated_at)
         VALUES ({NEXT_PLAYLIST_ID}, ?, ?, ?, ?, ?) RETURNING id"
    ))
    .bind(caller.id)
    .bind(&title)
    .bind(&description)
    .bind(created)
    .bind(created)
    .fetch_one(pool)
    .await?;
    get_summary(pool, caller, PlaylistId(id)).await
}

async fn get_summary(
    pool: &SqlitePool,
    caller: &Account,
    id: PlaylistId,
) -> AppResult<PlaylistSummary> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY_SELECT} WHERE p.id = ? AND (? IS NULL OR p.owner_id = ?) GROUP BY p.id"
    ))
    .bind(id)
    .bind(owner_filter(caller))
    .bind(owner_filter(caller))
    .fetch_optional(pool)
    .await?;
    row.map(PlaylistSummary::from).ok_or(AppError::NotFound)
}

/// A playlist with its items in order.
pub async fn get_playlist(
    pool: &SqlitePool,
    caller: &Account,
    id: PlaylistId,
) -> AppResult<PlaylistDetail> {
    let summary = get_summary(pool, caller, id).await?;

    #[derive(sqlx::FromRow)]
    struct ItemRow {
        item_id: i64,
        position: i64,
        gone_upstream: bool,
        #[sqlx(flatten)]
        track: TrackRow,
    }
    let rows: Vec<ItemRow> = sqlx::query_as(&format!(
        "SELECT i.id AS item_id, i.position, i.gone_upstream, {TRACK_COLUMNS}
         FROM playlist_items i JOIN tracks t ON t.id = i.track_id
         WHERE i.playlist_id = ? ORDER BY i.position, i.id"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?;
    let items = rows
        .into_iter()
        .map(|r| PlaylistEntry {
            item_id: PlaylistItemId(r.item_id),
            position: r.position,
            gone_upstream: r.gone_upstream,
            track: Track::from(r.track),
        })
        .collect();
    Ok(PlaylistDetail { summary, items })
}

/// Locks the playlist for a change: checks ownership, and the version the client based its
/// change on, inside the write transaction, so no other change can slip in between.
/// `expected` is `None` for callers that do not track versions (a plain append, a script).
async fn begin_change<'a>(
    pool: &'a SqlitePool,
    caller: &Account,
    id: PlaylistId,
    expected: Option<i64>,
) -> AppResult<Transaction<'a, Sqlite>> {
    let mut tx = db::begin_write(pool).await?;
    let current: Option<i64> = sqlx::query_scalar(
        "SELECT version FROM playlists WHERE id = ? AND (? IS NULL OR owner_id = ?)",
    )
    .bind(id)
    .bind(owner_filter(caller))
    .bind(owner_filter(caller))
    .fetch_optional(&mut *tx)
    .await?;
    let current = current.ok_or(AppError::NotFound)?;
    if let Some(expected) = expected.filter(|expected| *expected != current) {
        return Err(AppError::Conflict(format!(
            "the playlist changed elsewhere (version {current}, your copy is {expected}); \
             reload it and make the change again"
        )));
    }
    Ok(tx)
}

async fn finish_change(mut tx: Transaction<'_, Sqlite>, id: PlaylistId) -> AppResult<()> {
    sqlx::query("UPDATE playlists SET version = version + 1, updated_at = ? WHERE id = ?")
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// One edit of a playlist's own fields; what is `None` stays as it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlaylistEdit<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    /// The complete new order, as item ids.
    pub order: Option<&'a [PlaylistItemId]>,
}

/// Applies an edit in one transaction: it is checked whole before anything is written, and it
/// counts as one new version.
pub async fn edit_playlist(
    pool: &SqlitePool,
    caller: &Account,
    id: PlaylistId,
    edit: PlaylistEdit<'_>,
    expected: Option<i64>,
) -> AppResult<PlaylistDetail> {
    if edit.title.is_none() && edit.description.is_none() && edit.order.is_none() {
        return Err(AppError::bad_request("nothing to change: send title, description or order"));
    }
    let title = edit.title.map(clean_title).transpose()?;
    let description = edit.description.map(clean_description).transpose()?;
    let mut tx = begin_change(pool, caller, id, expected).await?;
    // Only what differs is written: an edit that changes nothing keeps the version, so it
    // does not make every other tab's copy look stale.
    let (old_title, old_description): (String, String) =
        sqlx::query_as("SELECT title, description FROM playlists WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let title = title.filter(|t| *t != old_title);
    let description = description.filter(|d| *d != old_description);
    let mut changed = title.is_some() || description.is_some();
    if changed {
        sqlx::query(
            "UPDATE playlists SET title = COALESCE(?, title),
                 description = COALESCE(?, description)
             WHERE id = ?",
        )
        .bind(title)
        .bind(description)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(order) = edit.order {
        changed |= set_order(&mut tx, id, order).await?;
    }
    if changed {
        finish_change(tx, id).await?;
    } else {
        tx.rollback().await?;
    }
    get_playlist(pool, caller, id).await
}

/// Deletes the playlist and its items; tracks and files stay.
pub async fn delete_playlist(pool: &SqlitePool, caller: &Account, id: PlaylistId) -> AppResult<()> {
    let mut tx = begin_change(pool, caller, id, None).await?;
    sqlx::query("DELETE FROM playlists WHERE id = ?").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends a track. The track must be in the caller's own library.
pub async fn add_item(
    pool: &SqlitePool,
    caller: &Account,
    id: PlaylistId,
    track: TrackId,
    expected: Option<i64>,
) -> AppResult<PlaylistDetail> {
    let mut tx = begin_change(pool, caller, id, expected).await?;
    let owner: i64 = sqlx::query_scalar("SELECT owner_id FROM playlists WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let in_library: Option<i64> = sqlx::query_scalar(
        "SELECT track_id FROM library_entries WHERE user_id = ? AND track_id = ?",
    )
    .bind(owner)
    .bind(track)
    .fetch_optional(&mut *tx)
    .await?;
    if in_library.is_none() {
        return Err(AppError::bad_request("that track is not in your library"));
    }
    sqlx::query(
        "INSERT INTO playlist_items (playlist_id, track_id, position, added_at)
         VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM playlist_items
                        WHERE playlist_id = ?), ?)",
    )
    .bind(id)
    .bind(track)
    .bind(id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    finish_change(tx, id).await?;
    get_playlist(pool, caller, id).await
}

/// Which items a removal takes out of a playlist.
#[derive(Clone, Copy, Debug)]
pub enum Removal {
    /// Every occurrence of a track.
    Track(TrackId),
    /// One place.
    Item(PlaylistItemId),
}

/// Takes a track (every occurrence) or one place out of the playlist.
pub async fn remove_items(
    pool: &SqlitePool,
    caller: &Account,
    id: PlaylistId,
    what: Removal,
    expected: Option<i64>,
) -> AppResult<PlaylistDetail> {
    let mut tx = begin_change(pool, caller, id, expected).await?;
    let (column, value) = match what {
        Removal::Track(track) => ("track_id", track.0),
        Removal::Item(item) => ("id", item.0),
    };
    let removed =
        sqlx::query(&format!("DELETE FROM playlist_items WHERE playlist_id = ? AND {column} = ?"))
            .bind(id)
            .bind(value)
            .execute(&mut *tx)
            .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    renumber(&mut tx, id).await?;
    finish_change(tx, id).await?;
    get_playlist(pool, caller, id).await
}

/// The playlist's item ids in their current order.
async fn current_order(
    tx: &mut Transaction<'_, Sqlite>,
    id: PlaylistId,
) -> AppResult<Vec<PlaylistItemId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM playlist_items WHERE playlist_id = ? ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(ids.into_iter().map(PlaylistItemId).collect())
}

/// Sets the order: `items` must list every item of the playlist exactly once. Answers whether
/// the order changed.
async fn set_order(
    tx: &mut Transaction<'_, Sqlite>,
    id: PlaylistId,
    items: &[PlaylistItemId],
) -> AppResult<bool> {
    let current = current_order(tx, id).await?;
    if current == items {
        return Ok(false);
    }
    let mut have = current;
    let mut wanted = items.to_vec();
    have.sort_unstable();
    wanted.sort_unstable();
    if have != wanted {
        return Err(AppError::bad_request("the new order must list every item exactly once"));
    }
    for (position, item) in items.iter().enumerate() {
        sqlx::query("UPDATE playlist_items SET position = ? WHERE id = ?")
            .bind(position as i64)
            .bind(item)
            .execute(&mut **tx)
            .await?;
    }
    Ok(true)
}

/// Moves one item to a new 0-based place, shifting the others.
pub async fn move_item(
    pool: &SqlitePool,
    caller: &Account,
    id: PlaylistId,
    item: PlaylistItemId,
    to: usize,
    expected: Option<i64>,
) -> AppResult<PlaylistDetail> {
    let mut tx = begin_change(pool, caller, id, expected).await?;
    let mut order = current_order(&mut tx, id).await?;
    let from = order.iter().position(|i| *i == item).ok_or(AppError::NotFound)?;
    let moved = order.remove(from);
    order.insert(to.min(order.len()), moved);
    if set_order(&mut tx, id, &order).await? {
        finish_change(tx, id).await?;
    } else {
        tx.rollback().await?;
    }
    get_playlist(pool, caller, id).await
}

async fn renumber(tx: &mut Transaction<'_, Sqlite>, id: PlaylistId) -> AppResult<()> {
    sqlx::query(
        "UPDATE playlist_items SET position = (
             SELECT COUNT(*) FROM playlist_items AS o
             WHERE o.playlist_id = playlist_items.playlist_id
               AND (o.position < playlist_items.position
                    OR (o.position = playlist_items.position AND o.id < playlist_items.id)))
         WHERE playlist_id = ?",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
