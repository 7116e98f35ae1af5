//! Server functions for custom playlists; all of them act for the signed-in owner only.

use leptos::prelude::*;

use super::ApiError;
use crate::model::{PlaylistDetail, PlaylistId, PlaylistItemId, PlaylistSummary, TrackId};

#[server(prefix = "/sfn", endpoint = "list_playlists")]
pub async fn list_playlists() -> Result<Vec<PlaylistSummary>, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::playlists::list_playlists(&state.pool, &account).await?)
}

#[server(prefix = "/sfn", endpoint = "get_playlist")]
pub async fn get_playlist(id: PlaylistId) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::playlists::get_playlist(&state.pool, &account, id).await?)
}

#[server(prefix = "/sfn", endpoint = "create_playlist")]
pub async fn create_playlist(title: String) -> Result<PlaylistSummary, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::playlists::insert_playlist(&state.pool, &account, &title, "").await?)
}

#[server(prefix = "/sfn", endpoint = "rename_playlist")]
pub async fn rename_playlist(id: PlaylistId, title: String) -> Result<PlaylistSummary, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::playlists::update_playlist(&state.pool, &account, id, Some(&title), None)
        .await?)
}

#[server(prefix = "/sfn", endpoint = "delete_playlist")]
pub async fn delete_playlist(id: PlaylistId) -> Result<(), ApiError> {
    let (state, account) = super::ctx::caller().await?;
    crate::server::playlists::delete_playlist(&state.pool, &account, id).await?;
    // The playlist's page is gone; send the browser (with or without WASM) to the list.
    leptos_axum::redirect("/playlists");
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "add_to_playlist")]
pub async fn add_to_playlist(id: PlaylistId, track: TrackId) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::playlists::add_item(&state.pool, &account, id, track).await?)
}

#[server(prefix = "/sfn", endpoint = "remove_from_playlist")]
pub async fn remove_from_playlist(
    id: PlaylistId,
    item: PlaylistItemId,
) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::playlists::remove_item(&state.pool, &account, id, item).await?)
}

#[server(prefix = "/sfn", endpoint = "move_playlist_item")]
pub async fn move_playlist_item(
    id: PlaylistId,
    item: PlaylistItemId,
    to: usize,
) -> Result<PlaylistDetail, ApiError> {
    let (state, account) = super::ctx::caller().await?;
    Ok(crate::server::playlists::move_item(&state.pool, &account, id, item, to).await?)
}
