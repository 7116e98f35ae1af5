//! `POST /api/plays/`: a batch of plays (often queued while offline) with the client's cache
//! counters. Each play counts once by its client UUID, so a retried batch is harmless.

use axum::{extract::State, routing::post, Json, Router};

use super::{
    auth::Caller,
    error::{HttpResult, JsonBody},
};
use app::{
    api::offline::{BatchOutcome, PlayBatch},
    server::{plays, AppState},
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/plays/", post(record)).route("/plays", post(record))
}

async fn record(
    State(state): State<AppState>,
    Caller(account): Caller,
    JsonBody(batch): JsonBody<PlayBatch>,
) -> HttpResult<Json<BatchOutcome>> {
    Ok(Json(plays::record_batch(&state.pool, &account, &batch).await?))
}
