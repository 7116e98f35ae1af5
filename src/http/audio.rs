//! `/api/audio/...`: the caller's library as JSON, one track, its bytes and its cover.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    routing::get,
    Json, Router,
};
use serde::Deserialize;

use super::{
    auth::Caller,
    error::{HttpResult, QueryArgs},
    stream,
};
use app::{
    model::{Track, TrackId, TrackPage, TrackSort},
    server::{tracks, AppError, AppState},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audio/", get(list))
        .route("/audio", get(list))
        .route("/audio/{id}/", get(detail))
        .route("/audio/{id}", get(detail))
        .route("/audio/{id}/stream", get(stream::stream))
        .route("/audio/{id}/stream/", get(stream::stream))
        .route("/audio/{id}/artwork", get(artwork))
}

/// Track ids are numbers; any other segment names no track (404, like a stranger's id).
pub fn track_id(raw: &str) -> Result<TrackId, AppError> {
    raw.parse::<i64>().map(TrackId).map_err(|_| AppError::NotFound)
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    page_size: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Caller(account): Caller,
    QueryArgs(query): QueryArgs<ListQuery>,
) -> HttpResult<Json<TrackPage>> {
    let sort = match query.sort.as_deref() {
        None | Some("") => TrackSort::default(),
        Some(name) => TrackSort::parse(name)
            .ok_or_else(|| AppError::bad_request(format!("unknown sort `{name}`")))?,
    };
    let page = tracks::list_library(
        &state.pool,
        account.id,
        &query.q,
        sort,
        query.page.unwrap_or(1),
        query.page_size.unwrap_or(tracks::PAGE_SIZE),
    )
    .await?;
    Ok(Json(page))
}

async fn detail(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> HttpResult<Json<Track>> {
    let track = tracks::find_library_track(&state.pool, account.id, track_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(track))
}

async fn artwork(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> HttpResult<Response> {
    let file = tracks::find_library_file(&state.pool, account.id, track_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let art = file.artwork_path.ok_or(AppError::NotFound)?;
    let path =
        app::server::library::resolve(&state.config.media_root, &art).ok_or(AppError::NotFound)?;
    let mime = if art.ends_with(".png") { "image/png" } else { "image/jpeg" };
    stream::serve_file(&path, mime, &headers).await
}
