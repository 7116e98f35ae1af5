//! Server functions for the library: search and paging, and the start page's overview.

use leptos::prelude::*;

use super::ApiError;
use crate::model::{PlaylistSummary, Track, TrackPage, TrackSort};

/// One page of the caller's library, filtered by `q` (title, artist or album).
#[server(prefix = "/sfn", endpoint = "list_tracks")]
pub async fn list_tracks(q: String, sort: TrackSort, page: i64) -> Result<TrackPage, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    let page = crate::server::tracks::list_library(
        &state.pool,
        account.id,
        &q,
        sort,
        page,
        crate::server::tracks::PAGE_SIZE,
    )
    .await?;
    Ok(page)
}

/// What the start page shows a signed-in listener.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HomePageData {
    pub library_size: i64,
    /// The first few playlists, by title.
    pub playlists: Vec<PlaylistSummary>,
    pub playlist_count: usize,
    /// The most recently added tracks, newest first.
    pub recent: Vec<Track>,
}

/// How many playlists and recent tracks the start page shows.
pub const HOME_PLAYLISTS: usize = 6;
pub const HOME_RECENT: i64 = 10;

#[server(prefix = "/sfn", endpoint = "home_overview")]
pub async fn home_overview() -> Result<HomePageData, ApiError> {
    use crate::server::{playlists, tracks};

    let (state, account) = super::ctx::caller().await?;
    let library_size = tracks::count_library(&state.pool, account.id).await?;
    let mut all = playlists::list_playlists(&state.pool, &account).await?;
    let playlist_count = all.len();
    all.truncate(HOME_PLAYLISTS);
    let recent =
        tracks::list_library(&state.pool, account.id, "", TrackSort::Recent, 1, HOME_RECENT)
            .await?;
    Ok(HomePageData { library_size, playlists: all, playlist_count, recent: recent.data })
}
