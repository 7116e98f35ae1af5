//! Media Session: the title, artist and artwork shown by the OS (lock screen, notification,
//! headset keys) and the actions it sends back. web-sys only has this API behind an unstable
//! cfg flag, so the handful of calls used are declared here. Browsers without it get no-ops.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{prelude::*, JsCast};

use crate::{components::player::PlayerCtx, model::Track};

#[wasm_bindgen]
extern "C" {
    type MediaSession;

    #[wasm_bindgen(method, setter, js_name = metadata)]
    fn set_metadata(this: &MediaSession, metadata: &JsValue);

    #[wasm_bindgen(method, setter, js_name = playbackState)]
    fn set_playback_state(this: &MediaSession, state: &str);

    #[wasm_bindgen(method, catch, js_name = setActionHandler)]
    fn set_action_handler(
        this: &MediaSession,
        action: &str,
        handler: &JsValue,
    ) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = setPositionState)]
    fn set_position_state(this: &MediaSession, state: &JsValue) -> Result<(), JsValue>;

    type MediaMetadata;

    #[wasm_bindgen(constructor, catch)]
    fn new(init: &JsValue) -> Result<MediaMetadata, JsValue>;
}

/// `navigator.mediaSession`, when the browser has it.
fn session() -> Option<MediaSession> {
    let navigator = web_sys::window()?.navigator();
    let value = Reflect::get(&navigator, &JsValue::from_str("mediaSession")).ok()?;
    (!value.is_undefined() && !value.is_null()).then(|| value.unchecked_into())
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let obj = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj
}

/// Shows `track` (or nothing) as what is playing.
pub fn set_track(track: Option<&Track>) {
    let Some(session) = session() else { return };
    let Some(track) = track else {
        session.set_metadata(&JsValue::NULL);
        return;
    };
    let artwork = Array::new();
    if let Some(url) = track.artwork_url() {
        artwork.push(&object(&[("src", url.into())]));
    }
    let init = object(&[
        ("title", track.title.as_str().into()),
        ("artist", track.artist.as_str().into()),
        ("album", track.album.as_str().into()),
        ("artwork", artwork.into()),
    ]);
    if let Ok(metadata) = MediaMetadata::new(&init) {
        session.set_metadata(&metadata);
    }
}

pub fn set_playing(playing: bool) {
    if let Some(session) = session() {
        session.set_playback_state(if playing { "playing" } else { "paused" });
    }
}

/// Tells the OS where playback is. Skipped while the duration is unknown (NaN, infinite
/// for streams, or 0), since `setPositionState` throws on those.
pub fn set_position(duration: f64, position: f64, rate: f64) {
    let Some(session) = session() else { return };
    if !(duration.is_finite() && duration > 0.0 && position.is_finite() && rate.is_finite()) {
        return;
    }
    let rate = if rate > 0.0 { rate } else { 1.0 };
    let state = object(&[
        ("duration", duration.into()),
        ("position", position.clamp(0.0, duration).into()),
        ("playbackRate", rate.into()),
    ]);
    let _ = session.set_position_state(&state);
}

/// A number field of the action details, if present.
fn detail(details: &JsValue, name: &str) -> Option<f64> {
    Reflect::get(details, &JsValue::from_str(name)).ok()?.as_f64()
}

/// Registers the OS's play, pause, previous, next and seek actions for the page's lifetime.
pub fn install(player: PlayerCtx) {
    let Some(session) = session() else { return };
    let handlers: [(&str, Box<dyn Fn(JsValue)>); 7] = [
        ("play", Box::new(move |_| player.play())),
        ("pause", Box::new(move |_| player.pause())),
        ("previoustrack", Box::new(move |_| player.previous())),
        ("nexttrack", Box::new(move |_| player.next())),
        (
            "seekto",
            Box::new(move |d| {
                if let Some(to) = detail(&d, "seekTime") {
                    player.seek_to(to);
                }
            }),
        ),
        (
            "seekbackward",
            Box::new(move |d| player.seek_by(-detail(&d, "seekOffset").unwrap_or(10.0))),
        ),
        (
            "seekforward",
            Box::new(move |d| player.seek_by(detail(&d, "seekOffset").unwrap_or(10.0))),
        ),
    ];
    for (action, handler) in handlers {
        let function: Function = Closure::wrap(handler).into_js_value().unchecked_into();
        // Browsers throw for actions they do not know; the others still work.
        let _ = session.set_action_handler(action, &function);
    }
}
