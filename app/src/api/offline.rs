//! What the offline side of the app sends and asks for: play batches (posted to
//! `POST /api/plays/`), the server's playlist versions for sync, and the admin's totals.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::model::{PlaylistId, TrackId};

/// One play, made while online or offline, identified by a UUID the client made at the time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayReport {
    pub client_id: String,
    pub track_id: TrackId,
    /// Unix seconds when playback started.
    pub played_at: i64,
    /// Seconds actually listened.
    pub seconds: i64,
    /// Whether the browser was offline when it played.
    pub offline: bool,
}

/// Queued plays sent together, with the cache counters gathered since the last batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayBatch {
    pub client_id: String,
    pub plays: Vec<PlayReport>,
    #[serde(default)]
    pub cache_hits: i64,
    #[serde(default)]
    pub cache_misses: i64,
}

/// What the server did with a batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOutcome {
    pub accepted: u32,
    /// Plays already received in an earlier batch.
    pub duplicates: u32,
    /// Plays of tracks outside the caller's library.
    pub rejected: u32,
    /// False when this batch's UUID was seen before (its counters were not added again).
    pub batch_was_new: bool,
}

/// Offline use across all users, for administrators.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineStats {
    pub plays: i64,
    pub offline_plays: i64,
    pub listeners: i64,
    pub cache_hits: i64,
    pub cache_misses: i64,
    pub batches: i64,
}

/// The current version of each of the caller's playlists, so the client can tell which
/// offline copies are outdated without downloading every playlist.
#[server(prefix = "/sfn", endpoint = "playlist_versions")]
pub async fn playlist_versions() -> Result<Vec<(PlaylistId, i64)>, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    let all = crate::server::playlists::list_playlists(&state.pool, &account).await?;
    Ok(all.into_iter().map(|p| (p.id, p.version)).collect())
}

#[server(prefix = "/sfn", endpoint = "offline_totals")]
pub async fn offline_totals() -> Result<OfflineStats, ApiError> {
    let (state, _) = super::ctx::admin().await?;
    Ok(crate::server::plays::totals(&state.pool).await?)
}
