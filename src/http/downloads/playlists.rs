//! `/api/playlist/downloads/...`: playlist downloads, owner or admin (others get 404 for an
//! id, and lists show only their own). Static segments, so they never reach
//! `/api/playlist/{id}/`; `tests/playlist_downloads.rs` pins the route order.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    super::{
        auth::Caller,
        error::{HttpResult, JsonBody},
    },
    events,
};
use app::{
    downloads_model::PlaylistDownload,
    model::PlaylistId,
    server::{
        downloads::playlist_jobs::{self, Filter, Start},
        AppError, AppState,
    },
};

pub fn routes() -> Router<AppState> {
    let collection = get(list_all).post(start);
    let one = get(detail).delete(cancel);
    let live = get(events::playlist_download_events);
    Router::new()
        .route("/playlist/downloads/", collection.clone())
        .route("/playlist/downloads", collection)
        .route("/playlist/downloads/active/", get(list_active))
        .route("/playlist/downloads/active", get(list_active))
        .route("/playlist/downloads/completed/", get(list_completed))
        .route("/playlist/downloads/completed", get(list_completed))
        .route("/playlist/downloads/{id}/", one.clone())
        .route("/playlist/downloads/{id}", one)
        .route("/playlist/downloads/{id}/events", live.clone())
        .route("/playlist/downloads/{id}/events/", live)
}

/// Download ids are numbers; anything else is simply not a download.
pub fn download_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

async fn list(
    state: &AppState,
    caller: &app::model::Account,
    filter: Filter,
) -> HttpResult<Json<Value>> {
    let data = playlist_jobs::list(state, caller, filter).await?;
    Ok(Json(json!({ "total": data.len(), "data": data })))
}

async fn list_all(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> HttpResult<Json<Value>> {
    list(&state, &caller, Filter::All).await
}

async fn list_active(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> HttpResult<Json<Value>> {
    list(&state, &caller, Filter::Active).await
}

async fn list_completed(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> HttpResult<Json<Value>> {
    list(&state, &caller, Filter::Completed).await
}

/// `{"url": "..."}` for a new remote playlist, or `{"playlist_id": N}` to re-sync one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDownload {
    url: Option<String>,
    playlist_id: Option<i64>,
}

async fn start(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<NewDownload>,
) -> HttpResult<(StatusCode, Json<PlaylistDownload>)> {
    let what = match (body.url, body.playlist_id) {
        (Some(url), None) => Start::Url(url),
        (None, Some(id)) => Start::Playlist(PlaylistId(id)),
        _ => return Err(AppError::bad_request("give either `url` or `playlist_id`").into()),
    };
    let download = playlist_jobs::start(&state, &caller, what).await?;
    Ok((StatusCode::CREATED, Json(download)))
}

async fn detail(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> HttpResult<Json<PlaylistDownload>> {
    Ok(Json(playlist_jobs::get(&state, &caller, download_id(&id)?).await?))
}

async fn cancel(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> HttpResult<Json<PlaylistDownload>> {
    Ok(Json(playlist_jobs::cancel(&state, &caller, download_id(&id)?).await?))
}
