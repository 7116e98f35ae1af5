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
    server::{playlists, AppError, AppState},
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
    let id = playlist_id(&id)?;
    if body.title.is_none() && body.description.is_none() && body.order.is_none() {
        return Err(
            AppError::bad_request("nothing to change: send title, description or order").into()
        );
    }
    // Validate everything before writing anything, so a rejected request changes no row.
    playlists::ensure_version(&state.pool, &account, id, body.expected_version).await?;
    if let Some(title) = &body.title {
        if title.trim().is_empty() {
            return Err(AppError::bad_request("a playlist needs a title").into());
        }
    }
    if let Some(order) = &body.order {
        let detail = playlists::get_playlist(&state.pool, &account, id).await?;
        let mut have: Vec<_> = detail.items.iter().map(|i| i.item_id).collect();
        let mut want = order.clone();
        have.sort();
        want.sort();
        if have != want {
            return Err(AppError::bad_request("order must list every item exactly once").into());
        }
    }
    if body.title.is_some() || body.description.is_some() {
        playlists::update_playlist(
            &state.pool,
            &account,
            id,
            body.title.as_deref(),
            body.description.as_deref(),
        )
        .await?;
    }
    if let Some(order) = &body.order {
        playlists::reorder(&state.pool, &account, id, order).await?;
    }
    Ok(Json(playlists::get_playlist(&state.pool, &account, id).await?))
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
}

async fn add_item(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ItemBody>,
) -> HttpResult<(StatusCode, Json<PlaylistDetail>)> {
    let detail =
        playlists::add_item(&state.pool, &account, playlist_id(&id)?, body.track_id).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

async fn remove_item(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ItemBody>,
) -> HttpResult<Json<PlaylistDetail>> {
    let detail =
        playlists::remove_track(&state.pool, &account, playlist_id(&id)?, body.track_id).await?;
    Ok(Json(detail))
}
