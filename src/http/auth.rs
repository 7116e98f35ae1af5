//! Who is calling (extractors), and the `/api/user/...` routes: sign-in, registration,
//! sign-out, the account and its API tokens.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts, Path, State},
    http::{header, request::Parts, Extensions, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
    Json, Router,
};
use serde::Deserialize;

use super::error::{HttpError, HttpResult, JsonBody, QueryArgs};
use app::{
    model::Account,
    server::{auth, users, AppError, AppState},
};

/// The signed-in caller. Cookie-authenticated writes from another site are refused.
pub struct Caller(pub Account);

impl FromRequestParts<AppState> for Caller {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let caller = auth::caller_from_headers(&state.pool, &parts.headers)
            .await?
            .ok_or(AppError::Unauthorized)?;
        if caller.credential == auth::Credential::Cookie
            && auth::is_cross_site_write(&parts.method, &parts.headers)
        {
            return Err(AppError::CrossSite.into());
        }
        Ok(Caller(caller.account))
    }
}

/// A signed-in administrator.
pub struct Admin(pub Account);

impl FromRequestParts<AppState> for Admin {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let Caller(account) = Caller::from_request_parts(parts, state).await?;
        if !account.is_admin() {
            return Err(AppError::Forbidden.into());
        }
        Ok(Admin(account))
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/user/login/", post(login))
        .route("/user/login", post(login))
        .route("/user/register/", post(register))
        .route("/user/register", post(register))
        .route("/user/logout/", post(logout))
        .route("/user/logout", post(logout))
        .route("/user/account/", get(account))
        .route("/user/account", get(account))
        .route("/user/tokens/", get(list_tokens).post(create_token))
        .route("/user/tokens", get(list_tokens).post(create_token))
        .route("/user/tokens/{id}/", delete(revoke_token))
        .route("/user/tokens/{id}", delete(revoke_token))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
    #[serde(default)]
    return_token: bool,
}

/// `?token=1` on login or register: answer an API token as `"return_token": true` does.
#[derive(Deserialize, Default)]
struct TokenFlag {
    #[serde(default)]
    token: Option<String>,
}

impl TokenFlag {
    fn wanted(&self) -> bool {
        matches!(self.token.as_deref(), Some("1" | "true" | "yes"))
    }
}

/// The peer address of the connection; proxies' headers are not trusted.
fn client_ip(extensions: &Extensions) -> String {
    extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default()
}

/// Signs in: sets the session cookie, and with `return_token` also answers an API token.
async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    headers: HeaderMap,
    QueryArgs(flag): QueryArgs<TokenFlag>,
    JsonBody(body): JsonBody<Credentials>,
) -> HttpResult<Response> {
    if auth::is_cross_site_write(&axum::http::Method::POST, &headers) {
        return Err(AppError::CrossSite.into());
    }
    let client = client_ip(&extensions);
    if state.throttle.is_blocked(&body.username, &client) {
        return Err(AppError::TooManyRequests.into());
    }
    let Some(account) = users::authenticate(&state.pool, &body.username, &body.password).await?
    else {
        state.throttle.record_failure(&body.username, &client);
        return Err(AppError::Unauthorized.into());
    };
    state.throttle.record_success(&body.username, &client);
    signed_in(&state, account, body.return_token || flag.wanted(), StatusCode::OK).await
}

async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryArgs(flag): QueryArgs<TokenFlag>,
    JsonBody(body): JsonBody<Credentials>,
) -> HttpResult<Response> {
    if auth::is_cross_site_write(&axum::http::Method::POST, &headers) {
        return Err(AppError::CrossSite.into());
    }
    let account = users::register(&state.pool, &body.username, &body.password).await?;
    signed_in(&state, account, body.return_token || flag.wanted(), StatusCode::CREATED).await
}

async fn signed_in(
    state: &AppState,
    account: Account,
    return_token: bool,
    status: StatusCode,
) -> HttpResult<Response> {
    let session = auth::insert_session(&state.pool, account.id).await?;
    let mut body = serde_json::json!({ "user": account });
    if return_token {
        let token = auth::insert_api_token(&state.pool, account.id, "login").await?;
        body["token"] = token.into();
    }
    let cookie = auth::session_cookie(&session, state.config.secure_cookies);
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((status, [(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> HttpResult<Response> {
    if auth::is_cross_site_write(&axum::http::Method::POST, &headers) {
        return Err(AppError::CrossSite.into());
    }
    if let Some(secret) = auth::cookie_value(&headers, auth::SESSION_COOKIE) {
        auth::delete_session(&state.pool, secret).await?;
    }
    let cookie = HeaderValue::from_str(&auth::clear_session_cookie())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

async fn account(Caller(account): Caller) -> Json<Account> {
    Json(account)
}

async fn list_tokens(
    State(state): State<AppState>,
    Caller(account): Caller,
) -> HttpResult<Json<serde_json::Value>> {
    let data = auth::list_api_tokens(&state.pool, account.id).await?;
    Ok(Json(serde_json::json!({ "data": data, "total": data.len() })))
}

#[derive(Deserialize)]
struct NewToken {
    name: String,
}

/// Creates a named token; the secret is in this answer and nowhere else, ever.
async fn create_token(
    State(state): State<AppState>,
    Caller(account): Caller,
    JsonBody(body): JsonBody<NewToken>,
) -> HttpResult<Response> {
    let (info, secret) = auth::create_api_token(&state.pool, account.id, &body.name).await?;
    let mut body = serde_json::to_value(&info).map_err(|e| AppError::Internal(e.to_string()))?;
    body["token"] = secret.into();
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    auth::revoke_api_token(&state.pool, account.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
