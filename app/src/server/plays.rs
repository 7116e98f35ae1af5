//! Plays reported by browsers, one batch at a time: each play counts once by its client UUID,
//! each batch's cache counters count once by the batch's UUID, and admins read the totals.

use super::db;
use sqlx::SqlitePool;

use super::{
    db::now,
    error::{AppError, AppResult},
};
use crate::{
    api::offline::{is_uuid, BatchOutcome, OfflineStats, PlayBatch, PlayReport, MAX_PLAY_SECONDS},
    model::Account,
};

/// More plays than this in one batch is not a real offline queue.
pub const MAX_BATCH: usize = 1000;
/// Cache counters above this in one batch are not real either; bounded so that the totals an
/// admin reads can never overflow.
pub const MAX_COUNTER: i64 = 1_000_000;
fn validate(batch: &PlayBatch) -> AppResult<()> {
    if !is_uuid(&batch.client_id) {
        return Err(AppError::bad_request("client_id must be a UUID"));
    }
    if batch.plays.len() > MAX_BATCH {
        return Err(AppError::bad_request(format!("at most {MAX_BATCH} plays per batch")));
    }
    let counter_ok = |n: i64| (0..=MAX_COUNTER).contains(&n);
    if !counter_ok(batch.cache_hits) || !counter_ok(batch.cache_misses) {
        return Err(AppError::bad_request(format!(
            "cache counters must be between 0 and {MAX_COUNTER}"
        )));
    }
    if let Some(bad) = batch.plays.iter().find(|p| !p.is_well_formed()) {
        return Err(AppError::bad_request(format!(
            "play {} is not valid: each play needs a UUID, a time after 1970 and 0 to \
             {MAX_PLAY_SECONDS} seconds",
            bad.client_id
        )));
    }
    Ok(())
}

/// Records a batch for `caller`. Plays of tracks outside the caller's library are rejected
/// (and reported as such); replays of plays or batches already received change nothing.
pub async fn record_batch(
    pool: &SqlitePool,
    caller: &Account,
    batch: &PlayBatch,
) -> AppResult<BatchOutcome> {
    validate(batch)?;
    let received = now();
    let mut tx = db::begin_write(pool).await?;
    let mut outcome = BatchOutcome::default();
    for play in &batch.plays {
        match insert_play(&mut tx, caller, play, received).await? {
            Inserted::New => outcome.accepted += 1,
            Inserted::Duplicate => outcome.duplicates += 1,
            Inserted::NotInLibrary => outcome.rejected += 1,
        }
    }
    let counted = sqlx::query(
        "INSERT INTO play_batches (user_id, client_id, cache_hits, cache_misses, received_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING",
    )
    .bind(caller.id)
    .bind(batch.client_id.to_ascii_lowercase())
    .bind(batch.cache_hits)
    .bind(batch.cache_misses)
    .bind(received)
    .execute(&mut *tx)
    .await?;
    outcome.batch_was_new = counted.rows_affected() == 1;
    tx.commit().await?;
    Ok(outcome)
}

enum Inserted {
    New,
    Duplicate,
    NotInLibrary,
}

async fn insert_play(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    caller: &Account,
    play: &PlayReport,
    received: i64,
) -> AppResult<Inserted> {
    let in_library: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM library_entries WHERE user_id = ? AND track_id = ?")
            .bind(caller.id)
            .bind(play.track_id)
            .fetch_optional(&mut **tx)
            .await?;
    if in_library.is_none() {
        return Ok(Inserted::NotInLibrary);
    }
    // A play from the future is a wrong clock: file it under the time it arrived.
    let played_at = play.played_at.min(received);
    let inserted = sqlx::query(
        "INSERT INTO plays (user_id, track_id, client_id, played_at, seconds, offline, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING",
    )
    .bind(caller.id)
    .bind(play.track_id)
    .bind(play.client_id.to_ascii_lowercase())
    .bind(played_at)
    .bind(play.seconds.max(0))
    .bind(play.offline)
    .bind(received)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(Inserted::Duplicate);
    }
    sqlx::query(
        "UPDATE library_entries SET play_count = play_count + 1,
         last_played_at = MAX(COALESCE(last_played_at, 0), ?) WHERE user_id = ? AND track_id = ?",
    )
    .bind(played_at)
    .bind(caller.id)
    .bind(play.track_id)
    .execute(&mut **tx)
    .await?;
    Ok(Inserted::New)
}

/// Totals over every user, for the admin page.
pub async fn totals(pool: &SqlitePool) -> AppResult<OfflineStats> {
    let (plays, offline_plays, listeners): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(offline), 0), COUNT(DISTINCT user_id) FROM plays",
    )
    .fetch_one(pool)
    .await?;
    let (cache_hits, cache_misses, batches): (i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(cache_hits), 0), COALESCE(SUM(cache_misses), 0), COUNT(*)
         FROM play_batches",
    )
    .fetch_one(pool)
    .await?;
    Ok(OfflineStats { plays, offline_plays, listeners, cache_hits, cache_misses, batches })
}
