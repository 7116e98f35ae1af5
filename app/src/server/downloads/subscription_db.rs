//! Every SQL statement of subscriptions (followed channels and remote playlists) and of the
//! `tasks` rows their syncs leave behind.

use sqlx::{FromRow, SqlitePool};

use crate::{
    downloads_model::Subscription,
    model::{PlaylistId, UserId},
    server::{db::now, AppError, AppResult},
};

const SELECT: &str = "SELECT s.id, s.url, s.kind, s.title, s.playlist_id, s.auto_download,
         s.sync_depth, s.last_sync_at, s.last_sync_status, s.last_sync_error, s.created_at,
         (SELECT COUNT(*) FROM remote_items r WHERE r.playlist_id = s.playlist_id) AS items,
         (SELECT COUNT(*) FROM remote_items r WHERE r.playlist_id = s.playlist_id
             AND r.playlist_item_id IS NOT NULL) AS downloaded,
         (SELECT COUNT(*) FROM remote_items r WHERE r.playlist_id = s.playlist_id
             AND r.gone_upstream = 1) AS gone
     FROM subscriptions s";

#[derive(FromRow)]
struct Row {
    id: i64,
    url: String,
    kind: String,
    title: String,
    playlist_id: Option<PlaylistId>,
    auto_download: bool,
    sync_depth: i64,
    last_sync_at: Option<i64>,
    last_sync_status: String,
    last_sync_error: Option<String>,
    created_at: i64,
    items: i64,
    downloaded: i64,
    gone: i64,
}

impl From<Row> for Subscription {
    fn from(r: Row) -> Self {
        Subscription {
            id: r.id,
            url: r.url,
            kind: r.kind,
            title: r.title,
            playlist_id: r.playlist_id,
            auto_download: r.auto_download,
            sync_depth: r.sync_depth,
            last_sync_at: r.last_sync_at,
            last_sync_status: r.last_sync_status,
            last_sync_error: r.last_sync_error,
            created_at: r.created_at,
            items: r.items,
            downloaded: r.downloaded,
            gone: r.gone,
        }
    }
}

/// A new subscription; a URL already followed is a conflict.
pub struct NewSubscription<'a> {
    pub url: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub created_by: UserId,
    pub auto_download: bool,
    pub sync_depth: i64,
}

pub async fn insert_subscription(pool: &SqlitePool, new: &NewSubscription<'_>) -> AppResult<i64> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO subscriptions (url, kind, title, created_by, auto_download, sync_depth,
             created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING RETURNING id",
    )
    .bind(new.url)
    .bind(new.kind)
    .bind(new.title)
    .bind(new.created_by)
    .bind(new.auto_download)
    .bind(new.sync_depth)
    .bind(now())
    .fetch_optional(pool)
    .await?;
    inserted.ok_or_else(|| AppError::Conflict("this URL is already subscribed".into()))
}

pub async fn get_subscription(pool: &SqlitePool, id: i64) -> AppResult<Subscription> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE s.id = ?")).bind(id).fetch_optional(pool).await?;
    row.map(Subscription::from).ok_or(AppError::NotFound)
}

pub async fn list_subscriptions(pool: &SqlitePool) -> AppResult<Vec<Subscription>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY s.title COLLATE NOCASE, s.id"))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Subscription::from).collect())
}

/// Changes the given fields; `None` keeps a field.
pub async fn update_subscription(
    pool: &SqlitePool,
    id: i64,
    title: Option<&str>,
    auto_download: Option<bool>,
    sync_depth: Option<i64>,
) -> AppResult<()> {
    let updated = sqlx::query(
        "UPDATE subscriptions SET title = COALESCE(?, title),
             auto_download = COALESCE(?, auto_download), sync_depth = COALESCE(?, sync_depth)
         WHERE id = ?",
    )
    .bind(title)
    .bind(auto_download)
    .bind(sync_depth)
    .bind(id)
    .execute(pool)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Forgets the subscription; its playlist and tracks stay.
pub async fn delete_subscription(pool: &SqlitePool, id: i64) -> AppResult<()> {
    let deleted =
        sqlx::query("DELETE FROM subscriptions WHERE id = ?").bind(id).execute(pool).await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The admin a subscription's playlist and downloads belong to.
pub async fn find_owner(pool: &SqlitePool, id: i64) -> AppResult<Option<UserId>> {
    Ok(sqlx::query_scalar("SELECT created_by FROM subscriptions WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .flatten())
}

pub async fn set_playlist(pool: &SqlitePool, id: i64, playlist: PlaylistId) -> AppResult<()> {
    sqlx::query("UPDATE subscriptions SET playlist_id = ? WHERE id = ?")
        .bind(playlist)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks a sync as running; `false` when another sync of it already runs.
pub async fn begin_sync(pool: &SqlitePool, id: i64) -> AppResult<bool> {
    let updated = sqlx::query(
        "UPDATE subscriptions SET last_sync_status = 'running'
         WHERE id = ? AND last_sync_status <> 'running'",
    )
    .bind(id)
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Records how a sync ended (`ok` or `failed`).
pub async fn end_sync(
    pool: &SqlitePool,
    id: i64,
    status: &str,
    error: Option<&str>,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE subscriptions SET last_sync_status = ?, last_sync_error = ?, last_sync_at = ?
         WHERE id = ?",
    )
    .bind(status)
    .bind(error)
    .bind(now())
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Subscriptions never synced, or last synced `interval` seconds ago or earlier.
pub async fn list_due(pool: &SqlitePool, interval: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM subscriptions WHERE last_sync_status <> 'running'
           AND (last_sync_at IS NULL OR last_sync_at + ? <= ?) ORDER BY id",
    )
    .bind(interval)
    .bind(now())
    .fetch_all(pool)
    .await?)
}

/// After a restart no sync is running, whatever the table says.
pub async fn reset_running(pool: &SqlitePool) -> AppResult<()> {
    sqlx::query(
        "UPDATE subscriptions SET last_sync_status = 'failed',
             last_sync_error = 'interrupted by a restart' WHERE last_sync_status = 'running'",
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn insert_task(pool: &SqlitePool, kind: &str, detail: &str) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tasks (kind, state, detail, started_at) VALUES (?, 'running', ?, ?)
         RETURNING id",
    )
    .bind(kind)
    .bind(detail)
    .bind(now())
    .fetch_one(pool)
    .await?)
}

pub async fn finish_task(pool: &SqlitePool, id: i64, state: &str, detail: &str) -> AppResult<()> {
    sqlx::query("UPDATE tasks SET state = ?, detail = ?, finished_at = ? WHERE id = ?")
        .bind(state)
        .bind(detail)
        .bind(now())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
