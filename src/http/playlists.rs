//! `/api/playlist/...`: custom playlists for scripts. Owner or admin; others get 404.
//! `downloads` is reserved below `/api/playlist/` for playlist downloads, so ids are numeric.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::get,
    Json, Router,
};
use serde::Deserialize;

use super::{
    auth::Caller,
    error::{HttpResult, JsonBody},
};
use app::{
    model::{PlaylistDetail, PlaylistId, PlaylistItemId, PlaylistSummary, TrackId},
    server::{
        playlists::{self, PlaylistEdit, Removal},
        AppError, AppState,
    },
};

pub fn routes() -> Router<AppState> {
    let collection = get(list).post(create);
    let one = get(detail).patch(update).delete(remove);
    let items = axum::routing::post(add_item).delete(remove_item);
    Router::new()
        .route("/playlist/", collection.clone())
        .route("/playlist", collection)
        .route("/playlist/{id}/", one.clone())
        .route("/playlist/{id}", one)
        .route("/playlist/{id}/items/", items.clone())
        .route("/playlist/{id}/items", items)
}

/// Playlist ids are numbers; any other segment is simply not a playlist.
fn playlist_id(raw: &str) -> Result<PlaylistId, AppError> {
    raw.parse::<i64>().map(PlaylistId).map_err(|_| AppError::NotFound)
}

async fn list(
    State(state): State<AppState>,
    Caller(account): Caller,
) -> HttpResult<Json<serde_json::Value>> {
    let data = playlists::list_playlists(&state.pool, &account).await?;
    Ok(Json(serde_json::json!({ "data": data, "total": data.len() })))
}

#[derive(Deserialize)]
struct NewPlaylist {
    title: String,
    #[serde(default)]
    description: String,
}

async fn create(
    State(state): State<AppState>,
    Caller(account): Caller,
    JsonBody(body): JsonBody<NewPlaylist>,
) -> HttpResult<(StatusCode, Json<PlaylistSummary>)> {
    let created =
        playlists::insert_playlist(&state.pool, &account, &body.title, &body.description).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn detail(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> HttpResult<Json<PlaylistDetail>> {
    Ok(Json(playlists::get_playlist(&state.pool, &account, playlist_id(&id)?).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaylistChange {
    title: Option<String>,
    description: Option<String>,
    /// The complete new order, as item ids.
    order: Option<Vec<PlaylistItemId>>,
    /// The version the change is based on; a newer playlist answers 409.
    expected_version: Option<i64>,
}

async fn update(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PlaylistChange>,
) -> HttpResult<Json<PlaylistDetail>> {
    let edit = PlaylistEdit {
        title: body.title.as_deref(),
        description: body.description.as_deref(),
        order: body.order.as_deref(),
    };
    let detail = playlists::edit_playlist(
        &state.pool,
        &account,
        playlist_id(&id)?,
        edit,
        body.expected_version,
    )
    .await?;
    Ok(Json(detail))
}

async fn remove(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    playlists::delete_playlist(&state.pool, &account, playlist_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct ItemBody {
    track_id: TrackId,
    /// As for `PATCH`: the version the change is based on, if the client tracks it.
    #[serde(default)]
    expected_version: Option<i64>,
}

async fn add_item(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ItemBody>,
) -> HttpResult<(StatusCode, Json<PlaylistDetail>)> {
    let id = playlist_id(&id)?;
    let detail =
        playlists::add_item(&state.pool, &account, id, body.track_id, body.expected_version)
            .await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

async fn remove_item(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ItemBody>,
) -> HttpResult<Json<PlaylistDetail>> {
    let what = Removal::Track(body.track_id);
    let detail = playlists::remove_items(
        &state.pool,
        &account,
        playlist_id(&id)?,
        what,
        body.expected_version,
    )
    .await?;
    Ok(Json(detail))
}
