//! Every SQL statement of the download queue: adding jobs, claiming them atomically, progress,
//! completion with the track and library rows, failures with backoff, cancel, retry, clearing,
//! and crash recovery.

use crate::server::db;
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::names::truncate_bytes;
use crate::{
    model::{TrackId, UserId},
    server::{
        db::now,
        error::{AppError, AppResult},
        indexer::{self, NewTrack},
    },
};

/// Seconds to wait before attempt 2, 3, 4…: 30 s, 2 min, 10 min, then hourly.
pub const BACKOFF: &[i64] = &[30, 120, 600, 3600];

/// The longest URL we accept.
const MAX_URL_BYTES: usize = 4096;

const JOB_COLUMNS: &str = "id, kind, url, requester, status, extractor, remote_id, parent_id, \
     position, title, attempts, max_attempts, retry_at, last_error, bytes_done, bytes_total, \
     percent, track_id, duplicate_of, created_at, started_at, finished_at";

/// One row of `download_jobs`, as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    /// `track`, `playlist` or `channel_sync`.
    pub kind: String,
    pub url: String,
    pub requester: Option<UserId>,
    /// `queued`, `running`, `completed`, `failed` or `cancelled`.
    pub status: String,
    pub extractor: Option<String>,
    pub remote_id: Option<String>,
    pub parent_id: Option<i64>,
    pub position: Option<i64>,
    pub title: Option<String>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub retry_at: i64,
    pub last_error: Option<String>,
    pub bytes_done: i64,
    pub bytes_total: Option<i64>,
    pub percent: Option<f64>,
    pub track_id: Option<TrackId>,
    pub duplicate_of: Option<i64>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

pub const STATUSES: &[&str] = &["queued", "running", "completed", "failed", "cancelled"];

/// Checks that `url` is an http(s) URL with a host; the message says what is wrong.
pub fn validate_url(url: &str) -> AppResult<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| {
            AppError::bad_request(format!(
                "only http and https URLs can be downloaded, not `{}`",
                truncate_bytes(url, 80)
            ))
        })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') || host.starts_with('@') {
        return Err(AppError::bad_request("the URL has no host name"));
    }
    if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::bad_request("the URL is too long or contains spaces"));
    }
    Ok(url.to_owned())
}

/// Queues `urls` for `requester`. All URLs are checked first: one bad URL adds nothing. A URL
/// already in the queue gains the requester instead of a second job.
pub async fn enqueue(pool: &SqlitePool, requester: UserId, urls: &[String]) -> AppResult<Vec<Job>> {
    if urls.is_empty() {
        return Err(AppError::bad_request("give at least one URL"));
    }
    let urls = urls.iter().map(|u| validate_url(u)).collect::<AppResult<Vec<_>>>()?;
    let mut tx = db::begin_write(pool).await?;
    let mut jobs = Vec::with_capacity(urls.len());
    for url in urls {
        let job = add_or_join(&mut tx, &url, None, None, None, &[requester]).await?;
        jobs.push(job);
    }
    tx.commit().await?;
    Ok(jobs)
}

/// Queues playlist items for `requester` (a playlist download or a subscription), in order. An
/// item already in the queue is joined, a failed one is revived, a finished one is reused.
pub async fn enqueue_items(
    pool: &SqlitePool,
    requester: UserId,
    items: &[ChildItem],
) -> AppResult<Vec<Job>> {
    let mut tx = db::begin_write(pool).await?;
    let mut jobs = Vec::with_capacity(items.len());
    for item in items {
        let url = validate_url(&item.url)?;
        let job = add_or_join(
            &mut tx,
            &url,
            item.title.as_deref(),
            item.identity.as_ref(),
            None,
            &[requester],
        )
        .await?;
        jobs.push(job);
    }
    tx.commit().await?;
    Ok(jobs)
}

/// One entry of a playlist being expanded.
#[derive(Clone, Debug)]
pub struct ChildItem {
    pub url: String,
    pub title: Option<String>,
    /// `(extractor, remote id)` when the playlist already says.
    pub identity: Option<(String, String)>,
}

/// Adds one child job per playlist entry (or joins an existing job for the same item), and
/// completes the parent, in one transaction.
pub async fn expand(
    pool: &SqlitePool,
    parent: &Job,
    title: Option<&str>,
    items: &[ChildItem],
) -> AppResult<usize> {
    let mut tx = db::begin_write(pool).await?;
    let requesters: Vec<UserId> =
        sqlx::query_scalar("SELECT user_id FROM download_requests WHERE job_id = ?")
            .bind(parent.id)
            .fetch_all(&mut *tx)
            .await?;
    for (position, item) in items.iter().enumerate() {
        if validate_url(&item.url).is_err() {
            continue;
        }
        let placed = Some((parent.id, position as i64));
        add_or_join(
            &mut tx,
            &item.url,
            item.title.as_deref(),
            item.identity.as_ref(),
            placed,
            &requesters,
        )
        .await?;
    }
    sqlx::query(
        "UPDATE download_jobs SET kind = 'playlist', status = 'completed', title = COALESCE(?, title),
             finished_at = ?, last_error = NULL WHERE id = ?",
    )
    .bind(title)
    .bind(now())
    .bind(parent.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(items.len())
}

/// Finds the job for the same item (by identity, else by URL) or inserts a new one, and records
/// the requesters on it.
async fn add_or_join(
    tx: &mut Transaction<'_, Sqlite>,
    url: &str,
    title: Option<&str>,
    identity: Option<&(String, String)>,
    placed: Option<(i64, i64)>,
    requesters: &[UserId],
) -> AppResult<Job> {
    let existing = match identity {
        Some((extractor, remote_id)) => find_by_identity(&mut **tx, extractor, remote_id).await?,
        None => None,
    };
    let existing = match existing {
        Some(job) => Some(job),
        None => {
            sqlx::query_as::<_, Job>(&format!(
                "SELECT {JOB_COLUMNS} FROM download_jobs WHERE url = ? ORDER BY id LIMIT 1"
            ))
            .bind(url)
            .fetch_optional(&mut **tx)
            .await?
        }
    };
    let job_id = match existing {
        Some(job) => {
            reopen_if_finished(tx, &job).await?;
            job.id
        }
        None => {
            let (extractor, remote_id) = identity.cloned().unzip();
            sqlx::query_scalar(
                "INSERT INTO download_jobs (kind, url, requester, extractor, remote_id, parent_id,
                     position, title, created_at)
                 VALUES ('track', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(url)
            .bind(requesters.first())
            .bind(extractor)
            .bind(remote_id)
            .bind(placed.map(|p| p.0))
            .bind(placed.map(|p| p.1))
            .bind(title)
            .bind(now())
            .fetch_one(&mut **tx)
            .await?
        }
    };
    for user in requesters {
        add_request(tx, job_id, *user).await?;
    }
    fetch(&mut **tx, job_id).await?.ok_or(AppError::NotFound)
}

/// A repeated request revives a failed or cancelled job and re-syncs a finished playlist.
async fn reopen_if_finished(tx: &mut Transaction<'_, Sqlite>, job: &Job) -> AppResult<()> {
    let reopen = matches!(job.status.as_str(), "failed" | "cancelled")
        || (job.kind != "track" && job.status == "completed");
    if reopen {
        sqlx::query(
            "UPDATE download_jobs SET status = 'queued', attempts = 0, retry_at = 0,
                 last_error = NULL, finished_at = NULL WHERE id = ?",
        )
        .bind(job.id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Records that `user` asked for `job`; a finished download goes straight into their library.
async fn add_request(tx: &mut Transaction<'_, Sqlite>, job: i64, user: UserId) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO download_requests (job_id, user_id, requested_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(job)
    .bind(user)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO library_entries (user_id, track_id, added_at)
         SELECT ?, track_id, ? FROM download_jobs WHERE id = ? AND track_id IS NOT NULL
         ON CONFLICT DO NOTHING",
    )
    .bind(user)
    .bind(now())
    .bind(job)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn find_by_identity<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    extractor: &str,
    remote_id: &str,
) -> AppResult<Option<Job>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {JOB_COLUMNS} FROM download_jobs
         WHERE kind = 'track' AND extractor = ? AND remote_id = ?"
    ))
    .bind(extractor)
    .bind(remote_id)
    .fetch_optional(db)
    .await?)
}

async fn fetch<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<Option<Job>> {
    Ok(sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM download_jobs WHERE id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

pub async fn get(pool: &SqlitePool, id: i64) -> AppResult<Job> {
    fetch(pool, id).await?.ok_or(AppError::NotFound)
}

/// Jobs, newest first, optionally of one status.
pub async fn list(pool: &SqlitePool, status: Option<&str>) -> AppResult<Vec<Job>> {
    if let Some(s) = status {
        if !STATUSES.contains(&s) {
            return Err(AppError::bad_request(format!(
                "status must be one of {}",
                STATUSES.join(", ")
            )));
        }
    }
    Ok(sqlx::query_as(&format!(
        "SELECT {JOB_COLUMNS} FROM download_jobs WHERE ?1 IS NULL OR status = ?1
         ORDER BY id DESC LIMIT 1000"
    ))
    .bind(status)
    .fetch_all(pool)
    .await?)
}

/// Takes the oldest due job in one statement, so two workers never get the same one.
pub async fn claim(pool: &SqlitePool) -> AppResult<Option<Job>> {
    let at = now();
    Ok(sqlx::query_as(&format!(
        "UPDATE download_jobs
         SET status = 'running', attempts = attempts + 1, started_at = ?1, finished_at = NULL,
             bytes_done = 0, bytes_total = NULL, percent = NULL
         WHERE id = (SELECT id FROM download_jobs WHERE status = 'queued' AND retry_at <= ?1
                     ORDER BY retry_at, id LIMIT 1)
           AND status = 'queued'
         RETURNING {JOB_COLUMNS}"
    ))
    .bind(at)
    .fetch_optional(pool)
    .await?)
}

/// When the next waiting job becomes due, if any is waiting.
pub async fn next_due(pool: &SqlitePool) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT MIN(retry_at) FROM download_jobs WHERE status = 'queued'")
        .fetch_one(pool)
        .await?)
}

pub async fn set_progress(
    pool: &SqlitePool,
    id: i64,
    done: i64,
    total: Option<i64>,
    percent: Option<f64>,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE download_jobs SET bytes_done = ?, bytes_total = ?, percent = ?
         WHERE id = ? AND status = 'running'",
    )
    .bind(done)
    .bind(total)
    .bind(percent)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records what the probe learned. `Err(other)` when another job already has this identity.
pub async fn set_identity(
    pool: &SqlitePool,
    id: i64,
    extractor: &str,
    remote_id: &str,
    title: &str,
) -> AppResult<Result<(), Job>> {
    let mut tx = db::begin_write(pool).await?;
    if let Some(other) = find_by_identity(&mut *tx, extractor, remote_id).await? {
        if other.id != id {
            return Ok(Err(other));
        }
    }
    sqlx::query(
        "UPDATE download_jobs SET extractor = ?, remote_id = ?, title = COALESCE(title, ?)
         WHERE id = ?",
    )
    .bind(extractor)
    .bind(remote_id)
    .bind(title)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Hands this job's requesters to `other`, which downloads the item, and completes this one.
pub async fn merge_into(pool: &SqlitePool, job: &Job, other: &Job) -> AppResult<()> {
    let mut tx = db::begin_write(pool).await?;
    let users: Vec<UserId> =
        sqlx::query_scalar("SELECT user_id FROM download_requests WHERE job_id = ?")
            .bind(job.id)
            .fetch_all(&mut *tx)
            .await?;
    for user in users {
        add_request(&mut tx, other.id, user).await?;
    }
    reopen_if_finished(&mut tx, other).await?;
    sqlx::query(
        "UPDATE download_jobs SET status = 'completed', duplicate_of = ?, track_id = ?,
             finished_at = ?, last_error = NULL WHERE id = ? AND status = 'running'",
    )
    .bind(other.id)
    .bind(other.track_id)
    .bind(now())
    .bind(job.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The track already downloaded for this identity, if any.
pub async fn find_track(
    pool: &SqlitePool,
    extractor: &str,
    remote_id: &str,
) -> AppResult<Option<TrackId>> {
    Ok(sqlx::query_scalar("SELECT id FROM tracks WHERE source = ? AND remote_id = ?")
        .bind(extractor)
        .bind(remote_id)
        .fetch_optional(pool)
        .await?)
}

/// Whether a track row already uses `rel_path`.
pub async fn path_taken(pool: &SqlitePool, rel_path: &str) -> AppResult<bool> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tracks WHERE rel_path = ?")
        .bind(rel_path)
        .fetch_one(pool)
        .await?
        > 0)
}

/// Completes a job with an existing track: library entries for every requester.
pub async fn complete_with(pool: &SqlitePool, id: i64, track: TrackId) -> AppResult<bool> {
    let mut tx = db::begin_write(pool).await?;
    let done = finish_in(&mut tx, id, track).await?;
    tx.commit().await?;
    Ok(done)
}

async fn finish_in(tx: &mut Transaction<'_, Sqlite>, id: i64, track: TrackId) -> AppResult<bool> {
    let updated = sqlx::query(
        "UPDATE download_jobs SET status = 'completed', track_id = ?, finished_at = ?,
             last_error = NULL, percent = 100.0, bytes_done = COALESCE(bytes_total, bytes_done)
         WHERE id = ? AND status = 'running'",
    )
    .bind(track)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    // Jobs that turned out to be this item get the track too.
    sqlx::query("UPDATE download_jobs SET track_id = ? WHERE duplicate_of = ?")
        .bind(track)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO library_entries (user_id, track_id, added_at)
         SELECT user_id, ?, ? FROM download_requests WHERE job_id = ?
         ON CONFLICT DO NOTHING",
    )
    .bind(track)
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Inserts the track, the requesters' library entries and the job's completion together.
/// `Ok(None)` when the job is no longer running (cancelled meanwhile): nothing is written.
pub async fn complete_with_new_track(
    pool: &SqlitePool,
    id: i64,
    track: &NewTrack<'_>,
) -> AppResult<Option<TrackId>> {
    let mut tx = db::begin_write(pool).await?;
    let track_id = indexer::upsert_track(&mut tx, track, now()).await?;
    if !finish_in(&mut tx, id, track_id).await? {
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(track_id))
}

/// Records a failure: permanent ones and the last attempt fail the job, others wait and retry.
/// Returns the job's new status.
pub async fn fail(
    pool: &SqlitePool,
    job: &Job,
    message: &str,
    permanent: bool,
) -> AppResult<&'static str> {
    let final_failure = permanent || job.attempts >= job.max_attempts;
    let index = usize::try_from(job.attempts.max(1) - 1).unwrap_or(0).min(BACKOFF.len() - 1);
    let (status, retry_at) =
        if final_failure { ("failed", 0) } else { ("queued", now() + BACKOFF[index]) };
    sqlx::query(
        "UPDATE download_jobs SET status = ?, retry_at = ?, last_error = ?,
             finished_at = CASE WHEN ? = 'failed' THEN ? ELSE NULL END
         WHERE id = ? AND status = 'running'",
    )
    .bind(status)
    .bind(retry_at)
    .bind(message)
    .bind(status)
    .bind(now())
    .bind(job.id)
    .execute(pool)
    .await?;
    Ok(status)
}

/// Cancels a queued or running job (and the queued items of a playlist). Returns the status it
/// had, so the caller knows whether a process must be stopped.
pub async fn cancel(pool: &SqlitePool, id: i64) -> AppResult<String> {
    let mut tx = db::begin_write(pool).await?;
    let job = fetch(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    if !matches!(job.status.as_str(), "queued" | "running") {
        return Err(AppError::Conflict(format!("the job is already {}", job.status)));
    }
    sqlx::query(
        "UPDATE download_jobs SET status = 'cancelled', finished_at = ?
         WHERE (id = ? OR (parent_id = ? AND status = 'queued'))
           AND status IN ('queued', 'running')",
    )
    .bind(now())
    .bind(id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(job.status)
}

/// Puts a failed or cancelled job back in the queue with a fresh set of attempts.
pub async fn retry(pool: &SqlitePool, id: i64) -> AppResult<Job> {
    let job = get(pool, id).await?;
    if !matches!(job.status.as_str(), "failed" | "cancelled") {
        return Err(AppError::Conflict(format!(
            "only failed or cancelled jobs can be retried; this one is {}",
            job.status
        )));
    }
    sqlx::query(
        "UPDATE download_jobs SET status = 'queued', attempts = 0, retry_at = 0,
             last_error = NULL, finished_at = NULL WHERE id = ?",
    )
    .bind(id)
    .execute(pool)
    .await?;
    get(pool, id).await
}

/// Deletes finished jobs (completed, failed, cancelled). Returns how many.
pub async fn clear_finished(pool: &SqlitePool) -> AppResult<u64> {
    Ok(sqlx::query(
        "DELETE FROM download_jobs WHERE status IN ('completed', 'failed', 'cancelled')",
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// After a crash or restart: jobs left `running` go back to the queue. Returns their ids.
pub async fn requeue_running(pool: &SqlitePool) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE download_jobs SET status = 'queued', retry_at = 0, bytes_done = 0,
             bytes_total = NULL, percent = NULL
         WHERE status = 'running' RETURNING id",
    )
    .fetch_all(pool)
    .await?)
}

/// The status of one job (for a worker checking whether it was cancelled).
pub async fn status(pool: &SqlitePool, id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT status FROM download_jobs WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// One row of `tasks` (scans, later syncs and backups).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub detail: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
}

/// The most recent background tasks.
pub async fn recent_tasks(pool: &SqlitePool) -> AppResult<Vec<TaskRow>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, state, detail, started_at, finished_at FROM tasks
         ORDER BY id DESC LIMIT 100",
    )
    .fetch_all(pool)
    .await?)
}
