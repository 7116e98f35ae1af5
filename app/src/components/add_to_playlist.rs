//! "Add to playlist" for one track: a `<select>` of the caller's playlists and a button.
//! The playlists load once per track list (a shared resource in context), not once per row.
//! They load in the browser only: the server renders no control, so the track table's HTML
//! stays small and hydration never depends on when the list arrived during streaming.

use leptos::prelude::*;

use crate::{
    api::{
        playlists::{list_playlists, AddToPlaylist},
        ApiError,
    },
    components::icons::Icon,
    model::{PlaylistSummary, TrackId},
};

/// The caller's playlists, shared by every "Add to playlist" control below it.
#[derive(Clone, Copy)]
pub struct PlaylistChoices(pub LocalResource<Result<Vec<PlaylistSummary>, ApiError>>);

/// Provides the choices once for the whole app. Owned by `App`, the resource outlives every
/// track list: a resource owned by a row was disposed when a search replaced the rows while
/// its `Suspend` was still waiting on it, and that panicked the client.
pub fn provide_playlist_choices() {
    let account = expect_context::<crate::shell::AccountResource>();
    provide_context(PlaylistChoices(LocalResource::new(move || async move {
        // Visitors have no playlists; asking would only earn a 401 in the console.
        match account.await {
            Some(_) => list_playlists().await,
            None => Ok(Vec::new()),
        }
    })));
}

pub fn use_playlist_choices() -> PlaylistChoices {
    expect_context::<PlaylistChoices>()
}

#[component]
pub fn AddToPlaylist(track: TrackId, #[prop(into)] title: String) -> impl IntoView {
    let choices = use_playlist_choices().0;
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let add = ServerAction::<AddToPlaylist>::new();
    let label = StoredValue::new(format!("Add {title} to a playlist"));

    let feedback = move || {
        add.value().get().map(|result| match result {
            Ok(detail) => view! {
                <span class="feedback success" role="status">
                    {format!("Added to {}", detail.summary.title)}
                </span>
            }
            .into_any(),
            Err(e) => view! {
                <span class="feedback error" role="alert">{e.to_string()}</span>
            }
            .into_any(),
        })
    };

    view! {
        // Read the resource as a plain signal rather than awaiting it: no future can outlive
        // the row and touch a disposed value.
        // Until this row has hydrated, render what the server rendered (nothing): the list may
        // already have arrived, and a control the server did not send would break hydration.
        {move || match mounted.get().then(|| choices.get()).flatten() {
            Some(Ok(list)) if !list.is_empty() => view! {
                <ActionForm action=add attr:class="add-to-playlist">
                    <input type="hidden" name="track" value=track.0 />
                    <select name="id" aria-label=label.get_value()>
                        {list
                            .into_iter()
                            .map(|p| view! { <option value=p.id.0>{p.title}</option> })
                            .collect_view()}
                    </select>
                    <button
                        type="submit"
                        class="icon add-button"
                        title="Add to playlist"
                        aria-label="Add to playlist"
                        disabled=move || add.pending().get()
                    >
                        <Icon name="queue" />
                    </button>
                </ActionForm>
            }
            .into_any(),
            Some(Ok(_)) => view! {
                <a class="muted small" href="/playlists" title="Create a playlist first">
                    "New playlist…"
                </a>
            }
            .into_any(),
            // Visitors, failed loads and the moment before the list arrives: no control.
            _ => ().into_any(),
        }}
        {feedback}
    }
}
