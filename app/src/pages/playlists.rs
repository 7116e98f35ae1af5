//! The playlists page (list + "New playlist") and the page of one playlist (rename, delete,
//! play, reorder, remove). Data comes from blocking resources, so the server sends it in the
//! first HTML, and every change is an `ActionForm`, so the pages also work before the WASM.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{
        playlists::{
            get_playlist, list_playlists, CreatePlaylist, DeletePlaylist, MovePlaylistItem,
            RemoveFromPlaylist, RenamePlaylist,
        },
        ApiError,
    },
    components::{
        dates::format_day,
        notices::{NotFoundNotice, SignInNotice},
        player::use_player,
        playlist_cards::{track_count, PlaylistCards},
        ErrorNote,
    },
    model::{format_duration, PlaylistDetail, PlaylistId, Track},
};

#[component]
pub fn PlaylistsPage() -> impl IntoView {
    let create = ServerAction::<CreatePlaylist>::new();
    let playlists = Resource::new_blocking(move || create.version().get(), |_| list_playlists());
    // The "Add to playlist" choices are loaded once per page load; a new playlist joins them.
    let choices = crate::components::add_to_playlist::use_playlist_choices().0;
    Effect::new(move |seen: Option<usize>| {
        let version = create.version().get();
        if seen.is_some_and(|seen| seen != version) {
            choices.refetch();
        }
        version
    });

    view! {
        <Title text="Playlists" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match playlists.await {
                    Ok(list) => view! {
                        <header class="page-head">
                            <h1>"Playlists"</h1>
                            <ActionForm action=create attr:class="inline-form new-playlist">
                                <input
                                    name="title"
                                    placeholder="New playlist title"
                                    aria-label="New playlist title"
                                    maxlength="200"
                                    required
                                />
                                <button type="submit" class="primary">"New playlist"</button>
                            </ActionForm>
                        </header>
                        <ErrorNote result=move || create.value().get() />
                        {if list.is_empty() {
                            view! {
                                <p class="empty">"No playlists yet. Give your first one a title above."</p>
                            }.into_any()
                        } else {
                            view! { <PlaylistCards playlists=list /> }.into_any()
                        }}
                    }.into_any(),
                    Err(ApiError::Unauthorized) => view! { <SignInNotice next="/playlists" /> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The actions of the playlist page; created once per page so results survive re-renders.
#[derive(Clone, Copy)]
struct PlaylistActions {
    rename: ServerAction<RenamePlaylist>,
    remove: ServerAction<RemoveFromPlaylist>,
    moving: ServerAction<MovePlaylistItem>,
    delete: ServerAction<DeletePlaylist>,
}

#[component]
pub fn PlaylistPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let actions = PlaylistActions {
        rename: ServerAction::new(),
        remove: ServerAction::new(),
        moving: ServerAction::new(),
        delete: ServerAction::new(),
    };
    // Every finished edit, failed ones included, bumps its action's version and so reloads the
    // playlist: after a conflict the page shows the newest version without being asked.
    let detail = Resource::new_blocking(
        move || {
            let versions = (
                actions.rename.version().get(),
                actions.remove.version().get(),
                actions.moving.version().get(),
            );
            (id(), versions)
        },
        |(id, _)| async move {
            match id {
                Some(id) => get_playlist(PlaylistId(id)).await,
                None => Err(ApiError::NotFound),
            }
        },
    );
    // The outcome of the latest edit, whichever it was; it stays put while the playlist
    // reloads, because it lives outside the `Transition`.
    let outcome = RwSignal::new(None::<ApiError>);
    follow_outcome(actions.rename.value(), outcome);
    follow_outcome(actions.remove.value(), outcome);
    follow_outcome(actions.moving.value(), outcome);
    follow_outcome(actions.delete.value(), outcome);

    view! {
        <EditOutcome outcome />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <PlaylistView detail=d actions /> }.into_any(),
                    Err(ApiError::NotFound) => {
                        view! { <NotFoundNotice what="Playlist" back="/playlists" /> }.into_any()
                    }
                    Err(ApiError::Unauthorized) => {
                        let here = id().map(|i| format!("/playlists/{i}")).unwrap_or_default();
                        view! { <SignInNotice next=here /> }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Copies each new result of an action into `outcome`: its error, or nothing once it worked.
fn follow_outcome<T: 'static>(
    value: impl With<Value = Option<Result<T, ApiError>>> + 'static,
    outcome: RwSignal<Option<ApiError>>,
) {
    Effect::new(move |_| {
        let latest = value.with(|v| v.as_ref().map(|r| r.as_ref().err().cloned()));
        if let Some(error) = latest {
            outcome.set(error);
        }
    });
}

/// Says why the latest edit failed. A conflict means the playlist changed elsewhere (another
/// tab, another device) after this page showed it: the edit was refused whole, and the page
/// has already reloaded the newest version.
#[component]
fn EditOutcome(outcome: RwSignal<Option<ApiError>>) -> impl IntoView {
    move || {
        outcome.get().map(|error| match error {
            ApiError::Conflict(_) => view! {
                <p class="conflict-note" role="alert">
                    <strong>"This playlist was changed somewhere else. "</strong>
                    "It has been reloaded with the newest version and your change was not made; "
                    "make it again if you still want it."
                </p>
            }
            .into_any(),
            other => view! { <p class="error" role="alert">{other.to_string()}</p> }.into_any(),
        })
    }
}

#[component]
fn PlaylistView(detail: PlaylistDetail, actions: PlaylistActions) -> impl IntoView {
    let player = use_player();
    let summary = detail.summary;
    let tracks: Vec<Track> = detail.items.iter().map(|e| e.track.clone()).collect();
    let tracks = StoredValue::new(tracks);
    let empty = detail.items.is_empty();
    let gone = detail.items.iter().filter(|e| e.gone_upstream).count();
    let mut meta = format!(
        "{} · {} · updated {}",
        track_count(summary.item_count),
        format_duration(summary.duration_ms),
        format_day(summary.updated_at)
    );
    // A mirrored remote playlist says so, and how many of its items left the source.
    if summary.kind == "remote" {
        meta.push_str(" · mirrored from a remote playlist");
        if gone > 0 {
            meta.push_str(&format!(" · {gone} gone upstream"));
        }
    }

    view! {
        <Title text=summary.title.clone() />
        <header class="page-head playlist-head">
            <div>
                <p class="muted kicker"><a href="/playlists">"Playlists"</a></p>
                <h1 class="playlist-name">{summary.title.clone()}</h1>
                <p class="muted playlist-meta">{meta}</p>
            </div>
            <div class="playlist-buttons">
                <button
                    class="primary play-all"
                    disabled=empty
                    on:click=move |_| player.play_list(tracks.get_value(), 0)
                >
                    "▶ Play all"
                </button>
                <button
                    class="shuffle-play"
                    disabled=empty
                    on:click=move |_| player.play_list(shuffled(tracks.get_value()), 0)
                >
                    "⤮ Shuffle play"
                </button>
            </div>
        </header>
        <crate::components::offline_button::OfflineToggle id=summary.id />
        <PlaylistSettings id=summary.id version=summary.version title=summary.title actions />
        {if empty {
            view! {
                <p class="empty playlist-empty">
                    "This playlist is empty — add tracks from the "
                    <a href="/library">"library"</a>
                    "."
                </p>
            }.into_any()
        } else {
            view! {
                <PlaylistItems
                    detail_items=detail.items
                    id=summary.id
                    version=summary.version
                    actions
                />
            }.into_any()
        }}
    }
}

/// Rename and delete, each behind a `<details>`: delete needs a second, explicit click.
#[component]
fn PlaylistSettings(
    id: PlaylistId,
    version: i64,
    title: String,
    actions: PlaylistActions,
) -> impl IntoView {
    let warning = format!("Delete “{title}”? The tracks stay in your library.");
    view! {
        <div class="playlist-settings">
            <details class="rename">
                <summary>"Rename"</summary>
                <ActionForm action=actions.rename attr:class="inline-form">
                    <input type="hidden" name="id" value=id.0 />
                    <input type="hidden" name="expected_version" value=version />
                    <input name="title" value=title aria-label="Playlist title" maxlength="200" required />
                    <button type="submit" class="primary">"Save"</button>
                </ActionForm>
            </details>
            <details class="delete">
                <summary>"Delete"</summary>
                <p>{warning}</p>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="id" value=id.0 />
                    <button type="submit" class="danger confirm-delete">"Yes, delete playlist"</button>
                </ActionForm>
            </details>
        </div>
    }
}

#[component]
fn PlaylistItems(
    detail_items: Vec<crate::model::PlaylistEntry>,
    id: PlaylistId,
    version: i64,
    actions: PlaylistActions,
) -> impl IntoView {
    let player = use_player();
    let last = detail_items.len().saturating_sub(1);
    let all = StoredValue::new(detail_items.iter().map(|e| e.track.clone()).collect::<Vec<_>>());
    let rows = detail_items
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            let track_id = entry.track.id;
            let is_current = move || player.current().map(|t| t.id) == Some(track_id);
            let move_form = move |to: usize, label: &'static str, glyph: &'static str| {
                view! {
                    <ActionForm action=actions.moving attr:class="move">
                        <input type="hidden" name="id" value=id.0 />
                        <input type="hidden" name="item" value=entry.item_id.0 />
                        <input type="hidden" name="to" value=to />
                        <input type="hidden" name="expected_version" value=version />
                        <button type="submit" class="icon" title=label aria-label=label>{glyph}</button>
                    </ActionForm>
                }
            };
            view! {
                <li class="playlist-item" class:current=is_current data-item-id=entry.item_id.0>
                    <span class="position muted">{index + 1}</span>
                    <button
                        class="icon play-track"
                        title="Play"
                        aria-label=format!("Play {}", entry.track.title)
                        on:click=move |_| player.play_list(all.get_value(), index)
                    >
                        "▶"
                    </button>
                    <span class="item-text">
                        <span class="title">{entry.track.title.clone()}</span>
                        {entry.gone_upstream.then(|| view! {
                            <span
                                class="tag gone-upstream"
                                title="No longer in the remote playlist; kept here in its place"
                            >
                                "gone upstream"
                            </span>
                        })}
                        <span class="muted artist">{entry.track.artist.clone()}</span>
                    </span>
                    <span class="col-time muted">{format_duration(entry.track.duration_ms)}</span>
                    <span class="item-actions">
                        {(index > 0).then(|| move_form(index - 1, "Move up", "↑"))}
                        {(index < last).then(|| move_form(index + 1, "Move down", "↓"))}
                        <ActionForm action=actions.remove attr:class="remove">
                            <input type="hidden" name="id" value=id.0 />
                            <input type="hidden" name="item" value=entry.item_id.0 />
                            <input type="hidden" name="expected_version" value=version />
                            <button type="submit" class="icon" title="Remove from playlist">"✕"</button>
                        </ActionForm>
                    </span>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="playlist-items">{rows}</ol> }
}

/// A uniformly shuffled copy (Fisher–Yates).
fn shuffled(mut tracks: Vec<Track>) -> Vec<Track> {
    for i in (1..tracks.len()).rev() {
        let j = (random_unit() * (i + 1) as f64) as usize;
        tracks.swap(i, j.min(i));
    }
    tracks
}

/// A random number in [0, 1). Shuffling only runs on a click, so in the browser.
#[cfg(feature = "hydrate")]
fn random_unit() -> f64 {
    js_sys::Math::random()
}

#[cfg(not(feature = "hydrate"))]
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(id: i64) -> Track {
        Track::sample(id)
    }

    #[test]
    fn shuffle_keeps_every_track_once() {
        let tracks: Vec<Track> = (0..50).map(track).collect();
        let mut ids: Vec<i64> = shuffled(tracks).iter().map(|t| t.id.0).collect();
        ids.sort_unstable();
        assert_eq!(ids, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn shuffle_changes_the_order() {
        let tracks: Vec<Track> = (0..50).map(track).collect();
        // The chance that five shuffles of 50 all keep the order is (1/50!)^5.
        let moved = (0..5).any(|_| shuffled(tracks.clone()) != tracks);
        assert!(moved);
    }
}
