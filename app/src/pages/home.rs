//! The start page: a welcome for visitors; for listeners, their library at a glance
//! (size, first playlists, recently added tracks).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{
        library::{home_overview, HomePageData},
        ApiError,
    },
    components::{playlist_cards::PlaylistCards, track_list::TrackList},
};

#[component]
pub fn HomePage() -> impl IntoView {
    let overview = Resource::new_blocking(|| (), |_| home_overview());
    view! {
        <Title text="" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Overview overview=o /> }.into_any(),
                    Err(ApiError::Unauthorized) => view! { <Welcome /> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="hero welcome">
            <h1>"Soundwave"</h1>
            <p class="lead">
                "Your own music server: the audio you keep, in your own playlists, "
                "on every device — even offline."
            </p>
            <p class="hero-buttons">
                <a class="button primary" href="/login">"Sign in"</a>
                <a class="button" href="/register">"Create an account"</a>
            </p>
        </section>
    }
}

#[component]
fn Overview(overview: HomePageData) -> impl IntoView {
    let size = match overview.library_size {
        1 => "1 track".to_owned(),
        n => format!("{n} tracks"),
    };
    let more = overview.playlist_count > overview.playlists.len();
    view! {
        <header class="page-head home-head">
            <h1>"Home"</h1>
            <a class="stat" href="/library">
                <span class="stat-value library-size">{size}</span>
                <span class="muted">" in your library"</span>
            </a>
        </header>
        <section class="home-section">
            <h2>"Your playlists"</h2>
            {if overview.playlists.is_empty() {
                view! {
                    <p class="empty">
                        "No playlists yet. " <a href="/playlists">"Create one"</a>
                    </p>
                }.into_any()
            } else {
                view! {
                    <PlaylistCards playlists=overview.playlists />
                    {more.then(|| view! { <p><a href="/playlists">"All playlists →"</a></p> })}
                }.into_any()
            }}
        </section>
        <section class="home-section">
            <h2>"Recently added"</h2>
            {if overview.recent.is_empty() {
                view! {
                    <p class="empty">
                        "Your library is empty. Tracks appear here once they are downloaded or "
                        "an administrator scans the media folder."
                    </p>
                }.into_any()
            } else {
                view! {
                    <TrackList tracks=overview.recent />
                    <p><a href="/library?sort=recent">"More in the library →"</a></p>
                }.into_any()
            }}
        </section>
    }
}
