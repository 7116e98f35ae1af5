//! Server functions for custom playlists; all of them act for the signed-in owner only.

use leptos::prelude::*;

use super::ApiError;
use crate::model::{PlaylistDetail, PlaylistId, PlaylistItemId, PlaylistSummary, TrackId};
#[cfg(feature = "ssr")]
use crate::server::playlists::{self, PlaylistEdit};

#[server(prefix = "/sfn", endpoint = "list_playlists")]
pub async fn list_playlists() -> Result<Vec<PlaylistSummary>, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(playlists::list_playlists(&state.pool, &account).await?)
}

#[server(prefix = "/sfn", endpoint = "get_playlist")]
pub async fn get_playlist(id: PlaylistId) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(playlists::get_playlist(&state.pool, &account, id).await?)
}

#[server(prefix = "/sfn", endpoint = "create_playlist")]
pub async fn create_playlist(title: String) -> Result<PlaylistSummary, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(playlists::insert_playlist(&state.pool, &account, &title, "").await?)
}

// The edits below carry `expected_version`, the version of the playlist the page showed; when
// the playlist changed since (another tab, another device), they fail with `Conflict` and
// change nothing. Leaving it out applies the change to whatever is current.

#[server(prefix = "/sfn", endpoint = "rename_playlist")]
pub async fn rename_playlist(
    id: PlaylistId,
    title: String,
    expected_version: Option<i64>,
) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    let edit = PlaylistEdit { title: Some(&title), ..PlaylistEdit::default() };
    Ok(playlists::edit_playlist(&state.pool, &account, id, edit, expected_version).await?)
}

#[server(prefix = "/sfn", endpoint = "delete_playlist")]
pub async fn delete_playlist(id: PlaylistId) -> Result<(), ApiError> {
    let (state, account) = super::ctx::caller().await?;
    playlists::delete_playlist(&state.pool, &account, id).await?;
    // The playlist's page is gone; send the browser (with or without WASM) to the list.
    leptos_axum::redirect("/playlists");
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "add_to_playlist")]
pub async fn add_to_playlist(
    id: PlaylistId,
    track: TrackId,
    expected_version: Option<i64>,
) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(playlists::add_item(&state.pool, &account, id, track, expected_version).await?)
}

#[server(prefix = "/sfn", endpoint = "remove_from_playlist")]
pub async fn remove_from_playlist(
    id: PlaylistId,
    item: PlaylistItemId,
    expected_version: Option<i64>,
) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    let what = playlists::Removal::Item(item);
    Ok(playlists::remove_items(&state.pool, &account, id, what, expected_version).await?)
}

#[server(prefix = "/sfn", endpoint = "move_playlist_item")]
pub async fn move_playlist_item(
    id: PlaylistId,
    item: PlaylistItemId,
    to: usize,
    expected_version: Option<i64>,
) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(playlists::move_item(&state.pool, &account, id, item, to, expected_version).await?)
}
