//! Downloads: a durable queue in SQLite (`queue`), a worker that runs yt-dlp and ffmpeg
//! (`worker`, `ytdlp`), and safe file names (`names`). `Downloads` is the part the app state
//! shares: the tool check, the wake-up signal and the cancel switches of running jobs.

pub mod events;
pub mod names;
pub mod playlist_jobs;
pub mod queue;
pub mod remote;
pub mod remote_db;
pub mod subscription_db;
pub mod subscriptions;
pub mod worker;
pub mod ytdlp;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Mutex, RwLock},
};

use serde::Serialize;
use tokio::sync::{watch, Notify};

use super::{config::Config, settings::find_setting, AppResult};
pub use queue::Job;
pub use worker::{start, WorkerHandle};
pub use ytdlp::ToolStatus;

/// The most jobs run at once, whatever the setting says.
pub const MAX_CONCURRENCY: usize = 8;

/// Shared between the worker, the REST handlers and the pages.
#[derive(Default)]
pub struct Downloads {
    /// Signalled when jobs are added or retried, so an idle worker looks at once.
    pub wake: Notify,
    /// `None` until the start-up check ran.
    tools: RwLock<Option<ToolStatus>>,
    running: Mutex<HashMap<i64, RunningJob>>,
    /// Job changes for live pages (`events`); created on first use.
    events: std::sync::OnceLock<tokio::sync::broadcast::Sender<Job>>,
    /// Wakes the subscription scheduler (a new subscription is due at once).
    pub sync_wake: Notify,
}

struct RunningJob {
    cancel: watch::Sender<bool>,
    started: std::time::Instant,
}

/// A job the worker is busy with, for `GET /api/task/`.
#[derive(Clone, Debug, Serialize)]
pub struct ActiveJob {
    pub job_id: i64,
    pub running_for_ms: u64,
}

impl Downloads {
    pub fn tools(&self) -> Option<ToolStatus> {
        self.tools.read().map(|t| t.clone()).unwrap_or(None)
    }

    pub fn set_tools(&self, status: ToolStatus) {
        if let Ok(mut tools) = self.tools.write() {
            *tools = Some(status);
        }
    }

    /// Tells the worker that there is new work.
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// Registers a running job; the receiver turns `true` when the job is cancelled.
    pub(crate) fn track_running(&self, id: i64) -> watch::Receiver<bool> {
        let (cancel, receiver) = watch::channel(false);
        if let Ok(mut running) = self.running.lock() {
            running.insert(id, RunningJob { cancel, started: std::time::Instant::now() });
        }
        receiver
    }

    pub(crate) fn untrack(&self, id: i64) {
        if let Ok(mut running) = self.running.lock() {
            running.remove(&id);
        }
    }

    /// Stops a running job's process; the worker then removes its temporary files.
    pub fn stop_running(&self, id: i64) -> bool {
        let running = self.running.lock();
        match running.ok().as_ref().and_then(|r| r.get(&id)) {
            Some(job) => job.cancel.send(true).is_ok(),
            None => false,
        }
    }

    /// The channel job changes are published on.
    pub fn events(&self) -> &tokio::sync::broadcast::Sender<Job> {
        self.events.get_or_init(|| tokio::sync::broadcast::channel(events::CAPACITY).0)
    }

    pub fn active(&self) -> Vec<ActiveJob> {
        let Ok(running) = self.running.lock() else { return Vec::new() };
        let mut jobs: Vec<ActiveJob> = running
            .iter()
            .map(|(id, job)| ActiveJob {
                job_id: *id,
                running_for_ms: u64::try_from(job.started.elapsed().as_millis()).unwrap_or(0),
            })
            .collect();
        jobs.sort_by_key(|j| j.job_id);
        jobs
    }
}

/// The folder of one job's temporary files.
pub fn job_dir(config: &Config, id: i64) -> PathBuf {
    temp_root(config).join(format!("job-{id}"))
}

/// Where all download temp folders live, inside CACHE_DIR.
pub fn temp_root(config: &Config) -> PathBuf {
    config.cache_dir.join("downloads")
}

/// How many jobs run at once (setting `download_concurrency`, default 2).
pub async fn concurrency(pool: &sqlx::SqlitePool) -> AppResult<usize> {
    let value = find_setting(pool, "download_concurrency").await?;
    Ok(value.and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(2).clamp(1, MAX_CONCURRENCY))
}

/// The audio format downloads are converted to (setting `download_format`): `None` keeps the
/// source codec (browsers play opus, m4a/aac, mp3, ogg and flac), else `mp3` or `flac`.
pub async fn audio_format(pool: &sqlx::SqlitePool) -> AppResult<Option<&'static str>> {
    Ok(match find_setting(pool, "download_format").await?.as_deref().map(str::trim) {
        Some("mp3") => Some("mp3"),
        Some("flac") => Some("flac"),
        _ => None,
    })
}

/// Queues URLs for `requester` and wakes the worker.
pub async fn add_urls(
    pool: &sqlx::SqlitePool,
    hub: &Downloads,
    requester: crate::model::UserId,
    urls: &[String],
) -> AppResult<Vec<Job>> {
    let jobs = queue::enqueue(pool, requester, urls).await?;
    hub.notify();
    for job in &jobs {
        events::publish(hub, job.clone());
    }
    Ok(jobs)
}

/// Cancels a job; a running one has its process killed and temp files removed by the worker.
pub async fn cancel(pool: &sqlx::SqlitePool, hub: &Downloads, id: i64) -> AppResult<Job> {
    let previous = queue::cancel(pool, id).await?;
    if previous == "running" {
        hub.stop_running(id);
    }
    let job = queue::get(pool, id).await?;
    events::publish(hub, job.clone());
    Ok(job)
}

/// Retries a failed or cancelled job.
pub async fn retry(pool: &sqlx::SqlitePool, hub: &Downloads, id: i64) -> AppResult<Job> {
    let job = queue::retry(pool, id).await?;
    hub.notify();
    events::publish(hub, job.clone());
    Ok(job)
}
