//! `/api/channel/...`: subscriptions to channels and remote playlists. Any signed-in user may
//! read them; subscribing, changing, removing and "sync now" are for admins.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::{
    auth::{Admin, Caller},
    error::{HttpResult, JsonBody},
};
use app::{
    downloads_model::Subscription,
    server::{
        downloads::{
            subscription_db,
            subscriptions::{self, Changes, Subscribe},
        },
        AppError, AppState,
    },
};

pub fn routes() -> Router<AppState> {
    let collection = get(list).post(subscribe);
    let one = get(detail).patch(update).delete(remove);
    let sync = post(sync_now);
    Router::new()
        .route("/channel/", collection.clone())
        .route("/channel", collection)
        .route("/channel/{id}/", one.clone())
        .route("/channel/{id}", one)
        .route("/channel/{id}/sync", sync.clone())
        .route("/channel/{id}/sync/", sync)
}

fn subscription_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

async fn list(State(state): State<AppState>, Caller(_): Caller) -> HttpResult<Json<Value>> {
    let data = subscription_db::list_subscriptions(&state.pool).await?;
    Ok(Json(json!({ "total": data.len(), "data": data })))
}

async fn detail(
    State(state): State<AppState>,
    Caller(_): Caller,
    Path(id): Path<String>,
) -> HttpResult<Json<Subscription>> {
    Ok(Json(subscription_db::get_subscription(&state.pool, subscription_id(&id)?).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSubscription {
    url: String,
    #[serde(default = "default_kind")]
    kind: String,
    title: Option<String>,
    #[serde(default = "yes")]
    auto_download: bool,
    #[serde(default = "default_depth")]
    sync_depth: i64,
}

fn default_kind() -> String {
    "playlist".into()
}

fn yes() -> bool {
    true
}

fn default_depth() -> i64 {
    20
}

async fn subscribe(
    State(state): State<AppState>,
    Admin(caller): Admin,
    JsonBody(body): JsonBody<NewSubscription>,
) -> HttpResult<(StatusCode, Json<Subscription>)> {
    let new = Subscribe {
        url: body.url,
        kind: body.kind,
        title: body.title,
        auto_download: body.auto_download,
        sync_depth: body.sync_depth,
    };
    Ok((StatusCode::CREATED, Json(subscriptions::subscribe(&state, &caller, new).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Patch {
    title: Option<String>,
    auto_download: Option<bool>,
    sync_depth: Option<i64>,
}

async fn update(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Patch>,
) -> HttpResult<Json<Subscription>> {
    let changes = Changes {
        title: body.title,
        auto_download: body.auto_download,
        sync_depth: body.sync_depth,
    };
    let id = subscription_id(&id)?;
    Ok(Json(subscriptions::update(&state, &caller, id, changes).await?))
}

async fn remove(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    subscriptions::remove(&state, &caller, subscription_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sync_now(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
) -> HttpResult<Json<Subscription>> {
    Ok(Json(subscriptions::sync_now(&state, &caller, subscription_id(&id)?).await?))
}
