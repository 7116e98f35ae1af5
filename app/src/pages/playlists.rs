//! The playlists page and the page of one playlist.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::RequireAccount;

#[component]
pub fn PlaylistsPage() -> impl IntoView {
    view! {
        <Title text="Playlists" />
        <RequireAccount>
            <h1>"Playlists"</h1>
        </RequireAccount>
    }
}

#[component]
pub fn PlaylistPage() -> impl IntoView {
    view! {
        <Title text="Playlist" />
        <RequireAccount>
            <h1>"Playlist"</h1>
        </RequireAccount>
    }
}
