//! The player's preferences (volume, mute, shuffle, repeat) kept in localStorage, per browser.
//! Read once after hydration, written when they change; a browser without storage (private
//! mode, disabled) just starts from the defaults.

use crate::components::player::Repeat;

const VOLUME: &str = "soundwave.player.volume";
const MUTED: &str = "soundwave.player.muted";
const SHUFFLE: &str = "soundwave.player.shuffle";
const REPEAT: &str = "soundwave.player.repeat";

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prefs {
    pub volume: f64,
    pub muted: bool,
    pub shuffle: bool,
    pub repeat: Repeat,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored preferences; missing or unreadable values are `None`.
pub fn load() -> Option<Prefs> {
    let storage = storage()?;
    let get = |key: &str| storage.get_item(key).ok().flatten();
    let volume = get(VOLUME)?.parse::<f64>().ok().filter(|v| v.is_finite())?;
    Some(Prefs {
        volume: volume.clamp(0.0, 1.0),
        muted: get(MUTED).as_deref() == Some("true"),
        shuffle: get(SHUFFLE).as_deref() == Some("true"),
        repeat: get(REPEAT).as_deref().and_then(Repeat::parse).unwrap_or_default(),
    })
}

pub fn save(prefs: Prefs) {
    let Some(storage) = storage() else { return };
    // A full or blocked storage only loses the preference.
    let _ = storage.set_item(VOLUME, &format!("{:.2}", prefs.volume));
    let _ = storage.set_item(MUTED, if prefs.muted { "true" } else { "false" });
    let _ = storage.set_item(SHUFFLE, if prefs.shuffle { "true" } else { "false" });
    let _ = storage.set_item(REPEAT, prefs.repeat.as_str());
}
