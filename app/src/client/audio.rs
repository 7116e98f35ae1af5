//! Starting playback: `play()` returns a promise that browsers reject when autoplay is not
//! allowed or the source cannot be played; the player must then show "paused", not "playing".

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlAudioElement;

/// Calls `play()` now (inside the caller's tick, to keep the user's activation) and calls
/// `on_fail` with a message for the user if the browser refuses.
pub fn play(el: &HtmlAudioElement, on_fail: impl FnOnce(Option<String>) + 'static) {
    match el.play() {
        Ok(promise) => wasm_bindgen_futures::spawn_local(async move {
            if let Err(err) = JsFuture::from(promise).await {
                if let Some(message) = failure(&err) {
                    on_fail(message);
                }
            }
        }),
        Err(err) => {
            if let Some(message) = failure(&err) {
                on_fail(message);
            }
        }
    }
}

/// What a rejected `play()` means: `None` to ignore it, else the message to show (or
/// `Some(None)`: show paused, say nothing).
fn failure(err: &JsValue) -> Option<Option<String>> {
    let name = js_sys::Reflect::get(err, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        // A newer load replaced this one (next pressed quickly): that load plays on.
        "AbortError" => None,
        // Autoplay policy: the user presses play.
        "NotAllowedError" => Some(None),
        "NotSupportedError" => Some(Some("This track cannot be played.".to_owned())),
        _ => Some(Some("Playback failed.".to_owned())),
    }
}
