//! Small inline SVG icons for the player, drawn on a 24-unit grid in the current text colour,
//! so they look the same on every platform (emoji glyphs do not).

use leptos::prelude::*;

/// The path data of each icon; unknown names draw nothing.
fn path(name: &str) -> &'static str {
    match name {
        "play" => "M8 5v14l11-7z",
        "pause" => "M7 5h4v14H7zM13 5h4v14h-4z",
        "previous" => "M6 5h2v14H6zM20 5v14L9.5 12z",
        "next" => "M16 5h2v14h-2zM4 5v14l10.5-7z",
        "shuffle" => {
            "M4 7h3.5l8 10H19v-2l3 3-3 3v-2h-4.5l-8-10H4zM4 17h3.5l2.2-2.8 1.3 1.6L8.5 19H4z\
             M15.5 7H19V5l3 3-3 3V9h-3.5l-1.8 2.2-1.3-1.6z"
        }
        "repeat" => "M7 7h10v3l4-4-4-4v3H5v6h2zM17 17H7v-3l-4 4 4 4v-3h12v-6h-2z",
        "repeat-one" => {
            "M7 7h10v3l4-4-4-4v3H5v6h2zM17 17H7v-3l-4 4 4 4v-3h12v-6h-2zM11 10h2v5h-1.5v-3.2H10z"
        }
        "volume" => {
            "M4 9v6h4l5 4V5L8 9zM15.5 8.5a5 5 0 0 1 0 7l-1.4-1.4a3 3 0 0 0 0-4.2z\
             M18 6a8.5 8.5 0 0 1 0 12l-1.4-1.4a6.5 6.5 0 0 0 0-9.2z"
        }
        "mute" => {
            "M4 9v6h4l5 4V5L8 9zM16 9.4l1.4-1.4 2.1 2.1 2.1-2.1L23 9.4l-2.1 2.1 2.1 2.1-1.4 1.4\
             -2.1-2.1-2.1 2.1-1.4-1.4 2.1-2.1z"
        }
        "queue" => "M3 6h13v2H3zM3 11h13v2H3zM3 16h9v2H3zM18 14v-8h4v2h-2v8.5a2.5 2.5 0 1 1-2-2.5z",
        "up" => "M12 6l-7 7 1.4 1.4L11 9.8V19h2V9.8l4.6 4.6L19 13z",
        "down" => "M12 18l7-7-1.4-1.4-4.6 4.6V5h-2v9.2l-4.6-4.6L5 11z",
        "close" => {
            "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4L13.4 12 19 6.4 17.6 5 12 10.6z"
        }
        "help" => {
            "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16z\
             M11 16h2v2h-2zM12 6a3.5 3.5 0 0 0-3.5 3.5h2a1.5 1.5 0 1 1 2.2 1.3c-1 .6-1.7 1.3-1.7 2.7\
             V14h2v-.4c0-.7.3-1 1-1.5A3.5 3.5 0 0 0 12 6z"
        }
        "note" => "M9 3v11.3A3.5 3.5 0 1 0 11 17.5V8h6V3z",
        _ => "",
    }
}

/// An icon named `name`, hidden from screen readers (the button around it carries the label).
#[component]
pub fn Icon(name: &'static str) -> impl IntoView {
    view! {
        <svg class="svg-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path(name) fill="currentColor" />
        </svg>
    }
}
