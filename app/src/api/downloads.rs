//! Server functions of the downloads and channels pages: the admin queue (add, retry, cancel,
//! clear, tool check), playlist downloads (owner or admin), and subscriptions.

use leptos::prelude::*;

use super::ApiError;
use crate::downloads_model::{JobView, PlaylistDownload, Subscription, ToolsView};

#[cfg(feature = "ssr")]
fn job_view(job: crate::server::downloads::Job) -> JobView {
    JobView {
        id: job.id,
        url: job.url,
        status: job.status,
        title: job.title,
        last_error: job.last_error,
        percent: job.percent,
        bytes_done: job.bytes_done,
        bytes_total: job.bytes_total,
        track_id: job.track_id,
        attempts: job.attempts,
        created_at: job.created_at,
    }
}

/// The queue, newest first; `status` empty means all.
#[server(prefix = "/sfn", endpoint = "list_downloads")]
pub async fn list_downloads(status: String) -> Result<Vec<JobView>, ApiError> {
    let (state, _) = super::ctx::admin().await?;
    let status = Some(status.trim()).filter(|s| !s.is_empty());
    let jobs = crate::server::downloads::queue::list(&state.pool, status).await?;
    Ok(jobs.into_iter().filter(|j| j.kind == "track").map(job_view).collect())
}

/// One URL per line; blank lines are skipped.
#[server(prefix = "/sfn", endpoint = "add_downloads")]
pub async fn add_downloads(urls: String) -> Result<Vec<JobView>, ApiError> {
    let (state, account) = super::ctx::admin().await?;
    let urls: Vec<String> =
        urls.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let jobs = crate::server::downloads::add_urls(&state.pool, &state.downloads, account.id, &urls)
        .await?;
    Ok(jobs.into_iter().map(job_view).collect())
}

#[server(prefix = "/sfn", endpoint = "retry_download")]
pub async fn retry_download(id: i64) -> Result<JobView, ApiError> {
    let (state, _) = super::ctx::admin().await?;
    Ok(job_view(crate::server::downloads::retry(&state.pool, &state.downloads, id).await?))
}

#[server(prefix = "/sfn", endpoint = "cancel_download")]
pub async fn cancel_download(id: i64) -> Result<JobView, ApiError> {
    let (state, _) = super::ctx::admin().await?;
    Ok(job_view(crate::server::downloads::cancel(&state.pool, &state.downloads, id).await?))
}

/// Removes completed, failed and cancelled jobs; returns how many.
#[server(prefix = "/sfn", endpoint = "clear_finished_downloads")]
pub async fn clear_finished_downloads() -> Result<u64, ApiError> {
    let (state, _) = super::ctx::admin().await?;
    Ok(crate::server::downloads::queue::clear_finished(&state.pool).await?)
}

/// Whether yt-dlp and ffmpeg answered at start-up.
#[server(prefix = "/sfn", endpoint = "download_tools")]
pub async fn download_tools() -> Result<ToolsView, ApiError> {
    let (state, _) = super::ctx::admin().await?;
    Ok(match state.downloads.tools() {
        None => ToolsView::default(),
        Some(tools) => ToolsView {
            checked: true,
            ytdlp_ok: tools.ytdlp.is_ok(),
            ytdlp_detail: tools.ytdlp.unwrap_or_else(|e| e),
            ffmpeg_ok: tools.ffmpeg.is_ok(),
            ffmpeg_detail: tools.ffmpeg.unwrap_or_else(|e| e),
        },
    })
}

#[server(prefix = "/sfn", endpoint = "list_playlist_downloads")]
pub async fn list_playlist_downloads() -> Result<Vec<PlaylistDownload>, ApiError> {
    use crate::server::downloads::playlist_jobs::{list, Filter};
    let (state, account) = super::ctx::caller().await?;
    Ok(list(&state, &account, Filter::All).await?)
}

/// Starts a playlist download from a remote playlist or feed URL.
#[server(prefix = "/sfn", endpoint = "start_playlist_download")]
pub async fn start_playlist_download(url: String) -> Result<PlaylistDownload, ApiError> {
    use crate::server::downloads::playlist_jobs::{start, Start};
    let (state, account) = super::ctx::caller().await?;
    Ok(start(&state, &account, Start::Url(url)).await?)
}

#[server(prefix = "/sfn", endpoint = "cancel_playlist_download")]
pub async fn cancel_playlist_download(id: i64) -> Result<PlaylistDownload, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::downloads::playlist_jobs::cancel(&state, &account, id).await?)
}

#[server(prefix = "/sfn", endpoint = "list_subscriptions")]
pub async fn list_subscriptions() -> Result<Vec<Subscription>, ApiError> {
    let (state, _) = super::ctx::caller().await?;
    Ok(crate::server::downloads::subscription_db::list_subscriptions(&state.pool).await?)
}

#[server(prefix = "/sfn", endpoint = "subscribe")]
pub async fn subscribe(
    url: String,
    kind: String,
    sync_depth: i64,
    auto_download: Option<String>,
) -> Result<Subscription, ApiError> {
    use crate::server::downloads::subscriptions::{subscribe, Subscribe};
    let (state, account) = super::ctx::admin().await?;
    let new =
        Subscribe { url, kind, title: None, auto_download: auto_download.is_some(), sync_depth };
    Ok(subscribe(&state, &account, new).await?)
}

#[server(prefix = "/sfn", endpoint = "set_auto_download")]
pub async fn set_auto_download(id: i64, on: bool) -> Result<Subscription, ApiError> {
    use crate::server::downloads::subscriptions::{update, Changes};
    let (state, account) = super::ctx::admin().await?;
    let changes = Changes { auto_download: Some(on), ..Changes::default() };
    Ok(update(&state, &account, id, changes).await?)
}

#[server(prefix = "/sfn", endpoint = "sync_subscription")]
pub async fn sync_subscription(id: i64) -> Result<Subscription, ApiError> {
    let (state, account) = super::ctx::admin().await?;
    Ok(crate::server::downloads::subscriptions::sync_now(&state, &account, id).await?)
}

#[server(prefix = "/sfn", endpoint = "unsubscribe")]
pub async fn unsubscribe(id: i64) -> Result<(), ApiError> {
    let (state, account) = super::ctx::admin().await?;
    Ok(crate::server::downloads::subscriptions::remove(&state, &account, id).await?)
}
