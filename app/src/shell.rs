//! The HTML document, the router and the layout that stays put between pages (nav + player).

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    api::account::current_account,
    components::{nav::Nav, player::Player},
    pages::{
        admin::AdminPage, auth::LoginPage, auth::RegisterPage, home::HomePage,
        library::LibraryPage, not_found::NotFoundPage, playlists::PlaylistPage,
        playlists::PlaylistsPage,
    },
};

/// The whole document, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The signed-in account, loaded once per page load and shared through context.
pub type AccountResource = Resource<Option<crate::model::Account>>;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let account: AccountResource =
        Resource::new(|| (), |_| async { current_account().await.ok().flatten() });
    provide_context(account);
    crate::components::player::provide_player();
    crate::components::add_to_playlist::provide_playlist_choices();
    crate::components::offline_state::provide_offline();

    view! {
        <Stylesheet id="leptos" href="/pkg/app.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Soundwave".to_owned() } else { format!("{page} · Soundwave") }
        } />
        <Meta name="theme-color" content="#141821" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Link rel="apple-touch-icon" href="/apple-touch-icon.png" />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Meta name="apple-mobile-web-app-capable" content="yes" />
        <Meta name="apple-mobile-web-app-title" content="Soundwave" />
        <Router>
            <div class="layout">
                <Nav />
                <main class="content">
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/library") view=LibraryPage />
                        <Route path=path!("/playlists") view=PlaylistsPage />
                        <Route path=path!("/playlists/:id") view=PlaylistPage />
                        <Route path=path!("/admin") view=AdminPage />
                        <Route path=path!("/downloads") view=crate::pages::downloads::DownloadsPage />
                        <Route path=path!("/channels") view=crate::pages::channels::ChannelsPage />
                        <Route path=path!("/offline") view=crate::pages::offline::OfflinePage />
                        <Route path=path!("/login") view=LoginPage />
                        <Route path=path!("/register") view=RegisterPage />
                    </Routes>
                </main>
                <Player />
                <crate::components::offline_agent::OfflineAgent />
            </div>
        </Router>
    }
}
