//! A list of playlists as cards: title, track count, total time, last change.

use leptos::prelude::*;

use crate::{
    components::dates::format_day,
    model::{format_duration, PlaylistSummary},
};

/// "1 track" / "12 tracks".
pub fn track_count(n: i64) -> String {
    if n == 1 {
        "1 track".to_owned()
    } else {
        format!("{n} tracks")
    }
}

#[component]
pub fn PlaylistCards(playlists: Vec<PlaylistSummary>) -> impl IntoView {
    let cards = playlists
        .into_iter()
        .map(|p| {
            view! {
                <li class="playlist-card" data-playlist-id=p.id.0>
                    <a class="playlist-title" href=format!("/playlists/{}", p.id)>{p.title}</a>
                    <span class="playlist-meta muted">
                        <span class="count">{track_count(p.item_count)}</span>
                        " · "
                        <span class="total">{format_duration(p.duration_ms)}</span>
                        " · updated "
                        <time>{format_day(p.updated_at)}</time>
                    </span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="playlist-cards">{cards}</ul> }
}
