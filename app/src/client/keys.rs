//! Keyboard shortcuts for the player, on the whole window. Keys typed into a form field, and
//! Space/Enter on a focused button or link (which activate it), are left to the browser.

use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};

use crate::components::player::{shortcut_for, PlayerCtx};

/// Listens for shortcuts for as long as the page lives.
pub fn install(player: PlayerCtx) {
    // The player is never unmounted, so the listener is never removed.
    let _ = window_event_listener(ev::keydown, move |event: KeyboardEvent| {
        if event.default_prevented() || event.ctrl_key() || event.alt_key() || event.meta_key() {
            return;
        }
        let key = event.key();
        if is_typing_target(&event, &key) {
            return;
        }
        if let Some(shortcut) = shortcut_for(&key, event.shift_key()) {
            // Stops Space and the arrows from scrolling the page.
            event.prevent_default();
            player.run(shortcut);
        }
    });
}

fn is_typing_target(event: &KeyboardEvent, key: &str) -> bool {
    let Some(el) = event.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
        return false;
    };
    if el.is_content_editable() {
        return true;
    }
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        // Sliders (seek, volume) keep their arrow keys; the other shortcuts still work there.
        return input.type_() != "range" || key.starts_with("Arrow");
    }
    match el.tag_name().to_ascii_uppercase().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "BUTTON" | "A" | "SUMMARY" => key == " " || key == "Enter",
        _ => false,
    }
}
