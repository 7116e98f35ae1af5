//! Shared helpers for the integration tests: an in-process server on a temporary directory,
//! a small request builder driven through `oneshot`, accounts, sign-in and tracks on disk.

#![allow(dead_code)]

// ffmpeg fixtures; the file allows its own dead code, since not every test uses all of it.
pub mod audio;

use std::path::{Path, PathBuf};

use axum::{
    body::Body,
    http::{header, HeaderMap, Method, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::SqlitePool;
use tempfile::TempDir;
use tower::ServiceExt;

use app::{
    model::{Account, Role, TrackId, UserId},
    server::{config::Config, users, AppState},
};

/// One running application on its own DATA_DIR, MEDIA_ROOT and CACHE_DIR.
pub struct TestServer {
    pub dir: TempDir,
    pub config: Config,
    pub pool: SqlitePool,
    pub state: AppState,
    pub router: Router,
}

/// The configuration of a server whose three directories live inside `root`.
pub fn config_in(root: &Path) -> Config {
    config_with(root, &[])
}

/// Like `config_in`, with extra variables (e.g. `SW_ADMIN_USERNAME`).
pub fn config_with(root: &Path, extra: &[(&str, &str)]) -> Config {
    let data = root.join("data").display().to_string();
    let media = root.join("audio").display().to_string();
    let cache = root.join("cache").display().to_string();
    let extra: Vec<(String, String)> =
        extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|key| match key {
        "DATA_DIR" => Some(data.clone()),
        "MEDIA_ROOT" => Some(media.clone()),
        "CACHE_DIR" => Some(cache.clone()),
        other => extra.iter().find(|(k, _)| k == other).map(|(_, v)| v.clone()),
    })
    .expect("test configuration is valid")
}

impl TestServer {
    /// A fresh server on a new temporary directory.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start_in(dir).await
    }

    /// A server on an existing directory (for restarts).
    pub async fn start_in(dir: TempDir) -> Self {
        let config = config_in(dir.path());
        let pool = soundwave::startup::open(&config).await.expect("database opens");
        let state = soundwave::startup::state(pool.clone(), config.clone()).expect("state");
        let router = soundwave::router(state.clone());
        TestServer { dir, config, pool, state, router }
    }

    /// Drops the router and state, closes the pool and hands back the directory.
    pub async fn stop(self) -> TempDir {
        let TestServer { dir, pool, state, router, .. } = self;
        drop(router);
        drop(state);
        pool.close().await;
        dir
    }

    pub fn media_root(&self) -> &Path {
        &self.config.media_root
    }

    /// Starts building a request to this server.
    pub fn call(&self, method: Method, uri: &str) -> Call<'_> {
        Call {
            server: self,
            builder: Request::builder().method(method).uri(uri),
            body: Body::empty(),
        }
    }

    pub fn get(&self, uri: &str) -> Call<'_> {
        self.call(Method::GET, uri)
    }

    pub fn post(&self, uri: &str) -> Call<'_> {
        self.call(Method::POST, uri)
    }

    pub fn patch(&self, uri: &str) -> Call<'_> {
        self.call(Method::PATCH, uri)
    }

    pub fn delete(&self, uri: &str) -> Call<'_> {
        self.call(Method::DELETE, uri)
    }

    /// Creates an account directly in the database.
    pub async fn user(&self, name: &str, role: Role) -> Account {
        users::insert_user(&self.pool, name, PASSWORD, role).await.expect("user is created")
    }

    /// Signs in through `POST /api/user/login/` and keeps the cookie and an API token.
    pub async fn sign_in(&self, account: &Account) -> Session {
        let response = self
            .post("/api/user/login/")
            .json(&serde_json::json!({
                "username": account.username,
                "password": PASSWORD,
                "return_token": true,
            }))
            .send()
            .await;
        assert_eq!(response.status, StatusCode::OK, "login failed: {}", response.text());
        let cookie = response.session_cookie().expect("login sets the session cookie");
        let token = response.json()["token"].as_str().expect("login returns a token").to_owned();
        Session { account: account.clone(), cookie, token }
    }

    /// A new account of `role`, signed in.
    pub async fn signed_in(&self, name: &str, role: Role) -> Session {
        let account = self.user(name, role).await;
        self.sign_in(&account).await
    }

    /// Writes `bytes` to `MEDIA_ROOT/rel_path` and indexes it as a track (no library entry).
    pub async fn insert_track(&self, rel_path: &str, title: &str, bytes: &[u8]) -> TrackId {
        let path = self.media_root().join(rel_path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("media folder");
        }
        std::fs::write(&path, bytes).expect("track file is written");
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tracks (source, rel_path, title, artist, album, duration_ms, codec, mime,
                                 size, mtime, added_at)
             VALUES ('upload', ?, ?, 'Test Artist', 'Test Album', 1000, 'mp3', 'audio/mpeg',
                     ?, 0, 0)
             RETURNING id",
        )
        .bind(rel_path)
        .bind(title)
        .bind(bytes.len() as i64)
        .fetch_one(&self.pool)
        .await
        .expect("track row");
        TrackId(id)
    }

    /// Puts a track into a user's library.
    pub async fn give_track(&self, user: UserId, track: TrackId) {
        sqlx::query("INSERT INTO library_entries (user_id, track_id, added_at) VALUES (?, ?, 0)")
            .bind(user)
            .bind(track)
            .execute(&self.pool)
            .await
            .expect("library entry");
    }

    /// A track file in `user`'s library, with the given bytes.
    pub async fn add_track(&self, user: UserId, rel_path: &str, bytes: &[u8]) -> TrackId {
        let title = Path::new(rel_path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| rel_path.to_owned());
        let id = self.insert_track(rel_path, &title, bytes).await;
        self.give_track(user, id).await;
        id
    }

    /// The path of a file under MEDIA_ROOT.
    pub fn media_path(&self, rel_path: &str) -> PathBuf {
        self.media_root().join(rel_path)
    }

    /// `SELECT COUNT(*) FROM <table>`: for checking that rejected writes changed nothing.
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .expect("count")
    }

    /// Creates a playlist over REST and returns its id.
    pub async fn playlist(&self, session: &Session, title: &str, tracks: &[TrackId]) -> i64 {
        let created = self
            .post("/api/playlist/")
            .token(session)
            .json(&serde_json::json!({ "title": title }))
            .send()
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let id = created.json()["id"].as_i64().expect("playlist id");
        for track in tracks {
            let added = self
                .post(&format!("/api/playlist/{id}/items/"))
                .token(session)
                .json(&serde_json::json!({ "track_id": track }))
                .send()
                .await;
            assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
        }
        id
    }
}

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery";

/// A signed-in account: its session cookie value and an API token.
#[derive(Clone, Debug)]
pub struct Session {
    pub account: Account,
    pub cookie: String,
    pub token: String,
}

/// `len` bytes counting 0, 1, …, 255, 0, 1, …: any slice can be checked against its offset.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 256) as u8).collect()
}

/// A request being built.
pub struct Call<'a> {
    server: &'a TestServer,
    builder: axum::http::request::Builder,
    body: Body,
}

impl Call<'_> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    /// Authenticates with the session cookie.
    pub fn cookie(self, session: &Session) -> Self {
        let value = format!("{}={}", app::server::auth::SESSION_COOKIE, session.cookie);
        self.header("cookie", &value)
    }

    /// Authenticates with `Authorization: Token …`.
    pub fn token(self, session: &Session) -> Self {
        let value = format!("Token {}", session.token);
        self.header("authorization", &value)
    }

    pub fn json(mut self, value: &Value) -> Self {
        self.builder = self.builder.header(header::CONTENT_TYPE, "application/json");
        self.body = Body::from(value.to_string());
        self
    }

    /// A raw body with a content type.
    pub fn body(mut self, content_type: &str, body: impl Into<String>) -> Self {
        self.builder = self.builder.header(header::CONTENT_TYPE, content_type);
        self.body = Body::from(body.into());
        self
    }

    /// A server-function call: form-urlencoded arguments, sent as from our own pages.
    pub fn form(self, body: &str) -> Self {
        self.header("sec-fetch-site", "same-origin")
            .body("application/x-www-form-urlencoded", body.to_owned())
    }

    pub async fn send(self) -> TestResponse {
        let request = self.builder.body(self.body).expect("valid request");
        let response =
            self.server.router.clone().oneshot(request).await.expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("body is read").to_bytes().to_vec();
        TestResponse { status, headers, body }
    }
}

/// A finished response with its whole body.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    /// The session cookie value this response sets, if any.
    pub fn session_cookie(&self) -> Option<String> {
        let prefix = format!("{}=", app::server::auth::SESSION_COOKIE);
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&prefix))
            .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
    }

    /// Asserts a JSON error body `{"error": code, "message": …}` that leaks no internals.
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "unexpected status, body: {}", self.text());
        let body = self.json();
        assert_eq!(body["error"], code, "error body: {body}");
        let message = body["message"].as_str().expect("message is a string");
        assert!(!message.is_empty());
        assert_no_internals(&self.text());
    }
}

/// Fails if a client-visible text mentions SQL or a file path.
pub fn assert_no_internals(text: &str) {
    let lower = text.to_lowercase();
    for needle in ["select ", "insert ", "sqlite", "constraint", "/tmp", ".db", "no such"] {
        assert!(!lower.contains(needle), "`{needle}` leaked in: {text}");
    }
}
