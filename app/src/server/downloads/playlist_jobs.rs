//! Playlist downloads: a remote playlist URL becomes a local `remote` playlist owned by the
//! caller whose items download in upstream order; a remote playlist id re-syncs it. Owner or
//! admin only (others get 404). Per-item state comes from the shared download queue.

use std::collections::HashSet;

use super::{cancel as cancel_job, queue, remote, remote_db};
use crate::{
    downloads_model::{DownloadItem, DownloadTotals, PlaylistDownload},
    model::{Account, PlaylistId},
    server::{AppError, AppResult, AppState},
};

/// What to download: a new remote playlist, or an existing one again.
pub enum Start {
    Url(String),
    Playlist(PlaylistId),
}

/// Which downloads a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    All,
    Active,
    Completed,
}

/// Reads the playlist upstream, creates (or re-syncs) the local playlist and queues its items.
pub async fn start(state: &AppState, caller: &Account, what: Start) -> AppResult<PlaylistDownload> {
    let (playlist, url) = match what {
        Start::Url(url) => (None, queue::validate_url(&url)?),
        Start::Playlist(id) => {
            let found = remote_db::get_remote_playlist(&state.pool, caller, id).await?;
            let url = found.remote_url.clone().ok_or_else(|| {
                AppError::bad_request("this playlist has no remote URL to sync from")
            })?;
            (Some(found), url)
        }
    };
    let listing = remote::list_upstream(state, &url).await?;
    let title = playlist
        .as_ref()
        .map(|p| p.title.clone())
        .or_else(|| listing.title.clone())
        .unwrap_or_else(|| url.clone());
    let (playlist_id, owner) = match &playlist {
        Some(found) => (found.id, found.owner_id),
        None => {
            let id =
                remote_db::insert_remote_playlist(&state.pool, caller.id, &title, &url).await?;
            (id, caller.id)
        }
    };
    let outcome = remote::sync_items(state, playlist_id, &listing, None, Some(owner)).await?;
    let id =
        remote_db::insert_download(&state.pool, owner, playlist_id, &url, &title, &outcome.covered)
            .await?;
    tracing::info!(download = id, playlist = %playlist_id, items = outcome.covered.len(),
        added = outcome.added, gone = outcome.gone, "playlist download started");
    get(state, caller, id).await
}

pub async fn get(state: &AppState, caller: &Account, id: i64) -> AppResult<PlaylistDownload> {
    let row = remote_db::get_download(&state.pool, caller, id).await?;
    let mut views = build(state, vec![row]).await?;
    views.pop().ok_or(AppError::NotFound)
}

/// The caller's downloads (admins: all), newest first.
pub async fn list(
    state: &AppState,
    caller: &Account,
    filter: Filter,
) -> AppResult<Vec<PlaylistDownload>> {
    let rows = remote_db::list_downloads(&state.pool, caller).await?;
    let views = build(state, rows).await?;
    Ok(views
        .into_iter()
        .filter(|d| match filter {
            Filter::All => true,
            Filter::Active => d.status == "running",
            Filter::Completed => d.status == "completed",
        })
        .collect())
}

/// Cancels the download: its unfinished items that nobody else needs stop (a running one is
/// killed and its temp files removed); finished tracks stay in the playlist.
pub async fn cancel(state: &AppState, caller: &Account, id: i64) -> AppResult<PlaylistDownload> {
    let row = remote_db::get_download(&state.pool, caller, id).await?;
    if row.state != "active" {
        return Err(AppError::Conflict(format!("the download is already {}", row.state)));
    }
    let jobs = remote_db::jobs_only_for(&state.pool, id, row.owner_id).await?;
    remote_db::set_download_state(&state.pool, id, "cancelled", None).await?;
    for job in jobs {
        match cancel_job(&state.pool, &state.downloads, job).await {
            Ok(_) | Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    get(state, caller, id).await
}

/// The queue jobs behind a download, for filtering live events.
pub async fn job_ids(state: &AppState, caller: &Account, id: i64) -> AppResult<HashSet<i64>> {
    remote_db::get_download(&state.pool, caller, id).await?;
    let items = remote_db::list_download_items(&state.pool, &[id]).await?;
    Ok(items.into_iter().filter_map(|i| i.job_id).collect())
}

/// Joins rows with their items (one query) and derives status and totals.
async fn build(
    state: &AppState,
    rows: Vec<remote_db::DownloadRow>,
) -> AppResult<Vec<PlaylistDownload>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // The worker places a finished track a moment after the job completes; placing here too
    // means a download never reads "completed" while its track is missing from the playlist.
    let playlists: HashSet<PlaylistId> = rows.iter().filter_map(|r| r.playlist_id).collect();
    for playlist in playlists {
        remote_db::place_ready(&state.pool, playlist).await?;
    }
    let mut items = remote_db::list_download_items(&state.pool, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine: Vec<DownloadItem> =
                items.iter().filter(|i| i.download_id == row.id).map(item_view).collect();
            items.retain(|i| i.download_id != row.id);
            view(row, mine)
        })
        .collect())
}

fn item_view(row: &remote_db::DownloadItemRow) -> DownloadItem {
    // A job removed by "clear finished" leaves its track placed, or nothing to report.
    let status = match (&row.status, row.placed) {
        (Some(status), _) => status.clone(),
        (None, true) => "completed".to_owned(),
        (None, false) => "skipped".to_owned(),
    };
    let percent = match status.as_str() {
        "completed" => 100.0,
        _ => row.percent.unwrap_or(0.0).clamp(0.0, 100.0),
    };
    DownloadItem {
        position: row.position,
        title: row.title.clone(),
        url: row.url.clone(),
        reason: if status == "failed" { row.last_error.clone() } else { None },
        status,
        percent,
        job_id: row.job_id,
        track_id: row.track_id,
        gone_upstream: row.gone_upstream,
    }
}

fn view(row: remote_db::DownloadRow, items: Vec<DownloadItem>) -> PlaylistDownload {
    let mut totals = DownloadTotals { items: items.len(), ..DownloadTotals::default() };
    let mut done = 0.0;
    for item in &items {
        match item.status.as_str() {
            "queued" => totals.queued += 1,
            "running" => totals.running += 1,
            "completed" => totals.completed += 1,
            "failed" => totals.failed += 1,
            _ => totals.cancelled += 1,
        }
        done += match item.status.as_str() {
            "queued" | "running" => item.percent,
            _ => 100.0,
        };
    }
    totals.percent = if items.is_empty() { 100.0 } else { done / items.len() as f64 };
    let status = match row.state.as_str() {
        "active" if totals.queued + totals.running > 0 => "running",
        "active" => "completed",
        other => other,
    };
    PlaylistDownload {
        id: row.id,
        owner_id: row.owner_id,
        playlist_id: row.playlist_id,
        url: row.url,
        title: row.title,
        status: status.to_owned(),
        error: row.error,
        created_at: row.created_at,
        finished_at: row.finished_at,
        totals,
        items,
    }
}
