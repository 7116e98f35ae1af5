//! Sessions (browser cookie) and API tokens (scripts), both stored only as SHA-256 digests,
//! plus the login throttle and the CSRF check for cookie-authenticated writes.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use http::{header, HeaderMap, Method};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use super::{
    db::now,
    error::{AppError, AppResult},
    users,
};
use crate::model::{Account, UserId};

pub const SESSION_COOKIE: &str = "sw_session";
pub const SESSION_DAYS: i64 = 30;

/// How the caller proved who they are; cookie writes need the CSRF check, token writes do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    Cookie,
    Token,
}

#[derive(Clone, Debug)]
pub struct Caller {
    pub account: Account,
    pub credential: Credential,
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Starts a browser session and returns the cookie value.
pub async fn insert_session(pool: &SqlitePool, user: UserId) -> AppResult<String> {
    let secret = new_secret();
    let created = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(digest(&secret))
    .bind(user)
    .bind(created)
    .bind(created + SESSION_DAYS * 86_400)
    .execute(pool)
    .await?;
    Ok(secret)
}

pub async fn delete_session(pool: &SqlitePool, secret: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(digest(secret))
        .execute(pool)
        .await?;
    Ok(())
}

async fn find_session_user(pool: &SqlitePool, secret: &str) -> AppResult<Option<Account>> {
    let user: Option<UserId> =
        sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?")
            .bind(digest(secret))
            .bind(now())
            .fetch_optional(pool)
            .await?;
    match user {
        Some(id) => users::find_user(pool, id).await,
        None => Ok(None),
    }
}

/// Creates a named API token and returns its secret, shown to the user once.
pub async fn insert_api_token(pool: &SqlitePool, user: UserId, name: &str) -> AppResult<String> {
    let secret = new_secret();
    sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(user)
    .bind(name)
    .bind(digest(&secret))
    .bind(now())
    .execute(pool)
    .await?;
    Ok(secret)
}

/// An API token as its owner sees it in a list: never the secret, which is shown once.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The caller's tokens that still work, newest first.
pub async fn list_api_tokens(pool: &SqlitePool, user: UserId) -> AppResult<Vec<ApiTokenInfo>> {
    Ok(sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM api_tokens
         WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .bind(user)
    .fetch_all(pool)
    .await?)
}

/// Creates a named token for `user` and answers its listing plus the secret.
pub async fn create_api_token(
    pool: &SqlitePool,
    user: UserId,
    name: &str,
) -> AppResult<(ApiTokenInfo, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::bad_request("a token needs a name of 1 to 100 characters"));
    }
    let secret = new_secret();
    let info: ApiTokenInfo = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)
         RETURNING id, name, created_at, last_used_at",
    )
    .bind(user)
    .bind(name)
    .bind(digest(&secret))
    .bind(now())
    .fetch_one(pool)
    .await?;
    Ok((info, secret))
}

/// Revokes one of `user`'s tokens; someone else's id is `NotFound`.
pub async fn revoke_api_token(pool: &SqlitePool, user: UserId, id: i64) -> AppResult<()> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(id)
    .bind(user)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

async fn find_token_user(pool: &SqlitePool, secret: &str) -> AppResult<Option<Account>> {
    let hash = digest(secret);
    let user: Option<UserId> = sqlx::query_scalar(
        "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ? AND revoked_at IS NULL
         RETURNING user_id",
    )
    .bind(now())
    .bind(&hash)
    .fetch_optional(pool)
    .await?;
    match user {
        Some(id) => users::find_user(pool, id).await,
        None => Ok(None),
    }
}

/// The value of one cookie in a request's `Cookie` headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Who is calling: an `Authorization: Token|Bearer` header first, then the session cookie.
pub async fn caller_from_headers(
    pool: &SqlitePool,
    headers: &HeaderMap,
) -> AppResult<Option<Caller>> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let secret = value
            .strip_prefix("Token ")
            .or_else(|| value.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        // A bad token is a failed sign-in even if a cookie is present too.
        if secret.is_empty() {
            return Ok(None);
        }
        let account = find_token_user(pool, secret).await?;
        return Ok(account.map(|account| Caller { account, credential: Credential::Token }));
    }
    match cookie_value(headers, SESSION_COOKIE) {
        Some(secret) if !secret.is_empty() => {
            let account = find_session_user(pool, secret).await?;
            Ok(account.map(|account| Caller { account, credential: Credential::Cookie }))
        }
        _ => Ok(None),
    }
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_DAYS * 86_400
    )
}

/// The `Set-Cookie` value that ends a session.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Rejects cross-site writes made with a cookie. Browsers send `Sec-Fetch-Site`; older ones
/// send `Origin`, which must then name this host.
pub fn is_cross_site_write(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin == "null" || origin_host != host
}

/// Counts failed log-ins per (user name, client address) and refuses more than a few a minute.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<(String, String), (u32, Instant)>>,
}

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(60);

impl LoginThrottle {
    fn key(username: &str, client: &str) -> (String, String) {
        (username.trim().to_lowercase(), client.to_owned())
    }

    pub fn is_blocked(&self, username: &str, client: &str) -> bool {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&Self::key(username, client)) {
            Some((count, since)) => *count >= MAX_FAILURES && since.elapsed() < WINDOW,
            None => false,
        }
    }

    pub fn record_failure(&self, username: &str, client: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        let entry = map.entry(Self::key(username, client)).or_insert((0, Instant::now()));
        entry.0 += 1;
    }

    pub fn record_success(&self, username: &str, client: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&Self::key(username, client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; sw_session=abc; b=2"));
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(is_cross_site_write(&Method::POST, &headers));
        assert!(!is_cross_site_write(&Method::GET, &headers));

        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("music.local:3000"));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(is_cross_site_write(&Method::DELETE, &headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://music.local:3000"));
        assert!(!is_cross_site_write(&Method::DELETE, &headers));
    }

    #[test]
    fn throttle_blocks_after_repeated_failures() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILURES {
            assert!(!throttle.is_blocked("Alice", "1.2.3.4"));
            throttle.record_failure("alice", "1.2.3.4");
        }
        assert!(throttle.is_blocked("ALICE", "1.2.3.4"));
        assert!(!throttle.is_blocked("alice", "5.6.7.8"));
        throttle.record_success("alice", "1.2.3.4");
        assert!(!throttle.is_blocked("alice", "1.2.3.4"));
    }
}
