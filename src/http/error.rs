//! The one place where domain errors become HTTP answers: JSON `{"error", "message"}`.

use axum::{
    extract::{rejection::JsonRejection, FromRequest, FromRequestParts, Query, Request},
    http::request::Parts,
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::de::DeserializeOwned;

use app::server::AppError;

/// An error on its way to an HTTP client.
#[derive(Debug)]
pub struct HttpError(pub AppError);

impl<E: Into<AppError>> From<E> for HttpError {
    fn from(err: E) -> Self {
        HttpError(err.into())
    }
}

pub type HttpResult<T> = Result<T, HttpError>;

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Db(_) | AppError::Io(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        if self.0.is_server_fault() {
            tracing::error!(error = %self.0, "request failed");
        }
        let body =
            serde_json::json!({ "error": self.0.code(), "message": self.0.public_message() });
        (status, Json(body)).into_response()
    }
}

/// `Json<T>` whose rejections are our JSON errors instead of plain text.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(HttpError(AppError::BadRequest(describe(rejection)))),
        }
    }
}

/// `Query<T>` whose rejections are our JSON errors instead of plain text.
pub struct QueryArgs<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryArgs<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(QueryArgs(value)),
            Err(rejection) => Err(HttpError(AppError::BadRequest(format!(
                "invalid query string: {}",
                rejection.body_text()
            )))),
        }
    }
}

fn describe(rejection: JsonRejection) -> String {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "send the body as JSON with Content-Type: application/json".into()
        }
        other => format!("invalid JSON body: {}", other.body_text()),
    }
}

/// Answers a known `/api/...` path called with a method it does not serve, in the same JSON
/// shape as every other API error (axum's default is an empty body).
pub async fn api_method_not_allowed() -> Response {
    let body = serde_json::json!({
        "error": "method_not_allowed",
        "message": "this path does not accept that method",
    });
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}

/// Answers unknown `/api/...` paths.
pub async fn api_not_found() -> HttpError {
    HttpError(AppError::NotFound)
}
