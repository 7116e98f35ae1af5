//! The names of this app's browser storage, defined once on the Rust side. public/sw.js defines
//! the same cache names (AUDIO_PREFIX, SHELL_PREFIX): change both together.

use crate::model::UserId;

/// Per-user audio cache: `soundwave-audio-u{user}`. The service worker serves audio only from
/// the cache of the user the page last told it about.
pub const AUDIO_CACHE_PREFIX: &str = "soundwave-audio-u";
/// Per-user IndexedDB database: `soundwave-u{user}`.
pub const DATABASE_PREFIX: &str = "soundwave-u";
/// localStorage key holding the signed-in user's id, so the offline shell knows whose data to
/// open. Removed on sign-out; the data itself stays until the user removes it.
pub const USER_KEY: &str = "soundwave.offline-user";

pub fn audio_cache(user: UserId) -> String {
    format!("{AUDIO_CACHE_PREFIX}{user}")
}

pub fn database(user: UserId) -> String {
    format!("{DATABASE_PREFIX}{user}")
}
