//! What the offline parts of the page share: the records kept on this device (as the client
//! module stores them in IndexedDB), the progress of caching jobs, and one context of signals
//! that the client module fills in and the components read.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{PlaylistId, Track, TrackId, UserId};

/// Where an offline copy of a playlist stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncStatus {
    Caching,
    Synced,
    Partial,
    Outdated,
    Error,
}

impl SyncStatus {
    pub fn label(self) -> &'static str {
        match self {
            SyncStatus::Caching => "saving…",
            SyncStatus::Synced => "on this device",
            SyncStatus::Partial => "partly saved",
            SyncStatus::Outdated => "changed on the server",
            SyncStatus::Error => "failed",
        }
    }
}

/// One entry of an offline playlist: the track's metadata and the URL its bytes are cached at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfflineItem {
    pub track: Track,
    pub url: String,
}

/// A playlist kept on this device (one record of the `playlists` store).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfflinePlaylist {
    pub id: PlaylistId,
    pub title: String,
    pub items: Vec<OfflineItem>,
    /// The server's `version` this copy was made from.
    pub version: i64,
    /// Milliseconds since the epoch.
    pub cached_at: f64,
    pub bytes: f64,
    pub status: SyncStatus,
    /// Pinned playlists are never removed by the clean-up.
    pub pinned: bool,
    /// Milliseconds since the epoch; 0 when never played.
    pub last_played: f64,
    /// Refresh on reconnect instead of only marking it outdated.
    #[serde(default)]
    pub auto_update: bool,
}

impl OfflinePlaylist {
    pub fn tracks(&self) -> Vec<Track> {
        self.items.iter().map(|i| i.track.clone()).collect()
    }
}

/// Settings kept per user on this device (the `settings` store).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OfflineSettings {
    /// Most bytes of audio to keep; `None` is no limit but the browser's.
    pub limit_bytes: Option<f64>,
    /// Cache hits and misses counted since the last play batch was sent.
    pub cache_hits: i64,
    pub cache_misses: i64,
    /// The UUID of the play batch being sent, kept until the server answers.
    #[serde(default)]
    pub batch_id: Option<String>,
}

/// The progress of one "make available offline" job.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobProgress {
    pub total_tracks: usize,
    pub done_tracks: usize,
    pub bytes_total: f64,
    pub bytes_done: f64,
    /// Per track, 0.0 ..= 1.0 (0.5 while downloading).
    pub tracks: HashMap<TrackId, f64>,
    pub running: bool,
    /// Why the job stopped, when it did not finish.
    pub error: Option<String>,
    /// Bytes that would have to be freed for the job to fit.
    pub needed_bytes: Option<f64>,
}

impl JobProgress {
    pub fn percent(&self) -> f64 {
        if self.total_tracks == 0 {
            return if self.running { 0.0 } else { 100.0 };
        }
        (self.done_tracks as f64 * 100.0 / self.total_tracks as f64).clamp(0.0, 100.0)
    }
}

/// What the browser reports about storage for this site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StorageInfo {
    pub usage: f64,
    pub quota: f64,
    pub persisted: bool,
}

/// The offline state of this page. Every field is a signal, so the struct is `Copy`.
#[derive(Clone, Copy)]
pub struct OfflineCtx {
    /// The account whose offline data is in use; `None` signed out (nothing is shown).
    pub user: RwSignal<Option<UserId>>,
    pub online: RwSignal<bool>,
    /// True once the current user's records were read from IndexedDB.
    pub loaded: RwSignal<bool>,
    pub playlists: RwSignal<Vec<OfflinePlaylist>>,
    pub cached_tracks: RwSignal<HashSet<TrackId>>,
    pub jobs: RwSignal<HashMap<PlaylistId, JobProgress>>,
    pub settings: RwSignal<OfflineSettings>,
    pub storage: RwSignal<Option<StorageInfo>>,
    pub update_ready: RwSignal<bool>,
    /// The user asked for the update while a track played: apply it at the next pause.
    pub update_requested: RwSignal<bool>,
    pub can_install: RwSignal<bool>,
    /// A message for the user (sync results, conflicts, failures).
    pub notice: RwSignal<Option<String>>,
}

pub fn provide_offline() -> OfflineCtx {
    let ctx = OfflineCtx {
        user: RwSignal::new(None),
        online: RwSignal::new(true),
        loaded: RwSignal::new(false),
        playlists: RwSignal::new(Vec::new()),
        cached_tracks: RwSignal::new(HashSet::new()),
        jobs: RwSignal::new(HashMap::new()),
        settings: RwSignal::new(OfflineSettings::default()),
        storage: RwSignal::new(None),
        update_ready: RwSignal::new(false),
        update_requested: RwSignal::new(false),
        can_install: RwSignal::new(false),
        notice: RwSignal::new(None),
    };
    provide_context(ctx);
    ctx
}

pub fn use_offline() -> Option<OfflineCtx> {
    use_context::<OfflineCtx>()
}

/// "12.3 MB" for a byte count.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    // Sums of removed sizes can come out as -0.0 or a hair below zero; both read "0 B".
    let mut value = if bytes > 0.0 { bytes } else { 0.0 };
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_like_a_file_manager() {
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(1_500_000.0), "1.5 MB");
        assert_eq!(format_bytes(2_000_000_000.0), "2.0 GB");
        assert_eq!(format_bytes(-0.0), "0 B");
        assert_eq!(format_bytes(-0.000_1), "0 B");
    }

    #[test]
    fn progress_is_the_share_of_finished_tracks() {
        let job =
            JobProgress { total_tracks: 4, done_tracks: 1, running: true, ..Default::default() };
        assert_eq!(job.percent(), 25.0);
        let done = JobProgress { total_tracks: 3, done_tracks: 3, ..Default::default() };
        assert_eq!(done.percent(), 100.0);
    }

    #[test]
    fn sync_status_is_stored_in_lowercase() {
        let text = serde_json::to_string(&SyncStatus::Outdated).expect("serialises");
        assert_eq!(text, "\"outdated\"");
    }
}
