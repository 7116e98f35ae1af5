//! Browser-only code: everything that touches web APIs lives here, called from effects and
//! event handlers, never while rendering.

pub mod audio;
pub mod download_events;
pub mod keys;
pub mod media_session;
pub mod offline;
pub mod prefs;
