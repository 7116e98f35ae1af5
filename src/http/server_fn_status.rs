//! Server functions answer every error with 500; this layer gives each error its real status
//! (404, 401, 403, 400, 409, 429), as the REST face does. The client decodes any 4xx/5xx body
//! as the error, so only the status changes.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

use app::api::ApiError;

/// Server-function error bodies are a few hundred bytes; anything larger is left alone.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn map_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/sfn/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status = status_of(&error);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn status_of(error: &ApiError) -> StatusCode {
    match error {
        ApiError::NotFound => StatusCode::NOT_FOUND,
        ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden | ApiError::CrossSite => StatusCode::FORBIDDEN,
        ApiError::Invalid(_) | ApiError::Transport(_) => StatusCode::BAD_REQUEST,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ApiError::Server => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
