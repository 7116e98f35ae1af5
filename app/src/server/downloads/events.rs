//! Live job changes: the worker and the queue actions publish a job's row whenever its status
//! or progress changes; the SSE routes forward them. Nobody listening is normal, not an error.

use sqlx::SqlitePool;

use super::{queue, Downloads, Job};

/// How many changes a slow listener may fall behind before it misses some (it then reloads).
pub const CAPACITY: usize = 256;

/// Sends `job` to every listener.
pub fn publish(hub: &Downloads, job: Job) {
    // An error only means nobody listens right now.
    let _ = hub.events().send(job);
}

/// Reads job `id` and publishes it; a vanished job is skipped.
pub async fn publish_id(pool: &SqlitePool, hub: &Downloads, id: i64) {
    match queue::get(pool, id).await {
        Ok(job) => publish(hub, job),
        Err(e) => tracing::debug!(job = id, error = %e, "no event for a job that cannot be read"),
    }
}
