//! Server functions for signing in, signing out and registering.

use leptos::prelude::*;

use super::ApiError;
use crate::model::Account;

/// The signed-in account, or `None` for a visitor.
#[server(prefix = "/sfn", endpoint = "current_account")]
pub async fn current_account() -> Result<Option<Account>, ApiError> {
    use crate::server::auth;

    let state = super::ctx::state()?;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    let caller = auth::caller_from_headers(&state.pool, &parts.headers).await?;
    Ok(caller.map(|c| c.account))
}

/// Checks the password, sets the session cookie and sends the browser on to `next`.
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), ApiError> {
    use crate::server::{auth, users};

    let state = super::ctx::state()?;
    let parts = use_context::<http::request::Parts>().ok_or(ApiError::Server)?;
    if auth::is_cross_site_write(&parts.method, &parts.headers) {
        return Err(ApiError::CrossSite);
    }
    let client = client_address(&parts);
    if state.throttle.is_blocked(&username, &client) {
        return Err(ApiError::TooManyRequests);
    }

    let Some(account) = users::authenticate(&state.pool, &username, &password).await? else {
        state.throttle.record_failure(&username, &client);
        return Err(ApiError::Invalid("wrong user name or password".into()));
    };
    state.throttle.record_success(&username, &client);
    start_session(&state, &account).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Creates an account (the first one on a new server is an admin) and signs it in.
#[server(prefix = "/sfn", endpoint = "register")]
pub async fn register(username: String, password: String) -> Result<(), ApiError> {
    use crate::server::{auth, users};

    let state = super::ctx::state()?;
    let parts = use_context::<http::request::Parts>().ok_or(ApiError::Server)?;
    if auth::is_cross_site_write(&parts.method, &parts.headers) {
        return Err(ApiError::CrossSite);
    }
    let account =
        users::register(&state.pool, &username, &password).await.map_err(|e| match e {
            crate::server::AppError::Forbidden => ApiError::Invalid(
                "registration is closed on this server; ask an administrator".into(),
            ),
            other => other.into(),
        })?;
    start_session(&state, &account).await?;
    leptos_axum::redirect("/library");
    Ok(())
}

/// Ends the session and clears the cookie.
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::server::auth;

    let state = super::ctx::state()?;
    let parts = use_context::<http::request::Parts>().ok_or(ApiError::Server)?;
    if auth::is_cross_site_write(&parts.method, &parts.headers) {
        return Err(ApiError::CrossSite);
    }
    if let Some(secret) = auth::cookie_value(&parts.headers, auth::SESSION_COOKIE) {
        auth::delete_session(&state.pool, secret).await?;
    }
    set_cookie(&auth::clear_session_cookie());
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(feature = "ssr")]
async fn start_session(state: &crate::server::AppState, account: &Account) -> Result<(), ApiError> {
    let secret = crate::server::auth::insert_session(&state.pool, account.id).await?;
    set_cookie(&crate::server::auth::session_cookie(&secret, state.config.secure_cookies));
    Ok(())
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// The peer address of the connection; proxies' headers are not trusted.
#[cfg(feature = "ssr")]
fn client_address(parts: &http::request::Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_default()
}

/// Only same-site paths are allowed as a place to go after signing in.
/// Browsers drop tabs and line breaks from URLs, so `/\t/host` would become `//host`:
/// any whitespace, control character or backslash disqualifies the value.
pub fn safe_next(next: Option<&str>) -> String {
    let clean = |path: &str| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    };
    match next {
        Some(path) if clean(path) => path.to_owned(),
        _ => "/library".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/playlists/3")), "/playlists/3");
        assert_eq!(safe_next(Some("//evil.example")), "/library");
        assert_eq!(safe_next(Some("https://evil.example")), "/library");
        assert_eq!(safe_next(None), "/library");
        assert_eq!(safe_next(Some("/\t/evil.example/x")), "/library");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/library");
        assert_eq!(safe_next(Some("/\\evil.example")), "/library");
    }
}
