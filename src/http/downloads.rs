//! `/api/download/...` (the download queue) and `/api/task/` (background work), admin only.
//! Thin adapters over `app::server::downloads`. Playlist downloads, subscriptions and the
//! live event streams live in the submodules and are merged here.

mod channels;
mod events;
mod playlists;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    auth::Admin,
    error::{HttpResult, JsonBody},
};
use app::server::{
    downloads::{self, queue, Job},
    AppError, AppState,
};

pub fn routes() -> Router<AppState> {
    let collection = get(list).post(add).delete(clear);
    let one = get(detail);
    let retry_route = post(retry);
    let cancel_route = post(cancel);
    Router::new()
        .merge(playlists::routes())
        .merge(channels::routes())
        .route("/download/events", get(events::download_events))
        .route("/download/events/", get(events::download_events))
        .route("/download/", collection.clone())
        .route("/download", collection)
        .route("/download/{id}/", one.clone())
        .route("/download/{id}", one)
        .route("/download/{id}/retry", retry_route.clone())
        .route("/download/{id}/retry/", retry_route)
        .route("/download/{id}/cancel", cancel_route.clone())
        .route("/download/{id}/cancel/", cancel_route)
        .route("/task/", get(tasks))
        .route("/task", get(tasks))
}

/// Job ids are numbers; anything else is simply not a job.
fn job_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Admin(_): Admin,
    Query(query): Query<ListQuery>,
) -> HttpResult<Json<Value>> {
    let status = query.status.as_deref().filter(|s| !s.is_empty());
    let jobs = queue::list(&state.pool, status).await?;
    Ok(Json(json!({ "total": jobs.len(), "data": jobs })))
}

/// `{"urls": [...]}` or `{"url": "..."}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDownloads {
    url: Option<String>,
    #[serde(default)]
    urls: Vec<String>,
}

async fn add(
    State(state): State<AppState>,
    Admin(account): Admin,
    JsonBody(body): JsonBody<NewDownloads>,
) -> HttpResult<(StatusCode, Json<Value>)> {
    let mut urls = body.urls;
    urls.extend(body.url);
    let jobs = downloads::add_urls(&state.pool, &state.downloads, account.id, &urls).await?;
    Ok((StatusCode::CREATED, Json(json!({ "total": jobs.len(), "data": jobs }))))
}

async fn clear(State(state): State<AppState>, Admin(_): Admin) -> HttpResult<Json<Value>> {
    let removed = queue::clear_finished(&state.pool).await?;
    Ok(Json(json!({ "removed": removed })))
}

async fn detail(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<String>,
) -> HttpResult<Json<Job>> {
    Ok(Json(queue::get(&state.pool, job_id(&id)?).await?))
}

async fn retry(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<String>,
) -> HttpResult<Json<Job>> {
    Ok(Json(downloads::retry(&state.pool, &state.downloads, job_id(&id)?).await?))
}

async fn cancel(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<String>,
) -> HttpResult<Json<Job>> {
    Ok(Json(downloads::cancel(&state.pool, &state.downloads, job_id(&id)?).await?))
}

/// Recorded tasks (scans), the worker's current jobs with their timings, and the tool check.
async fn tasks(State(state): State<AppState>, Admin(_): Admin) -> HttpResult<Json<Value>> {
    let recorded = queue::recent_tasks(&state.pool).await?;
    let mut running = Vec::new();
    for active in state.downloads.active() {
        if let Ok(job) = queue::get(&state.pool, active.job_id).await {
            running.push(json!({ "job": job, "running_for_ms": active.running_for_ms }));
        }
    }
    let tools = state.downloads.tools().map(|t| {
        json!({
            "yt_dlp": { "ok": t.ytdlp.is_ok(), "detail": t.ytdlp.unwrap_or_else(|e| e) },
            "ffmpeg": { "ok": t.ffmpeg.is_ok(), "detail": t.ffmpeg.unwrap_or_else(|e| e) },
        })
    });
    Ok(Json(json!({ "tasks": recorded, "downloads": running, "tools": tools })))
}
