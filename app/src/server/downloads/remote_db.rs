//! Every SQL statement of remote playlists and playlist downloads: the mirrored upstream items
//! (`remote_items`), placing finished tracks in the local playlist in upstream order, and the
//! `playlist_downloads` rows with their per-item state read from the download queue.

use crate::server::db;
use sqlx::{FromRow, Sqlite, SqlitePool, Transaction};

use crate::{
    model::{Account, PlaylistId, TrackId, UserId},
    server::{db::now, playlists::NEXT_PLAYLIST_ID, AppError, AppResult},
};

/// One mirrored upstream item, in `sort_order`.
#[derive(Clone, Debug, FromRow)]
pub struct RemoteItemRow {
    pub id: i64,
    pub item_key: String,
    pub url: String,
    pub title: Option<String>,
    pub sort_order: i64,
    pub gone_upstream: bool,
    pub job_id: Option<i64>,
}

/// The remote playlist a re-sync or subscription works on.
#[derive(Clone, Debug, FromRow)]
pub struct RemotePlaylist {
    pub id: PlaylistId,
    pub owner_id: UserId,
    pub title: String,
    pub remote_url: Option<String>,
}

/// A new local playlist of kind `remote`, owned by `owner`.
pub async fn insert_remote_playlist(
    pool: &SqlitePool,
    owner: UserId,
    title: &str,
    url: &str,
) -> AppResult<PlaylistId> {
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO playlists (id, owner_id, title, kind, remote_url, created_at, updated_at)
         VALUES ({NEXT_PLAYLIST_ID}, ?, ?, 'remote', ?, ?, ?) RETURNING id"
    ))
    .bind(owner)
    .bind(title)
    .bind(url)
    .bind(now())
    .bind(now())
    .fetch_one(pool)
    .await?)
}

/// A remote playlist the caller owns (admins: any); others and custom playlists are 404.
pub async fn get_remote_playlist(
    pool: &SqlitePool,
    caller: &Account,
    id: PlaylistId,
) -> AppResult<RemotePlaylist> {
    let found: Option<RemotePlaylist> = sqlx::query_as(
        "SELECT id, owner_id, title, remote_url FROM playlists
         WHERE id = ? AND kind = 'remote' AND (owner_id = ? OR ?)",
    )
    .bind(id)
    .bind(caller.id)
    .bind(caller.is_admin())
    .fetch_optional(pool)
    .await?;
    found.ok_or(AppError::NotFound)
}

/// Takes the write lock at the start of a read-then-write transaction, so a concurrent one
/// waits for the busy timeout instead of failing with SQLITE_BUSY.
pub async fn lock_playlist(
    tx: &mut Transaction<'_, Sqlite>,
    playlist: PlaylistId,
) -> AppResult<()> {
    sqlx::query("UPDATE playlists SET version = version WHERE id = ?")
        .bind(playlist)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn list_remote_items<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    playlist: PlaylistId,
) -> AppResult<Vec<RemoteItemRow>> {
    Ok(sqlx::query_as(
        "SELECT id, item_key, url, title, sort_order, gone_upstream, job_id FROM remote_items
         WHERE playlist_id = ? ORDER BY sort_order, id",
    )
    .bind(playlist)
    .fetch_all(db)
    .await?)
}

/// What the merge decided for one item: where it goes and whether upstream still lists it.
pub struct PlacedItem<'a> {
    pub key: &'a str,
    pub url: &'a str,
    pub title: Option<&'a str>,
    pub gone: bool,
}

/// Writes the merged order: existing rows move and get their flag, new rows are inserted.
/// Returns the row id of every item, in order.
pub async fn write_order(
    tx: &mut Transaction<'_, Sqlite>,
    playlist: PlaylistId,
    items: &[PlacedItem<'_>],
) -> AppResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(items.len());
    for (order, item) in items.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO remote_items (playlist_id, item_key, url, title, sort_order,
                 gone_upstream, first_seen_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (playlist_id, item_key) DO UPDATE SET
                 sort_order = excluded.sort_order, gone_upstream = excluded.gone_upstream,
                 title = COALESCE(excluded.title, remote_items.title)
             RETURNING id",
        )
        .bind(playlist)
        .bind(item.key)
        .bind(item.url)
        .bind(item.title)
        .bind(order as i64)
        .bind(item.gone)
        .bind(now())
        .fetch_one(&mut **tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

pub async fn set_item_job(pool: &SqlitePool, item: i64, job: i64) -> AppResult<()> {
    sqlx::query("UPDATE remote_items SET job_id = ? WHERE id = ?")
        .bind(job)
        .bind(item)
        .execute(pool)
        .await?;
    Ok(())
}

/// Remote playlists with an item downloaded by `job` (or by a job merged into it).
pub async fn playlists_of_job(pool: &SqlitePool, job: i64) -> AppResult<Vec<PlaylistId>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT r.playlist_id FROM remote_items r JOIN download_jobs j ON j.id = r.job_id
         WHERE j.id = ?1 OR j.duplicate_of = ?1",
    )
    .bind(job)
    .fetch_all(pool)
    .await?)
}

/// Adds every downloaded but unplaced item to the local playlist, then numbers the playlist in
/// upstream order (items added by hand keep their order after the mirrored ones) and copies
/// the `gone_upstream` flags. Bumps the version when anything changed.
pub async fn place_ready(pool: &SqlitePool, playlist: PlaylistId) -> AppResult<bool> {
    let mut tx = db::begin_write(pool).await?;
    // Take the write lock first: a read-then-write transaction racing another one would fail
    // with SQLITE_BUSY instead of waiting for the busy timeout.
    sqlx::query("UPDATE playlists SET version = version WHERE id = ?")
        .bind(playlist)
        .execute(&mut *tx)
        .await?;
    let ready: Vec<(i64, TrackId)> = sqlx::query_as(
        "SELECT r.id, COALESCE(j.track_id, d.track_id) AS track FROM remote_items r
         JOIN download_jobs j ON j.id = r.job_id
         LEFT JOIN download_jobs d ON d.id = j.duplicate_of
         WHERE r.playlist_id = ? AND r.playlist_item_id IS NULL
           AND COALESCE(j.track_id, d.track_id) IS NOT NULL",
    )
    .bind(playlist)
    .fetch_all(&mut *tx)
    .await?;
    for (item, track) in &ready {
        let placed: i64 = sqlx::query_scalar(
            "INSERT INTO playlist_items (playlist_id, track_id, position, added_at)
             VALUES (?, ?, 1000000000, ?) RETURNING id",
        )
        .bind(playlist)
        .bind(track)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE remote_items SET playlist_item_id = ? WHERE id = ?")
            .bind(placed)
            .bind(item)
            .execute(&mut *tx)
            .await?;
    }
    let changed = renumber(&mut tx, playlist).await? || !ready.is_empty();
    if changed {
        sqlx::query("UPDATE playlists SET version = version + 1, updated_at = ? WHERE id = ?")
            .bind(now())
            .bind(playlist)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Positions 0.. in upstream order; returns whether any row changed.
async fn renumber(tx: &mut Transaction<'_, Sqlite>, playlist: PlaylistId) -> AppResult<bool> {
    let rows: Vec<(i64, i64, bool, Option<bool>)> = sqlx::query_as(
        "SELECT i.id, i.position, i.gone_upstream, r.gone_upstream FROM playlist_items i
         LEFT JOIN remote_items r ON r.playlist_item_id = i.id
         WHERE i.playlist_id = ?
         ORDER BY r.sort_order IS NULL, r.sort_order, i.position, i.id",
    )
    .bind(playlist)
    .fetch_all(&mut **tx)
    .await?;
    let mut changed = false;
    for (position, (id, old_position, old_gone, gone)) in rows.into_iter().enumerate() {
        let gone = gone.unwrap_or(old_gone);
        if old_position == position as i64 && old_gone == gone {
            continue;
        }
        changed = true;
        sqlx::query("UPDATE playlist_items SET position = ?, gone_upstream = ? WHERE id = ?")
            .bind(position as i64)
            .bind(gone)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(changed)
}

/// One row of `playlist_downloads`.
#[derive(Clone, Debug, FromRow)]
pub struct DownloadRow {
    pub id: i64,
    pub owner_id: UserId,
    pub playlist_id: Option<PlaylistId>,
    pub url: String,
    pub title: String,
    pub state: String,
    pub error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

const DOWNLOAD_COLUMNS: &str =
    "id, owner_id, playlist_id, url, title, state, error, created_at, finished_at";

/// Records a playlist download and the items it covers, `(remote item, upstream position)`.
pub async fn insert_download(
    pool: &SqlitePool,
    owner: UserId,
    playlist: PlaylistId,
    url: &str,
    title: &str,
    items: &[(i64, i64)],
) -> AppResult<i64> {
    let mut tx = db::begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO playlist_downloads (owner_id, playlist_id, url, title, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(owner)
    .bind(playlist)
    .bind(url)
    .bind(title)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    for (item, position) in items {
        sqlx::query(
            "INSERT INTO playlist_download_items (download_id, remote_item_id, position)
             VALUES (?, ?, ?)",
        )
        .bind(id)
        .bind(item)
        .bind(position)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A download the caller owns (admins: any); anything else is 404.
pub async fn get_download(pool: &SqlitePool, caller: &Account, id: i64) -> AppResult<DownloadRow> {
    let found: Option<DownloadRow> = sqlx::query_as(&format!(
        "SELECT {DOWNLOAD_COLUMNS} FROM playlist_downloads WHERE id = ? AND (owner_id = ? OR ?)"
    ))
    .bind(id)
    .bind(caller.id)
    .bind(caller.is_admin())
    .fetch_optional(pool)
    .await?;
    found.ok_or(AppError::NotFound)
}

/// The caller's downloads (admins: everyone's), newest first.
pub async fn list_downloads(pool: &SqlitePool, caller: &Account) -> AppResult<Vec<DownloadRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DOWNLOAD_COLUMNS} FROM playlist_downloads WHERE owner_id = ? OR ?
         ORDER BY id DESC LIMIT 200"
    ))
    .bind(caller.id)
    .bind(caller.is_admin())
    .fetch_all(pool)
    .await?)
}

/// One covered item with its download's state (a merged job reports the job it joined).
#[derive(Clone, Debug, FromRow)]
pub struct DownloadItemRow {
    pub download_id: i64,
    pub position: i64,
    pub title: Option<String>,
    pub url: String,
    pub gone_upstream: bool,
    pub placed: bool,
    pub job_id: Option<i64>,
    pub status: Option<String>,
    pub last_error: Option<String>,
    pub percent: Option<f64>,
    pub track_id: Option<TrackId>,
}

/// The items of several downloads in one query, in upstream order.
pub async fn list_download_items(
    pool: &SqlitePool,
    downloads: &[i64],
) -> AppResult<Vec<DownloadItemRow>> {
    let ids = serde_json::to_string(downloads).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(sqlx::query_as(
        "SELECT p.download_id, p.position, COALESCE(j.title, r.title) AS title, r.url,
             r.gone_upstream, r.playlist_item_id IS NOT NULL AS placed, r.job_id,
             COALESCE(d.status, j.status) AS status,
             COALESCE(d.last_error, j.last_error) AS last_error,
             COALESCE(d.percent, j.percent) AS percent,
             COALESCE(j.track_id, d.track_id) AS track_id
         FROM playlist_download_items p
         JOIN remote_items r ON r.id = p.remote_item_id
         LEFT JOIN download_jobs j ON j.id = r.job_id
         LEFT JOIN download_jobs d ON d.id = j.duplicate_of
         WHERE p.download_id IN (SELECT value FROM json_each(?))
         ORDER BY p.download_id, p.position",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?)
}

pub async fn set_download_state(
    pool: &SqlitePool,
    id: i64,
    state: &str,
    error: Option<&str>,
) -> AppResult<()> {
    sqlx::query("UPDATE playlist_downloads SET state = ?, error = ?, finished_at = ? WHERE id = ?")
        .bind(state)
        .bind(error)
        .bind(now())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Unfinished jobs of download `id` that nobody else needs: no other requester than `owner`
/// and no other active playlist download. Cancelling them harms no one.
pub async fn jobs_only_for(pool: &SqlitePool, id: i64, owner: UserId) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT j.id FROM playlist_download_items p
         JOIN remote_items r ON r.id = p.remote_item_id
         JOIN download_jobs j ON j.id = r.job_id
         WHERE p.download_id = ?1 AND j.status IN ('queued', 'running')
           AND NOT EXISTS (SELECT 1 FROM download_requests q
                           WHERE q.job_id = j.id AND q.user_id <> ?2)
           AND NOT EXISTS (SELECT 1 FROM playlist_download_items o
                           JOIN remote_items ro ON ro.id = o.remote_item_id
                           JOIN playlist_downloads od ON od.id = o.download_id
                           WHERE ro.job_id = j.id AND od.id <> ?1 AND od.state = 'active')",
    )
    .bind(id)
    .bind(owner)
    .fetch_all(pool)
    .await?)
}
