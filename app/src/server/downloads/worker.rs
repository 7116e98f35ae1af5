//! The download worker: claims jobs up to the configured concurrency, runs each (probe, expand
//! a playlist or download one item, then file it into MEDIA_ROOT and the library), and stops
//! cleanly on shutdown. A failure leaves no file in MEDIA_ROOT and no half-written row.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use sha2::{Digest, Sha256};
use tokio::{sync::watch, task::JoinSet};

use super::{
    audio_format, concurrency, events, job_dir, names, queue, remote, temp_root,
    ytdlp::{self, Failure, Probe},
    Job,
};
use crate::server::{config::Config, indexer, library, tags, AppResult, AppState};

/// The longest an idle worker sleeps before looking at the queue again.
const IDLE_POLL: Duration = Duration::from_secs(30);
/// Progress is written to the database at most this often per job.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// A running worker. Dropping it without `shutdown` leaves it running.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    /// Stops the worker: running processes are killed, their jobs go back to the queue.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Ends the worker abruptly, as a crash would: no clean-up runs.
    pub async fn abort(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Checks the tools, recovers from an earlier crash, and starts the worker loop.
pub async fn start(state: &AppState) -> WorkerHandle {
    let status = ytdlp::check_tools(&state.config.ytdlp_path, &state.config.ffmpeg_path).await;
    state.downloads.set_tools(status);
    match recover(&state.pool, &state.config).await {
        Ok(ids) if !ids.is_empty() => {
            tracing::info!(jobs = ?ids, "downloads interrupted by a restart are queued again");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "cannot recover interrupted downloads"),
    }
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(run_loop(state.clone(), stopped));
    WorkerHandle { stop, task }
}

/// Jobs left `running` go back to `queued`; every download temp folder is removed.
pub async fn recover(pool: &sqlx::SqlitePool, config: &Config) -> AppResult<Vec<i64>> {
    let ids = queue::requeue_running(pool).await?;
    match tokio::fs::remove_dir_all(temp_root(config)).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    Ok(ids)
}

async fn run_loop(state: AppState, mut stopped: watch::Receiver<bool>) {
    let mut tasks = JoinSet::new();
    while !*stopped.borrow() {
        let limit = concurrency(&state.pool).await.unwrap_or(2);
        while tasks.len() < limit {
            match queue::claim(&state.pool).await {
                Ok(Some(job)) => {
                    tasks.spawn(run_job(state.clone(), job));
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "cannot claim a download job");
                    break;
                }
            }
        }
        let pause = if tasks.len() >= limit { IDLE_POLL } else { until_due(&state).await };
        tokio::select! {
            _ = state.downloads.wake.notified() => {}
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = tokio::time::sleep(pause) => {}
            _ = stopped.changed() => {}
        }
    }
    // Aborting the tasks drops their processes (kill_on_drop); their jobs are queued again.
    tasks.shutdown().await;
    if let Err(e) = recover(&state.pool, &state.config).await {
        tracing::error!(error = %e, "cannot put interrupted downloads back in the queue");
    }
}

/// How long until the next queued job may run.
async fn until_due(state: &AppState) -> Duration {
    match queue::next_due(&state.pool).await {
        Ok(Some(due)) => {
            let wait = due.saturating_sub(crate::server::db::now()).max(1);
            Duration::from_secs(u64::try_from(wait).unwrap_or(1)).min(IDLE_POLL)
        }
        _ => IDLE_POLL,
    }
}

async fn run_job(state: AppState, job: Job) {
    let mut cancelled = state.downloads.track_running(job.id);
    events::publish(&state.downloads, job.clone());
    let dir = job_dir(&state.config, job.id);
    let outcome = tokio::select! {
        result = process(&state, &job, &dir) => Some(result),
        _ = cancelled.wait_for(|c| *c) => None,
    };
    remove_dir(&dir).await;
    state.downloads.untrack(job.id);
    match outcome {
        None => tracing::info!(job = job.id, "download cancelled"),
        Some(Ok(())) => {}
        Some(Err(failure)) => {
            tracing::warn!(job = job.id, error = %failure.message, "download failed");
            if let Err(e) =
                queue::fail(&state.pool, &job, &failure.message, failure.permanent).await
            {
                tracing::error!(job = job.id, error = %e, "cannot record a failed download");
            }
        }
    }
    events::publish_id(&state.pool, &state.downloads, job.id).await;
    remote::job_finished(&state, job.id).await;
}

async fn remove_dir(dir: &Path) {
    if let Err(e) = tokio::fs::remove_dir_all(dir).await {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot remove a download temp folder");
        }
    }
}

/// One job from probe to library.
async fn process(state: &AppState, job: &Job, dir: &Path) -> Result<(), Failure> {
    let probe = ytdlp::probe(&state.config.ytdlp_path, &job.url).await?;
    if probe.is_playlist() {
        return expand(state, job, &probe).await;
    }
    let extractor = probe.extractor.as_deref().unwrap_or("generic").to_lowercase();
    let remote_id = identity(&extractor, &probe, &job.url);
    let title =
        job.title.clone().or_else(|| probe.title.clone()).unwrap_or_else(|| remote_id.clone());
    let pool = &state.pool;

    if let Some(track) =
        queue::find_track(pool, &extractor, &remote_id).await.map_err(Failure::internal)?
    {
        queue::complete_with(pool, job.id, track).await.map_err(Failure::internal)?;
        return Ok(());
    }
    if let Err(other) = queue::set_identity(pool, job.id, &extractor, &remote_id, &title)
        .await
        .map_err(Failure::internal)?
    {
        queue::merge_into(pool, job, &other).await.map_err(Failure::internal)?;
        state.downloads.notify();
        return Ok(());
    }

    remove_dir(dir).await;
    tokio::fs::create_dir_all(dir).await.map_err(Failure::internal)?;
    let file = download(state, job, &probe, dir).await?;
    let item = Item { extractor: &extractor, remote_id: &remote_id, title: &title, probe: &probe };
    file_into_library(state, job, &item, &file).await
}

/// Identity of an item: yt-dlp's id, except for the generic extractor, whose ids (file names,
/// feed GUIDs) are not unique across sites, so the URL itself is used.
fn identity(extractor: &str, probe: &Probe, url: &str) -> String {
    match (&probe.id, extractor) {
        (Some(id), e) if e != "generic" => id.clone(),
        _ => url.split('#').next().unwrap_or(url).to_owned(),
    }
}

/// A playlist or feed becomes one child job per entry.
async fn expand(state: &AppState, job: &Job, probe: &Probe) -> Result<(), Failure> {
    let items: Vec<queue::ChildItem> = probe
        .entries
        .iter()
        .flatten()
        .filter_map(|entry| {
            let url = entry.url.clone()?;
            let identity = match (&entry.ie_key, &entry.id) {
                (Some(key), Some(id)) if !key.eq_ignore_ascii_case("generic") => {
                    Some((key.to_lowercase(), id.clone()))
                }
                _ => None,
            };
            Some(queue::ChildItem { url, title: entry.title.clone(), identity })
        })
        .collect();
    queue::expand(&state.pool, job, probe.title.as_deref(), &items)
        .await
        .map_err(Failure::internal)?;
    state.downloads.notify();
    Ok(())
}

/// Runs yt-dlp while a second future writes progress at most twice a second.
async fn download(
    state: &AppState,
    job: &Job,
    probe: &Probe,
    dir: &Path,
) -> Result<PathBuf, Failure> {
    let format = audio_format(&state.pool).await.map_err(Failure::internal)?;
    let spec = ytdlp::DownloadSpec {
        ytdlp: &state.config.ytdlp_path,
        ffmpeg: ytdlp::resolve_program(&state.config.ffmpeg_path),
        url: &job.url,
        dir,
        audio_format: format,
        source_ext: probe.ext.as_deref(),
    };
    let (sender, mut receiver) = watch::channel(None);
    let run = ytdlp::download(&spec, move |p| {
        let _ = sender.send(Some(p));
    });
    // Writes at most every PROGRESS_EVERY and ends as soon as yt-dlp does (no trailing sleep).
    let writer = async {
        let mut last_write: Option<std::time::Instant> = None;
        while receiver.changed().await.is_ok() {
            let latest = *receiver.borrow_and_update();
            if last_write.is_some_and(|at| at.elapsed() < PROGRESS_EVERY) {
                continue;
            }
            if let Some(p) = latest {
                let _ = queue::set_progress(&state.pool, job.id, p.done, p.total, p.percent).await;
                events::publish_id(&state.pool, &state.downloads, job.id).await;
                last_write = Some(std::time::Instant::now());
            }
        }
    };
    let (result, ()) = tokio::join!(run, writer);
    result
}

struct Item<'a> {
    extractor: &'a str,
    remote_id: &'a str,
    title: &'a str,
    probe: &'a Probe,
}

/// Reads the file, moves it into MEDIA_ROOT and writes the rows in one transaction; any
/// failure after the move removes the moved file again.
async fn file_into_library(
    state: &AppState,
    job: &Job,
    item: &Item<'_>,
    file: &Path,
) -> Result<(), Failure> {
    let read_path = file.to_path_buf();
    let mut info = tokio::task::spawn_blocking(move || tags::read_audio(&read_path))
        .await
        .map_err(Failure::internal)?
        .map_err(|e| {
            Failure::permanent(format!("the downloaded file is not playable audio: {e}"))
        })?;
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("audio").to_lowercase();
    let rel = destination(item, &ext);
    if queue::path_taken(&state.pool, &rel).await.map_err(Failure::internal)? {
        return Err(Failure::permanent(format!("another track already uses the file name {rel}")));
    }
    let media_root = state.config.media_root.clone();
    let dest = media_root.join(&rel);

    // A scan must not index the file between the move and our insert.
    let _no_scan = state.scan_lock.lock().await;
    let (from, to) = (file.to_path_buf(), dest.clone());
    tokio::task::spawn_blocking(move || move_file(&from, &to))
        .await
        .map_err(Failure::internal)?
        .map_err(|e| Failure::internal(format!("cannot move the download into MEDIA_ROOT: {e}")))?;

    let artwork_dir = state.config.artwork_dir();
    let artwork =
        info.artwork.take().and_then(|art| indexer::save_artwork(&artwork_dir, &art).ok());
    let artist = if info.artist.is_empty() {
        item.probe.uploader.clone().or_else(|| item.probe.channel.clone()).unwrap_or_default()
    } else {
        info.artist.clone()
    };
    let written = match library::candidate(&media_root, &dest, &rel) {
        Ok(candidate) => {
            let track = indexer::NewTrack {
                file: &candidate,
                info: &info,
                title: item.title,
                artist: &artist,
                artwork,
                source: item.extractor,
                remote_id: Some(item.remote_id),
            };
            queue::complete_with_new_track(&state.pool, job.id, &track)
                .await
                .map_err(Failure::internal)
        }
        Err(reason) => Err(Failure::internal(reason)),
    };
    match written {
        Ok(Some(_)) => Ok(()),
        // Cancelled while filing: the job stays cancelled and leaves nothing behind.
        Ok(None) => {
            let _ = std::fs::remove_file(&dest);
            Ok(())
        }
        Err(failure) => {
            let _ = std::fs::remove_file(&dest);
            Err(failure)
        }
    }
}

/// `downloads/<uploader or extractor>/<title> [<id>].<ext>`, relative to MEDIA_ROOT.
fn destination(item: &Item<'_>, ext: &str) -> String {
    let probe = item.probe;
    let folder_source =
        probe.uploader.as_deref().or(probe.channel.as_deref()).unwrap_or(item.extractor);
    let folder = names::sanitize(folder_source, 100);
    let id = match (&probe.id, item.extractor) {
        (Some(id), "generic") => format!("{id}-{}", short_hash(item.remote_id)),
        (Some(id), _) => id.clone(),
        (None, _) => short_hash(item.remote_id),
    };
    format!("downloads/{folder}/{}", names::file_name(item.title, &id, ext))
}

fn short_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..4])
}

/// Renames `from` to `to`; across file systems, copies to a hidden temporary name beside `to`
/// first, so `to` never exists half-written. Blocking.
fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = to.with_file_name(format!(".{name}.{}.part", std::process::id()));
    let copied = std::fs::copy(from, &temp).and_then(|_| std::fs::File::open(&temp)?.sync_all());
    if let Err(e) = copied.and_then(|()| std::fs::rename(&temp, to)) {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::remove_file(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_items_are_identified_by_url_and_named_with_a_hash() {
        let probe =
            Probe { id: Some("a".into()), extractor: Some("generic".into()), ..Probe::default() };
        let id = identity("generic", &probe, "http://h/a.mp3#__youtubedl_smuggle=x");
        assert_eq!(id, "http://h/a.mp3");
        let item =
            Item { extractor: "generic", remote_id: &id, title: "AC/DC: a/b*c?", probe: &probe };
        let rel = destination(&item, "mp3");
        assert!(rel.starts_with("downloads/generic/AC_DC_ a_b_c_ [a-"), "{rel}");
        assert!(rel.ends_with("].mp3"));
    }

    #[test]
    fn site_ids_are_kept_and_the_uploader_names_the_folder() {
        let probe = Probe {
            id: Some("dQw4w9WgXcQ".into()),
            uploader: Some("Some/One".into()),
            ..Probe::default()
        };
        assert_eq!(identity("youtube", &probe, "https://x/watch"), "dQw4w9WgXcQ");
        let item =
            Item { extractor: "youtube", remote_id: "dQw4w9WgXcQ", title: "Song", probe: &probe };
        assert_eq!(destination(&item, "opus"), "downloads/Some_One/Song [dQw4w9WgXcQ].opus");
    }

    #[test]
    fn moving_replaces_nothing_half_written() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("a.bin");
        std::fs::write(&from, b"abc").unwrap();
        let to = dir.path().join("x/y/b.bin");
        move_file(&from, &to).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"abc");
        assert!(!from.exists());
    }
}
