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

/// The longest listening time one play may claim: a day.
pub const MAX_PLAY_SECONDS: i64 = 86_400;

impl PlayReport {
    /// Whether the server will take this play: a UUID, a time after 1970, and 0 to
    /// `MAX_PLAY_SECONDS` seconds. The client checks it before sending, so one damaged record
    /// in the queue cannot hold back every other play.
    pub fn is_well_formed(&self) -> bool {
        is_uuid(&self.client_id)
            && (0..=MAX_PLAY_SECONDS).contains(&self.seconds)
            && self.played_at >= 0
    }
}

/// A UUID as text: 36 characters of hex digits and dashes (any version).
pub fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn play(client_id: &str, played_at: i64, seconds: i64) -> PlayReport {
        PlayReport {
            client_id: client_id.to_owned(),
            track_id: TrackId(1),
            played_at,
            seconds,
            offline: true,
        }
    }

    #[test]
    fn client_ids_must_look_like_uuids() {
        assert!(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(!is_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));
        assert!(!is_uuid("0f8fad5bxd9cb-469f-a165-70867728950e"));
        assert!(!is_uuid("zf8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(!is_uuid(""));
    }

    #[test]
    fn a_play_needs_a_uuid_a_time_and_a_sane_length() {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert!(play(id, 1_700_000_000, 30).is_well_formed());
        assert!(play(id, 0, 0).is_well_formed());
        assert!(play(id, 1, MAX_PLAY_SECONDS).is_well_formed());
        assert!(!play("not-a-uuid", 1_700_000_000, 30).is_well_formed());
        assert!(!play(id, -1, 30).is_well_formed());
        assert!(!play(id, 1_700_000_000, -5).is_well_formed());
        assert!(!play(id, 1_700_000_000, MAX_PLAY_SECONDS + 1).is_well_formed());
    }
}
