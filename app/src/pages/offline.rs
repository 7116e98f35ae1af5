//! "On this device": the `/offline` page, and the offline shell the service worker serves when
//! the server cannot be reached (mounted by `client::offline::offline_shell`).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{
    offline_agent::OfflineAgent,
    offline_library::OfflineLibrary,
    offline_state::provide_offline,
    player::{provide_player, Player},
};

#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <Title text="On this device" />
        <h1>"On this device"</h1>
        <OfflineLibrary />
    }
}

/// The whole page when offline: no server data, only what IndexedDB holds for the user this
/// browser last signed in as. Whatever URL was asked for, this is what can be offered.
#[component]
pub fn OfflineShell() -> impl IntoView {
    provide_player();
    provide_offline();
    view! {
        <div class="layout offline-shell">
            <nav class="sidebar" aria-label="Main">
                <a class="brand" href="/">
                    <span class="logo" aria-hidden="true">"≋"</span>
                    "Soundwave"
                </a>
                <a href="/offline" aria-current="page">"On this device"</a>
            </nav>
            <main class="content">
                <h1>"On this device"</h1>
                <OfflineLibrary />
            </main>
            <Player />
            <OfflineAgent />
        </div>
    }
}
