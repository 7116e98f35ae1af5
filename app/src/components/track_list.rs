//! A table of tracks with play, play-next, add-to-queue and add-to-playlist actions.

use leptos::prelude::*;

use crate::{
    components::{add_to_playlist::AddToPlaylist, player::use_player},
    model::{format_duration, Track},
};

#[component]
pub fn TrackList(tracks: Vec<Track>) -> impl IntoView {
    let player = use_player();
    let all = StoredValue::new(tracks.clone());

    let rows = tracks
        .into_iter()
        .enumerate()
        .map(|(index, track)| {
            let id = track.id;
            let for_next = track.clone();
            let for_queue = track.clone();
            let is_current = move || player.current().map(|t| t.id) == Some(id);
            view! {
                <tr class:current=is_current data-track-id=id.0>
                    <td class="col-play">
                        <button
                            class="icon play-track"
                            title="Play"
                            aria-label=format!("Play {}", track.title)
                            on:click=move |_| player.play_list(all.get_value(), index)
                        >
                            "▶"
                        </button>
                    </td>
                    <td class="col-title">
                        <span class="title">{track.title.clone()}</span>
                    </td>
                    <td class="col-artist">{track.artist.clone()}</td>
                    <td class="col-album">{track.album.clone()}</td>
                    <td class="col-time">{format_duration(track.duration_ms)}</td>
                    <td class="col-actions">
                        <button
                            class="icon"
                            title="Play next"
                            on:click=move |_| player.play_next(for_next.clone())
                        >
                            "⤴"
                        </button>
                        <button
                            class="icon"
                            title="Add to queue"
                            on:click=move |_| player.enqueue(for_queue.clone())
                        >
                            "+"
                        </button>
                        <AddToPlaylist track=id title=track.title.clone() />
                    </td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <table class="tracks">
            <thead>
                <tr>
                    <th class="col-play"></th>
                    <th>"Title"</th>
                    <th>"Artist"</th>
                    <th>"Album"</th>
                    <th class="col-time">"Time"</th>
                    <th class="col-actions"></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
