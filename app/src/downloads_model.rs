//! Types of downloads, playlist downloads and subscriptions that travel between the server and
//! the browser (server functions, REST JSON, server-sent events).

use serde::{Deserialize, Serialize};

use crate::model::{PlaylistId, TrackId, UserId};

/// One job of the download queue as pages show it (the REST row carries more fields).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub id: i64,
    pub url: String,
    /// `queued`, `running`, `completed`, `failed` or `cancelled`.
    pub status: String,
    pub title: Option<String>,
    pub last_error: Option<String>,
    pub percent: Option<f64>,
    pub bytes_done: i64,
    pub bytes_total: Option<i64>,
    pub track_id: Option<TrackId>,
    pub attempts: i64,
    pub created_at: i64,
}

/// Whether yt-dlp and ffmpeg answered at start-up; `None` detail means not checked yet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolsView {
    pub checked: bool,
    pub ytdlp_ok: bool,
    pub ytdlp_detail: String,
    pub ffmpeg_ok: bool,
    pub ffmpeg_detail: String,
}

/// One upstream item of a playlist download.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownloadItem {
    /// Upstream position, from 0.
    pub position: i64,
    pub title: Option<String>,
    pub url: String,
    /// `queued`, `running`, `completed`, `failed`, `cancelled`, or `skipped` (not queued).
    pub status: String,
    /// Why it failed, when it did.
    pub reason: Option<String>,
    pub percent: f64,
    pub job_id: Option<i64>,
    pub track_id: Option<TrackId>,
    pub gone_upstream: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DownloadTotals {
    pub items: usize,
    pub queued: usize,
    pub running: usize,
    pub completed: usize,
    pub failed: usize,
    pub cancelled: usize,
    /// 0–100 over all items; a finished (or failed) item counts as done.
    pub percent: f64,
}

/// A playlist download: a remote playlist mirrored into a local one, with per-item state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaylistDownload {
    pub id: i64,
    pub owner_id: UserId,
    pub playlist_id: Option<PlaylistId>,
    pub url: String,
    pub title: String,
    /// `running`, `completed`, `failed` (the playlist could not be read) or `cancelled`.
    pub status: String,
    pub error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub totals: DownloadTotals,
    pub items: Vec<DownloadItem>,
}

/// A followed channel or remote playlist with its sync state and counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: i64,
    pub url: String,
    /// `channel` or `playlist`.
    pub kind: String,
    pub title: String,
    pub playlist_id: Option<PlaylistId>,
    pub auto_download: bool,
    pub sync_depth: i64,
    pub last_sync_at: Option<i64>,
    /// `never`, `running`, `ok` or `failed`.
    pub last_sync_status: String,
    pub last_sync_error: Option<String>,
    pub created_at: i64,
    /// Items mirrored, of which downloaded into the playlist, and gone upstream.
    pub items: i64,
    pub downloaded: i64,
    pub gone: i64,
}
