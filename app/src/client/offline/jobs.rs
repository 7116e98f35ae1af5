//! "Make available offline" and its undo. A job downloads a playlist's missing tracks, three
//! at a time, into the user's audio cache, recording per-track progress in the context's
//! signals; it can be cancelled; a second run skips tracks already cached. Running out of space
//! stops the job and removes what it added.

use std::{
    cell::{Cell, RefCell},
    collections::{HashMap, HashSet, VecDeque},
    rc::Rc,
};

use leptos::prelude::*;
use web_sys::Cache;

use super::{cache, database, idb, names, sw, OfflineError};
use crate::{
    components::offline_state::{
        JobProgress, OfflineCtx, OfflineItem, OfflinePlaylist, SyncStatus,
    },
    model::{PlaylistDetail, PlaylistId, TrackId, UserId},
};

const PARALLEL: usize = 3;

thread_local! {
    static CANCEL: RefCell<HashMap<PlaylistId, Rc<Cell<bool>>>> = RefCell::new(HashMap::new());
}

/// Asks the running job of playlist `id` to stop after its current downloads.
pub fn cancel(id: PlaylistId) {
    CANCEL.with_borrow(|m| {
        if let Some(flag) = m.get(&id) {
            flag.set(true);
        }
    });
}

/// Asks every running job to stop.
pub fn cancel_all() {
    CANCEL.with_borrow(|m| m.values().for_each(|flag| flag.set(true)));
}

fn progress(ctx: OfflineCtx, id: PlaylistId, f: impl FnOnce(&mut JobProgress)) {
    ctx.jobs.update(|jobs| f(jobs.entry(id).or_default()));
}

/// What the workers share.
struct Shared {
    ctx: OfflineCtx,
    db: Rc<::idb::Database>,
    cache: Cache,
    id: PlaylistId,
    queue: RefCell<VecDeque<OfflineItem>>,
    cancelled: Rc<Cell<bool>>,
    failure: RefCell<Option<OfflineError>>,
    added: RefCell<Vec<TrackId>>,
    failed_tracks: Cell<usize>,
    /// Bytes the whole job downloads: what must fit if it runs out of space.
    needed: f64,
    /// Tracks another playlist had cached that this job claimed: released again if it fails.
    adopted: Vec<TrackId>,
}

/// Makes `detail` available offline for `user`. Progress goes to `ctx.jobs`.
pub async fn cache_playlist(
    ctx: OfflineCtx,
    user: UserId,
    detail: PlaylistDetail,
) -> Result<(), OfflineError> {
    let id = detail.summary.id;
    let cancelled = Rc::new(Cell::new(false));
    CANCEL.with_borrow_mut(|m| m.insert(id, cancelled.clone()));
    let result = run(ctx, user, detail, cancelled).await;
    CANCEL.with_borrow_mut(|m| m.remove(&id));
    // The data went away under the job (removed in another tab): nothing to report, and
    // refreshing would reopen, and so recreate, the database.
    if ctx.user.get_untracked() != Some(user) {
        ctx.jobs.update(|jobs| {
            jobs.remove(&id);
        });
        return Err(OfflineError::Cancelled);
    }
    progress(ctx, id, |job| {
        job.running = false;
        if let Err(e) = &result {
            job.error = Some(e.to_string());
            if let OfflineError::Quota { needed } = e {
                job.needed_bytes = Some(*needed);
            }
        }
    });
    sw::audio_changed();
    super::refresh(ctx).await;
    result
}

async fn run(
    ctx: OfflineCtx,
    user: UserId,
    detail: PlaylistDetail,
    cancelled: Rc<Cell<bool>>,
) -> Result<(), OfflineError> {
    let id = detail.summary.id;
    let db = database(user).await?;
    let audio = cache::open(&names::audio_cache(user)).await?;
    let previous = idb::get_playlist(&db, id).await?;
    let record = record_from(&detail, previous.as_ref());
    idb::save_playlist(&db, &record).await?;
    ctx.jobs.update(|jobs| {
        jobs.insert(id, JobProgress { running: true, ..Default::default() });
    });

    let (missing, adopted) = adopt_cached(&db, &audio, &record).await?;
    let needed: f64 = missing.iter().map(|i| i.track.size.max(0) as f64).sum();
    if let Err(e) = check_space(&db, needed).await {
        release_tracks(&db, &audio, id, &adopted).await?;
        restore_or_remove(&db, previous, id).await?;
        return Err(e);
    }
    progress(ctx, id, |job| {
        job.total_tracks = record.items.len();
        job.done_tracks = record.items.len() - missing.len();
        job.bytes_total = needed;
        for item in &record.items {
            let done = !missing.iter().any(|m| m.track.id == item.track.id);
            job.tracks.insert(item.track.id, if done { 1.0 } else { 0.0 });
        }
    });

    let shared = Rc::new(Shared {
        ctx,
        db: db.clone(),
        cache: audio,
        id,
        queue: RefCell::new(missing.into()),
        cancelled,
        failure: RefCell::new(None),
        added: RefCell::new(Vec::new()),
        failed_tracks: Cell::new(0),
        needed,
        adopted,
    });
    futures::future::join_all((0..PARALLEL).map(|_| worker(shared.clone()))).await;
    finish(shared, record, previous).await
}

/// The record to store for `detail`, keeping what the user set on an earlier copy.
fn record_from(detail: &PlaylistDetail, previous: Option<&OfflinePlaylist>) -> OfflinePlaylist {
    let items = detail
        .items
        .iter()
        .map(|e| OfflineItem { url: e.track.stream_url(), track: e.track.clone() })
        .collect();
    OfflinePlaylist {
        id: detail.summary.id,
        title: detail.summary.title.clone(),
        items,
        version: detail.summary.version,
        cached_at: super::now_ms(),
        bytes: previous.map_or(0.0, |p| p.bytes),
        status: SyncStatus::Caching,
        pinned: previous.is_some_and(|p| p.pinned),
        last_played: previous.map_or(0.0, |p| p.last_played),
        auto_update: previous.is_some_and(|p| p.auto_update),
    }
}

/// Records that this playlist uses the tracks already cached; returns the ones to download.
async fn adopt_cached(
    db: &::idb::Database,
    audio: &Cache,
    record: &OfflinePlaylist,
) -> Result<(Vec<OfflineItem>, Vec<TrackId>), OfflineError> {
    // One read of the track index and one of the cache's keys, rather than two lookups per
    // track: the fixed cost of a job is mostly IndexedDB transactions.
    let mut known: HashMap<TrackId, idb::TrackRefs> =
        idb::all_tracks(db).await?.into_iter().map(|t| (t.id, t)).collect();
    let stored: HashSet<String> = cache::paths(audio).await?.into_iter().collect();
    let mut missing = Vec::new();
    let mut adopted = Vec::new();
    for item in &record.items {
        match known.get_mut(&item.track.id) {
            Some(refs) if stored.contains(&item.url) => {
                if !refs.playlists.contains(&record.id) {
                    refs.playlists.push(record.id);
                    adopted.push(item.track.id);
                }
            }
            _ => {
                if !missing.iter().any(|m: &OfflineItem| m.track.id == item.track.id) {
                    missing.push(item.clone());
                }
            }
        }
    }
    let claimed: Vec<&idb::TrackRefs> = adopted.iter().filter_map(|id| known.get(id)).collect();
    idb::save_tracks(db, &claimed).await?;
    Ok((missing, adopted))
}

/// Refuses a job that cannot fit: the user's limit first, then the browser's estimate.
async fn check_space(db: &::idb::Database, needed: f64) -> Result<(), OfflineError> {
    let settings = idb::load_settings(db).await?;
    if let Some(limit) = settings.limit_bytes {
        let used: f64 = idb::all_tracks(db).await?.iter().map(|t| t.bytes).sum();
        if used + needed > limit {
            return Err(OfflineError::Quota { needed: used + needed - limit });
        }
    }
    if let Some((usage, quota)) = cache::estimate().await {
        if usage + needed > quota {
            return Err(OfflineError::Quota { needed: usage + needed - quota });
        }
    }
    Ok(())
}

async fn worker(shared: Rc<Shared>) {
    loop {
        if shared.cancelled.get() || shared.failure.borrow().is_some() {
            return;
        }
        let Some(item) = shared.queue.borrow_mut().pop_front() else { return };
        let track = item.track.id;
        progress(shared.ctx, shared.id, |job| {
            job.tracks.insert(track, 0.5);
        });
        match store_track(&shared, &item).await {
            Ok(size) => progress(shared.ctx, shared.id, |job| {
                job.tracks.insert(track, 1.0);
                job.done_tracks += 1;
                job.bytes_done += size;
            }),
            Err(e) if e.is_quota() => {
                shared.failure.borrow_mut().get_or_insert(e);
            }
            Err(_) => {
                shared.failed_tracks.set(shared.failed_tracks.get() + 1);
                progress(shared.ctx, shared.id, |job| {
                    job.tracks.insert(track, 0.0);
                });
            }
        }
    }
}

async fn store_track(shared: &Shared, item: &OfflineItem) -> Result<f64, OfflineError> {
    let size = cache::fetch_into(&shared.cache, &item.url).await?;
    shared.added.borrow_mut().push(item.track.id);
    idb::claim_track(&shared.db, item.track.id, &item.url, size, shared.id).await?;
    Ok(size)
}

async fn finish(
    shared: Rc<Shared>,
    mut record: OfflinePlaylist,
    previous: Option<OfflinePlaylist>,
) -> Result<(), OfflineError> {
    let failure = shared.failure.borrow_mut().take();
    if let Some(error) = failure {
        // Out of space: take back everything this job added, downloads and claims on tracks
        // another playlist had cached, then say how much is missing.
        let mut added = shared.added.borrow().clone();
        added.extend(shared.adopted.iter().copied());
        release_tracks(&shared.db, &shared.cache, shared.id, &added).await?;
        restore_or_remove(&shared.db, previous, shared.id).await?;
        return Err(match error {
            OfflineError::Quota { .. } => {
                OfflineError::Quota { needed: shortfall(shared.needed).await }
            }
            other => other,
        });
    }
    record.bytes = playlist_bytes(&shared.db, &record).await?;
    record.status = if shared.cancelled.get() || shared.failed_tracks.get() > 0 {
        SyncStatus::Partial
    } else {
        SyncStatus::Synced
    };
    idb::save_playlist(&shared.db, &record).await?;
    if shared.cancelled.get() {
        return Err(OfflineError::Cancelled);
    }
    if shared.failed_tracks.get() > 0 {
        return Err(OfflineError::Download(
            format!("{} tracks", shared.failed_tracks.get()),
            "try again later".to_owned(),
        ));
    }
    Ok(())
}

/// How much more room a job of `needed` bytes wants than the browser has left, measured once
/// the job's partial entries are gone; the whole job's size when the estimate cannot tell
/// (it is rounded, and the browser still refused).
async fn shortfall(needed: f64) -> f64 {
    match cache::estimate().await {
        Some((usage, quota)) if usage + needed > quota => usage + needed - quota,
        _ => needed,
    }
}

async fn playlist_bytes(
    db: &::idb::Database,
    record: &OfflinePlaylist,
) -> Result<f64, OfflineError> {
    // Each track counts once, even if the playlist holds it twice.
    let wanted: HashSet<TrackId> = record.items.iter().map(|i| i.track.id).collect();
    Ok(idb::all_tracks(db)
        .await?
        .iter()
        .filter(|t| wanted.contains(&t.id) && t.playlists.contains(&record.id))
        .map(|t| t.bytes)
        .sum())
}

async fn restore_or_remove(
    db: &::idb::Database,
    previous: Option<OfflinePlaylist>,
    id: PlaylistId,
) -> Result<(), OfflineError> {
    match previous {
        Some(previous) => idb::save_playlist(db, &previous).await,
        None => idb::remove_playlist(db, id).await,
    }
}

/// Drops playlist `id`'s claim on `tracks`; a track no other offline playlist needs leaves
/// the cache.
async fn release_tracks(
    db: &::idb::Database,
    audio: &Cache,
    id: PlaylistId,
    tracks: &[TrackId],
) -> Result<(), OfflineError> {
    for track in tracks {
        let Some(mut refs) = idb::get_track(db, *track).await? else { continue };
        refs.playlists.retain(|p| *p != id);
        if refs.playlists.is_empty() {
            cache::remove(audio, &refs.url).await?;
            idb::remove_track(db, *track).await?;
        } else {
            idb::save_track(db, &refs).await?;
        }
    }
    Ok(())
}

/// Releases tracks an offline playlist no longer contains after a refresh.
pub async fn release_gone(
    ctx: OfflineCtx,
    user: UserId,
    id: PlaylistId,
    gone: &[TrackId],
) -> Result<(), OfflineError> {
    if gone.is_empty() {
        return Ok(());
    }
    let db = database(user).await?;
    let audio = cache::open(&names::audio_cache(user)).await?;
    release_tracks(&db, &audio, id, gone).await?;
    sw::audio_changed();
    super::refresh(ctx).await;
    Ok(())
}

/// Removes playlist `id` from this device, keeping tracks another offline playlist uses.
pub async fn remove_playlist_cache(
    ctx: OfflineCtx,
    user: UserId,
    id: PlaylistId,
) -> Result<(), OfflineError> {
    cancel(id);
    let db = database(user).await?;
    let audio = cache::open(&names::audio_cache(user)).await?;
    if let Some(record) = idb::get_playlist(&db, id).await? {
        let tracks: Vec<TrackId> = record.items.iter().map(|i| i.track.id).collect();
        release_tracks(&db, &audio, id, &tracks).await?;
    }
    idb::remove_playlist(&db, id).await?;
    ctx.jobs.update(|jobs| {
        jobs.remove(&id);
    });
    sw::audio_changed();
    super::refresh(ctx).await;
    Ok(())
}

/// Frees at least `needed` bytes by removing unpinned playlists, least recently played first.
/// Returns the bytes freed.
pub async fn free_space(ctx: OfflineCtx, user: UserId, needed: f64) -> Result<f64, OfflineError> {
    let db = database(user).await?;
    let before: f64 = idb::all_tracks(&db).await?.iter().map(|t| t.bytes).sum();
    let mut candidates: Vec<OfflinePlaylist> =
        idb::get_offline_playlists(&db).await?.into_iter().filter(|p| !p.pinned).collect();
    candidates.sort_by(|a, b| a.last_played.total_cmp(&b.last_played));
    for playlist in candidates {
        let now: f64 = idb::all_tracks(&db).await?.iter().map(|t| t.bytes).sum();
        if before - now >= needed {
            break;
        }
        remove_playlist_cache(ctx, user, playlist.id).await?;
    }
    let after: f64 = idb::all_tracks(&db).await?.iter().map(|t| t.bytes).sum();
    Ok(before - after)
}

/// Deletes all of `user`'s offline data on this device (audio, playlists, queued plays) and
/// shows the page the empty result.
pub async fn remove_all(ctx: OfflineCtx, user: UserId) -> Result<(), OfflineError> {
    erase(ctx, user).await?;
    super::refresh(ctx).await;
    Ok(())
}

/// The deletion itself. Running jobs stop first, so none refills what is being deleted; the
/// database goes before the audio, so a database another tab holds leaves everything as it
/// was (`InUse`). Nothing here reopens the database.
async fn erase(ctx: OfflineCtx, user: UserId) -> Result<(), OfflineError> {
    cancel_all();
    super::DATABASE.with_borrow_mut(|d| {
        if let Some((_, db)) = d.take() {
            db.close();
        }
    });
    idb::delete(user).await?;
    cache::delete_cache(&names::audio_cache(user)).await?;
    ctx.jobs.set(HashMap::new());
    sw::audio_changed();
    Ok(())
}

/// What "sign out and remove offline data" does before the sign-out: the plays made offline
/// are sent first (removing them unsent would lose them), then everything of `user` goes.
/// Offline, nothing is removed: the plays could not be sent, and signing out needs the server.
/// Plays the server refuses for good cannot be sent later either, so they do not hold it up.
pub async fn forget_device(ctx: OfflineCtx, user: UserId) -> Result<(), OfflineError> {
    if !ctx.online.get_untracked() {
        return Err(OfflineError::Offline);
    }
    match super::sync::flush_plays(ctx).await {
        Ok(()) | Err(OfflineError::Refused(_)) => {}
        Err(e) => return Err(e),
    }
    erase(ctx, user).await?;
    // The page acts signed out from here on, so nothing reopens the deleted database.
    super::set_user(ctx, None);
    Ok(())
}
